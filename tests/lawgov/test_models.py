"""Kernel models: units, group phrases, users' jurisdictions and the visibility querysets."""

import pytest

from lawgov.models import Role, Unit, UnitKind
from tests.conftest import make_unit, make_user

pytestmark = pytest.mark.django_db


def test_group_phrase_expands_to_units_of_its_kinds(district, unit):
    town = make_unit(district, "南村镇", UnitKind.TOWNSHIP)
    street = make_unit(district, "市桥街道", UnitKind.TOWNSHIP)
    towns = make_unit(district, "各镇街", UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    assert set(towns.expand()) == {town, street}
    assert list(unit.expand()) == [unit]


def test_group_phrase_with_named_members(district, unit, other_unit):
    phrase = make_unit(district, "区政府有关部门", UnitKind.GROUP)
    assert list(phrase.expand()) == []
    phrase.members.add(other_unit)
    assert list(phrase.expand()) == [other_unit]


def test_soft_deleted_units_leave_lists_but_keep_their_row(district, unit, legal_officer):
    unit.soft_delete()
    assert unit not in Unit.objects.visible_to(legal_officer)
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_city_user_sees_its_districts(district, unit, other_district):
    city_officer = make_user("city", Role.LEGAL_OFFICE, jurisdiction=district.parent)
    assert set(city_officer.jurisdictions()) == {district.parent, district}
    assert unit in Unit.objects.visible_to(city_officer)
    assert other_district not in Unit.objects.visible_to(city_officer)


def test_reporter_sees_only_its_own_unit_page_but_the_whole_directory(reporter, unit, other_unit):
    assert list(Unit.objects.visible_to(reporter)) == [unit]
    assert {unit, other_unit} <= set(Unit.objects.in_directory_of(reporter))


def test_other_district_is_invisible(outsider_officer, unit):
    assert unit not in Unit.objects.visible_to(outsider_officer)
    assert unit not in Unit.objects.in_directory_of(outsider_officer)


def test_unit_names_include_short_name_and_aliases(unit):
    unit.short_name = "编办"
    assert unit.all_names() == ["区编办", "编办", "区委编办"]


def test_read_only_roles(leader, api_client_user, reporter, legal_officer):
    assert leader.read_only and api_client_user.read_only
    assert not reporter.read_only and not legal_officer.read_only
