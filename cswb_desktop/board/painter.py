"""Drawing the target board with QPainter: one painter for the screen, the PNG and the SVG.

QtGui only (no QtWidgets), so the Word export and the command line can draw the board without
a window. The numbers come from board/geometry.py (where things go) and board/model.py (what
there is); this module only decides how things look:

* four rings, lightest outside, each named inside itself; one wedge per priority risk, named
  around the edge with a leader line;
* each strategy a numbered marker whose **shape** tells its kind (existing = circle,
  enhanced = square, new = triangle) and whose **fill** tells its status (planned = outline,
  underway = lower half filled, completed = solid, on hold = hatched); colour never carries
  meaning alone, so the board reads the same printed in black and white;
* an empty cell (a gap) is hatched; a cell with more markers than room shows a "+N" badge;
* a legend (:func:`paint_legend`) explains shapes, fills, gaps and badges.

The expensive part, :class:`BoardLayout` (geometry, label placement, marker layout, merged
paths), is built once per size and content and reused by every paint; :func:`paint_board`
itself only strokes and fills prepared paths, so it stays fast with hundreds of markers.

Exports: :func:`render_board_png`, :func:`render_board_svg` and :func:`board_alt_text` work
without a window; they create a QGuiApplication when there is none (offscreen when no platform
was chosen).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, QRectF, QSize, Qt,
)
from PySide6.QtGui import (
    QColor, QFont, QFontInfo, QFontMetricsF, QGuiApplication, QImage, QPainter,
    QPainterPath, QPaintEngine, QPalette, QPen, QPixmap, QPolygonF,
)

from ..charts import ensure_painting_application, png_bytes
from .geometry import (
    RING_COUNT, BoardGeometry, BoardMarkers, Cell, CellMarkers, LabelPlace, MarkerPlace, Overflow, Point, Rect,
    RingLabelPlace, to_qt_degrees,
)
from .model import CONTEXT, BoardContent, BoardFilters, Translate, board_content

__all__ = [
    "BoardStyle", "BoardLayout", "paint_board", "paint_legend", "legend_height", "paint_marker",
    "marker_shape", "render_board_image", "render_board_png", "render_board_svg",
    "board_alt_text", "KIND_SHAPES", "STATUS_FILLS",
]

KIND_SHAPES = {"existing": "circle", "enhanced": "square", "new": "triangle"}
STATUS_FILLS = {"planned": "outline", "underway": "half", "completed": "solid", "on_hold": "hatched"}

_MARKER_SCALE = 2.0  # markers start this much larger than the geometry's default, then shrink
RING_WEIGHTS = (1.0, 1.0, 1.0, 1.4)  # a roomier bullseye: its slices lose their tips to the centre
_SIZE_SPREAD = 1.5  # largest marker radius / smallest, at most
_CANVAS_RATIO = 1.3  # width : height of the board part of an exported picture

FocusTarget = MarkerPlace | tuple[int, int] | Cell | None


# --------------------------------------------------------------------------------------------
# Style


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way towards ``b``."""
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                           a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t, 1.0)


def _with_alpha(color: QColor, alpha: float) -> QColor:
    c = QColor(color)
    c.setAlphaF(alpha)
    return c


@dataclass(frozen=True)
class BoardStyle:
    """Colours and text sizes. :meth:`for_print` (white paper, black ink, light greys) is what
    the exports use; :meth:`from_palette` follows the screen's light or dark palette."""

    paper: QColor
    ink: QColor
    line: QColor  # ring circles, wedge lines and leader lines
    ring_fills: tuple[QColor, QColor, QColor, QColor]  # outer ring first
    hatch: QColor  # gaps
    highlight: QColor  # selection and keyboard focus (always with a shape cue too)
    font_family: str = ""
    min_text_px: float | None = None  # clamp the geometry's suggested text size (screen only)
    max_text_px: float | None = None
    min_marker_px: float | None = None  # smaller markers than this go behind "+N" badges
    fill_background: bool = True

    @classmethod
    def for_print(cls, font_family: str = "") -> BoardStyle:
        black, white = QColor(0, 0, 0), QColor(255, 255, 255)
        return cls(paper=white, ink=black, line=QColor(60, 60, 60),
                   ring_fills=(QColor(246, 246, 246), QColor(235, 235, 235),
                               QColor(224, 224, 224), QColor(212, 212, 212)),
                   hatch=QColor(110, 110, 110), highlight=QColor(0, 0, 0),
                   font_family=font_family)

    @classmethod
    def from_palette(cls, palette: QPalette, font: QFont | None = None) -> BoardStyle:
        role = QPalette.ColorRole
        paper = palette.color(role.Base)
        ink = palette.color(role.Text)
        highlight = palette.color(role.Highlight)
        tint = _blend(ink, highlight, 0.45)
        dark = paper.lightnessF() < 0.5
        steps = (0.07, 0.13, 0.19, 0.25) if dark else (0.04, 0.09, 0.14, 0.19)
        px = _font_px(font) if font is not None else None
        return cls(paper=paper, ink=ink, line=_blend(ink, paper, 0.3),
                   ring_fills=tuple(_blend(paper, tint, t) for t in steps),  # type: ignore[arg-type]
                   hatch=_blend(ink, paper, 0.45), highlight=highlight,
                   font_family=font.family() if font is not None else "",
                   min_text_px=px * 0.85 if px else None, max_text_px=px * 1.25 if px else None,
                   min_marker_px=max(9.5, 0.75 * px) if px else 9.5, fill_background=True)

    @property
    def key(self) -> tuple:
        colors = (self.paper, self.ink, self.line, *self.ring_fills, self.hatch, self.highlight)
        return (tuple(c.rgba() for c in colors), *self.layout_key)

    @property
    def layout_key(self) -> tuple:
        """What the layout depends on (colours do not move anything)."""
        return (self.font_family, self.min_text_px, self.max_text_px, self.min_marker_px)


