"""The slowest of a set of generated queries, run as `search query` runs them.

Queries are drawn (seeded, so before and after see the same ones) from the pieces of
the query language that can expand or loop: wildcards, prefixes, ranges on any field,
fuzzy words, operators, long runs of short unknown words (the did-you-mean path) and
huge `-C` contexts. Each runs as its own `python -m search query` process, killed after
`--kill-after` seconds, so that code without budgets can be measured too::

    .venv/bin/python benchmarks/budgets.py --index-dir /tmp/bi20k
    PYTHONPATH=/tmp/old-tree .venv/bin/python benchmarks/budgets.py --index-dir /tmp/bi20k

The exit status of each query is shown: 0 or 1 answered, 2 refused or stopped.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

PIECES = [
    "Turkey", "peace*", "t*", "*e*", "**", "x?", "peacekepping~2", "text:[a TO]",
    "unknown:[a TO]", "words:[a TO]", "acronyms:[a TO]", "article:[a TO]",
    "date:[2020-01-01 TO]", "AND", "OR", "NOT", "-Turkey", '"Turkey troops"~3', "US",
]  # fmt: skip
CONSONANTS = "bcdfghjklmnpqvwxz"


def unknown_words(rng: random.Random, length: int) -> str:
    words: list[str] = []
    while sum(len(word) + 1 for word in words) < length - 6:
        words.append("".join(rng.choice(CONSONANTS) for _ in range(rng.randint(3, 5))))
    return " ".join(words)


def generated(count: int, seed: int) -> list[tuple[str, list[str]]]:
    """`count` (query, options) pairs; the same for the same seed."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        shape = rng.random()
        if shape < 0.2:
            query = unknown_words(rng, rng.choice([200, 1000, 2000]))
        else:
            query = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4)))
        options = rng.choice([[], ["-c"], ["-l"], ["-C", "1000000000", "-n", "3"], ["--any"]])
        found.append((query, options))
    return found


def run(index_dir: str, query: str, options: list[str], kill_after: float) -> tuple[float, str]:
    command = [sys.executable, "-m", "search", "query", *options, query, "--index-dir", index_dir]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=kill_after,
            env=os.environ.copy(),
            cwd=tempfile.gettempdir(),  # not the repository: `-m` would import its search/
            check=False,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, f"killed after {kill_after:g} s"
    return time.perf_counter() - started, f"exit {done.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--kill-after", type=float, default=60.0)
    parser.add_argument("--show", type=int, default=5, help="how many of the slowest to print")
    args = parser.parse_args()
    timings = []
    for query, options in generated(args.queries, args.seed):
        seconds, outcome = run(args.index_dir, query, options, args.kill_after)
        timings.append((seconds, query, options, outcome))
    timings.sort(reverse=True)
    print(f"{len(timings)} queries; the {args.show} slowest:")
    for seconds, query, options, outcome in timings[: args.show]:
        shown = query if len(query) <= 50 else f"{query[:40]}... ({len(query)} chars)"
        print(f"  {seconds:7.2f} s  {outcome:<22} {' '.join(options):<24} {shown}")


if __name__ == "__main__":
    main()
