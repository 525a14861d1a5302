"""Drafting the annual report in the background: the request (returns at once with a queued job) and the
job's work (gather → write → render → save a version).

The job's life — the conditional claim, the heartbeat, the takeover of a stalled job, a broker that is
down — is the kernel's (lawgov.background) for every kind of job; what is the report's is here: which
report, which theme list, the version the job produced, and what a failure means for the draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from lawgov import background
from lawgov.models import ACTIVE_JOB_STATUSES, SystemActor, Unit, UnitKind, User
from reports import docx_render, generator
from reports.models import (
    ANNUAL_REPORT_JOB,
    AnnualReport,
    Computed,
    JobStage,
    ReportJob,
    ReportStatus,
    ReportVersion,
    ThemeList,
    VersionOrigin,
    WordingKey,
)
from reports.services.access import ReportError, _check_year, _require_draft, _require_office
from reports.services.editing import _overridden, _version_create
from reports.services.figures import statistics_store_computed

BROKER_DOWN_MESSAGE = ANNUAL_REPORT_JOB.message("broker_down")


def report_title(jurisdiction: Unit, year: int) -> str:
    wording = generator.wording_for(jurisdiction.pk)
    base = {
        "year": year,
        "self_ref": generator.self_reference(jurisdiction),
        "government": generator.government_name(jurisdiction),
    }
    try:
        return generator.render_wording(wording[WordingKey.TITLE], base)[:200]
    except Exception:
        return generator.render_wording(generator.default_wording(WordingKey.TITLE), base)[:200]


@dataclass
class Requested:
    job: ReportJob
    taken_over: bool = False


def _job_running(active: ReportJob | None) -> ReportError:
    return ReportError("job_running", "该报告的草稿正在生成,请等待完成。", 409, job=active)


@transaction.atomic
def report_generation_request(
    *,
    jurisdiction: Unit,
    year: int,
    by: User | SystemActor,
    theme_list: ThemeList | None = None,
    today: dt.date | None = None,
) -> Requested:
    """Start a draft for the jurisdiction-year: returns at once with the queued job; the worker does the rest.

    Idempotent: while a job of the report is queued or running, another request is refused (409, with that
    job) — unless that job's heartbeat stopped, in which case this request takes it over.
    """
    today = today or timezone.localdate()
    if jurisdiction.kind not in (UnitKind.CITY, UnitKind.DISTRICT):
        raise ReportError("bad_jurisdiction", "请选择一个区或市。", 400)
    _require_office(by, jurisdiction, "生成年度报告")
    _check_year(year, today)
    if theme_list is not None and theme_list.jurisdiction_id not in (None, jurisdiction.pk):
        raise ReportError("bad_theme_list", "该报告结构不属于本辖区。", 400)
    report = AnnualReport.objects.select_for_update().filter(jurisdiction=jurisdiction, year=year).first()
    if report is None:
        try:
            with transaction.atomic():
                report = AnnualReport.objects.create(
                    jurisdiction=jurisdiction, year=year, title=report_title(jurisdiction, year), created_by=by
                )
        except IntegrityError:
            report = AnnualReport.objects.select_for_update().get(jurisdiction=jurisdiction, year=year)
    _require_draft(report)
    if report.theme_list_id != (theme_list.pk if theme_list else None):
        report.theme_list = theme_list
        report._history_user = by
        report.save(update_fields=["theme_list"])
    active = report.jobs.filter(status__in=ACTIVE_JOB_STATUSES).first()
    if active is not None:
        if background.job_is_stale(active) and background.job_requeue(active):
            return Requested(job=ReportJob.objects.get(pk=active.pk), taken_over=True)
        raise _job_running(active)
    try:
        with transaction.atomic():
            job = background.job_create(
                ReportJob,
                kind=ANNUAL_REPORT_JOB,
                subject=ReportJob.subject_of(report.pk),
                by=by,
                report=report,
                theme_list=theme_list,
            )
    except IntegrityError as exc:  # a second click that got here at the same moment
        raise _job_running(report.jobs.filter(status__in=ACTIVE_JOB_STATUSES).first()) from exc
    transaction.on_commit(lambda: enqueue(job.pk))
    return Requested(job=job)


def enqueue(job_id: int) -> None:
    """Hand the report job to Celery (``reports.jobs.annual_report_generate``, on LAWGOV_REPORT_QUEUE if set);
    a broker that is down fails the job with ``BROKER_DOWN_MESSAGE`` at once."""
    background.job_enqueue(job_id, kind=ANNUAL_REPORT_JOB)


def report_job_check(*, job: ReportJob) -> ReportJob:
    """What the page does when it polls a job (``lawgov.background.job_check``): a stalled job is queued
    again, then failed; one nobody picked up is failed with the reason."""
    return background.job_check(job)


def report_job_run(*, job_id: int, celery_id: str = "", today: dt.date | None = None) -> ReportVersion | None:
    """The generation itself, for the job (reports.jobs): gather → write → render, then one transaction
    that saves the new version. Any failure leaves the report's versions as they were and tells why."""
    job = background.job_claim(
        job_id=job_id,
        celery_id=celery_id,
        kind=ANNUAL_REPORT_JOB,
        queryset=ReportJob.objects.select_related("report__jurisdiction__parent", "theme_list", "requested_by"),
    )
    if job is None:
        return None
    report = job.report
    today = today or timezone.localdate()
    failures = background.job_failures(
        job,
        expected={ReportError: lambda exc: exc.message, generator.WordingError: _wording_failure},
        unexpected=lambda exc: f"生成失败({type(exc).__name__}:{exc})。已有的草稿不受影响,可以重新生成。",
    )
    with failures:
        if report.status == ReportStatus.PUBLISHED:
            raise ReportError("published", "报告已发布并锁定,本次没有生成新的草稿。", 409)
        data = generator.gather(
            jurisdiction=report.jurisdiction, year=report.year, theme_list=job.theme_list, today=today
        )
        ids = statistics_store_computed(jurisdiction=report.jurisdiction, year=report.year, values=data.computed)
        for figure in data.figures:
            if figure.computed in ids:
                figure.statistic_ids = [ids[figure.computed]]
        background.job_stage(job, JobStage.WRITING)
        body = generator.write(data, generator.wording_for(report.jurisdiction_id))
        background.job_stage(job, JobStage.RENDERING)
        docx = docx_render.render_docx(body, author=data.government)
        return _job_finish(job=job, body=body, docx=docx, facts=_facts(data))
    return None


