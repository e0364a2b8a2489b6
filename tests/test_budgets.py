"""Every query and option is bounded: expansion, time, the miss path and context.

The indexes here are small, so the caps are lowered where a test needs them to bite;
the hypothesis test generates queries of every shape the language has and checks that
each one, with its miss path, ends within a generous bound, by an answer or one error.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_NAME, assert_one_line_error, invoke
from search.engine import searching, suggest
from search.engine.query import MAX_QUERY_CHARS, parse_query
from search.engine.searching import SearchIndex
from search.errors import QueryError, QueryTimeoutError, SearchError
from search.index import Index, Options

TIMEOUT_MESSAGE = "took longer than"
TOO_BROAD_MESSAGE = "different words"


def short_unknown_words(length: int = MAX_QUERY_CHARS, seed: int = 1) -> str:
    """A query of up to `length` characters of 3- to 5-letter words no article has."""
    rng = random.Random(seed)
    words: list[str] = []
    while sum(len(word) + 1 for word in words) < length - 6:
        words.append("".join(rng.choice("bcdfghjklmnpqvwxz") for _ in range(rng.randint(3, 5))))
    return " ".join(words)


# Expansion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["text:[a TO]", "unknown:[a TO]", "*e*", "peace* OR t* OR s* OR a*"],
)
def test_a_query_expanding_to_too_many_words_is_refused(seed_index: Path, monkeypatch, query):
    monkeypatch.setattr(searching, "MAX_EXPANDED_TERMS", 20)
    result = invoke("query", query, "--index-dir", str(seed_index))
    assert result.exit_code == 2
    assert_one_line_error(result, TOO_BROAD_MESSAGE, "more than 20")


@pytest.mark.parametrize(
    "query",
    [
        "*",
        "**",
        "*?*",
        "?*",
        "???",
        "Turkey **",
        "Turkey *?*",
        "Turkey OR ?*",
        "(Turkey OR peace) AND **",
        "Turkey NOT **",
        "title:*?",
        '"peacekeeping troops" ***',
    ],
)
def test_a_term_without_a_letter_is_refused_on_any_index(seed_index: Path, query):
    """The seed's vocabulary is far under the cap: the rule, not the cap, refuses these."""
    result = invoke("query", query, "--index-dir", str(seed_index))
    assert_one_line_error(result, "has no letter", "add letters, e.g. peace*")


@pytest.mark.parametrize("query", ["peace*", "peacekepping~2", "date:[2025-01-01 TO 2025-12-31]"])
def test_a_query_within_the_expansion_cap_runs(seed_index: Path, monkeypatch, query):
    monkeypatch.setattr(searching, "MAX_EXPANDED_TERMS", 20)
    result = invoke("query", query, "-c", "--index-dir", str(seed_index))
    assert result.exit_code in (0, 1), result.stderr
    assert TOO_BROAD_MESSAGE not in result.stderr


def test_the_expansion_cap_counts_every_pattern_of_the_query(seed_index: Path, monkeypatch):
    with SearchIndex.open(seed_index) as index:
        reader = index._searcher.reader()
        each = [
            sum(1 for _ in parse_query(word).query.expanded_terms(reader)) for word in ("t*", "s*")
        ]
        monkeypatch.setattr(searching, "MAX_EXPANDED_TERMS", max(each))
        index.count(parse_query("t*"))
        index.count(parse_query("s*"))
        with pytest.raises(QueryError, match=TOO_BROAD_MESSAGE):
            index.count(parse_query("t* OR s*"))


# The time budget ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [["-c"], ["-l"], [], ["--all", "--sort", "date"], ["--since", "2000-01-01"]],
)
def test_a_query_past_its_time_budget_stops_with_one_line(seed_index: Path, options):
    result = invoke(
        "query", "Turkey", *options, "--timeout", "1e-9", "--index-dir", str(seed_index)
    )
    assert result.exit_code == 2
    assert_one_line_error(result, TIMEOUT_MESSAGE, "make it more specific")


