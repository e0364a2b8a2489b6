"""What the index holds, and whether it still matches the files on disk."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .reading import content_hash
from .schema import ARTICLE, SCHEMA_VERSION


@dataclass
class IndexStatus:
    index_dir: str
    articles: int
    sentences: int
    size_bytes: int
    updated: str | None
    schema_version: int
    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    damaged: list[str] | None = None


def index_status(folder: Path, verify: bool = False) -> IndexStatus:
    """Counts, size, last update, and indexed files now changed (stale) or gone (missing)."""
    pointer = store.read_pointer(folder)
    generation = folder / pointer.generation
    if verify:
        # Before reading anything: a damaged file must be named, not just tripped over.
        store.raise_if_damaged(folder)
    articles = sentences = 0
    stale: list[str] = []
    missing: list[str] = []
    with store.reading(folder) as searcher:
        for fields in searcher.documents(kind=ARTICLE):
            fields = store.article_fields(fields)
            articles += 1
            info = fields["info"]
            sentences += int(info.get("sentences", 0))
            state = _file_state(Path(fields["path"]), info)
            if state == "missing":
                missing.append(fields["path"])
            elif state == "stale":
                stale.append(fields["path"])
    status = IndexStatus(
        index_dir=str(folder),
        articles=articles,
        sentences=sentences,
        size_bytes=store.size_on_disk(folder),
        updated=_updated(generation),
        schema_version=SCHEMA_VERSION,
        stale=sorted(stale),
        missing=sorted(missing),
    )
    if verify:
        status.damaged = []
    return status


def _file_state(path: Path, info: dict) -> str:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "stale"
    if stat.st_size == info.get("size") and stat.st_mtime_ns == info.get("mtime_ns"):
        return "current"
    try:
        return "current" if content_hash(path.read_bytes()) == info.get("sha256") else "stale"
    except OSError:
        return "stale"


def _updated(generation: Path) -> str | None:
    tocs = [entry for entry in generation.glob("_MAIN_*.toc") if entry.is_file()]
    if not tocs:
        return None
    newest = max(os.stat(toc).st_mtime for toc in tocs)
    return dt.datetime.fromtimestamp(newest, dt.timezone.utc).isoformat(timespec="seconds")
