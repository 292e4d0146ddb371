"""The headless `convener` commands: import, events, backup, restore, and their errors."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from convener.storage.attendees import add_attendee
from convener.storage.db.connection import connect
from convener.storage.db.lock import InstanceLock
from convener.storage.db.migrations import LATEST
from convener.storage.events import get_event
from convener.tui.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
QUETTA_YAML = REPO_ROOT / "fixtures" / "quetta-dialogue.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str, *fragments: str, status: int = 1) -> None:
    assert code == status
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("convener: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, err)


def people(path: Path) -> set[str]:
    with sqlite3.connect(path) as raw:
        names = {r[0] for r in raw.execute("SELECT name FROM people")}
    raw.close()
    return names


@pytest.fixture
def empty_db(tmp_path: Path, migrated_template: Path) -> Path:
    """An empty, migrated database (copied: migrating a new file each time is slow)."""
    path = tmp_path / "live" / "convener.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def imported(empty_db: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = empty_db
    code, _, _ = run(capsys, "--db", path, "import", QUETTA_YAML)
    assert code == 0
    return path


def test_import_then_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "convener.db"
    code, out, err = run(capsys, "--db", db_path, "import", QUETTA_YAML)
    assert (code, err) == (0, "")
    assert out.startswith(
        "Provincial Dialogue on Human Trafficking and Irregular Migration (quetta-dialogue): "
        "imported."
    )
    assert "people: 41 new" in out
    code, out, err = run(capsys, "--db", db_path, "events")
    assert (code, err) == (0, "")
    [line] = out.splitlines()
    fields = line.split("\t")
    assert fields[:4] == ["quetta-dialogue", "2025-05-14", "ended", "37/41 checked in"]
    assert fields[5] == "Serena Hotel, Quetta"


def test_relative_path_from_the_repo(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    code, out, _ = run(capsys, "--db", tmp_path / "c.db", "import", "fixtures/quetta-dialogue.yaml")
    assert code == 0
    assert "(quetta-dialogue): imported." in out


def test_importing_again_is_already_up_to_date(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", imported, "import", QUETTA_YAML)
    assert (code, err) == (0, "")
    assert "(quetta-dialogue): already up to date." in out
    assert "people: 0 new, 0 updated, 41 unchanged" in out


def test_events_on_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", tmp_path / "c.db", "events")
    assert code == 0
    assert out.startswith("No events yet.")


def test_sample_loads_the_event_and_its_practice_copy(
    empty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", empty_db, "sample")
    assert (code, err) == (0, "")
    full, practice = out.splitlines()
    assert full.startswith(
        "Provincial Dialogue on Human Trafficking and Irregular Migration (quetta-dialogue): "
        "imported."
    )
    assert practice.startswith("Practice: Provincial Dialogue on Human Trafficking")
    assert "(quetta-dialogue-practice): imported." in practice
    code, out, _ = run(capsys, "--db", empty_db, "events")
    listed = {line.split("\t")[0]: line.split("\t")[3] for line in out.splitlines()}
    assert listed == {
        "quetta-dialogue": "37/41 checked in",
        "quetta-dialogue-practice": "0/41 checked in",
    }
    # Loading it again adds nothing and keeps the practice check-ins.
    code, out, _ = run(capsys, "--db", empty_db, "sample")
    assert code == 0
    again = out.splitlines()
    assert len(again) == 2
    assert all("): already up to date. " in line and " new," in line for line in again)
    assert all(" 1 new" not in line and "41 new" not in line for line in again)


def test_read_only_events(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = imported.read_bytes()
    code, out, _ = run(capsys, "--db", imported, "--read-only", "events")
    assert code == 0
    assert "37/41 checked in" in out
    assert imported.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("missing.yaml", None, ("missing.yaml", "no such file")),
        ("bad.yaml", "convener: 1\nevent: [unclosed\n", ("bad.yaml", "line 3")),
        ("tabs.yaml", "convener: 1\n\tevent: x\n", ("tabs.yaml", "line 2")),
        ("alias.yaml", "convener: 1\nx: &a 1\ny: *a\n", ("anchors and aliases",)),
        ("version.yaml", "convener: 9\n", ("version.yaml:1: convener", "convener: 1")),
        (
            "gender.yaml",
            "convener: 1\nevent: {title: T, date: '2025-05-14'}\n"
            "attendees:\n  - name: A\n    gender: fmale\n",
            ("gender.yaml:5: attendees[0].gender: expected one of", "got 'fmale'"),
        ),
        ("list.pdf", "%PDF", ("unsupported file type .pdf",)),
        ("people.csv", "Name\nA\n", ("--event",)),
    ],
)
def test_import_errors_are_one_line_without_traceback(
    tmp_path: Path,
    empty_db: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | None,
    fragments: tuple[str, ...],
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_text(content, encoding="utf-8")
    db_path = empty_db
    code, out, err = run(capsys, "--db", db_path, "import", source)
    assert_one_line_error(code, out, err, *fragments)
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    raw.close()


def test_import_into_unknown_event(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.yaml"
    source.write_text("convener: 1\nattendees:\n  - name: A\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", imported, "import", source, "--event", "nope")
    assert_one_line_error(code, out, err, "no event 'nope'")


def test_import_slug_clash_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from convener.storage.events import create_event

    db_path = tmp_path / "c.db"
    with connect(db_path) as db:
        create_event(db, {"title": "Mine", "date": "2025-01-01", "slug": "quetta-dialogue"})
    code, out, err = run(capsys, "--db", db_path, "import", QUETTA_YAML)
    assert_one_line_error(code, out, err, "slug", "Nothing was imported", status=2)


@pytest.mark.parametrize("content", [b"just some notes\n", b"\x00\x01\x02" * 500])
@pytest.mark.parametrize("command", ["events", "import"])
def test_database_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, command: str
) -> None:
    db_path = tmp_path / "notes.txt"
    db_path.write_bytes(content)
    argv: list[str | Path] = ["--db", db_path, command]
    if command == "import":
        argv.append(QUETTA_YAML)
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, out, err, str(db_path))
    assert db_path.read_bytes() == content


def test_newer_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "c.db"
    connect(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST + 1}")
    raw.close()
    code, out, err = run(capsys, "--db", db_path, "events")
    assert_one_line_error(code, out, err, "newer")


def test_convener_db_env_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env_db = tmp_path / "from-env" / "convener.db"
    monkeypatch.setenv("CONVENER_DB", str(env_db))
    code, _, _ = run(capsys, "import", QUETTA_YAML)
    assert code == 0
    assert len(people(env_db)) == 41
    code, out, _ = run(capsys, "events")
    assert "quetta-dialogue" in out
    code, out, _ = run(capsys, "--db", tmp_path / "other.db", "events")  # --db wins
    assert out.startswith("No events yet.")


def test_default_database_lives_in_the_user_data_dir(
    private_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CONVENER_DB")
    code, _, _ = run(capsys, "import", QUETTA_YAML)
    assert code == 0
    expected = private_home / ".local" / "share" / "convener" / "convener.db"
    assert expected.is_file()
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600
    assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700


# --- backup and restore --------------------------------------------------------------------


def integrity(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        status = raw.execute("PRAGMA integrity_check").fetchone()[0]
    raw.close()
    return str(status)


def test_backup_to_dest(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "usb" / "sub" / "backup.db"
    code, out, err = run(capsys, "--db", imported, "backup", dest)
    assert (code, err) == (0, "")
    assert out.strip() == str(dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert stat.S_IMODE(dest.parent.stat().st_mode) == 0o700
    assert integrity(dest) == "ok"
    assert len(people(dest)) == 41
    assert not Path(f"{dest}-wal").exists()  # a single self-contained file
    assert list(dest.parent.iterdir()) == [dest]  # no .partial left behind


def test_backup_default_location(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", imported, "backup")
    assert code == 0
    dest = Path(out.strip())
    assert dest.parent == imported.parent / "backups"
    assert dest.name.startswith("convener-") and dest.suffix == ".db"
    assert integrity(dest) == "ok"


def test_backup_of_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.db"
    code, out, err = run(capsys, "--db", missing, "backup", tmp_path / "b.db")
    assert_one_line_error(code, out, err, "no such database")
    assert not missing.exists()


def crashed_copy(source: Path, dest_dir: Path) -> Path:
    """A copy of `source` as a crash leaves it: a -wal holding a commit not yet in the file."""
    with connect(source) as db:
        event = get_event(db, "quetta-dialogue")
        add_attendee(db, event["id"], {"name": "Stale Wal Person"})
        dest_dir.mkdir()
        for suffix in ("", "-wal", "-shm"):
            shutil.copy(f"{source}{suffix}", dest_dir / f"{source.name}{suffix}")
    return dest_dir / source.name


def test_restore_replaces_the_database_and_keeps_the_old_one(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "backup.db"
    assert run(capsys, "--db", imported, "backup", backup)[0] == 0
    target = crashed_copy(imported, tmp_path / "crashed")
    assert Path(f"{target}-wal").stat().st_size > 0
    control = crashed_copy(target, tmp_path / "control")  # proves the stale WAL holds the row
    assert "Stale Wal Person" in people(control)

    code, out, err = run(capsys, "--db", target, "restore", backup)
    assert (code, err) == (0, "")
    assert out.startswith(f"restored {target} from {backup}")
    names = people(target)
    assert len(names) == 41
    assert "Stale Wal Person" not in names  # the old WAL was not replayed onto the backup
    assert integrity(target) == "ok"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    [kept] = target.parent.glob(f"{target.name}.before-restore-*")
    assert str(kept) in out
    assert "Stale Wal Person" in people(kept)  # nothing lost: the WAL's commit is in the copy
    assert integrity(kept) == "ok"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    with connect(target) as db:  # and the app opens it normally afterwards
        assert get_event(db, "quetta-dialogue")["title"].startswith("Provincial")


def test_restore_refuses_a_non_database(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database at all" * 100)
    before = people(imported)
    code, out, err = run(capsys, "--db", imported, "restore", bogus)
    assert_one_line_error(code, out, err, str(bogus))
    assert people(imported) == before
    assert list(imported.parent.glob("*.before-restore-*")) == []


def test_restore_of_missing_backup(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", imported, "restore", tmp_path / "nope.db")
    assert_one_line_error(code, out, err, "no such backup file")


def test_restore_while_convener_is_running(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    backup = tmp_path / "backup.db"
    assert run(capsys, "--db", imported, "backup", backup)[0] == 0
    lock = InstanceLock(imported)
    assert lock.acquire() is None
    try:
        code, out, err = run(capsys, "--db", imported, "restore", backup)
    finally:
        lock.release()
    assert_one_line_error(code, out, err, f"in use by process {os.getpid()}")


def test_error_through_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("convener: 1\nevent: [unclosed\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from convener.tui.cli import main; sys.exit(main())",
            "--db",
            str(tmp_path / "c.db"),
            "import",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"convener: {bad}")
    assert len(result.stderr.splitlines()) == 1
