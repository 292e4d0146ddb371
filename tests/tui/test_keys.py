"""One key table: no key does two things on a screen, all keys in F1, docs/keys.md current."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.screen import Screen

from convener.tui.app import ConvenerApp
from convener.tui.keymap import clashes, key_rows, unreachable
from convener.tui.keytable import SCREENS, markdown
from convener.tui.screens.help import HelpScreen
from convener.tui.screens.notes import NotesScreen
from tests.tui.conftest import SIZE, ready_for_keys, screen_text
from tests.tui.test_shell import settle

REPO = Path(__file__).resolve().parents[2]
IDS = [title for title, _ in SCREENS]


@pytest.mark.parametrize("screen", [s for _, s in SCREENS], ids=IDS)
def test_no_two_bindings_of_a_screen_share_a_key(screen: type[Screen[Any]]) -> None:
    assert clashes(screen) == {}


@pytest.mark.parametrize("screen", [s for _, s in SCREENS], ids=IDS)
def test_every_binding_is_described_so_f1_lists_it(screen: type[Screen[Any]]) -> None:
    rows = key_rows(screen)
    assert rows, "a screen without keys?"
    assert [r for r in rows if not r.description] == []


@pytest.mark.parametrize("screen", [s for _, s in SCREENS], ids=IDS)
def test_every_action_has_a_key_terminals_leave_alone(screen: type[Screen[Any]]) -> None:
    assert unreachable(screen) == []


def test_the_detectors_can_fail() -> None:
    class Clashing(Screen[None]):
        BINDINGS = [  # noqa: RUF012
            Binding("a", "one", "One"),
            Binding("b,a", "two", "Two"),
            Binding("f10", "three", "Three"),
            Binding("x", "four", ""),
        ]

    Clashing.__module__ = "convener.tui.screens.fake"
    assert clashes(Clashing) == {"a": ["one", "two"]}
    assert unreachable(Clashing) == ["Three"]
    assert [r.action for r in key_rows(Clashing) if not r.description] == ["four"]


def test_docs_keys_md_is_generated_from_the_bindings() -> None:
    written = (REPO / "docs" / "keys.md").read_text(encoding="utf-8")
    assert written == markdown(), "run: .venv/bin/python -m convener.tui.keytable > docs/keys.md"


async def test_f1_shows_every_key_of_the_notes_screen(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref="quetta-dialogue-practice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("n")  # not starting the session yet
        await settle(pilot, app)
        await ready_for_keys(pilot)
        assert isinstance(app.screen, NotesScreen)
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        table_rows = app.screen.query_one("DataTable")
        shown = "\n".join(
            " ".join(str(cell) for cell in table_rows.get_row_at(i))  # type: ignore[attr-defined]
            for i in range(table_rows.row_count)  # type: ignore[attr-defined]
        )
        for row in key_rows(NotesScreen):
            assert row.description in shown, row
        assert "Kind: Recommendation" in shown
        assert "Escape closes this help" in screen_text(app)


async def test_help_fits_80x24_and_pages(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref="quetta-dialogue-practice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        await ready_for_keys(pilot)
        await pilot.press("f1")
        await settle(pilot, app)
        first = screen_text(app)
        assert "Escape closes this help" in first
        assert "Start" in first
        await pilot.press("pagedown")
        await settle(pilot, app)
        paged = screen_text(app)
        assert "Escape closes this help" in paged
        table = app.screen.query_one("DataTable")
        assert table.cursor_row >= 5  # type: ignore[attr-defined]  # a page, not one line
        assert "Kind: " in paged  # the alt+letter kinds, below the screen's own keys
        await pilot.press("pagedown")
        await settle(pilot, app)
        assert "Kind: Quote" in screen_text(app)  # the last row is reachable
