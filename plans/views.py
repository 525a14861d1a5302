"""Pages of the plans app: list, plan tree, task, unit's clauses, and the import upload → preview → confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lawgov.models import JobStatus, Role, Unit, UnitKind
from lawgov.permissions import people_only, role_required
from plans import selectors, services
from plans.forms import AssignmentForm, ImportCorrectionForm, PlanUploadForm
from plans.importing import corrections
from plans.models import Assignment, AssignmentRole, Clause, Plan, PlanImport, PlanImportJob, Task


@people_only
def plan_list(request: HttpRequest) -> HttpResponse:
    can_import = request.user.is_superuser or request.user.role == Role.LEGAL_OFFICE
    return render(
        request,
        "plans/plan_list.html",
        {"plans": selectors.plan_list(user=request.user), "can_import": can_import},
    )


@people_only
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk)
    units = (
        Unit.objects.in_directory_of(request.user).filter(jurisdiction=plan.jurisdiction_id).order_by("kind", "name")
    )
    unit = None
    if request.GET.get("unit"):
        unit = units.filter(pk=request.GET["unit"]).first() if request.GET["unit"].isdigit() else None
        if unit is None:
            messages.error(request, "筛选的单位不存在,已显示全部任务。")
    role = request.GET.get("role") if request.GET.get("role") in AssignmentRole.values else None
    unassigned = request.GET.get("unassigned") == "1"
    tree = selectors.plan_tree(plan=plan, user=request.user, unit=unit, role=role, unassigned=unassigned)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "tree": tree,
            "units": units,
            "selected_unit": unit,
            "selected_role": role,
            "unassigned": unassigned,
            "roles": AssignmentRole.choices,
            "requirements": list(plan.requirements.all()),
            "can_edit": request.user.is_legal_office_of(plan.jurisdiction_id),
        },
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The task's old address: a task has one page (structure, 分工, deadlines, progress, history), the tasks
    app's, which reads the plan; links kept in notifications and bookmarks land there."""
    return redirect("tasks:detail", pk=pk, permanent=True)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def clause_assign(request: HttpRequest, pk: int) -> HttpResponse:
    clause = get_object_or_404(
        Clause.objects.select_related("task__plan"), pk=pk, task__in=Task.objects.editable_by(request.user)
    )
    form = AssignmentForm(request.POST, jurisdiction=clause.task.plan.jurisdiction)
    if form.is_valid():
        try:
            services.assignment_add(
                clause=clause, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"], by=request.user
            )
            messages.success(
                request,
                f"已将{form.cleaned_data['unit']}指定为该分句的{dict(AssignmentRole.choices)[form.cleaned_data['role']]}单位。",
            )
        except services.PlanImportError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请选择单位和分工。")
    return redirect(reverse("tasks:detail", args=[clause.task_id]) + "#division")


@role_required(Role.LEGAL_OFFICE)
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.active().select_related("clause", "unit"),
        pk=pk,
        clause__task__in=Task.objects.editable_by(request.user),
    )
    services.assignment_remove(assignment=assignment, by=request.user)
    messages.success(request, f"已移除{assignment.unit}。")
    return redirect(reverse("tasks:detail", args=[assignment.clause.task_id]) + "#division")


@people_only
def unit_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address of a unit's tasks: the unit's page is now the one place that shows its work."""
    return redirect("unit-detail", pk=pk)


@role_required(Role.LEGAL_OFFICE)
def import_upload(request: HttpRequest) -> HttpResponse:
    jurisdiction = request.user.home_jurisdiction()
    if jurisdiction is None:
        raise PermissionDenied("您的账号未绑定辖区,不能导入规划。")
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    status = 200
    offer_rubric = False
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if services.plan_import_reads_slowly(upload.name):
                job = services.plan_import_request(
                    data=upload.read(),
                    filename=upload.name,
                    jurisdiction=jurisdiction,
                    by=request.user,
                    encoding=form.cleaned_data.get("encoding") or None,
                )
                return redirect("plans:import-job", pk=job.pk)
            try:
                plan_import = services.plan_import_preview(
                    data=upload.read(),
                    filename=upload.name,
                    jurisdiction=jurisdiction,
                    by=request.user,
                    encoding=form.cleaned_data.get("encoding") or None,
                )
            except services.PlanImportError as exc:
                form.add_error("file", exc.message)
                # A rubric sent to the plan importer is offered to the rubric import (one click, not a hunt).
                offer_rubric = getattr(exc, "document_kind", None) == "rubric"
            else:
                return redirect("plans:import-preview", pk=plan_import.pk)
        status = 400
    recent = PlanImport.objects.filter(jurisdiction=jurisdiction).select_related("plan", "created_by")[:10]
    return render(
        request,
        "plans/import_upload.html",
        {"form": form, "recent": recent, "jurisdiction": jurisdiction, "offer_rubric": offer_rubric},
        status=status,
    )


def _import_for(request: HttpRequest, pk: int) -> PlanImport:
    """The import, if the user is the legal office of its jurisdiction (PlanImport.objects.visible_to); 404
    for another district's, so its existence is not revealed."""
    return get_object_or_404(PlanImport.objects.visible_to(request.user).select_related("jurisdiction"), pk=pk)


