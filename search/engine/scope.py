"""`--scope article`: the query's words anywhere in one article, not all in one sentence.

A query is a tree of boolean operators over leaves (a word, a phrase, a prefix, a fuzzy
word, a `title:`, `date:` or `article:` term). At article scope each leaf still matches
sentences (a phrase keeps its words adjacent in one sentence), and the operators combine
*articles*: each leaf's matching sentences become the set of their articles (read from
its postings through a sentence -> article table), and `AND` intersects, `OR` unites and
`NOT` takes the complement among every article. No sentence-by-sentence matcher runs for
the boolean part, so a three-word query costs what reading its three postings costs.

The articles found are then scored by their sentences: each sentence of a found article
is scored by the query's wanted words as alternatives (BM25F, with the same headline and
acronym bonuses as a sentence search), an article's score is its best sentence's score plus
half the second's and a quarter of the third's, and those sentences are what a result
shows.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from whoosh import query as wq

from ..model import ArticleMatch, Copy, SentenceMatch
from .highlight import match_spans, word_test
from .ranking import Bonused
from .schema import ARTICLE, article_fields, sentence_fields

# Fields whose words score a sentence (filters such as `date:` and `article:` do not).
_SCORING_FIELDS = ("text", "words", "title")

# Fields that narrow a query rather than search words (lang:, date:, source:, article:, which
# is resolved into paths): the sentences they match hold no wanted word.
_FILTER_FIELDS = frozenset({"source", "language", "date", "article", "path", "kind"})

# How many of an article's best sentences score it and are shown with it.
BEST_SENTENCES = 3

Articles = set[int]


class Documents(Sequence[list[int]]):
    """Article number -> its document numbers, in order, kept as runs of consecutive
    numbers (the indexer adds an article's documents one after another, so an article is
    one run in a segment): article `n`'s runs are `starts[i]`, `lengths[i]` for `i` from
    `first[n]` to `first[n + 1]`. Three arrays, not a list per article: at 1,000,000
    sentences a list of every article's documents took 0.1 s to build in Python, and most
    questions ask for a few articles' documents, or none."""

    def __init__(self, first: array, starts: array, lengths: array) -> None:
        self.first, self.starts, self.lengths = first, starts, lengths

    def __len__(self) -> int:
        return len(self.first) - 1

    @overload
    def __getitem__(self, number: int) -> list[int]: ...
    @overload
    def __getitem__(self, number: slice) -> list[list[int]]: ...
    def __getitem__(self, number):
        if isinstance(number, slice):
            return [self[one] for one in range(len(self))[number]]
        if not 0 <= number < len(self):
            raise IndexError(number)
        found: list[int] = []
        starts, lengths = self.starts, self.lengths
        for run in range(self.first[number], self.first[number + 1]):
            found.extend(range(starts[run], starts[run] + lengths[run]))
        return found

    def owner_table(self, size: int) -> list[int] | None:
        """Document number -> article number (-1: none) for `size` documents, a slice per
        run; None if the runs do not fit (a run outside the documents, or runs that are
        not each one article's, in order). The checks and each run's article are `map`s
        and `repeat`s, loops in C: one Python step a run is left (50,000 at 1,000,000
        sentences, about 25 ms)."""
        first, starts, lengths = self.first, self.starts, self.lengths
        runs = len(starts)
        if not first or len(lengths) != runs or first[0] != 0 or first[-1] != runs:
            return None
        of = [-1] * size
        if not runs:
            return of
        counts = list(map(operator.sub, first[1:], first[:-1]))  # each article's runs
        if min(counts) < 0 or min(starts) < 0 or min(lengths) < 1:
            return None
        if max(map(operator.add, starts, lengths)) > size:
            return None
        numbers = itertools.chain.from_iterable(map(itertools.repeat, range(len(self)), counts))
        for number, start, length in zip(numbers, starts, lengths, strict=True):
            of[start : start + length] = [number] * length
        return of

    def held(self) -> set[int]:
        """The article numbers that have a document."""
        first = self.first
        return set(itertools.compress(range(len(self)), map(operator.lt, first, first[1:])))


