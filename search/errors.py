"""The exceptions the library raises.

Every error a user can cause or meet is one of these. The CLI turns each into
one line on stderr and exit status 2, in one place; nothing below the CLI
prints or exits.
"""

from __future__ import annotations

from collections.abc import Mapping


class SearchError(Exception):
    """Base class: the message is one line that says what is wrong and what to do.

    Where the fix is an option the user set, the message names the option as a field
    (`"{since} {value!r} is not a date"`, with `options=("since",)` and `value=...`), and
    each front end spells it as its users write it, through one mapping (`render`): the
    command line as a flag (`--since`), the page and the API as a parameter (`since`).
    `str()` names each option by its own name. The `values` (what the user gave) are
    formatted into the message, never read as fields themselves.
    """

    def __init__(self, message: str, *, options: tuple[str, ...] = (), **values: object) -> None:
        self.template = message
        self.options = options
        self.values = values
        super().__init__(self.render({}))

    def render(self, spelled: Mapping[str, str]) -> str:
        """The message with each option named as `spelled` names it (else by its name)."""
        if not self.options and not self.values:
            return self.template
        names = {option: spelled.get(option, option) for option in self.options}
        return self.template.format(**names, **self.values)

    def followed_by(self, more: str, kind: type[SearchError] | None = None) -> SearchError:
        """This error (or one of `kind`) with `more` (plain text) after its message, its
        options kept."""
        kind = kind or type(self)
        if not self.options and not self.values:
            return kind(self.template + more)
        escaped = more.replace("{", "{{").replace("}", "}}")
        return kind(self.template + escaped, options=self.options, **self.values)


class NoIndexError(SearchError):
    """Raised when the index folder holds no index yet."""


class NotAnIndexError(SearchError):
    """Raised when the index folder exists but holds something that is not our index."""


class IndexDamagedError(SearchError):
    """Raised when index files are missing, truncated or corrupt."""


class IndexVersionError(SearchError):
    """Raised when the index was written by an incompatible version of search."""


class OlderIndexError(IndexVersionError):
    """Raised when the index was written by an earlier version of search (an older schema):
    `search index` rebuilds it; every other command refuses it."""


class IndexLockedError(SearchError):
    """Raised when another process holds the index's write lock past the wait time."""


class QueryError(SearchError):
    """Raised when a query cannot be run: empty, too long, too deep, or meaningless."""


class InputError(SearchError):
    """Raised for a path that does not exist or cannot be read."""


class BinaryFileError(InputError):
    """Raised when a file is not text in any accepted encoding."""


class MissingExtraError(InputError):
    """Raised when reading a file's format needs an optional extra that is not installed."""


class DocumentError(InputError):
    """Raised when a file of a known format cannot be read: corrupt, encrypted, too large,
    or without any article text."""


class NoTextLayerError(DocumentError):
    """Raised for a PDF without a text layer (a scan)."""


class ExportError(SearchError):
    """Raised when the index cannot be exported as asked (an analyzer with no equivalent,
    a missing client for live loading, a cluster that refuses documents)."""


class OutputError(SearchError):
    """Raised when the output cannot be written: stdout closed, or its disk full."""


class QueryTimeoutError(QueryError):
    """Raised when a query runs past its time budget (`SearchIndex.budget`) and is stopped."""


class WorkerError(SearchError):
    """Raised when an indexing worker died or failed: the run is cancelled."""


class BadRequest(SearchError):
    """Raised by the web server for a request parameter that is not what its endpoint takes."""


class Overloaded(SearchError):
    """Raised by the web server for a search that did not finish within the time limit."""
