"""Writes of the reports app: figures, wording, theme lists, generation jobs, versions, publication.

Every write that people race on (two clicks on 生成, two editors on one section, a publish during a job) is
decided by a constraint or a conditional UPDATE in the database, never by reading first and writing later.
Refusals are ``ReportError`` with a Chinese message and the HTTP status that fits.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import F, Max, Q
from django.template import TemplateSyntaxError
from django.utils import timezone

from lawgov.errors import DomainError
from lawgov.models import Role, Unit, UnitKind, User
from reports import docx_render, generator
from reports.models import (
    ACTIVE_JOB_STATUSES,
    AnnualReport,
    Computed,
    Indicator,
    IndicatorKind,
    JobStage,
    JobStatus,
    ReportJob,
    ReportStatus,
    ReportVersion,
    Statistic,
    StatisticSource,
    ThemeList,
    VersionOrigin,
    WordingKey,
    WordingTemplate,
    split_keywords,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BROKER_DOWN_MESSAGE = (
    "无法连接后台任务队列(Redis),草稿没有开始生成。请联系系统管理员检查 Redis 和后台任务进程后重试;已有的草稿不受影响。"
)
GUANGZHOU_LIST_NAME = "广州市2018年报告的八个方面"


def job_timeout() -> int:
    """Seconds without a heartbeat after which a running job is taken over (and a queued one given up)."""
    return settings.LAWGOV_REPORT_JOB_TIMEOUT


class ReportError(DomainError):
    """A refused write of the annual report. A 409 for a job already running carries it as ``job``."""

    def __init__(self, code: str, message: str, status: int = 400, job: ReportJob | None = None):
        super().__init__(code, message, status, job=job)


class JobLost(Exception):
    """The job row was taken over by another worker (ours stalled): stop without writing anything."""


# --- who may -----------------------------------------------------------------------------------------------


def is_legal_office_of(user: User | None, jurisdiction: Unit) -> bool:
    """A request's user (possibly anonymous) as the legal office of ``jurisdiction``: ``User.is_legal_office_of``."""
    return user is not None and user.is_legal_office_of(jurisdiction)


def _require_office(user: User | None, jurisdiction: Unit, what: str) -> None:
    if not is_legal_office_of(user, jurisdiction):
        raise ReportError("forbidden", f"只有{jurisdiction.name}的法制办可以{what}。", 403)


def _require_draft(report: AnnualReport) -> None:
    if report.status == ReportStatus.PUBLISHED:
        raise ReportError("published", "报告已发布并锁定,不能再修改或重新生成。", 409)


def _check_year(year: int, today: dt.date) -> None:
    if not 2000 <= year <= today.year:
        raise ReportError("bad_year", f"年度应在2000年至{today.year}年之间。", 400)


# --- the indicator catalogue --------------------------------------------------------------------------------

