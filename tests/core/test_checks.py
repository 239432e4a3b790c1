"""Readiness checks: each check fires on what is missing and clears once it is fixed."""

import datetime
import sqlite3

import pytest

from cswb_desktop.core.plan import InvalidValue

from cswb_desktop.core import framework, schema
from cswb_desktop.core import plan as P
from cswb_desktop.core.checks import (
    Finding, add_years, due_dates, law_findings_open, run_checks, sort_findings,
)

D = datetime.date
TODAY = D(2025, 3, 1)


def new_plan():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    p = P.Plan(conn, "test-device")
    P.initialise(p, community="Testville")
    return p


def codes(findings):
    return sorted(f.code for f in findings)


def only(findings, code):
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, matching
    return matching[0]


def add_member(p, person, *categories):
    member = p.committee_members.add(person=person)
    for category in categories:
        p.member_categories.add(member.id, category)
    return member


def add_ready_strategy(p, title, risk_id, lead_id):
    strategy = p.strategies.add(title=title, lead_partner_id=lead_id, area="prevention")
    p.strategy_risks.add(strategy.id, risk_id)
    outcome = p.outcomes.add(strategy_id=strategy.id, level="immediate", text="Fewer evictions")
    p.indicators.add(outcome_id=outcome.id, name="Evictions per year", baseline_value=40.0,
                     target_value=30.0, direction="decrease")
    return strategy


def add_priority_risk(p, title, *sources):
    risk = p.risks.add(title=title, is_priority=True)
    for source in sources:
        p.evidence.add(risk_id=risk.id, source=source, indicator="Rate", value="1")
    return risk


@pytest.fixture
def ready():
    """A plan that meets every check (not yet adopted), to take pieces away from."""
    p = new_plan()
    p.update_profile(vision="A safe, caring Testville.", period_start="2025-01-01",
                     period_end="2028-12-31")
    partner = p.partners.add(organisation="Testville Housing")
    add_member(p, "Ada", 1, 2, 6)
    add_member(p, "Ben", 3, 4, 5)
    add_member(p, "Cleo", 7)
    p.teams.add(kind="advisory_committee", name="Advisory committee", purpose="Guide the plan.")
    p.teams.add(kind="implementation_team", name="Housing team", purpose="Deliver housing work.")
    activity = p.activities.add(title="Town hall", held_on="2024-10-01")
    for code in framework.CONSULTATION_GROUP_CODES:
        p.activity_groups.add(activity.id, code)
    p.update_engagement_summary(findings="Housing came up in every session.")
    risk = add_priority_risk(p, "Housing", "Statistics Canada", "Local shelter data")
    strategy = add_ready_strategy(p, "Eviction prevention", risk.id, partner.id)
    p.strategies.update(strategy.id, status="underway")
    p.ids = {"partner": partner.id, "risk": risk.id, "strategy": strategy.id, "activity": activity.id}
    return p


# --- the whole review -------------------------------------------------------------------------

def test_ready_plan_has_no_findings(ready):
    assert run_checks(ready, TODAY) == []
    assert not law_findings_open(run_checks(ready, TODAY))


def test_empty_plan_has_law_findings():
    p = new_plan()
    findings = run_checks(p, TODAY)
    law = [f for f in findings if f.required_by_law]
    assert codes(law) == sorted(["committee_category_missing"] * 7 + ["consultation_group_missing"] * 7
                                + ["priority_risk_missing"])
    assert codes(f for f in findings if not f.required_by_law) == [
        "engagement_findings_missing", "implementation_team_missing", "plan_period_missing",
        "vision_missing"]
    assert law_findings_open(findings)
    assert all(f.severity in ("law", "toolkit") for f in findings)
    assert all(f.step in framework.STEP_CODES for f in findings)
    # no adoption recorded: nothing about publication or review yet
    assert not any(f.code.startswith(("publication", "review")) for f in findings)


def test_law_findings_open_counts_only_law():
    toolkit = Finding("vision_missing", "toolkit", "No vision.", "profile", None, None)
    law = Finding("priority_risk_missing", "law", "No priority.", "prioritisation", None, None)
    assert law.required_by_law and not toolkit.required_by_law
    assert not law_findings_open([])
    assert not law_findings_open([toolkit])
    assert law_findings_open([toolkit, law])
    assert law_findings_open(iter([law]))


