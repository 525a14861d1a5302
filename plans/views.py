"""Pages of the plans app: list, plan tree, task, unit's clauses, and the import upload → preview → confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lawgov.errors import DomainError
from lawgov.models import JobStatus, Role, Unit, UnitKind
from lawgov.permissions import people_only, role_required
from plans import bulk, selectors, services, unit_picker
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
    return _plan_page(request, plan)


def _plan_page(
    request: HttpRequest,
    plan: Plan,
    *,
    bulk: dict | None = None,
    error: str = "",
    details=(),
    status: int = 200,
    filters: QueryDict | None = None,
) -> HttpResponse:
    """The 规划 page: the tree under the GET filters (or ``filters``: those a refused bulk post came from)
    and, for the legal office, the bulk panel (``bulk`` carries a refused request's choices back into the
    form, so nothing the person picked is lost)."""
    params = filters if filters is not None else request.GET
    units = (
        Unit.objects.in_directory_of(request.user).filter(jurisdiction=plan.jurisdiction_id).order_by("kind", "name")
    )
    unit = None
    if params.get("unit"):
        unit = units.filter(pk=params["unit"]).first() if params["unit"].isdigit() else None
        if unit is None:
            messages.error(request, "筛选的单位不存在,已显示全部任务。")
    role = params.get("role") if params.get("role") in AssignmentRole.values else None
    unassigned = params.get("unassigned") == "1"
    tree = selectors.plan_tree(plan=plan, user=request.user, unit=unit, role=role, unassigned=unassigned)
    can_edit = Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists()
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
            "can_edit": can_edit,
            "bulk": bulk or {},
            "bulk_error": error,
            "bulk_details": list(details),
            "deadline_examples": DEADLINE_EXAMPLES,
            "filter_query": params.urlencode(),
        },
        status=status,
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


# ---------------------------------------------------------------------------------------------------
# Bulk work on the plan tree, the unit picker, a task's heading and text in place (issue 14; plans.bulk)

DEADLINE_EXAMPLES = ("长期坚持", "每年12月底前", "每季度末", "每年6月底前", "2025年12月底前")


def _editable_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, if the user is the legal office of its jurisdiction (``Plan.objects.editable_by``); 404
    otherwise, so another district's plan is not revealed."""
    return get_object_or_404(Plan.objects.editable_by(request.user).select_related("jurisdiction"), pk=pk)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def plan_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """One bulk request from the plan page (``plans.bulk.bulk_apply``): applied whole and back to the page
    with the same filters, or refused whole (400/409) with the page, the reason and the person's choices."""
    plan = _editable_plan(request, pk)
    post = request.POST
    fields = {
        "task_ids": post.getlist("tasks"),
        "action": post.get("action", bulk.Action.APPLY),
        "lead": post.getlist("lead"),
        "cooperating": post.getlist("cooperating"),
        "responsible": post.getlist("responsible"),
        "units": post.getlist("units"),
        "role": post.get("role", ""),
        "deadline": post.get("deadline", ""),
    }
    try:
        result = bulk.bulk_apply(plan=plan, by=request.user, **fields)
    except DomainError as exc:
        query = post.get("filters", "")
        return _plan_page(
            request,
            plan,
            filters=QueryDict(query) if _is_filter_query(query) else QueryDict(),
            bulk=_bulk_state(request, plan, fields),
            error=exc.message,
            details=exc.details,
            status=exc.status if exc.status in (400, 409) else 400,
        )
    for line in result.messages:
        messages.success(request, line)
    query = request.POST.get("filters", "")
    target = reverse("plans:detail", args=[plan.pk])
    return redirect(f"{target}?{query}" if query and _is_filter_query(query) else target)


def _is_filter_query(query: str) -> bool:
    """Only the page's own filters go back into the redirect (never an address from the form)."""
    allowed = {"unit", "role", "unassigned"}
    return all(part.split("=", 1)[0] in allowed for part in query.split("&") if part)


def _bulk_state(request: HttpRequest, plan: Plan, fields: dict) -> dict:
    """A refused request's choices, to show again: ticked tasks, picked units by role, the deadline typed
    (values that are not ids are left out: they were the reason for the refusal)."""

    def valid(values) -> list[int]:
        texts = [str(v).strip() for v in values]
        return [int(t) for t in texts if t.isascii() and t.isdigit() and 0 < int(t) <= bulk.MAX_ID]

    roles = ("lead", "cooperating", "responsible", "units")
    picked = {key: valid(fields[key]) for key in roles}
    candidates = unit_picker.picker_candidates(user=request.user, jurisdiction_id=plan.jurisdiction_id)
    found = {u.pk: u for u in candidates.filter(pk__in={pk for ids in picked.values() for pk in ids})}
    return {
        "tasks": set(valid(fields["task_ids"])),
        "action": fields["action"],
        "role": fields["role"],
        "deadline": fields["deadline"],
        **{key: [found[pk] for pk in ids if pk in found] for key, ids in picked.items()},
    }


@role_required(Role.LEGAL_OFFICE)
def unit_search(request: HttpRequest) -> JsonResponse:
    """The unit picker's search: JSON ``{"results": [...]}`` of the user's directory (``in_directory_of``),
    narrowed to one jurisdiction with ``?jurisdiction=`` (a plan's); ``q`` matches names, short names,
    aliases and pinyin initials."""
    raw = request.GET.get("jurisdiction", "")
    jurisdiction_id = int(raw) if raw.isascii() and raw.isdigit() else None
    if raw and jurisdiction_id is None:
        return JsonResponse({"error": {"code": "bad_jurisdiction", "message": "辖区编号无效。"}}, status=400)
    hits = unit_picker.unit_search(user=request.user, query=request.GET.get("q", ""), jurisdiction_id=jurisdiction_id)
    return JsonResponse({"results": [hit.to_dict() for hit in hits]})


def _editable_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(Task.objects.editable_by(request.user).select_related("plan"), pk=pk)


@role_required(Role.LEGAL_OFFICE)
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's heading and text edited in place on the plan tree (htmx): GET the form, POST saves and
    answers the task's head as it now reads; a refusal answers the form again with the reason (400)."""
    task = _editable_task(request, pk)
    if request.method == "POST":
        heading, text = request.POST.get("heading", ""), request.POST.get("text", "")
        try:
            task = bulk.task_text_edit(task=task, heading=heading, text=text, by=request.user)
        except DomainError as exc:
            draft = {"heading": heading, "text": text}
            return render(
                request, "plans/_task_edit.html", {"task": task, "draft": draft, "error": exc.message}, status=400
            )
        return render(request, "plans/_task_head.html", {"task": task, "can_edit": True, "saved": True})
    return render(
        request, "plans/_task_edit.html", {"task": task, "draft": {"heading": task.heading, "text": task.text}}
    )


@role_required(Role.LEGAL_OFFICE)
def task_head(request: HttpRequest, pk: int) -> HttpResponse:
    """The task's head on the tree (what 取消 in the in-place form goes back to)."""
    return render(request, "plans/_task_head.html", {"task": _editable_task(request, pk), "can_edit": True})
