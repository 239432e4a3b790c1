"""The performance measurement framework read in bulk: every indicator's latest measurement and its
status, in one query rather than one record per measurement, for screens that list them all.

The status rule itself lives in measures.py; it depends only on an indicator's latest usable
measurement on the day of judgement, so handing it that one measurement gives the same answer as
handing it them all.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from . import measures
from .plan import Plan
from .records import Indicator, Measurement, _as_opt_float


def latest_measurements(plan: Plan, on_or_before: datetime.date | None = None) -> dict[str, Measurement]:
    """Each indicator's latest usable measurement (a value for a quantitative indicator, words
    for a qualitative one, and a readable date on or before `on_or_before`), by indicator id."""
    rows = plan.conn.execute(
        "SELECT m.id, m.indicator_id, m.measured_on, m.value, m.text_value, m.note, m.created_at, "
        "i.measure_type FROM measurement m JOIN indicator i ON i.id = m.indicator_id "
        "ORDER BY m.indicator_id, m.measured_on DESC, m.created_at DESC, m.id DESC")
    found: dict[str, Measurement] = {}
    for row in rows:  # newest first within each indicator: the first usable one is the latest
        record_id, indicator_id, measured_on, value, text_value, note, created_at, measure_type = row
        if indicator_id in found:
            continue
        if measure_type == "qualitative":
            if text_value is None or not str(text_value).strip():
                continue
        elif _as_opt_float(value) is None:
            continue
        day = measures._date(measured_on)
        if day is None or (on_or_before is not None and day > on_or_before):
            continue
        found[indicator_id] = Measurement(
            id=record_id, indicator_id=indicator_id, measured_on=str(measured_on),
            value=_as_opt_float(value), text_value="" if text_value is None else str(text_value),
            note="" if note is None else str(note), created_at="" if created_at is None else str(created_at))
    return found


def measurement_counts(plan: Plan) -> dict[str, int]:
    """How many measurements each indicator has, by indicator id."""
    return {row[0]: int(row[1]) for row in plan.conn.execute(
        "SELECT indicator_id, COUNT(*) FROM measurement GROUP BY indicator_id")}


def indicator_statuses(indicators: Iterable[Indicator], latest: dict[str, Measurement],
                       today: datetime.date) -> dict[str, str]:
    """The status of each indicator, from the latest measurements found by latest_measurements()."""
    return {i.id: measures.indicator_status(i, [latest[i.id]] if i.id in latest else [], today)
            for i in indicators}
