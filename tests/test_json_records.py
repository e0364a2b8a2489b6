"""One record, one JSON shape: the command line (`--json`), the web API and the export
write the same fields under the same names for the same sentence, article, count or status
(they all go through `search.present.json`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.present.json import line
from tests.conftest import CORPUS, SEED, invoke

pytest.importorskip("starlette", reason="the API needs the serve extra")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

from starlette.testclient import TestClient  # noqa: E402

from search.web import app as server  # noqa: E402

HEADLINED = (
    "<html><head><title>Ceasefire holds</title>"
    "<link rel=canonical href='https://news.example/ceasefire'></head>"
    "<body><article><h1>Ceasefire holds</h1>"
    "<p>The ceasefire held in the north, officials said on Monday.</p>"
    "<p>Troops patrolled the border.</p></article></body></html>"
)
GERMAN = (
    "3. März 2025\n"
    "Die Verhandlungen über einen Waffenstillstand wurden am Montag in Genf fortgesetzt. "
    "Die Gespräche dauerten sechs Stunden und endeten ohne Einigung.\n"
)
# What only a hit says (its place in the ranking and its matched words), and what only
# the export says (our terms of a sentence not in English).
HIT_ONLY = {"rank", "score", "matches", "copies"}
EXPORT_ONLY = {"terms"}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test corpus, an article with a headline and a URL, one in German, and a copy."""
    root = tmp_path_factory.mktemp("records")
    folder = root / "articles"
    (folder / "copy").mkdir(parents=True)
    shutil.copy(SEED, folder / SEED.name)
    for name, text in CORPUS.items():
        (folder / name).write_text(text, "utf-8")
    (folder / "copy" / "2025-01_ceasefire.txt").write_text(CORPUS["2025-01_ceasefire.txt"])
    (folder / "headlined.html").write_text(HEADLINED, "utf-8")
    (folder / "german.txt").write_text(GERMAN, "utf-8")
    result = invoke("index", str(folder), "--index-dir", str(root / "index"))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.fixture(scope="module")
def client(index_dir: Path):
    with TestClient(server.create_app(index_dir)) as test_client:
        yield test_client


def lines(index_dir: Path, *args: str) -> list[dict]:
    command, *rest = args
    result = invoke(command, "--index-dir", str(index_dir), *rest)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def api(client, path: str, **params) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


QUERIES = ["ceasefire", "Ceasefire holds", "Verhandlungen", "Turkey peacekeeping", "talks -Geneva"]


@pytest.mark.parametrize("query", QUERIES)
def test_a_sentence_is_one_record_in_the_cli_the_api_the_export_and_show(
    index_dir, client, query
) -> None:
    hits = lines(index_dir, "query", "--json", "--all", "--", query)
    assert hits
    found = api(client, "/api/search", q=query, limit=1000)
    assert [hit["_source"] for hit in found["hits"]["hits"]] == hits
    exported = {
        (document["path"], document["sentence"]): document
        for document in lines(index_dir, "export", "--format", "jsonl", "--", query)
    }
    for hit in hits:
        document = exported[(hit["path"], hit["sentence"])]
        common = set(document) - EXPORT_ONLY
        assert {key: hit[key] for key in common} == {key: document[key] for key in common}
        # What the export leaves out is what only a hit has, or a headline or URL it lacks.
        for key in set(hit) - common - HIT_ONLY:
            assert key in ("title", "url") and hit[key] is None, key
        [shown] = lines(index_dir, "show", f"{hit['path']}:{hit['sentence']}", "--json")
        # `copies` differ by design: a hit's are the sentence's, show's the article's story's.
        same = set(shown) - {"copies"}
        assert {key: shown[key] for key in same} == {key: hit[key] for key in same}
        assert set(hit) - set(shown) == {"rank", "score", "matches"}


