"""Merging a partner's copy of a plan into the open plan, without losing anyone's work.

How the merge knows who changed what
------------------------------------
Copies of a plan part by being copied (Save a Copy, e-mail, USB stick), so no file records a common
ancestor. Instead every value carries its own time stamp:

* each record has `created_at`, `modified_at` and `modified_by` (the device id of the installation
  that made the edit), and since file format 2 every field changed after the record was created has
  a row in `field_stamp` (record, column, time, device), written by `Plan.update_row`. A field with
  no stamp still holds the value it was created with, at the record's `created_at`.
* every device leaves its latest edit time in the file's meta table (`seen:<device>`), and a merge
  stores there the latest edit of every device whose work it has taken in. Together with the stamps
  in the rows this is the file's *knowledge*: for each device, up to which time its edits have
  reached this copy.

For one field that holds different values in the two copies, the edit with the later stamp is the
newer one. If the copy holding the newer edit already knew the older one (its knowledge of the
older edit's device reaches the older stamp), only that copy changed the field since they last met:
a plain change, taken without a question. If it did not, both copies changed the field since they
parted: a conflict, decided by the newer edit unless the user chooses otherwise. So fields changed
on one side only merge field by field without a common ancestor, and "both changed" is told apart
from "one changed" by knowledge, never by guessing.

The content decided by default depends on the stamps alone (the later stamp wins per field; a
record lives if its latest edit is later than its deletion), so merging A into B and B into A give
the same plan, and merging again changes nothing. Where the merge itself must decide (bringing back
a record that is still needed, renumbering strategies that share a number, dropping a duplicate
link) the new values are stamped by the pseudo device `AUTOMATIC` just after the latest stamp
involved, so that both directions write the very same rows. A choice a person makes against the
newer edit is stamped as a new edit of this device, so that it also wins in later merges.

Deletions travel as tombstones. A tombstone beats the record's edits that are older; an edit made
after the deletion brings the record back (and the review says so). Deleting a record deletes its
links and what belongs to it (each of those has its own tombstone), never the records it points at.
If the merged plan still points at a deleted record (say a strategy whose lead partner was deleted
in the other copy), the review asks; the default brings the record back, which loses nothing.

Nothing is silently dropped: every version of a record in this plan that the merge replaces or
deletes, and every version from the other copy holding an edit that the merge does not take, is
kept in `history` (the full row as JSON). History rows travel with merges, so a version replaced in
one copy can be restored in any later copy.

A stamp later than this computer's clock (beyond `CLOCK_TOLERANCE`) shows a wrong clock; the device
is named in the review, and conflicts involving such stamps are put to the user instead of being
decided by time (until the user chooses, the open plan keeps its own value). A copy saved without
contact details carries blank contact fields that are not edits: they never blank this plan's.

Limits: one installation that edits two separate copies of the same plan looks like one partner;
its two edits of the same field are merged by time as usual, but the older one is not reported as a
conflict. Three copies merged in different orders agree field by field, except where one copy
deleted a record that another edited before and a third after the deletion: then which of the
earlier edits survive depends on the order (the others are in history either way).

The API for the review dialog: `read_copy` (or `Copy.of`), `preview` → `Preview` (items per toolkit
step in plain words, conflicts with options, `rechoose`), `apply` → `MergeResult` with a
`BeforeImage`, `undo`; and for the history view `record_history` and `restore_version`.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import framework, schema
from .plan import ID_NAMESPACE, LABEL_COLUMNS, REFERENCES, Plan, PlanError, derived_id

MINE, THEIRS, NEWER = "mine", "theirs", "newer"
KEEP, LET_GO = "keep", "let_go"
PREFERENCES = (NEWER, MINE, THEIRS)

# How far in the future a stamp may be before the clock that made it counts as wrong.
CLOCK_TOLERANCE = _dt.timedelta(minutes=10)

# The device that decisions of the merge itself are stamped with (the same in every copy).
AUTOMATIC = derived_id("merge", "automatic decision")

OTHER_COPY = "the other copy"  # what the other side is called when the caller gives no name

CONTACT_COLUMNS = frozenset({"contact_name", "email", "phone"})  # of partner; see planfile

# Item kinds, in the order the review lists them within a step.
ADDED, CHANGED, DELETED, RESTORED = "added", "changed", "deleted", "restored"
CONFLICT, QUESTION, RENUMBERED, DUPLICATE = "conflict", "question", "renumbered", "duplicate"
KIND_ORDER = (CONFLICT, QUESTION, ADDED, CHANGED, RESTORED, DELETED, RENUMBERED, DUPLICATE)


class MergeError(PlanError):
    """The merge cannot go ahead; the message is a sentence for the user."""

    def __init__(self, message: str, reason: str = "merge"):
        super().__init__(message)
        self.reason = reason  # a stable code: different_plan, plan_changed, invalid_choice, ...


class DifferentPlan(MergeError):
    def __init__(self, message: str):
        super().__init__(message, "different_plan")


# --- the words of the review --------------------------------------------------------------------

TABLE_STEPS: dict[str, str] = {
    "plan": "profile", "partner": "partners",
    "committee_member": "committee", "member_category": "committee", "category_status": "committee",
    "team": "committee",
    "engagement_activity": "engagement", "activity_group": "engagement",
    "engagement_summary": "engagement", "participant": "engagement",
    "asset": "assets", "asset_area": "assets",
    "risk_category": "risks", "risk": "risks", "evidence": "risks", "risk_activity": "risks",
    "risk_partner": "risks",
    "criterion": "prioritisation", "risk_score": "prioritisation",
    "strategy": "strategies", "strategy_risk": "strategies", "strategy_partner": "strategies",
    "logic_model_item": "logic_models", "outcome": "logic_models",
    "indicator": "measurement", "measurement": "measurement",
    "action": "implementation", "progress_update": "implementation",
}

NOUNS: dict[str, str] = {
    "plan": "plan profile", "partner": "partner", "committee_member": "committee member",
    "member_category": "committee category", "category_status": "committee category",
    "team": "team", "engagement_activity": "engagement activity",
    "activity_group": "group reached", "engagement_summary": "engagement summary",
    "participant": "participant (Form B)", "asset": "community asset", "asset_area": "area",
    "risk_category": "risk category", "risk": "risk", "evidence": "piece of evidence",
    "risk_activity": "link", "risk_partner": "link", "criterion": "criterion", "risk_score": "score",
    "strategy": "strategy", "strategy_risk": "link", "strategy_partner": "supporting partner",
    "logic_model_item": "logic model entry", "outcome": "outcome", "indicator": "indicator",
    "measurement": "measurement", "action": "action", "progress_update": "progress update",
}

# Human names of the fields, as they appear in "changed the … of …".
FIELD_NAMES: dict[str, str] = {
    "title": "title", "community": "community", "community_type": "kind of community",
    "participating_communities": "participating communities", "coordinators": "coordinators",
    "champions": "champions", "vision": "vision", "period_start": "start of the plan period",
    "period_end": "end of the plan period", "adopted_on": "adoption date",
    "adoption_reference": "adoption reference", "published_on": "publication date",
    "language": "language", "logo": "logo", "logo_type": "logo format",
    "organisation": "organisation", "sector": "sector", "contact_name": "contact person",
    "email": "e-mail address", "phone": "phone number", "role": "role",
    "engagement_status": "engagement status", "notes": "notes", "note": "note",
    "person": "name", "partner_id": "partner organisation", "category": "category",
    "no_provider": "“no such provider in our area”", "kind": "kind", "name": "name",
    "background": "background", "purpose": "goals and purpose", "objectives": "objectives",
    "membership": "membership", "responsibilities": "roles and responsibilities",
    "held_on": "date", "method": "method", "participants": "number of participants",
    "what_we_heard": "what we heard", "outreach_types": "types of outreach",
    "successes": "successes", "challenges": "challenges", "findings": "findings",
    "lessons": "lessons learned", "sector_or_group": "sector or group",
    "owner_partner_id": "owner", "description": "description", "from_rtd": "RTD category",
    "category_id": "category", "problem_or_symptom": "“real problem or symptom”",
    "raised_by": "who raised it", "evidence_and_seriousness": "evidence and seriousness",
    "if_nothing_done": "“if nothing is done”", "current_response": "current response",
    "combined_approach": "combined approach", "most_work_needed": "“where most work is needed”",
    "is_priority": "priority", "rank_override": "rank", "override_reason": "reason for the rank",
    "risk_id": "risk", "source": "source", "indicator": "indicator", "value": "value",
    "unit": "unit", "year": "year", "geography": "geography", "weight": "weight",
    "labels": "scale", "position": "order", "criterion_id": "criterion", "score": "score",
    "rationale": "rationale", "number": "number", "area": "area", "lead_partner_id": "lead partner",
    "status": "status", "start_on": "start date", "end_on": "end date", "resources": "resources",
    "budget": "budget", "evidence_base": "evidence base", "asset_id": "community asset",
    "strategy_id": "strategy", "text": "text", "level": "level", "outcome_id": "outcome",
    "measure_type": "kind of measure", "baseline_value": "baseline", "baseline_text": "baseline (in words)",
    "baseline_on": "baseline date", "target_value": "target", "target_text": "target (in words)",
    "target_on": "target date", "direction": "direction", "data_source": "data source",
    "collection_method": "collection method", "frequency": "frequency",
    "responsible_partner_id": "responsible partner", "indicator_id": "indicator",
    "measured_on": "date", "text_value": "value (in words)", "is_milestone": "milestone",
    "due_on": "due date", "done_on": "date done", "reported_on": "date of the report",
    "member_id": "committee member", "activity_id": "engagement activity", "group_code": "group",
}
_FIELD_NAMES_IN: dict[tuple[str, str], str] = {
    ("evidence", "indicator"): "measure", ("asset", "owner_partner_id"): "organisation that runs it",
    ("committee_member", "organisation"): "organisation", ("team", "name"): "name",
}

BOOL_COLUMNS = frozenset({"no_provider", "from_rtd", "is_priority", "is_milestone"})
_ENUM_TEXTS: dict[str, Mapping[Any, str]] = {
    "community_type": framework.COMMUNITY_TYPES, "language": framework.LANGUAGES,
    "engagement_status": framework.ENGAGEMENT_STATUSES,
    "area": {a.code: a.name_en for a in framework.AREAS},
    "group_code": {g.code: g.name for g in framework.CONSULTATION_GROUPS},
    "measure_type": framework.MEASURE_TYPES, "direction": framework.DIRECTIONS,
    "level": framework.OUTCOME_LEVELS,
}
_ENUM_TEXTS_IN: dict[tuple[str, str], Mapping[Any, str]] = {
    ("team", "kind"): framework.TEAM_KINDS, ("asset", "kind"): framework.ASSET_KINDS,
    ("strategy", "kind"): framework.STRATEGY_KINDS, ("strategy", "status"): framework.STRATEGY_STATUSES,
    ("logic_model_item", "kind"): framework.LOGIC_ITEM_KINDS,
    ("action", "status"): framework.ACTION_STATUSES, ("progress_update", "status"): framework.PROGRESS_STATUSES,
}

# Many-to-many links: (owner column, target column, "linked" phrase, "unlinked" phrase).
LINKS: dict[str, tuple[str, str, str, str]] = {
    "member_category": ("member_id", "category", "counted {owner} under committee category {target}",
                        "stopped counting {owner} under committee category {target}"),
    "activity_group": ("activity_id", "group_code", "recorded that {owner} reached {target}",
                       "no longer records that {owner} reached {target}"),
    "asset_area": ("asset_id", "area", "placed {owner} in the area {target}",
                   "took {owner} out of the area {target}"),
    "risk_activity": ("risk_id", "activity_id", "linked {owner} to {target}",
                      "removed the link between {owner} and {target}"),
    "risk_partner": ("risk_id", "partner_id", "linked {owner} to {target}",
                     "removed the link between {owner} and {target}"),
    "strategy_risk": ("strategy_id", "risk_id", "linked {owner} to {target}",
                      "removed the link between {owner} and {target}"),
    "strategy_partner": ("strategy_id", "partner_id", "added {target} as a supporting partner of {owner}",
                         "removed {target} as a supporting partner of {owner}"),
}

_PARENTS: dict[tuple[str, str], str] = {(r.child, r.column): r.parent for r in REFERENCES}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
_SHORT, _LONG = 60, 240


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shorten(text: str, limit: int) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    cut = first if len(first) <= limit else first[:limit - 1].rstrip() + "…"
    return cut + ("…" if first != text.strip() and not cut.endswith("…") else "")


def _quote(label: Any) -> str:
    text = "" if label is None else str(label)
    return f"“{_shorten(text, _SHORT)}”" if text.strip() else "“(untitled)”"


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def field_name(table: str, column: str) -> str:
    return _FIELD_NAMES_IN.get((table, column)) or FIELD_NAMES.get(column) or column.replace("_", " ")


def table_step(table: str) -> str:
    return TABLE_STEPS.get(table, "review")


# --- time stamps --------------------------------------------------------------------------------

def _norm(stamp: Any) -> str:
    """A stamp in one comparable form (UTC, microseconds, Z); "" for anything unreadable."""
    if type(stamp) is str and len(stamp) == 27 and stamp[26] == "Z" and stamp[19] == "." \
            and stamp[10] == "T" and stamp[:4].isdigit():
        return stamp  # the form this program writes
    if not isinstance(stamp, str) or not stamp:
        return ""
    if _STAMP_RE.match(stamp):
        return stamp
    try:
        moment = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return _format(moment)


def _format(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _after(stamp: str) -> str:
    """The first stamp after `stamp` (for a malformed one, itself: still the same in every copy)."""
    try:
        moment = _dt.datetime.fromisoformat((_norm(stamp) or "1970-01-01T00:00:00.000000Z").replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return _format(moment + _dt.timedelta(microseconds=1))


def _plus(stamp: str, delta: _dt.timedelta) -> str:
    moment = _dt.datetime.fromisoformat(_norm(stamp).replace("Z", "+00:00"))
    return _format(moment + delta)


def _value_key(value: Any) -> tuple:
    """A total order over column values, to break ties between equal stamps the same way always."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, float(value))
    if isinstance(value, bytes):
        return (3, value)
    return (2, str(value))


