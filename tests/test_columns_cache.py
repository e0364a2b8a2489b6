"""Issue 26: the columns `search trend` counts with are kept beside the snapshot they
describe (`columns.json`), read back by the next process, and never trusted otherwise."""

from __future__ import annotations

import base64
import json
from array import array
from pathlib import Path

import pytest

from conftest import invoke
from search.engine.columns import CACHE, read_columns
from search.engine.scope import read_owners
from search.engine.store import opened

ARTICLES = {
    "a.txt": "January 10, 2025\n\nOil prices rose in January. Traders watched OPEC.\n",
    "b.txt": "February 3, 2025\n\nOil supply fell. Oil demand rose. Coffee was calm.\n",
    "c.txt": "February 14, 2025\n\nOPEC cut oil output. Ministers met in Vienna.\n",
    "d.txt": "Oil was mentioned without a date.\n",
}


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    news = tmp_path / "news"
    news.mkdir()
    for name, text in ARTICLES.items():
        (news / name).write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    assert invoke("index", "-q", str(news), "--index-dir", str(index)).exit_code == 0
    return news, index


def trend(index: Path, word: str = "oil") -> list[dict]:
    result = invoke("trend", word, "--by", "month", "--json", "--index-dir", str(index))
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def cache_of(index: Path) -> Path:
    (generation,) = index.glob("ix-*")
    return generation / CACHE


def fresh_columns(index: Path):
    with opened(index) as (searcher, _snapshot):
        reader = searcher.reader()
        return read_columns(reader, read_owners(reader, lambda: None))


def test_the_first_trend_keeps_the_columns_and_the_next_reads_them(indexed):
    _news, index = indexed
    first = trend(index)
    assert cache_of(index).is_file()
    written = cache_of(index).read_bytes()
    assert trend(index) == first
    assert cache_of(index).read_bytes() == written  # read, not written again
    assert [(row["bucket"], row["sentences"]) for row in first] == [
        ("2025-01", 1),
        ("2025-02", 3),
    ]


def _edited(data: dict, field: str, value) -> bytes:
    return json.dumps({**data, field: value}).encode()


def _article_of(values: list[int]) -> str:
    return base64.b64encode(array("i", values).tobytes()).decode("ascii")


DAMAGE = {
    "truncated": lambda raw, data: raw[: len(raw) // 2],
    "not json": lambda raw, data: b"\x00\xff not json",
    "an earlier commit": lambda raw, data: _edited(data, "key", [data["key"][0] - 1, 0]),
    "another document count": lambda raw, data: _edited(
        data, "key", [data["key"][0], data["key"][1] + 1]
    ),
    "an article number out of range": lambda raw, data: _edited(
        data, "article_of", _article_of([len(data["paths"])] * data["key"][1])
    ),
    "a short article table": lambda raw, data: _edited(data, "article_of", _article_of([0])),
    "a list of another length": lambda raw, data: _edited(data, "dates", data["dates"][:-1]),
    "a date that is not text": lambda raw, data: _edited(data, "dates", [1] * len(data["dates"])),
    "not base64": lambda raw, data: _edited(data, "article_of", "not base64!"),
    "a field missing": lambda raw, data: json.dumps(
        {k: v for k, v in data.items() if k != "stories"}
    ).encode(),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_cache_that_does_not_fit_the_snapshot_is_read_again(indexed, damage):
    _news, index = indexed
    expected = trend(index)
    raw = cache_of(index).read_bytes()
    cache_of(index).write_bytes(DAMAGE[damage](raw, json.loads(raw)))
    assert trend(index) == expected
    assert cache_of(index).read_bytes() == raw  # replaced by the columns read again


def test_a_cache_that_cannot_be_written_is_not_needed(indexed):
    _news, index = indexed
    cache_of(index).mkdir()  # neither readable as a file nor replaceable
    first = trend(index)
    assert trend(index) == first
    assert cache_of(index).is_dir()


def test_a_commit_makes_the_columns_of_the_one_before_stale(indexed):
    news, index = indexed
    trend(index)
    (news / "a.txt").write_text("March 3, 2025\n\nOil fell in March. Oil rose again.\n")
    (news / "b.txt").unlink()
    assert invoke("index", "-q", str(news), "--index-dir", str(index)).exit_code == 0
    found = trend(index)
    assert [(row["bucket"], row["sentences"]) for row in found] == [
        ("2025-02", 1),
        ("2025-03", 2),
    ]
    cached = json.loads(cache_of(index).read_bytes())
    fresh = fresh_columns(index)
    assert cached["paths"] == fresh.paths
    assert cached["dates"] == fresh.dates
    assert cached["live"] == fresh.live
    assert cached["article_of"] == base64.b64encode(array("i", fresh.article_of).tobytes()).decode()


def test_the_owners_read_back_are_the_snapshots(indexed):
    """The document -> article table read from the file (which `--scope article` then
    uses too) is the one the postings give."""
    from search.engine.columns import cached_columns

    news, index = indexed
    (news / "a.txt").write_text("March 3, 2025\n\nOil fell in March. Oil rose again.\n")
    assert invoke("index", "-q", str(news), "--index-dir", str(index)).exit_code == 0
    trend(index)  # keeps the columns of this commit (with a deleted article's sentences)
    with opened(index) as (searcher, _snapshot):
        reader = searcher.reader()
        fresh = read_owners(reader, lambda: None)
        kept = cached_columns(reader, cache_of(index).parent, lambda: fresh).owners
    assert kept is not fresh
    assert (kept.of, kept.documents, kept.paths) == (fresh.of, fresh.documents, fresh.paths)
