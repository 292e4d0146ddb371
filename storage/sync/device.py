"""Preparing another laptop for one event: a clone file out, adopted with its own device id.

A clone is a bundle of one event (kind "clone"): the other laptop adopts it into its own
database, which has (or is given) its own device id, so the two laptops never stamp rows
with the same id and their bundles merge later.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage.sync.bundle import Exported, export_bundle, import_bundle
from convener.storage.sync.merge import MergeReport

if TYPE_CHECKING:
    from sqlite_utils import Database


def clone_event(db: Database, event_ref: str, out: Path, *, passphrase: str | None) -> Exported:
    """Write the event to `out` for another laptop (`convener device adopt` takes it)."""
    folder = out.parent if out.suffix else out
    written = export_bundle(db, event_ref, folder, passphrase=passphrase, kind="clone")
    if out.suffix:
        os.replace(written.path, out)
        return Exported(out, written.code)
    return written


def adopt_clone(db: Database, path: Path, key: str) -> tuple[dict[str, Any], MergeReport]:
    """Take a clone (or a bundle) of an event this laptop does not have yet."""
    return import_bundle(db, path, key, adopt=True)
