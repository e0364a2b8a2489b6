"""The library's plain records: what a question on the index answers with.

No Whoosh and no I/O here: every front end (the command line, the web server, a program)
reads these, and `search.present` turns them into text or JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# A matched stretch of a sentence: [start, end) character offsets into its text.
Span = tuple[int, int]


@dataclass(frozen=True)
class ContextSentence:
    """One sentence of an article as `search show` prints it: its number and text."""

    sentence: int
    text: str


@dataclass(frozen=True)
class Copy:
    """Another place with the same sentence (for a hit) or the same story (for an article);
    `sentence` is None for an article."""

    name: str
    path: str
    sentence: int | None = None


@dataclass
class Hit:
    """One matching sentence, with where it came from."""

    rank: int
    score: float
    article: str
    path: str
    name: str
    sentence: int
    date: str | None
    text: str
    matches: list[Span] = field(default_factory=list)
    before: list[ContextSentence] = field(default_factory=list)
    after: list[ContextSentence] = field(default_factory=list)
    title: str | None = None  # the article's headline, if its format gives one
    url: str | None = None  # where the article was published, if its format says
    copies: list[Copy] = field(default_factory=list)  # the same sentence elsewhere
    language: str = "en"  # the article's language (ISO 639-1)


@dataclass(frozen=True)
class Page:
    """One page of hits, and how many sentences match in all."""

    hits: list[Hit]
    total: int


@dataclass(frozen=True)
class ArticleHits:
    """An article with at least one matching sentence."""

    article: str
    path: str
    name: str
    date: str | None
    hits: int
    score: float
    title: str | None = None
    url: str | None = None
    copies: list[Copy] = field(default_factory=list)  # the other matching articles of its story
    language: str = "en"


@dataclass(frozen=True)
class SentenceMatch:
    """One of an article's best sentences for a query, with its matched words."""

    sentence: int
    text: str
    matches: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleMatch:
    """An article that matches a query at article scope (`--scope article`): its words may
    be anywhere in it. `sentences` are its best sentences for the query (best first; up to
    3), `text` the best one's text, `hits` how many of its sentences hold a wanted word."""

    rank: int
    score: float
    article: str
    path: str
    name: str
    date: str | None
    hits: int
    text: str
    sentences: list[SentenceMatch]
    title: str | None = None
    url: str | None = None
    copies: list[Copy] = field(default_factory=list)  # the other found articles of its story
    language: str = "en"  # ISO 639-1, as a sentence's


@dataclass(frozen=True)
class ArticleText:
    """An indexed article's sentences; with `focus`, one sentence and its neighbours.

    `paragraphs` gives each sentence's paragraph in its file (sentence -> paragraph, 1-based).
    Read with a query: `matches` the query's words in each sentence (sentence -> spans) and
    `hits` the sentences that match it, in order.
    """

    article: str
    path: str
    name: str
    date: str | None
    sentences: list[ContextSentence]
    focus: int | None = None
    title: str | None = None
    url: str | None = None
    copies: list[Copy] = field(default_factory=list)  # the other articles of its story
    paragraphs: dict[int, int] = field(default_factory=dict)
    matches: dict[int, list[Span]] = field(default_factory=dict)
    hits: list[int] = field(default_factory=list)
    language: str = "en"

    def in_paragraphs(self) -> list[list[ContextSentence]]:
        """The sentences grouped by paragraph, in order (one paragraph each if unknown)."""
        grouped: list[list[ContextSentence]] = []
        last = None
        for sentence in self.sentences:
            paragraph = self.paragraphs.get(sentence.sentence)
            if not grouped or paragraph is None or paragraph != last:
                grouped.append([])
            grouped[-1].append(sentence)
            last = paragraph
        return grouped


SHAPES = ("hits", "count", "articles", "article_count")
SCOPES = ("sentence", "article")
SORTS = ("relevance", "date", "article")


