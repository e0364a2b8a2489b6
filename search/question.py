"""A query as the library holds it: `Question`, what the user typed, read once.

`Question.of(text, options)` checks the text (its limits, its dates) and reads it once into
its terms (each word, pattern, quoted phrase or `field:value`, and whether it is negated)
and the words a did-you-mean may correct, with the options that shape what it matches
(`--any`, `--since`/`--until`, undated articles, language, scope). It is a plain frozen
value: `search.engine` compiles it into Whoosh's objects (once per value, see
`search.engine.query.compile_question`), a correction is the same value with some words
replaced (`corrected`) and `--any` the same value with another option (`loosened`), so
neither reads the text again.

No Whoosh here: what Whoosh's parser makes of a term is the engine's business; the terms
say what the user typed, for a front end or a rule that needs no index.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from .errors import QueryError

MAX_QUERY_CHARS = 2000
MAX_WORD_CHARS = 200
MAX_NESTING = 20

# The fields a query may name (`lang` is `language`); anything else before a colon is text.
FIELDS = ("text", "article", "date", "title", "language", "source")
_ALIASES = {"lang": "language"}

_DATE_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_RUNS = re.compile(r"\S+")
# A word a correction may replace: letters first, not a field's value (`source:reuters`),
# not a field's name, not a pattern or a fuzzy word (`peace*`, `peace~`).
_WORD = re.compile(r"(?<![\w:])[^\W\d_][\w'’]*(?![\w:*~])", re.UNICODE)
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})

_SPACE = re.compile(r"\s+")
_OPERATOR = re.compile(r"(?:AND|OR|NOT)(?=[\s()]|$)")
# A minus that starts a word, phrase or group (not the hyphen of `Russia-Ukraine`).
_MINUS = re.compile(r"-(?=[^\s)-])")
_FIELD = re.compile(r"(\w+):(?=[^\s)])")
_PHRASE = re.compile(r'"([^"]*)"(?:~(\d+))?')
_RANGE = re.compile(r"[\[{][^\]}]*[\]}]")
_BARE = re.compile(r"[^\s()]+")
# One word (letters, digits, apostrophes, dots and hyphens) or one quoted phrase.
_ALONE = re.compile(r"[\w'’.‐‑-]+|\"[^\"]*\"")


class QuestionSettings(Protocol):
    """What shapes a question besides its text: a front end's `search.model.Options`."""

    @property
    def match_any(self) -> bool: ...
    @property
    def since(self) -> str | None: ...
    @property
    def until(self) -> str | None: ...
    @property
    def include_undated(self) -> bool: ...
    @property
    def language(self) -> str | None: ...
    @property
    def scope(self) -> str: ...


@dataclass(frozen=True)
class Term:
    """One term of a question as typed: a word or pattern (`peace*`, `peace~`), a quoted
    phrase, or a field's value (`source:reuters`, `date:[2025 TO 2026]`).

    `text` is the term without its field, minus or quotes, found at `start`:`end` of the
    question's text; `field` is None for the words of sentences (`lang` is "language");
    `negated` when a `-`, a `NOT` or a negated group excludes it."""

    text: str
    start: int
    end: int
    field: str | None = None
    phrase: bool = False
    negated: bool = False

    @property
    def kind(self) -> str:
        """ "phrase", "range", "pattern" (`*`, `?`), "fuzzy" (`~`) or "word"."""
        if self.phrase:
            return "phrase"
        if self.text[:1] in "[{" and self.text[-1:] in "]}":
            return "range"
        if "*" in self.text or "?" in self.text:
            return "pattern"
        return "fuzzy" if "~" in self.text else "word"


