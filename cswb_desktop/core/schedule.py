"""Which actions need attention soon: the overdue ones and those due within the coming days.

An action is **open** until its status is done or cancelled, or a date done is recorded. An open
action with a due date before today is **overdue**; one due today or within `within_days` days
(30 unless said otherwise) is **due soon**. Actions without a due date are in neither list.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable

from .records import Action

DUE_SOON_DAYS = 30
CLOSED_STATUSES = ("done", "cancelled")

OVERDUE = "overdue"
DUE_SOON = "due_soon"


@dataclass(frozen=True)
class DueAction:
    action: Action
    state: str  # OVERDUE or DUE_SOON
    days: int  # days from today to the due date: negative when overdue, 0 when due today

    @property
    def id(self) -> str:
        return self.action.id


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def is_open(action: Action) -> bool:
    return action.status not in CLOSED_STATUSES and not action.done_on


def due_actions(actions: Iterable[Action], today: datetime.date,
                within_days: int = DUE_SOON_DAYS) -> list[DueAction]:
    """Open actions that are overdue or due within `within_days` days, soonest due first."""
    found = []
    for action in actions:
        due = _date(action.due_on)
        if due is None or not is_open(action):
            continue
        days = (due - today).days
        if days < 0:
            found.append(DueAction(action, OVERDUE, days))
        elif days <= within_days:
            found.append(DueAction(action, DUE_SOON, days))
    return sorted(found, key=lambda d: (d.days, d.action.title.casefold(), d.action.id))
