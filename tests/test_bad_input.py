"""Bad input gets one clear line and exit 2 (or is indexed, where that is right), and nothing
already indexed is lost: binary files, other encodings, odd files, bad paths, odd queries.

Each case runs through the CLI against an index of the seed article, and checks afterwards
that the seed still answers `Turkey peacekeeping` with sentences 1, 3, 6, 9 and 15.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import resource
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (
    SEARCH_BIN,
    SEED,
    SEED_NAME,
    Prebuilt,
    assert_one_line_error,
    assert_seed_intact,
    invoke,
    prebuild,
    query_json,
    status,
)
from search.errors import SearchError
from search.index import Index, Options

SEED_TURKEY = [(SEED_NAME, n) for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17)]
GOOD_TEXT = "March 2, 2025\nThe zeppelin landed in Ankara at dawn.\n"


# Helpers -------------------------------------------------------------------------------------


def index(index_dir: Path, *paths) -> object:
    return invoke("index", *[str(p) for p in paths], "--index-dir", str(index_dir))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


# Binary files: skipped with a warning, the rest indexed, exit 2 ------------------------------

_RANDOM = random.Random(20250311).randbytes(8192)
BINARIES = [
    ("NUL bytes in text", b"March 1, 2025\nHalf a sentence\x00\x00 and the rest.\n"),
    ("PNG image", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + _RANDOM[:2048]),
    ("random bytes", _RANDOM),
    ("random bytes without NUL", _RANDOM.replace(b"\x00", b"")),
    ("control characters", bytes(range(1, 9)) * 300),
    ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + _RANDOM[:4096]),
    ("ELF executable", b"\x7fELF\x02\x01\x01\x00" + bytes(8) + _RANDOM[:1024]),
    ("PDF with binary stream", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nstream\n" + _RANDOM[:4096]),
]


@pytest.mark.parametrize("data", [c[1] for c in BINARIES], ids=[c[0] for c in BINARIES])
def test_binary_file_is_skipped_with_a_warning_and_exit_2(seed_index, inbox, data):
    (inbox / "a_good.txt").write_text(GOOD_TEXT)
    (inbox / "bad.txt").write_bytes(data)
    (inbox / "z_good.txt").write_text("March 3, 2025\nA blimp followed the zeppelin.\n")
    result = index(seed_index, inbox)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    naming = [line for line in lines if "bad.txt" in line]
    assert len(naming) == 1, result.stderr
    assert "binary" in naming[0].lower()
    assert not any("good" in line for line in lines), result.stderr
    # The good files of the same run are indexed, before and after the bad one.
    code, found = query_json(seed_index, "zeppelin")
    assert code == 0
    assert sorted(h["article"] for h in found) == ["a_good", "z_good"]
    assert status(seed_index)["articles"] == 3
    assert_seed_intact(seed_index)
    # The next run warns again (the file is still there) and changes nothing else.
    again = index(seed_index, inbox)
    assert again.exit_code == 2
    assert [line for line in again.stderr.splitlines() if "bad.txt" in line]
    assert status(seed_index)["articles"] == 3


def test_binary_file_given_directly_is_named_and_exit_2(seed_index, inbox):
    (inbox / "photo.txt").write_bytes(BINARIES[1][1])
    result = index(seed_index, inbox / "photo.txt")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if "photo.txt" in line]
    assert status(seed_index)["articles"] == 1
    assert_seed_intact(seed_index)


def test_file_that_becomes_binary_keeps_nothing_wrong(seed_index, inbox):
    """An indexed article overwritten by binary data: warned about, never indexed as text."""
    path = inbox / "story.txt"
    path.write_text(GOOD_TEXT)
    assert index(seed_index, inbox).exit_code == 0
    path.write_bytes(BINARIES[2][1])
    result = index(seed_index, inbox)
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if "story.txt" in line]
    assert "Traceback" not in result.stderr
    assert_seed_intact(seed_index)


# Other encodings are read correctly ----------------------------------------------------------

TURKISH = "March 11, 2025\nPresident Erdoğan visited the Café Müller in Beşiktaş.\n"
WESTERN = "March 11, 2025\nThe Café Müller kept its façade and its “Kaffee” sign for 5 €.\n"

ENCODINGS = [
    # id, bytes, query, text the hit must contain
    ("utf-8", TURKISH.encode("utf-8"), "Erdoğan", "Erdoğan visited the Café Müller in Beşiktaş"),
    ("utf-8 BOM", codecs.BOM_UTF8 + TURKISH.encode("utf-8"), "Café", "Erdoğan visited the Café"),
    (
        "utf-16-le BOM",
        codecs.BOM_UTF16_LE + TURKISH.encode("utf-16-le"),
        "Erdoğan",
        "Erdoğan visited the Café Müller in Beşiktaş",
    ),
    (
        "utf-16-be BOM",
        codecs.BOM_UTF16_BE + TURKISH.encode("utf-16-be"),
        "Café",
        "Erdoğan visited the Café Müller in Beşiktaş",
    ),
    ("cp1252", WESTERN.encode("cp1252"), "Café", "Café Müller kept its façade and its “Kaffee”"),
    ("cp1252 façade", WESTERN.encode("cp1252"), "façade", "sign for 5 €."),
    (
        "cp1252 CRLF",
        WESTERN.replace("\n", "\r\n").encode("cp1252"),
        "Müller",
        "The Café Müller kept its façade",
    ),
    (
        "latin-1",
        "March 11, 2025\nLe Café Müller a gardé sa façade.\n".encode("latin-1"),
        "Café",
        "Le Café Müller a gardé sa façade.",
    ),
    (
        "utf-8 BOM CRLF",
        codecs.BOM_UTF8 + TURKISH.replace("\n", "\r\n").encode("utf-8"),
        "Beşiktaş",
        "Erdoğan visited",
    ),
]


@pytest.mark.parametrize(
    ("data", "word", "expected"),
    [c[1:] for c in ENCODINGS],
    ids=[c[0] for c in ENCODINGS],
)
def test_other_encodings_are_indexed_with_accents_intact(seed_index, inbox, data, word, expected):
    (inbox / "encoded.txt").write_bytes(data)
    result = index(seed_index, inbox)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    code, found = query_json(seed_index, word)
    assert code == 0
    (hit,) = found
    assert hit["article"] == "encoded"
    assert expected in hit["text"]
    assert "\ufffd" not in hit["text"] and "\ufeff" not in hit["text"]
    assert hit["date"] == "2025-03-11"  # the BOM does not hide the dateline
    assert hit["sentence"] == 1
    assert_seed_intact(seed_index)


def test_split_reads_the_same_encodings(inbox):
    path = inbox / "u16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + TURKISH.encode("utf-16-le"))
    result = invoke("split", "--json", str(path))
    assert result.exit_code == 0, result.stderr
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["text"] == "President Erdoğan visited the Café Müller in Beşiktaş."
    assert row["date"] == "2025-03-11"


# Odd files are indexed without error ---------------------------------------------------------

LONG_LINE = "March 11, 2025\n" + "lorem ipsum dolor sit amet " * 40_000 + "quagga ends here.\n"
LONG_WORD = "March 11, 2025\nThe word " + "x" * 100_000 + " is long. Giraffes are tall.\n"

ODD_FILES = [
    # id, bytes, word to find (or None), sentences the file gives (None: do not check)
    ("empty", b"", None, 0),
    ("only a dateline", b"March 11, 2025\n", None, 0),
    ("only a dateline, no newline", b"2025-03-11", None, 0),
    ("only blank lines", b"\n\n\n   \n\t\n", None, 0),
    ("only a BOM", codecs.BOM_UTF8, None, 0),
    ("one word, no newline", b"Quagga", "quagga", 1),
    ("1 MB line", LONG_LINE.encode(), "quagga", None),
    ("100k-character word", LONG_WORD.encode(), "giraffes", None),
    ("10k short lines", b"March 11, 2025\n" + b"quagga line\n" * 10_000, "quagga", None),
    ("only punctuation", b"... !!! ??? --- ***\n", None, None),
]


@pytest.mark.parametrize(
    ("data", "word", "sentences"),
    [c[1:] for c in ODD_FILES],
    ids=[c[0] for c in ODD_FILES],
)
def test_odd_files_are_indexed_without_error(seed_index, inbox, data, word, sentences):
    (inbox / "odd.txt").write_bytes(data)
    started = time.process_time()  # the work done, not the wait for a core under load
    result = index(seed_index, inbox)
    assert time.process_time() - started < 60
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert " 1 added," in result.stderr
    data_after = status(seed_index)
    assert data_after["articles"] == 2
    if sentences is not None:
        assert data_after["sentences"] == 20 + sentences
    if word:
        count = invoke("query", "-c", word, "--index-dir", str(seed_index))
        assert count.exit_code == 0, count.stderr
        assert int(count.stdout) >= 1
    assert_seed_intact(seed_index)
    # Unchanged on the next run.
    again = index(seed_index, inbox)
    assert again.exit_code == 0
    assert "0 added, 0 updated, 0 removed, 1 unchanged" in again.stderr


# Bad paths and index folders -----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda t: [t / "missing.txt"], id="missing file"),
        pytest.param(lambda t: [t / "missing-folder"], id="missing folder"),
        pytest.param(lambda t: [t / "inbox", t / "missing.txt"], id="missing after a good one"),
        pytest.param(lambda t: [t / "missing.txt", t / "inbox"], id="missing before a good one"),
    ],
)
def test_missing_path_is_named_and_nothing_changes(seed_index, tmp_path, inbox, make):
    (inbox / "good.txt").write_text(GOOD_TEXT)
    paths = make(tmp_path)
    missing = next(p for p in paths if not p.exists())
    before = status(seed_index)
    result = index(seed_index, *paths)
    assert_one_line_error(result, str(missing))
    after = status(seed_index)
    assert (after["articles"], after["sentences"]) == (before["articles"], before["sentences"])
    assert query_json(seed_index, "zeppelin") == (1, [])
    assert_seed_intact(seed_index)


def test_broken_symlink_given_directly_is_named(seed_index, inbox):
    link = inbox / "link.txt"
    link.symlink_to(inbox / "target-gone.txt")
    result = index(seed_index, link)
    assert_one_line_error(result, "link.txt")
    assert_seed_intact(seed_index)


def test_broken_symlink_inside_a_folder_never_tracebacks(seed_index, inbox):
    (inbox / "good.txt").write_text(GOOD_TEXT)
    (inbox / "link.txt").symlink_to(inbox / "target-gone.txt")
    result = index(seed_index, inbox)
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        assert result.exit_code == 2
        assert [line for line in result.stderr.splitlines() if "link.txt" in line]
    assert_seed_intact(seed_index)


def test_fifo_given_directly_is_refused(seed_index, inbox):
    fifo = inbox / "pipe.txt"
    os.mkfifo(fifo)
    result = index(seed_index, fifo)
    assert_one_line_error(result, "pipe.txt")
    assert_seed_intact(seed_index)


def test_fifo_named_txt_inside_a_folder_does_not_hang(seed_index, inbox):
    """A named pipe called *.txt in a folder: reading it would block forever."""
    (inbox / "good.txt").write_text(GOOD_TEXT)
    os.mkfifo(inbox / "pipe.txt")
    try:
        run = subprocess.run(
            [str(SEARCH_BIN), "index", str(inbox), "--index-dir", str(seed_index)],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("search index hung on a FIFO named pipe.txt (it must skip or refuse it)")
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert [line for line in run.stderr.splitlines() if "pipe.txt" in line], run.stderr
    assert_seed_intact(seed_index)


def test_folder_without_read_permission(seed_index, inbox):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop reading")
    locked = inbox / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text(GOOD_TEXT)
    locked.chmod(0)
    try:
        result = index(seed_index, locked)
        assert_one_line_error(result, "locked", "permission")
    finally:
        locked.chmod(0o755)
    assert_seed_intact(seed_index)


def test_file_without_read_permission(seed_index, inbox):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop reading")
    secret = inbox / "secret.txt"
    secret.write_text(GOOD_TEXT)
    secret.chmod(0)
    try:
        result = index(seed_index, inbox)
        assert result.exit_code == 2
        assert "Traceback" not in result.stderr
        assert [line for line in result.stderr.splitlines() if "secret.txt" in line]
    finally:
        secret.chmod(0o644)
    assert_seed_intact(seed_index)


INDEX_COMMANDS = [
    ("index", "ARTICLES"),
    ("index", "--rebuild", "ARTICLES"),
    ("query", "Turkey"),
    ("status",),
    ("status", "--verify"),
    ("show", SEED_NAME),
]


def _run(command, index_dir: Path, articles: Path):
    args = [str(articles) if part == "ARTICLES" else part for part in command]
    return invoke(*args, "--index-dir", str(index_dir))


@pytest.mark.parametrize("command", INDEX_COMMANDS, ids=lambda c: " ".join(c))
def test_index_dir_that_is_a_regular_file(tmp_path, inbox, command):
    (inbox / "good.txt").write_text(GOOD_TEXT)
    target = tmp_path / "notes.txt"
    target.write_bytes(b"my notes\n")
    result = _run(command, target, inbox)
    assert_one_line_error(result, str(target))
    assert result.stdout == ""
    assert target.read_bytes() == b"my notes\n"


@pytest.mark.parametrize("command", INDEX_COMMANDS, ids=lambda c: " ".join(c))
def test_index_dir_under_a_regular_file(tmp_path, inbox, command):
    (inbox / "good.txt").write_text(GOOD_TEXT)
    target = tmp_path / "notes.txt"
    target.write_bytes(b"my notes\n")
    result = _run(command, target / "index", inbox)
    assert_one_line_error(result, "notes.txt")
    assert target.read_bytes() == b"my notes\n"


@pytest.mark.parametrize("command", INDEX_COMMANDS, ids=lambda c: " ".join(c))
def test_index_dir_holding_unrelated_files_is_left_untouched(tmp_path, inbox, command):
    (inbox / "good.txt").write_text(GOOD_TEXT)
    home = tmp_path / "documents"
    (home / "photos").mkdir(parents=True)
    (home / "thesis.docx").write_bytes(b"PK\x03\x04 not ours")
    (home / "photos" / "cat.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (home / "todo.txt").write_text("buy milk\n")
    before = snapshot(home)
    names_before = sorted(p.name for p in home.rglob("*"))
    result = _run(command, home, inbox)
    assert_one_line_error(result, str(home))
    assert result.stdout == ""
    assert snapshot(home) == before
    assert sorted(p.name for p in home.rglob("*")) == names_before


# Odd queries ---------------------------------------------------------------------------------

EXTRA = (
    "April 2, 2025\n"
    "The U.S. envoy said the Russia-Ukraine talks would resume.\n"
    "Officials in Ankara welcomed the news.\n"
)


def _write_query_articles(folder: Path) -> None:
    shutil.copy(SEED, folder / SEED.name)
    (folder / "extra.txt").write_text(EXTRA)


@pytest.fixture(scope="module")
def query_build(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    return prebuild(tmp_path_factory.mktemp("query"), "articles", _write_query_articles)


@pytest.fixture(scope="module")
def query_index(query_build: Prebuilt) -> Path:
    """The seed and one more article, shared by the module's tests: they only query it."""
    return query_build.index_dir


