"""Writes of the tasks app: progress reports through their states, evidence, review, reminders.

Every rule (who may write for which unit, which state may go where, stale edits) is checked here, so the
browser views, the Excel import and the API all get the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from lawgov.calendar import national_days
from lawgov.errors import DomainError
from lawgov.models import Notification, Role, Unit, User
from lawgov.unit_hooks import merge_reason
from plans.models import Assignment, AssignmentRole, Deadline, Task
from tasks import selectors
from tasks.models import (
    EDITABLE_BY_UNIT,
    WAITING_FOR_REVIEW,
    CalendarDay,
    Evidence,
    ProgressImport,
    ProgressReport,
    ReportStatus,
    TaskProgress,
)
from tasks.wording import date_label

EVIDENCE_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".zip"}
# Magic numbers: the content must be what the name says (an .exe renamed .pdf is refused).
EVIDENCE_MAGIC = {
    ".pdf": (b"%PDF",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class ProgressError(DomainError):
    """A refused write of progress: a report, its evidence, its review."""


def evidence_max_bytes() -> int:
    return settings.LAWGOV_MAX_UPLOAD_MB * 1024 * 1024


def unit_roles_on_task(*, task: Task, unit: Unit) -> set[str]:
    """The roles a unit holds on a task, directly or through a group phrase standing for it."""
    return set(
        Assignment.objects.active()
        .filter(clause__task=task, unit_id__in=unit.covering_ids())
        .values_list("role", flat=True)
    )


def _check_writer(*, task: Task, unit: Unit, by: User) -> bool:
    """May ``by`` write progress for ``unit`` on ``task``? Returns whether it is 代填 (on the unit's behalf)."""
    if by.read_only:
        raise ProgressError("read_only", "只读角色不能填报进展。", 403)
    if by.role == Role.REPORTER and not by.is_superuser:
        if by.unit_id != unit.pk:
            raise ProgressError("not_your_unit", "只能为本单位填报进展。", 403)
        on_behalf = False
    else:
        jurisdictions = {j.pk for j in by.jurisdictions()}
        if not by.is_superuser and task.plan.jurisdiction_id not in jurisdictions:
            raise ProgressError("not_your_jurisdiction", "该任务不属于您的辖区。", 403)
        on_behalf = True
    if not unit_roles_on_task(task=task, unit=unit):
        raise ProgressError("no_part", f"{unit}不是该任务的牵头、配合或责任单位,不能填报。", 403)
    return on_behalf


def _check_fields(*, reported_on: dt.date, percent: int, today: dt.date) -> None:
    if percent is None or not 0 <= int(percent) <= 100:
        raise ProgressError("percent", f"完成比例必须在0到100之间(填写的是{percent})。")
    if reported_on > today:
        raise ProgressError("future_date", f"进展日期不能晚于今天({today:%Y-%m-%d})。")


def _check_claim(*, task: Task, unit: Unit, claims_completion: bool) -> None:
    if claims_completion and not unit_roles_on_task(task=task, unit=unit) & {
        AssignmentRole.LEAD,
        AssignmentRole.RESPONSIBLE,
    }:
        raise ProgressError("claim_not_lead", "只有牵头单位(或责任单位)可以申请任务完成。")


def _check_open(task: Task) -> None:
    """销号: a completed task takes no more reports, until the legal office reopens it. A task with a
    recurring deadline (每年…, 长期坚持 work reported per period) is never closed this way."""
    closed = TaskProgress.objects.filter(task=task, completed_on__isnull=False).values_list("completed_on", flat=True)
    if closed and not Deadline.objects.filter(task=task, recurrence__isnull=False).exists():
        raise ProgressError(
            "closed", f"该任务已于{closed[0]:%Y-%m-%d}办结销号,不再接收进展;如需补报请联系法制办重新打开。", 409
        )


def evidence_check(upload: UploadedFile) -> str:
    """Type by name and content, size by the documented limit. Returns the lowercase suffix."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_SUFFIXES:
        raise ProgressError("file_type", f"“{name}”的文件类型不允许。可上传 pdf、doc/docx、xls/xlsx、jpg/png、zip。")
    if upload.size > evidence_max_bytes():
        raise ProgressError(
            "file_size",
            f"“{name}”超过{settings.LAWGOV_MAX_UPLOAD_MB} MB的上限(实际{upload.size / 1024 / 1024:.1f} MB)。",
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_MAGIC[suffix]):
        raise ProgressError("file_content", f"“{name}”的内容与扩展名{suffix}不符,可能已损坏或改了扩展名。")
    return suffix


def _evidence_save(*, report: ProgressReport, files: Iterable[UploadedFile], by: User) -> None:
    for upload in files:
        Evidence.objects.create(
            report=report,
            file=upload,
            original_name=(upload.name or "file")[:200],
            size=upload.size,
            uploaded_by=by,
        )


def _touch_task(task_id: int) -> None:
    # updated_at feeds the API's updated_since: a new report is a change to the task for a puller.
    Task.objects.filter(pk=task_id).update(updated_at=timezone.now())


@transaction.atomic
def progress_report_create(
    *,
    task: Task,
    unit: Unit,
    by: User,
    reported_on: dt.date,
    text: str,
    percent: int,
    claims_completion: bool = False,
    files: Iterable[UploadedFile] = (),
    submit: bool = True,
    today: dt.date | None = None,
    form_token: str = "",
) -> ProgressReport:
    """Log progress for a unit on a task: by its own reporter, or by the legal office on its behalf (代填).

    ``form_token`` makes the POST idempotent: the same form sent twice (a double click, a browser resending)
    returns the report the first made — also when both arrive at once (the unique constraint decides)."""
    today = today or timezone.localdate()
    files = list(files)
    on_behalf = _check_writer(task=task, unit=unit, by=by)
    form_token = (form_token or "")[:32]
    if form_token:
        earlier = ProgressReport.objects.filter(task=task, unit=unit, form_token=form_token).first()
        if earlier is not None:
            return earlier
    _check_open(task)
    _check_fields(reported_on=reported_on, percent=percent, today=today)
    _check_claim(task=task, unit=unit, claims_completion=claims_completion)
    if not (text or "").strip():
        raise ProgressError("text", "请填写进展情况。")
    for upload in files:
        evidence_check(upload)
    report = ProgressReport(
        task=task,
        unit=unit,
        reported_on=reported_on,
        text=text.strip(),
        percent=int(percent),
        claims_completion=claims_completion,
        entered_by=by,
        on_behalf=on_behalf,
        status=ReportStatus.SUBMITTED if submit else ReportStatus.DRAFT,
        submitted_at=timezone.now() if submit else None,
        form_token=form_token,
    )
    report._history_user = by
    if not form_token:
        report.save()
    else:
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # the twin POST, arriving at the same moment, saved first
            return ProgressReport.objects.get(task=task, unit=unit, form_token=form_token)
    _evidence_save(report=report, files=files, by=by)
    if submit:
        _progress_note_report(report)
    _touch_task(task.pk)
    return report


@transaction.atomic
def progress_report_update(
    *,
    report: ProgressReport,
    by: User,
    expected_version: int,
    reported_on: dt.date,
    text: str,
    percent: int,
    claims_completion: bool = False,
    files: Iterable[UploadedFile] = (),
    remove_evidence: Iterable[int] = (),
    submit: bool = False,
    today: dt.date | None = None,
) -> ProgressReport:
    """Edit a draft or returned report. An edit based on an older version is refused (409), never merged.

    ``remove_evidence`` retires files already attached (``evidence_remove``); ``submit`` submits the edited
    report in the same transaction, so a refused submission (a returned report sent back unchanged) leaves
    the report exactly as it was, the edit included."""
    today = today or timezone.localdate()
    files = list(files)
    _check_editable(report=report, by=by)
    _check_fields(reported_on=reported_on, percent=percent, today=today)
    _check_claim(task=report.task, unit=report.unit, claims_completion=claims_completion)
    for upload in files:
        evidence_check(upload)
    updated = ProgressReport.objects.filter(pk=report.pk, version=expected_version, deleted_at=None).update(
        reported_on=reported_on,
        text=text.strip(),
        percent=int(percent),
        claims_completion=claims_completion,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ProgressError("stale", "该进展已被他人修改,您的修改未保存。请刷新页面查看最新内容后再改。", 409)
    report.refresh_from_db()
    report._history_user = by
    # simple-history records on save(); the row is already updated, this save only writes history.
    report.save(update_fields=["updated_at"])
    _evidence_save(report=report, files=files, by=by)
    remove = [int(pk) for pk in remove_evidence]
    if remove:
        evidence_remove(report=report, by=by, evidence_ids=remove)
    _touch_task(report.task_id)
    if submit:
        report.refresh_from_db()
        report = progress_report_submit(report=report, by=by)
    return report


def _check_editable(*, report: ProgressReport, by: User) -> None:
    """Only the report's own unit (or the legal office for its 代填) changes it, and only while a draft or
    returned: the one rule for edits, evidence removal and submission."""
    if not ProgressReport.objects.editable_by(by).filter(pk=report.pk).exists():
        if report.status not in EDITABLE_BY_UNIT or report.deleted_at:
            raise ProgressError("not_editable", f"该进展{report.get_status_display()},不能再修改。", 409)
        raise ProgressError("not_yours", "只能修改本单位的进展。", 403)


@transaction.atomic
def evidence_remove(*, report: ProgressReport, by: User, evidence_ids: Iterable[int]) -> list[Evidence]:
    """Retire files attached to a draft or returned report. The files stay stored (soft delete) and the
    report's history gets a row naming them and who removed them; the report's version moves on, so a form
    opened before the removal cannot silently put the old state back."""
    _check_editable(report=report, by=by)
    ids = {int(pk) for pk in evidence_ids}
    files = list(Evidence.objects.active().filter(report=report, pk__in=ids).order_by("id"))
    if len(files) != len(ids):
        raise ProgressError("evidence", "要移除的佐证材料不属于该进展或已被移除。", 400)
    if not files:
        return []
    now = timezone.now()
    Evidence.objects.filter(pk__in=[f.pk for f in files]).update(deleted_at=now)
    ProgressReport.objects.filter(pk=report.pk).update(version=F("version") + 1, updated_at=now)
    report.refresh_from_db()
    report._history_user = by
    report._change_reason = ("移除佐证材料:" + "、".join(f.original_name for f in files))[:100]
    report.save(update_fields=["updated_at"])
    _touch_task(report.task_id)
    return files


def _returned_version(report: ProgressReport):
    """The report as the legal office returned it: the first history row of its latest return (the return
    stamps ``reviewed_at``; a withdrawn resubmission goes back to 已退回 with the same stamp, later)."""
    return (
        report.history.filter(status=ReportStatus.RETURNED, reviewed_at=report.reviewed_at)
        .order_by("history_date", "history_id")
        .first()
    )


def _unchanged_since_return(report: ProgressReport) -> bool:
    """A returned report whose text, percent and evidence are all as they were when it was returned."""
    returned = _returned_version(report)
    if returned is None or report.reviewed_at is None:
        return False
    if (returned.text, returned.percent) != (report.text, report.percent):
        return False
    since = returned.history_date
    evidence = Evidence.objects.filter(report=report)
    changed = evidence.filter(uploaded_at__gt=since).exists() or evidence.filter(deleted_at__gt=since).exists()
    return not changed


def _transition(report: ProgressReport, *, allowed: tuple[str, ...], by: User, **changes) -> ProgressReport:
    """Move a report between states with a conditional UPDATE: two reviewers at once cannot both win."""
    done = ProgressReport.objects.filter(pk=report.pk, status__in=allowed, deleted_at=None).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if not done:
        report.refresh_from_db()
        raise ProgressError(
            "state", f"该进展当前为“{report.get_status_display()}”,不能执行此操作(可能已被他人处理)。", 409
        )
    report.refresh_from_db()
    report._history_user = by
    report.save(update_fields=["updated_at"])
    return report


@transaction.atomic
def progress_report_submit(*, report: ProgressReport, by: User) -> ProgressReport:
    if not ProgressReport.objects.editable_by(by).filter(pk=report.pk).exists():
        raise ProgressError("not_yours", "只能提交本单位的进展。", 403)
    if report.status == ReportStatus.RETURNED and _unchanged_since_return(report):
        raise ProgressError(
            "unchanged",
            "退回后未作修改,不能重新提交。请按退回理由修改进展情况、完成比例或佐证材料后再提交。",
            409,
        )
    new_status = ReportStatus.RESUBMITTED if report.status == ReportStatus.RETURNED else ReportStatus.SUBMITTED
    report = _transition(report, allowed=EDITABLE_BY_UNIT, by=by, status=new_status, submitted_at=timezone.now())
    _progress_note_report(report)
    _touch_task(report.task_id)
    return report


@transaction.atomic
def progress_report_withdraw(*, report: ProgressReport, by: User) -> ProgressReport:
    """撤回: the unit takes back a report the legal office has not reviewed yet. A first submission goes
    back to 草稿; a resubmission goes back to 已退回 (its return reason kept, and the rule that it may not be
    sent back unchanged still holds). A reviewed report is refused with the reason, nothing changed."""
    if by.read_only:
        raise ProgressError("read_only", "只读角色不能撤回进展。", 403)
    if report.deleted_at:
        raise ProgressError("deleted", "该进展已删除,不能撤回。", 409)
    own = report.unit_id == by.unit_id if by.role == Role.REPORTER else report.on_behalf
    if not by.is_superuser and not (own and ProgressReport.objects.visible_to(by).filter(pk=report.pk).exists()):
        raise ProgressError("not_yours", "只能撤回本单位提交的进展。", 403)
    if report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
        raise ProgressError("reviewed", f"该进展法制办已审核({report.get_status_display()}),不能撤回。", 409)
    if report.status == ReportStatus.DRAFT:
        raise ProgressError("draft", "该进展还是草稿,尚未提交,无需撤回。", 409)
    back = ReportStatus.RETURNED if report.status == ReportStatus.RESUBMITTED else ReportStatus.DRAFT
    report = _transition(report, allowed=WAITING_FOR_REVIEW, by=by, status=back, submitted_at=None)
    _progress_recount(report.task_id)
    _touch_task(report.task_id)
    return report


def _progress_recount(task_id: int) -> None:
    """The task's latest report date from its submitted reports, after one went back to the unit."""
    last = (
        ProgressReport.objects.active()
        .filter(task_id=task_id)
        .exclude(status=ReportStatus.DRAFT)
        .aggregate(last=Max("reported_on"))["last"]
    )
    TaskProgress.objects.filter(task_id=task_id).update(last_report_on=last)


@transaction.atomic
def progress_report_accept(*, report: ProgressReport, by: User) -> ProgressReport:
    """Accept a report; a completion claim from the lead (or responsible) unit completes the task."""
    if not ProgressReport.objects.reviewable_by(by).filter(pk=report.pk).exists():
        raise ProgressError("not_reviewer", "只有本辖区法制办可以审核进展。", 403)
    report = _transition(
        report,
        allowed=WAITING_FOR_REVIEW,
        by=by,
        status=ReportStatus.ACCEPTED,
        reviewed_by=by,
        reviewed_at=timezone.now(),
        return_reason="",
    )
    roles = unit_roles_on_task(task=report.task, unit=report.unit)
    if report.claims_completion and roles & {AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE}:
        progress, _ = TaskProgress.objects.get_or_create(task_id=report.task_id)
        if not progress.completed_on:
            progress.completed_on = report.reported_on
            progress.completed_by = report
            progress._history_user = by
            progress.save()
    _notify_unit(
        report,
        Notification.Kind.REVIEWED,
        f"{date_label(report.reported_on)}的进展已采纳:{report.task.number}. {report.task.heading[:40]}",
    )
    _touch_task(report.task_id)
    return report


@transaction.atomic
def progress_report_return(*, report: ProgressReport, by: User, reason: str) -> ProgressReport:
    if not ProgressReport.objects.reviewable_by(by).filter(pk=report.pk).exists():
        raise ProgressError("not_reviewer", "只有本辖区法制办可以审核进展。", 403)
    if not (reason or "").strip():
        raise ProgressError("reason", "退回时请写明理由。")
    report = _transition(
        report,
        allowed=WAITING_FOR_REVIEW,
        by=by,
        status=ReportStatus.RETURNED,
        reviewed_by=by,
        reviewed_at=timezone.now(),
        return_reason=reason.strip(),
    )
    _notify_unit(
        report,
        Notification.Kind.RETURNED,
        f"{date_label(report.reported_on)}的进展被退回:{report.task.number}. {report.task.heading[:40]}",
        body=f"退回理由:{report.return_reason}",
    )
    _touch_task(report.task_id)
    return report


# One page of the review queue is 50; a batch is a page or a few, never the whole city at once.
BATCH_ACCEPT_MAX = 200


@transaction.atomic
def progress_reports_accept_batch(*, report_ids: Iterable[int], by: User) -> list[ProgressReport]:
    """批量采纳 from the review queue: every report accepted, or none.

    A batch that names a report outside the reviewer's jurisdictions (or one that does not exist), or one no
    longer waiting for review, is refused as a whole before anything changes: a reviewer who ticked a stale
    row must look again rather than have half the batch go through."""
    ids = sorted({int(pk) for pk in report_ids})
    if not ids:
        raise ProgressError("empty", "请先勾选要采纳的进展。")
    if len(ids) > BATCH_ACCEPT_MAX:
        raise ProgressError("too_many", f"一次最多批量采纳 {BATCH_ACCEPT_MAX} 条进展(所选 {len(ids)} 条),本次未执行。")
    mine = {r.pk: r for r in ProgressReport.objects.reviewable_by(by).filter(pk__in=ids).select_related("task", "unit")}
    foreign = [pk for pk in ids if pk not in mine]
    if foreign:
        raise ProgressError(
            "not_reviewer",
            f"所选进展中有 {len(foreign)} 条不属于您的辖区或已不存在,本次批量采纳未执行,请刷新后重新勾选。",
            403,
        )
    stale = [r for r in mine.values() if r.status not in WAITING_FOR_REVIEW]
    if stale:
        names = "\u3001".join(f"{r.unit}({r.get_status_display()})" for r in stale[:5])
        raise ProgressError(
            "state",
            f"所选进展中有 {len(stale)} 条已不是待审核状态:{names}。本次批量采纳未执行,请刷新后重新勾选。",
            409,
        )
    # The row-level accept keeps its own checks and its conditional UPDATE: a report taken by another
    # reviewer in the meantime raises here and rolls the whole batch back.
    return [progress_report_accept(report=mine[pk], by=by) for pk in ids]


@transaction.atomic
def progress_report_delete(*, report: ProgressReport, by: User, reason: str) -> None:
    """Soft delete with a reason: gone from the unit's lists, still shown to the legal office with who deleted it
    and why, and restorable by it (``progress_report_restore``)."""
    if not ProgressReport.objects.deletable_by(by).filter(pk=report.pk).exists():
        raise ProgressError("not_yours", "不能删除该进展。", 403)
    if report.status == ReportStatus.ACCEPTED and by.role != Role.LEGAL_OFFICE and not by.is_superuser:
        raise ProgressError("accepted", "已采纳的进展不能删除。", 409)
    reason = (reason or "").strip()
    if not reason:
        raise ProgressError("reason", "删除时请写明理由。")
    _transition(
        report,
        allowed=tuple(ReportStatus.values),
        by=by,
        deleted_at=timezone.now(),
        deleted_by=by,
        delete_reason=reason[:1000],
    )
    _touch_task(report.task_id)


@transaction.atomic
def progress_import_keep(*, plan, by: User, name: str, data: bytes, preview: dict) -> ProgressImport:
    """Keep a checked 任务进展表 for its 确认导入 step (the file itself and what the preview showed)."""
    draft = ProgressImport(plan=plan, original_name=name[:200], preview=preview, created_by=by)
    draft.file.save(PurePath(name).name[-100:] or "progress.xlsx", ContentFile(data), save=False)
    draft.save()
    return draft


def progress_report_restore(*, report: ProgressReport, by: User) -> ProgressReport:
    """恢复 a soft-deleted report as it was (same status); the deletion and its reason stay in the history."""
    if not ProgressReport.objects.restorable_by(by).filter(pk=report.pk).exists():
        if report.deleted_at is None and ProgressReport.objects.reviewable_by(by).filter(pk=report.pk).exists():
            raise ProgressError("not_deleted", "该进展未被删除,无需恢复。", 409)
        raise ProgressError("not_restorer", "只有本辖区法制办可以恢复已删除的进展。", 403)
    done = ProgressReport.objects.filter(pk=report.pk, deleted_at__isnull=False).update(
        deleted_at=None, deleted_by=None, delete_reason="", version=F("version") + 1, updated_at=timezone.now()
    )
    if not done:
        raise ProgressError("not_deleted", "该进展未被删除,无需恢复(可能已被他人恢复)。", 409)
    report.refresh_from_db()
    report._history_user = by
    report._change_reason = "恢复"
    report.save(update_fields=["updated_at"])
    _touch_task(report.task_id)
    return report


def _progress_note_report(report: ProgressReport) -> None:
    progress, _ = TaskProgress.objects.get_or_create(task_id=report.task_id)
    if not progress.last_report_on or report.reported_on > progress.last_report_on:
        TaskProgress.objects.filter(pk=progress.pk).update(last_report_on=report.reported_on)


def _notify_unit(report: ProgressReport, kind: str, title: str, body: str = "") -> None:
    """Tell the unit's reporters. The title names the report's date: a unit that reports weekly on one task
    must tell its acceptances apart in the bell."""
    url = reverse("tasks:detail", args=[report.task_id])
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    for user in User.objects.filter(unit_id=report.unit_id, is_active=True):
        Notification.objects.create(
            user=user, kind=kind, key=f"{kind}:report:{report.pk}:{stamp}", title=title, body=body, url=url
        )


# ---------------------------------------------------------------------------------------------------
# Reminders


@dataclass
class ReminderResult:
    created: int
    skipped: int
    emailed: int


def notification_send(*, user: User, kind: str, key: str, title: str, body: str = "", url: str = "") -> bool:
    """Create a notification once per (user, key); email it when the user has an address. Idempotent:
    a second call with the same key does nothing and returns False."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, key=key, title=title[:200], body=body, url=url
            )
    except IntegrityError:
        return False
    if user.email:
        send_mail(title, f"{body}\n\n{url}".strip(), None, [user.email], fail_silently=True)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@dataclass(frozen=True)
class Notice:
    """One notification to create (``notifications_send_bulk``)."""

    user: User
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def notifications_send_bulk(notices: Iterable[Notice], *, chunk: int = 1000) -> int:
    """``notification_send`` for many at once, as the daily sweep needs (hundreds of thousands of notices over a
    city): per chunk one query for the keys already sent, one insert, and email for the new ones only.
    Idempotent like the single form (a key sent before, or by a concurrent run, is skipped). Returns the
    number created."""
    created = 0
    batch: list[Notice] = []

    def flush() -> int:
        keys = {n.key for n in batch}
        seen = set(Notification.objects.filter(key__in=keys).values_list("user_id", "key"))
        new, wanted = [], set()
        for n in batch:
            if (n.user.pk, n.key) in seen or (n.user.pk, n.key) in wanted:
                continue
            wanted.add((n.user.pk, n.key))
            new.append(n)
        Notification.objects.bulk_create(
            [
                Notification(user=n.user, kind=n.kind, key=n.key, title=n.title[:200], body=n.body, url=n.url)
                for n in new
            ],
            ignore_conflicts=True,
        )
        mailed = [n for n in new if n.user.email]
        for n in mailed:
            send_mail(n.title, f"{n.body}\n\n{n.url}".strip(), None, [n.user.email], fail_silently=True)
        if mailed:
            Notification.objects.filter(key__in={n.key for n in mailed}, emailed_at=None).update(
                emailed_at=timezone.now()
            )
        batch.clear()
        return len(new)

    for notice in notices:
        batch.append(notice)
        if len(batch) >= chunk:
            created += flush()
    if batch:
        created += flush()
    return created


# A unit with more reminders of one kind than this on a day hears of them in one notice that lists them: a city's
# units each have a hundred overdue tasks, and a notice per task, unit, reporter and day is half a million a day.
REMINDERS_LIST_OVER = 10
REMINDERS_LISTED = 20


def reminders_send(*, today: dt.date, days: int | None = None) -> ReminderResult:
    """Daily: each unit's users hear of tasks due within ``days``, overdue tasks and returned reports.

    The key holds task, unit, kind and day, so running twice the same day sends nothing new. A unit with more
    than ``REMINDERS_LIST_OVER`` items of a kind gets one notice listing them (key: kind, unit and day). The
    items are streamed; memory holds a few per unit, whatever the number of tasks.
    """
    listed_titles = {
        Notification.Kind.OVERDUE: "本单位有{n}项任务已逾期",
        Notification.Kind.DUE_SOON: "本单位有{n}项任务即将到期",
        Notification.Kind.RETURNED: "本单位有{n}条被退回的进展待修改",
    }
    emailed_before = Notification.objects.exclude(emailed_at=None).count()
    total = 0
    count: dict[tuple[int, str], int] = defaultdict(int)
    kept: dict[tuple[int, str], list[selectors.ReminderItem]] = defaultdict(list)
    for item in selectors.reminder_items(today=today, days=days):
        key = (item.unit_id, item.kind)
        count[key] += 1
        if len(kept[key]) < max(REMINDERS_LIST_OVER, REMINDERS_LISTED):
            kept[key].append(item)

    def notices():
        nonlocal total
        for (unit_id, kind), items in kept.items():
            n = count[(unit_id, kind)]
            if n <= REMINDERS_LIST_OVER:
                for item in items:
                    for user in item.users:
                        total += 1
                        key = f"{kind}:{item.task_id}:{unit_id}:{today:%Y-%m-%d}"
                        yield Notice(user=user, kind=kind, key=key, title=item.title, body=item.body, url=item.url)
                continue
            lines = [f"{i}. {item.title}" for i, item in enumerate(items[:REMINDERS_LISTED], 1)]
            more = f"\n……等{n}项。" if n > REMINDERS_LISTED else ""
            url = reverse("tasks:list") + ("?status=overdue" if kind == Notification.Kind.OVERDUE else "")
            for user in items[0].users:
                total += 1
                yield Notice(
                    user=user,
                    kind=kind,
                    key=f"{kind}-list:{unit_id}:{today:%Y-%m-%d}",
                    title=listed_titles[kind].format(n=n),
                    body="\n".join(lines) + more,
                    url=url,
                )

    created = notifications_send_bulk(notices())
    skipped = total - created
    emailed = Notification.objects.exclude(emailed_at=None).count() - emailed_before
    return ReminderResult(created=created, skipped=skipped, emailed=emailed)


def weekly_digest_send(*, today: dt.date) -> ReminderResult:
    """Weekly, to each legal office: reports waiting for review, overdue tasks, silent units."""
    year, week, _ = today.isocalendar()
    created = skipped = 0
    for officer in User.objects.filter(role=Role.LEGAL_OFFICE, is_active=True).exclude(jurisdiction=None):
        digest = selectors.legal_office_digest(user=officer, today=today)
        body = (
            f"待审核进展 {digest['waiting']} 条;逾期任务 {digest['overdue']} 项;"
            f"本月未报送进展的单位 {digest['silent_units']} 个。"
        )
        key = f"digest:{officer.jurisdiction_id}:{year}-W{week:02d}"
        if notification_send(
            user=officer,
            kind=Notification.Kind.DIGEST,
            key=key,
            title=f"{year}年第{week}周法治政府建设工作汇总",
            body=body,
            url=reverse("home"),
        ):
            created += 1
        else:
            skipped += 1
    return ReminderResult(created=created, skipped=skipped, emailed=0)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def recurring_deadlines_roll(*, today: dt.date) -> int:
    """Move each task's due date to the next occurrence of its recurring deadline (每年第一季度).

    A task with a one-off deadline keeps it; only tasks whose deadlines are all recurring roll.
    """
    rolled = 0
    tasks = Task.objects.active().filter(deadlines__recurrence__isnull=False).distinct().prefetch_related("deadlines")
    for task in tasks:
        deadlines = list(task.deadlines.all())
        if any(not d.recurrence and d.due_on for d in deadlines):
            continue
        dates = [d for d in (Deadline.next_due(x, today=today) for x in deadlines) if d]
        nxt = min(dates) if dates else None
        if nxt and nxt != task.due_on:
            Task.objects.filter(pk=task.pk).update(due_on=nxt, updated_at=timezone.now())
            rolled += 1
    return rolled


# ---------------------------------------------------------------------------------------------------
# A unit merged into another (lawgov.services.unit_merge runs this through lawgov.unit_hooks)


def unit_report_count(unit: Unit) -> int:
    return ProgressReport.objects.filter(unit=unit).count()


def unit_reports_move(source: Unit, target: Unit, by: User) -> int:
    """Every progress report of ``source`` (drafts and deleted ones too) becomes ``target``'s, each saved
    with a history row, so the report's trail still says who wrote it and which unit it was filed under."""
    reports = list(ProgressReport.objects.filter(unit=source))
    for report in reports:
        report.unit = target
        report._history_user = by
        report._change_reason = merge_reason(source, target)
        report.save(update_fields=["unit"])
    return len(reports)


# ---------------------------------------------------------------------------------------------------
# The national working-day calendar


def calendar_seed(*, years: Iterable[int]) -> int:
    """Add the national holidays and 调休 workdays of ``years`` from the ``chinese-calendar`` package.

    Run after upgrading the package (the State Council publishes a year each November). Dates already in the
    table are kept: the legal office may have entered or corrected them, and its entry wins. A year the package
    does not know raises ``CalendarYearUnknown`` (a Chinese message that says to enter it by hand) and adds
    nothing. Returns the number of rows added.
    """
    rows = list(national_days(years))
    existing = set(
        CalendarDay.objects.filter(jurisdiction=None, date__in=[d for d, _, _ in rows]).values_list("date", flat=True)
    )
    new = [CalendarDay(date=d, kind=k, name=n) for d, k, n in rows if d not in existing]
    CalendarDay.objects.bulk_create(new, batch_size=500)
    return len(new)
