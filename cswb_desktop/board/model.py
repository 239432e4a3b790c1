"""What the target board shows, read from a plan: wedges, markers per cell, gaps, filters, balance.

Pure Python (no Qt, no SQL: only the plan API), so the screen, the PNG/SVG export, the Word
export's alternative text and the tests all describe the board from the same numbers.

Wedges are the plan's **priority risks**, in ranked order (core.ranking) clockwise from 12
o'clock; rings are the four areas, ring index 0 = social development (outermost) … 3 = incident
response (bullseye), as in board/geometry.py. A strategy appears once in every wedge of a
priority risk it serves, always with the same number. A strategy that serves no priority risk is
*not on the board* (listed in ``BoardContent.unplaced``); on a board without priority risks there
is one wedge and every strategy sits in it by area.

**Gaps** are judged on the whole plan, not on the filtered view: a cell is a gap when no strategy
at all sits in it. Filters (status, lead partner, kind) only decide which markers are drawn. The
**balance** (core.balance) also counts every strategy of the plan.

Sentences go through ``translate(context, text)`` (the GUI passes
``QCoreApplication.translate``); without it they stay in English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..core import framework
from ..core.balance import Balance, plan_balance

__all__ = [
    "CONTEXT", "NO_LEAD", "Translate", "BoardRisk", "BoardStrategy", "BoardFilters", "CellContent",
    "Gap", "BoardContent", "board_content", "area_ring", "ring_area", "format_money",
]

CONTEXT = "TargetBoard"
NO_LEAD = ""  # the lead-partner filter value for strategies without a lead partner

Translate = Callable[[str, str], str]


def _identity(_context: str, text: str) -> str:
    return text


def area_ring(area: str) -> int:
    """The board's ring index (0 = outermost) of an area code."""
    return framework.AREAS_BY_CODE[area].ring - 1


def ring_area(ring: int) -> str:
    """The area code of a ring index (0 = outermost)."""
    return framework.AREAS[ring].code


def format_money(value: float) -> str:
    """A budget as people write it in Ontario plans: $1,250,000 (cents only when there are)."""
    if abs(value - round(value)) < 0.005:
        return f"${value:,.0f}"
    return f"${value:,.2f}"


@dataclass(frozen=True)
class BoardRisk:
    id: str
    title: str
    wedge: int
    rank: int | None = None


@dataclass(frozen=True)
class BoardStrategy:
    id: str
    number: int
    title: str
    area: str
    kind: str  # existing / enhanced / new
    status: str  # planned / underway / completed / on_hold
    lead_partner_id: str | None
    lead_partner: str  # the organisation's name, "" when there is no lead
    risk_ids: tuple[str, ...]  # the priority risks it serves, in wedge order
    budget: float | None = None

    @property
    def ring(self) -> int:
        return area_ring(self.area) if self.area in framework.AREAS_BY_CODE else 0

    @property
    def label(self) -> str:
        """Number and title, as the board names a marker: "3 Youth drop-in"."""
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class BoardFilters:
    """Which markers are drawn. ``None`` means "any"; a set keeps only its values. Lead partners
    are partner ids, with :data:`NO_LEAD` for strategies that have none."""

    statuses: frozenset[str] | None = None
    lead_partners: frozenset[str] | None = None
    kinds: frozenset[str] | None = None

    @classmethod
    def of(cls, statuses: Iterable[str] | str | None = None,
           lead_partners: Iterable[str] | str | None = None,
           kinds: Iterable[str] | str | None = None) -> BoardFilters:
        """Filters from loose arguments: a single value, any iterable, or None for "any"."""
        def norm(value: Iterable[str] | str | None) -> frozenset[str] | None:
            if value is None:
                return None
            if isinstance(value, str):
                return frozenset((value,))
            return frozenset(value)
        statuses, kinds = norm(statuses), norm(kinds)
        for given, allowed, what in ((statuses, framework.STRATEGY_STATUSES, "status"),
                                     (kinds, framework.STRATEGY_KINDS, "kind")):
            unknown = sorted(set(given or ()) - set(allowed))
            if unknown:
                raise ValueError(f"unknown strategy {what}: {', '.join(unknown)}")
        return cls(statuses, norm(lead_partners), kinds)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.statuses, self.lead_partners, self.kinds))

    def accepts(self, strategy: BoardStrategy) -> bool:
        if self.statuses is not None and strategy.status not in self.statuses:
            return False
        if self.kinds is not None and strategy.kind not in self.kinds:
            return False
        if self.lead_partners is not None and (strategy.lead_partner_id or NO_LEAD) not in self.lead_partners:
            return False
        return True


