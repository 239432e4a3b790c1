"""The target board step: where every strategy sits, where the gaps are, and the plan's balance."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget,
)

from ...board.model import NO_LEAD, BoardContent, BoardFilters, board_content, format_money
from ...core import framework
from ..board_view import BoardLegend, TargetBoardView
from ..widgets import StepPage, page_heading

_ANY = "__any__"


class _SidePanel(QScrollArea):
    """Scrolls vertically only, so it is never narrower than its figures."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().minimumSizeHint() if self.widget() is not None else QSize(0, 0)
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width()
                     + 2 * self.frameWidth(), 80)


class Page(StepPage):
    step_code = "target_board"
    jump_requested = Signal(str, str, str)  # step, table, record id

    WATCHED = {"strategy", "strategy_risk", "risk", "partner", "risk_score", "criterion"}

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.content: BoardContent | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(
            self.tr("Target board"),
            self.tr("Each priority risk is a wedge and each area a ring; every strategy is a "
                    "numbered marker in the cells of the risks it serves. Drag a marker to another "
                    "ring to change its area, click it to open the strategy.")))

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Show:")))
        self.status_filter = self._combo(self.tr("Filter by status"))
        self.lead_filter = self._combo(self.tr("Filter by lead partner"))
        self.kind_filter = self._combo(self.tr("Filter by kind"))
        self._fill(self.status_filter, self.tr("Every status"),
                   [(code, self.tr(text)) for code, text in framework.STRATEGY_STATUSES.items()])
        self._fill(self.kind_filter, self.tr("Every kind"),
                   [(code, self.tr(text)) for code, text in framework.STRATEGY_KINDS.items()])
        self._fill(self.lead_filter, self.tr("Every lead partner"), [])
        for combo in (self.status_filter, self.kind_filter, self.lead_filter):
            filters.addWidget(combo)
        self.clear_filters = QPushButton(self.tr("Show &all"))
        self.clear_filters.setAccessibleName(self.tr("Clear the filters"))
        self.clear_filters.clicked.connect(self._clear_filters)
        filters.addWidget(self.clear_filters)
        filters.addStretch(1)
        outer.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.board = TargetBoardView()
        left_layout.addWidget(self.board, 1)
        self.gaps_label = QLabel(self.tr("&Gaps: cells with no strategy"))
        left_layout.addWidget(self.gaps_label)
        self.gaps = QListWidget()
        self.gaps.setAccessibleName(self.tr("Gaps on the target board"))
        self.gaps.setMaximumHeight(self.gaps.fontMetrics().height() * 5 + 8)
        self.gaps_label.setBuddy(self.gaps)
        self.gaps.itemActivated.connect(self._show_gap)
        left_layout.addWidget(self.gaps)
        self.unplaced = QLabel()
        self.unplaced.setWordWrap(True)
        left_layout.addWidget(self.unplaced)
        splitter.addWidget(left)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        balance_box = QGroupBox(self.tr("Balance across the four areas"))
        balance_layout = QVBoxLayout(balance_box)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setColumnStretch(0, 1)
        headers = (self.tr("Area"), self.tr("Strategies"), self.tr("Budget"))
        for column, text in enumerate(headers):
            label = QLabel(f"<b>{text}</b>")
            label.setAlignment(Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignRight)
            grid.addWidget(label, 0, column)
        self.balance_cells: list[list[QLabel]] = []
        for row in range(len(framework.AREAS) + 1):
            labels = []
            for column in range(3):
                label = QLabel()
                label.setWordWrap(column == 0)
                label.setAlignment((Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignRight)
                                   | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(label, row + 1, column)
                labels.append(label)
            self.balance_cells.append(labels)
        balance_layout.addLayout(grid)
        self.balance_text = QLabel()
        self.balance_text.setWordWrap(True)
        self.balance_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        balance_layout.addWidget(self.balance_text)
        side_layout.addWidget(balance_box)

        legend_box = QGroupBox(self.tr("Legend"))
        legend_layout = QVBoxLayout(legend_box)
        self.legend = BoardLegend()
        legend_layout.addWidget(self.legend)
        keys = QLabel(self.tr(
            "Keyboard: Tab to the board; arrows move between cells and strategies, Page Up and "
            "Page Down between wedges; Enter opens a strategy; Ctrl+Up and Ctrl+Down move it one "
            "ring out or in."))
        keys.setWordWrap(True)
        legend_layout.addWidget(keys)
        side_layout.addWidget(legend_box)
        side_layout.addStretch(1)
        scroll = _SidePanel()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side, self.side_scroll = side, scroll
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([640, 300])
        outer.addWidget(splitter, 1)

        self.board.strategy_activated.connect(self.open_strategy)
        self.board.move_requested.connect(self.move_strategy)
        self.board.message.connect(self.status_message)

    # --- building blocks ----------------------------------------------------------------------

    def _combo(self, accessible_name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(accessible_name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._filters_changed)
        return combo

    @staticmethod
    def _fill(combo: QComboBox, anything: str, choices: list[tuple[str, str]]) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, _ANY)
        for value, text in choices:
            combo.addItem(text, value)
        index = combo.findData(keep) if keep is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def filters(self) -> BoardFilters:
        def chosen(combo: QComboBox):
            value = combo.currentData()
            return None if value in (None, _ANY) else frozenset((value,))
        return BoardFilters(statuses=chosen(self.status_filter),
                            lead_partners=chosen(self.lead_filter),
                            kinds=chosen(self.kind_filter))

    def _filters_changed(self, _index: int = 0) -> None:
        if self.content is not None:
            self.refresh()

    def _clear_filters(self) -> None:
        for combo in (self.status_filter, self.lead_filter, self.kind_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.refresh()

    # --- StepPage -----------------------------------------------------------------------------

    def watches(self, tables: set[str]) -> bool:
        return bool(tables & self.WATCHED)

    def refresh(self) -> None:
        wanted = self.filters()
        content = board_content(self.plan, wanted, translate=QCoreApplication.translate)
        # The lead-partner filter offers the partners that lead something, and "no lead".
        leads = {}
        for strategy in content.strategies.values():
            leads[strategy.lead_partner_id or NO_LEAD] = strategy.lead_partner or self.tr("(unnamed partner)")
        choices = sorted(((pid, name) for pid, name in leads.items() if pid != NO_LEAD),
                         key=lambda item: item[1].casefold())
        if NO_LEAD in leads:
            choices.append((NO_LEAD, self.tr("No lead partner yet")))
        self._fill(self.lead_filter, self.tr("Every lead partner"), choices)
        if self.filters() != wanted:  # the chosen lead partner leads nothing any more
            content = board_content(self.plan, self.filters(), translate=QCoreApplication.translate)
        self.content = content
        self.board.set_content(content)
        self._show_gaps(content)
        self._show_balance(content)

    def _show_gaps(self, content: BoardContent) -> None:
        self.gaps.clear()
        for gap in content.gaps:
            item = QListWidgetItem(gap.text)
            item.setData(Qt.ItemDataRole.UserRole, (gap.wedge, gap.ring))
            self.gaps.addItem(item)
        if not content.gaps:
            self.gaps.addItem(QListWidgetItem(self.tr("No gaps: every cell has a strategy.")))
        self.gaps_label.setText(self.tr("&Gaps: cells with no strategy (%d)") % len(content.gaps))
        if content.unplaced:
            labels = ", ".join(content.strategies[sid].label for sid in content.unplaced)
            self.unplaced.setText(self.tr("Not on the board, because they serve no priority risk: "
                                          "%s.") % labels)
            self.unplaced.show()
        else:
            self.unplaced.hide()

    def _show_balance(self, content: BoardContent) -> None:
        balance = content.balance
        rows = [(content.ring_names[i], a.strategies, a.strategy_share, a.budget, a.budget_share)
                for i, a in enumerate(balance.areas)]
        rows.append((self.tr("All areas"), balance.total_strategies,
                     1.0 if balance.total_strategies else 0.0, balance.total_budget,
                     1.0 if balance.total_budget else 0.0))
        money = balance.total_budget > 0
        for row, (name, count, count_share, budget, budget_share) in enumerate(rows):
            cells = [name, f"{count} ({round(100 * count_share)}%)",
                     f"{format_money(budget)} ({round(100 * budget_share)}%)" if money else "—"]
            for column, text in enumerate(cells):
                label = self.balance_cells[row][column]
                label.setText(text)
                font = label.font()
                font.setBold(row == len(rows) - 1)
                label.setFont(font)
            self.balance_cells[row][0].setAccessibleName(
                self.tr("%s: %s strategies, budget %s") % (cells[0], cells[1], cells[2]))
        text = content.balance_sentence()
        if balance.without_budget:
            text += " " + (self.tr("1 strategy has no budget recorded.") if balance.without_budget == 1
                           else self.tr("%d strategies have no budget recorded.") % balance.without_budget)
        self.balance_text.setText(text)
        self.side_scroll.updateGeometry()

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if table == "strategy" and record_id:
            self.board.select_strategy(record_id)
        self.board.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- what the board asks for --------------------------------------------------------------

    def open_strategy(self, strategy_id: str) -> None:
        self.jump_requested.emit("strategies", "strategy", strategy_id)

    def move_strategy(self, strategy_id: str, area: str) -> None:
        """One undoable change of the strategy's area."""
        area_name = self.tr(framework.AREAS_BY_CODE[area].name_en)
        self.doc.update(self.plan.strategies, strategy_id,
                        self.tr("Move Strategy to %s") % area_name, area=area)

    def _show_gap(self, item: QListWidgetItem) -> None:
        cell = item.data(Qt.ItemDataRole.UserRole)
        if cell:
            self.board.setFocus(Qt.FocusReason.OtherFocusReason)
            self.board.focus_cell(*cell)
