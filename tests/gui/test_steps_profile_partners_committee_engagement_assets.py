"""The first five steps, driven through their widgets as a person would: typing, clicking, the
keyboard. Edits are never made by calling the plan API; the plan is only read to check them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QCheckBox, QComboBox, QPlainTextEdit, QStyle,
    QStyleOptionButton, QWidget,
)

from cswb_desktop.core import planfile
from cswb_desktop.core.framework import STEP_CODES
from cswb_desktop.core.sample import DEMO_FIRST_NATION_SYLLABICS as SAMPLE_SYLLABICS
from cswb_desktop.gui import theme, widgets
from cswb_desktop.gui.main_window import MainWindow
from cswb_desktop.gui.widgets import DateEdit, RecordForm, RecordList

SYLLABICS = "ᐊᓂᔑᓈᐯᒧᐎᓐ"


# --- driving the widgets ------------------------------------------------------------------------

@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors = []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: None
    w.asked_unsaved = []
    w.ask_unsaved = lambda: w.asked_unsaved.append(1) or "discard"  # tests check it was not asked
    w.resize(1280, 720)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    if w.session is not None:
        w.session.close(discard=True)


def new_plan(window, community="Lakeview", kind="municipality"):
    window.ask_new_plan = lambda: {"community": community, "community_type": kind, "title": "", "language": "en"}
    window.new_action.trigger()
    assert window.view is not None


def step_line(window, code: str) -> str:
    model = window.view.navigator.model()
    return model.data(model.index(STEP_CODES.index(code)))


def go_to(qtbot, window, code: str):
    """Click the step in the navigator."""
    nav = window.view.navigator
    index = nav.model().index(STEP_CODES.index(code))
    nav.scrollTo(index)
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualRect(index).center())
    assert window.view.current_step() == code
    return window.view.pages[code]


def open_tab(qtbot, page, index: int):
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentIndex() == index
    return page.tabs.currentWidget()


def click(qtbot, widget: QWidget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box: QCheckBox):
    """Click on the check box's square, where a person would."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    square = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    before = box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=square.center())
    assert box.isChecked() != before


def type_into(qtbot, typist, editor: QWidget, text: str):
    """Replace what an editor holds with typed text, then finish the edit as a person would:
    Return in a one-line field, Tab out of a text box."""
    if isinstance(editor, DateEdit):
        editor = editor.line
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if not text:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        if line:
            typist(editor, line)
    if isinstance(editor, QPlainTextEdit):
        qtbot.keyClick(editor, Qt.Key.Key_Tab)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def fill(qtbot, typist, form: RecordForm, **values):
    for name, value in values.items():
        editor = form.editors[name]
        if isinstance(editor, QComboBox):
            choose(qtbot, editor, value)
        else:
            type_into(qtbot, typist, editor, value)
        assert not form.problems[name].isVisibleTo(form), form.problems[name].text()


def choose(qtbot, combo: QComboBox, text: str):
    """Pick an entry with the arrow keys, as on a real keyboard."""
    target = combo.findText(text)
    assert target >= 0, f"{text!r} is not a choice"
    combo.setFocus()
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)
    assert combo.currentText() == text


def select_row(qtbot, records: RecordList, text: str):
    proxy = records.proxy
    for row in range(proxy.rowCount()):
        index = proxy.index(row, 0)
        if index.data() == text:
            records.view.scrollTo(index)
            qtbot.mouseClick(records.view.viewport(), Qt.MouseButton.LeftButton,
                             pos=records.view.visualRect(index).center())
            assert records.current_record().id == index.data(widgets.RecordTableModel.IdRole)
            return
    raise AssertionError(f"{text!r} is not in the list")


def lines(checklist) -> list[str]:
    return [checklist.item(i).text() for i in range(checklist.count())]


def undo(window, expected: str):
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo " + expected
    window.undo_action.trigger()


def redo(window, expected: str):
    assert window.redo_action.isEnabled()
    assert window.redo_action.text() == "&Redo " + expected
    window.redo_action.trigger()


