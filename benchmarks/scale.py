"""Figures at archive scale (issue 26): one size, every measure, one Markdown table.

Usage (from the repository root, with the project installed in .venv):

    .venv/bin/python benchmarks/scale.py 1M --workdir /tmp/scale --label before
    .venv/bin/python benchmarks/scale.py --render /tmp/scale/200k-before.json \
        /tmp/scale/1m-before.json

For one corpus size (`corpus.py`, seed 0; written once under WORKDIR/corpus-SIZE and reused
by later runs: the generator is seeded, and the files the 1% re-index revises are put back,
bytes and mtime, when the run ends), in this order:

1. cold `search index` into a fresh WORKDIR/index-SIZE-LABEL: wall time, CPU of the whole
   process tree (user + system from `os.wait4`: the command and the workers it reaped),
   peak RSS of the largest process and peak summed PSS of the tree (`wrapper.py`), and the
   index's size; every minute the log says how far it got (seconds, index folder MB, load);
2. each query row of `run.py` as a `search query` process (median of `--repeat`,
   interleaved run by run with the import floor) and in-process (`searching.find`, the
   index opened on every call as a process would, p50/p95 of `--runs` calls);
3. `trend government --by month`, `words government` and `--scope article` of three words:
   as a process (median of `--repeat`) and in-process, the first call on a freshly opened
   index (`cold`) and later calls on the same open index (`warm`, the server's case);
4. `search serve` with 1 and 4 concurrent clients (`serve.py`: single words and the phrase
   `"peace talks"` among its queries): p50/p95;
5. re-index of the unchanged corpus, then after 1% of the files changed: wall and CPU.

Every step's figures are written to WORKDIR/SIZE-LABEL.json as soon as they exist, with
the load average (`uptime`) at the start and end of each step, so a run that is stopped
still says how far it got; `--resume` skips the steps already in that file. The Markdown
goes to stdout at the end; `--render` prints it for one or more JSON files side by side.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import corpus  # noqa: E402
from measure import ProcessRun, folder_size, percentile, run_process  # noqa: E402
from run import (  # noqa: E402
    CHANGED_FRACTION,
    FLOOR_IMPORTS,
    MB,
    QUERIES,
    machine,
    parse_size,
    search_command,
    table,
)

COMMON_WORD = "government"
SCOPE_QUERY = "sanctions pipeline referendum"
SERVE_CLIENTS = "1,4"
SERVE_PHRASE = "q=%22peace+talks%22"
PROGRESS_SECONDS = 60.0
MEMORY_SAMPLE_SECONDS = 0.2
STEPS = ("cold", "queries", "analysis", "serve", "reindex")


def log(message: str) -> None:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%H:%M:%S")
    print(f"{stamp} {message}", file=sys.stderr, flush=True)


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as `uptime` shows them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class Results:
    """The figures of one run, saved to JSON after every step."""

    def __init__(self, path: Path, resume: bool) -> None:
        self.path = path
        self.data: dict = json.loads(path.read_text()) if resume and path.exists() else {}
        self.data.setdefault("steps", {})

    def has(self, step: str) -> bool:
        return step in self.data["steps"]

    def save(self, step: str, figures: dict) -> None:
        self.data["steps"][step] = figures
        self.write()

    def write(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=2) + "\n")


def step(results: Results, name: str, work: Callable[[], dict]) -> None:
    if results.has(name):
        log(f"{name}: already measured, skipped (--resume)")
        return
    log(f"{name}: start (load {load()})")
    started, load_before = now(), load()
    figures = work()
    figures.update(started=started, load_start=load_before, ended=now(), load_end=load())
    results.save(name, figures)
    log(f"{name}: done (load {load()})")


# Corpus --------------------------------------------------------------------------------


def ensure_corpus(folder: Path, size: int, seed: int) -> dict:
    """The corpus of `size` sentences in `folder`, written unless it is already there."""
    marker = folder / ".corpus.json"
    if marker.exists():
        return json.loads(marker.read_text())
    if folder.exists():
        shutil.rmtree(folder)
    log(f"writing the corpus of {size:,} sentences into {folder} ...")
    started = time.perf_counter()
    summary = corpus.generate(folder, size, seed)
    figures = {
        "articles": summary.articles,
        "sentences": summary.sentences,
        "mb": summary.bytes / MB,
        "seed": seed,
        "seconds": time.perf_counter() - started,
    }
    marker.write_text(json.dumps(figures))
    return figures


class Revised:
    """Files changed for the 1% re-index, put back (bytes and mtime) when done."""

    def __init__(self, folder: Path, fraction: float) -> None:
        files = sorted(folder.glob("*.txt"))
        count = max(1, round(len(files) * fraction))
        step_size = len(files) / count
        self.files = [files[math.floor(number * step_size)] for number in range(count)]
        self.saved: list[tuple[Path, bytes, int, int]] = []

    def __enter__(self) -> Revised:
        for path in self.files:
            status = path.stat()
            self.saved.append((path, path.read_bytes(), status.st_atime_ns, status.st_mtime_ns))
            corpus.revise_article(path)
        return self

    def __exit__(self, *exc_info) -> None:
        for path, data, atime, mtime in self.saved:
            path.write_bytes(data)
            os.utime(path, ns=(atime, mtime))


# Indexing ------------------------------------------------------------------------------


class Progress(threading.Thread):
    """Logs, every PROGRESS_SECONDS, how long indexing has run and how big the index is."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(daemon=True)
        self.index_dir = index_dir
        self.stopped = threading.Event()
        self.started = time.perf_counter()

    def run(self) -> None:
        while not self.stopped.wait(PROGRESS_SECONDS):
            size = folder_size(self.index_dir) / MB if self.index_dir.exists() else 0.0
            elapsed = time.perf_counter() - self.started
            log(f"  indexing: {elapsed:,.0f} s, index folder {size:,.0f} MB, load {load()}")


