"""`search split`, `search show` and `search export`: one file's sentences, one indexed
article, and every sentence for another engine."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .options import (
    any_option,
    checked_dates,
    color_option,
    echo_lines,
    index_dir_option,
    json_option,
    since_option,
    terminal_width,
    until_option,
)
from .runtime import NoMatch


@click.command("split")
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
    from ..present import json as records
    from ..present import text as output

    if not file.exists():
        raise InputError(f"{file}: no such file")
    if file.is_dir():
        raise InputError(f"{file}: is a folder; give one article file")
    articles = stream_articles(read_bytes(file), file)
    for note in (note for _stored_as, article in articles for note in article.notes):
        click.echo(f"search: warning: {output.inert(note)}", err=True)
    style = output.Style(False)
    width = terminal_width()
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
                click.echo(records.line(records.split_sentence(sentence, date, article.language)))
            else:
                echo_lines(output.format_numbered(sentence.number, sentence.text, style, width))


@click.command("show")
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
    from ..present import json as records
    from ..present import text as output

    name, number = parse_reference(article)
    with Index.open(index_dir) as index:
        found = index.article(name, number, context)
    if as_json:
        for sentence in found.sentences:
            click.echo(records.line(records.shown_sentence(found, sentence)))
        return
    style = output.Style(output.use_color(color, sys.stdout))
    width = terminal_width()
    echo_lines(output.format_show_header(found, style))
    for s in found.sentences:
        dim = found.focus is not None and s.sentence != found.focus
        echo_lines(output.format_numbered(s.sentence, s.text, style, width, dim=dim))


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


@click.command("export", help=EXPORT_HELP)
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
@since_option
@until_option
@any_option("Any word of QUERY is enough.")
@click.option("--to", "url", metavar="URL", help="Load into the cluster at URL instead.")
def export_command(
    query, index_dir: Path, export_format: str, index_name: str, since, until, match_any, url
) -> None:
    from ..engine.query import parse_query
    from ..engine.searching import SearchIndex
    from ..errors import InputError
    from ..present import export

    since, until = checked_dates(since, until)
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
