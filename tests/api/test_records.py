"""催办 and 延期申请 over the API (issue 15): the legal office and leaders read every record of their
jurisdiction, a reporter its own unit's, another district nothing; filters and ``updated_since`` for
incremental pulls; the query count of a page does not grow with the page."""

import datetime as dt

import pytest
from django.utils import timezone

from lawgov.models import Notification, Role
from plans.models import Task
from tasks import supervision
from tasks.models import ExtensionRequest, Reminder
from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.api.test_api import error, token_client
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def tasks(district, unit, other_unit):
    plan = plan_factory(
        jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit, due_on=TODAY + dt.timedelta(days=30)
    )
    return list(plan.tasks.order_by("position"))


@pytest.fixture
def records(tasks, legal_officer, reporter, other_reporter, unit, other_unit):
    """Two 催办 of 区编办 and one of 区财政局; one extension request of each unit."""
    supervision.reminders_urge(tasks=tasks[:2], by=legal_officer, text="请尽快报送", unit_ids=[unit.pk])
    supervision.reminders_urge(tasks=tasks[:1], by=legal_officer, unit_ids=[other_unit.pk])
    ours = supervision.extension_request(
        task=tasks[0], by=reporter, new_due_on=TODAY + dt.timedelta(days=60), reason="等待上级文件"
    )
    theirs = supervision.extension_request(
        task=tasks[1], by=other_reporter, new_due_on=TODAY + dt.timedelta(days=90), reason="经费未到位"
    )
    return ours, theirs


def test_the_legal_office_and_leaders_read_every_reminder_of_their_district(records, legal_officer, leader, unit):
    for user in (legal_officer, leader):
        body = token_client(user).get("/api/v1/reminders/").json()
        assert body["count"] == 3
        newest = body["results"][0]
        assert newest["sent_by"]["name"] == "法制办 王科长"
        assert set(newest) >= {"task", "unit", "sent_at", "text", "escalated", "recipients", "channels"}
    ours = token_client(leader).get("/api/v1/reminders/", {"unit": unit.pk}).json()["results"]
    assert [r["text"] for r in ours] == ["请尽快报送", "请尽快报送"]
    assert ours[0]["recipients"] == [{"id": ours[0]["recipients"][0]["id"], "name": "李填报", "read_at": None}]


def test_a_reporter_reads_only_its_units_records_and_another_district_nothing(
    records, reporter, outsider_officer, other_unit
):
    client = token_client(reporter)
    assert {r["unit"]["name"] for r in client.get("/api/v1/reminders/").json()["results"]} == {"区编办"}
    assert [e["reason"] for e in client.get("/api/v1/extensions/").json()["results"]] == ["等待上级文件"]
    theirs = Reminder.objects.get(unit=other_unit)
    response = client.get(f"/api/v1/reminders/{theirs.pk}/")
    assert response.status_code == 404 and error(response)["code"] == "not_found"
    outsider = token_client(outsider_officer)
    assert outsider.get("/api/v1/reminders/").json()["count"] == 0
    assert outsider.get("/api/v1/extensions/").json()["count"] == 0
    assert outsider.get(f"/api/v1/extensions/{records[0].pk}/").status_code == 404


def test_a_retired_task_takes_its_records_off_the_lists(records, tasks, legal_officer):
    Task.objects.filter(pk=tasks[0].pk).update(deleted_at=timezone.now())
    client = token_client(legal_officer)
    assert client.get("/api/v1/reminders/").json()["count"] == 1
    assert [e["reason"] for e in client.get("/api/v1/extensions/").json()["results"]] == ["经费未到位"]


def test_extensions_filter_by_status_and_show_the_decision(records, legal_officer, api_client_user):
    ours, theirs = records
    supervision.extension_decide(request=ours, by=legal_officer, approve=True, comment="同意")
    client = token_client(api_client_user)
    approved = client.get("/api/v1/extensions/", {"status": "approved"}).json()["results"]
    assert [(e["id"], e["decided_by"]["name"], e["comment"]) for e in approved] == [(ours.pk, "法制办 王科长", "同意")]
    pending = client.get("/api/v1/extensions/", {"status": "pending"}).json()["results"]
    assert [(e["id"], e["decided_by"], e["requested_by"]["name"]) for e in pending] == [
        (theirs.pk, None, "other_reporter")
    ]
    bad = client.get("/api/v1/extensions/", {"status": "maybe"})
    assert bad.status_code == 400 and error(bad)["code"] == "invalid"


