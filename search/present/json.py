"""One JSON object per record, shared by every front end.

`search ... --json` prints these objects one per line, the web API (`/api/*`) returns them
(inside Elasticsearch's response shapes where users' scripts know those), and `search
export` writes `export_document`. A field is named and ordered here once, so the command
line, the server and the export cannot drift apart: a sentence is `article`, `path`,
`name`, `sentence`, `date`, `text`, `title`, `url`, `language` wherever it appears.

`line` turns any of them into one JSON line that is safe to print on a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict

# What a terminal must never see raw that json.dumps leaves as is (it escapes C0 controls
# itself): DEL, C1 controls (CSI starts escape sequences) and the bidirectional overrides.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Stored fields an exported document carries only when the article has them.
OPTIONAL_FIELDS = ("title", "url")

# A sentence's highlighted text, as the API gives it: the text and its matched spans in,
# the marked-up string out (the server marks with escaped HTML).
Marker = Callable[[str, Iterable[tuple[int, int]]], str]


def line(value, compact: bool = False) -> str:
    """`value` as one JSON line that is inert on a terminal: UTF-8 text as is, but json's
    own escapes for C0 controls and ours, here, for C1 controls and bidi overrides. Every
    JSON the commands write (--json, export) goes through it; `compact` drops the spaces
    after `,` and `:` (the export: the same bytes for the same value, and fewer)."""
    separators = (",", ":") if compact else None
    text = json.dumps(value, ensure_ascii=False, separators=separators)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _spans(spans) -> list[list[int]]:
    return [list(span) for span in spans]


def _where(record) -> dict:
    """The article a record belongs to, as every record names it."""
    return {"article": record.article, "path": record.path, "name": record.name}


def _about(record) -> dict:
    """What a record says of its article after its own fields: headline, URL, the other
    places of the same sentence or story, and the article's language."""
    return {
        "title": record.title,
        "url": record.url,
        "copies": [copy(other) for other in record.copies],
        "language": record.language,
    }


# Search results --------------------------------------------------------------------------


def copy(record) -> dict:
    """Another place of a sentence (`name`, `path`, `sentence`) or of a story (no `sentence`)."""
    data = {"name": record.name, "path": record.path}
    if record.sentence is not None:
        data["sentence"] = record.sentence
    return data


def hit(record, with_context: bool = False) -> dict:
    """A matching sentence (`search query --json`, the API's `_source`, `alert check`)."""
    data = {
        "rank": record.rank,
        "score": record.score,
        **_where(record),
        "sentence": record.sentence,
        "date": record.date,
        "text": record.text,
        "matches": _spans(record.matches),
        **_about(record),
    }
    if with_context:
        data["context"] = {
            "before": [asdict(s) for s in record.before],
            "after": [asdict(s) for s in record.after],
        }
    return data


def article_hits(record) -> dict:
    """One article of `search query -l --json`, with the other matching articles of its story."""
    return {
        **_where(record),
        "date": record.date,
        "hits": record.hits,
        "score": record.score,
        **_about(record),
    }


def article_match(record) -> dict:
    """One `--scope article` result: the article, its best sentence as `text`, and its best
    sentences (`sentence`, `text`, `matches`)."""
    return {
        "rank": record.rank,
        "score": record.score,
        **_where(record),
        "date": record.date,
        "hits": record.hits,
        "text": record.text,
        "sentences": [
            {"sentence": s.sentence, "text": s.text, "matches": _spans(s.matches)}
            for s in record.sentences
        ],
        **_about(record),
    }


def alert_hit(name: str, record) -> dict:
    """A new hit of `search alert check --json`: the alert's name, then the hit."""
    return {"alert": name, **hit(record)}


def alert(record) -> dict:
    """A saved search of `search alert list --json` (its bookkeeping number left out)."""
    data = asdict(record)
    data.pop("seen")
    return data


# Articles ----------------------------------------------------------------------------


def split_sentence(sentence, date: str | None, language: str = "en") -> dict:
    """One sentence of `search split --json`: its text, its offsets in the file, the date
    and the article's language."""
    return {
        "sentence": sentence.number,
        "text": sentence.text,
        "start": sentence.start,
        "end": sentence.end,
        "date": date,
        "language": language,
    }


