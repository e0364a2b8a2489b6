"""Which articles tell the same story, and which sentences are the same sentence.

At index time every article gets a story id (`story`). Two articles are the same story when
their text is identical once case and spacing are normalised (`same_text`), or when they are
near-duplicates: a Jaccard similarity of at least `THRESHOLD` between their sets of word
5-shingles, estimated from MinHash signatures (`sketch`, `rensa`'s RMinHash, `PERMUTATIONS`
values) and found through locality-sensitive hashing (`BANDS` bands of `ROWS` values: a pair
at 0.8 shares a band with probability 1 - (1 - 0.8^4)^32, over 0.9999; at 0.5, 0.87, and the
signature comparison then rules it out). A re-filed wire story, or one with a corrected figure
or an added paragraph, is a copy; a follow-up that shares one paragraph is not.

A story's id is the key of its first indexed member (`story_key` of its path): a new copy of
an indexed story takes that story's id, so no older document is ever rewritten. What later
runs need to group new articles against old ones (the normalised text's hash and the
signature) is kept in each article's record and in the catalog, committed with the index.

Sentences are grouped at query time by `sentence_key`: the hash of the normalised sentence.
"""

from __future__ import annotations

import base64
import hashlib
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "BANDS",
    "PERMUTATIONS",
    "ROWS",
    "THRESHOLD",
    "Grouping",
    "Story",
    "normalised",
    "same_text",
    "sentence_key",
    "sketch",
    "story_key",
]

THRESHOLD = 0.8
SHINGLE = 5
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
_SEED = 19  # fixed: signatures of different runs must be comparable
_VALUE_BYTES = 4  # a signature value is an unsigned 32-bit int ("I")
SENTENCE_KEY_LENGTH = 24  # hex characters of `sentence_key`

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalised(text: str) -> str:
    """`text` case-folded, with every run of spaces as one space, stripped."""
    return _SPACE.sub(" ", text.casefold()).strip()


def _digest(text: str, size: int) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).hexdigest()


