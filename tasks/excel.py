"""The Excel round trip offices live in: a plan's task list out, the same sheet back in with progress.

Import is all-or-nothing: every row is checked first and the errors are reported by row number; only
a sheet without errors is saved, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from lawgov import exporting
from lawgov.exporting import Kind
from lawgov.limits import ParseTimeLimit, time_limited
from lawgov.models import Role, Unit, User
from plans.importing.archive import zip_check
from plans.importing.errors import DocumentError, ErrorCode
from plans.models import AssignmentRole, Plan, Task
from tasks import selectors, services
from tasks.models import ProgressImport, ProgressReport
from tasks.status import TaskStatus

HEADERS = [
    "任务ID",
    "章节",
    "编号",
    "任务",
    "牵头单位",
    "配合单位",
    "责任单位",
    "时限",
    "状态",
    "最新进展",
    "填报单位",
    "进展日期",
    "进展情况",
    "完成比例(%)",
    "申请完成(是/否)",
]
FILL_FROM = HEADERS.index("填报单位")
SHEET_TITLE = "任务进展"
# A filled sheet is one row per task and report: a large plan has a few hundred tasks, so these limits sit
# far above real use and far below what would tie up a web worker (a 1M-row sheet took 50 s and 384 MB).
MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_SHEET_ROWS = 5000
MAX_SHEET_INFLATED_BYTES = 25 * 1024 * 1024


@dataclass
class RowError:
    row: int
    message: str


class SheetErrors(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def plan_tasks_export(*, plan: Plan, user: User, today: dt.date) -> bytes:
    """The task list as offices lay it out; grey columns are the plan, white ones are for the unit."""
    title = plan.title if plan.title.startswith(plan.jurisdiction.name) else f"{plan.jurisdiction.name} {plan.title}"
    return exporting.xlsx(
        exporting.Sheet(
            name=SHEET_TITLE,
            title=exporting.title_line(title, SHEET_TITLE, today),
            columns=[
                exporting.Column(header, kind=kind, width=width, shaded=index < FILL_FROM)
                for index, (header, kind, width) in enumerate(zip(HEADERS, _KINDS, _WIDTHS, strict=True))
            ],
            rows=_plan_task_rows(plan=plan, user=user, today=today),
            freeze_columns=4,  # ID, 章节, 编号, 任务 stay in view while filling the white columns
        )
    )


_KINDS = [Kind.NUMBER, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.DATE, Kind.TEXT]
_KINDS += [Kind.TEXT, Kind.TEXT, Kind.DATE, Kind.TEXT, Kind.NUMBER, Kind.TEXT]
_WIDTHS = [8, 20, 6, 50, 18, 18, 18, 12, 8, 40, 16, 12, 50, 10, 12]


def _plan_task_rows(*, plan: Plan, user: User, today: dt.date):
    tasks = selectors.task_list(user=user, today=today).filter(plan=plan).order_by("position")
    latest = {
        r.task_id: r
        for r in ProgressReport.objects.visible_to(user)
        .filter(task__plan=plan)
        .exclude(status="draft")
        .order_by("task_id", "reported_on", "id")
    }
    labels = dict(TaskStatus.choices)
    own_unit = user.unit.name if user.role == Role.REPORTER and user.unit_id else ""
    for task in tasks:
        units: dict[str, list[str]] = {r: [] for r in AssignmentRole.values}
        for clause in task.clauses.all():
            for a in clause.assignments.all():
                if a.unit.name not in units[a.role]:
                    units[a.role].append(a.unit.name)
        last = latest.get(task.pk)
        yield (
            task.pk,
            f"{task.section.label}{task.section.title}" if task.section else "",
            task.number,
            task.heading,
            "、".join(units["lead"]),
            "、".join(units["cooperating"]),
            "、".join(units["responsible"]),
            task.due_on,
            labels[task.status],
            f"{last.reported_on:%Y-%m-%d} {last.unit.name}:{last.text[:100]}" if last else "",
            own_unit,
            None,
            None,
            None,
            None,
        )


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_NOT_A_SHEET = "文件不是有效的 .xlsx 表格,请使用导出的任务进展表填写后上传。"


def _sheet_rows(data: bytes) -> list[tuple]:
    """The sheet's rows (values), read within the limits; ``SheetErrors`` with the reason otherwise."""
    if len(data) > MAX_SHEET_BYTES:
        limit = MAX_SHEET_BYTES // 1024 // 1024
        raise SheetErrors([RowError(0, f"文件超过{limit} MB的上限,请只保留要填报的任务行后上传。")])
    try:
        zip_check(data, label="Excel文件", max_inflated=MAX_SHEET_INFLATED_BYTES).close()
    except DocumentError as exc:  # too large inflated, or not a zip at all (then: not a sheet)
        message = exc.message if exc.code == ErrorCode.TOO_LARGE else _NOT_A_SHEET
        raise SheetErrors([RowError(0, message)]) from exc
    rows: list[tuple] = []
    try:
        with time_limited():
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.active
                for row in ws.iter_rows(values_only=True):
                    if len(rows) >= MAX_SHEET_ROWS:
                        raise SheetErrors(
                            [RowError(0, f"表格超过{MAX_SHEET_ROWS}行,请分批导入(每次不超过{MAX_SHEET_ROWS}行)。")]
                        )
                    rows.append(tuple(row[: len(HEADERS) + 5]))
            finally:
                wb.close()
    except SheetErrors:
        raise
    except ParseTimeLimit as exc:
        raise SheetErrors([RowError(0, exc.message)]) from exc
    # openpyxl raises zipfile, KeyError, ValueError, TypeError, XML parse errors… for a wrong or truncated
    # file, often only half-way through the rows; every one means the same to the person uploading it.
    except Exception as exc:
        raise SheetErrors([RowError(0, _NOT_A_SHEET)]) from exc
    return rows


