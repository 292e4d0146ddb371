"""Shared fixtures: every test runs away from the real user data, on a fresh temp database."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.db.connection import connect
from convener.storage.events import get_event
from convener.storage.imports.dispatch import import_file
from convener.storage.taxonomy import load_taxonomy

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
QUETTA_YAML = FIXTURES / "quetta-dialogue.yaml"
QUETTA_SLUG = "quetta-dialogue"


TEST_PASSPHRASE = "correct horse ✓ it's"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--encrypted",
        action="store_true",
        help="run on SQLCipher-encrypted databases (CONVENER_PASSPHRASE set for every test)",
    )


def encrypted(config: pytest.Config) -> bool:
    return bool(config.getoption("--encrypted"))


# Tests that read a plain database file's raw bytes: an encrypted file never holds them in
# the clear (tests/reliability/test_encryption.py proves that instead).
PLAIN_BYTES_ONLY = {
    "test_deleted_names_leave_the_database_file",
    # These upgrade a committed plain fixture (tests/fixtures/schema-v1.db), which no
    # passphrase opens; tests/reliability/test_encryption.py covers encrypted upgrades.
    "test_the_v1_sample_keeps_its_file_answers",
    "test_upgrade_backfills_stamps_in_the_old_order",
    "test_migration_4_adds_report_fields_to_a_version_1_database",
}


def pytest_configure(config: pytest.Config) -> None:
    """With --encrypted, tests' own `sqlite3.connect` calls (another program reading the
    file) get the key too, as such a program would need it; only byte-level checks differ."""
    if not encrypted(config):
        return
    from convener.storage.db.cipher import available

    if not available():
        pytest.exit("--encrypted needs the sqlcipher3 package", returncode=0)
    os.environ["CONVENER_PASSPHRASE"] = TEST_PASSPHRASE  # for module and session fixtures
    import sqlite3

    from convener.storage.db.cipher import open_encrypted

    plain = sqlite3.connect

    def keyed(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database) == ":memory:" or args:
            return plain(database, *args, **kwargs)
        return open_encrypted(str(database), TEST_PASSPHRASE, **kwargs)

    sqlite3.connect = keyed  # type: ignore[assignment]


# The sync tests that need a plain database: their laptops are in-memory copies made with
# SQLite's backup API (which cannot copy an encrypted file into a plain one), or they use
# the transfer code that only a database without a passphrase is given. The merge rules do
# not depend on encryption; tests/unit/test_sync_bundle.py runs the passphrase mode.
PLAIN_SYNC_MODULES = {"test_sync_rules.py", "test_sync_property.py", "test_sync_cli.py"}
TRANSFER_CODE_ONLY = {"test_an_import_killed_half_way_changes_nothing"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if encrypted(config):
        skip = pytest.mark.skip(reason="reads the raw bytes of a plain (unencrypted) file")
        plain_sync = pytest.mark.skip(reason="sync laptops or a transfer code need a plain file")
        for item in items:
            if item.name in PLAIN_BYTES_ONLY:
                item.add_marker(skip)
            if item.path.name in PLAIN_SYNC_MODULES or item.name in TRANSFER_CODE_ONLY:
                item.add_marker(plain_sync)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME, the XDG folders and CONVENER_DB at a temp dir, so no test touches real data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DOCUMENTS_DIR", "Documents"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("CONVENER_DB", str(home / "default" / "convener.db"))
    for var in ("CONVENER_TAXONOMY", "CONVENER_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    load_taxonomy.cache_clear()
    return home


@pytest.fixture(autouse=True)
def passphrase(
    request: pytest.FixtureRequest, private_home: Path, monkeypatch: pytest.MonkeyPatch
) -> str | None:
    """With --encrypted, every database a test opens is encrypted with TEST_PASSPHRASE."""
    if not encrypted(request.config):
        return None
    pytest.importorskip("sqlcipher3", reason="--encrypted needs sqlcipher3")
    monkeypatch.setenv("CONVENER_PASSPHRASE", TEST_PASSPHRASE)
    return TEST_PASSPHRASE


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "convener.db"


@pytest.fixture(scope="session")
def migrated_template(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Path:
    """A freshly migrated, cleanly closed database, made once and copied for each test.

    Migrating costs tens of fsyncs; copying costs none. Tests of migration itself open their
    own fresh files.
    """
    path = tmp_path_factory.mktemp("template") / "convener.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CONVENER_PASSPHRASE", raising=False)
        if encrypted(pytestconfig):
            mp.setenv("CONVENER_PASSPHRASE", TEST_PASSPHRASE)
        connect(path).close()
    return path


@pytest.fixture
def db(db_path: Path, migrated_template: Path) -> Iterator[Database]:
    """A fresh, migrated database for one test, opened through the one connection factory."""
    shutil.copyfile(migrated_template, db_path)
    db_path.chmod(0o600)  # as Convener makes it (a copy gets the umask's 0644)
    database = connect(db_path)
    yield database
    database.close()


@pytest.fixture
def quetta(db: Database) -> dict[str, Any]:
    """The bundled sample event, imported; returns the event row."""
    import_file(db, QUETTA_YAML)
    return get_event(db, QUETTA_SLUG)


@pytest.fixture
def karachi_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run as a computer in Pakistan (UTC+5, no DST), so `HH:MM` times convert predictably."""
    before = os.environ.get("TZ")
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