def _font_px(font: QFont) -> float:
    if font.pixelSize() > 0:
        return float(font.pixelSize())
    return QFontMetricsF(font).height() / 1.25


def _font(family: str, px: float, bold: bool = False) -> QFont:
    font = QFont(family) if family else QFont()
    font.setPixelSize(max(1, round(px)))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def _measure(font: QFont) -> Callable[[str, float], tuple[float, float]]:
    metrics = QFontMetricsF(font)
    flags = int(Qt.TextFlag.TextWordWrap)

    def measure(text: str, max_width: float) -> tuple[float, float]:
        if not text.strip():
            return (0.0, 0.0)
        width = 1e6 if not math.isfinite(max_width) else max(max_width, 1.0)
        box = metrics.boundingRect(QRectF(0, 0, width, 1e6), flags, text)
        return (box.width(), box.height())

    return measure


def _qrect(r: Rect) -> QRectF:
    return QRectF(r.x, r.y, r.w, r.h)


def _qpoint(p: Point) -> QPointF:
    return QPointF(p.x, p.y)


# --------------------------------------------------------------------------------------------
# Shapes


def marker_shape(kind: str, r: float) -> QPainterPath:
    """The outline of a marker of ``kind`` centred on (0, 0), fitting a circle of radius about
    ``r`` (the square's corners and the triangle's tips reach a little further, still clear of
    the neighbours the geometry keeps 0.3 r away)."""
    path = QPainterPath()
    shape = KIND_SHAPES.get(kind, "circle")
    if shape == "square":
        s = 0.8 * r
        path.addRoundedRect(QRectF(-s, -s, 2 * s, 2 * s), 0.12 * r, 0.12 * r)
    elif shape == "triangle":
        t = 1.12 * r  # circumradius; the centroid is the marker's centre
        path.addPolygon(QPolygonF([QPointF(0, -t), QPointF(t * math.sqrt(3) / 2, t / 2),
                                   QPointF(-t * math.sqrt(3) / 2, t / 2)]))
        path.closeSubpath()
    else:
        path.addEllipse(QPointF(0, 0), 0.95 * r, 0.95 * r)
    return path


def _stripes(bounds: QRectF, spacing: float, width: float) -> QPainterPath:
    """Filled diagonal stripes (bottom-left to top-right) covering ``bounds``."""
    path = QPainterPath()
    x = bounds.left() - bounds.height()
    while x < bounds.right() + spacing:
        path.addPolygon(QPolygonF([QPointF(x, bounds.bottom()), QPointF(x + width, bounds.bottom()),
                                   QPointF(x + width + bounds.height(), bounds.top()),
                                   QPointF(x + bounds.height(), bounds.top())]))
        path.closeSubpath()
        x += spacing
    return path


def _number_metrics(kind: str, text: str, r: float) -> tuple[float, float | None]:
    """Font pixel size for a marker's number, and (for triangles) where its baseline goes
    below the centre. A triangle is widest near its base, so its number sits low."""
    digits = len(text)
    if KIND_SHAPES.get(kind) == "triangle":
        size = r * (1.0 if digits == 1 else 0.8 if digits == 2 else 0.6 if digits == 3 else 0.46)
        return size, 0.44 * r
    size = r * (1.05 if digits == 1 else 0.92 if digits == 2 else 0.72 if digits == 3 else 0.56)
    return size, None


class _ShapeCache:
    """Marker outlines, half fills and hatching at the origin, per (kind, radius)."""

    def __init__(self):
        self._shapes: dict[tuple[str, float], tuple[QPainterPath, QPainterPath, QPainterPath]] = {}

    def get(self, kind: str, r: float) -> tuple[QPainterPath, QPainterPath, QPainterPath]:
        key = (kind, round(r, 3))
        found = self._shapes.get(key)
        if found is None:
            shape = marker_shape(kind, r)
            box = shape.boundingRect()
            lower = QPainterPath()
            lower.addRect(QRectF(box.left() - 1, 0, box.width() + 2, box.bottom() + 1))
            half = shape.intersected(lower)
            hatch = _stripes(box.adjusted(-1, -1, 1, 1), 0.5 * r, 0.16 * r).intersected(shape)
            found = (shape, half, hatch)
            self._shapes[key] = found
        return found


_SHAPES = _ShapeCache()


def _cell_path(cell: Cell, geo: BoardGeometry) -> QPainterPath:
    path = QPainterPath()
    c = _qpoint(cell.center)
    if cell.is_full_turn:
        path.addEllipse(c, cell.outer_radius, cell.outer_radius)
        if cell.inner_radius > 0:
            path.addEllipse(c, cell.inner_radius, cell.inner_radius)
        path.setFillRule(Qt.FillRule.OddEvenFill)
        return path
    outer = _qrect(geo.circle_rect(cell.outer_radius))
    start = to_qt_degrees(cell.start_angle)
    sweep = -math.degrees(cell.sweep)
    path.arcMoveTo(outer, start)
    path.arcTo(outer, start, sweep)
    if cell.inner_radius > 0:
        path.arcTo(_qrect(geo.circle_rect(cell.inner_radius)), start + sweep, -sweep)
    else:
        path.lineTo(c)
    path.closeSubpath()
    return path


# --------------------------------------------------------------------------------------------
# Layout


