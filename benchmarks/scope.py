"""`--scope article` in-process, against the same query at sentence scope (issue 19).

    .venv/bin/python benchmarks/scope.py --sizes 20000,200000 [--workdir DIR] [--runs 10]

For each size: the benchmark corpus (`corpus.py`, seed 0) is written and indexed (kept in
`--workdir` if given, and reused when it is already there), then each query is timed
through `Index.answer`, the one call of the command and the server:

- `first`: open the index and answer once, as `search query` does (at article scope this
  includes reading the sentence -> article table);
- `warm p50` / `warm best`: `--runs` more answers on the same open index, as the web server's
  reused indexes answer;
- `found`: the articles found (article scope) or the sentences (sentence scope).

Prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from search.engine.indexer import update_index  # noqa: E402
from search.index import Index, Options  # noqa: E402

QUERIES = ["sanctions pipeline referendum", "ceasefire troops border", "zorblatt government"]
SHAPES = [
    ("sentence", "hits", Options(limit=10)),
    ("article", "hits", Options(limit=10, scope="article")),
    ("article", "-l", Options(limit=10, scope="article", shape="articles")),
    ("article", "-c", Options(scope="article", shape="count")),
]


def built(work: Path, size: int) -> Path:
    """The index of the corpus of `size` sentences under `work`, built if missing."""
    folder, index_dir = work / f"corpus-{size}", work / f"index-{size}"
    if not (index_dir / "CURRENT").exists():
        print(f"[{size:,}] writing and indexing the corpus ...", file=sys.stderr)
        corpus.generate(folder, size, 0)
        update_index(index_dir, [folder], rebuild=True)
    return index_dir


def found(answer) -> int:
    if answer.total is not None:
        return answer.total
    return len(answer.hits or answer.in_articles or answer.articles)


def measure(index_dir: Path, query: str, options: Options, runs: int) -> tuple[float, list, int]:
    started = time.perf_counter()
    with Index.open(index_dir) as index:
        answer = index.answer(query, options)
        first = time.perf_counter() - started
        warm = []
        for _ in range(runs):
            started = time.perf_counter()
            index.answer(query, options)
            warm.append(time.perf_counter() - started)
    total = options.shape == "hits" and options.scope == "article"
    if total or options.shape == "hits":
        with Index.open(index_dir) as index:
            counted = index.answer(query, Options(scope=options.scope, shape="count"))
        return first, warm, counted.total or 0
    return first, warm, found(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    work = options.workdir or Path(tempfile.mkdtemp(prefix="bench-scope-"))
    print("| sentences | query | scope | shape | found | first ms | warm p50 ms | warm best ms |")
    print("|---:|---|---|---|---:|---:|---:|---:|")
    for size in (int(text) for text in options.sizes.split(",")):
        index_dir = built(work, size)
        for query in QUERIES:
            for scope, shape, asked in SHAPES:
                first, warm, hits = measure(index_dir, query, asked, options.runs)
                print(
                    f"| {size:,} | `{query}` | {scope} | {shape} | {hits:,} | {first * 1000:.0f} "
                    f"| {statistics.median(warm) * 1000:.0f} | {min(warm) * 1000:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
