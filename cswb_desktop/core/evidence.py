"""How many independent data sources back each risk.

The law asks that priority risks rest on several sources of data. Two pieces of evidence from the
same source ("Statistics Canada" and "statistics  canada") count once, so the rule is about
sources, not rows. The risks step flags a risk below `MIN_SOURCES`, and the review's finding uses
the same key, so both always agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from .records import Evidence

MIN_SOURCES = 2


def source_key(source: str) -> str:
    """The source as compared: spaces collapsed, case folded; "" for a blank source."""
    return re.sub(r"\s+", " ", source).strip().casefold()


def sources_by_risk(evidence: Iterable[Evidence]) -> dict[str, set[str]]:
    """Risk id → the distinct source keys of its evidence (blank sources are not counted)."""
    found: dict[str, set[str]] = defaultdict(set)
    for item in evidence:
        key = source_key(item.source)
        if key:
            found[item.risk_id].add(key)
    return dict(found)


def source_counts(plan) -> dict[str, int]:
    """Risk id → number of distinct data sources, for every risk of the plan (0 when none)."""
    sources = sources_by_risk(plan.evidence.list())
    return {risk.id: len(sources.get(risk.id, ())) for risk in plan.risks.list()}


def needs_more_sources(count: int) -> bool:
    return count < MIN_SOURCES
