"""Keeping the index live: follow article folders and commit what changes, in batches.

`Watcher.run` indexes the folders once (catching up on whatever changed while nothing was
watching, by the same incremental rules as `search index`, so a watcher killed with
`kill -9` loses nothing), then follows them with `watchfiles`: the Rust `notify` crate behind
it reads inotify on Linux, groups the events of a burst and hands them over in one set.
Events in hidden files and folders, in the index folder itself and in anything `exclude`
names are dropped before any work. Each batch that remains is one incremental index run of
the watched folders (one commit: a burst of 1,000 files is a few commits, not 1,000), which
holds the write lock only for that run, so `search index` and queries work beside it.

When the system's inotify watches run out (`fs.inotify.max_user_watches`) the watcher says
so once and polls instead.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .articles.reading import Exclusions
from .engine.indexer import IndexReport, update_index
from .errors import IndexLockedError, InputError, SearchError
from .language import default_language

__all__ = ["Batch", "Watcher", "WatchError"]

# A burst's events are grouped until none came for STEP_MS, or for at most DEBOUNCE_MS.
DEBOUNCE_MS = 1000
STEP_MS = 150
# How often an idle watcher wakes (to retry a batch that met a locked index): rarely.
IDLE_WAKE_MS = 5000
POLL_DELAY_MS = 1000


class WatchError(SearchError):
    """Raised when a folder cannot be watched (gone, unreadable, not a folder)."""


@dataclass(frozen=True)
class Batch:
    """What one commit did, for the one line a watcher prints per commit."""

    added: int
    updated: int
    removed: int
    sentences: int
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, report: IndexReport) -> Batch:
        warnings = [*report.skipped, *report.notes]
        return cls(report.added, report.updated, report.removed, report.sentences, warnings)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def line(self) -> str:
        """`+3 ~1 -0 articles; 1,204 sentences`"""
        return (
            f"+{self.added} ~{self.updated} -{self.removed} articles; {self.sentences:,} sentences"
        )


@dataclass
class Watcher:
    """Follows `paths` (folders) and keeps the index in `folder` in step with them."""

    folder: Path
    paths: Sequence[Path]
    include: Sequence[str] | None = None
    exclude: Sequence[str] = ()
    wait: float = 10.0
    on_batch: Callable[[Batch], None] = lambda batch: None
    # A warning: a line, or an error whose options the front end names (SearchError.render).
    on_warning: Callable[[str | SearchError], None] = lambda warning: None
    force_polling: bool = False
    language: str | None = None  # of articles too short to tell, as `search index --language`
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        default_language(self.language)  # an unknown code is refused before any watching
        self.roots = [self._root(path) for path in self.paths]
        self.leave_out = Exclusions(self.exclude, skip=[self.folder])
        self.pending = False
        self.said: set[str] = set()  # a file that fails to read is warned of once, not per batch

    def _root(self, path: Path) -> Path:
        if not path.exists():
            raise WatchError(f"{path}: no such folder to watch")
        if not path.is_dir():
            raise WatchError(f"{path}: not a folder; search watch follows folders")
        if not os.access(path, os.R_OK | os.X_OK):
            raise WatchError(
                f"{path}: cannot watch folder (permission denied); check its permissions"
            )
        return path.resolve()

    def run(self, ready: Callable[[], None] = lambda: None) -> None:
        """Watch, index once, call `ready`, then commit each batch of changes until `stop`
        is set (or Ctrl-C: KeyboardInterrupt). The watch starts first, so nothing written
        while the first run reads is missed."""
        while not self.stop.is_set():
            try:
                with self._notifier() as notifier:
                    self.commit()
                    if self.stop.is_set():
                        return
                    ready()
                    ready = lambda: None  # noqa: E731 (once, even after a fall-back)
                    self._follow(notifier)
                return
            except OSError as error:
                if self.force_polling or not _out_of_watches(error):
                    raise WatchError(f"cannot watch the folders ({error}); check them") from None
                self.on_warning(
                    "the system's limit of inotify watches is reached (fs.inotify."
                    "max_user_watches); polling the folders every second instead"
                )
                self.force_polling = True

    def _notifier(self):
        """watchfiles' watcher of the roots (inotify, or polling), started."""
        from watchfiles._rust_notify import RustNotify

        roots = [str(root) for root in self.roots]
        return RustNotify(roots, False, self.force_polling, POLL_DELAY_MS, True, True)

    def _follow(self, notifier) -> None:
        """Commit each batch of wanted changes (and retry one that met a locked index)."""
        while True:
            changes = notifier.watch(DEBOUNCE_MS, STEP_MS, IDLE_WAKE_MS, self.stop)
            if changes == "signal":
                raise KeyboardInterrupt
            if changes == "stop":
                return
            wanted = changes != "timeout" and any(self.wanted(*change) for change in changes)
            if wanted or self.pending:
                self.commit()

    def wanted(self, change, path: str) -> bool:
        """Whether an event may change the index: not in a hidden, excluded or index folder."""
        where = Path(path)
        return any(
            where == root or (where.is_relative_to(root) and not self.leave_out.path(where, root))
            for root in self.roots
        )

    def commit(self) -> Batch | None:
        """One incremental run over the watched folders; a locked index is tried again later.
        None once `stop` is set (a Ctrl-C whose KeyboardInterrupt was swallowed)."""
        if self.stop.is_set():
            return None
        try:
            report = update_index(
                self.folder,
                self.roots,
                wait=self.wait,
                include=self.include,
                exclude=self.exclude,
                language=self.language,
            )
        except IndexLockedError as error:
            self.pending = True
            self.on_warning(error.followed_by("; trying again in a few seconds"))
            return None
        except InputError as error:
            if not all(root.is_dir() for root in self.roots):
                raise error.followed_by("; the watched folder is gone", WatchError) from None
            raise
        self.pending = False
        batch = Batch.of(report)
        for warning in batch.warnings:
            if warning not in self.said:
                self.said.add(warning)
                self.on_warning(warning)
        if batch.changed:
            self.on_batch(batch)
        return batch


def _out_of_watches(error: OSError) -> bool:
    """inotify_add_watch's ENOSPC, which notify reports as "OS file watch limit reached"."""
    return error.errno == errno.ENOSPC or "watch limit" in str(error).lower()
