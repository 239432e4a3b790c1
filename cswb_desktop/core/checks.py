"""Readiness checks: what the law requires of a CSWB plan, and what the toolkit recommends.

Each check reads whole tables once through the plan API and joins in Python, so a review of a
large plan costs a fixed handful of queries, not one per record. A finding names the step of the
program where the coordinator can fix it, and the record concerned when there is exactly one.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from . import framework
from .evidence import source_key as _source_key
from .plan import Plan
from .records import (Indicator, PlanProfile, Risk, RiskCategory, Strategy, _as_opt_float, _as_str,
                      as_date)

LAW = "law"
TOOLKIT = "toolkit"

# Months before the review date from which the review is worth a finding.
REVIEW_WARNING_MONTHS = 6


@dataclass(frozen=True)
class Finding:
    code: str  # stable machine code, e.g. "committee_category_missing"
    severity: str  # LAW (required by law) or TOOLKIT (recommended by the toolkit)
    message: str  # one plain sentence for the coordinator, naming the thing concerned
    step: str  # the framework.STEPS code of the step where it is fixed
    table: str | None = None  # the record's table, when the finding is about one record
    record_id: str | None = None

    @property
    def required_by_law(self) -> bool:
        return self.severity == LAW


def law_findings_open(findings: Iterable[Finding]) -> bool:
    """True while anything the law requires is still missing."""
    return any(f.severity == LAW for f in findings)


# --- dates ----------------------------------------------------------------------------------------

def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); a day the target month lacks becomes its last."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The anniversary `years` later; 29 February falls back to 28 February in a common year."""
    return add_months(day, 12 * years)


def due_dates(profile: PlanProfile) -> tuple[datetime.date | None, datetime.date | None]:
    """(publish by, review by) for the adopted plan; (None, None) before adoption is recorded."""
    adopted = as_date(profile.adopted_on)
    if adopted is None:
        return None, None
    try:
        publish_by = adopted + datetime.timedelta(days=framework.PUBLISH_WITHIN_DAYS)
        review_by = add_years(adopted, framework.REVIEW_WITHIN_YEARS)
    except (OverflowError, ValueError):  # a date near the year 9999 in a hand-edited file
        return None, None
    return publish_by, review_by


def _whole_months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def _time_until(today: datetime.date, due: datetime.date) -> str:
    """'in 4 months', 'in 12 days', 'tomorrow', 'today' — for a date not yet past."""
    days = (due - today).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    months = _whole_months_between(today, due)
    if months >= 1:
        return f"in {months} month{'' if months == 1 else 's'}"
    return f"in {days} days"


# --- naming things in sentences -------------------------------------------------------------------

def _lower_article(text: str) -> str:
    """'A provider of…' → 'a provider of…' so the phrase can sit mid-sentence; names stay as they are."""
    first, _, rest = text.partition(" ")
    if first in ("A", "An", "The"):
        return first.lower() + " " + rest
    return text


def _strategy_label(strategy: Strategy) -> str:
    title = strategy.title.strip()
    if strategy.number and title:
        return f"Strategy {strategy.number} (“{title}”)"
    if strategy.number:
        return f"Strategy {strategy.number}"
    if title:
        return f"The strategy “{title}”"
    return "An untitled strategy"


def _risk_label(risk: Risk, categories: dict[str, RiskCategory]) -> str:
    """'“Housing”' or, for a risk with no title, its category; used after 'the priority risk'."""
    title = risk.title.strip()
    if title:
        return f"“{title}”"
    category = categories.get(risk.category_id or "")
    if category is not None and category.name.strip():
        return f"“{category.name.strip()}”"
    return "with no title"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- the checks -----------------------------------------------------------------------------------

