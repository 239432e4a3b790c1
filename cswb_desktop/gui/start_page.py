"""The start page: what the window shows when no plan is open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)



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
