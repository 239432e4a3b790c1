"""Benchmark: open and save of the large plan (300 partners, 600 strategies, 2,000 indicators,
20,000 measurements, 5,000 actions). Target on the development machine: each under 1 second.

Run: python3 tests/benchmarks/bench_planfile.py [--rounds N]
The large plan is built once (about 10 s) and cached in the system's temporary folder.
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

from cswb_desktop.core import planfile  # noqa: E402
from cswb_desktop.core.summary import step_counts  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "cswb-benchmark-large-plan.cswb"


def large_plan_file() -> Path:
    if not CACHE.exists():
        from tests.benchmarks.large_plan import build_large_plan

        print("building the large plan once…", flush=True)
        planfile.create_plan_file(CACHE, community="Benchmark", fill=build_large_plan, force=True)
    return CACHE


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("CSWB_DESKTOP_HOME", tempfile.mkdtemp(prefix="cswb-bench-"))
    source = large_plan_file()
    work = Path(tempfile.mkdtemp(prefix="cswb-bench-files-"))
    target = work / "large.cswb"
    target.write_bytes(source.read_bytes())
    print(f"plan file: {target.stat().st_size / 1e6:.1f} MB")

    opens, saves = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        session = planfile.open_plan(target)
        counts = session.plan.counts()
        steps = step_counts(session.plan)
        t1 = time.perf_counter()
        session.plan.partners.add(organisation="One more partner")
        t2 = time.perf_counter()
        session.save()
        t3 = time.perf_counter()
        session.close()
        opens.append(t1 - t0)
        saves.append(t3 - t2)
    assert counts["strategy"] == 600 and steps
    print(f"open (copy + checks + migrate + summary): median {statistics.median(opens) * 1000:.0f} ms, "
          f"max {max(opens) * 1000:.0f} ms over {args.rounds} rounds")
    print(f"save (VACUUM INTO + fsync + replace + backup): median {statistics.median(saves) * 1000:.0f} ms, "
          f"max {max(saves) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
