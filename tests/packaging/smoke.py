"""The headless smoke test every installed Convener must pass, from outside the repository.

Loads the bundled sample, lists the events, exports every format, and checks that the
installation holds only the `convener` namespace: `storage`, `tui` and `fixtures` must not
import, `convener.storage` must, from the installation and not from this checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SLUG = "quetta-dialogue"
TITLE = "Provincial Dialogue on Human Trafficking and Irregular Migration"
FORMATS = "md,docx,pdf,csv,xlsx,json"  # every format the registry writes


def outside_env() -> dict[str, str]:
    """This test's environment (private HOME) without anything pointing into the checkout."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k not in drop}


def run(
    command: Sequence[str | Path], cwd: Path, wrap: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*wrap, *map(str, command)],
        cwd=cwd,
        env=outside_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def smoke(convener: Path, python: Path, workdir: Path, wrap: Sequence[str] = ()) -> None:
    """Run the installed `convener` as a coordinator's script would; assert what it gives."""
    assert not workdir.resolve().is_relative_to(REPO_ROOT)
    db = workdir / "data" / "convener.db"

    done = run([convener, "--db", db, "sample"], workdir, wrap)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    full, practice = done.stdout.splitlines()
    assert full.startswith(f"{TITLE} ({SLUG}): imported. ")
    assert practice.startswith(f"Practice: {TITLE} ({SLUG}-practice): imported. ")

    done = run([convener, "--db", db, "events"], workdir, wrap)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in done.stdout.splitlines()}
    assert set(rows) == {SLUG, f"{SLUG}-practice"}
    assert rows[SLUG][1:4] == ["2025-05-14", "ended", "37/41 checked in"]

    out = workdir / "export"
    done = run(
        [convener, "--db", db, "export", SLUG, "--format", FORMATS, "--out", out],
        workdir,
        wrap,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    written = sorted(Path(line).name for line in done.stdout.splitlines())
    assert written == [
        f"{SLUG}-attendance.csv",
        f"{SLUG}-attendance.xlsx",
        f"{SLUG}-summary.docx",
        f"{SLUG}-summary.md",
        f"{SLUG}-summary.pdf",
        f"{SLUG}.json",
    ]
    assert all((out / name).stat().st_size > 0 for name in written)
    assert (out / f"{SLUG}-summary.md").read_text("utf-8").startswith(f"# {TITLE}\n")
    csv = (out / f"{SLUG}-attendance.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfname,designation,organisation,")
    assert len(csv.decode("utf-8-sig").splitlines()) > 30
    with zipfile.ZipFile(out / f"{SLUG}-summary.docx") as docx:
        assert TITLE in docx.read("word/document.xml").decode("utf-8")
    # The PDF needs the bundled fonts: package data the wheel must carry.
    assert (out / f"{SLUG}-summary.pdf").read_bytes().startswith(b"%PDF-")
    with zipfile.ZipFile(out / f"{SLUG}-attendance.xlsx") as xlsx:
        assert "xl/workbook.xml" in xlsx.namelist()
    document = json.loads((out / f"{SLUG}.json").read_text("utf-8"))
    assert document["event"]["title"] == TITLE

    for name in ("storage", "tui", "fixtures"):
        done = run([python, "-c", f"import {name}"], workdir, wrap)
        assert done.returncode == 1
        assert f"ModuleNotFoundError: No module named '{name}'" in done.stderr
    where = "import convener.storage as s, convener.tui, convener.fixtures; print(s.__file__)"
    done = run([python, "-c", where], workdir, wrap)
    assert done.returncode == 0, done.stderr
    installed = Path(done.stdout.strip()).resolve()
    assert installed.is_relative_to(python.parent.parent.resolve()), installed
    assert "site-packages" in installed.parts
