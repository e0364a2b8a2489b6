"""Huge single files: the time and peak memory of reading one, and of indexing a huge text file.

Usage (from the repository root, with the project installed in `.venv`):

    .venv/bin/python benchmarks/huge_inputs.py --html-mb 2,8,16,50 --text-mb 200

For each size it writes one saved news page of about that many MB (navigation, scripts and
styles around a long article of distinct sentences, as such pages are) and times
`search split PAGE` as a process of its own: reading (the format reader) and splitting, the
path every indexed file takes. For the text size it writes one single-line `.txt` of about that
many MB (no line break at all, the worst case for a splitter that works by paragraph) and
times `search split` on it and `search index` of it into a fresh index. Each process is run
through `measure.py`'s wrapper: wall time and peak RSS (`os.wait4`), plus the sampled peak
PSS of the whole process tree for the index run (Whoosh's parallel writer forks workers).
A process that runs past `--limit` seconds is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import run_process  # noqa: E402

SEARCH = Path(sys.executable).with_name("search")
WORDS = [
    "minister",
    "talks",
    "ceasefire",
    "border",
    "troops",
    "government",
    "council",
    "vote",
    "budget",
    "summit",
    "agreement",
    "parliament",
    "election",
    "court",
    "ruling",
    "economy",
    "market",
    "trade",
    "energy",
    "water",
    "harvest",
    "storm",
    "coast",
    "river",
    "bridge",
    "station",
    "hospital",
    "school",
    "museum",
    "festival",
    "report",
]


def sentence(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return f"The {' '.join(words)} number {number} said officials."


def html_page(megabytes: float, seed: int = 1) -> bytes:
    """A saved page of about `megabytes` MB: head, scripts, navigation, then the article."""
    rng = random.Random(seed)
    head = (
        "<!doctype html><html><head><meta charset='utf-8'><title>A long report</title>"
        "<link rel='canonical' href='https://example.com/long'>"
        "<style>body{margin:0}</style><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>A long report</h1>"
        "<p>March 4, 2025</p>"
    )
    parts = [head]
    size = len(head)
    number = 0
    target = int(megabytes * 1_000_000)
    while size < target:
        paragraph = " ".join(sentence(rng, number + k) for k in range(5))
        number += 5
        chunk = f"<p>{paragraph}</p>\n"
        parts.append(chunk)
        size += len(chunk)
    parts.append("</article><footer>Copyright</footer></body></html>")
    return "".join(parts).encode()


def text_line(megabytes: float, seed: int = 2) -> bytes:
    """A single line of about `megabytes` MB of sentences: no line break anywhere."""
    rng = random.Random(seed)
    parts = ["March 4, 2025 -"]
    size = 0
    number = 0
    target = int(megabytes * 1_000_000)
    while size < target:
        text = " " + sentence(rng, number)
        number += 1
        parts.append(text)
        size += len(text)
    return "".join(parts).encode()


def report(label: str, argv: list[str], limit: float, sample: float | None = None) -> None:
    run = run_process(["timeout", "-s", "KILL", str(limit), *argv], sample=sample)
    if run.status in (124, 137, -9):
        outcome = f"stopped after {limit:g} s"
    elif run.status:
        outcome = f"exit {run.status}: {run.stderr.strip().splitlines()[-1:]}"
    else:
        outcome = "ok"
    tree = f", tree PSS {run.tree_pss_mb:.0f} MB" if run.tree_pss_mb is not None else ""
    warnings = [line for line in run.stderr.splitlines() if "warning" in line]
    note = f" ({warnings[0]})" if warnings else ""
    print(
        f"| {label} | {run.seconds:.1f} s | {run.max_rss_mb:.0f} MB{tree} | {outcome}{note} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html-mb", default="2,8,16,50", help="page sizes, in MB")
    parser.add_argument("--text-mb", default="200", help="single-line text sizes, in MB")
    parser.add_argument("--limit", type=float, default=600, help="seconds before a run stops")
    parser.add_argument("--search", default=str(SEARCH), help="the search command to measure")
    arguments = parser.parse_args()
    search = arguments.search
    print("| input | wall time | peak memory | outcome |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-huge-") as scratch:
        folder = Path(scratch)
        for size in [float(s) for s in arguments.html_mb.split(",") if s]:
            page = folder / f"page-{size:g}mb.html"
            page.write_bytes(html_page(size))
            label = f"HTML {page.stat().st_size / 1e6:.1f} MB, search split"
            report(label, [search, "split", str(page)], arguments.limit)
            page.unlink()
        for size in [float(s) for s in arguments.text_mb.split(",") if s]:
            articles = folder / f"text-{size:g}"
            articles.mkdir()
            text = articles / "huge.txt"
            text.write_bytes(text_line(size))
            mb = text.stat().st_size / 1e6
            report(
                f"text {mb:.0f} MB one line, search split",
                [search, "split", str(text)],
                arguments.limit,
            )
            index = folder / f"index-{size:g}"
            argv = [search, "index", str(articles), "--index-dir", str(index), "--quiet"]
            report(f"text {mb:.0f} MB one line, search index", argv, arguments.limit, sample=0.5)


if __name__ == "__main__":
    main()
