"""The query language and the output options, on the seed plus a small corpus of our own.

What a query finds is the library's (`Index.answer`, asked directly); the command's own
part (its flags reaching the library, exit codes, stderr lines, human and JSON output) is
tested through the command."""

from __future__ import annotations

import json

import pytest

from conftest import SEED_NAME, assert_one_line_error, invoke, pairs, query_json
from search.errors import SearchError
from search.index import Options

S = SEED_NAME
C = "2025-01_ceasefire"
E = "2025-06_elections"
U = "undated_briefing"
SEED_PEACEKEEPING = {(S, n) for n in (1, 3, 6, 9, 15, 20)}


def hits(index_dir, *args) -> list[dict]:
    return query_json(index_dir, *args)[1]


def found(index_dir, *args) -> set[tuple[str, int]]:
    return {(hit["article"], hit["sentence"]) for hit in hits(index_dir, *args)}


# What `search query --all --copies` asks of the library.
EVERY = Options(limit=None, copies=True)
ANY = Options(limit=None, copies=True, match_any=True)


def since(day: str | None = None, until: str | None = None) -> Options:
    return Options(limit=None, copies=True, since=day, until=until)


def found_by(door, text: str, options: Options = EVERY) -> set[tuple[str, int]]:
    return pairs(door.answer(text, options))


SYNTAX = [
    ("ceasefire", EVERY, {(C, 1), (U, 2), (S, 6)}),
    ("ceasefire talks", EVERY, {(C, 1)}),
    ("CEASEFIRE Talks", EVERY, {(C, 1)}),
    ("ceasefire OR elections", EVERY, {(C, 1), (U, 2), (S, 6), (E, 1), (E, 2), (S, 13)}),
    ("Geneva border", ANY, {(C, 1), (U, 3)}),
    ("ceasefire NOT Geneva", EVERY, {(U, 2), (S, 6)}),
    ("ceasefire -Geneva", EVERY, {(U, 2), (S, 6)}),
    ("ceasefire AND talks", EVERY, {(C, 1)}),
    ("(Geneva OR border) AND (ceasefire OR peacekeeping)", EVERY, {(C, 1), (U, 3)}),
    ('"peacekeeping troops"', EVERY, {(S, 1), (S, 6), (U, 3)}),
    ('"troops peacekeeping"', EVERY, set()),
    ('"offer peacekeeping"~3', EVERY, {(S, 1), (S, 6)}),
    ("negoti*", EVERY, {(C, 2), (C, 4), (S, 13)}),
    ("peacekeping~", EVERY, SEED_PEACEKEEPING | {(E, 3), (U, 3)}),
    ("peacekepping~2", EVERY, SEED_PEACEKEEPING | {(E, 3), (U, 3)}),
    ("article:2025-01", EVERY, {(C, 1), (C, 2), (C, 3), (C, 4)}),
    ("article:2025-01_ceasefire talks", EVERY, {(C, 1), (C, 3)}),
    ("date:2025-06", EVERY, {(E, 1), (E, 2), (E, 3)}),
    ("date:2025-03-11 ceasefire", EVERY, {(S, 6)}),
    ("date:2025 ceasefire", EVERY, {(C, 1), (S, 6)}),
    ("date:[2025-01-01 TO 2025-03-31] ceasefire", EVERY, {(C, 1), (S, 6)}),
    ("Turkey", since("2025-03-12"), {(E, 1), (E, 3)}),
    ("ceasefire", since(until="2025-02-01"), {(C, 1)}),
    ("Briefing", since("2025-01-01", "2025-12-31"), set()),
    ("Russia-Ukraine", EVERY, set()),  # a phrase: "Russia and Ukraine" lacks it
    ('"Russia and Ukraine"', EVERY, {(C, 2)}),
    ("Turkey's opposition", EVERY, {(E, 1)}),
    ("U.S.", EVERY, {(S, 11)}),
]


@pytest.mark.parametrize(("text", "options", "expected"), SYNTAX)
def test_query_syntax(corpus_door, text, options, expected):
    assert found_by(corpus_door, text, options) == expected


