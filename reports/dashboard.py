"""The leaders' dashboard (驾驶舱): every figure an aggregate query, a fixed number of queries in all.

It lives in reports, the top of the dependency chain, because it shows tasks, progress and (once a cycle
is approved) assessment results side by side.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse

from assessment import selectors as assessment_selectors
from assessment.models import AssessmentCycle, Submission
from lawgov.models import Unit, UnitKind, User
from plans.models import Assignment, AssignmentRole, Clause, Plan, Task
from reports.services.calendar import calendars_for
from tasks.models import (
    WAITING_FOR_REVIEW,
    ExtensionRequest,
    ExtensionStatus,
    ProgressReport,
    ReportStatus,
    WarningLevel,
)
from tasks.selectors import Rollup, completion_timeliness, rollup_by, with_status
from tasks.status import TaskStatus, status_expression, status_filter
from tasks.years import year_bounds, year_filter


@dataclass
class Chart:
    """One chart: its rows are the table behind it and the .xlsx download."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    # Behind each row: a task-list query string ("?status=overdue", the same filters as the task list), or
    # a path of its own ("/assessment/…") for the charts that are not about tasks.
    links: list[str]
    # The bars stacked in each row, where one number is not the whole story (the warnings: red, yellow and
    # blue): each ``{"column": index in a row, "name": …, "color": …}``. Empty: one bar per row.
    series: list[dict] = field(default_factory=list)


# The warning badges' colours (static/lawgov/app.css .badge.warning-*), for the bars that count them.
WARNING_SERIES = [
    {"column": 1, "name": "红色预警", "color": "#c62828"},
    {"column": 2, "name": "黄色预警", "color": "#ffe082", "border": "#f3c340"},
    {"column": 3, "name": "蓝色预警", "color": "#1565c0"},
]


