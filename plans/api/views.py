"""Plans and sections, read-only, limited to what the caller may see."""

from rest_framework import viewsets

from plans.api.serializers import PlanSerializer, SectionSerializer
from plans.filtersets import PlanFilterSet, SectionFilterSet
from plans.models import Plan, Section
from plans.selectors import plan_list


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return plan_list(user=self.request.user)


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = SectionSerializer
    filterset_class = SectionFilterSet

    def get_queryset(self):
        return Section.objects.filter(plan__in=Plan.objects.visible_to(self.request.user)).order_by(
            "plan_id", "position"
        )