def progress_import(*, plan: Plan, user: User, data: bytes, today: dt.date) -> list[ProgressReport]:
    """Read the filled sheet; rows with 进展情况 become submitted reports (待审核, waiting for the legal
    office's review). Raises SheetErrors, saving nothing.

    Hostile or broken files are refused with a message before and while reading: the upload's size, the
    archive's inflated size and ratio (``zip_check``: a decompression bomb), then the rows are streamed
    (openpyxl's read-only mode) and reading stops past ``MAX_SHEET_ROWS``; a truncated or malformed sheet
    that fails half-way is reported like a wrong file, never a 500."""
    _, errors, created = _progress_rows(plan=plan, user=user, data=data, today=today, commit=True)
    if errors:
        raise SheetErrors(errors)
    return created


@transaction.atomic
def progress_import_confirm(*, draft: ProgressImport, by: User, today: dt.date) -> int:
    """确认导入 of a kept sheet (``tasks.services.progress_import_keep``): its rows saved as submitted reports,
    all or none, every row checked again (the plan or the reports may have changed since the preview).
    Returns the number saved; raises ``SheetErrors`` with nothing saved. A sheet confirmed twice is saved
    once (the row lock makes a double click wait for the first and then find it confirmed)."""
    locked = ProgressImport.objects.select_for_update().get(pk=draft.pk)
    if locked.status == ProgressImport.Status.CONFIRMED:
        return 0
    with locked.file.open("rb") as handle:
        data = handle.read()
    created = progress_import(plan=locked.plan, user=by, data=data, today=today)
    ProgressImport.objects.filter(pk=locked.pk).update(
        status=ProgressImport.Status.CONFIRMED, confirmed_at=timezone.now(), created_reports=len(created)
    )
    return len(created)


def progress_import_preview(*, plan: Plan, user: User, data: bytes, today: dt.date) -> dict:
    """What the import would do, saving nothing: every row read, each with the error that would stop it
    (the same checks as ``progress_import``, services included, in a transaction always rolled back).

    Returns a JSON-ready dict: ``rows`` (row, task, unit, date, text, percent, claim, error) in sheet order,
    ``errors`` (every RowError, the sheet's own with row 0) and ``ok`` (rows without error)."""
    try:
        planned, errors, _ = _progress_rows(plan=plan, user=user, data=data, today=today, commit=False)
    except SheetErrors as exc:
        return {"rows": [], "errors": [{"row": e.row, "message": e.message} for e in exc.errors], "ok": 0}
    by_row: dict[int, list[str]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e.message)
    rows = []
    seen = set()
    for item in planned:
        task = item["task"]
        seen.add(item["row"])
        rows.append(
            {
                "row": item["row"],
                "task_id": task.pk,
                "task": f"{task.label} {task.heading[:60]}",
                "unit": item["unit"].name,
                "reported_on": item["reported_on"].isoformat(),
                "text": item["text"][:500],
                "percent": item["percent"],
                "claims_completion": item["claims_completion"],
                "error": ";".join(by_row.get(item["row"], [])),
            }
        )
    for row, messages in by_row.items():
        if row and row not in seen:
            rows.append({"row": row, "task": "", "unit": "", "text": "", "error": ";".join(messages)})
    rows.sort(key=lambda r: r["row"])
    return {
        "rows": rows,
        "errors": [{"row": e.row, "message": e.message} for e in sorted(errors, key=lambda e: e.row)],
        "ok": sum(1 for r in rows if not r["error"]),
    }


