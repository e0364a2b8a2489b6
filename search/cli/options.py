"""What the `search` commands share: option declarations and their checks, and how
lines reach the terminal."""

from __future__ import annotations

import math
import shutil
import sys
from pathlib import Path

import click

from ..model import SCOPES
from ..present.text import COLOR_CHOICES
from .runtime import CommandError

DEFAULT_INDEX_DIR = "index"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Seconds(click.FloatRange):
    """A time limit: more than 0 seconds, and a number (NaN passes FloatRange's check,
    as NaN <= 0 is false, and made a search's budget endless)."""

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True)

    def convert(self, value, param, ctx):
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return seconds


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
    from ..engine.store import POINTER

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


def _stacked(*options):
    """One decorator of several options, which `--help` lists in the order given."""

    def apply(function):
        for option in reversed(options):
            function = option(function)
        return function

    return apply


def any_option(help: str = "Any word is enough (default: every word)."):
    return click.option("--any", "match_any", is_flag=True, help=help)


scope_option = click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="sentence",
    show_default=True,
    help="Where the words must meet: in one sentence, or anywhere in one article.",
)


since_option = click.option(
    "--since",
    metavar="DATE",
    help="Only articles dated on or after this YYYY-MM-DD (YYYY-MM, YYYY: its first day).",
)


until_option = click.option(
    "--until",
    metavar="DATE",
    help="Only articles dated on or before this YYYY-MM-DD (YYYY-MM, YYYY: its last day).",
)


lang_option = click.option(
    "--lang", "language", metavar="CODE", help="Only articles in this language (e.g. de)."
)


# --any, --scope, --since, --until and --lang, as `trend` and `words` take them (and
# /api/trend and /api/words their `any`, `scope`, `since`, `until` and `lang`).
match_options = _stacked(any_option(), scope_option, since_option, until_option, lang_option)


def timeout_option(help: str):
    return click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS", help=help)


def wait_option(help: str):
    """`--wait`: how long a writer waits for another process's write lock."""
    return click.option(
        "--wait",
        type=click.FloatRange(min=0),
        default=10.0,
        show_default=True,
        metavar="SECONDS",
        help=help,
    )


def csv_option(rows: str):
    """`--csv`, which `--json` excludes (see `match_and_format`)."""
    return click.option(
        "--csv", "as_csv", is_flag=True, help=f"Print CSV: a header row, then the {rows}."
    )


def match_and_format(
    match_any: bool, scope: str, since, until, language: str | None, as_json: bool, as_csv: bool
):
    """The Options of `match_options`, once --json and --csv are known not to clash."""
    from ..index import Options

    if as_json and as_csv:
        raise CommandError("--json and --csv cannot be used together; choose one")
    since, until = checked_dates(since, until)
    return Options(match_any=match_any, since=since, until=until, scope=scope, language=language)


def checked_dates(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """--since and --until as days: the first day of what --since names, the last of
    what --until names (QueryError if either is no date)."""
    from ..question import check_date

    since = check_date(since, "since") if since else None
    until = check_date(until, "until", last=True) if until else None
    return since, until


def terminal_width() -> int | None:
    """Wrap for a terminal only; piped output keeps one line per sentence."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def chart_width() -> int:
    """The terminal's width for a chart (COLUMNS, else 80), at most 1,000 columns: a hostile
    COLUMNS neither overflows (OverflowError) nor draws bars of millions of cells."""
    try:
        width = shutil.get_terminal_size((80, 24)).columns
    except (OverflowError, ValueError):
        width = 80
    return min(width, 1000)


def echo_lines(lines, err: bool = False) -> None:
    for line in lines:
        click.echo(line, color=True, err=err)


def watch_options(function):
    """--include, --exclude, --wait, --poll and --language, as `watch` and `serve --watch`
    take them."""
    return _stacked(
        click.option("--include", multiple=True, metavar="GLOB", help="As for index."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="As for index."),
        wait_option("How long each commit waits for another process writing the index."),
        click.option(
            "--poll", is_flag=True, help="Poll the folders every second instead of inotify."
        ),
        click.option("--language", metavar="CODE", help="As for index."),
    )(function)
