"""simplemma's dictionaries, stored with an index so that a query process reads them at once.

simplemma ships each language's dictionary as one lzma-compressed, front-coded stream (each
record stores only what its key does not share with the one before). Reading one word needs
the stream decoded up to it, so simplemma's low-memory reader (`StreamMap`) decodes a whole
dictionary into restart points when a language is first used: 0.1 to 1.1 s of CPU a
language, 2.3 s for a query process on an index of eight languages, where an English query
costs 0.15 s. `build` writes the same stream in blocks of `BLOCK` records, each compressed
on its own (zlib), with the restart point of each; `Stored` memory-maps that file and, for a
word, bisects the restart points and decodes one block, as `StreamMap` does, so the lemmas
are simplemma's own (the same records, the same strategies). Opening a stored dictionary
reads its restart points only (1 to 7 ms).

A stored file names the simplemma version it was built from: another version's file is not
read (`file_name`). The restart points' CRC-32 is checked when the file is opened, each
block's Adler-32 (zlib's) when it is read; a file that fails a check is not used
(`StoredUnusable`), and simplemma's own reader takes over.
"""

from __future__ import annotations

import itertools
import json
import mmap
import struct
import zlib
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "BLOCK",
    "Dictionaries",
    "Stored",
    "StoredUnusable",
    "build",
    "file_name",
    "read_from",
    "simplemma_version",
    "stored",
]

MAGIC = b"SEARCHLEMMAS1\n"
# Records in a block: German's 1.1 million in 5.3 MB, a word read in about 25 us.
BLOCK = 64
_LENGTH = struct.Struct("<Q")


# The folders stored dictionaries are read from (`read_from`), in the order given. A stored
# dictionary depends only on the language and simplemma's version, never on the index that
# stores it, so any folder's copy reads as well as another's.
_FOLDERS: list[Path] = []


def read_from(folder: Path) -> None:
    """Read stored dictionaries from `folder` (an index's), before simplemma's own."""
    if folder not in _FOLDERS:
        _FOLDERS.append(folder)


def stored(code: str) -> bytes | None:
    """The bytes of a usable stored dictionary of `code` in the folders read from, if any
    (an index is given another's copy rather than building its own: the same bytes)."""
    for folder in _FOLDERS:
        path = folder / file_name(code)
        try:
            Stored(path, code)
            return path.read_bytes()
        except (StoredUnusable, OSError):
            continue
    return None


class StoredUnusable(ValueError):
    """Raised when a stored dictionary cannot be read: truncated, altered, another format."""


def simplemma_version() -> str:
    from simplemma import __version__

    return str(__version__)


def file_name(code: str) -> str:
    """The file a language's stored dictionary is in, for the installed simplemma."""
    return f"{code}-simplemma-{simplemma_version()}.dict"


def _frontcode():
    """simplemma's front-coded stream reader (simplemma 2), or None for a simplemma whose
    dictionaries are stored otherwise (then nothing is stored and simplemma reads its own)."""
    try:
        from simplemma.strategies.dictionaries import frontcode
        from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed
    except ImportError:
        return None
    return frontcode, _read_decompressed


def storable() -> bool:
    return _frontcode() is not None


def build(code: str) -> bytes:
    """The stored form of simplemma's dictionary of language `code`: a header, the restart
    points and the stream. One pass over the stream (what simplemma's reader does once per
    process)."""
    found = _frontcode()
    if found is None:
        raise StoredUnusable("this simplemma stores its dictionaries in another format")
    frontcode, read_decompressed = found
    data = read_decompressed(code)
    reverse, count, start = frontcode._read_header(data)
    offsets = array("Q")  # where each block starts in the stream (then the stream's end)
    seeds = bytearray()  # per block: its first key, and the key and value before it
    seed_ends = array("Q")
    previous = (b"", b"")
    for index, (record_start, key, value) in enumerate(frontcode._iter_records(data, start)):
        if index % BLOCK == 0:
            offsets.append(record_start - start)
            for part in (key, *previous):
                seeds += part
                seed_ends.append(len(seeds))
        previous = (key, value)
    offsets.append(len(data) - start)
    stream = data[start:]
    blocks = [zlib.compress(stream[a:b]) for a, b in itertools.pairwise(offsets)]
    ends = array("Q", itertools.accumulate(map(len, blocks)))
    sections = [ends.tobytes(), seed_ends.tobytes(), bytes(seeds), b"".join(blocks)]
    header = {
        "simplemma": simplemma_version(),
        "language": code,
        "reverse": reverse,
        "count": count,
        "blocks": len(blocks),
        "sizes": [len(section) for section in sections],
        "check": zlib.crc32(b"".join(sections[:3])),
    }
    encoded = json.dumps(header).encode()
    head = MAGIC + _LENGTH.pack(len(encoded)) + encoded
    head += b"\0" * (-len(head) % 8)  # the arrays stay aligned
    return head + b"".join(_padded(section) for section in sections)


