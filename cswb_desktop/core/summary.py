"""Counts that describe how far a plan has come, per toolkit step."""

from __future__ import annotations

from dataclasses import dataclass

from .framework import STEPS
from .plan import Plan


@dataclass(frozen=True)
class StepCount:
    step: str
    title: str
    count: int
    noun: str  # what is counted, already in the right number ("3 partners", "1 risk")

    @property
    def text(self) -> str:
        return f"{self.count} {self.noun}"


def _noun(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural


def step_counts(plan: Plan) -> list[StepCount]:
    """One line per toolkit step, for the window's overview and `cswb info`."""
    c = plan.count
    profile_fields = 0
    try:
        p = plan.profile()
        profile_fields = sum(bool(v) for v in (p.title, p.community, p.participating_communities,
                                               p.coordinators, p.champions, p.vision, p.period_start,
                                               p.period_end, p.adopted_on, p.adoption_reference))
    except Exception:  # a plan with no profile row was refused at open; be quiet here
        pass
    numbers = {
        "profile": (profile_fields, "of 10 details filled in", "of 10 details filled in"),
        "partners": (c("partner"), "partner", "partners"),
        "committee": (c("committee_member"), "committee member", "committee members"),
        "engagement": (c("engagement_activity"), "engagement activity", "engagement activities"),
        "assets": (c("asset"), "community asset", "community assets"),
        "risks": (c("risk"), "risk", "risks"),
        "prioritisation": (c("risk", is_priority=1), "priority risk", "priority risks"),
        "strategies": (c("strategy"), "strategy", "strategies"),
        "logic_models": (c("logic_model_item") + c("outcome"), "logic model entry", "logic model entries"),
        "target_board": (c("strategy_risk"), "strategy placed on the board", "strategy placements on the board"),
        "measurement": (c("indicator"), "indicator", "indicators"),
        "implementation": (c("action"), "action", "actions"),
        "review": (c("progress_update"), "progress update", "progress updates"),
    }
    result = []
    for step in STEPS:
        count, one, many = numbers[step.code]
        result.append(StepCount(step.code, step.title, count, _noun(count, one, many)))
    return result
