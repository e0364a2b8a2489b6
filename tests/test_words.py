"""Issue 9: every word a journalist types is searchable.

No stop list and no minimum length (`US`, `IT`, `May`, `X`, `1`), phrases that are
literal up to case and the stemmer, all-caps words that rank their exact casing
first, fuzzy words and did-you-mean measured from what was typed to the words as
the articles write them, and a miss that always says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import build_index, invoke
from search.engine.schema import SCHEMA_VERSION
from search.index import Index, Options
from search.model import Hit

M, D, T, S, H = (
    "2025-03_markets",
    "2025-04_diplomacy",
    "2025-05_tech",
    "2025-06_sport",
    "2025-07_history",
)

# Sentence numbers are given in the comments; each article is written so that a word
# dropped from a query, or a stem instead of a word, finds a sentence it should not.
ARTICLES = {
    f"{M}.txt": (
        "March 3, 2025\n"
        "The US dollar rose against the yen on Monday.\n"  # 1
        "Traders told us the dollar would stay strong until May.\n"  # 2
        "The euro fell 1 percent against the dollar.\n"  # 3
        "Officials may raise rates again in the spring.\n"  # 4
    ),
    f"{D}.txt": (
        "April 9, 2025\n"
        "The Secretary of State met NATO ministers in Brussels.\n"  # 1
        "Critics said the Secretary for State Affairs had not been consulted.\n"  # 2
        "The WHO warned that the outbreak can still spread.\n"  # 3
        "Who will lead the talks remains unclear.\n"  # 4
        "Officials told reporters it was too early to say.\n"  # 5
    ),
    f"{T}.txt": (
        "May 12, 2025\n"
        "The IT department blamed an e-mail attachment for the breach.\n"  # 1
        "Staff were told never to mail their passwords to anyone.\n"  # 2
        "The company said it will publish a Plan B by Friday.\n"  # 3
        "The plan was approved by the board.\n"  # 4
    ),
    f"{S}.txt": (
        "June 1, 2025\n"
        "Chelsea did not sack Mourinho after the defeat in Manchester.\n"  # 1
        "Chelsea and Mourinho agreed a new contract.\n"  # 2
        "Roman Abramovich sold Chelsea in 2022.\n"  # 3
        "The Formula 1 season resumed in Monaco.\n"  # 4
        "Engineers found a formula for faster pit stops.\n"  # 5
    ),
    f"{H}.txt": (
        "July 4, 2025\n"
        "A new biography of Malcolm X was published this week.\n"  # 1
        "Malcolm Gladwell reviewed it for a weekly magazine.\n"  # 2
        "The memorial lists every victim of 9/11 by name.\n"  # 3
        "The fire on 9 March injured 11 people.\n"  # 4
        "Leaders at the G7 summit discussed sanctions.\n"  # 5
        "The summit of G20 ministers ended early.\n"  # 6
        '"To be or not to be" opened the festival in London.\n'  # 7
        "The Who played their final concert in London.\n"  # 8
    ),
}


@pytest.fixture(scope="module")
def words_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("words"), ARTICLES)


@pytest.fixture(scope="module")
def door(words_index: Path):
    with Index.open(words_index) as index:
        yield index


def hits(door: Index, query: str, match_any: bool = False) -> set[tuple[str, int]]:
    """(article, sentence) of every hit (`search query --all`, with `--any` if asked)."""
    answer = door.answer(query, Options(limit=None, match_any=match_any))
    return {(hit.article, hit.sentence) for hit in answer.hits}


def run(index_dir: Path, *args: str):
    return invoke("query", *args, "--index-dir", str(index_dir))


def ranked(door: Index, query: str) -> list[Hit]:
    return door.answer(query, Options(limit=None)).hits


# Each example of the issue, with the exact sentences it must find. In comments: what
# the version with a stop list did.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Short and common words are words (all refused before: "nothing to search for").
        # In capitals, the acronym only (issue 23): not "told us", not "it will".
        ("US", {(M, 1)}),
        ("us", {(M, 1), (M, 2)}),
        ("IT", {(T, 1)}),
        ("it", {(D, 5), (T, 1), (T, 3), (H, 2)}),
        ("May", {(M, 2), (M, 4)}),
        ("Who", {(D, 3), (D, 4), (H, 8)}),
        ("will", {(D, 4), (T, 3)}),
        ("can", {(D, 3)}),
        ("X", {(H, 1)}),
        ("1", {(M, 3), (S, 4)}),
        ("The Who", {(D, 3), (D, 4), (H, 8)}),
        # Phrases keep every word, in order, adjacent.
        ('"US dollar"', {(M, 1)}),  # was every sentence with "dollar"
        ('"the dollar"', {(M, 2), (M, 3)}),
        ('"Secretary of State"', {(D, 1)}),  # was both Secretaries
        ('"Secretary for State"', {(D, 2)}),  # was both Secretaries
        ('"Malcolm X"', {(H, 1)}),  # was Malcolm Gladwell too
        ('"Plan B"', {(T, 3)}),  # was "The plan was approved" too
        ('"Formula 1"', {(S, 4)}),  # was "a formula for faster pit stops" too
        ('"G7 summit"', {(H, 5)}),
        ('"9/11"', {(H, 3)}),  # was "9 March injured 11 people" too
        ("9/11", {(H, 3)}),
        ("e-mail", {(T, 1)}),  # was "mail their passwords" too
        ("email", {(T, 1)}),  # the joined form (issue 23)
        ('"to be or not to be"', {(H, 7)}),  # refused
        ('"The Who"', {(D, 3), (H, 8)}),
        # Lowercase and/or/not are words; uppercase AND/OR/NOT are operators.
        ("Chelsea not Mourinho", {(S, 1)}),  # was Chelsea Mourinho
        ("Chelsea and Mourinho", {(S, 2)}),
        ("Chelsea or Mourinho", set()),
        ("Chelsea AND Mourinho", {(S, 1), (S, 2)}),
        ("Chelsea OR Mourinho", {(S, 1), (S, 2), (S, 3)}),
        ("Chelsea NOT Mourinho", {(S, 3)}),
        ("Chelsea -Mourinho", {(S, 3)}),
        ("--any London or", {(H, 7), (H, 8)}),
    ],
)
def test_every_word_is_searchable(door, query, expected):
    text = query.removeprefix("--any ")
    assert hits(door, text, match_any=text != query) == expected


def test_the_command_takes_lowercase_operators_as_words(words_index):
    result = invoke(
        "query", "--any", "--all", "--json", "--index-dir", str(words_index), "--", "London or"
    )
    found = {(h["article"], h["sentence"]) for h in map(json.loads, result.stdout.splitlines())}
    assert found == {(H, 7), (H, 8)}


# Fuzzy words are measured from what was typed to the words as written, not to stems:
# "abramovic" is one edit from "abramovich"; as stems ("abramov", "abramovich") three.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Abramovic~", {(S, 3)}),  # found nothing before
        ("Abramowich~", {(S, 3)}),
        ("abramovich~", {(S, 3)}),
        ("Abramovci~", set()),  # a swap is two edits, as in Whoosh's Levenshtein automaton
        ("Abramovci~2", {(S, 3)}),
        ("Abramov~", set()),  # three edits
        ("Abramov~2", set()),
        ("Abramovi~2", {(S, 3)}),
        ("Manchaster~", {(S, 1)}),
        ("Mourinyo~", {(S, 1), (S, 2)}),
        ("Chelsea Mourinyo~", {(S, 1), (S, 2)}),
        ("secretaries~", set()),  # "secretary" is three edits away as written
    ],
)
def test_fuzzy_words_measure_the_typed_form(door, query, expected):
    assert hits(door, query) == expected


def test_fuzzy_highlights_the_written_word(door):
    (hit,) = ranked(door, "Abramovic~")
    assert [hit.text[a:b] for a, b in hit.matches] == ["Abramovich"]


@pytest.mark.parametrize(
    ("query", "lit"),
    [
        ('"US dollar"', ["US", "dollar"]),
        ("IT", ["IT"]),
        ("e-mail", ["e-mail"]),
        ('"Malcolm X"', ["Malcolm", "X"]),
    ],
)
def test_short_words_light_up(door, query, lit):
    first = ranked(door, query)[0]
    assert [first.text[a:b] for a, b in first.matches] == lit


# A word typed in capitals matches only that word written in capitals (issue 23).
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("US", [(M, 1)]),
        ("IT", [(T, 1)]),
        ("WHO", [(D, 3)]),
        ("NATO", [(D, 1)]),
        ("US dollar", [(M, 1)]),
    ],
)
def test_acronyms_match_their_capitals_only(door, query, found):
    assert [(hit.article, hit.sentence) for hit in ranked(door, query)] == found


def test_lowercase_acronym_is_not_boosted(door):
    """`it` is the pronoun as much as the department: no casing is preferred."""
    assert {(h.article, h.sentence) for h in ranked(door, "it")} == {
        (D, 5),
        (T, 1),
        (T, 3),
        (H, 2),
    }


# Every miss is one line on stderr and exit 1: what found nothing, the correction if
# one is close (measured from the typed words), and what --any would find.
@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("Liverpool", 'No matches for "Liverpool".'),
        ("Manchster", 'No matches for "Manchster". Did you mean: Manchester?'),  # was silent
        ("Abramovic", 'No matches for "Abramovic". Did you mean: Abramovich?'),
        ("mourino", 'No matches for "mourino". Did you mean: mourinho?'),
        ("NATP", 'No matches for "NATP". Did you mean: NATO?'),
        (
            '"Secretery of State"',
            'No matches for ""Secretery of State"". Did you mean: "Secretary of State"?',
        ),
        (
            "Chelsea Liverpool",
            'No matches for "Chelsea Liverpool". --any finds 3 sentences with some of the words.',
        ),
        (
            "Chelsea Mourinyo",
            'No matches for "Chelsea Mourinyo". Did you mean: Chelsea Mourinho? '
            "--any finds 3 sentences with some of the words.",
        ),
        # Two letters: every short word is near another, so no correction is guessed.
        (
            "Chelsea Xi",
            'No matches for "Chelsea Xi". --any finds 3 sentences with some of the words.',
        ),
        ('"Chelsea Liverpool"', 'No matches for ""Chelsea Liverpool"".'),
        ("--any Liverpool Everton", 'No matches for "Liverpool Everton".'),
    ],
)
def test_every_miss_says_so(words_index, query, line):
    args = query.split(" ", 1) if query.startswith("--any") else [query]
    result = run(words_index, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", line + "\n")


@pytest.mark.parametrize(
    ("query", "match_any", "expected"),
    [
        # (did you mean, what --any finds)
        ("Liverpool", False, (None, None)),
        ("Manchster", False, ("Manchester", None)),
        ("Abramovic", False, ("Abramovich", None)),
        ("mourino", False, ("mourinho", None)),
        ("NATP", False, ("NATO", None)),
        ('"Secretery of State"', False, ('"Secretary of State"', None)),
        ("Chelsea Liverpool", False, (None, 3)),
        ("Chelsea Mourinyo", False, ("Chelsea Mourinho", 3)),
        ("Chelsea Xi", False, (None, 3)),  # every short word is near another: no guess
        ('"Chelsea Liverpool"', False, (None, None)),
        ("Liverpool Everton", True, (None, None)),
    ],
)
def test_what_every_miss_offers(door, query, match_any, expected):
    answer = door.answer(query, Options(match_any=match_any))
    assert (answer.found, answer.hits) == (False, [])
    assert (answer.did_you_mean, answer.any_count) == expected


def test_a_miss_with_count_says_so_too(words_index):
    result = run(words_index, "-c", "Liverpool")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "0\n",
        'No matches for "Liverpool".\n',
    )


def test_help_says_lowercase_operators_are_words():
    result = invoke("query", "--help")
    assert "uppercase AND, OR, NOT are operators: and, or, not are words." in result.stdout


def test_an_index_of_the_previous_schema_is_refused_then_rebuilt(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path / "index"
    assert invoke("index", str(folder), "--index-dir", str(index_dir), "-q").exit_code == 0
    pointer = index_dir / "CURRENT"
    data = json.loads(pointer.read_text())
    pointer.write_text(json.dumps({**data, "schema_version": 1}) + "\n")

    refused = run(index_dir, "US")
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1
    assert f"(schema 1, this is {SCHEMA_VERSION})" in refused.stderr
    assert 'run "search index --rebuild"' in refused.stderr

    rebuilt = invoke("index", str(folder), "--index-dir", str(index_dir), "-q")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert rebuilt.stderr.count("\n") == 1
    assert "written by another version of search" in rebuilt.stderr
    assert "rebuilt it from the paths given" in rebuilt.stderr
    with Index.open(index_dir) as rebuilt_index:
        assert hits(rebuilt_index, "US") == {(M, 1)}
    again = invoke("index", str(folder), "--index-dir", str(index_dir), "-q")
    assert (again.exit_code, again.stderr) == (0, "")


def _written_words(text: str) -> list[str]:
    """The words of `text` in order, one per position, as the `words` field folds them."""
    from search.engine.schema import words_analyzer

    words: dict[int, str] = {}
    for token in words_analyzer()(text, positions=True):
        if not token.joined:
            words.setdefault(token.pos, token.text)
    return [words[position] for position in sorted(words)]


def _every_written_form(text: str) -> list[str]:
    """Every form the `words` field holds for `text` (a compound's joined form too)."""
    from search.engine.schema import words_analyzer

    return [token.text for token in words_analyzer()(text)]


SENTENCES = [
    line
    for text in ARTICLES.values()
    for line in text.splitlines()[1:]
    if line  # the first line is the dateline
]
VOCABULARY = sorted({word for sentence in SENTENCES for word in _written_words(sentence)})


def _contains(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


def _stems(words: list[str]) -> list[str]:
    from search.engine.schema import analyzer

    return [token.text for word in words for token in analyzer()(word)]


def _assert_phrase_hits_are_literal(door: Index, phrase: list[str]) -> set[str]:
    """Every hit has the phrase's words, case-folded, in order and adjacent: literally, up
    to the stemmer (`"publish"` finds "published")."""
    found = [hit.text for hit in ranked(door, f'"{" ".join(phrase)}"')]
    for text in found:
        assert _contains(_stems(_written_words(text.casefold())), _stems(phrase)), (phrase, text)
    return set(found)


@given(data=st.data())
@settings(max_examples=80, deadline=None)
def test_a_phrase_from_a_sentence_finds_it_and_only_sentences_that_have_it(door, data):
    sentence = data.draw(st.sampled_from(SENTENCES))
    words = _written_words(sentence)
    start = data.draw(st.integers(0, len(words) - 1))
    length = data.draw(st.integers(1, min(6, len(words) - start)))
    phrase = words[start : start + length]
    assert sentence in _assert_phrase_hits_are_literal(door, phrase)


@given(phrase=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4))
@settings(max_examples=80, deadline=None)
def test_any_phrase_of_indexed_words_finds_only_sentences_that_have_it(door, phrase):
    _assert_phrase_hits_are_literal(door, phrase)


def _found_with_matches(door: Index, query: str) -> dict[str, set[str]]:
    """Each hit's text, with the words its highlights cover, lowercased."""
    return {
        hit.text: {hit.text[start:end].lower() for start, end in hit.matches}
        for hit in ranked(door, query)
    }


@given(data=st.data())
@settings(max_examples=80, deadline=None)
def test_a_prefix_completes_words_as_written(door, data):
    """`negotiat*` finds every sentence with a word that starts so, whatever its stem (on
    stems it missed "negotiation", indexed as "negoti"), only those, and lights up those
    words alone."""
    word = data.draw(st.sampled_from(VOCABULARY))
    prefix = word[: data.draw(st.integers(1, len(word)))]
    found = _found_with_matches(door, f"{prefix}*")
    expected = {s for s in SENTENCES if any(w.startswith(prefix) for w in _every_written_form(s))}
    assert set(found) == expected, prefix
    for text, lit in found.items():
        # A lit compound (`e-mail`) stands for its parts and its joined form.
        forms = {form for word in lit for form in (*word.split("-"), word.replace("-", ""))}
        wanted = {w for w in _every_written_form(text) if w.startswith(prefix)}
        assert wanted <= forms, (prefix, text)
        for word in lit:
            assert any(f.startswith(prefix) for f in (*word.split("-"), word.replace("-", "")))


@pytest.mark.parametrize(
    ("query", "lit"),
    [
        ("form*", {"formula"}),  # "Formula 1" and "formula": the stem "formula"
        ("publish*", {"publish", "published"}),
        ("publishe*", {"published"}),  # on stems: "publish" too (stem of "publishe")
        ("s?mmit", {"summit"}),
        ("g?", {"g7"}),
        ("*eekly", {"weekly"}),
    ],
)
def test_wildcards_match_words_as_written(door, query, lit):
    found = _found_with_matches(door, query)
    assert set().union(*found.values()) == lit, found
