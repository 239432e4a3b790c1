"""Text from anywhere reaches Word safely: control characters, very long text, syllabics,
right-to-left scripts and emoji, in every text field of a plan."""

from __future__ import annotations

import datetime
import re
import sqlite3

import docx
import pytest
from exporthelp import TODAY, Docx

from cswb_desktop.core import framework, schema
from cswb_desktop.core.plan import _DATE_COLUMNS, ENUMS, Plan, initialise
from cswb_desktop.core.records import field_types
from cswb_desktop.export import export_plan, export_progress_report
from cswb_desktop.export.sanitize import MAX_CHARS, clean, clip, lines, one_line

SYLLABICS = "ᐊᓂᔑᓈᐯᒧᐎᓐ"
ARABIC = "مرحبا بالعالم"
HEBREW = "שלום עולם"
EMOJI = "🌲👩🏽‍⚕️🇨🇦"
CONTROL = "\x00\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f"
NASTY = f"Start{CONTROL}\r\nline two\ttabbed {SYLLABICS} {ARABIC} {HEBREW} {EMOJI} \ufeff\u200b end"
LONG = ("word " * 20_000)[:100_000]
UNBROKEN = "x" * 100_000

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def hostile(n: int) -> str:
    """Every field gets the hard characters and 100,000 characters of text; some as one word."""
    return NASTY + " " + (UNBROKEN if n % 5 == 0 else LONG)


def fill(plan: Plan, table, n: int, **fixed):
    values = dict(fixed)
    for name, hint in field_types(table.record_type).items():
        if name in values or name in schema.RECORD_COLUMNS or hint is not str:
            continue
        if (table.name, name) in ENUMS or name in _DATE_COLUMNS:
            continue
        values[name] = hostile(n + len(values))
    return table.add(**values)


@pytest.fixture(scope="module")
def hostile_plan() -> Plan:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, "5d7e0c1a-2b44-4c2f-9a51-000000000002")
    initialise(plan, community=hostile(1), community_type="joint", title=hostile(2))
    with plan.transaction():
        plan.update_profile(**{name: hostile(i) for i, name in enumerate((
            "participating_communities", "coordinators", "champions", "vision",
            "adoption_reference"))}, adopted_on="2024-03-01", period_start="2024-04-01",
            period_end="2028-03-31", language="fr")
        plan.update_engagement_summary(**{name: hostile(i) for i, name in enumerate((
            "outreach_types", "successes", "challenges", "findings", "lessons"))})
        partner = fill(plan, plan.partners, 1)
        member = fill(plan, plan.committee_members, 2, partner_id=partner.id)
        plan.member_categories.set(member.id, framework.COMMITTEE_CATEGORY_NUMBERS)
        plan.set_category_status(4, no_provider=True, note=hostile(3))
        for kind in framework.TEAM_KINDS:
            fill(plan, plan.teams, 3, kind=kind)
        activity = fill(plan, plan.activities, 4, held_on="2023-05-01", participants=12)
        plan.activity_groups.set(activity.id, framework.CONSULTATION_GROUP_CODES)
        fill(plan, plan.participants, 5)
        asset = fill(plan, plan.assets, 6, owner_partner_id=partner.id)
        plan.asset_areas.set(asset.id, framework.AREA_CODES)
        category = fill(plan, plan.risk_categories, 7)
        criterion = plan.criteria.list()[0]
        plan.criteria.update(criterion.id, name=hostile(8), description=hostile(9),
                             labels=(hostile(1), hostile(2), hostile(3)))
        risks = []
        for n, priority in enumerate((True, False)):
            risk = fill(plan, plan.risks, 10 + n, category_id=category.id, is_priority=priority,
                        rank_override=1 if priority else None)
            risks.append(risk)
            plan.risk_activities.set(risk.id, [activity.id])
            plan.risk_partners.set(risk.id, [partner.id])
            fill(plan, plan.evidence, 12, risk_id=risk.id, year=2023)
            plan.set_score(risk.id, criterion.id, score=2, rationale=hostile(13))
        strategy = fill(plan, plan.strategies, 14, lead_partner_id=partner.id, area="prevention",
                        start_on="2024-05-01", budget=1234.5, asset_id=asset.id)
        plan.strategy_risks.set(strategy.id, [r.id for r in risks])
        plan.strategy_partners.set(strategy.id, [partner.id])
        for kind in framework.LOGIC_ITEM_KINDS:
            fill(plan, plan.logic_items, 15, strategy_id=strategy.id, kind=kind)
        for level in framework.OUTCOME_LEVELS:
            outcome = fill(plan, plan.outcomes, 16, strategy_id=strategy.id, level=level)
        quantitative = fill(plan, plan.indicators, 17, outcome_id=outcome.id, baseline_value=10.0,
                            target_value=20.0, baseline_on="2024-01-01", target_on="2028-01-01",
                            responsible_partner_id=partner.id)
        qualitative = fill(plan, plan.indicators, 18, outcome_id=outcome.id,
                           measure_type="qualitative")
        for indicator in (quantitative, qualitative):
            fill(plan, plan.measurements, 19, indicator_id=indicator.id, measured_on="2025-06-01",
                 value=15.0 if indicator is quantitative else None)
        fill(plan, plan.actions, 20, strategy_id=strategy.id, owner_partner_id=partner.id,
             due_on="2025-01-01")
        fill(plan, plan.progress_updates, 21, strategy_id=strategy.id, reported_on="2025-07-01")
    return plan