def _layout_markers(geo: BoardGeometry, keys_by_cell: dict, avoid: list[Rect],
                    smallest: float, floor: float) -> BoardMarkers:
    """Markers as large as the typical cell allows and alike across the board.

    Every cell first gets markers of at least ``smallest`` (readable numbers); a cell that
    cannot hold its markers at that size tries down to ``floor`` before a "+N" badge hides
    some (a small marker still shows its shape and fill). Then the roomy cells come down to a
    common size, at most ``_SIZE_SPREAD`` times the smallest readable one: one cramped bullseye
    slice should not make every marker hard to read, nor look lost beside giants.
    """
    largest = max(geo.marker_radius * _MARKER_SCALE, smallest)
    first: dict[tuple[int, int], CellMarkers] = {}
    for key, keys in keys_by_cell.items():
        # Start near the size that can fit (each marker needs about a (2.3 r)² square), so
        # that a crowded cell does not shrink step by step from the largest size.
        cell = geo.cell(*key)
        area = cell.sweep / 2 * (cell.outer_radius ** 2 - cell.inner_radius ** 2)
        start = min(largest, max(smallest, 1.15 * math.sqrt(area / max(len(keys), 1)) / 2.3))
        markers = geo.place_markers(key, keys, marker_radius=start, min_radius=smallest,
                                    avoid=avoid)
        if markers.overflow and floor < smallest:
            tighter = geo.place_markers(key, keys, marker_radius=smallest, min_radius=floor,
                                        avoid=avoid)
            if len(tighter.overflow) < len(markers.overflow) or not markers.places:
                markers = tighter
        first[key] = markers
    if not first:
        return BoardMarkers({})
    radii = sorted(markers.radius for markers in first.values())
    target = min(radii[(len(radii) - 1) // 2], _SIZE_SPREAD * max(radii[0], smallest))
    cells = {}
    for key, markers in first.items():
        if markers.radius <= target + 1e-9:
            cells[key] = markers
        else:
            cells[key] = geo.place_markers(key, keys_by_cell[key], marker_radius=target,
                                           min_radius=target, avoid=avoid)
    return BoardMarkers(cells)


@dataclass(frozen=True)
class _Number:
    origin: QPointF  # baseline start
    text: str
    font: QFont
    mode: str  # "ink", "paper" or "split" (ink above split_y, paper below)
    split_y: float
    box: QRectF  # the marker's bounds, for clipping


@dataclass(frozen=True)
class _Marker:
    place: MarkerPlace
    kind: str  # the strategy's kind, or "badge" for a "+N" badge
    status: str  # the strategy's status ("" for a badge)
    text: str  # the number, or "+N"


def _marker_item(place: MarkerPlace, content: BoardContent) -> _Marker:
    if place.is_overflow:
        return _Marker(place, "badge", "", f"+{len(place.hidden_keys)}")
    strategy = content.strategies[place.key[0]]
    return _Marker(place, strategy.kind, strategy.status, str(strategy.number))


_FONTS: dict[tuple[str, int], tuple[QFont, QFontMetricsF]] = {}


def _number_font(family: str, px: float) -> tuple[QFont, QFontMetricsF]:
    key = (family, max(1, round(px)))
    found = _FONTS.get(key)
    if found is None:
        font = _font(family, px, bold=True)
        found = _FONTS[key] = (font, QFontMetricsF(font))
    return found


def _number_at(text: str, family: str, px: float, x: float, y: float, r: float, mode: str,
               baseline: float | None = None) -> _Number:
    font, fm = _number_font(family, px)
    width = fm.horizontalAdvance(text)
    base = y + baseline if baseline is not None else y + fm.capHeight() / 2
    return _Number(QPointF(x - width / 2, base), text, font, mode, y,
                   QRectF(x - 1.3 * r, y - 1.3 * r, 2.6 * r, 2.6 * r))


def _draw_marker(painter: QPainter, x: float, y: float, r: float, kind: str, status: str,
                 text: str, style: BoardStyle, line_width: float, svg: bool) -> None:
    """One marker (or "+N" badge) centred on (x, y): shape for the kind, fill for the status,
    the number on top in whichever colour reads on the fill beneath it."""
    if kind == "badge":
        painter.setPen(QPen(style.ink, line_width, Qt.PenStyle.DotLine))
        painter.setBrush(style.paper)
        painter.drawEllipse(QPointF(x, y), 0.95 * r, 0.95 * r)
        px = min(0.9 * r, 1.7 * r / (0.62 * max(len(text), 1)))
        _paint_numbers(painter, [_number_at(text, style.font_family, px, x, y, r, "ink")],
                       style, svg)
        return
    shape, lower, stripes = _SHAPES.get(kind, r)
    pen = QPen(style.ink, line_width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(style.paper)
    outline = shape.translated(x, y)
    painter.drawPath(outline)
    fill = STATUS_FILLS.get(status, "outline")
    mode = "ink"
    if fill == "solid":
        painter.fillPath(outline, style.ink)
        mode = "paper"
    elif fill == "half":
        painter.fillPath(lower.translated(x, y), style.ink)
        mode = "split"
    elif fill == "hatched":
        painter.fillPath(stripes.translated(x, y), style.ink)
    if text:
        px, baseline = _number_metrics(kind, text, r)
        number = _number_at(text, style.font_family, px, x, y, r, mode, baseline)
        if fill == "hatched":  # a clear patch under the number, so stripes do not cross it
            _, fm = _number_font(style.font_family, px)
            pad = 0.12 * px
            patch = QRectF(number.origin.x() - pad, number.origin.y() - fm.capHeight() - pad,
                           fm.horizontalAdvance(text) + 2 * pad, fm.capHeight() + 2 * pad)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.paper)
            painter.drawRoundedRect(patch, pad, pad)
        _paint_numbers(painter, [number], style, svg)


def _render_sprite(item: _Marker, style: BoardStyle, line_width: float,
                   dpr: float) -> tuple[QPixmap, float]:
    r = item.place.radius
    half = math.ceil(1.2 * r + line_width + 1)
    side = 2 * half
    pixmap = QPixmap(max(1, math.ceil(side * dpr)), max(1, math.ceil(side * dpr)))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        _draw_marker(painter, half, half, r, item.kind, item.status, item.text, style,
                     line_width, False)
    finally:
        painter.end()
    return pixmap, float(half)


class _SpriteCache:
    """Marker pictures shared by every layout, so that a plan change (a new layout of the same
    size) only draws the markers that changed. Bounded: the oldest pictures go first."""

    LIMIT = 6000

    def __init__(self):
        self._pictures: OrderedDict[tuple, tuple[QPixmap, float]] = OrderedDict()

    def get(self, item: _Marker, style: BoardStyle, line_width: float,
            dpr: float) -> tuple[QPixmap, float]:
        key = (style.key, round(dpr, 3), round(line_width, 2), item.kind, item.status, item.text,
               round(item.place.radius, 2))
        found = self._pictures.get(key)
        if found is None:
            found = self._pictures[key] = _render_sprite(item, style, line_width, dpr)
            if len(self._pictures) > self.LIMIT:
                self._pictures.popitem(last=False)
        else:
            self._pictures.move_to_end(key)
        return found

    def clear(self) -> None:
        self._pictures.clear()


_SPRITES = _SpriteCache()


class BoardLayout:
    """Everything :func:`paint_board` needs for one size and content, computed once.

    ``geometry`` (BoardGeometry), ``markers`` (BoardMarkers: hit-testing, keyboard order),
    ``ring_labels``, ``wedge_labels`` and ready-made paths. Build a new one when the size, the
    content's ``layout_key`` or the style's fonts change (:meth:`matches`).
    """

    def __init__(self, content: BoardContent, width: float, height: float,
                 style: BoardStyle | None = None):
        style = style or BoardStyle.for_print()
        self.content = content
        self.width, self.height = float(width), float(height)
        self.content_key = content.layout_key
        self.style_key = style.layout_key
        geo = BoardGeometry(self.width, self.height, content.wedge_count,
                            ring_weights=RING_WEIGHTS)
        self.geometry = geo
        text_px = geo.text_size
        if style.min_text_px:
            text_px = max(text_px, style.min_text_px)
        if style.max_text_px:
            text_px = min(text_px, style.max_text_px)
        self.text_px = text_px
        self.line_width = max(1.0, geo.radius * 0.004)
        self.label_font = _font(style.font_family, text_px)

        # Ring names: as large as the geometry suggests, smaller if one does not fit its ring.
        ring_px = min(geo.ring_text_size, text_px)
        while True:
            self.ring_font = _font(style.font_family, ring_px, bold=True)
            self.ring_labels: list[RingLabelPlace] = geo.ring_label_places(
                content.ring_names, _measure(self.ring_font))
            if all(p.fits for p in self.ring_labels if p.text) or ring_px <= 7:
                break
            ring_px *= 0.9
        self.wedge_labels: list[LabelPlace] = geo.wedge_labels(
            content.wedge_labels, _measure(self.label_font))

        avoid = [p.box for p in self.ring_labels if p.text]
        # Numbers stay readable: on paper no marker is smaller than about half the text size;
        # on screen the style sets the floor. Cells that cannot take that many get a "+N" badge.
        smallest = max(style.min_marker_px or 0.45 * text_px, geo.min_marker_radius)
        floor = 0.7 * smallest
        self.markers = _layout_markers(geo, content.keys_by_cell(), avoid, smallest, floor)
        self.cell_paths = {cell.key: _cell_path(cell, geo) for cell in geo.cells()}

        gap_hatch = QPainterPath()
        spacing = max(geo.radius * 0.035, 4.0)
        for key, cell in content.cells.items():
            if cell.is_gap:
                region = self.cell_paths[key]
                gap_hatch.addPath(_stripes(region.boundingRect(), spacing, spacing * 0.22)
                                  .intersected(region))
        self.gap_hatch = gap_hatch
        self.marker_items = [_marker_item(place, content) for place in self.markers.places]
        radius = min((p.radius for p in self.markers.places), default=geo.marker_radius)
        self.marker_line = max(1.0, min(self.line_width, 0.12 * radius))
        self._placed_key: tuple | None = None
        self._placed: list[tuple[QPointF, QPixmap]] = []
        self._by_strategy: dict[str, list[MarkerPlace]] | None = None
        self._background: tuple[tuple, QPixmap] | None = None

    def background(self, style: BoardStyle, dpr: float) -> QPixmap:
        """Rings, gaps, lines and every label, drawn once per style: they only change with the
        layout, so a repaint (hover, focus, selection) just copies them."""
        key = (style.key, round(dpr, 3))
        if self._background is None or self._background[0] != key:
            pixmap = QPixmap(max(1, math.ceil(self.width * dpr)),
                             max(1, math.ceil(self.height * dpr)))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(style.paper if style.fill_background else QColor(0, 0, 0, 0))
            painter = QPainter(pixmap)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                _paint_static(painter, self, style)
            finally:
                painter.end()
            self._background = (key, pixmap)
        return self._background[1]

    def sprites(self, style: BoardStyle, dpr: float) -> list[tuple[QPointF, QPixmap]]:
        """Every marker as a ready-drawn picture and where it goes: painting a few hundred
        pictures is far cheaper than drawing a few hundred shapes and numbers each time."""
        key = (style.key, round(dpr, 3))
        if self._placed_key == key:
            return self._placed
        placed = []
        for item in self.marker_items:
            pixmap, half = _SPRITES.get(item, style, self.marker_line, dpr)
            c = item.place.center
            placed.append((QPointF(c.x - half, c.y - half), pixmap))
        self._placed_key, self._placed = key, placed
        return placed

    def drawn_bounds(self) -> QRectF:
        """The part of the canvas the board actually uses: the circle and the wedge labels."""
        bounds = _qrect(self.geometry.circle_rect(self.geometry.radius))
        for place in self.wedge_labels:
            if place.text:
                bounds = bounds.united(_qrect(place.box))
        return bounds.adjusted(-self.line_width * 2, -self.line_width * 2,
                               self.line_width * 2, self.line_width * 2)

    def matches(self, content: BoardContent, width: float, height: float,
                style: BoardStyle | None = None) -> bool:
        style_key = None if style is None else style.layout_key
        return (abs(self.width - width) < 0.5 and abs(self.height - height) < 0.5
                and self.content_key == content.layout_key
                and (style_key is None or style_key == self.style_key))

    # --- questions the widget asks ------------------------------------------------------------

    def marker_at(self, x: float, y: float, slop: float = 0.0) -> MarkerPlace | None:
        return self.markers.marker_at(Point(x, y), slop)

    def cell_at(self, x: float, y: float) -> Cell | None:
        return self.geometry.cell_at(Point(x, y))

    def places_of(self, strategy_id: str) -> list[MarkerPlace]:
        """Every marker of the strategy (one per wedge it serves, unless behind a badge)."""
        if self._by_strategy is None:
            found: dict[str, list[MarkerPlace]] = {}
            for item in self.marker_items:
                if item.kind != "badge":
                    found.setdefault(item.place.key[0], []).append(item.place)
            self._by_strategy = found
        return self._by_strategy.get(strategy_id, [])

    def place_name(self, place: MarkerPlace) -> str:
        if place.is_overflow:
            key: Overflow = place.key
            return self.content.overflow_name(key.wedge, key.ring, [k[0] for k in place.hidden_keys])
        return self.content.marker_name(place.key[0], place.key[1])


# --------------------------------------------------------------------------------------------
# Painting


def _is_svg(painter: QPainter) -> bool:
    engine = painter.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.SVG


def paint_board(painter: QPainter, rect: QRectF, content: BoardContent,
                layout: BoardLayout | None = None, *, style: BoardStyle | None = None,
                selected: str | None = None, focused: FocusTarget = None,
                vector: bool | None = None) -> BoardLayout:
    """Draw the board into ``rect``. Pass the ``layout`` from the previous call to skip the
    layout work (it is rebuilt when it does not match); the layout used is returned.

    ``selected`` is a strategy id (all its markers are ringed); ``focused`` a marker place or a
    (wedge, ring) cell that gets the keyboard-focus outline. ``vector`` draws every marker as
    shapes and text (exports); by default pixel devices (the screen) get ready-drawn markers.
    """
    style = style or BoardStyle.for_print()
    if layout is None or not layout.matches(content, rect.width(), rect.height(), style):
        layout = BoardLayout(content, rect.width(), rect.height(), style)
    svg = _is_svg(painter)
    painter.save()
    try:
        painter.translate(rect.topLeft())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if vector is None:
            engine = painter.paintEngine()
            vector = engine is None or engine.type() != QPaintEngine.Type.Raster
        if vector:
            if style.fill_background:
                painter.fillRect(QRectF(0, 0, layout.width, layout.height), style.paper)
            _paint_static(painter, layout, style)
        else:
            painter.drawPixmap(QPointF(0, 0), layout.background(style, _device_ratio(painter)))
        _paint_markers(painter, layout, style, svg, vector)
        if selected:
            pen = QPen(style.highlight, max(2.0, layout.marker_line * 2.2))
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for place in layout.places_of(selected):
                painter.drawEllipse(_qpoint(place.center), 1.32 * place.radius, 1.32 * place.radius)
        if focused is not None:
            _paint_focus(painter, layout, style, focused)
    finally:
        painter.restore()
    return layout


def _device_ratio(painter: QPainter) -> float:
    device = painter.device()
    return device.devicePixelRatioF() if device is not None else 1.0


def _paint_static(painter: QPainter, layout: BoardLayout, style: BoardStyle) -> None:
    """What does not depend on selection or focus: rings, gaps, lines, ring and wedge names."""
    _paint_rings(painter, layout, style)
    _paint_ring_labels(painter, layout, style)
    _paint_wedge_labels(painter, layout, style)


def _paint_rings(painter: QPainter, layout: BoardLayout, style: BoardStyle) -> None:
    geo = layout.geometry
    c = _qpoint(geo.center)
    painter.setPen(Qt.PenStyle.NoPen)
    for ring in range(RING_COUNT):
        r = geo.ring_bounds(ring)[1]
        painter.setBrush(style.ring_fills[ring])
        painter.drawEllipse(c, r, r)
    if not layout.gap_hatch.isEmpty():
        painter.fillPath(layout.gap_hatch, style.hatch)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    lw = layout.line_width
    painter.setPen(QPen(style.line, lw))
    for ring in range(1, RING_COUNT):
        r = geo.ring_bounds(ring)[1]
        painter.drawEllipse(c, r, r)
    if geo.wedges > 1:
        for wedge in range(geo.wedges):
            start, _ = geo.wedge_angles(wedge)
            painter.drawLine(c, _qpoint(geo.point_at(geo.radius, start)))
    painter.setPen(QPen(style.ink, lw * 1.6))
    painter.drawEllipse(c, geo.radius, geo.radius)


def _paint_ring_labels(painter: QPainter, layout: BoardLayout, style: BoardStyle) -> None:
    painter.setFont(layout.ring_font)
    pad = 0.15 * QFontMetricsF(layout.ring_font).height()
    backing = _with_alpha(style.paper, 0.82)
    for place in layout.ring_labels:
        if not place.text:
            continue
        box = _qrect(place.box)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(backing)
        painter.drawRoundedRect(box.adjusted(-pad, -pad * 0.5, pad, pad * 0.5), pad, pad)
        painter.setPen(style.ink)
        painter.drawText(box.adjusted(-1, 0, 1, 0),
                         int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), place.text)


_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "right": Qt.AlignmentFlag.AlignRight,
          "center": Qt.AlignmentFlag.AlignHCenter}


