"""The article page of `search serve`: the article as its file has it (paragraphs), every
word of the query marked, links from hit to hit, the headline as the page's title."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from search.articles.article import parse_article
from search.articles.paragraphs import paragraph_numbers
from tests.conftest import invoke

pytest.importorskip("starlette", reason="search serve needs the serve extra")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

from starlette.testclient import TestClient  # noqa: E402

from search.web import app as server  # noqa: E402

STORY = (
    "March 3, 2025\n"
    "Athletes banned for steroids\n"
    "\n"
    "Two athletes were suspended on Monday. They had failed doping tests.\n"
    "\n"
    "Both had taken steroids before the trials, the federation said.\n"
    "The ban will last four years.\n"
    "\n\n"
    "Athletes may appeal the ban within a month.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.\n\nThree.\nFour.\n", [1, 1, 2, 2]),
        ("One.\r\n\r\nTwo.\r\nThree.\r\n", [1, 2, 2]),  # CRLF
        ("One.\n   \n\n  Two.\n", [1, 2]),  # a break of blank lines with spaces
        ("Key points:\n\n• Taxes rise.\n• Spending falls.\n\nEnd.\n", [1, 2, 2, 3]),
        ("May 5, 2025\nOne.\n\nTwo.\n", [1, 2]),  # a dateline is no paragraph of its own
        # No blank line at all: a paragraph per line (a sentence's line is where it starts).
        ("May 5, 2025\nOne. Two.\nThree.\nFour and\nfive.\n", [1, 1, 2, 3]),
        (STORY, [1, 2, 2, 3, 3, 4]),
    ],
)
def test_paragraph_numbers(text, expected):
    article = parse_article(text.encode(), "story.txt")
    assert paragraph_numbers(article.text, article.sentences) == expected


@pytest.fixture(scope="module")
def story_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("story")
    (root / "articles").mkdir()
    (root / "articles" / "banned.txt").write_text(STORY, "utf-8")
    (root / "articles" / "other.txt").write_text("Nothing about athletes here.\n", "utf-8")
    index_dir = root / "index"
    result = invoke("index", str(root / "articles"), "--index-dir", str(index_dir), "-q")
    assert result.exit_code == 0, result.stderr
    with TestClient(server.create_app(index_dir)) as client:
        yield client


def paragraphs(page: str) -> list[list[str]]:
    """The sentence ids of each paragraph of an article page."""
    found = re.findall(r'<p class="paragraph">(.*?)</p>', page, re.S)
    return [re.findall(r'<span id="(s\d+)"', paragraph) for paragraph in found]


def test_the_article_is_shown_in_its_paragraphs(story_client):
    page = story_client.get("/articles/banned").text
    assert paragraphs(page) == [["s1"], ["s2", "s3"], ["s4", "s5"], ["s6"]]
    assert "<mark>" not in page and 'class="hit-nav"' not in page


def test_every_word_of_the_query_is_marked_and_hits_link_to_each_other(story_client):
    page = story_client.get("/articles/banned", params={"q": "athletes ban"}).text
    marked = re.findall(r"<mark>(.*?)</mark>", page)
    assert [word.lower() for word in marked] == ["athletes", "athletes", "ban", "athletes", "ban"]
    # At sentence scope, a hit has both words: sentence 6 alone ("banned" is another word).
    assert re.findall(r'<span id="(s\d+)" class="sentence hit', page) == ["s6"]
    assert "1 hit" in page

    params = {"q": "athletes", "hit": "2"}
    page = story_client.get("/articles/banned", params=params).text
    assert re.findall(r'<span id="(s\d+)" class="sentence hit', page) == ["s1", "s2", "s6"]
    assert '<span id="s2" class="sentence hit current" aria-current="true">' in page
    assert "hit 2 of 3" in page
    (following,) = re.findall(r'<a rel="next" href="([^"]+)">', page)
    assert html.unescape(following) == "/articles/banned?q=athletes&hit=6#s6"
    last = story_client.get(html.unescape(following)).text
    assert "hit 3 of 3" in last and '<span class="off">Next hit →</span>' in last
    (back,) = re.findall(r'<a rel="prev" href="([^"]+)">', last)
    assert html.unescape(back) == "/articles/banned?q=athletes&hit=2#s2"
    first = story_client.get("/articles/banned", params={**params, "hit": "1"}).text
    assert "hit 1 of 3" in first and '<span class="off">← Previous hit</span>' in first


def test_at_article_scope_every_sentence_with_a_word_is_a_hit(story_client):
    params = {"q": "athletes steroids ban", "scope": "article"}
    page = story_client.get("/articles/banned", params=params).text
    hits = re.findall(r'<span id="(s\d+)" class="sentence hit', page)
    assert hits == ["s1", "s2", "s4", "s5", "s6"]
    (first,) = re.findall(r'<a rel="next" href="([^"]+)">', page)  # opened at no hit
    assert html.unescape(first).endswith("&hit=1#s1")


def test_the_headline_is_the_title_and_a_bad_query_marks_nothing(story_client, tmp_path: Path):
    page = story_client.get("/articles/banned", params={"q": '"'}).text
    assert "<title>banned · search</title>" in page  # a plain-text file has no headline yet
    assert "<mark>" not in page
    titled = tmp_path / "titled"
    titled.mkdir()
    (titled / "story.md").write_text("# Athletes banned\n\nTwo athletes were banned.\n")
    index_dir = tmp_path / "index"
    assert invoke("index", str(titled), "--index-dir", str(index_dir), "-q").exit_code == 0
    with TestClient(server.create_app(index_dir)) as client:
        page = client.get("/articles/story", params={"q": "athletes"}).text
    assert "<title>Athletes banned · search</title>" in page
    assert "<h1>Athletes banned</h1>" in page
