"""The 分工 sheet (任务分工表) round trip: a plan's tasks out as the table offices fill in Excel or WPS, the
filled table back in as a preview of what changes, applied only when the legal office confirms.

Why a sheet: a plan whose document names no units (大兴's 43 tasks) is divided in a meeting with a table,
not in 130 page loads. The sheet is read by ``plans.importing.division`` (pure); here the rows meet the
database: IDs become the plan's tasks and clauses, names become units of the plan's jurisdiction
(``division_units_resolve``, the one place a printed name is looked up), and the wanted 分工 is compared
with the plan's live assignments and deadlines.

The preview is kept (``DivisionImport``) with a fingerprint of the plan's 分工 and of the changes; the
confirmation reads the file again, and refuses when the fingerprint differs (the plan changed since), so
what is applied is exactly what the person saw. It applies everything in one transaction, each
assignment and task change recorded in their history with the person who confirmed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lawgov import exporting
from lawgov.errors import DomainError
from lawgov.exporting import Cell, Column, Kind
from lawgov.models import Unit, User
from plans import services
from plans.importing import division as sheet
from plans.importing.deadlines import describe
from plans.models import Assignment, AssignmentRole, Clause, Deadline, DivisionImport, Plan, Task
from plans.resolution import SIMILAR
from plans.selectors import tasks_with_parts

ROLE_LABELS = dict(AssignmentRole.choices)
HISTORY_REASON = "分工表导入"
MAX_SHEET_BYTES = sheet.MAX_SHEET_BYTES


class DivisionImportError(DomainError):
    """A 分工 sheet that cannot be read, or a preview that cannot be confirmed (stale, has errors, done)."""


# ---------------------------------------------------------------------------------------------------
# Export


_COLUMNS = [
    Column(sheet.ID_HEADER, kind=Kind.NUMBER, width=8, shaded=True),
    Column(sheet.CLAUSE_HEADER, kind=Kind.NUMBER, width=8, shaded=True),
    Column("序号", width=7, shaded=True),
    Column("章节", width=18, shaded=True),
    Column("任务", width=36, shaded=True),
    Column("条款", width=40, shaded=True),
    Column(sheet.ROLE_HEADERS["lead"], width=24),
    Column(sheet.ROLE_HEADERS["cooperating"], width=30),
    Column(sheet.ROLE_HEADERS["responsible"], width=18),
    Column(sheet.DEADLINE_HEADER, width=20),
]
NOTES = (
    "填写说明:灰色列由系统生成,请勿修改(任务ID、分句ID用于对应任务,可排序、筛选、删去不改的行);"
    "单位名称以单位名录为准,多个单位用“、”分隔。",
    "完成时限可写 2026-06-30、2026年底前、每年12月底前、每季度末或“长期坚持”,多个用“;”分隔;"
    "一项任务占多行时,各行的完成时限应一致。",
)


def deadline_cell_text(deadlines: Iterable[Deadline]) -> str:
    """How a task's deadlines read in the sheet; the same text coming back means "unchanged"."""
    return ";".join(d.text for d in sorted(deadlines, key=lambda d: d.pk or 0))


def _plan_tasks(plan: Plan) -> list[Task]:
    """The plan's live tasks with clauses, live assignments (units), deadlines: five queries for any size."""
    return list(tasks_with_parts(Task.objects.active().filter(plan=plan)).order_by("position", "pk"))


def _section_label(task: Task) -> str:
    return f"{task.section.label}{task.section.title}" if task.section else ""


def _units_by_role(assignments: Iterable[Assignment]) -> dict[str, str]:
    names: dict[str, list[str]] = {role: [] for role in AssignmentRole.values}
    for a in sorted(assignments, key=lambda a: (a.position, a.pk)):
        if a.unit.name not in names[a.role]:
            names[a.role].append(a.unit.name)
    return {role: "、".join(values) for role, values in names.items()}


def _export_rows(tasks: list[Task]) -> Iterator[tuple]:
    for task in tasks:
        clauses = list(task.clauses.all())
        deadline = deadline_cell_text(task.deadlines.all())
        several = len(clauses) > 1
        for clause in clauses or [None]:
            units = _units_by_role(clause.assignments.all() if clause else [])
            yield (
                task.pk,
                clause.pk if several else None,
                task.label,
                _section_label(task),
                task.heading,
                clause.text if several else "",
                units["lead"],
                units["cooperating"],
                units["responsible"],
                deadline,
            )


