"""The demo plan: a complete joint plan for an invented Northern Ontario town and its neighbouring
First Nation, so that a new user (and every test) sees each step of the toolkit filled in.

Every place, organisation, person, e-mail address and number here is invented. The plan holds
community-level information only, as a real plan must: committee members and contacts are named,
people at risk never are.

Dates are placed relative to `today`, so the demo always has finished work, overdue actions,
actions due within a month and measurements taken in the past, whenever it is built.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass

from . import schema
from .plan import Plan, initialise

DEMO_TOWN = "Town of Birch Narrows"
DEMO_FIRST_NATION = "Makwa Ziibi First Nation"
DEMO_FIRST_NATION_SYLLABICS = "ᒪᑾ ᓰᐱ"  # Makwa Ziibi, "Bear River", in Ojibwe syllabics
DEMO_COMMUNITY = "Birch Narrows and Makwa Ziibi"
DEMO_TITLE = "Birch Narrows – Makwa Ziibi Community Safety and Well-Being Plan"
# The in-memory demo's own device id, so that its records are recognisably the demo's.
DEMO_DEVICE_ID = "5d7e0c1a-2b44-4c2f-9a51-64656d6f0001"


@dataclass(frozen=True)
class _Calendar:
    """Turns "so many days from today" into the dates the plan stores."""

    today: datetime.date

    def day(self, offset: int) -> str:
        return (self.today + datetime.timedelta(days=offset)).isoformat()

    def year(self, offset: int) -> int:
        return (self.today + datetime.timedelta(days=offset)).year

    @property
    def adopted(self) -> datetime.date:
        return self.today - datetime.timedelta(days=600)

    @property
    def period_start(self) -> datetime.date:
        """The first day of the month after adoption."""
        first = self.adopted.replace(day=1)
        if first.month == 12:
            return first.replace(year=first.year + 1, month=1)
        return first.replace(month=first.month + 1)

    @property
    def period_end(self) -> datetime.date:
        start = self.period_start
        return start.replace(year=start.year + 4) - datetime.timedelta(days=1)

    @property
    def census_year(self) -> int:
        """The latest census whose results were out when the data were gathered (a year after)."""
        year = self.year(-800) - 1
        while year % 5 != 1:
            year -= 1
        return year


def new_demo_plan_in_memory(today: datetime.date | None = None) -> Plan:
    """The demo plan in a private in-memory database, for tests and quick looks."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, DEMO_DEVICE_ID)
    initialise(plan, community=DEMO_COMMUNITY, community_type="joint", title=DEMO_TITLE)
    build_demo(plan, today)
    return plan


def build_demo(plan: Plan, today: datetime.date | None = None) -> None:
    """Fill a freshly initialised plan with the demo content, in one transaction."""
    cal = _Calendar(today or datetime.date.today())
    with plan.transaction():
        _add_profile(plan, cal)
        partners = _add_partners(plan)
        _add_committee(plan, partners)
        _add_teams(plan, cal)
        activities = _add_engagement(plan, cal)
        assets = _add_assets(plan, partners)
        risks = _add_risks(plan, cal, partners, activities)
        _add_strategies(plan, cal, partners, risks, assets)


# --- profile ------------------------------------------------------------------------------------

def _add_profile(plan: Plan, cal: _Calendar) -> None:
    adopted = cal.adopted
    fiscal_start = adopted.year if adopted.month >= 4 else adopted.year - 1  # April to March
    fiscal = f"{fiscal_start}/{str(fiscal_start + 1)[-2:]}"
    plan.update_profile(
        participating_communities=f"{DEMO_TOWN}\n{DEMO_FIRST_NATION} ({DEMO_FIRST_NATION_SYLLABICS})",
        coordinators=("Nicole Tremblay, CSWB Coordinator, Town of Birch Narrows\n"
                      "Travis Keesick, Community Wellness Coordinator, Makwa Ziibi First Nation"),
        champions="Mayor Anne-Marie Gauthier, Town of Birch Narrows\nChief Lorraine Wesley, "
                  "Makwa Ziibi First Nation",
        vision=("Birch Narrows and Makwa Ziibi are places where everyone has a safe home, enough to "
                "eat, someone to turn to and a future worth staying for, and where our two "
                "communities look after one another as good neighbours along the river."),
        period_start=cal.period_start.isoformat(),
        period_end=cal.period_end.isoformat(),
        adopted_on=adopted.isoformat(),
        adoption_reference=(f"Town of Birch Narrows Council Resolution {adopted.year}-117; "
                            f"Makwa Ziibi First Nation Band Council Resolution BCR {fiscal}-031"),
        published_on=None,
        language="en",
    )


# --- partners and governance --------------------------------------------------------------------

# key, organisation, sector, contact, e-mail, phone, role, engagement status, notes
_PARTNERS: tuple[tuple[str, ...], ...] = (
    ("town", "Town of Birch Narrows", "Municipal government", "Nicole Tremblay",
     "cswb@birchnarrows.example.org", "807-555-0101",
     "Co-lead of the plan with Makwa Ziibi; employs the coordinator and runs fire and recreation "
     "services.", "committed",
     "Council receives a progress report every spring. The coordinator works three days a week."),
    ("health_centre", "Mino-Bimaadiziwin Health Centre (ᒥᓄ ᐱᒫᑎᓯᐎᓐ)", "First Nation health",
     "Marlene Ashkewe", "health.director@makwaziibi.example.org", "807-555-0140",
     "Co-lead for Makwa Ziibi First Nation; mental wellness team, land-based programs and "
     "community health nursing.", "committed",
     "Reports to Chief and Council. Elders' advisory circle meets at the centre monthly."),
    ("fht", "Birch Narrows Family Health Team", "Health (primary care and mental health)",
     "Dr. Priya Raman", "praman@bnfht.example.org", "807-555-0122",
     "Primary care, counselling and the harm reduction program; lead on substance use strategies.",
     "committed", "Also runs the weekly outreach clinic at the Friendship Centre."),
    ("english_board", "Boreal Shield District School Board", "Education (English public)",
     "Janet Whitford", "j.whitford@bsdsb.example.org", "807-555-0160",
     "Two elementary schools and Birch Narrows High School; student mental health and attendance "
     "data.", "committed", "Shares board-level climate survey results every second year."),
    ("french_board", "Conseil scolaire catholique des Rivières boréales",
     "Education (French-language Catholic)", "Geneviève Lachance",
     "g.lachance@csc-rivieres.example.org", "807-555-0165",
     "École Sainte-Thérèse (maternelle à 12e année); santé mentale des élèves et liens avec les "
     "familles francophones.", "committed",
     "Meeting materials are offered in French; the board translates summaries for its families."),
    ("opp", "Ontario Provincial Police – Birch Narrows Detachment", "Policing",
     "Insp. Aaron Mackie", "birchnarrows.detachment@opp.example.org", "807-555-0180",
     "Detachment commander sits on the advisory committee; leads the situation table and the "
     "mobile crisis co-response.", "committed",
     "Calls-for-service data are shared as yearly counts by type, never as individual records."),
    ("cas", "Northern Lakes Children's Aid Society", "Child welfare",
     "Colleen O'Reilly", "coreilly@nlcas.example.org", "807-555-0190",
     "Child protection and family support; co-lead on the family violence strategies.",
     "committed", "Has a customary care agreement with Makwa Ziibi First Nation."),
    ("youth", "Lakeshore Youth Services", "Services to children and youth",
     "Jordan Pelletier", "jordan@lakeshoreyouth.example.org", "807-555-0133",
     "Youth drop-in centre, child and youth counselling, and the youth advisory group.",
     "committed", "Its youth advisory group reviewed the draft plan."),
    ("custody", "Pinegrove Youth Residence", "Custodial services to youth",
     "Samuel Okafor", "s.okafor@pinegrove.example.org", "807-555-0177",
     "Eight-bed open custody and detention residence; reintegration planning for young people "
     "returning home.", "engaged",
     "Joins the advisory committee; not on an implementation team for now."),
    ("friendship", "Birch Narrows Indigenous Friendship Centre", "Indigenous community services",
     "Wanda Bouchard", "ed@bnifc.example.org", "807-555-0150",
     "Cultural programs, family well-being workers, Anishinaabemowin classes and the community "
     "kitchen.", "committed",
     "Serves First Nations, Métis and Inuit people living in town, many from fly-in communities."),
    ("food_bank", "Birch Narrows Community Food Bank", "Food security",
     "Dennis Halvorsen", "info@bnfoodbank.example.org", "807-555-0115",
     "Food bank, Good Food Box and the school snack partnership.", "engaged",
     "Run by volunteers with one part-time staff member."),
    ("dssab", "Northern Lakes District Services Board", "Housing and social services",
     "Heather Lindqvist", "hlindqvist@nldsb.example.org", "807-555-0111",
     "Social housing, homelessness prevention, Ontario Works, child care and paramedic services "
     "for the district; lead on the housing strategies.", "committed",
     "Keeps the centralised waitlist for rent-geared-to-income housing."),
)


