"""The live panel at the door: checked in / expected, by sex, by stakeholder group, latest.

Each count has a bar (the largest count's is full), drawn for the panel's width when it is
drawn; the panel is given new counts only when a check-in changes the room.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from convener.storage.taxonomy import Vocabulary, load_taxonomy
from convener.tui.widgets.bars import CountBars
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


def labelled(counts: Counter[str], vocab: Vocabulary) -> list[tuple[str, int]]:
    """Counts by code as (label, count), largest first; no code is "Not recorded"."""
    return [
        ("Not recorded" if code == "unrecorded" else vocab.label(code), n)
        for code, n in counts.most_common()
    ]


def walk_ins(n: int) -> str:
    return f"{n} walk-in{'' if n == 1 else 's'}"


def room_words(counts: Mapping[str, Any], *, short: bool = False) -> str:
    """`12 checked in of 41 expected`, or with walk-ins `14 checked in: 12 of 41 expected,
    2 walk-ins` (walk-ins are in the room but were never expected: "14 of 41" would
    overstate who came of those invited). `short` is the one-line form below 100 columns."""
    n, expected, walk = counts["checked_in"], counts["expected"], counts["walk_ins"]
    if short:
        return (
            f" of {expected} in"
            if not walk
            else f" in: {n - walk} of {expected} + {walk_ins(walk)}"
        )
    if not walk:
        return f" checked in of {expected} expected"
    return f" checked in: {n - walk} of {expected} expected, {walk_ins(walk)}"


class LivePanel(Static):
    """Renders a `tally`; every name is a rich Text, so user text is never markup."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"live-panel--bar"}

    def show(self, counts: dict[str, Any], labels: dict[str, str] | None = None) -> None:
        """Show `counts`; `labels` names people who share a name with what tells them apart."""
        tax = load_taxonomy()
        labels = labels or {}
        head = Text.assemble(
            (f"{counts['checked_in']}", "bold"),
            room_words(counts),
        )
        if not counts["checked_in"]:
            # No empty headings: say what the panel will show once people arrive.
            self.update(Group(head, Text(""), Text("Nobody is in the room yet.", style="italic")))
            return
        style = self.get_component_rich_style("live-panel--bar")
        sex = CountBars(labelled(counts["by_gender"], tax.genders), style)
        groups = CountBars(labelled(counts["by_group"], tax.stakeholder_groups), style)
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
