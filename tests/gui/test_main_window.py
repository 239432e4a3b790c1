"""The main window: new, open, save, recover, prompts — driven through the real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox

from cswb_desktop.core import planfile
from cswb_desktop.gui.main_window import MainWindow, NewPlanDialog


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors = []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: "discard"  # tests that care about the question set their own answer
    yield w
    if w.session is not None:
        w.session.close(discard=True)


def step_line(window, code: str) -> str:
    from cswb_desktop.core.framework import STEP_CODES

    model = window.view.navigator.model()
    return model.data(model.index(STEP_CODES.index(code)))


def make_saved_plan(path: Path, community: str = "Lakeview") -> Path:
    planfile.create_plan_file(path, community=community)
    return path


def test_starts_on_the_start_page_with_file_actions_disabled(window):
    assert window.pages.currentWidget() is window.start_page
    assert not window.save_action.isEnabled()
    assert window.windowTitle() == "cswb-desktop"
    assert window.file_label.text() == "No plan open"


def test_new_plan_dialog_validates_as_the_user_types(qtbot, typist):
    dialog = NewPlanDialog()
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert "community" in dialog.problem.text()
    typist(dialog.community, "Rivière-aux-Saumons ᐊᓂᔑᓈᐯ")
    assert ok.isEnabled() and dialog.problem.text() == ""
    assert dialog.values()["community"] == "Rivière-aux-Saumons ᐊᓂᔑᓈᐯ"


def test_new_plan_shows_title_community_and_counts(window):
    window.ask_new_plan = lambda: {"community": "Lakeview", "community_type": "joint", "title": "", "language": "en"}
    window.new_plan()
    assert window.pages.currentWidget() is window.view
    assert window.view.header.text().startswith("Lakeview Community Safety and Well-Being Plan — Lakeview")
    assert "Joint plan" in window.view.header.text()
    assert "0 partners" in step_line(window, "partners")
    assert "Not started" in step_line(window, "partners")
    assert not window.isWindowModified()
    assert window.state_label.text() == "Not saved yet"


def test_an_edit_marks_the_window_modified_and_save_clears_it(window, tmp_path):
    window.ask_new_plan = lambda: {"community": "Lakeview", "community_type": "municipality", "title": "", "language": "en"}
    window.new_plan()
    window.session.plan.partners.add(organisation="Lakeview Food Bank")
    assert window.isWindowModified()
    assert window.state_label.text() == "Unsaved changes"
    assert "1 partner" in step_line(window, "partners") and "In progress" in step_line(window, "partners")
    target = tmp_path / "lakeview.cswb"
    window.ask_save_path = lambda title, suggested: str(target)
    assert window.save()  # untitled: goes through Save As
    assert target.exists()
    assert not window.isWindowModified()
    assert window.state_label.text() == "All changes saved"
    assert window.file_label.text() == str(target)
    assert window.recent_files()[0] == str(target)
    assert "[*]" in window.windowTitle()


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_plan(window, tmp_path):
    path = make_saved_plan(tmp_path / "p.cswb")
    assert window.open_path(str(path))
    window.session.plan.partners.add(organisation="School board")
    asked = []
    window.ask_unsaved = lambda: asked.append(1) or "cancel"
    window.close_plan()
    assert asked and window.session is not None
    window.ask_unsaved = lambda: "save"
    window.close_plan()
    assert window.session is None
    with planfile.reading(path) as plan:
        assert [p.organisation for p in plan.partners.list()] == ["School board"]


def test_quit_with_unsaved_changes_asks(window, tmp_path, qtbot):
    path = make_saved_plan(tmp_path / "p.cswb")
    window.open_path(str(path))
    window.session.plan.partners.add(organisation="Health unit")
    window.ask_unsaved = lambda: "cancel"
    window.show()
    assert not window.close()
    assert window.isVisible()
    window.ask_unsaved = lambda: "discard"
    assert window.close()
    with planfile.reading(path) as plan:
        assert plan.partners.count() == 0
    assert planfile.list_backups(path)[0].name.endswith("-unsaved.cswb")


def test_a_rejected_file_shows_its_sentence_and_nothing_opens(window, tmp_path):
    bad = tmp_path / "bad.cswb"
    bad.write_bytes(b"this is not a database at all" * 10)
    assert not window.open_path(str(bad))
    assert window.session is None
    assert len(window.errors) == 1 and "not a CSWB plan file" in window.errors[0]


def test_recovery_is_offered_at_start(window, tmp_path, qtbot):
    path = make_saved_plan(tmp_path / "p.cswb")
    crashed = planfile.open_plan(path)
    crashed.plan.partners.add(organisation="Friendship Centre")
    crashed.close()  # like a crash: unsaved edits stay in the working copy
    offered = []
    window.ask_recover = lambda item: offered.append(item.display_name) or "recover"
    window.offer_recovery()
    assert offered == ["p.cswb"]
    assert window.session is not None and window.session.modified
    assert window.isWindowModified()
    assert [p.organisation for p in window.session.plan.partners.list()] == ["Friendship Centre"]


def test_opening_a_file_with_pending_recovery_asks_first(window, tmp_path):
    path = make_saved_plan(tmp_path / "p.cswb")
    crashed = planfile.open_plan(path)
    crashed.plan.partners.add(organisation="OPP detachment")
    crashed.close()
    window.ask_recover = lambda item: "discard"
    assert window.open_path(str(path))
    assert window.session.plan.partners.count() == 0
    assert any(b.name.endswith("-unsaved.cswb") for b in planfile.list_backups(path))


def test_second_window_gets_the_file_read_only(window, tmp_path, qtbot):
    path = make_saved_plan(tmp_path / "p.cswb")
    window.open_path(str(path))
    other = MainWindow()
    qtbot.addWidget(other)
    other.show_error = lambda *a: None
    assert other.open_path(str(path))
    assert other.session.read_only
    assert other.banner.isVisibleTo(other) and "already open" in other.banner.text()
    assert not other.save_action.isEnabled()
    other.close_plan()
    assert other.session is None


def test_dropping_a_plan_file_opens_it(window, tmp_path):
    path = make_saved_plan(tmp_path / "dropped.cswb", community="Dropville")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.session is not None and window.session.path == path
    assert "Dropville" in window.view.header.text()


def test_save_failure_shows_a_sentence_and_keeps_the_edits(window, tmp_path, monkeypatch):
    path = make_saved_plan(tmp_path / "p.cswb")
    window.open_path(str(path))
    window.session.plan.partners.add(organisation="Children's aid")
    import errno

    def full(_path):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(planfile, "_fsync_file", full)
    assert not window.save()
    assert "not enough space" in window.errors[-1]
    assert window.isWindowModified()
    assert window.session.plan.partners.count() == 1
    assert [p.name for p in tmp_path.iterdir()] == ["p.cswb"]


def test_recent_menu_lists_opened_files(window, tmp_path):
    a = make_saved_plan(tmp_path / "a.cswb")
    b = make_saved_plan(tmp_path / "b.cswb")
    window.open_path(str(a))
    window.open_path(str(b))
    window._fill_recent_menu()
    names = [act.text() for act in window.recent_menu.actions() if act.text()]
    assert names[:2] == ["b.cswb", "a.cswb"]
