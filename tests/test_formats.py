"""Saved web pages, Markdown notes and PDFs read as articles (issue 11).

Every fixture is written here: a news-site page with the boilerplate real pages carry
(navigation, cookie banner, share buttons, related stories, comments, scripts, JSON-LD), Markdown
notes, and PDFs drawn with reportlab (two pages, a running header, page numbers, a word
hyphenated across a line break, document info).
"""

from __future__ import annotations

import datetime
import io
import json
import sys

import pytest

from search.articles import formats
from search.articles.article import READERS, parse_article
from search.articles.reading import is_article_name
from search.errors import DocumentError, InputError, MissingExtraError, NoTextLayerError
from tests.conftest import invoke, status

DATE = datetime.date(2025, 3, 11)
URL = "https://ledger.example.com/world/turkey-peacekeepers"
HEADLINE = "Turkey offers peacekeepers for Ukraine"
BODY = [
    "Turkey said on Tuesday that it was ready to send troops to a peacekeeping force in "
    "Ukraine if a ceasefire is agreed.",
    "The offer was made by the defence minister after a meeting of NATO allies in Brussels. "
    "Officials in Ankara said the troops would only be deployed under an international mandate.",
    "Russia responds",
    "Moscow has welcomed Turkey's role as a mediator in the past. It has, however, rejected any "
    "presence of NATO forces on Ukrainian soil.",
    "Diplomats expect further talks in Istanbul later this month.",
]
SENTENCES = [
    HEADLINE,
    BODY[0],
    "The offer was made by the defence minister after a meeting of NATO allies in Brussels.",
    "Officials in Ankara said the troops would only be deployed under an international mandate.",
    "Russia responds",
    "Moscow has welcomed Turkey's role as a mediator in the past.",
    "It has, however, rejected any presence of NATO forces on Ukrainian soil.",
    BODY[4],
]
BOILERPLATE_WORDS = [
    "cookie", "Home", "Business", "Share", "Related", "Geneva", "Comments", "best news",
    "economy", "rights reserved", "Privacy", "newsletter", "dataLayer", "loadAd", "font-family",
    "Ayla Demir",
]  # fmt: skip

META_SOURCES = {
    "og": '<meta property="article:published_time" content="2025-03-11T08:30:00Z">',
    "jsonld": '<script type="application/ld+json">{"@context":"https://schema.org",'
    '"@type":"NewsArticle","headline":"Turkey offers peacekeepers for Ukraine",'
    '"datePublished":"2025-03-11T08:30:00Z","author":{"@type":"Person","name":"Ayla Demir"}}'
    "</script>",
    "meta-date": '<meta name="date" content="2025-03-11">',
    "canonical": f'<link rel="canonical" href="{URL}">',
    "og-url": f'<meta property="og:url" content="{URL}">',
    "og-title": f'<meta property="og:title" content="{HEADLINE}">',
}


