"""Turning what a user types into a Whoosh query, safely.

The language is Whoosh's, with the edges a user from grep, FTS5 or web search
expects: every word must match (or any, with `match_any`), `OR`/`AND`/`NOT`,
`-word`, parentheses, `"phrases"`, `"near words"~N`, `prefix*`, `fuzzy~`
(`~2` for two edits), `article:NAME` (a prefix of the name is enough) and
`date:YYYY[-MM[-DD]]` or `date:[FROM TO TO]`, and `title:WORD` (the article's headline).

Every word is a word: there is no stop list, so `US`, `May`, `X` and
`"to be or not to be"` are searched like any other. Only the uppercase `AND`,
`OR` and `NOT` are operators; `and`, `or`, `not` are words. Words are read by the
rules of `search.engine.words` (dotted capitals, compounds, accents, capitals): a word
typed in capitals (`US`, `IT`, `U.S.`) means the acronym and matches only that
word written in capitals (sentences in mixed case first, shouted headlines after);
a compound matches its joined form (`e-mail` = `email`); accents fold. The
spelling typed ranks first (`Browne` above "Brown"), and one word alone in quotes
(`"Browne"`) matches that spelling only. Fuzzy words and prefixes are measured
against the words as the articles spell them (the `words` field), not against
stems. A plain word matches sentences only, never a headline; but among the
sentences it matches, those whose article's headline has the query's words rank
higher.

Whoosh's parser is forgiving (a stray quote or parenthesis is taken
literally) but it has two cliffs: time quadratic in the length of one word
and RecursionError on deep nesting. Reading the text into a `search.question.Question`
refuses both with a limit before Whoosh sees them; `compile_question` makes the Whoosh
query of a Question (once per Question) and refuses queries that leave nothing to search.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from whoosh import qparser
from whoosh import query as wq

from ..errors import QueryError
from ..model import Options
from ..question import (
    MAX_NESTING,
    MAX_QUERY_CHARS,
    MAX_WORD_CHARS,
    Question,
    check_date,
    check_range,
    valid_date_prefix,
)
from .ranking import Bonus, Bonused
from .schema import (
    OTHER_WORD_PATTERN,
    QUERY_FIELDS,
    build_schema,
    shared_analyzer,
    shared_words_analyzer,
)
from .words import SHOUTED, fold, is_capitals, joined, letters_of, spelled

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
    "MAX_WORD_CHARS",
    "ParsedQuery",
    "check_date",
    "check_range",
    "compile_question",
    "parse_query",
]

# A quoted phrase (kept whole), or a minus that starts a word or phrase.
_PHRASE_OR_MINUS = re.compile(r'("[^"]*")|(?:^|(?<=[\s(]))-(?=[^\s)-])')
MAX_FUZZY_EDITS = 2
FUZZY_PREFIX = 1
# Fields whose words only sentences have (article records have none of them).
WORD_FIELDS = ("text", "words", "title")
# What a sentence that writes a typed acronym in capitals in mixed-case text adds to its
# score: more than BM25F gives any one word, so that those sentences rank above shouted
# headlines (which write every word in capitals, so are no evidence of an acronym).
ACRONYM_SCORE = 100.0
# What a sentence that writes a query's words exactly as typed (up to case) adds to its
# score, shared among the words: more than BM25F gives any one word, so that `Browne`
# ranks "Browne" above "Brown", its stem twin.
SPELLING_SCORE = 75.0
# At most this many phrases stand for one typed phrase whose words have alternatives.
MAX_ALTERNATIVES = 16
# What a sentence whose article's headline has every word of the query adds to its score
# (a headline with some of them adds that share): more than BM25F gives any one word, so
# those sentences rank first, and less than an acronym written as typed.
TITLE_SCORE = 50.0


@dataclass(frozen=True)
class ParsedQuery:
    """A question compiled: the Whoosh query over sentence documents that `asked` means.

    The question travels with it, so that a correction (did-you-mean) or `--any` is the
    same question changed (see `search.question.Question`), compiled once in its turn.
    """

    asked: Question
    query: object  # whoosh.query.Query

    @property
    def text(self) -> str:
        return self.asked.text

    @property
    def match_any(self) -> bool:
        return self.asked.match_any

    @property
    def since(self) -> str | None:
        return self.asked.since

    @property
    def until(self) -> str | None:
        return self.asked.until

    @property
    def include_undated(self) -> bool:
        return self.asked.include_undated

    @property
    def language(self) -> str | None:
        """`--lang`: only articles in this language (ISO 639-1)."""
        return self.asked.language

    @property
    def dated(self) -> bool:
        """Whether `--since` or `--until` restricts the articles by date."""
        return self.asked.dated

    @property
    def mask(self):
        """What to exclude from the results: article records, unless no record can match.

        Records have no `text`, so a query that needs a word matched cannot reach
        them, and building the mask costs a pass over every record (30 ms at
        200k sentences); only queries that could match without a word get it.
        """
        from .schema import article_records

        return None if _needs_text(self.query) else article_records()


def parse_query(
    text: str,
    *,
    match_any: bool = False,
    since: str | None = None,
    until: str | None = None,
    include_undated: bool = False,
    language: str | None = None,
) -> ParsedQuery:
    """Read and compile a user's query; raise QueryError with a one-line reason if it
    cannot run (for a program or a test: the library reads a `Question` once and compiles
    it with `compile_question`).

    `since` and `until` (YYYY-MM-DD, inclusive) keep articles dated in that range;
    undated articles are left out unless `include_undated`. `language` (ISO 639-1, as
    `lang:xx` in the query) keeps the articles in that language.
    """
    settings = Options(
        match_any=match_any,
        since=since,
        until=until,
        include_undated=include_undated,
        language=language,
    )
    return compile_question(Question.of(text, settings))


# Compiled questions kept (a page asks one query's hits, count, trend and words in turn;
# a miss asks its correction and `--any` after it): one compilation each.
COMPILED_KEPT = 256


@functools.lru_cache(maxsize=COMPILED_KEPT)
def compile_question(asked: Question) -> ParsedQuery:
    """The Whoosh query a question means (QueryError if it leaves nothing to search or
    names an impossible date, language or fuzziness), compiled once per question and kept:
    `compile_question.cache_info()` says how many compilations ran (`misses`)."""
    text = asked.text
    parsed = _parse(text, asked.match_any)
    parsed = _rewrite(parsed).normalize()
    if asked.language is not None and parsed is not wq.NullQuery:
        parsed = wq.And([parsed, _language_term(asked.language)]).normalize()
    if asked.match_any:
        parsed = _filters_apply_to_all(_exclusions_apply_to_all(parsed))
    if parsed is wq.NullQuery:
        raise QueryError(
            f"nothing to search for in {_quoted(text)}: punctuation and lone operators "
            "are not words; add a word"
        )
    pattern = _letterless_pattern(parsed)
    if pattern is not None:
        raise QueryError(
            f"{_quoted(pattern)} has no letter, so it could match any word; "
            "add letters, e.g. peace*"
        )
    return ParsedQuery(asked, _ranked_first(parsed))


_OPERATOR_WORDS = re.compile(r"\b(AND|OR|NOT)\b")
# An operator with nothing on one side (`Turkey AND`, `OR Turkey`) joins nothing.
_DANGLING = re.compile(r"^(?:\s*\b(?:AND|OR)\b)+|(?:\b(?:AND|OR|NOT)\b\s*)+$")


def _parse(text: str, match_any: bool):
    """Whoosh's parse, with operators that have nothing to join dropped; where Whoosh's
    parser still trips on them (`NOT NOT x` raises IndexError inside Whoosh), every
    operator word is dropped and the words are searched."""
    parser = _parser(match_any)
    text = _DANGLING.sub("", text)
    try:
        typed = _minus_as_not(text)
        return keep_written(parser.parse(typed), typed)
    except Exception:
        words = _OPERATOR_WORDS.sub(" ", text)
        try:
            return keep_written(parser.parse(words), words)
        except Exception:
            raise QueryError(f"cannot read the query {_quoted(text)}; check its syntax") from None


def _exclusions_apply_to_all(node):
    """With --any, `Turkey Russia -Ukraine` is (Turkey OR Russia) AND NOT Ukraine: an
    exclusion is never one of the alternatives."""
    if not isinstance(node, wq.Or):
        return node
    excluded = [child.query for child in node.subqueries if isinstance(child, wq.Not)]
    wanted = [child for child in node.subqueries if not isinstance(child, wq.Not)]
    if not excluded:
        return node
    if not wanted:
        return wq.And([wq.Not(query) for query in excluded])
    return wq.AndNot(wq.Or(wanted).normalize(), wq.Or(excluded).normalize())


# Fields that narrow a query rather than search words: source:, lang:, date:, article:.
_FILTER_FIELDS = frozenset({"source", "language", "date", "article", "path"})


def _filters_apply_to_all(node):
    """With --any, `source:reuters oil coffee` is source:reuters AND (oil OR coffee): a
    filter narrows the alternatives and is not one of them (several of one field, as in
    `source:bbc OR source:ap`, stay alternatives among themselves)."""
    if isinstance(node, wq.AndNot):
        return wq.AndNot(_filters_apply_to_all(node.a), node.b)
    if not isinstance(node, wq.Or):
        return node
    filters: dict[str, list] = {}
    wanted = []
    for child in node.subqueries:
        fields = {leaf.field() for leaf in child.leaves()}
        if not isinstance(child, wq.Not) and len(fields) == 1 and fields <= _FILTER_FIELDS:
            filters.setdefault(fields.pop(), []).append(child)
        else:
            wanted.append(child)
    if not filters or not wanted:
        return node
    narrowed = [wq.Or(group).normalize() for group in filters.values()]
    return wq.And([wq.Or(wanted).normalize(), *narrowed])


def _quoted(text: str, limit: int = 60) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 3] + "...") + '"'


def _minus_as_not(text: str) -> str:
    """`-word` at the start of a word, outside quotes, means NOT word; `Russia-Ukraine` does not."""
    return _PHRASE_OR_MINUS.sub(lambda match: match.group(1) or "NOT ", text)


def _ranked_first(parsed):
    """What ranks first among what matches: acronyms written in capitals in mixed-case text,
    then the words spelled as typed, then headlines with the query's words."""
    bonuses = [*_acronym_bonuses(parsed), *_spelling_bonuses(parsed), *_headline_bonuses(parsed)]
    if not bonuses:
        return parsed
    return Bonused(parsed, wq.Or(bonuses) if len(bonuses) > 1 else bonuses[0])


