"""The `search` command: parses arguments, calls the library, prints.

Exit status, as grep and ripgrep: 0 something matched, 1 nothing did, 2 error.
Every library error (SearchError) becomes one line on stderr and exit 2 here,
in `SearchGroup.invoke`, and nowhere else.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
from contextlib import contextmanager, suppress
from pathlib import Path

import click

from . import __version__
from .errors import OutputError, SearchError
from .output import COLOR_CHOICES

DEFAULT_INDEX_DIR = "index"
DEFAULT_SEEDS = "seeds"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CommandError(click.ClickException):
    """A one-line error that exits 2 (Click's default for ClickException is 1)."""

    exit_code = 2

    def show(self, file=None) -> None:
        from .output import inert

        click.echo(f"search: {inert(self.format_message())}", err=True)


class NoMatch(Exception):
    """Raised by a command that ran fine and found nothing: exit 1."""


class SearchGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's standalone handling, except that a usage error is one line, as all ours."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except getattr(click.exceptions, "NoArgsIsHelpError", ()) as error:
            click.echo(error.format_message(), err=True)  # `search` alone: the help
            sys.exit(error.exit_code)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "search"
            from .output import inert

            message = inert(error.format_message())
            click.echo(f'search: {message} (see "{command} --help")', err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            _interrupts.tell()
            sys.exit(130)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            with _guarded_stdout():
                return super().invoke(ctx)
        except NoMatch:
            ctx.exit(1)
        except SearchError as error:
            raise CommandError(str(error)) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
            ctx.exit(0)
        except KeyboardInterrupt:
            # Not Click's "Aborted!" and exit 1: 1 means "no match" here.
            _interrupts.tell()
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("SEARCH_DEBUG"):
                raise
            raise CommandError(
                f"unexpected error ({type(error).__name__}: {error}); "
                "set SEARCH_DEBUG=1 for details and please report it"
            ) from None


class _Output:
    """A standard output whose failures to write (its disk full, its descriptor closed) are
    OutputError, so that they are one line like any other error. A reader that went away
    (BrokenPipeError) is left as it is: that one ends quietly."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, data):
        with _writing():
            return self._stream.write(data)

    def flush(self) -> None:
        with _writing():
            self._stream.flush()

    @property
    def buffer(self):
        return _Output(self._stream.buffer)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _ClosedOutput:
    """Standard output when the command was started with it closed (`search query x >&-`)."""

    def write(self, data):
        raise OutputError(f"cannot write output ({os.strerror(errno.EBADF)})")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self):
        return self


@contextmanager
def _writing():
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write output ({error.strerror or error})") from None


@contextmanager
def _guarded_stdout():
    """sys.stdout as an `_Output` while a command runs."""
    original = sys.stdout
    sys.stdout = _ClosedOutput() if original is None else _Output(original)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = original


class _Interrupts:
    """Ctrl-C, whenever it comes, ends the command with one line and exit 130.

    Python raises KeyboardInterrupt wherever the main thread happens to be: in a weakref
    finalizer of multiprocessing (which only prints "Exception ignored"), in the teardown of
    the interpreter. So every Ctrl-C is also noted here, and the command ends as interrupted
    even when the exception was swallowed on the way.
    """

    def __init__(self) -> None:
        self.seen = False
        self.told = False

    def install(self) -> None:
        """Note every Ctrl-C (unless it is ignored, as in a background job) and every
        KeyboardInterrupt that a finalizer swallowed."""
        if signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, None):
            signal.signal(signal.SIGINT, self._raise)
        previous = sys.unraisablehook

        def unraisable(hook_args) -> None:
            if isinstance(hook_args.exc_value, KeyboardInterrupt):
                self.seen = True
            else:
                previous(hook_args)

        sys.unraisablehook = unraisable

    def _raise(self, signum, frame) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def _note(self, signum, frame) -> None:
        self.seen = True

    def hold(self) -> None:
        """From now on a Ctrl-C is only noted: the command is ending."""
        if signal.getsignal(signal.SIGINT) == self._raise:  # bound methods: equal, never identical
            signal.signal(signal.SIGINT, self._note)

    def tell(self) -> None:
        self.seen = True
        if not self.told:
            self.told = True
            click.echo("search: interrupted", err=True)


_interrupts = _Interrupts()


def _quiet_broken_pipe() -> None:
    """The reader went away (`search query x | head`): stop quietly, as grep does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def index_dir_option(function):
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=True, dir_okay=True, path_type=Path),
        default=None,
        callback=_locate_index,
        envvar="SEARCH_INDEX_DIR",
        show_envvar=True,
        help=(
            "Folder of the index. [default: the nearest index/ holding an index, "
            "here or in a parent folder (as git finds .git); else ./index/]"
        ),
    )(function)


