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
from collections.abc import Iterable
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
    """One int per band: the band's number above its ROWS values' bytes. Equal keys are
    exactly equal bands (a tuple per band cost 10 KB an article: 0.75 GB at 50,000)."""
    width = ROWS * _VALUE_BYTES
    return [
        int.from_bytes(raw[band * width : (band + 1) * width], "little") | band << width * 8
        for band in range(BANDS)
    ]


@dataclass(frozen=True)
class Story:
    """What an article contributes to grouping: its story id, text hash and signature."""

    story: str
    same: str
    sketch: str


@dataclass
class Grouping:
    """The indexed articles' stories, to find the story a new article belongs to.

    Held for every indexed article while an index run lasts, so kept small (about 3 KB an
    article): a member keeps its signature as the stored text (the catalog's own string),
    decoded only when it is a candidate; a band holds one path, or a list once shared.
    """

    by_text: dict[str, str] = field(default_factory=dict)
    bands: dict[int, str | list[str]] = field(default_factory=dict)
    members: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, articles: Iterable[tuple[str, Story]]) -> Grouping:
        """The grouping of indexed articles, given as (path, Story)."""
        grouping = cls()
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
        for key in _band_keys(raw):
            held = self.bands.get(key)
            if held is None:
                self.bands[key] = path
            elif isinstance(held, str):
                self.bands[key] = [held, path]
            else:
                held.append(path)

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
        found: set[str] = set()
        for key in _band_keys(raw):
            held = self.bands.get(key)
            if isinstance(held, str):
                found.add(held)
            elif held:
                found.update(held)
        return found


def describe(sentences: list[str], path: str, grouping: Grouping) -> Story:
    """An article's Story, found against `grouping` (which then holds it too)."""
    text = " ".join(sentences)
    same = same_text(sentences)
    encoded = sketch(text)
    story = Story(grouping.story_of(path, same, encoded), same, encoded)
    grouping.add(path, story)
    return story
