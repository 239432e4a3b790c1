"""A small trend chart for one indicator: the baseline, the values measured since, and the target.

Drawn with QPainter in the palette's own colours, so it reads in light and dark themes; every
series has its own marker and line style (hollow square, filled dots on a solid line, a dashed
line ending in a diamond), so it still reads when printed in black and white. The geometry is
computed apart from the painting, so that tests can check where each point goes.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .widgets import format_number


@dataclass(frozen=True)
class TrendPoint:
    day: _dt.date | None
    value: float


@dataclass(frozen=True)
class TrendData:
    baseline: TrendPoint | None = None
    actuals: tuple[TrendPoint, ...] = ()  # oldest first, every one dated
    target: TrendPoint | None = None
    unit: str = ""

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

    @property
    def drawable(self) -> bool:
        return bool(self.days()) and bool(self.values())


@dataclass
class TrendGeometry:
    """Where everything goes inside a given rectangle."""

    plot: QRectF
    first_day: _dt.date
    last_day: _dt.date
    low: float
    high: float
    baseline: QPointF | None = None  # a dated baseline: a point
    baseline_y: float | None = None  # an undated baseline: a dotted line across the plot
    actuals: list[QPointF] = field(default_factory=list)
    target_y: float | None = None  # the dashed target line across the plot
    target: QPointF | None = None  # the diamond at the target date, when it has one
    y_ticks: list[tuple[float, float]] = field(default_factory=list)  # (value, y)
    x_ticks: list[tuple[_dt.date, float, str]] = field(default_factory=list)  # (day, x, label)

    def x_of(self, day: _dt.date) -> float:
        span = max((self.last_day - self.first_day).days, 1)
        return self.plot.left() + self.plot.width() * (day - self.first_day).days / span

    def y_of(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.plot.bottom() - self.plot.height() * (value - self.low) / span


def nice_step(span: float, parts: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into about `parts`."""
    if span <= 0:
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
    if hi == lo:
        pad = max(abs(hi) * 0.1, 1.0)
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo)
    low = math.floor(lo / step + 1e-9) * step
    high = math.ceil(hi / step - 1e-9) * step
    if high - hi < step * 0.25:  # room above the highest value for its marker and label
        high += step
    if low < 0 <= lo:  # values that are all positive keep a positive axis
        low = 0.0
    return low, high, step


def day_range(days: list[_dt.date]) -> tuple[_dt.date, _dt.date]:
    first, last = min(days), max(days)
    if first == last:
        first -= _dt.timedelta(days=180)
        last += _dt.timedelta(days=180)
    return first, last


def compute_geometry(data: TrendData, rect: QRectF, fm: QFontMetricsF | None = None) -> TrendGeometry | None:
    """Lay the chart out in `rect`; None when there is nothing to draw."""
    if not data.drawable:
        return None
    line = fm.height() if fm is not None else 14.0
    low, high, step = value_range(data.values())
    labels = [format_number(round(low + i * step, 10)) for i in range(int(round((high - low) / step)) + 1)]
    label_width = max((fm.horizontalAdvance(t) for t in labels), default=20.0) if fm is not None else 40.0
    plot = QRectF(rect.left() + label_width + 10, rect.top() + line * 1.6,
                  max(rect.width() - label_width - 24, 10.0), max(rect.height() - line * 3.4, 10.0))
    first, last = day_range(data.days())
    g = TrendGeometry(plot, first, last, low, high)
    for i, text in enumerate(labels):
        value = low + i * step
        g.y_ticks.append((round(value, 10), g.y_of(value)))
    b = data.baseline
    if b is not None:
        if b.day is not None:
            g.baseline = QPointF(g.x_of(b.day), g.y_of(b.value))
        else:
            g.baseline_y = g.y_of(b.value)
    g.actuals = [QPointF(g.x_of(p.day), g.y_of(p.value)) for p in data.actuals if p.day is not None]
    t = data.target
    if t is not None:
        g.target_y = g.y_of(t.value)
        if t.day is not None:
            g.target = QPointF(g.x_of(t.day), g.target_y)
    g.x_ticks = _x_ticks(g)
    return g


