"""Logic models, measurement, implementation and review, driven through their widgets.

The partners and the strategy these steps build on are set up through the plan API (their own
steps are tested elsewhere); everything else is typed, clicked and keyed as a person would.
"""

from __future__ import annotations

import datetime

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from cswb_desktop.core import checks
from cswb_desktop.core.checks import run_checks
from cswb_desktop.gui.main_window import MainWindow

TODAY = datetime.date(2026, 1, 1)


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors = []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: "discard"
    w.ask_new_plan = lambda: {"community": "Lakeview", "community_type": "municipality", "title": "",
                              "language": "en"}
    w.resize(1280, 720)
    w.show()
    w.new_plan()
    yield w
    if w.session is not None:
        w.session.close(discard=True)


@pytest.fixture
def plan(window):
    return window.session.plan


@pytest.fixture
def setup(plan):
    """Two partners and one strategy, as the strategies step would leave them."""
    food = plan.partners.add(organisation="Food Bank of Lakeview", role="Runs the pantry")
    health = plan.partners.add(organisation="Lakeview Family Health Team", role="Clinics")
    strategy = plan.strategies.add(title="School breakfast program", area="social_development",
                                   lead_partner_id=food.id, budget=40000.0)
    return {"food": food.id, "health": health.id, "strategy": strategy.id}


def page_of(window, code):
    window.view.show_step(code)
    page = window.view.pages[code]
    if hasattr(page, "today"):
        page.today = lambda: TODAY
        page.refresh()
    return page


def last_undo_text(window) -> str:
    stack = window.doc.undo_stack
    return stack.text(stack.index() - 1)


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_row(qtbot, view, row, column=0):
    index = view.model().index(row, column)
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.currentIndex().row() == row


def type_into(qtbot, typist, editor, text, finish=Qt.Key.Key_Return):
    """Replace what an editor holds with `text`, as typed, and finish the edit."""
    editor.setFocus()
    line = editor.line if hasattr(editor, "line") else editor
    line = line.lineEdit() if hasattr(line, "lineEdit") and line.lineEdit() else line
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Backspace)
    typist(line, text)
    qtbot.keyClick(line, finish)


def add_chain_entry(qtbot, typist, stage, text):
    typist(stage.new_text, text)
    qtbot.keyClick(stage.new_text, Qt.Key.Key_Return)


# --- logic models -------------------------------------------------------------------------------

def texts(plan, strategy_id, kind):
    from cswb_desktop.gui.steps.logic_models import ordered

    if kind in ("input", "activity", "output"):
        return [r.text for r in ordered(plan.logic_items.list(strategy_id=strategy_id, kind=kind))]
    return [r.text for r in ordered(plan.outcomes.list(strategy_id=strategy_id, level=kind))]


