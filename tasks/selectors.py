"""Reads of the tasks app: statuses, rollups, 工作台 and reminder lists, all aggregated in SQL.

Every function here issues a fixed number of queries whatever the number of tasks or reports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from lawgov.models import Notification, Role, Unit, UnitKind, User
from plans.models import Assignment, AssignmentRole, Plan, Section, Task
from plans.selectors import plan_tree, tasks_with_parts
from tasks.models import WAITING_FOR_REVIEW, Evidence, ProgressReport, ReportStatus
from tasks.status import TaskStatus, status_expression, status_filter, task_status, warn_days


def with_status(tasks: QuerySet[Task], *, today: dt.date) -> QuerySet[Task]:
    """Annotate ``status`` (tasks.status rule in SQL) and the latest report date."""
    return tasks.annotate(status=status_expression(today=today)).select_related("progress")


@dataclass
class Rollup:
    total: int = 0
    done: int = 0
    overdue: int = 0
    at_risk: int = 0

    @property
    def rate(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, other: Rollup) -> None:
        self.total += other.total
        self.done += other.done
        self.overdue += other.overdue
        self.at_risk += other.at_risk


def _rollup_counts(today: dt.date) -> dict:
    return {
        "total": Count("id"),
        "done": Count("id", filter=status_filter(TaskStatus.DONE, today=today)),
        "overdue": Count("id", filter=status_filter(TaskStatus.OVERDUE, today=today)),
        "at_risk": Count("id", filter=status_filter(TaskStatus.AT_RISK, today=today)),
    }


def rollup(tasks: QuerySet[Task], *, today: dt.date) -> Rollup:
    return Rollup(**tasks.aggregate(**_rollup_counts(today)))


def rollup_by(tasks: QuerySet[Task], key: str, *, today: dt.date) -> dict:
    """One GROUP BY query: ``key`` → Rollup (key e.g. "section_id", "plan_id")."""
    rows = tasks.order_by().values(key).annotate(**_rollup_counts(today))
    return {row[key]: Rollup(row["total"], row["done"], row["overdue"], row["at_risk"]) for row in rows}


def rollup_by_unit(tasks: QuerySet[Task], *, today: dt.date, role: str | None = None) -> list[tuple[Unit, Rollup]]:
    """Per unit with a part in the tasks (through their assignments), most overdue first."""
    assignments = Assignment.objects.active().filter(clause__task__in=tasks)
    if role:
        assignments = assignments.filter(role=role)
    rows = (
        assignments.order_by()
        .values("unit_id")
        .annotate(
            total=Count("clause__task", distinct=True),
            done=Count(
                "clause__task",
                distinct=True,
                filter=status_filter(TaskStatus.DONE, today=today, prefix="clause__task__"),
            ),
            overdue=Count(
                "clause__task",
                distinct=True,
                filter=status_filter(TaskStatus.OVERDUE, today=today, prefix="clause__task__"),
            ),
            at_risk=Count(
                "clause__task",
                distinct=True,
                filter=status_filter(TaskStatus.AT_RISK, today=today, prefix="clause__task__"),
            ),
        )
    )
    data = {r["unit_id"]: Rollup(r["total"], r["done"], r["overdue"], r["at_risk"]) for r in rows}
    units = Unit.objects.in_bulk(list(data))
    return sorted(((units[k], v) for k, v in data.items()), key=lambda p: (-p[1].overdue, -p[1].total, p[0].name))


@dataclass
class ProgressSection:
    section: Section | None
    rollup: Rollup = field(default_factory=Rollup)
    children: list[ProgressSection] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return self.rollup.total


def plan_progress(
    *,
    plan: Plan,
    user: User,
    today: dt.date,
    unit: Unit | None = None,
    role: str | None = None,
    status: str | None = None,
) -> tuple[ProgressSection, Rollup]:
    """The plan's section tree with per-section completion computed in SQL and each task's status."""
    tasks = Task.objects.visible_to(user).filter(plan=plan)
    if unit is not None:
        tasks = tasks.with_unit(unit.covering_ids() if not unit.is_group else [unit.pk], role)
    elif role:
        tasks = tasks.filter(pk__in=Assignment.objects.active().filter(role=role).values("clause__task_id"))
    if status in TaskStatus.values:
        tasks = tasks.filter(status_filter(status, today=today))
    by_section = rollup_by(tasks, "section_id", today=today)
    listed = with_status(tasks, today=today).order_by("position")
    tree = plan_tree(plan=plan, user=user, tasks=listed)

    def convert(node) -> ProgressSection:
        out = ProgressSection(section=node.section, tasks=node.tasks)
        out.rollup.add(by_section.get(node.section.pk if node.section else None, Rollup()))
        for child in node.children:
            converted = convert(child)
            out.children.append(converted)
            out.rollup.add(converted.rollup)
        return out

    root = convert(tree)
    return root, root.rollup


def task_timeline(*, task: Task, user: User) -> list[ProgressReport]:
    """The progress reports of a task the user may see, newest first, with evidence; deleted ones only for
    the legal office."""
    reports = (
        ProgressReport.objects.with_deleted_for(user)
        if user.role == Role.LEGAL_OFFICE
        else (ProgressReport.objects.visible_to(user))
    )
    return list(
        reports.filter(task=task)
        .select_related("unit", "entered_by", "reviewed_by", "deleted_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.active()))
        .order_by("-reported_on", "-id")
    )


def reporter_workbench(*, user: User, today: dt.date) -> dict:
    """A reporter's 工作台: its unit's tasks by status, due soon first; its returned reports on top."""
    tasks = (
        with_status(Task.objects.visible_to(user), today=today)
        .select_related("plan")
        .order_by("due_on", "plan_id", "position")
    )
    returned = list(
        ProgressReport.objects.visible_to(user)
        .filter(unit_id=user.unit_id, status=ReportStatus.RETURNED)
        .select_related("task")
        .order_by("-reviewed_at")
    )
    drafts = list(
        ProgressReport.objects.visible_to(user)
        .filter(unit_id=user.unit_id, status=ReportStatus.DRAFT)
        .select_related("task")
    )
    groups: dict[str, list[Task]] = {s: [] for s in TaskStatus.values}
    for task in tasks:
        groups[task.status].append(task)
    order = [
        TaskStatus.OVERDUE,
        TaskStatus.AT_RISK,
        TaskStatus.IN_PROGRESS,
        TaskStatus.NOT_STARTED,
        TaskStatus.DONE,
    ]
    labels = dict(TaskStatus.choices)
    return {
        "returned": returned,
        "drafts": drafts,
        "groups": [(s, labels[s], groups[s]) for s in order],
        "total": sum(len(v) for v in groups.values()),
    }


def silent_units(*, user: User, today: dt.date) -> QuerySet[Unit]:
    """Units of the jurisdiction with work assigned that have sent no report this month."""
    month_start = today.replace(day=1)
    jurisdictions = user.jurisdictions()
    reported = ProgressReport.objects.active().filter(
        unit=OuterRef("pk"),
        reported_on__gte=month_start,
        status__in=[*WAITING_FOR_REVIEW, ReportStatus.ACCEPTED],
    )
    working = Assignment.objects.active().filter(
        unit=OuterRef("pk"), clause__task__deleted_at=None, clause__task__plan__deleted_at=None
    )
    return (
        Unit.objects.active()
        .filter(jurisdiction__in=jurisdictions)
        .exclude(kind=UnitKind.GROUP)
        .filter(Exists(working))
        .exclude(Exists(reported))
        .order_by("kind", "name")
    )


def legal_office_workbench(*, user: User, today: dt.date) -> dict:
    waiting = (
        ProgressReport.objects.reviewable_by(user)
        .filter(status__in=WAITING_FOR_REVIEW)
        .select_related("task__plan", "unit", "entered_by")
        .order_by("submitted_at")
    )
    overdue = (
        with_status(Task.objects.visible_to(user), today=today)
        .filter(status_filter(TaskStatus.OVERDUE, today=today))
        .select_related("plan")
        .order_by("due_on")
    )
    return {
        "waiting": list(waiting[:50]),
        "waiting_count": waiting.count(),
        "overdue": list(overdue[:50]),
        "overdue_count": overdue.count(),
        "silent": list(silent_units(user=user, today=today)[:100]),
    }


def legal_office_digest(*, user: User, today: dt.date) -> dict:
    return {
        "waiting": ProgressReport.objects.reviewable_by(user).filter(status__in=WAITING_FOR_REVIEW).count(),
        "overdue": Task.objects.visible_to(user).filter(status_filter(TaskStatus.OVERDUE, today=today)).count(),
        "silent_units": silent_units(user=user, today=today).count(),
    }


@dataclass
class ReminderItem:
    kind: str
    task_id: int
    unit_id: int
    users: list[User]
    title: str
    body: str
    url: str


def reminder_items(*, today: dt.date, days: int | None = None) -> Iterator[ReminderItem]:
    """What each unit must hear today: tasks due within ``days``, overdue tasks, returned reports."""
    days = warn_days() if days is None else days
    open_tasks = Task.objects.active().filter(progress__completed_on__isnull=True) | Task.objects.active().filter(
        progress__isnull=True
    )
    due_soon = Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
    overdue = Q(due_on__lt=today)
    relevant = open_tasks.filter(due_soon | overdue).values("pk")
    assignments = (
        Assignment.objects.active()
        .filter(clause__task__in=relevant)
        .select_related("unit", "clause__task")
        .order_by("clause__task_id")
    )
    users_by_unit: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.REPORTER, is_active=True).exclude(unit=None):
        users_by_unit[user.unit_id].append(user)
    group_members: dict[int, list[int]] = {}
    seen: set[tuple[int, int]] = set()
    for a in assignments:
        unit_ids = [a.unit_id]
        if a.unit.kind == UnitKind.GROUP:
            if a.unit_id not in group_members:
                group_members[a.unit_id] = list(a.unit.expand().values_list("pk", flat=True))
            unit_ids = group_members[a.unit_id]
        task = a.clause.task
        kind = Notification.Kind.OVERDUE if task.due_on < today else Notification.Kind.DUE_SOON
        for unit_id in unit_ids:
            if (task.pk, unit_id) in seen or not users_by_unit.get(unit_id):
                continue
            seen.add((task.pk, unit_id))
            if kind == Notification.Kind.OVERDUE:
                title = f"任务已逾期 {(today - task.due_on).days} 天:{task.number}. {task.heading[:40]}"
            else:
                title = f"任务将于 {task.due_on:%m月%d日} 到期:{task.number}. {task.heading[:40]}"
            yield ReminderItem(
                kind=kind,
                task_id=task.pk,
                unit_id=unit_id,
                users=users_by_unit[unit_id],
                title=title,
                body=f"时限:{task.due_on:%Y-%m-%d}。请及时填报进展。",
                url=reverse("tasks:detail", args=[task.pk]),
            )
    returned = ProgressReport.objects.active().filter(status=ReportStatus.RETURNED).select_related("task")
    for report in returned:
        if not users_by_unit.get(report.unit_id):
            continue
        yield ReminderItem(
            kind=Notification.Kind.RETURNED,
            task_id=report.task_id,
            unit_id=report.unit_id,
            users=users_by_unit[report.unit_id],
            title=f"有被退回的进展待修改:{report.task.number}. {report.task.heading[:40]}",
            body=f"退回理由:{report.return_reason}",
            url=reverse("tasks:detail", args=[report.task_id]),
        )


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def latest_report_dates(tasks: QuerySet[Task]) -> dict[int, dt.date]:
    rows = ProgressReport.objects.active().filter(task__in=tasks).values("task_id").annotate(last=Max("reported_on"))
    return {r["task_id"]: r["last"] for r in rows}


ROLE_LABELS = dict(AssignmentRole.choices)


def task_list(*, user: User, today: dt.date) -> QuerySet[Task]:
    """The base of every task list (HTML, API, export): visible tasks with status and their parts."""
    return tasks_with_parts(with_status(Task.objects.visible_to(user), today=today))


# ---------------------------------------------------------------------------------------------------
# API rows: plain dicts built from a few .values() queries, so a page of 500 tasks costs the same
# handful of queries as a page of 5 and no per-object serializer work.


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# The task list's follow-up queries are plain SQL (a page of the list is the API's busiest call and the ORM's
# compilation cost more than the queries themselves); these turn a driver's values into what the ORM gives.
def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> dt.datetime | None:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)  # SQLite keeps UTC without an offset
    return value


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


CLAUSE, DEADLINE, TARGET = 0, 1, 2


def _task_parts(ids: list[int], *, with_targets: bool) -> list[tuple]:
    """A page's clauses with their live assignments and units, its deadlines and (for one task) its targets,
    in one round trip: one UNION ALL, each part's values in the same eleven columns, ordered by part, task
    and then as each part is ordered on its own. A clause without units (大兴) still comes back.

    Columns: part, task_id, position, id, text, unit_id, unit name, role, printed name or measure, then
    two values cast to text (a deadline's date and rule; a target's value and period), so that SQLite and
    PostgreSQL agree on the types.
    """
    marks = ", ".join(["%s"] * len(ids))
    parts = [
        f"""SELECT {CLAUSE} AS part, c.task_id, c.position AS k1, COALESCE(a.position, 0) AS k2,
               COALESCE(a.id, 0) AS k3, c.id, c.text, a.unit_id, u.name, a.role, a.printed_name,
               CAST(NULL AS TEXT) AS first, CAST(NULL AS TEXT) AS second
        FROM plans_clause c
        LEFT JOIN plans_assignment a ON a.clause_id = c.id AND a.deleted_at IS NULL
        LEFT JOIN lawgov_unit u ON u.id = a.unit_id
        WHERE c.task_id IN ({marks})""",
        f"""SELECT {DEADLINE}, task_id, id, 0, 0, id, text, NULL, NULL, NULL, NULL, CAST(due_on AS TEXT),
               CAST(recurrence AS TEXT)
        FROM plans_deadline WHERE task_id IN ({marks})""",
    ]
    if with_targets:
        parts.append(
            f"""SELECT {TARGET}, task_id, id, 0, 0, id, text, NULL, NULL, NULL, measure, CAST(value AS TEXT), period
            FROM plans_target WHERE task_id IN ({marks})"""
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 2, 3, 4, 5", ids * len(parts))
        # Drop the two ordering keys (k2, k3): callers read part, task, position/id order, then the values.
        return [(r[0], r[1], r[2], *r[5:]) for r in cursor.fetchall()]


TASK_ROW_FIELDS = (
    "id",
    "plan_id",
    "plan__title",
    "section_id",
    "section__label",
    "section__title",
    "section__path",
    "number",
    "path",
    "heading",
    "text",
    "due_on",
    "updated_at",
    "progress__completed_on",
    "progress__last_report_on",
    "latest_report_id",
)


def task_values(tasks: QuerySet[Task], *, user: User, today: dt.date, latest: bool = True) -> QuerySet:
    """The filtered, ordered task queryset as the rows the API needs: each task's own fields, from which
    ``task_rows_for`` computes the status, and for a reporter the id of its latest visible report
    (``latest=False`` leaves that out, for one task whose reports are all fetched anyway)."""
    # Status is computed per row in Python by the same rule (tasks.status.task_status): cheaper than the SQL
    # CASE on a page, and the SQL form stays where it is needed, in filters and rollups.
    if not latest or user.role != Role.REPORTER:
        # Everyone else's latest report is the newest submitted one of the task (``latest_reports``),
        # found after the page is known, not in the page's query.
        return tasks.values(*TASK_ROW_FIELDS[:-1])
    # A reporter's own drafts count as its latest, others' do not: ProgressReport.visible_to decides.
    newest = (
        ProgressReport.objects.visible_to(user).filter(task=OuterRef("pk")).order_by("-reported_on", "-id")
    ).values("id")[:1]
    return tasks.annotate(latest_report_id=Subquery(newest)).values(*TASK_ROW_FIELDS)


def task_rows_for(
    *, rows: list[dict], user: User, today: dt.date, with_reports: bool = False, with_targets: bool = False
) -> list[dict]:
    """Complete a page of ``task_values`` rows with clauses and units, deadlines, the latest report (and,
    for one task, all its reports and targets): three to five more queries whatever the page size."""
    tasks: dict[int, dict] = {}
    report_ids = []
    warn = warn_days()
    for r in rows:
        tasks[r["id"]] = {
            "id": r["id"],
            "plan": {"id": r["plan_id"], "title": r["plan__title"]},
            "section": (
                {
                    "id": r["section_id"],
                    "label": r["section__label"],
                    "title": r["section__title"],
                    "path": r["section__path"],
                }
                if r["section_id"]
                else None
            ),
            "number": r["number"],
            "path": r["path"],
            "heading": r["heading"],
            "text": r["text"],
            "due_on": _iso(r["due_on"]),
            "status": task_status(
                due_on=r["due_on"],
                completed_on=r["progress__completed_on"],
                last_report_on=r["progress__last_report_on"],
                today=today,
                warn=warn,
            ).value,
            "completed_on": _iso(r["progress__completed_on"]),
            "updated_at": _iso(r["updated_at"]),
            "clauses": [],
            "deadlines": [],
            "latest_progress": None,
        }
        if r.get("latest_report_id"):
            report_ids.append(r["latest_report_id"])
    if not tasks:
        return []
    ids = list(tasks)
    if with_targets:
        for task in tasks.values():
            task["targets"] = []
    clauses: dict[int, dict] = {}
    for part, task_id, position, row_id, text, unit_id, name, role, label, first, second in _task_parts(
        ids, with_targets=with_targets
    ):
        if part == CLAUSE:
            clause = clauses.get(row_id)
            if clause is None:
                clause = clauses[row_id] = {"id": row_id, "position": position, "text": text, "units": []}
                tasks[task_id]["clauses"].append(clause)
            if unit_id:
                clause["units"].append({"id": unit_id, "name": name, "role": role, "printed_name": label})
        elif part == DEADLINE:
            tasks[task_id]["deadlines"].append(
                {"text": text, "due_on": _iso(_date(first)), "recurrence": _json(second)}
            )
        else:
            tasks[task_id]["targets"].append(
                {"text": text, "value": float(first) if first is not None else None, "measure": label, "period": second}
            )
    if with_reports:
        for task in tasks.values():
            task["progress_reports"] = []
        if user.role in (Role.LEADER, Role.API_CLIENT) and not user.is_superuser:
            # What ProgressReport.visible_to gives leaders and API clients on tasks of their jurisdictions
            # (every submitted report, never a draft), for tasks already checked to be theirs: plain SQL,
            # like the list's latest reports, for the call other systems make most.
            marks = ", ".join(["%s"] * len(ids))
            reports = _report_rows(
                f"r.task_id IN ({marks}) AND r.deleted_at IS NULL AND r.status <> %s "
                "ORDER BY r.reported_on DESC, r.id DESC",
                [*ids, ReportStatus.DRAFT.value],
            )
        else:
            reports = [
                report_row(p)
                for p in ProgressReport.objects.visible_to(user)
                .filter(task_id__in=ids)
                .order_by("-reported_on", "-id")
                .values(*REPORT_FIELDS)
            ]
        # The latest progress is the newest of these that the list would show: a reporter's own drafts
        # count for it (as in ``task_values``), nobody else's drafts do.
        drafts_count = user.role == Role.REPORTER
        for row in reports:
            task = tasks[row["task"]]
            task["progress_reports"].append(row)
            if task["latest_progress"] is None and (drafts_count or row["status"] != ReportStatus.DRAFT):
                task["latest_progress"] = row
    elif report_ids:
        for p in reports_by_id(report_ids):
            tasks[p["task"]]["latest_progress"] = p
    elif user.role != Role.REPORTER:
        for p in latest_reports(ids):
            tasks[p["task"]]["latest_progress"] = p
    return [tasks[r["id"]] for r in rows]


def task_rows(*, ids: list[int], user: User, today: dt.date, with_reports: bool = False) -> list[dict]:
    """Rows for known task ids, in the order given (exports walk a long list in chunks this way)."""
    if not ids:
        return []
    by_id = {r["id"]: r for r in task_values(Task.objects.filter(pk__in=ids), user=user, today=today)}
    rows = [by_id[i] for i in ids if i in by_id]
    return task_rows_for(rows=rows, user=user, today=today, with_reports=with_reports, with_targets=with_reports)


REPORT_FIELDS = (
    "id",
    "task_id",
    "unit_id",
    "unit__name",
    "reported_on",
    "text",
    "percent",
    "claims_completion",
    "status",
    "on_behalf",
    "submitted_at",
    "reviewed_at",
    "return_reason",
    "updated_at",
    "version",
)


REPORT_COLUMNS = """
    r.id, r.task_id, r.unit_id, u.name, r.reported_on, r.text, r.percent, r.claims_completion, r.status,
    r.on_behalf, r.submitted_at, r.reviewed_at, r.return_reason, r.updated_at, r.version
