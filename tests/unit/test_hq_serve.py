"""`convener hq serve`: Datasette started for real on a loopback port, its pages fetched over
HTTP, and the privacy rules checked on what it answers."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convener.storage.hq.warehouse import ingest, set_setting
from convener.storage.reports.hq_export import export_hq
from tests.unit.hq_helpers import NOT_NAMED, SLUG, laptop, opened, report_numbers

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("datasette") is None, reason="needs convener[hq] (make test has it)"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HIDDEN_TABLES = ("p_value", "p_checkin", "s_p_value", "wh_files", "named", "tallies", "wh_settings")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`convener hq serve WAREHOUSE --port N` in its own process group (it starts Datasette)."""

    def __init__(self, warehouse: Path, home: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
        command = [sys.executable, "-m", "convener.tui.cli", "hq", "serve", str(warehouse)]
        self.log = home / f"serve-{self.port}.log"  # a pipe nobody reads would fill and stall
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    self.process.stdout.read().decode() if self.process.stdout else ""
                )
            try:
                self.get("/")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("Datasette did not answer within 60 s")

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, path: str) -> Any:
        status, body = self.get(path)
        assert status == 200, (path, status, body[:300])
        return json.loads(body)

    def stop(self) -> None:
        """Stop `hq serve` as `kill` would: the Datasette it started must stop with it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
            with pytest.raises(urllib.error.URLError):
                self.get("/")
        finally:
            if hasattr(os, "killpg"):  # whatever is left of this test's own processes
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def served(
    imported: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("hq-serve")
    field = laptop(imported, folder / "field", "door", new_device=False)
    with opened(field) as db:
        hq = export_hq(db, SLUG, folder / "usb")
    warehouse = folder / "ho" / "warehouse.db"
    ingest(warehouse, [hq])
    server = Server(warehouse, folder)
    yield server, field
    server.stop()


def test_custom_sql_is_refused(served: tuple[Server, Path]) -> None:
    server, _ = served
    for path in (
        "/headoffice.json?sql=select+*+from+sqlite_master",
        "/headoffice?sql=select+1",
        "/headoffice/events.json?_where=1%3D1+union+select+1",
    ):
        status, _ = server.get(path)
        assert status in (400, 403), path


def test_only_public_tables_are_reachable_and_no_ids(served: tuple[Server, Path]) -> None:
    server, _ = served
    assert [d["name"] for d in server.json("/-/databases.json")] == ["headoffice"]
    tables = {t["name"] for t in server.json("/headoffice.json")["tables"]}
    assert tables == {
        "events", "attendance", "commitments", "notes", "files", "people_reached", "codes",
    }  # fmt: skip
    for name in HIDDEN_TABLES:
        assert server.get(f"/headoffice/{name}.json")[0] == 404
    everything = b""
    for name in tables:
        status, body = server.get(f"/headoffice/{name}.json?_shape=array&_size=max")
        assert status == 200
        everything += body
    text = everything.decode("utf-8")
    assert not UUID.search(text)
    for name in NOT_NAMED:
        assert name not in text
    assert "Ejaz Ahmed" not in text  # agreed to be named, but lists of names are off


def test_totals_equal_the_events_report_and_codes_have_labels(
    served: tuple[Server, Path],
) -> None:
    server, field = served
    rows = server.json("/headoffice/attendance.json?_shape=array&_size=max")
    numbers = report_numbers(field)
    by_sex = {r["label"]: r["participants"] for r in rows if r["dimension"] == "Sex"}
    assert by_sex == {label: n for (d, label), n in numbers.items() if d == "sex"}
    [total] = [r["participants"] for r in rows if r["dimension"] == "Participants"]
    assert total == numbers[("total", "")]
    groups = {r["code"]: r["label"] for r in rows if r["dimension"] == "Stakeholder group"}
    assert groups["civil_society"] == "Civil society / NGOs"
    months = server.json("/headoffice/attendance_by_month.json?_shape=array")
    assert {m["month"] for m in months} == {"2025-05"}
    assert server.json("/headoffice/events_per_district.json?_shape=array") == [
        {"district": "Quetta", "province": "Balochistan", "events": 1, "participants": total}
    ]
    commitments = server.json("/headoffice/open_commitments.json?_shape=array")
    assert len(commitments) == 4 and all(c["owner"] for c in commitments)


def test_pages_load_nothing_from_the_network(served: tuple[Server, Path]) -> None:
    server, _ = served
    for path in ("/", "/headoffice", "/headoffice/events", "/headoffice/open_commitments"):
        status, body = server.get(path)
        assert status == 200
        html = body.decode("utf-8")
        loaded = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]+)"', html)
        local = [u.removeprefix(server.base) for u in loaded]
        assert local and not [u for u in local if re.match(r"(https?:)?//", u)], loaded
        for url in local:  # and all of it is there, served by Datasette itself
            assert server.get(url)[0] == 200, url


def test_named_attendees_only_with_the_setting_and_only_those_who_agreed(
    served: tuple[Server, Path], tmp_path: Path
) -> None:
    server, field = served
    assert "Uvicorn running on http://127.0.0.1:" in server.log.read_text("utf-8")
    with opened(field) as db:
        hq = export_hq(db, SLUG, tmp_path / "usb")
    warehouse = tmp_path / "ho" / "w.db"
    ingest(warehouse, [hq])
    set_setting(warehouse, "person_events", "on")
    allowed = Server(warehouse, tmp_path)
    try:
        rows = allowed.json("/headoffice/named_attendees.json?_shape=array&_size=max")
    finally:
        allowed.stop()
    names = {r["name"] for r in rows}
    assert "Ejaz Ahmed" in names and len(names) == 37
    assert not names & set(NOT_NAMED)
    assert {r["sex"] for r in rows} == {"Female", "Male"}  # labels, not codes


def test_the_dashboard_draws_the_report_numbers_as_bars_from_this_laptop_only(
    served: tuple[Server, Path],
) -> None:
    server, field = served
    status, front = server.get("/")
    assert status == 200 and b'href="/dashboard/index.html"' in front
    status, body = server.get("/dashboard/index.html")
    assert status == 200
    page = body.decode("utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from elsewhere
    assert "<script" not in page
    numbers = report_numbers(field)
    sex = page.split("Attendance by sex, per month", 1)[1].split("<h2>", 1)[0]
    for (dimension, label), n in numbers.items():
        if dimension == "sex":  # each count as text, with a bar as long as the count
            assert re.search(rf"<td>{label}</td><td class=\"n\">{n}</td>", sex), label
    top = max(n for (d, _), n in numbers.items() if d == "sex")
    assert f'style="width: 20.0em" title="{top}"' in sex
    commitments = page.split("Open commitments by owner and due date", 1)[1]
    assert commitments.count("<tr>") == 1 + 4  # the heading row and the four open ones
    assert "1 event, " in page
