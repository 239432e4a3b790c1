"""The plan API: typed reads and writes of every record in an open plan.

All SQL of the program lives in core/. Each public write is one transaction that stamps
`modified_at`/`modified_by` (and, per changed field, a `field_stamp`), leaves a tombstone for every
deleted row, bumps the plan's revision and then tells the listeners what changed. The GUI and the
command line use nothing else.
"""

from __future__ import annotations

import datetime as _dt
import re
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import MISSING as _MISSING, dataclass, field
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

import sqlite_utils

from . import framework, schema
from .records import (
    Action, Asset, CategoryStatus, CommitteeMember, Criterion, EngagementActivity,
    EngagementSummary, Evidence, Indicator, LogicModelItem, Measurement, Outcome, Participant,
    Partner, PlanProfile, ProgressUpdate, Record, Risk, RiskCategory, RiskScore, Strategy, Team,
    field_types, read_value, record_from_row, value_to_column,
)

# A fixed namespace so that ids derived from content (links, seeded reference rows) are the same
# in every copy of every plan: two partners who add the same link add the same record.
ID_NAMESPACE = uuid.UUID("6a0f3c52-8d1e-4b7a-9c55-43535742a001")

R = TypeVar("R", bound=Record)


class PlanError(Exception):
    """A change the plan cannot take; the message is a sentence for the user."""


class NotFound(PlanError):
    pass


class InvalidValue(PlanError):
    pass


class ReadOnlyPlan(PlanError):
    pass


class WriteFailed(PlanError):
    """The working copy's drive did not take a change (full, or failing): nothing of the change was
    made, and the message says so in one sentence with the folder to free. `full` tells which."""

    def __init__(self, message: str, *, full: bool):
        super().__init__(message)
        self.full = full


@dataclass(frozen=True)
class Usage:
    table: str
    column: str
    record_id: str
    label: str


class InUse(PlanError):
    """A record other records still point at; `usages` says where, for the user to decide."""

    def __init__(self, message: str, usages: list[Usage]):
        super().__init__(message)
        self.usages = usages


def utc_now_text() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


# --- how tables point at each other -------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    child: str
    column: str
    parent: str
    rule: str  # "cascade": the child belongs to the parent; "restrict": refuse or reassign;
    #            "set_null": forget the pointer


REFERENCES: tuple[Reference, ...] = (
    Reference("member_category", "member_id", "committee_member", "cascade"),
    Reference("activity_group", "activity_id", "engagement_activity", "cascade"),
    Reference("asset_area", "asset_id", "asset", "cascade"),
    Reference("risk_activity", "risk_id", "risk", "cascade"),
    Reference("risk_activity", "activity_id", "engagement_activity", "cascade"),
    Reference("risk_partner", "risk_id", "risk", "cascade"),
    Reference("risk_partner", "partner_id", "partner", "cascade"),
    Reference("evidence", "risk_id", "risk", "cascade"),
    Reference("risk_score", "risk_id", "risk", "cascade"),
    Reference("risk_score", "criterion_id", "criterion", "cascade"),
    Reference("strategy_risk", "strategy_id", "strategy", "cascade"),
    Reference("strategy_risk", "risk_id", "risk", "cascade"),
    Reference("strategy_partner", "strategy_id", "strategy", "cascade"),
    Reference("strategy_partner", "partner_id", "partner", "cascade"),
    Reference("logic_model_item", "strategy_id", "strategy", "cascade"),
    Reference("outcome", "strategy_id", "strategy", "cascade"),
    Reference("indicator", "outcome_id", "outcome", "cascade"),
    Reference("measurement", "indicator_id", "indicator", "cascade"),
    Reference("action", "strategy_id", "strategy", "cascade"),
    Reference("progress_update", "strategy_id", "strategy", "cascade"),
    Reference("strategy", "lead_partner_id", "partner", "restrict"),
    Reference("indicator", "responsible_partner_id", "partner", "restrict"),
    Reference("action", "owner_partner_id", "partner", "restrict"),
    Reference("asset", "owner_partner_id", "partner", "restrict"),
    Reference("committee_member", "partner_id", "partner", "restrict"),
    Reference("risk", "category_id", "risk_category", "restrict"),
    Reference("strategy", "asset_id", "asset", "set_null"),
)

