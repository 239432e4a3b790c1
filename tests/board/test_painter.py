"""The board's painter and its exports: PNG size and content, black-and-white legibility, SVG."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from cswb_desktop.board.geometry import Rect
from cswb_desktop.board.model import board_content
from cswb_desktop.board.painter import (
    BoardLayout, BoardStyle, board_alt_text, legend_height, paint_board,
    paint_legend, paint_marker, render_board_png, render_board_svg,
)
from cswb_desktop.core.sample import new_demo_plan_in_memory

REPO = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def application(qapp):
    """pytest-qt's QApplication, made before any painting: a QGuiApplication made by the export
    functions here would stop later tests from building widgets."""
    return qapp


@pytest.fixture(scope="module")
def demo():
    return new_demo_plan_in_memory()


@pytest.fixture(scope="module")
def png(demo, qapp) -> QImage:
    image = QImage()
    assert image.loadFromData(render_board_png(demo), "PNG")
    return image


def dark_share(image: QImage, rect: QRectF | None = None, level: int = 100) -> float:
    """Share of pixels darker than ``level`` (0–255) in ``rect`` (sampled every 2 pixels)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    r = (rect or QRectF(0, 0, image.width(), image.height())).toRect()
    dark = total = 0
    for y in range(max(r.top(), 0), min(r.bottom(), image.height() - 1), 2):
        line = grey.constScanLine(y).tobytes() if hasattr(grey.constScanLine(y), "tobytes") \
            else bytes(grey.constScanLine(y))
        for x in range(max(r.left(), 0), min(r.right(), image.width() - 1), 2):
            total += 1
            dark += line[x] < level
    return dark / max(total, 1)


# --- PNG ------------------------------------------------------------------------------------

def test_png_is_16_cm_at_300_dpi_and_not_blank(png):
    assert png.width() == round(16 / 2.54 * 300) == 1890
    assert 0.5 * png.width() < png.height() < 1.2 * png.width()
    assert abs(png.dotsPerMeterX() - 300 / 0.0254) < 2
    share = dark_share(png)
    assert 0.02 < share < 0.4, share
    # White paper around the drawing.
    assert QColor(png.pixel(2, 2)) == QColor(255, 255, 255)


def test_png_size_follows_width_and_resolution(demo):
    image = QImage()
    assert image.loadFromData(render_board_png(demo, width_cm=8.0, dpi=150), "PNG")
    assert image.width() == round(8 / 2.54 * 150)


def test_png_is_black_and_white_safe(png):
    """Nothing relies on colour: the picture has no hue at all, so a grey print loses nothing."""
    rgb = png.convertToFormat(QImage.Format.Format_RGB32)
    for y in range(0, rgb.height(), 7):
        for x in range(0, rgb.width(), 7):
            c = QColor(rgb.pixel(x, y))
            assert max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) <= 2


def test_png_has_the_legend_under_the_board(png, demo):
    content = board_content(demo)
    layout = BoardLayout(content, png.width(), round(png.width() / 1.3), BoardStyle.for_print())
    used = layout.drawn_bounds()
    legend = QRectF(0, png.height() - legend_height(png.width() * 0.92, layout.text_px),
                    png.width(), legend_height(png.width() * 0.92, layout.text_px))
    assert legend.top() > used.height() * 0.8
    assert dark_share(png, legend) > 0.01  # text and symbols


def test_marker_shapes_and_fills_still_differ_in_grey():
    """Kinds differ by shape and statuses by how much ink they hold, with no colour at all."""
    style = BoardStyle.for_print()

    def marker(kind: str, status: str) -> QImage:
        image = QImage(80, 80, QImage.Format.Format_Grayscale8)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        paint_marker(painter, QPointF(40, 40), 30, kind, status, "", style)
        painter.end()
        return image

    shapes = {kind: marker(kind, "completed") for kind in ("existing", "enhanced", "new")}
    masks = {kind: bytes(img.constBits()) for kind, img in shapes.items()}
    assert len(set(masks.values())) == 3
    ink = {status: dark_share(marker("existing", status), level=128)
           for status in ("planned", "on_hold", "underway", "completed")}
    assert ink["planned"] < ink["on_hold"] < ink["underway"] < ink["completed"], ink


