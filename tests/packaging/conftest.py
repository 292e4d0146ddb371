"""One wheel and one pair of offline bundles per test run, shared by the packaging tests.

Building needs the package registry (pip download): the session fixtures run before the
per-test private HOME is set, so pip uses its usual cache. The bundles are kept under
dist/test-bundle (gitignored) and rebuilt on the next run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.register_assert_rewrite("tests.packaging.smoke")

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_BUNDLES = REPO_ROOT / "dist" / "test-bundle"


def load_script(path: Path, name: str) -> ModuleType:
    """Import a script that is not part of the package (scripts/...)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bundler() -> ModuleType:
    return load_script(REPO_ROOT / "scripts" / "bundle.py", "convener_bundle_script")


@pytest.fixture(scope="session")
def wheel(bundler: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Convener's wheel, built from its sdist: a file the sdist lacks cannot ship."""
    path: Path = bundler.build_wheel(tmp_path_factory.mktemp("wheel"))
    return path


@pytest.fixture(scope="session")
def wheel_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed the ordinary way (not editable)."""
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
    )
    return venv


@pytest.fixture(scope="session")
def bundles(bundler: ModuleType, wheel: Path) -> dict[str, Path]:
    """{"linux": folder, "windows": folder}, as `make bundle` writes them."""
    return {
        key: bundler.build_bundle(wheel, target, TEST_BUNDLES)
        for key, target in bundler.TARGETS.items()
    }
