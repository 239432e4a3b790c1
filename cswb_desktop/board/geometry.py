"""Geometry of the target board: where every ring, wedge, marker and label goes.

Pure math — no Qt, no database — so the same numbers drive the screen widget, the 300-dpi PNG
and the SVG, and can be tested without a display.

The board
---------
Four concentric rings, one per area of the framework. **Ring index 0 is the outermost ring**
(social development), 1 prevention, 2 risk intervention, **3 the bullseye** (incident response);
the framework's ``Area.ring`` (1..4) is ``ring index + 1``. The circle is cut into **wedges**, one
per priority risk, wedge 0 starting at 12 o'clock and the others following clockwise. With no
priority risk there is still one wedge, covering the whole circle. A *cell* is one (wedge, ring)
pair; each strategy is a numbered marker in its cell, once per linked risk.

Coordinates
-----------
Screen coordinates: x to the right, **y downwards**, in whatever unit the caller draws in (device
pixels, PNG pixels, SVG user units). Every length is derived from the ``width``/``height`` given to
:class:`BoardGeometry`, so doubling the size doubles every coordinate and the picture looks the
same at every size. Angles are **radians, clockwise from 12 o'clock**; :func:`to_qt_degrees`
converts them for ``QPainterPath.arcTo`` (degrees, counter-clockwise from 3 o'clock). A cell is
drawn as ``arcTo(outer rect, to_qt_degrees(start), -degrees(sweep))`` followed by the inner arc
back (or a line to the centre for the bullseye), with :meth:`BoardGeometry.circle_rect` giving
the rects; a cell with ``is_full_turn`` (single wedge) is a plain ring or disc, without radial
edges.

API at a glance
---------------
``BoardGeometry(width, height, wedge_count, *, label_margin=None,
ring_weights=DEFAULT_RING_WEIGHTS, rotation=0.0)``
    ``center``, ``radius``, ``ring_radii``, ``ring_bounds(ring)``, ``wedges``, ``wedge_sweep``,
    ``text_size`` (suggested font pixel size), ``ring_text_size`` (for the ring names),
    ``marker_radius``, ``min_marker_radius``, ``point_at(radius, angle)``,
    ``circle_rect(radius)``.
``cells()``, ``cell(wedge, ring)``
    Every :class:`Cell`, wedge by wedge and outer ring to bullseye within a wedge.
``cell_at(point)``, ``ring_at(point)``, ``wedge_at(point)``
    Hit-testing; ``None`` outside the circle (label margin, corners).
``place_markers(cell, keys, *, marker_radius=None, min_radius=None, avoid=())``
    Non-overlapping markers inside one cell → :class:`CellMarkers` (shrinks the markers when
    crowded; what still does not fit goes behind a "+N" badge).
``layout_markers(keys_by_cell, *, ..., uniform=False)``
    The whole board at once → :class:`BoardMarkers`, which hit-tests markers
    (``marker_at``) through a grid index and knows the keyboard order.
``marker_at(point, places)``
    Hit-test any markers (a :class:`MarkerIndex`, :class:`BoardMarkers` or a plain sequence).
``wedge_labels(texts, measure=None)``
    One :class:`LabelPlace` per wedge around the edge: never overlapping each other or the
    circle, kept inside the canvas whenever the text can wrap to fit.
``ring_label_places(texts, measure=None, *, angle=0.0, bullseye_at_centre=True)``
    Where to write the four area names inside their rings (:class:`RingLabelPlace`); pass their
    boxes as ``avoid`` when placing markers.
``neighbour(cell, direction)``, ``cell_towards(cell, dx, dy)``
    Keyboard navigation by ring topology (:class:`Direction`) or by screen direction.

``measure(text, max_width) -> (width, height)`` returns the size of ``text`` wrapped to
``max_width`` (which may be ``math.inf``): the painter passes real font metrics, tests use
:func:`approximate_measure`. The geometry suggests a font pixel size in ``text_size``.

Typical use, once per size or plan change (all of it is cheap enough to redo on resize)::

    geo = BoardGeometry(width, height, len(priority_risks))
    rings = geo.ring_label_places(area_names, ring_measure)
    labels = geo.wedge_labels(risk_names, measure)
    markers = geo.layout_markers({(wedge, ring): [(strategy_id, wedge), ...], ...},
                                 avoid=[r.box for r in rings])
    ...
    geo.cell_at(mouse_point), markers.marker_at(mouse_point)

Limits: wedge labels stay readable up to about 20 wedges at ``text_size``; beyond that, or with
a much larger font, they still never overlap but may leave the canvas. Markers shrink to
``min_marker_radius`` before a cell shows a "+N" badge; with 12 wedges a bullseye slice holds
one full-size marker and six of the smallest, an outer-ring cell eight full-size and about fifty
of the smallest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

__all__ = [
    "DEFAULT_RING_WEIGHTS", "RING_COUNT", "TAU", "Measure", "Point", "Rect", "Cell", "Direction",
    "Overflow", "MarkerPlace", "CellMarkers", "MarkerIndex", "BoardMarkers", "LabelPlace",
    "RingLabelPlace", "BoardGeometry", "approximate_measure", "point_at", "angle_of",
    "to_qt_degrees",
]

TAU = 2.0 * math.pi
RING_COUNT = 4

Measure = Callable[[str, float], "tuple[float, float]"]
"""``measure(text, max_width) -> (width, height)`` of ``text`` wrapped to ``max_width``."""

# Proportions, all relative to the board so that every output looks alike.
_TEXT_SIZE = 0.022  # suggested font pixel size, of min(width, height)
_MARGIN_X = 0.20  # default label room left and right of the circle, of min(width, height)
_MARGIN_Y = 0.10  # default label room above and below the circle
_RING_TEXT = 0.06  # largest suggested font pixel size for ring names, of the board radius
_MARKER = 0.042  # default marker radius, of the board radius
_MIN_MARKER = 0.45  # smallest marker radius, of the default one
_MARKER_GAP = 0.30  # free space between two markers, of the marker radius
_MARKER_PAD = 0.30  # free space between a marker and its cell's edges, of the marker radius
_SHRINK = 0.9  # each crowding step shrinks markers by this factor
_EPS = 1e-9

DEFAULT_RING_WEIGHTS = (1.0, 1.0, 1.0, 1.15)
"""Relative ring thickness, outer ring first. The bullseye is a little thicker than the others
so that each of 12 bullseye slices still holds a full-size marker."""


# --------------------------------------------------------------------------------------------
# Basic shapes


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def distance_to(self, other: Point) -> float:
        return math.hypot(self.x - other.x, self.y - other.y)


@dataclass(frozen=True)
class Rect:
    """Axis-aligned rectangle; ``x, y`` is the top-left corner (y grows downwards)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> Point:
        return Point(self.x + self.w / 2, self.y + self.h / 2)

    def contains(self, point: Point) -> bool:
        return self.x <= point.x <= self.right and self.y <= point.y <= self.bottom

    def intersects(self, other: Rect) -> bool:
        """True when the two share area; rectangles that only touch do not intersect."""
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)

    def adjusted(self, margin: float) -> Rect:
        """The rectangle grown by ``margin`` on every side (shrunk when negative)."""
        return Rect(self.x - margin, self.y - margin, self.w + 2 * margin, self.h + 2 * margin)

    def nearest_point(self, point: Point) -> Point:
        return Point(min(max(point.x, self.x), self.right), min(max(point.y, self.y), self.bottom))

    def distance_to(self, point: Point) -> float:
        """0 inside, otherwise the distance from ``point`` to the nearest edge."""
        return self.nearest_point(point).distance_to(point)

    def farthest_distance(self, point: Point) -> float:
        return max(math.hypot(cx - point.x, cy - point.y)
                   for cx in (self.x, self.right) for cy in (self.y, self.bottom))


