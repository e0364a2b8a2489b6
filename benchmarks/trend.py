"""Issue 20's speed: `search trend`, `search words` and the page's overview, in-process.

    .venv/bin/python benchmarks/corpus.py /tmp/c200k --sentences 200000
    .venv/bin/search index /tmp/c200k --index-dir /tmp/i200k
    .venv/bin/python benchmarks/trend.py /tmp/i200k --word government

For each measure: the first call on a freshly opened index (`cold`: it reads the columns
from the postings, as a `search trend` process does once) and the median and p95 of
`--runs` later calls on the same open index (`warm`: the web server's case, which keeps
an open index while the index is unchanged). The page is measured as the library work of
one result page: the hits and their total alone (`without`), with the overview the page
now adds (the trend by month, the sources and the words on a 500-sentence sample), and with
an overview the server kept from an earlier view of the same query (a next page, a click
on a bar, the share switch).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.index import Index, Options, question  # noqa: E402
from search.web.app import Overviews, _overview  # noqa: E402


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(folder: Path, name: str, work: Callable[[Index], object], runs: int) -> dict:
    """`work` on a freshly opened index, then `runs` times on the same one. Each warm call
    starts without the last query's matches (which the open index keeps for the page's
    next question), so it measures a query asked anew on an open index."""

    def anew(index: Index) -> object:
        index.reader._matches = None
        return work(index)

    with Index.open(folder, budget=None) as index:
        cold = timed(lambda: work(index))
        warm = sorted(timed(lambda: anew(index)) for _ in range(runs))
    return {
        "name": name,
        "cold": cold,
        "p50": statistics.median(warm),
        "p95": warm[min(len(warm) - 1, int(len(warm) * 0.95))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--word", default="government", help="a common word")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    word = args.word
    page = Options(limit=10, total=True)

    def page_without(index: Index) -> object:
        return index.answer(word, page)

    parsed = question(word, page)

    def page_with(index: Index) -> object:
        index.answer(parsed, page)
        return _overview(index, parsed, None, "month")

    kept = Overviews()

    def page_again(index: Index) -> object:
        index.answer(parsed, page)
        return kept.get(index, parsed, None, "month")

    with Index.open(args.index, budget=None) as index:
        started = time.perf_counter()
        index.reader.columns()
        columns = (time.perf_counter() - started) * 1000
        matches = index.answer(word, Options(shape="count")).total or 0
        sentences = index.status().sentences
    rows = [
        measure(
            args.index, f"trend {word} --by month", lambda i: i.trend([word], "month"), args.runs
        ),
        measure(
            args.index, f"trend {word} --by week", lambda i: i.trend([word], "week"), args.runs
        ),
        measure(
            args.index, f"trend {word} --by source", lambda i: i.trend([word], "source"), args.runs
        ),
        measure(args.index, f"words {word}", lambda i: i.words(word), max(3, args.runs // 4)),
        measure(args.index, "page without overview", page_without, args.runs),
        measure(args.index, "page with overview", page_with, max(3, args.runs // 4)),
        measure(args.index, "page with overview, seen before", page_again, args.runs),
    ]
    print(
        f"{sentences:,} sentences; {word!r} matches {matches:,}; columns read in {columns:.0f} ms"
    )
    print()
    print("| measure | cold ms | warm p50 ms | warm p95 ms | warm ms per 100k matches |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        per = row["p50"] / matches * 100_000 if matches else 0
        times = f"{row['cold']:.0f} | {row['p50']:.0f} | {row['p95']:.0f}"
        print(f"| {row['name']} | {times} | {per:.0f} |")
    with_, again, without = rows[5]["p50"], rows[6]["p50"], rows[4]["p50"]
    print()
    print(f"page with overview / without (warm p50): {with_ / without:.2f}x")
    print(f"page with an overview seen before / without (warm p50): {again / without:.2f}x")


if __name__ == "__main__":
    main()
