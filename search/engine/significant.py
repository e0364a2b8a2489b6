"""The words that set a query's matches apart from the whole archive: `search words`.

As Elasticsearch's `significant_text`: the matching sentences (the foreground) are read
again and their words and two-word phrases counted, each in how many sentences it
appears; the archive (the background) gives each term's count from the index itself.
A term scores by how much more often it appears in the foreground than in the
background (JLH, the default; `g2` log-likelihood and `chi2` chi-square as
alternatives, see README "Distinctive words" for the comparison).

- **Sample**: the foreground is read from the stored sentences, so a large match set is
  sampled: at most SAMPLE_SIZE sentences, evenly spaced over the matches in index order
  (deterministic). The counts shown in the matches are then the sample's counts scaled to
  the whole match set, and `sampled` says so.
- **Background**: a word's count is its document frequency in the `words` field (every
  word, lowercased, unstemmed): a term-dictionary lookup. A two-word phrase's count is a
  phrase search on the `text` field (stemmed, with positions), made only for the
  candidates whose score could reach the list (at most PHRASE_CANDIDATES).
- **Names**: runs of capitalised words in the sentences as written (`Brazil`, `Jorge
  Cardenas`, `ICO`), the word that opens a sentence left out when, lowercased, it is in more
  than COMMON_SHARE of the archive's sentences (`The`, `He`, `Since`); scored the same way
  against the archive (a one-word name's background is its lowercase word's count, an
  upper bound, so its score is a lower bound).
- Terms seen in fewer than MIN_COUNT foreground sentences, and the query's own words, are
  left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable

from whoosh import query as wq

from ..model import Significant, SignificantTerm
from .schema import shared_analyzer, shared_words_analyzer

SAMPLE_SIZE = 2_000
MIN_COUNT = 3
PHRASE_CANDIDATES = 60
SCORES = ("jlh", "g2", "chi2")
# A sentence-initial capitalised word is a name only if its lowercase form is rarer than this
# share of the archive's sentences (`The`, `He`, `But` are far more common).
COMMON_SHARE = 0.002

_WORD = re.compile(r"\w")
_NAME = re.compile(r"(?:[A-Z][\w'’.-]*\w|[A-Z])(?:\s+(?:[A-Z][\w'’.-]*\w|[A-Z]))*")


def significant(
    searcher,
    documents: Iterable[int],
    exclude: set[str],
    limit: int = 20,
    score: str = "jlh",
    check: Callable[[], None] = lambda: None,
    sample_size: int | None = None,
) -> Significant:
    """The distinctive words, phrases and names of `documents` against the whole index.

    `exclude`: stems of the query's own words, left out. `check` is called now and then
    (the caller's deadline)."""
    reader = searcher.reader()
    matched = sorted(documents)
    sample = _sample(matched, sample_size or SAMPLE_SIZE)
    texts = []
    for docnum in sample:
        fields = reader.stored_fields(docnum)
        if isinstance(fields, dict) and isinstance(fields.get("text"), str):
            texts.append(fields["text"])
    check()
    total = _sentence_total(reader)
    words_df = _words_frequency(reader)
    foreground = _Foreground(texts, len(matched), total, words_df)
    stems = _stems(exclude)
    unigrams = [
        foreground.term(word, held, words_df(word), score)
        for word, held in foreground.words.items()
        if held >= MIN_COUNT and _stem(word) not in stems
    ]
    phrases = _phrases(searcher, foreground, words_df, stems, score, limit, check)
    names = _names(searcher, foreground, words_df, stems, score, check)
    return Significant(
        matches=len(matched),
        sample=len(texts),
        sampled=len(texts) < len(matched),
        archive=total,
        score=score,
        words=_top(unigrams, limit),
        phrases=_top(phrases, limit),
        names=_top(names, limit),
    )


class _Foreground:
    """Per term, how many sampled sentences hold it: words, two-word phrases, names."""

    def __init__(
        self, texts: list[str], matches: int, total: int, words_df: Callable[[str], int]
    ) -> None:
        self.size = len(texts)
        self.matches = matches
        self.total = total
        self.words: Counter[str] = Counter()
        self.phrases: Counter[tuple[str, str]] = Counter()
        self.names: Counter[str] = Counter()
        common = COMMON_SHARE * max(total, 1)
        analyze = shared_words_analyzer()
        for text in texts:
            tokens = [token.text for token in analyze(text)]
            self.words.update(set(tokens))
            self.phrases.update(set(zip(tokens, tokens[1:], strict=False)))
            names = set()
            for match in _NAME.finditer(text):
                words = match.group().split()
                opens = not _WORD.search(text, 0, match.start())
                if opens and words_df(words[0].lower()) > common:
                    words = words[1:]  # `The`, `Since`, `We` opening the sentence
                if words:
                    names.add(" ".join(words))
            self.names.update(names)

    def term(self, text: str, held: int, background: int, score: str) -> SignificantTerm:
        """A term seen in `held` sampled sentences and `background` sentences of the index."""
        scale = self.matches / self.size if self.size else 0.0
        in_matches = round(held * scale)
        background = max(background, in_matches, 1)
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


def _phrases(searcher, foreground, words_df, stems, score, limit, check) -> list:
    """Two-word phrases: the candidates ranked by a score with the larger of their words'
    counts as background (an upper bound of the phrase's, so a lower bound of its score),
    then the best PHRASE_CANDIDATES counted exactly by a phrase search."""
    candidates = []
    for (first, second), held in foreground.phrases.items():
        if held < MIN_COUNT or (_stem(first) in stems and _stem(second) in stems):
            continue
        bound = foreground.term("", held, min(words_df(first), words_df(second)), score).score
        candidates.append((bound, first, second, held))
    candidates.sort(key=lambda entry: (-entry[0], entry[1], entry[2]))
    found = []
    for _bound, first, second, held in candidates[: max(PHRASE_CANDIDATES, limit * 2)]:
        check()
        background = _phrase_count(searcher, [first, second])
        found.append(foreground.term(f"{first} {second}", held, background, score))
    return found


def _names(searcher, foreground, words_df, stems, score, check) -> list:
    found = []
    counted = 0
    for name, held in foreground.names.most_common():
        if held < MIN_COUNT:
            break
        words = name.lower().split()
        if len(words) == 1 and _stem(words[0]) in stems:
            continue
        if counted >= PHRASE_CANDIDATES:
            break
        check()
        counted += 1
        background = words_df(words[0]) if len(words) == 1 else _phrase_count(searcher, words)
        found.append(foreground.term(name, held, background, score))
    return found


def _phrase_count(searcher, words: list[str]) -> int:
    """How many sentences hold `words` in this order, adjacent (stemmed, as queries are)."""
    stems = [token.text for word in words for token in shared_analyzer()(word)]
    if not stems:
        return 0
    query = wq.Term("text", stems[0]) if len(stems) == 1 else wq.Phrase("text", stems)
    return len(searcher.search(query, limit=None, scored=False))


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
