"""Headlines and sources: `title` searchable and shown, `url` stored and shown.

A folder of one HTML page (<title>, og:title, canonical link), one PDF (its document
title), one Markdown file (front matter) and one plain-text file (no headline, no URL);
every one of them holds the same sentence, so that ranking and hit sets can be compared.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import invoke
from search.engine.query import parse_query
from search.index import Index, Options

SAME = "The delegations spoke for six hours about the harbour."
HTML_TITLE = "Ukraine talks resume in Geneva"
HTML_URL = "https://news.example.com/2025/03/ukraine-talks"
MD_TITLE = "Fishing fleet returns to the harbour"
MD_URL = "https://news.example.com/fleet"
PDF_TITLE = "Grain exports rise along the coast"

HTML = f"""<!doctype html><html><head>
<title>{HTML_TITLE} | The Paper</title>
<meta property="og:title" content="{HTML_TITLE}">
<link rel="canonical" href="{HTML_URL}">
<meta name="date" content="2025-03-11">
</head><body><article>
<p>Negotiators met on Monday to discuss a ceasefire in Ukraine. {SAME}</p>
<p>A second round of talks is planned for April in the same city.</p>
</article></body></html>
"""

MARKDOWN = f"""---
title: {MD_TITLE}
date: 2025-02-02
url: {MD_URL}
---
The fleet came home on Sunday. {SAME}
"""

TEXT = f"Nothing was agreed on Tuesday.\n\n{SAME} Nobody mentioned Ukraine by name.\n"


def _pdf(title: str, lines: list[str]) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    y = 740
    for line in lines:
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, y, line)
        y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def titled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("titles")
    folder = root / "articles"
    folder.mkdir()
    (folder / "kyiv.html").write_text(HTML, encoding="utf-8")
    (folder / "fleet.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "notes.txt").write_text(TEXT, encoding="utf-8")
    (folder / "grain.pdf").write_bytes(
        _pdf(PDF_TITLE, ["Odesa, March 5, 2025", "Ships left the port at dawn.", SAME])
    )
    index_dir = root / "index"
    result = invoke("index", str(folder), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return index_dir


def query_json(index_dir: Path, *args: str) -> list[dict]:
    result = invoke("query", *args, "--copies", "--json", "--index-dir", str(index_dir))
    assert result.exit_code in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def headers(index_dir: Path, *args: str) -> list[str]:
    result = invoke("query", *args, "--copies", "--color", "never", "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stdout.splitlines() if not line.startswith(" ")]


def test_hit_headers_show_the_date_and_the_headline(titled):
    assert headers(titled, "harbour", "--sort", "article") == [
        f"1. fleet:2  2025-02-02  {MD_TITLE}",
        f"2. grain:2  2025-03-05  {PDF_TITLE}",  # "Odesa, March 5, 2025", not the CreationDate
        f"3. kyiv:2  2025-03-11  {HTML_TITLE}",
        "4. notes:2",  # no headline: the header is as it always was
    ]


def test_a_headline_is_shown_inert(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "odd.md").write_text("---\ntitle: Bells \u202ering\u202c twice\n---\nBells rang.\n")
    index_dir = tmp_path / "index"
    assert invoke("index", str(folder), "--index-dir", str(index_dir)).exit_code == 0
    assert headers(index_dir, "bells") == ["1. odd:1  Bells \\u202ering\\u202c twice"]


# (article, title, url): what JSON and `show` say of each article
SOURCES = [
    ("kyiv", HTML_TITLE, HTML_URL),
    ("fleet", MD_TITLE, MD_URL),
    ("grain", PDF_TITLE, None),
    ("notes", None, None),
]


@pytest.fixture(scope="module")
def door(titled: Path):
    with Index.open(titled) as index:
        yield index


def every(door: Index, query: str) -> list:
    """The hits of `search query --all --copies`."""
    return door.answer(query, Options(limit=None, copies=True)).hits


@pytest.mark.parametrize(("name", "title", "url"), SOURCES)
def test_hits_carry_title_and_url(door, name, title, url):
    found = [hit for hit in every(door, "harbour") if hit.name == name]
    assert [(hit.sentence, hit.title, hit.url) for hit in found] == [(2, title, url)]
    article = door.article(name)
    assert (article.title, article.url, article.sentences[1].text) == (title, url, SAME)


@pytest.mark.parametrize(("name", "title", "url"), SOURCES)
def test_json_hits_carry_title_and_url(titled, name, title, url):
    found = [hit for hit in query_json(titled, "harbour") if hit["name"] == name]
    assert [(hit["sentence"], hit["title"], hit["url"]) for hit in found] == [(2, title, url)]


@pytest.mark.parametrize(("name", "title", "url"), SOURCES)
def test_show_gives_the_headline_and_the_url(titled, name, title, url):
    result = invoke("show", name, "--color", "never", "--index-dir", str(titled))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{name}  ")
    expected = [f"title: {title}"] if title else []
    expected += [f"url:   {url}"] if url else []
    assert [line for line in lines[1:] if not line.startswith(" ")] == expected
    shown = invoke("show", f"{name}:2", "--json", "--index-dir", str(titled))
    (record,) = [json.loads(line) for line in shown.stdout.splitlines()]
    assert (record["title"], record["url"], record["text"]) == (title, url, SAME)


def test_articles_list_names_the_headline(titled):
    result = invoke("query", "-l", "Ukraine", "--color", "never", "--index-dir", str(titled))
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == [
        f"kyiv  1 hit  2025-03-11  {HTML_TITLE}",
        "notes  1 hit  -",
    ]


# (query, the sentences it finds): `title:` searches headlines, and a plain word never
# finds a sentence only because its headline has the word.
QUERIES = [
    ("Ukraine", {("kyiv", 1), ("notes", 3)}),
    ("Geneva", set()),
    ("title:Ukraine", {("kyiv", 1), ("kyiv", 2), ("kyiv", 3)}),
    ("title:geneva talks", {("kyiv", 3)}),
    ('title:"fishing fleet"', {("fleet", 1), ("fleet", 2)}),
    ('title:"fleet fishing"', set()),
    ("harbour -title:harbour", {("grain", 2), ("kyiv", 2), ("notes", 2)}),
    ("title:grain OR title:fleet", {("grain", 1), ("grain", 2), ("fleet", 1), ("fleet", 2)}),
    ("title:exports date:2025-03-05", {("grain", 1), ("grain", 2)}),
    ("harbour OR fleet", {("fleet", 1), ("fleet", 2), ("grain", 2), ("kyiv", 2), ("notes", 2)}),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_title_queries_and_unchanged_hit_sets(door, query, expected):
    assert {(hit.article, hit.sentence) for hit in every(door, query)} == expected


@pytest.mark.parametrize("query", [q for q, _ in QUERIES if "title:" not in q])
def test_the_headline_boost_never_changes_what_matches(titled, query):
    """The same query without the boost finds the same sentences."""
    from whoosh import query as wq

    from search.engine.searching import SearchIndex

    boosted = parse_query(query)
    assert isinstance(boosted.query, wq.AndMaybe)
    plain = replace(boosted, query=boosted.query.a)
    with SearchIndex.open(titled) as index:
        found = {(hit.article, hit.sentence) for hit in index.find(boosted, limit=None)}
        assert found == {(hit.article, hit.sentence) for hit in index.find(plain, limit=None)}


# Ranking ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles with the same sentence; only the second's headline names ferries.
    Equal scores list in path order, so without the boost `a_plain` would come first."""
    root = tmp_path_factory.mktemp("twins")
    folder = root / "articles"
    folder.mkdir()
    sentence = "Ferries crossed the strait at night."
    (folder / "a_plain.txt").write_text(f"Nothing happened.\n\n{sentence}\n")
    (folder / "b_ferries.md").write_text(
        f"---\ntitle: Ferries return\n---\nCalm seas.\n\n{sentence}\n"
    )
    index_dir = root / "index"
    assert invoke("index", str(folder), "--index-dir", str(index_dir)).exit_code == 0
    return index_dir


