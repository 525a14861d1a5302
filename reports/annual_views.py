"""Pages of the annual report (法治政府建设情况报告) and of the yearly figures (统计数据).

The legal office writes (generates, edits, publishes); leaders read and download; unit reporters only enter
their own unit's figures. Who may see what is the models' ``visible_to``/``editable_by``. A ``ReportError``
is answered in one place, ``_refuse`` (the kernel's ``lawgov.errors`` answers, plus the 409 page that links
to a job already running); a form that shows the reason beside its fields asks ``_form_refusal``.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lawgov.errors import refused, refused_with_message
from lawgov.models import JURISDICTION_KINDS, Role, Unit, UnitKind
from lawgov.permissions import role_required
from reports import selectors, services
from reports.docx_render import ConversionError, paragraph_labels, soffice_path
from reports.forms import GenerateForm, IndicatorForm, ReportSettingsForm, StatisticForm, ThemeListForm
from reports.generator import FRAMES, default_wording, frame_preview, government_name
from reports.generator.facts import default_addressee
from reports.generator.typography import fullwidth
from reports.models import (
    ANNUAL_REPORT_JOB,
    AnnualReport,
    Indicator,
    ReportJob,
    ReportSettings,
    Statistic,
    ThemeList,
    WordingTemplate,
)

READERS = (Role.LEGAL_OFFICE, Role.LEADER)
FIGURE_ROLES = (Role.LEGAL_OFFICE, Role.LEADER, Role.REPORTER)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _jurisdiction(request: HttpRequest, pk: int) -> Unit:
    """A 市/区 of the user's; another one is refused with 403 (the issue's rule for reports)."""
    unit = Unit.objects.active().filter(pk=pk, kind__in=JURISDICTION_KINDS).first()
    if unit is None:
        raise Http404
    if not request.user.is_superuser and unit.pk not in {j.pk for j in request.user.jurisdictions()}:
        raise PermissionDenied("您不属于该辖区,无权查看或生成其年度报告和统计数据。")
    return unit


def _report(request: HttpRequest, jurisdiction: Unit, year: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.visible_to(request.user)
        .select_related("jurisdiction__parent", "published_version", "published_by", "theme_list")
        .filter(jurisdiction=jurisdiction, year=year)
        .first()
    )


def _refuse(request: HttpRequest, exc: services.ReportError, back: str) -> HttpResponse:
    """The answer to a refused write: 403/404 are Django's pages, a job already running the 409 page that
    links to it, anything else the page ``back`` with the reason on top (its own form shows the state)."""
    if exc.code == "job_running" and exc.job is not None:
        return _conflict(request, exc)
    return refused_with_message(request, exc, back)


def _form_refusal(request: HttpRequest, exc: services.ReportError, back: str) -> str:
    """A refusal a form shows beside its fields (the returned message) — unless the write is not the user's
    at all (403), which is Django's 403 page like any other."""
    if exc.status == 403:
        refused(request, exc, back)  # raises PermissionDenied
    return exc.message


def _conflict(request: HttpRequest, exc: services.ReportError) -> HttpResponse:
    job = exc.job
    url = reverse("annual-detail", args=[job.report.jurisdiction_id, job.report.year]) + "#job"
    return render(
        request,
        "reports/annual_conflict.html",
        {"message": exc.message, "job": job, "job_url": url, "report": job.report},
        status=409,
    )


def _theme_lists(user) -> list[ThemeList]:
    return list(ThemeList.objects.visible_to(user).order_by("jurisdiction_id", "name"))


# --- the report ------------------------------------------------------------------------------------------------


@role_required(*READERS)
def annual_list(request: HttpRequest) -> HttpResponse:
    """年度报告: the reports the user may read, and (legal office) the form to start a draft."""
    user = request.user
    jurisdictions = selectors.jurisdictions_for(user)
    form = None
    if user.is_superuser or user.role == Role.LEGAL_OFFICE:
        form = GenerateForm(jurisdictions=jurisdictions, theme_lists=_theme_lists(user))
    return render(
        request,
        "reports/annual_list.html",
        {"rows": selectors.report_list(user=user), "form": form, "jurisdictions": jurisdictions},
    )