def _check_profile(profile: PlanProfile) -> list[Finding]:
    found = []
    if not profile.vision.strip():
        found.append(Finding(
            "vision_missing", TOOLKIT,
            "The plan has no vision statement yet; a few words on the community you are working "
            "towards help partners and council see what the plan is for.",
            "profile", "plan", profile.id))
    start, end = as_date(profile.period_start), as_date(profile.period_end)
    if start is None and end is None:
        found.append(Finding(
            "plan_period_missing", TOOLKIT,
            "The plan period is not recorded yet; add the dates the plan starts and ends.",
            "profile", "plan", profile.id))
    elif start is None or end is None:
        which = "start" if start is None else "end"
        found.append(Finding(
            "plan_period_missing", TOOLKIT,
            f"The plan period has no {which} date yet; add it so readers know what years the plan covers.",
            "profile", "plan", profile.id))
    elif end < start:
        found.append(Finding(
            "plan_period_invalid", TOOLKIT,
            f"The plan period ends on {end.isoformat()}, before it starts on {start.isoformat()}; "
            f"please check the two dates.",
            "profile", "plan", profile.id))
    return found


def _check_committee(plan: Plan) -> list[Finding]:
    member_ids = {m.id for m in plan.committee_members.list()}
    covered: set[int] = set()
    for member_id, category in plan.member_categories.pairs():
        if member_id in member_ids:
            try:
                covered.add(int(category))
            except (TypeError, ValueError):
                continue
    no_provider: set[int] = set()
    for status in plan.category_statuses.list():
        if status.no_provider:
            no_provider.add(status.category)

    found = []
    for category in framework.COMMITTEE_CATEGORIES:
        if category.number in covered:
            continue
        if category.may_be_absent and category.number in no_provider:
            continue
        what = f"category {category.number}, “{category.short}” ({_lower_article(category.text)})"
        if category.may_be_absent:
            message = (f"No advisory committee member covers {what}; add one, or record that there "
                       f"is no such provider in your area.")
        else:
            message = f"No advisory committee member covers {what}; the law asks for at least one."
        found.append(Finding("committee_category_missing", LAW, message, "committee"))
    return found


def _check_teams(plan: Plan) -> list[Finding]:
    found = []
    teams = plan.teams.list()
    if not any(t.kind == "implementation_team" for t in teams):
        found.append(Finding(
            "implementation_team_missing", TOOLKIT,
            "There is no implementation team yet; set one up, with terms of reference, to carry "
            "the strategies out.",
            "committee"))
    for team in teams:
        if team.purpose.strip():
            continue
        name = team.name.strip()
        if name:
            whose = f"“{name}”"
        else:
            whose = "the advisory committee" if team.kind == "advisory_committee" else "an unnamed team"
        found.append(Finding(
            "team_purpose_missing", TOOLKIT,
            f"The terms of reference for {whose} do not say its goals and purpose yet.",
            "committee", "team", team.id))
    return found


def _check_engagement(plan: Plan) -> list[Finding]:
    activity_ids = {a.id for a in plan.activities.list()}
    reached = {code for activity_id, code in plan.activity_groups.pairs() if activity_id in activity_ids}
    found = []
    for group in framework.CONSULTATION_GROUPS:
        if group.required_by_law and group.code not in reached:
            found.append(Finding(
                "consultation_group_missing", LAW,
                f"No engagement activity is recorded as reaching “{group.name}”; the law asks "
                f"that this group be consulted, so record an activity that reached it.",
                "engagement"))
    summary = plan.engagement_summary()
    if not summary.findings.strip():
        found.append(Finding(
            "engagement_findings_missing", TOOLKIT,
            "The engagement summary (Form A) has no findings yet; note what people told you, so "
            "the priority risks can be traced back to the community's own words.",
            "engagement", "engagement_summary", summary.id))
    return found


def _check_risks(plan: Plan, strategy_ids: set[str]) -> list[Finding]:
    categories = {c.id: c for c in plan.risk_categories.list()}
    priorities = [r for r in plan.risks.list() if r.is_priority]
    if not priorities:
        return [Finding(
            "priority_risk_missing", LAW,
            "No risk is marked as a priority yet; the plan must name the local risk factors it "
            "will work on.",
            "prioritisation")]

    sources: dict[str, set[str]] = defaultdict(set)
    for evidence in plan.evidence.list():
        key = _source_key(evidence.source)
        if key:
            sources[evidence.risk_id].add(key)
    addressed = {risk_id for strategy_id, risk_id in plan.strategy_risks.pairs()
                 if strategy_id in strategy_ids}

    found = []
    for risk in priorities:
        label = _risk_label(risk, categories)
        count = len(sources.get(risk.id, ()))
        if count < 2:
            if count == 0:
                has = "has no evidence from any data source yet"
            else:
                has = "has evidence from only 1 data source"
            found.append(Finding(
                "risk_sources_too_few", LAW,
                f"The priority risk {label} {has}; the law asks that priority risks rest on "
                f"several sources, so add evidence from at least {2 - count} more.",
                "risks", "risk", risk.id))
        if risk.id not in addressed:
            found.append(Finding(
                "risk_strategy_missing", LAW,
                f"No strategy addresses the priority risk {label} yet; the plan must set out how "
                f"it will reduce each priority risk.",
                "strategies", "risk", risk.id))
    return found


