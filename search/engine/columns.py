"""Per-document columns read in bulk from the postings: which article each document
belongs to (what `--scope article` combines sets of articles with), and per article its
date, source and story (what `search trend` counts with).

Whoosh keeps no column of a document's article, date or source that a question could read,
and loading each matching document's stored fields costs about 15 us a document (1 s for
the 59,379 sentences of `government` at 200k sentences). The `path`, `date`, `source` and
(when the schema has it) `story` terms are few, and each term's postings list its
documents: the `path` terms give one table, document number -> article number
(`scope.Owners`, `scope.read_owners`: what `--scope article` reads too), and the other
fields' postings, read through that table, give each article's date, source and story
(`Columns`, `read_columns`). A question then turns its matches (a set of document
numbers) into articles and counts with list lookups alone.

Both belong to one open snapshot (`SearchIndex` reads each once, at the first question
that needs it, and keeps it while it is open; the web server reuses an open index while
the index is unchanged); the columns are read through the owners, never beside them. The
first process to need them after a commit also keeps both in the generation folder
(`columns.bin`, `cached_columns`) for the next, which reads them back in a few ms.
"""

from __future__ import annotations

import itertools
import json
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from .kept import keep, read_kept, snapshot_key
from .schema import ARTICLE
from .scope import Documents, Owners, deleted_documents

NO_ARTICLE = -1  # an `Owners.of` entry: a deleted document
# The owners and columns of a snapshot, kept in its generation folder for the next process
# to read (`cached_columns`); it names the commit (TOC generation) it describes.
CACHE = "columns.bin"


@dataclass
class Columns:
    """Per article number of `owners`: its date (None: undated), source, story, and
    whether it has a live record."""

    owners: Owners
    dates: list[str | None]
    sources: list[str]
    stories: list[str]
    live: list[bool]

    @property
    def article_of(self) -> list[int]:
        """Document number -> article number (NO_ARTICLE for none)."""
        return self.owners.of

    @property
    def paths(self) -> list[str]:
        return self.owners.paths

    @property
    def articles(self) -> list[int]:
        """The article numbers of every indexed article (those with a live record)."""
        return [number for number, alive in enumerate(self.live) if alive]


def read_columns(reader, owners: Owners) -> Columns:
    """The columns of every article of `owners` (the same snapshot's), from the postings
    of the `kind`, `date`, `source` and `story` fields alone."""
    article_of, count = owners.of, len(owners.paths)
    live = [False] * count
    for _kind, docnums in _postings(reader, "kind"):
        for number in _articles(article_of, docnums):
            live[number] = True
    return Columns(
        owners=owners,
        dates=_per_article(reader, "date", article_of, count),
        sources=[source or "" for source in _per_article(reader, "source", article_of, count)],
        stories=_stories(reader, article_of, owners.paths),
        live=live,
    )


def cached_columns(reader, generation: Path, owners: Callable[[], Owners]) -> Columns:
    """`read_columns` of a snapshot (and its owners), read from the generation folder's
    `CACHE` when that describes this very commit, else read from the postings (`owners()`
    the snapshot's owners) and kept there (`kept`), for the next process to read.

    Reading the postings cost 2.1 s CPU at 1M sentences (4 s of a 4 s `search trend` under
    load); reading the file back costs a few ms (see `cached`). Nothing in the file is
    trusted: it is checked whole (a checksum) and against the snapshot's document count
    before it is used.
    """
    columns = cached(reader, generation)
    if columns is not None:
        return columns
    columns = read_columns(reader, owners())
    if keep(generation / CACHE, _encoded(columns, snapshot_key(reader))):
        with suppress(OSError):
            (generation / "columns.json").unlink(missing_ok=True)  # the file it replaces
    return columns


def cached(reader, generation: Path) -> Columns | None:
    """The columns the generation folder's `CACHE` keeps for this snapshot, if it keeps
    them whole; else None (nothing is read from the postings)."""
    key = snapshot_key(reader)
    return read_kept(generation / CACHE, lambda raw: _decoded(raw, key))


# The file: a first line naming the format, a JSON line (the snapshot's key, the byte order,
# each section's length in items, how many values, the body's CRC-32), then the body: the
# sections' bytes one after another. Numbers are 4-byte ints (array "i"), read with one copy
# (`frombytes`); text is UTF-8, values joined by NUL (no path, date, source or story holds
# one; columns that would are not kept). The document -> article table is not kept: it is
# built from the runs of `Documents` (a slice per run, not a step per document).
_MAGIC = b"search columns 2\n"
_INTS = (
    "first",  # article -> its first run (Documents.first)
    "starts",  # run -> its first document
    "lengths",  # run -> its length
    "dates",  # article -> its date's number in `values` (-1: undated)
    "sources",  # article -> its source's number in `values`
    "stories",  # article -> its story's number in `values`
)
_TEXTS = ("live", "paths", "values")  # `live`: one byte an article, 1 for a live record


