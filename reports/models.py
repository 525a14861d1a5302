"""Yearly figures and the annual report (法治政府建设情况报告): drafts written by a Celery job, their versions.

A report is one per jurisdiction and year. Every draft, generated or edited by hand, is a ``ReportVersion``
row that is never changed afterwards (only its rendered files are cached on it), so any two versions can be
compared and nothing a person wrote is lost. A ``ReportJob`` is one request to generate a draft: a kernel
``lawgov.models.Job`` (what the page polls and what a worker claims, so duplicate deliveries and killed
workers are handled in the database, not in the broker) with the report it drafts.

The figures (``Indicator`` → ``Statistic``) are what the draft cites: entered by units or the legal office,
or computed from lawgov's own data. The wording of the draft lives in editable templates
(``WordingTemplate`` overrides the files under templates/reports/wording/), never in code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lawgov.models import Job, JobKind, JobStatus, Role, ScopedQuerySet, StageSpec, Unit, User, job_kind_register

# --- figures -------------------------------------------------------------------------------------------


class IndicatorKind(models.TextChoices):
    NUMBER = "number", "数量"
    PERCENT = "percent", "比率"
    TEXT = "text", "文字(荣誉、等次)"


class Computed(models.TextChoices):
    """Figures lawgov knows from its own data; the generator writes them, nobody types them."""

    PLAN_TASKS = "plan_tasks", "年度计划任务数"
    TASKS_COMPLETED = "tasks_completed", "年内完成任务数"
    TASKS_OVERDUE = "tasks_overdue", "逾期未完成任务数"
    REPORTS_ACCEPTED = "reports_accepted", "经审核采纳的工作进展数"
    UNITS_REPORTING = "units_reporting", "报送工作进展的单位数"
    ASSESSMENT_UNITS = "assessment_units", "参加年度考核的单位数"
    ASSESSMENT_AVERAGE = "assessment_average", "年度考核平均分"


class IndicatorQuerySet(ScopedQuerySet):
    def for_jurisdiction(self, jurisdiction: Unit) -> IndicatorQuerySet:
        """The shared catalogue plus the jurisdiction's own indicators."""
        return self.active().filter(Q(jurisdiction__isnull=True) | Q(jurisdiction=jurisdiction))

    def _visible_by_role(self, user: User) -> IndicatorQuerySet:
        """Everyone who enters or reads figures sees the names: the shared catalogue and their jurisdictions'."""
        return self.active().filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__in=user.jurisdictions()))

    def editable_by(self, user: User) -> IndicatorQuerySet:
        """The legal office defines its jurisdiction's indicators; the shared catalogue is the admin's."""
        return self.for_legal_office(user)


class Indicator(models.Model):
    """A named yearly figure with its unit of measure (行政复议申请 件, 行政诉讼败诉率 %).

    ``phrase`` is how the report says it ("收到行政复议申请{数值}{单位}"), ``keywords`` where it belongs
    (the task or theme whose words it shares) and which plan targets (不少于4次) it is checked against.
    """

    jurisdiction = models.ForeignKey(
        Unit,
        verbose_name="辖区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空为各辖区通用的指标",
    )
    name = models.CharField("指标名称", max_length=60)
    measure = models.CharField("计量单位", max_length=10, blank=True, help_text="件、项、次、%、人次…")
    kind = models.CharField("类型", max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.NUMBER)
    computed = models.CharField(
        "平台计算", max_length=30, choices=Computed.choices, blank=True, help_text="留空为人工填报"
    )
    additive = models.BooleanField("辖区合计为各单位之和", default=True)
    phrase = models.CharField(
        "报告中的表述", max_length=200, blank=True, help_text="如:收到行政复议申请{数值}{单位};留空则用指标名称"
    )
    keywords = models.CharField(
        "关键词", max_length=200, blank=True, help_text="用逗号分隔;决定数据写入哪个任务或方面,以及核对哪些量化目标"
    )
    position = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "统计指标"
        verbose_name_plural = "统计指标"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                condition=Q(deleted_at__isnull=True),
                name="indicator_unique_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.measure})" if self.measure else self.name

    @property
    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)


def split_keywords(text: str) -> list[str]:
    for sep in ",、;;\n":
        text = text.replace(sep, ",")
    return [k.strip() for k in text.split(",") if k.strip()]


class StatisticSource(models.TextChoices):
    ENTERED = "entered", "填报"
    COMPUTED = "computed", "平台计算"


