"""File › Merge a Partner's Copy and Edit › Record History, through the window."""

from __future__ import annotations

import pytest

from cswb_desktop.core import merge, paths, planfile
from cswb_desktop.gui.main_window import MainWindow
from cswb_desktop.gui.merge_dialog import HistoryDialog, MergeReviewDialog


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors, w.infos = [], []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: w.infos.append(text)
    w.ask_unsaved = lambda: "discard"
    yield w


@pytest.fixture
def shared(window, tmp_path, monkeypatch):
    """My plan (open in the window) and a partner's copy edited on another computer."""
    mine = tmp_path / "plan.cswb"
    planfile.create_plan_file(mine, community="Lakeview")
    assert window.open_path(str(mine))
    plan = window.session.plan
    partner = plan.partners.add(organisation="School board", sector="Education")
    window.save()
    theirs = tmp_path / "from-school-board.cswb"
    window.session.save_copy(theirs)
    with monkeypatch.context() as m:
        m.setattr(paths, "device_id", lambda: "school-board-laptop")
        other = planfile.open_plan(theirs)
        other.plan.partners.update(partner.id, sector="Education (Grades 7–12)")
        other.plan.partners.add(organisation="Youth centre")
        other.save()
        other.close()
    plan.partners.update(partner.id, sector="Schools")  # both changed the same field
    return plan, partner.id, theirs


def test_merge_review_apply_undo_redo(window, shared):
    plan, partner_id, theirs = shared
    seen = {}

    def review(preview):
        seen["headline"] = preview.headline()
        seen["conflicts"] = len(preview.conflicts)
        dialog = MergeReviewDialog(preview)
        texts = [dialog.tree.topLevelItem(i).child(j).text(0)
                 for i in range(dialog.tree.topLevelItemCount())
                 for j in range(dialog.tree.topLevelItem(i).childCount())]
        seen["lines"] = texts
        conflict = preview.conflicts[0]
        dialog.choose(conflict.key, merge.THEIRS if conflict.default != merge.THEIRS else conflict.default)
        seen["fields"] = dialog.fields.rowCount()
        return dialog.preview

    window.ask_merge_path = lambda: str(theirs)
    window.ask_merge_review = review
    assert window.merge_copy()
    assert seen["conflicts"] == 1
    assert any(line.startswith("Added") and "Youth centre" in line for line in seen["lines"])
    assert any(line.startswith("⚠ Conflict") for line in seen["lines"])
    assert seen["fields"] >= 1
    assert plan.partners.get(partner_id).sector == "Education (Grades 7–12)"
    assert sorted(p.organisation for p in plan.partners.list()) == ["School board", "Youth centre"]
    assert window.undo_action.text().startswith("&Undo Merge from-school-board.cswb")
    assert any(b.name.endswith("-before-merge.cswb") for b in planfile.list_backups(window.session.path))

    window.undo_action.trigger()
    assert plan.partners.get(partner_id).sector == "Schools"
    assert [p.organisation for p in plan.partners.list()] == ["School board"]
    window.redo_action.trigger()
    assert sorted(p.organisation for p in plan.partners.list()) == ["School board", "Youth centre"]

    # merging the same file again changes nothing, and says so
    window.ask_merge_review = lambda preview: pytest.fail("nothing should be reviewed")
    assert not window.merge_copy()
    assert window.infos and window.infos[-1].startswith("Nothing new")

    # the replaced value is in the record's history and can be restored, undoably
    page = window.view.page("partners")
    window.view.show_step("partners")
    page.list.select(partner_id)
    offered = {}

    def restore(plan_, record_id, label):
        offered["entries"] = merge.record_history(plan_, record_id)
        dialog = HistoryDialog(plan_, record_id, label)
        offered["rows"] = dialog.list.count()
        return next(e.id for e in offered["entries"] if e.data.get("sector") == "Schools")

    window.ask_history_restore = restore
    window.show_history()
    assert offered["rows"] >= 1
    assert plan.partners.get(partner_id).sector == "Schools"
    window.undo_action.trigger()
    assert plan.partners.get(partner_id).sector == "Education (Grades 7–12)"


def test_a_hostile_or_foreign_file_is_refused_and_nothing_changes(window, shared, tmp_path):
    plan, _partner_id, _theirs = shared
    before = [(p.id, p.sector) for p in plan.partners.list()]
    hostile = tmp_path / "hostile.cswb"
    hostile.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    window.ask_merge_path = lambda: str(hostile)
    window.ask_merge_review = lambda preview: pytest.fail("a hostile file must not be reviewed")
    assert not window.merge_copy()
    assert "hostile.cswb" in window.errors[-1]
    other = tmp_path / "another-plan.cswb"
    planfile.create_plan_file(other, community="Elsewhere")
    window.ask_merge_path = lambda: str(other)
    assert not window.merge_copy()
    assert "Elsewhere" in window.errors[-1] or "different plan" in window.errors[-1].lower()
    assert [(p.id, p.sector) for p in plan.partners.list()] == before
    assert not window.doc.undo_stack.canUndo() or "Merge" not in window.doc.undo_stack.undoText()


def test_review_shows_one_choice_per_option_and_follows_the_choice(window, shared, qtbot):
    plan, _partner_id, theirs = shared
    preview = merge.preview(plan, merge.read_copy(theirs), name=theirs.name)
    dialog = MergeReviewDialog(preview)
    qtbot.addWidget(dialog)
    dialog._show_item()  # showing the same item again must not pile up buttons
    conflict = preview.conflicts[0]
    buttons = dialog.choice_group.buttons()
    assert [b.text() for b in buttons] == [o.text for o in conflict.options]
    assert sum(b.isChecked() for b in buttons) == 1
    other = next(b for b in buttons if not b.isChecked())
    other.click()
    assert dialog.preview.conflicts[0].chosen == other.property("code")
    assert len(dialog.choice_group.buttons()) == len(conflict.options)
