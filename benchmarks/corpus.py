"""A deterministic generator of news-like articles, for the benchmarks.

Every article is one `.txt` file shaped like the seed article and like what users feed
`search index`:

- a first line that is only a date (varied formats, dates across 2024 and 2025);
- sometimes a headline (a line without final punctuation) in a paragraph of its own;
- paragraphs separated by blank lines and hard-wrapped at 72 columns, so that sentences
  run across line breaks;
- sentences with abbreviations (U.S., U.N., E.U., Gen., Lt. Col., Mr., Dr., a.m., No. 5,
  vs.), initials, quotations ("We are ready," the minister said.), questions, money,
  percentages and large numbers;
- a vocabulary with a long tail: a few hundred real news words plus thousands of invented
  words drawn with Zipf-like weights, so the index has rare and common terms as real text
  does.

Fixed marker words (`MARKERS`) each appear in a known, small number of sentences, whatever
the size of the corpus, so a query for a rare word has a known number of hits.

The same `(sentences_total, seed)` always gives byte-identical files: everything is drawn
from one seeded `random.Random`.

Usage: python benchmarks/corpus.py OUT_DIR --sentences 20000 [--seed 0]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Rare marker words and how many sentences of the corpus contain each (when it has that many).
MARKERS = {"zorblatt": 5, "quixotrel": 3}

WRAP_COLUMNS = 72
SENTENCES_PER_ARTICLE = (15, 25)
SENTENCES_PER_PARAGRAPH = (1, 5)


def _words(text: str) -> list[str]:
    return text.split()


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_ABBREVIATIONS = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

FIRST_NAMES = _words(
    "Anna Ahmet Carlos Chen Daniel Elena Fatima Hans Ingrid James Kenji Laura Lucia Maria "
    "Mehmet Mohammed Nadia Olga Omar Pablo Priya Rachel Samuel Sofia Tariq Thomas Viktor "
    "Volodymyr William Yusuf Zainab Emma Noah Amir Irina Jonas Leila Marco Ana Pierre"
)
LAST_NAMES = _words(
    "Smith Johnson Garcia Kowalski Yilmaz Demir Petrov Ivanova Nakamura Okafor Rossi Schmidt "
    "Dubois Haddad Novak Silva Costa Kaya Andersen Fischer Moreau Lindqvist Mensah Brennan "
    "Oyelaran Castillo Horvath Varga Larsen Keller Romano Ferreira Sato Wagner Morales Mazur "
    "Ortiz Popescu Jansen Koval Shevchenko Erdogan Zelensky Sullivan Whitaker Abara Nguyen"
)
TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt. Col.", "President", "Minister"]
ROLES = [
    "minister",
    "foreign minister",
    "spokesman",
    "spokeswoman",
    "ambassador",
    "general",
    "senator",
    "analyst",
    "official",
    "governor",
    "mayor",
    "negotiator",
]
COUNTRIES = _words(
    "Turkey Ukraine Russia Germany France Poland Japan Brazil India Kenya Nigeria Mexico "
    "Canada Egypt Israel Jordan Spain Italy Sweden Norway Finland Greece Romania Hungary "
    "Argentina Chile Indonesia Vietnam Pakistan Morocco"
)
CITIES = _words(
    "Ankara Kyiv Moscow Berlin Paris Warsaw Tokyo Brasilia Nairobi Lagos Geneva Brussels "
    "Washington London Riyadh Istanbul Vienna Madrid Rome Stockholm Oslo Helsinki Athens"
)
ORGANIZATIONS = [
    "the U.N. Security Council",
    "the E.U. Commission",
    "NATO",
    "the World Bank",
    "the central bank",
    "the Ministry of Defense",
    "the finance ministry",
    "the International Monetary Fund",
    "the parliament",
    "the opposition party",
    "the U.S. State Department",
    "the election commission",
]
NOUNS = _words(
    "government ceasefire agreement budget economy election treaty sanctions tariffs "
    "negotiations reform parliament minister troops border pipeline inflation market "
    "proposal coalition referendum summit delegation investment infrastructure security "
    "alliance strategy crisis policy law court ruling protest vote deal talks program "
    "strike conflict region aid refugees energy exports imports currency debt deficit "
    "peace war army navy industry workers union farmers prices wages loans banks report "
    "investigation inquiry scandal campaign candidate majority minority constitution "
    "sovereignty diplomacy embassy relations partnership framework mission deployment"
)
ADJECTIVES = _words(
    "new significant critical major historic controversial fragile ambitious long-awaited "
    "urgent regional national international economic political military diplomatic "
    "temporary permanent bilateral strategic uncertain modest sweeping rare broad"
)
VERBS_PAST = _words(
    "announced approved rejected signed criticized proposed delayed extended suspended "
    "welcomed questioned negotiated endorsed revised blocked reviewed defended unveiled"
)
VERBS_BASE = _words(
    "support reject sign review extend delay approve negotiate strengthen weaken secure "
    "renew finance monitor restore"
)
PHRASES = [
    "the peace talks",
    "the ceasefire agreement",
    "negotiations with the government",
    "the government's budget",
    "a parliament vote on the treaty",
    "renewed sanctions",
    "new tariffs on imports",
    "the negotiators' latest offer",
]

_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ["a", "e", "i", "o", "u", "ai", "ou"]]
_ENDINGS = ["", "n", "r", "s", "t", "l", "m", "x"]
LONG_TAIL_WORDS = 20000
ZIPF_EXPONENT = 1.07
ZIPF_OFFSET = 30  # Zipf-Mandelbrot: flattens the head, so no invented word is as common as "the"


@dataclass
class CorpusSummary:
    """What `generate` wrote."""

    folder: Path
    articles: int = 0
    sentences: int = 0
    bytes: int = 0
    marker_hits: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        markers = ", ".join(f"{word}: {n}" for word, n in self.marker_hits.items())
        return (
            f"{self.articles} articles, {self.sentences} sentences, "
            f"{self.bytes / 1e6:.1f} MB in {self.folder} (markers {markers})"
        )


class NewsWriter:
    """Draws dates, names, numbers and sentences from one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.long_tail = _long_tail_vocabulary(random.Random(seed + 1), LONG_TAIL_WORDS)
        weights = [
            1.0 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT
            for rank in range(1, len(self.long_tail) + 1)
        ]
        self.cum_weights = list(itertools.accumulate(weights))
        self.templates: list[Callable[[], str]] = [
            self.statement,
            self.quote_then_speaker,
            self.quote_speaker_first,
            self.money,
            self.morning_crowd,
            self.ranking,
            self.us_and_eu,
            self.question,
            self.initials,
            self.troops,
            self.since_month,
            self.versus,
            self.percentage,
        ]

    # Small draws ---------------------------------------------------------------------

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def filler(self, low: int = 3, high: int = 9) -> str:
        """A run of words from the long tail, mixed with real nouns."""
        count = self.rng.randint(low, high)
        words = self.rng.choices(self.long_tail, cum_weights=self.cum_weights, k=count)
        if self.rng.random() < 0.5:
            words.insert(self.rng.randrange(len(words) + 1), self.pick(NOUNS))
        return " ".join(words)

    def person(self) -> str:
        return f"{self.pick(TITLES)} {self.pick(LAST_NAMES)}"

    def full_name(self) -> str:
        return f"{self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"

    def thing(self) -> str:
        return f"the {self.pick(ADJECTIVES)} {self.pick(NOUNS)}"

    def big_number(self) -> str:
        return f"{self.rng.randrange(1000, 900000):,}"

    # Sentence templates -------------------------------------------------------------------

    def statement(self) -> str:
        return (
            f"{self.person()} said {self.thing()} would {self.pick(VERBS_BASE)} "
            f"{self.pick(PHRASES)} amid {self.filler()}."
        )

    def quote_then_speaker(self) -> str:
        return (
            f'"We are ready to {self.pick(VERBS_BASE)} {self.pick(PHRASES)} and '
            f'{self.filler(2, 5)}," the {self.pick(ROLES)} said.'
        )

    def quote_speaker_first(self) -> str:
        return (
            f'{self.full_name()}, the {self.pick(ROLES)}, said: "The {self.pick(NOUNS)} '
            f'is not over, and the government knows it."'
        )

    def money(self) -> str:
        return (
            f"The {self.pick(COUNTRIES)} government {self.pick(VERBS_PAST)} "
            f"${self.rng.randint(1, 99)}.{self.rng.randint(1, 9)} billion for "
            f"{self.pick(NOUNS)} and {self.filler(2, 6)}, a {self.rng.randint(1, 19)}."
            f"{self.rng.randint(0, 9)}% increase over last year."
        )

    def morning_crowd(self) -> str:
        return (
            f"At {self.rng.randint(6, 11)}:{self.rng.randint(0, 5)}0 a.m. on "
            f"{self.pick(WEEKDAYS)}, about {self.big_number()} people gathered in "
            f"{self.pick(CITIES)} to protest {self.thing()} and {self.filler(2, 6)}."
        )

    def ranking(self) -> str:
        return (
            f"{_capitalized(self.pick(ORGANIZATIONS))} ranked the plan "
            f"No. {self.rng.randint(1, 9)} among {self.rng.randint(10, 40)} "
            f"proposals on {self.filler()}."
        )

    def us_and_eu(self) -> str:
        return (
            f"The U.S. and the E.U. {self.pick(VERBS_PAST)} {self.thing()} on "
            f"{self.pick(WEEKDAYS)}, officials in {self.pick(CITIES)} said, citing "
            f"{self.filler(2, 6)}."
        )

    def question(self) -> str:
        return (
            f"Will {self.thing()} survive the {self.pick(NOUNS)} in {self.pick(COUNTRIES)} "
            f"and {self.filler(2, 5)}?"
        )

    def initials(self) -> str:
        return (
            f"{self.pick(FIRST_NAMES)} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. "
            f"{self.pick(LAST_NAMES)} of the U.N. {self.pick(VERBS_PAST)} {self.thing()} "
            f"after {self.filler()}."
        )

    def troops(self) -> str:
        return (
            f"{self.pick(COUNTRIES)} might need to match the strength of roughly "
            f"{self.big_number()} U.S. troops, {self.person()} told the minister in "
            f"{self.pick(CITIES)}."
        )

    def since_month(self) -> str:
        month = self.pick(MONTH_ABBREVIATIONS)
        return (
            f"Since {month} {self.rng.randint(1, 28)}, {self.pick(ORGANIZATIONS)} has "
            f"{self.pick(VERBS_PAST)} {self.pick(PHRASES)} {self.rng.randint(2, 9)} times, "
            f"according to {self.filler(2, 5)}."
        )

    def versus(self) -> str:
        return (
            f"The debate over {self.pick(NOUNS)} vs. {self.pick(NOUNS)} divided the "
            f"parliament, and Dr. {self.pick(LAST_NAMES)} called it {self.filler(2, 6)}."
        )

    def percentage(self) -> str:
        return (
            f"Inflation in {self.pick(COUNTRIES)} reached {self.rng.randint(1, 30)}."
            f"{self.rng.randint(0, 9)}% in {self.pick(MONTHS)}, while the ceasefire "
            f"talks with the government stalled over {self.filler(2, 6)}."
        )

    def marker_sentence(self, marker: str) -> str:
        return (
            f"A report known as the {marker} file was cited by "
            f"{self.pick(ORGANIZATIONS)} on {self.pick(WEEKDAYS)}."
        )

    def sentence(self) -> str:
        return self.pick(self.templates)()

    def headline(self) -> str:
        words = [self.pick(COUNTRIES), self.pick(VERBS_PAST), self.pick(ADJECTIVES)]
        return " ".join(words + [self.pick(NOUNS)]).title()

    def dateline(self) -> str:
        year = self.rng.choice([2024, 2025])
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28)
        style = self.rng.randrange(5)
        if style == 0:
            return f"{MONTHS[month - 1]} {day}, {year}"
        if style == 1:
            return f"{day} {MONTHS[month - 1]} {year}"
        if style == 2:
            return f"{year}-{month:02d}-{day:02d}"
        if style == 3:
            return f"{MONTHS[month - 1][:3]}. {day}, {year}"
        return f"{self.pick(WEEKDAYS)}, {MONTHS[month - 1]} {day}, {year}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _long_tail_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Invented, pronounceable words (never a marker), most frequent first."""
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choices(_SYLLABLES, k=rng.randint(2, 4))
        word = "".join(syllables) + rng.choice(_ENDINGS)
        if word not in MARKERS:
            words[word] = None
    return list(words)