def _locate_index(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """The folder given, or the nearest `index/` above the current folder that holds an index."""
    if value is not None:
        return value
    from .store import POINTER

    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_INDEX_DIR
        if (candidate / POINTER).is_file():
            return candidate if folder == here else candidate.resolve()
    return Path(DEFAULT_INDEX_DIR)


def json_option(function):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")(function)


def color_option(function):
    return click.option(
        "--color",
        type=click.Choice(COLOR_CHOICES),
        default="auto",
        show_default=True,
        help="Color output; auto colors a terminal unless NO_COLOR is set.",
    )(function)


def context_option(short: str, long: str, where: str):
    """`-C`, `-B`, `-A`: how many neighbouring sentences to show, as grep's options."""
    return click.option(
        short,
        long,
        type=click.IntRange(min=0),
        default=None,
        metavar="N",
        help=f"Show N sentences {where}.",
    )


def _terminal_width() -> int | None:
    """Wrap for a terminal only; piped output keeps one line per sentence."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def _echo_lines(lines, err: bool = False) -> None:
    for line in lines:
        click.echo(line, color=True, err=err)


@click.group("search", cls=SearchGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="search")
def cli() -> None:
    """Keyword search over news articles: every hit is one sentence.

    \b
    Example:
        search index seeds/
        search query "Turkey peacekeeping"
    """


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in when complete.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another process that is writing the index.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help=(
        "Index runs of 250 KB or more of new text in N processes (default: the cores, up to 4); "
        "1 uses least memory."
    ),
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help=(
        "Which files of a folder are articles (repeatable; any case; a GLOB with / matches "
        "the path below the folder). [default: *.txt *.md *.markdown *.html *.htm *.pdf]"
    ),
)
@click.option(
    "--prune",
    is_flag=True,
    help="Also drop every indexed file that is gone, wherever it was; with no PATH, only prune.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no summary line.")
def index_command(
    paths,
    index_dir: Path,
    rebuild: bool,
    wait: float,
    jobs: int | None,
    include,
    prune: bool,
    quiet: bool,
) -> None:
    """Split articles into sentences and index them (incrementally).

    PATHS are article files or folders (searched recursively for .txt,
    .md, .markdown, .html, .htm and .pdf, or --include); with none, seeds/
    is indexed. Files unchanged since the last run are skipped, changed ones
    replaced, and files gone from a folder given again are removed.

    \b
    Example:
        search index seeds/ ~/articles/
        search index --include '*.txt' --include '*.TEXT' ~/articles/
        search index --prune                 # drop files moved or deleted
        search index --rebuild seeds/
    """
    from . import output
    from .indexer import index_error_summary, update_index

    prune_only = prune and not paths and not rebuild
    targets = list(paths) or ([] if prune_only else [Path(DEFAULT_SEEDS)])
    if not paths and not prune_only and not Path(DEFAULT_SEEDS).is_dir():
        from .errors import InputError

        raise InputError(
            f"no {DEFAULT_SEEDS}/ folder here to index by default; "
            "give the files or folders to index, e.g. search index ~/articles"
        )
    with _progress_bar(not quiet and sys.stderr.isatty()) as progress:
        report = update_index(
            index_dir,
            targets,
            rebuild=rebuild,
            wait=wait,
            progress=progress,
            include=include or None,
            prune=prune,
            jobs=jobs,
        )
    if report.outdated:
        click.echo(output.format_rebuilt(report.outdated), err=True)
    for warning in [*report.skipped, *output.format_lacking_extra(report)]:
        click.echo(f"search: warning: {output.inert(warning)}", err=True)
    if not quiet:
        from .store import describe

        where = describe(index_dir)
        summary = output.format_prune_summary if prune_only else output.format_index_summary
        click.echo(summary(report, where), err=True)
        _echo_lines(output.format_index_notes(report), err=True)
    failure = index_error_summary(report)
    if failure:
        raise failure


# Runs that read fewer files and bytes than this finish before a bar is worth drawing.
PROGRESS_MIN_FILES, PROGRESS_MIN_BYTES = 50, 1_000_000


@contextmanager
def _progress_bar(enabled: bool):
    """A factory for Click's progress bar on stderr (for runs large enough to need one).

    The bar counts the bytes of the files read and then the commit's share of the run
    (labelled "Committing"), as the library reports them: it reaches 100% only at the end.
    """
    bars = []

    def start(total: int, files: int):
        if files < PROGRESS_MIN_FILES and total < PROGRESS_MIN_BYTES:
            return None
        bar = click.progressbar(length=total, label=f"{'Indexing':10}", file=sys.stderr)
        bar.__enter__()
        bars.append(bar)

        def step(units: int, phase: str) -> None:
            if f"{phase:10}" != bar.label:  # one width, so the bar does not shift
                bar.label = f"{phase:10}"
                bar.render_progress()
            if units:
                bar.update(units)

        return step

    try:
        yield start if enabled else None
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


QUERY_HELP = """Print the sentences that best match QUERY, best first.

\b
Every word must match (--any: one is enough); words are case-insensitive
and stemmed, so negotiation finds "negotiations". Every word is searched,
short and common ones too (US, May, X, "to be or not to be"). A word typed
in capitals (US, IT, WHO, U.S.) is the acronym: it matches only that word
written in capitals, never "us" or "its". Accents fold (Zurich = Zürich),
dotted capitals are letters (U.S. = US), compounds match joined (e-mail =
email). The spelling typed ranks first (Browne above Brown); one word
alone in quotes ("Browne") matches that spelling only. Only
uppercase AND, OR, NOT are operators: and, or, not are words.
\b
  Turkey peacekeeping            both words
  Turkey OR Russia               either word
  Turkey NOT Russia, Turkey -Russia     without a word
  (Turkey OR Russia) ceasefire   grouping
  "peacekeeping troops"          a phrase: these words, in this order
  "peacekeeping Ukraine"~3       words within 3 positions of each other
  peace*                         a prefix
  peacekeping~  peacekepping~2   fuzzy: one edit, or two, from the words as written
  article:000_88                 sentences of an article (a prefix of its name)
  date:2025-03-11 date:2025-03   a day, a month (from the article's dateline;
                                 --since/--until take YYYY, YYYY-MM, YYYY-MM-DD)
  date:[2025-01-01 TO 2025-06-30]   a range of dates
\b
Exit status: 0 if something matched, 1 if nothing did (with one line on
stderr, and a suggestion when one is close), 2 on error.
\b
Example:
    search query "Turkey peacekeeping"
    search query -C 1 --since 2025-03-01 ceasefire
    search query --json -n 3 'peace* NOT Russia'
"""


@cli.command("query", help=QUERY_HELP)
@click.argument("query", nargs=-1, required=True)
@index_dir_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Print at most N sentences.",
)
@click.option("--all", "show_all", is_flag=True, help="Print every matching sentence.")
@click.option("--any", "match_any", is_flag=True, help="Any word is enough (default: every word).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "article"]),
    default="relevance",
    show_default=True,
    help="Order of the hits (date: newest first).",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Only articles dated on or after this YYYY-MM-DD (YYYY-MM, YYYY: its first day).",
)
@click.option(
    "--until",
    metavar="DATE",
    help="Only articles dated on or before this YYYY-MM-DD (YYYY-MM, YYYY: its last day).",
)
@click.option(
    "--include-undated",
    is_flag=True,
    help="With --since/--until, keep sentences of articles without a date too.",
)
@context_option("-C", "--context", "before and after each hit")
@context_option("-B", "--before-context", "before each hit")
@context_option("-A", "--after-context", "after each hit")
@click.option(
    "-c", "--count", "count_only", is_flag=True, help="Print only the number of matching sentences."
)
@click.option(
    "-l",
    "--articles",
    "articles_only",
    is_flag=True,
    help="Print only the matching articles, with their hits and date.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop a query that runs longer than this (default: 10).",
)
@json_option
@color_option
def query_command(
    query,
    index_dir: Path,
    limit: int,
    show_all: bool,
    match_any: bool,
    sort: str,
    since,
    until,
    include_undated: bool,
    context,
    before_context,
    after_context,
    count_only: bool,
    articles_only: bool,
    timeout: float | None,
    as_json: bool,
    color: str,
) -> None:
    from . import output
    from .query import check_date, parse_query
    from .searching import DEFAULT_BUDGET, SearchIndex

    since = check_date(since, "--since") if since else None
    until = check_date(until, "--until", last=True) if until else None
    parsed = parse_query(
        " ".join(query),
        match_any=match_any,
        since=since,
        until=until,
        include_undated=include_undated,
    )
    before = before_context if before_context is not None else (context or 0)
    after = after_context if after_context is not None else (context or 0)
    style = output.Style(output.use_color(color, sys.stdout))

    with SearchIndex.open(index_dir, budget=timeout or DEFAULT_BUDGET) as index:
        if count_only:
            total = index.count(parsed)
            click.echo(output.to_json({"count": total}) if as_json else str(total))
            found = bool(total)
        elif articles_only:
            entries = index.articles(parsed, None if show_all else limit)
            for entry in entries:
                line = (
                    output.to_json(entry) if as_json else output.format_article_hits(entry, style)
                )
                click.echo(line, color=True)
            found = bool(entries)
        else:
            hits = index.find(
                parsed, limit=None if show_all else limit, sort=sort, before=before, after=after
            )
            _print_hits(hits, style, as_json, with_context=bool(before or after))
            found = bool(hits)
        undated = index.undated_left_out(parsed)
        if undated:
            click.echo(output.format_undated_left_out(undated), err=True)
        if not found:
            message = output.format_no_match(
                parsed.text, index.did_you_mean(parsed), index.count_any(parsed)
            )
            click.echo(message, err=True)
            raise NoMatch()


def _print_hits(hits, style, as_json: bool, with_context: bool) -> None:
    from . import output

    width = _terminal_width()
    for number, hit in enumerate(hits):
        if as_json:
            click.echo(output.to_json(output.hit_json(hit, with_context)))
            continue
        if number and with_context:
            click.echo(style.dim("--"), color=True)
        _echo_lines(output.format_hit(hit, style, width, with_context))


@cli.command("split")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def split_command(file: Path, as_json: bool) -> None:
    """Print the sentences of FILE exactly as the indexer stores them, numbered.

    \b
    Example:
        search split seeds/000_88ce9bbce3777626.txt
        search split --json article.txt
    """
    from . import output
    from .article import parse_article
    from .errors import InputError
    from .reading import read_bytes

    if not file.exists():
        raise InputError(f"{file}: no such file")
    if file.is_dir():
        raise InputError(f"{file}: is a folder; give one article file")
    article = parse_article(read_bytes(file), file)
    date = article.iso_date
    style = output.Style(False)
    width = _terminal_width()
    if not as_json and date:
        click.echo(f"date: {date}")
    for sentence in article.sentences:
        if as_json:
            click.echo(output.to_json(output.split_json(sentence, date)))
        else:
            _echo_lines(output.format_numbered(sentence.number, sentence.text, style, width))


@cli.command("status")
@index_dir_option
@click.option("--verify", is_flag=True, help="Check every index file against its checksum.")
@json_option
def status_command(index_dir: Path, verify: bool, as_json: bool) -> None:
    """Show what the index holds and which indexed files changed on disk.

    \b
    Example:
        search status
        search status --verify --json
    """
    from . import output
    from .searching import SearchIndex

    with SearchIndex.open(index_dir, verify=verify) as index:
        status = index.status()
    if as_json:
        click.echo(output.to_json(status))
    else:
        _echo_lines(output.format_status(status))


@cli.command("show")
@click.argument("article")
@index_dir_option
@click.option(
    "-C",
    "--context",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="With ARTICLE:N, also show N sentences before and after.",
)
@json_option
@color_option
def show_command(article: str, index_dir: Path, context: int, as_json: bool, color: str) -> None:
    """Print an indexed article, numbered, or one sentence of it (ARTICLE:N).

    \b
    Example:
        search show 000_88ce9bbce3777626
        search show 000_88ce9bbce3777626:11 -C 1
    """
    from . import output
    from .searching import SearchIndex, parse_reference

    name, number = parse_reference(article)
    with SearchIndex.open(index_dir) as index:
        found = index.article(name, number, context)
    if as_json:
        for sentence in found.sentences:
            click.echo(output.to_json(output.show_json(found, sentence)))
        return
    style = output.Style(output.use_color(color, sys.stdout))
    width = _terminal_width()
    _echo_lines(output.format_show_header(found, style))
    for s in found.sentences:
        dim = found.focus is not None and s.sentence != found.focus
        _echo_lines(output.format_numbered(s.sentence, s.text, style, width, dim=dim))


EXPORT_HELP = """Write the index for another engine: Elasticsearch, OpenSearch or any other.

\b
  --format es-bulk   _bulk NDJSON (an action line and a document per sentence)
  --format es-index  the settings and mapping: an analyzer that makes our words
  --format jsonl     one JSON object per sentence
\b
Documents are in (path, sentence) order with the fields text, article, path,
name, sentence and date (and title and url where the index has them). A QUERY,
--since and --until restrict the sentences exported; --to URL loads them into
a cluster instead (needs: pip install 'search[es]').
\b
Exit status: 0 if something was exported, 1 if nothing matched, 2 on error.
\b
Example:
    search export --format es-index > mapping.json
    search export --format es-bulk > sentences.ndjson
    search export --format jsonl --since 2025-03-01 ceasefire
    search export --to http://localhost:9200 --index-name news
"""


@cli.command("export", help=EXPORT_HELP)
@click.argument("query", nargs=-1)
@index_dir_option
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["es-bulk", "es-index", "jsonl"]),
    default="es-bulk",
    show_default=True,
    help="What to write.",
)
@click.option(
    "--index-name",
    default="search",
    show_default=True,
    metavar="NAME",
    help="The Elasticsearch index the documents go to.",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Only articles dated on or after this YYYY-MM-DD (YYYY-MM, YYYY: its first day).",
)
@click.option(
    "--until",
    metavar="DATE",
    help="Only articles dated on or before this YYYY-MM-DD (YYYY-MM, YYYY: its last day).",
)
@click.option("--any", "match_any", is_flag=True, help="Any word of QUERY is enough.")
@click.option("--to", "url", metavar="URL", help="Load into the cluster at URL instead.")
def export_command(
    query, index_dir: Path, export_format: str, index_name: str, since, until, match_any, url
) -> None:
    from . import export
    from .errors import InputError
    from .query import check_date, parse_query
    from .searching import SearchIndex

    since = check_date(since, "--since") if since else None
    until = check_date(until, "--until", last=True) if until else None
    parsed = None
    if query:
        parsed = parse_query(" ".join(query), match_any=match_any, since=since, until=until)
    if export_format == "es-index":
        if query or since or until or url:
            raise InputError(
                "--format es-index writes the mapping only; "
                "a QUERY, --since, --until and --to go with es-bulk or jsonl"
            )
        click.echo(export.to_line(export.index_body()))
        return
    if url and export_format != "es-bulk":
        raise InputError("--to loads es-bulk documents; leave out --format or use es-bulk")
    with SearchIndex.open(index_dir) as index:
        sentences = index.sentences(parsed, since, until)
        with _export_progress(index, parsed, since, until) as progress:
            if url:
                exported = export.load(url, index_name, sentences, progress)
                click.echo(f"Loaded {exported} sentences into {index_name} at {url}", err=True)
            elif export_format == "es-bulk":
                lines = export.bulk_lines(sentences, index_name)
                exported = _write_lines(lines, progress, per_sentence=2)
            else:
                exported = _write_lines(export.jsonl_lines(sentences), progress, per_sentence=1)
    if not exported:
        raise NoMatch()


@contextmanager
def _export_progress(index, parsed, since, until):
    """`progress(n)` advances a bar on stderr when it is a terminal (counting what will be
    exported first costs a pass over the index, so only then); otherwise None."""
    if not sys.stderr.isatty():
        yield None
        return
    total = index.sentence_count(parsed, since, until)
    with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
        yield bar.update


def _write_lines(lines, progress, per_sentence: int) -> int:
    """Write UTF-8 lines to stdout in large blocks, advancing `progress` per sentence;
    return how many sentences were written."""
    out = sys.stdout.buffer
    block: list[str] = []
    written = 0
    for line in lines:
        block.append(line)
        if len(block) >= 2000:
            written += _flush_block(out, block, progress, per_sentence)
    written += _flush_block(out, block, progress, per_sentence)
    out.flush()
    return written


def _flush_block(out, block: list[str], progress, per_sentence: int) -> int:
    out.write("".join(block).encode("utf-8"))
    sentences = len(block) // per_sentence
    if progress is not None:
        progress(sentences)
    block.clear()
    return sentences


SERVE_MODULES = {"starlette", "uvicorn", "jinja2", "markupsafe"}


@cli.command("serve")
@index_dir_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback makes the index readable by the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
def serve_command(index_dir: Path, host: str, port: int, open_browser: bool) -> None:
    """Serve a search page and a JSON API over the index, until Ctrl-C.

    \b
    The page: http://127.0.0.1:8000/  (the full query language, dates, sort)
    The API:  /api/search?q=...  /api/articles/NAME  /api/status
              /api/openapi.json  (their description)
    A new "search index" run is served within a second, without a restart.
    \b
    Example:
        search serve
        search serve --index-dir ~/news-index --port 8080 --open
    """
    try:
        import uvicorn  # noqa: F401

        from . import server
    except ImportError as error:
        if error.name not in SERVE_MODULES:
            raise
        raise CommandError(
            "search serve needs Starlette, uvicorn and Jinja2; "
            "install them with: pip install 'search[serve]'"
        ) from None
    sock = server.bind(host, port)
    url = server.url_of(sock)
    if not server.is_loopback(sock):
        click.echo(
            f"search: warning: listening on {host}: anyone who can reach this machine "
            "can read the index",
            err=True,
        )
    click.echo(f"Serving {index_dir} at {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    server.run(index_dir, sock)


def main() -> None:
    """The installed command: its exit status is right even when no message can be printed
    (stderr closed or full), and a Ctrl-C at any moment ends in `search: interrupted`, 130.

    The process ends by os._exit once the output is flushed: the interpreter's teardown
    (multiprocessing's finalizers, the release of every object) has nothing left to do for
    a finished command, and a Ctrl-C during it could only print a traceback.
    """
    _interrupts.install()
    status: int = 0
    try:
        try:
            cli(prog_name="search")
        finally:
            _interrupts.hold()
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 2)
    except KeyboardInterrupt:
        status = 130
    except (OSError, ValueError):  # an error message that could not be printed
        status = 2
    _finish(status)


def _finish(status: int) -> None:
    """Flush the output, say whether it failed or a Ctrl-C came, and end the process."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        pass
    except (OSError, ValueError) as error:
        if status in (0, 1):
            _say(f"search: cannot write output ({getattr(error, 'strerror', None) or error})")
            status = 2
    if _interrupts.seen:
        if not _interrupts.told:
            _say("search: interrupted")
        status = 130
    with suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(status)


def _say(line: str) -> None:
    with suppress(OSError, ValueError):
        click.echo(line, err=True)