def point_at(center: Point, radius: float, angle: float) -> Point:
    """The point ``radius`` away from ``center`` at ``angle`` (clockwise from 12 o'clock)."""
    return Point(center.x + radius * math.sin(angle), center.y - radius * math.cos(angle))


def angle_of(center: Point, point: Point) -> float:
    """Angle of ``point`` seen from ``center``, in [0, 2π), clockwise from 12 o'clock."""
    angle = math.atan2(point.x - center.x, center.y - point.y) % TAU
    return 0.0 if angle >= TAU else angle


def to_qt_degrees(angle: float) -> float:
    """A board angle as Qt wants it: degrees, counter-clockwise from 3 o'clock."""
    return 90.0 - math.degrees(angle)


def _wedge_index(angle: float, rotation: float, wedges: int) -> int:
    # The single rule that splits the circle into wedges; Cell.contains and cell_at share it.
    if wedges <= 1:
        return 0
    turn = ((angle - rotation) % TAU) / TAU
    return min(int(turn * wedges), wedges - 1)


def approximate_measure(font_size: float, char_width: float = 0.55,
                        line_height: float = 1.25) -> Measure:
    """A font-free ``measure`` for tests and headless use.

    Each character is ``char_width * font_size`` wide and each line ``line_height * font_size``
    tall; words wrap greedily at ``max_width`` (a word longer than the line keeps its own line).
    """
    cw = char_width * font_size
    lh = line_height * font_size

    def measure(text: str, max_width: float = math.inf) -> tuple[float, float]:
        lines: list[int] = []
        for paragraph in text.split("\n"):
            current = 0
            for word in paragraph.split():
                if current and (current + 1 + len(word)) * cw > max_width:
                    lines.append(current)
                    current = len(word)
                else:
                    current = current + 1 + len(word) if current else len(word)
            lines.append(current)
        if not text.strip():
            return (0.0, 0.0)
        return (max(lines) * cw, len(lines) * lh)

    return measure


# --------------------------------------------------------------------------------------------
# Cells


@dataclass(frozen=True)
class Cell:
    """One (wedge, ring) cell: an annular sector, or a full ring/disc when there is one wedge.

    Radii are measured from ``center``; angles are clockwise from 12 o'clock and
    ``end_angle - start_angle`` is the sweep (``end_angle`` may exceed 2π).
    """

    wedge: int
    ring: int
    center: Point
    inner_radius: float
    outer_radius: float
    start_angle: float
    end_angle: float
    wedges: int = field(default=1, repr=False)  # wedges on the board, for the shared split rule
    rotation: float = field(default=0.0, repr=False)  # start angle of wedge 0

    @property
    def key(self) -> tuple[int, int]:
        return (self.wedge, self.ring)

    @property
    def sweep(self) -> float:
        return self.end_angle - self.start_angle

    @property
    def mid_angle(self) -> float:
        return (self.start_angle + self.end_angle) / 2

    @property
    def mid_radius(self) -> float:
        return (self.inner_radius + self.outer_radius) / 2

    @property
    def is_full_turn(self) -> bool:
        return self.wedges <= 1

    def centroid(self) -> Point:
        """A central point that is always inside the cell (mid radius, mid angle; the centre of a
        full disc). Good for a cell's text, a single marker or a focus ring."""
        if self.is_full_turn and self.inner_radius == 0:
            return self.center
        return point_at(self.center, self.mid_radius, self.mid_angle)

    def bounding_rect(self) -> Rect:
        """The smallest axis-aligned rectangle around the cell (e.g. for repaint regions)."""
        if self.is_full_turn:
            r = self.outer_radius
            return Rect(self.center.x - r, self.center.y - r, 2 * r, 2 * r)
        points = [point_at(self.center, r, a) for r in (self.inner_radius, self.outer_radius)
                  for a in (self.start_angle, self.end_angle)]
        quarter = math.ceil(self.start_angle / (math.pi / 2))
        while quarter * math.pi / 2 < self.end_angle:
            points.append(point_at(self.center, self.outer_radius, quarter * math.pi / 2))
            quarter += 1
        xs, ys = [p.x for p in points], [p.y for p in points]
        return Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    def contains(self, point: Point) -> bool:
        """Inner edge and start angle belong to the cell, outer edge and end angle to the next
        one — except the board's rim, which belongs to the outermost ring."""
        distance = self.center.distance_to(point)
        inside = (self.inner_radius <= distance < self.outer_radius
                  or (self.ring == 0 and distance == self.outer_radius))
        if not inside:
            return False
        return _wedge_index(angle_of(self.center, point), self.rotation, self.wedges) == self.wedge


