from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from assessment.models import NotificationKind
        from lawgov.notifications import register_kinds

        register_kinds(NotificationKind)
