"""Issue 18: double submits. Two identical creates at once used to give a duplicate progress report, and a
500 for an API client or an assessment window extension. Now: the same progress form posted twice makes one
report (sequentially and racing), an API client name taken by a racing create is a 409 with a message, and
a window extension granted twice at once is one row (idempotent)."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment import services as assessment_services
from assessment.models import WindowExtension
from lawgov.errors import DomainError
from lawgov.models import Role, User
from lawgov.services import api_client_create
from tasks import services as task_services
from tasks.models import ProgressReport
from tests.assessment.conftest import TODAY as ASSESSMENT_TODAY
from tests.factories import plan_factory
from tests.lawgov.racing import race


@pytest.fixture
def task(district, unit):
    return plan_factory(jurisdiction=district, tasks=1, lead=unit).tasks.get()


@pytest.mark.django_db
def test_the_same_progress_form_posted_twice_makes_one_report(client, reporter, task):
    client.force_login(reporter)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 32
    form = {"reported_on": "2026-11-20", "percent": 30, "text": "已召开专题会议", "form_token": token}
    for _ in range(2):
        response = client.post(reverse("tasks:report-create", args=[task.pk]), form)
        assert response.status_code == 302
    assert ProgressReport.objects.filter(task=task).count() == 1
    # A new blank form is a new report.
    again = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert token not in again


@pytest.mark.django_db(transaction=True)
def test_two_identical_progress_posts_at_once_make_one_report(reporter, task, unit):
    def submit():
        return task_services.progress_report_create(
            task=task, unit=unit, by=reporter, reported_on=dt.date(2026, 11, 20), text="同一份", percent=30,
            form_token="a" * 32, today=dt.date(2026, 11, 22),
        ).pk  # fmt: skip

    first, second = race(submit)
    assert isinstance(first, int) and first == second
    assert ProgressReport.objects.filter(task=task).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_api_client_creates_at_once_one_gets_409(district):
    def create():
        return api_client_create(username="dataviz", display_name="数据大屏", jurisdiction=district).pk

    outcomes = race(create)
    assert isinstance(outcomes[0], int)
    assert isinstance(outcomes[1], DomainError) and outcomes[1].status == 409 and "已被占用" in outcomes[1].message
    assert User.objects.filter(username="dataviz", role=Role.API_CLIENT).count() == 1


@pytest.mark.django_db
def test_a_taken_api_client_name_is_409_on_the_page(client, legal_officer):
    client.force_login(legal_officer)
    form = {"action": "create", "username": "dataviz", "display_name": "大屏"}
    assert client.post(reverse("api-clients"), form).status_code == 200
    again = client.post(reverse("api-clients"), form)
    assert again.status_code == 409 and "已被占用" in again.content.decode()
    assert not User.objects.get(username="dataviz").has_usable_password()


@pytest.mark.django_db(transaction=True)
def test_a_window_extension_granted_twice_at_once_is_one_row(cycle, unit, legal_officer):
    until = cycle.self_end + dt.timedelta(days=5)

    def extend():
        return assessment_services.window_extend(
            cycle=cycle, unit=unit, until=until, reason="系统故障", by=legal_officer, today=ASSESSMENT_TODAY
        ).pk

    first, second = race(extend)
    assert isinstance(first, int) and first == second
    assert WindowExtension.objects.filter(cycle=cycle, unit=unit).count() == 1
