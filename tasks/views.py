"""Pages of the tasks app: 工作台, task list, task page with progress, review, evidence, notifications,
the plan's progress page and the Excel round trip."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lawgov import exporting
from lawgov.errors import refused_with_message
from lawgov.models import Notification, Role, Unit
from lawgov.permissions import people_only, role_required
from lawgov.security import safe_next
from plans.models import Assignment, AssignmentRole, Plan, Task
from plans.selectors import tasks_with_parts
from tasks import excel, selectors, services, supervision
from tasks import search as task_search
from tasks.filtersets import NotificationFilterSet, TaskFilterSet
from tasks.forms import ProgressImportForm, ProgressReportForm, ReturnForm
from tasks.models import (
    EDITABLE_BY_UNIT,
    ExtensionRequest,
    ProgressImport,
    ProgressReport,
    ReportStatus,
    TaskProgress,
)
from tasks.status import TaskStatus


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """工作台: what this person has to do today. A leader's day starts on the 驾驶舱 (issue 16)."""
    user = request.user
    if user.role == Role.LEADER and not user.is_superuser:
        return redirect("dashboard")
    today = timezone.localdate()
    context: dict = {"jurisdictions": user.jurisdictions(), "today": today}
    if user.role == Role.REPORTER and user.unit_id:
        context["reporter"] = selectors.reporter_workbench(user=user, today=today)
        context["reporter"]["unsigned"] = supervision.unsigned_for_unit(user=user)
    elif user.role == Role.LEGAL_OFFICE or user.is_superuser:
        context["office"] = selectors.legal_office_workbench(user=user, today=today)
        home = user.home_jurisdiction()
        cutoff = supervision.sign_cutoff(today=today, calendar=selectors.calendar_for(home.pk if home else None))
        context["office"]["unsigned"] = supervision.unsigned_by_unit(user=user, cutoff=cutoff)
        context["office"]["sign_days"] = settings.LAWGOV_SIGN_DAYS
        context["office"]["extensions"] = supervision.extensions_waiting(user=user)
        context["office"]["can_urge"] = not user.read_only
        context["office"]["urge_text"] = supervision.DEFAULT_URGE_TEXT
    if user.role in (Role.LEGAL_OFFICE, Role.LEADER) or user.is_superuser:
        plans = Plan.objects.visible_to(user).order_by("-issued_on")
        rollups = selectors.rollup_by(Task.objects.visible_to(user), "plan_id", today=today)
        context["plans"] = [(p, rollups.get(p.pk, selectors.Rollup())) for p in plans]
    return render(request, "tasks/workbench.html", context)


@people_only
def task_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.API_CLIENT:
        raise PermissionDenied("接口客户端请使用 /api/v1/tasks/。")
    today = timezone.localdate()
    base = selectors.task_list(user=request.user, today=today).order_by("due_on", "plan_id", "position")
    filterset = TaskFilterSet(request.GET or None, queryset=base, request=request, today=today)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
        tasks = base.none()
    else:
        tasks = filterset.qs
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    for task in page:
        # One badge per unit however many clauses name it, with the strongest role it holds; cooperating units
        # are on the task page.
        task.unit_badges = selectors.task_unit_badges(task)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tasks/task_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "status_labels": dict(TaskStatus.choices),
            "can_urge": request.user.role == Role.LEGAL_OFFICE and not request.user.read_only,
            "urge_text": supervision.DEFAULT_URGE_TEXT,
        },
        status=status,
    )


def _task_for(user, pk: int) -> Task:
    """The task with its parts and status, and what its page's breadcrumb reads (plan, section, parent section)."""
    today = timezone.localdate()
    tasks = tasks_with_parts(selectors.with_status(Task.objects.visible_to(user), today=today))
    return get_object_or_404(tasks.select_related("section__parent"), pk=pk)


