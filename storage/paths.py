"""Where Convener keeps its files; resolved when asked, never at import time."""

from __future__ import annotations

import os
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


def default_export_dir(slug: str) -> Path:
    """A folder per event under the user's documents (or data dir when there is none)."""
    docs = Path(platformdirs.user_documents_dir())
    base = docs if docs.is_dir() else data_dir()
    return base / "Convener" / slug


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
