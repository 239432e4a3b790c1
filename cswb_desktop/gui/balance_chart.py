"""A bar chart of the plan's balance across the four areas: for each area, its share of the
strategies (a solid bar) and of the budget (a hatched bar), each labelled with its numbers.

Solid against hatched, not one colour against another, tells the two measures apart, so the
chart reads in black and white; colours come from the palette, so it reads in dark themes too.
Layout is computed apart from painting so that tests can check it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.balance import Balance, plan_balance
from ..core.framework import AREAS_BY_CODE

STRATEGIES = "strategies"
BUDGET = "budget"


def money(value: float) -> str:
    return f"${value:,.0f}"


@dataclass(frozen=True)
class Bar:
    area: str
    measure: str  # STRATEGIES or BUDGET
    share: float  # 0–1
    rect: QRectF  # the filled part
    track: QRectF  # the whole length a 100 % share would fill
    label: str  # the numbers written beside the bar


class BalanceChart(QWidget):
    """Keyboard-focusable, with an accessible description that reads out every number."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.balance: Balance = plan_balance([])
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Balance across the four areas"))
        self._describe()

    def area_name(self, code: str) -> str:
        area = AREAS_BY_CODE.get(code)
        return self.tr(area.name_en) if area else code

    def bar_label(self, measure: str, area) -> str:
        if measure == STRATEGIES:
            return self.tr("%d of %d strategies, %d %%") % (
                area.strategies, self.balance.total_strategies, round(area.strategy_share * 100))
        return self.tr("%s of %s budget, %d %%") % (
            money(area.budget), money(self.balance.total_budget), round(area.budget_share * 100))

    def set_balance(self, balance: Balance) -> None:
        self.balance = balance
        self._describe()
        self.updateGeometry()
        self.update()

    # layout -------------------------------------------------------------------------------------

    def _metrics(self) -> tuple[QFontMetricsF, float, float]:
        fm = QFontMetricsF(self.font())
        bar = max(fm.height() * 0.9, 12.0)
        name_width = max(fm.horizontalAdvance(self.area_name(code)) for code in AREAS_BY_CODE) + 16
        return fm, bar, name_width

    def sizeHint(self) -> QSize:  # noqa: N802
        fm, bar, _ = self._metrics()
        legend = fm.height() * 1.8
        group = 2 * bar + 4 + fm.height() * 0.7
        return QSize(520, int(legend + 4 * group + 10))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, self.sizeHint().height())

    def bars(self, rect: QRectF | None = None) -> list[Bar]:
        """The eight bars, outermost area first, strategies before budget within an area."""
        rect = rect or QRectF(self.rect())
        fm, bar, name_width = self._metrics()
        label_room = max(fm.horizontalAdvance(self.bar_label(m, a))
                         for a in self.balance.areas for m in (STRATEGIES, BUDGET)) + 12
        left = rect.left() + name_width
        track_width = max(rect.width() - name_width - label_room - 8, 40.0)
        top = rect.top() + fm.height() * 1.8
        group = 2 * bar + 4 + fm.height() * 0.7
        found = []
        for i, area in enumerate(self.balance.areas):
            y = top + i * group
            for j, (measure, share) in enumerate(((STRATEGIES, area.strategy_share),
                                                   (BUDGET, area.budget_share))):
                track = QRectF(left, y + j * (bar + 4), track_width, bar)
                filled = QRectF(track.left(), track.top(), track.width() * share, bar)
                found.append(Bar(area.area, measure, share, filled, track, self.bar_label(measure, area)))
        return found

    # words --------------------------------------------------------------------------------------

    def description(self) -> str:
        b = self.balance
        if not b.total_strategies:
            return self.tr("No strategies yet.")
        parts = []
        for area in b.areas:
            text = self.tr("%s: %s; %s.") % (self.area_name(area.area), self.bar_label(STRATEGIES, area),
                                              self.bar_label(BUDGET, area))
            parts.append(text)
        return " ".join(parts)

    def _describe(self) -> None:
        text = self.description()
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    # painting -----------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:  # noqa: N802
        pal = self.palette()
        ink = pal.color(QPalette.ColorRole.Text)
        base = pal.color(QPalette.ColorRole.Base)
        accent = pal.color(QPalette.ColorRole.Highlight)
        faint = pal.color(QPalette.ColorRole.Mid)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), base)
        if self.hasFocus():
            p.setPen(QPen(accent, 2, Qt.PenStyle.DotLine))
            p.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        fm, bar, name_width = self._metrics()
        # legend
        x, mid = 6.0, fm.height() * 0.8
        for measure, text in ((STRATEGIES, self.tr("Share of strategies")), (BUDGET, self.tr("Share of budget"))):
            swatch = QRectF(x, mid - bar / 2, 22, bar)
            self._fill(p, swatch, measure, ink, accent)
            p.setPen(ink)
            p.drawText(QRectF(x + 28, 0, fm.horizontalAdvance(text) + 4, mid * 2),
                       Qt.AlignmentFlag.AlignVCenter, text)
            x += 28 + fm.horizontalAdvance(text) + 20
        bars = self.bars()
        for i in range(0, len(bars), 2):
            first = bars[i]
            name_rect = QRectF(2, first.track.top(), name_width - 10, 2 * bar + 4)
            p.setPen(ink)
            p.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       self.area_name(first.area))
        for b in bars:
            p.setPen(QPen(faint, 1, Qt.PenStyle.DotLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(b.track)
            if b.rect.width() > 0:
                self._fill(p, b.rect, b.measure, ink, accent)
            p.setPen(ink)
            p.drawText(QRectF(b.track.right() + 8, b.track.top() - 2, self.width() - b.track.right() - 8,
                              b.track.height() + 4),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, b.label)
        p.end()

    @staticmethod
    def _fill(p: QPainter, rect: QRectF, measure: str, ink, accent) -> None:
        if measure == STRATEGIES:
            p.setPen(QPen(ink, 1))
            p.setBrush(accent)
            p.drawRect(rect)
        else:
            p.setPen(QPen(ink, 1))
            p.setBrush(QBrush(ink, Qt.BrushStyle.BDiagPattern))
            p.drawRect(rect)
