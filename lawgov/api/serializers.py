"""API shapes of the kernel: units and the caller."""

from rest_framework import serializers

from lawgov.models import Unit, User


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "name", "kind")


class UnitSerializer(serializers.ModelSerializer):
    retired = serializers.SerializerMethodField(help_text="停用的单位保留历史,不再用于新的分工和考核")

    class Meta:
        model = Unit
        fields = (
            "id",
            "name",
            "short_name",
            "kind",
            "parent",
            "jurisdiction",
            "aliases",
            "group_kinds",
            "contact_person",
            "contact_phone",
            "retired",
            "retired_at",
        )
        read_only_fields = fields

    def get_retired(self, unit: Unit) -> bool:
        return unit.is_retired


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
