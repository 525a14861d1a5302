from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务进展"

    def ready(self) -> None:
        from django.core.signals import request_started

        from lawgov.notifications import register_kinds
        from tasks.models import NotificationKind
        from tasks.schedule import on_request_started

        register_kinds(NotificationKind)
        # The daily sweep in a setup without Celery beat (tasks.schedule says when it acts).
        request_started.connect(on_request_started, dispatch_uid="tasks.schedule")