def snapshot(plan) -> dict:
    data = {name: getattr(plan, name).list() for name in (
        "partners", "committee_members", "category_statuses", "teams", "activities", "participants",
        "assets")}
    data.update({name: getattr(plan, name).pairs() for name in (
        "member_categories", "activity_groups", "asset_areas")})
    data["profile"] = plan.profile()
    data["summary"] = plan.engagement_summary()
    return data


# --- the steps, one helper each, so the long test reads as a story -----------------------------

def fill_profile(qtbot, typist, window):
    page = go_to(qtbot, window, "profile")
    form = page.form
    assert "Not started" in step_line(window, "profile")
    fill(qtbot, typist, form, coordinators="Nicole Tremblay, CSWB Coordinator")
    assert "In progress" in step_line(window, "profile")
    # a date that does not exist is explained in words and not written
    type_into(qtbot, typist, form.editors["period_end"], "2028-02-30")
    assert form.problems["period_end"].isVisibleTo(form)
    assert "is not a date" in form.problems["period_end"].text()
    assert window.session.plan.profile().period_end is None
    fill(qtbot, typist, form,
         champions="Mayor Anne-Marie Gauthier\nChief Lorraine Wesley",
         vision=f"Un endroit sûr pour tous — {SYLLABICS}",
         period_start="2025-01-01", period_end="2028-12-31",
         participating_communities="Lakeview\nRivière-aux-Saumons",
         adopted_on="2025-03-15", adoption_reference="Resolution 2025-114")
    assert "Publish by 2025-04-14" in page.publish_label.text()
    assert "Review by 2029-03-15" in page.review_label.text()
    assert "Done" in step_line(window, "profile")
    assert window.isWindowModified()


def fill_partners(qtbot, typist, window):
    page = go_to(qtbot, window, "partners")
    partners = [("Lakeview Health Unit", "Health", "Runs the clinic and the nurse line"),
                ("Lakeview District School Board", "Education", "Schools, and the youth survey"),
                ("Lakeview OPP Detachment", "Police", "Policing and the situation table")]
    for number, (name, sector, role) in enumerate(partners):
        click(qtbot, page.add_button)
        assert window.undo_action.text() == "&Undo Add Partner"
        # the new partner's name is selected, ready to be typed over
        assert QApplication.focusWidget() is page.form.editors["organisation"]
        fill(qtbot, typist, page.form, organisation=name, sector=sector, role=role)
        assert window.undo_action.text() == "&Undo Change Partner role in the plan"
        if number == 0:
            assert "In progress" in step_line(window, "partners")
            type_into(qtbot, typist, page.form.editors["email"], "clinic@")
            assert "does not look like an e-mail address" in page.form.problems["email"].text()
            fill(qtbot, typist, page.form, email="clinic@lakeview.example.org", engagement_status="Committed")
    assert [p.organisation for p in window.session.plan.partners.list()] == sorted(p[0] for p in partners)
    assert page.list.model.rowCount() == 3
    assert "Done · 3 partners" in step_line(window, "partners")


