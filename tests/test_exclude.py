"""`search index --exclude GLOB`, and an index inside the folder it indexes (issue 22)."""

from __future__ import annotations

import json
import os

import pytest

from search.index import Index, Options, update
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
    """The paths of the articles `search query -l --copies --json peacekeepers` lists."""
    result = invoke("query", "-l", "--copies", "--json", "peacekeepers", "--index-dir", str(index))
    assert result.exit_code in (0, 1), result.stderr
    return sorted(json.loads(line)["path"] for line in result.stdout.splitlines())


def listed(index) -> list[str]:
    """The same, asked of the library."""
    with Index.open(index) as door:
        answer = door.answer("peacekeepers", Options(shape="articles", copies=True, limit=None))
    return sorted(entry.path for entry in answer.articles)


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
    index = tmp_path / "index"
    report = update(index, [archive], exclude=excludes)
    # f.eml is plain text, not a message: one warning, unless it is excluded too.
    assert [warning for warning in report.skipped if "f.eml" in warning] == report.skipped
    assert len(report.skipped) == (0 if "notes/*" in excludes else 1)
    assert listed(index) == [str(archive / name) for name in kept]


def test_the_command_takes_exclude_globs(tmp_path, archive):
    index = tmp_path / "index"
    args = ["--exclude", "*.md", "--exclude", "deep"]
    result = invoke("index", str(archive), *args, "--index-dir", str(index))
    assert "Traceback" not in result.stderr
    assert indexed(index) == [str(archive / name) for name in ("a.txt", "drafts/c.txt",
                                                               "notes/e.txt")]  # fmt: skip


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
    assert update(index, [archive]).added == 5
    assert len(listed(index)) == 5
    assert update(index, [archive], exclude=["drafts"]).removed == 0
    assert len(listed(index)) == 5  # without --prune they stay
    pruned = update(index, [archive], prune=True, exclude=["drafts", "*.md"])
    assert pruned.removed == 3
    assert listed(index) == [str(archive / name) for name in ("a.txt", "notes/e.txt")]


def test_the_command_prunes_what_exclude_now_leaves_out(tmp_path, archive):
    index = tmp_path / "index"
    (archive / "notes" / "f.eml").unlink()
    assert invoke("index", str(archive), "-q", "--index-dir", str(index)).exit_code == 0
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
