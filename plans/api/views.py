"""Plans and sections, read-only, limited to what the caller may see."""

import django_filters
from rest_framework import viewsets

from lawgov.filters import IdFilter
from plans.api.serializers import PlanSerializer, SectionSerializer
from plans.models import Plan, PlanKind, Section
from plans.selectors import plan_list


class PlanFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = Plan
        fields: list[str] = []


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return plan_list(user=self.request.user)


class SectionFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = Section
        fields: list[str] = []


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = SectionSerializer
    filterset_class = SectionFilterSet

    def get_queryset(self):
        return Section.objects.filter(plan__in=Plan.objects.visible_to(self.request.user)).order_by(
            "plan_id", "position"
        )
