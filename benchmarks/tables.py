"""CPU time to build the document -> article tables of one open snapshot (issue 25).

    .venv/bin/python benchmarks/corpus.py /tmp/c20k --sentences 20000
    .venv/bin/search index /tmp/c20k --index-dir /tmp/i20k
    .venv/bin/python benchmarks/tables.py /tmp/i20k --runs 9

`owners`: the table `--scope article` combines articles with; `columns`: the dates,
sources and stories `search trend` counts with; `both`: a page that asks an article-scope
search and then the trend on one open index. Each measure opens a fresh index (medians of
CPU milliseconds, which other jobs on the machine disturb less than wall time).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.engine.searching import SearchIndex  # noqa: E402


def cpu_ms(work) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    found: dict[str, list[float]] = {"owners": [], "columns": [], "both": []}
    for _ in range(args.runs):
        for name, times in found.items():
            with SearchIndex.open(args.index_dir, budget=None) as index:
                work = {
                    "owners": index.owners,
                    "columns": index.columns,
                    "both": lambda index=index: (index.owners(), index.columns()),
                }[name]
                times.append(cpu_ms(work))
    print({name: round(statistics.median(times), 1) for name, times in found.items()})


if __name__ == "__main__":
    main()
