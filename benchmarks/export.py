"""Measuring `search export`: time, throughput and peak memory per index (issue 13).

Usage: python benchmarks/export.py INDEX_DIR [INDEX_DIR ...] [--format es-bulk] [--json PATH]

Each index is exported once per format by `search export`, run as a process of its own
with stdout going straight to a scratch file, so that the benchmark never holds the output.
Wall time, CPU time (user + system) and peak RSS come from `os.wait4` on that one child
(see measure.py for why not `getrusage(RUSAGE_CHILDREN)`; this script imports nothing
large, so the child cannot inherit a large parent's peak). Reported: sentences, output
size, wall and CPU seconds, MB/s and sentences/s (of wall time), and peak RSS, which should
stay flat as the index grows: the export holds one article at a time. On a shared machine
wall time depends on the load; CPU time much less.

Build the indexes first, e.g. for 200,000 sentences:

    .venv/bin/python benchmarks/corpus.py /tmp/c200k --sentences 200000
    .venv/bin/search index /tmp/c200k --index-dir /tmp/i200k
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

HERE = Path(__file__).resolve().parent
SEARCH = Path(sys.executable).parent / "search"
MB = 1024 * 1024


def measure(index_dir: Path, export_format: str) -> dict:
    """One export of `index_dir` in `export_format`: its figures, as a dict."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        output, errors = Path(scratch) / "out", Path(scratch) / "err"
        command = [str(SEARCH), "export", "--format", export_format, "--index-dir", str(index_dir)]
        with open(output, "wb") as out, open(errors, "wb") as err:
            start = time.perf_counter()
            child = subprocess.Popen(command, stdout=out, stderr=err)
            _pid, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"export of {index_dir} failed: {errors.read_text()[-500:]}")
        size = output.stat().st_size
        with open(output, "rb") as out:
            lines = sum(1 for _ in out)
    sentences = lines // 2 if export_format == "es-bulk" else lines
    return {
        "index": str(index_dir),
        "format": export_format,
        "sentences": sentences,
        "output_mb": round(size / MB, 1),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "mb_per_s": round(size / MB / seconds, 1),
        "sentences_per_s": round(sentences / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def table(rows: list[dict]) -> str:
    header = (
        "| index | format | sentences | MB out | wall s | CPU s | MB/s | sentences/s | RSS MB |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['index']} | {row['format']} | {row['sentences']:,} | {row['output_mb']} "
            f"| {row['seconds']} | {row['cpu_seconds']} | {row['mb_per_s']} "
            f"| {row['sentences_per_s']:,} | {row['peak_rss_mb']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("indexes", nargs="+", type=Path, help="index folders to export")
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=["es-bulk", "jsonl"],
        help="format to measure (repeatable; default es-bulk)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    rows = []
    for index_dir in args.indexes:
        for export_format in args.formats or ["es-bulk"]:
            print(f"exporting {index_dir} as {export_format}...", file=sys.stderr)
            rows.append(measure(index_dir, export_format))
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
