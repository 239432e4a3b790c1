"""Whether an indicator is on track: one rule for the measurement step and the progress report.

The rule (STATUS_RULE below says the same to the reader of a report):

* An indicator needs a baseline, a target and at least one measurement taken on or before the day
  of judgement; otherwise it has **no data**.
* **Increase / decrease**: the latest value should have covered at least as much of the way from
  the baseline to the target as time has covered from the baseline date to the target date (a
  straight-line path), less a margin of one tenth of the way. A value at or beyond the target is
  always on track. Without both dates only the direction counts: on track when the latest value has
  moved from the baseline toward the target (or stayed at the target).
* **Maintain**: on track while the latest value stays within 5 % of the target (of the baseline
  when no target is set; within 0.05 when that value is zero).
* A qualitative indicator cannot be judged by a rule: with a written observation it is
  **not rated** (the words speak for themselves), without one it has **no data**.

Pure Python: the GUI and the Word export both call it.
"""

from __future__ import annotations

import datetime
from typing import Iterable

from .records import Indicator, Measurement, as_date

ON_TRACK = "on_track"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
NOT_RATED = "not_rated"

STATUS_LABELS: dict[str, str] = {
    ON_TRACK: "On track",
    OFF_TRACK: "Off track",
    NO_DATA: "No data",
    NOT_RATED: "Not rated (qualitative)",
}

MARGIN = 0.10  # share of the way from baseline to target an indicator may lag and stay on track
MAINTAIN_TOLERANCE = 0.05  # relative band around the value to maintain

STATUS_RULE = (
    "How the status is decided: an indicator is on track when its latest value has gone at "
    "least as far from the baseline toward the target as the time passed since the baseline "
    "date would suggest on a straight line to the target date (less a margin of one tenth of "
    "the way), or has already reached the target. When the baseline or target date is missing, "
    "it is on track if the latest value has moved the right way. An indicator meant to stay "
    "steady is on track while it stays within 5 % of its target. Without a baseline, a target "
    "or a measurement there is no data; qualitative indicators are described, not rated."
)


_date = as_date


def _usable(measurement: Measurement, qualitative: bool) -> bool:
    if _date(measurement.measured_on) is None:
        return False
    if qualitative:
        return bool(measurement.text_value.strip())
    return measurement.value is not None


def usable_measurements(indicator: Indicator, measurements: Iterable[Measurement],
                        on_or_before: datetime.date | None = None) -> list[Measurement]:
    """The indicator's dated measurements that carry a value of its kind, oldest first."""
    qualitative = indicator.measure_type == "qualitative"
    chosen = [m for m in measurements
              if m.indicator_id == indicator.id and _usable(m, qualitative)
              and (on_or_before is None or _date(m.measured_on) <= on_or_before)]
    return sorted(chosen, key=lambda m: (m.measured_on, m.created_at, m.id))


def latest_measurement(indicator: Indicator, measurements: Iterable[Measurement],
                       on_or_before: datetime.date | None = None) -> Measurement | None:
    """The most recent usable measurement (of the indicator's kind), or None."""
    chosen = usable_measurements(indicator, measurements, on_or_before)
    return chosen[-1] if chosen else None


def expected_share(indicator: Indicator, when: datetime.date) -> float | None:
    """Share of the time from baseline date to target date passed at `when` (0–1), or None."""
    start, end = _date(indicator.baseline_on), _date(indicator.target_on)
    if start is None or end is None or end <= start:
        return None
    share = (when - start).days / (end - start).days
    return min(1.0, max(0.0, share))


def progress_share(indicator: Indicator, value: float) -> float | None:
    """Share of the way from baseline to target that `value` has covered (may be < 0 or > 1)."""
    if indicator.baseline_value is None or indicator.target_value is None:
        return None
    gap = indicator.target_value - indicator.baseline_value
    if gap == 0:
        return None
    return (value - indicator.baseline_value) / gap


def _reached(indicator: Indicator, value: float) -> bool:
    target = indicator.target_value
    assert target is not None
    if indicator.direction == "decrease":
        return value <= target
    return value >= target


def indicator_status(indicator: Indicator, measurements: Iterable[Measurement],
                     today: datetime.date) -> str:
    """ON_TRACK, OFF_TRACK, NO_DATA or NOT_RATED, judged on `today` (later measurements ignored)."""
    latest = latest_measurement(indicator, measurements, today)
    if indicator.measure_type == "qualitative":
        return NOT_RATED if latest is not None else NO_DATA
    if latest is None or latest.value is None:
        return NO_DATA
    value = latest.value

    if indicator.direction == "maintain":
        reference = indicator.target_value
        if reference is None:
            reference = indicator.baseline_value
        if reference is None:
            return NO_DATA
        band = abs(reference) * MAINTAIN_TOLERANCE if reference else MAINTAIN_TOLERANCE
        return ON_TRACK if abs(value - reference) <= band + 1e-12 else OFF_TRACK

    if indicator.baseline_value is None or indicator.target_value is None:
        return NO_DATA
    if _reached(indicator, value):
        return ON_TRACK
    sign = -1.0 if indicator.direction == "decrease" else 1.0
    if (indicator.target_value - indicator.baseline_value) * sign <= 0:
        # The target is not beyond the baseline in the wanted direction: only reaching it counts.
        return OFF_TRACK
    progress = progress_share(indicator, value)
    assert progress is not None
    expected = expected_share(indicator, _date(latest.measured_on))
    if expected is None:
        return ON_TRACK if progress > 0 else OFF_TRACK
    return ON_TRACK if progress >= expected - MARGIN - 1e-12 else OFF_TRACK
