"""Stories: copies of an article collapse into one, and a sentence found in several places
shows once, naming the others; `--copies` shows every copy.

The corpus: a wire story filed three times (once as sent, once re-filed with other spacing
and case, once with a corrected figure), a BBC story in two folders, and a follow-up story
that repeats one paragraph of the wire story but is not a copy of it.
"""

from __future__ import annotations

import base64
import json
import random
import tracemalloc
from array import array
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_index, invoke, write_articles
from search.engine.stories import (
    BANDS,
    PERMUTATIONS,
    ROWS,
    THRESHOLD,
    Grouping,
    Story,
    _BandTable,
    describe,
    normalised,
    sentence_key,
    story_key,
)
from search.index import Index, Options, update

SHARED = (
    "Saudi Arabia's oil minister said the kingdom would defend the price of crude. "
    "He told reporters in Riyadh that the cartel stood united. "
    "Traders in London said the remarks steadied the market."
)
BODY = [
    "OPEC ministers agreed on Sunday to cut output by {figure} million barrels a day.",
    "The decision came after two days of talks at the cartel's headquarters in Vienna.",
    "Brent crude rose nearly four percent in early trading after the announcement.",
    "Analysts had expected a smaller reduction from the thirteen member states.",
    "Venezuela and Nigeria pressed hardest for the deeper cut, delegates said.",
    "Iraq was exempted from the quota because of its reconstruction needs.",
    "Consumers in Asia warned that higher prices could slow their recovery.",
    "The next ordinary meeting of the group is planned for June in Vienna.",
]
FOLLOW_UP = [
    "Oil prices fell on Tuesday as doubts grew over OPEC's resolve to cut output.",
    "Several member states were already pumping above their new quotas, tanker data showed.",
    "Shipping agents counted more loaded vessels leaving Gulf ports than a month earlier.",
    "Refiners in Europe said they saw no shortage of supply so far.",
    "The cartel's president called for discipline in a statement issued in Algiers.",
    "Prices had risen for three days before the reversal.",
]
BLAIR = (
    "Blair defends schools plan\n\n"
    "Tony Blair has defended his plans for city academies against critics in his own party. "
    "The prime minister said the schools would raise standards in the poorest areas. "
    "Teaching unions said the money would be better spent on existing schools. "
    "Ministers hope to open two hundred academies by the end of the decade. "
    "Critics fear the sponsors will gain too much influence over what is taught.\n"
)


def _wire(figure: str, shout: bool = False) -> str:
    body = " ".join(BODY).format(figure=figure)
    text = f"26-FEB-1987 15:01:01.79\n\nOPEC AGREES OUTPUT CUT\n\n{body}\n\n{SHARED}\n"
    if shout:  # other line breaks, spacing and case
        return text.replace(" the ", "  the\n").replace("Vienna", "VIENNA")
    return text


CORPUS = {
    "wire/00873.txt": _wire("1.5"),
    "wire/00952.txt": _wire("1.5", shout=True),  # re-filed: other spacing and line breaks
    "wire/01010.txt": _wire("1.6"),  # re-filed with a corrected figure
    "wire/01200.txt": "27-FEB-1987\n\nOIL PRICES FALL ON OPEC DOUBTS\n\n"
    + " ".join(FOLLOW_UP)
    + f"\n\n{SHARED}\n",
    "bbc/politics/236.txt": BLAIR,
    "bbc/education/236.txt": BLAIR,
}


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("stories"), CORPUS)


@pytest.fixture(scope="module")
def door(stories: Path):
    with Index.open(stories) as index:
        yield index


