"""`search index --exclude GLOB`, and an index inside the folder it indexes (issue 22)."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import invoke

FILES = ["a.txt", "b.md", "drafts/c.txt", "drafts/deep/d.txt", "notes/e.txt", "notes/f.eml"]
TEXT = "Turkey sent peacekeepers to the border on Tuesday.\n"


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(TEXT)
    return folder


def indexed(index) -> list[str]:
    result = invoke("query", "-l", "--copies", "--json", "peacekeepers", "--index-dir", str(index))
    assert result.exit_code in (0, 1), result.stderr
    return sorted(json.loads(line)["path"] for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("excludes", "kept"),
    [
        ((), FILES[:5]),
        (("drafts",), ["a.txt", "b.md", "notes/e.txt"]),
        (("*.md", "deep"), ["a.txt", "drafts/c.txt", "notes/e.txt"]),
        (("notes/*",), ["a.txt", "b.md", "drafts/c.txt", "drafts/deep/d.txt"]),
        (("*.TXT",), ["b.md"]),
    ],
)
def test_exclude_globs(tmp_path, archive, excludes, kept):
    # f.eml is plain text, not a message: one warning, whatever is excluded.
    args = [arg for glob in excludes for arg in ("--exclude", glob)]
    index = tmp_path / "index"
    result = invoke("index", str(archive), *args, "--index-dir", str(index))
    assert "Traceback" not in result.stderr
    assert indexed(index) == [str(archive / name) for name in kept]


def test_index_inside_the_folder_is_never_read_or_counted(archive, monkeypatch):
    monkeypatch.chdir(archive)
    first = invoke("index", ".", "--exclude", "*.eml")
    assert first.exit_code == 0, first.stderr
    assert (archive / "index" / "CURRENT").is_file()
    second = invoke("index", ".", "--exclude", "*.eml")
    assert second.exit_code == 0, second.stderr
    assert "skipped" not in second.stderr
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in second.stderr
    assert not any(path.startswith(str(archive / "index")) for path in indexed("index"))
    assert os.listdir(archive / "index")


def test_prune_drops_what_exclude_now_leaves_out(tmp_path, archive):
    # README: files indexed before an --exclude "stay until --prune". A reporter who adds
    # `--exclude drafts` later needs a way to take the drafts out without a rebuild.
    index = tmp_path / "index"
    (archive / "notes" / "f.eml").unlink()
    assert invoke("index", str(archive), "-q", "--index-dir", str(index)).exit_code == 0
    assert len(indexed(index)) == 5
    kept = invoke("index", str(archive), "--exclude", "drafts", "--index-dir", str(index))
    assert kept.exit_code == 0, kept.stderr
    assert len(indexed(index)) == 5  # without --prune they stay
    pruned = invoke(
        "index",
        str(archive),
        "--prune",
        "--exclude",
        "drafts",
        "--exclude",
        "*.md",
        "--index-dir",
        str(index),
    )
    assert pruned.exit_code == 0, pruned.stderr
    assert "3 removed" in pruned.stderr
    assert indexed(index) == [str(archive / name) for name in ("a.txt", "notes/e.txt")]