def news_page(
    head: str = "".join(META_SOURCES.values()),
    byline: str = 'By Ayla Demir · <time datetime="2025-03-11T08:30:00Z">11 March 2025</time>',
    charset: str = '<meta charset="utf-8">',
    body: list[str] = BODY,
) -> str:
    """A news-site page: the story amid navigation, banners, related stories and comments."""
    paragraphs = "\n".join(
        f"<h2>{p}</h2>" if p == "Russia responds" else f"<p>{p}</p>" for p in body
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head>{charset}
<title>{HEADLINE} | The Daily Ledger</title>
{head}
<style>body{{font-family:serif}} .nav{{display:flex}}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience on
our site. By continuing you accept our cookie policy.</p><button>Accept all cookies</button></div>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li>
<li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article class="story">
<h1>{HEADLINE}</h1>
<div class="byline">{byline}</div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<div class="story-body">
{paragraphs}
<script>loadAd('inline-1');</script>
</div></article>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Ceasefire talks stall in Geneva again</a></li>
<li><a href="/b">NATO ministers meet in Brussels this week</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>This is the best news I have read all year, well done Turkey.</p></div>
<div class="comment"><p>Nobody asked for this, the government should focus on the economy.</p>
</div></section></main>
<footer class="site-footer"><p>© 2025 The Daily Ledger. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
<p>Sign up for our newsletter to get the news every morning.</p></footer>
</body></html>
"""


def texts(article) -> list[str]:
    return [s.text for s in article.sentences]


# --- HTML ---------------------------------------------------------------------------------


def test_html_main_text_only_with_all_metadata():
    article = parse_article(news_page().encode(), "story.html")
    assert texts(article) == SENTENCES
    assert (article.title, article.date, article.url) == (HEADLINE, DATE, URL)
    for word in BOILERPLATE_WORDS:
        assert word not in article.text


@pytest.mark.parametrize("source", ["og", "jsonld", "meta-date"])
def test_html_date_from_each_metadata_source(source):
    page = news_page(head=META_SOURCES[source], byline="By Ayla Demir")
    assert parse_article(page.encode(), "story.html").date == DATE


def test_html_date_from_time_element():
    page = news_page(head="", byline='<time datetime="2025-03-11">Tuesday</time>')
    assert parse_article(page.encode(), "story.html").date == DATE


def test_html_date_falls_back_to_a_dateline_in_the_text():
    page = news_page(head="", byline="", body=["March 11, 2025", *BODY])
    article = parse_article(page.encode(), "story.html")
    assert article.date == DATE
    assert texts(article) == SENTENCES  # the dateline is not a sentence


def test_html_without_any_date():
    page = news_page(head="", byline="By Ayla Demir")
    assert parse_article(page.encode(), "story.html").date is None


@pytest.mark.parametrize(
    ("head", "url"),
    [
        (META_SOURCES["canonical"], URL),
        (META_SOURCES["og-url"], URL),
        (
            f'<link rel="canonical" href="{URL}">'
            '<meta property="og:url" content="https://m.ledger.example.com/x">',
            URL,
        ),
        ("", None),
    ],
)
def test_html_canonical_url(head, url):
    assert parse_article(news_page(head=head).encode(), "story.html").url == url


@pytest.mark.parametrize("head", [META_SOURCES["og-title"], ""])
def test_html_headline_from_og_title_or_the_page(head):
    assert parse_article(news_page(head=head).encode(), "story.html").title == HEADLINE


CAFE = ["Talks resumed at the Café Müller in Ankara on Tuesday. " * 3, *BODY[1:]]


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta charset="windows-1252">', "cp1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "cp1252"),
        ("", "utf-8"),  # undeclared
        ("", "cp1252"),  # undeclared, not UTF-8
        ('<meta charset="utf-8">', "utf-8-sig"),
        ('<meta charset="utf-8">', "cp1252"),  # declared wrongly
        ('<meta charset="no-such-charset">', "utf-8"),
    ],
)
def test_html_charsets(charset, encoding):
    data = news_page(charset=charset, body=CAFE).encode(encoding)
    assert "Café Müller" in texts(parse_article(data, "story.html"))[1]


def test_html_trafilatura_never_fetches(monkeypatch):
    import urllib3

    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(urllib3.PoolManager, "request", refuse)
    monkeypatch.setattr("socket.socket.connect", refuse)
    assert parse_article(news_page().encode(), "story.html").url == URL


def test_html_lists_and_tables_are_blocks():
    page = news_page(
        body=[
            *BODY[:2],
            "Three things were agreed.",
            "</p><ul><li>A ceasefire line</li><li>Observers at the border</li></ul><p>",
            "</p><table><tr><td>Turkey</td><td>3,000 troops</td></tr>"
            "<tr><td>France</td><td>2,000 troops</td></tr></table><p>",
            *BODY[2:],
        ]
    )
    assert texts(parse_article(page.encode(), "story.html"))[4:9] == [
        "Three things were agreed.",
        "A ceasefire line",
        "Observers at the border",
        "Turkey | 3,000 troops",
        "France | 2,000 troops",
    ]


# --- Markdown -----------------------------------------------------------------------------

MARKDOWN = """---
title: "Turkey offers peacekeepers for Ukraine"
date: 2025-03-11
url: https://ledger.example.com/world/turkey-peacekeepers
tags: [world, nato]
---

# Turkey offers *peacekeepers* for Ukraine

Turkey said on Tuesday that it was ready to send troops to a
peacekeeping force in [Ukraine](https://example.com/ukraine) if a ceasefire
is agreed.

<!-- editor: check the minister's name -->

The offer was made by the defence minister after a meeting of **NATO** allies in Brussels.
Officials in Ankara said the troops would only be deployed under an international mandate.

## Russia responds

Moscow has welcomed Turkey's role as a mediator in the past. It has, however, rejected any
presence of NATO forces on Ukrainian soil.

```python
print("not a sentence")
```

    indented code is not text either

Diplomats expect further talks in Istanbul later this month.
"""


def test_markdown_text_and_front_matter():
    article = parse_article(MARKDOWN.encode(), "story.md")
    assert texts(article) == SENTENCES
    assert (article.title, article.date, article.url) == (HEADLINE, DATE, URL)
    for markup in ("*", "[", "](", "<!--", "print", "indented", "tags", "---"):
        assert markup not in article.text


@pytest.mark.parametrize(
    ("source", "title", "date", "url", "sentences"),
    [
        ("# Headline\n\nText here.", "Headline", None, None, ["Headline", "Text here."]),
        ("Intro.\n\n## Sub\n\n# Main\n\n# Second", "Main", None, None,
         ["Intro.", "Sub", "Main", "Second"]),
        ("---\ndate: March 11, 2025\n---\nText.", None, DATE, None, ["Text."]),
        ("---\ntitle: 'Quoted'\ndate: 2025-03-11T08:30:00Z\n---\n# Heading\n\nText.",
         "Quoted", DATE, None, ["Heading", "Text."]),
        ("---\ndate: not a date\nurl:\n---\nText.", None, None, None, ["Text."]),
        ("# Headline\n\nMarch 11, 2025\n\nText.", "Headline", DATE, None, ["Headline", "Text."]),
        ("- first item\n- second item\n\n1. one\n2. two", None, None, None,
         ["first item", "second item", "one", "two"]),
        ("- a point\n\n  with a second paragraph\n- next", None, None, None,
         ["a point", "with a second paragraph", "next"]),
        ("| Country | Troops |\n| --- | --- |\n| Turkey | 3,000 |\n| France | 2,000 |", None,
         None, None, ["Country | Troops", "Turkey | 3,000", "France | 2,000"]),
        ("> A quoted line\n> goes on.\n\nAfter.", None, None, None,
         ["A quoted line goes on.", "After."]),
        ("Line one  \nline two and `code` here.", None, None, None,
         ["Line one line two and code here."]),
        ("A &amp; B met <span>today</span>.", None, None, None, ["A & B met today."]),
        ("Setext headline\n===\n\nText.", "Setext headline", None, None,
         ["Setext headline", "Text."]),
    ],
)  # fmt: skip
def test_markdown_cases(source, title, date, url, sentences):
    article = parse_article(source.encode(), "note.md")
    assert (article.title, article.date, article.url) == (title, date, url)
    assert texts(article) == sentences


# --- the same story in three formats ------------------------------------------------------

STORY_TXT = "11 March 2025\n" + HEADLINE + "\n\n" + "\n\n".join(BODY) + "\n"


def test_same_story_as_txt_md_and_html_gives_the_same_sentences(tmp_path):
    files = {
        "story.txt": STORY_TXT.encode(),
        "story.md": MARKDOWN.encode(),
        "story.markdown": MARKDOWN.encode(),
        "story.html": news_page().encode(),
        "story.HTM": news_page().encode("cp1252"),
    }
    articles = {name: parse_article(data, tmp_path / name) for name, data in files.items()}
    for name, article in articles.items():
        assert texts(article) == SENTENCES, name
        assert article.date == DATE, name


# --- PDF ----------------------------------------------------------------------------------

PDF_PAGES = [
    [
        ("bold", HEADLINE),
        ("", ""),
        ("", "Turkey said on Tuesday that it was ready to send troops to a peace-"),
        ("", "keeping force in Ukraine if a ceasefire is agreed."),
        ("", ""),
        ("", "The offer was made by the defence minister after a meeting of NATO allies in"),
        ("", "Brussels. Officials in Ankara said the troops would only be deployed under an"),
    ],
    [
        ("", "international mandate."),
        ("", ""),
        ("bold", "Russia responds"),
        ("", ""),
        ("", "Moscow has welcomed Turkey's role as a mediator in the past. It has, however,"),
        ("", "rejected any presence of NATO forces on Ukrainian soil."),
        ("", ""),
        ("", "Diplomats expect further talks in Istanbul later this month."),
    ],
]


def make_pdf(
    pages=PDF_PAGES, title: str | None = HEADLINE, encrypt: str | None = None, text=True
) -> bytes:
    """A PDF like a printed news page: a running header and a page number on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt, invariant=1)
    pdf.setTitle(title or "")  # reportlab's default is "untitled"
    for number, lines in enumerate(pages, 1):
        if not text:  # a scan: only pictures, no text layer
            pdf.rect(72, 300, 400, 400, fill=1)
            pdf.showPage()
            continue
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, 800, "The Daily Ledger — World news — 11 March edition")
        pdf.drawString(290, 40, f"Page {number} of {len(pages)}")
        y = 740
        for style, line in lines:
            pdf.setFont("Helvetica-Bold" if style else "Helvetica", 11)
            pdf.drawString(72, y, line)
            y -= 16 if line else 12
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_pdf_text_layer_without_running_header_and_page_numbers():
    article = parse_article(make_pdf(), "story.pdf")
    assert texts(article) == SENTENCES
    assert article.title == HEADLINE
    assert article.date == datetime.date(2000, 1, 1)  # reportlab's invariant CreationDate
    assert "Ledger" not in article.text and "Page" not in article.text


