"""Which sentences of a snapshot are copies of one another: what a collapsed total counts with.

A total that collapses copies counts the different `copy` keys among the matching sentences.
Reading each match's key costs about 2 us a match (0.7 s of the 1 s a total of `government`,
295,116 matches, took at a million sentences), yet most sentences share their key with no
other. So each snapshot keeps one table of the live sentences that do share it (`Copies`:
their document numbers, sorted, and each one's group, the number of its group's first
document), and a total of matches M is

    |M| - |M & shared| + |the groups of M & shared|

(each group touched counts once, every other match once): only the matches among the shared
sentences are looked at. For a single word even those are found without reading its postings:
the word's posting matcher is moved to each shared sentence (`holding`), so a total costs what
the few shared sentences cost, not what the word's matches do.

The table is read once per snapshot from each segment's `copy` column (its fixed-width values
read whole and compared as bytes; from the stored text where a segment has no column) and kept
in the generation folder (`copies.json`, `cached_copies`) for the next process, as the columns
of `search trend` are (`search.engine.columns`).
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from whoosh.columns import FixedBytesColumn, TranslatingColumnReader

from .columns import block_ids, deleted_documents
from .kept import kept, snapshot_key
from .schema import ARTICLE
from .stories import sentence_key

# The table of a snapshot, kept in its generation folder for the next process to read.
CACHE = "copies.json"
# A term's postings per document `held_by` may probe before it reads them whole instead. A
# probe reads at most one posting block (64 postings, see search.engine.writer) and walks
# the block headers on the way, and documents probed together (an article's sentences) share
# blocks; reading costs every block and every posting. Past four probes a block, it wins.
_POSTINGS_PER_PROBE = 16


@dataclass
class Copies:
    """The live sentences of a snapshot that share their `copy` key with another live one:
    `members` (document numbers, ascending) and, for each, its group (the first member's
    document number)."""

    members: array
    groups: array
    _group_of: dict[int, int] = field(init=False, repr=False)
    _shared: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._group_of = dict(zip(self.members, self.groups, strict=True))
        self._shared = frozenset(self._group_of)

    def among(self, documents: set[int]) -> frozenset[int]:
        """The members among `documents`."""
        return self._shared.intersection(documents)

    def distinct(self, count: int, shared: Iterable[int]) -> int:
        """How many different sentences `count` matches hold, `shared` being those of them
        that are members."""
        shared = list(shared)
        return count - len(shared) + len(set(map(self._group_of.__getitem__, shared)))


def read_copies(reader, check: Callable[[], None] = lambda: None) -> Copies:
    """The table of one snapshot, from two reads of every live sentence's key: the first
    keeps the hashes seen twice (a set of numbers: a million keys held as bytes cost 150 MB),
    the second groups the sentences with such a hash by their key itself, and keeps the
    groups of two or more."""
    seen: set[int] = set()
    twice: set[int] = set()
    for _docnum, key in _live_keys(reader, check):
        number = hash(key)
        if number in seen:
            twice.add(number)
        else:
            seen.add(number)
    del seen
    check()
    grouped: dict[bytes, list[int]] = {}
    for docnum, key in _live_keys(reader, check):
        if hash(key) in twice:
            grouped.setdefault(key, []).append(docnum)
    pairs = sorted(
        (docnum, held[0]) for held in grouped.values() if len(held) > 1 for docnum in held
    )
    return Copies(array("i", (d for d, _ in pairs)), array("i", (g for _, g in pairs)))


def _live_keys(reader, check: Callable[[], None]) -> Iterable[tuple[int, bytes]]:
    """(document number, key as bytes) of every live sentence, in document order."""
    for leaf, offset in reader.leaf_readers():
        check()
        deleted = deleted_documents(leaf)
        count = leaf.doc_count_all()
        raw = _raw_column(leaf)
        if raw is None:  # a segment written without the column: the stored texts
            for local in range(count):
                fields = leaf.stored_fields(local)
                if local not in deleted and fields.get("kind") != ARTICLE:
                    yield offset + local, sentence_key(fields["text"]).encode("utf-8")
            continue
        width, written, default = raw._fixedlen, raw._count, raw._default
        whole = raw._dbfile.get(raw._basepos, width * written)
        for local in range(min(count, written)):
            key = whole[local * width : (local + 1) * width]
            if key != default and local not in deleted:  # article records have no key
                yield offset + local, key


def _raw_column(leaf):
    """A segment's `copy` column as Whoosh's fixed-width reader, or None without one."""
    try:  # opened with the snapshot (`store.opened`) if the segment has one
        column = leaf.column_reader("copy")
    except OSError:
        return None
    raw = column.raw_column() if isinstance(column, TranslatingColumnReader) else column
    return raw if isinstance(raw, FixedBytesColumn.Reader) else None


def holding(reader, fieldname: str, text: str, documents: Sequence[int]) -> list[int]:
    """Which of `documents` (ascending) hold a term, deleted or not: the term's posting
    list is moved to each in turn, over the blocks that cannot hold it by their headers
    alone, and within a block by bisection, so only the blocks that may hold one are read
    (Whoosh's `skip_to` reads the block it lands on and steps through it one posting at a
    time)."""
    found: list[int] = []
    for leaf, offset in reader.leaf_readers():
        end = offset + leaf.doc_count_all()
        start = bisect_left(documents, offset)
        local = [d - offset for d in documents[start : bisect_left(documents, end, start)]]
        btext = leaf.schema[fieldname].to_bytes(text) if fieldname in leaf.schema else None
        if not local or btext is None or (fieldname, btext) not in leaf:
            continue
        matcher = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
        for docnum in local:
            if matcher._maxid < docnum:
                matcher._skip_to_block(partial(_ends_before, matcher, docnum))
                if not matcher.is_active():
                    break
            if matcher._ids is None:
                matcher._read_ids()
            # The block ends at or past `docnum`: the bisection lands within it.
            matcher._i = bisect_left(matcher._ids, docnum, matcher._i)
            if matcher._ids[matcher._i] == docnum:
                found.append(offset + docnum)
    return found


def _ends_before(matcher, docnum: int) -> bool:
    return matcher._maxid < docnum


def held_by(reader, fieldname: str, text: str, documents: Sequence[int]) -> list[int]:
    """`holding`; or, for documents as many as the posting blocks they would open, the
    term's postings read whole and intersected with them."""
    if len(documents) * _POSTINGS_PER_PROBE < reader.doc_frequency(fieldname, text):
        return holding(reader, fieldname, text, documents)
    wanted = set(documents)
    found: list[int] = []
    for leaf, offset in reader.leaf_readers():
        btext = leaf.schema[fieldname].to_bytes(text) if fieldname in leaf.schema else None
        if btext is None or (fieldname, btext) not in leaf:
            continue
        matcher = leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)
        found.extend(d for d in (offset + local for local in block_ids(matcher)) if d in wanted)
    return found


