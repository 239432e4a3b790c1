"""User actions that change several records at once, each as one operation of the plan.

A person who shortens a criterion's scale, turns an asset into a strategy, links a committee
member to a partner, names a new risk category for a risk or moves a logic-model entry does ONE
thing; so each function here writes all of it in one transaction (one revision, one change heard
by the listeners) and returns a `Reversal`: what it added and the rows as they were before, which
`revert` puts back, again in one transaction. Reverting stamps every row it writes as edited now,
as `Plan.restore` does, so a merge carries the undone values to other copies.

The rules of these actions live here (and in `Plan`), not in the screens: the command line, the
merge and the GUI all see the same plan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from . import framework
from .plan import InvalidValue, NotFound, Plan


@dataclass
class Reversal:
    """What one operation did, so that `revert` can take it back exactly."""

    added: list[tuple[str, str]] = field(default_factory=list)  # (table, id), in order of adding
    updated: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # rows before the change

    def __bool__(self) -> bool:
        return bool(self.added or self.updated)

    def keep(self, plan: Plan, table: str, record_id: str) -> None:
        """Note a row as it is now, before the operation changes it (the first time only)."""
        if any(t == table and r.get("id") == record_id for t, r in self.updated):
            return
        row = plan.row(table, record_id)
        if row is not None:
            self.updated.append((table, row))


def revert(plan: Plan, reversal: Reversal) -> None:
    """Undo an operation in one transaction: its rows come back as they were, stamped as edited
    now (so a merge sees the undo as the newer edit), and what it added goes (with a tombstone)."""
    with plan.transaction():
        stamp = plan.stamp()
        for table, row in reversed(reversal.updated):
            if plan.row(table, row["id"]) is None:
                raise NotFound(f"That {table.replace('_', ' ')} no longer exists in this plan.")
            plan.update_row(table, row["id"], {**row, "modified_at": stamp, "modified_by": plan.device_id})
        for table, record_id in reversed(reversal.added):
            if plan.row(table, record_id) is not None:
                plan.remove(table, record_id)


# --- prioritisation ------------------------------------------------------------------------------

def change_criterion_scale(plan: Plan, criterion_id: str, labels: Iterable[str]) -> Reversal:
    """Give a criterion a new scale (3 to 7 labels). A shorter scale clears the scores above it
    (their rationales stay); `plan.criteria.update` follows the same rule."""
    labels = tuple(labels)
    reversal = Reversal()
    with plan.transaction():
        criterion = plan.criteria.get(criterion_id)
        if tuple(criterion.labels) == labels:
            return reversal
        for score_id in plan.scores_beyond_scale(criterion_id, len(labels)):
            reversal.keep(plan, "risk_score", score_id)
        reversal.keep(plan, "criterion", criterion_id)
        plan.criteria.update(criterion_id, labels=labels)
    return reversal


# --- strategies ----------------------------------------------------------------------------------

def strategy_values_from_asset(plan: Plan, asset_id: str) -> dict[str, Any]:
    """The fields of an existing strategy made from a community asset: its name and description,
    the asset's first area (by the framework's order), and its owner as the lead."""
    asset = plan.assets.get(asset_id)
    order = {code: i for i, code in enumerate(framework.AREA_CODES)}
    areas = sorted(plan.asset_areas.targets(asset.id), key=lambda a: order.get(a, 99))
    values: dict[str, Any] = {"title": asset.name, "description": asset.description, "kind": "existing",
                              "asset_id": asset.id, "area": areas[0] if areas else "prevention"}
    if asset.owner_partner_id:
        values["lead_partner_id"] = asset.owner_partner_id
    return values


def strategy_from_asset(plan: Plan, asset_id: str, *, strategy_id: str | None = None) -> Reversal:
    """Turn a community asset into an existing strategy, in one transaction."""
    strategy_id = strategy_id or str(uuid.uuid4())
    reversal = Reversal()
    with plan.transaction():
        plan.strategies.add(id=strategy_id, **strategy_values_from_asset(plan, asset_id))
        reversal.added.append(("strategy", strategy_id))
    return reversal


def add_strategy_for_risk(plan: Plan, risk_id: str, area: str, title: str, *,
                          strategy_id: str | None = None) -> Reversal:
    """A new strategy in one area that addresses one risk (a gap of the coverage matrix)."""
    strategy_id = strategy_id or str(uuid.uuid4())
    reversal = Reversal()
    with plan.transaction():
        plan.risks.get(risk_id)
        plan.strategies.add(id=strategy_id, title=title, area=area)
        reversal.added.append(("strategy", strategy_id))
        plan.strategy_risks.add(strategy_id, risk_id)
        reversal.added.append(("strategy_risk", plan.strategy_risks.link_id(strategy_id, risk_id)))
    return reversal


# --- committee -----------------------------------------------------------------------------------

def organisation_follows_partner(plan: Plan, member_id: str) -> bool:
    """Whether a member's organisation is empty or still the one of the partner they are linked to,
    so that it follows a change of the partner link."""
    member = plan.committee_members.get(member_id)
    if not member.organisation.strip():
        return True
    linked = plan.partners.find(member.partner_id)
    return linked is not None and member.organisation == linked.organisation


def set_member_partner(plan: Plan, member_id: str, partner_id: str | None) -> Reversal:
    """Link a committee member to a partner; the organisation follows the partner unless the user
    wrote another one there."""
    reversal = Reversal()
    with plan.transaction():
        member = plan.committee_members.get(member_id)
        partner = plan.partners.get(partner_id) if partner_id else None
        changes: dict[str, Any] = {"partner_id": partner_id or None}
        if partner is not None and organisation_follows_partner(plan, member_id):
            changes["organisation"] = partner.organisation
        if all(getattr(member, k) == v for k, v in changes.items()):
            return reversal
        reversal.keep(plan, "committee_member", member_id)
        plan.committee_members.update(member_id, **changes)
    return reversal


# --- risks ---------------------------------------------------------------------------------------

def add_risk_category(plan: Plan, risk_id: str, name: str, *, category_id: str | None = None) -> Reversal:
    """A new risk category, given at once to the risk it was named for."""
    name = " ".join(str(name).split())
    if not name:
        raise InvalidValue("Type the name of the new category first.")
    if name.casefold() in {c.name.casefold() for c in plan.risk_categories.list()}:
        raise InvalidValue(f"There is already a category called “{name}”; choose it in the list.")
    category_id = category_id or str(uuid.uuid4())
    reversal = Reversal()
    with plan.transaction():
        plan.risks.get(risk_id)
        plan.risk_categories.add(id=category_id, name=name, from_rtd=False)
        reversal.added.append(("risk_category", category_id))
        reversal.keep(plan, "risk", risk_id)
        plan.risks.update(risk_id, category_id=category_id)
    return reversal


# --- logic models --------------------------------------------------------------------------------

_ORDERED = {"logic_model_item": "logic_items", "outcome": "outcomes"}


def set_order(plan: Plan, table: str, ordered_ids: Iterable[str]) -> Reversal:
    """Number a strategy's logic-model entries (or outcomes) 0, 1, 2… in the order given."""
    if table not in _ORDERED:
        raise InvalidValue(f"A {table.replace('_', ' ')} has no order to change.")
    records = getattr(plan, _ORDERED[table])
    reversal = Reversal()
    with plan.transaction():
        for index, record_id in enumerate(dict.fromkeys(ordered_ids)):
            if records.get(record_id).position != index:
                reversal.keep(plan, table, record_id)
                records.update(record_id, position=index)
    return reversal


def move_entry(plan: Plan, table: str, record_id: str, delta: int) -> Reversal:
    """Move a logic-model entry (or an outcome) `delta` places among its siblings: the same strategy
    and the same stage. Moving past either end changes nothing."""
    if table not in _ORDERED:
        raise InvalidValue(f"A {table.replace('_', ' ')} has no order to change.")
    records = getattr(plan, _ORDERED[table])
    record = records.get(record_id)
    if table == "logic_model_item":
        siblings = records.list(strategy_id=record.strategy_id, kind=record.kind)
    else:
        siblings = records.list(strategy_id=record.strategy_id, level=record.level)
    ids = [r.id for r in sorted(siblings, key=lambda r: (r.position, r.created_at, r.id))]
    old = ids.index(record_id)
    new = old + delta
    if not 0 <= new < len(ids):
        return Reversal()
    ids.insert(new, ids.pop(old))
    return set_order(plan, table, ids)


__all__ = [
    "Reversal", "revert", "change_criterion_scale", "strategy_values_from_asset", "strategy_from_asset",
    "add_strategy_for_risk", "organisation_follows_partner", "set_member_partner", "add_risk_category",
    "set_order", "move_entry",
]
