"""Multi-record user actions as one core operation: each writes in one transaction, is heard by the
listeners once, and is taken back (again once) by `operations.revert`, which stamps what it puts back
as a new edit so that a merge carries the undo to other copies. The scale rule holds through the
plan API, the readiness checks, the command line and the merge."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cswb_desktop import cli
from cswb_desktop.core import checks, merge, operations, ranking, schema
from cswb_desktop.core.plan import InvalidValue, Plan, initialise
from cswb_desktop.core.sample import new_demo_plan_in_memory

from tests.core.test_merge import Clock, copy_of


class Heard:
    """How many transactions a piece of work committed (the plan's revision counts them) and how
    many changes the plan's listeners heard."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.changes: list = []
        plan.add_listener(self.changes.append)
        self.start = plan.revision

    @property
    def transactions(self) -> int:
        return self.plan.revision - self.start

    def reset(self) -> None:
        self.changes.clear()
        self.start = self.plan.revision


def once(plan: Plan, work):
    heard = Heard(plan)
    result = work()
    assert (heard.transactions, len(heard.changes)) == (1, 1)
    plan.remove_listener(heard.changes.append)
    return result, heard.changes[0]


def memory_plan(device: str = "device-coordinator", clock=None) -> Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, device, **({"clock": clock} if clock else {}))
    initialise(plan, community="Cedar River")
    return plan


def scores_of(plan: Plan, criterion_id: str) -> dict[str, tuple]:
    return {s.risk_id: (s.score, s.rationale) for s in plan.scores.list(criterion_id=criterion_id)}


# --- the scale of a criterion ---------------------------------------------------------------------

def test_shortening_a_scale_on_the_demo_is_one_transaction_and_its_undo_another():
    plan = new_demo_plan_in_memory()
    harm = max(plan.criteria.list(), key=lambda c: len(plan.scores_beyond_scale(c.id, 3)))
    before = scores_of(plan, harm.id)
    high = {r for r, (score, _) in before.items() if score is not None and score > 3}
    assert len(high) >= 2 and harm.levels == 5

    reversal, change = once(plan, lambda: operations.change_criterion_scale(plan, harm.id, ("Low", "Mid", "High")))
    assert change.tables == {"criterion", "risk_score"}
    after = scores_of(plan, harm.id)
    assert plan.criteria.get(harm.id).labels == ("Low", "Mid", "High")
    for risk_id, (score, rationale) in before.items():
        assert after[risk_id] == ((None, rationale) if risk_id in high else (score, rationale))

    _, change = once(plan, lambda: operations.revert(plan, reversal))
    assert change.tables == {"criterion", "risk_score"}
    assert plan.criteria.get(harm.id).labels == harm.labels
    assert scores_of(plan, harm.id) == before


def test_the_plan_api_clears_scores_a_shorter_scale_does_not_hold():
    plan = memory_plan()
    risk = plan.risks.add(title="Housing instability").id
    other = plan.risks.add(title="Youth mental health").id
    harm = plan.criteria.list()[1]
    plan.set_score(risk, harm.id, score=5, rationale="Families lose their homes")
    plan.set_score(other, harm.id, score=2)
    _, change = once(plan, lambda: plan.criteria.update(harm.id, labels=("Low", "Medium", "High")))
    assert scores_of(plan, harm.id) == {risk: (None, "Families lose their homes"), other: (2, "")}
    assert "risk_score" in change.tables
    # a longer scale clears nothing
    plan.set_score(risk, harm.id, score=3)
    plan.criteria.update(harm.id, labels=("1", "2", "3", "4", "5", "6"))
    assert scores_of(plan, harm.id)[risk][0] == 3


def test_undo_of_a_scale_change_is_stamped_as_a_new_edit_and_a_merge_carries_it():
    clock = Clock()
    mine = memory_plan("device-coordinator", clock)
    risk = mine.risks.add(title="Housing instability").id
    harm = mine.criteria.list()[1]
    mine.set_score(risk, harm.id, score=5)
    theirs = copy_of(mine, "device-school-board", clock)
    reversal = operations.change_criterion_scale(mine, harm.id, ("Low", "Medium", "High"))
    merge.merge_copy(theirs, copy_of(mine, "device-coordinator", clock))
    assert theirs.criteria.get(harm.id).levels == 3 and scores_of(theirs, harm.id)[risk][0] is None

    operations.revert(mine, reversal)
    score_id = mine.scores.list(criterion_id=harm.id)[0].id
    stamps = dict(mine.conn.execute("SELECT column_name, modified_at FROM field_stamp WHERE record_id = ?",
                                    (score_id,)).fetchall())
    assert stamps["score"] == mine.scores.get(score_id).modified_at  # stamped when undone
    merge.merge_copy(theirs, copy_of(mine, "device-coordinator", clock))
    assert theirs.criteria.get(harm.id).levels == 5
    assert scores_of(theirs, harm.id)[risk][0] == 5