def test_findings_are_ordered_by_step_then_law_then_message():
    findings = run_checks(new_plan(), TODAY)
    keys = [(framework.STEP_CODES.index(f.step), f.severity != "law", f.message) for f in findings]
    assert keys == sorted(keys)
    assert findings[0].step == "profile"
    committee = [f for f in findings if f.step == "committee"]
    assert [f.severity for f in committee] == ["law"] * 7 + ["toolkit"]
    shuffled = list(reversed(findings))
    assert sort_findings(shuffled) == findings


# --- advisory committee -----------------------------------------------------------------------

def test_each_missing_committee_category_is_named():
    p = new_plan()
    findings = [f for f in run_checks(p, TODAY) if f.code == "committee_category_missing"]
    assert len(findings) == 7
    for number, finding in zip(framework.COMMITTEE_CATEGORY_NUMBERS, sorted(
            findings, key=lambda f: f.message)):
        assert f"category {number}," in finding.message
        assert finding.step == "committee" and finding.severity == "law"
    police = next(f for f in findings if "category 7" in f.message)
    assert "“Police”" in police.message and "OPP detachment commander" in police.message
    custodial = next(f for f in findings if "category 5" in f.message)
    assert "no such provider in your area" in custodial.message
    assert "no such provider" not in police.message


def test_adding_member_for_category_7_removes_exactly_that_finding(ready):
    ready.member_categories.remove(ready.committee_members.list(person="Cleo")[0].id, 7)
    before = run_checks(ready, TODAY)
    finding = only(before, "committee_category_missing")
    assert "category 7" in finding.message
    add_member(ready, "Dee", 7)
    after = run_checks(ready, TODAY)
    assert after == [f for f in before if f != finding]


def test_no_provider_clears_categories_3_to_5_only():
    p = new_plan()
    add_member(p, "Ada", 1, 2, 3, 4, 6, 7)
    finding = only(run_checks(p, TODAY), "committee_category_missing")
    assert "category 5" in finding.message
    p.set_category_status(5, no_provider=True, note="No youth custody in the district.")
    assert not any(f.code == "committee_category_missing" for f in run_checks(p, TODAY))
    p.set_category_status(5, no_provider=False)
    assert "category 5" in only(run_checks(p, TODAY), "committee_category_missing").message


def test_no_provider_on_a_category_the_law_always_requires_is_ignored():
    p = new_plan()
    add_member(p, "Ada", 2, 3, 4, 5, 6, 7)
    # The plan API refuses this, but a hand-edited file could carry it; the law allows no such exemption.
    with pytest.raises(InvalidValue):
        p.category_statuses.add(category=1, no_provider=True)
    with p.transaction():
        p.insert_row("category_status", {"id": "hand-made", "created_at": "x", "modified_at": "x",
                                         "modified_by": "x", "category": 1, "no_provider": 1})
    assert "category 1" in only(run_checks(p, TODAY), "committee_category_missing").message


def test_one_member_may_cover_every_category():
    p = new_plan()
    add_member(p, "Ada", *framework.COMMITTEE_CATEGORY_NUMBERS)
    assert not any(f.code == "committee_category_missing" for f in run_checks(p, TODAY))


# --- teams ------------------------------------------------------------------------------------

def test_implementation_team_and_terms_of_reference(ready):
    team = ready.teams.list(kind="implementation_team")[0]
    ready.teams.update(team.id, purpose="   ")
    finding = only(run_checks(ready, TODAY), "team_purpose_missing")
    assert (finding.table, finding.record_id, finding.severity) == ("team", team.id, "toolkit")
    assert "“Housing team”" in finding.message
    ready.teams.delete(team.id)
    finding = only(run_checks(ready, TODAY), "implementation_team_missing")
    assert finding.step == "committee" and finding.severity == "toolkit"
    ready.teams.add(kind="implementation_team", name="Youth team", purpose="Youth work.")
    assert run_checks(ready, TODAY) == []


# --- engagement -------------------------------------------------------------------------------

def test_consultation_group_reached_clears_its_finding(ready):
    ready.activity_groups.remove(ready.ids["activity"], "youth")
    finding = only(run_checks(ready, TODAY), "consultation_group_missing")
    assert "“Youth”" in finding.message
    assert (finding.step, finding.severity) == ("engagement", "law")
    other = ready.activities.add(title="Youth drop-in")
    ready.activity_groups.add(other.id, "youth")
    assert run_checks(ready, TODAY) == []


