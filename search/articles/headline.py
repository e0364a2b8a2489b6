"""An article's headline from its text, for formats whose metadata gives none (plain text).

News files open with their headline: the BBC's plain-text stories on their first line, the
Reuters wire files after a date line, in capitals. A line is taken as the headline when it
reads as one:

- it is the first non-blank line, or the first after a dateline (`parse_dateline`);
- a blank line (or the end of the text) follows it, so a hard-wrapped first sentence is not one;
- it is short: 2 to `MAX_WORDS` words and at most `MAX_CHARS` characters;
- it does not end as a sentence does (`.`, `!`, `?`, `…`, `,`, `;`, `:`, also before a closing
  quote or bracket), and it does not start with a lowercase letter;
- it is not a byline (`By Jane Doe`), a date line of its own, a wire slug (one token such as
  `BC-OPEC-PRICES`), a web address or a line without letters.

All-capitals headlines (`OPEC OUTPUT SEEN RISING`) are kept as written: the page and the
command line show what the wire sent, and `title:` is case-insensitive like every word.
"""

from __future__ import annotations

import re

from .dateline import parse_dateline

__all__ = ["MAX_CHARS", "MAX_WORDS", "is_headline", "text_headline"]

MAX_WORDS = 20
MAX_CHARS = 150

_SENTENCE_END = ".!?…‽,;:"
_CLOSERS = "\"'”’»›)]}"
_BYLINE = re.compile(r"(?i)by\s+\S")
_ADDRESS = re.compile(r"(?i)(?:https?://|www\.)|\S+@\S+\.\w")
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")


def is_headline(line: str) -> bool:
    """Whether one line, standing alone above a blank line, reads as a headline."""
    line = _SPACE.sub(" ", line).strip()
    words = line.split(" ")
    if not line or len(line) > MAX_CHARS or not 2 <= len(words) <= MAX_WORDS:
        return False
    if line.rstrip(_CLOSERS)[-1:] in _SENTENCE_END or line[0].islower():
        return False
    if _BYLINE.match(line) or _ADDRESS.search(line) or not _LETTER.search(line):
        return False
    return parse_dateline(line) is None


def text_headline(text: str) -> str | None:
    """The headline that opens `text` (after a dateline, if one opens it), or None."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = _next_filled(lines, 0)
    if index is None:
        return None
    if parse_dateline(lines[index]) is not None:
        index = _next_filled(lines, index + 1)
        if index is None:
            return None
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if following.strip() or not is_headline(lines[index]):
        return None
    return _SPACE.sub(" ", lines[index]).strip()


def _next_filled(lines: list[str], start: int) -> int | None:
    """The index of the first line from `start` that is not blank."""
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None
