from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from assessment.models import NotificationKind
        from assessment.services.units import (
            unit_submission_conflicts,
            unit_submission_count,
            unit_submissions_move,
        )
        from lawgov.notifications import register_kinds
        from lawgov.unit_hooks import UnitReference, register_unit_reference

        register_kinds(NotificationKind)
        register_unit_reference(
            UnitReference(
                key="assessment.submission",
                label="考核自评及延期",
                count=unit_submission_count,
                move=unit_submissions_move,
                conflicts=unit_submission_conflicts,
            )
        )
