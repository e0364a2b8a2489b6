"""The library's one door, `search.index.Index`, that the CLI, the server and the export
command share: asked directly, as a program would."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from conftest import SEED_NAME, SEED_TURKEY_PEACEKEEPING, invoke
from search.errors import InputError, NoIndexError, QueryError
from search.index import Index, Options, parse_reference, question

C = "2025-01_ceasefire"
U = "undated_briefing"


@pytest.fixture
def current_reads(monkeypatch) -> list[str]:
    """Every read of an index's CURRENT pointer in this process: each open of an index
    reads it once (seen where the process opens files, so no module's name matters)."""
    reads: list[str] = []
    real_open = os.open

    def tracking(path, *args, **kwargs):
        if os.fspath(path).endswith(f"{os.sep}CURRENT"):
            reads.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", tracking)
    return reads


def test_answer_ranks_the_seed_sentences(corpus_door):
    hits = corpus_door.answer("Turkey peacekeeping", Options(limit=None)).hits
    found = sorted((hit.article, hit.sentence) for hit in hits)
    assert [pair for pair in found if pair[0] == SEED_NAME] == SEED_TURKEY_PEACEKEEPING
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))
    assert all(hit.matches for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_count_and_articles_agree_with_the_hits(corpus_door):
    hits = corpus_door.answer("ceasefire", Options(limit=None)).hits
    assert corpus_door.answer("ceasefire", Options(shape="count")).total == len(hits)
    listed = corpus_door.answer("ceasefire", Options(shape="articles", limit=None)).articles
    assert sum(entry.hits for entry in listed) == len(hits)
    assert {entry.path for entry in listed} == {hit.path for hit in hits}


def test_article_with_context(corpus_door):
    found = corpus_door.article(SEED_NAME, sentence=11, context=1)
    assert [s.sentence for s in found.sentences] == [10, 11, 12]
    assert found.focus == 11 and found.name == SEED_NAME and found.date == "2025-03-11"
    with pytest.raises(InputError, match="has no sentence 99"):
        corpus_door.article(SEED_NAME, sentence=99)


def test_did_you_mean_keeps_the_options_of_the_query(corpus_door):
    assert corpus_door.answer("ceasfire").did_you_mean == "ceasefire"
    # Dated before every article: the correction finds nothing, so nothing is offered.
    assert corpus_door.answer("ceasfire", Options(until="2000-01-01")).did_you_mean is None


def test_status(corpus_door):
    status = corpus_door.status()
    assert status.articles == 4 and status.damaged is None


def test_a_miss_opens_the_index_once(corpus_index, current_reads):
    """Counting, suggesting and re-counting a correction all use one snapshot."""
    with Index.open(corpus_index) as index:
        answer = index.answer("peacekeping troups", Options(shape="count"))
        assert answer.total == 0
        assert answer.did_you_mean == "peacekeeping troops"
    assert len(current_reads) == 1


def test_open_without_an_index(tmp_path):
    with pytest.raises(NoIndexError):
        Index.open(tmp_path / "nothing")


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("264", ("264", None)),
        ("264:3", ("264", 3)),
        ("politics/264:12", ("politics/264", 12)),
        ("a:b", ("a:b", None)),
        ("name:", ("name:", None)),
        (":3", (":3", None)),
        ("NAME:³", ("NAME:³", None)),
        ("C:/x.txt:2", ("C:/x.txt", 2)),
    ],
)
def test_parse_reference(reference, expected):
    assert parse_reference(reference) == expected


def test_an_open_reads_current_once(corpus_index, current_reads):
    """The snapshot a long-lived reader compares is the state it opened: one read of CURRENT."""
    with Index.open(corpus_index) as index:
        assert len(current_reads) == 1
        assert index.is_current()
    assert len(current_reads) == 2


# The one door: Index.answer -------------------------------------------------------------


@pytest.fixture
def door(corpus_door):
    return corpus_door


