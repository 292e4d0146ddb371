"""The hybrid logical clock: a clock moved back mid-session reorders nothing and is reported.

The computer's clock is faked; everything else is real: notes and check-ins go through the
storage functions the screens use, the order is read back from the timeline query and from
the bytes of the exported Markdown and JSON, and the upgrade runs on the v1 fixture file.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.attendees import add_attendee
from convener.storage.checkins import check_in, last_check_in
from convener.storage.db.connection import connect
from convener.storage.events import create_event
from convener.storage.hlc import HybridClock, Stamp
from convener.storage.notes import add_note, edit_note, list_notes, note_history
from convener.storage.reports.export import export_event
from convener.storage.rows import hlc_clock

T0 = 1_747_200_000.0  # 2025-05-14 05:20 UTC: 10:20 in Quetta
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class FakeWall:
    """The computer's clock, which a test can set like a coordinator would."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


class FakeElapsed(FakeWall):
    """The clock nobody can set (seconds since boot)."""


@pytest.fixture
def quetta() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Asia/Karachi")
        time.tzset()
        yield
    time.tzset()


# --- the clock alone -------------------------------------------------------------------------


def test_stamps_never_go_backwards_when_the_wall_clock_does() -> None:
    wall, elapsed = FakeWall(T0), FakeElapsed(100.0)
    clock = HybridClock("laptop-a", wall=wall, elapsed=elapsed)
    first, jump = clock.now()
    assert jump is None and first == Stamp(int(T0 * 1000), 0, "laptop-a")
    wall.tick(-3600)  # set back an hour
    elapsed.tick(1)
    second, jump = clock.now()
    assert second > first and str(second) > str(first)
    assert second == Stamp(first.wall_ms, 1, "laptop-a")
    assert jump is not None and jump.seconds == pytest.approx(-3600)
    wall.tick(1)
    elapsed.tick(1)
    third, again = clock.now()
    assert third > second and again is None  # one jump, reported once


def test_a_jump_forward_within_a_run_is_noticed_and_time_passing_is_not() -> None:
    wall, elapsed = FakeWall(T0), FakeElapsed(100.0)
    clock = HybridClock("laptop-a", wall=wall, elapsed=elapsed)
    clock.now()
    wall.tick(3 * 3600)  # three hours of a long session: both clocks move
    elapsed.tick(3 * 3600)
    assert clock.now()[1] is None
    wall.tick(86_400)  # a day forward, in a second
    elapsed.tick(1)
    stamp, jump = clock.now()
    assert jump is not None and jump.seconds == pytest.approx(86_400 - 1, abs=1)
    assert stamp.wall_ms == int(wall.now * 1000)


def test_text_order_is_stamp_order() -> None:
    stamps = [
        Stamp(999, 2, "b"),
        Stamp(1_000, 0, "a"),
        Stamp(999, 10, "a"),
        Stamp(1_747_200_000_000, 0, "a"),
        Stamp(999, 2, "a"),
    ]
    assert sorted(stamps) == sorted(stamps, key=str)
    assert all(Stamp.parse(str(s)) == s for s in stamps)
    with pytest.raises(ValueError):
        Stamp.parse("2025-05-14T05:20:00Z")


def test_a_received_stamp_is_followed_by_later_ones() -> None:
    """What sync (issue 15) will do with another laptop's records."""
    clock = HybridClock("laptop-a", wall=FakeWall(T0), elapsed=FakeElapsed(0))
    remote = Stamp(int(T0 * 1000) + 60_000, 7, "laptop-b")  # its clock is a minute ahead
    received = clock.receive(remote)
    assert received > remote
    assert clock.now()[0] > received


# --- in the database -------------------------------------------------------------------------


def event_with_speaker(db: Database) -> tuple[str, str]:
    event = create_event(db, {"title": "Provincial Dialogue", "date": "2025-05-14"})
    person = add_attendee(db, event["id"], {"name": "Gul Bano", "consent_name": "yes"})
    return event["id"], person["id"]


