"""Nothing committed is ever lost: SIGKILL at any moment, two writers, damaged files, fsync.

The kill test and the lock tests run the installed `search` command in subprocesses;
the rest runs in-process. Every index lives under tmp_path.
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import (
    SEARCH_BIN,
    SEED_NAME,
    Progress,
    assert_one_line,
    assert_one_line_error,
    assert_seed_intact,
    children,
    created_at_least,
    forked,
    generations,
    hits,
    invoke,
    live_generation,
    status,
    workers_done,
)

REBUILD = "search index --rebuild"
LOCKED = "another process is writing the index"


# Helpers -------------------------------------------------------------------------------------


def verify(index_dir: Path):
    return invoke("status", "--verify", "--index-dir", str(index_dir))


def run_search(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SEARCH_BIN), *[str(a) for a in args]], capture_output=True, text=True, timeout=timeout
    )


class Hang(BaseException):
    """Raised by `deadline` in the test process: a command did not answer in time."""


@contextmanager
def deadline(seconds: float):
    def on_alarm(*_):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# The kill test -------------------------------------------------------------------------------

VOCABULARY = [
    *["ankara", "border", "ceasefire", "delegation", "envoy", "frontier", "garrison"],
    *["harbor", "istanbul", "journalist", "kremlin", "ledger", "minister", "negotiation"],
    *["offensive", "parliament", "quarter", "refugee", "summit", "treaty", "ukraine"],
    *["village", "warship", "yacht", "zone", "convoy", "drone", "brigade", "corridor"],
    "pipeline",
]
BASELINE_ARTICLES = 100
NEW_ARTICLES = 300  # about 1.2 MB of new text: a large run (workers), of about a second
CHANGED, DELETED = 3, 5


def _article(number: int, rng: random.Random, extra: str = "") -> str:
    """About 4 KB in five sentences: four long ones over a small vocabulary, then its own token.

    A large run is counted in bytes (the indexer's PARALLEL_BYTES), and what it costs is
    counted in sentences and in distinct words per sentence: few long sentences make the
    large run cheap (a third of the time of 40 sentences of 12 words, the same bytes).
    """
    sentences = [
        " ".join(rng.choice(VOCABULARY) for _ in range(120)).capitalize() + "." for _ in range(4)
    ]
    return f"March {1 + number % 28}, 2025\n" + " ".join(sentences) + f" Ref tok{number}.{extra}\n"


def _fingerprint(index_dir: Path) -> dict:
    """What the index answers: counts, and the exact hits of words that tell states apart."""
    data = status(index_dir)
    count = invoke("query", "-c", "border", "--index-dir", str(index_dir))
    assert count.exit_code == 0, count.stderr
    return {
        "articles": data["articles"],
        "sentences": data["sentences"],
        "border": int(count.stdout),
        **{
            word: hits(index_dir, word)
            for word in (
                f"tok{CHANGED}",
                f"tok{DELETED}",
                "rewritten",
                f"tok{BASELINE_ARTICLES}",
                f"tok{BASELINE_ARTICLES + NEW_ARTICLES - 1}",
            )
        },
    }


def _snapshot(index_dir: Path) -> list[tuple[str, int]]:
    """One query, so one searcher: what the index answers at one moment."""
    words = [f"tok{CHANGED}", f"tok{DELETED}", "rewritten", f"tok{BASELINE_ARTICLES}"]
    words.append(f"tok{BASELINE_ARTICLES + NEW_ARTICLES - 1}")
    return hits(index_dir, " OR ".join(words))


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def _no_survivors(text: str, grace: float = 3.0) -> list[int]:
    end = time.monotonic() + grace
    while True:
        alive = _processes_mentioning(text)
        if not alive or time.monotonic() > end:
            return alive
        time.sleep(0.05)


def _kill_at(args, moment, index_dir: Path, states: list, seen: list) -> bool:
    """Run `search index`, and SIGKILL it at `moment` (a label and a test of its `Progress`):
    the run is stopped (SIGSTOP, workers included) as soon as the moment is seen, queried,
    then killed. True if it was still running when it was killed."""
    label, reached = moment
    writer = Progress.start(args, index_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        writer.wait_for(reached)
        writer.freeze()
        # While the writer is mid-run, queries answer (from one complete state, checked later).
        seen.append((f"query when {label}", _snapshot(index_dir)))
        returncode = writer.process.poll()
        # A run that ended on its own must have ended well (a stale lock would make it exit 2).
        assert returncode in (None, 0), f"the run ended with exit {returncode} before the kill"
        writer.process.send_signal(signal.SIGKILL)
        writer.process.wait(timeout=30)
    finally:
        writer.thaw()  # its workers, if any live on, must be able to die with it
    label = f"killed when {label}"
    survivors = _no_survivors(str(index_dir))
    for pid in survivors:  # the writer's own children, left behind: end them, then fail
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"{label}: processes outlived the killed writer: {survivors}"
    states.append((label, _fingerprint(index_dir)))
    checked = verify(index_dir)
    assert checked.exit_code == 0, (label, checked.stderr)
    return returncode is None


def _toc_seen(pattern: str):
    """The moment a run has created a Whoosh TOC file named like `pattern`: `_MAIN_2.toc.*`
    while it is written, `_MAIN_2.toc` once it is renamed into place (the commit)."""
    return lambda progress: any(re.search(pattern, name) for name in progress.created)


def _share_of_files(total: int, share: float):
    """The moment a run has created `share` of the `total` files a whole run creates."""
    return f"{share:.0%} of its files are written", created_at_least(max(1, round(total * share)))


def _complete(corpus: Path, index_dir: Path) -> subprocess.CompletedProcess:
    """The run after the kills: no lock to wait for, exit 0, one generation left."""
    run = run_search("index", corpus, "--index-dir", index_dir, "--wait", "0")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert verify(index_dir).exit_code == 0
    assert len(generations(index_dir)) == 1, generations(index_dir)
    return run


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_the_last_committed_state(tmp_path):
    import search.engine.indexer

    rng = random.Random(42)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(BASELINE_ARTICLES):
        (corpus / f"a{number:05d}.txt").write_text(_article(number, rng))
    baseline = tmp_path / "baseline"
    first = run_search("index", corpus, "-q", "--index-dir", baseline)
    assert first.returncode == 0, first.stderr
    before = _fingerprint(baseline)
    assert before["articles"] == BASELINE_ARTICLES

    # The large run: one file changed, one deleted, many added (enough for Whoosh's
    # multi-process writer, the path large runs take).
    (corpus / f"a{CHANGED:05d}.txt").write_text(_article(CHANGED, rng, " Text rewritten."))
    (corpus / f"a{DELETED:05d}.txt").unlink()
    for number in range(BASELINE_ARTICLES, BASELINE_ARTICLES + NEW_ARTICLES):
        (corpus / f"a{number:05d}.txt").write_text(_article(number, rng))
    new_bytes = sum(
        (corpus / f"a{number:05d}.txt").stat().st_size
        for number in range(BASELINE_ARTICLES, BASELINE_ARTICLES + NEW_ARTICLES)
    )
    assert new_bytes > getattr(search.engine.indexer, "PARALLEL_BYTES", 2_000_000)

    # A run that is not killed: the files a whole run creates (the kills are placed by that
    # progress, never by a clock), and the state it gives.
    reference = tmp_path / "reference"
    shutil.copytree(baseline, reference)
    watched = Progress.start(
        [str(SEARCH_BIN), "index", str(corpus), "--index-dir", str(reference)],
        reference,
        stderr=subprocess.PIPE,
        text=True,
    )
    watched.wait_for(lambda progress: False)
    full_stderr = watched.process.stderr.read()
    watched.process.stderr.close()
    total = len(watched.created)
    assert watched.process.returncode == 0, full_stderr
    assert watched.forked, "the large run started no workers: give it more to index"
    assert (
        # The articles the index holds after the run: the deleted one is not counted.
        f"{BASELINE_ARTICLES - 1 + NEW_ARTICLES} articles: {NEW_ARTICLES} added, 1 updated, "
        "1 removed" in full_stderr
    )
    after = _fingerprint(reference)
    assert after["articles"] == BASELINE_ARTICLES - 1 + NEW_ARTICLES
    assert after[f"tok{DELETED}"] == [] and before[f"tok{DELETED}"]
    assert after["rewritten"] and not before["rewritten"]
    moments = (_snapshot(baseline), _snapshot(reference))
    assert moments[0] != moments[1]

    states: list[tuple[str, dict]] = []
    seen: list[tuple[str, list]] = []
    interrupted = []
    command = [str(SEARCH_BIN), "index", str(corpus), "--wait", "0", "--index-dir"]

    # One index killed again and again at later and later points of the run (its writer
    # opened, its workers forked, reading and writing, the workers done, the commit), then
    # completed. The first six come before the commit whatever the machine's speed: the run
    # is stopped the moment its point is seen. The last lands after the commit, if at all.
    chain = tmp_path / "killed"
    shutil.copytree(baseline, chain)
    chain_moments = [
        ("its writer has opened", created_at_least(1)),
        ("its workers have forked", forked),
        *(_share_of_files(total, share) for share in (0.3, 0.45, 0.6, 0.75)),
        ("its workers are done", workers_done),
        ("its new TOC is being written", _toc_seen(r"_MAIN_\d+\.toc\.")),
        ("its new TOC is in place", _toc_seen(r"_MAIN_\d+\.toc$")),
    ]
    for moment in chain_moments:
        interrupted.append(_kill_at([*command, str(chain)], moment, chain, states, seen))
    _complete(corpus, chain)
    assert _fingerprint(chain) == after

    # Kills during --rebuild: the old index stays live until the new one is complete.
    rebuilt = tmp_path / "killed-rebuild"
    shutil.copytree(baseline, rebuilt)
    for moment in (_share_of_files(total, 0.5), ("its workers are done", workers_done)):
        args = [*command[:2], "--rebuild", *command[2:], str(rebuilt)]
        interrupted.append(_kill_at(args, moment, rebuilt, states, seen))
    _complete(corpus, rebuilt)
    assert _fingerprint(rebuilt) == after

    # Every answer seen during and after the kills was one complete state, never a mix.
    for label, state in states:
        assert state in (before, after), (label, state)
    for label, snapshot in seen:
        assert snapshot in moments, (label, snapshot)
    # The test proves something only if kills landed mid-run and left the old state.
    assert sum(interrupted) >= 7, (interrupted, total)
    assert sum(1 for label, state in states if state == before) >= 6, (states, total)
    again = run_search("index", corpus, "--index-dir", chain)
    assert again.returncode == 0
    assert f"0 added, 0 updated, 0 removed, {after['articles']} unchanged" in again.stderr


@pytest.mark.slow
def test_killing_the_writer_as_it_starts_its_workers_leaves_nothing_behind(tmp_path, seed_index):
    """SIGKILL right after the writer forks a worker (the moment the worker sets itself up):
    no worker may live on, and none may keep a lock that stops the next run."""
    import search.engine.indexer

    rng = random.Random(9)
    big = tmp_path / "big"
    big.mkdir()
    for number in range(NEW_ARTICLES):
        (big / f"c{number:05d}.txt").write_text(_article(number, rng))
    assert sum(p.stat().st_size for p in big.iterdir()) > getattr(
        search.engine.indexer, "PARALLEL_BYTES", 2_000_000
    )
    forked = 0
    for attempt in range(5):
        writer = subprocess.Popen(
            [str(SEARCH_BIN), "index", str(big), "--index-dir", str(seed_index), "--wait", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        give_up = time.monotonic() + 60
        while not children(writer.pid) and writer.poll() is None and time.monotonic() < give_up:
            pass
        forked += writer.poll() is None
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        survivors = _no_survivors(str(seed_index), grace=2.0)
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
        assert not survivors, f"attempt {attempt}: workers outlived the killed writer: {survivors}"
        assert_seed_intact(seed_index)
        assert status(seed_index)["articles"] == 1
    if not forked:
        pytest.skip("the writer started no worker processes on this machine")
    run = run_search("index", big, "--index-dir", seed_index, "--wait", "0")
    assert run.returncode == 0, run.stderr
    assert status(seed_index)["articles"] == 1 + NEW_ARTICLES
    assert verify(seed_index).exit_code == 0


@pytest.mark.slow
def test_two_writers_at_once_both_finish_without_duplicates(tmp_path):
    rng = random.Random(7)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(300):
        (corpus / f"b{number:04d}.txt").write_text(_article(number, rng))
    index_dir = tmp_path / "index"
    args = [str(SEARCH_BIN), "index", str(corpus), "--index-dir", str(index_dir), "--wait", "60"]
    writers = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(w.wait(timeout=120), w.stderr.read()) for w in writers]
    for writer in writers:
        writer.stdout.close()
        writer.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    added = sorted(int(re.search(r"(\d+) added", err).group(1)) for _, err in results)
    assert added == [0, 300], results
    data = status(index_dir)
    assert data["articles"] == 300
    assert [article for article, _ in hits(index_dir, "tok0")] == ["b0000"]
    assert len(generations(index_dir)) == 1


# The write lock ------------------------------------------------------------------------------

HOLD_LOCK = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o644)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def lock_held(index_dir: Path, seconds: float = 60):
    index_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index_dir / "write.lock"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


@pytest.mark.parametrize("existing", [True, False], ids=["existing index", "no index yet"])
@pytest.mark.parametrize("rebuild", [False, True], ids=["index", "index --rebuild"])
def test_index_gives_up_after_wait_when_another_process_writes(
    tmp_path, seed_articles, existing, rebuild
):
    index_dir = tmp_path / "index"
    if existing:
        assert invoke("index", str(seed_articles), "--index-dir", str(index_dir)).exit_code == 0
    (seed_articles / "more.txt").write_text("March 4, 2025\nThe NATO zeppelin landed.\n")
    with lock_held(index_dir):
        started = time.monotonic()
        extra = ["--rebuild"] if rebuild else []
        run = run_search("index", *extra, seed_articles, "--index-dir", index_dir, "--wait", "0.5")
        elapsed = time.monotonic() - started
        assert run.returncode == 2, run.stderr
        assert_one_line(run.stderr, LOCKED)
        assert run.stdout == ""
        assert 0.5 <= elapsed < 10
        if existing:
            # Queries keep working while the lock is held, and see the old state.
            assert_seed_intact(index_dir)
            assert hits(index_dir, "zeppelin") == []
            query = run_search("query", "Turkey peacekeeping", "--index-dir", index_dir)
            assert query.returncode == 0, query.stderr
            assert status(index_dir)["articles"] == 1
    # Once the other process is gone, the next run works.
    run = run_search("index", seed_articles, "--index-dir", index_dir, "--wait", "0")
    assert run.returncode == 0, run.stderr
    assert hits(index_dir, "zeppelin") == [("more", 1)]
    assert_seed_intact(index_dir)


def test_index_with_wait_0_gives_up_at_once(seed_index, seed_articles):
    with lock_held(seed_index):
        started = time.monotonic()
        result = invoke("index", str(seed_articles), "--index-dir", str(seed_index), "--wait", "0")
        assert time.monotonic() - started < 5
        assert_one_line_error(result, LOCKED)
    assert_seed_intact(seed_index)


def _waits_on(pid: int, lock: Path) -> bool:
    """Whether process `pid` has `lock` open (the writer opens it, then waits to lock it)."""
    try:
        return any(os.path.realpath(fd) == str(lock) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def test_index_waits_for_a_writer_that_finishes_in_time(seed_index, seed_articles):
    (seed_articles / "more.txt").write_text("March 4, 2025\nThe NATO zeppelin landed.\n")
    lock = (seed_index / "write.lock").resolve()
    with lock_held(seed_index) as holder:
        run = subprocess.Popen(
            [str(SEARCH_BIN), "index", str(seed_articles), "--index-dir", str(seed_index)]
            + ["--wait", "60"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The other writer lets go only once this run is seen waiting for the lock.
        while run.poll() is None and not _waits_on(run.pid, lock):
            time.sleep(0.01)
        waited = run.poll() is None
        holder.kill()
        holder.wait()
        _, stderr = run.communicate(timeout=120)
    assert waited, f"the run ended while the lock was held: {stderr}"
    assert run.returncode == 0, stderr
    assert hits(seed_index, "zeppelin") == [("more", 1)]


def test_default_wait_is_sensible():
    result = invoke("index", "--help")
    match = re.search(r"--wait SECONDS.*?default:\s*([\d.]+)", result.stdout, re.S)
    assert match, result.stdout
    assert 1 <= float(match.group(1)) <= 600


# A writer that fails releases everything -----------------------------------------------------


@pytest.fixture
def exploding_splitter(monkeypatch):
    """The splitter raises on any article containing BOOM (as a bug in a library would),
    whole (split_article) or sentence by sentence as the indexer reads it (split_lazily)."""
    import search.articles.article
    import search.articles.split

    def exploding(real):
        def split(text, *args, **kwargs):
            if "BOOM" in text:
                raise RuntimeError("simulated failure while splitting")
            return real(text, *args, **kwargs)

        return split

    for name in ("split_article", "split_lazily"):
        patched = exploding(getattr(search.articles.split, name))
        monkeypatch.setattr(search.articles.split, name, patched)
        monkeypatch.setattr(search.articles.article, name, patched)


def test_failed_run_keeps_no_lock_even_without_garbage_collection(
    seed_index, seed_articles, exploding_splitter
):
    (seed_articles / "good.txt").write_text("March 4, 2025\nThe zeppelin landed.\n")
    (seed_articles / "zz_boom.txt").write_text("March 4, 2025\nBOOM goes the parser.\n")
    gc.disable()
    try:
        failed = invoke(
            "index", str(seed_articles), "--index-dir", str(seed_index), "--wait", "0.5"
        )
        assert failed.exit_code == 2
        assert_one_line(failed.stderr)
        assert_seed_intact(seed_index)
        (seed_articles / "zz_boom.txt").unlink()
        again = invoke("index", str(seed_articles), "--index-dir", str(seed_index), "--wait", "0.5")
        assert again.exit_code == 0, again.stderr
    finally:
        gc.enable()
    assert hits(seed_index, "zeppelin") == [("good", 1)]
    assert verify(seed_index).exit_code == 0


def test_failed_rebuild_leaves_the_old_index_as_it_was(
    seed_index, seed_articles, exploding_splitter
):
    pointer = (seed_index / "CURRENT").read_bytes()
    live = live_generation(seed_index)
    files = {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()}
    (seed_articles / "zz_boom.txt").write_text("March 4, 2025\nBOOM goes the parser.\n")
    result = invoke("index", "--rebuild", str(seed_articles), "--index-dir", str(seed_index))
    assert result.exit_code == 2
    assert_one_line(result.stderr)
    assert (seed_index / "CURRENT").read_bytes() == pointer
    assert generations(seed_index) == [live]
    assert {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()} == files
    assert_seed_intact(seed_index)
    assert verify(seed_index).exit_code == 0


def test_failed_first_run_leaves_no_index_behind(tmp_path, seed_articles, exploding_splitter):
    (seed_articles / "zz_boom.txt").write_text("March 4, 2025\nBOOM goes the parser.\n")
    index_dir = tmp_path / "index"
    result = invoke("index", str(seed_articles), "--index-dir", str(index_dir))
    assert result.exit_code == 2
    assert_one_line(result.stderr)
    assert generations(index_dir) == []
    assert_one_line_error(invoke("query", "Turkey", "--index-dir", str(index_dir)), "search index")
    (seed_articles / "zz_boom.txt").unlink()
    assert invoke("index", str(seed_articles), "--index-dir", str(index_dir)).exit_code == 0
    assert_seed_intact(index_dir)


# Damaged index files -------------------------------------------------------------------------

# Segments are written as plain files (compound=False): per segment id, MAIN_<id>.trm (terms),
# MAIN_<id>.pst (postings), MAIN_<id>._stored.col (stored fields), MAIN_<id>._<field>_len.col
# (field lengths of each scored field: text, and since issue 9 words). Each kind is damaged in
# every generic way below.
SEGMENT_KINDS = {
    "terms": "trm",
    "postings": "pst",
    "stored fields": "_stored.col",
    "lengths": "_text_len.col",
    "lengths of written words": "_words_len.col",
    "keys of identical sentences": "copy.col",
}
WRITELOCK = "MAIN_WRITELOCK"


def _segment_files(generation: Path) -> list[Path]:
    """Every segment file of the generation: MAIN_<id>.<kind>, not Whoosh's lock file."""
    return sorted(p for p in generation.glob("MAIN_*.*") if p.is_file() and p.name != WRITELOCK)


def _kind(segment_file: Path) -> str:
    return segment_file.name.split(".", 1)[1]


def _segment_file(index_dir: Path, kind: str) -> Path:
    """The one file of this kind in the live generation (the seed_index index has one segment)."""
    (found,) = [p for p in _segment_files(live_generation(index_dir)) if _kind(p) == kind]
    return found


def _toc(index_dir: Path) -> Path:
    (toc,) = sorted(live_generation(index_dir).glob("_MAIN_*.toc"))
    return toc


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as stream:
        stream.seek(offset)
        stream.write(data)


# Damage to one part of a segment's format.


def _terms_header(index_dir):
    terms = _segment_file(index_dir, "trm")
    assert terms.read_bytes()[:4] == b"HSH3"
    _overwrite(terms, 0, b"XXXX")
    return terms.name


def _terms_directory(index_dir):
    """The tail of the terms file: the directory of hash tables, and the extras after it
    (the field map and term index), whose length is the last 4 bytes."""
    terms = _segment_file(index_dir, "trm")
    size = terms.stat().st_size
    extras = int.from_bytes(terms.read_bytes()[-4:], "big", signed=True)
    start = size - 4 - extras - 256 * 12  # 256 entries of (position: q, slots: i)
    assert 0 < start < size
    _overwrite(terms, start, random.Random(1).randbytes(size - start))
    return terms.name


def _posting_tags(index_dir):
    postings = _segment_file(index_dir, "pst")
    data = postings.read_bytes()
    assert b"W3Bl" in data
    postings.write_bytes(data.replace(b"W3Bl", b"XXXX"))
    return postings.name


def _stored_fields(index_dir):
    stored = _segment_file(index_dir, "_stored.col")
    length = stored.stat().st_size
    _overwrite(stored, length // 3, random.Random(2).randbytes(length // 3))
    return stored.name


def _stored_fields_lengths(index_dir):
    """Zeros over the end of the stored fields column: its table of per-document lengths,
    just before the table's type code (the last byte)."""
    stored = _segment_file(index_dir, "_stored.col")
    size = stored.stat().st_size
    assert stored.read_bytes()[-1:] in (b"B", b"H", b"I", b"L", b"Q")
    _overwrite(stored, size - 17, bytes(16))
    return stored.name


# Generic damage to any segment file.


def _random_block(path: Path) -> None:
    """A 4 KiB disk block gone bad in the middle of the file (all of a smaller file)."""
    size = path.stat().st_size
    length = min(4096, size)
    _overwrite(path, (size - length) // 2, random.Random(3).randbytes(length))


def _one_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    with open(path, "r+b") as stream:
        stream.truncate(path.stat().st_size // 2)


def _zeroed(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _deleted(path: Path) -> None:
    path.unlink()


def _symlink_loop(path: Path) -> None:
    """The file replaced by a symbolic link to itself: opening it fails with ELOOP."""
    path.unlink()
    path.symlink_to(path.name)


def _a_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _on(kind: str, damage):
    def damage_segment_file(index_dir):
        path = _segment_file(index_dir, kind)
        damage(path)
        return path.name

    return damage_segment_file


def _toc_truncated(index_dir):
    toc = _toc(index_dir)
    with open(toc, "r+b") as stream:
        stream.truncate(100)
    return toc.name


def _toc_deleted(index_dir):
    toc = _toc(index_dir)
    toc.unlink()
    return ".toc"


GENERIC_DAMAGE = [
    ("random 4 KiB block", _random_block),
    ("one flipped bit", _one_bit),
    ("truncated", _truncated),
    ("zeroed", _zeroed),
    ("deleted", _deleted),
    ("symlink loop", _symlink_loop),
    ("a folder", _a_folder),
]
DAMAGE = [
    ("terms header", _terms_header),
    ("terms directory", _terms_directory),
    ("posting block tags", _posting_tags),
    ("stored fields", _stored_fields),
    ("stored fields lengths", _stored_fields_lengths),
    *[
        (f"{label} {how}", _on(kind, damage))
        for label, kind in SEGMENT_KINDS.items()
        for how, damage in GENERIC_DAMAGE
    ],
    ("toc truncated", _toc_truncated),
    ("toc deleted", _toc_deleted),
]
DAMAGE_IDS = [case[0] for case in DAMAGE]
DAMAGE_FUNCTIONS = [case[1] for case in DAMAGE]


def test_the_damage_table_covers_every_kind_of_segment_file(seed_index, seed_articles):
    """Plain segment files only (no compound .seg), each of a kind damaged above: also after
    an incremental run and a merge."""
    for number in range(3):
        (seed_articles / f"n{number}.txt").write_text(
            f"March 4, 2025\nUN story {number} of many.\n"
        )
        assert invoke("index", str(seed_articles), "--index-dir", str(seed_index)).exit_code == 0
    generation = live_generation(seed_index)
    assert not list(generation.glob("*.seg"))
    files = _segment_files(generation)
    assert files
    assert {_kind(p) for p in files} == set(SEGMENT_KINDS.values()), [p.name for p in files]
    assert all(re.fullmatch(r"MAIN_[0-9a-z]+\..+", p.name) for p in files)


@pytest.mark.parametrize("damage", DAMAGE_FUNCTIONS, ids=DAMAGE_IDS)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_verify_names_the_damaged_file_and_exits_2(seed_index, damage, as_json):
    name = damage(seed_index)
    args = ["status", "--verify", "--index-dir", str(seed_index)] + (["--json"] if as_json else [])
    with deadline(20):
        result = invoke(*args)
    assert_one_line_error(result, name, REBUILD)


READS = [
    ("query", "Turkey peacekeeping"),
    ("query", "-c", "Turkey"),
    ("query", "-l", "Turkey"),
    ("query", "--json", "--sort", "date", "-C", "1", "peacekeeping"),
    ("query", "article:000"),
    ("show", SEED_NAME),
    ("status", "--json"),
    ("export", "--format", "jsonl"),
]


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("damage", DAMAGE_FUNCTIONS, ids=DAMAGE_IDS)
def test_reads_on_a_damaged_index_answer_or_advise_rebuild(seed_index, damage, command, slept):
    damage(seed_index)
    started = time.monotonic()
    with deadline(20):
        result = invoke(*command, "--index-dir", str(seed_index))
    assert time.monotonic() - started + sum(slept) < 20, f"no answer within 20 s: {slept}"
    assert slept == [], "a read waited on damage that no commit caused"
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert_one_line(result.stderr, REBUILD)
        assert "unexpected error" not in result.stderr
    else:
        assert result.exit_code in (0, 1), result.stderr


LENGTHS_DAMAGE = [
    (f"{label} {how}", _on(kind, damage))
    for label, kind in SEGMENT_KINDS.items()
    if kind.endswith("_len.col") and kind != "_acronyms_len.col"
    for how, damage in GENERIC_DAMAGE
]


@pytest.mark.parametrize(
    "command",
    [("query", "Turkey peacekeeping"), ("query", "-l", "Turkey"), ("query", "--json", "UN")],
    ids=lambda c: " ".join(c),
)
@pytest.mark.parametrize(
    "damage", [case[1] for case in LENGTHS_DAMAGE], ids=[case[0] for case in LENGTHS_DAMAGE]
)
def test_damaged_lengths_are_named_not_ranked_with(seed_index, damage, command):
    """Lengths files feed BM25: without them (or with wrong bytes) a query answered with the
    same hits in another order. Each query now checks them against their checksums."""
    name = damage(seed_index)
    result = invoke(*command, "--index-dir", str(seed_index))
    assert_one_line_error(result, "damaged", name, REBUILD)


@pytest.mark.parametrize("how", [_symlink_loop, _a_folder], ids=["symlink loop", "a folder"])
@pytest.mark.parametrize(
    "command",
    [*READS, ("status", "--verify"), ("index",)],
    ids=lambda c: " ".join(c),
)
def test_an_index_file_that_cannot_be_opened_is_damage_never_unexpected(
    seed_index, seed_articles, how, command
):
    """Each kind of segment file, and the TOC, in turn: exit 2 with the rebuild advice, or
    an answer; never "unexpected error"."""
    args = [*command, str(seed_articles)] if command == ("index",) else list(command)
    paths = [*_segment_files(live_generation(seed_index)), _toc(seed_index)]
    saved = {path: path.read_bytes() for path in paths}
    for path in paths:
        how(path)
        (seed_articles / "more.txt").write_text(f"March 4, 2025\nThe {path.name} story.\n")
        result = invoke(*args, "--index-dir", str(seed_index))
        assert "unexpected error" not in result.stderr, (path.name, result.stderr)
        if result.exit_code == 2:
            assert_one_line_error(result, REBUILD)
        else:
            assert result.exit_code in (0, 1) and command[0] != "index", result.stderr
        if path.is_symlink():
            path.unlink()
        else:
            path.rmdir()
        path.write_bytes(saved[path])


def test_a_catalog_replaced_by_a_folder_is_damage(seed_index, seed_articles):
    (live_generation(seed_index) / "articles.json").unlink()
    (live_generation(seed_index) / "articles.json").mkdir()
    (seed_articles / "more.txt").write_text("March 4, 2025\nThe NATO zeppelin landed.\n")
    result = invoke("index", str(seed_articles), "--index-dir", str(seed_index))
    assert_one_line_error(result, "damaged", "articles.json", REBUILD)
    assert verify(seed_index).exit_code == 0  # the commit that landed is sealed


@pytest.mark.parametrize("damage", DAMAGE_FUNCTIONS, ids=DAMAGE_IDS)
def test_index_run_on_a_damaged_index_refuses_or_keeps_the_damage_visible(
    seed_index, seed_articles, damage
):
    """An incremental run either stops with the rebuild advice, or leaves verify failing:
    it must never fold damaged data into new segments and record fresh checksums for them."""
    damage(seed_index)
    (seed_articles / "more.txt").write_text("March 4, 2025\nThe NATO zeppelin landed.\n")
    with deadline(60):
        result = invoke("index", str(seed_articles), "--index-dir", str(seed_index))
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert_one_line(result.stderr, REBUILD)
        assert "unexpected error" not in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        with deadline(20):
            checked = verify(seed_index)
        assert checked.exit_code == 2, "an index run hid the damage: verify now passes"
        assert "Traceback" not in checked.stderr


@pytest.mark.parametrize("damage", DAMAGE_FUNCTIONS, ids=DAMAGE_IDS)
def test_rebuild_repairs_a_damaged_index(seed_index, seed_articles, damage):
    damage(seed_index)
    with deadline(60):
        result = invoke("index", "--rebuild", str(seed_articles), "--index-dir", str(seed_index))
    assert result.exit_code == 0, result.stderr
    assert_seed_intact(seed_index)
    assert verify(seed_index).exit_code == 0
    assert status(seed_index)["articles"] == 1
    # The replaced generation is kept until the next run, for queries still opening it.
    again = invoke("index", str(seed_articles), "--index-dir", str(seed_index))
    assert again.exit_code == 0, again.stderr
    assert len(generations(seed_index)) == 1


def _pointer(text: bytes):
    def damage(index_dir: Path) -> None:
        (index_dir / "CURRENT").write_bytes(text)

    return damage


def _pointer_edit(**changes):
    def damage(index_dir: Path) -> None:
        data = json.loads((index_dir / "CURRENT").read_text())
        data.update(changes)
        for key, value in changes.items():
            if value is None:
                del data[key]
        (index_dir / "CURRENT").write_text(json.dumps(data))

    return damage


def _pointer_folder(index_dir: Path) -> None:
    (index_dir / "CURRENT").unlink()
    (index_dir / "CURRENT").mkdir()


def _generation_gone(index_dir: Path) -> None:
    shutil.rmtree(live_generation(index_dir))


POINTER_DAMAGE = [
    ("garbage text", _pointer(b"garbage{\n")),
    ("empty", _pointer(b"")),
    ("binary", _pointer(random.Random(4).randbytes(200))),
    ("JSON list", _pointer(b"[1, 2, 3]\n")),
    ("JSON of another program", _pointer(b'{"version": 3, "files": []}\n')),
    ("no generation", _pointer_edit(generation=None)),
    ("generation is a number", _pointer_edit(generation=12)),
    ("generation missing on disk", _pointer_edit(generation="ix-000000000000")),
    ("generation outside the folder", _pointer_edit(generation="../../etc")),
    ("generation folder deleted", _generation_gone),
    ("CURRENT is a folder", _pointer_folder),
]


@pytest.mark.parametrize(
    "command",
    [("query", "Turkey"), ("status",), ("status", "--verify"), ("index", "FOLDER")],
    ids=lambda c: " ".join(c),
)
@pytest.mark.parametrize(
    "damage", [c[1] for c in POINTER_DAMAGE], ids=[c[0] for c in POINTER_DAMAGE]
)
def test_damaged_current_pointer_advises_rebuild(seed_index, seed_articles, damage, command):
    damage(seed_index)
    args = [str(seed_articles) if part == "FOLDER" else part for part in command]
    result = invoke(*args, "--index-dir", str(seed_index))
    assert_one_line_error(result, REBUILD)
    assert "unexpected error" not in result.stderr


@pytest.mark.parametrize(
    "damage", [c[1] for c in POINTER_DAMAGE], ids=[c[0] for c in POINTER_DAMAGE]
)
def test_rebuild_repairs_a_damaged_current_pointer(seed_index, seed_articles, damage):
    damage(seed_index)
    result = invoke("index", "--rebuild", str(seed_articles), "--index-dir", str(seed_index))
    assert result.exit_code == 0, result.stderr
    assert_seed_intact(seed_index)
    assert verify(seed_index).exit_code == 0
    assert len(generations(seed_index)) == 1
    assert Path("/etc").is_dir()


def _checksums_garbage(index_dir: Path) -> None:
    (live_generation(index_dir) / "checksums.json").write_text("zz not json")


def _checksums_deleted(index_dir: Path) -> None:
    (live_generation(index_dir) / "checksums.json").unlink()


def _checksum_wrong(index_dir: Path) -> None:
    """The stored fields' digest wrong (a lengths file's is checked by every query too)."""
    path = live_generation(index_dir) / "checksums.json"
    record = json.loads(path.read_text())
    (name,) = [name for name in record["files"] if name.endswith("_stored.col")]
    record["files"][name] = "0" * 64
    path.write_text(json.dumps(record))


@pytest.mark.parametrize(
    "damage",
    [_checksums_garbage, _checksums_deleted, _checksum_wrong],
    ids=["garbage", "deleted", "one digest wrong"],
)
def test_damaged_checksums_make_verify_fail_but_not_queries(seed_index, seed_articles, damage):
    """Without trustworthy checksums, verify cannot vouch for the index: it must not pass."""
    damage(seed_index)
    result = verify(seed_index)
    assert_one_line_error(result, REBUILD)
    assert_seed_intact(seed_index)
    repaired = invoke("index", "--rebuild", str(seed_articles), "--index-dir", str(seed_index))
    assert repaired.exit_code == 0
    assert verify(seed_index).exit_code == 0


def test_verify_passes_on_a_healthy_index_after_many_runs(seed_index, seed_articles):
    for number in range(5):
        (seed_articles / f"n{number}.txt").write_text(
            f"March 4, 2025\nUN story {number} of many.\n"
        )
        assert invoke("index", str(seed_articles), "--index-dir", str(seed_index)).exit_code == 0
    (seed_articles / "n0.txt").unlink()
    assert invoke("index", str(seed_articles), "--index-dir", str(seed_index)).exit_code == 0
    result = verify(seed_index)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert status(seed_index)["articles"] == 5


# Durability: fsync ---------------------------------------------------------------------------


@pytest.fixture
def disk_events(monkeypatch) -> list[tuple[str, str]]:
    """("fsync", path) for every fsync/fdatasync, ("rename", target) for every rename."""
    events: list[tuple[str, str]] = []
    real = {name: getattr(os, name) for name in ("fsync", "fdatasync", "rename", "replace")}

    def syncing(name):
        def sync(descriptor):
            target = descriptor if isinstance(descriptor, int) else descriptor.fileno()
            events.append(("fsync", os.path.realpath(os.readlink(f"/proc/self/fd/{target}"))))
            return real[name](descriptor)

        return sync

    def renaming(name):
        def rename(source, target, *args, **kwargs):
            result = real[name](source, target, *args, **kwargs)
            events.append(("rename", os.path.realpath(os.fsdecode(target))))
            return result

        return rename

    for name in ("fsync", "fdatasync"):
        monkeypatch.setattr(os, name, syncing(name))
    for name in ("rename", "replace"):
        monkeypatch.setattr(os, name, renaming(name))
    return events


def _index_files(generation: Path) -> set[str]:
    """Segment files (MAIN_<id>.*) and TOCs (_MAIN_<gen>.toc), as real paths."""
    tocs = [p for p in generation.glob("_MAIN_*.toc") if p.is_file()]
    return {os.path.realpath(p) for p in [*_segment_files(generation), *tocs]}


def _synced(events) -> set[str]:
    return {path for kind, path in events if kind == "fsync"}


@pytest.mark.parametrize("run", ["first run", "incremental", "rebuild"])
def test_each_run_fsyncs_its_new_files_and_folders(tmp_path, seed_articles, disk_events, run):
    index_dir = tmp_path / "index"
    before: set[str] = set()
    if run != "first run":
        assert invoke("index", str(seed_articles), "--index-dir", str(index_dir)).exit_code == 0
        before = _index_files(live_generation(index_dir))
        (seed_articles / "more.txt").write_text("March 4, 2025\nThe NATO zeppelin landed.\n")
    disk_events.clear()
    args = ["index", str(seed_articles), "--index-dir", str(index_dir)]
    if run == "rebuild":
        args.insert(1, "--rebuild")
    assert invoke(*args).exit_code == 0
    generation = live_generation(index_dir)
    synced = _synced(disk_events)
    new_files = _index_files(generation) - before
    assert new_files
    assert not new_files - synced, sorted(new_files - synced)
    assert os.path.realpath(generation) in synced
    # The last thing made durable in the generation is its folder (the names in it).
    last_generation_sync = max(
        i for i, (kind, path) in enumerate(disk_events) if path == os.path.realpath(generation)
    )
    for i, (kind, path) in enumerate(disk_events):
        if kind == "fsync" and path in new_files:
            assert i < last_generation_sync, path
    if run != "incremental":
        # CURRENT was replaced: its content and the index folder are synced, in that order.
        folder = os.path.realpath(index_dir)
        pointer_syncs = [
            i
            for i, (kind, path) in enumerate(disk_events)
            if kind == "fsync" and Path(path).parent == Path(folder) and "CURRENT" in path
        ]
        folder_syncs = [i for i, (kind, path) in enumerate(disk_events) if path == folder]
        assert pointer_syncs and folder_syncs
        assert max(folder_syncs) > max(pointer_syncs)


def test_incremental_commit_syncs_new_segments_before_publishing_its_toc(
    seed_index, seed_articles, disk_events
):
    """A power cut right after Whoosh renames the new TOC into place must not leave a TOC
    that names segment files whose data never reached the disk: that would damage the
    index and lose what earlier runs committed. So every new segment file must be synced
    before the rename that publishes the TOC naming it."""
    before = _index_files(live_generation(seed_index))
    (seed_articles / "more.txt").write_text("March 4, 2025\nThe NATO zeppelin landed.\n")
    disk_events.clear()
    assert invoke("index", str(seed_articles), "--index-dir", str(seed_index)).exit_code == 0
    generation = live_generation(seed_index)
    new_segments = {os.path.realpath(p) for p in _segment_files(generation)} - before
    # Every kind of file of the new segment is checked, not just one of them.
    assert {_kind(Path(p)) for p in new_segments} == set(SEGMENT_KINDS.values()), new_segments
    publish = [
        i
        for i, (kind, path) in enumerate(disk_events)
        if kind == "rename" and path.endswith(".toc") and Path(path).parent == generation.resolve()
    ]
    assert publish, disk_events
    synced_before = {path for kind, path in disk_events[: publish[-1]] if kind == "fsync"}
    assert not new_segments - synced_before, (
        f"segment files not yet on disk when the TOC was published: "
        f"{sorted(new_segments - synced_before)}"
    )
