"""Benchmark of the Word export. Targets: the demo plan's document under 1 s; the large benchmark
plan (600 strategies, 2,000 indicators, 20,000 measurements, 5,000 actions) under 10 s.

Run: python tests/benchmarks/bench_export.py [--rounds N] [--progress]
The plans are built in memory first (the large one takes several seconds; not timed). Each round
is a whole export: reading the plan, drawing the target board (and, with --progress, a trend chart
per indicator), building the document and writing it beside a temporary target.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cswb_desktop.core.sample import new_demo_plan_in_memory  # noqa: E402
from cswb_desktop.export import export_plan, export_progress_report  # noqa: E402

TODAY = datetime.date(2025, 6, 30)


def timed(label: str, run, rounds: int) -> float:
    """Wall-clock and CPU seconds; on a busy machine the CPU time is the steadier figure."""
    times, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(times)
    print(f"{label}: median {median:.2f} s (CPU {statistics.median(cpu):.2f} s), "
          f"min {min(times):.2f} s, max {max(times):.2f} s "
          f"over {rounds} round{'s' if rounds != 1 else ''}", flush=True)
    return median


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--progress", action="store_true",
                        help="also time the progress reports (a chart per indicator)")
    args = parser.parse_args()
    os.environ.setdefault("CSWB_DESKTOP_HOME", tempfile.mkdtemp(prefix="cswb-bench-"))
    folder = Path(tempfile.mkdtemp(prefix="cswb-bench-export-"))

    from cswb_desktop.charts import ensure_painting_application

    ensure_painting_application()  # once, as a running program would have it
    demo = new_demo_plan_in_memory(TODAY)
    timed("demo plan, plan document (target < 1 s)",
          lambda: export_plan(demo, folder / "demo.docx", today=TODAY), args.rounds)
    if args.progress:
        timed("demo plan, progress report",
              lambda: export_progress_report(demo, folder / "demo-progress.docx", today=TODAY),
              args.rounds)

    from tests.benchmarks.large_plan import new_large_plan_in_memory

    print("building the large plan (not timed)…", flush=True)
    large = new_large_plan_in_memory(TODAY)
    rounds = max(1, min(args.rounds, 3))
    timed("large plan, plan document (target < 10 s)",
          lambda: export_plan(large, folder / "large.docx", today=TODAY), rounds)
    size = (folder / "large.docx").stat().st_size / 1e6
    print(f"large plan document: {size:.1f} MB", flush=True)
    if args.progress:
        timed("large plan, progress report (2,000 charts)",
              lambda: export_progress_report(large, folder / "large-progress.docx", today=TODAY),
              1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
