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
is a `PairPhrase` (`paired` makes them, where the search resolves a query): it matches the
sentences holding every neighbouring pair of its words (`PairMatcher`). Two words are then in
a row; for more, the pairs chain where each inner word occurs once in the sentence, and the
positions are read only where one occurs more often ("the peace" and "peace talk" in one
sentence are not yet "the peace talk"). It scores as Whoosh's phrase does, by its words (the
pairs are matched, never scored), so results and their order are what positions gave; in a
search for the best N, a sentence that cannot reach them is passed over before its common
words ("the") are read. A headline's phrase (`title:"..."`) is read by positions, as before.

A phrase of `text` with slop (`"peace talks"~3`, the words within 3 positions, in order) is
a `NearPhrase`: the same matcher over the sentences holding every word (their postings'
intersection, `Together`), where the positions are read only for a sentence whose score,
known from the words' weights alone, can still make the best N; Whoosh reads the positions
of every sentence holding the words, then scores those that hold the phrase. The results
and scores are the same.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from whoosh import query as wq
from whoosh.analysis import Analyzer, Token
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import FieldType
from whoosh.formats import Existence
from whoosh.matching import Matcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.scoring import WeightLengthScorer

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

    def index(self, value, **kwargs):
        """The postings of a text's pairs, as one list (as `schema.WordField`)."""
        if kwargs or not isinstance(value, str):
            return super().index(value, **kwargs)
        boost = self.format.field_boost
        return [(text.encode("utf-8"), 1, boost, b"") for text in self.analyzer.pairs(value)]


def _unpaired(phrase: wq.Phrase, searcher, words: list) -> bool:
    """Whether `phrase` must be read by Whoosh's own positions: not of `text`, an index
    without pairs (written before them), one word, or a word holding the separator."""
    return (
        phrase.fieldname != PAIRED_FIELD
        or PAIRS not in searcher.schema
        or len(words) < 2
        or any(SEPARATOR in word for word in words)
    )


class NearPhrase(wq.Phrase):
    """A phrase of `text` with slop (`"a b"~3`): its words' intersection, the positions read
    only where a sentence's score can still make the best N (see the module's docstring)."""

    written: tuple[str, ...] | None = None

    def matcher(self, searcher, context=None):
        words = list(self.words)
        if self.slop <= 1 or _unpaired(self, searcher, words):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        if any((self.fieldname, field.to_bytes(word)) not in reader for word in words):
            return NullMatcher()
        terms = [wq.Term(self.fieldname, word).matcher(searcher, context) for word in words]
        frequency = [reader.doc_frequency(self.fieldname, word) for word in words]
        # The rarest word leads the intersection; each word's own matcher is moved along.
        first = dict(zip(words, terms, strict=True))  # one matcher of each different word
        rarest = sorted(first, key=lambda word: reader.doc_frequency(self.fieldname, word))
        leads = [first[word] for word in rarest]
        fewest = min(frequency)
        common = [count > COMMON_RATIO * fewest for count in frequency]
        heaviest = [reader.term_info(self.fieldname, word).max_weight() for word in words]
        scored = context is None or context.weighting is not None
        found = PairMatcher(Together(leads), terms, False, common, scored, heaviest, slop=self.slop)
        if self.boost != 1.0:
            return WrappingMatcher(found, boost=self.boost)
        return found


