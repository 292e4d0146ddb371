"""The advised salvage: `convener --read-only --db damaged.db export EVENT` on real damage.

A copy of a real database gets one page overwritten, as `dd` would; the export then writes
what is still readable, table by table, says on stderr what it could not read, and never
prints a traceback. The notes' text must come out whole.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from tests.reliability.harness import CONVENER, REPO_ROOT, child_env


def root_page(path: Path, name: str) -> tuple[int, int]:
    """(offset, size) of the root page of the table or index `name`."""
    with connect(path, read_only=True) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()
        size = db.execute("PRAGMA page_size").fetchone()[0]
    return (root[0] - 1) * size, size


def dd(path: Path, offset: int, data: bytes) -> None:
    """Overwrite bytes in place, as `dd conv=notrunc` does."""
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def export(db: Path, slug: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CONVENER, "--read-only", "--db", str(db), "export", slug, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=child_env(),
        timeout=120,
    )


@pytest.mark.parametrize(
    ("damaged", "said"),
    [
        ("notes_event_hlc", ""),  # an index (the one notes are read by): rebuilt, nothing lost
        ("action_items", "table action_items"),  # a table: its rows are lost, and said
    ],
)
def test_export_from_a_damaged_copy_saves_the_notes(
    sample_db: Path, events: dict[str, dict[str, Any]], tmp_path: Path, damaged: str, said: str
) -> None:
    full = events["full"]
    healthy = export(sample_db, full["slug"], tmp_path / "healthy")
    assert healthy.returncode == 0, healthy.stderr
    expected = json.loads((tmp_path / "healthy" / f"{full['slug']}.json").read_text("utf-8"))
    copy = tmp_path / "damaged.db"
    copy.write_bytes(sample_db.read_bytes())
    offset, size = root_page(copy, damaged)
    dd(copy, offset, random.Random(11).randbytes(size))
    before = copy.read_bytes()

    done = export(copy, full["slug"], tmp_path / "out")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert "the database is damaged" in done.stderr
    if said:
        assert said in done.stderr
    summary = (tmp_path / "out" / f"{full['slug']}-summary.md").read_text(encoding="utf-8")
    exported = json.loads((tmp_path / "out" / f"{full['slug']}.json").read_text(encoding="utf-8"))
    assert len(expected["notes"]) > 20
    assert exported["notes"] == expected["notes"]  # every note, word for word
    assert expected["notes"][0]["text"] in summary
    if said:
        assert exported["action_items"] == []
    else:
        assert exported["action_items"] == expected["action_items"]
    assert copy.read_bytes() == before  # salvage reads; it never writes

    # Beyond saving: with the schema page itself gone, one sentence per line, no traceback.
    data = bytearray(before)
    data[100:4096] = random.Random(5).randbytes(4096 - 100)
    copy.write_bytes(bytes(data))
    done = export(copy, full["slug"], tmp_path / "out2")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert all(line.startswith("convener: ") for line in done.stderr.strip().splitlines())
