"""Building blocks of the step pages: a filterable record list, a validating record form, and the
master–detail page that joins them with undoable add, edit and delete."""

from __future__ import annotations

import datetime as _dt
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import shiboken6

from PySide6.QtCore import (
    QAbstractTableModel, QDate, QLocale, QModelIndex, QSortFilterProxyModel, Qt,
    QTimer, Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QCalendarWidget, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
    QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSplitter,
    QTableView, QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from ..core import numbers
from ..core.plan import InUse, Table
from .document import PlanDocument

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^[0-9+()\-.\s]{7,}(\s*(x|ext\.?)\s*\d+)?$", re.IGNORECASE)


# --- modal dialogs ------------------------------------------------------------------------------

@contextmanager
def focus_returns(parent: QWidget, fallback: Callable[[], QWidget | None] | None = None) -> Iterator[None]:
    """Around a modal dialog: afterwards `parent`'s window is active again and the keyboard focus
    is back on the widget that had it (or on `fallback()` when that one is gone or hidden).

    A window manager usually does this; without one (a kiosk, a bare X server, a remote session)
    nothing would, and what is typed next would go nowhere."""
    before = QApplication.focusWidget()
    try:
        yield
    finally:
        return_focus(parent, before, fallback)


def return_focus(parent: QWidget, before: QWidget | None,
                 fallback: Callable[[], QWidget | None] | None = None) -> None:
    """Activate `parent`'s window and give the focus back, now and once more when the events of the
    closing dialog have been handled (its own deactivation would otherwise come after)."""
    def give_back() -> None:
        if not shiboken6.isValid(parent):
            return
        window = parent.window()
        if not window.isVisible() or QApplication.activeModalWidget() is not None:
            return
        window.activateWindow()
        window.raise_()
        target = before if _can_take_focus(before, window) else None
        if target is None and fallback is not None:
            target = fallback()
            target = target if _can_take_focus(target, window) else None
        if target is not None:
            target.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    give_back()
    if shiboken6.isValid(parent):
        QTimer.singleShot(0, parent, give_back)


def _can_take_focus(widget: QWidget | None, window: QWidget) -> bool:
    return (widget is not None and shiboken6.isValid(widget) and widget.window() is window
            and widget.isVisible() and widget.isEnabled())


# --- lists --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]  # record → what the cell shows
    sort_value: Callable[[Any], Any] | None = None


def sort_key(value: Any) -> tuple:
    """A key that orders any cell value without comparing unlike types: empty first, then
    numbers, then text (ignoring case), then lists (compared item by item)."""
    if value is None or value == "":
        return (0,)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, (list, tuple)):
        return (3, tuple(sort_key(v) for v in value))
    return (2, str(value).casefold())


class RecordTableModel(QAbstractTableModel):
    """Records as rows, through the given columns. One model, not a widget per row.

    The model sorts itself, in one Python sort, rather than leaving a proxy to compare rows pair
    by pair through Qt; what a cell shows is computed once per refresh and kept."""

    SortRole = Qt.ItemDataRole.UserRole + 1
    IdRole = Qt.ItemDataRole.UserRole + 2
    _TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)

    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.records: list[Any] = []
        self._rows: dict[str, int] = {}
        self._texts: dict[tuple[int, int], str] = {}
        self._sort_column: int | None = None
        self._sort_order = Qt.SortOrder.AscendingOrder

    def set_records(self, records: Iterable[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self._sort_records()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in self._TEXT_ROLES:
            key = (index.row(), index.column())
            text = self._texts.get(key)
            if text is None:
                value = self.columns[key[1]].value(self.records[key[0]])
                text = self._texts[key] = "" if value is None else str(value)
            return text
        if role == self.IdRole:
            return self.records[index.row()].id
        if role == self.SortRole:
            column = self.columns[index.column()]
            key = (column.sort_value or column.value)(self.records[index.row()])
            if key is None:
                return ""
            return key if isinstance(key, (int, float)) else str(key).casefold()
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self.records[i.row()].id, i.column()) for i in persistent]
        self._sort_records()
        self.changePersistentIndexList(persistent, [self.index(self._rows[record_id], column)
                                                    for record_id, column in kept])
        self.layoutChanged.emit()

    def _sort_records(self) -> None:
        if self._sort_column is not None:
            column = self.columns[self._sort_column]
            value = column.sort_value or column.value
            self.records.sort(key=lambda r: sort_key(value(r)),
                              reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._rows = {r.id: i for i, r in enumerate(self.records)}
        self._texts = {}

    def row_of(self, record_id: str | None) -> int:
        return self._rows.get(record_id, -1) if record_id else -1

    def record(self, row: int):
        return self.records[row] if 0 <= row < len(self.records) else None


class _FilterProxy(QSortFilterProxyModel):
    """Filters the rows; sorting is handed to the source model, which does it in one go."""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)