def _x_ticks(g: TrendGeometry) -> list[tuple[_dt.date, float, str]]:
    years = range(g.first_day.year + 1, g.last_day.year + 1)
    if len(years) >= 2:
        stride = max(1, math.ceil(len(years) / 6))
        return [(_dt.date(y, 1, 1), g.x_of(_dt.date(y, 1, 1)), str(y)) for y in years[::stride]]
    return [(g.first_day, g.x_of(g.first_day), g.first_day.isoformat()),
            (g.last_day, g.x_of(g.last_day), g.last_day.isoformat())]


class TrendChart(QWidget):
    """Baseline, measured values and target of one indicator; keyboard-focusable so that a screen
    reader can reach its description, which states every value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data = TrendData()
        self.message = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(240, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(self.tr("Trend chart"))
        self._describe()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 170)

    def set_data(self, data: TrendData | None, message: str = "", name: str = "") -> None:
        """Show `data`, or `message` (e.g. why there is nothing to chart) when it cannot be drawn."""
        self.data = data or TrendData()
        self.message = message
        self.setAccessibleName(self.tr("Trend chart for %s") % name if name else self.tr("Trend chart"))
        self._describe()
        self.update()

    def geometry_in(self, rect: QRectF | None = None) -> TrendGeometry | None:
        rect = rect or QRectF(self.rect()).adjusted(4, 4, -4, -4)
        return compute_geometry(self.data, rect, QFontMetricsF(self.font()))

    def _value(self, value: float) -> str:
        unit = self.data.unit.strip()
        return f"{format_number(value)} {unit}".strip()

    def description(self) -> str:
        if not self.data.drawable:
            return self.message or self.tr("Nothing to chart yet.")
        parts = []
        b = self.data.baseline
        if b is not None:
            if b.day is not None:
                parts.append(self.tr("Baseline %s on %s.") % (self._value(b.value), b.day.isoformat()))
            else:
                parts.append(self.tr("Baseline %s.") % self._value(b.value))
        if self.data.actuals:
            measured = ", ".join(self.tr("%s on %s") % (self._value(p.value), p.day.isoformat())
                                 for p in self.data.actuals if p.day is not None)
            parts.append(self.tr("Measured: %s.") % measured)
        else:
            parts.append(self.tr("Nothing measured yet."))
        t = self.data.target
        if t is not None:
            if t.day is not None:
                parts.append(self.tr("Target %s by %s.") % (self._value(t.value), t.day.isoformat()))
            else:
                parts.append(self.tr("Target %s.") % self._value(t.value))
        return " ".join(parts)

    def _describe(self) -> None:
        text = self.description()
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    # painting -----------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:  # noqa: N802
        pal = self.palette()
        ink = pal.color(QPalette.ColorRole.Text)
        faint = pal.color(QPalette.ColorRole.Mid)
        accent = pal.color(QPalette.ColorRole.Highlight)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        p.setPen(QPen(faint, 1))
        p.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        if self.hasFocus():
            focus = QPen(accent, 2, Qt.PenStyle.DotLine)
            p.setPen(focus)
            p.drawRect(QRectF(self.rect()).adjusted(2, 2, -2, -2))
        g = self.geometry_in()
        if g is None:
            p.setPen(ink)
            p.drawText(QRectF(self.rect()).adjusted(12, 8, -12, -8),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self.message or self.tr("Nothing to chart yet."))
            p.end()
            return
        fm = QFontMetricsF(self.font())
        plot = g.plot
        # grid and axes
        grid = QPen(faint, 1, Qt.PenStyle.DotLine)
        for value, y in g.y_ticks:
            p.setPen(grid)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(ink)
            text = format_number(value)
            p.drawText(QRectF(plot.left() - fm.horizontalAdvance(text) - 6, y - fm.height() / 2,
                              fm.horizontalAdvance(text) + 2, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(QPen(ink, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        last_right = -1e9
        for _day, x, label in g.x_ticks:
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            width = fm.horizontalAdvance(label)
            left = min(max(x - width / 2, plot.left() - 4), self.width() - width - 4)
            if left <= last_right + 6:
                continue
            p.drawText(QPointF(left, plot.bottom() + 4 + fm.ascent()), label)
            last_right = left + width
        # target: a dashed line, a diamond at its date, and its words
        if g.target_y is not None:
            p.setPen(QPen(ink, 1.5, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(plot.left(), g.target_y), QPointF(plot.right(), g.target_y))
            t = self.data.target
            if g.target is not None:
                _diamond(p, g.target, 5, ink, pal.color(QPalette.ColorRole.Base))
                words = self.tr("Target %s by %s") % (self._value(t.value), t.day.isoformat())
            else:
                words = self.tr("Target %s") % self._value(t.value)
            p.setPen(ink)
            p.drawText(self.target_label_rect(g, words, fm), Qt.AlignmentFlag.AlignRight, words)
        # an undated baseline: a dotted line
        if g.baseline_y is not None:
            p.setPen(QPen(ink, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(plot.left(), g.baseline_y), QPointF(plot.right(), g.baseline_y))
        # measured values: dots joined by a solid line, starting at the baseline
        path_points = ([g.baseline] if g.baseline is not None else []) + g.actuals
        if len(path_points) > 1:
            p.setPen(QPen(accent, 2))
            path = QPainterPath(path_points[0])
            for point in path_points[1:]:
                path.lineTo(point)
            p.drawPath(path)
        p.setPen(QPen(ink, 1.2))
        p.setBrush(accent)
        for point in g.actuals:
            p.drawEllipse(point, 4, 4)
        if g.baseline is not None:
            p.setPen(QPen(ink, 2))
            p.setBrush(pal.color(QPalette.ColorRole.Base))
            p.drawRect(QRectF(g.baseline.x() - 4.5, g.baseline.y() - 4.5, 9, 9))
        self._legend(p, fm, ink, accent, pal)
        p.end()

    def target_label_rect(self, g: TrendGeometry, words: str, fm: QFontMetricsF) -> QRectF:
        """Where the target's words go: above its line at the right, or below it when a marker
        would be covered there."""
        width = fm.horizontalAdvance(words) + 4
        left = max(g.plot.right() - width - 10, g.plot.left() + 2)
        above = QRectF(left, g.target_y - fm.height() - 3, width, fm.height())
        below = QRectF(left, g.target_y + 3, width, fm.height())
        markers = list(g.actuals) + ([g.baseline] if g.baseline is not None else [])

        def covers(rect: QRectF) -> bool:
            grown = rect.adjusted(-6, -6, 6, 6)
            return any(grown.contains(point) for point in markers)

        if covers(above) and not covers(below) and below.bottom() <= g.plot.bottom():
            return below
        return above

    def _legend(self, p: QPainter, fm: QFontMetricsF, ink, accent, pal) -> None:
        y = 6 + fm.ascent()
        x = 10.0
        mid = 6 + fm.height() / 2
        base = pal.color(QPalette.ColorRole.Base)
        entries = []
        if self.data.baseline is not None:
            entries.append(("baseline", self.tr("Baseline")))
        entries.append(("measured", self.tr("Measured")))
        if self.data.target is not None:
            entries.append(("target", self.tr("Target")))
        for kind, text in entries:
            if kind == "baseline":
                p.setPen(QPen(ink, 2))
                p.setBrush(base)
                p.drawRect(QRectF(x + 4, mid - 4, 8, 8))
                x += 18
            elif kind == "measured":
                p.setPen(QPen(accent, 2))
                p.drawLine(QPointF(x, mid), QPointF(x + 20, mid))
                p.setPen(QPen(ink, 1.2))
                p.setBrush(accent)
                p.drawEllipse(QPointF(x + 10, mid), 3.5, 3.5)
                x += 26
            else:
                p.setPen(QPen(ink, 1.5, Qt.PenStyle.DashLine))
                p.drawLine(QPointF(x, mid), QPointF(x + 16, mid))
                _diamond(p, QPointF(x + 20, mid), 4, ink, base)
                x += 28
            p.setPen(ink)
            p.drawText(QPointF(x, y), text)
            x += fm.horizontalAdvance(text) + 16


def _diamond(p: QPainter, centre: QPointF, r: float, ink, fill) -> None:
    path = QPainterPath(QPointF(centre.x(), centre.y() - r))
    path.lineTo(centre.x() + r, centre.y())
    path.lineTo(centre.x(), centre.y() + r)
    path.lineTo(centre.x() - r, centre.y())
    path.closeSubpath()
    p.setPen(QPen(ink, 1.5))
    p.setBrush(fill)
    p.drawPath(path)
