"""Progress pages through the browser views: the same rules as the services, the right status codes,
constant query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.models import ProgressReport, ReportStatus
from tests.factories import plan_factory
from tests.tasks.conftest import pdf

pytestmark = pytest.mark.django_db


def post_report(client, task, **kw):
    data = {"reported_on": timezone.localdate().isoformat(), "percent": 30, "text": "完成了调研。", "action": "submit"}
    data.update(kw)
    return client.post(reverse("tasks:report-create", args=[task.pk]), data)


def test_reporter_logs_progress_with_a_file(client, reporter, task):
    client.force_login(reporter)
    response = post_report(client, task, files=[pdf()])
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED and report.evidence.count() == 1
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "完成了调研" in page and "会议纪要.pdf" in page


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"percent": 140}, "完成比例不能大于100"),
        ({"percent": -5}, "完成比例不能小于0"),
        ({"reported_on": "2999-01-01"}, "进展日期不能晚于今天"),
        ({"reported_on": "昨天"}, "日期格式不正确"),
    ],
)
def test_bad_values_get_400_and_a_chinese_message(client, reporter, task, kw, message):
    client.force_login(reporter)
    response = post_report(client, task, **kw)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_forbidden_file_type_is_400(client, reporter, task):
    client.force_login(reporter)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post_report(client, task, files=[SimpleUploadedFile("a.exe", b"MZ")])
    assert response.status_code == 400 and "文件类型不允许" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_task_of_another_unit_is_404_for_a_reporter(client, reporter, district, other_unit):
    foreign = plan_factory(jurisdiction=district, tasks=1, lead=other_unit).tasks.get()
    client.force_login(reporter)
    assert client.get(reverse("tasks:detail", args=[foreign.pk])).status_code == 404
    assert post_report(client, foreign).status_code == 404
    assert not ProgressReport.objects.exists()


def test_legal_office_logs_on_behalf_and_reviews(client, legal_officer, reporter, task, unit):
    client.force_login(legal_officer)
    response = post_report(client, task, unit=unit.pk, percent=100, claims_completion="on")
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.on_behalf and report.unit == unit
    response = client.post(reverse("tasks:report-review", args=[report.pk]), {"action": "return", "reason": "  "})
    assert response.status_code == 400  # a return without a reason is refused, the message beside the field
    page = response.content.decode()
    form = page[page.index(f'id="report-{report.pk}"') :]
    assert form.index("data-return-error") < form.index("</article>")
    assert "退回时请写明理由" in form[: form.index("</article>")]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.post(reverse("tasks:report-review", args=[report.pk]), {"action": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "已完成" in body and "代填" in body


def test_reporter_cannot_review(client, reporter, task, unit):
    report = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=timezone.localdate(), text="x", percent=10
    )
    client.force_login(reporter)
    assert client.post(reverse("tasks:report-review", args=[report.pk]), {"action": "accept"}).status_code == 403


def test_stale_edit_gets_409(client, reporter, task, unit):
    report = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=timezone.localdate(), text="原文", percent=10, submit=False
    )
    client.force_login(reporter)
    url = reverse("tasks:report-edit", args=[report.pk])
    data = {
        "reported_on": timezone.localdate().isoformat(),
        "percent": 20,
        "text": "第一次",
        "version": report.version,
        "action": "save",
    }
    assert client.post(url, data).status_code == 302
    data["text"] = "第二次(基于旧版本)"
    response = client.post(url, data)
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.text == "第一次"


def test_evidence_is_served_only_to_those_allowed(
    client, reporter, other_reporter, outsider_officer, legal_officer, task, unit
):
    report = services.progress_report_create(
        task=task,
        unit=unit,
        by=reporter,
        reported_on=timezone.localdate(),
        text="x",
        percent=10,
        files=[pdf()],
        submit=False,
    )
    url = reverse("tasks:evidence", args=[report.evidence.get().pk])
    client.force_login(reporter)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    for other in (other_reporter, outsider_officer):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(legal_officer)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_soft_deleted_evidence_is_served_to_no_one_until_restored(client, reporter, legal_officer, task, unit):
    report = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=timezone.localdate(), text="x", percent=10, files=[pdf()]
    )
    evidence = report.evidence.get()
    url = reverse("tasks:evidence", args=[evidence.pk])
    evidence.soft_delete()
    for user in (reporter, legal_officer):
        client.force_login(user)
        assert client.get(url).status_code == 404
    evidence.restore()
    assert client.get(url).status_code == 200


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["reporter", "legal_officer"])
def test_pages_make_a_constant_number_of_queries(request, client, district, unit, other_unit, who):
    """工作台, task list and plan page: the same queries for 3 tasks as for 40 (no query per row)."""
    user = request.getfixturevalue(who)
    client.force_login(user)
    today = timezone.localdate()
    small = plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit, due_on=today)
    for task in small.tasks.all():
        services.progress_report_create(task=task, unit=unit, by=user, reported_on=today, text="x", percent=5)
    few = [
        _count(client, reverse("home")),
        _count(client, reverse("tasks:list")),
        _count(client, reverse("tasks:plan", args=[small.pk])),
    ]
    big = plan_factory(
        jurisdiction=district, tasks=40, lead=unit, cooperating=other_unit, due_on=today - dt.timedelta(days=3)
    )
    for task in big.tasks.all():
        services.progress_report_create(task=task, unit=unit, by=user, reported_on=today, text="x", percent=5)
    many = [
        _count(client, reverse("home")),
        _count(client, reverse("tasks:list")),
        _count(client, reverse("tasks:plan", args=[big.pk])),
    ]
    assert many == few


def test_task_list_filters(client, legal_officer, district, unit, other_unit):
    today = timezone.localdate()
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=today - dt.timedelta(days=1))
    plan_factory(jurisdiction=district, tasks=3, lead=other_unit, due_on=today + dt.timedelta(days=90))
    client.force_login(legal_officer)
    body = client.get(reverse("tasks:list"), {"status": "overdue"}).content.decode()
    assert "共 2 项" in body
    body = client.get(reverse("tasks:list"), {"unit": other_unit.pk, "role": "lead"}).content.decode()
    assert "共 3 项" in body
    response = client.get(reverse("tasks:list"), {"due_before": "not-a-date"})
    assert response.status_code == 400


def test_bell_counts_unread(client, reporter, task, unit, legal_officer):
    report = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=timezone.localdate(), text="x", percent=10
    )
    services.progress_report_return(report=report, by=legal_officer, reason="请补充材料")
    client.force_login(reporter)
    assert "data-unread>1<" in client.get(reverse("tasks:bell")).content.decode()
    client.post(reverse("tasks:notifications"))
    assert "data-unread" not in client.get(reverse("tasks:bell")).content.decode()


def test_a_saved_draft_is_offered_before_a_new_form(client, reporter, task):
    """A reporter coming back to a task finds its draft first (继续修改/提交); the blank form folds away."""
    client.force_login(reporter)
    assert post_report(client, task, action="draft", text="写了一半的进展").status_code == 302
    draft = ProgressReport.objects.get()
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f'data-pending="{draft.pk}"' in page and "您有一份未提交的草稿" in page
    assert page.index("data-pending") < page.index("data-new-report") < page.index("data-report-form")
    assert reverse("tasks:report-edit", args=[draft.pk]) in page
    client.post(reverse("tasks:report-submit", args=[draft.pk]))
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "data-pending" not in page and "data-new-report" not in page and "data-report-form" in page
