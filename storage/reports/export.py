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
from typing import TYPE_CHECKING, Any

from convener.storage import paths
from convener.storage.errors import ConvenerError, ValidationError
from convener.storage.reports.formats import ALIASES, BY_NAME, NAMES
from convener.storage.reports.levels import LEVELS, PUBLIC, Level
from convener.storage.reports.outline import Outline
from convener.storage.reports.report_outline import report_outline
from convener.storage.reports.summary import Summary, build_summary

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMATS = NAMES  # every format Convener writes, in the registry's order
# What `atomic_write` names its temp file (tempfile.mkstemp: 8 random characters).
_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")

# Called with (done, total) while a long file renders; raising from it cancels the export.
Progress = Callable[[int, int], None]


def parse_formats(text: str) -> tuple[str, ...]:
    """`md,csv` as ("md", "csv"); unknown names raise ValidationError for `--format`."""
    wanted: list[str] = []
    problems: list[str] = []
    for part in text.split(","):
        name = part.strip().lower().lstrip(".")
        name = ALIASES.get(name, name)
        if not name:
            continue
        if name not in BY_NAME:
            problems.append(f"unknown format {part.strip()!r}; choose from {', '.join(NAMES)}")
        elif name not in wanted:
            wanted.append(name)
    if not wanted and not problems:
        problems.append(f"name at least one format: {', '.join(NAMES)}")
    if problems:
        raise ValidationError("--format", problems)
    return tuple(wanted)


def file_stem(slug: str) -> str:
    """The slug made safe as a file name (an imported slug could hold `/` or `..`)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-") or "event"


def file_name(slug: str, suffix: str, *, level: Level = PUBLIC) -> str:
    """`quetta-summary.md`, or `quetta-summary-VERIFICATION.md` for a restricted level."""
    stem, dot, extension = suffix.rpartition(".")
    return f"{file_stem(slug)}{stem}{level.marker}{dot}{extension}"


def render_files(
    summary: Summary, formats: Sequence[str], progress: Progress | None = None
) -> list[tuple[str, bytes]]:
    """(file name, bytes) for each format, the report outline built once for all of them."""
    outline = None
    rendered = []
    for fmt in formats:
        if fmt not in BY_NAME:
            raise ValidationError("--format", [f"unknown format {fmt!r}"])
        entry = BY_NAME[fmt]
        if entry.kind == "outline":
            outline = outline or report_outline(summary)
            data = _render_outline(entry.name, outline, progress)
        else:
            data = entry.load()(summary)
        rendered.append((file_name(summary.facts.slug, entry.suffix, level=summary.level), data))
    return rendered


def _render_outline(name: str, outline: Outline, progress: Progress | None) -> bytes:
    render: Any = BY_NAME[name].load()
    if name == "pdf" and progress is not None:  # pages are laid out one by one: say so
        data: bytes = render(outline, progress=progress)
        return data
    return bytes(render(outline))


def export_event(
    db: Database,
    event_ref: str,
    formats: Sequence[str],
    *,
    out_dir: Path | None = None,
    level: Level | str = PUBLIC,
    unredacted: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the chosen files for the event at a privacy level and return their paths.

    The default folder is one per event under the user's documents. An unwritable folder
    raises ConvenerError saying so, with nothing half-written left in it.
    """
    summary = build_summary(db, event_ref, level=level, unredacted=unredacted)
    return write_files(summary.facts.slug, render_files(summary, formats, progress), out_dir)


def write_files(
    slug: str, rendered: Sequence[tuple[str, bytes]], out_dir: Path | None
) -> list[Path]:
    """Write rendered files atomically into `out_dir` (default: the event's own folder)."""
    folder = out_dir.expanduser() if out_dir else paths.default_export_dir(file_stem(slug))
    written = []
    try:
        paths.ensure_private_dir(folder)
        if not folder.is_dir():
            raise NotADirectoryError(20, "not a folder")
        sweep_temp_files(folder, _all_names(slug))
        for name, data in rendered:
            written.append(atomic_write(folder / name, data))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConvenerError(f"cannot write to {folder}: {reason}; choose another folder") from exc
    return written


def _all_names(slug: str) -> set[str]:
    """Every file name an export of this event can have, at every level."""
    return {
        file_name(slug, entry.suffix, level=level)
        for entry in BY_NAME.values()
        for level in LEVELS.values()
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
