"""Analysing each sentence's words by its article's language, in one `text` field.

English words are indexed exactly as before languages were told apart (the `text`
field's analyzer: lowercased, Porter-stemmed), so an English-only archive keeps its
hits. A sentence of another language reaches the analyzer with a mark in front of its
text (`marked`: the language's code between two U+001D characters; the stored text has
no mark), and its words are indexed as that language's terms: the code, a colon and the
word's dictionary lemma (`de:verhandlung`, `uk:переговори`). Words of different languages
never meet in the index, so a German lemma cannot flood English hits.

A query word is looked up in every language the index holds (`expand`): its English form
as before, or-ed with each other language's term for it.
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, RegexTokenizer

from ..language import DEFAULT, LANGUAGES, Language, language

MARK = "\x1d"


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
        if not value.startswith(MARK):
            return self.english(value, **kwargs)
        end = value.find(MARK, 1)
        text, code = value[end + 1 :], value[1:end]
        if end < 0 or code not in LANGUAGES:  # not our mark: text that starts with U+001D
            return self.english(value, **kwargs)
        if code == DEFAULT:
            return self.english(text, **kwargs)
        return _terms(self.tokenizer(text, **kwargs), language(code))

    def __eq__(self, other) -> bool:
        return (
            type(other) is type(self)
            and other.english == self.english
            and other.pattern == self.pattern
        )


def _terms(tokens, language: Language):
    for token in tokens:
        token.text = language.term(token.text)
        yield token


def in_languages(node, languages: list[Language]):
    """A word or phrase of the `text` or `title` field (with its words as typed, `written`)
    or-ed with the same word or phrase in each of `languages` (not English)."""
    from whoosh import query as wq

    written = node.written
    if isinstance(node, wq.Term):
        alternatives = {language.term(written[0]) for language in languages}
        terms = [wq.Term(node.fieldname, text, boost=node.boost) for text in sorted(alternatives)]
        return wq.Or([node, *terms])
    phrases = {tuple(language.term(word) for word in written) for language in languages}
    found = [
        wq.Phrase(node.fieldname, list(words), slop=node.slop, boost=node.boost)
        for words in sorted(phrases)
    ]
    return wq.Or([node, *found])
