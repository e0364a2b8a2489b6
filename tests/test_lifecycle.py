"""The index follows the article folders: incremental runs, --rebuild, -q, status, schema version.

What a run does (its report, what the index then finds and says of its files) is asked of
the library (`search.index.update`, `Index`); the summary line, -q, warnings, exit codes,
status output and progress bars through the command (`invoke`, in-process). Every index
lives under tmp_path.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import (
    SEED,
    SEED_NAME,
    SEED_TURKEY_PEACEKEEPING,
    Prebuilt,
    assert_one_line_error,
    assert_seed_intact,
    generations,
    invoke,
    prebuild,
    run_on_a_terminal,
    status,
)
from search.index import Index, Options, update

SEED_SENTENCES = 20

SUMMARY = re.compile(
    r"^Indexed (?P<articles>\d+) articles?: (?P<added>\d+) added, (?P<updated>\d+) updated, "
    r"(?P<removed>\d+) removed, (?P<unchanged>\d+) unchanged; (?P<sentences>\d+) sentences? "
    r"in (?P<dir>.+) in (?P<seconds>\d+(?:\.\d+)?) s$"
)

# A small corpus with one distinctive word per article, and known sentence counts.
ARTICLES = {
    "alpha.txt": ("March 1, 2025\nThe albatross flew over Ankara. It landed at noon.\n", 2),
    "bravo.txt": ("March 2, 2025\nThe buffalo grazed near Bursa.\n", 1),
    "charlie.txt": (
        "March 3, 2025\nThe cormorant dived off Cesme. Fishermen watched. Nobody spoke.\n",
        3,
    ),
}
BASE_SENTENCES = SEED_SENTENCES + sum(count for _, count in ARTICLES.values())


# Helpers -----------------------------------------------------------------------------------


def index(index_dir: Path, *args) -> object:
    return invoke("index", *[str(a) for a in args], "--index-dir", str(index_dir))


def summary(result) -> dict:
    """The one summary line of a successful run, parsed."""
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    fields = match.groupdict()
    return {k: (v if k in ("dir", "seconds") else int(v)) for k, v in fields.items()}


def counts(result) -> tuple[int, int, int, int]:
    s = summary(result)
    # Articles: the files given that the index holds after the run (removed ones are gone).
    assert s["articles"] == s["added"] + s["updated"] + s["unchanged"]
    return s["added"], s["updated"], s["removed"], s["unchanged"]


def real(path: Path) -> str:
    return str(path.resolve())


# The same through the library.


def run(index_dir: Path, *paths: Path, **options):
    """`search index PATHS` as the library runs it: its report."""
    return update(index_dir, list(paths), **options)


def tally(report) -> tuple[int, int, int, int]:
    """(added, updated, removed, unchanged) of a clean run: nothing the command would say
    beside its summary line (no warning, no note, no skipped kind, no move, no rebuild)."""
    assert (report.skipped, report.notes, report.not_included) == ([], [], {}), report
    assert (report.left_behind, report.outdated) == (0, None), report
    return report.added, report.updated, report.removed, report.unchanged


def found(index_dir: Path, query: str) -> list[tuple[str, int]]:
    """(article, sentence) of every match (`--all --copies`), sorted."""
    with Index.open(index_dir) as door:
        answer = door.answer(query, Options(limit=None, copies=True))
    return sorted((hit.article, hit.sentence) for hit in answer.hits)


def found_paths(index_dir: Path, query: str) -> list[str]:
    with Index.open(index_dir) as door:
        answer = door.answer(query, Options(limit=None, copies=True))
    return sorted(hit.path for hit in answer.hits)


def state(index_dir: Path):
    """What `search status` reports (an `IndexStatus`)."""
    with Index.open(index_dir) as door:
        return door.status()


def seed_intact(index_dir: Path) -> None:
    """The README's query still finds the seed's five Turkey/peacekeeping sentences."""
    with Index.open(index_dir) as door:
        answer = door.answer("Turkey peacekeeping")
    assert sorted((h.article, h.sentence) for h in answer.hits) == SEED_TURKEY_PEACEKEEPING


def _write_articles(folder: Path) -> None:
    """The seed and three small articles."""
    shutil.copy(SEED, folder / SEED.name)
    for name, (text, _) in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    built = prebuild(tmp_path_factory.mktemp("lifecycle"), "articles", _write_articles)
    assert counts(built.first_run) == (4, 0, 0, 0)
    return built


@pytest.fixture
def folder(built: Prebuilt) -> Path:
    """The seed and three small articles (the folder `indexed` was built from)."""
    return built.reset_articles()


@pytest.fixture
def indexed(tmp_path: Path, built: Prebuilt, folder: Path) -> Path:
    """An index of `folder`, this test's own copy."""
    return built.copy_index(tmp_path / "index")


