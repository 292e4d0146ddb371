"""Writing an event's report files to a folder, safely.

Every file is rendered in memory first, then written atomically (temp file, fsync, rename,
fsync of the folder): a crash or a full disk leaves the previous file or none, never half of
one. A failed write removes its temp file; one left by a killed process is removed by the
next export to that folder. Files are 0600 in a 0700 folder because they can hold names
and phone numbers.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage import paths
from convener.storage.errors import ConvenerError, ValidationError
from convener.storage.reports.attendance_csv import render_attendance_csv
from convener.storage.reports.docx_report import render_docx
from convener.storage.reports.json_export import render_json
from convener.storage.reports.markdown import render_markdown
from convener.storage.reports.summary import Summary, build_summary

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMATS = ("md", "csv", "docx", "json")
_ALIASES = {"markdown": "md", "word": "docx"}
# What `atomic_write` names its temp file (tempfile.mkstemp: 8 random characters).
_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


def parse_formats(text: str) -> tuple[str, ...]:
    """`md,csv` as ("md", "csv"); unknown names raise ValidationError for `--format`."""
    wanted: list[str] = []
    problems: list[str] = []
    for part in text.split(","):
        name = part.strip().lower().lstrip(".")
        name = _ALIASES.get(name, name)
        if not name:
            continue
        if name not in FORMATS:
            problems.append(f"unknown format {part.strip()!r}; choose from {', '.join(FORMATS)}")
        elif name not in wanted:
            wanted.append(name)
    if not wanted and not problems:
        problems.append(f"name at least one format: {', '.join(FORMATS)}")
    if problems:
        raise ValidationError("--format", problems)
    return tuple(wanted)


def _renderers() -> dict[str, tuple[str, Callable[[Summary], bytes]]]:
    """Format -> (file name suffix, renderer); imported lazily so the TUI starts fast."""
    return {
        "md": ("-summary.md", lambda s: render_markdown(s).encode("utf-8")),
        "csv": ("-attendance.csv", render_attendance_csv),
        "docx": ("-summary.docx", render_docx),
        "json": (".json", render_json),
    }


def file_stem(slug: str) -> str:
    """The slug made safe as a file name (an imported slug could hold `/` or `..`)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-") or "event"


def file_name(slug: str, suffix: str, *, unredacted: bool) -> str:
    """`quetta-summary.md`, or `quetta-summary-UNREDACTED.md` when it holds contacts."""
    stem, dot, extension = suffix.rpartition(".")
    marker = "-UNREDACTED" if unredacted else ""
    return f"{file_stem(slug)}{stem}{marker}{dot}{extension}"


def export_event(
    db: Database,
    event_ref: str,
    formats: Sequence[str],
    *,
    out_dir: Path | None = None,
    unredacted: bool = False,
) -> list[Path]:
    """Write the chosen report files for the event and return their paths.

    The default folder is one per event under the user's documents. An unwritable folder
    raises ConvenerError saying so, with nothing half-written left in it.
    """
    summary = build_summary(db, event_ref, unredacted=unredacted)
    renderers = _renderers()
    rendered = []
    for fmt in formats:
        if fmt not in renderers:
            raise ValidationError("--format", [f"unknown format {fmt!r}"])
        suffix, render = renderers[fmt]
        rendered.append(
            (file_name(summary.facts.slug, suffix, unredacted=unredacted), render(summary))
        )
    folder = (
        out_dir.expanduser() if out_dir else paths.default_export_dir(file_stem(summary.facts.slug))
    )
    written = []
    try:
        paths.ensure_private_dir(folder)
        if not folder.is_dir():
            raise NotADirectoryError(20, "not a folder")
        sweep_temp_files(folder, _all_names(summary.facts.slug, renderers))
        for name, data in rendered:
            written.append(atomic_write(folder / name, data))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConvenerError(f"cannot write to {folder}: {reason}; choose another folder") from exc
    return written


def _all_names(slug: str, renderers: dict[str, tuple[str, Callable[[Summary], bytes]]]) -> set[str]:
    return {
        file_name(slug, suffix, unredacted=unredacted)
        for suffix, _ in renderers.values()
        for unredacted in (False, True)
    }


def sweep_temp_files(folder: Path, names: set[str]) -> list[Path]:
    """Remove what an export killed mid-write left: `.NAME.XXXXXXXX.tmp`, a full hidden copy.

    Only temp files of our own naming for these report names are touched; anything else
    in the folder is the user's.
    """
    removed = []
    for entry in folder.iterdir():
        match = _TEMP.fullmatch(entry.name)
        if match and match["name"] in names and not entry.is_symlink() and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def atomic_write(path: Path, data: bytes) -> Path:
    """Replace `path` with `data` all at once, as a 0600 file; the old file survives failure."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp made it 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
