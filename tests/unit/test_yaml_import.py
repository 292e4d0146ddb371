"""Strict YAML and the event import: strings stay strings, errors say where, all or nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.attendees import list_attendees
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.events import create_event, get_event
from convener.storage.imports.dispatch import import_file
from convener.storage.yamlsafe import MAX_YAML_BYTES, load_yaml_file, load_yaml_text

REPO_ROOT = Path(__file__).resolve().parents[2]
QUETTA_YAML = REPO_ROOT / "fixtures" / "quetta-dialogue.yaml"
TABLES = (
    "events",
    "agenda_items",
    "people",
    "registrations",
    "checkins",
    "notes",
    "action_items",
)
GENDER_CHOICES = "female, male, transgender, undisclosed"


def table_counts(db: Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}


def problems_of(db: Database, path: Path, event_ref: str | None = None) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        import_file(db, path, event_ref)
    return caught.value.problems


def line_of(text: str, marker: str) -> int:
    """1-based line of the only line containing `marker`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def event_yaml(
    attendees: list[str] | None = None,
    notes: list[str] | None = None,
    actions: list[str] | None = None,
) -> str:
    """A small event file; each list item is the YAML body of one entry (indented 4)."""
    people = attendees or [
        "name: Amina Khan\n    ref: amina\n    gender: female\n    phone: '03001234567'",
        "name: Bilal Ahmed\n    ref: bilal\n    gender: male",
        "name: Chandni Bibi\n    ref: chandni\n    gender: transgender",
        "name: Dawood Shah\n    ref: dawood\n    gender: male",
    ]
    parts = [
        "convener: 1",
        "event:",
        "  slug: small-dialogue",
        "  title: Small dialogue",
        "  date: '2025-05-14'",
        "  start_time: '10:00'",
        "  end_time: '12:00'",
        "  started_at: '2025-05-14T10:00:00+05:00'",
        "agenda:",
        "  - Welcome",
        "  - {title: Discussion, starts_at: '10:30'}",
        "attendees:",
        *(f"  - {body}" for body in people),
    ]
    if notes:
        parts += ["notes:", *(f"  - {body}" for body in notes)]
    if actions:
        parts += ["action_items:", *(f"  - {body}" for body in actions)]
    return "\n".join(parts) + "\n"


@pytest.fixture
def write_yaml(tmp_path: Path) -> Any:
    def write(text: str | bytes, name: str = "event.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


# --- the strict reader ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "03001234567",
        "12:30",
        "NO",
        "no",
        "yes",
        "Off",
        "2025-05-12",
        "2025-05-12T10:00:00+05:00",
        "1e3",
        "0x1F",
        "0o17",
        "1_000",
        ".inf",
        ".NaN",
        "-0",
        "+92 300 1234567",
    ],
)
def test_plain_scalars_stay_exactly_as_written(value: str) -> None:
    loaded = load_yaml_text(f"value: {value}\nlist: [{value}]\n")
    assert loaded.data == {"value": value, "list": [value]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), ("~", None), ("null", None), ("'null'", "null"), ("''", ""), ('"~"', "~")],
)
def test_nulls_and_quoted_nulls(text: str, expected: str | None) -> None:
    assert load_yaml_text(f"value: {text}\n").data == {"value": expected}


def test_lines_are_remembered() -> None:
    loaded = load_yaml_text("a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", "f.yaml")
    assert loaded.line(("b", 1, "z")) == 5
    assert loaded.line(("b", 0)) == 3
    assert loaded.line(("b", 1, "missing")) == 4  # falls back to the nearest parent
    assert loaded.where(("b", 1, "z")) == "f.yaml:5: b[1].z"


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1}\nother: *b\n",
        "a: &x 1\n",
        "list:\n  - &p {name: A}\n  - *p\n",
        "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
    ],
    ids=["alias", "anchor-only", "in-list", "merge-key"],
)
def test_anchors_and_aliases_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="anchors and aliases"):
        load_yaml_text(text, "f.yaml")