def index_run(search: str, corpus_dir: Path, index_dir: Path, progress: bool = False) -> dict:
    argv = [search, "index", str(corpus_dir), "--index-dir", str(index_dir)]
    monitor = Progress(index_dir) if progress else None
    if monitor:
        monitor.start()
    try:
        run = run_process(argv, sample=MEMORY_SAMPLE_SECONDS).check()
    finally:
        if monitor:
            monitor.stopped.set()
    return {
        "wall_s": run.seconds,
        "cpu_s": run.cpu_seconds,
        "rss_mb": run.max_rss_mb,
        "tree_pss_mb": run.tree_pss_mb,
        "summary": run.stderr.strip()[-300:],
    }


def cold_index(search: str, corpus_dir: Path, index_dir: Path) -> dict:
    if index_dir.exists():
        shutil.rmtree(index_dir)
    figures = index_run(search, corpus_dir, index_dir, progress=True)
    figures["index_mb"] = folder_size(index_dir) / MB
    return figures


def reindex(search: str, corpus_dir: Path, index_dir: Path) -> dict:
    unchanged = index_run(search, corpus_dir, index_dir)
    revised = Revised(corpus_dir, CHANGED_FRACTION)
    with revised:
        changed = index_run(search, corpus_dir, index_dir)
    changed["files"] = len(revised.files)
    return {"unchanged": unchanged, "changed": changed, "index_mb": folder_size(index_dir) / MB}


# Processes and calls -------------------------------------------------------------------


def process_figures(runs: list[ProcessRun]) -> dict:
    return {
        "wall_ms": statistics.median(run.seconds for run in runs) * 1000,
        "cpu_ms": statistics.median(run.cpu_seconds for run in runs) * 1000,
        "rss_mb": max(run.max_rss_mb for run in runs),
        "status": runs[-1].status,
        "stderr": runs[-1].stderr.strip()[-200:] if runs[-1].status else "",
    }


def repeated(argv: list[str], repeat: int) -> dict:
    """Median of `repeat` runs of a process, after one warm-up run."""
    runs = [run_process(argv) for _ in range(repeat + 1)][1:]
    return process_figures(runs)


def timed_calls(call: Callable[[], object], runs: int) -> dict:
    """p50/p95 wall and p50 CPU of `runs` calls, after one warm-up call."""
    call()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {
        "p50_ms": percentile(walls, 0.5),
        "p95_ms": percentile(walls, 0.95),
        "cpu_p50_ms": percentile(cpus, 0.5),
    }


