"""The offline install scripts refuse clearly before doing anything: a wrong Python is
named with the versions it needs, and a folder that is not Convener's is left alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO_ROOT, load_script
from tests.packaging.smoke import outside_env

pytestmark = pytest.mark.packaging

OFFLINE = REPO_ROOT / "scripts" / "offline"
install = load_script(OFFLINE / "install.py", "convener_install_script")
WINDOWS = {
    "convener": "0.1.0",
    "platform": "win_amd64",
    "python_platform": "win-amd64",
    "pythons": ["3.11", "3.12", "3.13"],
}


def test_an_old_python_is_told_which_one_to_install() -> None:
    problem = install.python_problem((3, 10), "win-amd64", WINDOWS)
    assert problem.startswith("Convener needs Python 3.11, 3.12 or 3.13; this is Python 3.10 (")
    assert "Install Python 3.13 from python.org" in problem


def test_a_new_python_without_wheels_is_refused_too() -> None:
    assert "this is Python 3.14" in install.python_problem((3, 14), "win-amd64", WINDOWS)


def test_32_bit_python_on_windows_is_named() -> None:
    problem = install.python_problem((3, 12), "win32", WINDOWS)
    assert problem.startswith("This Python is the 32-bit one; Convener needs the 64-bit Python")


def test_the_other_platforms_folder_is_refused() -> None:
    problem = install.python_problem((3, 12), "linux-x86_64", WINDOWS)
    assert "installs Convener on Windows (64-bit)" in problem
    assert "this Python runs on linux-x86_64" in problem


def test_a_matching_python_passes() -> None:
    for version in ((3, 11), (3, 12), (3, 13)):
        assert install.python_problem(version, "win-amd64", WINDOWS) == ""


def fake_python(folder: Path, version: str) -> Path:
    path = folder / "python3"
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("python", "found"), [("old", "found: {path} (3.10)."), ("missing", "found: no Python at all.")]
)
def test_install_sh_names_the_python_it_needs(tmp_path: Path, python: str, found: str) -> None:
    path = fake_python(tmp_path, "3.10") if python == "old" else tmp_path / "nowhere" / "python"
    shutil.copy(OFFLINE / "install.sh", tmp_path / "install.sh")
    done = subprocess.run(
        ["sh", str(tmp_path / "install.sh"), str(tmp_path / "app")],
        env={**outside_env(), "PYTHON": str(path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first == f"Convener needs Python 3.11, 3.12 or 3.13; {found.format(path=path)}"
    assert "PYTHON=/path/to/python3.12 sh install.sh" in done.stderr
    assert not (tmp_path / "app").exists()


def test_a_folder_that_is_not_an_environment_is_left_alone(tmp_path: Path) -> None:
    bundle = tmp_path / "stick"
    bundle.mkdir()
    shutil.copy(OFFLINE / "install.py", bundle)
    manifest = {**WINDOWS, "platform": "here", "python_platform": sysconfig.get_platform()}
    manifest["pythons"] = [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    (bundle / "bundle.json").write_text(json.dumps(manifest))
    mine = tmp_path / "app" / "venv" / "thesis.docx"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"years of work")
    done = subprocess.run(
        [sys.executable, str(bundle / "install.py"), str(tmp_path / "app")],
        env=outside_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"{mine.parent} exists and is not a Convener environment; choose another folder.\n"
    )
    assert mine.read_bytes() == b"years of work"
