"""Saved searches: `search alert add|list|remove|check` (issue 22). Each check's rows are
exact; an article is reported once per content, across checks, a rebuild and a removal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "old.txt").write_text("Turkey offered peacekeepers last year.\n")
    return folder


@pytest.fixture
def index(tmp_path, archive):
    folder = tmp_path / "index"
    assert invoke("index", str(archive), "-q", "--index-dir", str(folder)).exit_code == 0
    return folder


def run(index: Path, *args: str):
    return invoke(*args, "--index-dir", str(index))


def reindex(index: Path, archive: Path, *options: str) -> None:
    result = run(index, "index", str(archive), "-q", *options)
    assert result.exit_code == 0, result.stderr


def check(index: Path, *names: str) -> tuple[int, list[str]]:
    result = run(index, "alert", "check", *names)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout.splitlines()


def test_each_hit_once_across_checks_changes_and_a_rebuild(index, archive):
    assert run(index, "alert", "add", "turkey", "Turkey", "peacekeepers").exit_code == 0
    assert run(index, "alert", "add", "ceasefire", "ceasefire").exit_code == 0
    # Articles indexed before an alert was added are not new to it.
    assert check(index) == (1, [])
    (archive / "a.txt").write_text("Turkey sent peacekeepers. The ceasefire held.\n")
    (archive / "b.txt").write_text("No news from the border.\n")
    reindex(index, archive)
    assert check(index, "turkey") == (0, ["turkey\ta:1\tTurkey sent peacekeepers."])
    # `ceasefire` was not checked: a.txt is still new to it; to turkey it is not.
    assert check(index) == (0, ["ceasefire\ta:2\tThe ceasefire held."])
    assert check(index) == (1, [])
    # A rebuild changes no content: nothing is new.
    reindex(index, archive, "--rebuild")
    assert check(index) == (1, [])
    # A changed article is new again, with its new sentences only.
    (archive / "b.txt").write_text("Turkey pledged peacekeepers. A ceasefire was near.\n")
    reindex(index, archive)
    assert check(index) == (
        0,
        [
            "ceasefire\tb:2\tA ceasefire was near.",
            "turkey\tb:1\tTurkey pledged peacekeepers.",
        ],
    )
    assert check(index) == (1, [])


def test_a_moved_or_copied_article_is_not_new_again(index, archive):
    # A reporter files a story into another folder: its content was reported already.
    assert run(index, "alert", "add", "troops", "peacekeepers").exit_code == 0
    (archive / "e.txt").write_text("Peacekeepers landed at dawn.\n")
    reindex(index, archive)
    assert check(index) == (0, ["troops\te:1\tPeacekeepers landed at dawn."])
    (archive / "filed").mkdir()
    (archive / "e.txt").rename(archive / "filed" / "e.txt")
    (archive / "filed" / "copy.txt").write_text("Peacekeepers landed at dawn.\n")
    reindex(index, archive)
    assert check(index) == (1, [])
    # Moved before any check: still new, once.
    (archive / "f.txt").write_text("More peacekeepers came.\n")
    reindex(index, archive)
    (archive / "f.txt").rename(archive / "filed" / "f.txt")
    reindex(index, archive)
    assert check(index) == (0, ["troops\tf:1\tMore peacekeepers came."])


def test_a_message_added_to_a_mailbox_is_new_not_the_mailbox(index, archive):
    import mailbox
    from email.message import EmailMessage

    def post(subject: str, body: str) -> None:
        box = mailbox.mbox(str(archive / "desk.mbox"))
        message = EmailMessage()
        message["Subject"], message["From"] = subject, "desk@example.org"
        message["Date"] = "Mon, 10 Mar 2025 09:00:00 +0000"
        message.set_content(body)
        box.add(message)
        box.flush()
        box.close()

    post("Border", "Peacekeepers crossed the border.")
    reindex(index, archive)
    assert run(index, "alert", "add", "troops", "peacekeepers").exit_code == 0
    post("Camp", "More peacekeepers reached the camp.")
    reindex(index, archive)
    # The first message was there when the alert was added: only the second is new.
    assert check(index) == (0, ["troops\tdesk.mbox#2:1\tMore peacekeepers reached the camp."])
    post("Report", "The report named no peacekeepers.")
    reindex(index, archive)
    assert check(index) == (0, ["troops\tdesk.mbox#3:1\tThe report named no peacekeepers."])
    assert check(index) == (1, [])


def test_json_rows_carry_the_alert(index, archive):
    assert run(index, "alert", "add", "troops", "peacekeepers").exit_code == 0
    (archive / "c.txt").write_text("Peacekeepers arrived.\n")
    reindex(index, archive)
    result = run(index, "alert", "check", "--json")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["alert"], r["name"], r["sentence"], r["text"]) for r in rows] == [
        ("troops", "c", 1, "Peacekeepers arrived.")
    ]


def test_list_and_remove(index):
    assert (
        run(
            index, "alert", "add", "b-alert", "ceasefire", "--any", "--since", "2025-01-01"
        ).exit_code
        == 0
    )
    assert run(index, "alert", "add", "a-alert", "Turkey").exit_code == 0
    listed = run(index, "alert", "list").stdout.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [
        ["a-alert", "Turkey", ""],
        ["b-alert", "ceasefire", "--any --since 2025-01-01"],
    ]
    assert all(line.endswith("\tchecked never") for line in listed)
    assert run(index, "alert", "remove", "a-alert").exit_code == 0
    assert [
        json.loads(line)["name"]
        for line in run(index, "alert", "list", "--json").stdout.splitlines()
    ] == ["b-alert"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("alert", "add", "dup", "x"), 'an alert "dup" exists'),
        (("alert", "add", "bad name", "x"), "cannot name an alert"),
        (("alert", "add", "q", "*"), "has no letter"),
        (("alert", "add", "d", "x", "--since", "2025-13-01"), "--since"),
        (("alert", "remove", "nope"), 'no alert "nope"'),
        (("alert", "check", "nope"), 'no alert "nope"'),
    ],
)
def test_bad_alert_commands_are_one_line(index, args, message):
    assert run(index, "alert", "add", "dup", "x").exit_code == 0
    result = run(index, *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_alerts_without_an_index(tmp_path):
    result = invoke("alert", "add", "x", "y", "--index-dir", str(tmp_path / "none"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_page_lists_alerts_with_new_hit_counts(index, archive):
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from search.web import app as server

    assert run(index, "alert", "add", "turkey", "Turkey").exit_code == 0
    (archive / "d.txt").write_text("Turkey spoke. Turkey voted.\n")
    reindex(index, archive)
    with TestClient(server.create_app(index)) as client:
        page = client.get("/").text
    assert '<a href="/?q=Turkey&amp;sort=date">turkey</a>' in page
    assert "2 new hits in 1 article" in page
    # The page counts without marking them seen.
    assert check(index) == (0, ["turkey\td:1\tTurkey spoke.", "turkey\td:2\tTurkey voted."])
    with TestClient(server.create_app(index)) as client:
        assert "nothing new" in client.get("/").text
        assert "Alerts" not in client.get("/?q=Turkey").text


def test_an_alert_in_one_language(index, archive):
    """`--lang` as `search query` takes it (it was "No such option"): a desk that follows
    the German coverage of a story sees only German articles."""
    assert run(index, "alert", "add", "de", "Istanbul", "--lang", "de").exit_code == 0
    assert run(index, "alert", "list").stdout.split("\t")[:3] == ["de", "Istanbul", "--lang de"]
    (archive / "de.txt").write_text(
        "Die Verhandlungen in Istanbul wurden am Dienstag fortgesetzt und sollen in der "
        "nächsten Woche weitergehen.\n",
        "utf-8",
    )
    (archive / "en.txt").write_text("The talks in Istanbul resumed on Tuesday.\n", "utf-8")
    reindex(index, archive)
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from search.web import app as server

    with TestClient(server.create_app(index)) as client:
        assert '<a href="/?q=Istanbul&amp;sort=date&amp;lang=de">de</a>' in client.get("/").text
    assert check(index) == (
        0,
        [
            "de\tde:1\tDie Verhandlungen in Istanbul wurden am Dienstag fortgesetzt und sollen "
            "in der nächsten Woche weitergehen."
        ],
    )
    result = run(index, "alert", "add", "xx", "Istanbul", "--lang", "xx")
    assert result.exit_code == 2
    assert result.stderr.startswith("search: unknown language 'xx'")