def _check_scores(plan: Plan) -> list[Finding]:
    """Scores outside their criterion's scale (a merge that met a shorter scale from another copy,
    or a hand-edited file): the ranking counts them as not scored, so the coordinator must know."""
    criteria = {c.id: c for c in plan.criteria.list()}
    risks = {r.id: r for r in plan.risks.list()}
    categories = {c.id: c for c in plan.risk_categories.list()}
    beyond: dict[str, list[str]] = defaultdict(list)
    for score in plan.scores.list():
        criterion = criteria.get(score.criterion_id)
        if criterion is None or score.score is None or score.risk_id not in risks:
            continue
        if not 1 <= score.score <= criterion.levels:
            beyond[criterion.id].append(score.risk_id)
    found = []
    for criterion_id, risk_ids in beyond.items():
        criterion = criteria[criterion_id]
        n = len(risk_ids)
        if n == 1:
            what = f"the score of the risk {_risk_label(risks[risk_ids[0]], categories)} is"
        else:
            what = f"{n} scores are"
        found.append(Finding(
            "score_beyond_scale", TOOLKIT,
            f"On the criterion “{criterion.name}”, {what} outside its scale of {criterion.levels} "
            f"levels, so the ranking counts {'it' if n == 1 else 'them'} as not scored; score "
            f"{'that risk' if n == 1 else 'those risks'} again on this scale.",
            "prioritisation", "risk" if n == 1 else "criterion", risk_ids[0] if n == 1 else criterion_id))
    return found


def _indicator_complete(indicator: Indicator) -> bool:
    if indicator.measure_type == "qualitative":
        return bool(indicator.baseline_text.strip() and indicator.target_text.strip())
    return indicator.baseline_value is not None and indicator.target_value is not None


def _measurable_parts(plan: Plan) -> tuple[dict[str, str], set[str]]:
    """(outcome id → strategy id, ids of strategies with a complete indicator), read as the few
    columns these checks need rather than as whole records: a large plan has thousands."""
    outcome_strategy = {str(o): str(s) for o, s in plan.conn.execute("SELECT id, strategy_id FROM outcome")}
    measurable: set[str] = set()
    for outcome_id, measure_type, b_value, t_value, b_text, t_text in plan.conn.execute(
            "SELECT outcome_id, measure_type, baseline_value, target_value, baseline_text, target_text "
            "FROM indicator"):
        strategy_id = outcome_strategy.get(str(outcome_id))
        if strategy_id is None or strategy_id in measurable:
            continue
        indicator = Indicator(id="", outcome_id=str(outcome_id), measure_type=_as_str(measure_type),
                              baseline_value=_as_opt_float(b_value), target_value=_as_opt_float(t_value),
                              baseline_text=_as_str(b_text), target_text=_as_str(t_text))
        if _indicator_complete(indicator):
            measurable.add(strategy_id)
    return outcome_strategy, measurable


