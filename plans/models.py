"""Plans as the document says them: sections, numbered tasks, clauses with their units, deadlines, targets.

Nothing here knows about progress (that is the tasks app, which reads plans; plans never reads it).
A task's identity inside its plan is its ``path`` (二/(三)/2), not its printed number, because 南海's
numbering restarts in every section.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lawgov.models import (
    Job,
    JobKind,
    Role,
    ScopedQuerySet,
    SoftDeletableQuerySet,
    StageSpec,
    Unit,
    User,
    job_kind_register,
)
from plans.importing import corrections
from plans.importing import deadlines as deadline_rules
from plans.importing.outline import task_label


class PlanKind(models.TextChoices):
    SCHEME = "scheme", "工作方案"
    OPINION = "opinion", "实施意见"
    FIVE_YEAR_PLAN = "five_year_plan", "规划"
    ANNUAL_ARRANGEMENT = "annual_arrangement", "年度工作安排"
    KEY_POINTS = "key_points", "工作要点"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头"
    COOPERATING = "cooperating", "配合"
    RESPONSIBLE = "responsible", "责任"


# Which part outweighs which when one unit was given two on a clause (a document that prints a unit as both
# 牵头 and 配合, duplicates made before the unique constraint): the unit keeps the strongest.
ROLE_STRENGTH = {AssignmentRole.LEAD: 3, AssignmentRole.RESPONSIBLE: 2, AssignmentRole.COOPERATING: 1}


class PlanQuerySet(ScopedQuerySet):
    def _visible_by_role(self, user: User) -> PlanQuerySet:
        """Legal office, leaders, API clients: their jurisdictions' plans; a reporter: plans with its work."""
        if user.role == Role.REPORTER:
            if not user.unit_id:
                return self.none()
            task_ids = Task.objects.visible_to(user).values("plan_id")
            return self.active().filter(pk__in=task_ids)
        return self.active().in_jurisdictions(user)

    def editable_by(self, user: User) -> PlanQuerySet:
        return self.for_legal_office(user)