def _units_for_logging(user, task: Task):
    """Whom this user may log progress for on this task: a reporter its unit; the legal office any unit
    with a part in the task (代填)."""
    if user.read_only:
        return None
    if user.role == Role.REPORTER:
        return None
    unit_ids = Assignment.objects.active().filter(clause__task=task).values("unit_id")
    units = Unit.objects.offered().filter(pk__in=unit_ids)
    # A group phrase stands for units: the legal office logs for one of them, not for "各镇街".
    groups = [u for u in units if u.is_group]
    ids = [u.pk for u in units if not u.is_group]
    for group in groups:
        ids.extend(group.expand().values_list("pk", flat=True))
    return Unit.objects.filter(pk__in=ids).order_by("kind", "name")


def _log_form(user, task: Task) -> ProgressReportForm | None:
    """A blank 填报进展 form when this user may log progress on the task, else None."""
    units = _units_for_logging(user, task)
    can_log = not user.read_only and (
        (units is not None and units.exists())
        or (user.role == Role.REPORTER and user.unit_id and services.unit_roles_on_task(task=task, unit=user.unit))
    )
    if not can_log:
        return None
    # 完成比例 starts where the unit's last accepted report left it (a reporter's own unit; the legal office
    # picks the unit in the form, so it starts at 0).
    percent = 0
    if user.role == Role.REPORTER and user.unit_id:
        percent = selectors.last_accepted_percent(task=task, unit=user.unit) or 0
    return ProgressReportForm(units=units, initial={"reported_on": timezone.localdate(), "percent": percent})


@people_only
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(request.user, pk)
    return render(request, "tasks/task_detail.html", _task_context(request, task, form=_log_form(request.user, task)))


def _task_context(request: HttpRequest, task: Task, *, form=None) -> dict:
    user = request.user
    is_office = user.role == Role.LEGAL_OFFICE or user.is_superuser
    show_deleted = is_office and request.GET.get("deleted") == "1"
    timeline = selectors.task_timeline(task=task, user=user, with_deleted=show_deleted)
    editable = set(ProgressReport.objects.editable_by(user).filter(task=task).values_list("pk", flat=True))
    reviewable = set(ProgressReport.objects.reviewable_by(user).filter(task=task).values_list("pk", flat=True))
    restorable = (
        set(ProgressReport.objects.restorable_by(user).filter(task=task).values_list("pk", flat=True))
        if is_office
        else set()
    )
    history = []
    if user.role in (Role.LEGAL_OFFICE, Role.LEADER) or user.is_superuser:
        history = _history(task)
    progress = TaskProgress.objects.filter(task=task).select_related("completed_by__unit").first()
    can_assign = Task.objects.editable_by(user).filter(pk=task.pk).exists()
    # One list for every clause's 指定单位 form: a form field per clause would query the directory per clause.
    assign_units = (
        list(Unit.objects.active().filter(jurisdiction=task.plan.jurisdiction_id).order_by("kind", "name"))
        if can_assign
        else []
    )
    signatures = supervision.task_signatures(task=task)
    # The legal office reads the reports waiting for its review first, then the 代填 form, then the rest.
    waiting = [r for r in timeline if r.pk in reviewable and r.waiting_for_review] if is_office else []
    return {
        "task": task,
        "form": form,
        "timeline": [r for r in timeline if r not in waiting],
        "waiting": waiting,
        "restorable": restorable,
        "show_deleted": show_deleted,
        "deleted_count": len(restorable) if is_office else 0,
        "reviewed": _pk(request.GET.get("reviewed")),
        "current_review": request.GET.get("review", ""),
        "editable": editable,
        # A draft or returned report of the user's own is offered first: a second, blank form above it
        # led reporters to type the same progress twice.
        "pending": [r for r in timeline if r.pk in editable and not r.deleted_at and r.status in EDITABLE_BY_UNIT],
        "reviewable": reviewable,
        "return_form": ReturnForm(),
        "history": history,
        "progress": progress,
        # 销号: completed and not a recurring (长期坚持) task, which keeps reporting per period.
        "closed": bool(progress and progress.completed_on) and not any(d.recurrence for d in task.deadlines.all()),
        "status_label": dict(TaskStatus.choices)[task.status],
        "can_assign": can_assign,
        "assign_units": assign_units,
        "signatures": signatures,
        "reminders": supervision.task_reminders(task=task) if user.role in (Role.LEGAL_OFFICE, Role.LEADER) else [],
        "urge_text": supervision.DEFAULT_URGE_TEXT,
        "extensions": supervision.task_extensions(task=task),
        # After the deadline only the legal office moves it (法制办直接延期); it may also do so before.
        "can_grant": can_assign
        and not user.read_only
        and task.due_on is not None
        and not (progress and progress.completed_on),
        "can_extend": (
            user.role == Role.REPORTER
            and not user.read_only
            and task.due_on is not None
            and not (progress and progress.completed_on)  # a completed task's deadline no longer moves
            and timezone.localdate() <= task.due_on
            and any(s.unit_id == user.unit_id for s in signatures)
        ),
        "roles": AssignmentRole.choices,
        "today": timezone.localdate(),
        "max_mb": settings.LAWGOV_MAX_UPLOAD_MB,
    }


