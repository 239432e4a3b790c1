"""Step 5: community assets — the programs, services, organisations, places, cultural and people
assets the community already has, who runs each, and the areas of the framework each serves."""

from __future__ import annotations

from collections import defaultdict

from ...core import framework
from ..link_widgets import LinkChecks, bind_link_checks
from ..widgets import Column, FieldSpec, MasterDetailPage


class Page(MasterDetailPage):
    step_code = "assets"
    table_attr = "assets"
    noun = "Community Asset"
    title = "Community assets"
    intro = ("The strengths the community already has, and which areas of the framework each one "
             "serves — so gaps and overlaps show before new work is planned.")
    name_field = "name"
    watched_tables = {"asset", "asset_area", "partner"}

    def __init__(self, doc, parent=None):
        self._areas: dict[str, list[str]] = {}
        self._partners: dict[str, str] = {}
        super().__init__(doc, parent)

    def columns(self) -> list[Column]:
        kinds = framework.ASSET_KINDS
        rings = {a.code: a.ring for a in framework.AREAS}
        return [
            Column(self.tr("Asset"), lambda a: a.name),
            Column(self.tr("Areas"), lambda a: ", ".join(self._area_name(c) for c in self._areas.get(a.id, [])),
                   lambda a: sorted(rings.get(c, 9) for c in self._areas.get(a.id, [])) or [9]),
            Column(self.tr("Kind"), lambda a: self.tr(kinds.get(a.kind, a.kind))),
            Column(self.tr("Run by"), lambda a: self._partners.get(a.owner_partner_id or "", "")),
        ]

    def _area_name(self, code: str) -> str:
        area = framework.AREAS_BY_CODE.get(code)
        return self.tr(area.name_en) if area else code

    def fields(self) -> list[FieldSpec]:
        return [
            FieldSpec("name", self.tr("&Name:")),
            FieldSpec("kind", self.tr("&Kind:"), "choice", framework.ASSET_KINDS, undo_text="Change Asset Kind"),
            FieldSpec("owner_partner_id", self.tr("Run &by:"), "partner", undo_text="Change Asset Owner",
                      help=self.tr("The partner organisation that runs or looks after this asset.")),
            FieldSpec("description", self.tr("D&escription:"), "text", undo_text="Change Asset Description",
                      placeholder=self.tr("What it offers, to whom, where and when")),
            FieldSpec("notes", self.tr("N&otes:"), "text", undo_text="Change Asset Notes"),
        ]

    def new_record_values(self) -> dict:
        return {"name": self.tr("New community asset")}

    def build_extra(self, outer) -> None:
        # Ordered from the outermost ring of the target board inwards, as the framework is read.
        areas = sorted(framework.AREAS, key=lambda a: a.ring)
        self.area_checks = LinkChecks(
            {a.code: self.tr(a.name_en) for a in areas}, self.tr("Areas of the framework this asset serves"),
            title=self.tr("A&reas of the framework it serves"),
            descriptions={a.code: self.tr(a.summary_en) for a in areas})
        self.show_areas = bind_link_checks(self.area_checks, self.doc, lambda: self.plan.asset_areas,
                                           self.list.current_id, self.tr("Change Asset Areas"))
        self.form.insert_row("description", self.area_checks)
        self.detail_layout.addStretch(1)
        # the list shows the areas beside each name: give it as much room as the form
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

    def records(self):
        self._areas = defaultdict(list)
        for asset_id, code in self.plan.asset_areas.pairs():
            self._areas[asset_id].append(code)
        rings = {a.code: a.ring for a in framework.AREAS}
        for codes in self._areas.values():
            codes.sort(key=lambda c: rings.get(c, 9))
        self._partners = {p.id: p.organisation for p in self.plan.partners.list()}
        return super().records()

    def show_details(self, record) -> None:
        self.show_areas()

    def refresh(self) -> None:
        super().refresh()
        view = self.list.view
        if not getattr(self, "_names_fitted", False) and view.isVisible() and self.list.model.rowCount():
            self._names_fitted = True  # once: so the areas show beside the names; then it is the user's
            view.setColumnWidth(0, min(view.columnWidth(0), int(view.viewport().width() * 0.55)))
