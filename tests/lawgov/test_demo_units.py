"""Issue 14: after seeding, no unit named by a role or group phrase is a department (行政决策起草和主办部门
was one, and showed in every dropdown, the silent-unit list and the annual report draft)."""

from io import StringIO

import pytest
from django.core.management import call_command

from lawgov.models import Unit, UnitKind
from plans.importing.units import is_group_phrase

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_after_seed_demo_no_role_phrase_is_a_department():
    call_command("seed_demo", "--quiet-table", stdout=StringIO())
    names = list(Unit.objects.active().exclude(kind=UnitKind.GROUP).values_list("name", "kind"))
    assert len(names) > 50  # the seed plans were imported
    assert [(name, kind) for name, kind in names if is_group_phrase(name)] == []
    # …and the seed plans do print role phrases: they are groups, with their assignments.
    groups = Unit.objects.active().filter(kind=UnitKind.GROUP)
    role_groups = [u for u in groups if is_group_phrase(u.name) and u.assignments.exists()]
    assert role_groups
