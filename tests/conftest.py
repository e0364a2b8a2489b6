"""Shared fixtures and helpers: the seed article, a small corpus of our own, indexes of them.

Every index lives under pytest's temporary folders; no test touches the repository's index/.

Building an index takes about 0.1 s, copying one about 2 ms, so each index is built once per
session (or module) and copied into each test's tmp_path. An index records article paths
absolute, so the articles of a prebuilt index stay at the folder it was built from; a test
that changes those articles gets that folder reset to its first state (same bytes and mtimes)
before it starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from search.cli import cli


def _let_ctrl_c_reach_the_commands_we_start() -> None:
    """A shell script that starts pytest in the background (`pytest &`, nohup) leaves SIGINT
    ignored, and an ignored signal stays ignored across exec: every command a test starts
    would shrug off the Ctrl-C the test sends it. Python's own handler is reset on exec, so
    putting it back here gives the commands the default a user's terminal gives them."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


_let_ctrl_c_reach_the_commands_we_start()

# The property tests draw the same examples on every run (each test's seed comes from its
# name), so the suite passes or fails the same way each time: a random draw that finds a new
# fault would otherwise fail one run in many, at random. To go looking for new faults, draw
# afresh: SEARCH_HYPOTHESIS=explore .venv/bin/python -m pytest -m slow tests/test_ranking.py
settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("SEARCH_HYPOTHESIS", "fixed"))

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

SEED_TURKEY_PEACEKEEPING = [(SEED_NAME, n) for n in (1, 3, 6, 9, 15)]


# Running the CLI -----------------------------------------------------------------------------


