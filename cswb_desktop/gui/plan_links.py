"""Check boxes for links whose choices come from the plan itself — the partners who raised a risk,
the risks a strategy serves — rather than from a fixed list.

The boxes are a `link_widgets.LinkChecks`, rebuilt only when the choices change (a partner added or
renamed), so ticking a box, which refreshes the page, keeps the keyboard focus where it was. A long
list scrolls inside a box of bounded height instead of stretching the page.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ..core.plan import LinkTable
from .document import PlanDocument
from .link_widgets import LinkChecks, bind_link_checks


class PlanLinkChecks(QWidget):
    """A titled group of check boxes for the links of the record `owner()` in `link()`."""

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
        self.checks: LinkChecks | None = None
        self._show: Callable[[], None] | None = None
        self._options: dict[Any, str] | None = None
        self._descriptions: dict[Any, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(empty_text)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName(title)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.scroll)
        self.set_options({})

    def set_options(self, options: dict[Any, str], descriptions: dict[Any, str] | None = None) -> None:
        """The choices, in the order shown; the boxes are rebuilt only if they differ."""
        if options == self._options and descriptions == self._descriptions and self.checks is not None:
            self.show_links()
            return
        self._options = dict(options)
        self._descriptions = dict(descriptions) if descriptions else None
        if self.checks is not None:
            self.checks.setParent(None)
            self.checks.deleteLater()
        self.checks = LinkChecks(self._options, self.title, columns=self.columns,
                                 descriptions=self._descriptions)
        self._show = bind_link_checks(self.checks, self.doc, self._link, self._owner, self.undo_text)
        self.scroll.setWidget(self.checks)
        self.empty_label.setVisible(not options)
        self.scroll.setVisible(bool(options))
        self._fit_height()
        self._order_tabs()
        self.show_links()

    def _order_tabs(self) -> None:
        """New boxes join the end of the window's tab chain; put them where the group is shown."""
        previous = self._tab_after() if self._tab_after is not None else None
        if previous is None or self.checks is None:
            return
        for box in self.checks.boxes.values():
            QWidget.setTabOrder(previous, box)
            previous = box

    def last_focusable(self) -> QWidget | None:
        """The last box, or what comes before the group when it has none (for chaining groups)."""
        if self.checks is not None and self.checks.boxes:
            return list(self.checks.boxes.values())[-1]
        return self._tab_after() if self._tab_after is not None else None

    def _fit_height(self) -> None:
        if self.checks is None:
            return
        rows = (len(self._options or ()) + self.columns - 1) // self.columns
        wanted = self.checks.sizeHint().height()
        if rows > self.visible_rows and rows:
            wanted = int(wanted * self.visible_rows / rows)
        self.scroll.setFixedHeight(max(wanted, 0) + 2)

    def show_links(self) -> None:
        """Tick what the owner links to now (call when the owner or the plan changed)."""
        if self._show is not None:
            self._show()

    def checked(self) -> list[Any]:
        return self.checks.checked() if self.checks is not None else []

    def box(self, value: Any):
        return self.checks.box(value)
