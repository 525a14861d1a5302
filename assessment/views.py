"""Pages of the assessment app: rubrics and their import, cycles, the unit's self-assessment, the legal
office's review queue and review, ranking and distribution, exports.

Views only ask the models' ``visible_to`` / ``editable_by`` / ``reviewable_by`` what the user may see,
hand the typed input to a service, and show its refusal with the status it carries: a refusal that leaves
the view is answered once, by ``refusals_go_back_to``; a form view keeps the refusals a person can fix in
the form (400/409) and lets the others (403/404) leave.
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessment import documents, excel, forms, scoring, selectors, services
from assessment.models import (
    ASSESSED_KINDS,
    RETURNABLE,
    AssessedKind,
    AssessmentCycle,
    Category,
    ItemEvidence,
    ItemScore,
    Rubric,
    Submission,
    SubmissionStatus,
    UnsubmittedRule,
    WindowExtension,
)
from lawgov.errors import refusals_go_back_to, refused
from lawgov.models import Role, Unit
from lawgov.permissions import role_required
from lawgov.security import safe_next
from tasks.selectors import evidence_readable

STAFF = (Role.LEGAL_OFFICE, Role.REPORTER, Role.LEADER)
OFFICE_AND_LEADERS = (Role.LEGAL_OFFICE, Role.LEADER)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _for_the_form(exc: services.AssessmentError) -> None:
    """A form shows what the person can fix there (bad input, a conflict); a 403 or 404 is not the form's to
    show: it leaves the view, and ``refusals_go_back_to`` answers it as the 403/404 page."""
    if exc.status in (403, 404):
        raise exc


# --- objects the user may open -----------------------------------------------------------------------


def _cycle_for(request: HttpRequest, pk: int) -> AssessmentCycle:
    return get_object_or_404(
        AssessmentCycle.objects.visible_to(request.user).select_related(
            "jurisdiction", "department_rubric", "township_rubric", "approved_by"
        ),
        pk=pk,
    )


def _submission_for(request: HttpRequest, pk: int) -> Submission:
    """Another unit's submission of the same jurisdiction is 403 (the unit exists, it is not yours);
    anything outside the user's jurisdictions is 404."""
    submission = (
        Submission.objects.visible_to(request.user)
        .select_related("cycle__jurisdiction", "unit", "rubric", "returned_by", "reviewed_by", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if submission is not None:
        return submission
    ids = [j.pk for j in request.user.jurisdictions()]
    if Submission.objects.filter(pk=pk, cycle__jurisdiction_id__in=ids).exists():
        raise PermissionDenied("单位只能查看本单位的自评。")
    raise Http404


# --- home and rubrics ---------------------------------------------------------------------------------


@role_required(*STAFF)
def home(request: HttpRequest) -> HttpResponse:
    """考核: the legal office's cycles and rubrics, a leader's cycles, a reporter's own submissions."""
    user = request.user
    context = selectors.home_for(user=user)
    if user.role == Role.LEGAL_OFFICE or user.is_superuser:
        context["rubrics"] = list(Rubric.objects.visible_to(user).order_by("-year", "unit_kind", "pk"))
        context["can_manage"] = True
    context["today"] = timezone.localdate()
    return render(request, "assessment/home.html", context)


@role_required(*STAFF)
def rubric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_object_or_404(Rubric.objects.visible_to(request.user).select_related("statement"), pk=pk)
    rules = services.RubricRules.load(rubric.pk)
    blocks: list[dict] = []
    by_category: dict[int, dict] = {}
    for category in Category.objects.filter(rubric=rubric).order_by("position"):
        by_category[category.pk] = {"category": category, "items": []}
        blocks.append(by_category[category.pk])
    for item in rules.items:
        item_rules = rules.by_item.get(item.pk, [])
        by_category[item.category_id]["items"].append(
            {
                "item": item,
                "rules": item_rules,
                "overflow": scoring.printed_overflow(item.max_points, [r.spec() for r in item_rules]),
            }
        )
    clauses = list(rubric.statement.clauses.all()) if rubric.statement else []
    return render(
        request,
        "assessment/rubric_detail.html",
        {
            "rubric": rubric,
            "blocks": blocks,
            "adjustments": rules.adjustments,
            "clauses": clauses,
            "kind_labels": dict(scoring.KIND_LABELS),
        },
    )


@role_required(*STAFF)
def rubric_export(request: HttpRequest, pk: int) -> HttpResponse:
    rubric = get_object_or_404(Rubric.objects.visible_to(request.user), pk=pk)
    return _download(excel.rubric_export(rubric), f"{rubric.title[:60]}.xlsx", excel.CONTENT_TYPE)


@role_required(Role.LEGAL_OFFICE)
@refusals_go_back_to("assessment:rubric-import")
def rubric_import(request: HttpRequest) -> HttpResponse:
    """Upload a rubric: an .xlsx in the offices' layout, or a plan document whose annexes hold rubrics and
    responsibility statements (昭化's 工作安排). Nothing is saved unless every sum adds up."""
    jurisdiction = request.user.home_jurisdiction()
    if jurisdiction is None:
        raise PermissionDenied("您的账号未绑定辖区,不能导入评分细则。")
    form = forms.RubricImportForm(request.POST or None, request.FILES or None)
    status, details, offer_plan = 200, [], False
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            name = upload.name or "rubric"
            try:
                if PurePath(name).suffix.lower() == ".xlsx":
                    rubric = services.rubric_import_xlsx(
                        data=data,
                        jurisdiction=jurisdiction,
                        by=request.user,
                        year=form.cleaned_data.get("year"),
                        unit_kind=form.cleaned_data.get("unit_kind") or None,
                        title=form.cleaned_data.get("title") or None,
                        filename=name,
                    )
                    messages.success(request, f"已导入评分细则“{rubric.title}”。")
                    return redirect("assessment:rubric", pk=rubric.pk)
                outcome = services.rubric_import_document(
                    data=data, filename=name, jurisdiction=jurisdiction, by=request.user
                )
            except services.AssessmentError as exc:
                _for_the_form(exc)
                form.add_error(None, exc.message)
                status, details = exc.status, exc.details
                # A plan sent here is offered to the plan import (one click, not a hunt), as the plan import
                # offers a rubric to this page.
                offer_plan = getattr(exc, "document_kind", None) == "plan"
            else:
                done = [f"评分细则“{r.title}”" for r in outcome.rubrics] + [
                    f"目标责任书“{s.title}”" for s in outcome.statements
                ]
                if done:
                    messages.success(request, "已导入:" + "、".join(done) + "。")
                if outcome.unchanged:
                    messages.info(request, "已导入过、内容未变:" + "、".join(outcome.unchanged) + "。")
                for warning in outcome.warnings:
                    messages.warning(request, warning)
                return redirect("assessment:home")
        else:
            status = 400
    return render(
        request,
        "assessment/rubric_import.html",
        {"form": form, "details": details, "offer_plan": offer_plan},
        status=status,
    )


# --- cycles -------------------------------------------------------------------------------------------


@role_required(Role.LEGAL_OFFICE)
@refusals_go_back_to("assessment:cycle-create")
def cycle_create(request: HttpRequest) -> HttpResponse:
    jurisdiction = request.user.home_jurisdiction()
    if jurisdiction is None:
        raise PermissionDenied("您的账号未绑定辖区,不能开启考核。")
    rubrics = Rubric.objects.visible_to(request.user).filter(jurisdiction=jurisdiction)
    units = Unit.objects.offered().filter(jurisdiction=jurisdiction, kind__in=ASSESSED_KINDS).order_by("kind", "name")
    latest = rubrics.order_by("-year").first()
    year = latest.year if latest else timezone.localdate().year
    initial = {
        "year": year,
        "title": f"{jurisdiction.name}{year}年度法治政府建设考核",
        "self_start": f"{year}-12-01",
        "self_end": f"{year}-12-10",
        "weight": 10,
        "unsubmitted_rule": UnsubmittedRule.ZERO,
        "units": [u.pk for u in services.default_participants(jurisdiction, exclude=request.user.unit)],
    }
    form = forms.CycleCreateForm(request.POST or None, initial=initial, rubrics=rubrics, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = services.cycle_create(
                    jurisdiction=jurisdiction,
                    year=data["year"],
                    title=data["title"],
                    department_rubric=data["department_rubric"],
                    township_rubric=data["township_rubric"],
                    self_start=data["self_start"],
                    self_end=data["self_end"],
                    review_end=data["review_end"],
                    approve_by=data["approve_by"],
                    weight=data["weight"],
                    units=data["units"],
                    by=request.user,
                    unsubmitted_rule=data.get("unsubmitted_rule") or UnsubmittedRule.ZERO,
                    unsubmitted_points=data.get("unsubmitted_points"),
                    converted_capped=data["converted_capped"],
                )
            except services.AssessmentError as exc:
                _for_the_form(exc)
                form.add_error(exc.code if exc.code in form.fields else None, exc.message)
                status = exc.status
            else:
                messages.success(request, f"已开启“{cycle.title}”,{cycle.submissions.count()}个单位参加。")
                return redirect("assessment:cycle", pk=cycle.pk)
        else:
            status = 400
    return render(request, "assessment/cycle_form.html", {"form": form, "creating": True}, status=status)


@role_required(*STAFF)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    user = request.user
    if user.role == Role.REPORTER:
        own = Submission.objects.visible_to(user).filter(cycle=cycle).first()
        if own is None:
            raise Http404
        return redirect("assessment:submission", pk=own.pk)
    queue = selectors.review_queue(cycle=cycle, today=timezone.localdate())
    editable = AssessmentCycle.objects.editable_by(user).filter(pk=cycle.pk).exists()
    extension_form = forms.ExtensionForm(
        units=Unit.objects.filter(pk__in=cycle.submissions.values("unit_id")).order_by("kind", "name"),
        initial={"until": timezone.localdate()},
    )
    return render(
        request,
        "assessment/cycle_detail.html",
        {
            "cycle": cycle,
            "queue": queue,
            "editable": editable,
            "extension_form": extension_form,
            "extensions": WindowExtension.objects.filter(cycle=cycle).select_related("unit", "granted_by"),
            "history": selectors.cycle_history(cycle=cycle) if user.role == Role.LEGAL_OFFICE else [],
            "today": timezone.localdate(),
            "window_state": cycle.window_state(today=timezone.localdate()),
            "approve_form": forms.ApproveForm(),
        },
    )


@role_required(Role.LEGAL_OFFICE)
@refusals_go_back_to("assessment:cycle-edit")
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The legal office sets the cycle's dates (e.g. opens the window again) and weight."""
    cycle = _cycle_for(request, pk)
    if not AssessmentCycle.objects.editable_by(request.user).filter(pk=cycle.pk).exists():
        raise PermissionDenied("考核结果已审定发布,或您不是本辖区法制办,不能修改考核周期。")
    form = forms.CycleEditForm(
        request.POST or None,
        initial={
            "title": cycle.title,
            "self_start": cycle.self_start,
            "self_end": cycle.self_end,
            "review_end": cycle.review_end,
            "approve_by": cycle.approve_by,
            "weight": cycle.weight,
            "unsubmitted_rule": cycle.unsubmitted_rule,
            "unsubmitted_points": cycle.unsubmitted_points,
            "converted_capped": cycle.converted_capped,
            "version": cycle.version,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.cycle_update(
                    cycle=cycle,
                    by=request.user,
                    expected_version=data.get("version"),
                    title=data["title"],
                    self_start=data["self_start"],
                    self_end=data["self_end"],
                    review_end=data["review_end"],
                    approve_by=data["approve_by"],
                    weight=data["weight"],
                    unsubmitted_rule=data.get("unsubmitted_rule") or None,
                    unsubmitted_points=data.get("unsubmitted_points"),
                    converted_capped=data["converted_capped"],
                    fact_sources=forms.fact_sources_input(request.POST),
                )
            except services.AssessmentError as exc:
                _for_the_form(exc)
                field = exc.code if exc.code in form.fields else None
                form.add_error(field, exc.message)  # beside the field it is about
                status = exc.status
            else:
                messages.success(request, "考核周期已修改。")
                return redirect("assessment:cycle", pk=cycle.pk)
        else:
            status = 400
    rows = selectors.fact_source_rows(cycle=cycle)
    if request.method == "POST" and forms.fact_sources_input(request.POST) is not None:
        posted = forms.fact_sources_input(request.POST)
        for row in rows:  # a refused form keeps the mapping as chosen
            row.source = posted.get(row.rule.key, "")
    rows.sort(key=lambda r: not r.source)  # what is mapped first
    return render(
        request,
        "assessment/cycle_form.html",
        {"form": form, "cycle": cycle, "creating": False, "source_rows": rows},
        status=status,
    )


@role_required(Role.LEGAL_OFFICE)
@require_POST
@refusals_go_back_to("assessment:cycle")
def cycle_extend(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    form = forms.ExtensionForm(request.POST, units=Unit.objects.filter(pk__in=cycle.submissions.values("unit_id")))
    if not form.is_valid():
        message = ";".join(e for errors in form.errors.values() for e in errors)
        raise services.AssessmentError("form", message, 400)
    data = form.cleaned_data
    services.window_extend(cycle=cycle, unit=data["unit"], until=data["until"], reason=data["reason"], by=request.user)
    messages.success(request, f"已将{data['unit']}的自评时间延长至{data['until']:%Y-%m-%d}。")
    return redirect("assessment:cycle", pk=cycle.pk)


@role_required(Role.LEGAL_OFFICE)
@require_POST
@refusals_go_back_to("assessment:ranking")
def cycle_approve(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    form = forms.ApproveForm(request.POST)
    form.is_valid()
    # Refused while units are unreviewed: the refusal names each once, as a link to its review (details).
    try:
        services.cycle_approve(
            cycle=cycle, by=request.user, note=form.cleaned_data.get("note", ""), today=timezone.localdate()
        )
    except services.AssessmentError as exc:
        if exc.code != "note":
            raise
        form.add_error("note", exc.message)  # beside the field, on the ranking page it was typed on
        return _ranking_page(request, cycle, approve_form=form, status=400)
    messages.success(request, "考核结果已审定发布,各单位可查看本单位得分与名次。")
    return redirect("assessment:ranking", pk=cycle.pk)


@role_required(Role.LEGAL_OFFICE)
@refusals_go_back_to("assessment:queue")
def unsubmitted_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """按未提交处理: a confirmation page naming every unit it will treat, then one transaction for all."""
    cycle = _cycle_for(request, pk)
    if not AssessmentCycle.objects.editable_by(request.user).filter(pk=cycle.pk).exists():
        raise PermissionDenied("考核结果已审定发布,或您不是本辖区法制办。")
    today = timezone.localdate()
    if request.method == "POST":
        expected = [int(v) for v in request.POST.getlist("submission") if str(v).isdigit()]
        marked = services.unsubmitted_batch_review(cycle=cycle, by=request.user, expected=expected, today=today)
        messages.success(
            request,
            f"已按未提交处理{len(marked)}个单位:{'、'.join(s.unit.name for s in marked)}。"
            f"计分规则:{cycle.unsubmitted_text()}。",
        )
        return redirect("assessment:queue", pk=cycle.pk)
    targets = selectors.unsubmitted_unreviewed(cycle=cycle, today=today)
    return render(request, "assessment/unsubmitted_confirm.html", {"cycle": cycle, "targets": targets})


@role_required(Role.LEGAL_OFFICE)
def review_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """The legal office's queue: a fixed number of queries however many units take part."""
    cycle = _cycle_for(request, pk)
    status = request.GET.get("status") or None
    today = timezone.localdate()
    queue = selectors.review_queue(cycle=cycle, status=status, today=today)
    batch = [s for s in queue.rows if s.shown_state == SubmissionStatus.NOT_SUBMITTED and s.reviewed_at is None]
    if status:
        batch = selectors.unsubmitted_unreviewed(cycle=cycle, today=today)
    return render(
        request,
        "assessment/review_queue.html",
        {
            "cycle": cycle,
            "queue": queue,
            "batch_count": len(batch),
            "statuses": SubmissionStatus.choices,
            "kind_labels": dict(AssessedKind.choices),
            "return_form": forms.ReturnForm(),
            "returnable": RETURNABLE,
        },
    )


@role_required(*OFFICE_AND_LEADERS)
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    return _ranking_page(request, cycle)


def _ranking_page(
    request: HttpRequest, cycle: AssessmentCycle, *, approve_form: forms.ApproveForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    can_approve = AssessmentCycle.objects.editable_by(request.user).filter(pk=cycle.pk).exists()
    rankings = selectors.ranking(cycle=cycle, today=today)
    everyone = sorted((row.submission for r in rankings for row in r.rows), key=lambda s: (s.unit.kind, s.unit.name))
    # What still stops approval, from the rows already read: the button says so and links each unit.
    pending = [selectors.Pending(s, s.state_label) for s in everyone if s.reviewed_at is None] if can_approve else []
    batch = [p for p in pending if p.submission.shown_state == SubmissionStatus.NOT_SUBMITTED]
    return render(
        request,
        "assessment/ranking.html",
        {
            "cycle": cycle,
            "rankings": rankings,
            "can_approve": can_approve,
            "approve_form": approve_form or forms.ApproveForm(),
            "pending": pending,
            "batch_count": len(batch),
        },
        status=status,
    )


@role_required(*OFFICE_AND_LEADERS)
def cycle_summary(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for(request, pk)
    rankings = selectors.ranking(cycle=cycle, today=timezone.localdate())
    board = selectors.cycle_scoreboard(cycle=cycle, with_items=True)
    categories: dict[int, list[tuple[int, str]]] = {}
    item_category: dict[int, int] = {}
    for rubric in (cycle.department_rubric, cycle.township_rubric):
        cats = list(Category.objects.filter(rubric=rubric).order_by("position"))
        categories[rubric.pk] = [(c.pk, excel.category_cell(c.label, c.name, c.max_points)) for c in cats]
        for item_id, category_id in rubric.items.values_list("pk", "category_id"):
            item_category[item_id] = category_id
    category_scores: dict[int, dict[int, object]] = {}
    for submission_id, entry in board.items():
        sums: dict[int, object] = {}
        for item_id, points in entry.item_scores.items():
            cid = item_category[item_id]
            sums[cid] = sums.get(cid, 0) + points
        category_scores[submission_id] = sums
    content = excel.cycle_summary_xlsx(
        cycle=cycle, rankings=rankings, categories=categories, category_scores=category_scores
    )
    return _download(content, f"{cycle.title[:60]}-汇总表.xlsx", excel.CONTENT_TYPE)


# --- the unit's self-assessment ------------------------------------------------------------------------


def _posted_version(request: HttpRequest) -> int:
    """The version of the sheet the page showed: required, so a save can never overwrite one it did not see
    (a form without it — an old page, a hand-made request — is refused, 400)."""
    raw = request.POST.get("version", "")
    if not raw.isdigit():
        raise services.AssessmentError("version", "页面信息不完整(缺少版本号),您的修改未保存。请刷新页面后重试。", 400)
    return int(raw)


@role_required(*STAFF)
@refusals_go_back_to("assessment:submission")
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit fills its sheet here while it may; everyone else (and the unit afterwards) reads it."""
    submission = _submission_for(request, pk)
    user = request.user
    today = timezone.localdate()
    editable = Submission.objects.editable_by(user).filter(pk=submission.pk).exists()
    status = 200
    posted = None
    if request.method == "POST":
        if user.role == Role.LEGAL_OFFICE:
            raise PermissionDenied("法制办不能修改单位的自评得分,只能在审核页填写核定得分。")
        if not editable:
            if user.role != Role.REPORTER or user.read_only:
                raise PermissionDenied("只读角色不能填写自评。")
            services.self_assessment_check(submission, user)  # refuses, saying why: submitted, approved…
        rules = services.RubricRules.load(submission.rubric_id)
        posted = forms.item_inputs(request.POST, request.FILES, rules)
        summary_file = request.FILES.get("summary_file")
        try:
            with transaction.atomic():
                services.self_assessment_save(
                    submission=submission,
                    by=user,
                    items=posted,
                    summary_text=request.POST.get("summary_text", ""),
                    summary_file=summary_file,
                    expected_version=_posted_version(request),
                    today=today,
                )
                if request.POST.get("action") == "submit":
                    submission.refresh_from_db()
                    services.self_assessment_submit(submission=submission, by=user, today=today)
        except services.AssessmentError as exc:
            _for_the_form(exc)
            messages.error(request, exc.message)
            status = exc.status
            submission.refresh_from_db()
        else:
            if request.POST.get("action") == "submit":
                messages.success(request, "自评已提交,等待法制办审核;提交后不能再修改。")
            else:
                messages.success(request, "已保存草稿。")
            return redirect("assessment:submission", pk=submission.pk)
    window_end = services.unit_window_end(submission)
    window_state = submission.cycle.window_state(today=today, until=window_end)
    state = submission.state(today=today, until=window_end)
    # The form is shown only when a save could succeed: inside the window, or reopened by a return.
    can_write = editable and (submission.status == SubmissionStatus.RETURNED or window_state == "open")
    mode = "self" if can_write else "view"
    present = None
    if posted is not None:
        present = bool(request.POST.get("summary_text", "").strip() or submission.summary_file)
    sheet = selectors.submission_sheet(
        submission=submission, mode=mode, today=today, posted=posted, summary_present=present
    )
    published = submission.cycle.approved
    context = {
        "submission": submission,
        "cycle": submission.cycle,
        "sheet": sheet,
        "editable": editable,
        "can_write": can_write,
        "window_end": window_end,
        "window_state": window_state,
        "state": state,
        "state_label": SubmissionStatus(state).label,
        "today": today,
        "result": selectors.unit_result(submission=submission),
        "published": published,
        "show_review": selectors.review_shown(user, submission),
        "can_review": Submission.objects.reviewable_by(user).filter(pk=submission.pk).exists(),
        # A unit reads the legal office's scores in its history only once they are published, as on the sheet.
        "history": selectors.submission_history(
            submission=submission, show_review=selectors.review_shown(user, submission)
        )
        if user.role in (Role.LEGAL_OFFICE, Role.REPORTER) or user.is_superuser
        else [],
        "sheet_exportable": not (
            user.role == Role.REPORTER and not published and state == SubmissionStatus.NOT_SUBMITTED
        ),
        "return_form": forms.ReturnForm(),
        "summary_text": request.POST.get("summary_text", submission.summary_text)
        if posted
        else submission.summary_text,
    }
    return render(request, "assessment/submission.html", context, status=status)


def _preview(request: HttpRequest, submission: Submission, mode: str) -> HttpResponse:
    rules = services.RubricRules.load(submission.rubric_id)
    if mode == "review":
        posted = forms.review_inputs(request.POST, rules, unsubmitted=submission.never_submitted)
        facts, _ = forms.adjust_inputs(request.POST, rules)
        sheet = selectors.submission_sheet(
            submission=submission, mode=mode, today=timezone.localdate(), posted=posted, posted_adjust=facts
        )
    else:
        posted = forms.item_inputs(request.POST, None, rules)
        present = bool(request.POST.get("summary_text", "").strip() or submission.summary_file)
        sheet = selectors.submission_sheet(
            submission=submission, mode=mode, today=timezone.localdate(), posted=posted, summary_present=present
        )
    return render(request, "assessment/_scores_oob.html", {"sheet": sheet})


@role_required(Role.REPORTER)
@require_POST
def submission_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Live score while the unit types: the same scoring function, nothing saved."""
    submission = _submission_for(request, pk)
    return _preview(request, submission, "self")


@role_required(Role.LEGAL_OFFICE)
@require_POST
def review_preview(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    return _preview(request, submission, "review")


@role_required(Role.REPORTER)
@require_POST
@refusals_go_back_to("assessment:submission")
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    services.self_assessment_submit(submission=submission, by=request.user, today=timezone.localdate())
    messages.success(request, "自评已提交,等待法制办审核;提交后不能再修改。")
    return redirect("assessment:submission", pk=submission.pk)


# --- review ---------------------------------------------------------------------------------------------


@role_required(Role.LEGAL_OFFICE)
@refusals_go_back_to("assessment:review")
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The legal office's scores beside the unit's, item by item, and the special bonus and deductions."""
    submission = _submission_for(request, pk)
    if not Submission.objects.reviewable_by(request.user).filter(pk=submission.pk).exists():
        if submission.cycle.approved and request.method == "GET":
            return redirect("assessment:submission", pk=submission.pk)  # published: read it, not review it
        raise PermissionDenied("考核结果已审定发布,或您不是本辖区法制办,不能审核。")
    today = timezone.localdate()
    status = 200
    posted = posted_adjust = grounds = None
    adopt = request.POST.get("adopt", "") if request.method == "POST" else ""
    if adopt:
        # 采用平台数据: the platform's facts go into the form, not the database; the office checks them,
        # writes its basis and saves. What it typed elsewhere on the form stays as typed.
        rules = services.RubricRules.load(submission.rubric_id)
        posted = forms.review_inputs(request.POST, rules, unsubmitted=submission.never_submitted)
        posted_adjust, grounds = forms.adjust_inputs(request.POST, rules)
        wanted = None if adopt == "all" else [int(adopt)] if adopt.isdigit() else []
        taken = selectors.platform_inputs(submission=submission, today=today, item_ids=wanted)
        for item_id, facts in taken.items():
            entry = posted[item_id]
            posted[item_id] = services.ReviewInput(
                facts={**entry.facts, **facts}, reasons=entry.reasons, comment=entry.comment, scored=True
            )
        if taken:
            messages.info(request, f"已填入{len(taken)}个评分项的平台数据(尚未保存):请核对,写明核定依据后保存。")
        else:
            messages.warning(request, "该评分项没有可采用的平台数据。")
    elif request.method == "POST":
        rules = services.RubricRules.load(submission.rubric_id)
        posted = forms.review_inputs(request.POST, rules, unsubmitted=submission.never_submitted)
        posted_adjust, grounds = forms.adjust_inputs(request.POST, rules)
        finish = request.POST.get("action") == "finish"
        try:
            services.review_save(
                submission=submission,
                by=request.user,
                items=posted,
                adjust_facts=posted_adjust,
                adjust_grounds=grounds,
                expected_version=_posted_version(request),
                finish=finish,
                today=today,
            )
        except services.AssessmentError as exc:
            _for_the_form(exc)
            messages.error(request, exc.message)
            status = exc.status
            submission.refresh_from_db()
        else:
            done = (
                "现场核定完成(该单位未提交自评),计入排名。"
                if submission.never_submitted
                else "审核完成,该单位计入排名。"
            )
            messages.success(request, done if finish else "核定得分已保存。")
            if finish:
                return redirect(reverse("assessment:queue", args=[submission.cycle_id]))
            return redirect("assessment:review", pk=submission.pk)
    allowed = services.review_allowed_statuses(submission, today=today)
    sheet = selectors.submission_sheet(
        submission=submission,
        mode="review",
        today=today,
        posted=posted,
        posted_adjust=posted_adjust,
        posted_grounds=grounds,
    )
    window_end = services.unit_window_end(submission)
    state = submission.state(today=today, until=window_end)
    return render(
        request,
        "assessment/review.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "sheet": sheet,
            "state": state,
            "state_label": SubmissionStatus(state).label,
            "window_end": window_end,
            "show_self": not sheet.unsubmitted,
            "can_save": submission.status in allowed,
            "returnable": RETURNABLE,
            "return_form": forms.ReturnForm(),
            "history": selectors.submission_history(submission=submission),
        },
        status=status,
    )


def _back_from_return(request: HttpRequest, cycle_id: int) -> str:
    """Where the legal office goes after a return, done or refused: the page it came from, else the queue."""
    return safe_next(request, request.POST.get("next"), reverse("assessment:queue", args=[cycle_id]))


@role_required(Role.LEGAL_OFFICE)
@require_POST
@refusals_go_back_to(
    lambda request, pk: _back_from_return(request, Submission.objects.values_list("cycle_id", flat=True).get(pk=pk))
)
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    form = forms.ReturnForm(request.POST)
    services.submission_return(submission=submission, by=request.user, reason=form.data.get("reason", ""))
    messages.success(request, f"已退回{submission.unit},该单位可修改后重新提交。")
    return redirect(_back_from_return(request, submission.cycle_id))


# --- exports and files ----------------------------------------------------------------------------------


@role_required(*STAFF)
def submission_sheet_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    user = request.user
    # A unit sees the reviewed scores only once published; before that its sheet shows its own claim, and a
    # unit that never submitted has no claim: a blank form would print full marks it never declared.
    mode = "view" if (user.role != Role.REPORTER or submission.cycle.approved) else "self"
    if mode == "self" and submission.never_submitted and timezone.localdate() > services.unit_window_end(submission):
        message = "本单位未提交自评,考核结果发布前没有得分表可导出;结果发布后可在此下载。"
        back = reverse("assessment:submission", args=[submission.pk])
        return refused(request, services.AssessmentError("not_submitted", message, 409), back)
    sheet = selectors.submission_sheet(submission=submission, mode=mode, today=timezone.localdate())
    result = selectors.unit_result(submission=submission)
    rank_text = f"在{selectors.unit_label(submission.unit)}中排名第{result.rank}/{result.of}" if result else ""
    content = excel.score_sheet_xlsx(sheet=sheet, rank_text=rank_text)
    return _download(content, f"{submission.unit.name}-{submission.cycle.year}年度考核得分表.xlsx", excel.CONTENT_TYPE)


@role_required(*STAFF)
def submission_statement(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    statement = submission.rubric.statement
    if statement is None:
        raise Http404("该评分细则没有对应的目标责任书。")
    content = documents.statement_docx(statement=statement, unit=submission.unit, cycle=submission.cycle)
    return _download(content, f"{submission.unit.name}-{statement.title[:40]}.docx", documents.CONTENT_TYPE)


def _file_response(field, name: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=name)


@role_required(*STAFF)
def summary_file(request: HttpRequest, pk: int) -> FileResponse:
    submission = _submission_for(request, pk)
    if not submission.summary_file:
        raise Http404
    return _file_response(submission.summary_file, submission.summary_name or "工作总结")


@role_required(*STAFF)
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(ItemEvidence.objects.active().select_related("item_score"), pk=pk)
    _submission_for(request, evidence.item_score.submission_id)
    return _file_response(evidence.file, evidence.original_name)


@role_required(*STAFF)
def cited_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Progress evidence cited by a submission: only a file this submission cites, of a report the reader
    may see (``tasks.selectors.evidence_readable``, the rule of the progress pages' download), to whoever
    may read the submission. Anything else is a 404, so ids cannot be walked."""
    submission = _submission_for(request, pk)
    cited = ItemScore.progress_evidence.through.objects.filter(itemscore__submission=submission)
    evidence = get_object_or_404(
        evidence_readable(request.user).filter(pk__in=cited.values("evidence_id")),
        pk=evidence_pk,
        report__unit_id=submission.unit_id,
    )
    return _file_response(evidence.file, evidence.original_name)