def _acronym_bonuses(parsed) -> list:
    """Sentences that write a typed acronym (`US`, `WHO`) in capitals in mixed-case text
    score higher than those that shout it in a headline; both match, nothing else does."""
    acronyms = sorted({term.text for term in _wanted_terms(parsed) if is_capitals(term.text)})
    return [
        SpellingBonus(wq.Term("text", word), ACRONYM_SCORE, shouted=wq.Term("text", SHOUTED + word))
        for word in acronyms
    ]


def _spelling_bonuses(parsed) -> list:
    """Sentences that write a typed word as it was typed score higher than those that only
    share its stem (`Browne` over "Brown"); a bonus that every match would get is dropped
    when the index is read (`SpellingBonus`)."""
    typed: dict[str, list] = {}
    for term in _wanted_terms(parsed):
        if getattr(term, "spelled", None) and term.fieldname == "text":
            typed.setdefault(term.spelled, []).append(term)
    if not typed:
        return []
    share = SPELLING_SCORE / len(typed)
    return [
        SpellingBonus(wq.Term("words", word), share, twins=tuple(terms))
        for word, terms in sorted(typed.items())
    ]


class SpellingBonus(Bonus):
    """A Bonus for a word written as typed, with what it ranks it above: its stem `twins`
    (where every sentence with a twin has the spelling too, it ranks nothing), or for an
    acronym its `shouted` form (where no sentence shouts it, it ranks nothing)."""

    def __init__(self, child, score: float, twins: tuple = (), shouted=None) -> None:
        super().__init__(child, score)
        self.twins = twins
        self.shouted = shouted

    def apply(self, fn):
        return SpellingBonus(fn(self.child), self.score, self.twins, self.shouted)

    def ranks_anything(self, frequency) -> bool:
        """Whether some match lacks the bonus, given `frequency(term)` (sentences with it)."""
        if self.shouted is not None:
            return frequency(self.shouted) > 0
        return frequency(self.child) < max(frequency(twin) for twin in self.twins)


