"""The library's plain records: what a question on the index answers with.

No Whoosh and no I/O here: every front end (the command line, the web server, a program)
reads these, and `search.present` turns them into text or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A matched stretch of a sentence: [start, end) character offsets into its text.
Span = tuple[int, int]


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
    name: str
    sentence: int
    date: str | None
    text: str
    matches: list[Span] = field(default_factory=list)
    before: list[ContextSentence] = field(default_factory=list)
    after: list[ContextSentence] = field(default_factory=list)
    title: str | None = None  # the article's headline, if its format gives one
    url: str | None = None  # where the article was published, if its format says


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


@dataclass(frozen=True)
class ArticleText:
    """An indexed article's sentences; with `focus`, one sentence and its neighbours."""

    article: str
    path: str
    name: str
    date: str | None
    sentences: list[ContextSentence]
    focus: int | None = None
    title: str | None = None
    url: str | None = None


SHAPES = ("hits", "count", "articles")


@dataclass(frozen=True)
class Options:
    """How a query is asked: its filters, and what shape of answer is wanted.

    `shape` is "hits" (ranked sentences), "count" (only how many) or "articles" (one entry
    per article, `search query -l`). With `total`, a "hits" answer also counts every match
    (a page's "N sentences"), in the same search where it can.
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


@dataclass(frozen=True)
class Answer:
    """Everything a front end shows for one query, from one call (`Index.answer`).

    `hits` or `articles` as the shape asked; `total` every matching sentence (a "count"
    answer, or a "hits" answer asked with `total`; else None); `max_score` the best score
    when ranked by relevance and something matched; `undated_left_out` the matches a date
    filter left out because their article has no date; for a miss, `did_you_mean` (a
    corrected query that finds something) and `any_count` (what `--any` would find).
    """

    text: str
    hits: list[Hit] = field(default_factory=list)
    articles: list[ArticleHits] = field(default_factory=list)
    total: int | None = None
    max_score: float | None = None
    undated_left_out: int = 0
    did_you_mean: str | None = None
    any_count: int | None = None

    @property
    def found(self) -> bool:
        """Whether anything matched."""
        return bool(self.total or self.hits or self.articles)
