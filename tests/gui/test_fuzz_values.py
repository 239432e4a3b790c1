"""Valid SQLite values of the wrong kind, in every column of every record table, opened through the
window's own open path: each file is either refused with one sentence naming it, or opens and
every step page shows — never a crash, never an exception.

Values that no field can hold faithfully (binary data outside the logo, whole numbers beyond 32
bits in a whole-number field, text that is not UTF-8) get one file per column and must be refused.
The rest (negative, fractional, huge, infinite, "NaN", words, empty, NUL, syllabics, whatever the
column's type) are spread over the rows of one file per table, every column getting every kind
across the rows, and each such file is opened in the window and every step visited."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from cswb_desktop.core import planfile, sample, schema
from cswb_desktop.core.framework import STEP_CODES
from cswb_desktop.core.plan import REFERENCES
from cswb_desktop.gui.main_window import MainWindow

# what every kind of column may be given and still be a file the program opens (or refuses)
ODD_VALUES: dict[str, list] = {
    "TEXT": [-1, 2.5, 2**63 - 1, "", "a\x00b", "ᐊᓂᔑᓈᐯ " * 40, "2025-02-30", "NaN"],
    "INTEGER": [-1, -(2**31 - 1), 2**31 - 1, 0, 2.5, "NaN", "abc", ""],
    "REAL": [-1e300, 1e300, float("inf"), float("-inf"), "NaN", "abc", 2**63 - 1, -1],
    "BLOB": [b"\x00\xff", b"\x89PNG\r\n\x1a\n\x00", b"<svg", "abc", 12, 2.5, float("inf"), b""],
}
INVALID_UTF8 = b"Meet\xc3 \xff"
REFERENCE_COLUMNS = {(r.child, r.column) for r in REFERENCES} | {
    (t, "id") for t in schema.record_tables()}


@pytest.fixture(scope="module")
def demo_bytes(tmp_path_factory) -> bytes:
    home = tmp_path_factory.mktemp("maker-home")
    saved = os.environ.get("CSWB_DESKTOP_HOME")
    os.environ["CSWB_DESKTOP_HOME"] = str(home)
    try:
        path = tmp_path_factory.mktemp("maker") / "demo.cswb"
        planfile.create_plan_file(path, community="Cedar River", fill=sample.build_demo)
        return path.read_bytes()
    finally:
        if saved is None:
            os.environ.pop("CSWB_DESKTOP_HOME", None)
        else:
            os.environ["CSWB_DESKTOP_HOME"] = saved


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.errors = []
    w.show_error = lambda title, text: w.errors.append(text)
    w.show_info = lambda title, text: None
    w.ask_unsaved = lambda: "discard"
    w.ask_recover = lambda item: "discard"
    w.show()
    yield w
    if w.session is not None:
        w.session.close(discard=True)


def one_sentence(message: str) -> bool:
    return (message.endswith(".") and "\n" not in message and len(message) < 500
            and message.count(".") == message.count(".cswb") + 1)


def make_file(folder: Path, demo: bytes, name: str, change) -> Path:
    path = folder / name
    path.write_bytes(demo)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        change(conn)
    finally:
        conn.close()
    return path


def row_ids(conn: sqlite3.Connection, table: str) -> list[int]:
    return [r[0] for r in conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]


def set_value(conn: sqlite3.Connection, table: str, rowid: int, column: str, value) -> bool:
    try:
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (value, rowid))
        return True
    except sqlite3.IntegrityError:  # a unique pair or a NOT NULL: that row keeps its value
        return False


def open_and_visit(qtbot, window: MainWindow, path: Path) -> str:
    """Open through the window; returns "refused" or "shown", having checked either outcome."""
    window.errors.clear()
    with qtbot.captureExceptions() as exceptions:
        opened = window.open_path(str(path))
        if opened:
            assert window.session is not None and window.pages.currentWidget() is window.view
            for code in STEP_CODES:
                window.view.show_step(code)
                QApplication.processEvents()
                page = window.view.pages[code]
                assert window.view.stack.currentWidget() is page and page.isVisible(), (path.name, code)
            window.close_plan()
            assert window.session is None
    assert not exceptions, (path.name, [str(e[1]) for e in exceptions])
    if opened:
        assert window.errors == [], (path.name, window.errors)
        return "shown"
    assert len(window.errors) == 1, (path.name, window.errors)
    message = window.errors[0]
    assert path.name in message and one_sentence(message), message
    assert "went wrong" not in message and "sqlite3" not in message
    assert window.session is None and window.pages.currentWidget() is window.start_page
    return "refused"


# --- values no field can hold: refused, one file per column ----------------------------------------

def refused_cases():
    for table in schema.record_tables():
        for column, declared in schema.column_types(table).items():
            if declared != "BLOB":
                yield table, column, "binary", b"\x00\xffbinary"
            if declared == "INTEGER":
                yield table, column, "huge", 2**63 - 1
            yield table, column, "not_utf8", INVALID_UTF8


def test_values_no_field_can_hold_are_refused_with_a_sentence(qtbot, window, demo_bytes, tmp_path):
    checked = 0
    for table, column, kind, value in refused_cases():
        def change(conn, table=table, column=column, kind=kind, value=value):
            rowid = row_ids(conn, table)[0]
            if kind == "not_utf8":
                conn.execute(f"UPDATE {table} SET {column} = CAST(? AS TEXT) WHERE rowid = ?", (value, rowid))
            else:
                assert set_value(conn, table, rowid, column, value)
        path = make_file(tmp_path, demo_bytes, f"{table}-{column}-{kind}.cswb", change)
        assert open_and_visit(qtbot, window, path) == "refused", (table, column, kind)
        path.unlink()
        checked += 1
    assert checked > 400


# --- values of the wrong kind that a plan can still be read with: shown, one file per table ---------

def odd_files(table: str, rows: int) -> int:
    """Files enough for every column to get every odd value across the table's rows."""
    kinds = len(ODD_VALUES["TEXT"])
    return -(-kinds // max(rows, 1))


@pytest.mark.parametrize("table", schema.record_tables())
def test_odd_values_in_every_column_never_crash_a_step(qtbot, window, demo_bytes, tmp_path, table):
    columns = [(c, t) for c, t in schema.column_types(table).items() if (table, c) not in REFERENCE_COLUMNS]
    outcomes = []
    rows = len(row_ids_of(demo_bytes, table, tmp_path))
    assert rows > 0, f"the demo plan has no {table} to spoil"
    for f in range(odd_files(table, rows)):
        def change(conn, f=f):
            for r, rowid in enumerate(row_ids(conn, table)):
                for c, (column, declared) in enumerate(columns):
                    kinds = ODD_VALUES[declared]
                    set_value(conn, table, rowid, column, kinds[(f * rows + r + c) % len(kinds)])
        path = make_file(tmp_path, demo_bytes, f"{table}-odd-{f}.cswb", change)
        outcomes.append(open_and_visit(qtbot, window, path))
        path.unlink()
    # ids and references of another kind: one row's, in one more file
    def change_ids(conn):
        rowid = row_ids(conn, table)[0]
        for column, _ in schema.column_types(table).items():
            if (table, column) in REFERENCE_COLUMNS:
                set_value(conn, table, rowid, column, 12345 if column == "id" else 2.5)
    path = make_file(tmp_path, demo_bytes, f"{table}-ids.cswb", change_ids)
    open_and_visit(qtbot, window, path)
    # wrong kinds of values must not stop a plan from opening: only a broken reference may
    assert "shown" in outcomes, (table, outcomes)


def row_ids_of(demo: bytes, table: str, folder: Path) -> list[int]:
    path = folder / "count.cswb"
    path.write_bytes(demo)
    conn = sqlite3.connect(str(path))
    try:
        return row_ids(conn, table)
    finally:
        conn.close()
        path.unlink()


# --- the two crashes of the issue, past the opening check: the plan API still coerces ----------------

@pytest.mark.parametrize("change, step", [
    ("UPDATE asset_area SET area = x'00ff10' WHERE rowid = (SELECT MIN(rowid) FROM asset_area)", "assets"),
    ("UPDATE strategy SET number = 9223372036854775807", "measurement"),
    ("UPDATE member_category SET category = x'07' WHERE rowid = (SELECT MIN(rowid) FROM member_category)", "committee"),
], ids=["blob-asset-area", "huge-strategy-number", "blob-member-category"])
def test_values_past_the_check_are_coerced_by_the_plan_api(qtbot, window, demo_bytes, tmp_path,
                                                            monkeypatch, change, step):
    # as if a value had come in some other way than through the opening check (a recovered copy)
    monkeypatch.setattr(schema, "find_bad_value", lambda conn, version: None)
    path = make_file(tmp_path, demo_bytes, "past-the-check.cswb", lambda conn: conn.execute(change))
    assert window.open_path(str(path))
    plan = window.session.plan
    assert all(isinstance(area, str) for _, area in plan.asset_areas.pairs())
    assert all(isinstance(c, int) for _, c in plan.member_categories.pairs())
    assert all(-(2**31) < s.number < 2**31 for s in plan.strategies.list())
    assert plan.next_strategy_number() <= schema.LARGEST_WHOLE_NUMBER
    with qtbot.captureExceptions() as exceptions:
        window.view.show_step(step)
        QApplication.processEvents()
    assert not exceptions
    assert window.view.stack.currentWidget() is window.view.pages[step]
