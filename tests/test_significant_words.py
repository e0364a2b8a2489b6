"""`search words` counts each sentence of a story once, reads words as the index's `words`
field holds them, and leaves a query's own words out in every language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import invoke
from search.engine.significant import words_of
from search.engine.words import NewsroomTokenizer

WIRE = (
    "March 1, 2025\n\nThe U.S. imposed sanctions on the regime. Lawmakers in the U.S. "
    "welcomed the sanctions. Critics of the U.S. said sanctions rarely work.\n"
)
ARTICLES = {
    "wire.txt": WIRE,
    "wire_copy.txt": WIRE,  # the same story in a second paper
    "filler.txt": "March 2, 2025\n\nThe weather was mild on Monday. Farmers planted wheat in "
    "the spring. The market opened higher. Traders bought coffee and sugar. The river flooded "
    "two villages. A new bridge was opened in the north.\n",
    "de.txt": "11. März 2025\n\nDie Verhandlung in Zürich begann am Montag mit einer langen "
    "Sitzung. Nach der Verhandlung in Zürich sprach der Minister mit den Journalisten. Die "
    "Verhandlung über Zürich dauerte bis zum späten Abend. Weitere Verhandlungen sind für "
    "Dienstag geplant worden.\n",
    "tr.txt": "11 Mart 2025\n\nDün akşam Çavuşoğlu müzakereler için Ankara'dan ayrıldı. "
    "Bakanlık sözcüsüne göre Çavuşoğlu müzakereler sırasında basına açıklama yaptı. "
    "Gazeteciler Çavuşoğlu ile yeni müzakereler hakkında konuştu.\n",
    # More of each language, so that its matches are not all of its sentences: matches are
    # compared with the sentences of their own language.
    "de_wetter.txt": "12. März 2025\n\nDas Wetter war am Montag mild. Die Bauern säten im "
    "Frühjahr Weizen. Der Fluss trat über die Ufer.\n",
    "tr_hava.txt": "12 Mart 2025\n\nPazartesi günü hava ılıktı. Çiftçiler ilkbaharda buğday "
    "ektiler. Nehir iki köyü su bastı.\n",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("distinctive")
    folder = root / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(folder))
    assert result.exit_code == 0, result.stderr
    return root / "index"


def _rows(index: Path, *args: str) -> list[tuple]:
    result = invoke("words", "--json", "--index-dir", str(index), *args)
    assert result.exit_code == 0, result.stderr
    rows = map(json.loads, result.stdout.splitlines())
    return [(row["kind"], row["term"], row["matches"], row["archive"]) for row in rows]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # The wire story's three sentences once, not six; "us" as the words field holds
        # `U.S.` (it was "u.s", a term no sentence holds, counted in no sentence of the
        # archive); the archive's count leaves the copy out too.
        (
            ("sanctions",),
            [("word", "us", 3, 3), ("word", "the", 3, 8), ("name", "U.S", 3, 3)],
        ),
        (
            ("sanctions", "--lang", "en"),
            [("word", "us", 3, 3), ("word", "the", 3, 8), ("name", "U.S", 3, 3)],
        ),
        (  # a filter: the copies are counted in the index, not among the matches
            ("sanctions", "--since", "2025-01-01"),
            [("word", "us", 3, 3), ("word", "the", 3, 8), ("name", "U.S", 3, 3)],
        ),
        (
            ("sanctions", "--scope", "article"),
            [("word", "us", 3, 3), ("word", "the", 3, 8), ("name", "U.S", 3, 3)],
        ),
        # German: "verhandlung" is the query's own word (its lemma), left out as the English
        # stem of an English query word is.
        (("Verhandlungen",), [("word", "zürich", 3, 3), ("name", "Zürich", 3, 3)]),
        (("Verhandlungen", "--lang", "de"), [("word", "zürich", 3, 3), ("name", "Zürich", 3, 3)]),
        # A name in capitals beyond A-Z.
        (("müzakereler",), [("word", "çavuşoğlu", 3, 3), ("name", "Çavuşoğlu", 3, 3)]),
    ],
)
def test_distinctive_words_counted_once_per_sentence(
    index: Path, args: tuple, expected: list[tuple]
) -> None:
    assert _rows(index, *args) == expected


def test_words_in_another_language_find_nothing(index: Path) -> None:
    result = invoke("words", "--index-dir", str(index), "müzakereler", "--lang", "de")
    assert result.exit_code == 1
    assert result.stderr == 'No matches for "müzakereler".\n'


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("The U.S. said so.", "en", ["the", "us", "said", "so"]),
        ("Die Verhandlungen in Zürich.", "de", ["die", "verhandlungen", "in", "zürich"]),
        ("An e-mail to Mr. Browne.", "en", ["an", "e", "mail", "to", "mr", "browne"]),
        ("Переговори у Києві.", "uk", ["переговори", "у", "києві"]),
        ("İstanbul'da müzakereler.", "tr", ["istanbul", "da", "müzakereler"]),
    ],
)
def test_words_as_the_words_field_holds_them(text: str, code: str, expected: list) -> None:
    assert words_of(text, code) == expected


@given(st.text(max_size=60), st.sampled_from(["en", "de", "tr", "uk"]))
@settings(max_examples=300, deadline=None)
def test_every_word_counted_is_a_term_of_the_words_field(text: str, code: str) -> None:
    held = {term for term, *_ in NewsroomTokenizer("words").terms(text)}
    assert set(words_of(text, code)) <= held


# In an archive of several languages, the matches are compared with their own language --------

MIXED = {
    "de.txt": "11. März 2025\n\nDie Verhandlung in Zürich begann am Montag. Die Verhandlung in "
    "Zürich dauerte lange. Die Verhandlung über Zürich endete spät. Die Minister reisten ab. "
    "Die Journalisten blieben noch. Die Stadt war ruhig.\n",
    **{
        f"en{number}.txt": f"March {number}, 2025\n\nThe weather was mild on day {number}. "
        "Farmers planted wheat in the spring. Traders bought coffee and sugar. The river "
        "flooded two villages.\n"
        for number in range(1, 6)
    },
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed-words")
    folder = root / "articles"
    folder.mkdir()
    for name, text in MIXED.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(folder))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.mark.parametrize("args", [("Verhandlungen",), ("Verhandlungen", "--lang", "de")])
def test_matches_are_compared_with_the_sentences_of_their_language(
    mixed: Path, args: tuple
) -> None:
    """German "die" is in every German sentence: not what sets the matches apart, though the
    English sentences of the archive never hold it (it was the top word, 3 of 3 matches
    against 6 of 26 sentences). The archive is the 6 German sentences."""
    assert _rows(mixed, *args) == [("word", "zürich", 3, 3), ("name", "Zürich", 3, 3)]
