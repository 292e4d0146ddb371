"""Keeps the note being typed safe: saved as the event's draft a moment after typing pauses,
and at once (synchronously) when the app quits or the terminal goes away.

The state saved is the screen's plain `ComposerState`, never read back from widgets, so the
flush still works from a signal handler after the widgets are gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.timer import Timer

from convener.storage.errors import ConvenerError
from convener.storage.notes import save_draft
from convener.tui.widgets.composer import ComposerState

if TYPE_CHECKING:
    from convener.tui.screens.base import ConvenerScreen
    from convener.tui.session import Session

DRAFT_DELAY = 0.6  # seconds after the last keystroke
DRAFT_MAX_WAIT = 0.9  # steady typing is still saved at least this often
MIN_WAIT = 0.05
FLUSH_TIMEOUT = 1.5


class DraftKeeper:
    """Debounced and flushable saving of `state()` as the draft of one event."""

    def __init__(
        self, owner: ConvenerScreen, event_id: str, state: Callable[[], ComposerState]
    ) -> None:
        self.owner = owner
        self.event_id = event_id
        self.state = state
        self.dirty = False
        self.timer: Timer | None = None
        self.first_unsaved: float | None = None

    @property
    def session(self) -> Session:
        return self.owner.session

    def touch(self) -> None:
        """Something changed: save once typing pauses for DRAFT_DELAY, but never let the
        oldest unsaved keystroke wait longer than DRAFT_MAX_WAIT (a power cut mid-sentence)."""
        now = time.monotonic()
        if not self.dirty or self.first_unsaved is None:
            self.first_unsaved = now
        self.dirty = True
        wait = min(DRAFT_DELAY, self.first_unsaved + DRAFT_MAX_WAIT - now)
        if self.timer is not None:
            if wait <= MIN_WAIT:
                return  # a save is due any moment: pushing it back would starve it
            self.timer.stop()
        # Textual timers divide by their interval: never ask for a zero-second one.
        self.timer = self.owner.set_timer(max(MIN_WAIT, wait), self.save)

    def cancel(self) -> None:
        """The note is being committed; that write clears the draft itself."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        self.dirty = False

    async def save(self) -> None:
        self.timer = None
        if not self.dirty or self.session.read_only:
            return
        self.dirty = False
        self.first_unsaved = None
        fields, event_id = self.state().draft_fields(), self.event_id
        window = self.session.window_id
        try:
            await self.session.db.write(lambda db: save_draft(db, event_id, fields, window=window))
        except ConvenerError:
            self.dirty = True  # the save indicator says why; the next pause retries

    def flush(self) -> None:
        """Save now and wait for it (quit, SIGHUP, SIGTERM); safe from a signal handler."""
        if not self.dirty or self.session.read_only:
            return
        fields, event_id = self.state().draft_fields(), self.event_id
        window = self.session.window_id
        self.session.writer.submit(
            lambda db: save_draft(db, event_id, fields, window=window)
        ).result(timeout=FLUSH_TIMEOUT)
        self.dirty = False

    def flush_later(self) -> None:
        """Leaving the screen: queue the save without waiting for it."""
        if self.timer is not None:
            self.timer.stop()
        if self.dirty and not self.session.read_only:
            fields, event_id = self.state().draft_fields(), self.event_id
            window = self.session.window_id
            self.session.writer.submit(lambda db: save_draft(db, event_id, fields, window=window))
            self.dirty = False


def restored_state(draft: dict[str, Any], speaker_label: str, base: ComposerState) -> ComposerState:
    """The composer as the draft left it; sticky settings the draft lacks come from `base`."""
    return ComposerState(
        speaker_id=draft.get("speaker_id"),
        speaker_text=str(draft.get("speaker_text") or ""),
        speaker_label=speaker_label,
        kind=draft.get("kind") or base.kind,
        attribution=draft.get("attribution") or base.attribution,
        text=str(draft.get("text") or ""),
        tags=list(draft.get("tags") or []),
        agenda_item_id=draft.get("agenda_item_id") or base.agenda_item_id,
        note_id=draft.get("note_id"),
    )
