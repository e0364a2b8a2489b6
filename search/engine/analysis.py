"""Analysing each sentence's words by its article's language, in one `text` field.

English words are indexed exactly as before languages were told apart (the `text`
field's analyzer, `search.engine.schema.analyzer`: the newsroom rules, Porter-stemmed), so
an English-only archive keeps its hits. A sentence of another language reaches the analyzer
with a mark in front of its text (`marked`: the language's code between two U+001D
characters; the stored text has no mark), and its words are indexed as that language's
terms: the code, a colon and the word's dictionary lemma (`de:verhandlung`,
`uk:переговори`). Words of different languages never meet in the index, so a German lemma
cannot flood English hits.

A query word is looked up in every language the index holds (`expand`): its English form
as before, or-ed with each other language's term for it.

English words follow the newsroom rules of `search.engine.words` (dotted capitals, acronyms,
compounds joined, accents folded). Another language's words are lemmatized first, as
written (simplemma's dictionaries need the accents), and the lemma of a language written in
Latin letters is then folded as English words are (`de:zürich` is "de:zurich", so `Zurich`
finds a German article's "Zürich"); Russian, Ukrainian and Turkish lemmas keep their letters
(folding would make "й" "и", "ї" "і", "ş" "s" and "ı" "i": different words). The other
newsroom rules are English's alone: another language's words are split as they were
(`e-mail` two words, no joined form), its capitals are lowercased by its lemmatizer, and
German `ue` spellings are not added.
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, RegexTokenizer

from ..language import DEFAULT, LANGUAGES, Language, language
from .words import fold, stemmed_positions

MARK = "\x1d"
# The languages whose lemmas are folded (accents dropped) after lemmatizing: those written in
# Latin letters, Turkish excepted (dotted and dotless i, ş, ğ and ç tell its words apart).
FOLDED = frozenset({"de", "fr", "es", "it", "pt", "nl", "pl"})


def term(language: Language, word: str) -> str:
    """The indexed term of `word` in `language` (not English): its lemma, prefixed, folded in
    the languages of `FOLDED`."""
    found = language.term(word)
    return fold(found) if language.code in FOLDED else found


def marked(text: str, code: str) -> str:
    """`text` as the `text` and `title` fields take it for an article in language `code`
    (English text is left as it is, unless it starts with the mark itself)."""
    if code == DEFAULT and not text.startswith(MARK):
        return text
    return f"{MARK}{code}{MARK}{text}"


class LanguageAnalyzer(Analyzer):
    """The `english` analyzer for unmarked text; a marked text's words by its language."""

    def __init__(self, english, pattern: str) -> None:
        self.english = english
        self.pattern = pattern
        self.tokenizer = RegexTokenizer(pattern)

    def __call__(self, value, **kwargs):
        code, text = self._split(value)
        if code == DEFAULT:
            return self.english(text, **kwargs)
        return _terms(self.tokenizer(text, **kwargs), language(code))

    def term_positions(self, value: str) -> dict[str, list[int]] | None:
        """The terms of `value` with their positions (see `search.engine.formats`): an
        English text's read without tokens, another language's from its lemmatized tokens;
        None if the English analyzer is not ours. The last few values' are kept: a
        sentence's text is read by two fields (`text` and `pairs`: lemmatized once) and its
        article's headline by `title` once for each of its sentences. The dict returned is
        shared: read it, never change it."""
        kept = _KEPT.get(value)
        if kept is not None and (kept[0] is self.english or kept[0] == self.english):
            return kept[1]
        code, text = self._split(value)
        if code == DEFAULT:
            found = stemmed_positions(self.english, text)
        else:
            found = {}
            for token in self(value, positions=True, mode="index"):
                found.setdefault(token.text, []).append(token.pos)
        if len(_KEPT) >= KEPT_VALUES:
            del _KEPT[next(iter(_KEPT))]
        _KEPT[value] = (self.english, found)
        return found

    @staticmethod
    def _split(value: str) -> tuple[str, str]:
        """The language of `value` and its text without the mark."""
        if not value.startswith(MARK):
            return DEFAULT, value
        end = value.find(MARK, 1)
        text, code = value[end + 1 :], value[1:end]
        if end < 0 or code not in LANGUAGES:  # not our mark: text that starts with U+001D
            return DEFAULT, value
        return code, text

    def __eq__(self, other) -> bool:
        return (
            type(other) is type(self)
            and other.english == self.english
            and other.pattern == self.pattern
        )


# How many values' term positions `term_positions` keeps (the oldest goes first).
KEPT_VALUES = 4
_KEPT: dict[str, tuple] = {}


def _terms(tokens, language: Language):
    for token in tokens:
        token.text = term(language, token.text)
        yield token


def in_languages(node, languages: list[Language]):
    """A word or phrase of the `text` or `title` field (with its words as typed, `written`)
    or-ed with the same word or phrase in each of `languages` (not English)."""
    from whoosh import query as wq

    written = node.written
    slop = getattr(node, "slop", 1)
    found = {
        tuple(term(other, word) for word in words)
        for other in languages
        for words in _typings(written, other)
    }
    alternatives = [
        wq.Term(node.fieldname, words[0], boost=node.boost)
        if len(words) == 1
        else wq.Phrase(node.fieldname, list(words), slop=slop, boost=node.boost)
        for words in sorted(found)
    ]
    return wq.Or([node, *alternatives, *_as_written(node, languages)])


def _as_written(node, languages: list[Language]) -> list:
    """For one word of the `text` field typed without accents that no dictionary of the
    index's languages of `FOLDED` knows, that form as the articles write it (the `words`
    field, folded): `kotow` finds "kotów", whose lemma "kot" the dictionaries give only for
    the form with its accent. A word a dictionary knows (`de`, `Jahr`) is matched by its
    lemma (and not looked up again in the long postings of a common word). An English
    sentence with that form is one its English word matches already, but for an acronym
    typed in capitals (`IT` is not "it"), which is left to the English rules."""
    from whoosh import query as wq

    if node.fieldname != "text" or len(node.written) != 1:
        return []
    folded_languages = [language for language in languages if language.code in FOLDED]
    typed = node.written[0]
    lowered = typed.lower()
    if not folded_languages or fold(lowered) != lowered or (len(typed) > 1 and typed.isupper()):
        return []
    if any(language.knows(typed) for language in folded_languages):
        return []
    return [wq.Term("words", lowered, boost=node.boost)]


def _typings(written: tuple[str, ...], language: Language) -> list[tuple[str, ...]]:
    """The words as typed, and for Turkish also lowercased as a keyboard without Turkish
    letters means them: a typed `I` is Turkish "ı" (`Işık`, `IŞIK`: "ışık") or, typed for
    "İ", "i" (`Istanbul`: "istanbul")."""
    if not language.turkic or not any("I" in word for word in written):
        return [written]
    return [written, tuple(word.replace("I", "i") for word in written)]