"""


def _report_rows(where: str, params: list) -> list[dict]:
    """``report_row`` dicts from plain SQL (the task list's latest reports: one query for a whole page)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {REPORT_COLUMNS} FROM tasks_progressreport r JOIN lawgov_unit u ON u.id = r.unit_id WHERE {where}",
            params,
        )
        return [
            report_row(
                {
                    "id": r[0],
                    "task_id": r[1],
                    "unit_id": r[2],
                    "unit__name": r[3],
                    "reported_on": _date(r[4]),
                    "text": r[5],
                    "percent": r[6],
                    "claims_completion": bool(r[7]),
                    "status": r[8],
                    "on_behalf": bool(r[9]),
                    "submitted_at": _moment(r[10]),
                    "reviewed_at": _moment(r[11]),
                    "return_reason": r[12],
                    "updated_at": _moment(r[13]),
                    "version": r[14],
                }
            )
            for r in cursor.fetchall()
        ]


def reports_by_id(ids: list[int]) -> list[dict]:
    """Known report ids (a reporter's latest reports, picked by ``ProgressReport.visible_to``)."""
    if not ids:
        return []
    return _report_rows(f"r.id IN ({', '.join(['%s'] * len(ids))})", ids)


def latest_reports(task_ids: list[int]) -> list[dict]:
    """The newest submitted (not draft, not deleted) report of each task: what the legal office, leaders
    and API clients see as a task's latest progress. The tasks are already those the caller may see."""
    if not task_ids:
        return []
    marks = ", ".join(["%s"] * len(task_ids))
    return _report_rows(
        f"""r.id IN (
            SELECT (
                SELECT l.id FROM tasks_progressreport l
                WHERE l.task_id = t.id AND l.deleted_at IS NULL AND l.status <> %s
                ORDER BY l.reported_on DESC, l.id DESC LIMIT 1
            ) FROM plans_task t WHERE t.id IN ({marks})
        )""",
        [ReportStatus.DRAFT.value, *task_ids],
    )


def report_row(p: dict) -> dict:
    return {
        "id": p["id"],
        "task": p["task_id"],
        "unit": {"id": p["unit_id"], "name": p["unit__name"]},
        "reported_on": _iso(p["reported_on"]),
        "text": p["text"],
        "percent": p["percent"],
        "claims_completion": p["claims_completion"],
        "status": p["status"],
        "on_behalf": p["on_behalf"],
        "submitted_at": _iso(p["submitted_at"]),
        "reviewed_at": _iso(p["reviewed_at"]),
        "return_reason": p["return_reason"],
        "updated_at": _iso(p["updated_at"]),
        "version": p["version"],
    }
