"""An untitled plan whose program was killed before it was ever saved is offered back at the next
start, whether that start opens a file, the demo, or nothing."""

from __future__ import annotations

import pytest

from cswb_desktop.app import open_at_start
from cswb_desktop.core import planfile
from cswb_desktop.gui.main_window import MainWindow


def killed_untitled_plan() -> None:
    session = planfile.new_plan(community="Rivière-aux-Saumons", title="Draft nobody saved")
    session.plan.partners.add(organisation="Friendship Centre")
    session.close()  # as after a kill: the working copy with its unsaved edit stays


@pytest.fixture
def windows(qtbot, monkeypatch):
    made = []
    asked = []

    def answer(self, item):
        asked.append(item.display_name)
        return self.answer

    monkeypatch.setattr(MainWindow, "ask_recover", answer)
    monkeypatch.setattr(MainWindow, "ask_unsaved", lambda self: "discard")
    monkeypatch.setattr(MainWindow, "show_error", lambda self, title, text: made[0].errors.append(text))

    real_init = MainWindow.__init__

    def init(self):
        real_init(self)
        self.answer = made[0].answer if made else "recover"
        self.errors = []
        qtbot.addWidget(self)
        made.append(self)

    monkeypatch.setattr(MainWindow, "__init__", init)
    yield made, asked
    for w in made:
        if w.session is not None:
            w.session.close(discard=True)


@pytest.mark.parametrize("start", ["file", "demo", "nothing"])
def test_an_untitled_plan_is_offered_back_however_the_program_starts(windows, tmp_path, start):
    made, asked = windows
    path = planfile.create_plan_file(tmp_path / "other.cswb", community="Lakeview")
    killed_untitled_plan()
    first = MainWindow()
    first.show()
    opened = open_at_start(first, str(path) if start == "file" else None, start == "demo")
    assert asked == ["Draft nobody saved"]
    assert first.session is not None and first.session.path is None and first.session.modified
    assert [p.organisation for p in first.session.plan.partners.list()] == ["Friendship Centre"]
    if start == "nothing":
        assert opened == [first]
        return
    assert len(opened) == 2  # what was asked for opens in a window of its own
    second = opened[1]
    if start == "file":
        assert second.session.path == path and not second.session.read_only
    else:
        assert second.session.path is None and second.session.plan.partners.count() > 0
    assert first.errors == []


def test_decide_later_opens_the_file_asked_for_and_keeps_the_untitled_plan(windows, tmp_path):
    made, asked = windows
    path = planfile.create_plan_file(tmp_path / "other.cswb", community="Lakeview")
    killed_untitled_plan()
    first = MainWindow()
    first.answer = "later"
    opened = open_at_start(first, str(path), False)
    assert asked == ["Draft nobody saved"] and opened == [first]
    assert first.session.path == path
    assert [r.title for r in planfile.find_recoverable()] == ["Draft nobody saved"]


def test_the_files_own_unsaved_changes_are_asked_about_once(windows, tmp_path):
    made, asked = windows
    path = planfile.create_plan_file(tmp_path / "p.cswb", community="Lakeview")
    crashed = planfile.open_plan(path)
    crashed.plan.partners.add(organisation="OPP detachment")
    crashed.close()
    first = MainWindow()
    opened = open_at_start(first, str(path), False)
    assert asked == ["p.cswb"] and opened == [first]
    assert first.session.path == path and first.session.modified
    assert [p.organisation for p in first.session.plan.partners.list()] == ["OPP detachment"]
