"""The measurement step's trend chart: a focusable widget around the one trend painter.

What the chart shows comes from core/trend.py (the same model the progress report draws), and
the drawing from charts/trend_painter.py, in the palette's own colours so that it reads in light
and dark themes; this widget adds only the keyboard focus and the words a screen reader gives.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..charts.trend_painter import TrendGeometry, TrendStyle, layout_trend, paint_trend
from ..core.trend import Trend
from .widgets import format_number


class TrendChart(QWidget):
    """Baseline, measured values and target of one indicator; keyboard-focusable so that a screen
    reader can reach its description, which states every value."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data = Trend()
        self.message = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(240, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(self.tr("Trend chart"))
        self._describe()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 170)

    def set_data(self, data: Trend | None, message: str = "", name: str = "") -> None:
        """Show `data`, or `message` (e.g. why there is nothing to chart) when it cannot be drawn."""
        self.data = data or Trend()
        self.message = message
        self.setAccessibleName(self.tr("Trend chart for %s") % name if name else self.tr("Trend chart"))
        self._describe()
        self.update()

    def chart_style(self) -> TrendStyle:
        return TrendStyle.from_palette(self.palette(), self.font())

    def geometry_in(self, rect: QRectF | None = None) -> TrendGeometry | None:
        return layout_trend(self.data, rect or QRectF(self.rect()), self.chart_style(),
                            QCoreApplication.translate)

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
                parts.append(self.tr("Baseline %s, with no date.") % self._value(b.value))
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
                parts.append(self.tr("Target %s, with no date.") % self._value(t.value))
        if self.data.path is not None:
            parts.append(self.tr("A dotted straight line joins the baseline to the target."))
        return " ".join(parts)

    def _describe(self) -> None:
        text = self.description()
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        try:
            paint_trend(p, QRectF(self.rect()), self.data, self.chart_style(), focused=self.hasFocus(),
                        message=self.message or self.tr("Nothing to chart yet."),
                        translate=QCoreApplication.translate)
        finally:
            p.end()