def _headline_bonuses(parsed) -> list:
    """Sentences whose article's headline has the query's words score higher.

    What matches does not change (a `Bonused` query only adds to the score of a
    sentence the query already matched); only the order does.
    """
    words = sorted(_wanted_words(parsed))
    if not words:
        return []
    share = TITLE_SCORE / len(words)
    return [Bonus(wq.Term("title", word), share) for word in words]


def _wanted_terms(node) -> list:
    """The Term leaves (of the `text` field, and spelled ones) a query looks for, not those
    it excludes."""
    if isinstance(node, wq.Not):
        return []
    if isinstance(node, wq.AndNot | wq.AndMaybe):
        return _wanted_terms(node.a)
    if isinstance(node, wq.Term) and node.fieldname == "text":
        return [node]
    if isinstance(node, wq.Phrase) and node.fieldname == "text":
        return [wq.Term("text", word) for word in node.words]
    if isinstance(node, wq.CompoundQuery):
        return [term for child in node.children() for term in _wanted_terms(child)]
    return []


def _wanted_words(node) -> set[str]:
    """The words (as the `text` field holds them) a query looks for, not those it excludes."""
    if isinstance(node, wq.Not):
        return set()
    if isinstance(node, wq.AndNot | wq.AndMaybe):
        return _wanted_words(node.a)
    if isinstance(node, wq.Term) and node.fieldname == "text":
        return {node.text}
    if isinstance(node, wq.Phrase) and node.fieldname == "text":
        return set(node.words)
    if isinstance(node, wq.CompoundQuery):
        return set().union(*(_wanted_words(child) for child in node.children()))
    return set()