def _same(a: Any, b: Any) -> bool:
    return a == b and (a is None) == (b is None) and isinstance(a, (bytes, str)) == isinstance(b, (bytes, str))


Stamp = tuple[str, str]  # (normalised time, device); device "" = as created
_NONE: dict = {}  # an empty mapping that is never written to


# --- a copy, read into memory -------------------------------------------------------------------

@cache
def _record_tables() -> tuple[str, ...]:
    return schema.record_tables()


@cache
def _latest_per_device_sql() -> str:
    """The latest `modified_at` of each device over all record tables, in one statement."""
    union = " UNION ALL ".join(f"SELECT modified_by, MAX(modified_at) AS at FROM {t} GROUP BY modified_by"
                               for t in _record_tables())
    return f"SELECT modified_by, MAX(at) FROM ({union}) GROUP BY modified_by"


@cache
def _data_columns(table: str) -> tuple[str, ...]:
    return tuple(c for c in schema.table_columns(table) if c not in schema.RECORD_COLUMNS)


@cache
def _unique_keys() -> dict[str, list[tuple[str, ...]]]:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema.apply_migrations(conn)
        keys: dict[str, list[tuple[str, ...]]] = {}
        for table in schema.record_tables():
            for index in conn.execute(f"PRAGMA index_list({table})").fetchall():
                name, unique, origin = index[1], index[2], index[3]
                if unique and origin == "u":
                    cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({name})"))
                    keys.setdefault(table, []).append(cols)
        return keys
    finally:
        conn.close()


@dataclass
class Copy:
    """Everything of one copy that a merge reads, held in memory (the file may be closed).
    Rows are kept as tuples in the column order of `schema.table_columns`; `row` gives a dict."""

    name: str
    plan_id: str
    title: str
    device_id: str
    revision: int
    rows: dict[str, dict[str, tuple]]
    stamps: dict[str, dict[str, Stamp]]          # record id → column → stamp (explicit only)
    stamp_text: dict[str, dict[str, tuple[str, str]]]  # the same, as stored
    tombstones: dict[str, tuple[str, str, str]]  # id → (table, deleted_at as stored, deleted_by)
    history: dict[str, tuple]                    # id → full history row
    seen: dict[str, str]                         # meta seen:<device> → normalised time
    knowledge: dict[str, str]                    # device → latest normalised time known
    stripped: bool
    row_table: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan, name: str | None = None) -> "Copy":
        conn = plan.conn
        rows: dict[str, dict[str, tuple]] = {}
        row_table: dict[str, str] = {}
        knowledge: dict[str, str] = {}
        for table in _record_tables():
            found = {r[0]: r for r in conn.execute(_select_sql(table))}
            if any(not isinstance(k, str) for k in found) or not row_table.keys().isdisjoint(found):
                found = {k: r for k, r in found.items() if isinstance(k, str) and k not in row_table}
            rows[table] = found
            row_table.update(dict.fromkeys(found, table))
        for by, at in conn.execute(_latest_per_device_sql()):
            at = _norm(at)
            if isinstance(by, str) and at > knowledge.get(by, ""):
                knowledge[by] = at
        stamps: dict[str, dict[str, Stamp]] = {}
        stamp_text: dict[str, dict[str, tuple[str, str]]] = {}
        for record_id, column, at, by in conn.execute(
                "SELECT record_id, column_name, modified_at, modified_by FROM field_stamp"):
            table = row_table.get(record_id)
            if table is None or column not in _data_columns(table) or not isinstance(by, str):
                continue
            norm = _norm(at)
            if not norm:
                continue
            stamps.setdefault(record_id, {})[column] = (norm, by)
            stamp_text.setdefault(record_id, {})[column] = (at, by)
            if by and norm > knowledge.get(by, ""):
                knowledge[by] = norm
        tombstones: dict[str, tuple[str, str, str]] = {}
        for record_id, table, at, by in conn.execute(
                "SELECT id, table_name, deleted_at, deleted_by FROM tombstone"):
            if (table not in TABLE_STEPS or table == "plan" or record_id in row_table
                    or not _norm(at) or not isinstance(by, str)):
                continue  # a tombstone of nothing we know, or of a record that is alive here
            tombstones[record_id] = (table, at, by)
            if _norm(at) > knowledge.get(by, ""):
                knowledge[by] = _norm(at)
        history = {r[0]: tuple(r) for r in conn.execute(
            "SELECT id, table_name, record_id, data, replaced_at, replaced_by, reason FROM history")}
        seen: dict[str, str] = {}
        stripped = False
        for key, value in conn.execute("SELECT key, value FROM meta"):
            if isinstance(key, str) and key.startswith("seen:") and _norm(value):
                seen[key[5:]] = _norm(value)
            elif key == "contact_details_removed" and str(value) == "1":
                stripped = True
        for device, at in seen.items():
            if at > knowledge.get(device, ""):
                knowledge[device] = at
        knowledge.pop(AUTOMATIC, None)
        knowledge.pop("", None)
        plan_rows = [_as_dict("plan", r) for r in rows.get("plan", {}).values()]
        plan_row = plan_rows[0] if plan_rows else {"id": "", "title": ""}
        return cls(name=name or OTHER_COPY,
                   plan_id=str(plan_row["id"]), title=str(plan_row.get("title") or ""),
                   device_id=plan.device_id, revision=plan.revision, rows=rows, stamps=stamps,
                   stamp_text=stamp_text, tombstones=tombstones, history=history, seen=seen,
                   knowledge=knowledge, stripped=stripped, row_table=row_table)

    def row(self, table: str, record_id: Any) -> dict[str, Any] | None:
        found = self.rows.get(table, {}).get(record_id)
        return None if found is None else _as_dict(table, found)

    def field_stamp(self, record_id: str, column: str, row: Mapping[str, Any]) -> Stamp:
        explicit = self.stamps.get(record_id)
        if explicit and column in explicit:
            return explicit[column]
        return (_norm(row["created_at"]), "")

    def knows(self, stamp: Stamp) -> bool:
        at, by = stamp
        if not by or by == AUTOMATIC:
            return False
        return self.knowledge.get(by, "") >= at


