"""E-mail as `Document`s: one message (`.eml`) or a mailbox of them (`.mbox`).

The standard library's `email` parser (policy `default`) reads each message: the Subject is the
headline, the Date header the date, and the body its text part, else the main text of its HTML
part (read as a saved web page is, by trafilatura). Attachments are not read: they are files of
their own kind, not the message's text.

A mailbox is split at its `From ` lines (the mbox format that mail clients export); each message
is one part of the document, numbered from 1 in the order the mailbox holds them, and is
indexed as its own article, `box.mbox#1`, `box.mbox#2`, ...
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from dataclasses import replace
from email.message import EmailMessage, MIMEPart

from ..errors import DocumentError, InputError
from .formats import Document, _document, parse_date, read_html

__all__ = ["MAIL_READERS", "read_eml", "read_mbox"]

_FROM_LINE = re.compile(rb"^From [^\n]*\n", re.M)
# Header names that every real message has at least one of.
_HEADERS = ("subject", "from", "date", "message-id", "to")


def read_eml(data: bytes, name: str) -> Document:
    """One e-mail message: Subject, Date and its text (the attachments are left out)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not any(h in message for h in _HEADERS):
        raise DocumentError(f"{name}: not an e-mail message (no Subject, From or Date header)")
    if message.defects and not message.get_payload():
        raise DocumentError(
            f"{name}: corrupt e-mail message ({message.defects[0].__class__.__name__})"
        )
    subject = _header(message, "subject")
    date = _message_date(message)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise DocumentError(f"{name}: e-mail message has no text part (only attachments?)")
    try:
        content = body.get_content()
    except (LookupError, ValueError, AssertionError) as error:  # an unknown charset, bad base64
        raise DocumentError(f"{name}: e-mail text cannot be decoded ({error})") from None
    notes = _attachments_note(message, name)
    # The language the message declares (Content-Language, of the part or the message).
    declared = _header(body, "content-language") or _header(message, "content-language")
    if body.get_content_subtype() == "html":
        page = read_html(content.encode("utf-8") if isinstance(content, str) else content, name)
        return Document(
            page.text,
            subject or page.title,
            date or page.date,
            None,
            notes=notes,
            language=page.language or declared,
        )
    if not isinstance(content, str):
        raise DocumentError(f"{name}: e-mail message has no text part")
    document = _document(name, re.split(r"\n\s*\n", content), subject, date, None)
    return replace(document, notes=notes, language=declared)


def _attachments_note(message: EmailMessage, name: str) -> tuple[str, ...]:
    """One note naming the attachments left out, if the message has any."""
    try:
        files = [
            part.get_filename() or part.get_content_type() for part in message.iter_attachments()
        ]
    except (AttributeError, TypeError, ValueError):  # a malformed multipart
        return ()
    if not files:
        return ()
    shown = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
    plural = "s" if len(files) > 1 else ""
    return (f"{name}: {len(files)} attachment{plural} not indexed ({shown})",)


def _header(message: EmailMessage | MIMEPart, header: str) -> str | None:
    try:
        value = message.get(header)
    except (ValueError, IndexError):  # a header the parser cannot make sense of
        return None
    return " ".join(str(value).split()) or None if value is not None else None


def _message_date(message: EmailMessage):
    value = _header(message, "date")
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return parse_date(value)


def read_mbox(data: bytes, name: str) -> Document:
    """A mailbox: each message one part (see `read_eml`); unreadable messages are left out,
    a mailbox with none readable is refused."""
    if not data.startswith(b"From "):
        raise DocumentError(f"{name}: not an mbox mailbox (it does not start with a From line)")
    parts = []
    failures = []
    for number, message in enumerate(_messages(data), 1):
        try:
            parts.append((str(number), read_eml(message, f"{name}#{number}")))
        except InputError as error:
            failures.append(str(error))
    if not parts:
        reason = failures[0] if failures else f"{name}: no messages"
        raise DocumentError(f"{name}: no readable message in the mailbox ({reason})")
    if not failures:
        return Document("", parts=tuple(parts))
    note = f"{name}: {len(failures)} message(s) not readable, left out: {failures[0]}"
    return Document("", parts=tuple(parts), notes=(note,))


def _messages(data: bytes) -> list[bytes]:
    """The messages between the `From ` lines, `>From ` quoting undone (mboxrd)."""
    starts = [match.end() for match in _FROM_LINE.finditer(data)]
    ends = [match.start() for match in _FROM_LINE.finditer(data)][1:] + [len(data)]
    return [
        re.sub(rb"(?m)^>(>*From )", rb"\1", data[s:e]) for s, e in zip(starts, ends, strict=True)
    ]


MAIL_READERS = {".eml": read_eml, ".mbox": read_mbox}
