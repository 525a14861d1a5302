"""One FilterSet per listed model of the plans app, used by views and API alike."""

import django_filters

from lawgov.filters import FilterSet, IdFilter
from plans.models import Plan, PlanKind, Section


class PlanFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = Plan
        fields: list[str] = []


class SectionFilterSet(FilterSet):
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = Section
        fields: list[str] = []
