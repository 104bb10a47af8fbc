"""No import cycles between the project's own modules.

Protects the layering the code relies on: when module A imports B and B imports A
(directly or through other modules), which one runs first decides whether a name
exists yet, so an import moved inside a function or a new import elsewhere can break
start-up, the worker or a management command. Such circles used to be "fixed" by
importing inside a function; that hides them from Python but not from this test.

Every ``.py`` file under ``lessons/``, ``demos/`` and ``generators/`` (migrations
aside) is parsed with ``ast``. Every import of a project module counts, at module
level or inside a function: relative imports are resolved, and ``from pkg import
name`` is an import of ``pkg.name`` when that is a module, else of ``pkg`` itself.
An import names exactly the module it imports: the parent packages Python runs first
are not edges, so a package's ``__init__`` importing its submodules, and those
importing a sibling (``from .base import ...``), is no cycle; a submodule taking a
name from its own package's ``__init__`` that imports it back is one.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["lessons", "demos", "generators"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the file."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # ``import a.b.c`` of a module we do not hold: the nearest one we do
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target:
                found.append((target, node.lineno))
    return found


def import_graph() -> dict[str, dict[str, int]]:
    """module → {imported module: first line importing it}."""
    modules = project_modules()
    graph: dict[str, dict[str, int]] = defaultdict(dict)
    for name, path in modules.items():
        graph[name]
        for target, line in imports_of(name, path, modules):
            graph[name].setdefault(target, line)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a self-import
    (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, {}):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(component)
    edges = [
        f"    {a} imports {b} (line {graph[a][b]})"
        for a in component
        for b in sorted(graph[a])
        if b in members
    ]
    return "  " + " ↔ ".join(component) + "\n" + "\n".join(edges)


def test_the_graph_sees_imports_inside_functions_and_submodules():
    """Protects the test itself: it finds the imports it promises to find."""
    graph = import_graph()
    assert "demos.drawing" in graph["demos.figures"]  # from . import drawing
    assert "generators" in graph["demos.params"]  # import generators, inside a function
    assert "demos.catalog" in graph["demos.templatetags.demos"]  # from ..catalog import
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"d": 1}}) == [
        ["a", "b", "c"],
        ["d"],
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycles(package):
    """Protects the layering of each package (see the module docstring): every cycle
    with a module of the package is listed with the imports that close it."""
    graph = import_graph()
    found = [c for c in cycles(graph) if any(m.split(".")[0] == package for m in c)]
    assert not found, "import cycles:\n" + "\n".join(describe(c, graph) for c in found)
