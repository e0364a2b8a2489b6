"""Word processors' files as `Document`s: Word `.docx`, OpenDocument `.odt` and `.rtf`.

- `.docx` and `.odt` are zip files of XML: the standard library's `zipfile` and
  `xml.etree.ElementTree` read them (no dependency). Every paragraph and heading is one block;
  the document's title property (else its first Title or Heading 1 paragraph) is the headline,
  its creation date the date (a dateline at the top of the text wins).
- `.rtf` is read by `striprtf` (the `formats` extra); the `{\\info}` group's `\\title` and
  `\\creatim` are the headline and the date.

A file that is not what its suffix says, is encrypted with a password, or is corrupt raises a
`DocumentError` naming it, so the indexer warns once and goes on.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO
from xml.etree import ElementTree

from ..errors import DocumentError
from .formats import Document, _document, _require, matched_date, parse_date

__all__ = ["OFFICE_READERS", "read_docx", "read_odt", "read_rtf"]

# A part bigger than this once unzipped is refused (a zip bomb is a few KB that unzip to GBs).
MAX_PART_BYTES = 100 * 1024 * 1024
# The start of an OLE compound file: what Word and LibreOffice write when a document is
# encrypted with a password (and what an old binary .doc is).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"


def _archive(data: bytes, name: str, kind: str) -> zipfile.ZipFile:
    """The zip inside a .docx/.odt, or DocumentError saying why it is not one."""
    if data.startswith(_OLE):
        raise DocumentError(
            f"{name}: {kind} is encrypted with a password (or is an old binary format); "
            "save it unprotected to index it"
        )
    try:
        return zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError(f"{name}: corrupt or truncated {kind} ({error})") from None


def _part(archive: zipfile.ZipFile, part: str, name: str, kind: str) -> ElementTree.Element | None:
    """One XML part of the archive, parsed; None when the archive has no such part."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise DocumentError(f"{name}: {kind} part {part} is over {MAX_PART_BYTES >> 20} MB")
    try:
        return ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError) as error:
        raise DocumentError(f"{name}: corrupt or truncated {kind} ({part}: {error})") from None
    except RuntimeError as error:  # zipfile: a password-protected entry
        raise DocumentError(f"{name}: {kind} is encrypted ({error}); decrypt it first") from None


def _required_part(
    archive: zipfile.ZipFile, part: str, name: str, kind: str
) -> ElementTree.Element:
    """`_part`, where an archive without it is not a `kind` at all."""
    found = _part(archive, part, name, kind)
    if found is None:
        article = "an" if kind[0] in "AEIOU" else "a"
        raise DocumentError(f"{name}: not {article} {kind} (no {part})")
    return found


def _child_text(element: ElementTree.Element | None, tag: str) -> str | None:
    found = element.find(f".//{tag}") if element is not None else None
    return (found.text or "").strip() or None if found is not None else None


# --- Word ---------------------------------------------------------------------------------

_HEADLINE_STYLES = {"title", "heading1", "titre", "berschrift1"}


def read_docx(data: bytes, name: str) -> Document:
    """A Word document: its paragraphs (tables row by row), title property and creation date."""
    archive = _archive(data, name, "Word document")
    body = _required_part(archive, "word/document.xml", name, "Word document")
    core = _part(archive, "docProps/core.xml", name, "Word document")
    headline = _child_text(core, f"{_DC}title")
    blocks = []
    for paragraph in body.iter(f"{_W}p"):
        text = "".join(_docx_runs(paragraph))
        if headline is None and text.strip() and _docx_style(paragraph) in _HEADLINE_STYLES:
            headline = text.strip()
        blocks.append(text)
    created = parse_date(_child_text(core, f"{_DCTERMS}created"))
    document = _document(name, blocks, headline, created, None)
    return replace(document, language=_child_text(core, f"{_DC}language"))


def _docx_runs(paragraph: ElementTree.Element) -> Iterator[str]:
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            yield node.text
        elif node.tag == f"{_W}tab":
            yield " "
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"


def _docx_style(paragraph: ElementTree.Element) -> str:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    value = style.get(f"{_W}val", "") if style is not None else ""
    return re.sub(r"[^a-z0-9]", "", value.lower())


# --- OpenDocument -------------------------------------------------------------------------


def read_odt(data: bytes, name: str) -> Document:
    """An OpenDocument text: its paragraphs and headings, title and creation date."""
    archive = _archive(data, name, "OpenDocument text")
    manifest = _part(archive, "META-INF/manifest.xml", name, "OpenDocument text")
    if manifest is not None and manifest.find(f".//{_MANIFEST}encryption-data") is not None:
        raise DocumentError(
            f"{name}: OpenDocument text is encrypted with a password; save it unprotected "
            "to index it"
        )
    content = _required_part(archive, "content.xml", name, "OpenDocument text")
    meta = _part(archive, "meta.xml", name, "OpenDocument text")
    headline = _child_text(meta, f"{_DC}title")
    blocks = []
    for element in content.iter():
        if element.tag in (f"{_TEXT}p", f"{_TEXT}h"):
            text = "".join(_odt_text(element))
            if headline is None and element.tag == f"{_TEXT}h" and text.strip():
                headline = text.strip()
            blocks.append(text)
    created = _child_text(meta, f"{_META}creation-date") or _child_text(meta, f"{_DC}date")
    document = _document(name, blocks, headline, parse_date(created), None)
    return replace(document, language=_child_text(meta, f"{_DC}language"))


def _odt_text(element: ElementTree.Element) -> Iterator[str]:
    """A paragraph's text: spans and links inside, `text:s` spaces, tabs and line breaks;
    notes and paragraphs nested in it (frames) are left to their own blocks."""
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag
        if tag == f"{_TEXT}s":
            yield " " * int(child.get(f"{_TEXT}c", "1") or 1)
        elif tag == f"{_TEXT}tab":
            yield " "
        elif tag == f"{_TEXT}line-break":
            yield "\n"
        elif tag not in (f"{_TEXT}note", f"{_TEXT}p", f"{_TEXT}h"):
            yield from _odt_text(child)
        if child.tail:
            yield child.tail


# --- RTF ----------------------------------------------------------------------------------

_RTF_TITLE = re.compile(rb"\{\\title\s+([^{}]*)\}")
_RTF_CREATED = re.compile(rb"\\creatim\\yr(\d{4})\\mo(\d{1,2})\\dy(\d{1,2})")


def read_rtf(data: bytes, name: str) -> Document:
    """An RTF file: its text without control words; `\\title` and `\\creatim` as metadata."""
    striprtf = _require("striprtf.striprtf", name)
    if not data.lstrip().startswith(b"{\\rtf"):
        raise DocumentError(f"{name}: not an RTF file (it does not start with {{\\rtf)")
    source = data.decode("cp1252", errors="replace")  # RTF is 7-bit; \'xx escapes the rest
    try:
        text = striprtf.rtf_to_text(source, errors="replace")
    except Exception as error:  # striprtf raises what its regular expressions meet
        raise DocumentError(f"{name}: corrupt RTF ({type(error).__name__})") from None
    title = _RTF_TITLE.search(data)
    headline = striprtf.rtf_to_text(title.group(1).decode("cp1252")).strip() if title else None
    return _document(name, re.split(r"\n\s*\n|\n", text), headline, _rtf_date(data), None)


def _rtf_date(data: bytes) -> datetime.date | None:
    return matched_date(_RTF_CREATED.search(data))


OFFICE_READERS = {".docx": read_docx, ".odt": read_odt, ".rtf": read_rtf}
