"""The web shell: login, navigation by role, directory, and the refusals of bad requests."""

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from lawgov import health
from lawgov.context_processors import navigation_for
from lawgov.models import Heartbeat
from lawgov.services import heartbeat_record
from tests.conftest import PASSWORD, TEST_REDIS_URL
from tests.factories import plan_factory
from tests.workers import celery_broker

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert "登录" in response.content.decode()
    assert 'lang="zh-Hans"' in response.content.decode()


def test_wrong_password_and_unknown_user_get_the_same_message(client, reporter):
    wrong = client.post(reverse("login"), {"username": "reporter", "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_greets_with_role_and_unit(client, reporter):
    response = client.post(reverse("login"), {"username": "reporter", "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert "单位填报员" in body and "区编办" in body


def test_reporter_cannot_open_admin(client, reporter):
    client.force_login(reporter)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "后台管理仅限系统管理员使用" in response.content.decode()


def test_reporter_cannot_open_another_units_page(client, reporter, other_unit, unit):
    client.force_login(reporter)
    assert client.get(reverse("unit-detail", args=[unit.pk])).status_code == 200
    response = client.get(reverse("unit-detail", args=[other_unit.pk]))
    assert response.status_code == 403
    assert "您只能查看本单位的页面" in response.content.decode()


def test_unit_of_another_district_is_not_found(client, outsider_officer, unit):
    client.force_login(outsider_officer)
    assert client.get(reverse("unit-detail", args=[unit.pk])).status_code == 404


def test_directory_shows_tree_with_aliases(client, legal_officer, unit, other_unit):
    client.force_login(legal_officer)
    body = client.get(reverse("units")).content.decode()
    assert "区编办" in body and "区委编办" in body and "区财政局" in body


@pytest.mark.parametrize(
    ("fixture", "visible", "hidden"),
    [
        ("legal_officer", {"home", "units", "api-clients", "dashboard"}, {"admin"}),
        ("reporter", {"home", "units"}, {"api-docs", "admin"}),
        ("leader", {"dashboard", "units"}, {"home", "api-docs", "admin"}),
        ("api_client_user", {"home", "api-docs"}, {"admin", "units"}),
    ],
)
def test_navigation_by_role(request, fixture, visible, hidden):
    names = {item["name"] for item in navigation_for(request.getfixturevalue(fixture))}
    assert visible <= names
    assert not (hidden & names)


def test_health_without_redis_needs_only_the_database(client):
    response = client.get(reverse("health"))
    data = response.json()
    assert response.status_code == 200 and data["status"] == "ok"
    assert set(data["checks"]) == {"database", "broker", "schedule"}  # no Redis check without REDIS_URL
    assert data["checks"]["database"] == {"ok": True, "detail": connection.vendor, "required": True}
    assert all(check["ok"] for check in data["checks"].values())


def test_health_is_503_when_the_database_is_down(client):
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("could not connect to server")
    with mock.patch("lawgov.health.connection", broken):
        response = client.get(reverse("health"))
    data = response.json()
    assert response.status_code == 503 and data["status"] == "fail"
    assert data["checks"]["database"]["ok"] is False and "could not connect" in data["checks"]["database"]["detail"]


def test_health_is_503_when_redis_and_the_broker_are_down(client, settings):
    """Hardening issue: /health/ said "ok" whatever Redis did; with REDIS_URL set, Redis and the broker are
    needed (throttling counters, queued jobs)."""
    settings.REDIS_URL = dead = "redis://127.0.0.1:1/0"
    with celery_broker(dead, unreachable=True):
        response = client.get(reverse("health"))
    data = response.json()
    assert response.status_code == 503 and data["status"] == "fail"
    assert data["checks"]["database"]["ok"] is True
    assert data["checks"]["redis"]["ok"] is False and data["checks"]["broker"]["ok"] is False


def test_health_with_redis_warns_when_the_schedule_stopped(client, settings):
    settings.REDIS_URL = TEST_REDIS_URL
    with celery_broker(TEST_REDIS_URL):  # skipped without a real Redis
        heartbeat_record(worker="celery@w1")
        fresh = client.get(reverse("health"))
        Heartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=6))
        stale = client.get(reverse("health"))
    assert fresh.status_code == 200 and fresh.json()["status"] == "ok", fresh.json()
    assert set(fresh.json()["checks"]) == {"database", "redis", "broker", "schedule"}
    # A stopped worker or beat is a warning: the web container stays in the load balancer.
    assert stale.status_code == 200 and stale.json()["status"] == "warn"
    schedule = stale.json()["checks"]["schedule"]
    assert schedule["ok"] is False and schedule["required"] is False and schedule["detail"].startswith("last run 36")


@pytest.mark.parametrize(
    ("age", "scheduled", "ok"),
    [(None, False, True), (None, True, False), (60, True, True), (300, True, True), (301, True, False)],
)
def test_schedule_check_moves_the_clock(age, scheduled, ok):
    now = timezone.now()
    last = None if age is None else now - dt.timedelta(seconds=age)
    check = health.schedule_check(last, now=now, scheduled=scheduled)
    assert check.ok is ok and check.required is False


def test_api_me_says_who_the_caller_is(client, reporter):
    client.force_login(reporter)
    data = client.get("/api/v1/me/").json()
    assert data["role"] == "reporter"
    assert data["unit"]["name"] == "区编办"
    assert data["jurisdiction"]["name"] == "番禺区"


def test_api_errors_are_json(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_api_client_account_reads_through_the_api_not_the_pages(client, api_client_user, district, unit):
    """Its menu shows 工作台 and 接口文档; the task, plan and unit pages answer 403 (in Chinese) — issue 18:
    an api_client account with a password opened the unit pages — and no page it can open offers them."""
    plan = plan_factory(jurisdiction=district, tasks=1, lead=unit)
    task = plan.tasks.first()
    client.force_login(api_client_user)
    pages = ["/tasks/", f"/tasks/{task.pk}/", "/plans/", f"/plans/{plan.pk}/", f"/tasks/plans/{plan.pk}/"]
    pages += [reverse("units"), reverse("unit-detail", args=[unit.pk]), reverse("plans:unit-tasks", args=[unit.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "接口客户端" in response.content.decode()
    home = client.get("/").content.decode()
    assert reverse("units") not in home and reverse("unit-detail", args=[unit.pk]) not in home
    assert client.get("/").status_code == 200 and client.get("/api/v1/tasks/").status_code == 200


def test_the_favicon_is_ours(client):
    """The browser asks for /favicon.ico when it shows the API's JSON: no 404 in its console."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("lawgov/favicon.svg")
