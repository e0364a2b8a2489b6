"""Running parsed queries against the index: hits, counts, articles, context, whole articles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .errors import InputError
from .highlight import Span, match_spans, word_test
from .query import ParsedQuery
from .schema import ARTICLE


@dataclass(frozen=True)
class ContextSentence:
    sentence: int
    text: str


@dataclass
class Hit:
    """One matching sentence, with where it came from."""

    rank: int
    score: float
    article: str
    path: str
    sentence: int
    date: str | None
    text: str
    matches: list[Span] = field(default_factory=list)
    before: list[ContextSentence] = field(default_factory=list)
    after: list[ContextSentence] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleHits:
    """An article with at least one matching sentence."""

    article: str
    path: str
    date: str | None
    hits: int
    score: float


def find(
    folder: Path,
    parsed: ParsedQuery,
    *,
    limit: int | None = 10,
    sort: str = "relevance",
    before: int = 0,
    after: int = 0,
) -> list[Hit]:
    """The best `limit` sentences for the query (all if None), in `sort` order."""
    with store.reading(folder) as searcher:
        wanted = None if sort != "relevance" else limit
        results = searcher.search(parsed.query, limit=wanted, mask=parsed.mask)
        rows = [(result.score, store.sentence_fields(result.fields())) for result in results]
        if sort != "relevance":
            rows.sort(key=_sort_key(sort))
            rows = rows if limit is None else rows[:limit]
        accepts = word_test(parsed.query)
        articles: dict[str, dict[int, str]] = {}
        hits = []
        for rank, (score, fields) in enumerate(rows, start=1):
            text = fields.get("text", "")
            hit = Hit(
                rank=rank,
                score=round(float(score), 4),
                article=fields["article"],
                path=fields["path"],
                sentence=fields["sentence"],
                date=fields.get("date"),
                text=text,
                matches=match_spans(text, accepts),
            )
            if before or after:
                hit.before, hit.after = _context(searcher, hit, before, after, articles)
            hits.append(hit)
        return hits


def _sort_key(sort: str):
    if sort == "date":
        # Newest first; undated articles last; then reading order.
        return lambda row: (
            -_date_number(row[1].get("date")),
            row[1]["article"],
            row[1]["path"],
            row[1]["sentence"],
        )
    return lambda row: (row[1]["article"], row[1]["path"], row[1]["sentence"])


def _date_number(date: str | None) -> int:
    return int(date.replace("-", "")) if date else 0


def count(folder: Path, parsed: ParsedQuery) -> int:
    """How many sentences match."""
    with store.reading(folder) as searcher:
        results = searcher.search(parsed.query, limit=None, scored=False, mask=parsed.mask)
        return len(results)


def articles(folder: Path, parsed: ParsedQuery, limit: int | None = None) -> list[ArticleHits]:
    """The articles with matching sentences, best first (by their best sentence's score)."""
    with store.reading(folder) as searcher:
        grouped: dict[str, list] = {}
        for result in searcher.search(parsed.query, limit=None, mask=parsed.mask):
            fields = store.sentence_fields(result.fields())
            entry = grouped.setdefault(fields["path"], [fields, 0, 0.0])
            entry[1] += 1
            entry[2] = max(entry[2], float(result.score))
    ranked = sorted(grouped.values(), key=lambda e: (-e[2], e[0]["article"], e[0]["path"]))
    found = [
        ArticleHits(f["article"], f["path"], f.get("date"), hits, round(score, 4))
        for f, hits, score in ranked
    ]
    return found if limit is None else found[:limit]


def _context(searcher, hit: Hit, before: int, after: int, articles: dict):
    """The neighbours of a hit; `articles` keeps each article's sentences for the next hit."""
    if hit.path not in articles:
        articles[hit.path] = dict(_sentences_of(searcher, hit.path))
    neighbours = articles[hit.path]
    above = [
        ContextSentence(n, neighbours[n])
        for n in range(hit.sentence - before, hit.sentence)
        if n in neighbours
    ]
    below = [
        ContextSentence(n, neighbours[n])
        for n in range(hit.sentence + 1, hit.sentence + after + 1)
        if n in neighbours
    ]
    return above, below


def _sentences_of(searcher, path: str) -> Iterator[tuple[int, str]]:
    """(number, text) of every sentence of one article, in no particular order."""
    from whoosh import query as wq

    for result in searcher.search(wq.Term("path", path), limit=None, scored=False):
        fields = result.fields()
        if fields.get("kind") == ARTICLE:  # the article's own record: no mask needed
            continue
        fields = store.sentence_fields(fields)
        yield fields["sentence"], fields["text"]


@dataclass(frozen=True)
class ArticleText:
    article: str
    path: str
    date: str | None
    sentences: list[ContextSentence]


def show(folder: Path, name: str) -> ArticleText:
    """A whole indexed article, found by name, unique name prefix, or path."""
    with store.reading(folder) as searcher:
        candidates = _find_article(searcher, name)
        if not candidates:
            # Damage can hide an article without an error: check before denying it exists.
            store.raise_if_damaged(folder)
            raise InputError(f'no article "{name}" in the index; try "search query -l WORD"')
        if len(candidates) > 1:
            shown = ", ".join(sorted(c["path"] for c in candidates)[:5])
            raise InputError(
                f'"{name}" names {len(candidates)} articles ({shown}); '
                "give more of its name, or its path"
            )
        record = candidates[0]
        sentences = sorted(_sentences_of(searcher, record["path"]))
    return ArticleText(
        record["article"],
        record["path"],
        record.get("date"),
        [ContextSentence(number, text) for number, text in sentences],
    )


def _find_article(searcher, name: str) -> list[dict]:
    from whoosh import query as wq

    def records(query) -> list[dict]:
        matches = searcher.search(wq.And([wq.Term("kind", ARTICLE), query]), limit=None)
        return [store.article_fields(result.fields()) for result in matches]

    resolved = str(Path(name).resolve())
    by_path = records(wq.Term("path", resolved))
    if by_path:
        return by_path
    exact = records(wq.Term("article", name))
    if exact:
        return exact
    return records(wq.Prefix("article", name))