# (name, measure, kind, computed, additive, phrase, keywords). The shared catalogue every jurisdiction
# starts with; its legal office adds its own indicators beside them.
INDICATOR_CATALOGUE: list[tuple[str, str, str, str, bool, str, str]] = [
    ("年度计划任务", "项", "number", Computed.PLAN_TASKS, True, "列入年度工作计划的任务{数值}{单位}", ""),
    ("年内完成任务", "项", "number", Computed.TASKS_COMPLETED, True, "年内完成任务{数值}{单位}", ""),
    ("逾期未完成任务", "项", "number", Computed.TASKS_OVERDUE, True, "逾期未完成任务{数值}{单位}", ""),
    ("采纳的工作进展", "条", "number", Computed.REPORTS_ACCEPTED, True, "经审核采纳工作进展{数值}{单位}", ""),
    ("报送进展的单位", "个", "number", Computed.UNITS_REPORTING, True, "{数值}{单位}单位报送工作进展", ""),
    ("参加年度考核的单位", "个", "number", Computed.ASSESSMENT_UNITS, True, "{数值}{单位}单位参加年度考核", ""),
    ("年度考核平均分", "分", "number", Computed.ASSESSMENT_AVERAGE, False, "年度考核平均得分{数值}{单位}", ""),
    ("依法行政考评结果", "", "text", "", False, "在依法行政考评中获评{数值}", "考评"),
    ("行政复议申请", "件", "number", "", True, "收到行政复议申请{数值}{单位}", "行政复议,复议"),
    ("审结行政复议案件", "件", "number", "", True, "审结行政复议案件{数值}{单位}", "行政复议,复议"),
    ("行政复议决定书网上公开", "件", "number", "", True, "网上公开行政复议决定书{数值}{单位}", "复议"),
    ("行政应诉案件", "件", "number", "", True, "办理行政应诉案件{数值}{单位}", "应诉,行政诉讼,诉讼"),
    ("行政诉讼败诉率", "%", "percent", "", False, "行政诉讼败诉率为{数值}{单位}", "应诉,行政诉讼,诉讼"),
    ("行政机关负责人出庭应诉率", "%", "percent", "", False, "行政机关负责人出庭应诉率{数值}{单位}", "出庭,应诉"),
    ("制发规范性文件", "件", "number", "", True, "制发规范性文件{数值}{单位}", "规范性文件"),
    ("废止规范性文件", "件", "number", "", True, "废止规范性文件{数值}{单位}", "规范性文件,清理"),
    ("规范性文件备案审查", "件", "number", "", True, "备案审查规范性文件{数值}{单位}", "规范性文件,备案"),
    ("重大行政决策事项", "项", "number", "", True, "确定重大行政决策事项{数值}{单位}", "重大行政决策,决策目录"),
    ("合法性审查意见", "份", "number", "", True, "出具合法性审查意见{数值}{单位}", "合法性审查"),
    ("审查政府合同", "份", "number", "", True, "审查政府合同{数值}{单位}", "合同"),
    ("法律顾问", "名", "number", "", True, "聘请法律顾问{数值}{单位}", "法律顾问"),
    ("政府常务会议会前学法", "次", "number", "", False, "政府常务会议会前学法{数值}{单位}", "学法"),
    ("领导干部法治专题讲座", "次", "number", "", True, "举办领导干部法治专题讲座{数值}{单位}", "讲座"),
    ("法治培训", "人次", "number", "", True, "组织法治培训{数值}{单位}", "培训"),
    ("人均法律知识培训", "学时", "number", "", False, "工作人员人均接受法律知识培训{数值}{单位}", "培训,学时"),
    ("行政执法人员持证", "人", "number", "", True, "持证行政执法人员{数值}{单位}", "持证,执法资格"),
    ("行政处罚案件", "件", "number", "", True, "办理行政处罚案件{数值}{单位}", "执法,处罚"),
    ("行政许可事项", "项", "number", "", False, "保留行政许可事项{数值}{单位}", "行政许可,审批"),
    ("精简行政审批事项", "项", "number", "", True, "精简行政审批事项{数值}{单位}", "审批,精简"),
    ("清理证明事项", "项", "number", "", True, "清理证明事项{数值}{单位}", "证明事项"),
    ("公平竞争审查政策措施", "件", "number", "", True, "对{数值}{单位}政策措施开展公平竞争审查", "公平竞争"),
    ("政府信息公开申请", "件", "number", "", True, "办理政府信息公开申请{数值}{单位}", "信息公开,政务公开"),
    ("主动公开政府信息", "条", "number", "", True, "主动公开政府信息{数值}{单位}", "公开"),
    ("人大代表建议办理", "件", "number", "", True, "办理人大代表建议{数值}{单位}", "人大"),
    ("政协提案办理", "件", "number", "", True, "办理政协提案{数值}{单位}", "政协"),
    ("调解矛盾纠纷", "件", "number", "", True, "调解矛盾纠纷{数值}{单位}", "矛盾,纠纷"),
    ("依法行政示范单位", "个", "number", "", True, "创建依法行政示范单位{数值}{单位}", "示范"),
]


def catalogue_ensure() -> int:
    """Create the shared indicators that are missing (by name); never changes what exists. Idempotent."""
    existing = set(Indicator.objects.active().filter(jurisdiction__isnull=True).values_list("name", flat=True))
    created = []
    for n, (name, measure, kind, computed, additive, phrase, keywords) in enumerate(INDICATOR_CATALOGUE):
        if name in existing:
            continue
        created.append(
            Indicator(
                jurisdiction=None,
                name=name,
                measure=measure,
                kind=kind,
                computed=computed,
                additive=additive,
                phrase=phrase,
                keywords=keywords,
                position=(n + 1) * 10,
            )
        )
    Indicator.objects.bulk_create(created)
    return len(created)


def _computed_indicators() -> dict[str, Indicator]:
    """The indicators lawgov computes, created from the catalogue if missing (two queries when present)."""
    found = {i.computed: i for i in Indicator.objects.active().filter(jurisdiction__isnull=True).exclude(computed="")}
    if len(found) < len(Computed.values):
        catalogue_ensure()
        found = {
            i.computed: i for i in Indicator.objects.active().filter(jurisdiction__isnull=True).exclude(computed="")
        }
    return found


