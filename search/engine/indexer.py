"""Keeping the index in step with article files.

A run compares each file with what the index recorded for it: size and mtime
first (so unchanged files are not read at all), then the content hash (so a
file that was only touched is not re-split). Changed files have all their
sentences replaced; files gone from a folder given again are removed. All of
it is one Whoosh commit: a run either lands whole or not at all. Each article read is
grouped with the indexed ones that tell the same story (`stories`) before it is written.
"""

from __future__ import annotations

import functools
import math
import os
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import lemmas
from ..articles.article import is_container, stream_articles
from ..articles.formats import lacks_extra
from ..articles.paragraphs import with_paragraphs
from ..articles.reading import Exclusions, SourceFile, content_hash, discover, kind_of
from ..errors import BinaryFileError, InputError, NoIndexError, OlderIndexError, SearchError
from ..language import DEFAULT, Language, default_language
from . import durable, store, writer
from .catalog import StoredArticle, save_catalog, stored_articles
from .damage import NO_SPACE
from .schema import (
    article_document,
    article_record_of,
    file_documents,
    sentence_document,
    source_of,
)
from .stories import Grouping, Story, describe

DEFAULT_WAIT = 10.0

# Runs that read at least this much new text use Whoosh's multi-process writer (one worker
# per core, up to 4); smaller ones, such as a day's new articles, write one segment in this
# process. On 2 cores, realistic text (benchmarks/corpus.py), two workers against one process
# (medians of 3 runs): 66 KB 0.37 s vs 0.46, 128 KB 0.50 vs 0.73, 250 KB 0.80 vs 1.18, 1 MB
# 2.3 vs 3.7; the threshold was 2 MB, which left runs below it 1.5 to 1.6 times slower.
PARALLEL_BYTES = 250_000

# The commit's share of a run's time (Whoosh merges and writes its segments then): 0.31 to 0.40
# in cold runs of 60 to 3,000 articles (150 KB to 15 MB). The progress bar gives it that share,
# so it never reads 100% before the end.
COMMIT_SHARE = 0.35
READING, COMMITTING = "Indexing", "Committing"
UNCHANGED = "the index is unchanged; free some space and run again"  # after a full disk

# Told how many more units (bytes of the files read, then the commit's weight) are done, and
# in which phase.
Progress = Callable[[int, str], None]


