"""Guidance for each step: what it is for, what the law asks, and practical tips from the toolkit.

Written for this program in plain words; shown in the collapsible panel beside each step and
collected in Help › Guide.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication


@dataclass(frozen=True)
class Guidance:
    purpose: str
    law: str
    tips: tuple[str, ...]


def _t(text: str) -> str:
    return QCoreApplication.translate("guidance", text)


GUIDANCE: dict[str, Guidance] = {
    "profile": Guidance(
        "Say whose plan this is and what it hopes for: the community (or the communities of a joint "
        "plan), the people who coordinate the work and speak for it, the vision, and the years the "
        "plan covers.",
        "Every municipality must adopt a plan by council resolution, alone or jointly with other "
        "municipalities or First Nations; a band council may prepare one too. Once adopted, the plan "
        "must be posted online within 30 days, and reviewed and updated at least every four years.",
        ("A champion is a respected public voice for the plan — a mayor, a chief, an agency head. "
         "The coordinator keeps the work moving day to day.",
         "Keep the vision short enough to read aloud at a council meeting.",
         "Record the resolution number as council wrote it; the publication and review dates follow "
         "from the adoption date."),
    ),
    "partners": Guidance(
        "List the organisations that share the work — health, schools, police, social services, "
        "Elders, youth groups, businesses — and the part each plays.",
        "The law does not list partners, but the advisory committee categories and the groups to "
        "consult (next steps) show who has to be at the table.",
        ("Move a partner along from identified to committed as the relationship grows.",
         "Organisations outside safety and well-being — a landlord, a store owner — are often the "
         "ones who can prevent a particular risk.",
         "Contact details stay in your file; when you share a copy you can leave them out."),
    ),
    "committee": Guidance(
        "Set up the advisory committee that guides the plan and the implementation teams that carry "
        "out its strategies, each with terms of reference.",
        "The advisory committee needs at least one person for each of seven categories: health, "
        "education, community or social services, services to children or youth, custodial services "
        "to children or youth, the municipality, and police (the board, or the OPP detachment "
        "commander). Categories 3 to 5 apply only where such a provider exists in the area. One "
        "person may cover several categories.",
        ("Terms of reference answer five questions: why the group exists, what it is for, what it "
         "aims to achieve and how progress is measured, who sits on it, and who does what.",
         "Where no provider of a category exists in your area, say so here rather than leaving a gap."),
    ),
    "engagement": Guidance(
        "Record how the community was heard: each activity, who it reached and what people said; "
        "then the summary of the whole engagement and who took part.",
        "The plan must be shaped by consulting the advisory committee and the public — including "
        "youth, members of racialized groups, First Nations, Métis and Inuit communities, and people "
        "who have used mental health or addictions services — and organisations that represent them.",
        ("Go where people already gather: a school assembly, a feast, a seniors' lunch.",
         "Write what you heard in people's own terms; it becomes the evidence for the risks.",
         "The summary (period, kinds of outreach, what worked, what did not, findings, lessons) "
         "becomes a section of the plan document."),
    ),
    "assets": Guidance(
        "Map the community's strengths — programs, services, organisations, places, cultural "
        "knowledge and people — and the area of the framework each one serves.",
        "Not required by law, but the toolkit asks for it: it shows what already exists before new "
        "work is planned.",
        ("Mapping existing programs onto the four areas shows gaps and duplication at a glance.",
         "An asset can become an existing strategy in the strategies step."),
    ),
    "risks": Guidance(
        "Describe each risk factor the community raised, answer the toolkit's questions about it, "
        "and back it with data.",
        "Local priority risk factors must be identified through consultation and from several "
        "sources of data, such as Statistics Canada and local sector data.",
        ("Ask whether a risk is the real problem or a symptom of another.",
         "Two or more independent data sources per priority risk make the case hold.",
         "Write about the community, never about individuals."),
    ),
    "prioritisation": Guidance(
        "Score each risk against the criteria, see the ranking, and choose the risks the plan will "
        "work on.",
        "The plan must name the local risk factors it has prioritised.",
        ("Agree the criteria and their weights with the advisory committee before scoring.",
         "You may override the ranking; write down why, so the choice can be explained later."),
    ),
    "strategies": Guidance(
        "For each priority risk, plan what will be done in each of the four areas — existing work, "
        "work to enhance, and new work — with a lead partner, supporters, dates and resources.",
        "The plan must set out strategies to reduce the prioritised risk factors.",
        ("Most of the effort and money should go to social development, prevention and risk "
         "intervention, so fewer people ever need an incident response.",
         "One strategy can serve several risks.",
         "The coverage matrix shows which risk has nothing in which area."),
    ),
    "logic_models": Guidance(
        "Spell out how each strategy is expected to work: what goes in, what is done, what is "
        "produced, and the changes that follow in the short, medium and long term.",
        "The plan must set measurable outcomes; the logic model is where they come from.",
        ("Read the chain aloud: “with these inputs we do these activities, which produce these "
         "outputs, which lead to these outcomes.” If it doesn't sound right, it isn't yet.",),
    ),
    "target_board": Guidance(
        "See the whole plan at once: every strategy placed by the risk it serves and the area it "
        "works in. Empty cells are gaps.",
        "Planning should cover all four areas of the framework.",
        ("Drag a strategy to another ring to change its area.",
         "A board crowded in the centre is a plan that mostly reacts."),
    ),
    "measurement": Guidance(
        "Give each outcome indicators with a baseline and a target, and record the values as they "
        "come in.",
        "The plan must include measurable outcomes with performance measures, and progress reports "
        "are to be made public.",
        ("How the status is worked out: only the latest measurement dated on or before today counts. "
         "An indicator that should go up or down is on track when that value has covered at least "
         "as much of the way from the baseline to the target as had passed of the time from the "
         "baseline date to the target date on the day it was measured, less a margin of one tenth "
         "of the way; a value that has reached the target is always on track. Otherwise it is off "
         "track.",
         "Without a baseline date or a target date, only the direction counts: on track when the "
         "latest value has moved from the baseline toward the target. A target that lies on the "
         "wrong side of the baseline counts only once it is reached.",
         "An indicator meant to stay at its level is on track while its latest value stays within "
         "5 % of the target (of the baseline when there is no target; within 0.05 when that level "
         "is zero).",
         "Without a baseline, a target or a measurement the status is “no data”. Qualitative "
         "indicators are described in words and are not rated."),
    ),
    "implementation": Guidance(
        "Break each strategy into actions and milestones with an owner and a due date, and keep "
        "track of progress.",
        "The plan's progress in reducing the prioritised risks is to be reported publicly.",
        ("Check the list of overdue actions and actions due within 30 days at each team meeting.",
         "A short progress note per strategy each quarter makes the yearly report easy."),
    ),
    "review": Guidance(
        "Check what the law and the toolkit still ask of the plan, see the balance of effort across "
        "the four areas, and produce the documents for council and the public.",
        "Adopt by council resolution, publish within 30 days, review at least every four years.",
        ("Each finding links to the step where it is fixed.",
         "Export a draft for the advisory committee before the final version goes to council."),
    ),
}


def guidance_html(step_code: str) -> str:
    g = GUIDANCE.get(step_code)
    if g is None:
        return ""
    tips = "".join(f"<li>{_t(t)}</li>" for t in g.tips)
    return (f"<h3>{_t('What this step is for')}</h3><p>{_t(g.purpose)}</p>"
            f"<h3>{_t('What the law asks')}</h3><p>{_t(g.law)}</p>"
            f"<h3>{_t('Tips')}</h3><ul>{tips}</ul>")
