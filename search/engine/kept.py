"""What a snapshot's readers work out once, kept beside it for the next process.

A snapshot never changes, so a table read from its postings (the columns `trend` counts,
the copies a collapsed total subtracts, the background sample `words` compares with) is
the same for every question asked of it. Each is kept as a file in the generation folder,
named by the snapshot's key (its commit and document count), and trusted only when its
decoder finds it whole and this very snapshot's: a file of an earlier commit, a damaged
one or one of another shape is worked out again and replaced. A folder that cannot be
written (read-only archive, full disk) costs the work again next time, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from .durable import atomic_write, read_regular

T = TypeVar("T")

# What a decoder may raise on a file that is not what it wrote: cut short, damaged,
# another format (UnicodeDecodeError and binascii.Error are ValueErrors).
_NOT_KEPT = (OSError, ValueError, KeyError, TypeError, IndexError)


def snapshot_key(reader) -> list[int]:
    """What names a snapshot: its commit (TOC generation) and its document count."""
    return [reader.generation(), reader.doc_count_all()]


def read_kept(path: Path, decode: Callable[[bytes], T | None]) -> T | None:
    """What the file at `path` keeps, as `decode` reads it (None if it keeps nothing
    `decode` trusts, or there is no file)."""
    with suppress(*_NOT_KEPT):
        return decode(read_regular(path))
    return None


def keep(path: Path, encoded: bytes | None) -> bool:
    """Write `encoded` to `path` whole (a reader sees the old file or the new one), if
    there is something to keep and the folder can be written; whether it was kept."""
    if encoded is None:
        return False
    with suppress(OSError):
        atomic_write(path, encoded)
        return True
    return False


def kept(
    path: Path,
    decode: Callable[[bytes], T | None],
    work_out: Callable[[], T],
    encode: Callable[[T], bytes | None],
) -> T:
    """The value kept at `path` if `decode` trusts it, else `work_out()`, kept there."""
    found = read_kept(path, decode)
    if found is not None:
        return found
    value = work_out()
    keep(path, encode(value))
    return value