def test_billion_laughs_fails_fast() -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 12):
        prev, name = chr(ord("a") + n - 1), chr(ord("a") + n)
        levels.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    bomb = "\n".join(levels) + "\n"
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="line 1: anchors and aliases"):
        load_yaml_text(bomb, "bomb.yaml")
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['touch PWNED']\n",
        "x: !!python/name:os.system\n",
        "x: !!python/object/new:os.system [x]\n",
        "x: !custom value\n",
        "x: !!binary aGVsbG8=\n",
        "x: !!set {a, b}\n",
        "!!python/object/apply:os.system ['touch PWNED']: key\n",
        "list:\n  - !!omap [a: 1]\n",
    ],
)
def test_tags_are_refused_and_never_run(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", calls.append)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError, match=r"not allowed|plain text"):
        load_yaml_text(text, "f.yaml")
    assert calls == []
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    ("text", "line", "where"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "a"),
        ("x:\n  - name: A\n    phone: '1'\n    name: B\n", 4, "x[0].name"),
    ],
)
def test_duplicate_keys_are_refused_with_line(text: str, line: int, where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_yaml_text(text, "f.yaml")
    assert caught.value.problems == [f"line {line}: {where}: duplicate key"]


@pytest.mark.parametrize(
    "content",
    [
        "name: José\n".encode("latin-1"),
        "name: آمنہ\n".encode("utf-16"),
        b"name: \xff\xfe\n",
    ],
    ids=["latin1", "utf16", "junk"],
)
def test_non_utf8_is_refused(write_yaml: Any, content: bytes) -> None:
    path = write_yaml(content)
    with pytest.raises(ValidationError, match="not UTF-8") as caught:
        load_yaml_file(path)
    assert caught.value.source == str(path)


def test_utf8_bom_is_accepted(write_yaml: Any) -> None:
    path = write_yaml("\ufeffname: آمنہ\n".encode())
    assert load_yaml_file(path).data == {"name": "آمنہ"}


def test_size_limit(write_yaml: Any) -> None:
    path = write_yaml("a: " + "x" * 97 + "\n")  # 101 bytes
    with pytest.raises(ValidationError, match="limit is 100 bytes"):
        load_yaml_file(path, max_bytes=100)
    assert load_yaml_file(path, max_bytes=101).data == {"a": "x" * 97}


def test_file_over_the_default_limit_is_refused_before_parsing(
    db: Database, write_yaml: Any
) -> None:
    path = write_yaml(b"convener: 1\n" + b"#" * MAX_YAML_BYTES)
    started = time.perf_counter()
    problems = problems_of(db, path)
    assert time.perf_counter() - started < 0.5
    assert problems == [
        f"file is {MAX_YAML_BYTES + 12:,} bytes; the limit is {MAX_YAML_BYTES:,} bytes"
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: [unclosed\n", "line 2"),
        ("a: b\n  c: d\n", "line 2"),
        ("\tkey: value\n", "line 1"),
    ],
)
def test_syntax_errors_name_the_line(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_yaml_text(text, "f.yaml")
    assert str(caught.value).startswith("f.yaml: ")
    assert fragment in str(caught.value)


# --- importing the sample event --------------------------------------------------------------


def test_sample_event_imports_completely(db: Database, quetta: dict[str, Any]) -> None:
    assert table_counts(db) == {
        "events": 1,
        "agenda_items": 6,
        "people": 41,
        "registrations": 41,
        "checkins": 37,
        "notes": 26,
        "action_items": 4,
    }
    assert quetta["status"] == "ended"
    assert quetta["organisers"][1] == "Embassy of Denmark"
    assert quetta["utc_offset"] == "+05:00"  # from started_at, for times in reports
    assert quetta["background"].startswith("Balochistan is a province of origin")
    assert quetta["prepared_by"] == "Fatima Changezi, Programme Officer, SSDO"
    [answer] = db.query("SELECT * FROM notes WHERE answers_note_id IS NOT NULL")
    [question] = db.query("SELECT * FROM notes WHERE id = ?", [answer["answers_note_id"]])
    assert question["kind"] == "question" and "referral pathway" in question["text"]
    sasoli = next(a for a in list_attendees(db, quetta["id"]) if a["name"] == "Akbar Jan Sasoli")
    assert sasoli["phone"] == "03008827164"
    assert sasoli["age_band"] == "45_59"
    protected = list(db.query("SELECT consent_name, consent_photo FROM people WHERE protected = 1"))
    assert protected
    assert all(p["consent_name"] == 0 and p["consent_photo"] == 0 for p in protected)


def test_sample_times_become_utc(db: Database, karachi_tz: None, quetta: dict[str, Any]) -> None:
    assert quetta["started_at"] == "2025-05-14T05:05:00.000Z"
    durrani = next(a for a in list_attendees(db, quetta["id"]) if a["name"].endswith("Durrani"))
    assert durrani["checked_in_at"] == "2025-05-14T05:12:00.000Z"  # "10:12" in Quetta
    first = db.execute(
        "SELECT noted_at, elapsed_seconds FROM notes ORDER BY noted_at LIMIT 1"
    ).fetchone()
    assert first == ("2025-05-14T05:18:00.000Z", 13 * 60)  # "10:18", 13 minutes after 10:05


def test_importing_twice_changes_nothing(db: Database, quetta: dict[str, Any]) -> None:
    before = snapshot(db)
    report = import_file(db, QUETTA_YAML)
    assert report.changed is False
    assert report.event_slug == "quetta-dialogue"
    assert all(c["inserted"] == 0 and c["updated"] == 0 for c in report.outcomes.values())
    assert snapshot(db) == before  # not even updated_at moved


def test_editing_one_field_updates_that_row_only(
    db: Database, quetta: dict[str, Any], tmp_path: Path
) -> None:
    before = snapshot(db)
    copy = tmp_path / "quetta-edited.yaml"
    text = QUETTA_YAML.read_text(encoding="utf-8")
    assert text.count("designation: Provincial Education Minister") == 1
    copy.write_text(
        text.replace(
            "designation: Provincial Education Minister",
            "designation: Provincial Minister for School Education",
        ),
        encoding="utf-8",
    )
    report = import_file(db, copy)
    assert report.changed is True
    assert report.outcomes["people"]["updated"] == 1
    assert sum(c["updated"] + c["inserted"] for c in report.outcomes.values()) == 1
    after = snapshot(db)
    for table in TABLES:
        if table != "people":
            assert after[table] == before[table], table
    changed = [a for a, b in zip(after["people"], before["people"], strict=True) if a != b]
    assert len(changed) == 1
    row = db.execute(
        "SELECT designation FROM people WHERE name = 'Raheela Hameed Durrani'"
    ).fetchone()
    assert row == ("Provincial Minister for School Education",)


def test_check_in_undone_in_the_app_stays_undone_after_reimport(
    db: Database, quetta: dict[str, Any]
) -> None:
    from convener.storage.checkins import undo_check_in

    durrani = next(a for a in list_attendees(db, quetta["id"]) if a["name"].endswith("Durrani"))
    assert undo_check_in(db, quetta["id"], durrani["id"])
    report = import_file(db, QUETTA_YAML)
    assert report.changed is False
    again = next(a for a in list_attendees(db, quetta["id"]) if a["id"] == durrani["id"])
    assert again["checked_in_at"] is None


def test_slug_taken_by_an_event_made_in_the_app_is_a_clear_error(db: Database) -> None:
    create_event(db, {"title": "Made here", "date": "2025-05-14", "slug": "quetta-dialogue"})
    before = table_counts(db)
    [problem] = problems_of(db, QUETTA_YAML)
    assert "slug" in problem
    assert "Nothing was imported" in problem
    assert table_counts(db) == before
    assert not db.conn.in_transaction


# --- errors: where, what, and nothing imported ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("gender", "fmale", f"expected one of {GENDER_CHOICES}; got 'fmale'"),
        ("stakeholder_group", "aliens", "expected one of government, "),
        ("age_band", "ancient", "expected one of under_18, "),
        ("phone", "'12'", "expected 7 to 15 digits, got '12'"),
        ("email", "nobody", "not an email address: 'nobody'"),
        ("consent_name", "perhaps", "expected yes or no, got 'perhaps'"),
        ("checked_in", "'25:99'", "expected HH:MM or an ISO 8601 time, got '25:99'"),
        ("favourite_colour", "green", "unknown field"),
    ],
)
def test_attendee_error_names_file_line_and_field(
    db: Database, write_yaml: Any, field: str, bad: str, message: str
) -> None:
    people = [
        "name: Amina Khan",
        "name: Bilal Ahmed",
        "name: Chandni Bibi",
        f"name: Dawood Shah\n    organisation: SSDO\n    {field}: {bad}  # MARK",
    ]
    text = event_yaml(attendees=people)
    path = write_yaml(text, "quetta.yaml")
    problems = problems_of(db, path)
    expected = f"{path}:{line_of(text, 'MARK')}: attendees[3].{field}: {message}"
    assert any(p.startswith(expected) for p in problems), problems
    assert len(problems) == 1, problems
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


