"""Contacts and names typed into live notes: marked in the preview, gone from every file.

A rapporteur types, on the notes screen, a protected survivor's name (spaced, joined,
hyphenated), phone numbers (spaced, +92, dotted, in Urdu digits), a CNIC, an e-mail and
the name of a participant who did not consent, beside numbers the report needs. The
preview marks each removal and counts them; the exported files hold none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from convener.tui.app import ConvenerApp
from convener.tui.screens.summary import SummaryScreen
from tests.reliability.exported import leaks, missing
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_notes import PRACTICE, check_in_people, settle, start_notes

NOTE_1 = (
    "Gul Bano (0345 9876521, +92 345 9876521, 0345.987.6521) gave CNIC 54401-7654321-3 "
    "and gul.bano@example.org; GulBano and Gul-Bano asked for help."
)
NOTE_2 = (
    "Shazia Jamali ۰۳۳۳ ۷۲۱۴۵۸۹ reported 3,453 victims, Rs. 50,000, FIR 112/2024 "
    "on 14-05-2025 at 10:30."
)
SURVIVE = ["3,453 victims", "Rs. 50,000", "FIR 112/2024", "14-05-2025", "10:30"]


async def test_typed_contacts_and_names_never_reach_an_export(
    make_app: Callable[..., ConvenerApp],
    sample_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    check_in_people(sample_db, PRACTICE)
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await start_notes(pilot, app)
        await pilot.press(*"durr", "enter", *NOTE_1, "enter")
        await pilot.press(*NOTE_2, "enter")
        await pilot.press("f7")  # an action item from the note just saved, as prefilled
        await settle(pilot)
        await pilot.press("enter", "enter", *"2025-06-30", "enter")  # owner, what: as prefilled
        await settle(pilot)
        stored = [n["text"] for n in read_db(sample_db, "SELECT text FROM notes")]
        assert NOTE_1 in stored and NOTE_2 in stored  # the database keeps what was typed
        await pilot.press("f9", "y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        preview = screen.query_one("#summary").source
        assert "Gul Bano" not in preview and "9876521" not in preview
        assert "\\[name withheld\\] (\\[phone removed\\], \\[phone removed\\]," in preview
        assert "\\[ID removed\\] and \\[e-mail removed\\]" in preview
        shown = " ".join(screen_text(app).split())  # the hint wraps at the screen's edge
        counts = "5 names, 5 phone numbers, 1 ID number, 1 e-mail address."
        assert f"Removed from typed text: {counts}" in shown
        await pilot.press("e", "ctrl+u", *"out", "enter")
        await settle(pilot)
        assert "Written 6 files" in screen_text(app)
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 6
    found = leaks(
        files,
        names=["Gul Bano", "Shazia Jamali"],
        words=["Gul", "Bano", "Shazia"],
        numbers=["03459876521", "54401-7654321-3", "03337214589"],
        strings=["gul.bano@example.org"],
    )
    assert found == []
    assert missing([f for f in files if "attendance" not in f.name], SURVIVE) == []
    markdown = next(f for f in files if f.suffix == ".md").read_text(encoding="utf-8")
    assert "A participant gave CNIC; a participant and a participant asked for help." in markdown
