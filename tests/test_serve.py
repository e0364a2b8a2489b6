"""`search serve`: the JSON API and the page, through Starlette's TestClient, and the
command itself (its URL line, Ctrl-C, port in use, the non-loopback warning).

The API's answers are compared with the command line's on the same index, so the
server can only be right by asking the same library.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlencode

import markupsafe
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEARCH_BIN, SEED_NAME, assert_one_line_error, invoke

pytest.importorskip("starlette", reason="search serve needs the serve extra")
pytest.importorskip("jinja2", reason="search serve needs the serve extra")
httpx = pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

import anyio  # noqa: E402  (Starlette's own dependency)
from starlette.testclient import TestClient  # noqa: E402

from search.index import update  # noqa: E402
from search.web import app as server  # noqa: E402

HOSTILE_QUERY = '"><img src=x onerror=alert(1)>'
HOSTILE_NAME = 'x"><img src=y onerror=alert(2)>'
HOSTILE_TEXT = "Hostile <script>alert(3)</script> ceasefire & <b>bold</b> claims."
SECURITY = {"content-security-policy": "default-src 'self'", "x-content-type-options": "nosniff"}


@pytest.fixture
def client(corpus_index: Path):
    with TestClient(server.create_app(corpus_index)) as test_client:
        yield test_client


def api(client, **params) -> dict:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(found: dict) -> list[str]:
    return [hit["_id"] for hit in found["hits"]["hits"]]


def cli_hits(index_dir: Path, query: str, *options: str) -> list[dict]:
    result = invoke("query", query, *options, "--all", "--json", "--index-dir", str(index_dir))
    assert result.exit_code in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# The search API ------------------------------------------------------------------------


# (query, API parameters, the same options for the CLI)
SAME_AS_CLI = [
    ("Turkey peacekeeping", {}, []),
    ("ceasefire", {}, []),
    ("Turkey Russia", {"any": "1"}, ["--any"]),
    ("Turkey Russia -Ukraine", {"any": "true"}, ["--any"]),
    ("ceasefire OR elections", {"sort": "date"}, ["--sort", "date"]),
    ("ceasefire OR elections", {"sort": "article"}, ["--sort", "article"]),
    ("talks", {"since": "2025-01-20", "until": "2025-01-20"}, ["--since", "2025-01-20"]),
    ("peace*", {"until": "2025-03-11"}, ["--until", "2025-03-11"]),
    ('"peacekeeping troops"', {}, []),
    ("date:2025-06", {}, []),
]


@pytest.mark.parametrize(("query", "params", "options"), SAME_AS_CLI)
def test_search_finds_what_the_cli_finds_in_its_order(
    client, corpus_index, query, params, options
) -> None:
    found = api(client, q=query, limit=1000, **params)
    expected = cli_hits(corpus_index, query, *options)
    assert ids(found) == [f"{h['article']}:{h['sentence']}" for h in expected]
    assert [hit["_source"] for hit in found["hits"]["hits"]] == expected
    assert found["hits"]["total"] == {"value": len(expected), "relation": "eq"}


# (API parameters, the same options for the CLI, the undated matches left out of "ceasefire")
UNDATED_AS_CLI = [
    ({}, [], 0),
    ({"since": "2025-01-01"}, ["--since", "2025-01-01"], 1),
    ({"until": "2025-12-31"}, ["--until", "2025-12-31"], 1),
    (
        {"since": "2025-01-01", "include_undated": "1"},
        ["--since", "2025-01-01", "--include-undated"],
        0,
    ),
    ({"include_undated": "yes"}, ["--include-undated"], 0),
]


@pytest.mark.parametrize(("params", "options", "left_out"), UNDATED_AS_CLI)
def test_a_date_filter_counts_the_undated_matches_it_left_out_as_the_cli_does(
    client, corpus_index, params, options, left_out
) -> None:
    found = api(client, q="ceasefire", limit=1000, **params)
    expected = cli_hits(corpus_index, "ceasefire", *options)
    assert [hit["_source"] for hit in found["hits"]["hits"]] == expected
    assert found["hits"]["undated_left_out"] == left_out
    result = invoke("query", "ceasefire", *options, "--index-dir", str(corpus_index))
    note = f"{left_out} undated match left out; --include-undated keeps them\n"
    assert result.stderr == (note if left_out else "")


def test_search_response_is_shaped_like_elasticsearch(client) -> None:
    found = api(client, q="Turkey peacekeeping")
    assert set(found) == {"took", "timed_out", "hits", "did_you_mean"}
    assert isinstance(found["took"], int) and found["took"] >= 0
    assert found["timed_out"] is False
    hits = found["hits"]["hits"]
    assert found["hits"]["max_score"] == hits[0]["_score"] == max(h["_score"] for h in hits)
    for hit in hits:
        source = hit["_source"]
        assert hit["_id"] == f"{source['article']}:{source['sentence']}"
        assert hit["_score"] == source["score"]
        (fragment,) = hit["highlight"]["text"]
        marked = re.findall(r"<em>(.*?)</em>", fragment)
        assert marked == [source["text"][a:b] for a, b in source["matches"]]
        assert {word.lower() for word in marked} <= {"turkey", "peacekeeping"}


def test_dates_are_inclusive_at_both_ends(client) -> None:
    # The ceasefire article is dated 2025-01-20; the elections article 2025-06-02.
    def articles(**dates) -> set[str]:
        found = api(client, q="ceasefire OR elections", limit=100, **dates)
        return {hit["_source"]["article"] for hit in found["hits"]["hits"]}

    assert articles(since="2025-01-20", until="2025-01-20") == {"2025-01_ceasefire"}
    assert articles(since="2025-06-02") == {"2025-06_elections"}
    assert articles(until="2025-06-02") == {"2025-01_ceasefire", "2025-06_elections", SEED_NAME}
    assert articles(since="2025-01-21", until="2025-06-01") == {SEED_NAME}
    assert articles(since="2025-06-03") == set()


@pytest.mark.parametrize("sort", ["relevance", "date", "article"])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_pages_join_up_to_the_whole_list(client, sort, size) -> None:
    everything = api(client, q="Turkey OR ceasefire OR Russia", sort=sort, limit=1000)
    total = everything["hits"]["total"]["value"]
    assert total > 5
    pages = [
        api(client, q="Turkey OR ceasefire OR Russia", sort=sort, limit=size, offset=offset)
        for offset in range(0, total + size, size)
    ]
    assert [i for page in pages for i in ids(page)] == ids(everything)
    ranks = [hit["_source"]["rank"] for page in pages for hit in page["hits"]["hits"]]
    assert ranks == list(range(1, total + 1))
    assert {page["hits"]["total"]["value"] for page in pages} == {total}
    assert {page["hits"]["max_score"] for page in pages} == {everything["hits"]["max_score"]}
    assert (everything["hits"]["max_score"] is None) == (sort != "relevance")


def test_limit_is_capped_at_1000(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "long.txt").write_text(
        "\n\n".join(f"Report {n} says the ceasefire holds." for n in range(1, 1201)), "utf-8"
    )
    index_dir = tmp_path / "many-index"
    assert invoke("index", str(folder), "--index-dir", str(index_dir)).exit_code == 0
    with TestClient(server.create_app(index_dir)) as client:
        found = api(client, q="ceasefire", limit=5000)
        assert found["hits"]["total"]["value"] == 1200
        assert len(found["hits"]["hits"]) == server.MAX_LIMIT == 1000
        assert found["limit_capped"] == {"asked": 5000, "limit": 1000, "next_offset": 1000}
        rest = api(client, q="ceasefire", limit=1000, offset=1000)
        assert len(ids(rest)) == 200
        assert "limit_capped" not in rest  # said only when the limit asked was cut
        assert api(client, q="ceasefire", limit=2000, offset=200)["limit_capped"] == {
            "asked": 2000,
            "limit": 1000,
            "next_offset": 1200,
        }


def test_a_miss_suggests_a_correction(client) -> None:
    found = api(client, q="peacekeping troups")
    assert found["hits"]["total"]["value"] == 0 and found["hits"]["hits"] == []
    assert found["hits"]["max_score"] is None
    assert found["did_you_mean"] == "peacekeeping troops"
    assert api(client, q="ceasefire")["did_you_mean"] is None


# Errors ----------------------------------------------------------------------------------

BAD_QUERIES = ["", "   ", "... ,,,", "*", "(" * 25 + "Turkey", "x" * 2001, "date:2025-13"]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_bad_query_is_a_400_with_the_cli_message(client, corpus_index, query) -> None:
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 400
    cli = invoke("query", "--index-dir", str(corpus_index), "--", query)
    assert_one_line_error(cli)
    assert response.json() == {"error": cli.stderr.removeprefix("search: ").rstrip("\n")}


@pytest.mark.parametrize(
    ("params", "phrase"),
    [
        ({"sort": "best"}, "sort="),
        ({"limit": "0"}, "limit="),
        ({"limit": "ten"}, "limit="),
        ({"limit": "-5"}, "limit="),
        ({"offset": "-1"}, "offset="),
        ({"offset": "9995", "limit": "10"}, "10000"),
        ({"since": "2025-02-30"}, "since '2025-02-30' is not a date"),
        ({"until": "yesterday"}, "until 'yesterday' is not a date"),
        (
            {"since": "2025-04", "until": "2025-03"},
            "the date range is empty: since 2025-04-01 is after until 2025-03-31; swap them",
        ),
        ({"any": "maybe"}, "any="),
    ],
)
def test_bad_parameters_are_400s_that_name_them(client, params, phrase) -> None:
    response = client.get("/api/search", params={"q": "Turkey", **params})
    assert response.status_code == 400
    (message,) = response.json().values()
    assert phrase in message and "\n" not in message


@pytest.mark.parametrize(
    ("url", "status", "phrase"),
    [
        ("/api/articles/no-such-article", 404, 'no article "no-such-article"'),
        ("/api/nothing-here", 404, "Not Found"),
        ("/articles/no-such-article", 404, 'no article "no-such-article"'),
    ],
)
def test_unknown_things_are_404s(client, url, status, phrase) -> None:
    response = client.get(url)
    assert response.status_code == status
    shown = response.json()["error"] if url.startswith("/api/") else html.unescape(response.text)
    assert phrase in shown


@pytest.mark.parametrize(
    "url", ["/api/search?q=Turkey", "/api/status", f"/api/articles/{SEED_NAME}", "/?q=Turkey"]
)
def test_no_index_yet_is_a_503(tmp_path: Path, url) -> None:
    with TestClient(server.create_app(tmp_path / "nothing")) as client:
        response = client.get(url)
    assert response.status_code == 503
    if url.startswith("/api/"):
        (message,) = response.json().values()
    else:
        message = html.unescape(response.text)
    assert 'run "search index" first' in message


def test_a_slow_search_is_a_503_and_does_not_hold_the_server(corpus_index, monkeypatch) -> None:
    from search.index import Index

    answer = Index.answer
    # The slow search runs until the test lets it go: the answers below come while it runs,
    # whatever the machine's speed (60 s is only a bound for a server that would wait).
    # The library's one door is held up, so no move inside the engine undoes the test.
    released, finished = threading.Event(), threading.Event()

    def slow_answer(self, query, *args, **options):
        if getattr(query, "text", query) == "slow":
            released.wait(60)
            finished.set()
        return answer(self, query, *args, **options)

    monkeypatch.setattr(Index, "answer", slow_answer)
    with TestClient(server.create_app(corpus_index, time_limit=0.5)) as client:
        try:
            response = client.get("/api/search", params={"q": "slow"})
            assert not finished.is_set()  # answered before the slow search ended
            assert response.status_code == 503
            assert "took longer than 0.5 s" in response.json()["error"]
            # Another worker answers while the slow search still runs.
            assert api(client, q="Turkey")["hits"]["total"]["value"] > 0
            assert not finished.is_set()
        finally:
            released.set()


# The other endpoints ------------------------------------------------------------------


def test_article_endpoint_gives_what_show_gives(client, corpus_index) -> None:
    shown = invoke("show", SEED_NAME, "--json", "--index-dir", str(corpus_index))
    rows = [json.loads(line) for line in shown.stdout.splitlines()]
    data = client.get(f"/api/articles/{SEED_NAME}").json()
    assert (data["article"], data["path"], data["date"]) == (
        rows[0]["article"],
        rows[0]["path"],
        rows[0]["date"],
    )
    assert data["sentences"] == [{"sentence": r["sentence"], "text": r["text"]} for r in rows]
    # A unique prefix, and the full path, name the same article.
    assert client.get("/api/articles/000_88").json() == data
    assert client.get(f"/api/articles/{data['path']}").json() == data


def test_status_endpoint_is_status_json(client, corpus_index) -> None:
    cli = invoke("status", "--json", "--index-dir", str(corpus_index))
    assert client.get("/api/status").json() == json.loads(cli.stdout)


# Headers, methods, escaping ---------------------------------------------------------------

EVERY_KIND_OF_RESPONSE = [
    "/",
    "/?q=Turkey",
    "/?q=",
    "/?q=the",
    f"/articles/{SEED_NAME}?hit=3",
    "/articles/nope",
    "/api/search?q=Turkey",
    "/api/search?q=",
    "/api/status",
    f"/api/articles/{SEED_NAME}",
    "/api/articles/nope",
    "/api/openapi.json",
    "/static/style.css",
    "/static/keys.js",
    "/static/nope.css",
    "/no-such-page",
]


@pytest.mark.parametrize("url", EVERY_KIND_OF_RESPONSE)
def test_every_response_carries_the_security_headers(client, url) -> None:
    for method in ("GET", "POST"):
        response = client.request(method, url)
        for name, value in SECURITY.items():
            assert response.headers.get(name) == value, (method, url, response.status_code)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "url",
    ["/", "/api/search?q=Turkey", "/api/status", f"/api/articles/{SEED_NAME}", "/static/style.css"],
)
def test_nothing_but_get_is_allowed(client, method, url) -> None:
    response = client.request(method, url)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_head_works_where_get_does(client) -> None:
    assert client.head("/api/status").status_code == 200


@pytest.fixture
def hostile_index(tmp_path: Path, corpus: Path) -> Path:
    (corpus / f"{HOSTILE_NAME}.txt").write_text(
        f"June 3, 2025\n{HOSTILE_TEXT}\nA second ceasefire sentence.\n", "utf-8"
    )
    index_dir = tmp_path / "hostile-index"
    result = invoke("index", str(corpus), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return index_dir


def _no_live_markup(html: str) -> None:
    for raw in ("<script>alert", "<img src=x", "<img src=y", "<b>bold", 'y onerror=alert(2)>"'):
        assert raw not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/keys.js" defer>']


def test_hostile_queries_names_and_articles_render_as_text(hostile_index: Path) -> None:
    with TestClient(server.create_app(hostile_index)) as client:
        page = client.get("/", params={"q": f"ceasefire {HOSTILE_QUERY}", "any": "1"})
        assert page.status_code == 200
        _no_live_markup(page.text)
        # The hostile sentence is a hit (plain-text articles show no headline), escaped
        # around its highlighted words.
        assert "&lt;script&gt;<mark>alert</mark>(3)&lt;/script&gt;" in page.text
        assert "x&#34;&gt;&lt;img src=y onerror=alert(2)&gt;" in page.text
        assert 'value="ceasefire &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page.text

        miss = client.get("/", params={"q": HOSTILE_QUERY})
        _no_live_markup(miss.text)

        article = client.get(f"/articles/{HOSTILE_NAME}", params={"hit": 1, "q": HOSTILE_QUERY})
        assert article.status_code == 200
        _no_live_markup(article.text)
        # Every word of the query is marked on the article page too, around escaped text.
        assert "&lt;script&gt;<mark>alert</mark>(3)&lt;/script&gt;" in article.text

        found = api(client, q="ceasefire", limit=100)
        (hostile,) = [h for h in found["hits"]["hits"] if h["_source"]["text"] == HOSTILE_TEXT]
        assert hostile["_id"] == f"{HOSTILE_NAME}:1"
        (fragment,) = hostile["highlight"]["text"]
        assert fragment == (
            "Hostile &lt;script&gt;alert(3)&lt;/script&gt; <em>ceasefire</em> "
            "&amp; &lt;b&gt;bold&lt;/b&gt; claims."
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.sampled_from("ab <>\"'&()*:~-/=!TurkeyORNOT"), max_size=40))
def test_any_query_is_a_page_or_a_400_and_is_escaped(client, text) -> None:
    page = client.get("/", params={"q": text})
    assert page.status_code in (200, 400)
    assert "<img" not in page.text and "<b>" not in page.text
    assert f'value="{markupsafe.escape(text)}"' in page.text
    response = client.get("/api/search", params={"q": text})
    assert response.status_code in (200, 400)
    assert set(response.json()) in ({"error"}, {"took", "timed_out", "hits", "did_you_mean"})


# The page -------------------------------------------------------------------------------


def test_the_page_without_a_query_is_the_form(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<form class="search" method="get" action="/"' in page.text
    for field in ('name="q"', 'name="any"', 'name="since"', 'name="until"', 'name="sort"'):
        assert field in page.text
    assert "Query syntax" in page.text
    # Every word is indexed (README: "There is no stop list"); the help must not say otherwise.
    assert "not indexed" not in page.text and "every word is indexed" in page.text
    assert '<ol class="hits"' not in page.text


def test_the_page_shows_ranked_highlighted_hits_with_where_they_came_from(client) -> None:
    page = client.get("/", params={"q": "Turkey peacekeeping"})
    assert page.status_code == 200
    found = api(client, q="Turkey peacekeeping")
    assert re.search(rf"{found['hits']['total']['value']} sentences\s", page.text)
    assert re.search(r'<span class="took">\d+ ms</span>', page.text)
    hits = re.findall(r'<li class="hit">(.*?)</li>', page.text, re.S)
    order = [re.search(r'class="where"[^>]*>([^<]+)</a>', hit).group(1) for hit in hits]
    assert order == ids(found)
    for hit, source in zip(hits, (h["_source"] for h in found["hits"]["hits"]), strict=True):
        assert re.search(r"<mark>Turkey</mark>.*<mark>peacekeeping</mark>", hit, re.I | re.S) or (
            re.search(r"<mark>peacekeeping</mark>.*<mark>Turkey</mark>", hit, re.I | re.S)
        )
        assert f'<time datetime="{source["date"]}">' in hit
        assert source["title"] is None  # plain text: no headline, rather than its lead again
        assert 'class="headline"' not in hit


def test_the_page_paginates_with_links_that_keep_the_query(client) -> None:
    query = {"q": "Turkey OR ceasefire OR Russia", "sort": "date"}
    total = api(client, **query)["hits"]["total"]["value"]
    pages = -(-total // server.PAGE_SIZE)
    assert pages >= 2
    url = "/?" + urlencode(query)
    seen = []
    for number in range(1, pages + 1):
        page = client.get(url)
        assert f"page {number} of {pages}" in page.text
        assert f'<ol class="hits" start="{(number - 1) * server.PAGE_SIZE + 1}">' in page.text
        assert ('rel="prev"' in page.text) == (number > 1)
        seen += re.findall(r'class="where"[^>]*>([^<]+)</a>', page.text)
        links = re.findall(r'<a rel="next" href="([^"]+)"', page.text)
        if number < pages:
            (url,) = (link.replace("&amp;", "&") for link in links)
            assert f"page={number + 1}" in url and "sort=date" in url
        else:
            assert links == []
    assert seen == ids(api(client, **query, limit=1000))


def test_a_miss_on_the_page_links_the_suggestion(client) -> None:
    page = client.get("/", params={"q": "peacekeping troups", "any": "1"})
    assert "No matches for <q>peacekeping troups</q>" in page.text
    (link,) = re.findall(r'Did you mean: <a href="([^"]+)">peacekeeping troops</a>', page.text)
    assert link.replace("&amp;", "&") == "/?q=peacekeeping+troops&any=1"


def test_a_date_filter_on_the_page_says_what_it_left_out_and_can_keep_it(client) -> None:
    page = client.get("/", params={"q": "ceasefire", "since": "2025-01-01"})
    (link,) = re.findall(r'1 undated match left out; <a href="([^"]+)">keep them</a>', page.text)
    assert "undated_briefing" not in page.text
    assert 'name="include_undated" value="1" >' in page.text
    url = link.replace("&amp;", "&")
    assert url == "/?q=ceasefire&since=2025-01-01&include_undated=1"
    kept = client.get(url)
    assert "undated match" not in kept.text
    assert 'name="include_undated" value="1" checked>' in kept.text
    where = re.findall(r'class="where"[^>]*>([^<]+)</a>', kept.text)
    assert "undated_briefing:2" in where
    found = api(client, q="ceasefire", since="2025-01-01", include_undated="1")
    assert where == ids(found)


def test_a_miss_on_the_page_says_what_any_word_would_find(client) -> None:
    page = client.get("/", params={"q": "Turkey REQUIRE REQUIRE )"})
    assert "No matches for <q>Turkey REQUIRE REQUIRE )</q>" in page.text
    (link,) = re.findall(
        r'<a href="([^"]+)">Any word</a> finds 17 sentences with some of the words.', page.text
    )
    assert link.replace("&amp;", "&") == "/?" + urlencode(
        {"q": "Turkey REQUIRE REQUIRE )", "any": "1"}
    )


def test_a_bad_query_on_the_page_says_why(client) -> None:
    page = client.get("/", params={"q": "..."})
    assert page.status_code == 400
    assert 'role="alert">nothing to search for in &#34;...&#34;' in page.text


def test_each_hit_links_to_its_article_with_the_hit_marked(client) -> None:
    page = client.get("/", params={"q": "ceasefire", "sort": "article"})
    links = re.findall(r'class="where" href="([^"]+)"', page.text)
    link = next(url for url in links if "2025-01_ceasefire" in url).replace("&amp;", "&")
    assert link.endswith("#s1")
    article = client.get(link)
    assert article.status_code == 200
    assert '<span id="s1" class="sentence hit current" aria-current="true">' in article.text
    assert '<span id="s2" class="sentence">' in article.text
    assert article.text.count('<span id="s') == 4  # every sentence of the article
    assert 'href="/?q=ceasefire&amp;sort=article"' in article.text  # back to the results


def test_nothing_is_loaded_from_elsewhere(client) -> None:
    pages = [client.get(u).text for u in ("/", "/?q=Turkey", f"/articles/{SEED_NAME}?hit=2")]
    for text in pages:
        for url in re.findall(r'(?:src|href)="([^"]*)"', text):
            assert url.startswith(("/", "#")) and not url.startswith("//"), url
    css = client.get("/static/style.css").text
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert "prefers-color-scheme: dark" in css


# Freshness and bounded resources -----------------------------------------------------------


def _count(client, query: str) -> int:
    """Every matching sentence, copies included."""
    return api(client, q=query, copies="1")["hits"]["total"]["value"]


def _seen_after_one_interval(client, query: str, expected: int) -> None:
    """Once FRESHNESS_INTERVAL has passed (the server looks at the disk again at most that
    long after its last look), the next answer is the new state: on any machine, loaded or
    not, so no clock of the test's own decides."""
    time.sleep(server.FRESHNESS_INTERVAL)
    assert _count(client, query) == expected