# Summary line --------------------------------------------------------------------------------


def test_first_run_summary_line_is_exact(tmp_path, folder):
    index_dir = tmp_path / "index"
    s = summary(index(index_dir, folder))
    assert (s["articles"], s["added"], s["updated"], s["removed"], s["unchanged"]) == (
        4,
        4,
        0,
        0,
        0,
    )
    assert s["sentences"] == BASE_SENTENCES
    assert s["dir"].rstrip("/") == str(index_dir)
    assert float(s["seconds"]) < 60
    assert status(index_dir)["sentences"] == BASE_SENTENCES
    assert_seed_intact(index_dir)


def test_summary_sentences_is_the_total_in_the_index(indexed, folder):
    (folder / "delta.txt").write_text("March 4, 2025\nThe dolphin swam past Datca.\n")
    s = summary(index(indexed, folder))
    assert s["sentences"] == BASE_SENTENCES + 1 == status(indexed)["sentences"]


def test_quiet_silences_the_summary(tmp_path, folder):
    result = invoke("index", str(folder), "-q", "--index-dir", str(tmp_path / "index"))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ""
    assert_seed_intact(tmp_path / "index")
    again = invoke("index", str(folder), "--quiet", "--index-dir", str(tmp_path / "index"))
    assert (again.exit_code, again.stderr) == (0, "")


def test_quiet_still_prints_warnings_and_exits_2(tmp_path, folder):
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    result = invoke("index", str(folder), "-q", "--index-dir", str(tmp_path / "index"))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert not any(line.startswith("Indexed") for line in result.stderr.splitlines())
    assert [line for line in result.stderr.splitlines() if "picture.txt" in line]


# Incremental runs: a table of changes to the folder ------------------------------------------


def _add(folder: Path) -> None:
    (folder / "delta.txt").write_text("March 4, 2025\nThe dolphin swam past Datca.\n")


def _change(folder: Path) -> None:
    # Same size would not matter: the mtime changes too. Two sentences instead of one.
    (folder / "bravo.txt").write_text(
        "March 2, 2025\nThe bison roamed near Bodrum. Herders wept.\n"
    )


def _delete(folder: Path) -> None:
    (folder / "charlie.txt").unlink()


def _touch(folder: Path) -> None:
    path = folder / "bravo.txt"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def _rewrite_same_content(folder: Path) -> None:
    path = folder / "alpha.txt"
    path.write_bytes(path.read_bytes())
    _touch(folder)


def _rename(folder: Path) -> None:
    (folder / "bravo.txt").rename(folder / "bravo2.txt")


def _move_into_subfolder(folder: Path) -> None:
    (folder / "2025").mkdir()
    (folder / "bravo.txt").rename(folder / "2025" / "bravo.txt")


def _same_size_new_content(folder: Path) -> None:
    path = folder / "bravo.txt"
    old = path.read_text()
    new = old.replace("buffalo", "bullock").replace("Bursa", "Batum")
    assert len(new) == len(old)
    path.write_text(new)
    _touch(folder)


