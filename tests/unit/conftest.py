"""Fixtures shared by the summary and export tests: the sample imported once per session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from convener.storage.db.connection import checkpoint, connect
from convener.storage.imports.dispatch import import_file

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "quetta-dialogue.yaml"


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample event imported once, in Quetta's time zone; each test works on a copy."""
    path = tmp_path_factory.mktemp("template") / "quetta.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Asia/Karachi")
        time.tzset()
        database = connect(path)
        import_file(database, SAMPLE)
        checkpoint(database)
        database.close()
    time.tzset()
    yield path
