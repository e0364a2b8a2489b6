"""The `search` commands: each parses its arguments, calls the library, prints.

Exit status, as grep and ripgrep: 0 something matched, 1 nothing did, 2 error. The process
plumbing (stdout, Ctrl-C, exit statuses, one line per error) is in `runtime.py`.
"""

from __future__ import annotations

import math
import shutil
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import click

from .. import __version__
from ..present.text import COLOR_CHOICES
from . import runtime
from .runtime import CommandError, NoMatch, SearchGroup, run, said, stopping

DEFAULT_INDEX_DIR = "index"
DEFAULT_SEEDS = "seeds"
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


def match_options(function):
    """--any, --scope, --since, --until and --lang, as `trend` and `words` take them."""
    for option in reversed(
        [
            click.option(
                "--any", "match_any", is_flag=True, help="Any word is enough (default: every word)."
            ),
            click.option(
                "--scope",
                type=click.Choice(["sentence", "article"]),
                default="sentence",
                show_default=True,
                help="Where the words must meet: in one sentence, or anywhere in one article.",
            ),
            click.option(
                "--since",
                metavar="DATE",
                help="Only articles dated on or after this YYYY-MM-DD (YYYY-MM, YYYY: its first "
                "day).",
            ),
            click.option(
                "--until",
                metavar="DATE",
                help="Only articles dated on or before this YYYY-MM-DD (YYYY-MM, YYYY: its last "
                "day).",
            ),
            lang_option,
        ]
    ):
        function = option(function)
    return function


lang_option = click.option(
    "--lang", "language", metavar="CODE", help="Only articles in this language (e.g. de)."
)


def timeout_option(help: str):
    return click.option("--timeout", type=Seconds(), default=None, metavar="SECONDS", help=help)


def csv_option(rows: str):
    """`--csv`, which `--json` excludes (see `_match_and_format`)."""
    return click.option(
        "--csv", "as_csv", is_flag=True, help=f"Print CSV: a header row, then the {rows}."
    )


def _match_and_format(
    match_any: bool, scope: str, since, until, language, as_json: bool, as_csv: bool
):
    """The Options of `match_options`, once --json and --csv are known not to clash."""
    from ..index import Options, check_date

    if as_json and as_csv:
        raise CommandError("--json and --csv cannot be used together; choose one")
    since = check_date(since, "since") if since else None
    until = check_date(until, "until", last=True) if until else None
    return Options(match_any=match_any, since=since, until=until, scope=scope, language=language)


