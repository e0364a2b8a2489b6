"""What stories cost (issue 19): indexing with and without grouping, and collapsed queries.

Usage (from the repository root, with the project installed in .venv):

    .venv/bin/python benchmarks/stories.py --sizes 20000 --before /tmp/previous-checkout

For each size it writes the benchmark corpus (`corpus.py`, seed 0) and, in a fresh process
per run (the code under test is put first on PYTHONPATH):

- a cold `update_index` of the corpus with this checkout, and with `--before` (a checkout of
  the version before stories: `git archive COMMIT | tar -x -C DIR`) if given; the index size
  on disk; for this checkout, the time spent grouping articles (`stories.describe`, which
  shingles, signs and looks up each article, and building the grouping of indexed ones);
- a re-index after 1% of the files changed (`corpus.revise_article`), against the cold time;
- in-process, the top 10 of each `run.py` query with copies collapsed (the default) against
  `--copies` (every copy, the code path of the version before), the median of `--runs`
  interleaved calls each, on one open index.

Nothing here asserts a time: the machine is shared, so ratios measured moments apart are what
to read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import corpus  # noqa: E402
from measure import folder_size, median  # noqa: E402
from run import QUERIES, parse_size  # noqa: E402

_INDEX = """
import json, sys, time
from pathlib import Path
from search.engine import indexer
grouping = [0.0]
if hasattr(indexer, "describe"):
    real_describe, real_of = indexer.describe, indexer.Grouping.of.__func__
    def describe(*args):
        started = time.perf_counter()
        try:
            return real_describe(*args)
        finally:
            grouping[0] += time.perf_counter() - started
    def of(cls, articles):
        started = time.perf_counter()
        try:
            return real_of(cls, articles)
        finally:
            grouping[0] += time.perf_counter() - started
    indexer.describe = describe
    indexer.Grouping.of = classmethod(of)
started = time.perf_counter()
report = indexer.update_index(Path(sys.argv[1]), [Path(sys.argv[2])])
print(json.dumps({"seconds": time.perf_counter() - started, "grouping": grouping[0],
                  "sentences": report.sentences}))
"""


def index_run(code: Path, index_dir: Path, articles: Path) -> dict:
    """One `update_index` in a fresh process running the code in `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(  # run from `code`: `python -c` puts the working folder first
        [sys.executable, "-c", _INDEX, str(index_dir), str(articles)],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def query_times(index_dir: Path, runs: int) -> list[dict]:
    """Top-10 times of each benchmark query, collapsed and with every copy, interleaved."""
    from search.engine.query import parse_query
    from search.engine.searching import SearchIndex

    rows = []
    with SearchIndex.open(index_dir, budget=None) as index:
        for query in QUERIES:
            parsed = parse_query(query.ours)
            times: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(runs):
                for collapse in (False, True):
                    started = time.perf_counter()
                    index.find(parsed, limit=10, collapse=collapse)
                    times[collapse].append(time.perf_counter() - started)
            collapsed, every = median(times[True]) * 1000, median(times[False]) * 1000
            rows.append(
                {
                    "query": query.name,
                    "copies_ms": round(every, 1),
                    "collapsed_ms": round(collapsed, 1),
                    "ratio": round(collapsed / every, 2) if every else None,
                }
            )
    return rows


def measure(size: int, before: Path | None, runs: int, workdir: Path) -> dict:
    articles = workdir / f"corpus-{size}"
    summary = corpus.generate(articles, size)
    result: dict = {"sentences": size, "articles": summary.articles}
    if before is not None:
        old = index_run(before, workdir / f"before-{size}", articles)
        result["before_cold_s"] = round(old["seconds"], 2)
        result["before_size_mb"] = round(folder_size(workdir / f"before-{size}") / 1e6, 1)
    index_dir = workdir / f"after-{size}"
    cold = index_run(REPO, index_dir, articles)
    result["cold_s"] = round(cold["seconds"], 2)
    result["grouping_s"] = round(cold["grouping"], 2)
    result["size_mb"] = round(folder_size(index_dir) / 1e6, 1)
    files = sorted(articles.iterdir())
    for path in files[:: max(1, len(files) // max(1, len(files) // 100))][: len(files) // 100]:
        corpus.revise_article(path)
    again = index_run(REPO, index_dir, articles)
    result["reindex_1pct_s"] = round(again["seconds"], 2)
    result["reindex_grouping_s"] = round(again["grouping"], 2)
    result["queries"] = query_times(index_dir, runs)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000", help="Corpus sizes in sentences.")
    parser.add_argument("--before", type=Path, help="A checkout of the previous version.")
    parser.add_argument("--runs", type=int, default=20, help="Calls per query and mode.")
    args = parser.parse_args(argv)
    for size in (parse_size(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="search-stories-") as workdir:
            print(json.dumps(measure(size, args.before, args.runs, Path(workdir)), indent=1))


if __name__ == "__main__":
    main()
