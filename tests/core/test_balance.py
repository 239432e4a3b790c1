"""The balance of a plan across the four areas: counts, budgets, shares and the unbalanced rule."""

import pytest

from cswb_desktop.core.balance import balance_of_plan, plan_balance
from cswb_desktop.core.framework import AREA_CODES
from cswb_desktop.core.records import Strategy
from cswb_desktop.core.sample import new_demo_plan_in_memory


def s(area, budget=None, n=[0]):
    n[0] += 1
    return Strategy(id=f"s{n[0]}", area=area, budget=budget)


def test_an_empty_plan_has_zero_shares_and_is_not_judged():
    b = plan_balance([])
    assert b.total_strategies == 0 and b.total_budget == 0
    assert [a.area for a in b.areas] == list(AREA_CODES)
    assert all(a.strategy_share == 0 and a.budget_share == 0 for a in b.areas)
    assert not b.unbalanced


def test_counts_budgets_and_shares_per_area():
    b = plan_balance([s("social_development", 600.0), s("social_development", 200.0),
                      s("prevention", None), s("incident_response", 200.0)])
    assert b.total_strategies == 4 and b.total_budget == 1000.0 and b.without_budget == 1
    sd, pr, ri, ir = b.areas
    assert (sd.strategies, sd.budget, sd.strategy_share, sd.budget_share) == (2, 800.0, 0.5, 0.8)
    assert (pr.strategies, pr.budget, pr.strategy_share, pr.budget_share) == (1, 0.0, 0.25, 0.0)
    assert (ri.strategies, ri.strategy_share) == (0, 0.0)
    assert (ir.strategies, ir.budget_share) == (1, 0.2)
    assert b.outer_strategy_share == pytest.approx(0.75)
    assert b.outer_budget_share == pytest.approx(0.8)
    assert not b.unbalanced
    assert b.area("incident_response") is ir


def test_incident_response_holding_the_largest_share_is_unbalanced():
    # 2 of 5 strategies (40 %) is more than any other area holds.
    b = plan_balance([s("incident_response"), s("incident_response"), s("prevention"),
                      s("social_development"), s("risk_intervention")])
    assert b.heavy_by_strategies and not b.heavy_by_budget and b.unbalanced


def test_a_tie_for_the_largest_share_is_not_enough_below_half():
    b = plan_balance([s(a) for a in AREA_CODES])  # 25 % each
    assert not b.unbalanced


def test_half_or_more_is_unbalanced_even_when_tied():
    b = plan_balance([s("incident_response"), s("prevention")])
    assert b.heavy_by_strategies


def test_the_budget_alone_can_tip_the_balance():
    b = plan_balance([s("social_development", 100.0), s("prevention", 100.0),
                      s("risk_intervention", 100.0), s("incident_response", 120.0)])
    assert not b.heavy_by_strategies and b.heavy_by_budget and b.unbalanced
    assert b.area("incident_response").budget_share == pytest.approx(120 / 420)


def test_unknown_areas_and_negative_budgets_are_left_out():
    b = plan_balance([s("nowhere", 50.0), s("prevention", -10.0)])
    assert b.total_strategies == 1 and b.total_budget == 0.0
    assert b.area("prevention").budget_share == 0.0


def test_the_demo_plan_is_balanced():
    plan = new_demo_plan_in_memory()
    b = plan_balance(plan.strategies.list())
    assert b.total_strategies == plan.strategies.count()
    assert sum(a.strategy_share for a in b.areas) == pytest.approx(1.0)
    assert sum(a.budget_share for a in b.areas) == pytest.approx(1.0)
    assert not b.unbalanced


def test_balance_of_an_open_plan_reads_the_same_as_its_strategies():
    plan = new_demo_plan_in_memory()
    assert balance_of_plan(plan) == plan_balance(plan.strategies.list())
