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
