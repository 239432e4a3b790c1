"""Word export: the council-ready plan document and the yearly progress report.

Both functions read the plan through the plan API, build the whole document in memory, write it
to a temporary file beside `target` and swap it into place, so a failure never leaves half a
document. Problems the user can act on raise ExportError with one sentence.

`progress(done, total, message)` is called before each part of the document; returning False
from it stops the export (ExportCancelled) without writing anything.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Callable

from .output import ExportCancelled, ExportError, write_atomically

__all__ = ["ExportCancelled", "ExportError", "export_plan", "export_progress_report"]

Progress = Callable[[int, int, str], object]


def export_plan(plan, target: Path | str, *, template: Path | str | None = None,
                draft: bool = False, progress: Progress | None = None,
                today: datetime.date | None = None, notes: list[str] | None = None) -> Path:
    """Write the plan document to `target` (.docx). `draft` marks it a draft even when the plan
    has been adopted; a plan not yet adopted is always a draft. Returns the path written. A list
    given as `notes` receives a sentence for each thing left out (a logo that is not a safe
    picture, say)."""
    from .plan_document import PlanWordDocument

    document = PlanWordDocument(plan, template=template, draft=draft, today=today)
    writer = document.build(progress)
    if notes is not None:
        notes.extend(document.notes)
    total = len(document.steps) + 1
    return _finish(writer, target, progress, total)


def export_progress_report(plan, target: Path | str, *,
                           period_start: datetime.date | None = None,
                           period_end: datetime.date | None = None,
                           template: Path | str | None = None, progress: Progress | None = None,
                           today: datetime.date | None = None) -> Path:
    """Write the progress report for the period (default: the year up to today) to `target`."""
    from .progress_report import ProgressReport

    report = ProgressReport(plan, period_start=period_start, period_end=period_end,
                            template=template, today=today)
    writer = report.build(progress)
    total = len(report.steps) + 1
    return _finish(writer, target, progress, total)


def _finish(writer, target, progress: Progress | None, total: int) -> Path:
    if progress is not None and progress(total - 1, total, "Writing the document") is False:
        raise ExportCancelled()
    path = write_atomically(target, writer.save)
    if progress is not None:
        progress(total, total, "Done")
    return path
