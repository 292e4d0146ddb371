"""The process test_kill9.py kills: checks people in, saves notes and a growing draft.

It uses the real storage writer. Before each write it prints an intent line, and after the
write's future resolves an acknowledgement, flushed at once, so the parent knows exactly
which writes were acknowledged when the SIGKILL arrived:

    S <monotonic start>                  typing started (the draft grows from here)
    c <person> / C <person>              check-in intended / acknowledged
    u <person> / U <person>              undo intended / acknowledged
    n <text> / N <text>                  note intended / acknowledged
    D <length>                           draft of that many characters acknowledged

Usage: kill9_child.py DB CHECKIN_EVENT_ID DRAFT_EVENT_ID SEED

With `--zygote` it imports everything once, then forks a fresh child for each request line
`FIFO DB CHECKIN_EVENT_ID DRAFT_EVENT_ID SEED` read on stdin, answering with the child's
pid; the child writes its lines to FIFO. Forking saves the ~0.4 s of Python start-up per
trial, so 50+ kills fit in a few seconds; each child still opens its own connection.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

from convener.storage.attendees import list_attendees
from convener.storage.checkins import check_in, undo_check_in
from convener.storage.db.writer import Writer
from convener.storage.notes import add_note, save_draft

CHAR_SECONDS = 0.004  # a fast typist: 250 characters a second
DRAFT_EVERY = 0.2
TEXT = "".join(f"{i:06d} " for i in range(100_000))


def typed_length(start: float, at: float) -> int:
    return int((at - start) / CHAR_SECONDS)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(args: list[str]) -> None:
    path, event_id, draft_event_id, seed = Path(args[0]), args[1], args[2], args[3]
    rng = random.Random(seed)
    writer = Writer(path, retry_for=10)
    writer.start().result()
    people = writer.submit(lambda db: list_attendees(db, event_id), write=False).result()
    active = {p["id"] for p in people if p["checked_in_at"]}
    ids = [p["id"] for p in people]
    start = time.monotonic()
    say(f"S {start!r}")

    def drafts() -> None:
        while True:
            text = TEXT[: typed_length(start, time.monotonic())]
            writer.submit(lambda db, t=text: save_draft(db, draft_event_id, {"text": t})).result()
            say(f"D {len(text)}")
            time.sleep(DRAFT_EVERY)

    threading.Thread(target=drafts, daemon=True).start()
    n = 0
    while True:
        person = rng.choice(ids)
        if person in active:
            say(f"u {person}")
            writer.submit(lambda db, p=person: undo_check_in(db, event_id, p)).result()
            active.discard(person)
            say(f"U {person}")
        else:
            say(f"c {person}")
            result = writer.submit(lambda db, p=person: check_in(db, event_id, p)).result()
            assert result.created
            active.add(person)
            say(f"C {person}")
        n += 1
        text = f"note {seed}-{n}"
        say(f"n {text}")
        writer.submit(lambda db, t=text: add_note(db, event_id, {"text": t})).result()
        say(f"N {text}")


def zygote() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    for request in sys.stdin:
        fifo, *args = request.split()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            fd = os.open(fifo, os.O_WRONLY)
            os.dup2(fd, 1)
            os.close(fd)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            try:
                main(args)
            finally:
                os._exit(1)
        say(str(pid))


if __name__ == "__main__":
    zygote() if sys.argv[1:] == ["--zygote"] else main(sys.argv[1:])
