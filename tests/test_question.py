"""A query is read once into a `Question`; corrections and `--any` change the value, and
the engine compiles each value once (`compile_question`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import invoke
from search.engine.query import compile_question, parse_query
from search.engine.schema import QUERY_FIELDS
from search.errors import QueryError
from search.index import Index, Options, question
from search.question import FIELDS, Question, Term, Word


def term(text, start, field=None, phrase=False, negated=False) -> Term:
    """A Term of `text` at `start`."""
    return Term(text, start, start + len(text), field, phrase, negated)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Turkey peacekeeping", [term("Turkey", 0), term("peacekeeping", 7)]),
        (
            '"peace talks"~3 -Russia',
            [term("peace talks", 1, phrase=True), term("Russia", 17, negated=True)],
        ),
        (
            "Turkey NOT (Russia OR Iran)",
            [term("Turkey", 0), term("Russia", 12, negated=True), term("Iran", 22, negated=True)],
        ),
        ("-(a -b)", [term("a", 2, negated=True), term("b", 5)]),
        ("source:reuters lang:de", [term("reuters", 7, "source"), term("de", 20, "language")]),
        ("date:[2025-01-01 TO 2025-06-30]", [term("[2025-01-01 TO 2025-06-30]", 5, "date")]),
        (
            'title:"peace talks" title:(oil gas)',
            [
                term("peace talks", 7, "title", phrase=True),
                term("oil", 27, "title"),
                term("gas", 31, "title"),
            ],
        ),
        ("article:politics/264 peace*", [term("politics/264", 8, "article"), term("peace*", 21)]),
        ("Russia-Ukraine foo:bar", [term("Russia-Ukraine", 0), term("foo:bar", 15)]),
        ('"Turkey', [term('"Turkey', 0)]),
        ("  Turkey  ", [term("Turkey", 0)]),
    ],
)
def test_the_terms_of_a_question(text: str, terms: list[Term]) -> None:
    assert list(Question.of(text).terms) == terms


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            'peace "peace talks" date:[a TO b] peace* s?mmit peace~2',
            ["word", "phrase", "range", "pattern", "pattern", "fuzzy"],
        ),
    ],
)
def test_the_kinds_of_terms(text: str, kinds: list[str]) -> None:
    assert [term.kind for term in Question.of(text).terms] == kinds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("peacekeping troups", ["peacekeping", "troups"]),
        ("Turkey AND title:Ukrane OR peace* NOT fuzzy~ TO", ["Turkey"]),
        ('"peace talsk"~2 -Rusia', ["peace", "talsk", "Rusia"]),
        ("Turkey's e-mail 9/11", ["Turkey's", "e", "mail"]),
    ],
)
def test_the_words_a_correction_may_replace(text: str, words: list[str]) -> None:
    assert [word.text for word in Question.of(text).words] == words


def test_the_fields_a_question_names_are_the_engines() -> None:
    assert FIELDS == QUERY_FIELDS


@pytest.mark.parametrize(
    ("text", "replacements", "corrected"),
    [
        ("peacekeping troups", {"peacekeping": "peacekeeping"}, "peacekeeping troups"),
        ("Manchster -Manchster", {"Manchster": "Manchester"}, "Manchester -Manchester"),
        ('source:bbc "ceasfire talks"', {"ceasfire": "ceasefire"}, 'source:bbc "ceasefire talks"'),
        ("Turkey", {"Ankara": "Istanbul"}, "Turkey"),
    ],
)
def test_a_correction_replaces_words_in_the_value(text, replacements, corrected) -> None:
    asked = Question.of(text, Options(match_any=True, since="2025-01-01"))
    changed = asked.corrected(replacements)
    assert changed.text == corrected
    assert changed == Question.of(corrected, Options(match_any=True, since="2025-01-01"))


def test_any_is_the_same_question_with_another_option() -> None:
    asked = Question.of("Turkey Manchester", Options(since="2025-01-01", include_undated=True))
    loose = asked.loosened()
    assert loose.match_any and (loose.text, loose.terms, loose.since) == (
        asked.text,
        asked.terms,
        asked.since,
    )
    assert loose.include_undated


# What the CLI and the page ask: each question compiled once --------------------------------


def test_a_miss_compiles_the_question_its_correction_and_any_once_each(corpus_index: Path):
    compile_question.cache_clear()
    with Index.open(corpus_index) as index:
        answer = index.answer(question("ceasfire talks"), Options())
        assert (answer.did_you_mean, answer.any_count) == ("ceasefire talks", 2)
        # The question, its correction, its --any: three compilations, whatever the
        # questions the answer asked of each (count, undated, suggestion, scope note).
        assert compile_question.cache_info().misses == 3
        again = index.answer("ceasfire talks", Options())
        assert again == answer
    assert compile_question.cache_info().misses == 3


def test_one_word_asks_no_any(corpus_index: Path):
    compile_question.cache_clear()
    with Index.open(corpus_index) as index:
        answer = index.answer("Manchster", Options())
    assert answer.any_count is None
    assert compile_question.cache_info().misses == 1  # no correction found, no --any asked


def test_a_bad_question_is_refused_before_any_index() -> None:
    with pytest.raises(QueryError, match="the date range is empty"):
        question("Turkey", Options(since="2025-02-01", until="2025-01-01"))


# Open-ended texts ---------------------------------------------------------------------------

PIECES = [
    "Turkey", "peacekeeping", "peacekeping", "troups", "ceasfire", "talks", "IT", "US", "U.S.",
    "e-mail", "Müller", "Zürick", "source:bbc", "lang:de", "title:Ukraine", "article:000",
    "date:2025", "date:[2025 TO 2026]", '"peace talks"', '"Browne"', "peace*", "s?mmit",
    "peacekeping~", "AND", "OR", "NOT", "TO", "-", "(", ")", '"', ":", "a:b", "x", "1", "~2",
    "-Russia", "title:", "[", "]", "and",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES) | st.text(min_size=1, max_size=6), min_size=1, max_size=5)
TEXTS = TEXTS.flatmap(
    lambda pieces: st.lists(
        st.sampled_from(["", " ", "  "]), min_size=len(pieces), max_size=len(pieces)
    ).map(lambda gaps: "".join(gap + piece for gap, piece in zip(gaps, pieces, strict=True)))
)
# Short queries of words the corpus holds, some misspelled: misses a correction may fix.
TYPOS = st.lists(
    st.sampled_from(
        [
            "peacekeping", "troups", "ceasfire", "talks", "Turkey", "Turkye", "-Russia", "OR",
            '"ceasfire talks"', "ceasefire", "Ankra", "zqxv", "source:bbc", "peace*", "NOT",
        ]
    ),
    min_size=1,
    max_size=3,
).map(" ".join)  # fmt: skip
# The words of a query as a did-you-mean read them from its text before it was read once.
OLD_WORD = re.compile(r"(?<![\w:])[^\W\d_][\w'’]*(?![\w:*~])", re.UNICODE)


def _readable(text: str) -> Question | None:
    try:
        return Question.of(text)
    except QueryError:
        return None


def _old_correction(text: str, replacements: dict[str, str]) -> str:
    """How a did-you-mean wrote its correction from the text, before the question was a
    value: each word of OLD_WORD (not an operator) replaced where a replacement was found."""
    pieces, last = [], 0
    for match in OLD_WORD.finditer(text):
        word = match.group()
        keep = word in {"AND", "OR", "NOT", "TO"}
        pieces += [text[last : match.start()], word if keep else replacements.get(word, word)]
        last = match.end()
    return "".join([*pieces, text[last:]])


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_a_correction_writes_what_the_text_rewritten_says(text: str, data) -> None:
    asked = _readable(text)
    if asked is None:
        return
    words = sorted({word.text for word in asked.words})
    chosen = data.draw(st.lists(st.sampled_from(words), unique=True) if words else st.just([]))
    replacements = {
        word: data.draw(st.from_regex(r"[a-z]{1,9}", fullmatch=True)) for word in chosen
    }
    changed = asked.corrected(replacements)
    assert changed.text == _old_correction(asked.text, replacements)
    again = Question.of(changed.text)
    assert (changed.terms, changed.words) == (again.terms, again.words)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_a_question_alone_is_the_same_with_any(text: str) -> None:
    asked = _readable(text)
    if asked is None or not asked.alone():
        return
    try:
        strict = compile_question(asked)
    except QueryError:
        return
    assert compile_question(asked.loosened()).query == strict.query


@pytest.fixture(scope="module")
def corpus_reader(corpus_build):
    """The session's corpus index, only read."""
    with Index.open(corpus_build.index_dir) as index:
        yield index.reader, index


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS | TYPOS, st.booleans())
def test_read_once_answers_as_reading_the_text_for_each_question(corpus_reader, text, any_word):
    """Hits, suggestion and `--any` count are what they were when each question read the
    text again (a correction from the rewritten text, --any from the text with match_any)."""
    reader, index = corpus_reader
    options = Options(match_any=any_word, limit=None, copies=True)
    try:
        strict = parse_query(text, match_any=any_word)
        answer = index.answer(text, options)
    except QueryError:
        return
    hits = reader.find(strict, limit=None)
    assert [(hit.path, hit.sentence, hit.score) for hit in answer.hits] == [
        (hit.path, hit.sentence, hit.score) for hit in hits
    ]
    if hits:
        return
    if answer.did_you_mean is not None:
        asked = Question.of(text)
        assert answer.did_you_mean == _old_correction(
            asked.text, _replacements(asked.text, answer.did_you_mean)
        )
        assert reader.count(parse_query(answer.did_you_mean, match_any=any_word)) > 0
    expected = None
    if not any_word:
        try:
            loose = parse_query(text, match_any=True)
            expected = None if loose.query == strict.query else reader.count(loose)
        except QueryError:
            expected = None
    assert answer.any_count == expected


