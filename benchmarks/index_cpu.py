"""Cold `search index` of two installs against plain one-field Whoosh, interleaved (issue 26).

On a shared machine wall time moves with other jobs' load; CPU time (user + system of the
whole process tree: the parent and every worker it reaped) moves much less. Each round runs
each command once, one after another: a cold `search index` by each `search` executable given
(e.g. a virtual environment of main, and this tree's), and `baselines.py whoosh1` (one
stemmed field, one writer) on the same sentences, pre-split into a JSON Lines file.

Usage: python benchmarks/index_cpu.py CORPUS --search A/bin/search --search B/bin/search
           [--rounds 3] [--sentences S.jsonl]
Prints one Markdown table: per command, the median CPU seconds and wall seconds, and the
ratio of CPU to the plain-Whoosh process's CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def run_cpu(argv: list[str]) -> tuple[float, float, str]:
    """CPU seconds (user + system of the process tree), wall seconds and stdout of `argv`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} exit {done.returncode}: {done.stderr.strip()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--search", action="append", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sentences", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="index-cpu-"))
    try:
        sentences = args.sentences or presplit(args.corpus, work / "sentences.jsonl")
        figures: dict[str, list[tuple[float, float]]] = {}
        for round_ in range(args.rounds):
            for number, search in enumerate(args.search):
                target = work / f"index-{number}"
                shutil.rmtree(target, ignore_errors=True)
                argv = [str(search), "index", str(args.corpus), "--index-dir", str(target)]
                cpu, wall, _ = run_cpu(argv)
                figures.setdefault(str(search), []).append((cpu, wall))
                print(
                    f"round {round_ + 1}: {search}: {cpu:.2f} s CPU, {wall:.2f} s", file=sys.stderr
                )
            shutil.rmtree(work / "whoosh1", ignore_errors=True)
            baseline = [sys.executable, str(BENCH_DIR / "baselines.py"), "whoosh1"]
            cpu, wall, out = run_cpu([*baseline, str(sentences), str(work / "whoosh1")])
            timed = json.loads(out)["seconds"]
            figures.setdefault("whoosh1", []).append((cpu, wall))
            figures.setdefault("whoosh1 timed", []).append((timed, timed))
            print(f"round {round_ + 1}: whoosh1: {cpu:.2f} s CPU, {wall:.2f} s", file=sys.stderr)
        print(table(figures, os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def presplit(corpus: Path, out: Path) -> Path:
    sys.path.insert(0, str(BENCH_DIR))
    from run import write_presplit

    write_presplit(corpus, out)
    return out


def table(figures: dict[str, list[tuple[float, float]]], load: tuple[float, ...]) -> str:
    floor = statistics.median(cpu for cpu, _ in figures["whoosh1"])
    lines = [
        f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
        "",
        "| command | CPU s (median) | wall s (median) | CPU / whoosh1 process CPU |",
        "|---|---:|---:|---:|",
    ]
    for name, runs in figures.items():
        cpu = statistics.median(run[0] for run in runs)
        wall = statistics.median(run[1] for run in runs)
        lines.append(f"| {name} | {cpu:.2f} | {wall:.2f} | {cpu / floor:.2f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
