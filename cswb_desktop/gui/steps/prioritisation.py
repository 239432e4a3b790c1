"""Step 7: score every risk against the plan's criteria, see the weighted ranking with its ties,
choose the priority risks, and place a risk by hand when the coordinator has a reason to.

The grid is one table model: a row per risk, a column per criterion. A score is typed as a digit,
picked from the list of the criterion's levels, or cleared with Delete; its rationale is written
under the grid. Totals and ranks come from core.ranking, the same rule the plan document uses.
"""

from __future__ import annotations

import textwrap
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QSpinBox, QSplitter, QStyledItemDelegate, QTableView, QTabWidget, QVBoxLayout,
    QWidget,
)

from ...core import operations
from ...core.plan import derived_id
from ...core.ranking import RankedRisk, rank_risks
from ...core.records import Criterion, Risk
from ..record_panel import RecordPanel
from ..widgets import Column, FieldSpec, StepPage, _PlainText, page_heading

PRIORITY_COLUMN, RISK_COLUMN, RANK_COLUMN, TOTAL_COLUMN, FIRST_CRITERION_COLUMN = 0, 1, 2, 3, 4
MIN_LEVELS, MAX_LEVELS = 3, 7


def _check_state_is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    try:
        return int(value) == Qt.CheckState.Checked.value
    except (TypeError, ValueError):
        return False


