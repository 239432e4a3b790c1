"""Merging copies of one plan: each rule of the merge, the review's words, undo and history, and a
round trip through files on disk with three partners and a hostile file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from cswb_desktop.core import merge, paths, planfile, schema
from cswb_desktop.core.merge import KEEP, LET_GO, MINE, THEIRS
from cswb_desktop.core.plan import Plan, initialise

UTC = dt.timezone.utc
COORDINATOR, SCHOOL, HEALTH = "device-coordinator", "device-school-board", "device-health-unit"


class Clock:
    """A clock the test moves: every reading is one second after the last."""

    def __init__(self, start: dt.datetime = dt.datetime(2030, 1, 1, tzinfo=UTC)):
        self.moment = start

    def __call__(self) -> str:
        self.moment += dt.timedelta(seconds=1)
        return self.text()

    def text(self, moment: dt.datetime | None = None) -> str:
        return (moment or self.moment).isoformat(timespec="microseconds").replace("+00:00", "Z")


def memory_plan(device: str, clock: Clock) -> Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    schema.apply_migrations(conn)
    return Plan(conn, device, clock=clock)


def small_plan(clock: Clock) -> tuple[Plan, dict[str, str]]:
    plan = memory_plan(COORDINATOR, clock)
    initialise(plan, community="Cedar River", title="Cedar River Community Safety and Well-Being Plan")
    ids: dict[str, str] = {}
    ids["health"] = plan.partners.add(organisation="Northern Lakes Health", contact_name="Anna Roy",
                                      email="aroy@example.org", phone="705-555-0101").id
    ids["school"] = plan.partners.add(organisation="Cedar River School Board", contact_name="Ben Côté",
                                      email="bcote@example.org").id
    ids["food"] = plan.partners.add(organisation="Food Bank").id
    ids["housing"] = plan.risks.add(title="Housing instability", is_priority=True).id
    ids["youth"] = plan.risks.add(title="Youth mental health", is_priority=True).id
    ids["credits"] = plan.strategies.add(title="Grade 9 credit accumulation", area="social_development",
                                         lead_partner_id=ids["school"]).id
    ids["shelter"] = plan.strategies.add(title="Transitional housing", lead_partner_id=ids["health"]).id
    plan.strategy_risks.set(ids["credits"], [ids["youth"]])
    plan.strategy_risks.set(ids["shelter"], [ids["housing"]])
    plan.strategy_partners.set(ids["shelter"], [ids["food"]])
    ids["outcome"] = plan.outcomes.add(strategy_id=ids["credits"], level="intermediate",
                                       text="More students on track to graduate").id
    ids["indicator"] = plan.indicators.add(outcome_id=ids["outcome"], name="Grade 9 credit accumulation",
                                           unit="%", baseline_value=72.0, target_value=80.0,
                                           responsible_partner_id=ids["school"]).id
    ids["measurement"] = plan.measurements.add(indicator_id=ids["indicator"], measured_on="2029-06-30",
                                               value=74.0).id
    ids["action"] = plan.actions.add(strategy_id=ids["shelter"], title="Find a site",
                                     owner_partner_id=ids["health"]).id
    return plan, ids


def copy_of(plan: Plan, device: str, clock: Clock) -> Plan:
    """The same file copied (Save a Copy, e-mail), opened on another computer."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    plan.conn.backup(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    return Plan(conn, device, clock=clock)


