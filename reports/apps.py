from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from lawgov.unit_hooks import UnitReference, register_unit_reference
        from reports.services.units import unit_statistic_conflicts, unit_statistic_count, unit_statistics_move

        register_unit_reference(
            UnitReference(
                key="reports.statistic",
                label="统计数据",
                count=unit_statistic_count,
                move=unit_statistics_move,
                conflicts=unit_statistic_conflicts,
            )
        )

        from lawgov.daily import register_daily
        from lawgov.notifications import register_kinds
        from reports.models import NotificationKind
        from reports.services.calendar import report_reminders_send

        register_kinds(NotificationKind)
        register_daily("report_calendar", lambda today: report_reminders_send(today=today))
