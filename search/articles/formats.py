"""Article files as people keep them: saved web pages, Markdown notes and PDFs, as `Document`s.

Each reader takes a file's bytes and gives a `Document`: plain text in which every paragraph,
heading, list item and table row is its own block (blocks are separated by a blank line, so the
sentence splitter never runs an unpunctuated heading into the next sentence), and the metadata
the format carries (headline, publication date, canonical URL).

- HTML: trafilatura finds the main text (no navigation, menus, related stories, cookie
  banners, share buttons, comments, scripts or styles) and the metadata. It is given the page we
  already hold and never fetches anything.
- Markdown: markdown-it-py's tokens, without markup, code blocks or HTML; front matter
  (``title:``, ``date:``, ``url:`` between ``---`` fences) is the metadata.
- PDF: pdfminer.six's text boxes (it keeps paragraphs apart and reads pages in layout order,
  which pypdf does not), with running headers, footers and page numbers dropped and words
  hyphenated across a line break rejoined.

The libraries are an extra (``pip install -e '.[formats]'``) and are imported only when a
file of their format is read; without them the reader raises `MissingExtraError`. A file that
cannot be read (corrupt, encrypted, too large, no text) raises a `DocumentError` naming it.
"""

from __future__ import annotations

import codecs
import datetime
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from io import BytesIO

from ..errors import DocumentError, MissingExtraError, NoTextLayerError
from .dateline import parse_dateline
from .decode import decode_article
from .headline import text_headline

__all__ = ["Document", "FORMAT_READERS", "read_html", "read_markdown", "read_pdf"]

MAX_PDF_BYTES = 200 * 1024 * 1024
# Pages larger than this are not given to trafilatura, whose extraction time grows with the
# square of the page (measured, benchmarks/huge_inputs.py: 2 MB 2.4 s, 8 MB 9.6 s, 16 MB
# 100 s, 50 MB not done in 600 s at 1.67 GB): a plain reader that drops the markup, scripts,
# styles and navigation reads them in time and memory linear in their size, with a warning.
MAX_EXTRACTED_HTML_BYTES = 2_000_000
MAX_HTML_BYTES = 200 * 1024 * 1024
MAX_PDF_PAGES = 5000
_DATELINE_BLOCKS = 3  # a dateline stands among the first blocks (after the headline, a byline)


@dataclass(frozen=True)
class Document:
    """What a format reader gives: the article's plain text and its metadata, if any."""

    text: str
    title: str | None = None
    date: datetime.date | None = None
    url: str | None = None
    # A container (a mailbox): its articles, each with its key (`box.mbox#<key>`); `text` is "".
    parts: tuple[tuple[str, Document], ...] = ()
    # What the reader noticed and the indexer should say (one warning each), the file indexed.
    notes: tuple[str, ...] = ()
    language: str | None = None  # the language the file declares (`<html lang>`, a mail's
    # Content-Language, front matter `lang:`, a document's dc:language), as written