def _paint_wedge_labels(painter: QPainter, layout: BoardLayout, style: BoardStyle) -> None:
    lw = layout.line_width
    painter.setFont(layout.label_font)
    for place in layout.wedge_labels:
        if not place.text:
            continue
        if layout.geometry.wedges > 1:
            painter.setPen(QPen(style.line, lw))
            painter.drawLine(_qpoint(place.anchor), _qpoint(place.attach))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.ink)
            painter.drawEllipse(_qpoint(place.anchor), lw * 2.2, lw * 2.2)
        box = _qrect(place.box)
        # A hair wider than measured, on the side away from the alignment, so the text wraps as
        # it was measured.
        if place.align == "left":
            box = box.adjusted(0, 0, 2, 0)
        elif place.align == "right":
            box = box.adjusted(-2, 0, 0, 0)
        else:
            box = box.adjusted(-1, 0, 1, 0)
        painter.setPen(style.ink)
        painter.drawText(box, int(_ALIGN[place.align] | Qt.AlignmentFlag.AlignVCenter
                                  | Qt.TextFlag.TextWordWrap), place.text)


def _paint_markers(painter: QPainter, layout: BoardLayout, style: BoardStyle, svg: bool,
                   vector: bool) -> None:
    if not layout.marker_items:
        return
    if vector:
        for item in layout.marker_items:
            c = item.place.center
            _draw_marker(painter, c.x, c.y, item.place.radius, item.kind, item.status, item.text,
                         style, layout.marker_line, svg)
        return
    for origin, pixmap in layout.sprites(style, _device_ratio(painter)):
        painter.drawPixmap(origin, pixmap)