def content(plan: Plan) -> dict[str, list[tuple]]:
    """Every record of every table, tombstones, and the field stamps of live records."""
    out = {t: sorted(plan.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
           for t in schema.record_tables()}
    out["tombstone"] = sorted(plan.conn.execute("SELECT * FROM tombstone").fetchall())
    live = {r[0] for t in schema.record_tables() for r in plan.conn.execute(f"SELECT id FROM {t}")}
    out["field_stamp"] = sorted(r for r in plan.conn.execute("SELECT * FROM field_stamp") if r[0] in live)
    return out


def everything(plan: Plan) -> dict[str, list[tuple]]:
    tables = [r[0] for r in plan.conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: sorted(plan.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def history_rows(plan: Plan, record_id: str) -> list[dict]:
    return [e.data for e in merge.record_history(plan, record_id)]


def merged(mine: Plan, theirs: Plan, name: str = "School board", **kwargs) -> merge.Preview:
    review = merge.preview(mine, theirs, name=name, **kwargs)
    merge.apply(mine, review)
    return review


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def parted(clock):
    """The coordinator's plan and the school board's copy of it, parted a moment ago."""
    base, ids = small_plan(clock)
    return copy_of(base, COORDINATOR, clock), copy_of(base, SCHOOL, clock), ids


def item_texts(review: merge.Preview) -> list[str]:
    return [i.text for i in review.items]


# --- fields ---------------------------------------------------------------------------------------

def test_one_sided_changes_to_different_fields_of_one_record_both_arrive(parted):
    mine, theirs, ids = parted
    theirs.indicators.update(ids["indicator"], target_value=85.0)
    mine.indicators.update(ids["indicator"], unit="percent of students")
    review = merged(mine, theirs)
    indicator = mine.indicators.get(ids["indicator"])
    assert (indicator.target_value, indicator.unit) == (85.0, "percent of students")
    assert review.conflicts == []
    assert item_texts(review) == ["School board changed the target of the indicator “Grade 9 credit "
                                  "accumulation” from 80 to 85."]
    assert review.items[0].step == "measurement" and review.items[0].kind == merge.CHANGED
    # The version this plan had before is kept, so the history view can bring back 80.
    assert [h["target_value"] for h in history_rows(mine, ids["indicator"])] == [80.0]


def test_both_changed_the_same_field_the_newer_edit_wins_and_the_other_goes_to_history(parted):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], title="Credit recovery", status="underway")
    theirs.strategies.update(ids["credits"], title="Credit accumulation in grade 9")  # later
    review = merge.preview(mine, theirs, name="School board")
    [item] = review.items
    assert item.kind == merge.CONFLICT and item.step == "strategies"
    assert item.conflict.kind == "fields" and item.conflict.chosen == THEIRS
    assert item.conflict.reason == "the newer edit"
    [field] = [f for f in item.fields if f.changed_by == "both"]
    assert (field.mine, field.theirs, field.newer, field.kept) == (
        "Credit recovery", "Credit accumulation in grade 9", THEIRS, THEIRS)
    assert "You and School board both changed" in item.text
    merge.apply(mine, review)
    strategy = mine.strategies.get(ids["credits"])
    assert (strategy.title, strategy.status) == ("Credit accumulation in grade 9", "underway")
    assert "Credit recovery" in [h["title"] for h in history_rows(mine, ids["credits"])]


def test_a_choice_for_the_older_edit_is_kept_in_later_merges_too(parted):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], title="Mine")
    theirs.strategies.update(ids["credits"], title="Theirs")
    review = merge.preview(mine, theirs, name="School board")
    key = review.conflicts[0].key
    merge.apply(mine, review, choices={key: MINE})
    assert mine.strategies.get(ids["credits"]).title == "Mine"
    assert "Theirs" in [h["title"] for h in history_rows(mine, ids["credits"])]
    # The partner takes the coordinator's copy back: the coordinator's choice wins there as well.
    back = merged(theirs, mine, name="Coordinator")
    assert theirs.strategies.get(ids["credits"]).title == "Mine"
    assert back.conflicts == []
    assert merge.preview(mine, theirs).nothing_new


def test_prefer_mine_and_prefer_theirs_decide_every_conflict(parted, clock):
    mine, theirs, ids = parted
    mine.partners.update(ids["food"], sector="Food security")
    theirs.partners.update(ids["food"], sector="Community services")
    assert merge.preview(mine, theirs, prefer=MINE).conflicts[0].chosen == MINE
    assert merge.preview(mine, theirs, prefer=THEIRS).conflicts[0].chosen == THEIRS
    merge.apply(mine, merge.preview(mine, theirs, prefer=MINE))
    assert mine.partners.get(ids["food"]).sector == "Food security"


