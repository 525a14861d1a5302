"""Bulk work on a plan's tree (issue 14): after an import the legal office gives many tasks the same units,
the same part, the same deadline, in one request instead of one page per task.

Every write here is all or nothing: the request is checked whole (tasks of this plan that the user may edit,
units of the plan's jurisdiction, a deadline that lawgov understands, no unit given two parts on a clause)
before anything is written, and a refusal (``BulkError``, ``AssignmentConflict``) leaves the database as it
was. Query counts do not grow with the number of tasks: rows are read with ``IN`` lists and written with
``bulk_create``/``bulk_update`` and their history rows in one statement each (simple_history's bulk helpers).

Units are given to **every clause** of a selected task. A bulk action is about whole tasks (the office picks
tasks, not clauses); a task whose clauses need different units (番禺 task 2) is finished on its own page,
where each clause has its own form. A task without a clause gets one (its whole text) so it can hold units.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lawgov.errors import DomainError
from lawgov.models import Unit, User
from plans.importing import deadlines as deadline_rules
from plans.models import Assignment, AssignmentRole, Clause, Deadline, Plan, Task
from plans.services import AssignmentConflict, assignment_conflict_message

ONGOING_WORDS = ("长期坚持", "持续推进", "长期推进", "长期")
ONGOING_TEXT = "长期坚持"
DEADLINE_HINT = "可填写日期(如 2023-06-30、2023年6月底前)、周期(如 每年12月底前、每季度末)或“长期坚持”。"
MAX_TASKS = 1000  # one request; a plan has tens to a few hundred tasks
MAX_ID = 2**63 - 1  # past the databases' integers a lookup would fail instead of finding nothing
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_REASON_MAX = 100  # simple_history's history_change_reason


class BulkError(DomainError):
    """A bulk request refused as a whole: bad input (400) or tasks and units that are not the user's."""


class Action:
    """What one bulk request does; the form's buttons and the API's ``action`` say these words."""

    APPLY = "apply"  # give units (by part) and/or a deadline
    REMOVE = "remove"  # take units off
    ROLE = "role"  # change the part of units already on the tasks
    CHOICES = (APPLY, REMOVE, ROLE)


@dataclass(frozen=True)
class DeadlineChoice:
    """A deadline as the legal office typed it, understood: one date, a recurring rule, or ongoing work."""

    text: str
    due_on: dt.date | None = None
    recurrence: dict[str, Any] | None = None

    @property
    def ongoing(self) -> bool:
        return self.due_on is None and self.recurrence is None

    def next_due(self, *, today: dt.date) -> dt.date | None:
        """The task's ``due_on``: the date, the rule's next date from today, nothing for ongoing work."""
        if self.recurrence:
            return deadline_rules.next_due(self.recurrence, today)
        return self.due_on


@dataclass
class BulkResult:
    """What a bulk request changed, in sentences for the page and counts for the API."""

    tasks: int = 0
    added: int = 0
    kept: int = 0
    removed: int = 0
    role_changed: int = 0
    deadlines: int = 0
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "added": self.added,
            "kept": self.kept,
            "removed": self.removed,
            "role_changed": self.role_changed,
            "deadlines": self.deadlines,
            "messages": self.messages,
        }


# ---------------------------------------------------------------------------------------------------
# Reading the request: tasks, units, the deadline


def bulk_tasks(*, plan: Plan, user: User, task_ids: Sequence[int]) -> list[Task]:
    """The selected tasks, if every one is a live task of ``plan`` that ``user`` may edit
    (``Task.objects.editable_by``); otherwise BulkError and nothing is done, so a forged or stale id of
    another plan or district can never be half applied."""
    wanted = set(task_ids)
    if not wanted:
        raise BulkError("no_tasks", "请先勾选要批量处理的任务。")
    if len(wanted) > MAX_TASKS:
        raise BulkError("too_many_tasks", f"一次最多处理{MAX_TASKS}项任务。")
    tasks = list(Task.objects.editable_by(user).filter(plan=plan, pk__in=wanted).order_by("position"))
    if len(tasks) != len(wanted):
        missing = len(wanted) - len(tasks)
        raise BulkError(
            "tasks_outside_plan",
            f"所选任务中有 {missing} 项不属于规划“{plan.title}”,或您无权修改;未做任何修改。",
            status=400,
        )
    return tasks


