"""The page's attention-over-time chart: an inline SVG drawn on the server.

No script and no file of its own: bars are `<rect>`s inside links (a click filters the hits
to that bucket's dates), each with a `<title>` giving its counts (shown on hover and read by
screen readers); colours come from the stylesheet's classes, so light and dark mode and
the Content-Security-Policy (no inline style) hold. The SVG scales to the page's width
(`viewBox`), so it fits a phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 600
HEIGHT = 160
TOP = 14  # room for the largest value's label
BOTTOM = 18  # room for the first and last bucket's label
SERIES = 2  # the query and one comparison


@dataclass(frozen=True)
class Bar:
    """One bucket of one series, as drawn."""

    bucket: str
    series: int
    value: float
    label: str  # the <title>
    href: str | None
    selected: bool = False


def bucket_end(by: str, start: dt.date) -> dt.date:
    """The last day of the calendar bucket that starts on `start`."""
    if by == "day":
        return start
    if by == "week":
        return start + dt.timedelta(days=6)
    if by == "year":
        return dt.date(start.year, 12, 31)
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def bars(trend, share: bool, link: Callable[[object], str | None], selected) -> list[Bar]:
    """The bars of a `Trend` (one series per query), valued by articles or by share."""
    drawn = []
    for series, text in enumerate(trend.queries[:SERIES]):
        for row in trend.buckets:
            if row.query != text:
                continue
            value = row.share if share else row.articles
            sentences = "sentence" if row.sentences == 1 else "sentences"
            label = (
                f"{row.bucket}: {row.articles:,} of {row.all_articles:,} articles "
                f"({row.share * 100:.1f}%), {row.sentences:,} {sentences} · {text}"
            )
            drawn.append(Bar(row.bucket, series, value, label, link(row), selected(row)))
    return drawn


def svg(drawn: list[Bar], share: bool, title: str) -> Markup:
    """The chart as inline SVG markup (everything escaped)."""
    buckets = list(dict.fromkeys(bar.bucket for bar in drawn))
    if not buckets:
        return Markup("")
    series = max(bar.series for bar in drawn) + 1
    largest = max((bar.value for bar in drawn), default=0) or 1
    slot = WIDTH / len(buckets)
    width = max(slot * 0.8 / series, 1.0)
    plot = HEIGHT - TOP - BOTTOM
    position = {bucket: number for number, bucket in enumerate(buckets)}
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="0" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}"/>',
    ]
    for bar in drawn:
        height = bar.value / largest * plot
        x = position[bar.bucket] * slot + slot * 0.1 + bar.series * width
        y = HEIGHT - BOTTOM - height
        # An empty bucket still gets a full-height, invisible target to click.
        rect = (
            f"<title>{escape(bar.label)}</title>"
            f'<rect class="hit-area" x="{x:.2f}" y="{TOP}" width="{width:.2f}" height="{plot}"/>'
            f'<rect class="bar s{bar.series}{" selected" if bar.selected else ""}" '
            f'data-bucket="{escape(bar.bucket)}" '
            f'x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}"/>'
        )
        if bar.href:
            parts.append(f'<a href="{escape(bar.href)}">{rect}</a>')
        else:
            parts.append(f"<g>{rect}</g>")
    top = f"{largest * 100:.1f}%" if share else f"{int(largest):,}"
    parts.append(f'<text class="label" x="2" y="{TOP - 3}">{escape(top)}</text>')
    parts.append(f'<text class="label" x="2" y="{HEIGHT - 4}">{escape(buckets[0])}</text>')
    if len(buckets) > 1:
        parts.append(
            f'<text class="label" x="{WIDTH - 2}" y="{HEIGHT - 4}" text-anchor="end">'
            f"{escape(buckets[-1])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
