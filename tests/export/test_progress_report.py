"""The progress report: period, indicator status with the stated rule, trend charts with alt text,
strategy status, completed and overdue actions, and the updates in the partners' own words."""

from __future__ import annotations

import datetime

from exporthelp import NS, TODAY, Docx, w

from cswb_desktop.core import measures
from cswb_desktop.export import export_progress_report
from cswb_desktop.export.charts import trend_alt_text, trend_chart_png
from cswb_desktop.export.content import long_date
from cswb_desktop.export.progress_report import default_period

SECTIONS = ["About this report", "Indicators", "Strategies", "Actions", "Progress updates"]


def test_sections_in_order(progress_docx):
    assert [t for level, t in progress_docx.headings() if level == 1] == SECTIONS


def test_period_and_rule_are_stated(progress_docx):
    start, end = default_period(TODAY)
    text = progress_docx.all_text()
    assert f"Reporting period: {long_date(start)} to {long_date(end)}" in text
    assert measures.STATUS_RULE in text
    assert end == TODAY and (end - start).days in (364, 365)


def test_every_indicator_has_baseline_latest_target_and_status(progress_docx, demo_plan):
    tables = [t for t in progress_docx.tables()
              if progress_docx.table_header(t) == ["Indicator", "Baseline", "Latest", "Target", "Status"]]
    assert len(tables) == 1
    text = Docx.text(tables[0])
    for indicator in demo_plan.indicators.list():
        assert indicator.name in text
        status = measures.indicator_status(indicator, demo_plan.measurements.list(
            indicator_id=indicator.id), TODAY)
        assert measures.STATUS_LABELS[status] in text
    assert "On track" in text and "Off track" in text


def test_trend_charts_have_alt_text(progress_docx, demo_plan):
    charts = [d for d in progress_docx.body.iter(f"{{{NS['wp']}}}docPr")
              if d.get("name", "").startswith("Trend chart")]
    quantitative = [i for i in demo_plan.indicators.list() if i.measure_type == "quantitative"]
    assert len(charts) == len(quantitative)
    for chart in charts:
        descr = chart.get("descr")
        assert descr.startswith("Trend chart for") and "Status:" in descr


def test_actions_completed_and_overdue(progress_docx, demo_plan):
    headings = [t for level, t in progress_docx.headings() if level == 2]
    assert "Completed in the period" in headings and "Overdue" in headings
    text = progress_docx.all_text()
    overdue = [a for a in demo_plan.actions.list()
               if a.status not in ("done", "cancelled") and a.due_on and a.due_on < TODAY.isoformat()]
    assert overdue
    for action in overdue:
        assert action.title in text


def test_updates_in_the_words_people_wrote(progress_docx, demo_plan):
    text = progress_docx.all_text()
    start, _end = default_period(TODAY)
    recent = [u for u in demo_plan.progress_updates.list()
              if start.isoformat() <= u.reported_on <= TODAY.isoformat()]
    assert recent
    for update in recent:
        assert update.note in text
    quotes = [p for p in progress_docx.body.iter(w("p")) if progress_docx.style_of(p) == "Quote"]
    assert len(quotes) >= len(recent)


def test_strategy_status_table(progress_docx, demo_plan):
    tables = [t for t in progress_docx.tables()
              if progress_docx.table_header(t)[:2] == ["No.", "Strategy"]]
    assert len(tables) == 1
    assert len(tables[0].findall(w("tr"))) == demo_plan.strategies.count() + 1


def test_a_chosen_period_is_used(demo_plan, tmp_path):
    target = tmp_path / "period.docx"
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    export_progress_report(demo_plan, target, period_start=start, period_end=end, today=TODAY)
    text = Docx(target).all_text()
    assert "Reporting period: 1 January 2024 to 31 December 2024" in text


def test_chart_is_a_png_and_none_without_data(demo_plan):
    indicator = next(i for i in demo_plan.indicators.list() if i.measure_type == "quantitative"
                     and demo_plan.measurements.count(indicator_id=i.id) >= 2)
    ms = demo_plan.measurements.list(indicator_id=indicator.id)
    png = trend_chart_png(indicator, ms)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    alt = trend_alt_text(indicator, ms, "On track")
    assert indicator.name in alt and "Baseline" in alt and "Target" in alt
    bare = indicator.__class__(id="x", outcome_id="o", name="Empty")
    assert trend_chart_png(bare, []) is None


def test_chart_is_legible_without_colour(demo_plan):
    """Every pixel is grey (black, white or a shade): shapes and line styles carry the meaning."""
    from PySide6.QtGui import QImage

    indicator = next(i for i in demo_plan.indicators.list() if i.measure_type == "quantitative"
                     and demo_plan.measurements.count(indicator_id=i.id) >= 2)
    png = trend_chart_png(indicator, demo_plan.measurements.list(indicator_id=indicator.id))
    image = QImage.fromData(png)
    assert not image.isNull()
    for x in range(0, image.width(), 37):
        for y in range(0, image.height(), 23):
            c = image.pixelColor(x, y)
            assert c.red() == c.green() == c.blue()
