"""Where the index lives on disk: the CURRENT pointer, its generations, opening them.

Layout of an index folder (default `index/`)::

    index/
      CURRENT            which generation folder is live, and its schema version (JSON)
      write.lock         held (flock) by the one process allowed to write (see writer)
      ix-<token>/        a Whoosh index, checksums.json (durable), articles.json (catalog),
                         columns.bin (columns), copies.json (copies) and background.json
                         (significant): written by the first reader that needs them, for
                         its snapshot (kept)
      lemmas/            simplemma's dictionaries of the languages the index holds, stored so
                         that a query reads them at once (`search.lemmas`; any generation's)

Why the indirection: `search index --rebuild` (and the very first run) builds a
complete index in a fresh `ix-<token>/` folder and publishes it by atomically
replacing CURRENT. A run that fails or is killed part-way leaves CURRENT, and so
the live index, untouched. Incremental runs write into the live folder through
Whoosh's own commit, which publishes a new table of contents by rename.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import whoosh.index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn

from ..errors import (
    IndexDamagedError,
    IndexVersionError,
    NoIndexError,
    NotAnIndexError,
    OlderIndexError,
    SearchError,
)
from .damage import REBUILD_HINT, damaged, describe, guard
from .durable import (
    DurableFileStorage,
    NotRegularFile,
    atomic_write,
    check_lengths,
    latest_toc,
    live_segments,
    read_regular,
    record_checked,
    remove_leftovers,
    seal,
    segment_of,
    verify,
)
from .schema import SCHEMA_VERSION, DamagedRecord, build_schema, schema_matches

POINTER = "CURRENT"
LOCK = "write.lock"
LEMMAS = "lemmas"
GENERATION_PREFIX = "ix-"
_GENERATION = re.compile(r"ix-[0-9a-f]{1,64}")
FORMAT = "search-index"

# For a reader that lost a race with a commit replacing CURRENT or a TOC: each attempt
# after the first follows a commit that moved the index while the last one was opening it.
_OPEN_ATTEMPTS = 5


@dataclass(frozen=True)
class Pointer:
    """What CURRENT says: the live generation's folder and the schema it was written with."""

    generation: str
    schema_version: int


def read_pointer(folder: Path) -> Pointer:
    """The live generation of the index in `folder`.

    Raises NoIndexError when there is no index yet, NotAnIndexError when the
    folder holds something else, IndexDamagedError when CURRENT is unreadable.
    """
    where = describe(folder)
    if folder.exists() and not folder.is_dir():
        raise NotAnIndexError(
            "{folder} is a file, not an index folder; pass {index_dir} a folder",
            options=("index_dir",),
            folder=folder,
        )
    pointer_file = folder / POINTER
    try:
        raw = read_regular(pointer_file)
    except FileNotFoundError:
        if folder.is_dir() and foreign_entries(folder):
            raise NotAnIndexError(
                "{where} holds files that are not a search index; "
                "pass {index_dir} an empty or index folder",
                options=("index_dir",),
                where=where,
            ) from None
        raise NoIndexError(f'no index in {where}; run "search index" first') from None
    except NotADirectoryError:
        raise NotAnIndexError(
            "{folder} is a file, not an index folder; pass {index_dir} a folder",
            options=("index_dir",),
            folder=folder,
        ) from None
    except PermissionError:
        raise NoIndexError(f"cannot read the index in {where} (permission denied)") from None
    except (IsADirectoryError, NotRegularFile):
        raise IndexDamagedError(
            f"the index in {where} is damaged ({POINTER}); {REBUILD_HINT}"
        ) from None
    except OSError as error:  # a symlink loop, an I/O error: name it
        raise SearchError(f"cannot read the index in {where} ({error.strerror})") from None
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError("not our format")
        pointer = Pointer(str(data["generation"]), int(data["schema_version"]))
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        raise IndexDamagedError(
            f"the index in {where} is damaged ({POINTER}); {REBUILD_HINT}"
        ) from None
    if pointer.schema_version != SCHEMA_VERSION:
        older = isinstance(pointer.schema_version, int) and pointer.schema_version < SCHEMA_VERSION
        raise (OlderIndexError if older else IndexVersionError)(
            f"the index in {where} was written by another version of search "
            f"(schema {pointer.schema_version}, this is {SCHEMA_VERSION}); {REBUILD_HINT}"
        )
    if not _GENERATION.fullmatch(pointer.generation):
        raise IndexDamagedError(f"the index in {where} is damaged ({POINTER}); {REBUILD_HINT}")
    return pointer


