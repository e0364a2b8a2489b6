"""The per-article catalog file: a fast copy of the article records, never trusted blindly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED, Prebuilt, live_generation, prebuild
from search.index import update


def _write_articles(folder: Path) -> None:
    shutil.copy(SEED, folder / SEED.name)
    (folder / "b.txt").write_text("May 2, 2025\nOne. Two. Three.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    return prebuild(tmp_path_factory.mktemp("catalog"), "articles", _write_articles)


@pytest.fixture
def indexed(tmp_path: Path, built: Prebuilt) -> tuple[Path, Path]:
    """(articles folder, this test's own copy of its index)."""
    return built.reset_articles(), built.copy_index(tmp_path / "ix")


def test_catalog_describes_the_live_toc(indexed):
    _folder, index_dir = indexed
    catalog = json.loads((live_generation(index_dir) / "articles.json").read_text())
    assert catalog["toc"] in {p.name for p in live_generation(index_dir).glob("_MAIN_*.toc")}
    assert sorted((Path(row[0]).name, row[4], row[5]) for row in catalog["articles"]) == [
        (SEED.name, 20, "2025-03-11"),
        ("b.txt", 3, "2025-05-02"),
    ]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda path: path.write_text("{not json"),
        lambda path: path.unlink(),
        lambda path: path.write_text(json.dumps({"toc": "_MAIN_99.toc", "articles": []})),
        lambda path: path.write_text(
            json.dumps({"toc": json.loads(path.read_text())["toc"], "articles": [[1, 2]]})
        ),
    ],
    ids=["garbage", "deleted", "another toc", "wrong shape"],
)
def test_a_spoiled_catalog_falls_back_to_the_records(indexed, spoil):
    folder, index_dir = indexed
    spoil(live_generation(index_dir) / "articles.json")
    assert counted(update(index_dir, [folder])) == (0, 0, 0, 2, 23)
    (folder / "b.txt").write_text("May 2, 2025\nOne. Two.\n")
    assert counted(update(index_dir, [folder])) == (0, 1, 0, 1, 22)


def counted(report) -> tuple[int, ...]:
    """(added, updated, removed, unchanged, sentences) of a run's report, as its summary."""
    assert not report.skipped, report.skipped
    return report.added, report.updated, report.removed, report.unchanged, report.sentences


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=50, deadline=None)
@given(
    toc=st.none() | _TEXT,
    rows=st.lists(
        st.tuples(_TEXT, st.integers(0, 2**40), st.integers(-(2**62), 2**62), _TEXT,
                  st.integers(0, 10**6), st.none() | _TEXT, _TEXT, _TEXT, _TEXT, _TEXT),
        max_size=4,
    ),
)  # fmt: skip
def test_the_catalog_written_a_row_at_a_time_is_the_json_of_the_whole(toc, rows):
    """Issue 26: the catalog is streamed (not held whole, 90 MB at 1M sentences); its bytes
    are those of the whole record, which `load_catalog` reads."""
    from search.engine.catalog import StoredArticle, _catalog_text

    articles = [StoredArticle(*row) for row in rows]
    whole = json.dumps({"toc": toc, "articles": [list(row) for row in rows]}, separators=(",", ":"))
    assert b"".join(_catalog_text(toc, articles)) == whole.encode()
