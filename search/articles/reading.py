"""Finding article files and reading their bytes (only regular files: a FIFO or a device
never blocks a run); `decode.py` turns the bytes into text.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .decode import decode_article as decode_article  # re-exported: reading's text
from .regular import NotRegularFile, read_regular


@dataclass(frozen=True)
class SourceFile:
    """An article file found on disk, and the folder it was found under (if any)."""

    path: Path
    root: Path | None


@dataclass
class Discovery:
    """What a walk found: the article files, the files of the folders it passed over,
    and a warning for each folder below a given one that could not be read (skipped)."""

    sources: list[SourceFile]
    passed_over: list[Path]
    unreadable: list[str] = field(default_factory=list)


def default_include() -> tuple[str, ...]:
    """The globs a folder walk picks by default: one per suffix that has a reader."""
    from .article import READERS  # when walking: the readers import the splitter, slow to load

    return tuple(f"*{suffix}" for suffix in READERS)


def find_articles(
    paths: Iterable[str | os.PathLike], include: Sequence[str] | None = None
) -> list[SourceFile]:
    """The article files named by `paths`: files as given, folders searched recursively.

    Raises InputError for a path that does not exist or a folder given that cannot be read;
    a folder below it that cannot be read is skipped (see `discover`). Files in a folder
    are returned in sorted order; each file appears once.
    """
    return discover(paths, include).sources


def discover(
    paths: Iterable[str | os.PathLike],
    include: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    skip: Iterable[Path] = (),
) -> Discovery:
    """`find_articles`, and the visible files of the folders that `include` did not pick.

    A file named in `paths` is always an article; in a folder, a file is one when its name
    (or, for a glob with a `/`, its path below the folder) matches a glob of `include`,
    in any case, and no glob of `exclude` (matched the same way, also against each folder on
    the way: `--exclude drafts` leaves out a drafts/ folder). Hidden files and folders and the
    folders in `skip` (the index's own) are not looked at, nor counted. A folder below a given
    one that cannot be read is skipped with a warning, so one locked folder does not stop a run.
    """
    globs = [glob.lower() for glob in (include or default_include())]
    leave_out = Exclusions(exclude, skip)
    found: dict[Path, SourceFile] = {}
    passed_over: dict[Path, None] = {}
    unreadable: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or folder")
        resolved = path.resolve()
        if resolved.is_dir():
            for file in _walk_folder(resolved, raw, unreadable, leave_out):
                if _included(file.relative_to(resolved), globs):
                    found.setdefault(file, SourceFile(file, resolved))
                else:
                    passed_over.setdefault(file)
        elif resolved.is_file():
            found.setdefault(resolved, SourceFile(resolved, None))
        else:
            raise InputError(f"{raw}: not a regular file or folder")
    passed = [p for p in passed_over if p not in found]
    return Discovery(list(found.values()), passed, unreadable)


class Exclusions:
    """What a walk (and a watcher) leaves out below a folder: hidden names, the folders in
    `skip` (the index's own) and whatever a glob of `globs` matches, as `--include` matches."""

    def __init__(self, globs: Sequence[str] = (), skip: Iterable[Path] = ()) -> None:
        self.globs = [glob.lower() for glob in globs]
        self.skip = {_resolved(Path(folder)) for folder in skip}

    def folder(self, folder: Path, root: Path) -> bool:
        """Whether the walk leaves out `folder` (below `root`) and all it holds."""
        if folder.name.startswith(".") or folder in self.skip:
            return True
        return bool(self.globs) and _included(folder.relative_to(root), self.globs)

    def file(self, file: Path, root: Path) -> bool:
        """Whether the walk leaves out `file` (below `root`)."""
        if file.name.startswith("."):
            return True
        return bool(self.globs) and _included(file.relative_to(root), self.globs)

    def path(self, path: Path, root: Path) -> bool:
        """Whether `path` below `root`, or a folder on its way, is left out."""
        try:
            relative = path.relative_to(root)
        except ValueError:
            return True
        current = root
        for part in relative.parts[:-1]:
            current = current / part
            if self.folder(current, root):
                return True
        return path in self.skip or self.file(path, root)


def _resolved(path: Path) -> Path:
    """`path` resolved; as it is (made absolute) when it cannot be (a symbolic link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _included(relative: Path, globs: Sequence[str]) -> bool:
    name, below = relative.name.lower(), relative.as_posix().lower()
    return any(fnmatch.fnmatchcase(below if "/" in glob else name, glob) for glob in globs)


def _walk_folder(
    folder: Path,
    shown: str | os.PathLike,
    unreadable: list[str],
    leave_out: Exclusions | None = None,
) -> Iterator[Path]:
    """The visible files below `folder`, sorted; a subfolder that cannot be listed is noted
    in `unreadable` and skipped, the folder itself raises InputError."""

    def fail(error: OSError) -> None:
        where = error.filename
        if where is None or Path(where) == folder:
            raise InputError(
                f"{shown}: cannot read folder ({error.strerror}); check its permissions"
            )
        unreadable.append(f"{_printable(where)}: cannot read folder ({error.strerror}), skipped")

    if not os.access(folder, os.R_OK | os.X_OK):
        raise InputError(f"{shown}: cannot read folder (permission denied); check its permissions")
    leave_out = leave_out or Exclusions()
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=fail):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not leave_out.folder(here / d, folder)]
        files.extend(here / name for name in filenames if not leave_out.file(here / name, folder))
    return iter(sorted(files))


def _printable(path: str | os.PathLike) -> str:
    """A path as it can be printed, whatever bytes its name holds."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def is_article_name(name: str) -> bool:
    """Whether a folder walk picks this file by default: not hidden, a suffix with a reader."""
    return not name.startswith(".") and _included(Path(name), default_include())


def kind_of(path: Path) -> str:
    """How a skipped file is counted: its suffix in lower case, or "without extension"."""
    return path.suffix.lower() or "without extension"


def read_bytes(path: Path) -> bytes:
    """The file's bytes; InputError (naming the file) if it cannot be read.

    Only a regular file is read: a FIFO or a device (/dev/zero) is refused at once instead
    of blocking or never ending.
    """
    try:
        return read_regular(path)
    except NotRegularFile:
        kind = "a folder" if path.is_dir() else "not a regular file (a FIFO or a device)"
        raise InputError(f"{_printable(path)}: {kind}; give an article file") from None
    except OSError as error:
        raise InputError(f"{_printable(path)}: cannot read file ({error.strerror})") from None


def content_hash(data: bytes) -> str:
    """The hash used to tell whether an article's content changed."""
    return hashlib.sha256(data).hexdigest()
