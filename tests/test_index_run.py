"""One `search index` run as a user sees it: moved folders and --prune, files a folder holds
that are not articles (--include), files whose format needs the extra, and the progress bar.

What a run does is asked of the library (`search.index.update`: its report; `Index`: what
the index then holds); its lines on stderr through the command, with CliRunner in-process
unless the test needs a terminal (then the installed command on a pty).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from conftest import assert_one_line_error, invoke, run_on_a_terminal, status
from search.articles import formats
from search.articles.article import READERS
from search.articles.reading import discover
from search.engine.indexer import COMMITTING, READING
from search.index import Index, Options, update

STORIES = {
    "ankara.txt": "March 1, 2025\nThe albatross flew over Ankara. It landed at noon.\n",
    "bursa.txt": "March 2, 2025\nThe buffalo grazed near Bursa.\n",
    "cesme.txt": "March 3, 2025\nThe cormorant dived off Cesme. Fishermen watched.\n",
}
SUMMARY = re.compile(
    r"^Indexed (\d+) articles?: (\d+) added, (\d+) updated, (\d+) removed, (\d+) unchanged; "
)


def index(index_dir: Path, *args) -> object:
    return invoke("index", *[str(a) for a in args], "--index-dir", str(index_dir))


def summary_counts(result) -> tuple[int, ...]:
    """(articles, added, updated, removed, unchanged) from the run's summary line."""
    (match,) = [m for m in map(SUMMARY.match, result.stderr.splitlines()) if m]
    return tuple(int(n) for n in match.groups())


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def real(path: Path) -> str:
    return str(path.resolve())


@pytest.fixture
def politics(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "politics", STORIES)


# Moved folders and --prune ---------------------------------------------------------------------


def counted(report) -> tuple[int, ...]:
    """(articles, added, updated, removed, unchanged) of a run's report, as its summary."""
    return report.articles, report.added, report.updated, report.removed, report.unchanged


def found(index_dir: Path, query: str) -> list[tuple[str, int]]:
    with Index.open(index_dir) as door:
        answer = door.answer(query, Options(limit=None, copies=True))
    return sorted((hit.article, hit.sentence) for hit in answer.hits)


def state(index_dir: Path):
    with Index.open(index_dir) as door:
        return door.status()


def test_renamed_folder_reindexed_then_pruned_leaves_no_duplicate(tmp_path, politics):
    index_dir = tmp_path / "index"
    assert counted(update(index_dir, [politics])) == (3, 3, 0, 0, 0)
    moved = politics.rename(tmp_path / "pol2")

    report = update(index_dir, [moved])
    assert counted(report) == (3, 3, 0, 0, 0)
    assert report.left_behind == 3  # the note: 3 indexed files moved
    assert found(index_dir, "buffalo") == [("bursa", 1), ("bursa", 1)]  # doubled until pruned
    before = state(index_dir)
    assert before.articles == 6
    assert before.missing == sorted(real(tmp_path / "politics" / name) for name in STORIES)

    pruned = update(index_dir, [], prune=True)
    assert (pruned.removed, pruned.sentences) == (3, 5)
    assert found(index_dir, "buffalo") == [("bursa", 1)]
    after = state(index_dir)
    assert (after.articles, after.sentences, after.missing) == (3, 5, [])
    again = update(index_dir, [moved])
    assert counted(again) == (3, 0, 0, 0, 3)
    assert again.left_behind == 0


def test_the_command_says_a_folder_moved_and_what_prune_dropped(tmp_path, politics):
    index_dir = tmp_path / "index"
    assert summary_counts(index(index_dir, politics)) == (3, 3, 0, 0, 0)
    moved = politics.rename(tmp_path / "pol2")

    result = index(index_dir, moved)
    assert result.exit_code == 0, result.stderr
    assert summary_counts(result) == (3, 3, 0, 0, 0)
    assert (
        "3 indexed files moved (the same content is now indexed elsewhere); "
        "search index --prune drops the old paths"
    ) in result.stderr.splitlines()
    assert status(index_dir)["missing"] == state(index_dir).missing
    text = invoke("status", "--index-dir", str(index_dir)).stdout
    assert re.search(r"^missing: +3 .*search index --prune", text, re.MULTILINE), text

    pruned = index(index_dir, "--prune")
    assert pruned.exit_code == 0, pruned.stderr
    assert re.match(r"Pruned 3 articles whose files are gone; 5 sentences in ", pruned.stderr)
    again = index(index_dir, moved)
    assert summary_counts(again) == (3, 0, 0, 0, 3)
    assert len(again.stderr.splitlines()) == 1