def test_error_message_matches_the_documented_shape(db: Database, write_yaml: Any) -> None:
    # fixtures/README.md: `quetta.yaml:57: attendees[3].gender: expected one of ...; got 'fmale'`
    people = ["name: A", "name: B", "name: C", "name: D\n    gender: fmale"]
    text = event_yaml(attendees=people)
    path = write_yaml(text, "quetta.yaml")
    with pytest.raises(ValidationError) as caught:
        import_file(db, path)
    line = line_of(text, "gender: fmale")
    assert str(caught.value) == (
        f"{path}:{line}: attendees[3].gender: expected one of {GENDER_CHOICES}; got 'fmale'"
    )


@pytest.mark.parametrize(
    ("replace", "with_", "where", "message"),
    [
        ("  date: '2025-05-14'", "  date: '2025-13-45'", "event.date", "expected a date"),
        ("  end_time: '12:00'", "  end_time: '09:00'", "event.end_time", "must be after"),
        ("  title: Small dialogue", "  title: ''", "event.title", "is required"),
        (
            "  started_at: '2025-05-14T10:00:00+05:00'",
            "  started_at: 'about ten'",
            "event.started_at",
            "expected HH:MM or an ISO 8601",
        ),
    ],
)
def test_event_error_names_line_and_field(
    db: Database, write_yaml: Any, replace: str, with_: str, where: str, message: str
) -> None:
    text = event_yaml().replace(replace, with_)
    path = write_yaml(text)
    problems = problems_of(db, path)
    line = line_of(text, with_.strip())
    assert any(p.startswith(f"{path}:{line}: {where}: {message}") for p in problems), problems
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