def test_advisory_committee_counts_as_consulted_once_an_activity_reached_it():
    p = new_plan()
    groups = [f.message for f in run_checks(p, TODAY) if f.code == "consultation_group_missing"]
    assert any("“The advisory committee”" in m for m in groups)
    meeting = p.activities.add(title="Committee workshop")
    p.activity_groups.add(meeting.id, "advisory_committee")
    groups = [f.message for f in run_checks(p, TODAY) if f.code == "consultation_group_missing"]
    assert len(groups) == 6
    assert not any("“The advisory committee”" in m for m in groups)


def test_engagement_summary_findings(ready):
    ready.update_engagement_summary(findings="")
    finding = only(run_checks(ready, TODAY), "engagement_findings_missing")
    assert "Form A" in finding.message and finding.severity == "toolkit"
    assert finding.record_id == ready.engagement_summary().id


# --- risks ------------------------------------------------------------------------------------

def test_plan_must_name_a_priority_risk(ready):
    ready.risks.update(ready.ids["risk"], is_priority=False)
    finding = only(run_checks(ready, TODAY), "priority_risk_missing")
    assert (finding.severity, finding.step) == ("law", "prioritisation")
    ready.risks.update(ready.ids["risk"], is_priority=True)
    assert run_checks(ready, TODAY) == []


def test_priority_risk_needs_two_distinct_sources(ready):
    risk = add_priority_risk(ready, "Mental health", "Hospital admissions")
    add_ready_strategy(ready, "Crisis line", risk.id, ready.ids["partner"])
    finding = only(run_checks(ready, TODAY), "risk_sources_too_few")
    assert (finding.table, finding.record_id, finding.step) == ("risk", risk.id, "risks")
    assert "“Mental health”" in finding.message and "only 1 data source" in finding.message
    # the same source again, spelled a little differently, is still one source
    ready.evidence.add(risk_id=risk.id, source="  hospital   ADMISSIONS ", indicator="Visits")
    assert only(run_checks(ready, TODAY), "risk_sources_too_few").record_id == risk.id
    ready.evidence.add(risk_id=risk.id, source="School board survey", indicator="Wellbeing")
    assert run_checks(ready, TODAY) == []


def test_priority_risk_without_any_evidence_says_so(ready):
    risk = add_priority_risk(ready, "")
    ready.risks.update(risk.id, category_id=P.derived_id("rtd", "Suicide"))
    add_ready_strategy(ready, "Gatekeeper training", risk.id, ready.ids["partner"])
    finding = only(run_checks(ready, TODAY), "risk_sources_too_few")
    assert "“Suicide”" in finding.message and "no evidence" in finding.message


def test_sources_of_risks_that_are_not_priorities_are_not_checked(ready):
    ready.risks.add(title="Gambling", is_priority=False)
    assert run_checks(ready, TODAY) == []


def test_priority_risk_needs_a_strategy(ready):
    risk = add_priority_risk(ready, "Poverty", "Statistics Canada", "Food bank")
    finding = only(run_checks(ready, TODAY), "risk_strategy_missing")
    assert (finding.table, finding.record_id, finding.step, finding.severity) == (
        "risk", risk.id, "strategies", "law")
    assert "“Poverty”" in finding.message
    ready.strategy_risks.add(ready.ids["strategy"], risk.id)
    assert run_checks(ready, TODAY) == []


# --- strategies, outcomes, indicators ---------------------------------------------------------

def test_strategy_lead_partner(ready):
    ready.strategies.update(ready.ids["strategy"], lead_partner_id=None)
    finding = only(run_checks(ready, TODAY), "strategy_lead_missing")
    assert (finding.severity, finding.record_id) == ("toolkit", ready.ids["strategy"])
    assert finding.message.startswith("Strategy 1 (“Eviction prevention”) has no lead partner")
    ready.strategies.update(ready.ids["strategy"], lead_partner_id=ready.ids["partner"])
    assert run_checks(ready, TODAY) == []


