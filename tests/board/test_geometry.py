"""Target board geometry: hit-testing, label placement, marker layout, navigation."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cswb_desktop.board.geometry import (
    DEFAULT_RING_WEIGHTS, RING_COUNT, TAU, BoardGeometry, BoardMarkers, Cell, Direction,
    MarkerIndex, Overflow, Point, Rect, angle_of, approximate_measure, point_at, to_qt_degrees,
)

WEDGE_COUNTS = (0, 1, 2, 3, 5, 8, 12)
SIZES = ((800, 600), (600, 600), (300, 900), (100, 100), (4000, 3000))
RING_NAMES = ("Social development", "Prevention", "Risk intervention", "Incident response")
RISK_NAMES = (
    "Mental health and addictions among youth",
    "Housing",
    "Substance use and overdose deaths in the downtown core",
    "Family violence",
    "Food insecurity among seniors living alone",
    "Missing school",
    "Crime victimization among Indigenous women and girls",
    "Gangs",
    "Poverty and unemployment",
    "Suicide",
    "Negative peers and antisocial behaviour",
    "Threat to public health and safety",
)


# --- independent oracles (plain trigonometry, not the module's helpers) ----------------------


def expected_ring(geo: BoardGeometry, distance: float) -> int | None:
    if distance > geo.radius:
        return None
    weights = DEFAULT_RING_WEIGHTS
    inner = geo.radius
    for ring, weight in enumerate(weights):
        inner -= geo.radius * weight / sum(weights)
        if distance >= inner or ring == RING_COUNT - 1:
            return ring
    raise AssertionError("unreachable")


def bearing_degrees(geo: BoardGeometry, p: Point) -> float:
    """Clockwise from 12 o'clock, in degrees, with y pointing down."""
    return (90.0 + math.degrees(math.atan2(p.y - geo.center.y, p.x - geo.center.x))) % 360.0