def fake_clock(db: Database, now: float) -> tuple[FakeWall, FakeElapsed]:
    clock = hlc_clock(db)
    wall, elapsed = FakeWall(now), FakeElapsed(1_000.0)
    clock.wall, clock.elapsed = wall, elapsed
    return wall, elapsed


def test_clock_moved_back_mid_session_keeps_notes_in_order_everywhere(
    tmp_path: Path, quetta: None
) -> None:
    db = connect(tmp_path / "c.db")
    # The fake clock from the start: creating the event stamps rows too (sync_hlc).
    wall, elapsed = fake_clock(db, T0)
    event_id, speaker = event_with_speaker(db)
    first = add_note(
        db, event_id, {"text": "First: the shelter has no budget", "speaker_id": speaker}
    )
    wall.tick(-2 * 3600)  # someone "fixes" the clock: back two hours
    elapsed.tick(30)
    second = add_note(db, event_id, {"text": "Second: FIA will share the list"})
    assert second["noted_at"] < first["noted_at"]  # the wall clock says so...
    texts = [n["text"] for n in list_notes(db, event_id)]
    assert texts == [first["text"], second["text"]]  # ...the timeline does not

    out = tmp_path / "out"
    paths = export_event(db, event_id, ("md", "json"), out_dir=out)
    md = next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")
    assert md.index("First: the shelter") < md.index("Second: FIA")
    assert "## A note on times" in md
    assert "The computer's clock jumped back by 2 h 00 min at 2025-05-14 08:20" in md
    data = json.loads(next(p for p in paths if p.suffix == ".json").read_bytes())
    assert [n["text"] for n in data["notes"]] == [first["text"], second["text"]]
    [jump] = data["clock_jumps"]
    assert jump["seconds"] == pytest.approx(-7200, abs=31)
    db.close()


def test_a_restart_never_goes_backwards(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = connect(path)
    fake_clock(db, T0)
    event_id, person_id = event_with_speaker(db)
    before = check_in(db, event_id, person_id).attendee
    db.close()
    again = connect(path)  # the next morning, with the clock wrongly an hour behind
    fake_clock(again, T0 - 3600)
    note = add_note(again, event_id, {"text": "After the restart"})
    stored = again.execute("SELECT hlc FROM checkins WHERE id = ?", [before["checkin_id"]])
    assert note["hlc"] > stored.fetchone()[0]
    jumps = again.execute("SELECT detail FROM audit WHERE action = 'clock_jump'").fetchall()
    assert len(jumps) == 1 and json.loads(jumps[0][0])["seconds"] == pytest.approx(-3600)
    again.close()


def test_check_ins_and_edits_carry_stamps(tmp_path: Path) -> None:
    db = connect(tmp_path / "c.db")
    event_id, person_id = event_with_speaker(db)
    other = add_attendee(db, event_id, {"name": "Naseebullah Bazai"})["id"]
    wall, _ = fake_clock(db, T0)
    check_in(db, event_id, person_id)
    wall.tick(-600)
    check_in(db, event_id, other)
    last = last_check_in(db, event_id)
    assert last is not None and last["person_id"] == other  # undo takes the latest, by HLC
    note = add_note(db, event_id, {"text": "Draft wording"})
    edit_note(db, note["id"], {"text": "Final wording"})
    [revision] = note_history(db, note["id"])
    assert Stamp.parse(revision["hlc"]) > Stamp.parse(note["hlc"])
    db.close()


def test_upgrade_backfills_stamps_in_the_old_order(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    db = connect(path)
    for table, column in (("notes", "noted_at"), ("checkins", "checked_in_at")):
        rows = db.execute(
            f"SELECT hlc, {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {column}, rowid"
        ).fetchall()
        assert rows and all(hlc for hlc, _ in rows)
        assert [hlc for hlc, _ in rows] == sorted(hlc for hlc, _ in rows)
        for hlc, at in rows:
            assert Stamp.parse(hlc).wall_ms == Stamp.from_utc(at, "x").wall_ms
    db.close()
