"""One FilterSet per listed model of the tasks app. Task lists: the HTML list, the exports and the API all
filter through ``TaskFilterSet``; the API's progress-report list through ``ProgressReportFilterSet``; the notices
page through ``NotificationFilterSet``."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from lawgov.filters import ID_SCHEMA, BooleanFilter, FilterSet, IdFilter, StableOrderingFilter
from lawgov.models import Notification, Unit
from lawgov.notifications import kind_choices
from plans.models import Assignment, AssignmentRole, Plan, Section, Task
from tasks.models import (
    ExtensionRequest,
    ExtensionStatus,
    ProgressReport,
    Reminder,
    ReportStatus,
    TaskWarning,
    WarningLevel,
)
from tasks.search import contains_text
from tasks.status import TaskStatus, status_filter
from tasks.warnings import level_filter
from tasks.years import YEAR_MAX, YEAR_MIN, year_filter

# Model choices are ids on the wire; tell the OpenAPI schema so.
id_filter = extend_schema_field(ID_SCHEMA)

YEAR_HELP = (
    "年度:该年到期的任务(一次性时限在该年),加上所属规划期限覆盖该年、在该年1月1日前未办结的任务"
    "(时限在该年之前的结转任务,以及只有周期性时限或没有时限的任务);一次性时限在该年之后的任务不计入。"
    "规划未写明期限的,按成文年份至最后一个一次性时限所在年份。"
)


@extend_schema_field(
    {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX, "description": YEAR_HELP, "example": 2025}
)
class YearFilter(django_filters.NumberFilter):
    """``?year=2025``: the tasks of a year, by the one rule of ``tasks.years.year_filter``."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        message = f"年度请填写 {YEAR_MIN} 至 {YEAR_MAX} 之间的四位年份,如 2025。"
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("error_messages", {"invalid": message, "min_value": message, "max_value": message})
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"min": YEAR_MIN, "max": YEAR_MAX, "placeholder": "如 2025"})
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(year_filter(value))