def _history(task: Task) -> list[dict]:
    """Who changed what on the task, its assignments and its reports, newest first."""
    entries = []
    labels = {"+": "新增", "~": "修改", "-": "删除"}
    for record in task.history.select_related("history_user").order_by("-history_date")[:30]:
        delta = ""
        if record.prev_record:
            changes = record.diff_against(record.prev_record).changes
            delta = ";".join(f"{c.field}:{c.old} → {c.new}" for c in changes)[:300]
        if record.history_change_reason:  # a change made through a sheet says what it did (时限 旧 → 新)
            delta = f"{record.history_change_reason};{delta}" if delta else record.history_change_reason
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"任务{labels[record.history_type]}",
                "delta": delta,
            }
        )
    for record in (
        Assignment.history.filter(clause__task=task)
        .select_related("history_user", "unit")
        .order_by("-history_date")[:50]
    ):
        action = "移除" if record.deleted_at else labels[record.history_type]
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"分工{action}",
                "delta": f"{record.unit.name}({record.get_role_display()})",
            }
        )
    for record in (
        ProgressReport.history.filter(task=task).select_related("history_user", "unit").order_by("-history_date")[:80]
    ):
        if record.history_change_reason == "恢复":
            what = "进展恢复"
        elif record.deleted_at:
            what = "进展删除"
        else:
            what = f"进展{labels[record.history_type]}"
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": what,
                "delta": f"{record.unit.name} · {record.get_status_display()} · {record.percent}%"
                + (f" · 已删除,理由:{record.delete_reason}" if record.deleted_at else "")
                + (
                    f" · {record.history_change_reason}"
                    if record.history_change_reason and record.history_change_reason != "恢复"
                    else ""
                ),
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


@people_only
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(request.user, pk)
    units = _units_for_logging(request.user, task)
    form = ProgressReportForm(request.POST, request.FILES, units=units)
    if not form.is_valid():
        return _render_form_errors(request, task, form)
    data = form.cleaned_data
    unit = data.get("unit") or request.user.unit
    if unit is None:
        raise PermissionDenied("您的账号未绑定单位,不能填报进展。")
    try:
        report = services.progress_report_create(
            task=task,
            unit=unit,
            by=request.user,
            reported_on=data["reported_on"],
            text=data["text"],
            percent=data["percent"],
            claims_completion=data["claims_completion"],
            files=data["files"],
            submit=request.POST.get("action") != "draft",
            form_token=data.get("form_token") or "",
        )
    except services.ProgressError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        form.add_error(None, exc.message)
        return _render_form_errors(request, task, form, status=exc.status)
    verb = "已保存草稿" if report.status == "draft" else "已提交"
    who = f"(代{unit}填报)" if report.on_behalf else ""
    messages.success(request, f"进展{verb}{who}。")
    return redirect("tasks:detail", pk=task.pk)


def _render_form_errors(request, task, form, status: int = 400) -> HttpResponse:
    return render(request, "tasks/task_detail.html", _task_context(request, task, form=form), status=status)


def _report_for(request: HttpRequest, pk: int) -> ProgressReport:
    return get_object_or_404(ProgressReport.objects.visible_to(request.user).select_related("task", "unit"), pk=pk)


