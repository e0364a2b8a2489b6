"""Where the index lives on disk: the CURRENT pointer, its generations, opening them.

Layout of an index folder (default `index/`)::

    index/
      CURRENT            which generation folder is live, and its schema version (JSON)
      write.lock         held (flock) by the one process allowed to write (see writer)
      ix-<token>/        a Whoosh index, its checksums.json (see durable) and
                         articles.json (see catalog)

Why the indirection: `search index --rebuild` (and the very first run) builds a
complete index in a fresh `ix-<token>/` folder and publishes it by atomically
replacing CURRENT. A run that fails or is killed part-way leaves CURRENT, and so
the live index, untouched. Incremental runs write into the live folder through
Whoosh's own commit, which publishes a new table of contents by rename.

Whoosh trusts its files: damage surfaces as whatever breaks first. `guard`
turns that into one line that names the index and says how to repair it.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .durable import DurableFileStorage, atomic_write, latest_toc, seal, verify
from .errors import (
    IndexDamagedError,
    IndexVersionError,
    NoIndexError,
    NotAnIndexError,
    SearchError,
)
from .schema import SCHEMA_VERSION, DamagedRecord, build_schema, schema_matches
from .schema import article_fields as article_fields  # record checks, for readers
from .schema import sentence_fields as sentence_fields

POINTER = "CURRENT"
LOCK = "write.lock"
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
        raise IndexVersionError(
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


def open_live(folder: Path):
    """The live generation folder and its Whoosh index, read from CURRENT once."""
    live = folder / read_pointer(folder).generation
    return live, open_generation(folder, live)


def last_commit(generation: Path) -> float | None:
    """When the live TOC of `generation` was written (its mtime), or None."""
    toc = latest_toc(entry.name for entry in generation.iterdir())
    return (generation / toc).stat().st_mtime if toc else None


def open_generation(folder: Path, live: Path):
    """The Whoosh index in the generation folder `live`, checked against this schema."""
    with guard(folder):
        return _open_generation(folder, live)


def _open_generation(folder: Path, live: Path):
    import whoosh.index as index_module

    where = describe(folder)
    try:
        storage = DurableFileStorage(str(live))
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
    index = open_live(folder)[1]
    with guard(folder), index.searcher() as searcher:
        yield searcher


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
    live = folder / f"{GENERATION_PREFIX}{os.urandom(6).hex()}"
    live.mkdir()
    return live, DurableFileStorage(str(live)).create_index(build_schema())


def publish(folder: Path, generation: Path, previous: str | None) -> None:
    """Make `generation` the live index: fsync it, then replace CURRENT atomically.

    `previous`, the generation CURRENT named when the run began, stays until the
    next run: a query that read CURRENT a moment ago may still be opening its files.
    """
    seal(generation)
    data = {"format": FORMAT, "generation": generation.name, "schema_version": SCHEMA_VERSION}
    pointer = folder / POINTER
    if pointer.is_dir() and not pointer.is_symlink():  # damage that a rebuild repairs
        shutil.rmtree(pointer)
    atomic_write(pointer, json.dumps(data).encode() + b"\n")
    remove_stale_generations(folder, keep={generation.name, previous})


def remove_stale_generations(folder: Path, keep: set[str]) -> None:
    """Remove generation folders left by replaced indexes or interrupted runs."""
    for entry in folder.iterdir():
        if entry.name.startswith(GENERATION_PREFIX) and entry.name not in keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def raise_if_damaged(folder: Path, generation: Path | None = None) -> None:
    """IndexDamagedError naming the files whose checksums no longer match, if any.

    `generation` is the live one when the caller has read CURRENT already.
    """
    result = verify(generation or folder / read_pointer(folder).generation)
    if not result.ok:
        names = ", ".join(result.damaged + result.missing)
        raise IndexDamagedError(
            f"the index in {describe(folder)} is damaged ({names}); {REBUILD_HINT}"
        )


def size_on_disk(folder: Path) -> int:
    """Bytes in the index folder's files, all generations included."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total
