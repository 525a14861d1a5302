"""A task's status, in one place: as a pure function over one row, and as the same rule in SQL.

The two must agree; tests/tasks/test_status.py runs one table of cases through both. "Close to the deadline"
is no longer a status: it is the blue warning (tasks.warnings), counted in working days, stored by the
daily sweep, and shown beside the status.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    OVERDUE = "overdue", "已逾期"
    DONE = "done", "已完成"


def warn_days() -> int:
    """Working days before a deadline from which a task is blue and its units are reminded."""
    return settings.LAWGOV_WARN_DAYS


def task_status(
    *,
    due_on: dt.date | None,
    completed_on: dt.date | None,
    last_report_on: dt.date | None,
    today: dt.date,
) -> TaskStatus:
    """What a leader sees on the dashboard; computed, never stored."""
    if completed_on:
        return TaskStatus.DONE
    if due_on and today > due_on:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if last_report_on else TaskStatus.NOT_STARTED


def status_expression(*, today: dt.date, prefix: str = "") -> Case:
    """The same rule as ``task_status`` for a Task queryset (``prefix`` for a related task, e.g. "task__")."""
    due = f"{prefix}due_on"
    return Case(
        When(Q(**{f"{prefix}progress__completed_on__isnull": False}), then=Value(TaskStatus.DONE.value)),
        When(Q(**{f"{due}__lt": today}), then=Value(TaskStatus.OVERDUE.value)),
        When(
            Q(**{f"{prefix}progress__last_report_on__isnull": False}),
            then=Value(TaskStatus.IN_PROGRESS.value),
        ),
        default=Value(TaskStatus.NOT_STARTED.value),
        output_field=models.CharField(),
    )


def status_filter(status: str, *, today: dt.date, prefix: str = "") -> Q:
    """A WHERE clause for one status, usable without annotating (and so by an index on due_on)."""
    done = Q(**{f"{prefix}progress__completed_on__isnull": False})
    due = f"{prefix}due_on"
    overdue = Q(**{f"{due}__lt": today})
    reported = Q(**{f"{prefix}progress__last_report_on__isnull": False})
    return {
        TaskStatus.DONE: done,
        TaskStatus.OVERDUE: ~done & overdue,
        TaskStatus.IN_PROGRESS: ~done & ~overdue & reported,
        TaskStatus.NOT_STARTED: ~done & ~overdue & ~reported,
    }[TaskStatus(status)]
