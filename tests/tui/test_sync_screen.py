"""The Sync dialog on the home screen: a USB folder and a code in, what each bundle did out."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from convener.storage.checkins import check_in
from convener.storage.db.connection import connect
from convener.storage.imports.dispatch import import_file
from convener.storage.notes import add_note
from convener.storage.sync.bundle import Exported, export_bundle
from convener.tui.app import ConvenerApp
from convener.tui.screens.sync_import import SyncImportScreen
from tests.tui.conftest import SIZE, read_db, ready_for_keys, screen_text
from tests.tui.test_shell import settle, wait_until

QUETTA_YAML = Path(__file__).resolve().parents[2] / "fixtures" / "quetta-dialogue.yaml"


def other_laptop(db_path: Path, tmp_path: Path) -> Exported:
    """This laptop's event, and a bundle from a second laptop that checked someone in."""
    with connect(db_path) as db:
        import_file(db, QUETTA_YAML)
    other = tmp_path / "laptop2" / "convener.db"
    other.parent.mkdir(mode=0o700)
    shutil.copyfile(db_path, other)
    other.chmod(0o600)
    with connect(other) as db:
        db.execute("UPDATE settings SET value = 'laptop-2' WHERE key = 'device_id'")
    with connect(other) as db:
        event = db.execute("SELECT id FROM events").fetchone()[0]
        late = db.execute(
            "SELECT person_id FROM registrations WHERE person_id NOT IN"
            " (SELECT person_id FROM checkins) ORDER BY person_id LIMIT 1"
        ).fetchone()[0]
        check_in(db, event, late)
        add_note(db, event, {"text": "Door 2: چائے ختم ہو گئی [bold]not markup[/bold]"})
        return export_bundle(db, event, tmp_path / "usb", passphrase=None)


async def test_a_bundle_folder_is_merged_and_what_it_did_is_listed(
    make_app: Callable[..., ConvenerApp], db_path: Path, tmp_path: Path
) -> None:
    bundle = other_laptop(db_path, tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SyncImportScreen))
        await ready_for_keys(pilot)
        await pilot.press(*str(tmp_path / "usb"), "tab", *"wrong-code", "enter")
        await wait_until(pilot, lambda: "cannot be opened" in screen_text(app))
        assert read_db(db_path, "SELECT text FROM notes WHERE text LIKE 'Door 2%'") == []
        app.screen.query_one("#code").value = ""  # type: ignore[attr-defined]
        await pilot.press(*(bundle.code or ""), "enter")
        await wait_until(pilot, lambda: "merged into quetta-dialogue" in screen_text(app))
        shown = screen_text(app)
        assert "new: 1 check-in, 1 note" in shown
        assert "to review: 0" in shown
        notes = read_db(db_path, "SELECT text FROM notes WHERE text LIKE 'Door 2%'")
        assert notes == [{"text": "Door 2: چائے ختم ہو گئی [bold]not markup[/bold]"}]
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, SyncImportScreen))
        await wait_until(pilot, lambda: "38 / 41" in screen_text(app))
