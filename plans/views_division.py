"""Pages of the 分工 sheet round trip (plans.division): export, upload, preview, confirm.

Who: the legal office of the plan's jurisdiction, asked once (``Plan.objects.editable_by`` and
``DivisionImport.objects.visible_to``); another district's plan or preview is a 404, so its existence is
not revealed, and nothing changes.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lawgov import exporting
from lawgov.models import Role
from lawgov.permissions import role_required
from plans import division
from plans.forms import DivisionUploadForm
from plans.models import DivisionImport, Plan


def _plan_for(request: HttpRequest, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.editable_by(request.user).select_related("jurisdiction"), pk=pk)


def _import_for(request: HttpRequest, pk: int) -> DivisionImport:
    return get_object_or_404(
        DivisionImport.objects.visible_to(request.user).select_related("plan__jurisdiction", "created_by"), pk=pk
    )


@role_required(Role.LEGAL_OFFICE)
def division_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    content = division.division_sheet_export(plan=plan, today=timezone.localdate())
    return exporting.attachment(
        content, filename=f"{plan.title[:40]}-任务分工表.xlsx", content_type=exporting.XLSX_CONTENT_TYPE
    )


@role_required(Role.LEGAL_OFFICE)
def division_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the filled sheet; it is read and compared at once, and the preview shown (nothing applied)."""
    plan = _plan_for(request, pk)
    form = DivisionUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                division_import = division.division_import_preview(
                    plan=plan, data=upload.read(), filename=upload.name, by=request.user, today=timezone.localdate()
                )
            except division.DivisionImportError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("plans:division-preview", pk=division_import.pk)
        status = 400
    recent = plan.division_imports.select_related("created_by")[:5]
    return render(
        request,
        "plans/division_upload.html",
        {"plan": plan, "form": form, "recent": recent, "max_mb": division.MAX_SHEET_BYTES // (1024 * 1024)},
        status=status,
    )


@role_required(Role.LEGAL_OFFICE)
def division_preview(request: HttpRequest, pk: int) -> HttpResponse:
    division_import = _import_for(request, pk)
    preview = division_import.preview
    return render(
        request,
        "plans/division_preview.html",
        {
            "division_import": division_import,
            "plan": division_import.plan,
            "preview": preview,
            "changed_tasks": [t for t in preview.get("tasks", []) if t.get("changed")],
            "unchanged_tasks": [t for t in preview.get("tasks", []) if not t.get("changed")],
            "can_confirm": division_import.status == DivisionImport.Status.PREVIEW and not preview.get("errors"),
        },
    )


@role_required(Role.LEGAL_OFFICE)
@require_POST
def division_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    division_import = _import_for(request, pk)
    try:
        counts = division.division_import_confirm(
            division_import=division_import, by=request.user, today=timezone.localdate()
        )
    except division.DivisionImportError as exc:
        messages.error(request, exc.message)
        return redirect("plans:division-preview", pk=pk)
    messages.success(
        request,
        f"分工表已导入:新增 {counts['added']} 个单位分工,移除 {counts['removed']} 个,调整角色 {counts['changed']} 个,"
        f"更新时限 {counts['deadlines']} 项任务。",
    )
    return redirect("plans:detail", pk=division_import.plan_id)


@role_required(Role.LEGAL_OFFICE)
@require_POST
def division_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """The same file compared again with the plan as it is now (after another change made a preview stale)."""
    division_import = _import_for(request, pk)
    try:
        fresh = division.division_import_recheck(
            division_import=division_import, by=request.user, today=timezone.localdate()
        )
    except division.DivisionImportError as exc:
        messages.error(request, exc.message)
        return redirect("plans:division-preview", pk=pk)
    messages.info(request, "已按当前规划重新检查该表。")
    return redirect("plans:division-preview", pk=fresh.pk)
