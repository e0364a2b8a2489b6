"""The shape of the index: one Whoosh document per sentence, one per article.

Sentence documents carry the text that queries match, two ways: `text`
(every word by the rules of `search.engine.words`, folded and stemmed, with positions,
capitals kept for acronyms: what words and phrases match and BM25F ranks) and
`words` (every word lowercased but unstemmed, folded and as written: the
vocabulary that fuzzy words, prefixes and did-you-mean measure against, so
`Abramovic~` is one edit from "Abramovich" as typed, not three as stems, and
the spelling typed, which ranks first: `Browne` above "Brown"), and a third, `pairs`
(each two neighbouring terms of `text` as one term: what a quoted phrase is read from, see
`search.engine.phrases`). Each sentence
also carries its article's headline, `title`
(analyzed as `text`, stored: `title:Ukraine` searches it, and sentences whose
headline has a query's words rank first), and where it was published, `url` (stored only),
so that every hit and every exported sentence has them without a second read, and the
paragraph of the file it is in, `paragraph` (stored only: the article page's paragraphs). Every
document carries its article's story id, `story` (stored; indexed on the record and the first
sentence of each article, which is all that `-l` and `search trend`, counting a story once,
and `show`, finding the other articles of a story, read: `StoryField`), and each sentence the key of
its normalised text, `copy` (indexed, and a fixed-width column: a document's key is one
read away, with no table to load first): identical sentences share it, so a hit's copies
are one term away.
Article documents carry
what incremental indexing needs to tell whether a file changed (size, mtime,
content hash) and how many sentences it gave; they have no `text`, so word
queries never reach them; a query that could match without a word masks them
out (`article_records`, used by `query.ParsedQuery.mask`).
Keeping both kinds in one index means one commit updates them together.

Each indexed field costs Whoosh a posting per document (and, for unscored
fields, a file-system check per posting when it flushes), so sentence
documents index only what queries need: the three word fields, `path` (to replace an
article's sentences), `article`, `date` and `source` (filters, and the buckets of
`search trend`). `source` is where the article comes from: the first folder below the
folder given to `search index`, or a web page's site (see `source_of`). `kind` is set on article
records alone, and sentence numbers are stored, not indexed.

SCHEMA_VERSION changes whenever a field changes; an index written with another
version is refused and must be rebuilt.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.columns import FixedBytesColumn
from whoosh.fields import ID, STORED, TEXT, Schema

from .formats import TermFrequency, TermPositions
from .phrases import PairField
from .stories import SENTENCE_KEY_LENGTH, sentence_key
from .words import KeywordStemFilter, NewsroomTokenizer

# 2: every word indexed (no stop list, one-character words kept); `words` and `acronyms`.
# 3: `title` (the headline, searchable) and `url` (stored) on every sentence.
# 4: `paragraph` (stored) on every sentence: the article page shows its paragraphs.
# 5: `language` on documents not in English; `text` and `title` analyse words by language
#    (search/engine/analysis.py); `source` (the article's folder or site: indexed and stored)
#    on sentences and records.
# 6: words as a newsroom means them (search/engine/words.py): dotted capitals, compounds joined,
#    accents folded, capitals kept in `text` for acronyms; no `acronyms` field. (Both 5s were
#    written on separate branches; the merge of the two is 6.) `story` (the article's story,
#    stored and filterable) on every document; `copy` (the key of the normalised sentence,
#    indexed and a fixed-width column) on sentences; plain-text headlines.
# 7: `pairs` (the neighbouring terms of `text`, see search/engine/phrases.py) on sentences:
#    a phrase is read from pairs of words, not from every word's positions. `story` indexed
#    on records and each article's first sentence only (stored on every sentence).
SCHEMA_VERSION = 7

# The words of a text in a language other than English (before each is lemmatized by its
# language, see `search.engine.analysis`): letters and digits, with inner dots kept (`3.5`);
# the clitic `'s` is no word. English words follow `search.engine.words`.
OTHER_WORD_PATTERN = r"(?:(?<!['’])|(?![sS]\b))\w+(\.?\w+)*"

ARTICLE = "article"

# Fields a user may name in a query (`article:...`, `date:...`, `title:...`); `text` is the
# default. Dates are ISO strings (YYYY-MM-DD), so a month is a prefix and a range is a term range.
QUERY_FIELDS = ("text", "article", "date", "title", "language", "source")


def analyzer():
    """The analyzer of the `text` field: every word by the rules of `search.engine.words`, stemmed.

    No stop list and no minimum length: `US`, `IT`, `May`, `X`, `1` and `to be or
    not to be` are words a journalist searches for; BM25F already gives common
    words little weight, and phrases need every word to be literal.
    """
    return NewsroomTokenizer("text") | KeywordStemFilter()


def language_analyzer():
    """The analyzer of the `text` and `title` fields: `analyzer()` for English, a marked
    text's words by its language (see `search.engine.analysis`)."""
    from .analysis import LanguageAnalyzer

    return LanguageAnalyzer(analyzer(), OTHER_WORD_PATTERN)


