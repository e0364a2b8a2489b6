"""Reading only regular files: a FIFO or a device (`/dev/zero`) given as an article or found
in an index folder is refused at once instead of blocking or never ending. Article files
and index files are both read so.
"""

from __future__ import annotations

import os
import stat


class NotRegularFile(OSError):
    """An index or article file that is a FIFO, a device or a folder: reading it could block."""


def open_regular(path: str | os.PathLike, flags: int = os.O_RDONLY) -> int:
    """A descriptor on `path`, refused unless it is a regular file.

    Opened non-blocking first, so a FIFO or a device never stalls the open,
    then checked with fstat on the descriptor itself (no race with a rename).
    """
    descriptor = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile(0, "not a regular file", os.fsdecode(path))
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_regular(path: str | os.PathLike) -> bytes:
    """The whole content of a regular file (NotRegularFile for anything else)."""
    with open(open_regular(path), "rb") as stream:
        return stream.read()
