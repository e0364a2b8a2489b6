"""Articles as results: `-l` in `--sort` order, `-l -c` counting articles, and
`--scope article` (every word anywhere in one article), through the command."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED_NAME, invoke

S = SEED_NAME
C = "2025-01_ceasefire"
E = "2025-06_elections"
U = "undated_briefing"


# -l and --sort; -l -c -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", [C, U, S, E]),
        ("date", [E, S, C, U]),  # newest first, undated last
        ("article", sorted([C, E, S, U])),  # by path: the four share a folder
    ],
)
def test_article_list_follows_sort(corpus_index, sort, expected):
    result = invoke(
        "query", "-l", "--json", "--sort", sort, "ceasefire OR Turkey",
        "--index-dir", str(corpus_index),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["article"] for line in result.stdout.splitlines()] == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-c", "ceasefire OR Turkey"], "19"),  # sentences
        (["-l", "-c", "ceasefire OR Turkey"], "4"),  # the articles -l lists
        (["-l", "-c", "-n", "1", "ceasefire OR Turkey"], "4"),  # every one, not the first N
        (["-l", "-c", "--since", "2025-03-01", "ceasefire OR Turkey"], "2"),
        (["-l", "-c", "Russia"], "2"),
        (["-l", "-c", "--json", "Russia"], '{"count": 2}'),
    ],
)
def test_article_count_counts_what_the_list_lists(corpus_index, args, expected):
    result = invoke("query", *args, "--index-dir", str(corpus_index))
    assert (result.exit_code, result.stdout) == (0, expected + "\n"), result.stderr
    if "-l" in args and "--json" not in args:
        listed = invoke("query", "-l", "--all", *args[2:], "--index-dir", str(corpus_index))
        assert len(listed.stdout.splitlines()) == int(expected)


def test_article_count_of_a_miss_is_zero_and_exit_1(corpus_index):
    result = invoke("query", "-l", "-c", "xylophone", "--index-dir", str(corpus_index))
    assert (result.exit_code, result.stdout) == (1, "0\n")
