"""An event file never replaces a different event: slugs keep the date, clashes are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.attendees import list_attendees
from convener.storage.checkins import record_door_consent
from convener.storage.clock import stable_id
from convener.storage.events import get_event, list_events
from convener.storage.imports.dispatch import import_file
from convener.storage.imports.event_file import EventClashError, legacy_slug
from convener.storage.rows import insert

TITLE = (
    "Consultation on Strengthening the Response to Human Trafficking and Migrant Smuggling"
    " in Pakistan"
)


def event_file(tmp_path: Path, name: str, city: str, date: str, slug: str = "") -> Path:
    path = tmp_path / name
    slug_line = f"  slug: {slug}\n" if slug else ""
    path.write_text(
        f"convener: 1\nevent:\n{slug_line}  title: {TITLE}\n  date: '{date}'\n  city: {city}\n"
        "attendees:\n  - {name: Amina Khan, ref: amina, consent_name: 'no'}\n"
        "  - {name: Bilal Ahmed, ref: bilal}\n",
        encoding="utf-8",
    )
    return path


def test_same_long_title_on_two_dates_makes_two_events(db: Database, tmp_path: Path) -> None:
    quetta = event_file(tmp_path, "quetta.yaml", "Quetta", "2017-05-03")
    gilgit = event_file(tmp_path, "gilgit.yaml", "Gilgit", "2018-09-12")
    first = import_file(db, quetta)
    second = import_file(db, gilgit)
    assert first.event_slug.endswith("-2017-05-03") and second.event_slug.endswith("-2018-09-12")
    assert second.outcomes["events"]["inserted"] == 1
    events = {e["city"]: e for e in list_events(db)}
    assert set(events) == {"Quetta", "Gilgit"}
    assert [e["expected"] for e in events.values()] == [2, 2]


def test_a_file_whose_slug_holds_another_event_is_refused(db: Database, tmp_path: Path) -> None:
    import_file(db, event_file(tmp_path, "quetta.yaml", "Quetta", "2017-05-03", slug="workshop"))
    gilgit = event_file(tmp_path, "gilgit.yaml", "Gilgit", "2018-09-12", slug="workshop")
    with pytest.raises(EventClashError) as caught:
        import_file(db, gilgit)
    message = str(caught.value)
    assert "2017-05-03" in message and "2018-09-12" in message and "Nothing was imported" in message
    assert get_event(db, "workshop")["city"] == "Quetta"
    # Asked and confirmed (the app's dialogue, or --replace): the file replaces it.
    import_file(db, gilgit, allow_replace=True)
    assert get_event(db, "workshop")["city"] == "Gilgit"


def test_event_imported_under_an_old_cut_slug_reimports_in_place(
    db: Database, tmp_path: Path
) -> None:
    old = legacy_slug(f"{TITLE} 2017-05-03")
    assert "2017" not in old  # the bug: the date was cut off
    row = {"slug": old, "title": TITLE, "date": "2017-05-03", "city": "Quetta"}
    insert(db, "events", {"id": stable_id("event", old), **row})  # as that import made it
    import_file(db, event_file(tmp_path, "quetta.yaml", "Quetta", "2017-05-03"))
    assert [e["slug"] for e in list_events(db)] == [old]


def test_reimporting_an_event_file_keeps_door_consent_and_blank_fields(
    db: Database, tmp_path: Path
) -> None:
    path = event_file(tmp_path, "quetta.yaml", "Quetta", "2017-05-03")
    report = import_file(db, path)
    event = get_event(db, report.event_slug)
    people = {a["name"]: a for a in list_attendees(db, event["id"])}
    assert (people["Amina Khan"]["consent"], people["Bilal Ahmed"]["consent"]) == (
        "no",
        "not_asked",
    )
    record_door_consent(db, event["id"], people["Amina Khan"]["id"], "yes")
    db.execute(
        "UPDATE people SET designation = 'Director' WHERE id = ?", [people["Bilal Ahmed"]["id"]]
    )
    import_file(db, path)
    again = {a["name"]: a for a in list_attendees(db, event["id"])}
    assert (again["Amina Khan"]["consent"], again["Amina Khan"]["consent_source"]) == (
        "yes",
        "door",
    )
    assert again["Bilal Ahmed"]["designation"] == "Director"


def test_events_made_in_the_app_keep_the_date_in_their_slug(db: Database) -> None:
    from convener.storage.events import create_event

    first = create_event(db, {"title": TITLE, "date": "03/05/2017"})
    second = create_event(db, {"title": TITLE, "date": "2018-09-12"})
    assert first["slug"].endswith("-2017-05-03") and second["slug"].endswith("-2018-09-12")
    assert first["date"] == "2017-05-03"  # entered day first