def test_pdf_dateline_wins_over_creation_date_and_no_title():
    pages = [[("", "March 11, 2025"), ("", ""), *PDF_PAGES[0]], PDF_PAGES[1]]
    article = parse_article(make_pdf(pages, title=None), "story.pdf")
    assert (article.date, article.title) == (DATE, None)
    assert texts(article) == SENTENCES


@pytest.mark.parametrize(
    "opening",
    ["Strasbourg, 11 March 2025", "STRASBOURG, 11 March 2025", "New York, March 11, 2025"],
)
def test_pdf_opening_with_a_place_and_date_takes_that_date(opening):
    pages = [[("", opening), ("", ""), *PDF_PAGES[0]], PDF_PAGES[1]]
    article = parse_article(make_pdf(pages, title=None), "story.pdf")
    assert article.date == DATE
    assert texts(article) == SENTENCES


REPEATED = (
    "This report was prepared by the secretariat for the members of the assembly and does "
    "not bind the council, its committees or any of the member states in any way."
)


def test_pdf_paragraph_repeated_on_every_page_is_kept_and_said():
    cut = REPEATED.rindex(" ", 0, 90)
    lines = [("", REPEATED[:cut]), ("", REPEATED[cut + 1 :]), ("", "")]
    pages = [[*lines, *page] for page in PDF_PAGES]
    article = parse_article(make_pdf(pages), "story.pdf")
    assert [s.text for s in article.sentences].count(REPEATED) == 2
    assert article.notes == (
        "story.pdf: 1 paragraph repeated on most pages kept: too long for a running header",
    )
    assert parse_article(make_pdf(), "story.pdf").notes == ()


