"""The live panel at the door: checked in / expected, by sex, by stakeholder group, latest."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from convener.storage.taxonomy import load_taxonomy
from convener.tui.widgets.result_list import local_time


def tally(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts from the in-memory attendee rows (no database round trip per check-in)."""
    expected = 0
    inside: list[Mapping[str, Any]] = []
    for r in rows:
        expected += r.get("source") != "walk_in"
        if r.get("checked_in_at"):
            inside.append(r)
    return {
        "expected": expected,
        "checked_in": len(inside),
        "walk_ins": sum(1 for r in inside if r.get("source") == "walk_in"),
        "by_gender": Counter(r.get("gender") or "unrecorded" for r in inside),
        "by_group": Counter(r.get("stakeholder_group") or "unrecorded" for r in inside),
        "latest": heapq.nlargest(5, inside, key=lambda r: r["checked_in_at"]),
    }


def walk_in_note(n: int) -> str:
    return f" (incl. {n} walk-in{'' if n == 1 else 's'})" if n else ""


def counts_grid() -> Table:
    """Two columns: a label that is cut rather than wrapped, and a right-aligned count."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", width=5)
    return grid


class LivePanel(Static):
    """Renders a `tally`; every name is a rich Text, so user text is never markup."""

    def show(self, counts: dict[str, Any], labels: dict[str, str] | None = None) -> None:
        """Show `counts`; `labels` names people who share a name with what tells them apart."""
        tax = load_taxonomy()
        labels = labels or {}
        head = Text.assemble(
            (f"{counts['checked_in']}", "bold"),
            f" checked in of {counts['expected']} expected",
            walk_in_note(counts["walk_ins"]),
        )
        if not counts["checked_in"]:
            # No empty headings: say what the panel will show once people arrive.
            self.update(Group(head, Text(""), Text("Nobody is in the room yet.", style="italic")))
            return
        sex = counts_grid()
        for code, n in counts["by_gender"].most_common():
            label = "Not recorded" if code == "unrecorded" else tax.genders.label(code)
            sex.add_row(Text(label), Text(str(n)))
        groups = counts_grid()
        for code, n in counts["by_group"].most_common():
            label = "Not recorded" if code == "unrecorded" else tax.stakeholder_groups.label(code)
            groups.add_row(Text(label), Text(str(n)))
        latest = Table.grid(padding=(0, 1))
        for r in counts["latest"]:
            name = "(protected)" if r.get("protected") else labels.get(r["id"], r["name"])
            latest.add_row(Text(local_time(r["checked_in_at"])), Text(name))
        self.update(
            Group(
                head,
                Text(""),
                Text("By sex", style="bold underline"),
                sex,
                Text(""),
                Text("By stakeholder group", style="bold underline"),
                groups,
                Text(""),
                Text("Latest arrivals", style="bold underline"),
                latest,
            )
        )