def test_a_new_commit_and_a_rebuild_are_served_within_a_second(client, corpus, corpus_index):
    assert _count(client, "Geneva") == 1
    (corpus / "more.txt").write_text("Diplomats returned to Geneva on Friday.\n", "utf-8")
    assert invoke("index", str(corpus), "--index-dir", str(corpus_index)).exit_code == 0
    _seen_after_one_interval(client, "Geneva", 2)
    only = corpus.parent / "only"
    only.mkdir()
    (only / "geneva.txt").write_text("Geneva talks. More Geneva talks. Geneva again.\n", "utf-8")
    result = invoke("index", "--rebuild", str(only), "--index-dir", str(corpus_index))
    assert result.exit_code == 0
    _seen_after_one_interval(client, "Geneva", 3)
    assert _count(client, "Turkey") == 0


def test_commits_during_queries_are_seen_whole(client, corpus, corpus_index) -> None:
    """Each commit adds one article of three sentences: a count is always a whole number of
    commits, and never goes back."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for n in range(6):
                (corpus / f"batch{n}.txt").write_text(
                    "Envoys met. The envoys spoke. Envoys left.\n", "utf-8"
                )
                update(corpus_index, [corpus], wait=30)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            stop.set()

    writer = threading.Thread(target=write)
    writer.start()
    seen = []
    while not stop.is_set():
        seen.append(_count(client, "envoys"))
    writer.join()
    assert not errors
    _seen_after_one_interval(client, "envoys", 18)
    seen.append(18)
    assert all(count % 3 == 0 for count in seen), seen
    assert seen == sorted(seen)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def asgi_get(app, url: str) -> int:
    """One GET of `url` straight through the ASGI app, as a server hands it over: the
    response's status, once the app has sent all of it (asserted)."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("ascii"),
        "root_path": "",
        "query_string": query.encode("ascii"),
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent_whole = anyio.Event()
    statuses: list[int] = []
    asked = False

    async def receive() -> dict:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await sent_whole.wait()  # a client that stays connected until it has the response
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            sent_whole.set()

    await app(scope, receive, send)
    assert sent_whole.is_set(), url
    (status,) = statuses
    return status