def _same_as_turkey(code, found):
    return code == 0 and sorted((h["article"], h["sentence"]) for h in found) == SEED_TURKEY


ODD_QUERIES = [
    # id, query, allowed exit codes, check of the hits when the exit code is 0 (or None)
    ("unbalanced quote", '"Turkey', {0, 2}, _same_as_turkey),
    ("unbalanced quote after", 'Turkey"', {0, 2}, _same_as_turkey),
    ("unbalanced phrase", '"peacekeeping troops', {0, 1, 2}, None),
    ("open parenthesis", "(Turkey", {0, 2}, _same_as_turkey),
    ("close parenthesis", "Turkey)", {0, 2}, _same_as_turkey),
    ("parentheses only", "()", {1, 2}, None),
    ("lone star", "*", {2}, None),
    ("lone question mark", "?", {1, 2}, None),
    ("lone AND", "AND", {1, 2}, None),
    ("lone OR", "OR", {1, 2}, None),
    ("lone NOT", "NOT", {1, 2}, None),
    ("trailing AND", "Turkey AND", {0, 2}, _same_as_turkey),
    ("leading OR", "OR Turkey", {0, 2}, _same_as_turkey),
    ("AND NOT", "AND NOT", {1, 2}, None),
    ("empty field title:", "title:", {1, 2}, None),
    ("empty field text:", "text:", {1, 2}, None),
    ("empty field date:", "date:", {1, 2}, None),
    ("unknown field", "title:Turkey", {0, 1, 2}, None),
    ("lone colon", ":", {1, 2}, None),
    ("lone minus", "-", {1, 2}, None),
    ("lone tilde", "~", {1, 2}, None),
    ("lone caret", "^", {1, 2}, None),
    ("brackets", "[Turkey", {0, 1, 2}, None),
    ("braces", "{Turkey TO}", {0, 1, 2}, None),
    ("5,000-character query", " ".join(["Turkey"] * 714), {0, 2}, _same_as_turkey),
    ("5,000 characters of words", " ".join(f"w{n:04d}" for n in range(834)), {1, 2}, None),
    ("1,000 nested parentheses", "(" * 1000 + "Turkey" + ")" * 1000, {0, 2}, _same_as_turkey),
    ("1,000 open parentheses", "(" * 1000 + "Turkey", {0, 2}, _same_as_turkey),
    ("100,000-character word", "a" * 100_000, {1, 2}, None),
    ("100,000-character prefix", "a" * 100_000 + "*", {1, 2}, None),
    ("100,000-character fuzzy", "a" * 100_000 + "~", {1, 2}, None),
    ("1,000 quotes", '"' * 1000, {1, 2}, None),
    (
        "U.S.",
        "U.S.",
        {0, 2},
        lambda code, found: ("extra", 1) in {(h["article"], h["sentence"]) for h in found},
    ),
    (
        "Russia-Ukraine",
        "Russia-Ukraine",
        {0},
        lambda code, found: [(h["article"], h["sentence"]) for h in found] == [("extra", 1)],
    ),
    ("Turkey's", "Turkey's", {0}, _same_as_turkey),
    ("curly apostrophe", "Turkey’s", {0}, _same_as_turkey),
    ("control character", "Turkey\x07", {0, 2}, _same_as_turkey),
    ("only spaces and tabs", " \t ", {2}, None),
    ("emoji", "🇹🇷", {1, 2}, None),
]


