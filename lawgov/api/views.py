"""API endpoints of the kernel: who am I, and the unit directory."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from lawgov.api.serializers import MeSerializer, UnitSerializer
from lawgov.filtersets import UnitFilterSet
from lawgov.models import Unit


class MeView(APIView):
    """Who the caller is: user, role code, unit and jurisdiction."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit directory of the caller's jurisdictions."""

    lookup_value_regex = r"[0-9]+"

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self):
        return Unit.objects.in_directory_of(self.request.user).order_by("jurisdiction_id", "kind", "name")