def _paint_numbers(painter: QPainter, numbers: Iterable[_Number], style: BoardStyle,
                   svg: bool) -> None:
    current_font = None
    ink_pen, paper_pen = QPen(style.ink), QPen(style.paper)
    split = []
    for n in numbers:
        if n.font is not current_font:
            painter.setFont(n.font)
            current_font = n.font
        if n.mode == "split":
            split.append(n)
            continue
        painter.setPen(paper_pen if n.mode == "paper" else ink_pen)
        painter.drawText(n.origin, n.text)
    if not split:
        return
    if svg:
        # SVG output ignores clipping: cut the glyph outlines instead.
        for n in split:
            glyphs = QPainterPath()
            glyphs.addText(n.origin, n.font, n.text)
            above, below = QPainterPath(), QPainterPath()
            above.addRect(QRectF(n.box.left(), n.box.top(), n.box.width(), n.split_y - n.box.top()))
            below.addRect(QRectF(n.box.left(), n.split_y, n.box.width(), n.box.bottom() - n.split_y))
            painter.fillPath(glyphs.intersected(above), style.ink)
            painter.fillPath(glyphs.intersected(below), style.paper)
        return
    clipping = painter.hasClipping()
    old_clip = painter.clipRegion() if clipping else None
    for n in split:
        painter.setFont(n.font)
        painter.setClipRect(QRectF(n.box.left(), n.box.top(), n.box.width(), n.split_y - n.box.top()))
        painter.setPen(ink_pen)
        painter.drawText(n.origin, n.text)
        painter.setClipRect(QRectF(n.box.left(), n.split_y, n.box.width(), n.box.bottom() - n.split_y))
        painter.setPen(paper_pen)
        painter.drawText(n.origin, n.text)
    if clipping and old_clip is not None:
        painter.setClipRegion(old_clip)
    else:
        painter.setClipping(False)


