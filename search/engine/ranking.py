"""Fixed scores added to the sentences that hold a word, without slowing the top N.

Ranking bonuses (a typed acronym written in capitals, the query's words in the
article's headline) add a constant to a sentence's BM25F score; they never change
what matches. Whoosh's own `ConstantScoreQuery` inside an `AndMaybe` reads every
posting of the bonus word into a list that cannot report a "quality", so the query
loses Whoosh's block-max skipping and scores every matching sentence. Worse, when
qualities are reported, Whoosh's `AndMaybe`, `And` and `Or` matchers skip a block of
one side by the *current* block of the other, which can drop a better sentence from
the top N (measured: `"the peace talks"` and `peace AND talk` lost their best hit at
small posting blocks).

Here a `Bonused(core, bonus)` query keeps the core's own skipping, bounded by what
the bonuses can add in each block of the core (the boosts of the bonus words that
have a sentence in that block), which is exact: a block is skipped only if no
sentence in it could reach the top N even with every bonus it may hold. Whether to
skip at all is the caller's choice (`skips_blocks_exactly`): only a core that is one
word skips exactly.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import NullMatcher
from whoosh.matching.binary import AndNotMatcher
from whoosh.matching.combo import CombinationMatcher
from whoosh.matching.mcore import Matcher, NoQualityAvailable
from whoosh.matching.wrappers import FilterMatcher, InverseMatcher, RequireMatcher

from .phrases import move_to
from .skipping import DeletionFilter


class Bonus(wq.ConstantScoreQuery):
    """`score` added to the sentences holding a word: `Bonus(Term(field, word), score)`."""

    def matcher(self, searcher, context=None):
        found = self.child.matcher(searcher, context)
        return found if not found.is_active() else _BonusMatcher(found, self.score)


class Bonused(wq.AndMaybe):
    """What `core` matches, scored by `core` plus the `bonus` (a Bonus or an Or of them)
    of each sentence that also holds the bonus word."""

    def matcher(self, searcher, context=None):
        core = self.a.matcher(searcher, context)
        if not core.is_active():
            return NullMatcher()
        bonuses = self._bonus_matchers(searcher, context)
        if not bonuses:
            return core
        if not hasattr(core, "require") and not isinstance(self.a, wq.Term):
            core = Bounded(core)  # see Bounded; a word skips its blocks instead
        return _BonusedMatcher(core, bonuses)

    def _bonus_matchers(self, searcher, context) -> list[_BonusMatcher]:
        """The matchers of the bonuses whose word the index holds."""
        parts = self.b.subqueries if isinstance(self.b, wq.Or) else [self.b]
        matchers = [part.matcher(searcher, context) for part in parts]
        return [matcher for matcher in matchers if isinstance(matcher, _BonusMatcher)]


def unbonused(query):
    """What `query` matches, without the bonuses that only rank it."""
    return unbonused(query.a) if isinstance(query, Bonused) else query


def replaces_soundly(matcher) -> bool:
    """Whether Whoosh may swap in leaner matchers once a document cannot reach the top N
    (an Or whose one side is too weak on its own becomes an AndMaybe), which is sound only
    if every matcher in the tree bounds its best score truly and keeps its exclusions:

    - its array unions (an Or of many words over a small segment) report their strongest
      word's best score as the Or's, not the sum: a replacement dropped the best sentence
      of `government minister the` (--any);
    - a rebuilt AndNot does not move its excluded word up to where its new first side
      stands, so a sentence with the excluded word slipped in (`US -vote talk~`, --any);
      a Not, and Whoosh's filters, would have their inner matcher pruned by score.

    A segment's filter of its deleted sentences (`skipping.DeletionFilter`, swapped in before
    this is asked) is sound: what it wraps is a word's postings, whose replacement (none,
    once the word cannot reach the top N) it wraps again with the same deletions. Without
    it, no query of more than one word (phrases included) passed over anything in a segment
    with deletions, which every re-index that replaces a file makes.
    """
    if isinstance(matcher, _UNSOUND_TO_REPLACE) and type(matcher) is not DeletionFilter:
        return False
    return all(replaces_soundly(child) for child in matcher.children())


def _posting_list(matcher) -> W3LeafMatcher | None:
    """A word's posting list, bare or under the filter of a segment's deleted documents
    (Whoosh's FilterMatcher, made a `skipping.DeletionFilter` once searched); None for any
    other matcher."""
    if type(matcher) in (FilterMatcher, DeletionFilter) and matcher._exclude:
        matcher = matcher.child if matcher.boost == 1.0 else None
    return matcher if type(matcher) is W3LeafMatcher and not matcher._atend else None


def skips_blocks_exactly(query) -> bool:
    """Whether Whoosh's block-max skipping returns the exact top N for `query`: for one
    word (Whoosh's term matchers bound their own blocks), with or without bonuses."""
    return isinstance(unbonused(query), wq.Term)


_UNSOUND_TO_REPLACE = (
    CombinationMatcher,
    AndNotMatcher,
    InverseMatcher,
    FilterMatcher,
    RequireMatcher,
)


class Bounded(Matcher):
    """The core of a Bonused query that is not one word (an AND, an OR, the words of a
    prefix), passing over the sentences that cannot make the best N.

    Headline bonuses are large against a sentence's BM25F score: once the N best hold
    some, a sentence without one cannot beat them. Whoosh's own replacement bounds the core
    by what every bonus could add at once, so it still scored each of the core's matches
    (17,215 for `sanctions OR tariffs` at 200,000 sentences). Here, once the collector says
    what a sentence must score (`require`, from `_BonusedMatcher.replace`), the core jumps
    to the next sentence whose own bonuses, added to the core's best possible score
    (`max_quality`, a true bound where `replaces_soundly` holds), can beat it, as a phrase
    does (`phrases.PairMatcher`). The sentences passed over could not have entered the N
    best, so the results are the same."""

    def __init__(self, child) -> None:
        self.child = child
        self.reachable = None
        self._ceiling = 0.0
        self._done = False

    def require(self, needed, reachable) -> None:
        """From now on, jump to `reachable(docnum, ceiling)`: the first sentence from
        `docnum` that a core score up to `ceiling` could make reach the N best (None:
        none is left). (`needed`, per sentence, is what `phrases.PairMatcher` reads.)"""
        if not replaces_soundly(self.child):
            return
        try:
            self._ceiling = self.child.max_quality()
        except NoQualityAvailable:  # a matcher that cannot bound its scores: read all
            return
        self.reachable = reachable
        self._settle()

    def _settle(self) -> None:
        child = self.child
        while self.reachable is not None and child.is_active():
            docnum = child.id()
            target = self.reachable(docnum, self._ceiling)
            if target is None:
                self._done = True
                return
            if target <= docnum:
                return
            child.skip_to(target)

    def replace(self, minquality=0):
        """The core's own replacement (Whoosh's: an OR whose one side cannot reach
        `minquality` alone becomes an AND-MAYBE), kept inside this one."""
        if not self.is_active():
            return NullMatcher()
        child = self.child.replace(minquality)
        if child is not self.child:
            self.child = child
            if self.reachable is not None and child.is_active():
                self._ceiling = child.max_quality()  # no greater than before
            self._settle()
        return self if self.is_active() else NullMatcher()

    def is_active(self) -> bool:
        return not self._done and self.child.is_active()

    def id(self) -> int:
        return self.child.id()

    def next(self):
        moved = self.child.next()
        self._settle()
        return moved

    def skip_to(self, id):
        moved = self.child.skip_to(id)
        self._settle()
        return moved

    def reset(self) -> None:
        self.child.reset()
        self._done = False
        self._settle()

    def copy(self) -> Bounded:
        return Bounded(self.child.copy())

    def children(self) -> list:
        return [self.child]

    def supports(self, astype) -> bool:
        return self.child.supports(astype)

    def value(self):
        return self.child.value()

    def value_as(self, astype):
        return self.child.value_as(astype)

    def spans(self):
        return self.child.spans()

    def max_quality(self) -> float:
        return self.child.max_quality()

    def weight(self) -> float:
        return self.child.weight()

    def score(self) -> float:
        return self.child.score()


class _BonusMatcher(Matcher):
    """A word's postings, each scoring `boost`, read lazily."""

    def __init__(self, child, boost: float) -> None:
        self.child = child
        self.boost = boost

    def is_active(self) -> bool:
        return self.child.is_active()

    def id(self) -> int:
        return self.child.id()

    def skip_to(self, id) -> None:
        move_to(self.child, id)  # a bonus follows every match: by bisection in a block

    def holds_between(self, first: int, last: int) -> bool:
        """Whether the word may have a document from `first` to `last` (a bound: in a
        segment with deletions, a deleted one counts too). Its posting list is moved there
        by block headers; where its block ends within them, its last document says so, and
        only otherwise are the block's documents read. (Under a deletion filter the list
        moves alone: `skip_to` and `score` move the filter on from where it stands.)"""
        postings = _posting_list(self.child)
        if postings is None:
            if self.is_active() and self.id() < first:
                self.skip_to(first)
            return self.is_active() and self.id() <= last
        if postings._maxid < first:
            postings._skip_to_block(lambda: postings._maxid < first)
            if not postings.is_active():
                return False
        if postings._maxid <= last:
            return True
        move_to(postings, first)
        return postings.id() <= last

    def next(self) -> bool:
        return self.child.next()

    def reset(self) -> None:
        self.child.reset()

    def copy(self) -> _BonusMatcher:
        return _BonusMatcher(self.child.copy(), self.boost)

    def children(self) -> list:
        return [self.child]

    def term(self):
        return self.child.term()

    def weight(self) -> float:
        return self.boost

    def score(self) -> float:
        return self.boost


class _BonusedMatcher(Matcher):
    """The core's documents; each scores the core's score plus the bonuses it holds.

    The bonus matchers follow the core lazily, when a score is asked for; skipping
    asks the core to skip by what it must score *without* any bonus being ruled out.
    """

    def __init__(self, core, bonuses: list) -> None:
        self.core = core
        self.bonuses = bonuses
        self.most = sum(bonus.boost for bonus in bonuses)
        self._postings = _posting_list(core)
        # No document of the core's current block is below this (see `_skip_blocks`).
        self._floor = 0

    def is_active(self) -> bool:
        return self.core.is_active()

    def id(self) -> int:
        return self.core.id()

    def next(self):
        last = self._postings._maxid if self._postings is not None else None
        moved = self.core.next()
        if moved and last is not None:  # into a later block: its documents come after `last`
            self._floor = last + 1
        return moved

    def skip_to(self, id):
        return self.core.skip_to(id)

    def reset(self) -> None:
        self.core.reset()
        for bonus in self.bonuses:
            bonus.reset()

    def copy(self) -> _BonusedMatcher:
        return _BonusedMatcher(self.core.copy(), [bonus.copy() for bonus in self.bonuses])

    def children(self) -> list:
        return [self.core, *self.bonuses]

    def replace(self, minquality=0):
        if not self.core.is_active():
            return NullMatcher()
        if minquality and self.core.max_quality() + self.most < minquality:
            return NullMatcher()
        core = self.core.replace(max(minquality - self.most, 0))
        if minquality and hasattr(self.core, "require"):
            # A phrase (`phrases.PairMatcher`) or a Bounded core passes over the sentences
            # that cannot beat the N best with the bonuses they hold, not with every bonus
            # at once; first, as ever, what cannot with every bonus goes (above).
            if not core.is_active():
                return NullMatcher()
            core.require(
                lambda docnum: minquality - self._bonus_at(docnum),
                lambda docnum, ceiling: self._reaching(docnum, minquality - ceiling),
            )
        return self if core is self.core else _BonusedMatcher(core, self.bonuses)

    def supports(self, astype) -> bool:
        return self.core.supports(astype)

    def value(self):
        return self.core.value()

    def value_as(self, astype):
        return self.core.value_as(astype)

    def spans(self):
        return self.core.spans()

    def supports_block_quality(self) -> bool:
        return self.core.supports_block_quality()

    def max_quality(self) -> float:
        return self.core.max_quality() + self.most

    def block_quality(self) -> float:
        return self.core.block_quality() + self._bonus_in_block()

    def skip_to_quality(self, minquality) -> int:
        """Skip the core's blocks whose best sentence, with the bonuses found in that
        block, cannot beat `minquality`."""
        if not hasattr(self.core, "block_max_id"):
            return self.core.skip_to_quality(minquality - self.most)
        postings = self._postings
        if postings is None or postings._atend:
            skipped = 0
            while self.core.is_active() and self.block_quality() <= minquality:
                self.core.skip_to(self.core.block_max_id() + 1)
                skipped += 1
            return skipped
        return self._skip_blocks(postings, minquality)

    def _skip_blocks(self, postings: W3LeafMatcher, minquality) -> int:
        """`skip_to_quality` over a posting list's blocks by their headers alone: a skipped
        block's documents are never read (each read unpickles and decodes 64 numbers, and a
        common word's top 10 skips most of its blocks). Where a block's documents are not
        read, they are bounded below by the end of the block before (`_floor`), so its
        bonuses are looked for from there: a range that holds the block's, and a bound
        never below the exact one."""
        skipped = 0
        first = self.core.id() if postings._ids is not None else self._floor
        while postings.is_active():
            last = postings._maxid
            if self.core.block_quality() + self._bonus_between(first, last) > minquality:
                break
            postings._next_block()
            first = last + 1
            skipped += 1
        if postings._ids is None:  # stopped at a block not read: its documents from `first`
            self._floor = first
        if skipped and self.core is not postings:
            self.core._find_next()  # a deletion filter leaves out what it landed on
        return skipped

    def _bonus_in_block(self) -> float:
        """What the bonuses can add in the core's current block: the boosts of those with
        a document in it (all of them when the core cannot say where its block ends)."""
        if not hasattr(self.core, "block_max_id"):
            return self.most
        return self._bonus_between(self.core.id(), self.core.block_max_id())

    def _bonus_between(self, first: int, last: int) -> float:
        """The boosts of the bonuses with a document from `first` to `last`."""
        return sum(bonus.boost for bonus in self.bonuses if bonus.holds_between(first, last))

    def weight(self) -> float:
        return self.core.weight()

    def score(self) -> float:
        here = self.core.id()
        total = self.core.score()  # added to one bonus at a time: the same sum, to the bit
        for bonus in self.bonuses:
            if bonus.is_active() and bonus.id() < here:
                bonus.skip_to(here)
            if bonus.is_active() and bonus.id() == here:
                total += bonus.boost
        return total

    def _reaching(self, docnum: int, bonus: float) -> int | None:
        """The first document from `docnum` whose bonuses add up to `bonus` (rounding
        down, so as to pass over nothing that might tie), or None."""
        if bonus <= 0:
            return docnum
        bonus -= 1e-9 * (1 + abs(bonus))
        while self._bonus_at(docnum) < bonus:
            later = [b.id() for b in self.bonuses if b.is_active() and b.id() > docnum]
            if not later:
                return None
            docnum = min(later)
        return docnum

    def _bonus_at(self, here: int) -> float:
        """What the bonuses add to document `here` (the core's, or one it is moving to)."""
        total = 0.0
        for bonus in self.bonuses:
            if bonus.is_active() and bonus.id() < here:
                bonus.skip_to(here)
            if bonus.is_active() and bonus.id() == here:
                total += bonus.boost
        return total
