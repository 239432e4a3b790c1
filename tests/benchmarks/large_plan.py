"""A very large plan for benchmarks: far more than any real community would record, built through
the plan API so that it holds exactly what the program itself would write.

Sizes: 300 partners, 30 risks (12 of them priorities), 600 strategies each addressing one or two
priority risks, 1,800 outcomes carrying 2,000 indicators, 20,000 measurements and 5,000 actions,
plus the committee, engagement, assets, evidence, scores and logic models around them.

Content and ids come from `random.Random(42)`, so two builds differ only in their time stamps.
Run this file directly to time a build:  python tests/benchmarks/large_plan.py [path.cswb]
"""

from __future__ import annotations

import datetime
import random
import sqlite3
import sys
import time
import uuid

from cswb_desktop.core import framework, schema
from cswb_desktop.core.plan import Plan, initialise

PARTNERS = 300
RISKS = 30
PRIORITY_RISKS = 12
STRATEGIES = 600
INDICATORS = 2_000
MEASUREMENTS = 20_000
ACTIONS = 5_000
COMMITTEE_MEMBERS = 24
ACTIVITIES = 40
ASSETS = 120
PROGRESS_UPDATES = 1_200

LARGE_COMMUNITY = "Benchmark County"
LARGE_TITLE = "Benchmark County Community Safety and Well-Being Plan"
LARGE_DEVICE_ID = "5d7e0c1a-2b44-4c2f-9a51-6c6172676501"
DEFAULT_TODAY = datetime.date(2025, 6, 30)

_SECTORS = ("Health", "Education", "Policing", "Child welfare", "Youth services", "Housing",
            "Food security", "Municipal government", "First Nation government", "Employment",
            "Seniors' services", "Faith community", "Business", "Culture and recreation")
_PLACES = ("North", "South", "East", "West", "Lakeshore", "Riverside", "Hillcrest", "Pine Ridge",
           "Birchwood", "Cedar Falls", "Maple Grove", "Stony Point", "Sainte-Anne", "Val-Rita")
_KINDS_OF_ORG = ("Community Services", "Health Centre", "Family Centre", "Youth Centre",
                 "Housing Co-operative", "Food Bank", "Employment Centre", "Seniors' Club",
                 "Friendship Centre", "Public Library", "Arts Council", "Legion Branch")
_VERBS = ("Expand", "Launch", "Strengthen", "Pilot", "Coordinate", "Sustain", "Evaluate")
_TOPICS = ("after-school programs", "supportive housing", "school mental health",
           "naloxone distribution", "landlord outreach", "family support visits",
           "land-based programs", "employment coaching", "seniors' check-ins",
           "healthy relationships education", "neighbourhood safety audits", "food access")


def new_large_plan_in_memory(today: datetime.date = DEFAULT_TODAY) -> Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, LARGE_DEVICE_ID)
    initialise(plan, community=LARGE_COMMUNITY, community_type="joint", title=LARGE_TITLE)
    build_large_plan(plan, today)
    return plan