def shown_sentence(found, sentence) -> dict:
    """One sentence of `search show --json`, with the article it belongs to."""
    return {
        **_where(found),
        "sentence": sentence.sentence,
        "date": found.date,
        "text": sentence.text,
        **_about(found),
    }


def article_text(found) -> dict:
    """An article and all its sentences (`/api/articles/NAME`)."""
    return {
        **_where(found),
        "date": found.date,
        "title": found.title,
        "url": found.url,
        "language": found.language,
        "sentences": [asdict(sentence) for sentence in found.sentences],
        "copies": [copy(other) for other in found.copies],
    }


def status(record) -> dict:
    """What `search status --json` prints and `/api/status` returns."""
    return asdict(record)


# Counts --------------------------------------------------------------------------------


def _counts(row) -> dict:
    return {
        "articles": row.articles,
        "stories": row.stories,
        "sentences": row.sentences,
        "all_articles": row.all_articles,
        "share": row.share,
    }


def trend_row(row) -> dict:
    """One bucket of one query, as `search trend --json` and `--csv` carry it."""
    return {"query": row.query, "bucket": row.bucket, **_counts(row)}


def trend_bucket(row) -> dict:
    """One bucket as Elasticsearch's date_histogram (or terms, by source) gives it, with
    our counts beside (`/api/trend`): `key` is the epoch milliseconds (UTC) of the bucket's
    first day (by source: the source), `doc_count` the matching articles."""
    key: object = row.bucket
    if row.start is not None:
        midnight = dt.datetime.combine(row.start, dt.time(), dt.timezone.utc)
        key = int(midnight.timestamp()) * 1000
    return {"key_as_string": row.bucket, "key": key, "doc_count": row.articles, **_counts(row)}


# `search words`' lists, in order, and the kind of term each holds.
WORDS_KINDS = (("word", "words"), ("phrase", "phrases"), ("name", "names"))


def words_rows(found) -> list[dict]:
    """Every term of `search words --json` and `--csv`, words then phrases then names,
    best first in each."""
    return [
        {"kind": kind, "term": t.term, "score": t.score, "matches": t.matches, "archive": t.archive}
        for kind, attribute in WORDS_KINDS
        for t in getattr(found, attribute)
    ]


def significant(terms, found) -> dict:
    """One list of `search words` as Elasticsearch's significant_text aggregation gives it
    (`/api/words`)."""
    return {
        "doc_count": found.matches,
        "bg_count": found.archive,
        "buckets": [
            {"key": t.term, "doc_count": t.matches, "bg_count": t.archive, "score": t.score}
            for t in terms
        ],
    }


# The API's hits ------------------------------------------------------------------------


def search_hit(record, mark: Marker) -> dict:
    """A sentence found, as a hit of Elasticsearch's search response (`/api/search`)."""
    return {
        "_index": "sentences",
        "_id": f"{record.name}:{record.sentence}",
        "_score": record.score,
        "_source": hit(record),
        "highlight": {"text": [mark(record.text, record.matches)]},
    }


def search_article(record, mark: Marker) -> dict:
    """An article found at article scope, as a hit of the search response: the article and
    its best sentences, each highlighted."""
    return {
        "_index": "articles",
        "_id": record.path,
        "_score": record.score,
        "_source": article_match(record),
        "highlight": {"text": [mark(s.text, s.matches) for s in record.sentences]},
    }


# The export ----------------------------------------------------------------------------


def export_document(fields: dict) -> dict:
    """The exported document of one sentence's stored fields (`search export`): the fields
    of a hit that the index stores, `title` and `url` only when the article has them, and
    for a sentence not in English, `terms`: our own terms for it (see engine/mapping.py).
    `name` is the stored name where the index has one, else the file's stem."""
    document = {
        "text": fields["text"],
        "article": fields["article"],
        "path": fields["path"],
        "name": fields.get("name") or fields["article"],
        "sentence": fields["sentence"],
        "date": fields.get("date"),
    }
    for name in OPTIONAL_FIELDS:
        if fields.get(name):
            document[name] = fields[name]
    document["language"] = fields.get("language") or "en"
    if fields.get("terms"):
        document["terms"] = fields["terms"]
    return document