def test_undo_of_a_single_field_edit_is_a_new_edit_that_a_merge_carries():
    clock = Clock()
    mine = memory_plan("device-coordinator", clock)
    risk = mine.risks.add(title="Housing instability").id
    theirs = copy_of(mine, "device-school-board", clock)
    mine.risks.update(risk, title="Housing")
    merge.merge_copy(theirs, copy_of(mine, "device-coordinator", clock))
    assert theirs.risks.get(risk).title == "Housing"
    mine.risks.update(risk, title="Housing instability")  # what the undo of that edit writes
    merge.merge_copy(theirs, copy_of(mine, "device-coordinator", clock))
    assert theirs.risks.get(risk).title == "Housing instability"


def test_a_merged_score_above_a_shorter_scale_is_kept_named_by_the_checks_and_not_ranked():
    """The other copy scored a risk 5 after this copy shortened the scale to 3 levels: the merge
    keeps their score (nothing is lost), the ranking counts it as not scored, and the readiness
    checks say so, naming the criterion and the risk, so the coordinator scores it again."""
    clock = Clock()
    mine = memory_plan("device-coordinator", clock)
    risk = mine.risks.add(title="Housing instability", is_priority=True).id
    harm = mine.criteria.list()[1]
    theirs = copy_of(mine, "device-school-board", clock)
    operations.change_criterion_scale(mine, harm.id, ("Low", "Medium", "High"))
    theirs.set_score(risk, harm.id, score=5)
    merge.merge_copy(mine, theirs)
    assert mine.criteria.get(harm.id).levels == 3
    assert scores_of(mine, harm.id)[risk][0] == 5

    ranked = ranking.rank_plan_risks(mine)
    part = next(s for s in ranked[0].scores if s.criterion_id == harm.id)
    assert part.score is None and part.points == 0
    found = [f for f in checks.run_checks(mine) if f.code == "score_beyond_scale"]
    assert len(found) == 1
    assert found[0].step == "prioritisation" and found[0].record_id == risk
    assert harm.name in found[0].message and "Housing instability" in found[0].message
    assert found[0].message.count(".") == 1 and found[0].message.endswith(".")  # one sentence
    # scoring it again on the short scale settles it
    mine.set_score(risk, harm.id, score=3)
    assert not [f for f in checks.run_checks(mine) if f.code == "score_beyond_scale"]


def test_the_command_line_check_names_scores_outside_their_scale(tmp_path, capsys):
    target = tmp_path / "demo.cswb"
    assert cli.main(["demo", str(target)]) == 0
    conn = sqlite3.connect(target)
    row = conn.execute("SELECT s.id, c.name FROM risk_score s JOIN criterion c ON c.id = s.criterion_id "
                       "WHERE s.score IS NOT NULL LIMIT 1").fetchone()
    conn.execute("UPDATE risk_score SET score = 9 WHERE id = ?", (row[0],))  # a hand-edited file
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert cli.main(["check", str(target), "--json", "--today", "2026-01-15"]) == 0
    data = json.loads(capsys.readouterr().out)
    found = [f for f in data["findings"] if f["code"] == "score_beyond_scale"]
    assert len(found) == 1 and row[1] in found[0]["message"]


# --- strategies -----------------------------------------------------------------------------------

def test_an_asset_becomes_an_existing_strategy_in_one_transaction():
    plan = memory_plan()
    owner = plan.partners.add(organisation="Friendship Centre").id
    asset = plan.assets.add(name="Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ", kind="cultural", owner_partner_id=owner,
                            description="Weekly classes with a shared meal.").id
    plan.asset_areas.set(asset, ["prevention", "social_development"])
    reversal, change = once(plan, lambda: operations.strategy_from_asset(plan, asset, strategy_id="s-1"))
    s = plan.strategies.get("s-1")
    assert (s.title, s.description, s.kind, s.asset_id, s.area, s.lead_partner_id) == (
        "Language nights ᐊᓂᔑᓈᐯᒧᐎᓐ", "Weekly classes with a shared meal.", "existing", asset,
        "social_development", owner)
    assert change.tables == {"strategy"}
    once(plan, lambda: operations.revert(plan, reversal))
    assert plan.strategies.list() == []
    assert any(t["id"] == "s-1" for t in plan.tombstones())


