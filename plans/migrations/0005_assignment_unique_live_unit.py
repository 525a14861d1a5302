# One unit, one part per clause (issue 14): duplicates made before the rule are resolved first, then the
# partial unique index is added. The unit keeps its strongest part (lead > responsible > cooperating; on a
# tie the one set by hand, then the oldest); the others are retired (deleted_at) with a history row each,
# so nothing is lost.

from django.db import migrations, models
from django.utils import timezone

STRENGTH = {"lead": 3, "responsible": 2, "cooperating": 1}


def resolve_duplicates(apps, schema_editor):
    Assignment = apps.get_model("plans", "Assignment")
    HistoricalAssignment = apps.get_model("plans", "HistoricalAssignment")
    live = Assignment.objects.filter(deleted_at__isnull=True)
    doubled = (
        live.values("clause_id", "unit_id").annotate(n=models.Count("id")).filter(n__gt=1).values_list("clause_id", "unit_id")
    )
    pairs = set(doubled)
    if not pairs:
        return
    clause_ids = {clause for clause, _ in pairs}
    now = timezone.now()
    retired, history = [], []
    rows = live.filter(clause_id__in=clause_ids).order_by("id")
    by_pair = {}
    for row in rows:
        if (row.clause_id, row.unit_id) in pairs:
            by_pair.setdefault((row.clause_id, row.unit_id), []).append(row)
    for group in by_pair.values():
        group.sort(key=lambda a: (-STRENGTH.get(a.role, 0), a.source != "manual", a.id))
        for row in group[1:]:
            row.deleted_at = now
            retired.append(row)
            history.append(
                HistoricalAssignment(
                    id=row.id,
                    clause_id=row.clause_id,
                    unit_id=row.unit_id,
                    role=row.role,
                    printed_name=row.printed_name,
                    position=row.position,
                    source=row.source,
                    deleted_at=now,
                    history_date=now,
                    history_type="~",
                    history_change_reason=f"同一分句重复分工,保留更强的角色({group[0].role})",
                )
            )
    Assignment.objects.bulk_update(retired, ["deleted_at"])
    HistoricalAssignment.objects.bulk_create(history)


class Migration(migrations.Migration):
    dependencies = [
        ("lawgov", "0003_notification"),
        ("plans", "0004_division_import"),
    ]

    operations = [
        migrations.RunPython(resolve_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=("clause", "unit"),
                name="assignment_unique_live_unit",
            ),
        ),
    ]
