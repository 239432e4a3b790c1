"""Drawing an indicator's trend chart with QPainter: one painter for the screen and the report.

QtGui and QtCore only (no QtWidgets), so the Word export draws the chart without a window. What
the chart shows — the points, the axes, the rules for a missing baseline or target date, no
target, a single point — is decided in core/trend.py; this module only decides where things go
in a rectangle (:func:`layout_trend`) and how they look (:func:`paint_trend`).

The measurement step's widget (gui/trend_chart.py) and the progress report's picture
(export/charts.py) differ only by what they pass: the rectangle's size, the :class:`TrendStyle`
(the palette's colours on screen, black and greys on white for print, with a scale for lines,
markers and text), the keyboard focus and the translation of the words.

Every series has its own marker and line style — hollow square for the baseline, filled dots on
a solid line for the measured values, a dotted straight-line path, a dashed target line ending
in a diamond, a dash-dot line for a baseline without a date — so the chart reads the same
printed in black and white, and the legend names only what is drawn. The target's value and
date are written along its line where they cover no marker and no line, or else in the legend;
value labels that would touch are thinned out, date labels that would touch are left out.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPainterPathStroker, QPalette, QPen,
)

from . import png_bytes
from ..core.trend import Trend, axis_label

__all__ = ["CONTEXT", "TrendStyle", "TrendGeometry", "LegendItem", "layout_trend", "paint_trend",
           "render_trend_image", "render_trend_png", "value_with_unit", "target_words"]

CONTEXT = "TrendChart"
Translate = Callable[[str, str], str]
SCREEN_TEXT_PX = 13.0  # the text size the scale 1.0 of the screen goes with


def _identity(_context: str, text: str) -> str:
    return text


@dataclass(frozen=True)
class TrendStyle:
    """Colours, text and a scale for line widths and marker sizes. :meth:`for_print` is what the
    report uses (black and greys on white); :meth:`from_palette` follows the screen's palette."""

    paper: QColor
    ink: QColor
    grid: QColor
    accent: QColor  # the measured values' line and dots
    font: QFont
    scale: float = 1.0
    border: bool = False  # a thin frame around the whole chart (on screen, where it is a control)

    @classmethod
    def for_print(cls, text_px: float) -> TrendStyle:
        font = QFont()
        font.setPixelSize(max(1, round(text_px)))
        return cls(paper=QColor(255, 255, 255), ink=QColor(0, 0, 0), grid=QColor(175, 175, 175),
                   accent=QColor(0, 0, 0), font=font, scale=text_px / SCREEN_TEXT_PX)

    @classmethod
    def from_palette(cls, palette: QPalette, font: QFont) -> TrendStyle:
        role = QPalette.ColorRole
        return cls(paper=palette.color(role.Base), ink=palette.color(role.Text),
                   grid=palette.color(role.Mid), accent=palette.color(role.Highlight),
                   font=QFont(font), scale=1.0, border=True)


@dataclass(frozen=True)
class LegendItem:
    kind: str  # baseline(_undated), measured(_dot), path, target(_undated)
    text: str
    sample: QRectF  # where its little drawing goes
    text_at: QPointF  # the text's baseline origin


@dataclass
class TrendGeometry:
    """Where everything goes inside a given rectangle."""

    frame: QRectF  # the axes' box
    plot: QRectF  # where the data go: inside the frame, so that markers clear the axes
    first_day: _dt.date
    last_day: _dt.date
    low: float
    high: float
    marker: float  # the radius of a measured value's dot
    baseline: QPointF | None = None  # a dated baseline: a point
    baseline_y: float | None = None  # an undated baseline: a level line across the plot
    actuals: list[QPointF] = field(default_factory=list)
    path: tuple[QPointF, QPointF] | None = None  # the straight-line path to the target
    target_y: float | None = None  # the dashed target line across the plot
    target: QPointF | None = None  # the diamond at the target date, when it has one
    target_words: str = ""
    target_label: QRectF | None = None
    y_ticks: list[tuple[float, float]] = field(default_factory=list)  # (value, y)
    y_labels: list[str] = field(default_factory=list)
    x_ticks: list[tuple[_dt.date, float, str]] = field(default_factory=list)  # (day, x, label)
    x_label_rects: list[QRectF | None] = field(default_factory=list)  # None: left out, no room
    legend: list[LegendItem] = field(default_factory=list)

    def x_of(self, day: _dt.date) -> float:
        span = max((self.last_day - self.first_day).days, 1)
        return self.plot.left() + self.plot.width() * (day - self.first_day).days / span

    def y_of(self, value: float) -> float:
        span = self.high / 2 - self.low / 2 or 1.0  # halves: no overflow near the float limits
        return self.plot.bottom() - self.plot.height() * (value / 2 - self.low / 2) / span


