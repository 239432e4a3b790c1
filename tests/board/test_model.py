"""What the target board shows: wedges, markers per cell, gaps, filters, names, balance."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cswb_desktop.board.model import (
    NO_LEAD, BoardFilters, area_ring, board_content, format_money, ring_area,
)
from cswb_desktop.core import schema
from cswb_desktop.core.balance import plan_balance
from cswb_desktop.core.plan import Plan, initialise
from cswb_desktop.core.ranking import rank_plan_risks
from cswb_desktop.core.sample import new_demo_plan_in_memory

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> Plan:
    return new_demo_plan_in_memory()


def empty_plan() -> Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, "5d7e0c1a-2b44-4c2f-9a51-74657374a001")
    initialise(plan, community="Lakeview")
    return plan


def small_plan() -> tuple[Plan, dict[str, str]]:
    """Two priority risks, one other risk, a few strategies with known places."""
    plan = empty_plan()
    ids = {}
    ids["youth"] = plan.partners.add(organisation="Lakeview Youth Centre").id
    ids["housing_org"] = plan.partners.add(organisation="Lakeview Housing").id
    ids["housing"] = plan.risks.add(title="Housing", is_priority=True, rank_override=1).id
    ids["youth_mh"] = plan.risks.add(title="Youth mental health", is_priority=True,
                                     rank_override=2).id
    ids["gambling"] = plan.risks.add(title="Gambling").id  # not a priority
    add = plan.strategies.add
    ids["dropin"] = add(number=3, title="Youth drop-in", area="prevention", kind="existing",
                        status="underway", lead_partner_id=ids["youth"], budget=1000.0).id
    ids["liaison"] = add(number=7, title="Landlord liaison", area="prevention", kind="new",
                         status="planned", lead_partner_id=ids["housing_org"], budget=500.0).id
    ids["table"] = add(number=9, title="Situation table", area="risk_intervention",
                       kind="enhanced", status="completed").id
    ids["bingo"] = add(number=12, title="Bingo hall outreach", area="prevention").id
    plan.strategy_risks.set(ids["dropin"], [ids["housing"], ids["youth_mh"]])
    plan.strategy_risks.set(ids["liaison"], [ids["housing"]])
    plan.strategy_risks.set(ids["table"], [ids["youth_mh"]])
    plan.strategy_risks.set(ids["bingo"], [ids["gambling"]])
    return plan, ids


# --- wedges and markers -------------------------------------------------------------------------

def test_wedges_are_the_priority_risks_in_ranked_order(demo):
    content = board_content(demo)
    ranked = [r.risk.id for r in rank_plan_risks(demo, priority_only=True)]
    assert [r.id for r in content.risks] == ranked
    assert [r.wedge for r in content.risks] == list(range(len(ranked)))
    assert content.wedge_count == content.wedges == 4
    assert content.wedge_labels == tuple(r.title for r in content.risks)
    assert content.empty_reason == ""


def test_a_strategy_serving_several_risks_appears_in_each_wedge_with_its_number(demo):
    content = board_content(demo)
    served = {s.id: s for s in content.strategies.values() if len(s.risk_ids) == 4}
    assert served, "the demo has a strategy serving every priority risk"
    strategy = next(iter(served.values()))
    cells = [key for key, cell in content.cells.items() if strategy.id in cell.strategy_ids]
    assert sorted(w for w, _ in cells) == [0, 1, 2, 3]
    assert {ring for _, ring in cells} == {strategy.ring}
    keys = content.keys_by_cell()
    for wedge, ring in cells:
        assert (strategy.id, wedge) in keys[(wedge, ring)]


def test_cells_hold_their_strategies_by_number_and_area(demo):
    content = board_content(demo)
    placed = 0
    for (wedge, ring), cell in content.cells.items():
        numbers = [content.strategies[sid].number for sid in cell.strategy_ids]
        assert numbers == sorted(numbers)
        for sid in cell.strategy_ids:
            s = content.strategies[sid]
            assert s.ring == ring == area_ring(s.area)
            assert content.risks[wedge].id in s.risk_ids
        placed += len(cell.strategy_ids)
    links = sum(len(s.risk_ids) for s in content.strategies.values())
    assert placed == links == 19
    assert len(content.strategies) == 12


def test_strategy_details_for_tooltips(demo):
    content = board_content(demo)
    first = min(content.strategies.values(), key=lambda s: s.number)
    assert first.number == 1
    assert first.lead_partner  # the lead partner's organisation, not its id
    assert first.lead_partner_id and first.lead_partner != first.lead_partner_id
    tip = content.tooltip(first.id)
    assert first.title in tip and first.lead_partner in tip
    assert "Underway" in tip and "Lead partner" in tip
    for risk_id in first.risk_ids:
        assert next(r.title for r in content.risks if r.id == risk_id) in tip


def test_ring_and_area_codes_match_the_framework():
    assert [ring_area(r) for r in range(4)] == [
        "social_development", "prevention", "risk_intervention", "incident_response"]
    assert all(area_ring(ring_area(r)) == r for r in range(4))


# --- gaps -----------------------------------------------------------------------------------

def test_gaps_are_the_empty_cells_in_words(demo):
    content = board_content(demo)
    empty = sorted(key for key, cell in content.cells.items() if not cell.total)
    assert sorted((g.wedge, g.ring) for g in content.gaps) == empty
    assert len(content.gaps) == 3
    texts = [g.text for g in content.gaps]
    assert "Intimate partner and family violence has nothing in social development." in texts
    assert "Shortage of safe, affordable housing has nothing in incident response." in texts
    for gap in content.gaps:
        assert gap.risk_id == content.risks[gap.wedge].id


def test_gaps_follow_the_plan_not_the_filters():
    plan, ids = small_plan()
    everything = board_content(plan)
    only_completed = board_content(plan, BoardFilters.of(statuses="completed"))
    assert [g.text for g in only_completed.gaps] == [g.text for g in everything.gaps]
    housing_prevention = only_completed.cells[(0, 1)]
    assert housing_prevention.strategy_ids == () and housing_prevention.total == 2
    assert not housing_prevention.is_gap
    assert "Housing has nothing in risk intervention." in [g.text for g in everything.gaps]


# --- filters ------------------------------------------------------------------------------------

def test_filters_by_status_kind_and_lead_partner():
    plan, ids = small_plan()
    visible = lambda **kw: set(board_content(plan, BoardFilters.of(**kw)).visible)  # noqa: E731
    assert visible() == {ids["dropin"], ids["liaison"], ids["table"], ids["bingo"]}
    assert visible(statuses="completed") == {ids["table"]}
    assert visible(statuses=["planned", "underway"]) == {ids["dropin"], ids["liaison"], ids["bingo"]}
    assert visible(kinds="new") == {ids["liaison"], ids["bingo"]}
    assert visible(lead_partners=ids["youth"]) == {ids["dropin"]}
    assert visible(lead_partners=[NO_LEAD]) == {ids["table"], ids["bingo"]}
    assert visible(kinds="new", statuses="planned", lead_partners=ids["housing_org"]) == {ids["liaison"]}
    assert visible(statuses=[]) == set()


def test_filtered_cells_keep_count_of_what_is_hidden():
    plan, ids = small_plan()
    content = board_content(plan, BoardFilters.of(kinds="existing"))
    cell = content.cells[(0, 1)]  # housing × prevention: drop-in (existing), liaison (new)
    assert cell.strategy_ids == (ids["dropin"],) and cell.filtered_out == 1
    assert "1 more hidden by the filters" in content.cell_name(0, 1)
    assert content.filters.active and not BoardFilters().active


def test_unknown_filter_values_are_refused():
    with pytest.raises(ValueError):
        BoardFilters.of(statuses="abandoned")
    with pytest.raises(ValueError):
        BoardFilters.of(kinds=["new", "borrowed"])


def test_layout_key_changes_with_what_is_drawn_only():
    plan, ids = small_plan()
    a, b = board_content(plan), board_content(plan)
    assert a.layout_key == b.layout_key
    assert board_content(plan, BoardFilters.of(kinds="new")).layout_key != a.layout_key
    plan.strategies.update(ids["dropin"], status="completed")
    assert board_content(plan).layout_key != a.layout_key


# --- strategies off the board, no priority risks ------------------------------------------------

def test_a_strategy_serving_no_priority_risk_is_listed_as_not_on_the_board():
    plan, ids = small_plan()
    content = board_content(plan)
    assert content.unplaced == (ids["bingo"],)
    assert all(ids["bingo"] not in cell.strategy_ids for cell in content.cells.values())
    assert "1 strategy serves no priority risk and is not on the board." in content.summary()


def test_without_priority_risks_there_is_one_wedge_and_a_sentence_why():
    plan, ids = small_plan()
    for key in ("housing", "youth_mh"):
        plan.risks.update(ids[key], is_priority=False)
    content = board_content(plan)
    assert content.risks == () and content.wedges == 1 and content.wedge_count == 0
    assert "priority" in content.empty_reason and content.wedge_labels == (content.empty_reason,)
    assert set(content.cells) == {(0, ring) for ring in range(4)}
    assert content.cells[(0, 1)].strategy_ids == (ids["dropin"], ids["liaison"], ids["bingo"])
    assert content.unplaced == ()
    assert content.cell_name(0, 1).startswith("Prevention: 3 strategies: 3 Youth drop-in")
    assert [g.text for g in content.gaps] == ["Nothing is planned in social development yet.",
                                              "Nothing is planned in incident response yet."]
    assert "no priority risk has been chosen yet" in content.summary()


def test_an_empty_plan_has_a_board_too():
    content = board_content(empty_plan())
    assert content.wedges == 1 and len(content.gaps) == 4 and not content.visible
    assert len(content.accessible_names()) == 4
    assert "0 strategies" in content.summary()


# --- names --------------------------------------------------------------------------------------

def test_cell_and_marker_names_say_where_and_what():
    plan, ids = small_plan()
    content = board_content(plan)
    assert content.cell_name(0, 1) == \
        "Prevention × Housing: 2 strategies: 3 Youth drop-in, 7 Landlord liaison"
    assert content.cell_name(0, 2) == "Risk intervention × Housing: no strategies, a gap"
    assert content.cell_name(1, 2) == "Risk intervention × Youth mental health: 1 strategy: 9 Situation table"
    name = content.marker_name(ids["dropin"], 1)
    assert name.startswith("Strategy 3, Youth drop-in: Prevention × Youth mental health.")
    assert "Existing, underway" in name and "Lead: Lakeview Youth Centre" in name
    assert "Serves: Housing; Youth mental health." in name
    assert "no lead partner yet" in content.marker_name(ids["table"], 1)


def test_accessible_names_cover_every_cell_and_marker(demo):
    content = board_content(demo)
    names = content.accessible_names()
    markers = sum(len(c.strategy_ids) for c in content.cells.values())
    assert len(names) == len(content.cells) + markers == 16 + 19
    assert len(set(names)) == len(names)
    assert all(name.strip() for name in names)


def test_words_go_through_the_translator():
    plan, _ = small_plan()
    seen = []
    french = {"Prevention": "Prévention", "{n} strategies": "{n} stratégies"}

    def translate(context, text):
        seen.append(context)
        return french.get(text, text)

    content = board_content(plan, translate=translate)
    assert content.ring_names[1] == "Prévention"
    assert content.cell_name(0, 1).startswith("Prévention × Housing: 2 stratégies")
    assert set(seen) == {"TargetBoard"}


# --- balance and summary ------------------------------------------------------------------------

def test_balance_counts_every_strategy_of_the_plan(demo):
    content = board_content(demo, BoardFilters.of(statuses="completed"))
    expected = plan_balance(demo.strategies.list())
    assert content.balance == expected
    assert content.balance.total_strategies == 12
    sentence = content.balance_sentence()
    assert "outer three" in sentence and "83% of the strategies" in sentence


def test_balance_sentence_warns_when_incident_response_weighs_too_much():
    plan = empty_plan()
    for n in range(3):
        plan.strategies.add(number=n + 1, title=f"Response {n}", area="incident_response",
                            budget=100.0)
    plan.strategies.add(number=4, title="Prevention", area="prevention", budget=50.0)
    sentence = board_content(plan).balance_sentence()
    assert "weighs too much by strategies and budget" in sentence


def test_summary_describes_counts_per_ring_and_the_gaps(demo):
    text = board_content(demo).summary()
    assert text.startswith("Target board of the plan's 4 priority risks")
    assert "12 strategies: 2 in social development, 5 in prevention, 3 in risk intervention, " \
           "2 in incident response" in text
    assert "Gaps: " in text and "nothing in incident response" in text


def test_money_is_written_as_people_write_it():
    assert format_money(3850000) == "$3,850,000"
    assert format_money(12.5) == "$12.50"


def test_the_model_imports_no_qt():
    code = ("import sys, cswb_desktop.board.model, cswb_desktop.board.geometry; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
