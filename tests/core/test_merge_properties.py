"""Properties of the merge over random work on two or three copies of one plan (hypothesis):
order does not matter, merging again changes nothing, no record points at nothing, and every
value a copy held, or edited, is in the merged plan or in its history."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from functools import cache

from hypothesis import HealthCheck, given, settings, strategies as st

from cswb_desktop.core import framework, merge, schema
from cswb_desktop.core.plan import Plan, PlanError, initialise

UTC = dt.timezone.utc
BASE_DEVICE = "device-coordinator"
DEVICES = ("device-a", "device-b", "device-c")
PARTED_AT = "2030-02-01T00:00:00.000000Z"

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Clock:
    """One clock for all copies, moving one second per reading: edits interleave in time."""

    def __init__(self, start: dt.datetime):
        self.moment = start

    def __call__(self) -> str:
        self.moment += dt.timedelta(seconds=1)
        return self.moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@cache
def base_bytes() -> bytes:
    """A small plan (built once) with a little of everything that points at something else."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, BASE_DEVICE, clock=Clock(dt.datetime(2030, 1, 1, tzinfo=UTC)))
    initialise(plan, community="Cedar River", title="Cedar River Plan")
    partners = [plan.partners.add(organisation=f"Partner {n}").id for n in range(4)]
    risks = [plan.risks.add(title=f"Risk {n}", is_priority=n < 2).id for n in range(3)]
    assets = [plan.assets.add(name=f"Asset {n}", owner_partner_id=partners[n]).id for n in range(2)]
    for n in range(3):
        strategy = plan.strategies.add(title=f"Strategy {n}", lead_partner_id=partners[n],
                                       asset_id=assets[n % 2])
        plan.strategy_risks.set(strategy.id, risks[:n + 1])
        plan.strategy_partners.set(strategy.id, partners[n + 1:n + 2])
        outcome = plan.outcomes.add(strategy_id=strategy.id, text=f"Outcome {n}")
        indicator = plan.indicators.add(outcome_id=outcome.id, name=f"Indicator {n}", target_value=10.0,
                                        responsible_partner_id=partners[(n + 2) % 4])
        plan.measurements.add(indicator_id=indicator.id, measured_on="2029-12-31", value=float(n))
        plan.actions.add(strategy_id=strategy.id, title=f"Action {n}", owner_partner_id=partners[n])
    data = conn.serialize()
    conn.close()
    return data


def copy_from_bytes(data: bytes, device: str, clock: Clock) -> Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.deserialize(data)
    conn.execute("PRAGMA foreign_keys = ON")
    return Plan(conn, device, clock=clock)


def copy_of(plan: Plan, device: str, clock: Clock) -> Plan:
    return copy_from_bytes(plan.conn.serialize(), device, clock)


# --- random work ------------------------------------------------------------------------------------

WORDS = ("alpha", "beta", "gamma", "")
EDITS = {
    "partner": (("organisation", WORDS), ("sector", WORDS), ("email", WORDS),
                ("engagement_status", tuple(framework.ENGAGEMENT_STATUSES))),
    "risk": (("title", WORDS), ("description", WORDS), ("is_priority", (True, False))),
    "strategy": (("title", WORDS), ("status", tuple(framework.STRATEGY_STATUSES)),
                 ("budget", (None, 1000.0, 2500.5)), ("lead_partner_id", "partner"),
                 ("asset_id", "asset"), ("number", (1, 2, 7))),
    "indicator": (("target_value", (None, 80.0, 85.0)), ("unit", WORDS),
                  ("responsible_partner_id", "partner")),
    "action": (("status", tuple(framework.ACTION_STATUSES)), ("owner_partner_id", "partner"),
               ("title", WORDS)),
    "measurement": (("value", (1.0, 2.0, None)), ("note", WORDS)),
    "asset": (("name", WORDS), ("owner_partner_id", "partner")),
}
TABLES = {"partner": "partners", "risk": "risks", "strategy": "strategies", "indicator": "indicators",
          "action": "actions", "measurement": "measurements", "asset": "assets", "outcome": "outcomes"}
DELETABLE = ("partner", "risk", "strategy", "outcome", "measurement", "action", "asset")
LINKS = (("strategy_risks", "strategy", "risk"), ("strategy_partners", "strategy", "partner"),
         ("risk_partners", "risk", "partner"))

n = st.integers(min_value=0, max_value=5)
edit = st.tuples(st.just("edit"), st.sampled_from(sorted(EDITS)), n, n, n)
add = st.tuples(st.just("add"), st.sampled_from(("partner", "strategy", "risk", "measurement", "action")),
                n, n, n)
