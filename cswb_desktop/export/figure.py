"""The target board figure for the plan document, drawn by the board's own painter.

The painter (board/painter.py) offers `render_board_png(plan, width_cm=…, dpi=…) -> bytes` and
`board_alt_text(plan) -> str`. When it is not available, or fails, the document carries a sentence
instead of the figure, and the export goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..core import framework
from ..core.plan import Plan
from ..charts import ensure_painting_application
from .content import PlanData, plural

log = logging.getLogger(__name__)

FIGURE_WIDTH_CM = 16.0
FIGURE_DPI = 300


@dataclass(frozen=True)
class BoardFigure:
    png: bytes | None
    alt_text: str
    problem: str = ""  # why there is no picture, as a sentence for the document


def board_summary(data: PlanData) -> str:
    """A description of the board in words: its rings, wedges and strategies per ring."""
    priorities = data.priority_risks()
    priority_ids = {r.id for r in priorities}
    per_area = {code: 0 for code in framework.AREA_CODES}
    for strategy in data.strategies:
        if strategy.area in per_area and any(r in priority_ids
                                             for r in data.strategy_risks.get(strategy.id, [])):
            per_area[strategy.area] += 1
    rings = "; ".join(f"{framework.AREAS_BY_CODE[code].name_en} (ring {framework.AREAS_BY_CODE[code].ring}): "
                      f"{plural(count, 'strategy', 'strategies')}"
                      for code, count in per_area.items())
    names = ", ".join(data.risk_name(r) for r in priorities)
    wedges = (f"{plural(len(priorities), 'wedge', 'wedges')}, one per priority risk ({names})"
              if priorities else "a single wedge, as no priority risk has been chosen yet")
    return (f"Target board of the plan: four rings from social development on the outside to "
            f"incident response at the centre, divided into {wedges}. Strategies placed on the "
            f"board per ring — {rings}.")


def board_figure(plan: Plan, data: PlanData) -> BoardFigure:
    summary = board_summary(data)
    try:
        from ..board.painter import board_alt_text, render_board_png
    except ImportError:
        return BoardFigure(None, summary, "The target board drawing is not available in this "
                                          "version of the program, so it is described in words.")
    if not ensure_painting_application():
        return BoardFigure(None, summary, "The target board could not be drawn here, so it is "
                                          "described in words.")
    try:
        png = render_board_png(plan, width_cm=FIGURE_WIDTH_CM, dpi=FIGURE_DPI)
        alt = board_alt_text(plan)
    except Exception:  # a drawing problem must not cost the coordinator the whole document
        log.exception("the target board could not be drawn for the document")
        return BoardFigure(None, summary, "The target board could not be drawn for this document, "
                                          "so it is described in words.")
    if not png:
        return BoardFigure(None, summary, "The target board came out empty, so it is described "
                                          "in words.")
    alt = (alt or "").strip()
    return BoardFigure(bytes(png), alt if alt else summary)
