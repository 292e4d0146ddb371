"""Setup, attendees tab: consent at a glance, who the report leaves out and why, bulk edit,
and a re-import previewed field by field before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from convener.tui.app import ConvenerApp
from convener.tui.screens.import_file import ImportScreen
from convener.tui.screens.setup import SetupScreen
from convener.tui.screens.setup_bulk import BulkEditForm
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_checkin import select_option
from tests.tui.test_setup import PRACTICE, open_setup, settle, table_names


def consents(db_path: Path, names: list[str]) -> list[tuple[str, str | None, str | None, int]]:
    rows = read_db(
        db_path,
        f"""SELECT p.name, r.consent, r.consent_basis, r.consent_source, p.vip
        FROM registrations r JOIN people p ON p.id = r.person_id JOIN events e
        ON e.id = r.event_id WHERE e.slug = ? AND p.name IN ({",".join("?" * len(names))})
        ORDER BY p.name""",
        [PRACTICE, *names],
    )
    return [(r["consent"], r["consent_basis"], r["consent_source"], r["vip"]) for r in rows]


async def test_bulk_consent_needs_its_basis_and_reasons_are_counted(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press("f4")
        await settle(pilot)
        text = screen_text(app)
        assert "Public report names 37; left out: 3 declined, 1 protected." in text
        assert "Verification list: all but protected." in text
        first = table_names(app)[:3]
        await pilot.press("space", "space", "space", "b")
        await settle(pilot)
        assert isinstance(app.screen, BulkEditForm)
        assert "Set for 3 selected people" in screen_text(app)
        await select_option(pilot, app, "#consent", "Not")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert consents(sample_db, first) == [("not_asked", None, None, 0)] * 3
        text = screen_text(app)
        assert "left out: 3 not asked, 3 declined, 1 protected" in text
        assert text.count("not asked") >= 3  # the Named? column
        await pilot.press("up", "up", "up", "space", "space", "space", "b")
        await settle(pilot)
        await select_option(pilot, app, "#consent", "Yes")
        await select_option(pilot, app, "#vip", "Yes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "say how they agreed" in screen_text(app)  # no basis: nothing written
        assert consents(sample_db, first) == [("not_asked", None, None, 0)] * 3
        await select_option(pilot, app, "#consent_basis", "Sig")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert "VIP" in screen_text(app)
    assert consents(sample_db, first) == [("yes", "signed_sheet", "app", 1)] * 3


HEADER = "S.No,Name,Designation,Organization,Gender,Contact No.\n"


async def test_reimport_shows_changes_before_writing(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    """A partner's updated list: the preview names each change old -> new; Escape writes
    nothing; ctrl+s writes it, and what the file leaves empty stays."""
    from convener.storage.db.connection import connect
    from convener.storage.imports.dispatch import import_file

    first = tmp_path / "list.csv"
    first.write_text(
        HEADER + "1,Hina Qureshi,Lecturer,University of Balochistan,Female,0300-1234567\n"
        "2,Jamal Bizenjo,Inspector,Balochistan Police,Male,0333-7654321\n",
        encoding="utf-8",
    )
    updated = tmp_path / "list-updated.csv"
    updated.write_text(
        HEADER + "1,Hina Qureshi,Assistant Professor,,Female,0300-1234567\n"
        "2,Jamal Bizenjo,Inspector,Balochistan Police,Male,0333-7654321\n"
        "3,Zia ul Haq,Deputy Director,FIA,Male,0321-5550001\n",
        encoding="utf-8",
    )
    with connect(sample_db) as db:
        import_file(db, first, PRACTICE)

    def hina() -> list[dict[str, object]]:
        return read_db(
            sample_db, "SELECT designation, organisation FROM people WHERE name = 'Hina Qureshi'"
        )

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        for _ in range(2):
            await pilot.press("f4", "i")
            await settle(pilot)
            assert isinstance(app.screen, ImportScreen)
            app.screen.query_one("#path").value = str(updated)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            text = screen_text(app)
            assert "1 new, 1 changed, 1 unchanged" in text, text
            assert "designation: “Lecturer” -> “Assistant Professor”" in text, text
            if _ == 0:
                await pilot.press("escape")  # cancel: nothing written
                await settle(pilot)
                assert hina() == [
                    {"designation": "Lecturer", "organisation": "University of Balochistan"}
                ]
                assert not read_db(sample_db, "SELECT 1 FROM people WHERE name = 'Zia ul Haq'")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert "Zia ul Haq" in table_names(app)
    # the empty Organization cell kept what the database had
    assert hina() == [
        {"designation": "Assistant Professor", "organisation": "University of Balochistan"}
    ]
    group = read_db(
        sample_db, "SELECT stakeholder_group, group_guessed FROM people WHERE name = 'Zia ul Haq'"
    )
    assert group == [{"stakeholder_group": "fia", "group_guessed": 1}]
