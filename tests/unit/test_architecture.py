"""The architecture of docs/architecture.md, enforced: no import circles, layers respected.

The graph is built from EVERY import statement in storage/ and tui/: at module level, inside
functions, under `if TYPE_CHECKING:`. `from convener.x import y` counts as importing the
module `convener.x.y` when y is a submodule, and importing a module counts as importing the
packages above it too (their `__init__` runs first). Imports inside functions are allowed in
one module only, `convener.storage.lazy`, which defers the heavy third-party modules it lists.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"storage": "convener.storage", "tui": "convener.tui"}
LAZY_MODULE = "convener.storage.lazy"
BASE = tuple(f"convener.storage.{m}" for m in ("errors", "clock", "paths", "text", "lazy"))


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it was, and how it was written."""

    importer: str
    target: str  # a module name (third-party ones too)
    line: int
    in_function: bool


def module_files() -> dict[str, Path]:
    """Every Convener module under storage/ and tui/, by its installed name."""
    found: dict[str, Path] = {}
    for folder, package in PACKAGES.items():
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            parts = path.relative_to(REPO_ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def _resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


class _Collector(ast.NodeVisitor):
    def __init__(self, importer: str, is_package: bool, known: Iterable[str]) -> None:
        self.importer = importer
        self.is_package = is_package
        self.known = set(known)
        self.depth = 0
        self.found: list[Import] = []

    def _add(self, target: str, node: ast.stmt) -> None:
        self.found.append(Import(self.importer, target, node.lineno, self.depth > 0))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function
    visit_Lambda = _function

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            module = _resolve_relative(self.importer, self.is_package, node.level, node.module)
        for alias in node.names:
            submodule = f"{module}.{alias.name}"
            self._add(submodule if submodule in self.known else module, node)


def imports_in(
    source: str, importer: str, known: Iterable[str], is_package: bool = False
) -> list[Import]:
    """Every import statement of `source` (a module called `importer`)."""
    collector = _Collector(importer, is_package, known)
    collector.visit(ast.parse(source))
    return collector.found


def all_imports() -> list[Import]:
    files = module_files()
    found: list[Import] = []
    for name, path in files.items():
        source = path.read_text(encoding="utf-8")
        found += imports_in(source, name, files, is_package=path.name == "__init__.py")
    return found


def with_parents(target: str, known: Iterable[str]) -> set[str]:
    """`target` and the Convener packages above it: importing a module runs them first."""
    known = set(known)
    parts = target.split(".")
    return {".".join(parts[:n]) for n in range(2, len(parts) + 1)} & known


def import_graph(imports: Iterable[Import], known: Iterable[str]) -> dict[str, set[str]]:
    """Module -> the Convener modules it imports (directly, or as their package)."""
    known = set(known)
    graph: dict[str, set[str]] = {name: set() for name in known}
    for imp in imports:
        for target in with_parents(imp.target, known):
            implicit = target != imp.target and imp.importer.startswith(target + ".")
            if target != imp.importer and not implicit:  # its own packages ran before it
                graph[imp.importer].add(target)
    return graph


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None when the graph has none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


# --- the layering rules of docs/architecture.md ------------------------------------------


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _storage_root(module: str) -> bool:
    return module.count(".") == 2 and _in(module, "convener.storage")


NO_CIRCLES = (
    "there are no import circles, counting a package's `__init__` as imported with its modules"
)
FUNCTION_IMPORTS = (
    "imports inside functions only in convener.storage.lazy, to defer a heavy third-party module"
)
RULES: tuple[tuple[str, object, object], ...] = (
    (
        "convener.storage never imports convener.tui or textual",
        lambda m: _in(m, "convener.storage"),
        lambda t: _in(t, "convener.tui", "textual"),
    ),
    (
        "storage.db imports only itself and the base modules (errors, clock, paths, text, lazy)",
        lambda m: _in(m, "convener.storage.db"),
        lambda t: _in(t, "convener") and not _in(t, "convener.storage.db", *BASE),
    ),
    (
        "storage's root modules never import storage.imports, storage.reports or storage.sync",
        _storage_root,
        lambda t: _in(
            t, "convener.storage.imports", "convener.storage.reports", "convener.storage.sync"
        ),
    ),
    (
        "storage.sync never imports storage.imports or storage.reports",
        lambda m: _in(m, "convener.storage.sync"),
        lambda t: _in(t, "convener.storage.imports", "convener.storage.reports"),
    ),
    (
        "storage.imports never imports storage.reports",
        lambda m: _in(m, "convener.storage.imports"),
        lambda t: _in(t, "convener.storage.reports"),
    ),
    (
        "storage.reports never imports storage.imports",
        lambda m: _in(m, "convener.storage.reports"),
        lambda t: _in(t, "convener.storage.imports"),
    ),
    (
        "tui.widgets never import tui.screens or tui.app",
        lambda m: _in(m, "convener.tui.widgets"),
        lambda t: _in(t, "convener.tui.screens", "convener.tui.app"),
    ),
    (
        "tui.screens never import tui.app or the screen registry",
        lambda m: _in(m, "convener.tui.screens") and m != "convener.tui.screens.registry",
        lambda t: _in(t, "convener.tui.app", "convener.tui.screens.registry"),
    ),
)


def broken_rules(imports: Iterable[Import]) -> list[str]:
    """One line per import that breaks a layering rule, or a function-level import rule."""
    problems: list[str] = []
    for imp in imports:
        where = f"{imp.importer} line {imp.line} imports {imp.target}"
        for rule, applies, forbidden in RULES:
            if applies(imp.importer) and forbidden(imp.target):  # type: ignore[operator]
                problems.append(f"{where}: {rule}")
        if imp.in_function and imp.importer != LAZY_MODULE:
            problems.append(f"{where} inside a function: {FUNCTION_IMPORTS}")
    return problems


# --- the tests ---------------------------------------------------------------------------


def test_every_module_is_seen() -> None:
    files = module_files()
    assert {"convener.storage.db.connection", "convener.tui.app", LAZY_MODULE} <= set(files)
    assert "convener.tui.screens" in files  # packages are nodes too
    assert len(files) > 60


def test_there_are_no_import_circles() -> None:
    cycle = find_cycle(import_graph(all_imports(), module_files()))
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_layering_rules_hold() -> None:
    problems = broken_rules(all_imports())
    assert not problems, "\n".join(problems)


def test_the_architecture_doc_states_exactly_these_rules() -> None:
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## Who may import whom", 1)[1].split("\n## ", 1)[0]
    stated = [line[2:] for line in section.splitlines() if line.startswith("- ")]
    assert stated == [NO_CIRCLES, FUNCTION_IMPORTS, *(rule for rule, _, _ in RULES)]


# --- the detector itself, on small synthetic code ----------------------------------------


KNOWN = {
    "convener.storage",
    "convener.storage.a",
    "convener.storage.b",
    "convener.storage.db",
    "convener.storage.db.raw",
    "convener.tui",
    "convener.tui.screens",
    "convener.tui.screens.home",
}


@pytest.mark.parametrize(
    ("source", "target", "in_function"),
    [
        ("import convener.storage.a", "convener.storage.a", False),
        ("from convener.storage import a", "convener.storage.a", False),
        ("from convener.storage.a import thing", "convener.storage.a", False),
        ("from . import b", "convener.storage.b", False),
        ("from .db import raw", "convener.storage.db.raw", False),
        ("def f():\n    from convener.storage.b import x", "convener.storage.b", True),
        ("async def f():\n    import sqlite_utils", "sqlite_utils", True),
        (
            "import typing\nif typing.TYPE_CHECKING:\n    from convener.storage import b",
            "convener.storage.b",
            False,
        ),
        ("class C:\n    def m(self):\n        import docx", "docx", True),
    ],
)
def test_detector_sees_every_kind_of_import(source: str, target: str, in_function: bool) -> None:
    found = imports_in(source, "convener.storage.a", KNOWN)
    assert (found[-1].target, found[-1].in_function) == (target, in_function)


def test_detector_finds_a_circle_and_names_it() -> None:
    files = {
        "convener.storage.a": "from convener.storage.b import f",
        "convener.storage.b": "def g():\n    from convener.storage import a",
        "convener.storage.db.raw": "import sqlite3",
    }
    imports = [i for name, src in files.items() for i in imports_in(src, name, KNOWN)]
    cycle = find_cycle(import_graph(imports, KNOWN))
    assert cycle in (
        ["convener.storage.a", "convener.storage.b", "convener.storage.a"],
        ["convener.storage.b", "convener.storage.a", "convener.storage.b"],
    )
    assert find_cycle(import_graph(imports[:1], KNOWN)) is None


def test_a_package_init_importing_its_own_module_is_a_circle() -> None:
    # screens/__init__.py importing home, while home imports anything in screens/.
    imports = [
        *imports_in("from convener.tui.screens.home import H", "convener.tui.screens", KNOWN),
        *imports_in("from convener.tui import screens", "convener.tui.screens.home", KNOWN),
    ]
    assert find_cycle(import_graph(imports, KNOWN)) is not None


@pytest.mark.parametrize(
    ("importer", "source", "broken"),
    [
        ("convener.storage.a", "import textual.app", "never imports convener.tui or textual"),
        ("convener.storage.db.raw", "from convener.storage import a", "storage.db imports only"),
        ("convener.storage.a", "from convener.storage.reports import x", "root modules never"),
        ("convener.storage.imports.x", "import convener.storage.reports.y", "imports never"),
        ("convener.storage.reports.y", "from convener.storage.imports import x", "reports never"),
        ("convener.tui.widgets.w", "from convener.tui.screens.home import H", "widgets never"),
        ("convener.tui.screens.home", "from convener.tui.app import App", "screens never"),
        ("convener.tui.screens.home", "import convener.tui.screens.registry", "screens never"),
        ("convener.tui.screens.home", "def f():\n    import json", "inside functions only"),
    ],
)
def test_each_rule_can_fail(importer: str, source: str, broken: str) -> None:
    problems = broken_rules(imports_in(source, importer, KNOWN))
    assert any(broken in p for p in problems), problems


def test_the_lazy_module_may_import_inside_functions() -> None:
    source = "def docx():\n    import docx\n    return docx"
    assert broken_rules(imports_in(source, LAZY_MODULE, KNOWN)) == []
    assert (
        broken_rules(
            imports_in("from convener.storage.db import raw", "convener.storage.db.writer", KNOWN)
        )
        == []
    )
