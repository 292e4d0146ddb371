"""The one-line room count that stands in for the live panel below 100 columns."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from convener.storage.taxonomy import load_taxonomy


def room_text(counts: dict[str, Any]) -> Text:
    """`12 of 41 in · Female 5 · Male 7 · ctrl+o panel` (labels from the taxonomy)."""
    tax = load_taxonomy()
    parts = [Text.assemble((str(counts["checked_in"]), "bold"), f" of {counts['expected']} in")]
    for code, n in counts["by_gender"].most_common():
        label = "Not recorded" if code == "unrecorded" else tax.genders.label(code)
        parts.append(Text(f"{label} {n}"))
    parts.append(Text("ctrl+o panel", style="dim"))
    return Text(" · ").join(parts)


class RoomLine(Static):
    """Counts by sex on one line; the full panel is one key (ctrl+o) away."""

    def show(self, counts: dict[str, Any]) -> None:
        self.update(room_text(counts))