def fill_committee(qtbot, typist, window):
    page = go_to(qtbot, window, "committee")
    members = page.members
    assert page.tabs.currentWidget() is members
    assert all(line.startswith("✘") for line in lines(members.coverage))

    click(qtbot, members.add_button)
    assert window.undo_action.text() == "&Undo Add Committee Member"
    fill(qtbot, typist, members.form, person="Dr. Amélie Roy")
    assert window.undo_action.text() == "&Undo Rename Committee Member"
    # linking a partner fills the empty organisation with the partner's name
    choose(qtbot, members.form.editors["partner_id"], "Lakeview Health Unit")
    assert members.form.editors["organisation"].text() == "Lakeview Health Unit"
    assert window.undo_action.text() == "&Undo Change Member Partner"
    checks = members.category_checks
    tick(qtbot, checks.box(1))
    assert window.undo_action.text() == "&Undo Change Member Categories"
    assert lines(members.coverage)[0] == "✔  1. Health — Dr. Amélie Roy"
    tick(qtbot, checks.box(3))
    assert lines(members.coverage)[2] == "✔  3. Community or social services — Dr. Amélie Roy"

    for person, organisation, categories in (("Joe Smith", "School board", (2, 4)),
                                             ("Councillor Ann Lee", "Town of Lakeview", (6,)),
                                             ("Sgt. Pat Doe", "OPP", (7,))):
        click(qtbot, members.add_button)
        fill(qtbot, typist, members.form, person=person, organisation=organisation)
        for number in categories:
            # by keyboard this time: focus the box and press the space bar
            box = checks.box(number)
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)
            assert box.isChecked()
    assert lines(members.coverage)[4].startswith("✘  5. Custodial services to children or youth — nobody yet")
    assert "6 of 7 covered" in members.coverage_box.title()
    assert "In progress" in step_line(window, "committee")
    tick(qtbot, members.no_provider[5])
    assert window.undo_action.text() == "&Undo Mark No Provider for Category 5"
    assert lines(members.coverage)[4] == "✔  5. Custodial services to children or youth — no such provider in our area"
    assert "all 7 covered" in members.coverage_box.title()
    assert members.list.model.rowCount() == 4

    teams = open_tab(qtbot, page, 1)
    assert teams is page.teams
    click(qtbot, teams.add_button)
    assert teams.form.editors["kind"].currentText() == "Advisory committee"
    fill(qtbot, typist, teams.form, name="Lakeview CSWB Advisory Committee",
         purpose="Guide the plan from preparation to adoption and review.")
    click(qtbot, teams.add_button)
    assert teams.form.editors["kind"].currentText() == "Implementation team"
    fill(qtbot, typist, teams.form, name="Youth Wellness Team",
         background="Youth named mental health first in the 2025 survey.",
         purpose="Carry out the youth strategies.",
         objectives="Open a drop-in centre; measure visits each quarter.",
         membership="School board, health unit, youth council",
         responsibilities="Chair: health unit\nSecretary: school board")
    assert window.undo_action.text() == "&Undo Change Team Responsibilities"
    assert [t.name for t in window.session.plan.teams.list()] == ["Lakeview CSWB Advisory Committee",
                                                                  "Youth Wellness Team"]
    assert "Done · 4 committee members" in step_line(window, "committee")


def fill_engagement(qtbot, typist, window):
    page = go_to(qtbot, window, "engagement")
    activities = page.activities
    assert activities.findChild(widgets.PrivacyNotice) is not None
    assert "0 of 7 reached" in activities.reach_box.title()

    click(qtbot, activities.add_button)
    assert window.undo_action.text() == "&Undo Add Engagement Activity"
    type_into(qtbot, typist, activities.form.editors["participants"], "12a")
    assert "is not a number" in activities.form.problems["participants"].text()
    fill(qtbot, typist, activities.form, title="Community survey", held_on="2025-02-01", method="Survey",
         participants="120", what_we_heard=f"Housing costs worry families. {SYLLABICS} classes are full.")
    assert window.undo_action.text() == "&Undo Change What We Heard"
    for code in ("public", "youth", "racialized", "fnmi", "lived_experience", "representative_orgs"):
        tick(qtbot, activities.group_checks.box(code))
    assert window.undo_action.text() == "&Undo Change Groups Reached"
    assert "6 of 7 reached" in activities.reach_box.title()
    assert lines(activities.reach)[2] == "✔  Youth — 1 activity: Community survey"
    assert lines(activities.reach)[0] == "✘  The advisory committee — not reached yet"

    click(qtbot, activities.add_button)
    fill(qtbot, typist, activities.form, title="Advisory committee workshop", held_on="2025-02-20",
         method="Workshop", participants="14")
    tick(qtbot, activities.group_checks.box("advisory_committee"))
    tick(qtbot, activities.group_checks.box("youth"))
    assert lines(activities.reach)[0] == "✔  The advisory committee — 1 activity: Advisory committee workshop"
    assert lines(activities.reach)[2] == "✔  Youth — 2 activities: Community survey; Advisory committee workshop"
    assert "all 7 reached" in activities.reach_box.title()
    # engagement is not done until the findings are written
    assert "In progress" in step_line(window, "engagement")

    summary = open_tab(qtbot, page, 1)
    assert summary.findChild(widgets.PrivacyNotice) is not None
    fill(qtbot, typist, summary.form, period_start="2025-01-15", period_end="2025-03-31",
         outreach_types="A survey in English, French and Ojibwe; a committee workshop.",
         successes="Over a hundred answers.", challenges="Few seniors answered.",
         findings="Housing and youth mental health came first.", lessons="Go where people are.")
    assert window.undo_action.text() == "&Undo Change Lessons Learned"
    assert "Done · 2 engagement activities" in step_line(window, "engagement")

    participants = open_tab(qtbot, page, 2)
    for sector, organisation in (("Youth", "Lakeview Youth Council"), ("Seniors", "Club de l'âge d'or")):
        click(qtbot, participants.add_button)
        assert window.undo_action.text() == "&Undo Add Participant"
        fill(qtbot, typist, participants.form, sector_or_group=sector, organisation=organisation)
    assert [(p.sector_or_group, p.organisation) for p in window.session.plan.participants.list()] == [
        ("Seniors", "Club de l'âge d'or"), ("Youth", "Lakeview Youth Council")]


