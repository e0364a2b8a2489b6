"""Per-document columns read in bulk from the postings: what `search trend` counts with.

Whoosh keeps no column of a document's article, date or source that a count could read,
and loading each matching document's stored fields costs about 15 us a document (1 s for
the 59,379 sentences of `government` at 200k sentences). The `path`, `date`, `source` and
(when the schema has it) `story` terms are few, and each term's postings list its
documents: walking them once fills an array per field, document number -> article
number, and per article its date, source and story. A question then turns its matches (a
set of document numbers) into counts with array lookups alone.

The columns belong to one open snapshot (`SearchIndex` builds them once, at the first
question that needs them, and keeps them while it is open; the web server reuses an open
index while the index is unchanged).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from .schema import ARTICLE

NO_ARTICLE = -1


@dataclass
class Columns:
    """Document number -> article number (`article_of`, -1 for none); per article number its
    path, date (None: undated), source, story, and whether it has a live record."""

    article_of: array
    paths: list[str]
    dates: list[str | None]
    sources: list[str]
    stories: list[str]
    live: list[bool]

    @property
    def articles(self) -> list[int]:
        """The article numbers of every indexed article (those with a live record)."""
        return [number for number, alive in enumerate(self.live) if alive]


def read_columns(reader) -> Columns:
    """The columns of every live document of a Whoosh reader, from its postings alone."""
    article_of = array("i", [NO_ARTICLE]) * reader.doc_count_all()
    paths = list(reader.field_terms("path"))
    for number, path in enumerate(paths):
        for docnum in reader.postings("path", path).all_ids():
            article_of[docnum] = number
    live = [False] * len(paths)
    if ("kind", ARTICLE) in reader:
        for docnum in reader.postings("kind", ARTICLE).all_ids():
            if article_of[docnum] != NO_ARTICLE:
                live[article_of[docnum]] = True
    return Columns(
        article_of=article_of,
        paths=paths,
        dates=_per_article(reader, "date", article_of, len(paths)),
        sources=[source or "" for source in _per_article(reader, "source", article_of, len(paths))],
        stories=_stories(reader, article_of, paths),
        live=live,
    )


def _per_article(reader, fieldname: str, article_of: array, count: int) -> list[str | None]:
    """Each article's value of a field all its documents share (date, source, story), read
    from the first document of each term's postings that starts a new article."""
    values: list[str | None] = [None] * count
    if fieldname not in reader.schema:
        return values
    for value in reader.field_terms(fieldname):
        for docnum in reader.postings(fieldname, value).all_ids():
            number = article_of[docnum]
            if number != NO_ARTICLE and values[number] is None:
                values[number] = value
    return values


def _stories(reader, article_of: array, paths: list[str]) -> list[str]:
    """Each article's story id: the `story` field where the schema has one (copies of one
    story share it), else the article's own path (every article its own story)."""
    found = _per_article(reader, "story", article_of, len(paths))
    return [story or path for story, path in zip(found, paths, strict=True)]
