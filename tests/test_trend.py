"""Issue 20: sources, `search trend` and `search words`, on a small dated corpus of our own.

Three sources (bbc/, reuters/, ap/) over four months of 2025 (January, February, April,
and March empty), one undated article, and one pair of copies (the same story filed by
reuters and ap in April).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_index, invoke
from search.engine.schema import build_schema, source_of
from search.index import Index, Options

COPY = "April 2, 2025\n\nOil and coffee both rallied in April.\n"
ARTICLES = {
    "bbc/b1.txt": "January 10, 2025\n\nOil prices rose in January. Traders watched OPEC.\n",
    "bbc/b2.txt": "February 3, 2025\n\nOil supply fell. Oil demand rose. Coffee was calm.\n",
    "reuters/r1.txt": "January 20, 2025\n\nCoffee exports climbed. Brazil shipped more bags.\n",
    "reuters/r2.txt": COPY,
    "ap/a1.txt": "February 14, 2025\n\nOPEC cut oil output. Ministers met in Vienna.\n",
    "ap/a2.txt": COPY,
    "ap/a3.txt": "Oil was mentioned without a date.\n",
}
# Copies of one story count once as stories when the index groups copies (issue 19).
GROUPS_COPIES = "story" in build_schema().names()
APRIL_STORIES = 1 if GROUPS_COPIES else 2


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of the corpus above, built once for the module (tests only read it)."""
    return build_index(tmp_path_factory.mktemp("trend"), ARTICLES)


@pytest.fixture(scope="module")
def door(dated: Path):
    with Index.open(dated) as index:
        yield index


def found_by(door: Index, query: str, options: Options) -> list[tuple[str, int]]:
    return sorted((hit.article, hit.sentence) for hit in door.answer(query, options).hits)


def trend_table(door: Index, *queries: str, by: str = "month", **options) -> list[tuple]:
    """`search trend QUERIES --by BY` asked of the library, as the rows of `table`."""
    found = door.trend(list(queries), by, Options(**options))
    return [
        (r.query, r.bucket, r.articles, r.stories, r.sentences, r.all_articles)
        for r in found.buckets
    ]


def run(index: Path, *args: str, env: dict | None = None):
    return invoke(*args, "--index-dir", str(index), env=env)


def rows(index: Path, *args: str) -> list[dict]:
    result = run(index, "trend", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def table(found: list[dict]) -> list[tuple]:
    return [
        (r["query"], r["bucket"], r["articles"], r["stories"], r["sentences"], r["all_articles"])
        for r in found
    ]


# Sources ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "root", "url", "expected"),
    [
        ("/news/bbc/politics/1.txt", "/news", None, "bbc"),
        ("/news/Reuters/1.txt", "/news", None, "reuters"),
        ("/news/1.txt", "/news", None, "news"),
        ("/news/1.txt", None, None, "news"),
        ("/news/bbc/1.html", "/news", "https://www.bbc.co.uk/news/1", "bbc.co.uk"),
        ("/news/bbc/1.html", "/news", "https://apnews.com/x", "apnews.com"),
        ("/news/bbc/1.html", "/news", "not a url", "bbc"),
    ],
)
def test_the_source_of_an_article(path, root, url, expected):
    assert source_of(path, root, url) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source:reuters coffee", [("r1", 1), ("r2", 1)]),
        ("source:REUTERS coffee", [("r1", 1), ("r2", 1)]),
        ("source:ap oil", [("a1", 1), ("a2", 1), ("a3", 1)]),
        ("source:bbc", [("b1", 1), ("b1", 2), ("b2", 1), ("b2", 2), ("b2", 3)]),
        ("oil -source:bbc", [("a1", 1), ("a2", 1), ("a3", 1), ("r2", 1)]),
    ],
)
def test_source_filters_queries(door, query, expected):
    assert found_by(door, query, Options(limit=None, copies=True)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # --any makes any *word* enough; source: still narrows (it is no alternative).
        ("source:reuters coffee bags", [("r1", 1), ("r1", 2), ("r2", 1)]),
        ("source:bbc OPEC coffee", [("b1", 2), ("b2", 3)]),
        ("source:bbc OR source:ap OPEC", [("a1", 1), ("b1", 2)]),
        ("source:ap date:2025-02 oil coffee", [("a1", 1)]),
        ("oil coffee -source:bbc -source:ap", [("r1", 1), ("r2", 1)]),
    ],
)
def test_source_filters_queries_with_any(door, query, expected):
    assert found_by(door, query, Options(limit=None, match_any=True)) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--copies", "source:reuters coffee"), [("r1", 1), ("r2", 1)]),
        (("--any", "source:bbc OPEC coffee"), [("b1", 2), ("b2", 3)]),
    ],
)
def test_the_command_asks_with_sources(dated, args, expected):
    result = run(dated, "query", *args, "--all", "--json")
    assert result.exit_code == 0, result.stderr
    found = sorted(
        (h["article"], h["sentence"]) for h in map(json.loads, result.stdout.split("\n")[:-1])
    )
    assert found == expected


