"""A bounded load test of `search serve` on loopback.

Starts the installed `search serve --index-dir INDEX --port 0` as a process of its own,
then for each level of concurrency (default 1, 4 and 16 clients) sends a fixed number of
GET requests to `/api/search`, cycling through a few queries, each client on one
keep-alive connection (stdlib `http.client`, one thread per client). Reports requests/s,
p50 and p95 latency per level (all queries, and the single-word ones alone), p50 and p95
of each query, and the server's open file descriptors and RSS (from /proc) before the
first request and after the last, as Markdown tables.

Usage:
    .venv/bin/python benchmarks/corpus.py /tmp/c200k --sentences 200000
    .venv/bin/search index /tmp/c200k --index-dir /tmp/i200k
    .venv/bin/python benchmarks/serve.py --index-dir /tmp/i200k [--requests 2000]
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

SEARCH = Path(sys.executable).parent / "search"
# The queries of benchmarks/run.py, as a web client would send them, and more single words:
# a rare one, two common ones (59,379 and 23,582 hits at 200k sentences) and an acronym.
QUERIES = [
    {"q": "zorblatt"},
    {"q": "government"},
    {"q": "ceasefire"},
    {"q": "NATO"},
    {"q": "minister ceasefire"},
    {"q": "sanctions OR tariffs", "sort": "date"},
    {"q": '"peace talks"'},
    {"q": "negoti*", "limit": "20"},
    {"q": "parlament~"},
    {"q": "ceasefire", "since": "2025-03-01", "until": "2025-03-31", "offset": "10"},
]


def server_usage(pid: int) -> tuple[int, float]:
    """(open file descriptors, RSS in MB) of a process, from /proc."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return fds, int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [str(SEARCH), "serve", "--index-dir", str(index_dir), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    match = re.search(r" at (http://\S+/) ", line)
    if not match:
        process.kill()
        raise SystemExit(f"search serve did not start: {line}{process.stderr.read()}")
    return process, match.group(1)


def is_single_word(query: dict) -> bool:
    """A query of one plain word, with no option but the default ones."""
    return set(query) == {"q"} and re.fullmatch(r"\w+", query["q"]) is not None


def client(
    address: tuple[str, int],
    jobs: list[tuple[int, str]],
    latencies: list[tuple[int, float]],
    failures: list[str],
) -> None:
    """Send `jobs` (query number, path) in turn on one connection; a non-200 answer (503:
    over the server's time limit) is counted in `failures`, its latency still counted."""
    connection = http.client.HTTPConnection(*address, timeout=60)
    try:
        for number, path in jobs:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            latencies.append((number, time.perf_counter() - started))
            if response.status != 200:
                failures.append(f"{response.status} {path}")
    finally:
        connection.close()


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms."""
    ordered = sorted(latencies)
    return (
        round(statistics.median(ordered) * 1000, 1),
        round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    )


def run_level(address: tuple[str, int], clients: int, requests: int) -> dict:
    paths = [
        (n % len(QUERIES), f"/api/search?{urlencode(QUERIES[n % len(QUERIES)])}")
        for n in range(requests)
    ]
    shares = [paths[n::clients] for n in range(clients)]
    latencies: list[list[tuple[int, float]]] = [[] for _ in range(clients)]
    failures: list[str] = []
    threads = [
        threading.Thread(target=client, args=(address, shares[n], latencies[n], failures))
        for n in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [pair for share in latencies for pair in share]
    if len(every) != requests:
        raise SystemExit(f"{requests - len(every)} requests got no answer at {clients} clients")
    p50, p95 = percentiles([latency for _number, latency in every])
    single = [latency for number, latency in every if is_single_word(QUERIES[number])]
    by_query = {
        number: percentiles([latency for n, latency in every if n == number])
        for number in range(len(QUERIES))
        if any(n == number for n, _latency in every)
    }
    return {
        "clients": clients,
        "requests": requests,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(requests / elapsed, 1),
        "p50_ms": p50,
        "p95_ms": p95,
        "single_word_p50_ms": percentiles(single)[0] if single else None,
        "single_word_p95_ms": percentiles(single)[1] if single else None,
        "by_query": {urlencode(QUERIES[n]): list(figures) for n, figures in by_query.items()},
        "not_200": len(failures),
        # Which answers were not 200, and to what: "503 /api/search?q=..." -> how many.
        "not_200_by": dict(collections.Counter(failures).most_common()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=2000, help="per level (default 2000)")
    parser.add_argument("--clients", default="1,4,16", help="levels (default 1,4,16)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    options = parser.parse_args()

    process, url = start_server(options.index_dir)
    parts = urlsplit(url)
    address = (parts.hostname, parts.port)
    try:
        status = json.loads(_get(address, "/api/status"))
        before = server_usage(process.pid)
        levels = [
            run_level(address, int(clients), options.requests)
            for clients in options.clients.split(",")
        ]
        after = server_usage(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)

    print(
        f"`search serve` on {status['sentences']:,} sentences ({status['articles']:,} "
        f"articles), {options.requests:,} requests per level over {len(QUERIES)} queries\n"
    )
    print(
        "| clients | requests/s | p50 ms | p95 ms | single words: p50 / p95 ms | seconds "
        "| not 200 (503: time limit) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for level in levels:
        print(
            f"| {level['clients']} | {level['requests_per_s']} | {level['p50_ms']} | "
            f"{level['p95_ms']} | {level['single_word_p50_ms']} / {level['single_word_p95_ms']} "
            f"| {level['seconds']} | {level['not_200']} |"
        )
    print("\nEach query, p50 / p95 ms at each level:\n")
    print("| query | " + " | ".join(f"{level['clients']} client(s)" for level in levels) + " |")
    print("|---|" + "---:|" * len(levels))
    for query in QUERIES:
        key = urlencode(query)
        cells = [
            "{} / {}".format(*level["by_query"][key]) if key in level["by_query"] else "-"
            for level in levels
        ]
        print(f"| `{key}` | " + " | ".join(cells) + " |")
    print(
        f"\nServer process: {before[0]} open fds and {before[1]:.0f} MB RSS before the "
        f"first request, {after[0]} fds and {after[1]:.0f} MB after the last."
    )
    if options.json:
        figures = {
            "sentences": status["sentences"],
            "levels": levels,
            "fds_before": before[0],
            "fds_after": after[0],
            "rss_mb_before": round(before[1], 1),
            "rss_mb_after": round(after[1], 1),
        }
        options.json.write_text(json.dumps(figures, indent=2) + "\n")


def _get(address: tuple[str, int], path: str) -> bytes:
    connection = http.client.HTTPConnection(*address, timeout=60)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


if __name__ == "__main__":
    main()
