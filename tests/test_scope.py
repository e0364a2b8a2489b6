"""Articles as results: `-l` in `--sort` order, `-l -c` counting articles, and
`--scope article` (every word anywhere in one article): what is found asked of the library
(`Index.answer`), what is printed through the command."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.index import Index, Options, update
from tests.conftest import SEED_NAME, build_index, invoke

S = SEED_NAME
C = "2025-01_ceasefire"
E = "2025-06_elections"
U = "undated_briefing"


# -l and --sort; -l -c -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", [C, U, S, E]),
        ("date", [E, S, C, U]),  # newest first, undated last
        ("article", sorted([C, E, S, U])),  # by path: the four share a folder
    ],
)
def test_article_list_follows_sort(corpus_index, sort, expected):
    result = invoke(
        "query", "-l", "--json", "--sort", sort, "ceasefire OR Turkey",
        "--index-dir", str(corpus_index),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["article"] for line in result.stdout.splitlines()] == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-c", "ceasefire OR Turkey"], "19"),  # sentences
        (["-l", "-c", "ceasefire OR Turkey"], "4"),  # the articles -l lists
        (["-l", "-c", "-n", "1", "ceasefire OR Turkey"], "4"),  # every one, not the first N
        (["-l", "-c", "--since", "2025-03-01", "ceasefire OR Turkey"], "2"),
        (["-l", "-c", "Russia"], "2"),
        (["-l", "-c", "--json", "Russia"], '{"count": 2}'),
    ],
)
def test_article_count_counts_what_the_list_lists(corpus_index, args, expected):
    result = invoke("query", *args, "--index-dir", str(corpus_index))
    assert (result.exit_code, result.stdout) == (0, expected + "\n"), result.stderr
    if "-l" in args and "--json" not in args:
        listed = invoke("query", "-l", "--all", *args[2:], "--index-dir", str(corpus_index))
        assert len(listed.stdout.splitlines()) == int(expected)


def test_article_count_of_a_miss_is_zero_and_exit_1(corpus_index):
    result = invoke("query", "-l", "-c", "xylophone", "--index-dir", str(corpus_index))
    assert (result.exit_code, result.stdout) == (1, "0\n")


# --scope article ----------------------------------------------------------------------------

# Athletes banned for steroids, the words in neighbouring sentences; and the near misses.
ATHLETES = {
    "banned.txt": (
        "March 3, 2025\n"
        "Two athletes were suspended on Monday after failing doping tests.\n\n"
        "Both had taken steroids before the national trials, the federation said.\n"
        "The ban will last four years.\n"
    ),
    "oneline.txt": (
        "April 1, 2025\n"
        "The athletes who used steroids face a ban from the Games.\n\n"
        "Officials welcomed the decision.\n"
    ),
    "cleared.txt": (
        "May 5, 2025\n"
        "Steroids were not found in the samples of the athletes.\n\n"
        "The federation lifted the provisional suspension.\n"
    ),
    "horses.txt": (
        "February 2, 2025\n"
        "A ban on steroids in horse racing begins next season.\n\n"
        "Trainers said the rule was overdue.\n"
    ),
    "appeal.txt": (
        "The athletes appealed against their ban.\n\n"
        "Their lawyer said no steroids were ever used, and that Russia had tested them fairly.\n"
    ),
}


@pytest.fixture(scope="module")
def athletes(tmp_path_factory) -> Path:
    """An index of ATHLETES (read only by these tests)."""
    return build_index(tmp_path_factory.mktemp("athletes"), ATHLETES)


@pytest.fixture(scope="module")
def door(athletes: Path):
    with Index.open(athletes) as index:
        yield index


def scoped(index_dir: Path, *args: str) -> tuple[int, list[dict]]:
    """`search query --scope article --all --json ARGS`: (exit code, rows)."""
    result = invoke(
        "query", "--scope", "article", "--all", "--json", "--index-dir", str(index_dir), *args
    )
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def scoped_names(door: Index, query: str, **options) -> set[str]:
    """The names of the articles `--scope article --all` finds."""
    answer = door.answer(query, Options(scope="article", limit=None, **options))
    return {match.name for match in answer.in_articles}


def sentence_names(door: Index, query: str, **options) -> set[str]:
    """The names of the articles of every sentence `--all` finds."""
    return {hit.name for hit in door.answer(query, Options(limit=None, **options)).hits}


LATER = {"since": "2025-03-15"}


@pytest.mark.parametrize(
    ("query", "options", "expected"),
    [
        ("athletes steroids ban", {}, {"banned", "oneline", "appeal"}),
        ("athletes AND steroids AND ban", {}, {"banned", "oneline", "appeal"}),
        ("athletes steroids ban -Russia", {}, {"banned", "oneline"}),
        ("athletes steroids NOT ban", {}, {"cleared"}),
        ("steroids ban NOT athletes", {}, {"horses"}),
        ("athletes (ban OR suspension)", {}, {"banned", "oneline", "appeal", "cleared"}),
        ("athletes OR horse", {}, {"banned", "oneline", "cleared", "appeal", "horses"}),
        ("athletes federation", {}, {"banned", "cleared"}),
        # A phrase keeps its words together in one sentence; the rest may be anywhere.
        ('"athletes appealed" steroids', {}, {"appeal"}),
        ('"steroids ban" athletes', {}, set()),
        # Filters are about the article: its date, its name.
        ("athletes steroids ban", LATER, {"oneline"}),
        ("athletes steroids ban", {**LATER, "include_undated": True}, {"oneline", "appeal"}),
        ("athletes ban article:appeal", {}, {"appeal"}),
        ("athletes ban date:2025-03", {}, {"banned"}),
        # Fuzzy words and prefixes match as in a sentence search, then meet anywhere.
        ("athlete* steroidz~ ban", {}, {"banned", "oneline", "appeal"}),
        ("athletes zeppelin", {}, set()),
    ],
)
def test_article_scope_finds_exactly(door, query, options, expected):
    assert scoped_names(door, query, **options) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"banned", "oneline", "appeal"}),
        (["--since", "2025-03-15"], {"oneline"}),
        (["--since", "2025-03-15", "--include-undated"], {"oneline", "appeal"}),
    ],
)
def test_the_command_asks_for_article_scope(athletes, args, expected):
    found = {row["name"] for row in scoped(athletes, *args, "--", "athletes steroids ban")[1]}
    assert found == expected


def test_sentence_scope_finds_one_where_article_scope_finds_three(door):
    assert sentence_names(door, "athletes steroids ban") == {"oneline"}


def test_article_scope_result_in_human_output(athletes):
    result = invoke(
        "query", "--scope", "article", "athletes steroids ban -Russia",
        "--color", "never", "--index-dir", str(athletes),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1. oneline  2025-04-01",
        "   1: The athletes who used steroids face a ban from the Games.",
        "2. banned  2025-03-03",
        "   3: The ban will last four years.",
        "   1: Two athletes were suspended on Monday after failing doping tests.",
        "   2: Both had taken steroids before the national trials, the federation said.",
    ]
    colored = invoke(
        "query", "--scope", "article", "athletes steroids ban -Russia",
        "--color", "always", "--index-dir", str(athletes),
    )  # fmt: skip
    assert "\x1b[1;31mathletes\x1b[0m" in colored.stdout
    assert "\x1b[1;31msteroids\x1b[0m" in colored.stdout


def test_article_scope_json_rows(athletes):
    code, rows = scoped(athletes, "athletes steroids ban -Russia")
    assert code == 0
    banned = next(row for row in rows if row["name"] == "banned")
    assert set(banned) == {
        "rank", "score", "article", "path", "name", "date", "hits", "text", "sentences",
        "title", "url", "copies", "language",
    }  # fmt: skip
    assert banned["sentences"] == [
        {"sentence": 3, "text": "The ban will last four years.", "matches": [[4, 7]]},
        {
            "sentence": 1,
            "text": "Two athletes were suspended on Monday after failing doping tests.",
            "matches": [[4, 12]],
        },
        {
            "sentence": 2,
            "text": "Both had taken steroids before the national trials, the federation said.",
            "matches": [[15, 23]],
        },
    ]
    assert banned["text"] == banned["sentences"][0]["text"]
    assert banned["hits"] == 3
    assert [row["rank"] for row in rows] == [1, 2]
    assert rows[0]["score"] >= rows[1]["score"]


def test_article_scope_answers_each_article_with_its_best_sentences(door):
    answer = door.answer("athletes steroids ban -Russia", Options(scope="article", limit=None))
    banned = next(match for match in answer.in_articles if match.name == "banned")
    assert [(s.sentence, s.text, list(s.matches)) for s in banned.sentences] == [
        (3, "The ban will last four years.", [(4, 7)]),
        (1, "Two athletes were suspended on Monday after failing doping tests.", [(4, 12)]),
        (2, "Both had taken steroids before the national trials, the federation said.",
         [(15, 23)]),
    ]  # fmt: skip
    assert banned.text == banned.sentences[0].text
    assert banned.hits == 3
    assert [match.rank for match in answer.in_articles] == [1, 2]
    assert answer.in_articles[0].score >= answer.in_articles[1].score
    assert answer.max_score == answer.in_articles[0].score


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (Options(scope="article", shape="count"), 3),
        (Options(scope="article", shape="article_count"), 3),
        (
            Options(scope="article", shape="articles", sort="article"),
            [("appeal", 2, None), ("banned", 3, "2025-03-03"), ("oneline", 1, "2025-04-01")],
        ),
        (
            Options(scope="article", shape="articles", sort="date"),
            [("oneline", 1, "2025-04-01"), ("banned", 3, "2025-03-03"), ("appeal", 2, None)],
        ),
    ],
)
def test_article_scope_lists_and_counts_articles_in_the_library(door, options, expected):
    answer = door.answer("athletes steroids ban", options)
    if options.shape.endswith("count"):
        assert (answer.total, answer.articles, answer.in_articles) == (expected, [], [])
    else:
        assert [(entry.name, entry.hits, entry.date) for entry in answer.articles] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # (found, what --scope article would find, what --any would find)
        ("athletes steroids ban", (True, 3, None)),
        ("steroids ban", (True, 4, None)),  # 2 sentences in 2 of 4 articles
        ("athletes federation", (False, 2, 6)),
        # A word no sentence has: no article has every word either (no table of articles
        # read, search.engine.scope.matches_nothing); an OR still finds by its other side.
        ("athletes zeppelin", (False, None, 4)),
        ('athletes "zeppelin ban"', (False, None, 4)),
        ("athletes zeppelin -ban", (False, None, 2)),
        ("athletes zeppelin OR federation", (False, 2, 6)),
        # Nothing more to find: no note. One word, or every match already shown.
        ("athletes", (True, None, None)),
        ("horse steroids", (True, None, None)),
    ],
)
def test_few_sentences_know_what_article_scope_finds(door, query, expected):
    answer = door.answer(query)
    assert (answer.found, answer.scope_count, answer.any_count) == expected


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["-c"], "3\n"),
        (["-l", "-c"], "3\n"),
        (
            ["-l", "--sort", "article"],
            "appeal  2 hits  -\nbanned  3 hits  2025-03-03\noneline  1 hit  2025-04-01\n",
        ),
        (
            ["-l", "--sort", "date"],
            "oneline  1 hit  2025-04-01\nbanned  3 hits  2025-03-03\nappeal  2 hits  -\n",
        ),
    ],
)  # fmt: skip
def test_article_scope_lists_and_counts_articles(athletes, args, stdout):
    result = invoke(
        "query", "--scope", "article", *args, "athletes steroids ban",
        "--color", "never", "--index-dir", str(athletes),
    )  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, stdout), result.stderr


def test_few_sentences_say_what_article_scope_finds(athletes):
    result = invoke("query", "athletes steroids ban", "--index-dir", str(athletes))
    assert result.exit_code == 0
    assert result.stderr == (
        "--scope article finds 3 articles with the words anywhere in one article.\n"
    )
    result = invoke("query", "athletes federation", "--index-dir", str(athletes))
    assert result.exit_code == 1
    result = invoke("query", "steroids ban", "--index-dir", str(athletes))  # 2 in 2 of 4
    assert result.exit_code == 0
    assert result.stderr == (
        "--scope article finds 4 articles with the words anywhere in one article.\n"
    )
    result = invoke("query", "athletes federation", "--index-dir", str(athletes))
    assert result.stderr == (
        'No matches for "athletes federation". --any finds 6 sentences with some of the words.'
        " --scope article finds 2 articles with the words anywhere in one article.\n"
    )
    # Nothing more to find: no note. One word, or every match already shown.
    for query in ("athletes", "horse steroids"):
        result = invoke("query", query, "--index-dir", str(athletes))
        assert result.exit_code == 0
        assert result.stderr == ""


def test_a_bad_scope_is_one_line(athletes):
    result = invoke("query", "--scope", "story", "ban", "--index-dir", str(athletes))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "story" in result.stderr


# Every query as a tree of AND, OR and NOT over a few words, and the articles it must find,
# worked out from each article's words alone.
_WORDS = ["athletes", "steroids", "ban", "federation", "Russia", "said", "the", "zeppelin"]
_TREES = st.recursive(
    st.sampled_from(_WORDS),
    lambda inner: st.tuples(st.sampled_from(["AND", "OR", "NOT"]), inner, inner),
    max_leaves=5,
)


def _query_text(tree) -> str:
    if isinstance(tree, str):
        return tree
    operator, left, right = tree
    return f"({_query_text(left)}) {operator} ({_query_text(right)})"


def _expected(tree, words: dict[str, set[str]]) -> set[str]:
    if isinstance(tree, str):
        wanted = _stem(tree)
        return {name for name, held in words.items() if wanted in held}
    operator, left, right = tree
    a, b = _expected(left, words), _expected(right, words)
    return a & b if operator == "AND" else a | b if operator == "OR" else a - b


def _stem(word: str) -> str:
    from search.engine.schema import analyzer

    (token,) = [token.text for token in analyzer()(word)]
    return token


def _article_words() -> dict[str, set[str]]:
    from search.articles.article import parse_article

    words = {}
    for name, text in ATHLETES.items():
        article = parse_article(text.encode(), name)
        words[name.removesuffix(".txt")] = {
            _stem(word)
            for sentence in article.sentences
            for word in re.findall(r"\w+", sentence.text)
        }
    return words


@given(tree=_TREES)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_article_scope_is_the_boolean_query_over_each_article_words(door, tree):
    assert scoped_names(door, _query_text(tree)) == _expected(tree, _article_words())


def _without_not(tree) -> bool:
    return isinstance(tree, str) or (tree[0] != "NOT" and all(map(_without_not, tree[1:])))


@given(tree=_TREES.filter(_without_not))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_sentence_match_is_in_an_article_found_at_article_scope(door, tree):
    query = _query_text(tree)
    assert sentence_names(door, query) <= scoped_names(door, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("athletes zeppelin", True),
        ("athletes (zeppelin OR federation)", False),
        ("(athletes zeppelin) OR (zeppelin ban)", True),
        ('athletes "zeppelin ban"', True),
        ("athletes -zeppelin", False),  # what NOT excludes is not wanted
        ("zeppelin -athletes", True),
        ("athletes federation", False),  # unsure (in no one sentence, in some article): False
    ],
)
def test_a_query_with_a_word_no_sentence_has_matches_no_article(query, expected):
    from search.engine.query import parse_query
    from search.engine.scope import matches_nothing

    def empty(leaf) -> bool:
        words = leaf.words if hasattr(leaf, "words") else [leaf.text]
        return "zeppelin" in words

    assert matches_nothing(parse_query(query).query, empty) is expected


# The page and the API --------------------------------------------------------------------------


@pytest.fixture
def athletes_client(athletes: Path):
    pytest.importorskip("starlette", reason="search serve needs the serve extra")
    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
    from starlette.testclient import TestClient

    from search.web import app as server

    with TestClient(server.create_app(athletes)) as client:
        yield client


def test_the_api_answers_article_scope_as_the_command_does(athletes, athletes_client):
    jsonschema = pytest.importorskip("jsonschema")
    params = {"q": "athletes steroids ban", "scope": "article"}
    response = athletes_client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    found = response.json()
    rows = scoped(athletes, "athletes steroids ban")[1]
    assert [hit["_source"] for hit in found["hits"]["hits"]] == rows
    assert found["hits"]["total"] == {"value": 3, "relation": "eq"}
    first = found["hits"]["hits"][0]
    assert (first["_index"], first["_id"]) == ("articles", rows[0]["path"])
    assert len(first["highlight"]["text"]) == len(rows[0]["sentences"])
    assert "<em>athletes</em>" in " ".join(first["highlight"]["text"])
    document = athletes_client.get("/api/openapi.json").json()
    schema = document["paths"]["/api/search"]["get"]["responses"]["200"]["content"]
    jsonschema.Draft202012Validator(
        {**schema["application/json"]["schema"], "components": document["components"]},
        format_checker=jsonschema.FormatChecker(),
    ).validate(found)
    bad = athletes_client.get("/api/search", params={"q": "ban", "scope": "story"})
    assert bad.status_code == 400
    assert "scope='story'" in bad.json()["error"]


def test_the_page_shows_articles_with_their_best_sentences(athletes, athletes_client):
    page = athletes_client.get("/", params={"q": "athletes steroids ban", "scope": "article"})
    assert page.status_code == 200
    text = page.text
    assert "3 articles" in text
    cards = re.findall(r'<li class="hit story">(.*?)</ul>', text, re.S)
    names = [re.findall(r'<span class="name">(.*?)</span>', card)[0] for card in cards]
    assert names == [row["name"] for row in scoped(athletes, "athletes steroids ban")[1]]
    banned = next(card for card in cards if ">banned<" in card)
    assert banned.count("<mark>") == 3
    assert 'href="/articles/banned?' in banned and "hit=3#s3" in banned
    assert 'name="scope" value="article" checked' in text


def test_the_page_says_what_article_scope_would_find(athletes_client):
    page = athletes_client.get("/", params={"q": "athletes federation"})
    assert "No matches" in page.text
    assert re.search(
        r'<a href="/\?q=athletes\+federation&amp;scope=article">Anywhere in an article</a>'
        r" finds 2 articles",
        page.text,
    )


def test_article_scope_after_updates_moves_and_touches(tmp_path):
    """Changed, touched and added files: the sentence -> article table follows every
    segment (runs of documents, deletions, a record written apart from its sentences)."""
    index_dir = build_index(tmp_path, ATHLETES)
    folder = tmp_path / "articles"
    (folder / "appeal.txt").write_text("The athletes appealed.\n\nNo steroids were used.\n")
    touched = folder / "oneline.txt"
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))
    (folder / "second.txt").write_text("Athletes tested.\n\nSteroids found.\n\nA ban followed.\n")
    update(index_dir, [folder])
    with Index.open(index_dir) as door:
        assert scoped_names(door, "athletes steroids ban") == {"banned", "oneline", "second"}
        assert scoped_names(door, "athletes -ban") == {"cleared", "appeal"}
        counted = door.answer("steroids", Options(scope="article", shape="count"))
        assert counted.total == 6
    # Touched again and again while new articles come: Whoosh merges the segments, and a
    # touched article's new record lands after other articles' sentences (no single run).
    horses = folder / "horses.txt"
    for number in range(12):
        stat = horses.stat()
        os.utime(horses, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))
        (folder / f"new{number}.txt").write_text(f"Athletes {number} ban steroids.\n")
        update(index_dir, [folder])
    news = {f"new{number}" for number in range(12)}
    with Index.open(index_dir) as door:
        found = scoped_names(door, "athletes steroids ban")
        assert found == {"banned", "oneline", "second"} | news
        assert scoped_names(door, "steroids ban -athletes") == {"horses"}