def query_rows(search: str, index_dir: Path, repeat: int, runs: int) -> dict:
    """Each query of run.py as a process (interleaved with the floor) and in-process."""
    from search.engine.query import parse_query
    from search.engine.searching import count, find
    from search.errors import SearchError

    floor_argv = [sys.executable, "-c", FLOOR_IMPORTS]
    floor: list[ProcessRun] = []
    processes: dict[str, list[ProcessRun]] = {query.name: [] for query in QUERIES}
    for round_number in range(repeat + 1):  # round 0 warms the caches and is not counted
        run = run_process(floor_argv).check()
        if round_number:
            floor.append(run)
        for query in QUERIES:
            argv = [search, "query", query.ours, "--index-dir", str(index_dir), "-n", "10"]
            run = run_process([*argv, "--json"])
            if round_number:
                processes[query.name].append(run)
    rows = []
    for query in QUERIES:
        row = {"name": query.name, "query": query.ours}
        row["process"] = process_figures(processes[query.name])
        try:
            parsed = parse_query(query.ours)
            row["hits"] = count(index_dir, parsed)
            row["in_process"] = timed_calls(lambda p=parsed: find(index_dir, p, limit=10), runs)
        except SearchError as error:
            row["refused"] = str(error)
        rows.append(row)
        log(f"  {query.ours}: {row['process']['wall_ms']:.0f} ms process")
    return {"floor": process_figures(floor), "rows": rows}


def cold_and_warm(index_dir: Path, work: Callable, runs: int) -> dict:
    """`work(index)` on a freshly opened index, then `runs` times on the same one, each
    without the matches the open index kept from the call before."""
    from search.index import Index

    with Index.open(index_dir, budget=None) as index:
        started = time.perf_counter()
        result = work(index)
        cold = (time.perf_counter() - started) * 1000

        def anew() -> object:
            index.reader._matches = None
            return work(index)

        figures = timed_calls(anew, runs)
    figures["cold_ms"] = cold
    figures["found"] = found(result)
    return figures


def found(result: object) -> int | None:
    """How many sentences an answer, a trend or a words result counted, if it says."""
    buckets = getattr(result, "buckets", None)
    if buckets is not None:
        return sum(bucket.sentences for bucket in buckets)
    for name in ("total", "matches"):
        value = getattr(result, name, None)
        if isinstance(value, int):
            return value
    return None


def analysis(search: str, index_dir: Path, repeat: int, runs: int) -> dict:
    """trend by month and words of a common word, and --scope article of three words."""
    from search.index import Options

    where = ["--index-dir", str(index_dir)]
    article = Options(limit=10, scope="article")
    measures = {
        "trend": (
            [search, "trend", COMMON_WORD, "--by", "month", *where],
            lambda index: index.trend([COMMON_WORD], "month"),
        ),
        "words": (
            [search, "words", COMMON_WORD, *where],
            lambda index: index.words(COMMON_WORD),
        ),
        "scope": (
            [search, "query", "--scope", "article", SCOPE_QUERY, "-n", "10", "--json", *where],
            lambda index: index.answer(SCOPE_QUERY, article),
        ),
    }
    figures = {}
    for name, (argv, work) in measures.items():
        log(f"  {name} ...")
        figures[name] = {
            "process": repeated(argv, repeat),
            "in_process": cold_and_warm(index_dir, work, runs),
        }
    return figures


