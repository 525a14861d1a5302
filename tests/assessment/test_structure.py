"""The assessment's modules import each other in one direction only (code-health issue: excel ↔ selectors ↔
services imported each other, some lazily inside functions, and selectors reached into ``services._typed``).

The graph is read from the source with ``ast``, not from ``sys.modules``: an import inside a function counts
as much as one at the top (it closes the same cycle, only later); one under ``if TYPE_CHECKING:`` does not
(it never runs). No database, no Django import needed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "assessment"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(root: Path = ROOT) -> dict[str, Path]:
    return {_module_name(root, p): p for p in sorted(root.rglob("*.py")) if "migrations" not in p.parts}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement at any depth, less the bodies of ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module → the package's modules it imports. ``from a.b import c`` is an edge to ``a.b.c`` when that is
    a module, else to ``a.b``; relative imports are resolved against the importing module."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in modules else base)
            for target in targets:
                # ``import assessment.services.review`` names the module; keep the longest known prefix.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles of the graph as closed paths: in every strongly connected component of more than one
    module (Tarjan), the shortest cycle through each of its members, each cycle named once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles: dict[tuple[str, ...], list[str]] = {}
    for component in components:
        for start in sorted(component):
            cycle = _cycle_in(graph, set(component), start)
            turn = cycle.index(min(cycle))
            cycles.setdefault(tuple(cycle[turn:-1] + cycle[:turn]), cycle)
    return [cycles[key] for key in sorted(cycles)]


def _cycle_in(graph: dict[str, set[str]], members: set[str], start: str) -> list[str]:
    """The shortest closed path start → … → start inside a strongly connected component."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    raise AssertionError(f"not a cycle: {sorted(members)}")  # pragma: no cover


def test_the_assessment_package_has_no_import_cycle():
    graph = import_graph(package_modules())
    cycles = find_cycles(graph)
    assert not cycles, "import cycles in assessment/: " + "; ".join(" → ".join(c) for c in cycles)


def test_the_graph_is_read_from_every_kind_of_import():
    """Guards the test itself: it sees top-level, function-level and ``from package import module`` imports,
    so an empty answer above means no cycle, not a blind reader."""
    graph = import_graph(package_modules())
    assert "assessment.rules" in graph["assessment.selectors"]
    assert "assessment.selectors" in graph["assessment.services.review"]
    assert "assessment.excel" in graph["assessment.services.rubrics"]
    assert "assessment.rules" in graph["assessment.excel"]  # imported inside rubric_export
    assert "assessment.services" in graph["assessment.views"]  # ``from assessment import services``
    assert "assessment.selectors" not in graph["assessment.excel"]  # only under TYPE_CHECKING


def test_the_pure_rules_import_no_reader_writer_or_export():
    graph = import_graph(package_modules())
    lower = graph["assessment.rules"] | graph["assessment.scoring"] | graph["assessment.parsing"]
    for above in ("assessment.services", "assessment.selectors", "assessment.excel", "assessment.views"):
        assert not any(m == above or m.startswith(above + ".") for m in lower), above


def test_selectors_and_exports_never_import_the_services():
    graph = import_graph(package_modules())
    for reader in ("assessment.selectors", "assessment.excel", "assessment.documents"):
        assert not any(m.startswith("assessment.services") for m in graph[reader]), reader


@pytest.mark.parametrize(
    ("sources", "cycle"),
    [
        (
            {
                "a.py": "from pkg import b\n",
                "b.py": "def f():\n    from pkg.c import g\n",
                "c.py": "import pkg.a\n",
            },
            ["pkg.a", "pkg.b", "pkg.c", "pkg.a"],
        ),
        ({"a.py": "from . import b\n", "b.py": "from .a import x\n"}, ["pkg.a", "pkg.b", "pkg.a"]),
        (
            {"sub/__init__.py": "from pkg.sub.x import y\n", "sub/x.py": "from pkg.sub import z\n"},
            ["pkg.sub", "pkg.sub.x", "pkg.sub"],
        ),
        (
            {
                "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n",
                "b.py": "from pkg import a\n",
            },
            None,
        ),
    ],
    ids=["function-level", "relative", "package-init", "type-checking-only"],
)
def test_the_cycle_finder_names_the_cycle(tmp_path, sources, cycle):
    root = tmp_path / "pkg"
    for rel, text in {"__init__.py": "", **sources}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    found = find_cycles(import_graph(package_modules(root)))
    assert found == ([cycle] if cycle else [])
