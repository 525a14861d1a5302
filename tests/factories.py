"""Factories for tests that need plans and tasks without parsing a document."""

import datetime as dt

from lawgov.models import Unit
from plans.models import Assignment, Clause, Plan, PlanKind, Section, Task


def plan_factory(
    *,
    jurisdiction: Unit,
    tasks: int = 3,
    lead: Unit | None = None,
    cooperating: Unit | None = None,
    due_on: dt.date | None = None,
    title: str = "测试工作方案",
) -> Plan:
    """A plan with one section and ``tasks`` tasks, each one clause led by ``lead`` (helped by ``cooperating``)."""
    plan = Plan.objects.create(
        jurisdiction=jurisdiction,
        title=f"{title}{Plan.objects.count() + 1}",
        kind=PlanKind.SCHEME,
        issued_on=dt.date(2026, 1, 1),
        period_start=2026,
        period_end=2026,
    )
    section = Section.objects.create(plan=plan, label="(一)", title="深化改革", path="二/(一)", position=0)
    for n in range(1, tasks + 1):
        task = Task.objects.create(
            plan=plan,
            section=section,
            number=str(n),
            path=f"二/(一)/{n}",
            heading=f"任务{n}",
            text=f"任务{n}的内容。",
            position=n,
            due_on=due_on,
        )
        clause = Clause.objects.create(task=task, position=0, text=task.text)
        if lead:
            Assignment.objects.create(clause=clause, unit=lead, role="lead", printed_name=lead.name)
        if cooperating:
            Assignment.objects.create(
                clause=clause, unit=cooperating, role="cooperating", printed_name=cooperating.name
            )
    return plan