@cache
def _select_sql(table: str) -> str:
    return f"SELECT {', '.join(schema.table_columns(table))} FROM {table}"


@cache
def _column_index(table: str) -> dict[str, int]:
    return {c: n for n, c in enumerate(schema.table_columns(table))}


def _as_dict(table: str, row: tuple | dict[str, Any]) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    return dict(zip(schema.table_columns(table), row))


def _value(table: str, row: tuple | dict[str, Any], column: str) -> Any:
    if isinstance(row, dict):
        return row.get(column)
    return row[_column_index(table)[column]]


def read_copy(path: Path | str, *, name: str | None = None) -> Copy:
    """Read a partner's file through every untrusted-file check (planfile.reading) into memory.
    Raises planfile.FileRejected with its sentence; nothing is written anywhere."""
    from . import planfile

    path = Path(path)
    with planfile.reading(path) as plan:
        return Copy.of(plan, name=name or path.name)


# --- what the review shows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    code: str
    text: str


@dataclass(frozen=True)
class Conflict:
    """A question for the user. `key` is what `choices` are given under."""

    key: str
    kind: str  # "fields", "deleted_by_them", "deleted_by_you", "still_needed"
    options: tuple[Option, ...]
    default: str
    chosen: str
    reason: str  # why the default is what it is
    clock_doubt: bool = False


@dataclass(frozen=True)
class FieldChange:
    column: str
    field: str
    mine: Any
    theirs: Any
    mine_text: str
    theirs_text: str
    changed_by: str  # MINE, THEIRS or "both"
    newer: str       # MINE or THEIRS
    kept: str        # MINE or THEIRS, with the current choices
    text: str


@dataclass(frozen=True)
class Item:
    kind: str
    step: str
    table: str
    record_id: str
    text: str
    fields: tuple[FieldChange, ...] = ()
    conflict: Conflict | None = None


@dataclass(frozen=True)
class ClockWarning:
    device: str
    side: str       # MINE or THEIRS: the copy holding the future-dated edits
    latest: str     # the latest stamp found
    text: str


@dataclass
class BeforeImage:
    """Every row, field stamp, tombstone, history row and meta value a merge (or a restore) touched,
    as it was before: `undo` puts them back exactly."""

    rows: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    stamps: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    tombstones: dict[str, tuple[str, str, str] | None] = field(default_factory=dict)
    history_added: list[str] = field(default_factory=list)
    meta: dict[str, str | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rows or self.stamps or self.tombstones or self.history_added or self.meta)


@dataclass
class _Outcome:
    """The merged state, as differences from this plan."""

    rows: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    stamps: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    tombstones: dict[str, tuple[str, str, str] | None] = field(default_factory=dict)
    history: dict[str, tuple] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rows or self.stamps or self.tombstones or self.history or self.meta)


@dataclass
class Preview:
    """What merging a copy would do, step by step in plain words, and the questions it asks."""

    their_name: str
    mine_title: str
    theirs_title: str
    prefer: str
    choices: dict[str, str]
    now: str
    items: list[Item]
    clock_warnings: list[ClockWarning]
    mine: Copy
    theirs: Copy
    outcome: _Outcome

    @property
    def nothing_new(self) -> bool:
        return not self.items

    @property
    def conflicts(self) -> list[Conflict]:
        return [i.conflict for i in self.items if i.conflict is not None]

    @property
    def needs_writing(self) -> bool:
        """Whether applying writes anything (bookkeeping included) to the plan."""
        return bool(self.outcome)

    def rechoose(self, choices: Mapping[str, str] | None = None, *, prefer: str | None = None) -> "Preview":
        """The preview again with other choices (the review dialog calls this as the user picks)."""
        merged = dict(self.choices)
        merged.update(choices or {})
        return _compute(self.mine, self.theirs, choices=merged, prefer=prefer or self.prefer,
                        now=self.now, name=self.their_name)

    def counts(self) -> dict[str, int]:
        counts = {kind: 0 for kind in KIND_ORDER}
        for item in self.items:
            counts[item.kind] += 1
        return counts

    def steps(self) -> list[tuple[framework.Step, list[Item]]]:
        grouped: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            grouped[item.step].append(item)
        return [(s, grouped[s.code]) for s in framework.STEPS if grouped.get(s.code)]

    def headline(self) -> str:
        if self.nothing_new:
            return (f"Nothing new: {self.their_name} holds nothing that this plan does not already "
                    f"have, so merging it changes nothing.")
        c = self.counts()
        parts = []
        for kind, one, many in ((ADDED, "addition", "additions"), (CHANGED, "change", "changes"),
                                (DELETED, "deletion", "deletions"), (RESTORED, "record brought back", "records brought back"),
                                (CONFLICT, "conflict", "conflicts"), (QUESTION, "question", "questions"),
                                (RENUMBERED, "strategy renumbered", "strategies renumbered"),
                                (DUPLICATE, "duplicate removed", "duplicates removed")):
            if c[kind]:
                parts.append(f"{c[kind]} {one if c[kind] == 1 else many}")
        return f"From {self.their_name}: {_and(parts)}."

    def summary(self) -> str:
        """The review as plain text (for the command line)."""
        marks = {ADDED: "+", CHANGED: "~", DELETED: "-", RESTORED: "+", CONFLICT: "!",
                 QUESTION: "?", RENUMBERED: "#", DUPLICATE: "#"}
        lines = [f"Merging {self.their_name} into “{self.mine_title}”."]
        lines += [f"Warning: {w.text}" for w in self.clock_warnings]
        for step, items in self.steps():
            lines.append("")
            lines.append(step.title)
            for item in items:
                lines.append(f"  {marks[item.kind]} {item.text}")
                if item.kind == CONFLICT:
                    for f in item.fields:
                        if f.changed_by == "both":
                            lines.append(f"      {_cap(f.field)}: yours {f.mine_text}; theirs {f.theirs_text}"
                                         f" → keeps {'yours' if f.kept == MINE else 'theirs'}")
                        else:
                            lines.append(f"      Also: {f.text}")
                if item.conflict is not None:
                    chosen = next((o.text for o in item.conflict.options if o.code == item.conflict.chosen),
                                  item.conflict.chosen)
                    lines.append(f"      Decision: {chosen} ({item.conflict.reason})")
        lines.append("")
        lines.append(self.headline())
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        def conflict(c: Conflict | None) -> dict | None:
            if c is None:
                return None
            return {"key": c.key, "kind": c.kind, "default": c.default, "chosen": c.chosen,
                    "reason": c.reason, "clock_doubt": c.clock_doubt,
                    "options": [{"code": o.code, "text": o.text} for o in c.options]}
        return {
            "mine": self.mine_title, "theirs": self.their_name, "theirs_title": self.theirs_title,
            "nothing_new": self.nothing_new, "headline": self.headline(), "prefer": self.prefer,
            "counts": self.counts(),
            "clock_warnings": [{"device": w.device, "side": w.side, "latest": w.latest, "text": w.text}
                               for w in self.clock_warnings],
            "steps": [{"step": s.code, "title": s.title, "items": [
                {"kind": i.kind, "table": i.table, "record_id": i.record_id, "text": i.text,
                 "fields": [{"column": f.column, "field": f.field, "mine": f.mine_text,
                             "theirs": f.theirs_text, "changed_by": f.changed_by, "newer": f.newer,
                             "kept": f.kept, "text": f.text} for f in i.fields],
                 "conflict": conflict(i.conflict)} for i in items]} for s, items in self.steps()],
        }


@dataclass
class MergeResult:
    preview: Preview
    before: BeforeImage

    @property
    def changed(self) -> bool:
        return bool(self.before)


# --- the engine ---------------------------------------------------------------------------------

def preview(mine: Plan, theirs: Copy | Plan, *, name: str | None = None,
            choices: Mapping[str, str] | None = None, prefer: str = NEWER,
            now: str | None = None) -> Preview:
    """What merging `theirs` into the open plan `mine` would do. Raises DifferentPlan for a copy of
    another plan. `choices` maps conflict keys to option codes; `prefer` decides conflicts nobody
    chose for (newer, mine or theirs); `now` is this computer's time (default: the plan's clock)."""
    if isinstance(theirs, Plan):
        theirs = Copy.of(theirs, name=name)
    elif name:
        theirs.name = name
    if prefer not in PREFERENCES:
        raise ValueError(f"prefer must be one of {PREFERENCES}")
    return _compute(Copy.of(mine, name="this plan"), theirs, choices=dict(choices or {}),
                    prefer=prefer, now=_norm(now or mine.stamp()), name=theirs.name)


def _compute(mine: Copy, theirs: Copy, *, choices: dict[str, str], prefer: str, now: str,
             name: str) -> Preview:
    if mine.plan_id != theirs.plan_id:
        if mine.title.strip() and mine.title.strip() == theirs.title.strip():
            message = (f"{name} holds a different plan with the same title, “{theirs.title}”, that "
                       f"was started separately from this one, so the two cannot be merged: only "
                       f"copies of the same plan can.")
        else:
            message = (f"{name} holds a different plan, “{theirs.title or 'untitled'}”, not a copy of "
                       f"“{mine.title or 'untitled'}”, so the two cannot be merged: only copies of the "
                       f"same plan can.")
        raise DifferentPlan(message)
    engine = _Engine(mine, theirs, choices=choices, prefer=prefer, now=now, name=name)
    engine.run()
    return Preview(their_name=name, mine_title=mine.title, theirs_title=theirs.title, prefer=prefer,
                   choices=dict(choices), now=now, items=engine.sorted_items(),
                   clock_warnings=engine.clock_warnings, mine=mine, theirs=theirs,
                   outcome=engine.outcome())


