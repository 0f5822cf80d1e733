"""Layers point down only: no import cycles, and the stores never import analyzers or the CLI.

The import graph is read from the source with ``ast``: every ``import`` statement, those
inside functions included (a lazy import is still a dependency), except those under
``if TYPE_CHECKING:`` (they never run). As in grimp, importing ``a.b.c`` counts as depending
on ``a.b.c`` only, not on the packages ``a`` and ``a.b`` Python initialises on the way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import spinlens

PACKAGE = Path(spinlens.__file__).parent
LOWER_LAYERS = ("spinlens.provenance", "spinlens.document", "spinlens.factcheck")
UPPER_LAYERS = ("spinlens.analyzers", "spinlens.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The spinlens modules the file at ``path`` imports."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), name, package, modules)


def _imports_in(source: str, name: str, package: str, modules: set[str]) -> set[str]:
    """The ``modules`` that ``source`` (module ``name`` in ``package``) imports; ``from a
    import b`` counts ``a.b`` when it is a module, and ``a`` itself when some name is not."""
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            found.update(submodules if len(submodules) == len(node.names) else {base})
            found.update(submodules)
    return {module for module in found if module in modules and module != name}


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (imports there never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for other in node.orelse:
                yield other
                yield from _runtime_nodes(other)
            continue
        yield node
        yield from _runtime_nodes(node)


def _graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(files)) for name, path in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
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
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_stores_and_documents_never_import_analyzers_or_the_cli() -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        if name.startswith(LOWER_LAYERS)
        for target in targets
        if target.startswith(UPPER_LAYERS)
    )
    assert wrong == []


def test_the_graph_reader_sees_what_runs_and_only_that() -> None:
    """The checks above are only as good as the import reader."""
    source = """
from typing import TYPE_CHECKING
from . import b
from .c import thing
if TYPE_CHECKING:
    from x import hint
def f():
    import x.lazy
"""
    modules = {"x", "x.a", "x.b", "x.c", "x.lazy", "x.hint"}
    assert _imports_in(source, "x.a", "x", modules) == {"x.b", "x.c", "x.lazy"}