def value_with_unit(value: float, unit: str) -> str:
    return f"{axis_label(value)} {unit.strip()}".strip()


def target_words(trend: Trend, translate: Translate | None = None) -> str:
    """The words written along the target line: 'Target 80 % by 2027-01-01'."""
    tr = translate or _identity
    t = trend.target
    if t is None:
        return ""
    if t.day is not None:
        return tr(CONTEXT, "Target {value} by {date}").format(value=value_with_unit(t.value, trend.unit),
                                                               date=t.day.isoformat())
    return tr(CONTEXT, "Target {value}").format(value=value_with_unit(t.value, trend.unit))


def _legend_entries(trend: Trend, tr: Translate, target_in_words: bool = False) -> list[tuple[str, str]]:
    entries = []
    if trend.baseline is not None:
        entries.append(("baseline", tr(CONTEXT, "Baseline")) if trend.baseline_dated
                       else ("baseline_undated", tr(CONTEXT, "Baseline (no date)")))
    if trend.actuals:
        entries.append(("measured" if trend.measured_line else "measured_dot", tr(CONTEXT, "Measured")))
    if trend.path is not None:
        entries.append(("path", tr(CONTEXT, "Straight-line path")))
    if trend.target is not None:
        if target_in_words:
            entries.append(("target" if trend.target_dated else "target_undated", target_words(trend, tr)))
        else:
            entries.append(("target", tr(CONTEXT, "Target")) if trend.target_dated
                           else ("target_undated", tr(CONTEXT, "Target (no date)")))
    return entries


def _sample_width(kind: str, s: float) -> float:
    return 12 * s if kind in ("baseline", "measured_dot") else 26 * s


def _layout_legend(entries: list[tuple[str, str]], left: float, top: float, width: float,
                   fm: QFontMetricsF, s: float) -> tuple[list[LegendItem], float]:
    """The legend's items flowed into rows `width` wide; returns them and the height used."""
    row_h = fm.height() * 1.3
    gap, between = 6 * s, 14 * s
    items, x, row = [], left, 0
    for kind, text in entries:
        room = width - _sample_width(kind, s) - gap
        text = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 1.0))
        item_w = _sample_width(kind, s) + gap + fm.horizontalAdvance(text)
        if x > left and x + item_w > left + width:
            x, row = left, row + 1
        y = top + row * row_h
        sample = QRectF(x, y, _sample_width(kind, s), row_h)
        items.append(LegendItem(kind, text, sample,
                                QPointF(sample.right() + gap, y + (row_h - fm.height()) / 2 + fm.ascent())))
        x += item_w + between
    return items, (row + 1) * row_h if entries else 0.0


def layout_trend(trend: Trend, rect: QRectF, style: TrendStyle,
                 translate: Translate | None = None) -> TrendGeometry | None:
    """Lay the chart out in `rect`; None when there is nothing to draw. The target's words go
    along its line where they cover no marker and no line, or else into the legend."""
    if not trend.drawable:
        return None
    g = _layout(trend, rect, style, translate or _identity, target_in_words=False)
    if trend.target is not None and g.target_label is None:
        g = _layout(trend, rect, style, translate or _identity, target_in_words=True)
    return g


