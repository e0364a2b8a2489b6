"""Where the index lives on disk, and the only module that touches Whoosh's storage.

Layout of an index folder (default `index/`)::

    index/
      CURRENT            which generation folder is live, and its schema version (JSON)
      write.lock         held (flock) by the one process allowed to write
      ix-<token>/        a Whoosh index, plus checksums.json of its files

Why the indirection: `search index --rebuild` (and the very first run) builds a
complete index in a fresh `ix-<token>/` folder and publishes it by atomically
replacing CURRENT. A run that fails or is killed part-way leaves CURRENT, and so
the live index, untouched. Incremental runs write into the live folder through
Whoosh's own commit, which publishes a new table of contents by rename.

Whoosh never calls fsync and keeps no checksums; after each commit this module
fsyncs the new files and the folders, and records a SHA-256 of every index file
so that `search status --verify` can find damage that Whoosh would not notice.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexVersionError,
    NoIndexError,
    NotAnIndexError,
    OlderIndexError,
    SearchError,
)
from .schema import SCHEMA_VERSION

POINTER = "CURRENT"
LOCK = "write.lock"
CHECKSUMS = "checksums.json"
CATALOG = "articles.json"
GENERATION_PREFIX = "ix-"
FORMAT = "search-index"

REBUILD_HINT = 'run "search index --rebuild"'

# What reading truncated, overwritten or missing index files raises (each
# observed on damaged indexes). Beyond these, any exception raised inside
# Whoosh's own code while it reads the index is taken as damage too: Whoosh
# trusts its files, so garbage in them surfaces as whatever breaks first
# (FileFormatError, ValueError, OSError from a seek past the end, ...).
DAMAGE_ERRORS = (
    zlib.error,
    struct.error,
    EOFError,
    pickle.UnpicklingError,
    UnicodeDecodeError,
    FileNotFoundError,
)
_WHOOSH_PACKAGE = f"{os.sep}whoosh{os.sep}"


class DamagedRecord(Exception):
    """Stored fields that lack what every record of their kind has: a damaged index."""


_SENTENCE_RECORD = {"article": str, "path": str, "sentence": int, "text": str}
_ARTICLE_RECORD = {"article": str, "path": str, "info": dict}


def sentence_fields(fields) -> dict:
    """A sentence's stored fields, checked: article, path, a whole sentence number, text."""
    return _checked_record(fields, _SENTENCE_RECORD, "sentence record")


def article_fields(fields) -> dict:
    """An article record's stored fields, checked: article, path and an info dict."""
    return _checked_record(fields, _ARTICLE_RECORD, "article record")


def _checked_record(fields, types: dict, what: str) -> dict:
    if not isinstance(fields, dict) or not all(
        isinstance(fields.get(name), kind) for name, kind in types.items()
    ):
        raise DamagedRecord(what)
    return fields


@contextmanager
def guard(folder: Path) -> Iterator[None]:
    """Turn Whoosh's failures on a damaged or unreadable index into one-line errors."""
    try:
        yield
    except SearchError:
        raise
    except PermissionError as error:
        raise SearchError(
            f"cannot use the index in {describe(folder)} ({error.strerror}); check its permissions"
        ) from None
    except Exception as error:
        if isinstance(error, DAMAGE_ERRORS + (DamagedRecord,)) or _raised_in_whoosh(error):
            raise damaged(folder, error) from None
        raise


def _raised_in_whoosh(error: BaseException) -> bool:
    traceback = error.__traceback__
    innermost = None
    while traceback is not None:
        innermost = traceback.tb_frame
        traceback = traceback.tb_next
    return innermost is not None and _WHOOSH_PACKAGE in innermost.f_code.co_filename


def _whoosh():
    import whoosh.index

    return whoosh.index


