"""Writing the index: the write lock, and Whoosh's writers (one process or one per core).

Only one process writes an index at a time: it holds `write.lock` (flock) for
the whole run. flock locks vanish with the process that held them, so a killed
writer never leaves a stale lock behind.

Large runs use Whoosh's multi-process writer: forked workers each write a
segment of their own. Forked workers inherit the lock's descriptor and would
outlive a killed parent, so the hooks below make each worker let go of the
lock and die with its parent.
"""

from __future__ import annotations

import errno
import fcntl
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import IndexLockedError
from .store import describe

LOCK = "write.lock"

# Compound segments are read through an mmap that Whoosh copies whole into a
# BytesIO on every open: 200 MB and 50 ms per query at 200k sentences. Plain
# segment files are read lazily.
_WRITER_OPTIONS = {"limitmb": 128, "compound": False}
# Each worker buffers postings up to limitmb: keep the whole tree small.
_WORKER_OPTIONS = {"limitmb": 64, "multisegment": True}
MAX_WORKERS = 4


class _Workers:
    """What forked workers need from their parent, set up once per process."""

    def __init__(self) -> None:
        self.hooked = False
        self.parent_pid: int | None = None
        self.lock_descriptor: int | None = None
        self.die_with_parent = None

    def hook(self) -> None:
        if self.hooked:
            return
        try:  # Linux's prctl(PR_SET_PDEATHSIG), looked up now so the child only calls it
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl
            self.die_with_parent = lambda: prctl(1, signal.SIGKILL)
        except (OSError, AttributeError):
            self.die_with_parent = None
        os.register_at_fork(before=self._remember_parent, after_in_child=self._in_child)
        self.hooked = True

    def _remember_parent(self) -> None:
        self.parent_pid = os.getpid()

    def _in_child(self) -> None:
        """In a forked indexing worker: die with the parent, and never hold its lock.

        A parent killed before the death signal was armed is caught by checking
        who the parent is afterwards.
        """
        # Ctrl-C reaches the whole process group: the parent handles it and stops us.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if self.lock_descriptor is not None:
            with suppress(OSError):
                os.close(self.lock_descriptor)
        if self.die_with_parent is not None:
            self.die_with_parent()
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            os._exit(1)

    @staticmethod
    def stop() -> None:
        """Kill the workers: Whoosh's cancel cannot reach them, and they read its files."""
        for worker in multiprocessing.active_children():
            worker.kill()
            worker.join(timeout=5)


_workers = _Workers()


@contextmanager
def write_lock(folder: Path, wait: float) -> Iterator[None]:
    """Hold the index's write lock, waiting up to `wait` seconds for another writer."""
    descriptor = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise locked(describe(folder), wait) from None
                time.sleep(0.05)
        _workers.lock_descriptor = descriptor
        yield
    finally:
        _workers.lock_descriptor = None
        os.close(descriptor)


def locked(where: str, wait: float) -> IndexLockedError:
    return IndexLockedError(
        f"another process is writing the index in {where} "
        f"(waited {wait:g} s); try again when it finishes, or pass --wait SECONDS"
    )


def worker_count() -> int:
    """How many worker processes a parallel run may use here (1: write in this process)."""
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return 1
    return min(os.cpu_count() or 1, MAX_WORKERS)


@contextmanager
def open_writer(index, wait: float, where: str, parallel: bool = False):
    """A Whoosh writer, always in a `with` block: commit on success, cancel on error.

    A writer whose add_document raised keeps Whoosh's lock until it is garbage
    collected, so no writer is ever held outside this block. With `parallel`
    (and where processes are forked), Whoosh's multi-process writer indexes on
    every core, each worker writing its own segment.
    """
    from whoosh.index import LockError

    options: dict = {"timeout": max(wait, 0.0), **_WRITER_OPTIONS}
    procs = worker_count() if parallel else 1
    if procs > 1:
        options.update(procs=procs, **_WORKER_OPTIONS)
        _workers.hook()
    try:
        writer = index.writer(**options)
    except LockError:
        raise locked(where, wait) from None
    try:
        yield writer
        writer.commit()
    except BaseException:
        _workers.stop()
        writer.cancel()
        raise
