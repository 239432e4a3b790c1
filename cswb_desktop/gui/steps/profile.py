"""Step 1: the plan profile — whose plan it is, who carries it, its vision, period and adoption."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core import framework
from ...core.checks import due_dates
from ..widgets import FieldSpec, RecordForm, StepPage, page_heading


class Page(StepPage):
    step_code = "profile"

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(page_heading(self.tr("Plan profile"), self.tr(
            "Whose plan this is, who carries it, what it hopes for, and where it stands with council.")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 8, 0)
        self.form = RecordForm([
            FieldSpec("title", self.tr("Plan &title:"), undo_text="Rename Plan"),
            FieldSpec("community", self.tr("&Community:"), undo_text="Change Community"),
            FieldSpec("community_type", self.tr("T&ype:"), "choice", framework.COMMUNITY_TYPES,
                      undo_text="Change Community Type"),
            FieldSpec("participating_communities", self.tr("&Participating communities:"), "text",
                      placeholder=self.tr("One community per line"), undo_text="Change Participating Communities"),
            FieldSpec("coordinators", self.tr("C&oordinators:"), "text",
                      placeholder=self.tr("One person per line, with their role"), undo_text="Change Coordinators"),
            FieldSpec("champions", self.tr("C&hampions:"), "text",
                      placeholder=self.tr("One person per line, with their role"), undo_text="Change Champions"),
            FieldSpec("vision", self.tr("&Vision:"), "text", undo_text="Change Vision"),
            FieldSpec("period_start", self.tr("Plan period &from:"), "date", undo_text="Change Plan Period"),
            FieldSpec("period_end", self.tr("Plan period t&o:"), "date", undo_text="Change Plan Period"),
            FieldSpec("adopted_on", self.tr("&Adopted on:"), "date", undo_text="Change Adoption Date",
                      help=self.tr("The date council (or band council) adopted the plan by resolution.")),
            FieldSpec("adoption_reference", self.tr("&Resolution:"), undo_text="Change Resolution",
                      placeholder=self.tr("e.g. Resolution 2025-114")),
            FieldSpec("published_on", self.tr("P&ublished on:"), "date", undo_text="Change Publication Date",
                      help=self.tr("The date the adopted plan was posted online.")),
            FieldSpec("language", self.tr("&Language of the plan document:"), "choice", framework.LANGUAGES,
                      undo_text="Change Plan Language"),
        ])
        doc.watch_pending(self.form)
        layout.addWidget(self.form)
        self.dates_box = QGroupBox(self.tr("Deadlines that follow from adoption"))
        dates_layout = QVBoxLayout(self.dates_box)
        self.publish_label = QLabel()
        self.publish_label.setObjectName("publishBy")
        self.publish_label.setWordWrap(True)
        self.review_label = QLabel()
        self.review_label.setObjectName("reviewBy")
        self.review_label.setWordWrap(True)
        dates_layout.addWidget(self.publish_label)
        dates_layout.addWidget(self.review_label)
        layout.addWidget(self.dates_box)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.form.edited.connect(self._edited)

    def watches(self, tables: set[str]) -> bool:
        return "plan" in tables

    def refresh(self) -> None:
        profile = self.plan.profile()
        self.form.load(profile)
        self.form.setEnabled(not self.doc.read_only)
        self._show_dates(profile)

    def _show_dates(self, profile, today: _dt.date | None = None) -> None:
        today = today or _dt.date.today()
        publish_by, review_by = due_dates(profile)
        if publish_by is None:
            self.publish_label.setText(self.tr("Publish by: set the adoption date to see it (30 days after adoption)."))
            self.review_label.setText(self.tr("Review by: set the adoption date to see it (4 years after adoption)."))
            return
        if profile.published_on:
            self.publish_label.setText(self.tr("Publish by %s — done: published on %s.")
                                       % (publish_by.isoformat(), profile.published_on))
        elif today > publish_by:
            self.publish_label.setText(self.tr("⚠ Publish by %s — overdue: the plan should have been posted "
                                               "online by then.") % publish_by.isoformat())
        else:
            self.publish_label.setText(self.tr("Publish by %s (%d days from today).")
                                       % (publish_by.isoformat(), (publish_by - today).days))
        if today > review_by:
            self.review_label.setText(self.tr("⚠ Review by %s — overdue: the plan must be reviewed and "
                                              "updated.") % review_by.isoformat())
        else:
            self.review_label.setText(self.tr("Review by %s.") % review_by.isoformat())

    def _edited(self, name: str, value) -> None:
        spec = self.form.fields[name]
        refused = self.doc.update(self.plan.profile_table, self.plan.profile().id, self.tr(spec.undo_text),
                                  **{name: value})
        if refused:
            self.form.show_problem(name, refused)
