"""The library's one door: `Index`.

`Index.open(folder)` opens the live index once (one consistent snapshot) until it is closed;
`answer(text, options)` is every front end's one call for a query: the hits (or the count,
or the articles), the total, the top score, the undated matches a date filter left out and,
for a miss, a did-you-mean and what `--any` would find::

    from search.index import Index, Options

    with Index.open(Path("index")) as index:
        answer = index.answer("Turkey peacekeeping", Options(limit=5))
        for hit in answer.hits:
            print(hit.name, hit.sentence, hit.text)

The command line and the web server both ask `answer`, so they cannot drift apart. Bad
input raises a `search.errors.SearchError` subclass whose message says what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine.query import ParsedQuery, compile_question
from .engine.scope import BEST_SENTENCES
from .engine.searching import DEFAULT_BUDGET, ClosedOnExit, SearchIndex, parse_reference
from .engine.store import live_snapshot
from .errors import InputError, QueryError
from .language import Language, parse_code
from .model import (
    SCOPES,
    SHAPES,
    SIGNIFICANCE,
    TREND_BY,
    Answer,
    ArticleHits,
    ArticleMatch,
    ArticleText,
    Hit,
    Options,
    Significant,
    Trend,
)
from .question import Question, check_date, check_range

if TYPE_CHECKING:
    from .engine.indexer import IndexReport

__all__ = [
    "DEFAULT_BUDGET",
    "TREND_BY",
    "WORDS_MIN_COUNT",  # noqa: F822 (given by __getattr__, below)
    "Answer",
    "Index",
    "Options",
    "Question",
    "Trend",
    "check_date",
    "check_range",
    "live_snapshot",
    "parse_reference",
    "question",
    "update",
]

_ASKED = Options()
# A sentence-scope query that finds fewer sentences than this says what `--scope article`
# would find.
FEW_SENTENCES = 3


def __getattr__(name: str) -> int:
    """`WORDS_MIN_COUNT` (how many matching sentences a word of `words` needs), read from
    `search.engine.significant` when first asked, so that a query does not load it."""
    if name == "WORDS_MIN_COUNT":
        from .engine.significant import MIN_COUNT

        return MIN_COUNT
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def question(text: str, options: Options = _ASKED) -> Question:
    """The query read once, with the options that shape it (QueryError if it cannot run:
    it is compiled here, and the compilation kept for the index's questions); a front end
    asks before it opens the index, so bad input is named first."""
    asked = Question.of(text, options)
    compile_question(asked)
    return asked


def _compiled(query: str | Question, options: Options) -> ParsedQuery:
    """What the engine asks for a query's text (read with `options`) or question."""
    return compile_question(question(query, options) if isinstance(query, str) else query)


def _one_language(parsed: list[ParsedQuery]) -> Language | None:
    """The language every query keeps (`--lang`, `lang=`), whose articles are then those a
    trend's shares are of; None when any query keeps every language."""
    codes = {query.asked.language for query in parsed}
    if len(codes) != 1 or None in codes:
        return None
    return parse_code(codes.pop() or "")


def update(folder: Path, paths: Sequence[str | os.PathLike], **options: Any) -> IndexReport:
    """Bring the index in `folder` in step with the article files under `paths` (what
    `search index` does): what the run added, updated, removed and skipped. The options
    are `search index`'s: rebuild, prune, include, exclude, jobs, language, wait, progress
    (see `search.engine.indexer.update_index`). The indexer is imported only here: a
    query process never needs it."""
    from .engine.indexer import update_index

    return update_index(folder, paths, **options)


class Index(ClosedOnExit):
    """One open snapshot of the index in a folder: open once, ask, close."""

    def __init__(self, reader: SearchIndex) -> None:
        self.reader = reader

    @classmethod
    def open(
        cls, folder: Path, verify: bool = False, budget: float | None = DEFAULT_BUDGET
    ) -> Index:
        """Open the live index in `folder` (NoIndexError, IndexDamagedError, ...); with
        `verify`, every file is checked against its checksum first. `budget`: the seconds
        each question may run (None: no limit)."""
        return cls(SearchIndex.open(folder, verify=verify, budget=budget))

    @property
    def folder(self) -> Path:
        return self.reader.folder

    @property
    def snapshot(self) -> tuple | None:
        """What identifies the state this index reads (see `is_current`)."""
        return self.reader.snapshot

    @property
    def budget(self) -> float | None:
        return self.reader.budget

    @budget.setter
    def budget(self, seconds: float | None) -> None:
        self.reader.budget = seconds

    def is_current(self) -> bool:
        """Whether no commit or swap happened since this index was opened."""
        return self.reader.is_current()

    def close(self) -> None:
        self.reader.close()

    # Questions -----------------------------------------------------------------------

    def answer(self, query: str | Question, options: Options = _ASKED) -> Answer:
        """Everything a front end shows for a query (text, or `question(text, options)`)."""
        if options.shape not in SHAPES:
            raise InputError(f"{options.shape!r} is not an answer shape; use one of {SHAPES}")
        if options.scope not in SCOPES:
            raise InputError(f"{options.scope!r} is not a scope; use one of {SCOPES}")
        parsed = _compiled(query, options)
        if options.scope == "article":
            return self._in_articles(parsed, options)
        reader = self.reader
        hits: list[Hit] = []
        articles: list[ArticleHits] = []
        total: int | None = None
        collapse = not options.copies
        if options.shape == "count":
            total = reader.count(parsed, collapse)
        elif options.shape == "articles":
            articles = reader.articles(parsed, options.limit, options.sort, collapse)
        elif options.shape == "article_count":
            # What `-l --all` would list, counted: so the two cannot disagree.
            total = len(reader.articles(parsed, collapse=collapse))
        else:
            hits, total = self._ranked(parsed, options)
        found = bool(total if total is not None else hits or articles)
        return Answer(
            text=parsed.text,
            hits=hits,
            articles=articles,
            total=total,
            max_score=self._max_score(parsed, options, hits) if found else None,
            undated_left_out=reader.undated_left_out(parsed),
            did_you_mean=None if found else reader.did_you_mean(parsed),
            any_count=None if found else reader.count_any(parsed),
            scope_count=self._scope_count(parsed, options, hits, articles, total),
        )

    def _in_articles(self, parsed: ParsedQuery, options: Options) -> Answer:
        """The answer at article scope: articles (ranked, listed or counted), never sentences."""
        reader = self.reader
        matched: list[ArticleMatch] = []
        articles: list[ArticleHits] = []
        total: int | None = None
        collapse = not options.copies
        if options.shape in ("count", "article_count"):
            total = reader.count_in_articles(parsed, collapse)
        else:
            listing = options.shape == "articles"
            matched, total = reader.in_articles(
                parsed,
                limit=options.limit,
                sort=options.sort,
                offset=options.offset,
                best=0 if listing else BEST_SENTENCES,
                collapse=collapse,
            )
            if listing:
                articles, matched = [_listed(match) for match in matched], []
        found = bool(total or matched or articles)
        relevance = options.sort == "relevance" and options.shape == "hits"
        return Answer(
            text=parsed.text,
            articles=articles,
            in_articles=matched,
            total=total,
            max_score=self._best_article_score(parsed, options, matched)
            if relevance and found
            else None,
            undated_left_out=0,
            did_you_mean=None if found else reader.did_you_mean(parsed),
        )

    def _best_article_score(self, parsed, options: Options, matched: list) -> float | None:
        if options.offset == 0 and matched:
            return matched[0].score
        best, _total = self.reader.in_articles(parsed, limit=1, best=0)
        return best[0].score if best else None

    def _scope_count(self, parsed, options: Options, hits, articles, total) -> int | None:
        """How many articles `--scope article` finds, after a sentence-scope query that
        found fewer than FEW_SENTENCES sentences, if that is more than it found them in."""
        if options.offset or not self.reader.scope_matters(parsed):
            return None
        if options.shape == "hits":
            complete = options.limit is None or len(hits) < options.limit
            if not complete or len(hits) >= FEW_SENTENCES:
                return None
            shown = {hit.path for hit in hits}
        elif options.shape == "articles":
            if sum(entry.hits for entry in articles) >= FEW_SENTENCES:
                return None
            if options.limit is not None and len(articles) >= options.limit:
                return None
            shown = {entry.path for entry in articles}
        else:
            if total is None or (options.shape == "count" and total >= FEW_SENTENCES):
                return None
            few = self.reader.find(parsed, limit=FEW_SENTENCES)
            if len(few) >= FEW_SENTENCES:
                return None
            shown = {hit.path for hit in few}
        try:
            count = self.reader.count_in_articles(parsed, not options.copies)
        except QueryError:  # too broad or too slow: nothing to offer
            return None
        return count if count > len(shown) else None

    def _ranked(self, parsed: ParsedQuery, options: Options) -> tuple[list[Hit], int | None]:
        """One page of hits, and with `options.total` how many sentences match in all."""
        ask = self.reader.page if options.total else self.reader.find
        found = ask(
            parsed,
            limit=options.limit,
            sort=options.sort,
            before=options.before,
            after=options.after,
            offset=options.offset,
            collapse=not options.copies,
        )
        if isinstance(found, list):
            return found, None
        return found.hits, found.total

    def _max_score(self, parsed: ParsedQuery, options: Options, hits: list) -> float | None:
        """The best score of all matches (relevance order only): the first hit's, or for a
        later page the first of a one-hit search."""
        if options.shape != "hits" or options.sort != "relevance":
            return None
        if options.offset == 0 and hits:
            return hits[0].score
        return self.reader.find(parsed, limit=1, collapse=False)[0].score

    def trend(
        self, queries: Sequence[str | Question], by: str = "month", options: Options = _ASKED
    ) -> Trend:
        """Attention over time (or by source) for each query: per bucket its matching
        articles, stories and sentences, every article of the bucket and the share
        (`search trend`). `options.match_any` parses the queries; `since`/`until` keep the
        buckets of those dates; undated matches are counted apart (`Trend.undated`)."""
        if by not in TREND_BY:
            raise InputError(
                "{by} {value!r} is not a bucket; use one of {buckets}",
                options=("by",),
                value=by,
                buckets=", ".join(TREND_BY),
            )
        parsed = [_compiled(query, options) for query in queries]
        if options.scope not in SCOPES:
            raise InputError(f"{options.scope!r} is not a scope; use one of {SCOPES}")
        # A query asked twice is one column: the rows are told apart by the query's text.
        first: dict[str, ParsedQuery] = {}
        for query in parsed:
            first.setdefault(query.text, query)
        parsed = list(first.values())
        return self.reader.trend(
            parsed,
            by,
            since=options.since,
            until=options.until,
            scope=options.scope,
            language=_one_language(parsed),
        )

    def words(
        self,
        query: str | Question,
        options: Options = _ASKED,
        limit: int = 20,
        score: str = "g2",
        sample: int | None = None,
    ) -> Significant:
        """The words, two-word phrases and names that distinguish the query's matching
        sentences from the whole archive, best first (`search words`); `score` is `g2`
        (log-likelihood), `jlh` (Elasticsearch's significant_text) or `chi2`; `sample`: how
        many matching sentences to read at most (default 2,000)."""
        if score not in SIGNIFICANCE:
            raise InputError(
                "{score} {value!r} is not a measure; use one of {measures}",
                options=("score",),
                value=score,
                measures=", ".join(SIGNIFICANCE),
            )
        parsed = _compiled(query, options)
        if options.scope not in SCOPES:
            raise InputError(f"{options.scope!r} is not a scope; use one of {SCOPES}")
        return self.reader.words(parsed, limit, score, sample, options.scope)

    def article(
        self,
        name: str,
        sentence: int | None = None,
        context: int = 0,
        query: str | Question | None = None,
        options: Options = _ASKED,
    ) -> ArticleText:
        """A whole article (by name, unique name prefix or path), or one sentence of it
        with `context` sentences on each side; with a `query` (asked with `options`), its
        words marked in every sentence and the sentences that match it (`hits`)."""
        parsed = None if query is None else _compiled(query, options)
        return self.reader.article(name, sentence, context, parsed, options.scope)

    def status(self):
        """What `search status` reports (see `SearchIndex.status`)."""
        return self.reader.status()

    def languages(self) -> list[str]:
        """The codes of the languages a `lang:` filter can choose: English and those the
        index's sentences are in, sorted (read from the index's terms: cheap)."""
        return sorted({"en", *(language.code for language in self.reader.languages_held())})


def _listed(match: ArticleMatch) -> ArticleHits:
    """An article-scope match as `-l` lists it."""
    return ArticleHits(
        match.article,
        match.path,
        match.name,
        match.date,
        match.hits,
        match.score,
        title=match.title,
        url=match.url,
        copies=match.copies,
        language=match.language,
    )