def sentence_key(text: str) -> str:
    """What identical sentences share: 12 bytes of the hash of the normalised sentence."""
    return _digest(normalised(text), SENTENCE_KEY_LENGTH // 2)


def same_text(sentences: Iterable[str]) -> str:
    """What articles with identical text share: the hash of their normalised sentences."""
    return _digest(normalised(" ".join(sentences)), 16)


def story_key(path: str) -> str:
    """A story's id, from the path of its first indexed member: 16 hex characters."""
    return _digest(path, 8)


def shingles(text: str) -> list[str]:
    """The word 5-shingles of a text (lowercased); a shorter text is one shingle."""
    words = _WORD.findall(text.casefold())
    if len(words) <= SHINGLE:
        return [" ".join(words)]
    runs = zip(*(words[i:] for i in range(SHINGLE)), strict=False)
    return [" ".join(run) for run in runs]


def sketch(text: str) -> str:
    """The MinHash signature of a text's shingles, as base64 (stored with the article)."""
    from rensa import RMinHash

    minhash = RMinHash(num_perm=PERMUTATIONS, seed=_SEED)
    minhash.update(shingles(text))
    return base64.b64encode(array("I", minhash.digest()).tobytes()).decode("ascii")


def _decoded(encoded: str) -> bytes | None:
    """A stored signature's bytes (None if it is not one)."""
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == PERMUTATIONS * _VALUE_BYTES else None


def signature(encoded: str) -> tuple[int, ...] | None:
    """A stored signature's values (None if it is not one)."""
    raw = _decoded(encoded)
    return None if raw is None else tuple(array("I", raw))


def similarity(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """The Jaccard similarity two signatures estimate: the share of equal values."""
    return sum(a == b for a, b in zip(first, second, strict=True)) / PERMUTATIONS


def _band_keys(raw: bytes) -> list[int]:
    """One 64-bit key per band, from the band's number and its ROWS values' bytes (never 0:
    that marks an empty slot of `_BandTable`). Two different bands may share a key; that
    only adds a candidate, which the signatures' comparison then rules out."""
    width = ROWS * _VALUE_BYTES
    return [
        hash((band, raw[band * width : (band + 1) * width])) & _KEY_MASK or 1
        for band in range(BANDS)
    ]


_KEY_MASK = (1 << 64) - 1


class _BandTable:
    """Band key -> article numbers, in two flat arrays (open addressing, linear probing).

    Held for every indexed article for a whole run: a dict of int keys cost 2.5 KB an
    article (32 bands of an int object and a dict entry each); these arrays hold a key in 8
    bytes and its article in 4, filled at most to two thirds: 0.4 to 0.8 KB an article.
    """

    FILL = 2 / 3

    def __init__(self, slots: int = 1 << 10) -> None:
        self.keys = array("Q", bytes(8 * slots))
        self.owners = array("I", bytes(4 * slots))
        self.mask = slots - 1
        self.count = 0

    def reserve(self, entries: int) -> None:
        """Make room for `entries` in all at once (growing one doubling at a time rehashes
        everything each time)."""
        slots = len(self.keys)
        while entries > slots * self.FILL:
            slots *= 2
        if slots > len(self.keys):
            self._rehash(slots)

    def add(self, key: int, owner: int) -> None:
        if self.count + 1 > len(self.keys) * self.FILL:
            self._rehash(len(self.keys) * 2)
        keys, mask = self.keys, self.mask
        slot = key & mask
        while keys[slot]:
            slot = (slot + 1) & mask
        keys[slot] = key
        self.owners[slot] = owner
        self.count += 1

    def owners_of(self, key: int) -> Iterator[int]:
        keys, mask = self.keys, self.mask
        slot = key & mask
        while held := keys[slot]:
            if held == key:
                yield self.owners[slot]
            slot = (slot + 1) & mask

    def _rehash(self, slots: int) -> None:
        old = zip(self.keys, self.owners, strict=True)
        self.keys = array("Q", bytes(8 * slots))
        self.owners = array("I", bytes(4 * slots))
        self.mask, self.count = slots - 1, 0
        for key, owner in old:
            if key:
                self.add(key, owner)


@dataclass(frozen=True)
class Story:
    """What an article contributes to grouping: its story id, text hash and signature."""

    story: str
    same: str
    sketch: str


@dataclass
class Grouping:
    """The indexed articles' stories, to find the story a new article belongs to.

    Held for every indexed article while an index run lasts, so kept small (about 1 KB an
    article): a member keeps its signature as the stored text (the catalog's own string),
    decoded only when it is a candidate; its bands are keys in a `_BandTable`.
    """

    by_text: dict[str, str] = field(default_factory=dict)
    bands: _BandTable = field(default_factory=_BandTable)
    members: dict[str, tuple[str, str]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)  # by the number the bands hold

    @classmethod
    def of(cls, articles: Iterable[tuple[str, Story]], expected: int = 0) -> Grouping:
        """The grouping of indexed articles, given as (path, Story), with room for
        `expected` articles in all (those given and those to come)."""
        grouping = cls()
        grouping.bands.reserve(expected * BANDS)
        for path, story in articles:
            grouping.add(path, story)
        return grouping

    def add(self, path: str, story: Story) -> None:
        """Remember an article, so that later ones can be grouped with it."""
        if story.same:
            self.by_text.setdefault(story.same, story.story)
        raw = _decoded(story.sketch) if story.sketch else None
        if raw is None:
            return
        self.members[path] = (story.story, story.sketch)
        number = len(self.paths)
        self.paths.append(path)
        for key in _band_keys(raw):
            self.bands.add(key, number)

    def remove(self, path: str) -> None:
        """Forget an article (replaced or gone): it no longer lends its story to new ones."""
        self.members.pop(path, None)

    def story_of(self, path: str, same: str, encoded: str) -> str:
        """The story of an article: an identical one's, else the most similar near-duplicate's
        (ties: the first path), else a new story keyed by its own path."""
        if same in self.by_text:
            return self.by_text[same]
        raw = _decoded(encoded)
        best: tuple[float, str] | None = None
        if raw is not None:
            values = tuple(array("I", raw))
            for candidate in self._candidates(raw):
                member = self.members.get(candidate)
                theirs = signature(member[1]) if member and candidate != path else None
                if theirs is None:
                    continue
                score = similarity(values, theirs)
                if score >= THRESHOLD and (
                    best is None or (-score, candidate) < (-best[0], best[1])
                ):
                    best = (score, candidate)
        return self.members[best[1]][0] if best else story_key(path)

    def _candidates(self, raw: bytes) -> set[str]:
        numbers = {number for key in _band_keys(raw) for number in self.bands.owners_of(key)}
        return {self.paths[number] for number in numbers}


def describe(sentences: list[str], path: str, grouping: Grouping) -> Story:
    """An article's Story, found against `grouping` (which then holds it too)."""
    text = " ".join(sentences)
    same = same_text(sentences)
    encoded = sketch(text)
    story = Story(grouping.story_of(path, same, encoded), same, encoded)
    grouping.add(path, story)
    return story
