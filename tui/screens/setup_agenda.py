"""The Agenda tab of event setup: type items, reorder, edit, remove; each change saved at once."""

from __future__ import annotations

import asyncio
import re
from datetime import time
from typing import Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import (
    DataTable,
    Input,
    Label,
)

from convener.storage.errors import ConvenerError
from convener.storage.events import agenda, set_agenda
from convener.tui.session import HasSession, Session
from convener.tui.widgets.form import Field

# Rows of the form in reading (and Tab) order; `:2` makes a field twice as wide.

FIELDS = ("id", "title", "starts_at", "presenter")
ITEM = re.compile(
    r"(?:(?P<at>\d{1,2}[:.]\d{2})(?:\s+|$))?(?P<title>.*?)(?:\s+(?:--|—|–)\s+(?P<by>.*))?"
)

AGENDA_KEYS = "In the list (Tab to it): ctrl+↑/↓ or alt+↑/↓ move · e or Enter edit · d remove"
ITEM_HINT = "New agenda item: type it and press Enter, e.g. 09:30 Opening remarks -- Minister"


def parse_item(text: str) -> tuple[dict[str, str], str | None]:
    """`09:30 Opening remarks -- Minister` as an agenda item, or an error to show."""
    match = ITEM.fullmatch(text.strip())
    assert match is not None  # every part is optional
    at = (match["at"] or "").replace(".", ":").zfill(5) if match["at"] else ""
    if at:
        try:
            time.fromisoformat(at)
        except ValueError:
            return {}, f"{match['at']} is not a time (HH:MM, 24-hour)"
    if not match["title"].strip():
        return {}, "an agenda item needs a title after the time"
    item = {"starts_at": at, "title": match["title"].strip(), "presenter": match["by"] or ""}
    return item, None


def format_item(item: dict[str, Any]) -> str:
    """The reverse of parse_item, to edit an item in the same box."""
    by = f" -- {item['presenter']}" if item.get("presenter") else ""
    return f"{item.get('starts_at') or ''} {item['title']}{by}".strip()


class AgendaPane(Vertical):
    """The Agenda tab: a box to type items into and the list; every change is saved at once."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.event_id: str | None = None
        self.items: list[dict[str, Any]] = []
        self.editing: dict[str, Any] | None = None
        self.removed: tuple[int, dict[str, Any]] | None = None
        self.save_lock = asyncio.Lock()

    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session

    def compose(self) -> ComposeResult:
        yield Field(ITEM_HINT, Input(id="agenda-new"), name="agenda-new")
        yield DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
        yield Label(Content(AGENDA_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.table.add_columns("#", "Time", "Item", "Presenter")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#agenda", DataTable)

    async def load(self, event_id: str) -> None:
        self.event_id = event_id
        rows = await self.session.db.read(lambda db: agenda(db, event_id))
        self.items = [{k: r[k] for k in FIELDS} for r in rows]
        self.show(0)

    def show(self, select: int | None = None) -> None:
        self.table.clear()
        for n, item in enumerate(self.items, start=1):
            cells = (str(n), item["starts_at"] or "", item["title"], item["presenter"] or "")
            self.table.add_row(*(Text(c) for c in cells))
        if select is not None and self.items:
            self.table.move_cursor(row=max(0, min(select, len(self.items) - 1)))

    async def save(self, select: int | None = None) -> None:
        """Write the whole agenda in its new order; items keep their ids."""
        self.show(select)
        if self.event_id is None:
            return
        event_id = self.event_id
        async with self.save_lock:  # one save at a time, so new items get their id before the next
            snapshot = list(self.items)
            payload = [dict(item) for item in snapshot]
            try:
                rows = await self.session.db.write(lambda db: set_agenda(db, event_id, payload))
            except ConvenerError as exc:
                self.notify(f"Agenda not saved: {exc}", severity="error", markup=False)
                return
        for item, row in zip(snapshot, rows, strict=False):
            item["id"] = row["id"]
        for row in rows[len(snapshot) :]:  # set_agenda keeps items that notes point at
            self.items.append({k: row[k] for k in FIELDS})
            self.notify(f"“{row['title']}” stays on the agenda: notes refer to it.", markup=False)
            self.show(select)

    @on(Input.Submitted, "#agenda-new")
    async def submitted(self, message: Input.Submitted) -> None:
        if not message.value.strip():
            self.stop_editing()
            return
        item, error = parse_item(message.value)
        self.query_one("#field-agenda-new", Field).show_error(error)
        if error:
            return
        index = next((i for i, x in enumerate(self.items) if x is self.editing), None)
        if index is None:
            self.items.append(item)
            index = len(self.items) - 1
        else:
            self.items[index].update(item)
        self.stop_editing()
        await self.save(index)

    def stop_editing(self) -> None:
        self.editing = None
        self.query_one("#agenda-new", Input).value = ""
        self.query_one("#field-agenda-new Label", Label).update(Content(ITEM_HINT))

    def row(self) -> int | None:
        row = self.table.cursor_row
        return row if self.items and 0 <= row < len(self.items) else None

    async def add_item(self) -> None:
        self.query_one("#agenda-new", Input).focus()

    async def move_up(self) -> None:
        await self.move_item(-1)

    async def move_down(self) -> None:
        await self.move_item(1)

    async def move_item(self, delta: int) -> None:
        i = self.row()
        if i is None or not 0 <= i + delta < len(self.items):
            return
        self.items[i], self.items[i + delta] = self.items[i + delta], self.items[i]
        await self.save(i + delta)

    @on(DataTable.RowSelected, "#agenda")
    async def edit_item(self) -> None:
        i = self.row()
        if i is None:
            return
        self.editing = self.items[i]
        box = self.query_one("#agenda-new", Input)
        box.value = format_item(self.editing)
        label = f"Editing item {i + 1}: Enter saves, Escape cancels"
        self.query_one("#field-agenda-new Label", Label).update(Content(label))
        box.focus()

    async def remove_item(self) -> None:
        i = self.row()
        if i is None:
            return
        item = self.items.pop(i)
        if item is self.editing:
            self.stop_editing()
        self.removed = (i, item)
        self.screen.refresh_bindings()
        await self.save(i)
        self.notify(f"Removed “{item['title']}”. ctrl+z puts it back.", markup=False, timeout=5)

    async def undo_remove(self) -> None:
        removed, self.removed = self.removed, None
        if removed is None:
            return
        i, item = removed
        self.screen.refresh_bindings()
        self.items.insert(min(i, len(self.items)), item)
        await self.save(i)