def test_an_article_found_is_one_record_in_the_cli_and_the_api(index_dir, client) -> None:
    query = "ceasefire talks"
    matches = lines(index_dir, "query", "--json", "--all", "--scope", "article", query)
    assert matches
    found = api(client, "/api/search", q=query, scope="article", limit=1000)
    assert [hit["_source"] for hit in found["hits"]["hits"]] == matches
    listed = lines(index_dir, "query", "--json", "--all", "-l", "--sort", "article", "ceasefire")
    assert {entry["path"] for entry in listed} >= {match["path"] for match in matches}


def test_an_article_is_one_record_in_show_and_the_api(index_dir, client) -> None:
    sentences = lines(index_dir, "show", "headlined", "--json")
    article = api(client, "/api/articles/headlined")
    assert article["sentences"] == [
        {"sentence": shown["sentence"], "text": shown["text"]} for shown in sentences
    ]
    for shown in sentences:
        assert {key: article[key] for key in set(article) - {"sentences"}} == {
            key: shown[key] for key in set(article) - {"sentences"}
        }
    assert article["title"] == "Ceasefire holds"
    assert article["url"] == "https://news.example/ceasefire"


def test_status_is_one_record(index_dir, client) -> None:
    assert lines(index_dir, "status", "--json") == [api(client, "/api/status")]


@pytest.mark.parametrize("by", ["month", "source"])
def test_a_trend_bucket_counts_the_same_in_the_cli_and_the_api(index_dir, client, by) -> None:
    rows = lines(index_dir, "trend", "--json", "--by", by, "ceasefire", "talks")
    found = api(client, "/api/trend", q=["ceasefire", "talks"], by=by)
    shown = [
        {"query": query, "bucket": bucket["key_as_string"], **bucket}
        for query, entry in found["aggregations"]["queries"]["buckets"].items()
        for bucket in entry["trend"]["buckets"]
    ]
    assert [{key: bucket[key] for key in rows[0]} for bucket in shown] == rows
    assert all(bucket["doc_count"] == bucket["articles"] for bucket in shown)


TREND_QUERY = "ceasefire OR Waffenstillstand OR talks"


@pytest.mark.parametrize(
    ("options", "params"),
    [
        ([], {}),
        (["--lang", "de"], {"lang": "de"}),
        (["--since", "2025-03"], {"since": "2025-03"}),
        (["--until", "2025-01"], {"until": "2025-01"}),
        (["--any"], {"any": "1"}),
        (["--scope", "article"], {"scope": "article"}),
    ],
)
def test_a_trend_filter_is_the_same_in_the_cli_and_the_api(
    index_dir, client, options, params
) -> None:
    rows = lines(index_dir, "trend", "--json", *options, TREND_QUERY)
    found = api(client, "/api/trend", q=TREND_QUERY, **params)
    buckets = found["aggregations"]["trend"]["buckets"]
    assert [{"query": TREND_QUERY, "bucket": b["key_as_string"], **b} for b in buckets] == [
        {**row, "key": b["key"], "key_as_string": b["key_as_string"], "doc_count": b["doc_count"]}
        for row, b in zip(rows, buckets, strict=True)
    ]
    if params.get("lang") == "de":  # only the German article's month is left
        assert [(row["bucket"], row["articles"]) for row in rows] == [("2025-03", 1)]


def test_a_term_counts_the_same_in_the_cli_and_the_api(index_dir, client) -> None:
    rows = lines(index_dir, "words", "--json", "-n", "5", "ceasefire OR talks")
    found = api(client, "/api/words", q="ceasefire OR talks", n=5)
    kinds = {"words": "word", "phrases": "phrase", "names": "name"}
    shown = [
        {
            "kind": kinds[name],
            "term": bucket["key"],
            "score": bucket["score"],
            "matches": bucket["doc_count"],
            "archive": bucket["bg_count"],
        }
        for name, terms in found["aggregations"].items()
        for bucket in terms["buckets"]
    ]
    assert rows and shown == rows


UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F)]} | {
    chr(c) for c in range(0x2066, 0x206A)
}


@given(text=st.text(), compact=st.booleans())
def test_a_json_line_is_one_inert_line_that_reads_back_as_given(text, compact) -> None:
    value = {"text": text, "list": [text]}
    written = line(value, compact)
    assert not UNSAFE & set(written)
    assert json.loads(written) == value