def _require(module: str, name: str):
    """The module, or MissingExtraError saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{name}: reading this format needs the 'formats' extra "
            f"({module.split('.')[0]} is not installed); run: pip install -e '.[formats]'"
        ) from None


_SPACE = re.compile(r"[^\S\n]+")


def _clean(block: str) -> str:
    """One block: runs of spaces as one space, no blank lines inside, stripped."""
    lines = (_SPACE.sub(" ", line).strip() for line in block.splitlines())
    return "\n".join(line for line in lines if line)


def _document(
    name: str,
    blocks: Iterable[str],
    title: str | None,
    date: datetime.date | None,
    url: str | None,
) -> Document:
    """Blocks joined by blank lines; a dateline block near the top is the date, not text.

    Raises DocumentError when there is no text at all.
    """
    kept = [b for b in map(_clean, blocks) if b]
    for i, block in enumerate(kept[:_DATELINE_BLOCKS]):
        dateline = parse_dateline(block)
        if dateline is not None:
            del kept[i]
            date = date or dateline
            break
    if not kept:
        raise DocumentError(f"{name}: no article text found (empty or not an article)")
    return Document("\n\n".join(kept), title or None, date, url or None)


def parse_date(value: str | None) -> datetime.date | None:
    """A date from metadata: ISO 8601 (``2025-03-11``, ``2025-03-11T08:30:00Z``) or a dateline."""
    if not value:
        return None
    value = value.strip().strip("'\"")
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return parse_dateline(value)


def matched_date(match: re.Match | None) -> datetime.date | None:
    """The date a pattern's year, month and day groups spell; None without a match or when
    the day does not exist (`20250231`)."""
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


# --- HTML ---------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def decode_html(data: bytes, name: str) -> str:
    """A page's text: BOM, else the declared `<meta charset>` if the bytes fit it, else as
    `decode_article` reads any text (UTF-8, then Windows-1252)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_article(data, name)
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            encoding = None
        if encoding in ("latin-1", "iso8859-1", "ascii"):
            encoding = "cp1252"  # as browsers read them
        if encoding and not encoding.startswith("utf-16"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                pass
    return decode_article(data, name)


def read_html(data: bytes, name: str) -> Document:
    """A saved web page: the article's main text, headline, publication date and canonical URL.

    A page over MAX_EXTRACTED_HTML_BYTES is read by `read_large_html` instead.
    """
    trafilatura = _require("trafilatura", name)
    if len(data) > MAX_HTML_BYTES:
        raise DocumentError(
            f"{name}: web page of {len(data) // 2**20} MB is over the "
            f"{MAX_HTML_BYTES // 2**20} MB limit"
        )
    if len(data) > MAX_EXTRACTED_HTML_BYTES:
        return read_large_html(data, name)
    tree = trafilatura.utils.load_html(decode_html(data, name))
    if tree is None:
        raise DocumentError(f"{name}: no article text found in the page (empty or not an article)")
    canonical = _canonical_url(tree)  # read first: extraction prunes the tree
    declared = tree.get("lang") if tree.tag == "html" else None
    try:
        extracted = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as error:  # lxml refuses some malformed documents
        raise DocumentError(f"{name}: not a readable web page ({error})") from None
    if extracted is None or extracted.body is None:
        raise DocumentError(f"{name}: no article text found in the page (empty or not an article)")
    document = _document(
        name,
        _html_blocks(extracted.body),
        extracted.title,
        parse_date(extracted.date),
        canonical or extracted.url,
    )
    return replace(document, language=declared or None)


# The plain reader of large pages ----------------------------------------------------------

# Elements whose content is not article text: dropped whole.
_HIDDEN = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "nav",
        "aside",
        "footer",
        "header",
        "form",
        "head",
        "iframe",
        "object",
        "select",
        "button",
    ]
)
_RAW_TEXT = frozenset(["script", "style"])  # may hold a "<" that is not a tag
# Elements that end a block of text (the others, like <b> or <a>, run on inside one).
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "figcaption",
        "caption",
        "hr",
        "address",
        "details",
        "summary",
    ]
)
_MARKUP = re.compile(r"<(?:(!--)|(/?)([A-Za-z][A-Za-z0-9:-]*)|[!?/])")
_TITLE = re.compile(r"<title\b[^>]*>([^<]*)<", re.I)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""\b(rel|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def read_large_html(data: bytes, name: str) -> Document:
    """A page too large for trafilatura: its text without markup, scripts, styles, forms and
    navigation, block by block; the headline from <title>, the URL from the canonical link.
    One pass over the page, each step a linear scan (no backtracking), so time and memory
    grow with the page's size, never faster."""
    import html

    text = decode_html(data, name)
    title = _TITLE.search(text)
    blocks = html.unescape(_plain_text(text)).split("\n\n")
    note = (
        f"{name}: web page of {len(data) / 1e6:.1f} MB read as plain text (over "
        f"{MAX_EXTRACTED_HTML_BYTES / 1e6:.0f} MB: menus and boilerplate may be included)"
    )
    document = _document(
        name,
        blocks,
        html.unescape(title.group(1)).strip() if title else None,
        None,
        _canonical_link(text),
    )
    return Document(document.text, document.title, document.date, document.url, notes=(note,))


def _plain_text(text: str) -> str:
    """`text` without its markup: a blank line where a block ends, hidden elements dropped."""
    pieces: list[str] = []
    position = 0
    hidden: str | None = None  # the element being dropped, until it closes
    while (markup := _MARKUP.search(text, position)) is not None:
        if hidden is None:
            pieces.append(text[position : markup.start()])
        if markup.group(1):  # a comment
            end = text.find("-->", markup.end())
            position = len(text) if end < 0 else end + 3
            continue
        end = text.find(">", markup.end())
        if end < 0:
            return "".join(pieces)
        position = end + 1
        tag = (markup.group(3) or "").lower()
        closing = markup.group(2) == "/"
        if hidden is not None:
            hidden = None if closing and tag == hidden else hidden
        elif tag in _RAW_TEXT and not closing:
            close = re.compile(rf"</{tag}\s*>", re.I).search(text, position)
            position = len(text) if close is None else close.end()
        elif tag in _HIDDEN and not closing and text[end - 1] != "/":
            hidden = tag
        elif tag in _BLOCKS:
            pieces.append("\n\n")
    if hidden is None:
        pieces.append(text[position:])
    return "".join(pieces)


def _canonical_link(text: str) -> str | None:
    for link in _LINK.finditer(text):
        attributes = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
            for m in _ATTRIBUTE.finditer(link.group())
        }
        if "canonical" in attributes.get("rel", "").lower().split() and attributes.get("href"):
            return attributes["href"].strip()
    return None