def _paint_focus(painter: QPainter, layout: BoardLayout, style: BoardStyle,
                 focused: FocusTarget) -> None:
    width = max(2.0, layout.line_width * 2.0)
    halo = QPen(style.paper, width * 2.2)
    mark = QPen(style.highlight, width, Qt.PenStyle.DashLine)
    mark.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if isinstance(focused, MarkerPlace):
        # Thin, so that it does not hide the neighbours (they sit 0.3 r away): a solid ink line
        # under the dashed highlight keeps it visible on any ring colour.
        r = focused.radius * 1.4
        box = QRectF(focused.center.x - r, focused.center.y - r, 2 * r, 2 * r)
        for pen in (QPen(style.ink, max(1.0, width * 0.5)), mark):
            painter.setPen(pen)
            painter.drawRoundedRect(box, r * 0.3, r * 0.3)
        return
    key = focused.key if isinstance(focused, Cell) else focused
    path = layout.cell_paths.get(tuple(key))  # type: ignore[arg-type]
    if path is None:
        return
    for pen in (halo, mark):
        painter.setPen(pen)
        painter.drawPath(path)


def paint_marker(painter: QPainter, center: QPointF, r: float, kind: str, status: str,
                 text: str, style: BoardStyle, *, line_width: float | None = None) -> None:
    """One marker on its own (the legend, a dragged marker), drawn like those on the board."""
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _draw_marker(painter, center.x(), center.y(), r, kind, status, text, style,
                     line_width or max(1.0, 0.12 * r), _is_svg(painter))
    finally:
        painter.restore()


