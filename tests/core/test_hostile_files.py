"""Files nobody vouches for (a USB stick, an e-mail attachment): every one that is not a safe plan is
refused by both ways of opening a file, with a sentence naming it, and is left exactly as it was,
with nothing written beside it or in the private working folder."""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from cswb_desktop.core import paths, planfile, schema


# --- helpers ------------------------------------------------------------------------------------

def snapshot(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


def fill(plan) -> None:
    lead = plan.partners.add(organisation="Cedar River Health Team", email="info@example.org")
    plan.partners.add(organisation="Cedar River Public School")
    risk = plan.risks.add(title="Youth mental health", is_priority=True)
    plan.evidence.add(risk_id=risk.id, source="School survey", value="31", unit="%", year=2023)
    strategy = plan.strategies.add(title="Walk-in counselling", lead_partner_id=lead.id)
    plan.strategy_risks.add(strategy.id, risk.id)


@pytest.fixture(scope="module")
def good_plan(tmp_path_factory) -> bytes:
    """The bytes of a real saved plan; each test makes its own hostile variant from them."""
    home = tmp_path_factory.mktemp("maker-home")
    saved = os.environ.get("CSWB_DESKTOP_HOME")
    os.environ["CSWB_DESKTOP_HOME"] = str(home)
    try:
        path = tmp_path_factory.mktemp("maker") / "good.cswb"
        planfile.create_plan_file(path, community="Cedar River", fill=fill)
        return path.read_bytes()
    finally:
        if saved is None:
            os.environ.pop("CSWB_DESKTOP_HOME", None)
        else:
            os.environ["CSWB_DESKTOP_HOME"] = saved


@pytest.fixture
def place(tmp_path) -> Path:
    """A folder that holds nothing but the file under test."""
    folder = tmp_path / "from a usb stick"
    folder.mkdir()
    return folder


def write_plan(place: Path, good_plan: bytes, name: str = "received.cswb") -> Path:
    path = place / name
    path.write_bytes(good_plan)
    return path


@contextmanager
def altered(path: Path):
    """A plain SQLite connection to a copy, as another program would use it; no side files after."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        yield conn
    finally:
        conn.close()
    assert os.listdir(path.parent) == [path.name]


def open_with_plan(path: Path) -> None:
    session = planfile.open_plan(path)
    session.close()  # pragma: no cover - reached only when a hostile file is wrongly accepted


def open_for_reading(path: Path) -> None:
    with planfile.reading(path):
        pass  # pragma: no cover - as above


OPENERS = [pytest.param(open_with_plan, id="open_plan"), pytest.param(open_for_reading, id="reading")]


def can_read(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            f.read(1)
        return True
    except PermissionError:
        return False


def assert_rejected(opener, path: Path, reason: str, *words: str) -> str:
    """Rejected with `reason`; the message names the file, says `words`, reads as plain text;
    the file is unchanged and nothing is left behind anywhere."""
    before = snapshot(path) if path.is_file() and can_read(path) else None
    beside = sorted(os.listdir(path.parent))
    with pytest.raises(planfile.FileRejected) as info:
        opener(path)
    error = info.value
    message = str(error)
    assert error.reason == reason, message
    assert path.name in message
    for word in words:
        assert word in message, (word, message)
    assert message.endswith(".") and "\n" not in message and len(message) < 400
    assert not re.search(r"[.?!] +[A-Z“]", message), f"more than one sentence: {message}"
    assert "Traceback" not in message and "sqlite3." not in message
    assert str(paths.working_dir()) not in message and os.sep + planfile.WORKING_NAME not in message
    if before is not None:
        assert snapshot(path) == before
    assert sorted(os.listdir(path.parent)) == beside
    assert list(paths.working_dir().iterdir()) == []
    return message


def root_page(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0]


# --- not a plan at all ------------------------------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
def test_random_bytes(place, opener):
    path = place / "holiday photos.cswb"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    assert_rejected(opener, path, "not_sqlite", "not a CSWB plan file", "not a SQLite database")


@pytest.mark.parametrize("opener", OPENERS)
def test_empty_file(place, opener):
    path = place / "empty.cswb"
    path.write_bytes(b"")
    assert_rejected(opener, path, "empty", "is empty")


@pytest.mark.parametrize("opener", OPENERS)
def test_sqlite_file_that_is_not_a_plan(place, opener):
    path = place / "inventory.cswb"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE item (name TEXT, count INTEGER)")
    conn.execute("INSERT INTO item VALUES ('chairs', 40)")
    conn.commit()
    conn.close()
    assert_rejected(opener, path, "not_plan", "a database, but not a CSWB plan")


@pytest.mark.parametrize("opener", OPENERS)
def test_plan_with_application_id_zero(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("PRAGMA application_id = 0")
    assert_rejected(opener, path, "not_plan", "not a CSWB plan")


@pytest.mark.parametrize("opener", OPENERS)
def test_marked_as_a_plan_but_never_set_up(place, opener):
    path = place / "blank.cswb"
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("CREATE TABLE placeholder (x)")
    conn.commit()
    conn.close()
    assert_rejected(opener, path, "not_plan", "never set up")


@pytest.mark.parametrize("opener", OPENERS)
def test_plan_table_with_no_rows(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("DELETE FROM plan")
    assert_rejected(opener, path, "not_plan", "exactly one plan", "holds 0")


# --- damaged ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
def test_truncated_plan(place, good_plan, opener):
    path = write_plan(place, good_plan)
    path.write_bytes(good_plan[: len(good_plan) // 2])
    assert_rejected(opener, path, "damaged", "damaged", "cut short")


@pytest.mark.parametrize("opener", OPENERS)
def test_damaged_page(place, good_plan, opener):
    path = write_plan(place, good_plan)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = root_page(conn, "partner")
    conn.close()
    data = bytearray(good_plan)
    start = (page - 1) * page_size
    assert data[start] == 0x0D  # a leaf page holding the partner rows
    assert b"Cedar River Health Team" in data[start:start + page_size]
    # Keep the page's own header, scribble over its cell pointers and the rows themselves.
    data[start + 8:start + page_size] = bytes([0xA5]) * (page_size - 8)
    path.write_bytes(bytes(data))
    planfile.check_header(path)  # the header is fine: only reading the pages finds the damage
    assert_rejected(opener, path, "damaged", "damaged")


# --- made by a newer version ----------------------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
def test_newer_file_format(place, good_plan, opener):
    path = write_plan(place, good_plan)
    newer = schema.SCHEMA_VERSION + 5
    with altered(path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    assert_rejected(opener, path, "newer", "newer version of cswb-desktop", f"file format {newer}",
                    f"up to format {schema.SCHEMA_VERSION}")


# --- things this program did not create -------------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
def test_added_trigger(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("CREATE TRIGGER partner_audit AFTER UPDATE ON partner BEGIN "
                     "UPDATE meta SET value = 'tampered' WHERE key = 'revision'; END")
    assert_rejected(opener, path, "foreign_objects", "trigger “partner_audit”", "did not create")


@pytest.mark.parametrize("opener", OPENERS)
def test_table_replaced_by_a_view_of_the_same_name(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE partner")
        conn.execute("CREATE VIEW partner AS SELECT id, created_at, modified_at, modified_by, "
                     "title AS organisation FROM plan")
    message = assert_rejected(opener, path, "foreign_objects", "view “partner”")
    assert "did not create" in message


@pytest.mark.parametrize("opener", OPENERS)
def test_extra_table(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("CREATE TABLE collected (value TEXT)")
        conn.execute("INSERT INTO collected VALUES ('x')")
    assert_rejected(opener, path, "foreign_objects", "table “collected”")


@pytest.mark.parametrize("opener", OPENERS)
def test_extra_index(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("CREATE INDEX partner_by_email ON partner(email)")
    assert_rejected(opener, path, "foreign_objects", "index “partner_by_email”")


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("statement, name", [
    ("CREATE VIRTUAL TABLE search USING fts5(text)", "search"),
    ("CREATE VIRTUAL TABLE zones USING rtree(id, min_x, max_x)", "zones"),
], ids=["fts5", "rtree"])
def test_virtual_table(place, good_plan, opener, statement, name):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute(statement)
    assert_rejected(opener, path, "foreign_objects", f"virtual table “{name}”")


@pytest.mark.parametrize("opener", OPENERS)
def test_broken_reference(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("INSERT INTO strategy (id, created_at, modified_at, modified_by, title, "
                     "lead_partner_id) VALUES ('4f1c1e0a-0000-4000-8000-000000000001', "
                     "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'someone', 'Orphan', "
                     "'no-such-partner')")
    assert_rejected(opener, path, "broken_references", "1 broken reference", "strategy")


@pytest.mark.parametrize("opener", OPENERS)
def test_missing_table(place, good_plan, opener):
    path = write_plan(place, good_plan)
    with altered(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE progress_update")
    assert_rejected(opener, path, "incomplete", "missing parts", "progress_update")


# --- paths that are not files --------------------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
def test_a_folder(place, opener):
    path = place / "Minutes of the committee.cswb"
    path.mkdir()
    assert_rejected(opener, path, "not_sqlite", "is a folder")
    assert path.is_dir() and list(path.iterdir()) == []


@pytest.mark.parametrize("opener", OPENERS)
def test_missing_file(place, opener):
    path = place / "gone.cswb"
    assert_rejected(opener, path, "missing", "could not be found")
    assert not path.exists()


@pytest.mark.parametrize("opener", OPENERS)
def test_unreadable_file(place, good_plan, opener):
    path = write_plan(place, good_plan)
    path.chmod(0o000)
    try:
        if can_read(path):
            pytest.skip("this account (root) reads files whatever their permissions; "
                        "test_unreadable_file_simulated covers the message")
        mtime = path.stat().st_mtime_ns
        assert_rejected(opener, path, "unreadable", "no permission")
        assert path.stat().st_mtime_ns == mtime
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == good_plan


@pytest.mark.parametrize("opener", OPENERS)
def test_unreadable_file_simulated(place, good_plan, opener, monkeypatch):
    """What the system answers when this account may not read the file."""
    path = write_plan(place, good_plan)
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(planfile, "open", refusing_open, raising=False)  # the module's own `open`
    assert_rejected(opener, path, "unreadable", "no permission")


# --- a file another program was writing when it was interrupted -----------------------------------

def interrupted_write(place: Path, good_plan: bytes) -> Path:
    """A plan whose last write by another SQLite program never finished: part of the change is in
    the file, and the rollback journal that undoes it lies beside it (a "hot" journal)."""
    work = place.parent / "writer"
    work.mkdir()
    source = work / "plan.cswb"
    source.write_bytes(good_plan)
    with altered(source) as conn:
        conn.execute("BEGIN")
        for n in range(300):
            conn.execute("INSERT INTO participant (id, created_at, modified_at, modified_by, "
                         "sector_or_group, organisation) VALUES (?, '2024-01-01T00:00:00Z', "
                         "'2024-01-01T00:00:00Z', 'someone', 'Youth', ?)",
                         (f"00000000-0000-4000-8000-{n:012d}", "x" * 400))
        conn.execute("COMMIT")
    good_plan = source.read_bytes()
    conn = sqlite3.connect(str(source), isolation_level=None)
    conn.execute("PRAGMA cache_size = 2")  # force the change out to the file before the commit
    conn.execute("BEGIN")
    conn.execute("UPDATE participant SET organisation = upper(organisation)")
    path = place / "interrupted.cswb"
    shutil.copyfile(source, path)
    shutil.copyfile(str(source) + "-journal", str(path) + "-journal")
    conn.execute("ROLLBACK")
    conn.close()
    shutil.rmtree(work)
    assert path.read_bytes() != good_plan  # part of the change did reach the file...
    scratch = place.parent / "alone.cswb"
    shutil.copyfile(path, scratch)
    alone = sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)
    try:  # ...so that the file alone, without its journal, shows a change that never happened
        upper = alone.execute("SELECT COUNT(*) FROM participant WHERE organisation = ?",
                              ("X" * 400,)).fetchone()[0]
    except sqlite3.DatabaseError:
        upper = -1  # or the file alone is plainly damaged
    finally:
        alone.close()
        scratch.unlink()
    assert upper != 0
    return path


@pytest.mark.parametrize("opener", ["open_plan", "reading"])
def test_hot_journal_is_rolled_back_in_the_private_copy(place, good_plan, opener):
    path = interrupted_write(place, good_plan)
    journal = Path(str(path) + "-journal")
    before, journal_before = snapshot(path), snapshot(journal)

    def check(plan):
        rows = plan.participants.list()
        assert len(rows) == 300
        assert {r.organisation for r in rows} == {"x" * 400}  # the last committed state
        assert plan.partners.count() == 2
        assert plan.conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]

    if opener == "open_plan":
        session = planfile.open_plan(path)
        try:
            assert not session.read_only
            check(session.plan)
            assert sorted(os.listdir(session.workdir)) == sorted([planfile.LOCK_NAME, planfile.SESSION_NAME,
                                                                  planfile.WORKING_NAME])
        finally:
            session.close()
    else:
        with planfile.reading(path) as plan:
            check(plan)
    # The user's file and its journal are exactly as they were; nothing else appeared.
    assert snapshot(path) == before and snapshot(journal) == journal_before
    assert sorted(os.listdir(place)) == [path.name, journal.name]
    assert list(paths.working_dir().iterdir()) == []


@pytest.mark.parametrize("opener", OPENERS)
def test_stale_empty_journal_beside_a_good_plan_is_ignored(place, good_plan, opener):
    path = write_plan(place, good_plan)
    journal = Path(str(path) + "-journal")
    journal.write_bytes(b"")
    opener_name = opener.__name__
    if opener_name == "open_with_plan":
        session = planfile.open_plan(path)
        assert session.plan.partners.count() == 2
        session.close()
    else:
        with planfile.reading(path) as plan:
            assert plan.partners.count() == 2
    assert path.read_bytes() == good_plan and journal.read_bytes() == b""
    assert list(paths.working_dir().iterdir()) == []
