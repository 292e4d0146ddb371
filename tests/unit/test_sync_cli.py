"""`convener device clone/adopt` and `convener sync export/import` as a coordinator types them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from convener.storage.checkins import check_in
from convener.storage.db.connection import connect
from convener.storage.notes import add_note
from convener.tui.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
QUETTA_YAML = REPO_ROOT / "fixtures" / "quetta-dialogue.yaml"
CODE = re.compile(r"transfer code \(type it on the other laptop\): (\S+)")


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def device(path: Path) -> str:
    with connect(path, read_only=True) as db:
        return str(db.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()[0])


def test_two_doors_clone_adopt_and_merge_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    door1, door2, usb = tmp_path / "1" / "c.db", tmp_path / "2" / "c.db", tmp_path / "usb"
    assert run(capsys, "--db", door1, "import", QUETTA_YAML)[0] == 0
    code, out, err = run(
        capsys, "--db", door1, "device", "clone", "quetta", "--out", usb / "q.cvsync"
    )
    assert code == 0 and "wrote clone file" in out, err
    clone_code = CODE.search(out).group(1)  # type: ignore[union-attr]
    code, out, err = run(
        capsys, "--db", door2, "device", "adopt", usb / "q.cvsync", "--code", clone_code
    )
    assert code == 0, err
    assert "adopted quetta-dialogue" in out and "new: 4 action items" in out
    assert device(door1) != device(door2)

    with connect(door1) as one, connect(door2) as two:
        event = one.execute("SELECT id FROM events").fetchone()[0]
        late = one.execute(
            "SELECT r.person_id FROM registrations r WHERE r.event_id = ? AND r.person_id NOT IN"
            " (SELECT person_id FROM checkins) ORDER BY r.person_id LIMIT 1",
            [event],
        ).fetchone()[0]
        check_in(one, event, late)  # the same late arrival at both doors
        check_in(two, event, late)
        add_note(one, event, {"text": "Door 1: the hall is full"})
        add_note(two, event, {"text": "Door 2: چائے ختم ہو گئی"})

    codes = []
    for db in (door1, door2):
        code, out, err = run(capsys, "--db", db, "sync", "export", "quetta", "--to", usb)
        assert code == 0, err
        codes.append(CODE.search(out).group(1))  # type: ignore[union-attr]
    bundles = sorted(usb.glob("quetta-dialogue.*.cvsync"))
    assert len(bundles) == 2
    from1 = next(b for b in bundles if device(door1)[:8] in b.name)
    from2 = next(b for b in bundles if device(door2)[:8] in b.name)
    code, out2, err = run(capsys, "--db", door2, "sync", "import", from1, "--code", codes[0])
    assert code == 0, err
    assert "new: 1 check-in, 1 note" in out2
    assert "1 check-in at a second door undone by merge" in out2
    code, out1, err = run(capsys, "--db", door1, "sync", "import", from2, "--code", codes[1])
    assert code == 0, err
    prints = {line for line in (out1 + out2).splitlines() if "fingerprint" in line}
    assert len(prints) == 1
    with connect(door1, read_only=True) as one:
        assert one.execute("SELECT count(*) FROM notes WHERE text LIKE 'Door%'").fetchone() == (2,)
        active = one.execute(
            "SELECT count(*) FROM checkins WHERE person_id = ? AND undone_at IS NULL", [late]
        )
        assert active.fetchone() == (1,)


def test_a_refused_bundle_is_one_sentence_and_the_others_still_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    door1, door2, usb = tmp_path / "1" / "c.db", tmp_path / "2" / "c.db", tmp_path / "usb"
    run(capsys, "--db", door1, "import", QUETTA_YAML)
    out = run(capsys, "--db", door1, "device", "clone", "quetta", "--out", usb / "q.cvsync")[1]
    clone_code = CODE.search(out).group(1)  # type: ignore[union-attr]
    run(capsys, "--db", door2, "device", "adopt", usb / "q.cvsync", "--code", clone_code)
    out = run(capsys, "--db", door1, "sync", "export", "quetta", "--to", usb)[1]
    good = sorted(usb.glob("quetta-dialogue.*.cvsync"))[0]
    cut = usb / "cut.cvsync"
    cut.write_bytes(good.read_bytes()[:-4096])
    code, out, err = run(
        capsys,
        "--db",
        door2,
        "sync",
        "import",
        cut,
        good,
        "--code",
        CODE.search(out).group(1),  # type: ignore[union-attr]
    )
    assert code == 1
    assert err.count("\n") == 1 and "cut.cvsync is incomplete" in err and "Traceback" not in err
    assert f"{good.name}: merged into quetta-dialogue" in out


def test_without_the_code_and_no_terminal_the_import_says_what_it_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    door1, door2, usb = tmp_path / "1" / "c.db", tmp_path / "2" / "c.db", tmp_path / "usb"
    run(capsys, "--db", door1, "import", QUETTA_YAML)
    run(capsys, "--db", door1, "device", "clone", "quetta", "--out", usb / "q.cvsync")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, out, err = run(capsys, "--db", door2, "device", "adopt", usb / "q.cvsync")
    assert code == 1 and out == ""
    assert "pass --code CODE or set $CONVENER_TRANSFER_CODE" in err and err.count("\n") == 1
    assert not door2.exists()  # nothing made
