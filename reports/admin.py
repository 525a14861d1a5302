"""Admin for the reports app: the shared indicator catalogue and theme lists are kept here; reports and their
versions are read-only (the pages and services write them, keeping every version)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    AnnualReport,
    Indicator,
    ReportJob,
    ReportSettings,
    ReportVersion,
    Statistic,
    ThemeList,
    WordingTemplate,
)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "measure", "kind", "computed", "jurisdiction", "position")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name", "keywords")


@admin.register(Statistic)
class StatisticAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "unit", "year", "value", "text", "source", "updated_at")
    list_filter = ("year", "source", "jurisdiction")
    search_fields = ("indicator__name", "unit__name")
    raw_id_fields = ("unit", "jurisdiction", "entered_by")


@admin.register(ThemeList)
class ThemeListAdmin(SimpleHistoryAdmin):
    list_display = ("name", "jurisdiction", "updated_at")


@admin.register(WordingTemplate)
class WordingTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("jurisdiction", "key", "updated_by", "updated_at")


@admin.register(ReportSettings)
class ReportSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("jurisdiction", "addressee", "signature", "date_style", "report_due", "publish_due")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnly):
    list_display = ("title", "jurisdiction", "year", "status", "published_at")
    list_filter = ("status", "year")


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnly):
    list_display = ("report", "number", "origin", "created_by", "created_at")
    exclude = ("body",)


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnly):
    list_display = ("report", "status", "stage", "attempts", "created_at", "finished_at", "error")
    list_filter = ("status",)