def test_pdf_hyphen_before_a_capital_is_kept_and_paragraphs_join_across_pages():
    pages = [
        [("", "Talks on the Russia-"), ("", "Ukraine border went on"), ("", "all day; the cease-")],
        [("", "fire held."), ("", ""), ("", "Observers said so.")],
    ]
    assert texts(parse_article(make_pdf(pages), "x.pdf")) == [
        "Talks on the Russia-Ukraine border went on all day; the ceasefire held.",
        "Observers said so.",
    ]


def test_pdf_single_page_keeps_its_header_but_not_its_page_number():
    pages = [[("", "The only page of a short note."), ("", ""), ("", "A second paragraph.")]]
    assert texts(parse_article(make_pdf(pages), "x.pdf")) == [
        "The Daily Ledger — World news — 11 March edition",
        "The only page of a short note.",
        "A second paragraph.",
    ]


# --- files that cannot be read ------------------------------------------------------------

BAD_FILES = {
    "scan.pdf": (lambda: make_pdf(text=False), NoTextLayerError, "no text layer"),
    "locked.pdf": (lambda: make_pdf(encrypt="secret"), DocumentError, "encrypted"),
    "garbage.pdf": (lambda: b"%PDF-1.4\n" + bytes(range(256)) * 40, DocumentError, "PDF"),
    "truncated.pdf": (lambda: make_pdf()[:900], DocumentError, "PDF"),
    "notpdf.pdf": (lambda: b"Hello, this is plain text.\n", DocumentError, "PDF"),
    "truncated.html": (lambda: news_page().encode()[:300], DocumentError, "no article text"),
    "empty-body.html": (
        lambda: b"<html><head><title>T</title></head><body></body></html>",
        DocumentError,
        "no article text",
    ),
    "empty.html": (lambda: b"", DocumentError, "no article text"),
    "empty.md": (lambda: b"---\ntitle: x\n---\n\n<!-- nothing -->\n", DocumentError, "no article"),
    "binary.md": (lambda: b"\x00\x01\x02" * 100, InputError, "binary"),
    "binary.html": (lambda: b"\x00\x01\x02" * 100, InputError, "binary"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_raise_one_line_input_errors(name):
    make, error_type, reason = BAD_FILES[name]
    with pytest.raises(error_type) as raised:
        parse_article(make(), f"/articles/{name}")
    message = str(raised.value)
    assert message.startswith(f"/articles/{name}: ") and reason in message
    assert "\n" not in message


def test_truncated_html_mid_article_keeps_what_is_there():
    page = news_page().encode()
    cut = page[: page.index(b"Russia responds")]
    assert texts(parse_article(cut, "cut.html"))[:3] == SENTENCES[:3]


def test_pdf_size_and_page_caps(monkeypatch):
    monkeypatch.setattr(formats, "MAX_PDF_BYTES", 1000)
    with pytest.raises(DocumentError, match=r"big\.pdf: PDF of 0 MB is over the 0 MB limit"):
        parse_article(b"%PDF" + b" " * 2000, "big.pdf")
    monkeypatch.setattr(formats, "MAX_PDF_BYTES", 200 * 2**20)
    monkeypatch.setattr(formats, "MAX_PDF_PAGES", 1)
    with pytest.raises(DocumentError, match=r"long\.pdf: PDF has over 1 pages"):
        parse_article(make_pdf(), "long.pdf")


@pytest.mark.parametrize(
    ("module", "name", "data"),
    [
        ("trafilatura", "a.html", news_page().encode()),
        ("markdown_it", "a.md", MARKDOWN.encode()),
        ("pdfminer", "a.pdf", b"%PDF-1.4"),
    ],
)
def test_missing_extra_says_how_to_install(monkeypatch, module, name, data):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(MissingExtraError) as raised:
        parse_article(data, name)
    assert str(raised.value).startswith(f"{name}: ")
    assert "pip install -e '.[formats]'" in str(raised.value)


# --- folder walking and the CLI -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "picked"),
    [
        ("a.txt", True),
        ("a.md", True),
        ("a.MARKDOWN", True),
        ("a.Html", True),
        ("a.htm", True),
        ("a.PDF", True),
        (".hidden.md", False),
        ("a.docx", True),
        ("a.doc", False),
        ("a.md.bak", False),
        ("README", False),
    ],
)
def test_folder_walk_picks_readable_suffixes(name, picked):
    assert is_article_name(name) is picked


def test_readers_registered():
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"} <= set(READERS)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("story.md", MARKDOWN.encode),
        ("story.html", lambda: news_page().encode()),
        ("story.pdf", make_pdf),
    ],
)
def test_split_json_on_each_format(tmp_path, name, make):
    path = tmp_path / name
    path.write_bytes(make())
    result = invoke("split", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == SENTENCES
    if name != "story.pdf":
        assert {r["date"] for r in records} == {"2025-03-11"}


def test_split_of_a_scan_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(text=False))
    result = invoke("split", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"search: {path}: PDF has no text layer (a scan?); run OCR on it to index its text"
    ]


