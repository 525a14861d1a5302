"""API shapes of assessment cycles and submissions; review fields hidden while ``selectors.review_shown`` says so."""

from django.utils import timezone
from rest_framework import serializers

from assessment import scoring, selectors
from assessment.models import AssessmentCycle, ItemScore, Submission
from lawgov.api.serializers import UnitRefSerializer

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


# What the legal office decides, hidden while selectors.review_shown says so (as on the unit's own page).
REVIEW_FIELDS = ("reviewed_base", "bonus", "special", "final_total", "converted", "rank", "ranked")


class SubmissionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="draft 草稿 · submitted 已提交 · returned 已退回 · resubmitted 已重新提交 · reviewed 已审核 · "
        "not_submitted 未提交(本单位自评时间已截止仍未提交,审定后亦然;是否已现场核定见 reviewed_at)"
    )
    self_total = serializers.DecimalField(
        source="declared_total", **POINTS, allow_null=True, help_text="单位自评总分;未提交自评的单位为空"
    )
    reviewed_base = serializers.DecimalField(**POINTS, allow_null=True)
    bonus = serializers.DecimalField(**POINTS, allow_null=True)
    special = serializers.DecimalField(**POINTS, allow_null=True)
    final_total = serializers.DecimalField(**POINTS, allow_null=True)
    converted = serializers.SerializerMethodField(help_text="折算为综合目标考核分值后的得分")
    rank = serializers.SerializerMethodField(help_text="在同类单位(部门或乡镇)中的名次,并列同名次")
    ranked = serializers.SerializerMethodField(help_text="同类单位中参加排名(法制办已审核完毕)的单位数")

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

    def get_status(self, submission: Submission) -> str:
        return submission.state(today=timezone.localdate(), until=getattr(submission, "window_until", None))

    def _rank_shown(self, submission: Submission) -> bool:
        return submission.ranked and selectors.review_shown(self.context["request"].user, submission)

    def get_converted(self, submission: Submission) -> float | None:
        value = scoring.converted(
            submission.final_total, submission.cycle.weight, capped=submission.cycle.converted_capped
        )
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
