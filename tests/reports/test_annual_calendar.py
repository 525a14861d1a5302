"""The statutory calendar of the annual report: the settings page, the reminders the daily sweep sends from
a month before the report is due until it is published, the deadlines on the report page and the dashboard."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from lawgov.daily import run_daily
from lawgov.models import Notification
from reports import services
from reports.models import AnnualReport, ReportSettings, ReportStatus
from reports.services.calendar import month_day, report_calendar

YEAR = 2017


def test_the_due_dates_default_to_1_march_and_1_april_of_the_next_year(district):
    cal = report_calendar(jurisdiction=district, year=YEAR, today=dt.date(2018, 2, 20), stored=None, published=False)
    assert cal.report.due == dt.date(2018, 3, 1) and cal.publish.due == dt.date(2018, 4, 1)
    assert cal.remind_from == dt.date(2018, 2, 1)
    assert cal.report.text == "报送:2018年3月1日前,还有9天" and cal.report.urgent is False
    assert cal.addressee == "区委、区人大常委会\uff0c市委、市政府"
    late = report_calendar(jurisdiction=district, year=YEAR, today=dt.date(2018, 3, 3), stored=None, published=False)
    assert late.report.text == "报送:2018年3月1日前,已超过2天" and late.report.urgent
    assert month_day("02-29", 2018) == dt.date(2018, 2, 28)
    with pytest.raises(ValueError):
        month_day("13-01", 2018)


def test_reminders_run_from_1_february_until_the_report_is_published(district, legal_officer, leader):
    def sent() -> list[Notification]:
        return list(Notification.objects.filter(kind="report_due").order_by("id"))

    assert services.report_reminders_send(today=dt.date(2018, 1, 31)) == 0
    # through the daily sweep, which the tasks app's daily job runs (the hook is registered by ReportsConfig)
    assert run_daily(dt.date(2018, 2, 1))["report_calendar"] == 1
    assert run_daily(dt.date(2018, 2, 1))["report_calendar"] == 0  # idempotent: the key holds the day
    (first,) = sent()
    assert first.user == legal_officer and "2017年法治政府建设情况报告" in first.title
    assert "3月1日前报送区委、区人大常委会" in first.body and "4月1日前向社会公开" in first.body
    assert first.url == reverse("annual-detail", args=[district.pk, YEAR])
    assert services.report_reminders_send(today=dt.date(2018, 2, 2)) == 0  # a Friday, far from the date
    assert services.report_reminders_send(today=dt.date(2018, 2, 5)) == 1  # a Monday
    assert services.report_reminders_send(today=dt.date(2018, 2, 23)) == 1  # the week before 1 March
    assert services.report_reminders_send(today=dt.date(2018, 3, 26)) == 1  # the week before 1 April
    AnnualReport.objects.create(jurisdiction=district, year=YEAR, title="x", status=ReportStatus.PUBLISHED)
    assert services.report_reminders_send(today=dt.date(2018, 3, 27)) == 0
    assert {n.user for n in sent()} == {legal_officer}  # leaders are not reminded


def test_the_daily_sweep_runs_the_report_reminders(district, legal_officer):
    from tasks.sweep import daily_sweep

    run = daily_sweep(today=dt.date(2018, 2, 1), trigger="test")
    assert run.result["daily_hooks"]["report_calendar"] == 1
    assert Notification.objects.filter(kind="report_due", user=legal_officer).count() == 1


def test_the_legal_office_edits_the_settings(client, district, legal_officer):
    client.force_login(legal_officer)
    url = reverse("annual-settings")
    html = client.get(url).content.decode()
    assert "区委、区人大常委会" in html and "广州市番禺区人民政府" in html  # the defaults shown
    data = {
        "addressee": "区委、区人大常委会,市委、市政府、市司法局",
        "signature": "番禺区人民政府",
        "date_style": "chinese",
        "report_due": "2-25",
        "publish_due": "04-01",
    }
    assert client.post(url, data).status_code == 302
    row = ReportSettings.objects.get(jurisdiction=district)
    assert row.report_due == "02-25" and row.date_style == "chinese" and "市司法局" in row.addressee
    for bad, message in (({"report_due": "13-45"}, "应写作 月-日"), ({"publish_due": "02-01"}, "不能早于")):
        response = client.post(url, {**data, **bad})
        assert response.status_code == 400 and message in response.content.decode()
    assert ReportSettings.objects.get(jurisdiction=district).report_due == "02-25"  # nothing changed


def test_only_the_legal_office_of_the_jurisdiction_edits_the_settings(client, district, leader, outsider_officer):
    client.force_login(leader)
    assert client.get(reverse("annual-settings")).status_code == 403
    client.force_login(outsider_officer)
    response = client.post(
        reverse("annual-settings"),
        {"jurisdiction": district.pk, "date_style": "arabic", "report_due": "03-01", "publish_due": "04-01"},
    )
    assert response.status_code == 403 and not ReportSettings.objects.exists()


def test_the_deadline_is_on_the_report_page_and_the_dashboard(client, district, legal_officer, leader):
    ReportSettings.objects.create(jurisdiction=district, report_due="03-10")
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2018, 3, 5)):
        client.force_login(legal_officer)
        html = client.get(reverse("annual-detail", args=[district.pk, YEAR])).content.decode()
        assert "报送:2018年3月10日前,还有5天" in html and "向社会公开:2018年4月1日前" in html
        client.force_login(leader)
        html = client.get(reverse("dashboard")).content.decode()
        assert "data-report-deadlines" in html and "报送:2018年3月10日前,还有5天" in html
        AnnualReport.objects.create(jurisdiction=district, year=YEAR, title="x", status=ReportStatus.PUBLISHED)
        html = client.get(reverse("dashboard")).content.decode()
        assert "data-report-deadlines" not in html
