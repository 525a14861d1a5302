"""Annual reports (法治政府建设情况报告) over the API, read-only: drafting happens on the pages.

The legal office and leaders see every report of their jurisdictions, drafts included; an API client
only published ones (``AnnualReport.objects.visible_to``). One report comes with the text of a version:
the published one, or for the legal office and leaders the newest draft (or ``?version=N``).
"""

from django.db.models import Max
from rest_framework import viewsets
from rest_framework.response import Response

from lawgov.api import ServiceError
from lawgov.models import Role
from reports.api.serializers import AnnualReportDetailSerializer, AnnualReportSerializer
from reports.filtersets import AnnualReportFilterSet
from reports.models import AnnualReport


class AnnualReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual reports of the caller's jurisdictions; one report with the text of a version."""

    lookup_value_regex = r"[0-9]+"
    filterset_class = AnnualReportFilterSet

    def get_serializer_class(self):
        return AnnualReportDetailSerializer if self.action == "retrieve" else AnnualReportSerializer

    def get_queryset(self):
        return (
            AnnualReport.objects.visible_to(self.request.user)
            .select_related("jurisdiction", "published_version")
            .annotate(newest_version=Max("versions__number"))
            .order_by("-year", "jurisdiction_id")
        )

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        published = report.published_version
        raw = request.query_params.get("version")
        if raw is None:
            # An API client only ever reaches published reports (visible_to), so this is their text.
            version = published or report.versions.order_by("-number").first()
        else:
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
                raise ServiceError(code="version", message="version 必须是版本号(正整数)。")
            if request.user.role == Role.API_CLIENT and int(raw) != getattr(published, "number", None):
                raise ServiceError(code="version", message="接口客户端只能读取已发布的版本。", status_code=403)
            version = report.versions.filter(number=int(raw)).first()
            if version is None:
                raise ServiceError(code="version", message=f"该报告没有第 {raw} 版。", status_code=404)
        serializer = AnnualReportDetailSerializer(report, context={"request": request, "version": version})
        return Response(serializer.data)
