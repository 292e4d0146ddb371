"""Every key of every screen, read from the bindings themselves: for F1 and docs/keys.md.

The help screen and the generated key table read the same bindings a screen has (its
classes' bindings plus those it adds at run time, such as the taxonomy's note kinds), so
neither can drift from what the keys really do. `convener.tui.keytable` writes the
Markdown table kept in docs/keys.md; a test fails when that file is stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.screen import Screen

# Keys that terminals often take for themselves, or that need "Option as Meta" on macOS.
FRAGILE_PREFIXES = ("alt+",)
FRAGILE_KEYS = frozenset({"f10", "f11"})
# An action whose own keys are all fragile may instead be reached through another action.
REACHED_THROUGH = {"kind": "pick_kind"}


@dataclass(frozen=True)
class KeyRow:
    """One binding as a person reads it: its keys, what it does, and where it shows."""

    keys: tuple[str, ...]
    action: str
    description: str
    in_footer: bool

    @property
    def shown_keys(self) -> str:
        return " / ".join(self.keys)

    @property
    def action_name(self) -> str:
        return self.action.split("(")[0]

    @property
    def robust(self) -> bool:
        """True if some key of this binding works without F10/F11 or alt+letter."""
        return any(
            key not in FRAGILE_KEYS and not key.startswith(FRAGILE_PREFIXES) for key in self.keys
        )


def screen_bindings(screen: type[Screen[Any]]) -> list[Binding]:
    """Convener's own bindings of a screen class: its classes' BINDINGS and run-time ones.

    Textual's own screen keys (tab, shift+tab) are left to the global part of the help.
    """
    found: list[Binding] = []
    for cls in reversed(screen.__mro__):
        if not cls.__module__.startswith("convener."):
            continue
        found += [b for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)]
    runtime: Callable[[], list[Binding]] | None = getattr(screen, "runtime_bindings", None)
    return found + (runtime() if runtime else [])


def _keys(binding: Binding) -> list[str]:
    return [key.strip() for key in binding.key.split(",") if key.strip()]


def key_rows(screen: type[Screen[Any]]) -> list[KeyRow]:
    """One row per binding (a key list such as `d / delete` is one row)."""
    return [
        KeyRow(tuple(_keys(b)), b.action, b.description, b.show) for b in screen_bindings(screen)
    ]


def clashes(screen: type[Screen[Any]]) -> dict[str, list[str]]:
    """Keys bound to more than one action on the same screen: key -> the actions."""
    actions: dict[str, set[str]] = {}
    for binding in screen_bindings(screen):
        for key in _keys(binding):
            actions.setdefault(key, set()).add(binding.action)
    return {key: sorted(found) for key, found in actions.items() if len(found) > 1}


def unreachable(screen: type[Screen[Any]]) -> list[str]:
    """Actions that only F10/F11 or alt+letter reach (and no documented alternative does)."""
    rows = key_rows(screen)
    actions = {row.action_name for row in rows}
    return [
        row.description
        for row in rows
        if not row.robust and REACHED_THROUGH.get(row.action_name) not in actions
    ]
