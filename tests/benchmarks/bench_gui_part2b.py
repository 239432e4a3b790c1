"""Benchmark: the logic models, measurement, implementation and review steps with the large plan
(600 strategies, 1,800 outcomes, 2,000 indicators, 20,000 measurements, 5,000 actions).
Target on the development machine: the review checks under 500 ms (core checks plus the refresh
of the review page: findings list and balance chart). Also reported: switching to the
measurement, implementation and logic models steps, and the round trip of one measurement edit
with the measurement step on screen.

Run: python3 tests/benchmarks/bench_gui_part2b.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CSWB_DESKTOP_HOME", tempfile.mkdtemp(prefix="cswb-bench-"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.benchmarks.bench_planfile import large_plan_file  # noqa: E402


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"


def _timed(action) -> float:
    t0 = time.perf_counter()
    action()
    QApplication.processEvents()
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from cswb_desktop.core.checks import run_checks
    from cswb_desktop.gui.main_window import MainWindow

    source = large_plan_file()
    work = Path(tempfile.mkdtemp(prefix="cswb-bench-files-"))
    target = work / "large.cswb"
    target.write_bytes(source.read_bytes())

    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    assert window.open_path(str(target))
    app.processEvents()
    view, doc, plan = window.view, window.doc, window.session.plan
    assert plan.strategies.count() == 600 and plan.measurements.count() == 20_000

    # The review: core checks alone, then the page's whole refresh (checks, list, balance).
    core = [_timed(lambda: run_checks(plan)) for _ in range(args.rounds)]
    first_review = _timed(lambda: view.show_step("review"))
    review = view.pages["review"]
    assert review.model.rowCount() == len(run_checks(plan))
    refreshes = [_timed(review.refresh) for _ in range(args.rounds)]

    # Switching to a step: the first visit builds the page; later visits after an edit elsewhere
    # find it stale and refresh it.
    strategy = plan.strategies.list()[0]
    results: dict[str, tuple[float, list[float]]] = {}
    for code in ("measurement", "implementation", "logic_models"):
        view.show_step("profile")
        app.processEvents()
        first = _timed(lambda: view.show_step(code))
        returns = []
        for i in range(args.rounds):
            view.show_step("profile")
            app.processEvents()
            doc.update(plan.strategies, strategy.id, "Rename Strategy", title=f"{strategy.title} ({i})")
            app.processEvents()
            returns.append(_timed(lambda: view.show_step(code)))
        results[code] = (first, returns)
    assert view.pages["measurement"].model.rowCount() == 600
    assert view.pages["implementation"].action_panel.count() == 5_000

    # One measurement typed with the measurement step on screen: the undoable edit, the step's
    # refresh (tree, status, chart) and the navigator's states.
    view.show_step("measurement")
    app.processEvents()
    page = view.pages["measurement"]
    measurement = plan.measurements.list()[0]
    page.select(measurement.indicator_id)
    edits = []
    for i in range(args.rounds):
        edits.append(_timed(lambda: doc.update(plan.measurements, measurement.id, "Change Measurement Value",
                                               value=float(100 + i))))
    window.ask_unsaved = lambda: "discard"
    window.close_plan()

    print(f"review checks, core only: {_ms(core)}")
    print(f"review page refresh (checks + findings list + balance): {_ms(refreshes)}; "
          f"first visit {first_review * 1000:.0f} ms")
    for code, (first, returns) in results.items():
        print(f"switch to {code}: first visit {first * 1000:.0f} ms; back after an edit {_ms(returns)}")
    print(f"one measurement edit with the measurement step shown: {_ms(edits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