@pytest.mark.parametrize(
    ("args", "text", "options"),
    [
        (["ceasefire"], "ceasefire", EVERY),
        (["CEASEFIRE", "Talks"], "CEASEFIRE Talks", EVERY),  # the words of several arguments
        (["--any", "Geneva border"], "Geneva border", ANY),
        (["--since", "2025-03-12", "Turkey"], "Turkey", since("2025-03-12")),
        (["--until", "2025-02-01", "ceasefire"], "ceasefire", since(until="2025-02-01")),
        (["--since", "2025-01-01", "--until", "2025-12-31", "Briefing"], "Briefing", since(
            "2025-01-01", "2025-12-31"
        )),
    ],
)  # fmt: skip
def test_the_command_asks_the_library_what_its_flags_say(corpus_index, corpus_door, args, text,
                                                         options):  # fmt: skip
    assert found(corpus_index, *args) == found_by(corpus_door, text, options)


@pytest.mark.parametrize(
    "query", ['"Turkey', "Turkey)", "(Turkey", 'Turkey "', "Turkey AND", "OR Turkey"]
)
def test_stray_syntax_is_taken_literally(corpus_door, query):
    assert found_by(corpus_door, query) == found_by(corpus_door, "Turkey")
    assert len(found_by(corpus_door, "Turkey")) == 17


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("negotiation", {"negotiations", "Negotiators"}),
        ("negoti*", {"negotiations", "Negotiators"}),
        ("peacekeping~", {"peacekeeping", "Peacekeeping"}),
    ],
)
def test_matches_cover_stemmed_prefix_and_fuzzy_variants(corpus_door, query, words):
    answer = corpus_door.answer(query, EVERY)
    assert {hit.text[a:b] for hit in answer.hits for a, b in hit.matches} == words


def test_excluded_words_are_not_highlighted(corpus_door):
    (hit,) = corpus_door.answer("talks -resumed", EVERY).hits
    assert hit.sentence == 3
    assert [hit.text[a:b] for a, b in hit.matches] == ["talks"]


def test_sort_by_date_is_newest_first_and_undated_last(corpus_door):
    answer = corpus_door.answer("ceasefire", Options(limit=None, copies=True, sort="date"))
    assert [hit.date for hit in answer.hits] == ["2025-03-11", "2025-01-20", None]


def test_sort_by_article_is_reading_order(corpus_door):
    answer = corpus_door.answer("talks", Options(limit=None, copies=True, sort="article"))
    assert [(hit.article, hit.sentence) for hit in answer.hits] == [(C, 1), (C, 3)]


@pytest.mark.parametrize(
    ("query", "before", "after", "expected"),
    [
        ("Geneva", 1, 1, ([], [(2, "Negotiators from Russia and Ukraine met for six hours.")])),
        ("prisoner", 2, 0, ([1, 2], [])),
    ],
)
def test_context_sentences(corpus_door, query, before, after, expected):
    (hit,) = corpus_door.answer(query, Options(before=before, after=after)).hits
    expected_before, expected_after = expected
    assert [c.sentence for c in hit.before] == expected_before
    assert [(c.sentence, c.text) for c in hit.after] == expected_after


def test_context_in_json(corpus_index):
    (hit,) = hits(corpus_index, "Geneva", "-C", "1")
    assert hit["context"] == {
        "before": [],
        "after": [
            {"sentence": 2, "text": "Negotiators from Russia and Ukraine met for six hours."}
        ],
    }
    (hit,) = hits(corpus_index, "prisoner", "-B", "2", "-A", "0")
    assert [c["sentence"] for c in hit["context"]["before"]] == [1, 2]
    assert hit["context"]["after"] == []


def test_no_context_key_without_context_options(corpus_index):
    (hit,) = hits(corpus_index, "Geneva")
    assert "context" not in hit


def test_context_in_human_output(corpus_index):
    result = invoke("query", "-C", "1", "Geneva", "--index-dir", str(corpus_index))
    assert result.stdout.splitlines() == [
        f"1. {C}:1  2025-01-20",
        "   1: Ceasefire talks resumed in Geneva on Monday.",
        "   2- Negotiators from Russia and Ukraine met for six hours.",
    ]


def test_count(corpus_index):
    result = invoke("query", "-c", "ceasefire", "--index-dir", str(corpus_index))
    assert (result.exit_code, result.stdout) == (0, "3\n")
    result = invoke("query", "-c", "xylophone", "--index-dir", str(corpus_index))
    assert (result.exit_code, result.stdout) == (1, "0\n")


