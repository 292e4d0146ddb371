"""Finding the event a person means from what they typed on the command line.

`convener export awareness` should find "awareness-session-2025-03-01" when no other event
starts that way, and `convener export quetta dialogue` the one event whose title holds both
words. Several matches are never guessed between: the error lists them. Commands that
delete, restore or erase take only an exact slug or id (`exact=True`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from convener.storage.errors import NotFoundError
from convener.storage.events import decode, get_event
from convener.storage.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database

LISTED = 10


class AmbiguousEventError(NotFoundError):
    """More than one event matches; the message lists up to ten of them."""

    def __init__(self, ref: str, matches: list[dict[str, Any]]) -> None:
        self.matches = matches
        shown = "; ".join(
            f"{m['slug']} ({m.get('date') or 'no date'}: {m['title']})" for m in matches[:LISTED]
        )
        more = f"; and {len(matches) - LISTED} more" if len(matches) > LISTED else ""
        super().__init__(
            f"{ref!r} matches {len(matches)} events: {shown}{more}. Type more of the slug"
        )


def find_event(db: Database, ref: str, *, exact: bool = False) -> dict[str, Any]:
    """The one event `ref` names: exact slug, id, unique slug prefix, then title words."""
    ref = ref.strip()
    try:
        return get_event(db, ref)
    except NotFoundError:
        pass
    if exact or not ref:
        raise NotFoundError(f"no event {ref!r}; `convener events` lists them (give its exact slug)")
    events = [decode(r) for r in db.query("SELECT * FROM events ORDER BY date DESC, title")]
    prefixed = [e for e in events if str(e["slug"]).startswith(ref.lower())]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        raise AmbiguousEventError(ref, prefixed)
    words = [fold(w) for w in ref.split() if fold(w)]
    titled = [e for e in events if words and all(w in fold(str(e["title"])) for w in words)]
    if len(titled) == 1:
        return titled[0]
    if len(titled) > 1:
        raise AmbiguousEventError(ref, titled)
    raise NotFoundError(f"no event {ref!r}; `convener events` lists them")
