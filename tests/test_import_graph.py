"""physio's own modules import each other without going in circles, deferred imports included.

A cycle broken only by importing inside a function still ties two modules to each other (neither can be
understood, tested or moved alone), so every import statement of a physio module counts, wherever it is in the
file. Two kinds do not count: imports under `if TYPE_CHECKING:` (annotations only, never run) and the lazy public
names of physio/__init__.py (a table of where each name lives, read on first use). An import of a module's own
parent package is no edge either: Python imports the parent first whatever the module does.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "physio"


def _module_names() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import / ImportFrom node of the tree, at any depth, except inside `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, modules: dict) -> list[str]:
    """The physio modules one import statement loads (`from .x import y` loads x.y when y is a module)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
    return submodules or [target]


def import_graph() -> tuple[dict[str, dict[str, int]], dict[str, Path]]:
    """module -> {module it imports: line of the first such import}."""
    modules = _module_names()
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for module, path in modules.items():
        if module == "physio":
            continue  # its lazy exports are a table of names, loaded on first use
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            for target in _targets(node, module, path.name == "__init__.py", modules):
                if target in modules and target != module and not module.startswith(target + "."):
                    graph[module].setdefault(target, node.lineno)
    return graph, modules


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def _one_loop(component: list[str], graph: dict[str, dict[str, int]]) -> list[str]:
    """A shortest way round inside the component, starting at its first module (breadth-first)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for a in frontier:
            for b in graph[a]:
                if b not in members:
                    continue
                if b == start:
                    path = [a]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start] + list(reversed(path[:-1])) + [start]
                if b not in came_from:
                    came_from[b] = a
                    nxt.append(b)
        frontier = nxt
    return component


def describe(component: list[str], graph: dict[str, dict[str, int]], modules: dict[str, Path]) -> str:
    loop = _one_loop(component, graph)
    root = PACKAGE.parent
    steps = [f"  {modules[a].relative_to(root)}:{graph[a][b]} imports {b}" for a, b in zip(loop, loop[1:])]
    return f"{len(component)} modules in a circle: {', '.join(component)}\n  e.g.\n" + "\n".join(steps)


def test_the_graph_sees_deferred_imports_and_skips_annotation_only_ones(tmp_path, monkeypatch):
    """The checker itself: an import inside a function is an edge, one under TYPE_CHECKING is not."""
    pkg = tmp_path / "physio"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import x\n")
    (pkg / "a.py").write_text("def f():\n    from .sub.b import y\n    return y\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import f\nelse:\n    pass\n"
        "def g():\n    from .. import a\n    return a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", pkg)
    graph, modules = import_graph()
    assert graph["physio.a"] == {"physio.sub.b": 2}
    assert graph["physio.sub.b"] == {"physio.a": 7}
    assert cycles(graph) == [["physio.a", "physio.sub.b"]]
    assert "physio/a.py:2 imports physio.sub.b" in describe(cycles(graph)[0], graph, modules)
    (pkg / "sub" / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import f\n")
    graph, _ = import_graph()
    assert cycles(graph) == []


def test_no_import_cycles_among_physio_modules():
    graph, modules = import_graph()
    found = cycles(graph)
    assert not found, "imports go in circles:\n" + "\n".join(describe(c, graph, modules) for c in found)
