"""Turning results into text for eyes: colors, wrapping, escapes.

Every command's records go through one of two paths: a `format_*` function here gives
its human lines, and `search.present.json` its JSON object. Color is decided once
(`use_color`) and carried by a `Style`, so formatting code never asks where its output goes.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

COLOR_CHOICES = ("auto", "always", "never")

# Characters that must never reach a terminal raw: C0 controls but tab, DEL, C1 controls
# (ESC and CSI start escape sequences that can retitle a window or clear the screen), and
# the bidirectional overrides that make text read differently from what it is.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\n`): safe for a
    terminal, and always one line."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def use_color(mode: str, stream: TextIO) -> bool:
    """`always` wins over everything; `auto` colors only a terminal, and only without NO_COLOR."""
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(frozen=True)
class Style:
    """ANSI styling that collapses to plain text when color is off."""

    color: bool

    def _sgr(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def location(self, text: str) -> str:
        return self._sgr(text, "35")

    def date(self, text: str) -> str:
        return self._sgr(text, "32")

    def rank(self, text: str) -> str:
        return self._sgr(text, "1")

    def match(self, text: str) -> str:
        return self._sgr(text, "1;31")

    def dim(self, text: str) -> str:
        return self._sgr(text, "2")

    def title(self, text: str) -> str:
        return self._sgr(text, "36")


def copies_note(copies: list) -> str:
    """`(+3 copies)` after a hit or an article that stands for several; empty for none."""
    if not copies:
        return ""
    return f"  (+{len(copies)} {'copy' if len(copies) == 1 else 'copies'})"


def format_hit(hit, style: Style, width: int | None, with_context: bool) -> list[str]:
    """A header line (rank, article:sentence, date, headline), then the highlighted sentence.

    With context, every sentence line is numbered as grep numbers lines: `6:` for
    the hit, `5-` and `7-` (dimmed) for its neighbours.
    """
    header = f"{style.rank(f'{hit.rank}.')} {style.location(f'{inert(hit.name)}:{hit.sentence}')}"
    if hit.date:
        header += f"  {style.date(hit.date)}"
    if hit.title:
        header += f"  {style.title(inert(hit.title))}"
    header += style.dim(copies_note(hit.copies))
    lines = [header]
    if not with_context:
        return lines + [
            "   " + line for line in highlight_lines(hit.text, hit.matches, style, _less(width, 3))
        ]
    numbers = [c.sentence for c in hit.before + hit.after] + [hit.sentence]
    label_width = len(str(max(numbers))) + 1
    text_width = _less(width, label_width + 4)

    def neighbours(sentences) -> list[str]:
        return [
            line
            for context in sentences
            for line in _numbered(
                f"{context.sentence}-",
                label_width,
                [inert(line) for line in wrap(context.text, text_width)],
                style.dim,
            )
        ]

    body = highlight_lines(hit.text, hit.matches, style, text_width)
    return (
        lines
        + neighbours(hit.before)
        + _numbered(f"{hit.sentence}:", label_width, body, None)
        + neighbours(hit.after)
    )


def _less(width: int | None, indent: int) -> int | None:
    return None if width is None else width - indent


def _numbered(label: str, label_width: int, body: list[str], paint) -> list[str]:
    out = []
    for i, line in enumerate(body):
        prefix = f"   {(label if i == 0 else ''):>{label_width}} "
        out.append(paint(prefix + line) if paint else prefix + line)
    return out


def highlight_lines(
    text: str, spans: Iterable[tuple[int, int]], style: Style, width: int | None
) -> list[str]:
    """`text` wrapped to `width` (None: one line), with each span styled as a match."""
    spans = sorted(spans)
    lines = []
    position = 0
    for line in wrap(text, width):
        start = text.index(line, position)
        end = start + len(line)
        position = end
        lines.append(_styled(text, start, end, spans, style))
    return lines


def _styled(text: str, start: int, end: int, spans, style: Style) -> str:
    out = []
    cursor = start
    for span_start, span_end in spans:
        a, b = max(span_start, start), min(span_end, end)
        if a >= b:
            continue
        out.append(inert(text[cursor:a]))
        out.append(style.match(inert(text[a:b])))
        cursor = b
    out.append(inert(text[cursor:end]))
    return "".join(out)


def wrap(text: str, width: int | None) -> list[str]:
    """Lines of at most `width` characters, breaking only at spaces (None or tiny: no wrap)."""
    if width is None or width < 20 or len(text) <= width:
        return [text]
    return textwrap.wrap(
        text,
        width,
        break_long_words=False,
        break_on_hyphens=False,
        replace_whitespace=False,
        expand_tabs=False,  # each line must stay a slice of `text`: spans are found in it
    ) or [text]


def format_article_match(match, style: Style, width: int | None) -> list[str]:
    """A `--scope article` result: a header (rank, name, date, headline), then each of its
    best sentences, numbered as `-C` numbers a hit (`6:`), with the matched words lit."""
    header = f"{style.rank(f'{match.rank}.')} {style.location(inert(match.name))}"
    if match.date:
        header += f"  {style.date(match.date)}"
    if match.title:
        header += f"  {style.title(inert(match.title))}"
    header += style.dim(copies_note(match.copies))
    lines = [header]
    if not match.sentences:
        return lines
    label_width = len(str(max(s.sentence for s in match.sentences))) + 1
    for sentence in match.sentences:
        body = highlight_lines(
            sentence.text, sentence.matches, style, _less(width, label_width + 4)
        )
        lines += _numbered(f"{sentence.sentence}:", label_width, body, None)
    return lines


def format_scope_note(count: int) -> str:
    """How many articles `--scope article` finds, after a query that found few sentences."""
    return (
        f"--scope article finds {_plural(count, 'article')} with the words anywhere in one article."
    )


def format_article_hits(entry, style: Style) -> str:
    date = entry.date or "-"
    noun = "hit" if entry.hits == 1 else "hits"
    line = f"{style.location(inert(entry.name))}  {entry.hits} {noun}  {style.date(date)}"
    if entry.title:
        line += f"  {style.title(inert(entry.title))}"
    return line + style.dim(copies_note(entry.copies))


def format_numbered(
    number: int, text: str, style: Style, width: int | None, dim=False
) -> list[str]:
    """A sentence with its number in front, as `split` and `show` print it."""
    label = f"{number:>3}  "
    lines = wrap(text, None if width is None else width - len(label))
    out = [(label if i == 0 else " " * len(label)) + inert(line) for i, line in enumerate(lines)]
    return [style.dim(line) for line in out] if dim else out


def format_show_header(found, style: Style) -> list[str]:
    """The lines above `search show`'s sentences: name, date and path, then the headline
    and the URL on lines of their own when the article has them."""
    name, path = inert(found.name), inert(found.path)
    lines = [f"{style.location(name)}  {style.date(found.date or '-')}  {path}"]
    if found.title:
        lines.append(f"title: {style.title(inert(found.title))}")
    if found.url:
        lines.append(f"url:   {inert(found.url)}")
    if found.copies:
        shown = ", ".join(inert(copy.name) for copy in found.copies)
        lines.append(f"copies: {shown}")
    if found.language != "en":  # English, the default, goes unsaid as before
        lines.append(f"language: {found.language}")
    return lines


# What `search status` says fixes what it lists.
STALE_FIX = "  (changed since indexed: search index PATH re-reads them)"
MISSING_FIX = "  (gone: search index --prune drops them; a moved folder: index it, then --prune)"


def format_status(status) -> list[str]:
    """The lines of `search status`."""
    lines = [
        f"index:     {inert(status.index_dir)}",
        f"articles:  {status.articles}",
        f"sentences: {status.sentences}",
        f"size:      {format_size(status.size_bytes)}",
        f"updated:   {status.updated or '-'}",
        f"schema:    {status.schema_version}",
        f"languages: {format_languages(status.languages)}",
        f"stale:     {len(status.stale)}{STALE_FIX if status.stale else ''}",
        *[f"  {inert(path)}" for path in status.stale],
        f"missing:   {len(status.missing)}{MISSING_FIX if status.missing else ''}",
        *[f"  {inert(path)}" for path in status.missing],
    ]
    if status.damaged is not None:  # verified: damage would have been raised
        lines.append("damaged:   0")
    lines += format_sources(status.sources)
    return lines


def format_sources(sources) -> list[str]:
    """`search status`'s sources: each with its articles and the range of their dates."""
    if not sources:
        return []
    width = max(len(inert(entry.source)) for entry in sources)
    lines = [f"sources:   {len(sources)}"]
    for entry in sources:
        dates = f"{entry.first} .. {entry.last}" if entry.first else "no dates"
        undated = f"  ({entry.undated} undated)" if entry.undated and entry.first else ""
        word = "articles" if entry.articles != 1 else "article"
        name = inert(entry.source).ljust(width)
        lines.append(f"  {name}  {entry.articles:>6} {word:<8}  {dates}{undated}".rstrip())
    return lines