def test_strategy_needs_outcome_then_measurable_indicator(ready):
    strategy = ready.strategies.add(title="Landlord outreach", lead_partner_id=ready.ids["partner"],
                                    status="underway")
    ready.strategy_risks.add(strategy.id, ready.ids["risk"])
    finding = only(run_checks(ready, TODAY), "strategy_outcome_missing")
    assert (finding.record_id, finding.step, finding.severity) == (strategy.id, "logic_models", "law")
    assert "Strategy 2 (“Landlord outreach”)" in finding.message

    outcome = ready.outcomes.add(strategy_id=strategy.id, text="Landlords know the supports")
    finding = only(run_checks(ready, TODAY), "strategy_measure_missing")
    assert (finding.record_id, finding.step) == (strategy.id, "measurement")

    indicator = ready.indicators.add(outcome_id=outcome.id, name="Landlords reached",
                                     baseline_value=0.0)
    assert only(run_checks(ready, TODAY), "strategy_measure_missing").record_id == strategy.id
    ready.indicators.update(indicator.id, target_value=50.0)
    assert run_checks(ready, TODAY) == []


def test_qualitative_indicator_needs_baseline_and_target_text(ready):
    strategy = ready.strategies.add(title="Elders' circle", lead_partner_id=ready.ids["partner"],
                                    status="underway")
    ready.strategy_risks.add(strategy.id, ready.ids["risk"])
    outcome = ready.outcomes.add(strategy_id=strategy.id, text="Stronger ties")
    indicator = ready.indicators.add(outcome_id=outcome.id, name="How connected people feel",
                                     measure_type="qualitative", baseline_text="Isolated",
                                     baseline_value=1.0, target_value=2.0)
    assert only(run_checks(ready, TODAY), "strategy_measure_missing").record_id == strategy.id
    ready.indicators.update(indicator.id, target_text="Connected")
    assert run_checks(ready, TODAY) == []


def test_strategies_still_planned_after_adoption(ready):
    ready.update_profile(adopted_on="2025-02-01", published_on="2025-02-10")
    assert run_checks(ready, TODAY) == []
    ready.strategies.update(ready.ids["strategy"], status="planned")
    finding = only(run_checks(ready, TODAY), "strategy_not_started")
    assert (finding.severity, finding.step, finding.record_id) == (
        "toolkit", "implementation", ready.ids["strategy"])
    assert "2025-02-01" in finding.message and "Strategy 1 (“Eviction prevention”)" in finding.message
    second = add_ready_strategy(ready, "Rent bank", ready.ids["risk"], ready.ids["partner"])
    finding = only(run_checks(ready, TODAY), "strategy_not_started")
    assert finding.record_id is None and "2 strategies are" in finding.message
    ready.strategies.update(second.id, start_on="2025-04-01")
    ready.strategies.update(ready.ids["strategy"], status="underway")
    assert run_checks(ready, TODAY) == []
    # before adoption, planned strategies are simply the plan being written
    ready.strategies.update(ready.ids["strategy"], status="planned")
    ready.update_profile(adopted_on=None, published_on=None)
    assert run_checks(ready, TODAY) == []


# --- profile ----------------------------------------------------------------------------------

def test_vision_and_period(ready):
    ready.update_profile(vision=" ")
    finding = only(run_checks(ready, TODAY), "vision_missing")
    assert (finding.step, finding.table, finding.record_id) == ("profile", "plan", ready.profile().id)
    ready.update_profile(vision="Everyone belongs.", period_end=None)
    assert "no end date" in only(run_checks(ready, TODAY), "plan_period_missing").message
    ready.update_profile(period_end="2024-12-31")
    finding = only(run_checks(ready, TODAY), "plan_period_invalid")
    assert "2024-12-31" in finding.message and "2025-01-01" in finding.message
    ready.update_profile(period_end="2029-12-31")
    assert run_checks(ready, TODAY) == []


# --- publication and review -------------------------------------------------------------------

def test_due_dates():
    profile = new_plan().profile()
    assert due_dates(profile) == (None, None)
    p = new_plan()
    p.update_profile(adopted_on="2025-05-14")
    assert due_dates(p.profile()) == (D(2025, 6, 13), D(2029, 5, 14))


def test_due_dates_after_leap_day_adoption():
    p = new_plan()
    p.update_profile(adopted_on="2024-02-29")
    assert due_dates(p.profile()) == (D(2024, 3, 30), D(2028, 2, 29))
    p.update_profile(adopted_on="2096-02-29")  # 2100 is not a leap year
    assert due_dates(p.profile()) == (D(2096, 3, 30), D(2100, 2, 28))
    assert add_years(D(2023, 2, 28), 1) == D(2024, 2, 28)