@dataclass(frozen=True)
class Word:
    """A word of a question that a did-you-mean may correct, at `start` of its text."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Question:
    """A query read once: its text, its terms and correctable words, and its options."""

    text: str
    terms: tuple[Term, ...] = ()
    words: tuple[Word, ...] = ()
    match_any: bool = False
    since: str | None = None
    until: str | None = None
    include_undated: bool = False
    language: str | None = None  # `--lang`: only articles in this language (ISO 639-1)
    scope: str = "sentence"

    @classmethod
    def of(cls, text: str, settings: QuestionSettings | None = None) -> Question:
        """`text` read with the options of `settings` (none: every word must match, in one
        sentence); QueryError with a one-line reason for text no search could run."""
        text = text.strip()
        check_limits(text)
        if settings is None:
            return cls(text, read_terms(text), correctable_words(text))
        check_range(settings.since, settings.until)
        return cls(
            text,
            read_terms(text),
            correctable_words(text),
            match_any=settings.match_any,
            since=settings.since,
            until=settings.until,
            include_undated=settings.include_undated,
            language=settings.language,
            scope=settings.scope,
        )

    @property
    def dated(self) -> bool:
        """Whether `since` or `until` restricts the articles by date."""
        return bool(self.since or self.until)

    def loosened(self) -> Question:
        """The same question with any word enough (`--any`)."""
        return replace(self, match_any=True)

    def corrected(self, replacements: Mapping[str, str]) -> Question:
        """The same question with each of its words that is a key of `replacements`
        replaced by its value (a did-you-mean), its terms and words moved to match."""
        edits = [(w, replacements[w.text]) for w in self.words if w.text in replacements]
        if not edits:
            return self
        pieces, last = [], 0
        for word, new in edits:
            pieces += [self.text[last : word.start], new]
            last = word.end
        text = "".join([*pieces, self.text[last:]])

        def moved(position: int) -> int:
            return position + sum(len(new) - len(w.text) for w, new in edits if w.end <= position)

        terms = tuple(
            replace(
                term,
                text=text[moved(term.start) : moved(term.end)],
                start=moved(term.start),
                end=moved(term.end),
            )
            for term in self.terms
        )
        words = tuple(
            Word(replacements.get(word.text, word.text), moved(word.start)) for word in self.words
        )
        return replace(self, text=text, terms=terms, words=words)

    def alone(self) -> bool:
        """Whether the question is one word or one quoted phrase and nothing else, so
        that `--any` could not change what it matches."""
        return len(self.terms) == 1 and _ALONE.fullmatch(self.text) is not None


def read_terms(text: str) -> tuple[Term, ...]:
    """The terms of a query in the order typed (see `Term`)."""
    terms: list[Term] = []
    groups: list[tuple[bool, str | None]] = [(False, None)]  # each open: negated, field
    negate, field = False, None
    position = 0
    while position < len(text):
        if (space := _SPACE.match(text, position)) is not None:
            position = space.end()
            continue
        char = text[position]
        if char == "(":
            outer_negated, outer_field = groups[-1]
            groups.append((outer_negated ^ negate, field or outer_field))
            negate, field, position = False, None, position + 1
            continue
        if char == ")":
            if len(groups) > 1:
                groups.pop()
            position += 1
            continue
        operator = _OPERATOR.match(text, position)
        if operator is not None:
            negate = negate ^ (operator.group() == "NOT")
            position = operator.end()
            continue
        at_start = position == 0 or text[position - 1].isspace() or text[position - 1] == "("
        if at_start and _MINUS.match(text, position):
            negate, position = not negate, position + 1
            continue
        named = _FIELD.match(text, position)
        if named is not None and _ALIASES.get(named.group(1), named.group(1)) in FIELDS:
            field, position = _ALIASES.get(named.group(1), named.group(1)), named.end()
            if text[position] == "(":  # `title:(peace talks)`: the field of a group
                continue
        negated, group_field = groups[-1]
        term, position = _term(text, position, field or group_field)
        terms.append(replace(term, negated=negated ^ negate))
        negate, field = False, None
    return tuple(terms)


def _term(text: str, position: int, field: str | None) -> tuple[Term, int]:
    """The term (of `field`) whose value starts at `position`, and where it ends."""
    phrase = _PHRASE.match(text, position)
    if phrase is not None:
        start, end = phrase.span(1)
        return Term(phrase.group(1), start, end, field, phrase=True), phrase.end()
    found = (_RANGE.match(text, position) if field else None) or _BARE.match(text, position)
    assert found is not None  # not a space, not a parenthesis: a run of one character at least
    return Term(found.group(), found.start(), found.end(), field), found.end()


def correctable_words(text: str) -> tuple[Word, ...]:
    """The words of a query a correction may replace: not operators, not field names or
    values, not patterns or fuzzy words."""
    return tuple(
        Word(match.group(), match.start())
        for match in _WORD.finditer(text)
        if match.group() not in _OPERATORS
    )


def check_limits(text: str) -> None:
    """QueryError for a query no search should run: empty, too long, a word too long, or
    parentheses too deep (Whoosh's parser is quadratic in the length of a word and
    recursive in nesting)."""
    if not text:
        raise QueryError('empty query; give at least one word, e.g. search query "Turkey"')
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})")
    longest = max((len(word) for word in _RUNS.findall(text)), default=0)
    if longest > MAX_WORD_CHARS:
        raise QueryError(
            f"a word in the query is too long ({longest} characters; the limit is {MAX_WORD_CHARS})"
        )
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
    if deepest > MAX_NESTING:
        raise QueryError(f"parentheses nested too deep ({deepest}; the limit is {MAX_NESTING})")


def check_range(since: str | None, until: str | None) -> None:
    """QueryError if `since` (YYYY-MM-DD) is after `until`: the range is empty."""
    if since and until and since > until:
        raise QueryError(
            "the date range is empty: {since} {first} is after {until} {last}; swap them",
            options=("since", "until"),
            first=since,
            last=until,
        )


def check_date(value: str, option: str, last: bool = False) -> str:
    """The day `value` means as YYYY-MM-DD: a day as is; a year or a month its first day
    (its last with `last`, for an end). QueryError naming the option (`since`, `until`)
    if it is no date."""
    value = value.strip()
    if not valid_date_prefix(value):
        raise QueryError(
            "{" + option + "} {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
            options=(option,),
            value=value,
        )
    if len(value) == 10:
        return value
    year, month = int(value[:4]), int(value[5:7]) if len(value) == 7 else None
    if not last:
        return dt.date(year, month or 1, 1).isoformat()
    month = month or 12
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def valid_date_prefix(value: str) -> bool:
    """Whether `value` is a year, a month or a day that exists (YYYY, YYYY-MM, YYYY-MM-DD)."""
    if not _DATE_VALUE.match(value):
        return False
    padded = value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value
    try:
        dt.date.fromisoformat(padded)
    except ValueError:
        return False
    return True