@dataclass(frozen=True)
class CellContent:
    wedge: int
    ring: int
    strategy_ids: tuple[str, ...]  # the markers drawn, by strategy number
    total: int  # strategies in the cell before filtering

    @property
    def key(self) -> tuple[int, int]:
        return (self.wedge, self.ring)

    @property
    def is_gap(self) -> bool:
        return self.total == 0

    @property
    def filtered_out(self) -> int:
        return self.total - len(self.strategy_ids)


@dataclass(frozen=True)
class Gap:
    wedge: int
    ring: int
    risk_id: str | None  # None on a board without priority risks
    text: str  # "Housing has nothing in risk intervention."


@dataclass(frozen=True)
class BoardContent:
    """Everything the board shows, ready for geometry and painting. Build with
    :func:`board_content`."""

    risks: tuple[BoardRisk, ...]
    ring_names: tuple[str, ...]  # outer ring first
    strategies: Mapping[str, BoardStrategy]  # every strategy of the plan, by id
    cells: Mapping[tuple[int, int], CellContent]  # every (wedge, ring)
    gaps: tuple[Gap, ...]
    unplaced: tuple[str, ...]  # strategies serving no priority risk (not on the board)
    balance: Balance
    filters: BoardFilters
    empty_reason: str  # why there is one wedge; "" when there are priority risks
    translate: Translate = field(default=_identity, repr=False, compare=False)

    # --- shape of the board ------------------------------------------------------------------

    @property
    def wedge_count(self) -> int:
        """Priority risks (0 when none; the board then draws one wedge)."""
        return len(self.risks)

    @property
    def wedges(self) -> int:
        return max(1, len(self.risks))

    @property
    def wedge_labels(self) -> tuple[str, ...]:
        """One text per wedge drawn: the risk titles, or the sentence saying why there is one."""
        if self.risks:
            return tuple(r.title for r in self.risks)
        return (self.empty_reason,)

    @cached_property
    def visible(self) -> tuple[str, ...]:
        """Strategies that pass the filters, by number."""
        return tuple(s.id for s in _by_number(self.strategies.values()) if self.filters.accepts(s))

    def keys_by_cell(self) -> dict[tuple[int, int], list[tuple[str, int]]]:
        """Marker keys ``(strategy_id, wedge)`` per cell with markers, for
        ``BoardGeometry.layout_markers``."""
        return {key: [(sid, key[0]) for sid in cell.strategy_ids]
                for key, cell in self.cells.items() if cell.strategy_ids}

    @cached_property
    def layout_key(self) -> tuple:
        """Equal for two contents that lay out and paint alike (for caches)."""
        drawn = tuple(sorted({sid for c in self.cells.values() for sid in c.strategy_ids}))
        looks = tuple((sid, self.strategies[sid].number, self.strategies[sid].kind,
                       self.strategies[sid].status) for sid in drawn)
        cells = tuple((k, c.strategy_ids, c.is_gap) for k, c in sorted(self.cells.items()))
        return (self.wedge_labels, self.ring_names, cells, looks)

    # --- words -------------------------------------------------------------------------------

    def tr(self, text: str) -> str:
        return self.translate(CONTEXT, text)

    def risk_title(self, wedge: int) -> str:
        return self.risks[wedge].title if self.risks else ""

    def cell_title(self, wedge: int, ring: int) -> str:
        """"Prevention × Housing" (just the area on a board without priority risks)."""
        area = self.ring_names[ring]
        if not self.risks:
            return area
        return self.tr("{area} × {risk}").format(area=area, risk=self.risk_title(wedge))

    def count_text(self, n: int) -> str:
        if n == 1:
            return self.tr("1 strategy")
        return self.tr("{n} strategies").format(n=n)

    def cell_name(self, wedge: int, ring: int) -> str:
        """"Prevention × Housing: 2 strategies: 3 Youth drop-in, 7 Landlord liaison"."""
        cell = self.cells[(wedge, ring)]
        title = self.cell_title(wedge, ring)
        if cell.is_gap:
            return self.tr("{cell}: no strategies, a gap").format(cell=title)
        labels = ", ".join(self.strategies[sid].label for sid in cell.strategy_ids)
        if not cell.strategy_ids:
            return self.tr("{cell}: no strategies match the filters ({hidden} hidden)").format(
                cell=title, hidden=cell.filtered_out)
        text = self.tr("{cell}: {count}: {labels}").format(
            cell=title, count=self.count_text(len(cell.strategy_ids)), labels=labels)
        if cell.filtered_out:
            text += " " + self.tr("({hidden} more hidden by the filters)").format(
                hidden=cell.filtered_out)
        return text

    def kind_text(self, kind: str) -> str:
        return self.tr(framework.STRATEGY_KINDS.get(kind, kind))

    def status_text(self, status: str) -> str:
        return self.tr(framework.STRATEGY_STATUSES.get(status, status))

    def risks_text(self, strategy: BoardStrategy) -> str:
        titles = [r.title for r in self.risks if r.id in strategy.risk_ids]
        return "; ".join(titles) if titles else self.tr("no priority risk")

    def marker_name(self, strategy_id: str, wedge: int | None = None) -> str:
        """"Strategy 3, Youth drop-in: Prevention × Housing. New, underway. Lead: … Serves: …"."""
        s = self.strategies[strategy_id]
        where = self.cell_title(wedge, s.ring) if wedge is not None else self.ring_names[s.ring]
        lead = s.lead_partner or self.tr("no lead partner yet")
        return self.tr("Strategy {number}, {title}: {where}. {kind}, {status}. Lead: {lead}. "
                       "Serves: {risks}.").format(
            number=s.number, title=s.title, where=where, kind=self.kind_text(s.kind),
            status=self.status_text(s.status).lower(), lead=lead, risks=self.risks_text(s))

    def overflow_name(self, wedge: int, ring: int, strategy_ids: Iterable[str]) -> str:
        ids = list(strategy_ids)
        labels = ", ".join(self.strategies[sid].label for sid in ids)
        return self.tr("{count} more in {cell}: {labels}").format(
            count=self.count_text(len(ids)), cell=self.cell_title(wedge, ring), labels=labels)

    def tooltip(self, strategy_id: str) -> str:
        """Plain-text lines for a marker's tooltip: title, lead partner, status, linked risks."""
        s = self.strategies[strategy_id]
        lines = [
            f"{s.number}. {s.title}",
            self.tr("Lead partner: {lead}").format(lead=s.lead_partner or self.tr("none yet")),
            self.tr("Status: {status}").format(status=self.status_text(s.status)),
            self.tr("Kind: {kind}").format(kind=self.kind_text(s.kind)),
            self.tr("Area: {area}").format(area=self.ring_names[s.ring]),
        ]
        titles = [r.title for r in self.risks if r.id in s.risk_ids]
        if len(titles) > 1:  # one per line, so that a long list stays a narrow tip
            lines.append(self.tr("Priority risks:"))
            lines.extend(f"  • {title}" for title in titles)
        else:
            lines.append(self.tr("Priority risks: {risks}").format(risks=self.risks_text(s)))
        return "\n".join(lines)

    def accessible_names(self) -> list[str]:
        """Every cell's name, each followed by the names of its markers (Tab order)."""
        names = []
        for wedge in range(self.wedges):
            for ring in range(framework_ring_count()):
                names.append(self.cell_name(wedge, ring))
                names.extend(self.marker_name(sid, wedge)
                             for sid in self.cells[(wedge, ring)].strategy_ids)
        return names

    def summary(self) -> str:
        """A sentence or two describing the board, for alternative text and screen readers."""
        tr = self.tr
        total = len(self.strategies)
        per_ring = [sum(1 for s in self.strategies.values() if s.ring == ring)
                    for ring in range(framework_ring_count())]
        rings = ", ".join(tr("{n} in {area}").format(n=n, area=name.lower())
                          for n, name in zip(per_ring, self.ring_names))
        if self.risks:
            titles = "; ".join(r.title for r in self.risks)
            if len(self.risks) == 1:
                first = tr("Target board of the plan's one priority risk ({titles}) and its "
                           "{count}: {rings}.")
            else:
                first = tr("Target board of the plan's {n} priority risks ({titles}) and its "
                           "{count}: {rings}.")
            text = first.format(n=len(self.risks), titles=titles, count=self.count_text(total),
                                rings=rings)
        else:
            text = tr("Target board of the plan's {count}, all in one circle because no priority "
                      "risk has been chosen yet: {rings}.").format(count=self.count_text(total),
                                                                   rings=rings)
        if self.gaps:
            text += " " + tr("Gaps: {gaps}").format(
                gaps="; ".join(g.text.rstrip(".") for g in self.gaps)) + "."
        else:
            text += " " + tr("Every cell has at least one strategy.")
        if self.unplaced:
            if len(self.unplaced) == 1:
                text += " " + tr("1 strategy serves no priority risk and is not on the board.")
            else:
                text += " " + tr("{n} strategies serve no priority risk and are not on the "
                                 "board.").format(n=len(self.unplaced))
        return text

    def balance_sentence(self) -> str:
        """The guidance, then how this plan measures up to it."""
        tr = self.tr
        b = self.balance
        text = tr("Most strategies and most of the budget belong in the outer three rings, so that "
                  "fewer people ever reach incident response.")
        if not b.total_strategies:
            return text
        parts = [tr("{share}% of the strategies").format(share=round(100 * b.outer_strategy_share))]
        if b.total_budget > 0:
            parts.append(tr("{share}% of the budget").format(share=round(100 * b.outer_budget_share)))
        text += " " + tr("This plan has {parts} there.").format(parts=tr(" and ").join(parts))
        if b.unbalanced:
            what = []
            if b.heavy_by_strategies:
                what.append(tr("strategies"))
            if b.heavy_by_budget:
                what.append(tr("budget"))
            text += " " + tr("Incident response weighs too much by {what}: consider moving effort "
                             "outwards.").format(what=tr(" and ").join(what))
        return text


