"""Where Convener keeps its files; resolved when asked, never at import time."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "convener"
DB_ENV = "CONVENER_DB"
BUNDLED_PACKAGE = "convener.fixtures"


def data_dir() -> Path:
    """The per-user data directory (e.g. `~/.local/share/convener`)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """`CONVENER_DB` if set, else `convener.db` in the user data directory."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / "convener.db"


def documents_dir() -> Path:
    """The user's documents folder (`~/Documents`, Windows' Documents), existing or not."""
    return Path(platformdirs.user_documents_dir())


def default_export_dir(slug: str) -> Path:
    """`Documents/Convener/<event>/`: where a coordinator looks for the report (created on
    export if Documents does not exist yet, never hidden under the data folder)."""
    return documents_dir() / "Convener" / slug


# Folder names that sync desktop clients put in a path (OneDrive, Dropbox, Google Drive,
# iCloud, Box, pCloud, MEGA): whatever is written below them leaves the laptop. A name may be
# followed by " - Organisation" or " (Personal)", never run into another word.
_CLOUD_FOLDER = re.compile(
    r"(onedrive|dropbox|google ?drive|my drive|icloud drive|mobile documents|box sync|"
    r"box|pcloud drive|megasync)([ -].*)?|icloud~.*",
    re.IGNORECASE,
)


def cloud_synced(path: Path) -> str | None:
    """The name of the cloud-sync folder `path` lies in (as seen from the path), or None."""
    for part in path.expanduser().parts:
        if _CLOUD_FOLDER.fullmatch(part):
            return part
    return None


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and parents) as 0700; an existing folder is left as the user set it."""
    if path.exists():
        return
    ensure_private_dir(path.parent)
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)


def bundled_file(name: str) -> Path:
    """A file shipped inside the package (the default taxonomy, the sample event).

    Read through importlib.resources, so an installed wheel finds its own copy wherever
    pip, pipx or the offline bundle put it, not a path next to the source tree.
    """
    return Path(str(files(BUNDLED_PACKAGE).joinpath(name)))


def default_backup_path(db_path: Path) -> Path:
    """`backups/convener-<UTC stamp>.db` next to the database."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return db_path.parent / "backups" / f"{db_path.stem}-{stamp}.db"
