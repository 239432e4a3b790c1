"""Step: the logic model of each strategy (Tool 6) — inputs, activities, outputs and immediate,
intermediate and long-term outcomes, edited as one chain read from top to bottom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView, QPushButton, QScrollArea,
    QSplitter, QStyleOptionViewItem, QToolButton, QVBoxLayout, QWidget,
)

from ...core import framework, operations
from ..document import AddRecord, UpdateRecord
from ..widgets import Column, RecordList, StepPage, page_heading


@dataclass(frozen=True)
class Stage:
    code: str  # the logic item kind, or the outcome level
    table_attr: str  # "logic_items" or "outcomes"
    title: str
    noun: str  # for undo texts: "Add Activity"
    hint: str
    arrow: str  # the words on the arrow that leads into this stage ("" for the first)


STAGES: tuple[Stage, ...] = (
    Stage("input", "logic_items", "Inputs", "Input",
          "What the strategy needs: money, staff, volunteers, space, knowledge.", ""),
    Stage("activity", "logic_items", "Activities", "Activity",
          "What is done with those inputs.", "are used to carry out"),
    Stage("output", "logic_items", "Outputs", "Output",
          "What the activities produce, counted directly: sessions held, kits given, units opened.",
          "which produce"),
    Stage("immediate", "outcomes", "Immediate outcomes", "Immediate Outcome",
          "The first changes for the people reached: what they know, can do or have.", "which lead first to"),
    Stage("intermediate", "outcomes", "Intermediate outcomes", "Intermediate Outcome",
          "Changes in what people do, or in how services work, over the following years.", "then to"),
    Stage("long_term", "outcomes", "Long-term outcomes", "Long-term Outcome",
          "The lasting change in the community's safety and well-being.", "and in the long run to"),
)
STAGE_BY_CODE = {s.code: s for s in STAGES}
assert set(framework.LOGIC_ITEM_KINDS) | set(framework.OUTCOME_LEVELS) == set(STAGE_BY_CODE)


def ordered(records: list[Any]) -> list[Any]:
    return sorted(records, key=lambda r: (r.position, r.created_at, r.id))


class StageModel(QAbstractListModel):
    """The entries of one stage, in their order; editing a text asks the page to write it."""

    text_edited = Signal(str, str)  # record id, new text

    def __init__(self, stage: Stage, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.records: list[Any] = []

    def set_records(self, records: list[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.records)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self.records[index.row()]
        text = record.text or self.tr("(no text yet)")
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}. {text}"
        if role == Qt.ItemDataRole.EditRole:
            return record.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("%s %d of %d: %s") % (self.tr(self.stage.noun), index.row() + 1, len(self.records), text)
        if role == Qt.ItemDataRole.UserRole:
            return record.id
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        record = self.records[index.row()]
        if text and text != record.text:
            self.text_edited.emit(record.id, text)
        return True

    def row_of(self, record_id: str | None) -> int:
        return next((i for i, r in enumerate(self.records) if r.id == record_id), -1)


class StageList(QListView):
    """As tall as its entries (within limits), so the whole chain reads on one scrolling page."""

    MAX_ROWS = 8

    def sizeHint(self) -> QSize:  # noqa: N802
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        width = max(self.viewport().width(), 100)
        height = 0
        for row in range(min(rows, self.MAX_ROWS)):
            index = model.index(row, 0)
            option.rect = QRect(0, 0, width, 1000)
            height += max(self.itemDelegateForIndex(index).sizeHint(option, index).height(), 18)
        height = max(height, self.fontMetrics().height() + 8) + 2 * self.frameWidth() + 4
        return QSize(300, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped entries take more or fewer lines at the new width


class ChainStage(QFrame):
    """One link of the chain: a titled, ordered list with add, edit, delete and move."""

    add_requested = Signal(str, str)  # stage code, text
    delete_requested = Signal(str, str)  # stage code, record id
    move_requested = Signal(str, str, int)  # stage code, record id, -1 up / +1 down
    text_edited = Signal(str, str, str)  # stage code, record id, text

    def __init__(self, stage: Stage, number: int, parent=None):
        super().__init__(parent)
        self.stage = stage
        self.setObjectName(f"stage_{stage.code}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        header = QHBoxLayout()
        title = QLabel(f"{number}. {self.tr(stage.title)}")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        header.addWidget(title)
        header.addStretch(1)
        self.up_button = self._tool(self.tr("▲ Up"), self.tr("Move the selected %s up") % self.tr(stage.noun).lower())
        self.down_button = self._tool(self.tr("▼ Down"), self.tr("Move the selected %s down") % self.tr(stage.noun).lower())
        self.edit_button = self._tool(self.tr("Edit"), self.tr("Edit the text of the selected %s") % self.tr(stage.noun).lower())
        self.delete_button = self._tool(self.tr("Delete"), self.tr("Delete the selected %s") % self.tr(stage.noun).lower())
        for b in (self.up_button, self.down_button, self.edit_button, self.delete_button):
            header.addWidget(b)
        layout.addLayout(header)
        hint = QLabel(self.tr(stage.hint))
        hint.setWordWrap(True)
        hint.setObjectName("stageHint")
        layout.addWidget(hint)
        self.model = StageModel(stage, self)
        self.view = StageList()
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr(stage.title))
        self.view.setAccessibleDescription(self.tr(stage.hint))
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setTabKeyNavigation(False)
        layout.addWidget(self.view)
        add_row = QHBoxLayout()
        self.new_text = QLineEdit()
        self.new_text.setPlaceholderText(self.tr("New %s — type it and press Enter") % self.tr(stage.noun).lower())
        self.new_text.setAccessibleName(self.tr("New %s") % self.tr(stage.noun).lower())
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add %s") % self.tr(stage.noun).lower())
        add_row.addWidget(self.new_text, 1)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)

        self.add_button.clicked.connect(self._add)
        self.new_text.returnPressed.connect(self._add)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        self.model.text_edited.connect(lambda rid, text: self.text_edited.emit(stage.code, rid, text))
        self.view.selectionModel().currentChanged.connect(lambda *_: self._enable())
        for keys, slot in ((QKeySequence.StandardKey.Delete, self._delete),
                           (QKeySequence("Ctrl+Up"), lambda: self._move(-1)),
                           (QKeySequence("Ctrl+Down"), lambda: self._move(1)),
                           (QKeySequence("Insert"), self.new_text.setFocus)):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self._enable()

    def _tool(self, text: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        return button

    def set_records(self, records: list[Any], read_only: bool) -> None:
        keep = self.current_id()
        self.model.set_records(records)
        if keep is not None:
            self.select(keep)
        self.read_only = read_only
        self.view.updateGeometry()
        self._enable()

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def select(self, record_id: str | None) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))
        self._enable()

    def _enable(self) -> None:
        read_only = getattr(self, "read_only", False)
        row = self.view.currentIndex().row() if self.view.currentIndex().isValid() else -1
        count = self.model.rowCount()
        self.up_button.setEnabled(not read_only and row > 0)
        self.down_button.setEnabled(not read_only and 0 <= row < count - 1)
        self.edit_button.setEnabled(not read_only and row >= 0)
        self.delete_button.setEnabled(not read_only and row >= 0)
        self.add_button.setEnabled(not read_only)
        self.new_text.setEnabled(not read_only)

    def _add(self) -> None:
        text = self.new_text.text().strip()
        if not text:
            self.new_text.setFocus()
            return
        self.add_requested.emit(self.stage.code, text)

    def _move(self, delta: int) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.move_requested.emit(self.stage.code, record_id, delta)

    def _edit(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.setFocus()
            self.view.edit(index)

    def _delete(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.delete_requested.emit(self.stage.code, record_id)


class Page(StepPage):
    step_code = "logic_models"

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr("Logic models"), self.tr(
            "Choose a strategy, then spell out how it is meant to work, from what goes in to the "
            "lasting change it should bring.")))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.splitter, 1)
        self.strategies = RecordList([
            Column(self.tr("Strategy"), lambda s: f"{s.number}. {s.title}", lambda s: s.number),
        ], self.tr("Strategies"))
        self.strategies.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.splitter.addWidget(self.strategies)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.chain_layout = QVBoxLayout(body)
        self.chain_layout.setContentsMargins(8, 0, 8, 0)
        self.chain_layout.setSpacing(2)
        self.strategy_label = QLabel()
        self.strategy_label.setObjectName("chainStrategy")
        self.strategy_label.setWordWrap(True)
        font = self.strategy_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.strategy_label.setFont(font)
        self.chain_layout.addWidget(self.strategy_label)
        self.stages: dict[str, ChainStage] = {}
        for number, stage in enumerate(STAGES, start=1):
            if stage.arrow:
                arrow = QLabel(f"⬇  {self.tr(stage.arrow)}")
                arrow.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                arrow.setObjectName("chainArrow")
                self.chain_layout.addWidget(arrow)
            widget = ChainStage(stage, number)
            widget.add_requested.connect(self.add_entry)
            widget.delete_requested.connect(self.delete_entry)
            widget.move_requested.connect(self.move_entry)
            widget.text_edited.connect(self.edit_entry)
            self.stages[stage.code] = widget
            self.chain_layout.addWidget(widget)
        self.chain_layout.addStretch(1)
        scroll.setWidget(body)
        self.scroll = scroll
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([230, 520])
        self.strategies.current_changed.connect(lambda _id: self._show())
        self._show()

    def watches(self, tables: set[str]) -> bool:
        return bool(tables & {"strategy", "logic_model_item", "outcome"})

    def refresh(self) -> None:
        self.strategies.set_records(self.plan.strategies.list())
        if self.strategies.current_id() is None and self.strategies.model.rowCount():
            first = self.strategies.proxy.index(0, 0)
            self.strategies.select(first.data(self.strategies.model.IdRole))
        self._show()

    def current_strategy(self):
        return self.plan.strategies.find(self.strategies.current_id())

    def entries(self, stage_code: str) -> list[Any]:
        """The chosen strategy's entries of one stage, in order."""
        strategy_id = self.strategies.current_id()
        if strategy_id is None:
            return []
        stage = STAGE_BY_CODE[stage_code]
        if stage.table_attr == "logic_items":
            records = self.plan.logic_items.list(strategy_id=strategy_id, kind=stage.code)
        else:
            records = self.plan.outcomes.list(strategy_id=strategy_id, level=stage.code)
        return ordered(records)

    def _show(self) -> None:
        strategy = self.current_strategy()
        read_only = self.doc.read_only or strategy is None
        if strategy is None:
            self.strategy_label.setText(self.tr("Choose a strategy to see its logic model.")
                                        if self.strategies.model.rowCount()
                                        else self.tr("There are no strategies yet; add them in the strategies step."))
        else:
            self.strategy_label.setText(self.tr("Strategy %d: %s") % (strategy.number, strategy.title))
        for code, widget in self.stages.items():
            widget.set_records(self.entries(code), read_only)

    # edits --------------------------------------------------------------------------------------

    def _table(self, stage: Stage):
        return getattr(self.plan, stage.table_attr)

    def add_entry(self, stage_code: str, text: str) -> None:
        strategy_id = self.strategies.current_id()
        if strategy_id is None:
            return
        stage = STAGE_BY_CODE[stage_code]
        existing = self.entries(stage_code)
        position = max((r.position for r in existing), default=-1) + 1
        kind = {"kind": stage.code} if stage.table_attr == "logic_items" else {"level": stage.code}
        # The records' own field is called "text", so the command is built here rather than
        # through doc.add(table, text, **values).
        command = AddRecord(self._table(stage), dict(strategy_id=strategy_id, text=text, position=position,
                                                     **kind), self.tr("Add %s") % self.tr(stage.noun))
        new_id = command.record_id if self.doc.run(command) is None else None
        if new_id:
            widget = self.stages[stage_code]
            self.ensure_fresh()
            widget.set_records(self.entries(stage_code), self.doc.read_only)
            widget.select(new_id)
            widget.new_text.clear()
            widget.new_text.setFocus()

    def edit_entry(self, stage_code: str, record_id: str, text: str) -> None:
        stage = STAGE_BY_CODE[stage_code]
        table = self._table(stage)
        current = table.find(record_id)
        if current is None or current.text == text:
            return
        self.doc.run(UpdateRecord(table, record_id, {"text": text}, self.tr("Edit %s") % self.tr(stage.noun)))

    def delete_entry(self, stage_code: str, record_id: str) -> None:
        stage = STAGE_BY_CODE[stage_code]
        widget = self.stages[stage_code]
        rows = [r.id for r in widget.model.records]
        index = rows.index(record_id) if record_id in rows else -1
        indicators = (self.plan.indicators.count(outcome_id=record_id)
                      if stage.table_attr == "outcomes" else 0)
        refused = self.doc.delete(self._table(stage), record_id, self.tr("Delete %s") % self.tr(stage.noun))
        if refused is not None:
            return
        remaining = [r for r in rows if r != record_id]
        if remaining:
            widget.select(remaining[min(index, len(remaining) - 1)])
        widget.view.setFocus()
        undo = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
        if indicators:
            self.status_message.emit(self.tr("Deleted, with its %d indicator(s) and their measurements. "
                                             "Undo with %s if that was a mistake.") % (indicators, undo))
        else:
            self.status_message.emit(self.tr("Deleted. Undo with %s if that was a mistake.") % undo)

    def move_entry(self, stage_code: str, record_id: str, delta: int) -> None:
        stage = STAGE_BY_CODE[stage_code]
        ids = [r.id for r in self.entries(stage_code)]
        if record_id not in ids:
            return
        old = ids.index(record_id)
        new = old + delta
        if not 0 <= new < len(ids):
            return
        ids.insert(new, ids.pop(old))
        words = self.tr("Move %s Up") if delta < 0 else self.tr("Move %s Down")
        plan, table = self.plan, self._table(stage).name
        self.doc.operate(words % self.tr(stage.noun), lambda: operations.set_order(plan, table, ids))
        widget = self.stages[stage_code]
        widget.select(record_id)
        widget.view.setFocus()

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if not record_id:
            return
        strategy_id = record_id
        if table in ("logic_model_item", "outcome"):
            record = (self.plan.logic_items if table == "logic_model_item" else self.plan.outcomes).find(record_id)
            if record is None:
                return
            strategy_id = record.strategy_id
        self.strategies.select(strategy_id)
        self._show()
        if table in ("logic_model_item", "outcome"):
            record = (self.plan.logic_items if table == "logic_model_item" else self.plan.outcomes).find(record_id)
            code = record.kind if table == "logic_model_item" else record.level
            self.stages[code].select(record_id)
            self.stages[code].view.setFocus()
            self.scroll.ensureWidgetVisible(self.stages[code])
        elif not any(self.entries(s.code) for s in STAGES if s.table_attr == "outcomes"):
            target = self.stages["immediate"]
            self.scroll.ensureWidgetVisible(target)
            target.new_text.setFocus()
        else:
            self.strategies.view.setFocus()
