"""The target board step as a person uses it: hover, click, drag, keyboard, filters, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from cswb_desktop.board.model import area_ring
from cswb_desktop.core import planfile, sample
from cswb_desktop.gui.board_view import TargetBoardView
from cswb_desktop.gui.document import PlanDocument
from cswb_desktop.gui.steps.target_board import Page


@pytest.fixture
def doc(qtbot):
    session = planfile.new_plan(community=sample.DEMO_COMMUNITY, community_type="joint",
                                title=sample.DEMO_TITLE, fill=sample.build_demo)
    document = PlanDocument(session)
    yield document
    document.detach()
    session.close(discard=True)


@pytest.fixture
def page(qtbot, doc):
    p = Page(doc)
    qtbot.addWidget(p)
    p.resize(1200, 820)
    p.show()
    qtbot.waitExposed(p)
    p.ensure_fresh()
    return p


def strategy(doc, number: int):
    return next(s for s in doc.plan.strategies.list() if s.number == number)


def point(board: TargetBoardView, strategy_id: str, which: int = 0) -> QPoint:
    return board.marker_positions(strategy_id)[which].toPoint()


def ring_point(board: TargetBoardView, wedge: int, ring: int) -> QPoint:
    """A point inside the cell that no marker covers."""
    layout = board.board_layout()
    cell = layout.geometry.cell(wedge, ring)
    for fr in (0.5, 0.3, 0.7, 0.15, 0.85):
        for fa in (0.5, 0.3, 0.7, 0.15, 0.85):
            from cswb_desktop.board.geometry import point_at

            r = cell.inner_radius + fr * (cell.outer_radius - cell.inner_radius)
            p = point_at(cell.center, r, cell.start_angle + fa * cell.sweep)
            if layout.marker_at(p.x, p.y, 4) is None and cell.contains(p):
                return QPoint(round(p.x), round(p.y))
    raise AssertionError("no free point in the cell")


# --- hover ----------------------------------------------------------------------------------

def test_hovering_a_marker_shows_title_lead_status_and_risks(qtbot, page, doc):
    board = page.board
    s = strategy(doc, 1)
    pos = point(board, s.id)
    text = board.tooltip_at(QPointF(pos))
    lead = doc.plan.partners.get(s.lead_partner_id).organisation
    assert s.title in text and lead in text and "Underway" in text
    assert "Shortage of safe, affordable housing" in text
    shown = []
    original = QToolTip.showText
    try:
        QToolTip.showText = staticmethod(lambda pos, text, *a, **k: shown.append(text))
        event = QHelpEvent(QEvent.Type.ToolTip, pos, board.mapToGlobal(pos))
        QApplication.sendEvent(board, event)
    finally:
        QToolTip.showText = original
    assert shown == [text]


def test_hovering_an_empty_cell_names_the_gap(page):
    board = page.board
    gap = page.content.gaps[0]
    text = board.tooltip_at(QPointF(ring_point(board, gap.wedge, gap.ring)))
    assert "a gap" in text


# --- click ----------------------------------------------------------------------------------

def test_clicking_a_marker_selects_it_and_asks_for_the_strategies_step(qtbot, page, doc):
    s = strategy(doc, 5)
    with qtbot.waitSignal(page.board.strategy_activated) as activated, \
            qtbot.waitSignal(page.jump_requested) as jumped:
        qtbot.mouseClick(page.board, Qt.MouseButton.LeftButton, pos=point(page.board, s.id))
    assert activated.args == [s.id]
    assert jumped.args == ["strategies", "strategy", s.id]
    assert page.board.selected_strategy() == s.id


def test_clicking_beside_the_markers_opens_nothing(qtbot, page):
    with qtbot.assertNotEmitted(page.board.strategy_activated):
        qtbot.mouseClick(page.board, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))


# --- drag -----------------------------------------------------------------------------------

def drag(qtbot, board, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(board, Qt.MouseButton.LeftButton, pos=start)
    steps = 6
    for i in range(1, steps + 1):
        p = start + (end - start) * (i / steps)
        qtbot.mouseMove(board, p)
        # mouseMove without a button: send the move with the button held, as a drag does.
        from PySide6.QtGui import QMouseEvent

        event = QMouseEvent(QEvent.Type.MouseMove, QPointF(p), QPointF(board.mapToGlobal(p)),
                            Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(board, event)
    qtbot.mouseRelease(board, Qt.MouseButton.LeftButton, pos=end)


def test_dragging_a_marker_to_another_ring_changes_the_area_once_and_undo_restores_it(
        qtbot, page, doc):
    board = page.board
    s = strategy(doc, 2)  # prevention, serves housing only
    assert s.area == "prevention"
    wedge = page.content.strategies[s.id].risk_ids and next(
        r.wedge for r in page.content.risks if r.id in page.content.strategies[s.id].risk_ids)
    target = ring_point(board, wedge, area_ring("risk_intervention"))
    depth = doc.undo_stack.count()
    with qtbot.assertNotEmitted(board.strategy_activated):
        drag(qtbot, board, point(board, s.id), target)
    assert doc.plan.strategies.get(s.id).area == "risk_intervention"
    assert doc.undo_stack.count() == depth + 1
    assert "Risk intervention" in doc.undo_stack.undoText()
    # The board followed the change: the marker now sits in the risk intervention ring.
    layout = board.board_layout()
    assert all(layout.cell_at(p.x(), p.y()).ring == 2 for p in board.marker_positions(s.id))
    doc.undo_stack.undo()
    assert doc.plan.strategies.get(s.id).area == "prevention"
    layout = board.board_layout()
    assert all(layout.cell_at(p.x(), p.y()).ring == 1 for p in board.marker_positions(s.id))


def test_dropping_in_the_same_ring_or_outside_changes_nothing(qtbot, page, doc):
    board = page.board
    s = strategy(doc, 2)
    depth = doc.undo_stack.count()
    start = point(board, s.id)
    drag(qtbot, board, start, start + QPoint(12, 8))
    drag(qtbot, board, start, QPoint(2, 2))
    assert doc.undo_stack.count() == depth
    assert doc.plan.strategies.get(s.id).area == "prevention"


# --- keyboard -------------------------------------------------------------------------------

def test_keyboard_reaches_every_cell_and_marker_and_names_them(qtbot, page):
    board = page.board
    board.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(board.hasFocus)
    items = board.items()
    names = []
    seen_markers = set()
    qtbot.keyClick(board, Qt.Key.Key_Home)
    for _ in range(len(items)):
        current = board.current_item()
        names.append(board.accessibleName())
        if current.strategy_id:
            seen_markers.add((current.strategy_id, current.cell[0]))
        qtbot.keyClick(board, Qt.Key.Key_Right)
    assert board.current_item() == items[0]  # wrapped around
    expected = {(sid, w) for (w, r), cell in page.content.cells.items() for sid in cell.strategy_ids}
    assert seen_markers == expected
    assert names == board.accessible_names()
    assert any(n.startswith("Prevention × ") for n in names)
    assert any(n.startswith("Strategy 7, ") for n in names)


def test_arrow_up_and_down_change_ring_page_keys_change_wedge(qtbot, page):
    board = page.board
    board.setFocus()
    board.focus_cell(1, 1)
    qtbot.keyClick(board, Qt.Key.Key_Down)
    assert board.current_item().cell == (1, 2)
    qtbot.keyClick(board, Qt.Key.Key_Up)
    qtbot.keyClick(board, Qt.Key.Key_Up)
    assert board.current_item().cell == (1, 0)
    qtbot.keyClick(board, Qt.Key.Key_Up)  # past the rim: stays
    assert board.current_item().cell == (1, 0)
    qtbot.keyClick(board, Qt.Key.Key_PageDown)
    assert board.current_item().cell == (2, 0)
    qtbot.keyClick(board, Qt.Key.Key_PageUp)
    qtbot.keyClick(board, Qt.Key.Key_PageUp)
    assert board.current_item().cell == (0, 0)
    assert board.accessibleName() == page.content.cell_name(0, 0)


def test_enter_opens_the_focused_strategy_and_delete_changes_nothing(qtbot, page, doc):
    board = page.board
    board.setFocus()
    s = strategy(doc, 11)
    board.select_strategy(s.id)
    assert board.current_item().strategy_id == s.id
    before = doc.plan.revision
    with qtbot.waitSignal(board.message):
        qtbot.keyClick(board, Qt.Key.Key_Delete)
    assert doc.plan.revision == before and doc.plan.strategies.find(s.id) is not None
    with qtbot.waitSignal(page.jump_requested) as jumped:
        qtbot.keyClick(board, Qt.Key.Key_Return)
    assert jumped.args == ["strategies", "strategy", s.id]


def test_ctrl_arrows_move_a_strategy_between_rings_with_undo(qtbot, page, doc):
    board = page.board
    board.setFocus()
    s = strategy(doc, 5)  # prevention
    board.select_strategy(s.id)
    qtbot.keyClick(board, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert doc.plan.strategies.get(s.id).area == "social_development"
    assert board.current_item().strategy_id == s.id  # focus stays with the strategy
    qtbot.keyClick(board, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)  # already outermost
    assert doc.plan.strategies.get(s.id).area == "social_development"
    doc.undo_stack.undo()
    assert doc.plan.strategies.get(s.id).area == "prevention"


def test_tab_reaches_the_board_and_leaves_it(qtbot, page):
    page.status_filter.setFocus()
    qtbot.waitUntil(page.status_filter.hasFocus)
    for _ in range(8):
        if page.board.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert page.board.hasFocus()
    assert page.board.current_item() is not None
    qtbot.keyClick(page.board, Qt.Key.Key_Tab)
    assert not page.board.hasFocus()


# --- live updates, filters, page parts ------------------------------------------------------

def test_the_board_repaints_live_when_the_plan_changes(qtbot, page, doc):
    s = strategy(doc, 9)
    doc.update(doc.plan.strategies, s.id, "Change Strategy Status", status="completed")
    assert page.content.strategies[s.id].status == "completed"
    doc.update(doc.plan.strategies, s.id, "Rename Strategy", title="Counselling this week")
    assert any("Counselling this week" in n for n in page.board.accessible_names())


def test_filters_hide_markers_but_not_gaps(qtbot, page, doc):
    gaps = page.gaps.count()
    page.status_filter.setCurrentIndex(page.status_filter.findData("completed"))
    assert set(page.content.visible) == {strategy(doc, 11).id}
    assert page.gaps.count() == gaps
    shown = {i.strategy_id for i in page.board.items() if i.strategy_id}
    assert shown == {strategy(doc, 11).id}
    lead = strategy(doc, 1).lead_partner_id
    page.clear_filters.click()
    page.lead_filter.setCurrentIndex(page.lead_filter.findData(lead))
    assert all(page.content.strategies[sid].lead_partner_id == lead for sid in page.content.visible)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("existing"))
    page.clear_filters.click()
    assert len(page.content.visible) == 12


def test_gaps_balance_and_legend_are_beside_the_board(qtbot, page):
    texts = [page.gaps.item(i).text() for i in range(page.gaps.count())]
    assert "Intimate partner and family violence has nothing in social development." in texts
    assert page.balance_cells[1][0].text() == "Prevention"
    assert page.balance_cells[1][1].text() == "5 (42%)"
    assert page.balance_cells[4][2].text().startswith("$4,587,000")
    assert "outer three" in page.balance_text.text()
    assert page.legend.height() > 40 and page.legend.accessibleDescription()


def test_activating_a_gap_focuses_its_cell(qtbot, page):
    item = page.gaps.item(0)
    page.gaps.itemActivated.emit(item)
    gap = page.content.gaps[0]
    assert page.board.current_item().cell == (gap.wedge, gap.ring)


def test_focus_record_selects_the_strategy(qtbot, page, doc):
    s = strategy(doc, 7)
    page.focus_record("strategy", s.id)
    assert page.board.selected_strategy() == s.id
    assert page.board.current_item().strategy_id == s.id


def test_the_board_resizes_to_any_size_and_keeps_every_marker(qtbot, page):
    board = page.board
    for size in ((1200, 820), (420, 300), (900, 900), (2400, 1500)):
        page.resize(*size)
        QApplication.processEvents()
        board.repaint()
        layout = board.board_layout()
        assert (layout.width, layout.height) == (board.width(), board.height())
        shown = {p.key[0] for p in layout.markers.places if not p.is_overflow}
        hidden = {k[0] for p in layout.markers.places if p.is_overflow for k in p.hidden_keys}
        assert shown | hidden == set(page.content.visible)


def test_dark_palette_gives_light_ink_on_dark_paper(qtbot, page):
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette(page.board.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor(30, 30, 32))
    palette.setColor(QPalette.ColorRole.Text, QColor(235, 235, 235))
    page.board.setPalette(palette)
    style = page.board.board_style()
    assert style.paper.lightness() < 60 and style.ink.lightness() > 200
    assert all(f.lightness() < 128 for f in style.ring_fills)
    image = page.board.grab().toImage()
    assert QColor(image.pixel(2, 2)).lightness() < 60


def test_accessible_name_follows_the_focus(qtbot, page):
    board = page.board
    board.setFocus()
    board.focus_cell(0, 1)
    assert board.accessibleName() == page.content.cell_name(0, 1)
    assert "Target board" in board.accessibleDescription()
    qtbot.keyClick(board, Qt.Key.Key_Right)
    current = board.current_item()
    assert board.accessibleName() == board.item_name(current)
