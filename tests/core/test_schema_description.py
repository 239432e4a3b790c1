"""One description of the schema, checked: the tables are described in five places, and this test
fails as soon as any two disagree.

1. the DDL (core/schema.py, frozen migration SQL; read back from SQLite, not parsed by hand);
2. the record dataclasses (core/records.py) behind each table of core/plan.Plan;
3. the constants of core/plan.py: REFERENCES, ENUMS and the date columns;
4. merge.BOOL_COLUMNS (core/merge.py);
5. the table in README.md, section "The plan file format".

Adding a table or a column means touching all five; the messages below say which one is behind.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from cswb_desktop.core import merge, plan as plan_module, schema
from cswb_desktop.core.plan import ENUMS, REFERENCES, LinkTable, Table
from cswb_desktop.core.records import field_types
from cswb_desktop.core.sample import new_demo_plan_in_memory

README = Path(__file__).resolve().parents[2] / "README.md"
DATE_COLUMNS = plan_module._DATE_COLUMNS
DATE_NAMES = plan_module._FIELD_NAMES


# --- 1. the DDL, as SQLite stored it ------------------------------------------------------------

def _ddl() -> dict[str, dict]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema.apply_migrations(conn)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]
        found = {}
        for table in tables:
            columns = {}
            for _cid, name, type_, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})"):
                columns[name] = {"type": type_.upper(), "not_null": bool(notnull or pk), "default": default}
            keys = {(r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")}
            found[table] = {"columns": columns, "foreign_keys": keys}
        return found
    finally:
        conn.close()


DDL = _ddl()
RECORD_TABLES = set(schema.record_tables())


def _default(text: str | None):
    """A DDL default as the Python value it stands for ('x' → 'x', 0 → 0, 1 → 1)."""
    if text is None:
        return None
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return float(text) if "." in text else int(text)


# --- 2. the dataclasses behind the plan's tables -----------------------------------------------

@pytest.fixture(scope="module")
def plan_tables():
    plan = new_demo_plan_in_memory()
    tables = {t.name: t for t in vars(plan).values() if isinstance(t, Table)}
    links = {t.name: t for t in vars(plan).values() if isinstance(t, LinkTable)}
    return tables, links


# --- 5. the README's table ----------------------------------------------------------------------

def _readme_rows() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The plan file format", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or len(cells) < 2:
            continue
        for name in re.findall(r"`([a-z_]+)`", cells[0]):
            rows[name] = rows.get(name, "") + " " + " | ".join(cells[1:])
    return rows


def _mentioned(row: str) -> set[str]:
    """Every `word` in backticks of a README row."""
    return set(re.findall(r"`([^`]+)`", row))


SQL_TYPES = {str: ("TEXT",), str | None: ("TEXT",), int: ("INTEGER",), int | None: ("INTEGER",),
             bool: ("INTEGER",), float: ("REAL",), float | None: ("REAL",), bytes | None: ("BLOB",),
             tuple[str, ...]: ("TEXT",)}
NULLABLE = {str | None, int | None, float | None, bytes | None}


def test_every_record_table_has_a_dataclass_or_is_a_link(plan_tables):
    tables, links = plan_tables
    assert set(tables) | set(links) == RECORD_TABLES, \
        "core/plan.Plan has a Table or LinkTable for exactly the record tables of the DDL"
    assert not set(tables) & set(links)
    bookkeeping = set(DDL) - RECORD_TABLES
    assert bookkeeping == set(schema.BOOKKEEPING_TABLES)
    for table in RECORD_TABLES:
        assert tuple(DDL[table]["columns"])[:4] == schema.RECORD_COLUMNS, table


def test_dataclass_fields_match_the_columns(plan_tables):
    tables, _links = plan_tables
    for name, table in tables.items():
        columns = DDL[name]["columns"]
        hints = field_types(table.record_type)
        assert list(hints) == list(columns), \
            f"{table.record_type.__name__} (core/records.py) lists the columns of {name} in the DDL's order"
        defaults = {f.name: f.default for f in fields(table.record_type)}
        for column, info in columns.items():
            hint = hints[column]
            assert info["type"] in SQL_TYPES[hint], f"{name}.{column}: {info['type']} stored, {hint} in records.py"
            if column in schema.RECORD_COLUMNS:
                continue
            assert (hint in NULLABLE) == (not info["not_null"]), \
                f"{name}.{column}: nullable in the DDL exactly when optional in records.py"
            ddl_default = _default(info["default"])
            if ddl_default is None:
                continue
            default = defaults[column]
            assert default is not MISSING, f"{name}.{column} has a DDL default, so its field has one too"
            if hint == tuple[str, ...]:
                assert ddl_default == "[]" and default == ()
            else:
                assert default == ddl_default and type(default) is hint, \
                    f"{name}.{column}: default {ddl_default!r} in the DDL, {default!r} in records.py"


def test_link_tables_are_two_ends_and_an_id(plan_tables):
    _tables, links = plan_tables
    for name, link in links.items():
        assert tuple(DDL[name]["columns"]) == schema.RECORD_COLUMNS + (link.owner_column, link.target_column)
        assert merge.LINKS[name][:2] == (link.owner_column, link.target_column)
    assert set(merge.LINKS) == set(links)


def test_references_are_the_foreign_keys():
    declared = {(r.child, r.column, r.parent) for r in REFERENCES}
    in_ddl = {(table, column, parent) for table, info in DDL.items()
              for column, parent, to in info["foreign_keys"] if to == "id"}
    assert all(to == "id" for info in DDL.values() for _c, _p, to in info["foreign_keys"])
    assert declared == in_ddl, "core/plan.REFERENCES lists exactly the DDL's FOREIGN KEYs"
    assert len(REFERENCES) == len(declared)
    for ref in REFERENCES:
        required = DDL[ref.child]["columns"][ref.column]["not_null"]
        # a record that belongs to its parent cannot lack one; one that merely points may forget it
        assert (ref.rule == "cascade") == required, f"{ref.child}.{ref.column}: {ref.rule}"
        assert ref.rule in ("cascade", "restrict", "set_null")


def test_enums_agree_with_the_columns_and_their_defaults(plan_tables):
    tables, _links = plan_tables
    for (table, column), allowed in ENUMS.items():
        values = tuple(allowed)
        info = DDL[table]["columns"][column]
        kinds = {type(v) for v in values}
        assert kinds in ({str}, {int}), f"{table}.{column}"
        assert info["type"] == ("TEXT" if kinds == {str} else "INTEGER"), f"{table}.{column}"
        if info["default"] is not None:
            assert _default(info["default"]) in values, f"{table}.{column}: the DDL default is a choice"
        if table in tables:
            default = {f.name: f.default for f in fields(tables[table].record_type)}[column]
            if default is not MISSING and info["default"] is not None:
                assert default in values, f"{table}.{column}: the dataclass default is a choice"
    # and the other way round: a text column whose default is a code word is a choice in ENUMS
    for table, info in DDL.items():
        for column, col in info["columns"].items():
            default = _default(col["default"])
            if col["type"] == "TEXT" and isinstance(default, str) and re.fullmatch(r"[a-z_]+", default):
                assert (table, column) in ENUMS, f"{table}.{column} (default {default!r}) is missing from ENUMS"


def test_date_columns_are_text_dates_with_a_name():
    names_in_ddl = {column for info in DDL.values() for column in info["columns"]}
    assert DATE_COLUMNS <= names_in_ddl
    assert set(DATE_NAMES) == DATE_COLUMNS, "every date column has a name for the sentence that refuses it"
    for table, info in DDL.items():
        for column, col in info["columns"].items():
            looks_like_a_date = column.endswith("_on") or column in ("period_start", "period_end")
            assert looks_like_a_date == (column in DATE_COLUMNS), f"{table}.{column}"
            if column in DATE_COLUMNS:
                assert col["type"] == "TEXT", f"{table}.{column}"


def test_bool_columns_are_the_yes_no_fields(plan_tables):
    tables, _links = plan_tables
    booleans = {(name, column) for name, table in tables.items()
                for column, hint in field_types(table.record_type).items() if hint is bool}
    assert {column for _t, column in booleans} == set(merge.BOOL_COLUMNS), \
        "merge.BOOL_COLUMNS lists exactly the bool fields of core/records.py"
    for table, info in DDL.items():
        for column, col in info["columns"].items():
            if column in merge.BOOL_COLUMNS:
                assert (table, column) in booleans, f"{table}.{column} shares a yes/no column's name"
                assert (col["type"], col["not_null"], col["default"]) == ("INTEGER", True, "0")


def test_the_readme_describes_every_table_and_column():
    rows = _readme_rows()
    assert set(rows) >= set(DDL), f"README.md has no row for {sorted(set(DDL) - set(rows))}"
    assert not set(rows) - set(DDL) - set(schema.RECORD_COLUMNS), \
        f"README.md describes tables that do not exist: {sorted(set(rows) - set(DDL))}"
    for table, info in DDL.items():
        mentioned = _mentioned(rows[table])
        words = {w for m in mentioned for w in re.split(r"[/ ]", m)}
        for column in info["columns"]:
            if table in RECORD_TABLES and column in schema.RECORD_COLUMNS:
                continue  # described once, above the table
            assert column in words, f"README.md: the row of `{table}` does not name `{column}`"


def test_the_readme_lists_every_choice():
    """Each choice column is followed in its row by its codes — "`kind` (`a`, `b`)" or
    "`kind`: `a`, `b`" — and those are exactly the codes in ENUMS."""
    rows = _readme_rows()
    for (table, column), allowed in ENUMS.items():
        values = tuple(allowed)
        row = rows[table]
        if isinstance(values[0], int):
            assert f"{min(values)}–{max(values)}" in row, f"README.md: `{table}` gives the range of `{column}`"
            continue
        listed = re.search(rf"`{column}`(?: \(|: )((?:`[^`]+`(?:, |/| or )?)+)", row)
        assert listed, f"README.md: the row of `{table}` does not list the codes of `{column}`"
        codes = re.findall(r"`([^`]+)`", listed.group(1))
        assert sorted(codes) == sorted(values), \
            f"README.md lists {codes} for `{table}.{column}`, core/plan.ENUMS has {list(values)}"


def test_the_readme_states_the_format_version():
    text = README.read_text(encoding="utf-8")
    assert f"is the file format version (currently {schema.SCHEMA_VERSION})" in text
    assert f"`0x{schema.APPLICATION_ID:08X}`" in text
