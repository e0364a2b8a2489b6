"""The per-article catalog file: a fast copy of the article records, never trusted blindly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SEED, invoke


def generation(index_dir: Path) -> Path:
    pointer = json.loads((index_dir / "CURRENT").read_text())
    return index_dir / pointer["generation"]


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "b.txt").write_text("May 2, 2025\nOne. Two. Three.\n")
    index_dir = tmp_path / "ix"
    assert invoke("index", str(folder), "--index-dir", str(index_dir)).exit_code == 0
    return folder, index_dir


def test_catalog_describes_the_live_toc(indexed):
    _folder, index_dir = indexed
    catalog = json.loads((generation(index_dir) / "articles.json").read_text())
    assert catalog["toc"] in {p.name for p in generation(index_dir).glob("_MAIN_*.toc")}
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
    spoil(generation(index_dir) / "articles.json")
    result = invoke("index", str(folder), "--index-dir", str(index_dir))
    assert result.exit_code == 0
    assert "0 added, 0 updated, 0 removed, 2 unchanged; 23 sentences" in result.stderr
    (folder / "b.txt").write_text("May 2, 2025\nOne. Two.\n")
    result = invoke("index", str(folder), "--index-dir", str(index_dir))
    assert "0 added, 1 updated, 0 removed, 1 unchanged; 22 sentences" in result.stderr
