"""The migration that adds one part per unit and clause (issue 14) first resolves the duplicates already
there: the unit keeps its strongest part, the others are retired with a history row, nothing is deleted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.models import Assignment

BEFORE = ("plans", "0004_division_import")
# The units as they are now (contact fields…): the state before the constraint, the rest unchanged.
UNITS = ("lawgov", "0005_role_phrase_units_become_groups")


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_resolved_to_the_strongest_part_with_history():
    executor = migrate([BEFORE, UNITS])
    try:
        old = executor.loader.project_state([BEFORE, UNITS]).apps
        Unit = old.get_model("lawgov", "Unit")
        district = Unit.objects.create(name="大兴区", kind="district")
        justice, office, town = (
            Unit.objects.create(name=name, kind="department", jurisdiction=district)
            for name in ("区司法局", "区政府办", "黄村镇")
        )
        plan = old.get_model("plans", "Plan").objects.create(jurisdiction=district, title="实施意见", kind="opinion")
        task = old.get_model("plans", "Task").objects.create(plan=plan, number="1", path="1", heading="h", text="t")
        clause = old.get_model("plans", "Clause").objects.create(task=task, position=0, text="t")
        OldAssignment = old.get_model("plans", "Assignment")
        rows = {
            "justice_coop": OldAssignment.objects.create(clause=clause, unit=justice, role="cooperating"),
            "justice_lead": OldAssignment.objects.create(clause=clause, unit=justice, role="lead"),
            "office_manual": OldAssignment.objects.create(
                clause=clause, unit=office, role="cooperating", source="manual"
            ),
            "office_imported": OldAssignment.objects.create(clause=clause, unit=office, role="cooperating"),
            "town": OldAssignment.objects.create(clause=clause, unit=town, role="responsible"),
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    live = {a.pk for a in Assignment.objects.active()}
    assert live == {rows["justice_lead"].pk, rows["office_manual"].pk, rows["town"].pk}
    assert Assignment.objects.count() == 5  # retired, not deleted
    retired = Assignment.history.filter(history_type="~").order_by("id")
    assert [h.id for h in retired] == [rows["justice_coop"].pk, rows["office_imported"].pk]
    assert all(h.deleted_at is not None and "保留更强的角色" in h.history_change_reason for h in retired)
