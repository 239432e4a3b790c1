"""The plan document's structure: sections in order, real headings, the TOC field, the PMF table
in a landscape section, table header rows, alt text, language, header and footer fields."""

from __future__ import annotations

import sys
import types

import pytest

from cswb_desktop.core import framework, schema
from cswb_desktop.core.plan import Plan, initialise
from cswb_desktop.core.sample import DEMO_FIRST_NATION_SYLLABICS, DEMO_TITLE
from cswb_desktop.export import export_plan
from cswb_desktop.export.plan_document import PlanWordDocument

from exporthelp import NS, TODAY, Docx, w

MAJOR_SECTIONS = [
    "About this plan", "The framework", "Governance", "Community engagement", "Community assets",
    "Local priority risks", "Strategies", "Logic models", "Performance measurement framework",
    "Implementation timeline", "Monitoring and review", "Appendix A: Partners",
    "Appendix B: Data sources", "Appendix C: Glossary",
]
PMF_HEADER = ["Expected outcome", "Indicator", "Type", "Unit", "Baseline (date)", "Target (date)",
              "Direction", "Data source", "Collection method", "Frequency", "Responsible partner"]


def empty_plan(**profile) -> Plan:
    import sqlite3

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    schema.apply_migrations(conn)
    plan = Plan(conn, "5d7e0c1a-2b44-4c2f-9a51-000000000001")
    initialise(plan, community="Lakeview", community_type="municipality")
    if profile:
        plan.update_profile(**profile)
    return plan


def test_major_sections_in_order_as_heading_1(plan_docx):
    level_one = [text for level, text in plan_docx.headings() if level == 1]
    assert level_one == MAJOR_SECTIONS


def test_heading_levels_never_skip(plan_docx):
    previous = 1
    for level, text in plan_docx.headings():
        assert level <= previous + 1, f"heading {text!r} jumps from level {previous} to {level}"
        previous = level


def test_every_heading_has_content_before_the_next_heading_of_its_rank(plan_docx):
    assert_no_empty_headings(plan_docx)


def assert_no_empty_headings(doc: Docx):
    blocks = list(doc.body)
    for index, el in enumerate(blocks):
        if el.tag != w("p"):
            continue
        name = doc.style_of(el).casefold()
        if not name.startswith("heading "):
            continue
        level = int(name.split()[1])
        has_content = False
        for nxt in blocks[index + 1:]:
            if nxt.tag == w("tbl"):
                has_content = True
                break
            if nxt.tag != w("p"):
                continue
            nxt_name = doc.style_of(nxt).casefold()
            if nxt_name.startswith("heading "):
                if int(nxt_name.split()[1]) <= level:
                    break
                continue
            if Docx.text(nxt).strip() or nxt.find(f".//{w('drawing')}") is not None:
                has_content = True
                break
        assert has_content, f"heading {Docx.text(el)!r} has nothing under it"


def test_major_sections_start_on_a_new_page(plan_docx):
    for p in plan_docx.body.iter(w("p")):
        if plan_docx.style_of(p) == "heading 1":
            before = p.getprevious()
            breaks = (p.find(f"{w('pPr')}/{w('pageBreakBefore')}") is not None
                      or (before is not None and before.find(f".//{w('sectPr')}") is not None))
            assert breaks, Docx.text(p)


def test_table_of_contents_is_a_real_field_updated_on_open(plan_docx):
    instructions = [t.text for t in plan_docx.body.iter(w("instrText"))]
    assert any('TOC \\o "1-3" \\h \\z \\u' in i for i in instructions)
    update = plan_docx.settings.find(w("updateFields"))
    assert update is not None and update.get(w("val")) == "true"
    # Until Word refreshes it, the field already lists the headings, linked to their bookmarks.
    anchors = {h.get(w("anchor")) for h in plan_docx.body.iter(w("hyperlink"))}
    bookmarks = {b.get(w("name")) for b in plan_docx.body.iter(w("bookmarkStart"))}
    assert anchors and anchors <= bookmarks
    begins = [f for f in plan_docx.body.iter(w("fldChar")) if f.get(w("fldCharType")) == "begin"]
    ends = [f for f in plan_docx.body.iter(w("fldChar")) if f.get(w("fldCharType")) == "end"]
    assert len(begins) == len(ends) >= 1