@pytest.mark.parametrize(
    ("entry", "where", "message"),
    [
        (
            "text: Boo\n    speaker: ghost  # MARK",
            "notes[1].speaker",
            "no attendee with ref 'ghost'",
        ),
        (
            "speaker: amina\n    text: Hi\n    agenda: 7  # MARK",
            "notes[1].agenda",
            "expected 1 to 2",
        ),
        (
            "speaker: amina\n    kind: rumour  # MARK\n    text: Hi",
            "notes[1].kind",
            "expected one of",
        ),
        ("speaker: amina\n    text: ''  # MARK", "notes[1].text", "is empty"),
        (
            "speaker: amina\n    at: 'noonish'  # MARK\n    text: Hi",
            "notes[1].at",
            "expected HH:MM",
        ),
    ],
)
def test_note_errors_name_line_and_field(
    db: Database, write_yaml: Any, entry: str, where: str, message: str
) -> None:
    text = event_yaml(notes=["speaker: amina\n    text: A fine point", entry])
    path = write_yaml(text)
    problems = problems_of(db, path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.startswith(f"{path}:"), problem
    assert f": {where}: {message}" in problem, problem
    line = int(problem[len(str(path)) + 1 :].split(":", 1)[0])
    assert line == line_of(text, "MARK"), (line, text)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


def test_unknown_speaker_reports_the_speaker_line(db: Database, write_yaml: Any) -> None:
    text = event_yaml(notes=["text: Hello\n    speaker: ghost"])
    path = write_yaml(text)
    [problem] = problems_of(db, path)
    line = line_of(text, "speaker: ghost")
    assert problem == f"{path}:{line}: notes[0].speaker: no attendee with ref 'ghost'"


def test_action_item_errors(db: Database, write_yaml: Any) -> None:
    text = event_yaml(
        actions=[
            "what: Share the list\n    owner: ghost\n    due: '2025-06-30'",
            "what: Call back\n    owner_text: SSDO\n    due: 'soon'",
            "what: Nobody owns this",
            "what: Misspelt\n    owner_text: SSDO\n    due_date: '2025-06-30'",
        ]
    )
    path = write_yaml(text)
    problems = problems_of(db, path)
    expected = [
        f"{line_of(text, 'owner: ghost')}: action_items[0].owner: no attendee with ref 'ghost'",
        f"{line_of(text, 'soon')}: action_items[1].due: "
        "expected a date as DD/MM/YYYY or YYYY-MM-DD, got 'soon'",
        f"{line_of(text, 'Nobody')}: action_items[2].owner: name a person or an organisation",
        f"{line_of(text, 'due_date')}: action_items[3].due_date: unknown field",
    ]
    for message in expected:
        assert any(p.startswith(f"{path}:{message}") for p in problems), (message, problems)


@pytest.mark.parametrize("key", ["speakr", "txt", "time"])
def test_unknown_note_field_is_reported(db: Database, write_yaml: Any, key: str) -> None:
    text = event_yaml(notes=[f"speaker: amina\n    text: Hello\n    {key}: oops"])
    path = write_yaml(text)
    problems = problems_of(db, path)
    assert f"{path}:{line_of(text, 'oops')}: notes[0].{key}: unknown field" in problems[0]
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


def test_several_errors_are_all_reported_and_nothing_is_imported(
    db: Database, write_yaml: Any
) -> None:
    text = event_yaml(
        attendees=[
            "name: Amina Khan\n    ref: amina\n    gender: fmale",
            "name: ''",
            "name: Bilal\n    ref: amina",
            "name: Chandni\n    phone: 'call me'",
        ],
        notes=["speaker: amina\n    text: fine", "speaker: ghost\n    text: last note is bad"],
        actions=["what: Something\n    owner_text: SSDO\n    status: someday"],
    )
    path = write_yaml(text)
    problems = problems_of(db, path)
    wheres = [p.split(": ", 2)[1] for p in problems]
    assert {
        "attendees[0].gender",
        "attendees[1].name",
        "attendees[2].ref",
        "attendees[3].phone",
        "notes[1].speaker",
        "action_items[0].status",
    } <= set(wheres), problems
    assert all(p.startswith(f"{path}:") for p in problems)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


def test_bad_copy_of_an_imported_file_changes_nothing(
    db: Database, quetta: dict[str, Any], tmp_path: Path
) -> None:
    """An edit that is fine plus an error in the very last note: neither is applied."""
    before = snapshot(db)
    text = QUETTA_YAML.read_text(encoding="utf-8")
    text = text.replace(
        "designation: Provincial Education Minister", "designation: Changed but not saved"
    )
    last_speaker = text.rindex("  - speaker: ")
    end = text.index("\n", last_speaker)
    text = text[:last_speaker] + "  - speaker: ghost" + text[end:]
    copy = tmp_path / "quetta-broken.yaml"
    copy.write_text(text, encoding="utf-8")
    [problem] = problems_of(db, copy)
    assert f":{line_of(text, 'speaker: ghost')}: notes[25].speaker: no attendee" in problem
    assert snapshot(db) == before


def test_file_without_format_version_is_refused(db: Database, write_yaml: Any) -> None:
    for text in (
        event_yaml().replace("convener: 1", "convener: 2"),
        event_yaml().replace("convener: 1\n", ""),
    ):
        path = write_yaml(text)
        with pytest.raises(ValidationError, match="convener: 1"):
            import_file(db, path)
    path = write_yaml("- just\n- a list\n")
    with pytest.raises(ValidationError, match="expected a mapping"):
        import_file(db, path)
    assert table_counts(db) == dict.fromkeys(TABLES, 0)


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.yaml", "no such file"), ("people.pdf", "unsupported file type .pdf")],
)
def test_missing_or_unsupported_file(db: Database, tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ValidationError, match=message):
        import_file(db, path)


