"""The `search` command: parses arguments, calls the library, prints.

Exit status, as grep and ripgrep: 0 something matched, 1 nothing did, 2 error.
Every library error (SearchError) becomes one line on stderr and exit 2 here,
in `SearchGroup.invoke`, and nowhere else.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import SearchError
from .output import COLOR_CHOICES

DEFAULT_INDEX_DIR = "index"
DEFAULT_SEEDS = "seeds"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CommandError(click.ClickException):
    """A one-line error that exits 2 (Click's default for ClickException is 1)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"search: {self.format_message()}", err=True)


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
            click.echo(f'search: {error.format_message()} (see "{command} --help")', err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("search: interrupted", err=True)
            sys.exit(130)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
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
            click.echo("search: interrupted", err=True)
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
        default=DEFAULT_INDEX_DIR,
        envvar="SEARCH_INDEX_DIR",
        show_default=True,
        show_envvar=True,
        help="Folder of the index.",
    )(function)


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


def _echo_lines(lines) -> None:
    for line in lines:
        click.echo(line, color=True)


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
@click.option("-q", "--quiet", is_flag=True, help="Print no summary line.")
def index_command(paths, index_dir: Path, rebuild: bool, wait: float, quiet: bool) -> None:
    """Split articles into sentences and index them (incrementally).

    PATHS are .txt files or folders (searched recursively for *.txt);
    with none, seeds/ is indexed. Files unchanged since the last run are
    skipped, changed ones replaced, and files gone from a folder given
    again are removed.

    \b
    Example:
        search index seeds/ ~/articles/
        search index --rebuild seeds/
    """
    from .indexer import index_error_summary, update_index

    targets = list(paths) or [Path(DEFAULT_SEEDS)]
    if not paths and not Path(DEFAULT_SEEDS).is_dir():
        from .errors import InputError

        raise InputError(
            f"no {DEFAULT_SEEDS}/ folder here to index by default; "
            "give the files or folders to index, e.g. search index ~/articles"
        )
    with _progress_bar(not quiet and sys.stderr.isatty()) as progress:
        report = update_index(index_dir, targets, rebuild=rebuild, wait=wait, progress=progress)
    if report.outdated:
        from .output import format_rebuilt

        click.echo(format_rebuilt(report.outdated), err=True)
    for warning in report.skipped:
        click.echo(f"search: warning: {warning}", err=True)
    if not quiet:
        from .output import format_index_summary
        from .store import describe

        click.echo(format_index_summary(report, describe(index_dir)), err=True)
    failure = index_error_summary(report)
    if failure:
        raise failure


@contextmanager
def _progress_bar(enabled: bool):
    """A factory for Click's progress bar on stderr (for runs large enough to need one)."""
    bars = []

    def start(total: int):
        if total < 50:
            return None
        bar = click.progressbar(length=total, label="Indexing", file=sys.stderr)
        bar.__enter__()
        bars.append(bar)
        return bar.update

    try:
        yield start if enabled else None
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


QUERY_HELP = """Print the sentences that best match QUERY, best first.

\b
Every word must match (--any: one is enough); words are case-insensitive
and stemmed, so negotiation finds "negotiations". Every word is searched,
short and common ones too (US, May, X, "to be or not to be"); an all-caps
word (US, WHO) ranks sentences that write it in capitals first. Only
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
  date:2025-03-11 date:2025-03   a day, a month (from the article's dateline)
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
@click.option("--since", metavar="YYYY-MM-DD", help="Only articles dated on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Only articles dated on or before this day.")
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
    context,
    before_context,
    after_context,
    count_only: bool,
    articles_only: bool,
    as_json: bool,
    color: str,
) -> None:
    from . import output
    from .query import check_date, parse_query
    from .searching import SearchIndex

    since = check_date(since, "--since") if since else None
    until = check_date(until, "--until") if until else None
    parsed = parse_query(" ".join(query), match_any=match_any, since=since, until=until)
    before = before_context if before_context is not None else (context or 0)
    after = after_context if after_context is not None else (context or 0)
    style = output.Style(output.use_color(color, sys.stdout))

    with SearchIndex.open(index_dir) as index:
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
    click.echo(output.format_show_header(found, style), color=True)
    for s in found.sentences:
        dim = found.focus is not None and s.sentence != found.focus
        _echo_lines(output.format_numbered(s.sentence, s.text, style, width, dim=dim))


def main() -> None:
    cli(prog_name="search")