delete = st.tuples(st.just("delete"), st.sampled_from(DELETABLE), n, n, n)
link = st.tuples(st.just("link"), st.sampled_from(range(len(LINKS))), n, n, st.booleans())
undo_delete = st.tuples(st.just("undo"), st.just(""), n, n, n)
operation = st.one_of(edit, edit, add, delete, link, undo_delete)


def ids(plan: Plan, table: str) -> list[str]:
    return [r[0] for r in plan.conn.execute(f"SELECT id FROM {table} ORDER BY id")]


def pick(plan: Plan, table: str, index: int) -> str | None:
    found = ids(plan, table)
    return found[index % len(found)] if found else None


def run_operation(plan: Plan, op: tuple, removals: list) -> None:
    kind, what, a, b, c = op
    try:
        if kind == "edit":
            record = pick(plan, what, a)
            if record is None:
                return
            column, values = EDITS[what][b % len(EDITS[what])]
            value = pick(plan, values, c) if isinstance(values, str) else values[c % len(values)]
            if column in ("organisation", "title", "name") and value == "":
                value = "untitled"
            getattr(plan, TABLES[what]).update(record, **{column: value})
        elif kind == "add":
            if what == "partner":
                plan.partners.add(organisation=f"New partner {WORDS[a % 4]}")
            elif what == "risk":
                plan.risks.add(title=f"New risk {WORDS[a % 4]}")
            elif what == "strategy":
                plan.strategies.add(title=f"New strategy {WORDS[a % 4]}",
                                    lead_partner_id=pick(plan, "partner", b))
            elif what == "measurement":
                indicator = pick(plan, "indicator", b)
                if indicator:
                    plan.measurements.add(indicator_id=indicator, measured_on="2030-03-01", value=float(a))
            elif what == "action":
                strategy = pick(plan, "strategy", b)
                if strategy:
                    plan.actions.add(strategy_id=strategy, title=f"New action {a}",
                                     owner_partner_id=pick(plan, "partner", c))
        elif kind == "delete":
            record = pick(plan, what, a)
            if record is None:
                return
            others = [p for p in ids(plan, what) if p != record]
            reassign = others[b % len(others)] if (others and c % 2) else None
            removals.append(getattr(plan, TABLES[what]).delete(record, reassign_to=reassign))
        elif kind == "link":
            links, owner_table, target_table = LINKS[what]
            owner, target = pick(plan, owner_table, a), pick(plan, target_table, b)
            if owner and target:
                table = getattr(plan, links)
                (table.add if c else table.remove)(owner, target)
        elif kind == "undo" and removals:
            plan.restore(removals.pop())
    except PlanError:
        pass  # refused (in use, gone): the program says so and nothing happens


# --- what must hold ---------------------------------------------------------------------------------

