"""Imports point down only: runtime → agents → integrations, and no cycle between top-level folders.

The imports are read from the source with `ast` (every one, also those inside
functions and under ``TYPE_CHECKING``), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "automate"
SKIPPED = {"tests", "build", ".venv", "__pycache__", ".git"}


def source_files(root: Path) -> Iterator[Path]:
    """Every Python file of the package: the repository less its tests and build output."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if not SKIPPED.intersection(parts) and not any(
            p.startswith(".") or p.endswith(".egg-info") for p in parts
        ):
            yield path


def module_name(root: Path, path: Path) -> str:
    """The dotted name a file is installed under (the root is the package `automate`)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def imported_modules(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The modules of the package that a module's code imports, wherever the import statement sits."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            origin = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                # `from automate import main` imports the module automate.main.
                candidate = f"{origin}.{alias.name}"
                yield candidate if candidate in known else origin


def folder(module: str) -> str | None:
    """The top-level folder (agents, integrations, runtime, configs, main) a module belongs to."""
    parts = module.split(".")
    return parts[1] if parts[0] == PACKAGE and len(parts) > 1 else None


def folder_graph(root: Path) -> dict[str, dict[str, set[str]]]:
    """For each top-level folder, the other folders it imports and, for each, the modules importing it."""
    files = {module_name(root, path): path for path in source_files(root)}
    known = set(files)
    graph: dict[str, dict[str, set[str]]] = {}
    for name, path in files.items():
        source = folder(name)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in imported_modules(tree, name, path.name == "__init__.py", known):
            other = folder(target)
            if other is not None and other != source:
                graph.setdefault(source, {}).setdefault(other, set()).add(name)
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """Every group of folders that import one another (strongly connected, more than one folder)."""
    nodes = set(graph) | {t for targets in graph.values() for t in targets}
    reach = {node: _reachable(graph, node) for node in nodes}
    groups = {frozenset(n for n in nodes if n in reach[node] and node in reach[n]) | {node} for node in nodes}
    return sorted(sorted(group) for group in groups if len(group) > 1)


def _reachable(graph: dict[str, dict[str, set[str]]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, {}))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, {}))
    return seen


def offenders(graph: dict[str, dict[str, set[str]]], source: str, target: str) -> list[str]:
    """The modules of `source` that import something from `target`."""
    return sorted(graph.get(source, {}).get(target, set()))


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, set[str]]]:
    return folder_graph(ROOT)


class TestLayering:
    def test_the_walk_finds_imports_inside_functions(self, tmp_path: Path) -> None:
        """A lazy import in a function body and a relative import both count as edges."""
        (tmp_path / "agents").mkdir()
        (tmp_path / "runtime").mkdir()
        (tmp_path / "agents" / "__init__.py").write_text("")
        (tmp_path / "agents" / "base.py").write_text("def tools():\n    from automate.runtime import tools\n")
        (tmp_path / "runtime" / "__init__.py").write_text("from ..agents import base\n")
        found = folder_graph(tmp_path)
        assert offenders(found, "agents", "runtime") == ["automate.agents.base"]
        assert offenders(found, "runtime", "agents") == ["automate.runtime"]
        assert cycles(found) == [["agents", "runtime"]]

    def test_integrations_import_no_agents_and_no_runtime(
        self, graph: dict[str, dict[str, set[str]]]
    ) -> None:
        """An adapter knows its service only: nothing in integrations reaches up."""
        assert offenders(graph, "integrations", "agents") == []
        assert offenders(graph, "integrations", "runtime") == []

    def test_agents_import_no_runtime(self, graph: dict[str, dict[str, set[str]]]) -> None:
        """Agents sit below the runtime: the tool adapters on top import them, not the other way."""
        assert offenders(graph, "agents", "runtime") == []

    def test_no_cycle_between_top_level_folders(self, graph: dict[str, dict[str, set[str]]]) -> None:
        """No two top-level folders import each other, directly or through a third."""
        assert cycles(graph) == [], {
            f"{a} -> {b}": sorted(mods) for a, targets in graph.items() for b, mods in targets.items()
        }

    def test_the_runtime_uses_the_agents(self, graph: dict[str, dict[str, set[str]]]) -> None:
        """The walk sees the package's real edges (runtime imports agents and integrations)."""
        assert {"agents", "integrations"} <= set(graph["runtime"])
