"""Step 3: the advisory committee (who sits on it, and which of the seven categories the law names
each person covers) and the teams, each with its terms of reference."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtWidgets import QAbstractScrollArea, QCheckBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from ...core import framework, operations
from ..link_widgets import LinkChecks, bind_link_checks
from ..widgets import CheckList, Column, FieldSpec, MasterDetailPage, TabbedStepPage


def category_label(number: int) -> str:
    return next(c.short for c in framework.COMMITTEE_CATEGORIES if c.number == number)


class MembersPanel(MasterDetailPage):
    """The committee members, the categories each covers, and the live coverage of all seven."""

    embedded = True
    table_attr = "committee_members"
    noun = "Committee Member"
    name_field = "person"
    watched_tables = {"committee_member", "member_category", "category_status", "partner"}

    def __init__(self, doc, parent=None):
        self._categories: dict[str, list[int]] = {}
        super().__init__(doc, parent)

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Person"), lambda m: m.person),
            Column(self.tr("Organisation"), lambda m: m.organisation),
            Column(self.tr("Categories"), lambda m: ", ".join(str(n) for n in self._categories.get(m.id, [])),
                   lambda m: self._categories.get(m.id) or [99]),
            Column(self.tr("Role"), lambda m: m.role),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("person", self.tr("&Person:")),
            FieldSpec("organisation", self.tr("&Organisation:"), undo_text="Change Member Organisation"),
            FieldSpec("partner_id", self.tr("Partner &link:"), "partner", undo_text="Change Member Partner",
                      help=self.tr("The organisation on the partner list this person comes from, if any.")),
            FieldSpec("role", self.tr("&Role on the committee:"), undo_text="Change Member Role",
                      placeholder=self.tr("e.g. Chair, member, alternate")),
            FieldSpec("notes", self.tr("&Notes:"), "text", undo_text="Change Member Notes"),
        ]

    def new_record_values(self) -> dict:
        return {"person": self.tr("New member")}

    def build_extra(self, outer) -> None:
        options = {c.number: f"&{c.number}. {self.tr(c.short)}" for c in framework.COMMITTEE_CATEGORIES}
        self.category_checks = LinkChecks(
            options, self.tr("Categories this member represents"),
            title=self.tr("Categories this member represents"),
            descriptions={c.number: self.tr(c.text) for c in framework.COMMITTEE_CATEGORIES})
        self.show_categories = bind_link_checks(
            self.category_checks, self.doc, lambda: self.plan.member_categories, self.list.current_id,
            self.tr("Change Member Categories"))
        self.form.insert_row("notes", self.category_checks)
        self.detail_layout.addStretch(1)

        self.coverage_box = QGroupBox()
        self.coverage_box.setAccessibleName(self.tr("Coverage of the seven categories"))
        layout = QVBoxLayout(self.coverage_box)
        self.coverage = CheckList(self.tr("Coverage of the seven categories"))
        self.coverage.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        layout.addWidget(self.coverage, 1)
        absent = QHBoxLayout()
        note = QLabel(self.tr("No such provider in our area:"))
        note.setToolTip(self.tr("Categories 3 to 5 are needed only where such a provider exists. "
                                "Where none does, tick it here."))
        absent.addWidget(note)
        self.no_provider: dict[int, QCheckBox] = {}
        for category in (c for c in framework.COMMITTEE_CATEGORIES if c.may_be_absent):
            check = QCheckBox(self.tr("Category %d") % category.number)  # Alt+number ticks the member's box
            check.setAccessibleName(self.tr("No provider of category %d, %s, in our area")
                                    % (category.number, self.tr(category.short).lower()))
            check.setToolTip(self.tr("No provider in our area: %s") % self.tr(category.text).lower())
            check.toggled.connect(lambda on, n=category.number: self._set_no_provider(n, on))
            self.no_provider[category.number] = check
            absent.addWidget(check)
        absent.addStretch(1)
        layout.addLayout(absent)
        self.add_footer(self.coverage_box)

    def records(self):
        self._categories = defaultdict(list)
        for member_id, category in self.plan.member_categories.pairs():
            self._categories[member_id].append(category)
        return super().records()

    def show_details(self, record) -> None:
        self.show_categories()

    def refresh(self) -> None:
        super().refresh()
        self._show_coverage()

    def _show_coverage(self) -> None:
        members = {m.id: m.person or self.tr("(unnamed)") for m in self.plan.committee_members.list()}
        covering: dict[int, list[str]] = defaultdict(list)
        for member_id, category in self.plan.member_categories.pairs():
            if member_id in members:
                covering[category].append(members[member_id])
        statuses = {s.category: s.no_provider for s in self.plan.category_statuses.list()}
        lines = []
        covered = 0
        for c in framework.COMMITTEE_CATEGORIES:
            name = f"{c.number}. {self.tr(c.short)}"
            people = sorted(covering.get(c.number, []), key=str.casefold)
            if people:
                lines.append((True, self.tr("%s — %s") % (name, ", ".join(people))))
            elif c.may_be_absent and statuses.get(c.number):
                lines.append((True, self.tr("%s — no such provider in our area") % name))
            elif c.may_be_absent:
                lines.append((False, self.tr("%s — nobody yet (or tick “no provider” if none exists "
                                             "in the area)") % name))
            else:
                lines.append((False, self.tr("%s — nobody yet") % name))
            covered += lines[-1][0]
        self.coverage.set_lines(lines)
        total = len(framework.COMMITTEE_CATEGORIES)
        if covered == total:
            summary = self.tr("all %d covered") % total
        else:
            summary = self.tr("%d of %d covered, %d missing") % (covered, total, total - covered)
        self.coverage_box.setTitle(self.tr("The seven categories the law requires: %s") % summary)
        for number, check in self.no_provider.items():
            check.blockSignals(True)
            check.setChecked(bool(statuses.get(number)))
            check.blockSignals(False)
            check.setEnabled(not self.doc.read_only)

    def _set_no_provider(self, category: int, on: bool) -> None:
        plan = self.plan
        current = next((s for s in plan.category_statuses.list() if s.category == category), None)
        before = bool(current and current.no_provider)
        note = current.note if current else ""
        if before == on:
            return
        text = (self.tr("Mark No Provider for Category %d") if on
                else self.tr("Clear No Provider for Category %d")) % category
        refused = self.doc.call(text, lambda: plan.set_category_status(category, no_provider=on, note=note),
                                lambda: plan.set_category_status(category, no_provider=before, note=note))
        if refused:
            self._show_coverage()

    def _edited(self, name: str, value) -> None:
        record = self.current()
        if name == "partner_id" and value and record is not None:
            # the organisation follows the partner link, in the same step, unless the user wrote
            # something else there (core.operations.set_member_partner)
            plan, member_id = self.plan, record.id
            refused = self.doc.operate(self.tr("Change Member Partner"),
                                       lambda: operations.set_member_partner(plan, member_id, value))
            if refused:
                self.form.show_problem(name, refused)
            return
        super()._edited(name, value)


class TeamsPanel(MasterDetailPage):
    """The advisory committee and the implementation teams as groups, with terms of reference."""

    embedded = True
    table_attr = "teams"
    noun = "Team"
    name_field = "name"
    intro = ("The advisory committee and each implementation team, with its terms of reference: why "
             "it exists, what it is for, what it aims to achieve and how that is measured, who sits "
             "on it, and who does what.")
    watched_tables = {"team"}

    def columns(self) -> list[Column]:
        kinds = framework.TEAM_KINDS
        return [
            Column(self.tr("Name"), lambda t: t.name),
            Column(self.tr("Kind"), lambda t: self.tr(kinds.get(t.kind, t.kind))),
            Column(self.tr("Purpose"), lambda t: t.purpose.strip().splitlines()[0] if t.purpose.strip() else ""),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("name", self.tr("&Name:")),
            FieldSpec("kind", self.tr("&Kind:"), "choice", framework.TEAM_KINDS, undo_text="Change Team Kind"),
            FieldSpec("background", self.tr("Back&ground:"), "text", undo_text="Change Team Background",
                      placeholder=self.tr("Why the group was set up; the local context")),
            FieldSpec("purpose", self.tr("&Purpose:"), "text", undo_text="Change Team Purpose",
                      placeholder=self.tr("What the group is for")),
            FieldSpec("objectives", self.tr("&Objectives and measures:"), "text",
                      undo_text="Change Team Objectives",
                      placeholder=self.tr("What it aims to achieve, and how progress will be measured")),
            FieldSpec("membership", self.tr("Membe&rship:"), "text", undo_text="Change Team Membership",
                      placeholder=self.tr("Who sits on it: organisations and roles")),
            FieldSpec("responsibilities", self.tr("Roles and respon&sibilities:"), "text",
                      undo_text="Change Team Responsibilities",
                      placeholder=self.tr("Chair, secretary, members: who does what")),
        ]

    def new_record_values(self) -> dict:
        if not any(t.kind == "advisory_committee" for t in self.plan.teams.list()):
            return {"name": self.tr("Advisory committee"), "kind": "advisory_committee"}
        return {"name": self.tr("New implementation team"), "kind": "implementation_team"}

    def build_extra(self, outer) -> None:
        self.detail_layout.addStretch(1)


class Page(TabbedStepPage):
    step_code = "committee"
    title = "Advisory committee and teams"
    intro = ("Who sits on the advisory committee and which of the seven categories in the law each "
             "person speaks for (one person may cover several); then the terms of reference of the "
             "committee and of each implementation team.")

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.members = self.add_panel(MembersPanel(doc), self.tr("&Members"))
        self.teams = self.add_panel(TeamsPanel(doc), self.tr("&Teams and terms of reference"))
