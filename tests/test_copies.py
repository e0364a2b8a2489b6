"""Issue 26: a collapsed total (how many different sentences match) is counted through the
snapshot's table of copied sentences (`search.engine.copies`), and it is always the number
of different `copy` keys among the matches, as reading each match's key gave.

The corpora repeat sentences across articles (as sent, shouted, re-spaced: one key, and for
a shouted acronym other terms), and a re-index leaves deleted sentences in the segments.
"""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_index
from search.engine import copies, searching
from search.engine.copies import CACHE, read_copies
from search.engine.stories import sentence_key
from search.index import Index, Options, update

POOL = [
    "Oil prices rose in Vienna after the OPEC meeting.",
    "The US envoy met NATO ministers in Brussels.",
    "Ministers said the ceasefire would hold.",
    "Traders in London watched the oil market.",
    "The government denied the report on Tuesday.",
    "Talks on the border resumed in Geneva.",
    "The UN called for calm in the capital.",
    "Prices of coffee fell for a third week.",
    "A new round of talks is planned for June.",
    "The minister said the us-led plan was dead.",
]
WORDS = ["oil", "Vienna", "OPEC", "US", "us", "NATO", "ceasefire", "talks", "the", "government"]
QUERIES = [*WORDS, "oil Vienna", "talks Geneva", "the minister", "zorblatt"]


def _variant(sentence: str, how: int) -> str:
    """The sentence as sent (0), shouted (1: the same key, other terms for its acronyms) or
    re-spaced (2: the same key and terms)."""
    if how == 1:
        return sentence.upper()
    if how == 2:
        return sentence.replace(" ", "  ")
    return sentence


def _article(rng: random.Random, number: int) -> str:
    picked = [_variant(rng.choice(POOL), rng.choice([0, 0, 0, 1, 2])) for _ in range(5)]
    dated = f"date: 2025-0{1 + number % 3}-1{number % 10}\n" if number % 4 else ""
    return f"---\n{dated}---\n" + " ".join(picked) + "\n"


