"""Step: review — everything the law or the toolkit still asks of the plan, each finding a link to
the step and record where it is fixed, and the plan's balance across the four areas."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import (
    QAbstractListModel, QModelIndex, QPointF, QRect, QRectF, QSize, QSortFilterProxyModel, Qt, Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListView,
    QPushButton, QScrollArea, QFrame, QStyleOptionViewItem, QVBoxLayout, QWidget,
)

from ...core import framework
from ...core.balance import BALANCE_RULE, INCIDENT_RESPONSE, Balance, balance_of_plan
from ...core.checks import LAW, Finding, run_checks
from ..balance_chart import BalanceChart, money
from ..widgets import StepPage, page_heading

STEP_ORDER = {code: i for i, code in enumerate(framework.STEP_CODES)}


def severity_icon(severity: str, size: int = 24, color: QColor | None = None) -> QIcon:
    """Two shapes, not two colours: a filled triangle with “!” for the law, an open circle with
    “i” for the toolkit's recommendations."""
    color = color or QApplication.palette().color(QPalette.ColorRole.WindowText)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = p.font()
    font.setBold(True)
    font.setPixelSize(int(size * 0.55))
    p.setFont(font)
    if severity == LAW:
        path = QPainterPath(QPointF(size / 2, size * 0.08))
        path.lineTo(size * 0.95, size * 0.9)
        path.lineTo(size * 0.05, size * 0.9)
        path.closeSubpath()
        p.fillPath(path, color)
        p.setPen(QApplication.palette().color(QPalette.ColorRole.Base))
        p.drawText(QRectF(0, size * 0.28, size, size * 0.6), Qt.AlignmentFlag.AlignCenter, "!")
    else:
        p.setPen(QPen(color, size / 12))
        p.drawEllipse(QRectF(size * 0.12, size * 0.12, size * 0.76, size * 0.76))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "i")
    p.end()
    return QIcon(pixmap)


def jump_target(finding: Finding) -> tuple[str, str, str]:
    """(step, table, record id) to go to for a finding. Publication and review dates are written
    in the plan profile, so findings about them lead there."""
    step = finding.step
    if step == "review" and finding.table == "plan":
        step = "profile"
    return step, finding.table or "", finding.record_id or ""


class FindingsModel(QAbstractListModel):
    FindingRole = Qt.ItemDataRole.UserRole + 1
    SortRole = Qt.ItemDataRole.UserRole + 2
    SeverityRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent=None):
        super().__init__(parent)
        self.findings: list[Finding] = []
        self.law_first = False  # else in the order given: the steps' order
        self._icons: dict[str, QIcon] = {}

    def set_findings(self, findings: list[Finding]) -> None:
        self.beginResetModel()
        self.findings = list(findings)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.findings)

    def severity_words(self, finding: Finding) -> str:
        return self.tr("Required by law") if finding.severity == LAW else self.tr("Recommended")

    def step_words(self, finding: Finding) -> str:
        step = jump_target(finding)[0]
        number = STEP_ORDER.get(step, -1) + 1
        title = framework.STEPS_BY_CODE[step].title if step in framework.STEPS_BY_CODE else step
        return self.tr("Step %d, %s") % (number, self.tr(title))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f = self.findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self.severity_words(f)} · {self.step_words(f)}\n{f.message}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("%s. Press Enter or double-click to go to %s.") % (f.message, self.step_words(f))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("%s, %s: %s") % (self.severity_words(f), self.step_words(f), f.message)
        if role == Qt.ItemDataRole.DecorationRole:
            if f.severity not in self._icons:
                self._icons[f.severity] = severity_icon(f.severity)
            return self._icons[f.severity]
        if role == self.FindingRole:
            return f
        if role == self.SeverityRole:
            return f.severity
        if role == self.SortRole:
            if self.law_first:
                return (0 if f.severity == LAW else 1) * 100000 + index.row()
            return index.row()
        return None


