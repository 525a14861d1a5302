"""交办 and 签收: each unit given a task is told once and signs for itself; the legal office sees who has not."""

import datetime as dt

import pytest
from django.utils import timezone

from lawgov.models import Notification
from plans.models import Assignment, Clause
from tasks import supervision
from tasks.calendar import build_calendar, national_days
from tasks.models import TaskSignature
from tests.api.test_api import token_client
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
CALENDAR = build_calendar(national_days())


@pytest.fixture
def given(district, unit, other_unit, reporter, other_reporter):
    """Two tasks led by 区编办 with 区财政局 cooperating, the second also given to 各镇街 (two townships)."""
    plan = plan_factory(jurisdiction=district, tasks=2, lead=unit, cooperating=other_unit, due_on=D("2026-12-31"))
    towns = [make_unit(district, name, "township") for name in ("南村镇", "石楼镇")]
    group = make_unit(district, "各镇街", "group", group_kinds=["township"])
    second = plan.tasks.order_by("position").last()
    Assignment.objects.create(
        clause=Clause.objects.get(task=second), unit=group, role="cooperating", printed_name="各镇街"
    )
    town_reporter = make_user("nancun", "reporter", unit=towns[0], jurisdiction=district)
    return plan, towns, town_reporter


def test_each_unit_is_told_once(given, reporter, other_reporter):
    plan, _towns, town_reporter = given
    assert supervision.assignments_deliver() > 0
    units = set(TaskSignature.objects.exclude(unit__kind="group").values_list("task_id", "unit__name"))
    first, second = plan.tasks.order_by("position")
    assert units == {
        (first.pk, "区编办"),
        (first.pk, "区财政局"),
        (second.pk, "区编办"),
        (second.pk, "区财政局"),
        (second.pk, "南村镇"),
        (second.pk, "石楼镇"),
    }
    assert Notification.objects.filter(user=reporter, kind="assigned").count() == 2
    assert Notification.objects.filter(user=other_reporter, kind="assigned").count() == 2
    notice = Notification.objects.get(user=town_reporter, kind="assigned")
    assert notice.title.startswith("新交办任务,请签收") and notice.url == f"/tasks/{second.pk}/"
    # Nothing new: nothing created, nothing sent.
    before = Notification.objects.count()
    assert supervision.assignments_deliver() == 0
    assert Notification.objects.count() == before


def test_a_unit_signs_for_itself_once(given, unit, reporter, other_reporter, legal_officer):
    plan, _towns, town_reporter = given
    supervision.assignments_deliver()
    task = plan.tasks.order_by("position").first()
    signature = supervision.task_sign(task=task, by=reporter)
    assert signature.unit_id == unit.pk and signature.signed_by == reporter and signature.signed_at
    with pytest.raises(supervision.SupervisionError) as twice:
        supervision.task_sign(task=task, by=reporter)
    assert twice.value.code == "already_signed" and "已于" in twice.value.message
    with pytest.raises(supervision.SupervisionError) as office:
        supervision.task_sign(task=task, by=legal_officer)
    assert office.value.status == 403
    with pytest.raises(supervision.SupervisionError) as not_given:
        supervision.task_sign(task=task, by=town_reporter)  # 南村镇 was given only the second task
    assert not_given.value.status == 404
    # 区财政局's row on the same task is untouched: each unit signs for itself.
    assert TaskSignature.objects.get(task=task, unit__name="区财政局").signed_at is None


@pytest.mark.parametrize(
    ("assigned_on", "late"),
    [
        ("2026-09-29", False),  # 09-30, 10-08, 10-09: three working days across 国庆, not late yet
        ("2026-09-28", True),
        ("2026-10-08", False),
    ],
)
def test_late_is_counted_in_working_days(assigned_on, late):
    cutoff = supervision.sign_cutoff(today=D("2026-10-09"), calendar=CALENDAR, days=3)
    moment = timezone.make_aware(dt.datetime.combine(D(assigned_on), dt.time(15, 0)))
    assert (moment < cutoff) is late


def test_the_legal_office_sees_who_has_not_signed(client, given, reporter, legal_officer):
    plan, _towns, _town_reporter = given
    supervision.assignments_deliver()
    first, _second = plan.tasks.order_by("position")
    # 区编办's rows were given long ago; the others today.
    TaskSignature.objects.filter(unit__name="区编办").update(assigned_at=timezone.now() - dt.timedelta(days=30))
    supervision.task_sign(task=first, by=reporter)
    client.force_login(legal_officer)
    body = client.get("/").content.decode()
    assert "未签收交办任务的单位" in body
    rows = {u.name: (u.pending, u.late) for u in client.get("/").context["office"]["unsigned"]}
    assert rows == {"区编办": (1, 1), "区财政局": (2, 0), "南村镇": (1, 0), "石楼镇": (1, 0)}


