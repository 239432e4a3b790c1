"""What both documents read from a plan, gathered once, and how values are written out in words.

Everything is read through the plan API in a fixed handful of whole-table reads and joined in
Python, so that the large benchmark plan costs the same number of queries as the demo.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from ..core import framework
from ..core.plan import Plan
from ..core.records import (
    as_date,
    Action, Asset, CategoryStatus, CommitteeMember, Criterion, EngagementActivity,
    EngagementSummary, Evidence, Indicator, LogicModelItem, Measurement, Outcome, Participant,
    Partner, PlanProfile, ProgressUpdate, Risk, RiskCategory, RiskScore, Strategy, Team,
)
from .sanitize import one_line

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def language_tag(language: str) -> str:
    return "fr-CA" if language == "fr" else "en-CA"


def long_date(value: str | datetime.date | None, missing: str = "") -> str:
    """'14 March 2025' (the day-month-year order reads the same in English and French)."""
    day = value if isinstance(value, datetime.date) else as_date(value)
    if day is None:
        return missing
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(value: str | datetime.date | None, missing: str = "") -> str:
    """'2025-03-14', for tables, where it sorts and stays narrow."""
    day = value if isinstance(value, datetime.date) else as_date(value)
    return day.isoformat() if day is not None else missing


def number(value: float | None, missing: str = "") -> str:
    if value is None:
        return missing
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text


def money(value: float | None, missing: str = "") -> str:
    if value is None:
        return missing
    if float(value).is_integer():
        return f"${int(value):,}"
    return f"${value:,.2f}"


def with_unit(value: float | None, unit: str, missing: str = "") -> str:
    text = number(value)
    if not text:
        return missing
    unit = one_line(unit)
    return f"{text} {unit}" if unit else text


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def join_words(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class PlanData:
    """One consistent read of everything the documents show."""

    profile: PlanProfile
    partners: dict[str, Partner]
    members: list[CommitteeMember]
    member_categories: dict[str, list[int]]
    category_statuses: dict[int, CategoryStatus]
    teams: list[Team]
    activities: list[EngagementActivity]
    activity_groups: dict[str, list[str]]
    summary: EngagementSummary
    participants: list[Participant]
    assets: list[Asset]
    asset_areas: dict[str, list[str]]
    risks: list[Risk]
    risk_categories: dict[str, RiskCategory]
    evidence: dict[str, list[Evidence]]
    criteria: list[Criterion]
    scores: list[RiskScore]
    risk_activities: dict[str, list[str]]
    risk_partners: dict[str, list[str]]
    strategies: list[Strategy]
    strategy_risks: dict[str, list[str]]
    risk_strategies: dict[str, list[str]]
    strategy_partners: dict[str, list[str]]
    logic_items: dict[str, list[LogicModelItem]]
    outcomes: dict[str, list[Outcome]]
    indicators: dict[str, list[Indicator]]  # by outcome id
    measurements: dict[str, list[Measurement]]  # by indicator id
    actions: dict[str, list[Action]]  # by strategy id
    updates: dict[str, list[ProgressUpdate]]  # by strategy id
    risks_by_id: dict[str, Risk] = field(default_factory=dict)
    strategies_by_id: dict[str, Strategy] = field(default_factory=dict)
    activities_by_id: dict[str, EngagementActivity] = field(default_factory=dict)

    @classmethod
    def read(cls, plan: Plan, *, measurements: bool = True) -> "PlanData":
        """Everything, or everything but the measurements (the plan document shows none)."""
        def grouped(pairs) -> dict[str, list]:
            result: dict[str, list] = defaultdict(list)
            for owner, target in pairs:
                result[owner].append(target)
            return result

        def by(records, attribute: str) -> dict[str, list]:
            result: dict[str, list] = defaultdict(list)
            for record in records:
                result[getattr(record, attribute)].append(record)
            return result

        categories: dict[str, list[int]] = defaultdict(list)
        for member_id, category in plan.member_categories.pairs():
            try:
                categories[member_id].append(int(category))
            except (TypeError, ValueError):
                continue
        strategy_risks = grouped(plan.strategy_risks.pairs())
        risk_strategies: dict[str, list[str]] = defaultdict(list)
        for strategy_id, risk_ids in strategy_risks.items():
            for risk_id in risk_ids:
                risk_strategies[risk_id].append(strategy_id)

        data = cls(
            profile=plan.profile(),
            partners={p.id: p for p in plan.partners.list()},
            members=plan.committee_members.list(),
            member_categories=categories,
            category_statuses={s.category: s for s in plan.category_statuses.list()},
            teams=plan.teams.list(),
            activities=plan.activities.list(),
            activity_groups=grouped(plan.activity_groups.pairs()),
            summary=plan.engagement_summary(),
            participants=plan.participants.list(),
            assets=plan.assets.list(),
            asset_areas=grouped(plan.asset_areas.pairs()),
            risks=plan.risks.list(),
            risk_categories={c.id: c for c in plan.risk_categories.list()},
            evidence=by(plan.evidence.list(), "risk_id"),
            criteria=plan.criteria.list(),
            scores=plan.scores.list(),
            risk_activities=grouped(plan.risk_activities.pairs()),
            risk_partners=grouped(plan.risk_partners.pairs()),
            strategies=plan.strategies.list(),
            strategy_risks=strategy_risks,
            risk_strategies=risk_strategies,
            strategy_partners=grouped(plan.strategy_partners.pairs()),
            logic_items=by(plan.logic_items.list(), "strategy_id"),
            outcomes=by(plan.outcomes.list(), "strategy_id"),
            indicators=by(plan.indicators.list(), "outcome_id"),
            measurements=by(plan.measurements.list(), "indicator_id") if measurements else {},
            actions=by(plan.actions.list(), "strategy_id"),
            updates=by(plan.progress_updates.list(), "strategy_id"),
        )
        data.risks_by_id = {r.id: r for r in data.risks}
        data.strategies_by_id = {s.id: s for s in data.strategies}
        data.activities_by_id = {a.id: a for a in data.activities}
        return data

    # --- names of things ------------------------------------------------------------------------

    def partner_name(self, partner_id: str | None, missing: str = "") -> str:
        partner = self.partners.get(partner_id or "")
        if partner is None:
            return missing
        return one_line(partner.organisation) or "Unnamed partner"

    def risk_name(self, risk: Risk) -> str:
        title = one_line(risk.title)
        if title:
            return title
        category = self.risk_categories.get(risk.category_id or "")
        return one_line(category.name) if category is not None and category.name.strip() \
            else "Untitled risk"

    def category_name(self, risk: Risk) -> str:
        category = self.risk_categories.get(risk.category_id or "")
        return one_line(category.name) if category is not None else ""

    @staticmethod
    def strategy_name(strategy: Strategy) -> str:
        title = one_line(strategy.title) or "Untitled strategy"
        return f"{strategy.number}. {title}" if strategy.number else title

    @staticmethod
    def area_name(code: str) -> str:
        area = framework.AREAS_BY_CODE.get(code)
        return area.name_en if area is not None else code.replace("_", " ").capitalize()

    def strategy_indicators(self, strategy_id: str) -> list[tuple[Outcome, Indicator]]:
        result = []
        for outcome in self.ordered_outcomes(strategy_id):
            for indicator in self.indicators.get(outcome.id, []):
                result.append((outcome, indicator))
        return result

    def ordered_outcomes(self, strategy_id: str) -> list[Outcome]:
        levels = list(framework.OUTCOME_LEVELS)
        return sorted(self.outcomes.get(strategy_id, []),
                      key=lambda o: (levels.index(o.level) if o.level in levels else 9,
                                     o.position, o.id))

    def priority_risks(self) -> list[Risk]:
        return [r for r in self.risks if r.is_priority]
