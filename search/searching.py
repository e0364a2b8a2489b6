"""The library's one door for reading an index: `SearchIndex`.

`SearchIndex.open(folder)` opens the live index once and holds one searcher (one
consistent snapshot) until it is closed; every question is a method on it:
`find` (ranked hits), `count`, `articles` (`-l`), `article` (a whole article or
one sentence with its neighbours), `did_you_mean`, `count_any` (what `--any`
would find after a miss) and `status`. The command line,
the web server and the export command all ask this object, so none of them
holds query, suggestion or record logic of its own::

    with SearchIndex.open(Path("index")) as index:
        for hit in index.find(parse_query("Turkey peacekeeping"), limit=5):
            print(hit.article, hit.sentence, hit.text)

Whoosh's failures on a damaged index become IndexDamagedError inside every method.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .errors import InputError, QueryError
from .highlight import Span, match_spans, word_test
from .query import ParsedQuery, parse_query
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


@dataclass(frozen=True)
class ArticleText:
    """An indexed article's sentences; with `focus`, one sentence and its neighbours."""

    article: str
    path: str
    date: str | None
    sentences: list[ContextSentence]
    focus: int | None = None


def parse_reference(reference: str) -> tuple[str, int | None]:
    """`NAME:N` as (NAME, N); anything else as (reference, None)."""
    head, _, tail = reference.rpartition(":")
    if head and tail.isdigit() and tail.isascii():
        return head, int(tail)
    return reference, None


