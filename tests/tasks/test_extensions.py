"""延期申请: asked by the unit before the deadline with a reason and a new date; approved or refused by the
legal office; an approval moves the deadline and the warning at once; the history is kept and shown."""

import datetime as dt

import pytest
from django.utils import timezone

from lawgov.models import Notification
from tasks import supervision
from tasks.models import ExtensionRequest, TaskWarning
from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.api.test_api import token_client
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def task(district, unit, other_unit):
    return plan_factory(
        jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit, due_on=TODAY + dt.timedelta(days=3)
    ).tasks.get()


def test_ask_approve_and_the_warning_changes(client, task, reporter, legal_officer, api_client_user):
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    assert TaskWarning.objects.get(task=task).level in ("blue", "yellow")
    client.force_login(reporter)
    new = TODAY + dt.timedelta(days=200)
    response = client.post(f"/tasks/{task.pk}/extensions/", {"new_due_on": new.isoformat(), "reason": "需等待上级文件"})
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.old_due_on == task.due_on and request.status == "pending"
    assert Notification.objects.filter(user=legal_officer, kind="extension").count() == 1
    client.force_login(legal_officer)
    assert "待审批的延期申请" in client.get("/").content.decode()
    client.post(f"/tasks/extensions/{request.pk}/decide/", {"action": "approve"})
    task.refresh_from_db()
    assert task.due_on == new
    # The task had been reported on never: its warning is now the silence, not the deadline; and no longer blue.
    assert TaskWarning.objects.get(task=task).level != "blue"
    assert Notification.objects.filter(user=reporter, kind="extension", body__startswith="已批准").count() == 1
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "延期申请与时限变更" in page and "已批准" in page
    body = token_client(api_client_user).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["extensions"][0]["status"] == "approved"
    assert body["extensions"][0]["new_due_on"] == new.isoformat()
    assert body["due_on"] == new.isoformat()


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [
        (-1, "理由", "new_due_on"),  # before the current deadline
        (3 + 800, "理由", "new_due_on"),  # more than two years ahead
        (30, "  ", "reason"),
    ],
)
def test_bad_requests_are_refused(task, reporter, days, reason, code):
    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.extension_request(task=task, by=reporter, new_due_on=TODAY + dt.timedelta(days=days), reason=reason)
    assert refused.value.code == code
    assert not ExtensionRequest.objects.exists()


def test_after_the_deadline_only_the_office(task, reporter):
    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.extension_request(
            task=task,
            by=reporter,
            new_due_on=TODAY + dt.timedelta(days=60),
            reason="x",
            today=TODAY + dt.timedelta(days=4),
        )
    assert refused.value.code == "past_deadline"


def test_not_for_another_units_task(district, task, outsider_officer):
    from tests.conftest import make_unit, make_user

    stranger = make_user("stranger", "reporter", unit=make_unit(district, "区水务局"), jurisdiction=district)
    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.extension_request(task=task, by=stranger, new_due_on=TODAY + dt.timedelta(days=60), reason="x")
    assert refused.value.code == "not_your_task"


def test_refusal_needs_a_comment_and_keeps_the_deadline(task, reporter, legal_officer, outsider_officer):
    request = supervision.extension_request(
        task=task, by=reporter, new_due_on=TODAY + dt.timedelta(days=60), reason="x"
    )
    with pytest.raises(supervision.SupervisionError):
        supervision.extension_decide(request=request, by=legal_officer, approve=False, comment="")
    with pytest.raises(supervision.SupervisionError):
        supervision.extension_decide(request=request, by=outsider_officer, approve=True)
    supervision.extension_decide(request=request, by=legal_officer, approve=False, comment="理由不充分")
    old = task.due_on
    task.refresh_from_db()
    assert task.due_on == old
    with pytest.raises(supervision.SupervisionError) as twice:
        supervision.extension_decide(request=request, by=legal_officer, approve=True)
    assert twice.value.code == "decided"


