"""Measuring one process, or one function, at a time: wall time and peak memory.

Peak RSS comes from `os.wait4`, which returns the resource usage of exactly one child.
`getrusage(RUSAGE_CHILDREN)` would not do: it is a maximum over every child so far. And the
measured command is not started by the benchmark process itself but by a tiny wrapper
(`WRAPPER`, a few MB): Linux records, at `exec`, the peak RSS of the memory image being
replaced, and a child started with vfork or fork from a large parent (the benchmark holds
corpus texts and an open index) would inherit that parent's peak as its own. The wrapper also
times the child, from just before it is spawned to just after it is reaped, so the
wrapper's own start-up is not counted.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

WRAPPER = """
import json, os, subprocess, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
child = subprocess.Popen(argv)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
child.returncode = os.waitstatus_to_exitcode(status)
with open(report, "w") as out:
    json.dump({"seconds": seconds, "status": child.returncode, "max_rss_kb": usage.ru_maxrss}, out)
"""


@dataclass(frozen=True)
class ProcessRun:
    """One finished process: its wall time, exit status, peak RSS and output."""

    seconds: float
    status: int
    max_rss_kb: int
    stdout: str
    stderr: str

    @property
    def max_rss_mb(self) -> float:
        return self.max_rss_kb / 1024

    def check(self, allowed: Sequence[int] = (0,)) -> ProcessRun:
        if self.status not in allowed:
            raise RuntimeError(f"exit status {self.status}: {self.stderr.strip()[-500:]}")
        return self


def run_process(argv: Sequence[str], cwd: Path | None = None) -> ProcessRun:
    """Run `argv` to completion through the wrapper; never raises on a non-zero exit."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-run-") as scratch,
        open(Path(scratch) / "out", "w+b") as out,
        open(Path(scratch) / "err", "w+b") as err,
    ):
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-c", WRAPPER, str(report), *argv]
        subprocess.run(command, stdout=out, stderr=err, cwd=cwd, check=False)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        if not report.exists():
            raise RuntimeError(f"the measuring wrapper failed: {stderr.strip()[-500:]}")
        measured = json.loads(report.read_text())
    return ProcessRun(
        measured["seconds"], measured["status"], measured["max_rss_kb"], stdout, stderr
    )


def time_call(function: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def folder_size(folder: Path) -> int:
    """Bytes in all files under `folder` (or the size of a file)."""
    if folder.is_file():
        return folder.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += (Path(root) / name).stat().st_size
    return total
