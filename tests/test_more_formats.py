"""Word, OpenDocument, RTF and e-mail read as articles (issue 22).

Every fixture is made here: a .docx and an .odt are small zip files of XML, an RTF is a few
lines of control words, messages and mailboxes come from the standard library's `email` and
`mailbox`. Each format has a broken twin that must give one warning and no traceback.
"""

from __future__ import annotations

import datetime
import io
import json
import mailbox
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from search.articles.article import parse_article, parse_articles
from search.errors import DocumentError
from tests.conftest import invoke, status

HEADLINE = "Turkey offers peacekeepers for Ukraine"
PARAGRAPHS = [
    "Turkey said on Tuesday that it was ready to send troops to Ukraine.",
    "The offer was made in Brussels. Diplomats expect further talks.",
]
SENTENCES = [
    PARAGRAPHS[0],
    "The offer was made in Brussels.",
    "Diplomats expect further talks.",
]
DATE = datetime.date(2025, 3, 11)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(title: str | None = HEADLINE, heading: str | None = None) -> bytes:
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in PARAGRAPHS
    )
    if heading:
        paragraphs = (
            f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{heading}</w:t></w:r></w:p>'
            + paragraphs
        )
    core_title = f"<dc:title>{title}</dc:title>" if title else ""
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/">'
        f"{core_title}<dcterms:created>2025-03-11T08:30:00Z</dcterms:created></cp:coreProperties>"
    )
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": (
                f'<w:document xmlns:w="{W}"><w:body>{paragraphs}</w:body></w:document>'
            ),
            "docProps/core.xml": core,
        }
    )


def make_odt(encrypted: bool = False) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    body = f'<text:h text:outline-level="1">{HEADLINE}</text:h>' + "".join(
        f"<text:p>{text.replace('. ', '.<text:s/>', 1)}</text:p>" for text in PARAGRAPHS
    )
    encryption = '<manifest:encryption-data manifest:checksum="x"/>' if encrypted else ""
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": f"<office:document-content {ns}><office:body><office:text>{body}"
            "</office:text></office:body></office:document-content>",
            "meta.xml": f"<office:document-meta {ns}><office:meta>"
            "<meta:creation-date>2025-03-11T08:30:00</meta:creation-date>"
            "</office:meta></office:document-meta>",
            "META-INF/manifest.xml": '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            f'opendocument:xmlns:manifest:1.0"><manifest:file-entry>{encryption}'
            "</manifest:file-entry></manifest:manifest>",
        }
    )


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():  # a fixed time: the same bytes in every process
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 3, 11, 8, 30, 0)), text)
    return buffer.getvalue()


def make_rtf() -> bytes:
    body = r"\par ".join(PARAGRAPHS)
    return (
        r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times;}}{\info{\title " + HEADLINE + r"}"
        r"{\creatim\yr2025\mo3\dy11\hr8\min30}}\f0 " + body + r"\par }"
    ).encode()


