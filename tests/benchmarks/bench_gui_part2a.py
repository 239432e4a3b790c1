"""Benchmark: the strategies and prioritisation steps with the large plan (30 risks, 600 strategies,
300 partners). Targets on the development machine: switching to the strategies step under 300 ms;
re-ranking the 30 risks after a weight change (the undoable edit, the refresh of the grid) under
100 ms.

Run: python3 tests/benchmarks/bench_gui_part2a.py [--rounds N]
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

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.benchmarks.bench_planfile import large_plan_file  # noqa: E402


def _ms(values: list[tuple[float, float]]) -> str:
    """Wall-clock and this process's CPU time; on a busy machine the CPU time is the fairer figure."""
    wall = [w for w, _ in values]
    cpu = [c for _, c in values]
    return (f"median {statistics.median(wall) * 1000:.0f} ms (min {min(wall) * 1000:.0f}, max "
            f"{max(wall) * 1000:.0f}); CPU median {statistics.median(cpu) * 1000:.0f} ms")


class _Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.result = (time.perf_counter() - self.wall, time.process_time() - self.cpu)
        return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
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
    assert plan.risks.count() == 30 and plan.strategies.count() == 600

    # Switching to the strategies step: the first visit builds the page; later visits after an
    # edit elsewhere refresh it (list, links, coverage matrix, assets).
    view.show_step("risks")
    app.processEvents()
    with _Timer() as first_visit:
        view.show_step("strategies")
        app.processEvents()
    page = view.pages["strategies"]
    assert page.list.model.rowCount() == 600 and page.coverage.model.rowCount() == 12

    returns = []
    risk = plan.risks.list()[0]
    for i in range(args.rounds):
        view.show_step("risks")
        app.processEvents()
        doc.update(plan.risks, risk.id, "Rename Risk", title=f"{risk.title} ({i})")  # makes the page stale
        app.processEvents()
        with _Timer() as timer:
            view.show_step("strategies")
            app.processEvents()
        returns.append(timer.result)

    # Re-ranking after a weight change, with the prioritisation step on screen.
    view.show_step("prioritisation")
    app.processEvents()
    prio = view.pages["prioritisation"]
    criterion = plan.criteria.list()[0]
    reranks = []
    for i in range(args.rounds):
        weight = 1.0 + (i % 5)
        with _Timer() as timer:
            doc.update(plan.criteria, criterion.id, "Change Criterion Weight", weight=weight)
            app.processEvents()
        reranks.append(timer.result)
        header = prio.model.headerData(prio.model.column_of(criterion.id), Qt.Orientation.Horizontal)
        assert f"weight {weight:g}" in header
    assert prio.model.rowCount() == 30
    # The step's own part of that: read scores, rank, refill the grid (the rest is the navigator
    # recomputing every step's state, which any edit pays).
    refreshes = []
    for _ in range(args.rounds):
        with _Timer() as timer:
            prio.refresh()
            app.processEvents()
        refreshes.append(timer.result)
    navigator = []
    for _ in range(args.rounds):
        with _Timer() as timer:
            view.refresh_states()
        navigator.append(timer.result)

    print(f"switch to the strategies step, first visit (build + fill): {_ms([first_visit.result])}")
    print(f"switch to the strategies step after an edit elsewhere: {_ms(returns)} over {args.rounds} rounds")
    print(f"re-rank 30 risks after a weight change (edit + every listener): {_ms(reranks)} over {args.rounds} rounds")
    print(f"  of which the prioritisation step's re-rank and grid refresh: {_ms(refreshes)}")
    print(f"  of which the step navigator's states (all steps, readiness checks): {_ms(navigator)}")
    window.ask_unsaved = lambda: "discard"
    window.close_plan()
    return 0


if __name__ == "__main__":
    sys.exit(main())
