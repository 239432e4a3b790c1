"""The step navigator: every toolkit step in order, with its state shown by mark and word."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListView

from ..core import framework
from ..core.progress import DONE, IN_PROGRESS, NOT_STARTED, StepState


def state_icon(state: str, size: int = 32, color: QColor | None = None) -> QIcon:
    """Three shapes, not three colours: an empty ring, a half-filled ring, a ring with a tick."""
    color = color or QApplication.palette().color(QPalette.ColorRole.WindowText)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, size / 12)
    p.setPen(pen)
    r = QRectF(size * 0.15, size * 0.15, size * 0.7, size * 0.7)
    p.drawEllipse(r)
    if state == IN_PROGRESS:
        path = QPainterPath()
        path.moveTo(r.center())
        path.arcTo(r, 90, 180)
        path.closeSubpath()
        p.fillPath(path, color)
    elif state == DONE:
        p.setBrush(color)
        p.drawEllipse(r)
        tick = QPen(QApplication.palette().color(QPalette.ColorRole.Base), size / 10)
        tick.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(tick)
        p.drawPolyline([QPointF(size * 0.32, size * 0.52), QPointF(size * 0.45, size * 0.64),
                        QPointF(size * 0.68, size * 0.38)])
    p.end()
    return QIcon(pixmap)


class StepModel(QAbstractListModel):
    StepRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.states: dict[str, StepState] = {}
        self.counts: dict[str, str] = {}
        self._icons: dict[str, QIcon] = {}

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(framework.STEPS)

    def set_states(self, states: dict[str, StepState], counts: list | None = None) -> None:
        self.states = states
        self.counts = {c.step: c.text for c in (counts or [])}
        self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def redraw_icons(self) -> None:
        """The state marks are drawn in the text colour; draw them again when the colours change."""
        self._icons.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        step = framework.STEPS[index.row()]
        st = self.states.get(step.code)
        state = st.state if st else NOT_STARTED
        label = self.tr(st.label) if st else self.tr("Not started")
        title = f"{index.row() + 1}. {self.tr(step.title)}"
        count = self.counts.get(step.code, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{title}\n{label}" + (f" · {self.tr(count)}" if count else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{title}, {label}" + (f", {self.tr(count)}" if count else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = st.hint if st and st.hint else ""
            tool = f" ({step.tool})" if step.tool else ""
            return f"{self.tr(step.title)}{tool}: {label}" + (f" — {self.tr('still to do')}: {hint}" if hint else "")
        if role == Qt.ItemDataRole.DecorationRole:
            if state not in self._icons:
                self._icons[state] = state_icon(state)
            return self._icons[state]
        if role == self.StepRole:
            return step.code
        return None


class StepNavigator(QListView):
    step_selected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model_ = StepModel(self)
        self.setModel(self.model_)
        self.setAccessibleName(self.tr("Steps of the toolkit"))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(QSize(22, 22))
        self.setSpacing(2)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setMinimumWidth(200)
        self.selectionModel().currentChanged.connect(self._changed)

    def _changed(self, current: QModelIndex, _previous) -> None:
        if current.isValid():
            self.step_selected.emit(current.data(StepModel.StepRole))

    def select_step(self, code: str) -> None:
        row = framework.STEP_CODES.index(code)
        self.setCurrentIndex(self.model_.index(row))

    def current_step(self) -> str:
        index = self.currentIndex()
        return index.data(StepModel.StepRole) if index.isValid() else framework.STEP_CODES[0]

    def set_states(self, states: dict[str, StepState], counts: list | None = None) -> None:
        self.model_.set_states(states, counts)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.model_.redraw_icons()
