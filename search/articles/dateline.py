"""Recognise a line that is only a date (an article's dateline).

A dateline is what news sites, wires and CMS exports print as an article's first line: a date,
perhaps with a weekday, a time and zone, a label or a byline around it. A line is a dateline
only if one shape below matches ALL of it (after stripping), so a sentence that merely starts
or ends with a date ("March 11, 2025 was a day of talks.") is never one: the words around the
date must be a label, a byline, a weekday, a time or a zone, and nothing else.

    [byline] [label] [time [zone]] [weekday] DATE [time [zone]] [byline] [.]

DATE is one of the rows of `_SHAPES` (case-insensitive, so all-caps months are read too):

- month first: "March 11, 2025", "Mar. 11 2025", "Sept. 3, 2024", "March 11th, 2025"
- day first: "11 March 2025", "11 March, 2025", "11th of March 2025", "11 Mar. 2025"
- wire: "26-FEB-1987", "11-Mar-2025"
- ISO: "2025-03-11", "2025/03/11"; with a time: "2025-03-11T10:00:00Z",
  "2025-03-11 10:00:00.123+01:00"
- numeric day/month: "25/03/2025" or "25.03.2025" (day first, since 25 is no month),
  "03/25/2025" (month first). When both leading numbers could be a month and they differ
  ("11/03/2025"), the line is ambiguous between the US and the European reading and is NOT
  taken as a date.

The parts around it:

- weekday: "Tuesday,", "Tue", "Tues.", ... A weekday that does not match the date is not
  checked: the line is still a date.
- time: "10:32", "10:32 AM", "10:32 a.m.", "10am", "14.00", "15:01:01.79", after the date
  (separated by a space, "T", ",", "at", "|", "-", "—", "·", "/" or "@") or before it
  ("10:32 AM EST, Tue March 11, 2025"). An hour above 23 or a minute above 59 is no time.
- zone, only after a time and only in capitals: an abbreviation from `_ZONES` ("EST", "GMT",
  "UTC+1", "(ET)"), "Z", or an offset "+0100" / "-05:00".
- label: "Published:", "Updated", "Last updated:", "Posted on", "First published on",
  "Originally published", "Date:", "Filed at", ... optionally "by NAME" ("Posted by Jane Doe
  on March 11, 2025").
- byline: "By NAME" and a separator ("|", "-", "–", "—", "·", ",", ";", "/" or " on ") before
  the date, or "by NAME" after it ("March 11, 2025 by Jane Doe"). NAME is capitalised words
  and initials ("Jane Doe", "J. R. Smith", "JANE DOE", "Jane Doe, Reuters", "Ana de Armas and
  John Smith"), so "By the way, March 11, 2025" is not a byline. A bare name without "By"
  ("Reuters | March 11, 2025") is not taken: it might be a headline, which is a sentence.

The date is the calendar date as printed; a zone or offset never moves it to another day.
`datetime.date` rejects impossible days ("Feb 30, 2025").
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from typing import NamedTuple

__all__ = ["parse_dateline"]

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

# Time zone abbreviations news sites print after a time. Matched case-sensitively, so a word
# such as "west" or "wet" is never read as a zone.
_ZONES = (
    ("UTC", "GMT", "Z")
    + ("ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT")
    + ("AKST", "AKDT", "HST", "AST", "ADT", "NST", "NDT")
    + ("BST", "IST", "WET", "WEST", "CET", "CEST", "EET", "EEST", "MSK", "SAST")
    + ("GST", "PKT", "ICT", "WIB", "SGT", "HKT", "JST", "KST")
    + ("AEST", "AEDT", "ACST", "ACDT", "AWST", "NZST", "NZDT")
)


def _alternatives(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation that tries longer words first ("march" before "mar")."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


_MONTH = _alternatives(list(_MONTHS))
_DAY = r"[0-9]{1,2}"
_YEAR = r"(?P<year>[0-9]{4})"
_ORDINAL = r"(?:st|nd|rd|th)?"

# --- the parts around the date -------------------------------------------------------------

_WEEKDAY = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\.?,?\s+)?"
)
_HOUR = r"(?:[01]?[0-9]|2[0-3])"
_AM_PM = r"(?:[ap]\.?\s?m\b\.?)"
_TIME = (
    rf"(?:{_HOUR}:[0-5][0-9](?::(?:[0-5][0-9]|60)(?:[.,][0-9]{{1,9}})?)?(?:\s*{_AM_PM})?"
    rf"|{_HOUR}\.[0-5][0-9](?:\s*{_AM_PM})?"
    rf"|{_HOUR}\s*{_AM_PM})"
)
_OFFSET = r"[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9]"
_ZONE = (
    rf"(?-i:\(?{_alternatives(_ZONES)}(?:\s?[+-]\s?[0-9]{{1,2}}(?::?[0-5][0-9])?)?\)?"
    rf"|\(?{_OFFSET}\)?)"
)
_CLOCK = rf"{_TIME}(?:\s*{_ZONE})?"
_CLOCK_BEFORE = rf"{_CLOCK}(?:\s*[,|·•/–—-]\s*|\s+)(?:on\s+)?"
_CLOCK_AFTER = rf"(?:T|\s*[,|·•@/–—-]\s*(?:at\s+)?|\s+(?:at\s+)?){_CLOCK}"

# A name: capitalised words and initials, joined by spaces, commas, a spaced bar or dash
# ("Jane Doe | Reuters"), "and" or a particle.
_NAME_WORD = r"(?-i:[^\W\d_a-z][\w'’.-]*)"
_NAME_JOIN = (
    r"(?:\s*,\s*|\s+[|·•–—]\s+|\s+(?:(?:and|&|de|del|della|da|di|du|van|von|der|den|la|le|al|el|bin|ibn"
    r"|for|of|at|in)\s+)?)"
)
_NAME = rf"{_NAME_WORD}(?:{_NAME_JOIN}{_NAME_WORD}){{0,11}}"
_BYLINE_BEFORE = rf"by\s+{_NAME}(?:\s*[|·•,;/–—-]\s*|\s+on\s+)"
_BYLINE_AFTER = rf"(?:\s*[|·•,;/–—-]\s*|\s+)by\s+{_NAME}"

_LABEL = (
    r"(?:(?:(?:first|originally|last)\s+)?(?:published|updated|posted|modified|edited|filed)"
    r"|released|dated|date)"
)
_LABEL_PART = rf"{_LABEL}(?:\s+by\s+{_NAME})?(?:\s*:\s*|\s+(?:on|at)\s+|\s*[|–—-]\s*|\s+)"

_BEFORE = rf"(?:{_BYLINE_BEFORE})?(?:{_LABEL_PART})?(?:{_CLOCK_BEFORE})?{_WEEKDAY}"
_AFTER = rf"(?:{_CLOCK_AFTER})?(?:{_BYLINE_AFTER})?\.?"

# --- the date itself -------------------------------------------------------------------------


def _make(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _month_key(word: str) -> str:
    """A month word as looked up: lowercased, and with Turkish "ı" and "İ" as "i", since the
    patterns match ignoring case ("ARALIK" is "aralık", "NİSAN" "nisan")."""
    return word.lower().replace("\u0307", "").replace("ı", "i")


def _named_month(m: re.Match[str]) -> datetime.date | None:
    month = _MONTHS.get(_month_key(m["mon"]))
    return _make(int(m["year"]), month, int(m["day"])) if month else None


def _year_first(m: re.Match[str]) -> datetime.date | None:
    return _make(int(m["year"]), int(m["mon"]), int(m["day"]))


def _day_month_either_way(m: re.Match[str]) -> datetime.date | None:
    """d/m/y or m/d/y: only when one reading is impossible or both give the same date."""
    a, b = int(m["a"]), int(m["b"])
    if a > 12 >= b:
        return _make(int(m["year"]), b, a)
    if b > 12 >= a or a == b:
        return _make(int(m["year"]), a, b)
    return None


class _Shape(NamedTuple):
    name: str
    core: str  # the date, with named groups read by `read`
    read: Callable[[re.Match[str]], datetime.date | None]


_SHAPES = (
    _Shape(
        "month first",
        rf"(?P<mon>{_MONTH})\.?\s+(?P<day>{_DAY}){_ORDINAL},?\s+{_YEAR}",
        _named_month,
    ),
    _Shape(
        "day first",
        rf"(?P<day>{_DAY}){_ORDINAL}\s+(?:of\s+)?(?P<mon>{_MONTH})\.?,?\s+{_YEAR}",
        _named_month,
    ),
    _Shape("wire", rf"(?P<day>{_DAY})-(?P<mon>{_MONTH})-{_YEAR}", _named_month),
    _Shape(
        "ISO",
        rf"{_YEAR}(?P<sep>[-/])(?P<mon>{_DAY})(?P=sep)(?P<day>{_DAY})",
        _year_first,
    ),
    _Shape(
        "numeric day/month",
        rf"(?P<a>{_DAY})(?P<sep>[/.-])(?P<b>{_DAY})(?P=sep){_YEAR}",
        _day_month_either_way,
    ),
)

_COMPILED = tuple(
    (re.compile(_BEFORE + shape.core + _AFTER, re.IGNORECASE), shape.read) for shape in _SHAPES
)


# A time as the other languages print it: "14:30 Uhr", "14h30", "à 14h30", "um 14:30".
_FOREIGN_TIME = rf"(?:{_TIME}|{_HOUR}\s?h\s?[0-5][0-9])(?:\s*uhr)?(?:\s*{_ZONE})?"
_FOREIGN_CLOCK_AFTER = (
    r"(?:T|\s*[,|·•@/–—-]\s*|\s+)(?:(?:at|um|à|a las|alle|às|om|в|о|saat)\s+)?" + _FOREIGN_TIME
)


@functools.cache
def _foreign() -> tuple[re.Pattern[str], dict[str, int]]:
    """Day-first dates with the month words of the other languages we read (each
    `search.language.Language` carries its own): "11. März 2025", "le 11 mars 2025",
    "11 de marzo de 2025", "11 березня 2025 р.", "11 марта 2025 года", "11 Mart 2025"; with
    a weekday of the language before the date ("Dienstag, 11. März 2025", "mardi 11 mars
    2025") or after it ("11 Mart 2025 Salı"), and a time ("11. März 2025, 14:30 Uhr")."""
    from ..language import LANGUAGES

    months: dict[str, int] = {}
    weekdays: set[str] = set()
    for language in LANGUAGES.values():
        if language.code != "en":
            months.update((_month_key(word), number) for word, number in language.months.items())
            weekdays.update(language.weekdays)
    weekday = _alternatives(sorted(weekdays))
    core = (
        rf"(?:{weekday}\.?,?\s+)?"
        rf"(?:(?:le|am|el|il|em|den|de)\s+)?(?P<day>{_DAY})(?:\.|er|º|°|-?го)?\s+(?:de\s+)?"
        rf"(?P<mon>{_alternatives(list(months))})\.?,?\s+(?:de\s+)?{_YEAR}"
        r"(?:\s*(?:г\.|года|год|р\.|року|рік|yılı|r\.|roku))?"
        rf"(?:\s*,?\s+{weekday})?"
    )
    after = rf"(?:{_FOREIGN_CLOCK_AFTER})?(?:{_BYLINE_AFTER})?\.?"
    return re.compile(_BEFORE + core + after, re.IGNORECASE), months


_HAS_YEAR = re.compile(r"[0-9]{4}")
_MAX_LEN = 200  # a long byline, a label, a weekday, a date, a time and a zone fit in 120


def parse_dateline(line: str) -> datetime.date | None:
    """The date if `line` (stripped) is ONLY a dateline, else None. Never raises."""
    if not isinstance(line, str):
        return None
    s = line.strip()
    if len(s) > _MAX_LEN or not _HAS_YEAR.search(s):
        return None
    for pattern, read in _COMPILED:
        m = pattern.fullmatch(s)
        date = read(m) if m else None
        if date is not None:
            return date
    foreign, months = _foreign()
    m = foreign.fullmatch(s)
    month = months.get(_month_key(m["mon"])) if m else None
    return _make(int(m["year"]), month, int(m["day"])) if m and month else None