COUNT = Options(shape="count")


def test_a_budget_is_for_each_question_not_for_the_index(seed_index: Path):
    with Index.open(seed_index, budget=0.5) as index:
        for _ in range(3):
            assert index.answer("Turkey", COUNT).total > 0
            time.sleep(0.2)  # the clock starts again at each question


def test_no_budget_means_no_limit(seed_index: Path):
    with Index.open(seed_index, budget=None) as index:
        assert index.answer("Turkey", COUNT).total > 0


@pytest.mark.parametrize("shape", ["hits", "count", "articles", "article_count"])
def test_a_question_past_its_budget_raises_a_query_error(seed_index: Path, shape: str):
    with Index.open(seed_index, budget=1e-9) as index:
        with pytest.raises(QueryTimeoutError, match=TIMEOUT_MESSAGE):
            index.answer("Turkey", Options(shape=shape))
        index.budget = None  # the same open index, its budget lifted
        assert index.answer("Turkey", Options(shape=shape)).found


@pytest.mark.parametrize("bad", ["0", "-1", "soon"])
def test_timeout_must_be_a_positive_number(seed_index: Path, bad: str):
    result = invoke("query", "Turkey", "--timeout", bad, "--index-dir", str(seed_index))
    assert result.exit_code == 2
    assert "--timeout" in result.stderr


def test_the_timeout_error_is_a_query_error():
    assert issubclass(QueryTimeoutError, QueryError)


def test_a_timed_out_search_keeps_masks_and_filters(seed_index: Path):
    """The deadline wrapper sits under Whoosh's filter: results inside the budget are the
    same as without one (article records masked, date filters applied)."""
    for query, options in [("date:2025", {}), ("Turkey", {"since": "2000-01-01"})]:
        asked = Options(limit=None, **options)
        with Index.open(seed_index, budget=None) as free:
            expected = [(hit.path, hit.sentence) for hit in free.answer(query, asked).hits]
        with Index.open(seed_index, budget=60) as bounded:
            found = [(hit.path, hit.sentence) for hit in bounded.answer(query, asked).hits]
        assert found == expected


# The miss path --------------------------------------------------------------------------


def test_did_you_mean_on_a_long_query_of_unknown_words_is_quick(seed_index: Path):
    query = short_unknown_words()
    started = time.monotonic()
    result = invoke("query", query, "--index-dir", str(seed_index))
    assert result.exit_code == 1
    assert time.monotonic() - started < 5  # 8.8 s before the miss path was bounded


def test_too_many_unknown_words_get_no_suggestion_without_looking(seed_index: Path, monkeypatch):
    looked: list[str] = []
    correct = suggest._correct
    monkeypatch.setattr(
        suggest,
        "_correct",
        lambda reader, word, check: looked.append(word) or correct(reader, word, check),
    )
    words = " ".join(["Manchster"] + ["zqxv"] * suggest.MAX_CORRECTED_WORDS)
    with SearchIndex.open(seed_index) as index:
        assert index.did_you_mean(parse_query(words, match_any=True)) is None
    assert looked == []


def test_a_suggestion_that_runs_out_of_time_is_no_suggestion(seed_index: Path):
    with SearchIndex.open(seed_index, budget=1e-9) as index:
        assert index.did_you_mean(parse_query("peacekepping")) is None
    with SearchIndex.open(seed_index) as index:
        assert index.did_you_mean(parse_query("peacekepping")) == "peacekeeping"


def test_each_word_looks_at_a_bounded_number_of_candidates(seed_index: Path, monkeypatch):
    monkeypatch.setattr(suggest, "MAX_CANDIDATES", 0)
    with SearchIndex.open(seed_index) as index:
        assert index.did_you_mean(parse_query("peacekepping")) is None


# Context ---------------------------------------------------------------------------------