def _terminal_width() -> int | None:
    """Wrap for a terminal only; piped output keeps one line per sentence."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def _chart_width() -> int:
    """The terminal's width for a chart (COLUMNS, else 80), at most 1,000 columns: a hostile
    COLUMNS neither overflows (OverflowError) nor draws bars of millions of cells."""
    try:
        width = shutil.get_terminal_size((80, 24)).columns
    except (OverflowError, ValueError):
        width = 80
    return min(width, 1000)


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
        "the path below the folder). [default: *.txt *.md *.markdown *.html *.htm *.pdf "
        "*.docx *.odt *.rtf *.eml *.mbox]"
    ),
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help=(
        "Leave out the files and folders of a folder that GLOB matches (repeatable; matched "
        "as --include is). The index folder itself is never read."
    ),
)
@click.option(
    "--prune",
    is_flag=True,
    help=(
        "Also drop every indexed file that is gone, wherever it was, and those --exclude "
        "leaves out; with no PATH, only prune."
    ),
)
@click.option(
    "--language",
    metavar="CODE",
    help="The language of articles too short to tell (ISO 639-1, e.g. de). [default: en]",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no summary line.")
def index_command(
    paths,
    index_dir: Path,
    rebuild: bool,
    wait: float,
    jobs: int | None,
    include,
    exclude,
    prune: bool,
    language: str | None,
    quiet: bool,
) -> None:
    """Split articles into sentences and index them (incrementally).

    PATHS are article files or folders (searched recursively for .txt,
    .md, .markdown, .html, .htm, .pdf, .docx, .odt, .rtf, .eml and .mbox,
    or --include); with none, seeds/
    is indexed. Files unchanged since the last run are skipped, changed ones
    replaced, and files gone from a folder given again are removed.

    \b
    Example:
        search index seeds/ ~/articles/
        search index --include '*.txt' --include '*.TEXT' ~/articles/
        search index --exclude 'drafts' --exclude '*.eml' ~/articles/
        search index --prune                 # drop files moved or deleted
        search index --rebuild seeds/
    """
    from ..engine.indexer import index_error_summary, update_index
    from ..present import text as output

    prune_only = prune and not paths and not rebuild
    targets = list(paths) or ([] if prune_only else [Path(DEFAULT_SEEDS)])
    if not paths and not prune_only and not Path(DEFAULT_SEEDS).is_dir():
        from ..errors import InputError

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
            exclude=exclude,
            language=language,
        )
    if report.outdated:
        click.echo(output.format_rebuilt(report.outdated), err=True)
    for warning in [*report.skipped, *report.notes, *output.format_lacking_extra(report)]:
        click.echo(f"search: warning: {output.inert(warning)}", err=True)
    if not quiet:
        from ..engine.store import describe

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
        from ..engine.indexer import COMMITTING

        bar = None
        if enabled and (files >= PROGRESS_MIN_FILES or total >= PROGRESS_MIN_BYTES):
            bar = click.progressbar(length=total, label=f"{'Indexing':10}", file=sys.stderr)
            bar.__enter__()
            bars.append(bar)

        def step(units: int, phase: str) -> None:
            # A Ctrl-C swallowed on the way (in a fork hook, a finalizer) stops the run before
            # its commit; the commit's own weight is told after it, when it is too late.
            interrupts = runtime._interrupts
            if interrupts.seen and not interrupts.told and not (phase == COMMITTING and units):
                raise KeyboardInterrupt
            if bar is None:
                return
            if f"{phase:10}" != bar.label:  # one width, so the bar does not shift
                bar.label = f"{phase:10}"
                bar.render_progress()
            if units:
                bar.update(units)

        return step

    try:
        yield start
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
  lang:de                        articles in a language (ISO 639-1)
\b
With --scope article the words may be anywhere in one article (AND, OR
and NOT combine articles; a phrase stays in one sentence): each result is
an article with its best sentences.
\b
Exit status: 0 if something matched, 1 if nothing did (with one line on
stderr, and a suggestion when one is close), 2 on error.
\b
Example:
    search query "Turkey peacekeeping"
    search query -C 1 --since 2025-03-01 ceasefire
    search query --json -n 3 'peace* NOT Russia'
    search query --scope article 'athletes steroids ban'
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
    "--scope",
    type=click.Choice(["sentence", "article"]),
    default="sentence",
    show_default=True,
    help="Where the words must meet: in one sentence, or anywhere in one article.",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "article"]),
    default="relevance",
    show_default=True,
    help="Order of the hits or articles (date: newest first; article: by path).",
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
    "-c",
    "--count",
    "count_only",
    is_flag=True,
    help="Print only the number of matching sentences, each copy once (with -l: of articles).",
)
@click.option(
    "--copies",
    is_flag=True,
    help="Show every copy: a sentence or story found in several articles is not collapsed.",
)
@click.option(
    "-l",
    "--articles",
    "articles_only",
    is_flag=True,
    help="Print only the matching articles, with their hits and date, in --sort order.",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=None,
    metavar="SECONDS",
    help="Stop a query that runs longer than this (default: 10).",
)
@lang_option
@json_option
@color_option
def query_command(
    query,
    index_dir: Path,
    limit: int,
    show_all: bool,
    match_any: bool,
    scope: str,
    sort: str,
    since,
    until,
    include_undated: bool,
    context,
    before_context,
    after_context,
    count_only: bool,
    copies: bool,
    articles_only: bool,
    timeout: float | None,
    language: str | None,
    as_json: bool,
    color: str,
) -> None:
    from ..index import DEFAULT_BUDGET, Index, Options, check_date, question
    from ..present import text as output

    since = check_date(since, "since") if since else None
    until = check_date(until, "until", last=True) if until else None
    before = before_context if before_context is not None else (context or 0)
    after = after_context if after_context is not None else (context or 0)
    options = Options(
        match_any=match_any,
        since=since,
        until=until,
        include_undated=include_undated,
        limit=None if show_all else limit,
        sort=sort,
        before=before,
        after=after,
        shape=_shape(count_only, articles_only),
        scope=scope,
        copies=copies,
        language=language,
    )
    parsed = question(" ".join(query), options)
    style = output.Style(output.use_color(color, sys.stdout))

    with Index.open(index_dir, budget=timeout or DEFAULT_BUDGET) as index:
        answer = index.answer(parsed, options)
    if count_only:
        total = answer.total
        click.echo(output.to_json({"count": total}) if as_json else str(total))
    elif articles_only:
        for entry in answer.articles:
            line = (
                output.to_json(output.article_hits_json(entry))
                if as_json
                else output.format_article_hits(entry, style)
            )
            click.echo(line, color=True)
    elif scope == "article":
        _print_article_matches(answer.in_articles, style, as_json)
    else:
        _print_hits(answer.hits, style, as_json, with_context=bool(before or after))
    if answer.undated_left_out:
        click.echo(output.format_undated_left_out(answer.undated_left_out), err=True)
    if not answer.found:
        message = output.format_no_match(
            answer.text, answer.did_you_mean, answer.any_count, answer.scope_count
        )
        click.echo(message, err=True)
        raise NoMatch()
    if answer.scope_count:
        click.echo(output.format_scope_note(answer.scope_count), err=True)


def _shape(count_only: bool, articles_only: bool) -> str:
    """The answer a query asks for: `-c` counts sentences, `-l -c` the articles `-l` lists."""
    if count_only:
        return "article_count" if articles_only else "count"
    return "articles" if articles_only else "hits"


def _print_article_matches(matches, style, as_json: bool) -> None:
    from ..present import text as output

    width = _terminal_width()
    for match in matches:
        if as_json:
            click.echo(output.to_json(output.article_match_json(match)))
        else:
            _echo_lines(output.format_article_match(match, style, width))


def _print_hits(hits, style, as_json: bool, with_context: bool) -> None:
    from ..present import text as output

    width = _terminal_width()
    for number, hit in enumerate(hits):
        if as_json:
            click.echo(output.to_json(output.hit_json(hit, with_context)))
            continue
        if number and with_context:
            click.echo(style.dim("--"), color=True)
        _echo_lines(output.format_hit(hit, style, width, with_context))


TREND_HELP = """Chart how many articles match each QUERY per day, week, month, year or source.

