"""Whoosh's failures on a damaged or unreadable index, as one-line errors that name the
folder as the user typed it and say how to repair it."""

from __future__ import annotations

import errno
import os
import pickle
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexDamagedError, InputError, SearchError
from .durable import NotRegularFile
from .schema import DamagedRecord

REBUILD_HINT = 'run "search index --rebuild"'

# What reading truncated, overwritten or missing index files raises (each
# observed on damaged indexes). Beyond these, any exception raised inside
# Whoosh's own code while it reads the index is taken as damage too: Whoosh
# trusts its files, so garbage in them surfaces as whatever breaks first
# (FileFormatError, ValueError, OSError from a seek past the end, ...).
DAMAGE_ERRORS = (
    zlib.error,
    struct.error,
    EOFError,
    pickle.UnpicklingError,
    UnicodeDecodeError,
    FileNotFoundError,
)
_WHOOSH_PACKAGE = f"{os.sep}whoosh{os.sep}"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)  # a full disk: the indexer says so, never damage


@contextmanager
def guard(folder: Path) -> Iterator[None]:
    """Turn Whoosh's failures on a damaged or unreadable index into one-line errors."""
    try:
        yield
    except SearchError:
        raise
    except PermissionError as error:
        raise SearchError(
            f"cannot use the index in {describe(folder)} ({error.strerror}); check its permissions"
        ) from None
    except UnicodeEncodeError as error:
        if not _escaped_bytes(error):
            raise damaged(folder, error) from None
        raise InputError("text that is not valid UTF-8 cannot be searched for") from None
    except NotRegularFile as error:
        name = os.path.basename(error.filename)
        raise damaged(folder, DamagedRecord(f"{name} is not a regular file")) from None
    except Exception as error:
        number = getattr(error, "errno", None)
        if number == errno.EROFS:
            raise SearchError(f"cannot write the index in {describe(folder)} (read-only)") from None
        if number in NO_SPACE:  # a full disk is the indexer's to report, never damage
            raise
        culprit = _index_file_of(error, folder)
        if culprit is not None:
            # An index file that cannot be opened or written: a symlink loop, a folder
            # where a file should be, an I/O error. Whoever raised it, it is damage.
            detail = f"{culprit}: {error.strerror}"  # type: ignore[attr-defined]
            raise damaged(folder, DamagedRecord(detail)) from None
        if isinstance(error, DAMAGE_ERRORS + (DamagedRecord,)) or _raised_in_whoosh(error):
            raise damaged(folder, error) from None
        raise


def _index_file_of(error: Exception, folder: Path) -> str | None:
    """The name of the index file an OSError is about (the target of a rename first), if
    it lies in the index folder (as given, or resolved); else None."""
    if not isinstance(error, OSError):
        return None
    roots = {os.path.abspath(folder), os.path.realpath(folder)}
    for filename in (error.filename2, error.filename):
        if isinstance(filename, (str, bytes)):
            path = os.path.abspath(os.fsdecode(filename))
            if any(path.startswith(root + os.sep) for root in roots):
                return os.path.basename(path)
    return None


def _escaped_bytes(error: UnicodeEncodeError) -> bool:  # non-UTF-8 bytes from the command line
    return all("\udc80" <= char <= "\udcff" for char in error.object[error.start : error.end])


def _raised_in_whoosh(error: BaseException) -> bool:
    traceback = error.__traceback__
    innermost = None
    while traceback is not None:
        innermost = traceback.tb_frame
        traceback = traceback.tb_next
    return innermost is not None and _WHOOSH_PACKAGE in innermost.f_code.co_filename


def describe(folder: Path) -> str:
    """How to name the index folder in messages: as the user would type it."""
    text = str(folder)
    return text if text.endswith(os.sep) else text + os.sep


def damaged(folder: Path, error: BaseException) -> IndexDamagedError:
    """The error to raise when Whoosh fails on a damaged index."""
    detail = str(error) if isinstance(error, DamagedRecord) else type(error).__name__
    return IndexDamagedError(
        f"the index in {describe(folder)} is damaged ({detail}); {REBUILD_HINT}"
    )
