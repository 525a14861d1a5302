"""The shape of the code: no import cycle inside an app or between apps, and no import of our own code
hidden inside a function to dodge one.

Read from the source with ``ast`` (nothing is imported), so the test sees function-level imports too;
``if TYPE_CHECKING:`` blocks are for type hints only and are left out. The apps depend one way:
lawgov (the kernel) ← plans ← tasks ← assessment ← reports.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("lawgov", "plans", "tasks", "assessment", "reports")
# Heavy or optional libraries a function may import when it needs them (start-up stays light, and a machine
# without them still serves every other page). Only these, by name; never our own modules.
LAZY_ALLOWED = (
    "docx",
    "openpyxl",
    "redis",
    "kombu",
    "celery",
    "playwright",
    "pdfplumber",
    "pypdfium2",
    "pypinyin",  # loads its dictionaries on import (about a second): only the unit picker's first search pays it
    "pypdf",
    "pdfminer",
    "fitz",
    "pytesseract",
    "PIL",
    "olefile",
    "subprocess",
    "importlib",
)


# The project's composition roots: named by settings (ROOT_URLCONF, like INSTALLED_APPS), they wire every
# app together and are imported by nothing of ours, so they cannot close a cycle. They are not the kernel's
# code: a kernel module importing an app is still refused.
COMPOSITION_ROOTS = {"lawgov.urls", "lawgov.wsgi"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def _imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module or module.name, line, inside a function) for every import outside TYPE_CHECKING."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, node.lineno, in_function))
            found.extend((f"{module}.{alias.name}", node.lineno, in_function) for alias in node.names)
        # AppConfig.ready() is where Django wants an app's models imported (they cannot be at the top of
        # apps.py), so imports there are not "lazy" in the sense this test is about.
        is_ready = isinstance(node, ast.FunctionDef) and node.name == "ready" and path.name == "apps.py"
        inner = in_function or (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and not is_ready)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _resolve(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


@cache
def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        if name in COMPOSITION_ROOTS:
            continue
        targets = set()
        for imported, _, _ in _imports(name, path):
            module = _resolve(imported)
            if module is None or module == name:
                continue
            targets.add(module)
            # Importing a.b.c runs a/__init__ and a/b/__init__ first (unless the importer is inside them).
            parent = module.rpartition(".")[0]
            while parent and parent in MODULES and not name.startswith(parent + "."):
                targets.add(parent)
                parent = parent.rpartition(".")[0]
        edges[name] = targets
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each a cycle to name."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycle_between_modules():
    assert _cycles(_graph()) == []


def test_nothing_imports_a_composition_root():
    importers = [name for name, targets in _graph().items() if targets & COMPOSITION_ROOTS]
    assert importers == []


def test_no_import_cycle_between_apps():
    edges: dict[str, set[str]] = {}
    for name, targets in _graph().items():
        app = name.split(".")[0]
        edges.setdefault(app, set()).update(t.split(".")[0] for t in targets if t.split(".")[0] != app)
    assert _cycles(edges) == []
    assert edges["lawgov"] == set(), "the kernel imports no app"
    assert "reports" not in edges["plans"] | edges["tasks"], "plans and tasks never import reports"


def test_imports_inside_functions_are_only_the_heavy_libraries_allowed_by_name():
    """A function-level import of our own code would hide a cycle from a reader; one of Django or the standard
    library has no reason to be lazy. Only the heavy optional libraries in LAZY_ALLOWED may wait."""
    lazy = sorted(
        {
            f"{path.relative_to(ROOT)}:{line} imports {imported}"
            for name, path in MODULES.items()
            for imported, line, in_function in _imports(name, path)
            if in_function and imported.split(".")[0] not in LAZY_ALLOWED
        }
    )
    assert lazy == []


def test_the_checker_finds_a_cycle():
    """The test above could pass by finding nothing: show it names a cycle when there is one."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