# --- figures ------------------------------------------------------------------------------------------------


def _jurisdiction_of(unit: Unit) -> Unit:
    return unit if unit.is_jurisdiction else unit.jurisdiction


def _may_enter(user: User, unit: Unit) -> bool:
    if user.is_superuser:
        return True
    if user.read_only:
        return False
    if user.role == Role.REPORTER:
        return user.unit_id == unit.pk
    jurisdiction = _jurisdiction_of(unit)
    return jurisdiction is not None and is_legal_office_of(user, jurisdiction)


def parse_value(indicator: Indicator, raw: str) -> tuple[Decimal | None, str]:
    """A typed value for the indicator's kind; ``ReportError`` in Chinese when it is not one."""
    raw = (raw or "").strip().replace(",", "").replace(",", "").removesuffix("%").removesuffix("%")
    if indicator.kind == IndicatorKind.TEXT:
        if not raw:
            raise ReportError("value_required", f"请填写“{indicator.name}”。")
        return None, raw[:200]
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ReportError("bad_value", f"“{indicator.name}”应填写数字,收到“{raw}”。") from exc
    if value < 0:
        raise ReportError("bad_value", f"“{indicator.name}”不能为负数。")
    if indicator.kind == IndicatorKind.PERCENT and value > 100:
        raise ReportError("bad_value", f"“{indicator.name}”是百分比,不能大于100。")
    if value != value.quantize(Decimal("0.01")):
        raise ReportError("bad_value", f"“{indicator.name}”最多保留两位小数。")
    return value, ""


@transaction.atomic
def statistic_save(
    *, indicator: Indicator, unit: Unit, year: int, raw: str, by: User, note: str = "", today: dt.date | None = None
) -> Statistic:
    """Enter (or correct) a unit's figure for a year; the previous value stays in the history.

    Units enter their own figures; the legal office enters any unit's, or the jurisdiction's total.
    """
    today = today or timezone.localdate()
    _check_year(year, today)
    jurisdiction = _jurisdiction_of(unit)
    if jurisdiction is None or not _may_enter(by, unit):
        raise ReportError("forbidden", f"您不能填报{unit.name}的统计数据。", 403)
    if indicator.deleted_at or (indicator.jurisdiction_id not in (None, jurisdiction.pk)):
        raise ReportError("bad_indicator", "该指标不适用于本辖区。", 400)
    if indicator.computed:
        raise ReportError("computed", f"“{indicator.name}”由平台根据任务、进展和考核数据自动计算,不需要填报。", 400)
    value, text = parse_value(indicator, raw)
    stat = Statistic.objects.select_for_update().filter(indicator=indicator, unit=unit, year=year).first()
    if stat is None:
        try:
            with transaction.atomic():
                stat = Statistic.objects.create(
                    indicator=indicator,
                    unit=unit,
                    jurisdiction=jurisdiction,
                    year=year,
                    value=value,
                    text=text,
                    note=note[:300],
                    entered_by=by,
                )
                return stat
        except IntegrityError:  # entered at the same moment by someone else: update theirs
            stat = Statistic.objects.select_for_update().get(indicator=indicator, unit=unit, year=year)
    stat.value, stat.text, stat.entered_by = value, text, by
    if note:
        stat.note = note[:300]
    stat.source = StatisticSource.ENTERED
    stat.save()
    return stat


@transaction.atomic
def statistic_delete(*, statistic: Statistic, by: User) -> None:
    """Withdraw a figure entered by mistake; the history keeps it (who, when, what)."""
    if not Statistic.objects.editable_by(by).filter(pk=statistic.pk).exists():
        raise ReportError("forbidden", "您不能删除该统计数据。", 403)
    statistic._history_user = by
    statistic.delete()