def _encoded(columns: Columns, key: list[int]) -> bytes | None:
    """The bytes of a `CACHE` file of `columns`; None if a text holds a NUL."""
    values: dict[str, int] = {}
    codes = {
        name: array("i", (-1 if v is None else values.setdefault(v, len(values)) for v in column))
        for name, column in (
            ("dates", columns.dates),
            ("sources", columns.sources),
            ("stories", columns.stories),
        )
    }
    documents = columns.owners.documents
    ints = {
        "first": documents.first,
        "starts": documents.starts,
        "lengths": documents.lengths,
        **codes,
    }
    texts = {
        "live": bytes(columns.live),
        "paths": "\0".join(columns.paths).encode("utf-8"),
        "values": "\0".join(values).encode("utf-8"),
    }
    if any("\0" in text for text in itertools.chain(columns.paths, values)):
        return None
    body = b"".join([*(ints[name].tobytes() for name in _INTS), *texts.values()])
    header = {
        "key": key,
        "byteorder": sys.byteorder,
        "sizes": [len(ints[name]) for name in _INTS] + [len(texts[name]) for name in _TEXTS],
        "values": len(values),
        "crc": zlib.crc32(body),
    }
    return _MAGIC + json.dumps(header).encode("ascii") + b"\n" + body


def _decoded(raw: bytes, key: list[int]) -> Columns | None:
    """The columns a cache file's bytes hold, if they describe the snapshot `key` names and
    every section has its shape; else None."""
    if not raw.startswith(_MAGIC):
        return None
    line, _newline, body = raw[len(_MAGIC) :].partition(b"\n")
    header = json.loads(line)
    sizes = header["sizes"]
    if header["key"] != key or header["byteorder"] not in ("little", "big"):
        return None
    if len(sizes) != len(_INTS) + len(_TEXTS) or not all(isinstance(n, int) for n in sizes):
        return None
    if 4 * sum(sizes[: len(_INTS)]) + sum(sizes[len(_INTS) :]) != len(body):
        return None
    if zlib.crc32(body) != header["crc"]:
        return None
    view = memoryview(body)
    ints: dict[str, array] = {}
    at = 0
    for name, size in zip(_INTS, sizes, strict=False):
        ints[name] = array("i")
        ints[name].frombytes(view[at : at + 4 * size])
        if header["byteorder"] != sys.byteorder:
            ints[name].byteswap()
        at += 4 * size
    texts = {}
    for name, size in zip(_TEXTS, sizes[len(_INTS) :], strict=True):
        texts[name] = bytes(view[at : at + size])
        at += size
    return _checked(ints, texts, key[1], header["values"])


def _checked(
    ints: dict[str, array], texts: dict[str, bytes], documents: int, kinds: int
) -> Columns | None:
    """Columns of the decoded sections, if each has its length and its numbers their range
    (`kinds`: how many values the `values` text joins). Only the per-article and per-run
    sections are checked number by number (50,000 articles at 1,000,000 sentences): the
    document -> article table is built from the runs, so it is theirs by construction."""
    first, starts, lengths = ints["first"], ints["starts"], ints["lengths"]
    count = len(first) - 1
    paths = _split(texts["paths"], count)
    values = _split(texts["values"], kinds)
    if len(paths) != count or len(values) != kinds or len(texts["live"]) != count:
        return None
    if any(len(ints[name]) != count for name in ("dates", "sources", "stories")):
        return None
    if not _within(ints["dates"], -1, kinds):
        return None
    if not all(_within(ints[name], 0, kinds) for name in ("sources", "stories")):
        return None
    if not set(texts["live"]) <= {0, 1}:
        return None
    runs = Documents(first, starts, lengths)
    article_of = runs.owner_table(documents)
    if article_of is None:
        return None
    table = [*values, None]  # code -1, undated: the last
    return Columns(
        owners=Owners(article_of, runs, paths),
        dates=list(map(table.__getitem__, ints["dates"])),
        sources=list(map(values.__getitem__, ints["sources"])),
        stories=list(map(values.__getitem__, ints["stories"])),
        live=list(map(bool, texts["live"])),
    )


def _split(text: bytes, count: int) -> list[str]:
    """`count` values joined by NUL (none: no text at all)."""
    return text.decode("utf-8").split("\0") if count else []


def _within(numbers: array, low: int, high: int) -> bool:
    """Whether every number is at least `low` and below `high`."""
    return not numbers or (low <= min(numbers) and max(numbers) < high)


