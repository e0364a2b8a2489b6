"""Costs of the live archive (issue 22): `search watch`, `search alert check`, new formats.

Everything runs the installed command (`.venv/bin/search`) in a temporary folder, except the
format readers, which are timed in-process (reader plus sentence splitting).

- latency: one file at a time is written; the time until the watcher prints its commit line
  (the sentences are searchable from then on; a query confirms the last one). Median, p95.
- burst: 1,000 files written at once; the commit lines until all are in.
- idle: the watcher's CPU seconds (utime + stime from /proc) over a quiet window; its RSS.
- arrivals: N files in batches of 100, each waited for; the watcher's RSS after.
- alerts: 50 alerts, a 1,000-article commit, then `search alert check` (wall time).
- formats: files/s and MB/s of each new reader on generated files.

Usage: .venv/bin/python benchmarks/live.py [--idle 60] [--arrivals 10000]
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

SEARCH = Path(sys.executable).parent / "search"
WORDS = [
    "minister",
    "talks",
    "resume",
    "Geneva",
    "Monday",
    "ceasefire",
    "border",
    "envoy",
    "summit",
    "trade",
    "troops",
    "parliament",
    "election",
    "budget",
    "vote",
    "council",
    "report",
    "officials",
    "said",
    "week",
]


def sentence(rng: random.Random, marker: str = "") -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    if marker:
        words.insert(3, marker)
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, marker: str = "", sentences: int = 12) -> str:
    lines = [sentence(rng, marker if i == 0 else "") for i in range(sentences)]
    return "March 11, 2025\n" + " ".join(lines) + "\n"


class Watcher:
    def __init__(self, archive: Path, index: Path) -> None:
        self.process = subprocess.Popen(
            [str(SEARCH), "watch", str(archive), "--index-dir", str(index)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        while not self.line().startswith("Watching"):
            pass

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def line(self) -> str:
        return self.lines.get(timeout=120)[1]

    def added_until(self, wanted: int) -> tuple[list[float], int]:
        """Times of commit lines until `wanted` files were added; how many lines."""
        added, times = 0, []
        while added < wanted:
            moment, line = self.lines.get(timeout=300)
            if line.startswith("+"):
                added += int(line[1:].split()[0])
                times.append(moment)
        return times, len(times)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def watch_costs(root: Path, idle: float, arrivals: int) -> None:
    rng = random.Random(22)
    archive, index = root / "archive", root / "index"
    archive.mkdir()
    for number in range(200):
        (archive / f"base{number:04d}.txt").write_text(article(rng))
    watcher = Watcher(archive, index)
    try:
        latencies = []
        for number in range(100):
            written = time.perf_counter()
            (archive / f"lat{number:03d}.txt").write_text(article(rng, f"marker{number}x"))
            times, _ = watcher.added_until(1)
            latencies.append(times[-1] - written)
        check = subprocess.run(
            [str(SEARCH), "query", "-c", "marker99x", "--index-dir", str(index)],
            capture_output=True,
            text=True,
        )
        latencies.sort()
        print(
            f"latency over 100 files (200 in the index): median "
            f"{statistics.median(latencies):.2f} s, p95 {latencies[94]:.2f} s, max "
            f"{latencies[-1]:.2f} s (last one found by a query: {check.stdout.strip()} hit)"
        )
        burst = archive / "burst"
        burst.mkdir()
        started = time.perf_counter()
        for number in range(1000):
            (burst / f"b{number:04d}.txt").write_text(article(rng))
        written = time.perf_counter() - started
        times, commits = watcher.added_until(1000)
        print(
            f"burst of 1,000 files (written in {written:.2f} s): {commits} commits, all in "
            f"{times[-1] - started:.1f} s after the first write"
        )
        before, rss = watcher.cpu_seconds(), watcher.rss_mb()
        time.sleep(idle)
        spent = watcher.cpu_seconds() - before
        print(
            f"idle for {idle:.0f} s: {spent:.2f} CPU s ({100 * spent / idle:.3f}% of a core); "
            f"RSS {rss:.0f} MB"
        )
        if arrivals:
            day = archive / "day"
            day.mkdir()
            started = time.perf_counter()
            for batch in range(arrivals // 100):
                for number in range(100):
                    (day / f"d{batch:03d}_{number:02d}.txt").write_text(article(rng, sentences=6))
                watcher.added_until(100)
            print(
                f"{arrivals:,} arrivals in batches of 100 ({time.perf_counter() - started:.0f} s): "
                f"RSS {watcher.rss_mb():.0f} MB (was {rss:.0f} MB with 1,300 files)"
            )
    finally:
        watcher.stop()


def alert_costs(root: Path) -> None:
    rng = random.Random(50)
    archive, index = root / "alerts", root / "alerts-index"
    archive.mkdir()
    for number in range(1000):
        (archive / f"old{number:04d}.txt").write_text(article(rng))
    run = lambda *args: subprocess.run(  # noqa: E731
        [str(SEARCH), *args, "--index-dir", str(index)], capture_output=True, text=True
    )
    run("index", str(archive), "-q")
    for number in range(50):  # a story each: its name, as a rare word would be
        run("alert", "add", f"alert{number:02d}", f"topic{number}")
    for number in range(1000):  # 1 in 4 new articles is on one of 200 stories
        topic = f"topic{rng.randrange(200)}" if rng.random() < 0.25 else ""
        (archive / f"new{number:04d}.txt").write_text(article(rng, topic))
    run("index", str(archive), "-q")
    started = time.perf_counter()
    checked = run("alert", "check")
    first = time.perf_counter() - started
    started = time.perf_counter()
    run("alert", "check")
    again = time.perf_counter() - started
    print(
        f"alert check, 50 alerts after a 1,000-article commit (2,000 articles, "
        f"{len(checked.stdout.splitlines()):,} new hits printed): {first:.2f} s; "
        f"the next check, nothing new: {again:.2f} s"
    )


def format_samples(rng: random.Random) -> dict[str, list[bytes]]:
    from tests.test_more_formats import _zip

    samples: dict[str, list[bytes]] = {".docx": [], ".odt": [], ".rtf": [], ".eml": [], ".mbox": []}
    for _ in range(100):
        paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(8)]
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
        samples[".docx"].append(
            _zip(
                {
                    "word/document.xml": (
                        f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
                    )
                }
            )
        )
        ns = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
        samples[".odt"].append(_zip({"content.xml": f"<doc {ns}>{body}</doc>"}))
        samples[".rtf"].append(("{\\rtf1\\ansi " + "\\par ".join(paragraphs) + "\\par }").encode())
        message = EmailMessage()
        message["Subject"], message["Date"] = "Talks", "Tue, 11 Mar 2025 08:30:00 +0000"
        message.set_content("\n\n".join(paragraphs))
        samples[".eml"].append(bytes(message))
    mbox = io.BytesIO()
    for data in samples[".eml"][:20]:
        mbox.write(b"From desk@example.com Tue Mar 11 08:30:00 2025\n" + data + b"\n")
    samples[".mbox"] = [mbox.getvalue()] * 5
    return samples


def format_costs() -> None:
    from search.articles.article import parse_articles

    for suffix, files in format_samples(random.Random(7)).items():
        started = time.perf_counter()
        for data in files:
            parse_articles(data, f"x{suffix}")
        seconds = time.perf_counter() - started
        size = sum(map(len, files)) / 1e6
        print(
            f"{suffix}: {len(files) / seconds:,.0f} files/s, {size / seconds:.2f} MB/s "
            f"({len(files)} files of {1e6 * size / len(files) / 1024:.1f} KB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=60.0, help="idle window, seconds")
    parser.add_argument("--arrivals", type=int, default=10000, help="0 to skip")
    parser.add_argument("--only", choices=["watch", "alerts", "formats"])
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory() as folder:
        if args.only in (None, "formats"):
            format_costs()
        if args.only in (None, "alerts"):
            alert_costs(Path(folder))
        if args.only in (None, "watch"):
            watch_costs(Path(folder), args.idle, args.arrivals)


if __name__ == "__main__":
    main()
