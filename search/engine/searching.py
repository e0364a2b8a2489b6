"""The library's one door for reading an index: `SearchIndex`.

`SearchIndex.open(folder)` opens the live index once and holds one searcher (one
consistent snapshot) until it is closed; every question is a method on it:
`find` (ranked hits), `count`, `articles` (`-l`), `article` (a whole article or
one sentence with its neighbours), `did_you_mean`, `count_any` (what `--any`
would find after a miss) and `status`. The command line,
the web server and the export command all ask this object, so none of them
holds query, suggestion or record logic of its own::

    with SearchIndex.open(Path("index")) as index:
        for hit in index.find(parse_query("Turkey peacekeeping"), limit=5):
            print(hit.article, hit.sentence, hit.text)

Whoosh's failures on a damaged index become IndexDamagedError inside every method.

Every question is bounded (see `budget`): a query's wildcards, prefixes, ranges and
fuzzy words may expand to at most MAX_EXPANDED_TERMS indexed words between them, and
each question may run for at most `budget` seconds of wall-clock time before it is
stopped with QueryTimeoutError. A did-you-mean that runs out of time offers nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from bisect import bisect_left
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from whoosh import query as wq
from whoosh.collectors import FilterCollector, ScoredCollector, WrappingCollector
from whoosh.columns import FixedBytesColumn, TranslatingColumnReader
from whoosh.fields import FieldType
from whoosh.reading import TermNotFound
from whoosh.searching import TimeLimit

from .. import lemmas
from ..errors import InputError, QueryError, QueryTimeoutError
from ..language import DEFAULT, LANGUAGES, Language
from ..model import (
    ArticleHits,
    ArticleMatch,
    ArticleText,
    ContextSentence,
    Copy,
    Hit,
    Page,
    Significant,
    SourceCount,
    Trend,
    Undated,
)
from . import store
from .analysis import in_languages
from .analysis import term as language_term
from .highlight import match_spans, word_test
from .names import file_stem, resolve, short_names
from .phrases import paired
from .query import ParsedQuery, SpellingBonus, WrittenTerm, compile_question
from .ranking import replaces_soundly, skips_blocks_exactly, unbonused
from .schema import ARTICLE, article_fields, article_records, our_terms, sentence_fields
from .scope import (
    BEST_SENTENCES,
    Owners,
    is_filter,
    matches_nothing,
    matching_articles,
    read_owners,
    scope_matters,
    wanted_words,
)
from .scope import article_page as _article_page
from .skipping import exact_matchers, scored_matches
from .store import live_snapshot
from .stories import sentence_key

if TYPE_CHECKING:
    from .columns import Columns
    from .copies import Copies

# What only a trend, the words, the sources or --scope article ask is imported by the method
# that asks it (`columns`, `trend`, `significant`): a plain query process does not load it
# (tests/test_layout.py holds this).
# The plain words of a query (a word's alternatives: `IT` or `^IT`).
_WORDS = (wq.Term, WrittenTerm)

# Seconds one question may take. The slowest ordinary queries measured at 200k sentences
# (a one-letter prefix such as `t*` matching nearly every sentence) take about 1 s, so
# 10 s stops only runaway ones; it is also the web server's time limit per request.
DEFAULT_BUDGET = 10.0
# Indexed words that the wildcards, prefixes, ranges and fuzzy words of one query may
# expand to between them. Whoosh expands before it matches anything, and the cost grows
# with the words' postings: at 200k sentences, `*a*` (12,489 words) took 5.3 s and
# `Turkey **` (20,319) 12 s, while a prefix such as `t*` (1,138 words) takes 1 s.
MAX_EXPANDED_TERMS = 10_000


# Resolved queries one snapshot keeps (see SearchIndex._resolved).
_RESOLUTIONS_KEPT = 64
# One-term totals one snapshot keeps (see SearchIndex._held_by_term).
_COUNTS_KEPT = 1024

# The most digits a sentence number may have: Python converts at most 4,300, and no
# article holds a billion billion sentences.
MAX_SENTENCE_DIGITS = 18


def parse_reference(reference: str) -> tuple[str, int | None]:
    """`NAME:N` as (NAME, N); anything else as (reference, None).

    Raises InputError for an N of more than MAX_SENTENCE_DIGITS digits (leading zeros aside).
    """
    head, _, tail = reference.rpartition(":")
    if not (head and tail.isdigit() and tail.isascii()):
        return reference, None
    digits = tail.lstrip("0") or "0"
    if len(digits) > MAX_SENTENCE_DIGITS:
        shown = digits if len(digits) <= 20 else digits[:20] + "..."
        raise InputError(
            f"sentence number {shown} is too large (at most {MAX_SENTENCE_DIGITS} digits); "
            f'see the numbers with "search show NAME"'
        )
    return head, int(digits)


_Closing = TypeVar("_Closing", bound="ClosedOnExit")


class ClosedOnExit:
    """A `with` block for what has a `close()`: it yields the object and closes it at the end."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Closing) -> _Closing:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class SearchIndex(ClosedOnExit):
    """One open snapshot of the index in a folder: open once, ask, close."""

    def __init__(
        self,
        folder: Path,
        searcher,
        resources: ExitStack,
        verified: bool,
        snapshot=None,
        budget: float | None = DEFAULT_BUDGET,
    ) -> None:
        self.folder = folder
        lemmas.read_from(folder / store.LEMMAS)  # a query reads the stored dictionaries
        self.verified = verified
        self.snapshot = snapshot
        # Seconds each question (find, count, articles, did_you_mean, ...) may run; None
        # for no limit. A caller (the web server) may set it per request.
        self.budget = budget
        self._deadline: float | None = None
        self._searcher = searcher
        self._resources = resources
        self._names: dict[str, str] = {}
        self._stems: dict[str, list[str]] = {}
        self._dates: dict[tuple, tuple[set, set]] = {}
        self._columns: Columns | None = None
        self._copy_groups: Copies | None = None
        self._deleted: list[int] | None = None
        self._held: dict[tuple[str, str, bool], int] = {}  # one term's counts (_held_by_term)
        self._background: Any = None  # search.engine.significant's background sample
        # The last query's matching documents, whatever their date (the page asks its trend,
        # its sources and its words of one query in a row): ((text, any, scope), documents).
        self._matches: tuple[tuple, Any] | None = None
        self._within_key: tuple | None = None
        self._within: set[int] = set()
        self._owners: Owners | None = None
        self._languages: list[Language] | None = None
        self._in_language: dict[str, set[int]] = {}  # article numbers per language (trend)
        # Resolved queries by the identity of the compiled query (kept beside it).
        self._resolutions: dict[int, tuple[Any, Any]] = {}

    @classmethod
    def open(
        cls, folder: Path, verify: bool = False, budget: float | None = DEFAULT_BUDGET
    ) -> SearchIndex:
        """Open the live index in `folder` (raises NoIndexError, IndexDamagedError, ...).

        With `verify`, every index file is first checked against its recorded
        checksum, so that damage is named file by file before anything reads it.
        `budget` is the seconds each question may run (None: no limit).
        """
        if verify:
            store.raise_if_damaged(folder)
        resources = ExitStack()
        # The snapshot is the state read just before opening: a commit in between is seen
        # at the next look (`is_current`), never mistaken for the state opened.
        searcher, snapshot = resources.enter_context(store.opened(folder))
        return cls(folder, searcher, resources, verified=verify, snapshot=snapshot, budget=budget)

    def is_current(self) -> bool:
        """Whether this is still the live state of the index (no commit or swap since it
        was opened); a long-lived reader (the web server) reopens when it is not."""
        return self.snapshot is not None and self.snapshot == live_snapshot(self.folder)

    def close(self) -> None:
        self._resources.close()

    # Questions -----------------------------------------------------------------------

    def find(
        self,
        parsed: ParsedQuery,
        *,
        limit: int | None = 10,
        sort: str = "relevance",
        before: int = 0,
        after: int = 0,
        offset: int = 0,
        collapse: bool = False,
    ) -> list[Hit]:
        """The best `limit` sentences for the query (all if None), in `sort` order,
        after skipping the first `offset` (a page; ranks still count from the top). With
        `collapse`, a sentence found in several places is one hit, naming the others."""
        with self._budgeted(), store.guard(self.folder):
            resolved = self._resolved(parsed)
            return self._find(resolved, limit, sort, before, after, offset, collapse=collapse)[0]

    def page(
        self,
        parsed: ParsedQuery,
        *,
        limit: int | None = 10,
        sort: str = "relevance",
        before: int = 0,
        after: int = 0,
        offset: int = 0,
        collapse: bool = False,
    ) -> Page:
        """`find`'s hits and how many sentences match in all (with `collapse`, how many
        different sentences: as many as the hits would be), from one search where the
        search counts as it ranks (a second pass over the matches otherwise)."""
        with self._budgeted(), store.guard(self.folder):
            resolved = self._resolved(parsed)
            hits, total = self._find(
                resolved,
                limit,
                sort,
                before,
                after,
                offset,
                counting=not collapse,
                collapse=collapse,
            )
            if total is None:
                total = self._count(resolved, collapse)
            return Page(hits, total)

    def count(self, parsed: ParsedQuery, collapse: bool = False) -> int:
        """How many sentences match (with `collapse`, how many different sentences)."""
        with self._budgeted(), store.guard(self.folder):
            return self._count(self._resolved(parsed), collapse)

    def undated_left_out(self, parsed: ParsedQuery) -> int:
        """How many sentences would match but for a date filter, because their article has
        no date (0 without a date filter, or when undated sentences are included)."""
        if not parsed.dated or parsed.include_undated:
            return 0
        with self._budgeted(), store.guard(self.folder):
            inside, outside = self._dated_documents(parsed.since, parsed.until)
            dated_or_records = inside | outside | self._documents(article_records())
            query = self._resolved(parsed).query
            found = self._search(query, limit=None, scored=False, mask=dated_or_records)
            return len(found)

    def articles(
        self,
        parsed: ParsedQuery,
        limit: int | None = None,
        sort: str = "relevance",
        collapse: bool = False,
    ) -> list[ArticleHits]:
        """The articles with matching sentences in `sort` order: best first (by their best
        sentence's score), newest first (undated last), or by path; with `collapse`, one per
        story (its first in that order), naming the other matching articles of the story."""
        with self._budgeted(), store.guard(self.folder):
            grouped: dict[str, list] = {}
            query = self._resolved(parsed).query
            matches = self._search(query, limit=None, **self._limits(parsed))
            for result in matches:
                fields = sentence_fields(result.fields())
                entry = grouped.setdefault(fields["path"], [fields, 0, 0.0])
                entry[1] += 1
                entry[2] = max(entry[2], float(result.score))
            ranked = sorted(grouped.values(), key=_article_sort_key(sort))
            stories: dict[str, list] = {}
            for entry in ranked:
                story = entry[0].get("story") if collapse else None
                stories.setdefault(story or entry[0]["path"], []).append(entry)
            chosen = list(stories.values())
            if limit is not None:
                chosen = chosen[:limit]
            found = [self._article_hits(members) for members in chosen]
        return found

    def _article_hits(self, members: list) -> ArticleHits:
        """One story's best matching article, with the other matching ones as its copies."""
        (f, hits, score), others = members[0], members[1:]
        copies = [Copy(self.name_of(o[0]["path"]), o[0]["path"]) for o in others]
        return ArticleHits(
            f["article"],
            f["path"],
            self.name_of(f["path"]),
            f.get("date"),
            hits,
            round(score, 4),
            title=f.get("title"),
            url=f.get("url"),
            language=f.get("language") or "en",
            copies=sorted(copies, key=lambda copy: copy.path),
        )

    def in_articles(
        self,
        parsed: ParsedQuery,
        *,
        limit: int | None = 10,
        sort: str = "relevance",
        offset: int = 0,
        best: int = BEST_SENTENCES,
        collapse: bool = False,
    ) -> tuple[list[ArticleMatch], int]:
        """`--scope article`: the articles in which the query's words occur anywhere (under
        its AND, OR and NOT), in `sort` order from `offset`, each with its `best` sentences;
        and how many articles match in all (see `search.engine.scope`). With `collapse`, a
        story is one article (its first in `sort` order, naming the others as copies), and
        the count is of stories."""
        with self._budgeted(), store.guard(self.folder):
            query = self._expanded(self._resolved(parsed).query)
            touched: set[int] = set()
            found = self._scoped(replace(parsed, query=query), touched)
            # No article matched: no story to read.
            story_of = self._story_of_article(found) if collapse and found else None
            page = _article_page(self, query, found, touched, limit, sort, offset, best, story_of)
            return page, _story_count(found, story_of)

    def count_in_articles(self, parsed: ParsedQuery, collapse: bool = False) -> int:
        """How many articles `in_articles` finds (with `collapse`, how many stories)."""
        with self._budgeted(), store.guard(self.folder):
            query = self._expanded(self._resolved(parsed).query)
            found = self._scoped(replace(parsed, query=query))
            story_of = self._story_of_article(found) if collapse and found else None
            return _story_count(found, story_of)

    def _story_of_article(self, found: set[int]) -> Callable[[int], str]:
        """Article number (of `owners`) -> its story id (its path when it has none), for the
        articles `found`: from the columns, read with the owners."""
        by_article = self.columns().stories  # numbered as `owners`
        return by_article.__getitem__

    def scope_matters(self, parsed: ParsedQuery) -> bool:
        """Whether `--scope article` may find articles that a sentence search does not."""
        return scope_matters(parsed.query)

    def owners(self) -> Owners:
        """Which article each document belongs to, read once per snapshot with the columns
        (see `columns`): from the file a process keeps for the snapshot (a few ms at
        1,000,000 sentences), else from the postings, and then kept for the next."""
        if self._owners is None:
            self.columns()
        assert self._owners is not None
        return self._owners

    def _generation(self) -> Path:
        """The folder of the open snapshot's generation."""
        return Path(self._searcher._ix.storage.folder)

    def _scoped(self, parsed: ParsedQuery, touched: set[int] | None = None) -> set[int]:
        """The articles (numbers of `owners`) an expanded, resolved query matches at article
        scope, within its date filter: each leaf's documents read once, then sets. The
        documents of the leaves that search words (not `lang:`, `date:`, ... filters: see
        `scope.is_filter`) are added to `touched`, if given (the sentences worth scoring and
        counting)."""
        if matches_nothing(parsed.query, self._holds_no_sentence):
            return set()
        owners = self.owners()
        searched = False  # whether a leaf searched words

        def leaf(node) -> set[int]:
            nonlocal searched
            self._check_deadline()
            documents = self._documents(node)
            if touched is not None and not is_filter(node):
                searched = True
                touched.update(documents)
            return owners.articles_of(documents)

        found = matching_articles(parsed.query, leaf, owners.every)
        if parsed.dated and found:
            inside, outside = self._dated_documents(parsed.since, parsed.until)
            if parsed.include_undated:
                found -= owners.articles_of(outside)
            else:
                found &= owners.articles_of(inside)
        if touched is not None and not searched:  # filters alone (`lang:de`): whole articles
            from .columns import term_documents

            records = set(term_documents(self._searcher.reader(), "kind", ARTICLE))
            touched.update(
                docnum
                for number in found
                for docnum in owners.documents[number]
                if docnum not in records
            )
        return found

    def article(
        self,
        name: str,
        sentence: int | None = None,
        context: int = 0,
        query: ParsedQuery | None = None,
        scope: str = "sentence",
    ) -> ArticleText:
        """A whole article (by name, unique name prefix or path), or one sentence of it
        with `context` sentences either side. With a `query`: its words marked in every
        sentence, and which sentences match it (at `scope` "article": hold a wanted word)."""
        with store.guard(self.folder):
            record = self._find_one_article(name)
            stored = sorted(
                (fields["sentence"], fields) for fields in self._stored_of(record["path"])
            )
            sentences = [(number, fields["text"]) for number, fields in stored]
            source = stored[0][1] if stored else {}
            short = self.name_of(record["path"])
            copies = self._story_members(record.get("story"), record["path"])
            paragraphs = {n: f["paragraph"] for n, f in stored if f.get("paragraph") is not None}
            matches, hits = {}, []
            if query is not None:
                language = record.get("language") or "en"
                matches, hits = self._marked(record["path"], sentences, query, scope, language)
        if sentence is not None:
            if not any(number == sentence for number, _text in sentences):
                raise InputError(f"{short} has no sentence {sentence} (it has {len(sentences)})")
            sentences = [(n, text) for n, text in sentences if abs(n - sentence) <= context]
        return ArticleText(
            record["article"],
            record["path"],
            short,
            record.get("date"),
            [ContextSentence(number, text) for number, text in sentences],
            focus=sentence,
            title=source.get("title"),
            url=source.get("url"),
            copies=copies,
            paragraphs=paragraphs,
            matches=matches,
            hits=hits,
            language=record.get("language") or "en",
        )

    def _marked(self, path: str, sentences, parsed: ParsedQuery, scope: str, language: str):
        """The query's words in each of an article's sentences, and the sentences that match
        the query (at article scope, those that hold a word it wants)."""
        with self._budgeted():
            query = self._expanded(self._resolved(parsed).query)
            accepts = word_test(query)
            matches = {number: match_spans(text, accepts, language) for number, text in sentences}
            matching = wanted_words(query) if scope == "article" else query
            if matching is None:
                return matches, []
            reader = self._searcher.reader()
            found = self._documents(wq.And([matching, wq.Term("path", path)]))
            hits = sorted(
                fields["sentence"]
                for fields in map(reader.stored_fields, found)
                if fields.get("kind") != ARTICLE
            )
            return matches, hits

    def _story_members(self, story: str | None, path: str) -> list[Copy]:
        """The other indexed articles of a story, in path order."""
        if not story:
            return []
        query = wq.And([article_records(), wq.Term("story", story)])
        paths = {
            article_fields(result.fields())["path"]
            for result in self._searcher.search(query, limit=None, scored=False)
        }
        return [Copy(self.name_of(other), other) for other in sorted(paths - {path})]

    def name_of(self, path: str) -> str:
        """An indexed article's shortest unique name (see `search.names`).

        Only articles whose file name has the same stem can share an end of its path, and
        the `article` field finds those at once: no pass over every path (which costs
        130 ms at 10,000 articles) for the few names a query shows.
        """
        if path not in self._names:
            stem = file_stem(path)
            if stem == file_stem(stem) and self._alone_with_stem(stem, path):
                self._names[path] = short_names({path})[path]
            else:
                stems = self._paths_with_stem(stem), self._paths_with_stem(file_stem(stem))
                self._names[path] = short_names({path, *stems[0], *stems[1]})[path]
        return self._names[path]

    def _alone_with_stem(self, stem: str, path: str) -> bool:
        """Whether no other indexed article has the stem `stem`: every document holding it
        is one of `path`'s (counted from the term dictionary alone, deleted ones included
        on both sides, so any doubt answers False)."""
        reader = self._searcher.reader()
        return reader.doc_frequency("article", stem) == reader.doc_frequency("path", path)

    def _paths_with_stem(self, stem: str) -> list[str]:
        """The paths of the indexed articles whose file name without its suffix is `stem`."""
        if stem not in self._stems:
            self._stems[stem] = self._paths_of_term("article", stem)
        return self._stems[stem]

    def _paths_of_term(self, fieldname: str, text: str) -> list[str]:
        """The distinct paths of the documents holding one term, read from its postings (a
        query through Whoosh's matchers would walk every article record instead).

        One stored document is read per path: the `path` postings of the path it names
        then rule out the term's other documents of that article."""
        reader = self._searcher.reader()
        if not reader.doc_frequency(fieldname, text):
            return []
        paths: set[str] = set()
        seen: set[int] = set()
        for docnum in reader.postings(fieldname, text).all_ids():
            if docnum in seen or reader.is_deleted(docnum):
                continue
            path = sentence_or_record_path(reader.stored_fields(docnum))
            paths.add(path)
            seen.update(reader.postings("path", path).all_ids())
        return sorted(paths)

    def _paths_named(self, typed: str) -> list[str]:
        """The indexed paths that `typed` may name (`search.names.resolve` picks among them):
        the whole path, files with the stem of its last part, and files starting with it."""
        last = typed.strip().rstrip("/").rpartition("/")[2]
        if not last:
            return []
        found = set(self._paths_of_term("path", typed))
        found.update(self._paths_of_term("path", str(Path(typed).resolve())))
        found.update(self._paths_with_stem(last))
        found.update(self._paths_with_stem(file_stem(last)))
        if "/" not in typed.strip().strip("/"):
            for stem in self._searcher.reader().expand_prefix("article", last):
                found.update(self._paths_with_stem(stem))
        return sorted(found)

    def sentences(
        self,
        parsed: ParsedQuery | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[dict]:
        """The stored fields of every sentence (or of those matching `parsed` and dated
        `since`..`until`), with its article's `name`, in (path, sentence) order, one
        article in memory at a time.

        Paths come sorted from the index's own term list and each article's documents
        from its postings; a query is first reduced to a bit set of its documents, and
        when that holds few documents they are read and sorted directly instead.
        """
        with store.guard(self.folder):
            for fields in self._stored_sentences(parsed, since, until):
                yield {**fields, "name": self.name_of(fields["path"]), **_terms_of(fields)}

    def _stored_sentences(self, parsed, since, until) -> Iterator[dict]:
        allowed = self._wanted_documents(parsed, since, until)
        reader = self._searcher.reader()
        if allowed is not None and len(allowed) <= _FEW_DOCUMENTS:
            found = [reader.stored_fields(docnum) for docnum in allowed]
            found = [sentence_fields(f) for f in found if f.get("kind") != ARTICLE]
            yield from sorted(found, key=lambda f: (f["path"], f["sentence"]))
            return
        for path in reader.field_terms("path"):
            docnums = reader.postings("path", path).all_ids()
            if allowed is not None:
                docnums = [docnum for docnum in docnums if docnum in allowed]
            records = [reader.stored_fields(docnum) for docnum in docnums]
            article = [
                sentence_fields(fields) for fields in records if fields.get("kind") != ARTICLE
            ]
            yield from sorted(article, key=lambda fields: fields["sentence"])

    def sentence_count(
        self,
        parsed: ParsedQuery | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> int:
        """How many sentences `sentences` yields with the same arguments."""
        with store.guard(self.folder):
            records = self._documents(article_records())
            wanted = self._wanted_documents(parsed, since, until)
            if wanted is None:
                return self._searcher.reader().doc_count() - len(records)
            return len(wanted - records)

    def _wanted_documents(self, parsed, since, until) -> set[int] | None:
        """The documents an export keeps (None: all): those `parsed` matches, if given, and
        dated `since`..`until`, if given, as the same document sets `--since` uses."""
        wanted = None
        if parsed is not None:
            query = self._resolved(parsed).query
            query = self._expanded(query)
            wanted = self._documents(query)
        if since or until:
            inside = self._dated_documents(since, until)[0]
            wanted = inside if wanted is None else wanted & inside
        return wanted

    def did_you_mean(self, parsed: ParsedQuery) -> str | None:
        """A corrected query that finds something, from the index's own words; or None.
        The correction is the question with its unknown words replaced (not read again)."""
        from .suggest import corrections

        # A word a dictionary of the index's languages holds is no typo: a near word of the
        # archive would be another word, often of another language (`Regierungen` is not
        # Dutch "regeringen"). English has no dictionary here: its words are all corrected.
        languages = self.languages_held()
        words = [
            word.text
            for word in parsed.asked.words
            if not any(language.knows(word.text) for language in languages)
        ]
        with self._budgeted(), store.guard(self.folder):
            try:
                found = corrections(self._searcher, words, self._check_deadline)
                if not found:
                    return None
                corrected = parsed.asked.corrected(found)
                self._check_deadline()
                try:
                    compiled = compile_question(corrected)
                except QueryError:
                    return None
                return corrected.text if self.count(compiled) > 0 else None
            except QueryTimeoutError:
                return None  # nothing matched either way; a suggestion is only a bonus

    def count_any(self, parsed: ParsedQuery) -> int | None:
        """How many sentences `--any` would find for a query whose words must all match;
        None when `--any` would not change the query (one term, already --any)."""
        if parsed.match_any or parsed.asked.alone():
            return None
        try:
            loose = compile_question(parsed.asked.loosened())
        except QueryError:
            return None
        if loose.query == parsed.query:
            return None
        try:
            return self.count(loose)
        except QueryError:  # too broad or too slow with --any: nothing to offer
            return None

    def versions(self) -> dict[str, str]:
        """Each indexed file's content hash (sha256), by path, as this snapshot holds them:
        what tells a saved search which articles are new or changed since it last looked."""
        with store.guard(self.folder):
            versions = {}
            for number in self._searcher.docs_for_query(article_records()):
                fields = article_fields(self._searcher.stored_fields(number))
                versions[fields["path"]] = str(fields["info"].get("sha256", ""))
            return versions

    def parts(self, container: str) -> dict[str, str]:
        """The articles of a container file (a mailbox's messages), by path, each with a
        hash of its sentences: what tells a saved search which messages are new when the
        mailbox changed."""
        with store.guard(self.folder):
            texts: dict[str, list[tuple[int, str]]] = {}
            for number in self._documents_at((), (f"{container}#",)):
                stored = self._searcher.stored_fields(number)
                if stored.get("kind") == ARTICLE:
                    continue
                fields = sentence_fields(stored)
                texts.setdefault(fields["path"], []).append((fields["sentence"], fields["text"]))
            return {
                path: hashlib.sha256("\n".join(t for _, t in sorted(held)).encode()).hexdigest()
                for path, held in texts.items()
            }

    def find_in(
        self, parsed: ParsedQuery, paths: Iterable[str], prefixes: Iterable[str] = ()
    ) -> list[Hit]:
        """Every sentence matching `parsed` in the articles at `paths` (or whose path starts
        with one of `prefixes`: the articles of a mailbox), in (path, sentence) order.

        The articles are a set of documents read from the `path` postings and given to the
        search as a filter (an OR of a thousand path terms costs Whoosh seconds)."""
        with self._budgeted(), store.guard(self.folder):
            within = self._documents_at(tuple(paths), tuple(prefixes))
            if not within:
                return []
            resolved = self._resolved(parsed)
            return self._find(resolved, None, "path", 0, 0, within=within)[0]

    def _documents_at(self, paths: tuple[str, ...], prefixes: tuple[str, ...]) -> set[int]:
        """The documents of these paths (and under these prefixes), kept for the next
        question about the same articles (every alert of a check asks about the same)."""
        key = (paths, prefixes)
        if self._within_key != key:
            reader = self._searcher.reader()
            terms = list(paths)
            for prefix in prefixes:
                terms.extend(reader.expand_prefix("path", prefix))
            within: set[int] = set()
            for term in terms:
                try:
                    within.update(reader.postings("path", term).all_ids())
                except TermNotFound:  # a file that gave no sentences
                    continue
            self._within_key, self._within = key, within
        return self._within

    def status(self):
        """What `search status` reports: counts, size, last update, stale and missing files
        (and, if the index was opened with `verify`, that no file is damaged)."""
        from .status import index_status

        # The snapshot this object opened: its generation and Whoosh index, not opened again.
        opened = (self.folder / self.snapshot[2], self._searcher._ix) if self.snapshot else None
        status = index_status(self.folder, opened=opened)
        if self.verified:
            status.damaged = []
        with store.guard(self.folder):
            status.sources = self.sources()
        return status

    def trend(
        self,
        queries: list[ParsedQuery],
        by: str,
        since: str | None = None,
        until: str | None = None,
        scope: str = "sentence",
        language: Language | None = None,
    ) -> Trend:
        """Each query's matching articles, stories and sentences per bucket of `by` (a
        calendar unit of the article's date, or its source), with every article of the
        bucket (of `language` only, when given); dates kept from `since` to `until`; undated
        matches counted apart. At `scope` "article" the words may be anywhere in an article,
        and its sentences that hold one of them are its matching sentences."""
        from .trend import Counter, buckets

        with self._budgeted(), store.guard(self.folder):
            columns = self.columns()
            among = None if language is None else self._articles_in(language, columns)
            counter = Counter(columns, by, since, until, among)
            counted = []
            undated = []
            for parsed in queries:
                self._check_deadline()
                documents = self._matching_documents(parsed, scope)
                found, (articles, sentences) = counter.count(documents)
                counted.append((parsed.text, found))
                undated.append(Undated(parsed.text, articles, sentences))
            rows = buckets(counter, counted)
        texts = [parsed.text for parsed in queries]
        return Trend(by, texts, rows, undated, dated_only=bool(since or until))

    def words(
        self,
        parsed: ParsedQuery,
        limit: int = 20,
        score: str = "g2",
        sample: int | None = None,
        scope: str = "sentence",
    ) -> Significant:
        """The words, two-word phrases and names that set the query's matching sentences
        apart from the whole index (see `search.engine.significant`)."""
        from .columns import term_documents
        from .significant import kept_background, significant

        with self._budgeted(), store.guard(self.folder):
            if self._background is None:
                self._background = kept_background(self._searcher.reader(), self._generation())
            resolved = self._resolved(parsed)
            if scope == "article":
                # Every sentence of the articles matched: the articles are the foreground.
                expanded = replace(resolved, query=self._expanded(resolved.query))
                owners = self.owners()
                matched = self._scoped(expanded)
                records = set(term_documents(self._searcher.reader(), "kind", ARTICLE))
                found = [
                    docnum
                    for number in matched
                    for docnum in owners.documents[number]
                    if docnum not in records
                ]
            elif parsed.dated:
                limits = self._limits(parsed)
                found = self._search(resolved.query, limit=None, scored=False, **limits).docs()
            else:
                found = self._matching_documents(parsed)
            query: wq.Query = resolved.query  # type: ignore[assignment]
            own = {
                leaf.text
                for leaf in query.leaves()
                if isinstance(leaf, wq.Term) and leaf.fieldname == "text"
            }
            once, extra = self._each_sentence_once(sorted(found), query, parsed, scope)
            return significant(
                self._searcher,
                once,
                own,
                limit,
                score,
                self._check_deadline,
                sample,
                self._background,
                extra=extra,
            )

    def _each_sentence_once(self, documents: list[int], query, parsed, scope: str):
        """`documents` (sorted) with each sentence once: the first document of each `copy`
        key (copies of one story hold the same sentences); and for a document kept, how
        many other documents of the index hold its sentence. Without a filter (dates,
        `lang:`, `source:`, `article:`) at sentence scope every copy of a matching sentence
        matches too, so they are counted among the matches; otherwise in the index."""
        ordered = self._keys_in_order(documents)
        held = Tally(ordered)  # counted in C, as the first of each key is found:
        first = dict(zip(reversed(ordered), reversed(documents), strict=True))  # the last wins

        def key(docnum: int) -> str:  # asked of the sample's documents only
            return ordered[bisect_left(documents, docnum)]

        filtered = parsed.dated or scope != "sentence" or any(map(is_filter, query.leaves()))
        if filtered:
            return sorted(
                first.values()
            ), lambda docnum: self._documents_holding("copy", key(docnum)) - 1
        return sorted(first.values()), lambda docnum: held[key(docnum)] - 1

    def sources(self) -> list[SourceCount]:
        """Every source with its articles and the first and last of their dates, from the
        article records' postings (no columns needed)."""
        from .columns import record_values

        reader = self._searcher.reader()
        dates = record_values(reader, "date")
        found: dict[str, list] = {}
        for docnum, source in record_values(reader, "source").items():
            entry = found.setdefault(source, [0, None, None, 0])
            entry[0] += 1
            date = dates.get(docnum)
            if date is None:
                entry[3] += 1
                continue
            entry[1] = date if entry[1] is None else min(entry[1], date)
            entry[2] = date if entry[2] is None else max(entry[2], date)
        return [SourceCount(name, *found[name]) for name in sorted(found)]

    def columns(self) -> Columns:
        """Each article's date, source and story (by the article numbers of `owners`),
        read once per open snapshot (see `search.engine.columns`): from the generation's
        file when a process has kept it for this snapshot, else from the postings (the
        `path` postings through `read_owners`, then four fields'), and then kept there."""
        if self._columns is None:
            from .columns import cached_columns

            reader = self._searcher.reader()
            self._columns = cached_columns(
                reader, self._generation(), lambda: read_owners(reader, self._check_deadline)
            )
            self._owners = self._columns.owners
        return self._columns

    def _matching_documents(self, parsed: ParsedQuery, scope: str = "sentence"):
        """The document numbers of every sentence a query matches, whatever its date (the
        trend buckets dates itself), from one unscored search: no stored field is read.
        At `scope` "article": the sentences holding a wanted word in the articles matched
        (`--scope article`)."""
        key = (parsed.text, parsed.match_any, parsed.language, scope)  # all that shapes them
        if self._matches is not None and self._matches[0] == key:
            return self._matches[1]
        found = self._documents_matching(parsed, scope)
        self._matches = (key, found)
        return found

    def _documents_matching(self, parsed: ParsedQuery, scope: str):
        asked = replace(parsed.asked, since=None, until=None, include_undated=False)
        undated = replace(parsed, asked=asked)
        resolved = self._resolved(undated)
        if scope == "article":
            touched: set[int] = set()
            expanded = replace(resolved, query=self._expanded(resolved.query))
            found = self._scoped(expanded, touched)
            of = self.owners().of
            return [docnum for docnum in touched if of[docnum] in found]
        core = unbonused(resolved.query)
        if isinstance(core, wq.Term) and resolved.mask is None:
            # One word: its postings are its matches, read a block at a time.
            from .columns import term_documents

            return term_documents(self._searcher.reader(), core.fieldname, core.text)
        return self._search(resolved.query, limit=None, scored=False, mask=resolved.mask).docs()

    # Internals -----------------------------------------------------------------------

    @contextmanager
    def _budgeted(self) -> Iterator[None]:
        """Start the budget's clock for one question, unless a question that asks this
        one (did_you_mean counting its candidates) has started it already."""
        if self._deadline is not None or self.budget is None:
            yield
            return
        for language in self.languages_held():  # loading a dictionary is no query's time
            language.key("a")
        self._deadline = time.monotonic() + self.budget
        try:
            yield
        finally:
            self._deadline = None

    def _check_deadline(self) -> None:
        """Raise QueryTimeoutError if the question has run past its budget."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise self._timed_out()

    def _timed_out(self) -> QueryTimeoutError:
        return QueryTimeoutError(
            f"the query took longer than {self.budget:g} s and was stopped; make it more "
            "specific (fewer wildcards, a narrower range)"
        )

    def _search(self, query, counted: bool = False, **options):
        """Whoosh's `search`, with the query's expansion capped and the budget's deadline
        checked at every matching document. With `counted`, a top-N search visits every
        match, so that `len()` of the results is exact."""
        query = self._expanded(query)
        collector = self._searcher.collector(**options)
        ranking = collector.child if isinstance(collector, FilterCollector) else collector
        if hasattr(ranking, "usequality"):
            # Whoosh's block skipping is exact only for one word (see search.ranking), and a
            # count needs every match visited.
            ranking.usequality = skips_blocks_exactly(query) and not counted
        guarded = _GuardedCollector(ranking, self._deadline, replace=not counted)
        if isinstance(collector, FilterCollector):
            collector.child = guarded
        else:
            collector = guarded
        try:
            self._searcher.search_with_collector(query, collector)
        except TimeLimit:
            raise self._timed_out() from None
        return collector.results()

    def _expanded(self, query):
        """`query` with each wildcard, prefix, range and fuzzy word replaced by the indexed
        words it stands for, read once (Whoosh would read them again to match, and a fuzzy
        word's walk of the vocabulary costs 40 ms at 200k sentences); a pattern that
        stands for one word becomes that word, so the search can skip blocks as for a word
        typed in full. Refused (QueryError) past MAX_EXPANDED_TERMS words in all; counted
        lazily, so refusing is cheap."""
        reader = self._searcher.reader()
        expanded = 0
        words: dict[int, list] = {}
        for node in query.leaves():
            if not isinstance(node, wq.MultiTerm) or isinstance(node, _Listed) or id(node) in words:
                continue
            found = words[id(node)] = []
            for _field, word in node.expanded_terms(reader):
                found.append(word)
                expanded += 1
                if expanded > MAX_EXPANDED_TERMS:
                    raise QueryError(
                        f"the query's wildcards, prefixes and ranges match more than "
                        f"{MAX_EXPANDED_TERMS:,} different words (at {node}); make them "
                        "narrower, e.g. a longer prefix or a shorter range"
                    )
                if expanded % 1000 == 0:
                    self._check_deadline()
        if not words:
            return query

        def listed(node):
            if id(node) not in words or _every_word(node):
                return node
            found = words[id(node)]
            if len(found) == 1:  # as Whoosh matches a pattern of one word: that word, unboosted
                return wq.Term(node.field(), found[0])
            return _Listed(node, found)

        return query.accept(listed)

    def _find(
        self,
        parsed,
        limit,
        sort,
        before,
        after,
        offset=0,
        counting=False,
        collapse=False,
        within=None,
    ) -> tuple[list[Hit], int | None]:
        """The hits; with `counting`, also how many matched, if the search could count them
        all (a top-N search of one word skips the blocks that cannot reach the top). With
        `collapse`, each sentence once (the first in `sort` order), naming its copies."""
        end = None if limit is None else offset + limit
        if collapse:
            rows, groups = self._collapsed_rows(parsed, sort, end)
            total = None
        else:
            rows, total = self._rows(parsed, sort, end, counting, within)
            rows.sort(key=_sort_key(sort))
            groups = {}
        rows = rows[offset:end]
        accepts = word_test(parsed.query)
        articles: dict[str, dict[int, str]] = {}
        copies = self._copies(parsed, rows, groups) if collapse else {}
        hits = []
        for rank, (score, fields) in enumerate(rows, start=offset + 1):
            text = fields.get("text", "")
            hit = Hit(
                rank=rank,
                score=round(float(score), 4),
                article=fields["article"],
                path=fields["path"],
                name=self.name_of(fields["path"]),
                sentence=fields["sentence"],
                date=fields.get("date"),
                text=text,
                matches=match_spans(text, accepts, fields.get("language") or "en"),
                title=fields.get("title"),
                url=fields.get("url"),
                copies=copies.get((fields["path"], fields["sentence"]), []),
                language=fields.get("language") or "en",
            )
            if before or after:
                hit.before, hit.after = self._context(hit, before, after, articles)
            hits.append(hit)
        return hits, total

    def _rows(self, parsed, sort, end, counting=False, within=None) -> tuple[list, int | None]:
        """The first `end` matches (all if None) as (score, fields) rows, unsorted; with
        `counting`, how many match in all when the search could count them; with `within`,
        by relevance, only among these documents (find_in)."""
        if sort != "relevance" and end is not None:
            return self._first_in_order(parsed, sort, end)
        skipping = end is not None and skips_blocks_exactly(parsed.query)
        counted = counting and not skipping
        limits = self._limits(parsed)
        if within is not None:  # only these documents (find_in)
            limits["filter"] = within & limits["filter"] if "filter" in limits else within
            limits["filter"] = limits["filter"] or {-1}
        found = self._search(parsed.query, limit=end, counted=counted, **limits)
        rows = [(result.score, sentence_fields(result.fields())) for result in found]
        return rows, len(found) if counted else None

    def _collapsed_rows(self, parsed, sort, end) -> tuple[list, dict[tuple, str]]:
        """The first `end` different sentences in `sort` order (all if None), each the first
        of its copies, and the key of each shown row's sentence.

        Copies take places in a top N, so when the first `end` matches hold copies, more
        are read (twice as many plus 10, then four times more each round) until `end`
        different sentences are in or every match has been read: a page without copies
        costs what it did before collapsing."""
        fetch = end
        while True:
            if sort == "relevance" and fetch is not None and end is not None:
                rows, read = self._distinct_rows(parsed, fetch, end)
                exhausted = read < fetch
            else:
                rows, matched = self._rows(parsed, sort, fetch)
                exhausted = (
                    fetch is None or len(rows) < fetch or (matched is not None and matched <= fetch)
                )
            rows.sort(key=_sort_key(sort))
            firsts: dict[str, tuple] = {}
            for row in rows:
                firsts.setdefault(sentence_key(row[1]["text"]), row)
            if fetch is None or end is None or len(firsts) >= end or exhausted:
                kept = list(firsts.values())
                keys = {(row[1]["path"], row[1]["sentence"]): key for key, row in firsts.items()}
                return kept, keys
            fetch = 2 * fetch + 10 if fetch == end else fetch * 4

    def _distinct_rows(self, parsed, fetch: int, end: int) -> tuple[list, int]:
        """The top `fetch` matches by relevance, read as rows only where they can be shown:
        the best of each sentence (by the `copy` column, not the stored text) among the
        first `end` different sentences, and whatever ties with them on score (their order
        is by path, which only the stored fields say); and how many matches were read."""
        found = self._search(parsed.query, limit=fetch, **self._limits(parsed))
        scored = [(float(score), docnum) for docnum, score in found.items()]
        keys = self._keys_by_document(sorted(docnum for _score, docnum in scored))
        best: dict[str, float] = {}
        for score, docnum in scored:
            best.setdefault(keys[docnum], score)
        tops = sorted(best.values(), reverse=True)
        floor = tops[end - 1] if len(tops) >= end else float("-inf")
        reader = self._searcher.reader()
        rows = [
            (score, sentence_fields(reader.stored_fields(docnum)))
            for score, docnum in scored
            if score >= floor and score == best[keys[docnum]]
        ]
        return rows, len(scored)

    def _keys_by_document(self, documents: list[int]) -> dict[int, str]:
        """The `copy` key of each of `documents` (sorted)."""
        return dict(zip(documents, self._keys_in_order(documents), strict=True))

    def _keys_in_order(self, documents: list[int]) -> list[str]:
        """The `copy` key of each of `documents` (sorted), in their order: from each
        segment's column, or from the stored text in a segment written without one."""
        keys: list[str] = []
        for leaf, offset in self._searcher.reader().leaf_readers():
            end = offset + leaf.doc_count_all()
            local = documents[bisect_left(documents, offset) : bisect_left(documents, end)]
            if not local:
                continue
            try:  # opened with the snapshot (`store.opened`) if the segment has one
                column = leaf.column_reader("copy")
            except OSError:
                for docnum in local:
                    text = sentence_fields(leaf.stored_fields(docnum - offset))["text"]
                    keys.append(sentence_key(text))
            else:
                keys.extend(_column_values(leaf, column, local, offset))
        return keys

    def _copies(self, parsed, rows, keys: dict) -> dict[tuple[str, int], list[Copy]]:
        """For each shown row, the other matching sentences with the same text (by path and
        sentence). A key held by one sentence has no copies (read from the term dictionary
        alone); the few documents of the others are tested against the query one by one."""
        reader = self._searcher.reader()
        shown = {(f["path"], f["sentence"]): keys[(f["path"], f["sentence"])] for _s, f in rows}
        shared = {key for key in set(shown.values()) if reader.doc_frequency("copy", key) > 1}
        if not shared:
            return {}
        candidates: set[int] = set()
        for key in shared:
            postings = reader.postings("copy", key).all_ids()
            candidates.update(d for d in postings if not reader.is_deleted(d))
        places: dict[str, list[tuple[str, int]]] = {}
        for docnum in sorted(self._matching(parsed, candidates)):
            fields = sentence_fields(reader.stored_fields(docnum))
            place = (fields["path"], fields["sentence"])
            places.setdefault(sentence_key(fields["text"]), []).append(place)
        copies = {}
        for place, key in shown.items():
            others = sorted(other for other in places.get(key, []) if other != place)
            copies[place] = [Copy(self.name_of(path), path, number) for path, number in others]
        return copies

    def _matching(self, parsed, documents: set[int]) -> set[int]:
        """Which of a few sentence documents the query matches, with its date filter: its
        matchers are moved to each document (no walk over every match)."""
        limits = self._limits(parsed)
        allowed = set(documents)
        if limits.get("filter") is not None:
            allowed &= limits["filter"]
        mask = limits.get("mask")
        if isinstance(mask, set):  # dated outside --since/--until (a query mask: records only)
            allowed -= mask
        query = self._expanded(unbonused(parsed.query))
        return set(self._scores_of(query, allowed))

    def _first_in_order(self, parsed: ParsedQuery, sort: str, end: int) -> tuple[list, int]:
        """The first `end` matches by date (newest first) or by path, as (score, fields) rows
        (a few more where the last date or path ties), and how many match in all.

        Reading and sorting every match costs a stored document each: 1 s for `government`
        at 200k sentences. Past a few thousand matches, the `date` (or `path`) terms are
        walked in order instead, each term's postings giving its sentences, until `end`
        matches are in; only those are read and scored."""
        query = self._expanded(parsed.query)  # once, for the matches and their scores
        matched = self._search(query, limit=None, scored=False, **self._limits(parsed))
        documents = set(matched.docs())
        if len(documents) <= _FEW_TO_SORT:
            chosen = documents
        else:
            chosen = self._first_by_key(documents, "date" if sort == "date" else "path", end)
        reader = self._searcher.reader()
        scores = self._scores_of(query, chosen)
        rows = [
            (scores.get(docnum, 0.0), sentence_fields(reader.stored_fields(docnum)))
            for docnum in chosen
        ]
        return rows, len(documents)

    def _first_by_key(self, documents: set[int], fieldname: str, end: int) -> set[int]:
        """At least the first `end` of `documents` in the order of their `fieldname` term
        (dates newest first, then undated; paths in order), whole terms at a time."""
        reader = self._searcher.reader()
        keys = list(reader.field_terms(fieldname))
        if fieldname == "date":
            keys.reverse()
        chosen: set[int] = set()
        for key in keys:
            self._check_deadline()
            chosen.update(documents.intersection(reader.postings(fieldname, key).all_ids()))
            if len(chosen) >= end:
                return chosen
        undated = documents - chosen
        return chosen | undated

    def _scores_of(self, query, documents: set[int]) -> dict[int, float]:
        """The score `query` (expanded) gives each of `documents`, read by moving its
        matchers to them."""
        context = self._searcher.context()
        wanted = sorted(documents)
        scores: dict[int, float] = {}
        for searcher, offset in self._searcher.leaf_searchers():
            size = searcher.doc_count_all()
            matcher = query.matcher(searcher, context)
            for docnum in wanted:
                local = docnum - offset
                if not 0 <= local < size or not matcher.is_active():
                    continue
                if matcher.id() < local:
                    matcher.skip_to(local)
                if matcher.is_active() and matcher.id() == local:
                    scores[docnum] = matcher.score()
        return scores

    def _count(self, parsed: ParsedQuery, collapse: bool = False) -> int:
        """How many sentences match (with `collapse`, how many different sentences). The
        matches of a query hold no article record: a query that could match one masks them."""
        core = unbonused(parsed.query)
        if isinstance(core, wq.Term) and not parsed.dated and parsed.mask is None:
            return self._held_by_term(core.fieldname, core.text, collapse)
        words = _or_of_words(core) or self._words_of_pattern(core)
        if words and not parsed.dated:
            # Words (joined by OR, or those a pattern stands for): their postings a block at
            # a time, not a collector's step per match.
            documents = self._documents_of_words(words, parsed.mask)
            return self._distinct(documents) if collapse else len(documents)
        found = self._search(parsed.query, limit=None, scored=False, **self._limits(parsed))
        if not collapse:
            return len(found)
        return self._distinct(found.docs())

    def _held_by_term(self, fieldname: str, text: str, collapse: bool) -> int:
        """How many live sentences (with `collapse`, different sentences) hold a term, kept
        for the snapshot: a server asks the total of the same common words again and again,
        and with deletions or copies a common word's costs tens of ms at 1M sentences."""
        key = (fieldname, text, collapse)
        if key not in self._held:
            if collapse:
                found = self._distinct_holding(fieldname, text)
            else:
                found = self._documents_holding(fieldname, text)
            if len(self._held) >= _COUNTS_KEPT:
                self._held.clear()
            self._held[key] = found
        return self._held[key]

    def _distinct(self, documents: set[int]) -> int:
        """How many different sentences (`copy` keys) `documents` hold: a few read key by
        key, unless the snapshot's table of copies is already read; more through the table
        (see `search.engine.copies`)."""
        if self._copy_groups is None and len(documents) < _FEW_KEYS:
            return len(self._sentence_keys(sorted(documents)))
        copies = self.copy_groups()
        return copies.distinct(len(documents), copies.among(documents))

    def _distinct_holding(self, fieldname: str, text: str) -> int:
        """How many different sentences hold a term: its documents, less those deleted and
        the copies among the others, both found in one pass that moves its postings to the
        deleted documents and to the sentences that have copies (see
        `search.engine.copies`); for a rare term, when the table is not read yet, its few
        documents' keys."""
        from .columns import term_documents
        from .copies import held_by

        reader = self._searcher.reader()
        if self._copy_groups is None and reader.doc_frequency(fieldname, text) < _FEW_KEYS:
            return self._distinct(set(term_documents(reader, fieldname, text)))
        copies = self.copy_groups()
        self._check_deadline()
        deleted = self._deleted_documents()
        probed = sorted(set(deleted).union(copies.members)) if deleted else copies.members
        found = held_by(reader, fieldname, text, probed)
        if not deleted:
            return copies.distinct(reader.doc_frequency(fieldname, text), found)
        gone = set(deleted)
        shared = [docnum for docnum in found if docnum not in gone]
        held = reader.doc_frequency(fieldname, text) - (len(found) - len(shared))
        return copies.distinct(held, shared)

    def copy_groups(self) -> Copies:
        """The snapshot's table of copied sentences, read once (see `search.engine.copies`)."""
        if self._copy_groups is None:
            from .copies import cached_copies

            reader = self._searcher.reader()
            self._copy_groups = cached_copies(reader, self._generation(), self._check_deadline)
        return self._copy_groups

    def _words_of_pattern(self, node) -> list | None:
        """The words a prefix, wildcard or fuzzy word stands for, as terms (what it matches
        is the sentences holding any of them), else None."""
        if not isinstance(node, wq.MultiTerm) or _every_word(node):
            return None
        found = self._expanded(node)
        if isinstance(found, wq.Term):
            return [found]
        if not isinstance(found, _Listed):
            return None
        field = found.fieldname
        return [
            wq.Term(field, word.decode("utf-8") if isinstance(word, bytes) else word)
            for word in found.words
        ]

    def _sentence_keys(self, documents: list[int]) -> set:
        """The different `copy` keys of `documents` (sorted)."""
        self._check_deadline()
        return set(self._keys_by_document(documents).values())

    def _documents_of_words(self, words: list, mask) -> set[int]:
        """The live documents holding any of `words`, less those `mask` matches, read from
        the postings a block at a time: Whoosh's collector walks an OR one document at a
        time (54 ms for the 35,415 sentences `--any` finds for `U.S. trade deficit` at
        200k sentences)."""
        from .columns import term_documents

        reader = self._searcher.reader()
        found: set[int] = set()
        for word in words:
            self._check_deadline()
            found.update(term_documents(reader, word.fieldname, word.text))
        if mask is not None and found:
            found -= self._documents(mask)
        return found

    def _documents_holding(self, fieldname: str, text: str) -> int:
        """How many live documents hold a term: its document frequency, less the deleted
        documents that hold it, found by moving its postings to each (walking the 59,379
        postings of `government` at 200k sentences costs 60 ms; an index without deletions
        answers at once)."""
        from .copies import held_by

        reader = self._searcher.reader()
        held = reader.doc_frequency(fieldname, text)
        if held and self._deleted_documents():
            self._check_deadline()
            held -= len(held_by(reader, fieldname, text, self._deleted_documents()))
        return held

    def _deleted_documents(self) -> list[int]:
        """The snapshot's deleted document numbers, ascending, read once."""
        if self._deleted is None:
            from .columns import deleted_documents

            self._deleted = sorted(
                offset + docnum
                for leaf, offset in self._searcher.reader().leaf_readers()
                for docnum in deleted_documents(leaf)
            )
        return self._deleted

    def _limits(self, parsed: ParsedQuery) -> dict:
        """Whoosh's `filter` and `mask` for a query: article records masked where they could
        match, and `--since`/`--until` as sets of documents.

        Dates are sets read straight from the postings of the `date` terms, not a term range
        in the query: intersecting a word with a union of hundreds of date terms, or having
        Whoosh build the set through its matchers, costs seconds at 200k sentences.
        """
        if not parsed.dated:
            return {"mask": parsed.mask}
        inside, outside = self._dated_documents(parsed.since, parsed.until)
        if not parsed.include_undated:
            # Whoosh reads an empty filter as no filter: -1 is no document, so none passes.
            return {"filter": inside or {-1}, "mask": parsed.mask}
        records = self._documents(parsed.mask) if parsed.mask is not None else set()
        return {"mask": outside | records}

    def _dated_documents(self, since: str | None, until: str | None) -> tuple[set, set]:
        """The documents dated from `since` to `until` (inclusive), and the other dated ones."""
        key = (since, until)
        if key not in self._dates:
            reader = self._searcher.reader()
            inside: set[int] = set()
            outside: set[int] = set()
            for date in reader.field_terms("date"):
                within = (since is None or date >= since) and (until is None or date <= until)
                (inside if within else outside).update(reader.postings("date", date).all_ids())
            self._dates[key] = (inside, outside)
        return self._dates[key]

    def _holds_no_sentence(self, node) -> bool:
        """Whether no document holds a word (or one of a phrase's words): its term is not
        in the index. (A term whose documents are all deleted is not known here: False.)"""
        reader = self._searcher.reader()
        field = node.fieldname
        words = node.words if isinstance(node, wq.Phrase) else [node.text]
        if field not in self._searcher.schema:
            return True
        to_bytes = self._searcher.schema[field].to_bytes
        try:
            return any((field, to_bytes(word)) not in reader for word in words)
        except ValueError:  # not a value of the field (Whoosh's phrase matches nothing too)
            return False

    def _documents(self, query) -> set[int]:
        """The live documents `query` matches. A word's are its postings read a block at a
        time (`term_documents`): Whoosh's `docs_for_query` makes a generator step and two
        method calls per posting (the 73,770 postings of `sanctions pipeline referendum`
        at 1,000,000 sentences, `--scope article`: 0.2 s)."""
        if isinstance(query, wq.Term) and _plain_term(type(query)):
            from .columns import term_documents

            return set(term_documents(self._searcher.reader(), query.fieldname, query.text))
        return set(self._searcher.docs_for_query(query))

    def _resolved(self, parsed: ParsedQuery) -> ParsedQuery:
        """The query with each `article:NAME` turned into the paths that NAME names (see
        `_resolved_query`), once per compiled query and snapshot: an answer asks its hits,
        its count, its undated matches and its scope note of one query."""
        kept = self._resolutions.get(id(parsed.query))
        if kept is None or kept[0] is not parsed.query:
            kept = (parsed.query, self._resolved_query(parsed.query))
            if len(self._resolutions) >= _RESOLUTIONS_KEPT:
                self._resolutions.clear()
            self._resolutions[id(parsed.query)] = kept
        return replace(parsed, query=kept[1])

    def _resolved_query(self, query):
        """`article:NAME` turned into the paths that NAME names; spelling bonuses that every
        match of their word would get, and alternatives no sentence has, dropped (they rank
        or match nothing and cost a posting list, or block skipping); each typed word and
        phrase looked up in every other language the index holds (`search.engine.analysis`)."""
        reader = self._searcher.reader()
        others = self.languages_held()

        def frequency(term) -> int:
            found = reader.doc_frequency(term.fieldname, term.text)
            written = getattr(term, "written", None)
            if others and written and len(written) == 1:
                # A typed word's stem twins in the other languages too (a sentence is in one
                # language, so the counts add up): `Zürich` ranks a German "Zürich" above an
                # English "Zurich" as it ranks an English one.
                alternatives = {language_term(other, written[0]) for other in others}
                found += sum(reader.doc_frequency(term.fieldname, t) for t in alternatives)
            return found

        def resolve_names(node):
            if isinstance(node, wq.Or) and all(type(q) in _WORDS for q in node.subqueries):
                # Alternatives the index does not hold (`^NATO` where no headline shouts it)
                # are dropped, so that one word left is searched as one word (its blocks
                # skipped: see search.ranking).
                held = [q for q in node.subqueries if reader.doc_frequency(q.fieldname, q.text)]
                if len(held) < len(node.subqueries):
                    return held[0] if len(held) == 1 else wq.Or(held or node.subqueries[:1])
            if isinstance(node, SpellingBonus):
                return node if node.ranks_anything(frequency) else wq.NullQuery
            if isinstance(node, wq.Term | wq.Prefix) and node.fieldname == "article":
                paths = resolve(node.text, self._paths_named(node.text))
                if not paths:
                    return wq.NullQuery
                return wq.Or([wq.Term("path", path) for path in paths], boost=node.boost)
            if others and getattr(node, "written", None):
                return in_languages(node, others)
            return node

        return paired(query.accept(resolve_names))

    def _articles_in(self, language: Language, columns) -> set[int]:
        """The article numbers (of `columns`) of the articles in `language`: those whose
        documents hold its `language` term; for English, those whose documents hold none.
        Kept while the index is open, as the columns are."""
        from .columns import NO_ARTICLE, term_documents

        found = self._in_language.get(language.code)
        if found is not None:
            return found
        reader = self._searcher.reader()
        if language.code != DEFAULT:
            held = term_documents(reader, "language", language.code)
            found = {columns.article_of[docnum] for docnum in held} - {NO_ARTICLE}
        else:
            others = {
                columns.article_of[docnum]
                for other in self.languages_held()
                for docnum in term_documents(reader, "language", other.code)
            }
            found = set(columns.articles) - others
        self._in_language[language.code] = found
        return found

    def languages_held(self) -> list[Language]:
        """The languages other than English that the index's sentences are in."""
        if self._languages is None:
            codes = self._searcher.reader().field_terms("language")
            self._languages = [LANGUAGES[code] for code in codes if code in LANGUAGES]
            self._languages = [lang for lang in self._languages if lang.code != DEFAULT]
        return self._languages

    def _context(self, hit: Hit, before: int, after: int, articles: dict):
        """The neighbours of a hit; `articles` keeps each article's sentences for the next hit."""
        if hit.path not in articles:
            articles[hit.path] = dict(self._sentences_of(hit.path))
        neighbours = articles[hit.path]
        # Clamped to the article's own sentences: -C 1000000000 costs what the article does.
        first = max(hit.sentence - before, min(neighbours, default=hit.sentence))
        last = min(hit.sentence + after, max(neighbours, default=hit.sentence))
        above = [
            ContextSentence(n, neighbours[n]) for n in range(first, hit.sentence) if n in neighbours
        ]
        below = [
            ContextSentence(n, neighbours[n])
            for n in range(hit.sentence + 1, last + 1)
            if n in neighbours
        ]
        return above, below

    def _sentences_of(self, path: str) -> Iterator[tuple[int, str]]:
        """(number, text) of every sentence of one article, in no particular order."""
        for fields in self._stored_of(path):
            yield fields["sentence"], fields["text"]

    def _stored_of(self, path: str) -> Iterator[dict]:
        """The stored fields of every sentence of one article, in no particular order."""

        for result in self._searcher.search(wq.Term("path", path), limit=None, scored=False):
            fields = result.fields()
            if fields.get("kind") == ARTICLE:  # the article's own record: no mask needed
                continue
            yield sentence_fields(fields)

    def _find_one_article(self, name: str) -> dict:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # bytes of a non-UTF-8 argument, escaped by Python
            raise InputError("text that is not valid UTF-8 cannot be searched for") from None
        candidates = resolve(name, self._paths_named(name))
        if not candidates:
            # Damage can hide an article without an error: check before denying it exists.
            store.raise_if_damaged(self.folder)
            raise InputError(f'no article "{name}" in the index; try "search query -l WORD"')
        if len(candidates) > 1:
            shown = ", ".join(sorted(self.name_of(path) for path in candidates[:50])[:10])
            more = ", ..." if len(candidates) > 10 else ""
            raise InputError(
                f'"{name}" names {len(candidates)} articles ({shown}{more}); give more of its path'
            )
        return self._article_record(candidates[0])

    def _article_record(self, path: str) -> dict:

        query = wq.And([wq.Term("kind", ARTICLE), wq.Term("path", path)])
        for result in self._searcher.search(query, limit=1):
            return article_fields(result.fields())
        for result in self._searcher.search(wq.Term("path", path), limit=1):
            # An article of a container (`box.mbox#2`): its file has the record, its sentences
            # say what the record would.
            fields = sentence_fields(result.fields())
            return {"path": path, "article": fields["article"], "date": fields.get("date")}
        store.raise_if_damaged(self.folder)
        raise InputError(f'no article "{path}" in the index; try "search query -l WORD"')


def _terms_of(fields: dict) -> dict:
    """For a sentence not in English, `terms`: the terms our index holds for it, in order
    (what an export ships so that a cluster matches what we match; see engine/mapping.py)."""
    language = fields.get("language")
    if not language or language == DEFAULT:
        return {}
    return {"terms": " ".join(our_terms(fields["text"], language))}


def _or_of_words(node) -> list | None:
    """The words of a query that is words joined by OR alone (what `--any` makes of plain
    words), else None."""
    if type(node) in _WORDS:
        return [node]
    if type(node) is not wq.Or:
        return None
    words = []
    for child in node.subqueries:
        found = _or_of_words(child)
        if found is None:
            return None
        words.extend(found)
    return words


def _every_word(node) -> bool:
    """A bare `*` (or an empty prefix): Whoosh matches it as every document of the field."""
    return (isinstance(node, wq.Prefix) and node.text == "") or (
        isinstance(node, wq.Wildcard) and node.text == "*"
    )


class _Listed(wq.MultiTerm):
    """A wildcard, prefix, range or fuzzy word with the indexed words it stands for already
    read: it matches and scores as the original (Whoosh's MultiTerm matcher), without
    walking the vocabulary again."""

    def __init__(self, original, words: list) -> None:
        self.original = original
        self.fieldname = original.field()
        self.boost = original.boost
        self.constantscore = original.constantscore
        self.words = words

    def _btexts(self, ixreader):
        return self.words

    def __eq__(self, other) -> bool:
        return isinstance(other, _Listed) and (self.original, self.words) == (
            other.original,
            other.words,
        )

    def __hash__(self) -> int:
        return hash(self.original)

    def __repr__(self) -> str:
        return f"_Listed({self.original!r}, {len(self.words)} words)"

    def __str__(self) -> str:
        return str(self.original)


class _GuardedCollector(WrappingCollector):
    """Wraps Whoosh's collector: stops it when the wall clock passes `deadline` (if any),
    and lets it swap in leaner matchers once a document cannot reach the top N only where
    every matcher of the segment bounds its best score truly (`replaces_soundly`).

    Whoosh's own TimeLimitCollector either sends SIGALRM (main thread only, and at odds
    with the command line's own signal handling) or starts a non-daemon timer thread per
    search that outlives a search failing otherwise; a clock read at each matching
    document does the same job with neither. It goes inside a FilterCollector (which
    reads its child's matches itself), so that filters and masks still apply.
    """

    def __init__(self, child, deadline: float | None, replace: bool = True) -> None:
        super().__init__(child)
        self.deadline = deadline
        self.replace_every = getattr(child, "replace", 0) if replace else 0

    def set_subsearcher(self, subsearcher, offset) -> None:
        super().set_subsearcher(subsearcher, offset)
        exact_matchers(self.child.matcher)  # a segment with deletions skips blocks too
        if hasattr(self.child, "replace"):
            sound = replaces_soundly(self.child.matcher)
            self.child.replace = self.replace_every if sound else 0

    def computes_count(self) -> bool:
        return self.child.computes_count()

    def matches(self) -> Iterator[int]:
        child = self.child
        found = scored_matches(child) if isinstance(child, ScoredCollector) else child.matches()
        if self.deadline is None:
            yield from found
            return
        deadline = self.deadline
        clock = time.monotonic
        for docnum in found:
            if clock() > deadline:
                raise TimeLimit
            yield docnum


# Up to this many matches, a page sorted by date or path reads them all and sorts them
# (30 ms at 2,000); past it, it walks the date or path terms in order (see _first_in_order).
_FEW_TO_SORT = 2_000
# From this many documents of a segment on, their `copy` keys are cut from the column read
# whole (see _column_values).
_FEW_KEYS = 2_000
# Up to this many documents matched, `sentences` sorts them in memory (a few MB) rather
# than walking every article's postings (seconds at a million sentences).
_FEW_DOCUMENTS = 10_000


def _column_values(leaf, column, documents: list[int], offset: int) -> Iterable[str]:
    """The values of a segment's `copy` column for `documents` (offset to the whole
    reader's numbers), in their order. Past a few thousand, the fixed-width column is read
    whole (24 bytes a sentence) and cut: a value read alone costs two method calls and a
    file read (0.7 s of the 1 s a total of `government`, 295,116 matches, took at 1M). The
    cutting and decoding are `map`s, loops in C, not a Python step per document."""
    raw = column.raw_column() if isinstance(column, TranslatingColumnReader) else None
    if len(documents) < _FEW_KEYS or not isinstance(raw, FixedBytesColumn.Reader):
        return (column[docnum - offset] for docnum in documents)
    width, count, translate = raw._fixedlen, raw._count, column._translate
    whole = bytes(raw._dbfile.get(raw._basepos, width * count))
    written = documents[: bisect_left(documents, offset + count)]  # past them: the default
    starts = list(map(width.__mul__, map((-offset).__add__, written)))
    pieces = map(whole.__getitem__, map(slice, starts, map(width.__add__, starts)))
    values = map(bytes.decode, pieces) if _decoded_as_text(leaf, "copy") else map(translate, pieces)
    rest = (column[docnum - offset] for docnum in documents[len(written) :])
    return itertools.chain(values, rest)


def _plain_term(kind: type[wq.Term]) -> bool:
    """Whether a `Term` class matches as Whoosh's own does (ours only add what they keep)."""
    return kind.matcher is wq.Term.matcher and kind.docs is wq.Term.docs


def _decoded_as_text(leaf, fieldname: str) -> bool:
    """Whether a field's column values are its bytes as UTF-8 (Whoosh's `FieldType` way,
    which `ID` keeps), so that `bytes.decode` reads them as the field would."""
    field = type(leaf.schema[fieldname])
    return (
        field.from_column_value is FieldType.from_column_value
        and field.from_bytes is FieldType.from_bytes
    )


def sentence_or_record_path(fields) -> str:
    """The `path` of a stored document of either kind, checked like every record."""
    if isinstance(fields, dict) and fields.get("kind") == ARTICLE:
        return article_fields(fields)["path"]
    return sentence_fields(fields)["path"]


def _story_count(found: set[int], story_of: Callable[[int], str] | None) -> int:
    """How many articles (or, with `story_of`, stories) `found` holds."""
    return len(found) if story_of is None else len({story_of(number) for number in found})


def _sort_key(sort: str):
    if sort == "relevance":
        # Equal scores in reading order, so that two builds of one corpus agree.
        return lambda row: (-row[0], row[1]["path"], row[1]["sentence"])
    if sort == "date":
        # Newest first; undated articles last; then reading order.
        return lambda row: (-_date_number(row[1].get("date")), row[1]["path"], row[1]["sentence"])
    return lambda row: (row[1]["path"], row[1]["sentence"])


def _article_sort_key(sort: str):
    """The order of `articles`' entries, [fields, hits, score]: as `_sort_key` orders
    sentences, with the article's best score and its path."""
    if sort == "relevance":
        return lambda entry: (-entry[2], entry[0]["path"])
    if sort == "date":
        return lambda entry: (-_date_number(entry[0].get("date")), entry[0]["path"])
    return lambda entry: entry[0]["path"]


def _date_number(date: str | None) -> int:
    return int(date.replace("-", "")) if date else 0


def find(folder: Path, parsed: ParsedQuery, **options) -> list[Hit]:
    """`SearchIndex.find` on a freshly opened index (for benchmarks and one-off scripts)."""
    with SearchIndex.open(folder) as index:
        return index.find(parsed, **options)


def count(folder: Path, parsed: ParsedQuery) -> int:
    """`SearchIndex.count` on a freshly opened index (for benchmarks and one-off scripts)."""
    with SearchIndex.open(folder) as index:
        return index.count(parsed)