def _all_three(folder: Path) -> None:
    _add(folder)
    _change(folder)
    _delete(folder)


INCREMENTAL = [
    # id, change, (added, updated, removed, unchanged), sentences, articles, found, gone
    ("nothing", lambda f: None, (0, 0, 0, 4), BASE_SENTENCES, 4, ["buffalo", "cormorant"], []),
    ("new file", _add, (1, 0, 0, 4), BASE_SENTENCES + 1, 5, ["dolphin", "buffalo"], []),
    (
        "changed file",
        _change,
        (0, 1, 0, 3),
        BASE_SENTENCES + 1,
        4,
        ["bison", "herders", "albatross"],
        ["buffalo", "Bursa", "grazed"],
    ),
    ("deleted file", _delete, (0, 0, 1, 3), BASE_SENTENCES - 3, 3, ["buffalo"], ["cormorant"]),
    ("touched", _touch, (0, 0, 0, 4), BASE_SENTENCES, 4, ["buffalo"], []),
    ("rewritten same bytes", _rewrite_same_content, (0, 0, 0, 4), BASE_SENTENCES, 4, [], []),
    ("renamed", _rename, (1, 0, 1, 3), BASE_SENTENCES, 4, ["buffalo"], []),
    ("moved to subfolder", _move_into_subfolder, (1, 0, 1, 3), BASE_SENTENCES, 4, ["buffalo"], []),
    (
        "same size",
        _same_size_new_content,
        (0, 1, 0, 3),
        BASE_SENTENCES,
        4,
        ["bullock"],
        ["buffalo"],
    ),
    (
        "added, changed, deleted",
        _all_three,
        (1, 1, 1, 2),
        BASE_SENTENCES + 1 + 1 - 3,
        4,
        ["dolphin", "bison"],
        ["buffalo", "cormorant"],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected", "sentences", "articles", "found_words", "gone"),
    [case[1:] for case in INCREMENTAL],
    ids=[case[0] for case in INCREMENTAL],
)
def test_incremental_run(indexed, folder, change, expected, sentences, articles, found_words,
                         gone):  # fmt: skip
    change(folder)
    report = run(indexed, folder)
    assert tally(report) == expected
    assert report.sentences == sentences
    now = state(indexed)
    assert (now.articles, now.sentences) == (articles, sentences)
    assert (now.stale, now.missing) == ([], [])
    for word in found_words:
        assert found(indexed, word), word
    for word in gone:
        assert found(indexed, word) == [], word
    seed_intact(indexed)
    # And the run after that has nothing left to do.
    assert tally(run(indexed, folder)) == (0, 0, 0, articles)


@pytest.mark.parametrize(("change", "expected"), [(_add, (1, 0, 0, 4)), (_all_three, (1, 1, 1, 2))])
def test_the_command_summarises_the_run(indexed, folder, change, expected):
    change(folder)
    s = summary(index(indexed, folder))
    assert (s["added"], s["updated"], s["removed"], s["unchanged"]) == expected
    assert s["sentences"] == state(indexed).sentences


def test_changed_file_has_exactly_its_new_sentences(indexed, folder):
    _change(folder)
    assert tally(run(indexed, folder)) == (0, 1, 0, 3)
    with Index.open(indexed) as door:
        sentences = door.article("bravo").sentences
    assert [(s.sentence, s.text) for s in sentences] == [
        (1, "The bison roamed near Bodrum."),
        (2, "Herders wept."),
    ]
    assert found(indexed, "bison") == [("bravo", 1)]


def test_renamed_file_is_found_under_its_new_path_only(indexed, folder):
    _rename(folder)
    run(indexed, folder)
    assert found_paths(indexed, "buffalo") == [real(folder / "bravo2.txt")]


def test_deleted_file_is_kept_while_its_folder_is_not_given_again(tmp_path, indexed, folder):
    other = tmp_path / "other"
    other.mkdir()
    (other / "echo.txt").write_text("March 5, 2025\nThe eagle nested in Edirne.\n")
    assert tally(run(indexed, other)) == (1, 0, 0, 0)
    _delete(folder)
    # Only the other folder is given: the deleted file stays indexed, and status says it is gone.
    assert tally(run(indexed, other)) == (0, 0, 0, 1)
    assert found(indexed, "cormorant") == [("charlie", 1)]
    assert state(indexed).missing == [real(folder / "charlie.txt")]
    # Given again: removed.
    assert tally(run(indexed, folder)) == (0, 0, 1, 3)
    assert found(indexed, "cormorant") == []
    assert found(indexed, "eagle") == [("echo", 1)]
    assert state(indexed).missing == []


def test_deleted_file_under_a_subfolder_given_again_is_removed(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "top.txt").write_text("The tiger slept.\n")
    (root / "sub" / "low.txt").write_text("The lemur climbed.\n")
    index_dir = tmp_path / "index"
    assert tally(run(index_dir, root)) == (2, 0, 0, 0)
    (root / "sub" / "low.txt").unlink()
    assert tally(run(index_dir, root / "sub")) == (0, 0, 1, 0)
    assert found(index_dir, "lemur") == []
    assert found(index_dir, "tiger") == [("top", 1)]


def test_every_article_ever_given_stays_until_removed(tmp_path):
    index_dir = tmp_path / "index"
    paths = []
    for n, word in enumerate(["walrus", "wombat", "weasel"]):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        (folder / "story.txt").write_text(f"The {word} appeared.\n")
        paths.append(folder / "story.txt")
        assert tally(run(index_dir, folder)) == (1, 0, 0, 0)
    assert state(index_dir).articles == 3
    for word, path in zip(["walrus", "wombat", "weasel"], paths, strict=True):
        assert found_paths(index_dir, word) == [real(path)]


def test_files_and_folders_mixed_in_one_run(tmp_path, folder):
    loose = tmp_path / "loose.txt"
    loose.write_text("The lynx hunted alone.\n")
    index_dir = tmp_path / "index"
    assert tally(run(index_dir, loose, folder)) == (5, 0, 0, 0)
    assert found(index_dir, "lynx") == [("loose", 1)]
    assert tally(run(index_dir, folder, loose)) == (0, 0, 0, 5)


def test_same_name_in_two_folders_is_two_articles(tmp_path):
    left, right = tmp_path / "left", tmp_path / "right"
    left.mkdir()
    right.mkdir()
    (left / "report.txt").write_text("March 6, 2025\nThe jackal crossed the road in Izmir.\n")
    (right / "report.txt").write_text("March 7, 2025\nA jackal was seen near Konya at dusk.\n")
    index_dir = tmp_path / "index"
    assert tally(run(index_dir, left, right)) == (2, 0, 0, 0)
    assert found(index_dir, "jackal") == [("report", 1), ("report", 1)]
    assert found_paths(index_dir, "jackal") == sorted(
        [real(left / "report.txt"), real(right / "report.txt")]
    )
    assert state(index_dir).articles == 2
    assert tally(run(index_dir, left, right)) == (0, 0, 0, 2)
    # Changing one leaves the other alone.
    (right / "report.txt").write_text("March 7, 2025\nA fox was seen near Konya at dusk.\n")
    assert tally(run(index_dir, right)) == (0, 1, 0, 0)
    assert found_paths(index_dir, "jackal") == [real(left / "report.txt")]
    assert found_paths(index_dir, "fox") == [real(right / "report.txt")]
    # Deleting one, its folder given again, removes only that one.
    (right / "report.txt").unlink()
    assert tally(run(index_dir, right)) == (0, 0, 1, 0)
    assert found_paths(index_dir, "jackal") == [real(left / "report.txt")]
    assert state(index_dir).articles == 1


def test_same_name_given_as_two_files(tmp_path):
    a, b = tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"
    for path, word in ((a, "heron"), (b, "heron egret")):
        path.parent.mkdir()
        path.write_text(f"The {word} waded.\n")
    index_dir = tmp_path / "index"
    assert tally(run(index_dir, a, b)) == (2, 0, 0, 0)
    assert found_paths(index_dir, "heron") == sorted([real(a), real(b)])


# Unchanged files are not read again ----------------------------------------------------------


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every path this process opens (builtins.open, io.open, os.open), as resolved strings."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def remember(path) -> None:
        if isinstance(path, (str, bytes, os.PathLike)):
            with contextlib.suppress(TypeError, ValueError):
                seen.append(os.path.realpath(os.fsdecode(path)))

    def tracking_open(file, *args, **kwargs):
        remember(file)
        return real_open(file, *args, **kwargs)

    def tracking_os_open(path, *args, **kwargs):
        remember(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", tracking_open)
    monkeypatch.setattr(io, "open", tracking_open)
    monkeypatch.setattr(os, "open", tracking_os_open)
    return seen


def test_unchanged_files_are_not_read_again(indexed, folder, opened):
    articles = {real(p) for p in folder.iterdir()}
    opened.clear()
    assert tally(run(indexed, folder)) == (0, 0, 0, 4)
    assert articles.isdisjoint(opened), sorted(articles & set(opened))
    assert opened, "the tracker saw nothing: the index files at least must have been opened"


def test_touched_file_is_read_once_then_not_again(indexed, folder, opened):
    _touch(folder)
    bravo = real(folder / "bravo.txt")
    opened.clear()
    assert tally(run(indexed, folder)) == (0, 0, 0, 4)
    assert bravo in opened  # size or mtime changed: the content hash must be checked
    opened.clear()
    assert tally(run(indexed, folder)) == (0, 0, 0, 4)
    assert bravo not in opened
    assert state(indexed).stale == []


# --rebuild ----------------------------------------------------------------------------------


def test_rebuild_gives_a_fresh_index_of_the_given_paths_only(tmp_path, indexed, folder):
    other = tmp_path / "other"
    other.mkdir()
    (other / "echo.txt").write_text("March 5, 2025\nThe eagle nested in Edirne.\n")
    run(indexed, other)
    assert state(indexed).articles == 5
    report = run(indexed, folder, rebuild=True)
    assert tally(report) == (4, 0, 0, 0)
    assert report.sentences == BASE_SENTENCES
    assert found(indexed, "eagle") == []
    assert found(indexed, "buffalo") == [("bravo", 1)]
    now = state(indexed)
    assert (now.articles, now.sentences, now.missing) == (4, BASE_SENTENCES, [])
    # The replaced generation is kept until the next run, for queries still opening it.
    assert len(generations(indexed)) == 2
    assert tally(run(indexed, folder)) == (0, 0, 0, 4)
    assert len(generations(indexed)) == 1
    seed_intact(indexed)


def test_the_command_rebuilds(indexed, folder):
    result = invoke("index", "--rebuild", str(folder), "--index-dir", str(indexed))
    assert counts(result) == (4, 0, 0, 0)
    assert summary(result)["sentences"] == BASE_SENTENCES


def test_rebuild_drops_deleted_files_even_outside_the_given_paths(tmp_path, indexed, folder):
    _delete(folder)
    assert tally(run(indexed, folder, rebuild=True)) == (3, 0, 0, 0)
    assert found(indexed, "cormorant") == []


def test_rebuild_without_an_index_creates_one(tmp_path, folder):
    index_dir = tmp_path / "fresh"
    assert tally(run(index_dir, folder, rebuild=True)) == (4, 0, 0, 0)
    seed_intact(index_dir)


def test_rebuild_with_a_missing_path_leaves_the_old_index(tmp_path, indexed):
    before = sorted(p.name for p in indexed.rglob("*"))
    result = invoke("index", "--rebuild", str(tmp_path / "nope"), "--index-dir", str(indexed))
    assert_one_line_error(result, str(tmp_path / "nope"))
    assert sorted(p.name for p in indexed.rglob("*")) == before
    assert status(indexed)["articles"] == 4
    assert_seed_intact(indexed)


# status --------------------------------------------------------------------------------------

STATUS_KEYS = {
    "articles",
    "sentences",
    "index_dir",
    "size_bytes",
    "updated",
    "stale",
    "missing",
    "schema_version",
}


def test_status_json_has_the_documented_keys_and_values(indexed):
    from search.engine.schema import SCHEMA_VERSION

    result = invoke("status", "--json", "--index-dir", str(indexed))
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) >= STATUS_KEYS
    assert data["articles"] == 4
    assert data["sentences"] == BASE_SENTENCES
    assert data["index_dir"].rstrip("/") == str(indexed)
    on_disk = sum(p.stat().st_size for p in indexed.rglob("*") if p.is_file())
    assert 0 < data["size_bytes"] <= on_disk
    assert data["stale"] == [] and data["missing"] == []
    assert data["schema_version"] == SCHEMA_VERSION
    updated = dt.datetime.fromisoformat(data["updated"])
    now = dt.datetime.now(updated.tzinfo) if updated.tzinfo else dt.datetime.now()
    assert abs((now - updated).total_seconds()) < 600


def test_status_text_names_counts(indexed):
    result = invoke("status", "--index-dir", str(indexed))
    assert result.exit_code == 0
    text = result.stdout
    assert re.search(r"articles:\s+4\b", text), text
    assert re.search(rf"sentences:\s+{BASE_SENTENCES}\b", text), text
    assert str(indexed) in text


def test_status_reports_stale_and_missing_files_until_reindexed(indexed, folder):
    _change(folder)  # bravo: content changed
    _delete(folder)  # charlie: gone
    path = folder / "alpha.txt"  # alpha: touched only
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 7_000_000_000))
    now = state(indexed)
    assert now.stale == [real(folder / "bravo.txt")]
    assert now.missing == [real(folder / "charlie.txt")]
    assert (now.articles, now.sentences) == (4, BASE_SENTENCES)
    data = status(indexed)
    assert (data["stale"], data["missing"]) == (now.stale, now.missing)
    text = invoke("status", "--index-dir", str(indexed))
    assert text.exit_code == 0
    assert real(folder / "bravo.txt") in text.stdout
    assert real(folder / "charlie.txt") in text.stdout
    # The index still answers as before until the next run.
    assert found(indexed, "buffalo") == [("bravo", 1)]
    assert tally(run(indexed, folder)) == (0, 1, 1, 2)
    now = state(indexed)
    assert (now.stale, now.missing) == ([], [])


