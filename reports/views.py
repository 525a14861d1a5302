"""Pages of the reports app: the leaders' dashboard (驾驶舱)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from lawgov import exporting
from lawgov.models import Role
from lawgov.permissions import role_required
from plans.models import Task
from reports.dashboard import dashboard as dashboard_data
from tasks.filtersets import TaskFilterSet

# The task list's filters the 驾驶舱 takes; its cards and charts add their own (status, unit…) to them.
SCOPE_FILTERS = ("plan", "year")


@role_required(Role.LEGAL_OFFICE, Role.LEADER)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # Read by the task list's own FilterSet: the same ids accepted, the same messages for bad input.
    scope = TaskFilterSet(
        {name: request.GET[name] for name in SCOPE_FILTERS if request.GET.get(name)},
        queryset=Task.objects.none(),
        request=request,
        today=today,
    )
    status, plan, year = 200, None, None
    if scope.is_valid():
        plan, year = scope.form.cleaned_data.get("plan"), scope.form.cleaned_data.get("year")
    else:
        status = 400  # the whole jurisdiction's figures, under the message saying what was wrong
    data = dashboard_data(user=request.user, today=today, plan=plan, year=year)
    download = request.GET.get("download")
    if download:
        chart = next((c for c in data["charts"] if c.key == download), None)
        if chart is None:
            return render(request, "404.html", status=404)
        return _xlsx(chart, user=request.user, today=today, scope=data["scope"])
    data["task_list_url"] = task_list = reverse("tasks:list")
    for chart in data["charts"]:
        chart.table = _table_body(chart, task_list=task_list)
    data["charts_json"] = [
        {"key": c.key, "title": c.title, "columns": c.columns, "rows": c.rows, "links": c.links, "series": c.series}
        for c in data["charts"]
    ]
    data["today"] = today
    data["scope_errors"] = [e for errors in scope.errors.values() for e in errors] if status == 400 else []
    return render(request, "reports/dashboard.html", data, status=status)


def _table_body(chart, *, task_list: str) -> str:
    """The rows of the table behind a chart: each number leads to the tasks behind its row (or to a page of
    its own, "/assessment/…"). Built here rather than in the template: a district's every lead unit, twice,
    is a few thousand cells."""

    def cells(row: list, link: str) -> str:
        href = link if link.startswith("/") else task_list + link
        return format_html_join("", '<td><a href="{}">{}</a></td>', ((href, cell) for cell in row[1:]))

    return format_html_join(
        "\n",
        "<tr><td>{}</td>{}</tr>",
        ((row[0], cells(row, link)) for row, link in zip(chart.rows, chart.links, strict=True)),
    )


def _xlsx(chart, *, user, today, scope) -> HttpResponse:
    """The table behind a chart, as the chart's own .xlsx; titled with the jurisdiction, the filters and the day."""
    home = user.home_jurisdiction()
    filters = [scope.plan.title if scope.plan else "", f"{scope.year}年度" if scope.year else ""]
    title = " · ".join(filter(None, [chart.title, *filters]))
    sheet = exporting.Sheet(
        name=chart.title,
        title=exporting.title_line(home.name if home else "", title, today),
        columns=exporting.columns_for(chart.columns, chart.rows),
        rows=chart.rows,
        freeze_columns=1,
    )
    return exporting.response(sheet, filename=chart.title + ".xlsx")