class PairPhrase(wq.Phrase):
    """A phrase of `text` read from the `pairs` field where its words must be side by side;
    by positions otherwise (see the module's docstring)."""

    written: tuple[str, ...] | None = None

    def matcher(self, searcher, context=None):
        words = list(self.words)
        if self.slop != 1 or _unpaired(self, searcher, words):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        pairs_field = searcher.schema[PAIRS]
        needed = sorted(
            {pair(first, second) for first, second in zip(words, words[1:], strict=False)}
        )
        held = [pairs_field.to_bytes(text) for text in needed]
        if any((PAIRS, text) not in reader for text in held):
            return NullMatcher()
        if any((self.fieldname, field.to_bytes(word)) not in reader for word in words):
            return NullMatcher()
        held.sort(key=lambda text: reader.doc_frequency(PAIRS, text))
        paired = Together([reader.postings(PAIRS, text) for text in held])
        scored = context is None or context.weighting is not None
        if len(words) == 2 and not scored:
            return paired  # holding the pair is holding the phrase
        terms = [wq.Term(self.fieldname, word).matcher(searcher, context) for word in words]
        fewest = min(reader.doc_frequency(PAIRS, text) for text in held)
        common = [
            reader.doc_frequency(self.fieldname, word) > COMMON_RATIO * fewest for word in words
        ]
        heaviest = [reader.term_info(self.fieldname, word).max_weight() for word in words]
        unit = field.format.field_boost == 1.0
        found = PairMatcher(paired, terms, unit, common, scored, heaviest)
        if self.boost != 1.0:
            return WrappingMatcher(found, boost=self.boost)
        return found


# A word held by this many times more sentences than the phrase's rarest pair is common
# ("the" in "the peace talks": 196,720 sentences of 210,011 against 5,652): reading where
# it is costs a block of its postings for nearly every match.
COMMON_RATIO = 4
# How far below the best score still missing a sentence must stay to be passed over: the
# scores' sums are rounded, and a sentence that might tie is read.
_MARGIN = 1e-9