@pytest.mark.parametrize(
    ("query", "allowed", "check"),
    [c[1:] for c in ODD_QUERIES],
    ids=[c[0] for c in ODD_QUERIES],
)
def test_odd_queries_answer_or_refuse_in_one_line(query_index, query, allowed, check):
    started = time.process_time()  # the work done, not the wait for a core under load
    result = invoke("query", query, "--all", "--json", "--index-dir", str(query_index))
    elapsed = time.process_time() - started
    assert elapsed < 10, f"{elapsed:.1f} s"
    assert "Traceback" not in result.stderr
    assert result.exit_code in allowed, (result.exit_code, result.stderr)
    if result.exit_code == 2:
        assert_one_line_error(result)
        assert "unexpected error" not in result.stderr
        assert result.stdout == ""
    elif result.exit_code == 1:
        assert result.stdout == ""
        assert result.stderr.count("\n") <= 1  # at most a "did you mean" line
    else:
        found = [json.loads(line) for line in result.stdout.splitlines()]
        assert found
        if check:
            assert check(0, found), [(h["article"], h["sentence"]) for h in found]
    assert_seed_intact(query_index)


@pytest.fixture(scope="module")
def query_door(query_index: Path):
    with Index.open(query_index) as index:
        yield index


@pytest.mark.parametrize(
    ("query", "allowed", "check"),
    [c[1:] for c in ODD_QUERIES],
    ids=[c[0] for c in ODD_QUERIES],
)
def test_odd_queries_answer_or_raise_one_search_error(query_door, query, allowed, check):
    """What the command's exit codes stand for, asked of the library: an answer (found: 0,
    a miss: 1) or one SearchError of one line (2), never another exception."""
    started = time.process_time()
    try:
        answer = query_door.answer(query, Options(limit=None))
    except SearchError as error:
        assert 2 in allowed, str(error)
        assert "\n" not in str(error) and str(error)
    else:
        assert (0 if answer.found else 1) in allowed, answer
        if answer.found and check:
            found = [{"article": h.article, "sentence": h.sentence} for h in answer.hits]
            assert check(0, found), [(h["article"], h["sentence"]) for h in found]
    assert time.process_time() - started < 10


def _children_cpu_seconds() -> float:
    """The processor time used by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_odd_queries_through_the_installed_command(query_index):
    """The same limits hold end to end: a 100,000-character word answers fast, in one line."""
    for query in ("a" * 100_000, "(" * 1000 + "Turkey" + ")" * 1000):
        started = _children_cpu_seconds()  # the work done, not the wait for a core
        run = subprocess.run(
            [str(SEARCH_BIN), "query", query, "--index-dir", str(query_index)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert _children_cpu_seconds() - started < 10
        assert run.returncode in (0, 1, 2)
        assert "Traceback" not in run.stderr
        if run.returncode == 2:
            assert run.stderr.count("\n") == 1


@pytest.mark.parametrize("option", ["-n", "--since", "--until", "-C", "--sort"])
def test_bad_option_values_are_one_line(seed_index, option):
    result = invoke("query", "Turkey", option, "bogus", "--index-dir", str(seed_index))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "bogus" in result.stderr
    assert_seed_intact(seed_index)