def bulk_units(*, plan: Plan, user: User, unit_ids: Iterable[int]) -> list[Unit]:
    """Units of the plan's jurisdiction in the user's directory (``Unit.objects.in_directory_of``), retired
    ones excluded; a group phrase (各镇街) is a unit like any other here. Any other id refuses the request."""
    wanted = list(dict.fromkeys(unit_ids))
    if not wanted:
        return []
    units = {
        u.pk: u for u in Unit.objects.in_directory_of(user).filter(jurisdiction_id=plan.jurisdiction_id, pk__in=wanted)
    }
    if len(units) != len(wanted):
        raise BulkError(
            "units_outside_jurisdiction",
            f"所选单位中有 {len(wanted) - len(units)} 个不存在、已停用或不属于{plan.jurisdiction.name};未做任何修改。",
        )
    return [units[pk] for pk in wanted]


def deadline_parse(text: str, *, plan_year: int | None, today: dt.date) -> DeadlineChoice:
    """Understand a deadline typed by a person, with the importer's rules (``plans.importing.deadlines``,
    the only ones): a date, a phrase such as 2023年6月底前 or 12月20日前 (the plan's year), a rule such as
    每年12月底前 or 每季度末, or 长期坚持. Anything else is refused (BulkError) rather than guessed: a
    deadline lawgov misreads would send reminders on the wrong day."""
    typed = re.sub(r"[。;;,,]+$", "", "".join((text or "").split()))
    if not typed:
        raise BulkError("deadline_empty", "请填写时限。" + DEADLINE_HINT)
    if len(typed) > 120:
        raise BulkError("deadline_too_long", "时限过长(最多120字)。")
    if typed in ONGOING_WORDS:
        return DeadlineChoice(text=ONGOING_TEXT)
    iso = _ISO_DATE.match(typed)
    if iso:
        try:
            due = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            raise BulkError("deadline_bad_date", f"日期“{typed}”不存在,请检查年月日。") from None
        return DeadlineChoice(text=f"{due.year}年{due.month}月{due.day}日前", due_on=due)
    found, yearless = deadline_rules.extract_deadlines(typed, plan_year=plan_year, reference=today)
    if yearless and not found:
        raise BulkError("deadline_needs_year", f"时限“{typed}”没有年份,本规划也没有确定的年份,请写明年份。")
    if len(found) == 1 and found[0].text == typed:
        return DeadlineChoice(text=typed, due_on=found[0].due, recurrence=found[0].recurrence)
    raise BulkError("deadline_not_understood", f"无法识别时限“{typed}”。" + DEADLINE_HINT)


def _ids(values: Iterable[Any], what: str) -> list[int]:
    """Ids from a form or JSON body; anything that is not a positive integer refuses the request."""
    ids = []
    for value in values:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
            raise BulkError("bad_id", f"{what}编号“{text[:20]}”无效。")
        ids.append(int(text))
    return ids


# ---------------------------------------------------------------------------------------------------
# The one entry point of the page and the API


@transaction.atomic
def bulk_apply(
    *,
    plan: Plan,
    by: User,
    task_ids: Iterable[Any],
    action: str = Action.APPLY,
    lead: Iterable[Any] = (),
    cooperating: Iterable[Any] = (),
    responsible: Iterable[Any] = (),
    units: Iterable[Any] = (),
    role: str = "",
    deadline: str = "",
    today: dt.date | None = None,
) -> BulkResult:
    """One bulk request from the plan page or the API, checked whole and then applied in one transaction.

    ``apply`` gives the units of ``lead``/``cooperating``/``responsible`` their part on every clause of the
    tasks and, when ``deadline`` is filled, sets it; ``remove`` takes ``units`` off; ``role`` gives ``units``
    the part ``role`` where they already have another.
    """
    today = today or timezone.localdate()
    if action not in Action.CHOICES:
        raise BulkError("bad_action", "不支持的批量操作。")
    tasks = bulk_tasks(plan=plan, user=by, task_ids=_ids(task_ids, "任务"))
    result = BulkResult(tasks=len(tasks))
    if action == Action.APPLY:
        by_role = {
            AssignmentRole.LEAD: _ids(lead, "单位"),
            AssignmentRole.COOPERATING: _ids(cooperating, "单位"),
            AssignmentRole.RESPONSIBLE: _ids(responsible, "单位"),
        }
        everyone = [pk for ids in by_role.values() for pk in ids]
        doubled = {pk for pk in everyone if everyone.count(pk) > 1}
        chosen = {u.pk: u for u in bulk_units(plan=plan, user=by, unit_ids=everyone)}
        if doubled:
            names = "、".join(chosen[pk].name for pk in doubled)
            raise BulkError("unit_two_roles", f"{names}被同时选为两种分工;一个单位在一项任务中只能有一种分工。")
        choice = deadline_parse(deadline, plan_year=plan.year, today=today) if (deadline or "").strip() else None
        if not everyone and choice is None:
            raise BulkError("nothing_to_do", "请选择要指定的单位,或填写时限。")
        roles = {r: [chosen[pk] for pk in ids] for r, ids in by_role.items() if ids}
        if roles:
            bulk_assign(tasks=tasks, roles=roles, by=by, result=result)
        if choice is not None:
            bulk_deadline_set(tasks=tasks, deadline=choice, by=by, today=today, result=result)
        return result
    picked = bulk_units(plan=plan, user=by, unit_ids=_ids(units, "单位"))
    if not picked:
        raise BulkError("no_units", "请选择要调整的单位。")
    if action == Action.REMOVE:
        bulk_unassign(tasks=tasks, units=picked, by=by, result=result)
    else:
        if role not in AssignmentRole.values:
            raise BulkError("bad_role", "请选择要改成的分工(牵头、配合或责任)。")
        bulk_role_change(tasks=tasks, units=picked, role=role, by=by, result=result)
    return result