@dataclass(frozen=True)
class Options:
    """How a query is asked: its filters, and what shape of answer is wanted.

    `shape` is "hits" (ranked sentences), "count" (only how many), "articles" (one entry
    per article, `search query -l`, in `sort` order) or "article_count" (how many entries
    "articles" would list with no limit, `-l -c`). With `total`, a "hits" answer also counts
    every match (a page's "N sentences"), in the same search where it can.

    `scope` is "sentence" (every word in one sentence) or "article" (anywhere in one
    article: the hits are `ArticleMatch`es, the counts count articles).
    Copies collapse unless `copies`: a sentence found in several places is one hit (its
    `copies` name the others), a story filed several times one article (`-l`), and counts
    count what is shown.
    """

    match_any: bool = False
    since: str | None = None
    until: str | None = None
    include_undated: bool = False
    limit: int | None = 10
    offset: int = 0
    sort: str = "relevance"
    before: int = 0
    after: int = 0
    shape: str = "hits"
    total: bool = False
    scope: str = "sentence"
    copies: bool = False
    language: str | None = None  # only articles in this language (ISO 639-1)


@dataclass(frozen=True)
class Answer:
    """Everything a front end shows for one query, from one call (`Index.answer`).

    `hits` or `articles` as the shape asked; `total` every matching sentence (a "count"
    answer, or a "hits" answer asked with `total`; else None), or every listed article (an
    "article_count" answer); `max_score` the best score
    when ranked by relevance and something matched; `undated_left_out` the matches a date
    filter left out because their article has no date; for a miss, `did_you_mean` (a
    corrected query that finds something) and `any_count` (what `--any` would find).
    At article scope, `in_articles` holds the hits. `scope_count`: after a sentence-scope
    query that found fewer than 3 sentences, how many articles `--scope article` finds,
    when that is more than the articles those sentences are in (else None).
    """

    text: str
    hits: list[Hit] = field(default_factory=list)
    articles: list[ArticleHits] = field(default_factory=list)
    total: int | None = None
    max_score: float | None = None
    undated_left_out: int = 0
    did_you_mean: str | None = None
    any_count: int | None = None
    in_articles: list[ArticleMatch] = field(default_factory=list)
    scope_count: int | None = None

    @property
    def found(self) -> bool:
        """Whether anything matched."""
        return bool(self.total or self.hits or self.articles or self.in_articles)


TREND_BY = ("day", "week", "month", "year", "source")


@dataclass(frozen=True)
class TrendBucket:
    """One query's count in one bucket (a day, ISO week, month, year, or a source).

    `articles` matching articles, `stories` the same with copies of one story counted once,
    `sentences` matching sentences, `all_articles` every indexed article in the bucket, and
    `share` = articles / all_articles (0 when the bucket has no article). `start` is a
    calendar bucket's first day (None for a source)."""

    query: str
    bucket: str
    articles: int
    stories: int
    sentences: int
    all_articles: int
    share: float
    start: dt.date | None = None


@dataclass(frozen=True)
class Undated:
    """A query's matches in articles without a date, which no calendar bucket holds."""

    query: str
    articles: int
    sentences: int


@dataclass(frozen=True)
class Trend:
    """`Index.trend`'s answer: the rows, query by query in the order asked, bucket by
    bucket; the undated matches of each query counted apart."""

    by: str
    queries: list[str]
    buckets: list[TrendBucket]
    undated: list[Undated] = field(default_factory=list)
    dated_only: bool = False  # a date range was asked: undated matches are outside it

    @property
    def found(self) -> bool:
        """Whether any query matched anything (dated or not; only dated in a date range)."""
        return any(row.sentences for row in self.buckets) or (
            not self.dated_only and any(entry.sentences for entry in self.undated)
        )


@dataclass(frozen=True)
class SourceCount:
    """One source of the index (`search status`): its articles, the first and last date
    among them (None if none is dated), and how many have no date."""

    source: str
    articles: int
    first: str | None
    last: str | None
    undated: int


SIGNIFICANCE = ("jlh", "g2", "chi2")


@dataclass(frozen=True)
class SignificantTerm:
    """A word, two-word phrase or name that sets the matches apart: its significance score,
    in how many matching sentences it appears (scaled from the sample when sampled), and in
    how many sentences of the whole archive."""

    term: str
    score: float
    matches: int
    archive: int


@dataclass(frozen=True)
class Significant:
    """`Index.words`'s answer: the distinctive words, phrases and names of a query's
    matches. `matches` sentences matched; `sample` of them were read (`sampled` when that is
    fewer); `archive` sentences in the index; `score` the measure used."""

    matches: int
    sample: int
    sampled: bool
    archive: int
    score: str
    words: list[SignificantTerm] = field(default_factory=list)
    phrases: list[SignificantTerm] = field(default_factory=list)
    names: list[SignificantTerm] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.matches > 0