class PairMatcher(Matcher):
    """The sentences holding every neighbouring pair of a phrase's words (`paired`, their
    postings' intersection) and the words in a row there, scored by the words' matchers
    (`terms`) as Whoosh scores a phrase.

    A sentence holding the pairs holds every word, so each word's matcher is only moved to
    it. Two words in a pair are in a row; for more, the pairs chain when each inner word
    occurs once in the sentence (its pairs meet at its one position), which its weight
    tells when the field's boost is 1 (`unit`); otherwise the words' positions are read, as
    Whoosh's phrase reads them.

    In a search for the best N, once the collector says what score a sentence must beat
    (`replace`), the `common` words are read last: a sentence whose other words' scores
    plus the common words' best possible scores cannot beat it is passed over without
    reading where the common words are (Whoosh's own block skipping does the same for a
    word). A search that counts every match never says, and reads every match.
    """

    def __init__(
        self,
        paired,
        terms: list,
        unit: bool,
        common: list[bool],
        scored: bool = True,
        heaviest: list[float] | None = None,
        slop: int = 1,
    ) -> None:
        self.paired = paired
        self.terms = terms
        self.unit = unit
        self.common = common
        self.scored = scored
        # The words read first, and those read only where a sentence could still make the
        # N best; a search that only counts reads the inner words alone (the pairs prove
        # the first and the last are there).
        self.rare = [term for term, is_common in zip(terms, common, strict=True) if not is_common]
        self.later = [term for term, is_common in zip(terms, common, strict=True) if is_common]
        if not scored:
            self.rare, self.later = terms[1:-1], []
        # What a sentence's score must beat to be read, and the first sentence from a given
        # one that a score up to a ceiling could make beat it (see `require`); None: every
        # match is read.
        self.needed: Callable[[int], float] | None = None
        self.reachable: Callable[[int, float], int | None] | None = None
        self._done = False
        # What Whoosh's own check of positions reads (`SpanNear2Matcher._get_spans`).
        self.ms, self.slop, self.ordered, self.mindist = terms, slop, True, 1
        self.scorers = _length_scorers(terms)
        self._length: tuple[int, float] = (-1, 0.0)
        # Each word's greatest weight in the segment (None: unknown; `_best` then takes
        # its scorer's best of all, at the shortest sentence).
        self.heaviest = heaviest
        # The best score any of its sentences can have (each word's best in the segment).
        self._ceiling = self._best(-1, terms)
        self._settle()

    def _settle(self) -> None:
        """Move to the first sentence at or after the pairs' current one that has the phrase
        (and, once the collector said so, that could beat `minquality`)."""
        paired = self.paired
        while paired.is_active():
            docnum = paired.id()
            if self.reachable is not None:
                target = self.reachable(docnum, self._ceiling)
                if target is None:
                    self._done = True  # no sentence left can reach the N best
                    return
                if target > docnum:
                    paired.skip_to(target)
                    continue
            if self._holds(docnum):
                return
            paired.next()

    def _holds(self, docnum: int) -> bool:
        needed = None if self.needed is None else self.needed(docnum)
        if needed is not None and self._ceiling < needed:
            return False  # no word can score enough here: none is read
        if not _all_at(self.rare, docnum):
            return False  # a pair without its word: trust the words, as positions do
        if needed is not None and self.later and self._best(docnum, self.later) < needed:
            return False
        if not _all_at(self.later, docnum):
            return False
        inner = self.terms[1:-1]
        if self.slop == 1 and (
            not inner or (self.unit and all(term.weight() == 1.0 for term in inner))
        ):
            return True
        if not _all_at(self.terms, docnum):
            return False
        if needed is not None and self._best(docnum, []) < needed:
            return False  # its score, from the words' weights: no positions read
        return bool(SpanNear2.SpanNear2Matcher._get_spans(self))

    def _best(self, docnum: int, unread: list) -> float:
        """The best score `docnum` could have, with the words of `unread` at their best
        (their greatest weight at this sentence's length, BM25F growing with the one and
        falling with the other) and the others' scores read (rounding up: the scores' sums
        are rounded). With `docnum` -1, every word at its best anywhere."""
        unread_ids = {id(term) for term in unread}  # matchers compare equal by class
        scores = [
            self._best_of(index, docnum)
            if id(term) in unread_ids
            else self._score_of(index, docnum)
            for index, term in enumerate(self.terms)
        ]
        return _tree_sum(scores) * (1 + _MARGIN) + _MARGIN

    def _best_of(self, index: int, docnum: int) -> float:
        """The best score word `index` could have in `docnum`, not reading where it is."""
        if docnum < 0 or self.scorers is None or self.heaviest is None:
            return self.terms[index].max_quality()
        if self._length[0] != docnum:
            self._length = (docnum, self.scorers[0].dfl(docnum))
        return self.scorers[index]._score(self.heaviest[index], self._length[1])

    def _score_of(self, index: int, docnum: int) -> float:
        """One word's score in `docnum` (its matcher there)."""
        if self.scorers is None:
            return self.terms[index].score()
        if self._length[0] != docnum:
            self._length = (docnum, self.scorers[0].dfl(docnum))
        return self.scorers[index]._score(self.terms[index].weight(), self._length[1])

    def replace(self, minquality=0):
        if not self.is_active():
            return NullMatcher()
        if minquality:
            self.require(
                lambda _docnum: minquality,
                lambda docnum, ceiling: docnum if ceiling >= minquality else None,
            )
        return self

    def require(
        self, needed: Callable[[int], float], reachable: Callable[[int, float], int | None]
    ) -> None:
        """From now on, pass over the sentences whose score cannot beat `needed(docnum)`
        (what the collector's worst of its best N scored, less what a Bonused query adds
        to that sentence: `search.engine.ranking`), and jump to `reachable(docnum,
        ceiling)`: the first sentence from `docnum` that a score up to `ceiling` could make
        beat it (None: none is left)."""
        self.needed = needed
        self.reachable = reachable

    def is_active(self) -> bool:
        return not self._done and self.paired.is_active()

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
        terms = [term.copy() for term in self.terms]
        paired = self.paired.copy()
        return PairMatcher(
            paired, terms, self.unit, self.common, self.scored, self.heaviest, self.slop
        )

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
        docnum = self.paired.id()
        return _tree_sum([self._score_of(index, docnum) for index in range(len(self.terms))])


