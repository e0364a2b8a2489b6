"""Which paragraph of its file each sentence is in, for showing an article as it was written.

A paragraph ends where the splitter ends one (`search.articles.split`: a blank line, that
is a whitespace run holding two or more line breaks); a sentence's paragraph is 1 plus
the paragraph breaks before its first character.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from .split import _PARA_BREAK, Sentence, _normalise


def paragraph_numbers(text: str, sentences: Sequence[Sentence]) -> list[int]:
    """The paragraph (1-based) of each of `sentences`, cut from `text` by `split_article`."""
    breaks = [match.end() for match in _PARA_BREAK.finditer(_normalise(text))]
    return [bisect_right(breaks, sentence.start) + 1 for sentence in sentences]
