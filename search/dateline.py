"""Recognise a line that is only a date (an article's dateline).

One compiled, anchored regex per family of formats decides the shape; a dict gives the month
number and `datetime.date` rejects impossible days. Accepted (case-insensitive, an optional
weekday prefix such as "Tuesday," and an optional final period):

- month first: "March 11, 2025", "March 11 2025", "Mar. 11, 2025", "Sept. 3, 2024",
  "March 11th, 2025"
- day first: "11 March 2025", "11 March, 2025", "11th of March 2025"
- ISO: "2025-03-11", "2025/03/11"
- numeric day/month: "25/03/2025" (day first, since 25 is no month), "03/25/2025" (month first).
  When both leading numbers could be a month and they differ ("11/03/2025"), the line is
  ambiguous between the US and the European reading and is NOT taken as a date.

A weekday that does not match the date is not checked: the line is still a date.
"""

from __future__ import annotations

import datetime
import re

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

_WEEKDAY = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\.?,?\s+)?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_END = r"\.?"

_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<mon>[a-z]+)\.?\s+(?P<day>\d{1,2})" + _ORDINAL + r",?\s+(?P<year>\d{4})" + _END,
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    _WEEKDAY
    + r"(?P<day>\d{1,2})"
    + _ORDINAL
    + r"\s+(?:of\s+)?(?P<mon>[a-z]+)\.?,?\s+(?P<year>\d{4})"
    + _END,
    re.IGNORECASE,
)
_ISO = re.compile(_WEEKDAY + r"(?P<year>\d{4})([-/])(?P<mon>\d{1,2})\2(?P<day>\d{1,2})" + _END)
_NUMERIC = re.compile(_WEEKDAY + r"(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?P<year>\d{4})" + _END)

_MAX_LEN = 48  # "Wednesday, September 30th, 2025." is 32: anything much longer is prose


def _make(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_dateline(line: str) -> datetime.date | None:
    """The date if `line` (stripped) is ONLY a date, else None. Never raises."""
    if not isinstance(line, str):
        return None
    s = line.strip()
    if not s or len(s) > _MAX_LEN:
        return None
    m = _MONTH_FIRST.fullmatch(s) or _DAY_FIRST.fullmatch(s)
    if m:
        month = _MONTHS.get(m["mon"].lower())
        if month is None:
            return None
        return _make(int(m["year"]), month, int(m["day"]))
    m = _ISO.fullmatch(s)
    if m:
        return _make(int(m["year"]), int(m["mon"]), int(m["day"]))
    m = _NUMERIC.fullmatch(s)
    if m:
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            return _make(int(m["year"]), b, a)
        if b > 12 >= a or a == b:
            return _make(int(m["year"]), a, b)
    return None
