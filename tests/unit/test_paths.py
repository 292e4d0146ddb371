"""Where files go: exports in Documents (never hidden), and cloud-synced folders recognised."""

from __future__ import annotations

from pathlib import Path

import pytest

from convener.storage.paths import cloud_synced, default_export_dir


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