def division_sheet_export(*, plan: Plan, today: dt.date) -> bytes:
    """The plan's 任务分工表: one row per task, or per clause where a task has several (番禺 task 2); the
    grey ID columns map a row back to its task whatever the office does to the order of the rows."""
    title = plan.title if plan.title.startswith(plan.jurisdiction.name) else f"{plan.jurisdiction.name} {plan.title}"
    width = len(_COLUMNS)
    return exporting.xlsx(
        exporting.Sheet(
            name=sheet.SHEET_TITLE,
            title=exporting.title_line(title, sheet.SHEET_TITLE, today),
            preamble=[(Cell(note, across=width), *([None] * (width - 1))) for note in NOTES],
            columns=_COLUMNS,
            rows=_export_rows(_plan_tasks(plan)),
            freeze_columns=5,  # IDs, 序号, 章节, 任务 stay in view while filling the units
        )
    )


# ---------------------------------------------------------------------------------------------------
# Unit names


@dataclass
class UnitMatch:
    """What a name written in the sheet is: a unit of the jurisdiction, or nothing (with the closest name)."""

    unit: Unit | None
    suggestion: str = ""


def division_units_resolve(*, jurisdiction: Unit, names: Iterable[str]) -> dict[str, UnitMatch]:
    """Written name → unit of the jurisdiction, by its name, an alias or its short name (with or without the
    区 prefix, as ``plans.services.unit_names_resolve`` does for documents); an unknown name gets the closest
    directory name as a suggestion. The one lookup of this module: a better resolver replaces it here."""
    names = list(dict.fromkeys(names))
    decisions = services.unit_decisions(jurisdiction=jurisdiction, names=names)
    trusted = {d_name: d.match for d in decisions for d_name in d.printed if d.match and d.match.rule != SIMILAR}
    units = Unit.objects.in_bulk([m.pk for m in trusted.values()])
    matches: dict[str, UnitMatch] = {}
    for decision in decisions:
        for name in decision.printed:
            match = trusted.get(name)
            if match is not None:
                matches[name] = UnitMatch(unit=units[match.pk])
                continue
            # A name a person typed is applied only when it is the unit's name, an alias or the same name
            # written another way; a merely similar one is a row error with the unit it probably means.
            close = decision.match or (decision.candidates[0] if decision.candidates else None)
            matches[name] = UnitMatch(unit=None, suggestion=close.name if close else _closest(name, jurisdiction))
    return matches


def _closest(name: str, jurisdiction: Unit) -> str:
    """A suggestion only (never applied): the directory name that reads closest, for a typo the resolver
    does not take as the same body (区司法厅 → 区司法局?)."""
    names = list(Unit.objects.offered().filter(jurisdiction=jurisdiction).values_list("name", flat=True))
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else ""


# ---------------------------------------------------------------------------------------------------
# Preview: what the sheet changes


@dataclass
class DivisionChanges:
    """The preview of a sheet: changes per task, errors per row, counts, and the fingerprint."""

    tasks: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    untouched: int = 0
    fingerprint: str = ""

    def to_dict(self) -> dict:
        return {"tasks": self.tasks, "errors": self.errors, "counts": self.counts, "untouched": self.untouched}


def _deadline_items(deadlines) -> list[dict]:
    return [
        {"text": d.text, "due": d.due.isoformat() if d.due else None, "recurrence": d.recurrence} for d in deadlines
    ]


def _deadline_label(item: dict) -> str:
    if item["recurrence"]:
        return f"{item['text']}({describe(item['recurrence'])})"
    if item["due"] and item["due"] != item["text"]:
        return f"{item['text']}({item['due']})"
    return item["text"]


