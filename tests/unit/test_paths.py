"""Where files go: exports in Documents (never hidden), and cloud-synced folders recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.imports.dispatch import import_file
from convener.storage.paths import cloud_synced, default_export_dir
from convener.tui.cli import main
from tests.conftest import QUETTA_YAML


def test_exports_go_to_documents_even_before_it_exists(private_home: Path) -> None:
    documents = private_home / "Documents"
    assert not documents.exists()
    assert default_export_dir("quetta") == documents / "Convener" / "quetta"


@pytest.mark.parametrize(
    ("path", "folder"),
    [
        ("C:/Users/nasreen/OneDrive/Documents/Convener/quetta", "OneDrive"),
        (
            "C:/Users/nasreen/OneDrive - Sahil Foundation/Documents/Convener",
            "OneDrive - Sahil Foundation",
        ),
        ("/home/ali/Dropbox/reports", "Dropbox"),
        ("/home/ali/Dropbox (Personal)/reports", "Dropbox (Personal)"),
        ("G:/My Drive/Convener", "My Drive"),
        ("/Users/sadia/Google Drive/Convener", "Google Drive"),
        ("/Users/sadia/Library/Mobile Documents/iCloud~com~apple/x", "Mobile Documents"),
        ("/Users/sadia/iCloud~com~apple/x", "iCloud~com~apple"),
        ("C:/Users/nasreen/Box/Convener", "Box"),
    ],
)
def test_cloud_synced_folders_are_named(path: str, folder: str) -> None:
    assert cloud_synced(Path(path)) == folder


@pytest.mark.parametrize(
    "path",
    [
        "/home/ali/Documents/Convener/quetta",
        "C:/Users/nasreen/Documents/Convener",
        "/home/ali/dropboxes-old-notes",  # a word that merely starts the same
        "/media/usb/OneDriveBackupNotes",
    ],
)
def test_local_folders_are_not_cloud(path: str) -> None:
    assert cloud_synced(Path(path)) is None


def test_cli_warns_when_a_restricted_export_lands_in_a_cloud_folder(
    db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_file(db, QUETTA_YAML)
    db.close()
    synced = tmp_path / "OneDrive - Sahil Foundation" / "Convener"
    code = main(["--db", str(db_path), "export", "quetta", "--format", "md", "--out", str(synced)])
    _, err = capsys.readouterr()
    assert code == 0 and err == ""  # the public level names only who agreed
    argv = ["--db", str(db_path), "export", "quetta", "--level", "full", "--format", "md"]
    code = main([*argv, "--out", str(synced)])
    _, err = capsys.readouterr()
    assert code == 0
    assert err.startswith("convener: warning: ") and "OneDrive - Sahil Foundation" in err
    assert len(err.splitlines()) == 1
