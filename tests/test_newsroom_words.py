"""Issue 23: words as a newsroom means them: what is found asked of the library (`Index`), the
command's own part (its date flags, its lines on stderr, its help) through the command.

US is U.S., IT is not "its", an all-caps wire headline is no evidence, Zürich is Zurich,
Müller is Muller and Mueller, e-mail is email, Browne ranks above Brown and `"Browne"` is
Browne only, dates are typed as people type them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import build_index, invoke
from search.engine.words import fold, is_capitals, letters_of
from search.index import Index, Options, check_date
from search.model import Hit

W, P, T = "1987-03_wire", "2005-04_politics", "2005-05_tech"

# Sentence numbers in the comments (the dateline is no sentence).
ARTICLES = {
    f"{W}.txt": (
        "March 2, 1987\n\n"
        "IRAQ SAYS IT REPELS IRANIAN ATTACK\n\n"  # 1
        "Iraq said it repelled an Iranian attack near Basra.\n\n"  # 2
        "U.S. TRADE DEFICIT WIDENS IN JANUARY\n\n"  # 3
        "The U.S. trade deficit widened to 14.8 billion dlrs in January. "  # 4
        "Officials told us the deficit would narrow. "  # 5
        "The US trade deficit with Japan narrowed in February.\n"  # 6
    ),
    f"{P}.txt": (
        "April 12, 2005\n\n"
        "Gordon Brown met Des Browne in London. "  # 1
        "Gordon Brown presented the budget. "  # 2
        "Des Browne was named defence secretary. "  # 3
        "Brown's allies welcomed the budget. "  # 4
        "The WHO warned that AIDS cases were rising. "  # 5
        "Who will lead the talks remains unclear. "  # 6
        "The Russia-Ukraine gas talks resumed at 9 a.m. in Geneva. "  # 7
        "Russia and Ukraine signed a gas deal. "  # 8
        "J.F.K. airport was closed for the night.\n"  # 9
    ),
    f"{T}.txt": (
        "May 5, 2005\n\n"
        "The IT industry in Zürich hired 300 engineers. "  # 1
        "Its popularity suffered after security scares, and its industrial output fell. "  # 2
        "IT security firms in Zurich reported record sales. "  # 3
        "Klaus Müller sent an e-mail to the board. "  # 4
        "Anna Muller replied by email on Friday. "  # 5
        "Thomas Mueller did not co-operate with the inquiry. "  # 6
        "The unions agreed to cooperate with the board.\n"  # 7
    ),
}


@pytest.fixture(scope="module")
def newsroom_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("newsroom"), ARTICLES)


@pytest.fixture(scope="module")
def door(newsroom_index: Path):
    with Index.open(newsroom_index) as index:
        yield index


def ranked(door: Index, query: str) -> list[Hit]:
    """Every hit, best first (`search query --all`)."""
    return door.answer(query, Options(limit=None)).hits


def found(door: Index, query: str) -> set[tuple[str, int]]:
    return {(hit.article, hit.sentence) for hit in ranked(door, query)}


def ranked_json(index_dir: Path, *args: str) -> list[dict]:
    """Every hit of the command, best first; the query is the last argument, taken literally."""
    *options, query = args
    result = invoke(
        "query", *options, "--all", "--json", "--index-dir", str(index_dir), "--", query
    )
    assert result.exit_code in (0, 1), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# Each row of the table, and the rules around it, with the exact sentences.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Dotted capitals are their letters; capitals typed are the acronym.
        ("US", {(W, 3), (W, 4), (W, 6)}),  # not "told us"
        ("U.S.", {(W, 3), (W, 4), (W, 6)}),
        ("us", {(W, 3), (W, 4), (W, 5), (W, 6)}),  # lowercase: the ordinary word, as before
        ("US trade deficit", {(W, 3), (W, 4), (W, 6)}),
        ("U.S. trade deficit", {(W, 3), (W, 4), (W, 6)}),
        ('"U.S. trade deficit"', {(W, 3), (W, 4), (W, 6)}),
        ("IT", {(T, 1), (T, 3), (W, 1)}),  # not "its", not "it said"
        ("it", {(W, 1), (W, 2), (T, 1), (T, 2), (T, 3)}),
        ("IT security", {(T, 3)}),  # not "Its popularity suffered after security scares"
        ("it security", {(T, 2), (T, 3)}),
        ('"IT industry"', {(T, 1)}),  # not "its industrial output"
        ("WHO", {(P, 5)}),  # not "Who will lead"
        ("Who", {(P, 5), (P, 6)}),
        ("AIDS", {(P, 5)}),
        ("IRANIAN", {(W, 1), (W, 2)}),  # longer than an acronym: the ordinary word
        ("J.F.K.", {(P, 9)}),
        ("JFK", {(P, 9)}),
        ("a.m.", {(P, 7)}),  # lowercase dotted words stay as written: not the verb "am"
        ("am", set()),
        # Accents fold; a German umlaut is also its ue form.
        ("Zürich", {(T, 1), (T, 3)}),
        ("Zurich", {(T, 1), (T, 3)}),
        ("zürich", {(T, 1), (T, 3)}),
        ("Müller", {(T, 4), (T, 5)}),
        ("Muller", {(T, 4), (T, 5)}),
        ("Mueller", {(T, 4), (T, 6)}),
        ("Zür*", {(T, 1), (T, 3)}),
        ("Zurick~", {(T, 1), (T, 3)}),
        # Compounds match their joined form; a hyphen between words is still a phrase.
        ("e-mail", {(T, 4), (T, 5)}),
        ("email", {(T, 4), (T, 5)}),
        ("co-operate", {(T, 6), (T, 7)}),
        ("cooperate", {(T, 6), (T, 7)}),
        ('"sent an email"', {(T, 4)}),
        ('"email to the board"', {(T, 4)}),
        ("Russia-Ukraine", {(P, 7)}),
        ('"Russia Ukraine"', {(P, 7)}),
        ("Ukraine", {(P, 7), (P, 8)}),
        # A prefix or wildcard on a compound completes its joined form.
        ("co-operat*", {(T, 6), (T, 7)}),
        ("e-mai*", {(T, 4), (T, 5)}),
        ("e-m?il", {(T, 4), (T, 5)}),
        ("Russia-Ukr*", {(P, 7)}),
        # The spelling typed; one word alone in quotes is that spelling only.
        ("Browne", {(P, 1), (P, 2), (P, 3), (P, 4)}),
        ('"Browne"', {(P, 1), (P, 3)}),
        ('"Brown"', {(P, 1), (P, 2), (P, 4)}),
        ('"Zürich"', {(T, 1)}),
        ('"Zurich"', {(T, 1), (T, 3)}),  # typed without accents: with or without them
        ('"e-mail"', {(T, 4), (T, 5)}),
    ],
)
def test_words_as_a_newsroom_means_them(door, query, expected):
    assert found(door, query) == expected


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # Mixed-case uses first; the shouted headline after them.
        ("IT", [{(T, 1), (T, 3)}, {(W, 1)}]),
        ("U.S. trade deficit", [{(W, 4), (W, 6)}, {(W, 3)}]),
        ("US", [{(W, 4), (W, 6)}, {(W, 3)}]),
        # The spelling typed before its stem twins.
        ("Browne", [{(P, 1), (P, 3)}, {(P, 2), (P, 4)}]),
        ("Zürich", [{(T, 1)}, {(T, 3)}]),
    ],
)
def test_what_ranks_first(door, query, first):
    order = [(hit.article, hit.sentence) for hit in ranked(door, query)]
    start = 0
    for group in first:
        assert set(order[start : start + len(group)]) == group, order
        start += len(group)


@pytest.mark.parametrize(
    ("query", "lit"),
    [
        ("IT", {"IT"}),
        ("email", {"e-mail", "email"}),
        ("Zurich", {"Zürich", "Zurich"}),
        ("Zür*", {"Zürich", "Zurich"}),
        ('"Browne"', {"Browne"}),
        ("Mueller", {"Müller", "Mueller"}),
        ("co-operat*", {"co-operate", "cooperate"}),
    ],
)
def test_the_words_matched_light_up(door, query, lit):
    hits = ranked(door, query)
    assert {hit.text[a:b] for hit in hits for a, b in hit.matches} == lit


@pytest.mark.parametrize(
    ("query", "line"),
    [
        # Typed with its accent, the word is corrected to the spelling with it.
        ("Zürick", 'No matches for "Zürick". Did you mean: Zürich?'),
        ("Müler", 'No matches for "Müler". Did you mean: Müller?'),
        ("Mülller", 'No matches for "Mülller". Did you mean: Müller?'),
        # Typed without, to a spelling without.
        ("Zurick", 'No matches for "Zurick". Did you mean: Zurich?'),
    ],
)
def test_did_you_mean_works_across_accents_in_the_library(door, query, line):
    answer = door.answer(query)
    assert not answer.found
    assert answer.did_you_mean == line.split("Did you mean: ")[1].removesuffix("?")


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("Zürick", 'No matches for "Zürick". Did you mean: Zürich?'),
        ("Zurick", 'No matches for "Zurick". Did you mean: Zurich?'),
    ],
)
def test_did_you_mean_works_across_accents(newsroom_index, query, line):
    result = invoke("query", "--index-dir", str(newsroom_index), query)
    assert (result.exit_code, result.stderr) == (1, line + "\n")


# Dates as people type them: a year or a month means its first day for --since, its last
# for --until.
@pytest.mark.parametrize(
    ("options", "articles"),
    [
        (["--since", "2005-05"], {T}),
        (["--since", "2005"], {P, T}),
        (["--until", "2005-04"], {W, P}),
        (["--until", "1987"], {W}),
        (["--until", "1987-03"], {W}),
        (["--since", "1987-03-02", "--until", "1987-03-02"], {W}),
        (["--since", "2005-04-12", "--until", "2005-04"], {P}),
    ],
)
def test_dates_as_people_type_them(newsroom_index, options, articles):
    assert {hit["article"] for hit in ranked_json(newsroom_index, *options, "the")} == articles


@pytest.mark.parametrize(
    ("value", "last", "day"),
    [
        ("2005", False, "2005-01-01"),
        ("2005", True, "2005-12-31"),
        ("2005-04", False, "2005-04-01"),
        ("2005-04", True, "2005-04-30"),
        ("2004-02", True, "2004-02-29"),
        ("1987-03-02", True, "1987-03-02"),
        (" 1987-03 ", False, "1987-03-01"),
    ],
)
def test_a_year_or_a_month_is_its_first_or_last_day(value, last, day):
    assert check_date(value, "--since", last=last) == day


@pytest.mark.parametrize(
    ("options", "phrase"),
    [
        (["--since", "1987-03-05", "--until", "1987-03-01"], "the date range is empty"),
        (["--since", "2005-05", "--until", "2005-04"], "the date range is empty"),
        (["--since", "1987-13"], "is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--until", "87"], "is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_an_empty_range_or_a_bad_date_is_one_line(newsroom_index, options, phrase):
    result = invoke("query", *options, "--index-dir", str(newsroom_index), "oil")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and phrase in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_help_states_the_spelling_rules():
    help_text = " ".join(invoke("query", "--help").stdout.split())
    assert "The spelling typed ranks first (Browne above Brown)" in help_text
    assert 'one word alone in quotes ("Browne") matches that spelling only' in help_text
    assert "--since/--until take YYYY, YYYY-MM, YYYY-MM-DD" in help_text


# Properties ----------------------------------------------------------------------------

_SENTENCE_WORDS = sorted(
    {word for text in ARTICLES.values() for word in re.findall(r"[^\W\d_]{2,}", text)}
)
_ACCENTED = str.maketrans("aeiouc", "áéíöüç")


@given(word=st.sampled_from(_SENTENCE_WORDS), accents=st.lists(st.booleans(), max_size=12))
@settings(max_examples=60, deadline=None)
def test_folding_a_querys_accents_never_loses_a_hit(door, word, accents):
    accented = "".join(
        char.translate(_ACCENTED) if accent else char
        for char, accent in zip(word, (accents + [False] * len(word))[: len(word)], strict=True)
    )
    assert found(door, accented) <= found(door, fold(accented))


_CAPITALS = sorted({word for text in ARTICLES.values() for word in re.findall(r"[A-Z.]{2,}", text)})


@given(
    word=st.one_of(
        st.sampled_from([letters_of(word.strip(".")) for word in _CAPITALS]),
        st.sampled_from(_SENTENCE_WORDS).map(str.upper),
        st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=5),
    )
)
@settings(max_examples=60, deadline=None)
def test_a_capitalised_acronyms_hits_all_contain_it_in_capitals(door, word):
    assume(word not in {"AND", "OR", "NOT", "TO"})  # operators
    assume(is_capitals(word))  # longer words in capitals are ordinary words
    for hit in ranked(door, word):
        written = {letters_of(w) for w in re.findall(r"\w+(?:\.\w+)*", hit.text)}
        assert word in written, (word, hit.text)


# Every command that takes --until reads a month or a year as its last day, as `query` does.
@pytest.mark.parametrize("until", ["1987-03", "1987"])
@pytest.mark.parametrize(
    "command",
    [["trend", "--json"], ["words", "--json"], ["export", "--format", "jsonl"]],
)
def test_every_command_reads_until_a_month_as_its_last_day(newsroom_index, command, until):
    result = invoke(*command, "--until", until, "--index-dir", str(newsroom_index), "deficit")
    assert result.exit_code == 0, result.stderr
    assert result.stdout


def test_an_alert_until_a_month_keeps_its_last_day(newsroom_index):
    added = invoke("alert", "add", "wire", "--until", "1987-03", "deficit", "--index-dir",
                   str(newsroom_index))  # fmt: skip
    try:
        assert added.exit_code == 0, added.stderr
        listed = invoke("alert", "list", "--index-dir", str(newsroom_index))
        assert "--until 1987-03-31" in listed.stdout
    finally:
        invoke("alert", "remove", "wire", "--index-dir", str(newsroom_index))
