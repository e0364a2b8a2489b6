"""`search watch` through the installed command (issue 22): each test waits for what the
watcher shows (its "Watching" line, a commit line on stderr) and then asks the index; no
sleep is ever the condition. A wait that sees nothing for a minute fails the test."""

from __future__ import annotations

import errno
import json
import os
import queue
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from search.watch import Batch, Watcher
from tests.conftest import SEARCH_BIN, invoke

pytestmark = pytest.mark.slow

LIMIT = 60.0  # seconds without the awaited line: the test fails
COMMIT = re.compile(r"^\+(\d+) ~(\d+) -(\d+) articles; ([\d,]+) sentences$")


def story(word: str) -> str:
    return f"March 11, 2025\nThe envoy spoke of {word} at the border.\n"


def place(path: Path, text: str) -> None:
    """Put a whole file into the watched folder at once: written under a hidden name (which
    the watcher ignores), then renamed. `write_text` creates the file before it writes, and
    a watcher that reads between the two indexes an empty article first."""
    hidden = path.with_name(f".{path.name}.part")
    hidden.write_text(text, encoding="utf-8")
    hidden.rename(path)


class Watching:
    """A `search watch` process and the lines of its stderr, as they come."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [str(SEARCH_BIN), "watch", *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self) -> str:
        try:
            line = self.lines.get(timeout=LIMIT)
        except queue.Empty:
            raise AssertionError(
                f"nothing new from the watcher for {LIMIT:g} s: {self.seen}"
            ) from None
        assert line is not None, f"the watcher ended: {self.seen}"
        self.seen.append(line)
        return line

    def ready(self) -> None:
        while not self.next_line().startswith("Watching "):
            pass

    def commits_until(self, added: int = 0, updated: int = 0, removed: int = 0) -> list[tuple]:
        """Commit lines until their counts add up to (at least) what is awaited."""
        commits: list[tuple] = []
        while True:
            match = COMMIT.match(self.next_line())
            if match:
                commits.append(tuple(int(g.replace(",", "")) for g in match.groups()))
                totals = [sum(c[i] for c in commits) for i in range(3)]
                if totals[0] >= added and totals[1] >= updated and totals[2] >= removed:
                    return commits

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    return folder


@pytest.fixture
def watching(tmp_path, archive):
    started: list[Watching] = []

    def start(*args: str) -> Watching:
        process = Watching(
            str(archive), "--index-dir", str(tmp_path / "index"), *args, cwd=tmp_path
        )
        started.append(process)
        process.ready()
        return process

    yield start
    for process in started:
        process.stop()


def found(tmp_path: Path, word: str) -> list[str]:
    result = invoke(
        "query", "-l", "--copies", "--json", word, "--index-dir", str(tmp_path / "index")
    )
    assert result.exit_code in (0, 1), result.stderr
    return sorted(Path(json.loads(line)["path"]).name for line in result.stdout.splitlines())


@pytest.mark.parametrize("options", [(), ("--poll",)], ids=["inotify", "poll"])
def test_created_changed_moved_deleted(tmp_path, archive, watching, options):
    watcher = watching(*options)
    place(archive / "a.txt", story("ceasefire"))
    assert watcher.commits_until(added=1) == [(1, 0, 0, 1)]
    assert found(tmp_path, "ceasefire") == ["a.txt"]
    place(archive / "a.txt", story("elections"))
    assert watcher.commits_until(updated=1) == [(0, 1, 0, 1)]
    assert (found(tmp_path, "ceasefire"), found(tmp_path, "elections")) == ([], ["a.txt"])
    (archive / "a.txt").rename(archive / "b.txt")
    assert watcher.commits_until(added=1, removed=1) == [(1, 0, 1, 1)]
    assert found(tmp_path, "elections") == ["b.txt"]
    (archive / "b.txt").unlink()
    assert watcher.commits_until(removed=1) == [(0, 0, 1, 0)]
    assert found(tmp_path, "elections") == []


def test_burst_of_1000_files_is_a_handful_of_commits(tmp_path, archive, watching):
    watcher = watching()
    for number in range(1000):
        place(archive / f"s{number:04d}.txt", story(f"word{number}"))
    commits = watcher.commits_until(added=1000)
    assert sum(c[0] for c in commits) == 1000 and commits[-1][3] == 1000
    assert len(commits) <= 10, commits
    assert found(tmp_path, "word999") == ["s0999.txt"]


def test_kill_9_then_restart_catches_up(tmp_path, archive, watching):
    place(archive / "old.txt", story("ceasefire"))
    first = watching()
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    place(archive / "new.txt", story("ceasefire"))
    (archive / "old.txt").unlink()
    second = watching()  # "Watching" comes after the catch-up run
    assert found(tmp_path, "ceasefire") == ["new.txt"]
    place(archive / "later.txt", story("ceasefire"))
    assert second.commits_until(added=1) == [(1, 0, 0, 2)]


def after_the_watching_line(archive: Path, watcher: Watching) -> None:
    pass


def after_the_first_commit_line(archive: Path, watcher: Watching) -> None:
    place(archive / "a.txt", story("ceasefire"))
    watcher.commits_until(added=1)


def during_a_batch(archive: Path, watcher: Watching) -> None:
    place(archive / "a.txt", story("ceasefire"))
    watcher.commits_until(added=1)
    for number in range(300):  # the next batch is being gathered or committed
        place(archive / f"s{number:03d}.txt", story(f"word{number}") * 20)


@pytest.mark.parametrize(
    "moment", [after_the_watching_line, after_the_first_commit_line, during_a_batch]
)
@pytest.mark.parametrize(
    ("signum", "status", "line"),
    [(signal.SIGINT, 130, "search: interrupted"), (signal.SIGTERM, 143, "search: terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_ctrl_c_and_sigterm_end_the_watcher_with_one_line(
    archive, watching, moment, signum, status, line
):
    watcher = watching()
    moment(archive, watcher)
    watcher.process.send_signal(signum)
    assert watcher.process.wait(timeout=LIMIT) == status
    rest = []
    while (next_line := watcher.lines.get(timeout=LIMIT)) is not None:
        rest.append(next_line)
    assert [text for text in rest if not COMMIT.match(text)] == [line]  # nothing else


def test_an_interrupt_swallowed_in_a_finalizer_still_stops_the_watcher(
    tmp_path, archive, monkeypatch
):
    """Python raises KeyboardInterrupt wherever the main thread is; inside a finalizer it is
    only printed ("Exception ignored"), and a watcher that relied on it would go on."""
    from search.cli import runtime

    interrupts = runtime._Interrupts()
    monkeypatch.setattr(runtime, "_interrupts", interrupts)
    monkeypatch.setattr("sys.unraisablehook", lambda hook_args: None)
    watcher = Watcher(tmp_path / "index", [archive])
    stopped_by_the_signal: list[bool] = []

    class Finalized:
        def __del__(self) -> None:
            interrupts._raise(signal.SIGINT, None)  # as the signal arrives in a finalizer

    def ready() -> None:
        Finalized()
        stopped_by_the_signal.append(watcher.stop.is_set())

    safety = threading.Timer(LIMIT, watcher.stop.set)  # only so that a failure cannot hang
    safety.start()
    with runtime.stopping(watcher.stop):
        watcher.run(ready=ready)
    safety.cancel()
    assert stopped_by_the_signal == [True] and interrupts.seen


def test_index_inside_the_watched_folder_and_excluded_globs(tmp_path, archive):
    process = Watching(".", "--exclude", "drafts", "--exclude", "*.md", cwd=archive)
    try:
        process.ready()
        (archive / "drafts").mkdir()
        place(archive / "drafts" / "d.txt", story("ceasefire"))
        place(archive / "note.md", "# Note\n\nThe ceasefire held.\n")
        place(archive / ".hidden.txt", story("ceasefire"))
        place(archive / "kept.txt", story("ceasefire"))
        assert process.commits_until(added=1) == [(1, 0, 0, 1)]
        place(archive / "second.txt", story("ceasefire"))
        # The index's own commits (in archive/index/) set off no run of their own.
        assert process.commits_until(added=1) == [(1, 0, 0, 2)]
        result = invoke(
            "query", "-l", "--copies", "--json", "ceasefire", "--index-dir", str(archive / "index")
        )
        paths = sorted(json.loads(line)["path"] for line in result.stdout.splitlines())
        assert paths == [str(archive / "kept.txt"), str(archive / "second.txt")]
        assert not [line for line in process.seen if "warning" in line]
    finally:
        process.stop()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: folder / "missing", "no such folder to watch"),
        (lambda folder: (folder / "f.txt", (folder / "f.txt").write_text("x"))[0], "not a folder"),
    ],
)
def test_unwatchable_folder_is_one_line(tmp_path, make, reason):
    target = make(tmp_path)
    result = subprocess.run(
        [str(SEARCH_BIN), "watch", str(target), "--index-dir", str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    assert result.returncode == 2
    assert result.stderr == f"search: {target}: {reason}" + (
        "; search watch follows folders\n" if reason == "not a folder" else "\n"
    )


def test_inotify_limit_falls_back_to_polling(tmp_path, archive, monkeypatch):
    """The library's side: an exhausted inotify limit is one warning, then polling."""
    from watchfiles import _rust_notify

    asked = []

    class Notifier:
        def __init__(self, roots, debug, force_polling, *options) -> None:
            asked.append(force_polling)
            if not force_polling:
                raise OSError(errno.ENOSPC, "OS file watch limit reached")
            self.calls = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            pass

        def watch(self, debounce, step, timeout, stop):
            self.calls += 1
            if self.calls == 1:
                place(archive / "a.txt", story("ceasefire"))
                return {(1, str(archive / "a.txt"))}
            return "stop"

    monkeypatch.setattr(_rust_notify, "RustNotify", Notifier)
    batches: list[Batch] = []
    warnings: list[str] = []
    watcher = Watcher(
        tmp_path / "index", [archive], on_batch=batches.append, on_warning=warnings.append
    )
    watcher.run()
    assert asked == [False, True]
    assert [b.line() for b in batches] == ["+1 ~0 -0 articles; 1 sentences"]
    assert len(warnings) == 1 and "inotify" in warnings[0] and "polling" in warnings[0]