# The column that names a record to a person, per table.
LABEL_COLUMNS: dict[str, str] = {
    "plan": "title", "partner": "organisation", "committee_member": "person", "team": "name",
    "engagement_activity": "title", "participant": "organisation", "asset": "name",
    "risk_category": "name", "risk": "title", "evidence": "indicator", "criterion": "name",
    "strategy": "title", "logic_model_item": "text", "outcome": "text", "indicator": "name",
    "measurement": "measured_on", "action": "title", "progress_update": "reported_on",
    "category_status": "category", "engagement_summary": "id", "risk_score": "id",
}

# Plain names of what a restricting reference means, for the sentence that refuses a delete.
USAGE_PHRASES: dict[tuple[str, str], str] = {
    ("strategy", "lead_partner_id"): "leads {n} strateg{ies}",
    ("indicator", "responsible_partner_id"): "is responsible for {n} indicator{s}",
    ("action", "owner_partner_id"): "owns {n} action{s}",
    ("asset", "owner_partner_id"): "runs {n} communit{ies_y} asset{s}",
    ("committee_member", "partner_id"): "is the organisation of {n} committee member{s}",
    ("risk", "category_id"): "is the category of {n} risk{s}",
}

ENUMS: dict[tuple[str, str], Iterable[str]] = {
    ("plan", "community_type"): framework.COMMUNITY_TYPES,
    ("plan", "language"): framework.LANGUAGES,
    ("partner", "engagement_status"): framework.ENGAGEMENT_STATUSES,
    ("team", "kind"): framework.TEAM_KINDS,
    ("asset", "kind"): framework.ASSET_KINDS,
    ("asset_area", "area"): framework.AREA_CODES,
    ("activity_group", "group_code"): framework.CONSULTATION_GROUP_CODES,
    ("strategy", "area"): framework.AREA_CODES,
    ("strategy", "kind"): framework.STRATEGY_KINDS,
    ("strategy", "status"): framework.STRATEGY_STATUSES,
    ("logic_model_item", "kind"): framework.LOGIC_ITEM_KINDS,
    ("outcome", "level"): framework.OUTCOME_LEVELS,
    ("indicator", "measure_type"): framework.MEASURE_TYPES,
    ("indicator", "direction"): framework.DIRECTIONS,
    ("action", "status"): framework.ACTION_STATUSES,
    ("progress_update", "status"): framework.PROGRESS_STATUSES,
    ("member_category", "category"): framework.COMMITTEE_CATEGORY_NUMBERS,
    ("category_status", "category"): (3, 4, 5),
}

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_COLUMNS = {
    "period_start", "period_end", "adopted_on", "published_on", "held_on", "start_on", "end_on",
    "baseline_on", "target_on", "measured_on", "due_on", "done_on", "reported_on",
}
_FIELD_NAMES = {
    "adopted_on": "The adoption date", "published_on": "The publication date",
    "period_start": "The start of the period", "period_end": "The end of the period",
    "held_on": "The date", "start_on": "The start date", "end_on": "The end date",
    "baseline_on": "The baseline date", "target_on": "The target date",
    "measured_on": "The measurement date", "due_on": "The due date", "done_on": "The date done",
    "reported_on": "The report date",
}


def check_date(column: str, value: Any) -> None:
    if value in (None, ""):
        return
    text = str(value)
    ok = bool(_DATE_RE.match(text))
    if ok:
        try:
            _dt.date.fromisoformat(text)
        except ValueError:
            ok = False
    if not ok:
        what = _FIELD_NAMES.get(column, "A date")
        raise InvalidValue(f"{what} must be a real calendar date written like 2025-03-31, not “{text}”.")


@dataclass
class Change:
    """What one committed transaction touched; listeners refresh only what they show."""

    tables: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def note(self, table: str, record_id: str | None = None) -> None:
        self.tables.add(table)
        if record_id:
            self.ids.add(record_id)


@dataclass
class Removal:
    """Everything one delete took away, so that undo can put it back exactly."""

    deleted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # parent first
    updated: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # rows before change

    def __bool__(self) -> bool:
        return bool(self.deleted or self.updated)