class _Engine:
    def __init__(self, mine: Copy, theirs: Copy, *, choices: dict[str, str], prefer: str, now: str,
                 name: str):
        self.mine, self.theirs = mine, theirs
        self.choices, self.prefer, self.now, self.name = choices, prefer, now, name
        self.me = mine.device_id
        self.future = _plus(now, CLOCK_TOLERANCE) if now else "9999"
        # The merged state: rows alive per table (starting from this plan), stamps of records whose
        # stamps change, tombstones, and where each alive row came from.
        self.alive: dict[str, dict[str, tuple | dict[str, Any]]] = {t: dict(r) for t, r in mine.rows.items()}
        self.new_stamps: dict[str, dict[str, Stamp]] = {}
        self.new_stamp_text: dict[str, dict[str, tuple[str, str]]] = {}
        self.tombs: dict[str, tuple[str, str, str]] = dict(mine.tombstones)
        self.touched: set[tuple[str, str]] = set()
        self.history: dict[str, tuple] = {}
        self.items: list[Item] = []
        self.clock_warnings: list[ClockWarning] = []
        self.questions: dict[str, dict] = {}

    # helpers ------------------------------------------------------------------------------------

    def who(self, side: str) -> str:
        """Who made a change, at the start of a sentence."""
        if side == MINE:
            return "You"
        if side == AUTOMATIC:
            return "The merge"
        return self.name

    def sentence(self, text: str) -> str:
        """A partner's name (say, a file name) is written as given; everything else is capitalised."""
        return text if text.startswith(self.name) and self.name != OTHER_COPY else _cap(text)

    def stamp_text_of(self, record_id: str) -> dict[str, tuple[str, str]]:
        if record_id in self.new_stamp_text:
            return self.new_stamp_text[record_id]
        return self.mine.stamp_text.get(record_id, {})

    def copy(self, side: str) -> Copy:
        return self.mine if side == MINE else self.theirs

    def stamps_of(self, record_id: str) -> dict[str, Stamp]:
        if record_id in self.new_stamps:
            return self.new_stamps[record_id]
        return self.mine.stamps.get(record_id, {})

    def result_stamp(self, table: str, record_id: str, column: str) -> Stamp:
        row = self.alive[table][record_id]
        return self.stamps_of(record_id).get(column) or (_norm(_value(table, row, "created_at")), "")

    def alive_row(self, table: str, record_id: Any) -> dict[str, Any] | None:
        found = self.alive.get(table, {}).get(record_id)
        return None if found is None else _as_dict(table, found)

    def find_row(self, table: str, record_id: Any) -> dict[str, Any] | None:
        if not isinstance(record_id, str):
            return None
        return (self.alive_row(table, record_id) or self.mine.row(table, record_id)
                or self.theirs.row(table, record_id))

    def set_row(self, table: str, record_id: str, row: dict[str, Any] | None,
                stamps: dict[str, Stamp] | None, stamp_text: dict[str, tuple[str, str]] | None) -> None:
        if row is None:
            self.alive[table].pop(record_id, None)
        else:
            self.alive[table][record_id] = row
            self.tombs.pop(record_id, None)
        if stamps is not None:
            self.new_stamps[record_id] = stamps
            self.new_stamp_text[record_id] = stamp_text or {}
        self.touched.add((table, record_id))

    def bury(self, table: str, record_id: str, at: str, by: str) -> None:
        self.alive[table].pop(record_id, None)
        self.tombs[record_id] = (table, at, by)
        self.new_stamps[record_id] = {}
        self.new_stamp_text[record_id] = {}
        self.touched.add((table, record_id))

    def keep_history(self, table: str, row: dict[str, Any], reason: str) -> None:
        data = _row_json(row)
        history_id = _history_id(table, row["id"], data)
        if history_id in self.mine.history or history_id in self.history:
            return
        self.history[history_id] = (history_id, table, row["id"], data, self.now, self.me, reason)

    def decide(self, key: str, allowed: tuple[str, ...], doubt: bool) -> tuple[str, str, str]:
        """(default, chosen, reason) for a conflict between MINE and THEIRS."""
        if self.prefer in (MINE, THEIRS):
            default, reason = self.prefer, f"you asked to prefer {'your' if self.prefer == MINE else 'their'} version"
        elif doubt:
            default, reason = MINE, "a clock is wrong, so time cannot decide; your version stays until you choose"
        else:
            default, reason = NEWER, "the newer edit"
        chosen = self.choices.get(key, default)
        if chosen not in allowed:
            raise MergeError(f"“{chosen}” is not a choice for this conflict.", "invalid_choice")
        if chosen != default:
            reason = "your choice"
        return default, chosen, reason

    def phrase(self, table: str, row: dict[str, Any] | None) -> str:
        """A noun phrase naming a record: the strategy “Expand after-school programs”."""
        if row is None:
            return f"a {NOUNS.get(table, table.replace('_', ' '))} that no longer exists"
        if table == "plan":
            return "the plan profile"
        if table == "engagement_summary":
            return "the engagement summary (Form A)"
        if table == "category_status":
            return f"committee category {_category_text(row.get('category'))}"
        if table == "risk_score":
            criterion = self.find_row("criterion", row.get("criterion_id")) or {}
            return (f"the score of {self.ref('risk', row.get('risk_id'))} on the criterion "
                    f"{_quote(criterion.get('name'))}")
        if table == "measurement":
            return (f"the measurement of {row.get('measured_on') or 'no date'} for "
                    f"{self.ref('indicator', row.get('indicator_id'))}")
        if table == "progress_update":
            return (f"the progress update of {row.get('reported_on') or 'no date'} on "
                    f"{self.ref('strategy', row.get('strategy_id'))}")
        if table == "evidence":
            return f"the evidence {_quote(row.get('indicator') or row.get('source'))} on {self.ref('risk', row.get('risk_id'))}"
        if table in LINKS:
            owner_col, target_col, _, _ = LINKS[table]
            return (f"the link between {self.end(table, owner_col, row.get(owner_col))} and "
                    f"{self.end(table, target_col, row.get(target_col))}")
        label = row.get(LABEL_COLUMNS.get(table, "id"))
        if table == "strategy" and row.get("number"):
            return f"the strategy {row.get('number')} {_quote(label)}"
        return f"the {NOUNS.get(table, table.replace('_', ' '))} {_quote(label)}"

    def ref(self, table: str, record_id: Any) -> str:
        return self.phrase(table, self.find_row(table, record_id))

    def end(self, table: str, column: str, value: Any) -> str:
        parent = _PARENTS.get((table, column))
        if parent:
            return self.ref(parent, value)
        return self.show(table, column, value)

    def show(self, table: str, column: str, value: Any, limit: int = _SHORT) -> str:
        if value is None or value == "":
            return "nothing"
        parent = _PARENTS.get((table, column))
        if parent:
            return self.ref(parent, value)
        if column in BOOL_COLUMNS:
            return "yes" if value else "no"
        if column == "category":
            return _category_text(value)
        texts = _ENUM_TEXTS_IN.get((table, column)) or _ENUM_TEXTS.get(column)
        if texts and value in texts:
            return texts[value]
        if isinstance(value, bytes):
            return "an image"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, (int, float)):
            return _number(value)
        text = str(value)
        if column == "labels":
            try:
                text = ", ".join(str(v) for v in json.loads(text))
            except (ValueError, TypeError):
                pass
        if _DATE_RE.match(text):
            return text
        return f"“{_shorten(text, limit)}”"

    def add_item(self, kind: str, table: str, record_id: str, text: str,
                 fields: Iterable[FieldChange] = (), conflict: Conflict | None = None) -> None:
        self.items.append(Item(kind, table_step(table), table, record_id, self.sentence(text),
                               tuple(fields), conflict))

    def sorted_items(self) -> list[Item]:
        steps = {code: n for n, code in enumerate(framework.STEP_CODES)}
        kinds = {kind: n for n, kind in enumerate(KIND_ORDER)}
        return sorted(self.items, key=lambda i: (steps.get(i.step, 99), kinds[i.kind], i.text, i.record_id))

    # the steps ----------------------------------------------------------------------------------

    def run(self) -> None:
        self.check_clocks()
        their_tombs: dict[str, list[tuple[str, tuple[str, str, str]]]] = defaultdict(list)
        for record_id, tomb in self.theirs.tombstones.items():
            their_tombs[tomb[0]].append((record_id, tomb))
        for table in _record_tables():
            mine_rows = self.mine.rows.get(table, {})
            theirs_rows = self.theirs.rows.get(table, {})
            mine_stamps, theirs_stamps = self.mine.stamps, self.theirs.stamps
            for record_id, t_row in theirs_rows.items():
                m_row = mine_rows.get(record_id)
                if m_row is not None:
                    if m_row == t_row and mine_stamps.get(record_id) == theirs_stamps.get(record_id):
                        continue
                    self.merge_both(table, record_id, _as_dict(table, m_row), _as_dict(table, t_row))
                elif record_id in self.mine.tombstones:
                    if self.mine.tombstones[record_id][0] == table:
                        self.deleted_here(table, record_id, _as_dict(table, t_row))
                elif self.mine.row_table.get(record_id) is None:
                    self.added_there(table, record_id, _as_dict(table, t_row))
            for record_id, tomb in their_tombs.get(table, ()):
                m_row = mine_rows.get(record_id)
                if m_row is not None:
                    self.deleted_there(table, record_id, _as_dict(table, m_row), tomb)
                elif self.mine.row_table.get(record_id) is None:
                    mine_tomb = self.mine.tombstones.get(record_id)
                    if mine_tomb is None or (_norm(tomb[1]), tomb[2]) > (_norm(mine_tomb[1]), mine_tomb[2]):
                        if mine_tomb is None or mine_tomb[0] == table:
                            self.tombs[record_id] = tomb
        self.remove_duplicates()
        self.keep_references()
        self.renumber_strategies()
        for history_id, row in self.theirs.history.items():
            if history_id not in self.mine.history:
                self.history.setdefault(history_id, row)

    def check_clocks(self) -> None:
        for side in (THEIRS, MINE):
            copy = self.copy(side)
            devices = set(copy.knowledge)
            for device in sorted(devices):
                latest = copy.knowledge[device]
                if latest <= self.future:
                    continue
                if side == THEIRS and self.mine.knowledge.get(device, "") >= latest:
                    continue  # already reported when it first came in
                when = latest[:16].replace("T", " ")
                if side == THEIRS:
                    text = (f"{self.name} holds edits dated {when} UTC, later than this computer's "
                            f"clock allows: the clock of the computer that made them (device "
                            f"{device[:8]}) is wrong, or this computer's is. Conflicts with those edits "
                            f"are not decided by time; choose for each one.")
                elif device == self.me:
                    text = (f"This plan holds edits made on this computer dated {when} UTC, in the "
                            f"future: this computer's clock was wrong when they were made. Conflicts "
                            f"with those edits are not decided by time; choose for each one.")
                else:
                    text = (f"This plan holds edits dated {when} UTC, in the future, that came from "
                            f"another computer (device {device[:8]}) whose clock is wrong. Conflicts "
                            f"with those edits are not decided by time; choose for each one.")
                self.clock_warnings.append(ClockWarning(device, side, latest, text))

    def doubtful(self, *stamps: Stamp) -> bool:
        return any(s[0] > self.future for s in stamps)

    def merge_both(self, table: str, record_id: str, m_row: dict[str, Any], t_row: dict[str, Any]) -> None:
        """Both copies have the record: field by field, the copy that changed a field gives it."""
        mine, theirs = self.mine, self.theirs
        m_created, t_created = _norm(m_row["created_at"]), _norm(t_row["created_at"])
        same_creation = m_created == t_created
        ms, ts = mine.stamps.get(record_id, _NONE), theirs.stamps.get(record_id, _NONE)
        columns = _data_columns(table)
        if same_creation:
            m_version = (_norm(m_row["modified_at"]), m_row["modified_by"])
            t_version = (_norm(t_row["modified_at"]), t_row["modified_by"])
            d = (m_created, "")
            if m_version[0] > t_version[0] and mine.knows(t_version) \
                    and all(ms.get(c, d) >= ts.get(c, d) for c in columns):
                return  # this plan saw their version and changed the record since: nothing new
            if t_version[0] > m_version[0] and theirs.knows(m_version) \
                    and not (table == "partner" and (mine.stripped or theirs.stripped)) \
                    and all(ts.get(c, d) > ms.get(c, d) if not _same(m_row[c], t_row[c])
                            else ts.get(c, d) >= ms.get(c, d) for c in columns):
                self.theirs_only(table, record_id, m_row, t_row)  # they saw ours, then changed it
                return
        key = f"{table}/{record_id}"
        merged = dict(m_row)
        if (t_created, t_row["created_at"]) < (m_created, m_row["created_at"]):
            merged["created_at"] = t_row["created_at"]
        as_created: Stamp = (min(m_created, t_created), "")
        m_default, t_default = (m_created, ""), (t_created, "")
        mt, tt = mine.stamp_text.get(record_id, _NONE), theirs.stamp_text.get(record_id, _NONE)
        m_text0, t_text0 = (m_row["created_at"], ""), (t_row["created_at"], "")
        strip = table == "partner" and (mine.stripped or theirs.stripped)
        stamps: dict[str, Stamp] = {}
        stamp_text: dict[str, tuple[str, str]] = {}
        theirs_fields: list[tuple[str, Any, Any]] = []
        conflicting: list[tuple] = []
        mine_replaced = theirs_lost = restamped = False
        for column in columns:
            vm, vt = m_row[column], t_row[column]
            sm, st = ms.get(column, m_default), ts.get(column, t_default)
            m_text, t_text = mt.get(column, m_text0), tt.get(column, t_text0)
            if strip and column in CONTACT_COLUMNS:  # blanks of a copy saved without contacts
                if theirs.stripped and vt == "" and vm != "":
                    vt, st, t_text = vm, sm, m_text
                elif mine.stripped and vm == "" and vt != "":
                    vm, sm, m_text = vt, st, t_text
            if vm == vt and _same(vm, vt):
                value, stamp, text = (vm, st, t_text) if st > sm else (vm, sm, m_text)
            else:
                if st != sm:
                    newer = THEIRS if st > sm else MINE
                else:
                    newer = THEIRS if _value_key(vt) > _value_key(vm) else MINE
                new_s, old_s = (st, sm) if newer == THEIRS else (sm, st)
                newer_copy, older_copy = (theirs, mine) if newer == THEIRS else (mine, theirs)
                knows_old = same_creation if old_s[1] == "" else newer_copy.knows(old_s)
                knows_new = same_creation if new_s[1] == "" else older_copy.knows(new_s)
                if not knows_old or knows_new:  # both changed it (or a clock is wrong): a question
                    doubt = st[0] > self.future or sm[0] > self.future or (knows_new and not knows_old)
                    conflicting.append((column, vm, vt, sm, st, m_text, t_text, newer, doubt))
                    continue
                if newer == THEIRS:  # only their copy changed it
                    value, stamp, text = vt, st, t_text
                    theirs_fields.append((column, vm, vt))
                    mine_replaced = True
                else:
                    value, stamp, text = vm, sm, m_text
            merged[column] = value
            if stamp != as_created:
                stamps[column] = stamp
                stamp_text[column] = text
        conflict = None
        conflict_fields: list[tuple[str, Any, Any, str, str]] = []
        if conflicting:
            doubt = any(c[8] for c in conflicting)
            default, chosen, reason = self.decide(key, (NEWER, MINE, THEIRS), doubt)
            newer_sides = {c[7] for c in conflicting}
            if default == NEWER and len(newer_sides) == 1:
                default = next(iter(newer_sides))
                chosen = self.choices.get(key, default)
            options = (Option(MINE, "Keep your version"), Option(THEIRS, f"Take the version of {self.name}"))
            if len(newer_sides) > 1:
                options = (Option(NEWER, "Keep the newer edit of each field"),) + options
            conflict = Conflict(key, "fields", options, default, chosen, reason, doubt)
            for column, vm, vt, sm, st, m_text, t_text, newer, _ in conflicting:
                choice = self.choices.get(f"{key}/{column}", chosen)
                if choice not in (NEWER, MINE, THEIRS):
                    raise MergeError(f"“{choice}” is not a choice for this conflict.", "invalid_choice")
                side = newer if choice == NEWER else choice
                if side == newer:
                    value, stamp, text = (vt, st, t_text) if side == THEIRS else (vm, sm, m_text)
                elif side == MINE and st[0] > self.future:
                    value, stamp, text = vm, sm, m_text  # their stamp is in the future: ask again next time
                else:  # a choice against the newer edit is a new edit, so that it holds later too
                    value, stamp, text = (vt if side == THEIRS else vm), (self.now, self.me), (self.now, self.me)
                    restamped = True
                merged[column] = value
                if stamp != as_created:
                    stamps[column] = stamp
                    stamp_text[column] = text
                if side == THEIRS:
                    mine_replaced = True
                else:
                    theirs_lost = True
                conflict_fields.append((column, vm, vt, newer, side))
        # The record's own stamp: the latest of both rows and of any new decision.
        latest = max((_norm(m_row["modified_at"]), m_row["modified_by"], m_row["modified_at"]),
                     (_norm(t_row["modified_at"]), t_row["modified_by"], t_row["modified_at"]),
                     (self.now, self.me, self.now) if restamped else ("", "", ""))
        merged["modified_at"], merged["modified_by"] = latest[2], latest[1]
        if theirs_lost:
            self.keep_history(table, t_row, "merge: their version, partly kept" if mine_replaced
                              else "merge: their version, not kept")
        if merged != m_row or stamps != ms:
            self.set_row(table, record_id, merged, stamps, stamp_text)
        if mine_replaced:
            self.keep_history(table, m_row, "merge: replaced by " + (
                "their version" if merged == t_row else "a combination of both copies"))
        changes = [self.field_change(table, merged, c, vm, vt, THEIRS, THEIRS, THEIRS)
                   for c, vm, vt in theirs_fields]
        if conflict:
            changes += [self.field_change(table, merged, c, vm, vt, "both", newer, side)
                        for c, vm, vt, newer, side in conflict_fields]
            order = {c: n for n, c in enumerate(_data_columns(table))}
            changes.sort(key=lambda f: order[f.column])
            self.report_conflict(table, record_id, merged, changes, conflict)
        elif changes:
            if len(changes) == 1:
                text = changes[0].text
            else:
                text = f"{self.name} changed {self.phrase(table, merged)}: the {_and([c.field for c in changes])}."
            self.add_item(CHANGED, table, record_id, text, changes)

    def theirs_only(self, table: str, record_id: str, m_row: dict[str, Any], t_row: dict[str, Any]) -> None:
        """Their copy changed the record after seeing this plan's version: their version it is."""
        stamps = dict(self.theirs.stamps.get(record_id, _NONE))
        stamp_text = dict(self.theirs.stamp_text.get(record_id, _NONE))
        self.set_row(table, record_id, dict(t_row), stamps, stamp_text)
        differing = [(c, m_row[c], t_row[c]) for c in _data_columns(table) if not _same(m_row[c], t_row[c])]
        if not differing:
            return
        self.keep_history(table, m_row, "merge: replaced by their version")
        changes = [self.field_change(table, t_row, c, vm, vt, THEIRS, THEIRS, THEIRS) for c, vm, vt in differing]
        if len(changes) == 1:
            text = changes[0].text
        else:
            text = f"{self.name} changed {self.phrase(table, t_row)}: the {_and([c.field for c in changes])}."
        self.add_item(CHANGED, table, record_id, text, changes)

    def field_change(self, table: str, row: dict[str, Any], column: str, vm: Any, vt: Any,
                     changed_by: str, newer: str, kept: str) -> FieldChange:
        name = field_name(table, column)
        old, new = self.show(table, column, vm), self.show(table, column, vt)
        subject = self.phrase(table, row)
        long_text = any(isinstance(v, str) and (len(v) > _SHORT or "\n" in v.strip()) for v in (vm, vt))
        if changed_by == "both":
            text = f"You and {self.name} both changed the {name} of {subject}: yours {old}, theirs {new}."
        elif vm in (None, "") and not long_text:
            text = f"{self.name} set the {name} of {subject} to {new}."
        elif vt in (None, "") and not long_text:
            text = f"{self.name} cleared the {name} of {subject} (it was {old})."
        elif long_text or isinstance(vm, bytes) or isinstance(vt, bytes):
            text = f"{self.name} changed the {name} of {subject}."
        else:
            text = f"{self.name} changed the {name} of {subject} from {old} to {new}."
        return FieldChange(column, name, vm, vt, self.show(table, column, vm, _LONG),
                           self.show(table, column, vt, _LONG), changed_by, newer, kept, self.sentence(text))

    def report_conflict(self, table: str, record_id: str, row: dict[str, Any],
                        changes: list[FieldChange], conflict: Conflict) -> None:
        both = [c for c in changes if c.changed_by == "both"]
        text = (f"You and {self.name} both changed {self.phrase(table, row)} since the copies parted: "
                f"the {_and([c.field for c in both])}.")
        self.add_item(CONFLICT, table, record_id, text, changes, conflict)

    def added_there(self, table: str, record_id: str, t_row: dict[str, Any]) -> None:
        stamps = {c: s for c, s in self.theirs.stamps.get(record_id, {}).items()
                  if s != (_norm(t_row["created_at"]), "")}
        text = {c: self.theirs.stamp_text[record_id][c] for c in stamps}
        self.set_row(table, record_id, dict(t_row), stamps, text)
        self.add_item(ADDED, table, record_id, self.added_text(table, t_row, THEIRS))

    def added_text(self, table: str, row: dict[str, Any], side: str) -> str:
        if table in LINKS:
            owner_col, target_col, linked, _ = LINKS[table]
            return f"{self.who(side)} " + linked.format(
                owner=self.end(table, owner_col, row.get(owner_col)),
                target=self.end(table, target_col, row.get(target_col))) + "."
        return f"{self.who(side)} added {self.phrase(table, row)}."

    def deleted_text(self, table: str, row: dict[str, Any], side: str) -> str:
        if table in LINKS:
            owner_col, target_col, _, unlinked = LINKS[table]
            return f"{self.who(side)} " + unlinked.format(
                owner=self.end(table, owner_col, row.get(owner_col)),
                target=self.end(table, target_col, row.get(target_col))) + "."
        return f"{self.who(side)} deleted {self.phrase(table, row)}."

    def deleted_there(self, table: str, record_id: str, m_row: dict[str, Any],
                      tomb: tuple[str, str, str]) -> None:
        """This plan has the record; the other copy deleted it."""
        row_s: Stamp = (_norm(m_row["modified_at"]), m_row["modified_by"])
        del_s: Stamp = (_norm(tomb[1]), tomb[2])
        deletion_newer = del_s[0] >= row_s[0]
        if deletion_newer and self.theirs.knows(row_s):
            self.mine_history_and_bury(table, m_row, tomb, f"merge: deleted in {self.name}")
            self.add_item(DELETED, table, record_id, self.deleted_text(table, m_row, THEIRS))
            return
        if not deletion_newer and self.mine.knows(del_s):
            self.keep_alive(table, m_row, MINE, tomb)  # brought back here after the deletion
            return
        key = f"{table}/{record_id}"
        doubt = self.doubtful(row_s, del_s)
        default, chosen, reason = self.decide(key, (NEWER, MINE, THEIRS), doubt)
        if default == NEWER:
            default = THEIRS if deletion_newer else MINE
            chosen = self.choices.get(key, default)
        side = (THEIRS if deletion_newer else MINE) if chosen == NEWER else chosen
        subject = self.phrase(table, m_row)
        if deletion_newer:
            text = (f"You changed {subject}, but {self.name} deleted it afterwards, so it goes "
                    f"(your version is kept in the history) unless you choose otherwise.")
        else:
            text = (f"{self.name} deleted {subject}, but you changed it afterwards, so it stays "
                    f"unless you choose otherwise.")
        options = (Option(MINE, "Keep it"), Option(THEIRS, "Delete it, as in the copy of " + self.name))
        conflict = Conflict(key, "deleted_by_them", options, default, chosen, reason, doubt)
        if side == THEIRS:
            stamp = tomb if deletion_newer else (table, self.now, self.me)
            self.mine_history_and_bury(table, m_row, stamp, f"merge: deleted in {self.name}")
        elif deletion_newer and not (doubt and del_s[0] > self.future):
            row = dict(m_row, modified_at=self.now, modified_by=self.me)  # kept against the deletion
            self.keep_alive(table, row, MINE, tomb)
        elif not deletion_newer:
            self.keep_alive(table, m_row, MINE, tomb)
        self.add_item(CONFLICT, table, record_id, text, (), conflict)

    def outlives(self, table: str, row: dict[str, Any], stamps: dict[str, Stamp],
                 stamp_text: dict[str, tuple[str, str]], tomb: tuple[str, str, str] | None
                 ) -> tuple[dict[str, Stamp], dict[str, tuple[str, str]]]:
        """A record that lives on after a deletion keeps the values of the copy that edited it after
        the deletion; fields last set before the deletion count as set at the deletion, so that an
        older edit in yet another copy does not come back through it later."""
        if tomb is None:
            return stamps, stamp_text
        deletion: Stamp = (_norm(tomb[1]), tomb[2])
        created: Stamp = (_norm(row["created_at"]), "")
        stamps, stamp_text = dict(stamps), dict(stamp_text)
        for column in _data_columns(table):
            if stamps.get(column, created) < deletion:
                stamps[column] = deletion
                stamp_text[column] = (tomb[1], tomb[2])
        return stamps, stamp_text

    def keep_alive(self, table: str, row: dict[str, Any], side: str,
                   tomb: tuple[str, str, str] | None) -> None:
        """`row` (from `side`) wins over the deletion `tomb`."""
        record_id = row["id"]
        source = self.copy(side)
        stamps = {c: s for c, s in source.stamps.get(record_id, {}).items()
                  if s != (_norm(row["created_at"]), "")}
        stamp_text = {c: source.stamp_text[record_id][c] for c in stamps}
        stamps, stamp_text = self.outlives(table, row, stamps, stamp_text, tomb)
        if side == MINE and row == self.mine.row(table, record_id) \
                and stamps == self.mine.stamps.get(record_id, {}):
            return
        self.set_row(table, record_id, row, stamps, stamp_text)

    def mine_history_and_bury(self, table: str, m_row: dict[str, Any], tomb: tuple[str, str, str],
                              reason: str) -> None:
        self.keep_history(table, m_row, reason)
        self.bury(table, m_row["id"], tomb[1], tomb[2])

    def deleted_here(self, table: str, record_id: str, t_row: dict[str, Any]) -> None:
        """The other copy has the record; this plan deleted it."""
        tomb = self.mine.tombstones[record_id]
        row_s: Stamp = (_norm(t_row["modified_at"]), t_row["modified_by"])
        del_s: Stamp = (_norm(tomb[1]), tomb[2])
        deletion_newer = del_s[0] >= row_s[0]
        if deletion_newer and self.mine.knows(row_s):
            return  # deleted here after seeing their version: nothing changes
        if not deletion_newer and self.theirs.knows(del_s):
            self.keep_alive(table, dict(t_row), THEIRS, tomb)
            self.add_item(RESTORED, table, record_id,
                          f"{self.name} brought back {self.phrase(table, t_row)}, which you had deleted.")
            return
        key = f"{table}/{record_id}"
        doubt = self.doubtful(row_s, del_s)
        default, chosen, reason = self.decide(key, (NEWER, MINE, THEIRS), doubt)
        if default == NEWER:
            default = MINE if deletion_newer else THEIRS
            chosen = self.choices.get(key, default)
        side = (MINE if deletion_newer else THEIRS) if chosen == NEWER else chosen
        subject = self.phrase(table, t_row)
        if deletion_newer:
            text = (f"{self.name} changed {subject}, but you deleted it afterwards, so it stays "
                    f"deleted (their version is kept in the history) unless you choose otherwise.")
        else:
            text = (f"You deleted {subject}, but {self.name} changed it afterwards, so it comes back "
                    f"unless you choose otherwise.")
        options = (Option(MINE, "Leave it deleted"), Option(THEIRS, "Bring it back, as in the copy of " + self.name))
        conflict = Conflict(key, "deleted_by_you", options, default, chosen, reason, doubt)
        if side == THEIRS:
            row = dict(t_row)
            if deletion_newer:
                row.update(modified_at=self.now, modified_by=self.me)
            self.keep_alive(table, row, THEIRS, tomb)
        else:
            self.keep_history(table, t_row, "merge: their version, deleted here")
            if not deletion_newer and not (doubt and row_s[0] > self.future):
                self.tombs[record_id] = (table, self.now, self.me)
                self.touched.add((table, record_id))
        self.add_item(CONFLICT, table, record_id, text, (), conflict)

    # what the merge decides by itself ------------------------------------------------------------

    def remove_duplicates(self) -> None:
        """Two records that the schema allows only once (the same link made with different ids)."""
        for table, keys in _unique_keys().items():
            rows = self.alive.get(table, {})
            for columns in keys:
                groups: dict[tuple, list] = defaultdict(list)
                for row in rows.values():
                    groups[tuple(_value(table, row, c) for c in columns)].append(row)
                for found in groups.values():
                    if len(found) < 2:
                        continue
                    group = [_as_dict(table, r) for r in found]
                    group.sort(key=lambda r: (_norm(r["modified_at"]), r["modified_by"], r["id"]))
                    keeper = group[-1]
                    at = _after(max(_norm(r["modified_at"]) for r in group))
                    for row in group[:-1]:
                        self.keep_history(table, row, "merge: duplicate")
                        self.bury(table, row["id"], at, AUTOMATIC)
                        self.add_item(DUPLICATE, table, row["id"],
                                      f"{self.phrase(table, row)} was in the plan twice; the merge "
                                      f"kept one ({self.phrase(table, keeper)}).")

    def keep_references(self) -> None:
        """No record may point at one that is gone: bring it back (default) or let go."""
        while True:
            dangling: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
            for ref in REFERENCES:
                parents = self.alive.get(ref.parent, {})
                position = _column_index(ref.child)[ref.column]
                for record_id, row in self.alive.get(ref.child, {}).items():
                    value = row.get(ref.column) if isinstance(row, dict) else row[position]
                    if value is not None and value not in parents:
                        dangling[(ref.parent, value)].append((ref.child, record_id, ref.column, ref.rule))
            if not dangling:
                return
            for (table, record_id), users in sorted(dangling.items()):
                self.settle(table, record_id, users)

    def settle(self, table: str, record_id: str, users: list[tuple[str, str, str, str]]) -> None:
        key = f"needed/{table}/{record_id}"
        source_side = MINE if self.mine.row(table, record_id) is not None else THEIRS
        source = self.copy(source_side).row(table, record_id)
        tomb = self.tombs.get(record_id) or self.theirs.tombstones.get(record_id) or self.mine.tombstones.get(record_id)
        chosen = self.choices.get(key, KEEP)
        if chosen not in (KEEP, LET_GO):
            raise MergeError(f"“{chosen}” is not a choice for this question.", "invalid_choice")
        if source is None:
            chosen = LET_GO  # nothing to bring back (a file that was not consistent)
        deleter = THEIRS if record_id in self.theirs.tombstones else MINE
        question = self.questions.get(key)
        if question is None:
            question = self.questions[key] = {"users": [], "table": table, "row": source}
        question["users"].extend(users)
        if chosen == KEEP:
            row = dict(source)
            moments = [_norm(source["modified_at"])] + ([_norm(tomb[1])] if tomb else [])
            for child, child_id, column, _ in users:
                moments.append(self.result_stamp(child, child_id, column)[0])
            at = _after(max(moments))
            row.update(modified_at=at, modified_by=AUTOMATIC)
            self.keep_alive(table, row, source_side, tomb)
            if source_side == MINE:  # this plan's own row stays: it was not replaced after all
                self.history.pop(_history_id(table, record_id, _row_json(source)), None)
            self.items = [i for i in self.items
                          if not (i.kind == DELETED and i.table == table and i.record_id == record_id)]
        else:
            for child, child_id, column, rule in users:
                self.let_go(child, child_id, column, rule, record_id)
        self.items = [i for i in self.items if not (i.conflict and i.conflict.key == key)]
        users_text = []
        for child, child_id, column, rule in question["users"][:4]:
            row = self.find_row(child, child_id)
            if child in LINKS:
                users_text.append(self.phrase(child, row))
            elif rule == "cascade":
                users_text.append(f"{self.phrase(child, row)}, which belongs to it")
            else:
                users_text.append(f"{self.phrase(child, row)} (as {field_name(child, column)})")
        more = len(question["users"]) - 4
        if more > 0:
            users_text.append(f"{more} more")
        subject = self.phrase(table, source)
        if chosen == KEEP:
            outcome = "it is kept (it comes back) unless you let it go"
        else:
            outcome = "it is let go: what points at it is cleared, what belongs to it goes with it"
        text = (f"{self.who(deleter)} deleted {subject}, but it is still needed by {_and(users_text)}; "
                f"{outcome}.")
        conflict = Conflict(key, "still_needed",
                            (Option(KEEP, f"Keep {subject}"),
                             Option(LET_GO, "Let it go: clear those pointers and remove what belongs to it")),
                            KEEP, chosen, "keeping it loses nothing" if chosen == KEEP else "your choice")
        self.add_item(QUESTION, table, record_id, text, (), conflict)

    def let_go(self, table: str, record_id: str, column: str, rule: str, parent_id: str) -> None:
        row = self.alive_row(table, record_id)
        if row is None:
            return
        if rule == "cascade":
            self.remove_tree(table, record_id)
        else:
            before = self.mine.row(table, record_id)
            self.keep_history(table, before or row, "merge: let go")
            new = dict(row, **{column: None}, modified_at=self.now, modified_by=self.me)
            stamps = dict(self.stamps_of(record_id))
            text = dict(self.stamp_text_of(record_id))
            stamps[column] = (self.now, self.me)
            text[column] = (self.now, self.me)
            self.set_row(table, record_id, new, stamps, text)

    def remove_tree(self, table: str, record_id: str) -> None:
        row = self.alive_row(table, record_id)
        if row is None:
            return
        for ref in REFERENCES:
            if ref.parent != table:
                continue
            for child_id in [i for i, r in self.alive.get(ref.child, {}).items()
                             if _value(ref.child, r, ref.column) == record_id]:
                self.let_go(ref.child, child_id, ref.column, ref.rule, record_id)
        self.keep_history(table, self.mine.row(table, record_id) or row, "merge: let go")
        self.bury(table, record_id, self.now, self.me)

    def renumber_strategies(self) -> None:
        strategies = self.alive.get("strategy", {})
        by_number: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in strategies.values():
            by_number[_value("strategy", row, "number")].append(_as_dict("strategy", row))
        clashes = sorted((n for n, rows in by_number.items() if len(rows) > 1), key=_value_key)
        if not clashes:
            return
        next_number = max((n for n in by_number if isinstance(n, int)), default=0) + 1
        for number in clashes:
            group = by_number[number]
            group.sort(key=lambda r: (self.result_stamp("strategy", r["id"], "number"),
                                      _norm(r["created_at"]), r["id"]))
            at = _after(max(self.result_stamp("strategy", r["id"], "number")[0] for r in group))
            for row in sorted(group[1:], key=lambda r: (_norm(r["created_at"]), r["id"])):
                record_id = row["id"]
                new = dict(row, number=next_number, modified_at=max(row["modified_at"], at, key=_norm),
                           modified_by=AUTOMATIC if _norm(at) >= _norm(row["modified_at"]) else row["modified_by"])
                stamps = dict(self.stamps_of(record_id))
                text = dict(self.stamp_text_of(record_id))
                stamps["number"] = (at, AUTOMATIC)
                text["number"] = (at, AUTOMATIC)
                before = self.mine.row("strategy", record_id)
                if before is not None:
                    self.keep_history("strategy", before, "merge: renumbered")
                theirs = self.theirs.row("strategy", record_id)
                if theirs is not None and theirs.get("number") != next_number:
                    self.keep_history("strategy", theirs, "merge: renumbered")
                self.set_row("strategy", record_id, new, stamps, text)
                self.add_item(RENUMBERED, "strategy", record_id,
                              f"Two strategies had the number {number} after the merge; "
                              f"{_quote(row.get('title'))} is now number {next_number}.")
                next_number += 1

    # the result ---------------------------------------------------------------------------------

    def outcome(self) -> _Outcome:
        out = _Outcome()
        for table, record_id in sorted(self.touched):
            after = self.alive_row(table, record_id)
            before = self.mine.row(table, record_id)
            if after != before:
                out.rows[(table, record_id)] = after
            if after is None or before is None:
                out.stamps[record_id] = {} if after is None else dict(self.stamp_text_of(record_id))
            elif record_id in self.new_stamps:
                new_text = self.new_stamp_text.get(record_id) or {}
                if new_text != self.mine.stamp_text.get(record_id, {}):
                    out.stamps[record_id] = new_text
        for record_id in set(self.tombs) | set(self.mine.tombstones):
            after_t = self.tombs.get(record_id)
            if after_t != self.mine.tombstones.get(record_id):
                out.tombstones[record_id] = after_t
        out.history = dict(self.history)
        for device, at in self.theirs.knowledge.items():
            if device != AUTOMATIC and at > self.mine.seen.get(device, "") and at > self.mine.knowledge.get(device, ""):
                out.meta["seen:" + device] = at
        return out


