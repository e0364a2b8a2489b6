"""Compare our sentence splitter with pySBD and sentencex: accuracy and speed.

Run from the repository root:

    python benchmarks/compare_splitters.py [--mb 4 | --corpus DIR] [--runs 10] [--other-kb 300]

For each splitter the table gives:

- golden /48: English Golden Rules passed (tests/data/golden_rules_en.json), expected and actual
  sentences compared after whitespace normalisation;
- seed, sent. 11: sentences found in the seed article (right: 20) and whether sentence 11,
  hard-wrapped after "U.S.", comes out whole. Ours reads the file; the others, which know no
  datelines, read it without its first line;
- MB/s: MB = len(text.encode()) / 1e6 over the time of the best of --runs passes
  (time.perf_counter) splitting every article, one call per article. The corpus is synthetic
  news built from a fixed random seed (the seed article plus articles with datelines,
  headlines, hard-wrapped, one-sentence-per-line and CRLF files, abbreviations, initials,
  quotes, money, percentages, times, URLs and ellipses), or the .txt files of --corpus DIR
  (e.g. made by benchmarks/corpus.py). A splitter slower than 5 MB/s is timed on the first
  --other-kb kilobytes only (whole articles), with half the runs.

pySBD and sentencex are optional: a splitter whose package is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.articles.split import split_article  # noqa: E402

GOLDEN = ROOT / "tests" / "data" / "golden_rules_en.json"
SEED = ROOT / "seeds" / "000_88ce9bbce3777626.txt"

_FIRST = ["John", "Maria", "Ahmed", "Olena", "Carlos", "Wei", "Fatima", "Peter", "Anna", "Sofia"]
_LAST = ["Smith", "Kovalenko", "Garcia", "Chen", "Okafor", "Yilmaz", "Novak", "Haddad", "Park"]
_TITLES = ["Gen.", "Lt. Col.", "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Rep.", "Gov.", "Prof.", "Sgt."]
_ORGS = [
    "Acme Corp.",
    "Pitt, Briggs & Co.",
    "Globex Inc.",
    "the U.N.",
    "the E.U.",
    "NATO",
    "the Pentagon",
    "the World Bank",
    "Initech Ltd.",
]
_PLACES = [
    "Kyiv",
    "Washington, D.C.",
    "St. Louis",
    "the U.S.",
    "the U.K.",
    "Ankara",
    "Riyadh",
    "Brussels",
    "Portland, Ore.",
    "Sacramento, Calif.",
    "Mt. Vernon",
]
_MONTHS = ["Jan.", "Feb.", "March", "April", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_VERBS = ["said", "told reporters", "warned", "added", "wrote in a statement", "argued"]
_TOPICS = [
    "the ceasefire talks",
    "the budget deficit",
    "interest rates",
    "the peacekeeping plan",
    "energy prices",
    "the election results",
    "grain exports",
    "the trade agreement",
]
# Wire-copy sentences of realistic length (news averages 20-25 words, 120-150 characters).
_TEMPLATES = [
    "{title} {name} {verb} on {weekday} that {topic} would dominate the agenda when leaders"
    " meet in {place} next month, although several delegations have yet to confirm attendance.",
    "The deal, worth about ${money} billion over five years, was signed on {month} {day} after"
    " months of negotiations that at one point appeared close to collapse.",
    "Consumer prices rose {pct}% in {month} from a year earlier, the fastest pace since {year},"
    " according to figures published by {org} on {weekday}.",
    '"We are ready to do whatever is necessary," {title} {name} {verb}, adding that {topic}'
    " could not wait until after the elections.",
    '"We are ready." {name2} left the room without taking questions from the dozens of reporters'
    " who had waited outside the ministry since early morning.",
    "At {hour} a.m. {title} {name} arrived at the airport in {place}, where a small crowd of"
    " supporters had gathered despite the rain and the heavy police presence.",
    "The meeting ended shortly before {hour} p.m. Officials from both sides declined to comment"
    " on {topic}, saying only that talks would continue.",
    "Shares of {org} fell {pct}% to ${price} in early trading in New York after the company cut"
    " its forecast for the rest of the year.",
    "{initials} {last}, a spokesman for {org}, {verb} that the figures were preliminary and"
    " could be revised once data from the remaining regions had been collected.",
    "Is this the beginning of the end for {topic}? Analysts in {place} are not so sure, and"
    " several of them warned against reading too much into a single month of data.",
    "Prices fell sharply on {weekday}! Traders blamed {topic} and a stronger dollar, while some"
    " pointed to the unusually thin volumes ahead of the holiday weekend.",
    "The full report (published on {month} {day} and running to more than {day2}00 pages) is"
    " available at https://www.example.org/reports/{year}/summary.html for anyone who wants it.",
    "Questions about the program can be sent to press.office@example.com. Officials said"
    " replies would normally take about {day} working days.",
    "Turnout was {pct}% in District No. {day}, up from {pct2}% in {year}, a rise that election"
    " officials attributed to the new early-voting rules.",
    "The {year} treaty, signed in {place}, covers troops, tanks, artillery, aircraft, etc. It"
    " expires at the end of next year unless both parliaments vote to extend it.",
    "Critics of {org} vs. {org2} said the case could take years to resolve... The court"
    " disagreed and set a hearing for early {month}.",
    "{title} {name} met {title2} {name2} in {place} to discuss {topic} and {topic2}, the first"
    " such meeting since the two sides broke off contacts in {year}.",
    "Roughly {thousands},000 people live in the area, about {pct}% of them refugees who fled"
    " the fighting in the east, according to estimates by local authorities.",
    "It was the first visit by a U.S. president to {place} since {year}, and it came at a"
    " moment when relations between the two governments were unusually strained.",
    "The company, which is based in {place} and employs about {thousands},000 people"
    " worldwide, said it expected the restructuring to be completed by the end of {year}.",
    "Officials in {place} said the talks would resume on {month} {day} at {hour}:30 a.m. local"
    " time, though they cautioned that the schedule could still change.",
    "He described {topic} as \u201ca test of resolve for the whole alliance\u201d and said more"
    " talks were needed before any decision could be taken.",
    "The final vote was {day} to {hour}, with {day2} abstentions, a far narrower result than"
    " most observers in {place} had predicted before the session began.",
    "{name} {last} Jr. said the family had lived in {place} for more than {day} years and had"
    " no intention of leaving, whatever the outcome of the negotiations.",
    "According to the latest estimates from the U.N. refugee agency, more than {thousands},000"
    " people have been displaced since the fighting began in {month}.",
    "The minister, who took office in {year}, has repeatedly said that {topic} is a matter for"
    " the courts and not for the government to decide.",
]


def _sentence(rng: random.Random) -> str:
    def person() -> str:
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"

    text = rng.choice(_TEMPLATES).format(
        title=rng.choice(_TITLES),
        title2=rng.choice(_TITLES),
        name=person(),
        name2=person(),
        last=rng.choice(_LAST),
        initials=f"{rng.choice('ABCDJKMRT')}. {rng.choice('ABCDJKMRT')}.",
        weekday=rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        verb=rng.choice(_VERBS),
        topic=rng.choice(_TOPICS),
        topic2=rng.choice(_TOPICS),
        place=rng.choice(_PLACES),
        org=rng.choice(_ORGS),
        org2=rng.choice(_ORGS),
        month=rng.choice(_MONTHS),
        day=rng.randint(1, 28),
        day2=rng.randint(1, 9),
        year=rng.randint(1990, 2024),
        hour=rng.randint(1, 11),
        money=f"{rng.randint(1, 99)}.{rng.randint(1, 9)}",
        price=f"{rng.randint(5, 500)}.{rng.randint(10, 99)}",
        pct=f"{rng.randint(1, 20)}.{rng.randint(1, 9)}",
        pct2=rng.randint(1, 60),
        thousands=rng.randint(2, 900),
    )
    return re.sub(r"(?<=\w)\.\.(?!\.)", ".", text)  # "Acme Corp.." at a sentence end


def _article(rng: random.Random) -> str:
    date = f"{rng.choice(['March', 'Sept.', 'Jan.', 'July'])} {rng.randint(1, 28)}, 2025"
    paragraphs = [
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        for _ in range(rng.randint(4, 12))
    ]
    style = rng.random()
    if style < 0.3:  # one paragraph per line, no blank lines, like the seed
        body = "\n".join(paragraphs)
    elif style < 0.6:  # hard-wrapped at 72 columns, blank lines between paragraphs
        body = "\n\n".join(textwrap.fill(p, 72, break_on_hyphens=False) for p in paragraphs)
    else:
        body = "\n\n".join(paragraphs)
    headline = f"{rng.choice(_ORGS).title()} Weighs Options on {rng.choice(_TOPICS).title()}"
    text = f"{date}\n{headline}\n\n{body}\n"
    return text.replace("\n", "\r\n") if rng.random() < 0.1 else text


def news_corpus(megabytes: float, seed: int = 0) -> list[str]:
    """Synthetic news articles (plus the seed article) totalling about `megabytes` MB."""
    rng = random.Random(seed)
    articles = [SEED.read_text(encoding="utf-8")]
    size = len(articles[0].encode())
    while size < megabytes * 1e6:
        articles.append(_article(rng))
        size += len(articles[-1].encode())
    return articles


def _ours(text: str) -> list[str]:
    return [s.text for s in split_article(text).sentences]


def _splitters() -> dict[str, Callable[[str], list[str]] | str]:
    """Name -> function returning the sentences of a text, or a reason it is skipped."""
    found: dict[str, Callable[[str], list[str]] | str] = {"search.articles.split (ours)": _ours}
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
        found["pySBD " + getattr(pysbd, "__version__", "")] = segmenter.segment
    except ImportError:
        found["pySBD"] = "skipped: pysbd is not installed (pip install pysbd)"
    try:
        import sentencex

        found["sentencex"] = lambda text: list(sentencex.segment("en", text))
    except ImportError:
        found["sentencex"] = "skipped: sentencex is not installed (pip install sentencex)"
    return found


def _normal(sentences: list[str]) -> list[str]:
    """Whitespace-normalised sentences, empty ones dropped."""
    return [" ".join(s.split()) for s in sentences if s.strip()]


def golden_score(split: Callable[[str], list[str]]) -> tuple[int, int, list[str]]:
    """Golden rules passed, out of how many, and the ids of those failed."""
    cases = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]
    failed = [str(c["id"]) for c in cases if _normal(split(c["text"])) != _normal(c["expect"])]
    return len(cases) - len(failed), len(cases), failed


SENTENCE_11_START = "According to defense policy analyses"


def seed_result(split: Callable[[str], list[str]]) -> tuple[int, bool]:
    """Sentences found in the seed and whether sentence 11 is whole across its line wrap.

    Ours gets the file; the others, which know no datelines, get it without its first line.
    """
    text = SEED.read_text(encoding="utf-8")
    if split is not _ours:
        text = text.split("\n", 1)[1]
    sentences = _normal(split(text))
    eleventh = [s for s in sentences if s.startswith(SENTENCE_11_START)]
    return len(sentences), len(eleventh) == 1 and eleventh[0].endswith("peace plan.")


def _megabytes(articles: list[str]) -> float:
    return sum(len(a.encode()) for a in articles) / 1e6


def mb_per_s(split: Callable[[str], list[str]], articles: list[str], runs: int) -> float:
    """Best of `runs` timings of splitting every article, in MB/s."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        for article in articles:
            split(article)
        best = min(best, time.perf_counter() - t0)
    return _megabytes(articles) / best