class Plan:
    """An open plan: a connection to its working copy and the typed tables over it."""

    def __init__(self, conn: sqlite3.Connection, device_id: str, *, read_only: bool = False,
                 clock: Callable[[], str] = utc_now_text):
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.device_id = device_id
        self.read_only = read_only
        self._clock = clock
        self._last_stamp = ""
        self._depth = 0
        self._pending: Change | None = None
        self._listeners: list[Callable[[Change], None]] = []

        self.partners = Table(self, "partner", Partner, "organisation COLLATE NOCASE, id")
        self.committee_members = Table(self, "committee_member", CommitteeMember, "person COLLATE NOCASE, id")
        self.category_statuses = Table(self, "category_status", CategoryStatus, "category")
        self.teams = Table(self, "team", Team, "kind, name COLLATE NOCASE, id")
        self.activities = Table(self, "engagement_activity", EngagementActivity, "held_on, title COLLATE NOCASE, id")
        self.participants = Table(self, "participant", Participant, "sector_or_group COLLATE NOCASE, organisation COLLATE NOCASE, id")
        self.assets = Table(self, "asset", Asset, "name COLLATE NOCASE, id")
        self.risk_categories = Table(self, "risk_category", RiskCategory, "name COLLATE NOCASE, id")
        self.risks = Table(self, "risk", Risk, "title COLLATE NOCASE, id")
        self.evidence = Table(self, "evidence", Evidence, "risk_id, year, source COLLATE NOCASE, id")
        self.criteria = Table(self, "criterion", Criterion, "position, name COLLATE NOCASE, id")
        self.scores = Table(self, "risk_score", RiskScore, "risk_id, criterion_id")
        self.strategies = Table(self, "strategy", Strategy, "number, title COLLATE NOCASE, id")
        self.logic_items = Table(self, "logic_model_item", LogicModelItem, "strategy_id, kind, position, id")
        self.outcomes = Table(self, "outcome", Outcome, "strategy_id, position, id")
        self.indicators = Table(self, "indicator", Indicator, "outcome_id, name COLLATE NOCASE, id")
        self.measurements = Table(self, "measurement", Measurement, "indicator_id, measured_on, id")
        self.actions = Table(self, "action", Action, "due_on IS NULL, due_on, title COLLATE NOCASE, id")
        self.progress_updates = Table(self, "progress_update", ProgressUpdate, "strategy_id, reported_on, id")
        self._profile = Table(self, "plan", PlanProfile, "id")
        self._summary = Table(self, "engagement_summary", EngagementSummary, "id")
        self.profile_table = self._profile  # for undoable edits of the one plan row
        self.summary_table = self._summary  # the same for the engagement summary

        self.member_categories = LinkTable(self, "member_category", "member_id", "category")
        self.activity_groups = LinkTable(self, "activity_group", "activity_id", "group_code")
        self.asset_areas = LinkTable(self, "asset_area", "asset_id", "area")
        self.risk_activities = LinkTable(self, "risk_activity", "risk_id", "activity_id")
        self.risk_partners = LinkTable(self, "risk_partner", "risk_id", "partner_id")
        self.strategy_risks = LinkTable(self, "strategy_risk", "strategy_id", "risk_id")
        self.strategy_partners = LinkTable(self, "strategy_partner", "strategy_id", "partner_id")

    def replace_connection(self, conn: sqlite3.Connection) -> None:
        """Point this plan at another connection to the same data (the working copy moved on
        Save As); every table object, listener and undo step keeps working."""
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)

    # --- transactions and listeners -------------------------------------------------------------

    def add_listener(self, callback: Callable[[Change], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[Change], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    @contextmanager
    def transaction(self) -> Iterator[Change]:
        """One atomic unit; nested calls join the outer one. Listeners hear after the commit."""
        if self.read_only:
            raise ReadOnlyPlan("This plan is open read-only, so it cannot be changed: "
                               "use File › Save As to keep your own copy.")
        outermost = self._depth == 0
        if outermost:
            self._pending = Change()
        self._depth += 1
        try:
            with self.db.atomic():
                yield self._pending  # type: ignore[misc]
                if outermost and self._pending and self._pending.tables:
                    self._bump_revision()
        except sqlite3.IntegrityError as exc:
            raise PlanError(_integrity_sentence(exc)) from exc
        except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as exc:
            failed = _write_failure(exc, self.conn)
            if failed is None:
                raise
            raise failed from exc
        finally:
            self._depth -= 1
            change = self._pending if self._depth == 0 else None
            if self._depth == 0:
                self._pending = None
        if outermost and change is not None and change.tables:
            for listener in list(self._listeners):
                listener(change)

    def _note(self, table: str, record_id: str | None = None) -> None:
        assert self._pending is not None, "writes happen inside a transaction"
        self._pending.note(table, record_id)

    def stamp(self) -> str:
        """A modification time that never goes backwards within this session."""
        now = self._clock()
        if now <= self._last_stamp:
            last = _dt.datetime.fromisoformat(self._last_stamp.replace("Z", "+00:00"))
            now = (last + _dt.timedelta(microseconds=1)).isoformat(timespec="microseconds").replace("+00:00", "Z")
        self._last_stamp = now
        return now

    def _bump_revision(self) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES('revision', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
        )
        if self._last_stamp:  # the latest edit this device made here, for merges (core/merge.py)
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
                ("seen:" + self.device_id, self._last_stamp))

    @property
    def revision(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        try:
            return int(row[0]) if row else 0
        except (TypeError, ValueError):
            return 0

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            self._note("meta")

    # --- low-level rows (used by Table, LinkTable, undo and merge) -------------------------------

    def row(self, table: str, record_id: str) -> dict[str, Any] | None:
        cur = self.conn.execute(f"SELECT * FROM {_ident(table)} WHERE id = ?", (record_id,))
        found = cur.fetchone()
        if found is None:
            return None
        return dict(zip([d[0] for d in cur.description], found))

    def rows(self, table: str, order_by: str = "id", **equals: Any) -> list[dict[str, Any]]:
        where, params = _where(table, equals)
        return list(self.db.query(f"SELECT * FROM {_ident(table)}{where} ORDER BY {order_by}", params))

    def insert_row(self, table: str, values: dict[str, Any]) -> None:
        """Insert a complete row (an id and every column it sets), clearing any tombstone."""
        columns = [c for c in values if c in schema.table_columns(table)]
        self.conn.execute(
            f"INSERT INTO {_ident(table)} ({', '.join(_ident(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [values[c] for c in columns],
        )
        self.conn.execute("DELETE FROM tombstone WHERE id = ?", (values["id"],))
        self._note(table, values["id"])

    def update_row(self, table: str, record_id: str, values: dict[str, Any], *,
                   stamp_fields: bool = True) -> None:
        """Change columns of a row. With a `modified_at` among the values, every field whose value
        really changes gets that time (and `modified_by`) as its field stamp; the merge, which
        writes stamps of its own, passes `stamp_fields=False`."""
        columns = [c for c in values if c in schema.table_columns(table) and c != "id"]
        if not columns:
            return
        stamped: list[str] = []
        if stamp_fields and values.get("modified_at"):
            current = self.row(table, record_id) or {}
            stamped = [c for c in columns if c not in schema.RECORD_COLUMNS and current.get(c) != values[c]]
        self.conn.execute(
            f"UPDATE {_ident(table)} SET {', '.join(f'{_ident(c)} = ?' for c in columns)} WHERE id = ?",
            [values[c] for c in columns] + [record_id],
        )
        if stamped:
            by = values.get("modified_by") or self.device_id
            self.conn.executemany(
                "INSERT INTO field_stamp(record_id, column_name, modified_at, modified_by) "
                "VALUES(?, ?, ?, ?) ON CONFLICT(record_id, column_name) DO UPDATE SET "
                "modified_at = excluded.modified_at, modified_by = excluded.modified_by",
                [(record_id, c, values["modified_at"], by) for c in stamped])
        self._note(table, record_id)

    def delete_row(self, table: str, record_id: str, deleted_at: str | None = None,
                   deleted_by: str | None = None) -> None:
        self.conn.execute(f"DELETE FROM {_ident(table)} WHERE id = ?", (record_id,))
        self.conn.execute(
            "INSERT INTO tombstone(id, table_name, deleted_at, deleted_by) VALUES(?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET table_name = excluded.table_name, "
            "deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by",
            (record_id, table, deleted_at or self.stamp(), deleted_by or self.device_id),
        )
        self._note(table, record_id)

    def tombstones(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM tombstone ORDER BY deleted_at, id"))

    # --- delete with its consequences, and undo of it ------------------------------------------

    def usages(self, table: str, record_id: str) -> list[Usage]:
        """Records that point at this one and would stop it being deleted."""
        found = []
        for ref in REFERENCES:
            if ref.parent != table or ref.rule != "restrict":
                continue
            label_col = LABEL_COLUMNS.get(ref.child, "id")
            for r in self.conn.execute(
                f"SELECT id, {_ident(label_col)} FROM {_ident(ref.child)} WHERE {_ident(ref.column)} = ? "
                f"ORDER BY {_ident(label_col)}", (record_id,)
            ):
                found.append(Usage(ref.child, ref.column, r[0], "" if r[1] is None else str(r[1])))
        return found

    def remove(self, table: str, record_id: str, *, reassign_to: str | None = None) -> Removal:
        """Delete a record, what belongs to it, and its links; refuse if others depend on it.

        With `reassign_to`, records that point at it are pointed at that record instead.
        """
        removal = Removal()
        with self.transaction():
            if self.row(table, record_id) is None:
                raise NotFound(f"That {table.replace('_', ' ')} no longer exists in this plan.")
            usages = self.usages(table, record_id)
            if usages and reassign_to is None:
                raise InUse(self.in_use_sentence(table, record_id, usages), usages)
            if usages:
                if reassign_to == record_id or self.row(table, reassign_to) is None:
                    raise InvalidValue("Choose a different, existing record to take these over.")
                stamp = self.stamp()
                for usage in usages:
                    before = self.row(usage.table, usage.record_id)
                    removal.updated.append((usage.table, before))
                    self.update_row(usage.table, usage.record_id, {
                        usage.column: reassign_to, "modified_at": stamp, "modified_by": self.device_id})
            self._remove_tree(table, record_id, removal)
        return removal

    def _remove_tree(self, table: str, record_id: str, removal: Removal) -> None:
        row = self.row(table, record_id)
        if row is None:
            return
        removal.deleted.append((table, row))
        for ref in REFERENCES:
            if ref.parent != table:
                continue
            child_ids = [r[0] for r in self.conn.execute(
                f"SELECT id FROM {_ident(ref.child)} WHERE {_ident(ref.column)} = ?", (record_id,))]
            for child_id in child_ids:
                if ref.rule == "cascade":
                    self._remove_tree(ref.child, child_id, removal)
                elif ref.rule == "set_null":
                    before = self.row(ref.child, child_id)
                    removal.updated.append((ref.child, before))
                    self.update_row(ref.child, child_id, {
                        ref.column: None, "modified_at": self.stamp(), "modified_by": self.device_id})
                elif ref.rule == "restrict":
                    raise InUse(self.in_use_sentence(table, record_id, self.usages(table, record_id)),
                                self.usages(table, record_id))
        self.delete_row(table, record_id)

    def restore(self, removal: Removal) -> None:
        """Undo a `remove`: the rows come back, stamped as edited now, so a merge keeps them."""
        with self.transaction():
            stamp = self.stamp()
            for table, row in removal.deleted:
                self.insert_row(table, {**row, "modified_at": stamp, "modified_by": self.device_id})
            for table, row in reversed(removal.updated):
                self.update_row(table, row["id"], {**row, "modified_at": stamp, "modified_by": self.device_id})

    def in_use_sentence(self, table: str, record_id: str, usages: list[Usage]) -> str:
        row = self.row(table, record_id) or {}
        name = str(row.get(LABEL_COLUMNS.get(table, "id")) or "This record")
        parts = []
        by_kind: dict[tuple[str, str], list[Usage]] = {}
        for u in usages:
            by_kind.setdefault((u.table, u.column), []).append(u)
        for key, group in by_kind.items():
            n = len(group)
            phrase = USAGE_PHRASES.get(key, "is used by {n} record{s}").format(
                n=n, s="" if n == 1 else "s", ies="y" if n == 1 else "ies", ies_y="y" if n == 1 else "ies")
            labels = [u.label for u in group if u.label][:3]
            if labels:
                more = "" if n <= 3 else f" and {n - 3} more"
                phrase += " (" + ", ".join(labels) + more + ")"
            parts.append(phrase)
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return (f"{name} cannot be deleted yet: it {joined}. "
                f"Choose another to take these over, or change them first.")

    # --- the two one-row records ----------------------------------------------------------------

    def profile(self) -> PlanProfile:
        rows = self._profile.list()
        if not rows:
            raise NotFound("This file has no plan record.")
        return rows[0]

    def update_profile(self, **changes: Any) -> PlanProfile:
        return self._profile.update(self.profile().id, **changes)

    def engagement_summary(self) -> EngagementSummary:
        rows = self._summary.list()
        if rows:
            return rows[0]
        return EngagementSummary(id=derived_id("engagement_summary", self.profile().id))

    def update_engagement_summary(self, **changes: Any) -> EngagementSummary:
        with self.transaction():
            current = self.engagement_summary()
            if self.row("engagement_summary", current.id) is None:
                self._summary.add(id=current.id)
            return self._summary.update(current.id, **changes)

    # --- records with a natural key -------------------------------------------------------------

    def set_category_status(self, category: int, *, no_provider: bool, note: str = "") -> CategoryStatus:
        """Record that the area has (or has no) provider of committee category 3, 4 or 5."""
        if category not in (3, 4, 5):
            raise InvalidValue("Only categories 3, 4 and 5 may be marked as having no provider in the area.")
        record_id = derived_id("category_status", category)
        with self.transaction():
            if self.row("category_status", record_id) is None:
                return self.category_statuses.add(id=record_id, category=category,
                                                  no_provider=no_provider, note=note)
            return self.category_statuses.update(record_id, no_provider=no_provider, note=note)

    def set_score(self, risk_id: str, criterion_id: str, *, score: int | None,
                  rationale: str | None = None) -> RiskScore:
        criterion = self.criteria.get(criterion_id)
        if score is not None and not 1 <= int(score) <= max(criterion.levels, 1):
            raise InvalidValue(f"A score for “{criterion.name}” must be between 1 and {criterion.levels}.")
        record_id = derived_id("risk_score", risk_id, criterion_id)
        with self.transaction():
            if self.row("risk_score", record_id) is None:
                return self.scores.add(id=record_id, risk_id=risk_id, criterion_id=criterion_id,
                                       score=score, rationale=rationale or "")
            changes: dict[str, Any] = {"score": score}
            if rationale is not None:
                changes["rationale"] = rationale
            return self.scores.update(record_id, **changes)

    def scores_beyond_scale(self, criterion_id: str, levels: int) -> list[str]:
        """The ids of a criterion's scores that a scale of `levels` levels does not hold."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM risk_score WHERE criterion_id = ? AND score IS NOT NULL "
            "AND (score > ? OR score < 1) ORDER BY id", (criterion_id, levels))]

    def clear_scores_beyond_scale(self, criterion_id: str, levels: int) -> list[str]:
        """A shorter scale clears the scores above it (their rationales stay); returns their ids."""
        cleared = self.scores_beyond_scale(criterion_id, levels)
        if cleared:
            with self.transaction():
                stamp = self.stamp()
                for score_id in cleared:
                    self.update_row("risk_score", score_id,
                                    {"score": None, "modified_at": stamp, "modified_by": self.device_id})
        return cleared

    def next_strategy_number(self) -> int:
        """One more than the highest number so far; never beyond what a number field may hold."""
        row = self.conn.execute("SELECT MAX(number) FROM strategy WHERE typeof(number) = 'integer' "
                                "AND number BETWEEN 0 AND ?", (schema.LARGEST_WHOLE_NUMBER,)).fetchone()
        return min(int(row[0] or 0) + 1, schema.LARGEST_WHOLE_NUMBER)

    # --- summaries ------------------------------------------------------------------------------

    def count(self, table: str, **equals: Any) -> int:
        where, params = _where(table, equals)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {_ident(table)}{where}", params).fetchone()[0])

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in schema.record_tables()}

    def last_modified(self) -> str | None:
        latest = None
        for t in schema.record_tables():
            value = self.conn.execute(f"SELECT MAX(modified_at) FROM {_ident(t)}").fetchone()[0]
            if value is not None and (latest is None or str(value) > latest):
                latest = str(value)
        return latest

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])


class Table(Generic[R]):
    """Create, read, update and delete one kind of record."""

    def __init__(self, plan: Plan, name: str, record_type: type[R], order_by: str):
        self.plan = plan
        self.name = name
        self.record_type = record_type
        self.order_by = order_by
        self._hints = field_types(record_type)
        self._required = frozenset(
            n for n in self._hints if n not in schema.RECORD_COLUMNS
            and record_type.__dataclass_fields__[n].default is _MISSING)

    def get(self, record_id: str) -> R:
        row = self.plan.row(self.name, record_id)
        if row is None:
            raise NotFound(f"That {self.name.replace('_', ' ')} no longer exists in this plan.")
        return record_from_row(self.record_type, row)

    def find(self, record_id: str | None) -> R | None:
        if not record_id:
            return None
        row = self.plan.row(self.name, record_id)
        return None if row is None else record_from_row(self.record_type, row)

    def list(self, **equals: Any) -> list[R]:
        return [record_from_row(self.record_type, r) for r in self.plan.rows(self.name, self.order_by, **equals)]

    def count(self, **equals: Any) -> int:
        return self.plan.count(self.name, **equals)

    def add(self, **values: Any) -> R:
        """Create a record; fields not given take their defaults. Returns the stored record."""
        record_id = values.pop("id", None) or str(uuid.uuid4())
        self._check_fields(values, creating=True)
        with self.plan.transaction():
            if self.name == "strategy" and not values.get("number"):
                values["number"] = self.plan.next_strategy_number()
            stamp = self.plan.stamp()
            defaults = self.record_type(id=record_id, **{k: v for k, v in values.items()
                                                        if k in self._required})
            row = {name: value_to_column(hint, values.get(name, getattr(defaults, name)))
                   for name, hint in self._hints.items()}
            row.update(id=record_id, created_at=stamp, modified_at=stamp, modified_by=self.plan.device_id)
            self.plan.insert_row(self.name, row)
        return record_from_row(self.record_type, row)

    def update(self, record_id: str, **changes: Any) -> R:
        """Change some fields. Writing the values a record already has changes nothing."""
        self._check_fields(changes, creating=False)
        with self.plan.transaction():
            current = self.plan.row(self.name, record_id)
            if current is None:
                raise NotFound(f"That {self.name.replace('_', ' ')} no longer exists in this plan.")
            stored = {k: value_to_column(self._hints[k], v) for k, v in changes.items()}
            different = {k: v for k, v in stored.items() if current.get(k) != v}
            if different:
                different.update(modified_at=self.plan.stamp(), modified_by=self.plan.device_id)
                self.plan.update_row(self.name, record_id, different)
                if self.name == "criterion" and "labels" in different:
                    self.plan.clear_scores_beyond_scale(record_id, len(changes["labels"]))
        return self.get(record_id)

    def delete(self, record_id: str, *, reassign_to: str | None = None) -> Removal:
        return self.plan.remove(self.name, record_id, reassign_to=reassign_to)

    def _check_fields(self, values: dict[str, Any], *, creating: bool) -> None:
        for name in values:
            if name not in self._hints or name in schema.RECORD_COLUMNS:
                raise InvalidValue(f"A {self.name.replace('_', ' ')} has no field called “{name}”.")
        if creating:
            missing = self._required - set(values)
            if missing:
                raise InvalidValue(f"A {self.name.replace('_', ' ')} needs {', '.join(sorted(missing))}.")
        for name, value in values.items():
            _check_value(self.name, name, self._hints[name], value)


class LinkTable:
    """A many-to-many link. A link's id comes from its two ends, so copies of a plan agree on it."""

    def __init__(self, plan: Plan, name: str, owner_column: str, target_column: str):
        self.plan = plan
        self.name = _ident(name)
        self.owner_column = _ident(owner_column)
        self.target_column = _ident(target_column)

    def link_id(self, owner: str, target: Any) -> str:
        return derived_id(self.name, owner, target)

    def _target(self, value: Any) -> Any:
        """A stored target as its field holds it: a whole number (a committee category) or text."""
        hint = int if schema.column_types(self.name).get(self.target_column) == "INTEGER" else str
        return read_value(hint, value)

    def targets(self, owner: str) -> list[Any]:
        return [self._target(r[0]) for r in self.plan.conn.execute(
            f"SELECT {self.target_column} FROM {self.name} WHERE {self.owner_column} = ? "
            f"ORDER BY {self.target_column}", (owner,))]

    def pairs(self) -> list[tuple[str, Any]]:
        return [(read_value(str, r[0]), self._target(r[1])) for r in self.plan.conn.execute(
            f"SELECT {self.owner_column}, {self.target_column} FROM {self.name} "
            f"ORDER BY {self.owner_column}, {self.target_column}")]

    def add(self, owner: str, target: Any) -> None:
        _check_value(self.name, self.target_column, Any, target)
        with self.plan.transaction():
            record_id = self.link_id(owner, target)
            if self.plan.row(self.name, record_id) is not None:
                return
            stamp = self.plan.stamp()
            self.plan.insert_row(self.name, {
                "id": record_id, "created_at": stamp, "modified_at": stamp,
                "modified_by": self.plan.device_id, self.owner_column: owner, self.target_column: target})

    def remove(self, owner: str, target: Any) -> None:
        with self.plan.transaction():
            record_id = self.link_id(owner, target)
            if self.plan.row(self.name, record_id) is not None:
                self.plan.delete_row(self.name, record_id)

    def set(self, owner: str, targets: Iterable[Any]) -> list[Any]:
        """Make the owner's links exactly `targets`; returns what they were, for undo."""
        wanted = list(dict.fromkeys(targets))
        with self.plan.transaction():
            before = self.targets(owner)
            for target in before:
                if target not in wanted:
                    self.remove(owner, target)
            for target in wanted:
                if target not in before:
                    self.add(owner, target)
        return before


def _check_value(table: str, column: str, hint: Any, value: Any) -> None:
    allowed = ENUMS.get((table, column))
    if allowed is not None and value not in tuple(allowed):
        raise InvalidValue(f"“{value}” is not one of the choices for {column.replace('_', ' ')}.")
    if column in _DATE_COLUMNS:
        if value is not None and not isinstance(value, str):
            raise InvalidValue(f"{_FIELD_NAMES.get(column, 'A date')} must be written like 2025-03-31.")
        check_date(column, value)
    if hint in (int, int | None) and value is not None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidValue(f"{column.replace('_', ' ').capitalize()} must be a whole number.")
        if abs(value) > schema.LARGEST_WHOLE_NUMBER:
            raise InvalidValue(f"{column.replace('_', ' ').capitalize()} must be a whole number "
                               f"no larger than {schema.LARGEST_WHOLE_NUMBER:,}.")
    if hint in (float, float | None) and value is not None:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value \
                or abs(value) == float("inf"):
            raise InvalidValue(f"{column.replace('_', ' ').capitalize()} must be a number.")
    if hint is str and not isinstance(value, str):
        raise InvalidValue(f"{column.replace('_', ' ').capitalize()} must be text.")
    if table == "criterion" and column == "labels":
        if not 3 <= len(value) <= 7:
            raise InvalidValue("A criterion needs a scale of 3 to 7 levels, each with a label.")
    if table == "criterion" and column == "weight" and value is not None and value < 0:
        raise InvalidValue("A criterion's weight cannot be negative.")


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not an identifier: {name!r}")
    return name


def _where(table: str, equals: dict[str, Any]) -> tuple[str, list[Any]]:
    if not equals:
        return "", []
    columns = schema.table_columns(table)
    clauses, params = [], []
    for column, value in equals.items():
        if column not in columns:
            raise InvalidValue(f"A {table.replace('_', ' ')} has no field called “{column}”.")
        if value is None:
            clauses.append(f"{_ident(column)} IS NULL")
        else:
            clauses.append(f"{_ident(column)} = ?")
            params.append(value)
    return " WHERE " + " AND ".join(clauses), params


def _integrity_sentence(exc: sqlite3.IntegrityError) -> str:
    text = str(exc)
    if "FOREIGN KEY" in text:
        return "That change points at a record that no longer exists in this plan."
    if "UNIQUE" in text:
        return "That record is already in the plan."
    if "NOT NULL" in text:
        return "A required value is missing."
    return "The plan could not take that change."


def _write_failure(exc: BaseException, conn: Any) -> WriteFailed | None:
    """A full or failing drive under the working copy, as one sentence; None for any other error."""
    import errno
    import os

    code = getattr(exc, "errno", None)
    sqlite_code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc).lower()
    full = (code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
            or sqlite_code == getattr(sqlite3, "SQLITE_FULL", 13) or "disk is full" in text)
    failing = (code == errno.EIO or "disk i/o error" in text
               or (sqlite_code is not None and sqlite_code & 0xFF == getattr(sqlite3, "SQLITE_IOERR", 10)))
    if not (full or failing):
        return None
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
        folder = os.path.dirname(str(row[2])) if row and row[2] else ""
    except Exception:  # noqa: BLE001 - the sentence is what matters here
        folder = ""
    where = f" ({folder})" if folder else ""
    if full:
        return WriteFailed(f"The change was not made because the drive that holds this plan's working copy"
                           f"{where} is full: free some space there and try again.", full=True)
    return WriteFailed(f"The change was not made because the drive that holds this plan's working copy"
                       f"{where} reported an error: check that drive and try again.", full=False)


# --- creating a plan ----------------------------------------------------------------------------

def initialise(plan: Plan, *, community: str, community_type: str = "municipality", title: str = "",
               language: str = "en", app_version: str = "") -> PlanProfile:
    """Fill a freshly migrated, empty database: the plan row and its seeded reference lists."""
    with plan.transaction():
        profile = plan._profile.add(
            title=title or f"{community} Community Safety and Well-Being Plan".strip(),
            community=community, community_type=community_type, language=language)
        plan.set_meta("created_with", app_version)
        plan.set_meta("created_at", plan.stamp())
        for name in framework.rtd_categories():
            plan.risk_categories.add(id=derived_id("rtd", name), name=name, from_rtd=True)
        for position, c in enumerate(framework.default_criteria()):
            plan.criteria.add(id=derived_id("criterion", c.name), name=c.name, description=c.description,
                              weight=c.weight, labels=c.labels, position=position)
        plan._summary.add(id=derived_id("engagement_summary", profile.id))
    return plan.profile()