def record_values(reader, fieldname: str) -> dict[int, str]:
    """Each live article record's value of a field (its source, its date), by document
    number: the field's postings, kept where they name a record. Cheaper than the whole
    columns when only the records are asked about (`search status`): no `path` postings."""
    records = set(term_documents(reader, "kind", ARTICLE))
    found: dict[int, str] = {}
    for value, docnums in _postings(reader, fieldname):
        for docnum in docnums:
            if docnum in records:
                found[docnum] = value
    return {docnum: found.get(docnum, "") for docnum in records} if fieldname == "source" else found


def _per_article(reader, fieldname: str, article_of: list[int], count: int) -> list[str | None]:
    """Each article's value of a field all its documents share (date, source, story), read
    from the first document of each term's postings that starts a new article."""
    values: list[str | None] = [None] * count
    if fieldname not in reader.schema:
        return values
    for value, docnums in _postings(reader, fieldname):
        for number in _articles(article_of, docnums):
            if values[number] is None:
                values[number] = value
    return values


def _articles(article_of: list[int], docnums: Iterable[int]) -> set[int]:
    """The articles of some documents: a set made in C (`map`), so that the Python steps
    are one per article, not one per posting (4 million postings at 1M sentences)."""
    found = set(map(article_of.__getitem__, docnums))
    found.discard(NO_ARTICLE)
    return found


def _postings(reader, fieldname: str) -> Iterator[tuple[str, Sequence[int]]]:
    """(term, live document numbers) of every term of a field, segment by segment, the
    numbers offset to the whole reader's. The segment's term table is walked in order
    (`items_from`) and each term's postings read a block at a time (`block_ids`): looking
    each term up again, as `lexicon` then `postings` do, cost three times as much (595 ms
    against 215 for the 10,011 paths at 200k sentences). A term whose postings are one run
    of numbers (its first and last number and count say so) is not read at all (`story`:
    84 -> 30 ms at 200k)."""
    for leaf, offset in reader.leaf_readers():
        if fieldname not in leaf.schema:
            continue
        terms = leaf._terms  # the segment's W3TermsReader: the term table and postings
        fieldformat = leaf.schema[fieldname].format
        deleted = deleted_documents(leaf)
        for (name, text), info in terms.items_from(fieldname, b""):
            if name != fieldname:
                break
            low, high = info.min_id(), info.max_id()
            docnums: Sequence[int]
            if high - low + 1 == info.doc_frequency():  # one run (a story's first sentence
                docnums = range(low, high + 1)  # and its record): the postings are not read
            else:
                docnums = block_ids(
                    terms._codec.postings_reader(
                        terms._postfile, info, fieldformat, term=(name, text)
                    )
                )
            if deleted:
                docnums = [docnum for docnum in docnums if docnum not in deleted]
            if offset:
                docnums = list(map(offset.__add__, docnums))
            yield text.decode("utf-8"), docnums


def term_documents(reader, fieldname: str, text: str) -> list[int]:
    """The live documents holding one term, read a posting block at a time."""
    found: list[int] = []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        fieldformat = leaf.schema[fieldname].format
        btext = leaf.schema[fieldname].to_bytes(text)
        docnums = block_ids(leaf._terms.matcher(fieldname, btext, fieldformat))
        if deleted := deleted_documents(leaf):
            docnums = [docnum for docnum in docnums if docnum not in deleted]
        found.extend(map(offset.__add__, docnums) if offset else docnums)
    return found


def block_ids(matcher) -> list[int]:
    """Every document number of a fresh posting matcher. Whoosh's own `all_ids` makes a
    generator step and two method calls per posting (100 ms for the 20k `path` postings at
    20k sentences); its posting-list matcher holds a block's numbers as one tuple, read
    here a block at a time (58 ms). The block's numbers are stored as differences, which
    Whoosh adds up in a Python generator; `itertools.accumulate` adds them in C (the 59,379
    postings of `government` at 200,000 sentences: 46 -> 38 ms). Any other matcher is
    walked as Whoosh walks it."""
    if not all(hasattr(matcher, name) for name in _BLOCK_MATCHER):
        return list(matcher.all_ids())
    found: list[int] = []
    while matcher.is_active():
        if matcher._ids is None and matcher._i == 0:
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            found.extend(ids if matcher._byteids else itertools.accumulate(ids))
        else:
            if matcher._ids is None:
                matcher._read_ids()
            found.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return found


# What `block_ids` reads of Whoosh's posting-list matcher (`whoosh3.W3LeafMatcher`).
_BLOCK_MATCHER = ("_read_ids", "_read_data", "_data", "_byteids", "_i", "_next_block", "_ids")


def _stories(reader, article_of: list[int], paths: list[str]) -> list[str]:
    """Each article's story id: the `story` field where the schema has one (copies of one
    story share it), else the article's own path (every article its own story)."""
    found = _per_article(reader, "story", article_of, len(paths))
    return [story or path for story, path in zip(found, paths, strict=True)]