def _wording_failure(exc: generator.WordingError) -> str:
    label = WordingKey(exc.key).label if exc.key in WordingKey.values else exc.key
    return f"措辞模板“{label}”有误:{exc.detail}。请在“报告措辞”页修改后重新生成;已有的草稿不受影响。"


def _facts(data: generator.YearData) -> dict:
    return {
        "tasks": len(data.tasks),
        "active_tasks": sum(1 for t in data.tasks if t.active),
        "reports": int(data.computed.get(Computed.REPORTS_ACCEPTED, 0)),
        "figures": sum(1 for f in data.figures if f.has_value and not f.computed),
        "targets": len(data.targets),
        "assessment": data.assessment.title if data.assessment else "",
        "theme_mode": data.theme_mode,
        "plans": [p["title"] for p in data.plans],
        "next_plan": data.next_plan["title"] if data.next_plan else "",
        "as_of": data.as_of.isoformat(),
    }


@transaction.atomic
def _job_finish(*, job: ReportJob, body: dict, docx: bytes, facts: dict) -> ReportVersion:
    report = AnnualReport.objects.select_for_update().get(pk=job.report_id)
    background.job_holds(job)
    _require_draft(report)
    previous = report.versions.order_by("-number").first()
    version = _version_create(
        report=report,
        previous=previous,
        origin=VersionOrigin.GENERATED,
        body=body,
        by=job.requested_by,
        job=job,
        facts=facts,
        edited_keys=[],
        overrode=_overridden(previous, body),
        note="系统根据本年度数据生成",
    )
    version.docx.save("report.docx", ContentFile(docx), save=True)
    if report.title != body.get("title") and body.get("title"):
        report.title = body["title"][:200]
        report.save(update_fields=["title"])
    background.job_succeed(job)
    ReportJob.objects.filter(pk=job.pk).update(version=version)
    return version
