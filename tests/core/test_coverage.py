"""The coverage matrix: priority risk × area, the strategies in each cell, and the gaps."""

from cswb_desktop.core.coverage import area_totals, build_coverage, coverage_matrix, gaps, risk_rows
from cswb_desktop.core.framework import AREA_CODES
from cswb_desktop.core.plan import Plan
from cswb_desktop.core.records import Strategy
from cswb_desktop.core.sample import new_demo_plan_in_memory


def strategy(sid, number, area):
    return Strategy(id=sid, number=number, title=sid.upper(), area=area)


def test_every_cell_is_present_and_strategies_sit_in_their_area():
    strategies = [strategy("s1", 1, "prevention"), strategy("s2", 2, "social_development"),
                  strategy("s3", 3, "prevention")]
    links = [("s3", "r1"), ("s1", "r1"), ("s2", "r1"), ("s2", "r2")]
    matrix = build_coverage(["r1", "r2"], strategies, links)
    assert list(matrix) == [(r, a) for r in ("r1", "r2") for a in AREA_CODES]
    assert matrix[("r1", "prevention")] == ["s1", "s3"]  # by strategy number, not link order
    assert matrix[("r1", "social_development")] == ["s2"]
    assert matrix[("r2", "social_development")] == ["s2"]  # one strategy may serve several risks
    assert matrix[("r2", "prevention")] == []
    assert gaps(matrix) == [("r1", "risk_intervention"), ("r1", "incident_response"),
                            ("r2", "prevention"), ("r2", "risk_intervention"), ("r2", "incident_response")]
    assert risk_rows(matrix) == ["r1", "r2"]
    assert area_totals(matrix) == {"social_development": 1, "prevention": 2,
                                   "risk_intervention": 0, "incident_response": 0}


def test_links_to_other_risks_and_unknown_strategies_are_left_out():
    strategies = [strategy("s1", 1, "prevention"), strategy("odd", 2, "somewhere")]
    links = [("s1", "elsewhere"), ("missing", "r1"), ("odd", "r1"), ("s1", "r1"), ("s1", "r1")]
    matrix = build_coverage(["r1", "r1"], strategies, links)
    assert risk_rows(matrix) == ["r1"]
    assert matrix[("r1", "prevention")] == ["s1"]
    assert sum(len(ids) for ids in matrix.values()) == 1


def test_no_priority_risks_means_an_empty_matrix_and_no_gaps():
    assert build_coverage([], [strategy("s1", 1, "prevention")], [("s1", "r1")]) == {}
    assert gaps({}) == []


def test_the_plan_matrix_follows_ranked_priority_risks_and_links(tmp_path):
    plan: Plan = new_demo_plan_in_memory()
    from cswb_desktop.core.ranking import rank_plan_risks

    ranked = [r.risk.id for r in rank_plan_risks(plan, priority_only=True)]
    matrix = coverage_matrix(plan)
    assert risk_rows(matrix) == ranked
    strategies = {s.id: s for s in plan.strategies.list()}
    expected = {(r, a): sorted((s for s, rr in plan.strategy_risks.pairs()
                                if rr == r and strategies[s].area == a),
                               key=lambda s: strategies[s].number)
                for r in ranked for a in AREA_CODES}
    assert matrix == expected
    # A new strategy linked to a priority risk fills its cell.
    risk_id, area = gaps(matrix)[0]
    new = plan.strategies.add(title="Fill the gap", area=area)
    plan.strategy_risks.set(new.id, [risk_id])
    after = coverage_matrix(plan)
    assert after[(risk_id, area)] == [new.id]
    assert (risk_id, area) not in gaps(after)
    # A risk that stops being a priority leaves the matrix.
    plan.risks.update(risk_id, is_priority=False)
    assert risk_id not in risk_rows(coverage_matrix(plan))