@functools.cache
def _parser(match_any: bool):
    """One parser for each mode, built once: building it (the schema, the plugins) took half
    of a parse (86 of 162 us for `Turkey`), and Whoosh's parser keeps nothing between parses."""
    from whoosh.fields import Schema

    schema = build_schema()
    visible = Schema(**{name: schema[name] for name in QUERY_FIELDS})
    group = qparser.OrGroup if match_any else qparser.AndGroup
    parser = _NewsroomParser("text", visible, group=group)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(_PhrasePlugin())
    # Only uppercase AND, OR, NOT are operators (Whoosh also reads ANDNOT, ANDMAYBE, REQUIRE).
    parser.replace_plugin(qparser.OperatorsPlugin(AndNot=None, AndMaybe=None, Require=None))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin({"language": ["lang"]}))
    parser.phraseclass = WrittenPhrase
    return parser


class _NewsroomParser(qparser.QueryParser):
    """Words of the word fields are built by `word_query` (the rules of `search.engine.words`).

    Fuzzy words, prefixes and wildcards go to the `words` field: lowercased, folded but
    unstemmed, as typed. A stem is no word to complete: `negotiat*` must find all that
    `negotiation` finds (on the stems it found a quarter: "negotiation" is indexed as
    "negoti")."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        if fieldname == "text" and issubclass(termclass, wq.FuzzyTerm):
            words = [token.text for token in shared_words_analyzer()(text, mode="query")]
            if len(words) == 1:
                return termclass("words", words[0], boost=boost)
        elif fieldname == "text" and issubclass(termclass, wq.Wildcard | wq.Prefix):
            # A compound's parts are words of their own; its joined form completes (a
            # pattern without a letter stays as typed, to be refused as typed).
            word = joined(text) if any(char.isalnum() for char in text) else text
            return termclass("words", fold(word.lower()), boost=boost)
        elif fieldname in _LANGUAGE_FIELDS and termclass is wq.Term:
            return word_query(fieldname, text, boost=boost)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


class _PhrasePlugin(qparser.PhrasePlugin):
    """Phrases in quotes, built by `word_query`; one word alone in quotes is its spelling."""

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            if fieldname not in ("text", "title"):
                return super().query(parser)
            built = word_query(fieldname, self.text, quoted=True, slop=self.slop, boost=self.boost)
            return qparser.syntax.attach(built, self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return _PhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


def word_query(fieldname: str, text: str, *, quoted=False, slop=1, boost=1.0):
    """The query for a typed word or quoted phrase in a word field (`text` or `title`).

    Each position of the typed text may have alternatives (`Müller`: "muller" or
    "mueller"; `IT`: "IT" in mixed-case text or "^IT" in a shouted headline) and a compound
    may be its parts or its joined form (`e-mail`: "e mail" or "email"): the query is the Or
    of the phrases these make (at most MAX_ALTERNATIVES), or of the terms for one position.
    One word alone in quotes in `text` (not an acronym, not a compound) is its spelling in the
    `words` field: `"Browne"` matches "Browne" only.
    """
    tokens = list(shared_analyzer()(text, mode="query"))
    if not tokens:
        return wq.NullQuery
    slots = _slots(tokens)
    typed = [letters_of(word) for word in _TYPED_WORD.findall(text)]
    single = len(slots) == 1 and len(typed) == 1 and not tokens[0].keyword
    single = single and not any(token.joined for token in tokens)
    if quoted and single and fieldname == "text":
        return wq.Term("words", spelled(typed[0]), boost=boost)
    choices = [
        WrittenPhrase(fieldname, list(words), slop=slop, boost=boost)
        if len(words) > 1
        else wq.Term(fieldname, words[0], boost=boost)
        for words in itertools.islice(_sequences(slots), MAX_ALTERNATIVES)
    ]
    # The words as typed, for looking them up in the index's other languages (their words
    # are split by their own pattern, then lowercased the language's way and lemmatized:
    # `search.engine.analysis`, which also reads a Turkish `Istanbul` as "istanbul").
    # The first alternative carries them: the others are the same typed words (`Müller`:
    # "muller" or "mueller"), whose lookups would be the same terms, counted twice.
    written = tuple(match.group() for match in _OTHER_WORD.finditer(text))
    if written:
        first = choices[0]
        if type(first) is wq.Term:
            choices[0] = first = WrittenTerm(fieldname, first.text, boost=boost)
        first.written = written
    if single and not quoted and fieldname == "text":
        for choice in choices:
            if isinstance(choice, wq.Term):
                choice.spelled = spelled(typed[0])
    return choices[0] if len(choices) == 1 else wq.Or(choices)


_OTHER_WORD = re.compile(OTHER_WORD_PATTERN)


_TYPED_WORD = re.compile(r"\w+(?:[.\-‐‑]\w+)*")


def _slots(tokens: list) -> list[list[tuple[str, ...]]]:
    """The typed text as slots in order, each a list of alternative word sequences: one word's
    alternatives, or a compound's parts (in each combination) and its joined form."""
    at: dict[int, list[str]] = {}
    joined = [token for token in tokens if token.joined]
    for token in tokens:
        if not token.joined and token.text not in at.setdefault(token.pos, []):
            at[token.pos].append(token.text)
    compound_of = {}
    for token in joined:
        parts = [
            t.pos
            for t in tokens
            if not t.joined and token.startchar <= t.startchar and t.endchar <= token.endchar
        ]
        compound_of[min(parts)] = (sorted(set(parts)), token.text)
    slots: list[list[tuple[str, ...]]] = []
    covered: set[int] = set()
    for position in sorted(at):
        if position in covered:
            continue
        if position in compound_of:
            parts, whole = compound_of[position]
            covered.update(parts)
            combos = itertools.product(*(at[part] for part in parts))
            slots.append([*itertools.islice(combos, MAX_ALTERNATIVES), (whole,)])
        else:
            slots.append([(word,) for word in at[position]])
    return slots