def test_settings_keep_schema_order_for_update_fields(plan_docx):
    tags = [child.tag for child in plan_docx.settings]
    index = tags.index(w("updateFields"))
    for later in ("compat", "rsids", "themeFontLang", "decimalSymbol"):
        if w(later) in tags:
            assert tags.index(w(later)) > index


def test_pmf_table_has_every_column_in_a_landscape_section(plan_docx):
    tables = [t for t in plan_docx.tables() if plan_docx.table_header(t) == PMF_HEADER]
    assert len(tables) == 1
    pmf = tables[0]
    rows = pmf.findall(w("tr"))
    assert rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None
    assert all(r.find(f"{w('trPr')}/{w('cantSplit')}") is not None for r in rows)
    # The section holding the table is the one whose sectPr comes next: landscape.
    following = pmf.getnext()
    while following is not None and following.find(f".//{w('sectPr')}") is None:
        following = following.getnext()
    sect = following.find(f".//{w('sectPr')}")
    size = sect.find(w("pgSz"))
    assert size.get(w("orient")) == "landscape"
    assert int(size.get(w("w"))) > int(size.get(w("h")))
    # … and the document before and after it is portrait.
    final = plan_docx.body.find(w("sectPr")).find(w("pgSz"))
    assert int(final.get(w("w"))) < int(final.get(w("h")))
    # Every indicator of the demo is in it.
    text = Docx.text(pmf)
    for indicator_name in ("Supportive housing units occupied", "Naloxone kits given out",
                           "Situations closed with risk lowered"):
        assert indicator_name in text


def test_every_table_marks_its_header_row(plan_docx):
    tables = plan_docx.tables()
    assert len(tables) > 30
    for tbl in tables:
        first = tbl.find(w("tr"))
        assert first.find(f"{w('trPr')}/{w('tblHeader')}") is not None


def test_header_has_the_title_and_footer_counts_pages(plan_docx):
    headers = [plan_docx.xml(n) for n in plan_docx.part_names("word/header")]
    footers = [plan_docx.xml(n) for n in plan_docx.part_names("word/footer")]
    assert any(DEMO_TITLE in h for h in headers)
    assert any(" PAGE " in f and " NUMPAGES " in f and "Page " in f and " of " in f
               for f in footers)
    first = plan_docx.body.find(f".//{w('sectPr')}")
    assert first.find(w("titlePg")) is not None  # the title page has its own, empty header


def test_document_language_follows_the_plan(plan_docx, tmp_path, qapp):
    default = plan_docx.styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    assert default.get(w("val")) == "en-CA"
    runs = list(plan_docx.body.iter(w("r")))
    tagged = [r for r in runs if r.find(f"{w('rPr')}/{w('lang')}") is not None]
    assert len(tagged) == len(runs)
    assert {r.find(f"{w('rPr')}/{w('lang')}").get(w("val")) for r in tagged} == {"en-CA"}

    plan = empty_plan(language="fr")
    target = tmp_path / "fr.docx"
    export_plan(plan, target, today=TODAY)
    doc = Docx(target)
    default = doc.styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    assert default.get(w("val")) == "fr-CA"
    assert {r.find(f"{w('rPr')}/{w('lang')}").get(w("val")) for r in doc.body.iter(w("r"))} == {"fr-CA"}
    assert b"fr-CA" in doc.parts["docProps/core.xml"]


def test_title_page_names_the_communities_period_and_adoption(plan_docx, demo_plan):
    text = plan_docx.all_text()
    profile = demo_plan.profile()
    assert DEMO_FIRST_NATION_SYLLABICS in text
    assert "Plan period:" in text
    assert "Adopted on" in text and profile.adoption_reference.split(";")[0] in text
    assert "Draft" not in text.split("Contents")[0]


def test_draft_is_marked_on_the_title_page_and_in_the_header(demo_plan, tmp_path):
    target = tmp_path / "draft.docx"
    export_plan(demo_plan, target, draft=True, today=TODAY)
    doc = Docx(target)
    assert "Draft" in doc.all_text().split("Contents")[0]
    assert any("Draft" in doc.xml(n) for n in doc.part_names("word/header"))