def test_rechoose_gives_the_preview_for_other_choices(parted):
    mine, theirs, ids = parted
    mine.risks.update(ids["housing"], description="Rents doubled")
    theirs.risks.update(ids["housing"], description="Waitlist of 212 households")
    review = merge.preview(mine, theirs, name="Health unit")
    key = review.conflicts[0].key
    again = review.rechoose({key: MINE})
    assert again.conflicts[0].chosen == MINE and again.conflicts[0].reason == "your choice"
    merge.apply(mine, again)
    assert mine.risks.get(ids["housing"]).description == "Rents doubled"


def test_an_invalid_choice_is_refused(parted):
    mine, theirs, ids = parted
    mine.risks.update(ids["housing"], title="A")
    theirs.risks.update(ids["housing"], title="B")
    review = merge.preview(mine, theirs)
    with pytest.raises(merge.MergeError):
        review.rechoose({review.conflicts[0].key: "both"})


# --- additions, deletions, links ----------------------------------------------------------------

def test_additions_and_links_from_the_partner_are_described_per_step(parted):
    mine, theirs, ids = parted
    youth = theirs.partners.add(organisation="Youth Centre", sector="Youth services")
    strategy = theirs.strategies.add(title="After-school programs", lead_partner_id=youth.id,
                                     area="prevention")
    theirs.strategy_risks.add(strategy.id, ids["youth"])
    theirs.strategy_partners.add(ids["shelter"], youth.id)
    review = merged(mine, theirs)
    steps = {step.code: [i.text for i in items] for step, items in review.steps()}
    assert steps["partners"] == ["School board added the partner “Youth Centre”."]
    assert "School board added the strategy 3 “After-school programs”." in steps["strategies"]
    assert ("School board linked the strategy 3 “After-school programs” to the risk “Youth mental "
            "health”.") in steps["strategies"]
    assert ("School board added the partner “Youth Centre” as a supporting partner of the strategy 2 "
            "“Transitional housing”.") in steps["strategies"]
    assert mine.strategies.get(strategy.id).lead_partner_id == youth.id
    assert review.headline() == "From School board: 4 additions."


def test_the_same_link_added_on_both_sides_is_one_record(parted):
    mine, theirs, ids = parted
    mine.strategy_risks.add(ids["shelter"], ids["youth"])
    theirs.strategy_risks.add(ids["shelter"], ids["youth"])
    review = merged(mine, theirs)
    assert review.nothing_new
    assert mine.strategy_risks.targets(ids["shelter"]) == sorted([ids["housing"], ids["youth"]])


def test_a_deletion_in_the_other_copy_arrives_with_its_links_but_not_what_they_point_at(parted):
    mine, theirs, ids = parted
    theirs.risks.delete(ids["housing"])
    review = merged(mine, theirs)
    assert mine.risks.find(ids["housing"]) is None
    assert mine.strategies.find(ids["shelter"]) is not None  # the strategy it was linked to stays
    assert mine.strategy_risks.targets(ids["shelter"]) == []
    texts = item_texts(review)
    assert "School board deleted the risk “Housing instability”." in texts
    assert any(t.startswith("School board removed the link between the strategy 2") for t in texts)
    assert [h["title"] for h in history_rows(mine, ids["housing"])] == ["Housing instability"]
    assert {t["id"] for t in mine.tombstones()} >= {ids["housing"]}


def test_a_deletion_beats_an_older_edit(parted, clock):
    mine, theirs, ids = parted
    mine.actions.update(ids["action"], title="Find a site by spring")  # first
    theirs.actions.delete(ids["action"])                               # then the deletion
    review = merged(mine, theirs)
    assert mine.actions.find(ids["action"]) is None
    [item] = review.items
    assert item.kind == merge.CONFLICT and item.conflict.kind == "deleted_by_them"
    assert item.conflict.chosen == THEIRS
    assert "deleted it afterwards, so it goes" in item.text
    assert "Find a site by spring" in [h["title"] for h in history_rows(mine, ids["action"])]
    # The other direction: the school board takes the coordinator's copy and gets the same plan.


