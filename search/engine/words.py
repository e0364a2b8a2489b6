"""Words as a newsroom means them: how a sentence (or a query) becomes indexed words.

One tokenizer applies every rule, because the rules meet in one word (`U.S.-led`,
`Müller-Lüdenscheid`, `IT` in a wire headline):

- **A word** is a run of letters and digits, with inner dots and hyphens kept for the
  rules below (`U.S`, `3.5`, `e-mail`); `9/11` is two words. The clitic `'s` is no word.
- **Dotted capitals are their letters**: a word of single capital letters each followed by a
  dot (`U.S.`, `U.K.`, `J.F.K.`) is that run of letters (`US`, `UK`, `JFK`). Lowercase
  dotted words (`a.m.`, `e.g.`) and mixed ones (`Ph.D.`) stay as written, dots and all:
  `a.m.` read as letters would be the verb "am".
- **Hyphenated compounds are also their joined form**: `e-mail` is the words "e" and "mail"
  (so `Russia-Ukraine` stays a two-word phrase) and also "email", indexed at the position of
  its first part and of its last, so that a phrase reaching the compound from either side
  (`"send email"`, `"email address"`) finds it.
- **Accents fold**: every word is indexed without its accents (`Zürich` is "zurich"), and a
  word with a German umlaut also as German writes it without one (`Müller` is "muller" and
  "mueller"); the `words` field also keeps the accented form, for ranking the spelling
  typed first.
- **Capitals are kept for acronyms**: a word of 2 to 5 capital letters (after the dotted
  rule) in ordinary mixed-case text is also indexed as written (`IT`); in a sentence set in
  capitals (no lowercase letter at all) or in a run of three or more words in capitals (a
  wire headline), it is indexed marked (`^IT`): such a word may be an acronym or may be
  shouting, so it is no evidence either way. A query word typed in capitals matches these
  forms only, never the lowercase word or its stem ("its" stems to "it").

A typed word is folded only (`Müller` is "muller", which the indexed "Müller" and "Muller"
hold; `Mueller` is "mueller", which "Müller" and "Mueller" hold), so that folding a query's
accents never loses a hit. In query mode a word that has alternatives (`IT`: "IT" and
"^IT") yields them at one position, and a compound yields its joined form marked
`joined`: the query builder (search/query.py) turns these into an Or, not a phrase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

# A word: letters and digits, with inner dots and hyphens (U+2010 and U+2011 too) kept for
# the rules above. The clitic `'s` (Turkey's, it's) is no word of its own, as in Lucene's
# English possessive filter, so `Turkey's` finds what `Turkey` finds.
WORD_PATTERN = r"(?:(?<!['’])|(?![sS]\b))\w+(?:[.\-‐‑]\w+)*"
_WORD = re.compile(WORD_PATTERN)
_HYPHEN = re.compile(r"[\-‐‑]")
_DOTTED_CAPITALS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Latin letters that Unicode does not decompose but ASCII folding (Lucene's too) spells out.
_UNDECOMPOSED = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
# The mark of a word in capitals that is no evidence of an acronym (a shouted headline).
SHOUTED = "^"
# How many words in capitals in a row make a headline rather than acronyms.
SHOUTED_RUN = 3


def fold(word: str) -> str:
    """A lowercase `word` without accents: `zürich` -> "zurich" (NFKD, combining marks
    dropped), `ß` -> "ss", `ø` -> "o", `æ` -> "ae"."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def german_form(word: str) -> str | None:
    """A lowercase word's umlauts as German writes them without one (`müller` -> "mueller"),
    or None if it has none."""
    if word.isascii():
        return None
    spelled = word.translate(_UMLAUTS)
    return fold(spelled) if spelled != word else None


def joined(word: str) -> str:
    """A hyphenated compound as one word, its hyphens dropped (`co-operat*` -> "cooperat*"):
    how a prefix or wildcard typed on a compound completes its joined form."""
    return _HYPHEN.sub("", word)