def test_a_plan_not_yet_adopted_is_a_draft(tmp_path):
    target = tmp_path / "new.docx"
    export_plan(empty_plan(), target, today=TODAY)
    doc = Docx(target)
    assert "Draft — not yet adopted" in doc.all_text()


def test_an_empty_plan_says_not_yet_recorded_and_has_no_empty_headings(tmp_path):
    target = tmp_path / "empty.docx"
    export_plan(empty_plan(), target, today=TODAY)
    doc = Docx(target)
    assert "Not yet recorded" in doc.all_text()
    assert [t for level, t in doc.headings() if level == 1] == MAJOR_SECTIONS
    assert_no_empty_headings(doc)


def test_committee_table_lists_the_legislated_categories(plan_docx):
    coverage = [t for t in plan_docx.tables() if plan_docx.table_header(t) == ["Category", "Covered by"]]
    assert len(coverage) == 1
    text = Docx.text(coverage[0])
    for category in framework.COMMITTEE_CATEGORIES:
        assert category.text.split(",")[0] in text
    members = [t for t in plan_docx.tables()
               if plan_docx.table_header(t)[:1] == ["Member"]]
    assert "Legislated categories covered" in plan_docx.table_header(members[0])
    assert "7. Police" in Docx.text(members[0])


def test_no_provider_category_is_shown(tmp_path):
    plan = empty_plan()
    plan.set_category_status(5, no_provider=True, note="None in the district")
    target = tmp_path / "np.docx"
    export_plan(plan, target, today=TODAY)
    assert "No provider in our area: None in the district" in Docx(target).all_text()


def test_priority_risks_are_ranked_with_scores(plan_docx, demo_plan):
    from cswb_desktop.core.ranking import rank_plan_risks

    ranked = rank_plan_risks(demo_plan, priority_only=True)
    risk_headings = [text for level, text in plan_docx.headings()
                     if level == 2 and text[:1].isdigit()]
    assert risk_headings == [f"{r.rank}. {r.risk.title}" for r in ranked]
    ranking = [t for t in plan_docx.tables() if plan_docx.table_header(t)[:2] == ["Rank", "Priority risk"]]
    assert len(ranking) == 1
    assert "of 11" in Docx.text(ranking[0])


def test_strategies_are_grouped_by_risk_and_area(plan_docx):
    headings = plan_docx.headings()
    start = headings.index((1, "Strategies"))
    end = headings.index((1, "Logic models"))
    section = headings[start + 1:end]
    assert any(level == 2 and text.startswith("Strategies for ") for level, text in section)
    area_names = {a.name_en for a in framework.AREAS}
    areas = [text for level, text in section if level == 3]
    assert areas and set(areas) <= area_names


def test_logic_model_per_strategy(plan_docx, demo_plan):
    headings = plan_docx.headings()
    start = headings.index((1, "Logic models"))
    end = headings.index((1, "Performance measurement framework"))
    strategies = [t for level, t in headings[start:end] if level == 3]
    assert len(strategies) == demo_plan.strategies.count()
    stages = [t for t in plan_docx.tables() if plan_docx.table_header(t) == ["Stage", "What it includes"]]
    assert len(stages) == demo_plan.strategies.count()
    assert "Long-term outcomes" in Docx.text(stages[0])


def test_data_sources_appendix_lists_evidence_and_indicator_sources(plan_docx, demo_plan):
    tables = [t for t in plan_docx.tables() if plan_docx.table_header(t) == ["Source", "Used for"]]
    assert len(tables) == 1
    text = Docx.text(tables[0])
    for evidence in demo_plan.evidence.list():
        assert evidence.source.strip() in text
    for indicator in demo_plan.indicators.list():
        assert indicator.data_source.strip() in text


def test_monitoring_shows_publication_and_review_dates(plan_docx, demo_plan):
    from cswb_desktop.core.checks import due_dates
    from cswb_desktop.export.content import long_date

    publish_by, review_by = due_dates(demo_plan.profile())
    text = plan_docx.all_text()
    assert long_date(publish_by) in text and long_date(review_by) in text
    assert "Quarterly" in text  # the reporting schedule comes from the indicators' frequencies


# --- figures ---------------------------------------------------------------------------------------