def statistics_store_computed(*, jurisdiction: Unit, year: int, values: dict[str, Decimal]) -> dict[str, int]:
    """Write the figures lawgov computed (tasks done, reports accepted…) as the jurisdiction's rows, so the
    figures page shows them and the draft can cite them. Returns computed key → statistic id."""
    indicators = _computed_indicators()
    existing = {
        s.indicator_id: s
        for s in Statistic.objects.filter(
            indicator__in=indicators.values(), unit=jurisdiction, year=year, source=StatisticSource.COMPUTED
        )
    }
    ids = {}
    for key, value in values.items():
        indicator = indicators.get(key)
        if indicator is None:
            continue
        stat = existing.get(indicator.pk)
        if stat is None:
            stat, _ = Statistic.objects.update_or_create(
                indicator=indicator,
                unit=jurisdiction,
                year=year,
                defaults={"jurisdiction": jurisdiction, "value": value, "source": StatisticSource.COMPUTED},
            )
        elif stat.value != value:
            stat.value = value
            stat.save(update_fields=["value", "updated_at"])
        ids[key] = stat.pk
    return ids


@transaction.atomic
def indicator_save(
    *,
    jurisdiction: Unit,
    by: User,
    name: str,
    measure: str,
    kind: str,
    phrase: str = "",
    keywords: str = "",
    additive: bool = True,
    indicator: Indicator | None = None,
) -> Indicator:
    """Define (or change) one of the jurisdiction's own indicators."""
    _require_office(by, jurisdiction, "定义统计指标")
    name = name.strip()
    if not name:
        raise ReportError("name_required", "请填写指标名称。")
    if kind not in IndicatorKind.values:
        raise ReportError("bad_kind", "指标类型不正确。")
    if phrase and "{数值}" not in phrase:
        raise ReportError("bad_phrase", "报告中的表述须包含“{数值}”,例如:收到行政复议申请{数值}{单位}。")
    clash = Indicator.objects.for_jurisdiction(jurisdiction).filter(name=name)
    if indicator is not None:
        if indicator.jurisdiction_id != jurisdiction.pk:
            raise ReportError("forbidden", "通用指标由系统管理员维护,可新建本辖区的指标。", 403)
        clash = clash.exclude(pk=indicator.pk)
    if clash.exists():
        raise ReportError("duplicate", f"已有名为“{name}”的指标。", 409)
    indicator = indicator or Indicator(jurisdiction=jurisdiction)
    indicator.name, indicator.measure, indicator.kind = name, measure.strip()[:10], kind
    indicator.phrase, indicator.additive = phrase.strip()[:200], additive
    indicator.keywords = ",".join(split_keywords(keywords))[:200]
    if not indicator.position:
        indicator.position = 1000 + Indicator.objects.filter(jurisdiction=jurisdiction).count() * 10
    indicator._history_user = by
    indicator.save()
    return indicator


# --- wording and theme lists ---------------------------------------------------------------------------------

_SAMPLE = {
    "year": 2017,
    "next_year": 2018,
    "self_ref": "我区",
    "government": "示例区人民政府",
    "has_data": True,
    "plans": [{"title": "示例工作方案", "doc_number": "示府办〔2017〕1号"}],
    "counts": {"tasks": 3, "done": 1, "overdue": 1, "reports": 4, "units": 2, "active": 2},
    "honours": [],
    "other_figures": [],
    "assessment": None,
    "task": {"heading": "示例任务", "units": [{"name": "区某局", "text": "完成了工作。"}], "figures": []},
    "figures": [{"sentence": "收到行政复议申请10件", "parts": []}],
    "theme": {"title": "示例方面", "task_count": 1, "headings": []},
    "items": [{"ordinal": "一", "text": "示例"}],
    "next_plan": None,
}


@transaction.atomic
def wording_save(*, jurisdiction: Unit, key: str, text: str, by: User) -> WordingTemplate | None:
    """The legal office's own wording for one piece of the draft. Checked by compiling it and filling it
    with sample facts, so a typo is refused here instead of failing a generation later. Saving the default
    text back removes the override."""
    _require_office(by, jurisdiction, "修改报告措辞")
    if key not in WordingKey.values:
        raise ReportError("bad_key", "没有这一部分。", 404)
    text = text.replace("\r\n", "\n").strip() + "\n"
    try:
        generator.render_wording(text, _SAMPLE)
    except TemplateSyntaxError as exc:
        raise ReportError("bad_template", f"模板有误:{exc}") from exc
    except Exception as exc:
        raise ReportError("bad_template", f"模板无法填充示例数据:{type(exc).__name__}: {exc}") from exc
    row = WordingTemplate.objects.select_for_update().filter(jurisdiction=jurisdiction, key=key).first()
    if text.strip() == generator.default_wording(key).strip():
        if row is not None:
            row._history_user = by
            row.delete()
        return None
    row = row or WordingTemplate(jurisdiction=jurisdiction, key=key)
    row.text, row.updated_by = text, by
    row._history_user = by
    row.save()
    return row