@dataclass
class Owners:
    """Which article (a number, in path order) each document of a snapshot belongs to: the
    one document -> article table of a snapshot, which `columns.Columns` (`search trend`)
    reads its dates, sources and stories through."""

    of: list[int]  # document number -> article number; -1 for a deleted document
    documents: Documents  # article number -> its documents, in order
    paths: list[str]  # article number -> path

    @property
    def every(self) -> Articles:
        """Every article that has a live document."""
        return self.documents.held()

    def articles_of(self, documents) -> Articles:
        found = set(map(self.of.__getitem__, documents))
        found.discard(-1)
        return found


def read_owners(reader, check: Callable[[], None]) -> Owners:
    """The sentence -> article table of one snapshot, from the `path` terms of each segment
    (every document, the article records too, holds its article's path).

    The indexer adds an article's documents one after another, so in a segment they are
    one run of document numbers: a term whose postings span exactly as many numbers as it
    has documents (`min_id`, `max_id` and the document frequency, read with the term) is
    that run, and its postings are not read. Any other term's are (1.8 s for the 10,011
    articles of 200,000 sentences when every term's were read; 0.2 s this way)."""
    of = [-1] * reader.doc_count_all()
    paths: list[str] = []
    numbers: dict[str, int] = {}
    runs: list[tuple[int, int, int]] = []  # (article number, first document, length)
    for leaf, offset in reader.leaf_readers():
        deleted = deleted_documents(leaf)
        gone = sorted(deleted)
        for text, info in leaf.iter_field("path"):
            check()
            path = text.decode("utf-8") if isinstance(text, bytes) else text
            low, high = info.min_id(), info.max_id()
            held: Iterable[int]
            if high - low + 1 == info.doc_frequency():
                held = range(low, high + 1)
            else:
                held = leaf.postings("path", path).all_ids()
            if deleted and bisect_left(gone, high + 1) > bisect_left(gone, low):  # some gone
                held = [docnum for docnum in held if docnum not in deleted]
            number = numbers.setdefault(path, len(paths))
            if number == len(paths):
                paths.append(path)
            if isinstance(held, range):  # one slice, not a Python step per document
                of[offset + low : offset + high + 1] = [number] * len(held)
                runs.append((number, offset + low, len(held)))
            else:
                for docnum in held:
                    of[offset + docnum] = number
                runs.extend((number, start, length) for start, length in _runs(held, offset))
    return Owners(of, documents_of(runs, len(paths)), paths)


def deleted_documents(leaf) -> set[int] | frozenset[int]:
    """A segment reader's deleted document numbers, as one set: asking `is_deleted` of each
    posting goes through three method calls (4.5 million calls, a quarter of the columns'
    time, at 1M sentences after a re-index that replaced 1% of the files)."""
    if not leaf.has_deletions():
        return frozenset()
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    if segment is not None and hasattr(segment, "deleted_docs"):
        return set(segment.deleted_docs())
    return {docnum for docnum in range(leaf.doc_count_all()) if leaf.is_deleted(docnum)}


def _runs(documents: Iterable[int], offset: int) -> Iterator[tuple[int, int]]:
    """(first, length) of each run of consecutive numbers of sorted `documents`, offset."""
    start = length = 0
    for docnum in documents:
        if length and docnum == start + length:
            length += 1
            continue
        if length:
            yield offset + start, length
        start, length = docnum, 1
    if length:
        yield offset + start, length


def documents_of(runs: list[tuple[int, int, int]], count: int) -> Documents:
    """The `Documents` of `count` articles from (article number, first, length) runs."""
    if any(a[0] > b[0] for a, b in itertools.pairwise(runs)):  # an article in two segments
        runs = sorted(runs)
    first = array("i", bytes(4 * (count + 1)))
    for number, _start, _length in runs:
        first[number + 1] += 1
    for number in range(count):
        first[number + 1] += first[number]
    starts = array("i", (start for _number, start, _length in runs))
    lengths = array("i", (length for _number, _start, length in runs))
    return Documents(first, starts, lengths)


def is_filter(node) -> bool:
    """Whether a leaf of a query only narrows it (`lang:de`, `date:2025`, an article's paths):
    its documents are every sentence (and record) of the articles it keeps."""
    return {leaf.field() for leaf in node.leaves()} <= _FILTER_FIELDS