def test_a_huge_context_costs_what_the_article_does(seed_index: Path):
    started = time.monotonic()
    huge = invoke(
        "query", "-n", "1", "-C", "1000000000", "peacekeeping", "--index-dir", str(seed_index)
    )
    assert time.monotonic() - started < 5
    whole = invoke("show", SEED_NAME, "--index-dir", str(seed_index))
    assert huge.exit_code == 0
    shown = [line for line in huge.stdout.splitlines() if line.strip()]
    assert len(shown) == len([line for line in whole.stdout.splitlines() if line.strip()])


@pytest.mark.parametrize("option", ["-A", "-B"])
def test_a_huge_one_sided_context_is_clamped_too(seed_index: Path, option: str):
    result = invoke(
        "query", "-n", "1", option, "1000000000", "Turkey", "--index-dir", str(seed_index)
    )
    assert result.exit_code == 0


# The web server --------------------------------------------------------------------------


def test_the_server_gives_each_request_its_time_limit_as_the_budget(corpus_index: Path):
    from search.web.app import Searcher

    searcher = Searcher(corpus_index, time_limit=7)
    try:
        assert asyncio.run(searcher.run(lambda index: index.budget)) == 7
    finally:
        searcher.close()


@pytest.mark.parametrize("url", ["/api/search", "/"])
def test_the_server_answers_a_timed_out_query_with_503(corpus_index: Path, monkeypatch, url):
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from search.web import app as server

    def too_slow(self, query, *args, **options):
        raise QueryTimeoutError("the query took longer than 7 s and was stopped; make it narrower")

    # The library's one door raises as a search past its budget does.
    monkeypatch.setattr(Index, "answer", too_slow)
    with TestClient(server.create_app(corpus_index)) as client:
        response = client.get(url, params={"q": "ceasefire"})
    assert response.status_code == 503
    assert "took longer than 7 s" in response.text


# Generated queries -----------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "Turkey", "peacekeeping", "peace*", "*e*", "**", "t*", "x?", "peacekepping~",
        "peacekepping~2", "text:[a TO]", "unknown:[a TO]", "words:[a TO z]", "acronyms:[a TO]",
        "article:[a TO]", "date:2025", "date:[2025-01-01 TO]", "article:0", "AND", "OR", "NOT",
        "-Turkey", "(", ")", '"', '"peacekeeping troops"', '"Turkey troops"~3', "US", "zqxv",
        "bdk", "Manchster", "a", "x*y*z", "[a TO]", "words:t*", "acronyms:u*",
    ]
)  # fmt: skip
QUERIES = st.lists(PIECES | st.text(min_size=1, max_size=8), min_size=1, max_size=400).map(
    lambda pieces: " ".join(pieces)[:MAX_QUERY_CHARS]
)
BUDGET = 1.0
# Each generated query asks `Index.answer` up to six questions (find, undated, did-you-mean
# and its count, the --any count, the --scope article count), each within the budget; the
# rest is parsing and Python.
BOUND = 6 * BUDGET + 5


def ask_like_the_cli(index: Index, text: str, match_any: bool) -> None:
    """`search query --any? -C 1000000000 TEXT`: the one answer (with, on a miss, its
    did-you-mean and --any count) every front end asks for."""
    # A SearchError is one line for the user; what matters here is that it came in time.
    with contextlib.suppress(SearchError):
        index.answer(text, Options(match_any=match_any, before=10**9, after=10**9))


def assert_ends_in_time(index_dir: Path, text: str, match_any: bool) -> None:
    """The command line's questions for `text` end within BOUND seconds."""
    with Index.open(index_dir, budget=BUDGET) as index:
        started = time.monotonic()
        ask_like_the_cli(index, text, match_any)
        assert time.monotonic() - started < BOUND, text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUERIES, match_any=st.booleans())
def test_every_generated_query_ends_within_its_budget(seed_index: Path, text: str, match_any):
    assert_ends_in_time(seed_index, text, match_any)


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUERIES, match_any=st.booleans())
def test_many_generated_queries_end_within_their_budget(corpus_index: Path, text: str, match_any):
    assert_ends_in_time(corpus_index, text, match_any)
