"""Measure the sentence splitter on the gold sentence boundaries of UD English EWT.

Run from the repository root, with the treebank's .conllu files on disk (they are CC BY-SA 4.0
and not part of this repository; get them from github.com/UniversalDependencies/UD_English-EWT):

    python benchmarks/ewt_splitter.py en_ewt-ud-dev.conllu en_ewt-ud-test.conllu [--show 20]

How it is read: each `# newpar` or `# newdoc` marker starts a paragraph; the `# text =` lines of
a paragraph's sentences, joined by one space, are its running text. Every paragraph is split
alone with `search.articles.split.split_sentences`, and a boundary is the place between two
sentences of a paragraph, counted in non-whitespace characters from the paragraph's start (so
spacing does not matter). Reported: boundary precision, recall and F1 over all paragraphs, and
the share of gold sentences found exactly (same start and end). Paragraph starts and ends are
not counted.

Many EWT sentences (web forums, e-mail, reviews) end without punctuation or start in lowercase,
which no punctuation-driven splitter can find; recall is low on those by design. Precision and
the `--show`n errors are what this is for: each false split is a place where a sentence the
treebank keeps whole was cut.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.articles.split import split_sentences  # noqa: E402


def read_paragraphs(path: Path) -> list[list[str]]:
    """The paragraphs of a .conllu file, each a list of its sentences' texts."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("# newpar", "# newdoc")):
            if current:
                paragraphs.append(current)
            current = []
        elif line.startswith("# text = "):
            current.append(line[len("# text = ") :])
    if current:
        paragraphs.append(current)
    return paragraphs


def _cuts(sentences: list[str]) -> list[int]:
    """Non-whitespace characters before each sentence after the first."""
    cuts, count = [], 0
    for sentence in sentences[:-1]:
        count += len("".join(sentence.split()))
        cuts.append(count)
    return cuts


def _spans(sentences: list[str]) -> set[tuple[int, int]]:
    bounds = [0, *_cuts(sentences), sum(len("".join(s.split())) for s in sentences)]
    return set(zip(bounds, bounds[1:], strict=False))


def _context(text: str, cut: int, width: int = 60) -> str:
    """The paragraph around the non-whitespace offset `cut`, with `|` at the place."""
    seen = 0
    for i, ch in enumerate(text):
        if seen == cut and not ch.isspace():
            return (text[max(0, i - width) : i] + " | " + text[i : i + width]).replace("\n", " ")
        seen += not ch.isspace()
    return text[-width:] + " |"


def evaluate(paragraphs: list[list[str]], show: int) -> dict[str, float]:
    tp = fp = fn = exact = total = 0
    false_splits: list[str] = []
    missed: list[str] = []
    for gold in paragraphs:
        text = " ".join(gold)
        found = split_sentences(text)
        gold_cuts, found_cuts = set(_cuts(gold)), set(_cuts(found))
        tp += len(gold_cuts & found_cuts)
        fp += len(found_cuts - gold_cuts)
        fn += len(gold_cuts - found_cuts)
        total += len(gold)
        exact += len(_spans(gold) & _spans(found))
        false_splits += [_context(text, c) for c in sorted(found_cuts - gold_cuts)]
        missed += [_context(text, c) for c in sorted(gold_cuts - found_cuts)]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    if show:
        print(f"-- false splits ({len(false_splits)}), first {show}:")
        print("\n".join(false_splits[:show]))
        print(f"-- missed boundaries ({len(missed)}), first {show}:")
        print("\n".join(missed[:show]))
    return {
        "paragraphs": len(paragraphs),
        "sentences": total,
        "gold boundaries": tp + fn,
        "found boundaries": tp + fp,
        "precision": precision,
        "recall": recall,
        "F1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "sentences exact": exact / total if total else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("conllu", type=Path, nargs="+", help="EWT .conllu files")
    parser.add_argument("--show", type=int, default=0, help="print this many errors of each kind")
    args = parser.parse_args()
    paragraphs = [p for path in args.conllu for p in read_paragraphs(path)]
    for name, value in evaluate(paragraphs, args.show).items():
        shown = f"{value:.4f}" if isinstance(value, float) else f"{value}"
        print(f"{name:>18}: {shown}")


if __name__ == "__main__":
    main()