def content(plan: Plan) -> dict[str, list[tuple]]:
    out = {t: sorted(plan.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
           for t in schema.record_tables()}
    out["tombstone"] = sorted(plan.conn.execute("SELECT * FROM tombstone").fetchall())
    live = {r[0] for t in schema.record_tables() for r in plan.conn.execute(f"SELECT id FROM {t}")}
    out["field_stamp"] = sorted(r for r in plan.conn.execute("SELECT * FROM field_stamp") if r[0] in live)
    return out


def merge_into(mine: Plan, theirs: Plan, name: str) -> merge.Preview:
    review = merge.preview(mine, theirs, name=name)
    merge.apply(mine, review)
    return review


def assert_sound(plan: Plan) -> None:
    assert plan.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    numbers = [r[0] for r in plan.conn.execute("SELECT number FROM strategy")]
    assert len(numbers) == len(set(numbers)), numbers
    live = {r[0] for t in schema.record_tables() for r in plan.conn.execute(f"SELECT id FROM {t}")}
    assert not live & {r[0] for r in plan.conn.execute("SELECT id FROM tombstone")}


def assert_nothing_new(plan: Plan, other: Plan) -> None:
    review = merge.preview(plan, other, name="again")
    assert review.nothing_new, review.summary()
    assert not review.needs_writing


def rows_of(plan: Plan, table: str) -> list[dict]:
    cur = plan.conn.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def values_of(plan: Plan) -> dict[tuple[str, str], dict]:
    return {(t, r["id"]): r for t in schema.record_tables() for r in rows_of(plan, t)}


def edited_by(plan: Plan, device: str) -> set[tuple[str, str]]:
    """(record, column) pairs this copy changed since the copies parted."""
    edited = {(r[0], r[1]) for r in plan.conn.execute(
        "SELECT record_id, column_name FROM field_stamp WHERE modified_by = ?", (device,))}
    for table in schema.record_tables():
        for row in rows_of(plan, table):
            if row["created_at"] > PARTED_AT:
                edited |= {(row["id"], c) for c in row if c not in schema.RECORD_COLUMNS}
    return edited


def assert_kept(merged_plan: Plan, before: dict[tuple[str, str], dict], only: set | None) -> None:
    """Every value of `before` (or, with `only`, every value its copy edited) is in the merged
    plan or in the merged plan's history."""
    now = values_of(merged_plan)
    history: dict[str, list[dict]] = {}
    for record_id, data in merged_plan.conn.execute("SELECT record_id, data FROM history"):
        history.setdefault(record_id, []).append(json.loads(data))
    for (table, record_id), row in before.items():
        for column, value in row.items():
            if column in schema.RECORD_COLUMNS or (only is not None and (record_id, column) not in only):
                continue
            current = now.get((table, record_id))
            if current is not None and current[column] == value:
                continue
            assert any(h.get(column) == value for h in history.get(record_id, [])), (
                table, record_id, column, value)


@cache
def _check_base() -> None:
    plan = copy_from_bytes(base_bytes(), BASE_DEVICE, Clock(dt.datetime(2030, 1, 2, tzinfo=UTC)))
    assert plan.last_modified() < PARTED_AT


def copies(count: int) -> tuple[list[Plan], Clock]:
    _check_base()
    clock = Clock(dt.datetime(2030, 2, 1, 0, 0, 1, tzinfo=UTC))
    return [copy_from_bytes(base_bytes(), DEVICES[i], clock) for i in range(count)], clock


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=1), operation), max_size=24))
def test_two_copies_merge_the_same_both_ways_once_and_for_all(work):
    (a, b), clock = copies(2)
    removals: list[list] = [[], []]
    for who, op in work:
        run_operation((a, b)[who], op, removals[who])
    before_a, before_b = values_of(a), values_of(b)
    edits_b = edited_by(b, DEVICES[1])

    ab, ba = copy_of(a, DEVICES[0], clock), copy_of(b, DEVICES[1], clock)
    merge_into(ab, b, "B")
    merge_into(ba, a, "A")
    assert content(ab) == content(ba)
    assert_sound(ab)
    assert_nothing_new(ab, b)  # the same copy again
    assert_nothing_new(ba, b)  # its own earlier self
    assert_nothing_new(ab, a)
    assert_kept(ab, before_a, None)                    # the receiving copy: every value
    assert_kept(ab, before_b, edits_b)                 # the other copy: every value it edited
    assert_kept(ba, before_b, None)
    assert_kept(ba, before_a, edited_by(a, DEVICES[0]))


@settings(SETTINGS, max_examples=50)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=2), operation), max_size=24))
def test_three_copies_merged_one_after_the_other(work):
    copies_, clock = copies(3)
    a, b, c = copies_
    removals: list[list] = [[], [], []]
    for who, op in work:
        run_operation(copies_[who], op, removals[who])
    before = [values_of(p) for p in copies_]
    edits = [edited_by(p, DEVICES[i]) for i, p in enumerate(copies_)]

    merged_plan = copy_of(a, DEVICES[0], clock)
    merge_into(merged_plan, b, "B")
    # Each step is order-independent: the last copy taking in the merged plan gives the same plan.
    c_first = copy_of(c, DEVICES[2], clock)
    merge_into(c_first, merged_plan, "A and B")
    merge_into(merged_plan, c, "C")
    assert content(merged_plan) == content(c_first)
    assert_sound(merged_plan)
    for i, p in enumerate(copies_):
        assert_nothing_new(merged_plan, p)
        assert_kept(merged_plan, before[i], None if i == 0 else edits[i])
    # Every partner taking the merged plan back ends with the same plan.
    for i, p in enumerate(copies_):
        back = copy_of(p, DEVICES[i], clock)
        merge_into(back, merged_plan, "merged")
        assert content(back) == content(merged_plan)


@settings(SETTINGS, max_examples=30)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=1), operation), max_size=16))
def test_undo_of_a_merge_restores_the_plan_exactly(work):
    (a, b), clock = copies(2)
    removals: list[list] = [[], []]
    for who, op in work:
        run_operation((a, b)[who], op, removals[who])
    before = {t: rows for t, rows in content(a).items()}
    history_before = sorted(a.conn.execute("SELECT * FROM history").fetchall())
    result = merge.apply(a, merge.preview(a, b, name="B"))
    merge.undo(a, result.before)
    assert content(a) == before
    assert sorted(a.conn.execute("SELECT * FROM history").fetchall()) == history_before
    assert a.conn.execute("PRAGMA foreign_key_check").fetchall() == []
