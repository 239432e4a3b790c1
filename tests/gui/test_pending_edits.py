"""Text typed into a field and not yet left is never lost: every action that saves, closes, replaces,
reads out or undoes the plan commits it first, and typing in progress counts as unsaved.

The tests type with real keystrokes and never leave the field (no Tab, no Return, no click
elsewhere) before triggering the action the way a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from cswb_desktop.core import planfile
from cswb_desktop.gui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
REAL_EXEC = QDialog.exec  # before the GUI tests' guard against unexpected dialogs replaces it


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors = []
    w.asked = []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: w.asked.append("unsaved") or "cancel"
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w
    if w.session is not None and not w.session.closed:
        w.session.close(discard=True)


def saved_plan(window, tmp_path: Path, name: str = "lakeview.cswb") -> Path:
    """A new plan, saved once, with one partner; the partners step shown."""
    window.ask_new_plan = lambda: {"community": "Lakeview", "community_type": "municipality", "title": "",
                                   "language": "en"}
    window.new_plan()
    window.session.plan.partners.add(organisation="Old name")
    target = tmp_path / name
    window.ask_save_path = lambda title, suggested: str(target)
    assert window.save()
    window.view.show_step("partners")
    return target


def partners_page(window):
    page = window.view.pages["partners"]
    page.list.select(page.list.model.records[0].id)
    return page


def type_into(qtbot, editor, text: str) -> None:
    """Select what the field holds and type over it, staying in the field."""
    editor = getattr(editor, "line", editor)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, text)


def saved_organisation(path: Path) -> str:
    with planfile.reading(path) as plan:
        return plan.partners.list()[0].organisation


def test_ctrl_s_saves_the_text_of_the_field_being_edited(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    editor = partners_page(window).form.editors["organisation"]
    type_into(qtbot, editor, "Lakeview Food Bank")
    assert editor.hasFocus()
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)  # the shortcut, from inside the field
    assert saved_organisation(target) == "Lakeview Food Bank"
    assert not window.isWindowModified()
    assert window.state_label.text() == "All changes saved"
    assert window.errors == []


def test_typing_in_progress_marks_the_window_modified(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    editor = partners_page(window).form.editors["organisation"]
    assert not window.isWindowModified()
    type_into(qtbot, editor, "Lakeview Food Bank")
    assert window.isWindowModified()
    assert "[*]" in window.windowTitle()
    assert window.state_label.text() == "Unsaved changes"


def test_a_long_text_field_is_saved_too(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    notes = partners_page(window).form.editors["notes"]
    notes.setFocus()
    qtbot.keyClicks(notes, "Meets every second Tuesday")
    assert window.isWindowModified()
    window.save_action.trigger()
    with planfile.reading(target) as plan:
        assert plan.partners.list()[0].notes == "Meets every second Tuesday"


def test_closing_the_window_asks_and_saving_keeps_the_typed_text(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    assert not window.close()  # "cancel": still open, text still there
    assert window.asked == ["unsaved"]
    assert partners_page(window).form.editors["organisation"].text() == "Lakeview Food Bank"
    window.ask_unsaved = lambda: window.asked.append("unsaved") or "save"
    assert window.close()
    assert saved_organisation(target) == "Lakeview Food Bank"


def test_quit_asks_about_typing_in_progress(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    window.quit_action.trigger()
    assert window.asked == ["unsaved"]
    assert window.session is not None  # cancelled


def test_opening_another_plan_keeps_the_typed_text(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    other = tmp_path / "other.cswb"
    planfile.create_plan_file(other, community="Riverside")
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    window.ask_unsaved = lambda: window.asked.append("unsaved") or "save"
    assert window.open_path(str(other))
    assert window.asked == ["unsaved"]
    assert saved_organisation(target) == "Lakeview Food Bank"


def test_new_plan_asks_about_typing_in_progress(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    window.new_action.trigger()
    assert window.asked == ["unsaved"]


def test_save_as_and_save_a_copy_hold_the_typed_text(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    copy = tmp_path / "copy.cswb"
    window.ask_share_options = lambda: False
    window.ask_save_path = lambda title, suggested: str(copy)
    window.save_copy_action.trigger()
    assert saved_organisation(copy) == "Lakeview Food Bank"
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank and Pantry")
    elsewhere = tmp_path / "elsewhere.cswb"
    window.ask_save_path = lambda title, suggested: str(elsewhere)
    window.save_as_action.trigger()
    assert saved_organisation(elsewhere) == "Lakeview Food Bank and Pantry"


def test_switching_steps_puts_the_typed_text_in_the_plan(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    window.next_step_action.trigger()
    assert window.view.current_step() != "partners"
    assert window.session.plan.partners.list()[0].organisation == "Lakeview Food Bank"


def test_switching_steps_commits_even_when_no_focus_event_ever_comes(qtbot, window, tmp_path):
    """Another window has the keyboard (or no window manager hands focus around): the field never
    hears that it was left, and its text still reaches the plan."""
    saved_plan(window, tmp_path)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    window.view.next_step(1)
    assert window.session.plan.partners.list()[0].organisation == "Lakeview Food Bank"


def test_undo_takes_back_the_typed_text_and_redo_brings_it_again(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    editor = partners_page(window).form.editors["organisation"]
    type_into(qtbot, editor, "Lakeview Food Bank")
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    plan = window.session.plan
    assert plan.partners.list()[0].organisation == "Old name"
    assert editor.text() == "Old name"
    window.redo_action.trigger()
    assert plan.partners.list()[0].organisation == "Lakeview Food Bank"


def test_export_and_merge_see_the_typed_text(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    seen = []
    window.ask_export_options = lambda report, adopted: seen.append(
        window.session.plan.partners.list()[0].organisation)  # None: cancelled
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    window.export_plan_action.trigger()
    assert seen == ["Lakeview Food Bank"]
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Pantry")
    window.ask_merge_path = lambda: seen.append(window.session.plan.partners.list()[0].organisation) or ""
    window.merge_action.trigger()
    assert seen[-1] == "Lakeview Pantry"


def test_a_number_that_could_mean_two_things_stops_save_and_stays_in_its_field(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    plan = window.session.plan
    strategy = plan.strategies.add(title="Transitional housing", number=1)
    window.save()
    window.view.show_step("strategies")
    page = window.view.pages["strategies"]
    page.list.select(strategy.id)
    budget = page.form.editors["budget"]
    type_into(qtbot, budget, "1,250")
    before = target.read_bytes()
    window.save_action.trigger()
    assert window.errors == ["Not saved, because of what is typed in Budget ($): “1,250” could mean 1250 or "
                             "1.25: write 1250 or 1.25."]
    assert target.read_bytes() == before
    assert budget.text() == "1,250" and window.isWindowModified()
    assert "could mean 1250 or 1.25" in page.form.problems["budget"].text()
    # a step away and back: the text is still there, still said to be wrong
    window.view.show_step("partners")
    window.view.show_step("strategies")
    assert budget.text() == "1,250" and window.isWindowModified()
    type_into(qtbot, budget, "1250")
    window.save_action.trigger()
    with planfile.reading(target) as saved:
        assert saved.strategies.get(strategy.id).budget == 1250


def test_a_french_interface_reads_a_decimal_comma(qtbot, window, tmp_path):
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.Canada))
    try:
        target = saved_plan(window, tmp_path)
        strategy = window.session.plan.strategies.add(title="Maison de transition", number=1)
        window.view.show_step("strategies")
        page = window.view.pages["strategies"]
        page.list.select(strategy.id)
        type_into(qtbot, page.form.editors["budget"], "1\u00a0250,75")
        window.save_action.trigger()
        with planfile.reading(target) as saved:
            assert saved.strategies.get(strategy.id).budget == 1250.75
        assert page.form.editors["budget"].text() == "1250,75"
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.C))


def test_after_the_new_plan_dialog_the_window_has_the_keyboard_again(qtbot, window, tmp_path, monkeypatch):
    """Without a window manager nobody gives the focus back after a dialog: the window does."""
    monkeypatch.setattr(QDialog, "exec", REAL_EXEC)

    def answer():
        dialog = QApplication.activeModalWidget()
        dialog.community.setText("Lakeview")
        dialog.accept()

    QTimer.singleShot(0, answer)
    window.new_action.trigger()  # the real dialog
    assert window.session is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is window
    window.view.show_step("partners")
    page = window.view.pages["partners"]
    page.add_button.click()
    editor = page.form.editors["organisation"]
    assert editor.hasFocus()
    qtbot.keyClicks(editor, "Lakeview Food Bank")
    target = tmp_path / "new.cswb"
    window.ask_save_path = lambda title, suggested: str(target)
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    assert saved_organisation(target) == "Lakeview Food Bank"


def test_selecting_another_record_puts_the_text_in_the_record_it_was_typed_for(qtbot, window, tmp_path):
    saved_plan(window, tmp_path)
    plan = window.session.plan
    second = plan.partners.add(organisation="Second")
    page = partners_page(window)
    first = page.form.record.id
    type_into(qtbot, page.form.editors["organisation"], "Lakeview Food Bank")
    page.list.select(second.id)  # as a click on the list would, without the field losing focus first
    qtbot.waitUntil(lambda: plan.partners.get(first).organisation == "Lakeview Food Bank")
    assert plan.partners.get(second.id).organisation == "Second"
    assert page.form.editors["organisation"].text() == "Second"


def test_deleting_the_record_being_typed_in_leaves_nothing_pending(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    page = partners_page(window)
    type_into(qtbot, page.form.editors["organisation"], "Lakeview Food Bank")
    page.doc.delete(page.table, page.form.record.id, "Delete Partner")
    qtbot.waitUntil(lambda: not window.doc.has_pending())
    assert window.save()
    with planfile.reading(target) as plan:
        assert plan.partners.list() == []
    assert window.errors == [] and not window.isWindowModified()



def test_a_score_rationale_and_a_scale_typed_and_not_left_are_saved(qtbot, window, tmp_path):
    target = saved_plan(window, tmp_path)
    plan = window.session.plan
    risk = plan.risks.add(title="Housing")
    criterion = plan.criteria.list()[0]
    plan.set_score(risk.id, criterion.id, score=2, rationale="")
    window.save()
    window.view.show_step("prioritisation")
    page = window.view.pages["prioritisation"]
    page.select_cell(risk.id, criterion.id)
    page.rationale.setFocus()
    qtbot.keyClicks(page.rationale, "Census 2021")
    assert window.isWindowModified()
    qtbot.keyClick(page.rationale, Qt.Key.Key_S, CTRL)
    with planfile.reading(target) as saved:
        assert saved.scores.list(risk_id=risk.id)[0].rationale == "Census 2021"
    page.tabs.setCurrentIndex(2)  # criteria and weights
    page.criteria_panel.select(criterion.id)
    page.scale.text.setFocus()
    qtbot.keyClick(page.scale.text, Qt.Key.Key_End, CTRL)
    qtbot.keyClick(page.scale.text, Qt.Key.Key_Return)
    qtbot.keyClicks(page.scale.text, "Highest")
    assert window.isWindowModified()
    window.save_action.trigger()
    with planfile.reading(target) as saved:
        assert saved.criteria.get(criterion.id).labels[-1] == "Highest"
    assert not window.isWindowModified()


def test_a_click_in_the_step_list_puts_the_typed_text_in_the_plan(qtbot, window, tmp_path):
    from cswb_desktop.core.framework import STEP_CODES

    saved_plan(window, tmp_path)
    type_into(qtbot, partners_page(window).form.editors["organisation"], "Lakeview Food Bank")
    navigator = window.view.navigator
    rect = navigator.visualRect(navigator.model().index(STEP_CODES.index("profile"), 0))
    qtbot.mouseClick(navigator.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.current_step() == "profile"
    assert window.session.plan.partners.list()[0].organisation == "Lakeview Food Bank"
