"""Issue 7: the 驾驶舱 shows the latest assessment: ranking within each unit kind and the score spread,
each with its table, its .xlsx and a click through to the ranking page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assessment import services
from lawgov.models import Role, Unit, UnitKind
from reports.dashboard import assessment_charts
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_dashboard_ranks_the_latest_assessment(client, leader, approved, legal_officer):
    client.force_login(leader)
    page = client.get("/dashboard/").content.decode()
    assert "2017年度考核排名 · 乡镇(街道)(审核中,未发布)" in page
    assert f'href="/assessment/cycles/{approved.pk}/ranking/"' in page
    services.cycle_approve(cycle=approved, by=legal_officer, note="区政府常务会议审定")
    response = client.get("/dashboard/")
    charts = {c["key"]: c for c in response.context["charts_json"]}
    assert charts["assessment-township"]["title"].endswith("(已审定)")
    assert charts["assessment-township"]["rows"] == [["卫子镇", 100.0, 1], ["元坝镇", 95.0, 2]]
    assert charts["assessment-department"]["rows"][0] == ["区编办", 103.0, 1]
    bands = {row[0]: row[1:] for row in charts["assessment-bands"]["rows"]}
    assert sum(row[0] for row in bands.values()) == 4
    download = client.get("/dashboard/", {"download": "assessment-township"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)][2] == ["卫子镇", 100, 1]  # below title and header
    assert client.get(charts["assessment-township"]["links"][0]).status_code == 200


def test_assessment_charts_cost_two_queries(leader, approved):
    with CaptureQueriesContext(connection) as ctx:
        charts = assessment_charts(user=leader)
    assert len(ctx) == 2 and len(charts) == 3


def test_a_cycle_without_results_says_so(client, leader, cycle):
    charts = assessment_charts(user=leader)
    assert [(c.title, c.rows) for c in charts] == [("2017年度考核排名(尚无核定得分)", [])]
    client.force_login(leader)
    page = client.get("/dashboard/").content.decode()
    assert "2017年度考核排名(尚无核定得分)" in page
    assert 'data-download="assessment"' not in page  # nothing to download: no button


def test_no_cycle_no_chart(leader):
    assert assessment_charts(user=leader) == []


def test_a_city_leader_is_told_whose_assessment_it_is(approved, district):
    city = Unit.objects.create(name="广元市", kind=UnitKind.CITY)
    Unit.objects.filter(pk=district.pk).update(parent=city)
    city_leader = make_user("city_leader", Role.LEADER, jurisdiction=city)
    titles = [c.title for c in assessment_charts(user=city_leader)]
    assert titles and all(t.startswith(f"{district.name}2017年度") for t in titles)
