"""API endpoints of the kernel: who am I, and the unit directory."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from lawgov.filters import IdFilter
from lawgov.models import Unit, UnitKind, User


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "name", "kind")


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "name", "short_name", "kind", "parent", "jurisdiction", "aliases", "group_kinds")


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(help_text="legal_office | reporter | leader | api_client")
    unit = UnitRefSerializer(allow_null=True)
    jurisdiction = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ("id", "username", "display_name", "role", "unit", "jurisdiction")

    def get_jurisdiction(self, user: User) -> dict | None:
        home = user.home_jurisdiction()
        return UnitRefSerializer(home).data if home else None


class MeView(APIView):
    """Who the caller is: user, role code, unit and jurisdiction."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Unit
        fields: list[str] = []


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit directory of the caller's jurisdictions."""

    lookup_value_regex = r"[0-9]+"

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self):
        return Unit.objects.in_directory_of(self.request.user).order_by("jurisdiction_id", "kind", "name")