def _replacements(text: str, corrected: str) -> dict[str, str]:
    """Which words of `text` became which in `corrected` (word by word, in order)."""
    before = [m.group() for m in OLD_WORD.finditer(text)]
    after = [m.group() for m in OLD_WORD.finditer(corrected)]
    assert len(before) == len(after)
    return {old: new for old, new in zip(before, after, strict=True) if old != new}


def test_word_positions_are_kept() -> None:
    asked = Question.of("Manchster OR Manchster")
    assert asked.words == (Word("Manchster", 0), Word("Manchster", 13))
    assert asked.corrected({"Manchster": "Manchester"}).words == (
        Word("Manchester", 0),
        Word("Manchester", 14),
    )


def test_the_any_hint_counts_what_any_finds_with_the_same_options(corpus_index: Path):
    """`--any` is the question with another option: with `--include-undated` it keeps the
    undated matches, so the hint on a miss counts them too (it left them out before)."""
    dated = ["--since", "2025-01-01", "--include-undated", "--index-dir", str(corpus_index)]
    counted = invoke("query", "ceasefire", "--any", "-c", *dated)
    missed = invoke("query", "ceasefire zqxv", *dated)
    assert (counted.exit_code, missed.exit_code) == (0, 1)
    assert missed.stderr == (
        f'No matches for "ceasefire zqxv". --any finds {int(counted.stdout)} sentences with '
        "some of the words.\n"
    )
    assert int(counted.stdout) == 3