def query(index_dir: Path, *args: str) -> list[dict]:
    result = invoke("query", *args, "--json", "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def places(copies: list) -> list[tuple]:
    """(name, sentence) of each copy: JSON objects or `Copy` records."""
    if copies and not isinstance(copies[0], dict):
        return [(c.name, c.sentence) for c in copies]
    return [(c["name"], c.get("sentence")) for c in copies]


def test_a_sentence_filed_three_times_and_repeated_by_a_follow_up_shows_once(door):
    (hit,) = door.answer("Traders London remarks").hits
    assert (hit.name, hit.sentence) == ("00873", 12)
    assert places(hit.copies) == [("00952", 12), ("01010", 12), ("01200", 10)]
    assert hit.copies[0].path.endswith("wire/00952.txt")
    every = door.answer("Traders London remarks", Options(copies=True)).hits
    assert [(h.name, h.sentence, h.copies) for h in every] == [
        ("00873", 12, []),
        ("00952", 12, []),
        ("01010", 12, []),
        ("01200", 10, []),
    ]


def test_the_command_names_the_copies_in_json(stories):
    (hit,) = query(stories, "Traders London remarks")
    assert hit["copies"][0] == {
        "name": "00952",
        "path": hit["copies"][0]["path"],
        "sentence": 12,
    }
    assert hit["copies"][0]["path"].endswith("wire/00952.txt")
    every = query(stories, "--copies", "Traders London remarks")
    assert [(h["name"], h["copies"]) for h in every][0] == ("00873", [])


def test_the_corrected_figure_is_its_own_sentence(door):
    found = door.answer("OPEC ministers agreed", Options(sort="article")).hits
    assert [(h.name, h.sentence, places(h.copies)) for h in found] == [
        ("00873", 2, [("00952", 2)]),
        ("01010", 2, []),
    ]
    assert "1.6 million" in found[1].text


def test_human_output_counts_the_copies(stories):
    result = invoke(
        "query", "Traders London remarks", "--color", "never", "--index-dir", str(stories)
    )
    assert result.stdout.splitlines()[0] == (
        "1. 00873:12  1987-02-26  OPEC AGREES OUTPUT CUT  (+3 copies)"
    )


@pytest.mark.parametrize(
    ("query", "copies", "count"),
    [
        ("Vienna", False, 2),  # two sentences, each in three copies of the story
        ("Vienna", True, 6),
        ("OPEC ministers agreed", False, 2),
        ("OPEC ministers agreed", True, 3),
        ("Blair", False, 2),
        ("Blair", True, 4),
    ],
)
def test_counts_say_what_they_count(door, query, copies, count):
    assert door.answer(query, Options(shape="count", copies=copies)).total == count


@pytest.mark.parametrize(("args", "count"), [(["Vienna"], 2), (["--copies", "Vienna"], 6)])
def test_the_command_counts_with_or_without_copies(stories, args, count):
    result = invoke("query", "-c", *args, "--index-dir", str(stories))
    assert result.stdout == f"{count}\n"


def listed(door: Index, query: str, **options) -> list[tuple]:
    answer = door.answer(query, Options(shape="articles", **options))
    return [(entry.name, places(entry.copies)) for entry in answer.articles]


def test_articles_list_each_story_once_with_its_copies(door, stories):
    assert listed(door, "OPEC") == [
        ("00873", [("00952", None), ("01010", None)]),
        ("01200", []),
    ]
    assert listed(door, "Blair") == [("education/236", [("politics/236", None)])]
    every = listed(door, "Blair", copies=True)
    assert sorted(name for name, _ in every) == ["education/236", "politics/236"]
    lines = invoke("query", "-l", "Blair", "--color", "never", "--index-dir", str(stories))
    assert lines.stdout == "education/236  2 hits  -  Blair defends schools plan  (+1 copy)\n"


def test_show_names_the_other_articles_of_the_story(door, stories):
    assert places(door.article("01010", 1).copies) == [("00873", None), ("00952", None)]
    assert door.article("01200", 1).copies == []
    result = invoke("show", "01010:1", "--json", "--index-dir", str(stories))
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert places(row["copies"]) == [("00873", None), ("00952", None)]
    human = invoke("show", "politics/236", "--color", "never", "--index-dir", str(stories))
    assert "copies: education/236" in human.stdout.splitlines()


def test_a_copy_indexed_later_joins_the_story_of_the_first(tmp_path):
    folder = write_articles(
        tmp_path / "articles", {"a.txt": _wire("1.5"), "z.txt": CORPUS["wire/01200.txt"]}
    )
    index_dir = tmp_path / "index"
    update(index_dir, [folder])
    (folder / "b.txt").write_text(_wire("1.6"), encoding="utf-8")
    update(index_dir, [folder])
    with Index.open(index_dir) as door:
        assert listed(door, "OPEC") == [("a", [("b", None)]), ("z", [])]
    (folder / "a.txt").unlink()  # the first copy goes; the story stays the later one's
    update(index_dir, [folder])
    with Index.open(index_dir) as door:
        assert [name for name, _ in listed(door, "OPEC")] == ["b", "z"]


def test_grouping_separates_copies_from_a_follow_up():
    grouping = Grouping()
    sentences = {name: [text] for name, text in CORPUS.items()}
    stories = {name: describe(text, name, grouping).story for name, text in sentences.items()}
    assert stories["wire/00873.txt"] == stories["wire/00952.txt"] == stories["wire/01010.txt"]
    assert stories["wire/01200.txt"] != stories["wire/00873.txt"]
    assert stories["bbc/politics/236.txt"] == stories["bbc/education/236.txt"]
    assert len(set(stories.values())) == 3


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Oil  prices\nrose.", "oil prices rose.", True),
        ("Oil prices rose.", "Oil prices rose!", False),
        ("Oil prices rose.", "Oil prices rose", False),
    ],
)
def test_identical_sentences_share_a_key(first, second, same):
    assert (sentence_key(first) == sentence_key(second)) is same
    assert normalised(first) == " ".join(first.lower().split())