def fill_assets(qtbot, typist, window):
    page = go_to(qtbot, window, "assets")
    click(qtbot, page.add_button)
    assert window.undo_action.text() == "&Undo Add Community Asset"
    fill(qtbot, typist, page.form, name="Lakeview Food Bank", kind="Service",
         owner_partner_id="Lakeview Health Unit", description="Hampers every Friday; école breakfast club.")
    assert "In progress" in step_line(window, "assets")
    tick(qtbot, page.area_checks.box("social_development"))
    assert "Done · 1 community asset" in step_line(window, "assets")
    tick(qtbot, page.area_checks.box("prevention"))
    assert page.list.model.index(0, 1).data() == "Social development, Prevention"

    # undo and redo name what they undo, and the widgets follow
    undo(window, "Change Asset Areas")
    assert not page.area_checks.box("prevention").isChecked()
    assert page.area_checks.box("social_development").isChecked()
    assert page.list.model.index(0, 1).data() == "Social development"
    redo(window, "Change Asset Areas")
    assert page.area_checks.box("prevention").isChecked()
    assert page.list.model.index(0, 1).data() == "Social development, Prevention"

    click(qtbot, page.add_button)
    fill(qtbot, typist, page.form, name="Temporary")
    assert page.list.model.rowCount() == 2
    assert "In progress" in step_line(window, "assets")  # the new asset has no area yet
    undo(window, "Rename Community Asset")
    assert page.form.editors["name"].text() == "New community asset"
    undo(window, "Add Community Asset")
    assert page.list.model.rowCount() == 1
    assert "Done" in step_line(window, "assets")
    redo(window, "Add Community Asset")
    assert page.list.model.rowCount() == 2
    undo(window, "Add Community Asset")
    assert [a.name for a in window.session.plan.assets.list()] == ["Lakeview Food Bank"]


# --- the tests ----------------------------------------------------------------------------------

def test_fill_part_one_through_the_widgets_save_and_reopen(qtbot, typist, window, tmp_path):
    new_plan(window)
    for code in ("profile", "partners", "committee", "engagement", "assets"):
        assert "Not started" in step_line(window, code)
    fill_profile(qtbot, typist, window)
    fill_partners(qtbot, typist, window)
    fill_committee(qtbot, typist, window)
    fill_engagement(qtbot, typist, window)
    fill_assets(qtbot, typist, window)

    plan = window.session.plan
    assert plan.profile().vision == f"Un endroit sûr pour tous — {SYLLABICS}"
    survey = next(a for a in plan.activities.list() if a.title == "Community survey")
    assert (survey.held_on, survey.method, survey.participants) == ("2025-02-01", "Survey", 120)
    assert survey.what_we_heard == f"Housing costs worry families. {SYLLABICS} classes are full."

    target = tmp_path / "lakeview.cswb"
    window.ask_save_path = lambda title, suggested: str(target)
    window.save_action.trigger()
    assert target.exists() and not window.isWindowModified()
    assert window.state_label.text() == "All changes saved"
    before = snapshot(plan)
    states_before = [step_line(window, code) for code in STEP_CODES]

    window.close_action.trigger()
    assert not window.asked_unsaved  # saved: no question
    assert window.session is None and window.pages.currentWidget() is window.start_page
    assert window.open_path(str(target))
    assert snapshot(window.session.plan) == before
    assert [step_line(window, code) for code in STEP_CODES] == states_before
    for code in ("profile", "partners", "committee", "engagement", "assets"):
        assert "\nDone" in step_line(window, code), step_line(window, code)
    for code in ("risks", "prioritisation", "strategies", "logic_models", "target_board", "measurement",
                 "implementation"):
        assert "\nNot started" in step_line(window, code), step_line(window, code)
    assert "\nIn progress" in step_line(window, "review")  # adopted, but the law still asks for more

    # what was typed shows again in the widgets
    page = go_to(qtbot, window, "committee")
    assert lines(page.members.coverage)[0] == "✔  1. Health — Dr. Amélie Roy"
    page = go_to(qtbot, window, "engagement")
    select_row(qtbot, page.activities.list, "Community survey")
    assert SYLLABICS in page.activities.form.editors["what_we_heard"].toPlainText()
    assert page.activities.group_checks.checked() == [
        "public", "youth", "racialized", "fnmi", "lived_experience", "representative_orgs"]