@pytest.mark.parametrize("where", ["missing folder", "empty folder"])
@pytest.mark.parametrize("as_json", [False, True])
def test_status_without_an_index_is_one_line_exit_2(tmp_path, where, as_json):
    index_dir = tmp_path / "nothing-here"
    if where == "empty folder":
        index_dir.mkdir()
    args = ["status", "--index-dir", str(index_dir)] + (["--json"] if as_json else [])
    result = invoke(*args)
    assert_one_line_error(result, "search index")
    assert result.stdout == ""


# Schema version ------------------------------------------------------------------------------


def _rewrite_pointer(index_dir: Path, **changes) -> None:
    pointer = index_dir / "CURRENT"
    data = json.loads(pointer.read_text())
    data.update(changes)
    pointer.write_text(json.dumps(data))


def _other_schema_version(index_dir: Path) -> None:
    from search.engine.schema import SCHEMA_VERSION

    _rewrite_pointer(index_dir, schema_version=SCHEMA_VERSION + 1)


def _older_schema_version(index_dir: Path) -> None:
    from search.engine.schema import SCHEMA_VERSION

    _rewrite_pointer(index_dir, schema_version=SCHEMA_VERSION - 1)


def _foreign_whoosh_schema(index_dir: Path) -> None:
    """A generation written with other Whoosh fields, under the current schema number."""
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.index import create_in

    generation = index_dir / "ix-0123456789ab"
    generation.mkdir()
    ix = create_in(str(generation), Schema(title=TEXT(stored=True), url=ID(stored=True)))
    with ix.writer() as writer:
        writer.add_document(title="Turkey peacekeeping", url="x")
    _rewrite_pointer(index_dir, generation=generation.name)


