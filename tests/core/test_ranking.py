"""Ranking risks: weighted totals, competition ranks with visible ties, and overrides."""

import pytest

from cswb_desktop.core.ranking import (
    criterion_points, maximum_total, rank_plan_risks, rank_risks, weighted_total,
)
from cswb_desktop.core.records import Criterion, Risk, RiskScore
from cswb_desktop.core.sample import new_demo_plan_in_memory

CRITERIA = [
    Criterion(id="c1", name="Reach", weight=3.0, labels=("a", "b", "c", "d"), position=0),
    Criterion(id="c2", name="Harm", weight=2.0, labels=("a", "b", "c", "d", "e"), position=1),
    Criterion(id="c3", name="Trend", weight=1.0, labels=("a", "b", "c"), position=2),
]


def risk(rid, title=None, override=None):
    return Risk(id=rid, title=title or rid.upper(), is_priority=True, rank_override=override)


def scores(rid, *values):
    return [RiskScore(id=f"{rid}-{c.id}", risk_id=rid, criterion_id=c.id, score=v,
                      rationale=f"why {rid} {c.id}")
            for c, v in zip(CRITERIA, values) if v is not None]


def test_points_are_weight_times_score_over_levels():
    assert criterion_points(CRITERIA[0], 4) == 3.0
    assert criterion_points(CRITERIA[0], 2) == 1.5
    assert criterion_points(CRITERIA[1], 5) == 2.0
    assert criterion_points(CRITERIA[2], None) == 0.0
    assert criterion_points(CRITERIA[2], 9) == 0.0  # outside the scale
    assert weighted_total(CRITERIA, {"c1": 4, "c2": 5, "c3": 3}) == maximum_total(CRITERIA) == 6.0
    assert weighted_total(CRITERIA, {"c1": 2}) == 1.5


def test_ranked_by_total_with_scores_and_rationales():
    risks = [risk("a"), risk("b"), risk("c")]
    all_scores = scores("a", 1, 1, 1) + scores("b", 4, 5, 3) + scores("c", 2, 3, None)
    ranked = rank_risks(risks, CRITERIA, all_scores)
    assert [r.risk.id for r in ranked] == ["b", "c", "a"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert not any(r.tied or r.overridden for r in ranked)
    top = ranked[0]
    assert top.total == 6.0 and top.maximum == 6.0 and top.scored == 3
    assert [s.label for s in top.scores] == ["d", "e", "c"]
    assert top.scores[0].rationale == "why b c1"
    c = ranked[1]
    assert c.scored == 2 and c.scores[2].score is None and c.scores[2].points == 0.0


def test_ties_share_a_rank_and_are_marked():
    # x: 3 × 4/4 = 3.0; y: 2 × 5/5 + 1 × 3/3 = 3.0 — equal totals by different routes.
    risks = [risk("x"), risk("y"), risk("z")]
    tie_scores = scores("x", 4, None, None) + scores("y", None, 5, 3) + scores("z", 1, None, None)
    ranked = rank_risks(risks, CRITERIA, tie_scores)
    assert [r.rank for r in ranked] == [1, 1, 3]
    assert [r.tied for r in ranked] == [True, True, False]
    assert [r.risk.id for r in ranked] == ["x", "y", "z"]
    assert [r.computed_rank for r in ranked] == [1, 1, 3]


def test_tied_risks_are_ordered_by_title_for_a_stable_document():
    risks = [risk("r1", "Zebra"), risk("r2", "apple")]
    ranked = rank_risks(risks, CRITERIA, scores("r1", 4, None, None) + scores("r2", 4, None, None))
    assert [r.risk.title for r in ranked] == ["apple", "Zebra"]


def test_override_wins_and_the_others_are_numbered_around_it():
    risks = [risk("a"), risk("b"), risk("c"), risk("d", override=1)]
    all_scores = scores("a", 4, 5, 3) + scores("b", 3, 3, 2) + scores("c", 1, 1, 1) + scores("d", 1, 1, 1)
    ranked = rank_risks(risks, CRITERIA, all_scores)
    assert [r.risk.id for r in ranked] == ["d", "a", "b", "c"]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]
    assert ranked[0].overridden and ranked[0].computed_rank == 3  # tied with c by score
    assert not ranked[1].overridden


def test_override_in_the_middle_and_beyond_the_end():
    risks = [risk("a"), risk("b"), risk("c", override=2), risk("d", override=10)]
    all_scores = scores("a", 4, 5, 3) + scores("b", 3, 3, 2) + scores("c", 1, 1, 1) + scores("d", 4, 5, 3)
    ranked = rank_risks(risks, CRITERIA, all_scores)
    assert [r.risk.id for r in ranked] == ["a", "c", "b", "d"]
    assert [r.rank for r in ranked] == [1, 2, 3, 10]


def test_two_risks_given_the_same_place_are_shown_tied():
    risks = [risk("a"), risk("b", override=1), risk("c", override=1)]
    ranked = rank_risks(risks, CRITERIA, scores("a", 4, 5, 3))
    assert [r.risk.id for r in ranked] == ["b", "c", "a"]
    assert [r.rank for r in ranked] == [1, 1, 3]
    assert [r.tied for r in ranked] == [True, True, False]


def test_non_positive_override_is_ignored():
    risks = [risk("a", override=0), risk("b", override=-3)]
    ranked = rank_risks(risks, CRITERIA, scores("a", 1, None, None) + scores("b", 4, None, None))
    assert [r.risk.id for r in ranked] == ["b", "a"]
    assert not any(r.overridden for r in ranked)


def test_unscored_risks_come_last_with_zero():
    ranked = rank_risks([risk("a"), risk("b")], CRITERIA, scores("b", 1, None, None))
    assert [r.risk.id for r in ranked] == ["b", "a"]
    assert ranked[1].total == 0.0 and ranked[1].scored == 0


def test_empty_and_no_criteria():
    assert rank_risks([], CRITERIA, []) == []
    ranked = rank_risks([risk("a"), risk("b")], [], [])
    assert [r.rank for r in ranked] == [1, 1] and ranked[0].maximum == 0


def test_demo_plan_priorities_rank_through_the_plan_api():
    plan = new_demo_plan_in_memory()
    ranked = rank_plan_risks(plan, priority_only=True)
    assert len(ranked) == 4
    assert all(r.risk.is_priority for r in ranked)
    totals = [r.total for r in ranked if not r.overridden]
    assert totals == sorted(totals, reverse=True)
    assert len(rank_plan_risks(plan)) == plan.risks.count()


def test_changing_a_weight_reorders_the_risks():
    # a leads on reach, b on harm; raising harm's weight past reach's swaps them.
    risks = [risk("a"), risk("b")]
    all_scores = scores("a", 4, 1, None) + scores("b", 1, 5, None)
    before = rank_risks(risks, CRITERIA, all_scores)
    assert [r.risk.id for r in before] == ["a", "b"]  # 3 + 0.4 against 0.75 + 2
    heavier = [CRITERIA[0], Criterion(id="c2", name="Harm", weight=4.0, labels=CRITERIA[1].labels, position=1),
               CRITERIA[2]]
    after = rank_risks(risks, heavier, all_scores)
    assert [r.risk.id for r in after] == ["b", "a"]  # 0.75 + 4 against 3 + 0.8
    assert [r.total for r in after] == pytest.approx([4.75, 3.8])
    assert [r.rank for r in after] == [1, 2]
