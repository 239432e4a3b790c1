"""The council-ready plan document, section by section.

The order follows published Ontario plans: title page, contents, the plan and its vision, the
framework with the target board, governance, engagement, assets, priority risks, strategies,
logic models, the performance measurement framework (landscape), the implementation timeline,
monitoring and review, and the appendices. A section with nothing recorded says so plainly.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from typing import Callable

from ..core import framework
from ..core.balance import BALANCE_RULE, plan_balance
from ..core.checks import due_dates
from ..core.coverage import build_coverage
from ..core.evidence import sources_by_risk
from ..core.plan import Plan
from ..core.ranking import RankedRisk, rank_risks
from ..core.records import Indicator, Strategy, as_date
from .content import (
    PlanData, join_words, language_tag, long_date, money, number, plural, short_date,
)
from .figure import FIGURE_WIDTH_CM, board_figure
from .images import safe_picture
from .sanitize import clip, lines, one_line
from .output import build_in_steps
from .writer import TITLE_LIMIT, DocWriter, GroupRow, TableCell, TableColumn

log = logging.getLogger(__name__)

NOT_RECORDED = "Not yet recorded."

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Advisory committee", "The group of local organisations and people that guides the plan from "
     "start to finish. Ontario's law says which sectors must have a seat on it."),
    ("Asset", "Something the community already has that keeps people safe and well: a program, a "
     "service, a building, an organisation, a cultural practice or a person's knowledge."),
    ("Baseline", "The value of an indicator at the start, against which later results are "
     "compared."),
    ("Champion", "A respected person who speaks up for the plan in public and helps bring "
     "partners to the table."),
    ("Community safety and well-being plan", "A plan, adopted by council (or by Chief and "
     "Council), that names the local risks a community will work on and the strategies it will "
     "use to reduce them."),
    ("Coordinator", "The person who keeps the planning work moving: organising meetings, keeping "
     "records and preparing reports."),
    ("Evidence", "Figures and observations, from local and provincial sources, that show how "
     "common or serious a risk is."),
    ("Implementation team", "A working group of partners that carries out one or more of the "
     "plan's strategies and reports to the advisory committee."),
    ("Incident response", "The innermost ring of the framework: what police, fire, paramedics "
     "and other services do once harm has happened or is about to happen."),
    ("Indicator", "A measurable sign that shows whether an expected outcome is being reached."),
    ("Logic model", "A chain that links what a strategy puts in (inputs) to what it does "
     "(activities), what it delivers (outputs) and what changes as a result (outcomes)."),
    ("Outcome", "A change the plan expects to see, in the short term (immediate), the medium term "
     "(intermediate) or the long term."),
    ("Performance measurement framework", "The table that lists, for each expected outcome, the "
     "indicator, its baseline and target, where the data come from, how often they are "
     "collected and who is responsible."),
    ("Prevention", "The second ring of the framework: proven measures that reduce a named local "
     "risk before anyone is harmed."),
    ("Priority risk", "A risk factor the community chose to focus on, after looking at the "
     "evidence and listening to residents and partners."),
    ("Protective factor", "Something that makes harm less likely, such as a stable home, a "
     "caring adult or a connection to culture."),
    ("Risk factor", "A condition or circumstance that makes harm more likely for a person, a "
     "family or a community."),
    ("Risk intervention", "The third ring of the framework: several agencies acting together, "
     "quickly, when a situation shows a high risk of imminent harm."),
    ("Situation table", "A regular meeting of agencies that discuss situations of acutely "
     "elevated risk with as little personal information as possible, and connect the people "
     "concerned to help within a day or two."),
    ("Social development", "The outermost ring of the framework: long-term work on the conditions "
     "of daily life, such as housing, income, food, education and early childhood, so that fewer "
     "people ever face risk."),
    ("Target", "The value an indicator should reach by a given date."),
    ("Terms of reference", "A short document setting out why a committee or team exists, what it "
     "aims to do, who belongs to it and how it works."),
)

FORM_C_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("problem_or_symptom", "The real problem, or a symptom of another?"),
    ("raised_by", "Who raised it"),
    ("evidence_and_seriousness", "What the evidence shows, and how serious it is"),
    ("if_nothing_done", "What happens if nothing is done"),
    ("current_response", "What the community does about it now"),
    ("combined_approach", "How the four areas could work together on it"),
    ("most_work_needed", "Where the most work is needed, and who must be involved"),
)

TOR_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("background", "Background and context", False),
    ("purpose", "Goals and purpose", False),
    ("objectives", "Objectives and performance measures", True),
    ("membership", "Membership", False),
    ("responsibilities", "Roles and responsibilities", True),
)

FORM_A_FIELDS: tuple[tuple[str, str], ...] = (
    ("outreach_types", "How we reached people"),
    ("successes", "What went well"),
    ("challenges", "Challenges"),
    ("findings", "What we found"),
    ("lessons", "Lessons for next time"),
)

Progress = Callable[[int, int, str], object]


class PlanWordDocument:
    """Builds the plan into a DocWriter; `steps` drives the progress report to the caller."""

    def __init__(self, plan: Plan, *, template=None, draft: bool = False,
                 today: datetime.date | None = None):
        self.plan = plan
        self.today = today or datetime.date.today()
        self.notes: list[str] = []  # sentences about what was left out, for the person exporting
        self.data = PlanData.read(plan, measurements=False)
        profile = self.data.profile
        self.adopted = as_date(profile.adopted_on)
        self.draft = draft or self.adopted is None
        self.title = clip(profile.title, TITLE_LIMIT) or "Community Safety and Well-Being Plan"
        header = f"{self.title} — Draft" if self.draft else self.title
        self.w = DocWriter(template=template, language_tag=language_tag(profile.language),
                           header_text=header, title=self.title,
                           subject="Community safety and well-being plan")
        priorities = self.data.priority_risks()
        wanted = {r.id for r in priorities}
        self.ranked: list[RankedRisk] = rank_risks(
            priorities, self.data.criteria, [s for s in self.data.scores if s.risk_id in wanted])
        self.coverage = build_coverage([r.risk.id for r in self.ranked], self.data.strategies,
                                       self.plan.strategy_risks.pairs())

    @property
    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("Title page and contents", self.title_page),
            ("The plan and its vision", self.about),
            ("The framework and the target board", self.framework_section),
            ("Governance", self.governance),
            ("Community engagement", self.engagement),
            ("Community assets", self.assets),
            ("Local priority risks", self.risks),
            ("Strategies", self.strategies),
            ("Logic models", self.logic_models),
            ("Performance measurement framework", self.measurement_framework),
            ("Implementation timeline", self.timeline),
            ("Monitoring and review", self.monitoring),
            ("Appendices", self.appendices),
        ]

    def build(self, progress: Progress | None = None) -> DocWriter:
        return build_in_steps(self.steps, progress, self.w)

    # --- title page -----------------------------------------------------------------------------

    def title_page(self) -> None:
        w, p = self.w, self.data.profile
        self._logo()
        w.paragraph(self.title, "Title")
        communities = lines(p.participating_communities)
        kind = framework.COMMUNITY_TYPES.get(p.community_type, "")
        if p.community_type == "joint" and communities:
            w.paragraph("A joint plan: " + join_words(communities), "Subtitle")
        elif one_line(p.community):
            w.paragraph(f"{one_line(p.community)}" + (f" ({kind})" if kind else ""), "Subtitle")
        elif communities:
            w.paragraph(join_words(communities), "Subtitle")
        start, end = long_date(p.period_start), long_date(p.period_end)
        if start and end:
            w.labelled("Plan period", f"{start} to {end}")
        elif start or end:
            w.labelled("Plan period", f"from {start}" if start else f"until {end}")
        if self.adopted is None:
            w.paragraph("Draft — not yet adopted", bold=True)
        elif self.draft:
            w.paragraph("Draft", bold=True)
            w.paragraph(f"This is a working draft. The plan in force was adopted on "
                        f"{long_date(self.adopted)}"
                        + (f" by {one_line(p.adoption_reference)}" if one_line(p.adoption_reference) else "")
                        + ".")
        else:
            adopted = f"Adopted on {long_date(self.adopted)}"
            if one_line(p.adoption_reference):
                adopted += f" by {one_line(p.adoption_reference)}"
            w.paragraph(adopted + ".", bold=True)
        published = as_date(p.published_on)
        if published is not None and not self.draft:
            w.paragraph(f"Published on {long_date(published)}.")
        w.paragraph(f"Document prepared on {long_date(self.today)}.")
        w.note("This plan describes the community as a whole. It holds no information about "
               "individual people.")
        w.table_of_contents()

    def _logo(self) -> None:
        p = self.data.profile
        if not p.logo:
            return
        png, why = safe_picture(p.logo)
        if png is None:
            note = f"The plan's logo was left out of the document: {why}."
            log.info("%s", note)
            self.notes.append(note)
            return
        who = one_line(p.community) or self.title
        try:
            self.w.image(png, width_cm=5.0, max_height_cm=3.5, alt=f"Logo of {who}", name="Logo")
        except Exception:  # an unreadable picture must not stop the document
            log.exception("the plan's logo could not be placed")
            self.notes.append("The plan's logo was left out of the document: it could not be placed.")

    # --- the plan and the framework -------------------------------------------------------------

    def about(self) -> None:
        w, p = self.w, self.data.profile
        w.heading("About this plan", 1, new_page=True)
        w.heading("Our vision", 2)
        if not w.paragraphs(p.vision):
            w.note(NOT_RECORDED)
        w.heading("The communities in this plan", 2)
        communities = lines(p.participating_communities)
        if p.community_type == "joint":
            if communities:
                w.paragraph(f"This is a joint plan, prepared together by "
                            f"{plural(len(communities), 'community', 'communities')}:")
                w.bullets(communities)
            else:
                w.paragraph("This is a joint plan; the participating communities are not yet "
                            "recorded.")
        else:
            kind = framework.COMMUNITY_TYPES.get(p.community_type, "community").lower()
            name = one_line(p.community)
            w.paragraph(f"This plan was prepared by {name}, a {kind}." if name else
                        f"This plan was prepared by a {kind}.")
            if communities:
                w.paragraph("Taking part:")
                w.bullets(communities)
        w.heading("Why a plan", 2)
        w.paragraph(
            "Under Ontario's Community Safety and Policing Act, 2019, every municipality must have "
            "a community safety and well-being plan adopted by its council, on its own or jointly "
            "with neighbouring municipalities and First Nations; a First Nation may prepare its "
            "own. The plan sets out the local risks the community has chosen to work on, the "
            "strategies that will reduce them and how progress will be measured.")
        w.paragraph(
            f"Once adopted, the plan is posted online within {framework.PUBLISH_WITHIN_DAYS} days, "
            f"and a printed copy is available to anyone who asks. It is reviewed and updated at "
            f"least every {framework.REVIEW_WITHIN_YEARS} years, and progress on the priority "
            f"risks is reported publicly.")

    def framework_section(self) -> None:
        w, data = self.w, self.data
        w.heading("The framework", 1, new_page=True)
        w.paragraph(
            "The province's framework sorts community safety work into four areas, drawn as the "
            "rings of a target. The outer rings work on the conditions of daily life and on risks "
            "before anyone is hurt; the bullseye is the emergency response once harm is done. The "
            "further out the work, the fewer people ever need the centre, so most of a plan's "
            "effort and money belong in the three outer rings.")
        w.table([TableColumn("Ring", 1.3), TableColumn("Area", 1.6), TableColumn("What it covers", 5.0)],
                [[str(area.ring) + ("\n(outermost)" if area.ring == 1 else
                                    "\n(centre)" if area.ring == 4 else ""),
                  TableCell(area.name_en, bold=True), area.summary_en]
                 for area in framework.AREAS])

        w.heading("Our plan on the target board", 2)
        figure = board_figure(self.plan, data)
        if figure.png is not None:
            w.image(figure.png, width_cm=FIGURE_WIDTH_CM, alt=figure.alt_text, name="Target board")
            w.caption("Figure 1. The plan's strategies on the target board. Each wedge is a "
                      "priority risk; each numbered marker is a strategy, placed in the ring of "
                      "its area. The numbers match the strategy numbers in this document.")
        else:
            w.note(figure.problem)
            w.paragraph(figure.alt_text)

        w.heading("Balance across the four areas", 2)
        balance = plan_balance(data.strategies)
        if not balance.total_strategies:
            w.note("No strategies are recorded yet.")
            return
        rows = []
        for area in balance.areas:
            rows.append([data.area_name(area.area), str(area.strategies),
                         f"{round(100 * area.strategy_share)} %",
                         money(area.budget) if area.budget else "—",
                         f"{round(100 * area.budget_share)} %" if balance.total_budget else "—"])
        rows.append([TableCell("All areas", bold=True), TableCell(str(balance.total_strategies), bold=True),
                     TableCell("100 %", bold=True),
                     TableCell(money(balance.total_budget) if balance.total_budget else "—", bold=True),
                     TableCell("100 %" if balance.total_budget else "—", bold=True)])
        w.table([TableColumn("Area", 2.4), TableColumn("Strategies", 1.1), TableColumn("Share", 0.9),
                 TableColumn("Budget", 1.4), TableColumn("Share of budget", 1.2)], rows)
        outer = sum(a.strategies for a in balance.areas if a.area in framework.OUTER_AREAS)
        sentence = (f"{outer} of the plan's {plural(balance.total_strategies, 'strategy', 'strategies')} "
                    f"({round(100 * balance.outer_strategy_share)} %) are in the three outer areas")
        if balance.total_budget:
            sentence += (f", with {round(100 * balance.outer_budget_share)} % of the budget "
                         f"recorded for strategies")
        sentence += "."
        if balance.without_budget:
            sentence += (f" {plural(balance.without_budget, 'strategy has', 'strategies have')} "
                         f"no budget recorded.")
        if not balance.unbalanced:
            sentence += " Incident response does not outweigh the other areas."
        w.paragraph(sentence)
        if balance.unbalanced:
            w.paragraph("This plan leans towards incident response, while the framework asks that "
                        "most effort go to the outer three areas. " + BALANCE_RULE, bold=True)

    # --- governance -----------------------------------------------------------------------------

    def governance(self) -> None:
        w, data, p = self.w, self.data, self.data.profile
        w.heading("Governance", 1, new_page=True)
        w.heading("Coordinators", 2)
        if not w.bullets(lines(p.coordinators)):
            w.note(NOT_RECORDED)
        w.heading("Champions", 2)
        if not w.bullets(lines(p.champions)):
            w.note(NOT_RECORDED)

        w.heading("Advisory committee", 2)
        categories = {c.number: c for c in framework.COMMITTEE_CATEGORIES}
        if data.members:
            rows = []
            for member in data.members:
                covered = sorted(set(data.member_categories.get(member.id, [])))
                names = [f"{n}. {categories[n].short}" for n in covered if n in categories]
                organisation = one_line(member.organisation) or data.partner_name(member.partner_id)
                rows.append([TableCell(member.person or "Unnamed member", bold=True), organisation,
                             member.role, names or "—"])
            w.table([TableColumn("Member", 1.6), TableColumn("Organisation", 2.0), TableColumn("Role", 2.0),
                     TableColumn("Legislated categories covered", 2.0)], rows)
        else:
            w.note("No committee members are recorded yet.")

        w.heading("How the committee meets the law", 3)
        w.paragraph("The law asks that the advisory committee include at least one person for "
                    "each of the categories below; one person may cover several. Categories 3 to "
                    "5 apply only where such a provider exists in the area.")
        members = {m.id: m for m in data.members}
        covering: dict[int, list[str]] = defaultdict(list)
        for member_id, numbers in data.member_categories.items():
            member = members.get(member_id)
            if member is None:
                continue
            for n in numbers:
                covering[n].append(one_line(member.person) or "Unnamed member")
        rows = []
        for category in framework.COMMITTEE_CATEGORIES:
            status = data.category_statuses.get(category.number)
            if covering[category.number]:
                who: object = sorted(set(covering[category.number]), key=str.casefold)
                if status is not None and status.note.strip():
                    who = list(who) + [f"Note: {one_line(status.note)}"]
            elif category.may_be_absent and status is not None and status.no_provider:
                who = TableCell("No provider in our area"
                           + (f": {one_line(status.note)}" if status.note.strip() else ""),
                           italic=True)
            else:
                who = TableCell("Not yet covered", bold=True)
            rows.append([f"{category.number}. {category.text}", who])
        w.table([TableColumn("Category", 3.0), TableColumn("Covered by", 2.6)], rows)

        w.heading("Teams and their terms of reference", 2)
        if not data.teams:
            w.note("No teams are recorded yet.")
        for team in data.teams:
            kind = framework.TEAM_KINDS.get(team.kind, "Team")
            name = one_line(team.name)
            w.heading(f"{name} ({kind.lower()})" if name else kind, 3)
            wrote = False
            for attr, label, as_list in TOR_FIELDS:
                value = getattr(team, attr)
                if as_list and len(lines(value)) > 1:
                    w.paragraph(label, bold=True, keep_next=True)
                    w.bullets(lines(value))
                    wrote = True
                else:
                    wrote = w.labelled(label, value) or wrote
            if not wrote:
                w.note("Terms of reference not yet recorded.")

    # --- engagement -----------------------------------------------------------------------------

    def engagement(self) -> None:
        w, data = self.w, self.data
        summary = data.summary
        w.heading("Community engagement", 1, new_page=True)
        w.heading("Summary of engagement (Form A)", 2)
        start, end = long_date(summary.period_start), long_date(summary.period_end)
        wrote = False
        if start or end:
            w.labelled("Period", f"{start or '…'} to {end or '…'}")
            wrote = True
        for attr, label in FORM_A_FIELDS:
            wrote = w.labelled(label, getattr(summary, attr)) or wrote
        if not wrote:
            w.note(NOT_RECORDED)

        w.heading("Who took part (Form B)", 2)
        if data.participants:
            w.table([TableColumn("Sector or group", 1.0), TableColumn("Organisation or affiliation", 1.4)],
                    [[p.sector_or_group, p.organisation] for p in data.participants])
        else:
            w.note(NOT_RECORDED)

        w.heading("Engagement activities", 2)
        groups = {g.code: g.name for g in framework.CONSULTATION_GROUPS}
        if data.activities:
            people = sum(a.participants or 0 for a in data.activities)
            w.paragraph(f"{plural(len(data.activities), 'activity', 'activities')} reached "
                        f"{people:,} participants in all." if people else
                        f"{plural(len(data.activities), 'activity was', 'activities were')} held.")
            w.table([TableColumn("Date", 1.1), TableColumn("Activity", 2.2), TableColumn("Method", 2.2),
                     TableColumn("People", 0.8), TableColumn("Groups reached", 2.2)],
                    [[short_date(a.held_on, "—"), TableCell(a.title, bold=True), a.method,
                      number(a.participants, "—"),
                      [groups.get(code, code) for code in data.activity_groups.get(a.id, [])] or "—"]
                     for a in data.activities])
            heard = [a for a in data.activities if a.what_we_heard.strip()]
            if heard:
                w.heading("What we heard", 2)
                for activity in heard:
                    when = long_date(activity.held_on)
                    label = one_line(activity.title) or "An activity"
                    w.labelled(f"{label} ({when})" if when else label, activity.what_we_heard)
        else:
            w.note("No engagement activities are recorded yet.")

        w.heading("Groups the law asks us to consult", 2)
        reached: dict[str, list[str]] = defaultdict(list)
        for activity in data.activities:
            for code in data.activity_groups.get(activity.id, []):
                reached[code].append(one_line(activity.title) or "an activity")
        w.table([TableColumn("Group", 2.0), TableColumn("Reached through", 3.0)],
                [[g.name, reached[g.code] or TableCell("Not yet reached", bold=True)]
                 for g in framework.CONSULTATION_GROUPS])

    # --- assets ---------------------------------------------------------------------------------

    def assets(self) -> None:
        w, data = self.w, self.data
        w.heading("Community assets", 1, new_page=True)
        if not data.assets:
            w.note(NOT_RECORDED)
            return
        w.paragraph("The plan builds on what the community already has. These programs, services, "
                    "places and people were mapped onto the four areas of the framework, which "
                    "shows where support already exists and where it is thin.")
        w.table([TableColumn("Asset", 2.0), TableColumn("Type", 1.0), TableColumn("Run by", 1.6),
                 TableColumn("Areas", 1.4), TableColumn("Description", 3.2)],
                [[TableCell(a.name, bold=True), framework.ASSET_KINDS.get(a.kind, a.kind),
                  data.partner_name(a.owner_partner_id, "—"),
                  [data.area_name(c) for c in _area_order(data.asset_areas.get(a.id, []))] or "—",
                  a.description]
                 for a in data.assets])
        w.heading("Assets by area", 2)
        by_area: dict[str, list[str]] = defaultdict(list)
        for asset in data.assets:
            for code in data.asset_areas.get(asset.id, []):
                by_area[code].append(one_line(asset.name) or "Unnamed asset")
        w.table([TableColumn("Area", 1.4), TableColumn("Assets", 0.7), TableColumn("Which", 4.0)],
                [[area.name_en, str(len(by_area[area.code])),
                  by_area[area.code] or TableCell("None mapped yet", italic=True)]
                 for area in framework.AREAS])

    # --- risks ----------------------------------------------------------------------------------

    def risks(self) -> None:
        w, data = self.w, self.data
        w.heading("Local priority risks", 1, new_page=True)
        if not self.ranked:
            w.note("No priority risks are chosen yet.")
        else:
            w.paragraph(
                f"The advisory committee chose {plural(len(self.ranked), 'priority risk', 'priority risks')} "
                f"from what residents and partners told us and from several sources of data. "
                f"They are listed below in ranked order.")
        self._criteria_and_ranking()
        for ranked in self.ranked:
            self._risk(ranked)
        others = [r for r in data.risks if not r.is_priority]
        if others:
            w.heading("Other risks we considered", 2)
            w.paragraph("These risks were raised and looked at, but not chosen as priorities for "
                        "this plan. Some are addressed indirectly by the strategies above.")
            ranked_others = rank_risks(others, data.criteria,
                                       [s for s in data.scores
                                        if s.risk_id in {r.id for r in others}])
            w.table([TableColumn("Risk", 3.0), TableColumn("Category", 1.6), TableColumn("Total score", 1.0)],
                    [[data.risk_name(r.risk), data.category_name(r.risk) or "—",
                      _total(r) if r.scored else "Not scored"]
                     for r in ranked_others])

    def _criteria_and_ranking(self) -> None:
        w, data = self.w, self.data
        if not self.ranked:
            return
        w.heading("How we ranked the risks", 2)
        criteria = sorted(data.criteria, key=lambda c: (c.position, c.name.casefold()))
        if criteria:
            maximum = sum(c.weight for c in criteria if c.levels)
            w.paragraph(
                "Each risk was scored on the criteria below. A score counts in proportion to its "
                "place on the criterion's scale, multiplied by the criterion's weight: a risk at "
                f"the top of every scale would total {number(maximum)}.")
            w.table([TableColumn("Criterion", 1.6), TableColumn("Weight", 0.7), TableColumn("Scale, lowest to highest", 2.6),
                     TableColumn("What it asks", 2.6)],
                    [[TableCell(c.name, bold=True), number(c.weight),
                      " · ".join(f"{i + 1} {one_line(label)}" for i, label in enumerate(c.labels)),
                      c.description] for c in criteria])
        columns = [TableColumn("Rank", 0.8), TableColumn("Priority risk", 2.6)]
        columns += [TableColumn(one_line(c.name), 1.0) for c in criteria[:7]]
        columns.append(TableColumn("Total", 1.0))
        rows = []
        for r in self.ranked:
            rank = f"{r.rank}" + (" (tied)" if r.tied else "") + (" *" if r.overridden else "")
            row = [TableCell(rank, bold=True), TableCell(data.risk_name(r.risk), bold=True)]
            for score in r.scores[:7]:
                row.append(f"{score.score} of {score.levels}" if score.score is not None else "—")
            row.append(_total(r))
            rows.append(row)
        w.table(columns, rows, compact=len(criteria) > 4)
        overridden = [r for r in self.ranked if r.overridden]
        if overridden:
            w.note("* Placed by the advisory committee rather than by score: " + "; ".join(
                f"{data.risk_name(r.risk)} (rank {r.rank}"
                + (f", {r.computed_rank} by score" if r.computed_rank != r.rank else "") + ")"
                + (f": {one_line(r.risk.override_reason)}" if r.risk.override_reason.strip() else "")
                for r in overridden) + ".")
        if len(criteria) > 7:
            w.note("Only the first seven criteria fit in this table; the totals count them all.")

    def _risk(self, ranked: RankedRisk) -> None:
        w, data, risk = self.w, self.data, ranked.risk
        w.heading(f"{ranked.rank}. {data.risk_name(risk)}", 2)
        category = data.category_name(risk)
        if category:
            w.labelled("Category", category)
        if not w.paragraphs(risk.description):
            w.note("No description recorded yet.")

        if ranked.scored:
            w.paragraph("Scores and reasons", bold=True, keep_next=True)
            w.table([TableColumn("Criterion", 1.6), TableColumn("Score", 1.6), TableColumn("Reason", 4.0)],
                    [[TableCell(s.name, bold=True),
                      f"{s.score} of {s.levels}: {one_line(s.label)}" if s.score is not None else "Not scored",
                      s.rationale or "—"] for s in ranked.scores])
            w.paragraph(f"Total: {_total(ranked)}."
                        + (f" Ranked {ranked.rank} by the advisory committee"
                           + (f" ({one_line(risk.override_reason)})" if risk.override_reason.strip() else "")
                           + "." if ranked.overridden else ""))
        else:
            w.note("Not yet scored.")

        w.heading("Questions about this risk (Form C)", 3)
        wrote = False
        for attr, label in FORM_C_QUESTIONS:
            wrote = w.labelled(label, getattr(risk, attr)) or wrote
        raised = [data.activities_by_id[a] for a in data.risk_activities.get(risk.id, [])
                  if a in data.activities_by_id]
        if raised:
            w.labelled("Raised during", "; ".join(one_line(a.title) for a in raised))
            wrote = True
        partners = [data.partner_name(p) for p in data.risk_partners.get(risk.id, [])
                    if p in data.partners]
        if partners:
            w.labelled("Partners working on it", "; ".join(partners))
            wrote = True
        if not wrote:
            w.note(NOT_RECORDED)

        w.heading("Evidence", 3)
        evidence = data.evidence.get(risk.id, [])
        if evidence:
            sources = sources_by_risk(evidence).get(risk.id, set())
            w.paragraph(f"{plural(len(evidence), 'finding', 'findings')} from "
                        f"{plural(len(sources), 'source', 'sources')}.")
            w.table([TableColumn("What was measured", 2.4), TableColumn("Value", 1.4), TableColumn("Year", 0.6),
                     TableColumn("Area covered", 1.5), TableColumn("Source", 2.2)],
                    [[TableCell(e.indicator, bold=True),
                      " ".join(x for x in (one_line(e.value), one_line(e.unit)) if x) or "—",
                      str(e.year) if e.year else "—", e.geography or "—",
                      [e.source] + ([f"Note: {one_line(e.note)}"] if e.note.strip() else [])]
                     for e in evidence])
        else:
            w.note("No evidence recorded yet.")

    # --- strategies -----------------------------------------------------------------------------

    def strategies(self) -> None:
        w, data = self.w, self.data
        w.heading("Strategies", 1, new_page=True)
        if not data.strategies:
            w.note(NOT_RECORDED)
            return
        w.paragraph("For each priority risk, the strategies that will reduce it, grouped by the "
                    "area of the framework they work in. Strategy numbers are the same throughout "
                    "the document and on the target board.")
        described: dict[str, str] = {}
        for ranked in self.ranked:
            risk = ranked.risk
            name = data.risk_name(risk)
            w.heading(f"Strategies for {name}", 2)
            mine = [data.strategies_by_id[s] for s in data.risk_strategies.get(risk.id, [])
                    if s in data.strategies_by_id]
            if not mine:
                w.note("No strategy addresses this risk yet.")
                continue
            missing = [data.area_name(area) for (_risk, area), ids in self.coverage.items()
                       if _risk == risk.id and not ids]
            if missing:
                w.note(f"No strategy yet in: {join_words(missing)}.")
            for area in framework.AREAS:
                here = sorted((s for s in mine if s.area == area.code),
                              key=lambda s: (s.number, s.title.casefold()))
                if not here:
                    continue
                w.heading(area.name_en, 3)
                for strategy in here:
                    if strategy.id in described:
                        w.paragraph(f"Strategy {data.strategy_name(strategy)} — described above, "
                                    f"under {described[strategy.id]}.")
                        continue
                    described[strategy.id] = name
                    self._strategy_card(strategy)
        orphans = [s for s in data.strategies if s.id not in described]
        if orphans:
            w.heading("Strategies not linked to a priority risk", 2)
            for strategy in orphans:
                self._strategy_card(strategy)

    def _strategy_card(self, s: Strategy) -> None:
        data = self.data
        start, end = long_date(s.start_on), long_date(s.end_on)
        timeline = (f"{start} to {end}" if start and end else
                    f"From {start}" if start else f"Until {end}" if end else "Not yet set")
        others = [data.risk_name(data.risks_by_id[r]) for r in data.strategy_risks.get(s.id, [])
                  if r in data.risks_by_id]
        rows: list = [
            ["What it does", s.description or "—"],
            ["Area", data.area_name(s.area)],
            ["Kind", framework.STRATEGY_KINDS.get(s.kind, s.kind)
             + {"existing": " (continues as it is)", "enhanced": " (builds on something that exists)",
                "new": " (new to the community)"}.get(s.kind, "")],
            ["Lead partner", data.partner_name(s.lead_partner_id, "Not yet chosen")],
            ["Supporting partners", [data.partner_name(p) for p in data.strategy_partners.get(s.id, [])
                                     if p in data.partners] or "—"],
            ["Timeline", timeline],
            ["Status", framework.STRATEGY_STATUSES.get(s.status, s.status)],
            ["Budget", money(s.budget, "Not recorded")],
        ]
        if s.resources.strip():
            rows.append(["Resources", s.resources])
        if s.evidence_base.strip():
            rows.append(["Why we expect it to work", s.evidence_base])
        asset = next((a for a in data.assets if a.id == s.asset_id), None) if s.asset_id else None
        if asset is not None:
            rows.append(["Builds on", asset.name])
        if len(others) > 1:
            rows.append(["Priority risks it serves", others])
        self.w.table([TableColumn(f"Strategy {s.number}" if s.number else "Strategy", 1.3),
                      TableColumn(one_line(s.title) or "Untitled strategy", 4.2)],
                     [[TableCell(label, bold=True), value] for label, value in rows])

    # --- logic models ---------------------------------------------------------------------------

    def logic_models(self) -> None:
        w, data = self.w, self.data
        w.heading("Logic models", 1, new_page=True)
        if not data.strategies:
            w.note(NOT_RECORDED)
            return
        w.paragraph("A logic model for each strategy: what goes in, what is done, what is "
                    "delivered, and the changes expected in the short, medium and long term.")
        for area in framework.AREAS:
            here = [s for s in data.strategies if s.area == area.code]
            if not here:
                continue
            w.heading(area.name_en, 2)
            for strategy in here:
                w.heading(f"Strategy {data.strategy_name(strategy)}", 3)
                items = data.logic_items.get(strategy.id, [])
                outcomes = data.ordered_outcomes(strategy.id)
                if not items and not outcomes:
                    w.note("Logic model not yet recorded.")
                    continue
                rows = []
                for kind, label in framework.LOGIC_ITEM_KINDS.items():
                    texts = [i.text for i in sorted((i for i in items if i.kind == kind),
                                                    key=lambda i: (i.position, i.id))]
                    rows.append([TableCell(label, bold=True), texts or TableCell("Not yet recorded", italic=True)])
                for level, label in framework.OUTCOME_LEVELS.items():
                    texts = [o.text for o in outcomes if o.level == level]
                    rows.append([TableCell(label.replace("outcome", "outcomes"), bold=True),
                                 texts or TableCell("Not yet recorded", italic=True)])
                w.table([TableColumn("Stage", 1.3), TableColumn("What it includes", 4.2)], rows)

    # --- performance measurement framework ------------------------------------------------------

    PMF_COLUMNS = (
        TableColumn("Expected outcome", 1.6), TableColumn("Indicator", 1.5), TableColumn("Type", 1.3),
        TableColumn("Unit", 1.0), TableColumn("Baseline (date)", 1.15), TableColumn("Target (date)", 1.15),
        TableColumn("Direction", 1.1), TableColumn("Data source", 1.35), TableColumn("Collection method", 1.35),
        TableColumn("Frequency", 1.1), TableColumn("Responsible partner", 1.3),
    )

    def measurement_framework(self) -> None:
        w, data = self.w, self.data
        w.section_break(landscape=True)
        w.heading("Performance measurement framework", 1)
        indicators = [(s, o, i) for s in data.strategies for o, i in data.strategy_indicators(s.id)]
        if not indicators:
            w.note(NOT_RECORDED)
        else:
            w.paragraph("Every indicator the plan will track, with its starting point, its target "
                        "and how it will be measured. Rows are grouped by strategy.")
            rows: list = []
            current = None
            for strategy, outcome, indicator in indicators:
                if strategy.id != current:
                    rows.append(GroupRow(f"Strategy {data.strategy_name(strategy)} "
                                         f"({data.area_name(strategy.area)})"))
                    current = strategy.id
                level = framework.OUTCOME_LEVELS.get(outcome.level, "Outcome").replace(" outcome", "")
                rows.append([
                    [f"{level}: {one_line(outcome.text)}"],
                    TableCell(indicator.name, bold=True),
                    framework.MEASURE_TYPES.get(indicator.measure_type, indicator.measure_type),
                    indicator.unit or "—",
                    _value_with_date(indicator, "baseline"),
                    _value_with_date(indicator, "target"),
                    framework.DIRECTIONS.get(indicator.direction, indicator.direction),
                    indicator.data_source or "—",
                    indicator.collection_method or "—",
                    indicator.frequency or "—",
                    data.partner_name(indicator.responsible_partner_id, "—"),
                ])
            w.table(self.PMF_COLUMNS, rows, compact=True)
        w.section_break(landscape=False)

    # --- implementation, monitoring, appendices -------------------------------------------------

    def timeline(self) -> None:
        w, data = self.w, self.data
        w.heading("Implementation timeline", 1)
        w.heading("Strategies", 2)
        if data.strategies:
            ordered = sorted(data.strategies, key=lambda s: (s.start_on or "9999", s.number))
            w.table([TableColumn("No.", 0.5), TableColumn("Strategy", 2.6), TableColumn("Lead", 1.9),
                     TableColumn("Start", 1.15), TableColumn("End", 1.15), TableColumn("Status", 1.15)],
                    [[str(s.number), TableCell(s.title or "Untitled strategy", bold=True),
                      data.partner_name(s.lead_partner_id, "—"), short_date(s.start_on, "—"),
                      short_date(s.end_on, "—"), framework.STRATEGY_STATUSES.get(s.status, s.status)]
                     for s in ordered])
        else:
            w.note(NOT_RECORDED)
        w.heading("Actions and milestones", 2)
        actions = [(a, data.strategies_by_id.get(a.strategy_id)) for items in data.actions.values()
                   for a in items]
        if not actions:
            w.note(NOT_RECORDED)
            return
        actions.sort(key=lambda pair: (pair[0].due_on or "9999-99-99", pair[0].title.casefold()))
        w.paragraph("Milestones are marked; dates are written year-month-day.")
        w.table([TableColumn("Due", 1.15), TableColumn("Action", 2.8), TableColumn("Strategy", 0.95),
                 TableColumn("Owner", 1.9), TableColumn("Status", 1.15), TableColumn("Done", 1.15)],
                [[short_date(a.due_on, "—"),
                  TableCell(("Milestone: " if a.is_milestone else "") + one_line(a.title), bold=a.is_milestone),
                  str(s.number) if s is not None else "—",
                  data.partner_name(a.owner_partner_id, "—"),
                  framework.ACTION_STATUSES.get(a.status, a.status), short_date(a.done_on, "—")]
                 for a, s in actions])

    def monitoring(self) -> None:
        w, data, p = self.w, self.data, self.data.profile
        w.heading("Monitoring and review", 1, new_page=True)
        w.heading("Reporting schedule", 2)
        by_frequency: dict[str, list[Indicator]] = defaultdict(list)
        for items in data.indicators.values():
            for indicator in items:
                by_frequency[one_line(indicator.frequency) or "Not yet set"].append(indicator)
        if by_frequency:
            order = {f: i for i, f in enumerate(framework.FREQUENCIES)}
            rows = []
            for frequency in sorted(by_frequency, key=lambda f: (order.get(f, 99), f.casefold())):
                items = by_frequency[frequency]
                who = sorted({data.partner_name(i.responsible_partner_id) for i in items
                              if i.responsible_partner_id in data.partners}, key=str.casefold)
                names = [one_line(i.name) for i in items[:12]]
                if len(items) > 12:
                    names.append(f"and {len(items) - 12} more")
                rows.append([TableCell(frequency, bold=True), str(len(items)), names, who or "—"])
            w.paragraph("Each indicator is collected as often as the measurement framework says. "
                        "The coordinator brings each new result to the advisory committee, and "
                        "a progress report goes to council and the public once a year.")
            w.table([TableColumn("How often", 1.2), TableColumn("Count", 0.8), TableColumn("Which", 3.6),
                     TableColumn("Collected by", 2.0)], rows)
        else:
            w.note("No indicators are recorded yet, so there is no reporting schedule.")

        w.heading("Reporting lines", 2)
        teams = [one_line(t.name) for t in data.teams
                 if t.kind == "implementation_team" and one_line(t.name)]
        if teams:
            w.paragraph(f"The implementation teams ({join_words(teams)}) report to the advisory "
                        f"committee on their strategies. The advisory committee reports to "
                        f"council" + (" and to Chief and Council" if p.community_type in
                                      ("joint", "first_nation") else "") + ".")
        else:
            w.paragraph("Lead partners report on their strategies to the advisory committee, "
                        "which reports to council.")

        w.heading("Key dates", 2)
        publish_by, review_by = due_dates(p)
        published = as_date(p.published_on)
        rows = []
        if self.adopted is not None:
            rows.append(["Adopted", long_date(self.adopted)
                         + (f" ({one_line(p.adoption_reference)})" if one_line(p.adoption_reference) else "")])
            rows.append(["Posted online by", f"{long_date(publish_by)} "
                         f"({framework.PUBLISH_WITHIN_DAYS} days after adoption)"])
            rows.append(["Posted online on", long_date(published) if published else "Not yet"])
            rows.append(["Reviewed and updated by", f"{long_date(review_by)} "
                         f"({framework.REVIEW_WITHIN_YEARS} years after adoption, at the latest)"])
        else:
            rows.append(["Adopted", "Not yet; the publication and review dates follow from the "
                                    "date of adoption"])
        if p.period_start or p.period_end:
            rows.append(["Plan period", f"{long_date(p.period_start, '…')} to "
                                        f"{long_date(p.period_end, '…')}"])
        w.table([TableColumn("Milestone", 1.4), TableColumn("Date", 3.0)],
                [[TableCell(a, bold=True), b] for a, b in rows])

    def appendices(self) -> None:
        w, data = self.w, self.data
        w.heading("Appendix A: Partners", 1, new_page=True)
        if data.partners:
            w.table([TableColumn("Organisation", 2.2), TableColumn("Sector", 1.5), TableColumn("Role in the plan", 3.0),
                     TableColumn("Involvement", 1.25)],
                    [[TableCell(p.organisation or "Unnamed partner", bold=True), p.sector or "—",
                      p.role or "—", framework.ENGAGEMENT_STATUSES.get(p.engagement_status,
                                                                       p.engagement_status)]
                     for p in data.partners.values()])
        else:
            w.note(NOT_RECORDED)

        w.heading("Appendix B: Data sources", 1, new_page=True)
        sources: dict[str, tuple[str, set[str]]] = {}

        def note_source(source: str, use: str) -> None:
            name = one_line(source)
            if not name:
                return
            key = " ".join(name.casefold().split())
            sources.setdefault(key, (name, set()))[1].add(use)

        for risk_id, items in data.evidence.items():
            risk = data.risks_by_id.get(risk_id)
            for e in items:
                note_source(e.source, f"Evidence on {data.risk_name(risk)}" if risk else "Evidence")
        for items in data.indicators.values():
            for i in items:
                note_source(i.data_source, f"Indicator: {one_line(i.name)}")
        if sources:
            w.paragraph("Every source of evidence and every source of indicator data named in the "
                        "plan.")
            rows = []
            for name, uses in sorted(sources.values(), key=lambda v: v[0].casefold()):
                used = sorted(uses, key=str.casefold)
                if len(used) > 8:
                    used = used[:8] + [f"and {len(used) - 8} more"]
                rows.append([TableCell(name, bold=True), used])
            w.table([TableColumn("Source", 2.6), TableColumn("Used for", 3.0)], rows)
        else:
            w.note(NOT_RECORDED)

        w.heading("Appendix C: Glossary", 1, new_page=True)
        w.table([TableColumn("Term", 1.4), TableColumn("Meaning", 4.2)],
                [[TableCell(term, bold=True), meaning] for term, meaning in GLOSSARY])


def _area_order(codes: list[str]) -> list[str]:
    order = {c: i for i, c in enumerate(framework.AREA_CODES)}
    return sorted(codes, key=lambda c: order.get(c, 9))


def _total(r: RankedRisk) -> str:
    return f"{number(round(r.total, 2))} of {number(round(r.maximum, 2))}"


def _value_with_date(indicator: Indicator, which: str) -> str:
    if indicator.measure_type == "qualitative":
        value = one_line(getattr(indicator, f"{which}_text"))
    else:
        value = number(getattr(indicator, f"{which}_value"))
        if not value:
            value = one_line(getattr(indicator, f"{which}_text"))
    day = short_date(getattr(indicator, f"{which}_on"))
    return f"{value or '—'}\n({day})" if day else (value or "—")