def _state(tasks: list[Task]) -> list:
    """The plan's 分工 as it is: what the fingerprint holds besides the changes."""
    return [
        [
            t.pk,
            [[c.pk, sorted([a.pk, a.unit_id, a.role] for a in c.assignments.all())] for c in t.clauses.all()],
            [[d.pk, d.text, d.due_on.isoformat() if d.due_on else None, d.recurrence] for d in t.deadlines.all()],
        ]
        for t in sorted(tasks, key=lambda t: t.pk)
    ]


def division_changes(*, plan: Plan, data: bytes, today: dt.date) -> DivisionChanges:
    """Compare a filled sheet with the plan: per task the units added, removed, moved to another role and
    unchanged, and the new deadlines; per row what cannot be applied. Writes nothing.

    A role column the sheet lacks leaves that role as it is; a task the sheet does not list is untouched.
    Raises DivisionImportError when the file is not a 分工 sheet at all.
    """
    try:
        read = sheet.division_sheet_read(sheet.workbook_rows(data))
    except sheet.SheetError as exc:
        raise DivisionImportError("bad_sheet", exc.message) from exc
    if not read.rows:
        raise DivisionImportError("empty_sheet", "表中没有任何任务行。")
    tasks = _plan_tasks(plan)
    by_id = {t.pk: t for t in tasks}
    names = [name for row in read.rows for values in row.units.values() for name in values]
    units = division_units_resolve(jurisdiction=plan.jurisdiction, names=names)
    out = DivisionChanges()

    def error(row: int, message: str) -> None:
        out.errors.append({"row": row, "message": message})

    wanted: dict[tuple[int, int | None], dict[int, str]] = {}  # (task, clause or None) → unit → role
    seen_rows: dict[tuple[int, int | None], int] = {}
    deadline_cells: dict[int, list[tuple[int, str | dt.date]]] = {}
    foreign = 0
    for row in read.rows:
        if row.id_error or row.task_id is None:
            error(row.row, f"任务ID{row.id_error or '为空'},无法对应到任务。请保留导出时的任务ID。")
            continue
        task = by_id.get(row.task_id)
        if task is None:
            foreign += 1
            error(row.row, f"任务ID {row.task_id} 不是本规划“{plan.title}”的任务(表格是否来自另一份规划?)。")
            continue
        clauses = list(task.clauses.all())
        if row.clause_id is not None:
            clause = next((c for c in clauses if c.pk == row.clause_id), None)
            if clause is None:
                error(row.row, f"分句ID {row.clause_id} 不属于任务 {task.label}{task.heading[:20]}。")
                continue
        elif len(clauses) > 1:
            error(row.row, f"任务 {task.label}{task.heading[:20]} 有 {len(clauses)} 个分句,请保留分句ID。")
            continue
        else:
            clause = clauses[0] if clauses else None
        key = (task.pk, clause.pk if clause else None)
        if key in seen_rows:
            error(row.row, f"与第 {seen_rows[key]} 行是同一任务(分句),请只保留一行。")
            continue
        seen_rows[key] = row.row
        if read.has_deadline:
            deadline_cells.setdefault(task.pk, []).append((row.row, row.deadline))
        roles: dict[int, str] = {}
        ok = True
        for role, written in row.units.items():
            for name in written:
                match = units[name]
                if match.unit is None:
                    hint = (
                        f"是否为“{match.suggestion}”?"
                        if match.suggestion
                        else "请先在单位名录中添加,或改用名录中的名称。"
                    )
                    where = f"{sheet.ROLE_HEADERS[role]}“{name}”不在{plan.jurisdiction.name}的单位名录中"
                    error(row.row, f"{where},{hint}")
                    ok = False
                elif roles.get(match.unit.pk, role) != role:
                    error(
                        row.row,
                        f"“{match.unit.name}”同时写在{sheet.ROLE_HEADERS[roles[match.unit.pk]]}和"
                        f"{sheet.ROLE_HEADERS[role]}中;一个单位在一项任务(分句)中只能有一种分工。",
                    )
                    ok = False
                else:
                    roles[match.unit.pk] = role
        if ok:
            wanted[key] = roles
    if foreign and foreign == len(read.rows):
        out.errors.insert(0, {"row": 0, "message": f"表中没有一行属于规划“{plan.title}”:这是另一份规划的分工表。"})

    units_by_pk = {m.unit.pk: m.unit for m in units.values() if m.unit is not None}
    counts = dict.fromkeys(("added", "removed", "changed", "unchanged", "deadlines", "tasks"), 0)
    for task in tasks:
        keys = [k for k in wanted if k[0] == task.pk]
        deadline = _deadline_change(task, deadline_cells.get(task.pk, []), plan=plan, today=today, error=error)
        if not keys and deadline is None:
            continue
        entry = {"task_id": task.pk, "label": task.label, "heading": task.heading, "clauses": [], "deadline": deadline}
        clauses = list(task.clauses.all())
        for _, clause_pk in keys:
            clause = next((c for c in clauses if c.pk == clause_pk), None)
            part = _clause_change(clause, wanted[(task.pk, clause_pk)], read.roles, units_by_pk)
            part["label"] = f"分句{clauses.index(clause) + 1}" if clause and len(clauses) > 1 else ""
            entry["clauses"].append(part)
            for kind in ("added", "removed", "changed", "unchanged"):
                counts[kind] += len(part[kind])
        if deadline is not None and deadline["changed"]:
            counts["deadlines"] += 1
        moved = any(p["added"] or p["removed"] or p["changed"] for p in entry["clauses"])
        entry["changed"] = bool(moved or (deadline and deadline["changed"]))
        counts["tasks"] += entry["changed"]
        out.tasks.append(entry)
    out.errors.sort(key=lambda e: e["row"])
    out.counts = counts
    out.untouched = len(tasks) - len(out.tasks)
    digest = json.dumps([_state(tasks), out.to_dict()], sort_keys=True, ensure_ascii=False, default=str)
    out.fingerprint = hashlib.sha256(digest.encode()).hexdigest()
    return out


