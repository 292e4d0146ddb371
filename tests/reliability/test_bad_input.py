"""Hostile and clumsy input: each gets a clear error, or is stored and shown safely.

The limits proven here are the ones docs/reliability.md states: YAML 5 MB, spreadsheets
50 MB and 100,000 rows, names 200 characters, notes 100,000 characters.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.attendees import add_attendee, list_attendees
from convener.storage.db.connection import connect
from convener.storage.errors import ValidationError
from convener.storage.events import get_event
from convener.storage.imports.attendee_sheet import MAX_SHEET_BYTES, MAX_SHEET_ROWS
from convener.storage.imports.dispatch import import_file
from convener.storage.notes import MAX_NOTE, add_note, get_draft, save_draft
from convener.storage.records import MAX_NAME
from convener.storage.rows import insert
from convener.storage.yamlsafe import MAX_YAML_BYTES
from tests.reliability.harness import PtyApp, child_env, plain

EVENT_YAML = """convener: 1
event:
  slug: traps
  title: Traps
  date: "2025-05-14"
attendees:
{people}
"""


def event_file(tmp_path: Path, people: str, name: str = "event.yaml") -> Path:
    path = tmp_path / name
    path.write_text(EVENT_YAML.format(people=people), encoding="utf-8")
    return path


# --- YAML -----------------------------------------------------------------------------------

UNSAFE_YAML = {
    "python-object": '!!python/object/apply:os.system ["touch /tmp/convener-pwned"]',
    "python-name": "!!python/name:os.system",
    "binary": "!!binary aGVsbG8=",
    "custom-tag": "!include /etc/passwd",
    "set": "!!set {a, b}",
}


@pytest.mark.parametrize("value", UNSAFE_YAML.values(), ids=UNSAFE_YAML.keys())
def test_unsafe_yaml_tags_are_refused(db: Database, tmp_path: Path, value: str) -> None:
    path = event_file(tmp_path, f"  - name: {value}")
    with pytest.raises(ValidationError, match="not allowed"):
        import_file(db, path)
    assert not Path("/tmp/convener-pwned").exists()
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_alias_bomb_is_refused_at_once(db: Database, tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("convener: 1\n" + "\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ValidationError, match="anchors and aliases"):
        import_file(db, path)
    assert time.monotonic() - started < 2


TRAPS = {  # what YAML 1.1 would turn them into: int, sexagesimal 750, False, float, date
    "phone": ("03001234567", "03001234567"),
    "id_number": ("0x1F", "0x1F"),
    "designation": ("NO", "NO"),
    "organisation": ("1e3", "1e3"),
    "district": ("2025-05-14", "2025-05-14"),
}


def test_implicit_type_traps_stay_text(db: Database, tmp_path: Path) -> None:
    fields = "\n".join(f"    {field}: {raw}" for field, (raw, _) in TRAPS.items())
    path = event_file(tmp_path, f"  - name: Norway\n{fields}\n    consent_name: NO")
    import_file(db, path)
    event = get_event(db, "traps")
    person = list_attendees(db, event["id"])[0]
    for field, (_, expected) in TRAPS.items():
        assert person[field] == expected, field
    assert person["consent_name"] == 0  # "NO" read as the word no, where a yes/no is asked
    start = event_file(tmp_path, "  - name: Ali", "t.yaml")
    start.write_text(
        start.read_text().replace('date: "2025-05-14"', "date: 2025-05-14\n  start_time: 12:30"),
        encoding="utf-8",
    )
    import_file(db, start)
    assert get_event(db, "traps")["start_time"] == "12:30"  # not 750 (minutes, base 60)


def test_oversized_yaml_is_refused_before_reading(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as out:
        out.truncate(MAX_YAML_BYTES + 1)  # sparse: refused by its size, never read
    with pytest.raises(ValidationError, match="limit is 5,242,880 bytes"):
        import_file(db, path)


def test_yaml_that_is_not_text_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(ValidationError, match="not UTF-8"):
        import_file(db, path)


# --- spreadsheets ---------------------------------------------------------------------------


@pytest.fixture
def event(db: Database) -> dict[str, Any]:
    from convener.storage.events import create_event

    return create_event(db, {"title": "Door list", "date": "2025-05-14"})


def test_ragged_csv_names_the_line(db: Database, tmp_path: Path, event: dict[str, Any]) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Name,Phone\nAmina,0300 1234567\nBilal,0301 7654321,extra,cells\n")
    with pytest.raises(ValidationError, match="line 3: 4 cells but the header has 2 columns"):
        import_file(db, path, event["slug"])
    assert list_attendees(db, event["id"]) == []


BINARY = {
    "nul-bytes": b"Name,Phone\nAmina\x00\x00,0300\n",
    "xlsx-renamed": b"PK\x03\x04" + bytes(200),
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
}


@pytest.mark.parametrize("content", BINARY.values(), ids=BINARY.keys())
def test_binary_csv_is_refused(
    db: Database, tmp_path: Path, event: dict[str, Any], content: bytes
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        import_file(db, path, event["slug"])
    assert "CSV" in str(caught.value) or "Name column" in str(caught.value)


def test_oversized_sheet_is_refused_before_reading(
    db: Database, tmp_path: Path, event: dict[str, Any]
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.truncate(MAX_SHEET_BYTES + 1)
    with pytest.raises(ValidationError, match="the limit is 50 MB"):
        import_file(db, path, event["slug"])


def big_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Name,Phone,Organisation,Gender\n")
        for i in range(rows):
            out.write(f"Attendee {i:06d},0300{i:07d},Office {i % 50},{'FM'[i % 2]}\n")
    return path


@pytest.mark.slow
def test_fifty_thousand_rows_import_in_reasonable_time(
    db: Database, tmp_path: Path, event: dict[str, Any]
) -> None:
    path = big_csv(tmp_path / "province.csv", 50_000)
    started = time.monotonic()
    import_file(db, path, event["slug"])
    took = time.monotonic() - started
    assert db.execute("SELECT count(*) FROM registrations").fetchone()[0] == 50_000
    assert raw_phone(db, "Attendee 000007") == "03000000007"  # leading zero kept
    assert took < 60, f"50,000 rows took {took:.1f}s"


def raw_phone(db: Database, name: str) -> str:
    return str(db.execute("SELECT phone FROM people WHERE name = ?", [name]).fetchone()[0])


def test_more_rows_than_the_limit_are_refused(
    db: Database, tmp_path: Path, event: dict[str, Any]
) -> None:
    path = big_csv(tmp_path / "country.csv", MAX_SHEET_ROWS + 1)
    with pytest.raises(ValidationError, match="the limit is 100,000"):
        import_file(db, path, event["slug"])
    assert list_attendees(db, event["id"]) == []


# --- notes and names ------------------------------------------------------------------------


def test_a_megabyte_paste_into_a_note_is_a_clear_error(db: Database, event: dict[str, Any]) -> None:
    paste = "ا" * 1_000_000
    with pytest.raises(ValidationError, match="1,000,000 characters; the limit is 100,000"):
        add_note(db, event["id"], {"text": paste})
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    # The draft keeps what a note can hold, so the typing is not lost either.
    save_draft(db, event["id"], {"text": paste})
    draft = get_draft(db, event["id"])
    assert draft is not None and len(draft["text"]) == MAX_NOTE


def test_a_ten_thousand_character_name_is_a_clear_error(
    db: Database, event: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match=f"10,000 characters; the limit is {MAX_NAME}"):
        add_attendee(db, event["id"], {"name": "N" * 10_000})
    assert list_attendees(db, event["id"]) == []


HOSTILE = {
    "title": ("Amina\x1b]0;owned\x07 Bibi", "Amina Bibi"),
    "clear-screen": ("Bilal\x1b[2J Khan", "Bilal Khan"),
    "osc52-clipboard": ("Sana\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 Baloch", "Sana Baloch"),
    "c1-csi": ("Zainab\x9b31m Kakar", "Zainab Kakar"),
    "bidi-override": ("Imran \u202eKhan\u202c", "Imran Khan"),
    "nfd-urdu": (unicodedata.normalize("NFD", "آمنہ"), "آمنہ"),
}


@pytest.mark.parametrize("raw,stored", HOSTILE.values(), ids=HOSTILE.keys())
def test_names_with_terminal_escapes_are_cleaned_on_the_way_in(
    db: Database, event: dict[str, Any], raw: str, stored: str
) -> None:
    person = add_attendee(db, event["id"], {"name": raw, "organisation": raw})
    assert person["name"] == stored
    assert person["organisation"] == stored
    assert not any(ch in person["name"] for ch in "\x1b\x07\x9b\u202e\u202c")


# --- what reaches the terminal --------------------------------------------------------------

# Raw, uncleaned values, as an older version, another tool or a hand edit could have left.
INJECTED_NAME = "Zed[b]M[/b]\x1b]0;T1\x07\x1b[2JW\x1b]52;c;eA==\x07C\x9b31mX\u202eB\u202c"
INJECTED_NOTE = "Note\x1b]0;NOTE-TITLE\x07 from \x1b[2J the floor \u202eevil"
FORBIDDEN = {
    "set title (OSC 0)": b"\x1b]0;",
    "clipboard (OSC 52)": b"\x1b]52;",
    "clear screen": b"\x1b[2J",
    "C1 CSI": "\x9b".encode(),
    "bidi override": "\u202e".encode(),
}


@pytest.fixture
def injected(sample_db: Path, events: dict[str, dict[str, Any]]) -> Path:
    with connect(sample_db) as db, db.atomic():
        for event in events.values():
            person = insert(
                db,
                "people",
                {"name": INJECTED_NAME, "name_key": "zed", "organisation": "Org\x1b[31mRed"},
            )
            insert(
                db,
                "registrations",
                {"event_id": event["id"], "person_id": person["id"], "source": "expected"},
            )
            insert(
                db,
                "notes",
                {
                    "event_id": event["id"],
                    "noted_at": "2025-05-14T13:30:00.000Z",
                    "speaker_id": person["id"],
                    "kind": "key_point",
                    "attribution": "named",
                    "text": INJECTED_NOTE,
                    "tags": "[]",
                },
            )
    return sample_db


@pytest.mark.slow
@pytest.mark.parametrize("screen", ["checkin", "notes"])
def test_no_escape_sequence_from_data_reaches_the_terminal(
    injected: Path, events: dict[str, dict[str, Any]], screen: str
) -> None:
    slug = events["practice" if screen == "checkin" else "full"]["slug"]
    with PtyApp(["--db", str(injected), screen, slug], env=child_env()) as app:
        if screen == "checkin":
            assert app.wait_for_text("registered", timeout=20)
            app.type("zed", per_key=0.02)
            assert app.wait_for_text(r"0;T1", timeout=5)
        else:
            assert app.wait_for_text("the floor", timeout=20)
            assert app.wait_for_text("Zed", timeout=5)
        app.settle(0.3)
        app.send("\x11")
        app.wait(5)
    output = bytes(app.output)
    found = {what: seq for what, seq in FORBIDDEN.items() if seq in output}
    assert found == {}, f"escape sequences from data reached the terminal: {found}"
    shown = plain(output)
    assert "the floor" in shown or screen == "checkin"
    assert "Zed[b]M[/b]]0;T1" in shown  # inert text; markup stays literal


def test_output_guard_strips_controls_but_keeps_text() -> None:
    from convener.tui.output_guard import safe

    assert safe("Zed\x1b]0;t\x07 \x9b\u202eok") == "Zed]0;t ok"
    assert safe("آمنہ بی بی") == "آمنہ بی بی"
    assert safe("plain") == "plain"
