"""The 督办 cycle's writes and reads: 交办 (a task given to a unit, its reporters told) and 签收 (the unit
acknowledges it), and who has not signed.

Assignments are made in plans (at import, by hand, in bulk), which must not know this app: so delivery is
a small sweep of its own, ``assignments_deliver``, idempotent and cheap when there is nothing new (one
anti-join), run every few minutes by beat (``tasks.jobs.assignments_deliver``), by the embedded schedule's
minute check, and by the daily sweep. It reads the assignments as they are, so an import, a hand edit and a
bulk insert that sends no signal are all delivered the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from lawgov.errors import DomainError
from lawgov.models import Notification, Role, Unit, UnitKind, User
from plans.models import Assignment, Task
from tasks.calendar import WorkCalendar
from tasks.models import TaskSignature
from tasks.services import notification_send


class SupervisionError(DomainError):
    """A refused 督办 step (签收 by the wrong person, twice, …)."""


def _reporters_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.REPORTER, is_active=True, unit_id__in=list(unit_ids)):
        users[user.unit_id].append(user)
    return users


def assignments_deliver(*, task_ids: Iterable[int] | None = None) -> int:
    """交办: for every live assignment whose unit has no ``TaskSignature`` for the task yet, create it and
    tell the unit's reporters. A group phrase (各镇街) is delivered to each unit it stands for, and a row
    for the phrase itself marks it delivered. Returns the number of rows created; a second call creates
    none and sends nothing."""
    delivered = TaskSignature.objects.filter(task_id=OuterRef("clause__task_id"), unit_id=OuterRef("unit_id"))
    pending = (
        Assignment.objects.active()
        .filter(clause__task__deleted_at=None, clause__task__plan__deleted_at=None)
        .filter(~Exists(delivered))
    )
    if task_ids is not None:
        pending = pending.filter(clause__task_id__in=list(task_ids))
    rows = list(pending.values_list("clause__task_id", "unit_id", "unit__kind").distinct())
    if not rows:
        return 0
    now = timezone.now()
    pairs: dict[tuple[int, int], None] = {}
    expanded: dict[int, list[int]] = {}
    for task_id, unit_id, kind in rows:
        pairs[(task_id, unit_id)] = None
        if kind == UnitKind.GROUP:
            if unit_id not in expanded:
                expanded[unit_id] = list(Unit.objects.get(pk=unit_id).expand().values_list("pk", flat=True))
            for member in expanded[unit_id]:
                pairs[(task_id, member)] = None
    created = TaskSignature.objects.bulk_create(
        [TaskSignature(task_id=t, unit_id=u, assigned_at=now) for t, u in pairs], ignore_conflicts=True
    )
    tasks = Task.objects.in_bulk({t for t, _ in pairs})
    reporters = _reporters_by_unit({u for _, u in pairs})
    for task_id, unit_id in pairs:
        task = tasks[task_id]
        for user in reporters.get(unit_id, []):
            notification_send(
                user=user,
                kind=Notification.Kind.ASSIGNED,
                key=f"assigned:{task_id}:{unit_id}",
                title=f"新交办任务,请签收:{task.label} {task.heading[:40]}",
                body=f"时限:{task.due_on:%Y-%m-%d}。" if task.due_on else "",
                url=reverse("tasks:detail", args=[task_id]),
            )
    return len(created)


@transaction.atomic
def task_sign(*, task: Task, by: User) -> TaskSignature:
    """签收: the signed-in reporter acknowledges the task for its own unit, once. Nobody signs for another
    unit, the legal office included: the point is that the unit itself has seen it."""
    if by.role != Role.REPORTER or not by.unit_id or by.read_only:
        raise SupervisionError("not_reporter", "只有承办单位的填报员可以签收本单位的任务。", 403)
    signature = TaskSignature.objects.filter(task=task, unit_id=by.unit_id).first()
    if signature is None:
        raise SupervisionError("not_assigned", "本单位没有这项任务的交办记录,无需签收。", 404)
    now = timezone.now()
    done = TaskSignature.objects.filter(pk=signature.pk, signed_at=None).update(signed_at=now, signed_by=by)
    if not done:
        signature.refresh_from_db()
        when = timezone.localtime(signature.signed_at)
        raise SupervisionError("already_signed", f"本单位已于{when:%Y年%m月%d日 %H:%M}签收这项任务。", 409)
    Task.objects.filter(pk=task.pk).update(updated_at=now)  # a change for the API's incremental pull
    signature.refresh_from_db()
    return signature


def _concrete(signatures):
    """Rows of real units (the phrase's own row only marks it delivered), on live tasks."""
    return signatures.exclude(unit__kind=UnitKind.GROUP).filter(task__deleted_at=None, task__plan__deleted_at=None)


def sign_cutoff(*, today: dt.date, calendar: WorkCalendar, days: int | None = None) -> dt.datetime:
    """Assigned before this moment and still unsigned is late: more than ``days`` working days have passed.

    The first instant of the ``days``-th working day before today, in local time: a task given on that
    day has had exactly ``days`` working days and is not late yet.
    """
    days = settings.LAWGOV_SIGN_DAYS if days is None else days
    first = calendar.add_working_days(today, -days) if days else today
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


def unsigned_for_unit(*, user: User) -> list[TaskSignature]:
    """A reporter's 工作台: the tasks its unit was given and has not signed, oldest first."""
    if not user.unit_id:
        return []
    return list(
        _concrete(TaskSignature.objects.filter(unit_id=user.unit_id, signed_at=None))
        .select_related("task__plan")
        .order_by("assigned_at", "task_id")
    )


@dataclass
class UnsignedUnit:
    unit_id: int
    name: str
    pending: int
    late: int


def unsigned_by_unit(*, user: User, cutoff: dt.datetime) -> list[UnsignedUnit]:
    """The legal office's view: per unit of its jurisdictions, tasks not signed, and of those the late ones
    (given before ``cutoff``); late first. One GROUP BY query."""
    tasks = Task.objects.visible_to(user)
    rows = (
        _concrete(TaskSignature.objects.filter(signed_at=None, task__in=tasks))
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(pending=Count("pk"), late=Count("pk", filter=Q(assigned_at__lt=cutoff)))
    )
    out = [UnsignedUnit(r["unit_id"], r["unit__name"], r["pending"], r["late"]) for r in rows]
    return sorted(out, key=lambda u: (-u.late, -u.pending, u.name))


def task_signatures(*, task: Task) -> list[TaskSignature]:
    """Each unit's 交办 and 签收 on one task, for its page."""
    return list(_concrete(TaskSignature.objects.filter(task=task)).select_related("unit").order_by("unit__name"))
