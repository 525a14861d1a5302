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
