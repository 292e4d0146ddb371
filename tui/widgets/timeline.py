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

from storage.taxonomy import load_taxonomy
from tui.widgets.result_list import local_time
from tui.widgets.speaker_picker import PROTECTED

ATTRIBUTION_MARKS = {"role": "role only", "off_record": "not for the record"}


def elapsed_label(seconds: int | None) -> str:
    """`+1:05` (hours:minutes since the session started), or blank before it started."""
    if seconds is None:
        return "     "
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
    """Two or more lines: a header (time, kind, speaker, marks) and the note's text."""
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
    if note.get("agenda_position"):
        parts += ["  ", (f"item {note['agenda_position']}", "dim")]
    tags = tags_of(note)
    if tags:
        parts += ["  ", (" ".join(f"#{t}" for t in tags), "dim italic")]
    if edited:
        parts += ["  ", ("(edited)", "dim italic")]
    text = "\n".join(f"   {line}" for line in str(note.get("text") or "").splitlines())
    return Content.assemble(*parts, "\n", text)


class Timeline(OptionList):
    """Notes as options; the option id is the note id."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; max-height: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.notes: dict[str, dict[str, Any]] = {}
        self.edited: set[str] = set()

    def show(self, notes: list[dict[str, Any]], edited: set[str]) -> None:
        """Replace all rows (on load); the newest note is highlighted."""
        self.notes = {n["id"]: n for n in notes}
        self.edited = set(edited)
        self.set_options(
            Option(note_prompt(n, edited=n["id"] in edited), id=n["id"]) for n in notes
        )
        if notes:
            self.highlighted = len(notes) - 1

    def add_note(self, note: dict[str, Any]) -> None:
        """Append a new note (notes arrive in speaking order) and follow it."""
        self.notes[note["id"]] = note
        self.add_option(Option(note_prompt(note), id=note["id"]))
        self.highlighted = self.option_count - 1

    def replace_note(self, note: dict[str, Any]) -> None:
        self.notes[note["id"]] = note
        self.edited.add(note["id"])
        self.replace_option_prompt(note["id"], note_prompt(note, edited=True))

    def remove_note(self, note_id: str) -> None:
        self.notes.pop(note_id, None)
        self.remove_option(note_id)

    @property
    def highlighted_note(self) -> dict[str, Any] | None:
        option = self.highlighted_option
        return self.notes.get(option.id or "") if option else None

    def last_note(self) -> dict[str, Any] | None:
        if not self.option_count:
            return None
        return self.notes.get(self.get_option_at_index(self.option_count - 1).id or "")
