"""Figures 1, 2 and 7: what a user sees in a real terminal, driven through tmux.

Start-up and keystroke figures call `ttfs.py` and `keylat.py` from the shared measuring
tools (`../shared/tools` next to the repository, or `$CONVENER_SHARED_TOOLS`) with `--json`
and read their medians back. Peak memory starts each app in a tmux pane through the same
tools' harness, waits for its first screen, and reads the kernel's high-water mark.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.report import Figure, unavailable

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def shared_tools() -> Path:
    """The measuring tools: $CONVENER_SHARED_TOOLS, else ../shared/tools beside the repo."""
    env = os.environ.get("CONVENER_SHARED_TOOLS")
    return Path(env) if env else REPO.parent / "shared" / "tools"


def missing_tools() -> str:
    """Why the terminal figures cannot run here, or "" when they can."""
    tools = shared_tools()
    if not (tools / "ttfs.py").is_file():
        return f"measuring tools not found in {tools} (set CONVENER_SHARED_TOOLS)"
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    return ""


def _cmd(*parts: str | Path) -> str:
    return " ".join(shlex.quote(str(p)) for p in parts)


def _app(name: str, *args: str | Path) -> str:
    """Shell command for a floor app of the shared tools, run by this venv's Python."""
    return _cmd(sys.executable, shared_tools() / "apps" / name, *args)


def _convener(db: Path, *args: str) -> str:
    return _cmd(BIN / "convener", "--db", db, *args)


def _tool(script: str, args: list[str], out: Path) -> dict[str, Any]:
    """Run a shared tool with --json; its per-run log goes to our stderr as it happens."""
    argv = [sys.executable, str(shared_tools() / script), "--json", str(out), *args]
    done = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE, text=True)
    print(done.stdout, file=sys.stderr)
    if not out.is_file():
        raise RuntimeError(f"{script} wrote no results (exit {done.returncode})")
    data: dict[str, Any] = json.loads(out.read_text())
    return {app["label"]: app["summary"] for app in data["apps"]}


def ttfs_figure(db: Path, title: str, out: Path, runs: int = 9) -> Figure:
    """Figure 1: `convener --db` to its event list vs the bare Textual app."""
    name = "time to first screen"
    if why := missing_tools():
        return unavailable("ttfs", name, "ms", 1.25, why)
    apps = [
        ["-a", "hello", "Hello, World!", _app("hello.py")],
        ["-a", "convener", title, _convener(db)],
    ]
    args = ["-n", str(runs), "--warmup", "1", "--floor", "hello", "-q"]
    summary = _tool("ttfs.py", args + [x for a in apps for x in a], out)
    ours, floor = summary["convener"], summary["hello"]
    return Figure(
        "ttfs",
        name,
        "ms",
        _ms(ours["median"]),
        _ms(floor["median"]),
        1.25,
        detail={"convener": ours, "hello": floor, "expect": title},
    )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def keylat_figures(
    db: Path, slug: str, attendees: int, out: Path, keys: int = 32, rounds: int = 2
) -> list[Figure]:
    """Figure 2: keystroke to settled results on the check-in screen vs echo in a bare Input.

    `--settle` is short (50 ms) because the top bar's clock ticks once a second; a tick
    inside the window can only lengthen a sample by the window, never shorten it.
    """
    names = ("keystroke to updated results, median", "keystroke to updated results, p95")
    if why := missing_tools():
        return [
            unavailable("keys", names[0], "ms", 1.5, why),
            unavailable("keys95", names[1], "ms", 100, why, "abs"),
        ]
    ready = f"{attendees} registered"
    apps = [
        ["-a", "input", "type here", _app("inputapp.py")],
        ["-a", "checkin", ready, _convener(db, "checkin", slug)],
        ["-a", "naive", f"{attendees} attendees", _app("searchapp.py", str(attendees))],
    ]
    args = ["--settle", "0.05", "--text", "kaka", "--reset-every", "4", "-k", str(keys)]
    args += ["--rounds", str(rounds), "--floor", "input", "-q"]
    summary = _tool("keylat.py", args + [x for a in apps for x in a], out)
    ours, floor, naive = summary["checkin"], summary["input"], summary["naive"]
    detail = {"checkin": ours, "input": floor, "naive_searchapp": naive, "ready": ready}
    median = Figure(
        "keys", names[0], "ms", _ms(ours["settle_median"]), _ms(floor["median"]), 1.5, detail=detail
    )
    p95 = Figure("keys95", names[1], "ms", _ms(ours["settle_p95"]), _ms(floor["p95"]), 100, "abs")
    p95.note = "reference: p95 of the bare Input's echo"
    return [median, p95]


def _peak_kb(pids: list[int]) -> int:
    """The largest VmHWM (peak resident set) among `pids`, in kB."""
    peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak


def memory_figures(
    db: Path, slug: str, title: str, attendees: int, rounds: int = 3, linger: float = 1.5
) -> list[Figure]:
    """Figure 7: peak RSS vs the bare Textual app, at the first screen and at the door.

    The first screen is what `convener --db` shows (the events); the check-in screen is
    where all attendees are held in memory, so it is reported as well.
    """
    names = {
        "home": f"peak memory, first screen ({attendees:,} attendees)",
        "checkin": f"peak memory, check-in screen ({attendees:,} attendees)",
    }
    if why := missing_tools():
        return [unavailable(f"memory-{k}", name, "MB", 1.5, why) for k, name in names.items()]
    apps = {
        "hello": ("Hello, World!", _app("hello.py")),
        "home": (title, _convener(db)),
        "checkin": (f"{attendees} registered", _convener(db, "checkin", slug)),
    }
    peaks = _peaks(apps, rounds, linger)
    medians = {label: statistics.median(v) for label, v in peaks.items()}
    return [
        Figure(
            f"memory-{k}", name, "MB", medians[k], medians["hello"], 1.5, detail={"peaks_mb": peaks}
        )
        for k, name in names.items()
    ]


def _peaks(apps: dict[str, tuple[str, str]], rounds: int, linger: float) -> dict[str, list[float]]:
    """VmHWM in MB of each app, `linger` seconds after its EXPECT text first shows."""
    sys.path.insert(0, str(shared_tools()))
    try:
        from tmuxharness import Tmux, _session_members, make_matcher
    finally:
        sys.path.remove(str(shared_tools()))
    peaks: dict[str, list[float]] = {label: [] for label in apps}
    with Tmux(tool="benchmem", width=120, height=40) as tmux:
        for _ in range(rounds):
            for label, (expect, command) in apps.items():
                match = make_matcher(expect)
                pane = tmux.new(command, cwd=str(REPO))
                try:
                    deadline = time.monotonic() + 30
                    while not match(screen := tmux.capture(pane)):
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"{label} never showed {expect!r}:\n{screen}")
                        time.sleep(0.02)
                    time.sleep(linger)
                    members = _session_members(pane.pid) or [pane.pid]
                    peaks[label].append(_peak_kb(members) / 1024)
                finally:
                    tmux.kill(pane)
    return peaks
