"""parse_dateline: which lines are only a date."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.dateline import parse_dateline

MARCH_11 = date(2025, 3, 11)

DATELINES = [
    ("March 11, 2025", MARCH_11),
    ("March 11 2025", MARCH_11),
    ("March 11th, 2025", MARCH_11),
    ("11 March 2025", MARCH_11),
    ("11 March, 2025", MARCH_11),
    ("11th of March 2025", MARCH_11),
    ("2025-03-11", MARCH_11),
    ("2025/03/11", MARCH_11),
    ("Mar. 11, 2025", MARCH_11),
    ("Mar 11, 2025", MARCH_11),
    ("Sept. 3, 2024", date(2024, 9, 3)),
    ("Sep 3, 2024", date(2024, 9, 3)),
    ("September 3, 2024", date(2024, 9, 3)),
    ("Tuesday, March 11, 2025", MARCH_11),
    ("Tue. Mar. 11, 2025", MARCH_11),
    ("Tuesday 11 March 2025", MARCH_11),
    ("MARCH 11, 2025", MARCH_11),
    ("march 11, 2025", MARCH_11),
    ("March 11, 2025.", MARCH_11),
    ("  March 11, 2025 \r", MARCH_11),
    ("\tMarch 11, 2025\n", MARCH_11),
    ("25/03/2025", date(2025, 3, 25)),  # 25 is no month: day first
    ("03/25/2025", date(2025, 3, 25)),  # 25 is no month: month first
    ("03/03/2025", date(2025, 3, 3)),  # both readings agree
    ("Feb. 29, 2024", date(2024, 2, 29)),
    ("May 1, 2025", date(2025, 5, 1)),
]

NOT_DATELINES = [
    "March 11, 2025 was a day",
    "On March 11, 2025",
    "March",
    "March 11",
    "March 2025",
    "2025",
    "11",
    "",
    "   ",
    "Turkey has stepped forward to offer peacekeeping troops to Ukraine.",
    "11/03/2025",  # day/month or month/day: ambiguous, so not taken
    "Feb 30, 2025",  # no such day
    "Feb. 29, 2025",  # not a leap year
    "2025-13-01",
    "2025-02-30",
    "32 March 2025",
    "March 0, 2025",
    "Marchember 11, 2025",
    "Tuesday",
    "Tuesday, March 11, 2025, Kyiv",
    "March 11, 2025 10:30",
    "2025-03-11T10:30:00",
]


@pytest.mark.parametrize(("line", "expected"), DATELINES, ids=[d[0] for d in DATELINES])
def test_dateline(line: str, expected: date) -> None:
    assert parse_dateline(line) == expected


@pytest.mark.parametrize("line", NOT_DATELINES, ids=[repr(line) for line in NOT_DATELINES])
def test_not_a_dateline(line: str) -> None:
    assert parse_dateline(line) is None


def test_long_line_is_rejected_quickly() -> None:
    assert parse_dateline("March 11, 2025 " * 10_000) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789/-.,: MarchSeptuesdy\t\r\n")) | st.text())
def test_never_raises(line: str) -> None:
    result = parse_dateline(line)
    assert result is None or isinstance(result, date)
