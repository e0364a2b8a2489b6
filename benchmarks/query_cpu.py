"""`search query` processes of one or more installs against the import floor, interleaved.

`run.py` times each query process by its wall time, which on a shared 2-core machine moves
with other jobs' load. This times the same rows (`run.QUERIES`, `-n 10 --json`) on an index
that already exists, by CPU time (user + system, from `os.wait4`) as well as wall time, and
interleaves everything run by run: each round runs the floor (`python -c "import
whoosh.index, whoosh.qparser, click"`) and then every query by every `search` given (e.g. a
virtual environment of main, and this tree's), so a burst of load hits all of them alike.

Usage: python benchmarks/query_cpu.py INDEX_DIR --search A/bin/search [--search B/bin/search]
           [--rounds 15] [--compile] [--analysis]
With --compile, each install's `search` package is compiled to bytecode first, as
`pip install` does (see run.py's Method). With --analysis, the rows are scale.py's analysis
commands instead (`trend government --by month`, `words government`, `--scope article` of
three words: issue 26); their first round (not counted) keeps each install's per-snapshot
files. Prints one Markdown table: per query and install, the median CPU and wall
milliseconds and their ratios to the floor's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import FLOOR_IMPORTS, QUERIES  # noqa: E402
from scale import COMMON_WORD, SCOPE_QUERY  # noqa: E402

# (name, shown, the arguments after `search`) of each row.
Row = tuple[str, str, list[str]]
ANALYSIS: list[Row] = [
    ("trend", f"trend {COMMON_WORD} --by month", ["trend", COMMON_WORD, "--by", "month"]),
    ("words", f"words {COMMON_WORD}", ["words", COMMON_WORD]),
    (
        "scope",
        f"query --scope article {SCOPE_QUERY}",
        ["query", "--scope", "article", SCOPE_QUERY, "-n", "10", "--json"],
    ),
]
QUERY_ROWS: list[Row] = [
    (query.name, query.ours, ["query", query.ours, "-n", "10", "--json"]) for query in QUERIES
]


def timed(argv: list[str]) -> tuple[float, float]:
    """CPU and wall milliseconds of one process (its output thrown away)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)}: exit {os.waitstatus_to_exitcode(status)}")
    return (usage.ru_utime + usage.ru_stime) * 1000, wall * 1000


def interpreter_of(search: Path) -> str:
    """The Python a console script runs (its `#!` line)."""
    first = search.read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("#!").strip()


def compile_package(search: Path) -> None:
    code = (
        "import compileall, os, search; "
        "compileall.compile_dir(os.path.dirname(search.__file__), quiet=1)"
    )
    # -I: not the `search` of the current folder (`-c` puts it first on the path), the install's
    subprocess.run([interpreter_of(search), "-I", "-c", code], check=True)


def median_pair(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--search", action="append", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--analysis", action="store_true")
    args = parser.parse_args()
    if args.compile:
        for search in args.search:
            compile_package(search)
    rows = ANALYSIS if args.analysis else QUERY_ROWS
    floor_argv = [interpreter_of(args.search[0]), "-c", FLOOR_IMPORTS]
    floor: list[tuple[float, float]] = []
    runs: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for round_number in range(args.rounds + 1):  # round 0 warms the caches, not counted
        figures = [timed(floor_argv)]
        for _name, _shown, words in rows:
            for search in args.search:
                figures.append(timed([str(search), *words, "--index-dir", str(args.index)]))
        if round_number:
            floor.append(figures[0])
            keys = [(name, n) for name, _shown, _words in rows for n in range(len(args.search))]
            for key, figure in zip(keys, figures[1:], strict=True):
                runs.setdefault(key, []).append(figure)
    floor_cpu, floor_wall = median_pair(floor)
    rounds = args.rounds
    print(f"Import floor: {floor_cpu:.0f} ms CPU, {floor_wall:.0f} ms wall ({rounds} rounds)\n")
    header = ["query"]
    for number, _search in enumerate(args.search):
        header += [f"[{number}] CPU ms", f"[{number}] CPU / floor", f"[{number}] wall / floor"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, shown, _words in rows:
        cells = [f"{name}: `{shown}`"]
        for number in range(len(args.search)):
            cpu, wall = median_pair(runs[(name, number)])
            cells += [f"{cpu:.0f}", f"{cpu / floor_cpu:.2f}x", f"{wall / floor_wall:.2f}x"]
        print("| " + " | ".join(cells) + " |")
    for number, search in enumerate(args.search):
        print(f"\n[{number}] {search}")


if __name__ == "__main__":
    main()
