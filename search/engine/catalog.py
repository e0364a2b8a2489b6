"""What the index recorded per article file, and the catalog file that keeps it at hand.

The records themselves live in the index (committed with the sentences), so
they change together. Reading 10,000 of them back through Whoosh costs half a
second; `articles.json` in the generation folder holds the same rows and costs
a few milliseconds. It names the TOC it describes, so a catalog left from an
earlier commit is simply ignored and the records are read instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import store
from .durable import atomic_write, latest_toc, read_regular
from .schema import article_fields, article_records
from .stories import Story

CATALOG = "articles.json"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What the index recorded about one article file (held for every article while a run
    lasts: slots, no dict an instance)."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    sentences: int
    date: str | None
    language: str = "en"  # ISO 639-1
    story: str = ""  # the story it tells, and what grouping new articles needs (`stories`)
    same: str = ""
    sketch: str = ""

    def row(self) -> tuple:
        """The fields in order, for the catalog file (dataclasses.astuple deep-copies: slow)."""
        return (
            self.path,
            self.size,
            self.mtime_ns,
            self.sha256,
            self.sentences,
            self.date,
            self.language,
            self.story,
            self.same,
            self.sketch,
        )

    def info(self) -> dict:
        """What the article record stores beside its path and date."""
        return {
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha256": self.sha256,
            "sentences": self.sentences,
            "same": self.same,
            "sketch": self.sketch,
        }

    def grouped(self) -> Story:
        """What this article lends to grouping new ones."""
        return Story(self.story, self.same, self.sketch)

    @classmethod
    def from_record(cls, fields: dict) -> StoredArticle:
        fields = article_fields(fields)
        info = fields["info"]
        return cls(
            fields["path"],
            int(info.get("size", -1)),
            int(info.get("mtime_ns", -1)),
            str(info.get("sha256", "")),
            int(info.get("sentences", 0)),
            fields.get("date"),
            str(fields.get("language") or "en"),
            str(fields.get("story") or ""),
            str(info.get("same", "")),
            str(info.get("sketch", "")),
        )


def save_catalog(generation: Path, articles: Iterable[StoredArticle]) -> None:
    """Write the catalog of `articles` for the TOC now live in `generation`: the JSON of
    {"toc": ..., "articles": [row, ...]}, written a row at a time (the whole text and its
    bytes were 90 MB more at the end of a 1M-sentence index run)."""
    present = [entry.name for entry in generation.iterdir()]
    atomic_write(generation / CATALOG, _catalog_text(latest_toc(present), articles))


def _catalog_text(toc: str | None, articles: Iterable[StoredArticle]) -> Iterator[bytes]:
    yield b'{"toc":' + json.dumps(toc).encode() + b',"articles":['
    for number, article in enumerate(articles):
        row = json.dumps(article.row(), separators=(",", ":")).encode()
        yield b"," + row if number else row
    yield b"]}"


def load_catalog(generation: Path) -> list | None:
    """The rows `save_catalog` wrote, if they describe the live TOC; else None."""
    try:
        data = json.loads(read_regular(generation / CATALOG))
        present = [entry.name for entry in generation.iterdir()]
        if data["toc"] is None or data["toc"] != latest_toc(present):
            return None
        rows = data["articles"]
        return rows if isinstance(rows, list) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stored_articles(folder: Path, generation: Path, index) -> dict[str, StoredArticle]:
    """What the index recorded per article, by path: from the catalog file if it is current."""
    cached = load_catalog(generation)
    if cached is not None and all(_is_row(row) for row in cached):
        return {row[0]: StoredArticle(*row) for row in cached}
    # No catalog, or one of another shape: read the records themselves.
    articles = {}
    with store.guard(folder), index.searcher() as searcher:
        for number in searcher.docs_for_query(article_records()):
            article = StoredArticle.from_record(searcher.stored_fields(number))
            articles[article.path] = article
    return articles


_ROW: tuple[type | tuple[type, ...], ...] = (
    str,
    int,
    int,
    str,
    int,
    (str, type(None)),
    str,
    str,
    str,
    str,
)


def _is_row(row) -> bool:
    """Whether a catalog row has the fields of a StoredArticle, each of its type."""
    return (
        isinstance(row, list)
        and len(row) == len(_ROW)
        and all(
            isinstance(value, kind) and not isinstance(value, bool)
            for value, kind in zip(row, _ROW, strict=True)
        )
    )
