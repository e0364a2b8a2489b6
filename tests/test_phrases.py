"""Issue 26: phrases read from pairs of neighbouring words find exactly what positions found.

The `pairs` field (search/engine/phrases.py) answers a quoted phrase; Whoosh's positions
answered it before. Generated sentences and phrases (hypothesis) check that both give the
same sentences with the same scores, over every newsroom rule that puts several terms at one
position; a table checks the README's phrases through the command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.query.spans import SpanNear2

from conftest import invoke, private_ram_storage
from search.engine.analysis import in_languages
from search.engine.phrases import NearPhrase, PairPhrase, paired, pairs_of
from search.engine.query import parse_query
from search.engine.schema import build_schema, sentence_document
from search.language import LANGUAGES

# Words that meet the newsroom rules: common words, acronyms and their lowercase twins,
# dotted capitals, compounds and their joined forms, umlauts and their ue forms, stem twins.
WORDS = [
    "the", "of", "to", "be", "or", "not", "a", "and",
    "peace", "talks", "talk", "Ministry", "Defense", "defence",
    "US", "us", "U.S.", "IT", "it", "its", "WHO", "who", "NATO",
    "e-mail", "email", "mail", "co-operate", "cooperate", "Russia-Ukraine", "Russia", "Ukraine",
    "Müller", "Muller", "Mueller", "Zürich", "Zurich",
    "Verhandlungen", "Verhandlung", "Frieden",
]  # fmt: skip
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
# A sentence in capitals is a shouted headline: its capitals are marked (`^IT`).
SHOUTED = SENTENCE.map(str.upper)
PHRASE = st.lists(st.sampled_from(WORDS), min_size=2, max_size=4).map(" ".join)


# Removed with the process that made it.
def ram_index(sentences: list[tuple[str, str]]):
    """An index in memory of `(text, language)` sentences, one article each."""
    index = private_ram_storage().create_index(build_schema())
    writer = index.writer()
    for number, (text, language) in enumerate(sentences, start=1):
        writer.add_document(
            **sentence_document(f"a{number}.txt", f"a{number}", 1, None, text, language=language)
        )
    writer.commit()
    return index


def by_positions(text: str, languages: list) -> wq.Query:
    """The query of a typed phrase as the search resolves it (looked up in `languages`),
    read by positions."""
    query = parse_query(text).query

    def look_up(node):
        if languages and getattr(node, "written", None):
            return in_languages(node, languages)
        return node

    return query.accept(look_up)


def answers(searcher, query) -> tuple:
    """Each matching document's score, the best 2 (a top-N search passes over what
    cannot reach it), and the documents an unscored search matches."""
    scored = searcher.search(query, limit=None)
    best = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=2)]
    return {hit.docnum: hit.score for hit in scored}, best, set(searcher.docs_for_query(query))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sentences=st.lists(
        st.tuples(st.one_of(SENTENCE, SHOUTED), st.sampled_from(["en", "en", "de"])),
        min_size=1,
        max_size=8,
    ),
    data=st.data(),
    slop=st.sampled_from(["", "", "~2"]),
)
def test_pairs_find_what_positions_find(sentences, data, slop):
    index = ram_index(sentences)
    languages = [LANGUAGES["de"]] if any(code == "de" for _, code in sentences) else []
    typed = f'"{data.draw(st.one_of(PHRASE, runs_of(sentences)))}"{slop}'
    positions = by_positions(typed, languages)
    pairs = paired(positions)
    with index.searcher() as searcher:
        assert answers(searcher, pairs) == answers(searcher, positions)


def runs_of(sentences: list[tuple[str, str]]):
    """Runs of 2 to 5 words of one of `sentences`, as typed: phrases that mostly match."""
    words = [text.split() for text, _ in sentences if len(text.split()) >= 2]
    if not words:
        return PHRASE
    return (
        st.sampled_from(words)
        .flatmap(lambda run: st.tuples(st.just(run), st.integers(0, len(run) - 2)))
        .flatmap(lambda found: st.integers(2, 5).map(lambda n: found[0][found[1] : found[1] + n]))
        .map(" ".join)
    )


@pytest.mark.parametrize(
    "phrase", ["the peace talks", "the peace", "peace talks", "said the peace"]
)
def test_the_best_n_pass_over_what_cannot_reach_them(phrase):
    """A common word ("the", in every sentence) is read last in a search for the best N:
    the short sentences first set the score to beat, and the long ones that cannot beat it
    are passed over (half of them, measured) with the same best N as positions give."""
    sentences = [("the peace talks said", "en")] * 2 + [("the peace talks", "en")]
    for number in range(200):
        words = ["the"] + ["said"] * 30
        if number % 6 == 0:
            words[10:10] = ["the", "peace", "talks"]
        sentences.append((" ".join(words), "en"))
    index = ram_index(sentences)
    positions = by_positions(f'"{phrase}"', [])
    with index.searcher() as searcher:
        assert answers(searcher, paired(positions)) == answers(searcher, positions)


@pytest.mark.parametrize("phrase", ['"peace talks"~3', '"the peace talks"~2', '"the talks"~3'])
def test_a_phrase_with_slop_reads_positions_only_where_a_sentence_can_reach_the_best_n(
    phrase, monkeypatch
):
    """A phrase with slop is its words' intersection (`NearPhrase`); in a search for the best
    N, a sentence whose score (from its words' weights) cannot beat the N-th best is passed
    over before its positions are read: the same answers as positions, fewer positions read.
    (Whoosh's collector says what score to beat once a sentence has displaced another from
    its N best: the long sentences come first, then the short ones.)"""
    sentences = []
    for number in range(400):
        words = ["the"] + ["said"] * 30
        if number % 4 == 0:
            words[10:10] = ["the", "peace", "new", "talks"]
        sentences.append((" ".join(words), "en"))
        if number == 10:
            sentences += [("the peace talks said", "en")] * 2 + [("the peace of talks", "en")]
    index = ram_index(sentences)
    positions = by_positions(phrase, [])
    near = paired(positions)
    assert [type(node) for node in near.leaves() if isinstance(node, wq.Phrase)] == [NearPhrase]
    reads = []
    spans = SpanNear2.SpanNear2Matcher._get_spans
    monkeypatch.setattr(
        SpanNear2.SpanNear2Matcher, "_get_spans", lambda m: reads.append(m) or spans(m)
    )
    with index.searcher() as searcher:
        assert answers(searcher, near) == answers(searcher, positions)
        reads.clear()
        searcher.search(near, limit=2)
    words = set(phrase.split('"')[1].split())
    holding_the_words = [text for text, _ in sentences if words <= set(text.split())]
    assert len(reads) < len(holding_the_words) / 4


def test_a_phrase_is_read_from_pairs_only_where_its_words_are_side_by_side():
    query = paired(parse_query('"peace talks" "a b"~3 title:"peace talks"').query)
    phrases = [node for node in query.leaves() if isinstance(node, wq.Phrase)]
    assert [type(node) is PairPhrase for node in phrases] == [True, False, False]


@pytest.mark.parametrize(
    ("positions", "pairs"),
    [
        ({"the": [0], "peace": [1], "talk": [2]}, {"the peace", "peace talk"}),
        # e-mail: its parts, and its joined form at the first part and at the last.
        (
            {"send": [0], "e": [1], "mail": [2], "email": [1, 2]},
            {"send e", "send email", "e mail", "e email", "email mail", "email email"},
        ),
        # IT in mixed-case text: the word and the acronym at one position.
        ({"it": [0], "IT": [0], "industri": [1]}, {"it industri", "IT industri"}),
        (
            {"to": [0, 4], "be": [1, 5], "or": [2], "not": [3]},
            {"to be", "be or", "or not", "not to"},
        ),
        ({"alone": [0]}, set()),
    ],
)
def test_the_pairs_of_a_sentence(positions, pairs):
    assert pairs_of(positions) == pairs


@pytest.fixture(scope="module")
def phrase_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("phrases")
    folder = root / "articles"
    (folder / "de").mkdir(parents=True)
    (folder / "en.txt").write_text(
        "The Secretary of State met the Secretary for State. "  # 1
        "Malcolm X spoke; Malcolm spoke too. "  # 2
        "To be or not to be, that is the question. "  # 3
        "The peace talks resumed. "  # 4
        "Talks about peace stalled. "  # 5
        "The peace in the talks held. "  # 6
        "The US dollar fell against the yen.\n",  # 7
        encoding="utf-8",
    )
    (folder / "de" / "verhandlungen.txt").write_text(
        "11. März 2025\n\nDie Verhandlungen über den Frieden gehen in Istanbul weiter. "  # 1
        "Beide Seiten sprachen von Fortschritten bei den Gesprächen.\n",  # 2
        encoding="utf-8",
    )
    index_dir = root / "index"
    result = invoke("index", str(folder), "--index-dir", str(index_dir), "-q")
    assert result.exit_code == 0, result.stderr
    return index_dir


def found(index_dir: Path, query: str) -> set[tuple[str, int]]:
    result = invoke("query", "--all", "--json", "--index-dir", str(index_dir), "--", query)
    assert result.exit_code in (0, 1), result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    return {(hit["article"], hit["sentence"]) for hit in hits}


E, D = "en", "verhandlungen"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"Secretary of State"', {(E, 1)}),  # not "Secretary for State" alone
        ('"Secretary for State"', {(E, 1)}),
        ('"Malcolm X"', {(E, 2)}),
        ('"to be or not to be"', {(E, 3)}),
        ('"not to be or"', set()),
        ('"the peace talks"', {(E, 4)}),
        ('"peace talks"', {(E, 4)}),
        ('"talks peace"', set()),
        ('"peace talks"~3', {(E, 4), (E, 6)}),  # slop: by positions, as before
        ('"US dollar"', {(E, 7)}),
        ('"us dollar"', {(E, 7)}),
        ('"Verhandlungen über"', {(D, 1)}),  # another language's lemmas pair too
        ('"über den Frieden"', {(D, 1)}),
        ('"den Frieden" peace', set()),
    ],
)
def test_the_readmes_phrases_through_the_command(phrase_index, query, expected):
    assert found(phrase_index, query) == expected