def _add_partners(plan: Plan) -> dict[str, str]:
    ids = {}
    for key, organisation, sector, contact, email, phone, role, status, notes in _PARTNERS:
        ids[key] = plan.partners.add(
            organisation=organisation, sector=sector, contact_name=contact, email=email, phone=phone,
            role=role, engagement_status=status, notes=notes).id
    return ids


# person, partner key, role on the committee, legislated categories covered, notes
_MEMBERS: tuple[tuple[str, str, str, tuple[int, ...], str], ...] = (
    ("Councillor Luc Bérubé", "town", "Chair; council's representative", (6,),
     "Reports to council after each meeting."),
    ("Marlene Ashkewe", "health_centre", "Co-chair; Health Director", (1, 3),
     "Speaks for the health centre and for the First Nation's community services."),
    ("Dr. Priya Raman", "fht", "Member; physician lead for mental health and addictions", (1,), ""),
    ("Janet Whitford", "english_board", "Member; Superintendent of Student Achievement", (2,), ""),
    ("Geneviève Lachance", "french_board", "Membre; surintendante de l'éducation", (2,),
     "Participates in French; minutes are summarised for her board in French."),
    ("Insp. Aaron Mackie", "opp", "Member; OPP detachment commander", (7,),
     "Staff Sgt. Melissa Grant attends as his delegate when he is away."),
    ("Colleen O'Reilly", "cas", "Member; Director of Services", (4,), ""),
    ("Jordan Pelletier", "youth", "Member; Executive Director", (4,),
     "Brings the youth advisory group's comments to each meeting."),
    ("Samuel Okafor", "custody", "Member; Residence Manager", (5,), ""),
    ("Wanda Bouchard", "friendship", "Member; Executive Director", (3,), ""),
    ("Heather Lindqvist", "dssab", "Member; Director of Housing Services", (3,), ""),
)


def _add_committee(plan: Plan, partners: dict[str, str]) -> None:
    organisations = {key: organisation for key, organisation, *_ in _PARTNERS}
    for person, key, role, categories, notes in _MEMBERS:
        member = plan.committee_members.add(person=person, organisation=organisations[key],
                                            partner_id=partners[key], role=role, notes=notes)
        plan.member_categories.set(member.id, categories)
    plan.set_category_status(
        5, no_provider=False,
        note="Pinegrove Youth Residence provides open custody and detention locally; secure "
             "custody placements are made outside the district.")


def _add_teams(plan: Plan, cal: _Calendar) -> None:
    plan.teams.add(
        kind="advisory_committee",
        name="CSWB Advisory Committee",
        background=(
            "The Town of Birch Narrows, a lakeside town of about 6,100 people, and "
            f"{DEMO_FIRST_NATION}, about 1,400 people living 20 km up the river, agreed in "
            f"{cal.year(-950)} to prepare one joint plan, because the two communities share a "
            "hospital, schools, a police detachment and most social services, and because many "
            "families live in both. Council "
            "and Chief and Council each appointed members, and the committee meets in both "
            "communities in turn."),
        purpose=(
            "Guide the preparation, adoption and review of the joint plan; make sure the "
            "priorities rest on what residents told us and on local data; and keep partners "
            "accountable for the strategies they lead."),
        objectives=(
            "Recommend the plan to council and to Chief and Council for adoption.\n"
            "Review progress on every strategy twice a year against the measurement framework.\n"
            "Publish a short progress report each spring, in English with a French summary.\n"
            "Prepare the review and update of the plan before the end of its four-year term.\n"
            "Performance measures: meetings held with quorum; share of actions done on time; "
            "progress report published on schedule."),
        membership=(
            "Members represent every category the Community Safety and Policing Act lists: health, "
            "education, community and social services, services to children and youth, custodial "
            "services to youth, the municipality and the OPP detachment. An Elder from Makwa Ziibi "
            "opens each meeting and may advise on any item. Members serve for the term of the plan "
            "and name an alternate."),
        responsibilities=(
            "Chair and co-chair: set agendas with the coordinators and speak for the committee.\n"
            "Coordinators: keep the plan file, the action list and the minutes; prepare reports.\n"
            "Members: share data their organisation may lawfully share, in aggregate form only; "
            "carry decisions back to their organisations; lead or support strategies.\n"
            "All members: respect privacy; no information about identifiable people is discussed "
            "at the committee."),
    )
    plan.teams.add(
        kind="implementation_team",
        name="Safe Homes Action Team",
        background=(
            "Housing and family violence came up together at almost every session: people stay in "
            "unsafe homes because there is nowhere else to go, and crowded homes strain families. "
            "The advisory committee asked one team to carry both priorities."),
        purpose=(
            "Put into practice the plan's strategies on housing and on intimate partner and family "
            "violence, and report on them to the advisory committee."),
        objectives=(
            "Open the supportive housing units on time and fill them from the coordinated "
            "access list.\n"
            "Run the eviction prevention fund and keep the landlord partnership going.\n"
            "Bring the high-risk family violence case review into regular use.\n"
            "Performance measures: the indicators of strategies 1, 2, 6, 8 and 11."),
        membership=(
            "District Services Board (chair), Town of Birch Narrows, Birch Narrows Indigenous "
            "Friendship Centre, Northern Lakes Children's Aid Society, OPP detachment, "
            "Birch Narrows Community Food Bank, Mino-Bimaadiziwin Health Centre, and two landlords "
            "invited for housing items."),
        responsibilities=(
            "The chair calls monthly meetings and reports to the advisory committee each quarter.\n"
            "Each lead partner keeps its actions up to date in the plan file before the meeting.\n"
            "Members raise barriers early so the committee can help remove them."),
    )
    plan.teams.add(
        kind="implementation_team",
        name="Youth Wellness and Substance Use Action Team",
        background=(
            "Young people told us they feel there is nothing to do, nowhere to go and a long wait "
            "for help; service providers and families told us about drug poisonings and the grief "
            "that follows. These concerns share causes and partners, so one team carries them."),
        purpose=(
            "Put into practice the plan's strategies on youth mental health and on substance use "
            "harms, with young people and people with lived experience at the table."),
        objectives=(
            "Expand land-based and school-based programs for young people in both communities.\n"
            "Shorten the wait for a first counselling appointment for young people.\n"
            "Widen naloxone and harm reduction supplies and the follow-up after an overdose.\n"
            "Performance measures: the indicators of strategies 3, 4, 5, 7, 9, 10 and 12."),
        membership=(
            "Birch Narrows Family Health Team (chair), Lakeshore Youth Services, Mino-Bimaadiziwin "
            "Health Centre, both school boards, the OPP detachment, Birch Narrows Fire and "
            "Emergency Services, two members of the youth advisory group and one peer worker."),
        responsibilities=(
            "The chair calls meetings every six weeks and reports to the advisory committee each "
            "quarter.\n"
            "Youth and peer members are paid an honorarium and may bring a support person.\n"
            "Members agree on shared messages before anything is announced publicly."),
    )


# --- engagement ---------------------------------------------------------------------------------

