"""One FilterSet per listed model of the kernel, used by views and API alike."""

import django_filters

from lawgov.filters import BooleanFilter, FilterSet, IdFilter
from lawgov.models import Unit, UnitKind


class UnitFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    retired = BooleanFilter(field_name="retired_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Unit
        fields: list[str] = []
