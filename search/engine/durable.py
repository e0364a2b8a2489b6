"""Index files that reach the disk before they become visible, and checksums to verify them.

Whoosh never calls fsync and keeps no checksums. `DurableFileStorage` fsyncs
every file before a commit publishes a table of contents (TOC) naming it, and
`seal` records a SHA-256 of every index file so that `verify` can find damage
that Whoosh itself would not notice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

# Index files are opened as article files are: only if regular (re-exported for the index).
from ..articles.regular import NotRegularFile as NotRegularFile
from ..articles.regular import open_regular
from ..articles.regular import read_regular as read_regular

CHECKSUMS = "checksums.json"

_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")
_SEGMENT_FILE = re.compile(r"^(MAIN_[0-9a-z]+)\.[A-Za-z0-9_.]+$")  # Whoosh's segment files


class DurableFileStorage(FileStorage):
    """Whoosh's FileStorage, made to reach the disk before each commit becomes visible.

    Whoosh commits by renaming a new TOC into place: after a power cut the TOC
    may name segment files whose data never reached the disk. Here every file
    is fsynced before any rename, and the folder after it, so a TOC is only
    ever published over durable files. Files are opened only if regular.
    """

    def open_file(self, name, **kwargs):
        return StructFile(open(open_regular(self._fpath(name)), "rb"), name=name, **kwargs)

    # The segment ids of the TOC a writer is about to publish (set by the writer's commit):
    # their checksums are recorded before the TOC is renamed into place.
    sealing: frozenset[str] | None = None

    def rename_file(self, oldname, newname, safe=False):
        for name in self.list():
            path = os.path.join(self.folder, name)
            if os.path.isfile(path):
                fsync_path(path)
        if self.sealing is not None and _TOC.match(newname):
            record_commit(Path(self.folder), oldname, newname, self.sealing)
        super().rename_file(oldname, newname, safe=safe)
        fsync_path(os.path.join(self.folder, newname))
        fsync_path(self.folder)


def fsync_path(path: str | os.PathLike) -> None:
    """fsync a file or a folder by name."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `path` with `data` whole (bytes, or pieces of them written one after
    another, never all held at once): written and fsynced aside, then renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                stream.writelines(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(open_regular(path), "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def latest_toc(names) -> str | None:
    """The newest of Whoosh's TOC files among `names`: the one readers open."""
    numbered = [(int(match.group(1)), name) for name in names if (match := _TOC.match(name))]
    return max(numbered)[1] if numbered else None


def is_index_file(name: str) -> bool:
    return name.endswith((".toc", ".seg")) or (name.startswith("MAIN_") and "." in name)


def segment_of(name: str) -> str | None:
    """The segment id a segment file belongs to (`MAIN_<id>.trm` -> `MAIN_<id>`), else None."""
    match = _SEGMENT_FILE.match(name)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Checksums:
    """A generation's recorded checksums: of its table of contents and of each file."""

    toc: str | None
    files: dict[str, str]


def load_checksums(generation: Path) -> Checksums | None:
    """The recorded checksums, or None when the record is missing or unreadable."""
    try:
        data = json.loads(read_regular(generation / CHECKSUMS))
        files = {str(name): str(digest) for name, digest in data["files"].items()}
        return Checksums(data.get("toc"), files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _save_checksums(generation: Path, toc: str | None, files: dict[str, str]) -> None:
    record = {"toc": toc, "files": dict(sorted(files.items()))}
    atomic_write(generation / CHECKSUMS, json.dumps(record, indent=0).encode())


def record_commit(generation: Path, temporary_toc: str, toc: str, segments) -> None:
    """The seal of a commit, written before its TOC is published (renamed into place).

    Records the checksums of the TOC about to be published and of its segments' files: the
    files this commit wrote are hashed now, as written (synced, not yet visible); the ones
    an earlier commit sealed keep their recorded digest. Files of the live TOC stay in the
    record too, so a writer killed before the rename leaves the live state covered.
    Nothing is hashed that neither this commit wrote nor a seal covered: a live segment
    that no record covers is checked (`check_unsealed`) before any run writes.
    """
    previous = (load_checksums(generation) or Checksums(None, {})).files
    present = set(os.listdir(generation))
    files = {name: digest for name, digest in previous.items() if name in present}
    for name in sorted(present):
        if segment_of(name) in segments and name not in files:
            files[name] = sha256(generation / name)
    files[toc] = sha256(generation / temporary_toc)
    _save_checksums(generation, toc, files)


def record_checked(generation: Path, names: list[str]) -> None:
    """Add to the record the files `names`, once Whoosh has read them back whole (see
    store.check_unsealed): the seal of a commit that was stopped before its own."""
    previous = (load_checksums(generation) or Checksums(None, {})).files
    files = {**previous, **{name: sha256(generation / name) for name in names}}
    _save_checksums(generation, latest_toc(os.listdir(generation)), files)
    fsync_path(generation)


def live_segments(generation: Path, toc: str) -> set[str]:
    """The segment ids the TOC `toc` names (Whoosh's own reading of it)."""
    from whoosh.index import TOC

    match = _TOC.match(toc)
    assert match is not None
    storage = DurableFileStorage(str(generation))
    toc_read = TOC.read(storage, "MAIN", int(match.group(1)))
    return {segment.segment_id() for segment in toc_read.segments}


def seal(generation: Path) -> None:
    """After a commit is published: drop Whoosh's leftovers and prune the record to the live
    state. Never hashes a file: the commit recorded its files before publishing them."""
    remove_leftovers(generation)
    present = set(os.listdir(generation))
    toc = latest_toc(present)
    recorded = load_checksums(generation) or Checksums(None, {})
    if toc is None:
        return
    live = live_segments(generation, toc)
    files = {
        name: digest
        for name, digest in recorded.files.items()
        if name in present and (name == toc or segment_of(name) in live)
    }
    _save_checksums(generation, toc, files)
    fsync_path(generation)


def remove_leftovers(generation: Path, live: set[str] | None = None) -> None:
    """Delete what interrupted writers leave: half-written TOCs, posting pools (`MAIN.tmp`),
    and, given the live segments, older TOCs and segment files no live TOC names."""
    for leftover in generation.glob("_*.toc.*"):
        leftover.unlink(missing_ok=True)
    for leftover in generation.glob("*.tmp"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    if live is None:
        return
    toc = latest_toc(os.listdir(generation))
    for name in os.listdir(generation):
        orphan = (segment := segment_of(name)) is not None and segment not in live
        if orphan or (_TOC.match(name) and name != toc):
            with suppress(FileNotFoundError, IsADirectoryError):
                (generation / name).unlink()


@dataclass(frozen=True)
class Verification:
    """The result of checking index files against their recorded checksums."""

    damaged: list[str]
    missing: list[str]
    unrecorded: list[str]  # files no live TOC names: left by an interrupted run
    unsealed: list[str] = field(default_factory=list)  # live files no record covers

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.missing and not self.unsealed


def verify(generation: Path) -> Verification:
    """Compare the files of a generation's live TOC with the checksums recorded for them.

    Every file the live TOC needs (itself and its segments' files) must be recorded and
    match: one that does not match, or cannot be read, is damaged; one recorded but gone
    is missing; one that no record covers is unsealed (written by a run stopped between
    Whoosh's commit and its seal, by an earlier version: never taken as good unchecked).
    """
    if not generation.is_dir():
        return Verification([], [generation.name + os.sep], [])
    recorded = load_checksums(generation)
    present = {name for name in os.listdir(generation) if is_index_file(name)}
    damaged: list[str] = []
    if recorded is None:
        damaged.append(CHECKSUMS)
        recorded = Checksums(None, {})
    live_toc = latest_toc(present)
    if live_toc is None:
        return Verification(damaged, ["_MAIN_*.toc"], [])
    state = _check(generation, live_toc, recorded)
    if state == "damaged":
        return Verification(damaged + [live_toc], [], [])
    try:
        live = live_segments(generation, live_toc)
    except Exception:  # a TOC that cannot be read: damage, whatever its checksum says
        return Verification(damaged + [live_toc], [], [])
    missing: list[str] = []
    unrecorded: list[str] = []
    unsealed = [live_toc] if state == "unsealed" else []
    for name in sorted(present - {live_toc}):
        if segment_of(name) not in live:
            unrecorded.append(name)
            continue
        state = _check(generation, name, recorded)
        if state == "damaged":
            damaged.append(name)
        elif state == "unsealed":
            unsealed.append(name)
    for name in sorted(recorded.files):
        if segment_of(name) in live and name not in present:
            missing.append(name)
    covered = {segment_of(name) for name in present}
    missing.extend(sorted(f"{segment}.*" for segment in live - covered))
    return Verification(damaged, missing, unrecorded, unsealed)


def _check(generation: Path, name: str, recorded: Checksums) -> str:
    """good, damaged (different or unreadable: a symlink loop, a folder) or unsealed."""
    if name not in recorded.files:
        return "unsealed"
    try:
        return "good" if sha256(generation / name) == recorded.files[name] else "damaged"
    except OSError:
        return "damaged"


def check_lengths(generation: Path, segments: set[str]) -> list[str]:
    """The lengths files (`*_len.col`) of `segments` that are gone or differ from their
    recorded checksum. BM25 reads them at every query, and Whoosh takes a missing or
    short one for zeros: the hits would come back in another order, silently. One byte
    per document, so checking them costs about a millisecond per 100,000 sentences.
    Without a record (unreadable, or none yet) nothing can be said: `--verify` says it.
    """
    recorded = load_checksums(generation)
    if recorded is None:
        return []
    bad = []
    for name, digest in sorted(recorded.files.items()):
        if name.endswith("_len.col") and segment_of(name) in segments:
            try:
                if sha256(generation / name) != digest:
                    bad.append(name)
            except OSError:
                bad.append(name)
    return bad
