"""`search serve`: the page and the JSON API on a local port."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from .indexing import make_watcher, needs_watchfiles, say_watching
from .options import index_dir_option, watch_options
from .runtime import CommandError, said

SERVE_MODULES = {"starlette", "uvicorn", "jinja2", "markupsafe"}


@click.command("serve")
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
    language,
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
        needs_watchfiles()
        watcher = make_watcher(index_dir, watched, include, exclude, wait, poll, language)
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
        watcher.run(ready=say_watching(paths))
    except SearchError as error:
        click.echo(f"search: watching stopped: {said(error)}", err=True)
