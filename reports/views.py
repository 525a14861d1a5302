"""Pages of the reports app: the leaders' dashboard (驾驶舱)."""

import io
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from lawgov.models import Role
from lawgov.permissions import role_required
from plans.models import Plan
from reports.dashboard import dashboard as dashboard_data


@role_required(Role.LEGAL_OFFICE, Role.LEADER)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    plan = None
    if request.GET.get("plan", "").isdigit():
        plan = Plan.objects.visible_to(request.user).filter(pk=request.GET["plan"]).first()
    data = dashboard_data(user=request.user, today=today, plan=plan)
    download = request.GET.get("download")
    if download:
        chart = next((c for c in data["charts"] if c.key == download), None)
        if chart is None:
            return render(request, "404.html", status=404)
        return _xlsx(chart)
    data["task_list_url"] = reverse("tasks:list")
    data["charts_json"] = [
        {"key": c.key, "title": c.title, "columns": c.columns, "rows": c.rows, "links": c.links} for c in data["charts"]
    ]
    data["today"] = today
    return render(request, "reports/dashboard.html", data)


def _xlsx(chart) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(chart.title[:31])
    ws.append(chart.columns)
    for row in chart.rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(chart.title + '.xlsx')}"
    return response
