"""API endpoints of the kernel."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from lawgov.models import Unit, User


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "name", "kind")


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
