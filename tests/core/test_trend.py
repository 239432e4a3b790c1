"""The trend chart's model (core/trend.py): one set of rules for the screen and the report —
missing baseline or target dates, no target, decreasing indicators, a single point."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from cswb_desktop.core import measures
from cswb_desktop.core.records import Indicator, Measurement
from cswb_desktop.core.trend import CENTRE_DAYS, Trend, TrendPoint, shape_trend, value_range

D = datetime.date


def indicator(**values) -> Indicator:
    values.setdefault("unit", "%")
    return Indicator(id="i", outcome_id="o", name="Students eating breakfast", **values)


def m(n: int, day: str, value: float | None = None, text: str = "") -> Measurement:
    return Measurement(id=f"m{n}", indicator_id="i", measured_on=day, value=value, text_value=text)


MEASURED = [m(2, "2026-01-01", 45.0), m(1, "2025-07-01", 50.0)]  # not in date order on purpose


def test_dated_baseline_and_target():
    t = shape_trend(indicator(baseline_value=40, baseline_on="2025-01-01", target_value=80,
                              target_on="2027-01-01"), MEASURED)
    assert t.baseline == TrendPoint(D(2025, 1, 1), 40.0)
    assert t.actuals == (TrendPoint(D(2025, 7, 1), 50.0), TrendPoint(D(2026, 1, 1), 45.0))
    assert t.target == TrendPoint(D(2027, 1, 1), 80.0)
    assert t.path == (t.baseline, t.target)
    assert (t.first_day, t.last_day) == (D(2025, 1, 1), D(2027, 1, 1))
    assert [v for v, _label in t.y_ticks] == [40, 50, 60, 70, 80, 90]  # a step of room above the target
    assert [label for _d, label in t.x_ticks] == ["2026", "2027"]
    assert t.drawable and t.measured_line


def test_a_baseline_without_a_date_is_a_level_and_gets_no_invented_date():
    t = shape_trend(indicator(baseline_value=40, target_value=80, target_on="2027-01-01"), MEASURED)
    assert t.baseline == TrendPoint(None, 40.0) and not t.baseline_dated
    assert t.path is None  # the status is judged by direction only, so no straight-line path
    assert t.first_day == D(2025, 7, 1)  # the axis starts at the first measured value, not before
    assert t.low <= 40 <= t.high  # the level is still on the chart
    one = shape_trend(indicator(baseline_value=40), [m(1, "2025-07-01", 50.0)])
    assert not one.measured_line  # an undated baseline does not start the line


def test_a_target_without_a_date_is_a_level_and_the_axis_ends_at_the_data():
    t = shape_trend(indicator(baseline_value=40, baseline_on="2025-01-01", target_value=80), MEASURED)
    assert t.target == TrendPoint(None, 80.0) and not t.target_dated
    assert t.path is None
    assert t.last_day == D(2026, 1, 1)
    assert t.high > 80


def test_an_unreadable_date_counts_as_no_date():
    t = shape_trend(indicator(baseline_value=40, baseline_on="31/12/2024", target_value=80,
                              target_on="soon"), MEASURED + [m(3, "last week", 99.0)])
    assert t.baseline.day is None and t.target.day is None and t.path is None
    assert [p.value for p in t.actuals] == [50.0, 45.0]  # an undated measurement is left out


def test_no_target():
    t = shape_trend(indicator(baseline_value=40, baseline_on="2025-01-01"), MEASURED)
    assert t.target is None and t.path is None
    assert (t.first_day, t.last_day) == (D(2025, 1, 1), D(2026, 1, 1))
    assert t.low <= 40 and t.high >= 50


def test_decreasing_indicator():
    t = shape_trend(indicator(baseline_value=212, baseline_on="2024-09-25", target_value=150,
                              target_on="2029-04-30", direction="decrease"),
                    [m(1, "2025-03-24", 225.0), m(2, "2026-03-29", 231.0)])
    start, end = t.path
    assert (start.value, end.value) == (212.0, 150.0)  # the path runs down to the target
    assert t.low <= 150 and t.high >= 231
    assert [v for v, _ in t.y_ticks] == sorted(v for v, _ in t.y_ticks)  # higher values higher up
    # a "decrease" whose target is above its baseline is judged by reaching the target: no path
    wrong_way = shape_trend(indicator(baseline_value=150, baseline_on="2024-09-25", target_value=212,
                                      target_on="2029-04-30", direction="decrease"), [])
    assert wrong_way.path is None


@pytest.mark.parametrize("values", [
    dict(direction="increase", baseline_value=40, baseline_on="2025-01-01", target_value=80, target_on="2027-01-01"),
    dict(direction="decrease", baseline_value=80, baseline_on="2025-01-01", target_value=40, target_on="2027-01-01"),
    dict(direction="increase", baseline_value=80, baseline_on="2025-01-01", target_value=40, target_on="2027-01-01"),
    dict(direction="increase", baseline_value=40, baseline_on="2027-01-01", target_value=80, target_on="2025-01-01"),
    dict(direction="increase", baseline_value=40, baseline_on="2025-01-01", target_value=80),
    dict(direction="increase", baseline_value=40, target_value=80, target_on="2027-01-01"),
    dict(direction="maintain", baseline_value=40, baseline_on="2025-01-01", target_value=80, target_on="2027-01-01"),
    dict(direction="increase", baseline_on="2025-01-01", target_value=80, target_on="2027-01-01"),
])
def test_the_path_is_drawn_exactly_when_the_status_is_judged_by_it(values):
    ind = indicator(**values)
    judged_by_path = (ind.direction != "maintain" and ind.baseline_value is not None
                      and ind.target_value is not None
                      and measures.expected_share(ind, D(2026, 1, 1)) is not None
                      and (ind.target_value - ind.baseline_value) * (-1 if ind.direction == "decrease" else 1) > 0)
    assert (shape_trend(ind, MEASURED).path is not None) == judged_by_path


def test_one_point_is_centred_in_a_year_with_room_around_its_value():
    t = shape_trend(indicator(), [m(1, "2025-07-01", 1234.5)])
    assert t.actuals == (TrendPoint(D(2025, 7, 1), 1234.5),)
    assert t.first_day == D(2025, 7, 1) - datetime.timedelta(days=CENTRE_DAYS)
    assert t.last_day == D(2025, 7, 1) + datetime.timedelta(days=CENTRE_DAYS)
    assert t.low < 1234.5 < t.high
    assert t.drawable and not t.measured_line
    assert value_range([0.0]) == (0.0, 1.5, 0.5)  # zero alone: room above it, zero as the floor


def test_nothing_dated_is_nothing_to_chart():
    assert not shape_trend(indicator(), []).drawable
    assert not shape_trend(indicator(baseline_value=40, target_value=80), []).drawable
    assert shape_trend(indicator(target_value=80, target_on="2027-01-01"), []).drawable
    assert not Trend().drawable


def test_measurements_after_the_day_given_are_left_out_and_text_values_ignored():
    t = shape_trend(indicator(baseline_value=40, baseline_on="2025-01-01"),
                    MEASURED + [m(3, "2026-06-01", None, text="busy term")], D(2025, 12, 31))
    assert [p.day for p in t.actuals] == [D(2025, 7, 1)]


def test_values_and_dates_at_the_limits_do_not_break_the_axes():
    t = shape_trend(indicator(baseline_value=-1e308, baseline_on="0001-01-01", target_value=1e308,
                              target_on="9999-12-31"), [])
    assert t.drawable and t.first_day == D.min and t.last_day == D.max
    lone = shape_trend(indicator(), [m(1, "9999-12-31", 5.0)])
    assert lone.last_day == D.max and lone.first_day < D.max


def test_the_model_imports_no_qt():
    code = "import sys, cswb_desktop.core.trend; print([m for m in sys.modules if m.startswith('PySide6')])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
