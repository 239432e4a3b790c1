"""The open plan: the step navigator, the selected step's page, and the guidance panel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget, QTextBrowser, QVBoxLayout,
    QWidget,
)

from ..core import framework
from ..core.progress import step_states
from ..core.summary import step_counts
from .document import PlanDocument
from .guidance import guidance_html
from .navigator import StepNavigator
from .widgets import StepPage, page_heading


class GuidancePanel(QFrame):
    """What the step is for, what the law asks, tips. Collapsible from the View menu or its button."""

    hide_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("guidancePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        title = QLabel(self.tr("Guidance"))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        top.addWidget(title)
        top.addStretch(1)
        self.hide_button = QPushButton(self.tr("Hide"))
        self.hide_button.setAccessibleName(self.tr("Hide the guidance panel"))
        self.hide_button.clicked.connect(self.hide_requested)
        top.addWidget(self.hide_button)
        layout.addLayout(top)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setAccessibleName(self.tr("Guidance for this step"))
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.text, 1)
        self.setMinimumWidth(220)

    def show_step(self, code: str) -> None:
        self.text.setHtml(guidance_html(code))


class StepSummaryPage(StepPage):
    """A step's state and what is still to do, for steps whose own page shows no editor."""

    def __init__(self, doc: PlanDocument, code: str, parent=None):
        self.step_code = code
        super().__init__(doc, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_heading(self.tr(framework.STEPS_BY_CODE[code].title)))
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        layout.addStretch(1)

    def refresh(self) -> None:
        st = step_states(self.plan)[self.step_code]
        count = next(c for c in step_counts(self.plan) if c.step == self.step_code)
        text = f"{self.tr(st.label)} · {self.tr(count.text)}"
        if st.hint:
            text += "\n" + self.tr("Still to do: %s.") % self.tr(st.hint)
        self.state_label.setText(text)


def page_factories() -> dict:
    """The pages of the steps, by step code. Imported late so that a page's module is loaded only
    when the plan view is built."""
    from . import steps

    return steps.PAGES


class PlanView(QWidget):
    """Navigator | page | guidance. Pages are made when first shown, so a large plan opens fast."""

    status_message = Signal(str)
    step_changed = Signal(str)

    def __init__(self, doc: PlanDocument, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.pages: dict[str, StepPage] = {}
        self._factories = page_factories()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setObjectName("planHeader")
        self.header.setWordWrap(True)
        self.header.setContentsMargins(12, 6, 12, 6)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        layout.addWidget(self.header)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.navigator = StepNavigator()
        self.stack = QStackedWidget()
        self.guidance = GuidancePanel()
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.guidance)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([230, 700, 280])  # until shown; see showEvent
        self._sized = False
        layout.addWidget(self.splitter, 1)
        self.navigator.step_selected.connect(self.show_step)
        self.guidance.hide_requested.connect(lambda: self.set_guidance_visible(False))
        doc.changed.connect(self._plan_changed)
        self.refresh_states()
        self.navigator.select_step(framework.STEP_CODES[0])

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not self._sized and self.splitter.width() > 0:
            # Side panels in step with the text size, leaving the page at least half the width.
            self._sized = True
            char = max(self.fontMetrics().averageCharWidth(), 1)
            width = self.splitter.width()
            navigator = min(char * 33, int(width * 0.2))
            guidance = min(char * 40, int(width * 0.22))
            self.splitter.setSizes([navigator, width - navigator - guidance, guidance])

    def page(self, code: str) -> StepPage:
        if code not in self.pages:
            factory = self._factories.get(code)
            page = factory(self.doc) if factory else StepSummaryPage(self.doc, code)
            page.status_message.connect(self.status_message)
            if hasattr(page, "jump_requested"):
                page.jump_requested.connect(self.go_to)
            self.pages[code] = page
            self.stack.addWidget(page)
        return self.pages[code]

    def show_step(self, code: str) -> None:
        if self.stack.currentWidget() is not self.pages.get(code):
            # What is typed on the page being left goes into the plan first; a text the plan cannot
            # take stays in its field, pending and said so, and the window counts it as unsaved.
            refused = self.doc.commit_pending()
            if refused:
                self.status_message.emit(refused)
        page = self.page(code)
        self.stack.setCurrentWidget(page)
        page.ensure_fresh()
        self.guidance.show_step(code)
        if self.navigator.current_step() != code:
            self.navigator.select_step(code)
        self.step_changed.emit(code)

    def current_step(self) -> str:
        return self.navigator.current_step()

    def go_to(self, code: str, table: str | None = None, record_id: str | None = None) -> None:
        self.show_step(code)
        self.pages[code].focus_record(table, record_id)

    def next_step(self, delta: int) -> None:
        codes = framework.STEP_CODES
        index = (codes.index(self.current_step()) + delta) % len(codes)
        self.show_step(codes[index])

    def set_guidance_visible(self, visible: bool) -> None:
        self.guidance.setVisible(visible)

    def refresh_states(self) -> None:
        profile = self.doc.plan.profile()
        kind = self.tr(framework.COMMUNITY_TYPES.get(profile.community_type, profile.community_type))
        self.header.setText(f"{profile.title} — {profile.community} · {kind}")
        self.navigator.set_states(step_states(self.doc.plan), step_counts(self.doc.plan))

    def _plan_changed(self, _change) -> None:
        self.refresh_states()