def matching_articles(node, leaf: Callable[[object], Articles], every: Articles) -> Articles:
    """The articles `node` matches at article scope; `leaf(query)` gives the articles
    that hold a sentence matching one leaf of it."""
    if node is wq.NullQuery:
        return set()
    if isinstance(node, wq.Every) and not node.fieldname:  # `language`'s (lang:en) is a leaf
        return set(every)
    if isinstance(node, wq.Not):
        return every - matching_articles(node.query, leaf, every)
    if isinstance(node, wq.AndMaybe):  # Bonused too: the bonus only ranks
        return matching_articles(node.a, leaf, every)
    if isinstance(node, wq.AndNot):
        kept = matching_articles(node.a, leaf, every)
        return kept - matching_articles(node.b, leaf, every) if kept else kept
    if isinstance(node, wq.Require):
        return _all_of([node.a, node.b], leaf, every)
    if isinstance(node, wq.Sequence | wq.Ordered):  # positional: within one sentence
        return leaf(node)
    if isinstance(node, wq.And):
        return _all_of(node.subqueries, leaf, every)
    if isinstance(node, wq.Or | wq.DisjunctionMax):
        found: Articles = set()
        for child in node.subqueries:
            found |= matching_articles(child, leaf, every)
        return found
    if isinstance(node, wq.WrappingQuery):
        return matching_articles(node.child, leaf, every)
    return leaf(node)


def _all_of(children, leaf, every: Articles) -> Articles:
    """The articles every child matches: the wanted ones intersected, the excluded ones
    (`NOT x`) subtracted, with no complement built."""
    wanted = [child for child in children if not isinstance(child, wq.Not)]
    excluded = [child.query for child in children if isinstance(child, wq.Not)]
    found: Articles | None = None
    for child in wanted:
        articles = matching_articles(child, leaf, every)
        found = articles if found is None else found & articles
    if found is None:
        found = set(every)
    for child in excluded:
        found -= matching_articles(child, leaf, every)
    return found


def wanted_words(node):
    """The query that scores a found article's sentences: its wanted leaves as
    alternatives (what `NOT` excludes dropped), bonuses kept; None if nothing is wanted."""
    if node is wq.NullQuery or isinstance(node, wq.Not | wq.Every):
        return None
    if isinstance(node, Bonused):
        core = wanted_words(node.a)
        return None if core is None else Bonused(core, node.b)
    if isinstance(node, wq.AndMaybe | wq.AndNot):
        return wanted_words(node.a)
    if isinstance(node, wq.Sequence | wq.Ordered):
        return node
    if isinstance(node, wq.Require):
        return _any_of([node.a, node.b])
    if isinstance(node, wq.And | wq.Or | wq.DisjunctionMax):
        return _any_of(node.subqueries)
    if isinstance(node, wq.WrappingQuery):
        return wanted_words(node.child)
    return node if getattr(node, "fieldname", None) in _SCORING_FIELDS else None


def _any_of(children):
    found = [query for query in map(wanted_words, children) if query is not None]
    if not found:
        return None
    return found[0] if len(found) == 1 else wq.Or(found)


def scope_matters(node) -> bool:
    """Whether article scope can find articles that sentence scope does not: the query
    joins two things with AND (or excludes one with NOT)."""
    if isinstance(node, wq.Sequence | wq.Ordered):
        return False
    if isinstance(node, wq.And | wq.Require | wq.AndNot | wq.Not):
        return True
    if isinstance(node, wq.AndMaybe):
        return scope_matters(node.a)
    if isinstance(node, wq.CompoundQuery):
        return any(scope_matters(child) for child in node.subqueries)
    if isinstance(node, wq.WrappingQuery):
        return scope_matters(node.child)
    return False