def test_watch_filter_drops_hidden_excluded_and_index_paths(tmp_path, archive):
    index = archive / "index"
    watcher = Watcher(index, [archive], exclude=["drafts", "*.md"])
    cases = {
        "a.txt": True,
        "sub/b.pdf": True,
        "sub": True,
        ".hidden.txt": False,
        ".git/objects/x": False,
        "drafts/c.txt": False,
        "sub/drafts/c.txt": False,
        "n.md": False,
        "index/ix-1/_MAIN_1.toc": False,
        "index": False,
    }
    assert {name: watcher.wanted(None, str(archive / name)) for name in cases} == cases
    assert not watcher.wanted(None, str(tmp_path / "elsewhere.txt"))
    assert os.path.isdir(archive)


def test_serve_watch_serves_what_arrives(tmp_path, archive):
    import urllib.request

    process = subprocess.Popen(
        [str(SEARCH_BIN), "serve", "--port", "0", "--watch", str(archive)]
        + ["--index-dir", str(tmp_path / "index")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        url = process.stdout.readline().split(" at ")[1].split(" ")[0]
        assert process.stderr.readline() == f"Watching {archive} (Ctrl-C to stop)\n"  # as watch
        place(archive / "a.txt", story("ceasefire"))
        assert process.stderr.readline() == "+1 ~0 -0 articles; 1 sentences\n"
        with urllib.request.urlopen(f"{url}api/search?q=ceasefire") as response:
            body = json.load(response)
        assert [hit["_source"]["path"] for hit in body["hits"]["hits"]] == [str(archive / "a.txt")]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=LIMIT)


def test_language_of_short_articles_as_search_index_takes_it(tmp_path, archive, watching):
    """`--language` is the language of articles too short to tell, as for `search index`:
    without it a watched archive of short German notes would be read as English."""
    watcher = watching("--language", "de")
    place(archive / "kurz.txt", "Die Verhandlungen gehen weiter.\n")
    assert watcher.commits_until(added=1) == [(1, 0, 0, 1)]
    result = invoke("show", "--json", "kurz", "--index-dir", str(tmp_path / "index"))
    assert [json.loads(line)["language"] for line in result.stdout.splitlines()] == ["de"]
    assert found(tmp_path, "Verhandlung") == ["kurz.txt"]


def test_unknown_language_is_one_line_before_watching(tmp_path, archive):
    result = invoke(
        "watch", str(archive), "--language", "xx", "--index-dir", str(tmp_path / "index")
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("search: unknown language 'xx'")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "index").exists()
