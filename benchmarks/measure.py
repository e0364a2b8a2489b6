"""Measuring one process, or one function, at a time: wall time and peak memory.

Peak RSS comes from `os.wait4`, which returns the resource usage of exactly one child (and
of the descendants it reaped: the maximum, not the sum). `getrusage(RUSAGE_CHILDREN)` would not
do: it is a maximum over every child so far. The measured command is not started by the
benchmark process itself but by a small wrapper (`wrapper.py`, about 12 MB): Linux records, at
`exec`, the peak RSS of the memory image being replaced, so a child started with vfork or fork
from a large parent (the benchmark holds corpus texts and an open index) would inherit that
parent's peak as its own (measured: 511 MB reported for /bin/true started from a 500 MB
parent; 12 MB through the wrapper). The wrapper also times the child, from just before it is
spawned to just after it is reaped, so the wrapper's own start-up is not counted; and on
request it samples the summed PSS of the child's whole process tree, for commands that fork
workers (Whoosh's parallel writer).
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

WRAPPER = Path(__file__).resolve().parent / "wrapper.py"


@dataclass(frozen=True)
class ProcessRun:
    """One finished process: its wall time, exit status, peak RSS and output."""

    seconds: float
    status: int
    max_rss_kb: int
    tree_pss_kb: int | None  # sampled peak of the process tree's summed PSS, if asked for
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system of the process and the descendants it reaped

    @property
    def max_rss_mb(self) -> float:
        return self.max_rss_kb / 1024

    @property
    def tree_pss_mb(self) -> float | None:
        return None if self.tree_pss_kb is None else self.tree_pss_kb / 1024

    def check(self, allowed: Sequence[int] = (0,)) -> ProcessRun:
        if self.status not in allowed:
            raise RuntimeError(f"exit status {self.status}: {self.stderr.strip()[-500:]}")
        return self


def run_process(
    argv: Sequence[str], cwd: Path | None = None, sample: float | None = None
) -> ProcessRun:
    """Run `argv` to completion through the wrapper; never raises on a non-zero exit.

    `sample`: also sample the memory of its process tree every `sample` seconds.
    """
    with (
        tempfile.TemporaryDirectory(prefix="bench-run-") as scratch,
        open(Path(scratch) / "out", "w+b") as out,
        open(Path(scratch) / "err", "w+b") as err,
    ):
        report = Path(scratch) / "report.json"
        sampling = ["--sample", str(sample)] if sample else []
        command = [sys.executable, str(WRAPPER), str(report), *sampling, *argv]
        subprocess.run(command, stdout=out, stderr=err, cwd=cwd, check=False)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        if not report.exists():
            raise RuntimeError(f"the measuring wrapper failed: {stderr.strip()[-500:]}")
        measured = json.loads(report.read_text())
    return ProcessRun(
        measured["seconds"],
        measured["status"],
        measured["max_rss_kb"],
        measured["tree_pss_kb"],
        stdout,
        stderr,
        measured.get("cpu_seconds", 0.0),
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