@people_only
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft or returned report: its files already attached are listed, each with 移除; 提交 sends it
    (a returned one only once something changed)."""
    report = _report_for(request, pk)
    if not ProgressReport.objects.editable_by(request.user).filter(pk=report.pk).exists():
        raise PermissionDenied("该进展不能由您修改(只能修改本单位草稿或被退回的进展)。")
    form = ProgressReportForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "reported_on": report.reported_on,
            "percent": report.percent,
            "text": report.text,
            "claims_completion": report.claims_completion,
            "version": report.version,
        },
    )
    status = 200
    removing: list[str] = []
    if request.method == "POST":
        removing = request.POST.getlist("remove_evidence")
        if any(not v.isdigit() for v in removing):
            form.add_error(None, "要移除的佐证材料不正确,请刷新页面后重试。")
        if form.is_valid():
            data = form.cleaned_data
            submit = request.POST.get("action") == "submit"
            was_returned = report.status == ReportStatus.RETURNED
            try:
                services.progress_report_update(
                    report=report,
                    by=request.user,
                    expected_version=data.get("version") or 0,
                    reported_on=data["reported_on"],
                    text=data["text"],
                    percent=data["percent"],
                    claims_completion=data["claims_completion"],
                    files=data["files"],
                    remove_evidence=[int(v) for v in removing],
                    submit=submit,
                )
            except services.ProgressError as exc:
                form.add_error(None, exc.message)
                status = exc.status
                report.refresh_from_db()  # the refused write was rolled back: show what is stored
            else:
                if submit and was_returned:
                    messages.success(request, "进展已修改并重新提交,等待法制办审核。")
                elif submit:
                    messages.success(request, "进展已提交,等待法制办审核。")
                else:
                    messages.success(request, "进展已保存(尚未提交)。")
                return redirect("tasks:detail", pk=report.task_id)
        else:
            status = 400
    evidence = list(report.evidence.active().order_by("id"))
    return render(
        request,
        "tasks/report_edit.html",
        {
            "report": report,
            "form": form,
            "evidence": evidence,
            "removing": {int(v) for v in removing if v.isdigit()},
            "max_mb": settings.LAWGOV_MAX_UPLOAD_MB,
        },
        status=status,
    )


@people_only
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    try:
        services.progress_report_submit(report=report, by=request.user)
        messages.success(request, "进展已提交,等待法制办审核。")
    except services.ProgressError as exc:
        return refused_with_message(request, exc, f"/tasks/{report.task_id}/")
    return redirect("tasks:detail", pk=report.task_id)


@people_only
@require_POST
def report_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回 a submitted report the legal office has not reviewed yet."""
    report = _report_for(request, pk)
    try:
        report = services.progress_report_withdraw(report=report, by=request.user)
    except services.ProgressError as exc:
        return refused_with_message(request, exc, f"/tasks/{report.task_id}/#report-{report.pk}")
    state = "草稿" if report.status == ReportStatus.DRAFT else "已退回(待修改)"
    messages.success(request, f"进展已撤回,回到{state}状态;修改后可再提交。")
    return redirect("tasks:detail", pk=report.task_id)


@role_required(Role.REPORTER)
@require_POST
def task_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """签收 a task for the reporter's own unit, from the 工作台 or the task page."""
    task = _task_for(request.user, pk)
    back = safe_next(request, request.POST.get("next"), f"/tasks/{task.pk}/")
    try:
        supervision.task_sign(task=task, by=request.user)
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, back)
    messages.success(request, f"已签收:{task.label} {task.heading[:30]}")
    return redirect(back)


@role_required(Role.REPORTER)
@require_POST
def tasks_sign(request: HttpRequest) -> HttpResponse:
    """全部签收 the ticked tasks of the 工作台 for the reporter's own unit, all or none
    (``supervision.tasks_sign``)."""
    back = safe_next(request, request.POST.get("next"), "/")
    ids = [_pk(v) for v in request.POST.getlist("task")]
    if None in ids:
        messages.error(request, "所选任务的编号无效,本次未签收任何任务。")
        return redirect(back)
    try:
        result = supervision.tasks_sign(task_ids=ids, by=request.user)
    except supervision.SupervisionError as exc:
        if exc.code == "not_assigned":
            # A stale or foreign row in the batch: said on the 工作台, not a bare 404 (nothing was signed).
            messages.error(request, exc.message)
            return redirect(back)
        return refused_with_message(request, exc, back)
    # N counts every ticked task now signed; the ones the unit had signed before are said apart.
    total = len(result.signed) + len(result.already_signed)
    note = f"\uff08其中 {len(result.already_signed)} 项此前已签收\uff09" if result.already_signed else ""
    messages.success(request, f"已签收 {total} 项任务{note}。")
    return redirect(back)