def test_status_counts_the_sources(door):
    assert [(s.source, s.articles, s.first, s.last, s.undated) for s in door.status().sources] == [
        ("ap", 3, "2025-02-14", "2025-04-02", 1),
        ("bbc", 2, "2025-01-10", "2025-02-03", 0),
        ("reuters", 2, "2025-01-20", "2025-04-02", 0),
    ]


def test_status_lists_the_sources(dated):
    result = run(dated, "status", "--json")
    assert json.loads(result.stdout)["sources"] == [
        {"source": "ap", "articles": 3, "first": "2025-02-14", "last": "2025-04-02", "undated": 1},
        {"source": "bbc", "articles": 2, "first": "2025-01-10", "last": "2025-02-03", "undated": 0},
        {
            "source": "reuters",
            "articles": 2,
            "first": "2025-01-20",
            "last": "2025-04-02",
            "undated": 0,
        },
    ]
    human = run(dated, "status").stdout.splitlines()
    assert human[-4:] == [
        "sources:   3",
        "  ap            3 articles  2025-02-14 .. 2025-04-02  (1 undated)",
        "  bbc           2 articles  2025-01-10 .. 2025-02-03",
        "  reuters       2 articles  2025-01-20 .. 2025-04-02",
    ]


# Trend: exact counts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (("oil",), {"by": "month"}),
            [
                ("oil", "2025-01", 1, 1, 1, 2),
                ("oil", "2025-02", 2, 2, 3, 2),
                ("oil", "2025-03", 0, 0, 0, 0),
                ("oil", "2025-04", 2, APRIL_STORIES, 2, 2),
            ],
        ),
        (
            (("oil", "coffee"), {"by": "month"}),
            [
                ("oil", "2025-01", 1, 1, 1, 2),
                ("oil", "2025-02", 2, 2, 3, 2),
                ("oil", "2025-03", 0, 0, 0, 0),
                ("oil", "2025-04", 2, APRIL_STORIES, 2, 2),
                ("coffee", "2025-01", 1, 1, 1, 2),
                ("coffee", "2025-02", 1, 1, 1, 2),
                ("coffee", "2025-03", 0, 0, 0, 0),
                ("coffee", "2025-04", 2, APRIL_STORIES, 2, 2),
            ],
        ),
        (
            (("oil",), {"by": "source"}),
            [
                ("oil", "ap", 3, 3, 3, 3),
                ("oil", "bbc", 2, 2, 3, 2),
                ("oil", "reuters", 1, 1, 1, 2),
            ],
        ),
        ((("oil",), {"by": "year"}), [("oil", "2025", 5, 4 + APRIL_STORIES - 1, 6, 6)]),
        (
            (("opec",), {"by": "day"}),
            [("opec", "2025-01-10", 1, 1, 1, 1)]
            + [("opec", f"2025-01-{day}", 0, 0, 0, int(day == 20)) for day in range(11, 32)]
            + [("opec", f"2025-02-{day:02d}", 0, 0, 0, int(day == 3)) for day in range(1, 14)]
            + [("opec", "2025-02-14", 1, 1, 1, 1)],
        ),
        (
            (("oil",), {"by": "month", "since": "2025-02-01", "until": "2025-03-31"}),
            [("oil", "2025-02", 2, 2, 3, 2)],
        ),
        (
            (("brazil OR vienna",), {"by": "month"}),
            [
                ("brazil OR vienna", "2025-01", 1, 1, 1, 2),
                ("brazil OR vienna", "2025-02", 1, 1, 1, 2),
            ],
        ),
        (
            (("brazil vienna",), {"by": "month", "match_any": True}),
            [
                ("brazil vienna", "2025-01", 1, 1, 1, 2),
                ("brazil vienna", "2025-02", 1, 1, 1, 2),
            ],
        ),
    ],
)
def test_trend_counts(door, args, expected):
    queries, options = args
    assert trend_table(door, *queries, **options) == expected