def test_updated_since_returns_decisions_and_reads_made_after_it(records, legal_officer, reporter, tasks):
    client = token_client(legal_officer)
    mark = timezone.now()
    assert client.get("/api/v1/extensions/", {"updated_since": mark.isoformat()}).json()["count"] == 0
    assert client.get("/api/v1/reminders/", {"updated_since": mark.isoformat()}).json()["count"] == 0
    ours, _ = records
    supervision.extension_decide(request=ours, by=legal_officer, approve=False, comment="理由不充分")
    changed = client.get("/api/v1/extensions/", {"updated_since": mark.isoformat()}).json()["results"]
    assert [(e["id"], e["status"]) for e in changed] == [(ours.pk, "refused")]
    # The reporter opens one 催办: that one is a change, the others are not.
    read = Reminder.objects.filter(task=tasks[1]).get()
    Notification.objects.filter(user=reporter, key__startswith=f"reminder:{read.pk}:").update(read_at=timezone.now())
    changed = client.get("/api/v1/reminders/", {"updated_since": mark.isoformat()}).json()["results"]
    assert [r["id"] for r in changed] == [read.pk]
    assert changed[0]["recipients"][0]["read_at"] is not None
    # A new 催办 is a change too.
    new = supervision.reminders_urge(tasks=tasks[2:], by=legal_officer)
    ids = {r["id"] for r in client.get("/api/v1/reminders/", {"updated_since": mark.isoformat()}).json()["results"]}
    assert ids == {read.pk, *(r.pk for r in new.sent)}


def test_automatic_reminders_have_no_sender_and_filter_apart(tasks, legal_officer, reporter, unit):
    # The schedule's 催办 (reminders_auto) chases red tasks: make the first one overdue.
    Task.objects.filter(pk=tasks[0].pk).update(due_on=TODAY - dt.timedelta(days=3))
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    assert supervision.reminders_auto(today=TODAY) == 1  # 区编办 (区财政局's reporter is not in this district)
    supervision.reminders_urge(tasks=tasks[1:2], by=legal_officer, unit_ids=[unit.pk])
    client = token_client(legal_officer)
    auto = client.get("/api/v1/reminders/", {"automatic": "true"}).json()["results"]
    assert [(r["task"]["id"], r["sent_by"]) for r in auto] == [(tasks[0].pk, None)]
    assert "超过时限" in auto[0]["text"]
    assert client.get("/api/v1/reminders/", {"automatic": "false"}).json()["count"] == 1
    assert client.get("/api/v1/reminders/", {"task": tasks[1].pk}).json()["count"] == 1


def test_the_lists_are_read_only(records, legal_officer):
    client = token_client(legal_officer)
    assert client.post("/api/v1/reminders/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/extensions/{records[0].pk}/").status_code == 405
    assert ExtensionRequest.objects.count() == 2


def test_query_counts_do_not_grow_with_the_page(django_assert_num_queries, district, legal_officer):
    """3 queries per page: the token; the page with its total (``COUNT(*) OVER ()``) with task, unit and
    people joined; for reminders the page's notices (who read them)."""
    client = token_client(legal_officer)
    for n in (1, 11):
        units = [make_unit(district, f"区测试局{n}-{i}") for i in range(n)]
        for u in units:
            reporter = make_user(f"r{n}-{u.pk}", Role.REPORTER, unit=u, jurisdiction=district)
            plan = plan_factory(jurisdiction=district, tasks=1, lead=u, due_on=TODAY + dt.timedelta(days=20))
            task = plan.tasks.get()
            supervision.reminders_urge(tasks=[task], by=legal_officer)
            supervision.extension_request(
                task=task, by=reporter, new_due_on=TODAY + dt.timedelta(days=40), reason="需要协调"
            )
        total = Reminder.objects.count()
        with django_assert_num_queries(3):
            assert client.get("/api/v1/reminders/").json()["count"] == total
        with django_assert_num_queries(2):
            assert client.get("/api/v1/extensions/").json()["count"] == total
        first = Reminder.objects.first().pk
        with django_assert_num_queries(3):
            client.get(f"/api/v1/reminders/{first}/")