@pytest.mark.slow  # 12 s: the soak belongs to the full run, not the everyday loop
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_ten_thousand_requests_leave_no_files_or_memory_behind(client, corpus, corpus_index):
    cheap = "/api/search?q=Turkey&limit=1"
    # Every kind of request now and then; mostly a cheap one, to keep the test short.
    every_kind = [
        "/api/search?q=ceasefire&sort=date&limit=3&offset=1",
        "/?q=Russia+OR+talks",
        f"/api/articles/{SEED_NAME}",
        f"/articles/{SEED_NAME}?hit=2",
        "/api/status",
        "/api/search?q=peacekeping",
    ]

    def burst(count: int, start: int) -> None:
        """`count` requests to the app the client serves, sent from the client's own event
        loop: the same ASGI app and lifespan, without TestClient's hops between threads
        for every request (2 ms a request), nor an HTTP client's own work (0.7 ms more)."""

        async def send() -> None:
            for n in range(start, start + count):
                url = every_kind[(n // 50) % len(every_kind)] if n % 50 == 0 else cheap
                assert await asgi_get(client.app, url) == 200, url

        client.portal.call(send)

    def commit(n: int) -> None:
        (corpus / f"extra{n}.txt").write_text(f"Extra note {n} on the talks.\n", "utf-8")
        update(corpus_index, [corpus], wait=30)

    commit(0)
    burst(500, 0)
    fds, rss = _open_fds(), _rss_kb()
    for round_ in range(1, 5):
        commit(round_)  # each one retires the open searchers
        burst(2500, round_ * 2500)
    time.sleep(server.FRESHNESS_INTERVAL)
    burst(len(every_kind) * 50, 0)
    assert _open_fds() <= fds
    assert _rss_kb() - rss < 20_000  # KB: caches settle; a leak of searchers would not


# The OpenAPI document ---------------------------------------------------------------------


def test_openapi_describes_every_api_route_and_validates_real_responses(
    client, tmp_path: Path
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/search",
        "/api/articles/{name}",
        "/api/status",
        "/api/trend",
        "/api/words",
        "/api/openapi.json",
    }

    def check(template: str, response) -> None:
        described = document["paths"][template]["get"]["responses"]
        assert str(response.status_code) in described, (template, response.status_code)
        schema = described[str(response.status_code)]["content"]["application/json"]["schema"]
        jsonschema.Draft202012Validator(
            {**schema, "components": document["components"]},
            format_checker=jsonschema.FormatChecker(),
        ).validate(response.json())

    for params in [
        {"q": "Turkey peacekeeping"},
        {"q": "ceasefire", "sort": "date", "limit": 2, "offset": 1},
        {"q": "peacekeping"},
        {"q": "the"},
        {"q": "Turkey", "limit": "x"},
        {"q": "ceasefire", "limit": 5000},
    ]:
        check("/api/search", client.get("/api/search", params=params))
    for name in (SEED_NAME, "undated_briefing", "nope"):
        check("/api/articles/{name}", client.get(f"/api/articles/{name}"))
    check("/api/status", client.get("/api/status"))
    for params in [
        {"q": ["ceasefire", "Turkey"]},
        {"q": "ceasefire", "by": "source"},
        {"q": "ceasefire", "by": "hour"},
        {"q": "zzzz"},
    ]:
        check("/api/trend", client.get("/api/trend", params=params))
    for params in [{"q": "Turkey"}, {"q": "Turkey", "score": "x"}, {"q": ""}]:
        check("/api/words", client.get("/api/words", params=params))
    with TestClient(server.create_app(tmp_path / "none")) as empty:
        for url, template in [
            ("/api/search?q=x", "/api/search"),
            ("/api/status", "/api/status"),
            ("/api/articles/x", "/api/articles/{name}"),
        ]:
            check(template, empty.get(url))
    names = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {
        "q", "any", "since", "until", "include_undated", "copies", "scope", "lang", "sort",
        "limit", "offset"
    }  # fmt: skip


# The command ----------------------------------------------------------------------------


def test_serve_without_its_dependencies_says_how_to_install_them(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = invoke("serve", "--index-dir", str(tmp_path))
    assert_one_line_error(result, "pip install -e '.[serve]'")


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--index-dir", str(tmp_path), "--port", str(port))
    assert_one_line_error(result, f"port {port} on 127.0.0.1 is in use", "--port")


def _start(index_dir: Path, *options: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [str(SEARCH_BIN), "serve", "--index-dir", str(index_dir), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.fullmatch(r"Serving \S+ at (http://\S+/) \(Ctrl-C to stop\)\n", line)
    assert match, line
    return process, match.group(1)


def _get_json(url: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _interrupt(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=20)
    return process.returncode, err


@pytest.mark.parametrize(
    ("host", "warned"), [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)]
)
def test_serve_prints_its_url_and_stops_on_ctrl_c(seed_index: Path, host, warned) -> None:
    process, url = _start(seed_index, "--host", host)
    try:
        port = url.rsplit(":", 1)[1].rstrip("/")
        status = _get_json(f"http://127.0.0.1:{port}/api/status")
        assert status["sentences"] == 20
    finally:
        code, err = _interrupt(process)
    assert code == 130
    lines = err.splitlines()
    assert lines[-1] == "search: interrupted"
    if warned:
        assert len(lines) == 2 and lines[0].startswith("search: warning: listening on 0.0.0.0")
        assert "can read the index" in lines[0]
    else:
        assert len(lines) == 1


# Numbers and paths no request may turn into a 500 (issue 24) ------------------------------

HUGE = "9" * 5000  # past Python's 4,300-digit limit on int("...")
ANSWERS = {200, 400, 404, 405, 503}  # what the app itself may answer


@pytest.fixture
def lenient(corpus_index: Path):
    """A client that shows a server error as a 500, not as an exception in the test."""
    with TestClient(server.create_app(corpus_index), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/search?q=Turkey", "limit"),
        ("/api/search?q=Turkey", "offset"),
        ("/?q=Turkey", "page"),
        (f"/articles/{SEED_NAME}?q=Turkey", "hit"),
    ],
)
@pytest.mark.parametrize("digits", [HUGE, "0" * 5000 + "7", "1" + "0" * 30])
def test_a_number_of_any_length_is_answered_not_a_500(lenient, path, name, digits) -> None:
    response = lenient.get(f"{path}&{name}={digits}")
    if digits.lstrip("0") == "7":
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.text[:200]
    message = response.json()["error"] if path.startswith("/api/") else response.text
    assert f"{name}=" in message and "too large" in message
    assert digits not in response.text  # quoted in short


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["limit", "offset", "page", "hit"]),
    value=st.one_of(st.text(max_size=30), st.integers(min_value=-(10**40), max_value=10**40)),
)
def test_any_numeric_parameter_is_a_200_or_a_400(lenient, name, value) -> None:
    path = {"page": "/", "hit": f"/articles/{SEED_NAME}"}.get(name, "/api/search")
    response = lenient.get(path, params={"q": "Turkey", name: str(value)})
    assert response.status_code in (200, 400), response.text[:200]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE"])
@pytest.mark.parametrize("url", ["/api/search/?q=Turkey", "/api/status/", "/articles/", "/x/"])
def test_a_trailing_slash_is_never_redirected(lenient, method, url) -> None:
    response = lenient.request(method, url, follow_redirects=False)
    expected = 404 if method in ("GET", "HEAD") else 405
    assert response.status_code == expected
    assert response.status_code in ANSWERS
    if expected == 405:
        assert "GET" in response.headers["allow"]