@pytest.mark.parametrize(
    ("args", "queries", "options"),
    [
        (("oil", "coffee"), ("oil", "coffee"), {}),  # by month unless asked
        (("oil", "--by", "source"), ("oil",), {"by": "source"}),
        (("oil", "--since", "2025-02-01", "--until", "2025-03-31"), ("oil",),
         {"since": "2025-02-01", "until": "2025-03-31"}),
        (("brazil vienna", "--any", "--by", "year"), ("brazil vienna",),
         {"by": "year", "match_any": True}),
        (("oil opec", "--scope", "article"), ("oil opec",), {"scope": "article"}),
    ],
)  # fmt: skip
def test_the_command_draws_the_trend_the_library_counts(dated, door, args, queries, options):
    assert table(rows(dated, *args)) == trend_table(door, *queries, **options)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("sentence", [("oil opec", "2025-02", 1, 1, 1, 2)]),
        (
            "article",
            [("oil opec", "2025-01", 1, 1, 2, 2), ("oil opec", "2025-02", 1, 1, 1, 2)],
        ),
    ],
)
def test_trend_at_article_scope(door, scope, expected):
    assert trend_table(door, "oil opec", scope=scope) == expected


def test_words_at_article_scope_read_the_articles(door):
    sentence = door.words("opec oil")
    article = door.words("opec oil", Options(scope="article"))
    assert (sentence.matches, article.matches) == (1, 4)


def test_by_week_has_every_iso_week_between(dated):
    found = rows(dated, "oil", "--by", "week")
    assert [r["bucket"] for r in found] == [f"2025-W{week:02d}" for week in range(2, 15)]
    assert sum(r["articles"] for r in found) == 5
    assert found[0] == {
        "query": "oil",
        "bucket": "2025-W02",
        "articles": 1,
        "stories": 1,
        "sentences": 1,
        "all_articles": 1,
        "share": 1.0,
    }


@pytest.mark.parametrize(
    ("query", "options", "expected"),
    [
        ("oil", {}, [("oil", 1, 1)]),
        ("coffee", {}, [("coffee", 0, 0)]),
        ("oil coffee", {"match_any": True}, [("oil coffee", 1, 1)]),
    ],
)
def test_undated_matches_are_counted_apart(door, query, options, expected):
    found = door.trend([query], "month", Options(**options))
    assert [(u.query, u.articles, u.sentences) for u in found.undated] == expected
    assert "undated" not in {row.bucket for row in found.buckets}


def test_undated_matches_are_counted_apart_on_stderr(dated):
    result = run(dated, "trend", "oil", "--json")
    assert result.stderr == (
        '1 undated article (1 sentence) matches "oil" and is counted in no month: '
        "its file gives no date\n"
    )
    assert run(dated, "trend", "coffee", "--json").stderr == ""
    from search.model import Undated
    from search.present.trend import undated_note

    assert undated_note(Undated("oil", 2, 3), "week") == (
        '2 undated articles (3 sentences) match "oil" and are counted in no week: '
        "their files give no date"
    )


def test_share_is_articles_over_all_articles(dated):
    found = rows(dated, "oil", "--by", "source")
    assert [(r["bucket"], r["share"]) for r in found] == [
        ("ap", 1.0),
        ("bbc", 1.0),
        ("reuters", 0.5),
    ]


def test_a_miss_exits_1_with_one_line(dated):
    result = run(dated, "trend", "zzzz", "qqqq")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == 'No matches for "zzzz" or "qqqq".\n'


