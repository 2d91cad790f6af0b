"""The folders are the pipeline (DESIGN.md's layout): a module imports only from packages
below its own, front ends never touch the database, no import circles, small chat modules.

Read from the source with `ast`, so a lazy import inside a function or under
`TYPE_CHECKING` counts as much as one at the top of a file.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.harness.classify_probe import classify_probe

# On one xdist worker: the import graph is read once per process (~1 s of CPU to parse the
# package), not once on each worker that happens to get one of these tests.
pytestmark = pytest.mark.xdist_group("layout")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reviewbot"

# Top to bottom: a package may import from packages of a lower rank only (and from itself).
RANKS = {
    "app": 9,
    "__main__": 10,  # `python -m reviewbot`: the command line
    "jobs": 8,
    "chat": 7,
    "web": 7,
    "workflow": 6,
    "reporting": 5,
    "replies": 4,
    "analysis": 3,
    "platforms": 2,
    "store": 1,
}
# The shared utilities at the bottom: the only modules allowed loose in reviewbot/.
UTILITIES = {
    "__init__",
    "config",
    "configbase",
    "sourceconfig",
    "speed",
    "clock",
    "logs",
    "resources",
    "safejson",
    "text",
    "vocab",
}
FRONT_ENDS = ("chat", "web")
CHAT_MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports (its own package's modules resolved), lazy ones too."""
    known = modules()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return found


@cache
def graph() -> dict[str, set[str]]:
    return {name: _imports(path) for name, path in modules().items()}


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _rank(module: str) -> int:
    top = _top(module)
    if top in RANKS:
        return RANKS[top]
    assert top in UTILITIES, f"{module}: not in the layout (a package in RANKS or a utility)"
    return 0


def test_the_graph_is_read():
    """The checks below are about something: the package and its imports are found."""
    assert "reviewbot.jobs.pipeline" in modules()
    assert "reviewbot.store.db" in graph()["reviewbot.jobs.pipeline"]


def test_only_shared_utilities_are_loose_in_the_package():
    loose = {p.stem for p in PACKAGE.glob("*.py")} - UTILITIES - {"__main__"}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert not loose, f"modules loose in reviewbot/: {sorted(loose)}"
    assert packages <= set(RANKS), f"packages missing from the layout: {packages - set(RANKS)}"


def test_each_package_imports_only_from_below():
    wrong = []
    for name, imported in graph().items():
        for target in imported:
            if not target.startswith("reviewbot") or target == "reviewbot":
                continue
            same = _top(name) == _top(target) or _rank(name) == _rank(target) == 0
            if not same and _rank(target) >= _rank(name):
                wrong.append(f"{name} -> {target}")
    assert not wrong, "imports that go up or sideways:\n" + "\n".join(sorted(wrong))


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_front_ends_never_touch_the_database(front_end: str):
    wrong = [
        f"{name} -> {target}"
        for name, imported in graph().items()
        if _top(name) == front_end
        for target in imported
        if target.split(".")[0] == "sqlalchemy" or target.startswith("reviewbot.store")
    ]
    assert not wrong, "a front end imports the database:\n" + "\n".join(sorted(wrong))


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    edges = {name: {t for t in imported if t != name} for name, imported in graph().items()}
    cycles = _cycles(edges)
    assert not cycles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_chat_modules_stay_small():
    big = {
        name: lines
        for name, path in modules().items()
        if _top(name) == "chat"
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > CHAT_MAX_LINES
    }
    assert not big, f"chat modules over {CHAT_MAX_LINES} lines: {big}"


def test_classify_loads_neither_the_database_nor_telegram():
    """`reviewbot classify` starts fast: it must not pull in SQLAlchemy or the bot."""
    probe = classify_probe()  # a fresh interpreter (tests/harness/classify_probe.py)
    assert probe.returncode == 0, probe.stderr
    assert probe.answers and all("severity" in answer for answer in probe.answers)
    assert probe.loaded == "", f"classify loaded: {probe.loaded}"
