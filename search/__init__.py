"""search: keyword search over news articles, one sentence per hit."""

import warnings

__version__ = "0.1.0"

# Whoosh 2.7.4 has regex literals with invalid escape sequences; Python 3.12+
# reports them as SyntaxWarning whenever it compiles those modules (no .pyc
# cache, read-only site-packages). They are harmless, and a user should never
# see them, so they are silenced before anything imports whoosh.
warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=SyntaxWarning)
warnings.filterwarnings("ignore", message=r"invalid escape sequence", category=DeprecationWarning)
