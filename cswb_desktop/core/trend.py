"""The trend chart of one indicator, as data: what it shows and where its axes run, without Qt.

The measurement step's chart (gui/trend_chart.py) and the progress report's picture
(export/charts.py) are both drawn from this model by the one painter in
charts/trend_painter.py, and both are described in words from it, so the screen and the
document always show the same points by the same rules:

* **Measured values**: the indicator's usable measurements (core.measures: dated, with a number),
  oldest first. The report passes the end of its period, so later values are left out.
* **Baseline** (when it has a value): with a date, a point at that date (a hollow square) where
  the measured line starts. Without a date the chart does not invent one: the baseline is a
  level line across the whole chart (dash-dot), not joined to the measured values, and the words
  say it has no date.
* **Target** (when it has a value): a level line across the chart (dashed); with a date, also a
  diamond at that date. Without a target value there is no target line, no path and no legend
  entry for either.
* **Straight-line path** (dotted, from the baseline point to the target's diamond): drawn exactly
  when core.measures judges progress against it: an increase or decrease indicator with a
  baseline and a target, both dated, the target date after the baseline date and the target
  beyond the baseline in the wanted direction. Otherwise the status is judged by direction only
  (or by reaching the target), and no path is drawn.
* **Decreasing indicators** are drawn like the others (a higher value is always higher up); the
  direction only decides the path and the words.
* **Time axis**: from the earliest to the latest dated point (dated baseline, measured values,
  dated target). A single date is centred in a year (half a year either side). Nothing dated at
  all (no measurement, and neither a baseline nor a target with a date) is nothing to chart: the
  screen says so in words and the report leaves the picture out.
* **One point**: a lone value is a marker with no line (a line needs two points); a lone value
  on the value axis gets a tenth of itself (at least 1) of room either side.
* **Value axis**: round ends and a round step (1, 2, 2.5 or 5 times a power of ten) that hold every
  value shown, with room above the highest for its marker; values that are all zero or more keep
  zero as the floor.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from typing import Iterable

from . import measures
from .records import Indicator, Measurement, as_date

__all__ = ["TrendPoint", "Trend", "shape_trend", "nice_step", "value_range", "day_range",
           "year_ticks", "axis_label", "CENTRE_DAYS", "MAX_YEAR_LABELS"]

CENTRE_DAYS = 182  # a single date is centred in this many days either side
MAX_YEAR_LABELS = 6


@dataclass(frozen=True)
class TrendPoint:
    day: _dt.date | None
    value: float


@dataclass(frozen=True)
class Trend:
    """Everything a trend chart shows; equal models draw equal pictures."""

    name: str = ""
    unit: str = ""
    direction: str = "increase"
    baseline: TrendPoint | None = None
    actuals: tuple[TrendPoint, ...] = ()  # oldest first, every one dated
    target: TrendPoint | None = None
    path: tuple[TrendPoint, TrendPoint] | None = None  # the straight line the status is judged by
    first_day: _dt.date | None = None  # the time axis; None when nothing is dated
    last_day: _dt.date | None = None
    low: float = 0.0  # the value axis
    high: float = 1.0
    y_ticks: tuple[tuple[float, str], ...] = ()  # (value, label), lowest first
    x_ticks: tuple[tuple[_dt.date, str], ...] = ()  # (day, label), oldest first

    @property
    def drawable(self) -> bool:
        """Whether there is anything to draw: at least one dated point."""
        return self.first_day is not None

    @property
    def baseline_dated(self) -> bool:
        return self.baseline is not None and self.baseline.day is not None

    @property
    def target_dated(self) -> bool:
        return self.target is not None and self.target.day is not None

    @property
    def measured_line(self) -> bool:
        """Whether the measured values are joined by a line: two points or more, counting a dated
        baseline as the line's start."""
        return len(self.actuals) + (1 if self.baseline_dated else 0) >= 2

    def days(self) -> list[_dt.date]:
        found = [p.day for p in self.actuals if p.day is not None]
        for p in (self.baseline, self.target):
            if p is not None and p.day is not None:
                found.append(p.day)
        return found

    def values(self) -> list[float]:
        found = [p.value for p in self.actuals]
        for p in (self.baseline, self.target):
            if p is not None:
                found.append(p.value)
        return found


