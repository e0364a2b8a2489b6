"""Unit tests of search/articles/reading.py: finding article files, decoding them, refusing
binaries."""

from __future__ import annotations

import codecs
import os
import random
from pathlib import Path

import pytest

from search.articles.reading import content_hash, decode_article, find_articles, read_bytes
from search.errors import BinaryFileError, InputError

TURKISH = "Erdoğan met the Café owner in Beşiktaş; the façade was repainted."
WESTERN = "Café Müller's façade, “quoted” – 5 € – naïve."  # every character is in cp1252


# decode_article: every accepted encoding gives the text back exactly --------------------

DECODED = [
    ("ascii", b"Plain text. Two sentences.\n", "Plain text. Two sentences.\n"),
    ("utf-8", TURKISH.encode("utf-8"), TURKISH),
    ("utf-8 with BOM", codecs.BOM_UTF8 + TURKISH.encode("utf-8"), TURKISH),
    ("utf-16-le with BOM", codecs.BOM_UTF16_LE + TURKISH.encode("utf-16-le"), TURKISH),
    ("utf-16-be with BOM", codecs.BOM_UTF16_BE + TURKISH.encode("utf-16-be"), TURKISH),
    ("cp1252", WESTERN.encode("cp1252"), WESTERN),
    ("latin-1", "Café Müller, façade.".encode("latin-1"), "Café Müller, façade."),
    ("empty", b"", ""),
    ("tabs and form feed", b"one\ttwo\x0cthree\n", "one\ttwo\x0cthree\n"),
    ("utf-8 BOM only", codecs.BOM_UTF8, ""),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in DECODED], ids=[c[0] for c in DECODED]
)
def test_decode_article_reads_each_accepted_encoding(data, expected):
    assert decode_article(data, "article.txt") == expected


def test_decode_article_never_keeps_a_bom():
    for data in (
        codecs.BOM_UTF8 + b"March 11, 2025\nText.",
        codecs.BOM_UTF16_LE + "March 11, 2025\nText.".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "March 11, 2025\nText.".encode("utf-16-be"),
    ):
        text = decode_article(data, "a.txt")
        assert text.startswith("March 11, 2025")
        assert "\ufeff" not in text


def test_one_stray_control_character_in_a_long_article_is_still_text():
    data = ("A long article sentence. " * 400).encode() + b"\x07" + b" The end."
    text = decode_article(data, "long.txt")
    assert text.endswith(" The end.")


# decode_article: binaries are refused with the file's name ---------------------------

_RANDOM = random.Random(1234).randbytes(4096)
_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    + _RANDOM[:512]
)

BINARIES = [
    ("NUL in the middle of text", b"Some text here.\x00More text after a NUL.\n"),
    ("PNG header", _PNG),
    ("random bytes", _RANDOM),
    ("random bytes without NUL", _RANDOM.replace(b"\x00", b"")),
    ("control characters only", bytes(range(1, 32)) * 50),
    ("gzip magic", b"\x1f\x8b\x08\x00" + _RANDOM.replace(b"\x00", b"")[:1024]),
    ("utf-16 BOM with NUL characters", codecs.BOM_UTF16_LE + "a\x00b\x00c".encode("utf-16-le")),
    ("utf-8 BOM then binary", codecs.BOM_UTF8 + bytes(range(1, 32)) * 20),
]


@pytest.mark.parametrize("data", [c[1] for c in BINARIES], ids=[c[0] for c in BINARIES])
def test_decode_article_refuses_binary_data_naming_the_file(data):
    with pytest.raises(BinaryFileError) as caught:
        decode_article(data, "folder/picture.txt")
    message = str(caught.value)
    assert "folder/picture.txt" in message
    assert "binary" in message
    assert "\n" not in message
    assert isinstance(caught.value, InputError)


# find_articles --------------------------------------------------------------------------