class SearchIndex:
    """One open snapshot of the index in a folder: open once, ask, close."""

    def __init__(self, folder: Path, searcher, resources: ExitStack, verified: bool) -> None:
        self.folder = folder
        self.verified = verified
        self._searcher = searcher
        self._resources = resources

    @classmethod
    def open(cls, folder: Path, verify: bool = False) -> SearchIndex:
        """Open the live index in `folder` (raises NoIndexError, IndexDamagedError, ...).

        With `verify`, every index file is first checked against its recorded
        checksum, so that damage is named file by file before anything reads it.
        """
        if verify:
            store.raise_if_damaged(folder)
        resources = ExitStack()
        searcher = resources.enter_context(store.reading(folder))
        return cls(folder, searcher, resources, verified=verify)

    def close(self) -> None:
        self._resources.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Questions -----------------------------------------------------------------------

    def find(
        self,
        parsed: ParsedQuery,
        *,
        limit: int | None = 10,
        sort: str = "relevance",
        before: int = 0,
        after: int = 0,
    ) -> list[Hit]:
        """The best `limit` sentences for the query (all if None), in `sort` order."""
        with store.guard(self.folder):
            return self._find(parsed, limit, sort, before, after)

    def count(self, parsed: ParsedQuery) -> int:
        """How many sentences match."""
        with store.guard(self.folder):
            results = self._searcher.search(
                parsed.query, limit=None, scored=False, mask=parsed.mask
            )
            return len(results)

    def articles(self, parsed: ParsedQuery, limit: int | None = None) -> list[ArticleHits]:
        """The articles with matching sentences, best first (by their best sentence's score)."""
        with store.guard(self.folder):
            grouped: dict[str, list] = {}
            for result in self._searcher.search(parsed.query, limit=None, mask=parsed.mask):
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

    def article(self, name: str, sentence: int | None = None, context: int = 0) -> ArticleText:
        """A whole article (by name, unique name prefix or path), or one sentence of it
        with `context` sentences either side."""
        with store.guard(self.folder):
            record = self._find_one_article(name)
            sentences = sorted(self._sentences_of(record["path"]))
        if sentence is not None:
            if not any(number == sentence for number, _text in sentences):
                raise InputError(
                    f"{record['article']} has no sentence {sentence} (it has {len(sentences)})"
                )
            sentences = [(n, text) for n, text in sentences if abs(n - sentence) <= context]
        return ArticleText(
            record["article"],
            record["path"],
            record.get("date"),
            [ContextSentence(number, text) for number, text in sentences],
            focus=sentence,
        )

    def did_you_mean(self, parsed: ParsedQuery) -> str | None:
        """A corrected query that finds something, from the index's own words; or None."""
        from .suggest import suggest

        def has_hits(candidate: str) -> bool:
            try:
                corrected = parse_query(
                    candidate, match_any=parsed.match_any, since=parsed.since, until=parsed.until
                )
            except QueryError:
                return False
            return self.count(corrected) > 0

        with store.guard(self.folder):
            return suggest(self._searcher, parsed.text, has_hits)

    def count_any(self, parsed: ParsedQuery) -> int | None:
        """How many sentences `--any` would find for a query whose words must all match;
        None when `--any` would not change the query (one word, a phrase, already --any)."""
        if parsed.match_any:
            return None
        try:
            loose = parse_query(parsed.text, match_any=True, since=parsed.since, until=parsed.until)
        except QueryError:
            return None
        return None if loose.query == parsed.query else self.count(loose)

    def status(self):
        """What `search status` reports: counts, size, last update, stale and missing files
        (and, if the index was opened with `verify`, that no file is damaged)."""
        from .status import index_status

        status = index_status(self.folder)
        if self.verified:
            status.damaged = []
        return status

    # Internals -----------------------------------------------------------------------

    def _find(self, parsed, limit, sort, before, after) -> list[Hit]:
        wanted = None if sort != "relevance" else limit
        results = self._searcher.search(parsed.query, limit=wanted, mask=parsed.mask)
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
                hit.before, hit.after = self._context(hit, before, after, articles)
            hits.append(hit)
        return hits

    def _context(self, hit: Hit, before: int, after: int, articles: dict):
        """The neighbours of a hit; `articles` keeps each article's sentences for the next hit."""
        if hit.path not in articles:
            articles[hit.path] = dict(self._sentences_of(hit.path))
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

    def _sentences_of(self, path: str) -> Iterator[tuple[int, str]]:
        """(number, text) of every sentence of one article, in no particular order."""
        from whoosh import query as wq

        for result in self._searcher.search(wq.Term("path", path), limit=None, scored=False):
            fields = result.fields()
            if fields.get("kind") == ARTICLE:  # the article's own record: no mask needed
                continue
            fields = store.sentence_fields(fields)
            yield fields["sentence"], fields["text"]

    def _find_one_article(self, name: str) -> dict:
        candidates = self._article_records(name)
        if not candidates:
            # Damage can hide an article without an error: check before denying it exists.
            store.raise_if_damaged(self.folder)
            raise InputError(f'no article "{name}" in the index; try "search query -l WORD"')
        if len(candidates) > 1:
            shown = ", ".join(sorted(c["path"] for c in candidates)[:5])
            raise InputError(
                f'"{name}" names {len(candidates)} articles ({shown}); '
                "give more of its name, or its path"
            )
        return candidates[0]

    def _article_records(self, name: str) -> list[dict]:
        from whoosh import query as wq

        def records(query) -> list[dict]:
            matches = self._searcher.search(wq.And([wq.Term("kind", ARTICLE), query]), limit=None)
            return [store.article_fields(result.fields()) for result in matches]

        resolved = str(Path(name).resolve())
        by_path = records(wq.Term("path", resolved))
        if by_path:
            return by_path
        exact = records(wq.Term("article", name))
        if exact:
            return exact
        return records(wq.Prefix("article", name))


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


def find(folder: Path, parsed: ParsedQuery, **options) -> list[Hit]:
    """`SearchIndex.find` on a freshly opened index (for benchmarks and one-off scripts)."""
    with SearchIndex.open(folder) as index:
        return index.find(parsed, **options)


def count(folder: Path, parsed: ParsedQuery) -> int:
    """`SearchIndex.count` on a freshly opened index (for benchmarks and one-off scripts)."""
    with SearchIndex.open(folder) as index:
        return index.count(parsed)