def test_prune_with_a_path_indexes_it_and_drops_the_old_paths_in_one_run(tmp_path, politics):
    index_dir = tmp_path / "index"
    update(index_dir, [politics])
    moved = politics.rename(tmp_path / "pol2")
    report = update(index_dir, [moved], prune=True)
    assert counted(report) == (3, 3, 0, 3, 0)
    assert report.left_behind == 0  # no note of a move: the old paths are gone
    assert found(index_dir, "cormorant") == [("cesme", 1)]
    assert state(index_dir).missing == []


def test_the_command_prunes_with_a_path_in_one_line(tmp_path, politics):
    index_dir = tmp_path / "index"
    index(index_dir, politics)
    moved = politics.rename(tmp_path / "pol2")
    result = index(index_dir, moved, "--prune")
    assert summary_counts(result) == (3, 3, 0, 3, 0)
    assert len(result.stderr.splitlines()) == 1  # no note of a move: the old paths are gone


def test_prune_keeps_files_that_exist_but_were_not_given(tmp_path, politics):
    other = write_folder(tmp_path / "other", {"edirne.txt": "The eagle nested in Edirne.\n"})
    index_dir = tmp_path / "index"
    update(index_dir, [politics])
    update(index_dir, [other])
    (politics / "bursa.txt").unlink()
    assert update(index_dir, [], prune=True).removed == 1
    assert state(index_dir).articles == 3
    assert found(index_dir, "eagle") == [("edirne", 1)]
    assert found(index_dir, "albatross") == [("ankara", 1)]


def test_the_command_says_what_prune_dropped(tmp_path, politics):
    index_dir = tmp_path / "index"
    index(index_dir, politics)
    (politics / "bursa.txt").unlink()
    result = index(index_dir, "--prune")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Pruned 1 article whose files are gone; ")


def test_a_deleted_file_outside_the_folders_given_gets_no_move_note(tmp_path, politics):
    other = write_folder(tmp_path / "other", {"edirne.txt": "The eagle nested in Edirne.\n"})
    index_dir = tmp_path / "index"
    index(index_dir, politics)
    (politics / "bursa.txt").unlink()
    result = index(index_dir, other)
    assert result.stderr.splitlines()[1:] == []  # the summary alone: a deletion is no move
    assert state(index_dir).missing == [real(politics / "bursa.txt")]


def test_prune_without_a_path_does_not_index_seeds(tmp_path, politics, monkeypatch):
    write_folder(tmp_path / "seeds", {"seedling.txt": "The sparrow sang in Sinop.\n"})
    monkeypatch.chdir(tmp_path)
    index_dir = tmp_path / "index"
    index(index_dir, politics)
    result = index(index_dir, "--prune")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Pruned 0 articles whose files are gone; 5 sentences in ")
    assert found(index_dir, "sparrow") == []
    assert state(index_dir).articles == 3


def test_prune_without_an_index_is_one_line_and_creates_nothing(tmp_path):
    result = index(tmp_path / "index", "--prune")
    assert_one_line_error(result, "no index in", "nothing to prune")
    assert not (tmp_path / "index").exists()


def test_status_says_what_fixes_stale_files(tmp_path, politics):
    index_dir = tmp_path / "index"
    index(index_dir, politics)
    (politics / "bursa.txt").write_text("March 2, 2025\nThe bison roamed near Bodrum.\n")
    text = invoke("status", "--index-dir", str(index_dir)).stdout
    assert re.search(r"^stale: +1 .*search index PATH", text, re.MULTILINE), text
    assert re.search(r"^missing: +0$", text, re.MULTILINE), text


# Files a folder holds that are not articles --------------------------------------------------

MIXED = {
    "a.txt": "The albatross flew over Ankara.\n",
    "B.TXT": "The buffalo grazed near Bursa.\n",
    "notes.md": "# Notes\n\nThe cormorant dived off Cesme.\n",
    "sub/c.txt": "The dolphin swam past Datca.\n",
    "sub/d.text": "The eagle nested in Edirne.\n",
    "README": "The falcon circled over Fethiye.\n",
    "LICENSE": "The gull followed the ferry.\n",
    "photo.jpeg": b"\xff\xd8\xff\xe0" + bytes(32),
    ".hidden.txt": "The heron waited in Hopa.\n",
    ".git/config.txt": "The ibis stood in Izmir.\n",
}


