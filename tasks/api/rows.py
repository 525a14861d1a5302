"""The task and progress-report rows of the API: plain dicts built from a few queries, so a page of 500
tasks costs the same handful of queries as a page of 5 and no per-object serializer work.

Only ``tasks.api`` reads these (the list, the detail, the export); the pages read ``tasks.selectors``.
The follow-up queries of a page are plain SQL: for leaders and API clients they restate what
``ProgressReport.objects.visible_to`` gives, and tests/api/test_api.py holds the two to the same table of
cases for every role.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from lawgov.models import Role, User
from plans.models import Task
from tasks.models import ProgressReport, ReportStatus, WarningLevel
from tasks.status import task_status


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# The task list's follow-up queries are plain SQL (a page of the list is the API's busiest call and the ORM's
# compilation cost more than the queries themselves); these turn a driver's values into what the ORM gives.
def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> dt.datetime | None:
    if isinstance(value, str):
        # PostgreSQL's text of a timestamptz ends in "+00" (hours only).
        value = dt.datetime.fromisoformat(value + ":00" if re.search(r"[+-]\d\d$", value) else value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)  # SQLite keeps UTC without an offset
    return value


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


CLAUSE, DEADLINE, TARGET, SIGNATURE, EXTENSION = 0, 1, 2, 3, 4


def _task_parts(ids: list[int], *, with_targets: bool) -> list[tuple]:
    """A page's clauses with their live assignments and units, its deadlines and (for one task) its targets,
    in one round trip: one UNION ALL, each part's values in the same eleven columns, ordered by part, task
    and then as each part is ordered on its own. A clause without units (大兴) still comes back.

    Columns: part, task_id, position, id, text, unit_id, unit name, role, printed name or measure, then
    two values cast to text (a deadline's date and rule; a target's value and period), so that SQLite and
    PostgreSQL agree on the types.
    """
    marks = ", ".join(["%s"] * len(ids))
    parts = [
        f"""SELECT {CLAUSE} AS part, c.task_id, c.position AS k1, COALESCE(a.position, 0) AS k2,
               COALESCE(a.id, 0) AS k3, c.id, c.text, a.unit_id, u.name, a.role, a.printed_name,
               CAST(NULL AS TEXT) AS first, CAST(NULL AS TEXT) AS second
        FROM plans_clause c
        LEFT JOIN plans_assignment a ON a.clause_id = c.id AND a.deleted_at IS NULL
        LEFT JOIN lawgov_unit u ON u.id = a.unit_id
        WHERE c.task_id IN ({marks})""",
        f"""SELECT {DEADLINE}, task_id, id, 0, 0, id, text, NULL, NULL, NULL, NULL, CAST(due_on AS TEXT),
               CAST(recurrence AS TEXT)
        FROM plans_deadline WHERE task_id IN ({marks})""",
    ]
    if with_targets:
        parts.append(
            f"""SELECT {TARGET}, task_id, id, 0, 0, id, text, NULL, NULL, NULL, measure, CAST(value AS TEXT), period
            FROM plans_target WHERE task_id IN ({marks})"""
        )
    # 交办/签收 of each real unit (a group phrase's own row only marks it delivered: tasks.supervision).
    parts.append(
        f"""SELECT {SIGNATURE}, s.task_id, 0, 0, s.id, s.id, NULL, s.unit_id, u.name, NULL, NULL,
               CAST(s.assigned_at AS TEXT), CAST(s.signed_at AS TEXT)
        FROM tasks_tasksignature s JOIN lawgov_unit u ON u.id = s.unit_id
        WHERE s.task_id IN ({marks}) AND u.kind <> 'group'"""
    )
    # 延期申请 with their status: the deadline's history (old → new date).
    parts.append(
        f"""SELECT {EXTENSION}, e.task_id, 0, 0, e.id, e.id, e.reason, e.unit_id, u.name, e.status, e.comment,
               CAST(e.old_due_on AS TEXT), CAST(e.new_due_on AS TEXT)
        FROM tasks_extensionrequest e JOIN lawgov_unit u ON u.id = e.unit_id
        WHERE e.task_id IN ({marks})"""
    )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 2, 3, 4, 5", ids * len(parts))
        # Drop the two ordering keys (k2, k3): callers read part, task, position/id order, then the values.
        return [(r[0], r[1], r[2], *r[5:]) for r in cursor.fetchall()]


TASK_ROW_FIELDS = (
    "id",
    "plan_id",
    "plan__title",
    "section_id",
    "section__label",
    "section__title",
    "section__path",
    "number",
    "path",
    "heading",
    "text",
    "due_on",
    "updated_at",
    "progress__completed_on",
    "progress__last_report_on",
    "warning__level",
    "warning__reason",
    "progress__completed_by__reviewed_at",
    "latest_report_id",
)


def task_values(tasks: QuerySet[Task], *, user: User, today: dt.date, latest: bool = True) -> QuerySet:
    """The filtered, ordered task queryset as the rows the API needs: each task's own fields, from which
    ``task_rows_for`` computes the status, and for a reporter the id of its latest visible report
    (``latest=False`` leaves that out, for one task whose reports are all fetched anyway)."""
    # Status is computed per row in Python by the same rule (tasks.status.task_status): cheaper than the SQL
    # CASE on a page, and the SQL form stays where it is needed, in filters and rollups.
    if not latest or user.role != Role.REPORTER:
        # Everyone else's latest report is the newest submitted one of the task (``latest_reports``),
        # found after the page is known, not in the page's query.
        return tasks.values(*TASK_ROW_FIELDS[:-1])
    # A reporter's own drafts count as its latest, others' do not: ProgressReport.visible_to decides.
    newest = (
        ProgressReport.objects.visible_to(user).filter(task=OuterRef("pk")).order_by("-reported_on", "-id")
    ).values("id")[:1]
    return tasks.annotate(latest_report_id=Subquery(newest)).values(*TASK_ROW_FIELDS)


def task_rows_for(
    *, rows: list[dict], user: User, today: dt.date, with_reports: bool = False, with_targets: bool = False
) -> list[dict]:
    """Complete a page of ``task_values`` rows with clauses and units, deadlines, the latest report (and,
    for one task, all its reports and targets): three to five more queries whatever the page size."""
    tasks: dict[int, dict] = {}
    report_ids = []
    for r in rows:
        tasks[r["id"]] = {
            "id": r["id"],
            "plan": {"id": r["plan_id"], "title": r["plan__title"]},
            "section": (
                {
                    "id": r["section_id"],
                    "label": r["section__label"],
                    "title": r["section__title"],
                    "path": r["section__path"],
                }
                if r["section_id"]
                else None
            ),
            "number": r["number"],
            "path": r["path"],
            "heading": r["heading"],
            "text": r["text"],
            "due_on": _iso(r["due_on"]),
            "status": task_status(
                due_on=r["due_on"],
                completed_on=r["progress__completed_on"],
                last_report_on=r["progress__last_report_on"],
                today=today,
            ).value,
            "completed_on": _iso(r["progress__completed_on"]),
            # 销号: when the legal office accepted the completion; set below to null for a recurring task.
            "closed_at": _iso(r["progress__completed_by__reviewed_at"]) if r["progress__completed_on"] else None,
            # Stored by the daily sweep (tasks.warnings); a task it never warned has none.
            "warning": r["warning__level"] or WarningLevel.NONE.value,
            "warning_reason": r["warning__reason"] or "",
            "updated_at": _iso(r["updated_at"]),
            "clauses": [],
            "deadlines": [],
            "signatures": [],
            "extensions": [],
            "latest_progress": None,
        }
        if r.get("latest_report_id"):
            report_ids.append(r["latest_report_id"])
    if not tasks:
        return []
    ids = list(tasks)
    if with_targets:
        for task in tasks.values():
            task["targets"] = []
    clauses: dict[int, dict] = {}
    for part, task_id, position, row_id, text, unit_id, name, role, label, first, second in _task_parts(
        ids, with_targets=with_targets
    ):
        if part == CLAUSE:
            clause = clauses.get(row_id)
            if clause is None:
                clause = clauses[row_id] = {"id": row_id, "position": position, "text": text, "units": []}
                tasks[task_id]["clauses"].append(clause)
            if unit_id:
                clause["units"].append({"id": unit_id, "name": name, "role": role, "printed_name": label})
        elif part == DEADLINE:
            tasks[task_id]["deadlines"].append(
                {"text": text, "due_on": _iso(_date(first)), "recurrence": _json(second)}
            )
        elif part == EXTENSION:
            tasks[task_id]["extensions"].append(
                {
                    "unit": {"id": unit_id, "name": name},
                    "reason": text,
                    "old_due_on": _iso(_date(first)),
                    "new_due_on": _iso(_date(second)),
                    "status": role,
                    "comment": label,
                }
            )
        elif part == SIGNATURE:
            tasks[task_id]["signatures"].append(
                {
                    "unit": {"id": unit_id, "name": name},
                    "assigned_at": _iso(_moment(first)),
                    "signed_at": _iso(_moment(second)),
                }
            )
        else:
            tasks[task_id]["targets"].append(
                {"text": text, "value": float(first) if first is not None else None, "measure": label, "period": second}
            )
    for task in tasks.values():
        # A recurring (长期坚持) task is never 销号: it keeps reporting per period (tasks.supervision).
        if task["closed_at"] and any(d["recurrence"] for d in task["deadlines"]):
            task["closed_at"] = None
    if with_reports:
        for task in tasks.values():
            task["progress_reports"] = []
        if user.role in (Role.LEADER, Role.API_CLIENT) and not user.is_superuser:
            # What ProgressReport.visible_to gives leaders and API clients on tasks of their jurisdictions
            # (every submitted report, never a draft), for tasks already checked to be theirs: plain SQL,
            # like the list's latest reports, for the call other systems make most.
            marks = ", ".join(["%s"] * len(ids))
            reports = _report_rows(
                f"r.task_id IN ({marks}) AND r.deleted_at IS NULL AND r.status <> %s "
                "ORDER BY r.reported_on DESC, r.id DESC",
                [*ids, ReportStatus.DRAFT.value],
            )
        else:
            reports = [
                report_row(p)
                for p in ProgressReport.objects.visible_to(user)
                .filter(task_id__in=ids)
                .order_by("-reported_on", "-id")
                .values(*REPORT_FIELDS)
            ]
        # The latest progress is the newest of these that the list would show: a reporter's own drafts
        # count for it (as in ``task_values``), nobody else's drafts do.
        drafts_count = user.role == Role.REPORTER
        for row in reports:
            task = tasks[row["task"]]
            task["progress_reports"].append(row)
            if task["latest_progress"] is None and (drafts_count or row["status"] != ReportStatus.DRAFT):
                task["latest_progress"] = row
    elif report_ids:
        for p in reports_by_id(report_ids):
            tasks[p["task"]]["latest_progress"] = p
    elif user.role != Role.REPORTER:
        for p in latest_reports(ids):
            tasks[p["task"]]["latest_progress"] = p
    return [tasks[r["id"]] for r in rows]


def task_rows(*, ids: list[int], user: User, today: dt.date, with_reports: bool = False) -> list[dict]:
    """Rows for known task ids, in the order given (exports walk a long list in chunks this way)."""
    if not ids:
        return []
    by_id = {r["id"]: r for r in task_values(Task.objects.filter(pk__in=ids), user=user, today=today)}
    rows = [by_id[i] for i in ids if i in by_id]
    return task_rows_for(rows=rows, user=user, today=today, with_reports=with_reports, with_targets=with_reports)


REPORT_FIELDS = (
    "id",
    "task_id",
    "unit_id",
    "unit__name",
    "reported_on",
    "text",
    "percent",
    "claims_completion",
    "status",
    "on_behalf",
    "submitted_at",
    "reviewed_at",
    "return_reason",
    "updated_at",
    "version",
)


REPORT_COLUMNS = """
    r.id, r.task_id, r.unit_id, u.name, r.reported_on, r.text, r.percent, r.claims_completion, r.status,
    r.on_behalf, r.submitted_at, r.reviewed_at, r.return_reason, r.updated_at, r.version