def test_an_edit_made_after_the_deletion_beats_the_deletion_and_the_review_says_so(parted, clock):
    mine, theirs, ids = parted
    theirs.actions.delete(ids["action"])                                # first the deletion
    mine.actions.update(ids["action"], status="in_progress")           # then an edit
    unmerged = copy_of(mine, COORDINATOR, clock)
    review = merged(mine, theirs)
    assert mine.actions.get(ids["action"]).status == "in_progress"
    [item] = review.items
    assert item.conflict.kind == "deleted_by_them" and item.conflict.chosen == MINE
    assert item.text == ("School board deleted the action “Find a site”, but you changed it "
                         "afterwards, so it stays unless you choose otherwise.")
    # The other way round, the partner's copy gets it back too.
    other_way = copy_of(theirs, SCHOOL, clock)
    back = merged(other_way, unmerged, name="Coordinator")
    assert other_way.actions.get(ids["action"]).status == "in_progress"
    assert back.items[0].text == ("You deleted the action “Find a site”, but Coordinator changed it "
                                  "afterwards, so it comes back unless you choose otherwise.")
    # From the merged copy, which knew of the deletion, it is no longer a conflict.
    after = merged(theirs, mine, name="Coordinator")
    assert [i.text for i in after.items] == [
        "Coordinator brought back the action “Find a site”, which you had deleted."]
    assert content(theirs) == content(mine) == content(other_way)


def test_a_deletion_the_user_overrules_stays_overruled(parted):
    mine, theirs, ids = parted
    mine.actions.update(ids["action"], title="Find a site by spring")
    theirs.actions.delete(ids["action"])
    review = merge.preview(mine, theirs)
    merge.apply(mine, review, choices={review.conflicts[0].key: MINE})
    assert mine.actions.get(ids["action"]).title == "Find a site by spring"
    merged(theirs, mine, name="Coordinator")
    assert theirs.actions.get(ids["action"]).title == "Find a site by spring"


def test_a_record_still_needed_comes_back_by_default(parted):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], lead_partner_id=ids["food"])   # the food bank leads now
    theirs.partners.delete(ids["food"])                                   # unused in their copy
    review = merged(mine, theirs)
    assert mine.partners.find(ids["food"]) is not None
    assert mine.strategies.get(ids["credits"]).lead_partner_id == ids["food"]
    [question] = [i for i in review.items if i.kind == merge.QUESTION]
    assert question.conflict.key == f"needed/partner/{ids['food']}"
    assert question.conflict.chosen == KEEP and question.step == "partners"
    assert question.text == ("School board deleted the partner “Food Bank”, but it is still needed by "
                             "the strategy 1 “Grade 9 credit accumulation” (as lead partner); it is "
                             "kept (it comes back) unless you let it go.")
    assert not [i for i in review.items if i.kind == merge.DELETED and i.record_id == ids["food"]]
    assert mine.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_record_still_needed_can_be_let_go(parted):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], lead_partner_id=ids["food"])
    theirs.partners.delete(ids["food"])
    review = merge.preview(mine, theirs)
    merge.apply(mine, review, choices={f"needed/partner/{ids['food']}": LET_GO})
    assert mine.partners.find(ids["food"]) is None
    assert mine.strategies.get(ids["credits"]).lead_partner_id is None
    assert ids["food"] in [h["lead_partner_id"] for h in history_rows(mine, ids["credits"])]
    assert mine.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_deleted_parent_of_a_new_child_is_kept_or_let_go_with_its_children(parted):
    mine, theirs, ids = parted
    measurement = mine.measurements.add(indicator_id=ids["indicator"], measured_on="2030-01-01", value=77.0)
    theirs.strategies.delete(ids["credits"])  # the strategy, its outcome, indicator and measurements
    kept = merge.preview(mine, theirs, name="School board")
    questions = [i for i in kept.items if i.kind == merge.QUESTION]
    # The new measurement needs its indicator, which needs its outcome, which needs its strategy.
    assert sorted(q.table for q in questions) == ["indicator", "outcome", "strategy"]
    assert all(q.conflict.chosen == KEEP for q in questions)
    assert [q.text for q in questions if q.table == "indicator"] == [
        "School board deleted the indicator “Grade 9 credit accumulation”, but it is still needed by "
        "the measurement of 2030-01-01 for the indicator “Grade 9 credit accumulation”, which belongs "
        "to it; it is kept (it comes back) unless you let it go."]
    let_go = kept.rechoose({q.conflict.key: LET_GO for q in questions})
    merge.apply(mine, let_go)
    assert mine.measurements.find(measurement.id) is None
    assert mine.strategies.find(ids["credits"]) is None
    assert 77.0 in [h["value"] for h in history_rows(mine, measurement.id)]
    assert mine.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_default_merges_give_the_same_plan_in_both_directions(clock):
    base, ids = small_plan(clock)
    a, b = copy_of(base, COORDINATOR, clock), copy_of(base, SCHOOL, clock)
    a.strategies.update(ids["credits"], lead_partner_id=ids["food"], title="A title")
    b.partners.delete(ids["food"])
    b.strategies.update(ids["credits"], title="B title", status="underway")
    a.strategies.add(title="Coordinator's new strategy")
    b.strategies.add(title="School board's new strategy")
    b.indicators.update(ids["indicator"], target_value=85.0)
    a.actions.delete(ids["action"])
    ab, ba = copy_of(a, COORDINATOR, clock), copy_of(b, SCHOOL, clock)
    merged(ab, b)
    merged(ba, a)
    assert content(ab) == content(ba)
    assert merge.preview(ab, b).nothing_new and merge.preview(ba, a).nothing_new