def test_png_with_filters(demo):
    everything = QImage.fromData(render_board_png(demo, width_cm=8, dpi=150), "PNG")
    completed = QImage.fromData(render_board_png(demo, width_cm=8, dpi=150, statuses="completed"),
                                "PNG")
    assert dark_share(completed) < dark_share(everything)
    with pytest.raises(ValueError):
        render_board_png(demo, statuses="forgotten")


def test_export_works_without_an_application_or_a_display(tmp_path):
    """A script (or the Word export in a worker) calls the function cold: no QApplication, no
    QT_QPA_PLATFORM chosen."""
    code = (
        "import sys\n"
        "from cswb_desktop.core.sample import new_demo_plan_in_memory\n"
        "from cswb_desktop.board.painter import render_board_png, board_alt_text\n"
        "plan = new_demo_plan_in_memory()\n"
        "data = render_board_png(plan, width_cm=4, dpi=100)\n"
        "assert data[:8] == bytes([137, 80, 78, 71, 13, 10, 26, 10]), data[:8]\n"
        "print(board_alt_text(plan))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                             "WAYLAND_DISPLAY")}
    env["CSWB_DESKTOP_HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Target board of the plan's 4 priority risks" in result.stdout


# --- SVG ------------------------------------------------------------------------------------

def test_svg_parses_and_names_every_risk_and_ring(demo):
    data = render_board_svg(demo)
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert root.get("width").endswith("mm") and abs(float(root.get("width")[:-2]) - 160) < 0.5
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for risk in board_content(demo).risks:
        for word in risk.title.split():
            assert word in words, (word, risk.title)
    for ring in ("Social development", "Prevention", "Risk intervention", "Incident response"):
        for word in ring.split():
            assert word in words
    assert "Shape = kind:" in words  # the legend
    assert root.find(f"{SVG}title").text == "Target board"
    assert root.find(f"{SVG}desc").text == board_alt_text(demo)


def test_svg_width_follows_the_argument(demo):
    root = ET.fromstring(render_board_svg(demo, width_cm=10))
    assert abs(float(root.get("width")[:-2]) - 100) < 0.5


# --- alternative text -----------------------------------------------------------------------

def test_alt_text_gives_counts_and_gaps(demo):
    text = board_alt_text(demo)
    assert "4 priority risks" in text and "12 strategies" in text
    assert "5 in prevention" in text and "Gaps:" in text


# --- the painter itself ---------------------------------------------------------------------

def test_markers_keep_clear_of_the_ring_names_and_inside_the_canvas(demo):
    content = board_content(demo)
    for width, height in ((1890, 1454), (600, 560), (420, 380)):
        layout = BoardLayout(content, width, height)
        names = [p.box for p in layout.ring_labels]
        for place in layout.markers.places:
            box = Rect(place.center.x - place.radius, place.center.y - place.radius,
                       2 * place.radius, 2 * place.radius)
            assert not any(box.intersects(n) for n in names)
            assert 0 <= box.x and box.right <= width and 0 <= box.y and box.bottom <= height
        shown = {p.key[0] for p in layout.markers.places if not p.is_overflow}
        hidden = {k[0] for p in layout.markers.places if p.is_overflow for k in p.hidden_keys}
        assert shown | hidden == set(content.visible)


def test_twelve_long_risk_names_stay_apart_with_real_fonts():
    from tests.benchmarks.bench_board import board_plan

    content = board_content(board_plan(strategies=60))
    layout = BoardLayout(content, 1890, 1454)
    boxes = [p.box for p in layout.wedge_labels]
    assert len(boxes) == 12
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.intersects(b)


def test_screen_and_vector_painting_draw_the_same_board(demo):
    """The widget's fast path (ready-drawn markers) and the export's shapes agree."""
    content = board_content(demo)
    style = BoardStyle.for_print()
    images = []
    for vector in (False, True):
        image = QImage(700, 560, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        paint_board(painter, QRectF(0, 0, 700, 560), content, style=style, vector=vector,
                    selected=next(iter(content.visible)), focused=(0, 1))
        painter.end()
        images.append(image)
    a, b = dark_share(images[0]), dark_share(images[1])
    assert a > 0.02 and abs(a - b) < 0.1 * a


def test_legend_height_grows_when_narrow():
    assert legend_height(300, 13) > legend_height(1200, 13) > 0
    image = QImage(400, int(legend_height(400, 13)) + 4, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    paint_legend(painter, QRectF(0, 0, 400, image.height()), 13)
    painter.end()
    assert dark_share(image) > 0.01