def test_index_folder_of_mixed_formats(tmp_path):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "story.txt").write_text(STORY_TXT)
    (folder / "note.MD").write_bytes(MARKDOWN.encode())
    (folder / "sub" / "page.html").write_bytes(news_page().encode())
    (folder / "sub" / "print.pdf").write_bytes(make_pdf())
    (folder / "scan.pdf").write_bytes(make_pdf(text=False))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    index = tmp_path / "index"
    result = invoke("index", str(folder), "--index-dir", str(index))
    assert result.exit_code == 2
    warnings = [line for line in result.stderr.splitlines() if ".pdf" in line]
    assert len(warnings) == 2
    assert any(f"{folder / 'scan.pdf'}: PDF has no text layer" in w for w in warnings)
    assert any(f"{folder / 'broken.pdf'}: corrupt or truncated PDF" in w for w in warnings)
    # The picture is no article: not read, no warning of its own, counted in the summary.
    assert "image.png" not in result.stderr and "Traceback" not in result.stderr
    assert "1 file skipped: 1 .png; see --include" in result.stderr.splitlines()
    state = status(index)
    assert (state["articles"], state["sentences"]) == (4, 4 * len(SENTENCES))
    query = invoke("query", "-l", "--json", "peacekeeping", "--index-dir", str(index))
    assert {json.loads(line)["article"] for line in query.stdout.splitlines()} == {
        "story",
        "note",
        "page",
        "print",
    }


