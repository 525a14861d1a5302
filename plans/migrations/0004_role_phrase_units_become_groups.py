"""Issue 14: a role phrase (行政决策起草和主办部门) or group phrase saved as a department by an earlier importer
becomes a group, as the importer now makes it: same row, so its assignments stay; one history entry says why."""

from django.db import migrations
from django.utils import timezone

from plans.importing.units import is_group_phrase

REASON = "职责称谓或泛称,改为单位组(issue 14)"


def role_phrase_units_to_groups(apps, schema_editor) -> int:
    """Turn every live non-group unit of a jurisdiction whose name is a group or role phrase into a group
    standing for nobody yet (the legal office names its members); returns how many changed."""
    Unit = apps.get_model("lawgov", "Unit")
    HistoricalUnit = apps.get_model("lawgov", "HistoricalUnit")
    now = timezone.now()
    changed = 0
    candidates = Unit.objects.filter(deleted_at__isnull=True, jurisdiction__isnull=False).exclude(kind="group")
    for unit in candidates.iterator():
        if not is_group_phrase(unit.name):
            continue
        Unit.objects.filter(pk=unit.pk).update(kind="group", group_kinds=[])
        unit.refresh_from_db()
        values = {
            field.attname: getattr(unit, field.attname)
            for field in HistoricalUnit._meta.concrete_fields
            if not field.name.startswith("history_") and hasattr(unit, field.attname)
        }
        HistoricalUnit.objects.create(
            **values, history_date=now, history_type="~", history_change_reason=REASON, history_user=None
        )
        changed += 1
    return changed


class Migration(migrations.Migration):
    dependencies = [
        ("lawgov", "0003_notification"),
        ("plans", "0003_plan_import_corrections"),
    ]

    operations = [migrations.RunPython(role_phrase_units_to_groups, migrations.RunPython.noop)]
