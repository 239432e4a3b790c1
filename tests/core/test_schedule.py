"""Overdue and due-soon actions."""

import datetime

from cswb_desktop.core.records import Action
from cswb_desktop.core.schedule import DUE_SOON, OVERDUE, due_actions, is_open

TODAY = datetime.date(2025, 6, 1)


def a(title, due, status="not_started", done=None):
    return Action(id=title, strategy_id="s", title=title, due_on=due, status=status, done_on=done)


def test_overdue_and_due_within_thirty_days_soonest_first():
    actions = [a("later", "2025-07-15"), a("soon", "2025-06-20"), a("today", "2025-06-01"),
               a("late", "2025-05-01"), a("edge", "2025-07-01"), a("undated", None)]
    found = due_actions(actions, TODAY)
    assert [(d.action.title, d.state, d.days) for d in found] == [
        ("late", OVERDUE, -31), ("today", DUE_SOON, 0), ("soon", DUE_SOON, 19), ("edge", DUE_SOON, 30)]


def test_finished_actions_are_left_out():
    actions = [a("done", "2025-05-01", "done"), a("cancelled", "2025-05-01", "cancelled"),
               a("done date only", "2025-05-01", "in_progress", "2025-05-02"),
               a("open", "2025-05-01", "in_progress")]
    assert [d.action.title for d in due_actions(actions, TODAY)] == ["open"]
    assert not is_open(actions[2]) and is_open(actions[3])


def test_a_shorter_window_and_unreadable_dates():
    actions = [a("soon", "2025-06-05"), a("later", "2025-06-20"), a("bad", "someday")]
    assert [d.action.title for d in due_actions(actions, TODAY, within_days=7)] == ["soon"]