# --- Huge pages (issue 24) ------------------------------------------------------------------


@pytest.fixture
def small_bound(monkeypatch):
    """Pages over 2,000 bytes count as large: the news page (about 2.9 KB) is one."""
    monkeypatch.setattr(formats, "MAX_EXTRACTED_HTML_BYTES", 2_000)


def test_a_page_past_the_bound_is_read_as_plain_text_with_a_note(small_bound, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("trafilatura's extraction is quadratic: not for a large page")

    trafilatura = pytest.importorskip("trafilatura")
    monkeypatch.setattr(trafilatura, "bare_extraction", never)
    article = parse_article(news_page().encode(), "story.html")
    (note,) = article.notes
    assert note.startswith("story.html: web page of") and "read as plain text" in note
    assert (article.title, article.url) == (f"{HEADLINE} | The Daily Ledger", URL)
    text = " ".join(texts(article))
    for sentence in SENTENCES[1:]:
        assert sentence in text
    for hidden in ("dataLayer", "loadAd", "font-family", "Home", "rights reserved"):
        assert hidden not in text  # scripts, styles, navigation and the footer are dropped


@pytest.mark.parametrize(
    ("page", "blocks"),
    [
        ("<p>One.</p><p>Two.</p>", ["One.", "Two."]),
        ("<p>a <b>bold</b> word</p>", ["a bold word"]),
        ("<p>x &amp; y &lt;z&gt;</p>", ["x & y <z>"]),
        ("<script>if (a < b) { x = '</p>'; }</script><p>After.</p>", ["After."]),
        ("<p>Before.</p><!-- a comment <p>not text</p> --><p>After.</p>", ["Before.", "After."]),
        ("<p>Kept.</p><!-- never closed <p>lost", ["Kept."]),
        ("<p>Kept.</p><script>never closed", ["Kept."]),
        ("<p>Kept.</p><nav><nav>inner</nav> tail</nav><p>Next.</p>", ["Kept.", "tail", "Next."]),
        ("<p>Kept.</p><img src='x'/><br/>Line", ["Kept.", "Line"]),
        ("<p>Kept.</p><div", ["Kept."]),
        ("<P>Upper.</P><SCRIPT>x</SCRIPT><P>Case.</P>", ["Upper.", "Case."]),
    ],
)
def test_the_plain_reader(page, blocks):
    document = formats.read_large_html(f"<html><body>{page}</body></html>".encode(), "p.html")
    assert document.text.split("\n\n") == blocks


@pytest.mark.parametrize("hostile", ["<!--", "<script>", "<nav>", "<p", "<a<"])
def test_the_plain_reader_reads_hostile_markup_in_one_pass(hostile):
    """Each construct repeated 100,000 times: a reader that searched for the end of each one
    from the start of each one would take minutes; this one takes a fraction of a second."""
    page = ("<p>Start here.</p>" + hostile * 100_000).encode()
    assert formats.read_large_html(page, "h.html").text == "Start here."


def test_a_large_page_is_indexed_with_one_warning(tmp_path, small_bound):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.html").write_text(news_page(), encoding="utf-8")
    result = invoke("index", str(folder), "--index-dir", str(tmp_path / "index"))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "story.html" in warnings[0] and "plain text" in warnings[0]
    found = invoke("query", "-c", "peacekeeping", "--index-dir", str(tmp_path / "index"))
    assert found.stdout.strip() == "2"  # the headline and the first paragraph
