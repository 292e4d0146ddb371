"""The session's notes in speaking order: when, how long in, what kind, who, and the words.

An OptionList gives keyboard navigation and renders only what is visible; every prompt is
built as Content from plain strings, so a name like `[bold]x[/bold]` shows as typed.
"""

from __future__ import annotations

import json
from typing import Any

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from convener.storage.hlc import taken_order as hlc_order
from convener.storage.taxonomy import load_taxonomy
from convener.tui.widgets.result_list import local_time
from convener.tui.widgets.speaker_picker import PROTECTED

ATTRIBUTION_MARKS = {"role": "role only", "off_record": "not for the record"}


def elapsed_label(seconds: int | None) -> str:
    """`+1:05` (hours:minutes since the session started), or blank before it started."""
    if seconds is None:
        return "     "
    if seconds >= 86_400:
        return f"+{seconds // 86_400}d"
    return f"+{seconds // 3600}:{seconds % 3600 // 60:02d}"


def speaker_of(note: dict[str, Any]) -> str:
    """Who spoke, as the coordinator sees it (never a protected person's name)."""
    if note.get("speaker_id"):
        if note.get("speaker_protected"):
            return PROTECTED
        return str(note.get("speaker_name") or "")
    return str(note.get("speaker_text") or "") or "(no speaker)"


def tags_of(note: dict[str, Any]) -> list[str]:
    tags = note.get("tags") or []
    if isinstance(tags, str):
        tags = json.loads(tags) if tags.startswith("[") else []
    return [str(t) for t in tags]


def note_prompt(note: dict[str, Any], *, edited: bool = False) -> Content:
    """A header (time, time into the session, kind, speaker, marks), then the words and tags."""
    kinds = load_taxonomy().note_kinds
    parts: list[Content | tuple[str, str] | str] = [
        (local_time(note.get("noted_at")), "bold"),
        " ",
        (elapsed_label(note.get("elapsed_seconds")), "dim"),
        "  ",
        (kinds.label(note.get("kind")), "bold $accent"),
        "  ",
        (speaker_of(note), "bold"),
    ]
    mark = ATTRIBUTION_MARKS.get(note.get("attribution") or "named")
    if mark:
        parts += ["  ", (f"[{mark}]", "$warning")]
    if edited:
        parts += ["  ", ("(edited)", "dim italic")]
    parts += ["\n", str(note.get("text") or "")]
    tags = tags_of(note)
    if tags:
        parts += ["  ", (" ".join(f"#{t}" for t in tags), "dim italic")]
    return Content.assemble(*parts)


def heading(note: dict[str, Any]) -> Option:
    """A row naming the agenda item the following notes were taken under."""
    title = f"{note['agenda_position']}. {note.get('agenda_title') or ''}"
    return Option(Content.styled(f"── {title} ", "bold $primary"), disabled=True)


class Timeline(OptionList):
    """Notes as options (the option id is the note id), under agenda-item headings."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; max-height: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.notes: dict[str, dict[str, Any]] = {}
        self.edited: set[str] = set()

    def options_for(self, notes: list[dict[str, Any]], after: str | None = None) -> list[Option]:
        options: list[Option] = []
        for note in notes:
            item = note.get("agenda_item_id")
            if item and item != after:
                options.append(heading(note))
            after = item
            options.append(
                Option(note_prompt(note, edited=note["id"] in self.edited), id=note["id"])
            )
        return options

    def show(self, notes: list[dict[str, Any]], edited: set[str]) -> None:
        """Replace all rows; the newest note is highlighted."""
        self.notes = {n["id"]: n for n in notes}
        self.edited = set(edited)
        self.set_options(self.options_for(notes))
        if notes:
            self.highlighted = self.option_count - 1

    def rebuild(self) -> None:
        """Lay out again (after an edit moved a note to another agenda item, say)."""
        current = self.highlighted_option
        notes = sorted(self.notes.values(), key=taken_order)
        self.set_options(self.options_for(notes))
        if current is not None and current.id in self.notes:
            self.highlighted = self.get_option_index(current.id)
        elif self.option_count:
            self.highlighted = self.option_count - 1

    def add_note(self, note: dict[str, Any]) -> None:
        """Append a new note (notes arrive in speaking order) and follow it."""
        last = self.last_note()
        self.notes[note["id"]] = note
        after = last.get("agenda_item_id") if last else None
        self.add_options(self.options_for([note], after))
        self.highlighted = self.option_count - 1

    def replace_note(self, note: dict[str, Any]) -> None:
        self.notes[note["id"]] = note
        self.edited.add(note["id"])
        self.rebuild()

    def remove_note(self, note_id: str) -> None:
        self.notes.pop(note_id, None)
        self.rebuild()

    @property
    def highlighted_note(self) -> dict[str, Any] | None:
        option = self.highlighted_option
        return self.notes.get(option.id or "") if option else None

    def last_note(self) -> dict[str, Any] | None:
        if not self.notes:
            return None
        return max(self.notes.values(), key=taken_order)


def taken_order(note: dict[str, Any]) -> str:
    """Notes in the order they were taken: by HLC stamp, which a clock moved back cannot
    reorder (storage/hlc.py); the wall time only for a row that has no stamp."""
    return hlc_order(note.get("hlc"), note.get("noted_at"))