def serve(index_dir: Path, requests: int, out: Path) -> dict:
    argv = [
        sys.executable, str(BENCH_DIR / "serve.py"), "--index-dir", str(index_dir),
        "--clients", SERVE_CLIENTS, "--requests", str(requests), "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"failed": done.stderr.strip()[-500:]}
    return json.loads(out.read_text())


# Report --------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def secs(value: float) -> str:
    return f"{value:,.0f} s" if value >= 100 else f"{value:.1f} s"


def cells(runs: list[dict], step_name: str, cell: Callable[[dict], str]) -> list[str]:
    out = []
    for run in runs:
        figures = run["steps"].get(step_name)
        try:
            out.append(cell(figures) if figures else "not run")
        except (KeyError, TypeError, ZeroDivisionError):
            out.append("-")
    return out


def indexing_table(runs: list[dict]) -> str:
    def reindexed(part: str) -> list[str]:
        """Wall (as a share of the run's cold wall) and CPU of one re-index."""
        shown = []
        for run in runs:
            figures, cold = run["steps"].get("reindex"), run["steps"].get("cold")
            if not (figures and cold):
                shown.append("not run")
                continue
            part_figures = figures[part]
            files = part_figures.get("files")
            note = f" [{files:,} files]" if files else ""
            shown.append(
                f"{secs(part_figures['wall_s'])} wall "
                f"({part_figures['wall_s'] / cold['wall_s']:.1%} of cold), "
                f"{secs(part_figures['cpu_s'])} CPU{note}"
            )
        return shown

    rows = [
        ["corpus: articles, sentences, MB", *[
            f"{r['corpus']['articles']:,}, {r['corpus']['sentences']:,}, {r['corpus']['mb']:.0f} MB"
            for r in runs]],
        ["cold index: load at start / end", *cells(runs, "cold",
            lambda f: f"{f['load_start'].split()[0]} / {f['load_end'].split()[0]}")],
        ["**cold `search index`: wall**", *cells(runs, "cold", lambda f: secs(f["wall_s"]))],
        ["cold index: CPU of the process tree", *cells(runs, "cold", lambda f: secs(f["cpu_s"]))],
        ["sentences per CPU second", *[
            cells([r], "cold", lambda f, r=r: f"{r['corpus']['sentences'] / f['cpu_s']:,.0f}")[0]
            for r in runs]],
        ["**peak memory**: largest process RSS / process tree PSS", *cells(runs, "cold",
            lambda f: f"{f['rss_mb']:.0f} / {f['tree_pss_mb']:.0f} MB")],
        ["index size", *cells(runs, "cold", lambda f: f"{f['index_mb']:,.0f} MB")],
        ["bytes of index per sentence", *[
            cells([r], "cold", lambda f, r=r:
                  f"{f['index_mb'] * MB / r['corpus']['sentences']:,.0f}")[0] for r in runs]],
        ["re-index, unchanged", *reindexed("unchanged")],
        ["re-index, 1% of files changed", *reindexed("changed")],
        ["re-index: load at start / end", *cells(runs, "reindex",
            lambda f: f"{f['load_start'].split()[0]} / {f['load_end'].split()[0]}")],
    ]  # fmt: skip
    return table(["", *[label(r) for r in runs]], rows)


def query_table(runs: list[dict]) -> str:
    """One row per query: process wall (x floor, CPU), in-process p50 / p95, hits."""

    def row_of(figures: dict, name: str) -> dict | None:
        return next((row for row in figures["rows"] if row["name"] == name), None)

    def cell(name: str) -> Callable[[dict], str]:
        def shown(figures: dict) -> str:
            row, floor = row_of(figures, name), figures["floor"]
            if row is None:  # a run from before the row was added
                return "-"
            if "refused" in row:
                return f"refused: {row['refused']}"
            process = row["process"]
            status = "" if process["status"] in (0, 1) else f", exit {process['status']}"
            inside = row["in_process"]
            return (
                f"{ms(process['wall_ms'])} ms ({process['wall_ms'] / floor['wall_ms']:.1f}x), "
                f"CPU {ms(process['cpu_ms'])} ms ({process['cpu_ms'] / floor['cpu_ms']:.1f}x)"
                f"{status}; {ms(inside['p50_ms'])} / {ms(inside['p95_ms'])} ms; "
                f"{row['hits']:,}"
            )

        return shown

    rows = [
        ["import floor: process wall (CPU)", *cells(runs, "queries",
            lambda f: f"{ms(f['floor']['wall_ms'])} ms ({ms(f['floor']['cpu_ms'])} ms)")],
        ["queries: load at start / end", *cells(runs, "queries",
            lambda f: f"{f['load_start'].split()[0]} / {f['load_end'].split()[0]}")],
    ]  # fmt: skip
    rows += [[f"{q.name}: `{q.ours}`", *cells(runs, "queries", cell(q.name))] for q in QUERIES]
    return table(["query", *[label(r) for r in runs]], rows)


def analysis_table(runs: list[dict]) -> str:
    def cell(name: str) -> Callable[[dict], str]:
        def shown(figures: dict) -> str:
            process, inside = figures[name]["process"], figures[name]["in_process"]
            status = "" if process["status"] in (0, 1) else f", exit {process['status']}"
            return (
                f"{ms(process['wall_ms'])} ms{status}; {ms(inside['cold_ms'])} ms; "
                f"{ms(inside['p50_ms'])} / {ms(inside['p95_ms'])} ms"
            )

        return shown

    def serve_cell(clients: int, which: str) -> Callable[[dict], str]:
        def shown(figures: dict) -> str:
            if "failed" in figures:
                return f"failed: {figures['failed'][-120:]}"
            level = next(level for level in figures["levels"] if level["clients"] == clients)
            if which == "single":
                p50, p95 = level["single_word_p50_ms"], level["single_word_p95_ms"]
            elif which == "phrase":
                p50, p95 = level["by_query"][SERVE_PHRASE]
            else:
                p50, p95 = level["p50_ms"], level["p95_ms"]
            return f"{ms(p50)} / {ms(p95)} ms"

        return shown

    def serve_extra(clients: int) -> Callable[[dict], str]:
        def shown(figures: dict) -> str:
            level = next(level for level in figures["levels"] if level["clients"] == clients)
            return f"{level['requests_per_s']} req/s, {level['not_200']} not 200"

        return shown

    rows = [
        ["`trend government --by month`", *cells(runs, "analysis", cell("trend"))],
        ["`words government`", *cells(runs, "analysis", cell("words"))],
        [f"`--scope article` `{SCOPE_QUERY}`", *cells(runs, "analysis", cell("scope"))],
        ["analysis: load at start / end", *cells(runs, "analysis",
            lambda f: f"{f['load_start'].split()[0]} / {f['load_end'].split()[0]}")],
    ]  # fmt: skip
    for clients in (1, 4):
        rows += [
            [f"serve, {clients} client(s): single words p50 / p95",
             *cells(runs, "serve", serve_cell(clients, "single"))],
            [f"serve, {clients} client(s): `\"peace talks\"` p50 / p95",
             *cells(runs, "serve", serve_cell(clients, "phrase"))],
            [f"serve, {clients} client(s): all 10 queries p50 / p95",
             *cells(runs, "serve", serve_cell(clients, "all"))],
            [f"serve, {clients} client(s): throughput, answers not 200",
             *cells(runs, "serve", serve_extra(clients))],
        ]  # fmt: skip
    rows += [
        ["serve: server RSS after", *cells(runs, "serve", lambda f: f"{f['rss_mb_after']:.0f} MB")],
        ["serve: load at start / end", *cells(runs, "serve",
            lambda f: f"{f['load_start'].split()[0]} / {f['load_end'].split()[0]}")],
    ]  # fmt: skip
    return table(["measure", *[label(r) for r in runs]], rows)


def label(run: dict) -> str:
    return f"{run['size']:,} {run['label']}".strip()


def render(runs: list[dict]) -> str:
    when = ", ".join(
        f"{label(run)}: {run['started']} to {run.get('ended', 'not finished')}" for run in runs
    )
    return "\n\n".join(
        [
            f"Runs: {when}  \nMachine: {runs[0]['machine']}",
            "Indexing, memory, size, re-index:\n\n" + indexing_table(runs),
            "Queries: `search query` process wall and CPU (x the import floor's); in-process "
            "p50 / p95 (`searching.find`, index opened per call); hits:\n\n" + query_table(runs),
            "Trend, words, article scope: process wall (median); in-process first call on a "
            "fresh index; warm p50 / p95 on the open index. `search serve` over 10 queries "
            "(`serve.py`):\n\n" + analysis_table(runs),
        ]
    )


# Command line --------------------------------------------------------------------------


def measure_size(args: argparse.Namespace) -> Path:
    size = parse_size(args.size)
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    name = f"{args.size.lower()}-{args.label}" if args.label else args.size.lower()
    results = Results(work / f"{name}.json", args.resume)
    corpus_dir = args.corpus or work / f"corpus-{args.size.lower()}"
    index_dir = work / f"index-{name}"
    search = search_command()
    results.data.update(size=size, label=args.label, machine=machine(), search=search)
    results.data.setdefault("started", now())
    results.data["corpus"] = ensure_corpus(corpus_dir, size, args.seed)
    results.data.pop("ended", None)
    step(results, "cold", lambda: cold_index(search, corpus_dir, index_dir))
    step(results, "queries", lambda: query_rows(search, index_dir, args.repeat, args.runs))
    step(results, "analysis", lambda: analysis(search, index_dir, args.repeat, args.runs))
    serve_json = work / f"{name}-serve.json"
    step(results, "serve", lambda: serve(index_dir, args.requests, serve_json))
    step(results, "reindex", lambda: reindex(search, corpus_dir, index_dir))
    results.data["ended"] = now()
    results.write()
    return results.path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", help="sentences: 200k, 1M, 2.5M")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/scale"))
    parser.add_argument("--label", default="", help="names this run's files, e.g. before")
    parser.add_argument(
        "--corpus", type=Path, help="the corpus folder (default WORKDIR/corpus-SIZE)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each process (median)")
    parser.add_argument("--runs", type=int, default=10, help="in-process calls (p50/p95)")
    parser.add_argument("--requests", type=int, default=200, help="serve requests per level")
    parser.add_argument("--resume", action="store_true", help="skip steps already measured")
    parser.add_argument("--render", type=Path, nargs="+", metavar="JSON", help="only print")
    args = parser.parse_args(argv)
    if args.render:
        paths = args.render
    elif args.size:
        paths = [measure_size(args)]
    else:
        parser.error("give a size (e.g. 1M) or --render JSON...")
    print(render([json.loads(path.read_text()) for path in paths]), flush=True)


if __name__ == "__main__":
    main()
