"""The plan API: typed create/read/update/delete of every record, tombstones, references, undo."""

from __future__ import annotations

import sqlite3

import pytest

from cswb_desktop.core import plan as P
from cswb_desktop.core import schema
from cswb_desktop.core.records import Criterion, Partner, Strategy


class Clock:
    def __init__(self):
        self.t = 0

    def __call__(self) -> str:
        self.t += 1
        return f"2025-01-01T00:00:{self.t:02d}.000000Z"


@pytest.fixture
def plan() -> P.Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    schema.apply_migrations(conn)
    p = P.Plan(conn, "device-a", clock=Clock())
    P.initialise(p, community="Testville")
    return p


def all_rows(p: P.Plan) -> dict[str, list[dict]]:
    return {t: p.rows(t) for t in schema.record_tables()}


# One valid record per table, built on each other; (table attribute, values)
def build_one_of_everything(p: P.Plan) -> dict[str, str]:
    ids = {}
    ids["partner"] = p.partners.add(organisation="Health unit").id
    ids["committee_member"] = p.committee_members.add(person="Ada", partner_id=ids["partner"]).id
    ids["team"] = p.teams.add(name="Youth team", purpose="Help").id
    ids["engagement_activity"] = p.activities.add(title="Town hall", held_on="2025-02-01", participants=40).id
    ids["participant"] = p.participants.add(sector_or_group="Youth", organisation="Youth centre").id
    ids["asset"] = p.assets.add(name="Arena", kind="facility", owner_partner_id=ids["partner"]).id
    ids["risk"] = p.risks.add(title="Housing", category_id=p.risk_categories.list()[0].id).id
    ids["evidence"] = p.evidence.add(risk_id=ids["risk"], source="Census", year=2021).id
    ids["strategy"] = p.strategies.add(title="Drop-in", lead_partner_id=ids["partner"], asset_id=ids["asset"],
                                       budget=1200.5).id
    ids["logic_model_item"] = p.logic_items.add(strategy_id=ids["strategy"], kind="input", text="Staff").id
    ids["outcome"] = p.outcomes.add(strategy_id=ids["strategy"], level="long_term", text="Safer").id
    ids["indicator"] = p.indicators.add(outcome_id=ids["outcome"], name="Calls", baseline_value=10,
                                        target_value=5, direction="decrease",
                                        responsible_partner_id=ids["partner"]).id
    ids["measurement"] = p.measurements.add(indicator_id=ids["indicator"], measured_on="2025-06-01", value=8).id
    ids["action"] = p.actions.add(strategy_id=ids["strategy"], title="Hire", owner_partner_id=ids["partner"],
                                  due_on="2025-09-01").id
    ids["progress_update"] = p.progress_updates.add(strategy_id=ids["strategy"], reported_on="2025-07-01").id
    p.member_categories.add(ids["committee_member"], 1)
    p.activity_groups.add(ids["engagement_activity"], "youth")
    p.asset_areas.add(ids["asset"], "prevention")
    p.risk_activities.add(ids["risk"], ids["engagement_activity"])
    p.risk_partners.add(ids["risk"], ids["partner"])
    p.strategy_risks.add(ids["strategy"], ids["risk"])
    p.strategy_partners.add(ids["strategy"], ids["partner"])
    p.set_score(ids["risk"], p.criteria.list()[0].id, score=2, rationale="Often raised")
    p.set_category_status(4, no_provider=True, note="None nearby")
    return ids


def test_initialise_seeds_the_plan_row_and_reference_lists(plan):
    profile = plan.profile()
    assert profile.title == "Testville Community Safety and Well-Being Plan"
    assert plan.risk_categories.count() == 28 and all(c.from_rtd for c in plan.risk_categories.list())
    criteria = plan.criteria.list()
    assert [c.position for c in criteria] == list(range(len(criteria)))
    assert all(3 <= c.levels <= 7 for c in criteria)
    assert plan.engagement_summary().id == P.derived_id("engagement_summary", profile.id)


