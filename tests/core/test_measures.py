"""The on-track rule for indicators: increase, decrease, maintain, missing data, qualitative."""

import datetime

import pytest

from cswb_desktop.core.measures import (
    NO_DATA, NOT_RATED, OFF_TRACK, ON_TRACK, STATUS_LABELS, expected_share, indicator_status,
    latest_measurement, progress_share,
)
from cswb_desktop.core.records import Indicator, Measurement

D = datetime.date


def indicator(direction="increase", baseline=40.0, target=80.0, start="2024-01-01",
              end="2028-01-01", **more):
    return Indicator(id="i", outcome_id="o", name="Test", direction=direction,
                     baseline_value=baseline, target_value=target, baseline_on=start,
                     target_on=end, **more)


def m(day, value=None, text="", iid="i"):
    return Measurement(id=f"m{day}{value}", indicator_id=iid, measured_on=day, value=value,
                       text_value=text)


def test_labels_cover_every_status():
    assert set(STATUS_LABELS) == {ON_TRACK, OFF_TRACK, NO_DATA, NOT_RATED}


def test_shares():
    ind = indicator()
    assert expected_share(ind, D(2026, 1, 1)) == pytest.approx(731 / 1461)
    assert expected_share(ind, D(2030, 1, 1)) == 1.0
    assert expected_share(ind, D(2020, 1, 1)) == 0.0
    assert progress_share(ind, 60.0) == 0.5
    assert progress_share(indicator(baseline=None), 60.0) is None


def test_increase_on_and_off_the_straight_line():
    ind = indicator()
    # Halfway through the period: about 50 % of the way expected, 40 % allowed with the margin.
    assert indicator_status(ind, [m("2026-01-01", 60.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 57.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 52.0)], D(2026, 6, 1)) == OFF_TRACK
    assert indicator_status(ind, [m("2026-01-01", 30.0)], D(2026, 6, 1)) == OFF_TRACK
    # Reaching the target early is on track.
    assert indicator_status(ind, [m("2025-01-01", 85.0)], D(2025, 6, 1)) == ON_TRACK


def test_decrease_mirrors_increase():
    ind = indicator("decrease", baseline=42.0, target=7.0)
    assert indicator_status(ind, [m("2026-01-01", 24.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 35.0)], D(2026, 6, 1)) == OFF_TRACK
    assert indicator_status(ind, [m("2026-01-01", 50.0)], D(2026, 6, 1)) == OFF_TRACK
    assert indicator_status(ind, [m("2025-01-01", 6.0)], D(2026, 6, 1)) == ON_TRACK


def test_the_latest_measurement_decides_and_future_ones_are_ignored():
    ind = indicator()
    ms = [m("2025-01-01", 30.0), m("2026-01-01", 62.0), m("2027-06-01", 20.0)]
    assert latest_measurement(ind, ms, D(2026, 6, 1)).value == 62.0
    assert indicator_status(ind, ms, D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, ms, D(2027, 7, 1)) == OFF_TRACK
    # Another indicator's measurements and undated or empty ones are not used.
    others = [m("2026-01-01", 90.0, iid="other"), m("", 90.0), m("2026-02-01", None)]
    assert latest_measurement(ind, others, D(2027, 1, 1)) is None


def test_maintain_stays_within_five_percent_of_the_target():
    ind = indicator("maintain", baseline=90.0, target=90.0)
    assert indicator_status(ind, [m("2026-01-01", 87.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 94.5)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 80.0)], D(2026, 6, 1)) == OFF_TRACK
    # Falls back to the baseline without a target; zero uses an absolute band.
    assert indicator_status(indicator("maintain", baseline=10.0, target=None),
                            [m("2026-01-01", 10.4)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(indicator("maintain", baseline=0.0, target=0.0),
                            [m("2026-01-01", 0.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(indicator("maintain", baseline=0.0, target=0.0),
                            [m("2026-01-01", 1.0)], D(2026, 6, 1)) == OFF_TRACK


def test_no_data_without_baseline_target_or_measurement():
    assert indicator_status(indicator(), [], D(2026, 1, 1)) == NO_DATA
    assert indicator_status(indicator(baseline=None), [m("2026-01-01", 60.0)], D(2026, 6, 1)) == NO_DATA
    assert indicator_status(indicator(target=None), [m("2026-01-01", 60.0)], D(2026, 6, 1)) == NO_DATA
    assert indicator_status(indicator("maintain", baseline=None, target=None),
                            [m("2026-01-01", 1.0)], D(2026, 6, 1)) == NO_DATA


def test_without_dates_only_the_direction_counts():
    ind = indicator(start=None, end=None)
    assert indicator_status(ind, [m("2026-01-01", 41.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 40.0)], D(2026, 6, 1)) == OFF_TRACK
    down = indicator("decrease", baseline=10.0, target=5.0, start=None, end=None)
    assert indicator_status(down, [m("2026-01-01", 9.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(down, [m("2026-01-01", 11.0)], D(2026, 6, 1)) == OFF_TRACK


def test_target_on_the_wrong_side_only_counts_when_reached():
    ind = indicator("increase", baseline=50.0, target=40.0)
    assert indicator_status(ind, [m("2026-01-01", 45.0)], D(2026, 6, 1)) == ON_TRACK
    assert indicator_status(ind, [m("2026-01-01", 30.0)], D(2026, 6, 1)) == OFF_TRACK


def test_qualitative_indicators_are_described_not_rated():
    ind = indicator(measure_type="qualitative", baseline=None, target=None,
                    baseline_text="Few know", target_text="Most know")
    assert indicator_status(ind, [], D(2026, 1, 1)) == NO_DATA
    assert indicator_status(ind, [m("2025-01-01", text="People said so")], D(2026, 1, 1)) == NOT_RATED
    assert latest_measurement(ind, [m("2025-01-01", text="a"), m("2025-06-01", text="b")]).text_value == "b"
