from rest_framework import serializers

from plans.bulk import MAX_ID, Action
from plans.models import AssignmentRole, Plan, Section


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


class PlanBulkSerializer(serializers.Serializer):
    """A bulk request on a plan's tasks (the plan page's panel): ``apply`` gives units by part and/or a
    deadline; ``remove`` takes ``units`` off; ``role`` changes the part of ``units`` to ``role``."""

    tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, min_length=1, max_length=1000
    )
    action = serializers.ChoiceField(choices=Action.CHOICES, default=Action.APPLY)
    lead = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list)
    cooperating = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list)
    responsible = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list)
    units = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), default=list)
    role = serializers.ChoiceField(choices=AssignmentRole.choices, required=False, allow_blank=True, default="")
    deadline = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class PlanBulkResultSerializer(serializers.Serializer):
    tasks = serializers.IntegerField()
    added = serializers.IntegerField()
    kept = serializers.IntegerField()
    removed = serializers.IntegerField()
    role_changed = serializers.IntegerField()
    deadlines = serializers.IntegerField()
    messages = serializers.ListField(child=serializers.CharField())