def test_leap_day_adoption_review_finding(ready):
    ready.update_profile(adopted_on="2096-02-29", published_on="2096-03-01")
    finding = only(run_checks(ready, D(2099, 12, 1)), "review_due")
    assert "by 2100-02-28" in finding.message and "2096-02-29" in finding.message
    assert "in 2 months" in finding.message
    finding = only(run_checks(ready, D(2100, 3, 1)), "review_overdue")
    assert "was due on 2100-02-28" in finding.message


def test_publication_due_then_overdue_then_done(ready):
    ready.update_profile(adopted_on="2025-05-14")
    profile_id = ready.profile().id
    finding = only(run_checks(ready, D(2025, 5, 20)), "publication_due")
    assert (finding.severity, finding.step, finding.table, finding.record_id) == (
        "law", "review", "plan", profile_id)
    assert "by 2025-06-13" in finding.message and "2025-05-14" in finding.message
    assert only(run_checks(ready, D(2025, 6, 13)), "publication_due")  # the last day still counts
    finding = only(run_checks(ready, D(2025, 6, 14)), "publication_overdue")
    assert "overdue since 2025-06-13" in finding.message
    ready.update_profile(published_on="2025-06-20")
    assert run_checks(ready, D(2025, 6, 21)) == []


def test_publication_recorded_before_a_new_adoption_does_not_count(ready):
    ready.update_profile(adopted_on="2029-05-01", published_on="2025-06-01")
    finding = only(run_checks(ready, D(2029, 5, 10)), "publication_due")
    assert "by 2029-05-31" in finding.message and "2025-06-01" in finding.message


def test_review_far_then_soon_then_overdue(ready):
    ready.update_profile(adopted_on="2025-05-14", published_on="2025-05-20")
    assert run_checks(ready, D(2026, 1, 1)) == []
    assert run_checks(ready, D(2028, 11, 13)) == []  # one day before the six-month window
    finding = only(run_checks(ready, D(2028, 11, 14)), "review_due")
    assert "that is in 6 months" in finding.message
    finding = only(run_checks(ready, D(2029, 1, 14)), "review_due")
    assert finding.message == ("The plan must be reviewed and updated by 2029-05-14, 4 years after "
                               "its adoption on 2025-05-14; that is in 4 months.")
    assert (finding.severity, finding.step) == ("law", "review")
    assert "that is in 13 days" in only(run_checks(ready, D(2029, 5, 1)), "review_due").message
    assert "that is today" in only(run_checks(ready, D(2029, 5, 14)), "review_due").message
    finding = only(run_checks(ready, D(2029, 5, 15)), "review_overdue")
    assert "was due on 2029-05-14" in finding.message
    # a new adoption after the review starts the clock again
    ready.update_profile(adopted_on="2029-06-01", published_on="2029-06-05")
    assert run_checks(ready, D(2029, 6, 10)) == []


def test_today_defaults_to_the_real_date(ready):
    ready.update_profile(adopted_on=datetime.date.today().isoformat())
    assert codes(run_checks(ready)) == ["publication_due"]


# --- cost -------------------------------------------------------------------------------------

def _statements_during_checks(p):
    seen = []
    p.conn.set_trace_callback(seen.append)
    try:
        run_checks(p, TODAY)
    finally:
        p.conn.set_trace_callback(None)
    return len(seen)


def test_query_count_does_not_grow_with_the_plan(ready):
    small = _statements_during_checks(ready)
    with ready.transaction():
        for n in range(30):
            risk = add_priority_risk(ready, f"Risk {n}", "A")
            strategy = add_ready_strategy(ready, f"Strategy {n}", risk.id, ready.ids["partner"])
            ready.outcomes.add(strategy_id=strategy.id, text="More")
            member = add_member(ready, f"Member {n}", 1 + n % 7)
            ready.teams.add(name=f"Team {n}")
            ready.activity_groups.add(ready.activities.add(title=f"Meeting {n}").id, "youth")
            assert member
    large = _statements_during_checks(ready)
    assert large == small
    assert len(run_checks(ready, TODAY)) > 30