def test_a_closed_task_takes_no_reports_until_reopened(client, district, unit, reporter, legal_officer):
    """销号: the accepted completion locks the task; the legal office reopens it with a reason."""
    from tasks import services
    from tasks.models import TaskProgress

    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY + dt.timedelta(days=30)).tasks.get()
    done = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="完成", percent=100, claims_completion=True
    )
    services.progress_report_accept(report=done, by=legal_officer)
    with pytest.raises(services.ProgressError) as closed:
        services.progress_report_create(task=task, unit=unit, by=reporter, reported_on=TODAY, text="补充", percent=100)
    assert closed.value.code == "closed" and closed.value.status == 409
    client.force_login(legal_officer)
    assert "已销号" in client.get(f"/tasks/{task.pk}/").content.decode()
    with pytest.raises(supervision.SupervisionError):
        supervision.task_reopen(task=task, by=legal_officer, reason=" ")
    with pytest.raises(supervision.SupervisionError):
        supervision.task_reopen(task=task, by=reporter, reason="补充材料")
    response = client.post(f"/tasks/{task.pk}/reopen/", {"reason": "需补充佐证材料"}, follow=True)
    assert "任务已重新打开" in response.content.decode()
    assert TaskProgress.objects.get(task=task).completed_on is None
    assert TaskProgress.history.filter(task_id=task.pk).first().history_change_reason == "重新打开:需补充佐证材料"
    services.progress_report_create(task=task, unit=unit, by=reporter, reported_on=TODAY, text="补充", percent=100)


def test_a_recurring_task_is_never_closed(district, unit, reporter, legal_officer):
    from plans.models import Deadline
    from tasks import services

    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=TODAY + dt.timedelta(days=30)).tasks.get()
    Deadline.objects.create(task=task, text="每年第一季度", recurrence={"rule": "yearly", "quarter": 1})
    done = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="本年度已完成", percent=100, claims_completion=True
    )
    services.progress_report_accept(report=done, by=legal_officer)
    services.progress_report_create(task=task, unit=unit, by=reporter, reported_on=TODAY, text="下一周期", percent=10)


@pytest.fixture
def overdue_task(district, unit, other_unit):
    return plan_factory(
        jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit, due_on=TODAY - dt.timedelta(days=10)
    ).tasks.get()


def test_after_the_deadline_the_office_grants_from_the_task_page(
    client, overdue_task, reporter, legal_officer, api_client_user
):
    """Issue 15: after the deadline only the legal office extends, as a page action on the task; the grant is
    kept in the deadline history with who did it, the warning turns from red at once and the units are told."""
    task = overdue_task
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    assert TaskWarning.objects.get(task=task).level == "red"
    client.force_login(reporter)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "data-extension-grant" not in page and "data-extension-form" not in page  # the unit cannot any more
    assert (
        client.post(f"/tasks/{task.pk}/extensions/grant/", {"new_due_on": "2027-06-30", "reason": "x"}).status_code
        == 403
    )
    client.force_login(legal_officer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "data-extension-grant" in page and "时限已过,承办单位不能再申请" in page
    new = TODAY + dt.timedelta(days=90)
    response = client.post(
        f"/tasks/{task.pk}/extensions/grant/",
        {"new_due_on": new.isoformat(), "reason": "市级文件推迟下发"},
        follow=True,
    )
    assert f"已将时限延至 {new:%Y-%m-%d}" in response.content.decode()
    task.refresh_from_db()
    assert task.due_on == new
    grant = ExtensionRequest.objects.get()
    assert grant.office_granted and grant.status == "approved" and grant.decided_by == legal_officer
    assert grant.old_due_on == TODAY - dt.timedelta(days=10)
    assert TaskWarning.objects.get(task=task).level != "red"
    assert (
        Notification.objects.filter(user=reporter, kind="extension", title__contains="法制办已将时限延至").count() == 1
    )
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "法制办直接延期(法制办 王科长)" in page and "市级文件推迟下发" in page
    assert task.history.first().history_change_reason == "法制办直接延期:市级文件推迟下发"
    body = token_client(api_client_user).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["extensions"][0]["status"] == "approved"


@pytest.mark.parametrize(
    ("days", "reason", "code"),
    [
        (-3, "理由", "new_due_on"),  # later than the old deadline but not than today
        (0, "理由", "new_due_on"),
        (800, "理由", "new_due_on"),
        (30, " ", "reason"),
    ],
)
def test_bad_grants_are_refused_and_change_nothing(client, overdue_task, legal_officer, days, reason, code):
    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.extension_grant(
            task=overdue_task, by=legal_officer, new_due_on=TODAY + dt.timedelta(days=days), reason=reason
        )
    assert refused.value.code == code
    client.force_login(legal_officer)
    response = client.post(
        f"/tasks/{overdue_task.pk}/extensions/grant/",
        {"new_due_on": (TODAY + dt.timedelta(days=days)).isoformat(), "reason": reason},
        follow=True,
    )
    assert refused.value.message in response.content.decode()
    assert not ExtensionRequest.objects.exists()
    overdue_task.refresh_from_db()
    assert overdue_task.due_on == TODAY - dt.timedelta(days=10)


def test_no_grant_by_another_office_or_on_a_closed_task(overdue_task, legal_officer, outsider_officer, unit, reporter):
    from tasks import services

    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.extension_grant(
            task=overdue_task, by=outsider_officer, new_due_on=TODAY + dt.timedelta(days=30), reason="x"
        )
    assert refused.value.status == 403
    done = services.progress_report_create(
        task=overdue_task, unit=unit, by=reporter, reported_on=TODAY, text="完成", percent=100, claims_completion=True
    )
    services.progress_report_accept(report=done, by=legal_officer)
    with pytest.raises(supervision.SupervisionError) as closed:
        supervision.extension_grant(
            task=overdue_task, by=legal_officer, new_due_on=TODAY + dt.timedelta(days=30), reason="x"
        )
    assert closed.value.code == "closed"
    assert not ExtensionRequest.objects.exists()


def test_api_closed_at_signed_at_and_incremental_pulls(task, unit, reporter, legal_officer, api_client_user):
    """Issue 15, API: ``closed_at`` when the task is 销号, ``signed_at`` per unit, and ``updated_since`` returns
    the tasks whose 签收, extension request or 催办 changed since the last pull."""
    from tasks import services

    supervision.assignments_deliver()  # the 交办 (the embedded schedule does this within a minute)
    api = token_client(api_client_user)
    body = api.get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["closed_at"] is None
    assert {s["unit"]["name"]: s["signed_at"] for s in body["signatures"]} == {"区编办": None, "区财政局": None}
    since = timezone.now().isoformat()

    def pulled():
        return [t["id"] for t in api.get("/api/v1/tasks/", {"updated_since": since}).json()["results"]]

    assert pulled() == []
    supervision.task_sign(task=task, by=reporter)
    assert pulled() == [task.pk]
    signed = api.get(f"/api/v1/tasks/{task.pk}/").json()["signatures"]
    assert [s["unit"]["name"] for s in signed if s["signed_at"]] == ["区编办"]
    since = timezone.now().isoformat()
    supervision.extension_request(task=task, by=reporter, new_due_on=TODAY + dt.timedelta(days=30), reason="x")
    assert pulled() == [task.pk]
    since = timezone.now().isoformat()
    supervision.reminders_urge(tasks=[task], by=legal_officer, text="请报送")
    assert pulled() == [task.pk]
    done = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="完成", percent=100, claims_completion=True
    )
    services.progress_report_accept(report=done, by=legal_officer)
    closed = api.get(f"/api/v1/tasks/{task.pk}/").json()["closed_at"]
    done.refresh_from_db()
    assert closed and dt.datetime.fromisoformat(closed) == done.reviewed_at


