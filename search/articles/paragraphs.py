"""Which paragraph of its file each sentence is in, for showing an article as it was written.

A paragraph ends where the splitter ends one (`search.articles.split`: a blank line, that
is a whitespace run holding two or more line breaks). A file with no blank line between
its sentences at all (one paragraph per line, as the seed article is written) has its
paragraphs end at each line break instead. A sentence's paragraph is 1 plus the paragraph
breaks before its first character.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

from .split import _PARA_BREAK, Sentence, _normalise

_LINE_BREAK = re.compile(r"\n\s*")


def paragraph_numbers(text: str, sentences: Sequence[Sentence]) -> list[int]:
    """The paragraph (1-based) of each of `sentences`, cut from `text` by `split_article`."""
    if not sentences:
        return []
    text = _normalise(text)
    first = sentences[0].start
    breaks = [match.end() for match in _PARA_BREAK.finditer(text, first)]
    if not breaks:
        breaks = [match.end() for match in _LINE_BREAK.finditer(text, first)]
    return [bisect_right(breaks, sentence.start) + 1 for sentence in sentences]


def with_paragraphs(text: str, sentences: Iterable[Sentence]) -> Iterator[tuple[Sentence, int]]:
    """Each of `sentences` (taken one at a time, as `split_lazily` gives them) with its
    paragraph, as `paragraph_numbers` numbers them: memory holds the paragraph breaks, never
    the sentences."""
    breaks: list[int] | None = None
    for sentence in sentences:
        if breaks is None:
            normalised = _normalise(text)
            first = sentence.start
            breaks = [match.end() for match in _PARA_BREAK.finditer(normalised, first)]
            if not breaks:
                breaks = [match.end() for match in _LINE_BREAK.finditer(normalised, first)]
            del normalised
        yield sentence, bisect_right(breaks, sentence.start) + 1
