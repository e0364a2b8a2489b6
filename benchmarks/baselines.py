"""The baselines that `search index` is compared with, each run in a process of its own.

Both read the same pre-split sentences (a JSON Lines file written by `run.py` from
`search.articles.split.split_article`, one `[path, article, number, date, text]` array per line)
into memory before the clock starts, so only the indexing itself is timed:

- whoosh: plain Whoosh, the floor for indexing. `create_in` with our schema
  (`search.engine.schema.build_schema()`), one `ix.writer()` with default settings, one
  `add_document` per sentence with the fields of a sentence document (path, article,
  sentence number, date, text, and the text again in every field the indexer fills with it:
  `words` and `acronyms` since issue 9; the dicts are built before the clock starts), one
  `commit()`.
- whoosh1: plain one-field Whoosh (issue 26's floor): one `TEXT(analyzer=StemmingAnalyzer())`
  field holding each sentence, one default writer, `commit()`; what Whoosh itself costs for
  stemmed, positional words, with none of our fields.
- fts5: SQLite FTS5 from the standard library, `fts5(text, tokenize='porter')`, the texts
  inserted in one transaction.

Usage: python benchmarks/baselines.py {whoosh,whoosh1,fts5} SENTENCES.jsonl TARGET
Prints one JSON object: {"seconds": ..., "documents": ...}.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

FTS5_TABLE = "CREATE VIRTUAL TABLE s USING fts5(text, tokenize='porter')"

Row = tuple[str, str, int, str | None, str]
# What a sentence document holds, in the order of a row (fields our schema lacks are dropped).
SENTENCE_FIELDS = ("path", "article", "sentence", "date", "text")
# Fields the indexer fills with the sentence's text too (`search.engine.indexer._index_file`).
TEXT_COPIES = ("words", "acronyms")


def load_sentences(path: Path) -> list[Row]:
    with open(path, encoding="utf-8") as lines:
        return [tuple(json.loads(line)) for line in lines]


def index_plain_whoosh(rows: list[Row], folder: Path) -> float:
    """Seconds to add `rows` to a fresh Whoosh index with one default writer and commit."""
    from whoosh.index import create_in

    from search.engine.schema import build_schema

    schema = build_schema()
    names = [name for name in SENTENCE_FIELDS if name in schema.names()]
    documents = [dict(zip(SENTENCE_FIELDS, row, strict=True)) for row in rows]
    if len(names) < len(SENTENCE_FIELDS):
        documents = [{name: document[name] for name in names} for document in documents]
    copies = [name for name in TEXT_COPIES if name in schema.names()]
    for document in documents:
        document.update(dict.fromkeys(copies, document["text"]))
    folder.mkdir(parents=True, exist_ok=True)
    index = create_in(str(folder), schema)
    start = time.perf_counter()
    writer = index.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return time.perf_counter() - start


def index_one_field_whoosh(rows: list[Row], folder: Path) -> float:
    """Seconds to add the texts of `rows` to a fresh one-field Whoosh index
    (`StemmingAnalyzer`, positions) with one default writer and commit."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT, Schema
    from whoosh.index import create_in

    texts = [row[4] for row in rows]
    folder.mkdir(parents=True, exist_ok=True)
    index = create_in(str(folder), Schema(text=TEXT(analyzer=StemmingAnalyzer())))
    start = time.perf_counter()
    writer = index.writer()
    for text in texts:
        writer.add_document(text=text)
    writer.commit()
    return time.perf_counter() - start


def index_fts5(rows: list[Row], database: Path) -> float:
    """Seconds to create an FTS5 table holding the texts of `rows` and commit."""
    database.unlink(missing_ok=True)
    texts = [(row[4],) for row in rows]
    start = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute(FTS5_TABLE)
    connection.executemany("INSERT INTO s(text) VALUES (?)", texts)
    connection.commit()
    connection.close()
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    kind, sentences, target = argv
    rows = load_sentences(Path(sentences))
    builders = {
        "whoosh": index_plain_whoosh,
        "whoosh1": index_one_field_whoosh,
        "fts5": index_fts5,
    }
    seconds = builders[kind](rows, Path(target))
    print(json.dumps({"seconds": seconds, "documents": len(rows)}))


if __name__ == "__main__":
    main(sys.argv[1:])