class Direction(Enum):
    """Moves between cells by the board's own topology."""

    CLOCKWISE = "clockwise"
    COUNTERCLOCKWISE = "counterclockwise"
    INWARD = "inward"  # towards the bullseye
    OUTWARD = "outward"  # towards social development


# --------------------------------------------------------------------------------------------
# Markers


@dataclass(frozen=True)
class Overflow:
    """Key of the "+N" badge standing for the markers a cell has no room for."""

    wedge: int
    ring: int


@dataclass(frozen=True)
class MarkerPlace:
    """Where one marker goes. ``radius`` is the circle the marker's shape must fit in (draw
    squares, diamonds and triangles inscribed in it so that neighbours never touch)."""

    key: Hashable
    center: Point
    radius: float
    cell: Cell
    hidden_keys: tuple[Hashable, ...] = ()  # for a "+N" badge: the keys it stands for

    @property
    def is_overflow(self) -> bool:
        return isinstance(self.key, Overflow)

    @property
    def bounds(self) -> Rect:
        r = self.radius
        return Rect(self.center.x - r, self.center.y - r, 2 * r, 2 * r)

    def contains(self, point: Point, slop: float = 0.0) -> bool:
        return self.center.distance_to(point) <= self.radius + slop


@dataclass(frozen=True)
class CellMarkers:
    """The markers of one cell, in reading order (outer rows first, clockwise within a row), then
    the "+N" badge if the cell is too crowded."""

    cell: Cell
    radius: float  # marker radius used in this cell
    places: tuple[MarkerPlace, ...]
    overflow: tuple[Hashable, ...] = ()  # keys without a marker of their own

    @property
    def badge(self) -> MarkerPlace | None:
        if self.places and self.places[-1].is_overflow:
            return self.places[-1]
        return None

    @property
    def markers(self) -> tuple[MarkerPlace, ...]:
        """The places of real markers, without the badge."""
        return tuple(p for p in self.places if not p.is_overflow)


class MarkerIndex:
    """A uniform grid over marker places, so a hit-test looks at a handful of markers only."""

    def __init__(self, places: Iterable[MarkerPlace], cell_size: float | None = None):
        self.places: tuple[MarkerPlace, ...] = tuple(places)
        biggest = max((p.radius for p in self.places), default=1.0)
        self.cell_size = float(cell_size) if cell_size else max(2.0 * biggest, 1e-6)
        self._grid: dict[tuple[int, int], list[MarkerPlace]] = {}
        size = self.cell_size
        grid = self._grid
        for place in self.places:
            x, y, r = place.center.x, place.center.y, place.radius
            for gx in range(math.floor((x - r) / size), math.floor((x + r) / size) + 1):
                for gy in range(math.floor((y - r) / size), math.floor((y + r) / size) + 1):
                    bucket = grid.get((gx, gy))
                    if bucket is None:
                        grid[(gx, gy)] = [place]
                    else:
                        bucket.append(place)

    def at(self, point: Point, slop: float = 0.0) -> MarkerPlace | None:
        """The marker under ``point`` (within ``slop`` of its edge); the nearest if several."""
        size = self.cell_size
        best: MarkerPlace | None = None
        best_gap = math.inf
        seen: set[int] = set()
        x0, x1 = math.floor((point.x - slop) / size), math.floor((point.x + slop) / size)
        y0, y1 = math.floor((point.y - slop) / size), math.floor((point.y + slop) / size)
        for gx in range(x0, x1 + 1):
            for gy in range(y0, y1 + 1):
                for place in self._grid.get((gx, gy), ()):
                    if id(place) in seen:
                        continue
                    seen.add(id(place))
                    gap = place.center.distance_to(point) - place.radius
                    if gap <= slop and gap < best_gap:
                        best, best_gap = place, gap
        return best


def _nearest_in_direction(origin: Point, candidates: Iterable[tuple[Point, object]],
                          dx: float, dy: float) -> object | None:
    # Arrow-key rule: among candidates inside a 70° cone around (dx, dy), prefer near ones and
    # ones straight ahead.
    length = math.hypot(dx, dy)
    if length == 0:
        return None
    ux, uy = dx / length, dy / length
    best, best_cost = None, math.inf
    for point, item in candidates:
        vx, vy = point.x - origin.x, point.y - origin.y
        distance = math.hypot(vx, vy)
        if distance < _EPS:
            continue
        cos = (vx * ux + vy * uy) / distance
        if cos < math.cos(math.radians(70)):
            continue
        cost = distance * (1.0 + 2.0 * (1.0 - cos))
        if cost < best_cost:
            best, best_cost = item, cost
    return best