class RecordList(QWidget):
    """A table of records with a filter box; sorting by any column; keeps the selection by id."""

    current_changed = Signal(object)  # record id or None
    activated = Signal(str)

    def __init__(self, columns: list[Column], accessible_name: str, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(self.tr("Filter…"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(self.tr("Filter %s") % accessible_name)
        layout.addWidget(self.filter_box)
        self.model = RecordTableModel(columns, self)
        self.proxy = _FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(RecordTableModel.SortRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(accessible_name)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setResizeContentsPrecision(60)  # widths from a sample of rows
        self.view.setTabKeyNavigation(False)
        layout.addWidget(self.view, 1)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.activated.connect(self._activated)
        self._current_id: str | None = None
        self._columns_sized = False

    def set_records(self, records: Iterable[Any]) -> None:
        keep = self._current_id
        self.view.selectionModel().blockSignals(True)
        self.model.set_records(records)
        self.view.selectionModel().blockSignals(False)
        if self.model.rowCount() and not self._columns_sized:
            self._columns_sized = True  # once; after that the widths are the user's
            self.view.resizeColumnsToContents()
            for c in range(self.model.columnCount()):
                self.view.setColumnWidth(c, min(max(self.view.columnWidth(c), 80), 320))
        if keep and self.model.row_of(keep) >= 0:
            self.select(keep)
        else:
            self._current_id = None
            self.current_changed.emit(None)

    def select(self, record_id: str | None) -> None:
        row = self.model.row_of(record_id)
        if row < 0:
            self.view.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # hidden by the filter: show it
            self.filter_box.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        if self._current_id != record_id:
            self._current_id = record_id
            self.current_changed.emit(record_id)

    def current_id(self) -> str | None:
        return self._current_id

    def current_record(self):
        row = self.model.row_of(self._current_id)
        return self.model.record(row)

    def _row_changed(self, current: QModelIndex, _previous) -> None:
        record_id = current.data(RecordTableModel.IdRole) if current.isValid() else None
        if record_id != self._current_id:
            self._current_id = record_id
            self.current_changed.emit(record_id)

    def _activated(self, index: QModelIndex) -> None:
        record_id = index.data(RecordTableModel.IdRole)
        if record_id:
            self.activated.emit(record_id)


# --- forms --------------------------------------------------------------------------------------

@dataclass
class FieldSpec:
    name: str
    label: str  # with an & mnemonic where it helps
    kind: str = "line"  # line, text, choice, suggest, date, email, phone, int, money, number, bool, partner
    choices: dict[Any, str] | None = None
    placeholder: str = ""
    help: str = ""
    undo_text: str = ""  # "Rename Partner"; default: "Change <Noun> <Label>"
    optional_choice: bool = False  # a "(none)" entry for choice/partner fields


def plain_label(label: str) -> str:
    return label.replace("&", "").rstrip(":")


class DateEdit(QWidget):
    """A date typed as YYYY-MM-DD (empty allowed), with a calendar button for the mouse."""

    editingFinished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setPlaceholderText("YYYY-MM-DD")
        self.line.setMaxLength(10)
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setToolTip(self.tr("Pick a date from a calendar"))
        self.button.setAccessibleName(self.tr("Pick a date"))
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.line.editingFinished.connect(self.editingFinished)
        self.button.clicked.connect(self._pick)

    def text(self) -> str:
        return self.line.text().strip()

    def setText(self, text: str) -> None:  # noqa: N802
        self.line.setText(text)

    def _pick(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Pick a date"))
        layout = QVBoxLayout(dialog)
        calendar = QCalendarWidget()
        try:
            current = _dt.date.fromisoformat(self.text())
            calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        except ValueError:
            pass
        layout.addWidget(calendar)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        calendar.activated.connect(dialog.accept)
        layout.addWidget(buttons)
        with focus_returns(self, lambda: self.line):
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted:
            self.line.setText(calendar.selectedDate().toString("yyyy-MM-dd"))
            self.editingFinished.emit()


def parse_date(text: str) -> tuple[str | None, str]:
    """(value, problem): an ISO date or None, and a sentence when the text is not a date."""
    text = text.strip()
    if not text:
        return None, ""
    try:
        if len(text) != 10:
            raise ValueError
        return _dt.date.fromisoformat(text).isoformat(), ""
    except ValueError:
        return None, f"“{text}” is not a date: write it like 2025-03-31."


def locale_separators() -> tuple[str, str]:
    """The interface's decimal mark and group separator (the application's locale)."""
    locale = QLocale()
    return locale.decimalPoint() or ".", locale.groupSeparator()


def parse_number(text: str, whole: bool) -> tuple[float | int | None, str]:
    """A number typed in a field, read by the interface's conventions; a comma or point that could
    mean two things is refused with a sentence that shows both readings (core/numbers.py)."""
    decimal, group = locale_separators()
    return numbers.parse_number(text, decimal=decimal, group=group, whole=whole)


def format_number(value: float | int | None) -> str:
    return numbers.format_number(value, locale_separators()[0])


class RecordForm(QWidget):
    """Editors for one record's fields. A finished, valid edit is announced with `edited`; an
    invalid one is explained in words under the field as the user types, and not written.

    What the user has typed but not yet committed (the field not left yet, or a text the plan could
    not take) is *pending*: `commit_pending()` writes it (the window calls it before saving, closing,
    undoing…), `has_pending()` says whether there is any, and `pending_changed` announces it. A
    pending field keeps its text when the form reloads the same record, so nothing typed is lost."""

    edited = Signal(str, object)  # field name, new value
    pending_changed = Signal(bool)

    def __init__(self, fields: list[FieldSpec], parent=None):
        super().__init__(parent)
        self.fields = {f.name: f for f in fields}
        self.editors: dict[str, QWidget] = {}
        self.problems: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self._loading = False
        self._record = None
        self._pending: set[str] = set()
        self._refusals: dict[str, str] = {}
        self._edit_target = None  # while edits typed for an earlier record are being written
        self._retrying = False
        self._left_behind: list[tuple[Any, dict[str, Any]]] = []  # (record, values) still to write
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form_layout = form
        for spec in fields:
            editor = self._make_editor(spec)
            self.editors[spec.name] = editor
            editor.setAccessibleName(plain_label(spec.label))
            if isinstance(editor, DateEdit):  # the part that takes the focus says what it is too
                editor.line.setAccessibleName(plain_label(spec.label))
            if spec.help:
                editor.setToolTip(spec.help)
                editor.setAccessibleDescription(spec.help)
            problem = QLabel()
            problem.setObjectName("fieldProblem")
            problem.setWordWrap(True)
            problem.setVisible(False)
            problem.setStyleSheet("QLabel#fieldProblem { font-weight: bold; }")
            self.problems[spec.name] = problem
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(2)
            box_layout.addWidget(editor)
            box_layout.addWidget(problem)
            label = QLabel(spec.label)
            label.setBuddy(editor)
            self.labels[spec.name] = label
            form.addRow(label, box)

    # editors ------------------------------------------------------------------------------------

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        kind = spec.kind
        if kind == "text":
            editor = _PlainText()
            editor.setTabChangesFocus(True)
            editor.setMinimumHeight(60)
            editor.setMaximumHeight(140)
            editor.setPlaceholderText(spec.placeholder)
            editor.textChanged.connect(lambda n=spec.name: self._mark_pending(n))
            editor.focus_lost.connect(lambda n=spec.name: self._commit(n))
            return editor
        if kind in ("choice", "partner"):
            editor = QComboBox()
            editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(16)
            self._fill_choice(editor, spec, spec.choices or {})
            editor.activated.connect(lambda _i, n=spec.name: self._commit(n))
            return editor
        if kind == "suggest":  # free text, with the usual answers offered in a drop-down list
            editor = QComboBox()
            editor.setEditable(True)
            editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(16)
            for text in (spec.choices or {}).values():
                editor.addItem(self.tr(text))
            editor.setCurrentIndex(-1)
            editor.lineEdit().setPlaceholderText(spec.placeholder)
            editor.activated.connect(lambda _i, n=spec.name: self._commit(n))
            editor.lineEdit().textEdited.connect(lambda _t, n=spec.name: self._mark_pending(n))
            editor.lineEdit().editingFinished.connect(lambda n=spec.name: self._commit(n))
            return editor
        if kind == "bool":
            editor = QCheckBox()
            editor.toggled.connect(lambda _c, n=spec.name: self._commit(n))
            return editor
        if kind == "date":
            editor = DateEdit()
            editor.line.textEdited.connect(lambda _t, n=spec.name: self._validate(n))
            editor.line.textEdited.connect(lambda _t, n=spec.name: self._mark_pending(n))
            editor.editingFinished.connect(lambda n=spec.name: self._commit(n))
            return editor
        editor = QLineEdit()
        editor.setPlaceholderText(spec.placeholder)
        editor.textEdited.connect(lambda _t, n=spec.name: self._validate(n))
        editor.textEdited.connect(lambda _t, n=spec.name: self._mark_pending(n))
        editor.editingFinished.connect(lambda n=spec.name: self._commit(n))
        return editor

    def _fill_choice(self, combo: QComboBox, spec: FieldSpec, choices: dict[Any, str]) -> None:
        combo.blockSignals(True)
        combo.clear()
        if spec.optional_choice or spec.kind == "partner":
            combo.addItem(self.tr("(none)"), None)
        for value, text in choices.items():
            combo.addItem(self.tr(text) if spec.kind == "choice" else text, value)
        combo.blockSignals(False)

    def insert_row(self, before: str, widget: QWidget) -> None:
        """Put a widget (a link editor, say) on a row of its own just above the field `before`,
        and in the keyboard's tab order at that place too."""
        names = list(self.fields)
        row, _role = self.form_layout.getWidgetPosition(self.labels[before])
        self.form_layout.insertRow(row, widget)
        index = names.index(before)
        if index == 0:
            return
        chain = _tab_focusable(self.editors[names[index - 1]])[-1:] + _tab_focusable(widget)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def set_choices(self, name: str, choices: dict[Any, str]) -> None:
        """Refresh a choice list (e.g. the partners) without losing what the record holds."""
        spec = self.fields[name]
        combo = self.editors[name]
        if spec.choices == choices and combo.count():
            # Unchanged: refilling would reset the combo's type-ahead between two key presses.
            if self._record is not None and name not in self._pending:
                self._set_value(name, getattr(self._record, name))
            return
        spec.choices = choices
        keep = combo.currentData() if name in self._pending else None
        self._fill_choice(combo, spec, choices)
        if name in self._pending:  # a choice the plan has not taken yet stays chosen
            combo.setCurrentIndex(max(combo.findData(keep), 0))
        elif self._record is not None:
            self._set_value(name, getattr(self._record, name))

    # values -------------------------------------------------------------------------------------

    @property
    def record(self):
        """The record an `edited` value belongs to: the one shown (as it was when loaded), or, while
        the text typed for a record shown before is written, that one."""
        return self._edit_target if self._edit_target is not None else self._record

    def load(self, record) -> None:
        """Show a record (or nothing: the form is then disabled). Reloading the same record keeps
        what is pending in its fields; before another record is shown, the pending text goes to
        the record it was typed for."""
        same = (record is not None and self._record is not None
                and getattr(record, "id", None) == getattr(self._record, "id", None))
        if not same and self._pending and self._record is not None:
            self._leave_behind()
        keep = self._pending if same else set()
        self._loading = True
        self._record = record
        try:
            for name in self.fields:
                if name in keep:
                    continue
                self._set_value(name, getattr(record, name) if record is not None else None)
                self.problems[name].setVisible(False)
            self.setEnabled(record is not None)
        finally:
            self._loading = False
        if not same:
            self._set_pending(set())

    def _set_value(self, name: str, value: Any) -> None:
        spec = self.fields[name]
        editor = self.editors[name]
        editor.blockSignals(True)
        try:
            if spec.kind == "text":
                if editor.toPlainText() != (value or ""):
                    editor.setPlainText(value or "")
            elif spec.kind in ("choice", "partner"):
                index = editor.findData(value)
                if index < 0 and value is not None:  # a value from elsewhere: show it as it is
                    editor.addItem(str(value), value)
                    index = editor.count() - 1
                editor.setCurrentIndex(max(index, 0))
            elif spec.kind == "suggest":
                editor.setEditText("" if value is None else str(value))
            elif spec.kind == "bool":
                editor.setChecked(bool(value))
            elif spec.kind in ("int", "money", "number"):
                editor.setText(format_number(value))
            else:
                editor.setText("" if value is None else str(value))
                if isinstance(editor, QLineEdit) and not editor.hasFocus():
                    editor.setCursorPosition(0)  # a long value shows its beginning, not its end
        finally:
            editor.blockSignals(False)

    def value(self, name: str) -> tuple[Any, str]:
        """(value, problem sentence) of what the editor holds now."""
        spec = self.fields[name]
        editor = self.editors[name]
        if spec.kind == "text":
            return editor.toPlainText(), ""
        if spec.kind in ("choice", "partner"):
            return editor.currentData(), ""
        if spec.kind == "bool":
            return editor.isChecked(), ""
        if spec.kind == "suggest":
            return editor.currentText().strip(), ""
        text = editor.text()
        if spec.kind == "date":
            return parse_date(text)
        if spec.kind == "int":
            return parse_number(text, whole=True)
        if spec.kind in ("money", "number"):
            return parse_number(text, whole=False)
        if spec.kind == "email":
            text = text.strip()
            if text and not EMAIL_RE.match(text):
                return text, f"“{text}” does not look like an e-mail address (it needs a name, @ and a domain, like name@example.org)."
            return text, ""
        if spec.kind == "phone":
            text = text.strip()
            if text and not PHONE_RE.match(text):
                return text, "A phone number uses digits, spaces, dashes, brackets or +, like 705-555-0134."
            return text, ""
        return text.strip(), ""

    def _validate(self, name: str) -> bool:
        _value, problem = self.value(name)
        label = self.problems[name]
        label.setText(("⚠ " + problem) if problem else "")
        label.setVisible(bool(problem))
        self.editors[name].setProperty("invalid", bool(problem))
        return not problem

    def _commit(self, name: str) -> str | None:
        """Write one field's text if it changed; None when done, else the sentence why not (the
        text then stays in the field, pending, with the sentence under it)."""
        if self._loading or self._record is None:
            return None
        if not self._validate(name):  # said under the field; still pending if it was typed there
            return self.value(name)[1]
        value, _ = self.value(name)
        if value == getattr(self._record, name):
            self._drop_pending(name)
            return None
        self._refusals.pop(name, None)
        self._drop_pending(name)  # first: the refresh the edit causes then shows what the plan holds
        self.edited.emit(name, value)
        refused = self._refusals.pop(name, None)
        if refused:
            self._add_pending(name)
            return refused
        if not self._retrying and self._pending:  # the plan takes edits again: the ones it refused too
            self._retrying = True
            try:
                for other in self.pending_fields():
                    if not self.editors[other].hasFocus():
                        self._commit(other)
            finally:
                self._retrying = False
        return None

    def show_problem(self, name: str, text: str) -> None:
        """Say under a field why the plan did not take its value (the page calls this on a refusal)."""
        self._refusals[name] = text
        self.problems[name].setText("⚠ " + text)
        self.problems[name].setVisible(True)

    # pending edits ------------------------------------------------------------------------------

    def has_pending(self) -> bool:
        return (bool(self._pending) and self._record is not None) or bool(self._left_behind)

    def pending_fields(self) -> list[str]:
        return [name for name in self.fields if name in self._pending]

    def _leave_behind(self) -> None:
        """Another record is about to be shown (a click in the list, say, that came before the
        field's focus-out, or without one): what was typed for this one is written to it as soon as
        the selection has settled, not in the middle of the list's own signals."""
        values = {}
        for name in self.pending_fields():
            value, problem = self.value(name)
            if not problem and value != getattr(self._record, name):
                values[name] = value
        if values:
            self._left_behind.append((self._record, values))
            QTimer.singleShot(0, self, self._write_left_behind)

    def _write_left_behind(self) -> str | None:
        """Write the values typed for records shown before; what the plan refuses is kept for the
        next try (it still counts as unsaved). None when all went in, else the first sentence."""
        first = None
        kept: list[tuple[Any, dict[str, Any]]] = []
        while self._left_behind:
            record, values = self._left_behind.pop(0)
            refused_values = {}
            self._edit_target = record
            try:
                for name, value in values.items():
                    self._refusals.pop(name, None)
                    self.edited.emit(name, value)
                    refused = self._refusals.pop(name, None)
                    if refused:
                        refused_values[name] = value
                        self.problems[name].setVisible(name in self._pending)  # not this record's
                        if first is None:
                            first = self._where(name, refused)
            finally:
                self._edit_target = None
            if refused_values:
                kept.append((record, refused_values))
        self._left_behind = kept
        if not self.has_pending():
            self.pending_changed.emit(False)
        return first

    def commit_pending(self) -> str | None:
        """Write every pending field; None when all went in, else the first field's sentence."""
        first = self._write_left_behind() if self._left_behind else None
        for name in self.pending_fields():
            refused = self._commit(name)
            if refused and first is None:
                first = self._where(name, refused)
        return first

    def _where(self, name: str, sentence: str) -> str:
        """“Budget: “1,250” could mean…”: the field's name before the sentence, in one sentence."""
        if len(sentence) > 1 and sentence[0].isupper() and sentence[1].islower():
            sentence = sentence[0].lower() + sentence[1:]
        return f"{plain_label(self.fields[name].label)}: {sentence}"

    def _mark_pending(self, name: str) -> None:
        if not self._loading and self._record is not None:
            self._add_pending(name)

    def _add_pending(self, name: str) -> None:
        self._set_pending(self._pending | {name})

    def _drop_pending(self, name: str) -> None:
        self._set_pending(self._pending - {name})

    def _set_pending(self, names: set[str]) -> None:
        before = bool(self._pending)
        self._pending = names
        if before != bool(names):
            self.pending_changed.emit(bool(names))

    def set_field_visible(self, name: str, visible: bool) -> None:
        """Show or hide a field with its label (e.g. fields that apply to one kind of record only)."""
        self.form_layout.setRowVisible(self.labels[name], visible)


def _tab_focusable(widget: QWidget) -> list[QWidget]:
    """The widget and its descendants that take focus by Tab, in the order they were made."""
    return [w for w in (widget, *widget.findChildren(QWidget))
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None
            and w.window() is widget.window()]  # not a combo box's pop-up list


class _PlainText(QPlainTextEdit):
    focus_lost = Signal()

    def focusOutEvent(self, event):  # noqa: N802
        super().focusOutEvent(event)
        self.focus_lost.emit()


# --- pages --------------------------------------------------------------------------------------

class PrivacyNotice(QLabel):
    """Said wherever free text about people can be typed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("privacyNotice")
        self.setWordWrap(True)
        self.setText(self.tr("ⓘ A CSWB plan holds community-level information only. Never write the names "
                             "or details of individuals at risk here."))
        self.setAccessibleName(self.tr("Privacy notice"))
        self.setStyleSheet("QLabel#privacyNotice { padding: 6px; border: 1px dashed palette(mid); }")


class StepPage(QWidget):
    """A page of the step navigator. Pages refresh from the plan when it changes; a page that is
    not visible only notes that it is stale and refreshes when shown."""

    step_code = ""
    status_message = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self._stale = True
        doc.changed.connect(self._on_change)

    @property
    def plan(self):
        return self.doc.plan

    def _on_change(self, change) -> None:
        if not self.watches(change.tables):
            return
        if self.isVisible():
            self.refresh()
            self._stale = False
        else:
            self._stale = True

    def watches(self, tables: set[str]) -> bool:
        return True

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()
            self._stale = False

    def ensure_fresh(self) -> None:
        if self._stale:
            self.refresh()
            self._stale = False

    def refresh(self) -> None:
        raise NotImplementedError

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        """Bring a record into view (the review step's links land here)."""

    def partner_choices(self) -> dict[str, str]:
        return {p.id: p.organisation or self.tr("(unnamed partner)") for p in self.plan.partners.list()}


def page_heading(text: str, intro: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    heading = QLabel(text)
    heading.setObjectName("pageHeading")
    heading.setAccessibleName(text)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    heading.setFont(font)
    heading.setWordWrap(True)
    layout.addWidget(heading)
    if intro:
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
    return box


def ask_reassign(parent: QWidget, error: InUse, candidates: dict[str, str]) -> str | None:
    """Explain where a record is still used and let the user pick who takes it over."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(parent.tr("Still in use"))
    layout = QVBoxLayout(dialog)
    text = QLabel(str(error))
    text.setWordWrap(True)
    layout.addWidget(text)
    if candidates:
        choose = QLabel(parent.tr("&Hand these over to:"))
        combo = QComboBox()
        for key, label in candidates.items():
            combo.addItem(label, key)
        choose.setBuddy(combo)
        layout.addWidget(choose)
        layout.addWidget(combo)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    if candidates:
        ok = buttons.addButton(parent.tr("Hand Over and Delete"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    with focus_returns(parent):
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if not accepted or not candidates:
        return None
    return combo.currentData()


class MasterDetailPage(StepPage):
    """A list of one kind of record beside a form for the selected one, with Add and Delete.

    Subclasses set `table_attr`, `noun`, `columns()`, `fields()` and may add widgets below the form
    with `add_detail_widget` (link editors, child tables), or under list and form with `add_footer`
    (checklists). An `embedded` page is one part of a `TabbedStepPage`: no heading, no margins."""

    table_attr = ""
    noun = "Record"
    title = ""
    intro = ""
    name_field = ""  # its edits read "Rename <Noun>"
    privacy_notice = False
    watched_tables: set[str] | None = None
    embedded = False

    def __init__(self, doc: PlanDocument, parent=None):
        super().__init__(doc, parent)
        outer = QVBoxLayout(self)
        self._outer = outer
        self._footer_splitter: QSplitter | None = None
        if self.embedded:
            outer.setContentsMargins(0, 8, 0, 0)
            if self.intro:
                intro = QLabel(self.tr(self.intro))
                intro.setWordWrap(True)
                outer.addWidget(intro)
        else:
            outer.setContentsMargins(16, 12, 16, 12)
            outer.addWidget(page_heading(self.tr(self.title), self.tr(self.intro)))
        if self.privacy_notice:
            outer.addWidget(PrivacyNotice())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list = RecordList(self.columns(), self.tr(self.noun_plural()))
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add %s") % self.tr(self.noun).lower())
        self.delete_button = QPushButton(self.tr("&Delete"))
        self.add_button.setAccessibleName(self.tr("Add %s") % self.tr(self.noun).lower())
        self.delete_button.setAccessibleName(self.tr("Delete the selected %s") % self.tr(self.noun).lower())
        self.add_button.setEnabled(not doc.read_only)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        self.splitter.addWidget(left)

        right = QScrollArea()
        right.setWidgetResizable(True)
        right.setFrameShape(QFrame.Shape.NoFrame)
        right.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields; they scroll into view
        self.detail = QWidget()
        self.detail_layout = QVBoxLayout(self.detail)
        self.detail_layout.setContentsMargins(8, 0, 8, 0)
        self.form = RecordForm(self.fields())
        doc.watch_pending(self.form)
        self.detail_layout.addWidget(self.form)
        right.setWidget(self.detail)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        outer.addWidget(self.splitter, 1)
        self.build_extra(outer)

        self.add_button.clicked.connect(self.add_record)
        self.delete_button.clicked.connect(self.delete_record)
        self.list.current_changed.connect(self._show)
        self.form.edited.connect(self._edited)
        delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list.view)
        delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_shortcut.activated.connect(self.delete_record)
        self._show(None)

    # configuration ------------------------------------------------------------------------------

    @property
    def table(self) -> Table:
        return getattr(self.plan, self.table_attr)

    def noun_plural(self) -> str:
        return self.noun + "s"

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def fields(self) -> list[FieldSpec]:
        raise NotImplementedError

    def build_extra(self, outer: QVBoxLayout) -> None:
        """Room for widgets under the list and form (summaries, checklists)."""

    def add_detail_widget(self, widget: QWidget) -> None:
        self.detail_layout.addWidget(widget)

    def add_footer(self, widget: QWidget) -> None:
        """Put a widget under the list and form, in a splitter so that either can be given room."""
        if self._footer_splitter is None:
            self._footer_splitter = QSplitter(Qt.Orientation.Vertical)
            self._footer_splitter.setChildrenCollapsible(False)
            self._outer.insertWidget(self._outer.indexOf(self.splitter), self._footer_splitter, 1)
            self._footer_splitter.addWidget(self.splitter)
            self._footer_splitter.setStretchFactor(0, 1)
        self._footer_splitter.addWidget(widget)
        self._footer_splitter.setStretchFactor(self._footer_splitter.count() - 1, 0)
        self._footer_sized = False

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if self._footer_splitter is not None and not getattr(self, "_footer_sized", True):
            # First show: the footer gets what it asks for, but never more than a third or so.
            self._footer_sized = True
            total = sum(self._footer_splitter.sizes())
            footer = min(self._footer_splitter.widget(1).sizeHint().height(), int(total * 0.36))
            if total > 0:
                self._footer_splitter.setSizes([total - footer, footer])

    def new_record_values(self) -> dict[str, Any]:
        return {}

    def records(self) -> list[Any]:
        return self.table.list()

    def watches(self, tables: set[str]) -> bool:
        watched = self.watched_tables or {self.table.name, "partner"}
        return bool(tables & watched)

    # behaviour ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        for name, spec in self.form.fields.items():
            if spec.kind == "partner":
                self.form.set_choices(name, self.partner_choices())
        self.list.set_records(self.records())
        self._show(self.list.current_id())

    def _show(self, record_id: str | None) -> None:
        record = self.table.find(record_id) if record_id else None
        self.form.load(record)
        self.delete_button.setEnabled(record is not None and not self.doc.read_only)
        self.show_details(record)

    def show_details(self, record) -> None:
        """Subclasses fill their extra detail widgets for the selected record (or None)."""

    def current(self):
        return self.table.find(self.list.current_id())

    def add_record(self) -> None:
        new_id = self.doc.add(self.table, self.tr("Add %s") % self.tr(self.noun), **self.new_record_values())
        if new_id:
            self.list.select(new_id)
            first = next(iter(self.form.editors.values()), None)
            if first is not None:
                first.setFocus()
                if isinstance(first, QLineEdit):
                    first.selectAll()

    def delete_record(self) -> None:
        record = self.current()
        if record is None or self.doc.read_only:
            return
        text = self.tr("Delete %s") % self.tr(self.noun)
        try:
            refused = self.doc.delete(self.table, record.id, text)
        except InUse as error:
            candidates = {k: v for k, v in self.reassign_candidates(record).items() if k != record.id}
            target = ask_reassign(self, error, candidates)
            if not target:
                return
            refused = self.doc.delete(self.table, record.id, text, reassign_to=target)
        if refused is None:
            self.status_message.emit(self.tr("Deleted. Undo with %s if that was a mistake.")
                                     % QKeySequence(QKeySequence.StandardKey.Undo).toString(
                                         QKeySequence.SequenceFormat.NativeText))

    def reassign_candidates(self, record) -> dict[str, str]:
        label = self.noun_label
        return {r.id: label(r) for r in self.table.list()}

    def noun_label(self, record) -> str:
        return str(getattr(record, self.name_field, "") or record.id) if self.name_field else record.id

    def _edited(self, name: str, value: Any) -> None:
        record = self.form.record  # the record the text was typed for
        if record is None or self.table.find(record.id) is None:  # deleted meanwhile: nothing to keep
            return
        spec = self.form.fields[name]
        if spec.undo_text:
            text = self.tr(spec.undo_text)
        elif name == self.name_field:
            text = self.tr("Rename %s") % self.tr(self.noun)
        else:
            text = self.tr("Change %s %s") % (self.tr(self.noun), plain_label(self.tr(spec.label)).lower())
        refused = self.doc.update(self.table, record.id, text, **{name: value})
        if refused:
            self.form.show_problem(name, refused)

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if record_id and (table is None or table == self.table.name):
            self.list.select(record_id)

    def current_record_ref(self) -> tuple[str, str, str] | None:
        """(table, id, name) of the selected record, for Edit › Record History."""
        record = self.current()
        return None if record is None else (self.table.name, record.id, self.noun_label(record))


class TabbedStepPage(StepPage):
    """A step whose parts sit on tabs under one heading. Each part is a page of its own (often an
    `embedded` MasterDetailPage) that listens to the plan itself; the tab shown is kept fresh."""

    title = ""
    intro = ""

    def __init__(self, doc: PlanDocument, parent=None):
        super().__init__(doc, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr(self.title), self.tr(self.intro)))
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Parts of this step"))
        outer.addWidget(self.tabs, 1)
        self.panels: list[StepPage] = []
        self.tabs.currentChanged.connect(lambda _index: self.current_panel() and self.current_panel().ensure_fresh())

    def add_panel(self, panel: StepPage, label: str) -> StepPage:
        panel.status_message.connect(self.status_message)
        self.tabs.addTab(panel, label)
        self.tabs.setTabToolTip(self.tabs.count() - 1, plain_label(label))
        self.panels.append(panel)
        return panel

    def current_panel(self) -> StepPage | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, StepPage) else None

    def show_panel(self, panel: StepPage) -> None:
        self.tabs.setCurrentWidget(panel)

    def watches(self, tables: set[str]) -> bool:
        return False  # the parts listen for themselves

    def refresh(self) -> None:
        panel = self.current_panel()
        if panel is not None:
            panel.ensure_fresh()

    def ensure_fresh(self) -> None:
        super().ensure_fresh()
        self.refresh()

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        for panel in self.panels:
            owned = getattr(panel, "owned_tables", None)
            if owned is None and isinstance(panel, MasterDetailPage):
                owned = {panel.table.name}
            if table is not None and table in (owned or ()):
                self.show_panel(panel)
                panel.focus_record(table, record_id)
                return


class CheckList(QListWidget):
    """A live checklist: each line says covered or missing in words and with a mark, not colour."""

    def __init__(self, accessible_name: str, parent=None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWordWrap(True)

    def set_lines(self, lines: list[tuple[bool | None, str]]) -> None:
        """Lines of (state, text): True covered (✔), False missing (✘), None not applicable (–)."""
        self.clear()
        for state, text in lines:
            mark = "✔" if state is True else "✘" if state is False else "–"
            item = QListWidgetItem(f"{mark}  {text}")
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         (self.tr("Covered: ") if state is True else self.tr("Missing: ") if state is False
                          else self.tr("Not applicable: ")) + text)
            self.addItem(item)