def invoke(*args: str, env: dict | None = None, input: str | None = None) -> Result:
    """Run the CLI in-process; stderr is kept apart from stdout."""
    return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def status(index_dir: Path) -> dict:
    """`search status --json`, which must succeed and print one JSON line."""
    result = invoke("status", "--json", "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    return json.loads(line)


def query_json(index_dir: Path, *query: str) -> tuple[int, list[dict]]:
    """`search query --all --copies --json`: (exit code, every matching sentence); exit 1
    (no match) prints nothing."""
    result = invoke("query", *query, "--all", "--copies", "--json", "--index-dir", str(index_dir))
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 1:
        assert result.stdout == ""
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def hits(index_dir: Path, *query: str) -> list[tuple[str, int]]:
    """(article, sentence) of every hit, sorted; [] when nothing matched (exit 1)."""
    return sorted((h["article"], h["sentence"]) for h in query_json(index_dir, *query)[1])


def hit_paths(index_dir: Path, *query: str) -> list[str]:
    """The article path of every hit, sorted."""
    return sorted(h["path"] for h in query_json(index_dir, *query)[1])


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


def assert_one_line_error(result: Result, *phrases: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert_one_line(result.stderr, *phrases)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The sleeps asked for in this test (time.sleep and Whoosh's own), recorded instead of
    waited. Opening an index retries only when a commit moved it while it was being opened;
    damage to the live state is said at once, so a read of a damaged index sleeps never."""
    import time

    import whoosh.index

    asked: list[float] = []
    monkeypatch.setattr(whoosh.index, "sleep", asked.append)
    monkeypatch.setattr(time, "sleep", asked.append)
    return asked


# Asking the library ---------------------------------------------------------------------------


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Write each article (path under `folder` -> text) as UTF-8; the folder."""
    for name, text in articles.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def build_index(root: Path, articles: dict[str, str]) -> Path:
    """Write `articles` under root/articles and index them into root/index with the
    library (`search.index.update`, what `search index` calls); the index folder."""
    from search.index import update

    index_dir = root / "index"
    report = update(index_dir, [write_articles(root / "articles", articles)])
    assert report.added == len(articles) and not report.skipped, report
    return index_dir


def pairs(answer) -> set[tuple[str, int]]:
    """(article, sentence) of every hit of an `Answer`."""
    return {(hit.article, hit.sentence) for hit in answer.hits}


@pytest.fixture(scope="module")
def corpus_door(corpus_build: Prebuilt) -> Iterator:
    """The library's door (`search.index.Index`) open on the corpus index, for a module's
    tests that only read it (no test changes the index `corpus_build` made)."""
    from search.index import Index

    with Index.open(corpus_build.index_dir) as index:
        yield index


@pytest.fixture(scope="module")
def seed_door(seed_build: Prebuilt) -> Iterator:
    """`Index` open on the seed index, for a module's tests that only read it."""
    from search.index import Index

    with Index.open(seed_build.index_dir) as index:
        yield index


# Looking inside an index folder --------------------------------------------------------------


def generations(index_dir: Path) -> list[Path]:
    """The generation folders (ix-*) in the index folder, sorted."""
    return sorted(p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("ix-"))


def live_generation(index_dir: Path) -> Path:
    """The generation folder that CURRENT points at."""
    return index_dir / json.loads((index_dir / "CURRENT").read_text())["generation"]


def children(pid: int) -> list[int]:
    """The ids of the processes whose parent is `pid`."""
    tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
    if tasks:  # Linux's own list: cheap enough to poll
        found = []
        for task in tasks:
            with contextlib.suppress(OSError):
                found += [int(child) for child in task.read_text().split()]
        return found
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found


def _names_under(folder: Path) -> set[str]:
    """Every file and folder under `folder`, as paths relative to it (none if it is missing)."""
    names = set()
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            names.add(os.path.relpath(os.path.join(root, name), folder))
    return names


@dataclass
class Progress:
    """What a running `search index` has visibly done so far: the files and folders it
    created in its index folder (names that were not there when it started), and its
    worker processes (whether they have appeared, how many are alive now).

    Crash and signal tests choose their moments from this, never from a clock: "once the
    workers have forked", "once 30% of the files a whole run writes are there", so that a
    moment is the same point of the run on a fast machine and on a loaded one."""

    process: subprocess.Popen
    folder: Path
    before: frozenset[str]
    created: set[str] = field(default_factory=set)
    forked: bool = False
    workers: int = 0

    @classmethod
    def start(cls, args: list[str], folder: Path, **options) -> Progress:
        """Start the command in its own process group, after noting what `folder` holds."""
        before = frozenset(_names_under(folder))
        process = subprocess.Popen(args, start_new_session=True, **options)
        return cls(process, folder, before)

    def look(self) -> None:
        self.created |= _names_under(self.folder) - self.before
        self.workers = len(children(self.process.pid))
        self.forked = self.forked or self.workers > 0

    @property
    def workers_done(self) -> bool:
        """The workers have forked and all have exited: the run is committing."""
        return self.forked and self.workers == 0

    def wait_for(self, reached: Callable[[Progress], bool], hung: float = 600) -> bool:
        """Watch the run until `reached(self)`, or until it ends; True if it is still running.
        A run that does neither in `hung` seconds is a hang, not a slow machine: it fails."""
        give_up = time.monotonic() + hung
        while self.process.poll() is None:
            self.look()
            if reached(self):
                return self.process.poll() is None
            if time.monotonic() > give_up:
                self.process.kill()
                raise AssertionError(f"the run hung: neither done nor at the moment in {hung} s")
            time.sleep(0.005)  # polling, not a deadline: the moment comes from what is seen
        return False

    def freeze(self) -> None:
        """SIGSTOP the whole process group: the run holds still at the moment seen."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGCONT)


def created_at_least(count: int) -> Callable[[Progress], bool]:
    """A moment: the run has created `count` files or folders in its index folder."""
    return lambda progress: len(progress.created) >= count


def forked(progress: Progress) -> bool:
    """A moment: the run's first worker process has appeared."""
    return progress.forked


def workers_done(progress: Progress) -> bool:
    """A moment: the run's workers have all exited (its commit begins)."""
    return progress.workers_done


# Few long sentences over a small vocabulary: a large run is counted in bytes (the indexer's
# PARALLEL_BYTES), and what it costs in sentences and in the distinct words of each. Written
# so, 2.2 MB index in about a third of the time realistic text takes.
_LARGE_RUN_WORDS = "minister talks resume Geneva Monday ceasefire border envoy summit trade"


def write_large_run(folder: Path, articles: int = 600, seed: int = 5) -> Path:
    """Articles over the indexer's PARALLEL_BYTES, so that `search index` forks workers."""
    from search.engine.indexer import PARALLEL_BYTES

    words = _LARGE_RUN_WORDS.split()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(articles):
        sentences = (" ".join(rng.choice(words) for _ in range(120)) + "." for _ in range(4))
        text = f"May {1 + number % 28}, 2025\nReport {number}. " + " ".join(sentences) + "\n"
        (folder / f"a{number:04d}.txt").write_text(text, "utf-8")
    assert sum(f.stat().st_size for f in folder.iterdir()) > PARALLEL_BYTES
    return folder


def run_on_a_terminal(
    *args: str, every_stream: bool = False, env: dict | None = None, timeout: float = 300
) -> tuple[int, str]:
    """Run the installed command with stderr (or, with `every_stream`, stdin, stdout and
    stderr) on a pseudo-terminal; its exit code and what the terminal showed."""
    main, terminal = pty.openpty()
    quiet = subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            [str(SEARCH_BIN), *args],
            stdin=terminal if every_stream else quiet,
            stdout=terminal if every_stream else quiet,
            stderr=terminal,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm", **(env or {})},
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait(timeout=timeout)
    finally:
        os.close(main)
        if terminal != -1:
            os.close(terminal)
    return code, b"".join(chunks).decode(errors="replace")


# Indexes built once, copied per test ---------------------------------------------------------


@dataclass(frozen=True)
class Prebuilt:
    """An index built once from `articles`; `pristine` keeps the articles' first state."""

    pristine: Path
    articles: Path
    index_dir: Path
    first_run: Result

    def reset_articles(self) -> Path:
        """Put the article folder back as it was built (same bytes, same mtimes)."""
        shutil.rmtree(self.articles, ignore_errors=True)
        shutil.copytree(self.pristine, self.articles)
        return self.articles

    def copy_index(self, target: Path) -> Path:
        shutil.copytree(self.index_dir, target)
        return target


def prebuild(root: Path, articles: str, write: Callable[[Path], None]) -> Prebuilt:
    """Write the articles (by `write`) and index them, all under `root`."""
    pristine = root / "pristine"
    pristine.mkdir()
    write(pristine)
    folder, index_dir = root / articles, root / "index"
    shutil.copytree(pristine, folder)
    result = invoke("index", str(folder), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return Prebuilt(pristine, folder, index_dir, result)


def _write_seed(folder: Path) -> None:
    shutil.copy(SEED, folder / SEED.name)


def _write_corpus(folder: Path) -> None:
    _write_seed(folder)
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    return prebuild(tmp_path_factory.mktemp("seed"), "seed-articles", _write_seed)


@pytest.fixture
def seed_articles(seed_build: Prebuilt) -> Path:
    """The folder the seed index was built from, holding the seed article alone."""
    return seed_build.reset_articles()


@pytest.fixture
def seed_index(tmp_path: Path, seed_build: Prebuilt, seed_articles: Path) -> Path:
    """An index of the seed article alone (of `seed_articles`), this test's own copy."""
    return seed_build.copy_index(tmp_path / "seed-index")


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Prebuilt:
    return prebuild(tmp_path_factory.mktemp("corpus"), "articles", _write_corpus)


@pytest.fixture
def corpus(corpus_build: Prebuilt) -> Path:
    """The seed and the test corpus: the folder `corpus_index` was built from."""
    return corpus_build.reset_articles()


@pytest.fixture
def corpus_index(tmp_path: Path, corpus_build: Prebuilt, corpus: Path) -> Path:
    """An index of the seed and the test corpus, this test's own copy."""
    return corpus_build.copy_index(tmp_path / "corpus-index")


# Test order ----------------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first, so that with several workers they do not all land at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def one_slow_test_at_a_time(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[None]:
    """The slow tests time signals against runs that fork workers of their own: with
    pytest-xdist, two of them never run at once (a lock in the session's shared temp folder),
    so each has a core beside the other worker's quick tests."""
    if request.node.get_closest_marker("slow") is None or "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    lock = tmp_path_factory.getbasetemp().parent / "slow-tests.lock"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# Whoosh puts a RAM index's posting pool in `<tmp>/MAIN.tmp`, one folder for every process
# on the machine, and deletes its files as its writer ends: a second suite (or xdist worker)
# writing a RAM index at the same time lost its pool's files under it (FileNotFoundError at
# a commit). Each process here keeps its pools in a folder of its own.
_RAM_POOLS = tempfile.TemporaryDirectory(prefix="search-test-pools-")


def private_ram_storage():
    """A Whoosh RamStorage whose writers' posting pools live in this process's own folder."""
    from whoosh.filedb.filestore import FileStorage, RamStorage

    class PrivateRamStorage(RamStorage):
        def temp_storage(self, name=None):
            return FileStorage(str(Path(_RAM_POOLS.name, name or "pool.tmp"))).create()

    return PrivateRamStorage()