class BoardMarkers:
    """Every marker of the board, with hit-testing and the keyboard order.

    ``places`` is the Tab order: wedge by wedge clockwise, outer ring to bullseye within a wedge,
    reading order within a cell (badges last in their cell).
    """

    def __init__(self, cells: Mapping[tuple[int, int], CellMarkers]):
        self.cells: dict[tuple[int, int], CellMarkers] = dict(sorted(cells.items()))
        self.places: tuple[MarkerPlace, ...] = tuple(
            p for markers in self.cells.values() for p in markers.places)
        self.index = MarkerIndex(self.places)
        self._position = {p: i for i, p in enumerate(self.places)}

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self):
        return iter(self.places)

    def marker_at(self, point: Point, slop: float = 0.0) -> MarkerPlace | None:
        return self.index.at(point, slop)

    def places_for(self, key: Hashable) -> list[MarkerPlace]:
        """Every place showing ``key`` (a badge counts when it hides the key)."""
        return [p for p in self.places if p.key == key or key in p.hidden_keys]

    def next_place(self, place: MarkerPlace | None, step: int = 1) -> MarkerPlace | None:
        """The marker ``step`` places after ``place`` in Tab order, wrapping around; the first
        (or last, for a negative step) when ``place`` is None."""
        if not self.places:
            return None
        if place is None or place not in self._position:
            return self.places[0 if step >= 0 else -1]
        return self.places[(self._position[place] + step) % len(self.places)]

    def place_towards(self, place: MarkerPlace, dx: float, dy: float) -> MarkerPlace | None:
        """The nearest marker on screen in direction (dx, dy) (y down), for arrow keys."""
        found = _nearest_in_direction(
            place.center, ((p.center, p) for p in self.places if p is not place), dx, dy)
        return found  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# Labels


@dataclass(frozen=True)
class LabelPlace:
    """Where one wedge's risk name goes. Draw the text in ``box`` with ``align`` and a leader
    line from ``anchor`` (on the rim, middle of the wedge) to ``attach`` (nearest point of
    ``box``)."""

    wedge: int
    text: str
    box: Rect
    anchor: Point
    attach: Point
    align: Literal["left", "right", "center"]


@dataclass(frozen=True)
class RingLabelPlace:
    """Where one area's name goes inside its ring. ``fits`` is False when the text, even
    wrapped, is larger than the room in the ring: use a smaller font or leave it to the legend."""

    ring: int
    text: str
    box: Rect
    anchor: Point  # centre of the box
    fits: bool


# --------------------------------------------------------------------------------------------
# The board


