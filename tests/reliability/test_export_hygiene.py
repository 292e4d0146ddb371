"""Exports stay clean whoever wrote the database, and a killed export leaves nothing behind.

Another program can write escape sequences, C1 controls and bidi overrides straight into the
database file; no export (Markdown, CSV, DOCX, JSON) may carry them to the person who opens
it. An export killed between writing its temp file and renaming it leaves a hidden full copy
of the report (`.name.XXXXXXXX.tmp`, names and all); the next export to that folder removes
it, and an export that fails removes its own.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.storage.errors import ConvenerError
from convener.storage.reports.export import FORMATS, export_event
from tests.reliability.exported import docx_text

SLUG = "quetta-dialogue"
# C0 controls but tab, newline and carriage return; DEL; C1; bidi embeddings, overrides, isolates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e\u2066"


def hostile_writes(path: Path) -> None:
    """What another tool might leave: escapes in every kind of text a report shows."""
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "UPDATE people SET name = ? || name || ?, designation = ? || designation"
            " WHERE name = 'Raheela Hameed Durrani'",
            [HOSTILE, "\x1b[0m", HOSTILE],
        )
        con.execute("UPDATE people SET organisation = organisation || ?", ["\x1b[5m"])
        con.execute(
            "UPDATE notes SET text = ? || text || ?, tags = ?", [HOSTILE, "\x85", '["\x1b[1mtag"]']
        )
        con.execute("UPDATE action_items SET what = what || ?, owner_text = ?", [HOSTILE, HOSTILE])
        con.execute("UPDATE agenda_items SET title = title || ?", ["\u202eevil"])
        con.execute("UPDATE events SET title = title || ?, venue = ?", [HOSTILE, "\x1bP+q\x1b\\"])
    con.close()


def json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*json_strings(k), *json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def readable(path: Path) -> str:
    """The file's text as the program that opens it sees it."""
    data = path.read_bytes()
    if path.suffix == ".docx":
        return docx_text(data)
    if path.suffix == ".json":
        return "\n".join(json_strings(json.loads(data)))
    return data.decode("utf-8-sig")


@pytest.mark.parametrize("unredacted", [False, True])
def test_exports_carry_no_control_characters_from_a_foreign_write(
    sample_db: Path, tmp_path: Path, unredacted: bool
) -> None:
    hostile_writes(sample_db)
    with connect(sample_db, read_only=True) as db:
        files = export_event(db, SLUG, FORMATS, out_dir=tmp_path / "out", unredacted=unredacted)
    assert len(files) == 4
    for path in files:
        text = readable(path)
        assert FORBIDDEN.findall(text) == [], path.name
        if path.suffix != ".docx":  # a zip; its words are checked above
            raw = path.read_bytes().decode("utf-8")
            assert FORBIDDEN.findall(raw) == [] and "\\u001b" not in raw, path.name
        assert "Raheela Hameed Durrani" in text  # the words around the escapes survive
    markdown = readable(next(f for f in files if f.suffix == ".md"))
    assert "The government has a comprehensive national strategy" in markdown
    assert "[2J" not in markdown and "owned" not in markdown  # whole sequences, no residue


# --- temp files -------------------------------------------------------------------------------

KILLED_EXPORT = """
import os, signal, sys
from pathlib import Path
from convener.storage.db.connection import connect
from convener.storage.reports import export

def die(*args):  # the power goes between writing the copy and renaming it
    os.kill(os.getpid(), signal.SIGKILL)

os.replace = die
with connect(Path(sys.argv[1]), read_only=True) as db:
    export.export_event(db, "quetta-dialogue", ("md", "json"), out_dir=Path(sys.argv[2]))
"""


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_the_next_export_removes_what_a_killed_one_left(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    mine = [".notes.txt", ".quetta-dialogue-summary.md.tmp", ".other.abcdefgh.tmp"]
    for name in mine:  # the user's own hidden files, which only look alike
        (out / name).write_text("keep me")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_EXPORT, str(sample_db), str(out)],
        capture_output=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = [n for n in hidden(out) if n not in mine]
    assert len(left) == 1 and re.fullmatch(r"\.quetta-dialogue-summary\.md\.\w{8}\.tmp", left[0])
    assert b"Raheela Hameed Durrani" in (out / left[0]).read_bytes()  # a full hidden copy
    with connect(sample_db, read_only=True) as db:
        export_event(db, SLUG, ("csv",), out_dir=out)
    assert hidden(out) == sorted(mine)
    assert all((out / n).read_text() == "keep me" for n in mine)


def test_an_export_that_fails_midway_leaves_no_temp_file_at_all(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    stale = out / ".quetta-dialogue.json.k3j_9x0q.tmp"  # from an export killed last week
    stale.write_text('{"name": "Raheela Hameed Durrani"}')
    real_replace = os.replace
    calls: list[str] = []

    def fail_on_the_second(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_the_second)
    with (
        connect(sample_db, read_only=True) as db,
        pytest.raises(ConvenerError, match="No space left on device"),
    ):
        export_event(db, SLUG, FORMATS, out_dir=out)
    assert [p.name for p in out.iterdir()] == [Path(calls[0]).name]  # one whole file, no .tmp

    def interrupted(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with connect(sample_db, read_only=True) as db, pytest.raises(KeyboardInterrupt):
        export_event(db, SLUG, ("docx",), out_dir=out)
    assert hidden(out) == []
