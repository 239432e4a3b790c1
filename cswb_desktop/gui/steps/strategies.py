"""Step 8: the strategies that work on the priority risks — existing, enhanced and new, in the four
areas of the framework — with the coverage matrix that shows which risk has nothing in which area,
and a way to turn a community asset into an existing strategy."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QListView, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from ...core import framework, operations
from ...core.coverage import build_coverage, gaps, risk_rows
from ...core.ranking import rank_plan_risks
from ..plan_links import PlanLinkChecks
from ..widgets import Column, FieldSpec, MasterDetailPage

AREA_ORDER = {code: i for i, code in enumerate(framework.AREA_CODES)}
StrategyIdRole = Qt.ItemDataRole.UserRole + 1


def area_choices() -> dict[str, str]:
    """The four areas in ring order, outermost (social development) first."""
    return {a.code: a.name_en for a in sorted(framework.AREAS, key=lambda a: a.ring)}


class CoverageModel(QAbstractTableModel):
    """Priority risks (rows, in ranked order) × areas (columns, in ring order); a cell counts the
    strategies that address that risk in that area. An empty cell is a gap, said in words and
    hatched, so it reads the same in colour, in grey and to a screen reader."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.risks: list[tuple[str, str]] = []  # (id, title)
        self.cells: dict[tuple[str, str], list[str]] = {}
        self.labels: dict[str, str] = {}  # strategy id → "3. Title"
        self.areas = list(area_choices())

    def load(self, risks: list[tuple[str, str]], cells: dict, labels: dict[str, str]) -> None:
        self.beginResetModel()
        self.risks, self.cells, self.labels = risks, cells, labels
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.risks)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.areas)

    def cell(self, index: QModelIndex) -> tuple[str, str] | None:
        if not index.isValid():
            return None
        return self.risks[index.row()][0], self.areas[index.column()]

    def strategies(self, index: QModelIndex) -> list[str]:
        cell = self.cell(index)
        return list(self.cells.get(cell, [])) if cell else []

    def area_name(self, column: int) -> str:
        return self.tr(framework.AREAS_BY_CODE[self.areas[column]].name_en)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ids = self.strategies(index)
        count = len(ids)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(count) if count else self.tr("gap")
        if role == Qt.ItemDataRole.BackgroundRole and not count:
            return QBrush(QApplication.palette().color(QPalette.ColorRole.Mid), Qt.BrushStyle.BDiagPattern)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            risk = self.risks[index.row()][1]
            where = f"{risk}, {self.area_name(index.column())}"
            if not count:
                return self.tr("%s: a gap, no strategy yet") % where
            names = "; ".join(self.labels.get(i, "") for i in ids)
            return self.tr("%(where)s: %(count)d — %(names)s") % {"where": where, "count": count, "names": names}
        if role == Qt.ItemDataRole.FontRole and not count:
            font = QApplication.font()
            font.setItalic(True)
            return font
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.areas):
                area = framework.AREAS_BY_CODE[self.areas[section]]
                if role == Qt.ItemDataRole.ToolTipRole:
                    return self.tr(area.summary_en)
                return self.tr(area.name_en).replace(" ", "\n", 1)
            return None
        if 0 <= section < len(self.risks):
            return self.risks[section][1]
        return None