@pytest.mark.parametrize("dates", [("--until", "2024-12-31"), ("--since", "2025-05-01")])
def test_a_date_range_without_matches_exits_1(dated, dates):
    # Only the undated article matches oil in that range: it is in no bucket, so nothing
    # is drawn, and the exit status must say so as `search query` does.
    result = run(dated, "trend", "oil", *dates)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert result.stderr.endswith('No matches for "oil".\n')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("oil", "--by", "hour"), "Invalid value for '--by'"),
        (("oil", "--since", "2025-13-01"), "--since '2025-13-01' is not a date"),
        (("oil", "--json", "--csv"), "--json and --csv cannot be used together"),
        (("(",), "nothing to search for"),
        (("oil", "--timeout", "nan"), "Invalid value for '--timeout'"),
    ],
)
def test_bad_input_is_one_line_exit_2(dated, args, message):
    result = run(dated, "trend", *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


# Trend: output shapes --------------------------------------------------------------


@pytest.mark.parametrize("columns", ["99999999999999999999", "100000000"])
def test_a_hostile_columns_is_bounded(dated, columns):
    # COLUMNS=1e20 was "unexpected error (OverflowError ...)"; 100,000,000 drew 300 MB of
    # bars. The chart is at most 1,000 columns wide.
    result = run(dated, "trend", "oil", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert 0 < max(len(line) for line in result.stdout.splitlines()) <= 1000


def test_chart_layout_at_a_fixed_width(dated):
    result = run(dated, "trend", "oil", "coffee", env={"COLUMNS": "70"})
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "month   oil                            coffee",
        "2025-01 ████████             1   50.0% ████████             1   50.0%",
        "2025-02 ████████████████     2  100.0% ████████             1   50.0%",
        "2025-03                      0    0.0%                      0    0.0%",
        "2025-04 ████████████████     2  100.0% ████████████████     2  100.0%",
    ]


def test_chart_bars_are_scaled_to_the_largest_in_eighths():
    from search.present.trend import bar

    assert [bar(value, 8, 2) for value in (0, 1, 2, 7, 8)] == ["", "▎", "▌", "█▊", "██"]


def test_csv_parses_with_the_json_columns(dated):
    result = run(dated, "trend", "oil", "coffee", "--csv")
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(parsed[0]) == [
        "query",
        "bucket",
        "articles",
        "stories",
        "sentences",
        "all_articles",
        "share",
    ]
    as_json = rows(dated, "oil", "coffee")
    assert [{k: str(v) for k, v in r.items()} for r in as_json] == parsed


# Trend: the library and a property -------------------------------------------------


WORDS = ["oil", "coffee", "opec", "rose", "april", "brazil", "prices", "fell", "met", "the"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True),
    match_any=st.booleans(),
    by=st.sampled_from(["day", "week", "month", "year"]),
)
def test_buckets_add_up_to_the_dated_matches(door, words, match_any, by):
    text = " ".join(words)
    options = Options(match_any=match_any)
    trend = door.trend([text], by, options)
    # a trend counts every copy: its sentences and articles are those of --copies
    every = Options(match_any=match_any, copies=True)
    sentences = door.answer(text, replace(every, shape="count")).total
    articles = door.answer(text, replace(every, shape="articles", limit=None))
    undated = trend.undated[0]
    dated_articles = [a for a in articles.articles if a.date]
    assert sum(r.sentences for r in trend.buckets) == sentences - undated.sentences
    assert sum(r.articles for r in trend.buckets) == len(dated_articles)
    assert undated.articles == len(articles.articles) - len(dated_articles)


# Words -----------------------------------------------------------------------------


def test_words_shapes(dated):
    result = run(dated, "words", "oil", "--json")
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(list(row) == ["kind", "term", "score", "matches", "archive"] for row in found)
    assert {row["kind"] for row in found} <= {"word", "phrase", "name"}
    assert "oil" not in {row["term"] for row in found}  # the query's own word
    parsed = list(csv.DictReader(io.StringIO(run(dated, "words", "oil", "--csv").stdout)))
    assert [row["term"] for row in parsed] == [row["term"] for row in found]


@pytest.mark.parametrize("command", ["query", "words"])
def test_a_timeout_that_is_not_a_number_is_refused(dated, command):
    # NaN passed the range check (NaN <= 0 is false) and made the budget endless.
    result = run(dated, command, "oil", "--timeout", "nan")
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr and result.stderr.count("\n") == 1


def test_words_miss_exits_1(dated):
    result = run(dated, "words", "zzzz")
    assert (result.exit_code, result.stderr) == (1, 'No matches for "zzzz".\n')


def test_words_too_few_matches_says_why_the_lists_are_empty(dated):
    # coffee matches 4 sentences, 3 different ones (COPY is in two papers: words counts it
    # once), each other word of them in fewer than 3: no list to print. A silent exit 0 with
    # nothing on the screen looked broken; one line says why.
    result = run(dated, "words", "coffee")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "No word, phrase or name is in 3 or more of the 3 matching sentences.\n"
    )


