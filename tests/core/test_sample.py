"""The demo plan is complete, consistent, dated relative to `today` and built in one transaction."""

import datetime
import sqlite3

import pytest

from cswb_desktop.core import framework, schema
from cswb_desktop.core.plan import Plan, initialise
from cswb_desktop.core.sample import (
    DEMO_COMMUNITY, DEMO_TITLE, build_demo, new_demo_plan_in_memory,
)

TODAY = datetime.date(2025, 10, 15)


@pytest.fixture(scope="module")
def demo() -> Plan:
    return new_demo_plan_in_memory(TODAY)


def _is_syllabics(text: str) -> bool:
    return any(0x1400 <= ord(ch) <= 0x167F for ch in text)


def _all_text(plan: Plan) -> list[str]:
    texts = []
    for table in schema.record_tables():
        for row in plan.rows(table):
            texts += [v for v in row.values() if isinstance(v, str)]
    return texts


def test_counts(demo):
    assert demo.partners.count() == 12
    assert demo.activities.count() == 6
    assert demo.assets.count() == 8
    assert demo.risks.count() == 8
    assert sum(r.is_priority for r in demo.risks.list()) == 4
    assert demo.strategies.count() == 12
    assert demo.indicators.count() == 15
    assert demo.teams.count(kind="advisory_committee") == 1
    assert demo.teams.count(kind="implementation_team") == 2
    assert 6 <= demo.participants.count() <= 10


def test_profile_is_a_joint_plan_adopted_but_not_published(demo):
    profile = demo.profile()
    assert profile.community == DEMO_COMMUNITY
    assert profile.title == DEMO_TITLE
    assert profile.community_type == "joint"
    assert len(profile.participating_communities.splitlines()) == 2
    assert profile.coordinators and profile.champions and profile.vision
    assert profile.adoption_reference
    adopted = datetime.date.fromisoformat(profile.adopted_on)
    start = datetime.date.fromisoformat(profile.period_start)
    end = datetime.date.fromisoformat(profile.period_end)
    assert adopted < TODAY and adopted <= start < end
    assert profile.published_on is None


def test_every_committee_category_is_covered(demo):
    members = {m.id for m in demo.committee_members.list()}
    covered = {int(c) for m, c in demo.member_categories.pairs() if m in members}
    assert covered == set(framework.COMMITTEE_CATEGORY_NUMBERS)
    assert any(len(demo.member_categories.targets(m)) > 1 for m in members)
    assert all(m.partner_id for m in demo.committee_members.list())


def test_teams_have_full_terms_of_reference(demo):
    for team in demo.teams.list():
        for field in ("name", "background", "purpose", "objectives", "membership", "responsibilities"):
            assert getattr(team, field).strip(), (team.name, field)


def test_every_consultation_group_is_reached(demo):
    reached = {code for _, code in demo.activity_groups.pairs()}
    assert reached == set(framework.CONSULTATION_GROUP_CODES)
    for activity in demo.activities.list():
        assert activity.held_on and activity.method and activity.what_we_heard
        assert activity.participants and activity.participants > 0


def test_engagement_summary_is_filled(demo):
    summary = demo.engagement_summary()
    for field in ("period_start", "period_end", "outreach_types", "successes", "challenges",
                  "findings", "lessons"):
        assert getattr(summary, field), field


def test_assets_have_owners_and_areas(demo):
    for asset in demo.assets.list():
        assert asset.owner_partner_id and asset.description
        assert demo.asset_areas.targets(asset.id)


def test_risks_use_plan_categories_and_answer_form_c(demo):
    categories = {c.id for c in demo.risk_categories.list()}
    for risk in demo.risks.list():
        assert risk.category_id in categories
        for field in ("description", "problem_or_symptom", "raised_by", "evidence_and_seriousness",
                      "if_nothing_done", "current_response", "combined_approach", "most_work_needed"):
            assert getattr(risk, field).strip(), (risk.title, field)
        assert demo.risk_activities.targets(risk.id)
        assert demo.risk_partners.targets(risk.id)


def test_every_priority_risk_has_two_sources_of_evidence(demo):
    for risk in demo.risks.list():
        if risk.is_priority:
            evidence = demo.evidence.list(risk_id=risk.id)
            assert len(evidence) >= 2, risk.title
            assert len({e.source for e in evidence}) >= 2, risk.title


def test_every_risk_is_scored_on_every_criterion(demo):
    criteria = demo.criteria.list()
    for risk in demo.risks.list():
        for criterion in criteria:
            score = next(s for s in demo.scores.list(risk_id=risk.id) if s.criterion_id == criterion.id)
            assert score.score is not None and 1 <= score.score <= criterion.levels
            assert score.rationale
    assert demo.scores.count() == len(criteria) * demo.risks.count()


def test_strategies_cover_all_areas_mostly_outside_the_bullseye(demo):
    strategies = demo.strategies.list()
    areas = [s.area for s in strategies]
    assert set(areas) == set(framework.AREA_CODES)
    assert 1 <= areas.count("incident_response") <= 2
    assert {s.kind for s in strategies} == set(framework.STRATEGY_KINDS)
    assert [s.number for s in strategies] == list(range(1, 13))