def parse_theme_lines(text: str) -> list[dict]:
    """ "标题|关键词,关键词" one theme a line (the keywords are optional)."""
    themes = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        title, _, words = line.partition("|")
        title = generator._clean(title.lstrip("一二三四五六七八九十、0123456789. "))
        if title:
            themes.append({"title": title[:120], "keywords": split_keywords(words)})
    return themes


@transaction.atomic
def theme_list_save(
    *, jurisdiction: Unit, name: str, lines: str, by: User, theme_list: ThemeList | None = None
) -> ThemeList:
    """A theme list of the jurisdiction (the sections a report is grouped in, with their keywords)."""
    _require_office(by, jurisdiction, "设置报告结构")
    themes = parse_theme_lines(lines)
    if not themes:
        raise ReportError("themes_required", "请至少填写一个方面,每行一个:标题|关键词,关键词。")
    if not name.strip():
        raise ReportError("name_required", "请填写名称。")
    if theme_list is not None and theme_list.jurisdiction_id != jurisdiction.pk:
        raise ReportError("forbidden", "通用的报告结构不能修改,可另存为本辖区的。", 403)
    theme_list = theme_list or ThemeList(jurisdiction=jurisdiction, created_by=by)
    theme_list.name, theme_list.themes = name.strip()[:100], themes
    theme_list._history_user = by
    theme_list.save()
    return theme_list


def theme_list_guangzhou() -> ThemeList:
    """The shared list of the 8 themes of 广州's 2018 report, created on first use."""
    found = ThemeList.objects.active().filter(jurisdiction__isnull=True, name=GUANGZHOU_LIST_NAME).first()
    if found is not None:
        return found
    return ThemeList.objects.create(jurisdiction=None, name=GUANGZHOU_LIST_NAME, themes=generator.GUANGZHOU_THEMES)


# --- generation ------------------------------------------------------------------------------------------------


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


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=job_timeout())


def job_is_stale(job: ReportJob) -> bool:
    return job.active and (job.heartbeat_at or job.created_at) < _stale_before()


@dataclass
class Requested:
    job: ReportJob
    taken_over: bool = False


@transaction.atomic
def report_generation_request(
    *, jurisdiction: Unit, year: int, by: User, theme_list: ThemeList | None = None, today: dt.date | None = None
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
        if job_is_stale(active) and _requeue(active, by=by):
            return Requested(job=ReportJob.objects.get(pk=active.pk), taken_over=True)
        raise ReportError("job_running", "该报告的草稿正在生成,请等待完成。", 409, job=active)
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                report=report, theme_list=theme_list, requested_by=by, heartbeat_at=timezone.now()
            )
    except IntegrityError as exc:  # a second click that got here at the same moment
        active = report.jobs.filter(status__in=ACTIVE_JOB_STATUSES).first()
        raise ReportError("job_running", "该报告的草稿正在生成,请等待完成。", 409, job=active) from exc
    transaction.on_commit(lambda: enqueue(job.pk))
    return Requested(job=job)


def _requeue(job: ReportJob, *, by: User | None = None) -> bool:
    """Put a stalled job back in the queue (a conditional UPDATE: only if it is still stalled)."""
    updated = (
        ReportJob.objects.filter(pk=job.pk, status__in=ACTIVE_JOB_STATUSES, heartbeat_at__lt=_stale_before())
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(status=JobStatus.QUEUED, stage=JobStage.QUEUED, heartbeat_at=timezone.now(), claim="")
    )
    if updated:
        transaction.on_commit(lambda: enqueue(job.pk))
    return bool(updated)


def broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, TimeoutError]
    try:
        import redis

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def enqueue(job_id: int) -> None:
    """Hand the job to Celery (after the request's transaction committed). A broker that is down fails the
    job with a clear message at once: nothing stays "queued" waiting for a message that was never sent.
    Without REDIS_URL Celery runs the job right here, in-process (same code)."""
    from reports.jobs import annual_report_generate

    # LAWGOV_REPORT_QUEUE sends drafts to a queue of their own (workers that may run LibreOffice, say).
    queue = settings.LAWGOV_REPORT_QUEUE or None
    try:
        annual_report_generate.apply_async(args=[job_id], retry=False, queue=queue)
    except broker_errors() as exc:
        log.warning("annual report job %s: broker unavailable: %s", job_id, exc)
        job_fail(job_id=job_id, message=BROKER_DOWN_MESSAGE)


