"""Actions that change several records, driven through their widgets: each is one transaction, one
change signal and one step on the undo stack, and so is its undo."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from cswb_desktop.core import merge, operations
from cswb_desktop.core.plan import Plan

from cswb_desktop.gui.main_window import MainWindow

from tests.gui.test_steps_profile_partners_committee_engagement_assets import choose
from tests.gui.test_steps_risks_prioritisation_strategies import CTRL, click, go_to_step, leave, put_cursor
from tests.gui.test_steps_logic_models_measurement_implementation_review import click_row


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show_error = lambda title, text: pytest.fail(f"unexpected error: {text}")
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: "discard"
    w.ask_new_plan = lambda: {"community": "Lakeview", "community_type": "municipality", "title": "",
                              "language": "en"}
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.new_plan()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    if w.session is not None:
        w.session.close(discard=True)


class Steps:
    """Counts, for one user action, the plan's transactions (its revisions), the document's change
    signals and the steps pushed on the undo stack."""

    def __init__(self, window):
        self.doc = window.doc
        self.signals: list = []
        self.doc.changed.connect(self.signals.append)
        self.start()

    def start(self) -> None:
        self.signals.clear()
        self.revision = self.doc.plan.revision
        self.index = self.doc.undo_stack.index()

    def counted(self) -> tuple[int, int, int]:
        return (self.doc.plan.revision - self.revision, len(self.signals),
                self.doc.undo_stack.index() - self.index)

    def assert_one(self, text: str) -> None:
        assert self.counted() == (1, 1, 1)
        stack = self.doc.undo_stack
        assert stack.text(stack.index() - 1) == text
        assert stack.command(stack.index() - 1).childCount() == 0  # one command, not a macro

    def assert_one_undo(self) -> None:
        self.start()
        self.doc.undo()
        assert self.counted() == (1, 1, -1)


def test_shortening_a_scale_with_scores_above_it_is_one_step(qtbot, typist, window):
    plan = window.session.plan
    risks = [plan.risks.add(title=t).id for t in ("Drugs", "Housing", "Isolation")]
    prio = go_to_step(qtbot, window, "prioritisation")
    harm = plan.criteria.list()[1]  # five levels
    for risk_id, key in zip(risks, (Qt.Key.Key_5, Qt.Key.Key_4, Qt.Key.Key_2)):
        put_cursor(prio, risk_id, prio.model.column_of(harm.id))
        qtbot.keyClick(prio.grid, key)
    prio.tabs.setCurrentIndex(2)
    prio.criteria_panel.select(harm.id)
    scale = prio.scale.text
    scale.setFocus()
    qtbot.keyClick(scale, Qt.Key.Key_A, CTRL)
    typist(scale, "Low\nMiddle\nHigh")
    steps = Steps(window)
    leave(qtbot, scale)
    steps.assert_one("Change Criterion Scale")
    assert {s.risk_id: s.score for s in plan.scores.list(criterion_id=harm.id)} == dict(
        zip(risks, (None, None, 2)))
    steps.assert_one_undo()
    assert plan.criteria.get(harm.id).levels == 5
    assert sorted(s.score for s in plan.scores.list(criterion_id=harm.id)) == [2, 4, 5]
    steps.start()
    window.redo_action.trigger()
    assert steps.counted() == (1, 1, 1)
    assert plan.criteria.get(harm.id).levels == 3


def test_turning_an_asset_into_a_strategy_is_one_step(qtbot, window):
    plan = window.session.plan
    owner = plan.partners.add(organisation="Friendship Centre").id
    asset = plan.assets.add(name="Language nights", kind="cultural", owner_partner_id=owner)
    plan.asset_areas.set(asset.id, ["prevention", "social_development"])
    strategies = go_to_step(qtbot, window, "strategies")
    steps = Steps(window)
    click(qtbot, strategies.asset_button)
    steps.assert_one("Turn Asset into Strategy")
    made = plan.strategies.list()
    assert [(s.title, s.kind, s.asset_id, s.area, s.lead_partner_id) for s in made] == [
        ("Language nights", "existing", asset.id, "social_development", owner)]
    assert strategies.list.current_id() == made[0].id
    steps.assert_one_undo()
    assert plan.strategies.list() == []


def test_a_strategy_for_a_coverage_gap_is_one_step(qtbot, window):
    plan = window.session.plan
    risk = plan.risks.add(title="Housing instability", is_priority=True).id
    strategies = go_to_step(qtbot, window, "strategies")
    assert strategies.coverage.select_cell(risk)
    steps = Steps(window)
    click(qtbot, strategies.coverage.add_here_button)
    steps.assert_one("Add Strategy for Priority Risk")
    [made] = plan.strategies.list()
    assert plan.strategy_risks.targets(made.id) == [risk]
    assert strategies.list.current_id() == made.id
    steps.assert_one_undo()
    assert plan.strategies.list() == [] and plan.strategy_risks.pairs() == []


def test_linking_a_member_to_a_partner_brings_the_organisation_in_one_step(qtbot, window):
    plan = window.session.plan
    plan.partners.add(organisation="Lakeview Health Unit")
    member = plan.committee_members.add(person="Dr. Amélie Roy").id
    page = go_to_step(qtbot, window, "committee")
    members = page.members
    members.list.select(member)
    steps = Steps(window)
    choose(qtbot, members.form.editors["partner_id"], "Lakeview Health Unit")
    steps.assert_one("Change Member Partner")
    assert plan.committee_members.get(member).organisation == "Lakeview Health Unit"
    assert members.form.editors["organisation"].text() == "Lakeview Health Unit"
    steps.assert_one_undo()
    m = plan.committee_members.get(member)
    assert (m.partner_id, m.organisation) == (None, "")


def test_a_new_category_for_a_risk_is_one_step(qtbot, typist, window):
    plan = window.session.plan
    risk = plan.risks.add(title="Wildfire evacuations").id
    risks = go_to_step(qtbot, window, "risks")
    risks.list.select(risk)
    typist(risks.new_category, "Climate emergencies")
    steps = Steps(window)
    click(qtbot, risks.add_category_button)
    steps.assert_one("Add Risk Category")
    category = plan.risks.get(risk).category_id
    assert plan.risk_categories.get(category).name == "Climate emergencies"
    steps.assert_one_undo()
    assert plan.risks.get(risk).category_id is None and plan.risk_categories.find(category) is None
    # a name already on the list is refused in words, and nothing is written
    window.redo_action.trigger()
    risks.new_category.clear()
    typist(risks.new_category, "climate EMERGENCIES")
    steps.start()
    click(qtbot, risks.add_category_button)
    assert steps.counted() == (0, 0, 0)
    assert risks.category_problem.isVisibleTo(risks) and "already a category" in risks.category_problem.text()


def test_moving_a_logic_model_entry_is_one_step(qtbot, window):
    plan = window.session.plan
    strategy = plan.strategies.add(title="School breakfast program").id
    texts = ["Serve breakfast", "Buy food in bulk", "Train volunteers", "Find a room"]
    for i, text in enumerate(texts):
        plan.logic_items.add(strategy_id=strategy, kind="activity", text=text, position=i)
    window.view.show_step("logic_models")
    page = window.view.pages["logic_models"]
    activities = page.stages["activity"]
    click_row(qtbot, activities.view, 3)
    steps = Steps(window)
    qtbot.keyClick(activities.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    steps.assert_one("Move Activity Up")

    def order():
        return [r.text for r in sorted(plan.logic_items.list(strategy_id=strategy, kind="activity"),
                                       key=lambda r: r.position)]

    assert order() == ["Serve breakfast", "Buy food in bulk", "Find a room", "Train volunteers"]
    steps.assert_one_undo()
    assert order() == texts


def test_undo_on_the_stack_is_a_new_edit_that_a_merge_carries_to_another_copy(window):
    """Undo writes what it puts back as an edit made now, so a copy that already took the change
    takes the undo too: for a single-field edit and for a multi-record action."""
    def copy(plan, device):
        conn = sqlite3.connect(":memory:", isolation_level=None)
        plan.conn.backup(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        return Plan(conn, device)

    doc, plan = window.doc, window.session.plan
    risk = plan.risks.add(title="Housing instability").id
    harm = plan.criteria.list()[1]
    plan.set_score(risk, harm.id, score=5)
    theirs = copy(plan, "device-school-board")
    doc.update(plan.risks, risk, "Rename Risk", title="Housing")
    doc.operate("Change Criterion Scale", lambda: operations.change_criterion_scale(plan, harm.id, ("1", "2", "3")))
    merge.merge_copy(theirs, copy(plan, plan.device_id))
    assert theirs.risks.get(risk).title == "Housing" and theirs.criteria.get(harm.id).levels == 3
    assert theirs.scores.list(risk_id=risk)[0].score is None
    assert doc.undo() is None and doc.undo() is None
    merge.merge_copy(theirs, copy(plan, plan.device_id))
    assert theirs.risks.get(risk).title == "Housing instability"
    assert theirs.criteria.get(harm.id).levels == 5 and theirs.scores.list(risk_id=risk)[0].score == 5