KEEP_UNDATED = Options(since="2025-01-01", include_undated=True)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        # (hits, total, max_score is set, undated left out, did-you-mean, --any count)
        ("ceasefire", Options(), (3, None, True, 0, None, None)),
        ("ceasefire", Options(total=True, limit=2), (2, 3, True, 0, None, None)),
        ("ceasefire", Options(since="2025-01-01"), (2, None, True, 1, None, None)),
        ("ceasefire", KEEP_UNDATED, (3, None, True, 0, None, None)),
        ("ceasefire", Options(sort="date"), (3, None, False, 0, None, None)),
        ("ceasefire", Options(shape="count"), (0, 3, False, 0, None, None)),
        ("peacekeping troups", Options(), (0, None, False, 0, "peacekeeping troops", 0)),
        ("Turkey REQUIRE REQUIRE )", Options(), (0, None, False, 0, None, 17)),
    ],
)
def test_answer_carries_what_every_front_end_shows(door, text, options, expected):
    answer = door.answer(text, options)
    got = (
        len(answer.hits),
        answer.total,
        answer.max_score is not None,
        answer.undated_left_out,
        answer.did_you_mean,
        answer.any_count,
    )
    assert got == expected
    assert answer.found == bool(expected[0] or expected[1])


def test_answer_of_a_page_agrees_with_the_whole_list(door):
    whole = door.answer("ceasefire OR Turkey", Options(limit=None))
    later = door.answer("ceasefire OR Turkey", Options(limit=3, offset=3, total=True))
    assert [hit.rank for hit in later.hits] == [4, 5, 6]
    assert [h.text for h in later.hits] == [h.text for h in whole.hits[3:6]]
    assert later.total == len(whole.hits)
    assert later.max_score == whole.max_score == whole.hits[0].score


def test_answer_of_articles_lists_each_article_once(door):
    answer = door.answer("ceasefire", Options(shape="articles"))
    assert [(entry.article, entry.hits) for entry in answer.articles] == [
        (C, 1),
        (U, 1),
        (SEED_NAME, 1),
    ]
    assert answer.found and answer.hits == [] and answer.total is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("...", "nothing to search for"),
        ("*", "has no letter"),
        ("x" * 300, "too long"),
        ("(" * 50 + "Turkey" + ")" * 50, "nested too deep"),
        ("date:2025-02-30", "not a date"),
        ("Turkey~3", "at most 2 edits"),
    ],
)
def test_a_bad_query_is_one_query_error_before_and_after_the_index_opens(door, text, message):
    with pytest.raises(QueryError, match=message) as before:
        question(text)
    with pytest.raises(QueryError, match=message) as after:
        door.answer(text)
    assert str(before.value) == str(after.value)
    assert "\n" not in str(after.value)


def test_a_question_is_parsed_before_any_index_is_opened():
    with pytest.raises(QueryError, match="nothing to search for"):
        question("...", Options())


def test_an_unknown_answer_shape_is_refused(door):
    with pytest.raises(InputError, match="'pages' is not an answer shape"):
        door.answer("ceasefire", Options(shape="pages"))


@pytest.mark.parametrize("args", [["status"], ["status", "--verify"]])
def test_search_status_opens_the_index_once(corpus_index, current_reads, args):
    """`search status` reports on the snapshot it opened: one read of CURRENT (and one more
    with --verify, which checks the files before anything reads them)."""
    result = invoke(*args, "--index-dir", str(corpus_index))
    assert result.exit_code == 0, result.stderr
    assert "articles:  4\n" in result.stdout
    assert len(current_reads) == len(args)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ceasefire Geneva", 3),
        ("Turkey peacekeeping elections", 21),
        ("ceasefire OR talks", 4),
        ("US talks", 3),  # `US` is two words: US and ^US
        ("zebra ceasefire", 3),
        ("zebra quagga", 0),
        # words no sentence needs: the article records are taken away
        ("source:articles OR source:seed", 30),
        ("date:2025-01-20 OR date:2025-06-02", 7),
    ],
)
def test_an_or_of_words_counts_what_find_lists(door, text, expected):
    """The count of words joined by OR (`--any`, what a miss offers) reads their postings,
    not Whoosh's collector: it counts the sentences the hits list."""
    every = Options(match_any=True, copies=True)
    counted = door.answer(text, replace(every, shape="count")).total
    listed = door.answer(text, replace(every, limit=None)).hits
    assert (counted, len(listed)) == (expected, expected)