# --- attendee-only files -----------------------------------------------------------------


ATTENDEES_ONLY = """\
convener: 1
attendees:
  - name: Late Registrant
    ref: late
    phone: '03451234567'
    gender: f
  - name: Another One
    stakeholder_group: ngo
"""


def test_attendee_only_file_needs_an_event(
    db: Database, quetta: dict[str, Any], write_yaml: Any
) -> None:
    path = write_yaml(ATTENDEES_ONLY, "people.yaml")
    before = table_counts(db)
    [problem] = problems_of(db, path)
    assert "--event" in problem
    assert table_counts(db) == before
    with pytest.raises(NotFoundError):
        import_file(db, path, "no-such-event")
    assert table_counts(db) == before


def test_attendee_only_file_into_an_event(
    db: Database, quetta: dict[str, Any], write_yaml: Any
) -> None:
    path = write_yaml(ATTENDEES_ONLY, "people.yaml")
    event_before = get_event(db, quetta["id"])
    report = import_file(db, path, "quetta-dialogue")
    assert report.outcomes["people"]["inserted"] == 2
    assert "events" not in report.outcomes
    names = {a["name"]: a for a in list_attendees(db, quetta["id"])}
    assert len(names) == 43
    assert names["Late Registrant"]["phone"] == "03451234567"
    assert names["Late Registrant"]["gender"] == "female"
    assert names["Another One"]["stakeholder_group"] == "civil_society"
    assert get_event(db, quetta["id"]) == event_before
    assert import_file(db, path, quetta["id"]).changed is False  # by id works too