class CoveragePanel(QGroupBox):
    """The matrix, a sentence naming the gaps, and the strategies of the selected cell."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Coverage of the priority risks by area"))
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.model = CoverageModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Coverage matrix: priority risks by area, with the number of "
                                            "strategies in each cell"))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setMaximumWidth(190)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        left.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setObjectName("coverageSummary")
        self.summary.setWordWrap(True)
        left.addWidget(self.summary)
        layout.addLayout(left, 5)

        right = QVBoxLayout()
        self.cell_label = QLabel()
        self.cell_label.setWordWrap(True)
        right.addWidget(self.cell_label)
        self.cell_model = QStandardItemModel(self)
        self.cell_list = QListView()
        self.cell_list.setModel(self.cell_model)
        self.cell_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cell_list.setAccessibleName(self.tr("Strategies in the selected cell"))
        self.cell_label.setBuddy(self.cell_list)
        right.addWidget(self.cell_list, 1)
        self.add_here_button = QPushButton(self.tr("Add a Strategy &Here"))
        self.add_here_button.setAccessibleName(
            self.tr("Add a strategy for the selected priority risk in the selected area"))
        right.addWidget(self.add_here_button)
        layout.addLayout(right, 2)

    def fit_height(self, most_rows: int = 6) -> None:
        """As tall as its rows (up to `most_rows`, then it scrolls), so the list above keeps room."""
        view = self.view
        view.resizeRowsToContents()
        rows = min(self.model.rowCount(), most_rows)
        row_height = view.verticalHeader().defaultSectionSize()
        body = sum(view.rowHeight(r) for r in range(rows)) if rows else row_height
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + body + 2 * view.frameWidth() + 2)

    def current_cell(self) -> tuple[str, str] | None:
        return self.model.cell(self.view.currentIndex())

    def select_cell(self, risk_id: str, area: str | None = None) -> bool:
        rows = [r for r, _title in self.model.risks]
        if risk_id not in rows:
            return False
        column = self.model.areas.index(area) if area in self.model.areas else 0
        self.view.setCurrentIndex(self.model.index(rows.index(risk_id), column))
        return True


class Page(MasterDetailPage):
    step_code = "strategies"
    table_attr = "strategies"
    noun = "Strategy"
    title = "Strategies"
    intro = ("What will be done about each priority risk in each area of the framework: work that "
             "exists, work to enhance, and new work.")
    name_field = "title"
    watched_tables = {"strategy", "strategy_risk", "strategy_partner", "partner", "risk", "risk_score",
                      "criterion", "asset", "asset_area"}

    def __init__(self, doc, parent=None):
        self._partners: dict[str, str] = {}
        self._built = False
        super().__init__(doc, parent)
        self.form.form_layout.setRowWrapPolicy(self.form.form_layout.RowWrapPolicy.WrapLongRows)
        for name, spec in self.form.fields.items():
            if spec.kind == "text":
                self.form.editors[name].setMaximumHeight(96)
        self.asset_label = QLabel()
        self.asset_label.setWordWrap(True)
        self.asset_label.setVisible(False)
        self.add_detail_widget(self.asset_label)
        owner = self.list.current_id
        self.risk_links = PlanLinkChecks(
            self.doc, lambda: self.plan.strategy_risks, owner, self.tr("Risks this strategy addresses"),
            self.tr("Change Strategy Risks"),
            self.tr("No risks are recorded yet; add them in the Risks step."),
            tab_after=lambda: self.form.editors["evidence_base"])
        self.partner_links = PlanLinkChecks(
            self.doc, lambda: self.plan.strategy_partners, owner, self.tr("Supporting partners"),
            self.tr("Change Supporting Partners"),
            self.tr("No partners are listed yet; add them in the Partners step."),
            tab_after=lambda: self.risk_links.last_focusable())
        self.add_detail_widget(self.risk_links)
        self.add_detail_widget(self.partner_links)
        self._build_footer()
        self.splitter.setSizes([380, 420])
        self._sized_columns = False
        self._built = True
        self._show(None)

    # configuration ------------------------------------------------------------------------------

    def noun_plural(self) -> str:
        return "Strategies"

    def columns(self) -> list[Column]:
        areas = area_choices()
        kinds = framework.STRATEGY_KINDS
        statuses = framework.STRATEGY_STATUSES
        return [
            Column(self.tr("No."), lambda s: s.number, lambda s: s.number),
            Column(self.tr("Strategy"), lambda s: s.title),
            Column(self.tr("Area"), lambda s: self.tr(areas.get(s.area, s.area)),
                   lambda s: AREA_ORDER.get(s.area, 99)),
            Column(self.tr("Kind"), lambda s: self.tr(kinds.get(s.kind, s.kind)),
                   lambda s: list(kinds).index(s.kind) if s.kind in kinds else 99),
            Column(self.tr("Lead"), lambda s: self._partners.get(s.lead_partner_id or "", "")),
            Column(self.tr("Status"), lambda s: self.tr(statuses.get(s.status, s.status)),
                   lambda s: list(statuses).index(s.status) if s.status in statuses else 99),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("title", self.tr("&Title:")),
            FieldSpec("description", self.tr("Descr&iption:"), "text", undo_text="Change Strategy Description"),
            FieldSpec("area", self.tr("A&rea:"), "choice", area_choices(), undo_text="Change Strategy Area",
                      help=self.tr("Where on the framework this work sits, from social development (the "
                                   "outer ring) to incident response (the centre).")),
            FieldSpec("kind", self.tr("&Kind:"), "choice", framework.STRATEGY_KINDS,
                      undo_text="Change Strategy Kind",
                      help=self.tr("Existing work that continues as it is, existing work to enhance, or "
                                   "new work.")),
            FieldSpec("lead_partner_id", self.tr("&Lead partner:"), "partner", undo_text="Change Strategy Lead"),
            FieldSpec("status", self.tr("Stat&us:"), "choice", framework.STRATEGY_STATUSES,
                      undo_text="Change Strategy Status"),
            FieldSpec("start_on", self.tr("&Starts:"), "date", undo_text="Change Strategy Dates"),
            FieldSpec("end_on", self.tr("&Ends:"), "date", undo_text="Change Strategy Dates"),
            FieldSpec("budget", self.tr("&Budget ($):"), "money", undo_text="Change Strategy Budget",
                      placeholder=self.tr("e.g. 25000")),
            FieldSpec("resources", self.tr("Res&ources:"), "text", undo_text="Change Strategy Resources",
                      placeholder=self.tr("Staff time, space, in-kind support, funding sources")),
            FieldSpec("evidence_base", self.tr("E&vidence base:"), "text", undo_text="Change Strategy Evidence Base",
                      placeholder=self.tr("Why this is expected to work: research, evaluations, "
                                          "experience elsewhere")),
        ]

    def new_record_values(self) -> dict:
        return {"title": self.tr("New strategy")}

    # the footer: coverage and assets ------------------------------------------------------------

    def _build_footer(self) -> None:
        footer = QWidget()
        layout = QVBoxLayout(footer)
        layout.setContentsMargins(0, 4, 0, 0)
        self.coverage = CoveragePanel()
        layout.addWidget(self.coverage, 1)
        row = QHBoxLayout()
        label = QLabel(self.tr("Turn a community asset into an e&xisting strategy:"))
        self.asset_combo = QComboBox()
        self.asset_combo.setAccessibleName(self.tr("Community asset to turn into a strategy"))
        self.asset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.asset_combo.setMinimumContentsLength(20)
        label.setBuddy(self.asset_combo)
        self.asset_button = QPushButton(self.tr("&Make Existing Strategy"))
        self.asset_button.setAccessibleName(self.tr("Make the chosen asset an existing strategy"))
        row.addWidget(label)
        row.addWidget(self.asset_combo, 1)
        row.addWidget(self.asset_button)
        layout.addLayout(row)
        self.add_footer(footer)
        self.coverage.view.activated.connect(self.open_cell)
        self.coverage.view.selectionModel().currentChanged.connect(lambda _c, _p: self._show_cell())
        self.coverage.cell_list.activated.connect(self._open_cell_strategy)
        self.coverage.add_here_button.clicked.connect(self.add_for_cell)
        self.asset_button.clicked.connect(self.strategy_from_asset)

    # refreshing ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        partners = self.plan.partners.list()
        self._partners = {p.id: p.organisation or self.tr("(unnamed partner)") for p in partners}
        risks = self.plan.risks.list()
        titles = {r.id: r.title or self.tr("(untitled risk)") for r in risks}
        ordered = sorted(risks, key=lambda r: (not r.is_priority, r.title.casefold(), r.id))
        self.risk_links.set_options({
            r.id: (self.tr("★ %s (priority risk)") % titles[r.id]) if r.is_priority else titles[r.id]
            for r in ordered})
        self.partner_links.set_options(dict(self._partners))
        if not self._sized_columns:
            # The widths are chosen here; a wide first column spares the list from measuring
            # every row of a long plan to size its columns.
            self.list.view.setColumnWidth(0, 200)
        super().refresh()
        if self.list.model.rowCount() and not self._sized_columns:
            self._sized_columns = True
            for column, width in enumerate((44, 170, 120, 80, 150)):
                self.list.view.setColumnWidth(column, width)
        self._refresh_coverage(titles)
        self._refresh_assets()
        if self.list.current_id() is None and self.list.model.rowCount():
            self.list.view.selectRow(0)

    def _refresh_coverage(self, titles: dict[str, str]) -> None:
        current = self.coverage.current_cell()
        # The strategies are those the list just read: one read of the table, not two.
        ranked = rank_plan_risks(self.plan, priority_only=True)
        matrix = build_coverage([r.risk.id for r in ranked], self.list.model.records,
                                self.plan.strategy_risks.pairs())
        labels = {s.id: f"{s.number}. {s.title}" for s in self.list.model.records}
        rows = risk_rows(matrix)
        self.coverage.model.load([(r, titles.get(r, "")) for r in rows], matrix, labels)
        self.coverage.fit_height()
        empty = gaps(matrix)
        if not rows:
            text = self.tr("No priority risks yet: choose them in the Prioritisation step to see which "
                           "areas each one is covered in.")
        elif not empty:
            text = self.tr("Every priority risk has at least one strategy in every area.")
        else:
            areas = area_choices()
            named = [self.tr("%(risk)s in %(area)s") % {"risk": titles.get(r, ""), "area": self.tr(areas[a])}
                     for r, a in empty[:4]]
            more = len(empty) - len(named)
            text = self.tr("%(count)d of %(cells)d cells are gaps, marked “gap” and hatched.") % {
                "count": len(empty), "cells": len(matrix)}
            detail = self.tr("Gaps: %s") % "; ".join(named) + ((self.tr("; and %d more.") % more) if more else ".")
        self.coverage.summary.setText(text)
        self.coverage.summary.setToolTip(detail if rows and empty else "")
        self.coverage.summary.setAccessibleDescription(detail if rows and empty else "")
        if current is not None:
            self.coverage.select_cell(*current)
        self._show_cell()

    def _refresh_assets(self) -> None:
        keep = self.asset_combo.currentData()
        used = {s.asset_id for s in self.list.model.records if s.asset_id}
        self.asset_combo.blockSignals(True)
        self.asset_combo.clear()
        for asset in self.plan.assets.list():
            name = asset.name or self.tr("(unnamed asset)")
            self.asset_combo.addItem(self.tr("%s (already a strategy)") % name if asset.id in used else name,
                                     asset.id)
        found = self.asset_combo.findData(keep)
        if found >= 0:
            self.asset_combo.setCurrentIndex(found)
        self.asset_combo.blockSignals(False)
        has_assets = self.asset_combo.count() > 0
        self.asset_combo.setEnabled(has_assets)
        self.asset_button.setEnabled(has_assets and not self.doc.read_only)
        if not has_assets:
            self.asset_combo.setPlaceholderText(self.tr("No community assets yet"))

    def show_details(self, record) -> None:
        if not self._built:
            return
        self.risk_links.show_links()
        self.partner_links.show_links()
        asset = self.plan.assets.find(record.asset_id) if record is not None and record.asset_id else None
        self.asset_label.setVisible(asset is not None)
        if asset is not None:
            self.asset_label.setText(self.tr("Started from the community asset “%s”.") % asset.name)

    # the selected cell --------------------------------------------------------------------------

    def _show_cell(self) -> None:
        index = self.coverage.view.currentIndex()
        cell = self.coverage.model.cell(index)
        model = self.coverage.cell_model
        model.clear()
        self.coverage.add_here_button.setEnabled(cell is not None and not self.doc.read_only)
        if cell is None:
            self.coverage.cell_label.setText(self.tr("Select a cell to see its strategies."))
            return
        risk_title = self.coverage.model.risks[index.row()][1]
        area = self.coverage.model.area_name(index.column())
        ids = self.coverage.model.strategies(index)
        if ids:
            self.coverage.cell_label.setText(self.tr("Strategies for %(risk)s in %(area)s:") % {
                "risk": risk_title, "area": area})
        else:
            self.coverage.cell_label.setText(self.tr("No strategy yet for %(risk)s in %(area)s.") % {
                "risk": risk_title, "area": area})
        for strategy_id in ids:
            item = QStandardItem(self.coverage.model.labels.get(strategy_id, ""))
            item.setData(strategy_id, StrategyIdRole)
            model.appendRow(item)

    def open_cell(self, index: QModelIndex) -> None:
        """Enter or a double-click on a cell: select its first strategy, or say it is a gap."""
        ids = self.coverage.model.strategies(index)
        cell = self.coverage.model.cell(index)
        if cell is None:
            return
        if ids:
            self.list.select(ids[0])
            self.coverage.cell_list.setCurrentIndex(self.coverage.cell_model.index(0, 0))
            self.status_message.emit(self.tr("%d strategies in this cell; the first is selected.") % len(ids)
                                     if len(ids) > 1 else self.tr("The strategy in this cell is selected."))
        else:
            self.status_message.emit(self.tr("This cell is a gap: use “Add a Strategy Here” to start one."))

    def _open_cell_strategy(self, index: QModelIndex) -> None:
        strategy_id = index.data(StrategyIdRole)
        if strategy_id:
            self.list.select(strategy_id)

    # edits --------------------------------------------------------------------------------------

    def _edited(self, name: str, value) -> None:
        record = self.current()
        if record is not None and name in ("start_on", "end_on"):
            start = value if name == "start_on" else record.start_on
            end = value if name == "end_on" else record.end_on
            if start and end and end < start:
                self.form.show_problem(name, self.tr("The end date (%(end)s) comes before the start date "
                                                     "(%(start)s).") % {"end": end, "start": start})
                return
        super()._edited(name, value)

    def add_for_cell(self) -> None:
        cell = self.coverage.current_cell()
        if cell is None or self.doc.read_only:
            return
        risk_id, area = cell
        plan, new_id, title = self.plan, str(uuid.uuid4()), self.tr("New strategy")
        refused = self.doc.operate(self.tr("Add Strategy for Priority Risk"),
                                   lambda: operations.add_strategy_for_risk(plan, risk_id, area, title,
                                                                            strategy_id=new_id))
        if refused is None:
            self.list.select(new_id)
            self.form.editors["title"].setFocus()
            self.form.editors["title"].selectAll()

    def strategy_from_asset(self) -> None:
        asset = self.plan.assets.find(self.asset_combo.currentData())
        if asset is None or self.doc.read_only:
            return
        plan, new_id = self.plan, str(uuid.uuid4())
        refused = self.doc.operate(self.tr("Turn Asset into Strategy"),
                                   lambda: operations.strategy_from_asset(plan, asset.id, strategy_id=new_id))
        if refused is None:
            self.list.select(new_id)
            self.status_message.emit(self.tr("“%s” is now an existing strategy; link it to the risks it "
                                             "serves.") % asset.name)

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if table == "risk" and record_id:
            if self.coverage.select_cell(record_id):
                self.coverage.view.setFocus()
            return
        super().focus_record(table, record_id)