def _canonical_url(tree) -> str | None:
    """`<link rel="canonical">`, which names the page itself (trafilatura prefers og:url)."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return None


def _html_blocks(body) -> Iterator[str]:
    """trafilatura's output tree (head, p, list/item, quote, table/row/cell...) as blocks."""
    for element in body:
        tag = element.tag
        if tag == "list":
            for item in element.iter("item"):
                yield _element_text(item)
        elif tag == "table":
            for row in element.iter("row"):
                yield " | ".join(_element_text(cell) for cell in row.iter("cell"))
        elif tag in ("code", "graphic"):
            continue
        else:
            yield _element_text(element)


def _element_text(element) -> str:
    parts = []
    for node in element.iter():
        if node.tag == "lb":
            parts.append("\n")
        if node.text and node.tag != "lb":
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)


# --- Markdown -----------------------------------------------------------------------------

_FRONT_MATTER_LINE = re.compile(r"^(\w+)\s*:\s*(.*?)\s*$")


def read_markdown(data: bytes, name: str) -> Document:
    """A Markdown note: its text without markup; front matter and the first `#` heading as
    metadata. Code blocks and HTML (comments included) are left out."""
    markdown_it = _require("markdown_it", name)
    front_matter = _require("mdit_py_plugins.front_matter", name)
    source = decode_article(data, name)
    parser = markdown_it.MarkdownIt("commonmark").use(front_matter.front_matter_plugin)
    parser.enable("table")
    tokens = parser.parse(source)
    meta: dict[str, str] = {}
    headline = None
    blocks = []
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "front_matter":
            meta = _front_matter(token.content)
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.append(" | ".join(row))
            row = None
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if row is not None:
                row.append(text.strip())
                continue
            opener = tokens[i - 1]
            if opener.type == "heading_open" and opener.tag == "h1" and headline is None:
                headline = _clean(text)
            blocks.append(text)
    document = _document(
        name,
        blocks,
        meta.get("title") or headline,
        parse_date(meta.get("date")),
        meta.get("url"),
    )
    return replace(document, language=meta.get("lang") or meta.get("language"))