def test_logic_model_chain_add_edit_move_delete_and_undo(window, plan, setup, qtbot, typist):
    page = page_of(window, "logic_models")
    sid = setup["strategy"]
    assert page.strategies.current_id() == sid
    assert "Strategy 1: School breakfast program" in page.strategy_label.text()

    inputs = page.stages["input"]
    add_chain_entry(qtbot, typist, inputs, "Volunteers from the parent council")
    assert texts(plan, sid, "input") == ["Volunteers from the parent council"]
    assert last_undo_text(window) == "Add Input"
    assert inputs.new_text.text() == "" and inputs.new_text.hasFocus()

    activities = page.stages["activity"]
    for text in ("Serve breakfast before class", "Buy food in bulk", "Train volunteers in food safety"):
        typist(activities.new_text, text)
        click(qtbot, activities.add_button)
    assert texts(plan, sid, "activity") == ["Serve breakfast before class", "Buy food in bulk",
                                            "Train volunteers in food safety"]
    assert activities.model.data(activities.model.index(1, 0)) == "2. Buy food in bulk"

    # move the third activity up with the keyboard, then the first down with the button
    click_row(qtbot, activities.view, 2)
    qtbot.keyClick(activities.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert texts(plan, sid, "activity") == ["Serve breakfast before class", "Train volunteers in food safety",
                                            "Buy food in bulk"]
    assert last_undo_text(window) == "Move Activity Up"
    assert activities.current_id() == plan.logic_items.list(strategy_id=sid, kind="activity")[0].id or \
        activities.view.currentIndex().row() == 1
    click_row(qtbot, activities.view, 0)
    click(qtbot, activities.down_button)
    assert texts(plan, sid, "activity") == ["Train volunteers in food safety", "Serve breakfast before class",
                                            "Buy food in bulk"]
    assert last_undo_text(window) == "Move Activity Down"
    assert activities.view.currentIndex().row() == 1
    window.doc.undo_stack.undo()
    window.doc.undo_stack.undo()
    assert texts(plan, sid, "activity") == ["Serve breakfast before class", "Buy food in bulk",
                                            "Train volunteers in food safety"]
    window.doc.undo_stack.redo()
    assert texts(plan, sid, "activity")[1] == "Train volunteers in food safety"

    # edit a text in place: F2, type, Enter
    click_row(qtbot, activities.view, 2)
    qtbot.keyClick(activities.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "Buy food in bulk"
    editor.selectAll()
    typist(editor, "Buy food in bulk with the food bank")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: texts(plan, sid, "activity")[2] == "Buy food in bulk with the food bank")
    assert last_undo_text(window) == "Edit Activity"

    # delete with the Delete key, then undo
    click_row(qtbot, activities.view, 0)
    qtbot.keyClick(activities.view, Qt.Key.Key_Delete)
    assert texts(plan, sid, "activity") == ["Train volunteers in food safety", "Buy food in bulk with the food bank"]
    assert last_undo_text(window) == "Delete Activity"
    window.doc.undo_stack.undo()
    assert len(texts(plan, sid, "activity")) == 3

    # outputs and the three outcome levels
    add_chain_entry(qtbot, typist, page.stages["output"], "Breakfasts served each school day")
    add_chain_entry(qtbot, typist, page.stages["immediate"], "Children start the day fed")
    add_chain_entry(qtbot, typist, page.stages["intermediate"], "Better attendance and attention")
    add_chain_entry(qtbot, typist, page.stages["long_term"], "Fewer young people disengage from school — ᐊᓂᔑᓈᐯ")
    assert last_undo_text(window) == "Add Long-term Outcome"
    assert texts(plan, sid, "long_term") == ["Fewer young people disengage from school — ᐊᓂᔑᓈᐯ"]
    assert page.stages["immediate"].model.rowCount() == 1

    # moving is refused at the ends: the buttons say so by being disabled
    click_row(qtbot, page.stages["output"].view, 0)
    assert not page.stages["output"].up_button.isEnabled()
    assert not page.stages["output"].down_button.isEnabled()


def test_logic_model_with_no_strategy_says_where_to_add_them(window, qtbot):
    page = page_of(window, "logic_models")
    assert "no strategies yet" in page.strategy_label.text()
    assert not page.stages["input"].add_button.isEnabled()


# --- measurement --------------------------------------------------------------------------------

@pytest.fixture
def outcome(window, plan, setup, qtbot, typist):
    """An immediate outcome, added through the logic model."""
    page = page_of(window, "logic_models")
    add_chain_entry(qtbot, typist, page.stages["immediate"], "Children start the day fed")
    return plan.outcomes.list(strategy_id=setup["strategy"])[0].id


def test_indicator_with_measurements_status_and_trend(window, plan, setup, outcome, qtbot, typist):
    page = page_of(window, "measurement")
    assert page.select(outcome)
    assert page.add_button.isEnabled() and not page.delete_button.isEnabled()
    click(qtbot, page.add_button)
    indicator = plan.indicators.list(outcome_id=outcome)[0]
    assert last_undo_text(window) == "Add Indicator"
    assert page.selected_ids() == ("indicator", indicator.id)
    name = page.form.editors["name"]
    assert name.hasFocus() and name.selectedText() == "New indicator"
    typist(name, "Students eating breakfast at school")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert plan.indicators.get(indicator.id).name == "Students eating breakfast at school"
    assert last_undo_text(window) == "Rename Indicator"

    editors = page.form.editors
    type_into(qtbot, typist, editors["unit"], "% of students")
    type_into(qtbot, typist, editors["baseline_value"], "4O")  # a letter O: refused in words
    assert page.form.problems["baseline_value"].isVisibleTo(page.form)
    assert "is not a number" in page.form.problems["baseline_value"].text()
    assert plan.indicators.get(indicator.id).baseline_value is None
    type_into(qtbot, typist, editors["baseline_value"], "40")
    assert not page.form.problems["baseline_value"].isVisibleTo(page.form)
    type_into(qtbot, typist, editors["baseline_on"], "2025-01-01")
    type_into(qtbot, typist, editors["target_value"], "80")
    type_into(qtbot, typist, editors["target_on"], "2027-01-01")
    type_into(qtbot, typist, editors["data_source"], "Breakfast program sign-in sheets")
    type_into(qtbot, typist, editors["collection_method"], "Monthly count, summed each term")
    type_into(qtbot, typist, editors["frequency"], "Every term")  # free text beside the suggestions
    editors["responsible_partner_id"].setFocus()
    qtbot.keyClicks(editors["responsible_partner_id"], "Lak")  # type-ahead: Lakeview Family Health Team
    stored = plan.indicators.get(indicator.id)
    assert (stored.unit, stored.baseline_value, stored.baseline_on, stored.target_value, stored.target_on) == \
        ("% of students", 40.0, "2025-01-01", 80.0, "2027-01-01")
    assert stored.frequency == "Every term"
    assert stored.data_source == "Breakfast program sign-in sheets"
    assert stored.responsible_partner_id == setup["health"]
    assert last_undo_text(window) == "Change Indicator Responsibility"
    # the suggestions are the framework's frequencies
    freq = editors["frequency"]
    assert [freq.itemText(i) for i in range(freq.count())][:2] == ["Monthly", "Quarterly"]

    # no measurement yet: no data, in words and with a mark, in the tree and beside the chart
    assert "– No data" in page.status_label.text()
    assert "add a measurement" in page.status_label.text()
    assert page._items[indicator.id].index().siblingAtColumn(1).data() == "– No data"

    # a first value, typed in the measurements tab: on track (55 % of the way, 50 % of the time)
    page.tabs.setCurrentIndex(1)
    panel = page.measurements
    click(qtbot, panel.add_button)
    measurement = plan.measurements.list(indicator_id=indicator.id)[0]
    assert measurement.measured_on == TODAY.isoformat()
    assert last_undo_text(window) == "Add Measurement"
    value = panel.form.editors["value"]
    assert value.hasFocus()
    typist(value, "62")
    qtbot.keyClick(value, Qt.Key.Key_Return)
    assert plan.measurements.get(measurement.id).value == 62.0
    assert "✔ On track" in page.status_label.text()
    assert "55 % of the way" in page.status_label.text() and "50 % of the time" in page.status_label.text()
    assert page._items[indicator.id].index().siblingAtColumn(1).data() == "✔ On track"
    assert page._items[indicator.id].index().siblingAtColumn(2).data() == "62 % of students"
    assert "(1)" in page.tabs.tabText(1)

    # corrected to a lower value: off track
    type_into(qtbot, typist, value, "45")
    assert "✘ Off track" in page.status_label.text()
    assert last_undo_text(window) == "Change Measurement Value"

    # an earlier measurement, typed with its own date and a note
    click(qtbot, panel.add_button)
    second = next(m for m in plan.measurements.list(indicator_id=indicator.id) if m.id != measurement.id)
    typist(panel.form.editors["value"], "50")
    qtbot.keyClick(panel.form.editors["value"], Qt.Key.Key_Tab)
    type_into(qtbot, typist, panel.form.editors["measured_on"], "2025-07-01")
    type_into(qtbot, typist, panel.form.editors["note"], "First term with the program")
    assert plan.measurements.get(second.id).measured_on == "2025-07-01"
    assert panel.list.model.rowCount() == 2
    assert "✘ Off track" in page.status_label.text()  # the latest (45 on 2026-01-01) decides

    # the trend chart has the baseline, both values in date order, and the target
    data = page.chart.data
    assert (data.baseline.day, data.baseline.value) == (datetime.date(2025, 1, 1), 40.0)
    assert [(p.day.isoformat(), p.value) for p in data.actuals] == [("2025-07-01", 50.0), ("2026-01-01", 45.0)]
    assert (data.target.day, data.target.value) == (datetime.date(2027, 1, 1), 80.0)
    g = page.chart.geometry_in(QRectF(0, 0, 400, 220))
    assert g.first_day == datetime.date(2025, 1, 1) and g.last_day == datetime.date(2027, 1, 1)
    assert g.baseline.x() == pytest.approx(g.plot.left())
    assert g.target.x() == pytest.approx(g.plot.right())
    share = (datetime.date(2026, 1, 1) - datetime.date(2025, 1, 1)).days / 730
    assert g.actuals[1].x() == pytest.approx(g.plot.left() + g.plot.width() * share)
    assert g.baseline.y() > g.actuals[1].y() > g.actuals[0].y() > g.target_y  # higher value, higher up
    assert g.target_y == pytest.approx(g.y_of(80.0)) and g.target.y() == pytest.approx(g.target_y)
    assert g.low <= 40 and g.high >= 80
    assert [v for v, _y in g.y_ticks] == [40, 50, 60, 70, 80, 90]  # a step of room above the target
    assert [label for _d, _x, label in g.x_ticks] == ["2026", "2027"]
    description = page.chart.accessibleDescription()
    assert "Baseline 40 % of students on 2025-01-01." in description
    assert "50 % of students on 2025-07-01, 45 % of students on 2026-01-01" in description
    assert "Target 80 % of students by 2027-01-01." in description
    assert page.chart.accessibleName() == "Trend chart for Students eating breakfast at school"

    # undo the latest edits down to the corrected value: back on track, the chart follows
    while plan.measurements.get(measurement.id).value != 62.0:
        window.doc.undo_stack.undo()
    assert "✔ On track" in page.status_label.text()
    assert [p.value for p in page.chart.data.actuals] == [62.0]
    while window.doc.undo_stack.canRedo():
        window.doc.undo_stack.redo()
    assert "✘ Off track" in page.status_label.text()
    assert [p.value for p in page.chart.data.actuals] == [50.0, 45.0]

    # deleting a measurement with the Delete key
    panel.list.view.setFocus()
    panel.select(second.id)
    qtbot.keyClick(panel.list.view, Qt.Key.Key_Delete)
    assert [m.id for m in plan.measurements.list(indicator_id=indicator.id)] == [measurement.id]
    assert last_undo_text(window) == "Delete Measurement"


def test_maintain_and_qualitative_indicators(window, plan, setup, outcome, qtbot, typist):
    page = page_of(window, "measurement")
    page.select(outcome)
    click(qtbot, page.add_button)
    indicator = plan.indicators.list(outcome_id=outcome)[0]
    direction = page.form.editors["direction"]
    direction.setFocus()
    qtbot.keyClicks(direction, "M")  # Maintain
    assert plan.indicators.get(indicator.id).direction == "maintain"
    type_into(qtbot, typist, page.form.editors["target_value"], "90")
    page.tabs.setCurrentIndex(1)
    click(qtbot, page.measurements.add_button)
    typist(page.measurements.form.editors["value"], "87")
    qtbot.keyClick(page.measurements.form.editors["value"], Qt.Key.Key_Return)
    assert "✔ On track" in page.status_label.text() and "within 5 % of 90" in page.status_label.text()

    # switching to qualitative shows the words fields, hides the numbers, and stops rating
    kind = page.form.editors["measure_type"]
    kind.setFocus()
    qtbot.keyClick(kind, Qt.Key.Key_Down)
    assert plan.indicators.get(indicator.id).measure_type == "qualitative"
    assert page.form.labels["baseline_text"].isVisibleTo(page.form)
    assert not page.form.labels["baseline_value"].isVisibleTo(page.form)
    assert "– No data" in page.status_label.text()
    assert "no chart" in page.chart.accessibleDescription()
    typist(page.measurements.form.editors["text_value"], "Parents say mornings are calmer")
    qtbot.keyClick(page.measurements.form.editors["text_value"], Qt.Key.Key_Tab)
    assert "◇ Not rated (qualitative)" in page.status_label.text()


def test_measurement_without_outcomes_explains_what_to_do(window, plan, setup):
    page = page_of(window, "measurement")
    assert page.select(setup["strategy"])
    assert not page.add_button.isEnabled()
    assert "no outcomes yet" in page.title_label.text()


# --- implementation -----------------------------------------------------------------------------

def test_actions_due_soon_view_and_progress_updates(window, plan, setup, qtbot, typist):
    second = plan.strategies.add(title="Youth drop-in nights", area="prevention", lead_partner_id=setup["health"])
    page = page_of(window, "implementation")
    panel = page.action_panel
    assert page.chosen_strategy() is None  # all strategies
    page.strategy_combo.setFocus()
    qtbot.keyClick(page.strategy_combo, Qt.Key.Key_Down)
    assert page.chosen_strategy() == setup["strategy"]
    assert page.strategy_form.isVisibleTo(page)

    click(qtbot, panel.add_button)
    action = plan.actions.list()[0]
    assert action.strategy_id == setup["strategy"] and last_undo_text(window) == "Add Action"
    title = panel.form.editors["title"]
    assert title.hasFocus()
    typist(title, "Order breakfast supplies")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    owner = panel.form.editors["owner_partner_id"]
    owner.setFocus()
    qtbot.keyClicks(owner, "Fo")
    type_into(qtbot, typist, panel.form.editors["due_on"], "2026-01-10")
    stored = plan.actions.get(action.id)
    assert (stored.title, stored.owner_partner_id, stored.due_on) == \
        ("Order breakfast supplies", setup["food"], "2026-01-10")

    # due within 30 days: listed, live, with the count in the tab
    assert [d.action.id for d in page.due_records()] == [action.id]
    assert page.tabs.tabText(1) == "&Overdue and due soon (1)"
    assert page.due_list.model.data(page.due_list.model.index(0, 0)) == "○ Due in 9 days"

    # an earlier due date makes it overdue
    type_into(qtbot, typist, panel.form.editors["due_on"], "2025-12-20")
    assert page.due_list.model.data(page.due_list.model.index(0, 0)) == "⚠ Overdue by 12 days"
    assert last_undo_text(window) == "Change Action Due Date"

    # a milestone far ahead is not listed
    click(qtbot, panel.add_button)
    later = next(a for a in plan.actions.list() if a.id != action.id)
    typist(panel.form.editors["title"], "Open the second school")
    qtbot.keyClick(panel.form.editors["title"], Qt.Key.Key_Tab)
    milestone = panel.form.editors["is_milestone"]
    milestone.setFocus()
    qtbot.keyClick(milestone, Qt.Key.Key_Space)
    type_into(qtbot, typist, panel.form.editors["due_on"], "2026-09-01")
    assert plan.actions.get(later.id).is_milestone
    assert [d.action.id for d in page.due_records()] == [action.id]
    assert panel.count() == 2

    # activating the overdue item (Enter) selects that action in the actions tab
    page.tabs.setCurrentIndex(1)
    click_row(qtbot, page.due_list.view, 0)
    qtbot.keyClick(page.due_list.view, Qt.Key.Key_Return)
    assert page.tabs.currentIndex() == 0
    assert panel.list.current_id() == action.id

    # marking it done removes it from the list at once
    status = panel.form.editors["status"]
    status.setFocus()
    qtbot.keyClicks(status, "D")
    assert plan.actions.get(action.id).status == "done"
    assert page.due_records() == [] and page.tabs.tabText(1) == "&Overdue and due soon (0)"
    window.doc.undo_stack.undo()
    assert [d.action.id for d in page.due_records()] == [action.id]

    # an action of another strategy, seen with "all strategies"
    plan.actions.add(strategy_id=second.id, title="Book the hall", due_on="2026-01-05")
    assert [d.action.title for d in page.due_records()] == ["Order breakfast supplies", "Book the hall"]
    assert panel.count() == 2  # still only the chosen strategy's
    page.choose_strategy(None)
    assert panel.count() == 3

    # progress updates of the chosen strategy
    page.choose_strategy(setup["strategy"])
    page.tabs.setCurrentIndex(2)
    updates = page.update_panel
    click(qtbot, updates.add_button)
    update = plan.progress_updates.list()[0]
    assert (update.strategy_id, update.reported_on) == (setup["strategy"], TODAY.isoformat())
    assert last_undo_text(window) == "Add Progress Update"
    status = updates.form.editors["status"]
    status.setFocus()
    qtbot.keyClicks(status, "Del")
    note = updates.form.editors["note"]
    typist(note, "Supplies late; first breakfasts served in week two.")
    qtbot.keyClick(note, Qt.Key.Key_Tab)
    stored = plan.progress_updates.get(update.id)
    assert (stored.status, stored.note) == ("delayed", "Supplies late; first breakfasts served in week two.")
    assert updates.count() == 1 and page.tabs.tabText(2) == "&Progress updates (1)"
    page.choose_strategy(second.id)
    assert updates.count() == 0


# --- review -------------------------------------------------------------------------------------

def review_messages(page):
    return [page.proxy.index(r, 0).data(page.model.FindingRole).message for r in range(page.proxy.rowCount())]


def test_review_lists_the_findings_and_jumps_to_fix_them(window, plan, setup, qtbot, typist):
    plan.update_profile(adopted_on="2025-03-01")
    plan.strategies.add(title="Overdose response", area="incident_response", budget=90000.0)
    page = page_of(window, "review")
    expected = run_checks(plan, TODAY)
    assert review_messages(page) == [f.message for f in expected]
    codes = {f.code for f in expected}
    assert {"strategy_outcome_missing", "strategy_not_started", "vision_missing"} <= codes
    law = sum(1 for f in expected if f.severity == checks.LAW)
    assert page.summary_label.text().startswith(f"{law} required by law, {len(expected) - law} recommended")
    first = page.proxy.index(0, 0)
    assert first.data(Qt.ItemDataRole.DisplayRole).startswith(
        "Required by law" if expected[0].severity == checks.LAW else "Recommended")
    assert first.data(Qt.ItemDataRole.DecorationRole) is not None

    # only what the law requires
    page.kind_combo.setCurrentIndex(1)
    assert review_messages(page) == [f.message for f in expected if f.severity == checks.LAW]
    page.kind_combo.setCurrentIndex(0)
    page.order_combo.setCurrentIndex(1)  # law first
    severities = [page.proxy.index(r, 0).data(page.model.FindingRole).severity for r in range(page.proxy.rowCount())]
    assert severities == sorted(severities, key=lambda s: s != checks.LAW)
    page.order_combo.setCurrentIndex(0)

    # Enter on "no expected outcome" opens the logic model of that strategy
    finding = next(f for f in expected if f.code == "strategy_outcome_missing" and f.record_id == setup["strategy"])
    assert page.select_finding(finding)
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert window.view.current_step() == "logic_models"
    logic = window.view.pages["logic_models"]
    assert logic.strategies.current_id() == setup["strategy"]
    assert logic.stages["immediate"].new_text.hasFocus()

    # add the outcome there, come back: that finding is gone, a measurement one took its place
    add_chain_entry(qtbot, typist, logic.stages["immediate"], "Children start the day fed")
    page = page_of(window, "review")
    expected = run_checks(plan, TODAY)
    assert review_messages(page) == [f.message for f in expected]
    assert not any(f.code == "strategy_outcome_missing" and f.record_id == setup["strategy"] for f in expected)
    finding = next(f for f in expected if f.code == "strategy_measure_missing")
    page.select_finding(finding)
    click(qtbot, page.go_button)
    assert window.view.current_step() == "measurement"
    assert window.view.pages["measurement"].selected_ids() == ("strategy", setup["strategy"])

    # "strategies not started" leads to the implementation step with that strategy chosen
    page = page_of(window, "review")
    finding = next(f for f in page.findings if f.code == "strategy_not_started")
    assert finding.record_id is None  # two strategies: the finding names both
    plan.strategies.update(next(s.id for s in plan.strategies.list() if s.id != setup["strategy"]),
                           start_on="2025-04-01")
    page = page_of(window, "review")
    finding = next(f for f in page.findings if f.code == "strategy_not_started")
    page.select_finding(finding)
    click_row(qtbot, page.list, page.list.currentIndex().row())
    qtbot.keyClick(page.list, Qt.Key.Key_Enter)
    assert window.view.current_step() == "implementation"
    implementation = window.view.pages["implementation"]
    assert implementation.chosen_strategy() == setup["strategy"]
    type_into(qtbot, typist, implementation.strategy_form.editors["start_on"], "2025-05-01")
    assert last_undo_text(window) == "Change Strategy Start Date"

    # the publication deadline is fixed in the profile, where the date is written
    page = page_of(window, "review")
    finding = next(f for f in page.findings if f.code == "publication_overdue")
    page.select_finding(finding)
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert window.view.current_step() == "profile"


def test_review_balance_chart_and_sentence(window, plan, setup):
    plan.strategies.add(title="Mobile crisis team", area="incident_response", budget=150000.0)
    plan.strategies.add(title="Situation table", area="risk_intervention", budget=10000.0)
    page = page_of(window, "review")
    b = page.balance
    assert b.total_strategies == 3 and b.total_budget == 200000.0
    assert b.heavy_by_budget and not b.heavy_by_strategies
    bars = page.chart.bars(QRectF(0, 0, 700, 300))
    assert [(bar.area, bar.measure) for bar in bars[:2]] == [("social_development", "strategies"),
                                                            ("social_development", "budget")]
    ir_budget = next(bar for bar in bars if bar.area == "incident_response" and bar.measure == "budget")
    assert ir_budget.share == pytest.approx(0.75)
    assert ir_budget.rect.width() == pytest.approx(ir_budget.track.width() * 0.75)
    assert ir_budget.label == "$150,000 of $200,000 budget, 75 %"
    prevention = next(bar for bar in bars if bar.area == "prevention" and bar.measure == "strategies")
    assert prevention.rect.width() == 0 and prevention.label == "0 of 3 strategies, 0 %"
    sentence = page.balance_label.text()
    assert "incident response holds 33 % of the strategies and 75 % of the budget ($150,000)" in sentence
    assert "⚠ Unbalanced: incident response holds 75 % of the budget" in sentence
    assert "Incident response: 1 of 3 strategies, 33 %; $150,000 of $200,000 budget, 75 %." in \
        page.chart.accessibleDescription()

    # live: moving money out of incident response rebalances the plan while the page is shown
    ir = next(s for s in plan.strategies.list() if s.area == "incident_response")
    window.doc.update(plan.strategies, ir.id, "Change Strategy Budget", budget=20000.0)
    assert not page.balance.unbalanced
    assert "✔ Balanced" in page.balance_label.text()


def test_measurement_tree_follows_edits_made_elsewhere(window, plan, setup, outcome, qtbot, typist):
    page = page_of(window, "measurement")
    page.select(outcome)
    click(qtbot, page.add_button)
    indicator = plan.indicators.list(outcome_id=outcome)[0]
    type_into(qtbot, typist, page.form.editors["baseline_value"], "10")
    type_into(qtbot, typist, page.form.editors["target_value"], "20")
    strategy_item = page._items[setup["strategy"]]

    # while another step is shown: a renamed strategy and a new measurement are applied in place
    window.view.show_step("implementation")
    window.doc.update(plan.strategies, setup["strategy"], "Rename Strategy", title="Breakfast for every child")
    window.doc.add(plan.measurements, "Add Measurement", indicator_id=indicator.id, measured_on="2025-12-01",
                   value=30.0)
    window.view.show_step("measurement")
    assert page._items[setup["strategy"]] is strategy_item  # not rebuilt
    assert strategy_item.text() == "Strategy 1: Breakfast for every child"
    assert page._items[indicator.id].index().siblingAtColumn(1).data() == "✔ On track"
    assert page.selected_ids() == ("indicator", indicator.id)
    assert "✔ On track" in page.status_label.text()

    # a new strategy changes the tree's shape: it is rebuilt and shows it
    window.view.show_step("implementation")
    other = plan.strategies.add(title="Walking school bus", area="prevention")
    window.view.show_step("measurement")
    assert page._items[other.id].text() == "Strategy 2: Walking school bus"
    assert page.selected_ids() == ("indicator", indicator.id)

    # deleting the shown indicator's measurement, then undoing it, while on screen
    m = plan.measurements.list(indicator_id=indicator.id)[0]
    window.doc.delete(plan.measurements, m.id, "Delete Measurement")
    assert page._items[indicator.id].index().siblingAtColumn(1).data() == "– No data"
    window.doc.undo_stack.undo()
    assert page._items[indicator.id].index().siblingAtColumn(1).data() == "✔ On track"
