"""全部签收 (issue 15 follow-up): a unit given a plan of 40 tasks signs them with one click on its 工作台, all or
nothing, for itself only; and a task completed before its unit signed offers no 签收 on its page either."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import Task
from tasks import services, supervision
from tasks.models import TaskSignature
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 12, 31)


@pytest.fixture
def given(district, unit, other_unit, reporter, other_reporter):
    """Three tasks led by 区编办 with 区财政局 cooperating, delivered (交办) to both, none signed."""
    plan = plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit, due_on=DUE)
    supervision.assignments_deliver()
    return list(plan.tasks.order_by("position"))


def _signed(unit) -> dict[int, dt.datetime | None]:
    return dict(TaskSignature.objects.filter(unit=unit).values_list("task_id", "signed_at"))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_workbench_offers_one_form_with_every_waiting_task_ticked(client, given, reporter):
    client.force_login(reporter)
    page = client.get("/").content.decode()
    assert 'id="sign-all-form"' in page and "data-sign-all" in page
    assert 'data-select-all="unsigned" checked' in page
    for task in given:
        assert f'name="task" value="{task.pk}" form="sign-all-form" checked' in page


def test_one_click_signs_every_ticked_task_for_the_unit(client, given, unit, other_unit, reporter):
    client.force_login(reporter)
    before = {t.pk: t.updated_at for t in given}
    response = client.post("/tasks/sign/", {"task": [t.pk for t in given], "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert _messages(response) == ["已签收 3 项任务。"]
    rows = TaskSignature.objects.filter(unit=unit)
    assert rows.count() == 3 and all(r.signed_at and r.signed_by == reporter for r in rows)
    # 区财政局 signs for itself: its rows on the same tasks are untouched.
    assert set(_signed(other_unit).values()) == {None}
    # A change for the API's incremental pull, as a single 签收 is.
    assert all(t.updated_at > before[t.pk] for t in Task.objects.filter(pk__in=before))
    # What the reporter sees at the end: nothing left to sign on the 工作台.
    page = client.get("/")
    assert page.context["reporter"]["unsigned"] == [] and "sign-all-form" not in page.content.decode()


def test_unticked_tasks_stay_unsigned(client, given, unit, reporter):
    client.force_login(reporter)
    first, second, third = given
    client.post("/tasks/sign/", {"task": [first.pk, third.pk], "next": "/"})
    signed = _signed(unit)
    assert signed[first.pk] and signed[third.pk] and signed[second.pk] is None
    assert [s.task_id for s in client.get("/").context["reporter"]["unsigned"]] == [second.pk]


def test_tasks_signed_already_are_skipped_and_counted(client, given, unit, reporter):
    first = given[0]
    earlier = supervision.task_sign(task=first, by=reporter).signed_at
    client.force_login(reporter)
    response = client.post("/tasks/sign/", {"task": [t.pk for t in given], "next": "/"})
    assert _messages(response) == ["已签收 3 项任务\uff08其中 1 项此前已签收\uff09。"]
    assert _signed(unit)[first.pk] == earlier  # its first 签收 is kept, not overwritten
    result = supervision.tasks_sign(task_ids=[t.pk for t in given], by=reporter)
    assert result.signed == [] and result.already_signed == sorted(t.pk for t in given)


@pytest.mark.parametrize("intruder", ["other_jurisdiction", "not_delivered", "missing", "deleted"])
def test_a_task_not_delivered_to_the_unit_refuses_the_whole_batch(
    client, given, district, other_district, unit, other_unit, reporter, intruder
):
    if intruder == "other_jurisdiction":
        far = make_unit(other_district, "南海区司法局")
        bad = plan_factory(jurisdiction=other_district, tasks=1, lead=far, due_on=DUE).tasks.get().pk
    elif intruder == "not_delivered":  # 区财政局's own task: 区编办 was never given it
        bad = plan_factory(jurisdiction=district, tasks=1, lead=other_unit, due_on=DUE).tasks.get().pk
    elif intruder == "missing":
        bad = Task.objects.order_by("-pk").first().pk + 1000
    else:
        bad = given[2].pk
        Task.objects.filter(pk=bad).update(deleted_at=timezone.now())
    supervision.assignments_deliver()
    ids = [given[0].pk, given[1].pk, bad]
    client.force_login(reporter)
    response = client.post("/tasks/sign/", {"task": ids, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    (message,) = _messages(response)
    assert "没有交办给本单位" in message and str(bad) in message and "本次未签收任何任务" in message
    assert set(_signed(unit).values()) == {None}  # nothing signed, the good ids included
    with pytest.raises(supervision.SupervisionError) as refused:
        supervision.tasks_sign(task_ids=ids, by=reporter)
    assert refused.value.code == "not_assigned" and refused.value.status == 404
    assert set(_signed(unit).values()) == {None}


def test_only_a_reporter_signs_and_only_for_its_own_unit(client, given, unit, district, legal_officer, leader):
    ids = [t.pk for t in given]
    for user in (legal_officer, leader):
        with pytest.raises(supervision.SupervisionError) as refused:
            supervision.tasks_sign(task_ids=ids, by=user)
        assert refused.value.code == "not_reporter" and refused.value.status == 403
        client.force_login(user)
        assert client.post("/tasks/sign/", {"task": ids, "next": "/"}).status_code == 403
    admin = make_user("root", "legal_office", is_superuser=True, is_staff=True, jurisdiction=district)
    client.force_login(admin)
    assert client.post("/tasks/sign/", {"task": ids, "next": "/"}).status_code == 403
    client.logout()
    assert client.post("/tasks/sign/", {"task": ids}).status_code == 302  # to the login page
    assert set(_signed(unit).values()) == {None}


def test_bad_input_is_said_and_changes_nothing(client, given, unit, reporter):
    client.force_login(reporter)
    response = client.post("/tasks/sign/", {"task": [given[0].pk, "abc"], "next": "/"})
    assert _messages(response) == ["所选任务的编号无效,本次未签收任何任务。"]
    response = client.post("/tasks/sign/", {"next": "/"})
    assert _messages(response)[-1] == "请先勾选要签收的任务。" and response["Location"] == "/"
    assert set(_signed(unit).values()) == {None}
    # The next field is followed only on this site (lawgov.security.safe_next).
    response = client.post("/tasks/sign/", {"task": [given[0].pk], "next": "/\\evil.example"})
    assert response["Location"] == "/"
    assert client.get("/tasks/sign/").status_code == 405


def test_the_batch_costs_the_same_queries_for_3_tasks_or_40(district, unit, reporter, given):
    with CaptureQueriesContext(connection) as few:
        supervision.tasks_sign(task_ids=[t.pk for t in given], by=reporter)
    many = list(plan_factory(jurisdiction=district, tasks=40, lead=unit, due_on=DUE).tasks.all())
    supervision.assignments_deliver()
    with CaptureQueriesContext(connection) as more:
        result = supervision.tasks_sign(task_ids=[t.pk for t in many], by=reporter)
    assert len(result.signed) == 40
    # The rows, one UPDATE signing them, the rows this call signed, one UPDATE of the tasks' updated_at
    # (plus the savepoint pair of the atomic block inside the test's transaction).
    assert len(more) == len(few) <= 6


def _complete(task, unit, reporter, legal_officer):
    done = services.progress_report_create(
        task=task,
        unit=unit,
        by=reporter,
        reported_on=timezone.localdate(),
        text="完成",
        percent=100,
        claims_completion=True,
    )
    services.progress_report_accept(report=done, by=legal_officer)


def test_a_task_completed_before_its_unit_signed_offers_no_sign_button(
    client, given, unit, other_unit, reporter, other_reporter, legal_officer
):
    """区编办 completes the task; 区财政局 (cooperating) never signed it. Its reporter sees no 签收 on the task
    page, as the 工作台 no longer lists it: one rule (``supervision._waiting``) for both."""
    task = given[0]
    url = f"/tasks/{task.pk}/"
    client.force_login(other_reporter)
    assert "data-sign>" in client.get(url).content.decode()
    _complete(task, unit, reporter, legal_officer)
    page = client.get(url).content.decode()
    assert "交办与签收" in page and "data-sign>" not in page and "data-sign-not-needed" in page
    assert task.pk not in [s.task_id for s in client.get("/").context["reporter"]["unsigned"]]
    # The other tasks still wait and are still offered.
    assert "data-sign>" in client.get(f"/tasks/{given[1].pk}/").content.decode()
