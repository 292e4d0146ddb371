"""One row per figure: what Convener took, what the reference took, the ratio and the target."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """A measured figure. `limit` is the target: a ratio (`per="ratio"`) or an absolute value."""

    key: str
    name: str
    unit: str
    convener: float | None
    reference: float | None
    limit: float
    per: str = "ratio"  # "ratio": convener / reference <= limit; "abs": convener < limit
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.convener is None or not self.reference:
            return None
        return self.convener / self.reference

    @property
    def met(self) -> bool | None:
        if self.per == "abs":
            return None if self.convener is None else self.convener < self.limit
        return None if self.ratio is None else self.ratio <= self.limit

    @property
    def target(self) -> str:
        if self.per == "abs":
            return f"< {self.limit:g} {self.unit}"
        return f"<= {self.limit:g}x"

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met, "target": self.target}


def unavailable(
    key: str, name: str, unit: str, limit: float, why: str, per: str = "ratio"
) -> Figure:
    """A figure that could not be measured here (no tmux, module missing): shown as n/a."""
    return Figure(key, name, unit, None, None, limit, per, note=why)


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    text = (
        f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
    )
    return f"{text} {unit}"


def rows(figures: Sequence[Figure]) -> list[list[str]]:
    table = [["figure", "Convener", "reference", "ratio", "target", "met?"]]
    for f in figures:
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}x"
        met = "n/a" if f.met is None else ("yes" if f.met else "NO")
        reference = "-" if f.reference is None and f.per == "abs" else _num(f.reference, f.unit)
        table.append([f.name, _num(f.convener, f.unit), reference, ratio, f.target, met])
    return table


def render(figures: Sequence[Figure], markdown: bool = False) -> str:
    """The table as aligned text, or as a Markdown table for docs/performance.md."""
    table = rows(figures)
    if markdown:
        lines = ["| " + " | ".join(table[0]) + " |", "|" + "---|" * len(table[0])]
        lines += ["| " + " | ".join(r) + " |" for r in table[1:]]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    out = []
    for n, row in enumerate(table):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine() -> dict[str, Any]:
    """Where the figures were taken: they are only comparable on the same machine."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(ram_gb, 1) if ram_gb else None,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "loadavg": os.getloadavg(),
    }


def write_json(path: Path, figures: Sequence[Figure], extra: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        **extra,
        "figures": [f.as_json() for f in figures],
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
