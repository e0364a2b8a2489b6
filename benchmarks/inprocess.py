"""In-process query timing, comparable across versions of `search`.

Uses only the module-level `searching.find`/`count` and `query.parse_query`, which every version
has (in `search.engine` since the package's layout, in `search` before), so the same script times
an old checkout and this one:

    .venv/bin/python benchmarks/inprocess.py INDEX_DIR zorblatt '"peace talks"' \\
        'ceasefire|since2025-01-01,2025-06-30'

Each query: `find` of the top 10 (opening the index, as the command does) five times, the
median and the best, by wall time and by CPU time (which other jobs' load moves less); then
the number of hits. `QUERY|sinceFROM,UNTIL` adds a date filter.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

try:
    from search.engine import searching
    from search.engine.query import parse_query
except ImportError:  # a checkout from before the package's layout
    from search.query import parse_query  # type: ignore[no-redef]

    from search import searching  # type: ignore[no-redef]


def time_query(folder: Path, spec: str) -> str:
    text, dates = spec, {}
    if "|since" in spec:
        text, span = spec.split("|since")
        since, until = span.split(",")
        dates = {"since": since or None, "until": until or None}
    try:
        parsed = parse_query(text, **dates)
    except Exception as error:  # an old version refuses some queries: say so, go on
        return f"{spec!r:42} refused: {error}"
    times, cpu = [], []
    for _ in range(5):
        started, used = time.perf_counter(), time.process_time()
        searching.find(folder, parsed, limit=10)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    hits = searching.count(folder, parsed)
    median, best = sorted(times)[2] * 1000, min(times) * 1000
    cpu_median, cpu_best = sorted(cpu)[2] * 1000, min(cpu) * 1000
    return (
        f"{spec!r:42} hits={hits:7d} p50={median:8.1f} ms best={best:8.1f} ms "
        f"cpu p50={cpu_median:8.1f} ms best={cpu_best:8.1f} ms"
    )


def main() -> None:
    folder = Path(sys.argv[1])
    for spec in sys.argv[2:]:
        print(time_query(folder, spec))


if __name__ == "__main__":
    main()
