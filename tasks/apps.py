from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务进展"

    def ready(self) -> None:
        from lawgov.notifications import register_kinds
        from tasks.models import NotificationKind

        register_kinds(NotificationKind)
