"""Article bytes as text, whatever their encoding; binary files refused.

Articles arrive from many tools: UTF-8 with or without a BOM, UTF-16 from
Windows editors, Windows-1252 or Latin-1 from older systems. `decode_article`
accepts all of these and refuses only what is not text at all (NUL bytes,
control characters), so one stray binary file never poisons the index.
"""

from __future__ import annotations

import codecs
import re

from ..errors import BinaryFileError

# C0 control characters other than tab, newline, vertical tab, form feed and
# carriage return: text files do not contain them, binary files are full of them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01


def decode_article(data: bytes, name: str = "file") -> str:
    """The text of an article file, whatever its encoding.

    Accepted: UTF-8 (with or without BOM), UTF-16 with a BOM, and Windows-1252
    (a superset of the printable part of Latin-1) for anything else that is text.
    Raises BinaryFileError for NUL bytes or many control characters.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data.decode("utf-16", errors="replace"), name)
    if b"\x00" in data:
        raise BinaryFileError(
            f"{name}: binary file (NUL bytes), skipped; only text files are indexed"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = (
            data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")
        )
    return _checked(text, name)


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _checked(text: str, name: str) -> str:
    if "\x00" in text:
        raise BinaryFileError(
            f"{name}: binary file (NUL characters), skipped; only text is indexed"
        )
    if text:
        sample = text[:65536]
        controls = len(_CONTROL.findall(sample))
        if controls > _MAX_CONTROL_RATIO * len(sample):
            raise BinaryFileError(
                f"{name}: binary file (control characters), skipped; only text files are indexed"
            )
    return text