def job_fail(*, job_id: int, message: str, claim: str | None = None) -> bool:
    """Mark a job failed with its reason; the report's versions (its last good draft) are not touched."""
    jobs = ReportJob.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES)
    if claim is not None:
        jobs = jobs.filter(claim=claim)
    return bool(
        jobs.update(status=JobStatus.FAILED, error=message[:2000], finished_at=timezone.now(), heartbeat_at=None)
    )


def job_claim(*, job_id: int, celery_id: str) -> ReportJob | None:
    """Take the job for this delivery, or return None when another has it.

    Claimable: a queued job; a running one whose heartbeat stopped (its worker died); or a running one
    with this very Celery task id (the same message again after a killed worker, or a retry). Any other
    delivery — a duplicate while the job runs — does nothing.
    """
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=_stale_before())
    if celery_id:
        claimable |= Q(status=JobStatus.RUNNING, celery_id=celery_id)
    token = uuid.uuid4().hex
    updated = (
        ReportJob.objects.filter(pk=job_id)
        .filter(claimable)
        .update(
            status=JobStatus.RUNNING,
            stage=JobStage.GATHERING,
            celery_id=celery_id[:100],
            claim=token,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if not updated:
        return None
    return ReportJob.objects.select_related("report__jurisdiction__parent", "theme_list").get(pk=job_id)


def job_stage(job: ReportJob, stage: str) -> None:
    """Record the stage and beat the heart; a job that was taken over stops here."""
    updated = ReportJob.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).update(
        stage=stage, heartbeat_at=timezone.now()
    )
    if not updated:
        raise JobLost(job.pk)
    job.stage = stage


def report_job_run(*, job_id: int, celery_id: str = "", today: dt.date | None = None) -> ReportVersion | None:
    """The generation itself, for the job (reports.jobs): gather → write → render, then one transaction
    that saves the new version. Any failure leaves the report's versions as they were and tells why."""
    job = job_claim(job_id=job_id, celery_id=celery_id)
    if job is None:
        return None
    report = job.report
    today = today or timezone.localdate()
    try:
        if report.status == ReportStatus.PUBLISHED:
            raise ReportError("published", "报告已发布并锁定,本次没有生成新的草稿。", 409)
        data = generator.gather(
            jurisdiction=report.jurisdiction, year=report.year, theme_list=job.theme_list, today=today
        )
        ids = statistics_store_computed(jurisdiction=report.jurisdiction, year=report.year, values=data.computed)
        for figure in data.figures:
            if figure.computed in ids:
                figure.statistic_ids = [ids[figure.computed]]
        job_stage(job, JobStage.WRITING)
        body = generator.write(data, generator.wording_for(report.jurisdiction_id))
        job_stage(job, JobStage.RENDERING)
        docx = docx_render.render_docx(body, author=data.government)
        return _job_finish(job=job, body=body, docx=docx, facts=_facts(data))
    except JobLost:
        log.warning("annual report job %s was taken over by another worker; this one stops", job_id)
        return None
    except ReportError as exc:
        job_fail(job_id=job.pk, message=exc.message, claim=job.claim)
    except generator.WordingError as exc:
        label = WordingKey(exc.key).label if exc.key in WordingKey.values else exc.key
        job_fail(
            job_id=job.pk,
            message=f"措辞模板“{label}”有误:{exc.detail}。请在“报告措辞”页修改后重新生成;已有的草稿不受影响。",
            claim=job.claim,
        )
    except DatabaseOperationalError:
        # The database went away: give the row back to the queue (if we still can) and let Celery retry.
        try:
            ReportJob.objects.filter(pk=job.pk, claim=job.claim).update(status=JobStatus.QUEUED, stage=JobStage.QUEUED)
        except DatabaseOperationalError:
            pass
        raise
    except Exception as exc:
        log.exception("annual report job %s failed", job_id)
        job_fail(
            job_id=job.pk,
            message=f"生成失败({type(exc).__name__}:{exc})。已有的草稿不受影响,可以重新生成。",
            claim=job.claim,
        )
    return None


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
    if not ReportJob.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).exists():
        raise JobLost(job.pk)
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
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, stage=JobStage.DONE, finished_at=timezone.now(), version=version, error=""
    )
    return version


def _paragraphs(body: dict) -> dict[str, dict]:
    return {p["key"]: p for s in body.get("sections", []) for p in s.get("paragraphs", [])}


