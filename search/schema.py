"""The shape of the index: one Whoosh document per sentence, one per article.

Sentence documents carry the text that queries match. Article documents carry
what incremental indexing needs to tell whether a file changed (size, mtime,
content hash) and how many sentences it gave; they have no `text`, so word
queries never reach them; a query that could match without a word masks them
out (`article_records`, used by `query.ParsedQuery.mask`).
Keeping both kinds in one index means one commit updates them together.

Each indexed field costs Whoosh a posting per document (and, for unscored
fields, a file-system check per posting when it flushes), so sentence
documents index only what queries need: `text`, `path` (to replace an
article's sentences), `article` and `date` (filters). `kind` is set on article
records alone, and sentence numbers are stored, not indexed.

SCHEMA_VERSION changes whenever a field changes; an index written with another
version is refused and must be rebuilt.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema

SCHEMA_VERSION = 1

ARTICLE = "article"

# Fields a user may name in a query (`article:...`, `date:...`); `text` is the default.
# Dates are ISO strings (YYYY-MM-DD), so a month is a prefix and a range is a term range.
QUERY_FIELDS = ("text", "article", "date")


def analyzer():
    """The analyzer of the `text` field: words, lowercased, stop words dropped, stemmed."""
    return StemmingAnalyzer()


@lru_cache(maxsize=1)
def shared_analyzer():
    """One analyzer for reading code (highlighting, suggestions): building one costs."""
    return analyzer()


def build_schema() -> Schema:
    return Schema(
        kind=ID(stored=True),
        path=ID(stored=True),
        article=ID(stored=True),
        sentence=STORED(),
        date=ID(stored=True),
        text=TEXT(analyzer=analyzer(), stored=True, phrase=True),
        info=STORED(),
    )


def article_records():
    """The query that matches article records: the mask of every sentence search."""
    from whoosh.query import Term

    return Term("kind", ARTICLE)


def schema_matches(schema: Schema) -> bool:
    """Whether an opened index has the fields this version reads and writes."""
    expected = build_schema()
    if sorted(schema.names()) != sorted(expected.names()):
        return False
    return all(type(schema[name]) is type(expected[name]) for name in expected.names())


# Records ---------------------------------------------------------------------------
# What each kind of document stores, by field: the checks below and the builders
# that write them are the only places these names are spelled for the index.

SENTENCE_RECORD = {"article": str, "path": str, "sentence": int, "text": str}
ARTICLE_RECORD = {"article": str, "path": str, "info": dict}


class DamagedRecord(Exception):
    """Stored fields that lack what every record of their kind has: a damaged index."""


def sentence_fields(fields) -> dict:
    """A sentence's stored fields, checked: article, path, a whole sentence number, text."""
    return _checked_record(fields, SENTENCE_RECORD, "sentence record")


def article_fields(fields) -> dict:
    """An article record's stored fields, checked: article, path and an info dict."""
    return _checked_record(fields, ARTICLE_RECORD, "article record")


def _checked_record(fields, types: dict, what: str) -> dict:
    if not isinstance(fields, dict) or not all(
        isinstance(fields.get(name), kind) for name, kind in types.items()
    ):
        raise DamagedRecord(what)
    return fields


def sentence_document(path: str, article: str, number: int, date: str | None, text: str) -> dict:
    """The fields of one sentence's document, as `writer.add_document` takes them."""
    return {"path": path, "article": article, "sentence": number, "date": date, "text": text}


def article_document(path: str, article: str, date: str | None, info: dict) -> dict:
    """The fields of an article record: `info` is what tells a changed file (see catalog)."""
    return {"kind": ARTICLE, "path": path, "article": article, "date": date, "info": info}


def article_record_of(path: str):
    """The query for one file's article record (to replace it when only its mtime changed)."""
    from whoosh.query import And

    return And([article_records(), file_documents(path)])


def file_documents(path: str):
    """The query for every document of one article file: its sentences and its record."""
    from whoosh.query import Term

    return Term("path", path)