WORDS = ["OPEC", "Vienna", "Traders", "London", "crude", "Blair", "schools", "cut", "oil"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    match_any=st.booleans(),
    sort=st.sampled_from(["relevance", "date", "article"]),
)
def test_collapsing_never_loses_a_matching_sentence(door, words, match_any, sort):
    asked = Options(match_any=match_any, sort=sort, limit=None)
    every = door.answer(" ".join(words), replace(asked, copies=True))
    collapsed = door.answer(" ".join(words), asked)
    counted = door.answer(" ".join(words), replace(asked, shape="count"))
    first = door.answer(" ".join(words), replace(asked, limit=2))
    everywhere = {(hit.path, hit.sentence) for hit in every.hits}
    shown = {(hit.path, hit.sentence) for hit in collapsed.hits}
    named = {(copy.path, copy.sentence) for hit in collapsed.hits for copy in hit.copies}
    assert shown | named == everywhere
    assert not shown & named
    assert counted.total == len(collapsed.hits)
    # a top 2 is the first two of the whole collapsed list, with the same copies
    assert first.hits == collapsed.hits[:2]


ARTICLE_SCOPE = Options(scope="article", sort="article")


@pytest.mark.parametrize(
    ("query", "options", "expected"),
    [
        ("OPEC Vienna", ARTICLE_SCOPE, [("00873", [("00952", None), ("01010", None)])]),
        ("OPEC Vienna", replace(ARTICLE_SCOPE, copies=True),
         [("00873", []), ("00952", []), ("01010", [])]),
        ("Blair academies", replace(ARTICLE_SCOPE, shape="articles"),
         [("education/236", [("politics/236", None)])]),
        ("Blair academies", replace(ARTICLE_SCOPE, shape="articles", copies=True),
         [("education/236", []), ("politics/236", [])]),
    ],
)  # fmt: skip
def test_article_scope_shows_each_story_once(door, query, options, expected):
    answer = door.answer(query, options)
    found = answer.in_articles or answer.articles
    assert [(a.name, places(a.copies)) for a in found] == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["OPEC", "Vienna"], [("00873", [("00952", None), ("01010", None)])]),
        (["-l", "--copies", "Blair", "academies"], [("education/236", []), ("politics/236", [])]),
    ],
)
def test_the_command_asks_for_stories_at_article_scope(stories, args, expected):
    found = query(stories, "--scope", "article", "--sort", "article", *args)
    assert [(a["name"], places(a["copies"])) for a in found] == expected


@pytest.mark.parametrize(("copies", "count"), [(False, 2), (True, 4)])
def test_article_scope_counts_stories(door, copies, count):
    options = Options(scope="article", shape="count", copies=copies)
    assert door.answer("OPEC", options).total == count


@pytest.mark.parametrize(
    ("words", "stories_found", "articles_found"),
    [
        ("OPEC", 2, 4),
        ("OPEC Vienna", 1, 3),
        ("Blair academies", 1, 2),
        ("Traders London", 2, 4),
        ("crude OR Blair", 3, 6),
        ("zebra", 0, 0),
    ],
)
def test_stories_of_a_few_articles_are_those_of_the_columns(
    stories, words, stories_found, articles_found
):
    """A count of a few articles' stories reads the columns with the document -> article
    table (see `_story_of_article`) and keeps them for the next process, which reads the
    same stories from that file."""
    counting = Options(scope="article", shape="count")
    with Index.open(stories) as index:
        first = index.answer(words, counting).total
        assert index.reader._columns is not None  # read with the owners
        every = index.answer(words, replace(counting, copies=True)).total
    assert list(stories.glob("ix-*/columns.bin"))  # kept for the next process
    with Index.open(stories) as index:
        from_file = index.answer(words, counting).total
    assert (first, from_file, every) == (stories_found, stories_found, articles_found)


def test_article_scope_human_output_counts_the_copies(stories):
    result = invoke(
        "query",
        "--scope",
        "article",
        "Blair academies",
        "--color",
        "never",
        "--index-dir",
        str(stories),
    )
    assert result.stdout.splitlines()[0] == (
        "1. education/236  Blair defends schools plan  (+1 copy)"
    )


def test_the_page_and_the_api_show_an_article_scope_story_once(stories):
    pytest.importorskip("starlette", reason="search serve needs the serve extra")
    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
    from starlette.testclient import TestClient

    from search.web import app as server

    params = {"q": "Blair academies", "scope": "article"}
    with TestClient(server.create_app(stories)) as client:
        found = client.get("/api/search", params=params).json()["hits"]
        page = client.get("/", params=params).text
    assert found["total"]["value"] == 1
    (row,) = [hit["_source"] for hit in found["hits"]]
    assert (row["name"], places(row["copies"])) == ("education/236", [("politics/236", None)])
    assert page.count('class="hit story"') == 1
    assert "<summary>and 1 copy</summary>" in page


