"""In-process query timing, comparable across versions of `search`.

Uses only the module-level `search.searching.find`/`count` and `search.query.parse_query`,
which every version has, so the same script times an old checkout and this one:

    .venv/bin/python benchmarks/inprocess.py INDEX_DIR zorblatt '"peace talks"' 'ceasefire|since2025-01-01,2025-06-30'

Each query: `find` of the top 10 (opening the index, as the command does) five times, the
median and the best; then the number of hits. `QUERY|sinceFROM,UNTIL` adds a date filter.
"""
import sys, time, json
from pathlib import Path
from search.query import parse_query
from search import searching
folder = Path(sys.argv[1])
out = {}
for q in sys.argv[2:]:
    kw = {}
    text = q
    if "|since" in q:
        text, rng = q.split("|since"); a, b = rng.split(",")
        kw = dict(since=a or None, until=b or None)
    try:
        p = parse_query(text, **kw)
    except Exception as e:
        print(f"{q!r:42} refused: {e}"); continue
    times = []
    for _ in range(5):
        t = time.perf_counter(); hits = searching.find(folder, p, limit=10); times.append(time.perf_counter() - t)
    n = searching.count(folder, p)
    print(f"{q!r:42} hits={n:7d} p50={sorted(times)[2]*1000:8.1f} ms best={min(times)*1000:8.1f} ms")
