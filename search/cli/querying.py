"""`search query`, `search trend` and `search words`: the questions asked of the index."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model import SIGNIFICANCE, SORTS, TREND_BY
from .options import (
    any_option,
    chart_width,
    checked_dates,
    color_option,
    context_option,
    csv_option,
    echo_lines,
    index_dir_option,
    json_option,
    lang_option,
    match_and_format,
    match_options,
    scope_option,
    since_option,
    terminal_width,
    timeout_option,
    until_option,
)
from .runtime import NoMatch

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


@click.command("query", help=QUERY_HELP)
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
@any_option()
@scope_option
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Order of the hits or articles (date: newest first; article: by path).",
)
@since_option
@until_option
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
@timeout_option("Stop a query that runs longer than this (default: 10).")
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
    from ..index import DEFAULT_BUDGET, Index, Options, question
    from ..present import json as records
    from ..present import text as output

    since, until = checked_dates(since, until)
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
        click.echo(records.line({"count": total}) if as_json else str(total))
    elif articles_only:
        for entry in answer.articles:
            line = (
                records.line(records.article_hits(entry))
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
    from ..present import json as records
    from ..present import text as output

    width = terminal_width()
    for match in matches:
        if as_json:
            click.echo(records.line(records.article_match(match)))
        else:
            echo_lines(output.format_article_match(match, style, width))


def _print_hits(hits, style, as_json: bool, with_context: bool) -> None:
    from ..present import json as records
    from ..present import text as output

    width = terminal_width()
    for number, hit in enumerate(hits):
        if as_json:
            click.echo(records.line(records.hit(hit, with_context)))
            continue
        if number and with_context:
            click.echo(style.dim("--"), color=True)
        echo_lines(output.format_hit(hit, style, width, with_context))


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


@click.command("trend", help=TREND_HELP)
@click.argument("queries", nargs=-1, required=True)
@index_dir_option
@click.option(
    "--by",
    type=click.Choice(TREND_BY),
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
    from ..present import json as records
    from ..present import text as output
    from ..present import trend as shown

    options = match_and_format(match_any, scope, since, until, language, as_json, as_csv)
    parsed = [question(text, options) for text in queries]
    with Index.open(index_dir, budget=timeout or DEFAULT_BUDGET) as index:
        trend = index.trend(parsed, by, options)
    if as_csv:
        click.echo(shown.trend_csv(trend), nl=False)
    elif as_json:
        for row in trend.buckets:
            click.echo(records.line(records.trend_row(row)))
    elif trend.buckets:
        echo_lines(shown.trend_chart(trend, chart_width()))
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


@click.command("words", help=WORDS_HELP)
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
    type=click.Choice(SIGNIFICANCE),
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
    from ..present import json as records
    from ..present import text as output
    from ..present import trend as shown

    options = match_and_format(match_any, scope, since, until, language, as_json, as_csv)
    parsed = question(" ".join(query), options)
    with Index.open(index_dir, budget=timeout or DEFAULT_BUDGET) as index:
        found = index.words(parsed, options, limit=limit, score=score)
    if as_csv:
        click.echo(shown.words_csv(found), nl=False)
    elif as_json:
        for row in records.words_rows(found):
            click.echo(records.line(row))
    else:
        echo_lines(shown.words_table(found))
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
