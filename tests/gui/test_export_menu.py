"""File › Export from the window: options, progress, the folder offered, errors in a sentence."""

from __future__ import annotations

from datetime import date

import docx
import pytest

from cswb_desktop.gui.export_actions import ExportOptionsDialog
from cswb_desktop.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors, w.offered = [], []
    w.show_error = lambda title, text: w.errors.append(text)
    w.notes = []
    w.offer_folder = lambda path, notes=None: (w.offered.append(path), w.notes.append(notes or []))
    w.ask_unsaved = lambda: "discard"
    w.open_demo()
    yield w


def document_text(path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_export_plan_writes_the_document_and_offers_the_folder(window, tmp_path):
    target = tmp_path / "plan.docx"
    window.ask_export_options = lambda report, adopted: {"draft": True, "template": None}
    window.ask_export_path = lambda suggested, file_filter: str(target)
    assert window.export_plan_action.isEnabled()
    window.export_plan_action.trigger()
    assert window.offered == [target] and not window.errors
    text = document_text(target)
    assert "Birch Narrows" in text and "Draft" in text


def test_a_logo_left_out_of_the_document_is_said_when_the_export_finishes(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from cswb_desktop.gui import export_actions

    outside = tmp_path / "on-this-computer.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    window.session.plan.update_profile(
        logo=(f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
              f'width="8" height="8"><image xlink:href="{outside}" width="8" height="8"/></svg>').encode(),
        logo_type="image/svg+xml")
    target = tmp_path / "plan.docx"
    window.ask_export_options = lambda report, adopted: {"draft": True, "template": None}
    window.ask_export_path = lambda suggested, file_filter: str(target)
    window.export_plan_action.trigger()
    assert window.offered == [target] and not window.errors
    assert len(window.notes[0]) == 1 and "logo was left out" in window.notes[0][0]
    # the real message box shows that sentence above the folder
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.informativeText()) or 0)
    export_actions.ask_open_folder(window, target, window.notes[0])
    assert shown and shown[0].startswith(window.notes[0][0]) and shown[0].endswith(str(tmp_path))


def test_export_progress_report(window, tmp_path):
    target = tmp_path / "report"
    window.ask_export_options = lambda report, adopted: {"template": None, "period_start": date(2024, 1, 1),
                                                        "period_end": date(2026, 12, 31)}
    window.ask_export_path = lambda suggested, file_filter: str(target)
    window.export_report_action.trigger()
    written = tmp_path / "report.docx"
    assert window.offered == [written]
    assert "2024" in document_text(written)


def test_export_to_a_missing_folder_says_so_and_writes_nothing(window, tmp_path):
    window.ask_export_options = lambda report, adopted: {"draft": False, "template": None}
    window.ask_export_path = lambda suggested, file_filter: str(tmp_path / "gone" / "plan.docx")
    window.export_plan_action.trigger()
    assert len(window.errors) == 1 and "gone" in window.errors[0]
    assert window.offered == [] and not (tmp_path / "gone").exists()


def test_cancelled_questions_write_nothing(window, tmp_path):
    window.ask_export_options = lambda report, adopted: None
    window.export_plan_action.trigger()
    window.ask_export_options = lambda report, adopted: {"draft": False, "template": None}
    window.ask_export_path = lambda suggested, file_filter: ""
    window.export_plan_action.trigger()
    assert window.offered == [] and list(tmp_path.iterdir()) == []


def test_options_dialog_explains_bad_input(qtbot, typist, tmp_path):
    dialog = ExportOptionsDialog(None, "progress", adopted=True)
    qtbot.addWidget(dialog)
    dialog.start.line.clear()
    typist(dialog.start.line, "2025-13-01")
    dialog._accept()
    assert "is not a date" in dialog.problem.text() and dialog.result() == 0
    dialog.start.setText("2026-06-01")
    dialog.end.setText("2026-01-01")
    dialog._accept()
    assert "ends before it starts" in dialog.problem.text()
    dialog.end.setText("2026-12-31")
    typist(dialog.template, str(tmp_path / "missing.docx"))
    dialog._accept()
    assert "cannot be found" in dialog.problem.text()
    dialog.template.clear()
    dialog._accept()
    assert dialog.problem.text() == "" and dialog.values()["period_end"] == date(2026, 12, 31)


def test_export_actions_are_disabled_without_a_plan(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.export_plan_action.isEnabled() and not w.export_board_action.isEnabled()