# --- strategy numbers ----------------------------------------------------------------------------

def test_strategy_numbers_that_collide_are_renumbered_the_same_way_in_both_directions(parted, clock):
    mine, theirs, ids = parted
    theirs_new = theirs.strategies.add(title="School board strategy")      # number 3, first
    mine_new = mine.strategies.add(title="Coordinator strategy")            # number 3, later
    assert mine_new.number == theirs_new.number == 3
    other = copy_of(theirs, SCHOOL, clock)
    review = merged(mine, theirs)
    numbers = {s.title: s.number for s in mine.strategies.list()}
    assert numbers["School board strategy"] == 3 and numbers["Coordinator strategy"] == 4
    assert [i.text for i in review.items if i.kind == merge.RENUMBERED] == [
        "Two strategies had the number 3 after the merge; “Coordinator strategy” is now number 4."]
    merged(other, copy_of(mine, COORDINATOR, clock))
    assert {s.title: s.number for s in other.strategies.list()} == numbers
    assert 3 in [h["number"] for h in history_rows(mine, mine_new.id)]


# --- clocks ---------------------------------------------------------------------------------------

def test_a_partner_whose_clock_is_in_the_future_is_named_and_its_conflicts_put_to_the_user(parted, clock):
    mine, theirs, ids = parted
    mine.risks.update(ids["youth"], description="From the coordinator")
    wrong = Clock(clock.moment + dt.timedelta(days=400))
    theirs_wrong = Plan(theirs.conn, SCHOOL, clock=wrong)
    theirs_wrong.risks.update(ids["youth"], description="From the school board")
    theirs_wrong.partners.update(ids["school"], sector="Education")
    review = merge.preview(mine, theirs_wrong, name="School board")
    [warning] = review.clock_warnings
    assert warning.side == THEIRS and warning.device == SCHOOL
    assert "School board holds edits dated" in warning.text and "clock" in warning.text
    [conflict] = review.conflicts
    assert conflict.clock_doubt and conflict.chosen == MINE
    assert "time cannot decide" in conflict.reason
    merge.apply(mine, review)
    assert mine.risks.get(ids["youth"]).description == "From the coordinator"
    assert "From the school board" in [h["description"] for h in history_rows(mine, ids["youth"])]
    assert mine.partners.get(ids["school"]).sector == "Education"  # no conflict: simply taken
    # The user may still take their version.
    again = merge.preview(mine, theirs_wrong)
    merge.apply(mine, again, choices={again.conflicts[0].key: THEIRS})
    assert mine.risks.get(ids["youth"]).description == "From the school board"


def test_a_small_clock_difference_is_tolerated(parted, clock):
    mine, theirs, ids = parted
    slightly = Clock(clock.moment + dt.timedelta(minutes=5))
    Plan(theirs.conn, SCHOOL, clock=slightly).risks.update(ids["youth"], title="Youth well-being")
    review = merge.preview(mine, theirs)
    assert review.clock_warnings == []