@dataclass(frozen=True)
class Scope:
    """The 驾驶舱's filters, read as the task list reads them (``tasks.filtersets.TaskFilterSet``): a plan, a
    year (``tasks.years``). Every card and chart counts the tasks of the scope, and links to the task list
    with the same filters plus its own."""

    plan: Plan | None = None
    year: int | None = None

    @property
    def params(self) -> list[tuple[str, object]]:
        return [(k, v) for k, v in (("plan", self.plan.pk if self.plan else None), ("year", self.year)) if v]

    def link(self, *extra: tuple[str, object]) -> str:
        """The task list's query string for the scope and ``extra`` ("?plan=1&year=2025&status=done")."""
        return "?" + urlencode([*self.params, *extra]) if self.params or extra else ""

    def tasks(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        if self.plan is not None:
            tasks = tasks.filter(plan=self.plan)
        if self.year is not None:
            tasks = tasks.filter(year_filter(self.year))
        return tasks


# The units that answer for a task: its lead units, or its 责任单位 where the plan does not split lead and
# helpers. Cooperating units (配合) are not counted against a task's completion or its reporting.
ANSWERING = (AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE)
ANSWERING_LINK = tuple(("role", r.value) for r in ANSWERING)
REPORTED = (*WAITING_FOR_REVIEW, ReportStatus.ACCEPTED)


def reporting_period(*, today: dt.date, year: int | None) -> tuple[dt.date, dt.date, str]:
    """The period whose reports the reporting rate and the silent units read: the chosen year (up to today),
    else the last 30 days."""
    if year is None:
        return today - dt.timedelta(days=30), today, "近30天"
    start, end = year_bounds(year)
    return start, min(end, today), f"{year}年"


@dataclass
class LeadUnit:
    """A unit's record on the tasks it answers for (lead or responsible; directly or through a group phrase
    such as 各镇街 that stands for it, as the task list's ``unit`` filter reads it)."""

    unit_id: int
    name: str
    rollup: Rollup
    # Tasks not completed before the period began (so due a report in it), and those of them the unit
    # reported on in the period (submitted or accepted, not a draft nor a returned report).
    due_report: int = 0
    reported: int = 0

    @property
    def reporting_rate(self) -> int:
        return round(100 * self.reported / self.due_report) if self.due_report else 0


def unit_coverage(jurisdictions: list[Unit]) -> tuple[dict[int, str], list[tuple[int, int]]]:
    """Every concrete unit of the jurisdictions (id → name), and the pairs (unit, named unit) saying which
    assignments count as the unit's: its own, and those of every group phrase that stands for it.

    The rule of ``Unit.covering_ids`` for all units at once (two queries, not one per unit);
    tests/reports/test_dashboard.py holds the two to the same cases.
    """
    ids = [j.pk for j in jurisdictions]
    units = list(
        Unit.objects.active()
        .filter(jurisdiction_id__in=ids)
        .values_list("id", "name", "kind", "jurisdiction_id", "group_kinds")
    )
    members = set(
        Unit.members.through.objects.filter(
            from_unit__jurisdiction_id__in=ids, from_unit__deleted_at__isnull=True
        ).values_list("from_unit_id", "to_unit_id")
    )
    groups = [(pk, jid, kinds or []) for pk, _, kind, jid, kinds in units if kind == UnitKind.GROUP]
    names, pairs = {}, []
    for pk, name, kind, jid, _ in units:
        if kind == UnitKind.GROUP:
            continue
        names[pk] = name
        pairs.append((pk, pk))
        pairs += [(pk, g) for g, gjid, kinds in groups if gjid == jid and ((g, pk) in members or kind in kinds)]
    return names, pairs


def lead_units(
    tasks: QuerySet[Task],
    *,
    jurisdictions: list[Unit],
    today: dt.date,
    period: tuple[dt.date, dt.date],
    rows: list[tuple] | None = None,
) -> list[LeadUnit]:
    """Per unit answering for some of ``tasks``: tasks, done, overdue, warnings, and reporting in ``period``.

    Three queries whatever the data (the coverage's two, then one aggregate). A task counts once per unit even
    when the unit is named on it twice (itself and through 各镇街); statuses come from tasks.status. With
    ``rows`` (``ScopeCounts.rows``: the tasks already read with their status), the database only pairs units
    with tasks and the counts are made from the rows (``_lead_units_of_rows``).
    """
    names, pairs = unit_coverage(jurisdictions)
    if not pairs or rows == []:
        return []
    if rows is not None:
        return _lead_units_of_rows(rows, names=names, pairs=pairs, period=period)
    start = period[0]
    one = Value(1)
    selection = (
        tasks.order_by()
        .annotate(
            d_done=Case(When(status_filter(TaskStatus.DONE, today=today), then=one), default=Value(0)),
            d_overdue=Case(When(status_filter(TaskStatus.OVERDUE, today=today), then=one), default=Value(0)),
            d_level=Coalesce(F("warning__level"), Value(WarningLevel.NONE.value)),
            d_due=Case(When(progress__completed_on__lt=start, then=Value(0)), default=one),
        )
        .values("id", "d_done", "d_overdue", "d_level", "d_due")
    )
    try:
        selection_sql, selection_params = selection.query.sql_with_params()
    except EmptyResultSet:  # no tasks in the scope (``pk__in=[]``)
        return []
    return _lead_units_sql(selection_sql, selection_params, names=names, pairs=pairs, period=period)


def _ids_table(ids) -> tuple[str, list]:
    """A subquery of the ids ("SELECT id FROM …"), sent as one JSON parameter: nothing to parse or plan per id.
    The planner reads a set-returning function as a hundred rows, whatever the count, so it looks the ids up
    by index one by one (a few microseconds each) rather than scanning whole tables for a long list, and the
    estimate stays low enough not to compile the statement (JIT), which would cost more than it saves."""
    data = json.dumps([int(pk) for pk in ids])
    if connection.vendor == "postgresql":
        return "SELECT value::bigint AS id FROM json_array_elements_text(%s::json)", [data]
    return "SELECT value AS id FROM json_each(%s)", [data]


def _lead_units_of_rows(rows: list[tuple], *, names: dict, pairs: list, period: tuple) -> list[LeadUnit]:
    """``lead_units`` over the scope's rows as ``ScopeCounts.read`` read them, by the same rules as
    ``_lead_units_sql``. One query, two kinds of row: the (unit, task) pairs answering (the assignments of the
    scope's tasks, through the coverage), and the (unit, task) pairs reported on in the period (the reports
    of the answering units in it, one index range per unit, rather than one look-up per pair). The counts are
    made here, from the rows' status, warning and completion date."""
    start, end = period
    coverage = ", ".join(["(%s, %s)"] * len(pairs))
    tasks_sql, tasks_params = _ids_table(r[0] for r in rows)
    # The units: a short list the planner should see in full (so that it reads each unit's index range).
    if connection.vendor == "postgresql":
        units_among, units_params = "r.unit_id = ANY(%s)", [sorted(names)]
    else:
        units_sql, units_params = _ids_table(sorted(names))
        units_among = f"r.unit_id IN ({units_sql})"
    sql = f"""
        WITH cov(unit_id, named_id) AS (VALUES {coverage})
        SELECT 1, cov.unit_id, c.task_id
        FROM ({tasks_sql}) AS scope
        JOIN {Clause._meta.db_table} c ON c.task_id = scope.id
        JOIN {Assignment._meta.db_table} a ON a.clause_id = c.id
        JOIN cov ON cov.named_id = a.unit_id
        WHERE a.deleted_at IS NULL AND a.role IN (%s, %s)
        UNION ALL
        SELECT 0, r.unit_id, r.task_id
        FROM {ProgressReport._meta.db_table} r
        WHERE {units_among} AND r.reported_on >= %s AND r.reported_on <= %s
          AND r.deleted_at IS NULL AND r.status IN (%s, %s, %s)
    """
    params = [
        *(n for pair in pairs for n in pair),
        *tasks_params,
        *(r.value for r in ANSWERING),
        *units_params,
        start,
        end,
        *(s.value for s in REPORTED),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    # A unit named on a task twice (itself and through 各镇街) answers for it once.
    answering = {(unit_id, task_id) for kind, unit_id, task_id in found if kind}
    reported = {(unit_id, task_id) for kind, unit_id, task_id in found if not kind}
    by_id = {r[0]: r for r in rows}
    units: dict[int, LeadUnit] = {}
    for unit_id, task_id in answering:
        _, _, _, _, status, level, completed_on, *_ = by_id[task_id]
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = LeadUnit(unit_id=unit_id, name=names[unit_id], rollup=Rollup())
        r = unit.rollup
        r.total += 1
        r.done += status == TaskStatus.DONE
        r.overdue += status == TaskStatus.OVERDUE
        if level in ("red", "yellow", "blue"):
            setattr(r, level, getattr(r, level) + 1)
        # Due a report in the period unless completed before it began; reported if the unit reported in it.
        if not (completed_on and completed_on < start):
            unit.due_report += 1
            unit.reported += (unit_id, task_id) in reported
    return list(units.values())


def _lead_units_sql(
    selection_sql: str, selection_params: list, *, names: dict, pairs: list, period: tuple
) -> list[LeadUnit]:
    start, end = period
    coverage = ", ".join(["(%s, %s)"] * len(pairs))
    report = ProgressReport._meta.db_table
    sql = f"""
        WITH cov(unit_id, named_id) AS (VALUES {coverage}),
        sel AS ({selection_sql}),
        answering AS (
            SELECT DISTINCT cov.unit_id AS unit_id, c.task_id AS task_id
            FROM {Assignment._meta.db_table} a
            JOIN {Clause._meta.db_table} c ON c.id = a.clause_id
            JOIN cov ON cov.named_id = a.unit_id
            WHERE a.deleted_at IS NULL AND a.role IN (%s, %s) AND c.task_id IN (SELECT id FROM sel)
        )
        SELECT answering.unit_id, COUNT(*), SUM(sel.d_done), SUM(sel.d_overdue),
               SUM(CASE WHEN sel.d_level = 'red' THEN 1 ELSE 0 END),
               SUM(CASE WHEN sel.d_level = 'yellow' THEN 1 ELSE 0 END),
               SUM(CASE WHEN sel.d_level = 'blue' THEN 1 ELSE 0 END),
               SUM(sel.d_due),
               SUM(CASE WHEN sel.d_due = 1 AND EXISTS (
                   SELECT 1 FROM {report} r
                   WHERE r.task_id = answering.task_id AND r.unit_id = answering.unit_id AND r.deleted_at IS NULL
                     AND r.status IN (%s, %s, %s) AND r.reported_on >= %s AND r.reported_on <= %s
               ) THEN 1 ELSE 0 END)
        FROM answering JOIN sel ON sel.id = answering.task_id
        GROUP BY answering.unit_id
    """
    params = [
        *(n for pair in pairs for n in pair),
        *selection_params,
        *(r.value for r in ANSWERING),
        *(s.value for s in REPORTED),
        start,
        end,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        LeadUnit(
            unit_id=unit_id,
            name=names[unit_id],
            rollup=Rollup(total=total, done=done, overdue=overdue, red=red, yellow=yellow, blue=blue),
            due_report=due,
            reported=reported,
        )
        for unit_id, total, done, overdue, red, yellow, blue, due, reported in rows
    ]


def _plan_start(plan: Plan) -> dt.date | None:
    if plan.period_start:
        return dt.date(plan.period_start, 1, 1)
    return plan.issued_on.replace(day=1) if plan.issued_on else None


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


TREND_MAX_YEARS = 10


def trend_start(*, scope: Scope, plans: list[Plan], today: dt.date) -> dt.date:
    """Where the completion trend starts: the chosen year's January (or the chosen plan's start, if later);
    the chosen plan's start; else the earliest start of the plans shown, at most ten years back."""
    starts = []
    if scope.year is not None:
        starts.append(dt.date(scope.year, 1, 1))
    if scope.plan is not None and _plan_start(scope.plan):
        starts.append(_plan_start(scope.plan))
    if starts:
        return max(starts)
    earliest = min(filter(None, (_plan_start(p) for p in plans)), default=None)
    floor = dt.date(today.year - TREND_MAX_YEARS, today.month, 1)
    return max(earliest, floor) if earliest else today.replace(day=1)


def year_choices(*, plans: list[Plan], today: dt.date, selected: int | None) -> list[int]:
    """The years the year select offers: from the earliest plan's start to this year (or the last plan's
    end, if later), newest first; and the chosen year, whatever it is."""
    years = set()
    for p in plans:
        first = p.period_start or (p.issued_on.year if p.issued_on else None)
        if first:
            years.update(range(first, max(first, p.period_end or first, today.year) + 1))
    if selected:
        years.add(selected)
    return sorted(years, reverse=True)


# A scope of up to this many tasks is read once, its rows counted here (a plan's year: a few hundred to a few
# thousand tasks; a district: about ten thousand); a larger one (a city's every task) is counted by
# aggregates in the database.
PINNED_MAX = 20000


def _id_list(ids) -> RawSQL | list:
    """Ids as a subquery written into the statement: a district's ten thousand ids as parameters cost more to
    send than to read (only integers go in)."""
    values = ", ".join(f"({int(pk)})" for pk in ids)
    return RawSQL(f"SELECT column1 FROM (VALUES {values}) AS ids", []) if values else []


@dataclass
class ScopeCounts:
    """The scope's tasks, and what the plan, district and section charts and the trend count of them.

    For a scope of up to ``PINNED_MAX`` tasks, one query reads each task's plan, district, section, status
    (the rule of tasks.status, in SQL), warning, completion date, deadline and whether an extension was
    approved, and every count is made from those rows (the completions' timeliness too); later queries name
    the tasks by id. A larger scope stays a subquery (compiled to SQL once) and each chart
    is one GROUP BY. tests/reports/test_dashboard_scope.py runs its cases both ways.
    """

    tasks: QuerySet[Task]
    rows: list[tuple] | None

    @classmethod
    def read(cls, tasks: QuerySet[Task], *, today: dt.date) -> ScopeCounts:
        fields = ("pk", "plan_id", "plan__jurisdiction_id", "section_id", "status", "warning__level")
        approved = ExtensionRequest.objects.filter(task=OuterRef("pk"), status=ExtensionStatus.APPROVED)
        rows = list(
            tasks.order_by()
            .annotate(status=status_expression(today=today), extended=Exists(approved))
            .values_list(*fields, "progress__completed_on", "due_on", "extended")[: PINNED_MAX + 1]
        )
        if len(rows) <= PINNED_MAX:
            return cls(tasks=Task.objects.filter(pk__in=_id_list(r[0] for r in rows)), rows=rows)
        sql, params = tasks.order_by().values("pk").query.sql_with_params()
        return cls(tasks=Task.objects.filter(pk__in=RawSQL(sql, params)), rows=None)

    def rollup_by(self, key: str, *, today: dt.date) -> dict:
        """As tasks.selectors.rollup_by: key ("plan_id", "plan__jurisdiction_id", "section_id") → Rollup."""
        if self.rows is None:
            return rollup_by(self.tasks, key, today=today)
        index = {"plan_id": 1, "plan__jurisdiction_id": 2, "section_id": 3}[key]
        out: dict = {}
        for row in self.rows:
            r = out.setdefault(row[index], Rollup())
            r.total += 1
            r.done += row[4] == TaskStatus.DONE
            r.overdue += row[4] == TaskStatus.OVERDUE
            if row[5] in ("red", "yellow", "blue"):
                setattr(r, row[5], getattr(r, row[5]) + 1)
        return out

    @property
    def ids(self) -> list[int] | None:
        return None if self.rows is None else [r[0] for r in self.rows]

    def first_due(self, wanted, n: int = 30) -> QuerySet[Task] | None:
        """The first ``n`` tasks by deadline (undated last) among the rows that ``wanted`` keeps; None when the
        scope was not read (count it in the database)."""
        if self.rows is None:
            return None
        chosen = sorted((r for r in self.rows if wanted(r)), key=lambda r: (r[7] is None, r[7] or dt.date.min, r[0]))
        return Task.objects.filter(pk__in=[r[0] for r in chosen[:n]])

    def timeliness(self) -> dict[str, int]:
        """As tasks.selectors.completion_timeliness: the completed tasks finished on time, after an approved
        extension, or late; from the rows when the scope was read (the same rule, no query)."""
        if self.rows is None:
            return completion_timeliness(self.tasks)
        out = {"on_time": 0, "extended": 0, "late": 0}
        for row in self.rows:
            completed_on, due_on, extended = row[6], row[7], row[8]
            if completed_on is None:
                continue
            if due_on is None or completed_on <= due_on:
                out["extended" if extended else "on_time"] += 1
            else:
                out["late"] += 1
        return out

    def completions_by_month(self) -> dict[dt.date, int]:
        if self.rows is not None:
            months: dict[dt.date, int] = {}
            for row in self.rows:
                if row[4] == TaskStatus.DONE and row[6]:
                    month = row[6].replace(day=1)
                    months[month] = months.get(month, 0) + 1
            return months
        # From the tasks' side, one grouped query.
        rows = (
            self.tasks.filter(progress__completed_on__isnull=False)
            .annotate(month=TruncMonth("progress__completed_on"))
            .order_by()
            .values("month")
            .annotate(n=Count("pk"))
        )
        return {(r["month"].date() if hasattr(r["month"], "date") else r["month"]): r["n"] for r in rows}


def dashboard(*, user: User, today: dt.date, plan: Plan | None = None, year: int | None = None) -> dict:
    """All the dashboard's figures for the user's jurisdictions (a city's leader sees every district), over the
    tasks of the chosen plan and year (every figure; the links carry the same filters to the task list)."""
    scope = Scope(plan=plan, year=year)
    counts = ScopeCounts.read(scope.tasks(Task.objects.visible_to(user)), today=today)
    tasks = counts.tasks
    jurisdictions = list(user.jurisdictions())
    charts: list[Chart] = []
    period_start, period_end, period_label = reporting_period(today=today, year=year)

    # Completion by plan: every plan, or (under a filter) those with tasks in the scope.
    all_plans = list(
        Plan.objects.visible_to(user).select_related("jurisdiction").order_by("jurisdiction__name", "-issued_on")
    )
    by_plan = counts.rollup_by("plan_id", today=today)
    # The totals are the plans' sums: one aggregate pass over the tasks, not two.
    total = Rollup()
    for r in by_plan.values():
        total.add(r)
    shown_plans = [p for p in all_plans if p.pk in by_plan] if scope.params else all_plans
    rows, links = [], []
    for p in shown_plans:
        r = by_plan.get(p.pk, Rollup())
        rows.append([p.title, r.total, r.done, r.rate, r.overdue, r.red, r.yellow, r.blue])
        links.append(Scope(plan=p, year=year).link())
    charts.append(
        Chart(
            "plans",
            "各规划完成情况",
            ["规划", "任务数", "已完成", "完成率(%)", "逾期", "红色预警", "黄色预警", "蓝色预警"],
            rows,
            links,
        )
    )

    # By district, for a city.
    if len(jurisdictions) > 1:
        by_district = counts.rollup_by("plan__jurisdiction_id", today=today)
        names = {j.pk: j.name for j in jurisdictions}
        rows, links = [], []
        for jid, r in sorted(by_district.items(), key=lambda kv: names.get(kv[0], "")):
            rows.append([names.get(jid, str(jid)), r.total, r.done, r.rate, r.overdue, r.red, r.yellow, r.blue])
            links.append(scope.link(("jurisdiction", jid)))
        charts.append(
            Chart(
                "districts",
                "各区完成情况",
                ["辖区", "任务数", "已完成", "完成率(%)", "逾期", "红色预警", "黄色预警", "蓝色预警"],
                rows,
                links,
            )
        )

    # By section of one plan.
    if plan is not None:
        by_section = counts.rollup_by("section_id", today=today)
        rows, links = [], []
        for section in plan.sections.filter(pk__in=[k for k in by_section if k]).order_by("position"):
            r = by_section[section.pk]
            rows.append(
                [f"{section.label}{section.title}", r.total, r.done, r.rate, r.overdue, r.red, r.yellow, r.blue]
            )
            links.append(scope.link(("section", section.pk)))
        charts.append(
            Chart(
                "sections",
                f"{plan.title}:各部分完成情况",
                ["部分", "任务数", "已完成", "完成率(%)", "逾期", "红色预警", "黄色预警", "蓝色预警"],
                rows,
                links,
            )
        )

    # The units answering for the tasks (lead or responsible, never the cooperating ones): completion,
    # reporting in the period, the silent ones, warnings and overdue work (one aggregate for all five).
    answering = lead_units(
        tasks, jurisdictions=jurisdictions, today=today, period=(period_start, period_end), rows=counts.rows
    )
    begun = period_start <= today

    def unit_link(u: LeadUnit, *extra) -> str:
        return scope.link(("unit", u.unit_id), *ANSWERING_LINK, *extra)

    by_rate = sorted(answering, key=lambda u: (u.rollup.rate, -u.rollup.overdue, -u.rollup.total, u.name))
    charts.append(
        Chart(
            "units_lead",
            "各牵头单位完成率(不含配合单位)",
            ["单位", "牵头任务", "已完成", "完成率(%)", "逾期"],
            [[u.name, u.rollup.total, u.rollup.done, u.rollup.rate, u.rollup.overdue] for u in by_rate],
            [unit_link(u) for u in by_rate],
        )
    )
    due = [u for u in answering if u.due_report] if begun else []
    by_reporting = sorted(due, key=lambda u: (u.reporting_rate, -u.due_report, u.name))
    charts.append(
        Chart(
            "units_reporting",
            f"各牵头单位报送率({period_label})",
            ["单位", "应报任务", "已报任务", "报送率(%)"],
            [[u.name, u.due_report, u.reported, u.reporting_rate] for u in by_reporting],
            [unit_link(u) for u in by_reporting],
        )
    )
    silent = sorted((u for u in due if not u.reported), key=lambda u: (-u.due_report, u.name))
    charts.append(
        Chart(
            "units_silent",
            f"未报送进展的牵头单位({period_label})",
            ["单位", "应报任务"],
            [[u.name, u.due_report] for u in silent],
            [unit_link(u) for u in silent],
        )
    )
    warned = sorted(
        (u for u in answering if u.rollup.warned),
        key=lambda u: (-u.rollup.red, -u.rollup.yellow, -u.rollup.blue, u.name),
    )[:15]
    charts.append(
        Chart(
            "units_warning",
            "各牵头单位预警情况",
            ["单位", "红色预警", "黄色预警", "蓝色预警"],
            [[u.name, u.rollup.red, u.rollup.yellow, u.rollup.blue] for u in warned],
            [unit_link(u, ("warning", "red"), ("warning", "yellow"), ("warning", "blue")) for u in warned],
            series=WARNING_SERIES,
        )
    )
    overdue = sorted(
        (u for u in answering if u.rollup.overdue), key=lambda u: (-u.rollup.overdue, -u.rollup.total, u.name)
    )[:15]
    charts.append(
        Chart(
            "units_overdue",
            "逾期任务最多的牵头单位",
            ["单位", "逾期", "任务数", "已完成"],
            [[u.name, u.rollup.overdue, u.rollup.total, u.rollup.done] for u in overdue],
            [unit_link(u, ("status", "overdue")) for u in overdue],
        )
    )

    # Reporting activity in the period (every unit's count, helpers' too: their sum is the period's total).
    activity = list(
        ProgressReport.objects.active()
        .filter(task_id__in=tasks if counts.ids is None else _id_list(counts.ids))
        .filter(reported_on__gte=period_start, reported_on__lte=period_end)
        .exclude(status=ReportStatus.DRAFT)
        .values("unit_id", "unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit__name")
    )
    reports_in_period = sum(a["n"] for a in activity)
    activity = activity[:15]
    charts.append(
        Chart(
            "units_activity",
            f"{period_label}报送进展最多的单位",
            ["单位", "进展条数"],
            [[a["unit__name"], a["n"]] for a in activity],
            [scope.link(("unit", a["unit_id"])) for a in activity],
        )
    )

    # Completion month by month (the share of the scope's tasks done at each month's end), from the plan's or
    # the year's start to this month: the last point is the 已完成 card. The running sum is over at most a
    # few hundred months.
    per_month = counts.completions_by_month()
    months = _months(trend_start(scope=scope, plans=shown_plans, today=today), today)
    rows = []
    running = sum(n for m, n in per_month.items() if months and m < months[0])
    for month in months:
        running += per_month.get(month, 0)
        rows.append([f"{month:%Y-%m}", running, round(100 * running / total.total, 1) if total.total else 0])
    charts.append(
        Chart(
            "trend",
            "完成率月度趋势",
            ["月份", "累计完成", "完成率(%)"],
            rows,
            [scope.link(("status", "done"))] * len(rows),
        )
    )

    # Overdue and at-risk tasks, and the next 30 days' deadlines.
    # Read from the scope's rows when it was read (the same status and warning), then the few tasks by id.
    risky = counts.first_due(lambda r: r[4] == TaskStatus.OVERDUE or r[5] in ("yellow", "blue"))
    if risky is None:
        risky = tasks.filter(status_filter(TaskStatus.OVERDUE, today=today) | Q(warning__level__in=["yellow", "blue"]))
    risky = list(
        with_status(risky, today=today)
        .select_related("plan")
        .prefetch_related("clauses__assignments__unit")
        .order_by("due_on", "pk")[:30]
    )
    soon = today + dt.timedelta(days=30)
    upcoming = counts.first_due(lambda r: r[7] is not None and today <= r[7] <= soon and r[4] != TaskStatus.DONE)
    if upcoming is None:
        upcoming = tasks.filter(due_on__gte=today, due_on__lte=soon).exclude(
            status_filter(TaskStatus.DONE, today=today)
        )
    upcoming = list(with_status(upcoming, today=today).select_related("plan").order_by("due_on", "pk")[:30])
    for task in risky:
        task.days_late = (today - task.due_on).days if task.due_on and task.due_on < today else 0
        task.lead_units = sorted(
            {
                a.unit.name
                for c in task.clauses.all()
                for a in c.assignments.all()
                if a.role != AssignmentRole.COOPERATING and a.deleted_at is None
            }
        )
    charts += assessment_charts(user=user, year=year)
    # The annual report's statutory calendar: last year's reports not yet published, from a month before
    # they are due (two queries).
    deadlines = calendars_for(jurisdictions=jurisdictions, today=today)
    pairs_due = sum(u.due_report for u in due)

    return {
        "total": total,
        "charts": charts,
        "risky": risky,
        "upcoming": upcoming,
        "plans": all_plans,
        "selected_plan": plan,
        "selected_year": year,
        "years": year_choices(plans=all_plans, today=today, selected=year),
        "scope": scope,
        "jurisdictions": jurisdictions,
        "status_links": {
            "total": scope.link(),
            "done": scope.link(("status", "done")),
            "overdue": scope.link(("status", "overdue")),
            "red": scope.link(("warning", "red")),
            "yellow": scope.link(("warning", "yellow")),
            "blue": scope.link(("warning", "blue")),
            "open": scope.link(*(("status", s) for s in ("not_started", "in_progress", "overdue"))),
        },
        "period_label": period_label,
        "counts": {
            "reports": reports_in_period,
            # (unit, task) pairs due a report in the period, and the share of them reported on.
            "reporting_rate": round(100 * sum(u.reported for u in due) / pairs_due) if pairs_due else None,
            "silent": len(silent),
        },
        "report_deadlines": deadlines,
        # Done on time, after an approved extension, or late (issue 15): the 已完成 card's breakdown.
        "timeliness": counts.timeliness(),
    }


def assessment_charts(*, user: User, year: int | None = None) -> list[Chart]:
    """The latest assessment with results (for a city, the latest of its districts', named in the title):
    ranking within departments and within townships, and the spread of scores in 10-point bands. Two
    queries (the cycle, then its ranking); without results, the latest cycle as an empty chart that says so.
    With ``year``, that year's assessment (assessments are by year, not by plan)."""
    scored = Submission.objects.filter(cycle=OuterRef("pk"), final_total__isnull=False)
    cycles = AssessmentCycle.objects.visible_to(user)
    if year is not None:
        cycles = cycles.filter(year=year)
    cycle = cycles.filter(Exists(scored)).select_related("jurisdiction").order_by("-year", "jurisdiction__name").first()
    if cycle is None:
        # A cycle under way with nothing reviewed yet: say so rather than leave the leader guessing.
        cycle = cycles.order_by("-year", "jurisdiction__name").first()
        if cycle is None:
            return []
        return [Chart("assessment", f"{cycle.year}年度考核排名(尚无核定得分)", ["单位", "总分", "名次"], [], [])]
    link = reverse("assessment:ranking", args=[cycle.pk])
    state = "已审定" if cycle.approved else "审核中,未发布"
    # A city's leader sees several districts: say whose assessment this is.
    whose = cycle.jurisdiction.name if len(user.jurisdictions()) > 1 else ""
    charts = []
    bands: dict[str, list[int]] = {}
    kinds = assessment_selectors.ranking(cycle=cycle)
    for position, block in enumerate(kinds):
        rows = [
            [r.submission.unit.name, float(r.submission.final_total), r.rank] for r in block.rows if r.rank is not None
        ]
        charts.append(
            Chart(
                f"assessment-{block.kind}",
                f"{whose}{cycle.year}年度考核排名 · {block.label}({state})",
                ["单位", "总分", "名次"],
                rows,
                [link] * len(rows),
            )
        )
        for band in block.bands:
            bands.setdefault(band.label, [0] * len(kinds))[position] = band.count
    rows = [[label, sum(counts), *counts] for label, counts in bands.items()]
    charts.append(
        Chart(
            "assessment-bands",
            f"{whose}{cycle.year}年度考核得分分布({state})",
            ["分数段", "单位数", *(block.label for block in kinds)],
            rows,
            [link] * len(rows),
        )
    )
    return charts
