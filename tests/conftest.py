"""Shared fixtures: the seed article, a small corpus of our own, and indexes built from them.

Every index lives under pytest's tmp_path; no test touches the repository's index/.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import cli

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_88ce9bbce3777626.txt"
SEED_NAME = SEED.stem
SEARCH_BIN = Path(sys.executable).parent / "search"

# Articles written for the tests: different dates, overlapping words, words to misspell.
CORPUS = {
    "2025-01_ceasefire.txt": (
        "January 20, 2025\n"
        "Ceasefire talks resumed in Geneva on Monday.\n"
        "Negotiators from Russia and Ukraine met for six hours.\n"
        "\n"
        "The talks ended without an agreement on prisoner exchanges.\n"
        "A second round of negotiations is planned for February.\n"
    ),
    "2025-06_elections.txt": (
        "2 June 2025\n"
        "Turkey's opposition announced its candidates for the autumn elections.\n"
        "The ruling party said the elections would be free and fair.\n"
        "Analysts expect Turkey to keep its peacekeeping offer on the table.\n"
    ),
    "undated_briefing.txt": (
        "Briefing notes\n"
        "\n"
        "The ceasefire in the north held overnight, officials said.\n"
        "Peacekeeping troops patrolled the border at dawn.\n"
    ),
}


def invoke(*args: str, env: dict | None = None, input: str | None = None):
    """Run the CLI in-process; stderr is kept apart from stdout."""
    return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


SEED_TURKEY_PEACEKEEPING = [(SEED_NAME, n) for n in (1, 3, 6, 9, 15)]


def status(index_dir: Path) -> dict:
    """`search status --json`, which must succeed and print one JSON line."""
    result = invoke("status", "--json", "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    return json.loads(line)


def hits(index_dir: Path, *query: str) -> list[tuple[str, int]]:
    """(article, sentence) of every hit, sorted; [] when nothing matched (exit 1)."""
    result = invoke("query", *query, "--all", "--json", "--index-dir", str(index_dir))
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 1:
        assert result.stdout == ""
        return []
    return sorted(
        (h["article"], h["sentence"]) for h in map(json.loads, result.stdout.splitlines())
    )


def assert_seed_intact(index_dir: Path) -> None:
    """The README's query still finds the seed's five Turkey/peacekeeping sentences."""
    result = invoke("query", "Turkey peacekeeping", "--json", "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted((h["article"], h["sentence"]) for h in found) == SEED_TURKEY_PEACEKEEPING


def assert_one_line(text: str, *phrases: str) -> None:
    assert "Traceback" not in text
    assert text.count("\n") == 1 and text.endswith("\n"), text
    for phrase in phrases:
        assert phrase in text, text


def assert_one_line_error(result, *phrases: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert_one_line(result.stderr, *phrases)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def seed_index(tmp_path: Path) -> Path:
    """An index of the seed article alone."""
    folder = tmp_path / "seed-articles"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    index_dir = tmp_path / "seed-index"
    result = invoke("index", str(folder), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return index_dir


@pytest.fixture
def corpus_index(tmp_path: Path, corpus: Path) -> Path:
    """An index of the seed and the test corpus."""
    index_dir = tmp_path / "corpus-index"
    result = invoke("index", str(corpus), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return index_dir
