"""Reads of the tasks app: statuses, rollups, 工作台 and reminder lists, all aggregated in SQL.

Every function here issues a fixed number of queries whatever the number of tasks or reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from lawgov.models import Notification, Role, Unit, UnitKind, User
from lawgov.selectors import calendar_for, calendars_for  # noqa: F401 (the tasks app's callers read them here)
from plans.models import ROLE_STRENGTH, Assignment, AssignmentRole, Plan, Section, Task
from plans.selectors import plan_tree, tasks_with_parts
from tasks.models import (
    WAITING_FOR_REVIEW,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    ProgressReport,
    ReportStatus,
    SweepRun,
    WarningLevel,
)
from tasks.status import TaskStatus, status_expression, status_filter, warn_days
from tasks.wording import date_label


def with_status(tasks: QuerySet[Task], *, today: dt.date) -> QuerySet[Task]:
    """Annotate ``status`` (tasks.status rule in SQL) and the latest report date."""
    return tasks.annotate(status=status_expression(today=today)).select_related("progress", "warning")


@dataclass
class Rollup:
    """Counts over some tasks: done and overdue by status, and the warnings the daily sweep stored."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    red: int = 0
    yellow: int = 0
    blue: int = 0

    @property
    def rate(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def warned(self) -> int:
        return self.red + self.yellow + self.blue

    def add(self, other: Rollup) -> None:
        for name in ROLLUP_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


ROLLUP_FIELDS = ("total", "done", "overdue", "red", "yellow", "blue")


def _rollup_counts(today: dt.date, *, field: str = "id", prefix: str = "", distinct: bool = False) -> dict:
    def count(condition: Q | None = None) -> Count:
        return Count(field, filter=condition, distinct=distinct)

    return {
        "total": count(),
        "done": count(status_filter(TaskStatus.DONE, today=today, prefix=prefix)),
        "overdue": count(status_filter(TaskStatus.OVERDUE, today=today, prefix=prefix)),
        **{level: count(Q(**{f"{prefix}warning__level": level})) for level in ("red", "yellow", "blue")},
    }


def _rollup(row: dict) -> Rollup:
    return Rollup(**{name: row[name] for name in ROLLUP_FIELDS})


def rollup(tasks: QuerySet[Task], *, today: dt.date) -> Rollup:
    return Rollup(**tasks.aggregate(**_rollup_counts(today)))


def rollup_by(tasks: QuerySet[Task], key: str, *, today: dt.date) -> dict:
    """One GROUP BY query: ``key`` → Rollup (key e.g. "section_id", "plan_id")."""
    rows = tasks.order_by().values(key).annotate(**_rollup_counts(today))
    return {row[key]: _rollup(row) for row in rows}


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
        for task in node.tasks:
            # One badge per unit: two clauses led by the same unit showed it twice.
            task.unit_badges = task_unit_badges(task, roles=ALL_ROLES)
        out = ProgressSection(section=node.section, tasks=node.tasks)
        out.rollup.add(by_section.get(node.section.pk if node.section else None, Rollup()))
        for child in node.children:
            converted = convert(child)
            out.children.append(converted)
            out.rollup.add(converted.rollup)
        return out

    root = convert(tree)
    return root, root.rollup


def task_timeline(*, task: Task, user: User, with_deleted: bool = False) -> list[ProgressReport]:
    """The progress reports of a task the user may see, newest first, with evidence; deleted ones only for
    the legal office, and only when it asks (the task page's 显示已删除的进展)."""
    reports = (
        ProgressReport.objects.with_deleted_for(user)
        if with_deleted and (user.role == Role.LEGAL_OFFICE or user.is_superuser)
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
    tasks = list(tasks)
    states = reporting_states(unit_id=user.unit_id, tasks=[t.pk for t in tasks], user=user, today=today)
    groups: dict[str, list[Task]] = {s: [] for s in TaskStatus.values}
    plans: dict[int, Plan] = {}
    for task in tasks:
        task.reporting = states.get(task.pk, ReportingState())
        groups[task.status].append(task)
        plans.setdefault(task.plan_id, task.plan)
    order = [
        TaskStatus.OVERDUE,
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
        # The plans the unit has tasks in: each gets its Excel round trip (导出/导入进展表) on the 工作台.
        "plans": sorted(plans.values(), key=lambda p: (-(p.issued_on or dt.date.min).toordinal(), p.pk)),
    }


@dataclass
class ReportingState:
    """Where a unit stands with its reports on one task: counts by state and the last date it reported."""

    drafts: int = 0
    waiting: int = 0
    returned: int = 0
    this_month: int = 0
    last_reported_on: dt.date | None = None

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(key, 中文) of each state that holds, in the order a reporter acts on them."""
        out = []
        if self.returned:
            out.append(("returned", "已退回"))
        if self.drafts:
            out.append(("draft", "草稿"))
        if self.waiting:
            out.append(("waiting", "待审核"))
        if self.this_month:
            out.append(("month", "本月已报"))
        return out


def reporting_states(*, unit_id: int, tasks: list[int], user: User, today: dt.date) -> dict[int, ReportingState]:
    """Per task, the unit's reporting state (``ReportingState``), in one GROUP BY query whatever the number
    of tasks and reports. 本月已报 counts reports dated this month that were submitted (waiting or accepted);
    the last report date is that of the latest report that left the unit (not a draft)."""
    if not tasks:
        return {}
    month_start = today.replace(day=1)
    sent = Q(status__in=(*WAITING_FOR_REVIEW, ReportStatus.ACCEPTED))
    rows = (
        ProgressReport.objects.visible_to(user)
        .filter(unit_id=unit_id, task_id__in=tasks)
        .order_by()
        .values("task_id")
        .annotate(
            drafts=Count("id", filter=Q(status=ReportStatus.DRAFT)),
            waiting=Count("id", filter=Q(status__in=WAITING_FOR_REVIEW)),
            returned=Count("id", filter=Q(status=ReportStatus.RETURNED)),
            this_month=Count("id", filter=sent & Q(reported_on__gte=month_start, reported_on__lte=today)),
            last_reported_on=Max("reported_on", filter=~Q(status=ReportStatus.DRAFT)),
        )
    )
    return {r.pop("task_id"): ReportingState(**r) for r in rows}


def last_accepted_percent(*, task: Task, unit: Unit) -> int | None:
    """The percent of the unit's latest accepted report on the task: where a new report's 完成比例 starts."""
    return (
        ProgressReport.objects.active()
        .filter(task=task, unit=unit, status=ReportStatus.ACCEPTED)
        .order_by("-reported_on", "-id")
        .values_list("percent", flat=True)
        .first()
    )


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
        Unit.objects.offered()
        .filter(jurisdiction__in=jurisdictions)
        .exclude(kind=UnitKind.GROUP)
        .filter(Exists(working))
        .exclude(Exists(reported))
        .order_by("kind", "name")
    )


def legal_office_workbench(*, user: User, today: dt.date) -> dict:
    waiting = review_queue(user=user)
    overdue = (
        with_status(Task.objects.visible_to(user), today=today)
        .filter(status_filter(TaskStatus.OVERDUE, today=today))
        .select_related("plan")
        .order_by("due_on")
    )
    levels = dict(
        Task.objects.visible_to(user)
        .filter(warning__level__in=["red", "yellow", "blue"])
        .order_by()
        .values_list("warning__level")
        .annotate(n=Count("pk"))
    )
    return {
        "warnings": [(level, label, levels.get(level, 0)) for level, label in WarningLevel.choices if level != "none"],
        "last_sweep": SweepRun.objects.order_by("-day").first(),
        "waiting": list(waiting[:50]),
        "waiting_count": waiting.count(),
        "overdue": list(overdue[:50]),
        "overdue_count": overdue.count(),
        # Whether each silent unit can be chased in the platform, or must be called (its contact on the page).
        "silent": list(
            silent_units(user=user, today=today).annotate(
                has_reporters=Exists(User.objects.filter(unit=OuterRef("pk"), role=Role.REPORTER, is_active=True))
            )[:100]
        ),
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
    # Streamed as plain tuples (a city has a quarter of a million overdue assignments): only the columns needed.
    assignments = (
        Assignment.objects.active()
        .filter(clause__task__in=relevant)
        .order_by("clause__task_id")
        .values_list(
            "clause__task_id",
            "clause__task__number",
            "clause__task__heading",
            "clause__task__due_on",
            "unit_id",
            "unit__kind",
        )
    )
    users_by_unit: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.REPORTER, is_active=True).exclude(unit=None):
        users_by_unit[user.unit_id].append(user)
    group_members: dict[int, list[int]] = {}
    seen: set[int] = set()  # the units already told of the current task (the rows come ordered by task)
    current = None
    for task_id, number, heading, due_on, unit_id, unit_kind in assignments.iterator(chunk_size=2000):
        unit_ids = [unit_id]
        if unit_kind == UnitKind.GROUP:
            if unit_id not in group_members:
                group_members[unit_id] = list(Unit.objects.get(pk=unit_id).expand().values_list("pk", flat=True))
            unit_ids = group_members[unit_id]
        if task_id != current:
            current = task_id
            seen.clear()
        kind = Notification.Kind.OVERDUE if due_on < today else Notification.Kind.DUE_SOON
        for member in unit_ids:
            if member in seen or not users_by_unit.get(member):
                continue
            seen.add(member)
            if kind == Notification.Kind.OVERDUE:
                title = f"任务已逾期 {(today - due_on).days} 天:{number}. {heading[:40]}"
            else:
                title = f"任务将于 {date_label(due_on)} 到期:{number}. {heading[:40]}"
            yield ReminderItem(
                kind=kind,
                task_id=task_id,
                unit_id=member,
                users=users_by_unit[member],
                title=title,
                body=f"时限:{due_on:%Y-%m-%d}。请及时填报进展。",
                url=reverse("tasks:detail", args=[task_id]),
            )
    returned = (
        ProgressReport.objects.active()
        .filter(status=ReportStatus.RETURNED)
        .select_related("task")
        .only("id", "unit_id", "return_reason", "task__id", "task__number", "task__heading")
    )
    for report in returned.iterator(chunk_size=2000):
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


@dataclass
class UnitRoleWork:
    """A unit's part of one role (牵头, 配合, 责任): its clauses, and its tasks counted by status."""

    role: str
    label: str
    assignments: list[Assignment] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def task_count(self) -> int:
        return sum(self.by_status.values())

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(status, tasks) in the order of TaskStatus, zeros included: one table row per role."""
        return [(status, self.by_status.get(status, 0)) for status in TaskStatus.values]


def unit_work(unit: Unit, user: User, today: dt.date) -> dict | None:
    """What the unit's page shows of its work (the one place for it): its clauses by role with each task's
    status, task counts by role and status, its overdue tasks, reports this year and the date of the last.

    Four queries whatever the unit's number of tasks or reports (the group ids of ``covering_ids``, the
    user's jurisdictions, the clauses with their tasks' status, the reports' aggregate). A group phrase's
    page shows the work assigned to the phrase itself.
    """
    if user.role == Role.API_CLIENT:
        return None
    covering = unit.covering_ids()
    visible = Task.objects.visible_to(user)
    assignments = list(
        Assignment.objects.active()
        .filter(unit_id__in=covering, clause__task__in=visible)
        .annotate(task_status=status_expression(today=today, prefix="clause__task__"))
        .select_related("unit", "clause__task__plan", "clause__task__section")
        .order_by("clause__task__plan_id", "clause__task__position", "clause__position", "id")
    )
    labels = dict(AssignmentRole.choices)
    roles = {role: UnitRoleWork(role=role, label=labels[role]) for role in AssignmentRole.values}
    counted: set[tuple[str, int]] = set()
    overdue: dict[int, Task] = {}
    for a in assignments:
        work = roles[a.role]
        work.assignments.append(a)
        task = a.clause.task
        if (a.role, task.pk) not in counted:
            counted.add((a.role, task.pk))
            work.by_status[a.task_status] = work.by_status.get(a.task_status, 0) + 1
        if a.task_status == TaskStatus.OVERDUE:
            task.status = a.task_status
            overdue.setdefault(task.pk, task)
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(unit=unit)
        .exclude(status=ReportStatus.DRAFT)
        .aggregate(this_year=Count("id", filter=Q(reported_on__year=today.year)), last=Max("reported_on"))
    )
    return {
        "roles": list(roles.values()),
        "statuses": TaskStatus.choices,
        "overdue": sorted(overdue.values(), key=lambda t: (t.due_on or today, t.pk)),
        "reports_this_year": reports["this_year"],
        "last_report_on": reports["last"],
        "year": today.year,
        "task_total": len({a.clause.task_id for a in assignments}),
    }


def evidence_readable(user: User) -> QuerySet[Evidence]:
    """The evidence files ``user`` may download: the active files of the reports they may see (the legal
    office also those of soft-deleted reports, as on its report pages; a leader no unit's drafts). One rule
    for the progress pages' download and the assessment's cited evidence (issue 18: the latter served any
    unit's draft and deleted reports' files by walking the ids)."""
    return Evidence.objects.active().filter(report__in=ProgressReport.objects.with_deleted_for(user))


def completion_timeliness(tasks: QuerySet[Task]) -> dict[str, int]:
    """Completed tasks split as leaders and the annual report read them: finished on time (by the deadline, no
    extension), finished after an approved extension (by the extended deadline), and finished late (after the
    deadline in force). One aggregate query; the deadline in force is ``Task.due_on``, which an approved
    extension moved, so a task finished by its extended date counts as extended, not late."""
    approved = ExtensionRequest.objects.filter(status=ExtensionStatus.APPROVED).values("task_id")
    done = Task.objects.filter(pk__in=tasks.values("pk"), progress__completed_on__isnull=False)
    in_time = Q(due_on__isnull=True) | Q(progress__completed_on__lte=F("due_on"))
    return done.aggregate(
        on_time=Count("pk", filter=in_time & ~Q(pk__in=approved)),
        extended=Count("pk", filter=in_time & Q(pk__in=approved)),
        late=Count("pk", filter=Q(progress__completed_on__gt=F("due_on"))),
    )


# ---------------------------------------------------------------------------------------------------
# The legal office's review queue (待审核): one order everywhere, so 下一条待审核 walks what the queue shows

REVIEW_ORDER = ("submitted_at", "id")


def review_queue(*, user: User) -> QuerySet[ProgressReport]:
    """The reports waiting for this reviewer, oldest submission first (resubmissions queue by their new date)."""
    return (
        ProgressReport.objects.reviewable_by(user)
        .filter(status__in=WAITING_FOR_REVIEW)
        .select_related("task__plan", "unit", "entered_by")
        .order_by(*REVIEW_ORDER)
    )


def review_next(*, user: User, after: ProgressReport | None = None) -> ProgressReport | None:
    """下一条待审核: the first waiting report after ``after`` in queue order, else the first of the queue (a
    report skipped earlier comes round again), else None. Two queries at most."""
    queue = review_queue(user=user)
    if after is not None and after.submitted_at is not None:
        later = Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at, pk__gt=after.pk)
        found = queue.filter(later).exclude(pk=after.pk).first()
        if found is not None:
            return found
    return queue.exclude(pk=after.pk).first() if after is not None else queue.first()


# What a resubmission may have changed since it was returned, as the reviewer reads it.
_CHANGE_FIELDS = (
    ("reported_on", "进展日期"),
    ("percent", "完成比例"),
    ("text", "进展情况"),
    ("claims_completion", "申请完成"),
)


def resubmission_changes(reports: list[ProgressReport]) -> dict[int, list[str]]:
    """For each resubmitted report, what differs from the version the legal office returned: the fields changed
    and the evidence added since. An empty list means resubmitted unchanged. Two queries for any number."""
    ids = [r.pk for r in reports if r.status == ReportStatus.RESUBMITTED]
    if not ids:
        return {}
    # The version as returned is the history row the return wrote: the first returned row since the report's
    # last review (the unit's edits while returned write later rows with the same status).
    reviewed_at = {r.pk: r.reviewed_at for r in reports}
    returned: dict[int, object] = {}
    for row in ProgressReport.history.filter(id__in=ids, status=ReportStatus.RETURNED).order_by("id", "history_date"):
        since = reviewed_at.get(row.id)
        if row.id in returned and (since is None or returned[row.id].history_date >= since):
            continue
        returned[row.id] = row
    added: dict[int, int] = defaultdict(int)
    since = {pk: row.history_date for pk, row in returned.items()}
    for report_id, uploaded_at in (
        Evidence.objects.active().filter(report_id__in=ids).values_list("report_id", "uploaded_at")
    ):
        if report_id in since and uploaded_at > since[report_id]:
            added[report_id] += 1
    changes: dict[int, list[str]] = {}
    for report in reports:
        if report.pk not in ids:
            continue
        before = returned.get(report.pk)
        if before is None:
            changes[report.pk] = []
            continue
        found = []
        for name, label in _CHANGE_FIELDS:
            old, new = getattr(before, name), getattr(report, name)
            if old == new:
                continue
            if name == "percent":
                found.append(f"{label} {old}% → {new}%")
            elif name == "reported_on":
                found.append(f"{label} {old:%Y-%m-%d} → {new:%Y-%m-%d}")
            else:
                found.append(label)
        if added.get(report.pk):
            found.append(f"新增佐证材料 {added[report.pk]} 份")
        changes[report.pk] = found
    return changes


class UnitBadge(NamedTuple):
    """One unit of a task as a list shows it: the unit, its strongest role on the task, and that role's label."""

    unit: Unit
    role: str
    label: str


ALL_ROLES = (AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE, AssignmentRole.COOPERATING)


def task_unit_badges(
    task: Task, *, roles: tuple[str, ...] = (AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE)
) -> list[UnitBadge]:
    """One badge per unit of a task, whatever number of clauses name it, with the strongest role the unit holds
    in any of them (plans' ``ROLE_STRENGTH``: a unit leading one clause and helping with another leads), the
    strongest first; only ``roles`` are kept (the task list shows who answers for the task, not its helpers).
    Reads the prefetched clauses and assignments (``tasks_with_parts``): no query."""
    best: dict[int, tuple[Unit, str]] = {}
    for clause in task.clauses.all():
        for a in clause.assignments.all():
            held = best.get(a.unit_id)
            if held is None or ROLE_STRENGTH[a.role] > ROLE_STRENGTH[held[1]]:
                best[a.unit_id] = (a.unit, a.role)
    labels = dict(AssignmentRole.choices)
    ordered = sorted(best.values(), key=lambda pair: -ROLE_STRENGTH[pair[1]])
    return [UnitBadge(unit, role, labels[role]) for unit, role in ordered if role in roles]
