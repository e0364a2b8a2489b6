"""Issue 26: the columns `search trend` counts with are kept beside the snapshot they
describe (`columns.bin`), read back by the next process, and never trusted otherwise."""

from __future__ import annotations

import json
import zlib
from array import array
from pathlib import Path

import pytest

from conftest import invoke
from search.engine import columns as kept_columns
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


def scoped(index: Path) -> list[dict]:
    result = invoke("query", "--scope", "article", "OPEC oil", "--json", "--index-dir", str(index))
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_next_process_reads_the_file_not_the_postings(indexed, monkeypatch):
    """Once kept, neither `search trend` nor `--scope article` reads a posting of the
    columns or the document -> article table: both come from the file."""
    from search.engine import searching

    _news, index = indexed
    first, articles = trend(index), scoped(index)

    def unread(*_args):
        raise AssertionError("read from the postings")

    monkeypatch.setattr(kept_columns, "read_columns", unread)
    monkeypatch.setattr(searching, "read_owners", unread)
    assert (trend(index), scoped(index)) == (first, articles)
    assert [row["path"].rsplit("/", 1)[-1] for row in articles] == ["c.txt", "a.txt"]


def _sections(raw: bytes) -> tuple[dict, dict[str, bytes]]:
    """A cache file's header and its sections' bytes, by name."""
    line, body = raw[len(kept_columns._MAGIC) :].split(b"\n", 1)
    header = json.loads(line)
    sections, at = {}, 0
    widths = [4] * len(kept_columns._INTS) + [1] * len(kept_columns._TEXTS)
    for name, size, width in zip(
        kept_columns._INTS + kept_columns._TEXTS, header["sizes"], widths, strict=True
    ):
        sections[name] = body[at : at + size * width]
        at += size * width
    return header, sections


def _rebuilt(raw: bytes, header_changes: dict | None = None, **changes: bytes) -> bytes:
    """`raw` with some sections replaced, its sizes and checksum made to fit them: damage
    that only the checks of the values themselves can find."""
    header, sections = _sections(raw)
    sections.update(changes)
    names = kept_columns._INTS + kept_columns._TEXTS
    widths = [4] * len(kept_columns._INTS) + [1] * len(kept_columns._TEXTS)
    body = b"".join(sections[name] for name in names)
    header["sizes"] = [
        len(sections[name]) // width for name, width in zip(names, widths, strict=True)
    ]
    header["crc"] = zlib.crc32(body)
    header.update(header_changes or {})
    return kept_columns._MAGIC + json.dumps(header).encode() + b"\n" + body


def _ints(values: list[int]) -> bytes:
    return array("i", values).tobytes()


def _key(raw: bytes) -> list[int]:
    return _sections(raw)[0]["key"]


def _count(raw: bytes, name: str) -> int:
    return len(array("i", _sections(raw)[1][name]))


DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not ours": lambda raw: b"\x00\xff not columns",
    "a byte changed": lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),
    "an earlier commit": lambda raw: _rebuilt(raw, {"key": [_key(raw)[0] - 1, _key(raw)[1]]}),
    "another document count": lambda raw: _rebuilt(raw, {"key": [_key(raw)[0], _key(raw)[1] + 1]}),
    "an article with runs past the last": lambda raw: _rebuilt(
        raw, first=_ints([0] * _count(raw, "dates") + [_count(raw, "starts") + 1])
    ),
    "a run missing": lambda raw: _rebuilt(raw, starts=_sections(raw)[1]["starts"][:-4]),
    "runs out of order": lambda raw: _rebuilt(
        raw,
        first=_ints(
            [0, _count(raw, "starts")] + [0] * (_count(raw, "dates") - 2) + [_count(raw, "starts")]
        ),
    ),
    "a section of another length": lambda raw: _rebuilt(raw, dates=_sections(raw)[1]["dates"][:-4]),
    "a date that is no value": lambda raw: _rebuilt(raw, dates=_ints([99] * _count(raw, "dates"))),
    "a run past the documents": lambda raw: _rebuilt(
        raw, starts=_ints([_key(raw)[1]] * _count(raw, "starts"))
    ),
    "text that is not UTF-8": lambda raw: _rebuilt(raw, paths=b"\xff" * 8),
    "a section missing": lambda raw: _rebuilt(raw, {"sizes": _sections(raw)[0]["sizes"][:-1]}),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_cache_that_does_not_fit_the_snapshot_is_read_again(indexed, damage):
    _news, index = indexed
    expected = trend(index)
    raw = cache_of(index).read_bytes()
    cache_of(index).write_bytes(DAMAGE[damage](raw))
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
    with opened(index) as (searcher, _snapshot):
        cached = kept_columns.cached(searcher.reader(), cache_of(index).parent)
    fresh = fresh_columns(index)
    assert cached is not None
    assert cached.paths == fresh.paths
    assert cached.dates == fresh.dates
    assert cached.live == fresh.live
    assert cached.article_of == fresh.article_of
    assert (cached.sources, cached.stories) == (fresh.sources, fresh.stories)


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
    assert (kept.of, list(kept.documents), kept.paths) == (
        fresh.of,
        list(fresh.documents),
        fresh.paths,
    )


def test_the_json_file_of_an_earlier_version_is_replaced(indexed):
    """An index written by a version that kept the columns as JSON loses that file when
    the columns are kept again."""
    _news, index = indexed
    earlier = cache_of(index).with_name("columns.json")
    earlier.write_text('{"key": [1, 1]}')
    first = trend(index)
    assert not earlier.exists()
    assert cache_of(index).is_file()
    assert trend(index) == first
