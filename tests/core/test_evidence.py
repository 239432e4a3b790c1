"""Distinct data sources per risk: the rule behind the flag in the risks step and the review."""

from cswb_desktop.core.checks import run_checks
from cswb_desktop.core.evidence import needs_more_sources, source_counts, source_key, sources_by_risk
from cswb_desktop.core.records import Evidence
from cswb_desktop.core.sample import new_demo_plan_in_memory


def ev(risk, source):
    return Evidence(id=f"{risk}-{source}", risk_id=risk, source=source)


def test_same_source_written_differently_counts_once():
    assert source_key("  Statistics   Canada ") == source_key("statistics canada") == "statistics canada"
    found = sources_by_risk([ev("r1", "Statistics Canada"), ev("r1", "STATISTICS  CANADA"),
                             ev("r1", "  "), ev("r2", "Police data"), ev("r2", "Health unit")])
    assert found == {"r1": {"statistics canada"}, "r2": {"police data", "health unit"}}
    assert needs_more_sources(len(found["r1"])) and not needs_more_sources(len(found["r2"]))


def test_counts_cover_every_risk_and_agree_with_the_review():
    plan = new_demo_plan_in_memory()
    counts = source_counts(plan)
    assert set(counts) == {r.id for r in plan.risks.list()}
    bare = plan.risks.add(title="Gambling", is_priority=True)
    plan.evidence.add(risk_id=bare.id, source="Survey", indicator="x")
    plan.evidence.add(risk_id=bare.id, source=" survey ", indicator="y")
    assert source_counts(plan)[bare.id] == 1
    flagged = {f.record_id for f in run_checks(plan) if f.code == "risk_sources_too_few"}
    thin_priorities = {r.id for r in plan.risks.list()
                       if r.is_priority and needs_more_sources(source_counts(plan)[r.id])}
    assert bare.id in flagged and flagged == thin_priorities
