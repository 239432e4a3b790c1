"""Check boxes for links whose choices come from the plan itself — the partners who raised a risk,
the risks a strategy serves — rather than from a fixed list.

Up to `LONG_LIST` choices they are a `link_widgets.LinkChecks`, rebuilt only when the choices
change (a partner added or renamed), so ticking a box, which refreshes the page, keeps the keyboard
focus where it was; the boxes scroll inside a bounded height. A longer list (a county plan with
hundreds of partners) is a `FilterChecks` instead: one list with a filter box, so it costs one tab
stop rather than hundreds, and is built in a moment. Both are bound to the plan the same way, by
`link_widgets.bind_link_checks`.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QLabel, QLineEdit, QListView, QScrollArea, QVBoxLayout, QWidget,
)

from ..core.plan import LinkTable
from .document import PlanDocument
from .link_widgets import LinkChecks, bind_link_checks

LONG_LIST = 40
ValueRole = Qt.ItemDataRole.UserRole + 1


class FilterChecks(QWidget):
    """A long list of choices to tick, with a filter box. Space ticks the current line.

    Same interface as `LinkChecks` (`changed`, `checked`, `set_checked`, `options`), so
    `bind_link_checks` joins it to the plan."""

    changed = Signal(list)

    def __init__(self, options: dict[Any, str], accessible_name: str, parent: QWidget | None = None,
                 *, visible_rows: int = 8):
        super().__init__(parent)
        self.options = dict(options)
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.filter_box = QLineEdit()
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setPlaceholderText(self.tr("Filter %d choices…") % len(self.options))
        self.filter_box.setAccessibleName(self.tr("Filter: %s") % accessible_name)
        self.model = QStandardItemModel(self)
        self.items: dict[Any, QStandardItem] = {}
        for value, label in self.options.items():
            item = QStandardItem(label)
            item.setCheckable(True)
            item.setEditable(False)
            item.setData(value, ValueRole)
            self.items[value] = item
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(accessible_name)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        rows = min(visible_rows, max(len(self.options), 1))
        self.view.setFixedHeight(self.view.sizeHintForRow(0) * rows + 2 * self.view.frameWidth() + 2
                                 if self.options else 40)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.view)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.model.itemChanged.connect(self._item_changed)

    def checked(self) -> list[Any]:
        return [value for value, item in self.items.items() if item.checkState() == Qt.CheckState.Checked]

    def set_checked(self, values) -> None:
        """Show these values as ticked, without announcing a change."""
        wanted = set(values)
        self._loading = True
        try:
            for value, item in self.items.items():
                state = Qt.CheckState.Checked if value in wanted else Qt.CheckState.Unchecked
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._loading = False

    def index_of(self, value: Any):
        """The view's index of a choice (for keyboard and tests)."""
        return self.proxy.mapFromSource(self.items[value].index())

    def _item_changed(self, _item: QStandardItem) -> None:
        if not self._loading:
            self.changed.emit(self.checked())


class PlanLinkChecks(QWidget):
    """Titled check boxes for the links of the record `owner()` in `link()`."""

    def __init__(self, doc: PlanDocument, link: Callable[[], LinkTable], owner: Callable[[], str | None],
                 title: str, undo_text: str, empty_text: str, *, columns: int = 1,
                 visible_rows: int = 8, tab_after: Callable[[], QWidget | None] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self._link = link
        self._owner = owner
        self.title = title
        self.undo_text = undo_text
        self.columns = columns
        self.visible_rows = visible_rows
        self._tab_after = tab_after
        self.checks: LinkChecks | FilterChecks | None = None
        self._show: Callable[[], None] | None = None
        self._options: dict[Any, str] | None = None
        self._descriptions: dict[Any, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(title)
        self.heading.setWordWrap(True)
        self.empty_label = QLabel(empty_text)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName(title)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.scroll)
        self.set_options({})

    @property
    def is_long(self) -> bool:
        return isinstance(self.checks, FilterChecks)

    def set_options(self, options: dict[Any, str], descriptions: dict[Any, str] | None = None) -> None:
        """The choices, in the order shown; the widgets are rebuilt only if they differ."""
        if options == self._options and descriptions == self._descriptions and self.checks is not None:
            self.show_links()
            return
        self._options = dict(options)
        self._descriptions = dict(descriptions) if descriptions else None
        if self.checks is not None:
            self.checks.setParent(None)
            self.checks.deleteLater()
        if len(self._options) > LONG_LIST:
            self.checks = FilterChecks(self._options, self.title, visible_rows=self.visible_rows)
        else:
            self.checks = LinkChecks(self._options, self.title, title="", columns=self.columns,
                                     descriptions=self._descriptions)
        self._show = bind_link_checks(self.checks, self.doc, self._link, self._owner, self.undo_text)
        self.scroll.setWidget(self.checks)
        self.heading.setVisible(bool(options))
        self.empty_label.setVisible(not options)
        self.scroll.setVisible(bool(options))
        self._fit_height()
        self._order_tabs()
        self.show_links()

    def _focusables(self) -> list[QWidget]:
        if isinstance(self.checks, FilterChecks):
            return [self.checks.filter_box, self.checks.view]
        return list(self.checks.boxes.values()) if self.checks is not None else []

    def _fit_height(self) -> None:
        if self.checks is None:
            return
        wanted = self.checks.sizeHint().height()
        if not self.is_long:
            rows = (len(self._options or ()) + self.columns - 1) // self.columns
            if rows > self.visible_rows and rows:
                wanted = int(wanted * self.visible_rows / rows)
        self.scroll.setFixedHeight(max(wanted, 0) + 2)

    def _order_tabs(self) -> None:
        """New widgets join the end of the window's tab chain; put them where the group is shown."""
        previous = self._tab_after() if self._tab_after is not None else None
        if previous is None:
            return
        for widget in self._focusables():
            QWidget.setTabOrder(previous, widget)
            previous = widget

    def last_focusable(self) -> QWidget | None:
        """The last box, or what comes before the group when it has none (for chaining groups)."""
        focusables = self._focusables()
        if focusables:
            return focusables[-1]
        return self._tab_after() if self._tab_after is not None else None

    def show_links(self) -> None:
        """Tick what the owner links to now (call when the owner or the plan changed)."""
        if self._show is not None:
            self._show()

    def checked(self) -> list[Any]:
        return self.checks.checked() if self.checks is not None else []

    def box(self, value: Any):
        """The check box of a choice (short lists only)."""
        return self.checks.box(value)