# --------------------------------------------------------------------------------------------
# Legend


def _legend_groups(translate: Translate) -> list[tuple[str, list[tuple[tuple[str, str], str]]]]:
    def tr(text: str) -> str:
        return translate(CONTEXT, text)
    return [
        (tr("Shape = kind:"), [(("shape", "existing"), tr("Existing")),
                               (("shape", "enhanced"), tr("Enhanced")),
                               (("shape", "new"), tr("New"))]),
        (tr("Fill = status:"), [(("fill", "planned"), tr("Planned")),
                                (("fill", "underway"), tr("Underway")),
                                (("fill", "completed"), tr("Completed")),
                                (("fill", "on_hold"), tr("On hold"))]),
        (tr("Also:"), [(("number", ""), tr("Strategy number, the same in every wedge it serves")),
                       (("gap", ""), tr("Gap: nothing planned in this cell")),
                       (("badge", ""), tr("More strategies than the cell has room for"))]),
    ]


@dataclass(frozen=True)
class _LegendPlace:
    kind: str  # "heading" or "entry"
    symbol: tuple[str, str] | None
    text: str
    x: float  # left of the symbol (entries) or of the text (headings)
    y: float  # top of the line
    text_rect: QRectF


def _legend_places(width: float, text_px: float, family: str,
                   translate: Translate) -> tuple[list[_LegendPlace], float]:
    font = _font(family, text_px)
    bold = _font(family, text_px, bold=True)
    fm, fmb = QFontMetricsF(font), QFontMetricsF(bold)
    line_h = max(fm.height(), 1.5 * text_px) * 1.15
    sym = 1.6 * text_px  # symbol box width
    gap = 0.4 * text_px
    space = 1.1 * text_px
    places: list[_LegendPlace] = []
    y = 0.0
    flags = int(Qt.TextFlag.TextWordWrap)
    for heading, entries in _legend_groups(translate):
        head_w = fmb.horizontalAdvance(heading) + gap
        indent = head_w if head_w < 0.35 * width else 0.0
        places.append(_LegendPlace("heading", None, heading, 0.0, y,
                                   QRectF(0.0, y, head_w, line_h)))
        x = indent if indent else width + 1  # a heading too wide gets a line to itself
        for symbol, text in entries:
            room = width - indent - sym - gap
            text_w = fm.boundingRect(QRectF(0, 0, max(room, 1.0), 1e6), flags, text).width()
            need = sym + gap + text_w
            if x + need > width and x > indent:
                y += line_h
                x = indent
            text_rect = fm.boundingRect(QRectF(0, 0, max(room, 1.0), 1e6), flags, text)
            lines = max(1, round(text_rect.height() / fm.height()))
            top = y + (line_h - fm.height()) / 2  # the first line level with the symbol
            places.append(_LegendPlace("entry", symbol, text, x, y,
                                       QRectF(x + sym + gap, top, text_rect.width() + 2,
                                              lines * fm.height() + 1)))
            x += need + space
            if lines > 1:
                y += (lines - 1) * fm.height()
        y += line_h
    return places, y


def legend_height(width: float, text_px: float, *, style: BoardStyle | None = None,
                  translate: Translate | None = None) -> float:
    """The height :func:`paint_legend` needs at ``width`` with text of ``text_px`` pixels."""
    style = style or BoardStyle.for_print()
    return _legend_places(width, text_px, style.font_family, translate or _no_translation)[1]


def _no_translation(_context: str, text: str) -> str:
    return text


def paint_legend(painter: QPainter, rect: QRectF, text_px: float, *,
                 style: BoardStyle | None = None, translate: Translate | None = None) -> float:
    """Draw the legend (shapes, fills, gaps, badges) into ``rect``; returns the height used."""
    style = style or BoardStyle.for_print()
    places, height = _legend_places(rect.width(), text_px, style.font_family,
                                    translate or _no_translation)
    font = _font(style.font_family, text_px)
    bold = _font(style.font_family, text_px, bold=True)
    r = 0.6 * text_px
    painter.save()
    try:
        painter.translate(rect.topLeft())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        line_h = places[0].text_rect.height() if places else 0
        for place in places:
            if place.kind == "heading":
                painter.setFont(bold)
                painter.setPen(style.ink)
                painter.drawText(place.text_rect, int(Qt.AlignmentFlag.AlignLeft
                                                      | Qt.AlignmentFlag.AlignVCenter), place.text)
                continue
            centre = QPointF(place.x + 0.8 * text_px, place.y + line_h / 2)
            kind, value = place.symbol or ("", "")
            if kind == "shape":
                paint_marker(painter, centre, r, value, "planned", "", style)
            elif kind == "fill":
                paint_marker(painter, centre, r, "existing", value, "", style)
            elif kind == "number":
                paint_marker(painter, centre, r * 1.1, "existing", "planned", "7", style)
            elif kind == "gap":
                box = QRectF(centre.x() - 0.6 * text_px, centre.y() - 0.5 * text_px,
                             1.2 * text_px, 1.0 * text_px)
                painter.setPen(QPen(style.line, 1.0))
                painter.setBrush(style.ring_fills[1])
                painter.drawRect(box)
                region = QPainterPath()
                region.addRect(box)
                spacing = max(0.3 * text_px, 3.0)
                painter.fillPath(_stripes(box, spacing, spacing * 0.3).intersected(region),
                                 style.hatch)
            elif kind == "badge":
                paint_marker(painter, centre, r * 1.25, "badge", "", "+3", style)
            painter.setFont(font)
            painter.setPen(style.ink)
            painter.drawText(place.text_rect, int(Qt.AlignmentFlag.AlignLeft
                                                  | Qt.AlignmentFlag.AlignTop
                                                  | Qt.TextFlag.TextWordWrap), place.text)
    finally:
        painter.restore()
    return height