def expected_wedge(geo: BoardGeometry, p: Point) -> int:
    return int(bearing_degrees(geo, p) // (360.0 / max(geo.wedge_count, 1)))


def interior_points(cell: Cell) -> list[Point]:
    """The centroid and a grid of points strictly inside the cell."""
    points = [cell.centroid()]
    for fr in (0.05, 0.3, 0.5, 0.7, 0.95):
        for fa in (0.02, 0.25, 0.5, 0.75, 0.98):
            r = cell.inner_radius + fr * (cell.outer_radius - cell.inner_radius)
            a = cell.start_angle + fa * cell.sweep
            points.append(Point(cell.center.x + r * math.sin(a), cell.center.y - r * math.cos(a)))
    return points


def distance_to_ray(center: Point, angle: float, p: Point) -> float:
    ux, uy = math.sin(angle), -math.cos(angle)
    vx, vy = p.x - center.x, p.y - center.y
    along = vx * ux + vy * uy
    if along <= 0:
        return math.hypot(vx, vy)
    return abs(vx * uy - vy * ux)


def assert_marker_inside(place, cell: Cell, tol: float = 1e-6) -> None:
    d = cell.center.distance_to(place.center)
    assert d + place.radius <= cell.outer_radius + tol, (place, cell)
    if cell.inner_radius > 0:
        assert d - place.radius >= cell.inner_radius - tol, (place, cell)
    if not cell.is_full_turn:
        assert cell.contains(place.center)
        for edge in (cell.start_angle, cell.end_angle):
            assert distance_to_ray(cell.center, edge, place.center) >= place.radius - tol


def assert_no_overlap(places) -> None:
    for a, b in itertools.combinations(places, 2):
        assert a.center.distance_to(b.center) >= a.radius + b.radius - 1e-6, (a, b)


# --- the board itself ------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_board_is_a_circle_centred_in_the_canvas_with_room_for_labels(size):
    width, height = size
    geo = BoardGeometry(width, height, 12)
    assert geo.center == Point(width / 2, height / 2)
    margin_x, margin_y = geo.label_margin
    assert margin_x > 0 and margin_y > 0
    assert geo.radius == pytest.approx(min(width - 2 * margin_x, height - 2 * margin_y) / 2)
    assert geo.center.x - geo.radius >= margin_x - 1e-9
    assert geo.center.y - geo.radius >= margin_y - 1e-9
    assert geo.ring_radii[0] == geo.radius
    assert list(geo.ring_radii) == sorted(geo.ring_radii, reverse=True)
    assert geo.ring_bounds(RING_COUNT - 1)[0] == 0


def test_ring_weights_and_explicit_margins_shape_the_board():
    geo = BoardGeometry(1000, 500, 4, label_margin=(100, 50), ring_weights=(2, 1, 1, 1))
    assert geo.radius == 200
    assert geo.ring_radii == pytest.approx((200, 120, 80, 40))
    flat = BoardGeometry(500, 500, 4, label_margin=0)
    assert flat.radius == 250


@pytest.mark.parametrize("wedge_count", WEDGE_COUNTS)
def test_cells_tile_the_circle(wedge_count):
    geo = BoardGeometry(800, 600, wedge_count)
    cells = geo.cells()
    wedges = max(wedge_count, 1)
    assert len(cells) == wedges * RING_COUNT
    assert [c.key for c in cells] == [(w, r) for w in range(wedges) for r in range(RING_COUNT)]
    for cell in cells:
        assert geo.cell(*cell.key) is cell
        assert cell.sweep == pytest.approx(TAU / wedges)
        if cell.ring > 0:
            assert cell.outer_radius == geo.cell(cell.wedge, cell.ring - 1).inner_radius
        if cell.wedge + 1 < wedges:
            assert cell.end_angle == pytest.approx(geo.cell(cell.wedge + 1, cell.ring).start_angle)
    assert cells[-1].end_angle == pytest.approx(cells[0].start_angle + TAU)


# --- hit-testing -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("wedge_count", WEDGE_COUNTS)
def test_every_point_inside_a_cell_hits_that_cell(wedge_count, size):
    geo = BoardGeometry(*size, wedge_count)
    for cell in geo.cells():
        for point in interior_points(cell):
            hit = geo.cell_at(point)
            assert hit is not None and hit.key == cell.key, (point, cell)
            assert cell.contains(point)
            assert geo.ring_at(point) == cell.ring
            assert geo.wedge_at(point) == cell.wedge


@pytest.mark.parametrize("wedge_count", WEDGE_COUNTS)
def test_centroids_hit_their_own_cell_and_no_other(wedge_count):
    geo = BoardGeometry(800, 600, wedge_count)
    for cell in geo.cells():
        centroid = cell.centroid()
        assert [c.key for c in geo.cells() if c.contains(centroid)] == [cell.key]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("wedge_count", WEDGE_COUNTS)
def test_points_outside_the_circle_hit_nothing(wedge_count, size):
    width, height = size
    geo = BoardGeometry(width, height, wedge_count)
    outside = [Point(0, 0), Point(width, 0), Point(0, height), Point(width, height),
               Point(width * 0.02, height / 2), Point(width * 0.98, height / 2),
               Point(width / 2, height * 0.01), Point(width / 2, height * 0.99),
               Point(-5, -5), Point(width + 50, height / 2)]
    outside += [geo.point_at(geo.radius * 1.001, a * TAU / 72) for a in range(72)]
    for point in outside:
        assert geo.cell_at(point) is None, point
        assert geo.ring_at(point) is None
        assert geo.wedge_at(point) is None
        assert not any(c.contains(point) for c in geo.cells())


def test_rim_and_centre_belong_to_the_board():
    geo = BoardGeometry(800, 600, 12)
    assert geo.cell_at(geo.point_at(geo.radius, 0.3)).ring == 0
    centre = geo.cell_at(geo.center)
    assert centre.ring == RING_COUNT - 1
    assert centre.contains(geo.center)


@settings(max_examples=400, deadline=None)
@given(wedge_count=st.sampled_from(WEDGE_COUNTS + (7, 20)),
       size=st.sampled_from(SIZES),
       fx=st.floats(-0.1, 1.1, allow_nan=False),
       fy=st.floats(-0.1, 1.1, allow_nan=False))
def test_hit_testing_agrees_with_plain_polar_coordinates(wedge_count, size, fx, fy):
    geo = BoardGeometry(*size, wedge_count)
    point = Point(fx * size[0], fy * size[1])
    distance = math.hypot(point.x - geo.center.x, point.y - geo.center.y)
    # Exactly on a boundary either side is right; stay a hair away from them.
    ring_edges = [geo.radius * (1 - sum(DEFAULT_RING_WEIGHTS[:k]) / sum(DEFAULT_RING_WEIGHTS))
                  for k in range(RING_COUNT)]
    assume(all(abs(distance - edge) > 1e-6 for edge in ring_edges))
    if wedge_count > 1 and distance > 1e-6:
        step = 360.0 / wedge_count
        bearing = bearing_degrees(geo, point)
        assume(min(bearing % step, step - bearing % step) > 1e-6)

    hit = geo.cell_at(point)
    ring = expected_ring(geo, distance)
    if ring is None:
        assert hit is None
        return
    assert hit is not None
    assert hit.ring == ring
    if distance > 1e-6:
        assert hit.wedge == expected_wedge(geo, point)
    assert hit.contains(point)
    assert sum(cell.contains(point) for cell in geo.cells()) == 1


def test_rotation_turns_the_wedges():
    geo = BoardGeometry(800, 800, 4, rotation=math.pi / 4)
    assert geo.cell_at(geo.point_at(100, 0.0)).wedge == 3  # 12 o'clock now ends the last wedge
    assert geo.cell_at(geo.point_at(100, math.pi / 2)).wedge == 0


# --- wedge labels ----------------------------------------------------------------------------


def assert_labels_sound(geo: BoardGeometry, labels, measure, *, inside_canvas=True):
    for a, b in itertools.combinations(labels, 2):
        assert not a.box.intersects(b.box), (a, b)
    for label in labels:
        assert label.box.distance_to(geo.center) >= geo.radius, label
        assert label.anchor.distance_to(geo.center) == pytest.approx(geo.radius)
        # the text, wrapped to the box's width, fits the box
        w, h = measure(label.text, label.box.w + 1e-6)
        assert w <= label.box.w + 1e-6 and h <= label.box.h + 1e-6
        if inside_canvas:
            assert label.box.x >= -1e-6 and label.box.y >= -1e-6, label
            assert label.box.right <= geo.width + 1e-6, label
            assert label.box.bottom <= geo.height + 1e-6, label


@pytest.mark.parametrize("size", ((800, 600), (600, 600), (1890, 1417), (400, 300), (600, 900)))
@pytest.mark.parametrize("wedge_count", range(1, 13))
def test_wedge_labels_overlap_neither_each_other_nor_the_board(wedge_count, size):
    geo = BoardGeometry(*size, wedge_count)
    measure = approximate_measure(geo.text_size)
    labels = geo.wedge_labels(RISK_NAMES[:wedge_count], measure)
    assert [label.wedge for label in labels] == list(range(wedge_count))
    assert [label.text for label in labels] == list(RISK_NAMES[:wedge_count])
    assert_labels_sound(geo, labels, measure)


@pytest.mark.parametrize("wedge_count", range(2, 13))
def test_labels_sit_beside_their_wedge_in_wedge_order(wedge_count):
    geo = BoardGeometry(800, 600, wedge_count)
    labels = geo.wedge_labels(RISK_NAMES[:wedge_count])
    right = [lb for lb in labels if lb.align == "left"]
    left = [lb for lb in labels if lb.align == "right"]
    for label in labels:
        mid = geo.mid_angle(label.wedge)
        if label.align == "left":
            assert math.sin(mid) >= -1e-9 and label.box.x > geo.center.x
        elif label.align == "right":
            assert math.sin(mid) < 0 and label.box.right < geo.center.x
        else:
            assert abs(math.sin(mid)) < 1e-9
            assert label.box.center.x == pytest.approx(geo.center.x)
    # going clockwise, labels on the right go down and labels on the left go up
    assert [lb.box.y for lb in right] == sorted(lb.box.y for lb in right)
    assert [lb.box.y for lb in left] == sorted((lb.box.y for lb in left), reverse=True)
    # and each stays near its wedge: the leader line is short
    for label in labels:
        assert label.anchor.distance_to(label.attach) < 0.5 * geo.radius


def test_label_of_a_wedge_pointing_straight_down_is_centred_under_it():
    geo = BoardGeometry(800, 600, 3)
    bottom = geo.wedge_labels(["Housing", "Gangs", "Suicide"])[1]
    assert bottom.align == "center"
    assert bottom.box.y > geo.center.y + geo.radius
    assert bottom.box.center.x == pytest.approx(geo.center.x)


@pytest.mark.parametrize("wedge_count", (0, 1))
def test_single_wedge_gets_one_centred_label_above_the_board(wedge_count):
    geo = BoardGeometry(800, 600, wedge_count)
    (label,) = geo.wedge_labels(["No priority risks have been chosen yet"])
    assert label.align == "center"
    assert label.box.center.x == pytest.approx(geo.center.x)
    assert label.box.bottom <= geo.center.y - geo.radius
    assert geo.wedge_labels([]) == []


def test_twenty_wedges_still_get_separate_labels_inside_the_canvas():
    geo = BoardGeometry(1000, 700, 20)
    names = [f"{RISK_NAMES[i % 12]} ({i})" for i in range(20)]
    measure = approximate_measure(geo.text_size)
    assert_labels_sound(geo, geo.wedge_labels(names, measure), measure)


@pytest.mark.parametrize("size", ((100, 100), (300, 200), (800, 600)))
def test_labels_never_overlap_even_when_they_cannot_fit(size):
    geo = BoardGeometry(*size, 24)
    huge = approximate_measure(geo.text_size * 3)
    labels = geo.wedge_labels([RISK_NAMES[i % 12] for i in range(24)], huge)
    assert_labels_sound(geo, labels, huge, inside_canvas=False)


def test_label_count_must_match_the_wedges():
    geo = BoardGeometry(800, 600, 5)
    with pytest.raises(ValueError):
        geo.wedge_labels(RISK_NAMES[:4])


def test_labels_use_the_measure_they_are_given():
    geo = BoardGeometry(800, 600, 4)
    calls = []

    def measure(text, max_width):
        calls.append((text, max_width))
        return (min(200.0, max_width), 20.0)

    labels = geo.wedge_labels(["a", "b", "c", "d"], measure)
    assert {text for text, _ in calls} == {"a", "b", "c", "d"}
    assert all(label.box.h == 20.0 for label in labels)


# --- ring labels -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("wedge_count", (0, 1, 5, 12))
def test_ring_names_sit_inside_their_own_ring(wedge_count, size):
    geo = BoardGeometry(*size, wedge_count)
    places = geo.ring_label_places(RING_NAMES)
    assert [p.ring for p in places] == list(range(RING_COUNT))
    for place in places:
        assert place.fits, place
        inner, outer = geo.ring_bounds(place.ring)
        assert place.box.farthest_distance(geo.center) <= outer + 1e-6
        if place.ring < RING_COUNT - 1:
            assert place.box.distance_to(geo.center) >= inner - 1e-6
            assert place.anchor.x == pytest.approx(geo.center.x)  # on the vertical axis
            assert place.anchor.y < geo.center.y  # above the centre
        else:
            assert place.anchor == geo.center
    for a, b in itertools.combinations(places, 2):
        assert not a.box.intersects(b.box)


def test_a_ring_name_too_long_for_its_ring_wraps_or_says_it_does_not_fit():
    geo = BoardGeometry(300, 300, 12)
    names = ("Développement social", "Prévention", "Intervention centrée sur le risque",
             "Intervention en cas d'incident")
    for place in geo.ring_label_places(names, approximate_measure(geo.text_size * 1.5)):
        inner, outer = geo.ring_bounds(place.ring)
        inside = place.box.farthest_distance(geo.center) <= outer + 1e-6 and (
            place.ring == RING_COUNT - 1 or place.box.distance_to(geo.center) >= inner - 1e-6)
        assert place.fits == inside
    squeezed = geo.ring_label_places(names, approximate_measure(geo.text_size * 6))
    assert not all(place.fits for place in squeezed)


# --- markers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", (1, 5, 12, 30))
@pytest.mark.parametrize("wedge_count", (1, 12))
@pytest.mark.parametrize("size", ((800, 600), (300, 300)))
def test_markers_in_a_crowded_cell_do_not_overlap_and_stay_inside(wedge_count, count, size):
    geo = BoardGeometry(*size, wedge_count)
    keys = [f"strategy-{i}" for i in range(count)]
    for ring in range(RING_COUNT):
        cell = geo.cell(0, ring)
        layout = geo.place_markers(cell, keys)
        assert layout.cell is cell
        assert_no_overlap(layout.places)
        for place in layout.places:
            assert place.cell is cell
            assert place.radius == layout.radius
            assert_marker_inside(place, cell)
            assert geo.cell_at(place.center) is cell
        assert geo.min_marker_radius - 1e-9 <= layout.radius <= geo.marker_radius + 1e-9
        shown = [p.key for p in layout.markers]
        # every key is shown exactly once or counted in the overflow, in the given order
        assert shown + list(layout.overflow) == keys
        if layout.overflow:
            assert layout.radius == pytest.approx(geo.min_marker_radius)
            if layout.places:
                badge = layout.badge
                assert badge is not None and badge.is_overflow
                assert badge.key == Overflow(0, ring)
                assert badge.hidden_keys == layout.overflow
            else:
                assert layout.overflow == tuple(keys)
        else:
            assert layout.badge is None
            assert len(layout.places) == count


def test_crowded_cells_shrink_markers_before_giving_up():
    geo = BoardGeometry(800, 600, 12)
    cell = geo.cell(0, 0)
    roomy = geo.place_markers(cell, ["a"])
    crowded = geo.place_markers(cell, [str(i) for i in range(30)])
    assert roomy.radius == geo.marker_radius
    assert crowded.radius < geo.marker_radius
    assert not crowded.overflow  # the outer ring of 12 wedges holds 30 small markers


@pytest.mark.parametrize("count", (5, 12, 30))
def test_markers_shrink_only_as_much_as_needed(count):
    geo = BoardGeometry(800, 600, 12)
    keys = [str(i) for i in range(count)]
    for ring in range(RING_COUNT):
        layout = geo.place_markers((0, ring), keys)
        if layout.overflow or layout.radius == geo.marker_radius:
            continue
        bigger = layout.radius * 1.12
        at_bigger = geo.place_markers((0, ring), keys, marker_radius=bigger, min_radius=bigger)
        assert at_bigger.overflow, (ring, layout.radius)


def test_a_single_wedge_spreads_markers_around_its_rings():
    geo = BoardGeometry(800, 600, 0)
    layout = geo.place_markers(geo.cell(0, 1), list(range(6)))
    angles = sorted(angle_of(geo.center, p.center) for p in layout.places)
    gaps = [b - a for a, b in zip(angles, angles[1:])] + [angles[0] + TAU - angles[-1]]
    assert max(gaps) < math.pi  # not bunched on one side
    assert_no_overlap(layout.places)


def test_markers_keep_out_of_avoided_rectangles():
    geo = BoardGeometry(800, 600, 12)
    boxes = [place.box for place in geo.ring_label_places(RING_NAMES)]
    board = geo.layout_markers({(w, r): list(range(8)) for w in (0, 11) for r in range(4)},
                               avoid=boxes)
    assert len(board) > 0
    for place in board:
        for box in boxes:
            assert box.distance_to(place.center) >= place.radius


@pytest.mark.parametrize("wedge_count", (1, 4, 12))
def test_markers_keep_out_of_obstacles_along_the_cell_edges(wedge_count):
    geo = BoardGeometry(800, 600, wedge_count)
    radius = geo.marker_radius
    for ring in (0, 2, 3):
        cell = geo.cell(0, ring)
        edge_points = [point_at(cell.center, cell.outer_radius, cell.start_angle + f * cell.sweep)
                       for f in (i / 60 for i in range(61))]
        if not cell.is_full_turn:
            edge_points += [point_at(cell.center, cell.inner_radius + f * (
                cell.outer_radius - cell.inner_radius), angle)
                for f in (i / 20 for i in range(21)) for angle in (cell.start_angle,
                                                                    cell.end_angle)]
        obstacles = [Rect(p.x - radius / 2, p.y - radius / 2, radius, radius) for p in edge_points]
        layout = geo.place_markers(cell, list(range(200)), marker_radius=radius,
                                   min_radius=radius, avoid=obstacles)
        if ring < RING_COUNT - 1:  # a walled-in bullseye slice may rightly have no room left
            assert layout.places
        assert len(layout.markers) + len(layout.overflow) == 200
        for place in layout.places:
            for box in obstacles:
                assert box.distance_to(place.center) >= place.radius, (ring, place, box)


def test_a_cell_with_no_room_lists_every_key_as_overflow():
    geo = BoardGeometry(100, 100, 20)
    layout = geo.place_markers((0, RING_COUNT - 1), ["a", "b", "c"],
                               marker_radius=10, min_radius=10)
    assert layout.places == ()
    assert layout.overflow == ("a", "b", "c")
    assert layout.badge is None
    assert geo.place_markers((0, 0), []).places == ()


def test_uniform_layout_uses_one_marker_size():
    geo = BoardGeometry(800, 600, 12)
    keys = {(0, 0): list(range(30)), (1, 0): [1], (2, 3): [2, 3]}
    board = geo.layout_markers(keys, uniform=True)
    assert len({p.radius for p in board}) == 1
    assert {p.radius for p in board} == {board.cells[(0, 0)].radius}


# --- finding markers -------------------------------------------------------------------------


def six_hundred_markers(geo: BoardGeometry) -> BoardMarkers:
    keys: dict[tuple[int, int], list] = {}
    for strategy in range(600):
        keys.setdefault((strategy % geo.wedges, (strategy // geo.wedges) % RING_COUNT),
                        []).append(strategy)
    return geo.layout_markers(keys)


@pytest.mark.parametrize("size", ((1200, 900), (800, 600)))
def test_marker_at_finds_every_marker_at_its_centre(size):
    geo = BoardGeometry(*size, 12)
    board = six_hundred_markers(geo)
    assert len(board) == sum(len(c.places) for c in board.cells.values())
    assert len(board) > 100
    assert_no_overlap(board.places)
    for place in board:
        assert board.marker_at(place.center) is place
        assert geo.marker_at(place.center, board) is place
        edge = Point(place.center.x + 0.95 * place.radius, place.center.y)
        assert board.marker_at(edge) is place


def test_marker_at_finds_nothing_between_markers_or_off_the_board():
    geo = BoardGeometry(1200, 900, 12)
    board = six_hundred_markers(geo)
    checked = 0
    for markers in board.cells.values():
        for a, b in itertools.combinations(markers.places, 2):
            if a.center.distance_to(b.center) < 2.6 * a.radius:  # next to each other
                middle = Point((a.center.x + b.center.x) / 2, (a.center.y + b.center.y) / 2)
                assert board.marker_at(middle) is None
                checked += 1
    assert checked > 100
    for point in (Point(0, 0), Point(1200, 900), geo.point_at(geo.radius + 5, 1.0)):
        assert board.marker_at(point) is None


def test_marker_at_accepts_plain_sequences_and_a_touch_slop():
    geo = BoardGeometry(800, 600, 4)
    places = geo.place_markers((0, 0), ["a", "b"]).places
    near = Point(places[0].center.x, places[0].center.y - places[0].radius - 2)
    assert geo.marker_at(places[0].center, places) is places[0]
    assert geo.marker_at(near, places) is None
    assert geo.marker_at(near, places, slop=3) is places[0]
    assert MarkerIndex(places).at(near, slop=3) is places[0]
    assert MarkerIndex([]).at(near) is None


def test_a_strategy_in_several_wedges_has_a_place_in_each():
    geo = BoardGeometry(800, 600, 5)
    board = geo.layout_markers({(w, 1): [("s1", w)] for w in (0, 2, 4)})
    assert {p.cell.wedge for p in board if p.key[0] == "s1"} == {0, 2, 4}
    assert len(board.places_for(("s1", 2))) == 1


# --- keyboard navigation ---------------------------------------------------------------------


def test_neighbours_go_around_the_circle_and_across_the_rings():
    geo = BoardGeometry(800, 600, 5)
    assert geo.neighbour((4, 1), Direction.CLOCKWISE).key == (0, 1)
    assert geo.neighbour((0, 1), Direction.COUNTERCLOCKWISE).key == (4, 1)
    assert geo.neighbour(geo.cell(2, 1), Direction.INWARD).key == (2, 2)
    assert geo.neighbour((2, 1), Direction.OUTWARD).key == (2, 0)
    assert geo.neighbour((2, 0), Direction.OUTWARD) is None
    assert geo.neighbour((2, RING_COUNT - 1), Direction.INWARD) is None
    single = BoardGeometry(800, 600, 0)
    assert single.neighbour((0, 0), Direction.CLOCKWISE) is None
    assert single.neighbour((0, 0), Direction.INWARD).key == (0, 1)


@pytest.mark.parametrize("wedge_count", WEDGE_COUNTS)
def test_every_cell_is_reachable_with_the_neighbour_moves(wedge_count):
    geo = BoardGeometry(800, 600, wedge_count)
    seen, todo = {(0, 0)}, [geo.cell(0, 0)]
    while todo:
        cell = todo.pop()
        for direction in Direction:
            found = geo.neighbour(cell, direction)
            if found is not None and found.key not in seen:
                seen.add(found.key)
                todo.append(found)
    assert seen == {c.key for c in geo.cells()}
    # clockwise all the way round comes back to the start
    cell = geo.cell(0, 2)
    for _ in range(geo.wedges if geo.wedges > 1 else 0):
        cell = geo.neighbour(cell, Direction.CLOCKWISE)
    assert cell.key == (0, 2)


def test_screen_direction_moves_to_a_cell_that_way():
    geo = BoardGeometry(800, 800, 4)
    for cell in geo.cells():
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            found = geo.cell_towards(cell, dx, dy)
            if found is None:
                continue
            a, b = cell.centroid(), found.centroid()
            vx, vy = b.x - a.x, b.y - a.y
            assert (vx * dx + vy * dy) / math.hypot(vx, vy) > 0.3, (cell, found, dx, dy)
    # straight along a wedge's middle: the next ring out, or across the bullseye
    outward = geo.point_at(1, geo.mid_angle(0))
    dx, dy = outward.x - geo.center.x, outward.y - geo.center.y
    assert geo.cell_towards((0, 3), dx, dy).key == (0, 2)
    assert geo.cell_towards((0, 3), -dx, -dy).key == (2, 3)
    assert geo.cell_towards((0, 0), dx, dy) is None  # nothing beyond the rim
    assert geo.cell_towards((0, 0), 0, 0) is None


def test_tab_order_runs_wedge_by_wedge_from_the_rim_inwards():
    geo = BoardGeometry(800, 600, 3)
    board = geo.layout_markers({(2, 0): ["c"], (0, 3): ["b"], (0, 0): ["a1", "a2"]})
    assert [p.key for p in board] == ["a1", "a2", "b", "c"]
    assert board.next_place(None).key == "a1"
    assert board.next_place(None, -1).key == "c"
    assert board.next_place(board.places[-1]).key == "a1"
    assert board.next_place(board.places[0], -1).key == "c"
    empty = geo.layout_markers({})
    assert empty.next_place(None) is None


def test_arrow_keys_move_to_the_nearest_marker_that_way():
    geo = BoardGeometry(800, 800, 4)
    board = geo.layout_markers({(0, 1): ["top-right"], (3, 1): ["top-left"],
                                (1, 1): ["bottom-right"]})
    top_right = board.places_for("top-right")[0]
    assert board.place_towards(top_right, -1, 0).key == "top-left"
    assert board.place_towards(top_right, 0, 1).key == "bottom-right"
    assert board.place_towards(top_right, 1, 0) is None


# --- sizes, scale and conventions ------------------------------------------------------------


def test_geometry_scales_with_the_canvas():
    small, big = BoardGeometry(800, 600, 12), BoardGeometry(1600, 1200, 12)
    assert big.radius == pytest.approx(2 * small.radius)
    assert big.text_size == pytest.approx(2 * small.text_size)
    for a, b in zip(small.cells(), big.cells()):
        assert b.centroid().x == pytest.approx(2 * a.centroid().x)
        assert b.centroid().y == pytest.approx(2 * a.centroid().y)
    keys = {(0, 0): list(range(9)), (5, 2): list(range(3))}
    for a, b in zip(small.layout_markers(keys), big.layout_markers(keys)):
        assert a.key == b.key
        assert b.center.x == pytest.approx(2 * a.center.x)
        assert b.radius == pytest.approx(2 * a.radius)
    for a, b in zip(small.wedge_labels(RISK_NAMES), big.wedge_labels(RISK_NAMES)):
        assert b.box.x == pytest.approx(2 * a.box.x)
        assert b.box.h == pytest.approx(2 * a.box.h)


@pytest.mark.parametrize("size", ((100, 100), (4000, 3000), (10, 5000), (1, 1)))
@pytest.mark.parametrize("wedge_count", (0, 1, 12, 20))
def test_tiny_and_huge_boards_work(size, wedge_count):
    geo = BoardGeometry(*size, wedge_count)
    assert geo.radius > 0
    assert geo.cell_at(geo.center) is not None
    rings = geo.ring_label_places(RING_NAMES)
    names = [RISK_NAMES[i % 12] for i in range(geo.wedges)]
    labels = geo.wedge_labels(names)
    for a, b in itertools.combinations(labels, 2):
        assert not a.box.intersects(b.box)
    board = geo.layout_markers(
        {cell.key: list(range(cell.wedge * 7 % 30)) for cell in geo.cells()},
        avoid=[r.box for r in rings])
    assert_no_overlap(board.places)
    for place in board:
        assert board.marker_at(place.center) is place


def test_invalid_boards_are_refused():
    with pytest.raises(ValueError):
        BoardGeometry(0, 100, 3)
    with pytest.raises(ValueError):
        BoardGeometry(100, math.nan, 3)
    with pytest.raises(ValueError):
        BoardGeometry(100, 100, -1)
    with pytest.raises(ValueError):
        BoardGeometry(100, 100, 3, ring_weights=(1, 1, 1))
    with pytest.raises(ValueError):
        BoardGeometry(100, 100, 3, ring_weights=(1, 1, 0, 1))
    with pytest.raises(ValueError):
        BoardGeometry(100, 100, 3, label_margin=50)
    with pytest.raises(ValueError):
        BoardGeometry(100, 100, 3, label_margin=-1)
    geo = BoardGeometry(100, 100, 3)
    with pytest.raises(IndexError):
        geo.cell(3, 0)
    with pytest.raises(IndexError):
        geo.cell(0, RING_COUNT)
    with pytest.raises(ValueError):
        geo.ring_label_places(RING_NAMES[:3])
    with pytest.raises(ValueError):
        geo.place_markers((0, 0), ["a"], marker_radius=0)


def test_angles_run_clockwise_from_twelve_o_clock():
    c = Point(100, 100)
    assert point_at(c, 10, 0) == pytest.approx(Point(100, 90))
    right = point_at(c, 10, math.pi / 2)
    assert (right.x, right.y) == pytest.approx((110, 100))
    assert angle_of(c, Point(100, 110)) == pytest.approx(math.pi)
    assert angle_of(c, Point(90, 100)) == pytest.approx(3 * math.pi / 2)
    assert 0 <= angle_of(c, Point(100 - 1e-17, 50)) < TAU
    assert to_qt_degrees(0) == 90  # Qt counts counter-clockwise from 3 o'clock
    assert to_qt_degrees(math.pi / 2) == pytest.approx(0)


def test_rect_helpers():
    r = Rect(0, 0, 10, 5)
    assert r.contains(Point(10, 5)) and not r.contains(Point(10.1, 5))
    assert r.intersects(Rect(9, 4, 5, 5))
    assert not r.intersects(Rect(10, 0, 5, 5))  # touching edges only
    assert r.distance_to(Point(13, 9)) == 5
    assert r.distance_to(Point(5, 2)) == 0
    assert r.adjusted(1) == Rect(-1, -1, 12, 7)


def test_approximate_measure_wraps_words_at_the_width():
    measure = approximate_measure(10)  # 5.5 per character, 12.5 per line
    assert measure("Housing", math.inf) == pytest.approx((38.5, 12.5))
    w, h = measure("Mental health and addictions among youth", 100)
    assert w <= 100 and h == pytest.approx(12.5 * 3)
    assert measure("Supercalifragilistic", 20)[0] > 20  # a long word keeps its own line
    assert measure("", 100) == (0.0, 0.0)
    assert measure("two\nlines", math.inf)[1] == pytest.approx(25)


def test_geometry_imports_no_qt():
    import subprocess
    import sys

    code = ("import sys, cswb_desktop.board.geometry; "
            "print(any(m.startswith(('PySide6', 'PyQt', 'shiboken')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