class StatisticQuerySet(ScopedQuerySet):
    soft_delete_field = None

    def _visible_by_role(self, user: User) -> StatisticQuerySet:
        """The legal office and leaders: every figure of their jurisdictions; a reporter: its own unit's."""
        if user.role == Role.REPORTER:
            return self.filter(unit_id=user.unit_id) if user.unit_id else self.none()
        if user.role in (Role.LEGAL_OFFICE, Role.LEADER):
            return self.in_jurisdictions(user)
        return self.none()

    def editable_by(self, user: User) -> StatisticQuerySet:
        """Entered figures only (computed ones are rewritten by the generator): the legal office for any unit
        of its jurisdictions, a reporter for its own unit."""
        if not user.is_authenticated or user.read_only:
            return self.none()
        base = self.filter(source=StatisticSource.ENTERED)
        if user.is_superuser:
            return base
        if user.role == Role.REPORTER:
            return base.filter(unit_id=user.unit_id) if user.unit_id else self.none()
        if user.role == Role.LEGAL_OFFICE:
            return base.in_jurisdictions(user)
        return self.none()


class Statistic(models.Model):
    """One value of an indicator for a unit and year. ``unit`` is a department or township, or the
    jurisdiction itself for a figure the legal office reports for the whole district (its total)."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.CharField("文字", max_length=200, blank=True)
    source = models.CharField("来源", max_length=10, choices=StatisticSource.choices, default=StatisticSource.ENTERED)
    note = models.CharField("说明", max_length=300, blank=True, help_text="数据出处,如:区司法局2017年行政复议台账")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = StatisticQuerySet.as_manager()

    class Meta:
        verbose_name = "统计数据"
        verbose_name_plural = "统计数据"
        ordering = ["indicator__position", "indicator_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year"], name="statistic_unique_value"),
        ]
        indexes = [models.Index(fields=["jurisdiction", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.indicator}: {self.display}"

    @property
    def display(self) -> str:
        if self.indicator.kind == IndicatorKind.TEXT:
            return self.text
        return f"{format_number(self.value)}{self.indicator.measure}" if self.value is not None else ""


def format_number(value) -> str:
    """2945.00 → 2945, 3.50 → 3.5: figures as a person writes them."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# --- wording and themes --------------------------------------------------------------------------------


class WordingKey(models.TextChoices):
    """The pieces of the draft whose wording the legal office may edit (defaults: templates/reports/wording/)."""

    TITLE = "title", "标题"
    OPENING = "opening", "开头概述"
    PARAGRAPH = "paragraph", "方面段落的主题句"
    FIGURES = "figures", "数据段落(已不使用)"
    ASSESSMENT = "assessment", "考核段落"
    EMPTY_THEME = "empty_theme", "没有已核实进展时"
    EMPTY_YEAR = "empty_year", "没有任务和进展时"
    OPENING_EMPTY = "opening_empty", "开头概述(本年度没有数据时)"
    SHORTCOMINGS = "shortcomings", "存在的不足"
    SHORTCOMINGS_NONE = "shortcomings_none", "存在的不足(数据中没有发现不足时)"
    SHORTCOMINGS_EMPTY = "shortcomings_empty", "存在的不足(本年度没有数据时)"
    NEXT_STEPS = "next_steps", "下一年度工作安排"
    LEADERSHIP = "leadership", "第一责任人履职情况"
    LEADERSHIP_EMPTY = "leadership_empty", "第一责任人履职情况(没有录入数据时)"
    OTHER = "other", "其他需要报告的事项"
    CITY_DISTRICTS = "city_districts", "市级报告:汇总各区数据"
    CITY_NO_DISTRICTS = "city_no_districts", "市级报告:各区没有数据时"


class WordingTemplate(models.Model):
    """A jurisdiction's own wording for one piece of the draft: a sentence frame with named blanks (【年度】…),
    or, ``advanced``, a Django template kept from before frames existed (only a superuser edits those).
    Without a row the default file under templates/reports/wording/ is used."""

    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    key = models.CharField("部分", max_length=20, choices=WordingKey.choices)
    text = models.TextField("模板")
    advanced = models.BooleanField(
        "高级", default=False, help_text="Django 模板语法(框架出现以前保存的措辞),只有系统管理员可以修改"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "报告措辞模板"
        verbose_name_plural = "报告措辞模板"
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "key"], name="wording_unique_key")]

    def __str__(self) -> str:
        return f"{self.jurisdiction} · {self.get_key_display()}"


