"""The allow-list compares every schema object whole — type, name, table and SQL — with what our
migrations create. SQLite's own statistics tables pass only as the tables ANALYZE makes; a
trigger, view or index under one of those names is refused on opening, on reading, before a merge
and after migrations."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from cswb_desktop import cli
from cswb_desktop.core import merge, paths, planfile, schema


def fill(plan) -> None:
    partner = plan.partners.add(organisation="Cedar River Health Team", notes="Meets monthly")
    risk = plan.risks.add(title="Youth mental health", is_priority=True)
    for criterion in plan.criteria.list():
        plan.set_score(risk.id, criterion.id, score=2)
    plan.strategies.add(title="Walk-in counselling", lead_partner_id=partner.id)


@pytest.fixture
def plan_file(tmp_path) -> Path:
    folder = tmp_path / "from a usb stick"
    folder.mkdir()
    path = folder / "received.cswb"
    planfile.create_plan_file(path, community="Cedar River", fill=fill)
    return path


@contextmanager
def altered(path: Path, *, writable_schema: bool = False):
    """A plain SQLite connection, as another program would use it (with `writable_schema`, as a
    tool that edits sqlite_schema would); no side files left after."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        if writable_schema:
            conn.execute("PRAGMA writable_schema = ON")
        yield conn
    finally:
        conn.close()
    assert os.listdir(path.parent) == [path.name]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_with_plan(path: Path) -> None:
    planfile.open_plan(path).close()


def open_for_reading(path: Path) -> None:
    with planfile.reading(path):
        pass


def read_for_merge(path: Path) -> None:
    merge.read_copy(path)


OPENERS = [pytest.param(open_with_plan, id="open_plan"), pytest.param(open_for_reading, id="reading"),
           pytest.param(read_for_merge, id="merge")]


def assert_rejected(opener, path: Path, *words: str) -> str:
    before = digest(path)
    with pytest.raises(planfile.FileRejected) as info:
        opener(path)
    message = str(info.value)
    assert info.value.reason == "foreign_objects", message
    assert path.name in message and "did not create" in message
    for word in words:
        assert word in message, (word, message)
    assert message.endswith(".") and message.count(".") == message.count(".cswb") + 1, message
    assert digest(path) == before
    assert os.listdir(path.parent) == [path.name]
    assert list(paths.working_dir().iterdir()) == []
    return message


