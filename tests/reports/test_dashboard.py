"""The leaders' dashboard: aggregates right, numbers link to the task list, .xlsx behind each chart."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tasks import services
from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def data(district, unit, other_unit, reporter, legal_officer):
    late = plan_factory(jurisdiction=district, tasks=3, lead=unit, due_on=TODAY - dt.timedelta(days=10))
    plan_factory(jurisdiction=district, tasks=2, lead=other_unit, due_on=TODAY + dt.timedelta(days=5))
    task = late.tasks.first()
    report = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="完成", percent=100, claims_completion=True
    )
    services.progress_report_accept(report=report, by=legal_officer)
    # The warnings the daily sweep stores (tasks.warnings).
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    return late


def test_leader_sees_the_figures(client, leader, data):
    client.force_login(leader)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-kpi="total"' in body
    charts = {c["key"]: c for c in response.context["charts_json"]}
    plans = charts["plans"]["rows"]
    # total, done, overdue, red, yellow, blue: the late plan's two open tasks are red; the other plan's two,
    # due in 5 days but never reported on since the plan was issued, are yellow (silent beats near).
    assert sorted(tuple(r[1:3] + r[4:]) for r in plans) == [(2, 0, 0, 0, 2, 0), (3, 1, 2, 2, 0, 0)]
    assert charts["units_warning"]["rows"] == [["区编办", 2, 0, 0], ["区财政局", 0, 2, 0]]
    assert charts["units_warning"]["links"][0].endswith("&warning=red&warning=yellow&warning=blue")
    assert 'data-kpi="warning-red"' in body
    assert charts["units_overdue"]["rows"] == [["区编办", 2, 3, 1]]
    assert charts["units_activity"]["rows"] == [["区编办", 1]]
    assert charts["trend"]["rows"][-1][1] == 1
    # Every number leads to the tasks behind it through the task list's own filters.
    assert charts["units_overdue"]["links"][0].endswith("&status=overdue")
    assert "/tasks/?status=overdue" in body


def test_numbers_click_through_to_the_same_tasks(client, leader, data, unit):
    client.force_login(leader)
    charts = {c["key"]: c for c in client.get("/dashboard/").context["charts_json"]}
    link = charts["units_overdue"]["links"][0]
    listed = client.get("/tasks/" + link)
    assert "共 2 项" in listed.content.decode()


def test_download_behind_each_chart(client, leader, data):
    client.force_login(leader)
    response = client.get("/dashboard/", {"download": "plans"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "规划" and len(rows) == 4  # the title row, then the header
    assert client.get("/dashboard/", {"download": "nope"}).status_code == 404


def test_reporters_do_not_get_the_dashboard(client, reporter):
    client.force_login(reporter)
    assert client.get("/dashboard/").status_code == 403


def test_dashboard_query_count_is_constant(client, leader, district, unit, other_unit):
    client.force_login(leader)
    # Overdue from the start, so that the first count already includes the overdue list's prefetches
    # (a task due today is no longer "at risk" but a blue warning, which needs the sweep).
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=TODAY - dt.timedelta(days=1))
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    for _ in range(3):
        plan_factory(
            jurisdiction=district, tasks=20, lead=other_unit, cooperating=unit, due_on=TODAY - dt.timedelta(days=1)
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/dashboard/")
    assert len(many) == len(few)


@pytest.mark.parametrize("pinned_max", [None, 0], ids=["read once", "aggregated"])
def test_finished_on_time_after_an_extension_or_late(
    client, leader, legal_officer, reporter, data, unit, pinned_max, monkeypatch
):
    """Issue 15: the dashboard tells tasks finished on time from those finished after an approved extension
    (and from those finished late: ``data``'s completed task was finished ten days after its deadline).
    Counted from the scope's rows, or (a scope over PINNED_MAX tasks) by the database: the same either way."""
    if pinned_max is not None:
        monkeypatch.setattr("reports.dashboard.PINNED_MAX", pinned_max)
    from tasks import supervision

    soon = plan_factory(jurisdiction=data.jurisdiction, tasks=2, lead=unit, due_on=TODAY + dt.timedelta(days=5))
    on_time, extended = soon.tasks.order_by("position")
    request = supervision.extension_request(
        task=extended, by=reporter, new_due_on=TODAY + dt.timedelta(days=40), reason="等待上级文件"
    )
    supervision.extension_decide(request=request, by=legal_officer, approve=True)
    for task in (on_time, extended):
        report = services.progress_report_create(
            task=task, unit=unit, by=reporter, reported_on=TODAY, text="完成", percent=100, claims_completion=True
        )
        services.progress_report_accept(report=report, by=legal_officer)
    client.force_login(leader)
    response = client.get("/dashboard/")
    assert response.context["timeliness"] == {"on_time": 1, "extended": 1, "late": 1}
    body = response.content.decode()
    assert '按期 <b data-kpi="done-on-time">1</b>' in body and '延期后 <b data-kpi="done-extended">1</b>' in body
