"""Turns the plan's "what changed" callbacks into a Qt signal that views listen to."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..core.plan import Change, Plan


class PlanBridge(QObject):
    changed = Signal(object)  # a core.plan.Change

    def __init__(self, plan: Plan, parent: QObject | None = None):
        super().__init__(parent)
        self.plan = plan
        plan.add_listener(self._relay)

    def _relay(self, change: Change) -> None:
        self.changed.emit(change)

    def detach(self) -> None:
        self.plan.remove_listener(self._relay)
