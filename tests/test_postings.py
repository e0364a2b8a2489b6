"""Issue 26: the word fields' postings, made without tokens, are Whoosh's own.

`search.engine.formats` reads our analyzers' terms as tuples instead of Whoosh's token
stream, and the writer reads each field's lengths once per segment: both must write
exactly the postings Whoosh's own formats and codec write, for any sentence.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.formats import Frequency, Positions

from conftest import invoke
from search.engine import store
from search.engine.analysis import marked
from search.engine.schema import build_schema

SCHEMA = build_schema()

# Words that take every rule of the newsroom tokenizer: dotted capitals, acronyms, compounds,
# accents and umlauts, clitics, numbers, shouting, and a few common words to repeat.
PIECES = [
    "the", "peace", "talks", "talks", "of", "U.S.", "U.S.-led", "NATO", "IT", "e-mail",
    "Zürich", "Müller-Lüdenscheid", "Turkey's", "it's", "3.5", "9/11", "a.m.", "Ph.D.",
    "CEASEFIRE", "TALKS", "IN", "GENEVA", "Ministry", "Defense", "ß", "œuvre", "—", ",",
]  # fmt: skip
sentences = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=25).map(" ".join)
languages = st.sampled_from(["en", "de", "fr", "tr"])


def whoosh_values(field, value: str, whoosh_format) -> list:
    return sorted(whoosh_format.word_values(value, field.analyzer, mode="index"))


def ours(field, value: str) -> list:
    return sorted(field.format.word_values(value, field.analyzer, mode="index"))


@settings(max_examples=300, deadline=None)
@given(sentences, languages)
def test_positions_are_whooshs(sentence, language):
    for name in ("text", "title"):
        field = SCHEMA[name]
        value = marked(sentence, language)
        assert ours(field, value) == whoosh_values(field, value, Positions(field_boost=1.0))


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_frequencies_are_whooshs(sentence):
    field = SCHEMA["words"]
    assert ours(field, sentence) == whoosh_values(field, sentence, Frequency(field_boost=1.0))


@pytest.mark.parametrize(
    "sentence",
    [
        "",
        "The peace talks, the peace talks.",
        "U.S.-led talks in Zürich on e-mail",
        "NATO SAYS IT WILL MEET",
        "\x1dnot a mark\x1d at all",
    ],
)
def test_exact_cases(sentence):
    field = SCHEMA["text"]
    assert ours(field, sentence) == whoosh_values(field, sentence, Positions(field_boost=1.0))


def postings_digest(folder: Path) -> tuple[int, str]:
    """Every posting (field, term, document, weight, value, field length) and stored field."""
    digest = hashlib.sha256()
    count = 0
    with store.reading(folder) as searcher:
        reader = searcher.reader()
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            while matcher.is_active():
                number = matcher.id()
                length = reader.doc_field_length(number, field)
                posting = (field, term, number, matcher.weight(), matcher.value(), length)
                posting += term_stats(reader.term_info(field, term))
                digest.update(repr(posting).encode())
                count += 1
                matcher.next()
        for number, fields in reader.iter_docs():
            digest.update(repr((number, sorted(fields.items()))).encode())
        for name in sorted(reader.schema.names()):
            if reader.has_column(name):
                digest.update(repr((name, list(reader.column_reader(name)))).encode())
    return count, digest.hexdigest()


def term_stats(info) -> tuple:
    """What a term's entry records of its postings (the blocks' bounds among them)."""
    bounds = (info.min_length(), info.max_length(), info.max_weight())
    return (info.weight(), info.doc_frequency(), *bounds)


def test_index_written_as_whoosh_writes_it(tmp_path, monkeypatch):
    """One corpus indexed by `search index`, then again with Whoosh's own formats, codec
    and `add_document` in the schema and writer: the same postings, lengths, stored fields
    and columns."""
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import SegmentWriter

    from search.engine import schema, writer

    assert isinstance(schema.build_schema()["text"].format, Positions)

    corpus = tmp_path / "news"
    corpus.mkdir()
    for number in range(6):
        (corpus / f"{number}.txt").write_text(
            "March 3, 2025\n"
            f"The U.S.-led peace talks in Zürich resumed on day {number}.\n"
            "NATO SAYS IT WILL MEET AGAIN. Officials e-mailed Müller the peace talks' "
            "agenda, and the talks went on.\n",
            encoding="utf-8",
        )
    for number in range(2):  # a headline on every sentence, and a language's analysis
        (corpus / f"berlin{number}.md").write_text(
            f"# Friedensgespräche in Zürich, Tag {number}\n\n"
            "Die Regierung in Berlin hat am Montag neue Gespräche über einen "
            "Waffenstillstand angekündigt. Die Minister treffen sich "
            f"am {number + 3}. März in Zürich, sagte ein Sprecher der Regierung.\n",
            encoding="utf-8",
        )
    ours_index = tmp_path / "ours"
    assert (
        invoke("index", str(corpus), "--index-dir", str(ours_index), "--jobs", "1").exit_code == 0
    )

    def plain_schema():
        built = original()
        for name, format_class in (("text", Positions), ("title", Positions), ("words", Frequency)):
            built[name].format = format_class(field_boost=1.0)
        return built

    original = schema.build_schema
    monkeypatch.setattr(store, "build_schema", plain_schema)
    options = {**writer._WRITER_OPTIONS, "codec": W3Codec(blocklimit=writer.POSTING_BLOCK)}
    monkeypatch.setattr(writer, "_WRITER_OPTIONS", options)
    monkeypatch.setattr(writer._DocumentWriter, "add_document", SegmentWriter.add_document)
    plain_index = tmp_path / "plain"
    assert (
        invoke("index", str(corpus), "--index-dir", str(plain_index), "--jobs", "1").exit_code == 0
    )

    # Logically equal, not byte for byte: Whoosh pickles a block's values, and a value we
    # encode once and reuse (a word seen once, at the same position) is pickled as one object.
    assert postings_digest(ours_index) == postings_digest(plain_index)


@settings(max_examples=100, deadline=None)
@given(st.sets(st.binary(min_size=1, max_size=12), max_size=600), st.binary(max_size=6))
def test_term_table_is_whooshs_byte_for_byte(keys, value):
    """The compact term table writes Whoosh's `OrderedHashWriter` file exactly: the same
    hash tables (collisions probed in the same order), directory, extras and index."""
    from whoosh.filedb.filestore import RamStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    from search.engine.writer import _TermTable

    storage = RamStorage()
    written = {}
    for name, table_class in (("whoosh", OrderedHashWriter), ("ours", _TermTable)):
        table = table_class(storage.create_file(name))
        table.extras["fieldmap"] = {"text": 0}
        for key in sorted(keys):
            table.add(key, value + key[:3])
        table.close()
        written[name] = storage.open_file(name).read()
    assert written["ours"] == written["whoosh"]
    reader = OrderedHashReader(storage.open_file("ours"), len(written["ours"]))
    assert {key: reader[key] for key in keys} == {key: value + key[:3] for key in keys}