def article_page(
    index,
    query,
    found: Articles,
    touched: set[int],
    limit: int | None,
    sort: str,
    offset: int,
    best: int,
    story_of: Callable[[int], str] | None = None,
) -> list[ArticleMatch]:
    """The found articles of an expanded query, ranked in `sort` order (relevance: the sum
    of an article's best sentences' scores; date: newest first, undated last; article: by
    path), the page from `offset`, each with its `best` sentences read and highlighted.
    `touched`: the documents the query's leaves matched; only those of found articles are
    scored (a sentence without a wanted word scores nothing). With `story_of` (article
    number -> story id), a story shows once: its first article in that order, naming the
    other found articles of the story as its copies."""
    owners: Owners = index.owners()
    scoring = wanted_words(query)
    of = owners.of
    documents = {docnum for docnum in touched if of[docnum] in found}
    scores = index._scores_of(scoring, documents) if scoring is not None and documents else {}
    scored: dict[int, list[tuple[float, int]]] = {number: [] for number in found}
    for docnum, score in scores.items():
        scored[owners.of[docnum]].append((-score, docnum))
    for ranked_sentences in scored.values():
        ranked_sentences.sort()
    reader = index._searcher.reader()
    first: dict[int, dict] = {}
    if sort == "date":  # every found article's date; else only the page's are read
        first = {number: _first_sentence(reader, owners, number, scored) for number in found}
    ranked = sorted(found, key=_ranking(sort, owners, scored, first))
    copies = _stories_once(ranked, story_of)
    ranked = list(copies)
    end = None if limit is None else offset + limit
    accepts = word_test(query)
    page = []
    for rank, number in enumerate(ranked[offset:end], start=offset + 1):
        index._check_deadline()
        fields = first.get(number) or _first_sentence(reader, owners, number, scored)
        chosen = [sentence_fields(reader.stored_fields(d)) for _s, d in scored[number][:best]]
        sentences = [
            SentenceMatch(
                f["sentence"],
                f["text"],
                match_spans(f["text"], accepts, f.get("language") or "en"),
            )
            for f in chosen
        ]
        page.append(
            ArticleMatch(
                rank=rank,
                score=round(_article_score(scored[number]), 4),
                article=fields["article"],
                path=fields["path"],
                name=index.name_of(fields["path"]),
                date=fields.get("date"),
                hits=len(scored[number]),
                text=sentences[0].text if sentences else "",
                sentences=sentences,
                title=fields.get("title"),
                url=fields.get("url"),
                copies=[
                    Copy(index.name_of(path), path)
                    for path in sorted(owners.paths[other] for other in copies[number])
                ],
                language=fields.get("language") or "en",
            )
        )
    return page


def _stories_once(ranked: list[int], story_of: Callable[[int], str] | None) -> dict[int, list[int]]:
    """The ranked articles that stand for their story (the first of each, in order), each
    with the other ranked articles of its story; without `story_of`, every article alone."""
    if story_of is None:
        return {number: [] for number in ranked}
    first: dict[str, int] = {}
    shown: dict[int, list[int]] = {}
    for number in ranked:
        story = story_of(number)
        if story in first:
            shown[first[story]].append(number)
        else:
            first[story] = number
            shown[number] = []
    return shown


def _article_score(sentences: list[tuple[float, int]]) -> float:
    """An article's score from its best sentences' (stored negated, to sort), best first,
    halved at each step: the best counts whole, the second half, the third a quarter. So
    an article whose words meet in one sentence ranks above one that spreads them over two
    (4.4 against 3.0 + 2.4 / 2 in the tests' corpus), and more sentences on the subject
    still add."""
    return -sum(
        negated / 2**step for step, (negated, _docnum) in enumerate(sentences[:BEST_SENTENCES])
    )


def _first_sentence(reader, owners: Owners, number: int, scored) -> dict:
    """The stored fields of one sentence of an article (its best, else its first): where
    its headline, date and source are read."""
    if scored[number]:
        return sentence_fields(reader.stored_fields(scored[number][0][1]))
    records = [reader.stored_fields(docnum) for docnum in owners.documents[number]]
    sentences = [fields for fields in records if fields.get("kind") != ARTICLE]
    return sentence_fields(sentences[0]) if sentences else article_fields(records[0])


def _ranking(sort: str, owners: Owners, scored, first):
    if sort == "relevance":
        return lambda number: (-_article_score(scored[number]), owners.paths[number])
    if sort == "date":
        return lambda number: (-_date_number(first[number].get("date")), owners.paths[number])
    return lambda number: owners.paths[number]


def _date_number(date: str | None) -> int:
    return int(date.replace("-", "")) if date else 0
