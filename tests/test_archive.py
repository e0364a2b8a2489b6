"""A real archive: nested folders of same-named files, undated articles, index discovery."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import assert_one_line_error, invoke
from search.engine.names import resolve, short_names

ARCHIVE = {
    "bbc/politics/264.txt": "March 3, 2005\nBlair defended the budget in parliament.\n",
    "bbc/sport/264.txt": "March 4, 2005\nChelsea beat Arsenal as Blair watched.\n",
    "bbc/tech/101.txt": "Gadget makers unveiled new phones on Monday.\nBlair was not there.\n",
    "reuters/00583.txt": "26-FEB-1987 15:01:01.79\nThe budget deficit narrowed, officials said.\n",
    "notes/story.txt": "Blair met the budget committee.\n",
    "drafts/story.txt": "Blair met the budget committee again.\n",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("archive")
    for name, text in ARCHIVE.items():
        path = root / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    index_dir = root / "index"
    result = invoke("index", str(root / "articles"), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return root / "articles", index_dir


def query_json(index_dir: Path, *args: str) -> list[dict]:
    result = invoke("query", *args, "--all", "--json", "--index-dir", str(index_dir))
    assert result.exit_code in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["/a/x/264.txt"], ["264"]),
        (["/a/politics/264.txt", "/a/sport/264.txt"], ["politics/264", "sport/264"]),
        (
            ["/a/bbc/politics/264.txt", "/b/bbc/politics/264.txt"],
            ["a/bbc/politics/264", "b/bbc/politics/264"],
        ),
        (["/n/story.md", "/n/story.txt"], ["story.md", "story.txt"]),
        (["/n/story.md", "/m/story.txt"], ["story.md", "story.txt"]),
        (["/x/264.txt", "/x/265.txt"], ["264", "265"]),
    ],
)
def test_short_names_are_the_shortest_unique_end_of_the_path(paths, expected):
    assert [short_names(paths)[path] for path in paths] == expected


PATHS = ["/a/bbc/politics/264.txt", "/a/bbc/sport/264.txt", "/a/reuters/00583.txt", "/x/2641.txt"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("264", ["/a/bbc/politics/264.txt", "/a/bbc/sport/264.txt"]),
        ("politics/264", ["/a/bbc/politics/264.txt"]),
        ("politics/264.txt", ["/a/bbc/politics/264.txt"]),
        ("bbc/sport/264", ["/a/bbc/sport/264.txt"]),
        ("/a/bbc/sport/264.txt", ["/a/bbc/sport/264.txt"]),
        ("005", ["/a/reuters/00583.txt"]),
        ("2641", ["/x/2641.txt"]),
        ("tics/264", []),
        ("bbc", []),
        ("", []),
    ],
)
def test_resolve_names(typed, expected):
    assert resolve(typed, PATHS) == expected


def test_every_hit_says_which_file(archive):
    _folder, index_dir = archive
    found = query_json(index_dir, "Blair")
    names = sorted(hit["name"] for hit in found)
    assert names == ["101", "drafts/story", "notes/story", "politics/264", "sport/264"]
    for hit in found:
        assert Path(hit["path"]).is_absolute()
        assert hit["path"].endswith(hit["name"]) or hit["name"] in hit["path"]


def test_human_header_names_the_file(archive):
    _folder, index_dir = archive
    result = invoke("query", "Chelsea", "--index-dir", str(index_dir), "--color", "never")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "1. sport/264:1  2005-03-04"


@pytest.mark.parametrize("typed", ["politics/264", "politics/264.txt", "bbc/politics/264"])
def test_show_accepts_any_unique_end_of_the_path(archive, typed):
    _folder, index_dir = archive
    result = invoke("show", typed, "--index-dir", str(index_dir), "--json")
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["name"] == "politics/264"


def test_show_of_an_ambiguous_name_lists_the_candidates(archive):
    _folder, index_dir = archive
    result = invoke("show", "264", "--index-dir", str(index_dir))
    assert_one_line_error(result, '"264" names 2 articles', "politics/264", "sport/264")


def test_article_field_takes_a_path_end(archive):
    _folder, index_dir = archive
    found = query_json(index_dir, "Blair article:sport/264")
    assert [(hit["name"], hit["sentence"]) for hit in found] == [("sport/264", 1)]
    assert query_json(index_dir, "Blair article:264") != []
    assert query_json(index_dir, "Blair article:nowhere/264") == []


def test_articles_list_uses_names(archive):
    _folder, index_dir = archive
    result = invoke("query", "-l", "budget", "--index-dir", str(index_dir), "--color", "never")
    assert result.exit_code == 0
    listed = sorted(line.split()[0] for line in result.stdout.splitlines())
    assert listed == ["00583", "drafts/story", "notes/story", "politics/264"]


def test_sort_article_is_by_path(archive):
    _folder, index_dir = archive
    found = query_json(index_dir, "Blair", "--sort", "article")
    paths = [hit["path"] for hit in found]
    assert paths == sorted(paths)


def test_date_filter_says_how_many_undated_matches_it_left_out(archive):
    _folder, index_dir = archive
    args = ("query", "Blair", "--since", "2005-01-01", "--index-dir", str(index_dir))
    result = invoke(*args, "--json")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == "3 undated matches left out; --include-undated keeps them\n"
    kept = invoke(*args, "--json", "--include-undated")
    assert len(kept.stdout.splitlines()) == 5
    assert "undated" not in kept.stderr


def test_wire_stamp_is_a_date(archive):
    _folder, index_dir = archive
    found = query_json(index_dir, "deficit")
    assert [(hit["name"], hit["date"], hit["sentence"]) for hit in found] == [
        ("00583", "1987-02-26", 1)
    ]


def test_commands_find_the_nearest_index_from_a_subfolder(tmp_path, monkeypatch):
    articles = tmp_path / "articles" / "politics"
    articles.mkdir(parents=True)
    (articles / "1.txt").write_text("Blair spoke.\n")
    monkeypatch.chdir(tmp_path)
    env = {"SEARCH_INDEX_DIR": None}
    assert invoke("index", "articles", env=env).exit_code == 0
    assert (tmp_path / "index" / "CURRENT").is_file()
    monkeypatch.chdir(articles)
    result = invoke("query", "Blair", "--json", env=env)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "1"
    status = invoke("status", "--json", env=env)
    assert json.loads(status.stdout)["index_dir"] == os.fspath(tmp_path / "index")


def test_without_an_index_anywhere_the_error_names_the_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("query", "Blair", env={"SEARCH_INDEX_DIR": None})
    assert_one_line_error(result, "no index in index/")
