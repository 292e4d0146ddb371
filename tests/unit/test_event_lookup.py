"""EVENT on the command line: exact slug, id, unique slug prefix, then words of the title."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.event_lookup import AmbiguousEventError, find_event
from convener.storage.events import create_event
from convener.tui.cli import main

EVENTS = [
    ("Awareness session on safe migration", "2025-03-01", "awareness-session-2025-03-01"),
    ("Awareness walk for Levies", "2025-03-02", "awareness-walk-2025-03-02"),
    ("Provincial Dialogue on Human Trafficking — Quetta", "2025-05-14", "quetta-dialogue"),
    ("Training of trainers: child protection", "2025-06-01", "tot-child-protection"),
    ("Café consultation", "2025-07-01", "cafe"),
]


@pytest.fixture
def events(db: Database) -> dict[str, dict[str, object]]:
    made = {}
    for title, date, slug in EVENTS:
        made[slug] = create_event(db, {"title": title, "date": date, "slug": slug})
    return made


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("quetta-dialogue", "quetta-dialogue"),  # exact slug
        ("quetta", "quetta-dialogue"),  # unique prefix
        ("awareness-se", "awareness-session-2025-03-01"),
        ("TOT", "tot-child-protection"),  # prefix, any case
        ("human trafficking", "quetta-dialogue"),  # every word of the title
        ("CHILD Protection", "tot-child-protection"),
        ("cafe", "cafe"),
        ("consultation café", "cafe"),  # accents ignored, word order free
    ],
)
def test_what_people_type_finds_one_event(
    db: Database, events: dict[str, dict[str, object]], typed: str, slug: str
) -> None:
    assert find_event(db, typed)["slug"] == slug


def test_an_id_finds_its_event(db: Database, events: dict[str, dict[str, object]]) -> None:
    event = events["cafe"]
    assert find_event(db, str(event["id"]))["slug"] == "cafe"


def test_an_exact_slug_wins_over_a_longer_one_it_starts(db: Database) -> None:
    create_event(db, {"title": "Awareness", "date": "2025-01-01", "slug": "awareness"})
    create_event(db, {"title": "Awareness two", "date": "2025-01-02", "slug": "awareness-two"})
    assert find_event(db, "awareness")["slug"] == "awareness"


def test_several_matches_are_listed_never_guessed(
    db: Database, events: dict[str, dict[str, object]]
) -> None:
    with pytest.raises(AmbiguousEventError) as caught:
        find_event(db, "awareness")
    message = str(caught.value)
    assert "2 events" in message
    assert "awareness-session-2025-03-01 (2025-03-01: Awareness session on safe migration)" in (
        message
    )
    assert "awareness-walk-2025-03-02" in message


def test_at_most_ten_matches_are_listed(db: Database) -> None:
    for n in range(12):
        create_event(db, {"title": f"Workshop {n}", "date": f"2025-01-{n + 1:02}"})
    with pytest.raises(AmbiguousEventError) as caught:
        find_event(db, "workshop")
    assert "12 events" in str(caught.value)
    assert str(caught.value).count("(2025-01-") == 10
    assert "and 2 more" in str(caught.value)


def test_exact_refuses_prefixes(db: Database, events: dict[str, dict[str, object]]) -> None:
    with pytest.raises(Exception, match="exact slug"):
        find_event(db, "quetta", exact=True)
    assert find_event(db, "quetta-dialogue", exact=True)["slug"] == "quetta-dialogue"


def test_cli_export_by_prefix_and_ambiguity_exit_2(
    db: Database,
    db_path: Path,
    events: dict[str, dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db.close()
    out_dir = tmp_path / "out"
    code = main(["--db", str(db_path), "export", "quetta", "--format", "md", "--out", str(out_dir)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [p.name for p in out_dir.iterdir()] and "quetta" in out
    code = main(["--db", str(db_path), "export", "awareness", "--out", str(out_dir)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "matches 2 events" in err
    assert "Traceback" not in err
