"""Phrases answered from pairs of neighbouring words (issue 26): the `pairs` field, and the
phrase query that reads it.

Whoosh answers a phrase by intersecting its words' postings and then reading, in Python, the
positions of every word in every sentence that holds them all: `"the peace talks"` decoded
the positions of "the" in every sentence that also had "peace" and "talks" (315 ms at
200,000 sentences). The `pairs` field holds each sentence's neighbouring terms of `text`
as one term, "the peace", "peace talk": every term at a position with every term at the
next, so that the alternatives the newsroom rules put at one position (an acronym and its
`^` form, a compound's joined form at its first and last part, German forms, another
language's prefixed lemmas) pair as their positions do. Two terms are side by side in a
sentence exactly when the sentence holds their pair.

A phrase of the `text` field whose words must be side by side (slop 1, the quoted phrase)
is a `PairPhrase`: it matches the sentences holding its words and every neighbouring pair
of them; a phrase of two words needs nothing more, a longer one still has the positions of
its words read, in those sentences only (holding "the peace" and "peace talk" is not yet
holding "the peace talk" in that order). It scores as Whoosh's phrase does, by its words
(the pairs are matched, never scored), so results and their order are what positions
gave. A phrase with slop (`"a b"~3`) and a headline's phrase (`title:"..."`) are read by
positions, as before.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.analysis import Analyzer, Token
from whoosh.fields import FieldType
from whoosh.formats import Existence
from whoosh.matching import IntersectionMatcher, Matcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.util import make_binary_tree

PAIRS = "pairs"
# What joins a pair's two terms: no term of `text` holds a space (every analyzer splits on it).
SEPARATOR = " "
# The field whose phrases the pairs answer.
PAIRED_FIELD = "text"


def pair(first: str, second: str) -> str:
    """The `pairs` term of two neighbouring terms."""
    return f"{first}{SEPARATOR}{second}"


def pairs_of(positions: dict[str, list[int]]) -> set[str]:
    """Every pair of terms at neighbouring positions, given each term's positions."""
    at: dict[int, list[str]] = {}
    for term, places in positions.items():
        for place in places:
            found = at.get(place)
            if found is None:
                at[place] = [term]
            else:
                found.append(term)
    found_pairs = set()
    for place, firsts in at.items():
        seconds = at.get(place + 1)
        if seconds is None:
            continue
        if len(firsts) == 1 and len(seconds) == 1:  # the common case: one term at each
            found_pairs.add(f"{firsts[0]}{SEPARATOR}{seconds[0]}")
            continue
        found_pairs.update(pair(first, second) for first in firsts for second in seconds)
    return found_pairs


class PairAnalyzer(Analyzer):
    """The `pairs` field's analyzer: the pairs of the terms that `words` (the `text` field's
    analyzer) gives a value."""

    def __init__(self, words) -> None:
        self.words = words

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.words == self.words

    def pairs(self, value: str) -> set[str]:
        read = getattr(self.words, "term_positions", None)
        positions = read(value) if read is not None else None
        if positions is None:  # another language's text: its tokens
            positions = {}
            for token in self.words(value, positions=True, mode="index"):
                positions.setdefault(token.text, []).append(token.pos)
        return pairs_of(positions)

    def __call__(self, value, **kwargs):
        for text in sorted(self.pairs(value)):
            token = Token(**kwargs)
            token.text = text
            token.boost = 1.0
            token.stopped = False
            yield token


class PairPostings(Existence):
    """The `pairs` field's postings: which sentences hold a pair (no positions, no weights)."""

    def word_values(self, value, analyzer, **kwargs):
        read = getattr(analyzer, "pairs", None)
        if read is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for text in read(value):
            yield text, 1, boost, b""


class PairField(FieldType):
    """An indexed, unstored, unscored field of pairs of `text`'s terms."""

    def __init__(self, words) -> None:
        super().__init__(PairPostings(), PairAnalyzer(words), scorable=False, stored=False)


