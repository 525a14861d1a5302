from rest_framework import serializers

from plans.models import Plan, Section


class PlanSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Plan
        fields = (
            "id",
            "title",
            "kind",
            "doc_number",
            "issuer",
            "issued_on",
            "period_start",
            "period_end",
            "jurisdiction",
            "jurisdiction_name",
            "task_count",
            "imported_at",
        )


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("id", "plan", "parent", "label", "title", "path", "position")
