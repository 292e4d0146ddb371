"""The expected-attendee list of the setup screen: a table, a form to add or edit, import.

Kept apart from `setup.py` so each file stays readable. The pane owns its table and the
add / edit / remove / import workflows; the setup screen's key bindings call into it.
Every change is written the moment the form is saved, never batched.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static

from convener.storage.attendees import (
    add_attendee,
    bulk_update,
    list_attendees,
    remove_attendee,
    update_attendee,
)
from convener.storage.erasure import erase_person, other_events
from convener.storage.errors import ConvenerError, ValidationError
from convener.storage.imports.dispatch import import_file
from convener.storage.records import MAX_NAME
from convener.storage.reports.redaction import withheld_reason
from convener.storage.taxonomy import load_taxonomy
from convener.tui.screens.base import ConvenerModal
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.import_file import ImportScreen, Plan, list_plan
from convener.tui.screens.setup_bulk import BulkEditForm
from convener.tui.session import HasSession, Session
from convener.tui.widgets.bounded_input import BoundedInput
from convener.tui.widgets.form import Field, choices, fit_form_body, save_or_show
from convener.tui.widgets.result_list import local_time

TEXT_FIELDS = ("name", "designation", "organisation", "disability", "district", "phone", "email")
VOCABULARIES = {
    "stakeholder_group": "stakeholder_groups",
    "gender": "genders",
    "age_band": "age_bands",
}
FORM_ROWS = (
    ("name", "phone"),
    ("designation", "organisation"),
    ("stakeholder_group", "gender"),
    ("age_band", "disability"),
    ("district", "email"),
)
LABELS = {
    "name": "Name *",
    "stakeholder_group": "Stakeholder group",
    "gender": "Sex",
    "age_band": "Age band",
}
FLAGS = (
    ("consent_name", "May be named"),
    ("consent_photo", "Photos OK"),
    ("protected", "Protected: never named"),
    ("vip", "VIP"),
)
# Column widths fit 120 columns; longer cells are cut short, the form shows them whole.
COLUMNS = {
    "mark": ("", 1),  # • when selected for a bulk change
    "name": ("Name", 22),
    "named": ("Named?", 9),  # consent first: what a coordinator reviews before the report
    "vip": ("VIP", 3),
    "group": ("Group", 13),
    "designation": ("Designation", 14),
    "organisation": ("Organisation", 15),
    "sex": ("Sex", 6),
    "phone": ("Phone", 11),
    "in": ("In", 5),
}
WIDE_ORDER = tuple(COLUMNS)
# Below NARROW_WIDTH the columns that tell same-name people apart come first and wider;
# the rest are a horizontal scroll away.
NARROW_WIDTH = 100
NARROW_ORDER = ("mark", "name", "named", "organisation", "designation", "group", "vip", "sex",
                "phone", "in")  # fmt: skip
NARROW_WIDTHS = {"name": 20, "organisation": 18, "designation": 16}
NAMED = {"yes": "yes", "no": "declined", "not_asked": "not asked"}


class AttendeeForm(ConvenerModal):
    """Add (attendee None) or edit one person; dismisses with the saved row or None."""

    HELP_TITLE = "Attendee"
    CSS_PATH = "setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="attendee-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="attendee-cancel"),
    ]

    def __init__(self, event_id: str, attendee: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.event_id = event_id
        self.attendee = attendee or {}

    def compose(self) -> ComposeResult:
        a = self.attendee
        title = f"Edit {a['name']}" if a else "Add an expected attendee"
        with Vertical(id="dialog", classes="form wide attendee-form"):
            yield Static(Content(title), classes="question")
            with Vertical(id="form-body"):
                for row in FORM_ROWS:
                    with Horizontal(classes="row"):
                        for name in row:
                            yield Field(
                                LABELS.get(name, name.capitalize()), self.control(name), name=name
                            )
                with Horizontal(classes="row flags"):
                    for name, label in FLAGS:
                        yield Checkbox(label, bool(a.get(name)), id=name)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s or Enter)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_resize(self, event: events.Resize) -> None:
        fit_form_body(self, event.size.height)

    def control(self, name: str) -> Input | Select[str]:
        """The Input, or for a taxonomy field the Select, prefilled from the attendee."""
        vocab = VOCABULARIES.get(name)
        if vocab is None:
            return BoundedInput(
                str(self.attendee.get(name) or ""),
                id=name,
                select_on_focus=False,
                max_length=MAX_NAME if name == "name" else 0,
            )
        codes = getattr(load_taxonomy(), vocab)
        value = self.attendee.get(name)
        return Select(
            choices(codes),
            prompt="(not given)",
            value=value if value in codes.codes else Select.NULL,
            id=name,
        )

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {n: self.query_one(f"#{n}", Input).value for n in TEXT_FIELDS}
        for name in VOCABULARIES:
            value = self.query_one(f"#{name}", Select).value
            out[name] = value if isinstance(value, str) else ""
        for name, _ in FLAGS:
            out[name] = "yes" if self.query_one(f"#{name}", Checkbox).value else "no"
        return out

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    async def action_save(self) -> None:
        fields, event_id, person_id = self.values(), self.event_id, self.attendee.get("id")
        if person_id:
            saving = self.session.db.write(
                lambda db: update_attendee(db, event_id, person_id, fields)
            )
        else:
            saving = self.session.db.write(lambda db: add_attendee(db, event_id, fields))
        row = await save_or_show(self, saving)
        if row is not None:
            self.dismiss(row)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def attendee_cells(
    row: dict[str, Any], selected: bool = False, order: tuple[str, ...] = WIDE_ORDER
) -> tuple[Text, ...]:
    """One table row, its cells in `order`; every cell is plain Text, so names are never read
    as markup. A guessed stakeholder group starts with "?" until someone reviews it."""
    tax = load_taxonomy()
    group = tax.stakeholder_groups.label(row.get("stakeholder_group"))
    if group and row.get("group_guessed"):
        group = f"?{group}"  # in front: a long label is cut at its end
    named = "protected" if row.get("protected") else NAMED.get(str(row.get("consent")), "")
    cells = {
        "mark": "•" if selected else "",
        "name": row["name"],
        "named": named,
        "vip": "VIP" if row.get("vip") else "",
        "group": group,
        "designation": row.get("designation"),
        "organisation": row.get("organisation"),
        "sex": tax.genders.label(row.get("gender")),
        "phone": row.get("phone"),
        "in": local_time(row.get("checked_in_at")),
    }
    return tuple(Text(cells[key] or "", overflow="ellipsis", no_wrap=True) for key in order)


def left_out_line(rows: list[dict[str, Any]]) -> str:
    """Why people are left out of the public report, with counts, and what the donor's
    verification list does instead."""
    counts = Counter(withheld_reason(r, unredacted=False) for r in rows)
    named = counts.pop(None, 0)
    parts = [
        f"{counts[key]} {label}"
        for key, label in (
            ("not_asked", "not asked"),
            ("declined", "declined"),
            ("protected", "protected"),
        )
        if counts[key]
    ]
    left = f"left out: {', '.join(parts)}" if parts else "nobody left out"
    return f"Public report names {named}; {left}. Verification list: all but protected."


class AttendeePane(Vertical):
    """The Attendees tab: everyone registered for the event, and the ways to change that."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.event_id: str | None = None
        self.rows: list[dict[str, Any]] = []
        self.selected: set[str] = set()  # person ids picked for a bulk change
        self.order: tuple[str, ...] = WIDE_ORDER  # the columns, as laid out for the width

    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session

    def compose(self) -> ComposeResult:
        yield Static(id="attendee-count", classes="hint")
        yield Static(id="left-out", classes="hint")
        yield DataTable(id="attendees", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_columns(self.app.size.width < NARROW_WIDTH)

    def set_columns(self, narrow: bool) -> None:
        """Lay the table out for the terminal's width (rows are added again by `reload`)."""
        self.order = NARROW_ORDER if narrow else WIDE_ORDER
        self.table.clear(columns=True)
        for key in self.order:
            label, width = COLUMNS[key]
            self.table.add_column(label, width=NARROW_WIDTHS.get(key, width) if narrow else width)

    async def on_resize(self, event: events.Resize) -> None:
        narrow = self.app.size.width < NARROW_WIDTH
        if (self.order == NARROW_ORDER) != narrow:
            self.set_columns(narrow)
            await self.reload()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#attendees", DataTable)

    async def reload(self, select_id: str | None = None) -> None:
        if self.event_id is None:
            return
        event_id = self.event_id
        self.rows = await self.session.db.read(lambda db: list_attendees(db, event_id))
        current = self.highlighted()
        wanted = select_id or (current["id"] if current else None)
        table = self.table
        table.clear()
        self.selected &= {r["id"] for r in self.rows}
        for row in self.rows:
            cells = attendee_cells(row, row["id"] in self.selected, self.order)
            table.add_row(*cells, key=row["id"])
        for index, row in enumerate(self.rows):
            if row["id"] == wanted:
                table.move_cursor(row=index)
        self.show_counts()

    def show_counts(self) -> None:
        checked = sum(1 for r in self.rows if r.get("checked_in_at"))
        guessed = sum(1 for r in self.rows if r.get("group_guessed"))
        parts = [f"{len(self.rows)} expected, {checked} checked in."]
        if guessed:
            parts.append(f"{guessed} groups guessed (marked ?): review.")
        if self.selected:
            parts.append(f"{len(self.selected)} selected: b sets for all.")
        else:
            parts.append("space selects, b sets consent, group, VIP or sex for many.")
        self.query_one("#attendee-count", Static).update(Content(" ".join(parts)))
        self.query_one("#left-out", Static).update(Content(left_out_line(self.rows)))

    def toggle_selected(self) -> None:
        """Pick (or unpick) the highlighted person for a bulk change, and move on."""
        row = self.highlighted()
        if row is None:
            return
        self.selected ^= {row["id"]}
        index = self.rows.index(row)
        self.table.update_cell_at(
            Coordinate(index, 0), Text("•" if row["id"] in self.selected else "")
        )
        self.table.move_cursor(row=min(index + 1, len(self.rows) - 1))
        self.show_counts()

    def select_all(self) -> None:
        """Everyone, or nobody if everyone is already selected."""
        everyone = {r["id"] for r in self.rows}
        self.selected = set() if self.selected == everyone else everyone
        for index, row in enumerate(self.rows):
            mark = Text("•" if row["id"] in self.selected else "")
            self.table.update_cell_at(Coordinate(index, 0), mark)
        self.show_counts()

    def bulk_edit(self) -> None:
        """Set consent, group, VIP or sex for the selected people (or the highlighted one)."""
        event_id = self.event_id
        row = self.highlighted()
        ids = [r["id"] for r in self.rows if r["id"] in self.selected]
        if not ids and row is not None:
            ids = [row["id"]]
        if event_id is None or not ids:
            return

        async def chosen(values: dict[str, Any] | None) -> None:
            if values is None:
                self.table.focus()
                return
            try:
                done = await self.session.db.write(
                    lambda db: bulk_update(db, event_id, ids, **values)
                )
            except ValidationError as exc:
                self.notify("Not set: " + "; ".join(exc.problems), severity="error", markup=False)
                return
            message = f"Set for {done.changed} of {len(ids)}."
            if done.skipped_protected:
                message += f" {done.skipped_protected} protected: never named, left as they were."
            self.notify(message, markup=False, timeout=6)
            self.selected.clear()
            await self.reload()
            self.table.focus()

        self.app.push_screen(BulkEditForm(len(ids)), chosen)

    def highlighted(self) -> dict[str, Any] | None:
        if not self.rows or self.table.cursor_row is None:
            return None
        return self.rows[min(self.table.cursor_row, len(self.rows) - 1)]

    def add_attendee(self) -> None:
        if self.event_id is not None:
            self.app.push_screen(AttendeeForm(self.event_id), self._saved)

    @on(DataTable.RowSelected, "#attendees")
    def edit_attendee(self) -> None:
        row = self.highlighted()
        if row is None or self.event_id is None:
            return
        self.app.push_screen(AttendeeForm(self.event_id, row), self._saved)

    async def _saved(self, row: dict[str, Any] | None) -> None:
        if row:
            await self.reload(select_id=row["id"])
            self.notify(f"Saved {row['name']}.", markup=False, timeout=3)
        self.table.focus()

    def remove_attendee(self) -> None:
        row, event_id = self.highlighted(), self.event_id
        if row is None or event_id is None:
            return
        name = row["name"]

        async def answer(confirmed: bool | None) -> None:
            if confirmed:
                try:
                    await self.session.db.write(lambda db: remove_attendee(db, event_id, row["id"]))
                except ValidationError as exc:
                    why = "; ".join(exc.problems)
                    self.notify(f"{name} was not removed: {why}.", severity="warning", markup=False)
                else:
                    self.notify(f"Removed {name}.", markup=False, timeout=3)
                    await self.reload()
            self.table.focus()

        question = f"Remove {name} from the expected attendees?"
        self.app.push_screen(ConfirmScreen(question, yes="Remove", careful=True), answer)

    def erase_attendee(self) -> None:
        """Erase for good from this event; from every event is one confirmation further."""
        row, event_id = self.highlighted(), self.event_id
        if row is None or event_id is None:
            return
        name = row["name"]

        async def erase(everywhere: bool | None) -> None:
            all_events = bool(everywhere)
            try:
                done = await self.session.db.write(
                    lambda db: erase_person(db, event_id, row["id"], all_events=all_events)
                )
            except ConvenerError as exc:
                self.notify(f"{name} was not erased: {exc}", severity="error", markup=False)
            else:
                text = f"{done.summary()}\n{done.copies_text()}"
                self.notify(text, title="Erased", markup=False, timeout=20)
                await self.reload()
            self.table.focus()

        async def here(confirmed: bool | None) -> None:
            if not confirmed:
                self.table.focus()
                return
            others = await self.session.db.read(lambda db: other_events(db, event_id, row))
            if not others:
                await erase(False)
                return
            question = f"Also erase {name} from the {len(others)} other event(s) they are on?"
            detail = (
                f"{', '.join(others)}. Their contact details then leave the database too. "
                "No keeps them there and erases them from this event only."
            )
            self.app.push_screen(ConfirmScreen(question, detail, yes="Erase everywhere"), erase)

        question = f"Erase {name} from this event, for good?"
        detail = (
            "Their check-in and registration go, and their name leaves this event's notes. "
            "This cannot be undone; backups made earlier still hold them."
        )
        self.app.push_screen(ConfirmScreen(question, detail, yes="Erase"), here)

    def import_list(self) -> None:
        event_id = self.event_id
        if event_id is None:
            return

        async def importer(path: Path) -> str:
            report = await self.session.db.write(lambda db: import_file(db, path, event_id))
            return report.summary()

        async def done(summary: str | None) -> None:
            if summary:
                self.notify(summary, title="Imported", markup=False, timeout=8)
                await self.reload()
            self.table.focus()

        async def previewer(path: Path) -> Plan | None:
            return await list_plan(self.session.db, path, event_id)

        what = "Import an attendee list (.csv, .xlsx or .yaml) into this event"
        self.app.push_screen(ImportScreen(importer, what, previewer=previewer), done)
