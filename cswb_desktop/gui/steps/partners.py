"""Step 2: the partner organisations and the part each plays."""

from __future__ import annotations

from ...core import framework
from ..widgets import Column, FieldSpec, MasterDetailPage


class Page(MasterDetailPage):
    step_code = "partners"
    table_attr = "partners"
    noun = "Partner"
    title = "Partners and roles"
    intro = ("The organisations that share the work, how to reach them, and how far each has come "
             "from being identified to being committed.")
    name_field = "organisation"
    watched_tables = {"partner"}

    def columns(self) -> list[Column]:
        status = framework.ENGAGEMENT_STATUSES
        order = list(status)
        return [
            Column(self.tr("Organisation"), lambda p: p.organisation),
            Column(self.tr("Sector"), lambda p: p.sector),
            Column(self.tr("Engagement"), lambda p: self.tr(status.get(p.engagement_status, p.engagement_status)),
                   lambda p: order.index(p.engagement_status) if p.engagement_status in order else 99),
            Column(self.tr("Contact"), lambda p: p.contact_name),
        ]

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("organisation", self.tr("&Organisation:")),
            FieldSpec("sector", self.tr("&Sector:"), placeholder=self.tr("e.g. Health, Education, Police, Housing")),
            FieldSpec("engagement_status", self.tr("&Engagement:"), "choice", framework.ENGAGEMENT_STATUSES,
                      undo_text="Change Partner Engagement"),
            FieldSpec("role", self.tr("&Role in the plan:"), "text"),
            FieldSpec("contact_name", self.tr("&Contact person:")),
            FieldSpec("email", self.tr("E-&mail:"), "email"),
            FieldSpec("phone", self.tr("&Phone:"), "phone"),
            FieldSpec("notes", self.tr("&Notes:"), "text"),
        ]

    def new_record_values(self) -> dict:
        return {"organisation": self.tr("New partner")}
