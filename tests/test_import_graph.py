"""The packages under src/triplec form layers: no import circle between them, `core` imports no
other package and `mapping` and `impact` (the Django-free libraries) none either.

Read statically (ast over every source file, imports inside functions included), so an import made
late to dodge a circle at run time still counts as an edge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "triplec"
BASE_PACKAGES = ("core", "mapping", "impact")  # import no other package of triplec


def _packages() -> list[str]:
    """Every directory under src/triplec holding an __init__.py: today's apps and any future one."""
    return sorted(p.parent.name for p in SRC.glob("*/__init__.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: Path) -> set[str]:
    """Absolute names of the triplec modules a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "triplec" or name.startswith("triplec.")}


def _package_of(module: str, packages: set[str]) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in packages else None


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> the modules (file:line-free names) that import it."""
    packages = set(_packages())
    graph: dict[str, dict[str, list[str]]] = {p: {} for p in packages}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = _package_of(_module_name(path), packages)
        if source is None:
            continue
        for module in _imported_modules(path):
            target = _package_of(module, packages)
            if target is not None and target != source:
                graph[source].setdefault(target, [])
                if _module_name(path) not in graph[source][target]:
                    graph[source][target].append(_module_name(path))
    return graph


def find_circles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan), each as a closed path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, {})):
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
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def _describe(circle: list[str], graph) -> str:
    members = set(circle)
    edges = [f"  {a} -> {b} (in {', '.join(graph[a][b][:4])})"
             for a in circle for b in sorted(graph[a]) if b in members]
    return " <-> ".join(circle) + "\n" + "\n".join(edges)


def test_the_graph_sees_the_apps_and_late_imports():
    graph = package_graph()
    assert {"accounts", "registry", "clusters", "networks", "core", "web", "mapping"} <= set(graph)
    # web/urls.py includes every app's urls: an edge the walker must see.
    assert {"accounts", "registry", "networks", "clusters"} <= set(graph["web"])


def test_find_circles_names_a_circle():
    graph = {"a": {"b": ["triplec.a.x"]}, "b": {"c": ["triplec.b.y"]}, "c": {"a": ["triplec.c.z"]}, "d": {}}
    assert find_circles(graph) == [["a", "b", "c"]]


def test_no_import_circle_between_packages():
    graph = package_graph()
    circles = find_circles(graph)
    assert not circles, "import circles between packages of triplec:\n" + "\n".join(
        _describe(c, graph) for c in circles)


@pytest.mark.parametrize("base", BASE_PACKAGES)
def test_base_packages_import_no_other_package(base):
    graph = package_graph()
    assert not graph[base], f"triplec.{base} imports other packages: " + "; ".join(
        f"{target} (in {', '.join(modules)})" for target, modules in sorted(graph[base].items()))