def test_every_record_carries_id_times_and_device(plan):
    ids = build_one_of_everything(plan)
    for table, rows in all_rows(plan).items():
        for row in rows:
            assert row["id"] and row["created_at"].endswith("Z") and row["modified_at"] >= row["created_at"]
            assert row["modified_by"] == "device-a", table
    assert set(ids) <= set(schema.record_tables())


def test_update_stamps_modified_and_ignores_no_op_writes(plan):
    partner = plan.partners.add(organisation="School board")
    revision = plan.revision
    same = plan.partners.update(partner.id, organisation="School board")
    assert same.modified_at == partner.modified_at and plan.revision == revision
    changed = plan.partners.update(partner.id, sector="Education")
    assert changed.modified_at > partner.modified_at and changed.created_at == partner.created_at
    assert plan.revision == revision + 1


def test_typed_records_come_back_typed(plan):
    ids = build_one_of_everything(plan)
    strategy = plan.strategies.get(ids["strategy"])
    assert isinstance(strategy, Strategy) and strategy.budget == 1200.5 and strategy.number == 1
    assert plan.activities.get(ids["engagement_activity"]).participants == 40
    assert isinstance(plan.criteria.list()[0], Criterion)
    assert plan.category_statuses.list()[0].no_provider is True
    assert isinstance(plan.partners.get(ids["partner"]), Partner)


def test_hostile_values_in_a_file_are_read_safely(plan):
    partner = plan.partners.add(organisation="X")
    plan.conn.execute("UPDATE partner SET organisation = 42, notes = x'66ff' WHERE id = ?", (partner.id,))
    plan.conn.execute("UPDATE criterion SET labels = 'not json', weight = 'heavy'")
    read = plan.partners.get(partner.id)
    assert read.organisation == "42" and read.notes == "f\ufffd"
    assert all(c.labels == () and c.weight == 0.0 for c in plan.criteria.list())


@pytest.mark.parametrize("table, values, words", [
    ("partners", {"organisation": "A", "engagement_status": "friendly"}, "not one of the choices"),
    ("activities", {"held_on": "31/12/2025"}, "written like 2025-03-31"),
    ("activities", {"held_on": "2025-02-30"}, "real calendar date"),
    ("activities", {"participants": 2.5}, "whole number"),
    ("activities", {"participants": True}, "whole number"),
    ("strategies", {"budget": float("nan")}, "must be a number"),
    ("strategies", {"area": "enforcement"}, "not one of the choices"),
    ("partners", {"organization": "typo"}, "no field called"),
    ("evidence", {"source": "Census"}, "needs risk_id"),
])
def test_invalid_values_are_refused_with_a_sentence(plan, table, values, words):
    with pytest.raises(P.InvalidValue) as info:
        getattr(plan, table).add(**values)
    assert words in str(info.value)


def test_criterion_scale_must_have_three_to_seven_levels(plan):
    with pytest.raises(P.InvalidValue, match="3 to 7 levels"):
        plan.criteria.add(name="Too short", labels=("Low", "High"))
    c = plan.criteria.add(name="Fine", labels=("1", "2", "3"))
    with pytest.raises(P.InvalidValue, match="between 1 and 3"):
        plan.set_score(plan.risks.add(title="R").id, c.id, score=4)


def test_deleting_a_partner_that_leads_a_strategy_is_refused_with_where_it_is_used(plan):
    ids = build_one_of_everything(plan)
    before = all_rows(plan)
    with pytest.raises(P.InUse) as info:
        plan.partners.delete(ids["partner"])
    message = str(info.value)
    assert message.startswith("Health unit cannot be deleted yet")
    assert "leads 1 strategy (Drop-in)" in message and "owns 1 action (Hire)" in message
    assert {u.table for u in info.value.usages} == {"strategy", "indicator", "action", "asset", "committee_member"}
    assert all_rows(plan) == before  # nothing changed, no dangling ids