def _png(width=40, height=20) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _doc_prs(doc: Docx) -> list:
    return list(doc.body.iter(f"{{{NS['wp']}}}docPr"))


def test_board_figure_comes_from_the_painter_with_its_alt_text(demo_plan, tmp_path, monkeypatch):
    calls = {}

    def render_board_png(plan, width_cm=16.0, dpi=300):
        calls["args"] = (width_cm, dpi)
        return _png(800, 800)

    fake = types.ModuleType("cswb_desktop.board.painter")
    fake.render_board_png = render_board_png
    fake.board_alt_text = lambda plan: "Target board with 4 priority risks; 2 strategies in ring 1."
    monkeypatch.setitem(sys.modules, "cswb_desktop.board.painter", fake)
    target = tmp_path / "board.docx"
    export_plan(demo_plan, target, today=TODAY)
    doc = Docx(target)
    descriptions = [d.get("descr") for d in _doc_prs(doc)]
    assert "Target board with 4 priority risks; 2 strategies in ring 1." in descriptions
    assert calls["args"] == (16.0, 300)
    assert any(n.startswith("word/media/") for n in doc.names)
    assert "Figure 1." in doc.all_text()


def test_board_figure_problems_leave_a_sentence_not_a_failure(demo_plan, tmp_path, monkeypatch):
    fake = types.ModuleType("cswb_desktop.board.painter")

    def broken(plan, width_cm=16.0, dpi=300):
        raise RuntimeError("no")

    fake.render_board_png = broken
    fake.board_alt_text = lambda plan: ""
    monkeypatch.setitem(sys.modules, "cswb_desktop.board.painter", fake)
    target = tmp_path / "broken.docx"
    export_plan(demo_plan, target, today=TODAY)
    text = Docx(target).all_text()
    assert "could not be drawn" in text
    assert "4 wedges, one per priority risk" in text  # the board described in words instead


def test_the_real_painter_figure_is_in_the_document_with_alt_text(plan_docx):
    try:
        from cswb_desktop.board.painter import board_alt_text, render_board_png  # noqa: F401
    except ImportError:
        pytest.skip("board/painter.py with render_board_png and board_alt_text is not there yet")
    boards = [d for d in _doc_prs(plan_docx) if d.get("name", "").startswith("Target board")]
    assert len(boards) == 1
    assert boards[0].get("descr", "").strip()


def test_every_image_has_alt_text_and_the_logo_is_on_the_title_page(tmp_path):
    plan = empty_plan(logo=_png(300, 120), logo_type="image/png")
    target = tmp_path / "logo.docx"
    export_plan(plan, target, today=TODAY)
    doc = Docx(target)
    prs = _doc_prs(doc)
    assert prs and all(d.get("descr", "").strip() for d in prs)
    assert "Logo of Lakeview" in [d.get("descr") for d in prs]
    first_drawing = next(doc.body.iter(w("drawing")))
    title = next(p for p in doc.body.iter(w("p")) if doc.style_of(p) == "Title")
    assert list(doc.body).index(first_drawing.getparent().getparent()) < list(doc.body).index(title)


def test_an_unreadable_logo_is_left_out(tmp_path):
    plan = empty_plan(logo=b"not a picture", logo_type="image/png")
    target = tmp_path / "badlogo.docx"
    export_plan(plan, target, today=TODAY)
    assert not [d for d in _doc_prs(Docx(target)) if d.get("name", "").startswith("Logo")]


def test_progress_is_reported_and_can_stop_the_export(demo_plan, tmp_path):
    from cswb_desktop.export import ExportCancelled

    seen = []
    target = tmp_path / "p.docx"
    export_plan(demo_plan, target, today=TODAY, progress=lambda d, t, m: seen.append((d, t, m)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [d for d, _t, _m in seen] == sorted(d for d, _t, _m in seen)

    stopped = tmp_path / "stopped.docx"
    with pytest.raises(ExportCancelled):
        export_plan(demo_plan, stopped, today=TODAY, progress=lambda d, t, m: d < 3)
    assert not stopped.exists()
    assert list(tmp_path.iterdir()) == [target]


def test_build_steps_cover_the_document(demo_plan):
    document = PlanWordDocument(demo_plan, today=TODAY)
    assert len(document.steps) >= 10
    assert all(callable(step) for _message, step in document.steps)
