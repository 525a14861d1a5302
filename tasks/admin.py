"""Back-office admin of the tasks app: the working-day calendar, warning thresholds, the daily sweep's runs.

The calendar is edited here by the legal office's administrators: each November the State Council publishes
next year's holidays, and the year is entered here before the seed data knows it.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lawgov.models import CalendarDay
from tasks.models import Reminder, SweepRun, TaskWarning, UnitReminderSettings, WarningPolicy


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "kind", "name", "jurisdiction")
    list_filter = ("kind", "jurisdiction")
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(WarningPolicy)
class WarningPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("jurisdiction", "blue_days", "behind_margin", "silent_days")


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """When the daily sweep last ran, how it was started, what it did or why it failed."""

    list_display = ("day", "trigger", "started_at", "finished_at", "result", "error")
    readonly_fields = [f.name for f in SweepRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TaskWarning)
class TaskWarningAdmin(admin.ModelAdmin):
    list_display = ("task", "level", "reason", "changed_at")
    list_filter = ("level",)
    readonly_fields = ("task", "level", "reason", "changed_at")


@admin.register(UnitReminderSettings)
class UnitReminderSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "leader", "contact", "webhook_kind", "webhook_url")
    autocomplete_fields = ("unit",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Every 催办, read-only: the log the task page shows, for operators (a failing group robot shows here)."""

    list_display = ("sent_at", "task", "unit", "sent_by", "escalated", "channels")
    list_filter = ("escalated",)
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