def test_every_strategy_is_complete_and_linked_to_a_priority_risk(demo):
    priority = {r.id for r in demo.risks.list() if r.is_priority}
    addressed = set()
    for strategy in demo.strategies.list():
        assert strategy.lead_partner_id, strategy.title
        assert demo.strategy_partners.targets(strategy.id)
        risks = set(demo.strategy_risks.targets(strategy.id))
        assert risks and risks <= priority, strategy.title
        addressed |= risks
        assert strategy.start_on and strategy.end_on and strategy.resources
        assert strategy.budget and strategy.budget > 0
        kinds = {i.kind for i in demo.logic_items.list(strategy_id=strategy.id)}
        assert kinds == set(framework.LOGIC_ITEM_KINDS), strategy.title
        levels = {o.level for o in demo.outcomes.list(strategy_id=strategy.id)}
        assert levels == set(framework.OUTCOME_LEVELS), strategy.title
    assert addressed == priority
    assert any(len(demo.strategy_risks.targets(s.id)) > 1 for s in demo.strategies.list())


def test_indicators_have_every_pmf_column(demo):
    strategies_measured = set()
    outcome_strategy = {o.id: o.strategy_id for o in demo.outcomes.list()}
    qualitative = 0
    for indicator in demo.indicators.list():
        strategies_measured.add(outcome_strategy[indicator.outcome_id])
        if indicator.measure_type == "qualitative":
            qualitative += 1
            assert indicator.baseline_text and indicator.target_text
        else:
            assert indicator.baseline_value is not None and indicator.target_value is not None
            assert indicator.unit
        assert indicator.baseline_on and indicator.target_on
        assert indicator.baseline_on < indicator.target_on
        assert indicator.direction in framework.DIRECTIONS
        assert indicator.frequency in framework.FREQUENCIES
        assert indicator.data_source and indicator.collection_method
        assert indicator.responsible_partner_id
    assert 1 <= qualitative <= 2
    assert strategies_measured == {s.id for s in demo.strategies.list()}


def test_measurements_are_in_the_past_and_some_are_missing(demo):
    indicators = demo.indicators.list()
    counts = [demo.measurements.count(indicator_id=i.id) for i in indicators]
    assert counts.count(0) == 2
    assert all(c <= 4 for c in counts)
    by_id = {i.id: i for i in indicators}
    for m in demo.measurements.list():
        indicator = by_id[m.indicator_id]
        assert indicator.baseline_on < m.measured_on <= TODAY.isoformat()
        if indicator.measure_type == "qualitative":
            assert m.text_value and m.value is None
        else:
            assert m.value is not None


def test_some_indicators_are_on_track_and_some_are_not(demo):
    on_track = off_track = 0
    for indicator in demo.indicators.list():
        values = [m.value for m in demo.measurements.list(indicator_id=indicator.id)]
        if indicator.measure_type != "quantitative" or not values:
            continue
        moved = values[-1] - indicator.baseline_value
        wanted = 1 if indicator.direction == "increase" else -1
        if moved * wanted > 0:
            on_track += 1
        elif moved * wanted < 0:
            off_track += 1
    assert on_track >= 5 and off_track >= 1


@pytest.mark.parametrize("today", [TODAY, datetime.date(2031, 2, 28), datetime.date(2024, 2, 29)])
def test_actions_are_done_overdue_and_due_soon_whatever_the_date(today):
    plan = new_demo_plan_in_memory(today)
    actions = plan.actions.list()
    soon = (today + datetime.timedelta(days=30)).isoformat()
    now = today.isoformat()
    done = [a for a in actions if a.status == "done"]
    open_ = [a for a in actions if a.status not in ("done", "cancelled")]
    assert done and all(a.done_on and a.done_on <= now for a in done)
    assert any(a.due_on < now for a in open_), "an overdue action"
    assert any(now <= a.due_on <= soon for a in open_), "an action due within 30 days"
    assert all(a.owner_partner_id for a in actions)
    assert {a.strategy_id for a in actions} == {s.id for s in plan.strategies.list()}
    assert plan.progress_updates.count() > 0
    assert all(u.reported_on <= now for u in plan.progress_updates.list())
    assert all(a.held_on < now for a in plan.activities.list())


def test_names_in_french_and_in_syllabics(demo):
    organisations = [p.organisation for p in demo.partners.list()]
    assert any(o.startswith("Conseil scolaire") for o in organisations)
    assert any(_is_syllabics(o) for o in organisations)
    assert any(_is_syllabics(a.name) for a in demo.assets.list())
    assert any(_is_syllabics(a.title) or _is_syllabics(a.method) for a in demo.activities.list())
    assert any("petite enfance" in a.description for a in demo.assets.list())
    assert _is_syllabics(demo.profile().participating_communities)


def test_no_placeholder_text(demo):
    for text in _all_text(demo):
        assert "lorem" not in text.lower()
        assert "ipsum" not in text.lower()
        assert "todo" not in text.lower().split()


def test_contacts_use_reserved_example_domains(demo):
    for partner in demo.partners.list():
        assert partner.contact_name
        domain = partner.email.rsplit("@", 1)[1]
        assert domain.split(".")[-2:] in (["example", "org"], ["example", "com"], ["example", "net"])
        assert "-555-01" in partner.phone


def test_two_builds_give_equal_counts():
    first = new_demo_plan_in_memory(TODAY)
    second = new_demo_plan_in_memory(TODAY)
    assert first.counts() == second.counts()
    assert [s.title for s in first.strategies.list()] == [s.title for s in second.strategies.list()]


def test_build_demo_is_one_transaction_on_a_plan_initialised_by_the_caller():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, "test-device")
    initialise(plan, community="Elsewhere", community_type="joint", title="Another title")
    before = plan.revision
    heard = []
    plan.add_listener(heard.append)
    build_demo(plan, TODAY)
    assert plan.revision == before + 1
    assert len(heard) == 1 and {"partner", "strategy", "measurement"} <= heard[0].tables
    profile = plan.profile()
    assert (profile.community, profile.title) == ("Elsewhere", "Another title")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert not conn.in_transaction
