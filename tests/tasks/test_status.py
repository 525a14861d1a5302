"""Task status: one table of cases through the pure function and through SQL; they must agree."""

import datetime as dt

import pytest

from plans.models import Task
from tasks.models import TaskProgress
from tasks.selectors import rollup, with_status
from tasks.status import TaskStatus, status_filter, task_status
from tests.factories import plan_factory

TODAY = dt.date(2026, 11, 22)
D = dt.timedelta
CASES = [
    # due_on, completed_on, last_report_on, expected
    (None, None, None, TaskStatus.NOT_STARTED),
    (None, None, TODAY - D(3), TaskStatus.IN_PROGRESS),
    (TODAY + D(60), None, None, TaskStatus.NOT_STARTED),
    (TODAY + D(60), None, TODAY, TaskStatus.IN_PROGRESS),
    # Near the deadline is no longer a status but a blue warning (tests/tasks/test_warnings.py).
    (TODAY + D(14), None, None, TaskStatus.NOT_STARTED),
    (TODAY, None, TODAY, TaskStatus.IN_PROGRESS),
    (TODAY - D(1), None, TODAY, TaskStatus.OVERDUE),
    (TODAY - D(400), None, None, TaskStatus.OVERDUE),
    (TODAY - D(1), TODAY - D(5), TODAY, TaskStatus.DONE),
    (None, TODAY, None, TaskStatus.DONE),
]


@pytest.mark.parametrize(("due", "completed", "reported", "expected"), CASES)
def test_status_rule(due, completed, reported, expected):
    assert task_status(due_on=due, completed_on=completed, last_report_on=reported, today=TODAY) == expected


@pytest.mark.django_db
def test_sql_agrees_with_the_rule(district, unit):
    plan = plan_factory(jurisdiction=district, tasks=len(CASES), lead=unit)
    tasks = list(Task.objects.filter(plan=plan).order_by("position"))
    for task, (due, completed, reported, _) in zip(tasks, CASES, strict=True):
        Task.objects.filter(pk=task.pk).update(due_on=due)
        if completed or reported:
            TaskProgress.objects.create(task=task, completed_on=completed, last_report_on=reported)
    annotated = {t.pk: t.status for t in with_status(Task.objects.filter(plan=plan), today=TODAY)}
    for task, case in zip(tasks, CASES, strict=True):
        assert annotated[task.pk] == case[3], case
    for status in TaskStatus.values:
        expected = {t.pk for t, c in zip(tasks, CASES, strict=True) if c[3] == status}
        got = set(
            Task.objects.filter(plan=plan).filter(status_filter(status, today=TODAY)).values_list("pk", flat=True)
        )
        assert got == expected, status
    totals = rollup(Task.objects.filter(plan=plan), today=TODAY)
    assert (totals.total, totals.done, totals.overdue, totals.warned) == (10, 2, 2, 0)