@pytest.mark.parametrize(
    ("include", "articles", "skipped"),
    [
        (
            [],
            {"a", "B", "notes", "c"},
            "4 files skipped: 2 without extension, 1 .jpeg, 1 .text; see --include",
        ),
        (
            ["*.txt"],
            {"a", "B", "c"},
            "5 files skipped: 2 without extension, 1 .jpeg, 1 .md, 1 .text; see --include",
        ),
        (
            ["*.TXT", "*.text", "README"],
            {"a", "B", "c", "d", "README"},
            "3 files skipped: 1 .jpeg, 1 .md, 1 without extension; see --include",
        ),
        (["sub/*"], {"c", "d"}, "6 files skipped: 2 .txt, 2 without extension, 1 .jpeg, 1 .md; "),
        (["*"], {"a", "B", "notes", "c", "d", "README", "LICENSE", "photo"}, None),
    ],
    ids=["default", "txt only", "any case, exact name", "a glob with /", "everything"],
)
def test_include_picks_the_articles_and_the_summary_counts_the_rest(
    tmp_path, include, articles, skipped
):
    folder = write_folder(tmp_path / "mixed", MIXED)
    index_dir = tmp_path / "index"
    args = [a for glob in include for a in ("--include", glob)]
    result = index(index_dir, folder, *args)
    if "photo" in articles:  # --include '*' makes the JPEG an article: binary, not indexed
        assert result.exit_code == 2
        assert f"{folder / 'photo.jpeg'}: binary file" in result.stderr
        articles = articles - {"photo"}
    else:
        assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert summary_counts(result)[0] == len(articles) == status(index_dir)["articles"]
    notes = [line for line in lines if " skipped: " in line]
    assert notes == ([] if skipped is None else [notes[0]])
    if skipped:
        assert notes[0].startswith(skipped)
    animals = ["albatross", "buffalo", "cormorant", "dolphin", "eagle", "falcon", "gull"]
    animals += ["heron", "ibis"]
    shown = invoke("query", "-l", "--json", "--any", *animals, "--index-dir", str(index_dir))
    assert {json.loads(line)["article"] for line in shown.stdout.splitlines()} == articles
    assert "heron" not in shown.stdout and "ibis" not in shown.stdout  # hidden: never looked at


def test_a_file_given_by_name_is_read_whatever_include_says(tmp_path):
    folder = write_folder(tmp_path / "f", {"story.text": "The jackal hid in Jableh.\n"})
    result = index(tmp_path / "index", folder / "story.text", "--include", "*.md")
    assert summary_counts(result) == (1, 1, 0, 0, 0)
    assert " skipped" not in result.stderr


def test_a_file_given_and_in_its_folder_is_not_counted_as_skipped(tmp_path):
    folder = write_folder(tmp_path / "f", {"a.txt": "The kite flew.\n", "b.text": "Lynx.\n"})
    result = index(tmp_path / "index", folder, folder / "b.text")
    assert summary_counts(result)[0] == 2
    assert " skipped" not in result.stderr


def test_discover_counts_visible_files_only(tmp_path):
    folder = write_folder(tmp_path / "d", MIXED)
    found = discover([folder], ["*.md"])
    assert [s.path.name for s in found.sources] == ["notes.md"]
    assert sorted(p.name for p in found.passed_over) == [
        "B.TXT",
        "LICENSE",
        "README",
        "a.txt",
        "c.txt",
        "d.text",
        "photo.jpeg",
    ]


def test_files_that_fail_to_read_are_named_and_not_counted(tmp_path):
    folder = write_folder(
        tmp_path / "f",
        {"good.txt": "The mole dug in Mersin.\n", "bad.txt": b"\x00\x01\x02binary\x00" * 10},
    )
    index_dir = tmp_path / "index"
    result = index(index_dir, folder)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"search: warning: {folder / 'bad.txt'}: binary") for line in lines)
    assert lines[-1] == "search: 1 file was not indexed; see the warnings above"
    assert summary_counts(result) == (1, 1, 0, 0, 0)
    assert status(index_dir)["articles"] == 1


# Formats without the extra -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "module"),
    [(suffix, module) for suffix, modules in formats.EXTRA_MODULES.items() for module in modules],
)
def test_lacks_extra_follows_each_module_the_reader_needs(monkeypatch, suffix, module):
    assert not formats.lacks_extra(suffix.upper())
    # `import module` fails, and so does a submodule another test of this process imported
    # (a reader that imports `striprtf.striprtf` would otherwise find it cached).
    for name in [module, *(name for name in sys.modules if name.startswith(f"{module}."))]:
        monkeypatch.setitem(sys.modules, name, None)
    assert formats.lacks_extra(suffix)
    with pytest.raises(formats.MissingExtraError):
        READERS[suffix](b"x", f"a{suffix}")


