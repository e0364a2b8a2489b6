"""CPU time of `search query` processes for misses, two installed versions interleaved.

A miss asks the most of one answer: the hits, the did-you-mean (its candidates and the count
of its correction), the `--any` count and `--scope article`'s note. Each run starts one
`search query QUERY --index-dir INDEX` process of each version, in alternating order, and
reads its user + system CPU time from `os.wait4` (wall time too, which load moves more):

    .venv/bin/python benchmarks/misses.py --before /work/main/.venv/bin/search \\
        --after .venv/bin/search --index /tmp/bench/index --runs 21 \\
        'govenment minster' 'zorblat quixotrell' 'U.S. trade deficit'

Prints one Markdown row per query and version: the median and best CPU, the median wall.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time


def run(binary: str, query: str, index: str) -> tuple[float, float]:
    """One process's CPU seconds (user + system) and wall seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [binary, "query", query, "--index-dir", index],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, _status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the `search` executable before")
    parser.add_argument("--after", required=True, help="the `search` executable after")
    parser.add_argument("--index", required=True, help="an index both versions read")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    versions = {"before": args.before, "after": args.after}
    print("| query | version | CPU median | CPU best | wall median |")
    print("|---|---|---|---|---|")
    for query in args.queries:
        cpu: dict[str, list[float]] = {name: [] for name in versions}
        wall: dict[str, list[float]] = {name: [] for name in versions}
        for number in range(args.runs):
            order = list(versions) if number % 2 == 0 else list(reversed(versions))
            for name in order:
                seconds, waited = run(versions[name], query, args.index)
                cpu[name].append(seconds)
                wall[name].append(waited)
        for name in versions:
            median, best = statistics.median(cpu[name]), min(cpu[name])
            waited = statistics.median(wall[name])
            print(
                f"| `{query}` | {name} | {median * 1000:.0f} ms | {best * 1000:.0f} ms "
                f"| {waited * 1000:.0f} ms |"
            )


if __name__ == "__main__":
    main()