def _add_engagement(plan: Plan, cal: _Calendar) -> dict[str, str]:
    activities = (
        ("committee", "Advisory committee visioning and data session", -905,
         "Facilitated workshop", 16,
         "Members agreed on a shared vision and listed the data each organisation could bring. "
         "Housing and drug poisonings were named by every sector around the table; members noted "
         "that family violence is under-reported in police data and asked for other sources.",
         ("advisory_committee", "representative_orgs")),
        ("survey", "Community survey / Sondage communautaire", -870,
         "Online and paper survey in English, French and Anishinaabemowin (ᐊᓂᔑᓈᐯᒧᐎᓐ)", 412,
         "Housing costs, drug use and a lack of things for young people to do were the top "
         "three worries. Most people said they feel safe in their own neighbourhood during the "
         "day, fewer after dark. Newcomer families who came to work at the hospital and the mill "
         "said finding a rental was the hardest part of settling here.",
         ("public", "racialized", "fnmi")),
        ("youth_forum", "Youth forum at Birch Narrows High School and École Sainte-Thérèse", -840,
         "Youth forum with small-group discussions led by youth facilitators", 58,
         "Students spoke about anxiety, pressure on social media and friends who are struggling. "
         "Many did not know where to get help without their parents finding out, and said the "
         "wait to see a counsellor is too long. They asked for more land-based activities and "
         "places to spend time after school that do not cost money.",
         ("youth", "racialized")),
        ("feast", "Community feast and sharing circle at Makwa Ziibi (ᒪᑾ ᓰᐱ)", -810,
         "Feast and sharing circle opened by Elders, with a listening table for written comments",
         85,
         "Families spoke about overcrowded homes, the loss of young people to drugs and the need "
         "to bring youth back to the land and the language. Elders asked that services come to "
         "the community rather than always asking people to travel to town.",
         ("fnmi", "public", "youth")),
        ("peers", "Conversations with people using mental health and addictions services", -785,
         "Small-group conversations hosted by peer workers, with a meal and honorarium", 14,
         "Participants described being discharged with nowhere to go, stigma at the pharmacy "
         "counter and the difference it made when a worker followed up after an overdose. They "
         "asked for naloxone to be easier to get and for help that does not depend on having a "
         "phone or an address.",
         ("lived_experience", "representative_orgs")),
        ("providers", "Service provider focus groups", -760,
         "Three focus groups with front-line staff, held in person and by phone", 27,
         "Staff see the same families across several agencies without a way to plan together "
         "when risk rises quickly. Waitlists, staff turnover and travel distances were the main "
         "barriers. Several groups named elder isolation and food costs as growing concerns.",
         ("representative_orgs", "advisory_committee")),
    )
    ids = {}
    for key, title, offset, method, participants, heard, groups in activities:
        activity = plan.activities.add(title=title, held_on=cal.day(offset), method=method,
                                       participants=participants, what_we_heard=heard)
        plan.activity_groups.set(activity.id, groups)
        ids[key] = activity.id

    plan.update_engagement_summary(
        period_start=cal.day(-930),
        period_end=cal.day(-740),
        outreach_types=("A community survey in three languages (online, on paper at the town hall, "
                        "the band office and the grocery store); a youth forum in both high "
                        "schools; a community feast at Makwa Ziibi; peer-led conversations; "
                        "service provider focus groups; the advisory committee's own sessions."),
        successes=("More than 400 survey answers from a population of about 7,500 across the two "
                   "communities. The feast drew families who rarely come to public meetings, and "
                   "youth facilitators made the forum feel like theirs rather than the adults'."),
        challenges=("Few seniors and few men under 40 answered the survey. Winter roads delayed "
                    "the feast twice. Some agencies could only share data as yearly totals, which "
                    "made trends hard to see for small numbers."),
        findings=("Four concerns came up in every setting: the shortage of safe and affordable "
                  "housing; harms from opioids and other drugs; the mental health of young people; "
                  "and violence in families. Food costs, school absence, heavy drinking and the "
                  "isolation of older people were raised often but less widely."),
        lessons=("Go to where people already gather and feed them. Pay peer and youth "
                 "participants for their time. Offer every tool in French and in Anishinaabemowin "
                 "from the start rather than translating later. Report back on what we heard "
                 "before asking people for more."),
    )
    for sector, organisation in (
        ("Health", "Birch Narrows Family Health Team"),
        ("Health", "Mino-Bimaadiziwin Health Centre"),
        ("Education", "Boreal Shield District School Board"),
        ("Éducation (francophone)", "Conseil scolaire catholique des Rivières boréales"),
        ("Youth", "Lakeshore Youth Services youth advisory group"),
        ("First Nations, Métis and Inuit", "Birch Narrows Indigenous Friendship Centre"),
        ("People with lived experience of mental health or addictions services",
         "Peer workers' network of the Family Health Team"),
        ("Newcomers and racialized residents", "Birch Narrows Newcomer Welcome Group"),
        ("Private sector", "Birch Narrows Chamber of Commerce"),
    ):
        plan.participants.add(sector_or_group=sector, organisation=organisation)
    return ids


# --- assets -------------------------------------------------------------------------------------

def _add_assets(plan: Plan, partners: dict[str, str]) -> dict[str, str]:
    assets = (
        ("wellness_team", "Mental wellness team (ᒥᓄ ᐱᒫᑎᓯᐎᓐ)", "service", "health_centre",
         "Two mental health workers, a cultural support worker and visiting psychiatry by video, "
         "based at the health centre and open to community members on and off reserve.",
         ("prevention", "risk_intervention")),
        ("language", "Anishinaabemowin language and culture nights (ᐊᓂᔑᓈᐯᒧᐎᓐ)", "cultural",
         "friendship",
         "Weekly evening classes with a shared meal, taught by fluent speakers and Elders; "
         "families attend together.",
         ("social_development",)),
        ("good_food_box", "Good Food Box and community kitchen", "program", "food_bank",
         "Monthly boxes of fresh produce at cost, a free box for households referred by partners, "
         "and cooking sessions in the Friendship Centre kitchen.",
         ("social_development", "prevention")),
        ("petits_huards", "Carrefour familial Les Petits Huards", "program", "french_board",
         "Centre de la petite enfance en français à l'École Sainte-Thérèse : haltes-jeux, "
         "ateliers pour les parents et dépistage précoce.",
         ("social_development",)),
        ("drop_in", "Lakeshore Youth Drop-In Centre", "facility", "youth",
         "A free after-school space with a kitchen, a games room and a counsellor on site two "
         "afternoons a week.",
         ("social_development", "prevention")),
        ("harm_reduction", "Harm reduction program and naloxone distribution", "service", "fht",
         "Naloxone kits and training, safer-use supplies and referrals to treatment, from the "
         "clinic and the outreach van.",
         ("prevention", "incident_response")),
        ("co_response", "Mobile crisis co-response (OPP and mental health worker)", "service", "opp",
         "A mental health worker rides with an officer on afternoon and evening shifts, four days "
         "a week.",
         ("risk_intervention", "incident_response")),
        ("rec_centre", "Birch Narrows Recreation Centre and public library", "facility", "town",
         "Arena, gym, meeting rooms and the library branch; free public skating and library "
         "programs for children and seniors.",
         ("social_development",)),
    )
    ids = {}
    for key, name, kind, owner, description, areas in assets:
        asset = plan.assets.add(name=name, kind=kind, owner_partner_id=partners[owner],
                                description=description)
        plan.asset_areas.set(asset.id, areas)
        ids[key] = asset.id
    return ids


# --- risks --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _RiskText:
    key: str
    category: str
    title: str
    description: str
    problem_or_symptom: str
    raised_by: str
    evidence_and_seriousness: str
    if_nothing_done: str
    current_response: str
    combined_approach: str
    most_work_needed: str
    is_priority: bool
    scores: dict[str, tuple[int, str]]
    evidence: tuple[tuple[str, str, str, str, int, str, str], ...]
    activities: tuple[str, ...]
    partners: tuple[str, ...]


