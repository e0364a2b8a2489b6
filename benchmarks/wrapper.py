"""Run one command and report its wall time, exit status and memory as JSON (for measure.py).

Usage: python benchmarks/wrapper.py REPORT.json [--sample SECONDS [--trace FILE]] COMMAND [ARG ...]

The report holds:

- seconds: wall time, from just before the command is spawned to just after it is reaped;
- status: its exit status;
- cpu_seconds: user + system CPU time of the command and every descendant it reaped (from the
  same `os.wait4`), the figure to compare on a loaded machine;
- max_rss_kb: from `os.wait4`, the peak RSS of the largest single process of the command's
  tree (Linux reports the maximum over the child and the descendants it reaped, not a sum);
- tree_pss_kb: with --sample, the peak of the sum of PSS over the command and all its
  descendants, sampled every SECONDS (PSS splits pages shared by forked workers among them,
  so the sum counts each page once). This is what a parallel writer costs in memory in all.

With --trace FILE (and --sample), every sample is also written to FILE as a JSON line: the
seconds since the start and each process's PSS in KB by pid (the command's own pid first),
to see which process grows, and when.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (Linux /proc/PID/task/TID/children)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text()
                pending.extend(int(child) for child in children.split())
        except OSError:
            continue
    return found


def pss_kb(pid: int) -> int:
    """Proportional set size of one process, or 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float, trace: Path | None = None) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.trace = pid, interval, trace
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        start = time.perf_counter()
        out = self.trace.open("w") if self.trace else None
        while not self.stopped.is_set():
            sizes = {pid: pss_kb(pid) for pid in descendants(self.pid)}
            self.peak_kb = max(self.peak_kb, sum(sizes.values()))
            if out:
                seconds = round(time.perf_counter() - start, 2)
                out.write(json.dumps({"t": seconds, "pss_kb": sizes}) + "\n")
                out.flush()
            self.stopped.wait(self.interval)
        if out:
            out.close()


def main(argv: list[str]) -> None:
    report, argv = Path(argv[0]), argv[1:]
    interval, trace = None, None
    if argv[:1] == ["--sample"]:
        interval, argv = float(argv[1]), argv[2:]
    if argv[:1] == ["--trace"]:
        trace, argv = Path(argv[1]), argv[2:]
    start = time.perf_counter()
    child = subprocess.Popen(argv)
    sampler = TreeSampler(child.pid, interval, trace) if interval else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.stopped.set()
        sampler.join()
    result = {
        "seconds": seconds,
        "status": child.returncode,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "max_rss_kb": usage.ru_maxrss,
        "tree_pss_kb": sampler.peak_kb if sampler else None,
    }
    report.write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