class Together(Matcher):
    """The documents every one of `matchers` holds (the first the rarest, which leads; the
    others are moved to it by bisection, `move_to`): Whoosh's intersection, without its
    tree of matchers stepping through each block."""

    def __init__(self, matchers: list) -> None:
        self.matchers = matchers
        self._active = all(matcher.is_active() for matcher in matchers)
        self._settle()

    def _settle(self) -> None:
        lead, others = self.matchers[0], self.matchers[1:]
        while self._active:
            docnum = lead.id()
            for other in others:
                move_to(other, docnum)
                if not other.is_active():
                    self._active = False
                    return
                if other.id() != docnum:
                    move_to(lead, other.id())
                    self._active = lead.is_active()
                    break
            else:
                return

    def is_active(self) -> bool:
        return self._active

    def id(self) -> int:
        return self.matchers[0].id()

    def next(self) -> None:
        lead = self.matchers[0]
        lead.next()
        self._active = lead.is_active()
        self._settle()

    def skip_to(self, id) -> None:
        if not self._active:
            return
        lead = self.matchers[0]
        move_to(lead, id)
        self._active = lead.is_active()
        self._settle()

    def reset(self) -> None:
        for matcher in self.matchers:
            matcher.reset()
        self._active = all(matcher.is_active() for matcher in self.matchers)
        self._settle()

    def copy(self) -> Together:
        return Together([matcher.copy() for matcher in self.matchers])

    def children(self) -> list:
        return list(self.matchers)

    def supports(self, astype) -> bool:
        return False

    def score(self) -> float:
        return 0.0  # pairs are matched, never scored


def _all_at(terms: list, docnum: int) -> bool:
    """Move each of `terms` to `docnum`; whether each holds it."""
    for term in terms:
        move_to(term, docnum)
        if not term.is_active() or term.id() != docnum:
            return False
    return True


def _length_scorers(terms: list) -> list | None:
    """The words' scorers, if each scores by its weight and the sentence's length (Whoosh's
    BM25F does) in one field: a sentence's score then needs its length read once."""
    scorers = [getattr(term, "scorer", None) for term in terms]
    if all(type(term) is W3LeafMatcher for term in terms) and all(
        isinstance(scorer, WeightLengthScorer) and hasattr(scorer, "dfl") for scorer in scorers
    ):
        return scorers
    return None


def move_to(matcher, docnum: int) -> None:
    """`matcher.skip_to(docnum)`, finding the document in a block of Whoosh's postings by
    bisection where Whoosh steps through the block one posting at a time (a common word's
    postings, "the", hold most documents: a phrase's next sentence is tens of postings on)."""
    if type(matcher) is not W3LeafMatcher or matcher._atend:
        matcher.skip_to(docnum)
        return
    if matcher._maxid < docnum:
        matcher._skip_to_block(lambda: matcher._maxid < docnum)
        if not matcher.is_active():
            return
    if matcher._ids is None:
        matcher._read_ids()
    matcher._i = max(matcher._i, bisect_left(matcher._ids, docnum))


def _tree_sum(values: list[float]) -> float:
    """The sum of `values` in the order Whoosh's phrase adds its words' scores (a binary
    tree of intersections, `whoosh.util.make_binary_tree`), so that a phrase scores to the
    last bit as before."""
    count = len(values)
    if count == 2:
        return values[0] + values[1]
    if count == 3:
        return values[0] + (values[1] + values[2])
    if count == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def paired(query):
    """`query` with each phrase of `text` read from pairs (`PairPhrase`), or with slop from
    its words' intersection (`NearPhrase`)."""

    def visit(node):
        if (
            isinstance(node, wq.Phrase)
            and not isinstance(node, PairPhrase | NearPhrase)
            and node.fieldname == PAIRED_FIELD
            and node.slop >= 1
        ):
            kind = PairPhrase if node.slop == 1 else NearPhrase
            found = kind(node.fieldname, list(node.words), node.slop, node.boost, node.char_ranges)
            found.written = getattr(node, "written", None)
            return found
        return node

    return query.accept(visit)