\b
Per bucket: the matching articles (a bar, scaled to the largest), their share of all the
bucket's articles, and with --json or --csv also stories (copies of one story counted
once), sentences and all_articles. Every bucket between the first and the last with a
match is shown, empty ones with 0; matches in undated articles are counted apart, on
stderr. Several queries are compared side by side.
\b
Exit status: 0 if a query matched, 1 if none did, 2 on error.
\b
Example:
    search trend oil --by month
    search trend oil coffee --by month --csv > trend.csv
    search trend OPEC --by source
"""


@cli.command("trend", help=TREND_HELP)
@click.argument("queries", nargs=-1, required=True)
@index_dir_option
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month", "year", "source"]),
    default="month",
    show_default=True,
    help="Buckets: calendar units of the article's date (weeks are ISO weeks), or its source.",
)
@match_options
@timeout_option("Stop a count that runs longer than this (default: 10).")
@json_option
@csv_option("rows")
def trend_command(
    queries,
    index_dir: Path,
    by: str,
    match_any: bool,
    scope: str,
    since,
    until,
    language: str | None,
    timeout: float | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    from ..index import DEFAULT_BUDGET, Index, question
    from ..present import text as output
    from ..present import trend as shown

    options = _match_and_format(match_any, scope, since, until, language, as_json, as_csv)
    parsed = [question(text, options) for text in queries]
    with Index.open(index_dir, budget=timeout or DEFAULT_BUDGET) as index:
        trend = index.trend(parsed, by, options)
    if as_csv:
        click.echo(shown.trend_csv(trend), nl=False)
    elif as_json:
        for row in trend.buckets:
            click.echo(output.to_json(shown.trend_row(row)))
    elif trend.buckets:
        _echo_lines(shown.trend_chart(trend, _chart_width()))
    for entry in trend.undated:
        if entry.sentences:
            click.echo(shown.undated_note(entry, by), err=True)
    if not trend.found:
        said = " or ".join(f'"{output.inert(text)}"' for text in trend.queries)
        click.echo(f"No matches for {said}.", err=True)
        raise NoMatch()


WORDS_HELP = """Print the words, two-word phrases and names that set QUERY's matches apart.