def foreign_entries(folder: Path) -> list[str]:
    ours = {POINTER, LOCK, LEMMAS, "alerts.json", "alerts.lock"}  # saved searches: search.alerts
    return [
        name
        for name in os.listdir(folder)
        if not name.startswith(".") and name not in ours and not name.startswith(GENERATION_PREFIX)
    ]


def open_live(folder: Path):
    """The live generation folder and its Whoosh index (retried if a commit raced us)."""
    return _retrying(folder, lambda live, index, _snapshot: (live, index))


def _retrying(folder: Path, use):
    """`use(live, index)` on the live generation, opened again if a commit moved the index.

    A commit removes files only after publishing the state that replaces them (a new
    CURRENT, or a new TOC in the live generation), so a reader that lost the race sees
    the index moved when it looks again, and opens the new state at once. A file that
    is missing or unreadable while the same state is still live is damage: said at once.
    """
    for attempt in range(_OPEN_ATTEMPTS):
        snapshot = _snapshot(folder)
        state = snapshot[2:]
        live = folder / state[0]
        try:
            with guard(folder):
                return use(live, _open_generation(folder, live), snapshot)
        except IndexDamagedError:
            if attempt == _OPEN_ATTEMPTS - 1 or not _moved(folder, state):
                raise
    raise AssertionError("unreachable: the last attempt raises")


def _live_state(folder: Path) -> tuple[str, str | None]:
    """The live generation and its latest TOC: both change at every commit.

    Raises read_pointer's errors; a generation folder that cannot be listed has no TOC.
    """
    generation = read_pointer(folder).generation
    try:
        return generation, latest_toc(os.listdir(folder / generation))
    except OSError:
        return generation, None


def live_snapshot(folder: Path) -> tuple | None:
    """What identifies the live state of an index, cheaply (a stat and a folder listing):
    the CURRENT pointer file and its generation's latest table of contents (a new one at
    every commit). None when there is no readable index."""
    try:
        return _snapshot(folder)
    except (OSError, SearchError):
        return None


def _snapshot(folder: Path) -> tuple:
    """`live_snapshot`, raising read_pointer's errors: CURRENT's inode and mtime, the
    generation it names (read once) and that generation's latest TOC."""
    generation, committed = _live_state(folder)
    try:
        pointer = (folder / POINTER).stat()
    except OSError:  # replaced or gone since it was read: the next look differs
        return (None, None, generation, committed)
    return (pointer.st_ino, pointer.st_mtime_ns, generation, committed)


def _moved(folder: Path, state: tuple[str, str | None]) -> bool:
    try:
        return _live_state(folder) != state
    except SearchError:  # CURRENT itself is unreadable now: the failure stands
        return False


class _Index(whoosh_index.FileIndex):
    """Whoosh's FileIndex, whose reader opens a segment again only if a commit moved it.

    Whoosh's own reader retries every OSError ten times, 50 ms apart, in case a commit
    deleted a file as it was opened: a segment file that is simply missing, or a FIFO,
    cost half a second per open, five times over with the store's retries. Here a failed
    open is retried, at once, only when a newer TOC has appeared since it was read (a
    commit deletes files only after publishing the TOC that no longer names them).
    """

    def reader(self, reuse=None):
        for attempt in range(_OPEN_ATTEMPTS):
            generation = self.latest_generation()
            try:
                toc = whoosh_index.TOC.read(
                    self.storage,
                    self.indexname,
                    gen=generation if generation >= 0 else None,
                    schema=self._schema,
                )
                return self._reader(
                    self.storage, toc.schema, toc.segments, toc.generation, reuse=reuse
                )
            except OSError:
                if attempt == _OPEN_ATTEMPTS - 1 or self.latest_generation() <= generation:
                    raise
        raise AssertionError("unreachable: the last attempt raises")


def open_generation(folder: Path, live: Path):
    """The Whoosh index in the generation folder `live`, checked against this schema."""
    with guard(folder):
        return _open_generation(folder, live)