def test_no_extension_for_a_completed_task(client, task, unit, reporter, legal_officer):
    """A completed (销号) task offers no 申请延期 form, the service refuses one, and a request made before the
    completion can no longer be approved (only refused); the deadline stays."""
    from tasks import services

    supervision.assignments_deliver()
    client.force_login(reporter)
    assert "data-extension-form" in client.get(f"/tasks/{task.pk}/").content.decode()
    asked = supervision.extension_request(
        task=task, by=reporter, new_due_on=TODAY + dt.timedelta(days=60), reason="等待上级文件"
    )
    done = services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="完成", percent=100, claims_completion=True
    )
    services.progress_report_accept(report=done, by=legal_officer)
    assert "data-extension-form" not in client.get(f"/tasks/{task.pk}/").content.decode()
    ExtensionRequest.objects.filter(pk=asked.pk).update(status="refused")  # so that "one pending" is not the reason
    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.extension_request(
            task=task, by=reporter, new_due_on=TODAY + dt.timedelta(days=60), reason="等待上级文件"
        )
    assert refused.value.code == "closed" and refused.value.status == 409
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日确认完成" in refused.value.message
    response = client.post(
        f"/tasks/{task.pk}/extensions/", {"new_due_on": (TODAY + dt.timedelta(days=60)).isoformat(), "reason": "x"}
    )
    assert ExtensionRequest.objects.count() == 1
    ExtensionRequest.objects.filter(pk=asked.pk).update(status="pending")
    client.force_login(legal_officer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "data-refuse" in page and "data-approve" not in page
    with pytest.raises(supervision.SupervisionError) as closed:
        supervision.extension_decide(request=asked, by=legal_officer, approve=True)
    assert closed.value.code == "closed"
    asked.refresh_from_db()
    task.refresh_from_db()
    assert asked.status == "pending" and task.due_on == TODAY + dt.timedelta(days=3)
    supervision.extension_decide(request=asked, by=legal_officer, approve=False, comment="任务已完成")
    asked.refresh_from_db()
    assert asked.status == "refused"
    assert response.status_code in (302, 409)
