"""Files made by earlier releases open through the current code, and the migration ladder and the
allow-list of schema objects agree with each other.

tests/fixtures/plan-v1.cswb was made once by tests/fixtures/make_plan_v1.py with file format 1 and
is never regenerated; the counts and values below are what that script wrote."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from cswb_desktop.core import paths, planfile, schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PLAN_V1 = FIXTURES / "plan-v1.cswb"

SYLLABICS = "ᐊᓂᔑᓈᐯᒧᐎᓐ"

# Rows per table in plan-v1.cswb (risk_category: the 28 RTD categories seeded with every new plan
# plus one of the plan's own; criterion: the 5 default criteria).
V1_COUNTS = {
    "action": 3, "activity_group": 5, "asset": 2, "asset_area": 3, "category_status": 1,
    "committee_member": 2, "criterion": 5, "engagement_activity": 2, "engagement_summary": 1,
    "evidence": 3, "history": 0, "indicator": 2, "logic_model_item": 4, "measurement": 3,
    "member_category": 3, "meta": 3, "outcome": 3, "participant": 2, "partner": 4, "plan": 1,
    "progress_update": 2, "risk": 3, "risk_activity": 1, "risk_category": 29, "risk_partner": 1,
    "risk_score": 3, "strategy": 2, "strategy_partner": 2, "strategy_risk": 2, "team": 2,
    "tombstone": 1,
}


def snapshot(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def v1_rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """The rows of every format-1 table, format-1 columns only (later formats may add columns)."""
    out = {}
    for obj in sorted(schema.expected_schema(1), key=lambda o: o.name):
        if obj.type != "table":
            continue
        columns = ", ".join(schema.table_columns(obj.name, 1))
        out[obj.name] = sorted(conn.execute(f"SELECT {columns} FROM {obj.name}").fetchall(), key=repr)
    return out


@pytest.fixture
def fixture_unchanged():
    """The committed fixture must come out of every test byte for byte and second for second."""
    before = snapshot(PLAN_V1)
    beside = sorted(os.listdir(FIXTURES))
    yield
    assert snapshot(PLAN_V1) == before
    assert sorted(os.listdir(FIXTURES)) == beside


def test_fixture_is_a_format_1_plan(fixture_unchanged):
    conn = connect_ro(PLAN_V1)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        # The exact objects migration 1 makes: if anyone edits the released migration text, this
        # fails (and so would every user's format-1 file, rejected as altered).
        assert schema.read_schema(conn) == schema.expected_schema(1)
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in V1_COUNTS}
    finally:
        conn.close()
    assert counts == V1_COUNTS
    # Every record table of format 1 has rows, so every table is exercised by the upgrade.
    assert [t for t in schema.record_tables(1) if counts[t] == 0] == []


def check_v1_content(plan) -> None:
    assert {t: plan.count(t) for t in schema.record_tables(1)} == {
        t: n for t, n in V1_COUNTS.items() if t in schema.record_tables(1)}
    profile = plan.profile()
    assert profile.title == "Plan de sécurité et de bien-être — Rivière-aux-Cèdres"
    assert profile.community == "Rivière-aux-Cèdres"
    assert profile.community_type == "joint" and profile.language == "fr"
    assert profile.vision.startswith(SYLLABICS + " — ")
    assert profile.adopted_on == "2024-03-12"

    partners = {p.organisation: p for p in plan.partners.list()}
    assert set(partners) == {"Centre de santé communautaire du Nord", "Cedar River Public School",
                             "OPP Cedar River Detachment", f"{SYLLABICS} Healing Lodge"}
    health = partners["Centre de santé communautaire du Nord"]
    assert (health.contact_name, health.email) == ("Hélène Côté", "hcote@example.org")
    assert [(t["table_name"]) for t in plan.tombstones()] == ["partner"]

    chair = next(m for m in plan.committee_members.list() if m.role == "Chair")
    assert chair.partner_id == health.id
    assert plan.member_categories.targets(chair.id) == [1, 3]
    assert plan.category_statuses.list()[0].no_provider is True

    risks = {r.title: r for r in plan.risks.list()}
    assert risks["Isolement des aînés"].description == "Les aînés vivent seuls, loin des services."
    assert risks["Housing instability"].rank_override == 1
    assert plan.evidence.count(risk_id=risks["Housing instability"].id) == 2

    strategies = {s.title: s for s in plan.strategies.list()}
    homes = strategies["Transitional housing with supports"]
    assert homes.budget == 250000.0 and homes.lead_partner_id == health.id
    assert plan.strategy_risks.targets(homes.id) == [risks["Housing instability"].id]
    assert len(plan.strategy_partners.targets(homes.id)) == 2
    visits = strategies["Visites d'amitié pour les aînés"]
    assert visits.lead_partner_id == partners[f"{SYLLABICS} Healing Lodge"].id
    assert visits.asset_id is not None

    measurements = [m.value for m in plan.measurements.list()]
    assert sorted(measurements) == [66.7, 75.0, 1010.0]
    assert any(m.note == "Une famille a déménagé." for m in plan.measurements.list())
    assert {u.status for u in plan.progress_updates.list()} == {"on_track", "delayed"}


def test_fixture_opens_through_the_current_code(fixture_unchanged):
    session = planfile.open_plan(PLAN_V1)
    try:
        assert not session.read_only and not session.modified
        assert session.plan.schema_version() == schema.SCHEMA_VERSION
        check_v1_content(session.plan)
    finally:
        session.close()
    assert list(paths.working_dir().iterdir()) == []


def test_fixture_reads_through_the_current_code(fixture_unchanged):
    with planfile.reading(PLAN_V1) as plan:
        assert plan.schema_version() == schema.SCHEMA_VERSION
        check_v1_content(plan)
    assert list(paths.working_dir().iterdir()) == []


def test_fixture_saved_by_the_current_code_keeps_every_row(fixture_unchanged, tmp_path):
    conn = connect_ro(PLAN_V1)
    original = v1_rows(conn)
    conn.close()
    session = planfile.open_plan(PLAN_V1)
    try:
        upgraded = session.save_as(tmp_path / "upgraded.cswb")
    finally:
        session.close()
    conn = connect_ro(upgraded)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert schema.read_schema(conn) == schema.expected_schema(schema.SCHEMA_VERSION)
        assert v1_rows(conn) == original
    finally:
        conn.close()


def test_apply_migrations_is_idempotent_on_a_fresh_database():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        assert schema.apply_migrations(conn) == 0
        made = schema.read_schema(conn)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert schema.apply_migrations(conn) == schema.SCHEMA_VERSION  # nothing left to do
        assert schema.apply_migrations(conn) == schema.SCHEMA_VERSION
        assert schema.read_schema(conn) == made
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    finally:
        conn.close()


def test_apply_migrations_is_idempotent_on_the_fixture(tmp_path, fixture_unchanged):
    copy = tmp_path / "copy.cswb"
    shutil.copyfile(PLAN_V1, copy)
    conn = sqlite3.connect(str(copy), isolation_level=None)
    try:
        rows_before = v1_rows(conn)
        assert schema.apply_migrations(conn) == 1
        after_first = (schema.read_schema(conn), v1_rows(conn))
        assert schema.apply_migrations(conn) == schema.SCHEMA_VERSION
        assert (schema.read_schema(conn), v1_rows(conn)) == after_first
        assert after_first[1] == rows_before
        assert after_first[0] == schema.expected_schema(schema.SCHEMA_VERSION)
    finally:
        conn.close()


def test_expected_schema_is_what_a_new_file_holds(tmp_path):
    path = planfile.create_plan_file(tmp_path / "fresh.cswb", community="Cedar River")
    conn = connect_ro(path)
    try:
        found = schema.read_schema(conn)
    finally:
        conn.close()
    assert found == schema.expected_schema(schema.SCHEMA_VERSION)
    if schema.SCHEMA_VERSION == 1:
        assert found == schema.expected_schema(1)
    assert {o.type for o in found} == {"table", "index"}  # no views or triggers in our own files


def test_expected_schema_of_an_unknown_version_is_an_error():
    with pytest.raises(ValueError):
        schema.expected_schema(schema.SCHEMA_VERSION + 1)
    with pytest.raises(ValueError):
        schema.expected_schema(0)


def test_every_record_table_is_merge_ready():
    for table in schema.record_tables():
        columns = schema.table_columns(table)
        assert columns[:4] == schema.RECORD_COLUMNS, table