# ---------------------------------------------------------------------------------------------------
# The writes


def _clauses_of(tasks: list[Task]) -> dict[int, list[Clause]]:
    """Every task's clauses (one query); a task without any gets one holding its whole text."""
    by_task: dict[int, list[Clause]] = {t.pk: [] for t in tasks}
    for clause in Clause.objects.filter(task_id__in=by_task).order_by("task_id", "position"):
        by_task[clause.task_id].append(clause)
    bare = [t for t in tasks if not by_task[t.pk]]
    if bare:
        for clause in Clause.objects.bulk_create([Clause(task=t, position=0, text=t.text) for t in bare]):
            by_task[clause.task_id].append(clause)
    return by_task


def _live_assignments(clause_ids: Iterable[int], unit_ids: Iterable[int]) -> list[Assignment]:
    return list(
        Assignment.objects.active().filter(clause_id__in=list(clause_ids), unit_id__in=list(unit_ids)).order_by("id")
    )


def _touch(tasks: list[Task]) -> None:
    """The tasks changed (their ``updated_at`` feeds the API's ``updated_since`` and the dashboards)."""
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(updated_at=timezone.now())


def bulk_assign(*, tasks: list[Task], roles: dict[str, list[Unit]], by: User, result: BulkResult) -> BulkResult:
    """Give each unit its part on every clause of every task, as one ``bulk_create`` with its history.

    A unit that already has the same part there is left as it is (a double submit adds nothing); a unit
    that has another part refuses the whole request with the tasks where it does (AssignmentConflict, 409):
    one part per unit and clause, and changing a part is the deliberate ``role`` action.
    """
    clauses = _clauses_of(tasks)
    wanted = [(u, role) for role, units in roles.items() for u in units]
    clause_task = {c.pk: t for t in tasks for c in clauses[t.pk]}
    held = {(a.clause_id, a.unit_id): a for a in _live_assignments(clause_task, [u.pk for u, _ in wanted])}
    conflicts: list[str] = []
    counts = _positions(clause_task)
    new: list[Assignment] = []
    for task in tasks:
        for clause in clauses[task.pk]:
            for unit, role in wanted:
                existing = held.get((clause.pk, unit.pk))
                if existing is not None:
                    if existing.role == role:
                        result.kept += 1
                    else:
                        conflicts.append(assignment_conflict_message(unit, existing.role, role, f"任务{task.label}"))
                    continue
                new.append(
                    Assignment(
                        clause_id=clause.pk,
                        unit_id=unit.pk,
                        role=role,
                        printed_name=unit.name[:120],
                        source=Assignment.Source.MANUAL,
                        position=counts.get(clause.pk, 0),
                    )
                )
                counts[clause.pk] = counts.get(clause.pk, 0) + 1
    if conflicts:
        unique = list(dict.fromkeys(conflicts))
        raise AssignmentConflict(
            "assignment_conflict",
            f"有 {len(unique)} 处单位已有其他分工,未做任何修改:" + unique[0] + ("……" if len(unique) > 1 else ""),
            details=unique[:50],
        )
    if new:
        bulk_create_with_history(new, Assignment, default_user=by, default_change_reason="批量指定")
        _touch(tasks)
    result.added += len(new)
    labels = dict(AssignmentRole.choices)
    for role, units in roles.items():
        names = "、".join(u.name for u in units)
        result.messages.append(f"已将{names}指定为 {len(tasks)} 项任务的{labels[role]}单位。")
    if result.kept:
        result.messages.append(f"其中 {result.kept} 处已有相同分工,未重复添加。")
    return result


def _positions(clause_task: dict[int, Task]) -> dict[int, int]:
    """How many assignments each clause has (live or not): a new one goes after them, as on the task page."""
    rows = Assignment.objects.filter(clause_id__in=list(clause_task)).values("clause_id").annotate(n=Count("id"))
    return {r["clause_id"]: r["n"] for r in rows}