def check_document(path):
    doc = Docx(path)
    docx.Document(str(path))  # python-docx reads it back
    xml = doc.xml()
    for text in (SYLLABICS, ARABIC, HEBREW, EMOJI):
        assert text in xml
    for name, blob in doc.parts.items():
        if name.endswith(".xml") or name.endswith(".rels"):
            assert not XML_FORBIDDEN.search(blob.decode("utf-8")), name
    assert "more characters are in the plan file" in xml
    assert len(xml) < 40 * MAX_CHARS * 100  # shortened, not a runaway document
    return doc


def test_every_text_field_hostile_plan_document(hostile_plan, tmp_path):
    target = tmp_path / "hostile.docx"
    export_plan(hostile_plan, target, today=TODAY)
    doc = check_document(target)
    assert any(SYLLABICS in doc.xml(n) for n in doc.part_names("word/header"))
    assert "fr-CA" in doc.xml("word/styles.xml")


def test_every_text_field_hostile_progress_report(hostile_plan, tmp_path):
    target = tmp_path / "hostile-progress.docx"
    export_progress_report(hostile_plan, target, today=TODAY,
                           period_start=datetime.date(2024, 1, 1))
    check_document(target)


# --- the sanitiser itself ------------------------------------------------------------------------

def test_control_characters_go_and_line_ends_become_newlines():
    assert clean("a\x00b\x1bc\x7f") == "abc"
    assert clean("one\r\ntwo\rthree\x0bfour\x0cfive\u2028six\u2029seven\x85eight") == \
        "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight"
    assert clean("tab\tstays") == "tab\tstays"


def test_lone_surrogates_and_non_characters_are_replaced():
    assert clean("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert clean("x\ufffey\uffff") == "x\ufffdy\ufffd"


def test_scripts_and_emoji_survive_untouched():
    for text in (SYLLABICS, ARABIC, HEBREW, EMOJI, "Développement social", "ᒪᑾ ᓰᐱ",
                 "a\u200db\u200ec\u200fd"):
        assert clean(text) == text


def test_very_long_text_is_shortened_with_a_note():
    shortened = clean(LONG)
    assert len(shortened) < MAX_CHARS + 200
    assert shortened.endswith("but were left out of this document]")
    assert "80,000 more characters" in shortened or "more characters" in shortened
    assert len(clean(UNBROKEN)) < MAX_CHARS + 200
    assert clean("short") == "short"
    assert clean(LONG, limit=None) == LONG


def test_other_values():
    assert clean(None) == ""
    assert clean(12.5) == "12.5"
    assert clean(b"caf\xc3\xa9 \xff") == "café \ufffd"


def test_lines_and_one_line():
    assert lines("  a \n\n b\r\n") == ["a", "b"]
    assert one_line("a\nb\x00c") == "a bc"


def test_clip_cuts_at_a_word_with_an_ellipsis():
    assert clip("short title", 50) == "short title"
    clipped = clip(LONG, 250)
    assert len(clipped) <= 250 and clipped.endswith("word…")
    assert len(clip(UNBROKEN, 250)) == 250
