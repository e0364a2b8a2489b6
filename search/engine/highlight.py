"""Which characters of a sentence a query matched.

A word of a sentence is a match when the positive part of the query accepts
it: its analyzed form (lowercased, stemmed) is equal to a term or a phrase
word; or its written form, lowercased, starts with a prefix, fits a wildcard or
is within a fuzzy word's edits (those are matched on the words as written, as
the search matches them). So `negotiation` lights up "negotiations",
`negotiat*` "negotiators" and `Abramovic~` "Abramovich"; words the query
excludes (`NOT`, `-word`) never light up.

The test runs on the words of the sentences shown, not on the index's
vocabulary: expanding `p*` or a fuzzy word against the lexicon a second time
would cost as much as the search itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fnmatch import fnmatchcase

from .schema import shared_language_analyzer
from .words import fold, letters_of

Span = tuple[int, int]
# A test of one word of a sentence, given as (written form lowercased, analyzed form).
WordTest = Callable[[str, str], bool]


def word_test(query) -> WordTest:
    """A test of one word: does the positive part of `query` accept it?"""
    from whoosh import query as wq

    exact: set[str] = set()
    others: list[WordTest] = []

    def visit(node) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            visit(node.a)
            return
        if getattr(node, "fieldname", None) == "words":
            if type(node) is wq.Term:
                others.append(_spelled_as(node.text))
            elif isinstance(node, wq.FuzzyTerm):
                others.append(_fuzzy(node.text, node.maxdist, node.prefixlength))
            elif isinstance(node, wq.Prefix):
                others.append(_starts_with(node.text))
            elif isinstance(node, wq.Wildcard):
                others.append(_fits(node.text))
            return
        if getattr(node, "fieldname", None) == "text":
            if isinstance(node, wq.Phrase):
                exact.update(node.words)
            elif isinstance(node, wq.Term):
                exact.add(node.text)
            return
        if not node.is_leaf():
            for child in node.children():
                visit(child)

    visit(query)
    return lambda written, word: word in exact or any(test(written, word) for test in others)


def _spelled_as(word: str) -> WordTest:
    return lambda written, _word: letters_of(written) == word or fold(written) == word


def _starts_with(prefix: str) -> WordTest:
    return lambda written, _word: fold(written).startswith(prefix) or written.startswith(prefix)


def _fits(pattern: str) -> WordTest:
    return lambda written, _word: fnmatchcase(fold(written), pattern)


def _fuzzy(text: str, maxdist: int, prefixlength: int) -> WordTest:
    prefix = text[:prefixlength]

    def near(written: str, _word: str) -> bool:
        folded = fold(written)
        return folded.startswith(prefix) and edit_distance(folded, text) <= maxdist

    return near


def match_spans(text: str, accepts: WordTest, language: str = "en") -> list[Span]:
    """Character spans `[start, end)` of the words of `text` (a sentence in `language`, whose
    analysis gives each word's analyzed forms) that `accepts` accepts, in order; overlapping
    spans (a compound and its parts) are one.

    A word is offered as written, lowercased (accents folded for the tests of the `words`
    field's forms: fuzzy words, prefixes and wildcards fold as that field does), and in
    each of its analyzed forms."""
    from .analysis import marked

    analyzed = shared_language_analyzer()(marked(text, language), chars=True, mode="index")
    found = sorted(
        {
            (token.startchar, token.endchar)
            for token in analyzed
            if accepts(_written(text[token.startchar : token.endchar]), token.text)
        }
    )
    merged: list[Span] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _written(word: str) -> str:
    """A word of a sentence as the tests read it: lowercased; a compound joined."""
    return _HYPHENS.sub("", word.lower())


_HYPHENS = re.compile(r"[\-‐‑]")


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (an adjacent swap counts as one edit), as Whoosh's."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
