"""The test suite's shape (issue 25): which test files reach the code through a front end,
which ask the library's one door (`search.index.Index`), and which monkeypatches patch the
package's internals, that any move of a module or a rename breaks.

    .venv/bin/python benchmarks/suite_shape.py [tests/] [--list]

A file "goes through a front end" when it runs the command (`invoke`, `CliRunner`, the
installed `search`, or the conftest helpers that call it: `hits`, `query_json`, `status`...)
or the web app (Starlette's `TestClient`); it "asks Index" when it calls `Index.open` or uses
conftest's `corpus_door`/`seed_door` (an `Index` open once per module). Index fixtures
built with the command are setup, not the path tested, and are not counted.

A monkeypatch "patches internals" when its target is an object of the `search` package (a
module's name, a class's method, a constant); it patches a private name when that name or a
name on the way to it starts with `_`. A patch of `search.index.Index` (the library's public
door) is counted apart as "door"; "variable" is a patch whose target comes from a table in
the test (see --list). Patches of the standard library, of third-party modules and of
`sys.modules` are counted apart.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from pathlib import Path

FRONT_END_CALLS = {
    "invoke",
    "CliRunner",
    "run_on_a_terminal",
    "query_json",
    "hits",
    "hit_paths",
    "status",
    "assert_seed_intact",
    "TestClient",
    "client",
}
FRONT_END_NAMES = {"SEARCH_BIN", "Progress"}
PATCHES = {"setattr", "setitem", "delattr", "delitem"}
INDEX_FIXTURES = {"corpus_door", "seed_door"}  # conftest's Index, open once per module


def _imports(tree: ast.Module) -> dict[str, str]:
    """Each name bound by an import, to the dotted name it stands for."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[(alias.asname or alias.name).split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _called(node: ast.Call) -> str | None:
    name = _dotted(node.func)
    return name.rsplit(".", 1)[-1] if name else None


def patch_target(node: ast.Call, bound: dict[str, str], source: str) -> str:
    """The dotted name a monkeypatch call replaces, imports resolved."""
    args = node.args
    if not args:
        return ast.get_source_segment(source, node) or "?"
    first = args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value  # monkeypatch.setattr("pkg.module.name", value)
    owner = _dotted(first) or ast.get_source_segment(source, first) or "?"
    head, _, rest = owner.partition(".")
    owner = bound.get(head, head) + (f".{rest}" if rest else "")
    if len(args) > 1 and isinstance(args[1], ast.Constant):
        return f"{owner}.{args[1].value}"
    return f"{owner}.{ast.get_source_segment(source, args[1]) if len(args) > 1 else '?'}"


def examine(path: Path) -> dict:
    source = path.read_text("utf-8")
    tree = ast.parse(source)
    bound = _imports(tree)
    calls = Counter()
    names = set()
    patches = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls[_called(node)] += 1
            func = _dotted(node.func) or ""
            if func.startswith("monkeypatch.") and func.split(".")[-1] in PATCHES:
                patches.append(patch_target(node, bound, source))
            if func in ("subprocess.run", "subprocess.Popen") or func.endswith("Progress.start"):
                calls["subprocess"] += 1
        if isinstance(node, ast.Name):
            names.add(node.id)
        if isinstance(node, ast.Attribute) and node.attr == "open":
            owner = _dotted(node.value) or ""
            if bound.get(owner, "").endswith("search.index.Index"):
                calls["Index.open"] += 1
            elif bound.get(owner, "").endswith("SearchIndex"):
                calls["SearchIndex.open"] += 1
    front_end = any(calls[name] for name in FRONT_END_CALLS) or calls["subprocess"]
    front_end = front_end or bool(names & FRONT_END_NAMES)
    asks_index = calls["Index.open"] > 0 or bool(names & INDEX_FIXTURES)
    return {
        "front_end": bool(front_end),
        "index": asks_index,
        "reader": calls["SearchIndex.open"] > 0,
        "patches": patches,
    }


def kind(target: str) -> str:
    if target.startswith("search.index."):
        return "door"  # the library's public door, `Index`: no move inside undoes it
    if target.startswith("search."):
        parts = target.split(".")
        return "private" if any(part.startswith("_") for part in parts) else "internal"
    if target.split(".")[0] in ("owner", "module", "os") and target.endswith(".name"):
        return "variable"  # a table of targets: see the test
    if target.startswith("sys.modules"):
        return "sys.modules"
    return "outside"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="tests", type=Path)
    parser.add_argument("--list", action="store_true", help="list every patch and its kind")
    args = parser.parse_args()
    files = sorted(args.folder.glob("test_*.py"))
    shapes = {path: examine(path) for path in files}
    patches = [
        (path.name, target, kind(target))
        for path, shape in shapes.items()
        for target in shape["patches"]
    ]
    patches += [
        ("conftest.py", target, kind(target))
        for target in examine(args.folder / "conftest.py")["patches"]
    ]
    only_front = [
        p for p, s in shapes.items() if s["front_end"] and not s["index"] and not s["reader"]
    ]
    asks = [p for p, s in shapes.items() if s["index"]]
    reads = [p for p, s in shapes.items() if s["reader"] and not s["index"]]
    kinds = Counter(k for _, _, k in patches)
    print(f"test files: {len(files)}")
    print(f"  through a front end only (CLI, process, web), never Index: {len(only_front)}")
    print(f"  asking Index directly: {len(asks)}")
    print(f"  asking the engine's SearchIndex, not Index: {len(reads)}")
    rest = len(files) - len(set(only_front) | set(asks) | set(reads))
    print(f"  neither (units of a module): {rest}")
    print(f"monkeypatches: {len(patches)}")
    for name in ("private", "internal", "door", "variable", "outside", "sys.modules"):
        print(f"  {name}: {kinds[name]}")
    print(
        f"  of the package's internals (private + internal): {kinds['private'] + kinds['internal']}"
    )
    if args.list:
        for file, target, what in sorted(patches, key=lambda row: (row[2], row[0])):
            print(f"{what:12} {file:24} {target}")
        print("front end only:", " ".join(p.name for p in only_front))
        print("asking Index:", " ".join(p.name for p in asks))
        print("asking SearchIndex:", " ".join(p.name for p in reads))


if __name__ == "__main__":
    main()
