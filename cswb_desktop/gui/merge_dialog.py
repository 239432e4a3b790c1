"""File › Merge a Partner's Copy: the review of what the partner added, changed and deleted, the
conflicts side by side with a choice for each, and the history of a record with its restore."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel,
    QListWidget, QListWidgetItem, QPushButton, QRadioButton, QSplitter, QTableWidget,
    QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..core import merge
from ..core.framework import STEPS_BY_CODE
from .document import PlanCommand

KIND_WORDS = {
    merge.CONFLICT: "Conflict", merge.QUESTION: "Question", merge.ADDED: "Added",
    merge.CHANGED: "Changed", merge.RESTORED: "Brought back", merge.DELETED: "Deleted",
    merge.RENUMBERED: "Renumbered", merge.DUPLICATE: "Duplicate removed",
}


class MergeReviewDialog(QDialog):
    """Shows a merge.Preview; the user's choices re-compute it as they are made."""

    def __init__(self, preview: merge.Preview, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Merge %s") % preview.their_name)
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setObjectName("mergeHeadline")
        layout.addWidget(self.headline)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        prefer_row = QHBoxLayout()
        prefer_row.addWidget(QLabel(self.tr("Where both changed the same thing, keep:")))
        self.prefer_group = QButtonGroup(self)
        for code, text in ((merge.NEWER, self.tr("the &newer edit")), (merge.MINE, self.tr("&mine")),
                           (merge.THEIRS, self.tr("&theirs"))):
            button = QRadioButton(text)
            button.setProperty("code", code)
            button.setChecked(code == preview.prefer)
            self.prefer_group.addButton(button)
            prefer_row.addWidget(button)
        prefer_row.addStretch(1)
        layout.addLayout(prefer_row)
        self.prefer_group.buttonClicked.connect(lambda b: self._recompute(prefer=b.property("code")))

        split = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("What the merge does, step by step")])
        self.tree.setAccessibleName(self.tr("Changes in the partner's copy"))
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(lambda *_: self._show_item())
        split.addWidget(self.tree)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.item_text = QLabel()
        self.item_text.setWordWrap(True)
        detail_layout.addWidget(self.item_text)
        self.fields = QTableWidget(0, 3)
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("This plan"), self.tr("Partner's copy")])
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setAccessibleName(self.tr("The two versions side by side"))
        self.fields.verticalHeader().setVisible(False)
        self.fields.setWordWrap(True)
        detail_layout.addWidget(self.fields, 1)
        self.choice_box = QGroupBox(self.tr("Your choice"))
        self.choice_layout = QVBoxLayout(self.choice_box)
        self.choice_group = QButtonGroup(self)
        self.choice_group.buttonClicked.connect(self._choose)
        detail_layout.addWidget(self.choice_box)
        split.addWidget(detail)
        split.setSizes([520, 440])
        layout.addWidget(split, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton(self.tr("&Merge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._render()

    # --- showing --------------------------------------------------------------------------------

    def _render(self, keep: tuple[str, str] | None = None) -> None:
        p = self.preview
        self.headline.setText(p.headline())
        self.warnings.setText("\n".join("⚠ " + w.text for w in p.clock_warnings))
        self.warnings.setVisible(bool(p.clock_warnings))
        self.tree.clear()
        select = None
        for step, items in p.steps():
            top = QTreeWidgetItem([f"{self.tr(step.title)} ({len(items)})"])
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            for item in items:
                mark = "⚠ " if item.conflict is not None else ""
                child = QTreeWidgetItem([f"{mark}{self.tr(KIND_WORDS.get(item.kind, item.kind))}: {item.text}"])
                child.setData(0, Qt.ItemDataRole.UserRole, (item.table, item.record_id, item.kind))
                child.setToolTip(0, item.text)
                top.addChild(child)
                if keep and (item.table, item.record_id) == keep[:2] or select is None and item.conflict:
                    select = child
            top.setExpanded(True)
        self.merge_button.setEnabled(not p.nothing_new)
        if select is not None:
            self.tree.setCurrentItem(select)
        self._show_item()

    def current_item(self) -> merge.Item | None:
        node = self.tree.currentItem()
        key = node.data(0, Qt.ItemDataRole.UserRole) if node else None
        if not key:
            return None
        for item in self.preview.items:
            if (item.table, item.record_id, item.kind) == tuple(key):
                return item
        return None

    def _show_item(self) -> None:
        item = self.current_item()
        self.item_text.setText(item.text if item else self.tr("Choose a line on the left to see it in full."))
        self.fields.setRowCount(0)
        for button in self.choice_group.buttons():
            self.choice_group.removeButton(button)
            self.choice_layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.choice_box.setVisible(bool(item and item.conflict))
        if item is None:
            return
        for change in item.fields:
            row = self.fields.rowCount()
            self.fields.insertRow(row)
            kept_mine = change.kept == merge.MINE
            mine = ("✔ " if kept_mine else "") + change.mine_text
            theirs = ("" if kept_mine else "✔ ") + change.theirs_text
            for column, text in enumerate((change.field, mine, theirs)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.fields.setItem(row, column, cell)
        self.fields.resizeRowsToContents()
        if item.conflict is not None:
            conflict = item.conflict
            for option in conflict.options:
                button = QRadioButton(option.text)
                button.setProperty("key", conflict.key)
                button.setProperty("code", option.code)
                button.setChecked(option.code == conflict.chosen)
                self.choice_group.addButton(button)
                self.choice_layout.addWidget(button)
            self.choice_box.setTitle(self.tr("Your choice — %s") % conflict.reason)

    # --- choosing -------------------------------------------------------------------------------

    def _choose(self, button) -> None:
        item = self.current_item()
        keep = (item.table, item.record_id, item.kind) if item else None
        self._recompute(choices={button.property("key"): button.property("code")}, keep=keep)

    def choose(self, key: str, code: str) -> None:
        self._recompute(choices={key: code})

    def _recompute(self, choices: dict | None = None, prefer: str | None = None, keep=None) -> None:
        self.preview = self.preview.rechoose(choices or {}, prefer=prefer)
        self._render(keep)


class MergeCommand(PlanCommand):
    """The whole merge as one undoable step. Redo reviews the copy again with the same choices."""

    def __init__(self, plan, copy: merge.Copy, preview: merge.Preview, text: str):
        super().__init__(text)
        self.plan = plan
        self.copy = copy
        self.preview = preview
        self.choices = dict(preview.choices)
        self.prefer = preview.prefer
        self.result: merge.MergeResult | None = None

    def apply(self) -> None:
        if self.result is not None:  # a redo: the plan moved on since the review, so look again
            self.preview = merge.preview(self.plan, self.copy, name=self.copy.name, choices=self.choices,
                                         prefer=self.prefer)
        self.result = merge.apply(self.plan, self.preview)

    def revert(self) -> None:
        if self.result is not None:
            merge.undo(self.plan, self.result.before)


class RestoreVersionCommand(PlanCommand):
    def __init__(self, plan, history_id: str, text: str):
        super().__init__(text)
        self.plan = plan
        self.history_id = history_id
        self.before: merge.BeforeImage | None = None

    def apply(self) -> None:
        self.before = merge.restore_version(self.plan, self.history_id)

    def revert(self) -> None:
        if self.before is not None:
            merge.undo(self.plan, self.before)


class HistoryDialog(QDialog):
    """Earlier versions of one record that merges replaced; any of them can be made current."""

    def __init__(self, plan, record_id: str, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.record_id = record_id
        self.setWindowTitle(self.tr("History of %s") % label)
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.entries = merge.record_history(plan, record_id)
        intro = QLabel(self.tr("Versions of “%s” that a merge replaced, newest first. Restoring one makes it "
                               "the current version; the version it replaces is kept here too.") % label
                       if self.entries else self.tr("No merge has replaced “%s” so far: it has no earlier "
                                                    "versions.") % label)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Earlier versions"))
        for entry in self.entries:
            item = QListWidgetItem(f"{entry.modified_at[:16].replace('T', ' ')} — {entry.reason}")
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.list.addItem(item)
        split.addWidget(self.list)
        self.values = QTableWidget(0, 2)
        self.values.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value in that version")])
        self.values.horizontalHeader().setStretchLastSection(True)
        self.values.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.values.verticalHeader().setVisible(False)
        split.addWidget(self.values)
        layout.addWidget(split, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(self.tr("&Restore This Version"))
        self.restore_button.setEnabled(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        if self.entries:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        self.values.setRowCount(0)
        self.restore_button.setEnabled(row >= 0)
        if row < 0:
            return
        entry = self.entries[row]
        for name, value in entry.data.items():
            if name in ("id", "created_at", "modified_at", "modified_by"):
                continue
            r = self.values.rowCount()
            self.values.insertRow(r)
            self.values.setItem(r, 0, QTableWidgetItem(merge.field_name(entry.table, name)))
            self.values.setItem(r, 1, QTableWidgetItem("" if value is None else str(value)))

    def chosen_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


def step_title(code: str) -> str:
    step = STEPS_BY_CODE.get(code)
    return step.title if step else code
