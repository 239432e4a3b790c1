"""Typed records: one frozen dataclass per plan table, and the conversions to and from rows.

Reading converts every value to the field's type, so a hand-edited or hostile file with an
integer where text belongs cannot crash the screens that show it.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import typing
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Callable


@dataclass(frozen=True, kw_only=True)
class Record:
    id: str
    created_at: str = ""
    modified_at: str = ""
    modified_by: str = ""


@dataclass(frozen=True, kw_only=True)
class PlanProfile(Record):
    title: str = ""
    community: str = ""
    community_type: str = "municipality"
    participating_communities: str = ""  # one community per line
    coordinators: str = ""  # one person per line
    champions: str = ""  # one person per line
    vision: str = ""
    period_start: str | None = None
    period_end: str | None = None
    adopted_on: str | None = None
    adoption_reference: str = ""
    published_on: str | None = None
    language: str = "en"
    logo: bytes | None = None
    logo_type: str = ""


@dataclass(frozen=True, kw_only=True)
class Partner(Record):
    organisation: str = ""
    sector: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""
    engagement_status: str = "identified"
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class CommitteeMember(Record):
    person: str = ""
    organisation: str = ""
    partner_id: str | None = None
    role: str = ""
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class CategoryStatus(Record):
    category: int = 0
    no_provider: bool = False
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Team(Record):
    kind: str = "implementation_team"
    name: str = ""
    background: str = ""
    purpose: str = ""
    objectives: str = ""
    membership: str = ""
    responsibilities: str = ""


@dataclass(frozen=True, kw_only=True)
class EngagementActivity(Record):
    title: str = ""
    held_on: str | None = None
    method: str = ""
    participants: int | None = None
    what_we_heard: str = ""


@dataclass(frozen=True, kw_only=True)
class EngagementSummary(Record):
    period_start: str | None = None
    period_end: str | None = None
    outreach_types: str = ""
    successes: str = ""
    challenges: str = ""
    findings: str = ""
    lessons: str = ""


@dataclass(frozen=True, kw_only=True)
class Participant(Record):
    sector_or_group: str = ""
    organisation: str = ""


@dataclass(frozen=True, kw_only=True)
class Asset(Record):
    name: str = ""
    kind: str = "program"
    owner_partner_id: str | None = None
    description: str = ""
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class RiskCategory(Record):
    name: str = ""
    from_rtd: bool = False


@dataclass(frozen=True, kw_only=True)
class Risk(Record):
    title: str = ""
    category_id: str | None = None
    description: str = ""
    problem_or_symptom: str = ""
    raised_by: str = ""
    evidence_and_seriousness: str = ""
    if_nothing_done: str = ""
    current_response: str = ""
    combined_approach: str = ""
    most_work_needed: str = ""
    is_priority: bool = False
    rank_override: int | None = None
    override_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class Evidence(Record):
    risk_id: str
    source: str = ""
    indicator: str = ""
    value: str = ""
    unit: str = ""
    year: int | None = None
    geography: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Criterion(Record):
    name: str = ""
    description: str = ""
    weight: float = 1.0
    labels: tuple[str, ...] = ()
    position: int = 0

    @property
    def levels(self) -> int:
        return len(self.labels)


@dataclass(frozen=True, kw_only=True)
class RiskScore(Record):
    risk_id: str
    criterion_id: str
    score: int | None = None
    rationale: str = ""


@dataclass(frozen=True, kw_only=True)
class Strategy(Record):
    number: int = 0
    title: str = ""
    description: str = ""
    area: str = "prevention"
    kind: str = "new"
    lead_partner_id: str | None = None
    status: str = "planned"
    start_on: str | None = None
    end_on: str | None = None
    resources: str = ""
    budget: float | None = None
    evidence_base: str = ""
    asset_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class LogicModelItem(Record):
    strategy_id: str
    kind: str = "activity"
    text: str = ""
    position: int = 0


@dataclass(frozen=True, kw_only=True)
class Outcome(Record):
    strategy_id: str
    level: str = "immediate"
    text: str = ""
    position: int = 0


@dataclass(frozen=True, kw_only=True)
class Indicator(Record):
    outcome_id: str
    name: str = ""
    measure_type: str = "quantitative"
    unit: str = ""
    baseline_value: float | None = None
    baseline_text: str = ""
    baseline_on: str | None = None
    target_value: float | None = None
    target_text: str = ""
    target_on: str | None = None
    direction: str = "increase"
    data_source: str = ""
    collection_method: str = ""
    frequency: str = ""
    responsible_partner_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Measurement(Record):
    indicator_id: str
    measured_on: str = ""
    value: float | None = None
    text_value: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Action(Record):
    strategy_id: str
    title: str = ""
    owner_partner_id: str | None = None
    is_milestone: bool = False
    due_on: str | None = None
    status: str = "not_started"
    done_on: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ProgressUpdate(Record):
    strategy_id: str
    reported_on: str = ""
    status: str = "on_track"
    note: str = ""


# --- conversions -------------------------------------------------------------------------------

def _as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _as_opt_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return _as_str(value)


# The largest whole number a field holds (schema.LARGEST_WHOLE_NUMBER): what the screens' 32-bit
# integers carry. Anything beyond it is read as no value rather than handed on to crash a widget.
LARGEST_WHOLE_NUMBER = 2**31 - 1


def _as_opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, (bytes, bytearray, memoryview)):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        number = value
    else:
        try:
            text = str(value).strip()
            number = int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else int(float(text))
        except (TypeError, ValueError, OverflowError):
            return None
    return number if -LARGEST_WHOLE_NUMBER <= number <= LARGEST_WHOLE_NUMBER else None


def _as_int(value: Any) -> int:
    return _as_opt_int(value) or 0


def _as_opt_float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, (bytes, bytearray, memoryview, bool)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _as_float(value: Any) -> float:
    return _as_opt_float(value) or 0.0


def _as_bool(value: Any) -> bool:
    return bool(_as_opt_int(value))


def as_date(text: Any) -> _dt.date | None:
    """A stored ISO date, or None when empty or unreadable (a hand-edited file may hold anything)."""
    if not text or not isinstance(text, str):
        return None
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _as_opt_bytes(value: Any) -> bytes | None:
    return value if isinstance(value, bytes) and value else None


def _as_labels(value: Any) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(_as_str(v) for v in value)
    try:
        data = json.loads(_as_str(value) or "[]")
    except (ValueError, RecursionError):  # RecursionError: brackets nested thousands deep
        return ()
    return tuple(_as_str(v) for v in data) if isinstance(data, list) else ()


_READERS: dict[Any, Callable[[Any], Any]] = {
    str: _as_str,
    str | None: _as_opt_str,
    int: _as_int,
    int | None: _as_opt_int,
    float: _as_float,
    float | None: _as_opt_float,
    bool: _as_bool,
    bytes | None: _as_opt_bytes,
    tuple[str, ...]: _as_labels,
}


@cache
def field_types(record_type: type[Record]) -> dict[str, Any]:
    hints = typing.get_type_hints(record_type)
    return {f.name: hints[f.name] for f in fields(record_type)}


def read_value(hint: Any, value: Any) -> Any:
    """A stored value as a field of type `hint` holds it (the plan API's promise)."""
    return _READERS[hint](value)


def record_from_row(record_type: type[Record], row: dict[str, Any]):
    values = {}
    for name, hint in field_types(record_type).items():
        reader = _READERS[hint]
        values[name] = reader(row.get(name))
    return record_type(**values)


def value_to_column(hint: Any, value: Any) -> Any:
    """The value as stored: booleans as 0/1, label lists as JSON text."""
    if hint is bool:
        return 1 if value else 0
    if hint == tuple[str, ...]:
        return json.dumps([str(v) for v in value], ensure_ascii=False)
    return value

