"""Writing the index: the write lock, and Whoosh's writers (one process or one per core).

Only one process writes an index at a time: it holds `write.lock` (flock) for
the whole run. flock locks vanish with the process that held them, so a killed
writer never leaves a stale lock behind.

Large runs use Whoosh's multi-process writer: forked workers each write a
segment of their own. Forked workers inherit the lock's descriptor and would
outlive a killed parent, so the hooks below make each worker let go of the
lock and die with its parent.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import math
import multiprocessing
import os
import pickle
import queue
import shutil
import signal
import struct
import time
import zlib
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from whoosh import multiproc
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from ..errors import IndexLockedError, InputError, NotAnIndexError, SearchError, WorkerError
from .store import LOCK, POINTER, describe, foreign_entries

# Postings are written in blocks of this many documents (Whoosh's default is 128). Each
# block records its best possible score, and a top-10 search skips the blocks that cannot
# reach it: smaller blocks bound it more tightly, but a search that moves through postings
# (AND, phrases) reads more block headers. At 200k sentences (best of 5, in-process):
# `government` 59 ms at 128, 32 at 64, 19 at 32; `minister ceasefire` 56, 60, 68; `negoti*`
# 40, 28, 32; the index 113, 117 and 129 MB.
POSTING_BLOCK = 64
# Compound segments are read through an mmap that Whoosh copies whole into a
# BytesIO on every open: 200 MB and 50 ms per query at 200k sentences. Plain
# segment files are read lazily.


class _LengthsOnce:
    """A segment's per-document reader as the commit's posting writer uses it: each field's
    lengths read once, into a list, instead of once per posting.

    Whoosh looks a document's field length up for every posting it writes (792,000 at 20,000
    sentences), each a column read through a file object, and for an unscored field (`path`,
    `date`: no length column) a check that the column file exists: 6 of the 50 s of a
    profiled 20k cold index, in one process.
    """

    def __init__(self, reader) -> None:
        self.reader = reader
        self.columns: dict[str, list | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        column = self.columns.get(fieldname, _UNREAD)
        if column is _UNREAD:
            column = self.columns[fieldname] = self._column(fieldname)
        if column is None:
            return default
        lbyte = column[docnum] if docnum < len(column) else 0
        # As Whoosh's reader: no length for a document without the field (byte 0).
        return byte_to_length(lbyte) if lbyte else None

    def _column(self, fieldname: str) -> list | None:
        name = _lenfield(fieldname)
        if not self.reader.has_column(name):
            return None
        column = self.reader.column_reader(name, LENGTHS_COLUMN)
        return [column[docnum] for docnum in range(self.reader.doc_count_all())]

    def __getattr__(self, name: str):
        return getattr(self.reader, name)


_UNREAD: list = []


_POINTER = struct.Struct("!Iq")  # a hash table slot of Whoosh's term file: hash, position
_LENGTHS = struct.Struct("!ii")  # a key's and a value's length before them


class _TermTable(OrderedHashWriter):
    """Whoosh's term table writer (`OrderedHashWriter`), each term's hash and position kept
    as two 8-byte numbers in an array instead of a tuple of two ints in a list (about 120
    bytes): a worker holds one entry per distinct term of its segment until the segment is
    written, 700,000 terms at 200,000 sentences (`pairs` and `copy` are most of them). The
    same file, byte for byte: the same slots, probed in the same order."""

    lastkey: bytes

    def __init__(self, dbfile) -> None:
        super().__init__(dbfile)
        self.buckets = [array("Q") for _ in range(256)]  # hash, position, hash, position...

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = self.dbfile
        position = dbfile.tell()
        self.index.append(position)
        dbfile.write(_LENGTHS.pack(len(key), len(value)))
        dbfile.write(key)
        dbfile.write(value)
        hashed = self.hashfn(key)
        bucket = self.buckets[hashed & 255]
        bucket.append(hashed)
        bucket.append(position)
        self.lastkey = key

    def _write_hashes(self) -> None:
        """Whoosh's hash tables: per bucket twice as many slots as entries, each entry at
        (hash >> 8) % slots or the next free slot after it; an empty slot is (0, 0)."""
        dbfile = self.dbfile
        for number, entries in enumerate(self.buckets):
            self.directory.append((dbfile.tell(), len(entries)))  # 2 slots an entry
            slots = len(entries)
            table = [(0, 0)] * slots
            taken = bytearray(slots)
            for at in range(0, slots, 2):
                hashed = entries[at]
                slot = (hashed >> 8) % slots
                while taken[slot]:
                    slot = (slot + 1) % slots
                taken[slot] = 1
                table[slot] = (hashed, entries[at + 1])
            self.buckets[number] = array("Q")
            dbfile.write(b"".join(_POINTER.pack(hashed, at) for hashed, at in table))


class _FieldWriter(W3FieldWriter):
    """Whoosh's field writer, its term table a `_TermTable`."""

    def __init__(self, codec, storage, segment) -> None:
        super().__init__(codec, storage, segment)
        # Whoosh's table has written its header and holds no term yet: it only changes class.
        self._tindex.__class__ = _TermTable
        self._tindex.buckets = [array("Q") for _ in range(256)]


