"""Small trend charts for the progress report, drawn with QtGui on an image (no window needed).

Each chart shows one indicator: the baseline (hollow square), the measurements (filled circles
joined by a solid line), the straight-line path from baseline to target that the on-track rule
uses (dotted), and the target (dashed line ending in a diamond). Shapes and line styles carry the
meaning, so the chart reads the same printed in black and white.
"""

from __future__ import annotations

import datetime
import math
import os

from ..core.checks import parse_date
from ..core.records import Indicator, Measurement
from .content import long_date, number

_APP = None  # the application this module had to create, kept alive while the program runs


def ensure_gui_application() -> bool:
    """Make sure a QGuiApplication exists (fonts need one). Without a screen, one is made on the
    offscreen platform. Returns False when another kind of application is already running."""
    global _APP
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    existing = QCoreApplication.instance()
    if existing is not None:
        return isinstance(existing, QGuiApplication)
    args = ["cswb"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        args += ["-platform", "offscreen"]
    _APP = QGuiApplication(args)
    return True


def _x_days(day: datetime.date, origin: datetime.date) -> float:
    return float((day - origin).days)


def trend_points(indicator: Indicator, measurements: list[Measurement]
                 ) -> tuple[list[tuple[datetime.date, float]], tuple[datetime.date, float] | None,
                            tuple[datetime.date, float] | None]:
    """(measurements as (date, value), baseline point, target point), all dated."""
    actual = []
    for m in measurements:
        day = parse_date(m.measured_on)
        if day is not None and m.value is not None:
            actual.append((day, float(m.value)))
    actual.sort()
    base_day, target_day = parse_date(indicator.baseline_on), parse_date(indicator.target_on)
    baseline = None
    if indicator.baseline_value is not None:
        base_day = base_day or (actual[0][0] if actual else None)
        if base_day is not None:
            baseline = (base_day, float(indicator.baseline_value))
    target = None
    if indicator.target_value is not None:
        target_day = target_day or (actual[-1][0] if actual else base_day)
        if target_day is not None:
            target = (target_day, float(indicator.target_value))
    return actual, baseline, target


def trend_alt_text(indicator: Indicator, measurements: list[Measurement], status_label: str) -> str:
    actual, baseline, target = trend_points(indicator, measurements)
    unit = f" {indicator.unit.strip()}" if indicator.unit.strip() else ""
    parts = [f"Trend chart for “{indicator.name.strip() or 'an indicator'}”."]
    if baseline:
        parts.append(f"Baseline {number(baseline[1])}{unit} on {long_date(baseline[0])}.")
    if actual:
        shown = ", ".join(f"{number(v)} on {long_date(d)}" for d, v in actual[-6:])
        more = f" ({len(actual) - 6} earlier values not listed)" if len(actual) > 6 else ""
        parts.append(f"Measured values: {shown}{more}.")
    else:
        parts.append("No measurements yet.")
    if target:
        parts.append(f"Target {number(target[1])}{unit} by {long_date(target[0])}.")
    parts.append(f"Status: {status_label}.")
    return " ".join(parts)


def trend_chart_png(indicator: Indicator, measurements: list[Measurement], *,
                    width_px: int = 1100, height_px: int = 420) -> bytes | None:
    """The chart as PNG bytes, or None when there is nothing to draw (no dated values at all)."""
    actual, baseline, target = trend_points(indicator, measurements)
    if not actual and baseline is None:
        return None
    if not ensure_gui_application():
        return None
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

    days = [d for d, _ in actual]
    values = [v for _, v in actual]
    for point in (baseline, target):
        if point is not None:
            days.append(point[0])
            values.append(point[1])
    first, last = min(days), max(days)
    if first == last:
        first -= datetime.timedelta(days=182)
        last += datetime.timedelta(days=182)
    low, high = min(values), max(values)
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
    else:
        pad = (high - low) * 0.12
    low, high = low - pad, high + pad
    if min(values) >= 0 and low < 0:
        low = 0.0

    image = QImage(width_px, height_px, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(7874)  # 200 dpi, so Word places it at its intended size
    image.setDotsPerMeterY(7874)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        font = QFont()
        font.setPixelSize(max(12, height_px // 17))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        line_h = metrics.height()

        y_labels = _ticks(low, high)
        label_w = max(metrics.horizontalAdvance(number(v)) for v in y_labels) + 12
        legend_h = line_h * 1.6
        plot = QRectF(label_w + 8, legend_h + 8, width_px - label_w - 24,
                      height_px - legend_h - line_h * 1.8 - 16)
        span_days = max(1.0, _x_days(last, first))

        def to_point(day: datetime.date, value: float) -> QPointF:
            x = plot.left() + plot.width() * _x_days(day, first) / span_days
            y = plot.bottom() - plot.height() * (value - low) / (high - low)
            return QPointF(x, y)

        black = QColor("black")
        grey = QColor(150, 150, 150)
        axis = QPen(black, 2)
        grid = QPen(grey, 1, Qt.PenStyle.SolidLine)

        # Grid and axis labels.
        for value in y_labels:
            y = to_point(first, value).y()
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(black)
            painter.drawText(QRectF(0, y - line_h / 2, label_w, line_h),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             number(value))
        for year in range(first.year, last.year + 2):
            day = datetime.date(year, 1, 1)
            if not first <= day <= last:
                continue
            x = to_point(day, low).x()
            painter.setPen(grid)
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(black)
            painter.drawText(QRectF(x - 60, plot.bottom() + 4, 120, line_h),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                             str(year))
        painter.setPen(axis)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())

        marker = max(6.0, height_px / 45)
        # The straight-line path the rule compares against, and the target level.
        if baseline is not None and target is not None:
            painter.setPen(QPen(black, 2, Qt.PenStyle.DotLine))
            painter.drawLine(to_point(*baseline), to_point(*target))
        if target is not None:
            painter.setPen(QPen(black, 2, Qt.PenStyle.DashLine))
            y = to_point(target[0], target[1]).y()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            _diamond(painter, to_point(*target), marker * 1.3, black)
        # Measurements: a solid line from the baseline through every value.
        path_points = ([to_point(*baseline)] if baseline is not None else []) + \
                      [to_point(d, v) for d, v in actual]
        if len(path_points) > 1:
            painter.setPen(QPen(black, 3, Qt.PenStyle.SolidLine))
            painter.drawPolyline(QPolygonF(path_points))
        painter.setPen(QPen(black, 2))
        painter.setBrush(QBrush(black))
        for d, v in actual:
            painter.drawEllipse(to_point(d, v), marker, marker)
        if baseline is not None:
            painter.setBrush(QBrush(QColor("white")))
            point = to_point(*baseline)
            painter.drawRect(QRectF(point.x() - marker, point.y() - marker, 2 * marker, 2 * marker))

        # Legend along the top.
        x = plot.left()
        y = line_h * 0.8
        for kind, label in (("baseline", "Baseline"), ("actual", "Measured"),
                            ("path", "Straight-line path"), ("target", "Target")):
            if kind == "path" and (baseline is None or target is None):
                continue
            if kind == "target" and target is None:
                continue
            if kind == "baseline" and baseline is None:
                continue
            if kind == "actual" and not actual:
                continue
            sample = QRectF(x, y - 8, 46, 16)
            if kind == "baseline":
                painter.setPen(QPen(black, 2))
                painter.setBrush(QBrush(QColor("white")))
                painter.drawRect(QRectF(sample.center().x() - marker, y - marker, 2 * marker,
                                        2 * marker))
            elif kind == "actual":
                painter.setPen(QPen(black, 3))
                painter.drawLine(QPointF(sample.left(), y), QPointF(sample.right(), y))
                painter.setBrush(QBrush(black))
                painter.drawEllipse(QPointF(sample.center().x(), y), marker, marker)
            elif kind == "path":
                painter.setPen(QPen(black, 2, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(sample.left(), y), QPointF(sample.right(), y))
            else:
                painter.setPen(QPen(black, 2, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(sample.left(), y), QPointF(sample.right(), y))
                _diamond(painter, QPointF(sample.center().x(), y), marker * 1.3, black)
            painter.setPen(black)
            text_x = sample.right() + 10
            painter.drawText(QPointF(text_x, y + metrics.ascent() / 2 - 2), label)
            x = text_x + metrics.horizontalAdvance(label) + 28
    finally:
        painter.end()

    # Only greys are drawn: an 8-bit grey PNG is a third of the size and encodes twice as fast.
    grey_image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    grey_image.setDotsPerMeterX(image.dotsPerMeterX())
    grey_image.setDotsPerMeterY(image.dotsPerMeterY())
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    grey_image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _diamond(painter, centre, size: float, colour) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QPen, QPolygonF

    painter.setPen(QPen(colour, 2))
    painter.setBrush(QBrush(colour))
    painter.drawPolygon(QPolygonF([QPointF(centre.x(), centre.y() - size),
                                   QPointF(centre.x() + size, centre.y()),
                                   QPointF(centre.x(), centre.y() + size),
                                   QPointF(centre.x() - size, centre.y())]))


def _ticks(low: float, high: float, wanted: int = 4) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.ceil(low / step) * step
    ticks = []
    value = start
    while value <= high + 1e-9 and len(ticks) < 12:
        ticks.append(round(value, 10))
        value += step
    return ticks