def _open_generation(folder: Path, live: Path):
    where = describe(folder)
    if live.is_dir() and not os.access(live, os.R_OK | os.X_OK):
        raise SearchError(f"cannot read the index in {where} (permission denied on {live.name})")
    try:
        storage = DurableFileStorage(str(live))
        if not live.is_dir() or not storage.index_exists():
            raise IndexDamagedError(
                f"the index in {where} is damaged (files missing); {REBUILD_HINT}"
            )
        index = storage.open_index(indexclass=_Index)
    except IndexDamagedError:
        raise
    except whoosh_index.IndexVersionError:
        raise IndexVersionError(
            f"the index in {where} was written by an incompatible Whoosh; {REBUILD_HINT}"
        ) from None
    except whoosh_index.IndexError as error:
        raise damaged(folder, error) from None
    if not schema_matches(index.schema):
        raise IndexVersionError(
            f"the index in {where} was written by another version of search; {REBUILD_HINT}"
        )
    return index


@contextmanager
def opened(folder: Path):
    """A Whoosh searcher on the live index and the snapshot it reads (`live_snapshot`),
    from one read of CURRENT; Whoosh's failures become IndexDamagedError.

    Its lengths files are checked against their checksums first (see check_lengths):
    damage there would not fail a query, it would silently rank it otherwise.
    """
    searcher, snapshot = _retrying(
        folder,
        lambda live, index, snapshot: (_pinned(_lengths_checked(live, index)), snapshot),
    )
    with guard(folder), searcher:
        yield searcher, snapshot


def _pinned(searcher):
    """`searcher`, with the per-document files that Whoosh opens only when first read (the
    stored fields, the `copy` column) opened now: an incremental commit deletes a merged
    segment's files after publishing the state without it, and a file already open outlives
    that, so a count that reads them later still reads this snapshot whole."""
    try:
        for leaf, _offset in searcher.reader().leaf_readers():
            if leaf.doc_count_all():
                leaf.stored_fields(0)
            if leaf.has_column("copy"):
                leaf.column_reader("copy")
            _lengths_in_memory(leaf)
    except BaseException:
        searcher.close()
        raise
    return searcher


def _lengths_in_memory(leaf) -> None:
    """Each scored field's lengths column of a segment read whole (one byte a document, the
    same bytes) in place of Whoosh's reader of it, which reads each length with a seek and
    a read: BM25F asks one for every document it scores (4 us; a third of the cost of
    scoring a common word's top 10). A byte string indexed by document number is the
    reader Whoosh needs (`doc_field_length` indexes it; its min and max iterate it)."""
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None or not isinstance(getattr(perdoc, "_readers", None), dict):
        return
    count = leaf.doc_count_all()
    for fieldname in leaf.schema.scorable_names():
        name = f"_{fieldname}_len"
        if not perdoc.has_column(name):
            continue
        column = perdoc._cached_reader(name, LENGTHS_COLUMN)
        if not isinstance(column, NumericColumn.Reader) or column._fixedlen != 1:
            continue
        whole = column._dbfile.get(column._basepos, min(column._count, count))
        perdoc._readers[name] = whole + bytes(count - len(whole))  # the default length: 0


@contextmanager
def reading(folder: Path):
    """A Whoosh searcher on the live index; Whoosh's failures become IndexDamagedError."""
    with opened(folder) as (searcher, _snapshot):
        yield searcher


def _lengths_checked(live: Path, index):
    searcher = index.searcher()
    try:
        segments = {leaf.segment().segment_id() for leaf, _ in searcher.reader().leaf_readers()}
        bad = check_lengths(live, segments)
    except BaseException:
        searcher.close()
        raise
    if bad:
        searcher.close()
        raise IndexDamagedError(
            f"the index in {describe(live.parent)} is damaged ({', '.join(bad)}); {REBUILD_HINT}"
        )
    return searcher


def new_generation(folder: Path):
    """Create an empty Whoosh index in a fresh generation folder (not yet live)."""
    live = folder / f"{GENERATION_PREFIX}{os.urandom(6).hex()}"
    live.mkdir()
    try:
        return live, DurableFileStorage(str(live)).create_index(build_schema(), indexclass=_Index)
    except BaseException:
        discard(live)
        raise


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
    remove_stale_generations(folder, keep={generation.name} | ({previous} if previous else set()))


