"""simplemma's dictionaries stored with the index (`search.lemmas`): read exactly as simplemma
reads its own, never trusted when altered, and what a query process reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hits, invoke
from search import lemmas

pytest.importorskip("simplemma")
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap  # noqa: E402

CODE = "fr"  # the smallest dictionary of our languages (250,000 forms)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lemmas") / lemmas.file_name(CODE)
    path.write_bytes(lemmas.build(CODE))
    return path


@pytest.fixture(scope="module")
def own() -> StreamMap:
    return StreamMap(CODE)


@pytest.mark.slow
def test_every_form_reads_as_simplemma_reads_it(stored: Path, own: StreamMap) -> None:
    copy = lemmas.Stored(stored, CODE)
    forms = list(own)
    assert list(copy) == forms and len(copy) == len(own)
    for form in forms[::7]:
        assert copy.get(form) == own.get(form), form


@given(st.text(alphabet="aàâbcçdeéèêfghiîjklmnoôpqrstuùvwxyz'-", max_size=14))
@settings(max_examples=300, deadline=None)
def test_any_word_reads_as_simplemma_reads_it(stored: Path, own: StreamMap, word: str) -> None:
    copy = lemmas.Stored(stored, CODE)
    assert copy.get(word) == own.get(word)
    assert copy.get(word + "s") == own.get(word + "s")


def _altered(path: Path, tmp_path: Path, at: float) -> Path:
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0xFF
    changed = tmp_path / path.name
    changed.write_bytes(bytes(data))
    return changed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data[:-1000], "truncated"),
        (lambda data: b"not a dictionary" + data, "not a stored dictionary"),
        (lambda data: data.replace(b'"language": "fr"', b'"language": "de"'), "another"),
        (lambda data: data.replace(b"simplemma", b"simplemmb", 1), "unreadable header"),
    ],
)
def test_a_file_not_built_for_this_reader_is_not_read(
    stored: Path, tmp_path: Path, change, message: str
) -> None:
    changed = tmp_path / stored.name
    changed.write_bytes(change(stored.read_bytes()))
    with pytest.raises(lemmas.StoredUnusable, match=message):
        lemmas.Stored(changed, CODE)


def test_an_altered_block_is_never_read(stored: Path, own: StreamMap, tmp_path: Path) -> None:
    copy = lemmas.Stored(_altered(stored, tmp_path, 0.9), CODE)
    forms = list(own)
    with pytest.raises(lemmas.StoredUnusable, match="altered"):
        for form in forms[int(len(forms) * 0.85) :: 20]:
            copy.get(form)
    # Through the lemmatizer's dictionary, simplemma's own takes over and answers the same.
    lemmas.read_from(tmp_path)
    dictionary = lemmas.Dictionaries().get_dictionary(CODE)
    for form in forms[int(len(forms) * 0.85) :: 20]:
        assert dictionary.get(form) == own.get(form)


# Through the command ----------------------------------------------------------------------

ARTICLES = {
    "de.txt": "Die Verhandlungen zwischen der Ukraine und Russland wurden am Montag in Istanbul "
    "fortgesetzt. Beide Seiten sprachen von Fortschritten.\n",
    "fr.txt": "Les négociations ont repris lundi à Istanbul. Le ministre a quitté la salle "
    "après une longue réunion.\n",
    "en.txt": "Negotiations between Russia and Ukraine resumed in Istanbul on Monday. The "
    "negotiators will meet again in two weeks.\n",
}

# A query process: which of simplemma's own dictionaries did it load?
PROGRAM = """
import sys
from click.testing import CliRunner
from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY
from search.cli import cli
result = CliRunner().invoke(cli, ["query", "--index-dir", sys.argv[1], "Verhandlungen"])
print(result.exit_code, LOW_MEMORY_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize)
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stored-lemmas")
    folder = root / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(folder))
    assert result.exit_code == 0, result.stderr
    return root / "index"


def test_the_index_stores_the_dictionaries_of_its_languages(mixed: Path) -> None:
    stored = sorted(path.name for path in (mixed / "lemmas").iterdir())
    assert stored == [lemmas.file_name("de"), lemmas.file_name("fr")]
    # Kept by a rebuild (they depend on simplemma alone), and never taken for foreign files.
    rebuilt = invoke("index", "-q", "--rebuild", "--index-dir", str(mixed))
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert sorted(path.name for path in (mixed / "lemmas").iterdir()) == stored


@pytest.mark.slow
@pytest.mark.parametrize(("keep", "loaded"), [(True, 0), (False, 2)])
def test_a_query_process_reads_the_stored_dictionaries(
    mixed: Path, tmp_path: Path, keep: bool, loaded: int
) -> None:
    import shutil

    index = tmp_path / "index"
    shutil.copytree(mixed, index)
    if not keep:  # an index written before dictionaries were stored: simplemma reads its own
        shutil.rmtree(index / "lemmas")
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(index)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", str(loaded)]
    assert hits(index, "Verhandlungen") == [("de", 1)]


def test_an_index_without_them_gets_them_at_its_next_run(mixed: Path, tmp_path: Path) -> None:
    import shutil

    index = tmp_path / "index"
    shutil.copytree(mixed, index)
    shutil.rmtree(index / "lemmas")
    again = invoke("index", "-q", "--index-dir", str(index), str(mixed.parent / "articles"))
    assert again.exit_code == 0, again.stderr
    assert sorted(path.name for path in (index / "lemmas").iterdir()) == [
        lemmas.file_name("de"),
        lemmas.file_name("fr"),
    ]
