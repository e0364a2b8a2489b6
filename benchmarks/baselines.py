"""The baselines that `search index` is compared with, each run in a process of its own.

Both read the same pre-split sentences (a JSON Lines file written by `run.py` from
`search.split.split_article`, one `[path, article, number, date, text]` array per line) into
memory before the clock starts, so only the indexing itself is timed:

- whoosh: plain Whoosh, the floor for indexing. `create_in` with our schema
  (`search.schema.build_schema()`), one `ix.writer()` with default settings, one
  `add_document` per sentence with the same fields our indexer writes, one `commit()`.
- fts5: SQLite FTS5 from the standard library, `fts5(text, tokenize='porter')`, the texts
  inserted in one transaction.

Usage: python benchmarks/baselines.py {whoosh,fts5} SENTENCES.jsonl TARGET
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


def load_sentences(path: Path) -> list[Row]:
    with open(path, encoding="utf-8") as lines:
        return [tuple(json.loads(line)) for line in lines]


def index_plain_whoosh(rows: list[Row], folder: Path) -> float:
    """Seconds to add `rows` to a fresh Whoosh index with one default writer and commit."""
    from whoosh.index import create_in

    from search.schema import SENTENCE, build_schema

    folder.mkdir(parents=True, exist_ok=True)
    index = create_in(str(folder), build_schema())
    start = time.perf_counter()
    writer = index.writer()
    for path, article, number, date, text in rows:
        writer.add_document(
            kind=SENTENCE, path=path, article=article, sentence=number, date=date, text=text
        )
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
    builders = {"whoosh": index_plain_whoosh, "fts5": index_fts5}
    seconds = builders[kind](rows, Path(target))
    print(json.dumps({"seconds": seconds, "documents": len(rows)}))


if __name__ == "__main__":
    main(sys.argv[1:])