def build_large_plan(plan: Plan, today: datetime.date = DEFAULT_TODAY) -> None:
    """Fill a freshly initialised plan with the benchmark content, in one transaction."""
    rng = random.Random(42)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def day(offset: int) -> str:
        return (today + datetime.timedelta(days=offset)).isoformat()

    with plan.transaction():
        plan.update_profile(
            participating_communities="\n".join(f"Township of {p}" for p in _PLACES[:6]),
            coordinators="Benchmark Coordinator", champions="Benchmark Champion",
            vision="A large plan for measuring how the program copes with size.",
            period_start=day(-365), period_end=day(4 * 365 - 366), adopted_on=day(-380),
            adoption_reference="Resolution 2024-001")

        partners = []
        for n in range(PARTNERS):
            place, kind = rng.choice(_PLACES), rng.choice(_KINDS_OF_ORG)
            partners.append(plan.partners.add(
                id=new_id(), organisation=f"{place} {kind} {n + 1}", sector=rng.choice(_SECTORS),
                contact_name=f"Contact {n + 1}", email=f"contact{n + 1}@example.org",
                phone=f"705-555-{n % 100:04d}", role="Partner in the plan",
                engagement_status=rng.choice(tuple(framework.ENGAGEMENT_STATUSES))).id)

        for n in range(COMMITTEE_MEMBERS):
            member = plan.committee_members.add(
                id=new_id(), person=f"Member {n + 1}", partner_id=partners[n],
                organisation=f"Organisation {n + 1}", role="Member")
            categories = {framework.COMMITTEE_CATEGORY_NUMBERS[n % 7]}
            if rng.random() < 0.3:
                categories.add(rng.choice(framework.COMMITTEE_CATEGORY_NUMBERS))
            plan.member_categories.set(member.id, sorted(categories))

        plan.teams.add(id=new_id(), kind="advisory_committee", name="Advisory committee",
                       purpose="Guide the plan.")
        for n in range(6):
            plan.teams.add(id=new_id(), kind="implementation_team", name=f"Action team {n + 1}",
                           purpose="Carry out strategies.")

        activities = []
        for n in range(ACTIVITIES):
            activity = plan.activities.add(
                id=new_id(), title=f"Engagement session {n + 1}", held_on=day(-700 + 5 * n),
                method="Workshop", participants=rng.randint(5, 300),
                what_we_heard="Housing, mental health and substance use came up most often.")
            plan.activity_groups.set(activity.id, [framework.CONSULTATION_GROUP_CODES[n % 7]] +
                                     rng.sample(framework.CONSULTATION_GROUP_CODES, 2))
            activities.append(activity.id)

        assets = []
        for n in range(ASSETS):
            asset = plan.assets.add(id=new_id(), name=f"Community asset {n + 1}",
                                    kind=rng.choice(tuple(framework.ASSET_KINDS)),
                                    owner_partner_id=rng.choice(partners),
                                    description="A program or place the community relies on.")
            plan.asset_areas.set(asset.id, rng.sample(framework.OUTER_AREAS, rng.randint(1, 2)))
            assets.append(asset.id)

        categories = [c.id for c in plan.risk_categories.list()]
        criteria = plan.criteria.list()
        risks, priority = [], []
        for n in range(RISKS):
            is_priority = n < PRIORITY_RISKS
            risk = plan.risks.add(
                id=new_id(), title=f"Risk {n + 1}", category_id=categories[n % len(categories)],
                description="A locally identified risk.", is_priority=is_priority,
                raised_by="Several engagement sessions.")
            for e in range(rng.randint(2, 4) if is_priority else rng.randint(0, 2)):
                plan.evidence.add(id=new_id(), risk_id=risk.id, source=f"Data source {e + 1}",
                                  indicator="Rate", value=str(rng.randint(1, 500)),
                                  unit="per 100,000", year=today.year - rng.randint(1, 4),
                                  geography=LARGE_COMMUNITY)
            for criterion in criteria:
                plan.set_score(risk.id, criterion.id, score=rng.randint(1, criterion.levels),
                               rationale="Scored by the committee.")
            plan.risk_activities.set(risk.id, rng.sample(activities, 3))
            plan.risk_partners.set(risk.id, rng.sample(partners, 3))
            risks.append(risk.id)
            if is_priority:
                priority.append(risk.id)

        weights = (30, 35, 25, 10)  # most work in the outer three rings
        outcomes = []
        strategies = []
        for n in range(STRATEGIES):
            start = rng.randint(-365, 365)
            strategy = plan.strategies.add(
                id=new_id(), number=n + 1,
                title=f"{rng.choice(_VERBS)} {rng.choice(_TOPICS)} ({n + 1})",
                description="A strategy addressing one or two priority risks.",
                area=rng.choices(framework.AREA_CODES, weights)[0],
                kind=rng.choice(tuple(framework.STRATEGY_KINDS)),
                lead_partner_id=rng.choice(partners),
                status=rng.choice(tuple(framework.STRATEGY_STATUSES)),
                start_on=day(start), end_on=day(start + rng.randint(180, 1200)),
                resources="Staff time and a small grant.", budget=float(rng.randint(1, 500) * 1000),
                asset_id=rng.choice(assets) if rng.random() < 0.3 else None)
            plan.strategy_risks.set(strategy.id, rng.sample(priority, rng.randint(1, 2)))
            plan.strategy_partners.set(strategy.id, rng.sample(partners, rng.randint(1, 4)))
            for kind in framework.LOGIC_ITEM_KINDS:
                plan.logic_items.add(id=new_id(), strategy_id=strategy.id, kind=kind,
                                     text=f"{framework.LOGIC_ITEM_KINDS[kind]} of strategy {n + 1}")
            for position, level in enumerate(framework.OUTCOME_LEVELS):
                outcomes.append(plan.outcomes.add(
                    id=new_id(), strategy_id=strategy.id, level=level, position=position,
                    text=f"{framework.OUTCOME_LEVELS[level]} of strategy {n + 1}").id)
            strategies.append(strategy.id)

        # Every outcome gets one indicator, and the rest go to outcomes picked at random.
        indicator_outcomes = outcomes + [rng.choice(outcomes) for _ in range(INDICATORS - len(outcomes))]
        per_indicator = MEASUREMENTS // INDICATORS
        for n, outcome_id in enumerate(indicator_outcomes):
            baseline = float(rng.randint(10, 200))
            direction = rng.choice(("increase", "decrease"))
            target = baseline * (1.25 if direction == "increase" else 0.75)
            indicator = plan.indicators.add(
                id=new_id(), outcome_id=outcome_id, name=f"Indicator {n + 1}", unit="people",
                baseline_value=baseline, baseline_on=day(-400), target_value=target,
                target_on=day(1000), direction=direction, data_source="Partner records",
                collection_method="Count", frequency=rng.choice(framework.FREQUENCIES),
                responsible_partner_id=rng.choice(partners))
            value = baseline
            for m in range(per_indicator):
                value = max(0.0, value + rng.uniform(-0.08, 0.1) * baseline)
                plan.measurements.add(id=new_id(), indicator_id=indicator.id,
                                      measured_on=day(-390 + m * 38), value=round(value, 1))

        statuses = tuple(framework.ACTION_STATUSES)
        for n in range(ACTIONS):
            due = rng.randint(-400, 600)
            status = rng.choice(statuses)
            plan.actions.add(
                id=new_id(), strategy_id=strategies[n % STRATEGIES], title=f"Action {n + 1}",
                owner_partner_id=rng.choice(partners), is_milestone=rng.random() < 0.1,
                due_on=day(due), status=status,
                done_on=day(min(due, 0) - rng.randint(0, 20)) if status == "done" else None)

        for n in range(PROGRESS_UPDATES):
            plan.progress_updates.add(
                id=new_id(), strategy_id=strategies[n % STRATEGIES],
                reported_on=day(-rng.randint(0, 360)),
                status=rng.choice(tuple(framework.PROGRESS_STATUSES)), note="Quarterly report.")


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    plan = new_large_plan_in_memory()
    built = time.perf_counter() - started
    print(f"build_large_plan: {built:.1f} s")
    for table, count in plan.counts().items():
        print(f"  {table:20} {count:7,}")
    if len(argv) > 1:
        plan.conn.execute("VACUUM INTO ?", (argv[1],))
        print(f"written to {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
