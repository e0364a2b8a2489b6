"""Each sentence's field lengths (what BM25F divides a word's weight by) read a segment's
column at a time.

Whoosh scores a word in a sentence by the sentence's length in that field, which it reads
from the segment's length column one document at a time: a seek and a one-byte read through
two method calls each (`W3PerDocReader.doc_field_length`), for every sentence scored. A query
that scores many sentences spent a tenth of its time there (`negoti*`: 21,314 sentences at
200,000). Here the first length asked of a field in a segment reads that field's whole
column (one byte a sentence: 100 KB for a segment of 100,000 sentences), and every later one
is an index into it: the same bytes, so the same scores.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield


class WholeLengths:
    """A segment's length column for one field, read whole at the first length asked (so
    that a question that scores nothing in the field reads nothing)."""

    def __init__(self, perdoc: W3PerDocReader, column: str) -> None:
        self._perdoc = perdoc
        self._column = column
        self._bytes: bytes | None = None

    def _read(self) -> bytes:
        reader = self._perdoc.column_reader(self._column, LENGTHS_COLUMN)
        # A Numeric("B") column is one byte a document, from its base position.
        self._bytes = reader._dbfile.get(reader._basepos, reader._count)
        return self._bytes

    def __getitem__(self, docnum: int) -> int:
        held = self._bytes if self._bytes is not None else self._read()
        return held[docnum] if docnum < len(held) else 0  # the column's default


def read_lengths_whole(reader, fieldnames: list[str]) -> None:
    """Make every segment of `reader` read the length columns of `fieldnames` whole (see
    the module's docstring); a segment of another format keeps Whoosh's reads."""
    for leaf, _offset in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if not isinstance(perdoc, W3PerDocReader):
            continue
        for fieldname in fieldnames:
            column = _lenfield(fieldname)
            if column not in perdoc._readers and perdoc.has_column(column):
                perdoc._readers[column] = WholeLengths(perdoc, column)