def _clause_change(clause: Clause | None, wanted: dict[int, str], roles: tuple[str, ...], units: dict) -> dict:
    """One clause: wanted unit → role against its live assignments, for the roles the sheet has columns for."""
    current = list(clause.assignments.all()) if clause else []
    part = {"clause_id": clause.pk if clause else None, "added": [], "removed": [], "changed": [], "unchanged": []}
    matched: set[int] = set()
    for unit_pk, role in wanted.items():
        same = next((a for a in current if a.unit_id == unit_pk and a.role == role), None)
        if same is not None:
            matched.add(same.pk)
            part["unchanged"].append({"unit": same.unit.name, "role": role, "role_label": ROLE_LABELS[role]})
            continue
        other = next((a for a in current if a.unit_id == unit_pk and a.pk not in matched and a.role in roles), None)
        if other is not None:
            matched.add(other.pk)
            part["changed"].append(
                {
                    "assignment_id": other.pk,
                    "unit": other.unit.name,
                    "from_label": ROLE_LABELS[other.role],
                    "role": role,
                    "role_label": ROLE_LABELS[role],
                }
            )
            continue
        part["added"].append(
            {"unit_id": unit_pk, "unit": units[unit_pk].name, "role": role, "role_label": ROLE_LABELS[role]}
        )
    for a in current:
        if a.pk in matched:
            continue
        if a.role in roles:
            part["removed"].append({"assignment_id": a.pk, "unit": a.unit.name, "role_label": ROLE_LABELS[a.role]})
        else:  # the sheet has no column for this role: left as it is
            part["unchanged"].append({"unit": a.unit.name, "role": a.role, "role_label": ROLE_LABELS[a.role]})
    return part


def _deadline_change(task: Task, cells: list, *, plan: Plan, today: dt.date, error) -> dict | None:
    """The task's deadlines as its rows write them: None when the sheet says nothing about them (no
    column, no row), else old and new with ``changed``. Rows of one task that disagree are an error."""
    if not cells:
        return None
    old = deadline_cell_text(task.deadlines.all())
    written = [(row, value) for row, value in cells if value not in ("", None)]
    distinct = list(dict.fromkeys(value for _, value in written))
    if len(distinct) > 1:
        row = next(r for r, v in written if v == distinct[1])
        error(row, f"任务 {task.label} 各行的完成时限不一致(“{distinct[0]}”与“{distinct[1]}”),请改为一致。")
        return None
    value = distinct[0] if distinct else ""
    if value == old or (isinstance(value, dt.date) and value.isoformat() == old):
        return {"old": old, "new": old, "items": None, "changed": False}
    if value == "":
        return {"old": old, "new": "", "items": [], "changed": bool(old)}
    try:
        items = _deadline_items(sheet.deadline_cell_parse(value, plan_year=plan.year, today=today))
    except sheet.DeadlineCellError as exc:
        error(written[0][0], exc.message)
        return None
    current = [
        {"text": d.text, "due": d.due_on.isoformat() if d.due_on else None, "recurrence": d.recurrence}
        for d in sorted(task.deadlines.all(), key=lambda d: d.pk)
    ]
    new = ";".join(_deadline_label(i) for i in items)
    return {"old": old, "new": new, "items": items, "changed": items != current}


