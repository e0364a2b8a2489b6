"""Keeping the index in step with article files.

A run compares each file with what the index recorded for it: size and mtime
first (so unchanged files are not read at all), then the content hash (so a
file that was only touched is not re-split). Changed files have all their
sentences replaced; files gone from a folder given again are removed. All of
it is one Whoosh commit: a run either lands whole or not at all.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .article import parse_article
from .errors import BinaryFileError, InputError, OlderIndexError, SearchError
from .reading import SourceFile, content_hash, find_articles, read_bytes
from .schema import ARTICLE

DEFAULT_WAIT = 10.0

# Runs that read at least this much new text use Whoosh's multi-process writer.
PARALLEL_BYTES = 2_000_000

Progress = Callable[[int], None]


@dataclass
class IndexReport:
    """What one `search index` run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    sentences: int = 0
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    wrote: bool = False
    catalog: dict | None = None
    outdated: str | None = None  # why an index of an earlier version was rebuilt, if it was

    @property
    def articles(self) -> int:
        return self.added + self.updated + self.removed + self.unchanged


@dataclass(frozen=True)
class StoredArticle:
    """What the index recorded about one article file."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    sentences: int
    date: str | None

    def row(self) -> tuple:
        """The fields in order, for the catalog file (dataclasses.astuple deep-copies: slow)."""
        return (self.path, self.size, self.mtime_ns, self.sha256, self.sentences, self.date)


def update_index(
    folder: Path,
    paths: Sequence[str | os.PathLike],
    *,
    rebuild: bool = False,
    wait: float = DEFAULT_WAIT,
    progress: Callable[[int], Progress] | None = None,
) -> IndexReport:
    """Bring the index in `folder` in step with the article files under `paths`.

    `progress`, if given, is called with the number of files to look at and
    returns a callable that is told how many more files were done.
    Raises SearchError subclasses; a file that is not text is skipped and named
    in the report instead, so one bad file does not stop the run.
    """
    started = time.perf_counter()
    sources = find_articles(paths)
    store.prepare_folder(folder)
    with store.write_lock(folder, wait):
        fresh = rebuild or not (folder / store.POINTER).exists()
        outdated = None
        if not fresh:
            try:
                generation, index = store.open_live(folder)
            except OlderIndexError as error:  # written by an earlier version: rebuild it
                outdated, fresh = str(error), True
        if fresh:
            generation, index = store.new_generation(folder)
        try:
            report = _apply(folder, generation, index, sources, paths, fresh, wait, progress)
            report.outdated = outdated
        except BaseException:
            if fresh:
                store.discard(generation)
            raise
        if report.catalog is not None:
            rows = [article.row() for article in report.catalog.values()]
            store.save_catalog(generation, rows)
        if fresh:
            store.publish(folder, generation)
        else:
            if report.wrote:
                store.seal(generation)
                store.fsync_folder(generation)
            store.remove_stale_generations(folder, keep={generation.name})
    report.seconds = time.perf_counter() - started
    return report


def _apply(folder, generation, index, sources, paths, fresh, wait, progress) -> IndexReport:
    report = IndexReport()
    known = {} if fresh else stored_articles(folder, generation, index)
    catalog = dict(known)  # what the index will hold once this run commits
    tick = progress(len(sources)) if progress else None
    to_read = []
    for source in sources:
        stored = known.get(str(source.path))
        try:
            status = source.path.stat()
        except OSError as error:
            report.skipped.append(f"{source.path}: cannot read file ({error.strerror}), skipped")
            if tick:
                tick(1)
            continue
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device: reading could block
            report.skipped.append(f"{source.path}: not a regular file, skipped")
            if tick:
                tick(1)
            continue
        if stored and (stored.size, stored.mtime_ns) == (status.st_size, status.st_mtime_ns):
            report.unchanged += 1
            if tick:
                tick(1)
        else:
            to_read.append((source, stored, status))
    seen = {str(source.path) for source in sources}
    removed = list(_removed_paths(known, seen, paths, sources))
    report.wrote = fresh or bool(to_read or removed)
    if report.wrote:
        _write(folder, index, to_read, removed, fresh, wait, report, catalog, tick)
        report.catalog = catalog
    report.sentences = sum(article.sentences for article in catalog.values())
    return report


def _write(folder, index, to_read, removed, fresh, wait, report, catalog, tick) -> None:
    """One commit: read, split and add what changed, delete what is gone."""
    if not fresh:
        # Whoosh merges segments as it commits: damaged data must never be
        # folded into new segments and sealed with fresh checksums.
        store.raise_if_damaged(folder)
    new_bytes = sum(status.st_size for _source, _stored, status in to_read)
    with store.open_writer(folder, index, wait, parallel=new_bytes >= PARALLEL_BYTES) as writer:
        for source, stored, status in to_read:
            outcome = _index_file(writer, source, stored, status, report, catalog)
            if outcome is not None:
                setattr(report, outcome, getattr(report, outcome) + 1)
            if tick:
                tick(1)
        for gone in removed:
            writer.delete_by_term("path", gone)
            catalog.pop(gone, None)
            report.removed += 1


def _index_file(writer, source: SourceFile, stored, status, report, catalog) -> str | None:
    """Add, replace or keep one article; the name of the report counter to bump."""
    path = source.path
    try:
        data = read_bytes(path)
    except InputError as error:  # unreadable now: skipped like a binary file, the rest goes on
        report.skipped.append(f"{error}, skipped")
        return None
    digest = content_hash(data)
    if stored and stored.sha256 == digest:
        # Touched but unchanged: record its new mtime, keep its sentences.
        from whoosh.query import And, Term

        writer.delete_by_query(And([Term("kind", ARTICLE), Term("path", str(path))]))
        record = _record(path, status, digest, stored.sentences, stored.date)
        _add_article_record(writer, path, record)
        catalog[record.path] = record
        return "unchanged"
    try:
        article = parse_article(data, path)
    except BinaryFileError as error:
        report.skipped.append(str(error))
        return None
    if stored:
        writer.delete_by_term("path", str(path))
    date = article.iso_date
    for sentence in article.sentences:
        writer.add_document(
            path=str(path),
            article=path.stem,
            sentence=sentence.number,
            date=date,
            text=sentence.text,
            words=sentence.text,
            acronyms=sentence.text,
        )
    record = _record(path, status, digest, len(article.sentences), date)
    _add_article_record(writer, path, record)
    catalog[record.path] = record
    return "updated" if stored else "added"


def _record(path: Path, status, digest: str, sentences: int, date: str | None) -> StoredArticle:
    return StoredArticle(str(path), status.st_size, status.st_mtime_ns, digest, sentences, date)


def _add_article_record(writer, path: Path, record: StoredArticle) -> None:
    writer.add_document(
        kind=ARTICLE,
        path=record.path,
        article=path.stem,
        date=record.date,
        info={
            "size": record.size,
            "mtime_ns": record.mtime_ns,
            "sha256": record.sha256,
            "sentences": record.sentences,
        },
    )


def stored_articles(folder: Path, generation: Path, index) -> dict[str, StoredArticle]:
    """What the index recorded per article, by path: from the catalog file if it is current."""
    cached = store.load_catalog(generation)
    if cached is not None:
        try:
            return {row[0]: StoredArticle(*row) for row in cached}
        except TypeError:
            pass  # a catalog of another shape: read the records themselves
    articles = {}
    with store.guard(folder), index.searcher() as searcher:
        for fields in searcher.documents(kind=ARTICLE):
            fields = store.article_fields(fields)
            info = fields["info"]
            articles[fields["path"]] = StoredArticle(
                fields["path"],
                int(info.get("size", -1)),
                int(info.get("mtime_ns", -1)),
                str(info.get("sha256", "")),
                int(info.get("sentences", 0)),
                fields.get("date"),
            )
    return articles


def _removed_paths(known, seen, paths, sources) -> Iterable[str]:
    """Indexed files that lay under a folder given this run and are gone from it."""
    roots = {source.root for source in sources if source.root is not None}
    roots |= {Path(p).resolve() for p in paths if Path(p).is_dir()}
    for stored_path in known:
        if stored_path in seen:
            continue
        parent = Path(stored_path)
        if any(parent.is_relative_to(root) for root in roots) and not parent.exists():
            yield stored_path


def index_error_summary(report: IndexReport) -> SearchError | None:
    """The error a run ends with when files were skipped (exit 2 so scripts notice)."""
    if not report.skipped:
        return None
    count = len(report.skipped)
    noun = "file was" if count == 1 else "files were"
    return SearchError(f"{count} {noun} not indexed; see the warnings above")
