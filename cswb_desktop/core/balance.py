"""The plan's balance across the four areas: how many strategies, and how much budget, each holds.

The framework asks that most of the effort go to the outer three areas (social development,
prevention, risk intervention), so that fewer people ever need an incident response. The rule
used to call a plan **unbalanced** (stated in words as BALANCE_RULE):

* counted separately for strategies and for budget, incident response is "too heavy" when its
  share is larger than that of every other area, or when it holds half or more of the total;
* the plan is unbalanced when incident response is too heavy by strategies or by budget.

A plan with no strategies (or no budget recorded) is not judged on that measure. Strategies
without a budget count towards the strategy shares but not the budget shares.

Pure Python over Strategy records, so the review step, the target board and the Word export can
all use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .framework import AREA_CODES, OUTER_AREAS
from .records import Strategy, _as_opt_float, _as_str

INCIDENT_RESPONSE = "incident_response"
HEAVY_SHARE = 0.5  # incident response holding this share or more is too heavy, whatever the rest

BALANCE_RULE = (
    "A plan counts as unbalanced when incident response has more strategies, or more of the "
    "budget, than any other area, or when it holds half or more of either."
)


@dataclass(frozen=True)
class AreaBalance:
    area: str
    strategies: int
    budget: float  # the sum of the budgets recorded for the area's strategies
    strategy_share: float  # 0–1 of all strategies (0 when the plan has none)
    budget_share: float  # 0–1 of the total budget (0 when no budget is recorded)


@dataclass(frozen=True)
class Balance:
    areas: tuple[AreaBalance, ...]  # in framework order, outermost ring first
    total_strategies: int
    total_budget: float
    without_budget: int  # strategies whose budget is not recorded
    heavy_by_strategies: bool
    heavy_by_budget: bool

    @property
    def unbalanced(self) -> bool:
        return self.heavy_by_strategies or self.heavy_by_budget

    def area(self, code: str) -> AreaBalance:
        return next(a for a in self.areas if a.area == code)

    @property
    def outer_strategy_share(self) -> float:
        return sum(a.strategy_share for a in self.areas if a.area in OUTER_AREAS)

    @property
    def outer_budget_share(self) -> float:
        return sum(a.budget_share for a in self.areas if a.area in OUTER_AREAS)


def _too_heavy(shares: dict[str, float]) -> bool:
    incident = shares.get(INCIDENT_RESPONSE, 0.0)
    if incident <= 0:
        return False
    others = [share for area, share in shares.items() if area != INCIDENT_RESPONSE]
    return incident >= HEAVY_SHARE - 1e-12 or all(incident > share for share in others)


def plan_balance(strategies: Iterable[Strategy]) -> Balance:
    """Counts, budgets and shares per area for the given strategies, and whether they are balanced.

    A strategy whose area is not one of the four (a hand-edited file) is left out."""
    counts = dict.fromkeys(AREA_CODES, 0)
    budgets = dict.fromkeys(AREA_CODES, 0.0)
    without_budget = 0
    for strategy in strategies:
        if strategy.area not in counts:
            continue
        counts[strategy.area] += 1
        if strategy.budget is None:
            without_budget += 1
        else:
            budgets[strategy.area] += max(strategy.budget, 0.0)
    total = sum(counts.values())
    money = sum(budgets.values())
    count_shares = {a: (counts[a] / total if total else 0.0) for a in AREA_CODES}
    budget_shares = {a: (budgets[a] / money if money > 0 else 0.0) for a in AREA_CODES}
    areas = tuple(AreaBalance(a, counts[a], budgets[a], count_shares[a], budget_shares[a])
                  for a in AREA_CODES)
    return Balance(areas, total, money, without_budget,
                   heavy_by_strategies=_too_heavy(count_shares),
                   heavy_by_budget=_too_heavy(budget_shares))


def balance_of_plan(plan) -> Balance:
    """plan_balance() of every strategy in an open plan, reading only their areas and budgets."""
    rows = plan.conn.execute("SELECT area, budget FROM strategy")
    return plan_balance(Strategy(id="", area=_as_str(area), budget=_as_opt_float(budget)) for area, budget in rows)