def _risk_texts(cal: _Calendar) -> tuple[_RiskText, ...]:
    census = cal.census_year
    data_year = cal.year(-800) - 1
    town_csd = "Town of Birch Narrows (census subdivision)"
    district = "Northern Lakes District"
    return (
        _RiskText(
            "housing", "Housing", "Shortage of safe, affordable housing",
            "Rents in town have climbed much faster than wages since the mill expansion and almost "
            "no rentals are ever vacant. At Makwa Ziibi many homes are crowded or need major "
            "repairs. Families double up, young adults move from couch to couch, and people "
            "leaving hospital or custody often have nowhere to go.",
            "A root cause. Family conflict, young people leaving home early and substance use in "
            "public places all get worse when people have no stable home, so the committee treats "
            "housing as a condition to change rather than a symptom.",
            "Named first in the community survey and raised at every session. Brought forward "
            "strongly by the District Services Board, the Friendship Centre, the food bank and "
            "Makwa Ziibi Chief and Council.",
            "The waitlist for rent-geared-to-income housing has grown by about a third in three "
            "years and the wait for a one-bedroom unit is over four years. Almost a quarter of "
            "renter households spend 30 % or more of their income on shelter, and the First "
            "Nation's housing assessment found a third of homes overcrowded. Serious, because it "
            "feeds almost every other risk in this plan.",
            "More families will live in crowded or unsafe homes or leave the area, more people "
            "will be discharged to no fixed address, and police, paramedics and the hospital will "
            "keep absorbing the cost of a problem they cannot solve.",
            "Incident response: police and paramedics attend people sleeping outside in winter; "
            "the hospital keeps some patients longer because there is no safe place to send them. "
            "Rapid intervention: one homelessness prevention worker for the whole district. "
            "Changing conditions: 48 rent-geared-to-income units in town and the First Nation's "
            "building program of about six homes a year. Supports: the food bank and Friendship "
            "Centre help with rent deposits when they can.",
            "Build supportive housing (social development); keep people housed through an "
            "eviction prevention fund and landlord partnership (prevention); bring people at "
            "acutely elevated risk of losing housing to the situation table (risk intervention); "
            "agree a discharge protocol so no one leaves hospital or custody to the street "
            "(incident response).",
            "Most work is needed in social development and prevention. The District Services "
            "Board, the Town (land, zoning and fees), Makwa Ziibi's housing department, private "
            "landlords and the hospital must all be involved.",
            True,
            {"How many people it affects": (4, "Touches renters, newcomers and most families at "
                                               "Makwa Ziibi."),
             "How serious the harm is": (4, "Unstable housing drives health, safety and school "
                                            "problems."),
             "Trend": (3, "Waitlist and rents rising every year."),
             "Community concern": (4, "Top concern in the survey and at the feast."),
             "Ability to act": (2, "Needs capital funding beyond local budgets.")},
            (("Statistics Canada, Census of Population", "Renter households spending 30 % or more "
              "of income on shelter", "23.4", "% of renter households", census, town_csd,
              "Up from 17.9 % at the previous census."),
             ("Northern Lakes District Services Board, centralised waitlist",
              "Households waiting for rent-geared-to-income housing", "212", "households",
              data_year, "Birch Narrows and area", "Count at 31 December."),
             ("Makwa Ziibi First Nation housing needs assessment",
              "Homes with more than one person per room", "34", "% of homes", data_year,
              "Makwa Ziibi First Nation", "Door-to-door assessment of 186 homes.")),
            ("committee", "survey", "feast", "peers", "providers"),
            ("dssab", "town", "friendship", "food_bank", "health_centre"),
        ),
        _RiskText(
            "drugs", "Drugs", "Harms from opioids and other drugs",
            "Drug poisonings, mostly from fentanyl mixed into other drugs, have risen sharply. "
            "Methamphetamine use has grown too. Families in both communities have lost relatives, "
            "and the grief and fear reach well beyond those who use drugs.",
            "Partly a symptom: trauma, housing loss and a lack of treatment close to home sit "
            "underneath. But the toxic drug supply is a direct danger in itself, so the plan acts "
            "on both the harm and its causes.",
            "Raised by the Family Health Team, the OPP, the health centre, families at the feast "
            "and the peer conversations; third in the community survey.",
            "The rate of emergency department visits for opioid poisoning in the health unit area "
            "is more than twice the Ontario rate, and the number of opioid-related deaths in the "
            "district has doubled in three years. Drug-related calls to the OPP detachment rose "
            "by 40 % over the same period. Very serious: people are dying.",
            "More deaths and poisonings, more children in care because of parental substance use, "
            "and more property crime linked to drug debts.",
            "Incident response: police, fire and paramedics attend poisonings and carry naloxone. "
            "Rapid intervention: informal follow-up by the harm reduction nurse when she hears of "
            "an overdose. Changing conditions: few local options; treatment beds are in Thunder "
            "Bay with long waits. Supports: the harm reduction program, the Friendship Centre's "
            "cultural supports and a weekly recovery circle at Makwa Ziibi.",
            "Land-based and cultural programs for young people (social development); wider "
            "naloxone and harm reduction (prevention); the situation table and a planned "
            "follow-up after every overdose call (risk intervention and incident response).",
            "Prevention and risk intervention need the most work. The Family Health Team, the "
            "health centre, the OPP, fire and paramedic services and pharmacies are essential; "
            "people with lived experience must help design the response.",
            True,
            {"How many people it affects": (3, "A minority use drugs, but many families are "
                                               "affected."),
             "How serious the harm is": (5, "Deaths from drug poisoning every year."),
             "Trend": (3, "Poisonings and deaths rising."),
             "Community concern": (4, "Raised in every setting."),
             "Ability to act": (3, "Harm reduction and health partners are ready to expand.")},
            (("Public Health Ontario, Interactive Opioid Tool",
              "Emergency department visits for opioid poisoning", "128", "per 100,000 people",
              data_year, "Northern Lakes health unit area",
              "More than twice the Ontario rate for the same year."),
             ("Office of the Chief Coroner for Ontario", "Opioid-related deaths", "11", "deaths",
              data_year, district, "Five deaths three years earlier."),
             ("OPP Birch Narrows Detachment, calls for service", "Drug-related calls for service",
              "146", "calls", data_year, "Birch Narrows Detachment area",
              "Yearly total shared by the detachment.")),
            ("committee", "survey", "feast", "peers", "providers"),
            ("fht", "health_centre", "opp", "town", "friendship"),
        ),
        _RiskText(
            "youth_mental_health", "Mental health", "Poor mental health among young people",
            "Many young people in both communities describe anxiety, low mood and loneliness. "
            "There have been youth suicides in the region, and young people worry about friends. "
            "Help is hard to reach: the wait for counselling is long and there are few places to "
            "go after school.",
            "Both. Distress is real and needs a response, but it grows out of isolation, loss of "
            "culture and language, family stress and crowded homes, which the plan also addresses.",
            "Raised most strongly at the youth forum and the feast; by both school boards, "
            "Lakeshore Youth Services and the health centre.",
            "In the school board's climate survey, 41 % of students in grades 7 to 12 said they "
            "felt sad or hopeless most days for two weeks or more in the past year. Emergency "
            "visits for self-harm by young people aged 10 to 24 in the health unit area are well "
            "above the provincial rate, and the wait for a first counselling appointment at "
            "Lakeshore Youth Services averages six weeks. Serious and, at worst, fatal.",
            "More young people in crisis, more emergency visits and police apprehensions under "
            "the Mental Health Act, more young people leaving school, and more losses to suicide.",
            "Incident response: OPP and the hospital emergency department; the co-response worker "
            "on four evenings a week. Rapid intervention: crisis line, school social workers when "
            "they are in the building. Changing conditions: drop-in centre, land-based camps in "
            "summer. Supports: counselling at Lakeshore Youth Services and the health centre, "
            "with waitlists.",
            "Culture, land and belonging for all young people (social development); mental health "
            "literacy in schools and a quicker first appointment (prevention and risk "
            "intervention); trained co-response at the incident end.",
            "Most work is needed in prevention and in shortening waits. Both school boards, "
            "Lakeshore Youth Services, the health centre and young people themselves must lead.",
            True,
            {"How many people it affects": (3, "Reported by a large share of students."),
             "How serious the harm is": (5, "Risk of suicide."),
             "Trend": (3, "Survey results worse than four years ago."),
             "Community concern": (4, "Raised by youth and parents in every setting."),
             "Ability to act": (3, "Schools and youth services can act quickly.")},
            (("Boreal Shield District School Board, school climate survey",
              "Students in grades 7–12 feeling sad or hopeless most days for two weeks or more",
              "41", "% of students", data_year, "Boreal Shield board, Birch Narrows schools",
              "Survey every second year."),
             ("Northern Lakes Public Health, emergency department data",
              "Emergency visits for self-harm, ages 10–24", "512", "per 100,000", data_year,
              "Northern Lakes health unit area", "Well above the Ontario rate for the same year."),
             ("Lakeshore Youth Services, client records (aggregate)",
              "Average wait for a first counselling appointment", "42", "days", data_year,
              "Lakeshore Youth Services catchment", "")),
            ("survey", "youth_forum", "feast", "providers"),
            ("english_board", "french_board", "youth", "health_centre", "fht"),
        ),
        _RiskText(
            "family_violence", "Physical violence", "Intimate partner and family violence",
            "Violence between partners and within families, including coercive control and "
            "threats, is common and under-reported. The nearest women's shelter is 90 minutes "
            "away, and crowded homes make it hard to leave safely.",
            "A harm in itself, often linked with alcohol and drugs, housing pressure and "
            "intergenerational trauma. The committee treats it as a priority in its own right.",
            "Raised by the OPP, the Children's Aid Society and the Friendship Centre; women at the "
            "feast and the peer conversations described it, often in writing rather than aloud.",
            "Domestic disturbance calls to the OPP detachment are among the most frequent call "
            "types, and about a third involve an address the police attended in the previous 12 "
            "months. Family violence was the main concern in about one in four child protection "
            "investigations. Very serious, and children are often present.",
            "Repeated and escalating violence, children exposed to harm and taken into care, and "
            "a risk of homicide.",
            "Incident response: OPP response and charges; child protection investigations. Rapid "
            "intervention: ad hoc case conferences between the OPP and the Children's Aid "
            "Society. Changing conditions: little locally. Supports: Friendship Centre family "
            "well-being workers and counselling by phone from the shelter.",
            "Healthy relationships education for young people (prevention); a bystander awareness "
            "campaign (prevention); regular high-risk case review and the situation table (risk "
            "intervention); housing options so that leaving is possible (social development).",
            "Prevention and risk intervention need the most work, with the Children's Aid "
            "Society, the OPP, the Friendship Centre, the health centre, the schools and the "
            "District Services Board.",
            True,
            {"How many people it affects": (2, "Affects a minority of households, often hidden."),
             "How serious the harm is": (5, "Risk of serious injury and homicide."),
             "Trend": (2, "Calls steady; reporting likely low."),
             "Community concern": (3, "Raised often, mostly in private."),
             "Ability to act": (3, "Police and child welfare already work together.")},
            (("OPP Birch Narrows Detachment, calls for service",
              "Domestic disturbance calls", "171", "calls", data_year,
              "Birch Narrows Detachment area", "About a third to a repeat address."),
             ("Northern Lakes Children's Aid Society, service data (aggregate)",
              "Investigations where family violence was the main concern", "26",
              "% of investigations", data_year, district, "")),
            ("committee", "feast", "peers", "providers"),
            ("cas", "opp", "friendship", "health_centre", "dssab"),
        ),
        _RiskText(
            "missing_school", "Missing school", "Chronic absence from school",
            "A large share of students miss one school day in ten or more, especially in the "
            "winter and in the years after moving between schools.",
            "Mostly a symptom of other pressures at home: housing, transportation from Makwa "
            "Ziibi, mental health and caring for younger siblings.",
            "Raised by both school boards and by parents in the survey.",
            "About 28 % of students in Birch Narrows schools were absent 10 % or more of school "
            "days last year. Moderate: it predicts leaving school early.",
            "More students leaving school without a diploma, with fewer job options later.",
            "Attendance counsellors, bus service from Makwa Ziibi, breakfast programs.",
            "Addressed through the youth mental health and housing strategies rather than on its "
            "own for now; the school boards will track attendance as a shared indicator.",
            "Social development, with both school boards and Makwa Ziibi's education department.",
            False,
            {"How many people it affects": (3, "Over a quarter of students."),
             "How serious the harm is": (2, "Harm builds slowly."),
             "Trend": (2, "Steady."),
             "Community concern": (2, "Raised by schools, less by others."),
             "Ability to act": (3, "Schools can act, with support.")},
            (("Boreal Shield District School Board, attendance data",
              "Students absent 10 % or more of school days", "28", "% of students", data_year,
              "Birch Narrows schools", ""),),
            ("survey", "providers"),
            ("english_board", "french_board"),
        ),
        _RiskText(
            "alcohol", "Alcohol", "Heavy drinking and impaired driving",
            "Binge drinking is common, particularly at seasonal camps and events, and impaired "
            "driving charges on the highway and on the lake remain frequent.",
            "Part of a wider pattern of substance use; often a factor in family violence.",
            "Raised by the OPP and in the survey.",
            "The detachment laid 64 impaired operation charges last year, on land and water.",
            "More collisions, injuries and deaths, and more violence at home.",
            "Enforcement, RIDE checks, and designated-driver programs at events.",
            "Covered in part by the substance use and family violence strategies.",
            "Prevention, with the OPP, the Town's event permits and the Family Health Team.",
            False,
            {"How many people it affects": (3, "Common across age groups."),
             "How serious the harm is": (3, "Injuries and collisions."),
             "Trend": (2, "Steady."),
             "Community concern": (2, "Raised sometimes."),
             "Ability to act": (3, "Existing enforcement and event rules.")},
            (("OPP Birch Narrows Detachment, charges data",
              "Impaired operation charges (vehicles and vessels)", "64", "charges", data_year,
              "Birch Narrows Detachment area", ""),),
            ("survey", "committee"),
            ("opp", "fht"),
        ),
        _RiskText(
            "food", "Basic needs", "Food insecurity",
            "Food prices in the north are high and many families run short before the end of "
            "the month. Visits to the food bank have risen steadily.",
            "A symptom of low income and high housing costs.",
            "Raised by the food bank, the Friendship Centre and in the survey.",
            "Food bank visits rose by about 45 % in three years.",
            "More children going to school hungry and more strain on volunteers.",
            "Food bank, Good Food Box, school snack programs, community kitchen.",
            "Supported through the housing strategies and the Good Food Box; not a separate "
            "priority in this plan.",
            "Social development, with the food bank, schools and the District Services Board.",
            False,
            {"How many people it affects": (3, "Many low-income households."),
             "How serious the harm is": (2, "Harm to health over time."),
             "Trend": (3, "Food bank visits rising."),
             "Community concern": (3, "Raised often."),
             "Ability to act": (2, "Driven by prices and incomes.")},
            (("Birch Narrows Community Food Bank, visit records",
              "Household visits to the food bank", "3180", "visits", data_year, "Birch Narrows",
              ""),),
            ("survey", "providers"),
            ("food_bank", "friendship", "dssab"),
        ),
        _RiskText(
            "seniors", "Elder abuse", "Isolation and mistreatment of older adults",
            "More older people live alone, far from family, and some depend on others for money, "
            "transport or care. Providers see financial abuse and neglect that is rarely reported.",
            "Isolation is the underlying condition; abuse is one of its harms.",
            "Raised in the service provider focus groups and by the Family Health Team.",
            "About one in three people aged 65 and over in town lives alone (census).",
            "More hidden abuse, more falls and hospital stays, and more seniors leaving the "
            "community for care.",
            "Home care, the library's programs for seniors, church and legion visiting groups.",
            "To be taken up at the next review, starting with an engagement session designed for "
            "seniors, since few answered the survey.",
            "Social development and prevention, with health, the Town and seniors' groups.",
            False,
            {"How many people it affects": (2, "A minority, growing."),
             "How serious the harm is": (3, "Serious for those affected."),
             "Trend": (3, "The population is ageing."),
             "Community concern": (1, "Rarely raised; seniors under-represented."),
             "Ability to act": (2, "Few partners in place.")},
            (("Statistics Canada, Census of Population", "People aged 65 and over living alone",
              "31", "% of people 65+", census, town_csd, ""),),
            ("providers",),
            ("fht", "town"),
        ),
    )


