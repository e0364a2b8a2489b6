"""parse_dateline: which lines are only a date."""

import time
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.articles.dateline import parse_dateline

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
    # issue 10: real first lines of news sites, wires and CMS exports
    ("March 11, 2025 10:32 AM EST", MARCH_11),
    ("2025-03-11T10:00:00Z", MARCH_11),
    ("Published: 11 March 2025", MARCH_11),
    ("Tue 11 Mar 2025 14.00 GMT", MARCH_11),
    ("26-FEB-1987 15:01:01.79", date(1987, 2, 26)),
    ("By Jane Doe | March 11, 2025", MARCH_11),
    ("March 11, 2025 10:30", MARCH_11),  # was out before issue 10: a time may follow
    ("2025-03-11T10:30:00", MARCH_11),  # was out before issue 10: an ISO datetime
    ("2025-03-11T23:30:00-05:00", MARCH_11),  # the date as printed, never moved by the zone
    ("2025-03-11 10:00:00.123456+00:00", MARCH_11),
    ("2025-03-11T10:00:00.000+0100", MARCH_11),
    ("2025/03/11 10:00", MARCH_11),
    ("Tue, 11 Mar 2025 14:00:00 +0000", MARCH_11),
    ("Tue, 11 Mar 2025 14:00:00 GMT", MARCH_11),
    ("11-Mar-2025", MARCH_11),
    ("11-MAR-2025 09:15", MARCH_11),
    ("TUESDAY, MARCH 11, 2025", MARCH_11),
    ("Mar 11, 2025, 10:32 a.m. ET", MARCH_11),
    ("March 11, 2025 at 10:32 a.m.", MARCH_11),
    ("March 11, 2025 at 3pm", MARCH_11),
    ("March 11, 2025 | 10:32 AM (EST)", MARCH_11),
    ("March 11, 2025 - 10.32am BST", MARCH_11),
    ("11 March 2025 14:00 CET", MARCH_11),
    ("11 March 2025 14:00 UTC+1", MARCH_11),
    ("Updated: March 11, 2025 10:32 AM EDT", MARCH_11),
    ("Updated 10:32 AM EST, Tue March 11, 2025", MARCH_11),
    ("Last updated: Tuesday 11 March 2025", MARCH_11),
    ("Last updated on 11 March 2025 at 14:00 GMT", MARCH_11),
    ("Posted March 11, 2025", MARCH_11),
    ("Posted on March 11, 2025 by Jane Doe", MARCH_11),
    ("Posted by Jane Doe on March 11, 2025", MARCH_11),
    ("First published on Tue 11 Mar 2025 14.00 GMT", MARCH_11),
    ("PUBLISHED: 11 MARCH 2025", MARCH_11),
    ("Date: 2025-03-11", MARCH_11),
    ("By Jane Doe - March 11, 2025", MARCH_11),
    ("By Jane Doe — Tuesday, March 11, 2025", MARCH_11),
    ("By Jane Doe – 11 March 2025", MARCH_11),
    ("By Jane Doe · 11 Mar 2025", MARCH_11),
    ("By Jane Doe, March 11, 2025", MARCH_11),
    ("BY JANE DOE | MARCH 11, 2025", MARCH_11),
    ("By J. R. Smith and Ana de Armas, Reuters | Updated 10:32 AM EST, March 11, 2025", MARCH_11),
    ("By Jane Doe | Reuters | March 11, 2025", MARCH_11),
    ("By Zoë Łukasiewicz-O’Brien | 11 March 2025", MARCH_11),
    ("March 11, 2025 by Jane Doe", MARCH_11),
    ("March 11, 2025 10 AM WEST", MARCH_11),
    ("25.03.2025 14.00", date(2025, 3, 25)),
    ("Mar.\u00a011,\u00a02025", MARCH_11),  # no-break spaces, as HTML exports print them
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
    # issue 10: a date with words around it that are no label, byline, time or zone
    "March 11, 2025 was a day of talks.",
    "May 5 people died",
    "May 5, 2025 people died",
    "By the way, March 11, 2025 was a Tuesday",
    "By the way, March 11, 2025",
    "2025-03-11 is the deadline",
    "By Jane Doe",
    "By Jane Doe | Reuters",
    "Published: March 2025",
    "Updated 10:32 AM EST",
    "Reuters | March 11, 2025",  # no "By": might be a headline, which is a sentence
    "Turkey Offers Troops — March 11, 2025",
    "KYIV, March 11, 2025",
    "March 11, 2025 25:00",  # no such hour
    "March 11, 2025 10:75",  # no such minute
    "March 11, 2025 10",  # a bare number is no time
    "March 11, 2025 west",
    "March 11, 2025 10 am west",  # zones are read in capitals only ("10 AM WEST" is one)
    "By jane doe | March 11, 2025",  # a name is capitalised
    "March 11, 2025 10:32 AM the talks resumed.",
    "March 11, 2025 10:32 AM Kyiv",
    "March 11, 202510:32",
    "2025-03-11T",
    "26-FEB-1987 15:01:01.79 REUTERS said",
    "11.03.2025 14.00",  # still ambiguous with a time
    "Posted by the editor on March 11, 2025",
    "By the time March 11, 2025 came, talks resumed.",
    "The talks resumed on March 11, 2025.",
]