@dataclass
class IndexReport:
    """What one `search index` run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    sentences: int = 0
    skipped: list[str] = field(default_factory=list)  # warnings: files that failed to read
    notes: list[str] = field(default_factory=list)  # warnings about files that were indexed
    skipped_folders: int = 0  # folders that could not be read: the first warnings of `skipped`
    not_included: Counter[str] = field(default_factory=Counter)  # by kind_of: not --include'd
    lacking_extra: Counter[str] = field(default_factory=Counter)  # by suffix: extra missing
    left_behind: int = 0  # records of files gone whose content was indexed at a new path
    outdated: str | None = None  # why an index of an earlier version was rebuilt, if it was
    seconds: float = 0.0

    @property
    def articles(self) -> int:
        """The files given that the index holds after the run."""
        return self.added + self.updated + self.unchanged


def update_index(
    folder: Path,
    paths: Sequence[str | os.PathLike],
    *,
    rebuild: bool = False,
    wait: float = DEFAULT_WAIT,
    progress: Callable[[int, int], Progress | None] | None = None,
    include: Sequence[str] | None = None,
    prune: bool = False,
    jobs: int | None = None,
    exclude: Sequence[str] = (),
    language: str | None = None,
) -> IndexReport:
    """Bring the index in `folder` in step with the article files under `paths`.

    `include` are the globs that pick a folder's articles (default: every suffix with a
    reader), `exclude` those that leave files and folders out (the index folder itself is
    never read); `prune` also drops every record whose file is gone, wherever it was.
    `progress`, if given, is called with the units of work planned (bytes to read, plus
    the commit's weight) and the number of files to read, and returns a `Progress` that is
    told of each step (or None). `jobs` caps the worker processes of a large run
    (default: the cores); 1 writes in this one. `language` (ISO 639-1) is the language of
    articles too short to tell (default English).
    Raises SearchError subclasses; a file that is not text is skipped and named
    in the report instead, so one bad file does not stop the run.
    """
    started = time.perf_counter()
    if not paths and not rebuild and not (folder / store.POINTER).exists():
        raise NoIndexError(f"no index in {store.describe(folder)}; nothing to prune")
    found = discover(paths, include, exclude, skip=[folder])
    writer.prepare_folder(folder)
    with writer.write_lock(folder, wait):
        try:
            run = _Run.start(folder, rebuild, wait, jobs)
            run.default = default_language(language)
            lemmas.read_from(folder / store.LEMMAS)
        except OSError as error:
            if error.errno in NO_SPACE:
                raise _no_space(folder, UNCHANGED) from None
            raise
        try:
            run.plan(found.sources, paths, progress, prune, exclude)
            found.sources.clear()  # planned: the run holds what it reads (and lets it go)
            if run.changes:
                run.write()
            with store.guard(folder):
                run.finish()
        except BaseException as error:
            if run.fresh and not run.published:
                store.discard(run.generation)
            if isinstance(error, OSError) and error.errno in NO_SPACE:
                raise run.no_space() from None
            raise
    run.report.not_included.update(kind_of(path) for path in found.passed_over)
    run.report.skipped[:0] = found.unreadable
    run.report.skipped_folders = len(found.unreadable)
    run.report.left_behind = _left_behind(run.known, run.catalog)
    run.step(run.commit_weight, COMMITTING)
    run.report.seconds = time.perf_counter() - started
    return run.report


@dataclass(frozen=True, slots=True)
class _Change:
    """An article file to read this run, what the index holds for it (if anything), and
    its size and mtime as planned (not the whole stat result: 600 bytes a file, held for
    every file of the run)."""

    source: SourceFile
    stored: StoredArticle | None
    size: int
    mtime_ns: int


@dataclass
class _Run:
    """One index run: what the index holds, what changed on disk, and one commit of it."""

    folder: Path
    generation: Path
    index: object
    fresh: bool  # building a new generation (first run or --rebuild), published at the end
    previous: str | None  # the generation CURRENT named when the run began
    wait: float
    jobs: int | None
    committed: bool = False
    published: bool = False
    known: dict[str, StoredArticle] = field(default_factory=dict)
    catalog: dict[str, StoredArticle] = field(default_factory=dict)
    to_read: list[_Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    report: IndexReport = field(default_factory=IndexReport)
    tick: Progress | None = None
    commit_weight: int = 1
    grouping: Grouping = field(default_factory=Grouping)  # the stories, to group new articles
    default: Language | None = None  # the language of articles too short to tell
    stored_languages: set[str] = field(default_factory=set)  # dictionaries stored this run

    @classmethod
    def start(cls, folder: Path, rebuild: bool, wait: float, jobs: int | None) -> _Run:
        """Read CURRENT (once) and open the live generation, or create a fresh one."""
        previous = outdated = None
        if (folder / store.POINTER).exists():
            try:
                previous = store.read_pointer(folder).generation
            except OlderIndexError as error:  # written by an earlier version: rebuilt
                outdated = str(error)
            except SearchError:
                if not rebuild:
                    raise
        if rebuild or previous is None:
            generation, index = store.new_generation(folder)
            run = cls(folder, generation, index, True, previous, wait, jobs)
            run.report.outdated = None if rebuild else outdated
            return run
        generation = folder / previous
        index = store.open_generation(folder, generation)
        store.check_unsealed(folder, generation, index)
        return cls(folder, generation, index, False, previous, wait, jobs)

    @property
    def changes(self) -> bool:
        """Whether this run commits: a fresh index always does, a live one if files changed."""
        return self.fresh or self.committed or bool(self.to_read or self.removed)

    def plan(
        self,
        sources: list[SourceFile],
        paths,
        progress,
        prune: bool = False,
        exclude: Sequence[str] = (),
    ) -> None:
        """Sort the files into unchanged (by size and mtime), to read, and removed."""
        if not self.fresh:
            self.known = stored_articles(self.folder, self.generation, self.index)
        self.catalog = dict(self.known)  # what the index will hold once this run commits
        lacks = functools.cache(lacks_extra)  # 0.1 ms a call: once per suffix and run
        for source in sources:
            stored = self.known.get(str(source.path))
            try:
                status = source.path.stat()
            except OSError as error:
                self._skip(f"{source.path}: cannot read file ({error.strerror}), skipped")
                continue
            if not stat.S_ISREG(status.st_mode):  # a FIFO or a device: reading could block
                self._skip(f"{source.path}: not a regular file, skipped")
                continue
            if not _utf8(str(source.path)):  # the index stores names as UTF-8
                self._skip(f"{_shown(source.path)}: file name is not UTF-8, skipped; rename it")
                continue
            if stored and (stored.size, stored.mtime_ns) == (status.st_size, status.st_mtime_ns):
                self.report.unchanged += 1
            elif lacks(source.path.suffix.lower()):
                self.report.lacking_extra[source.path.suffix.lower()] += 1
            else:
                self.to_read.append(_Change(source, stored, status.st_size, status.st_mtime_ns))
        seen = {str(source.path) for source in sources}
        self.removed = list(_removed_paths(self.known, seen, paths, sources, prune, exclude))
        self._count_sentences()
        to_read = sum(change.size for change in self.to_read)
        self.commit_weight = math.ceil(to_read * COMMIT_SHARE / (1 - COMMIT_SHARE)) + 1
        units = to_read + self.commit_weight
        self.tick = progress(units, len(self.to_read)) if progress else None

    def write(self) -> None:
        """One commit: read, split and add what changed, delete what is gone."""
        if not self.fresh:
            # Whoosh merges segments as it commits: damaged data must never be
            # folded into new segments and sealed with fresh checksums.
            store.raise_if_damaged(self.folder, self.generation)
        new_bytes = sum(change.size for change in self.to_read)
        procs = writer.worker_count(self.jobs) if new_bytes >= PARALLEL_BYTES else 1
        leaving = set(self.removed)
        with (
            store.guard(self.folder),
            writer.open_writer(self.index, procs) as whoosh_writer,
        ):
            # Grouped once the workers are forked: they never read the stories' table.
            self.grouping = Grouping.of(
                (
                    (path, stored.grouped())
                    for path, stored in self.catalog.items()
                    if path not in leaving
                ),
                expected=len(self.catalog) + len(self.to_read),
            )
            # Each file let go of once read: 700 bytes a file (its path, its plan), 35 MB
            # at 50,000 files, no longer held at the commit, the run's peak of memory.
            self.to_read.reverse()
            while self.to_read:
                change = self.to_read.pop()
                self.index_file(whoosh_writer, change)
                self.step(change.size, READING)
            for gone in self.removed:
                whoosh_writer.delete_by_query(file_documents(gone, is_container(gone)))
                self.catalog.pop(gone, None)
                self.report.removed += 1
            self.step(0, COMMITTING)
        self.committed = True
        self._count_sentences()

    def index_file(self, whoosh_writer, change: _Change) -> None:
        """Add, replace or keep one article, and count it in the report."""
        path, stored = change.source.path, change.stored
        try:
            data = durable.read_regular(path)  # never blocks: replaced by a FIFO is refused
        except OSError as error:  # unreadable now: skipped like a binary file
            self.report.skipped.append(f"{path}: cannot read file ({error.strerror}), skipped")
            return
        digest = content_hash(data)
        if stored and stored.sha256 == digest:
            # Touched but unchanged: record its new mtime, keep its sentences.
            whoosh_writer.delete_by_query(article_record_of(str(path)))
            source = source_of(path, change.source.root, _url_of(self.index, str(path)))
            self._record(
                whoosh_writer,
                change,
                digest,
                stored.sentences,
                stored.date,
                stored.language,
                source,
                stored.grouped(),
            )
            self.report.unchanged += 1
            return
        try:
            articles = stream_articles(data, path, self.default)
        except BinaryFileError as error:
            self.report.skipped.append(str(error))
            return
        except InputError as error:  # corrupt, encrypted, empty, no text layer, missing extra
            self.report.skipped.append(f"{error}, skipped")
            return
        if stored:
            whoosh_writer.delete_by_query(file_documents(str(path), is_container(path)))
        for code in {article.language for _key, article in articles} - self.stored_languages:
            self._store_dictionary(code)
        sentences = 0
        stories = []
        for stored_as, article in articles:
            # The story from the whole text (in memory already): the sentences stream.
            self.grouping.remove(stored_as)
            story = describe([article.text], stored_as, self.grouping)
            stories.append(story)
            source = source_of(path, change.source.root, article.url)  # once an article
            # One at a time: see stream_articles.
            first = True
            for sentence, paragraph in with_paragraphs(article.text, article.sentences):
                sentences += 1
                whoosh_writer.add_document(
                    **sentence_document(
                        stored_as,
                        path.stem,
                        sentence.number,
                        article.iso_date,
                        sentence.text,
                        title=article.title or None,
                        url=article.url or None,
                        paragraph=paragraph,
                        language=article.language,
                        story=story.story,
                        source=source,
                        first=first,
                    )
                )
                first = False
        self.report.notes.extend(note for _key, article in articles for note in article.notes)
        date = articles[0][1].iso_date if len(articles) == 1 else None
        # A container's record: the language most of its articles are in, and its first
        # article's story for later runs to group with.
        languages = Counter(article.language for _key, article in articles)
        language = languages.most_common(1)[0][0] if languages else "en"
        url = articles[0][1].url if len(articles) == 1 else None
        source = source_of(path, change.source.root, url)
        self._record(whoosh_writer, change, digest, sentences, date, language, source, stories[0])
        if stored:
            self.report.updated += 1
        else:
            self.report.added += 1

    def _store_dictionary(self, code: str) -> None:
        """Store a language's dictionary with the index before its first words are analysed
        (in this process or a worker: both read it from there), for queries to read at once."""
        self.stored_languages.add(code)
        if code != DEFAULT and lemmas.storable():
            store.store_dictionary(self.folder, code)

    def finish(self) -> None:
        """After the commit: record the catalog, then publish or seal the generation. An
        index written before dictionaries were stored gets them for all its languages."""
        held = {article.language for article in self.catalog.values()}
        for code in sorted(held - self.stored_languages):
            self._store_dictionary(code)
        if self.changes:
            save_catalog(self.generation, self.catalog.values())
        if self.fresh:
            store.publish(self.folder, self.generation, self.previous)
            self.published = True
            return
        if self.changes:
            durable.seal(self.generation)
        store.remove_stale_generations(self.folder, keep={self.generation.name})

    def no_space(self) -> SearchError:
        """The one line for a full disk, saying what became of this run."""
        if self.committed and not self.fresh:
            outcome = "the articles were indexed, but free some space before the next run"
        else:
            outcome = UNCHANGED
        return _no_space(self.folder, outcome)

    def _record(
        self,
        whoosh_writer,
        change: _Change,
        digest: str,
        sentences: int,
        date,
        language: str,
        source: str,
        story: Story,
    ) -> None:
        path = change.source.path
        record = StoredArticle(
            str(path),
            change.size,
            change.mtime_ns,
            digest,
            sentences,
            date,
            language,
            story=story.story,
            same=story.same,
            sketch=story.sketch,
        )
        whoosh_writer.add_document(
            **article_document(
                record.path,
                path.stem,
                date,
                record.info(),
                language,
                story=story.story,
                source=source,
            )
        )
        self.catalog[record.path] = record

    def _count_sentences(self) -> None:
        self.report.sentences = sum(article.sentences for article in self.catalog.values())

    def _skip(self, warning: str) -> None:
        self.report.skipped.append(warning)

    def step(self, units: int, phase: str) -> None:
        if self.tick:
            self.tick(units, phase)


def _removed_paths(
    known, seen, paths, sources, prune: bool, exclude: Sequence[str] = ()
) -> Iterable[str]:
    """Indexed files that are gone and lay under a folder given this run (or any, to prune);
    to prune, also those below a folder given this run that `exclude` now leaves out."""
    roots = {source.root for source in sources if source.root is not None}
    roots |= {Path(p).resolve() for p in paths if Path(p).is_dir()}
    leave_out = Exclusions(exclude) if prune and exclude else None
    for stored_path in known:
        if stored_path in seen:
            continue
        parent = Path(stored_path)
        under = [root for root in roots if parent.is_relative_to(root)]
        gone = (prune or under) and _gone(parent)
        if gone or (leave_out and any(_excluded(leave_out, parent, root) for root in under)):
            yield stored_path


def _excluded(leave_out: Exclusions, path: Path, root: Path) -> bool:
    """Whether a glob of `--exclude` leaves out `path` below `root`; never a path with a
    hidden name (a walk never reads one, so it was named alone and stays)."""
    if any(part.startswith(".") for part in path.relative_to(root).parts):
        return False
    return leave_out.path(path, root)


def _gone(path: Path) -> bool:
    """No file at `path` (an unreadable folder on the way is not proof that it is gone)."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _left_behind(known: dict, catalog: dict) -> int:
    """Records kept for files now gone whose content this run indexed at a new path: moves."""
    moved_in = {record.sha256 for path, record in catalog.items() if path not in known}
    return sum(
        1
        for path, record in catalog.items()
        if path in known and record.sha256 in moved_in and _gone(Path(path))
    )


def index_error_summary(report: IndexReport) -> SearchError | None:
    """The error a run ends with when files were skipped (exit 2 so scripts notice)."""
    if not report.skipped:
        return None
    folders, files = report.skipped_folders, len(report.skipped) - report.skipped_folders
    parts = [f"{folders} folder{'s were' if folders > 1 else ' was'} not read"] if folders else []
    if files:
        parts.append(f"{files} {'file was' if files == 1 else 'files were'} not indexed")
    return SearchError(f"{' and '.join(parts)}; see the warnings above")


def _no_space(folder: Path, outcome: str) -> SearchError:
    """No space: the device (as its mount point) and what became of the run.

    No figure of the space the run needed: it depends on the merge Whoosh chose, the
    workers' posting pools and the catalog (1.5 to 4.3 MB for the same 370 KB of text),
    and a guess presented as a need misleads."""
    where = _shown(_mount_point(folder))
    return SearchError(f"no space left on {where}; {outcome}")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(path: Path) -> str:
    """A path as it can be printed, whatever bytes its name holds."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _mount_point(folder: Path) -> Path:
    """The mount point of the file system that holds `folder`: the device a user would name."""
    path = folder.resolve()
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def _url_of(index, path: str) -> str | None:
    """The URL stored with an indexed article's sentences (its source when it is a web page)."""
    with index.searcher() as searcher:
        for fields in searcher.documents(path=path):
            if fields.get("kind") != "article":
                return fields.get("url")
    return None