def _add_risks(plan: Plan, cal: _Calendar, partners: dict[str, str],
               activities: dict[str, str]) -> dict[str, str]:
    categories = {c.name: c.id for c in plan.risk_categories.list()}
    criteria = plan.criteria.list()
    ids = {}
    for text in _risk_texts(cal):
        risk = plan.risks.add(
            title=text.title, category_id=categories.get(text.category),
            description=text.description, problem_or_symptom=text.problem_or_symptom,
            raised_by=text.raised_by, evidence_and_seriousness=text.evidence_and_seriousness,
            if_nothing_done=text.if_nothing_done, current_response=text.current_response,
            combined_approach=text.combined_approach, most_work_needed=text.most_work_needed,
            is_priority=text.is_priority)
        ids[text.key] = risk.id
        for source, indicator, value, unit, year, geography, note in text.evidence:
            plan.evidence.add(risk_id=risk.id, source=source, indicator=indicator, value=value,
                              unit=unit, year=year, geography=geography, note=note)
        given = list(text.scores.items())
        for position, criterion in enumerate(criteria):
            # A plan whose criteria were renamed still gets a score for each, by position.
            score, rationale = text.scores.get(criterion.name) or given[position % len(given)][1]
            plan.set_score(risk.id, criterion.id, score=max(1, min(score, criterion.levels)),
                           rationale=rationale)
        plan.risk_activities.set(risk.id, [activities[k] for k in text.activities])
        plan.risk_partners.set(risk.id, [partners[k] for k in text.partners])
    return ids


# --- strategies, logic models, measurement, implementation -------------------------------------

@dataclass(frozen=True)
class _IndicatorText:
    level: str
    name: str
    unit: str
    direction: str
    baseline: float | str  # text for a qualitative indicator
    baseline_offset: int
    target: float | str
    data_source: str
    collection_method: str
    frequency: str
    responsible: str
    measurements: tuple[tuple[int, float | str, str], ...]  # days from today, value, note


