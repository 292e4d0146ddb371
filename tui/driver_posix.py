"""The POSIX terminal driver with `FloodGate` (tui/driver.py) between Textual's key parser
and the app. Imported only where termios exists (tui/driver.py decides)."""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual import events
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from convener.tui.driver import FloodGate


class FloodSafeDriver(LinuxDriver):
    """Textual 8.2.8's input loop with `FloodGate` between the parser and the app."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        gate = FloodGate()

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool) -> None:
            for at, (_key, mask) in enumerate(ready):
                if mask & selectors.EVENT_READ:
                    data = decode(
                        os.read(self.fileno, 1024 * 4), final=final and at == len(ready) - 1
                    )
                    if not data:
                        break
                    text = gate.plain_flood(data)
                    if text is not None:
                        self.process_message(events.Paste(text))
                        continue
                    for event in gate.coalesce(list(parser.feed(data))):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1), final=False)
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
