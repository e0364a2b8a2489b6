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
at 200k sentences: 1.5 to 5 times slower). A correction is offered only if
the corrected query itself finds something.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .highlight import edit_distance
from .query import FUZZY_PREFIX
from .schema import shared_words_analyzer

_WORD = re.compile(r"(?<![\w:])[^\W\d_][\w'’]*(?![\w:*~])", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "TO"}


def max_edits(word: str) -> int:
    """How many edits a correction of `word` may make (Elasticsearch's AUTO fuzziness)."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


def suggest(searcher, query_text: str, has_hits: Callable[[str], bool]) -> str | None:
    """A corrected query string, or None. `has_hits(text)` says whether a query finds something."""
    reader = searcher.reader()
    corrected = []
    last = 0
    changed = False
    for match in _WORD.finditer(query_text):
        word = match.group()
        replacement = None
        if word not in _OPERATORS:
            replacement = _correct(reader, word)
        corrected.append(query_text[last : match.start()])
        corrected.append(replacement or word)
        changed = changed or bool(replacement)
        last = match.end()
    corrected.append(query_text[last:])
    if not changed:
        return None
    suggestion = "".join(corrected)
    return suggestion if has_hits(suggestion) else None


def _correct(reader, word: str) -> str | None:
    forms = [token.text for token in shared_words_analyzer()(word, mode="query")]
    if len(forms) != 1:
        return None
    typed = forms[0]
    edits = max_edits(typed)
    if not edits or reader.doc_frequency("words", typed):
        return None
    best: tuple | None = None
    for candidate in reader.terms_within("words", typed, edits, prefix=FUZZY_PREFIX):
        if isinstance(candidate, bytes):
            candidate = candidate.decode("utf-8")
        frequency = reader.doc_frequency("words", candidate)
        rank = (edit_distance(typed, candidate), -frequency, candidate)
        if best is None or rank < best:
            best = rank
    if best is None:
        return None
    return _cased_like(word, best[2])


def _cased_like(typed: str, word: str) -> str:
    """`word` in the case the user typed: `Manchster` -> Manchester, `NATP` -> NATO."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
