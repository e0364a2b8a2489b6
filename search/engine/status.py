"""What the index holds, and whether it still matches the files on disk."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..articles.reading import content_hash
from . import store
from .catalog import StoredArticle, stored_articles
from .durable import latest_toc, read_regular
from .schema import SCHEMA_VERSION


@dataclass
class IndexStatus:
    index_dir: str
    articles: int
    sentences: int
    size_bytes: int
    updated: str | None
    schema_version: int
    languages: dict[str, int] = field(default_factory=dict)  # articles per language
    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    damaged: list[str] | None = None


def index_status(folder: Path, verify: bool = False, opened=None) -> IndexStatus:
    """Counts, size, last update, and indexed files now changed (stale) or gone (missing).

    `opened`: the (generation folder, Whoosh index) of an index already open, not opened again.
    """
    if verify:
        # Before reading anything: a damaged file must be named, not just tripped over.
        store.raise_if_damaged(folder)
    generation, index = opened or store.open_live(folder)
    records = stored_articles(folder, generation, index)
    states = {path: _file_state(record) for path, record in records.items()}
    committed = _last_commit(generation)
    return IndexStatus(
        index_dir=str(folder),
        articles=len(records),
        sentences=sum(record.sentences for record in records.values()),
        size_bytes=size_on_disk(folder),
        updated=_iso(committed) if committed is not None else None,
        schema_version=SCHEMA_VERSION,
        languages=dict(Counter(record.language for record in records.values())),
        stale=sorted(path for path, state in states.items() if state == "stale"),
        missing=sorted(path for path, state in states.items() if state == "missing"),
        damaged=[] if verify else None,
    )


def _file_state(record: StoredArticle) -> str:
    """current, stale or missing: size and mtime first, the content hash to confirm."""
    path = Path(record.path)
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError:
        return "stale"
    if (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns):
        return "current"
    try:
        return "current" if content_hash(read_regular(path)) == record.sha256 else "stale"
    except OSError:
        return "stale"


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds")


def size_on_disk(folder: Path) -> int:
    """Bytes in the index folder's files, all generations included."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total


def _last_commit(generation: Path) -> float | None:
    """When the live TOC of `generation` was written (its mtime), or None."""
    toc = latest_toc(entry.name for entry in generation.iterdir())
    return (generation / toc).stat().st_mtime if toc else None