# --- whole copies ---------------------------------------------------------------------------------

def test_a_copy_of_a_different_plan_is_refused_naming_both_plans(clock):
    mine, _ = small_plan(clock)
    other = memory_plan(SCHOOL, clock)
    initialise(other, community="Lakeview", title="Lakeview Plan")
    with pytest.raises(merge.DifferentPlan) as caught:
        merge.preview(mine, other, name="lakeview.cswb")
    message = str(caught.value)
    assert "“Lakeview Plan”" in message and "“Cedar River Community Safety and Well-Being Plan”" in message
    assert message.startswith("lakeview.cswb holds a different plan")
    twin = memory_plan(SCHOOL, clock)
    initialise(twin, community="Cedar River", title="Cedar River Community Safety and Well-Being Plan")
    with pytest.raises(merge.DifferentPlan, match="same title"):
        merge.preview(mine, twin)


def test_merging_the_same_copy_twice_changes_nothing_the_second_time(parted):
    mine, theirs, ids = parted
    theirs.partners.update(ids["food"], sector="Food security")
    mine.partners.update(ids["health"], phone="705-555-0199")
    first = merged(mine, theirs)
    assert not first.nothing_new
    before = everything(mine)
    second = merge.preview(mine, theirs, name="School board")
    assert second.nothing_new and not second.needs_writing
    assert second.headline().startswith("Nothing new: School board holds nothing")
    result = merge.apply(mine, second)
    assert not result.changed and everything(mine) == before


def test_merging_an_identical_copy_is_nothing_new(clock):
    mine, _ = small_plan(clock)
    review = merge.preview(mine, copy_of(mine, SCHOOL, clock))
    assert review.nothing_new and not review.needs_writing and review.items == []


def test_a_copy_without_contact_details_does_not_blank_ours(parted):
    mine, theirs, ids = parted
    theirs.conn.execute("UPDATE partner SET contact_name = '', email = '', phone = ''")  # as planfile does
    theirs.set_meta("contact_details_removed", "1")
    theirs.partners.update(ids["school"], email="new-office@example.org")  # typed after the strip
    theirs.partners.update(ids["health"], role="Lead for health")
    review = merged(mine, theirs)
    health = mine.partners.get(ids["health"])
    assert (health.contact_name, health.email, health.phone, health.role) == (
        "Anna Roy", "aroy@example.org", "705-555-0101", "Lead for health")
    school = mine.partners.get(ids["school"])
    assert (school.contact_name, school.email) == ("Ben Côté", "new-office@example.org")
    assert not any("contact person" in t or "cleared" in t for t in item_texts(review))


def test_a_stripped_copy_merging_a_full_one_gets_the_details(parted):
    mine, theirs, ids = parted
    mine.conn.execute("UPDATE partner SET contact_name = '', email = '', phone = ''")
    mine.set_meta("contact_details_removed", "1")
    merged(mine, theirs)
    assert mine.partners.get(ids["health"]).email == "aroy@example.org"


def test_the_plan_changing_after_the_review_is_refused(parted):
    mine, theirs, ids = parted
    theirs.partners.update(ids["food"], sector="Food security")
    review = merge.preview(mine, theirs)
    mine.partners.update(ids["food"], notes="Open Tuesdays")
    with pytest.raises(merge.MergeError, match="changed since"):
        merge.apply(mine, review)


# --- undo, history, listeners ---------------------------------------------------------------------