@role_required(Role.LEGAL_OFFICE)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a slow upload (.pdf, .doc, a scan) is being read: the stage and the bar while the job runs (the
    page reloads itself), the preview once it is done, the reason if it failed."""
    job = get_object_or_404(
        PlanImportJob.objects.select_related("jurisdiction"), pk=pk, jurisdiction__in=request.user.jurisdictions()
    )
    job = services.plan_import_job_check(job=job)
    if job.status == JobStatus.SUCCEEDED and job.plan_import_id:
        return redirect("plans:import-preview", pk=job.plan_import_id)
    return render(request, "plans/import_job.html", {"job": job, "refresh_seconds": 2})


@role_required(Role.LEGAL_OFFICE)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    plan_import = _import_for(request, pk)
    if request.method == "POST":
        if plan_import.status != PlanImport.Status.PREVIEW:
            messages.error(request, "该文件已经导入过,请勿重复确认。")
            return redirect("plans:import-preview", pk=pk)
        parsed = services.plan_import_corrected(plan_import=plan_import).parsed
        decisions = services.unit_decisions(
            jurisdiction=plan_import.jurisdiction, names=services.parsed_unit_names(parsed)
        )
        # One choice per decision, named by its first printed form; a decision the form did not send keeps
        # the resolver's proposal.
        choices = {d.key: request.POST[f"unit:{d.key}"] for d in decisions if f"unit:{d.key}" in request.POST}
        try:
            outcome = services.plan_import_confirm(plan_import=plan_import, by=request.user, unit_choices=choices)
        except services.PlanImportError as exc:
            messages.error(request, exc.message)
            return redirect("plans:import-preview", pk=pk)
        for line in outcome.changes:
            messages.success(request, line)
        if outcome.plan:
            return redirect("plans:detail", pk=outcome.plan.pk)
        return redirect("plans:list")
    return _preview_page(request, plan_import)


def _preview_page(request: HttpRequest, plan_import: PlanImport, *, error: str = "", status: int = 200) -> HttpResponse:
    corrected = services.plan_import_corrected(plan_import=plan_import)
    parsed = corrected.parsed
    decisions = services.unit_decisions(jurisdiction=plan_import.jurisdiction, names=services.parsed_unit_names(parsed))
    units = list(Unit.objects.offered().filter(jurisdiction=plan_import.jurisdiction).order_by("kind", "name"))
    preview = plan_import.status == PlanImport.Status.PREVIEW
    checks = (
        services.plan_import_checks(jurisdiction=plan_import.jurisdiction, parsed=parsed, sha256=plan_import.sha256)
        if preview
        else []
    )
    is_plan = parsed.get("kind") == "plan"
    level_line, level_reason = corrections.level_summary(parsed) if is_plan else ("", "")
    return render(
        request,
        "plans/import_preview.html",
        {
            "plan_import": plan_import,
            "parsed": parsed,
            "kind_name": corrections.kind_name(parsed),
            "level_line": level_line,
            "level_reason": level_reason,
            "level_corrected": any(row.kind == "task_level" for row in corrected.applied),
            "levels": corrections.task_levels(parsed) if is_plan else [],
            "outline": corrections.outline(parsed) if is_plan else [],
            "applied": [(row, corrections.describe(row.operation)) for row in corrected.applied],
            "skipped": [(row, corrections.describe(row.operation), reason) for row, reason in corrected.skipped],
            "can_correct": is_plan and plan_import.status == PlanImport.Status.PREVIEW,
            "error": error,
            "unit_rows": _decision_rows([d for d in decisions if not d.is_group], units),
            "group_rows": _decision_rows([d for d in decisions if d.is_group], units),
            "checks": checks,
        },
        status=status,
    )


def _decision_rows(decisions: list, units: list[Unit]) -> list[dict]:
    """What the preview's table shows per decision: the proposal first, then the candidates, 新建 (with the
    kind it would get) and 忽略, then every other unit of the same sort (groups for a group phrase)."""
    by_pk = {u.pk: u for u in units}
    kinds = dict(UnitKind.choices)
    rows = []
    for decision in decisions:
        offered = [decision.match, *decision.candidates] if decision.match else decision.candidates
        listed = {m.pk for m in offered}
        rows.append(
            {
                "decision": decision,
                "offered": [(m, by_pk.get(m.pk)) for m in offered],
                "others": [u for u in units if u.is_group == decision.is_group and u.pk not in listed],
                "new_kind": kinds[services.unit_kind_guess(decision.key)],
            }
        )
    return rows


@role_required(Role.LEGAL_OFFICE)
@require_POST
def import_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """One correction from the preview's buttons; a bad one gets the preview back with the reason (400)."""
    plan_import = _import_for(request, pk)
    form = ImportCorrectionForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _preview_page(request, plan_import, error=f"修改未保存:{first}", status=400)
    operation = form.operation()
    try:
        services.plan_import_correct(plan_import=plan_import, by=request.user, **operation)
    except services.PlanImportError as exc:
        return _preview_page(request, plan_import, error=f"修改未保存:{exc.message}", status=400)
    messages.success(request, f"已修改:{corrections.describe(operation)}。确认导入前可随时撤销。")
    return redirect("plans:import-preview", pk=pk)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def import_correction_undo(request: HttpRequest, pk: int, correction_pk: int) -> HttpResponse:
    plan_import = _import_for(request, pk)
    correction = get_object_or_404(plan_import.corrections.active(), pk=correction_pk)
    try:
        services.plan_import_correction_undo(correction=correction, by=request.user)
    except services.PlanImportError as exc:
        return _preview_page(request, plan_import, error=exc.message, status=400)
    messages.success(request, f"已撤销:{corrections.describe(correction.operation)}。")
    return redirect("plans:import-preview", pk=pk)
