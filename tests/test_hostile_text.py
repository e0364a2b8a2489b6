"""Output is inert: control characters in articles, file names and queries never reach a
terminal raw, and every error stays one line whatever it quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_one_line_error, invoke, run_on_a_terminal
from search.present.json import line as json_line
from search.present.text import inert

ESC = "\x1b"
HOSTILE = f"The {ESC}]0;pwned\x07 title and {ESC}[2J clear \x9b31m and \u202egnp.exe here."
FILLER = "".join(f"Filler sentence number {n} is here.\n" for n in range(60))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text", "plain text"),
        ("tab\tstays", "tab\tstays"),
        (f"{ESC}[2J", "\\x1b[2J"),
        ("a\nb", "a\\nb"),
        ("a\rb", "a\\rb"),
        ("bell\x07", "bell\\x07"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b", "csi\\x9b"),
        ("\u202eevil", "\\u202eevil"),
        ("café Müller", "café Müller"),
    ],
)
def test_inert(raw, shown):
    assert inert(raw) == shown


def test_json_escapes_every_control_character():
    line = json_line({"text": HOSTILE})
    assert ESC not in line and "\x9b" not in line and "\u202e" not in line
    assert json.loads(line)["text"] == HOSTILE


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "articles"
    folder.mkdir()
    name = f"bad{ESC}[31mname\nline.txt"
    (folder / name).write_text("March 1, 2025\n" + HOSTILE + "\n" + FILLER, encoding="utf-8")
    index_dir = root / "index"
    result = invoke("index", str(folder), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return index_dir


def _no_raw_controls(text: str) -> None:
    for line in text.splitlines():
        assert not any(c in line for c in (ESC, "\x07", "\x9b", "\u202e")), repr(line)


@pytest.mark.parametrize(
    "args",
    [
        ("query", "title"),
        ("query", "-C", "1", "title"),
        ("query", "-l", "title"),
        ("show", "bad"),
        ("show", "bad:1", "-C", "1"),
        ("status",),
    ],
)
def test_human_output_is_inert(hostile_index, args):
    result = invoke(*args, "--index-dir", str(hostile_index), "--color", "never")
    if args[0] == "status":
        result = invoke(*args, "--index-dir", str(hostile_index))
    assert result.exit_code == 0, result.stderr
    _no_raw_controls(result.stdout)
    assert "\\x1b" in result.stdout or args[0] == "status"


def test_hit_header_stays_one_line_with_a_newline_in_the_file_name(hostile_index):
    result = invoke("query", "title", "--index-dir", str(hostile_index), "--color", "never")
    header = result.stdout.splitlines()[0]
    assert header == "1. bad\\x1b[31mname\\nline:1  2025-03-01"


def test_json_output_keeps_the_text(hostile_index):
    result = invoke("query", "title", "--json", "--index-dir", str(hostile_index))
    hit = json.loads(result.stdout)
    assert hit["text"] == HOSTILE
    _no_raw_controls(result.stdout)


@pytest.mark.parametrize(
    "query",
    [f"Turkey{ESC}[2J", "Turkey\nRussia (", "a" * 3000 + "\n", f'"{ESC}]0;x\x07'],
)
def test_errors_quoting_a_hostile_query_are_one_inert_line(tmp_path, query):
    result = invoke("query", query, "--index-dir", str(tmp_path / "none"))
    assert_one_line_error(result)
    _no_raw_controls(result.stderr)


def test_on_a_terminal_nothing_raw_reaches_the_screen(hostile_index):
    """The installed command, on a pseudo-terminal, with colors on."""
    code, screen = run_on_a_terminal(
        "query",
        "-C",
        "1",
        "title",
        "--index-dir",
        str(hostile_index),
        every_stream=True,
        env={"NO_COLOR": ""},
        timeout=60,
    )
    assert code == 0
    assert "\\x1b]0;pwned\\x07" in screen
    assert "]0;pwned\x07" not in screen and "\x1b[2J" not in screen


@pytest.mark.parametrize("form", ["jsonl", "es-bulk"])
def test_export_is_as_inert_as_json(hostile_index, form):
    result = invoke("export", "--format", form, "--index-dir", str(hostile_index))
    assert result.exit_code == 0, result.stderr
    _no_raw_controls(result.stdout)
    texts = [json.loads(line).get("text") for line in result.stdout.splitlines()]
    assert HOSTILE in texts
