from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import Assignment, Plan, PlanImport, ReferenceReport, Task


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "doc_number", "jurisdiction", "issued_on", "deleted_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("title", "doc_number")


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ("path", "heading", "plan", "due_on", "deleted_at")
    list_filter = ("plan",)
    search_fields = ("heading", "text")


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("clause", "unit", "role", "source", "deleted_at")
    list_filter = ("role", "source")


admin.site.register(ReferenceReport)
admin.site.register(PlanImport)