# ---------------------------------------------------------------------------------------------------
# Upload, confirm


def division_import_preview(*, plan: Plan, data: bytes, filename: str, by: User, today: dt.date) -> DivisionImport:
    """Read an uploaded sheet and keep it with its preview; nothing of the plan changes. Raises
    DivisionImportError (nothing written) when the file is too large or not a 分工 sheet."""
    if len(data) > MAX_SHEET_BYTES:
        raise DivisionImportError("too_large", f"文件超过 {MAX_SHEET_BYTES // (1024 * 1024)} MB,不像一份分工表。")
    changes = division_changes(plan=plan, data=data, today=today)
    sha = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        division_import = DivisionImport(
            plan=plan,
            original_name=filename[:200],
            sha256=sha,
            preview=changes.to_dict(),
            fingerprint=changes.fingerprint,
            created_by=by,
        )
        division_import.file.save(f"{sha[:16]}.xlsx", ContentFile(data), save=False)
        division_import.save()
    return division_import


def division_import_recheck(*, division_import: DivisionImport, by: User, today: dt.date) -> DivisionImport:
    """The same file read again against the plan as it is now: a new preview (after a stale one)."""
    with division_import.file.open("rb") as stream:
        data = stream.read()
    return division_import_preview(
        plan=division_import.plan, data=data, filename=division_import.original_name, by=by, today=today
    )


@transaction.atomic
def division_import_confirm(*, division_import: DivisionImport, by: User, today: dt.date) -> dict[str, int]:
    """Apply a previewed sheet, all of it or nothing: removals first, then role changes and additions (a unit
    holds one role on a clause), then deadlines; each change in the history under ``by``. Refused when the
    preview has errors, was already applied, or is stale (the plan's 分工 or the directory changed since)."""
    locked = DivisionImport.objects.select_for_update().select_related("plan__jurisdiction").get(pk=division_import.pk)
    if locked.status != DivisionImport.Status.PREVIEW:
        raise DivisionImportError("already_confirmed", "该分工表已经导入过,请勿重复确认。")
    plan = Plan.objects.select_for_update().select_related("jurisdiction").get(pk=locked.plan_id)
    with locked.file.open("rb") as stream:
        data = stream.read()
    fresh = division_changes(plan=plan, data=data, today=today)
    if fresh.fingerprint != locked.fingerprint:
        raise DivisionImportError(
            "stale",
            "预览之后,该规划的分工、时限或单位名录已被修改,这份预览已过期,未做任何修改。请点“按当前规划重新检查”后再确认。",
        )
    if fresh.errors:
        raise DivisionImportError("sheet_errors", f"表中有 {len(fresh.errors)} 处错误,请改正后重新上传。")
    now = timezone.now()
    _apply(fresh, by=by, now=now, today=today)
    locked.status = DivisionImport.Status.CONFIRMED
    locked.confirmed_by = by
    locked.confirmed_at = now
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return fresh.counts


