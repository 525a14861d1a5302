"""Tasks and progress reports over the API: the HTML list's FilterSet, rows built by ``tasks.api.rows``."""

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from lawgov import exporting
from lawgov.api import ServiceError
from lawgov.models import Role, Unit
from lawgov.permissions import RoleWritePermission
from plans.models import Task
from tasks import services
from tasks.api import rows
from tasks.api.serializers import (
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    TaskDetailSerializer,
    TaskSerializer,
)
from tasks.filtersets import ProgressReportFilterSet, TaskFilterSet
from tasks.models import ProgressReport
from tasks.status import TaskStatus


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Tasks the caller may see, with clauses, units and roles, deadlines, targets, status and latest progress."""

    lookup_value_regex = r"[0-9]+"

    filterset_class = TaskFilterSet
    serializer_class = TaskSerializer

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).order_by("due_on", "id")

    def get_serializer_class(self):
        return TaskDetailSerializer if self.action == "retrieve" else TaskSerializer

    def list(self, request, *args, **kwargs):
        today = timezone.localdate()
        tasks = self.filter_queryset(self.get_queryset())
        page = self.paginator.paginate_counted(rows.task_values(tasks, user=request.user, today=today), request)
        results = rows.task_rows_for(rows=page, user=request.user, today=today)
        return self.paginator.counted_response(results)

    def retrieve(self, request, *args, **kwargs):
        values = rows.task_values(self.get_queryset(), user=request.user, today=timezone.localdate(), latest=False)
        row = get_object_or_404(values, pk=kwargs["pk"])
        results = rows.task_rows_for(
            rows=[row], user=request.user, today=timezone.localdate(), with_reports=True, with_targets=True
        )
        return Response(results[0])

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["csv", "xlsx"], description="文件格式")],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, exporting.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, url_path="export", pagination_class=None)
    def export(self, request, *args, **kwargs):
        """The filtered task list as CSV (UTF-8 with BOM, opens in Excel) or .xlsx; up to 20,000 rows."""
        fmt = request.query_params.get("format") or "csv"  # empty, as a form sends it: the default
        if fmt not in ("csv", "xlsx"):
            raise ServiceError(code="format", message="format 只能是 csv 或 xlsx。")
        ids = list(self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)[:20000])
        header = [
            "任务ID",
            "规划",
            "章节",
            "编号",
            "任务",
            "牵头单位",
            "配合单位",
            "责任单位",
            "时限",
            "状态",
            "最新进展",
        ]
        labels = dict(TaskStatus.choices)
        table = [header]
        for start in range(0, len(ids), 1000):
            for t in rows.task_rows(ids=ids[start : start + 1000], user=request.user, today=timezone.localdate()):
                roles = {"lead": [], "cooperating": [], "responsible": []}
                for clause in t["clauses"]:
                    for u in clause["units"]:
                        if u["name"] not in roles[u["role"]]:
                            roles[u["role"]].append(u["name"])
                last = t["latest_progress"]
                table.append(
                    [
                        t["id"],
                        t["plan"]["title"],
                        f"{t['section']['label']}{t['section']['title']}" if t["section"] else "",
                        t["number"],
                        t["heading"],
                        "、".join(roles["lead"]),
                        "、".join(roles["cooperating"]),
                        "、".join(roles["responsible"]),
                        dt.date.fromisoformat(t["due_on"]) if t["due_on"] else None,
                        labels[t["status"]],
                        f"{last['reported_on']} {last['unit']['name']}:{last['text'][:100]}" if last else "",
                    ]
                )
        today = timezone.localdate()
        home = request.user.home_jurisdiction()
        kinds = {"任务ID": exporting.Kind.NUMBER, "时限": exporting.Kind.DATE}
        sheet = exporting.Sheet(
            name="任务清单",
            title=exporting.title_line(home.name if home else "", "任务清单", today),
            columns=[
                exporting.Column(h, kind=kinds.get(h, exporting.Kind.TEXT), width=w)
                for h, w in zip(header, [8, 30, 20, 6, 50, 18, 18, 18, 12, 8, 40], strict=True)
            ],
            rows=table[1:],
            freeze_columns=1,
        )
        return exporting.response(sheet, filename=f"任务清单-{today:%Y%m%d}.{fmt}", fmt=fmt)


class ProgressReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Progress reports the caller may see; reporters (their unit) and the legal office (代填) may create."""

    lookup_value_regex = r"[0-9]+"

    filterset_class = ProgressReportFilterSet
    serializer_class = ProgressReportSerializer
    permission_classes = [RoleWritePermission]

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).order_by("-reported_on", "-id")

    def list(self, request, *args, **kwargs):
        ids = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        page = self.paginate_queryset(ids)
        values = ProgressReport.objects.filter(pk__in=list(page)).values(*rows.REPORT_FIELDS)
        by_id = {r["id"]: rows.report_row(r) for r in values}
        return self.get_paginated_response([by_id[i] for i in page if i in by_id])

    def retrieve(self, request, *args, **kwargs):
        report = get_object_or_404(self.get_queryset().values(*rows.REPORT_FIELDS), pk=kwargs["pk"])
        return Response(rows.report_row(report))

    @extend_schema(request=ProgressReportCreateSerializer, responses={201: ProgressReportSerializer})
    def create(self, request, *args, **kwargs):
        incoming = ProgressReportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = request.user
        task = Task.objects.visible_to(user).filter(pk=data["task"]).first()
        if task is None:
            raise ServiceError(code="task_not_found", message="任务不存在,或不属于您的单位/辖区。", status_code=404)
        if user.role == Role.REPORTER:
            if data.get("unit") not in (None, user.unit_id):
                raise ServiceError(code="not_your_unit", message="只能为本单位填报进展。", status_code=403)
            unit = user.unit
        else:
            unit = Unit.objects.in_directory_of(user).filter(pk=data.get("unit") or 0).first()
            if unit is None:
                raise ServiceError(code="unit", message="请用 unit 指定填报单位(本辖区的单位ID)。")
        try:
            report = services.progress_report_create(
                task=task,
                unit=unit,
                by=user,
                reported_on=data["reported_on"],
                text=data["text"],
                percent=data["percent"],
                claims_completion=data["claims_completion"],
                submit=data["submit"],
            )
        except services.ProgressError as exc:
            raise ServiceError(code=exc.code, message=exc.message, status_code=exc.status) from exc
        row = ProgressReport.objects.filter(pk=report.pk).values(*rows.REPORT_FIELDS).get()
        return Response(rows.report_row(row), status=status.HTTP_201_CREATED)