def letters_of(word: str) -> str:
    """A dotted word of single capitals as its letters (`U.S` -> "US"); others unchanged."""
    if "." in word and word.isupper() and _DOTTED_CAPITALS.fullmatch(word):
        return word.replace(".", "")
    return word


# How long an acronym may be: `NATO`, `AIDS`, `OPEC` are; a longer word in capitals
# (`CEASEFIRE`) is more likely shouted, or typed with caps lock, and is an ordinary word.
ACRONYM_LETTERS = (2, 5)


def is_capitals(word: str) -> bool:
    """Whether `word` is an acronym's shape: 2 to 5 letters, all capitals (`IT`, `NATO`;
    not `G7`, `A`, `CEASEFIRE`)."""
    least, most = ACRONYM_LETTERS
    return least <= len(word) <= most and word.isalpha() and word.isupper()


def spelled(word: str) -> str:
    """A typed word as the `words` field holds its exact spelling: lowercased, accents kept."""
    return letters_of(word).lower()


def _shouted_words(words: list[str], text: str) -> list[bool]:
    """Which words are set in capitals as a headline is: all of them in a text without a
    lowercase letter; else those in a run of SHOUTED_RUN or more words in capitals."""
    if text.upper() == text:
        return [True] * len(words)
    upper = [word.isupper() for word in words]
    shouted = [False] * len(words)
    if sum(upper) < SHOUTED_RUN:
        return shouted  # the common case: no run is possible
    start = 0
    for index, is_upper in enumerate([*upper, False]):
        if not is_upper:
            if index - start >= SHOUTED_RUN:
                shouted[start:index] = [True] * (index - start)
            start = index + 1
    return shouted


class NewsroomTokenizer(Tokenizer):
    """The words of a text, by the rules of this module.

    `field` is "text" (folded words, capitals kept for acronyms, compounds joined at both
    ends: the stemmed, positional field) or "words" (folded words, the accented spelling
    too, compounds joined once, no capitals: the field of fuzzy words, prefixes,
    did-you-mean and the spelling typed). Tokens a stemmer must leave alone carry
    `keyword = True`.
    """

    def __init__(self, field: str = "text", expressible: bool = False) -> None:
        self.field = field
        # Only the rules an Elasticsearch analyzer can express (see search/export.py):
        # compounds joined once, accents folded; no dotted capitals, capitals or German forms.
        self.expressible = expressible

    def __eq__(self, other) -> bool:
        return (
            type(other) is type(self)
            and other.field == self.field
            and other.expressible == self.expressible
        )

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        if not tokenize:
            # A wildcard, prefix or range end is one term as typed (Whoosh's tokenizers give
            # the whole value too): lowercased and folded, never split.
            yield _token(fold(value.lower()), False, start_pos, start_char, start_char + len(value))
            return
        query = mode == "query"
        # Indexing reads each token before the next is made, so one Token serves them all;
        # a query's tokens are kept (search.query reads them as a list), so each is new.
        reused = None if query else _token("", False, 0, 0, 0)
        for text, keyword, pos, start, end, joined in self.terms(
            value, query, start_pos, start_char
        ):
            if reused is None:
                yield _token(text, keyword, pos, start, end, joined=joined)
                continue
            reused.text, reused.keyword, reused.joined, reused.pos = text, keyword, joined, pos
            reused.startchar, reused.endchar = start, end
            yield reused

    def terms(
        self, value: str, query: bool = False, start_pos: int = 0, start_char: int = 0
    ) -> Iterator[tuple[str, bool, int, int, int, bool]]:
        """The words of `value` as (text, keyword, position, start, end, joined): what
        `__call__` yields as tokens, without making them (indexing reads these directly,
        see `TermPositions`)."""
        matches = list(_WORD.finditer(value))
        plain = query or self.field != "text" or self.expressible
        words = [match.group() for match in matches]
        shouted = [False] * len(matches) if plain else _shouted_words(words, value)
        capitals = self.field == "text" and not self.expressible
        position = start_pos
        for match, word, loud in zip(matches, words, shouted, strict=True):
            if word.isascii() and word.isalnum() and not (capitals and word.isupper()):
                # The common word: one part, no accents, not an acronym: one term.
                start = start_char + match.start()
                yield word.lower(), False, position, start, start + len(word), False
                position += 1
                continue
            parts = _parts(match)
            joined = []
            first = position
            for part, start, end in parts:
                word = part if self.expressible else letters_of(part)
                joined.append(fold(word.lower()))
                for text, keyword in self._forms(word, loud, query):
                    yield text, keyword, position, start_char + start, start_char + end, False
                position += 1
            if len(parts) > 1:
                start, end = start_char + parts[0][1], start_char + parts[-1][2]
                whole = "".join(joined)
                ends = [first] if plain else [first, position - 1]
                for at in ends:
                    yield whole, False, at, start, end, True

    def term_counts(self, value: str) -> dict[str, int] | None:
        """How often each of `value`'s terms occurs (see `search.engine.formats`)."""
        return term_counts(self, value)

    def _forms(self, word: str, loud: bool, query: bool) -> list[tuple[str, bool]]:
        """The indexed forms of one word (as written, after the dotted rule): (text, keyword)."""
        if self.field == "text" and not self.expressible and is_capitals(word):
            capitals = [(word, True), (SHOUTED + word, True)]
            if query:
                return capitals
            lower = fold(word.lower())
            return [(lower, False), capitals[1 if loud else 0]]
        lower = word.lower()
        folded = fold(lower)
        forms = [(folded, False)]
        if self.field == "words" and folded != lower and not query:
            forms.append((lower, False))
        german = None if query or self.expressible else german_form(lower)
        if german and german != folded:
            forms.append((german, False))
        return forms


