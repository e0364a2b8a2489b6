"""The `search` command group: each command parses its arguments, calls the library, prints.

Exit status, as grep and ripgrep: 0 something matched, 1 nothing did, 2 error. The commands
live by theme: `indexing.py` (index, watch, status), `querying.py` (query, trend, words),
`articles.py` (split, show, export), `alerts.py` (alert), `serving.py` (serve); the options
they share are declared once in `options.py`, and the process plumbing (stdout, Ctrl-C,
exit statuses, one line per error) is in `runtime.py`.
"""

from __future__ import annotations

import click

from .. import __version__
from .alerts import alert_group
from .articles import export_command, show_command, split_command
from .indexing import index_command, status_command, watch_command
from .options import CONTEXT_SETTINGS
from .querying import query_command, trend_command, words_command
from .runtime import SearchGroup, run
from .serving import serve_command


@click.group("search", cls=SearchGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="search")
def cli() -> None:
    """Keyword search over news articles: every hit is one sentence.

    \b
    Example:
        search index seeds/
        search query "Turkey peacekeeping"
    """


cli.add_command(index_command)
cli.add_command(watch_command)
cli.add_command(status_command)
cli.add_command(query_command)
cli.add_command(trend_command)
cli.add_command(words_command)
cli.add_command(split_command)
cli.add_command(show_command)
cli.add_command(export_command)
cli.add_command(alert_group)
cli.add_command(serve_command)


def main() -> None:
    """The installed command (see `runtime.run`: exit status, Ctrl-C, flushing the output)."""
    run(cli)
