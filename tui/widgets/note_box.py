"""The note box: one paragraph, soft-wrapped, growing from one line to a few as it fills.

A note is typed as fast as people speak and corrected in a hurry, so it is edited as text:
the words wrap to the box's width, ↑/↓ move a wrapped line, home/end and ctrl+←/→ move by
line and word. Terminals cannot tell shift+Enter from Enter, so Enter saves and a line break
that arrives in a paste becomes a space. Pastes and typing stop at `max_length`, a paste
being cut with a word as in every bounded box (bounded_input.py). ↑ on the first line, and
↓ on the last, are left to the screen (the timeline is above the box).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import EditResult, Location

from convener.tui.widgets.bounded_input import CutNotice, one_line


class NoteBox(TextArea, inherit_bindings=False):
    """A soft-wrapping, bounded, one-paragraph TextArea; Enter posts `NoteBox.Submitted`."""

    DEFAULT_CSS = """
    NoteBox { height: auto; min-height: 3; max-height: 8; }
    NoteBox .text-area--cursor-line { background: transparent; }
    """

    # Input's keys and a multi-line editor's, not inherited: TextArea's f6/f7 (select line,
    # select all) and ctrl+z/ctrl+y would hide the notes screen's own meanings of them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up a line", show=False),
        Binding("down", "cursor_down", "Down a line", show=False),
        Binding("left", "cursor_left", "Left", show=False),
        Binding("right", "cursor_right", "Right", show=False),
        Binding("ctrl+left", "cursor_word_left", "Word left", show=False),
        Binding("ctrl+right", "cursor_word_right", "Word right", show=False),
        Binding("home,ctrl+a", "cursor_line_start", "Line start", show=False),
        Binding("end,ctrl+e", "cursor_line_end", "Line end", show=False),
        Binding("ctrl+home", "text_start", "Start of the note", show=False),
        Binding("ctrl+end", "text_end", "End of the note", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("shift+left", "cursor_left(True)", "Select left", show=False),
        Binding("shift+right", "cursor_right(True)", "Select right", show=False),
        Binding("shift+up", "cursor_up(True)", "Select up", show=False),
        Binding("shift+down", "cursor_down(True)", "Select down", show=False),
        Binding("ctrl+shift+left", "cursor_word_left(True)", "Select word left", show=False),
        Binding("ctrl+shift+right", "cursor_word_right(True)", "Select word right", show=False),
        Binding("shift+home", "cursor_line_start(True)", "Select to line start", show=False),
        Binding("shift+end", "cursor_line_end(True)", "Select to line end", show=False),
        Binding("ctrl+shift+a", "select_all", "Select all", show=False),
        Binding("backspace", "delete_left", "Delete left", show=False),
        Binding("delete,ctrl+d", "delete_right", "Delete right", show=False),
        Binding(
            "ctrl+w,ctrl+backspace,alt+backspace", "delete_word_left", "Delete word", show=False
        ),
        Binding("alt+delete,ctrl+delete", "delete_word_right", "Delete word right", show=False),
        Binding("ctrl+u", "delete_to_start_of_line", "Delete to line start", show=False),
        Binding("ctrl+k", "delete_to_end_of_line", "Delete to line end", show=False),
        Binding("ctrl+x", "cut", "Cut", show=False),
        Binding("ctrl+c,super+c", "copy", "Copy", show=False),
        Binding("ctrl+v", "paste", "Paste", show=False),
    ]

    class Submitted(Message):
        """Enter was pressed in the box."""

        def __init__(self, box: NoteBox) -> None:
            super().__init__()
            self.box = box

        @property
        def control(self) -> NoteBox:
            return self.box

    def __init__(self, *, max_length: int, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=placeholder,
            id=id,
        )
        self.max_length = max_length
        self.cut_notice = CutNotice(self)

    # --- what the screen and the tests read and set, as on an Input -------------------------

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        """Replace the whole text (history cleared), the cursor at its end to type on."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def type_text(self, text: str) -> None:
        """Insert at the cursor as typing would (bounded, one line)."""
        self._replace_via_keyboard(text, *self.selection)

    @property
    def on_first_row(self) -> bool:
        """The cursor is on the first wrapped row: ↑ leaves the box from here."""
        return self.wrapped_document.location_to_offset(self.cursor_location).y == 0

    @property
    def on_last_row(self) -> bool:
        return (
            self.wrapped_document.location_to_offset(self.cursor_location).y
            >= self.wrapped_document.height - 1
        )

    # --- keys -------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":  # saves: never a line break in a note
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self))
            return
        await super()._on_key(event)

    def action_cursor_up(self, select: bool = False) -> None:
        if self.on_first_row and not select:
            raise SkipAction()  # the screen's ↑: into the timeline
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        if self.on_last_row and not select:
            raise SkipAction()
        super().action_cursor_down(select)

    def action_text_start(self) -> None:
        self.move_cursor((0, 0))

    def action_text_end(self) -> None:
        self.move_cursor(self.document.end)

    def action_delete_to_end_of_line(self) -> None:
        """ctrl+k: to the end of the text's line (TextArea's own deletes empty lines too)."""
        end = self.get_cursor_line_end_location()
        if end != self.cursor_location:
            self._delete_via_keyboard(self.cursor_location, end)

    # --- bounds -----------------------------------------------------------------------------

    def room_for(self, start: Location, end: Location) -> int:
        """How many characters may replace the text between `start` and `end`."""
        replaced = len(self.get_text_range(start, end))
        return max(0, self.max_length - len(self.text) + replaced)

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        """Every typed or pasted text: one line, cut to the room left."""
        kept = one_line(insert)[: self.room_for(start, end)]
        if not kept and start == end:
            return None
        return super()._replace_via_keyboard(kept, start, end)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not TextArea's handler: it inserts line breaks, unbounded
        event.stop()
        if self.read_only:
            return
        start, end = sorted(self.selection)
        line = one_line(event.text)
        kept = line[: self.room_for(start, end)]
        if kept and (result := super()._replace_via_keyboard(kept, start, end)):
            self.move_cursor(result.end_location)
        if len(kept) < len(line):
            self.cut_notice.say(self.max_length, len(line) - len(kept))
