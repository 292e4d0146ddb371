"""The headless core stays headless: nothing under storage/ reaches for textual or tui."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STORAGE = REPO_ROOT / "storage"
MODULES = sorted(STORAGE.rglob("*.py"))
FORBIDDEN = ("textual", "convener.tui")


def root(name: str) -> str:
    """`textual` for `textual.app`; `convener.tui` for `convener.tui.cli` (one namespace)."""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "convener" else parts[0]


def imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(root(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(root(node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(root(node.args[0].value))
    return roots


def test_storage_modules_were_found() -> None:
    names = {m.name for m in MODULES}
    assert {"connection.py", "migrations.py", "writer.py", "event_file.py"} <= names
    assert len(MODULES) >= 15


@pytest.mark.parametrize(
    "source",
    [
        "import textual.app",
        "import os, textual",
        "from convener.tui.cli import main",
        "def f():\n    from textual.widgets import Label",
        "importlib.import_module('textual.app')",
        "__import__('textual')",
    ],
)
def test_import_detector_sees_every_form(source: str) -> None:
    assert imported_roots(ast.parse(source)) & set(FORBIDDEN)


@pytest.mark.parametrize("module", MODULES, ids=[m.stem for m in MODULES])
def test_storage_never_imports_the_ui(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    bad = imported_roots(tree) & set(FORBIDDEN)
    assert not bad, f"{module.relative_to(REPO_ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("module", MODULES, ids=[m.stem for m in MODULES])
def test_storage_modules_say_what_they_are_for(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring) > 20, f"{module.name} has no module docstring"


def test_importing_all_of_storage_loads_no_ui_package() -> None:
    # Catches indirect imports too (through a third-party package or a lazy import at load).
    names = [
        "convener." + ".".join(m.relative_to(REPO_ROOT).with_suffix("").parts)
        for m in MODULES
        if m.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