class ThemeListQuerySet(ScopedQuerySet):
    def _visible_by_role(self, user: User) -> ThemeListQuerySet:
        """The legal office and leaders: the shared lists and their jurisdictions' own."""
        if user.role not in (Role.LEGAL_OFFICE, Role.LEADER):
            return self.none()
        return self.active().filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__in=user.jurisdictions()))

    def editable_by(self, user: User) -> ThemeListQuerySet:
        return self.for_legal_office(user)


class ThemeList(models.Model):
    """The themed sections of a report when they are not the plan's own (the 8 of 广州's 2018 report):
    ``themes`` is a list of {"title": ..., "keywords": [...]}; a task goes to the theme whose keywords its
    section and heading share most."""

    jurisdiction = models.ForeignKey(
        Unit, verbose_name="辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=100)
    themes = models.JSONField("方面", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ThemeListQuerySet.as_manager()

    class Meta:
        verbose_name = "报告结构(方面列表)"
        verbose_name_plural = "报告结构(方面列表)"
        ordering = ["jurisdiction_id", "name"]

    def __str__(self) -> str:
        return self.name


# --- the report ------------------------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class AnnualReportQuerySet(ScopedQuerySet):
    soft_delete_field = None

    def _visible_by_role(self, user: User) -> AnnualReportQuerySet:
        """The legal office (who writes) and leaders (who read) of the jurisdiction; an API client only the
        published reports; nobody else."""
        if user.role == Role.API_CLIENT:
            return self.in_jurisdictions(user).filter(status=ReportStatus.PUBLISHED)
        if user.role not in (Role.LEGAL_OFFICE, Role.LEADER):
            return self.none()
        return self.in_jurisdictions(user)

    def editable_by(self, user: User) -> AnnualReportQuerySet:
        """The legal office, until the report is published (publishing locks it)."""
        if not user.is_authenticated:
            return self.none()
        return self.for_legal_office(user).filter(status=ReportStatus.DRAFT)

    def public(self) -> AnnualReportQuerySet:
        """What anyone may read without signing in (/public/reports/…): published reports, nothing else."""
        return self.filter(status=ReportStatus.PUBLISHED, published_version__isnull=False)


class NotificationKind(models.TextChoices):
    """The notifications this app sends (registered with the kernel's registry in ``ReportsConfig.ready``)."""

    REPORT_DUE = "report_due", "年度报告时限提醒"


class DateStyle(models.TextChoices):
    ARABIC = "arabic", "阿拉伯数字(2018年3月1日)"
    CHINESE = "chinese", "汉字(二〇一八年三月一日)"


class ReportSettings(models.Model):
    """A jurisdiction's 公文 elements and statutory calendar for its annual report.

    《法治政府建设与责任落实督察工作规定》(2019): a 县/区 government reports by 1 March to the 同级党委 and
    人大常委会 and to the 上一级党委和政府, and publishes by 1 April. Who receives the report and when differ
    between places (a city reports to its province), so they are data the legal office edits; empty fields
    fall back to the defaults of ``reports.generator.facts`` for the jurisdiction's kind.
    """

    jurisdiction = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="report_settings")
    addressee = models.CharField("主送机关", max_length=200, blank=True, help_text="留空则按辖区层级默认")
    signature = models.CharField("落款(发文机关署名)", max_length=120, blank=True, help_text="留空则为本级人民政府")
    date_style = models.CharField("成文日期写法", max_length=10, choices=DateStyle.choices, default=DateStyle.ARABIC)
    report_due = models.CharField("报送时限", max_length=5, default="03-01", help_text="月-日,次年")
    publish_due = models.CharField("公开时限", max_length=5, default="04-01", help_text="月-日,次年")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报告设置"
        verbose_name_plural = "报告设置"

    def __str__(self) -> str:
        return f"{self.jurisdiction} 报告设置"


class AnnualReport(models.Model):
    """The 法治政府建设情况报告 of a jurisdiction for a year: its versions, its generation jobs, its publication."""

    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    theme_list = models.ForeignKey(
        ThemeList,
        verbose_name="报告结构",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="留空则按规划自身的章节分方面",
    )
    published_version = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 保密审查: who confirmed, before publishing, that the report holds nothing secret (required to publish).
    secrecy_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保密审查确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    secrecy_checked_at = models.DateTimeField("保密审查确认时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "法治政府建设情况报告"
        verbose_name_plural = "法治政府建设情况报告"
        ordering = ["-year", "jurisdiction_id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="annual_report_unique_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class VersionOrigin(models.TextChoices):
    GENERATED = "generated", "系统生成"
    EDITED = "edited", "人工修改"
    RESTORED = "restored", "恢复人工修改"


def report_file_path(instance: ReportVersion, filename: str) -> str:
    # The stored name never comes from a user.
    return f"reports/{instance.report.year}/{instance.report_id}/v{instance.number}-{filename}"


class ReportVersion(models.Model):
    """One draft of a report, kept for good: generated by the job or saved by a person.

    ``body`` is {"title", "sections": [{"key", "kind", "title", "paragraphs": [{"key", "title", "text",
    "sources"}]}]}; ``edited_keys`` are the paragraphs whose text a person wrote (carried from version to
    version); ``overrode`` are those a regeneration replaced, which the page shows with the difference.
    """

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    origin = models.CharField("来源", max_length=20, choices=VersionOrigin.choices)
    title = models.CharField("标题", max_length=200)
    body = models.JSONField(default=dict)
    edited_keys = models.JSONField(default=list, blank=True)
    overrode = models.JSONField(default=list, blank=True)
    facts = models.JSONField("数据概况", default=dict, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    job = models.ForeignKey("ReportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    docx = models.FileField(upload_to=report_file_path, max_length=200, blank=True)
    pdf = models.FileField(upload_to=report_file_path, max_length=200, blank=True)

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.report} · 第{self.number}版"

    @property
    def sections(self) -> list[dict]:
        return self.body.get("sections", [])


class JobStage(models.TextChoices):
    """The steps of drafting a report, as the page's progress line shows them."""

    QUEUED = "queued", "等待后台任务"
    GATHERING = "gathering", "汇集数据"
    WRITING = "writing", "撰写草稿"
    RENDERING = "rendering", "生成公文格式文件"
    DONE = "done", "完成"


STAGE_PERCENT = {
    JobStage.QUEUED: 5,
    JobStage.GATHERING: 25,
    JobStage.WRITING: 55,
    JobStage.RENDERING: 80,
    JobStage.DONE: 100,
}

ANNUAL_REPORT_JOB = job_kind_register(
    JobKind(
        name="annual_report",
        stages=tuple(StageSpec(s.value, s.label, STAGE_PERCENT[s]) for s in JobStage),
        task="reports.jobs.annual_report_generate",
        timeout=lambda: settings.LAWGOV_REPORT_JOB_TIMEOUT,
        # LAWGOV_REPORT_QUEUE sends drafts to a queue of their own (workers that may run LibreOffice, say).
        queue=lambda: settings.LAWGOV_REPORT_QUEUE or None,
        max_attempts=3,
        status_labels={JobStatus.RUNNING: "生成中"},
        messages={
            "broker_down": "无法连接后台任务队列(Redis),草稿没有开始生成。请联系系统管理员检查 Redis 和后台任务进程后"
            "重试;已有的草稿不受影响。",
            "interrupted": "后台任务多次中断,已停止。已有的草稿不受影响,请稍后重新生成。",
            "never_started": "排队超过{minutes}分钟仍未开始:后台任务进程(Celery worker)可能没有运行。"
            "请联系系统管理员;已有的草稿不受影响。",
        },
    )
)


class ReportJob(Job):
    """One request to generate a draft: a kernel ``Job`` (its life: claim, heartbeat, stages, takeover — see
    lawgov.background) plus which report it drafts, with which theme list, and the version it produced.

    It extends ``Job`` (multi-table inheritance) rather than pointing at a generic target from the kernel:
    the report side keeps real foreign keys (a report's jobs are ``report.jobs``, deleted with it, joined in
    one query), the kernel updates the ``Job`` row by the same primary key, and a report job reads as one
    object (``job.status``, ``job.version``). At most one is queued or running per report: the kernel's
    partial unique constraint on ``subject``, which ``save`` derives from the report.
    """

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="jobs")
    theme_list = models.ForeignKey(ThemeList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.ForeignKey(ReportVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "报告生成任务"
        verbose_name_plural = "报告生成任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.status_label}"

    @staticmethod
    def subject_of(report_id: int) -> str:
        return f"{ANNUAL_REPORT_JOB.name}:{report_id}"

    def save(self, *args, **kwargs) -> None:
        # The kind and the one-active-job key follow from the report: whoever creates the row (the service,
        # a test, the admin), the database still allows one active job per report.
        self.kind = ANNUAL_REPORT_JOB.name
        self.subject = self.subject_of(self.report_id)
        super().save(*args, **kwargs)