def _durable_storage(folder: Path):
    """Whoosh's FileStorage, made to reach the disk before each commit becomes visible.

    Whoosh commits by renaming a new table of contents into place, and never
    calls fsync: after a power cut the TOC may name segment files whose data
    never reached the disk. Here every file is fsynced before any rename, and
    the folder after it, so a TOC is only ever published over durable files.
    """
    from whoosh.filedb.filestore import FileStorage

    class DurableFileStorage(FileStorage):
        def rename_file(self, oldname, newname, safe=False):
            for name in self.list():
                path = os.path.join(self.folder, name)
                if os.path.isfile(path):
                    _fsync_file(Path(path))
            super().rename_file(oldname, newname, safe=safe)
            _fsync_file(Path(self.folder, newname))
            fsync_folder(Path(self.folder))

    return DurableFileStorage(str(folder))


@dataclass(frozen=True)
class Pointer:
    generation: str
    schema_version: int


def describe(folder: Path) -> str:
    """How to name the index folder in messages: as the user would type it."""
    text = str(folder)
    return text if text.endswith(os.sep) else text + os.sep


def read_pointer(folder: Path) -> Pointer:
    """The live generation of the index in `folder`.

    Raises NoIndexError when there is no index yet, NotAnIndexError when the
    folder holds something else, IndexDamagedError when CURRENT is unreadable.
    """
    where = describe(folder)
    if folder.exists() and not folder.is_dir():
        raise NotAnIndexError(f"{folder} is a file, not an index folder; pass --index-dir a folder")
    pointer_file = folder / POINTER
    try:
        raw = pointer_file.read_bytes()
    except FileNotFoundError:
        if folder.is_dir() and _foreign_entries(folder):
            raise NotAnIndexError(
                f"{where} holds files that are not a search index; "
                "pass --index-dir an empty or index folder"
            ) from None
        raise NoIndexError(f'no index in {where}; run "search index" first') from None
    except NotADirectoryError:
        raise NotAnIndexError(
            f"{folder} is a file, not an index folder; pass --index-dir a folder"
        ) from None
    except PermissionError:
        raise NoIndexError(f"cannot read the index in {where} (permission denied)") from None
    except IsADirectoryError:
        raise IndexDamagedError(
            f"the index in {where} is damaged ({POINTER}); {REBUILD_HINT}"
        ) from None
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError("not our format")
        pointer = Pointer(str(data["generation"]), int(data["schema_version"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise IndexDamagedError(
            f"the index in {where} is damaged ({POINTER}); {REBUILD_HINT}"
        ) from None
    if pointer.schema_version != SCHEMA_VERSION:
        older = isinstance(pointer.schema_version, int) and pointer.schema_version < SCHEMA_VERSION
        raise (OlderIndexError if older else IndexVersionError)(
            f"the index in {where} was written by another version of search "
            f"(schema {pointer.schema_version}, this is {SCHEMA_VERSION}); {REBUILD_HINT}"
        )
    if "/" in pointer.generation or not pointer.generation.startswith(GENERATION_PREFIX):
        raise IndexDamagedError(f"the index in {where} is damaged ({POINTER}); {REBUILD_HINT}")
    return pointer


def _foreign_entries(folder: Path) -> list[str]:
    ours = {POINTER, LOCK}
    return [
        name
        for name in os.listdir(folder)
        if not name.startswith(".") and name not in ours and not name.startswith(GENERATION_PREFIX)
    ]


def open_index(folder: Path):
    """The live Whoosh index in `folder`, checked against this version's schema."""
    return open_live(folder)[1]


def open_live(folder: Path):
    """The live generation folder and its Whoosh index, read from CURRENT once."""
    live = folder / read_pointer(folder).generation
    with guard(folder):
        return live, _open_generation(folder, live)


def last_commit(generation: Path) -> float | None:
    """When the live TOC of `generation` was written (its mtime), or None."""
    present = [entry.name for entry in generation.iterdir()]
    toc = _latest_toc(present)
    return (generation / toc).stat().st_mtime if toc else None


def _open_generation(folder: Path, live: Path):
    from .schema import schema_matches

    where = describe(folder)
    index_module = _whoosh()
    try:
        storage = _durable_storage(live)
        if not live.is_dir() or not storage.index_exists():
            raise IndexDamagedError(
                f"the index in {where} is damaged (files missing); {REBUILD_HINT}"
            )
        index = storage.open_index()
    except IndexDamagedError:
        raise
    except index_module.IndexVersionError:
        raise IndexVersionError(
            f"the index in {where} was written by an incompatible Whoosh; {REBUILD_HINT}"
        ) from None
    except index_module.IndexError as error:
        raise damaged(folder, error) from None
    if not schema_matches(index.schema):
        raise IndexVersionError(
            f"the index in {where} was written by another version of search; {REBUILD_HINT}"
        )
    return index


def damaged(folder: Path, error: BaseException) -> IndexDamagedError:
    """The error to raise when Whoosh fails on a damaged index."""
    detail = str(error) if isinstance(error, DamagedRecord) else type(error).__name__
    return IndexDamagedError(
        f"the index in {describe(folder)} is damaged ({detail}); {REBUILD_HINT}"
    )


@contextmanager
def reading(folder: Path):
    """A Whoosh searcher on the live index; Whoosh's failures become IndexDamagedError."""
    index = open_index(folder)
    with guard(folder), index.searcher() as searcher:
        yield searcher


# Writing ---------------------------------------------------------------------------


@contextmanager
def write_lock(folder: Path, wait: float) -> Iterator[None]:
    """Hold the index's write lock, waiting up to `wait` seconds for another writer.

    flock locks vanish with the process that held them, so a killed writer
    never leaves a stale lock behind.
    """
    global _lock_descriptor
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
                    raise locked(folder, wait) from None
                time.sleep(0.05)
        _lock_descriptor = descriptor
        yield
    finally:
        _lock_descriptor = None
        os.close(descriptor)


@contextmanager
def open_writer(folder: Path, index, wait: float, parallel: bool = False):
    """A Whoosh writer, always in a `with` block: commit on success, cancel on error.

    A writer whose add_document raised keeps Whoosh's lock until it is garbage
    collected, so no writer is ever held outside this block. With `parallel`
    (and where processes are forked), Whoosh's multi-process writer indexes on
    every core, each worker writing its own segment.
    """
    from whoosh.index import LockError

    # Compound segments are read through an mmap that Whoosh copies whole into
    # a BytesIO on every open: 200 MB and 50 ms per query at 200k sentences.
    # Plain segment files are read lazily.
    options: dict = {"timeout": max(wait, 0.0), "limitmb": 128, "compound": False}
    if parallel and (os.cpu_count() or 1) > 1 and _forks():
        # Each worker buffers postings up to limitmb: keep the whole tree small.
        options.update(procs=min(os.cpu_count() or 1, 4), multisegment=True, limitmb=64)
        _register_fork_hook()
    with guard(folder):
        try:
            writer = index.writer(**options)
        except LockError:
            raise locked(folder, wait) from None
        try:
            yield writer
            writer.commit()
        except BaseException:
            # Whoosh's cancel cannot reach its workers: stop them before it
            # removes the files they are still reading.
            _stop_workers()
            writer.cancel()
            raise


def _stop_workers() -> None:
    import multiprocessing

    for worker in multiprocessing.active_children():
        worker.kill()
        worker.join(timeout=5)


def _forks() -> bool:
    import multiprocessing

    return multiprocessing.get_start_method(allow_none=False) == "fork"


_fork_hook_registered = False
_parent_pid: int | None = None
_set_parent_death_signal = None


def _register_fork_hook() -> None:
    global _fork_hook_registered, _set_parent_death_signal
    if _fork_hook_registered:
        return
    try:  # Linux's prctl(PR_SET_PDEATHSIG), looked up now so the child only calls it
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
        _set_parent_death_signal = lambda: prctl(1, signal.SIGKILL)  # noqa: E731
    except (OSError, AttributeError):
        _set_parent_death_signal = None
    os.register_at_fork(before=_remember_parent, after_in_child=_orphan_safe_child)
    _fork_hook_registered = True


def _remember_parent() -> None:
    global _parent_pid
    _parent_pid = os.getpid()


def _orphan_safe_child() -> None:
    """In a forked indexing worker: die with the parent, and never hold its lock.

    If `search index` is killed (even by SIGKILL) its workers must not live on
    as orphans, and must not keep the write lock (an flock shared through the
    inherited descriptor) from the next run. A parent killed before the death
    signal was armed is caught by checking who the parent is afterwards.
    """
    # Ctrl-C reaches the whole process group: the parent handles it and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _lock_descriptor is not None:
        with suppress(OSError):
            os.close(_lock_descriptor)
    if _set_parent_death_signal is not None:
        _set_parent_death_signal()
    if _parent_pid is not None and os.getppid() != _parent_pid:
        os._exit(1)


_lock_descriptor: int | None = None


def locked(folder: Path, wait: float) -> IndexLockedError:
    return IndexLockedError(
        f"another process is writing the index in {describe(folder)} "
        f"(waited {wait:g} s); try again when it finishes, or pass --wait SECONDS"
    )


def prepare_folder(folder: Path) -> None:
    """Create the index folder if needed; refuse a file or a folder of other things."""
    if folder.exists() and not folder.is_dir():
        raise NotAnIndexError(f"{folder} is a file, not an index folder; pass --index-dir a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise NotAnIndexError(f"cannot create index folder {folder}: {error.strerror}") from None
    if not (folder / POINTER).exists() and _foreign_entries(folder):
        raise NotAnIndexError(
            f"{describe(folder)} holds files that are not a search index; "
            "pass --index-dir an empty or index folder"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotAnIndexError(
            f"cannot write to index folder {describe(folder)} (permission denied)"
        )


def new_generation(folder: Path):
    """Create an empty Whoosh index in a fresh generation folder (not yet live)."""
    from .schema import build_schema

    live = folder / f"{GENERATION_PREFIX}{os.urandom(6).hex()}"
    live.mkdir()
    return live, _durable_storage(live).create_index(build_schema())


def publish(folder: Path, generation: Path) -> None:
    """Make `generation` the live index: fsync it, then replace CURRENT atomically."""
    seal(generation)
    data = {"format": FORMAT, "generation": generation.name, "schema_version": SCHEMA_VERSION}
    pointer = folder / POINTER
    if pointer.is_dir() and not pointer.is_symlink():  # damage that a rebuild repairs
        shutil.rmtree(pointer)
    try:
        previous = {read_pointer(folder).generation}
    except SearchError:
        previous = set()
    _atomic_write(pointer, json.dumps(data).encode() + b"\n")
    # The replaced generation stays until the next run: a query that read CURRENT a
    # moment ago may still be opening its files.
    remove_stale_generations(folder, keep={generation.name} | previous)


def remove_stale_generations(folder: Path, keep: set[str]) -> None:
    """Remove generation folders left by replaced indexes or interrupted runs."""
    for entry in folder.iterdir():
        if entry.name.startswith(GENERATION_PREFIX) and entry.name not in keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def seal(generation: Path) -> None:
    """After a commit: drop Whoosh's leftovers, checksum and fsync new files, fsync the folder.

    Segment files never change once written, so only files new since the last
    seal are hashed (the storage synced them before the commit); the checksums
    name the TOC they belong to.
    """
    # Left by a writer that was killed: half-written TOCs and posting pools.
    for leftover in generation.glob("_*.toc.*"):
        leftover.unlink(missing_ok=True)
    for leftover in generation.glob("*.tmp"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    previous = (load_checksums(generation) or Checksums(None, {})).files
    files: dict[str, str] = {}
    for entry in sorted(generation.iterdir()):
        if not entry.is_file() or not _is_index_file(entry.name):
            continue
        digest = previous.get(entry.name)
        if digest is None:
            digest = _sha256(entry)
        files[entry.name] = digest
    record = {"toc": _latest_toc(files), "files": files}
    _atomic_write(generation / CHECKSUMS, json.dumps(record, indent=0).encode())


def _is_index_file(name: str) -> bool:
    return name.endswith((".toc", ".seg")) or (name.startswith("MAIN_") and "." in name)


def _latest_toc(names) -> str | None:
    tocs = [name for name in names if _TOC.match(name)]
    return max(tocs, key=lambda name: int(_TOC.match(name).group(1))) if tocs else None


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


@dataclass(frozen=True)
class Checksums:
    toc: str | None
    files: dict[str, str]


def load_checksums(generation: Path) -> Checksums | None:
    """The recorded checksums, or None when the record is missing or unreadable."""
    try:
        data = json.loads((generation / CHECKSUMS).read_bytes())
        files = {str(name): str(digest) for name, digest in data["files"].items()}
        return Checksums(data.get("toc"), files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_catalog(generation: Path, rows: list) -> None:
    """Keep what the index records per article in one file, for the next run to read fast.

    The records themselves live in the index (committed with the sentences);
    reading 10,000 of them back through Whoosh costs half a second, this file a
    few milliseconds. It names the TOC it describes, so a run that committed
    but was stopped before writing it leaves a catalog that is simply ignored.
    """
    present = [entry.name for entry in generation.iterdir()]
    record = {"toc": _latest_toc(present), "articles": rows}
    _atomic_write(generation / CATALOG, json.dumps(record, separators=(",", ":")).encode())


def load_catalog(generation: Path) -> list | None:
    """The rows `save_catalog` wrote, if they describe the live TOC; else None."""
    try:
        data = json.loads((generation / CATALOG).read_bytes())
        present = [entry.name for entry in generation.iterdir()]
        if data["toc"] is None or data["toc"] != _latest_toc(present):
            return None
        rows = data["articles"]
        return rows if isinstance(rows, list) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Verification:
    """The result of checking index files against their recorded checksums."""

    damaged: list[str]
    missing: list[str]
    unrecorded: list[str]

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.missing


def raise_if_damaged(folder: Path) -> None:
    """IndexDamagedError naming the files whose checksums no longer match, if any."""
    result = verify(folder)
    if not result.ok:
        names = ", ".join(result.damaged + result.missing)
        raise IndexDamagedError(
            f"the index in {describe(folder)} is damaged ({names}); {REBUILD_HINT}"
        )


def verify(folder: Path) -> Verification:
    """Compare the live index's files with the checksums recorded at their commit.

    A file that is recorded but gone counts as missing only when the checksums
    belong to the live TOC; otherwise a run was stopped between Whoosh's commit
    and the seal, and the new files are merely unrecorded until the next run.
    """
    pointer = read_pointer(folder)
    generation = folder / pointer.generation
    if not generation.is_dir():
        return Verification([], [pointer.generation + os.sep], [])
    recorded = load_checksums(generation)
    present = {e.name for e in generation.iterdir() if e.is_file() and _is_index_file(e.name)}
    live_toc = _latest_toc(present)
    damaged_files, missing, unrecorded = [], [], []
    if recorded is None:
        damaged_files.append(CHECKSUMS)
        recorded = Checksums(None, {})
    if live_toc is None:
        missing.append("_MAIN_*.toc")
    for name in sorted(present):
        if name not in recorded.files:
            unrecorded.append(name)
        elif _sha256(generation / name) != recorded.files[name]:
            damaged_files.append(name)
    if recorded.toc is not None and recorded.toc == live_toc:
        missing.extend(sorted(set(recorded.files) - present))
    return Verification(damaged_files, missing, unrecorded)


def size_on_disk(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    fsync_folder(path.parent)
