"""Benchmark of the target board geometry: hit-testing cells and markers on a crowded board.

The board has 12 priority risks and 600 markers (and, closer to the large benchmark plan, 600
strategies serving one or two risks each, about 900 markers). The goal set for the board is a
hit-test under 1 ms.

Run directly for a table of figures:   python tests/benchmarks/bench_board_geometry.py
or with pytest-benchmark:              python -m pytest tests/benchmarks/bench_board_geometry.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

try:
    import cswb_desktop  # noqa: F401
except ImportError:  # run from a source checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cswb_desktop.board.geometry import RING_COUNT, BoardGeometry, Point

WEDGES = 12
RING_NAMES = ("Social development", "Prevention", "Risk intervention", "Incident response")
RISK_NAMES = [f"Priority risk number {i + 1} with a fairly long name" for i in range(WEDGES)]
RING_SHARE = (0.35, 0.35, 0.2, 0.1)  # most strategies in the outer rings, as the guidance asks


def one_marker_each(geo: BoardGeometry, markers: int = 600) -> dict[tuple[int, int], list]:
    rng = random.Random(42)
    keys: dict[tuple[int, int], list] = {}
    for strategy in range(markers):
        ring = rng.choices(range(RING_COUNT), RING_SHARE)[0]
        keys.setdefault((rng.randrange(geo.wedges), ring), []).append((strategy, 0))
    return keys


def one_or_two_risks_each(geo: BoardGeometry, strategies: int = 600) -> dict[tuple[int, int], list]:
    rng = random.Random(42)
    keys: dict[tuple[int, int], list] = {}
    for strategy in range(strategies):
        ring = rng.choices(range(RING_COUNT), RING_SHARE)[0]
        for wedge in rng.sample(range(geo.wedges), rng.choice((1, 2))):
            keys.setdefault((wedge, ring), []).append((strategy, wedge))
    return keys


def probe_points(geo: BoardGeometry, count: int = 5000) -> list[Point]:
    rng = random.Random(7)
    return [Point(rng.uniform(0, geo.width), rng.uniform(0, geo.height)) for _ in range(count)]


def board(width: float = 1200, height: float = 900, keys=one_marker_each):
    geo = BoardGeometry(width, height, WEDGES)
    avoid = [place.box for place in geo.ring_label_places(RING_NAMES)]
    return geo, geo.layout_markers(keys(geo), avoid=avoid)


# --- pytest-benchmark ------------------------------------------------------------------------


def test_cell_at(benchmark):
    geo, _ = board()
    points = probe_points(geo, 1000)
    benchmark(lambda: [geo.cell_at(p) for p in points])


def test_marker_at_600_markers(benchmark):
    geo, markers = board()
    points = probe_points(geo, 1000) + [p.center for p in markers]
    benchmark(lambda: [markers.marker_at(p) for p in points])


def test_layout_600_markers(benchmark):
    geo, _ = board()
    keys = one_marker_each(geo)
    benchmark(lambda: geo.layout_markers(keys))


def test_wedge_labels_12(benchmark):
    geo, _ = board()
    benchmark(lambda: geo.wedge_labels(RISK_NAMES))


# --- plain script ----------------------------------------------------------------------------


def per_call(fn, items, repeats: int = 7) -> tuple[float, float]:
    """Median and worst-of-medians time per call, in microseconds."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            fn(item)
        runs.append((time.perf_counter() - start) / len(items) * 1e6)
    return statistics.median(runs), max(runs)


def once(fn, repeats: int = 7) -> float:
    """Median time of one call, in milliseconds."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1e3)
    return statistics.median(runs)


def main() -> None:
    print(f"Python {sys.version.split()[0]} — board geometry, {WEDGES} wedges")
    for label, size, keys in (("600 markers", (1200, 900), one_marker_each),
                              ("600 markers", (800, 600), one_marker_each),
                              ("600 strategies x 1-2 risks", (1200, 900), one_or_two_risks_each)):
        geo, markers = board(*size, keys=keys)
        probes = probe_points(geo)
        centres = [p.center for p in markers]
        overflow = sum(len(c.overflow) for c in markers.cells.values())
        print(f"\n{label} on {size[0]}x{size[1]}: {len(markers)} places drawn, "
              f"{overflow} keys behind '+N' badges")
        cell_med, cell_max = per_call(geo.cell_at, probes)
        hit_med, hit_max = per_call(markers.marker_at, centres)
        miss_med, miss_max = per_call(markers.marker_at, probes)
        plain_med, _ = per_call(lambda p: geo.marker_at(p, markers.places), centres[:200], 3)
        board_keys = keys(geo)
        layout_ms = once(lambda: geo.layout_markers(board_keys))
        rows = (
            ("cell_at", f"{cell_med:7.2f} µs/call (slowest run {cell_max:.2f})"),
            ("marker_at, on a marker", f"{hit_med:7.2f} µs/call (slowest run {hit_max:.2f})"),
            ("marker_at, random points", f"{miss_med:7.2f} µs/call (slowest run {miss_max:.2f})"),
            ("marker_at, plain list", f"{plain_med:7.1f} µs/call (no index kept)"),
            ("layout_markers, whole board", f"{layout_ms:7.2f} ms"),
            ("wedge_labels, 12", f"{once(lambda: geo.wedge_labels(RISK_NAMES)):7.2f} ms"),
            ("ring_label_places, 4", f"{once(lambda: geo.ring_label_places(RING_NAMES)):7.2f} ms"),
            ("BoardGeometry(...)", f"{once(lambda: BoardGeometry(*size, WEDGES)):7.3f} ms"),
        )
        for name, figure in rows:
            print(f"  {name:30s} {figure}")

if __name__ == "__main__":
    main()