@dataclass(frozen=True)
class _StrategyText:
    title: str
    description: str
    area: str
    kind: str
    lead: str
    supporting: tuple[str, ...]
    risks: tuple[str, ...]
    status: str
    start_offset: int  # days from the start of the plan period
    end_offset: int | None  # days from today; None: the end of the plan period
    resources: str
    budget: float | None
    evidence_base: str
    asset: str | None
    inputs: tuple[str, ...]
    activities: tuple[str, ...]
    outputs: tuple[str, ...]
    outcomes: tuple[str, str, str]  # immediate, intermediate, long-term
    indicators: tuple[_IndicatorText, ...]
    # title, owner, days from today it is due, status, days from today it was done, milestone
    actions: tuple[tuple[str, str, int, str, int | None, bool], ...]
    updates: tuple[tuple[int, str, str], ...]  # days from today, status, note


def _strategy_texts() -> tuple[_StrategyText, ...]:
    return (
        _StrategyText(
            "Supportive housing at the former Lakeview Motel",
            "Convert the vacant motel on the highway into 24 small supportive housing units with "
            "staff on site around the clock, for people leaving hospital, custody or shelter and "
            "for adults who have been homeless for a long time.",
            "social_development", "new", "dssab", ("town", "fht", "friendship", "health_centre"),
            ("housing", "drugs"), "underway", 30, None,
            "Provincial and federal capital grants; the Town waives development charges and "
            "leases the land; the Family Health Team provides a visiting nurse.", 3850000.0,
            "Housing First programs across Canada keep most tenants housed after two years.",
            None,
            ("Capital grants and the Town's land lease", "Support staff funded by the District "
             "Services Board", "A visiting nurse and mental health worker"),
            ("Renovate the building into 24 units with a shared kitchen", "Fill units from the "
             "coordinated access list, with a share set aside for Makwa Ziibi members",
             "Offer each tenant a support plan they help write"),
            ("24 supportive units open", "Support plans in place for every tenant"),
            ("Tenants move from shelter, hospital or no fixed address into stable homes",
             "Tenants stay housed and use emergency services less",
             "Fewer people homeless in Birch Narrows and Makwa Ziibi"),
            (_IndicatorText(
                "intermediate", "Supportive housing units occupied", "units", "increase", 0.0,
                -800, 24.0, "District Services Board occupancy reports",
                "Quarterly occupancy count from the property manager", "Quarterly", "dssab",
                ((-430, 0.0, "Renovation under way."), (-250, 8.0, "First wing opened."),
                 (-60, 18.0, "Second wing partly open."))),
             _IndicatorText(
                "long_term", "Households waiting for rent-geared-to-income housing", "households",
                "decrease", 212.0, -800, 150.0, "District Services Board centralised waitlist",
                "Count of active applications at 31 December", "Yearly", "dssab",
                ((-620, 225.0, ""), (-250, 231.0, "Still rising; rents up again.")))),
            (("Award the renovation contract", "dssab", -320, "done", -330, True),
             ("Open the first wing (8 units)", "dssab", -260, "done", -255, True),
             ("Sign the nursing support agreement with the Family Health Team", "fht", -12,
              "in_progress", None, False),
             ("Open the second wing (16 units)", "dssab", 25, "in_progress", None, True)),
            ((-190, "on_track", "Eight tenants moved in; all still housed after three months."),
             (-20, "delayed", "Second wing delayed by a late delivery of fire doors; expected "
                              "within a month.")),
        ),
        _StrategyText(
            "Eviction prevention fund and landlord partnership",
            "A small fund for rent arrears and utility debts, paired with a landlord liaison who "
            "can step in early when a tenancy is at risk, and a list of landlords who agree to "
            "call before filing for eviction.",
            "prevention", "enhanced", "dssab", ("food_bank", "town", "friendship"),
            ("housing",), "underway", 60, None,
            "A part-time landlord liaison; an annual fund from the District Services Board and "
            "the Town.", 120000.0,
            "Early help with arrears costs far less than rehousing a family after eviction.",
            None,
            ("Annual fund from the District Services Board and the Town",
             "A half-time landlord liaison"),
            ("Pay arrears directly to landlords when a tenancy can be saved",
             "Meet landlords twice a year and agree on early-warning calls"),
            ("Households helped each year", "Landlords signed on to the partnership"),
            ("Households at risk of eviction keep their homes",
             "Landlords call the liaison before filing for eviction",
             "Fewer families lose their homes"),
            (_IndicatorText(
                "immediate", "Households kept housed with help from the fund", "households per "
                "year", "increase", 0.0, -800, 60.0, "Fund records (aggregate)",
                "Count of payments that stopped an eviction", "Yearly", "dssab",
                ((-430, 18.0, "First part-year."), (-60, 41.0, ""))),),
            (("Sign up ten landlords", "dssab", -90, "done", -100, False),
             ("Hold the spring landlord breakfast", "town", 20, "not_started", None, False),
             ("Review the fund's eligibility rules", "dssab", 120, "not_started", None, False)),
            ((-100, "on_track", "Twelve landlords signed on; the fund helped 23 households so far "
                                "this year."),),
        ),
        _StrategyText(
            "Land-based youth camps with Elders",
            "Year-round land-based camps for young people from both communities, with Elders and "
            "knowledge keepers teaching trapping, fishing, medicines and the language. Expands the "
            "health centre's summer camp into four seasons.",
            "social_development", "enhanced", "health_centre",
            ("friendship", "english_board", "youth"), ("youth_mental_health", "drugs"),
            "underway", 0, None,
            "Elders' honoraria, a camp coordinator, equipment and transport; a grant for Indigenous "
            "youth programs.", 185000.0,
            "Cultural connection is a strong protective factor for Indigenous youth.",
            "language",
            ("Elders and knowledge keepers", "A camp coordinator", "Equipment, boats and a van"),
            ("Run four seasonal camps a year, each with day and overnight options",
             "Hold a monthly language evening for camp families"),
            ("Camps held and young people taking part", "Elders and youth mentors involved"),
            ("Young people spend time on the land with Elders",
             "Young people feel a stronger sense of identity and belonging",
             "Better mental health and fewer young people harmed by substances"),
            (_IndicatorText(
                "immediate", "Young people taking part in land-based camps", "youth per year",
                "increase", 35.0, -800, 90.0, "Camp attendance lists (counts only)",
                "Camp coordinator's yearly tally", "Yearly", "health_centre",
                ((-430, 52.0, ""), (-60, 71.0, "Winter camp added."))),
             _IndicatorText(
                "intermediate", "Young people's sense of belonging and cultural identity", "",
                "increase",
                "At the youth forum and the feast, most young people said they had few chances to "
                "learn from Elders or to speak the language.", -810,
                "Most camp participants say they feel proud of who they are and know an Elder "
                "they can go to.",
                "Talking circles at the end of each camp", "Notes from a closing circle, "
                "summarised by the coordinator", "Twice a year", "health_centre",
                ((-250, "Participants spoke of feeling calmer on the land; several asked for "
                         "language lessons.", ""),
                 (-60, "Most participants named an Elder they trust; two now help run the "
                       "younger group.", "")))),
            (("Hire the camp coordinator", "health_centre", -400, "done", -410, False),
             ("Hold the winter camp", "health_centre", -40, "done", -38, True),
             ("Buy a second boat and safety equipment", "friendship", 14, "in_progress", None,
              False),
             ("Hold the spring camp", "health_centre", 75, "not_started", None, True)),
            ((-240, "on_track", "Summer camp full; waitlist for the overnight trip."),
             (-30, "on_track", "Winter camp held with 22 young people and five Elders.")),
        ),
        _StrategyText(
            "Mental health literacy in schools / Santé mentale en milieu scolaire",
            "Bring an evidence-based mental health literacy curriculum into grades 7 to 12 in both "
            "school boards, train staff to recognise distress, and make sure every student knows "
            "how to reach a counsellor without waiting for an adult to notice.",
            "prevention", "enhanced", "english_board", ("french_board", "youth", "fht"),
            ("youth_mental_health",), "underway", 90, None,
            "Staff training days, a bilingual curriculum, school mental health leads.", 45000.0,
            "Mental health literacy programs improve help-seeking among adolescents.",
            None,
            ("Curriculum licence in English and French", "Training days for teachers and staff",
             "School mental health leads in both boards"),
            ("Train staff in every secondary classroom", "Teach the units in grades 7 to 12",
             "Post help information, in English and French, in every washroom and on the "
             "student portal"),
            ("Staff trained", "Students reached by the units"),
            ("Students recognise signs of distress in themselves and friends",
             "More students know where to get help and use it early",
             "Fewer young people reach crisis"),
            (_IndicatorText(
                "intermediate", "Students in grades 7–12 who know where to get help for their "
                "mental health", "% of students", "increase", 48.0, -800, 75.0,
                "School climate survey, both boards", "Anonymous online survey in class",
                "Every 2 years", "english_board",
                ((-430, 55.0, "French board joined the survey."), (-60, 61.0, ""))),),
            (("Train secondary staff (English board)", "english_board", -200, "done", -205, False),
             ("Former le personnel de l'École Sainte-Thérèse", "french_board", -25,
              "in_progress", None, False),
             ("Report survey results to the advisory committee", "english_board", 28,
              "not_started", None, True)),
            ((-150, "on_track", "Units taught in all grade 9 classes in the English board."),),
        ),
        _StrategyText(
            "Naloxone and harm reduction outreach",
            "Make naloxone and safer-use supplies easy to get in both communities, seven days a "
            "week, through the outreach van, pharmacies, the Friendship Centre and the health "
            "centre, with training for families and businesses.",
            "prevention", "existing", "fht", ("health_centre", "friendship", "town"),
            ("drugs",), "underway", 0, None,
            "Harm reduction nurse, outreach van, supplies from the provincial naloxone program.",
            60000.0, "Community naloxone distribution reduces opioid deaths.", "harm_reduction",
            ("Harm reduction nurse and peer worker", "Outreach van", "Provincial naloxone supply"),
            ("Run the outreach van three evenings a week, including Makwa Ziibi",
             "Train families, staff and business owners to respond to an overdose"),
            ("Naloxone kits given out", "People trained"),
            ("More people carry naloxone and know how to use it",
             "More poisonings are reversed before harm is done",
             "Fewer deaths from drug poisoning"),
            (_IndicatorText(
                "immediate", "Naloxone kits given out", "kits per year", "increase", 140.0, -800,
                400.0, "Harm reduction program distribution log", "Count from the program log",
                "Quarterly", "fht",
                ((-620, 190.0, ""), (-430, 260.0, ""), (-60, 390.0, "Pharmacies now taking "
                                                                     "part."))),
             _IndicatorText(
                "long_term", "Emergency department visits for opioid poisoning", "per 100,000 "
                "people", "decrease", 128.0, -800, 90.0, "Public Health Ontario, Interactive Opioid "
                "Tool", "Download of the yearly rate for the health unit area", "Yearly", "fht",
                ((-430, 141.0, ""), (-60, 150.0, "Rising with a more toxic supply.")))),
            (("Add two pharmacies to the distribution network", "fht", -150, "done", -160, False),
             ("Train staff at the grocery store and gas stations", "fht", -8, "not_started",
              None, False),
             ("Extend van hours to Sunday", "fht", 60, "not_started", None, False)),
            ((-120, "on_track", "Kit distribution up by half on last year."),),
        ),
        _StrategyText(
            "Healthy relationships program for young people",
            "A healthy relationships program for grades 7 to 10, adapted with the Friendship Centre "
            "and offered in English and French, so young people learn about consent, jealousy, "
            "control and how to help a friend.",
            "prevention", "new", "youth", ("english_board", "french_board", "cas", "friendship"),
            ("family_violence", "youth_mental_health"), "planned", 700, None,
            "Facilitators from Lakeshore Youth Services; curriculum adaptation; classroom time.",
            30000.0, "School-based dating violence programs reduce violence in youth relationships.",
            None,
            ("Two trained facilitators", "Adapted curriculum in English and French",
             "Classroom time agreed with both boards"),
            ("Adapt the program with the Friendship Centre and youth advisors",
             "Deliver it in every grade 7 to 10 class"),
            ("Classes reached", "Students completing the program"),
            ("Young people recognise controlling and abusive behaviour",
             "Young people have healthier relationships and help friends earlier",
             "Less intimate partner violence in the next generation"),
            (_IndicatorText(
                "immediate", "Students completing the healthy relationships program",
                "students per year", "increase", 0.0, -800, 300.0,
                "Facilitators' class records (counts only)", "Count of students finishing all "
                "sessions", "Yearly", "youth", ()),),
            (("Choose the curriculum with youth advisors", "youth", -45, "in_progress", None,
              False),
             ("Agree on classroom time with both boards", "english_board", 30, "not_started", None,
              False),
             ("Pilot in two grade 9 classes", "youth", 150, "not_started", None, True)),
            (),
        ),
        _StrategyText(
            "Wiidookodaadiwin Table (ᐐᑐᑯᑖᑎᐎᓐ) – situation table",
            "A weekly situation table where agencies from both communities discuss situations of "
            "acutely elevated risk, using a four-filter process so that only the information "
            "needed is shared, and connect people to help within one or two days. The name means "
            "helping one another.",
            "risk_intervention", "new", "opp",
            ("cas", "fht", "dssab", "youth", "health_centre", "friendship", "english_board"),
            ("housing", "drugs", "youth_mental_health", "family_violence"), "underway", 120, None,
            "A chair from the OPP, a part-time table coordinator, staff time from each agency, "
            "the provincial risk-tracking database.", 40000.0,
            "Situation tables in Ontario connect most discussed situations to services and lower "
            "risk.", None,
            ("Staff time from eleven agencies", "A part-time table coordinator",
             "Four-filter privacy training"),
            ("Meet weekly, alternating between the detachment and the health centre",
             "Record de-identified risk factors in the provincial database"),
            ("Situations discussed", "Joint visits made within 48 hours"),
            ("People at acutely elevated risk are connected to services within 48 hours",
             "Risk is lowered for most situations brought to the table",
             "Fewer crises that end in police, hospital or child protection involvement"),
            (_IndicatorText(
                "intermediate", "Situations closed with risk lowered", "% of situations",
                "increase", 62.0, -430, 80.0, "Provincial risk-tracking database (table reports)",
                "Table coordinator's quarterly report", "Quarterly", "opp",
                ((-250, 70.0, ""), (-60, 74.0, ""))),),
            (("Sign the information-sharing agreement", "opp", -380, "done", -390, True),
             ("Train all table members in the four-filter process", "opp", -330, "done", -335,
              False),
             ("Invite Pinegrove Youth Residence to join the table", "opp", -30, "not_started",
              None, False),
             ("Present the first annual table report", "opp", 18, "in_progress", None, True)),
            ((-200, "on_track", "Table meeting weekly; 14 situations in the first six months."),
             (-45, "on_track", "31 situations this year; most closed with risk lowered.")),
        ),
        _StrategyText(
            "High-risk family violence case review",
            "Regular case review for family violence situations at high risk of serious harm, "
            "bringing together the OPP, the Children's Aid Society, the shelter and the "
            "Friendship Centre to build a safety plan with the person at risk.",
            "risk_intervention", "enhanced", "cas", ("opp", "friendship", "health_centre"),
            ("family_violence",), "underway", 60, None,
            "Staff time; a shared risk assessment tool; phone link with the regional shelter.",
            15000.0, "Coordinated high-risk case review lowers repeat violence.", None,
            ("Shared risk assessment tool", "Staff time from four agencies"),
            ("Meet within three days of a high-risk assessment", "Agree on one safety plan per "
             "family"),
            ("Families reviewed", "Safety plans in place"),
            ("Families at high risk have a safety plan within three days",
             "Less repeat violence in families that were reviewed",
             "Fewer serious injuries and no domestic homicides"),
            (_IndicatorText(
                "intermediate", "Domestic disturbance calls to an address attended in the "
                "previous 12 months", "% of calls", "decrease", 31.0, -800, 20.0,
                "OPP calls for service (aggregate)", "Yearly extract by the detachment analyst",
                "Yearly", "opp",
                ((-430, 29.0, ""), (-60, 27.0, ""))),),
            (("Adopt the shared risk assessment tool", "cas", -280, "done", -290, False),
             ("Add the regional shelter by phone to each review", "cas", -15, "in_progress", None,
              False),
             ("Evaluate the first year of reviews", "cas", 90, "not_started", None, True)),
            ((-110, "on_track", "Reviews held within three days in almost every case."),),
        ),
        _StrategyText(
            "Same-week counselling for young people",
            "A walk-in counselling clinic for young people aged 12 to 24, two afternoons a week at "
            "the drop-in centre and one at Makwa Ziibi, so that a first conversation does not "
            "wait six weeks.",
            "risk_intervention", "new", "youth", ("health_centre", "fht", "english_board"),
            ("youth_mental_health",), "on_hold", 240, None,
            "Two counsellors' time, space at the drop-in centre and the health centre.", 95000.0,
            "Single-session and walk-in models shorten waits and keep young people engaged.",
            "drop_in",
            ("Two counsellors", "Space at the drop-in centre and the health centre"),
            ("Open walk-in hours three afternoons a week", "Refer young people needing more to "
             "ongoing counselling"),
            ("Walk-in sessions held", "Referrals made"),
            ("Young people see a counsellor in the week they ask for help",
             "Young people in distress get ongoing help before a crisis",
             "Fewer emergency visits for self-harm among young people"),
            (_IndicatorText(
                "immediate", "Days from first request to first counselling session",
                "days (average)", "decrease", 42.0, -800, 7.0,
                "Lakeshore Youth Services client records (aggregate)",
                "Average from the intake system", "Quarterly", "youth", ()),),
            (("Apply for provincial funding for two counsellors", "youth", -120, "done", -125,
              False),
             ("Confirm space at the health centre", "health_centre", -10, "not_started", None,
              False)),
            ((-60, "off_track", "On hold until the funding decision; the application was "
                                "refused once and has been resubmitted."),),
        ),
        _StrategyText(
            "Mobile crisis co-response",
            "A mental health worker rides with an OPP officer to mental health calls, so that "
            "people in crisis are met by someone trained to calm the situation and connect them "
            "to care, and fewer end in apprehension or a trip to the emergency department.",
            "incident_response", "enhanced", "opp", ("fht", "health_centre"),
            ("youth_mental_health", "drugs"), "underway", 0, None,
            "A mental health worker funded by Ontario Health; an unmarked car; shared training.",
            110000.0, "Co-response reduces apprehensions and emergency visits.", "co_response",
            ("A mental health worker", "An unmarked car", "Shared crisis training"),
            ("Extend co-response to five evenings a week", "Follow up with each person within "
             "48 hours"),
            ("Calls attended by the co-response team", "Follow-ups made"),
            ("People in crisis are met by a trained worker",
             "Fewer mental health calls end in apprehension or an emergency visit",
             "People in crisis get care instead of custody"),
            (_IndicatorText(
                "intermediate", "Mental health calls attended by the crisis worker",
                "% of calls", "increase", 35.0, -800, 70.0, "OPP and Family Health Team joint "
                "records (aggregate)", "Quarterly count from the joint log", "Quarterly", "opp",
                ((-620, 48.0, ""), (-430, 57.0, ""), (-60, 66.0, "Fifth evening added."))),),
            (("Add a fifth evening shift", "opp", -90, "done", -95, False),
             ("Include Makwa Ziibi in co-response coverage", "health_centre", 45, "in_progress",
              None, False)),
            ((-80, "on_track", "Crisis worker now on five evenings a week."),),
        ),
        _StrategyText(
            "Family violence awareness campaign",
            "A campaign with posters, radio spots and workshops, in English, French and "
            "Anishinaabemowin, helping neighbours, friends, co-workers and employers recognise "
            "warning signs and know how to help safely.",
            "prevention", "existing", "friendship", ("cas", "opp", "town"),
            ("family_violence",), "completed", 30, -200,
            "Workshop facilitators, printing and radio time.", 12000.0,
            "Bystander programs raise recognition of abuse and willingness to help.", None,
            ("Facilitators from the Friendship Centre", "Printing and radio time"),
            ("Run workshops for workplaces and community groups", "Air radio spots in three "
             "languages"),
            ("Workshops held", "People reached"),
            ("People recognise the warning signs of abuse",
             "Neighbours and friends offer help and know where to refer",
             "People experiencing violence seek help sooner"),
            (_IndicatorText(
                "immediate", "Community awareness of warning signs of family violence", "",
                "increase",
                "In the survey, many people said they would not know what to say to a friend "
                "they were worried about.", -870,
                "Most workshop participants can name three warning signs and one place to refer.",
                "Workshop feedback forms", "Short written feedback at the end of each workshop",
                "Twice a year", "friendship",
                ((-250, "Participants found the role plays most useful; employers asked for a "
                         "workplace version.", ""),)),),
            (("Record radio spots in Anishinaabemowin and French", "friendship", -420, "done",
              -425, False),
             ("Hold the last workplace workshop", "friendship", -210, "done", -205, True)),
            ((-200, "completed", "Campaign finished: 19 workshops held and spots aired for six "
                                 "months."),),
        ),
        _StrategyText(
            "Overdose response and follow-up",
            "When fire, paramedics or police attend a drug poisoning, offer the person a referral "
            "and a follow-up visit by the harm reduction nurse or a peer worker within 72 hours.",
            "incident_response", "new", "town", ("fht", "dssab", "opp"),
            ("drugs",), "underway", 300, None,
            "Referral cards, a consent process, and peer worker time.", 25000.0,
            "Post-overdose outreach links people to treatment and harm reduction.", None,
            ("Referral cards and a consent process", "Peer worker and nurse time"),
            ("Offer a referral at every poisoning call", "Follow up within 72 hours"),
            ("Referrals offered", "Follow-ups completed"),
            ("People who survive a poisoning are offered follow-up",
             "More people connect with treatment or harm reduction after a poisoning",
             "Fewer repeat poisonings and deaths"),
            (_IndicatorText(
                "immediate", "Poisoning calls followed by a visit within 72 hours", "% of calls",
                "increase", 0.0, -800, 75.0, "Fire, paramedic and harm reduction records "
                "(aggregate)", "Monthly count matched by the harm reduction nurse", "Monthly",
                "fht",
                ((-120, 38.0, ""), (-30, 52.0, ""))),),
            (("Agree on a consent process with fire and paramedics", "town", -240, "done", -250,
              False),
             ("Print referral cards in three languages", "town", -5, "in_progress", None, False),
             ("Review the first six months", "fht", 40, "not_started", None, True)),
            ((-70, "on_track", "Every fire crew now carries referral cards."),),
        ),
    )


