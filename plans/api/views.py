"""Plans and sections, read-only, limited to what the caller may see; a plan's bulk 分工 (POST) for its
legal office."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from plans import bulk
from plans.api.serializers import PlanBulkResultSerializer, PlanBulkSerializer, PlanSerializer, SectionSerializer
from plans.filtersets import PlanFilterSet, SectionFilterSet
from plans.models import Plan, Section
from plans.selectors import plan_list


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return plan_list(user=self.request.user)

    @extend_schema(request=PlanBulkSerializer, responses={200: PlanBulkResultSerializer})
    @action(detail=True, methods=["post"], url_path="bulk")
    def bulk(self, request, pk=None):
        """The plan page's bulk request (``plans.bulk.bulk_apply``) for programs: all or nothing; a refusal
        is 400 (bad input, tasks of another plan) or 409 (a unit that already has another part), with the
        reason; a plan outside the caller's legal office is 404."""
        # The body is read first, as every write of the API does: a request refused before its body is read
        # left the body on the connection of the development server (a fuzzer found it).
        incoming = PlanBulkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        plan = get_object_or_404(Plan.objects.editable_by(request.user).select_related("jurisdiction"), pk=pk)
        data = incoming.validated_data
        result = bulk.bulk_apply(
            plan=plan,
            by=request.user,
            task_ids=data["tasks"],
            action=data["action"],
            lead=data["lead"],
            cooperating=data["cooperating"],
            responsible=data["responsible"],
            units=data["units"],
            role=data["role"],
            deadline=data["deadline"],
        )
        return Response(result.to_dict())


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = SectionSerializer
    filterset_class = SectionFilterSet

    def get_queryset(self):
        return Section.objects.filter(plan__in=Plan.objects.visible_to(self.request.user)).order_by(
            "plan_id", "position"
        )