def test_a_strategy_for_a_coverage_gap_and_its_risk_link_are_one_transaction():
    plan = memory_plan()
    risk = plan.risks.add(title="Housing instability", is_priority=True).id
    reversal, change = once(plan, lambda: operations.add_strategy_for_risk(
        plan, risk, "prevention", "New strategy", strategy_id="s-1"))
    assert change.tables == {"strategy", "strategy_risk"}
    assert plan.strategy_risks.targets("s-1") == [risk] and plan.strategies.get("s-1").area == "prevention"
    once(plan, lambda: operations.revert(plan, reversal))
    assert plan.strategies.list() == [] and plan.strategy_risks.pairs() == []


# --- committee ------------------------------------------------------------------------------------

def test_a_member_partner_link_brings_its_organisation_in_one_transaction():
    plan = memory_plan()
    health = plan.partners.add(organisation="Northern Lakes Health").id
    school = plan.partners.add(organisation="Cedar River School Board").id
    member = plan.committee_members.add(person="Anna Roy").id
    reversal, _ = once(plan, lambda: operations.set_member_partner(plan, member, health))
    m = plan.committee_members.get(member)
    assert (m.partner_id, m.organisation) == (health, "Northern Lakes Health")
    once(plan, lambda: operations.set_member_partner(plan, member, school))
    assert plan.committee_members.get(member).organisation == "Cedar River School Board"
    # what the user wrote stays
    plan.committee_members.update(member, organisation="Cedar River Schools (trustee)")
    once(plan, lambda: operations.set_member_partner(plan, member, health))
    m = plan.committee_members.get(member)
    assert (m.partner_id, m.organisation) == (health, "Cedar River Schools (trustee)")
    assert not operations.set_member_partner(plan, member, health)  # nothing to change
    with pytest.raises(Exception):
        operations.set_member_partner(plan, member, "no-such-partner")


def test_undo_of_a_member_partner_link_puts_both_fields_back_in_one_transaction():
    plan = memory_plan()
    health = plan.partners.add(organisation="Northern Lakes Health").id
    member = plan.committee_members.add(person="Anna Roy").id
    reversal = operations.set_member_partner(plan, member, health)
    once(plan, lambda: operations.revert(plan, reversal))
    m = plan.committee_members.get(member)
    assert (m.partner_id, m.organisation) == (None, "")


# --- risks ----------------------------------------------------------------------------------------

def test_a_new_risk_category_is_made_and_given_to_its_risk_in_one_transaction():
    plan = memory_plan()
    risk = plan.risks.add(title="Wildfire evacuations").id
    reversal, change = once(plan, lambda: operations.add_risk_category(plan, risk, "  Climate   emergencies "))
    category = plan.risks.get(risk).category_id
    assert plan.risk_categories.get(category).name == "Climate emergencies"
    assert change.tables == {"risk_category", "risk"}
    with pytest.raises(InvalidValue, match="already a category called “climate emergencies”"):
        operations.add_risk_category(plan, risk, "climate emergencies")
    with pytest.raises(InvalidValue, match="Type the name"):
        operations.add_risk_category(plan, risk, "   ")
    once(plan, lambda: operations.revert(plan, reversal))
    assert plan.risks.get(risk).category_id is None
    assert plan.risk_categories.find(category) is None


# --- logic models ---------------------------------------------------------------------------------

def test_moving_a_logic_model_entry_renumbers_its_stage_in_one_transaction():
    plan = memory_plan()
    strategy = plan.strategies.add(title="Grade 9 credits").id
    items = [plan.logic_items.add(strategy_id=strategy, kind="activity", text=t, position=i).id
             for i, t in enumerate(["Tutoring", "Mentors", "Meals", "Rides"])]
    other = plan.logic_items.add(strategy_id=strategy, kind="input", text="Funding", position=0).id

    def order():
        return [r.id for r in sorted(plan.logic_items.list(strategy_id=strategy, kind="activity"),
                                     key=lambda r: r.position)]

    reversal, _ = once(plan, lambda: operations.move_entry(plan, "logic_model_item", items[3], -3))
    assert order() == [items[3], items[0], items[1], items[2]]
    assert plan.logic_items.get(other).position == 0
    assert not operations.move_entry(plan, "logic_model_item", items[3], -1)  # already first
    once(plan, lambda: operations.revert(plan, reversal))
    assert order() == items


def test_moving_an_outcome_is_one_transaction():
    plan = memory_plan()
    strategy = plan.strategies.add(title="Grade 9 credits").id
    outcomes = [plan.outcomes.add(strategy_id=strategy, level="immediate", text=t, position=i).id
                for i, t in enumerate(["A", "B", "C"])]
    once(plan, lambda: operations.move_entry(plan, "outcome", outcomes[0], 1))
    assert [o.text for o in sorted(plan.outcomes.list(strategy_id=strategy), key=lambda o: o.position)] == \
        ["B", "A", "C"]