def make_message(
    subject: str = HEADLINE, html: bool = False, attachment: bool = False
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "desk@example.com"
    message["Date"] = "Tue, 11 Mar 2025 08:30:00 +0000"
    message["Message-ID"] = f"<{abs(hash(subject))}@example.com>"
    message.set_content("\n\n".join(PARAGRAPHS))
    if html:
        paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        message.add_alternative(
            f"<html><body><article>{paragraphs}</article></body></html>", subtype="html"
        )
    if attachment:
        message.add_attachment(
            b"%PDF-1.4 an attachment", maintype="application", subtype="pdf", filename="annex.pdf"
        )
    return message


def make_mbox(tmp_path: Path, subjects: list[str]) -> bytes:
    path = tmp_path / "made.mbox"
    box = mailbox.mbox(path)
    for subject in subjects:
        box.add(make_message(subject))
    box.close()
    data = path.read_bytes()
    path.unlink()
    return data


CASES = {
    "story.docx": make_docx,
    "story.odt": make_odt,
    "story.rtf": make_rtf,
    "story.eml": lambda: bytes(make_message()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_format_gives_headline_date_and_body(name):
    article = parse_article(CASES[name](), name)
    assert (article.title, article.date) == (HEADLINE, DATE)
    body = [s.text for s in article.sentences if s.text != HEADLINE]
    assert body == SENTENCES


@pytest.mark.parametrize(
    ("make", "title"),
    [
        (lambda: make_docx(title=None, heading="A heading"), "A heading"),
        (lambda: make_docx(title=None), None),
        (lambda: bytes(make_message(html=True)), HEADLINE),
        (lambda: bytes(make_message(attachment=True)), HEADLINE),
    ],
)
def test_headline_fallbacks_and_mail_parts(make, title):
    data = make()
    name = "m.eml" if data.startswith(b"Subject") else "d.docx"
    article = parse_article(data, name)
    assert article.title == title
    assert [s.text for s in article.sentences if s.text not in (HEADLINE, "A heading")] == SENTENCES
    assert "PDF" not in article.text  # the attachment is not read
    said = ("m.eml: 1 attachment not indexed (annex.pdf)",) if b"annex.pdf" in data else ()
    assert article.notes == said


def test_mailbox_is_one_article_per_message(tmp_path):
    data = make_mbox(tmp_path, ["First story", "Second story"])
    articles = parse_articles(data, "/x/box.mbox")
    assert [(key, a.title, a.date) for key, a in articles] == [
        ("/x/box.mbox#1", "First story", DATE),
        ("/x/box.mbox#2", "Second story", DATE),
    ]
    assert all([s.text for s in a.sentences] == SENTENCES for _key, a in articles)


def test_mailbox_with_an_unreadable_message_says_so_once(tmp_path):
    data = make_mbox(tmp_path, ["First story"]) + b"From x Tue Mar 11 08:30:00 2025\n\x00\x01\n"
    articles = parse_articles(data, "box.mbox")
    assert [key for key, _a in articles] == ["box.mbox#1"]
    assert articles[0][1].notes == (
        "box.mbox: 1 message(s) not readable, left out: box.mbox#2: not an e-mail message "
        "(no Subject, From or Date header)",
    )


BROKEN = [
    ("bad.docx", b"PK\x03\x04 not really a zip", "corrupt or truncated Word document"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted with a password"),
    ("empty.docx", _zip({"word/other.xml": "<x/>"}), "not a Word document"),
    ("bad.odt", make_odt()[:100], "corrupt or truncated OpenDocument text"),
    ("locked.odt", make_odt(encrypted=True), "encrypted with a password"),
    ("bad.rtf", b"plain text, no rtf header", "not an RTF file"),
    ("bad.eml", b"\x00\x01\x02 no headers at all", "not an e-mail message"),
    ("bad.mbox", b"Subject: no From line\n\nbody\n", "not an mbox mailbox"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_files_raise_one_document_error(name, data, reason):
    with pytest.raises(DocumentError) as raised:
        parse_article(data, name)
    assert f"{name}: " in str(raised.value) and reason in str(raised.value)
    assert "\n" not in str(raised.value)


def test_index_folder_of_new_formats_warns_once_per_broken_file(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name, make in CASES.items():
        (folder / name).write_bytes(make())
    (folder / "box.mbox").write_bytes(make_mbox(tmp_path, ["First story", "Second story"]))
    for name, data, _reason in BROKEN:
        (folder / name).write_bytes(data)
    index = tmp_path / "index"
    result = invoke("index", str(folder), "--index-dir", str(index))
    assert result.exit_code == 2
    warnings = [line for line in result.stderr.splitlines() if line.startswith("search: warning")]
    assert sorted(w.split(": ")[2].rpartition("/")[2] for w in warnings) == sorted(
        name for name, _data, _reason in BROKEN
    )
    assert "Traceback" not in result.stderr
    assert status(index)["articles"] == len(CASES) + 1
    found = invoke("query", "-l", "--json", "Brussels", "--index-dir", str(index))
    rows = [json.loads(line) for line in found.stdout.splitlines()]
    assert sorted((row["name"], row.get("title")) for row in rows) == sorted(
        [
            *[(f"story{Path(n).suffix}", HEADLINE) for n in CASES],
            ("box.mbox#1", "First story"),
            ("box.mbox#2", "Second story"),
        ]
    )
    shown = invoke("show", "box.mbox#2", "--json", "--index-dir", str(index))
    assert shown.exit_code == 0, shown.stderr
    # The mailbox changes: its messages are replaced, none left behind.
    (folder / "box.mbox").write_bytes(make_mbox(tmp_path, ["Only story"]))
    invoke("index", str(folder), "--index-dir", str(index))
    found = invoke("query", "-l", "--json", "Brussels", "--index-dir", str(index))
    names = {json.loads(line)["name"] for line in found.stdout.splitlines()}
    assert {n for n in names if "mbox" in n or n == "box"} == {"box.mbox#1"}