def test_articles_list(corpus_index):
    result = invoke("query", "-l", "Russia", "--index-dir", str(corpus_index))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert sorted(lines) == sorted([f"{C}  1 hit  2025-01-20", f"{S}  7 hits  2025-03-11"])
    result = invoke("query", "-l", "--json", "Russia", "--index-dir", str(corpus_index))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["article"]: r["hits"] for r in records} == {C: 1, S: 7}
    assert set(records[0]) == {
        "article",
        "path",
        "name",
        "date",
        "hits",
        "score",
        "title",
        "url",
        "copies",
        "language",
    }


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ([], {}, False),
        (["--color", "never"], {}, False),
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "auto"], {"NO_COLOR": "1"}, False),
    ],
)
def test_color(corpus_index, args, env, colored):
    result = invoke("query", *args, "Geneva", "--index-dir", str(corpus_index), env=env)
    assert ("\x1b[" in result.stdout) is colored
    if colored:
        assert "\x1b[1;31mGeneva\x1b[0m" in result.stdout


def test_did_you_mean_on_a_miss(seed_index):
    result = invoke("query", "peacekeping troups", "--index-dir", str(seed_index))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'No matches for "peacekeping troups". Did you mean: peacekeeping troops?\n'
    )


@pytest.mark.parametrize("query", ["peacekeeping troops", "peacekeping~", "Turkey", "peace*"])
def test_never_a_suggestion_when_there_are_hits(seed_index, query):
    result = invoke("query", query, "--index-dir", str(seed_index))
    assert result.exit_code == 0
    assert "Did you mean" not in result.stderr


def test_no_suggestion_when_nothing_is_close(seed_index):
    result = invoke("query", "xylophone", "--index-dir", str(seed_index))
    assert (result.exit_code, result.stderr) == (1, 'No matches for "xylophone".\n')


def test_show_whole_article_and_one_sentence(corpus_index):
    result = invoke("show", C, "--index-dir", str(corpus_index))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{C}  2025-01-20  ")
    assert lines[1:] == [
        "  1  Ceasefire talks resumed in Geneva on Monday.",
        "  2  Negotiators from Russia and Ukraine met for six hours.",
        "  3  The talks ended without an agreement on prisoner exchanges.",
        "  4  A second round of negotiations is planned for February.",
    ]
    result = invoke("show", f"{C}:3", "-C", "1", "--json", "--index-dir", str(corpus_index))
    assert [json.loads(line)["sentence"] for line in result.stdout.splitlines()] == [2, 3, 4]


CEASEFIRE_ARTICLE = [
    (1, "Ceasefire talks resumed in Geneva on Monday."),
    (2, "Negotiators from Russia and Ukraine met for six hours."),
    (3, "The talks ended without an agreement on prisoner exchanges."),
    (4, "A second round of negotiations is planned for February."),
]


@pytest.mark.parametrize(
    ("name", "sentence", "context", "expected", "focus"),
    [
        (C, None, 0, CEASEFIRE_ARTICLE, None),
        ("2025-01", None, 0, CEASEFIRE_ARTICLE, None),  # the start of a name
        (C, 3, 1, CEASEFIRE_ARTICLE[1:4], 3),
        (C, 1, 1, CEASEFIRE_ARTICLE[0:2], 1),
        (C, 4, 0, CEASEFIRE_ARTICLE[3:4], 4),
    ],
)
def test_an_article_whole_or_one_sentence(corpus_door, name, sentence, context, expected,
                                          focus):  # fmt: skip
    found = corpus_door.article(name, sentence, context)
    assert [(s.sentence, s.text) for s in found.sentences] == expected
    assert (found.name, found.date, found.focus) == (C, "2025-01-20", focus)


@pytest.mark.parametrize(
    ("name", "sentence", "message"),
    [("nothing_like_it", None, "no article"), ("2025-0", None, "names 2 articles"), (C, 9,
     "no sentence 9")],
)  # fmt: skip
def test_an_article_that_is_not_there_is_named(corpus_door, name, sentence, message):
    with pytest.raises(SearchError, match=message):
        corpus_door.article(name, sentence)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nothing_like_it", "no article"),
        ("2025-0", "names 2 articles"),
        (f"{C}:9", "no sentence 9"),
        (f"{C}:{'9' * 5000}", "sentence number 99999999999999999999... is too large"),
        (f"{C}:1{'0' * 18}", "is too large"),
    ],
)
def test_show_errors(corpus_index, name, message):
    result = invoke("show", name, "--index-dir", str(corpus_index))
    assert_one_line_error(result, message)


