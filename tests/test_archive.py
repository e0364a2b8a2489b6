"""A real archive: nested folders of same-named files, undated articles, index discovery."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import assert_one_line_error, build_index, invoke
from search.engine.names import resolve, short_names
from search.errors import SearchError
from search.index import Index, Options

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
    index_dir = build_index(root, ARCHIVE)
    return root / "articles", index_dir


@pytest.fixture(scope="module")
def door(archive):
    with Index.open(archive[1]) as index:
        yield index


def every(door: Index, query: str, **options) -> list:
    """The hits of `search query --all`."""
    return door.answer(query, Options(limit=None, **options)).hits


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


def test_every_hit_says_which_file(door):
    found = every(door, "Blair")
    names = sorted(hit.name for hit in found)
    assert names == ["101", "drafts/story", "notes/story", "politics/264", "sport/264"]
    for hit in found:
        assert Path(hit.path).is_absolute()
        assert hit.path.endswith(hit.name) or hit.name in hit.path


def test_every_json_hit_says_which_file(archive):
    _folder, index_dir = archive
    found = query_json(index_dir, "Chelsea")
    assert [(hit["name"], Path(hit["path"]).is_absolute()) for hit in found] == [
        ("sport/264", True)
    ]


def test_human_header_names_the_file(archive):
    _folder, index_dir = archive
    result = invoke("query", "Chelsea", "--index-dir", str(index_dir), "--color", "never")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "1. sport/264:1  2005-03-04"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("politics/264", "politics/264"),
        ("politics/264.txt", "politics/264"),
        ("bbc/politics/264", "politics/264"),
        ("sport/264", "sport/264"),
        ("005", "00583"),  # the start of a file name
        ("drafts/story", "drafts/story"),
    ],
)
def test_an_article_is_found_by_any_unique_end_of_its_path(door, typed, expected):
    assert door.article(typed).name == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("264", '"264" names 2 articles'),
        ("story", '"story" names 2 articles'),
        ("tics/264", "no article"),
    ],
)
def test_an_article_name_that_fits_several_or_none_is_refused(door, typed, message):
    with pytest.raises(SearchError, match=message):
        door.article(typed)


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


def test_article_field_takes_a_path_end(door):
    found = every(door, "Blair article:sport/264")
    assert [(hit.name, hit.sentence) for hit in found] == [("sport/264", 1)]
    assert every(door, "Blair article:264") != []
    assert every(door, "Blair article:nowhere/264") == []


def test_articles_are_listed_by_name(door):
    answer = door.answer("budget", Options(shape="articles"))
    listed = sorted(entry.name for entry in answer.articles)
    assert listed == ["00583", "drafts/story", "notes/story", "politics/264"]


def test_articles_list_uses_names(archive):
    _folder, index_dir = archive
    result = invoke("query", "-l", "budget", "--index-dir", str(index_dir), "--color", "never")
    assert result.exit_code == 0
    listed = sorted(line.split()[0] for line in result.stdout.splitlines())
    assert listed == ["00583", "drafts/story", "notes/story", "politics/264"]


def test_sort_article_is_by_path(door):
    paths = [hit.path for hit in every(door, "Blair", sort="article")]
    assert paths == sorted(paths)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # (hits, undated matches left out)
        ({}, (5, 0)),
        ({"since": "2005-01-01"}, (2, 3)),
        ({"since": "2005-01-01", "include_undated": True}, (5, 0)),
        ({"until": "2005-03-03"}, (1, 3)),
        ({"since": "2005-03-04", "until": "2005-03-04"}, (1, 3)),
        ({"since": "2006-01-01"}, (0, 3)),
    ],
)
def test_a_date_filter_counts_the_undated_matches_it_left_out(door, options, expected):
    answer = door.answer("Blair", Options(limit=None, **options))
    assert (len(answer.hits), answer.undated_left_out) == expected


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


def test_wire_stamp_is_a_date(door):
    found = every(door, "deficit")
    assert [(hit.name, hit.date, hit.sentence) for hit in found] == [("00583", "1987-02-26", 1)]


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