def framework_ring_count() -> int:
    return len(framework.AREAS)


def _by_number(strategies: Iterable[BoardStrategy]) -> list[BoardStrategy]:
    return sorted(strategies, key=lambda s: (s.number, s.title.casefold(), s.id))


def _ranked_priority_risks(plan: Any) -> list[BoardRisk]:
    from ..core.ranking import rank_plan_risks

    ranked = rank_plan_risks(plan, priority_only=True)
    return [BoardRisk(r.risk.id, r.risk.title or "?", wedge, r.rank)
            for wedge, r in enumerate(ranked)]


def board_content(plan: Any, filters: BoardFilters | None = None, *,
                  translate: Translate | None = None) -> BoardContent:
    """Read the board from ``plan`` (a ``core.plan.Plan``) through the plan API."""
    tr = translate or _identity
    filters = filters or BoardFilters()
    risks = _ranked_priority_risks(plan)
    wedge_of = {r.id: r.wedge for r in risks}
    partners = {p.id: p.organisation for p in plan.partners.list()}
    links: dict[str, list[str]] = {}
    for strategy_id, risk_id in plan.strategy_risks.pairs():
        if risk_id in wedge_of:
            links.setdefault(strategy_id, []).append(risk_id)

    records = plan.strategies.list()
    strategies: dict[str, BoardStrategy] = {}
    for s in records:
        served = tuple(sorted(links.get(s.id, ()), key=wedge_of.__getitem__))
        strategies[s.id] = BoardStrategy(
            id=s.id, number=s.number, title=s.title, area=s.area, kind=s.kind, status=s.status,
            lead_partner_id=s.lead_partner_id,
            lead_partner=partners.get(s.lead_partner_id, "") if s.lead_partner_id else "",
            risk_ids=served, budget=s.budget)

    wedges = max(1, len(risks))
    rings = framework_ring_count()
    every: dict[tuple[int, int], list[str]] = {(w, r): [] for w in range(wedges) for r in range(rings)}
    unplaced = []
    for s in _by_number(strategies.values()):
        if not risks:
            every[(0, s.ring)].append(s.id)
        elif s.risk_ids:
            for risk_id in s.risk_ids:
                every[(wedge_of[risk_id], s.ring)].append(s.id)
        else:
            unplaced.append(s.id)
    cells = {key: CellContent(key[0], key[1],
                              tuple(sid for sid in ids if filters.accepts(strategies[sid])),
                              len(ids))
             for key, ids in every.items()}

    ring_names = tuple(tr(CONTEXT, a.name_en) for a in framework.AREAS)
    gaps = []
    for (wedge, ring), cell in sorted(cells.items()):
        if not cell.is_gap:
            continue
        area = ring_names[ring].lower()
        if risks:
            text = tr(CONTEXT, "{risk} has nothing in {area}.").format(
                risk=risks[wedge].title, area=area)
        else:
            text = tr(CONTEXT, "Nothing is planned in {area} yet.").format(area=area)
        gaps.append(Gap(wedge, ring, risks[wedge].id if risks else None, text))

    empty_reason = "" if risks else tr(
        CONTEXT, "No priority risk has been chosen yet, so the board is one undivided circle. "
                 "Mark risks as priorities in the Prioritisation step to give each its own wedge.")
    return BoardContent(
        risks=tuple(risks), ring_names=ring_names, strategies=strategies, cells=cells,
        gaps=tuple(gaps), unplaced=tuple(unplaced), balance=plan_balance(records),
        filters=filters, empty_reason=empty_reason, translate=tr)
