"""The bundle builder's own rule, on wheels made here: requirements are read with the
target platform's markers, because pip evaluates them for the machine it runs on."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.packaging


def make_wheel(folder: Path, name: str, version: str, *requires: str) -> None:
    dist = f"{name.replace('-', '_')}-{version}"
    metadata = "\n".join(
        ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        + [f"Requires-Dist: {r}" for r in requires]
    )
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as archive:
        archive.writestr(f"{dist}.dist-info/METADATA", metadata + "\n")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    make_wheel(
        tmp_path,
        "convener",
        "0.1.0",
        "click>=8",
        'colorama; platform_system == "Windows"',
        'tomli>=1; python_version < "3.12"',
        "Markdown-It-Py[linkify]>=2",
        'uvloop; sys_platform != "win32"',
    )
    make_wheel(tmp_path, "click", "8.5.1")
    make_wheel(
        tmp_path,
        "markdown-it-py",
        "4.0.0",
        "mdurl~=0.1",
        'linkify-it-py<3,>=1; extra == "linkify"',
        'pytest; extra == "testing"',
    )
    return tmp_path


def test_windows_needs_what_only_windows_asks_for(bundler: ModuleType, folder: Path) -> None:
    windows = bundler.TARGETS["windows"]
    assert bundler.missing_requirements(folder, windows, "3.11") == [
        "colorama",
        "linkify-it-py<3,>=1",
        "mdurl~=0.1",
        "tomli>=1",
    ]
    assert "tomli>=1" not in bundler.missing_requirements(folder, windows, "3.13")


def test_linux_needs_its_own(bundler: ModuleType, folder: Path) -> None:
    assert bundler.missing_requirements(folder, bundler.TARGETS["linux"], "3.13") == [
        "linkify-it-py<3,>=1",
        "mdurl~=0.1",
        "uvloop",
    ]


def test_nothing_missing_once_all_are_there(bundler: ModuleType, folder: Path) -> None:
    for name in ("colorama", "linkify-it-py", "mdurl", "tomli", "uvloop"):
        make_wheel(folder, name, "1.0")
    for key in ("windows", "linux"):
        assert bundler.missing_requirements(folder, bundler.TARGETS[key], "3.11") == []


def test_head_offices_datasette_never_goes_into_the_field_bundle(
    bundler: ModuleType, tmp_path: Path
) -> None:
    """The wheel's own requirements, as built from pyproject.toml: `hq` is an extra."""
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    hq = project["project"]["optional-dependencies"]["hq"]
    assert hq == ["datasette==0.65.5"]
    make_wheel(
        tmp_path,
        "convener",
        "0.1.0",
        *project["project"]["dependencies"],
        *(f'{r}; extra == "hq"' for r in hq),
    )
    for target in bundler.TARGETS.values():
        missing = bundler.missing_requirements(tmp_path, target, "3.11")
        assert "sqlcipher3>=0.6.4" in missing
        assert not [r for r in missing if r.lower().startswith("datasette")]
