"""Every file Convener can write for an event, one line each: the registry `--format` reads.

An outline format renders the report's outline (Markdown, DOCX, PDF); a data format writes
the summary's data for other tools (CSV, XLSX, JSON). Adding a format is one renderer module
and one line here. Renderers are imported only when used, so the app starts fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str  # added to the event's file stem: `-summary.md`
    kind: Literal["outline", "data"]
    renderer: str  # "module:function" under convener.storage.reports
    description: str

    def load(self) -> Callable[[Any], bytes]:
        module, _, function = self.renderer.partition(":")
        renderer: Callable[[Any], bytes] = getattr(
            importlib.import_module(f"convener.storage.reports.{module}"), function
        )
        return renderer


REGISTRY: tuple[Format, ...] = (
    Format("md", "-summary.md", "outline", "markdown:render_markdown", "report as Markdown"),
    Format("docx", "-summary.docx", "outline", "docx_report:render_docx", "report for Word"),
    Format("pdf", "-summary.pdf", "outline", "pdf_report:render_pdf", "report as PDF"),
    Format("csv", "-attendance.csv", "data", "attendance_csv:render_attendance_csv", "attendance"),
    Format(
        "xlsx", "-attendance.xlsx", "data", "attendance_xlsx:render_attendance_xlsx", "attendance"
    ),
    Format("json", ".json", "data", "json_export:render_json", "everything, for other systems"),
)
BY_NAME = {f.name: f for f in REGISTRY}
NAMES = tuple(BY_NAME)
ALIASES = {"markdown": "md", "word": "docx", "excel": "xlsx"}