def test_signing_from_the_workbench(client, given, reporter):
    plan, _towns, _town_reporter = given
    supervision.assignments_deliver()
    client.force_login(reporter)
    page = client.get("/")
    assert len(page.context["reporter"]["unsigned"]) == 2
    task = plan.tasks.order_by("position").first()
    response = client.post(f"/tasks/{task.pk}/sign/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert len(client.get("/").context["reporter"]["unsigned"]) == 1
    # Twice: refused with a message, nothing changed.
    again = client.post(f"/tasks/{task.pk}/sign/", {"next": "/"}, follow=True)
    assert "已于" in again.content.decode()
    detail = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "交办与签收" in detail and "签收" in detail


def test_the_api_lists_signatures(given, reporter, api_client_user):
    plan, _towns, _town_reporter = given
    supervision.assignments_deliver()
    task = plan.tasks.order_by("position").first()
    supervision.task_sign(task=task, by=reporter)
    body = token_client(api_client_user).get(f"/api/v1/tasks/{task.pk}/").json()
    signatures = {s["unit"]["name"]: s for s in body["signatures"]}
    assert set(signatures) == {"区编办", "区财政局"}
    assert signatures["区编办"]["signed_at"] and signatures["区财政局"]["signed_at"] is None
    assert dt.datetime.fromisoformat(signatures["区编办"]["assigned_at"]).tzinfo is not None
    listed = token_client(api_client_user).get("/api/v1/tasks/").json()["results"]
    assert all("signatures" in t for t in listed)


def test_completed_tasks_are_not_delivered_nor_waiting_for_a_signature(client, given, reporter, legal_officer):
    """交办 is for open work: a task completed before delivery (an imported history) is not delivered; one
    completed after delivery leaves the reporter's 待签收 list and the office's unsigned (and late) counts."""
    from tasks.models import TaskProgress

    plan, _towns, _town_reporter = given
    first, second = plan.tasks.order_by("position")
    TaskProgress.objects.create(task=first, completed_on=D("2016-09-15"))
    supervision.assignments_deliver()
    assert not TaskSignature.objects.filter(task=first).exists()
    assert Notification.objects.filter(user=reporter, kind="assigned").count() == 1
    assert set(TaskSignature.objects.values_list("task_id", flat=True)) == {second.pk}
    # Reopened, it is open work again and is delivered.
    TaskProgress.objects.filter(task=first).update(completed_on=None)
    supervision.assignments_deliver()
    assert TaskSignature.objects.filter(task=first, unit__name="区编办").exists()
    TaskSignature.objects.update(assigned_at=timezone.now() - dt.timedelta(days=30))
    client.force_login(reporter)
    assert len(client.get("/").context["reporter"]["unsigned"]) == 2
    TaskProgress.objects.filter(task=first).update(completed_on=D("2026-09-15"))
    unsigned = client.get("/").context["reporter"]["unsigned"]
    assert [s.task_id for s in unsigned] == [second.pk]
    client.force_login(legal_officer)
    rows = {u.name: (u.pending, u.late) for u in client.get("/").context["office"]["unsigned"]}
    assert rows == {"区编办": (1, 1), "区财政局": (1, 1), "南村镇": (1, 1), "石楼镇": (1, 1)}


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/x", "javascript:1"])
def test_sign_and_urge_never_send_the_person_off_site(client, given, reporter, legal_officer, target):
    """Hardening: ``next`` is read through one rule (lawgov.security.safe_next); "/\\evil.example" passed the
    old startswith("/") check and browsers read it as another host."""
    plan, _, _ = given
    task = plan.tasks.order_by("position").first()
    supervision.assignments_deliver(task_ids=[task.pk])
    client.force_login(reporter)
    response = client.post(f"/tasks/{task.pk}/sign/", {"next": target})
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert TaskSignature.objects.get(task=task, unit=reporter.unit).signed_at is not None
    client.force_login(legal_officer)
    response = client.post("/tasks/urge/", {"task": [task.pk], "next": target})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    # A page of this site is kept.
    response = client.post("/tasks/urge/", {"task": [task.pk], "next": f"/tasks/{task.pk}/"})
    assert response["Location"] == f"/tasks/{task.pk}/"