def _add_strategies(plan: Plan, cal: _Calendar, partners: dict[str, str], risks: dict[str, str],
                    assets: dict[str, str]) -> None:
    period_start = cal.period_start
    for number, text in enumerate(_strategy_texts(), start=1):
        start = period_start + datetime.timedelta(days=text.start_offset)
        end = cal.period_end.isoformat() if text.end_offset is None else cal.day(text.end_offset)
        strategy = plan.strategies.add(
            number=number, title=text.title, description=text.description, area=text.area,
            kind=text.kind, lead_partner_id=partners[text.lead], status=text.status,
            start_on=start.isoformat(), end_on=end, resources=text.resources, budget=text.budget,
            evidence_base=text.evidence_base,
            asset_id=assets[text.asset] if text.asset else None)
        plan.strategy_risks.set(strategy.id, [risks[k] for k in text.risks])
        plan.strategy_partners.set(strategy.id, [partners[k] for k in text.supporting])
        for kind, items in (("input", text.inputs), ("activity", text.activities),
                            ("output", text.outputs)):
            for position, item in enumerate(items):
                plan.logic_items.add(strategy_id=strategy.id, kind=kind, text=item,
                                     position=position)
        outcomes = {}
        for position, (level, item) in enumerate(zip(("immediate", "intermediate", "long_term"),
                                                     text.outcomes)):
            outcomes[level] = plan.outcomes.add(strategy_id=strategy.id, level=level, text=item,
                                                position=position).id
        for indicator in text.indicators:
            _add_indicator(plan, cal, partners, outcomes[indicator.level], indicator)
        for title, owner, due, status, done, milestone in text.actions:
            plan.actions.add(strategy_id=strategy.id, title=title, owner_partner_id=partners[owner],
                             is_milestone=milestone, due_on=cal.day(due), status=status,
                             done_on=None if done is None else cal.day(done))
        for offset, status, note in text.updates:
            plan.progress_updates.add(strategy_id=strategy.id, reported_on=cal.day(offset),
                                      status=status, note=note)


def _add_indicator(plan: Plan, cal: _Calendar, partners: dict[str, str], outcome_id: str,
                   text: _IndicatorText) -> None:
    qualitative = isinstance(text.baseline, str)
    values: dict[str, object] = dict(
        outcome_id=outcome_id, name=text.name, unit=text.unit, direction=text.direction,
        baseline_on=cal.day(text.baseline_offset), target_on=cal.period_end.isoformat(),
        data_source=text.data_source, collection_method=text.collection_method,
        frequency=text.frequency, responsible_partner_id=partners[text.responsible])
    if qualitative:
        values.update(measure_type="qualitative", baseline_text=text.baseline,
                      target_text=text.target)
    else:
        values.update(measure_type="quantitative", baseline_value=text.baseline,
                      target_value=text.target)
    indicator = plan.indicators.add(**values)
    for offset, value, note in text.measurements:
        if isinstance(value, str):
            plan.measurements.add(indicator_id=indicator.id, measured_on=cal.day(offset),
                                  text_value=value, note=note)
        else:
            plan.measurements.add(indicator_id=indicator.id, measured_on=cal.day(offset),
                                  value=value, note=note)
