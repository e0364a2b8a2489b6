"""search: keyword search over news articles, one sentence per hit."""

import contextlib
import os
import signal
import sys
import warnings

__version__ = "0.1.0"

# Whoosh 2.7.4 has string literals with invalid escape sequences and `is 0`
# comparisons; Python reports them as SyntaxWarning (DeprecationWarning before
# 3.12) whenever it compiles those modules without a .pyc cache. They are
# harmless, and a user should never see them, so warnings raised while
# compiling Whoosh's own files are silenced before anything imports whoosh.
# (For compile-time warnings, `module` is the file's path without ".py".)
_WHOOSH_FILES = r".*[\\/]whoosh[\\/]"
warnings.filterwarnings("ignore", category=SyntaxWarning, module=_WHOOSH_FILES)
warnings.filterwarnings("ignore", category=DeprecationWarning, module=_WHOOSH_FILES)


def _interrupted_while_starting(signum, frame) -> None:
    """Ctrl-C before the command has begun (while its modules load): nothing was done yet."""
    with contextlib.suppress(OSError):
        os.write(2, b"search: interrupted\n")
    os._exit(130)


# The installed `search` command imports this package first; its modules take a moment to
# load, and a Ctrl-C then would print an import traceback. Only for that command (never for
# a program that imports the library), and not when Ctrl-C is ignored (a background job);
# search.cli.main takes over once it runs.
if (
    os.path.basename(sys.argv[0] if sys.argv else "") == "search"
    and signal.getsignal(signal.SIGINT) is signal.default_int_handler
):
    signal.signal(signal.SIGINT, _interrupted_while_starting)