@pytest.mark.parametrize(
    ("query", "order"),
    [
        ("ferries", ["b_ferries", "a_plain"]),  # the headline has the word: first
        ("ferry strait", ["b_ferries", "a_plain"]),  # stems: "ferry" is "Ferries"
        ("strait", ["a_plain", "b_ferries"]),  # no headline has it: equal, in path order
        ("strait -title:ferries", ["a_plain"]),
    ],
)
def test_a_sentence_whose_headline_has_the_words_ranks_first(twins, query, order):
    with Index.open(twins) as index:
        found = every(index, query)
    assert [hit.article for hit in found] == order
    assert all(hit.text == "Ferries crossed the strait at night." for hit in found)


def test_the_command_ranks_as_the_library_does(twins):
    assert [hit["article"] for hit in query_json(twins, "ferries")] == ["b_ferries", "a_plain"]


def test_equal_sentences_score_equal_without_a_headline_match(twins):
    with Index.open(twins) as index:
        ferries = [hit.score for hit in every(index, "ferries")]
        strait = [hit.score for hit in every(index, "strait")]
    assert ferries[0] > ferries[1]
    assert strait[0] == strait[1]


# Export and the web page --------------------------------------------------------------


def test_export_carries_title_and_url_where_the_article_has_them(titled):
    result = invoke("export", "--format", "jsonl", "--index-dir", str(titled))
    assert result.exit_code == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    sources = {(doc["article"], doc.get("title"), doc.get("url")) for doc in documents}
    assert sources == {
        ("kyiv", HTML_TITLE, HTML_URL),
        ("fleet", MD_TITLE, MD_URL),
        ("grain", PDF_TITLE, None),
        ("notes", None, None),
    }
    assert all("url" not in doc for doc in documents if doc["article"] in ("grain", "notes"))


def test_the_page_shows_headlines_and_the_api_matches_its_description(titled):
    pytest.importorskip("starlette", reason="search serve needs the serve extra")
    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
    jsonschema = pytest.importorskip("jsonschema")
    from starlette.testclient import TestClient

    from search.web import app as server

    with TestClient(server.create_app(titled)) as client:
        page = client.get("/", params={"q": "harbour", "sort": "article", "copies": "1"}).text
        collapsed = client.get("/", params={"q": "harbour", "sort": "article"}).text
        found = client.get("/api/search", params={"q": "harbour"})
        article = client.get("/api/articles/kyiv")
        document = client.get("/api/openapi.json").json()
    headlines = re.findall(r'class="headline">([^<]*)<', page)
    assert [html.unescape(h) for h in headlines] == [MD_TITLE, PDF_TITLE, HTML_TITLE]
    # the same sentence in four articles: one card, the others behind "and 3 copies"
    assert collapsed.count('<li class="hit">') == 1
    assert "<summary>and 3 copies</summary>" in collapsed
    assert re.findall(r">(\w+:\d)</a></li>", collapsed) == ["grain:2", "kyiv:2", "notes:2"]
    assert (article.json()["title"], article.json()["url"]) == (HTML_TITLE, HTML_URL)
    for template, response in [("/api/search", found), ("/api/articles/{name}", article)]:
        schema = document["paths"][template]["get"]["responses"]["200"]["content"]
        jsonschema.Draft202012Validator(
            {**schema["application/json"]["schema"], "components": document["components"]}
        ).validate(response.json())
