"""File › Export: the plan and the progress report as Word documents, and the target board as an
image — with the options a coordinator needs, a progress dialog, and the folder offered at the end."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QMessageBox, QProgressDialog, QPushButton, QVBoxLayout, QWidget,
)

from ..core import paths
from .widgets import DateEdit, focus_returns, parse_date

WORD_FILTER = "Word documents (*.docx)"


class ExportOptionsDialog(QDialog):
    """What goes into the document: draft or final, whose letterhead, which period."""

    def __init__(self, parent: QWidget, report: str, adopted: bool):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(self.tr("Plan as Word") if report == "plan" else self.tr("Progress report as Word"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.draft = QCheckBox(self.tr("Mark every page as a draft"))
        self.draft.setChecked(not adopted)
        self.draft.setEnabled(adopted)
        if not adopted:
            self.draft.setToolTip(self.tr("The plan has no adoption date yet, so the document is a draft."))
        if report == "plan":
            form.addRow(self.tr("&Draft:"), self.draft)
        self.template = QLineEdit()
        self.template.setPlaceholderText(self.tr("The program's own layout"))
        self.template.setAccessibleName(self.tr("Word template"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.template, 1)
        row.addWidget(browse)
        template_label = QLabel(self.tr("&Template:"))
        template_label.setBuddy(self.template)
        form.addRow(template_label, row)
        self.start = DateEdit()
        self.end = DateEdit()
        self.start.setAccessibleName(self.tr("Reporting period from"))
        self.end.setAccessibleName(self.tr("Reporting period to"))
        if report == "progress":
            today = _dt.date.today()
            self.start.setText(_dt.date(today.year - 1, today.month, 1).isoformat())
            self.end.setText(today.isoformat())
            form.addRow(self.tr("Period &from:"), self.start)
            form.addRow(self.tr("Period &to:"), self.end)
        layout.addLayout(form)
        note = QLabel(self.tr("A template is a Word document whose styles (headings, tables, letterhead) the "
                              "export uses; styles it lacks are taken from the program's own layout."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export…"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _browse(self) -> None:
        with focus_returns(self, lambda: self.template):
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a Word template"), "",
                                                  self.tr(WORD_FILTER))
        if path:
            self.template.setText(path)

    def problems(self) -> str:
        template = self.template.text().strip()
        if template and not Path(template).is_file():
            return self.tr("The template %s cannot be found.") % template
        if self.report == "progress":
            for edit in (self.start, self.end):
                _value, problem = parse_date(edit.text())
                if problem:
                    return problem
            start, end = parse_date(self.start.text())[0], parse_date(self.end.text())[0]
            if start and end and start > end:
                return self.tr("The reporting period ends before it starts.")
        return ""

    def _accept(self) -> None:
        problem = self.problems()
        self.problem.setText(("⚠ " + problem) if problem else "")
        if not problem:
            self.accept()

    def values(self) -> dict:
        values = {"template": self.template.text().strip() or None}
        if self.report == "plan":
            values["draft"] = self.draft.isChecked()
        else:
            for key, edit in (("period_start", self.start), ("period_end", self.end)):
                text = parse_date(edit.text())[0]
                values[key] = _dt.date.fromisoformat(text) if text else None
        return values


def run_with_progress(parent: QWidget, title: str, work) -> object:
    """Run `work(progress)` with a modal progress dialog the user can cancel."""
    dialog = QProgressDialog(title, QCoreApplication.translate("export", "Cancel"), 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(True)

    def progress(done: int, total: int, message: str) -> bool:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        dialog.setLabelText(message)
        QCoreApplication.processEvents()
        return not dialog.wasCanceled()

    with focus_returns(parent):
        try:
            return work(progress)
        finally:
            dialog.reset()
            dialog.deleteLater()


class ExportActions:
    """The export commands of a main window. The window supplies the questions (so tests can
    answer them) and the open plan."""

    def __init__(self, window):
        self.window = window

    def _edits_in(self) -> bool:
        """What is typed and not yet in the plan goes in before the plan is read out (the window's
        commit_edits); if some of it cannot, nothing is exported and the window says why."""
        return self.window._edits_committed(
            QCoreApplication.translate("export", "Could not export"),
            QCoreApplication.translate("export", "Not exported, because of what is typed in %s"))

    def _suggest(self, suffix: str, what: str) -> str:
        title = self.window.session.plan.profile().title
        return paths.file_name_for(f"{title} - {what}", suffix)

    def export_word(self, report: str) -> Path | None:
        from ..export import ExportCancelled, ExportError, export_plan, export_progress_report

        window = self.window
        if window.session is None or not self._edits_in():
            return None
        plan = window.session.plan
        options = window.ask_export_options(report, plan.profile().adopted_on is not None)
        if options is None:
            return None
        what = QCoreApplication.translate("export", "plan") if report == "plan" else \
            QCoreApplication.translate("export", "progress report")
        path = window.ask_export_path(self._suggest(".docx", what), WORD_FILTER)
        if not path:
            return None
        if not path.lower().endswith(".docx"):
            path += ".docx"

        notes: list[str] = []

        def work(progress):
            if report == "plan":
                return export_plan(plan, path, progress=progress, notes=notes, **options)
            return export_progress_report(plan, path, progress=progress, **options)

        try:
            written = run_with_progress(window, QCoreApplication.translate("export", "Writing the document…"), work)
        except ExportCancelled:
            window.statusBar().showMessage(QCoreApplication.translate("export", "Export cancelled; nothing was written."), 6000)
            return None
        except ExportError as exc:
            window.show_error(QCoreApplication.translate("export", "Could not export"), str(exc))
            return None
        window.offer_folder(Path(written), notes)
        return Path(written)

    def export_board(self) -> Path | None:
        window = self.window
        if window.session is None or not self._edits_in():
            return None
        path = window.ask_export_path(self._suggest(".png", "target board"),
                                      "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return None
        if not path.lower().endswith((".png", ".svg")):
            path += ".png"
        from ..board.painter import render_board_png, render_board_svg
        from ..export.output import ExportError, write_atomically

        plan = window.session.plan
        data = render_board_svg(plan) if path.lower().endswith(".svg") else render_board_png(plan)
        try:
            written = write_atomically(path, lambda f: f.write(data))
        except ExportError as exc:
            window.show_error(QCoreApplication.translate("export", "Could not export"), str(exc))
            return None
        window.offer_folder(Path(written))
        return Path(written)


def open_containing_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def ask_open_folder(parent: QWidget, path: Path, notes: list[str] | None = None) -> None:
    """Say where the file went, with a sentence for anything the export left out (a logo that is
    not a safe picture, say), and offer to open the folder or the document."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if notes else QMessageBox.Icon.Information)
    box.setWindowTitle(QCoreApplication.translate("export", "Export finished"))
    box.setText(QCoreApplication.translate("export", "Saved %s.") % path.name)
    box.setInformativeText("\n\n".join([*(notes or []), str(path.parent)]))
    folder = box.addButton(QCoreApplication.translate("export", "Open &Folder"), QMessageBox.ButtonRole.AcceptRole)
    document = box.addButton(QCoreApplication.translate("export", "Open &Document"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is folder:
        open_containing_folder(path)
    elif box.clickedButton() is document:
        QDesktopServices.openUrl(QUrl.fromLocalFile(os.fspath(path)))