def _front_matter(content: str) -> dict[str, str]:
    """`key: value` lines (YAML-like, top level only); quotes around a value are dropped."""
    meta = {}
    for line in content.splitlines():
        match = _FRONT_MATTER_LINE.match(line)
        if match and match.group(2):
            meta[match.group(1).lower()] = match.group(2).strip("'\"")
    return meta


def _inline_text(children) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


# --- PDF ----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"(?i)(?:page\s*)?[-–—(]?\s*\d{1,5}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,5})?")
_DIGITS = re.compile(r"\d+")
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")  # peace- / keeping: one word
_COMPOUND_BREAK = re.compile(r"(?<=\w-)\n(?=\w)")  # Russia- / Ukraine: the hyphen stays
_EDGE = 2  # boxes at the top and at the bottom of a page that may be a running header/footer


def read_pdf(data: bytes, name: str) -> Document:
    """A PDF's text layer, pages joined, running headers/footers/page numbers dropped.

    `/Title` is the headline (else the first line, if it reads as one: `text_headline`);
    `/CreationDate` is the date unless the text opens with a dateline.
    """
    if len(data) > MAX_PDF_BYTES:
        raise DocumentError(
            f"{name}: PDF of {len(data) / 2**20:.0f} MB is over the "
            f"{MAX_PDF_BYTES // 2**20} MB limit"
        )
    pages, info = _pdf_pages(data, name)
    if not any(pages):
        raise NoTextLayerError(
            f"{name}: PDF has no text layer (a scan?); run OCR on it to index its text"
        )
    kept, dropped = _without_running_lines(pages)
    blocks = _join_pages(kept)
    text_date = _opening_date(blocks)
    date = text_date or _pdf_date(info.get("CreationDate"))
    title = info.get("Title") or text_headline("\n\n".join(blocks))
    document = _document(name, blocks, title, date, None)
    if dropped:
        return replace(document, notes=(f"{name}: {dropped}",))
    return document


# "Strasbourg, 3 April 2025": a place (one to four capitalised words), a comma, a dateline.
_PLACE = re.compile(r"(?:[A-Z][\w'’.-]*)(?:[ -][A-Z][\w'’.-]*){0,3}\s*,\s*(?P<rest>.+)")


def _opening_date(blocks: list[str]) -> datetime.date | None:
    """The date the text opens with: a dateline among the first blocks, or one after a
    place as official documents open (`Strasbourg, 3 April 2025`); that line is removed."""
    for i, block in enumerate(blocks[:_DATELINE_BLOCKS]):
        first, _newline, rest = block.partition("\n")
        date = parse_dateline(block)
        if date is None:
            place = _PLACE.fullmatch(first.strip())
            date = parse_dateline(place.group("rest")) if place else None
            if date is not None:
                blocks[i] = rest
        if date is not None:
            return date
    return None


def _pdf_pages(data: bytes, name: str) -> tuple[list[list[str]], dict[str, str]]:
    """Each page's text boxes in reading order, and the document info (/Title, ...)."""
    _require("pdfminer", name)
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextBox
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings are not ours to print
    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        info = _pdf_info(document)
        manager = PDFResourceManager()
        device = PDFPageAggregator(manager, laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        pages = []
        for number, page in enumerate(PDFPage.create_pages(document), 1):
            if number > MAX_PDF_PAGES:
                raise DocumentError(f"{name}: PDF has over {MAX_PDF_PAGES} pages, the limit")
            interpreter.process_page(page)
            layout = device.get_result()
            pages.append([box.get_text() for box in layout if isinstance(box, LTTextBox)])
    except DocumentError:
        raise
    except PDFPasswordIncorrect:
        raise DocumentError(f"{name}: PDF is encrypted with a password; decrypt it first") from None
    except Exception as error:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError...)
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DocumentError(f"{name}: corrupt or truncated PDF ({reason})") from None
    return [[b for b in map(_clean, page) if b] for page in pages], info


