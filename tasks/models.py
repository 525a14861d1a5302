"""The work done on plan tasks through the year: progress reports, evidence, review, and the kinds of
notification it sends (the notifications themselves are the kernel's, lawgov.models.Notification).

This app reads plans; plans never reads it. A task's status is derived (tasks.status), never typed in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lawgov.models import (  # noqa: F401 (CalendarDay: moved to the kernel, still importable here)
    CalendarDay,
    Role,
    ScopedQuerySet,
    SoftDeletable,
    StoredFile,
    Unit,
    User,
    stored_file_path,
)
from plans.models import Plan, Task


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    RESUBMITTED = "resubmitted", "已重新提交"
    ACCEPTED = "accepted", "已采纳"


WAITING_FOR_REVIEW = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED)
EDITABLE_BY_UNIT = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# A report's jurisdiction is its task's plan's.
REPORT_JURISDICTION = "task__plan__jurisdiction"


class ProgressReportQuerySet(ScopedQuerySet):
    def _visible_by_role(self, user: User) -> ProgressReportQuerySet:
        """The legal office and leaders: every report of their jurisdictions (the legal office sees soft
        deleted ones too, through ``with_deleted_for``). A reporter: its own unit's reports, and, where its
        unit leads a task, the helpers' reports on that task (not their drafts)."""
        if user.role == Role.REPORTER:
            if not user.unit_id:
                return self.none()
            led = Task.objects.active().with_unit(user.unit.covering_ids(), "lead")
            return self.active().filter(Q(unit_id=user.unit_id) | (Q(task__in=led) & ~Q(status=ReportStatus.DRAFT)))
        if user.role == Role.API_CLIENT or user.role == Role.LEADER:
            return self.active().in_jurisdictions(user, REPORT_JURISDICTION).exclude(status=ReportStatus.DRAFT)
        return self.active().in_jurisdictions(user, REPORT_JURISDICTION)

    def with_deleted_for(self, user: User) -> ProgressReportQuerySet:
        """Soft-deleted reports stay visible to the legal office (and only to it)."""
        if user.is_superuser:
            return self.all()
        if user.role != Role.LEGAL_OFFICE:
            return self.visible_to(user)
        return self.in_jurisdictions(user, REPORT_JURISDICTION)

    def editable_by(self, user: User) -> ProgressReportQuerySet:
        """Who may change a report's content: its own unit's reporters while draft or returned; the legal
        office for reports it entered on a unit's behalf (代填). Never another unit."""
        if not user.is_authenticated or user.read_only:
            return self.none()
        base = self.active().filter(status__in=EDITABLE_BY_UNIT)
        if user.is_superuser:
            return base
        if user.role == Role.REPORTER:
            return base.filter(unit_id=user.unit_id) if user.unit_id else self.none()
        return base.in_jurisdictions(user, REPORT_JURISDICTION).filter(on_behalf=True)

    def reviewable_by(self, user: User) -> ProgressReportQuerySet:
        return self.for_legal_office(user, REPORT_JURISDICTION)

    def deletable_by(self, user: User) -> ProgressReportQuerySet:
        """Who may delete (softly, with a reason) a report: whoever may change it, and the legal office that
        reviews it (an accepted report too; a unit never deletes an accepted one, see the service)."""
        return self.editable_by(user) | self.reviewable_by(user)

    def restorable_by(self, user: User) -> ProgressReportQuerySet:
        """The soft-deleted reports this user may restore (恢复): the legal office's, of its jurisdictions."""
        if not user.is_authenticated or user.read_only:
            return self.none()
        deleted = self.filter(deleted_at__isnull=False)
        if user.is_superuser:
            return deleted
        if user.role != Role.LEGAL_OFFICE:
            return self.none()
        return deleted.in_jurisdictions(user, REPORT_JURISDICTION)