def test_committee_checklist_reacts_live_and_undo_names_each_edit(qtbot, typist, window):
    new_plan(window)
    page = go_to(qtbot, window, "committee")
    members = page.members
    click(qtbot, members.add_button)
    fill(qtbot, typist, members.form, person="Marie Tremblay")
    tick(qtbot, members.category_checks.box(2))
    assert lines(members.coverage)[1] == "✔  2. Education — Marie Tremblay"
    assert members.list.model.index(0, 2).data() == "2"
    fill(qtbot, typist, members.form, person="Marie-Ève Tremblay")
    assert lines(members.coverage)[1] == "✔  2. Education — Marie-Ève Tremblay"

    tick(qtbot, members.no_provider[3])
    assert lines(members.coverage)[2] == "✔  3. Community or social services — no such provider in our area"
    undo(window, "Mark No Provider for Category 3")
    assert not members.no_provider[3].isChecked()
    assert lines(members.coverage)[2].startswith("✘  3. Community or social services — nobody yet")
    redo(window, "Mark No Provider for Category 3")
    assert members.no_provider[3].isChecked()
    tick(qtbot, members.no_provider[3])
    assert window.undo_action.text() == "&Undo Clear No Provider for Category 3"

    # a second member on the same category: both are named
    click(qtbot, members.add_button)
    fill(qtbot, typist, members.form, person="Ahmed Farah")
    tick(qtbot, members.category_checks.box(2))
    assert lines(members.coverage)[1] == "✔  2. Education — Ahmed Farah, Marie-Ève Tremblay"

    # deleting a member takes their categories away; undo brings them back
    select_row(qtbot, members.list, "Marie-Ève Tremblay")
    assert members.category_checks.checked() == [2]
    members.list.view.setFocus()
    qtbot.keyClick(members.list.view, Qt.Key.Key_Delete)
    assert lines(members.coverage)[1] == "✔  2. Education — Ahmed Farah"
    undo(window, "Delete Committee Member")
    assert lines(members.coverage)[1] == "✔  2. Education — Ahmed Farah, Marie-Ève Tremblay"
    undo(window, "Change Member Categories")
    assert lines(members.coverage)[1] == "✔  2. Education — Marie-Ève Tremblay"
    # the member shown follows: Ahmed's box is clear again
    select_row(qtbot, members.list, "Ahmed Farah")
    assert members.category_checks.checked() == []


def test_consultation_checklist_reacts_live(qtbot, typist, window):
    new_plan(window)
    page = go_to(qtbot, window, "engagement")
    activities = page.activities
    assert all(line.endswith("not reached yet") for line in lines(activities.reach))
    click(qtbot, activities.add_button)
    fill(qtbot, typist, activities.form, title="Feast at the community hall")
    tick(qtbot, activities.group_checks.box("fnmi"))
    assert lines(activities.reach)[4] == "✔  First Nations, Métis and Inuit — 1 activity: Feast at the community hall"
    assert "1 of 7 reached" in activities.reach_box.title()
    fill(qtbot, typist, activities.form, title="Feast and sharing circle")
    assert lines(activities.reach)[4] == "✔  First Nations, Métis and Inuit — 1 activity: Feast and sharing circle"
    undo(window, "Rename Engagement Activity")
    assert lines(activities.reach)[4].endswith("Feast at the community hall")
    undo(window, "Change Groups Reached")
    assert lines(activities.reach)[4] == "✘  First Nations, Métis and Inuit — not reached yet"
    assert not activities.group_checks.box("fnmi").isChecked()
    # the whole list of activities is there for the mouse and for screen readers
    tick(qtbot, activities.group_checks.box("fnmi"))
    assert activities.reach.item(4).toolTip() == \
        "First Nations, Métis and Inuit — reached by: Feast at the community hall"