@pytest.mark.parametrize(("line", "expected"), DATELINES, ids=[d[0] for d in DATELINES])
def test_dateline(line: str, expected: date) -> None:
    assert parse_dateline(line) == expected


@pytest.mark.parametrize("line", NOT_DATELINES, ids=[repr(line) for line in NOT_DATELINES])
def test_not_a_dateline(line: str) -> None:
    assert parse_dateline(line) is None


def test_long_line_is_rejected_quickly() -> None:
    assert parse_dateline("March 11, 2025 " * 10_000) is None


def test_adversarial_lines_are_fast() -> None:
    """Once per article: even lines built to make the regexes backtrack stay well under 10 ms."""
    lines = [
        "By " + "A " * 98,
        "By " + "A." * 90 + " 2025",
        "By " + "A | " * 45 + "2025-03-11 x",
        "By " + "A and " * 30 + "| 2025",
        "Published: " + "10:32 " * 30 + "2025",
    ]
    for line in lines:
        # The time this thread spent working (not waiting for a core on a loaded machine).
        start = time.thread_time()
        assert parse_dateline(line) is None
        assert time.thread_time() - start < 0.01


ALPHABET = "0123456789/-.,:|—T+ MarchSeptuesdyByJaneDoPublishd AMEST\t\r\n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET)) | st.text())
def test_never_raises(line: str) -> None:
    result = parse_dateline(line)
    assert result is None or isinstance(result, date)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text())))
def test_not_a_string_is_no_date(value: object) -> None:
    assert parse_dateline(value) is None  # type: ignore[arg-type]


# Generated datelines: a date printed by one of several formats, with optional parts around it.
DATE_FORMATS = [
    "{month} {day}, {year}",
    "{mon}. {day} {year}",
    "{day} {month} {year}",
    "{day} {mon} {year}",
    "{day:02d}-{MON}-{year}",
    "{year}-{m:02d}-{day:02d}",
    "{year}/{m:02d}/{day:02d}",
    "{MONTH} {day}, {year}",
]
TIME_FORMATS = [
    "",
    " {h24:02d}:{minute:02d}",
    " {h12}:{minute:02d} {ampm}",
    " at {h12}:{minute:02d} {ampm_dots}",
    ", {h12}:{minute:02d}{ampm}",
    " {h24:02d}.{minute:02d} GMT",
    " {h24:02d}:{minute:02d}:{second:02d}.{centi:02d}",
    " {h12}:{minute:02d} {ampm} EST",
    " | {h24:02d}:{minute:02d} UTC",
]
PREFIXES = ["", "{weekday}, ", "{wkd} ", "Published: ", "Updated ", "By Jane Doe | ", "Posted on "]


@st.composite
def datelines(draw: st.DrawFn) -> tuple[str, date]:
    when = draw(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
    hour12 = when.hour % 12 or 12
    ampm = "AM" if when.hour < 12 else "PM"
    fields = {
        "year": when.year,
        "m": when.month,
        "day": when.day,
        "month": when.strftime("%B"),
        "MONTH": when.strftime("%B").upper(),
        "mon": when.strftime("%b"),
        "MON": when.strftime("%b").upper(),
        "weekday": when.strftime("%A"),
        "wkd": when.strftime("%a"),
        "h24": when.hour,
        "h12": hour12,
        "minute": when.minute,
        "second": when.second,
        "centi": when.microsecond // 10_000,
        "ampm": ampm,
        "ampm_dots": ampm.lower()[0] + ".m.",
    }
    line = (
        draw(st.sampled_from(PREFIXES))
        + draw(st.sampled_from(DATE_FORMATS))
        + draw(st.sampled_from(TIME_FORMATS))
    ).format(**fields)
    iso = when.isoformat() + draw(st.sampled_from(["", "Z", "+01:00", "-0500"]))
    return draw(st.sampled_from([line, iso])), when.date()


@settings(max_examples=500, deadline=None)
@given(datelines())
def test_generated_datelines_round_trip(case: tuple[str, date]) -> None:
    line, expected = case
    assert parse_dateline(line) == expected


CLAUSES = [
    "the talks resumed.",
    "was a day of talks.",
    "Turkey offered troops to Ukraine.",
    "officials said on Tuesday",
    "is the deadline",
    "he said.",
    "it rained",
]


@settings(max_examples=500, deadline=None)
@given(
    datelines(),
    st.sampled_from(CLAUSES),
    st.sampled_from([" ", ", ", " - ", " | ", ": "]),
    st.booleans(),
)
def test_a_sentence_around_a_date_is_no_date(
    case: tuple[str, date], clause: str, joiner: str, clause_first: bool
) -> None:
    line, _ = case
    text = clause + joiner + line if clause_first else line + joiner + clause
    assert parse_dateline(text) is None


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 31),
    st.integers(1, 31),
    st.integers(1000, 9999),
    st.sampled_from("/.-"),
)
def test_numeric_day_month_is_read_only_when_unambiguous(
    a: int, b: int, year: int, sep: str
) -> None:
    readings = set()
    for month, day in ((a, b), (b, a)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
    expected = readings.pop() if len(readings) == 1 else None
    assert parse_dateline(f"{a:02d}{sep}{b:02d}{sep}{year}") == expected