class ProgressReport(models.Model):
    """What a unit did on a task: dated text, a percent as the unit reported it, evidence files.

    ``version`` is bumped on every save by the services; an edit posted with an older version is refused
    (two people editing the same report never overwrite each other silently).
    """

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.PROTECT, related_name="progress_reports")
    unit = models.ForeignKey(Unit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="progress_reports")
    reported_on = models.DateField("进展日期")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成比例(%)")
    claims_completion = models.BooleanField("申请完成", default=False)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    return_reason = models.TextField("退回理由", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField("代填", default=False, help_text="法制办根据电话或纸质材料代单位填报")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why it was deleted (required by ``progress_report_delete``); history keeps it after a restore clears it.
    delete_reason = models.TextField("删除理由", blank=True, default="")

    # The blank form's token (tasks.forms.ProgressReportForm): a second POST of it finds this report.
    form_token = models.CharField(max_length=32, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at", "form_token"])
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(fields=["task", "reported_on"]),
            models.Index(fields=["unit", "reported_on"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="report_percent_0_100"),
            # The same form posted twice makes one report (issue 18: double submits made two).
            models.UniqueConstraint(
                fields=["task", "unit", "form_token"], condition=~Q(form_token=""), name="report_form_token_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.task.number} · {self.reported_on}"

    @property
    def waiting_for_review(self) -> bool:
        return self.status in WAITING_FOR_REVIEW


def evidence_path(instance: Evidence, filename: str) -> str:
    """Named by the migrations as ``Evidence.file``'s ``upload_to``; the rule is the kernel's."""
    return stored_file_path(instance, filename)


class Evidence(SoftDeletable, StoredFile):
    """A file backing a progress report; stored under MEDIA_ROOT, served only through a checked view."""

    upload_dir = "evidence"

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]


class ProgressImport(models.Model):
    """A filled 任务进展表 between its preview and the unit's (or legal office's) confirmation.

    The file is kept (nothing a user sent is lost; the confirmation reads it again and checks every row
    once more); ``preview`` is what the page shows: each row read with its error, or the sheet's error.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        CONFIRMED = "confirmed", "已导入"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="progress_imports")
    file = models.FileField(upload_to="imports/progress/%Y/%m/")
    original_name = models.CharField(max_length=200)
    preview = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_reports = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "进展表导入"
        verbose_name_plural = "进展表导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class TaskProgress(models.Model):
    """The facts about a task that progress establishes, kept beside it (plans must not know them).

    ``completed_on`` is set when the legal office accepts a completion claim from the lead unit;
    ``last_report_on`` is the date of the latest submitted report. Status is computed from these and
    the task's due date (tasks.status), never stored.
    """

    task = models.OneToOneField(Task, primary_key=True, on_delete=models.CASCADE, related_name="progress")
    last_report_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务进度"
        verbose_name_plural = "任务进度"
        indexes = [models.Index(fields=["completed_on"])]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.completed_on or '-'}"


class NotificationKind(models.TextChoices):
    """The kinds of notification this app sends, registered with the kernel's registry in ``TasksConfig.ready``."""

    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    RETURNED = "returned", "进展被退回"
    DIGEST = "digest", "每周汇总"
    REVIEWED = "reviewed", "进展已审核"
    ASSIGNED = "assigned", "任务交办"
    URGED = "urged", "催办"
    EXTENSION = "extension", "延期申请"


# --- the 督办 cycle: working-day calendar, warnings, the daily sweep ------------------------------------


class WarningLevel(models.TextChoices):
    """预警: blue near the deadline, yellow behind schedule or silent or returned, red overdue."""

    NONE = "none", "无"
    BLUE = "blue", "蓝色预警"
    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色预警"


class WarningPolicy(models.Model):
    """A jurisdiction's warning thresholds, in working days; without a row the settings' defaults apply
    (``tasks.warnings.policy_defaults``)."""

    jurisdiction = models.OneToOneField(
        Unit, verbose_name="辖区", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    blue_days = models.PositiveSmallIntegerField("蓝色预警:距时限工作日数", help_text="时限前这么多个工作日内为蓝色")
    behind_margin = models.PositiveSmallIntegerField(
        "黄色预警:进度落后百分点", help_text="报送的完成比例低于时间进度这么多个百分点为黄色"
    )
    silent_days = models.PositiveSmallIntegerField(
        "黄色预警:未报送工作日数", help_text="这么多个工作日未报送进展为黄色"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "预警阈值"
        verbose_name_plural = "预警阈值"

    def __str__(self) -> str:
        return f"{self.jurisdiction}: 蓝{self.blue_days} 黄{self.behind_margin}%/{self.silent_days}"


class TaskWarning(models.Model):
    """A task's warning as the daily sweep last computed it, and when it last changed.

    Stored, although it is derived, because it changes when only the date moves: lists filter and count on
    this column (no per-row Python), and ``changed_at`` lets an incremental API pull (``updated_since``)
    see the tasks whose warning changed overnight. The rule itself is ``tasks.warnings.task_warning``.
    """

    task = models.OneToOneField(Task, primary_key=True, on_delete=models.CASCADE, related_name="warning")
    level = models.CharField("预警", max_length=10, choices=WarningLevel.choices, default=WarningLevel.NONE)
    reason = models.CharField("预警原因", max_length=200, blank=True)
    changed_at = models.DateTimeField("变化时间")

    class Meta:
        verbose_name = "任务预警"
        verbose_name_plural = "任务预警"
        indexes = [models.Index(fields=["level"]), models.Index(fields=["changed_at"])]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.level}"


class SweepRun(models.Model):
    """One run of the daily sweep (deadline rolls, warnings, reminders, the weekly digest), one row a day.

    The row for a day is the lock: whoever inserts it runs the sweep, a second start the same day finds it
    and exits (so running it twice sends nothing twice, under beat and in the embedded default alike).
    The admin and the 工作台 read the latest row to say when the sweep last ran.
    """

    day = models.DateField("日期", unique=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    trigger = models.CharField("触发方式", max_length=20)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "每日巡检"
        verbose_name_plural = "每日巡检"
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.trigger}"


class TaskSignature(models.Model):
    """交办 and 签收: a task given to one unit (``assigned_at``, when its reporters were told) and the unit's
    acknowledgement (``signed_at``), once per task and unit.

    A group phrase (各镇街) stands for its units, and each of them signs for itself. Rows are created by
    ``tasks.services.assignments_deliver`` for every unit with a live assignment and no row yet, whichever
    way the assignment was made (import, by hand, in bulk).
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="signatures")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="task_signatures")
    assigned_at = models.DateTimeField("交办时间")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "交办签收"
        verbose_name_plural = "交办签收"
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="tasksignature_unique_task_unit")]
        indexes = [models.Index(fields=["unit", "signed_at"])]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.unit_id}: {self.signed_at or '未签收'}"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    FEISHU = "feishu", "飞书群机器人"


class UnitReminderSettings(models.Model):
    """How a unit is chased (催办): the leader a second 催办 copies, the contact person named when the unit
    has no reporter account, and the group robot its notices are also posted to.

    The webhook URL is posted to as entered, in the vendor's message format, so a 政务网 relay (or a test
    server) can stand in for the vendor's host.
    """

    unit = models.OneToOneField(Unit, primary_key=True, on_delete=models.CASCADE, related_name="reminder_settings")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分管领导账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="同一任务第二次催办时抄送",
    )
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    webhook_kind = models.CharField("群机器人", max_length=10, choices=WebhookKind.choices, blank=True)
    webhook_url = models.URLField("群机器人地址", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位催办设置"
        verbose_name_plural = "单位催办设置"

    def __str__(self) -> str:
        return str(self.unit)


# A 催办's or an extension request's jurisdiction is its task's plan's.
TASK_JURISDICTION = "task__plan__jurisdiction"


class TaskRecordQuerySet(ScopedQuerySet):
    """Who may read the 督办 records of a task (催办, 延期申请): the legal office, leaders and API clients every
    record of their jurisdictions; a reporter only its own unit's. Records of a retired task or plan are not
    listed (the task itself is gone from every list)."""

    soft_delete_field = None  # the records are never retired; their task is

    def _visible_by_role(self, user: User):
        live = self.filter(task__deleted_at=None, task__plan__deleted_at=None)
        if user.role == Role.REPORTER:
            return live.filter(unit_id=user.unit_id) if user.unit_id else self.none()
        return live.in_jurisdictions(user, TASK_JURISDICTION)


class Reminder(models.Model):
    """One 催办 of one unit on one task: who sent it (nobody: the schedule), when, the text, whom it reached
    and how. Whether it was read is its notifications' ``read_at`` (key ``reminder:<id>:…``)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="催办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空:系统按计划自动催办",
    )
    sent_at = models.DateTimeField("催办时间")
    text = models.TextField("催办内容")
    escalated = models.BooleanField("已抄送分管领导", default=False)
    recipients = models.JSONField("接收人", default=list, blank=True)
    channels = models.JSONField("送达方式", default=dict, blank=True)

    objects = TaskRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "催办"
        verbose_name_plural = "催办"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["task", "unit", "sent_at"]), models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.unit_id} · {self.sent_at:%Y-%m-%d}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class ExtensionRequest(models.Model):
    """延期申请: a unit asks, before the deadline, to move it to ``new_due_on`` for a reason; the legal office
    approves (the task's deadline moves, ``old_due_on`` keeps the one it replaced) or refuses, with a comment.
    The rows are the task's deadline history."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extension_requests")
    unit = models.ForeignKey(Unit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    reason = models.TextField("延期理由")
    old_due_on = models.DateField("原时限")
    new_due_on = models.DateField("申请延至")
    status = models.CharField("状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    comment = models.TextField("审批意见", blank=True)
    # Set when the legal office moved the deadline itself (after the deadline a unit can no longer ask): the
    # row is then the grant, approved at once by the same person, and the history shows who did it.
    office_granted = models.BooleanField("法制办直接延期", default=False)

    objects = TaskRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["task", "status"])]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.old_due_on} → {self.new_due_on} ({self.status})"
