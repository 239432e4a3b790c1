"""Editors for many-to-many links: a group of check boxes, one per possible target.

`LinkChecks` knows nothing about the plan: it shows options, says which are ticked, and announces
the whole new list when the user ticks or clears one. `bind_link_checks` joins it to a link table
of the open plan through the document, so every change is one undoable step."""

from __future__ import annotations

import textwrap
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QWidget

from ..core.plan import LinkTable
from .document import PlanDocument


class LinkChecks(QGroupBox):
    """A titled group of check boxes. `changed` carries the ticked values, in option order."""

    changed = Signal(list)

    def __init__(self, options: dict[Any, str], accessible_name: str, parent: QWidget | None = None, *,
                 title: str | None = None, columns: int = 1, descriptions: dict[Any, str] | None = None,
                 wrap_at: int = 36):
        super().__init__(accessible_name if title is None else title, parent)
        self.setAccessibleName(accessible_name)
        self.options = dict(options)
        self.boxes: dict[Any, QCheckBox] = {}
        layout = QGridLayout(self)
        layout.setHorizontalSpacing(16)
        columns = max(1, columns)
        rows = (len(self.options) + columns - 1) // columns
        for position, (value, label) in enumerate(self.options.items()):
            # A check box cannot wrap its text, so long labels are broken into lines here: the
            # group then stays narrow enough for large text sizes.
            box = QCheckBox(textwrap.fill(label, wrap_at) if wrap_at else label)
            box.setAccessibleName(label.replace("&", ""))
            description = (descriptions or {}).get(value)
            if description:
                box.setToolTip(description)
                box.setAccessibleDescription(description)
            box.toggled.connect(self._toggled)
            self.boxes[value] = box
            layout.addWidget(box, position % rows, position // rows)
        for column in range(columns):
            layout.setColumnStretch(column, 1)

    def checked(self) -> list[Any]:
        return [value for value, box in self.boxes.items() if box.isChecked()]

    def set_checked(self, values) -> None:
        """Show these values as ticked, without announcing a change."""
        wanted = set(values)
        for value, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(value in wanted)
            box.blockSignals(False)

    def box(self, value: Any) -> QCheckBox:
        return self.boxes[value]

    def _toggled(self, _on: bool) -> None:
        self.changed.emit(self.checked())


def bind_link_checks(checks: LinkChecks, doc: PlanDocument, link: Callable[[], LinkTable],
                     owner: Callable[[], str | None], undo_text: str) -> Callable[[], None]:
    """Write the user's ticks to `link()` for the record `owner()` as one undoable step.

    Returns a function that shows the owner's current links (call it whenever the owner or the
    plan changes); it also disables the group while there is no owner or the plan is read-only."""

    def show() -> None:
        owner_id = owner()
        checks.set_checked(link().targets(owner_id) if owner_id else [])
        checks.setEnabled(owner_id is not None and not doc.read_only)

    def write(targets: list) -> None:
        owner_id = owner()
        if owner_id is None:
            return
        if doc.set_links(link(), owner_id, targets, undo_text):  # refused: show what the plan holds
            show()

    checks.changed.connect(write)
    return show
