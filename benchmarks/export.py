"""Measuring `search export`: time, throughput and peak memory per index (issue 13).

Usage: python benchmarks/export.py INDEX_DIR [INDEX_DIR ...] [--format es-bulk] [--json PATH]

Each index is exported once per format by `search export`, run as a process of its own
through `wrapper.py` (wall time, and peak RSS from `os.wait4`: see measure.py for why not
`getrusage(RUSAGE_CHILDREN)`), with stdout going straight to a scratch file so that the
benchmark never holds the output. Reported: sentences, output size, seconds, MB/s and
sentences/s, and peak RSS, which should stay flat as the index grows: the export holds
one article at a time.

Build the indexes first, e.g. for 200,000 sentences:

    .venv/bin/python benchmarks/corpus.py /tmp/c200k --sentences 200000
    .venv/bin/search index /tmp/c200k --index-dir /tmp/i200k
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRAPPER = HERE / "wrapper.py"
SEARCH = Path(sys.executable).parent / "search"
MB = 1024 * 1024


def measure(index_dir: Path, export_format: str) -> dict:
    """One export of `index_dir` in `export_format`: its figures, as a dict."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        output, report = Path(scratch) / "out", Path(scratch) / "report.json"
        command = [sys.executable, str(WRAPPER), str(report)]
        command += [str(SEARCH), "export", "--format", export_format, "--index-dir", str(index_dir)]
        with open(output, "wb") as out:
            finished = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, check=False)
        measured = json.loads(report.read_text())
        if measured["status"] != 0:
            raise SystemExit(f"export of {index_dir} failed: {finished.stderr.decode()[-500:]}")
        size = output.stat().st_size
        with open(output, "rb") as out:
            lines = sum(1 for _ in out)
    sentences = lines // 2 if export_format == "es-bulk" else lines
    seconds = measured["seconds"]
    return {
        "index": str(index_dir),
        "format": export_format,
        "sentences": sentences,
        "output_mb": round(size / MB, 1),
        "seconds": round(seconds, 2),
        "mb_per_s": round(size / MB / seconds, 1),
        "sentences_per_s": round(sentences / seconds),
        "peak_rss_mb": round(measured["max_rss_kb"] / 1024, 1),
    }


def table(rows: list[dict]) -> str:
    header = "| index | format | sentences | output MB | s | MB/s | sentences/s | peak RSS MB |"
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['index']} | {row['format']} | {row['sentences']:,} | {row['output_mb']} "
            f"| {row['seconds']} | {row['mb_per_s']} | {row['sentences_per_s']:,} "
            f"| {row['peak_rss_mb']} |"
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
