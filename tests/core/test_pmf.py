"""Bulk reads of the measurement framework agree with the per-indicator rule."""

import datetime
import random

from cswb_desktop.core import measures
from cswb_desktop.core.pmf import indicator_statuses, latest_measurements, measurement_counts
from cswb_desktop.core.sample import new_demo_plan_in_memory


def test_bulk_statuses_match_the_rule_applied_to_all_measurements():
    plan = new_demo_plan_in_memory()
    rng = random.Random(7)
    indicators = plan.indicators.list()
    # add some awkward ones: future dates, empty values, words on a quantitative indicator
    for indicator in indicators[:6]:
        plan.measurements.add(indicator_id=indicator.id, measured_on="2099-01-01", value=1.0)
        plan.measurements.add(indicator_id=indicator.id, measured_on="2001-01-01")
        plan.measurements.add(indicator_id=indicator.id, measured_on="2002-01-01", text_value="words")
    everything = plan.measurements.list()
    for _ in range(5):
        today = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 4000))
        latest = latest_measurements(plan, today)
        statuses = indicator_statuses(indicators, latest, today)
        for indicator in indicators:
            mine = [m for m in everything if m.indicator_id == indicator.id]
            assert statuses[indicator.id] == measures.indicator_status(indicator, mine, today)
            expected = measures.latest_measurement(indicator, mine, today)
            got = latest.get(indicator.id)
            assert (got.id if got else None) == (expected.id if expected else None)
            if got is not None:
                assert (got.value, got.text_value, got.measured_on) == \
                    (expected.value, expected.text_value, expected.measured_on)
    counts = measurement_counts(plan)
    assert sum(counts.values()) == len(everything)
    assert counts[indicators[0].id] == sum(1 for m in everything if m.indicator_id == indicators[0].id)