def _urge_message(request: HttpRequest, result: supervision.UrgeResult) -> None:
    if result.sent:
        units = len({r.unit_id for r in result.sent})
        escalated = sum(r.escalated for r in result.sent)
        failed = [r for r in result.sent if r.channels.get("webhook", "ok") != "ok"]
        note = f",其中{escalated}条已抄送分管领导" if escalated else ""
        messages.success(request, f"已催办 {len(result.sent)} 条(涉及 {units} 个单位){note}。")
        for r in failed:
            messages.warning(request, f"{r.unit.name}的群机器人未送达({r.channels['webhook']}),站内通知已送达。")
    for name, contact in result.no_reporters:
        if contact:
            messages.warning(request, f"{name}没有填报员账号,无法在平台催办,请电话联系:{contact}。")
        else:
            messages.warning(request, f"{name}没有填报员账号,也未登记联系人和电话,请在单位目录中补充后联系。")
    if not result.sent and not result.no_reporters:
        messages.warning(request, "所选任务没有承办单位,未发出催办。")


def _new_due_on(request: HttpRequest) -> dt.date | None:
    """The extension form's new date, or None with the message said (a unit's request and the office's grant)."""
    try:
        return dt.date.fromisoformat(request.POST.get("new_due_on", ""))
    except ValueError:
        messages.error(request, "请填写延期后的时限(日期)。")
        return None


@role_required(Role.REPORTER)
@require_POST
def extension_create(request: HttpRequest, pk: int) -> HttpResponse:
    """延期申请 from the task page: a new date and a reason."""
    task = _task_for(request.user, pk)
    back = f"/tasks/{task.pk}/#extensions"
    new_due_on = _new_due_on(request)
    if new_due_on is None:
        return redirect(back)
    try:
        supervision.extension_request(
            task=task, by=request.user, new_due_on=new_due_on, reason=request.POST.get("reason", "")
        )
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, back)
    messages.success(request, "延期申请已提交,等待法制办审批。")
    return redirect(back)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def extension_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """法制办直接延期 from the task page: the only way once the deadline has passed."""
    task = get_object_or_404(Task.objects.editable_by(request.user), pk=pk)
    back = f"/tasks/{task.pk}/#extensions"
    new_due_on = _new_due_on(request)
    if new_due_on is None:
        return redirect(back)
    try:
        supervision.extension_grant(
            task=task, by=request.user, new_due_on=new_due_on, reason=request.POST.get("reason", "")
        )
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, back)
    messages.success(request, f"已将时限延至 {new_due_on:%Y-%m-%d},预警已更新。")
    return redirect(back)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(task__in=Task.objects.editable_by(request.user)), pk=pk
    )
    back = safe_next(request, request.POST.get("next"), f"/tasks/{extension.task_id}/#extensions")
    action = request.POST.get("action")
    if action not in ("approve", "refuse"):
        messages.error(request, "请选择批准或不批准。")
        return redirect(back)
    try:
        supervision.extension_decide(
            request=extension, by=request.user, approve=action == "approve", comment=request.POST.get("comment", "")
        )
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, back)
    messages.success(request, "已批准延期,时限和预警已更新。" if action == "approve" else "已不批准该延期申请。")
    return redirect(back)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a 销号 task, with a reason (the task page's 重新打开)."""
    task = _task_for(request.user, pk)
    try:
        supervision.task_reopen(task=task, by=request.user, reason=request.POST.get("reason", ""))
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, f"/tasks/{task.pk}/")
    messages.success(request, "任务已重新打开,单位可以继续报送进展。")
    return redirect("tasks:detail", pk=task.pk)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def task_urge(request: HttpRequest) -> HttpResponse:
    """催办 one task (from its page, optionally one unit) or a selection (from the task list)."""
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()]
    back = safe_next(request, request.POST.get("next"), "/tasks/")
    tasks = list(Task.objects.editable_by(request.user).filter(pk__in=ids))
    if not ids or len(tasks) != len(set(ids)):
        messages.error(request, "请选择本辖区的任务再催办。")
        return redirect(back)
    unit = request.POST.get("urge_unit") or ""
    try:
        result = supervision.reminders_urge(
            tasks=tasks,
            by=request.user,
            text=request.POST.get("urge_text", ""),
            unit_ids=[int(unit)] if unit.isdigit() else None,
        )
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, back)
    _urge_message(request, result)
    return redirect(back)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def units_urge(request: HttpRequest) -> HttpResponse:
    """催办 the units chosen on the 工作台's silent-unit list, each on its open tasks."""
    ids = [int(v) for v in request.POST.getlist("unit") if v.isdigit()]
    if not ids:
        messages.error(request, "请先勾选要催办的单位。")
        return redirect("/")
    try:
        result = supervision.units_urge(unit_ids=ids, by=request.user, text=request.POST.get("urge_text", ""))
    except supervision.SupervisionError as exc:
        return refused_with_message(request, exc, "/")
    if result.sent or result.no_reporters:
        _urge_message(request, result)
    for name in result.nothing_open:
        messages.warning(request, f"{name}没有未完成的任务,未发出催办。")
    return redirect("/")