# A block of postings whose pickle is shorter than this is written as it is, not compressed:
# zlib makes short pickles longer. At 20,000 sentences 132,120 of the 159,923 blocks written
# are under 80 bytes (3.0 MB; compressed, 3.8 MB), and compressing every block was 3% of the
# CPU of a cold index (2.3 of 73 s, profiled). Each block records whether it is compressed,
# and Whoosh reads both kinds. (Whoosh meant to leave blocks under 20 bytes alone, but sets
# the level again on the next line.)
COMPRESS_FROM = 80


class _PostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, compressing only blocks of `COMPRESS_FROM` bytes or more."""

    def _write_block(self, last=False):
        """Whoosh's `_write_block`, the compression level 0 for a short block."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = pickle.dumps(data, 2)
        level = self._compression if len(databytes) >= COMPRESS_FROM else 0
        if level:
            databytes = zlib.compress(databytes, level)
        ids = self._ids
        lengths = (length_to_byte(self._minlength), length_to_byte(self._maxlength))
        info = (len(ids), ids[-1], self._maxweight, level, *lengths)
        infobytes = pickle.dumps(info, 2)
        blocklength = len(infobytes) + len(databytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class _Codec(W3Codec):
    """Whoosh's codec, whose writer reads each field's lengths once per segment (see
    `_LengthsOnce`) and keeps its term table compact (`_TermTable`). Segments record it
    as Whoosh's own codec, so an index written with it is read by Whoosh alone, as before."""

    def per_document_reader(self, storage, segment):
        return _LengthsOnce(super().per_document_reader(storage, segment))

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def __reduce__(self):
        return (W3Codec, (self._blocklimit, self._compression, self._inlinelimit))


_WRITER_OPTIONS = {"limitmb": 128, "compound": False, "codec": _Codec(blocklimit=POSTING_BLOCK)}
# Each worker buffers postings up to limitmb: keep the whole tree small.
_WORKER_OPTIONS = {"limitmb": 32, "multisegment": True}
MAX_WORKERS = 4
# A worker's exit status when the disk filled up under it (errno's own number).
_EXIT_NO_SPACE = errno.ENOSPC
NO_SPACE_ERRORS = (errno.ENOSPC, errno.EDQUOT)


class NoSpaceError(OSError):
    """The disk filled up under a worker (the parent says what became of the run)."""


class _Workers:
    """What forked workers need from their parent, set up once per process."""

    def __init__(self) -> None:
        self.hooked = False
        self.parent_pid: int | None = None
        self.lock_descriptor: int | None = None
        self.die_with_parent: Callable[[], object] | None = None

    def hook(self) -> None:
        if self.hooked:
            return
        try:  # Linux's prctl(PR_SET_PDEATHSIG), looked up now so the child only calls it
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl
            self.die_with_parent = lambda: prctl(1, signal.SIGKILL)
        except (OSError, AttributeError):
            self.die_with_parent = None
        os.register_at_fork(before=self._remember_parent, after_in_child=self._in_child)
        self.hooked = True

    def _remember_parent(self) -> None:
        self.parent_pid = os.getpid()

    def _in_child(self) -> None:
        """In a forked indexing worker: die with the parent, and never hold its lock.

        A parent killed before the death signal was armed is caught by checking
        who the parent is afterwards.
        """
        # Ctrl-C reaches the whole process group: the parent handles it and stops us.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):  # held back by the parent as it forked us
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        if self.lock_descriptor is not None:
            with suppress(OSError):
                os.close(self.lock_descriptor)
        if self.die_with_parent is not None:
            self.die_with_parent()
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            os._exit(1)

    @staticmethod
    def stop() -> None:
        """Kill the workers: Whoosh's cancel cannot reach them, and they read its files."""
        for worker in multiprocessing.active_children():
            worker.kill()
            worker.join(timeout=5)


_workers = _Workers()


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """SIGINT held back while this thread forks workers, delivered when they are forked.

    A Ctrl-C inside `os.fork()` lands between the standard library's fork hooks (logging
    takes its lock before a fork and releases it after, in parent and child): the release
    then failed and Python printed its traceback above `search: interrupted`. Held, the
    Ctrl-C arrives once the workers exist, and stops the run as anywhere else.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def write_lock(folder: Path, wait: float) -> Iterator[None]:
    """Hold the index's write lock, waiting up to `wait` seconds for another writer."""
    if math.isnan(wait):
        raise InputError("the time to wait for another writer must be a number of seconds")
    try:
        descriptor = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise SearchError(
            f"cannot lock the index in {describe(folder)} ({LOCK}: {error.strerror}); "
            f"check that {LOCK} is a file you may write"
        ) from None
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise locked(describe(folder), wait) from None
                time.sleep(0.05)
        _workers.lock_descriptor = descriptor
        yield
    finally:
        _workers.lock_descriptor = None
        os.close(descriptor)


def prepare_folder(folder: Path) -> None:
    """Create the index folder if needed; refuse a file or a folder of other things."""
    if folder.exists() and not folder.is_dir():
        raise NotAnIndexError(
            "{folder} is a file, not an index folder; pass {index_dir} a folder",
            options=("index_dir",),
            folder=folder,
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        broken = _broken_link(folder, error)
        if broken is not None:
            raise NotAnIndexError(
                "cannot create index folder {folder}: a symbolic link that leads nowhere "
                "({why}); pass {index_dir} a folder",
                options=("index_dir",),
                folder=folder,
                why=broken,
            ) from None
        raise NotAnIndexError(f"cannot create index folder {folder}: {error.strerror}") from None
    if not (folder / POINTER).exists() and foreign_entries(folder):
        raise NotAnIndexError(
            "{where} holds files that are not a search index; "
            "pass {index_dir} an empty or index folder",
            options=("index_dir",),
            where=describe(folder),
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        why = "read-only file system" if _read_only(folder) else "permission denied"
        raise NotAnIndexError(f"cannot write to index folder {describe(folder)} ({why})")


def _broken_link(folder: Path, error: OSError) -> str | None:
    """Why mkdir met a symbolic link that leads nowhere (a loop, a missing target), rather
    than mkdir's "File exists"; None if that is not what stopped it."""
    if isinstance(error, FileExistsError) and folder.is_symlink():
        try:
            os.stat(folder)
        except OSError as broken:
            return broken.strerror
    return None


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def locked(where: str, wait: float) -> IndexLockedError:
    return IndexLockedError(
        "another process is writing the index in {where} "
        "(waited {seconds:g} s); try again when it finishes, or pass {wait} SECONDS",
        options=("wait",),
        where=where,
        seconds=wait,
    )


def worker_count(jobs: int | None = None) -> int:
    """How many worker processes a run may use here: `jobs`, else the cores (up to 4)."""
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return 1
    return jobs if jobs is not None else min(os.cpu_count() or 1, MAX_WORKERS)


@contextmanager
def open_writer(index, procs: int = 1):
    """A Whoosh writer, always in a `with` block: commit on success, cancel on error.

    A writer whose add_document raised keeps Whoosh's lock until it is garbage
    collected, so no writer is ever held outside this block. With `procs` > 1,
    Whoosh's multi-process writer indexes in that many forked workers, each
    writing its own segment, and every worker is accounted for before the commit.
    A cancelled run removes the files it wrote: the live TOC names none of them.
    """
    # Our write lock is held for the whole run: Whoosh's own lock (_lk) is not taken, so
    # a writer that fails as it starts leaves no lock behind in this process either.
    try:
        if procs > 1:
            _workers.hook()
            options = {**_WRITER_OPTIONS, **_WORKER_OPTIONS}
            writer = AccountedWriter(index, procs=procs, subargs=options, _lk=False, **options)
        else:
            writer = _SealingWriter(index, _lk=False, **_WRITER_OPTIONS)
    except BaseException:
        shutil.rmtree(os.path.join(index.storage.folder, f"{index.indexname}.tmp"), True)
        raise
    live = list(writer.segments)  # Whoosh may extend writer.segments as it commits
    forks = isinstance(writer, AccountedWriter)
    try:
        if forks:
            writer.start_workers()
        yield writer
        writer.commit()
    except BaseException:
        _workers.stop()
        with suppress(Exception):
            writer.cancel()
        _remove_uncommitted(writer, live)
        raise
    finally:
        if forks:
            gc.unfreeze()


def _commit_sealed(writer, segments, commit_toc) -> None:
    """Publish the TOC of `segments` with its checksums recorded first (see
    durable.record_commit): a commit is never visible unsealed, even under kill -9."""
    writer.storage.sealing = frozenset(segment.segment_id() for segment in segments)
    try:
        commit_toc(segments)
    finally:
        writer.storage.sealing = None


class _ChunkedPool(PostingPool):
    """Whoosh's posting pool, its runs written and read `RUN_CHUNK` postings at a time.

    A pool past `limitmb` sorts its postings into a run on disk, and the commit merges the
    runs; Whoosh pickles and unpickles each posting alone, a fifth of the CPU of a 20,000-
    sentence index in one process (1.27 million postings, each dumped once and loaded once).
    The runs hold the same postings in the same order; only their pickling changes.
    """

    def add(self, item):
        """Whoosh's `PostingPool.add` without its two checks of types (our fields give
        bytes): the same size counted, so runs are cut where Whoosh cuts them; the checks
        and the accounting, once per posting, were a tenth of the CPU of indexing."""
        fieldname, text, _docnum, _weight, value = item
        self.fieldnames.add(fieldname)
        self.currentsize += _POSTING_SIZE + len(fieldname) + 2 * len(text) + len(value or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def add_field(self, fieldname: str, docnum: int, items, boost: float) -> int:
        """Add one field's postings of one document (`field.index`'s tuples), counted as
        `add` counts them, and return the sum of their frequencies (the field's length).
        A run is cut after a field rather than inside it: the same postings, sorted."""
        current = self.current
        count = size = length = 0
        for text, frequency, weight, value in items:
            current.append((fieldname, text, docnum, weight * boost, value))
            size += 2 * len(text) + len(value or b"")
            length += frequency
            count += 1
        if count:
            self.fieldnames.add(fieldname)
            self.currentsize += size + (_POSTING_SIZE + len(fieldname)) * count
            if self.currentsize > self.limit:
                self.save()
        return length

    def _write_run(self, f, items):
        chunk = []
        for item in items:  # a sorted list, or an iterator of merged runs (reduce_to)
            chunk.append(item)
            if len(chunk) >= RUN_CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


# What Whoosh's pool counts for a posting besides its field name, term and value (bytes).
_POSTING_SIZE = 28 + 4 * 5 + 21 + 26 + 18 + 16 + 21
# How many postings a run pickles at once. The commit reads up to 128 runs at once (Whoosh's
# `maxfiles`), a chunk of each in memory: a million sentences make about 170 runs a worker (at
# 32 MB a pool), so chunks of 4,096 postings held 128 x 4,096 postings of about 250 bytes, 130
# MB a worker, while its pool was empty; chunks of 512 hold 16 MB. Whoosh pickles each block's
# values, and which equal values are one object (pickled once) follows the chunks, so the
# posting files' bytes differ from Whoosh's where a block spans two chunks; what they decode to
# does not (tests/test_postings.py).
RUN_CHUNK = 512


def _chunked(writer: SegmentWriter) -> SegmentWriter:
    """`writer` with its (empty) posting pool made a `_ChunkedPool` of the same size."""
    pool = writer.pool
    writer.pool = _ChunkedPool(writer._tempstorage, pool.segment, limitmb=1)
    writer.pool.limit = pool.limit
    return writer


class _DocumentWriter(SegmentWriter):
    """Whoosh's segment writer, with a posting pool of `_ChunkedPool`, adding a document's
    postings a field at a time (`_ChunkedPool.add_field`) and reusing a field's postings when
    its value is the one of the document before: an article's sentences share its path, name,
    date, source and headline. The same postings, lengths and stored values as Whoosh's
    `add_document`, for a schema without spelling fields or term vectors (ours); any other
    is left to Whoosh."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _chunked(self)
        fields = [self.schema[name] for name in self.schema.names()]
        self._plain = not any(field.separate_spelling() or field.vector for field in fields)
        self._last: dict[str, tuple[object, list]] = {}

    def add_document(self, **fields):
        if not self._plain:
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                items = self._postings(fieldname, field, value)
                length = self.pool.add_field(fieldname, docnum, items, boost)
                if not field.scorable:
                    length = 0
            stored = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
            column = field.column_type
            if column and stored is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _postings(self, fieldname: str, field, value) -> list:
        """`field.index(value)` as a list, the last one kept for the next document."""
        last = self._last.get(fieldname)
        if last is not None and type(last[0]) is type(value) and last[0] == value:
            return last[1]
        items = field.index(value)
        if not isinstance(items, list):
            items = list(items)
        self._last[fieldname] = (value, items)
        return items


class _SealingWriter(_DocumentWriter):
    """Whoosh's one-process writer, whose commit records its checksums before publishing."""

    def _commit_toc(self, segments):
        _commit_sealed(self, segments, super()._commit_toc)


class _WorkerWriter(_DocumentWriter):
    """A worker's writer: Whoosh's, adding documents as `_DocumentWriter` does."""


def _remove_uncommitted(writer, live: list) -> None:
    """Delete segment files and TOCs that the live TOC does not name (this run's)."""
    from whoosh.index import clean_files

    with suppress(OSError):
        clean_files(writer.storage, writer.indexname, writer.generation - 1, live)
        for name in writer.storage.list():  # a TOC that was being written, not yet renamed
            if name.startswith(f"_{writer.indexname}_") and ".toc." in name:
                writer.storage.delete_file(name)


class _Task(SubWriterTask):
    """A worker that exits quietly on failure: its parent reports it, in one line."""

    def run(self):
        # This process is a forked worker: Whoosh's worker makes its writer from this name.
        multiproc.SegmentWriter = _WorkerWriter
        try:
            super().run()
        except OSError as error:
            raise SystemExit(_EXIT_NO_SPACE if error.errno in NO_SPACE_ERRORS else 1) from None
        except BaseException:
            raise SystemExit(1) from None


class _WatchedQueue:
    """The workers' job queue: the parent stops waiting on it when a worker died."""

    def __init__(self, jobs, check) -> None:
        self.jobs = jobs
        self.check = check

    def put(self, item) -> None:
        while True:
            try:
                self.jobs.put(item, timeout=0.2)
                return
            except queue.Full:
                self.check()

    def get(self):
        return self.jobs.get()


class AccountedWriter(MpWriter):
    """Whoosh's multi-process writer, made to notice a worker that never delivered.

    Whoosh's writer ignores a result that never arrives, so a worker killed by
    the OOM killer silently drops its documents. Here the parent counts the
    documents it handed out and, before the TOC is written, checks that every
    worker exited 0 and that the workers' segments hold exactly that many.
    """

    def __init__(self, index, procs: int, **options) -> None:
        super().__init__(index, procs=procs, **options)
        self.jobqueue: _WatchedQueue = _WatchedQueue(self.jobqueue, self.check_workers)
        self.handed_out = 0
        # Whoosh extends self.segments in place as it commits: remember the live ones now.
        self.live_segments = {segment.segment_id() for segment in self.segments}

    def start_workers(self) -> None:
        """Fork every worker now (Whoosh forks each at its first batch), with what this
        process holds frozen (`gc.freeze`) until the writer is done.

        A forked worker shares its parent's pages until either writes to one; Python's
        collector writes into every object it walks, so the parent's next full collection
        gave each worker a private copy of everything the parent held at the fork (its
        plan of the run, the catalog): 70 MB a worker at 1,000,000 sentences. Frozen
        objects are never walked. Forking before the run's stories are grouped (the caller
        groups them after opening the writer) keeps their table out of the workers too.
        """
        gc.freeze()
        with _ctrl_c_held():
            while len(self.tasks) < self.procs:
                self._new_task()

    def _new_task(self):
        task = _Task(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self):
        self.check_workers()
        self.handed_out += len(self.docbuffer)
        super()._enqueue()

    def check_workers(self) -> None:
        """Raise for the first worker that has exited with a failure."""
        for task in self.tasks:
            if task.exitcode:
                raise worker_failure(task.exitcode)

    def _commit_toc(self, segments):
        self.check_workers()
        ours = self.live_segments | {self.newsegment.segment_id()}
        delivered = sum(
            segment.doc_count_all() for segment in segments if segment.segment_id() not in ours
        )
        if delivered != self.handed_out or any(task.exitcode != 0 for task in self.tasks):
            raise WorkerError(
                "an indexing worker did not deliver its documents ({delivered} of "
                "{handed_out}); nothing was committed; run again with {jobs} 1",
                options=("jobs",),
                delivered=delivered,
                handed_out=self.handed_out,
            )
        _commit_sealed(self, segments, super()._commit_toc)


def worker_failure(exitcode: int) -> Exception:
    """The error for a worker that exited with `exitcode` (negative: killed by a signal)."""
    if exitcode == _EXIT_NO_SPACE:
        return NoSpaceError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if exitcode < 0:
        number = -exitcode
        why = ", perhaps out of memory" if number == signal.SIGKILL else ""
        return WorkerError(
            "an indexing worker died (killed by signal {number}{why}); nothing was committed; "
            "run again with {jobs} 1 or more memory",
            options=("jobs",),
            number=number,
            why=why,
        )
    return WorkerError(
        "an indexing worker failed (exit status {exitcode}); nothing was committed; "
        "run again with {jobs} 1",
        options=("jobs",),
        exitcode=exitcode,
    )
