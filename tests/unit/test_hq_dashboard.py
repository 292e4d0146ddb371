"""The head-office dashboard page as HTML: user text escaped, an empty warehouse said so."""

from __future__ import annotations

import sqlite3

from convener.storage.hq.dashboard import dashboard_html
from convener.storage.hq.served import SERVED_SCHEMA


def served_copy() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SERVED_SCHEMA)
    return conn


def test_an_empty_warehouse_says_so_and_draws_no_bars() -> None:
    page = dashboard_html(served_copy())
    assert "0 events, 0 participations." in page
    assert "No events loaded yet." in page and "No open commitments." in page
    assert 'class="bar"' not in page


def test_typed_text_is_shown_literally_never_as_markup() -> None:
    conn = served_copy()
    conn.execute(
        "INSERT INTO events (id, title, date, month, district, participants)"
        " VALUES (1, 'Dialogue <b>1</b>', '2025-05-14', '2025-05', '<script>x</script>', 3)"
    )
    conn.execute(
        "INSERT INTO attendance (event, month, dimension, code, label, participants)"
        " VALUES (1, '2025-05', 'Sex', 'female', 'Female', 2),"
        " (1, '2025-05', 'Sex', 'male', 'Male', 1),"
        " (1, '2025-05', 'Stakeholder group', 'x', 'گروپ \"{% raw %}', 3)"
    )
    conn.execute(
        "INSERT INTO commitments (event, owner, commitment, due_date, status)"
        " VALUES (1, '[bold]FIA[/]', 'Share <img src=x onerror=alert(1)> data', '', 'open'),"
        " (1, 'Police', 'Done already', '2025-06-01', 'done')"
    )
    page = dashboard_html(conn)
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "[bold]FIA[/]" in page and "گروپ &quot;{% raw %}" in page
    assert "Done already" not in page  # done is not open
    assert "no date" in page
    female, male = (
        float(page.split(f"<td>{label}</td>")[1].split("width: ")[1].split("em")[0])
        for label in ("Female", "Male")
    )
    assert (female, male) == (20.0, 10.0)