def _sequences(slots: list[list[tuple[str, ...]]]):
    """Every word sequence the slots make, first alternatives first."""
    for choice in itertools.product(*slots):
        yield tuple(word for part in choice for word in part)


def _rewrite(node):
    """Article names match by prefix; sources in any case; date values are checked and months
    become prefixes."""
    if isinstance(node, wq.Term) and node.fieldname == "article":
        return wq.Prefix("article", node.text, boost=node.boost)
    if isinstance(node, wq.Term) and node.fieldname == "source":
        return wq.Term("source", node.text.lower(), boost=node.boost)
    if isinstance(node, wq.Term | wq.Prefix) and node.fieldname == "date":
        value = node.text.rstrip("*")
        if not valid_date_prefix(value):
            raise QueryError(f"date:{node.text} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
        if len(value) == 10:
            return wq.Term("date", value)
        return wq.Prefix("date", value)
    if isinstance(node, wq.TermRange) and node.fieldname == "date":
        for end in (node.start, node.end):
            if end is not None and not valid_date_prefix(end):
                raise QueryError(f"date range end {end!r} is not a date; use YYYY-MM-DD")
        end = node.end
        if end is not None and len(end) < 10:
            end = end + "\uffff"
        return wq.TermRange("date", node.start, end, node.startexcl, node.endexcl)
    if isinstance(node, wq.Term) and node.fieldname == "language":
        return _language_term(node.text)
    if isinstance(node, wq.FuzzyTerm):
        if node.maxdist > MAX_FUZZY_EDITS:
            raise QueryError(
                f"fuzzy words allow at most {MAX_FUZZY_EDITS} edits; "
                "use word~ (one) or word~2 (two)"
            )
        # The first letter must match: a typo there is rare, and without it Whoosh
        # walks the whole vocabulary (measured again on the `words` field at 200k
        # sentences: 1.5 to 5 times slower, e.g. `zorblat~` 146 ms instead of 29).
        return wq.FuzzyTerm(
            node.fieldname,
            node.text,
            boost=node.boost,
            maxdist=node.maxdist,
            prefixlength=max(node.prefixlength, FUZZY_PREFIX),
        )
    if isinstance(node, wq.Term | wq.Prefix | wq.Wildcard | wq.FuzzyTerm) and not node.text:
        return wq.NullQuery
    if hasattr(node, "apply"):
        return node.apply(_rewrite)
    return node


def _language_term(code: str):
    """`lang:de` (or `--lang de`) as the query on the `language` field; QueryError if we do
    not read that language."""
    from ..language import DEFAULT, LANGUAGES, parse_code

    found = parse_code(code)
    if found is None:
        raise QueryError(f"unknown language {code!r}; use one of {', '.join(sorted(LANGUAGES))}")
    if found.code == DEFAULT:  # English documents hold no language term (see schema)
        return wq.Not(wq.Every("language"))
    return wq.Term("language", found.code)


def keep_written(node, typed: str):
    """Each word and phrase of the `text` and `title` fields keeps the words as typed
    (`written`), so that a search can look them up in every language of its index
    (`search.engine.analysis`); a quoted phrase reads them back from its place in `typed`."""

    def visit(query):
        if isinstance(query, WrittenPhrase) and query.written is None:
            ranges = query.char_ranges
            if ranges and all(None not in pair for pair in ranges):
                query.written = tuple(typed[start:end] for start, end in ranges)
        elif type(query) is wq.Term and query.fieldname in _LANGUAGE_FIELDS:
            start, end = getattr(query, "startchar", None), getattr(query, "endchar", None)
            if getattr(query, "written", None) is None and start is not None and end is not None:
                query.written = (typed[start:end],)  # a quoted word: "Turkey"
        return query

    return node.accept(visit)


_LANGUAGE_FIELDS = ("text", "title")


class WrittenTerm(wq.Term):
    """A word that keeps its words as typed (`written`), and is another word than one with
    the same term but other words typed: `Turkey OR Türkei` are both "turkei" in English (the
    stem of "turkey", the folded "Türkei") but not in German, so Whoosh's normalize() must not
    make them one."""

    written: tuple[str, ...] | None = None

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and self.written == getattr(other, "written", None)

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.written)


