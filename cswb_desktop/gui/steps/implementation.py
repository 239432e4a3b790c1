"""Step: implementation and monitoring — the actions and milestones of each strategy, what is
overdue or due within 30 days across the plan, and progress updates per strategy."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from ...core import framework
from ...core.records import Action, ProgressUpdate, Strategy
from ...core.schedule import DUE_SOON_DAYS, OVERDUE, DueAction, due_actions
from ..record_panel import RecordPanel
from ..widgets import Column, FieldSpec, RecordForm, RecordList, StepPage, page_heading

ALL = "__all__"


class Page(StepPage):
    step_code = "implementation"

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.today = _dt.date.today
        self._strategies: dict[str, Strategy] = {}
        self._partners: dict[str, str] = {}
        self._actions: list[Action] | None = None  # every action, read once per change of the plan

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr("Implementation and monitoring"), self.tr(
            "Break each strategy into actions and milestones with an owner and a due date, keep an "
            "eye on what is late or coming up, and note how each strategy is doing.")))
        top = QHBoxLayout()
        choose = QLabel(self.tr("&Strategy:"))
        self.strategy_combo = QComboBox()
        self.strategy_combo.setAccessibleName(self.tr("Strategy shown"))
        self.strategy_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.strategy_combo.setMinimumContentsLength(30)
        choose.setBuddy(self.strategy_combo)
        top.addWidget(choose)
        top.addWidget(self.strategy_combo, 1)
        outer.addLayout(top)
        self.strategy_form = RecordForm([
            FieldSpec("status", self.tr("Strategy s&tatus:"), "choice", framework.STRATEGY_STATUSES,
                      undo_text="Change Strategy Status"),
            FieldSpec("start_on", self.tr("Started o&n:"), "date", undo_text="Change Strategy Start Date"),
        ])
        doc.watch_pending(self.strategy_form)
        self.strategy_form.form_layout.setRowWrapPolicy(self.strategy_form.form_layout.RowWrapPolicy.DontWrapRows)
        outer.addWidget(self.strategy_form)

        self.tabs = QTabWidget()
        self.action_panel = RecordPanel(
            doc, "actions", self.tr("Action"), self._action_columns(), self._action_fields(),
            owner_field="strategy_id", list_name=self.tr("Actions and milestones"),
            orientation=Qt.Orientation.Horizontal, load=self._load_actions,
            new_values=lambda: {"title": self.tr("New action"),
                                "strategy_id": self._strategy_for_new("action_panel")})
        self.tabs.addTab(self.action_panel, self.tr("&Actions and milestones"))

        due_tab = QWidget()
        due_layout = QVBoxLayout(due_tab)
        due_layout.setContentsMargins(4, 4, 4, 4)
        self.due_intro = QLabel(self.tr(
            "Open actions of every strategy that are overdue or due within %d days. Press Enter or "
            "double-click one to open it.") % DUE_SOON_DAYS)
        self.due_intro.setWordWrap(True)
        due_layout.addWidget(self.due_intro)
        self.due_list = RecordList(self._due_columns(), self.tr("Overdue and due soon"))
        due_layout.addWidget(self.due_list, 1)
        self.tabs.addTab(due_tab, self.tr("&Overdue and due soon"))

        self.update_panel = RecordPanel(
            doc, "progress_updates", self.tr("Progress Update"), self._update_columns(),
            self._update_fields(), owner_field="strategy_id",
            list_name=self.tr("Progress updates"), orientation=Qt.Orientation.Horizontal,
            load=self._load_updates,
            new_values=lambda: {"reported_on": self.today().isoformat(),
                                "strategy_id": self._strategy_for_new("update_panel")})
        self.update_panel.list.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.tabs.addTab(self.update_panel, self.tr("&Progress updates"))
        outer.addWidget(self.tabs, 1)

        self.strategy_combo.activated.connect(lambda _i: self._strategy_chosen())
        self.strategy_form.edited.connect(self._strategy_edited)
        self.due_list.activated.connect(self.open_action)
        for panel in (self.action_panel, self.update_panel):
            panel.status_message.connect(self.status_message)

    # configuration ------------------------------------------------------------------------------

    def _strategy_name(self, strategy_id: str) -> str:
        s = self._strategies.get(strategy_id)
        return f"{s.number}. {s.title}" if s else ""

    def _strategy_number(self, strategy_id: str) -> int:
        s = self._strategies.get(strategy_id)
        return s.number if s else 0

    def _action_columns(self) -> list[Column]:
        statuses = framework.ACTION_STATUSES
        order = list(statuses)
        return [
            Column(self.tr("Strategy"), lambda a: str(self._strategy_number(a.strategy_id)),
                   lambda a: f"{self._strategy_number(a.strategy_id):06d} {a.due_on or '9999-12-31'}"),
            Column(self.tr("Action"), lambda a: (("◆ " + self.tr("Milestone") + ": ") if a.is_milestone else "") + a.title,
                   lambda a: a.title),
            Column(self.tr("Due"), lambda a: a.due_on or "", lambda a: a.due_on or "9999"),
            Column(self.tr("Status"), lambda a: self.tr(statuses.get(a.status, a.status)),
                   lambda a: order.index(a.status) if a.status in order else 99),
            Column(self.tr("Owner"), lambda a: self._partners.get(a.owner_partner_id or "", "")),
        ]

    def _action_fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("title", self.tr("Ac&tion:"), undo_text="Rename Action"),
            FieldSpec("strategy_id", self.tr("Strate&gy:"), "choice", {}, undo_text="Move Action to Another Strategy"),
            FieldSpec("owner_partner_id", self.tr("&Owner:"), "partner", undo_text="Change Action Owner"),
            FieldSpec("is_milestone", self.tr("&Milestone:"), "bool", undo_text="Change Action Milestone",
                      help=self.tr("A milestone marks a point the strategy has to reach, such as an opening.")),
            FieldSpec("due_on", self.tr("D&ue on:"), "date", undo_text="Change Action Due Date"),
            FieldSpec("status", self.tr("Stat&us:"), "choice", framework.ACTION_STATUSES,
                      undo_text="Change Action Status"),
            FieldSpec("done_on", self.tr("Do&ne on:"), "date", undo_text="Change Action Date Done"),
            FieldSpec("note", self.tr("Not&e:"), "text", undo_text="Change Action Note"),
        ]

    def _due_columns(self) -> list[Column]:
        statuses = framework.ACTION_STATUSES
        return [
            Column(self.tr("When"), self._when_text, lambda d: d.days),
            Column(self.tr("Due"), lambda d: d.action.due_on or ""),
            Column(self.tr("Action"), lambda d: (("◆ ") if d.action.is_milestone else "") + d.action.title,
                   lambda d: d.action.title),
            Column(self.tr("Strategy"), lambda d: self._strategy_name(d.action.strategy_id),
                   lambda d: self._strategy_number(d.action.strategy_id)),
            Column(self.tr("Owner"), lambda d: self._partners.get(d.action.owner_partner_id or "", "")),
            Column(self.tr("Status"), lambda d: self.tr(statuses.get(d.action.status, d.action.status))),
        ]

    def _when_text(self, due: DueAction) -> str:
        if due.state == OVERDUE:
            days = -due.days
            return (self.tr("⚠ Overdue by 1 day") if days == 1
                    else self.tr("⚠ Overdue by %d days") % days)
        if due.days == 0:
            return self.tr("● Due today")
        if due.days == 1:
            return self.tr("○ Due tomorrow")
        return self.tr("○ Due in %d days") % due.days

    def _update_columns(self) -> list[Column]:
        statuses = framework.PROGRESS_STATUSES
        return [
            Column(self.tr("Date"), lambda u: u.reported_on),
            Column(self.tr("Strategy"), lambda u: self._strategy_name(u.strategy_id),
                   lambda u: self._strategy_number(u.strategy_id)),
            Column(self.tr("Status"), lambda u: self.tr(statuses.get(u.status, u.status))),
            Column(self.tr("Note"), lambda u: u.note),
        ]

    def _update_fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("reported_on", self.tr("&Date:"), "date", undo_text="Change Progress Update Date"),
            FieldSpec("strategy_id", self.tr("Strate&gy:"), "choice", {},
                      undo_text="Move Progress Update to Another Strategy"),
            FieldSpec("status", self.tr("Stat&us:"), "choice", framework.PROGRESS_STATUSES,
                      undo_text="Change Progress Update Status"),
            FieldSpec("note", self.tr("&Note:"), "text", undo_text="Change Progress Update Note",
                      placeholder=self.tr("What happened since the last update, what is next")),
        ]

    def watches(self, tables: set[str]) -> bool:
        return bool(tables & {"strategy", "action", "progress_update", "partner"})

    # reading the plan ---------------------------------------------------------------------------

    def chosen_strategy(self) -> str | None:
        """The strategy chosen above the tabs, or None for all strategies."""
        value = self.strategy_combo.currentData()
        return None if value in (None, ALL) else value

    def all_actions(self) -> list[Action]:
        if self._actions is None:
            self._actions = self.plan.actions.list()
        return self._actions

    def _on_change(self, change) -> None:
        if change.tables & {"action", "strategy", "partner"}:
            self._actions = None
        super()._on_change(change)

    def _load_actions(self, _owner) -> list[Action]:
        chosen = self.chosen_strategy()
        actions = self.all_actions()
        return [a for a in actions if a.strategy_id == chosen] if chosen else actions

    def _load_updates(self, _owner) -> list[ProgressUpdate]:
        chosen = self.chosen_strategy()
        return (self.plan.progress_updates.list(strategy_id=chosen) if chosen
                else self.plan.progress_updates.list())

    def _strategy_for_new(self, panel_name: str) -> str | None:
        """A new record goes to the chosen strategy, else to that of the selected record, else the
        first strategy; its form lets the user move it."""
        chosen = self.chosen_strategy()
        if chosen:
            return chosen
        panel = getattr(self, panel_name, None)
        current = panel.current() if panel is not None else None
        if current is not None:
            return current.strategy_id
        return next(iter(self._strategies), None)

    def refresh(self) -> None:
        strategies = self.plan.strategies.list()
        self._strategies = {s.id: s for s in strategies}
        self._partners = self.partner_choices()
        keep = self.strategy_combo.currentData() or ALL
        self.strategy_combo.blockSignals(True)
        self.strategy_combo.clear()
        self.strategy_combo.addItem(self.tr("All strategies (grouped by strategy)"), ALL)
        for s in strategies:
            self.strategy_combo.addItem(f"{s.number}. {s.title}", s.id)
        index = self.strategy_combo.findData(keep)
        self.strategy_combo.setCurrentIndex(max(index, 0))
        self.strategy_combo.blockSignals(False)
        names = {s.id: f"{s.number}. {s.title}" for s in strategies}
        for panel in (self.action_panel, self.update_panel):
            panel.form.set_choices("strategy_id", names)
            panel.set_partner_choices(self._partners)
        self._refresh_lists()

    def _refresh_lists(self) -> None:
        chosen = self.chosen_strategy()
        for panel in (self.action_panel, self.update_panel):
            panel.owner_id = chosen
            panel.refresh()
        strategy = self._strategies.get(chosen or "")
        self.strategy_form.load(strategy)
        self.strategy_form.setVisible(strategy is not None)
        self.strategy_form.setEnabled(strategy is not None and not self.doc.read_only)
        due = due_actions(self.all_actions(), self.today())
        self.due_list.set_records(due)
        overdue = sum(1 for d in due if d.state == OVERDUE)
        self.tabs.setTabText(1, self.tr("&Overdue and due soon (%d)") % len(due))
        self.tabs.setTabToolTip(1, self.tr("%d overdue, %d due within %d days")
                                % (overdue, len(due) - overdue, DUE_SOON_DAYS))
        self.tabs.setTabText(0, self.tr("&Actions and milestones (%d)") % self.action_panel.count())
        self.tabs.setTabText(2, self.tr("&Progress updates (%d)") % self.update_panel.count())

    def due_records(self) -> list[DueAction]:
        return list(self.due_list.model.records)

    # choices and edits --------------------------------------------------------------------------

    def _strategy_chosen(self) -> None:
        self._refresh_lists()

    def choose_strategy(self, strategy_id: str | None) -> None:
        index = self.strategy_combo.findData(strategy_id or ALL)
        self.strategy_combo.setCurrentIndex(max(index, 0))
        self._refresh_lists()

    def _strategy_edited(self, name: str, value: Any) -> None:
        shown = self.strategy_form.record  # the strategy the text was typed for
        chosen = shown.id if shown is not None else None
        if chosen is None or self.plan.strategies.find(chosen) is None:
            return
        spec = self.strategy_form.fields[name]
        refused = self.doc.update(self.plan.strategies, chosen, self.tr(spec.undo_text), **{name: value})
        if refused:
            self.strategy_form.show_problem(name, refused)

    def open_action(self, due_id: str) -> None:
        """Show an action from the overdue list in the actions tab, selected."""
        action = self.plan.actions.find(due_id)
        if action is None:
            return
        chosen = self.chosen_strategy()
        if chosen is not None and chosen != action.strategy_id:
            self.choose_strategy(action.strategy_id)
        self.tabs.setCurrentIndex(0)
        self.action_panel.select(action.id)
        self.action_panel.list.view.setFocus()

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if not record_id:
            return
        if table == "strategy":
            self.choose_strategy(record_id)
            self.tabs.setCurrentIndex(0)
            self.strategy_form.editors["status"].setFocus()
        elif table == "action":
            self.open_action(record_id)
        elif table == "progress_update":
            update = self.plan.progress_updates.find(record_id)
            if update is not None:
                self.choose_strategy(update.strategy_id)
                self.tabs.setCurrentIndex(2)
                self.update_panel.select(record_id)