class _Rollback(Exception):
    pass


def _progress_rows(
    *, plan: Plan, user: User, data: bytes, today: dt.date, commit: bool
) -> tuple[list[dict], list[RowError], list[ProgressReport]]:
    """Read and check every row, then run each through the services: (rows read, errors, reports made).

    Anything but a committed run without errors rolls back every row; a sheet that cannot be read at all
    raises ``SheetErrors``."""
    rows = _sheet_rows(data)
    # The export puts a title row above the header; a sheet saved before that has the header first.
    at = next((i for i, r in enumerate(rows[:3]) if [str(h or "").strip() for h in r[: len(HEADERS)]] == HEADERS), None)
    if at is None:
        at = 1 if len(rows) > 1 and "任务ID" in [str(c or "").strip() for c in rows[1]] else 0
        missing = [h for h in HEADERS if h not in [str(c or "").strip() for c in (rows[at] if rows else [])]]
        raise SheetErrors(
            [
                RowError(
                    at + 1,
                    "表头与导出的任务进展表不一致" + (f",缺少列:{'、'.join(missing)}" if missing else "") + "。",
                )
            ]
        )
    visible = {t.pk: t for t in Task.objects.visible_to(user).filter(plan=plan).select_related("plan")}
    units_by_name: dict[str, Unit] = {}
    for unit in Unit.objects.active().filter(jurisdiction=plan.jurisdiction_id):
        for name in unit.all_names():
            units_by_name.setdefault(name, unit)
    errors: list[RowError] = []
    planned: list[dict] = []
    col = {h: i for i, h in enumerate(HEADERS)}
    for number, row in enumerate(rows[at + 1 :], start=at + 2):
        row = list(row) + [None] * (len(HEADERS) - len(row))
        text = str(row[col["进展情况"]] or "").strip()
        if not text:
            continue
        task_id = row[col["任务ID"]]
        task = visible.get(int(task_id)) if isinstance(task_id, int | float) else None
        if task is None:
            errors.append(RowError(number, "任务ID不属于该规划或您无权填报该任务。"))
            continue
        unit_name = str(row[col["填报单位"]] or "").strip()
        if user.role == Role.REPORTER:
            unit = user.unit
            if unit_name and units_by_name.get(unit_name) != unit:
                errors.append(RowError(number, f"只能为本单位({unit})填报,表中写的是“{unit_name}”。"))
                continue
        else:
            unit = units_by_name.get(unit_name)
            if unit is None:
                errors.append(RowError(number, f"填报单位“{unit_name or '(空)'}”不是本辖区的单位。"))
                continue
        reported_on = _parse_date(row[col["进展日期"]]) if row[col["进展日期"]] else today
        if reported_on is None:
            errors.append(RowError(number, f"进展日期“{row[col['进展日期']]}”无法识别,应为 2026-11-22。"))
            continue
        raw_percent = row[col["完成比例(%)"]]
        try:
            percent = int(raw_percent) if raw_percent not in (None, "") else 0
            if float(raw_percent or 0) != percent:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(RowError(number, f"完成比例“{raw_percent}”不是0到100之间的整数。"))
            continue
        claim = str(row[col["申请完成(是/否)"]] or "").strip() in {"是", "Y", "y", "yes", "1", "完成"}
        planned.append(
            {
                "row": number,
                "task": task,
                "unit": unit,
                "reported_on": reported_on,
                "text": text,
                "percent": percent,
                "claims_completion": claim,
            }
        )
    if not planned and not errors:
        errors.append(RowError(0, "表中没有填写任何进展(“进展情况”列为空)。"))
    # The remaining rules (future dates, percent range, the unit's part in the task) are the services' own.
    # Every row goes through them, even when others already failed, so that one upload lists every error;
    # any error rolls back every row saved before it.
    created: list[ProgressReport] = []
    try:
        with transaction.atomic():
            for item in planned:
                try:
                    with transaction.atomic():
                        created.append(
                            services.progress_report_create(
                                task=item["task"],
                                unit=item["unit"],
                                by=user,
                                reported_on=item["reported_on"],
                                text=item["text"],
                                percent=item["percent"],
                                claims_completion=item["claims_completion"],
                                today=today,
                            )
                        )
                except services.ProgressError as exc:
                    errors.append(RowError(item["row"], exc.message))
            if errors or not commit:
                raise _Rollback
    except _Rollback:
        errors.sort(key=lambda e: e.row)
        created = []
    return planned, errors, created
