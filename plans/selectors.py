"""Reads of the plans app that span relations; a fixed number of queries whatever the plan's size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from lawgov.models import Unit, User
from plans.models import Assignment, Clause, Plan, Section, Task


def plan_list(*, user: User) -> QuerySet[Plan]:
    return (
        Plan.objects.visible_to(user)
        .select_related("jurisdiction")
        .annotate(task_count=Count("tasks", filter=Q(tasks__deleted_at__isnull=True), distinct=True))
        .order_by("jurisdiction__name", "-issued_on")
    )


def tasks_with_parts(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks with their clauses, units, deadlines and targets prefetched: five queries for any number."""
    return tasks.select_related("section", "plan").prefetch_related(
        Prefetch(
            "clauses",
            queryset=Clause.objects.order_by("position").prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.active().select_related("unit").order_by("-role", "position"),
                )
            ),
        ),
        "deadlines",
        "targets",
    )


@dataclass
class SectionNode:
    section: Section | None
    children: list[SectionNode] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return len(self.tasks) + sum(c.task_count for c in self.children)


def plan_tree(
    *,
    plan: Plan,
    user: User,
    unit: Unit | None = None,
    role: str | None = None,
    unassigned: bool = False,  # 只看待分配: no lead or responsible unit yet (TaskQuerySet.awaiting_lead)
    tasks: QuerySet[Task] | None = None,
) -> SectionNode:
    """The plan's sections as a tree with the tasks the user may see (filtered by unit and role).

    ``tasks`` lets a later app pass its own already filtered and annotated queryset (status, progress).
    """
    if tasks is not None:
        return _tree(plan, tasks)
    tasks = Task.objects.visible_to(user).filter(plan=plan).order_by("position")
    if unit is not None:
        tasks = tasks.with_unit(unit.covering_ids() if not unit.is_group else [unit.pk], role)
    elif role:
        tasks = tasks.filter(clauses__assignments__role=role, clauses__assignments__deleted_at=None).distinct()
    if unassigned:
        tasks = tasks.awaiting_lead()
    return _tree(plan, tasks)


def _tree(plan: Plan, tasks: QuerySet[Task]) -> SectionNode:
    sections = list(plan.sections.order_by("position"))
    nodes = {s.pk: SectionNode(section=s) for s in sections}
    root = SectionNode(section=None)
    for s in sections:
        (nodes[s.parent_id] if s.parent_id in nodes else root).children.append(nodes[s.pk])
    for task in tasks_with_parts(tasks):
        (nodes.get(task.section_id) or root).tasks.append(task)
    _prune(root)
    return root


def _prune(node: SectionNode) -> None:
    """Drop sections with no visible task below them (intro sections such as 指导思想)."""
    node.children = [c for c in node.children if c.task_count]
    for child in node.children:
        _prune(child)
