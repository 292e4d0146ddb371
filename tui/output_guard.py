"""The last guard between data and the terminal: no control character is ever drawn.

Text is cleaned when it enters the database (convener.storage.text), but a database written by an
older version, another tool or a hand edit could still hold `ESC ] 0 ;` (set the window
title), `ESC ] 52` (write the clipboard), `ESC [ 2 J` or C1 controls. Textual writes the
text of every segment to the terminal as it is, so this module makes `Strip.render` drop
C0/C1 controls and bidi overrides from segment *text* before styling it. Textual's own
escape sequences are produced from styles and controls, never from segment text, so they
are unaffected. Control characters have no width, so the layout does not move.

It relies on `Strip` internals; Textual is pinned to an exact version, and
tests/reliability/test_bad_input.py proves the guard on real terminal output.
"""

from __future__ import annotations

import re

from rich.color import ColorSystem
from rich.console import Console
from textual.strip import Strip

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """`text` without anything a terminal would act on instead of printing."""
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def _render(self: Strip, console: Console) -> str:
    if self._render_cache is None:
        color_system = console._color_system or ColorSystem.TRUECOLOR
        render = self.render_style
        self._render_cache = "".join(
            [
                safe(text) if style is None else render(style, safe(text), color_system)
                for text, style, _ in self._segments
            ]
        )
    return self._render_cache


def install() -> None:
    """Route every strip Textual draws through `safe` (idempotent)."""
    Strip.render = _render  # type: ignore[method-assign]