def _layout(trend: Trend, rect: QRectF, style: TrendStyle, tr: Translate,
            target_in_words: bool) -> TrendGeometry:
    assert trend.first_day is not None and trend.last_day is not None
    s = style.scale
    fm = QFontMetricsF(style.font)
    line = fm.height()
    margin = 6 * s
    inner = rect.adjusted(margin, margin, -margin, -margin)
    legend, legend_h = _layout_legend(_legend_entries(trend, tr, target_in_words), inner.left(),
                                      inner.top(), inner.width(), fm, s)
    labels = [label for _value, label in trend.y_ticks]
    label_w = max((fm.horizontalAdvance(t) for t in labels), default=20.0)
    marker = 4 * s
    inset = marker + 3 * s
    left = inner.left() + label_w + 6 * s
    top = inner.top() + legend_h + 0.4 * line
    frame = QRectF(left, top, max(inner.right() - 4 * s - left, 4 * inset),
                   max(inner.bottom() - line - 5 * s - top, 4 * inset))
    plot = frame.adjusted(inset, inset, -inset, -inset)
    g = TrendGeometry(frame, plot, trend.first_day, trend.last_day, trend.low, trend.high, marker,
                      legend=legend)
    g.y_ticks = [(value, g.y_of(value)) for value, _label in trend.y_ticks]
    spacing = plot.height() / max(len(labels) - 1, 1)
    stride = max(1, math.ceil(line * 1.05 / spacing)) if spacing > 0 else len(labels)
    g.y_labels = [label if i % stride == 0 else "" for i, label in enumerate(labels)]  # no overlaps
    b = trend.baseline
    if b is not None:
        if b.day is not None:
            g.baseline = QPointF(g.x_of(b.day), g.y_of(b.value))
        else:
            g.baseline_y = g.y_of(b.value)
    g.actuals = [QPointF(g.x_of(p.day), g.y_of(p.value)) for p in trend.actuals if p.day is not None]
    t = trend.target
    if t is not None:
        g.target_y = g.y_of(t.value)
        if t.day is not None:
            g.target = QPointF(g.x_of(t.day), g.target_y)
    if trend.path is not None:
        start, end = trend.path
        g.path = (QPointF(g.x_of(start.day), g.y_of(start.value)),
                  QPointF(g.x_of(end.day), g.y_of(end.value)))
    g.x_ticks = [(day, g.x_of(day), label) for day, label in trend.x_ticks]
    g.x_label_rects = _x_label_rects(g, fm, inner, s)
    if t is not None and not target_in_words:
        g.target_words = target_words(trend, tr)
        g.target_label = _target_label_rect(g, fm, s)
    return g


def _x_label_rects(g: TrendGeometry, fm: QFontMetricsF, inner: QRectF, s: float) -> list[QRectF | None]:
    """Each date label centred under its tick, kept inside the chart; one that would touch the
    label before it is left out."""
    rects: list[QRectF | None] = []
    last_right = -1e18
    top = g.frame.bottom() + 4 * s
    for _day, x, label in g.x_ticks:
        width = fm.horizontalAdvance(label)
        left = min(max(x - width / 2, inner.left()), inner.right() - width)
        if left <= last_right + 6 * s:
            rects.append(None)
            continue
        rects.append(QRectF(left, top, width, fm.height()))
        last_right = left + width
    return rects


def _target_label_rect(g: TrendGeometry, fm: QFontMetricsF, s: float) -> QRectF | None:
    """Where the target's words go: along its line, at the right end (before the diamond) or
    else the left end, above the line or else below it — the first place that covers no marker
    and no line and stays inside the axes' box; None when there is no such place."""
    assert g.target_y is not None
    width = fm.horizontalAdvance(g.target_words) + 4
    if width > g.plot.right() - g.frame.left() - 12 * s:
        return None
    right = g.plot.right() - (g.marker * 2.5 if g.target is not None else 0)
    lefts = (max(right - width, g.frame.left() + 2 * s), g.frame.left() + 4 * s)
    tops = (g.target_y - fm.height() - 3 * s, g.target_y + 3 * s)
    candidates = [QRectF(left, top, width, fm.height()) for left in lefts for top in tops]
    markers = list(g.actuals) + ([g.baseline] if g.baseline is not None else [])
    lines = QPainterPath()
    points = ([g.baseline] if g.baseline is not None else []) + g.actuals
    if len(points) > 1:
        lines.moveTo(points[0])
        for point in points[1:]:
            lines.lineTo(point)
    if g.path is not None:
        lines.moveTo(g.path[0])
        lines.lineTo(g.path[1])
    if g.baseline_y is not None:
        lines.moveTo(g.plot.left(), g.baseline_y)
        lines.lineTo(g.plot.right(), g.baseline_y)
    stroker = QPainterPathStroker()
    stroker.setWidth(3 * s)
    obstacles = stroker.createStroke(lines)
    grow = g.marker + 2 * s

    def fits(rect: QRectF) -> bool:
        if rect.top() < g.frame.top() - 0.5 * fm.height() or rect.bottom() > g.frame.bottom():
            return False
        grown = rect.adjusted(-grow, -grow, grow, grow)
        return not any(grown.contains(point) for point in markers) and not obstacles.intersects(rect)

    return next((rect for rect in candidates if fits(rect)), None)


