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
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

# Index files are opened as article files are: only if regular (re-exported for the index).
from ..articles.regular import NotRegularFile as NotRegularFile
from ..articles.regular import open_regular
from ..articles.regular import read_regular as read_regular

CHECKSUMS = "checksums.json"

_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


class DurableFileStorage(FileStorage):
    """Whoosh's FileStorage, made to reach the disk before each commit becomes visible.

    Whoosh commits by renaming a new TOC into place: after a power cut the TOC
    may name segment files whose data never reached the disk. Here every file
    is fsynced before any rename, and the folder after it, so a TOC is only
    ever published over durable files. Files are opened only if regular.
    """

    def open_file(self, name, **kwargs):
        return StructFile(open(open_regular(self._fpath(name)), "rb"), name=name, **kwargs)

    def rename_file(self, oldname, newname, safe=False):
        for name in self.list():
            path = os.path.join(self.folder, name)
            if os.path.isfile(path):
                fsync_path(path)
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


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole: written and fsynced aside, then renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
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


@dataclass(frozen=True)
class Checksums:
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


def seal(generation: Path) -> None:
    """After a commit: drop Whoosh's leftovers, checksum new files, record them durably.

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
        if not entry.is_file() or not is_index_file(entry.name):
            continue
        digest = previous.get(entry.name)
        if digest is None:
            digest = sha256(entry)
        files[entry.name] = digest
    record = {"toc": latest_toc(files), "files": files}
    atomic_write(generation / CHECKSUMS, json.dumps(record, indent=0).encode())
    fsync_path(generation)


@dataclass(frozen=True)
class Verification:
    """The result of checking index files against their recorded checksums."""

    damaged: list[str]
    missing: list[str]
    unrecorded: list[str]

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.missing


def verify(generation: Path) -> Verification:
    """Compare a generation's files with the checksums recorded at their commit.

    A file that is recorded but gone counts as missing only when the checksums
    belong to the live TOC; otherwise a run was stopped between Whoosh's commit
    and the seal, and the new files are merely unrecorded until the next run.
    """
    if not generation.is_dir():
        return Verification([], [generation.name + os.sep], [])
    recorded = load_checksums(generation)
    present = {e.name for e in generation.iterdir() if e.is_file() and is_index_file(e.name)}
    live_toc = latest_toc(present)
    damaged, missing, unrecorded = [], [], []
    if recorded is None:
        damaged.append(CHECKSUMS)
        recorded = Checksums(None, {})
    if live_toc is None:
        missing.append("_MAIN_*.toc")
    for name in sorted(present):
        if name not in recorded.files:
            unrecorded.append(name)
        elif sha256(generation / name) != recorded.files[name]:
            damaged.append(name)
    if recorded.toc is not None and recorded.toc == live_toc:
        missing.extend(sorted(set(recorded.files) - present))
    return Verification(damaged, missing, unrecorded)