def remove_stale_generations(folder: Path, keep: set[str]) -> None:
    """Remove generation folders left by replaced indexes or interrupted runs."""
    for entry in folder.iterdir():
        if entry.name.startswith(GENERATION_PREFIX) and entry.name not in keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def discard(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def raise_if_damaged(folder: Path, generation: Path | None = None) -> None:
    """IndexDamagedError naming the files whose checksums no longer match, if any, or
    the live files that no checksum covers (a commit an earlier version left unsealed)."""
    result = verify(generation or folder / read_pointer(folder).generation)
    if result.damaged or result.missing:
        names = ", ".join(result.damaged + result.missing)
        raise IndexDamagedError(
            f"the index in {describe(folder)} is damaged ({names}); {REBUILD_HINT}"
        )
    if result.unsealed:
        raise IndexDamagedError(
            f"the index in {describe(folder)} has files no checksum covers "
            f"({_listed(result.unsealed)}: a run was stopped before it sealed them); "
            f'run "search index" to check and seal them, or {REBUILD_HINT}'
        )


def _listed(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def check_unsealed(folder: Path, generation: Path, index) -> None:
    """Before a run writes to the live generation (under the write lock): tidy what
    interrupted runs left, and make sure every live file is sealed.

    A live file that no checksum covers (an earlier version's commit stopped before its
    seal) is sealed only once Whoosh has read every part of its segment back (see
    read_segment); if that fails, the run stops with the rebuild advice. Nothing is
    ever recorded as good unread.
    """
    with guard(folder):
        toc = latest_toc(os.listdir(generation))
        live = live_segments(generation, toc) if toc else set()
        remove_leftovers(generation, live)
        result = verify(generation)
        if result.damaged or result.missing or not result.unsealed:
            return  # damage is refused before the run writes (raise_if_damaged)
        unsealed = {segment_of(name) for name in result.unsealed} - {None}
        with index.searcher() as searcher:
            for leaf, _offset in searcher.reader().leaf_readers():
                if leaf.segment().segment_id() in unsealed or toc in result.unsealed:
                    read_segment(leaf)
        record_checked(generation, result.unsealed)


def read_segment(reader) -> None:
    """Read every part of one segment through Whoosh: its stored documents, every posting
    of every term, and each lengths column against the segment's document count.
    Whatever is unreadable raises (the guard names it as damage)."""
    count = reader.doc_count_all()
    for number in range(count):
        reader.stored_fields(number)
    holding: dict[str, set[int]] = {}  # per field, the documents that have a word in it
    for fieldname, text in reader.all_terms():
        matcher = reader.postings(fieldname, text)
        documents = holding.setdefault(fieldname, set())
        while matcher.is_active():
            matcher.weight()
            documents.add(matcher.id())
            matcher.next()
    perdoc = reader._perdoc  # Whoosh's reader of the segment's columns
    for fieldname in reader.schema.scorable_names():
        lengths = f"_{fieldname}_len"
        if not perdoc.has_column(lengths):
            if reader.field_length(fieldname):
                raise DamagedRecord(f"the lengths of {fieldname} are missing")
            continue
        if len(perdoc._cached_reader(lengths, LENGTHS_COLUMN)) > count:
            raise DamagedRecord(f"the lengths of {fieldname} do not fit the segment")
        # A document with a word in the field has a length: a truncated or zeroed file not.
        if not all(reader.doc_field_length(n, fieldname) for n in holding.get(fieldname, ())):
            raise DamagedRecord(f"the lengths of {fieldname} are cut short or zeroed")


def store_dictionary(folder: Path, code: str) -> None:
    """Store simplemma's dictionary of language `code` in the index in `folder` (once: a
    stored copy that reads well is kept), for the queries to read at once (`search.lemmas`).
    Other simplemma versions' copies of it are removed."""
    from .. import lemmas

    where = folder / LEMMAS
    path = where / lemmas.file_name(code)
    try:
        lemmas.Stored(path, code)
        return
    except lemmas.StoredUnusable:
        pass
    where.mkdir(exist_ok=True)
    for other in where.glob(f"{code}-simplemma-*.dict"):
        if other != path:
            other.unlink(missing_ok=True)
    atomic_write(path, lemmas.stored(code) or lemmas.build(code))