def _parts(match: re.Match) -> list[tuple[str, int, int]]:
    """A word's hyphen-separated parts, with their character offsets in the text."""
    word, offset = match.group(), match.start()
    if "-" not in word and "‐" not in word and "‑" not in word:
        return [(word, offset, match.end())]
    parts = []
    start = 0
    for hyphen in _HYPHEN.finditer(word):
        parts.append((word[start : hyphen.start()], offset + start, offset + hyphen.start()))
        start = hyphen.end()
    parts.append((word[start:], offset + start, offset + len(word)))
    return parts


def _token(text: str, keyword: bool, pos: int, start: int, end: int, joined=False) -> Token:
    token = Token(positions=True, chars=True, removestops=True, mode="")
    token.text = token.original = text
    token.boost = 1.0
    token.stopped = False
    token.keyword = keyword
    token.joined = joined
    token.pos = pos
    token.startchar = start
    token.endchar = end
    return token


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return porter_stem(word)


class KeywordStemFilter(Filter):
    """Porter stemming (as Whoosh's StemFilter), except for tokens marked `keyword`
    (capitals kept for acronyms)."""

    def __eq__(self, other) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens):
        for token in tokens:
            if not token.keyword:
                token.text = stem(token.text)
            yield token


def stemmed_positions(analyzer, value: str) -> dict[str, list[int]] | None:
    """The terms that `analyzer` (the `text` field's: `NewsroomTokenizer("text") |
    KeywordStemFilter()`) gives `value`, each with its positions in order, read without
    making tokens; None for any other analyzer."""
    items = getattr(analyzer, "items", None)
    if (
        items is None
        or len(items) != 2
        or type(items[0]) is not NewsroomTokenizer
        or type(items[1]) is not KeywordStemFilter
    ):
        return None
    found: dict[str, list[int]] = {}
    for text, keyword, position, *_ in items[0].terms(value):
        term = text if keyword else stem(text)
        positions = found.get(term)
        if positions is None:
            found[term] = [position]
        else:
            positions.append(position)
    return found


def term_counts(analyzer, value: str) -> dict[str, int] | None:
    """How often each term of `value` occurs by `analyzer` (the `words` field's
    `NewsroomTokenizer`), without making tokens; None for any other analyzer."""
    if type(analyzer) is not NewsroomTokenizer:
        return None
    found: dict[str, int] = {}
    for text, *_ in analyzer.terms(value):
        found[text] = found.get(text, 0) + 1
    return found
