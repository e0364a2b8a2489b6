"""Did-you-mean: a likely correction for a query that found nothing.

The index holds stems (`peacekeep`, `troop`), which are no words to show a
user. So candidates come from the stemmed vocabulary (terms within two edits
of the misspelled word's stem), each candidate is turned back into the word
as the articles spell it (`peacekeeping`, `troops`), and candidates are ranked
by the edit distance between that word and what the user typed, then by how
many sentences use it. A correction is offered only if the corrected query
itself finds something.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from .highlight import edit_distance
from .schema import shared_analyzer

_WORD = re.compile(r"(?<![\w:])[^\W\d_][\w'’]*(?![\w:*~])", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "TO"}
_MAX_EDITS = 2


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
            replacement = _correct(searcher, reader, word)
        corrected.append(query_text[last : match.start()])
        corrected.append(replacement or word)
        changed = changed or bool(replacement)
        last = match.end()
    corrected.append(query_text[last:])
    if not changed:
        return None
    suggestion = "".join(corrected)
    return suggestion if has_hits(suggestion) else None


def _stems(word: str) -> list[str]:
    return [token.text for token in shared_analyzer()(word, mode="query")]


def _correct(searcher, reader, word: str) -> str | None:
    stems = _stems(word)
    if len(stems) != 1:
        return None
    stem = stems[0]
    if reader.doc_frequency("text", stem):
        return None
    typed = word.lower()
    best: tuple | None = None
    for candidate in reader.terms_within("text", stem, _MAX_EDITS):
        if isinstance(candidate, bytes):
            candidate = candidate.decode("utf-8")
        surface = _surface_form(searcher, candidate)
        if surface is None:
            continue
        distance = edit_distance(typed, surface.lower())
        if distance > _MAX_EDITS + 1:
            continue
        rank = (distance, -reader.doc_frequency("text", candidate), surface)
        if best is None or rank < best:
            best = rank
    if best is None:
        return None
    surface = best[2]
    return surface.capitalize() if word[:1].isupper() and surface.islower() else surface


def _surface_form(searcher, stem: str) -> str | None:
    """The spelling the articles use most for words with this stem (in a few sentences)."""
    from whoosh import query as wq

    spellings: Counter[str] = Counter()
    for result in searcher.search(wq.Term("text", stem), limit=5):
        text = result.get("text") or ""
        for token in shared_analyzer()(text, chars=True, mode="index"):
            if token.text == stem:
                spellings[text[token.startchar : token.endchar].lower()] += 1
    return spellings.most_common(1)[0][0] if spellings else None