class PairPhrase(wq.Phrase):
    """A phrase of `text` read from the `pairs` field where its words must be side by side;
    by positions otherwise (see the module's docstring)."""

    written: tuple[str, ...] | None = None

    def matcher(self, searcher, context=None):
        words = list(self.words)
        if (
            self.slop != 1
            or self.fieldname != PAIRED_FIELD
            or PAIRS not in searcher.schema
            or len(words) < 2
            or any(SEPARATOR in word for word in words)
        ):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        pairs_field = searcher.schema[PAIRS]
        needed = sorted({pair(first, second) for first, second in zip(words, words[1:])})
        held = [pairs_field.to_bytes(text) for text in needed]
        if any((PAIRS, text) not in reader for text in held):
            return NullMatcher()
        if any((self.fieldname, field.to_bytes(word)) not in reader for word in words):
            return NullMatcher()
        paired = make_binary_tree(IntersectionMatcher, [reader.postings(PAIRS, t) for t in held])
        scored = context is None or context.weighting is not None
        if len(words) == 2 and not scored:
            return paired  # holding the pair is holding the phrase
        terms = [wq.Term(self.fieldname, word).matcher(searcher, context) for word in words]
        found = PairMatcher(paired, terms, field.format.field_boost == 1.0)
        if self.boost != 1.0:
            return WrappingMatcher(found, boost=self.boost)
        return found


class PairMatcher(Matcher):
    """The sentences holding every neighbouring pair of a phrase's words (`paired`, their
    postings' intersection) and the words in a row there, scored by the words' matchers
    (`terms`) as Whoosh scores a phrase.

    A sentence holding the pairs holds every word, so each word's matcher is only moved to
    it. Two words in a pair are in a row; for more, the pairs chain when each inner word
    occurs once in the sentence (its pairs meet at its one position), which its weight
    tells when the field's boost is 1 (`unit`); otherwise the words' positions are read, as
    Whoosh's phrase reads them.
    """

    def __init__(self, paired, terms: list, unit: bool) -> None:
        self.paired = paired
        self.terms = terms
        self.unit = unit
        # What Whoosh's own check of positions reads (`SpanNear2Matcher._get_spans`).
        self.ms, self.slop, self.ordered, self.mindist = terms, 1, True, 1
        self._settle()

    def _settle(self) -> None:
        """Move to the first sentence at or after the pairs' current one that has the phrase."""
        paired = self.paired
        while paired.is_active():
            docnum = paired.id()
            if self._in_row(docnum):
                return
            paired.next()

    def _in_row(self, docnum: int) -> bool:
        for term in self.terms:
            term.skip_to(docnum)
            if not term.is_active() or term.id() != docnum:
                return False  # a pair without its word: trust the words, as positions do
        inner = self.terms[1:-1]
        if not inner or (self.unit and all(term.weight() == 1.0 for term in inner)):
            return True
        return bool(SpanNear2.SpanNear2Matcher._get_spans(self))

    def is_active(self) -> bool:
        return self.paired.is_active()

    def id(self) -> int:
        return self.paired.id()

    def next(self) -> None:
        self.paired.next()
        self._settle()

    def skip_to(self, id) -> None:
        self.paired.skip_to(id)
        self._settle()

    def reset(self) -> None:
        self.paired.reset()
        for term in self.terms:
            term.reset()
        self._settle()

    def copy(self) -> PairMatcher:
        return PairMatcher(self.paired.copy(), [term.copy() for term in self.terms], self.unit)

    def children(self) -> list:
        return [self.paired, *self.terms]

    def supports(self, astype) -> bool:
        return False

    def spans(self) -> list:
        return SpanNear2.SpanNear2Matcher._get_spans(self)

    def max_quality(self) -> float:
        """The best score any sentence could have: the words' best, as Whoosh's phrase says."""
        return _tree_sum([term.max_quality() if term.is_active() else 0.0 for term in self.terms])

    def weight(self) -> float:
        return _tree_sum([term.weight() for term in self.terms])

    def score(self) -> float:
        return _tree_sum([term.score() for term in self.terms])


def _tree_sum(values: list[float]) -> float:
    """The sum of `values` in the order Whoosh's phrase adds its words' scores (a binary
    tree of intersections: `make_binary_tree`), so that a phrase scores to the last bit as
    before."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def paired(query):
    """`query` with each phrase of `text` read from pairs (`PairPhrase`)."""

    def visit(node):
        if isinstance(node, wq.Phrase) and not isinstance(node, PairPhrase):
            if node.fieldname == PAIRED_FIELD and node.slop == 1:
                found = PairPhrase(
                    node.fieldname, list(node.words), node.slop, node.boost, node.char_ranges
                )
                found.written = getattr(node, "written", None)
                return found
        return node

    return query.accept(visit)