def _pdf_info(document) -> dict[str, str]:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    info = {}
    for entry in document.info:
        for key, value in entry.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str) and value.strip():
                info[key] = value.strip()
    return info


def _pdf_date(value: str | None) -> datetime.date | None:
    """`D:20250311083000+00'00'` (PDF date syntax) as a date."""
    return matched_date(re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value or ""))


# A running header or footer is a line or two: a box repeated on most pages that is longer
# than this is body text (a recurring disclaimer, a repeated paragraph) and is kept.
MAX_RUNNING_CHARS = 120


def _without_running_lines(pages: list[list[str]]) -> tuple[list[list[str]], str | None]:
    """Pages without boxes that repeat at the top or bottom of most pages (digits ignored, so
    "Page 3 of 9" repeats), nor lone page numbers there; and a note when a repeating box
    was too long to be a header and was kept."""

    def key(box: str) -> str:
        return _DIGITS.sub("#", box.lower())

    def edges(page: list[str]) -> set[int]:
        return set(range(min(_EDGE, len(page)))) | set(range(max(0, len(page) - _EDGE), len(page)))

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({key(page[i]) for i in edges(page)})
    needed = max(2, (len(pages) + 1) // 2)
    kept, long_repeats = [], set()
    for page in pages:
        running = set()
        for i in edges(page):
            if _PAGE_NUMBER.fullmatch(page[i]):
                running.add(i)
            elif seen[key(page[i])] >= needed:
                if len(page[i]) <= MAX_RUNNING_CHARS:
                    running.add(i)
                else:
                    long_repeats.add(key(page[i]))
        kept.append([box for i, box in enumerate(page) if i not in running])
    note = None
    if long_repeats:
        note = (
            f"{len(long_repeats)} paragraph{'s' if len(long_repeats) > 1 else ''} repeated on "
            "most pages kept: too long for a running header"
        )
    return kept, note


def _join_pages(pages: list[list[str]]) -> list[str]:
    """All boxes in order; a paragraph cut by a page break is joined again, and within a box a
    word hyphenated across a line break (``peace-`` / ``keeping``) is one word again; before a
    capital the hyphen is part of the word (``Russia-`` / ``Ukraine``) and stays."""
    blocks: list[str] = []
    for page in pages:
        for i, box in enumerate(page):
            if i == 0 and blocks and _continues(blocks[-1], box):
                box = blocks.pop() + "\n" + box
            blocks.append(box)
    return [_COMPOUND_BREAK.sub("", _HYPHEN_BREAK.sub("", block)) for block in blocks]


def _continues(previous: str, box: str) -> bool:
    """A box that starts lowercase after one that ends mid-sentence is the same paragraph."""
    return bool(box[:1].islower()) and not previous.rstrip().endswith((".", "!", "?", ":", '"'))


FORMAT_READERS: dict[str, Callable[[bytes, str], Document]] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
}

# The modules each reader above imports through `_require`: the `formats` extra.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    ".md": ("markdown_it", "mdit_py_plugins.front_matter"),
    ".markdown": ("markdown_it", "mdit_py_plugins.front_matter"),
    ".html": ("trafilatura",),
    ".htm": ("trafilatura",),
    ".pdf": ("pdfminer",),
    ".rtf": ("striprtf",),
}


def lacks_extra(suffix: str) -> bool:
    """Whether reading files of this suffix needs a module of the extra that is not installed.

    Found without importing (trafilatura alone takes a second to import), so an indexer can
    count such files as skipped before reading them.
    """
    import importlib.util

    for module in EXTRA_MODULES.get(suffix.lower(), ()):
        try:
            if importlib.util.find_spec(module) is None:
                return True
        except (ImportError, ValueError):  # a parent package missing, or a stub module
            return True
    return False