class BoardGeometry:
    """The target board laid out in a ``width`` × ``height`` canvas.

    The board is a circle centred in the canvas, as large as the canvas allows after keeping
    ``label_margin`` free for the wedge labels: one number for every side, or ``(x, y)`` for
    left/right and top/bottom (default ``(0.20, 0.10) × min(width, height)``). ``ring_weights``
    (outer → inner) sets the relative thickness of the four rings. ``rotation`` turns the whole
    division clockwise (wedge 0 starts at ``rotation``).
    """

    def __init__(self, width: float, height: float, wedge_count: int, *,
                 label_margin: float | tuple[float, float] | None = None,
                 ring_weights: Sequence[float] = DEFAULT_RING_WEIGHTS,
                 rotation: float = 0.0):
        if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
            raise ValueError(f"board size must be positive, got {width} × {height}")
        if wedge_count < 0:
            raise ValueError(f"wedge count cannot be negative, got {wedge_count}")
        if len(ring_weights) != RING_COUNT or any(not w > 0 for w in ring_weights):
            raise ValueError("ring_weights needs four positive numbers, outer ring first")
        self.width = float(width)
        self.height = float(height)
        self.wedge_count = int(wedge_count)  # priority risks
        self.wedges = max(1, self.wedge_count)  # wedges drawn
        self.rotation = float(rotation)
        self.unit = min(self.width, self.height)
        self.text_size = _TEXT_SIZE * self.unit

        if label_margin is None:
            margin_x, margin_y = _MARGIN_X * self.unit, _MARGIN_Y * self.unit
        elif isinstance(label_margin, (int, float)):
            margin_x = margin_y = float(label_margin)
        else:
            margin_x, margin_y = (float(m) for m in label_margin)
        if margin_x < 0 or margin_y < 0:
            raise ValueError("label_margin cannot be negative")
        radius = min(self.width - 2 * margin_x, self.height - 2 * margin_y) / 2
        if radius <= 0:
            raise ValueError(f"label_margin {label_margin} leaves no room for the board")
        self.label_margin = (margin_x, margin_y)
        self.center = Point(self.width / 2, self.height / 2)
        self.radius = radius

        total = float(sum(ring_weights))
        bounds: list[float] = [radius]
        for weight in ring_weights[:-1]:
            bounds.append(bounds[-1] - radius * weight / total)
        bounds.append(0.0)
        self._bounds = tuple(bounds)  # outer → inner, RING_COUNT + 1 values
        self.ring_radii: tuple[float, ...] = self._bounds[:RING_COUNT]  # outer edge of each ring

        # The names written inside the rings must fit the rings, which shrink faster than the
        # canvas when the canvas is square.
        self.ring_text_size = min(self.text_size, _RING_TEXT * radius)
        self.wedge_sweep = TAU / self.wedges
        self.marker_radius = _MARKER * radius
        self.min_marker_radius = _MIN_MARKER * self.marker_radius
        self._cells = tuple(
            Cell(wedge, ring, self.center, self._bounds[ring + 1], self._bounds[ring],
                 *self.wedge_angles(wedge), wedges=self.wedges, rotation=self.rotation)
            for wedge in range(self.wedges) for ring in range(RING_COUNT))

    def __repr__(self) -> str:
        return (f"BoardGeometry({self.width:g}, {self.height:g}, {self.wedge_count}, "
                f"radius={self.radius:g})")

    # --- rings, wedges, cells ---------------------------------------------------------------

    def ring_bounds(self, ring: int) -> tuple[float, float]:
        """``(inner, outer)`` radius of ``ring``; the bullseye's inner radius is 0."""
        self._check_ring(ring)
        return (self._bounds[ring + 1], self._bounds[ring])

    def wedge_angles(self, wedge: int) -> tuple[float, float]:
        """``(start, end)`` angle of ``wedge``."""
        self._check_wedge(wedge)
        start = self.rotation + wedge * self.wedge_sweep
        last = wedge == self.wedges - 1
        return (start, self.rotation + TAU if last else start + self.wedge_sweep)

    def mid_angle(self, wedge: int) -> float:
        start, end = self.wedge_angles(wedge)
        return (start + end) / 2

    def point_at(self, radius: float, angle: float) -> Point:
        return point_at(self.center, radius, angle)

    def circle_rect(self, radius: float) -> Rect:
        """Bounding square of the circle of ``radius`` around the centre (for Qt's arcs)."""
        return Rect(self.center.x - radius, self.center.y - radius, 2 * radius, 2 * radius)

    def cells(self) -> list[Cell]:
        """Every cell: wedge by wedge, outer ring to bullseye within a wedge."""
        return list(self._cells)

    def cell(self, wedge: int, ring: int) -> Cell:
        self._check_wedge(wedge)
        self._check_ring(ring)
        return self._cells[wedge * RING_COUNT + ring]

    def ring_at(self, point: Point) -> int | None:
        distance = self.center.distance_to(point)
        if distance > self.radius:
            return None
        for ring in range(RING_COUNT):
            if distance >= self._bounds[ring + 1]:
                return ring
        return RING_COUNT - 1  # pragma: no cover - the last inner bound is 0

    def wedge_at(self, point: Point) -> int | None:
        if self.center.distance_to(point) > self.radius:
            return None
        return _wedge_index(angle_of(self.center, point), self.rotation, self.wedges)

    def cell_at(self, point: Point) -> Cell | None:
        """The cell under ``point``; None outside the circle."""
        ring = self.ring_at(point)
        if ring is None:
            return None
        wedge = _wedge_index(angle_of(self.center, point), self.rotation, self.wedges)
        return self._cells[wedge * RING_COUNT + ring]

    # --- navigation -------------------------------------------------------------------------

    def neighbour(self, cell: Cell | tuple[int, int], direction: Direction) -> Cell | None:
        """The next cell around the circle (wrapping) or across the rings (None past the rim
        or the bullseye, and around the circle when there is a single wedge)."""
        wedge, ring = cell.key if isinstance(cell, Cell) else cell
        self._check_wedge(wedge)
        self._check_ring(ring)
        if direction in (Direction.CLOCKWISE, Direction.COUNTERCLOCKWISE):
            if self.wedges == 1:
                return None
            step = 1 if direction is Direction.CLOCKWISE else -1
            return self.cell((wedge + step) % self.wedges, ring)
        ring += 1 if direction is Direction.INWARD else -1
        return self.cell(wedge, ring) if 0 <= ring < RING_COUNT else None

    def cell_towards(self, cell: Cell | tuple[int, int], dx: float, dy: float) -> Cell | None:
        """The nearest cell on screen in direction (dx, dy) (y down), judged by centroids."""
        origin = cell if isinstance(cell, Cell) else self.cell(*cell)
        found = _nearest_in_direction(
            origin.centroid(), ((c.centroid(), c) for c in self._cells if c.key != origin.key),
            dx, dy)
        return found  # type: ignore[return-value]

    # --- markers ----------------------------------------------------------------------------

    def place_markers(self, cell: Cell | tuple[int, int], keys: Sequence[Hashable], *,
                      marker_radius: float | None = None, min_radius: float | None = None,
                      avoid: Sequence[Rect] = ()) -> CellMarkers:
        """Lay out one marker per key inside ``cell``, none overlapping another, the cell's
        edges or any ``avoid`` rectangle.

        Markers sit in arcs (rows) clustered around the cell's centroid. When they do not fit at
        ``marker_radius`` they shrink step by step down to ``min_radius``; if they still do not
        fit, the last free spot becomes a "+N" badge (key :class:`Overflow`) standing for the
        remaining keys, which are also listed in ``CellMarkers.overflow``.
        """
        if not isinstance(cell, Cell):
            cell = self.cell(*cell)
        keys = list(keys)
        radius = self.marker_radius if marker_radius is None else float(marker_radius)
        smallest = self.min_marker_radius if min_radius is None else float(min_radius)
        smallest = min(smallest, radius)
        if radius <= 0 or smallest <= 0:
            raise ValueError("marker radius must be positive")
        if not keys:
            return CellMarkers(cell, radius, ())
        near = cell.bounding_rect().adjusted((1.0 + _MARKER_PAD) * radius)
        avoid = [rect for rect in avoid if rect.intersects(near)]

        slots: list[tuple[int, float, float]] = []
        while True:
            rows = _marker_rows(cell, radius)
            # Avoided spots only ever lower the count, so look at them only when it may do.
            if sum(len(angles) for _, _, angles in rows) >= len(keys) or radius <= smallest:
                slots = _free_slots(cell, rows, radius, avoid)
                if len(slots) >= len(keys) or radius <= smallest:
                    break
            radius = max(radius * _SHRINK, smallest)

        if len(slots) >= len(keys):
            chosen, shown, hidden = _closest_slots(cell, slots, len(keys)), keys, []
        elif slots:
            chosen, shown, hidden = _closest_slots(cell, slots, len(slots)), \
                keys[:len(slots) - 1], keys[len(slots) - 1:]
        else:
            chosen, shown, hidden = [], [], keys

        places = [MarkerPlace(key, point_at(cell.center, r, a), radius, cell)
                  for key, (_, r, a) in zip(shown, chosen)]
        if hidden and chosen:
            _, r, a = chosen[-1]
            places.append(MarkerPlace(Overflow(cell.wedge, cell.ring), point_at(cell.center, r, a),
                                      radius, cell, tuple(hidden)))
        return CellMarkers(cell, radius, tuple(places), tuple(hidden))

    def layout_markers(self, keys_by_cell: Mapping[tuple[int, int], Sequence[Hashable]], *,
                       marker_radius: float | None = None, min_radius: float | None = None,
                       avoid: Sequence[Rect] = (), uniform: bool = False) -> BoardMarkers:
        """:meth:`place_markers` for every cell named in ``keys_by_cell`` ((wedge, ring) → keys).

        With ``uniform`` every cell uses the marker size of the most crowded one, so that all
        markers on the board look alike.
        """
        cells = {key: self.place_markers(key, keys, marker_radius=marker_radius,
                                         min_radius=min_radius, avoid=avoid)
                 for key, keys in keys_by_cell.items()}
        if uniform and cells:
            radius = min(markers.radius for markers in cells.values())
            cells = {key: self.place_markers(key, keys, marker_radius=radius, min_radius=radius,
                                             avoid=avoid)
                     for key, keys in keys_by_cell.items()}
        return BoardMarkers(cells)

    @staticmethod
    def marker_at(point: Point,
                  places: MarkerIndex | BoardMarkers | Iterable[MarkerPlace],
                  slop: float = 0.0) -> MarkerPlace | None:
        """The marker under ``point`` (the nearest if several are within ``slop``). A
        :class:`BoardMarkers` or :class:`MarkerIndex` answers from its grid; a plain sequence is
        scanned, which is fine for a few hundred markers."""
        if isinstance(places, BoardMarkers):
            return places.marker_at(point, slop)
        if isinstance(places, MarkerIndex):
            return places.at(point, slop)
        best, best_gap = None, math.inf
        for place in places:
            gap = math.hypot(place.center.x - point.x, place.center.y - point.y) - place.radius
            if gap <= slop and gap < best_gap:
                best, best_gap = place, gap
        return best

    # --- labels -----------------------------------------------------------------------------

    @property
    def default_measure(self) -> Measure:
        return approximate_measure(self.text_size)

    def wedge_labels(self, texts: Sequence[str],
                     measure: Measure | None = None) -> list[LabelPlace]:
        """Place one label per wedge around the rim.

        Wedges on the right half get left-aligned labels to the right of the circle, the left
        half right-aligned labels to the left; each side is a column that hugs the circle, keeps
        the wedges' order and pushes labels apart only as much as needed. A single wedge gets one
        centred label above the circle. Labels never overlap each other or the circle; they stay
        inside the canvas whenever the text can wrap narrowly and short enough to fit.
        ``texts`` has one entry per wedge (for a board without risks, one sentence or nothing).
        """
        texts = list(texts)
        if not texts:
            return []
        if len(texts) != self.wedges:
            raise ValueError(f"expected {self.wedges} wedge labels, got {len(texts)}")
        measure = measure or self.default_measure
        gap = 0.5 * self.text_size
        pad = 0.25 * self.text_size
        cx, cy, radius = self.center.x, self.center.y, self.radius

        if self.wedges == 1:
            w, h = measure(texts[0], max(self.width - 2 * pad, self.text_size))
            box = Rect(cx - w / 2, cy - radius - gap - h, w, h)
            anchor = Point(cx, cy - radius)
            return [LabelPlace(0, texts[0], box, anchor, box.nearest_point(anchor), "center")]

        right: list[tuple[int, float]] = []
        left: list[tuple[int, float]] = []
        for wedge in range(self.wedges):
            theta = self.mid_angle(wedge) % TAU
            if math.sin(theta) >= -_EPS:  # the right half, and straight up or down
                right.append((wedge, theta))
            else:
                left.append((wedge, theta))
        right.sort(key=lambda item: item[1])  # top to bottom
        left.sort(key=lambda item: -item[1])  # top to bottom as well

        places: dict[int, LabelPlace] = {}
        for side, items in ((1, right), (-1, left)):
            for wedge, box in self._label_column(items, side, texts, measure, gap, pad):
                anchor = self.point_at(radius, self.mid_angle(wedge))
                places[wedge] = LabelPlace(wedge, texts[wedge], box, anchor,
                                           box.nearest_point(anchor),
                                           "left" if side > 0 else "right")
        # A wedge pointing straight up or down reads best with its label centred on it, when
        # that does not bump into another label.
        for wedge, theta in right:
            if abs(math.sin(theta)) > _EPS:
                continue
            old = places[wedge]
            box = Rect(cx - old.box.w / 2, old.box.y, old.box.w, old.box.h)
            if (box.distance_to(self.center) >= radius + gap - _EPS
                    and not any(box.intersects(p.box) for w, p in places.items() if w != wedge)):
                places[wedge] = LabelPlace(wedge, old.text, box, old.anchor,
                                           box.nearest_point(old.anchor), "center")
        return [places[w] for w in range(self.wedges)]

    def _label_column(self, items: list[tuple[int, float]], side: int, texts: list[str],
                      measure: Measure, gap: float, pad: float) -> list[tuple[int, Rect]]:
        # One side of the board: measure, stack without overlap, hug the circle, re-wrap the
        # labels that stick out of the canvas, and repeat a few times.
        if not items:
            return []
        cx, cy = self.center.x, self.center.y
        reach = self.radius + gap  # boxes stay outside this circle
        spacing = 0.3 * self.text_size
        narrowest = 4.0 * self.text_size

        def hug_x(top: float, height: float) -> float:
            """Distance from the centre line to the box's near edge."""
            return max(_half_width(reach, cy, top, top + height), gap)

        def room(top: float, height: float) -> float:
            edge = self.width - pad - cx if side > 0 else cx - pad
            return max(edge - hug_x(top, height), narrowest)

        def desired_top(theta: float, height: float) -> float:
            centre = cy - (reach + height / 2) * math.cos(theta)
            return centre - height / 2

        sizes: list[tuple[float, float]] = []
        for wedge, theta in items:
            _, line = measure(texts[wedge], math.inf)
            sizes.append(measure(texts[wedge], room(desired_top(theta, line), line)))

        tops: list[float] = []
        for attempt in range(4):
            heights = [h for _, h in sizes]
            tops = _stack([desired_top(theta, h) for (_, theta), h in zip(items, heights)],
                          heights, spacing, pad, self.height - pad)
            too_wide = [i for i, (w, h) in enumerate(sizes) if w > room(tops[i], h) + _EPS]
            if not too_wide or attempt == 3:
                break
            for i in too_wide:
                wedge = items[i][0]
                sizes[i] = measure(texts[wedge], room(tops[i], sizes[i][1]))

        boxes = []
        for (wedge, _), (w, h), top in zip(items, sizes, tops):
            near = hug_x(top, h)
            x = cx + near if side > 0 else cx - near - w
            boxes.append((wedge, Rect(x, top, w, h)))
        return boxes

    def ring_label_places(self, texts: Sequence[str], measure: Measure | None = None, *,
                          angle: float = 0.0,
                          bullseye_at_centre: bool = True) -> list[RingLabelPlace]:
        """Place the four area names (outer ring first) inside their rings.

        Each name is written horizontally on the ray at ``angle`` (default straight up), in the
        middle of its ring or, if it is too wide there, nearer the ring's inner edge; the
        bullseye's name sits at the centre unless ``bullseye_at_centre`` is False. A box lies
        inside its ring when ``fits`` is True; the default measure uses ``ring_text_size``. Pass
        the boxes as ``avoid`` to :meth:`place_markers`/:meth:`layout_markers` so that no marker
        hides a name.
        """
        texts = list(texts)
        if len(texts) != RING_COUNT:
            raise ValueError(f"expected {RING_COUNT} ring names, got {len(texts)}")
        measure = measure or approximate_measure(self.ring_text_size)
        pad = 0.15 * self.ring_text_size
        places = []
        for ring, text in enumerate(texts):
            inner, outer = self.ring_bounds(ring)
            if ring == RING_COUNT - 1:
                centre = self.center if bullseye_at_centre else self.point_at(outer / 2, angle)
                place = self._ring_label(ring, text, measure, angle, 0.0, outer - pad, centre)
            else:
                place = self._ring_label(ring, text, measure, angle, inner + pad, outer - pad)
            places.append(place)
        return places

    def _ring_label(self, ring: int, text: str, measure: Measure, angle: float, low: float,
                    high: float, fixed: Point | None = None) -> RingLabelPlace:
        # A box on the ray at `angle` whose points all lie between `low` and `high` from the
        # centre (no inner limit when low is 0): in the middle of the ring if the text fits
        # there, otherwise slid towards the inner edge, where a straight line has more room.
        ux, uy = math.sin(angle), -math.cos(angle)
        c = self.center

        def box_at(t: float, w: float, h: float) -> Rect:
            return Rect(c.x + t * ux - w / 2, c.y + t * uy - h / 2, w, h)

        def inside(box: Rect) -> bool:
            return (box.farthest_distance(c) <= high + _EPS
                    and (low <= 0 or box.distance_to(c) >= low - _EPS))

        def lowest(w: float, h: float) -> float:
            # Nearest distance of the box grows with t, so bisect for the first t that clears.
            lo, hi = 0.0, high
            for _ in range(32):
                mid = (lo + hi) / 2
                lo, hi = (lo, mid) if box_at(mid, w, h).distance_to(c) >= low else (mid, hi)
            return hi

        def spot(mode: str, w: float, h: float) -> Rect:
            if fixed is not None:
                return Rect(fixed.x - w / 2, fixed.y - h / 2, w, h)
            return box_at((low + high) / 2 if mode == "middle" else lowest(w, h), w, h)

        def widest(mode: str, h: float) -> float:
            if not inside(spot(mode, 0.0, h)):
                return 0.0
            lo, hi = 0.0, 2.0 * high
            for _ in range(32):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if inside(spot(mode, mid, h)) else (lo, mid)
            return lo

        _, line = measure(text, math.inf)
        box = spot("inner", 0.0, 0.0)
        for mode in ("middle", "inner"):
            w, h = measure(text, max(widest(mode, line), self.ring_text_size))
            for _ in range(3):
                limit = widest(mode, h)
                if w <= limit + _EPS or limit <= 0:
                    break
                w, h = measure(text, limit)
            box = spot(mode, w, h)
            if inside(box):
                break
        return RingLabelPlace(ring, text, box, box.center, bool(text.strip()) and inside(box))

    # --- checks -----------------------------------------------------------------------------

    def _check_ring(self, ring: int) -> None:
        if not 0 <= ring < RING_COUNT:
            raise IndexError(f"ring {ring} is not 0..{RING_COUNT - 1}")

    def _check_wedge(self, wedge: int) -> None:
        if not 0 <= wedge < self.wedges:
            raise IndexError(f"wedge {wedge} is not 0..{self.wedges - 1}")