# --------------------------------------------------------------------------------------------
# Export


def _require_painting_application() -> None:
    """The Qt application painting needs (see charts.ensure_painting_application); a plain
    QCoreApplication already running cannot paint, and that is a programming error."""
    if not ensure_painting_application():
        raise RuntimeError("drawing the target board needs a QGuiApplication, "
                           "not a plain QCoreApplication")


def _export_content(plan: Any, filters: dict) -> BoardContent:
    return board_content(plan, BoardFilters.of(**filters), translate=QCoreApplication.translate)


def _export_family() -> str:
    return QFontInfo(QFont()).family()


def _draw_export(painter: QPainter, plan_layout: _ExportLayout, style: BoardStyle) -> None:
    e = plan_layout
    painter.save()
    painter.translate(0, -e.top)
    paint_board(painter, QRectF(0, 0, e.width, e.board_h), e.content, e.layout, style=style,
                vector=True)
    painter.restore()
    paint_legend(painter, QRectF(e.margin, e.legend_top, e.width - 2 * e.margin, e.legend_h),
                 e.text_px, style=style, translate=e.content.translate)


@dataclass
class _ExportLayout:
    content: BoardContent
    layout: BoardLayout
    width: float
    board_h: float
    top: float  # first canvas row used by the board
    legend_top: float
    legend_h: float
    height: int
    margin: float
    text_px: float


def _export_layout(content: BoardContent, width: float, style: BoardStyle) -> _ExportLayout:
    """The board canvas cropped to what it uses, then the legend under it."""
    board_h = round(width / _CANVAS_RATIO)
    layout = BoardLayout(content, width, board_h, style)
    text_px = layout.text_px
    margin = 0.04 * width
    used = layout.drawn_bounds()
    top = max(0.0, used.top() - text_px)
    bottom = min(float(board_h), used.bottom() + text_px)
    legend_h = math.ceil(legend_height(width - 2 * margin, text_px, style=style,
                                       translate=content.translate))
    legend_top = bottom - top + text_px
    height = math.ceil(legend_top + legend_h + text_px)
    return _ExportLayout(content, layout, width, board_h, top, legend_top, legend_h, height,
                         margin, text_px)


def render_board_image(plan: Any, width_px: int, *, style: BoardStyle | None = None,
                       **filters: Any) -> QImage:
    """The board and its legend in a QImage ``width_px`` wide on white (no dpi set)."""
    _require_painting_application()
    content = _export_content(plan, filters)
    style = style or BoardStyle.for_print(_export_family())
    export = _export_layout(content, float(width_px), style)
    image = QImage(int(width_px), export.height, QImage.Format.Format_RGB32)
    image.fill(style.paper)
    painter = QPainter(image)
    try:
        _draw_export(painter, export, style)
    finally:
        painter.end()
    return image


def render_board_png(plan: Any, width_cm: float = 16.0, dpi: int = 300, **filters: Any) -> bytes:
    """The board as PNG bytes, ``width_cm`` wide at ``dpi`` (16 cm at 300 dpi = 1890 pixels),
    black on white so that it prints well in black and white. ``filters``: ``statuses``,
    ``lead_partners``, ``kinds`` (see board.model.BoardFilters)."""
    if width_cm <= 0 or dpi <= 0:
        raise ValueError("width and resolution must be positive")
    width_px = max(1, round(width_cm / 2.54 * dpi))
    image = render_board_image(plan, width_px, **filters)
    return png_bytes(image, dpi, "the board picture")


def render_board_svg(plan: Any, width_cm: float = 16.0, **filters: Any) -> bytes:
    """The board as SVG bytes, ``width_cm`` wide, drawn by the same painter as the screen. The
    SVG's title and description carry the board's alternative text."""
    from PySide6.QtSvg import QSvgGenerator

    if width_cm <= 0:
        raise ValueError("width must be positive")
    _require_painting_application()
    content = _export_content(plan, filters)
    family = _export_family()
    style = BoardStyle.for_print(family)
    resolution = 300  # user units per inch: fine enough for whole-pixel font sizes
    width = round(width_cm / 2.54 * resolution)
    export = _export_layout(content, float(width), style)
    height = export.height
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(resolution)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(QCoreApplication.translate(CONTEXT, "Target board"))
    generator.setDescription(content.summary())
    painter = QPainter(generator)
    try:
        _draw_export(painter, export, style)
    finally:
        painter.end()
    buffer.close()
    svg = bytes(data.data())
    # Name a generic family after the font we drew with, for viewers that lack it.
    for name in {family, "Sans Serif"}:
        svg = svg.replace(f'font-family="{name}"'.encode(),
                          f'font-family="{name}, sans-serif"'.encode())
    return svg


def board_alt_text(plan: Any, **filters: Any) -> str:
    """A sentence or two describing the board, for the picture's alternative text."""
    translate = QCoreApplication.translate if QCoreApplication.instance() is not None else None
    return board_content(plan, BoardFilters.of(**filters), translate=translate).summary()