COFFEE = [
    "Coffee export quotas were discussed by the ICO council in London.",
    "Brazil said the ICO should restore coffee quotas before the export season.",
    "Coffee producers in Brazil shipped two million bags under the export quotas.",
    "The ICO said coffee bags from Brazil would count against the quotas.",
    "Colombia and Brazil asked the ICO to review coffee export quotas.",
    "Coffee prices fell as the ICO failed to agree on quotas for Brazil.",
]
BACKGROUND = [
    "The government said on {day} that the talks would continue.",
    "The minister said the plan was on track for {day}.",
    "Officials said the market was calm on {day}.",
    "The committee said it would meet again on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@pytest.fixture(scope="module")
def coffee(tmp_path_factory: pytest.TempPathFactory) -> Path:
    articles = {"coffee.txt": " ".join(COFFEE) + "\n"}
    for number, day in enumerate(DAYS * 3):
        text = " ".join(line.format(day=day) for line in BACKGROUND)
        articles[f"other{number}.txt"] = text + "\n"
    return build_index(tmp_path_factory.mktemp("words"), articles)


@pytest.fixture(scope="module")
def coffee_door(coffee: Path):
    with Index.open(coffee) as index:
        yield index


@pytest.mark.parametrize("score", ["jlh", "g2", "chi2"])
def test_words_of_a_story_are_its_vocabulary_not_common_words(coffee_door, score):
    found = coffee_door.words("coffee", limit=5, score=score)
    assert (found.matches, found.sample, found.sampled) == (6, 6, False)
    assert found.archive == 6 + 15 * 4
    top = [t.term for t in found.words]
    assert {"ico", "quotas", "brazil"} <= set(top)
    assert not {"the", "said", "on", "coffee"} & set(top)
    assert {"ICO", "Brazil"} <= {t.term for t in found.names}
    quotas = next(t for t in found.words if t.term == "quotas")
    assert (quotas.matches, quotas.archive) == (6, 6)
    assert "export quotas" in {t.term for t in found.phrases}


def test_words_human_table(coffee):
    result = run(coffee, "words", "coffee", "-n", "2")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["words", "g2", "matches", "archive"]
    assert len([line for line in result.stdout.splitlines() if line.startswith("names")]) == 1


def test_words_sample_large_match_sets(coffee_door):
    found = coffee_door.words("said", limit=5, sample=3)
    # 62 sentences hold "said", 22 different ones: each background article is in three
    # files (DAYS * 3), and words counts a sentence's copies once.
    assert (found.matches, found.sample, found.sampled) == (22, 3, True)
    assert (found.words, found.phrases, found.names) == ([], [], [])


def test_the_command_says_it_read_a_sample(coffee, monkeypatch):
    """`search words` has no flag for the sample's size: the library's default is made
    small, so that 62 matches are sampled."""
    from search.engine import significant

    monkeypatch.setattr(significant, "SAMPLE_SIZE", 3)
    result = run(coffee, "words", "said")
    assert result.stderr == (
        "words of a sample of 3 of the 22 matching sentences; counts in the matches are "
        "scaled from it\n"
        "No word, phrase or name is in 3 or more of the 3 sentences read.\n"
    )


def test_trend_leaves_out_the_sentences_a_re_index_replaced(tmp_path: Path):
    """Deleted documents (an article rewritten, one removed) are not counted: the columns
    skip a segment's deleted documents."""
    news = tmp_path / "news"
    for name, text in ARTICLES.items():
        (news / name).parent.mkdir(parents=True, exist_ok=True)
        (news / name).write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    assert run(index, "index", str(news), "-q").exit_code == 0
    (news / "bbc/b2.txt").write_text("February 3, 2025\n\nOil supply fell.\n", encoding="utf-8")
    (news / "ap/a1.txt").unlink()
    assert run(index, "index", str(news), "-q").exit_code == 0
    assert table(rows(index, "oil", "--by", "month")) == [
        ("oil", "2025-01", 1, 1, 1, 2),
        ("oil", "2025-02", 1, 1, 1, 1),
        ("oil", "2025-03", 0, 0, 0, 0),
        ("oil", "2025-04", 2, APRIL_STORIES, 2, 2),
    ]