class Plan(models.Model):
    """A plan document of a jurisdiction (工作方案, 实施意见, 规划, 年度工作安排, 工作要点)."""

    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="plans")
    title = models.CharField("标题", max_length=200)
    kind = models.CharField("类型", max_length=30, choices=PlanKind.choices)
    doc_number = models.CharField("文号", max_length=80, blank=True)
    issuer = models.CharField("发文机关", max_length=120, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    period_start = models.PositiveSmallIntegerField("起始年份", null=True, blank=True)
    period_end = models.PositiveSmallIntegerField("截止年份", null=True, blank=True)
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    import_warnings = models.JSONField("导入提示", default=list, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "规划"
        verbose_name_plural = "规划"
        ordering = ["-issued_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end and self.period_end != self.period_start:
            return f"{self.period_start}—{self.period_end}年"
        if self.period_start:
            return f"{self.period_start}年"
        return ""

    @property
    def year(self) -> int | None:
        """The year a date without one ("12月20日前") belongs to."""
        if self.period_start and self.period_start == self.period_end:
            return self.period_start
        return self.issued_on.year if self.issued_on else self.period_start


class Section(models.Model):
    """A heading as printed (一、 / (一)); sections nest through ``parent``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    label = models.CharField("序号", max_length=20)
    title = models.CharField("标题", max_length=300)
    path = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "章节"
        verbose_name_plural = "章节"
        ordering = ["plan_id", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "path"], name="section_unique_path")]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"


class TaskQuerySet(ScopedQuerySet):
    def active(self) -> TaskQuerySet:
        """A task is retired with itself or with its plan."""
        return super().active().filter(plan__deleted_at__isnull=True)

    def _visible_by_role(self, user: User) -> TaskQuerySet:
        """A reporter sees the tasks where its unit, or a group phrase standing for it, has a part."""
        if user.role == Role.REPORTER:
            if not user.unit_id:
                return self.none()
            unit_ids = user.unit.covering_ids()
            return self.active().filter(
                pk__in=Assignment.objects.active().filter(unit_id__in=unit_ids).values("clause__task_id")
            )
        return self.active().in_jurisdictions(user, "plan__jurisdiction")

    def editable_by(self, user: User) -> TaskQuerySet:
        return self.for_legal_office(user, "plan__jurisdiction")

    def with_unit(self, unit_ids: list[int], role: str | list[str] | None = None) -> TaskQuerySet:
        """Tasks where one of the units has a part, in ``role`` (one role, or any of several) if given."""
        assignments = Assignment.objects.active().filter(unit_id__in=unit_ids)
        if role:
            assignments = assignments.filter(role__in=[role] if isinstance(role, str) else role)
        return self.filter(pk__in=assignments.values("clause__task_id"))

    def unassigned(self) -> TaskQuerySet:
        return self.exclude(pk__in=Assignment.objects.active().values("clause__task_id"))

    def awaiting_lead(self) -> TaskQuerySet:
        """Tasks still to be given out (待分配): no live lead or responsible unit, whatever helpers they have.

        A task with only 配合 units has nobody answering for it, so the plan page's filter still lists it.
        """
        answering = Assignment.objects.active().filter(role__in=[AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE])
        return self.exclude(pk__in=answering.values("clause__task_id"))


class Task(models.Model):
    """A numbered task as printed; ``path`` is its identity in the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    number = models.CharField("序号", max_length=20)
    path = models.CharField(max_length=120)
    heading = models.CharField("标题", max_length=300)
    text = models.TextField("内容")
    position = models.PositiveIntegerField(default=0)
    # The earliest one-off deadline; recurring deadlines roll forward from their rule (Deadline.next_due).
    due_on = models.DateField("完成时限", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "path"], condition=Q(deleted_at__isnull=True), name="task_unique_path"
            )
        ]
        indexes = [models.Index(fields=["plan", "due_on"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.label} {self.heading}"

    @property
    def label(self) -> str:
        """The task's number as the document prints it at its level: "3.", "(一)", "(2)", "①", "第五条".

        A (一)-level task must not read "一." (that is how a top-level 一、 heading looks). A suffix that keeps
        two tasks with the same printed number apart in ``path`` ("1-2") is not shown.
        """
        return task_label(re.sub(r"-\d+$", "", self.path))


class Clause(models.Model):
    """A stretch of a task followed by its own unit parenthesis (番禺 task 2 has two)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField("内容")

    class Meta:
        verbose_name = "分句"
        verbose_name_plural = "分句"
        ordering = ["task_id", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "position"], name="clause_unique_position")]

    def __str__(self) -> str:
        return self.text[:40]


class AssignmentQuerySet(SoftDeletableQuerySet):
    """Assignments are seen through their tasks; only ``active()`` is asked of them."""


class Assignment(models.Model):
    """A unit's part in a clause: lead, cooperating or responsible.

    ``printed_name`` keeps what the document said (区政府法制办) even when it resolved to a unit named
    otherwise; ``source`` tells imported parts from those the legal office set by hand, which a re-import
    must never drop.
    """

    class Source(models.TextChoices):
        IMPORTED = "imported", "导入"
        MANUAL = "manual", "手工指定"

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("角色", max_length=20, choices=AssignmentRole.choices)
    printed_name = models.CharField("原文名称", max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IMPORTED)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        ordering = ["clause_id", "position", "id"]
        indexes = [models.Index(fields=["unit", "role"])]
        # One part per unit and clause: a unit cannot both lead and help with the same clause, and a double
        # submit cannot add the same unit twice. Retired rows (deleted_at) stay as history, outside the rule.
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "unit"], condition=Q(deleted_at__isnull=True), name="assignment_unique_live_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class Deadline(models.Model):
    """A 时限: one-off (到2016年底 → due_on) or recurring (每年第一季度 → recurrence rule)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadlines")
    text = models.CharField("原文", max_length=120)
    due_on = models.DateField(null=True, blank=True)
    recurrence = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "时限"
        verbose_name_plural = "时限"

    def __str__(self) -> str:
        return self.text

    def next_due(self, *, today: dt.date) -> dt.date | None:
        """The next date this deadline falls due on or after ``today``; one-off deadlines do not move.

        Recurring ones follow the importer's rule (``plans.importing.deadlines.next_due``), the only one.
        """
        if not self.recurrence:
            return self.due_on
        return deadline_rules.next_due(self.recurrence, today)

    @property
    def rule_text(self) -> str:
        """How the recurrence reads on a page (每年6月底前, 每季度末); empty for a one-off deadline."""
        return deadline_rules.describe(self.recurrence) if self.recurrence else ""


class Target(models.Model):
    """A quantitative target (量化目标): 不少于4次 a year, 不少于60学时 per person."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    text = models.CharField("原文", max_length=200)
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    measure = models.CharField("计量单位", max_length=20, blank=True)
    period = models.CharField("周期", max_length=20, blank=True)
    per = models.CharField("计量对象", max_length=20, blank=True)
    comparison = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "量化目标"
        verbose_name_plural = "量化目标"

    def __str__(self) -> str:
        return self.text


class PlanRequirement(models.Model):
    """A closing duty of the plan (工作要求 / 组织保障): plans due each March, summaries next March…"""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    deadlines = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "工作要求"
        verbose_name_plural = "工作要求"
        ordering = ["plan_id", "position"]

    def __str__(self) -> str:
        return self.text[:40]


class ReferenceReport(models.Model):
    """A report (not a plan) read by the importer, such as 广州's 2018 法治政府建设情况报告: kept whole as a
    reference for the annual report drafts, never forced into tasks."""

    jurisdiction = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reference_reports")
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    parsed = models.JSONField(default=dict)
    text = models.TextField()
    source_sha256 = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参考报告"
        verbose_name_plural = "参考报告"
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "title"], name="reference_report_unique")]

    def __str__(self) -> str:
        return self.title


class PlanImportQuerySet(ScopedQuerySet):
    """Imports are the legal office's work: only the legal office of the import's jurisdiction sees a
    preview, corrects it or confirms it (the one rule the import pages ask)."""

    soft_delete_field = None

    def _visible_by_role(self, user: User) -> PlanImportQuerySet:
        return self.for_legal_office(user)


class PlanImport(models.Model):
    """An uploaded document between parsing and the legal office's confirmation.

    The file is kept (outside static/) so nothing a user sent is lost, and the preview can be reopened.
    ``parsed`` stays what the parser read; the legal office's corrections are rows of their own, applied
    on top of it (``plans.services.plan_import_corrected``).
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        CONFIRMED = "confirmed", "已导入"
        FAILED = "failed", "导入失败"

    jurisdiction = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plan_imports")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    parsed = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=list, blank=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanImportQuerySet.as_manager()

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


# --- reading slow formats in the background -----------------------------------------------------------


class ImportJobStage(models.TextChoices):
    """The steps of reading an upload that takes seconds (.pdf, .doc/.wps/.xls, a scan), as the page shows
    them; the keys are the ones plans.importing.formats reports."""

    QUEUED = "queued", "等待后台处理"
    READING = "reading", "读取文件"
    CONVERTING = "converting", "转换格式"
    EXTRACTING = "extracting", "提取文字"
    RECOGNISING = "recognising", "文字识别(OCR)"
    PARSING = "parsing", "解析任务"
    DONE = "done", "完成"


IMPORT_STAGE_PERCENT = {
    ImportJobStage.QUEUED: 0,
    ImportJobStage.READING: 5,
    ImportJobStage.CONVERTING: 10,
    ImportJobStage.EXTRACTING: 30,
    ImportJobStage.RECOGNISING: 40,
    ImportJobStage.PARSING: 90,
    ImportJobStage.DONE: 100,
}

PLAN_IMPORT_JOB = job_kind_register(
    JobKind(
        name="plan_import",
        stages=tuple(StageSpec(s.value, s.label, IMPORT_STAGE_PERCENT[s]) for s in ImportJobStage),
        task="plans.jobs.plan_import_read",
        timeout=lambda: settings.LAWGOV_PLAN_IMPORT_JOB_TIMEOUT,
        max_attempts=2,
        status_labels={"running": "读取中"},
        messages={
            "broker_down": "无法连接后台任务队列(Redis),文件没有开始读取。请联系系统管理员,或上传.docx/.txt版本。",
            "interrupted": "读取文件的后台任务多次中断,已停止。请稍后重新上传,或上传.docx/.txt版本。",
        },
    )
)


class PlanImportJob(Job):
    """Reading one uploaded file in the background: a kernel ``Job`` (claim, heartbeat, stages; see
    lawgov.background) plus the file, where it goes, and the preview (``PlanImport``) it produced."""

    jurisdiction = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=20, blank=True)
    plan_import = models.ForeignKey(PlanImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "规划文件读取任务"
        verbose_name_plural = "规划文件读取任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.status_label}"

    @staticmethod
    def subject_of(jurisdiction_id: int, sha256: str) -> str:
        """One active job per file and jurisdiction: a second click on 上传 joins the first."""
        return f"{PLAN_IMPORT_JOB.name}:{jurisdiction_id}:{sha256[:40]}"

    def save(self, *args, **kwargs) -> None:
        self.kind = PLAN_IMPORT_JOB.name
        self.subject = self.subject_of(self.jurisdiction_id, self.sha256)
        super().save(*args, **kwargs)


class PlanImportCorrectionQuerySet(SoftDeletableQuerySet):
    """Corrections are reached through their import or plan; ``active()`` are those not undone."""


class PlanImportCorrection(models.Model):
    """A fix the legal office made to what the parser read (``plans.importing.corrections``): change the
    task level, a heading to a task or back, merge or split tasks, a unit's role.

    Made on a preview (``plan_import``); on confirmation it joins the plan (``plan``), and every later
    import of a revised version of the same plan applies the plan's corrections again, in order
    (``id``), skipping and reporting those whose target is gone. Undoing one retires it (``deleted_at``).
    """

    class Kind(models.TextChoices):
        TASK_LEVEL = corrections.TASK_LEVEL, corrections.KINDS[corrections.TASK_LEVEL]
        TASK = corrections.MAKE_TASK, corrections.KINDS[corrections.MAKE_TASK]
        NOT_TASK = corrections.NOT_TASK, corrections.KINDS[corrections.NOT_TASK]
        MERGE = corrections.MERGE, corrections.KINDS[corrections.MERGE]
        SPLIT = corrections.SPLIT, corrections.KINDS[corrections.SPLIT]
        UNIT_ROLE = corrections.UNIT_ROLE, corrections.KINDS[corrections.UNIT_ROLE]

    plan_import = models.ForeignKey(PlanImport, on_delete=models.CASCADE, related_name="corrections")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="import_corrections")
    kind = models.CharField("修改", max_length=20, choices=Kind.choices)
    target = models.CharField("对象", max_length=200, blank=True)
    value = models.JSONField("内容", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = PlanImportCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = "导入修改"
        verbose_name_plural = "导入修改"
        ordering = ["id"]

    def __str__(self) -> str:
        return corrections.describe(self.operation)

    @property
    def operation(self) -> dict:
        return {"kind": self.kind, "target": self.target, "value": self.value}


# --- the 分工 sheet round trip (plans.division) ----------------------------------------------------------


class DivisionImportQuerySet(ScopedQuerySet):
    """A 分工 sheet is the legal office's work: only the legal office of the plan's jurisdiction sees its
    preview or confirms it."""

    soft_delete_field = None

    def _visible_by_role(self, user: User) -> DivisionImportQuerySet:
        return self.for_legal_office(user, "plan__jurisdiction").filter(plan__deleted_at__isnull=True)


class DivisionImport(models.Model):
    """An uploaded 分工 sheet between its preview and the legal office's confirmation.

    The file is kept (nothing a user sent is lost, and the confirmation reads it again); ``preview`` is the
    list of changes and row errors the page shows; ``fingerprint`` is the plan's 分工 and those changes as
    they were when previewed: a confirmation that finds another one refuses (someone changed the plan since).
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        CONFIRMED = "confirmed", "已导入"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="division_imports")
    file = models.FileField(upload_to="imports/division/%Y/%m/")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    preview = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = DivisionImportQuerySet.as_manager()

    class Meta:
        verbose_name = "分工表导入"
        verbose_name_plural = "分工表导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