def format_languages(counts: dict[str, int]) -> str:
    """Each language's code and article count, most articles first: "en 12, de 3"."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{code} {count}" for code, count in ranked) or "-"


def format_size(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


def format_index_summary(report, where: str) -> str:
    """The one-line summary of `search index`."""
    return (
        f"Indexed {_plural(report.articles, 'article')}: {report.added} added, "
        f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged; "
        f"{_plural(report.sentences, 'sentence')} in {inert(where)} "
        f"in {report.seconds:.1f} s"
    )


def format_prune_summary(report, where: str) -> str:
    """The summary of `search index --prune` with no PATH: what it dropped."""
    return (
        f"Pruned {_plural(report.removed, 'article')} whose files are gone; "
        f"{_plural(report.sentences, 'sentence')} in {inert(where)} in {report.seconds:.1f} s"
    )


def format_index_notes(report) -> list[str]:
    """The lines after the summary: files a folder held that were not articles, and moves."""
    lines = []
    skipped = report.not_included
    if skipped:
        lines.append(
            f"{_plural(skipped.total(), 'file')} skipped: {_kinds(skipped)}; see --include"
        )
    if report.left_behind:
        lines.append(
            f"{_plural(report.left_behind, 'indexed file')} moved (the same content is now "
            f"indexed elsewhere); search index --prune drops the old paths"
        )
    return lines


def format_lacking_extra(report) -> list[str]:
    """One warning for the files whose format needs the `formats` extra (none if none)."""
    lacking = report.lacking_extra
    if not lacking:
        return []
    return [
        f"{_plural(lacking.total(), 'file')} skipped: {_kinds(lacking)}; reading them needs "
        f"the formats extra: pip install -e '.[formats]'"
    ]


def _kinds(counts) -> str:
    """`2 .html, 1 without extension`: most first, then by name."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {inert(kind)}" for kind, count in ordered)


def format_rebuilt(reason: str) -> str:
    """The line of `search index` when it rebuilt an index written by an earlier version."""
    reason = reason.split(";")[0]
    return inert(f"search: {reason}; rebuilt it from the paths given")


def format_no_match(
    text: str, suggestion: str | None, any_count: int | None = None, scope_count: int | None = None
) -> str:
    """The one stderr line of a query that found nothing: what, a correction if there is one,
    how many sentences `--any` would find when some have part of the words, and how many
    articles `--scope article` would find."""
    line = f'No matches for "{text}".'
    if suggestion:
        line += f" Did you mean: {suggestion}?"
    if any_count:
        line += f" --any finds {_plural(any_count, 'sentence')} with some of the words."
    if scope_count:
        line += " " + format_scope_note(scope_count)
    return inert(line)


def format_undated_left_out(count: int) -> str:
    """The stderr note of a date filter that left out matches without a date."""
    noun = "match" if count == 1 else "matches"
    return f"{count} undated {noun} left out; --include-undated keeps them"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