def _wrap(paragraph: str) -> str:
    return textwrap.fill(paragraph, WRAP_COLUMNS, break_long_words=False, break_on_hyphens=False)


def article_text(writer: NewsWriter, sentences: list[str], headline: str | None) -> str:
    """One article: dateline, optional headline, wrapped paragraphs of `sentences`."""
    paragraphs = []
    index = 0
    while index < len(sentences):
        size = writer.rng.randint(*SENTENCES_PER_PARAGRAPH)
        paragraphs.append(_wrap(" ".join(sentences[index : index + size])))
        index += size
    if headline:
        paragraphs.insert(0, headline)
    separator = "\n\n" if writer.rng.random() < 0.5 else "\n"
    return writer.dateline() + separator + "\n\n".join(paragraphs) + "\n"


def _marker_positions(rng: random.Random, total: int) -> dict[int, str]:
    """Which global sentence numbers carry which marker word."""
    wanted = [word for word, count in MARKERS.items() for _ in range(count)]
    positions = rng.sample(range(total), min(total, len(wanted)))
    return dict(zip(positions, wanted, strict=False))


def generate(folder: str | os.PathLike, sentences_total: int, seed: int = 0) -> CorpusSummary:
    """Write articles into `folder` until they hold `sentences_total` sentences in all.

    A headline counts as a sentence (the splitter makes it one). Returns what was written.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    writer = NewsWriter(seed)
    markers = _marker_positions(writer.rng, sentences_total)
    summary = CorpusSummary(out, marker_hits=dict.fromkeys(MARKERS, 0))
    while summary.sentences < sentences_total:
        remaining = sentences_total - summary.sentences
        count = min(remaining, writer.rng.randint(*SENTENCES_PER_ARTICLE))
        has_headline = count > 1 and writer.rng.random() < 0.3
        first = summary.sentences + (1 if has_headline else 0)
        body = []
        for number in range(first, summary.sentences + count):
            marker = markers.get(number)
            if marker:
                summary.marker_hits[marker] += 1
                body.append(writer.marker_sentence(marker))
            else:
                body.append(writer.sentence())
        headline = writer.headline() if has_headline else None
        text = article_text(writer, body, headline)
        name = f"{summary.articles:06d}_{writer.rng.getrandbits(64):016x}.txt"
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        summary.articles += 1
        summary.sentences += count
        summary.bytes += len(data)
    return summary


REVISED_SENTENCE = "The ministry revised its statement on Friday after new figures emerged."


def revise_article(path: Path, bump_seconds: float = 10.0) -> None:
    """Replace the tail of an article (from its last ". " or line break) with a new sentence.

    The mtime moves forward too, as an editor's save would, so that the size+mtime check
    cannot mistake the file for unchanged.
    """
    text = path.read_text(encoding="utf-8").rstrip("\n")
    last_end = max(text.rfind(". ", 0, len(text) - 1), text.rfind("\n", 0, len(text) - 1))
    revised = text[: last_end + 1] + " " + REVISED_SENTENCE + "\n"
    path.write_text(revised, encoding="utf-8")
    status = path.stat()
    bumped = status.st_mtime_ns + int(bump_seconds * 1e9)
    os.utime(path, ns=(status.st_atime_ns, bumped))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="Folder to write the articles into.")
    parser.add_argument("--sentences", type=int, default=20000, help="Sentences in all.")
    parser.add_argument("--seed", type=int, default=0, help="Random seed (same seed, same files).")
    args = parser.parse_args(argv)
    print(generate(args.out_dir, args.sentences, args.seed).describe())


if __name__ == "__main__":
    main()
