"""What to call an article: the shortest end of its path that no other article shares.

An archive holds many files called `264.txt` (`bbc/politics/264.txt`,
`bbc/sport/264.txt`); a hit must say which one. An article's *name* is the
fewest trailing folders plus its file name, without the extension, that name it
alone in the index: `264` while it is the only `264.txt`, `politics/264` once a
`sport/264.txt` is indexed too. Two files that differ only in their extension
(`notes/story.md`, `notes/story.html`) keep it (`story.md`).

A user may name an article by any end of its path (`264`, `politics/264`,
`bbc/politics/264.txt`, the whole path) or, as before, by the start of its file
name (`000_88`): `matches` says whether what they typed names a path.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable

__all__ = ["file_stem", "resolve", "short_names"]


def _parts(path: str) -> list[str]:
    return [part for part in path.split(os.sep) if part]


def file_stem(path: str) -> str:
    """A file name (or the last part of a path) without its suffix: `264` for `a/264.txt`."""
    return _stem(path.rpartition("/")[2])


def _stem(name: str) -> str:
    stem, dot, _suffix = name.rpartition(".")
    return stem if dot and stem else name


def _candidates(path: str) -> list[str]:
    """Names for `path`, fewest folders first: each end of it without, then with, the extension."""
    parts = _parts(path)
    if not parts:
        return [path]
    names = []
    for k in range(1, len(parts) + 1):
        names.append("/".join([*parts[-k:-1], _stem(parts[-1])]))
        names.append("/".join(parts[-k:]))
    return names


def short_names(paths: Iterable[str]) -> dict[str, str]:
    """Each path's shortest unique name among `paths`."""
    paths = list(paths)
    options = {path: _candidates(path) for path in paths}
    taken = Counter(name for names in options.values() for name in set(names))
    return {
        path: next((name for name in names if taken[name] == 1), path)
        for path, names in options.items()
    }


def resolve(typed: str, paths: Iterable[str]) -> list[str]:
    """The paths that `typed` names, from the most exact reading that names any:
    the whole path; an end of it (whole folder and file names, with or without the
    extension: `politics/264`, `264.txt`); the start of a file name (`000_88`)."""
    typed = typed.strip()
    wanted = [part for part in typed.split("/") if part]
    if not wanted:
        return []
    paths = list(paths)
    absolute = os.path.abspath(typed)
    exact = [path for path in paths if path in (typed, absolute)]
    if exact:
        return exact
    ends = [path for path in paths if _ends_with(path, wanted)]
    if ends or len(wanted) > 1:
        return ends
    return [path for path in paths if _stem(_parts(path)[-1]).startswith(wanted[0])]


def _ends_with(path: str, wanted: list[str]) -> bool:
    parts = _parts(path)
    if len(wanted) > len(parts):
        return False
    tail = parts[-len(wanted) :]
    return tail[:-1] == wanted[:-1] and wanted[-1] in (tail[-1], _stem(tail[-1]))