def test_deleting_a_partner_still_used_says_where_and_can_hand_it_over(qtbot, typist, window, monkeypatch):
    new_plan(window)
    partners = go_to(qtbot, window, "partners")
    for name in ("Friendship Centre", "Health Unit"):
        click(qtbot, partners.add_button)
        fill(qtbot, typist, partners.form, organisation=name)
    assets = go_to(qtbot, window, "assets")
    click(qtbot, assets.add_button)
    fill(qtbot, typist, assets.form, name="Language nights", owner_partner_id="Friendship Centre")

    partners = go_to(qtbot, window, "partners")
    select_row(qtbot, partners.list, "Friendship Centre")
    asked = []

    def refuse(parent, error, candidates):
        asked.append((str(error), dict(candidates)))
        return None
    monkeypatch.setattr(widgets, "ask_reassign", refuse)
    click(qtbot, partners.delete_button)
    message, candidates = asked[0]
    assert "Friendship Centre cannot be deleted yet" in message
    assert "runs 1 community asset (Language nights)" in message
    assert list(candidates.values()) == ["Health Unit"]
    assert partners.list.model.rowCount() == 2  # cancelled: nothing changed

    health = next(p.id for p in window.session.plan.partners.list() if p.organisation == "Health Unit")
    monkeypatch.setattr(widgets, "ask_reassign", lambda parent, error, candidates: health)
    click(qtbot, partners.delete_button)
    assert [p.organisation for p in window.session.plan.partners.list()] == ["Health Unit"]
    assert window.session.plan.assets.list()[0].owner_partner_id == health
    undo(window, "Delete Partner")
    assert partners.list.model.rowCount() == 2
    assets = go_to(qtbot, window, "assets")
    assert assets.form.editors["owner_partner_id"].currentText() == "Friendship Centre"


def test_keyboard_only_tab_order_and_mnemonics(qtbot, typist, window):
    new_plan(window)
    page = go_to(qtbot, window, "committee")
    members = page.members
    click(qtbot, members.add_button)
    role = members.form.editors["role"]
    role.setFocus()
    seen = []
    for _ in range(9):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    boxes = [members.category_checks.box(n) for n in range(1, 8)]
    assert seen[:7] == boxes  # the categories come right after the role, in order
    assert seen[7] is members.form.editors["notes"]
    # Alt + a category's number ticks it
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: members.category_checks.checked() == [4])  # a button's mnemonic clicks after a blink
    assert window.undo_action.text() == "&Undo Change Member Categories"
    # Alt+T opens the teams tab
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentWidget() is page.teams
    # Ctrl+PgDown goes to the next step, whose list can be used at once
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.view.current_step() == "engagement"


@pytest.mark.parametrize("code", ["profile", "partners", "committee", "engagement", "assets"])
def test_every_control_has_an_accessible_name(qtbot, window, code):
    window.open_demo()
    page = go_to(qtbot, window, code)
    panels = getattr(page, "panels", None) or [page]
    for index, panel in enumerate(panels):
        if hasattr(page, "tabs"):
            page.tabs.setCurrentIndex(index)
        nameless = []
        for widget in panel.findChildren(QWidget):
            if not widget.isVisibleTo(window) or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                continue
            if widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text()):
                continue
            nameless.append(f"{type(widget).__name__} {widget.objectName()}")
        assert not nameless, f"{code}: {nameless}"


