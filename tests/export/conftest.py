"""Shared fixtures of the Word export tests: the demo plan and its exported documents."""

from __future__ import annotations

import pytest
from exporthelp import TODAY, Docx

from cswb_desktop.core.sample import new_demo_plan_in_memory


@pytest.fixture(autouse=True)
def _qt_application(qapp):
    """A real QApplication exists before an export draws anything, so the export's own
    fallback (a bare QGuiApplication) never takes the place the GUI tests need."""
    return qapp


@pytest.fixture(scope="module")
def demo_plan():
    return new_demo_plan_in_memory(TODAY)


@pytest.fixture(scope="module")
def plan_docx(demo_plan, tmp_path_factory, qapp) -> Docx:
    from cswb_desktop.export import export_plan

    target = tmp_path_factory.mktemp("plan") / "plan.docx"
    export_plan(demo_plan, target, today=TODAY)
    return Docx(target)


@pytest.fixture(scope="module")
def progress_docx(demo_plan, tmp_path_factory, qapp) -> Docx:
    from cswb_desktop.export import export_progress_report

    target = tmp_path_factory.mktemp("progress") / "progress.docx"
    export_progress_report(demo_plan, target, today=TODAY)
    return Docx(target)
