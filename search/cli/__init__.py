"""The `search` command: `search.cli:main` is the console script, `cli` the Click group."""

from .commands import cli, main

__all__ = ["cli", "main"]
