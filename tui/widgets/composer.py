"""The note composer: speaker, note and tags fields, with the kind and sticky settings shown.

`ComposerState` is a plain object the screen keeps up to date on every keystroke; it is what
the draft saver and the quit/hang-up flush hook save, so neither has to query widgets that
may already be gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from convener.storage.notes import MAX_NOTE
from convener.storage.records import MAX_NAME
from convener.storage.taxonomy import load_taxonomy
from convener.tui.widgets.bounded_input import BoundedInput
from convener.tui.widgets.note_box import NoteBox

ATTRIBUTION_SHORT = {"named": "Named", "role": "Role only", "off_record": "Not for the record"}
COMPOSER_KEYS = (
    ("F2, letter", "Kind, where alt+letter does not reach the app"),
    ("Enter (speaker)", "Pick the highlighted match (↓ to “as typed”)"),
    ("Enter (note)", "Save the note, or the edit (a note is one paragraph)"),
    ("shift+tab", "Back to the speaker box: change speaker"),
    ("↑ (note)", "Up a wrapped line; from the first, the timeline: Enter edits"),
    ("ctrl+← → / home end", "A word / to the line's start or end (ctrl+home, ctrl+end: note)"),
)


@dataclass
class ComposerState:
    """The note being written. Speaker, attribution, tags and agenda item are sticky."""

    speaker_id: str | None = None
    speaker_text: str = ""
    speaker_label: str = ""
    kind: str = "key_point"
    attribution: str = "named"
    text: str = ""
    tags: list[str] = field(default_factory=list)
    agenda_item_id: str | None = None
    note_id: str | None = None

    def note_fields(self) -> dict[str, Any]:
        """What `add_note` / `edit_note` take."""
        return {
            "speaker_id": self.speaker_id,
            "speaker_text": "" if self.speaker_id else self.speaker_text,
            "attribution": self.attribution,
            "kind": self.kind,
            "text": self.text,
            "tags": list(self.tags),
            "agenda_item_id": self.agenda_item_id,
        }

    def draft_fields(self) -> dict[str, Any]:
        """What `save_draft` takes (the note being edited, if any, included)."""
        return {**self.note_fields(), "note_id": self.note_id}

    def copy(self) -> ComposerState:
        return replace(self, tags=list(self.tags))


def parse_tags(text: str) -> list[str]:
    """`youth, #border  ` -> ['youth', 'border']."""
    return [t.strip().lstrip("#").strip() for t in text.split(",") if t.strip().lstrip("#")]


def kind_bindings() -> list[Binding]:
    """alt+letter for each kind with a key; priority, or the focused Input would type it."""
    return [
        Binding(
            f"alt+{term.key}",
            f"kind('{term.code}')",
            f"Kind: {term.label}",
            show=False,
            priority=True,
            id=f"notes-kind-{term.code}",
        )
        for term in load_taxonomy().note_kinds.terms
        if term.key
    ]


def kind_bar(current: str, width: int = 200) -> Content:
    """Every kind with its key, the current one standing out; where they do not fit in
    `width` cells (an 80-column terminal), the current kind in full and the others' keys."""
    terms = load_taxonomy().note_kinds.terms
    parts: list[Content | tuple[str, str] | str] = [("Kind ", "bold"), ("alt+", "dim")]
    for term in terms:
        style = "reverse bold" if term.code == current else ""
        parts += ["  ", (term.key, "bold $accent"), " ", (term.label, style)]
    full = Content.assemble(*parts, "   ", ("(or F2)", "dim"))
    if full.cell_length <= width:
        return full
    label = next((t.label for t in terms if t.code == current), current)
    keys: list[Content | tuple[str, str] | str] = []
    for term in terms:
        if term.key and term.code != current:
            keys += [" ", (term.key, "bold $accent")]
    return Content.assemble(
        ("Kind ", "bold"),
        (label, "reverse bold"),
        "   others: ",
        ("alt+", "dim"),
        *keys,
        ("  or F2 for the list", "dim"),
    )


class Composer(Vertical):
    """Two lines of state above the speaker, note and tags boxes; the screen handles their
    messages. The note box grows downwards as it fills, up to a few lines."""

    DEFAULT_CSS = """
    Composer { height: auto; border-top: solid $primary; }
    Composer > Static { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    Composer > #composer-status { color: $text-muted; }
    Composer > #composer-status.-editing { color: $text; background: $warning 30%; }
    Composer > Horizontal { height: auto; }
    Composer #speaker { width: 34; }
    Composer #note { width: 1fr; }
    Composer #tags { width: 24; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="kind-bar")
        yield Static(id="composer-status")
        with Horizontal():
            speaker = BoundedInput(
                placeholder="a few letters, Enter", id="speaker", max_length=MAX_NAME
            )
            speaker.border_title = "Speaker"
            yield speaker
            note = NoteBox(placeholder="what was said; Enter saves", id="note", max_length=MAX_NOTE)
            note.border_title = "Note"
            yield note
            tags = Input(placeholder="comma separated", id="tags", select_on_focus=False)
            tags.border_title = "Tags (F6)"
            yield tags

    def show(
        self, state: ComposerState, status: Content, *, editing: str | None, width: int
    ) -> None:
        """`editing`: the time of the note being edited, if one is; `width`: the room for a
        line of text."""
        self.query_one("#kind-bar", Static).update(kind_bar(state.kind, width))
        line = self.query_one("#composer-status", Static)
        line.update(status)
        line.set_class(editing is not None, "-editing")
        note = self.query_one("#note", NoteBox)
        note.border_title = f"Editing the {editing} note" if editing else "Note"
        note.border_subtitle = "Enter saves, Esc cancels" if editing else ""
