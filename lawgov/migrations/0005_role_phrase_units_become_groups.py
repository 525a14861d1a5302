"""A department named by a role phrase (行政决策起草和主办部门, 行政执法部门, 行业主管部门) or a group phrase
(各有关部门) is no department: it stands for whichever units fill that role, so it becomes a group
(``kind = group``, members for the legal office to name). Its assignments stay where they are; the change is
written to the unit's history with its reason.

The rule is frozen here, a copy of ``plans.importing.units.is_group_phrase`` as it stood when this migration
was written: a migration must give the same result whenever it runs, and the kernel must not import plans.
tests/lawgov/test_migrations.py holds the two copies to the same table of names.
"""

import re

from django.db import migrations
from django.utils import timezone

GROUP_PHRASES = frozenset(
    {
        "各镇街",
        "各镇街道",
        "各镇(街道)",
        "各镇(街)",
        "各乡镇(街道)",
        "各乡镇",
        "各街道",
        "各镇人民政府",
        "各街道办事处",
        "区政府各部门",
        "区政府有关部门",
    }
)

GROUP_RE = re.compile(
    r"^(?:区政府|区级|区直|区属|市政府|市级|市直|县级|县政府)?"
    r"(?:各有关|各相关|各|有关|相关|其他有关|其他相关)"
    r"(?:部门|单位|镇街|镇|街道|乡镇|委办局|成员单位|责任单位|职能部门|执法部门)"
)

ROLE_PHRASE_RE = re.compile(
    r"(?:起草|主办|承办|执法|相关|有关|责任|主管|职能|实施|业务|监管|行业|牵头|配合|涉及|属地|政府工作|各级|行政)"
    r"[^、,;]{0,8}(?:部门|单位|机关)$"
)

REASON = "角色泛称不是具体部门,改为单位组(数据迁移)"


def names_a_group(name: str) -> bool:
    """The frozen rule: a set of units (各镇街, 区政府各部门) or a role some unit fills (行政执法部门)."""
    if name in GROUP_PHRASES or name.startswith("各"):
        return True
    return bool(GROUP_RE.match(name)) or bool(ROLE_PHRASE_RE.search(name))


def forwards(apps, schema_editor):
    Unit = apps.get_model("lawgov", "Unit")
    HistoricalUnit = apps.get_model("lawgov", "HistoricalUnit")
    now = timezone.now()
    fields = [f.attname for f in Unit._meta.concrete_fields if f.name != "created_at"]
    for unit in Unit.objects.filter(kind="department", deleted_at__isnull=True).order_by("pk"):
        if not names_a_group(unit.name):
            continue
        unit.kind = "group"
        unit.save(update_fields=["kind"])
        # Historical models are plain models inside a migration: the history row is written by hand.
        HistoricalUnit.objects.create(
            **{name: getattr(unit, name) for name in fields},
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
        )


class Migration(migrations.Migration):
    dependencies = [("lawgov", "0004_unit_directory")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
