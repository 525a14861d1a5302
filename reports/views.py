"""Pages of the reports app: the leaders' dashboard (驾驶舱)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from lawgov import exporting
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
        return _xlsx(chart, user=request.user, today=today)
    data["task_list_url"] = reverse("tasks:list")
    data["charts_json"] = [
        {"key": c.key, "title": c.title, "columns": c.columns, "rows": c.rows, "links": c.links} for c in data["charts"]
    ]
    data["today"] = today
    return render(request, "reports/dashboard.html", data)


def _xlsx(chart, *, user, today) -> HttpResponse:
    """The table behind a chart, as the chart's own .xlsx; titled with the jurisdiction and the day."""
    home = user.home_jurisdiction()
    sheet = exporting.Sheet(
        name=chart.title,
        title=exporting.title_line(home.name if home else "", chart.title, today),
        columns=exporting.columns_for(chart.columns, chart.rows),
        rows=chart.rows,
        freeze_columns=1,
    )
    return exporting.response(sheet, filename=chart.title + ".xlsx")
