"""Cold index time per sentence: a fresh index of a folder, in one process, best of --runs.

    python benchmarks/index_cost.py FOLDER [--runs 3]
    PYTHONPATH=/path/to/other/checkout python benchmarks/index_cost.py FOLDER   # "before"

The code measured is whichever `search` package Python imports first (PYTHONPATH wins over
the installed one), so the same command times two checkouts on the same files. Each run
builds a new index in a temporary folder with one writer (`jobs=1`), so the figure is the
reading, splitting, identifying and analysing of every sentence plus the commit. CPU time
(this process's) is printed beside wall time: on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

try:
    from search.engine.indexer import update_index
except ImportError:  # a checkout from before the package layout (issue 25)
    from search.indexer import update_index  # type: ignore[no-redef]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    best, best_cpu, sentences = float("inf"), float("inf"), 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as where:
            started, cpu = time.perf_counter(), time.process_time()
            report = update_index(Path(where) / "index", [args.folder], jobs=1)
            best = min(best, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - cpu)
            sentences = report.sentences
    import search

    print(
        f"{search.__file__}: {sentences} sentences, best {best:.2f} s wall "
        f"({best / sentences * 1e6:.0f} us per sentence), {best_cpu:.2f} s CPU "
        f"({best_cpu / sentences * 1e6:.0f} us per sentence)"
    )


if __name__ == "__main__":
    main()
