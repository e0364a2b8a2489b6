"""The exceptions the library raises.

Every error a user can cause or meet is one of these. The CLI turns each into
one line on stderr and exit status 2, in one place; nothing below the CLI
prints or exits.
"""


class SearchError(Exception):
    """Base class: the message is one line that says what is wrong and what to do."""


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