SCHEMA_CASES = [
    ("newer schema number", _other_schema_version),
    ("older schema number", _older_schema_version),
    ("other whoosh fields", _foreign_whoosh_schema),
]


@pytest.mark.parametrize("damage", [c[1] for c in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES])
@pytest.mark.parametrize(
    "command",
    [
        ("query", "Turkey"),
        ("query", "--json", "Turkey peacekeeping"),
        ("index",),
        ("index", "FOLDER"),
        ("status",),
        ("status", "--json"),
        ("show", SEED_NAME),
    ],
    ids=lambda c: " ".join(c),
)
def test_index_of_another_schema_is_refused_until_rebuilt(indexed, folder, damage, command):
    damage(indexed)
    args = [str(folder) if part == "FOLDER" else part for part in command]
    if command == ("index",):
        args.append(str(folder))
    result = invoke(*args, "--index-dir", str(indexed))
    if damage is _older_schema_version and command[0] == "index":
        # Issue 9: `search index` rebuilds an index of an earlier version, in one line.
        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[0].endswith("; rebuilt it from the paths given")
        assert_seed_intact(indexed)
        return
    assert_one_line_error(result, "search index --rebuild")
    assert result.stdout == ""


@pytest.mark.parametrize("damage", [c[1] for c in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES])
def test_rebuild_fixes_an_index_of_another_schema(indexed, folder, damage):
    from search.engine.schema import SCHEMA_VERSION

    damage(indexed)
    result = invoke("index", "--rebuild", str(folder), "--index-dir", str(indexed))
    assert counts(result) == (4, 0, 0, 0)
    assert json.loads((indexed / "CURRENT").read_text())["schema_version"] == SCHEMA_VERSION
    assert_seed_intact(indexed)
    assert status(indexed)["articles"] == 4
    assert counts(index(indexed, folder)) == (0, 0, 0, 4)
    assert len(generations(indexed)) == 1  # the replaced one lasts until the next run