def bulk_unassign(*, tasks: list[Task], units: list[Unit], by: User, result: BulkResult) -> BulkResult:
    """Take the units off every clause of the tasks (soft delete, with who and when in the history)."""
    clause_ids = Clause.objects.filter(task_id__in=[t.pk for t in tasks]).values_list("pk", flat=True)
    rows = _live_assignments(clause_ids, [u.pk for u in units])
    if not rows:
        raise BulkError("nothing_to_remove", "所选任务中没有这些单位的分工,未做任何修改。")
    now = timezone.now()
    for row in rows:
        row.deleted_at = now
    bulk_update_with_history(rows, Assignment, ["deleted_at"], default_user=by, default_change_reason="批量移除")
    _touch(tasks)
    result.removed += len(rows)
    result.messages.append(f"已从所选任务中移除{'、'.join(u.name for u in units)},共 {len(rows)} 处。")
    return result


def bulk_role_change(*, tasks: list[Task], units: list[Unit], role: str, by: User, result: BulkResult) -> BulkResult:
    """Give the units the part ``role`` where they already have another; the row keeps its history, and
    becomes the legal office's (``manual``), so a re-import does not put the printed part back."""
    clause_ids = Clause.objects.filter(task_id__in=[t.pk for t in tasks]).values_list("pk", flat=True)
    rows = [a for a in _live_assignments(clause_ids, [u.pk for u in units]) if a.role != role]
    if not rows:
        raise BulkError("nothing_to_change", "所选任务中这些单位没有其他分工可改,未做任何修改。")
    for row in rows:
        row.role = role
        row.source = Assignment.Source.MANUAL
    bulk_update_with_history(
        rows, Assignment, ["role", "source"], default_user=by, default_change_reason=f"批量改为{role}"
    )
    _touch(tasks)
    result.role_changed += len(rows)
    label = dict(AssignmentRole.choices)[role]
    result.messages.append(f"已将 {len(rows)} 处{'、'.join(u.name for u in units)}的分工改为{label}。")
    return result


def bulk_deadline_set(
    *, tasks: list[Task], deadline: DeadlineChoice, by: User, today: dt.date, result: BulkResult
) -> BulkResult:
    """Replace the tasks' deadlines by one, and their ``due_on`` (the date, the rule's next date, or none
    for 长期坚持). The deadlines replaced are named in each task's history row, so none is lost."""
    ids = [t.pk for t in tasks]
    before: dict[int, list[str]] = {pk: [] for pk in ids}
    for task_id, text in Deadline.objects.filter(task_id__in=ids).order_by("id").values_list("task_id", "text"):
        before[task_id].append(text)
    Deadline.objects.filter(task_id__in=ids).delete()
    Deadline.objects.bulk_create(
        Deadline(task_id=pk, text=deadline.text[:120], due_on=deadline.due_on, recurrence=deadline.recurrence)
        for pk in ids
    )
    due = deadline.next_due(today=today)
    now = timezone.now()
    # One UPDATE for every task (they all get the same date), then their history rows in one INSERT.
    Task.objects.filter(pk__in=ids).update(due_on=due, updated_at=now)
    for task in tasks:
        task.due_on = due
        task.updated_at = now
        old = "、".join(before[task.pk]) or "无"
        task._change_reason = f"时限改为“{deadline.text}”(原:{old})"[:_REASON_MAX]
    Task.history.bulk_history_create(tasks, update=True, default_user=by)
    result.deadlines += len(tasks)
    result.messages.append(f"已将 {len(tasks)} 项任务的时限设为“{deadline.text}”。")
    return result


# ---------------------------------------------------------------------------------------------------
# One task's heading and text, edited in place


@transaction.atomic
def task_text_edit(*, task: Task, heading: str, text: str, by: User) -> Task:
    """Fix a task's heading or text as parsed ("16. 根据不同层级政府的事权和职能" stays as parsed otherwise);
    the previous wording stays in the task's history. The caller has checked ``Task.objects.editable_by``."""
    heading = " ".join((heading or "").split())
    text = (text or "").strip()
    if not heading:
        raise BulkError("heading_empty", "任务标题不能为空。")
    if len(heading) > 300:
        raise BulkError("heading_too_long", f"任务标题最多300字(现为{len(heading)}字)。")
    if not text:
        raise BulkError("text_empty", "任务内容不能为空。")
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.heading == heading and locked.text == text:
        return locked
    locked.heading, locked.text = heading, text
    locked._history_user = by
    locked._change_reason = "修改标题和内容"
    locked.save(update_fields=["heading", "text", "updated_at"])
    return locked
