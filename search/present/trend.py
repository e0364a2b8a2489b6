"""`search trend` and `search words` shown: a bar chart and tables for a terminal, and CSV
(their JSON rows are `search.present.json`'s, the CSV columns the same).

The chart has one row per bucket: its name, then for each query a bar of block characters
(eighths of a cell, so small differences show) scaled to the largest count of the chart,
the number of matching articles and their share of the bucket's articles. Several
queries stand side by side, each in a column of the same width and the same scale.
"""

from __future__ import annotations

import csv
import io

from .json import WORDS_KINDS, trend_row, words_rows
from .text import inert

# The CSV columns: the fields of `search.present.json`'s rows, in order.
COLUMNS = ("query", "bucket", "articles", "stories", "sentences", "all_articles", "share")
# A cell filled by eighths: index n is n eighths (0: nothing).
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
# The numbers beside each bar: the article count and the share ("  1234  12.5%").
NUMBERS_WIDTH = 14
# The narrowest bar a column gets, however narrow the terminal.
MIN_BAR = 4


def trend_csv(trend) -> str:
    """A header row, then one row per query and bucket (the JSON fields)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in trend.buckets:
        writer.writerow(trend_row(row))
    return out.getvalue()


def bar(value: float, largest: float, width: int) -> str:
    """`value` as a bar of up to `width` cells, in eighths, against `largest`."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[rest] if rest else "")


def trend_chart(trend, width: int) -> list[str]:
    """The chart's lines for a terminal `width` columns wide (see the module docstring)."""
    queries = trend.queries
    labels = [row.bucket for row in trend.buckets]
    label_width = max([len(trend.by), *map(len, labels)])
    column = max(MIN_BAR + NUMBERS_WIDTH, (width - label_width - 1) // max(1, len(queries)) - 1)
    bar_width = column - NUMBERS_WIDTH
    largest = max((row.articles for row in trend.buckets), default=0)
    by_bucket: dict[str, dict[str, object]] = {}
    for row in trend.buckets:
        by_bucket.setdefault(row.bucket, {})[row.query] = row
    header = (
        trend.by.ljust(label_width)
        + " "
        + " ".join(_clip(inert(query), column).ljust(column) for query in queries)
    )
    lines = [header.rstrip()]
    for bucket, rows in by_bucket.items():
        cells = [_cell(rows[query], largest, bar_width) for query in queries if query in rows]
        lines.append((bucket.ljust(label_width) + " " + " ".join(cells)).rstrip())
    return lines


def _cell(row, largest: int, bar_width: int) -> str:
    numbers = f"{row.articles:>6} {row.share * 100:>6.1f}%"
    return bar(row.articles, largest, bar_width).ljust(bar_width) + numbers


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def undated_note(entry, by: str) -> str:
    """The stderr line for a query's matches in undated articles."""
    articles = f"{entry.articles} undated article{'s' if entry.articles != 1 else ''}"
    sentences = f"{entry.sentences} sentence{'s' if entry.sentences != 1 else ''}"
    where = "source" if by == "source" else by
    one = entry.articles == 1
    verb, counted, files = (
        ("matches", "is", "its file gives") if one else ("match", "are", "their files give")
    )
    return (
        f'{articles} ({sentences}) {verb} "{inert(entry.query)}" and {counted} counted in no '
        f"{where}: {files} no date"
    )


# The CSV columns of `search words`.
WORDS_COLUMNS = ("kind", "term", "score", "matches", "archive")


def words_csv(found) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WORDS_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(words_rows(found))
    return out.getvalue()


def words_table(found) -> list[str]:
    """Three lists (words, phrases, names), each a table: term, score, in the matches, in
    the archive."""
    lines: list[str] = []
    for kind, attribute in WORDS_KINDS:
        terms = getattr(found, attribute)
        if not terms:
            continue
        width = max(len(kind) + 1, *(len(inert(t.term)) for t in terms))
        if lines:
            lines.append("")
        lines.append(
            f"{(attribute).ljust(width)}  {found.score:>9}  {'matches':>8}  {'archive':>8}"
        )
        for t in terms:
            lines.append(
                f"{inert(t.term).ljust(width)}  {t.score:>9.4g}  {t.matches:>8}  {t.archive:>8}"
            )
    return lines


def sample_note(found) -> str:
    """The stderr line when `search words` read a sample of the matches."""
    return (
        f"words of a sample of {found.sample:,} of the {found.matches:,} matching sentences; "
        "counts in the matches are scaled from it"
    )
