"""Assessment cycles and submissions over the API, read-only: scoring and review happen on the pages.

Reporters see their own unit's submissions, the legal office and leaders every submission of their
jurisdictions, API clients only results that have been approved and published (``visible_to``).
"""

import django_filters
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from rest_framework import serializers, viewsets

from assessment import scoring, selectors
from assessment.models import AssessedKind, AssessmentCycle, CycleStatus, ItemScore, Submission, SubmissionStatus
from lawgov.api_views import UnitRefSerializer
from lawgov.filters import IdFilter

POINTS = {"max_digits": 6, "decimal_places": 2, "coerce_to_string": False, "read_only": True}


class CycleSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    weight = serializers.DecimalField(**POINTS)
    submissions = serializers.IntegerField(source="submission_count", read_only=True, help_text="参加考核的单位数")
    reviewed = serializers.IntegerField(source="reviewed_count", read_only=True, help_text="已审核的单位数")

    class Meta:
        model = AssessmentCycle
        fields = (
            "id",
            "jurisdiction",
            "jurisdiction_name",
            "year",
            "title",
            "status",
            "self_start",
            "self_end",
            "review_end",
            "approve_by",
            "weight",
            "approved_at",
            "department_rubric",
            "township_rubric",
            "submissions",
            "reviewed",
        )


class CycleFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year")
    status = django_filters.ChoiceFilter(choices=CycleStatus.choices)
    jurisdiction = IdFilter(field_name="jurisdiction_id")

    class Meta:
        model = AssessmentCycle
        fields: list[str] = []


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    """December assessment cycles of the caller's jurisdictions (a reporter: those its unit is in)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = CycleSerializer
    filterset_class = CycleFilterSet

    def get_queryset(self):
        # The counts follow what the caller may see of the submissions (an API client: none until approval).
        shown = Submission.objects.visible_to(self.request.user).filter(cycle_id=OuterRef("pk")).order_by()
        counted = shown.values("cycle_id").annotate(n=Count("id")).values("n")
        reviewed = shown.filter(status=SubmissionStatus.REVIEWED).values("cycle_id").annotate(n=Count("id"))
        return (
            AssessmentCycle.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .annotate(
                submission_count=Coalesce(Subquery(counted), 0),
                reviewed_count=Coalesce(Subquery(reviewed.values("n")), 0),
            )
            .order_by("-year", "jurisdiction_id")
        )


# What the legal office decides, hidden while selectors.review_shown says so (as on the unit's own page).
REVIEW_FIELDS = ("reviewed_base", "bonus", "special", "final_total", "converted", "rank", "ranked")


class SubmissionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    self_total = serializers.DecimalField(**POINTS, allow_null=True)
    reviewed_base = serializers.DecimalField(**POINTS, allow_null=True)
    bonus = serializers.DecimalField(**POINTS, allow_null=True)
    special = serializers.DecimalField(**POINTS, allow_null=True)
    final_total = serializers.DecimalField(**POINTS, allow_null=True)
    converted = serializers.SerializerMethodField(help_text="折算为综合目标考核分值后的得分")
    rank = serializers.SerializerMethodField(help_text="在同类单位(部门或乡镇)中的名次,并列同名次")
    ranked = serializers.SerializerMethodField(help_text="同类单位中已有总分的单位数")

    class Meta:
        model = Submission
        fields = (
            "id",
            "cycle",
            "year",
            "unit",
            "status",
            "self_total",
            "reviewed_base",
            "bonus",
            "special",
            "final_total",
            "converted",
            "rank",
            "ranked",
            "submitted_at",
            "reviewed_at",
            "return_reason",
        )

    def to_representation(self, submission: Submission) -> dict:
        data = super().to_representation(submission)
        if not selectors.review_shown(self.context["request"].user, submission):
            for name in REVIEW_FIELDS:
                if name in data:
                    data[name] = None
            for item in data.get("item_scores", []):
                item["reviewed_score"] = item["review_comment"] = None
        return data

    def _rank_shown(self, submission: Submission) -> bool:
        return submission.final_total is not None and selectors.review_shown(self.context["request"].user, submission)

    def get_converted(self, submission: Submission) -> float | None:
        value = scoring.converted(submission.final_total, submission.cycle.weight)
        return float(value) if value is not None else None

    def get_rank(self, submission: Submission) -> int | None:
        return submission.better + 1 if self._rank_shown(submission) else None

    def get_ranked(self, submission: Submission) -> int | None:
        return submission.same_kind if self._rank_shown(submission) else None


class ItemScoreSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="item.number")
    name = serializers.CharField(source="item.name")
    category = serializers.CharField(source="item.category.name")
    max_points = serializers.DecimalField(source="item.max_points", **POINTS)
    self_score = serializers.DecimalField(**POINTS, allow_null=True)
    reviewed_score = serializers.DecimalField(**POINTS, allow_null=True)
    review_comment = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = ItemScore
        fields = (
            "item",
            "number",
            "name",
            "category",
            "max_points",
            "self_score",
            "explanation",
            "reviewed_score",
            "review_comment",
        )


class SubmissionDetailSerializer(SubmissionSerializer):
    item_scores = ItemScoreSerializer(many=True, read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = (*SubmissionSerializer.Meta.fields, "item_scores")


class SubmissionFilterSet(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id")
    year = django_filters.NumberFilter(field_name="cycle__year")
    unit = IdFilter(field_name="unit_id")
    kind = django_filters.ChoiceFilter(field_name="unit__kind", choices=AssessedKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = Submission
        fields: list[str] = []


class SubmissionViewSet(viewsets.ReadOnlyModelViewSet):
    """Units' self-assessments and results: totals, review, rank within the unit kind; one submission
    with its item scores."""

    lookup_value_regex = r"[0-9]+"
    filterset_class = SubmissionFilterSet

    def get_serializer_class(self):
        return SubmissionDetailSerializer if self.action == "retrieve" else SubmissionSerializer

    def get_queryset(self):
        # Rank = 1 + the units of the same kind in the cycle with a higher total, counted over the whole
        # cycle (not the filtered page), in the same query.
        same_kind = Submission.objects.filter(
            cycle_id=OuterRef("cycle_id"), unit__kind=OuterRef("unit__kind"), final_total__isnull=False
        ).order_by()
        better = same_kind.filter(final_total__gt=OuterRef("final_total")).values("cycle_id").annotate(n=Count("id"))
        ranked = same_kind.values("cycle_id").annotate(n=Count("id"))
        queryset = (
            Submission.objects.visible_to(self.request.user)
            .select_related("cycle", "unit")
            .annotate(
                better=Coalesce(Subquery(better.values("n")), Value(0), output_field=IntegerField()),
                same_kind=Coalesce(Subquery(ranked.values("n")), Value(0), output_field=IntegerField()),
            )
            .order_by("-cycle__year", "cycle_id", "unit__kind", F("final_total").desc(nulls_last=True), "unit__name")
        )
        if self.action == "retrieve":
            scores = ItemScore.objects.select_related("item__category").order_by("item__position")
            queryset = queryset.prefetch_related(Prefetch("item_scores", queryset=scores))
        return queryset
