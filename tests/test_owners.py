"""The document -> article table kept as runs of consecutive document numbers
(`scope.Documents`, issue 26): any table of owners, its runs and back are the same table."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.engine.scope import Documents, _runs, documents_of


def runs_of(table: list[int]) -> list[tuple[int, int, int]]:
    """(article, first, length) of each article's runs, as `read_owners` finds them: an
    article's documents of one segment, whatever their order in the table."""
    found = []
    for number in sorted(set(table) - {-1}):
        held = [docnum for docnum, owner in enumerate(table) if owner == number]
        found.extend((number, start, length) for start, length in _runs(held, 0))
    return found


CASES = {
    "one article": ([0, 0, 0], [[0, 1, 2]]),
    "two in order": ([0, 0, 1, 1, 1], [[0, 1], [2, 3, 4]]),
    "a deleted document between": ([0, -1, 0, 1], [[0, 2], [3]]),
    "an article in two places": ([1, 0, 0, 1, 1], [[1, 2], [0, 3, 4]]),
    "an article with no document": ([0, 0, 2], [[0, 1], [], [2]]),
    "nothing live": ([-1, -1], [[]]),
}


@pytest.mark.parametrize(("table", "documents"), list(CASES.values()), ids=list(CASES))
def test_runs_give_back_the_table_and_each_articles_documents(table, documents):
    runs = documents_of(runs_of(table), len(documents))
    assert runs.owner_table(len(table)) == table
    assert list(runs) == documents
    assert runs.held() == {number for number, held in enumerate(documents) if held}


@given(st.lists(st.integers(min_value=-1, max_value=6), max_size=60), st.integers(0, 3))
def test_any_table_of_owners_survives_its_runs(table: list[int], more: int) -> None:
    count = max(table, default=-1) + 1 + more  # articles past the last one hold nothing
    runs = documents_of(runs_of(table), count)
    assert runs.owner_table(len(table)) == table
    assert [runs[number] for number in range(count)] == [
        [docnum for docnum, owner in enumerate(table) if owner == number] for number in range(count)
    ]


BROKEN = {
    "a run past the documents": (documents_of([(0, 2, 3)], 1), 4),
    "a run before the first": (documents_of([(0, -1, 2)], 1), 4),
    "an empty run": (documents_of([(0, 1, 0)], 1), 4),
    "no article table at all": (Documents(array("i"), array("i"), array("i")), 4),
}


@pytest.mark.parametrize(("runs", "size"), list(BROKEN.values()), ids=list(BROKEN))
def test_runs_that_do_not_fit_give_no_table(runs, size):
    assert runs.owner_table(size) is None
