"""One file's bytes to one `Article`: the only path from a file to what the index stores.

The indexer and `search split` both call `parse_article`, so what `split` shows is
exactly what the indexer stores. The reader is chosen by the file's suffix
(case-insensitive) from `READERS`: each reader turns bytes into a `Document` (plain
text with paragraphs separated by blank lines, plus whatever metadata the format
carries), and the sentence splitter does the rest. Plain text, and a PDF without a
title, take the first line of the text as the headline when it reads as one
(`headline.text_headline`); it stays sentence 1 too. A date from the format's metadata
wins over a dateline in the text; without one, the dateline is the date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from ..errors import DocumentError
from ..language import DEFAULT, Language, identify
from .decode import decode_article
from .formats import FORMAT_READERS, Document
from .headline import text_headline
from .mail import MAIL_READERS
from .office import OFFICE_READERS
from .split import Sentence, split_article, split_lazily

__all__ = [
    "Article",
    "Document",
    "READERS",
    "parse_article",
    "parse_articles",
    "reader_for",
    "stream_articles",
]

# What `_articles_of` makes of each document: an Article, or a StreamedArticle.
Made = TypeVar("Made", "Article", "StreamedArticle")


@dataclass(frozen=True)
class Article:
    """An article as the index stores it: its sentences, date, headline and source."""

    sentences: list[Sentence]
    date: datetime.date | None = None
    title: str | None = None
    url: str | None = None
    text: str = field(default="", repr=False)  # the text the sentences were cut from
    notes: tuple[str, ...] = ()  # what the reader noticed (see Document.notes)
    language: str = DEFAULT  # ISO 639-1 (see `search.language.identify`)

    @property
    def iso_date(self) -> str | None:
        return self.date.isoformat() if self.date else None


Reader = Callable[[bytes, str], Document]


def read_plain_text(data: bytes, name: str) -> Document:
    """A `.txt` file: decoded as `decode.decode_article` accepts it; its headline is its
    first line when that reads as one (`headline.text_headline`)."""
    text = decode_article(data, name)
    return Document(text, title=text_headline(text))


READERS: dict[str, Reader] = {".txt": read_plain_text}
READERS.update(FORMAT_READERS)  # .md, .markdown, .html, .htm, .pdf
READERS.update(OFFICE_READERS)  # .docx, .odt, .rtf
READERS.update(MAIL_READERS)  # .eml, .mbox

# A file of these suffixes holds many articles: each is stored under `<path>#<key>`.
CONTAINERS = frozenset({".mbox"})


def reader_for(path: str | Path) -> Reader | None:
    """The reader for a file, by its suffix (case-insensitive); None for an unknown type."""
    return READERS.get(Path(path).suffix.lower())


def parse_article(data: bytes, path: str | Path, default: Language | None = None) -> Article:
    """The article in a file's bytes. Unknown suffixes are read as plain text.

    Its language is identified (`search.language.identify`; `default` when the text is too
    short to tell) and its sentences are split by that language's rules.

    Raises InputError subclasses (BinaryFileError, ...) naming the file when it
    cannot be read as an article.
    """
    articles = parse_articles(data, path, default)
    if len(articles) != 1:
        keys = ", ".join(key for key, _article in articles[:3])
        raise DocumentError(f"{path}: holds {len(articles)} articles ({keys}, ...), not one")
    return articles[0][1]


def parse_articles(
    data: bytes, path: str | Path, default: Language | None = None
) -> list[tuple[str, Article]]:
    """The articles in a file's bytes, each with the path it is stored under: the file's own
    path, or `<path>#<key>` for each article of a container (the messages of a mailbox).
    Each article's language is its own (`default` when too short to tell)."""
    return _articles_of(data, path, lambda document: _article(document, default))


def _articles_of(
    data: bytes, path: str | Path, made: Callable[[Document], Made]
) -> list[tuple[str, Made]]:
    """Each document of a file's bytes `made` into an article, with the path it is stored
    under (see `parse_articles`)."""
    reader = reader_for(path) or read_plain_text
    document = reader(data, str(path))
    if document.parts:
        articles = [(f"{path}#{key}", made(part)) for key, part in document.parts]
        key, first = articles[0]  # what the container noticed travels with its first article
        articles[0] = (key, replace(first, notes=document.notes + first.notes))
        return articles
    return [(str(path), made(document))]


@dataclass(frozen=True)
class StreamedArticle:
    """An article whose sentences come one at a time (`stream_articles`): what the indexer
    reads, so that a file of millions of sentences never holds them all in memory."""

    sentences: Iterator[Sentence]
    date: datetime.date | None = None
    title: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()
    text: str = field(default="", repr=False)  # the text the sentences are cut from
    language: str = DEFAULT  # ISO 639-1 (see `search.language.identify`)

    @property
    def iso_date(self) -> str | None:
        return self.date.isoformat() if self.date else None


def stream_articles(
    data: bytes, path: str | Path, default: Language | None = None
) -> list[tuple[str, StreamedArticle]]:
    """As parse_articles, with each article's sentences as an iterator: memory is that of the
    file's text, whatever the number of its sentences (a 200 MB line holds 7.5 million)."""
    return _articles_of(data, path, lambda document: _streamed(document, default))


def _streamed(document: Document, default: Language | None = None) -> StreamedArticle:
    language = identify(document.text, document.language, default)
    date, sentences = split_lazily(document.text, language.split_rules)
    return StreamedArticle(
        sentences,
        document.date or date,
        document.title,
        document.url,
        document.notes,
        document.text,
        language.code,
    )


def is_container(path: str | Path) -> bool:
    """Whether a file holds many articles (stored as `<path>#<key>`)."""
    return Path(path).suffix.lower() in CONTAINERS


def _article(document: Document, default: Language | None = None) -> Article:
    language = identify(document.text, document.language, default)
    split = split_article(document.text, language.split_rules)
    return Article(
        sentences=split.sentences,
        date=document.date or split.date,
        title=document.title,
        url=document.url,
        text=document.text,
        notes=document.notes,
        language=language.code,
    )
