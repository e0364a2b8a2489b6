"""Faults around the command itself: a folder it may not read, a FIFO or a device where an
article should be, output and error streams that cannot be written, Ctrl-C at any moment,
and an index folder that is a symlink loop. Each ends in one line and the right status."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    SEARCH_BIN,
    SEED,
    Progress,
    assert_one_line,
    assert_one_line_error,
    assert_seed_intact,
    created_at_least,
    forked,
    hit_paths,
    invoke,
    workers_done,
    write_large_run,
)

SENTENCE = "The zeppelin crossed the border at dawn, officials said."


def run_search(*args, timeout: float = 30, **options) -> subprocess.CompletedProcess:
    """The installed command, with a timeout: a hang fails the test instead of blocking it."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([str(SEARCH_BIN), *map(str, args)], timeout=timeout, **options)


@pytest.fixture
def tree(tmp_path) -> Path:
    """Articles in a folder and two subfolders, one of which will be unreadable."""
    root = tmp_path / "articles"
    for folder in ("", "open", "locked"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / f"story{len(folder)}.txt").write_text(f"{SENTENCE} ({folder})\n")
    return root


# 1. A subfolder that cannot be read --------------------------------------------------------


def _deny(monkeypatch, denied: Path, error: type[OSError] = PermissionError) -> None:
    """Listing `denied` fails as it would without permission (tests run as root)."""
    real = os.scandir

    def scandir(path="."):
        if Path(os.fsdecode(path)) == denied:
            raise error(13, os.strerror(13), os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_is_a_warning_and_the_run_goes_on(tmp_path, tree, monkeypatch):
    _deny(monkeypatch, tree / "locked")
    index_dir = tmp_path / "index"
    result = invoke("index", str(tree), "--index-dir", str(index_dir))
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert (
        f"search: warning: {tree / 'locked'}: cannot read folder (Permission denied), skipped"
        in lines
    )
    assert lines[-1] == "search: 1 folder was not read; see the warnings above"
    assert "Traceback" not in result.stderr
    assert hit_paths(index_dir, "zeppelin") == sorted(
        [str(tree / "story0.txt"), str(tree / "open" / "story4.txt")]
    )


def test_a_subfolder_and_a_file_skipped_are_both_counted(tmp_path, tree, monkeypatch):
    _deny(monkeypatch, tree / "locked")
    (tree / "open" / "binary.txt").write_bytes(b"\x00\x01 not text")
    result = invoke("index", str(tree), "--index-dir", str(tmp_path / "index"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "search: 1 folder was not read and 1 file was not indexed; see the warnings above"
    )


def test_a_folder_skipped_keeps_what_was_indexed_from_it(tmp_path, tree, monkeypatch):
    index_dir = tmp_path / "index"
    assert invoke("index", str(tree), "--index-dir", str(index_dir)).exit_code == 0
    _deny(monkeypatch, tree / "locked")
    assert invoke("index", str(tree), "--index-dir", str(index_dir)).exit_code == 2
    assert str(tree / "locked" / "story6.txt") in hit_paths(index_dir, "zeppelin")


def test_a_folder_given_that_cannot_be_read_is_still_an_error(tmp_path, tree, monkeypatch):
    _deny(monkeypatch, tree)
    result = invoke("index", str(tree), "--index-dir", str(tmp_path / "index"))
    assert_one_line_error(result, str(tree), "cannot read folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: permissions do not stop reading")
def test_an_unreadable_subfolder_by_its_permissions(tmp_path, tree):
    (tree / "locked").chmod(0)
    try:
        result = run_search("index", tree, "--index-dir", tmp_path / "index", text=True)
    finally:
        (tree / "locked").chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert f"{tree / 'locked'}: cannot read folder (Permission denied), skipped" in result.stderr
    assert "Traceback" not in result.stderr


# 3. A FIFO or a device where an article should be -----------------------------------------------


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def _dev_zero(folder: Path) -> Path:
    return Path("/dev/zero")


def _link_to_dev_zero(folder: Path) -> Path:
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


SPECIAL = [_fifo, _dev_zero, _link_to_dev_zero]


@pytest.mark.parametrize("special", SPECIAL, ids=["fifo", "dev-zero", "link-to-dev-zero"])
@pytest.mark.parametrize("command", ["split", "split --json", "index"])
def test_a_fifo_or_device_named_never_blocks(tmp_path, special, command):
    path = special(tmp_path)
    extra = ["--index-dir", tmp_path / "index"] if command == "index" else []
    try:
        result = run_search(*command.split(), path, *extra, timeout=20, text=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"search {command} {path} blocked")
    assert result.returncode == 2, result.stderr
    assert_one_line(result.stderr, path.name, "not a regular file")
    assert result.stdout == ""


# 4. Output that cannot be written ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_index_dir(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("faults-cli") / "index"
    assert invoke("index", str(SEED), "--index-dir", str(index_dir)).exit_code == 0
    return index_dir


COMMANDS_THAT_PRINT = {
    "query": ["query", "Turkey"],
    "query --json": ["query", "--json", "--all", "Turkey"],
    "count": ["query", "-c", "Turkey"],
    "show": ["show", SEED.stem],
    "status": ["status"],
    "export": ["export"],
    "split": ["split", SEED],
}

WHY = {"full": "No space left on device", "closed": "Bad file descriptor"}


def _with_stdout_closed(args) -> list[str]:
    """The command under sh with its stdout closed (`>&-`): Python's subprocess cannot."""
    quoted = " ".join(f"'{a}'" for a in map(str, [SEARCH_BIN, *args]))
    return ["sh", "-c", f"exec {quoted} >&-"]


@pytest.mark.parametrize("how", ["full", "closed"])
@pytest.mark.parametrize("command", COMMANDS_THAT_PRINT)
def test_output_that_cannot_be_written_is_one_line(seed_index_dir, command, how):
    args = [*COMMANDS_THAT_PRINT[command], "--index-dir", seed_index_dir]
    if command == "split":
        args = COMMANDS_THAT_PRINT[command]
    if how == "full":
        with open("/dev/full", "wb") as full:
            result = run_search(*args, stdout=full, stderr=subprocess.PIPE, text=True)
    else:
        result = subprocess.run(
            _with_stdout_closed(args), capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"search: cannot write output ({WHY[how]})\n"


def test_a_reader_that_goes_away_is_quiet(seed_index_dir):
    run = subprocess.run(
        f"'{SEARCH_BIN}' query --all Turkey --index-dir '{seed_index_dir}' | head -1 >/dev/null;"
        " echo $? ${PIPESTATUS[0]} >&2",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.stderr == "0 0\n"


def test_no_output_needed_is_no_error_when_stdout_is_closed(tmp_path):
    """`search index` prints its summary on stderr: a closed stdout does not matter to it."""
    result = subprocess.run(
        _with_stdout_closed(["index", SEED, "--index-dir", tmp_path / "index"]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert_one_line(result.stderr, "Indexed 1 article")


# 5. Errors still exit 2 when stderr cannot be written -------------------------------------------


ERRORS = {
    "no index": ["query", "Turkey", "--index-dir", "{tmp}/nothing-here"],
    "usage": ["query", "--limit", "zero", "Turkey"],
    "no such file": ["split", "{tmp}/gone.txt"],
    "output full too": ["query", "Turkey", "--index-dir", "{index}"],
}


@pytest.mark.parametrize("stderr", ["full", "closed"])
@pytest.mark.parametrize("error", ERRORS)
def test_errors_exit_2_even_when_stderr_cannot_be_written(tmp_path, seed_index_dir, error, stderr):
    args = [a.format(tmp=tmp_path, index=seed_index_dir) for a in ERRORS[error]]
    quoted = " ".join(f"'{a}'" for a in [SEARCH_BIN, *args])
    out = "> /dev/full" if error == "output full too" else ""
    err = "2> /dev/full" if stderr == "full" else "2>&-"
    result = subprocess.run(
        ["sh", "-c", f"exec {quoted} {out} {err}"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2


# 6. An index folder that is a symlink loop; a lock that is a folder -------------------------


@pytest.mark.parametrize(
    "args",
    [["query", "Turkey"], ["status"], ["show", SEED.stem], ["export"], ["index", SEED]],
    ids=["query", "status", "show", "export", "index"],
)
def test_an_index_folder_that_is_a_symlink_loop_is_one_line(tmp_path, args):
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    result = run_search(*args, "--index-dir", loop, text=True)
    assert result.returncode == 2, result.stderr
    assert_one_line(result.stderr, "loop", "Too many levels of symbolic links")
    assert result.stdout == ""


def test_a_lock_that_is_a_folder_is_one_line_for_the_installed_command(tmp_path):
    index_dir = tmp_path / "index"
    assert invoke("index", str(SEED), "--index-dir", str(index_dir)).exit_code == 0
    (index_dir / "write.lock").unlink()
    (index_dir / "write.lock").mkdir()
    result = run_search("index", SEED, "--index-dir", index_dir, text=True)
    assert result.returncode == 2
    assert_one_line(result.stderr, "cannot lock the index", "write.lock")
    assert_seed_intact(index_dir)


# 2. Ctrl-C at any moment -------------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """Articles over the indexer's threshold, so that the run forks indexing workers, and
    enough of them (1.1 MB) for a run of about a second, in which Ctrl-C lands at shares."""
    return write_large_run(tmp_path_factory.mktemp("big") / "articles", articles=300)


@pytest.fixture(scope="module")
def big_run_files(big, tmp_path_factory) -> int:
    """How many files and folders a whole run of `big` creates in its index folder: the
    Ctrl-C moments are shares of that progress, never of a time."""
    index_dir = tmp_path_factory.mktemp("watched") / "index"
    run = Progress.start(
        [str(SEARCH_BIN), "index", str(big), "--index-dir", str(index_dir)],
        index_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run.wait_for(lambda progress: False)
    assert run.process.returncode == 0
    assert run.forked, "the large run started no workers: give it more to index"
    return len(run.created)


# The installed command (`search`'s console script), saying "started" on stdout as it calls
# Click: its Ctrl-C handling is in place from then on. Before it (Python's startup, the import
# of search.cli) a Ctrl-C is Python's own traceback, before any program can catch it.
_STARTED_THEN_SEARCH = (
    "import os, sys, click; call = click.Group.__call__; "
    "click.Group.__call__ = lambda *a, **k: (os.write(1, b'started\\n'), call(*a, **k))[1]; "
    "sys.argv[0] = {command!r}; from search.cli import main; sys.exit(main())"
)


def _interrupt(args, index_dir: Path, moment) -> subprocess.CompletedProcess:
    """Start the command in its own process group and press Ctrl-C (SIGINT to the group, as
    a terminal does) at `moment`: "started" (as soon as the command calls Click: its
    imports, its plan), a test of the run's `Progress` (what it has created in
    `index_dir`, its workers), or, given any other text, as soon as stderr shows that line."""
    command = [str(SEARCH_BIN), *map(str, args)]
    if moment == "started":
        code = _STARTED_THEN_SEARCH.format(command=str(SEARCH_BIN))
        command = [sys.executable, "-c", code, *map(str, args)]
    run = Progress.start(
        command,
        index_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C is ignored in a background job: the test must not inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    process, seen = run.process, ""
    if callable(moment):
        run.wait_for(moment)
    elif moment == "started":
        assert process.stdout.readline() == "started\n"
    else:
        while moment not in seen:
            line = process.stderr.readline()
            if not line:
                break
            seen += line
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        _, rest = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return subprocess.CompletedProcess(args, process.returncode, "", seen + rest)


def _assert_interrupted_or_done(result: subprocess.CompletedProcess) -> None:
    """`search: interrupted` and 130, nothing else; or finished before Ctrl-C came."""
    if result.returncode == 0:
        assert_one_line(result.stderr, "Indexed")
        return
    assert result.returncode == 130, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert lines[-1] == "search: interrupted", result.stderr
    assert len(lines) == 1 or (len(lines) == 2 and lines[0].startswith("Indexed")), result.stderr


def _lock_file_created(progress: Progress) -> bool:
    return "write.lock" in progress.created


# Points of the run, from what it has visibly done, each made from the number of files a whole
# run creates: the command started (Ctrl-C during its imports), its lock file created (the
# plan), its workers forked, shares of its files (the workers reading and writing), its workers
# done (the commit).
_CTRL_C_MOMENTS = {
    "started": lambda total: "started",
    "lock file created": lambda total: _lock_file_created,
    "workers forked": lambda total: forked,
    "40% of files": lambda total: created_at_least(round(total * 0.4)),
    "70% of files": lambda total: created_at_least(round(total * 0.7)),
    "workers done": lambda total: workers_done,
}


@pytest.mark.slow
@pytest.mark.parametrize("moment", list(_CTRL_C_MOMENTS))
def test_ctrl_c_during_a_large_run_is_one_line(tmp_path, big, big_run_files, moment):
    index_dir = tmp_path / "index"
    moment = _CTRL_C_MOMENTS[moment](big_run_files)
    result = _interrupt(["index", big, "--index-dir", index_dir], index_dir, moment)
    _assert_interrupted_or_done(result)
    again = run_search("index", big, "--index-dir", index_dir, timeout=300, text=True)
    assert again.returncode == 0, again.stderr  # nothing half-done stands in the way


@pytest.mark.slow
def test_ctrl_c_as_the_run_ends_is_one_line(tmp_path, big):
    index_dir = tmp_path / "index"
    result = _interrupt(["index", big, "--index-dir", index_dir], index_dir, "Indexed")
    _assert_interrupted_or_done(result)


# A Ctrl-C at a moment where Click, not the command, is running: as it parses the arguments,
# or as it tears down once the command has returned. Click itself answers a KeyboardInterrupt
# there with an empty line; the command's answer is `search: interrupted`, alone.
_CTRL_C_IN_CLICK = """
import os, signal, sys
import click
signal.signal(signal.SIGINT, signal.SIG_DFL)
from search.cli import main
moment = sys.argv.pop(1)
ran = []

def ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)

def parse_args(self, ctx, args, parse=click.Group.parse_args):
    if moment == "parsing" and ctx.parent is None:
        ctrl_c()
    return parse(self, ctx, args)

def invoke(self, ctx, run=click.Group.invoke):
    try:
        return run(self, ctx)
    finally:
        ran.append(True)

def exit(self, *exc, close=click.Context.__exit__):
    if moment == "tearing down" and ran and self.parent is None:
        ctrl_c()
    return close(self, *exc)

click.Group.parse_args, click.Group.invoke, click.Context.__exit__ = parse_args, invoke, exit

from search.cli import runtime
hold = runtime._Interrupts.hold

def leaving(self):
    # The command has returned; its `finally` is about to stop Ctrl-C from raising.
    if moment == "leaving the command" and ran and not fired:
        fired.append(True)
        ctrl_c()
    return hold(self)

fired = []

runtime._Interrupts.hold = leaving
sys.argv[0] = {command!r}
main()
"""


@pytest.mark.parametrize("moment", ["parsing", "leaving the command", "tearing down"])
def test_ctrl_c_while_click_runs_is_one_line(tmp_path, moment):
    index_dir = tmp_path / "index"
    code = _CTRL_C_IN_CLICK.format(command=str(SEARCH_BIN))
    args = [sys.executable, "-c", code, moment, "index", str(SEED), "--index-dir", str(index_dir)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 130, result.stderr
    lines = result.stderr.splitlines()
    if moment == "parsing":  # before the command ran: nothing done
        assert lines == ["search: interrupted"], result.stderr
        assert not index_dir.exists()
    else:  # after it ran (as it returns, or as Click tears down): its summary, then the Ctrl-C
        assert len(lines) == 2 and lines[0].startswith("Indexed 1 article"), result.stderr
        assert lines[1] == "search: interrupted", result.stderr
        assert_seed_intact(index_dir)


# A Ctrl-C that lands in a hook Python runs as the command forks a worker (logging's lock,
# for one): Python only prints such an exception and the run goes on, to its commit. Before
# the fork, the command holds Ctrl-C back until its workers are forked (one landing inside
# logging's hooks had its lock released unacquired, and Python printed that traceback).
_CTRL_C_AS_IT_FORKS = """
import os, signal, sys

def ctrl_c_in_the_hook():
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(3):  # Python runs the handler here, inside the hook
        pass

def ctrl_c_before_logging_locks():
    os.kill(os.getpid(), signal.SIGINT)  # handled in whatever Python code runs next

signal.signal(signal.SIGINT, signal.SIG_DFL)
import logging  # its fork hooks first: ours runs before its `before` and after its `after`
if {hook!r} == "before":
    os.register_at_fork(before=ctrl_c_before_logging_locks)
else:
    os.register_at_fork(after_in_parent=ctrl_c_in_the_hook)
from search.cli import main
sys.argv[0] = {command!r}
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("hook", ["before", "after_in_parent"])
def test_a_ctrl_c_swallowed_as_a_worker_forks_stops_the_run_before_its_commit(tmp_path, big, hook):
    index_dir = tmp_path / "index"
    code = _CTRL_C_AS_IT_FORKS.format(command=str(SEARCH_BIN), hook=hook)
    args = [sys.executable, "-c", code, "index", str(big), "--index-dir", str(index_dir)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert result.returncode == 130, result.stderr
    assert result.stderr == "search: interrupted\n"
    assert not (index_dir / "CURRENT").exists()  # nothing committed


def test_a_ctrl_c_swallowed_by_a_finalizer_is_still_noted(monkeypatch, capsys):
    """multiprocessing's finalizers run as weakref callbacks: a KeyboardInterrupt raised in
    one is only printed ("Exception ignored in: <Finalize object, dead>") and the run goes
    on. The command notes it instead, and ends as interrupted."""
    import weakref

    from search.cli import runtime as cli

    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(cli, "_interrupts", cli._Interrupts())
    previous = signal.getsignal(signal.SIGINT)
    try:
        cli._interrupts.install()

        class Resource:
            pass

        def interrupted_cleanup():
            raise KeyboardInterrupt

        resource = Resource()
        weakref.finalize(resource, interrupted_cleanup)
        del resource
    finally:
        signal.signal(signal.SIGINT, previous)
    assert cli._interrupts.seen
    assert capsys.readouterr().err == ""
