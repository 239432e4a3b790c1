"""Which priority risk has a strategy in which area of the framework, and where the gaps are.

The matrix has a row per priority risk (in ranked order) and a column per area (in ring order,
social development first). A cell lists the strategies that address that risk in that area,
by strategy number; an empty cell is a gap. The strategies step draws it, and other views (the
target board, the review) can read the same answer.
"""

from __future__ import annotations

from typing import Iterable

from .framework import AREA_CODES
from .records import Strategy

Cell = tuple[str, str]  # (risk id, area code)


def build_coverage(risk_ids: Iterable[str], strategies: Iterable[Strategy],
                   strategy_risks: Iterable[tuple[str, str]]) -> dict[Cell, list[str]]:
    """The matrix for the given risks (rows, in the order given) from strategies and their links.

    Every (risk, area) pair is present, empty lists included; strategies outside the given risks
    or with an unknown area are left out.
    """
    rows = list(dict.fromkeys(risk_ids))
    matrix: dict[Cell, list[str]] = {(r, a): [] for r in rows for a in AREA_CODES}
    by_id = {s.id: s for s in strategies}
    ordered = sorted(strategy_risks, key=lambda pair: _strategy_order(by_id.get(pair[0])))
    for strategy_id, risk_id in ordered:
        strategy = by_id.get(strategy_id)
        if strategy is None:
            continue
        cell = matrix.get((risk_id, strategy.area))
        if cell is not None and strategy_id not in cell:
            cell.append(strategy_id)
    return matrix


def _strategy_order(strategy: Strategy | None) -> tuple:
    if strategy is None:
        return (1, 0, "", "")
    return (0, strategy.number, strategy.title.casefold(), strategy.id)


def coverage_matrix(plan) -> dict[Cell, list[str]]:
    """The plan's matrix: its priority risks in ranked order × the four areas."""
    from .ranking import rank_plan_risks

    risk_ids = [r.risk.id for r in rank_plan_risks(plan, priority_only=True)]
    return build_coverage(risk_ids, plan.strategies.list(), plan.strategy_risks.pairs())


def gaps(matrix: dict[Cell, list[str]]) -> list[Cell]:
    """The empty cells, row by row, in the matrix's order."""
    return [cell for cell, ids in matrix.items() if not ids]


def risk_rows(matrix: dict[Cell, list[str]]) -> list[str]:
    """The matrix's risk ids, in row order."""
    return list(dict.fromkeys(risk for risk, _area in matrix))


def area_totals(matrix: dict[Cell, list[str]]) -> dict[str, int]:
    """Per area, how many distinct strategies address at least one of the matrix's risks."""
    seen: dict[str, set[str]] = {a: set() for a in AREA_CODES}
    for (_risk, area), ids in matrix.items():
        seen[area].update(ids)
    return {a: len(ids) for a, ids in seen.items()}
