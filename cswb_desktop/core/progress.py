"""How far each toolkit step has come — not started, in progress or done — computed from the data.

The rules are deliberately plain, so the guidance panel can state them: a step is done when what
the toolkit (and, where it applies, the law) expects of it is there, in progress when something
has been recorded, and not started otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import framework
from .plan import Plan

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", DONE: "Done"}


@dataclass(frozen=True)
class StepState:
    step: str
    state: str
    hint: str  # what is still missing, in a few words ("" when done)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def _scalar(plan: Plan, sql: str, params: tuple = ()) -> int:
    return int(plan.conn.execute(sql, params).fetchone()[0] or 0)


def _state(step: str, started: bool, done: bool, hint: str) -> StepState:
    if done:
        return StepState(step, DONE, "")
    return StepState(step, IN_PROGRESS if started else NOT_STARTED, hint)


def step_states(plan: Plan) -> dict[str, StepState]:
    s = lambda sql, *params: _scalar(plan, sql, params)  # noqa: E731
    p = plan.profile()
    states: list[StepState] = []

    key_fields = (p.coordinators, p.champions, p.vision, p.period_start, p.period_end)
    extra = key_fields + (p.participating_communities, p.adopted_on, p.adoption_reference)
    states.append(_state("profile", any(extra), all(key_fields),
                         "add coordinators, champions, the vision and the plan period"))

    partners = s("SELECT COUNT(*) FROM partner")
    without_role = s("SELECT COUNT(*) FROM partner WHERE TRIM(role) = ''")
    states.append(_state("partners", partners > 0, partners >= 3 and without_role == 0,
                         "list at least three partners, each with a role"))

    covered = {r[0] for r in plan.conn.execute("SELECT DISTINCT category FROM member_category")}
    covered |= {r[0] for r in plan.conn.execute("SELECT category FROM category_status WHERE no_provider = 1 "
                                                "AND category IN (3, 4, 5)")}
    teams_with_purpose = s("SELECT COUNT(*) FROM team WHERE kind = 'implementation_team' AND TRIM(purpose) <> ''")
    members = s("SELECT COUNT(*) FROM committee_member")
    states.append(_state("committee", members > 0 or s("SELECT COUNT(*) FROM team") > 0,
                         set(framework.COMMITTEE_CATEGORY_NUMBERS) <= covered and teams_with_purpose > 0,
                         "cover all seven categories and give an implementation team its terms of reference"))

    reached = {r[0] for r in plan.conn.execute("SELECT DISTINCT group_code FROM activity_group")}
    required = {g.code for g in framework.CONSULTATION_GROUPS if g.required_by_law}
    summary = plan.engagement_summary()
    activities = s("SELECT COUNT(*) FROM engagement_activity")
    states.append(_state("engagement",
                         activities > 0 or s("SELECT COUNT(*) FROM participant") > 0 or bool(summary.findings.strip()),
                         required <= reached and bool(summary.findings.strip()),
                         "reach every group the law names and write down the findings"))

    assets = s("SELECT COUNT(*) FROM asset")
    assets_without_area = s("SELECT COUNT(*) FROM asset WHERE id NOT IN (SELECT asset_id FROM asset_area)")
    states.append(_state("assets", assets > 0, assets > 0 and assets_without_area == 0,
                         "map each asset onto the areas it serves"))

    risks = s("SELECT COUNT(*) FROM risk")
    thin_priorities = s("SELECT COUNT(*) FROM risk r WHERE is_priority = 1 AND (SELECT COUNT(DISTINCT LOWER(TRIM(source))) "
                        "FROM evidence e WHERE e.risk_id = r.id AND TRIM(e.source) <> '') < 2")
    undescribed = s("SELECT COUNT(*) FROM risk WHERE TRIM(description) = ''")
    states.append(_state("risks", risks > 0, risks > 0 and thin_priorities == 0 and undescribed == 0,
                         "describe each risk; give each priority risk two data sources"))

    criteria = s("SELECT COUNT(*) FROM criterion")
    scores = s("SELECT COUNT(*) FROM risk_score WHERE score IS NOT NULL")
    priorities = s("SELECT COUNT(*) FROM risk WHERE is_priority = 1")
    states.append(_state("prioritisation", scores > 0 or priorities > 0,
                         priorities > 0 and scores >= risks * criteria,
                         "score every risk on every criterion and choose the priority risks"))

    strategies = s("SELECT COUNT(*) FROM strategy")
    uncovered = s("SELECT COUNT(*) FROM risk WHERE is_priority = 1 AND id NOT IN (SELECT risk_id FROM strategy_risk)")
    leaderless = s("SELECT COUNT(*) FROM strategy WHERE lead_partner_id IS NULL")
    states.append(_state("strategies", strategies > 0,
                         strategies > 0 and priorities > 0 and uncovered == 0 and leaderless == 0,
                         "give every priority risk a strategy, each with a lead partner"))

    no_chain = s("SELECT COUNT(*) FROM strategy WHERE id NOT IN (SELECT strategy_id FROM outcome) "
                 "OR id NOT IN (SELECT strategy_id FROM logic_model_item WHERE kind = 'activity')")
    items = s("SELECT COUNT(*) FROM logic_model_item") + s("SELECT COUNT(*) FROM outcome")
    states.append(_state("logic_models", items > 0, strategies > 0 and no_chain == 0,
                         "give each strategy its activities and outcomes"))

    placed = s("SELECT COUNT(*) FROM strategy_risk")
    states.append(_state("target_board", placed > 0, priorities > 0 and uncovered == 0,
                         "link strategies to every priority risk"))

    unmeasured = s("SELECT COUNT(*) FROM strategy WHERE id NOT IN (SELECT o.strategy_id FROM outcome o "
                   "JOIN indicator i ON i.outcome_id = o.id WHERE (i.baseline_value IS NOT NULL AND i.target_value "
                   "IS NOT NULL) OR (TRIM(i.baseline_text) <> '' AND TRIM(i.target_text) <> ''))")
    states.append(_state("measurement", s("SELECT COUNT(*) FROM indicator") > 0, strategies > 0 and unmeasured == 0,
                         "give each strategy an indicator with a baseline and a target"))

    actions = s("SELECT COUNT(*) FROM action")
    without_action = s("SELECT COUNT(*) FROM strategy WHERE id NOT IN (SELECT strategy_id FROM action)")
    loose = s("SELECT COUNT(*) FROM action WHERE owner_partner_id IS NULL OR due_on IS NULL")
    states.append(_state("implementation", actions > 0, strategies > 0 and without_action == 0 and loose == 0,
                         "give each strategy actions with owners and due dates"))

    from .checks import law_findings_open, run_checks

    law_open = law_findings_open(run_checks(plan))
    states.append(_state("review", strategies > 0 or p.adopted_on is not None, not law_open,
                         "resolve what the law still requires"))
    return {st.step: st for st in states}
