"""One FilterSet per listed model of the kernel, used by views and API alike."""

import django_filters

from lawgov.filters import FilterSet, IdFilter
from lawgov.models import Unit, UnitKind


class UnitFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Unit
        fields: list[str] = []