def test_reassigning_then_deleting_a_partner_and_undoing_it(plan):
    ids = build_one_of_everything(plan)
    other = plan.partners.add(organisation="Police").id
    before = all_rows(plan)
    removal = plan.partners.delete(ids["partner"], reassign_to=other)
    assert plan.strategies.get(ids["strategy"]).lead_partner_id == other
    assert plan.actions.get(ids["action"]).owner_partner_id == other
    assert plan.strategy_partners.targets(ids["strategy"]) == []  # links go, records stay
    assert plan.risk_partners.targets(ids["risk"]) == []
    assert plan.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert {t["id"] for t in plan.tombstones()} >= {ids["partner"]}
    plan.restore(removal)
    after = all_rows(plan)
    strip = lambda rows: {t: [{k: v for k, v in r.items() if k not in ("modified_at", "modified_by")}
                              for r in rs] for t, rs in rows.items()}  # noqa: E731
    assert strip(after) == strip(before)
    assert ids["partner"] not in {t["id"] for t in plan.tombstones()}


def test_deleting_a_strategy_takes_what_belongs_to_it_and_undo_brings_it_all_back(plan):
    ids = build_one_of_everything(plan)
    removal = plan.strategies.delete(ids["strategy"])
    gone = {table for table, _row in removal.deleted}
    assert gone == {"strategy", "logic_model_item", "outcome", "indicator", "measurement", "action",
                    "progress_update", "strategy_risk", "strategy_partner"}
    assert plan.risks.count() == 1 and plan.partners.count() == 1  # linked records stay
    tombstoned = {t["id"]: t["table_name"] for t in plan.tombstones()}
    assert all(row["id"] in tombstoned for _table, row in removal.deleted)
    plan.restore(removal)
    assert plan.measurements.get(ids["measurement"]).value == 8
    assert plan.strategy_risks.targets(ids["strategy"]) == [ids["risk"]]
    assert plan.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_deleting_an_asset_clears_the_strategy_pointer_and_undo_restores_it(plan):
    ids = build_one_of_everything(plan)
    removal = plan.assets.delete(ids["asset"])
    assert plan.strategies.get(ids["strategy"]).asset_id is None
    plan.restore(removal)
    assert plan.strategies.get(ids["strategy"]).asset_id == ids["asset"]


def test_link_ids_are_derived_from_both_ends(plan):
    ids = build_one_of_everything(plan)
    expected = P.derived_id("strategy_risk", ids["strategy"], ids["risk"])
    assert plan.row("strategy_risk", expected) is not None
    before = plan.strategy_risks.set(ids["strategy"], [])
    assert before == [ids["risk"]]
    assert expected in {t["id"] for t in plan.tombstones()}
    plan.strategy_risks.set(ids["strategy"], before)
    assert plan.row("strategy_risk", expected) is not None
    assert expected not in {t["id"] for t in plan.tombstones()}


def test_listeners_hear_once_per_transaction_and_never_on_rollback(plan):
    heard = []
    plan.add_listener(heard.append)
    with plan.transaction():
        plan.partners.add(organisation="A")
        plan.partners.add(organisation="B")
    assert len(heard) == 1 and heard[0].tables == {"partner"} and len(heard[0].ids) == 2
    with pytest.raises(RuntimeError):
        with plan.transaction():
            plan.partners.add(organisation="C")
            raise RuntimeError("stop")
    assert len(heard) == 1
    assert sorted(p.organisation for p in plan.partners.list()) == ["A", "B"]


def test_read_only_plan_refuses_every_write(plan):
    plan.read_only = True
    with pytest.raises(P.ReadOnlyPlan):
        plan.partners.add(organisation="A")


def test_strategy_numbers_count_up(plan):
    numbers = [plan.strategies.add(title=f"S{i}").number for i in range(3)]
    assert numbers == [1, 2, 3]


def test_timestamps_never_go_backwards_even_if_the_clock_does(plan):
    plan._clock = lambda: "2020-01-01T00:00:00.000000Z"
    first = plan.partners.add(organisation="A")
    second = plan.partners.add(organisation="B")
    assert second.modified_at > first.modified_at > "2025"