"""


def _report_rows(where: str, params: list) -> list[dict]:
    """``report_row`` dicts from plain SQL (the task list's latest reports: one query for a whole page)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {REPORT_COLUMNS} FROM tasks_progressreport r JOIN lawgov_unit u ON u.id = r.unit_id WHERE {where}",
            params,
        )
        return [
            report_row(
                {
                    "id": r[0],
                    "task_id": r[1],
                    "unit_id": r[2],
                    "unit__name": r[3],
                    "reported_on": _date(r[4]),
                    "text": r[5],
                    "percent": r[6],
                    "claims_completion": bool(r[7]),
                    "status": r[8],
                    "on_behalf": bool(r[9]),
                    "submitted_at": _moment(r[10]),
                    "reviewed_at": _moment(r[11]),
                    "return_reason": r[12],
                    "updated_at": _moment(r[13]),
                    "version": r[14],
                }
            )
            for r in cursor.fetchall()
        ]


def reports_by_id(ids: list[int]) -> list[dict]:
    """Known report ids (a reporter's latest reports, picked by ``ProgressReport.visible_to``)."""
    if not ids:
        return []
    return _report_rows(f"r.id IN ({', '.join(['%s'] * len(ids))})", ids)


def latest_reports(task_ids: list[int]) -> list[dict]:
    """The newest submitted (not draft, not deleted) report of each task: what the legal office, leaders
    and API clients see as a task's latest progress. The tasks are already those the caller may see."""
    if not task_ids:
        return []
    marks = ", ".join(["%s"] * len(task_ids))
    return _report_rows(
        f"""r.id IN (
            SELECT (
                SELECT l.id FROM tasks_progressreport l
                WHERE l.task_id = t.id AND l.deleted_at IS NULL AND l.status <> %s
                ORDER BY l.reported_on DESC, l.id DESC LIMIT 1
            ) FROM plans_task t WHERE t.id IN ({marks})
        )""",
        [ReportStatus.DRAFT.value, *task_ids],
    )


def report_row(p: dict) -> dict:
    return {
        "id": p["id"],
        "task": p["task_id"],
        "unit": {"id": p["unit_id"], "name": p["unit__name"]},
        "reported_on": _iso(p["reported_on"]),
        "text": p["text"],
        "percent": p["percent"],
        "claims_completion": p["claims_completion"],
        "status": p["status"],
        "on_behalf": p["on_behalf"],
        "submitted_at": _iso(p["submitted_at"]),
        "reviewed_at": _iso(p["reviewed_at"]),
        "return_reason": p["return_reason"],
        "updated_at": _iso(p["updated_at"]),
        "version": p["version"],
    }
