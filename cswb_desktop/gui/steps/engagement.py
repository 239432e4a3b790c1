"""Step 4: community engagement — each activity and the groups it reached, the summary of the whole
engagement (toolkit Form A), and who took part (Form B)."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core import framework
from ..link_widgets import LinkChecks, bind_link_checks
from ..widgets import (
    CheckList, Column, FieldSpec, MasterDetailPage, PrivacyNotice, RecordForm, StepPage, TabbedStepPage,
)

# Short names for the check boxes; the full wording of the law is each box's description.
GROUP_SHORT_NAMES: dict[str, str] = {
    "advisory_committee": "The advisory committee",
    "public": "Members of the public",
    "youth": "Youth",
    "racialized": "Racialized groups",
    "fnmi": "First Nations, Métis and Inuit",
    "lived_experience": "People with lived experience of mental health or addictions services",
    "representative_orgs": "Organisations that represent these groups",
}


class ActivitiesPanel(MasterDetailPage):
    """Each engagement activity, the groups it reached, and the live checklist of the groups the
    law asks the plan to consult."""

    embedded = True
    table_attr = "activities"
    noun = "Engagement Activity"
    name_field = "title"
    privacy_notice = True
    watched_tables = {"engagement_activity", "activity_group"}

    def __init__(self, doc, parent=None):
        self._groups: dict[str, list[str]] = {}
        super().__init__(doc, parent)

    def noun_plural(self) -> str:
        return "Engagement Activities"

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Activity"), lambda a: a.title),
            Column(self.tr("Date"), lambda a: a.held_on or ""),
            Column(self.tr("Method"), lambda a: a.method),
            Column(self.tr("People"), lambda a: "" if a.participants is None else a.participants,
                   lambda a: -1 if a.participants is None else a.participants),
            Column(self.tr("Groups reached"), lambda a: len(self._groups.get(a.id, []))),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("title", self.tr("&Title:")),
            FieldSpec("held_on", self.tr("Dat&e:"), "date", undo_text="Change Activity Date"),
            FieldSpec("method", self.tr("Meth&od:"), undo_text="Change Activity Method",
                      placeholder=self.tr("e.g. survey, feast, focus group, open house")),
            FieldSpec("participants", self.tr("&Number of participants:"), "int",
                      undo_text="Change Number of Participants"),
            FieldSpec("what_we_heard", self.tr("What we hea&rd:"), "text", undo_text="Change What We Heard",
                      placeholder=self.tr("The concerns and ideas people raised, in their words — about "
                                          "the community, never about one person")),
        ]

    def new_record_values(self) -> dict:
        return {"title": self.tr("New engagement activity")}

    def build_extra(self, outer) -> None:
        self.group_checks = LinkChecks(
            {g.code: self.tr(GROUP_SHORT_NAMES.get(g.code, g.name)) for g in framework.CONSULTATION_GROUPS},
            self.tr("Groups this activity reached"), title=self.tr("&Groups this activity reached"),
            descriptions={g.code: self.tr(g.name) for g in framework.CONSULTATION_GROUPS})
        self.show_groups = bind_link_checks(
            self.group_checks, self.doc, lambda: self.plan.activity_groups, self.list.current_id,
            self.tr("Change Groups Reached"))
        self.add_detail_widget(self.group_checks)
        self.detail_layout.addStretch(1)

        self.reach_box = QGroupBox()
        self.reach_box.setAccessibleName(self.tr("Groups the law asks the plan to consult"))
        layout = QVBoxLayout(self.reach_box)
        self.reach = CheckList(self.tr("Consultation groups reached"))
        self.reach.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        layout.addWidget(self.reach, 1)
        self.add_footer(self.reach_box)

    def records(self):
        self._groups = defaultdict(list)
        for activity_id, code in self.plan.activity_groups.pairs():
            self._groups[activity_id].append(code)
        return super().records()

    def show_details(self, record) -> None:
        self.show_groups()

    def refresh(self) -> None:
        super().refresh()
        self._show_reach()

    def _show_reach(self) -> None:
        reached_by: dict[str, list[str]] = defaultdict(list)
        # in the order they happened, whatever order the list is sorted in; undated ones last
        for activity in sorted(self.list.model.records, key=lambda a: (a.held_on or "9999", a.title.casefold())):
            for code in self._groups.get(activity.id, []):
                reached_by[code].append(activity.title or self.tr("(untitled)"))
        lines, full_lines = [], []
        required = [g for g in framework.CONSULTATION_GROUPS if g.required_by_law]
        for group in framework.CONSULTATION_GROUPS:
            name = self.tr(GROUP_SHORT_NAMES.get(group.code, group.name))
            activities = reached_by.get(group.code, [])
            if activities:
                shown = "; ".join(_shortened(title) for title in activities[:2])
                if len(activities) > 2:
                    shown += self.tr(" and %d more") % (len(activities) - 2)
                count = self.tr("1 activity") if len(activities) == 1 else self.tr("%d activities") % len(activities)
                lines.append((True, self.tr("%s — %s: %s") % (name, count, shown)))
                full_lines.append(self.tr("%s — reached by: %s") % (name, "; ".join(activities)))
            else:
                lines.append((False, self.tr("%s — not reached yet") % name))
                full_lines.append(lines[-1][1])
        self.reach.set_lines(lines)
        for row, text in enumerate(full_lines):  # the whole list of activities on hover and for screen readers
            self.reach.item(row).setToolTip(text)
            self.reach.item(row).setData(Qt.ItemDataRole.AccessibleDescriptionRole, text)
        missing = [g for g in required if not reached_by.get(g.code)]
        if not missing:
            summary = self.tr("all %d reached") % len(required)
        else:
            summary = self.tr("%d of %d reached, %d still to reach") % (
                len(required) - len(missing), len(required), len(missing))
        self.reach_box.setTitle(self.tr("Groups the law asks the plan to consult: %s") % summary)


def _shortened(title: str, limit: int = 32) -> str:
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"


class SummaryPanel(StepPage):
    """The engagement summary, toolkit Form A: one per plan."""

    owned_tables = {"engagement_summary"}

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 8, 0, 0)
        intro = QLabel(self.tr("A short account of the whole engagement; it becomes the engagement "
                               "section of the plan document."))
        intro.setWordWrap(True)
        outer.addWidget(intro)
        outer.addWidget(PrivacyNotice())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 8, 0)
        self.form = RecordForm([
            FieldSpec("period_start", self.tr("Period &from:"), "date", undo_text="Change Engagement Period"),
            FieldSpec("period_end", self.tr("Period &to:"), "date", undo_text="Change Engagement Period"),
            FieldSpec("outreach_types", self.tr("T&ypes of outreach:"), "text", undo_text="Change Types of Outreach",
                      placeholder=self.tr("Surveys, meetings, feasts, focus groups, social media…")),
            FieldSpec("successes", self.tr("&Successes:"), "text", undo_text="Change Engagement Successes"),
            FieldSpec("challenges", self.tr("&Challenges:"), "text", undo_text="Change Engagement Challenges"),
            FieldSpec("findings", self.tr("F&indings:"), "text", undo_text="Change Engagement Findings",
                      placeholder=self.tr("What the community told you, taken together")),
            FieldSpec("lessons", self.tr("&Lessons learned:"), "text", undo_text="Change Lessons Learned"),
        ])
        doc.watch_pending(self.form)
        layout.addWidget(self.form)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.form.edited.connect(self._edited)

    def watches(self, tables: set[str]) -> bool:
        return "engagement_summary" in tables

    def refresh(self) -> None:
        self.form.load(self.plan.engagement_summary())
        self.form.setEnabled(not self.doc.read_only)

    def _edited(self, name: str, value) -> None:
        plan = self.plan
        summary = plan.engagement_summary()
        text = self.tr(self.form.fields[name].undo_text)
        if plan.summary_table.find(summary.id) is not None:
            refused = self.doc.update(plan.summary_table, summary.id, text, **{name: value})
        else:  # a plan from elsewhere without the row: the plan API creates it
            before = getattr(summary, name)
            refused = self.doc.call(text, lambda: plan.update_engagement_summary(**{name: value}),
                                    lambda: plan.update_engagement_summary(**{name: before}))
        if refused:
            self.form.show_problem(name, refused)


class ParticipantsPanel(MasterDetailPage):
    """Who took part, toolkit Form B: each sector or group and the organisation that spoke for it."""

    embedded = True
    table_attr = "participants"
    noun = "Participant"
    name_field = "organisation"
    intro = "Each sector or group that took part, and the organisation or affiliation it came through."
    watched_tables = {"participant"}

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Sector or group"), lambda p: p.sector_or_group),
            Column(self.tr("Organisation or affiliation"), lambda p: p.organisation),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("sector_or_group", self.tr("&Sector or group:"), undo_text="Change Participant Sector",
                      placeholder=self.tr("e.g. Youth, Seniors, Health, Business")),
            FieldSpec("organisation", self.tr("&Organisation or affiliation:"),
                      undo_text="Change Participant Organisation"),
        ]

    def new_record_values(self) -> dict:
        return {"sector_or_group": self.tr("New sector or group")}

    def build_extra(self, outer) -> None:
        self.detail_layout.addStretch(1)
        # two short fields: the table gets half the room
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)


class Page(TabbedStepPage):
    step_code = "engagement"
    title = "Community engagement"
    intro = ("How the community was heard: each activity and the groups it reached, a summary of the "
             "engagement, and who took part.")

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.activities = self.add_panel(ActivitiesPanel(doc), self.tr("Acti&vities"))
        self.summary = self.add_panel(SummaryPanel(doc), self.tr("Su&mmary (Form A)"))
        self.participants = self.add_panel(ParticipantsPanel(doc), self.tr("W&ho took part (Form B)"))
