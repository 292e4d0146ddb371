"""The wheel, installed the ordinary way (not editable) into a fresh environment, works
from a folder outside the repository: an editable install would hide missing package data."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.packaging.smoke import smoke

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]


def test_wheel_holds_one_namespace_and_its_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if not name.startswith("convener-")}
    assert tops == {"convener"}
    for data in (
        "convener/fixtures/taxonomy.yaml",
        "convener/fixtures/quetta-dialogue.yaml",
        "convener/tui/convener.tcss",
        "convener/tui/py.typed",
        "convener/storage/py.typed",
    ):
        assert data in names


def test_installed_wheel_runs_from_outside_the_repository(wheel_venv: Path, tmp_path: Path) -> None:
    smoke(wheel_venv / "bin" / "convener", wheel_venv / "bin" / "python", tmp_path)