class FindingsProxy(QSortFilterProxyModel):
    """Filters by words and by kind (all, law only, recommendations only)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.severity: str | None = None
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(FindingsModel.SortRole)

    def set_severity(self, severity: str | None) -> None:
        self.severity = severity
        self.invalidate()

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        if self.severity and index.data(FindingsModel.SeverityRole) != self.severity:
            return False
        return super().filterAcceptsRow(row, parent)


class FindingsView(QListView):
    """As tall as its first few findings, so the balance below stays in sight."""

    ROWS_SHOWN = 5

    def sizeHint(self) -> QSize:  # noqa: N802
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        width = max(self.viewport().width() - 4, 100)
        height = 0
        for row in range(min(rows, self.ROWS_SHOWN)):
            index = model.index(row, 0)
            option.rect = QRect(0, 0, width, 1000)
            height += self.itemDelegateForIndex(index).sizeHint(option, index).height() + 2 * self.spacing()
        line = self.fontMetrics().height()
        return QSize(400, max(height, 2 * line + 8) + 2 * self.frameWidth() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, min(self.sizeHint().height(), 4 * self.fontMetrics().height()))

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


class Page(StepPage):
    step_code = "review"
    jump_requested = Signal(str, str, str)  # step code, table, record id

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.today = _dt.date.today
        self.findings: list[Finding] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr("Review"), self.tr(
            "What the law requires and the toolkit recommends that the plan does not have yet, and "
            "how the plan's effort is spread across the four areas.")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 8, 0)

        self.findings_box = QGroupBox(self.tr("Still to do"))
        box = QVBoxLayout(self.findings_box)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("findingsSummary")
        self.summary_label.setWordWrap(True)
        box.addWidget(self.summary_label)
        controls = QHBoxLayout()
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(self.tr("Filter…"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(self.tr("Filter findings"))
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("Everything"), None)
        self.kind_combo.addItem(self.tr("Required by law only"), LAW)
        self.kind_combo.addItem(self.tr("Recommendations only"), "toolkit")
        self.kind_combo.setAccessibleName(self.tr("Show which findings"))
        self.order_combo = QComboBox()
        self.order_combo.addItem(self.tr("In step order"), "step")
        self.order_combo.addItem(self.tr("Law first"), "law")
        self.order_combo.setAccessibleName(self.tr("Order of the findings"))
        controls.addWidget(self.filter_box, 1)
        controls.addWidget(self.kind_combo)
        controls.addWidget(self.order_combo)
        box.addLayout(controls)
        self.model = FindingsModel(self)
        self.proxy = FindingsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.list = FindingsView()
        self.list.setModel(self.proxy)
        self.list.setAccessibleName(self.tr("Readiness findings"))
        self.list.setAccessibleDescription(self.tr("Press Enter on a finding to go where it is fixed."))
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        box.addWidget(self.list, 1)
        go_row = QHBoxLayout()
        self.go_button = QPushButton(self.tr("&Go to where it is fixed"))
        self.go_button.setAccessibleName(self.tr("Go to the step where the selected finding is fixed"))
        go_row.addWidget(self.go_button)
        go_row.addStretch(1)
        box.addLayout(go_row)
        layout.addWidget(self.findings_box)

        self.balance_box = QGroupBox(self.tr("Balance across the four areas"))
        balance_layout = QVBoxLayout(self.balance_box)
        self.chart = BalanceChart()
        balance_layout.addWidget(self.chart)
        self.balance_label = QLabel()
        self.balance_label.setObjectName("balanceSentence")
        self.balance_label.setWordWrap(True)
        self.balance_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                                   | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.balance_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        balance_layout.addWidget(self.balance_label)
        self.rule_label = QLabel(self.tr(BALANCE_RULE))
        self.rule_label.setWordWrap(True)
        self.rule_label.setObjectName("balanceRule")
        balance_layout.addWidget(self.rule_label)
        layout.addWidget(self.balance_box)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.proxy.set_severity(self.kind_combo.currentData()))
        self.order_combo.currentIndexChanged.connect(lambda _i: self._order())
        self.list.activated.connect(self._activated)
        self.go_button.clicked.connect(lambda: self._activated(self.list.currentIndex()))
        self.list.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self._enable()

    # reading the plan ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self.findings = run_checks(self.plan, self.today())
        self.model.set_findings(self.findings)
        self._order()
        self.list.updateGeometry()
        law = sum(1 for f in self.findings if f.severity == LAW)
        other = len(self.findings) - law
        if not self.findings:
            self.summary_label.setText(self.tr("✔ Nothing is missing: the plan has everything the law "
                                               "requires and the toolkit recommends that can be checked here."))
        else:
            self.summary_label.setText(self.tr("%d required by law, %d recommended by the toolkit. "
                                               "Choose one and press Enter to go where it is fixed.")
                                       % (law, other))
        if self.list.currentIndex().isValid() is False and self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self.show_balance(balance_of_plan(self.plan))
        self._enable()

    def _order(self) -> None:
        self.model.law_first = self.order_combo.currentData() == "law"
        self.proxy.invalidate()
        self.proxy.sort(0, Qt.SortOrder.AscendingOrder)

    def show_balance(self, balance: Balance) -> None:
        self.balance = balance
        self.chart.set_balance(balance)
        self.balance_label.setText(self.balance_sentence(balance))

    def balance_sentence(self, b: Balance) -> str:
        if not b.total_strategies:
            return self.tr("There are no strategies yet, so there is no balance to show.")
        ir = b.area(INCIDENT_RESPONSE)
        pct = lambda share: round(share * 100)  # noqa: E731
        parts = [self.tr("The outer three areas hold %d %% of the strategies") % pct(b.outer_strategy_share)]
        if b.total_budget > 0:
            parts[0] += self.tr(" and %d %% of the budget") % pct(b.outer_budget_share)
        parts[0] += self.tr("; incident response holds %d %% of the strategies") % pct(ir.strategy_share)
        if b.total_budget > 0:
            parts[0] += self.tr(" and %d %% of the budget (%s)") % (pct(ir.budget_share), money(ir.budget))
        parts[0] += "."
        if b.unbalanced:
            which = []
            if b.heavy_by_strategies:
                which.append(self.tr("%d %% of the strategies") % pct(ir.strategy_share))
            if b.heavy_by_budget:
                which.append(self.tr("%d %% of the budget") % pct(ir.budget_share))
            parts.append(self.tr("⚠ Unbalanced: incident response holds %s; the toolkit advises keeping "
                                 "most of the effort and money in the outer three areas, so that fewer "
                                 "people ever need an incident response.") % self.tr(" and ").join(which))
        else:
            parts.append(self.tr("✔ Balanced: most of the effort is in the outer three areas, as the "
                                 "toolkit advises."))
        if b.without_budget:
            parts.append(self.tr("%d of %d strategies have no budget recorded and are left out of the "
                                 "budget shares.") % (b.without_budget, b.total_strategies))
        return " ".join(parts)

    # jumping ------------------------------------------------------------------------------------

    def _enable(self) -> None:
        self.go_button.setEnabled(self.list.currentIndex().isValid())

    def current_finding(self) -> Finding | None:
        index = self.list.currentIndex()
        return index.data(FindingsModel.FindingRole) if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        finding = index.data(FindingsModel.FindingRole)
        if finding is not None:
            self.jump_requested.emit(*jump_target(finding))

    def select_finding(self, finding: Finding) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(FindingsModel.FindingRole) == finding:
                self.list.setCurrentIndex(index)
                self.list.scrollTo(index)
                return True
        return False
