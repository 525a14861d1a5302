"""Admin: for operators to look, not the way people work (that is the pages, through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessment.models import AssessmentCycle, Rubric, Submission, WindowExtension


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ["title", "jurisdiction", "year", "unit_kind", "total_points", "deleted_at"]
    list_filter = ["year", "unit_kind"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "jurisdiction", "year", "self_start", "self_end", "weight", "status"]
    list_filter = ["status", "year"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "cycle", "status", "self_total", "final_total"]
    list_filter = ["status", "cycle"]
    search_fields = ["unit__name"]
    readonly_fields = ["self_total", "reviewed_base", "bonus", "special", "final_total", "version"]


@admin.register(WindowExtension)
class WindowExtensionAdmin(SimpleHistoryAdmin):
    list_display = ["cycle", "unit", "until", "reason", "granted_by", "granted_at"]
