from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from lawgov.daily import register_daily
        from lawgov.notifications import register_kinds
        from reports.models import NotificationKind
        from reports.services.calendar import report_reminders_send

        register_kinds(NotificationKind)
        register_daily("report_calendar", lambda today: report_reminders_send(today=today))
