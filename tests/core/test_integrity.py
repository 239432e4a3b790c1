"""Damage and values that SQLite accepts but the program cannot read faithfully: a broken index that
quick_check passes, text that is not UTF-8, whole numbers too large for a field, binary data in a
text field. Each is refused on opening with one sentence naming the file (exit 3 on the command
line), never read as something else and never "something went wrong"."""

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
    lead = plan.partners.add(organisation="Cedar River Health Team", notes="Meets monthly")
    strategy = plan.strategies.add(title="Walk-in counselling", lead_partner_id=lead.id)
    plan.strategies.add(title="Safe walk home")
    for title in ("Book the room", "Train volunteers", "Open the doors"):
        plan.actions.add(strategy_id=strategy.id, title=title)


@pytest.fixture
def plan_file(tmp_path) -> Path:
    folder = tmp_path / "from a usb stick"
    folder.mkdir()
    path = folder / "received.cswb"
    planfile.create_plan_file(path, community="Cedar River", fill=fill)
    return path


@contextmanager
def altered(path: Path):
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        yield conn
    finally:
        conn.close()


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


def one_sentence(message: str) -> bool:
    return message.endswith(".") and message.count(".") == message.count(".cswb") + 1 and "\n" not in message


def assert_rejected(opener, path: Path, reason: str, *words: str) -> str:
    before = digest(path)
    with pytest.raises(planfile.FileRejected) as info:
        opener(path)
    message = str(info.value)
    assert info.value.reason == reason, message
    assert path.name in message and one_sentence(message), message
    for word in words:
        assert word in message, (word, message)
    assert "sqlite3" not in message and "Traceback" not in message
    assert digest(path) == before and os.listdir(path.parent) == [path.name]
    assert list(paths.working_dir().iterdir()) == []
    return message


def assert_cli_rejects(path: Path, capsys, *words: str) -> None:
    for command in (["info", str(path)], ["check", str(path)]):
        assert cli.main(command) == cli.EXIT_REJECTED, command
        err = capsys.readouterr().err.strip()
        assert err.startswith("cswb: ") and path.name in err, err
        assert "went wrong" not in err and one_sentence(err[len("cswb: "):]), err
        for word in words:
            assert word in err, (word, err)


# --- a broken index ------------------------------------------------------------------------------

def break_action_index(path: Path) -> str:
    """Rewrite the strategy id inside every entry of idx_action_strategy (and nothing else): the
    page stays well formed, so quick_check passes, but the index no longer matches the table."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'idx_action_strategy'").fetchone()[0]
    strategy_id = conn.execute("SELECT strategy_id FROM action LIMIT 1").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (page - 1) * page_size
    assert data[start] == 0x0A  # a leaf page of an index: the whole index fits in it
    original = strategy_id.encode()
    forged = original[:-1] + (b"0" if original[-1:] != b"0" else b"1")
    body = bytes(data[start:start + page_size])
    assert body.count(original) == 3
    data[start:start + page_size] = body.replace(original, forged)
    path.write_bytes(bytes(data))
    return strategy_id


def test_a_broken_index_passes_quick_check_but_hides_rows(plan_file):
    strategy_id = break_action_index(plan_file)
    conn = sqlite3.connect(f"file:{plan_file}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
        # what the damage does to a reader: the strategy seems to have no actions
        assert conn.execute("SELECT COUNT(*) FROM action WHERE strategy_id = ?", (strategy_id,)).fetchone() == (0,)
    finally:
        conn.close()


@pytest.mark.parametrize("opener", OPENERS)
def test_a_broken_index_is_refused_as_damaged(plan_file, opener):
    break_action_index(plan_file)
    assert_rejected(opener, plan_file, "damaged", "damaged", "backups")


def test_a_broken_index_is_refused_by_the_command_line(plan_file, capsys):
    break_action_index(plan_file)
    assert_cli_rejects(plan_file, capsys, "damaged")


# --- text that is not UTF-8 ------------------------------------------------------------------------

INVALID_UTF8 = [
    pytest.param("x'4d656574c3'", id="cut-short"),
    pytest.param("x'ff fe 41'".replace(" ", ""), id="not-utf8"),
    pytest.param("x'eda080'", id="encoded-surrogate"),
]


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("raw", INVALID_UTF8)
def test_invalid_utf8_in_a_record_is_refused(plan_file, opener, raw):
    with altered(plan_file) as conn:
        conn.execute(f"UPDATE partner SET notes = CAST({raw} AS TEXT)")
    assert_rejected(opener, plan_file, "unreadable_text", "UTF-8", "notes", "partner")


@pytest.mark.parametrize("table, column, where", [
    ("meta", "value", "key = 'revision'"),
    ("plan", "logo", "1"),  # the logo column takes any kind of value, text among them
    ("tombstone", "deleted_by", "1"),
])
def test_invalid_utf8_anywhere_in_the_file_is_refused(plan_file, table, column, where):
    with altered(plan_file) as conn:
        if table == "tombstone":
            conn.execute("INSERT INTO tombstone VALUES('gone', 'partner', '2025-01-01T00:00:00Z', 'x')")
        conn.execute(f"UPDATE {table} SET {column} = CAST(x'c328' AS TEXT) WHERE {where}")
    assert_rejected(open_with_plan, plan_file, "unreadable_text", column.replace("_", " "))


def test_invalid_utf8_is_refused_by_the_command_line(plan_file, capsys):
    with altered(plan_file) as conn:
        conn.execute("UPDATE plan SET vision = CAST(x'4d656574c3' AS TEXT)")
    assert_cli_rejects(plan_file, capsys, "UTF-8")


# --- whole numbers too large, binary data --------------------------------------------------------

@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 2**31, "1e300"], ids=["max", "min", "2^31", "real"])
def test_a_number_too_large_for_its_field_is_refused(plan_file, opener, value):
    with altered(plan_file) as conn:
        conn.execute(f"UPDATE strategy SET number = {value} WHERE title = 'Walk-in counselling'")
    assert_rejected(opener, plan_file, "bad_value", "too large", "number", "strategy")


def test_the_largest_number_a_field_may_hold_is_accepted(plan_file):
    with altered(plan_file) as conn:
        conn.execute(f"UPDATE strategy SET number = {schema.LARGEST_WHOLE_NUMBER} WHERE title = 'Safe walk home'")
    with planfile.reading(plan_file) as plan:
        numbers = sorted(s.number for s in plan.strategies.list())
    assert numbers[-1] == schema.LARGEST_WHOLE_NUMBER


def test_a_number_too_large_is_refused_by_the_command_line(plan_file, capsys):
    with altered(plan_file) as conn:
        conn.execute("UPDATE strategy SET number = 9223372036854775807")
    assert_cli_rejects(plan_file, capsys, "too large")


@pytest.mark.parametrize("opener", OPENERS)
def test_binary_data_in_a_text_field_is_refused(plan_file, opener):
    with altered(plan_file) as conn:
        conn.execute("UPDATE partner SET organisation = x'00ff10'")
    assert_rejected(opener, plan_file, "bad_value", "binary data", "organisation", "partner")


def test_a_logo_is_still_binary_data(plan_file):
    with altered(plan_file) as conn:
        conn.execute("UPDATE plan SET logo = x'89504e470d0a1a0a', logo_type = 'png'")
    with planfile.reading(plan_file) as plan:
        assert plan.profile().logo == bytes.fromhex("89504e470d0a1a0a")