def test_attendee_only_file_with_errors_imports_nothing(
    db: Database, quetta: dict[str, Any], write_yaml: Any
) -> None:
    text = ATTENDEES_ONLY + "  - name: Broken\n    vip: sometimes\n"
    path = write_yaml(text, "people.yaml")
    before = snapshot(db)
    [problem] = problems_of(db, path, "quetta-dialogue")
    assert problem.startswith(f"{path}:{line_of(text, 'vip: sometimes')}: attendees[2].vip:")
    assert snapshot(db) == before


def test_imported_text_is_cleaned(db: Database, write_yaml: Any) -> None:
    text = event_yaml(
        attendees=['name: "Amina\\e]0;pwned\\a Khan\\u202e"\n    ref: amina'],
        notes=['speaker: amina\n    text: "Point\\e[2J one\\x9b"'],
    )
    path = write_yaml(text)
    import_file(db, path)
    assert db.execute("SELECT name FROM people").fetchone()[0] == "Amina Khan"
    assert db.execute("SELECT text FROM notes").fetchone()[0] == "Point one"


def test_person_checked_in_in_the_app_keeps_that_check_in_on_reimport(
    db: Database, quetta: dict[str, Any]
) -> None:
    from convener.storage.checkins import check_in, undo_check_in

    durrani = next(a for a in list_attendees(db, quetta["id"]) if a["name"].endswith("Durrani"))
    undo_check_in(db, quetta["id"], durrani["id"])
    mine = check_in(db, quetta["id"], durrani["id"])
    report = import_file(db, QUETTA_YAML)
    assert report.outcomes["checkins"]["inserted"] == 0
    active = db.execute(
        "SELECT checked_in_at FROM checkins WHERE person_id = ? AND undone_at IS NULL",
        [durrani["id"]],
    ).fetchall()
    assert [row[0] for row in active] == [mine.attendee["checked_in_at"]]


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Asia/Karachi"])
def test_times_without_offset_are_in_the_event_zone(
    db: Database, machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`at: "10:18"` means 10:18 in Quetta (the offset of started_at), on any computer."""
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        import_file(db, QUETTA_YAML)
    finally:
        monkeypatch.undo()
        time.tzset()
    first = db.execute("SELECT noted_at, elapsed_seconds FROM notes ORDER BY noted_at").fetchone()
    assert first[0] == "2025-05-14T05:18:00.000Z"  # 10:18 +05:00
    assert first[1] == 13 * 60  # 13 minutes after the 10:05 start


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Asia/Karachi"])
def test_attendee_list_times_are_in_the_event_zone_like_the_event_file(
    db: Database, machine_zone: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A late list of walk-ins says `checked_in: "11:40"`: 11:40 in Quetta, as in the event
    file it goes with, whatever zone the importing laptop is set to."""
    sheet = tmp_path / "late-arrivals.yaml"
    sheet.write_text(
        "convener: 1\n"
        "attendees:\n"
        "  - name: Palwasha Mandokhel\n"
        "    organisation: Aurat Foundation\n"
        '    checked_in: "11:40"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        import_file(db, QUETTA_YAML)
        import_file(db, sheet, "quetta-dialogue")
    finally:
        monkeypatch.undo()
        time.tzset()
    rows = db.execute(
        "SELECT c.checked_in_at FROM checkins c JOIN people p ON p.id = c.person_id "
        "WHERE p.name = 'Palwasha Mandokhel'"
    ).fetchall()
    assert rows == [("2025-05-14T06:40:00.000Z",)]  # 11:40 +05:00


def test_an_event_started_in_the_app_keeps_its_zone_for_later_lists(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from convener.storage.events import start_session

    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    try:
        event = create_event(db, {"title": "District Dialogue", "date": "2025-06-02"})
        start_session(db, event["id"])
    finally:
        monkeypatch.undo()
        time.tzset()
    sheet = tmp_path / "list.yaml"
    sheet.write_text(
        'convener: 1\nattendees:\n  - name: Gul Bano\n    checked_in: "09:15"\n', encoding="utf-8"
    )
    monkeypatch.setenv("TZ", "UTC")  # the list is imported later on a laptop set to UTC
    time.tzset()
    try:
        import_file(db, sheet, event["id"])
    finally:
        monkeypatch.undo()
        time.tzset()
    assert db.execute("SELECT checked_in_at FROM checkins").fetchall() == [
        ("2025-06-02T04:15:00.000Z",)
    ]