def _apply(changes: DivisionChanges, *, by: User, now: dt.datetime, today: dt.date) -> None:
    """Write the changes in a fixed number of statements whatever their number (bulk writes with their
    history rows): a 100-task plan given three units each is one request, not thousands of queries."""
    parts = [(entry["task_id"], part) for entry in changes.tasks for part in entry["clauses"]]
    assignment_ids = [i["assignment_id"] for _, p in parts for i in (*p["removed"], *p["changed"])]
    assignments = Assignment.objects.in_bulk(assignment_ids)
    units = Unit.objects.in_bulk([i["unit_id"] for _, p in parts for i in p["added"]])
    clauses = Clause.objects.in_bulk([p["clause_id"] for _, p in parts if p["added"] and p["clause_id"]])
    changed_tasks: set[int] = set()
    retired, moved, created = [], [], []
    for task_id, part in parts:
        for item in part["removed"]:
            assignment = assignments[item["assignment_id"]]
            assignment.deleted_at = now
            retired.append(assignment)
        for item in part["changed"]:
            assignment = assignments[item["assignment_id"]]
            assignment.role = item["role"]
            assignment.source = Assignment.Source.MANUAL  # the office's choice: a re-import keeps it
            moved.append(assignment)
        if part["added"]:
            clause = clauses[part["clause_id"]] if part["clause_id"] else _clause_create(task_id)
            start = len(part["unchanged"]) + len(part["changed"])
            for order, item in enumerate(part["added"], start=start):
                unit = units[item["unit_id"]]
                created.append(
                    Assignment(
                        clause=clause,
                        unit=unit,
                        role=item["role"],
                        printed_name=unit.name,
                        source=Assignment.Source.MANUAL,
                        position=order,
                    )
                )
        if part["removed"] or part["changed"] or part["added"]:
            changed_tasks.add(task_id)
    history = {"default_user": by, "default_change_reason": HISTORY_REASON, "default_date": now}
    # Removals and role changes go first: a unit holds one role on a clause, among live assignments.
    if retired:
        bulk_update_with_history(retired, Assignment, ["deleted_at"], **history)
    if moved:
        bulk_update_with_history(moved, Assignment, ["role", "source"], **history)
    if created:
        bulk_create_with_history(created, Assignment, **history)
    deadlines = {e["task_id"]: e["deadline"] for e in changes.tasks if e["deadline"] and e["deadline"]["changed"]}
    if deadlines:
        _deadlines_replace(deadlines, by=by, now=now, today=today)
        changed_tasks.update(deadlines)
    Task.objects.filter(pk__in=changed_tasks).update(updated_at=now)


def _clause_create(task_id: int) -> Clause:
    """A task printed without clauses gets one, holding its text, when the sheet gives it units."""
    task = Task.objects.get(pk=task_id)
    return Clause.objects.create(task=task, position=0, text=task.text)


def task_due_on(deadlines: Iterable[Deadline], *, today: dt.date) -> dt.date | None:
    """A task's ``due_on`` from its deadlines: the earliest one-off date, else the next date of its recurring
    ones (as ``tasks.services.recurring_deadlines_roll`` rolls them), else none (长期坚持)."""
    deadlines = list(deadlines)
    one_off = sorted(d.due_on for d in deadlines if d.due_on and not d.recurrence)
    if one_off:
        return one_off[0]
    recurring = sorted(filter(None, (d.next_due(today=today) for d in deadlines if d.recurrence)))
    return recurring[0] if recurring else None


def _deadlines_replace(changes: dict[int, dict], *, by: User, now: dt.datetime, today: dt.date) -> None:
    """Replace the deadlines of the tasks in ``changes`` (task id → old/new/items) and recompute ``due_on``."""
    Deadline.objects.filter(task_id__in=list(changes)).delete()
    created = Deadline.objects.bulk_create(
        Deadline(
            task_id=task_id,
            text=item["text"][:120],
            due_on=dt.date.fromisoformat(item["due"]) if item["due"] else None,
            recurrence=item["recurrence"],
        )
        for task_id, change in changes.items()
        for item in change["items"]
    )
    tasks = Task.objects.in_bulk(list(changes))
    for task_id, change in changes.items():
        task = tasks[task_id]
        task.due_on = task_due_on([d for d in created if d.task_id == task_id], today=today)
        task.updated_at = now
        # Deadlines keep no history of their own: the task's history says what they were and became.
        task._change_reason = f"{HISTORY_REASON}:时限 {change['old'] or '无'} → {change['new'] or '无'}"[:100]
    bulk_update_with_history(list(tasks.values()), Task, ["due_on", "updated_at"], default_user=by, default_date=now)
