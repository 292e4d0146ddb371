"""Choosing a speaker (or an action item's owner) by typing a few letters.

People checked in come first, then those registered but not (yet) checked in, so a speaker
the door missed can still be picked. Protected attendees are indexed and shown only as
"(protected)": their name is neither displayed nor searchable. The typed words themselves are
offered too, as a free-text speaker: last when they look like a name, first when they are
several words matching no name ("a participant from the police").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from convener.storage.taxonomy import load_taxonomy
from convener.storage.text import clean_line, fold
from convener.tui.search import AttendeeIndex, Entry

PROTECTED = "(protected)"


@dataclass(frozen=True)
class Choice:
    """A person (`person_id` set) or words typed as they are (`person_id` None)."""

    person_id: str | None
    label: str
    detail: str = ""
    checked_in: bool = False

    @property
    def free_text(self) -> bool:
        return self.person_id is None


def display_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the picker may show and search it: protected people lose their details."""
    if not row.get("protected"):
        return row
    group = load_taxonomy().stakeholder_groups.label(row.get("stakeholder_group"))
    return {
        "id": row["id"],
        "name": PROTECTED,
        "designation": group,
        "organisation": "",
        "phone": "",
        "protected": 1,
        "checked_in_at": row.get("checked_in_at"),
    }


def choice_of(entry: Entry) -> Choice:
    r = entry.row
    detail = ", ".join(p for p in (r.get("designation"), r.get("organisation")) if p)
    return Choice(r["id"], r["name"] or "", detail, bool(r.get("checked_in_at")))


def subsequence_span(query: str, key: str) -> int | None:
    """How spread out `query`'s letters are within `key` (None if not all present in order)."""
    start = pos = -1
    for char in query:
        pos = key.find(char, pos + 1)
        if pos < 0:
            return None
        if start < 0:
            start = pos
    return pos - start


class SpeakerChooser:
    """All attendees of an event, searchable; checked-in people first."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        shown = [display_row(r) for r in rows]
        self.present = AttendeeIndex.build([r for r in shown if r.get("checked_in_at")])
        self.absent = AttendeeIndex.build([r for r in shown if not r.get("checked_in_at")])
        self.by_id = {r["id"]: r for r in shown}

    def label_for(self, person_id: str | None) -> str:
        row = self.by_id.get(person_id or "")
        return str(row["name"]) if row else ""

    def search(self, query: str, limit: int = 200) -> list[Choice]:
        """Matches for `query`, then (if something is typed) the typed words themselves."""
        hits = self.present.search(query) + self.absent.search(query)
        if not hits and query.strip():
            hits = self.fuzzy(query)
        choices = [choice_of(e) for e in hits[:limit]]
        typed = clean_line(query)
        if not typed or any(fold(c.label) == fold(typed) for c in choices):
            return choices
        as_typed = Choice(None, typed, "as typed")
        terms = [fold(t) for t in typed.split()]
        named = any(all(t in e.name_key for t in terms) for e in hits)
        if len(terms) > 1 and not named:
            # "a police officer" describes someone; people whose job matches come after
            return [as_typed, *choices]
        return [*choices, as_typed]

    def fuzzy(self, query: str) -> list[Entry]:
        """Names holding the typed letters in order ("rhd" finds Raheela Hameed Durrani)."""
        letters = fold(query).replace(" ", "")
        scored: list[tuple[bool, int, Entry]] = []
        for absent, index in ((False, self.present), (True, self.absent)):
            for entry in index.entries:
                span = subsequence_span(letters, entry.name_key)
                if span is not None:
                    scored.append((absent, span, entry))
        scored.sort(key=lambda s: (s[0], s[1]))
        return [entry for _, _, entry in scored]


class SpeakerList(Widget, can_focus=False):
    """The current matches; the highlighted one is what Enter picks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "speaker-list--cursor",
        "speaker-list--detail",
    }
    DEFAULT_CSS = """
    SpeakerList { height: 1fr; }
    SpeakerList > .speaker-list--cursor { background: $accent 40%; text-style: bold; }
    SpeakerList > .speaker-list--detail { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices: list[Choice] = []
        self.top = 0

    def show(self, choices: list[Choice], *, highlight: bool = True) -> None:
        """New matches; with nothing typed, nothing is highlighted until ↓ is pressed."""
        self.choices = choices
        self.top = 0
        self.cursor = 0 if highlight else -1

    @property
    def highlighted(self) -> Choice | None:
        return self.choices[self.cursor] if 0 <= self.cursor < len(self.choices) else None

    def move(self, delta: int) -> None:
        if self.choices:
            self.cursor = max(0, min(len(self.choices) - 1, self.cursor + delta))

    def watch_cursor(self, cursor: int) -> None:
        height = max(1, self.size.height)
        if cursor < self.top:
            self.top = max(0, cursor)
        elif cursor >= self.top + height:
            self.top = cursor - height + 1
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        index = self.top + y
        if index >= len(self.choices):
            if index == 0:
                hint = " Nobody checked in yet: type a name or a description."
                return Strip([Segment(hint, base)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        choice = self.choices[index]
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("speaker-list--cursor")
        detail_style = style + self.get_component_rich_style("speaker-list--detail", partial=True)
        if choice.free_text:
            name = f" “{choice.label}”"
        else:
            name = f" {choice.label}" if choice.checked_in else f" {choice.label} (not in)"
        name_width = min(width, max(18, width * 3 // 5))
        segments = [
            Segment(set_cell_size(name, name_width), style),
            Segment(set_cell_size(f" {choice.detail}", max(0, width - name_width)), detail_style),
        ]
        return Strip(segments).adjust_cell_length(width, style)
