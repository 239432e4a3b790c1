"""Trend charts for the progress report: the measurement step's chart, as a picture with words.

What a chart shows, and the rules for a missing baseline or target date, no target or a single
point, are in core/trend.py; the drawing is the one trend painter (charts/trend_painter.py) that
the screen uses too, here black and greys on white at 200 dpi, written as an 8-bit grey PNG.
The alternative text and the caption are made from the same model, so they name what is drawn.
"""

from __future__ import annotations

from ..core.records import Indicator, Measurement
from ..core.trend import Trend, shape_trend
from .content import long_date, number
from ..charts import ensure_painting_application
from .sanitize import one_line

CHART_DPI = 200  # so Word places the picture at its intended size


def trend_alt_text(indicator: Indicator, measurements: list[Measurement], status_label: str,
                   trend: Trend | None = None) -> str:
    """The chart in words: every series it draws, with its values and dates, and the status."""
    trend = trend or shape_trend(indicator, measurements)
    unit = f" {indicator.unit.strip()}" if indicator.unit.strip() else ""
    parts = [f"Trend chart for “{indicator.name.strip() or 'an indicator'}”."]
    b = trend.baseline
    if b is not None:
        when = f"on {long_date(b.day)}" if b.day is not None else "with no date recorded"
        parts.append(f"Baseline {number(b.value)}{unit} {when}.")
    if trend.actuals:
        shown = ", ".join(f"{number(p.value)} on {long_date(p.day)}" for p in trend.actuals[-6:])
        count = len(trend.actuals)
        more = f" ({count - 6} earlier values not listed)" if count > 6 else ""
        parts.append(f"Measured values: {shown}{more}.")
    else:
        parts.append("No measurements yet.")
    t = trend.target
    if t is not None:
        when = f"by {long_date(t.day)}" if t.day is not None else "with no date set"
        parts.append(f"Target {number(t.value)}{unit} {when}.")
    if trend.path is not None:
        parts.append("A dotted straight line joins the baseline to the target.")
    parts.append(f"Status: {status_label}.")
    return " ".join(parts)


def trend_caption(indicator: Indicator, measurements: list[Measurement],
                  trend: Trend | None = None) -> str:
    """The caption under the chart: what each shape and line stands for, only those drawn."""
    trend = trend or shape_trend(indicator, measurements)
    keys = []
    if trend.baseline is not None:
        keys.append("hollow square = baseline" if trend.baseline_dated
                    else "dash-dot line = baseline (no date recorded)")
    if trend.actuals:
        keys.append("dots and solid line = measured values" if trend.measured_line else "dot = measured value")
    if trend.path is not None:
        keys.append("dotted line = straight-line path to the target")
    if trend.target is not None:
        keys.append("dashed line and diamond = target" if trend.target_dated
                    else "dashed line = target (no date set)")
    return f"Trend of “{one_line(indicator.name)}”: {', '.join(keys)}."


def trend_chart_png(indicator: Indicator, measurements: list[Measurement], *,
                    width_px: int = 1100, height_px: int = 420,
                    trend: Trend | None = None) -> bytes | None:
    """The chart as PNG bytes, or None when there is nothing to draw (nothing dated at all)."""
    trend = trend or shape_trend(indicator, measurements)
    if not trend.drawable or not ensure_painting_application():
        return None
    from ..charts.trend_painter import render_trend_png

    return render_trend_png(trend, width_px, height_px, dpi=CHART_DPI, grey=True)