def test_demo_plan_shows_french_and_syllabics(qtbot, window):
    window.open_demo()
    page = go_to(qtbot, window, "assets")
    names = [page.list.model.index(r, 0).data() for r in range(page.list.model.rowCount())]
    assert any(any(0x1400 <= ord(ch) <= 0x167F for ch in name) for name in names)
    page = go_to(qtbot, window, "engagement")
    titles = [page.activities.list.model.index(r, 0).data() for r in range(page.activities.list.model.rowCount())]
    assert any("Sondage communautaire" in t for t in titles)
    reach = page.activities.reach
    assert any("École Sainte-Thérèse" in reach.item(i).toolTip() for i in range(reach.count()))
    assert any(SAMPLE_SYLLABICS in reach.item(i).toolTip() for i in range(reach.count()))


def test_closing_with_unsaved_widget_edits_asks_first(qtbot, typist, window, tmp_path):
    path = tmp_path / "p.cswb"
    planfile.create_plan_file(path, community="Lakeview")
    assert window.open_path(str(path))
    page = go_to(qtbot, window, "assets")
    click(qtbot, page.add_button)
    fill(qtbot, typist, page.form, name="Arena")
    assert window.isWindowModified() and "Unsaved changes" == window.state_label.text()
    asked = []
    window.ask_unsaved = lambda: asked.append(1) or "cancel"
    assert not window.close()
    assert asked and window.session is not None and window.isVisible()
    window.ask_unsaved = lambda: "save"
    assert window.close()
    with planfile.reading(path) as plan:
        assert [a.name for a in plan.assets.list()] == ["Arena"]


def drop(window, path: Path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    return event


def test_dropping_a_plan_opens_it_and_a_rejected_one_says_why(qtbot, window, tmp_path):
    good = tmp_path / "Rivière.cswb"
    planfile.create_plan_file(good, community="Rivière-aux-Saumons")
    bad = tmp_path / "broken.cswb"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    drop(window, bad)
    assert window.session is None
    assert window.errors == ["broken.cswb is a database, but not a CSWB plan: check that you picked the right file."]
    assert window.pages.currentWidget() is window.start_page
    # only plan files are taken: a text file is refused at the door
    for path, taken in ((tmp_path / "notes.txt", False), (good, True)):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        enter = QDragEnterEvent(QPoint(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        enter.ignore()
        window.dragEnterEvent(enter)
        assert enter.isAccepted() is taken
    drop(window, good)
    assert window.session is not None and window.session.path == good
    assert "Rivière-aux-Saumons" in window.view.header.text()
    assert window.windowTitle().startswith("Rivière-aux-Saumons Community Safety")


def test_colours_can_be_dark_light_or_the_systems(qtbot, window):
    system = QApplication.palette().color(QPalette.ColorRole.Window)
    try:
        assert window.colour_actions["system"].isChecked()
        window.colours_menu.actions()[2].trigger()  # Dark
        assert theme.is_dark()
        assert window.colour_actions["dark"].isChecked()
        # the choice is remembered for the next window
        other = MainWindow()
        qtbot.addWidget(other)
        assert other.colour_actions["dark"].isChecked()
        window.colour_actions["light"].trigger()
        assert not theme.is_dark()
        text = QApplication.palette().color(QPalette.ColorRole.WindowText)
        assert text.lightness() < 60
    finally:
        window.colour_actions["system"].trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window) == system


def test_lists_sort_by_any_column_filter_and_keep_the_selection(qtbot, window):
    window.open_demo()
    page = go_to(qtbot, window, "assets")
    records = page.list
    select_row(qtbot, records, "Lakeshore Youth Drop-In Centre")
    header = records.view.horizontalHeader()

    def column(c):
        return [records.proxy.index(r, c).data() for r in range(records.proxy.rowCount())]

    names = column(0)
    assert names == sorted(names, key=str.casefold)
    # sort by the areas served (outer ring first), then the other way round
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(1) + 5, header.height() // 2))
    areas = column(1)
    assert areas[0].startswith("Social development") and areas[-1].startswith(("Risk", "Incident"))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(1) + 5, header.height() // 2))
    assert column(1) == areas[::-1]
    assert records.current_record().name == "Lakeshore Youth Drop-In Centre"
    assert records.view.currentIndex().data() == "Lakeshore Youth Drop-In Centre"
    # the filter matches any column, here the kind
    qtbot.keyClicks(records.filter_box, "cultural")
    assert column(2) and set(column(2)) == {"Cultural asset"}