@role_required(Role.LEGAL_OFFICE)
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.progress_report_accept(report=report, by=request.user)
            done = TaskProgress.objects.filter(task_id=report.task_id, completed_by=report).exists()
            messages.success(request, "已采纳该进展" + (",任务已确认完成。" if done else "。"))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise services.ProgressError("reason", "退回时请写明理由。")
            services.progress_report_return(report=report, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "已退回该进展,单位将收到通知。")
        else:
            raise services.ProgressError("action", "未知的审核操作。")
    except services.ProgressError as exc:
        if exc.code == "reason" and not request.htmx:
            # A return without a reason: the page again, the message beside that report's reason field.
            task = _task_for(request.user, report.task_id)
            context = _task_context(request, task, form=_log_form(request.user, task))
            context["return_error"] = (report.pk, exc.message)
            return render(request, "tasks/task_detail.html", context, status=400)
        return refused_with_message(request, exc, f"/tasks/{report.task_id}/")
    # The page again with 下一条待审核 offered (tasks:review-next after this report).
    return redirect(f"{reverse('tasks:detail', args=[report.task_id])}?reviewed={report.pk}#review-next")


def _pk(value: str | None) -> int | None:
    """A primary key from a query string or form, or None: ASCII digits within the integer range only (``"²"``
    passes ``isdigit`` but not ``int``, and 10**30 overflows a PostgreSQL integer)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 10 and int(value) < 2**31:
        return int(value)
    return None


@role_required(Role.LEGAL_OFFICE)
def review_next(request: HttpRequest) -> HttpResponse:
    """下一条待审核: the next waiting report in the jurisdiction's queue order (after ``?after=``, the report
    just reviewed), on its task page; the queue with a message when none is left."""
    after_pk = _pk(request.GET.get("after"))
    after = ProgressReport.objects.reviewable_by(request.user).filter(pk=after_pk).first() if after_pk else None
    report = selectors.review_next(user=request.user, after=after)
    if report is None:
        messages.success(request, "待审核的进展已全部处理完毕。")
        return redirect("tasks:review-queue")
    url = reverse("tasks:detail", args=[report.task_id])
    return redirect(f"{url}?review={report.pk}#report-{report.pk}")


@role_required(Role.LEGAL_OFFICE)
def review_queue(request: HttpRequest) -> HttpResponse:
    """审核队列: every report waiting for this legal office, oldest first, with its text, resubmissions
    flagged with what changed, and 批量采纳."""
    queue = selectors.review_queue(user=request.user)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    reports = list(page)
    changes = selectors.resubmission_changes(reports)
    for report in reports:
        report.changes = changes.get(report.pk)
    return render(
        request,
        "tasks/review_queue.html",
        {"page": page, "reports": reports, "can_review": not request.user.read_only},
    )


@role_required(Role.LEGAL_OFFICE)
@require_POST
def review_batch(request: HttpRequest) -> HttpResponse:
    """批量采纳 the ticked reports of the queue: all or none (tasks.services.progress_reports_accept_batch)."""
    ids = [_pk(v) for v in request.POST.getlist("report")]
    back = reverse("tasks:review-queue")
    if None in ids:
        messages.error(request, "所选进展的编号无效,本次批量采纳未执行。")
        return redirect(back)
    try:
        accepted = services.progress_reports_accept_batch(report_ids=ids, by=request.user)
    except services.ProgressError as exc:
        if exc.status == 403:
            # A foreign report in the batch: said on the queue page, not a bare 403 (nothing was changed).
            messages.error(request, exc.message)
            return redirect(back)
        return refused_with_message(request, exc, back)
    messages.success(request, f"已批量采纳 {len(accepted)} 条进展。")
    return redirect(back)


@people_only
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """删除 through a confirmation page with a required reason: an accepted report (which feeds the annual
    report) is never one click from deletion."""
    report = _report_for(request, pk)
    if not ProgressReport.objects.deletable_by(request.user).filter(pk=report.pk).exists():
        raise PermissionDenied("不能删除该进展。")
    error = ""
    status = 200
    if request.method == "POST":
        try:
            services.progress_report_delete(report=report, by=request.user, reason=request.POST.get("reason", ""))
        except services.ProgressError as exc:
            if exc.code != "reason":
                return refused_with_message(request, exc, f"/tasks/{report.task_id}/")
            error, status = exc.message, exc.status
        else:
            messages.success(request, "进展已删除(法制办仍可查看删除记录并恢复)。")
            return redirect("tasks:detail", pk=report.task_id)
    return render(
        request,
        "tasks/report_delete.html",
        {
            "report": report,
            "error": error,
            "reason": request.POST.get("reason", ""),
            "completes_task": TaskProgress.objects.filter(task_id=report.task_id, completed_by=report).exists(),
        },
        status=status,
    )


@role_required(Role.LEGAL_OFFICE)
@require_POST
def report_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """恢复 a deleted report (the legal office's, from the task page with 显示已删除的进展)."""
    report = get_object_or_404(ProgressReport.objects.with_deleted_for(request.user).select_related("task"), pk=pk)
    back = f"/tasks/{report.task_id}/?deleted=1#report-{report.pk}"
    try:
        services.progress_report_restore(report=report, by=request.user)
    except services.ProgressError as exc:
        return refused_with_message(request, exc, back)
    messages.success(request, "进展已恢复。")
    return redirect(f"/tasks/{report.task_id}/#report-{report.pk}")


@people_only
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence goes out only to those who may see its report; never from a public URL."""
    evidence = get_object_or_404(selectors.evidence_readable(request.user), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


@people_only
def plan_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page with completion bars per section, filterable by unit, role and status."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk)
    today = timezone.localdate()
    units = (
        Unit.objects.in_directory_of(request.user).filter(jurisdiction=plan.jurisdiction_id).order_by("kind", "name")
    )
    unit = None
    raw_unit = request.GET.get("unit", "")
    if raw_unit:
        unit = units.filter(pk=raw_unit).first() if raw_unit.isdigit() else None
        if unit is None:
            messages.error(request, "筛选的单位不存在,已显示全部任务。")
    role = request.GET.get("role") if request.GET.get("role") in AssignmentRole.values else None
    status = request.GET.get("status") if request.GET.get("status") in TaskStatus.values else None
    tree, total = selectors.plan_progress(
        plan=plan, user=request.user, today=today, unit=unit, role=role, status=status
    )
    return render(
        request,
        "tasks/plan_progress.html",
        {
            "plan": plan,
            "tree": tree,
            "total": total,
            "units": units,
            "selected_unit": unit,
            "selected_role": role,
            "selected_status": status,
            "roles": AssignmentRole.choices,
            "statuses": TaskStatus.choices,
            "status_labels": dict(TaskStatus.choices),
            "can_urge": request.user.role == Role.LEGAL_OFFICE and not request.user.read_only,
            "urge_text": supervision.DEFAULT_URGE_TEXT,
        },
    )


@people_only
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    content = excel.plan_tasks_export(plan=plan, user=request.user, today=timezone.localdate())
    return exporting.attachment(
        content, filename=f"{plan.title[:40]}-任务进展表.xlsx", content_type=exporting.XLSX_CONTENT_TYPE
    )


@people_only
def plan_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the filled sheet: every row is read and checked, and shown with its errors; a sheet without
    errors is kept for the 确认导入 step (``plan_import_progress_preview``). Nothing is saved here."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    if request.user.read_only:
        raise PermissionDenied("只读角色不能导入进展。")
    form = ProgressImportForm(request.POST or None, request.FILES or None)
    preview: dict = {}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            preview = excel.progress_import_preview(plan=plan, user=request.user, data=data, today=timezone.localdate())
            if not preview["errors"]:
                draft = services.progress_import_keep(
                    plan=plan, by=request.user, name=upload.name or "进展表.xlsx", data=data, preview=preview
                )
                return redirect("tasks:plan-import-preview", pk=draft.pk)
            status = 400
        else:
            status = 400
    return render(
        request,
        "tasks/progress_import.html",
        {"plan": plan, "form": form, "preview": preview, "errors": preview.get("errors", [])},
        status=status,
    )


@people_only
def plan_import_progress_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows of a checked sheet and 确认导入: the sheet is checked once more and saved whole, every row
    a submitted report waiting for the legal office's review (待审核)."""
    draft = get_object_or_404(
        ProgressImport.objects.filter(
            created_by=request.user, plan__in=Plan.objects.visible_to(request.user)
        ).select_related("plan"),
        pk=pk,
    )
    plan = draft.plan
    preview = draft.preview
    status = 200
    if request.method == "POST":
        if request.user.read_only:
            raise PermissionDenied("只读角色不能导入进展。")
        if draft.status == ProgressImport.Status.CONFIRMED:
            when = timezone.localtime(draft.confirmed_at)
            messages.info(request, f"该表已于 {when:%Y-%m-%d %H:%M} 导入,未重复导入。")
            return redirect("tasks:plan", pk=plan.pk)
        try:
            created = excel.progress_import_confirm(draft=draft, by=request.user, today=timezone.localdate())
        except excel.SheetErrors as exc:
            # The plan or the reports changed since the preview: the rows again, with today's errors.
            preview = {**preview, "errors": [{"row": e.row, "message": e.message} for e in exc.errors]}
            by_row = {e.row: e.message for e in exc.errors}
            preview["rows"] = [{**r, "error": by_row.get(r["row"], "")} for r in preview.get("rows", [])]
            status = 400
        else:
            if created:
                messages.success(
                    request,
                    f"已导入 {created} 条进展,均已提交法制办,状态为“待审核”;采纳后计入任务进度。",
                )
            else:  # a second click that waited for the first one's lock
                messages.info(request, "该表已导入,未重复导入。")
            return redirect("tasks:plan", pk=plan.pk)
    return render(
        request,
        "tasks/progress_import.html",
        {
            "plan": plan,
            "draft": draft,
            "preview": preview,
            "errors": preview.get("errors", []),
            "form": ProgressImportForm(),
        },
        status=status,
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, "已全部标为已读。")
        return redirect("tasks:notifications")
    found = NotificationFilterSet(request.GET, queryset=Notification.objects.filter(user=request.user))
    items = found.qs if found.is_valid() else Notification.objects.none()
    page = Paginator(items.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "tasks/notifications.html", {"filter": found, "page": page, "items": page, "query": query.urlencode()}
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.url or "tasks:notifications")


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count, polled by HTMX from every page."""
    return render(request, "tasks/_bell.html", {"unread": selectors.unread_count(request.user)})


@people_only
def search(request: HttpRequest) -> HttpResponse:
    """搜索: one box in the header for everything the user may see (tasks.search says what and how)."""
    result = task_search.search(user=request.user, raw_query=request.GET.get("q"))
    return render(request, "tasks/search.html", {"result": result, "group_limit": task_search.GROUP_LIMIT})