# --------------------------------------------------------------------------------------------
# Painting


def paint_trend(p: QPainter, rect: QRectF, trend: Trend, style: TrendStyle, *,
                focused: bool = False, message: str = "", translate: Translate | None = None,
                geometry: TrendGeometry | None = None) -> None:
    """Draw `trend` in `rect`; `message` (or a plain sentence) when there is nothing to draw."""
    tr = translate or _identity
    s = style.scale
    p.save()
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(style.font)
        p.fillRect(rect, style.paper)
        if style.border:
            p.setPen(QPen(style.grid, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        if focused:
            p.setPen(QPen(style.accent, 2, Qt.PenStyle.DotLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(2, 2, -2, -2))
        g = geometry or layout_trend(trend, rect, style, translate)
        if g is None:
            p.setPen(style.ink)
            p.drawText(rect.adjusted(12 * s, 8 * s, -12 * s, -8 * s),
                       int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                       message or tr(CONTEXT, "Nothing to chart yet."))
            return
        _paint_axes(p, g, style)
        _paint_series(p, g, style)
        _paint_legend(p, g, style)
    finally:
        p.restore()


def _pen(color: QColor, width: float, dash: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, max(width, 1.0), dash)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _paint_axes(p: QPainter, g: TrendGeometry, style: TrendStyle) -> None:
    s = style.scale
    fm = QFontMetricsF(style.font)
    frame = g.frame
    years = all(label.isdigit() for _d, _x, label in g.x_ticks)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for (_value, y), label in zip(g.y_ticks, g.y_labels):
        p.setPen(_pen(style.grid, s))
        p.drawLine(QPointF(frame.left(), y), QPointF(frame.right(), y))
        p.setPen(style.ink)
        width = fm.horizontalAdvance(label)
        p.drawText(QRectF(frame.left() - width - 6 * s, y - fm.height() / 2, width + 2, fm.height()),
                   int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
    for (_day, x, label), box in zip(g.x_ticks, g.x_label_rects):
        if years:
            p.setPen(_pen(style.grid, s))
            p.drawLine(QPointF(x, frame.top()), QPointF(x, frame.bottom()))
        p.setPen(_pen(style.ink, s))
        p.drawLine(QPointF(x, frame.bottom()), QPointF(x, frame.bottom() + 3 * s))
        if box is not None:
            p.setPen(style.ink)
            p.drawText(QPointF(box.left(), box.top() + fm.ascent()), label)
    p.setPen(_pen(style.ink, 1.2 * s))
    p.drawLine(frame.bottomLeft(), frame.bottomRight())
    p.drawLine(frame.bottomLeft(), frame.topLeft())


def _paint_series(p: QPainter, g: TrendGeometry, style: TrendStyle) -> None:
    s, ink = style.scale, style.ink
    left, right = g.frame.left(), g.frame.right()
    p.setBrush(Qt.BrushStyle.NoBrush)
    if g.target_y is not None:
        p.setPen(_pen(ink, 1.5 * s, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(left, g.target_y), QPointF(right, g.target_y))
    if g.baseline_y is not None:
        p.setPen(_pen(ink, 1.2 * s, Qt.PenStyle.DashDotLine))
        p.drawLine(QPointF(left, g.baseline_y), QPointF(right, g.baseline_y))
    if g.path is not None:
        p.setPen(_pen(ink, 1.2 * s, Qt.PenStyle.DotLine))
        p.drawLine(*g.path)
    points = ([g.baseline] if g.baseline is not None else []) + g.actuals
    if len(points) > 1:
        p.setPen(_pen(style.accent, 2.2 * s))
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        p.drawPath(path)
    p.setPen(_pen(ink, 1.2 * s))
    p.setBrush(style.accent)
    for point in g.actuals:
        p.drawEllipse(point, g.marker, g.marker)
    if g.baseline is not None:
        _square(p, g.baseline, g.marker * 1.15, ink, style.paper, s)
    if g.target is not None:
        _diamond(p, g.target, g.marker * 1.4, ink, style.paper, s)
    if g.target_label is not None:
        p.fillRect(g.target_label.adjusted(-s, 0, s, 0), style.paper)  # over the grid lines only
        p.setPen(ink)
        p.drawText(g.target_label, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                   g.target_words)


def _paint_legend(p: QPainter, g: TrendGeometry, style: TrendStyle) -> None:
    s, ink = style.scale, style.ink
    for item in g.legend:
        box = item.sample
        mid = QPointF(box.center().x(), box.center().y())
        ends = (QPointF(box.left(), mid.y()), QPointF(box.right(), mid.y()))
        p.setBrush(Qt.BrushStyle.NoBrush)
        if item.kind == "baseline":
            _square(p, mid, g.marker * 1.15, ink, style.paper, s)
        elif item.kind == "baseline_undated":
            p.setPen(_pen(ink, 1.2 * s, Qt.PenStyle.DashDotLine))
            p.drawLine(*ends)
        elif item.kind in ("measured", "measured_dot"):
            if item.kind == "measured":
                p.setPen(_pen(style.accent, 2.2 * s))
                p.drawLine(*ends)
            p.setPen(_pen(ink, 1.2 * s))
            p.setBrush(style.accent)
            p.drawEllipse(mid, g.marker * 0.9, g.marker * 0.9)
        elif item.kind == "path":
            p.setPen(_pen(ink, 1.2 * s, Qt.PenStyle.DotLine))
            p.drawLine(*ends)
        else:
            p.setPen(_pen(ink, 1.5 * s, Qt.PenStyle.DashLine))
            if item.kind == "target":
                p.drawLine(ends[0], QPointF(box.right() - g.marker * 1.2, mid.y()))
                _diamond(p, QPointF(box.right() - g.marker * 1.2, mid.y()), g.marker * 1.2, ink,
                         style.paper, s)
            else:
                p.drawLine(*ends)
        p.setPen(ink)
        p.drawText(item.text_at, item.text)


def _square(p: QPainter, centre: QPointF, half: float, ink: QColor, fill: QColor, s: float) -> None:
    p.setPen(_pen(ink, 2 * s))
    p.setBrush(fill)
    p.drawRect(QRectF(centre.x() - half, centre.y() - half, 2 * half, 2 * half))


def _diamond(p: QPainter, centre: QPointF, r: float, ink: QColor, fill: QColor, s: float) -> None:
    path = QPainterPath(QPointF(centre.x(), centre.y() - r))
    path.lineTo(centre.x() + r, centre.y())
    path.lineTo(centre.x(), centre.y() + r)
    path.lineTo(centre.x() - r, centre.y())
    path.closeSubpath()
    p.setPen(_pen(ink, 1.5 * s))
    p.setBrush(fill)
    p.drawPath(path)


# --------------------------------------------------------------------------------------------
# Pictures


def print_style(height_px: int) -> TrendStyle:
    """The report's style for a picture `height_px` tall: text a seventeenth of the height."""
    return TrendStyle.for_print(max(12.0, height_px / 17))


def render_trend_image(trend: Trend, width_px: int, height_px: int, style: TrendStyle | None = None, *,
                       translate: Translate | None = None, message: str = "", grey: bool = False) -> QImage:
    """The chart in a QImage of the given size (a QGuiApplication must exist: fonts need one);
    `grey` paints straight into 8-bit grey (for a style of greys: no conversion afterwards)."""
    style = style or print_style(height_px)
    image_format = QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGB32
    image = QImage(int(width_px), int(height_px), image_format)
    image.fill(style.paper)
    painter = QPainter(image)
    try:
        paint_trend(painter, QRectF(0, 0, width_px, height_px), trend, style,
                    translate=translate, message=message)
    finally:
        painter.end()
    return image


def render_trend_png(trend: Trend, width_px: int, height_px: int, *, style: TrendStyle | None = None,
                     dpi: int = 200, grey: bool = True, translate: Translate | None = None) -> bytes:
    """The chart as PNG bytes at `dpi`; `grey` writes an 8-bit grey PNG (a third of the size and
    twice as fast to encode), for a style that draws only greys."""
    image = render_trend_image(trend, width_px, height_px, style, translate=translate, grey=grey)
    return png_bytes(image, dpi, "the trend chart")
