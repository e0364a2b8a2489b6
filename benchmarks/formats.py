"""Format readers: extraction speed per format, and how much boilerplate gets through.

Usage (from the repository root, with `pip install -e '.[test,bench]'` in .venv):

    .venv/bin/python benchmarks/formats.py --files 200

For each format it generates `--files` distinct articles (each with its own words and a few
paragraphs), as saved news pages with navigation, cookie banner, related stories, comments,
scripts and JSON-LD (.html), as Markdown notes with front matter and code (.md), and as
two-page PDFs with a running header and page numbers (.pdf), then times the reader in-process
on all of them (best of `--repeat` passes) and prints files/s and MB/s of input.

Boilerplate precision: of the sentences a reader gives, the share that belong to the article
(every generated article sentence carries a marker word; no boilerplate sentence does). Recall
(the share of article sentences found) is printed beside it. For PDFs it also measures pypdf's
plain `extract_text` on the same files, the alternative reader that was not chosen.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.articles.article import parse_article  # noqa: E402
from search.articles.split import split_article  # noqa: E402
from tests.test_formats import news_page  # noqa: E402

WORDS = [
    "ministers",
    "troops",
    "border",
    "ceasefire",
    "talks",
    "officials",
    "region",
    "council",
    "budget",
    "harbour",
    "election",
    "parliament",
    "observers",
    "convoy",
    "villages",
    "governor",
    "treaty",
    "exports",
    "grain",
    "railway",
]


def story(rng: random.Random, n: int) -> tuple[str, list[str]]:
    """A headline and paragraphs; every article sentence holds the marker `artN`."""
    paragraphs = []
    for _ in range(rng.randint(4, 7)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            words = rng.sample(WORDS, 9)
            sentences.append(f"The art{n} {' '.join(words)} were discussed on Tuesday.")
        paragraphs.append(" ".join(sentences))
    return f"Story art{n} about {rng.choice(WORDS)}", paragraphs


def as_html(headline: str, paragraphs: list[str]) -> bytes:
    return (
        news_page(body=paragraphs)
        .replace("Turkey offers peacekeepers for Ukraine", headline)
        .encode()
    )


def as_markdown(headline: str, paragraphs: list[str]) -> bytes:
    body = "\n\n".join(paragraphs)
    return (
        f"---\ntitle: {headline}\ndate: 2025-03-11\n---\n\n# {headline}\n\n{body}\n\n"
        "```\nprint('code is not text')\n```\n"
    ).encode()


def as_pdf(headline: str, paragraphs: list[str]) -> bytes:
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(headline)
    lines = [headline, ""]
    for paragraph in paragraphs:
        lines += [*textwrap.wrap(paragraph, 85), ""]
    half = len(lines) // 2
    for number, page in enumerate((lines[:half], lines[half:]), 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, 800, "The Daily Ledger — World news")
        pdf.drawString(280, 40, f"Page {number} of 2")
        y = 760
        pdf.setFont("Helvetica", 10)
        for line in page:
            pdf.drawString(72, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def precision_recall(sentences: list[str], n: int, expected: int) -> tuple[int, int, int]:
    marker = f"art{n}"
    good = sum(marker in s for s in sentences)
    return good, len(sentences), expected


def measure(name: str, files: list[tuple[int, int, bytes]], reader, repeat: int) -> None:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        results = [reader(data, f"f{n}{name}") for n, _expected, data in files]
        best = min(best, time.perf_counter() - started)
    good = total = expected = 0
    for (n, count, _data), sentences in zip(files, results, strict=True):
        g, t, e = precision_recall(sentences, n, count)
        good, total, expected = good + g, total + t, expected + e
    size = sum(len(data) for _n, _e, data in files) / 2**20
    print(
        f"{name:<14} {len(files) / best:8.0f} files/s {size / best:7.2f} MB/s  "
        f"precision {good / total:6.1%}  recall {good / expected:6.1%}  "
        f"({len(files)} files, {size:.1f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(11)
    stories = [story(rng, n) for n in range(args.files)]

    def expected(paragraphs: list[str]) -> int:
        return 1 + sum(len(split_article(p).sentences) for p in paragraphs)  # + the headline

    def ours(suffix):
        return lambda data, name: [s.text for s in parse_article(data, name + suffix).sentences]

    for suffix, build in ((".html", as_html), (".md", as_markdown), (".pdf", as_pdf)):
        files = [(n, expected(p), build(h, p)) for n, (h, p) in enumerate(stories)]
        measure(suffix, files, ours(suffix), args.repeat)
        if suffix == ".pdf":
            measure("pypdf (alt.)", files, pypdf_sentences, args.repeat)


def pypdf_sentences(data: bytes, _name: str) -> list[str]:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return [s.text for s in split_article(text).sentences]


if __name__ == "__main__":
    main()