class ScoreGridModel(QAbstractTableModel):
    """A row per risk: priority, title, rank, weighted total, then a column per criterion. Edits are
    requests: the page turns them into undoable commands, and the model shows the plan once made."""

    score_requested = Signal(str, str, object)  # risk id, criterion id, score (None clears it)
    priority_requested = Signal(str, bool)

    SortRole = Qt.ItemDataRole.UserRole + 1
    RiskIdRole = Qt.ItemDataRole.UserRole + 2
    CriterionIdRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent=None):
        super().__init__(parent)
        self.risks: list[Risk] = []
        self.criteria: list[Criterion] = []
        self.ranked: dict[str, RankedRisk] = {}
        self.editable = True
        self._keys: tuple = ()

    # shape --------------------------------------------------------------------------------------

    total_column = TOTAL_COLUMN
    rank_column = RANK_COLUMN

    def criterion_at(self, column: int) -> Criterion | None:
        index = column - FIRST_CRITERION_COLUMN
        return self.criteria[index] if 0 <= index < len(self.criteria) else None

    def column_of(self, criterion_id: str) -> int:
        for i, c in enumerate(self.criteria):
            if c.id == criterion_id:
                return FIRST_CRITERION_COLUMN + i
        return -1

    def row_of(self, risk_id: str) -> int:
        for i, r in enumerate(self.risks):
            if r.id == risk_id:
                return i
        return -1

    def load(self, risks: list[Risk], criteria: list[Criterion], ranked: list[RankedRisk]) -> None:
        """Show the plan now. Same risks and criteria: the cells change in place, so the current
        cell and the sort stay; otherwise the model is rebuilt."""
        keys = (tuple(r.id for r in risks), tuple(c.id for c in criteria))
        same_shape = keys == self._keys
        if not same_shape:
            self.beginResetModel()
        self.risks = list(risks)
        self.criteria = list(criteria)
        self.ranked = {r.risk.id: r for r in ranked}
        self._keys = keys
        if same_shape:
            if self.risks:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self.risks) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        else:
            self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.risks)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else FIRST_CRITERION_COLUMN + len(self.criteria)

    # reading ------------------------------------------------------------------------------------

    def score_of(self, risk_id: str, criterion_id: str):
        ranked = self.ranked.get(risk_id)
        if ranked is None:
            return None
        return next((s for s in ranked.scores if s.criterion_id == criterion_id), None)

    def rank_text(self, ranked: RankedRisk) -> str:
        text = str(ranked.rank)
        notes = []
        if ranked.tied:
            notes.append(self.tr("tied"))
        if ranked.overridden:
            notes.append(self.tr("set by hand"))
        return f"{text} ({', '.join(notes)})" if notes else text

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        risk = self.risks[index.row()]
        ranked = self.ranked.get(risk.id)
        column = index.column()
        if role == self.RiskIdRole:
            return risk.id
        criterion = self.criterion_at(column)
        if role == self.CriterionIdRole:
            return criterion.id if criterion is not None else None
        if column == PRIORITY_COLUMN:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if risk.is_priority else Qt.CheckState.Unchecked
            if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
                return (self.tr("%s is a priority risk") if risk.is_priority
                        else self.tr("%s is not a priority risk")) % risk.title
            if role == self.SortRole:
                return 0 if risk.is_priority else 1
            return None
        if column == RISK_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.AccessibleTextRole):
                return risk.title or self.tr("(untitled risk)")
            if role == self.SortRole:
                return risk.title.casefold()
            return None
        if criterion is not None:
            score = self.score_of(risk.id, criterion.id)
            value = score.score if score is not None else None
            if role == Qt.ItemDataRole.DisplayRole:
                if value is None:
                    return self.tr("– not scored")
                return f"{value} · {score.label}" + (" ✎" if score.rationale.strip() else "")
            if role == Qt.ItemDataRole.EditRole:
                return value
            if role == self.SortRole:
                return value or 0
            if role == Qt.ItemDataRole.AccessibleTextRole:
                if value is None:
                    return self.tr("%(criterion)s: not scored") % {"criterion": criterion.name}
                return self.tr("%(criterion)s: %(score)d of %(levels)d, %(label)s") % {
                    "criterion": criterion.name, "score": value, "levels": criterion.levels,
                    "label": score.label}
            if role == Qt.ItemDataRole.ToolTipRole:
                rationale = score.rationale.strip() if score is not None else ""
                return rationale or self.tr("No rationale written yet.")
            return None
        if ranked is None:
            return None
        if column == self.total_column:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{ranked.total:.2f}"
            if role == self.SortRole:
                return -ranked.total
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.tr("%(total).2f of a possible %(max).2f; %(scored)d of %(all)d criteria scored") % {
                    "total": ranked.total, "max": ranked.maximum, "scored": ranked.scored,
                    "all": len(self.criteria)}
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if column == self.rank_column:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.rank_text(ranked)
            if role == self.SortRole:
                return ranked.rank
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                text = self.tr("Rank %d") % ranked.rank
                if ranked.tied:
                    text += self.tr(", shared with another risk")
                if ranked.overridden:
                    text += self.tr(", placed by hand (by score alone it would be %(rank)d): %(reason)s") % {
                        "rank": ranked.computed_rank, "reason": risk.override_reason or self.tr("no reason given")}
                return text
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        criterion = self.criterion_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == PRIORITY_COLUMN:
                return self.tr("Priority")
            if section == RISK_COLUMN:
                return self.tr("Risk")
            if criterion is not None:
                lines = textwrap.wrap(criterion.name, 16)[:2] or [""]
                return "\n".join(lines) + "\n" + self.tr("weight %s") % _weight_text(criterion.weight)
            if section == self.total_column:
                return self.tr("Weighted\ntotal")
            if section == self.rank_column:
                return self.tr("Rank")
        if role == Qt.ItemDataRole.ToolTipRole and criterion is not None:
            levels = ", ".join(f"{i} {label}" for i, label in enumerate(criterion.labels, start=1))
            return self.tr("%(name)s (weight %(weight)s). %(description)s Levels: %(levels)s.") % {
                "name": criterion.name, "weight": _weight_text(criterion.weight),
                "description": criterion.description, "levels": levels}
        if role == Qt.ItemDataRole.ToolTipRole and section == self.total_column:
            return self.tr("Each criterion adds weight × score ÷ number of levels, so scales of "
                           "different lengths count alike.")
        return None

    # editing ------------------------------------------------------------------------------------

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return flags
        if index.column() == PRIORITY_COLUMN:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif self.criterion_at(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        if not index.isValid() or not self.editable:
            return False
        risk = self.risks[index.row()]
        if index.column() == PRIORITY_COLUMN and role == Qt.ItemDataRole.CheckStateRole:
            self.priority_requested.emit(risk.id, _check_state_is_checked(value))
            return True
        criterion = self.criterion_at(index.column())
        if criterion is not None and role == Qt.ItemDataRole.EditRole:
            score = None if value in (None, "", 0) else int(value)
            if score is not None and not 1 <= score <= criterion.levels:
                return False
            self.score_requested.emit(risk.id, criterion.id, score)
            return True
        return False


def _weight_text(weight: float) -> str:
    return f"{weight:g}"


class ScoreDelegate(QStyledItemDelegate):
    """Edits a score with a list of the criterion's levels, each with its label."""

    def createEditor(self, parent, option, index):  # noqa: N802
        model = index.model()
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
        column = index.column()
        criterion = source.criterion_at(column) if isinstance(source, ScoreGridModel) else None
        if criterion is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setAccessibleName(self.tr("Score for %s") % criterion.name)
        combo.addItem(self.tr("– not scored"), None)
        for level, label in enumerate(criterion.labels, start=1):
            combo.addItem(f"{level} · {label}", level)
        combo.activated.connect(lambda _i, c=combo: self._finish(c))
        return combo

    def _finish(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(found, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class ScoreGrid(QTableView):
    """The grid, by keyboard: a digit sets the score, Delete clears it, Enter or F2 opens the list
    of levels, Space ticks Priority."""

    def keyPressEvent(self, event):  # noqa: N802
        index = self.currentIndex()
        proxy = self.model()
        source = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
        criterion = source.criterion_at(index.column()) if index.isValid() else None
        if criterion is not None and self.state() != QAbstractItemView.State.EditingState:
            key = event.key()
            if Qt.Key.Key_1.value <= key <= Qt.Key.Key_9.value and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                score = key - Qt.Key.Key_0.value
                if score <= criterion.levels:
                    proxy.setData(index, score, Qt.ItemDataRole.EditRole)
                event.accept()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                proxy.setData(index, None, Qt.ItemDataRole.EditRole)
                event.accept()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit(index)
                event.accept()
                return
        super().keyPressEvent(event)


class ScaleEditor(QWidget):
    """A criterion's scale: one label per line, from the lowest level to the highest."""

    edited = Signal(tuple)
    pending_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pending = False
        self._refused: str | None = None
        self._owner: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.text = _PlainText()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(self.tr("Scale: one label per level, lowest first"))
        self.text.setPlaceholderText(self.tr("One label per line, lowest level first (3 to 7 lines)"))
        self.text.setMinimumHeight(70)
        self.text.setMaximumHeight(110)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.problem.setObjectName("fieldProblem")
        layout.addWidget(self.text)
        layout.addWidget(self.problem)
        self._labels: tuple[str, ...] = ()
        self.text.textChanged.connect(self._validate)
        self.text.textChanged.connect(lambda: self._set_pending(True))
        self.text.focus_lost.connect(self._commit)

    def labels(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.text.toPlainText().splitlines() if line.strip())

    def load(self, labels: tuple[str, ...], owner: str | None = None) -> None:
        """Show a criterion's scale; typing in progress for the same criterion stays."""
        same = owner is not None and owner == self._owner
        self._owner = owner
        self._labels = tuple(labels)
        if same and self._pending:
            return
        self._set_pending(False)
        if self.labels() != self._labels or not self.text.toPlainText():
            self.text.blockSignals(True)
            self.text.setPlainText("\n".join(labels))
            self.text.blockSignals(False)
        self.problem.setVisible(False)

    def problem_text(self) -> str:
        count = len(self.labels())
        if MIN_LEVELS <= count <= MAX_LEVELS:
            return ""
        return self.tr("A scale needs %(min)d to %(max)d levels, one label per line; this one has %(count)d.") % {
            "min": MIN_LEVELS, "max": MAX_LEVELS, "count": count}

    def _validate(self) -> bool:
        problem = self.problem_text()
        self.problem.setText("⚠ " + problem if problem else "")
        self.problem.setVisible(bool(problem))
        return not problem

    def show_problem(self, text: str) -> None:
        self._refused = text
        self.problem.setText("⚠ " + text)
        self.problem.setVisible(True)

    def _commit(self) -> str | None:
        if not self.isEnabled() or not self._pending:
            return None
        if not self._validate():
            return self.problem_text()
        labels = self.labels()
        if labels != self._labels:
            self._refused = None
            self.edited.emit(labels)
            if self._refused:
                return self._refused
            self._labels = labels
        self._set_pending(False)
        return None

    def has_pending(self) -> bool:
        return self._pending and self.isEnabled()

    def commit_pending(self) -> str | None:
        refused = self._commit()
        return self.tr("Scale: %s") % refused if refused else None

    def _set_pending(self, pending: bool) -> None:
        if pending != self._pending:
            self._pending = pending
            self.pending_changed.emit(pending)


class Page(StepPage):
    step_code = "prioritisation"
    jump_requested = Signal(str, str, str)
    pending_changed = Signal(bool)  # the rationale typed and not yet written

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self._place_loaded: tuple | None = None
        self._rationale_cell: tuple[str, str] | None = None
        self._rationale_pending = False
        self._showing_rationale = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr("Prioritisation"), self.tr(
            "Score each risk against the criteria, read the ranking, and tick the risks the plan "
            "will work on.")))
        self.summary = QLabel()
        self.summary.setObjectName("prioritySummary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(self.tr("Filter risks…"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(self.tr("Filter the risks in the grid"))
        top_layout.addWidget(self.filter_box)
        self.model = ScoreGridModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ScoreGridModel.SortRole)
        self.proxy.setFilterKeyColumn(RISK_COLUMN)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.grid = ScoreGrid()
        self.grid.setModel(self.proxy)
        self.grid.setItemDelegate(ScoreDelegate(self.grid))
        self.grid.setAccessibleName(self.tr("Scores of each risk on each criterion, with totals and ranks"))
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.grid.setSortingEnabled(True)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.setTabKeyNavigation(False)
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        top_layout.addWidget(self.grid, 1)
        keys = QLabel(self.tr("Keys: a number scores the cell · Delete clears it · Enter lists the levels · "
                              "Space ticks Priority · ✎ marks a score with a rationale"))
        keys.setWordWrap(True)
        self.grid.setAccessibleDescription(keys.text())
        top_layout.addWidget(keys)
        self.splitter.addWidget(top)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Details of the selected score, risk and criteria"))
        self.tabs.addTab(self._build_rationale(), self.tr("Why this score"))
        self.tabs.addTab(self._build_place(), self.tr("Place by hand"))
        self.tabs.addTab(self._build_criteria(), self.tr("Criteria and weights"))
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 220])
        outer.addWidget(self.splitter, 1)

        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.model.score_requested.connect(self.set_score)
        self.model.priority_requested.connect(self.set_priority)
        self.grid.selectionModel().currentChanged.connect(lambda _c, _p: self._show_current())
        self.grid.sortByColumn(self.model.rank_column, Qt.SortOrder.AscendingOrder)
        self._sorted_once = False

    # building -----------------------------------------------------------------------------------

    def _build_rationale(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.cell_label = QLabel()
        self.cell_label.setWordWrap(True)
        layout.addWidget(self.cell_label)
        self.rationale = _PlainText()
        self.rationale.setTabChangesFocus(True)
        self.rationale.setAccessibleName(self.tr("Rationale for the selected score"))
        self.rationale.setPlaceholderText(self.tr("Why this score: the data, what people said, who agreed."))
        self.rationale.focus_lost.connect(self._commit_rationale)
        self.rationale.textChanged.connect(
            lambda: self._showing_rationale or self._set_rationale_pending(True))
        self.doc.watch_pending(self)
        label = QLabel(self.tr("&Rationale:"))
        label.setBuddy(self.rationale)
        layout.addWidget(label)
        layout.addWidget(self.rationale, 1)
        return box

    def _build_place(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.place_label = QLabel()
        self.place_label.setWordWrap(True)
        layout.addWidget(self.place_label)
        form = QFormLayout()
        self.place_spin = QSpinBox()
        self.place_spin.setRange(0, 999)
        self.place_spin.setSpecialValueText(self.tr("by score"))
        self.place_spin.setAccessibleName(self.tr("Place this risk by hand at rank"))
        self.place_spin.setMaximumWidth(140)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(self.tr("Reason for placing this risk by hand"))
        self.reason.setPlaceholderText(self.tr("e.g. Chief and Council named it the first priority"))
        place_label = QLabel(self.tr("Place at ran&k:"))
        place_label.setBuddy(self.place_spin)
        reason_label = QLabel(self.tr("Rea&son:"))
        reason_label.setBuddy(self.reason)
        form.addRow(place_label, self.place_spin)
        form.addRow(reason_label, self.reason)
        layout.addLayout(form)
        self.place_problem = QLabel()
        self.place_problem.setObjectName("fieldProblem")
        self.place_problem.setWordWrap(True)
        self.place_problem.setVisible(False)
        layout.addWidget(self.place_problem)
        buttons = QHBoxLayout()
        self.place_button = QPushButton(self.tr("Set &Place"))
        self.place_button.setAccessibleName(self.tr("Place the selected risk at this rank"))
        self.unplace_button = QPushButton(self.tr("Back to Score &Order"))
        self.unplace_button.setAccessibleName(self.tr("Rank the selected risk by its score again"))
        buttons.addWidget(self.place_button)
        buttons.addWidget(self.unplace_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.place_button.clicked.connect(self.set_place)
        self.unplace_button.clicked.connect(self.clear_place)
        self.reason.returnPressed.connect(self.set_place)
        return box

    def _build_criteria(self) -> QWidget:
        plan = lambda: self.plan  # noqa: E731
        self.criteria_panel = RecordPanel(
            self.doc, "criteria", self.tr("Criterion"),
            [Column(self.tr("No."), lambda c: c.position + 1, lambda c: (c.position, c.name.casefold())),
             Column(self.tr("Criterion"), lambda c: c.name),
             Column(self.tr("Weight"), lambda c: _weight_text(c.weight), lambda c: c.weight),
             Column(self.tr("Levels"), lambda c: c.levels)],
            [FieldSpec("name", self.tr("Criterion &name:"), undo_text="Rename Criterion"),
             FieldSpec("weight", self.tr("&Weight:"), "number", undo_text="Change Criterion Weight",
                       help=self.tr("How much this criterion counts next to the others; 0 leaves it "
                                    "out of the total.")),
             FieldSpec("description", self.tr("&Description:"), "text", undo_text="Change Criterion Description")],
            list_name=self.tr("Prioritisation criteria"), orientation=Qt.Orientation.Horizontal,
            load=lambda _owner: plan().criteria.list(), new_values=self._new_criterion)
        self.criteria_panel.status_message.connect(self.status_message)
        self.criteria_panel.form.editors["description"].setMaximumHeight(64)
        self.scale = ScaleEditor()
        scale_label = QLabel(self.tr("Sca&le (lowest first):"))
        scale_label.setBuddy(self.scale.text)
        self.criteria_panel.form.form_layout.addRow(scale_label, self.scale)
        self.criteria_panel.current_changed.connect(lambda _id: self._show_criterion())
        self.scale.edited.connect(self.set_scale)
        self.doc.watch_pending(self.scale)
        return self.criteria_panel

    def _new_criterion(self) -> dict:
        criteria = self.plan.criteria.list()
        return {"name": self.tr("New criterion"), "weight": 1.0,
                "labels": (self.tr("Low"), self.tr("Medium"), self.tr("High")),
                "position": max((c.position for c in criteria), default=-1) + 1}

    # refreshing ---------------------------------------------------------------------------------

    def watches(self, tables: set[str]) -> bool:
        return bool(tables & {"risk", "criterion", "risk_score"})

    def refresh(self) -> None:
        risks = self.plan.risks.list()
        criteria = self.plan.criteria.list()
        ranked = rank_risks(risks, criteria, self.plan.scores.list())
        current = self._current_ids()
        self.model.editable = not self.doc.read_only
        shape = (tuple(r.id for r in risks), tuple(c.id for c in criteria))
        reshaped = shape != self.model._keys
        self.model.load(risks, criteria, ranked)
        if reshaped:
            self._size_columns()
            if current != (None, None):
                self.select_cell(*current)
        if not self._sorted_once:
            self._sorted_once = True
            self.grid.sortByColumn(self.model.rank_column, Qt.SortOrder.AscendingOrder)
        if not self.grid.currentIndex().isValid() and self.proxy.rowCount():
            self.grid.setCurrentIndex(self.proxy.index(0, FIRST_CRITERION_COLUMN if criteria else RISK_COLUMN))
        self.criteria_panel.refresh()
        if self.criteria_panel.current() is None and criteria:
            self.criteria_panel.select(criteria[0].id)
        self._show_criterion()
        self._show_summary(risks, ranked)
        self._show_current()

    def _size_columns(self) -> None:
        header = self.grid.horizontalHeader()
        self.grid.setColumnWidth(PRIORITY_COLUMN, 64)
        self.grid.setColumnWidth(RISK_COLUMN, 190)
        self.grid.setColumnWidth(RANK_COLUMN, 110)
        self.grid.setColumnWidth(TOTAL_COLUMN, 70)
        for column in range(FIRST_CRITERION_COLUMN, self.model.columnCount()):
            self.grid.setColumnWidth(column, 118)
        header.setMinimumHeight(header.fontMetrics().lineSpacing() * 3 + 8)

    def _show_summary(self, risks: list[Risk], ranked: list[RankedRisk]) -> None:
        chosen = sum(1 for r in risks if r.is_priority)
        incomplete = sum(1 for r in ranked if r.scored < len(self.model.criteria))
        ties = len({r.rank for r in ranked if r.tied})
        parts = [self.tr("%(chosen)d of %(all)d risks are priority risks.") % {"chosen": chosen, "all": len(risks)}]
        if incomplete:
            parts.append(self.tr("%d not yet scored on every criterion.") % incomplete)
        if ties:
            parts.append(self.tr("Ranks marked “tied” are shared by risks with equal totals."))
        self.summary.setText(" ".join(parts))

    # the current cell ---------------------------------------------------------------------------

    def _current_ids(self) -> tuple[str | None, str | None]:
        index = self.grid.currentIndex()
        if not index.isValid():
            return None, None
        return index.data(ScoreGridModel.RiskIdRole), index.data(ScoreGridModel.CriterionIdRole)

    def current_risk(self) -> Risk | None:
        risk_id, _ = self._current_ids()
        return self.plan.risks.find(risk_id)

    def select_cell(self, risk_id: str | None, criterion_id: str | None = None) -> None:
        row = self.model.row_of(risk_id) if risk_id else -1
        if row < 0:
            return
        column = self.model.column_of(criterion_id) if criterion_id else -1
        if column < 0:
            column = FIRST_CRITERION_COLUMN if self.model.criteria else RISK_COLUMN
        index = self.proxy.mapFromSource(self.model.index(row, column))
        if not index.isValid():
            self.filter_box.clear()
            index = self.proxy.mapFromSource(self.model.index(row, column))
        self.grid.setCurrentIndex(index)
        self.grid.scrollTo(index)

    def _show_current(self) -> None:
        risk_id, criterion_id = self._current_ids()
        risk = next((r for r in self.model.risks if r.id == risk_id), None)
        criterion = next((c for c in self.model.criteria if c.id == criterion_id), None)
        editable = not self.doc.read_only
        # The rationale of the current score.
        if risk is not None and criterion is not None:
            score = self.model.score_of(risk.id, criterion.id)
            value = score.score if score is not None else None
            state = (self.tr("%(score)d of %(levels)d, “%(label)s”") % {
                "score": value, "levels": criterion.levels, "label": score.label}
                if value is not None else self.tr("not scored yet"))
            self.cell_label.setText(self.tr("%(risk)s — %(criterion)s: %(state)s.") % {
                "risk": risk.title, "criterion": criterion.name, "state": state})
            cell = (risk.id, criterion.id)
            text = score.rationale if score is not None else ""
            if cell != self._rationale_cell and self._rationale_pending:
                self._commit_rationale()  # to the score it was written for, before showing another
            if cell != self._rationale_cell or not self._rationale_pending:
                if self.rationale.toPlainText() != text:
                    self._showing_rationale = True
                    try:
                        self.rationale.setPlainText(text)
                    finally:
                        self._showing_rationale = False
                self._set_rationale_pending(False)
            self._rationale_cell = cell
            self.rationale.setEnabled(editable)
        else:
            self.cell_label.setText(self.tr("Select a score in the grid to write why it was given."))
            self._rationale_cell = None
            self.rationale.setPlainText("")
            self.rationale.setEnabled(False)
        # The place of the current risk.
        if risk is None:
            self.place_label.setText(self.tr("Select a risk in the grid."))
            self._place_loaded = None
            for w in (self.place_spin, self.reason, self.place_button, self.unplace_button):
                w.setEnabled(False)
            return
        ranked = self.model.ranked.get(risk.id)
        if ranked is not None and ranked.overridden:
            self.place_label.setText(self.tr(
                "%(risk)s is placed by hand at rank %(rank)d; by its score it would be %(computed)d.") % {
                "risk": risk.title, "rank": ranked.rank, "computed": ranked.computed_rank})
        elif ranked is not None:
            self.place_label.setText(self.tr(
                "%(risk)s is ranked %(rank)d by its score. Place it by hand only with a reason the "
                "advisory committee can stand behind.") % {"risk": risk.title, "rank": ranked.rank})
        loaded = (risk.id, risk.rank_override, risk.override_reason)
        if loaded != self._place_loaded:
            self._place_loaded = loaded
            self.place_spin.setValue(risk.rank_override or 0)
            self.reason.setText(risk.override_reason)
            self.place_problem.setVisible(False)
        for w in (self.place_spin, self.reason, self.place_button):
            w.setEnabled(editable)
        self.unplace_button.setEnabled(editable and risk.rank_override is not None)

    def _show_criterion(self) -> None:
        criterion = self.criteria_panel.current()
        self.scale.setEnabled(criterion is not None and not self.doc.read_only)
        self.scale.load(criterion.labels if criterion is not None else (),
                        criterion.id if criterion is not None else None)

    # edits --------------------------------------------------------------------------------------

    def _set_score_row(self, text: str, risk_id: str, criterion_id: str, **changes: Any) -> str | None:
        """One undoable change of a score and/or its rationale; undo removes a score row it made."""
        plan = self.plan
        record_id = derived_id("risk_score", risk_id, criterion_id)
        before = plan.scores.find(record_id)
        if before is None and changes.get("score") is None and not changes.get("rationale"):
            return None
        if before is not None and all(getattr(before, k) == v for k, v in changes.items()):
            return None
        score = changes.get("score", before.score if before is not None else None)
        rationale = changes.get("rationale")

        def do():
            plan.set_score(risk_id, criterion_id, score=score, rationale=rationale)

        def undo():
            if before is None:
                plan.scores.delete(record_id)
            else:
                plan.set_score(risk_id, criterion_id, score=before.score, rationale=before.rationale)

        return self.doc.call(text, do, undo)

    def set_score(self, risk_id: str, criterion_id: str, score: int | None) -> None:
        text = self.tr("Score Risk") if score is not None else self.tr("Clear Risk Score")
        refused = self._set_score_row(text, risk_id, criterion_id, score=score)
        if refused:
            self.status_message.emit(refused)

    def _commit_rationale(self) -> str | None:
        if self._rationale_cell is None or self.doc.read_only or not self._rationale_pending:
            return None
        risk_id, criterion_id = self._rationale_cell
        if self.plan.risks.find(risk_id) is None or self.plan.criteria.find(criterion_id) is None:
            self._set_rationale_pending(False)
            return None
        self._set_rationale_pending(False)  # first: the refresh the edit causes shows what is stored
        refused = self._set_score_row(self.tr("Change Score Rationale"), risk_id, criterion_id,
                                      rationale=self.rationale.toPlainText())
        if refused:
            self._set_rationale_pending(True)
            self.status_message.emit(refused)
            return self.tr("Rationale: %s") % refused
        return None

    # typing in progress (PlanDocument.watch_pending) --------------------------------------------

    def has_pending(self) -> bool:
        return self._rationale_pending

    def commit_pending(self) -> str | None:
        return self._commit_rationale()

    def _set_rationale_pending(self, pending: bool) -> None:
        if pending != self._rationale_pending:
            self._rationale_pending = pending
            self.pending_changed.emit(pending)

    def set_priority(self, risk_id: str, on: bool) -> None:
        text = self.tr("Mark Priority Risk") if on else self.tr("Unmark Priority Risk")
        self.doc.update(self.plan.risks, risk_id, text, is_priority=on)

    def set_place(self) -> None:
        risk = self.current_risk()
        if risk is None or self.doc.read_only:
            return
        place = self.place_spin.value()
        reason = " ".join(self.reason.text().split())
        if place == 0:
            self.clear_place()
            return
        if not reason:
            self.place_problem.setText("⚠ " + self.tr(
                "Write why this risk is placed by hand; the plan should be able to explain its order."))
            self.place_problem.setVisible(True)
            self.reason.setFocus()
            return
        self.place_problem.setVisible(False)
        self.doc.update(self.plan.risks, risk.id, self.tr("Place Risk by Hand"),
                        rank_override=place, override_reason=reason)

    def clear_place(self) -> None:
        risk = self.current_risk()
        if risk is None or self.doc.read_only:
            return
        self.place_problem.setVisible(False)
        self.doc.update(self.plan.risks, risk.id, self.tr("Rank Risk by Score"),
                        rank_override=None, override_reason="")

    def set_scale(self, labels: tuple) -> None:
        criterion = self.criteria_panel.current()
        if criterion is None:
            return
        beyond = len(self.plan.scores_beyond_scale(criterion.id, len(labels)))
        plan, criterion_id = self.plan, criterion.id
        refused = self.doc.operate(self.tr("Change Criterion Scale"),
                                   lambda: operations.change_criterion_scale(plan, criterion_id, labels))
        if refused:
            self.scale.show_problem(refused)
        elif beyond:
            self.status_message.emit(self.tr(
                "The scale now has %(levels)d levels, so %(count)d scores above it were cleared; undo "
                "brings them back.") % {"levels": len(labels), "count": beyond})

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if table == "criterion" and record_id:
            self.tabs.setCurrentIndex(2)
            self.criteria_panel.select(record_id)
            return
        if table in (None, "risk") and record_id:
            self.select_cell(record_id)
            self.grid.setFocus()
