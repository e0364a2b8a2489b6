"""search: keyword search over news articles, one sentence per hit."""

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
