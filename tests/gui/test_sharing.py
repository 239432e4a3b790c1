"""File › Save a Copy for Sharing, driven from the window."""

from __future__ import annotations

import sqlite3

import pytest

from cswb_desktop.gui.main_window import MainWindow
from cswb_desktop.gui.sharing import ShareCopyDialog, human_size


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.infos = []
    w.show_info = lambda title, text: w.infos.append(text)
    w.show_error = lambda title, text: pytest.fail(text)
    w.ask_unsaved = lambda: "discard"
    w.open_demo()
    return w


@pytest.mark.parametrize("strip", [True, False])
def test_copy_for_sharing_with_or_without_contacts(window, tmp_path, strip):
    target = tmp_path / "for-the-school-board.cswb"
    window.ask_share_options = lambda: strip
    window.ask_save_path = lambda title, suggested: str(target)
    emails = {p.email for p in window.session.plan.partners.list() if p.email}
    assert emails
    assert window.save_copy()
    assert window.session.path is None  # the open plan keeps its own (unsaved) place
    data = target.read_bytes()
    assert any(e.encode() in data for e in emails) is (not strip)
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT COUNT(*) FROM partner").fetchone()[0] == 12
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.close()
    assert "safe to send by e-mail" in window.infos[-1] and human_size(len(data)) in window.infos[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_dialog_states_the_size_and_offers_to_leave_out_contacts(qtbot):
    dialog = ShareCopyDialog(None, 2_500_000, 7)
    qtbot.addWidget(dialog)
    assert dialog.strip.isChecked()
    assert "2.4 MB" in dialog.size_label.text()


def test_cancelling_the_question_writes_nothing(window, tmp_path):
    window.ask_share_options = lambda: None
    window.ask_save_path = lambda title, suggested: pytest.fail("no path should be asked")
    assert not window.save_copy()
    assert list(tmp_path.iterdir()) == []
