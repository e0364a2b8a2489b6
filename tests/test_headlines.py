"""Headlines of plain-text articles: the first line when it reads as one, everywhere titles go.

The table holds first lines as real files have them (BBC stories, Reuters wire files, blogs,
press releases) with the verdict a reader would give.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import invoke
from search.articles.article import parse_article
from search.articles.headline import is_headline, text_headline
from search.index import Index, Options


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        # headlines
        ("Ad sales boost Time Warner profit", True),
        ("Mourinho defiant over Chelsea form", True),
        ("BAHIA COCOA REVIEW", True),
        ("OPEC MAY HAVE TO MEET TO FIRM PRICES - ANALYSTS", True),
        ("U.S. To Send Troops", True),
        ("'Ghost' voters row hits Labour", True),
        ("Dollar gains on Greenspan speech", True),
        ("Kenya's 'Beauty and the Beast' (2024)", True),
        ("Ukraine talks resume in Geneva", True),
        # sentences
        ("Quarterly profits at US media giant TimeWarner jumped 76%.", False),
        ("Why did the dollar fall?", False),
        ('He said: "We will not give in."', False),
        ("Showers continued throughout the week in the Bahia cocoa zone,", False),
        ("the talks ended without an agreement", False),
        (
            "Negotiators from Russia and Ukraine met for six hours on Monday in Geneva and agreed "
            "on nothing at all except to meet again in a fortnight in the same room",
            False,
        ),
        # bylines and sources
        ("By Jane Doe", False),
        ("BY JOHN SMITH, REUTERS", False),
        ("by staff writers", False),
        # date lines
        ("March 11, 2025", False),
        ("26-FEB-1987 15:01:01.79", False),
        ("Published: 11 March 2025", False),
        # wire slugs, codes, addresses
        ("BC-OPEC-PRICES", False),
        ("REUTER", False),
        ("&#3;", False),
        ("https://www.bbc.co.uk/news/business", False),
        ("12 345", False),
        ("", False),
    ],
)
def test_a_first_line_reads_as_a_headline_or_not(line: str, verdict: bool) -> None:
    assert is_headline(line) is verdict


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        (
            "Ad sales boost Time Warner profit\n\nQuarterly profits jumped 76%.\n",
            "Ad sales boost Time Warner profit",
        ),
        (
            "26-FEB-1987 15:01:01.79\n\nBAHIA COCOA REVIEW\n\n    Showers continued.\n",
            "BAHIA COCOA REVIEW",
        ),
        (
            "March 11, 2025\nTurkey offers troops\n\nTurkey offered troops.\n",
            "Turkey offers troops",
        ),
        ("\n\n  Chelsea  sack   Mourinho  \n\nHe left on Monday.\n", "Chelsea sack Mourinho"),
        ("Headline alone at the end", "Headline alone at the end"),
        # a line break alone: the start of a hard-wrapped sentence, no headline
        ("Ceasefire talks resumed in Geneva\non Monday, officials said.\n", None),
        ("By Jane Doe\n\nThe talks resumed.\n", None),
        ("The talks resumed.\n\nMore talks.\n", None),
        ("March 11, 2025\n\n", None),
        ("", None),
    ],
)
def test_the_headline_of_a_text(text: str, headline: str | None) -> None:
    assert text_headline(text) == headline


def test_the_headline_stays_sentence_one() -> None:
    article = parse_article(b"Chelsea sack Mourinho\n\nHe left on Monday.\n", "a.txt")
    assert article.title == "Chelsea sack Mourinho"
    assert [s.text for s in article.sentences] == ["Chelsea sack Mourinho", "He left on Monday."]


WIRE = (
    "26-FEB-1987 15:01:01.79\n\nOPEC OUTPUT SEEN RISING\n\n"
    "Oil output rose in February, traders said.\n"
)
BBC = (
    "Mourinho defiant over Chelsea form\n\n"
    "Chelsea manager Jose Mourinho said his side would recover.\n"
)


@pytest.fixture
def headlined(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    (folder / "sport").mkdir(parents=True)
    (folder / "00873.txt").write_text(WIRE, encoding="utf-8")
    (folder / "sport" / "184.txt").write_text(BBC, encoding="utf-8")
    index_dir = tmp_path / "index"
    assert invoke("index", "-q", "--index-dir", str(index_dir), str(folder)).exit_code == 0
    return index_dir


@pytest.mark.parametrize(
    ("query", "name", "title"),
    [
        ("title:Mourinho", "184", "Mourinho defiant over Chelsea form"),
        ("title:opec", "00873", "OPEC OUTPUT SEEN RISING"),
        ("title:OPEC", "00873", "OPEC OUTPUT SEEN RISING"),
    ],
)
def test_title_searches_plain_text_headlines_case_insensitively(
    headlined: Path, query: str, name: str, title: str
) -> None:
    with Index.open(headlined) as door:
        listed = door.answer(query, Options(shape="articles")).articles
    assert [(entry.name, entry.title) for entry in listed] == [(name, title)]


def test_the_command_lists_a_headline(headlined: Path) -> None:
    result = invoke("query", "--index-dir", str(headlined), "--json", "-l", "title:opec")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(row["name"], row["title"]) for row in rows] == [("00873", "OPEC OUTPUT SEEN RISING")]


def test_the_headline_is_shown_as_written(headlined: Path) -> None:
    result = invoke("query", "--index-dir", str(headlined), "--color", "never", "traders")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "1. 00873:2  1987-02-26  OPEC OUTPUT SEEN RISING"
    shown = invoke("show", "--index-dir", str(headlined), "--color", "never", "184")
    assert "title: Mourinho defiant over Chelsea form" in shown.output.splitlines()
    exported = invoke("export", "--index-dir", str(headlined), "--format", "jsonl")
    titles = {json.loads(line)["title"] for line in exported.output.splitlines()}
    assert titles == {"OPEC OUTPUT SEEN RISING", "Mourinho defiant over Chelsea form"}


@pytest.mark.parametrize(
    ("text", "date", "sentences"),
    [
        # BBC plain text: headline, blank line, date line, body
        (
            "Ad sales boost Time Warner profit\n\nJanuary 14, 2025\n\nProfits jumped 76%.\n",
            "2025-01-14",
            ["Ad sales boost Time Warner profit", "Profits jumped 76%."],
        ),
        (
            "Ad sales boost Time Warner profit\n\n14 January 2025\nProfits jumped 76%.\n",
            "2025-01-14",
            ["Ad sales boost Time Warner profit", "Profits jumped 76%."],
        ),
        (
            "Ad sales boost Time Warner profit\r\n\r\n14 January 2025\r\n\r\nProfits jumped.\r\n",
            "2025-01-14",
            ["Ad sales boost Time Warner profit", "Profits jumped."],
        ),
        # no blank line under the first line: no headline, so no dateline below it
        (
            "Ad sales boost Time Warner profit\n14 January 2025\n\nProfits jumped.\n",
            None,
            ["Ad sales boost Time Warner profit 14 January 2025", "Profits jumped."],
        ),
        # a sentence above the date line is no headline
        (
            "Profits jumped 76%.\n\nJanuary 14, 2025\n\nMore to come.\n",
            None,
            ["Profits jumped 76%.", "January 14, 2025", "More to come."],
        ),
        # only the line right under the headline is looked at
        (
            "Ad sales boost Time Warner profit\n\nProfits jumped.\n\nJanuary 14, 2025\n",
            None,
            ["Ad sales boost Time Warner profit", "Profits jumped.", "January 14, 2025"],
        ),
    ],
)
def test_a_dateline_under_the_headline_is_the_date(
    text: str, date: str | None, sentences: list[str]
) -> None:
    article = parse_article(text.encode(), "a.txt")
    assert (article.iso_date, [s.text for s in article.sentences]) == (date, sentences)
    assert article.title == (sentences[0] if date else text_headline(text))
    for sentence in article.sentences:  # offsets point into the file's text
        assert " ".join(article.text[sentence.start : sentence.end].split()) == sentence.text


def test_a_bbc_file_is_dated_and_searchable_by_date(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "052.txt").write_text(
        "Ad sales boost Time Warner profit\n\n14 January 2025\n\nProfits jumped 76%.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    assert invoke("index", "-q", "--index-dir", str(index_dir), str(folder)).exit_code == 0
    result = invoke("query", "--index-dir", str(index_dir), "--color", "never", "date:2025-01")
    assert result.exit_code == 0, result.output
    header = "1. 052:1  2025-01-14  Ad sales boost Time Warner profit"
    assert result.output.splitlines()[0] == header
    assert invoke("query", "--index-dir", str(index_dir), "january").exit_code == 1  # no sentence
