"""A list of records that belong to something else (the measurements of an indicator, the progress
updates of a strategy) with Add and Delete buttons and a form for the selected one.

Every edit goes through the document as an undoable command named after the record kind. The
panel does not watch the plan itself: its page calls `refresh()` when the plan changes.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget,
)

from ..core.plan import InUse, Table
from .document import PlanDocument
from .widgets import Column, FieldSpec, RecordForm, RecordList, plain_label


class RecordPanel(QWidget):
    current_changed = Signal(object)  # record id or None
    status_message = Signal(str)

    def __init__(self, doc: PlanDocument, table_attr: str, noun: str, columns: list[Column],
                 fields: list[FieldSpec], *, owner_field: str | None = None,
                 list_name: str = "", orientation: Qt.Orientation = Qt.Orientation.Vertical,
                 load: Callable[[str | None], list[Any]] | None = None,
                 new_values: Callable[[], dict[str, Any]] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.table_attr = table_attr
        self.noun = noun  # already translated by the caller
        self.owner_field = owner_field
        self.owner_id: str | None = None
        self._load = load
        self._new_values = new_values
        # the field a new record's typing starts in: a name, a function giving one, or None (the first)
        self.focus_field: str | Callable[[], str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(orientation)
        self.splitter.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.list = RecordList(columns, list_name or noun)
        top_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add %s") % noun.lower())
        self.add_button.setAccessibleName(self.tr("Add %s") % noun.lower())
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setAccessibleName(self.tr("Delete the selected %s") % noun.lower())
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        top_layout.addLayout(buttons)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)
        top_layout.addWidget(self.empty_label)
        self.splitter.addWidget(top)
        self.form = RecordForm(fields)
        doc.watch_pending(self.form)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(4, 0, 4, 0)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)

        self.add_button.clicked.connect(self.add_record)
        self.delete_button.clicked.connect(self.delete_record)
        self.list.current_changed.connect(self._show)
        self.form.edited.connect(self._edited)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list.view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.delete_record)
        self._show(None)

    @property
    def table(self) -> Table:
        return getattr(self.doc.plan, self.table_attr)

    def set_owner(self, owner_id: str | None, empty_text: str = "") -> None:
        """The record the listed ones belong to; None empties the panel and says `empty_text`."""
        self.owner_id = owner_id
        self.empty_label.setText(empty_text)
        self.empty_label.setVisible(bool(empty_text) and owner_id is None and self._load is None)
        self.refresh()

    def set_partner_choices(self, choices: dict[str, str]) -> None:
        for name, spec in self.form.fields.items():
            if spec.kind == "partner":
                self.form.set_choices(name, choices)

    def records(self) -> list[Any]:
        if self._load is not None:
            return self._load(self.owner_id)
        if self.owner_id is None or self.owner_field is None:
            return []
        return self.table.list(**{self.owner_field: self.owner_id})

    def refresh(self) -> None:
        self.list.set_records(self.records())
        self._show(self.list.current_id())

    def can_add(self) -> bool:
        if self.doc.read_only:
            return False
        if self.owner_field is None or self.owner_id is not None:
            return True
        return self._new_values is not None and self._new_values().get(self.owner_field) is not None

    def count(self) -> int:
        return self.list.model.rowCount()

    def _show(self, record_id: str | None) -> None:
        record = self.table.find(record_id) if record_id else None
        self.form.load(record)
        self.delete_button.setEnabled(record is not None and not self.doc.read_only)
        self.add_button.setEnabled(self.can_add())
        self.current_changed.emit(record.id if record is not None else None)

    def current(self):
        return self.table.find(self.list.current_id())

    def select(self, record_id: str | None) -> None:
        self.list.select(record_id)
        self._show(self.list.current_id())

    def add_record(self) -> str | None:
        if not self.can_add():
            return None
        values = dict(self._new_values() if self._new_values else {})
        if self.owner_field and self.owner_id is not None:
            values.setdefault(self.owner_field, self.owner_id)
        if self.owner_field and values.get(self.owner_field) is None:
            return None
        new_id = self.doc.add(self.table, self.tr("Add %s") % self.noun, **values)
        if new_id:
            self.refresh()
            self.select(new_id)
            self.focus_first_field()
        return new_id

    def focus_first_field(self, name: str | None = None) -> None:
        if name is None and self.focus_field is not None:
            name = self.focus_field() if callable(self.focus_field) else self.focus_field
        editor = self.form.editors.get(name) if name else None
        if editor is None:
            editor = next((e for n, e in self.form.editors.items()
                           if self.form.labels[n].isVisibleTo(self.form)), None)
        if editor is not None:
            editor.setFocus()
            if isinstance(editor, QLineEdit):
                editor.selectAll()

    def delete_record(self) -> None:
        record = self.current()
        if record is None or self.doc.read_only:
            return
        try:
            refused = self.doc.delete(self.table, record.id, self.tr("Delete %s") % self.noun)
        except InUse as error:  # nothing points at the kinds of record these panels hold
            self.status_message.emit(str(error))
            return
        if refused is None:
            self.status_message.emit(self.tr("Deleted. Undo with %s if that was a mistake.")
                                     % QKeySequence(QKeySequence.StandardKey.Undo).toString(
                                         QKeySequence.SequenceFormat.NativeText))

    def _edited(self, name: str, value: Any) -> None:
        record = self.form.record  # the record the text was typed for
        if record is None or self.table.find(record.id) is None:  # deleted meanwhile: nothing to keep
            return
        spec = self.form.fields[name]
        text = spec.undo_text or (self.tr("Change %s %s") % (self.noun, plain_label(spec.label).lower()))
        refused = self.doc.update(self.table, record.id, text, **{name: value})
        if refused:
            self.form.show_problem(name, refused)