# Progress on a terminal, nothing when piped ---------------------------------------------------


def _many_articles(folder: Path, count: int = 120) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"m{number:03d}.txt").write_text(
            f"March 9, 2025\nStory {number} about the harbor. The ferry left at noon.\n"
        )
    return folder


def test_large_run_shows_progress_on_a_terminal(tmp_path):
    folder = _many_articles(tmp_path / "many")
    code, text = run_on_a_terminal("index", str(folder), "--index-dir", str(tmp_path / "index"))
    assert code == 0, text
    assert "100%" in text, text
    assert "Indexed 120 articles: 120 added" in text
    assert "Traceback" not in text


def test_large_run_prints_only_the_summary_when_piped(tmp_path):
    import subprocess

    from conftest import SEARCH_BIN

    folder = _many_articles(tmp_path / "many")
    run = subprocess.run(
        [str(SEARCH_BIN), "index", str(folder), "--index-dir", str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and SUMMARY.match(lines[0]), run.stderr
    assert "\x1b" not in run.stderr and "\r" not in run.stderr


def test_quiet_on_a_terminal_prints_no_summary(tmp_path):
    folder = _many_articles(tmp_path / "many")
    index_dir = str(tmp_path / "index")
    code, text = run_on_a_terminal("index", "-q", str(folder), "--index-dir", index_dir)
    assert code == 0, text
    assert "Indexed" not in text
    assert status(Path(index_dir))["articles"] == 120