@pytest.mark.parametrize("suffix", [".txt", ".text", ""])
def test_plain_text_needs_no_extra(suffix):
    assert not formats.lacks_extra(suffix)


def test_without_the_extra_formats_are_one_hint_and_not_an_error(tmp_path, monkeypatch):
    for module in ("trafilatura", "markdown_it", "pdfminer"):
        monkeypatch.setitem(sys.modules, module, None)
    folder = write_folder(
        tmp_path / "f",
        {
            "story.txt": "The newt swam in Nigde.\n",
            "a.html": "<html><body><p>Owl.</p></body></html>",
            "b.HTM": "<html><body><p>Otter.</p></body></html>",
            "c.md": "# Parrot\n\nThe parrot talked.\n",
            "d.pdf": b"%PDF-1.4",
            "e.bin": b"\x00",
        },
    )
    index_dir = tmp_path / "index"
    result = index(index_dir, folder)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "search: warning: 4 files skipped: 1 .htm, 1 .html, 1 .md, 1 .pdf; reading them needs "
        "the formats extra: pip install -e '.[formats]'",
        result.stderr.splitlines()[1],
        "1 file skipped: 1 .bin; see --include",
    ]
    assert summary_counts(result) == (1, 1, 0, 0, 0)
    assert status(index_dir)["articles"] == 1
    quiet = index(tmp_path / "index2", folder, "-q")
    assert quiet.exit_code == 0
    assert quiet.stderr.count("\n") == 1 and "pip install -e '.[formats]'" in quiet.stderr


# Progress ----------------------------------------------------------------------------------


def big_folder(folder: Path, count: int = 80, size: int = 6000) -> Path:
    folder.mkdir()
    words = ["ferry", "harbor", "minister", "talks", "ceasefire", "border", "troops", "council"]
    for number in range(count):
        sentences, length = [], 0
        while length < size:
            sentence = " ".join(words[(number + i) % len(words)] for i in range(11))
            sentences.append(f"Story {number} {sentence}.")
            length += len(sentences[-1]) + 1
        (folder / f"s{number:03d}.txt").write_text("March 9, 2025\n" + " ".join(sentences))
    return folder


def test_progress_counts_bytes_then_the_commit_and_ends_at_the_total(tmp_path):
    folder = big_folder(tmp_path / "big", count=12, size=3000)
    steps: list[tuple[int, str]] = []
    planned = []

    def factory(units: int, files: int):
        planned.append((units, files))
        return lambda step, phase: steps.append((step, phase))

    update(tmp_path / "index", [folder], progress=factory)
    (units, files) = planned[0]
    size = sum(path.stat().st_size for path in folder.iterdir())
    assert files == 12
    assert sum(step for step, phase in steps if phase == READING) == size
    assert [phase for _, phase in steps] == [READING] * 12 + [COMMITTING, COMMITTING]
    assert steps[-2][0] == 0  # the commit's label, before the commit
    assert sum(step for step, _ in steps[:-1]) < units == sum(step for step, _ in steps)
    # The commit's share of the bar is the measured share of a run.
    assert steps[-1][0] / units == pytest.approx(0.35, abs=0.01)

    steps.clear()
    planned.clear()
    update(tmp_path / "index", [folder], progress=factory)  # nothing to read
    assert planned == [(1, 0)] and steps == [(1, COMMITTING)]


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    result = index(tmp_path / "index", big_folder(tmp_path / "big"))
    assert result.exit_code == 0
    assert "%" not in result.stderr and "\r" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow  # a subprocess indexing 80 articles: a few seconds
def test_bar_on_a_terminal_reaches_100_only_at_the_last_step(tmp_path):
    folder = big_folder(tmp_path / "big")
    code, text = run_on_a_terminal("index", str(folder), "--index-dir", str(tmp_path / "index"))
    assert code == 0, text
    renders = [
        (match.group(1), int(match.group(2)))
        for match in re.finditer(r"(Indexing|Committing) .*?(\d+)%", text)
    ]
    assert len(renders) >= 3, text
    percents = [percent for _, percent in renders]
    assert percents == sorted(percents), percents  # never goes back
    assert percents[-1] == 100 and 100 not in percents[:-1], renders
    assert renders[-1][0] == "Committing"
    committing = [percent for label, percent in renders if label == "Committing"]
    assert 55 <= committing[0] <= 70, renders  # the commit starts near 65%: its share is 35%
    assert "Indexed 80 articles: 80 added" in text
