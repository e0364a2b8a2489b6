"""Issue 20 on the page and the API: the chart, the sources, the words, /api/trend, /api/words.

The corpus is test_trend.py's: three sources over four months of 2025, March empty, one
undated article, and one pair of copies.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from search.web.app import create_app  # noqa: E402
from test_trend import APRIL_STORIES, dated  # noqa: E402, F401


@pytest.fixture(scope="module")
def client(dated):  # noqa: F811
    with TestClient(create_app(dated)) as client:
        yield client


def test_api_trend_is_shaped_as_a_date_histogram(client):
    body = client.get("/api/trend", params={"q": "oil"}).json()
    assert body["by"] == "month"
    buckets = body["aggregations"]["trend"]["buckets"]
    assert [(b["key_as_string"], b["key"], b["doc_count"]) for b in buckets] == [
        ("2025-01", 1735689600000, 1),
        ("2025-02", 1738368000000, 2),
        ("2025-03", 1740787200000, 0),
        ("2025-04", 1743465600000, 2),
    ]
    assert buckets[-1] == {
        "key_as_string": "2025-04",
        "key": 1743465600000,
        "doc_count": 2,
        "articles": 2,
        "stories": APRIL_STORIES,
        "sentences": 2,
        "all_articles": 2,
        "share": 1.0,
    }
    oil = body["aggregations"]["queries"]["buckets"]["oil"]
    assert (oil["doc_count"], oil["undated"]) == (5, {"articles": 1, "sentences": 1})


def test_the_same_query_twice_is_counted_once(client):
    # The buckets are grouped by the query's text: `q=oil&q=oil` gave every bucket twice
    # and doubled doc_count; `compare` equal to `q` drew each bar twice.
    once = client.get("/api/trend", params={"q": "oil"}).json()
    twice = client.get("/api/trend", params={"q": ["oil", "oil"]}).json()
    assert twice["aggregations"] == once["aggregations"]
    page = client.get("/", params={"q": "oil", "compare": "oil"}).text
    alone = client.get("/", params={"q": "oil"}).text
    assert page.count("<rect") == alone.count("<rect")


def test_api_trend_compares_repeated_queries(client):
    body = client.get("/api/trend", params={"q": ["oil", "coffee"], "by": "source"}).json()
    per_query = body["aggregations"]["queries"]["buckets"]
    assert list(per_query) == ["oil", "coffee"]
    coffee = [
        (b["key"], b["doc_count"], b["all_articles"])
        for b in per_query["coffee"]["trend"]["buckets"]
    ]
    assert coffee == [("ap", 1, 3), ("bbc", 1, 2), ("reuters", 2, 2)]


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({}, 400, "q is missing"),
        ({"q": "oil", "by": "hour"}, 400, "by='hour' is not one of"),
        ({"q": "oil", "since": "2025-02-30"}, 400, "since '2025-02-30' is not a date"),
    ],
)
def test_api_trend_refuses_bad_input(client, params, status, error):
    response = client.get("/api/trend", params=params)
    assert response.status_code == status
    assert error in response.json()["error"]


def test_api_words_is_shaped_as_significant_text(client):
    body = client.get("/api/words", params={"q": "oil"}).json()
    assert set(body["aggregations"]) == {"words", "phrases", "names"}
    words = body["aggregations"]["words"]
    # 7 sentences hold "oil", 6 different ones (COPY is in two papers: counted once, in the
    # matches and in the archive's 12 sentences).
    assert (words["doc_count"], words["bg_count"]) == (6, 11)
    assert all(set(b) == {"key", "doc_count", "bg_count", "score"} for b in words["buckets"])
    assert body["sample"] == {"size": 6, "sampled": False}


def _bars(html: str) -> list[tuple[str, str, str]]:
    """(href, title, class) of each bar of the chart."""
    found = re.findall(
        r'<a href="([^"]*)"><title>([^<]*)</title><rect class="hit-area"[^>]*/>'
        r'<rect class="([^"]*)"',
        html,
    )
    return [(unescape(href), unescape(title), cls) for href, title, cls in found]


def test_the_page_charts_the_query_above_the_hits(client):
    html = client.get("/", params={"q": "oil"}).text
    assert html.index('<svg class="chart"') < html.index('<ol class="hits"')
    assert _bars(html) == [
        (
            "/?q=oil&since=2025-01-01&until=2025-01-31",
            "2025-01: 1 of 2 articles (50.0%), 1 sentence · oil",
            "bar s0",
        ),
        (
            "/?q=oil&since=2025-02-01&until=2025-02-28",
            "2025-02: 2 of 2 articles (100.0%), 3 sentences · oil",
            "bar s0",
        ),
        (
            "/?q=oil&since=2025-03-01&until=2025-03-31",
            "2025-03: 0 of 0 articles (0.0%), 0 sentences · oil",
            "bar s0",
        ),
        (
            "/?q=oil&since=2025-04-01&until=2025-04-30",
            "2025-04: 2 of 2 articles (100.0%), 2 sentences · oil",
            "bar s0",
        ),
    ]
    assert "1 undated article for <q>oil</q> not charted." in html
    assert html.count("<script") == 1  # only the page's own keys.js, nothing for the chart


def test_a_bar_links_to_its_months_hits(client):
    html = client.get("/", params={"q": "oil"}).text
    february = _bars(html)[1][0]
    page = client.get(february).text
    hits = re.findall(r'<time datetime="([^"]+)"', page)
    assert hits and set(hits) == {"2025-02-03", "2025-02-14"}
    assert 'class="bar s0 selected"' in page  # the month shown is marked
    assert "All dates" in page


def test_the_page_switches_to_share_and_compares(client):
    html = client.get("/", params={"q": "oil", "compare": "coffee", "measure": "share"}).text
    bars = _bars(html)
    assert [cls for _href, _title, cls in bars] == ["bar s0"] * 4 + ["bar s1"] * 4
    assert bars[4][1] == "2025-01: 1 of 2 articles (50.0%), 1 sentence · coffee"
    assert (
        '<a href="/?q=oil&amp;compare=coffee&amp;measure=share" aria-current="true">share</a>'
        in html
    )
    assert ">100.0%</text>" in html  # the scale is the share


def test_the_page_lists_sources_and_words_as_links(client):
    html = client.get("/", params={"q": "oil"}).text
    sources = re.findall(
        r'<li><a href="([^"]*)">([^<]*)</a> <span class="count">(\d+)</span>', html
    )
    assert [(unescape(h), name, int(n)) for h, name, n in sources] == [
        ("/?q=oil+source%3Aap", "ap", 3),
        ("/?q=oil+source%3Abbc", "bbc", 2),
        ("/?q=oil+source%3Areuters", "reuters", 1),
    ]
    filtered = client.get("/?q=oil+source%3Areuters").text
    assert "r2:1" in filtered and "b1:1" not in filtered


def test_a_source_with_a_space_links_to_its_articles(tmp_path):
    # A folder "Le Monde/" is the source "le monde"; its link added `source:le monde`,
    # which searches the word "monde" and found nothing.
    from conftest import invoke

    for folder, city in (("Le Monde", "Paris"), ("bbc", "London")):
        (tmp_path / "news" / folder).mkdir(parents=True)
        (tmp_path / "news" / folder / "a.txt").write_text(
            f"March 3, 2025\n\nOil talks began in {city}.\n"
        )
    index = tmp_path / "index"
    assert invoke("index", str(tmp_path / "news"), "-q", "--index-dir", str(index)).exit_code == 0
    with TestClient(create_app(index)) as client:
        html = client.get("/", params={"q": "oil"}).text
        links = dict(
            (name, unescape(href))
            for href, name in re.findall(r'<li><a href="([^"]*)">([^<]*)</a> <span', html)
        )
        assert links["le monde"] == "/?q=oil+source%3A%22le+monde%22"
        assert "Paris" in client.get(links["le monde"]).text


def test_a_bad_compare_query_is_one_line(client):
    response = client.get("/", params={"q": "oil", "compare": "("})
    assert response.status_code == 400
    assert "compare: nothing to search for" in response.text


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """test_languages' folder: the same talks in Istanbul in seven articles, six languages."""
    from conftest import invoke
    from test_languages import ARTICLES as MIXED

    root = tmp_path_factory.mktemp("mixed")
    for name, text in MIXED.items():
        (root / "news" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "news" / name).write_text(text, encoding="utf-8")
    assert (
        invoke("index", "-q", "--index-dir", str(root / "index"), str(root / "news")).exit_code == 0
    )
    with TestClient(create_app(root / "index")) as client:
        yield client


