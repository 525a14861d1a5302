from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "规划"

    def ready(self) -> None:
        from lawgov.unit_hooks import UnitReference, register_unit_reference
        from plans.services import unit_assignment_count, unit_assignments_move

        register_unit_reference(
            UnitReference(
                key="plans.assignment",
                label="责任分工",
                count=unit_assignment_count,
                move=unit_assignments_move,
            )
        )
