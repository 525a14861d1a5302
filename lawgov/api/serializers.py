"""API shapes of the kernel: units and the caller."""

from rest_framework import serializers

from lawgov.models import Unit, User


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
