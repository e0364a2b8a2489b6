"""The library object the CLI, the server and the export command share: `SearchIndex`."""

from __future__ import annotations

import pytest

from conftest import SEED_NAME, SEED_TURKEY_PEACEKEEPING, invoke
from search.engine import store
from search.engine.query import parse_query
from search.engine.searching import SearchIndex, parse_reference
from search.errors import InputError, NoIndexError, QueryError
from search.index import Index, Options, question


@pytest.fixture
def opened(corpus_index):
    with SearchIndex.open(corpus_index) as index:
        yield index


def test_find_ranks_the_seed_sentences(opened):
    hits = opened.find(parse_query("Turkey peacekeeping"), limit=None)
    found = sorted((hit.article, hit.sentence) for hit in hits)
    assert [pair for pair in found if pair[0] == SEED_NAME] == SEED_TURKEY_PEACEKEEPING
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))
    assert all(hit.matches for hit in hits)


def test_count_and_articles_agree_with_find(opened):
    parsed = parse_query("ceasefire")
    hits = opened.find(parsed, limit=None)
    assert opened.count(parsed) == len(hits)
    listed = opened.articles(parsed)
    assert sum(entry.hits for entry in listed) == len(hits)
    assert {entry.path for entry in listed} == {hit.path for hit in hits}


def test_article_with_context(opened):
    found = opened.article(SEED_NAME, sentence=11, context=1)
    assert [s.sentence for s in found.sentences] == [10, 11, 12]
    assert found.focus == 11 and found.name == SEED_NAME and found.date == "2025-03-11"
    with pytest.raises(InputError, match="has no sentence 99"):
        opened.article(SEED_NAME, sentence=99)


def test_did_you_mean_keeps_the_options_of_the_query(opened):
    assert opened.did_you_mean(parse_query("ceasfire")) is not None
    # Dated before every article: the correction finds nothing, so nothing is offered.
    assert opened.did_you_mean(parse_query("ceasfire", until="2000-01-01")) is None


def test_status(opened):
    status = opened.status()
    assert status.articles == 4 and status.damaged is None


def test_a_miss_opens_the_index_once(corpus_index, monkeypatch):
    """Counting, suggesting and re-counting a correction all use one snapshot."""
    opened = []
    real = store.opened

    def counting(folder):
        opened.append(folder)
        return real(folder)

    monkeypatch.setattr(store, "opened", counting)
    with SearchIndex.open(corpus_index) as index:
        parsed = parse_query("peacekeping troups")
        assert index.count(parsed) == 0
        assert index.did_you_mean(parsed) == "peacekeeping troops"
    assert len(opened) == 1


def test_open_without_an_index(tmp_path):
    with pytest.raises(NoIndexError):
        SearchIndex.open(tmp_path / "nothing")


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


def test_an_open_reads_current_once(corpus_index, monkeypatch):
    """The snapshot a long-lived reader compares is the state it opened: one read of CURRENT."""
    reads = []
    real = store.read_pointer

    def counting(folder):
        reads.append(folder)
        return real(folder)

    monkeypatch.setattr(store, "read_pointer", counting)
    with SearchIndex.open(corpus_index) as index:
        assert len(reads) == 1
        assert index.is_current()
    assert len(reads) == 2


# The one door: Index.answer -------------------------------------------------------------


@pytest.fixture
def door(corpus_index):
    with Index.open(corpus_index) as index:
        yield index


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


def test_answer_of_articles_lists_each_article_once(door, opened):
    answer = door.answer("ceasefire", Options(shape="articles"))
    assert answer.articles == opened.articles(parse_query("ceasefire"))
    assert answer.found and answer.hits == [] and answer.total is None


def test_a_question_is_parsed_before_any_index_is_opened():
    with pytest.raises(QueryError, match="nothing to search for"):
        question("...", Options())


def test_an_unknown_answer_shape_is_refused(door):
    with pytest.raises(InputError, match="'pages' is not an answer shape"):
        door.answer("ceasefire", Options(shape="pages"))


@pytest.mark.parametrize("args", [["status"], ["status", "--verify"]])
def test_search_status_opens_the_index_once(corpus_index, monkeypatch, args):
    """`search status` reports on the snapshot it opened: one read of CURRENT (and one more
    with --verify, which checks the files before anything reads them)."""
    reads = []
    real = store.read_pointer

    def counting(folder):
        reads.append(folder)
        return real(folder)

    monkeypatch.setattr(store, "read_pointer", counting)
    result = invoke(*args, "--index-dir", str(corpus_index))
    assert result.exit_code == 0, result.stderr
    assert "articles:  4\n" in result.stdout
    assert len(reads) == len(args)


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
def test_an_or_of_words_counts_what_find_lists(opened, text, expected):
    """`count` of words joined by OR (`--any`, what a miss offers) reads their postings, not
    Whoosh's collector: it counts the sentences `find` lists."""
    parsed = parse_query(text, match_any=True)
    assert (opened.count(parsed), len(opened.find(parsed, limit=None))) == (expected, expected)