@pytest.mark.parametrize(
    ("lang", "articles"), [("", 4), ("en", 1), ("de", 1), ("fr", 1), ("ru", 0)]
)
def test_api_trend_and_words_take_lang_as_search_does(mixed, lang, articles):
    params = {"q": "Istanbul", "lang": lang, "scope": "article"}
    search = mixed.get("/api/search", params=params).json()
    assert search["hits"]["total"]["value"] == articles
    trend = mixed.get("/api/trend", params={**params, "by": "source"}).json()
    assert trend["aggregations"]["queries"]["buckets"]["Istanbul"]["doc_count"] == articles
    words = mixed.get("/api/words", params={"q": "Istanbul", "lang": lang}).json()
    assert words["sample"]["size"] == articles  # one sentence of each article


def test_an_unknown_lang_is_refused_by_all_three(mixed):
    for path in ("/api/search", "/api/trend", "/api/words"):
        response = mixed.get(path, params={"q": "Istanbul", "lang": "xx"})
        assert response.status_code == 400, path
        assert "unknown language 'xx'" in response.json()["error"]


def test_article_scope_rows_carry_their_language(mixed):
    body = mixed.get("/api/search", params={"q": "Istanbul", "scope": "article"}).json()
    rows = sorted((h["_source"]["article"], h["_source"]["language"]) for h in body["hits"]["hits"])
    assert rows == [("de", "de"), ("en", "en"), ("fr", "fr"), ("tr", "tr")]


@pytest.mark.parametrize(
    ("path", "params", "status", "error"),
    [
        ("/api/words", {"q": "oil", "n": "1000"}, 200, None),
        ("/api/words", {"q": "oil", "n": "1001"}, 400, "n=1001 is too many; at most 1000"),
        ("/api/trend", {"q": [f"oil{n}" for n in range(10)]}, 200, None),
        ("/api/trend", {"q": [f"oil{n}" for n in range(11)]}, 400, "11 queries (q) is too many"),
    ],
)
def test_api_words_n_and_trend_queries_are_capped(client, path, params, status, error):
    response = client.get(path, params=params)
    assert response.status_code == status
    if error:
        assert error in response.json()["error"]


def test_the_page_overview_is_of_the_language_asked(mixed):
    """The overview kept for a query is the one of its language too: `lang=de` after the
    same words in every language charts the German article alone."""

    def sources(params: dict) -> list[str]:
        page = mixed.get("/", params={"q": "Istanbul", "scope": "article", **params})
        assert page.status_code == 200
        section = page.text.split('<div class="sources">', 1)[1].split("</div>", 1)[0]
        return re.findall(r'<span class="count">([\d,]+)</span>', section)

    assert sources({}) == ["4"]
    assert sources({"lang": "de"}) == ["1"]
