"""The yearly progress report: indicators against their targets, strategies, actions and updates.

The reporting period defaults to the year ending today. Indicator status follows the one rule in
core.measures, judged at the end of the period; the report states the rule in plain words.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from typing import Callable

from ..core import framework, measures
from ..core.checks import add_years
from ..core.plan import Plan
from ..core.records import Indicator, Outcome, Strategy, as_date
from ..core.trend import shape_trend
from .charts import trend_alt_text, trend_caption, trend_chart_png
from .content import PlanData, language_tag, long_date, plural, short_date, with_unit
from .output import build_in_steps
from .sanitize import clip, one_line
from .writer import TITLE_LIMIT, DocWriter, GroupRow, TableCell, TableColumn

log = logging.getLogger(__name__)

CHART_WIDTH_CM = 12.5
UPCOMING_DAYS = 90

Progress = Callable[[int, int, str], object]


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The year ending today: from the same day a year ago (plus one) to today."""
    return add_years(today, -1) + datetime.timedelta(days=1), today


class ProgressReport:
    def __init__(self, plan: Plan, *, period_start: datetime.date | None = None,
                 period_end: datetime.date | None = None, template=None,
                 today: datetime.date | None = None):
        self.plan = plan
        self.today = today or datetime.date.today()
        end = period_end or self.today
        start = period_start or default_period(end)[0]
        if start > end:
            start, end = end, start
        self.start, self.end = start, end
        self.data = PlanData.read(plan)
        profile = self.data.profile
        self.title = clip(profile.title, TITLE_LIMIT) or "Community Safety and Well-Being Plan"
        self.w = DocWriter(template=template, language_tag=language_tag(profile.language),
                           header_text=f"{self.title} — Progress report",
                           title=f"{self.title}: progress report",
                           subject="Community safety and well-being plan progress report")
        self.rows: list[tuple[Strategy, Outcome, Indicator, str]] = []
        for strategy in self.data.strategies:
            for outcome, indicator in self.data.strategy_indicators(strategy.id):
                status = measures.indicator_status(
                    indicator, self.data.measurements.get(indicator.id, []), self.end)
                self.rows.append((strategy, outcome, indicator, status))

    def in_period(self, value: str | None) -> bool:
        day = as_date(value)
        return day is not None and self.start <= day <= self.end

    @property
    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("Title page and contents", self.title_page),
            ("Summary", self.summary),
            ("Indicators", self.indicators),
            ("Strategies", self.strategies),
            ("Actions", self.actions),
            ("Progress updates", self.updates),
        ]

    def build(self, progress: Progress | None = None) -> DocWriter:
        return build_in_steps(self.steps, progress, self.w)

    # --- sections -------------------------------------------------------------------------------

    def title_page(self) -> None:
        w, p = self.w, self.data.profile
        w.paragraph(self.title, "Title")
        w.paragraph("Progress report", "Subtitle")
        w.labelled("Reporting period", f"{long_date(self.start)} to {long_date(self.end)}")
        adopted = as_date(p.adopted_on)
        if adopted is not None:
            w.paragraph(f"The plan was adopted on {long_date(adopted)}"
                        + (f" by {one_line(p.adoption_reference)}" if one_line(p.adoption_reference) else "")
                        + ".")
        else:
            w.paragraph("The plan has not been adopted yet.")
        w.paragraph(f"Report prepared on {long_date(self.today)}.")
        w.note("This report describes the community as a whole. It holds no information about "
               "individual people.")
        w.table_of_contents()

    def summary(self) -> None:
        w = self.w
        w.heading("About this report", 1, new_page=True)
        w.paragraph(f"This report shows what the partners of the plan did between "
                    f"{long_date(self.start)} and {long_date(self.end)}, and how the plan's "
                    f"indicators moved against the baselines and targets set in the plan.")
        w.heading("How indicator status is decided", 2)
        w.paragraph(measures.STATUS_RULE)

        w.heading("At a glance", 2)
        statuses = Counter(status for *_rest, status in self.rows)
        strategies = Counter(s.status for s in self.data.strategies)
        actions = [a for items in self.data.actions.values() for a in items]
        done = [a for a in actions if a.status == "done" and self.in_period(a.done_on)]
        overdue = self._overdue(actions)
        rows = [[TableCell("Indicators", bold=True), str(len(self.rows))]]
        for code in (measures.ON_TRACK, measures.OFF_TRACK, measures.NOT_RATED, measures.NO_DATA):
            if statuses[code] or code in (measures.ON_TRACK, measures.OFF_TRACK):
                rows.append([f"    {measures.STATUS_LABELS[code]}", str(statuses[code])])
        rows.append([TableCell("Strategies", bold=True), str(len(self.data.strategies))])
        for code, label in framework.STRATEGY_STATUSES.items():
            rows.append([f"    {label}", str(strategies[code])])
        rows.append([TableCell("Actions completed in the period", bold=True), str(len(done))])
        rows.append([TableCell("Actions overdue", bold=True), str(len(overdue))])
        w.table([TableColumn("What", 3.0), TableColumn("Number", 1.0)], rows)

    def indicators(self) -> None:
        w, data = self.w, self.data
        w.heading("Indicators", 1, new_page=True)
        if not self.rows:
            w.note("No indicators are recorded yet.")
            return
        w.paragraph("Each indicator's baseline, its latest value in the period or before it, "
                    "and its target.")
        table_rows: list = []
        current = None
        for strategy, _outcome, indicator, status in self.rows:
            if strategy.id != current:
                table_rows.append(GroupRow(f"Strategy {data.strategy_name(strategy)}"))
                current = strategy.id
            latest = measures.latest_measurement(indicator, data.measurements.get(indicator.id, []),
                                                 self.end)
            table_rows.append([TableCell(indicator.name, bold=True), self._baseline(indicator),
                               self._latest(indicator, latest), self._target(indicator),
                               TableCell(measures.STATUS_LABELS[status],
                                    bold=status == measures.OFF_TRACK)])
        w.table([TableColumn("Indicator", 2.5), TableColumn("Baseline", 1.3), TableColumn("Latest", 1.5),
                 TableColumn("Target", 1.3), TableColumn("Status", 1.1)], table_rows)

        current = None
        for strategy, outcome, indicator, status in self.rows:
            if strategy.id != current:
                w.heading(f"Strategy {data.strategy_name(strategy)}", 2)
                current = strategy.id
            self._indicator_detail(outcome, indicator, status)

    def _indicator_detail(self, outcome: Outcome, indicator: Indicator, status: str) -> None:
        w, data = self.w, self.data
        w.heading(one_line(indicator.name) or "Untitled indicator", 3)
        level = framework.OUTCOME_LEVELS.get(outcome.level, "Outcome")
        w.labelled(level, outcome.text, keep_next=True)
        every = data.measurements.get(indicator.id, [])
        usable = measures.usable_measurements(indicator, every, self.end)
        latest = usable[-1] if usable else None
        p = w.paragraph("Baseline ", bold=True, keep_next=True)
        w.add_text(p, self._baseline(indicator, long=True))
        w.add_text(p, " → latest ", bold=True)
        w.add_text(p, self._latest(indicator, latest, long=True))
        w.add_text(p, " → target ", bold=True)
        w.add_text(p, self._target(indicator, long=True))
        w.labelled("Status", measures.STATUS_LABELS[status], keep_next=True)
        if indicator.measure_type != "qualitative":
            png = trend = None
            try:
                trend = shape_trend(indicator, usable)
                png = trend_chart_png(indicator, usable, trend=trend)
            except Exception:  # a chart is worth less than the rest of the report
                log.exception("a trend chart could not be drawn")
            if png:
                w.image(png, width_cm=CHART_WIDTH_CM, name="Trend chart",
                        alt=trend_alt_text(indicator, usable, measures.STATUS_LABELS[status], trend))
                w.caption(trend_caption(indicator, usable, trend))
        notes = [m for m in usable if m.note.strip()]
        if indicator.measure_type == "qualitative":
            for m in usable[:-1][-5:]:
                w.labelled(f"Earlier observation, {long_date(m.measured_on)}", m.text_value)
        for m in notes:
            w.labelled(f"Note, {long_date(m.measured_on)}", m.note)

    def _baseline(self, indicator: Indicator, long: bool = False) -> str:
        return self._value(indicator, "baseline", long)

    def _target(self, indicator: Indicator, long: bool = False) -> str:
        return self._value(indicator, "target", long)

    def _value(self, indicator: Indicator, which: str, long: bool) -> str:
        day = getattr(indicator, f"{which}_on")
        date_text = long_date(day) if long else short_date(day)
        if indicator.measure_type == "qualitative":
            value = one_line(getattr(indicator, f"{which}_text"))
        else:
            value = with_unit(getattr(indicator, f"{which}_value"), indicator.unit)
        if not value:
            return "Not recorded"
        if not date_text:
            return value
        return f"{value} ({'by ' if which == 'target' else ''}{date_text})" if long else \
            f"{value} ({date_text})"

    def _latest(self, indicator: Indicator, latest, long: bool = False) -> str:
        if latest is None:
            return "No measurement yet"
        day = long_date(latest.measured_on) if long else short_date(latest.measured_on)
        if indicator.measure_type == "qualitative":
            value = one_line(latest.text_value)
            if not long and len(value) > 120:
                value = value[:117].rstrip() + "…"
        else:
            value = with_unit(latest.value, indicator.unit)
        return f"{value} ({day})"

    def strategies(self) -> None:
        w, data = self.w, self.data
        w.heading("Strategies", 1, new_page=True)
        if not data.strategies:
            w.note("No strategies are recorded yet.")
            return
        rows = []
        for s in data.strategies:
            updates = sorted((u for u in data.updates.get(s.id, [])
                              if as_date(u.reported_on) and as_date(u.reported_on) <= self.end),
                             key=lambda u: u.reported_on)
            last = updates[-1] if updates else None
            rows.append([str(s.number), TableCell(s.title or "Untitled strategy", bold=True),
                         data.area_name(s.area), data.partner_name(s.lead_partner_id, "—"),
                         framework.STRATEGY_STATUSES.get(s.status, s.status),
                         f"{framework.PROGRESS_STATUSES.get(last.status, last.status)} "
                         f"({short_date(last.reported_on)})" if last else "None yet"])
        w.table([TableColumn("No.", 0.5), TableColumn("Strategy", 2.4), TableColumn("Area", 1.3),
                 TableColumn("Lead", 1.8), TableColumn("Status", 1.15), TableColumn("Latest update", 1.4)], rows)

    def _overdue(self, actions):
        return [a for a in actions if a.status not in ("done", "cancelled")
                and as_date(a.due_on) is not None and as_date(a.due_on) < self.end]

    def actions(self) -> None:
        w, data = self.w, self.data
        w.heading("Actions", 1, new_page=True)
        every = [a for items in data.actions.values() for a in items]
        columns = [TableColumn("Due", 1.15), TableColumn("Action", 2.8), TableColumn("Strategy", 0.95),
                   TableColumn("Owner", 1.9)]

        def strategy_number(action) -> str:
            s = data.strategies_by_id.get(action.strategy_id)
            return str(s.number) if s is not None else "—"

        w.heading("Completed in the period", 2)
        done = sorted((a for a in every if a.status == "done" and self.in_period(a.done_on)),
                      key=lambda a: (a.done_on or "", a.title.casefold()))
        if done:
            w.table(columns[:1] + [TableColumn("Done", 1.15)] + columns[1:],
                    [[short_date(a.due_on, "—"), short_date(a.done_on), TableCell(a.title, bold=a.is_milestone),
                      strategy_number(a), data.partner_name(a.owner_partner_id, "—")] for a in done])
        else:
            w.note("No action was recorded as completed in this period.")

        w.heading("Overdue", 2)
        overdue = sorted(self._overdue(every), key=lambda a: (a.due_on or "", a.title.casefold()))
        if overdue:
            rows = []
            for a in overdue:
                late = (self.end - as_date(a.due_on)).days
                rows.append([short_date(a.due_on), TableCell(a.title, bold=True), strategy_number(a),
                             data.partner_name(a.owner_partner_id, "—"),
                             f"{plural(late, 'day', 'days')} late, "
                             f"{framework.ACTION_STATUSES.get(a.status, a.status).lower()}"])
            w.table(columns + [TableColumn("Where it stands", 1.4)], rows)
        else:
            w.note("No action is overdue.")

        w.heading(f"Due in the next {UPCOMING_DAYS} days", 2)
        horizon = self.end + datetime.timedelta(days=UPCOMING_DAYS)
        upcoming = sorted((a for a in every if a.status not in ("done", "cancelled")
                           and as_date(a.due_on) is not None
                           and self.end <= as_date(a.due_on) <= horizon),
                          key=lambda a: (a.due_on, a.title.casefold()))
        if upcoming:
            w.table(columns + [TableColumn("Status", 1.0)],
                    [[short_date(a.due_on), TableCell(a.title, bold=a.is_milestone), strategy_number(a),
                      data.partner_name(a.owner_partner_id, "—"),
                      framework.ACTION_STATUSES.get(a.status, a.status)] for a in upcoming])
        else:
            w.note("Nothing is due in the next three months.")

    def updates(self) -> None:
        w, data = self.w, self.data
        w.heading("Progress updates", 1, new_page=True)
        w.paragraph("In the words of the partners who lead each strategy.")
        wrote = False
        for s in data.strategies:
            updates = sorted((u for u in data.updates.get(s.id, []) if self.in_period(u.reported_on)),
                             key=lambda u: (u.reported_on, u.id))
            if not updates:
                continue
            w.heading(f"Strategy {data.strategy_name(s)}", 2)
            for u in updates:
                w.paragraph(f"{long_date(u.reported_on)} — "
                            f"{framework.PROGRESS_STATUSES.get(u.status, u.status)}",
                            bold=True, keep_next=True)
                if not w.paragraphs(u.note, "Quote"):
                    w.note("No words were added to this update.")
            wrote = True
        if not wrote:
            w.note("No progress updates were recorded in this period.")