@require_POST
@role_required(Role.LEGAL_OFFICE)
def annual_generate(request: HttpRequest) -> HttpResponse:
    """Start a draft: returns at once (303 to the report page, which shows the job's progress); 409 with a
    link when a job of the same report is already running."""
    user = request.user
    jurisdiction_id = request.POST.get("jurisdiction", "")
    if jurisdiction_id.isdigit():
        _jurisdiction(request, int(jurisdiction_id))  # 403 before anything else for a foreign jurisdiction
    if user.is_superuser:
        jurisdictions = list(Unit.objects.active().filter(kind__in=[UnitKind.CITY, UnitKind.DISTRICT]))
    else:
        jurisdictions = selectors.jurisdictions_for(user)
    form = GenerateForm(request.POST, jurisdictions=jurisdictions, theme_lists=_theme_lists(user))
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}" for k, v in form.errors.items()
        )
        messages.error(request, f"无法开始生成:{errors}")
        return redirect("annual-list")
    jurisdiction, year = form.cleaned_data["jurisdiction"], form.cleaned_data["year"]
    back = reverse("annual-detail", args=[jurisdiction.pk, year])
    try:
        requested = services.report_generation_request(
            jurisdiction=jurisdiction, year=year, by=user, theme_list=form.theme_list()
        )
    except services.ReportError as exc:
        return _refuse(request, exc, back)
    job = ReportJob.objects.get(pk=requested.job.pk)
    if requested.taken_over:
        messages.warning(request, "上一次生成的后台任务长时间无响应,已重新排队接管。")
    elif job.status == "failed":
        messages.error(request, job.error)
    elif job.status == "succeeded":
        messages.success(request, "草稿已生成。")
    else:
        messages.success(request, "已开始生成草稿,请稍候:页面会显示进度。")
    return _see_other(back + "#job")


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@role_required(*READERS)
def annual_detail(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    """The report page: the job's progress while it runs, then the draft (HTML preview in the official
    layout), its versions, and the actions the user may take."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    report = _report(request, jurisdiction, year)
    user = request.user
    can_write = user.is_legal_office_of(jurisdiction)
    context = {
        "jurisdiction": jurisdiction,
        "year": year,
        "report": report,
        "can_write": can_write,
        "theme_lists": _theme_lists(user) if can_write else [],
        "soffice": bool(soffice_path()),
        "calendar": services.calendar_for(jurisdiction=jurisdiction, year=year, today=timezone.localdate()),
    }
    if report is None:
        context["title"] = services.report_title(jurisdiction, year)
        return render(request, "reports/annual_detail.html", context)
    number = request.GET.get("v")
    if report.published:  # the published version only: no other version, no job, one download area
        page = selectors.report_page(report=report, number=report.published_version.number)
        page.job = None
        context.update(page=page, editable=False, job_active=False, failure=None, stages=[])
        return render(request, "reports/annual_detail.html", context)
    page = selectors.report_page(report=report, number=int(number) if number and number.isdigit() else None)
    if page.job is not None and page.job.active:
        page.job = services.report_job_check(job=page.job)
    context.update(
        page=page,
        editable=can_write and not report.published,
        job_active=page.job is not None and page.job.active,
        failure=selectors.last_failure(report),
        stages=_stages(page.job),
    )
    return render(request, "reports/annual_detail.html", context)


def _stages(job: ReportJob | None) -> list[dict]:
    """The stages for the progress line: done, current (or failed, where the job stopped), to do."""
    order = [s.key for s in ANNUAL_REPORT_JOB.stages]
    current = order.index(job.stage) if job is not None and job.stage in order else -1
    here = "failed" if job is not None and job.status == "failed" else "current"
    if job is not None and job.status == "succeeded":
        current = len(order)
    return [
        {"key": s.key, "label": s.label, "state": "done" if n < current else here if n == current else "todo"}
        for n, s in enumerate(ANNUAL_REPORT_JOB.stages)
    ]


@role_required(*READERS)
def annual_job(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    """The job's progress, polled every second by the page (htmx); when the job ends the page reloads to
    show the new draft or the reason it failed."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    report = _report(request, jurisdiction, year)
    if report is None:
        raise Http404
    job = report.jobs.order_by("-created_at", "-id").first()
    if job is None:
        raise Http404
    if job.active:
        job = services.report_job_check(job=job)
    response = render(
        request,
        "reports/_job.html",
        {"job": job, "stages": _stages(job), "job_active": job.active, "jurisdiction": jurisdiction, "year": year},
    )
    if not job.active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _editable_report(request: HttpRequest, jurisdiction_id: int, year: int) -> AnnualReport:
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    report = _report(request, jurisdiction, year)
    if report is None:
        raise Http404
    return report


@role_required(Role.LEGAL_OFFICE)
def annual_section_edit(request: HttpRequest, jurisdiction_id: int, year: int, section_key: str) -> HttpResponse:
    """Edit one section of the latest draft; saving makes a new version."""
    report = _editable_report(request, jurisdiction_id, year)
    back = reverse("annual-detail", args=[jurisdiction_id, year])
    if report.published:
        messages.error(request, "报告已发布并锁定,不能再修改。")
        return redirect(back)
    page = selectors.report_page(report=report)
    if page.latest is None:
        raise Http404
    section = next((s for s in page.sections if s["key"] == section_key), None)
    if section is None:
        raise Http404
    if request.method == "POST":
        keys, titles, texts = (request.POST.getlist(n) for n in ("key", "title", "text"))
        paragraphs = [
            services.ParagraphInput(key=k, title=t, text=x) for k, t, x in zip(keys, titles, texts, strict=False)
        ]
        base = request.POST.get("base", "")
        try:
            version = services.report_section_save(
                report=report,
                section_key=section_key,
                base_number=int(base) if base.isdigit() else 0,
                paragraphs=paragraphs,
                title=request.POST.get("section_title"),
                by=request.user,
            )
        except services.ReportError as exc:
            if exc.status in (403, 404):
                return _refuse(request, exc, back)
            # A stale base version or an unchanged section: the form again, with what was typed kept.
            return render(
                request,
                "reports/annual_section_edit.html",
                {
                    "report": report,
                    "page": page,
                    "section": section,
                    "posted": list(zip(keys, titles, texts, strict=False)),
                    "error": exc.message,
                    "section_title": request.POST.get("section_title", section.get("title")),
                },
                status=exc.status,
            )
        messages.success(request, f"已保存为第{version.number}版。")
        return redirect(f"{back}#section-{section_key}")
    return render(
        request,
        "reports/annual_section_edit.html",
        {"report": report, "page": page, "section": section, "section_title": section.get("title", "")},
    )


@role_required(*READERS)
def annual_diff(request: HttpRequest, jurisdiction_id: int, year: int, number: int) -> HttpResponse:
    """Version ``number`` beside the one before it (or ``?with=`` another)."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    report = _report(request, jurisdiction, year)
    if report is None:
        raise Http404
    new = get_object_or_404(report.versions, number=number)
    other = request.GET.get("with", "")
    if other.isdigit():
        old = get_object_or_404(report.versions, number=int(other))
    else:
        old = report.versions.filter(number__lt=number).order_by("-number").first()
    if old is None:
        messages.info(request, "这是第一个版本,没有可对比的上一版。")
        return redirect(reverse("annual-detail", args=[jurisdiction_id, year]) + f"?v={number}")
    diff = selectors.version_diff(old, new)
    return render(
        request,
        "reports/annual_diff.html",
        {
            "report": report,
            "old": old,
            "new": new,
            "diff": diff,
            "changed": [s for s in diff if s.changed],
            "versions": list(report.versions.order_by("-number").only("number", "origin", "created_at")),
            "can_restore": (
                request.user.is_legal_office_of(jurisdiction)
                and not report.published
                and new.overrode
                and new.number == report.versions.order_by("-number").values_list("number", flat=True).first()
            ),
        },
    )


def _filename(report: AnnualReport, number: int, suffix: str) -> str:
    return quote(f"{report.title}(第{number}版){suffix}")


@role_required(*READERS)
def annual_download(request: HttpRequest, jurisdiction_id: int, year: int, number: int, fmt: str) -> HttpResponse:
    """A version as .docx (always) or PDF (where LibreOffice is installed)."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    report = _report(request, jurisdiction, year)
    if report is None:
        raise Http404
    version = get_object_or_404(report.versions.select_related("report__jurisdiction__parent"), number=number)
    if fmt == "pdf":
        try:
            data = services.version_pdf(version)
        except ConversionError as exc:
            return render(
                request, "reports/annual_unavailable.html", {"message": str(exc), "report": report}, status=503
            )
        response = HttpResponse(data, content_type="application/pdf")
    else:
        response = HttpResponse(services.version_docx(version), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_filename(report, number, '.' + fmt)}"
    return response


@role_required(*READERS)
def annual_published(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    """The published version's .docx: what a leader downloads."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    report = _report(request, jurisdiction, year)
    if report is None or report.published_version is None:
        raise Http404("报告尚未发布。")
    return annual_download(request, jurisdiction_id, year, report.published_version.number, "docx")


@require_POST
@role_required(Role.LEGAL_OFFICE)
def annual_publish(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    report = _editable_report(request, jurisdiction_id, year)
    back = reverse("annual-detail", args=[jurisdiction_id, year])
    number = request.POST.get("number", "")
    try:
        report = services.report_publish(
            report=report,
            by=request.user,
            secrecy_checked=request.POST.get("secrecy_checked") == "1",
            number=int(number) if number.isdigit() else None,
        )
    except services.ReportError as exc:
        return _refuse(request, exc, back)
    messages.success(request, f"已发布第{report.published_version.number}版,报告已锁定。")
    return redirect(back)


@require_POST
@role_required(Role.LEGAL_OFFICE)
def annual_restore(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    report = _editable_report(request, jurisdiction_id, year)
    back = reverse("annual-detail", args=[jurisdiction_id, year])
    try:
        version = services.report_edits_restore(report=report, by=request.user)
    except services.ReportError as exc:
        return _refuse(request, exc, back)
    messages.success(request, f"已保留人工修改,生成第{version.number}版。")
    return redirect(back)


# --- the public page of a published report (no login) ------------------------------------------------------


def _public_report(jurisdiction_id: int, year: int) -> AnnualReport:
    """A published report, or 404: drafts, versions, sources and everything else stay behind the login."""
    report = (
        AnnualReport.objects.public()
        .select_related("jurisdiction__parent", "published_version")
        .filter(jurisdiction_id=jurisdiction_id, year=year)
        .first()
    )
    if report is None:
        raise Http404("没有已发布的报告。")
    return report


def public_report(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    """The published report for the government website to link to: its text, 发布日期 and a PDF."""
    report = _public_report(jurisdiction_id, year)
    version = report.published_version
    return render(
        request,
        "reports/public_report.html",
        {
            "report": report,
            "version": version,
            "sections": paragraph_labels(version.body),
            "soffice": bool(soffice_path()),
        },
    )


def public_report_pdf(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    """The published version as PDF (rendered once and kept with the version)."""
    report = _public_report(jurisdiction_id, year)
    try:
        data = services.version_pdf(report.published_version)
    except ConversionError as exc:
        return render(request, "reports/annual_unavailable.html", {"message": str(exc), "report": report}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(report.title + '.pdf')}"
    return response


# --- report settings (主送机关, 落款, the statutory calendar) ---------------------------------------------------


@role_required(Role.LEGAL_OFFICE)
def annual_settings(request: HttpRequest) -> HttpResponse:
    """报告设置: the recipients (主送机关), 落款, date style and the statutory due dates, by the legal office."""
    jurisdictions = selectors.jurisdictions_for(request.user)
    if not jurisdictions:
        raise PermissionDenied("您的账号未绑定辖区。")
    wanted = request.GET.get("jurisdiction") or request.POST.get("jurisdiction") or ""
    jurisdiction = _jurisdiction(request, int(wanted)) if wanted.isdigit() else jurisdictions[0]
    stored = ReportSettings.objects.filter(jurisdiction=jurisdiction).first()
    error = ""
    if request.method == "POST":
        form = ReportSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.report_settings_save(jurisdiction=jurisdiction, by=request.user, **form.cleaned_data)
            except services.ReportError as exc:
                error = _form_refusal(request, exc, reverse("annual-settings"))
            else:
                messages.success(request, f"已保存{jurisdiction.name}的报告设置。")
                return redirect(f"{reverse('annual-settings')}?jurisdiction={jurisdiction.pk}")
        else:
            error = "请检查标出的内容。"
    else:
        form = ReportSettingsForm(instance=stored)
    today = timezone.localdate()
    return render(
        request,
        "reports/annual_settings.html",
        {
            "jurisdiction": jurisdiction,
            "jurisdictions": jurisdictions,
            "form": form,
            "error": error,
            "default_addressee": default_addressee(jurisdiction),
            "default_signature": government_name(jurisdiction),
            "calendar": services.calendar_for(jurisdiction=jurisdiction, year=today.year - 1, today=today),
        },
        status=400 if error else 200,
    )


# --- wording and theme lists --------------------------------------------------------------------------------------


@role_required(Role.LEGAL_OFFICE)
def annual_wording(request: HttpRequest) -> HttpResponse:
    """报告措辞: the sentence frames each piece of the draft is written from, with named blanks (chips), a
    preview filled with sample facts and a reset to the default; editable without code."""
    jurisdictions = selectors.jurisdictions_for(request.user)
    if not jurisdictions:
        raise PermissionDenied("您的账号未绑定辖区。")
    wanted = request.GET.get("jurisdiction") or request.POST.get("jurisdiction") or ""
    jurisdiction = _jurisdiction(request, int(wanted)) if wanted.isdigit() else jurisdictions[0]
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        key = request.POST.get("key", "")
        text, reset = request.POST.get("text", ""), bool(request.POST.get("reset"))
        try:
            services.wording_save(jurisdiction=jurisdiction, key=key, text=text, by=request.user, reset=reset)
        except services.ReportError as exc:
            errors[key], posted[key] = _form_refusal(request, exc, reverse("annual-wording")), text
        else:
            label = FRAMES[key].label
            messages.success(request, f"已{'恢复默认' if reset else '保存'}“{label}”的措辞,重新生成草稿后生效。")
            return redirect(f"{reverse('annual-wording')}?jurisdiction={jurisdiction.pk}#wording-{key}")
    own = {w.key: w for w in WordingTemplate.objects.filter(jurisdiction=jurisdiction, key__in=list(FRAMES))}
    pieces = []
    for key, frame in FRAMES.items():
        row = own.get(key)
        text = posted.get(key) or (row.text if row else default_wording(key))
        advanced = bool(row and row.advanced)
        try:
            preview = "" if advanced or key in errors else fullwidth(frame_preview(key, text))
        except KeyError:
            preview = ""
        pieces.append(
            {
                "key": key,
                "label": frame.label,
                "help": frame.help,
                "text": text,
                "custom": row is not None,
                "advanced": advanced,
                "editable": not advanced or request.user.is_superuser,
                "blanks": frame.all_blanks,
                "sample": frame.sample(),
                "preview": preview,
                "error": errors.get(key, ""),
            }
        )
    return render(
        request,
        "reports/annual_wording.html",
        {"jurisdiction": jurisdiction, "jurisdictions": jurisdictions, "pieces": pieces},
        status=400 if errors else 200,
    )


@role_required(*READERS)
def annual_themes(request: HttpRequest) -> HttpResponse:
    """报告结构: theme lists (the 8 of 广州's report, or the legal office's own)."""
    jurisdictions = selectors.jurisdictions_for(request.user)
    can_write = request.user.is_superuser or request.user.role == Role.LEGAL_OFFICE
    form = ThemeListForm()
    editing = None
    if request.GET.get("edit", "").isdigit():
        editing = ThemeList.objects.editable_by(request.user).filter(pk=request.GET["edit"]).first()
        if editing is not None:
            form = ThemeListForm(initial={"name": editing.name, "lines": _theme_lines(editing)})
    if request.GET.get("copy", "").isdigit():
        source = ThemeList.objects.visible_to(request.user).filter(pk=request.GET["copy"]).first()
        if source is not None:
            form = ThemeListForm(initial={"name": f"{source.name}(副本)", "lines": _theme_lines(source)})
    status = 200
    if request.method == "POST" and can_write:
        form = ThemeListForm(request.POST)
        pk = request.POST.get("theme_list", "")
        editing = ThemeList.objects.editable_by(request.user).filter(pk=pk).first() if pk.isdigit() else None
        if form.is_valid() and jurisdictions:
            try:
                saved = services.theme_list_save(
                    jurisdiction=editing.jurisdiction if editing else jurisdictions[0],
                    name=form.cleaned_data["name"],
                    lines=form.cleaned_data["lines"],
                    by=request.user,
                    theme_list=editing,
                )
            except services.ReportError as exc:
                # A shared list is not the office's to change: said beside the form, where it chose the list.
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已保存报告结构“{saved.name}”({len(saved.themes)}个方面)。")
                return redirect("annual-themes")
        status = 400
    return render(
        request,
        "reports/annual_themes.html",
        {
            "lists": _theme_lists(request.user),
            "form": form if can_write else None,
            "editing": editing,
            "can_write": can_write,
        },
        status=status,
    )


def _theme_lines(theme_list: ThemeList) -> str:
    return "\n".join(f"{t['title']}|{','.join(t.get('keywords') or [])}" for t in theme_list.themes)


# --- figures ----------------------------------------------------------------------------------------------------


@role_required(*FIGURE_ROLES)
def figures_home(request: HttpRequest) -> HttpResponse:
    jurisdictions = selectors.jurisdictions_for(request.user)
    if not jurisdictions:
        raise PermissionDenied("您的账号未绑定辖区。")
    year = request.GET.get("year", "")
    wanted = request.GET.get("jurisdiction", "")
    jurisdiction = _jurisdiction(request, int(wanted)) if wanted.isdigit() else jurisdictions[0]
    year = int(year) if year.isdigit() else timezone.localdate().year - 1
    return redirect("figures-year", jurisdiction_id=jurisdiction.pk, year=year)


def _entry_units(request: HttpRequest, jurisdiction: Unit):
    """The units the user may enter figures for: a reporter its own; the legal office the jurisdiction
    itself (its totals) first, then every unit of it."""
    user = request.user
    if user.role == Role.REPORTER and not user.is_superuser:
        return Unit.objects.filter(pk=user.unit_id) if user.unit_id else Unit.objects.none()
    if user.read_only:
        return Unit.objects.none()
    return (
        Unit.objects.offered()
        .filter(Q(pk=jurisdiction.pk) | Q(jurisdiction=jurisdiction))
        .exclude(kind=UnitKind.GROUP)
        .annotate(first=Case(When(pk=jurisdiction.pk, then=Value(0)), default=Value(1)))
        .order_by("first", "kind", "name")
    )


@role_required(*FIGURE_ROLES)
def figures_year(request: HttpRequest, jurisdiction_id: int, year: int) -> HttpResponse:
    """统计数据 of a jurisdiction-year: every indicator with the jurisdiction's figure and the units' values,
    the entry form, and the plans' quantitative targets checked against the figures."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    user = request.user
    units = _entry_units(request, jurisdiction)
    indicators = Indicator.objects.for_jurisdiction(jurisdiction).filter(computed="").order_by("position", "id")
    form = StatisticForm(indicators=indicators, units=units, initial={"unit": units.first()})
    status = 200
    if request.method == "POST":
        form = StatisticForm(request.POST, indicators=indicators, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                stat = services.statistic_save(
                    indicator=data["indicator"],
                    unit=data["unit"],
                    year=year,
                    raw=data["value"],
                    note=data["note"],
                    by=user,
                )
            except services.ReportError as exc:
                form.add_error("value", _form_refusal(request, exc, request.path))
            else:
                messages.success(request, f"已保存:{stat.unit} {stat.indicator.name} {stat.display}。")
                return redirect(reverse("figures-year", args=[jurisdiction.pk, year]) + f"#stat-{stat.pk}")
        status = 400
    rows, targets = selectors.figures_table(jurisdiction=jurisdiction, year=year, user=user)
    editable = set(
        Statistic.objects.editable_by(user).filter(jurisdiction=jurisdiction, year=year).values_list("pk", flat=True)
    )
    return render(
        request,
        "reports/figures_year.html",
        {
            "jurisdiction": jurisdiction,
            "jurisdictions": selectors.jurisdictions_for(user),
            "year": year,
            "years": sorted(
                {year - 1, year, year + 1} | set(selectors.latest_years(jurisdiction=jurisdiction)), reverse=True
            ),
            "rows": rows,
            "targets": targets,
            "form": form if units.exists() else None,
            "editable": editable,
            "can_define": user.is_legal_office_of(jurisdiction),
            "is_reporter": user.role == Role.REPORTER,
        },
        status=status,
    )


@require_POST
@role_required(Role.LEGAL_OFFICE, Role.REPORTER)
def figures_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stat = get_object_or_404(Statistic.objects.visible_to(request.user).select_related("indicator", "unit"), pk=pk)
    back = reverse("figures-year", args=[stat.jurisdiction_id, stat.year])
    try:
        services.statistic_delete(statistic=stat, by=request.user)
    except services.ReportError as exc:
        return _refuse(request, exc, back)
    messages.success(request, f"已删除:{stat.unit} {stat.indicator.name}(变更记录中保留)。")
    return redirect(back)


@role_required(Role.LEGAL_OFFICE)
def figures_indicators(request: HttpRequest) -> HttpResponse:
    """统计指标: the shared catalogue and the jurisdiction's own indicators; the legal office adds its own."""
    jurisdictions = selectors.jurisdictions_for(request.user)
    if not jurisdictions:
        raise PermissionDenied("您的账号未绑定辖区。")
    jurisdiction = jurisdictions[0]
    editing = None
    if request.GET.get("edit", "").isdigit():
        editing = Indicator.objects.editable_by(request.user).filter(pk=request.GET["edit"]).first()
    form = IndicatorForm(
        initial=(
            {
                "name": editing.name,
                "measure": editing.measure,
                "kind": editing.kind,
                "phrase": editing.phrase,
                "keywords": editing.keywords,
                "additive": editing.additive,
            }
            if editing
            else None
        )
    )
    status = 200
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        pk = request.POST.get("indicator", "")
        editing = Indicator.objects.editable_by(request.user).filter(pk=pk).first() if pk.isdigit() else None
        if form.is_valid():
            try:
                saved = services.indicator_save(
                    jurisdiction=editing.jurisdiction if editing else jurisdiction,
                    by=request.user,
                    indicator=editing,
                    **form.cleaned_data,
                )
            except services.ReportError as exc:
                # A shared indicator or a name taken: said beside the form.
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已保存指标“{saved.name}”。")
                return redirect("figures-indicators")
        status = 400
    return render(
        request,
        "reports/figures_indicators.html",
        {
            "indicators": Indicator.objects.for_jurisdiction(jurisdiction).order_by(
                "jurisdiction_id", "position", "id"
            ),
            "form": form,
            "editing": editing,
            "jurisdiction": jurisdiction,
        },
        status=status,
    )
