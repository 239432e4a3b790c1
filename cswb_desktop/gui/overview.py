"""The start page (no plan open) and the overview of an open plan."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
    QScrollArea, QVBoxLayout, QWidget,
)

from ..core import framework
from ..core.plan import Plan
from ..core.summary import step_counts


class StartPage(QWidget):
    """What the window shows with no plan open: the three ways in, and recent plans."""

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 36, 48, 36)
        heading = QLabel(self.tr("Community Safety and Well-Being planning"))
        heading.setObjectName("pageHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        outer.addWidget(heading)
        intro = QLabel(self.tr(
            "Start a plan for your community, open one a partner sent you, or look around the demo "
            "plan first. Everything stays on this computer; nothing needs the internet."))
        intro.setWordWrap(True)
        outer.addWidget(intro)

        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("&New plan…"))
        self.open_button = QPushButton(self.tr("&Open a plan…"))
        self.demo_button = QPushButton(self.tr("Explore the &demo plan"))
        for b in (self.new_button, self.open_button, self.demo_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.demo_button.clicked.connect(self.demo_requested)

        self.recent_label = QLabel(self.tr("Recent plans"))
        self.recent_label.setObjectName("sectionHeading")
        outer.addSpacing(16)
        outer.addWidget(self.recent_label)
        self.recent_list = QListWidget()
        self.recent_list.setAccessibleName(self.tr("Recent plans"))
        self.recent_list.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.recent_label.setBuddy(self.recent_list)
        outer.addWidget(self.recent_list, 1)

    def set_recent(self, recent: list[str]) -> None:
        self.recent_list.clear()
        for path in recent:
            item = QListWidgetItem(f"{Path(path).name}   —   {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent_list.addItem(item)
        has = bool(recent)
        self.recent_label.setVisible(has)
        self.recent_list.setVisible(has)


class OverviewPage(QScrollArea):
    """The open plan at a glance: its title, community and how far each toolkit step has come."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(36, 24, 36, 24)
        self.title_label = QLabel()
        self.title_label.setObjectName("planTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        layout.addWidget(self.title_label)
        self.community_label = QLabel()
        self.community_label.setObjectName("planCommunity")
        self.community_label.setWordWrap(True)
        layout.addWidget(self.community_label)
        layout.addSpacing(12)
        steps_heading = QLabel(self.tr("The toolkit, step by step"))
        steps_heading.setObjectName("sectionHeading")
        f2 = steps_heading.font()
        f2.setBold(True)
        steps_heading.setFont(f2)
        layout.addWidget(steps_heading)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(6)
        self.count_labels: dict[str, QLabel] = {}
        for row, step in enumerate(framework.STEPS):
            name = QLabel(f"{row + 1}. {self.tr(step.title)}")
            count = QLabel()
            count.setObjectName(f"count_{step.code}")
            count.setAccessibleName(self.tr("%s: count") % step.title)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(count, row, 1)
            self.count_labels[step.code] = count
        self.grid.setColumnStretch(2, 1)
        layout.addLayout(self.grid)
        layout.addStretch(1)

    def show_plan(self, plan: Plan) -> None:
        profile = plan.profile()
        self.title_label.setText(profile.title or self.tr("Untitled plan"))
        kind = self.tr(framework.COMMUNITY_TYPES.get(profile.community_type, profile.community_type))
        communities = [c.strip() for c in profile.participating_communities.splitlines() if c.strip()]
        text = f"{profile.community} · {kind}"
        if communities:
            text += "\n" + self.tr("With: %s") % ", ".join(communities)
        self.community_label.setText(text)
        for item in step_counts(plan):
            self.count_labels[item.step].setText(self.tr(item.text))