def test_undo_puts_back_exactly_the_plan_before_the_merge(parted):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], lead_partner_id=ids["food"], title="Mine")
    theirs.partners.delete(ids["food"])
    theirs.strategies.update(ids["credits"], title="Theirs")
    theirs.risks.delete(ids["housing"])
    theirs.strategies.add(title="New one")
    before = everything(mine)
    result = merge.apply(mine, merge.preview(mine, theirs))
    assert everything(mine) != before
    merge.undo(mine, result.before)
    after = everything(mine)
    # Only the plan's revision counter (and this device's seen-mark) moved on.
    assert {k: v for k, v in after.items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    # After the undo the same merge can be reviewed again and gives the same result.
    assert not merge.preview(mine, theirs).nothing_new


def test_listeners_hear_one_change_for_the_whole_merge(parted):
    mine, theirs, ids = parted
    theirs.partners.update(ids["food"], sector="Food security")
    theirs.risks.delete(ids["housing"])
    heard = []
    mine.add_listener(heard.append)
    merge.apply(mine, merge.preview(mine, theirs))
    assert len(heard) == 1
    assert {"partner", "risk", "strategy_risk", "history"} <= heard[0].tables
    assert ids["food"] in heard[0].ids


def test_history_lists_versions_and_restores_one_as_a_new_edit(parted, clock):
    mine, theirs, ids = parted
    theirs.indicators.update(ids["indicator"], target_value=85.0)
    merged(mine, theirs)
    [entry] = merge.record_history(mine, ids["indicator"])
    assert entry.table == "indicator" and entry.data["target_value"] == 80.0
    assert entry.reason.startswith("merge:") and entry.replaced_by == COORDINATOR
    assert entry.label == "Grade 9 credit accumulation"
    undo_info = merge.restore_version(mine, entry.id)
    restored = mine.indicators.get(ids["indicator"])
    assert restored.target_value == 80.0 and restored.modified_by == COORDINATOR
    assert sorted(e.data["target_value"] for e in merge.record_history(mine, ids["indicator"])) == [80.0, 85.0]
    # Restoring is an edit like any other: it wins when the partner merges it back.
    merged(theirs, mine, name="Coordinator")
    assert theirs.indicators.get(ids["indicator"]).target_value == 80.0
    merge.undo(mine, undo_info)
    assert mine.indicators.get(ids["indicator"]).target_value == 85.0


def test_history_restores_a_deleted_record(parted):
    mine, theirs, ids = parted
    theirs.risks.delete(ids["youth"])
    merged(mine, theirs)
    assert mine.risks.find(ids["youth"]) is None
    [entry] = merge.record_history(mine, ids["youth"])
    merge.restore_version(mine, entry.id)
    assert mine.risks.get(ids["youth"]).title == "Youth mental health"
    assert ids["youth"] not in {t["id"] for t in mine.tombstones()}
    with pytest.raises(merge.MergeError):
        merge.restore_version(mine, "no-such-version")


def test_history_refuses_a_version_whose_parent_is_gone(parted):
    mine, theirs, ids = parted
    theirs.measurements.delete(ids["measurement"])
    merged(mine, theirs)
    [entry] = merge.record_history(mine, ids["measurement"])
    mine.strategies.delete(ids["credits"])  # takes the indicator with it
    with pytest.raises(merge.MergeError, match="no longer in the plan"):
        merge.restore_version(mine, entry.id)


def test_history_travels_with_merges(parted, clock):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], title="Mine")
    theirs.strategies.update(ids["credits"], title="Theirs")
    merged(mine, theirs)
    third = copy_of(theirs, HEALTH, clock)
    merged(third, mine, name="Coordinator")
    assert "Mine" in [h["title"] for h in history_rows(third, ids["credits"])]


def test_the_review_as_text_and_json(parted):
    mine, theirs, ids = parted
    mine.strategies.update(ids["credits"], title="Mine")
    theirs.strategies.update(ids["credits"], title="Theirs")
    theirs.partners.add(organisation="Library")
    review = merge.preview(mine, theirs, name="School board")
    text = review.summary()
    assert "Partners and roles" in text and "Strategies" in text
    assert "+ School board added the partner “Library”." in text
    assert "Decision: Take the version of School board (the newer edit)" in text
    data = json.loads(json.dumps(review.as_dict()))
    assert data["counts"]["conflict"] == 1 and data["counts"]["added"] == 1
    assert [s["step"] for s in data["steps"]] == ["partners", "strategies"]


# --- the round trip through files, with three partners and a hostile file -------------------------

def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def as_partner(monkeypatch, tmp_path: Path, who: str) -> None:
    """Each partner's computer has its own user folders, so its own device id."""
    monkeypatch.setenv("CSWB_DESKTOP_HOME", str(tmp_path / f"home-{who}"))


