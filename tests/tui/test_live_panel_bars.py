"""Bars in the door's live panel and in the one-line count below 100 columns.

Read from what the terminal shows: a bar's length in eighths of a cell is its count's share
of the largest, with or without colour, and an empty room draws no bars at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style

from convener.tui.app import ConvenerApp
from convener.tui.widgets.bars import EIGHTHS, FULL, CountBars, bar
from convener.tui.widgets.live_panel import LivePanel
from tests.tui.conftest import SIZE, screen_text
from tests.tui.test_notes import PRACTICE, check_in_people, settle

NARROW = (80, 24)
# Two women (one protected) and four men (two walk-ins named like markup) before the screen
# opens; then Ayesha Nasir arrives at the door.
BEFORE = ("Raheela Hameed Durrani", "Gul Bano", "Syed Kausar Abbas", "Ejaz Ahmed")
BAR = re.compile(f"[{FULL}{''.join(EIGHTHS)}]+")


def eighths(text: str) -> int:
    """A bar's length in eighths of a cell."""
    return sum(8 if c == FULL else EIGHTHS.index(c) for c in text)


def panel_text(app: ConvenerApp) -> str:
    """The live panel's own text: what lies right of its left border on each line."""
    panel = app.screen.query_one(LivePanel).region
    lines = screen_text(app).splitlines()[panel.y : panel.bottom]
    return "\n".join(line[panel.x + 1 : panel.right] for line in lines)


def bars_by_label(text: str, labels: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    found = {}
    for label in labels:
        match = re.search(rf"{re.escape(label)}\s+(\d+) ({BAR.pattern})", text)
        assert match, (label, text)
        found[label] = (int(match[1]), match[2])
    return found


@pytest.mark.parametrize(
    ("value", "scale", "width", "drawn"),
    [
        (19, 19, 10, FULL * 10),
        (18, 19, 10, FULL * 9 + "▌"),  # 75.8 eighths
        (1, 10_000, 10, "▏"),  # one person among thousands still shows
        (0, 5, 10, ""),
        (3, 0, 10, ""),
        (3, 3, 0, ""),
    ],
)
def test_a_bar_is_drawn_in_eighths_of_a_cell(
    value: int, scale: int, width: int, drawn: str
) -> None:
    assert bar(value, scale, width) == drawn


def drawn_at(width: int) -> list[str]:
    rows = [("International organisations / donors", 3), ("Police", 1)]
    console = Console(width=width, color_system=None, file=None, record=True)
    with console.capture() as capture:
        console.print(CountBars(rows, Style()))
    return capture.get().splitlines()


def test_bars_shrink_before_labels_are_cut() -> None:
    wide, fits, tight, narrow = (drawn_at(w) for w in (60, 45, 40, 16))
    assert wide[0] == "International organisations / donors 3 " + FULL * 21
    assert wide[1] == "Police                               1 " + FULL * 7
    assert fits[0] == "International organisations / donors 3 " + FULL * 6  # the bar shrank
    assert fits[1] == "Police                               1 " + FULL * 2
    assert tight == [  # the bars at their least; the long label is cut for them
        "International organisations / … 3 " + FULL * 6,
        "Police                          1 " + FULL * 2,
    ]
    assert narrow == ["International… 3", "Police         1"]  # no room left for bars


async def test_the_panel_draws_a_bar_per_count_and_redraws_on_a_check_in(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    check_in_people(sample_db, PRACTICE, BEFORE)
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sexes = bars_by_label(panel_text(app), ("Female", "Male"))
        (women, half), (men, full) = sexes["Female"], sexes["Male"]
        assert (women, men) == (2, 4) and set(full) == {FULL}
        assert eighths(half) == round(eighths(full) / 2)
        await pilot.press(*"ayesha", "enter")
        await settle(pilot)
        text = panel_text(app)
        sexes = bars_by_label(text, ("Female", "Male"))
        (women, longer), (men, same) = sexes["Female"], sexes["Male"]
        assert (women, men, same) == (3, 4, full)
        assert eighths(longer) == round(eighths(full) * 3 / 4)
        groups = bars_by_label(text, ("Child protection", "Other"))
        assert groups["Child protection"][0] == 1 and groups["Other"][0] == 2
        assert eighths(groups["Child protection"][1]) * 2 == eighths(groups["Other"][1])


async def test_bars_read_the_same_without_colour(
    make_app: Callable[..., ConvenerApp], sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    check_in_people(sample_db, PRACTICE, (*BEFORE, "Ayesha Nasir"))
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        sexes = bars_by_label(panel_text(app), ("Female", "Male"))
        assert eighths(sexes["Female"][1]) == round(eighths(sexes["Male"][1]) * 3 / 4)


async def test_below_100_columns_the_room_line_carries_the_sex_split_with_bars(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    check_in_people(sample_db, PRACTICE, (*BEFORE, "Ayesha Nasir"))
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        line = screen_text(app).splitlines()[1]
        # Two of the seven are walk-ins: in the room, but not of the 41 expected.
        assert line.startswith(" 7 in: 5 of 41 + 2 walk-ins · Male 4 ")
        assert line.rstrip().endswith("ctrl+o panel")
        sexes = bars_by_label(line, ("Female", "Male"))
        cells = len(sexes["Male"][1])  # what the 80 columns leave for each bar
        assert cells >= 6 and sexes["Male"][1] == FULL * cells  # the larger count's is whole
        assert eighths(sexes["Female"][1]) == round(cells * 8 * 3 / 4)


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["120x36", "80x24"])
async def test_an_empty_room_says_so_and_draws_no_bars(
    make_app: Callable[..., ConvenerApp], sample_db: Path, size: tuple[int, int]
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if size == NARROW:
            line = screen_text(app).splitlines()[1]
            assert line.startswith(" 0 of 41 in · nobody checked in yet · ctrl+o panel")
            assert not BAR.search(line)
            await pilot.press("ctrl+o")
            await pilot.pause()
        text = panel_text(app)
        assert "Nobody is in the room yet." in text
        assert not BAR.search(text.replace("▊", "")), text  # the panel's own border aside
