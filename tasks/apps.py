from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务进展"

    def ready(self) -> None:
        from django.core.signals import request_started

        from lawgov.notifications import register_kinds
        from lawgov.unit_hooks import UnitPanel, UnitReference, register_unit_panel, register_unit_reference
        from tasks.models import NotificationKind
        from tasks.schedule import on_request_started
        from tasks.selectors import unit_work
        from tasks.services import unit_report_count, unit_reports_move

        register_kinds(NotificationKind)
        register_unit_reference(
            UnitReference(
                key="tasks.progress_report", label="进展报告", count=unit_report_count, move=unit_reports_move
            )
        )
        register_unit_panel(UnitPanel(key="tasks.work", template="tasks/unit_work.html", context=unit_work, order=10))
        # The daily sweep in a setup without Celery beat (tasks.schedule says when it acts).
        request_started.connect(on_request_started, dispatch_uid="tasks.schedule")