def test_three_partners_round_trip_through_files(tmp_path, monkeypatch):
    from cswb_desktop.core import sample

    as_partner(monkeypatch, tmp_path, "coordinator")
    plan_file = planfile.create_plan_file(tmp_path / "plan.cswb", community=sample.DEMO_COMMUNITY,
                                          community_type="joint", title=sample.DEMO_TITLE,
                                          fill=sample.build_demo)
    coordinator_device = paths.device_id()
    session = planfile.open_plan(plan_file)
    school_copy = session.save_copy(tmp_path / "for-school-board.cswb", without_contact_details=True)
    health_copy = session.save_copy(tmp_path / "for-health-unit.cswb")
    strategies = {s.title: s for s in session.plan.strategies.list()}
    first = next(iter(strategies.values()))
    session.plan.strategies.update(first.id, status="completed")
    session.save()
    session.close()

    as_partner(monkeypatch, tmp_path, "school")
    school = planfile.open_plan(school_copy)
    school_device = school.plan.device_id
    assert school_device != coordinator_device
    indicator = school.plan.indicators.list()[0]
    school.plan.indicators.update(indicator.id, target_value=(indicator.target_value or 0) + 5)
    partner = school.plan.partners.add(organisation="Birch Narrows High School", sector="Education")
    new_strategy = school.plan.strategies.add(title="Homework club", lead_partner_id=partner.id)
    school.plan.measurements.add(indicator_id=indicator.id, measured_on="2025-06-30", value=1.0)
    school.save()
    school.close()

    as_partner(monkeypatch, tmp_path, "health")
    health = planfile.open_plan(health_copy)
    health.plan.strategies.update(first.id, description="Rewritten by the health unit")
    gone = health.plan.risks.list()[-1]
    health.plan.risks.delete(gone.id)
    health_strategy = health.plan.strategies.add(title="Nurse at the school")
    health.save()
    health.close()

    hostile = tmp_path / "returned-hostile.cswb"
    shutil.copyfile(health_copy, hostile)
    conn = sqlite3.connect(hostile, isolation_level=None)
    conn.execute("CREATE TRIGGER t AFTER INSERT ON partner BEGIN DELETE FROM plan; END")
    conn.close()

    as_partner(monkeypatch, tmp_path, "coordinator")
    before = file_digest(plan_file)
    with pytest.raises(planfile.FileRejected):
        merge.read_copy(hostile)
    assert file_digest(plan_file) == before
    assert list(paths.working_dir().iterdir()) == []

    session = planfile.open_plan(plan_file)
    contacts_before = {p.id: (p.contact_name, p.email, p.phone) for p in session.plan.partners.list()}
    for path, name in ((school_copy, "School board"), (health_copy, "Health unit")):
        review = merge.preview(session.plan, merge.read_copy(path, name=name))
        assert not review.nothing_new and review.clock_warnings == []
        merge.apply(session.plan, review)
    session.save()
    plan = session.plan
    assert plan.indicators.get(indicator.id).target_value == (indicator.target_value or 0) + 5
    merged_first = plan.strategies.get(first.id)
    assert (merged_first.status, merged_first.description) == ("completed", "Rewritten by the health unit")
    assert plan.risks.find(gone.id) is None
    numbers = [s.number for s in plan.strategies.list()]
    assert len(numbers) == len(set(numbers))
    assert plan.strategies.get(new_strategy.id).number != plan.strategies.get(health_strategy.id).number
    for p in plan.partners.list():
        if p.id in contacts_before:
            assert (p.contact_name, p.email, p.phone) == contacts_before[p.id]
    assert plan.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Both partners' copies merged again: nothing new.
    for path in (school_copy, health_copy):
        assert merge.preview(plan, merge.read_copy(path)).nothing_new
    session.close()

    # The school board takes the merged plan back and gets the same plan content.
    as_partner(monkeypatch, tmp_path, "school")
    school = planfile.open_plan(school_copy)
    merge.apply(school.plan, merge.preview(school.plan, merge.read_copy(plan_file, name="Coordinator")))
    school_content = content(school.plan)
    school.close(discard=True)
    with planfile.reading(plan_file) as final:
        final_content = content(final)
    assert school_content == final_content  # contact details included: theirs fill the blanks