def words_analyzer():
    """The analyzer of the `words` field: every word lowercased, unstemmed, folded and as
    written."""
    return NewsroomTokenizer("words")


@lru_cache(maxsize=1)
def shared_analyzer():
    """One analyzer for reading code (highlighting, suggestions): building one costs."""
    return analyzer()


@lru_cache(maxsize=1)
def shared_language_analyzer():
    """One `text` analyzer, languages included, for reading code (highlighting)."""
    return language_analyzer()


def our_terms(text: str, code: str) -> list[str]:
    """The terms our `text` field holds for a sentence in language `code`, in order."""
    from .analysis import marked

    return [token.text for token in shared_language_analyzer()(marked(text, code))]


@lru_cache(maxsize=1)
def shared_words_analyzer():
    """One `words` analyzer for reading code (fuzzy words, suggestions)."""
    return words_analyzer()


def build_schema() -> Schema:
    return Schema(
        kind=ID(stored=True),
        path=ID(stored=True),
        article=ID(stored=True),
        sentence=STORED(),
        date=ID(stored=True),
        source=ID(stored=True),
        text=_positional(language_analyzer()),
        pairs=PairField(language_analyzer()),
        title=_positional(language_analyzer()),
        language=ID(stored=True),
        url=STORED(),
        story=StoryField(stored=True),
        copy=ID(sortable=FixedBytesColumn(SENTENCE_KEY_LENGTH)),
        paragraph=STORED(),
        words=_counted(words_analyzer()),
        info=STORED(),
    )


# What a document gives a `StoryField` that it stores (as `_stored_story`) but does not index.
UNINDEXED = "\x00"


class StoryField(ID):
    """The `story` field: stored on every document, indexed on an article's record and its
    first sentence only. What reads a story from the postings wants one document of each
    article (`columns`: each article's story; `show`: the records of a story), and a
    posting on every sentence cost a posting per sentence. A document that stores its
    story without indexing it gives `UNINDEXED` and the story as `_stored_story`."""

    def index(self, value, **kwargs):
        if value == UNINDEXED:
            return iter(())
        return super().index(value, **kwargs)


class WordField(TEXT):
    """A word field whose postings for a text are one list (Whoosh's `index` yields them
    one at a time through a generator, encoding each term with a function call): the same
    terms, frequencies, weights and values."""

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            return super().index(value, **kwargs)
        return [
            (text.encode("utf-8"), frequency, weight, encoded)
            for text, frequency, weight, encoded in self.format.word_values(
                value, self.analyzer, mode="index"
            )
        ]


def _positional(analyzer) -> TEXT:
    """A stored word field with positions, its postings made without tokens
    (`search.engine.formats`: the same bytes as Whoosh's `Positions`)."""
    field = WordField(analyzer=analyzer, stored=True, phrase=True)
    field.format = TermPositions(field_boost=field.format.field_boost)
    return field


def _counted(analyzer) -> TEXT:
    """An unstored word field without positions, its postings made without tokens."""
    field = WordField(analyzer=analyzer, phrase=False)
    field.format = TermFrequency(field_boost=field.format.field_boost)
    return field


def article_records():
    """The query that matches article records: the mask of every sentence search."""
    from whoosh.query import Term

    return Term("kind", ARTICLE)


def schema_matches(schema: Schema) -> bool:
    """Whether an opened index has the fields this version reads and writes."""
    expected = build_schema()
    if sorted(schema.names()) != sorted(expected.names()):
        return False
    return all(type(schema[name]) is type(expected[name]) for name in expected.names())


# Records ---------------------------------------------------------------------------
# What each kind of document stores, by field: the checks below and the builders
# that write them are the only places these names are spelled for the index.