\b
Each term is scored against the whole archive (log-likelihood, G2; --score jlh
for Elasticsearch's significant_text measure, chi2 for chi-square) and shown
with how many matching sentences and how many sentences of the archive hold it.
Names are runs of capitalised words. Over 2,000 matching sentences, an evenly
spaced sample of 2,000 is read (said on stderr).
\b
Exit status: 0 if the query matched, 1 if it did not, 2 on error.
\b
Example:
    search words coffee
    search words -n 10 --csv 'oil prices' > words.csv
"""


@cli.command("words", help=WORDS_HELP)
@click.argument("query", nargs=-1, required=True)
@index_dir_option
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1, max=1000),
    default=20,
    show_default=True,
    help="At most N terms in each list.",
)
@click.option(
    "--score",
    type=click.Choice(["g2", "jlh", "chi2"]),
    default="g2",
    show_default=True,
    help="The significance measure.",
)
@match_options
@timeout_option("Stop after this long (default: 10).")
@json_option
@csv_option("terms")
def words_command(
    query,
    index_dir: Path,
    limit: int,
    score: str,
    match_any: bool,
    scope: str,
    since,
    until,
    language: str | None,
    timeout: float | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    from ..index import DEFAULT_BUDGET, WORDS_MIN_COUNT, Index, question
    from ..present import text as output
    from ..present import trend as shown

    options = _match_and_format(match_any, scope, since, until, language, as_json, as_csv)
    parsed = question(" ".join(query), options)
    with Index.open(index_dir, budget=timeout or DEFAULT_BUDGET) as index:
        found = index.words(parsed, options, limit=limit, score=score)
    if as_csv:
        click.echo(shown.words_csv(found), nl=False)
    elif as_json:
        for row in shown.words_rows(found):
            click.echo(output.to_json(row))
    else:
        _echo_lines(shown.words_table(found))
    if found.sampled:
        click.echo(shown.sample_note(found), err=True)
    if found.found and not (found.words or found.phrases or found.names):
        read = "sentences read" if found.sampled else "matching sentences"
        click.echo(
            f"No word, phrase or name is in {WORDS_MIN_COUNT} or more of the "
            f"{found.sample:,} {read}.",
            err=True,
        )
    if not found.found:
        click.echo(f'No matches for "{output.inert(parsed.text)}".', err=True)
        raise NoMatch()


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
    from ..articles.article import stream_articles
    from ..articles.reading import read_bytes
    from ..errors import InputError
    from ..present import text as output

    if not file.exists():
        raise InputError(f"{file}: no such file")
    if file.is_dir():
        raise InputError(f"{file}: is a folder; give one article file")
    articles = stream_articles(read_bytes(file), file)
    for note in (note for _stored_as, article in articles for note in article.notes):
        click.echo(f"search: warning: {output.inert(note)}", err=True)
    style = output.Style(False)
    width = _terminal_width()
    for stored_as, article in articles:
        date = article.iso_date
        if not as_json and len(articles) > 1:
            click.echo(f"article: {Path(stored_as).name}")
        if not as_json and date:
            click.echo(f"date: {date}")
        if not as_json and article.language != "en":  # English, the default, goes unsaid
            click.echo(f"language: {article.language}")
        for sentence in article.sentences:
            if as_json:
                click.echo(output.to_json(output.split_json(sentence, date, article.language)))
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
    from ..index import Index
    from ..present import text as output

    with Index.open(index_dir, verify=verify) as index:
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
    from ..index import Index, parse_reference
    from ..present import text as output

    name, number = parse_reference(article)
    with Index.open(index_dir) as index:
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
a cluster instead (needs: pip install -e '.[es]').
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
    from ..engine.query import parse_query
    from ..engine.searching import SearchIndex
    from ..errors import InputError
    from ..present import export
    from ..question import check_date

    since = check_date(since, "since") if since else None
    until = check_date(until, "until", last=True) if until else None
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


def _needs_watchfiles() -> None:
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise CommandError(
            "watching folders needs watchfiles; install it with: pip install -e '.[watch]'"
        ) from None


def _watcher(index_dir: Path, paths, include, exclude, wait: float, poll: bool):
    """A Watcher that prints one line per commit and per warning on stderr."""
    from ..present import text as output
    from ..watch import Watcher

    return Watcher(
        index_dir,
        list(paths) or [Path(".")],
        include=include or None,
        exclude=exclude,
        wait=wait,
        on_batch=lambda batch: click.echo(batch.line(), err=True),
        on_warning=lambda line: click.echo(
            f"search: warning: {output.inert(said(line))}", err=True
        ),
        force_polling=poll,
    )


def watch_options(function):
    """--include, --exclude, --wait and --poll, as `watch` and `serve --watch` take them."""
    for option in reversed(
        [
            click.option("--include", multiple=True, metavar="GLOB", help="As for index."),
            click.option("--exclude", multiple=True, metavar="GLOB", help="As for index."),
            click.option(
                "--wait",
                type=click.FloatRange(min=0),
                default=10.0,
                show_default=True,
                metavar="SECONDS",
                help="How long each commit waits for another process writing the index.",
            ),
            click.option(
                "--poll", is_flag=True, help="Poll the folders every second instead of inotify."
            ),
        ]
    ):
        function = option(function)
    return function


@cli.command("watch")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@watch_options
def watch_command(paths, index_dir: Path, include, exclude, wait: float, poll: bool) -> None:
    """Index folders, then follow them: new, changed, moved and deleted files are in the
    index within about 2 seconds, until Ctrl-C.

    
    PATHS are folders (default: the current one). Changes are committed in batches,
    one line on stderr each: +3 ~1 -0 articles; 1,204 sentences (added, updated,
    removed). Hidden files, the index folder and --exclude are never indexed.
    
    Example:
        search watch ~/archive
        search watch --exclude drafts --exclude '*.eml' ~/archive ~/wire
    """
    _needs_watchfiles()
    watcher = _watcher(index_dir, paths, include, exclude, wait, poll)
    with stopping(watcher.stop):
        watcher.run(ready=_say_watching(paths))


def _say_watching(paths) -> Callable[[], None]:
    """The line `watch` and `serve --watch` print once the first run is done."""
    shown = ", ".join(str(path) for path in (paths or [Path(".")]))
    return lambda: click.echo(f"Watching {shown} (Ctrl-C to stop)", err=True)


@cli.group("alert")
def alert_group() -> None:
    """Saved searches that report the hits in new or changed articles.

    \b
    Example:
        search alert add ukraine 'Ukraine ceasefire'
        search alert check             # exit 0: new hits printed; 1: none
        search alert list
        search alert remove ukraine
    """


@alert_group.command("add")
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@index_dir_option
@click.option("--any", "match_any", is_flag=True, help="Any word is enough (default: every word).")
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
def alert_add_command(name: str, query, index_dir: Path, match_any: bool, since, until) -> None:
    """Save QUERY as alert NAME: articles indexed from now on that match are new to it.

    \b
    Example:
        search alert add turkey-troops 'Turkey peacekeeping' --since 2025-01-01
    """
    from ..alerts import Alerts

    alert = Alerts(index_dir).add(name, " ".join(query), match_any, since, until)
    click.echo(f"Added alert {alert.name}: {alert.query}", err=True)


@alert_group.command("list")
@index_dir_option
@json_option
def alert_list_command(index_dir: Path, as_json: bool) -> None:
    """List the alerts: name, query, options, last check."""
    from dataclasses import asdict

    from ..alerts import Alerts
    from ..present import text as output

    for alert in Alerts(index_dir).saved():
        if as_json:
            fields = asdict(alert)
            fields.pop("seen")
            click.echo(output.to_json(fields))
        else:
            click.echo("\t".join(output.inert(field) for field in _alert_fields(alert)))


def _alert_fields(alert) -> list[str]:
    options = ["--any"] if alert.match_any else []
    options += [f"--since {alert.since}"] if alert.since else []
    options += [f"--until {alert.until}"] if alert.until else []
    checked = alert.checked or "never"
    return [alert.name, alert.query, " ".join(options), f"checked {checked}"]


@alert_group.command("remove")
@click.argument("name")
@index_dir_option
def alert_remove_command(name: str, index_dir: Path) -> None:
    """Remove alert NAME."""
    from ..alerts import Alerts

    Alerts(index_dir).remove(name)
    click.echo(f"Removed alert {name}", err=True)


@alert_group.command("check")
@click.argument("names", nargs=-1)
@index_dir_option
@json_option
def alert_check_command(names, index_dir: Path, as_json: bool) -> None:
    """Print each alert's hits in articles added or changed since its last check, once.

    \b
    With no NAME, every alert. Text: NAME, article:sentence and the sentence,
    tab-separated, in article and sentence order; --json: one hit a line with
    its "alert". Exit status: 0 if something was new, 1 if nothing was.
    \b
    Example:
        search alert check && notify-send "new articles"
        search alert check ukraine --json
    """
    from ..alerts import Alerts
    from ..present import text as output

    found = Alerts(index_dir).check(names)
    for entry in found:
        for hit in entry.hits:
            if as_json:
                click.echo(
                    output.to_json({"alert": entry.alert.name, **output.hit_json(hit, False)})
                )
            else:
                fields = [entry.alert.name, f"{hit.name}:{hit.sentence}", hit.text]
                click.echo("\t".join(output.inert(field) for field in fields))
    if not any(entry.hits for entry in found):
        checked = len(found)
        click.echo(f"No new hits for {checked} alert{'s' if checked != 1 else ''}", err=True)
        raise NoMatch()


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
@click.option(
    "--watch",
    "watched",
    multiple=True,
    metavar="FOLDER",
    type=click.Path(path_type=Path),
    help="Also follow FOLDER as search watch does (repeatable).",
)
@watch_options
def serve_command(
    index_dir: Path,
    host: str,
    port: int,
    open_browser: bool,
    watched,
    include,
    exclude,
    wait: float,
    poll: bool,
) -> None:
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
        search serve --watch ~/archive
    """
    try:
        import uvicorn  # noqa: F401

        from ..web import app as server
    except ImportError as error:
        if error.name not in SERVE_MODULES:
            raise
        raise CommandError(
            "search serve needs Starlette, uvicorn and Jinja2; "
            "install them with: pip install -e '.[serve]'"
        ) from None
    watcher = None
    if watched:
        _needs_watchfiles()
        watcher = _watcher(index_dir, watched, include, exclude, wait, poll)
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
    if watcher is None:
        server.run(index_dir, sock)
        return
    thread = threading.Thread(target=_watch_beside, args=(watcher, watched), daemon=True)
    thread.start()
    try:
        server.run(index_dir, sock)
    finally:
        watcher.stop.set()
        thread.join(timeout=10)


def _watch_beside(watcher, paths) -> None:
    """A server's watcher thread: its errors are one line, and the page goes on serving."""
    from ..errors import SearchError

    try:
        watcher.run(ready=_say_watching(paths))
    except SearchError as error:
        click.echo(f"search: watching stopped: {said(error)}", err=True)


def main() -> None:
    """The installed command (see `runtime.run`: exit status, Ctrl-C, flushing the output)."""
    run(cli)
