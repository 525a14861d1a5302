"""API shapes of tasks and progress reports.

Task lists are built as plain dicts by ``tasks.api.rows`` (fast, constant queries); these
serializers describe that shape for the OpenAPI schema and validate what clients send.
"""

from django.core.validators import RegexValidator
from rest_framework import serializers

from lawgov.filters import MAX_ID
from plans.models import AssignmentRole
from tasks.models import ExtensionStatus, ReportStatus, WarningLevel
from tasks.status import TaskStatus


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class SectionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    title = serializers.CharField()
    path = serializers.CharField()


class ClauseUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=AssignmentRole.choices)
    printed_name = serializers.CharField()


class ClauseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    units = ClauseUnitSerializer(many=True)


class DeadlineSerializer(serializers.Serializer):
    text = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    recurrence = serializers.JSONField(allow_null=True)


class TargetSerializer(serializers.Serializer):
    text = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    measure = serializers.CharField()
    period = serializers.CharField()


class ProgressReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    task = serializers.IntegerField()
    unit = RefSerializer(read_only=True)
    reported_on = serializers.DateField()
    text = serializers.CharField()
    percent = serializers.IntegerField()
    claims_completion = serializers.BooleanField()
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    on_behalf = serializers.BooleanField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    return_reason = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class SignatureSerializer(serializers.Serializer):
    """交办 and 签收 of the task by one unit (each unit signs for itself)."""

    unit = RefSerializer()
    assigned_at = serializers.DateTimeField()
    signed_at = serializers.DateTimeField(allow_null=True)


class ExtensionSerializer(serializers.Serializer):
    """延期申请: the deadline it asked to move (old → new) and the legal office's decision."""

    unit = RefSerializer()
    reason = serializers.CharField()
    old_due_on = serializers.DateField()
    new_due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ExtensionStatus.choices)
    comment = serializers.CharField()


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = PlanRefSerializer()
    section = SectionRefSerializer(allow_null=True)
    number = serializers.CharField()
    path = serializers.CharField()
    heading = serializers.CharField()
    text = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    completed_on = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(
        allow_null=True, help_text="办结销号时间(法制办审核通过完成申请之时);长期坚持的任务不销号,为空"
    )
    warning = serializers.ChoiceField(choices=WarningLevel.choices, help_text="预警,每日巡检计算")
    warning_reason = serializers.CharField(help_text="预警原因;无预警时为空")
    updated_at = serializers.DateTimeField()
    clauses = ClauseSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    signatures = SignatureSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    latest_progress = ProgressReportSerializer(allow_null=True)


class TaskDetailSerializer(TaskSerializer):
    targets = TargetSerializer(many=True)
    progress_reports = ProgressReportSerializer(many=True)


class ProgressReportCreateSerializer(serializers.Serializer):
    """What a client sends to log progress. ``unit`` is required for the legal office (代填) and must be the
    caller's own unit for a reporter (or omitted)."""

    task = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    reported_on = serializers.DateField()
    # Blank or only spaces is refused (DRF trims); the pattern tells the schema so.
    text = serializers.CharField(validators=[RegexValidator(r"\S", message="进展内容不能为空。")])
    percent = serializers.IntegerField(
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "完成比例不能小于0。",
            "max_value": "完成比例不能大于100。",
            "invalid": "完成比例必须是整数。",
        },
    )
    claims_completion = serializers.BooleanField(default=False)
    submit = serializers.BooleanField(default=True)


class TaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(help_text="规划ID")
    path = serializers.CharField()
    heading = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReminderRecipientSerializer(PersonSerializer):
    read_at = serializers.DateTimeField(allow_null=True, help_text="该接收人在平台中阅读催办的时间;未读为空")


class ReminderSerializer(serializers.Serializer):
    """催办: one unit chased on one task, by the legal office or by the schedule (``sent_by`` null)."""

    id = serializers.IntegerField()
    task = TaskRefSerializer()
    unit = RefSerializer()
    sent_by = PersonSerializer(allow_null=True, help_text="催办人;为空表示系统按计划自动催办")
    sent_at = serializers.DateTimeField()
    text = serializers.CharField()
    escalated = serializers.BooleanField(help_text="同一任务再次催办,已抄送单位分管领导")
    recipients = ReminderRecipientSerializer(many=True)
    channels = serializers.DictField(
        child=serializers.JSONField(), help_text="送达方式:bell 站内通知人数,email 邮件人数,webhook 群机器人结果"
    )


class ExtensionRequestSerializer(serializers.Serializer):
    """延期申请 with the legal office's decision; ``office_granted``: the legal office moved the deadline itself."""

    id = serializers.IntegerField()
    task = TaskRefSerializer()
    unit = RefSerializer()
    requested_by = PersonSerializer()
    requested_at = serializers.DateTimeField()
    reason = serializers.CharField()
    old_due_on = serializers.DateField()
    new_due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ExtensionStatus.choices)
    decided_by = PersonSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()
    office_granted = serializers.BooleanField()
