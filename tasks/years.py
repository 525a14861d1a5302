"""Which tasks belong to a year: the task list's ``year`` filter (HTML, API, exports) and the 驾驶舱's year scope.

One rule, in SQL, used by both (``year_filter``); tests/tasks/test_years.py holds it to a table of cases.

A plan printed for 2016 and an opinion for 2022—2025 must not be mixed when a leader asks "how did 2023 go".
A task belongs to year Y when

1. it has a **one-off deadline** (its ``due_on``, the earliest one-off 时限 or an approved extension's new
   date) **in Y**; or
2. it has a one-off deadline **before Y**, it was **not completed before 1 January Y** and its **plan's period
   covers Y** (work carried over, overdue, while the plan still runs); or
3. it has **no one-off deadline** (only recurring ones such as 每年第一季度, whose ``due_on`` rolls forward, or
   none at all: 长期坚持), its **plan's period covers Y** and it was **not completed before 1 January Y**.

A one-off task due after Y is not in Y: it counts in its own year.

A plan's period covers Y when it prints one (``period_start``—``period_end``; a start alone is that one year);
a plan that prints none (番禺's 2016 scheme) runs from the year it was issued (or, undated, from its earliest
one-off deadline) to the year of its last one-off deadline, and at least through the year it was issued.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from plans.models import Deadline, Plan, Task

YEAR_MIN, YEAR_MAX = 1990, 2100


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def one_off_deadline(prefix: str = "") -> Q:
    """A task with a one-off deadline: a ``due_on`` that does not merely roll forward from recurring 时限.

    A task whose 时限 are all recurring carries the next occurrence in ``due_on`` (tasks.services
    .recurring_deadlines_roll); a task with any one-off 时限 carries the earliest of them. A ``due_on`` without
    any 时限 rows (set by hand, or by the bench data) counts as one-off.
    """
    task = OuterRef(f"{prefix}pk" if prefix else "pk")
    recurring = Deadline.objects.filter(task=task, recurrence__isnull=False)
    one_off = Deadline.objects.filter(task=task, recurrence__isnull=True, due_on__isnull=False)
    return Q(**{f"{prefix}due_on__isnull": False}) & (~Exists(recurring) | Exists(one_off))


def plans_covering(year: int) -> QuerySet[Plan]:
    """The plans whose period covers ``year`` (see the module's docstring)."""
    start, end = year_bounds(year)
    dated = Task.objects.active().filter(plan=OuterRef("pk")).filter(one_off_deadline())
    printed = Q(period_start__lte=year, period_end__gte=year) | Q(period_start=year, period_end__isnull=True)
    begun = Q(issued_on__year__lte=year) | (Q(issued_on__isnull=True) & Exists(dated.filter(due_on__lte=end)))
    running = Q(issued_on__year=year) | Exists(dated.filter(due_on__gte=start))
    return Plan.objects.filter(printed | (Q(period_start__isnull=True) & begun & running))


def year_filter(year: int) -> Q:
    """A WHERE clause on tasks for "the tasks of ``year``" (the rule of the module's docstring)."""
    start, end = year_bounds(year)
    one_off = one_off_deadline()
    in_year = one_off & Q(due_on__gte=start, due_on__lte=end)
    carried = (
        Q(plan_id__in=plans_covering(year).values("pk"))
        & ~Q(progress__completed_on__lt=start)
        & ~(one_off & Q(due_on__gte=start))
    )
    return in_year | carried