# --------------------------------------------------------------------------------------------
# Helpers


def _half_width(radius: float, cy: float, top: float, bottom: float) -> float:
    """Half the width of the circle (centre height ``cy``) within the band [top, bottom]."""
    if bottom < cy - radius or top > cy + radius:
        return 0.0
    if top <= cy <= bottom:
        return radius
    nearest = min(abs(top - cy), abs(bottom - cy))
    return math.sqrt(max(radius * radius - nearest * nearest, 0.0))


def _stack(desired: list[float], heights: list[float], spacing: float,
           low: float, high: float) -> list[float]:
    """Tops for boxes in this order, each below the previous one, as close to ``desired`` as
    possible (least squares) and within [low, high] when they fit there at all."""
    offsets, total = [], 0.0
    for h in heights:
        offsets.append(total)
        total += h + spacing
    targets = [d - o for d, o in zip(desired, offsets)]
    # Pool adjacent violators: the best non-decreasing sequence.
    blocks: list[list[float]] = []  # [mean, count]
    for t in targets:
        blocks.append([t, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count)
            blocks[-1][1] += count
    base = [mean for mean, count in blocks for _ in range(int(count))]
    ceiling = high - offsets[-1] - heights[-1]
    if ceiling >= low:
        base = [min(max(b, low), ceiling) for b in base]
    else:  # taller than the room: centre the stack on it
        middle = (low + ceiling) / 2
        base = [middle] * len(base)
    return [b + o for b, o in zip(base, offsets)]


def _marker_rows(cell: Cell, radius: float) -> list[tuple[int, float, list[float]]]:
    """The rows of spots for markers of ``radius`` in ``cell``: (row, distance, angles).

    Rows are concentric arcs a full marker pitch apart, so markers in different rows can never
    touch; within a row, markers are a pitch apart along the chord and centred on the cell's
    middle. (Staggered rows pack no better in the narrow sectors of a target.)
    """
    pitch = (2.0 + _MARKER_GAP) * radius
    edge = (1.0 + _MARKER_PAD) * radius  # centre to cell edge, at least
    low = cell.inner_radius + edge
    high = cell.outer_radius - edge
    if cell.inner_radius == 0:
        low = 0.0 if cell.is_full_turn else edge / math.sin(min(cell.sweep / 2, math.pi / 2))
    if high < low:
        return []
    count = int((high - low) / pitch + _EPS) + 1
    first = low + max(high - low - (count - 1) * pitch, 0.0) / 2
    rows = []
    for row in range(count):
        r = first + row * pitch
        angles = _row_angles(cell, r, pitch, edge)
        if angles:
            rows.append((row, r, angles))
    return rows


def _free_slots(cell: Cell, rows: list[tuple[int, float, list[float]]], radius: float,
                avoid: Sequence[Rect]) -> list[tuple[int, float, float]]:
    """The spots of ``rows`` as (row, distance, angle), without those too near ``avoid``."""
    edge = (1.0 + _MARKER_PAD) * radius
    slots = []
    for row, r, angles in rows:
        for a in angles:
            if avoid:
                p = point_at(cell.center, r, a)
                if any(rect.distance_to(p) < edge for rect in avoid):
                    continue
            slots.append((row, r, a))
    return slots


def _row_angles(cell: Cell, r: float, pitch: float, edge: float) -> list[float]:
    if r < _EPS:
        return [cell.mid_angle]
    step = 2.0 * math.asin(pitch / (2.0 * r)) if pitch < 2.0 * r else math.inf
    if cell.is_full_turn:
        count = max(1, int(TAU / step + _EPS)) if step < math.inf else 1
        return [cell.mid_angle + i * TAU / count for i in range(count)]
    usable = cell.sweep - 2.0 * math.asin(min(edge / r, 1.0))
    if usable < -_EPS:
        return []
    count = int(max(usable, 0.0) / step + _EPS) + 1 if step < math.inf else 1
    start = cell.mid_angle - (count - 1) * step / 2
    return [start + i * step for i in range(count)]


def _closest_slots(cell: Cell, slots: list[tuple[int, float, float]],
                   count: int) -> list[tuple[int, float, float]]:
    """``count`` of the slots, in reading order (outer rows first, clockwise within a row).

    In a sector they are the ones nearest the centroid, a compact group in the cell's middle.
    In a full ring or disc (a board with one wedge) whole rows are used from the middle row out
    and the last one is spread evenly around the circle.
    """
    if cell.is_full_turn:
        middle = cell.mid_radius if cell.inner_radius > 0 else 0.0
        rows: dict[int, list[tuple[int, float, float]]] = {}
        for slot in slots:
            rows.setdefault(slot[0], []).append(slot)
        chosen: list[tuple[int, float, float]] = []
        for row in sorted(rows.values(), key=lambda row: (abs(row[0][1] - middle), row[0][0])):
            need = count - len(chosen)
            if need <= 0:
                break
            if len(row) <= need:
                chosen.extend(row)
            else:
                chosen.extend(row[i * len(row) // need] for i in range(need))
    else:
        focus = cell.centroid()
        chosen = sorted(slots, key=lambda s: (
            point_at(cell.center, s[1], s[2]).distance_to(focus), s[0], s[2]))[:count]
    return sorted(chosen, key=lambda s: (-s[1], (s[2] - cell.start_angle) % TAU))