def risk_scores(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM risk_score").fetchone()[0]
    finally:
        conn.close()


# --- the attacks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
def test_trigger_named_like_a_statistics_table_is_refused(plan_file, opener):
    with altered(plan_file, writable_schema=True) as conn:
        conn.execute("CREATE TRIGGER sqlite_stat1 AFTER UPDATE ON partner BEGIN "
                     "DELETE FROM risk_score; UPDATE plan SET vision = 'rewritten'; END")
    assert risk_scores(plan_file) == 5
    assert_rejected(opener, plan_file, "trigger “sqlite_stat1”")
    assert risk_scores(plan_file) == 5


@pytest.mark.parametrize("opener", OPENERS)
def test_view_named_like_a_statistics_table_is_refused(plan_file, opener):
    with altered(plan_file, writable_schema=True) as conn:
        conn.execute("CREATE VIEW sqlite_stat4 AS SELECT email, phone FROM partner")
    assert_rejected(opener, plan_file, "view “sqlite_stat4”")


@pytest.mark.parametrize("opener", OPENERS)
def test_index_named_like_a_statistics_table_is_refused(plan_file, opener):
    with altered(plan_file, writable_schema=True) as conn:
        conn.execute("CREATE INDEX sqlite_stat1 ON partner(email)")
    assert_rejected(opener, plan_file, "index “sqlite_stat1”")


@pytest.mark.parametrize("opener", OPENERS)
def test_statistics_table_with_other_columns_is_refused(plan_file, opener):
    with altered(plan_file, writable_schema=True) as conn:
        conn.execute("CREATE TABLE sqlite_stat1(tbl, idx, stat, collected)")
    assert_rejected(opener, plan_file, "table “sqlite_stat1”")


def test_an_allowed_index_with_other_sql_is_refused(plan_file):
    with altered(plan_file) as conn:
        conn.execute("DROP INDEX idx_action_due")
        conn.execute("CREATE INDEX idx_action_due ON action(title)")
    assert_rejected(open_with_plan, plan_file, "index “idx_action_due”")


def test_an_object_listed_twice_is_refused():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.apply_migrations(conn)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("INSERT INTO sqlite_schema SELECT * FROM sqlite_schema WHERE name = 'idx_action_due'")
    extra, missing = schema.compare_schema(conn, schema.SCHEMA_VERSION)
    assert [o.name for o in extra] == ["idx_action_due"] and missing == []


def test_merge_command_refuses_the_partner_copy(plan_file, tmp_path, capsys):
    mine = tmp_path / "mine.cswb"
    mine.write_bytes(plan_file.read_bytes())
    with altered(plan_file, writable_schema=True) as conn:
        conn.execute("CREATE TRIGGER sqlite_stat1 AFTER UPDATE ON partner BEGIN DELETE FROM risk_score; END")
    before = digest(mine)
    assert cli.main(["merge", str(mine), str(plan_file)]) == cli.EXIT_REJECTED
    err = capsys.readouterr().err
    assert "received.cswb" in err and "trigger “sqlite_stat1”" in err
    assert digest(mine) == before


# --- what SQLite itself adds is still fine ----------------------------------------------------------

def test_statistics_made_by_analyze_are_accepted(plan_file):
    with altered(plan_file) as conn:
        conn.execute("ANALYZE")
        assert conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'sqlite_stat1'").fetchone() == (
            "CREATE TABLE sqlite_stat1(tbl,idx,stat)",)
    session = planfile.open_plan(plan_file)
    try:
        assert session.plan.partners.list()[0].organisation == "Cedar River Health Team"
    finally:
        session.close()


def test_stat4_table_as_sqlite_makes_it_is_accepted(plan_file):
    # This build of SQLite keeps no stat4, but builds with SQLITE_ENABLE_STAT4 make this exact table.
    with altered(plan_file, writable_schema=True) as conn:
        conn.execute("CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)")
    with planfile.reading(plan_file) as plan:
        assert plan.count("risk_score") == 5


# --- after migrations ----------------------------------------------------------------------------

def test_the_working_copy_is_checked_again_after_its_migrations(tmp_path, monkeypatch):
    """A file of an older format is migrated in the private copy, and what the migrations made is
    checked again before anything reads it."""
    plan_file = tmp_path / "received.cswb"
    plan_file.write_bytes((Path(__file__).resolve().parents[1] / "fixtures" / "plan-v1.cswb").read_bytes())
    for version in schema.MIGRATIONS:  # the allow-lists, made by the real migrations
        schema.expected_schema(version)
    real = schema.apply_migrations

    def migrations_that_leave_a_trigger(conn, to_version=schema.SCHEMA_VERSION):
        start = real(conn, to_version)
        conn.execute("CREATE TRIGGER stray AFTER UPDATE ON partner BEGIN DELETE FROM risk_score; END")
        return start

    monkeypatch.setattr(schema, "apply_migrations", migrations_that_leave_a_trigger)
    message = assert_rejected(open_with_plan, plan_file, "trigger “stray”")
    assert "received.cswb" in message


def test_a_file_of_the_current_format_is_checked_once(plan_file, monkeypatch):
    """Nothing to migrate, nothing new to check: the full check (integrity, schema, every value) is
    the dearest part of opening a large plan, so it runs once."""
    calls = []
    real = planfile.check_connection
    monkeypatch.setattr(planfile, "check_connection", lambda conn, name: calls.append(name) or real(conn, name))
    session = planfile.open_plan(plan_file)
    session.close()
    assert calls == [plan_file.name]
