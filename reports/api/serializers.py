"""API shapes of annual reports: the list row, and one report with the text of a version."""

from rest_framework import serializers

from lawgov.models import Role
from reports.models import AnnualReport, ReportVersion


class AnnualReportSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    latest_version = serializers.SerializerMethodField(help_text="最新版本号(接口客户端:已发布的版本号)")
    published_version = serializers.IntegerField(
        source="published_version.number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = AnnualReport
        fields = (
            "id",
            "jurisdiction",
            "jurisdiction_name",
            "year",
            "title",
            "status",
            "published_at",
            "published_version",
            "latest_version",
        )

    def get_latest_version(self, report: AnnualReport) -> int | None:
        # An API client reads published text only; how many drafts follow it is the office's business.
        if self.context["request"].user.role == Role.API_CLIENT:
            return report.published_version.number if report.published_version else None
        return report.newest_version


class ParagraphSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, default="")
    text = serializers.CharField(allow_blank=True)


class SectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    paragraphs = ParagraphSerializer(many=True)


class VersionSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = ReportVersion
        fields = ("number", "origin", "title", "created_at", "note", "sections")


class AnnualReportDetailSerializer(AnnualReportSerializer):
    version = serializers.SerializerMethodField()

    class Meta(AnnualReportSerializer.Meta):
        fields = (*AnnualReportSerializer.Meta.fields, "version")

    def get_version(self, report: AnnualReport) -> dict | None:
        version = self.context.get("version")
        return VersionSerializer(version).data if version else None
