"""Whoosh's block-max skipping kept in segments with deleted documents.

A top-N search skips the posting blocks whose best possible score cannot beat the N-th
best so far (`ranking` says when that is exact). Two things in Whoosh 2.7 turn it off, or
make it unsafe, once a segment has deletions (every re-index that replaces a file makes
them):

- a segment's reader wraps each word's postings in a `FilterMatcher` that leaves out the
  deleted documents; its `skip_to_quality` skips the word's blocks without leaving out a
  deleted document it lands on, and its `next` does not say when a new block starts;
- the collector reads the rising N-th best score only where it may also replace matchers,
  which `replaces_soundly` forbids for filters: so it skipped by the score 0, never.

At 1M sentences after a re-index of 1% of the files, `government` (295,116 matches) scored
every sentence. `exact_matchers` swaps those filters for `DeletionFilter` and
`scored_matches` reads the N-th best score at every step, as Whoosh does where it replaces.

A replacement itself had a fault: Whoosh turns an Or whose one side is too weak on its own
into an `AndMaybeMatcher`, whose `skip_to(id)` moves its optional side to `id`, not to where
its required side landed past `id`; the optional side then lags one document behind and the
sentence is scored without it (`gov* OR the the`: the best sentence, "... the the new
government ...", dropped out of the top 10). `exact_matchers` swaps in `FollowingAndMaybe`
at the start of each segment and after every replacement.

One more swap is for speed alone: Whoosh's `IntersectionMatcher` (an AND) moves each side to
the other's document with `skip_to`, which steps through a block of postings one at a time;
a rare word beside a common one ("minister ceasefire": 72,819 steps for 833 sentences at
200,000 sentences) spends the search there. `BisectingIntersection` moves them by bisection
within a block (`phrases.move_to`), to the same documents.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.matching.binary import AndMaybeMatcher, IntersectionMatcher
from whoosh.matching.mcore import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher

from .phrases import move_to


class DeletionFilter(FilterMatcher):
    """A FilterMatcher that skips blocks by quality and still leaves out what it filters,
    and says (as a posting list does) when `next` has moved into a new block."""

    def next(self) -> bool:
        moved = bool(self.child.next())
        return bool(self._find_next()) or moved

    def skip_to_quality(self, minquality) -> int:
        skipped = self.child.skip_to_quality(minquality / self.boost)
        self._find_next()
        return skipped

    def __getattr__(self, name: str):
        """The posting list's `block_max_id`, where it has one: `ranking._BonusedMatcher`
        then bounds each block by the bonuses in that block, not by all of them."""
        if name == "block_max_id":
            return getattr(self.child, name)
        raise AttributeError(name)


class FollowingAndMaybe(AndMaybeMatcher):
    """An AndMaybeMatcher whose optional side follows its required side wherever a
    `skip_to` lands it, so each sentence is scored with both sides it holds."""

    def skip_to(self, id) -> bool:
        if not self.a.is_active():
            raise ReadTooFar
        moved = bool(self.a.skip_to(id))
        if self.a.is_active() and self.b.is_active() and self.b.id() < self.a.id():
            moved = bool(self.b.skip_to(self.a.id())) or moved
        return moved


class BisectingIntersection(IntersectionMatcher):
    """An IntersectionMatcher whose sides meet by bisection within a block of postings."""

    def _find_next(self):
        a, b = self.a, self.b
        a_id, b_id = a.id(), b.id()
        moved = False
        while a_id != b_id:
            if a_id < b_id:
                move_to(a, b_id)
                if not a.is_active():
                    return None
                a_id = a.id()
            else:
                move_to(b, a_id)
                if not b.is_active():
                    return None
                b_id = b.id()
            moved = True  # may have entered a new block: the caller re-reads its quality
        return moved


_EXACT = {
    FilterMatcher: DeletionFilter,
    AndMaybeMatcher: FollowingAndMaybe,
    IntersectionMatcher: BisectingIntersection,
}


def exact_matchers(matcher) -> None:
    """Turn every matcher in `matcher`'s tree that `_EXACT` names into its swap (the same
    state): DeletionFilter, FollowingAndMaybe, BisectingIntersection."""
    exact = _EXACT.get(type(matcher))
    if exact is not None:
        matcher.__class__ = exact
    for child in matcher.children():
        exact_matchers(child)


def scored_matches(collector) -> Iterator[int]:
    """Whoosh's `ScoredCollector.matches`, reading the collector's minimum score at every
    step, whether or not it may replace matchers (`collector.replace`, 0 for never)."""
    matcher = collector.matcher
    usequality = collector._use_block_quality()
    every = collector.replace
    countdown = 0
    minscore = collector.minscore
    checkquality = True
    while matcher.is_active():
        if every and (countdown == 0 or collector.minscore != minscore):
            collector.matcher = matcher = matcher.replace(minscore or 0)
            exact_matchers(matcher)
            collector.replaced_times += 1
            if not matcher.is_active():
                break
            usequality = collector._use_block_quality()
            countdown = every
        if every:
            countdown -= 1
        if collector.minscore != minscore:
            checkquality = True
            minscore = collector.minscore
        if usequality and checkquality and minscore is not None:
            collector.skipped_times += matcher.skip_to_quality(minscore)
            if not matcher.is_active():
                break
        yield matcher.id()
        checkquality = matcher.next()