def test_the_article_page_lists_the_copies_of_its_story(stories):
    pytest.importorskip("starlette", reason="search serve needs the serve extra")
    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
    from starlette.testclient import TestClient

    from search.web import app as server

    with TestClient(server.create_app(stories)) as client:
        copy = client.get("/articles/01010", params={"q": "OPEC"}).text
        alone = client.get("/articles/01200").text
    assert '<p class="copies">Copies of this story: ' in copy
    assert '<a href="/articles/00873?q=OPEC&amp;path=' in copy
    assert ">00873</a>, <a " in copy and ">00952</a></p>" in copy
    assert 'class="copies"' not in alone


def _encoded(values: list[int]) -> str:
    return base64.b64encode(array("I", values).tobytes()).decode("ascii")


def _reference_story(earlier: list[tuple[str, str, list[int]]], path: str, values: list[int]):
    """The rule as the module states it, by brute force: the most similar earlier article
    sharing at least one whole band (ties: the first path), if at least THRESHOLD similar."""

    def bands(signature: list[int]) -> set[tuple]:
        return {(b, *signature[b * ROWS : (b + 1) * ROWS]) for b in range(BANDS)}

    best = None
    for other_path, story, other in earlier:
        if not bands(values) & bands(other):
            continue
        score = sum(a == b for a, b in zip(values, other, strict=True)) / PERMUTATIONS
        if score >= THRESHOLD and (best is None or (-score, other_path) < best[:2]):
            best = (-score, other_path, story)
    return best[2] if best else story_key(path)


@settings(max_examples=60, deadline=None)
@given(
    bases=st.lists(
        st.lists(st.integers(0, 2**32 - 1), min_size=PERMUTATIONS, max_size=PERMUTATIONS),
        min_size=1,
        max_size=3,
    ),
    copies=st.lists(
        st.tuples(st.integers(0, 2), st.sets(st.integers(0, PERMUTATIONS - 1), max_size=60)),
        max_size=8,
    ),
)
def test_grouping_finds_the_story_the_rule_names(bases, copies):
    """Near-copies (a base signature with some values changed) join the story the rule names."""
    grouping = Grouping()
    earlier: list[tuple[str, str, list[int]]] = []
    drafts = [list(base) for base in bases]
    drafts += [
        [(v + 1) % 2**32 if i in changed else v for i, v in enumerate(bases[n % len(bases)])]
        for n, changed in copies
    ]
    for number, values in enumerate(drafts):
        path = f"a/{number:03d}.txt"
        expected = _reference_story(earlier, path, values)
        story = grouping.story_of(path, f"same-{number}", _encoded(values))
        assert story == expected
        grouping.add(path, Story(story, f"same-{number}", _encoded(values)))
        earlier.append((path, story, values))


def test_grouping_stays_small_per_article():
    """Every indexed article's grouping is held for a whole index run: at 50,000 articles
    (1M sentences) tuples of ints per band held 0.75 GB, a dict of int keys 2.5 KB an
    article; the band table's arrays keep it under 1 KB, grown or reserved at once."""
    rng = random.Random(7)
    articles = [
        (f"folder/{n:06d}.txt", Story(story_key(str(n)), f"{n:032x}", _encoded(
            [rng.getrandbits(32) for _ in range(PERMUTATIONS)])))
        for n in range(2000)
    ]  # fmt: skip
    tracemalloc.start()
    try:
        grouping = Grouping.of(articles)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(grouping.members) == 2000
    assert held / 2000 < 1000, held / 2000


@pytest.mark.parametrize(
    ("added", "key", "owners"),
    [
        ([(5, 1)], 5, [1]),
        ([(5, 1), (5, 2), (5, 3)], 5, [1, 2, 3]),  # copies share a band
        ([(5, 1), (5 + 1024, 2), (6, 3)], 5 + 1024, [2]),  # the same slot, another key
        ([(5, 1), (5 + 1024, 2), (6, 3)], 6, [3]),  # pushed along by the ones before
        ([(5, 1)], 6, []),
        ([(n + 1, n) for n in range(5000)], 4000, [3999]),  # grown (rehashed) on the way
    ],
)
def test_band_table_finds_every_owner_of_a_key(added, key, owners):
    table = _BandTable()
    for added_key, owner in added:
        table.add(added_key, owner)
    assert sorted(table.owners_of(key)) == owners
    table.reserve(20_000)
    assert sorted(table.owners_of(key)) == owners