def _padded(section: bytes) -> bytes:
    return section + b"\0" * (-len(section) % 8)


class Stored(Mapping[str, str]):
    """A stored dictionary, read as simplemma reads its own (`get(word)`: the lemma or None).

    Raises StoredUnusable when the file is not one `build` wrote for this simplemma."""

    def __init__(self, path: Path, code: str) -> None:
        found = _frontcode()
        if found is None:
            raise StoredUnusable("this simplemma stores its dictionaries in another format")
        self._iter_records = found[0]._iter_records
        try:
            with open(path, "rb") as stream:
                self._map = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as error:
            raise StoredUnusable(str(error)) from None
        self._read_sections(code)

    def _read_sections(self, code: str) -> None:
        data = self._map
        if data[: len(MAGIC)] != MAGIC:
            raise StoredUnusable("not a stored dictionary")
        at = len(MAGIC) + _LENGTH.size
        try:
            (length,) = _LENGTH.unpack_from(data, len(MAGIC))
            header = json.loads(data[at : at + length])
            sizes = [int(size) for size in header["sizes"]]
            wanted = (header["simplemma"], header["language"])
        except (ValueError, KeyError, TypeError, struct.error):
            raise StoredUnusable("unreadable header") from None
        if wanted != (simplemma_version(), code) or len(sizes) != 4:
            raise StoredUnusable("built for another language or simplemma")
        at += length + (-(at + length) % 8)
        views = []
        for size in sizes:
            if at + size > len(data):
                raise StoredUnusable("truncated")
            views.append(memoryview(data)[at : at + size])
            at += size + (-size % 8)
        check = 0
        for view in views[:3]:
            check = zlib.crc32(view, check)
        if check != header["check"]:
            raise StoredUnusable("restart points altered")
        self._reverse = bool(header["reverse"])
        self._count = int(header["count"])
        self._ends = views[0].cast("Q")
        self._seed_ends = views[1].cast("Q")
        self._seeds = bytes(views[2])
        self._stream = views[3]
        self._blocks = len(self._ends)

    def _seed(self, index: int) -> bytes:
        """The `index`-th seed: per block, its first key, then the key and value before it."""
        start = self._seed_ends[index - 1] if index else 0
        return self._seeds[start : self._seed_ends[index]]

    def _block_of(self, target: bytes) -> int:
        """The last block whose first key is at most `target` (-1 if none)."""
        low, high = 0, self._blocks
        while low < high:
            middle = (low + high) // 2
            if target < self._seed(3 * middle):
                high = middle
            else:
                low = middle + 1
        return low - 1

    def _block(self, index: int) -> bytes:
        """A block's records, decompressed (zlib checks them: Adler-32)."""
        start = self._ends[index - 1] if index else 0
        try:
            return zlib.decompress(self._stream[start : self._ends[index]])
        except zlib.error:
            raise StoredUnusable(f"block {index} altered") from None

    def get(self, key: str, default=None):  # type: ignore[override]
        target = key.encode()
        if self._reverse:
            target = target[::-1]
        index = self._block_of(target)
        if index < 0:
            return default
        seeds = (self._seed(3 * index + 1), self._seed(3 * index + 2))
        for _start, stored_key, stored_value in self._iter_records(self._block(index), 0, *seeds):
            if stored_key == target:
                value = stored_value[::-1] if self._reverse else stored_value
                return value.decode()
            if stored_key > target:
                break
        return default

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        for index in range(self._blocks):
            seeds = (self._seed(3 * index + 1), self._seed(3 * index + 2))
            for _start, key, _value in self._iter_records(self._block(index), 0, *seeds):
                yield (key[::-1] if self._reverse else key).decode()

    def __len__(self) -> int:
        return self._count


class _Dictionary(Mapping[str, str]):
    """A language's dictionary: a stored copy while one reads well, else simplemma's own."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._source: Mapping[str, str] | None = None
        for folder in _FOLDERS:
            try:
                self._source = Stored(folder / file_name(code), code)
                break
            except StoredUnusable:
                continue

    def _own(self) -> Mapping[str, str]:
        from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY

        self._source = LOW_MEMORY_DICTIONARY_FACTORY.get_dictionary(self.code)
        return self._source

    def get(self, key: str, default=None):  # type: ignore[override]
        if self._source is None:
            return self._own().get(key, default)
        try:
            return self._source.get(key, default)
        except StoredUnusable:  # a block altered since the file was opened
            return self._own().get(key, default)

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._source if self._source is not None else self._own())

    def __len__(self) -> int:
        return len(self._source if self._source is not None else self._own())


class Dictionaries:
    """simplemma's `DictionaryFactory`: each language's dictionary, opened when first asked
    for, from a stored copy (`read_from`) if there is one."""

    def __init__(self) -> None:
        self._opened: dict[str, _Dictionary] = {}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        found = self._opened.get(lang)
        if found is None:
            found = self._opened[lang] = _Dictionary(lang)
        return found
