"""Library errors say what is wrong and which option it concerns; each front end names the
option as its users write it: the command line as a flag, the page and the API as a
parameter (`SearchError.render`)."""

from __future__ import annotations

import fcntl
import os
import pickle
from pathlib import Path

import pytest

from conftest import invoke
from search.cli.runtime import FLAGS, said
from search.errors import IndexLockedError, QueryError, SearchError
from search.index import Index, Options, check_date, check_range
from search.web.app import PARAMETERS


def _error(call) -> SearchError:
    with pytest.raises(SearchError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("call", "plain", "command_line", "page"),
    [
        (
            lambda: check_date("2025-13", "since"),
            "since '2025-13' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
            "--since '2025-13' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
            "since '2025-13' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            lambda: check_date("{until}", "until", last=True),
            "until '{until}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
            "--until '{until}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
            "until '{until}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            lambda: check_range("2025-04-01", "2025-03-31"),
            "the date range is empty: since 2025-04-01 is after until 2025-03-31; swap them",
            "the date range is empty: --since 2025-04-01 is after --until 2025-03-31; swap them",
            "the date range is empty: since 2025-04-01 is after until 2025-03-31; swap them",
        ),
    ],
)
def test_each_front_end_names_the_option(call, plain, command_line, page) -> None:
    error = _error(call)
    assert isinstance(error, QueryError)
    assert (str(error), said(error), error.render(PARAMETERS)) == (plain, command_line, page)


def test_a_message_without_options_is_said_as_it_is() -> None:
    error = QueryError("nothing to search for in {x}")
    assert str(error) == said(error) == error.render(PARAMETERS) == "nothing to search for in {x}"


def test_an_error_crosses_processes_with_its_options() -> None:
    error = pickle.loads(pickle.dumps(_error(lambda: check_date("x", "since"))))
    assert said(error) == "--since 'x' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"


def test_an_error_followed_by_more_keeps_its_options() -> None:
    error = IndexLockedError("pass {wait} SECONDS in {where}", options=("wait",), where="a{b}")
    more = error.followed_by("; trying again {soon}")
    assert said(more) == "pass --wait SECONDS in a{b}; trying again {soon}"
    assert isinstance(more, IndexLockedError)


def test_every_option_the_command_line_names_is_a_flag() -> None:
    assert all(flag == "--" + option.replace("_", "-") for option, flag in FLAGS.items())


@pytest.mark.parametrize(
    ("ask", "message"),
    [
        (
            lambda index: index.trend(["ceasefire"], "quarter"),
            "by 'quarter' is not a bucket; use one of day, week, month, year, source",
        ),
        (
            lambda index: index.words("ceasefire", Options(), score="tfidf"),
            "score 'tfidf' is not a measure; use one of jlh, g2, chi2",
        ),
    ],
)
def test_the_library_names_its_own_options(corpus_index: Path, ask, message: str) -> None:
    with Index.open(corpus_index) as index:
        error = _error(lambda: ask(index))
    assert str(error) == message
    assert said(error) == "--" + message


# Through the command line: the flag, byte for byte -------------------------------------------


def _folder_of_other_things(tmp_path: Path) -> Path:
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an index\n")
    return folder


@pytest.mark.parametrize("command", ["query", "index"])
@pytest.mark.parametrize(
    ("make", "said_after_path"),
    [
        (
            lambda tmp_path: (tmp_path / "file").write_text("x") and tmp_path / "file",
            " is a file, not an index folder; pass --index-dir a folder\n",
        ),
        (
            _folder_of_other_things,
            " holds files that are not a search index; pass --index-dir an empty or index folder\n",
        ),
    ],
    ids=["a file", "a folder of other things"],
)
def test_a_wrong_index_folder_names_the_flag(
    tmp_path, seed_articles, command, make, said_after_path
):
    folder = make(tmp_path)
    asked = ["Turkey"] if command == "query" else [str(seed_articles)]
    result = invoke(command, *asked, "--index-dir", str(folder))
    assert result.exit_code == 2
    assert result.stderr.startswith("search: ") and result.stderr.endswith(said_after_path)
    assert result.stderr.count("\n") == 1


def test_a_held_lock_names_the_wait_flag(seed_index: Path, seed_articles: Path) -> None:
    descriptor = os.open(seed_index / "write.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        result = invoke("index", str(seed_articles), "--index-dir", str(seed_index), "--wait", "0")
    finally:
        os.close(descriptor)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "(waited 0 s); try again when it finishes, or pass --wait SECONDS\n"
    )


def test_an_export_url_names_the_to_flag(corpus_index: Path) -> None:
    result = invoke("export", "--to", "localhost:9200", "--index-dir", str(corpus_index))
    assert result.exit_code == 2
    assert result.stderr == (
        "search: --to 'localhost:9200' is not a URL; give one like http://localhost:9200\n"
    )