def _read_corpus(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=4.0, help="size of the synthetic corpus (MB)")
    parser.add_argument("--corpus", type=Path, help="time on the .txt files of this folder instead")
    parser.add_argument("--runs", type=int, default=10, help="timed runs, the best is kept")
    parser.add_argument(
        "--other-kb", type=float, default=300, help="corpus prefix for slow splitters (kB)"
    )
    args = parser.parse_args()

    articles = _read_corpus(args.corpus) if args.corpus else news_corpus(args.mb)
    prefix: list[str] = []
    prefix_bytes = 0
    for article in articles:
        if prefix_bytes >= args.other_kb * 1e3:
            break
        prefix.append(article)
        prefix_bytes += len(article.encode())
    sentences = sum(len(split_article(a).sentences) for a in articles)
    source = args.corpus or f"synthetic news, seed 0, --mb {args.mb:g}"
    print(
        f"corpus: {source}: {len(articles)} articles, {_megabytes(articles):.2f} MB,"
        f" {_megabytes(articles) * 1e6 / max(1, sentences):.0f} bytes per sentence (ours)"
    )
    header = ["splitter", "golden /48", "seed", "sent. 11", "MB/s", "timed on", "failed ids"]
    print("{:<20} {:>10} {:>5} {:>8} {:>8} {:>9}  {}".format(*header))
    for name, split in _splitters().items():
        if isinstance(split, str):
            print(f"{name:<20} {split}")
            continue
        passed, total, failed = golden_score(split)
        count, joined = seed_result(split)
        timed = articles
        if split is not _ours and mb_per_s(split, prefix, 1) < 5:  # too slow for the whole corpus
            timed = prefix
        speed = mb_per_s(split, timed, args.runs if timed is articles else max(1, args.runs // 2))
        print(
            f"{name:<20} {f'{passed}/{total}':>10} {count:>5} {'whole' if joined else 'split':>8}"
            f" {speed:>8.2f} {f'{_megabytes(timed):.2f} MB':>9}  {', '.join(failed) or '-'}"
        )


if __name__ == "__main__":
    main()