class WrittenPhrase(wq.Phrase):
    """A phrase that keeps its words as typed (`written`) through Whoosh's normalize() (and
    is another phrase than one with the same terms but other words typed, as `WrittenTerm`)."""

    written: tuple[str, ...] | None = None

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and self.written == getattr(other, "written", None)

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.written)

    def normalize(self):
        found = super().normalize()
        if isinstance(found, wq.Phrase) and not isinstance(found, WrittenPhrase):
            found = WrittenPhrase(
                found.fieldname, found.words, found.slop, found.boost, found.char_ranges
            )
        if isinstance(found, wq.Phrase | wq.Term) and found is not wq.NullQuery:
            found.written = self.written
        return found


def _needs_text(node) -> bool:
    """Whether every document `node` matches must contain a word of the `text` field."""
    if isinstance(node, wq.Not):
        return False
    if isinstance(node, wq.AndNot | wq.AndMaybe | wq.Require):
        return _needs_text(node.a)
    if isinstance(node, wq.And):
        return any(_needs_text(child) for child in node.children())
    if isinstance(node, wq.Or | wq.DisjunctionMax):
        return all(_needs_text(child) for child in node.children())
    if isinstance(node, wq.Every):
        return False
    return getattr(node, "fieldname", None) in WORD_FIELDS


def _letterless_pattern(node) -> str | None:
    """The first wildcard or prefix of `node` with no letter or digit (`*`, `**`, `*?*`, `???`),
    anywhere in the query, or None.

    Such a pattern stands for every word (or every word of a length) of whatever index it
    meets: refused on every index, not only on those whose vocabulary is past the cap.
    """
    if isinstance(node, wq.Every) and node.fieldname != "language":  # lang:en is not a pattern
        return "*"
    if isinstance(node, wq.Wildcard | wq.Prefix) and not any(c.isalnum() for c in node.text):
        return node.text + ("*" if isinstance(node, wq.Prefix) else "")
    for child in node.children() if hasattr(node, "children") else ():
        found = _letterless_pattern(child)
        if found is not None:
            return found
    return None