def shape_trend(indicator: Indicator, measurements: Iterable[Measurement],
                on_or_before: _dt.date | None = None) -> Trend:
    """The chart of a quantitative indicator by the rules in this module's docstring."""
    actuals = tuple(TrendPoint(as_date(m.measured_on), float(m.value))
                    for m in measures.usable_measurements(indicator, measurements, on_or_before)
                    if m.value is not None)
    baseline = (TrendPoint(as_date(indicator.baseline_on), float(indicator.baseline_value))
                if indicator.baseline_value is not None else None)
    target = (TrendPoint(as_date(indicator.target_on), float(indicator.target_value))
              if indicator.target_value is not None else None)
    path = _path(indicator.direction, baseline, target)
    shape = Trend(name=indicator.name, unit=indicator.unit, direction=indicator.direction,
                  baseline=baseline, actuals=actuals, target=target, path=path)
    days = shape.days()
    if not days:
        return shape
    first, last = day_range(days)
    low, high, step = value_range(shape.values())
    count = int(round(high / step - low / step)) + 1 if step > 0 else 1
    y_ticks = tuple((v, axis_label(v)) for v in (round(low + i * step, 10) for i in range(min(count, 50))))
    return Trend(name=shape.name, unit=shape.unit, direction=shape.direction, baseline=baseline,
                 actuals=actuals, target=target, path=path, first_day=first, last_day=last,
                 low=low, high=high, y_ticks=y_ticks, x_ticks=year_ticks(first, last))


def _path(direction: str, baseline: TrendPoint | None,
          target: TrendPoint | None) -> tuple[TrendPoint, TrendPoint] | None:
    """The straight-line path core.measures compares the latest value with, or None."""
    if direction not in ("increase", "decrease") or baseline is None or target is None:
        return None
    if baseline.day is None or target.day is None or target.day <= baseline.day:
        return None
    sign = -1.0 if direction == "decrease" else 1.0
    if (target.value - baseline.value) * sign <= 0:
        return None
    return baseline, target


def nice_step(span: float, parts: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into about `parts`."""
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / parts
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def value_range(values: list[float]) -> tuple[float, float, float]:
    """(low, high, step): a range with round ends that holds every value, and its tick step."""
    lo, hi = min(values), max(values)
    floor_at_zero = lo >= 0
    if hi == lo:
        pad = max(abs(hi) * 0.1, 1.0)
        lo, hi = lo - pad, hi + pad
    if not math.isfinite(hi - lo):  # values near the float limits: no round ends to be had
        return lo, hi, hi / 4 - lo / 4
    step = nice_step(hi - lo)
    low = math.floor(lo / step + 1e-9) * step
    high = math.ceil(hi / step - 1e-9) * step
    if high - hi < step * 0.25:  # room above the highest value for its marker and label
        high += step
    if floor_at_zero and low < 0:  # values that are all zero or more keep zero as the floor
        low = 0.0
    return low, high, step


def day_range(days: list[_dt.date]) -> tuple[_dt.date, _dt.date]:
    """The time axis: earliest to latest day; a single day centred in a year."""
    first, last = min(days), max(days)
    if first == last:
        half = _dt.timedelta(days=CENTRE_DAYS)
        first = first - half if first - _dt.date.min > half else _dt.date.min
        last = last + half if _dt.date.max - last > half else _dt.date.max
    return first, last


def year_ticks(first: _dt.date, last: _dt.date) -> tuple[tuple[_dt.date, str], ...]:
    """1 January of the years inside the axis (at most MAX_YEAR_LABELS of them, evenly picked);
    an axis that holds fewer than two new years is labelled with its two end dates."""
    years = range(first.year + 1, last.year + 1)
    if len(years) >= 2:
        stride = max(1, math.ceil(len(years) / MAX_YEAR_LABELS))
        return tuple((_dt.date(y, 1, 1), str(y)) for y in years[::stride])
    return ((first, first.isoformat()), (last, last.isoformat()))


def axis_label(value: float) -> str:
    """A tick value as written beside the axis: '40', '2.5', '-10'."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"
