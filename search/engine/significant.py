"""The words that set a query's matches apart from the whole archive: `search words`.

As Elasticsearch's `significant_text`: the matching sentences (the foreground) are read
again and their words and two-word phrases counted, each in how many sentences it
appears; the archive (the background) gives each term's count from the index itself.
A term scores by how much more often it appears in the foreground than in the
background: Dunning's log-likelihood G2 by default, Elasticsearch's JLH and chi-square as
alternatives (README "Distinctive words" gives the comparison and why G2).

- **Sample**: the foreground is read from the stored sentences, so a large match set is
  sampled: at most SAMPLE_SIZE sentences, evenly spaced over the matches in index order
  (deterministic). The counts shown in the matches are then the sample's counts scaled to
  the whole match set, and `sampled` says so.
- **Background**: a word's count is its document frequency in the `words` field (every
  word, lowercased, unstemmed): a term-dictionary lookup, exact. A two-word phrase's (or a
  name of several words) is estimated from a background sample of BACKGROUND_SIZE
  sentences evenly spaced over the whole index (read once per open index), scaled to the
  index, and never less than its count in the matches: a phrase search per candidate on
  the `text` positions cost 190 ms each for common pairs (11 s for 60 at 20k sentences).
- **Words** are the `words` field's own (`NewsroomTokenizer("words")`, whatever the
  sentence's language): one per position, as written and lowercased when the field holds
  that spelling (`zürich`), else its folded form (`U.S.` is `us`), so that a word's
  background is the field's exact count of it.
- **Copies**: a sentence held by several articles (copies of one story, `copy` key) is
  read once; the archive's counts leave out the other copies of the matching sentences
  (`extra`), so a story wired to ten papers counts once on both sides.
- **Names**: runs of capitalised words in the sentences as written (`Brazil`, `Jorge
  Cardenas`, `ICO`, `Эрдоган`, `Çavuşoğlu`), the word that opens a sentence left out when,
  lowercased, it is in more than COMMON_SHARE of the archive's sentences (`The`, `He`,
  `Since`); scored the same way against the archive (a one-word name's background is its
  lowercase word's count, an upper bound, so its score is a lower bound).
- Terms seen in fewer than MIN_COUNT foreground sentences, the query's own words (their
  English stem, or their lemma in the sentence's language), and phrases with a word in more
  than COMMON_PHRASE_SHARE of the archive's sentences are left out.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from ..language import DEFAULT, LANGUAGES
from ..model import Significant, SignificantTerm
from .analysis import term as language_term
from .kept import kept, snapshot_key
from .schema import shared_analyzer
from .words import NewsroomTokenizer

SAMPLE_SIZE = 2_000
BACKGROUND_SIZE = 5_000
MIN_COUNT = 3
# A phrase with a common word (in more than this share of the archive's sentences, and not
# twice as frequent in the matches: the, of, said) is left out: such pairs ride on the
# query's own words ("the government" for `government`).
COMMON_PHRASE_SHARE = 0.05
# A sentence-initial capitalised word is a name only if its lowercase form is rarer than this
# share of the archive's sentences (`The`, `He`, `But` are far more common).
COMMON_SHARE = 0.002

_WORD = re.compile(r"\w")
_POSSESSIVE = re.compile(r"['’]s$")
# The capitals of the alphabets we read (Latin with its accents, Greek, Cyrillic): Python's
# `re` has no class for them.
_CAPITALS = "".join(sorted({chr(c) for c in range(0x530) if chr(c).isupper()}))
_CAPITAL = f"[{re.escape(_CAPITALS)}]"
_NAME = re.compile(
    rf"(?:{_CAPITAL}[\w'’.-]*\w|{_CAPITAL})(?:\s+(?:{_CAPITAL}[\w'’.-]*\w|{_CAPITAL}))*"
)
_TOKENIZER = NewsroomTokenizer("words")


def significant(
    searcher,
    documents: Iterable[int],
    exclude: set[str],
    limit: int = 20,
    score: str = "g2",
    check: Callable[[], None] = lambda: None,
    sample_size: int | None = None,
    background: _Counts | None = None,
    extra: Callable[[int], int] | None = None,
) -> Significant:
    """The distinctive words, phrases and names of `documents` against the whole index.

    `exclude`: the `text` terms of the query's own words (English stems, other languages'
    lemmas), left out. `check` is called now and then (the caller's deadline).
    `background`: the counts of `background_sample(reader)`, if the caller keeps them.
    `extra`: for a document of `documents`, how many other documents of the index hold the
    same sentence (copies of its story, left out of `documents`); read for the sample only."""
    reader = searcher.reader()
    matched = sorted(documents)
    sentences = _texts(reader, _sample(matched, sample_size or SAMPLE_SIZE), extra)
    check()
    words_df = _words_frequency(reader)
    if background is None:
        background = background_sample(reader, words_df)
    languages = {sentence.language for sentence in sentences}
    total = max(background.sentences_in(languages), len(matched))
    foreground = _Foreground(sentences, len(matched), total, words_df)
    foreground.background = background
    stems = _stems(exclude)
    unigrams = [
        foreground.term(word, held, foreground.archive(word), score)
        for word, held in foreground.words.items()
        if held >= MIN_COUNT and not foreground.own(word, stems)
    ]
    phrases = _phrases(foreground, stems, score)
    names = _names(foreground, stems, score)
    return Significant(
        matches=len(matched),
        sample=len(sentences),
        sampled=len(sentences) < len(matched),
        archive=foreground.total,
        score=score,
        words=_top(unigrams, limit),
        phrases=_top(phrases, limit),
        names=_top(names, limit),
    )


class _Sentence(NamedTuple):
    text: str
    language: str  # ISO 639-1
    extra: int = 0  # how many other documents (copies) hold the same sentence


class _Counts:
    """Per term, how many of a sample of sentences hold it: words, two-word phrases, names;
    and per word, how many copies of those sentences the archive holds besides them."""

    def __init__(
        self, sentences: list[_Sentence], total: int, words_df: Callable[[str], int]
    ) -> None:
        self.size = len(sentences)
        self.total = total
        self.words: Counter[str] = Counter()
        self.copies: Counter[str] = Counter()
        self.phrases: Counter[tuple[str, str]] = Counter()
        self.names: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()  # sentences per language
        self.words_df = words_df
        common = COMMON_SHARE * max(total, 1)
        for sentence in sentences:
            tokens = words_of(sentence.text, sentence.language)
            self.words.update(set(tokens))
            if sentence.extra:
                self.copies.update(dict.fromkeys(set(tokens), sentence.extra))
            self.phrases.update(set(itertools.pairwise(tokens)))
            self.names.update(_names_in(sentence.text, words_df, common))
            self.languages[sentence.language] += 1
        self.extra = sum(sentence.extra for sentence in sentences)

    def estimate(self, held: int) -> int:
        """A count in this sample, scaled to the whole index."""
        return round(held * self.total / self.size) if self.size else 0

    def sentences_in(self, languages: set[str]) -> int:
        """How many sentences of the index are in `languages`: all of them when the sample
        holds no other language; else the sample's share of them, scaled (exact when the
        sample is the whole index, up to BACKGROUND_SIZE sentences)."""
        if not set(self.languages) - languages:
            return self.total
        return self.estimate(sum(self.languages[code] for code in languages))


def words_of(text: str, code: str = DEFAULT) -> list[str]:
    """The words of a sentence, one per position, as the `words` field holds them: the
    spelling as written, lowercased (the language's way), when the field holds it, else
    the folded form the field holds (`U.S.` -> "us"); a compound's joined form is left out
    (its parts are words)."""
    lower = LANGUAGES[code].lower if code in LANGUAGES else str.lower
    found: list[str] = []
    at = None
    for term, _keyword, position, start, end, joined in _TOKENIZER.terms(text):
        if joined:
            continue
        if position != at:
            at = position
            found.append(term)
        elif term == lower(text[start:end]):
            found[-1] = term
    return found


def _word(name: str) -> str:
    """A one-word name as the `words` field holds it (`U.S` -> "us")."""
    found = words_of(name)
    return found[0] if len(found) == 1 else name.lower()


def _names_in(text: str, words_df: Callable[[str], int], common: float) -> set[str]:
    """The runs of capitalised words of a sentence, its opening word left out when common."""
    names = set()
    for match in _NAME.finditer(text):
        words = _POSSESSIVE.sub("", match.group()).split()
        opens = not _WORD.search(text, 0, match.start())
        if opens and words_df(_word(words[0])) > common:
            words = words[1:]  # `The`, `Since`, `We` opening the sentence
        if words:
            names.add(" ".join(words))
    return names


class _Foreground(_Counts):
    """The matches' sample, and the background sample it is compared with."""

    background: _Counts

    def __init__(
        self,
        sentences: list[_Sentence],
        matches: int,
        total: int,
        words_df: Callable[[str], int],
    ) -> None:
        super().__init__(sentences, total, words_df)
        self.matches = matches
        # The archive without the matching sentences' other copies (scaled from the sample).
        self.total = total - self._scaled(self.extra)

    def _scaled(self, held: int) -> int:
        """A count in the sample, scaled to the whole match set."""
        return round(held * self.matches / self.size) if self.size else 0

    def archive(self, word: str) -> int:
        """How many sentences of the archive hold `word`, copies of a matching sentence
        counted once."""
        return self.words_df(word) - self._scaled(self.copies.get(word, 0))

    def own(self, word: str, own: set[str]) -> bool:
        """Whether `word` is one of the query's own: its English stem, or its lemma in a
        language of the matching sentences, is a term the query searched."""
        if _stem(word) in own:
            return True
        return any(
            language_term(LANGUAGES[code], word) in own
            for code in self.languages
            if code != DEFAULT and code in LANGUAGES
        )

    def is_common(self, word: str) -> bool:
        """A word in more than COMMON_PHRASE_SHARE of the archive's sentences that is not
        at least twice as frequent in the matches (the, of, said; not a story's own word)."""
        archive = self.words_df(word) / max(self.total, 1)
        matches = self.words.get(word, 0) / max(self.size, 1)
        return archive > COMMON_PHRASE_SHARE and matches < 2 * archive

    def term(self, text: str, held: int, background: int, score: str) -> SignificantTerm:
        """A term seen in `held` sampled sentences and `background` sentences of the index
        (at most all the sentences compared with: a word several languages write, `in`,
        is counted in all of them)."""
        in_matches = self._scaled(held)
        background = min(max(background, in_matches, 1), max(self.total, in_matches, 1))
        return SignificantTerm(
            term=text,
            score=round(SCORERS[score](in_matches, self.matches, background, self.total), 6),
            matches=in_matches,
            archive=background,
        )


def jlh(held: int, size: int, background: int, total: int) -> float:
    """Elasticsearch's JLH: (fg% - bg%) * (fg% / bg%), 0 where the term is not more frequent
    in the foreground."""
    if not size or not total:
        return 0.0
    fg, bg = held / size, background / total
    return (fg - bg) * (fg / bg) if fg > bg else 0.0


def g2(held: int, size: int, background: int, total: int) -> float:
    """Dunning's log-likelihood ratio of the 2x2 table (foreground vs the rest), signed 0
    where the term is not more frequent in the foreground."""
    table = _table(held, size, background, total)
    if table is None:
        return 0.0
    (a, b), (c, d) = table
    n = a + b + c + d
    value = 0.0
    for observed, row, column in (
        (a, a + b, a + c),
        (b, a + b, b + d),
        (c, c + d, a + c),
        (d, c + d, b + d),
    ):
        expected = row * column / n
        if observed > 0 and expected > 0:
            value += observed * math.log(observed / expected)
    return 2 * value


def chi2(held: int, size: int, background: int, total: int) -> float:
    """Pearson's chi-square of the 2x2 table, 0 where the term is not over-represented."""
    table = _table(held, size, background, total)
    if table is None:
        return 0.0
    (a, b), (c, d) = table
    n = a + b + c + d
    denominator = (a + b) * (c + d) * (a + c) * (b + d)
    return n * (a * d - b * c) ** 2 / denominator if denominator else 0.0


def _table(held: int, size: int, background: int, total: int):
    """[[fg with, fg without], [rest with, rest without]], or None if not over-represented.
    The background includes the foreground (as in Elasticsearch), so the rest is the
    difference."""
    if not size or not total or held * total <= background * size:
        return None
    rest_with = max(background - held, 0)
    rest = max(total - size, 0)
    return (held, size - held), (rest_with, max(rest - rest_with, 0))


SCORERS: dict[str, Callable[[int, int, int, int], float]] = {"jlh": jlh, "g2": g2, "chi2": chi2}


def _phrases(foreground: _Foreground, stems: set[str], score: str) -> list:
    """Two-word phrases, their background estimated from the background sample."""
    background = foreground.background
    found = []
    for (first, second), held in foreground.phrases.items():
        if held < MIN_COUNT or (foreground.own(first, stems) and foreground.own(second, stems)):
            continue
        if foreground.is_common(first) or foreground.is_common(second):
            continue
        estimate = background.estimate(background.phrases.get((first, second), 0))
        found.append(foreground.term(f"{first} {second}", held, estimate, score))
    return found


def _names(foreground: _Foreground, stems: set[str], score: str) -> list:
    """Names: a one-word name's background is its lowercase word's count (exact, an upper
    bound: `Bill` counts "bill" too); a longer name's is estimated from the background
    sample."""
    background = foreground.background
    found = []
    for name, held in foreground.names.items():
        if held < MIN_COUNT:
            continue
        if " " not in name:
            word = _word(name)
            if foreground.own(word, stems):
                continue
            count = foreground.archive(word)
        else:
            count = background.estimate(background.names.get(name, 0))
        found.append(foreground.term(name, held, count, score))
    return found


def background_sample(reader, words_df: Callable[[str], int] | None = None) -> _Counts:
    """The counts of BACKGROUND_SIZE sentences evenly spaced over the whole index."""
    total = _sentence_total(reader)
    step = max(1, reader.doc_count_all() // BACKGROUND_SIZE)
    sentences = _texts(reader, range(0, reader.doc_count_all(), step))
    return _Counts(sentences, total, words_df or _words_frequency(reader))


# The background sample of a snapshot, kept in its generation folder for the next process:
# a JSON line (the snapshot's key, the CRC-32 of the rest), then the counts as JSON.
BACKGROUND_CACHE = "background.json"
_COUNTED = ("words", "phrases", "names", "languages")


def kept_background(reader, generation: Path) -> _Counts:
    """`background_sample(reader)`, read from the generation folder's BACKGROUND_CACHE when
    that holds this very snapshot's (a commit changes the key), else counted and kept there
    when the folder can be written. The sample is the same for every query of a snapshot,
    and counting it (5,000 stored sentences read and split into words, phrases and names)
    was 0.3 s of every `search words` process; reading it back is tens of ms."""
    key = snapshot_key(reader)
    words_df = _words_frequency(reader)
    return kept(
        generation / BACKGROUND_CACHE,
        lambda raw: _background_of(raw, key, words_df),
        lambda: background_sample(reader, words_df),
        lambda counts: _background_file(counts, key),
    )


def _background_file(counts: _Counts, key: list[int]) -> bytes:
    """A BACKGROUND_CACHE file: a header line (the snapshot's key, the body's checksum),
    then the counts as JSON."""
    body = {name: getattr(counts, name) for name in _COUNTED}
    body["phrases"] = {
        f"{first} {second}": held for (first, second), held in counts.phrases.items()
    }
    encoded = json.dumps({"size": counts.size, "total": counts.total, **body}).encode("utf-8")
    header = json.dumps({"key": key, "crc": zlib.crc32(encoded)}).encode("ascii")
    return header + b"\n" + encoded


def _background_of(raw: bytes, key: list[int], words_df: Callable[[str], int]) -> _Counts | None:
    """The counts a BACKGROUND_CACHE file holds, if it is whole and this snapshot's."""
    line, _newline, encoded = raw.partition(b"\n")
    header = json.loads(line)
    if header["key"] != key or zlib.crc32(encoded) != header["crc"]:
        return None
    data = json.loads(encoded)
    counted = [data[name] for name in _COUNTED]
    if not all(isinstance(held, dict) for held in counted):
        return None
    if not all(type(n) is int for held in counted for n in held.values()):
        return None
    if type(data["size"]) is not int or type(data["total"]) is not int:
        return None
    phrases = {tuple(pair.split(" ")): held for pair, held in data["phrases"].items()}
    if any(len(pair) != 2 for pair in phrases):
        return None
    counts = _Counts([], data["total"], words_df)
    counts.size = data["size"]
    counts.words, counts.names = Counter(data["words"]), Counter(data["names"])
    counts.phrases, counts.languages = Counter(phrases), Counter(data["languages"])
    return counts


def _texts(reader, docnums: Iterable[int], extra: Callable[[int], int] | None = None) -> list:
    """The stored text and language of the live sentence documents among `docnums`, with
    how many copies of each the archive holds besides (`extra`)."""
    sentences = []
    for docnum in docnums:
        if reader.is_deleted(docnum):
            continue
        fields = reader.stored_fields(docnum)
        if isinstance(fields, dict) and isinstance(fields.get("text"), str):
            code = fields.get("language") or DEFAULT
            copies = extra(docnum) if extra else 0
            sentences.append(_Sentence(fields["text"], str(code), copies))
    return sentences


def _words_frequency(reader) -> Callable[[str], int]:
    cache: dict[str, int] = {}

    def frequency(word: str) -> int:
        if word not in cache:
            cache[word] = reader.doc_frequency("words", word)
        return cache[word]

    return frequency


def _sentence_total(reader) -> int:
    """Sentences in the index: documents with text (article records have none)."""
    return reader.doc_count() - reader.doc_frequency("kind", "article")


def _sample(matched: list[int], size: int) -> list[int]:
    """At most `size` documents, evenly spaced over `matched` (all of them if fewer)."""
    if len(matched) <= size:
        return matched
    step = len(matched) / size
    return [matched[int(number * step)] for number in range(size)]


def _stem(word: str) -> str:
    tokens = [token.text for token in shared_analyzer()(word)]
    return tokens[0] if tokens else word


def _stems(words: set[str]) -> set[str]:
    return set(words)


def _top(terms: list, limit: int) -> list:
    ranked = sorted((t for t in terms if t.score > 0), key=lambda t: (-t.score, t.term))
    return ranked[:limit]
