"""Which significance measure gives the better `search words` lists: JLH, G2 or chi-square.

    .venv/bin/python benchmarks/corpus.py /tmp/c20k --sentences 20000
    .venv/bin/python benchmarks/significance.py /tmp/c20k /tmp/sig

Copies the corpus, adds 40 coffee-market stories written from the vocabulary of Reuters'
coffee reports of the 1980s (the ICO, export quotas, Brazil, Colombia, bags, arabica,
robusta, roasters; each story mixes 6 of 24 sentences and a dateline) and 15 articles
that only mention coffee in passing (a coffee break, a coffee shop), indexes them, and
asks `Index.words("coffee")` under each measure. A good list names the market's own
vocabulary (`VOCABULARY`) and not the words every story uses; the report gives, for each
measure, its top 15 words, how many belong to the vocabulary (precision at 15), and how
many of them are common (in more than 1% of the archive's sentences).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.engine.indexer import update_index  # noqa: E402
from search.index import Index  # noqa: E402

STORY = [
    "The International Coffee Organization (ICO) council will meet in London next week.",
    "Brazil wants the ICO to restore export quotas suspended in February 1986.",
    "Coffee producers said a quota agreement was needed to defend prices.",
    "Colombia shipped 1.2 million bags of coffee in March, up from 900,000 bags.",
    "Each bag of coffee weighs 60 kilos.",
    "Roasters in the United States resisted a return to export quotas.",
    "Robusta coffee for May delivery fell 45 pounds to 1,320 pounds a tonne in London.",
    "Arabica futures in New York eased on talk of larger Brazilian shipments.",
    "The Brazilian Coffee Institute (IBC) opened export registrations for May.",
    "Consumers argued the quota system kept coffee prices artificially high.",
    "Ivory Coast, Africa's largest producer, backed the Brazilian position on quotas.",
    "Traders said coffee stocks in consuming countries were ample.",
    "The ICO executive board could not agree on how to share out the quotas.",
    "Brazil's coffee exports fell to 800,000 bags in April, the IBC said.",
    "Indonesia asked for a larger share of the global export quota.",
    "The coffee talks broke down over the basis for allocating quotas.",
    "Green coffee shipments from Colombia rose sharply in the first quarter.",
    "A frost in Parana state could cut Brazil's next coffee crop, traders said.",
    "The ICO's indicator price fell below the floor of the old quota band.",
    "Producers and consumers failed to reach a coffee agreement in London.",
    "Mexico said it would not sell coffee below the ICO floor price.",
    "Central American producers called for quotas by the end of the year.",
    "Robusta prices rose as Ivory Coast held back export sales.",
    "The coffee market expects the ICO to resume talks in September.",
]
IN_PASSING = [
    "The minister met reporters over coffee after the budget talks.",
    "A new coffee shop opened near the central bank on Monday.",
    "Delegates took a coffee break before the vote on the ceasefire.",
]
# The coffee market's own words: what a reader of the stories would call their vocabulary.
VOCABULARY = {
    "ico", "quotas", "quota", "brazil", "bags", "bag", "export", "exports", "colombia",
    "arabica", "robusta", "roasters", "producers", "producer", "consumers", "ibc",
    "brazilian", "shipments", "kilos", "tonne", "coast", "ivory", "organization",
    "indonesia", "frost", "parana", "crop", "green", "floor", "indicator", "council",
    "london", "consuming", "allocating", "registrations", "futures", "delivery",
    "mexico", "central", "american", "stocks", "institute", "international", "agreement",
}  # fmt: skip
MEASURES = ("jlh", "g2", "chi2")


def write_corpus(source: Path, target: Path, seed: int = 20) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target / "wire")
    rng = random.Random(seed)
    coffee = target / "coffee"
    coffee.mkdir()
    for number in range(40):
        day = rng.randint(1, 28)
        lines = rng.sample(STORY, 6)
        (coffee / f"story{number:02d}.txt").write_text(
            f"March {day}, 1987\n\n" + " ".join(lines) + "\n", "utf-8"
        )
    for number in range(15):
        (coffee / f"passing{number:02d}.txt").write_text(
            f"April {number + 1}, 1987\n\n{rng.choice(IN_PASSING)}\n", "utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a corpus from benchmarks/corpus.py")
    parser.add_argument("workdir", type=Path)
    args = parser.parse_args()
    articles = args.workdir / "articles"
    write_corpus(args.corpus, articles)
    index = args.workdir / "index"
    update_index(index, [articles], rebuild=True)
    with Index.open(index, budget=None) as opened:
        total = opened.status().sentences
        for measure in MEASURES:
            found = opened.words("coffee", limit=15, score=measure)
            top = [term.term for term in found.words]
            hits = sum(term in VOCABULARY for term in top)
            common = sum(term.archive > total / 100 for term in found.words)
            print(f"| {measure} | {hits}/15 | {common} | {', '.join(top)} |")
            print(f"|  phrases | | | {', '.join(t.term for t in found.phrases[:8])} |")
            print(f"|  names | | | {', '.join(t.term for t in found.names[:8])} |")


if __name__ == "__main__":
    main()
