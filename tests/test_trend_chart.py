"""The trend chart is drawn by one painter: the measurement step's widget and the progress
report's picture are the same drawing of the same model, differing only by the style passed."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QImage

from cswb_desktop.charts import trend_painter
from cswb_desktop.charts.trend_painter import TrendStyle, layout_trend, render_trend_image
from cswb_desktop.core.records import Indicator, Measurement
from cswb_desktop.core.trend import shape_trend
from cswb_desktop.export.charts import trend_alt_text, trend_caption, trend_chart_png
from cswb_desktop.gui import trend_chart
from cswb_desktop.gui.trend_chart import TrendChart


def indicator(**values) -> Indicator:
    return Indicator(id="i", outcome_id="o", name="Students eating breakfast", unit="%", **values)


def m(n: int, day: str, value: float) -> Measurement:
    return Measurement(id=f"m{n}", indicator_id="i", measured_on=day, value=value)


MEASURED = [m(1, "2025-07-01", 50.0), m(2, "2026-01-01", 45.0)]
FULL = dict(baseline_value=40, baseline_on="2025-01-01", target_value=80, target_on="2027-01-01")


def test_the_widget_draws_exactly_the_picture_of_the_report(qtbot, monkeypatch):
    """Given the same style, the widget on screen and the exported image are pixel for pixel
    the same: there is one drawing, not two."""
    trend = shape_trend(indicator(**FULL), MEASURED)
    style = TrendStyle.for_print(13)
    widget = TrendChart()
    qtbot.addWidget(widget)
    widget.resize(420, 200)
    widget.set_data(trend, "", "Students eating breakfast")
    monkeypatch.setattr(widget, "chart_style", lambda: style)
    on_screen = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    exported = render_trend_image(trend, 420, 200, style).convertToFormat(QImage.Format.Format_RGB32)
    assert on_screen.size() == exported.size()
    assert on_screen == exported
    # and the two differ from a blank page: something was drawn
    blank = QImage(420, 200, QImage.Format.Format_RGB32)
    blank.fill(style.paper)
    assert exported != blank


def test_the_measurement_step_and_the_report_draw_the_same_model(qtbot, monkeypatch, tmp_path):
    """For every quantitative indicator of the demo plan, the model on screen is the model the
    progress report hands to the same painter function."""
    from cswb_desktop.export import export_progress_report
    from cswb_desktop.gui.main_window import MainWindow

    assert trend_chart.paint_trend is trend_painter.paint_trend
    painted = []
    original = trend_painter.paint_trend

    def recording(painter, rect, trend, style, **kwargs):
        painted.append(trend)
        return original(painter, rect, trend, style, **kwargs)

    monkeypatch.setattr(trend_painter, "paint_trend", recording)
    window = MainWindow()
    qtbot.addWidget(window)
    window.ask_unsaved = lambda: "discard"
    window.open_demo()
    plan = window.session.plan
    later = datetime.date.today() + datetime.timedelta(days=3650)  # a period holding every value
    export_progress_report(plan, tmp_path / "progress.docx", today=later)
    reported = {t.name: t for t in painted}
    window.view.show_step("measurement")
    page = window.view.pages["measurement"]
    quantitative = [i for i in plan.indicators.list() if i.measure_type == "quantitative"]
    assert quantitative and set(reported) == {i.name for i in quantitative}
    for ind in quantitative:
        page.select(ind.id)
        assert page.chart.data == reported[ind.name], ind.name
    assert sum(len(t.actuals) for t in reported.values()) >= 20  # not a comparison of empty charts
    window.close_plan()


def test_an_undated_baseline_or_target_is_described_as_it_is_drawn():
    """The report no longer puts an undated baseline at the first measurement's date, nor draws
    (or names) a straight-line path the status is not judged by."""
    ind = indicator(baseline_value=40, target_value=80, target_on="2027-01-01")
    alt = trend_alt_text(ind, MEASURED, "On track")
    assert "Baseline 40 % with no date recorded." in alt
    assert "1 July 2025." not in alt.split("Measured")[0]
    caption = trend_caption(ind, MEASURED)
    assert "straight-line path" not in caption and "baseline (no date recorded)" in caption
    undated_target = indicator(baseline_value=40, baseline_on="2025-01-01", target_value=80)
    assert "Target 80 % with no date set." in trend_alt_text(undated_target, MEASURED, "On track")
    assert "dashed line = target (no date set)" in trend_caption(undated_target, MEASURED)
    full = indicator(**FULL)
    assert "dotted line = straight-line path to the target" in trend_caption(full, MEASURED)
    assert "dotted straight line" in trend_alt_text(full, MEASURED, "On track")


def test_the_screen_and_the_report_agree_on_what_can_be_charted(qtbot):
    """A dated target alone is charted in both; nothing dated is charted in neither."""
    widget = TrendChart()
    qtbot.addWidget(widget)
    target_only = indicator(target_value=80, target_on="2027-01-01")
    widget.set_data(shape_trend(target_only, []))
    assert widget.geometry_in(QRectF(0, 0, 400, 200)) is not None
    assert trend_chart_png(target_only, []) is not None
    undated = indicator(baseline_value=40, target_value=80)
    widget.set_data(shape_trend(undated, []), "Add a date.")
    assert widget.geometry_in(QRectF(0, 0, 400, 200)) is None
    assert widget.accessibleDescription() == "Add a date."
    assert trend_chart_png(undated, []) is None


@pytest.mark.parametrize("values, measured", [
    (FULL, MEASURED),
    (dict(baseline_value=0, baseline_on="2024-09-25", target_value=24, target_on="2029-04-30"),
     [m(1, "2025-09-30", 0.0), m(2, "2026-10-05", 18.0)]),
    (dict(baseline_value=212, baseline_on="2024-09-25", target_value=150, target_on="2029-04-30",
          direction="decrease"), [m(1, "2025-03-24", 225.0), m(2, "2026-03-29", 231.0)]),
    (dict(), [m(1, "2025-07-01", 12.0)]),
])
@pytest.mark.parametrize("size", [(240, 140), (420, 170), (1100, 420)])
def test_markers_clear_the_axes_and_the_target_words_cover_no_line(qapp, values, measured, size):
    trend = shape_trend(indicator(**values), measured)
    style = TrendStyle.for_print(max(12.0, size[1] / 17)) if size[0] > 1000 else \
        TrendStyle.from_palette(qapp.palette(), qapp.font())
    g = layout_trend(trend, QRectF(0, 0, *size), style)
    frame = g.frame
    points = g.actuals + [p for p in (g.baseline, g.target) if p is not None]
    for point in points:  # a whole marker inside the axes' box, never cut by an axis line
        assert frame.left() + g.marker <= point.x() <= frame.right() - g.marker
        assert frame.top() + g.marker <= point.y() <= frame.bottom() - g.marker
    if len(trend.actuals) == 1 and trend.baseline is None:
        assert g.actuals[0].x() == pytest.approx(g.plot.center().x(), abs=1)  # a lone value is centred
    if g.target_label is not None and g.path is not None and size[0] >= 420:
        from PySide6.QtGui import QPainterPath, QPainterPathStroker

        line = QPainterPath(g.path[0])
        line.lineTo(g.path[1])
        assert not QPainterPathStroker().createStroke(line).intersects(g.target_label)
    if trend.target is not None:  # the target's words are on the chart: along its line or in the legend
        assert g.target_label is not None or any(item.text.startswith("Target 80") or
                                                 item.text.startswith("Target 24") or
                                                 item.text.startswith("Target 150") for item in g.legend)
        if g.target_label is not None:
            for point in points:
                assert not g.target_label.contains(point)
    labelled = [y for (_v, y), label in zip(g.y_ticks, g.y_labels) if label]
    assert all(a - b >= QFontMetricsF(style.font).height() for a, b in zip(labelled, labelled[1:]))
    for box in g.x_label_rects:  # date labels stay inside the picture
        if box is not None:
            assert 0 <= box.left() and box.right() <= size[0]


def test_the_report_picture_is_grey_at_200_dpi():
    png = trend_chart_png(indicator(**FULL), MEASURED)
    image = QImage.fromData(png)
    assert image.format() == QImage.Format.Format_Grayscale8
    assert image.dotsPerMeterX() == round(200 / 0.0254)
    assert (image.width(), image.height()) == (1100, 420)
    # painted straight into grey, it is the same picture as painted in colour and converted
    colour = render_trend_image(shape_trend(indicator(**FULL), MEASURED), 1100, 420)
    converted = colour.convertToFormat(QImage.Format.Format_Grayscale8)
    worst = max(abs(image.pixelColor(x, y).red() - converted.pixelColor(x, y).red())
                for x in range(0, 1100, 7) for y in range(0, 420, 5))
    assert worst <= 24


def test_the_painter_needs_no_widgets():
    code = ("import sys, cswb_desktop.charts.trend_painter, cswb_desktop.export.charts; "
            "print('PySide6.QtWidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
