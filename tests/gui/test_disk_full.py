"""The program's own drive full (a laptop's home disk): one sentence, the typed text kept in its field
and counted as unsaved, written as soon as the drive takes it again, and Save keeps its promise.

The full drive is simulated: the working copy's connection refuses every write with the error SQLite
or the system gives, and the working folder's bookkeeping files cannot be written."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cswb_desktop.core import paths, planfile
from cswb_desktop.core.plan import WriteFailed
from cswb_desktop.gui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class FullDrive:
    """A connection whose writes fail as on a full drive, until `full` is set to False."""

    def __init__(self, conn: sqlite3.Connection, error: BaseException):
        self._conn = conn
        self.error = error
        self.full = True

    def _refuse(self, sql: str) -> None:
        if self.full and sql.lstrip().upper().startswith(WRITES):
            raise self.error

    def execute(self, sql, *args):
        self._refuse(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        self._refuse(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


ERRORS = {
    "sqlite": lambda: sqlite3.OperationalError("database or disk is full"),
    "system": lambda: OSError(errno.ENOSPC, "No space left on device"),
}


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors = []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: "cancel"
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w
    if w.session is not None and not w.session.closed:
        drive = w.session.plan.conn
        if isinstance(drive, FullDrive):
            w.session.plan.replace_connection(drive._conn)
        w.session.close(discard=True)


def saved_plan(window, tmp_path: Path) -> Path:
    window.ask_new_plan = lambda: {"community": "Lakeview", "community_type": "municipality", "title": "",
                                   "language": "en"}
    window.new_plan()
    window.session.plan.partners.add(organisation="Old name")
    target = tmp_path / "lakeview.cswb"
    window.ask_save_path = lambda title, suggested: str(target)
    assert window.save()
    window.view.show_step("partners")
    page = window.view.pages["partners"]
    page.list.select(page.list.model.records[0].id)
    return target


def fill_the_drive(window, kind: str) -> FullDrive:
    plan = window.session.plan
    drive = FullDrive(plan.conn, ERRORS[kind]())
    plan.replace_connection(drive)
    return drive


def type_and_leave(qtbot, editor, text: str) -> None:
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def organisation_in(path: Path) -> str:
    with planfile.reading(path) as plan:
        return plan.partners.list()[0].organisation


def one_sentence(text: str) -> bool:
    return text.endswith(".") and ". " not in text and "\n" not in text


@pytest.mark.parametrize("kind", ERRORS)
def test_an_edit_on_a_full_drive_keeps_the_typed_text_says_why_and_goes_in_later(qtbot, window, tmp_path, kind):
    target = saved_plan(window, tmp_path)
    page = window.view.pages["partners"]
    editor = page.form.editors["organisation"]
    drive = fill_the_drive(window, kind)
    type_and_leave(qtbot, editor, "Lakeview Food Bank")  # no raw error escapes (pytest-qt would fail)
    plan = window.session.plan
    problem = page.form.problems["organisation"]
    assert plan.partners.list()[0].organisation == "Old name"
    assert editor.text() == "Lakeview Food Bank"  # kept, and visibly not in the plan:
    assert problem.isVisibleTo(page) and "is full" in problem.text()
    assert str(paths.working_dir()) in problem.text()
    assert one_sentence(problem.text().lstrip("⚠ "))
    assert window.isWindowModified() and window.state_label.text() == "Unsaved changes"
    # Save: nothing written, the target untouched, one sentence that says why
    before = target.read_bytes()
    window.save_action.trigger()
    assert target.read_bytes() == before
    assert len(window.errors) == 1 and one_sentence(window.errors[0])
    assert window.errors[0].startswith("Not saved, because of what is typed in Organisation")
    assert editor.text() == "Lakeview Food Bank" and window.isWindowModified()
    # space freed: the next Save writes the kept text, and says so
    drive.full = False
    window.save_action.trigger()
    assert len(window.errors) == 1
    assert plan.partners.list()[0].organisation == "Lakeview Food Bank"
    assert organisation_in(target) == "Lakeview Food Bank"
    assert not window.isWindowModified()
    assert not problem.isVisibleTo(page)


def test_the_next_edit_takes_the_refused_one_along(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    page = window.view.pages["partners"]
    drive = fill_the_drive(window, "sqlite")
    type_and_leave(qtbot, page.form.editors["organisation"], "Lakeview Food Bank")
    drive.full = False
    type_and_leave(qtbot, page.form.editors["sector"], "Food security")
    partner = window.session.plan.partners.list()[0]
    assert (partner.organisation, partner.sector) == ("Lakeview Food Bank", "Food security")
    assert not page.form.has_pending()


def test_a_refused_choice_stays_chosen_and_unsaved(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    page = window.view.pages["partners"]
    combo = page.form.editors["engagement_status"]
    before = window.session.plan.partners.list()[0].engagement_status
    fill_the_drive(window, "system")
    index = next(i for i in range(combo.count()) if combo.itemData(i) != before)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as a pick from its list does
    assert window.session.plan.partners.list()[0].engagement_status == before
    assert combo.currentIndex() == index
    assert page.form.problems["engagement_status"].isVisibleTo(page)
    assert window.isWindowModified()


def test_save_succeeds_when_only_the_working_folder_bookkeeping_fails(qtbot, window, tmp_path, monkeypatch):
    target = saved_plan(window, tmp_path)
    editor = window.view.pages["partners"].form.editors["organisation"]
    type_and_leave(qtbot, editor, "Lakeview Food Bank")

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    real_copy = planfile.shutil.copyfile

    def copy(source, destination, *args, **kwargs):
        if str(destination).startswith(str(paths.backups_dir())):
            no_space()
        return real_copy(source, destination, *args, **kwargs)

    monkeypatch.setattr(planfile, "_write_json_atomically", no_space)
    monkeypatch.setattr(planfile.shutil, "copyfile", copy)
    assert window.save()
    assert window.errors == []
    assert organisation_in(target) == "Lakeview Food Bank"
    assert not window.isWindowModified()
    assert window.statusBar().currentMessage() == "Saved"
    # and the plan is still open for the next edit
    type_and_leave(qtbot, editor, "Lakeview Food Bank and Pantry")
    assert window.session.plan.partners.list()[0].organisation == "Lakeview Food Bank and Pantry"


def test_save_as_elsewhere_when_the_working_folder_cannot_move(tmp_path, monkeypatch):
    session = planfile.new_plan(community="Lakeview")
    try:
        session.plan.partners.add(organisation="Lakeview Food Bank")
        real_replace = planfile.os.replace

        def replace(source, destination):
            if Path(source).is_dir():  # the working folder follows the new name: no room for that
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_replace(source, destination)

        monkeypatch.setattr(planfile.os, "replace", replace)
        target = tmp_path / "lakeview.cswb"
        assert session.save_as(target) == target
        assert session.path == target and not session.modified
        with planfile.reading(target) as saved:
            assert [p.organisation for p in saved.partners.list()] == ["Lakeview Food Bank"]
        session.plan.partners.add(organisation="Lakeview Library")  # still open and editable
        monkeypatch.setattr(planfile.os, "replace", real_replace)
        session.save()
        with planfile.reading(target) as saved:
            assert len(saved.partners.list()) == 2
    finally:
        session.close(discard=True)


def test_undo_on_a_full_drive_leaves_plan_and_undo_stack_agreeing(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    editor = window.view.pages["partners"].form.editors["organisation"]
    type_and_leave(qtbot, editor, "Lakeview Food Bank")
    stack = window.doc.undo_stack
    index = stack.index()
    drive = fill_the_drive(window, "sqlite")
    window.undo_action.trigger()
    plan = window.session.plan
    assert plan.partners.list()[0].organisation == "Lakeview Food Bank"
    assert stack.index() == index  # still offered: it was not undone
    assert "is full" in window.statusBar().currentMessage()
    drive.full = False
    window.undo_action.trigger()
    assert plan.partners.list()[0].organisation == "Old name"
    assert stack.index() == index - 1


@pytest.mark.parametrize("kind", ERRORS)
def test_the_plan_api_turns_a_full_drive_into_one_sentence(tmp_path, kind):
    session = planfile.new_plan(community="Lakeview")
    try:
        plan = session.plan
        partner = plan.partners.add(organisation="Old name")
        drive = FullDrive(plan.conn, ERRORS[kind]())
        plan.replace_connection(drive)
        with pytest.raises(WriteFailed) as caught:
            plan.partners.update(partner.id, organisation="New name")
        assert caught.value.full
        assert one_sentence(str(caught.value)) and str(session.workdir) in str(caught.value)
        plan.replace_connection(drive._conn)
        assert plan.partners.get(partner.id).organisation == "Old name"
        assert not plan.conn.in_transaction  # nothing left half done
        plan.partners.update(partner.id, organisation="New name")
        assert plan.partners.get(partner.id).organisation == "New name"
    finally:
        session.close(discard=True)


def test_other_database_errors_are_not_called_a_full_drive(tmp_path):
    session = planfile.new_plan(community="Lakeview")
    try:
        plan = session.plan
        partner = plan.partners.add(organisation="Old name")
        plan.replace_connection(FullDrive(plan.conn, sqlite3.OperationalError("no such table: partner")))
        with pytest.raises(sqlite3.OperationalError):
            plan.partners.update(partner.id, organisation="New name")
        plan.replace_connection(plan.conn._conn)
    finally:
        session.close(discard=True)