class TaskFilterSet(FilterSet):
    jurisdiction = id_filter(
        django_filters.ModelChoiceFilter(
            label="辖区",
            field_name="plan__jurisdiction",
            queryset=Unit.objects.none(),
            empty_label="全部辖区",
            error_messages={"invalid_choice": "没有这个辖区,或您无权查看(请填写辖区的单位ID)。"},
        )
    )
    plan = id_filter(
        django_filters.ModelChoiceFilter(
            label="规划",
            queryset=Plan.objects.none(),
            empty_label="全部规划",
            error_messages={"invalid_choice": "没有这个规划,或它不在您的辖区(请填写规划ID)。"},
        )
    )
    year = YearFilter(label="年度", help_text=YEAR_HELP)
    section = id_filter(
        django_filters.ModelChoiceFilter(
            label="章节",
            queryset=Section.objects.none(),
            method="filter_section",
            error_messages={"invalid_choice": "没有这个章节,或它不在您的辖区(请填写章节ID)。"},
        )
    )
    unit = id_filter(
        django_filters.ModelChoiceFilter(
            label="单位",
            queryset=Unit.objects.none(),
            method="filter_unit",
            empty_label="全部单位",
            error_messages={"invalid_choice": "没有这个单位,或它不在您的辖区(请填写单位ID)。"},
        )
    )
    # Repeatable: the 驾驶舱's "units answering for a task" are its lead and responsible units (责任单位 is the
    # lead where a plan does not split lead and helpers), ``?unit=7&role=lead&role=responsible``.
    role = django_filters.MultipleChoiceFilter(
        label="分工", choices=AssignmentRole.choices, method="filter_role", widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        label="状态", choices=TaskStatus.choices, method="filter_status", widget=forms.CheckboxSelectMultiple
    )
    due_before = django_filters.DateFilter(
        label="时限早于",
        field_name="due_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_after = django_filters.DateFilter(
        label="时限晚于",
        field_name="due_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Strict true/false (or 1/0): an unknown value is a 400, not silently "no filter".
    overdue = BooleanFilter(label="已逾期", method="filter_overdue")
    warning = django_filters.MultipleChoiceFilter(
        label="预警", choices=WarningLevel.choices, method="filter_warning", widget=forms.CheckboxSelectMultiple
    )
    # A task whose warning changed overnight (only the date moved) is a change for an incremental pull.
    updated_since = django_filters.IsoDateTimeFilter(label="更新于此后", method="filter_updated_since")
    search = django_filters.CharFilter(label="搜索", method="filter_search")
    ordering = StableOrderingFilter(
        fields=(("due_on", "due_on"), ("updated_at", "updated_at"), ("position", "position"), ("id", "id")),
        label="排序",
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, today=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.today = today or timezone.localdate()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            plans = Plan.objects.visible_to(user)
            self.filters["plan"].queryset = plans
            self.filters["section"].queryset = Section.objects.filter(plan__in=plans)
            self.filters["unit"].queryset = Unit.objects.in_directory_of(user)
            self.filters["jurisdiction"].queryset = Unit.objects.filter(pk__in=[j.pk for j in user.jurisdictions()])

    def filter_section(self, queryset, name, value):
        descendants = [value.pk]
        frontier = [value.pk]
        # Sections nest two or three levels at most: walk down without loading the plan.
        while frontier:
            frontier = list(Section.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            descendants.extend(frontier)
        return queryset.filter(section_id__in=descendants)

    def filter_unit(self, queryset, name, value):
        roles = self.form.cleaned_data.get("role") or None
        ids = value.covering_ids() if not value.is_group else [value.pk]
        return queryset.with_unit(ids, roles)

    def filter_role(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("unit"):
            return queryset  # applied together with the unit
        return queryset.filter(pk__in=Assignment.objects.active().filter(role__in=value).values("clause__task_id"))

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        wanted = set(value)
        open_statuses = set(TaskStatus.values) - {TaskStatus.DONE}
        if wanted >= set(TaskStatus.values):
            return queryset
        if wanted == open_statuses:
            # "Every open task" is the common pull; one NOT-done test is far cheaper than four ORed rules.
            return queryset.exclude(status_filter(TaskStatus.DONE, today=self.today))
        condition = Q()
        for status in value:
            condition |= status_filter(status, today=self.today)
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = status_filter(TaskStatus.OVERDUE, today=self.today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_warning(self, queryset, name, value):
        if not value or set(value) >= set(WarningLevel.values):
            return queryset
        return queryset.filter(level_filter(value))

    def filter_updated_since(self, queryset, name, value):
        if value is None:
            return queryset
        changed = TaskWarning.objects.filter(changed_at__gte=value).values("task_id")
        return queryset.filter(Q(updated_at__gte=value) | Q(pk__in=changed))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The search page's substring test: on PostgreSQL a two-character word goes to the bigram index
        # (tasks/migrations/0011), longer ones to the trigram index; SQLite: LIKE.
        return queryset.filter(contains_text("heading", value) | contains_text("text", value))


class ProgressReportFilterSet(FilterSet):
    task = IdFilter(field_name="task_id")
    unit = IdFilter(field_name="unit_id")
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    reported_after = django_filters.DateFilter(field_name="reported_on", lookup_expr="gte")

    class Meta:
        model = ProgressReport
        fields: list[str] = []


class ReminderFilterSet(FilterSet):
    """催办 over the API (``/api/v1/reminders/``). ``updated_since``: sent since, or read since by one of its
    recipients (whether a 催办 was read is part of it, and an incremental pull must see it change)."""

    task = IdFilter(field_name="task_id")
    unit = IdFilter(field_name="unit_id")
    plan = IdFilter(field_name="task__plan_id")
    automatic = BooleanFilter(label="自动催办", method="filter_automatic")
    escalated = BooleanFilter(label="已抄送分管领导", field_name="escalated")
    sent_after = django_filters.DateFilter(label="催办日期不早于", field_name="sent_at", lookup_expr="date__gte")
    updated_since = django_filters.IsoDateTimeFilter(label="更新于此后", method="filter_updated_since")

    class Meta:
        model = Reminder
        fields: list[str] = []

    def filter_automatic(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(sent_by__isnull=value)

    def filter_updated_since(self, queryset, name, value):
        if value is None:
            return queryset
        # The notices of a 催办 are keyed "reminder:<id>:<user>" (tasks.supervision.reminders_urge). The ids
        # read since are few for an incremental pull, and one query for them beats a LIKE per reminder row.
        keys = Notification.objects.filter(
            kind=Notification.Kind.URGED, read_at__gte=value, key__startswith="reminder:"
        ).values_list("key", flat=True)
        read = {int(key.split(":")[1]) for key in keys}
        return queryset.filter(Q(sent_at__gte=value) | Q(pk__in=read))


class ExtensionRequestFilterSet(FilterSet):
    """延期申请 over the API (``/api/v1/extensions/``). ``updated_since``: asked for or decided since."""

    task = IdFilter(field_name="task_id")
    unit = IdFilter(field_name="unit_id")
    plan = IdFilter(field_name="task__plan_id")
    status = django_filters.MultipleChoiceFilter(label="状态", choices=ExtensionStatus.choices)
    updated_since = django_filters.IsoDateTimeFilter(label="更新于此后", method="filter_updated_since")

    class Meta:
        model = ExtensionRequest
        fields: list[str] = []

    def filter_updated_since(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(requested_at__gte=value) | Q(decided_at__gte=value))


class NotificationFilterSet(FilterSet):
    """The notices page (``/notifications/``): by kind, read or unread, and the day they came; the queryset
    it filters is already the user's own (``Notification.objects.filter(user=…)`` in the view)."""

    kind = django_filters.ChoiceFilter(label="类别", choices=kind_choices, empty_label="全部类别")
    state = django_filters.ChoiceFilter(
        label="状态", choices=[("unread", "未读"), ("read", "已读")], method="filter_state", empty_label="全部"
    )
    since = django_filters.DateFilter(
        label="自", field_name="created_at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label="至", field_name="created_at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == "unread":
            return queryset.filter(read_at__isnull=True)
        if value == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset
