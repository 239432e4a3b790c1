"""Ranking risks by their prioritisation scores, the same way on screen and in the plan document.

Each criterion contributes `weight × score / levels` points: a risk at the top of every scale
scores the sum of the weights, whatever the length of each scale. Criteria not scored yet
contribute nothing. Ranks are competition ranks (1, 2, 2, 4), so ties stay visible.

A coordinator may override a risk's place (`Risk.rank_override`, with a reason). An overridden
risk sits at the place it was given; the others keep their order by score and are numbered around
it. Overrides of zero or below (possible only in a hand-edited file) count as no override.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from .records import Criterion, Risk, RiskScore

# Totals are compared after rounding, so that 3 × 4 / 4 and 2 × 3 / 2 are equal ties, not
# neighbours separated by a rounding error.
_PLACES = 9


@dataclass(frozen=True)
class CriterionScore:
    criterion_id: str
    name: str
    weight: float
    levels: int
    score: int | None  # 1..levels, or None when not scored yet
    label: str  # the scale's label for the score, "" when not scored
    rationale: str
    points: float  # weight × score / levels; 0 when not scored


@dataclass(frozen=True)
class RankedRisk:
    risk: Risk
    total: float  # sum of the criteria's points
    maximum: float  # the total a risk at the top of every scale would get
    scores: tuple[CriterionScore, ...]  # one per criterion, in the criteria's order
    computed_rank: int  # the place by total alone (competition rank among the risks given)
    rank: int  # the place the plan shows: the override when there is one
    tied: bool  # another risk shows the same rank
    overridden: bool

    @property
    def scored(self) -> int:
        """How many criteria have a score."""
        return sum(1 for s in self.scores if s.score is not None)


def criterion_points(criterion: Criterion, score: int | None) -> float:
    """The points one score earns: weight × score / levels (0 when unscored or out of range)."""
    levels = criterion.levels
    if score is None or levels <= 0 or not 1 <= score <= levels:
        return 0.0
    return float(criterion.weight) * score / levels


def weighted_total(criteria: Sequence[Criterion], scores: dict[str, int | None]) -> float:
    """Sum of weight × score / levels over the criteria; `scores` maps criterion id → score."""
    return sum(criterion_points(c, scores.get(c.id)) for c in criteria)


def maximum_total(criteria: Sequence[Criterion]) -> float:
    return sum(float(c.weight) for c in criteria if c.levels > 0)


def _override(risk: Risk) -> int | None:
    value = risk.rank_override
    return value if value is not None and value >= 1 else None


def _key(total: float) -> float:
    return round(total, _PLACES)


def rank_risks(risks: Iterable[Risk], criteria: Sequence[Criterion],
               scores: Iterable[RiskScore]) -> list[RankedRisk]:
    """The risks in ranked order, best first, each with its points, total and rank."""
    risks = list(risks)
    criteria = sorted(criteria, key=lambda c: (c.position, c.name.casefold(), c.id))
    by_risk: dict[str, dict[str, RiskScore]] = {}
    for s in scores:
        by_risk.setdefault(s.risk_id, {})[s.criterion_id] = s
    maximum = maximum_total(criteria)

    details: dict[str, tuple[float, tuple[CriterionScore, ...]]] = {}
    for risk in risks:
        mine = by_risk.get(risk.id, {})
        parts = []
        for c in criteria:
            s = mine.get(c.id)
            value = s.score if s is not None else None
            if value is not None and not 1 <= value <= c.levels:
                value = None  # out of the scale (a hand-edited file): treated as not scored
            label = c.labels[value - 1] if value is not None else ""
            parts.append(CriterionScore(c.id, c.name, float(c.weight), c.levels, value, label,
                                        s.rationale if s is not None else "",
                                        criterion_points(c, value)))
        details[risk.id] = (sum(p.points for p in parts), tuple(parts))

    def by_score(risk: Risk) -> tuple:
        return (-_key(details[risk.id][0]), risk.title.casefold(), risk.id)

    # Competition ranks by total alone.
    computed: dict[str, int] = {}
    previous_total, previous_rank = None, 0
    for index, risk in enumerate(sorted(risks, key=by_score)):
        total = _key(details[risk.id][0])
        rank = previous_rank if total == previous_total else index + 1
        computed[risk.id] = rank
        previous_total, previous_rank = total, rank

    automatic = sorted((r for r in risks if _override(r) is None), key=by_score)
    overridden = sorted((r for r in risks if _override(r) is not None),
                        key=lambda r: (_override(r), r.title.casefold(), r.id))
    order = list(automatic)
    for risk in overridden:
        place = min(_override(risk) - 1, len(order))
        while place < len(order) and (_override(order[place]) or 0) and \
                _override(order[place]) <= _override(risk):
            place += 1  # risks given the same place keep their title order
        order.insert(place, risk)

    ranks: list[int] = []
    for index, risk in enumerate(order):
        fixed = _override(risk)
        if fixed is not None:
            ranks.append(fixed)
            continue
        before = order[index - 1] if index else None
        if (before is not None and _override(before) is None
                and _key(details[before.id][0]) == _key(details[risk.id][0])):
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)

    counts: dict[int, int] = {}
    for rank in ranks:
        counts[rank] = counts.get(rank, 0) + 1
    return [RankedRisk(risk=risk, total=details[risk.id][0], maximum=maximum,
                       scores=details[risk.id][1], computed_rank=computed[risk.id], rank=rank,
                       tied=counts[rank] > 1, overridden=_override(risk) is not None)
            for risk, rank in zip(order, ranks)]


def rank_plan_risks(plan, *, priority_only: bool = False) -> list[RankedRisk]:
    """The plan's risks (or only its priority risks) ranked, read through the plan API."""
    risks = plan.risks.list()
    if priority_only:
        risks = [r for r in risks if r.is_priority]
    wanted = {r.id for r in risks}
    scores = [s for s in plan.scores.list() if s.risk_id in wanted]
    return rank_risks(risks, plan.criteria.list(), scores)