SENTENCE_RECORD = {"article": str, "path": str, "sentence": int, "text": str}
# What a sentence record has only when its article's format gives it.
SENTENCE_OPTIONAL = {"title": str, "url": str, "paragraph": int, "story": str, "source": str}
ARTICLE_RECORD = {"article": str, "path": str, "info": dict}


class DamagedRecord(Exception):
    """Stored fields that lack what every record of their kind has: a damaged index."""


def sentence_fields(fields) -> dict:
    """A sentence's stored fields, checked: article, path, a whole sentence number, text
    (and a title and a URL, if it has them, as strings)."""
    checked = _checked_record(fields, SENTENCE_RECORD, "sentence record")
    if not all(isinstance(fields.get(name, ""), kind) for name, kind in SENTENCE_OPTIONAL.items()):
        raise DamagedRecord("sentence record")
    return checked


def article_fields(fields) -> dict:
    """An article record's stored fields, checked: article, path and an info dict."""
    return _checked_record(fields, ARTICLE_RECORD, "article record")


def _checked_record(fields, types: dict, what: str) -> dict:
    if not isinstance(fields, dict) or not all(
        isinstance(fields.get(name), kind) for name, kind in types.items()
    ):
        raise DamagedRecord(what)
    return fields


def sentence_document(
    path: str,
    article: str,
    number: int,
    date: str | None,
    text: str,
    title: str | None = None,
    url: str | None = None,
    story: str | None = None,
    paragraph: int | None = None,
    language: str = "en",
    source: str | None = None,
    first: bool = True,
) -> dict:
    """The fields of one sentence's document, as `writer.add_document` takes them
    (a field that is None is left out: Whoosh stores nothing for it). `paragraph` is the
    paragraph of the file the sentence is in (1-based). The words of `text` and `title` are
    analysed by `language` (ISO 639-1); they are stored as written. `story` is the article's
    story (indexed on the `first` sentence of its article only, stored on every one: see
    `StoryField`); `copy` the key identical sentences share (`stories.sentence_key`)."""
    from .analysis import marked

    document = {
        "story": story,
        "copy": sentence_key(text),
        "path": path,
        "article": article,
        "sentence": number,
        "date": date,
        "text": marked(text, language),
        "pairs": marked(text, language),
        "words": text,
        "title": title if title is None else marked(title, language),
        "url": url,
        "paragraph": paragraph,
        # English, the default, is left out: an English archive pays nothing for languages.
        "language": None if language == "en" else language,
        "source": source,
    }
    if story is not None and not first:
        document["story"], document["_stored_story"] = UNINDEXED, story
    if document["text"] != text:
        document["_stored_text"] = text
    if document["title"] != title:
        document["_stored_title"] = title
    return document


def article_document(
    path: str,
    article: str,
    date: str | None,
    info: dict,
    language: str = "en",
    story: str | None = None,
    source: str | None = None,
) -> dict:
    """The fields of an article record: `info` is what tells a changed file (see catalog),
    `story` the story it tells (see `stories`); `source` its folder or site, so that `search
    status` counts articles by source."""
    return {
        "kind": ARTICLE,
        "path": path,
        "article": article,
        "date": date,
        "info": info,
        "language": None if language == "en" else language,
        "story": story,
        "source": source,
    }


def article_record_of(path: str):
    """The query for one file's article record (to replace it when only its mtime changed)."""
    from whoosh.query import And

    return And([article_records(), file_documents(path)])


def file_documents(path: str, container: bool = False):
    """The query for every document of one article file: its sentences and its record; for a
    container (a mailbox) also the sentences of each article in it (`<path>#<key>`)."""
    from whoosh.query import Or, Prefix, Term

    if container:
        return Or([Term("path", path), Prefix("path", f"{path}#")])
    return Term("path", path)


def source_of(path, root, url: str | None = None) -> str:
    """Where an article comes from, lowercased: for a web page with a URL its site (the host
    without `www.`); else the first folder below `root`, the folder given to `search index`
    (`bbc/politics/1.txt` under `news/`: `bbc`); a file directly in `root`, or given alone
    (root None), takes its own folder's name."""
    from pathlib import PurePath
    from urllib.parse import urlsplit

    if url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if host:
            return host.removeprefix("www.").lower()
    path = PurePath(path)
    if root is not None:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            parts = ()
        if len(parts) > 1:
            return parts[0].lower()
        return (PurePath(root).name or str(root)).lower()
    return (path.parent.name or "/").lower()
