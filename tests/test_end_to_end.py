"""The installed `search` command, run as a user would: a subprocess in a fresh folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEARCH_BIN, SEED, Progress, created_at_least
from search.engine.indexer import PARALLEL_BYTES

pytestmark = pytest.mark.skipif(not SEARCH_BIN.exists(), reason="search is not installed")


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX_DIR"}
    environment.update(env or {})
    return subprocess.run(
        [str(SEARCH_BIN), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder laid out like the repository: seeds/ with the article, no index yet."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds" / SEED.name)
    return tmp_path


def test_readme_first_command(workdir):
    indexed = run("index", cwd=workdir)
    assert indexed.returncode == 0, indexed.stderr
    assert indexed.stderr.startswith(
        "Indexed 1 article: 1 added, 0 updated, 0 removed, 0 unchanged; 20 sentences in index/"
    )
    assert (workdir / "index" / "CURRENT").is_file()
    result = run("query", "Turkey peacekeeping", cwd=workdir)
    assert result.returncode == 0
    headers = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert sorted(int(h.split(":")[1].split()[0]) for h in headers) == [1, 3, 6, 9, 15]
    assert "\x1b[" not in result.stdout


def test_json_and_exit_codes(workdir):
    run("index", cwd=workdir)
    result = run("query", "--json", "Turkey peacekeeping", cwd=workdir)
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(hit["sentence"] for hit in hits) == [1, 3, 6, 9, 15]
    assert run("query", "xylophone", cwd=workdir).returncode == 1
    missing = run("query", "--index-dir", "/nowhere", "Turkey", cwd=workdir)
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert missing.stderr == 'search: no index in /nowhere/; run "search index" first\n'


def test_python_m_search_is_the_same_command(workdir):
    run("index", cwd=workdir)
    for args in (["--version"], ["query", "--json", "Turkey peacekeeping"], ["query", "zzz"]):
        module = subprocess.run(
            [sys.executable, "-m", "search", *args],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        installed = run(*args, cwd=workdir)
        assert (module.returncode, module.stdout, module.stderr) == (
            installed.returncode,
            installed.stdout,
            installed.stderr,
        )


def test_split_joins_the_hard_wrap(workdir):
    result = run("split", "seeds/" + SEED.name, cwd=workdir)
    assert result.returncode == 0
    numbered = [line for line in result.stdout.splitlines() if not line.startswith("date:")]
    assert len(numbered) == 20
    assert "approximately 300,000 U.S. troops, which has led to calls" in numbered[10]


def test_no_warnings_even_when_whoosh_is_compiled_afresh(workdir, tmp_path):
    """Whoosh 2.7.4 trips SyntaxWarnings when compiled; users must never see them."""
    env = {"PYTHONPYCACHEPREFIX": str(tmp_path / "pycache"), "PYTHONWARNINGS": "default"}
    indexed = run("index", "-q", cwd=workdir, env=env)
    assert (indexed.returncode, indexed.stderr) == (0, "")
    result = run("query", "ceasefire", cwd=workdir, env=env)
    assert (result.returncode, result.stderr) == (0, "")


def test_piped_output_closed_early_is_quiet(workdir):
    run("index", cwd=workdir)
    pipeline = subprocess.run(
        f"'{SEARCH_BIN}' query --all Turkey | head -1",
        shell=True,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert pipeline.stdout.count("\n") == 1
    assert "Traceback" not in pipeline.stderr


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_keeps_the_index(workdir):
    """Ctrl-C reaches the whole process group, workers included: one line, exit 130, no
    traceback from any process, and the index exactly as it was."""
    import signal

    run("index", cwd=workdir)
    before = run("query", "--json", "Turkey", cwd=workdir).stdout
    big = workdir / "big"
    big.mkdir()
    # Few long sentences: as many bytes as realistic text, in a third of the time.
    sentence = "The minister said the talks would resume in Geneva on Monday " * 20
    paragraph = f"{sentence.strip()}. " * 2
    for number in range(1000):  # about 2.5 MB: workers, and a run of a few seconds
        (big / f"a{number:04d}.txt").write_text(f"May 1, 2025\nReport {number}. {paragraph}\n")
    assert sum(p.stat().st_size for p in big.iterdir()) > PARALLEL_BYTES
    environment = {k: v for k, v in os.environ.items() if k != "SEARCH_INDEX_DIR"}
    # The signal goes once the run has visibly got going: where it has workers (on more
    # than one core), once they have forked and the first ten of its files are written;
    # on one core, once its first file is written. So it lands mid-run, workers included.
    multi_core = (os.cpu_count() or 1) > 1
    progress = Progress.start(
        [str(SEARCH_BIN), "index", "seeds", "big"],
        workdir / "index",
        cwd=workdir,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C is ignored in a background job: the test must not inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    if multi_core:
        running = progress.wait_for(lambda seen: seen.forked and len(seen.created) >= 10)
    else:
        running = progress.wait_for(created_at_least(1))
    workers, writer = progress.forked, progress.process
    if running:
        os.killpg(writer.pid, signal.SIGINT)
    _, stderr = writer.communicate(timeout=60)
    assert "Traceback" not in stderr
    if writer.returncode == 130:
        assert stderr == "search: interrupted\n"
        assert run("query", "--json", "Turkey", cwd=workdir).stdout == before
        assert json.loads(run("status", "--json", cwd=workdir).stdout)["articles"] == 1
    else:  # the run had finished before the signal
        assert writer.returncode == 0, stderr
    # The test proves something only if the signal landed mid-run, workers included.
    assert running, f"the run ended before the signal: the test checked nothing ({stderr!r})"
    assert workers or not multi_core, "the writer started no workers: give it more to index"
    assert writer.returncode == 130, stderr
    again = run("index", "seeds", "big", cwd=workdir)
    assert again.returncode == 0, again.stderr