def _expected(index: Index, query: str, options: Options) -> int:
    """The different keys of every matching sentence, read from each hit's text."""
    every = index.answer(query, replace(options, copies=True, limit=None))
    return len({sentence_key(hit.text) for hit in every.hits})


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 articles of repeated sentences, then a re-index that replaced some and removed
    others: the first segment keeps their sentences as deleted documents."""
    rng = random.Random(20261207)
    articles = {f"a{number:02}.md": _article(rng, number) for number in range(60)}
    index_dir = build_index(tmp_path_factory.mktemp("copies"), articles)
    folder = index_dir.parent / "articles"
    for number in range(0, 60, 7):
        (folder / f"a{number:02}.md").unlink()
    for number in range(3, 60, 9):
        (folder / f"a{number:02}.md").write_text(_article(rng, number + 100), encoding="utf-8")
    report = update(index_dir, [folder])
    assert report.updated and report.removed and not report.skipped, report
    return index_dir


# How the total is found: key by key (few matches, no table read yet), through the table
# with each copied sentence probed in a word's postings, or with its postings read whole.
WAYS = {
    "key by key": {"_FEW_KEYS": 10**9},
    "table, probing": {"_FEW_KEYS": 0, "_POSTINGS_PER_PROBE": 10**9},
    "table, postings read": {"_FEW_KEYS": 0, "_POSTINGS_PER_PROBE": 0},
}


def _set_way(monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    for name, value in WAYS[way].items():
        monkeypatch.setattr(copies if name == "_POSTINGS_PER_PROBE" else searching, name, value)


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    "options",
    [Options(), Options(match_any=True), Options(since="2025-02-01")],
    ids=["all", "any", "dated"],
)
def test_a_collapsed_total_counts_each_different_sentence_once(
    copied, monkeypatch, way, query, options
):
    _set_way(monkeypatch, way)
    with Index.open(copied) as index:
        expected = _expected(index, query, options)
        counted = index.answer(query, replace(options, shape="count")).total
        paged = index.answer(query, replace(options, limit=3, total=True))
        every = index.answer(query, replace(options, copies=True, limit=None)).hits
        held = index.answer(query, replace(options, shape="count", copies=True)).total
    assert counted == paged.total == expected
    assert held == len(every)  # the live sentences, deleted ones left out


@pytest.mark.parametrize(
    ("query", "collapsed", "every"),
    [
        ("Vienna", 1, 3),  # one sentence in three articles, once shouted, once re-spaced
        ("OPEC", 1, 3),
        ("oil", 2, 4),  # and "Traders in London watched the oil market."
        ("NATO", 1, 2),
        ("coffee", 1, 1),
        ("zorblatt", 0, 0),
    ],
)
def test_a_total_of_copies_through_the_index(tmp_path, monkeypatch, query, collapsed, every):
    monkeypatch.setattr(searching, "_FEW_KEYS", 0)  # through the table, few as they are
    index_dir = build_index(
        tmp_path,
        {
            "a.txt": f"{POOL[0]} {POOL[1]} {POOL[7]}",
            "b.txt": f"{_variant(POOL[0], 1)} {POOL[3]}",
            "c.txt": f"{_variant(POOL[0], 2)} {POOL[1]}",
        },
    )
    with Index.open(index_dir) as index:
        assert index.answer(query, Options(shape="count")).total == collapsed
        assert index.answer(query, Options(shape="count", copies=True)).total == every
        assert index.answer(query, Options(limit=1, total=True)).total == collapsed


def test_the_table_holds_the_shared_sentences_and_their_groups(copied):
    with Index.open(copied) as index:
        reader = index.reader._searcher.reader()
        table = read_copies(reader)
        keys = index.reader._keys_by_document(list(table.members))
    groups: dict[str, set[int]] = {}
    for member, group in zip(table.members, table.groups, strict=True):
        groups.setdefault(keys[member], set()).add(group)
    assert all(len(found) == 1 for found in groups.values())  # one group per key
    assert list(table.members) == sorted(table.members)
    assert all(group in keys for group in table.groups)


def _cache(index_dir: Path) -> Path:
    (generation,) = [p for p in index_dir.glob("ix-*") if p.is_dir()]
    return generation / CACHE


def test_the_table_is_kept_for_the_next_reader_and_checked(copied, monkeypatch):
    monkeypatch.setattr(searching, "_FEW_KEYS", 0)
    with Index.open(copied) as index:
        expected = index.answer("oil", Options(shape="count")).total
    written = _cache(copied).read_bytes()
    data = json.loads(written)
    monkeypatch.setattr(copies, "_latest", None)  # as in the next process
    with Index.open(copied) as index:
        assert index.answer("oil", Options(shape="count")).total == expected
    assert _cache(copied).read_bytes() == written  # read back, not written again
    damaged = {**data, "groups": data["members"][:-8] + "AAAAAAAA"}
    _cache(copied).write_text(json.dumps(damaged))
    monkeypatch.setattr(copies, "_latest", None)
    with Index.open(copied) as index:
        assert index.answer("oil", Options(shape="count")).total == expected
    assert _cache(copied).read_bytes() == written  # not trusted: read again and replaced


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(
        st.lists(
            st.tuples(st.integers(0, len(POOL) - 1), st.integers(0, 2)), min_size=1, max_size=4
        ),
        min_size=2,
        max_size=8,
    ),
    changed=st.sets(st.integers(0, 7), max_size=3),
    way=st.sampled_from(list(WAYS)),
)
@pytest.mark.slow
def test_any_corpus_counts_as_its_keys_say(monkeypatch, picks, changed, way):
    """Generated corpora (each article a few pool sentences in any variant; some articles
    then rewritten or removed): every total is the different keys of the matches."""
    _set_way(monkeypatch, way)
    articles = {
        f"{n}.txt": " ".join(_variant(POOL[s], how) for s, how in chosen)
        for n, chosen in enumerate(picks)
    }
    with tempfile.TemporaryDirectory() as root:
        index_dir = build_index(Path(root), articles)
        folder = Path(root) / "articles"
        for n in sorted(changed & set(range(len(picks)))):
            path = folder / f"{n}.txt"
            if n % 2:
                path.unlink()
            else:
                path.write_text(articles[f"{(n + 1) % len(picks)}.txt"] + " " + POOL[n])
        update(index_dir, [folder])
        with Index.open(index_dir) as index:
            for query in QUERIES:
                counted = index.answer(query, Options(shape="count")).total
                assert counted == _expected(index, query, Options()), query
