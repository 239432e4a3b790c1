"""Risks, prioritisation and strategies, driven through the real widgets from an empty plan:
typing, clicks and keys on the grid; the data is checked through the plan API, undo included."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from cswb_desktop.core.framework import STEP_CODES
from cswb_desktop.gui.main_window import MainWindow
from cswb_desktop.gui.steps.prioritisation import (
    FIRST_CRITERION_COLUMN, PRIORITY_COLUMN, RANK_COLUMN, RISK_COLUMN, ScoreGridModel,
)

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show_error = lambda title, text: pytest.fail(f"unexpected error: {text}")
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: "discard"
    w.ask_new_plan = lambda: {"community": "Rivière-aux-Saumons", "community_type": "first_nation",
                              "title": "", "language": "en"}
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.new_plan()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    if w.session is not None:
        w.session.close(discard=True)


# --- helpers: a person at the keyboard and mouse ------------------------------------------------

def go_to_step(qtbot, window, code):
    navigator = window.view.navigator
    rect = navigator.visualRect(navigator.model().index(STEP_CODES.index(code)))
    qtbot.mouseClick(navigator.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.current_step() == code
    return window.view.pages[code]


def click(qtbot, widget):
    assert widget.isEnabled() and widget.isVisibleTo(widget.window()), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box):
    """Tick or untick a check box from the keyboard (Space), as a person tabbing through does:
    where a mouse click lands depends on how wide the font draws its label."""
    assert box.isEnabled() and box.isVisibleTo(box.window()), box.text()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def replace_text(qtbot, typist, editor, text, finish=Qt.Key.Key_Return):
    """Select what the field holds, type over it, and leave it as a person would."""
    editor = getattr(editor, "line", editor)  # a date field types into its line
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    typist(editor, text)
    if finish is not None:
        qtbot.keyClick(editor, finish)


def leave(qtbot, editor):
    """Tab out of a multi-line field, which commits it."""
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert not editor.hasFocus()


def list_texts(record_list, column):
    proxy = record_list.proxy
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def row_text(record_list, record_id, column):
    model = record_list.model
    return model.index(model.row_of(record_id), column).data()


def add_partner(qtbot, typist, window, name):
    page = go_to_step(qtbot, window, "partners")
    click(qtbot, page.add_button)
    replace_text(qtbot, typist, page.form.editors["organisation"], name)
    return page.list.current_id()


def add_risk(qtbot, typist, page, title):
    click(qtbot, page.add_button)
    title_editor = page.form.editors["title"]
    assert title_editor.hasFocus()
    replace_text(qtbot, typist, title_editor, title)
    return page.list.current_id()


def add_evidence(qtbot, typist, page, source, indicator="", year=None):
    click(qtbot, page.evidence.add_button)
    form = page.evidence.form
    replace_text(qtbot, typist, form.editors["source"], source)
    if indicator:
        replace_text(qtbot, typist, form.editors["indicator"], indicator)
    if year is not None:
        replace_text(qtbot, typist, form.editors["year"], str(year))
    return page.evidence.list.current_id()


def grid_index(page, risk_id, column):
    source = page.model.index(page.model.row_of(risk_id), column)
    return page.proxy.mapFromSource(source)


def put_cursor(page, risk_id, column):
    page.grid.setFocus()
    page.grid.setCurrentIndex(grid_index(page, risk_id, column))


def ranks_by_title(page):
    proxy = page.proxy
    return {proxy.index(r, RISK_COLUMN).data(): proxy.index(r, RANK_COLUMN).data()
            for r in range(proxy.rowCount())}


def snapshot(plan):
    """Everything these steps touch, without the time stamps an undo renews."""
    def clean(records):
        return sorted((dataclasses.replace(r, created_at="", modified_at="", modified_by="") for r in records),
                      key=lambda r: r.id)
    return {
        "risks": clean(plan.risks.list()), "evidence": clean(plan.evidence.list()),
        "scores": clean(plan.scores.list()), "criteria": clean(plan.criteria.list()),
        "categories": clean(plan.risk_categories.list()), "strategies": clean(plan.strategies.list()),
        "strategy_risks": plan.strategy_risks.pairs(), "strategy_partners": plan.strategy_partners.pairs(),
        "risk_partners": plan.risk_partners.pairs(), "risk_activities": plan.risk_activities.pairs(),
    }


# --- the whole path ---------------------------------------------------------------------------

def test_from_an_empty_plan_through_risks_prioritisation_and_strategies(qtbot, typist, window):
    plan = window.session.plan
    food_bank = add_partner(qtbot, typist, window, "Banque alimentaire du Nord")
    health = add_partner(qtbot, typist, window, "Makwa Ziibi Health Centre")
    activity = plan.activities.add(title="Youth forum", held_on="2025-02-01")  # the engagement step's own test covers its page

    # Risks ------------------------------------------------------------------------------------
    risks = go_to_step(qtbot, window, "risks")
    housing = add_risk(qtbot, typist, risks, "Logement ᐊᓂᔑᓈᐯ précaire")
    assert plan.risks.get(housing).title == "Logement ᐊᓂᔑᓈᐯ précaire"
    assert window.doc.undo_stack.undoText() == "Rename Risk"

    combo = risks.form.editors["category_id"]
    combo.setFocus()
    qtbot.keyClicks(combo, "Housi")
    assert plan.risk_categories.get(plan.risks.get(housing).category_id).name == "Housing"

    typist(risks.new_category, "Transport isolé")
    click(qtbot, risks.add_category_button)
    category = plan.risks.get(housing).category_id
    assert plan.risk_categories.get(category).name == "Transport isolé"
    assert not plan.risk_categories.get(category).from_rtd
    assert window.doc.undo_stack.undoText() == "Add Risk Category"
    assert combo.currentText() == "Transport isolé"
    typist(risks.new_category, "transport  ISOLÉ")
    click(qtbot, risks.add_category_button)
    assert "already a category" in risks.category_problem.text() and risks.category_problem.isVisible()

    description = risks.form.editors["description"]
    description.setFocus()
    typist(description, "Too few homes; families share.")
    leave(qtbot, description)
    assert plan.risks.get(housing).description == "Too few homes; families share."

    # Tab goes from "who raised it" to its check boxes, in the order they are shown.
    raised = risks.form.editors["raised_by"]
    raised.setFocus()
    qtbot.keyClick(raised, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is risks.activity_links.box(activity.id)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is risks.partner_links.box(food_bank)
    tick(qtbot, risks.partner_links.box(health))
    tick(qtbot, risks.activity_links.box(activity.id))
    assert plan.risk_partners.targets(housing) == [health]
    assert plan.risk_activities.targets(housing) == [activity.id]

    # One source: flagged in the list and in the detail, in words and with a mark.
    add_evidence(qtbot, typist, risks, "Statistics Canada, Census 2021", "Crowded homes", 2021)
    assert row_text(risks.list, housing, 2) == "⚠ 1 (needs 2)"
    assert "Needs more evidence" in risks.sources_label.text() and "only one data source" in risks.sources_label.text()
    # The same source written differently is still one source.
    second = add_evidence(qtbot, typist, risks, "statistics canada,  census 2021", "Core housing need")
    assert row_text(risks.list, housing, 2) == "⚠ 1 (needs 2)"
    replace_text(qtbot, typist, risks.evidence.form.editors["source"], "Band housing office waiting list")
    assert plan.evidence.get(second).source == "Band housing office waiting list"
    assert row_text(risks.list, housing, 2) == "✔ 2"
    assert risks.sources_label.text().startswith("✔") and "2 different data sources" in risks.sources_label.text()
    ev = {e.source: e for e in plan.evidence.list(risk_id=housing)}
    assert ev["Statistics Canada, Census 2021"].year == 2021
    assert ev["Statistics Canada, Census 2021"].indicator == "Crowded homes"

    youth = add_risk(qtbot, typist, risks, "Youth mental health")
    assert row_text(risks.list, youth, 2) == "⚠ 0 (needs 2)"
    food = add_risk(qtbot, typist, risks, "Food insecurity")

    # Prioritisation ---------------------------------------------------------------------------
    prio = go_to_step(qtbot, window, "prioritisation")
    criteria = plan.criteria.list()
    reach, harm, trend = criteria[0], criteria[1], criteria[2]  # weights 3, 3, 2; 4, 5 and 3 levels
    reach_col, harm_col, trend_col = (prio.model.column_of(c.id) for c in (reach, harm, trend))

    put_cursor(prio, housing, reach_col)
    qtbot.keyClick(prio.grid, Qt.Key.Key_4)  # 3 × 4/4 = 3
    assert plan.scores.list(risk_id=housing)[0].score == 4
    assert window.doc.undo_stack.undoText() == "Score Risk"
    put_cursor(prio, youth, harm_col)
    qtbot.keyClick(prio.grid, Qt.Key.Key_Return)  # the list of levels, by keyboard
    editor = prio.grid.indexWidget(prio.grid.currentIndex())
    assert isinstance(editor, QComboBox) and editor.itemText(5) == "5 · Life-threatening"
    qtbot.keyClick(editor, Qt.Key.Key_End)  # 3 × 5/5 = 3: a tie with housing
    assert plan.scores.list(risk_id=youth)[0].score == 5
    put_cursor(prio, food, trend_col)
    qtbot.keyClick(prio.grid, Qt.Key.Key_9)  # beyond the scale: nothing happens
    assert plan.scores.list(risk_id=food) == []
    qtbot.keyClick(prio.grid, Qt.Key.Key_3)  # 2 × 3/3 = 2
    assert ranks_by_title(prio) == {"Logement ᐊᓂᔑᓈᐯ précaire": "1 (tied)", "Youth mental health": "1 (tied)",
                                   "Food insecurity": "3"}
    assert "tied" in prio.summary.text()

    # A rationale for the current score, written under the grid.
    put_cursor(prio, housing, reach_col)
    assert "Logement" in prio.cell_label.text() and "4 of 4" in prio.cell_label.text()
    prio.rationale.setFocus()
    typist(prio.rationale, "Census: 1 home in 4 is crowded.")
    prio.grid.setFocus()
    assert plan.scores.list(risk_id=housing)[0].rationale == "Census: 1 home in 4 is crowded."
    assert window.doc.undo_stack.undoText() == "Change Score Rationale"
    assert prio.proxy.data(grid_index(prio, housing, reach_col)).endswith("✎")

    # Changing a weight re-ranks at once.
    prio.tabs.setCurrentIndex(2)
    prio.criteria_panel.select(reach.id)
    replace_text(qtbot, typist, prio.criteria_panel.form.editors["weight"], "4")
    assert plan.criteria.get(reach.id).weight == 4.0
    assert window.doc.undo_stack.undoText() == "Change Criterion Weight"
    assert ranks_by_title(prio) == {"Logement ᐊᓂᔑᓈᐯ précaire": "1", "Youth mental health": "2",
                                   "Food insecurity": "3"}
    assert "weight 4" in prio.model.headerData(reach_col, Qt.Orientation.Horizontal)

    # Priorities: Space on the Priority cell.
    for risk_id in (housing, youth):
        put_cursor(prio, risk_id, PRIORITY_COLUMN)
        qtbot.keyClick(prio.grid, Qt.Key.Key_Space)
    assert {r.title for r in plan.risks.list() if r.is_priority} == {"Logement ᐊᓂᔑᓈᐯ précaire", "Youth mental health"}
    assert window.doc.undo_stack.undoText() == "Mark Priority Risk"

    # Placing by hand needs a reason, in words; then the place wins over the score.
    put_cursor(prio, food, RISK_COLUMN)
    prio.tabs.setCurrentIndex(1)
    prio.place_spin.setFocus()
    qtbot.keyClick(prio.place_spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(prio.place_spin, "1")
    click(qtbot, prio.place_button)
    assert prio.place_problem.isVisible() and "Write why" in prio.place_problem.text()
    assert plan.risks.get(food).rank_override is None
    typist(prio.reason, "Chief and Council named it first")
    click(qtbot, prio.place_button)
    assert plan.risks.get(food).rank_override == 1
    assert plan.risks.get(food).override_reason == "Chief and Council named it first"
    assert ranks_by_title(prio) == {"Food insecurity": "1 (set by hand)", "Logement ᐊᓂᔑᓈᐯ précaire": "2",
                                   "Youth mental health": "3"}
    first_row = prio.proxy.index(0, RISK_COLUMN).data()
    assert first_row == "Food insecurity"  # sorted by rank

    # Strategies -------------------------------------------------------------------------------
    strategies = go_to_step(qtbot, window, "strategies")
    coverage = strategies.coverage
    assert [title for _id, title in coverage.model.risks] == ["Logement ᐊᓂᔑᓈᐯ précaire", "Youth mental health"]
    assert "8 of 8 cells are gaps" in coverage.summary.text()

    click(qtbot, strategies.add_button)
    replace_text(qtbot, typist, strategies.form.editors["title"], "Maison de transition")
    first = strategies.list.current_id()
    area = strategies.form.editors["area"]
    area.setFocus()
    qtbot.keyClicks(area, "Soc")
    assert plan.strategies.get(first).area == "social_development"
    lead = strategies.form.editors["lead_partner_id"]
    lead.setFocus()
    qtbot.keyClicks(lead, "Banq")
    assert plan.strategies.get(first).lead_partner_id == food_bank
    replace_text(qtbot, typist, strategies.form.editors["budget"], "12 500")
    assert plan.strategies.get(first).budget == 12500.0
    replace_text(qtbot, typist, strategies.form.editors["start_on"], "2025-09-01")
    replace_text(qtbot, typist, strategies.form.editors["end_on"], "2025-01-01")
    assert "comes before the start date" in strategies.form.problems["end_on"].text()
    assert plan.strategies.get(first).end_on is None
    replace_text(qtbot, typist, strategies.form.editors["end_on"], "2026-03-31")
    assert plan.strategies.get(first).end_on == "2026-03-31"
    # Priority risks come first among the risks it can serve; one strategy serves two.
    risk_options = list(strategies.risk_links.checks.options.values())
    assert risk_options[:2] == ["★ Logement ᐊᓂᔑᓈᐯ précaire (priority risk)", "★ Youth mental health (priority risk)"]
    tick(qtbot, strategies.risk_links.box(housing))
    tick(qtbot, strategies.risk_links.box(youth))
    tick(qtbot, strategies.partner_links.box(health))
    assert sorted(plan.strategy_risks.targets(first)) == sorted([housing, youth])
    assert plan.strategy_partners.targets(first) == [health]
    assert row_text(strategies.list, first, 2) == "Social development"
    assert row_text(strategies.list, first, 4) == "Banque alimentaire du Nord"

    # A second strategy, in prevention, for housing only: through the matrix's gap cell.
    model = coverage.model
    housing_row = [r for r, _t in model.risks].index(housing)
    prevention = model.areas.index("prevention")
    assert model.index(housing_row, prevention).data() == "gap"
    coverage.view.setFocus()
    coverage.view.setCurrentIndex(model.index(housing_row, prevention))
    click(qtbot, coverage.add_here_button)
    second_strategy = strategies.list.current_id()
    assert plan.strategies.get(second_strategy).area == "prevention"
    assert plan.strategy_risks.targets(second_strategy) == [housing]
    replace_text(qtbot, typist, strategies.form.editors["title"], "Landlord outreach")

    assert model.index(housing_row, 0).data() == "1"
    assert model.index(housing_row, prevention).data() == "1"
    youth_row = [r for r, _t in model.risks].index(youth)
    assert [model.index(youth_row, c).data() for c in range(4)] == ["1", "gap", "gap", "gap"]
    assert "5 of 8 cells are gaps" in coverage.summary.text()
    gap_index = model.index(youth_row, 1)
    assert model.data(gap_index, Qt.ItemDataRole.BackgroundRole).style() == Qt.BrushStyle.BDiagPattern
    assert "a gap, no strategy yet" in model.data(gap_index, Qt.ItemDataRole.AccessibleTextRole)

    # Enter on a cell opens its strategies: the first is selected and the cell lists them all.
    strategies.list.select(second_strategy)
    coverage.view.setFocus()
    coverage.view.setCurrentIndex(model.index(youth_row, 0))
    qtbot.keyClick(coverage.view, Qt.Key.Key_Return)
    assert strategies.list.current_id() == first
    assert coverage.cell_model.rowCount() == 1
    assert coverage.cell_model.index(0, 0).data() == "1. Maison de transition"
    assert "Youth mental health" in coverage.cell_label.text()

    # Undo and redo of several of these edits restore exactly.
    stack = window.doc.undo_stack
    after = snapshot(plan)
    steps = stack.index()
    texts = []
    for _ in range(6):
        texts.append(stack.undoText())
        window.undo_action.trigger()
    assert texts == ["Rename Strategy", "Add Strategy for Priority Risk", "Change Supporting Partners",
                     "Change Strategy Risks", "Change Strategy Risks", "Change Strategy Dates"]
    assert plan.strategies.find(second_strategy) is None
    assert plan.strategy_risks.targets(first) == []
    assert plan.strategy_partners.targets(first) == []
    assert "8 of 8 cells are gaps" in coverage.summary.text()
    for _ in range(6):
        window.redo_action.trigger()
    assert stack.index() == steps
    assert snapshot(plan) == after
    assert "5 of 8 cells are gaps" in coverage.summary.text()


def test_undo_of_scoring_ranking_and_evidence_restores_exactly(qtbot, typist, window):
    plan = window.session.plan
    risks = go_to_step(qtbot, window, "risks")
    a = add_risk(qtbot, typist, risks, "Alcohol")
    b = add_risk(qtbot, typist, risks, "Gambling")
    before = snapshot(plan)
    stack = window.doc.undo_stack
    start = stack.index()

    add_evidence(qtbot, typist, risks, "Health unit survey")
    click(qtbot, risks.evidence.delete_button)
    prio = go_to_step(qtbot, window, "prioritisation")
    criterion = plan.criteria.list()[0]
    put_cursor(prio, a, prio.model.column_of(criterion.id))
    qtbot.keyClick(prio.grid, Qt.Key.Key_2)
    qtbot.keyClick(prio.grid, Qt.Key.Key_3)
    qtbot.keyClick(prio.grid, Qt.Key.Key_Delete)
    assert plan.scores.list(risk_id=a)[0].score is None
    put_cursor(prio, b, PRIORITY_COLUMN)
    qtbot.keyClick(prio.grid, Qt.Key.Key_Space)
    assert plan.risks.get(b).is_priority
    prio.tabs.setCurrentIndex(2)
    prio.criteria_panel.select(criterion.id)
    replace_text(qtbot, typist, prio.criteria_panel.form.editors["weight"], "0.5")
    assert plan.criteria.get(criterion.id).weight == 0.5
    middle = snapshot(plan)

    while stack.index() > start:
        window.undo_action.trigger()
    assert snapshot(plan) == before
    assert plan.scores.list() == []  # the score rows the edits made are gone, not just emptied
    while stack.canRedo():
        window.redo_action.trigger()
    assert snapshot(plan) == middle


def test_a_shorter_scale_clears_scores_above_it_in_one_undo_step(qtbot, typist, window):
    plan = window.session.plan
    risks = go_to_step(qtbot, window, "risks")
    a = add_risk(qtbot, typist, risks, "Drugs")
    prio = go_to_step(qtbot, window, "prioritisation")
    harm = plan.criteria.list()[1]  # five levels
    put_cursor(prio, a, prio.model.column_of(harm.id))
    qtbot.keyClick(prio.grid, Qt.Key.Key_5)
    prio.tabs.setCurrentIndex(2)
    prio.criteria_panel.select(harm.id)
    scale = prio.scale.text
    scale.setFocus()
    qtbot.keyClick(scale, Qt.Key.Key_A, CTRL)
    typist(scale, "Low\nHigh")
    assert prio.scale.problem.isVisible() and "3 to 7 levels" in prio.scale.problem.text()
    leave(qtbot, scale)
    assert plan.criteria.get(harm.id).levels == 5  # not written
    scale.setFocus()
    qtbot.keyClick(scale, Qt.Key.Key_A, CTRL)
    typist(scale, "Low\nMiddle\nHigh")
    leave(qtbot, scale)
    assert plan.criteria.get(harm.id).labels == ("Low", "Middle", "High")
    assert plan.scores.list(risk_id=a)[0].score is None
    assert window.doc.undo_stack.undoText() == "Change Criterion Scale"
    window.undo_action.trigger()
    assert plan.criteria.get(harm.id).levels == 5
    assert plan.scores.list(risk_id=a)[0].score == 5


def test_an_asset_becomes_an_existing_strategy_in_one_undo_step(qtbot, typist, window):
    plan = window.session.plan
    owner = add_partner(qtbot, typist, window, "Friendship Centre")
    # The assets step has its own tests; here the asset is only the starting point.
    asset = plan.assets.add(name="Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ", kind="cultural", owner_partner_id=owner,
                            description="Weekly classes with a shared meal.")
    plan.asset_areas.set(asset.id, ["prevention", "social_development"])
    strategies = go_to_step(qtbot, window, "strategies")
    combo = strategies.asset_combo
    assert combo.currentText() == "Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ"
    click(qtbot, strategies.asset_button)
    made = plan.strategies.list()
    assert len(made) == 1
    s = made[0]
    assert (s.title, s.description, s.kind, s.asset_id, s.area, s.lead_partner_id) == (
        "Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ", "Weekly classes with a shared meal.", "existing", asset.id,
        "social_development", owner)  # the asset's first area in ring order
    assert strategies.list.current_id() == s.id
    assert "Started from the community asset" in strategies.asset_label.text()
    assert combo.currentText() == "Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ (already a strategy)"
    assert window.doc.undo_stack.undoText() == "Turn Asset into Strategy"
    window.undo_action.trigger()
    assert plan.strategies.list() == []
    assert combo.currentText() == "Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ"
    window.redo_action.trigger()
    assert [x.id for x in plan.strategies.list()] == [s.id]


def test_pages_follow_changes_made_elsewhere_and_focus_records(qtbot, typist, window):
    plan = window.session.plan
    risks = go_to_step(qtbot, window, "risks")
    a = add_risk(qtbot, typist, risks, "Housing")
    click(qtbot, risks.score_button)  # jumps to the prioritisation step, on that risk
    prio = window.view.pages["prioritisation"]
    assert window.view.current_step() == "prioritisation"
    assert prio.grid.currentIndex().data(ScoreGridModel.RiskIdRole) == a
    strategies = go_to_step(qtbot, window, "strategies")
    s = plan.strategies.add(title="Made elsewhere", area="risk_intervention")  # e.g. by a merge
    assert "Made elsewhere" in list_texts(strategies.list, 1)
    window.view.go_to("strategies", "strategy", s.id)
    assert strategies.list.current_id() == s.id
    window.view.go_to("risks", "evidence", None)
    assert window.view.current_step() == "risks"


def test_the_grid_is_read_only_when_the_plan_is(qtbot, window, tmp_path):
    from cswb_desktop.core import planfile

    path = tmp_path / "p.cswb"
    planfile.create_plan_file(path, community="Lakeview")
    session = planfile.open_plan(path)
    session.plan.risks.add(title="Housing")
    session.save()
    session.close()
    assert window.open_path(str(path))
    other = MainWindow()
    qtbot.addWidget(other)
    other.show_error = lambda *a: None
    assert other.open_path(str(path)) and other.session.read_only
    other.view.show_step("prioritisation")
    prio = other.view.pages["prioritisation"]
    index = prio.proxy.index(0, FIRST_CRITERION_COLUMN)
    assert not prio.proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not prio.proxy.flags(prio.proxy.index(0, PRIORITY_COLUMN)) & Qt.ItemFlag.ItemIsUserCheckable
    other.close_plan()


def test_a_long_partner_list_is_one_filterable_list_ticked_by_keyboard(qtbot, typist, window):
    from cswb_desktop.gui.plan_links import LONG_LIST

    plan = window.session.plan
    ids = [plan.partners.add(organisation=f"Partner {n:02d}").id for n in range(LONG_LIST + 5)]
    strategies = go_to_step(qtbot, window, "strategies")
    click(qtbot, strategies.add_button)
    strategy = strategies.list.current_id()
    links = strategies.partner_links
    assert links.is_long and links.checks.model.rowCount() == LONG_LIST + 5
    typist(links.checks.filter_box, "Partner 07")
    assert links.checks.proxy.rowCount() == 1
    view = links.checks.view
    view.setFocus()
    view.setCurrentIndex(links.checks.index_of(ids[7]))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert plan.strategy_partners.targets(strategy) == [ids[7]]
    assert window.doc.undo_stack.undoText() == "Change Supporting Partners"
    window.undo_action.trigger()
    assert plan.strategy_partners.targets(strategy) == []
    assert links.checks.checked() == []