def cached_copies(reader, generation: Path, check: Callable[[], None] = lambda: None) -> Copies:
    """`read_copies` of a snapshot, read from the generation folder's `CACHE` when that
    describes this very commit, else read from the columns and kept there, when the folder
    can be written, for the next process. Nothing in the file is trusted: it is checked
    against the snapshot's document count and every member's group."""
    key = snapshot_key(reader)
    path = generation / CACHE
    global _latest
    with _reading:  # the server's threads: one reads the table, the others then share it
        if _latest is not None and _latest[0] == (path, key):
            return _latest[1]
        copies = kept(
            path,
            lambda raw: _decoded(json.loads(raw), key),
            lambda: read_copies(reader, check),
            lambda copies: json.dumps(_encoded(copies, key), separators=(",", ":")).encode(),
        )
        _latest = ((path, key), copies)
        return copies


# The last table read in this process, for the other open indexes of the same snapshot.
_latest: tuple[tuple[Path, list], Copies] | None = None
_reading = threading.Lock()


def _encoded(copies: Copies, key: list) -> dict:
    return {
        "key": key,
        "byteorder": sys.byteorder,
        "members": base64.b64encode(copies.members.tobytes()).decode("ascii"),
        "groups": base64.b64encode(copies.groups.tobytes()).decode("ascii"),
    }


def _decoded(data: dict, key: list) -> Copies | None:
    """The table a cache file holds, if it describes the snapshot `key` names and has the
    table's shape (members ascending and within the snapshot, each group a member that is
    its own group and holds at least two); else None."""
    if data["key"] != key or data["byteorder"] not in ("little", "big"):
        return None
    members, groups = array("i"), array("i")
    members.frombytes(base64.b64decode(data["members"], validate=True))
    groups.frombytes(base64.b64decode(data["groups"], validate=True))
    if data["byteorder"] != sys.byteorder:
        members.byteswap()
        groups.byteswap()
    if len(members) != len(groups):
        return None
    if members and not (members[0] >= 0 and members[-1] < key[1]):
        return None
    if any(a >= b for a, b in zip(members, members[1:], strict=False)):
        return None
    copies = Copies(members, groups)
    sizes = Counter(groups)
    if any(copies._group_of.get(group) != group or n < 2 for group, n in sizes.items()):
        return None
    return copies