def test_show_reads_a_sentence_number_with_many_leading_zeros(corpus_index):
    result = invoke("show", f"{C}:{'0' * 5000}3", "--json", "--index-dir", str(corpus_index))
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["sentence"] for line in result.stdout.splitlines()] == [3]


def test_shell_completion_script():
    from click.testing import CliRunner

    from search.cli import cli

    result = CliRunner().invoke(
        cli, [], prog_name="search", env={"_SEARCH_COMPLETE": "bash_source"}
    )
    assert "_search_completion" in result.stdout


@pytest.mark.parametrize(
    ("query", "expected"),
    [("NOT Turkey", 30 - 17), ("-Turkey", 30 - 17), ("article:2025", 7), ("date:2025-01", 4)],
)
def test_queries_without_words_count_sentences_only(corpus_door, query, expected):
    """Article records share the index with sentences; they must never be counted."""
    answer = corpus_door.answer(query, Options(shape="count"))
    assert (answer.found, answer.total) == (True, expected)


def test_a_count_is_printed_alone(corpus_index):
    result = invoke("query", "-c", "--index-dir", str(corpus_index), "--", "NOT Turkey")
    assert (result.exit_code, result.stdout) == (0, f"{30 - 17}\n")


@pytest.mark.parametrize("query", ["ceasefire -Geneva", "ceasefire NOT Geneva"])
def test_any_keeps_exclusions_exclusions(corpus_door, query):
    """With --any the words are alternatives; an excluded word is still excluded."""
    assert found_by(corpus_door, query, ANY) == {(U, 2), (S, 6)}


# What a miss offers, and what a match never does: (found, total, did you mean, --any count).
MISSES = [
    ("peacekeping troups", (False, 0, "peacekeeping troops", 0)),
    ("xylophone", (False, 0, None, None)),  # one word: --any would ask the same
    ("peacekeeping troops", (True, 3, None, None)),
    ("peacekeping~", (True, 8, None, None)),
    ("Turkey", (True, 17, None, None)),
    ("peace*", (True, 14, None, None)),
    ("NOT NOT Turkey", (True, 17, None, None)),
    ("NOT OR Turkey", (True, 17, None, None)),
    ("Turkey REQUIRE REQUIRE )", (False, 0, None, 17)),
]


@pytest.mark.parametrize(("query", "expected"), MISSES)
def test_what_a_miss_offers(corpus_door, query, expected):
    answer = corpus_door.answer(query, Options(shape="count"))
    assert (answer.found, answer.total, answer.did_you_mean, answer.any_count) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("peacekeping troups", "peacekeeping troops"),
        *((query, None) for query in ("peacekeeping troops", "peacekeping~", "Turkey", "peace*")),
        ("xylophone", None),
    ],
)
def test_did_you_mean_on_the_seed(seed_door, query, expected):
    answer = seed_door.answer(query)
    assert answer.did_you_mean == expected
    assert answer.found is (expected is None and query != "xylophone")


@pytest.mark.parametrize(
    ("query", "count", "stderr"),
    [
        ("NOT NOT Turkey", 17, ""),
        ("NOT OR Turkey", 17, ""),
        (
            "Turkey REQUIRE REQUIRE )",
            0,
            'No matches for "Turkey REQUIRE REQUIRE )". '
            "--any finds 17 sentences with some of the words.\n",
        ),
    ],
)
def test_operators_whoosh_cannot_parse_are_taken_literally(corpus_index, query, count, stderr):
    """Whoosh's parser raises on these; the operators that join nothing are dropped, and
    REQUIRE is no operator of ours but a word."""
    result = invoke("query", "-c", "--index-dir", str(corpus_index), "--", query)
    assert (result.exit_code, result.stdout, result.stderr) == (
        int(count == 0),
        f"{count}\n",
        stderr,
    )


def test_wrapping_keeps_tabs_and_highlights():
    from search.present.text import Style, highlight_lines

    text = "The ministers\tmet in Geneva to discuss the long ceasefire agreement at last."
    start = text.index("ceasefire")
    lines = highlight_lines(text, [(start, start + 9)], Style(True), 30)
    assert "".join(lines).count("\x1b[1;31mceasefire\x1b[0m") == 1
    assert " ".join(lines).replace("\x1b[1;31m", "").replace("\x1b[0m", "") == text
