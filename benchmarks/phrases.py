"""Phrase queries before and after the pairs field (issue 26), in CPU time.

On a shared machine, wall time moves with the other jobs' load; CPU time moves much less.
For each install and index given (`--version LABEL PYTHON INDEX_DIR`, in that order), and
each query: the CPU time of `find` of the top 10 in-process (the index opened each time, as
the command does; best and median of `--repeat`), then the CPU time (user + system) of a
`search query` process (best and median of `--runs`), and of the import floor
(`python -c "import whoosh.index, whoosh.qparser, click"`). The versions take turns, query by
query, so a change of load falls on all of them.

    python benchmarks/phrases.py --version before main/.venv/bin/python /tmp/ix-main \\
        --version after .venv/bin/python /tmp/ix-this '"the peace talks"' '"peace talks"'
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
from pathlib import Path

IN_PROCESS = """
import json, sys, time
from pathlib import Path
from search.engine import searching
from search.engine.query import parse_query
folder, text, repeat = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
parsed = parse_query(text)
searching.find(folder, parsed, limit=10)
times = []
for _ in range(repeat):
    start = time.process_time()
    searching.find(folder, parsed, limit=10)
    times.append(time.process_time() - start)
print(json.dumps({"times": times, "hits": searching.count(folder, parsed)}))
"""
FLOOR = "import whoosh.index, whoosh.qparser, click"


def child_cpu(argv: list[str]) -> tuple[float, str]:
    """CPU seconds (user + system) of the process `argv` and its children, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # From /: `python -c` puts the working folder first on sys.path, and a checkout there
    # would be imported instead of the install being measured.
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{argv} exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", nargs=3, action="append", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("queries", nargs="+")
    args = parser.parse_args()
    rows = []
    for query in [None, *args.queries]:
        for label, python, index in args.version:
            search = str(Path(python).parent / "search")
            if query is None:
                argv = [python, "-c", FLOOR]
                inner = None
            else:
                argv = [search, "query", "--index-dir", index, "--", query]
                _cpu, out = child_cpu([python, "-c", IN_PROCESS, index, query, str(args.repeat)])
                inner = json.loads(out)
            process = sorted(child_cpu(argv)[0] for _ in range(args.runs))
            rows.append((query or "(import floor)", label, inner, process))
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| query | version | hits | in-process CPU best / median | process CPU best / median |")
    print("|---|---|---:|---:|---:|")
    for query, label, inner, process in rows:
        hits = times = ""
        if inner is not None:
            best, middle = min(inner["times"]) * 1000, statistics.median(inner["times"]) * 1000
            hits, times = f"{inner['hits']:,}", f"{best:.1f} / {middle:.1f} ms"
        whole = f"{process[0] * 1000:.0f} / {statistics.median(process) * 1000:.0f} ms"
        print(f"| `{query}` | {label} | {hits} | {times} | {whole} |")


if __name__ == "__main__":
    main()