def _category_text(value: Any) -> str:
    for c in framework.COMMITTEE_CATEGORIES:
        if c.number == value:
            return f"{c.number} ({c.short})"
    return str(value)


def _history_id(table: str, record_id: str, data: str) -> str:
    """derived_id("history", table, record_id, data), computed without the uuid module's overhead."""
    name = "\x1f".join(("history", table, str(record_id), data))
    digest = bytearray(hashlib.sha1(ID_NAMESPACE.bytes + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _row_json(row: dict[str, Any]) -> str:
    def encode(v: Any) -> Any:
        if isinstance(v, bytes):
            return {"$base64": base64.b64encode(v).decode("ascii")}
        return v
    if any(isinstance(v, bytes) for v in row.values()):
        row = {k: encode(v) for k, v in row.items()}
    return json.dumps(row, ensure_ascii=False)


def _row_from_json(data: str) -> dict[str, Any]:
    raw = json.loads(data)
    if not isinstance(raw, dict):
        raise ValueError("not a row")
    out = {}
    for k, v in raw.items():
        if isinstance(v, dict) and set(v) == {"$base64"}:
            v = base64.b64decode(v["$base64"])
        out[str(k)] = v
    return out


# --- applying and undoing -----------------------------------------------------------------------

def apply(mine: Plan, preview_: Preview, choices: Mapping[str, str] | None = None) -> MergeResult:
    """Merge into the open plan in one transaction, with the choices of the review (or the
    preview's own). Returns the before-image that `undo` needs to take the whole merge back."""
    if choices is not None and dict(choices) != preview_.choices:
        preview_ = preview_.rechoose(choices)
    if mine.revision != preview_.mine.revision or mine.device_id != preview_.mine.device_id:
        raise MergeError("The plan has changed since this merge was reviewed, so review the merge again.",
                         "plan_changed")
    out = preview_.outcome
    before = BeforeImage()
    if not out:
        return MergeResult(preview_, before)
    snap = preview_.mine
    conn = mine.conn
    row_ids = {record_id for _, record_id in out.rows}
    gone: dict[str, list[str]] = defaultdict(list)
    changed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    new: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with mine.transaction() as change:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        for (table, record_id), row in out.rows.items():
            was = snap.row(table, record_id)
            before.rows[(table, record_id)] = was
            if row is None:
                gone[table].append(record_id)
            elif was is not None:
                changed[table].append(row)
            else:
                new[table].append(row)
            change.note(table, record_id)
        for record_id in set(out.stamps) | row_ids:
            if record_id in snap.row_table:
                before.stamps[record_id] = dict(snap.stamp_text.get(record_id, {}))
            else:  # a deleted record may still have stamps (for the undo of that deletion)
                before.stamps[record_id] = _read_stamps(conn, record_id)
        for record_id in set(out.tombstones) | row_ids:
            if record_id in snap.tombstones:
                before.tombstones[record_id] = snap.tombstones[record_id]
            else:
                before.tombstones[record_id] = (None if record_id in snap.row_table
                                                else _read_tombstone(conn, record_id))
        # Rows that go, then rows that change, then rows that come (a unique key may move).
        for table, ids in gone.items():
            conn.executemany(f"DELETE FROM {_ident(table)} WHERE id = ?", [(i,) for i in ids])
        for table, rows in changed.items():
            columns = schema.table_columns(table)[1:]
            conn.executemany(_update_sql(table), [[r.get(c) for c in columns] + [r["id"]] for r in rows])
        for table, rows in new.items():
            columns = schema.table_columns(table)
            conn.executemany(_insert_sql(table), [[r.get(c) for c in columns] for r in rows])
        final_tombs = {i: t for i, t in out.tombstones.items()}
        for table, ids in gone.items():
            for record_id in ids:
                final_tombs.setdefault(record_id, (table, preview_.now, mine.device_id))
        for rows in new.values():
            for r in rows:
                final_tombs[r["id"]] = None
        _write_tombstones(conn, final_tombs)
        if final_tombs:
            change.note("tombstone")
        _write_all_stamps(conn, out.stamps)
        if out.stamps:
            change.note("field_stamp")
        if out.history:
            conn.executemany(
                "INSERT OR IGNORE INTO history(id, table_name, record_id, data, replaced_at, replaced_by, reason) "
                "VALUES(?, ?, ?, ?, ?, ?, ?)", list(out.history.values()))
            before.history_added = list(out.history)
            change.note("history")
        for key, value in out.meta.items():
            before.meta[key] = mine.meta(key)
            conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            change.note("meta")
        _refuse_broken_references(mine, {t for t, _ in out.rows})
    return MergeResult(preview_, before)


@cache
def _update_sql(table: str) -> str:
    columns = schema.table_columns(table)[1:]
    return f"UPDATE {_ident(table)} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"


@cache
def _insert_sql(table: str) -> str:
    columns = schema.table_columns(table)
    return f"INSERT INTO {_ident(table)} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _write_tombstones(conn: sqlite3.Connection, tombs: Mapping[str, tuple[str, str, str] | None]) -> None:
    conn.executemany("DELETE FROM tombstone WHERE id = ?", [(i,) for i, t in tombs.items() if t is None])
    conn.executemany("INSERT INTO tombstone(id, table_name, deleted_at, deleted_by) VALUES(?, ?, ?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET table_name = excluded.table_name, "
                     "deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by",
                     [(i, t[0], t[1], t[2]) for i, t in tombs.items() if t is not None])


def _write_all_stamps(conn: sqlite3.Connection, stamps: Mapping[str, Mapping[str, tuple[str, str]]]) -> None:
    conn.executemany("DELETE FROM field_stamp WHERE record_id = ?", [(i,) for i in stamps])
    conn.executemany("INSERT INTO field_stamp(record_id, column_name, modified_at, modified_by) "
                     "VALUES(?, ?, ?, ?)",
                     [(i, c, at, by) for i, columns in stamps.items() for c, (at, by) in columns.items()])


def merge_copy(mine: Plan, theirs: Copy | Plan, *, name: str | None = None,
               choices: Mapping[str, str] | None = None, prefer: str = NEWER) -> MergeResult:
    """Preview and apply in one go (defaults for every question not in `choices`)."""
    return apply(mine, preview(mine, theirs, name=name, choices=choices, prefer=prefer))


def undo(plan: Plan, before: BeforeImage) -> None:
    """Put back exactly what a merge or a restore changed, in one transaction."""
    if not before:
        return
    with plan.transaction() as change:
        conn = plan.conn
        conn.execute("PRAGMA defer_foreign_keys = ON")
        by_table: dict[str, list[tuple[str, dict[str, Any] | None]]] = defaultdict(list)
        for (table, record_id), row in before.rows.items():
            by_table[table].append((record_id, row))
            change.note(table, record_id)
        for table, items in by_table.items():
            conn.executemany(f"DELETE FROM {_ident(table)} WHERE id = ?", [(i,) for i, _ in items])
            columns = schema.table_columns(table)
            conn.executemany(_insert_sql(table), [[row.get(c) for c in columns] for _, row in items
                                                  if row is not None])
        _write_all_stamps(conn, before.stamps)
        _write_tombstones(conn, before.tombstones)
        if before.history_added:
            conn.executemany("DELETE FROM history WHERE id = ?", [(h,) for h in before.history_added])
            change.note("history")
        for key, value in before.meta.items():
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            change.note("meta")
        _refuse_broken_references(plan, {t for t, _ in before.rows})


def _ident(name: str) -> str:
    if name not in _record_tables():
        raise ValueError(f"not a record table: {name!r}")
    return name


def _read_stamps(conn: sqlite3.Connection, record_id: str) -> dict[str, tuple[str, str]]:
    return {c: (at, by) for c, at, by in conn.execute(
        "SELECT column_name, modified_at, modified_by FROM field_stamp WHERE record_id = ?", (record_id,))}


def _read_tombstone(conn: sqlite3.Connection, record_id: str) -> tuple[str, str, str] | None:
    found = conn.execute("SELECT table_name, deleted_at, deleted_by FROM tombstone WHERE id = ?",
                         (record_id,)).fetchone()
    return tuple(found) if found else None  # type: ignore[return-value]


def _refuse_broken_references(plan: Plan, tables: Iterable[str]) -> None:
    """The last guard before the commit: a merge never leaves a record pointing at nothing."""
    touched = set(tables)
    children = touched | {ref.child for ref in REFERENCES if ref.parent in touched}
    for table in sorted(children & set(_record_tables())):
        if plan.conn.execute(f"PRAGMA foreign_key_check({_ident(table)})").fetchone() is not None:
            raise MergeError("The merge would leave records pointing at others that are gone, so "
                             "nothing was changed.", "broken_references")


# --- history ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    id: str
    table: str
    record_id: str
    data: dict[str, Any]
    replaced_at: str
    replaced_by: str
    reason: str

    @property
    def modified_at(self) -> str:
        return str(self.data.get("modified_at") or "")

    @property
    def label(self) -> str:
        return str(self.data.get(LABEL_COLUMNS.get(self.table, "id")) or "")


def record_history(plan: Plan, record_id: str) -> list[HistoryEntry]:
    """Versions of one record kept by merges, the most recent version first."""
    entries = []
    for hid, table, rid, data, at, by, reason in plan.conn.execute(
            "SELECT id, table_name, record_id, data, replaced_at, replaced_by, reason FROM history "
            "WHERE record_id = ?", (record_id,)):
        try:
            row = _row_from_json(data)
        except (ValueError, TypeError):
            continue
        entries.append(HistoryEntry(hid, table, rid, row, str(at), str(by), str(reason)))
    entries.sort(key=lambda e: (_norm(e.modified_at), _norm(e.replaced_at), e.id), reverse=True)
    return entries


def restore_version(plan: Plan, history_id: str) -> BeforeImage:
    """Make a kept version current again, as a new edit of this device (so that it also wins in
    later merges). The version it replaces goes to the history. Returns what `undo` needs."""
    row = plan.conn.execute(
        "SELECT id, table_name, record_id, data FROM history WHERE id = ?", (history_id,)).fetchone()
    if row is None:
        raise MergeError("That version is no longer in the history of this plan.", "not_found")
    _, table, record_id, data = row
    if table not in _record_tables() or table == "plan" and plan.row("plan", record_id) is None:
        raise MergeError("That version cannot be restored in this plan.", "not_found")
    version = _row_from_json(data)
    columns = _data_columns(table)
    before = BeforeImage()
    with plan.transaction() as change:
        plan.conn.execute("PRAGMA defer_foreign_keys = ON")
        for ref in REFERENCES:
            if ref.child == table and version.get(ref.column) is not None \
                    and plan.row(ref.parent, version[ref.column]) is None:
                noun = NOUNS.get(ref.parent, ref.parent)
                raise MergeError(f"This version cannot come back: the {noun} it points at "
                                 f"({field_name(table, ref.column)}) is no longer in the plan.",
                                 "missing_parent")
        current = plan.row(table, record_id)
        stamp = plan.stamp()
        before.rows[(table, record_id)] = current
        before.stamps[record_id] = _read_stamps(plan.conn, record_id)
        before.tombstones[record_id] = _read_tombstone(plan.conn, record_id)
        if current is not None:
            data_now = _row_json(current)
            hid = _history_id(table, record_id, data_now)
            if plan.conn.execute("SELECT 1 FROM history WHERE id = ?", (hid,)).fetchone() is None:
                plan.conn.execute(
                    "INSERT INTO history(id, table_name, record_id, data, replaced_at, replaced_by, reason) "
                    "VALUES(?, ?, ?, ?, ?, ?, ?)",
                    (hid, table, record_id, data_now, stamp, plan.device_id, "restore: replaced by an earlier version"))
                before.history_added.append(hid)
                change.note("history")
            values = {c: version.get(c) for c in columns}
            values.update(modified_at=stamp, modified_by=plan.device_id)
            plan.update_row(table, record_id, values)
        else:
            values = {c: version.get(c) for c in columns}
            values.update(id=record_id, created_at=version.get("created_at") or stamp,
                          modified_at=stamp, modified_by=plan.device_id)
            plan.insert_row(table, values)
            _write_all_stamps(plan.conn, {record_id: {c: (stamp, plan.device_id) for c in columns}})
            change.note("field_stamp")
        _refuse_broken_references(plan, {table})
    return before


__all__ = [
    "AUTOMATIC", "BeforeImage", "CLOCK_TOLERANCE", "ClockWarning", "Conflict", "Copy", "DifferentPlan",
    "FieldChange", "HistoryEntry", "Item", "KEEP", "LET_GO", "MINE", "MergeError", "MergeResult",
    "NEWER", "Option", "PREFERENCES", "Preview", "THEIRS", "apply", "merge_copy", "preview",
    "read_copy", "record_history", "restore_version", "undo",
]