def _overridden(previous: ReportVersion | None, body: dict) -> list[str]:
    """The paragraphs a person had written in ``previous`` that the new body does not keep as they were."""
    if previous is None or not previous.edited_keys:
        return []
    old, new = _paragraphs(previous.body), _paragraphs(body)
    out = []
    for key in previous.edited_keys:
        before = old.get(key)
        after = new.get(key)
        if before is None:
            continue
        if after is None or (after.get("text"), after.get("title")) != (before.get("text"), before.get("title")):
            out.append(key)
    return out


def _version_create(
    *,
    report: AnnualReport,
    previous: ReportVersion | None,
    origin: str,
    body: dict,
    by: User | None,
    edited_keys: list[str],
    overrode: list[str] | None = None,
    job: ReportJob | None = None,
    facts: dict | None = None,
    note: str = "",
) -> ReportVersion:
    number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return ReportVersion.objects.create(
        report=report,
        number=number,
        origin=origin,
        title=(body.get("title") or report.title)[:200],
        body=body,
        edited_keys=sorted(set(edited_keys)),
        overrode=overrode or [],
        facts=facts if facts is not None else (previous.facts if previous else {}),
        note=note[:300],
        job=job,
        created_by=by,
    )


def report_job_check(*, job: ReportJob) -> ReportJob:
    """What the page does when it polls a job: a running job whose heartbeat stopped is taken over (queued
    again, up to ``MAX_ATTEMPTS``), then failed; a job queued for longer than the timeout — no worker took
    it — is failed with the reason. Nothing stays "running" forever."""
    if not job_is_stale(job):
        return job
    with transaction.atomic():
        if job.status == JobStatus.RUNNING and job.attempts < MAX_ATTEMPTS and _requeue(job):
            pass
        elif job.status == JobStatus.RUNNING:
            job_fail(job_id=job.pk, message="后台任务多次中断,已停止。已有的草稿不受影响,请稍后重新生成。")
        else:
            minutes = max(1, job_timeout() // 60)
            job_fail(
                job_id=job.pk,
                message=f"排队超过{minutes}分钟仍未开始:后台任务进程(Celery worker)可能没有运行。"
                "请联系系统管理员;已有的草稿不受影响。",
            )
    return ReportJob.objects.get(pk=job.pk)


# --- editing, versions, publication ---------------------------------------------------------------------------


def _require_editable(report: AnnualReport, by: User) -> None:
    _require_office(by, report.jurisdiction, "修改年度报告")
    _require_draft(report)


def _latest_locked(report: AnnualReport) -> tuple[AnnualReport, ReportVersion]:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    latest = report.versions.order_by("-number").first()
    if latest is None:
        raise ReportError("no_draft", "还没有草稿,请先生成。", 409)
    return report, latest


@dataclass
class ParagraphInput:
    key: str
    title: str
    text: str


@transaction.atomic
def report_section_save(
    *,
    report: AnnualReport,
    section_key: str,
    base_number: int,
    paragraphs: list[ParagraphInput],
    by: User,
    title: str | None = None,
) -> ReportVersion:
    """Save a person's edit of one section as a new version. Refused (409) when the draft changed since the
    page was opened — nobody overwrites another's version silently. A paragraph left empty is removed; one
    with a new key is added; the sources of kept paragraphs stay."""
    _require_editable(report, by)
    report, latest = _latest_locked(report)
    if latest.number != base_number:
        raise ReportError(
            "stale_version",
            f"草稿已更新为第{latest.number}版(您打开的是第{base_number}版),请在最新版本上修改。",
            409,
        )
    body = copy.deepcopy(latest.body)
    section = next((s for s in body.get("sections", []) if s["key"] == section_key), None)
    if section is None:
        raise ReportError("no_section", "草稿中没有这一部分。", 404)
    old = {p["key"]: p for p in section.get("paragraphs", [])}
    changed: set[str] = set()
    new_paragraphs = []
    for item in paragraphs:
        text = item.text.replace("\r\n", "\n").strip()
        para_title = generator._clean(item.title) if item.title else ""
        before = old.get(item.key)
        if not text:
            if before is not None:
                changed.add(item.key)
            continue
        key = item.key if before is not None else f"manual-{uuid.uuid4().hex[:8]}"
        if before is None or before.get("text") != text or (before.get("title") or "") != para_title:
            changed.add(key)
        sources = before.get("sources") if before else generator._sources()
        new_paragraphs.append({"key": key, "title": para_title, "text": text, "sources": sources})
    removed = set(old) - {p.key for p in paragraphs}
    changed |= removed
    section["paragraphs"] = new_paragraphs
    if title is not None and section.get("kind") == "theme":
        clean = generator._clean(title)
        if clean and clean != section.get("title"):
            section["title"] = clean
            changed.add(f"section:{section_key}")
    if not changed:
        raise ReportError("unchanged", "没有修改,未生成新版本。", 400)
    heading = section.get("title") or {
        "opening": "开头概述",
        "shortcomings": "存在的不足",
        "next-steps": "下一步工作",
    }.get(section_key, section_key)
    return _version_create(
        report=report,
        previous=latest,
        origin=VersionOrigin.EDITED,
        body=body,
        by=by,
        edited_keys=[*latest.edited_keys, *(k for k in changed if not k.startswith("section:"))],
        note=f"修改“{heading}”",
    )


@transaction.atomic
def report_edits_restore(*, report: AnnualReport, by: User) -> ReportVersion:
    """After a regeneration replaced paragraphs a person had written, bring those back into a new version
    (the generated figures elsewhere stay)."""
    _require_editable(report, by)
    report, latest = _latest_locked(report)
    if not latest.overrode:
        raise ReportError("nothing_to_restore", "最新版本没有被覆盖的人工修改。", 400)
    previous = report.versions.filter(number__lt=latest.number).order_by("-number").first()
    old = _paragraphs(previous.body) if previous else {}
    body = copy.deepcopy(latest.body)
    placed = set()
    for section in body.get("sections", []):
        for i, para in enumerate(section.get("paragraphs", [])):
            if para["key"] in latest.overrode and para["key"] in old:
                section["paragraphs"][i] = copy.deepcopy(old[para["key"]])
                placed.add(para["key"])
    # A hand-written paragraph the regeneration dropped goes back to the section it was in.
    for key in latest.overrode:
        if key in placed or key not in old:
            continue
        home = next(s["key"] for s in previous.body.get("sections", []) for p in s["paragraphs"] if p["key"] == key)
        target = next((s for s in body["sections"] if s["key"] == home), None)
        if target is not None:
            target["paragraphs"].append(copy.deepcopy(old[key]))
            placed.add(key)
    return _version_create(
        report=report,
        previous=latest,
        origin=VersionOrigin.RESTORED,
        body=body,
        by=by,
        edited_keys=[*latest.edited_keys, *placed],
        note=f"保留第{previous.number if previous else '?'}版的人工修改({len(placed)}段)",
    )


def version_docx(version: ReportVersion) -> bytes:
    """The version's .docx, rendered once and kept (a version never changes)."""
    if version.docx:
        try:
            with version.docx.open("rb") as f:
                return f.read()
        except FileNotFoundError:
            pass
    data = docx_render.render_docx(version.body, author=generator.government_name(version.report.jurisdiction))
    version.docx.save("report.docx", ContentFile(data), save=False)
    ReportVersion.objects.filter(pk=version.pk).update(docx=version.docx.name)
    return data


def version_pdf(version: ReportVersion) -> bytes:
    """The version as PDF through LibreOffice (where installed); ``docx_render.ConversionError`` otherwise."""
    if version.pdf:
        try:
            with version.pdf.open("rb") as f:
                return f.read()
        except FileNotFoundError:
            pass
    data = docx_render.convert(version_docx(version), "pdf")
    version.pdf.save("report.pdf", ContentFile(data), save=False)
    ReportVersion.objects.filter(pk=version.pk).update(pdf=version.pdf.name)
    return data


@transaction.atomic
def report_publish(*, report: AnnualReport, by: User, number: int | None = None) -> AnnualReport:
    """Publish a version (the latest by default): the report is locked from then on, and leaders download
    exactly this version."""
    _require_editable(report, by)
    report, latest = _latest_locked(report)
    if report.jobs.filter(status__in=ACTIVE_JOB_STATUSES).exists():
        raise ReportError("job_running", "草稿正在生成,请等待完成后再发布。", 409)
    version = latest if number is None else report.versions.filter(number=number).first()
    if version is None:
        raise ReportError("no_version", "没有这个版本。", 404)
    version_docx(version)
    # The report row is locked (select_for_update above): no second publish can slip in between.
    report.status, report.published_version = ReportStatus.PUBLISHED, version
    report.published_at, report.published_by = timezone.now(), by
    report._history_user = by  # the history row says who published, and when
    report.save(update_fields=["status", "published_version", "published_at", "published_by"])
    return report
