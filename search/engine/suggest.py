"""Did-you-mean: a likely correction for a query that found nothing.

Candidates come from the `words` field: every word as the articles write it,
lowercased but not stemmed, so edit distances are measured from what the user
typed to real words (`Manchster` is one edit from "manchester"; as stems,
"manchster" and "manchest" are two apart). A word is corrected only if no
sentence has it; candidates are ranked by edit distance, then by how many
sentences use them. How many edits a word may need grows with its length, as
in Elasticsearch's AUTO fuzziness: none up to 2 letters (every short word is
near some other), one up to 5, two beyond. As for fuzzy words, the first letter
is kept: without it Whoosh walks the whole vocabulary once per word (measured
at 200k sentences: 1.5 to 5 times slower). The words come from the question
as it was read (`search.question.Question.words`), and the correction is that question
with the words replaced; it is offered only if the corrected query itself finds something
(the caller's `search.engine.searching.SearchIndex.did_you_mean`).

The work is bounded whatever the query: a query with more than
MAX_CORRECTED_WORDS unknown words is not a typo and gets no suggestion (with
every word required, correcting some of them could not make it match), each
word looks at no more than MAX_CANDIDATES candidates, and `check` (the
caller's deadline) is asked between steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice

from .highlight import edit_distance
from .query import FUZZY_PREFIX
from .schema import shared_words_analyzer

# A 2,000-character query of short unknown words took minutes at 60k sentences without
# these: each word walks the vocabulary for its neighbours, then ranks every one found.
MAX_CORRECTED_WORDS = 10
MAX_CANDIDATES = 1000


def max_edits(word: str) -> int:
    """How many edits a correction of `word` may make (Elasticsearch's AUTO fuzziness)."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


def corrections(
    searcher, words: Sequence[str], check: Callable[[], None] = lambda: None
) -> dict[str, str]:
    """For each of `words` (a question's correctable words, in order) that no sentence has,
    the nearest word the index holds, in the case typed; {} when none is found or when more
    than MAX_CORRECTED_WORDS are unknown. `check()` raises to stop the search (out of time)."""
    reader = searcher.reader()
    unknown = [word for word in words if _unknown_form(reader, word)]
    if len(unknown) > MAX_CORRECTED_WORDS:
        return {}
    found: dict[str, str] = {}
    for word in dict.fromkeys(unknown):
        check()
        replacement = _correct(reader, word, check)
        if replacement:
            found[word] = replacement
    return found


def _unknown_form(reader, word: str) -> str | None:
    """The form of `word` to correct: its one indexed form, if it is long enough to
    correct and no sentence has it; else None."""
    forms = [token.text for token in shared_words_analyzer()(word, mode="query")]
    if len(forms) != 1:
        return None
    typed = forms[0]
    if not max_edits(typed) or reader.doc_frequency("words", typed):
        return None
    return typed


def _correct(reader, word: str, check: Callable[[], None]) -> str | None:
    typed = _unknown_form(reader, word)
    if typed is None:
        return None
    best: tuple | None = None
    written = word.lower()  # with the accents typed (`typed` is folded)
    for number, candidate in enumerate(_candidates(reader, typed, written)):
        if number % 100 == 0:
            check()
        frequency = reader.doc_frequency("words", candidate)
        # Nearest to the word folded or as typed; among those, nearest as typed: `Zürick`
        # is Zürich (one edit as typed), `Zurick` Zurich.
        as_typed = edit_distance(written, candidate)
        rank = (min(edit_distance(typed, candidate), as_typed), as_typed, -frequency, candidate)
        if best is None or rank < best:
            best = rank
    if best is None:
        return None
    return _cased_like(word, best[-1])


def _candidates(reader, typed: str, written: str) -> Iterator[str]:
    """The words within reach of the folded word, then (when the word was typed with
    accents) of the word as typed: `Müler` reaches "müller" only as typed. At most
    MAX_CANDIDATES from each."""
    seen: set[str] = set()
    for form in dict.fromkeys((typed, written)):
        found = reader.terms_within("words", form, max_edits(typed), prefix=FUZZY_PREFIX)
        for candidate in islice(found, MAX_CANDIDATES):
            text = candidate.decode("utf-8") if isinstance(candidate, bytes) else candidate
            if text not in seen:
                seen.add(text)
                yield text


def _cased_like(typed: str, word: str) -> str:
    """`word` in the case the user typed: `Manchster` -> Manchester, `NATP` -> NATO."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
