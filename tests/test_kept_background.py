"""Issue 26: `search words` compares its matches with a background sample of the snapshot,
counted by the first process that needs it and kept beside the snapshot
(`background.json`) for the next, never trusted when it is not this snapshot's whole."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from conftest import invoke
from search.engine import significant
from search.engine.significant import BACKGROUND_CACHE

ARTICLES = {
    "a.txt": "January 10, 2025\n\nOil prices rose in January. Traders in London watched OPEC."
    " Oil traders sold futures.\n",
    "b.txt": "February 3, 2025\n\nOil supply fell. Oil demand rose in Asia. Coffee was calm."
    " Oil traders in London bought.\n",
    "c.txt": "February 14, 2025\n\nOPEC cut oil output. Ministers met in Vienna. Oil traders"
    " in London cheered.\n",
    "d.txt": "March 1, 2025\n\nThe weather was mild. Farmers planted wheat. The river rose.\n",
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


def words(index: Path, query: str = "oil") -> dict:
    result = invoke("words", query, "--json", "--index-dir", str(index))
    assert result.exit_code == 0, result.stderr
    return {
        kind: [json.loads(line) for line in result.stdout.splitlines() if kind in line]
        for kind in ("word", "phrase", "name")
    } | {"all": result.stdout}


def kept(index: Path) -> Path:
    (generation,) = index.glob("ix-*")
    return generation / BACKGROUND_CACHE


def test_the_next_process_reads_the_background_it_kept(indexed, monkeypatch):
    _news, index = indexed
    first = words(index)
    assert kept(index).is_file()
    written = kept(index).read_bytes()

    def uncounted(*_args):
        raise AssertionError("the background was counted again")

    monkeypatch.setattr(significant, "background_sample", uncounted)
    assert words(index) == first  # the same words, phrases and names, from the file
    assert words(index, "traders")["all"]  # another query reads it too
    assert kept(index).read_bytes() == written
    assert [row["term"] for row in first["word"]] == ["traders", "in"]


def _rewritten(raw: bytes, change) -> bytes:
    """`raw` with its counts changed by `change`, its checksum made to fit them."""
    line, body = raw.split(b"\n", 1)
    data = json.loads(body)
    change(data)
    encoded = json.dumps(data).encode()
    header = json.loads(line) | {"crc": zlib.crc32(encoded)}
    return json.dumps(header).encode() + b"\n" + encoded


def _key(raw: bytes) -> list[int]:
    return json.loads(raw.split(b"\n", 1)[0])["key"]


DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not ours": lambda raw: b"\x00\xff not counts",
    "a byte changed": lambda raw: raw[:-2] + bytes([raw[-2] ^ 1]) + raw[-1:],
    "an earlier commit": lambda raw: raw.replace(
        json.dumps(_key(raw)).encode(), json.dumps([_key(raw)[0] - 1, _key(raw)[1]]).encode(), 1
    ),
    "a count that is not a number": lambda raw: _rewritten(
        raw, lambda data: data["words"].update({"oil": "many"})
    ),
    "a phrase that is not two words": lambda raw: _rewritten(
        raw, lambda data: data["phrases"].update({"oil": 3})
    ),
    "counts missing": lambda raw: _rewritten(raw, lambda data: data.pop("names")),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_background_that_does_not_fit_the_snapshot_is_counted_again(indexed, damage):
    _news, index = indexed
    expected = words(index)
    raw = kept(index).read_bytes()
    kept(index).write_bytes(DAMAGE[damage](raw))
    assert words(index) == expected
    assert kept(index).read_bytes() == raw  # replaced by the sample counted again


def test_a_background_that_cannot_be_written_is_not_needed(indexed):
    _news, index = indexed
    kept(index).mkdir()  # neither readable as a file nor replaceable
    first = words(index)
    assert words(index) == first
    assert kept(index).is_dir()


def test_a_commit_makes_the_background_of_the_one_before_stale(indexed):
    news, index = indexed
    words(index)
    before = _key(kept(index).read_bytes())
    (news / "d.txt").write_text("March 1, 2025\n\nOil traders in London rested on Sunday.\n")
    assert invoke("index", "-q", str(news), "--index-dir", str(index)).exit_code == 0
    after = words(index)
    assert _key(kept(index).read_bytes()) != before
    kept(index).unlink()
    assert words(index) == after  # the same as counted afresh
