"""Step 6: the risk factors the community raised, the toolkit's questions about each (Form C), and
the data that backs them. A risk resting on fewer than two distinct sources is flagged."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core import operations
from ...core.evidence import MIN_SOURCES, needs_more_sources, source_counts
from ..plan_links import PlanLinkChecks
from ..record_panel import RecordPanel
from ..widgets import Column, FieldSpec, MasterDetailPage


class Page(MasterDetailPage):
    step_code = "risks"
    table_attr = "risks"
    noun = "Risk"
    title = "Risks"
    intro = ("Each risk factor the community raised, the toolkit's questions about it, and the data "
             "that shows how serious it is.")
    name_field = "title"
    privacy_notice = True
    watched_tables = {"risk", "risk_category", "evidence", "risk_activity", "risk_partner",
                      "engagement_activity", "partner"}

    jump_requested = Signal(str, str, str)  # step, table, record id

    def __init__(self, doc, parent=None):
        self._categories: dict[str, str] = {}
        self._sources: dict[str, int] = {}
        self._built = False
        super().__init__(doc, parent)
        self._build_category_row()
        self._build_links()
        self._build_evidence()
        for name, spec in self.form.fields.items():
            if spec.kind == "text":
                self.form.editors[name].setMaximumHeight(96)
        self.form.form_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.splitter.setSizes([375, 425])
        self._sized_columns = False
        self._built = True
        self._show(None)

    # configuration ------------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Risk"), lambda r: r.title),
            Column(self.tr("Priority"), lambda r: self.tr("★ Priority") if r.is_priority else "",
                   lambda r: 0 if r.is_priority else 1),
            Column(self.tr("Data sources"), self._sources_text, lambda r: self._sources.get(r.id, 0)),
            Column(self.tr("Category"), lambda r: self._categories.get(r.category_id or "", "")),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("title", self.tr("&Title:"), placeholder=self.tr("A short name, e.g. Youth vaping")),
            FieldSpec("category_id", self.tr("&Category:"), "choice", {}, optional_choice=True,
                      undo_text="Change Risk Category",
                      help=self.tr("A risk-factor category from the provincial Risk-driven Tracking "
                                   "Database, or one of your own.")),
            FieldSpec("description", self.tr("Descr&iption:"), "text", undo_text="Change Risk Description"),
            FieldSpec("problem_or_symptom", self.tr("Real &problem or a symptom?"), "text",
                      undo_text="Change Risk Problem or Symptom",
                      help=self.tr("Is this the underlying problem, or a sign of another one? If a "
                                   "sign, of what?")),
            FieldSpec("raised_by", self.tr("Who &raised it:"), "text", undo_text="Change Who Raised Risk",
                      help=self.tr("Groups and organisations that named this risk, in your words. Tick "
                                   "the activities and partners below as well.")),
            FieldSpec("evidence_and_seriousness", self.tr("&Evidence and seriousness:"), "text",
                      undo_text="Change Risk Evidence and Seriousness",
                      help=self.tr("What the data and people's accounts show, and how serious it is.")),
            FieldSpec("if_nothing_done", self.tr("If &nothing is done:"), "text",
                      undo_text="Change Risk If Nothing Is Done"),
            FieldSpec("current_response", self.tr("What the community d&oes now:"), "text",
                      undo_text="Change Risk Current Response",
                      help=self.tr("Incident response, quick intervention, work on the conditions, "
                                   "supports already in place.")),
            FieldSpec("combined_approach", self.tr("How the four areas could com&bine:"), "text",
                      undo_text="Change Risk Combined Approach",
                      help=self.tr("How social development, prevention, risk intervention and incident "
                                   "response could work together on this risk.")),
            FieldSpec("most_work_needed", self.tr("Where most &work is needed, and who:"), "text",
                      undo_text="Change Risk Most Work Needed"),
        ]

    def new_record_values(self) -> dict:
        return {"title": self.tr("New risk")}

    def _sources_text(self, risk) -> str:
        count = self._sources.get(risk.id, 0)
        if needs_more_sources(count):
            return self.tr("⚠ %(count)d (needs %(min)d)") % {"count": count, "min": MIN_SOURCES}
        return self.tr("✔ %d") % count

    # extra widgets ------------------------------------------------------------------------------

    def _build_category_row(self) -> None:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("Or a new cate&gory:"))
        self.new_category = QLineEdit()
        self.new_category.setPlaceholderText(self.tr("Name of a category of your own"))
        self.new_category.setAccessibleName(self.tr("New category name"))
        label.setBuddy(self.new_category)
        self.add_category_button = QPushButton(self.tr("Add Category"))
        self.add_category_button.setAccessibleName(self.tr("Add the new category and give it to this risk"))
        layout.addWidget(label)
        layout.addWidget(self.new_category, 1)
        layout.addWidget(self.add_category_button)
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(2)
        box_layout.addWidget(row)
        self.category_problem = QLabel()
        self.category_problem.setWordWrap(True)
        self.category_problem.setVisible(False)
        box_layout.addWidget(self.category_problem)
        self.form.insert_row("description", box)
        self.add_category_button.clicked.connect(self.add_category)
        self.new_category.returnPressed.connect(self.add_category)
        self.new_category.textEdited.connect(lambda _t: self.category_problem.setVisible(False))

    def _build_links(self) -> None:
        owner = self.list.current_id
        self.activity_links = PlanLinkChecks(
            self.doc, lambda: self.plan.risk_activities, owner, self.tr("Raised at these engagement activities"),
            self.tr("Change Activities That Raised Risk"),
            self.tr("No engagement activities are recorded yet; add them in the Community engagement step."),
            tab_after=lambda: self.form.editors["raised_by"])
        self.partner_links = PlanLinkChecks(
            self.doc, lambda: self.plan.risk_partners, owner, self.tr("Raised by these partners"),
            self.tr("Change Partners Who Raised Risk"),
            self.tr("No partners are listed yet; add them in the Partners step."),
            tab_after=lambda: self.activity_links.last_focusable())
        self.form.insert_row("evidence_and_seriousness", self.activity_links)
        self.form.insert_row("evidence_and_seriousness", self.partner_links)

    def _build_evidence(self) -> None:
        heading = QLabel(self.tr("Evidence"))
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.add_detail_widget(heading)
        self.sources_label = QLabel()
        self.sources_label.setObjectName("sourcesFlag")
        self.sources_label.setWordWrap(True)
        self.add_detail_widget(self.sources_label)
        self.evidence = RecordPanel(
            self.doc, "evidence", self.tr("Evidence"),
            [Column(self.tr("Source"), lambda e: e.source),
             Column(self.tr("Indicator"), lambda e: e.indicator),
             Column(self.tr("Value"), lambda e: " ".join(p for p in (e.value, e.unit) if p)),
             Column(self.tr("Year"), lambda e: e.year if e.year is not None else "",
                    lambda e: e.year if e.year is not None else 0),
             Column(self.tr("Geography"), lambda e: e.geography)],
            [FieldSpec("source", self.tr("Data &source:"), undo_text="Change Evidence Source",
                       placeholder=self.tr("e.g. Statistics Canada, Census 2021")),
             FieldSpec("indicator", self.tr("Indicator:"), undo_text="Change Evidence Indicator",
                       placeholder=self.tr("What was measured")),
             FieldSpec("value", self.tr("Value:"), undo_text="Change Evidence Value"),
             FieldSpec("unit", self.tr("Unit:"), undo_text="Change Evidence Unit",
                       placeholder=self.tr("e.g. %, per 1,000 people, visits")),
             FieldSpec("year", self.tr("Year:"), "int", undo_text="Change Evidence Year"),
             FieldSpec("geography", self.tr("Geography:"), undo_text="Change Evidence Geography",
                       placeholder=self.tr("e.g. the town, the district, Ontario")),
             FieldSpec("note", self.tr("Note:"), "text", undo_text="Change Evidence Note")],
            owner_field="risk_id", list_name=self.tr("Evidence for this risk"),
            new_values=lambda: {"source": ""})
        self.evidence.setMinimumHeight(380)
        self.evidence.status_message.connect(self.status_message)
        self.add_detail_widget(self.evidence)
        self.score_button = QPushButton(self.tr("Score This Risk in Prioritisation"))
        self.score_button.setAccessibleName(self.tr("Go to the prioritisation step for this risk"))
        self.score_button.clicked.connect(self._go_score)
        self.add_detail_widget(self.score_button)

    # behaviour ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._categories = {c.id: c.name for c in self.plan.risk_categories.list()}
        self._sources = source_counts(self.plan)
        self.form.set_choices("category_id", self._categories)
        activities = self.plan.activities.list()
        self.activity_links.set_options(
            {a.id: (f"{a.held_on} · {a.title}" if a.held_on else a.title) or self.tr("(untitled activity)")
             for a in activities})
        self.partner_links.set_options(self.partner_choices())
        super().refresh()
        if self.list.model.rowCount() and not self._sized_columns:
            self._sized_columns = True
            for column, width in enumerate((165, 80, 100)):
                self.list.view.setColumnWidth(column, width)
        if self.list.current_id() is None and self.list.model.rowCount():
            self.list.view.selectRow(0)

    def show_details(self, record) -> None:
        if not self._built:
            return
        risk_id = record.id if record is not None else None
        self.activity_links.show_links()
        self.partner_links.show_links()
        self.evidence.set_owner(risk_id, self.tr("Select a risk to see its evidence."))
        self.new_category.setEnabled(record is not None and not self.doc.read_only)
        self.add_category_button.setEnabled(record is not None and not self.doc.read_only)
        self.score_button.setEnabled(record is not None)
        self.category_problem.setVisible(False)
        if record is None:
            self.sources_label.setText(self.tr("Select a risk to see its evidence."))
            return
        count = self._sources.get(record.id, 0)
        if needs_more_sources(count):
            self.sources_label.setText(self.tr(
                "⚠ Needs more evidence: this risk rests on %(count)s so far. Priority risks should "
                "be backed by at least %(min)d different data sources (for example Statistics Canada "
                "and local health or police data).") % {
                    "count": self.tr("no data source") if count == 0 else
                    self.tr("only one data source") if count == 1 else self.tr("%d data sources") % count,
                    "min": MIN_SOURCES})
        else:
            self.sources_label.setText(self.tr("✔ Backed by %d different data sources.") % count)

    def add_category(self) -> None:
        record = self.current()
        name = " ".join(self.new_category.text().split())
        if record is None or self.doc.read_only:
            return
        problem = ""
        if not name:
            problem = self.tr("Type the name of the new category first.")
        elif name.casefold() in {n.casefold() for n in self._categories.values()}:
            problem = self.tr("There is already a category called “%s”; choose it in the list above.") % name
        if problem:
            self.category_problem.setText("⚠ " + problem)
            self.category_problem.setVisible(True)
            return
        plan, risk_id = self.plan, record.id
        refused = self.doc.operate(self.tr("Add Risk Category"),
                                   lambda: operations.add_risk_category(plan, risk_id, name))
        if refused:
            self.category_problem.setText("⚠ " + refused)
            self.category_problem.setVisible(True)
            return
        self.new_category.clear()
        self.status_message.emit(self.tr("Added the category “%s” and gave it to this risk.") % name)

    def _go_score(self) -> None:
        risk_id = self.list.current_id()
        if risk_id:
            self.jump_requested.emit("prioritisation", "risk", risk_id)

    def focus_record(self, table: str | None, record_id: str | None) -> None:
        self.ensure_fresh()
        if table == "evidence" and record_id:
            item = self.plan.evidence.find(record_id)
            if item is not None:
                self.list.select(item.risk_id)
                self.evidence.select(record_id)
            return
        super().focus_record(table, record_id)
