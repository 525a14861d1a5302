"""The weekly digest: each unit's reporters hear of their open, warned and returned work; leaders get a summary
(tasks by warning level, overdue tasks by unit, units that have not reported).

The daily sweep calls ``weekly_digests_send`` every day; it sends from ``LAWGOV_DIGEST_WEEKDAY`` (ISO: 1 is
Monday) on, so a week whose sweep missed that day still gets its digest the next day the sweep runs. Each digest
is a notification keyed by the ISO week (``weekly:…:2026-W48``): the row is the record that it was sent, the
unique (user, key) makes a second run of the week send nothing, and it shows in the bell as well as by email.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from lawgov.models import Notification, Role, User
from plans.models import Assignment, Task
from tasks.models import ProgressReport, ReportStatus, WarningLevel
from tasks.selectors import silent_units
from tasks.services import Notice, notification_send, notifications_send_bulk
from tasks.status import TaskStatus, status_filter

# A digest lists this many tasks of a kind; the rest are counted ("另有12项").
LISTED = 20
LEVELS = [(WarningLevel.RED, "红色"), (WarningLevel.YELLOW, "黄色"), (WarningLevel.BLUE, "蓝色")]


@dataclass
class DigestResult:
    reporters: int = 0
    leaders: int = 0


def digest_week(today: dt.date) -> str | None:
    """The ISO week whose digest is due on ``today`` ("2026-W48"), or None before the week's digest day."""
    if today.isoweekday() < settings.LAWGOV_DIGEST_WEEKDAY:
        return None
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= LISTED:
        return lines
    return [*lines[:LISTED], f"……另有{len(lines) - LISTED}项"]


def reporter_digest(*, user: User, today: dt.date) -> tuple[str, list[str]]:
    """The title and lines of a reporter's digest: its unit's open tasks, those with a warning (and why), and
    its reports the legal office returned."""
    tasks = Task.objects.visible_to(user)
    open_tasks = tasks.exclude(status_filter(TaskStatus.DONE, today=today))
    warned = list(
        open_tasks.filter(warning__level__in=[level for level, _ in LEVELS])
        .select_related("warning")
        .order_by("due_on", "id")
    )
    returned = list(
        ProgressReport.objects.visible_to(user)
        .filter(unit_id=user.unit_id, status=ReportStatus.RETURNED)
        .select_related("task")
        .order_by("-reviewed_at")
    )
    open_count = open_tasks.count()
    labels = dict(LEVELS)
    counts = defaultdict(int)
    for task in warned:
        counts[task.warning.level] += 1
    lines = [f"本单位未完成的任务 {open_count} 项。"]
    if warned:
        lines.append("有预警的任务:" + "、".join(f"{labels[lv]}{counts[lv]}项" for lv, _ in LEVELS if counts[lv]))
        lines += _listed([f"[{labels[t.warning.level]}] {t.label} {t.heading[:40]}:{t.warning.reason}" for t in warned])
    else:
        lines.append("没有预警的任务。")
    if returned:
        lines.append(f"被退回、待修改的进展 {len(returned)} 条:")
        lines += _listed([f"{r.task.label} {r.task.heading[:40]}(退回理由:{r.return_reason})" for r in returned])
    return f"{user.unit.name}本周督办提醒", lines


def leader_digest(*, user: User, today: dt.date) -> tuple[str, list[str]]:
    """The title and lines of a leader's weekly summary over its jurisdictions: open tasks by warning level,
    overdue tasks by unit (most first), and the units that have sent no report this month."""
    tasks = Task.objects.visible_to(user)
    levels = dict(
        tasks.exclude(status_filter(TaskStatus.DONE, today=today))
        .order_by()
        .values_list("warning__level")
        .annotate(n=Count("pk"))
    )
    overdue = tasks.filter(status_filter(TaskStatus.OVERDUE, today=today))
    by_unit = list(
        Assignment.objects.active()
        .filter(clause__task__in=overdue)
        .values_list("unit__name")
        .annotate(n=Count("clause__task", distinct=True))
        .order_by("-n", "unit__name")
    )
    silent = list(silent_units(user=user, today=today).values_list("name", flat=True))
    lines = [
        "未完成任务预警:" + ";".join(f"{label} {levels.get(level, 0)} 项" for level, label in LEVELS) + "。",
        f"逾期任务 {overdue.count()} 项" + (",按单位:" if by_unit else "。"),
        *_listed([f"{name} {n} 项" for name, n in by_unit]),
        f"本月未报送进展的单位 {len(silent)} 个" + (":" + "、".join(silent[:50]) if silent else "。"),
    ]
    if len(silent) > 50:
        lines.append(f"……另有{len(silent) - 50}个")
    return "法治政府建设任务督办周报", lines


def weekly_digests_send(*, today: dt.date) -> DigestResult:
    """Send the week's digests once: to every active reporter of a unit with work, and to every leader.
    Returns how many were sent now (none before the digest day, none a second time in a week)."""
    week = digest_week(today)
    result = DigestResult()
    if week is None:
        return result
    url = reverse("home")
    by_unit: dict[int, tuple[str, list[str]]] = {}
    reporters = User.objects.filter(role=Role.REPORTER, is_active=True).exclude(unit=None).select_related("unit")
    sent = set(
        Notification.objects.filter(key=f"weekly:reporter:{week}", user__in=reporters).values_list("user_id", flat=True)
    )

    def notices():
        for user in reporters.order_by("unit_id", "pk"):
            if user.pk in sent:
                continue
            if user.unit_id not in by_unit:  # one unit's digest serves all its reporters
                by_unit[user.unit_id] = reporter_digest(user=user, today=today)
            title, lines = by_unit[user.unit_id]
            yield Notice(
                user=user,
                kind=Notification.Kind.DIGEST,
                key=f"weekly:reporter:{week}",
                title=f"{title}({week.replace('-W', '年第')}周)",
                body="\n".join(lines),
                url=url,
            )

    # In bulk (a city has over a thousand reporters): one insert per chunk, email for the new ones only.
    result.reporters = notifications_send_bulk(notices())
    for user in User.objects.filter(role=Role.LEADER, is_active=True).exclude(jurisdiction=None):
        title, lines = leader_digest(user=user, today=today)
        if notification_send(
            user=user,
            kind=Notification.Kind.DIGEST,
            key=f"weekly:leader:{week}",
            title=f"{title}({week.replace('-W', '年第')}周)",
            body="\n".join(lines),
            url=url,
        ):
            result.leaders += 1
    return result
