"""Step: the performance measurement framework — indicators for each outcome, their values over
time, a trend chart, and whether each indicator is on track."""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSplitter,
    QTabWidget, QTreeView, QVBoxLayout, QWidget,
)

from ...core import framework, measures, pmf
from ...core.plan import InUse
from ...core.records import Indicator, Measurement
from ...core.trend import shape_trend
from ..record_panel import RecordPanel
from ..trend_chart import TrendChart
from ..widgets import Column, FieldSpec, RecordForm, StepPage, format_number, page_heading, plain_label

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

STATUS_MARKS = {measures.ON_TRACK: "✔", measures.OFF_TRACK: "✘", measures.NO_DATA: "–",
                measures.NOT_RATED: "◇"}
STATUS_ORDER = {measures.OFF_TRACK: 0, measures.NO_DATA: 1, measures.NOT_RATED: 2, measures.ON_TRACK: 3}
LEVEL_ORDER = {level: i for i, level in enumerate(framework.OUTCOME_LEVELS)}

QUANTITATIVE_ONLY = ("unit", "baseline_value", "target_value", "direction")
QUALITATIVE_ONLY = ("baseline_text", "target_text")


def _date(text: str | None) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class Page(StepPage):
    step_code = "measurement"

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.today = _dt.date.today
        self._indicators: dict[str, Indicator] = {}
        self._latest: dict[str, Measurement] = {}  # each indicator's latest usable measurement
        self._statuses: dict[str, str] = {}
        self._shown_measurements: list[Measurement] = []  # those of the indicator on show
        self._items: dict[str, QStandardItem] = {}
        self._current: tuple[str, str] | None = None  # (kind, id) of the selected tree item
        self._rebuilding = False
        self._pending: list = []  # in-place updates waiting for the page to be shown

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr("Measurement"), self.tr(
            "For every outcome, the indicators that show whether it is happening: where each one "
            "started, where it should get to and by when, who measures it and how — and the values "
            "measured since.")))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.splitter, 1)

        # left: strategies › outcomes › indicators
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(self.tr("Filter…"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(self.tr("Filter indicators"))
        left_layout.addWidget(self.filter_box)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels([self.tr("Outcome and indicator"), self.tr("Status"),
                                              self.tr("Latest"), self.tr("Target")])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setAccessibleName(self.tr("Strategies, outcomes and indicators"))
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setIndentation(14)
        left_layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add indicator"))
        self.add_button.setAccessibleName(self.tr("Add an indicator to the selected outcome"))
        self.delete_button = QPushButton(self.tr("&Delete indicator"))
        self.delete_button.setAccessibleName(self.tr("Delete the selected indicator"))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        self.splitter.addWidget(left)

        # right: the selected indicator
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setObjectName("indicatorTitle")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        right_layout.addWidget(self.title_label)
        self.status_label = QLabel()
        self.status_label.setObjectName("indicatorStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                                  | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        right_layout.addWidget(self.status_label)
        self.chart = TrendChart()
        right_layout.addWidget(self.chart)
        self.tabs = QTabWidget()
        self.form = RecordForm(self._indicator_fields())
        doc.watch_pending(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        self.tabs.addTab(scroll, self.tr("Indicator &details"))
        self.measurements = RecordPanel(
            doc, "measurements", self.tr("Measurement"), self._measurement_columns(),
            self._measurement_fields(), owner_field="indicator_id",
            list_name=self.tr("Measurements of the selected indicator"),
            orientation=Qt.Orientation.Horizontal,
            new_values=lambda: {"measured_on": self.today().isoformat()})
        self.measurements.list.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        # labels above their fields: the form shares a narrow tab with the list
        self.measurements.form.form_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.measurements.focus_field = lambda: (
            "text_value" if (self.current_indicator() and self.current_indicator().measure_type == "qualitative")
            else "value")
        self.tabs.addTab(self.measurements, self.tr("&Measurements"))
        right_layout.addWidget(self.tabs, 1)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([330, 410])

        self.filter_box.textChanged.connect(self._filter)
        self.tree.selectionModel().currentRowChanged.connect(self._row_changed)
        self.add_button.clicked.connect(self.add_indicator)
        self.delete_button.clicked.connect(self.delete_indicator)
        self.form.edited.connect(self._edited)
        self.measurements.status_message.connect(self.status_message)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.delete_indicator)
        self._show()

    # configuration ------------------------------------------------------------------------------

    def _indicator_fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("name", self.tr("&Indicator:"), undo_text="Rename Indicator",
                      placeholder=self.tr("What is counted or observed, e.g. “Households on the waitlist”")),
            FieldSpec("measure_type", self.tr("&Kind:"), "choice", framework.MEASURE_TYPES,
                      undo_text="Change Indicator Kind"),
            FieldSpec("unit", self.tr("&Unit:"), undo_text="Change Indicator Unit",
                      placeholder=self.tr("e.g. %, households, visits per year")),
            FieldSpec("direction", self.tr("Di&rection:"), "choice", framework.DIRECTIONS,
                      undo_text="Change Indicator Direction",
                      help=self.tr("Whether the value should go up, go down or stay where it is.")),
            FieldSpec("baseline_value", self.tr("&Baseline value:"), "number", undo_text="Change Indicator Baseline"),
            FieldSpec("baseline_text", self.tr("&Baseline:"), "text", undo_text="Change Indicator Baseline",
                      placeholder=self.tr("Where things stand at the start, in words")),
            FieldSpec("baseline_on", self.tr("Baseline da&te:"), "date", undo_text="Change Indicator Baseline Date"),
            FieldSpec("target_value", self.tr("Tar&get value:"), "number", undo_text="Change Indicator Target"),
            FieldSpec("target_text", self.tr("Tar&get:"), "text", undo_text="Change Indicator Target",
                      placeholder=self.tr("What you hope to see by the target date, in words")),
            FieldSpec("target_on", self.tr("Target dat&e:"), "date", undo_text="Change Indicator Target Date"),
            FieldSpec("data_source", self.tr("Data &source:"), undo_text="Change Indicator Data Source",
                      placeholder=self.tr("e.g. Statistics Canada census, school board survey")),
            FieldSpec("collection_method", self.tr("C&ollection method:"), undo_text="Change Indicator Collection Method",
                      placeholder=self.tr("e.g. yearly count from program records")),
            FieldSpec("frequency", self.tr("&Frequency:"), "suggest", {f: f for f in framework.FREQUENCIES},
                      undo_text="Change Indicator Frequency", placeholder=self.tr("How often it is measured")),
            FieldSpec("responsible_partner_id", self.tr("Res&ponsible partner:"), "partner",
                      undo_text="Change Indicator Responsibility"),
        ]

    def _measurement_columns(self) -> list[Column]:
        def shown(m: Measurement) -> str:
            return format_number(m.value) if m.value is not None else m.text_value

        return [
            Column(self.tr("Date"), lambda m: m.measured_on),
            Column(self.tr("Value"), shown, lambda m: m.value if m.value is not None else m.text_value),
            Column(self.tr("Note"), lambda m: m.note),
        ]

    def _measurement_fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("measured_on", self.tr("Da&te:"), "date", undo_text="Change Measurement Date"),
            FieldSpec("value", self.tr("&Value:"), "number", undo_text="Change Measurement Value"),
            FieldSpec("text_value", self.tr("&Observation:"), "text", undo_text="Change Measurement Observation",
                      placeholder=self.tr("What was observed, in words")),
            FieldSpec("note", self.tr("&Note:"), undo_text="Change Measurement Note",
                      placeholder=self.tr("e.g. where the number came from, what affected it")),
        ]

    def watches(self, tables: set[str]) -> bool:
        return bool(tables & {"strategy", "outcome", "indicator", "measurement", "partner"})

    # reading the plan ---------------------------------------------------------------------------

    def status_text(self, status: str) -> str:
        if not hasattr(self, "_status_words"):  # translated once: the tree asks for thousands
            self._status_words = {
                measures.ON_TRACK: self.tr("On track"), measures.OFF_TRACK: self.tr("Off track"),
                measures.NO_DATA: self.tr("No data"), measures.NOT_RATED: self.tr("Not rated (qualitative)")}
        return f"{STATUS_MARKS[status]} {self._status_words[status]}"

    def _value_text(self, value: float | None, unit: str) -> str:
        if value is None:
            return ""
        return f"{format_number(value)} {unit}".strip()

    def refresh(self) -> None:
        plan = self.plan
        today = self.today()
        strategies = plan.strategies.list()
        outcomes = plan.outcomes.list()
        indicators = plan.indicators.list()
        self._indicators = {i.id: i for i in indicators}
        self._latest = pmf.latest_measurements(plan, today)
        self._statuses = pmf.indicator_statuses(indicators, self._latest, today)

        by_strategy: dict[str, list] = defaultdict(list)
        for o in outcomes:
            by_strategy[o.strategy_id].append(o)
        by_outcome: dict[str, list[Indicator]] = defaultdict(list)
        for i in indicators:
            by_outcome[i.outcome_id].append(i)

        expanded = self._expanded_ids()
        first_build = not self._items
        self._rebuilding = True
        self.tree.setUpdatesEnabled(False)
        self.proxy.setDynamicSortFilter(False)
        self.model.removeRows(0, self.model.rowCount())
        self._items = {}
        levels = framework.OUTCOME_LEVELS
        root = self.model.invisibleRootItem()
        strategy_rows = []
        for strategy in strategies:
            title = strategy.title or self.tr("(untitled strategy)")
            item = self._item("strategy", strategy.id, self.tr("Strategy %d: %s") % (strategy.number, title),
                              strategy.number)
            outcome_rows = []
            for outcome in sorted(by_strategy.get(strategy.id, ()),
                                  key=lambda o: (LEVEL_ORDER.get(o.level, 9), o.position, o.created_at, o.id)):
                level = self.tr(levels.get(outcome.level, outcome.level))
                text = outcome.text or self.tr("(no text yet)")
                oitem = self._item("outcome", outcome.id, f"{level}: {text}",
                                   f"{LEVEL_ORDER.get(outcome.level, 9)} {outcome.position:06d}")
                rows = [self._indicator_row(indicator) for indicator in by_outcome.get(outcome.id, ())]
                for row in rows:
                    oitem.appendRow(row)
                outcome_rows.append(oitem)
            if outcome_rows:
                item.appendRows(outcome_rows)
            strategy_rows.append(item)
        if strategy_rows:
            root.appendRows(strategy_rows)
        self.proxy.setDynamicSortFilter(True)
        self.proxy.invalidate()
        self._restore_expansion(expanded, expand_all=first_build)
        self.tree.setUpdatesEnabled(True)
        self._rebuilding = False
        if first_build:
            self.tree.setColumnWidth(0, 220)
            self.tree.setColumnWidth(1, 100)
        self.form.set_choices("responsible_partner_id", self.partner_choices())
        self._reselect()

    def _item(self, kind: str, record_id: str, text: str, sort_key) -> QStandardItem:
        """The first cell of a row: what it is, its record, and how it sorts."""
        item = QStandardItem(text)
        item.setData(kind, KIND_ROLE)
        item.setData(record_id, ID_ROLE)
        item.setData(sort_key, SORT_ROLE)
        item.setToolTip(text)
        self._items[record_id] = item
        return item

    def _indicator_cells(self, indicator: Indicator) -> tuple[str, str, str, str]:
        """(name, status, latest, target) as the tree shows them."""
        status = self._statuses.get(indicator.id, measures.NO_DATA)
        latest = self._latest.get(indicator.id)
        if indicator.measure_type == "qualitative":
            latest_text = latest.text_value if latest else ""
            target_text = indicator.target_text
        else:
            latest_text = self._value_text(latest.value, indicator.unit) if latest else ""
            target_text = self._value_text(indicator.target_value, indicator.unit)
        if target_text and indicator.target_on:
            target_text = self.tr("%s by %s") % (target_text, indicator.target_on)
        name = indicator.name or self.tr("(unnamed indicator)")
        return name, self.status_text(status), latest_text, target_text

    def _indicator_row(self, indicator: Indicator) -> list[QStandardItem]:
        row = [self._item("indicator", indicator.id, "", ""), QStandardItem(), QStandardItem(), QStandardItem()]
        self._fill_cells(row, indicator)
        return row

    def _fill_cells(self, row: list[QStandardItem], indicator: Indicator) -> None:
        name, status, latest, target = self._indicator_cells(indicator)
        row[0].setText(name)
        row[0].setToolTip(name)
        row[0].setData(name.casefold(), SORT_ROLE)
        row[1].setText(status)
        row[1].setData(STATUS_ORDER[self._statuses.get(indicator.id, measures.NO_DATA)], SORT_ROLE)
        row[2].setText(latest)
        row[2].setData(latest.casefold(), SORT_ROLE)
        row[3].setText(target)
        row[3].setData(target.casefold(), SORT_ROLE)

    # live updates -------------------------------------------------------------------------------

    def _on_change(self, change) -> None:
        """Edits that leave the tree's shape alone (typing in the form, a measurement, a renamed
        strategy or outcome) update their rows in place — at once when the page is on screen,
        else when it is shown again. Anything else rebuilds the tree."""
        if not self.watches(change.tables):
            return
        if self._items and not self._rebuilding and not self._stale:
            placed = self._placeable(change)
            if placed is not None:
                if self.isVisible():
                    self._apply_in_place(*placed)
                else:
                    self._pending.append(placed)
                return
        self._pending.clear()
        super()._on_change(change)

    def showEvent(self, event):  # noqa: N802
        pending, self._pending = self._pending, []
        if not self._stale:
            for placed in pending:
                self._apply_in_place(*placed)
        super().showEvent(event)

    def _placeable(self, change):
        """(indicators, strategies, outcomes) whose rows an in-place update can fix, or None."""
        tables = change.tables & {"strategy", "outcome", "indicator", "measurement", "partner"}
        if not tables or "partner" in tables:
            return None
        indicators: set[str] = set()
        strategies: dict[str, object] = {}
        outcomes: dict[str, object] = {}
        shown = {m.id for m in self._shown_measurements}
        for record_id in change.ids:
            item = self._items.get(record_id)
            kind = item.data(KIND_ROLE) if item is not None else None
            if kind == "indicator":
                indicator = self.plan.indicators.find(record_id)
                if indicator is None or indicator.outcome_id != self._indicators[record_id].outcome_id:
                    return None
                self._indicators[record_id] = indicator
                indicators.add(record_id)
            elif kind == "strategy":
                strategy = self.plan.strategies.find(record_id)
                if strategy is None:
                    return None
                strategies[record_id] = strategy
            elif kind == "outcome":
                outcome = self.plan.outcomes.find(record_id)
                parent = item.parent()
                if outcome is None or parent is None or outcome.strategy_id != parent.data(ID_ROLE):
                    return None
                outcomes[record_id] = outcome
            elif "measurement" in tables:
                measurement = self.plan.measurements.find(record_id)
                if measurement is not None and measurement.indicator_id in self._indicators:
                    indicators.add(measurement.indicator_id)
                elif measurement is None and record_id in shown and self._current:
                    indicators.add(self._current[1])  # one of the shown indicator's was deleted
                else:
                    return None
            else:
                return None  # a new record, or one this page cannot place
        return indicators, strategies, outcomes

    def _apply_in_place(self, indicators: set[str], strategies: dict, outcomes: dict) -> None:
        levels = framework.OUTCOME_LEVELS
        for strategy in strategies.values():
            text = self.tr("Strategy %d: %s") % (strategy.number, strategy.title or self.tr("(untitled strategy)"))
            item = self._items[strategy.id]
            item.setText(text)
            item.setToolTip(text)
            item.setData(strategy.number, SORT_ROLE)
        for outcome in outcomes.values():
            text = f"{self.tr(levels.get(outcome.level, outcome.level))}: {outcome.text or self.tr('(no text yet)')}"
            item = self._items[outcome.id]
            item.setText(text)
            item.setToolTip(text)
            item.setData(f"{LEVEL_ORDER.get(outcome.level, 9)} {outcome.position:06d}", SORT_ROLE)
        affected = indicators
        today = self.today()
        for indicator_id in affected:
            indicator = self._indicators[indicator_id]
            latest = measures.latest_measurement(
                indicator, self.plan.measurements.list(indicator_id=indicator_id), today)
            if latest is None:
                self._latest.pop(indicator_id, None)
            else:
                self._latest[indicator_id] = latest
            self._statuses[indicator_id] = measures.indicator_status(indicator, [latest] if latest else [], today)
            item = self._items[indicator_id]
            parent = item.parent() or self.model.invisibleRootItem()
            row = [parent.child(item.row(), c) for c in range(4)]
            self._fill_cells(row, indicator)
        if self._current and (self._current[1] in affected or self._current[1] in strategies
                              or self._current[1] in outcomes):
            self._show()

    def _expanded_ids(self) -> set[str]:
        found = set()
        for record_id, item in self._items.items():
            if item.data(KIND_ROLE) == "indicator":
                continue
            index = self.proxy.mapFromSource(item.index())
            if index.isValid() and self.tree.isExpanded(index):
                found.add(record_id)
        return found

    def _restore_expansion(self, expanded: set[str], expand_all: bool) -> None:
        if expand_all:
            self.tree.expandAll()
            return
        for record_id in expanded:
            item = self._items.get(record_id)
            if item is not None:
                self.tree.setExpanded(self.proxy.mapFromSource(item.index()), True)

    # selection ----------------------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.tree.expandAll()

    def _row_changed(self, current: QModelIndex, _previous) -> None:
        if self._rebuilding:
            return
        if current.isValid():
            self._current = (current.data(KIND_ROLE), current.data(ID_ROLE))
        else:
            self._current = None
        self._show()

    def select(self, record_id: str | None) -> bool:
        item = self._items.get(record_id or "")
        if item is None:
            return False
        index = self.proxy.mapFromSource(item.index())
        if not index.isValid():
            self.filter_box.clear()
            index = self.proxy.mapFromSource(item.index())
        parent = index.parent()
        while parent.isValid():
            self.tree.setExpanded(parent, True)
            parent = parent.parent()
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        self._current = (item.data(KIND_ROLE), record_id)
        self._show()
        return True

    def _reselect(self) -> None:
        if self._current and self._current[1] in self._items:
            self.select(self._current[1])
        else:
            self._current = None
            self.tree.selectionModel().clearCurrentIndex()
            self._show()

    def current_indicator(self) -> Indicator | None:
        if self._current and self._current[0] == "indicator":
            return self._indicators.get(self._current[1])
        return None

    def selected_ids(self) -> tuple[str, str] | None:
        return self._current

    def _target_outcome(self) -> str | None:
        """The outcome a new indicator goes under: the selected one, or that of the selection."""
        if not self._current:
            return None
        kind, record_id = self._current
        if kind == "outcome":
            return record_id
        if kind == "indicator":
            indicator = self._indicators.get(record_id)
            return indicator.outcome_id if indicator else None
        item = self._items.get(record_id)
        if item is not None and item.rowCount():
            return item.child(0).data(ID_ROLE)
        return None

    # the selected indicator ---------------------------------------------------------------------

    def _show(self) -> None:
        indicator = self.current_indicator()
        read_only = self.doc.read_only
        self.add_button.setEnabled(not read_only and self._target_outcome() is not None)
        self.delete_button.setEnabled(not read_only and indicator is not None)
        self.form.load(indicator)
        self.tabs.setEnabled(indicator is not None)
        if indicator is None:
            self.measurements.set_owner(None)
            self._shown_measurements = []
            self._show_nothing()
            return
        qualitative = indicator.measure_type == "qualitative"
        for name in QUANTITATIVE_ONLY:
            self.form.set_field_visible(name, not qualitative)
        for name in QUALITATIVE_ONLY:
            self.form.set_field_visible(name, qualitative)
        self.measurements.form.set_field_visible("value", not qualitative)
        self.measurements.form.set_field_visible("text_value", qualitative)
        if self.measurements.owner_id != indicator.id:
            self.measurements.set_owner(indicator.id)
        else:
            self.measurements.refresh()
        self.title_label.setText(indicator.name or self.tr("(unnamed indicator)"))
        status = self._statuses.get(indicator.id, measures.NO_DATA)
        ms = self.plan.measurements.list(indicator_id=indicator.id)
        self._shown_measurements = ms
        self.status_label.setText(self.tr("Status: %s. %s") % (self.status_text(status),
                                                                self.explain(indicator, ms, status)))
        self.status_label.setAccessibleName(self.tr("Status: %s") % self.status_text(status))
        if qualitative:
            self.chart.set_data(None, self.tr("A qualitative indicator is described in words, so it has "
                                              "no chart; its observations are listed under Measurements."),
                                indicator.name)
        else:
            data = shape_trend(indicator, ms)
            message = "" if data.drawable else self.tr(
                "Add a baseline, a target or a measurement with its date to see the trend.")
            self.chart.set_data(data, message, indicator.name)
        count = len(ms)
        self.tabs.setTabText(1, self.tr("&Measurements (%d)") % count)

    def _show_nothing(self) -> None:
        if self._current and self._current[0] in ("strategy", "outcome"):
            if self._target_outcome() is None:
                hint = self.tr("This strategy has no outcomes yet. Add them in the logic models step, "
                               "then give each one an indicator here.")
            else:
                hint = self.tr("Choose an indicator in the list, or add one to this outcome.")
        elif not self._items:
            hint = self.tr("There are no strategies yet. Indicators measure the outcomes of strategies.")
        else:
            hint = self.tr("Choose an indicator in the list to see and edit it.")
        self.title_label.setText(hint)
        self.status_label.setText("")
        self.status_label.setAccessibleName(self.tr("Status"))
        self.chart.set_data(None, self.tr("No indicator chosen."))
        self.tabs.setTabText(1, self.tr("&Measurements"))

    def explain(self, indicator: Indicator, ms: list[Measurement], status: str) -> str:
        """Why the indicator has its status, in one or two sentences with the numbers."""
        today = self.today()
        latest = measures.latest_measurement(indicator, ms, today)
        if status == measures.NOT_RATED:
            return self.tr("Latest observation, %s: “%s”.") % (latest.measured_on, latest.text_value)
        if indicator.measure_type == "qualitative":
            return self.tr("No observation is recorded yet.")
        missing = []
        if indicator.direction != "maintain":
            if indicator.baseline_value is None:
                missing.append(self.tr("a baseline value"))
            if indicator.target_value is None:
                missing.append(self.tr("a target value"))
        elif indicator.baseline_value is None and indicator.target_value is None:
            missing.append(self.tr("a target or baseline value"))
        if latest is None:
            missing.append(self.tr("a measurement"))
        if missing:
            return self.tr("To judge it, add %s.") % self.tr(" and ").join(missing)
        unit = indicator.unit
        said = self.tr("Latest value %s on %s.") % (self._value_text(latest.value, unit), latest.measured_on)
        if indicator.direction == "maintain":
            reference = indicator.target_value if indicator.target_value is not None else indicator.baseline_value
            return said + " " + self.tr("It should stay within 5 %% of %s.") % self._value_text(reference, unit)
        progress = measures.progress_share(indicator, latest.value)
        expected = measures.expected_share(indicator, _date(latest.measured_on) or today)
        if progress is None:
            return said
        if progress < 0:
            said += " " + self.tr("It has moved away from the target, the wrong way from the baseline")
        else:
            said += " " + self.tr("That is %d %% of the way from the baseline to the target") % round(progress * 100)
        if expected is not None:
            said += self.tr(", with %d %% of the time to the target date gone by then.") % round(expected * 100)
        else:
            said += "."
        return said

    # edits --------------------------------------------------------------------------------------

    def add_indicator(self) -> None:
        outcome_id = self._target_outcome()
        if outcome_id is None or self.doc.read_only:
            return
        new_id = self.doc.add(self.plan.indicators, self.tr("Add Indicator"), outcome_id=outcome_id,
                              name=self.tr("New indicator"))
        if new_id:
            self.ensure_fresh()
            self.select(new_id)
            self.tabs.setCurrentIndex(0)
            editor = self.form.editors["name"]
            editor.setFocus()
            editor.selectAll()

    def delete_indicator(self) -> None:
        indicator = self.current_indicator()
        if indicator is None or self.doc.read_only:
            return
        outcome_id = indicator.outcome_id
        try:
            refused = self.doc.delete(self.plan.indicators, indicator.id, self.tr("Delete Indicator"))
        except InUse as error:
            self.status_message.emit(str(error))
            return
        if refused is None:
            self.select(outcome_id)
            self.status_message.emit(self.tr("Indicator deleted, with its measurements. Undo with %s if "
                                             "that was a mistake.") % QKeySequence(
                QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText))

    def _edited(self, name: str, value) -> None:
        indicator = self.form.record  # the indicator the text was typed for
        if indicator is None or self.plan.indicators.find(indicator.id) is None:
            return
        spec = self.form.fields[name]
        text = self.tr(spec.undo_text) if spec.undo_text else self.tr("Change Indicator %s") % plain_label(spec.label)
        refused = self.doc.update(self.plan.indicators, indicator.id, text, **{name: value})
        if refused:
            self.form.show_problem(name, refused)

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if not record_id:
            return
        if table == "measurement":
            m = self.plan.measurements.find(record_id)
            if m is not None and self.select(m.indicator_id):
                self.tabs.setCurrentIndex(1)
                self.measurements.select(record_id)
            return
        if self.select(record_id):
            self.tree.setFocus()