def _check_strategies(plan: Plan, strategies: list[Strategy], profile: PlanProfile) -> list[Finding]:
    outcome_strategy, measurable = _measurable_parts(plan)
    with_outcome = set(outcome_strategy.values())

    found = []
    for strategy in strategies:
        label = _strategy_label(strategy)
        if not strategy.lead_partner_id:
            found.append(Finding(
                "strategy_lead_missing", TOOLKIT,
                f"{label} has no lead partner yet; choose the organisation that will carry it forward.",
                "strategies", "strategy", strategy.id))
        if strategy.id not in with_outcome:
            found.append(Finding(
                "strategy_outcome_missing", LAW,
                f"{label} has no expected outcome yet; the law asks for measurable outcomes, so "
                f"add at least one to its logic model.",
                "logic_models", "strategy", strategy.id))
        elif strategy.id not in measurable:
            found.append(Finding(
                "strategy_measure_missing", LAW,
                f"{label} has no indicator with both a baseline and a target yet, so its outcomes "
                f"cannot be measured; complete one in the measurement framework.",
                "measurement", "strategy", strategy.id))

    adopted = as_date(profile.adopted_on)
    if adopted is not None:
        idle = [s for s in strategies if s.status == "planned" and not s.start_on]
        if idle:
            names = ", ".join(_strategy_label(s) for s in idle[:3])
            more = f" and {len(idle) - 3} more" if len(idle) > 3 else ""
            single = len(idle) == 1
            found.append(Finding(
                "strategy_not_started", TOOLKIT,
                f"The plan was adopted on {adopted.isoformat()}, but "
                f"{_plural(len(idle), 'strategy is', 'strategies are')} still planned with no start "
                f"date — {names}{more}; give {'it a start date' if single else 'each a start date'} "
                f"or update {'its' if single else 'their'} status.",
                "implementation", "strategy" if single else None, idle[0].id if single else None))
    return found


def _check_deadlines(profile: PlanProfile, today: datetime.date) -> list[Finding]:
    adopted = as_date(profile.adopted_on)
    if adopted is None:
        return []
    publish_by, review_by = due_dates(profile)
    if publish_by is None or review_by is None:
        return []
    found = []

    published = as_date(profile.published_on)
    if published is None or published < adopted:
        earlier = ("" if published is None else
                   f" (the publication date on record, {published.isoformat()}, is from before "
                   f"this adoption)")
        if today > publish_by:
            message = (f"Publishing the plan online has been overdue since {publish_by.isoformat()}, "
                       f"{framework.PUBLISH_WITHIN_DAYS} days after its adoption on "
                       f"{adopted.isoformat()}{earlier}; publish it as soon as you can and record the date.")
            code = "publication_overdue"
        else:
            message = (f"Publish the plan online by {publish_by.isoformat()}, within "
                       f"{framework.PUBLISH_WITHIN_DAYS} days of its adoption on "
                       f"{adopted.isoformat()}{earlier}, then record the date it went up.")
            code = "publication_due"
        found.append(Finding(code, LAW, message, "review", "plan", profile.id))

    years = framework.REVIEW_WITHIN_YEARS
    if today > review_by:
        found.append(Finding(
            "review_overdue", LAW,
            f"The plan's review was due on {review_by.isoformat()}, {years} years after its adoption "
            f"on {adopted.isoformat()}; review and update it, then record the new adoption date.",
            "review", "plan", profile.id))
    elif today >= add_months(review_by, -REVIEW_WARNING_MONTHS):
        found.append(Finding(
            "review_due", LAW,
            f"The plan must be reviewed and updated by {review_by.isoformat()}, {years} years after "
            f"its adoption on {adopted.isoformat()}; that is {_time_until(today, review_by)}.",
            "review", "plan", profile.id))
    return found


_STEP_ORDER = {code: index for index, code in enumerate(framework.STEP_CODES)}
_SEVERITY_ORDER = {LAW: 0, TOOLKIT: 1}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Step order, then what the law requires before what the toolkit recommends, then message."""
    return sorted(findings, key=lambda f: (_STEP_ORDER.get(f.step, len(_STEP_ORDER)),
                                           _SEVERITY_ORDER.get(f.severity, 2), f.message))


def run_checks(plan: Plan, today: datetime.date | None = None) -> list[Finding]:
    """Everything the plan still lacks, in the order the coordinator meets the steps."""
    today = today or datetime.date.today()
    profile = plan.profile()
    strategies = plan.strategies.list()
    findings: list[Finding] = []
    findings += _check_profile(profile)
    findings += _check_committee(plan)
    findings += _check_teams(plan)
    findings += _check_engagement(plan)
    findings += _check_risks(plan, {s.id for s in strategies})
    findings += _check_scores(plan)
    findings += _check_strategies(plan, strategies, profile)
    findings += _check_deadlines(profile, today)
    return sort_findings(findings)
