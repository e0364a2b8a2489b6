"""The commands through Click's CliRunner: exact output, JSON fields, exit codes, errors."""

from __future__ import annotations

import json

import pytest

from conftest import SEED, SEED_NAME, invoke

QUERY_FIELDS = {
    "rank",
    "score",
    "article",
    "path",
    "name",
    "sentence",
    "date",
    "text",
    "matches",
    "title",
    "url",
    "copies",
    "language",
}


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_readme_query_finds_the_five_turkey_peacekeeping_sentences(seed_index):
    result = invoke("query", "Turkey peacekeeping", "--index-dir", str(seed_index), "--json")
    assert result.exit_code == 0
    hits = json_lines(result.stdout)
    assert sorted(hit["sentence"] for hit in hits) == [1, 3, 6, 9, 15]
    assert [hit["rank"] for hit in hits] == [1, 2, 3, 4, 5]
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_query_json_has_exactly_the_documented_fields(seed_index):
    result = invoke("query", "ceasefire", "--index-dir", str(seed_index), "--json")
    assert result.exit_code == 0
    (hit,) = json_lines(result.stdout)
    assert set(hit) == QUERY_FIELDS
    assert hit["article"] == SEED_NAME
    assert hit["path"].endswith("/seed-articles/" + SEED.name)
    assert hit["sentence"] == 6
    assert hit["date"] == "2025-03-11"
    assert hit["text"].startswith("Recently, at a significant meeting in Saudi Arabia")
    start, end = hit["matches"][0]
    assert hit["text"][start:end] == "ceasefire"


def test_stemming_finds_other_forms_and_highlights_them(seed_index):
    result = invoke("query", "negotiation", "--index-dir", str(seed_index), "--json")
    assert result.exit_code == 0
    (hit,) = json_lines(result.stdout)
    assert hit["sentence"] == 13
    assert [hit["text"][a:b] for a, b in hit["matches"]] == ["negotiations"]


def test_phrase_in_quotes(seed_index):
    result = invoke("query", '"peacekeeping troops"', "--index-dir", str(seed_index), "--json")
    assert result.exit_code == 0
    assert sorted(hit["sentence"] for hit in json_lines(result.stdout)) == [1, 6]


def test_limit(seed_index):
    result = invoke("query", "Turkey", "-n", "2", "--index-dir", str(seed_index), "--json")
    assert [hit["rank"] for hit in json_lines(result.stdout)] == [1, 2]


def test_no_match_exits_1_and_prints_nothing(seed_index):
    result = invoke("query", "xylophone", "--index-dir", str(seed_index))
    assert result.exit_code == 1
    assert result.stdout == ""


def test_missing_index_is_one_line_and_exit_2(tmp_path):
    result = invoke("query", "Turkey", "--index-dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert 'run "search index" first' in result.stderr


def test_index_dir_from_environment(seed_index):
    result = invoke("query", "ceasefire", "--json", env={"SEARCH_INDEX_DIR": str(seed_index)})
    assert result.exit_code == 0
    assert json_lines(result.stdout)[0]["sentence"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", ""], "empty query"),
        (["query", "   "], "empty query"),
        (["query", "..."], "nothing to search for"),
        (["query", "*"], "has no letter"),
        (["query", "x" * 300], "too long"),
        (["query", "(" * 50 + "Turkey" + ")" * 50], "nested too deep"),
        (["query", "Turkey", "-n", "0"], "Invalid value"),
        (["query", "Turkey", "--since", "yesterday"], "not a date"),
        (["query", "date:2025-02-30"], "not a date"),
        (["query", "Turkey~3"], "at most 2 edits"),
    ],
)
def test_bad_queries_are_one_line_exit_2(seed_index, args, message):
    result = invoke(*args, "--index-dir", str(seed_index))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_index_summary_line(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "x.txt").write_text("May 1, 2025\nOne sentence here. Another one there.\n")
    result = invoke("index", str(folder), "--index-dir", str(tmp_path / "ix"))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Indexed 1 article: 1 added, 0 updated, 0 removed, 0 unchanged; 2 sentences in "
    )


def test_indexing_twice_gives_the_same_index(seed_index, seed_articles):
    first = invoke("query", "Turkey", "--all", "--json", "--index-dir", str(seed_index)).stdout
    again = invoke("index", str(seed_articles), "--index-dir", str(seed_index))
    assert again.exit_code == 0
    assert "1 unchanged; 20 sentences" in again.stderr
    second = invoke("query", "Turkey", "--all", "--json", "--index-dir", str(seed_index)).stdout
    assert first == second


def test_split_prints_twenty_numbered_sentences():
    result = invoke("split", str(SEED))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "date: 2025-03-11"
    assert len(lines) == 21
    assert lines[11].startswith(" 11  According to defense policy analyses")
    assert "300,000 U.S. troops, which has led" in lines[11]


def test_split_json_fields_and_offsets():
    result = invoke("split", "--json", str(SEED))
    records = json_lines(result.stdout)
    assert len(records) == 20
    assert set(records[0]) == {"sentence", "text", "start", "end", "date", "language"}
    raw = SEED.read_text(encoding="utf-8")
    for record in records:
        assert " ".join(raw[record["start"] : record["end"]].split()) == record["text"]
        assert record["date"] == "2025-03-11"


def test_split_missing_file_exit_2(tmp_path):
    result = invoke("split", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_version_and_help():
    assert invoke("--version").stdout.startswith("search, version ")
    for command in ("index", "query", "split", "status", "show"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout


def test_no_escape_codes_when_not_a_terminal(seed_index):
    result = invoke("query", "Turkey peacekeeping", "--index-dir", str(seed_index))
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert result.stdout.splitlines()[0].startswith(f"1. {SEED_NAME}:")
    assert "2025-03-11" in result.stdout.splitlines()[0]


def test_index_without_paths_and_without_seeds_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("index", "--index-dir", str(tmp_path / "ix"))
    assert result.exit_code == 2
    assert result.stderr == (
        "search: no seeds/ folder here to index by default; "
        "give the files or folders to index, e.g. search index ~/articles\n"
    )
    assert not (tmp_path / "ix").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "search: No such command 'nosuch'. (see \"search --help\")\n"),
        (["--bogus"], "search: No such option '--bogus'. (see \"search --help\")\n"),
        (["query"], "search: Missing argument 'QUERY...'. (see \"search query --help\")\n"),
        (
            ["trend", "oil", "--by"],
            "search: Option '--by' requires an argument. (see \"search trend --help\")\n",
        ),
        (
            ["query", "oil", "--scope"],
            "search: Option '--scope' requires an argument. (see \"search query --help\")\n",
        ),
        (
            ["index", "--exclude"],
            "search: Option '--exclude' requires an argument. (see \"search index --help\")\n",
        ),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr == message
