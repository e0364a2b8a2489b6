"""`search index`, `search watch` and `search status`: building the index, following
folders, and what the index holds."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import click

from . import runtime
from .options import echo_lines, index_dir_option, json_option, wait_option, watch_options
from .runtime import CommandError, said, stopping

DEFAULT_SEEDS = "seeds"


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in when complete.")
@wait_option("How long to wait for another process that is writing the index.")
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
        echo_lines(output.format_index_notes(report), err=True)
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


@click.command("status")
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
    from ..present import json as records
    from ..present import text as output

    with Index.open(index_dir, verify=verify) as index:
        status = index.status()
    if as_json:
        click.echo(records.line(records.status(status)))
    else:
        echo_lines(output.format_status(status))


def needs_watchfiles() -> None:
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise CommandError(
            "watching folders needs watchfiles; install it with: pip install -e '.[watch]'"
        ) from None


def make_watcher(index_dir: Path, paths, include, exclude, wait: float, poll: bool, language):
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
        language=language,
    )


@click.command("watch")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@watch_options
def watch_command(
    paths, index_dir: Path, include, exclude, wait: float, poll: bool, language
) -> None:
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
    needs_watchfiles()
    watcher = make_watcher(index_dir, paths, include, exclude, wait, poll, language)
    with stopping(watcher.stop):
        watcher.run(ready=say_watching(paths))


def say_watching(paths) -> Callable[[], None]:
    """The line `watch` and `serve --watch` print once the first run is done."""
    shown = ", ".join(str(path) for path in (paths or [Path(".")]))
    return lambda: click.echo(f"Watching {shown} (Ctrl-C to stop)", err=True)