def _touch(path: Path, text: str = "Text.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for name in (
        "b.txt",
        "a.txt",
        "sub/c.txt",
        "sub/B.txt",
        "sub/deeper/d.txt",
        "notes.md",
        "README",
        "a.txt.bak",
        ".hidden.txt",
        ".git/e.txt",
        "sub/.cache/f.txt",
    ):
        _touch(root / name)
    (root / "empty").mkdir()
    return root


def test_find_articles_in_a_folder_is_recursive_sorted_readable_only_without_hidden(tree):
    found = find_articles([tree])
    expected = ["a.txt", "b.txt", "notes.md", "sub/B.txt", "sub/c.txt", "sub/deeper/d.txt"]
    assert [s.path for s in found] == [(tree / name).resolve() for name in expected]
    assert {s.root for s in found} == {tree.resolve()}
    assert all(s.path.is_absolute() for s in found)


def test_find_articles_accepts_a_string_path(tree):
    assert [s.path for s in find_articles([str(tree / "sub")])] == [
        (tree / name).resolve() for name in ("sub/B.txt", "sub/c.txt", "sub/deeper/d.txt")
    ]


def test_find_articles_file_given_directly_has_no_root(tree):
    (found,) = find_articles([tree / "sub" / "c.txt"])
    assert found.path == (tree / "sub" / "c.txt").resolve()
    assert found.root is None


def test_find_articles_keeps_the_order_of_the_paths_given(tree):
    found = find_articles([tree / "sub" / "deeper", tree / "b.txt"])
    assert [s.path.name for s in found] == ["d.txt", "b.txt"]


def test_find_articles_lists_each_file_once(tree):
    found = find_articles([tree / "a.txt", tree, tree / "sub", tree / "a.txt"])
    paths = [s.path for s in found]
    assert len(paths) == len(set(paths)) == 6  # five .txt files and notes.md
    assert paths[0] == (tree / "a.txt").resolve()


def test_find_articles_empty_folder_gives_nothing(tree):
    assert find_articles([tree / "empty"]) == []


def test_find_articles_relative_paths_are_resolved(tree, monkeypatch):
    monkeypatch.chdir(tree)
    found = find_articles(["sub"])
    assert [s.path for s in found][0] == (tree / "sub" / "B.txt").resolve()


@pytest.mark.parametrize("name", ["missing.txt", "missing-folder", "sub/missing.txt"])
def test_find_articles_missing_path_raises_input_error_naming_it(tree, name):
    path = tree / name
    with pytest.raises(InputError) as caught:
        find_articles([tree / "a.txt", path])
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_find_articles_broken_symlink_given_directly_raises_input_error(tree):
    link = tree / "broken.txt"
    link.symlink_to(tree / "nowhere.txt")
    with pytest.raises(InputError) as caught:
        find_articles([link])
    assert "broken.txt" in str(caught.value)


def test_find_articles_unreadable_folder_raises_input_error(tree):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop reading")
    locked = tree / "sub"
    locked.chmod(0)
    try:
        with pytest.raises(InputError) as caught:
            find_articles([locked])
        assert "sub" in str(caught.value)
        assert "permission" in str(caught.value).lower()
    finally:
        locked.chmod(0o755)


# read_bytes and content_hash -------------------------------------------------------------


def test_read_bytes_returns_the_exact_bytes(tmp_path):
    data = codecs.BOM_UTF16_LE + "Erdoğan".encode("utf-16-le")
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    assert read_bytes(path) == data


def test_read_bytes_missing_file_raises_input_error_naming_it(tmp_path):
    path = tmp_path / "gone.txt"
    with pytest.raises(InputError) as caught:
        read_bytes(path)
    assert str(path) in str(caught.value)


def test_read_bytes_of_a_folder_raises_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read_bytes(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_content_hash_is_the_same_for_the_same_bytes_and_differs_otherwise():
    assert content_hash(b"Turkey offers troops.") == content_hash(b"Turkey offers troops.")
    assert content_hash(b"Turkey offers troops.") != content_hash(b"Turkey offers troops!")
    assert isinstance(content_hash(b""), str)
