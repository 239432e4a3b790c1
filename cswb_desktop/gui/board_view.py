"""The interactive target board: hover, click, drag between rings, keyboard, accessible names.

The board draws with board/painter.py (the same painter as the PNG and SVG export) and knows
nothing of pages or of the plan file: it shows a ``BoardContent`` and says what the person did
through signals — ``strategy_activated(id)`` on a click or Enter, ``move_requested(id, area)``
when a marker is dropped on another ring (or moved with Ctrl+arrow). The step page turns those
into a jump to the strategies step and an undoable change.

Keyboard: the board takes focus with Tab. Right/Left go to the next/previous item — a cell,
then each of its markers (and each strategy behind a "+N" badge), cell by cell clockwise from
the outer ring inwards; Up/Down go to the cell one ring outwards/inwards; Page Up/Page Down to
the neighbouring wedge; Home/End to the first/last item; Enter or Space opens the focused
strategy; Ctrl+Up/Ctrl+Down move it one ring outwards/inwards; Delete does nothing to the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QMenu, QSizePolicy, QToolTip, QWidget

from ..board.geometry import RING_COUNT, Direction, MarkerPlace
from ..board.model import BoardContent, ring_area
from ..board.painter import (
    BoardLayout, BoardStyle, legend_height, paint_board, paint_legend, paint_marker,
)


@dataclass(frozen=True)
class BoardItem:
    """One stop of the keyboard: a cell, a marker, or a strategy hidden behind a badge."""

    kind: str  # "cell", "marker" or "hidden"
    cell: tuple[int, int]
    key: Hashable = None  # the marker's key; for "hidden", the badge's key
    strategy_id: str | None = None  # for markers and hidden strategies


class TargetBoardView(QWidget):
    strategy_activated = Signal(str)  # a marker was clicked, or Enter pressed on it
    move_requested = Signal(str, str)  # strategy id, area code: dropped on another ring
    message = Signal(str)  # a sentence for the status bar
    current_changed = Signal(str)  # the accessible name of the focused item

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumSize(320, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._content: BoardContent | None = None
        self._layout: BoardLayout | None = None
        self._style: BoardStyle | None = None
        self._items: list[BoardItem] = []
        self._places: dict[Hashable, MarkerPlace] = {}
        self._current: BoardItem | None = None
        self._selected: str | None = None
        self._press: tuple[MarkerPlace, QPointF] | None = None
        self._drag_pos: QPointF | None = None
        self._hover: MarkerPlace | None = None
        self._set_accessible(None)

    # --- content ------------------------------------------------------------------------------

    def set_content(self, content: BoardContent) -> None:
        """Show ``content``; the layout is kept when the board would look the same."""
        self._content = content
        if self._layout is not None and self._layout.matches(
                content, self.width(), self.height(), self.board_style()):
            self._layout.content = content  # the same picture, fresher words
        else:
            self._layout = None
        if self._selected and self._selected not in content.strategies:
            self._selected = None
        if self.board_layout() is not None:
            self._rebuild_items()
        self.update()

    def content(self) -> BoardContent | None:
        return self._content

    def board_style(self) -> BoardStyle:
        if self._style is None:
            self._style = BoardStyle.from_palette(self.palette(), self.font())
        return self._style

    def board_layout(self) -> BoardLayout | None:
        """The layout for the current size (built when needed); None without content."""
        if self._content is None or self.width() <= 0 or self.height() <= 0:
            return None
        if self._layout is None or not self._layout.matches(
                self._content, self.width(), self.height(), self.board_style()):
            self._layout = BoardLayout(self._content, self.width(), self.height(),
                                       self.board_style())
            self._rebuild_items()
        return self._layout

    def _rebuild_items(self) -> None:
        layout, content = self._layout, self._content
        if content is None or layout is None:
            self._items, self._places = [], {}
            return
        items: list[BoardItem] = []
        places: dict[Hashable, MarkerPlace] = {}
        for wedge in range(content.wedges):
            for ring in range(RING_COUNT):
                items.append(BoardItem("cell", (wedge, ring)))
                markers = layout.markers.cells.get((wedge, ring))
                if markers is None:
                    continue
                for place in markers.places:
                    places[place.key] = place
                    if place.is_overflow:
                        for hidden in place.hidden_keys:
                            items.append(BoardItem("hidden", (wedge, ring), place.key, hidden[0]))
                    else:
                        items.append(BoardItem("marker", (wedge, ring), place.key, place.key[0]))
        self._items, self._places = items, places
        current = self._current
        if current is not None and current not in items:
            # Follow the same strategy in the same wedge (it may have moved ring), else the cell.
            found = None
            if current.strategy_id:
                found = next((i for i in items if i.strategy_id == current.strategy_id
                              and i.cell[0] == current.cell[0]), None)
            if found is None:
                found = next((i for i in items if i.kind == "cell" and i.cell == current.cell), None)
            self._current = found
        self._set_accessible(self._current)

    # --- selection and focus ------------------------------------------------------------------

    def selected_strategy(self) -> str | None:
        return self._selected

    def select_strategy(self, strategy_id: str | None, *, focus: bool = True) -> None:
        """Ring every marker of the strategy and, with ``focus``, make its first marker current."""
        self._selected = strategy_id
        if focus and strategy_id:
            self.board_layout()
            item = next((i for i in self._items if i.strategy_id == strategy_id), None)
            if item is not None:
                self._set_current(item)
        self.update()

    def current_item(self) -> BoardItem | None:
        return self._current

    def items(self) -> list[BoardItem]:
        self.board_layout()
        return list(self._items)

    def focus_cell(self, wedge: int, ring: int) -> None:
        self.board_layout()
        item = next((i for i in self._items if i.kind == "cell" and i.cell == (wedge, ring)), None)
        if item is not None:
            self._set_current(item)

    def _set_current(self, item: BoardItem | None) -> None:
        if item == self._current:
            return
        self._current = item
        self._set_accessible(item)  # Qt tells assistive technology the name changed
        if self.hasFocus() and QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Focus))
        self.current_changed.emit(self.accessibleName())
        self.update()

    def item_name(self, item: BoardItem) -> str:
        content = self._content
        assert content is not None
        if item.kind == "cell":
            return content.cell_name(*item.cell)
        if item.kind == "hidden":
            return self.tr("%s (behind the “+N” badge)") % content.marker_name(
                item.strategy_id, item.cell[0])
        return content.marker_name(item.strategy_id, item.cell[0])

    def accessible_names(self) -> list[str]:
        """The name of every cell and marker, in keyboard order (what a screen reader hears)."""
        self.board_layout()
        return [self.item_name(item) for item in self._items]

    def _set_accessible(self, item: BoardItem | None) -> None:
        if item is None or self._content is None:
            self.setAccessibleName(self.tr("Target board"))
        else:
            self.setAccessibleName(self.item_name(item))
        summary = self._content.summary() if self._content is not None else ""
        help_text = self.tr(
            "Target board. Right and Left arrows go through the cells and their strategies; Up "
            "and Down change ring; Page Up and Page Down change wedge; Enter opens the strategy; "
            "Ctrl+Up and Ctrl+Down move it to the next ring out or in.")
        self.setAccessibleDescription(f"{help_text} {summary}".strip())

    def _focused_target(self):
        item = self._current
        if item is None or not self.hasFocus():
            return None
        if item.kind == "cell":
            return item.cell
        return self._places.get(item.key)

    # --- painting -----------------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):
            self._style = None
            self._layout = None
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        style = self.board_style()
        rect = QRectF(0, 0, self.width(), self.height())
        if self._content is None:
            painter.fillRect(rect, style.paper)
            return
        layout = self.board_layout()
        paint_board(painter, rect, self._content, layout, style=style,
                    selected=self._selected, focused=self._focused_target())
        if self._drag_pos is not None and self._press is not None:
            self._paint_drag(painter, layout, style)
        painter.end()

    def _paint_drag(self, painter: QPainter, layout: BoardLayout, style: BoardStyle) -> None:
        place, _ = self._press
        strategy = self._content.strategies[place.key[0]]
        target = layout.cell_at(self._drag_pos.x(), self._drag_pos.y())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if target is not None:
            ring_path = layout.cell_paths.get((place.key[1], target.ring))
            if ring_path is not None:
                fill = QColor(style.highlight)
                fill.setAlphaF(0.25)
                painter.setPen(QPen(style.highlight, 3))
                painter.setBrush(fill)
                painter.drawPath(ring_path)
        painter.setOpacity(0.85)
        paint_marker(painter, self._drag_pos, place.radius, strategy.kind, strategy.status,
                     str(strategy.number), style)
        painter.setOpacity(1.0)

    # --- questions ----------------------------------------------------------------------------

    def place_at(self, pos: QPointF) -> MarkerPlace | None:
        layout = self.board_layout()
        if layout is None:
            return None
        return layout.marker_at(pos.x(), pos.y(), slop=2.0)

    def marker_positions(self, strategy_id: str) -> list[QPointF]:
        """Where the strategy's markers are drawn (widget coordinates), for tests and tools."""
        layout = self.board_layout()
        if layout is None:
            return []
        return [QPointF(p.center.x, p.center.y) for p in layout.places_of(strategy_id)]

    def tooltip_at(self, pos: QPointF) -> str:
        content = self._content
        layout = self.board_layout()
        if content is None or layout is None:
            return ""
        place = layout.marker_at(pos.x(), pos.y(), slop=2.0)
        if place is not None:
            if place.is_overflow:
                return layout.place_name(place)
            return content.tooltip(place.key[0])
        cell = layout.cell_at(pos.x(), pos.y())
        if cell is not None:
            return content.cell_name(cell.wedge, cell.ring)
        return ""

    # --- mouse --------------------------------------------------------------------------------

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        place = self.place_at(pos)
        if place is None:
            layout = self.board_layout()
            cell = layout.cell_at(pos.x(), pos.y()) if layout is not None else None
            if cell is not None:
                self.focus_cell(cell.wedge, cell.ring)
            return
        item = next((i for i in self._items if i.key == place.key), None)
        if item is not None:
            self._set_current(item)
        if place.is_overflow:
            self._offer_hidden(place, event.globalPosition().toPoint())
            return
        self._press = (place, pos)
        self._drag_pos = None

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            place, start = self._press
            if self._drag_pos is None and \
                    (pos - start).manhattanLength() < QApplication.startDragDistance():
                return
            self._drag_pos = pos
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            layout = self.board_layout()
            cell = layout.cell_at(pos.x(), pos.y()) if layout is not None else None
            strategy = self._content.strategies[place.key[0]]
            if cell is not None and cell.ring != strategy.ring:
                self.message.emit(self.tr("Drop to move %s to %s.") % (
                    strategy.label, self._content.ring_names[cell.ring]))
            self.update()
            return
        place = self.place_at(pos)
        if place is not self._hover:
            self._hover = place
            self.setCursor(Qt.CursorShape.PointingHandCursor if place is not None
                           else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            super().mouseReleaseEvent(event)
            return
        place, _ = self._press
        dragged = self._drag_pos is not None
        self._press = None
        self._drag_pos = None
        self.unsetCursor()
        strategy_id = place.key[0]
        if dragged:
            layout = self.board_layout()
            pos = event.position()
            cell = layout.cell_at(pos.x(), pos.y()) if layout is not None else None
            strategy = self._content.strategies[strategy_id]
            if cell is not None and cell.ring != strategy.ring:
                self.move_requested.emit(strategy_id, ring_area(cell.ring))
            self.update()
            return
        self.select_strategy(strategy_id, focus=False)
        self.strategy_activated.emit(strategy_id)

    def _offer_hidden(self, place: MarkerPlace, global_pos) -> None:
        """A "+N" badge: a menu of the strategies it stands for."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        for key in place.hidden_keys:
            strategy = self._content.strategies[key[0]]
            action = menu.addAction(strategy.label)
            action.triggered.connect(lambda _=False, sid=strategy.id: self._activate(sid))
        menu.popup(global_pos)

    def _activate(self, strategy_id: str) -> None:
        self.select_strategy(strategy_id, focus=False)
        self.strategy_activated.emit(strategy_id)

    # --- keyboard -----------------------------------------------------------------------------

    def focusInEvent(self, event) -> None:  # noqa: N802
        super().focusInEvent(event)
        if self._current is None:
            items = self.items()
            if items:
                self._set_current(items[0])
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.update()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        items = self.items()
        if not items:
            super().keyPressEvent(event)
            return
        current = self._current if self._current in items else None
        index = items.index(current) if current is not None else -1
        K = Qt.Key
        if key in (K.Key_Up, K.Key_Down) and ctrl:
            self._move_by_keyboard(current, outward=key == K.Key_Up)
        elif key == K.Key_Right:
            self._set_current(items[(index + 1) % len(items)])
        elif key == K.Key_Left:
            self._set_current(items[(index - 1) % len(items)] if index >= 0 else items[-1])
        elif key in (K.Key_Up, K.Key_Down, K.Key_PageUp, K.Key_PageDown):
            cell = current.cell if current is not None else items[0].cell
            direction = {K.Key_Up: Direction.OUTWARD, K.Key_Down: Direction.INWARD,
                         K.Key_PageUp: Direction.COUNTERCLOCKWISE,
                         K.Key_PageDown: Direction.CLOCKWISE}[key]
            target = self._layout.geometry.neighbour(cell, direction) if self._layout else None
            if target is not None:
                self.focus_cell(target.wedge, target.ring)
        elif key == K.Key_Home:
            self._set_current(items[0])
        elif key == K.Key_End:
            self._set_current(items[-1])
        elif key in (K.Key_Return, K.Key_Enter, K.Key_Space):
            if current is not None and current.strategy_id:
                self._activate(current.strategy_id)
            elif current is not None:
                # On a cell, Enter steps onto its first marker.
                following = items[index + 1] if index + 1 < len(items) else None
                if following is not None and following.cell == current.cell and following.strategy_id:
                    self._set_current(following)
        elif key in (K.Key_Delete, K.Key_Backspace):
            self.message.emit(self.tr("Nothing is deleted from the board. To remove a strategy, "
                                      "open it in the Strategies step."))
        elif key == K.Key_Escape:
            if self._drag_pos is not None:
                self._press = None
                self._drag_pos = None
                self.unsetCursor()
            self._selected = None
            self.update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _move_by_keyboard(self, item: BoardItem | None, *, outward: bool) -> None:
        if item is None or not item.strategy_id or self._content is None:
            return
        strategy = self._content.strategies[item.strategy_id]
        ring = strategy.ring + (-1 if outward else 1)
        if 0 <= ring < RING_COUNT:
            self.move_requested.emit(strategy.id, ring_area(ring))

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802
        return super().focusNextPrevChild(forward)  # Tab leaves the board, as everywhere else


class BoardLegend(QWidget):
    """The legend, drawn by the same painter as the board (and the exported picture)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(160)
        self.setAccessibleName(self.tr("Legend of the target board"))
        self.setAccessibleDescription(self.tr(
            "Shape shows the kind: circle existing, square enhanced, triangle new. Fill shows the "
            "status: outline only planned, lower half filled underway, solid completed, hatched "
            "on hold. A hatched cell is a gap. A “+N” badge stands for strategies the cell has no "
            "room for."))

    def _text_px(self) -> float:
        font = self.font()
        return float(font.pixelSize()) if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return int(legend_height(max(width, 1), self._text_px(),
                                 style=BoardStyle.from_palette(self.palette(), self.font()),
                                 translate=QCoreApplication.translate)) + 4

    def sizeHint(self):  # noqa: N802
        return QSize(260, self.heightForWidth(260))

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        style = BoardStyle.from_palette(self.palette(), self.font())
        paint_legend(painter, QRectF(0, 2, self.width(), self.height() - 2), self._text_px(),
                     style=style, translate=QCoreApplication.translate)
        painter.end()


__all__ = ["TargetBoardView", "BoardLegend", "BoardItem"]
