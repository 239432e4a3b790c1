"""Reference data of the CSWB framework: the four areas, the toolkit steps, the advisory-committee
categories and consultation groups named in the law, the RTD risk vocabulary, default criteria.

Everything here is fixed by the framework or the law; a plan keeps its own editable copy of the
RTD categories and the prioritisation criteria (seeded from here when the plan is created).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from .resources import read_resource_text


@dataclass(frozen=True)
class Area:
    code: str
    ring: int  # 1 = outermost ring of the target board, 4 = bullseye
    name_en: str
    name_fr: str
    summary_en: str
    summary_fr: str

    def name(self, language: str = "en") -> str:
        return self.name_fr if language == "fr" else self.name_en

    def summary(self, language: str = "en") -> str:
        return self.summary_fr if language == "fr" else self.summary_en


AREAS: tuple[Area, ...] = (
    Area(
        "social_development", 1, "Social development", "Développement social",
        "Patient work across many sectors on the conditions people live in (schooling, early "
        "childhood, food, housing, income) so that fewer people ever come near risk.",
        "Un travail de longue haleine, mené par plusieurs secteurs, sur les conditions de vie "
        "(école, petite enfance, alimentation, logement, revenu) pour que moins de gens soient "
        "exposés aux risques.",
    ),
    Area(
        "prevention", 2, "Prevention", "Prévention",
        "Proven programs, policies and practical measures that reduce the risks this community "
        "has named as priorities, before anyone is harmed.",
        "Des programmes, politiques et mesures éprouvés qui réduisent les risques prioritaires "
        "choisis par la collectivité, avant qu'un tort ne survienne.",
    ),
    Area(
        "risk_intervention", 3, "Risk intervention", "Intervention centrée sur le risque",
        "Agencies acting together, quickly, when a situation shows acutely elevated risk of harm, "
        "such as a situation table that links a person to help within a day or two.",
        "Des organismes qui agissent ensemble, rapidement, devant une situation de risque très "
        "élevé, par exemple une table de concertation qui oriente une personne vers de l'aide en "
        "un ou deux jours.",
    ),
    Area(
        "incident_response", 4, "Incident response", "Intervention en cas d'incident",
        "The immediate answer once something has happened: police, fire, paramedics, child "
        "protection, apprehension under the Mental Health Act, school expulsion.",
        "La réponse immédiate une fois l'incident survenu : police, pompiers, ambulanciers, "
        "protection de l'enfance, appréhension en vertu de la Loi sur la santé mentale, renvoi "
        "scolaire.",
    ),
)
AREA_CODES: tuple[str, ...] = tuple(a.code for a in AREAS)
AREAS_BY_CODE: dict[str, Area] = {a.code: a for a in AREAS}
OUTER_AREAS: tuple[str, ...] = AREA_CODES[:3]


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    tool: str  # the toolkit tool or form the step follows, "" when none


STEPS: tuple[Step, ...] = (
    Step("profile", "Plan profile", "Tool 1"),
    Step("partners", "Partners and roles", "Tool 1"),
    Step("committee", "Advisory committee and teams", "Tool 2"),
    Step("engagement", "Community engagement", "Tools 4 and 5 (Forms A, B)"),
    Step("assets", "Community assets", "Tool 3"),
    Step("risks", "Risks", "Tool 5 (Form C)"),
    Step("prioritisation", "Prioritisation", ""),
    Step("strategies", "Strategies", ""),
    Step("logic_models", "Logic models", "Tool 6"),
    Step("target_board", "Target board", ""),
    Step("measurement", "Measurement", "Tool 6"),
    Step("implementation", "Implementation and monitoring", ""),
    Step("review", "Review and export", ""),
)
STEP_CODES: tuple[str, ...] = tuple(s.code for s in STEPS)
STEPS_BY_CODE: dict[str, Step] = {s.code: s for s in STEPS}


@dataclass(frozen=True)
class CommitteeCategory:
    number: int
    short: str
    text: str
    may_be_absent: bool  # the law asks for it only if such a provider exists in the area


COMMITTEE_CATEGORIES: tuple[CommitteeCategory, ...] = (
    CommitteeCategory(1, "Health", "Ontario Health, or a provider of physical or mental health services", False),
    CommitteeCategory(2, "Education", "A provider of educational services", False),
    CommitteeCategory(3, "Community or social services", "A provider of community or social services", True),
    CommitteeCategory(4, "Services to children or youth",
                      "A provider of community or social services to children or youth", True),
    CommitteeCategory(5, "Custodial services to children or youth",
                      "A provider of custodial services to children or youth", True),
    CommitteeCategory(6, "Municipality", "The municipality: a council member or an employee", False),
    CommitteeCategory(7, "Police", "The police service board or, where there is none, the OPP "
                      "detachment commander or their delegate", False),
)
COMMITTEE_CATEGORY_NUMBERS: tuple[int, ...] = tuple(c.number for c in COMMITTEE_CATEGORIES)


@dataclass(frozen=True)
class ConsultationGroup:
    code: str
    name: str
    required_by_law: bool


CONSULTATION_GROUPS: tuple[ConsultationGroup, ...] = (
    ConsultationGroup("advisory_committee", "The advisory committee", True),
    ConsultationGroup("public", "Members of the public", True),
    ConsultationGroup("youth", "Youth", True),
    ConsultationGroup("racialized", "Members of racialized groups", True),
    ConsultationGroup("fnmi", "First Nations, Métis and Inuit communities", True),
    ConsultationGroup("lived_experience",
                      "People who have received or receive mental health or addictions services", True),
    ConsultationGroup("representative_orgs", "Organisations that represent any of these groups", True),
)
CONSULTATION_GROUP_CODES: tuple[str, ...] = tuple(g.code for g in CONSULTATION_GROUPS)

COMMUNITY_TYPES: dict[str, str] = {
    "municipality": "Municipality",
    "first_nation": "First Nation",
    "joint": "Joint plan",
}
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
ENGAGEMENT_STATUSES: dict[str, str] = {
    "identified": "Identified",
    "contacted": "Contacted",
    "engaged": "Engaged",
    "committed": "Committed",
}
TEAM_KINDS: dict[str, str] = {
    "advisory_committee": "Advisory committee",
    "implementation_team": "Implementation team",
}
ASSET_KINDS: dict[str, str] = {
    "program": "Program",
    "service": "Service",
    "organisation": "Organisation",
    "facility": "Facility",
    "cultural": "Cultural asset",
    "people": "People",
}
STRATEGY_KINDS: dict[str, str] = {"existing": "Existing", "enhanced": "Enhanced", "new": "New"}
STRATEGY_STATUSES: dict[str, str] = {
    "planned": "Planned",
    "underway": "Underway",
    "completed": "Completed",
    "on_hold": "On hold",
}
LOGIC_ITEM_KINDS: dict[str, str] = {"input": "Inputs", "activity": "Activities", "output": "Outputs"}
OUTCOME_LEVELS: dict[str, str] = {
    "immediate": "Immediate outcome",
    "intermediate": "Intermediate outcome",
    "long_term": "Long-term outcome",
}
MEASURE_TYPES: dict[str, str] = {"quantitative": "Quantitative", "qualitative": "Qualitative"}
DIRECTIONS: dict[str, str] = {"increase": "Increase", "decrease": "Decrease", "maintain": "Maintain"}
ACTION_STATUSES: dict[str, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
PROGRESS_STATUSES: dict[str, str] = {
    "on_track": "On track",
    "delayed": "Delayed",
    "off_track": "Off track",
    "completed": "Completed",
}
FREQUENCIES: tuple[str, ...] = (
    "Monthly", "Quarterly", "Twice a year", "Yearly", "Every 2 years", "Every 4 years", "Once",
)

PUBLISH_WITHIN_DAYS = 30
REVIEW_WITHIN_YEARS = 4


@cache
def rtd_categories() -> tuple[str, ...]:
    """The risk-factor categories of the provincial Risk-driven Tracking Database."""
    return tuple(json.loads(read_resource_text("rtd_categories.json")))


@dataclass(frozen=True)
class DefaultCriterion:
    name: str
    description: str
    weight: float
    labels: tuple[str, ...]


@cache
def default_criteria() -> tuple[DefaultCriterion, ...]:
    """Prioritisation criteria a new plan starts with; the coordinator may change all of them."""
    data = json.loads(read_resource_text("default_criteria.json"))
    return tuple(
        DefaultCriterion(c["name"], c["description"], float(c["weight"]), tuple(c["labels"]))
        for c in data
    )
