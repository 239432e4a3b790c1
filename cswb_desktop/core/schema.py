"""The plan file's tables, their migrations, and the allow-list of schema objects.

A migration is a list of SQL statements kept here as literal text. The text must never change once
released: the allow-list that decides whether a file is one of ours is built by running the
migrations in memory and reading back what SQLite stored, so a file made by any earlier release
matches the list for its own `user_version`.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from functools import cache

APPLICATION_ID = 0x43535742  # "CSWB" in the 32-bit big-endian field at offset 68 of the header

# Columns every record carries. Ids are UUIDs, never reused; times are UTC ISO-8601.
RECORD_COLUMNS = ("id", "created_at", "modified_at", "modified_by")

MIGRATION_1: tuple[str, ...] = (
    """CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT
)""",
    """CREATE TABLE plan (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    community TEXT NOT NULL DEFAULT '',
    community_type TEXT NOT NULL DEFAULT 'municipality',
    participating_communities TEXT NOT NULL DEFAULT '',
    coordinators TEXT NOT NULL DEFAULT '',
    champions TEXT NOT NULL DEFAULT '',
    vision TEXT NOT NULL DEFAULT '',
    period_start TEXT,
    period_end TEXT,
    adopted_on TEXT,
    adoption_reference TEXT NOT NULL DEFAULT '',
    published_on TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    logo BLOB,
    logo_type TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE partner (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    engagement_status TEXT NOT NULL DEFAULT 'identified',
    notes TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE committee_member (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    person TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    partner_id TEXT REFERENCES partner(id),
    role TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE member_category (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES committee_member(id),
    category INTEGER NOT NULL,
    UNIQUE (member_id, category)
)""",
    """CREATE TABLE category_status (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    category INTEGER NOT NULL UNIQUE,
    no_provider INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE team (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'implementation_team',
    name TEXT NOT NULL DEFAULT '',
    background TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    membership TEXT NOT NULL DEFAULT '',
    responsibilities TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE engagement_activity (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    held_on TEXT,
    method TEXT NOT NULL DEFAULT '',
    participants INTEGER,
    what_we_heard TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE activity_group (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    activity_id TEXT NOT NULL REFERENCES engagement_activity(id),
    group_code TEXT NOT NULL,
    UNIQUE (activity_id, group_code)
)""",
    """CREATE TABLE engagement_summary (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    outreach_types TEXT NOT NULL DEFAULT '',
    successes TEXT NOT NULL DEFAULT '',
    challenges TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '',
    lessons TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE participant (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    sector_or_group TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE asset (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'program',
    owner_partner_id TEXT REFERENCES partner(id),
    description TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE asset_area (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    asset_id TEXT NOT NULL REFERENCES asset(id),
    area TEXT NOT NULL,
    UNIQUE (asset_id, area)
)""",
    """CREATE TABLE risk_category (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    from_rtd INTEGER NOT NULL DEFAULT 0
)""",
    """CREATE TABLE risk (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    category_id TEXT REFERENCES risk_category(id),
    description TEXT NOT NULL DEFAULT '',
    problem_or_symptom TEXT NOT NULL DEFAULT '',
    raised_by TEXT NOT NULL DEFAULT '',
    evidence_and_seriousness TEXT NOT NULL DEFAULT '',
    if_nothing_done TEXT NOT NULL DEFAULT '',
    current_response TEXT NOT NULL DEFAULT '',
    combined_approach TEXT NOT NULL DEFAULT '',
    most_work_needed TEXT NOT NULL DEFAULT '',
    is_priority INTEGER NOT NULL DEFAULT 0,
    rank_override INTEGER,
    override_reason TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE risk_activity (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    risk_id TEXT NOT NULL REFERENCES risk(id),
    activity_id TEXT NOT NULL REFERENCES engagement_activity(id),
    UNIQUE (risk_id, activity_id)
)""",
    """CREATE TABLE risk_partner (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    risk_id TEXT NOT NULL REFERENCES risk(id),
    partner_id TEXT NOT NULL REFERENCES partner(id),
    UNIQUE (risk_id, partner_id)
)""",
    """CREATE TABLE evidence (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    risk_id TEXT NOT NULL REFERENCES risk(id),
    source TEXT NOT NULL DEFAULT '',
    indicator TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    year INTEGER,
    geography TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE criterion (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    weight REAL NOT NULL DEFAULT 1,
    labels TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0
)""",
    """CREATE TABLE risk_score (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    risk_id TEXT NOT NULL REFERENCES risk(id),
    criterion_id TEXT NOT NULL REFERENCES criterion(id),
    score INTEGER,
    rationale TEXT NOT NULL DEFAULT '',
    UNIQUE (risk_id, criterion_id)
)""",
    """CREATE TABLE strategy (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    number INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    area TEXT NOT NULL DEFAULT 'prevention',
    kind TEXT NOT NULL DEFAULT 'new',
    lead_partner_id TEXT REFERENCES partner(id),
    status TEXT NOT NULL DEFAULT 'planned',
    start_on TEXT,
    end_on TEXT,
    resources TEXT NOT NULL DEFAULT '',
    budget REAL,
    evidence_base TEXT NOT NULL DEFAULT '',
    asset_id TEXT REFERENCES asset(id)
)""",
    """CREATE TABLE strategy_risk (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    risk_id TEXT NOT NULL REFERENCES risk(id),
    UNIQUE (strategy_id, risk_id)
)""",
    """CREATE TABLE strategy_partner (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    partner_id TEXT NOT NULL REFERENCES partner(id),
    UNIQUE (strategy_id, partner_id)
)""",
    """CREATE TABLE logic_model_item (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    kind TEXT NOT NULL DEFAULT 'activity',
    text TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
)""",
    """CREATE TABLE outcome (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    level TEXT NOT NULL DEFAULT 'immediate',
    text TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
)""",
    """CREATE TABLE indicator (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    outcome_id TEXT NOT NULL REFERENCES outcome(id),
    name TEXT NOT NULL DEFAULT '',
    measure_type TEXT NOT NULL DEFAULT 'quantitative',
    unit TEXT NOT NULL DEFAULT '',
    baseline_value REAL,
    baseline_text TEXT NOT NULL DEFAULT '',
    baseline_on TEXT,
    target_value REAL,
    target_text TEXT NOT NULL DEFAULT '',
    target_on TEXT,
    direction TEXT NOT NULL DEFAULT 'increase',
    data_source TEXT NOT NULL DEFAULT '',
    collection_method TEXT NOT NULL DEFAULT '',
    frequency TEXT NOT NULL DEFAULT '',
    responsible_partner_id TEXT REFERENCES partner(id)
)""",
    """CREATE TABLE measurement (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    indicator_id TEXT NOT NULL REFERENCES indicator(id),
    measured_on TEXT NOT NULL DEFAULT '',
    value REAL,
    text_value TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE action (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    title TEXT NOT NULL DEFAULT '',
    owner_partner_id TEXT REFERENCES partner(id),
    is_milestone INTEGER NOT NULL DEFAULT 0,
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'not_started',
    done_on TEXT,
    note TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE progress_update (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    strategy_id TEXT NOT NULL REFERENCES strategy(id),
    reported_on TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'on_track',
    note TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE tombstone (
    id TEXT PRIMARY KEY NOT NULL,
    table_name TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    deleted_by TEXT NOT NULL
)""",
    """CREATE TABLE history (
    id TEXT PRIMARY KEY NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    data TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
)""",
    "CREATE INDEX idx_member_category_member ON member_category(member_id)",
    "CREATE INDEX idx_committee_member_partner ON committee_member(partner_id)",
    "CREATE INDEX idx_activity_group_activity ON activity_group(activity_id)",
    "CREATE INDEX idx_asset_owner ON asset(owner_partner_id)",
    "CREATE INDEX idx_asset_area_asset ON asset_area(asset_id)",
    "CREATE INDEX idx_risk_category ON risk(category_id)",
    "CREATE INDEX idx_risk_activity_activity ON risk_activity(activity_id)",
    "CREATE INDEX idx_risk_partner_partner ON risk_partner(partner_id)",
    "CREATE INDEX idx_evidence_risk ON evidence(risk_id)",
    "CREATE INDEX idx_risk_score_criterion ON risk_score(criterion_id)",
    "CREATE INDEX idx_strategy_lead ON strategy(lead_partner_id)",
    "CREATE INDEX idx_strategy_asset ON strategy(asset_id)",
    "CREATE INDEX idx_strategy_risk_risk ON strategy_risk(risk_id)",
    "CREATE INDEX idx_strategy_partner_partner ON strategy_partner(partner_id)",
    "CREATE INDEX idx_logic_model_item_strategy ON logic_model_item(strategy_id)",
    "CREATE INDEX idx_outcome_strategy ON outcome(strategy_id)",
    "CREATE INDEX idx_indicator_outcome ON indicator(outcome_id)",
    "CREATE INDEX idx_indicator_partner ON indicator(responsible_partner_id)",
    "CREATE INDEX idx_measurement_indicator ON measurement(indicator_id, measured_on)",
    "CREATE INDEX idx_action_strategy ON action(strategy_id)",
    "CREATE INDEX idx_action_owner ON action(owner_partner_id)",
    "CREATE INDEX idx_action_due ON action(due_on)",
    "CREATE INDEX idx_progress_update_strategy ON progress_update(strategy_id)",
    "CREATE INDEX idx_history_record ON history(record_id)",
)

# Format 2: when each field of a record was last changed, and on which device, so that a merge can
# tell which copy changed a field (core/merge.py). A field without a row here still has the value
# it was created with, at the record's `created_at`.
MIGRATION_2: tuple[str, ...] = (
    """CREATE TABLE field_stamp (
    record_id TEXT NOT NULL,
    column_name TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    PRIMARY KEY (record_id, column_name)
) WITHOUT ROWID""",
)

# The ladder: MIGRATIONS[n] takes a file from user_version n-1 to n. Append, never edit.
MIGRATIONS: dict[int, tuple[str, ...]] = {1: MIGRATION_1, 2: MIGRATION_2}
SCHEMA_VERSION = max(MIGRATIONS)

# Tables holding plan records (every one has the RECORD_COLUMNS); the rest are bookkeeping.
BOOKKEEPING_TABLES = ("meta", "tombstone", "history", "field_stamp")
# Tables SQLite itself adds when another tool runs ANALYZE on a file: allowed only as exactly these
# tables, made by SQLite with exactly these columns. Anything else under these names (a trigger, a
# view, an index, a table of other columns) is as foreign as any other object.
STATISTICS_TABLE_COLUMNS: dict[str, str] = {
    "sqlite_stat1": "tbl,idx,stat",
    "sqlite_stat4": "tbl,idx,neq,nlt,ndlt,sample",
}

# The largest whole number any field of a plan may hold: what the screens' integers (32 bits) carry.
LARGEST_WHOLE_NUMBER = 2**31 - 1


def apply_migrations(conn: sqlite3.Connection, to_version: int = SCHEMA_VERSION) -> int:
    """Bring the database up to `to_version` in one transaction; returns the version it had."""
    start = conn.execute("PRAGMA user_version").fetchone()[0]
    if start >= to_version:
        return start
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(start + 1, to_version + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {int(to_version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return start


def normalise_sql(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


@dataclass(frozen=True)
class SchemaObject:
    type: str  # table, index, view, trigger
    name: str
    tbl_name: str
    sql: str  # normalised; "" for automatic indexes


def read_schema(conn: sqlite3.Connection) -> set[SchemaObject]:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
    return {SchemaObject(t, n, tb, normalise_sql(s)) for t, n, tb, s in rows}


@cache
def expected_schema(version: int) -> frozenset[SchemaObject]:
    """What a file of `version` holds when made by our own migrations: the allow-list."""
    if version not in MIGRATIONS:
        raise ValueError(f"no schema version {version}")
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        return frozenset(read_schema(conn))
    finally:
        conn.close()


@cache
def table_columns(table: str, version: int = SCHEMA_VERSION) -> tuple[str, ...]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        return tuple(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))
    finally:
        conn.close()


def record_tables(version: int = SCHEMA_VERSION) -> tuple[str, ...]:
    names = sorted(o.name for o in expected_schema(version) if o.type == "table")
    return tuple(n for n in names if n not in BOOKKEEPING_TABLES)


def statistics_tables() -> frozenset[SchemaObject]:
    """SQLite's own statistics tables exactly as ANALYZE makes them."""
    return frozenset(SchemaObject("table", name, name, f"CREATE TABLE {name}({columns})")
                     for name, columns in STATISTICS_TABLE_COLUMNS.items())


def compare_schema(conn: sqlite3.Connection, version: int) -> tuple[list[SchemaObject], list[SchemaObject]]:
    """(objects our migrations of `version` did not create, objects they create that are missing).

    Every row of sqlite_schema is compared whole (type, name, table and normalised SQL) against the
    allow-list; a name alone never lets anything through, and an object listed twice is foreign."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
    found = [SchemaObject(str(t), str(n), str(tb),
                          normalise_sql(s) if s is None or isinstance(s, str) else f"? {s!r}")
             for t, n, tb, s in rows]
    expected = expected_schema(version)
    allowed = expected | statistics_tables()
    seen: Counter[SchemaObject] = Counter()
    extra = []
    for obj in found:
        seen[obj] += 1
        if obj not in allowed or seen[obj] > 1:
            extra.append(obj)
    missing = [o for o in expected if o not in seen]
    key = lambda o: (o.type, o.name)  # noqa: E731
    return sorted(extra, key=key), sorted(missing, key=key)


@cache
def column_types(table: str, version: int = SCHEMA_VERSION) -> dict[str, str]:
    """Each column's declared type (TEXT, INTEGER, REAL, BLOB) as our migrations create it."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        return {r[1]: str(r[2]).upper() for r in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


@dataclass(frozen=True)
class BadValue:
    problem: str  # "binary", "too_large", "not_utf8"
    table: str
    column: str


def find_bad_value(conn: sqlite3.Connection, version: int) -> BadValue | None:
    """The first value in the file that no field of a plan can hold faithfully, or None.

    Rejected (rather than read as something else): binary data anywhere but the logo, a whole
    number beyond LARGEST_WHOLE_NUMBER in a whole-number field, and text that is not valid UTF-8
    (which cannot be read at all). Other mismatches, such as words in a number field, are read as
    the field's empty value by core/records.py. One pass over each table."""
    limit = LARGEST_WHOLE_NUMBER
    for table in sorted(o.name for o in expected_schema(version) if o.type == "table"):
        checks: list[tuple[str, str, str]] = []
        for column, declared in column_types(table, version).items():
            if declared != "BLOB":
                checks.append(("binary", column, f"MAX(typeof({column}) = 'blob')"))
            if declared == "INTEGER":
                checks.append(("too_large", column, f"MAX(typeof({column}) IN ('integer', 'real') "
                                                     f"AND ({column} > {limit} OR {column} < {-limit}))"))
            # Every text value of the column, one per line: a line break cannot be part of a
            # character, so the whole decodes as UTF-8 exactly when every value does.
            checks.append(("not_utf8", column,
                           f"group_concat(CASE WHEN typeof({column}) = 'text' THEN {column} END, char(10))"))
        sql = f"SELECT {', '.join(c for _, _, c in checks)} FROM {table}"
        saved = conn.text_factory
        conn.text_factory = bytes
        try:
            found = conn.execute(sql).fetchone()
        finally:
            conn.text_factory = saved
        for (problem, column, _), value in zip(checks, found):
            if problem == "not_utf8":
                if value is not None:
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        return BadValue(problem, table, column)
            elif value:
                return BadValue(problem, table, column)
    return None
