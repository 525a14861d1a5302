"""The REST API: tokens, visibility, the shared FilterSet, pagination limits, JSON errors, writes by role."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from lawgov.models import Role
from lawgov.services import api_token_issue
from plans.models import Deadline, Target, Task
from tasks import services
from tasks.filtersets import TaskFilterSet
from tasks.models import ProgressReport
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def tasks(district, unit, other_unit):
    """Two overdue tasks led by 区编办, three future tasks led by 区财政局."""
    a = plan_factory(
        jurisdiction=district, tasks=2, lead=unit, cooperating=other_unit, due_on=TODAY - dt.timedelta(days=3)
    )
    b = plan_factory(jurisdiction=district, tasks=3, lead=other_unit, due_on=TODAY + dt.timedelta(days=90))
    return a, b


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


def error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


def test_api_client_pulls_overdue_tasks_of_one_unit_then_changes(api_client_user, tasks, unit, reporter):
    client = token_client(api_client_user)
    response = client.get("/api/v1/tasks/", {"unit": unit.pk, "role": "lead", "overdue": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    task = body["results"][0]
    assert task["status"] == "overdue"
    assert {u["role"] for c in task["clauses"] for u in c["units"]} == {"lead", "cooperating"}
    assert task["plan"]["title"] and task["latest_progress"] is None
    since = timezone.now().isoformat()
    changed = Task.objects.get(pk=task["id"])
    services.progress_report_create(task=changed, unit=unit, by=reporter, reported_on=TODAY, text="新进展", percent=20)
    response = client.get("/api/v1/tasks/", {"updated_since": since})
    ids = [t["id"] for t in response.json()["results"]]
    assert ids == [changed.pk]
    assert response.json()["results"][0]["latest_progress"]["text"] == "新进展"


def test_each_caller_sees_only_its_own(api_client_user, outsider_officer, reporter, tasks):
    assert token_client(api_client_user).get("/api/v1/tasks/").json()["count"] == 5
    other = token_client(outsider_officer)
    assert other.get("/api/v1/tasks/").json()["count"] == 0
    some = Task.objects.first()
    assert other.get(f"/api/v1/tasks/{some.pk}/").status_code == 404
    assert token_client(reporter).get("/api/v1/tasks/").json()["count"] == 2


def test_revoked_and_bad_tokens_get_401(api_client_user, tasks):
    client = token_client(api_client_user)
    Token.objects.filter(user=api_client_user).delete()
    response = client.get("/api/v1/tasks/")
    assert response.status_code == 401 and error(response)["code"] == "authentication_failed"
    anonymous = APIClient()
    response = anonymous.get("/api/v1/tasks/")
    assert response.status_code == 401 and error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "query",
    [
        {"status": "finished"},
        {"page_size": "100000"},
        {"page_size": "0"},
        {"page_size": "abc"},
        {"due_before": "2026-13-45"},
        {"updated_since": "yesterday"},
        {"plan": "999999"},
        {"unit": "abc"},
        {"overdue": "maybe"},
        {"ordering": "password"},
    ],
)
def test_bad_filters_are_400_json(api_client_user, tasks, query):
    response = token_client(api_client_user).get("/api/v1/tasks/", query)
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"


def test_a_unit_of_another_jurisdiction_is_named_in_the_error(api_client_user, tasks, other_district):
    foreign = make_unit(other_district, "外区编办")
    response = token_client(api_client_user).get("/api/v1/tasks/", {"unit": foreign.pk})
    assert response.status_code == 400
    assert error(response)["details"] == {"unit": ["没有这个单位,或它不在您的辖区(请填写单位ID)。"]}


def test_page_size_up_to_500(api_client_user, tasks):
    body = token_client(api_client_user).get("/api/v1/tasks/", {"page_size": 500}).json()
    assert body["count"] == 5 and len(body["results"]) == 5
    body = token_client(api_client_user).get("/api/v1/tasks/", {"page_size": 2, "page": 2}).json()
    assert len(body["results"]) == 2 and body["previous"]


def test_pages_walk_the_whole_list_with_the_total_on_each(api_client_user, tasks):
    """The page and the total come from one query (COUNT(*) OVER ()): the total, the links and the rows
    must still be those of a classic paginator, and a page past the end a JSON 404."""
    client = token_client(api_client_user)
    seen, url, pages = [], "/api/v1/tasks/?page_size=2&ordering=id", 0
    while url:
        body = client.get(url).json()
        assert body["count"] == 5
        seen += [t["id"] for t in body["results"]]
        pages += 1
        assert (body["previous"] is None) == (pages == 1)
        url = body["next"]
    assert pages == 3 and seen == sorted(Task.objects.values_list("pk", flat=True))
    for page in (4, 0, "-1", "1.5", "²", "99999999999999999999", "x"):
        response = client.get("/api/v1/tasks/", {"page_size": 2, "page": page})
        assert response.status_code == 404 and error(response)["code"] == "page", page
    last = client.get("/api/v1/tasks/?page_size=2&ordering=id&page=last").json()
    assert last["count"] == 5 and [t["id"] for t in last["results"]] == seen[4:] and last["next"] is None
    assert (
        error(client.get("/api/v1/tasks/", {"page_size": 2, "page": 4}))["message"] == "没有第 4 页:共 5 条,每页 2 条。"
    )
    empty = client.get("/api/v1/tasks/", {"search": "没有这样的任务"}).json()
    assert (empty["count"], empty["results"], empty["next"]) == (0, [], None)


def test_filters_status_search_ordering(api_client_user, tasks, other_unit):
    client = token_client(api_client_user)
    assert client.get("/api/v1/tasks/", {"status": ["overdue", "not_started"]}).json()["count"] == 5
    assert client.get("/api/v1/tasks/", {"status": "done"}).json()["count"] == 0
    assert client.get("/api/v1/tasks/", {"search": "任务1"}).json()["count"] == 2
    dues = [t["due_on"] for t in client.get("/api/v1/tasks/", {"ordering": "-due_on"}).json()["results"]]
    assert dues == sorted(dues, reverse=True)
    assert client.get("/api/v1/tasks/", {"due_after": (TODAY + dt.timedelta(days=1)).isoformat()}).json()["count"] == 3


def test_read_only_clients_cannot_write(api_client_user, leader, tasks):
    task = Task.objects.first()
    for user in (api_client_user, leader):
        response = token_client(user).post(
            "/api/v1/progress-reports/",
            {"task": task.pk, "reported_on": TODAY, "text": "x", "percent": 5},
            format="json",
        )
        assert response.status_code == 403 and error(response)["code"] == "permission_denied"
    assert not ProgressReport.objects.exists()


def test_reporter_creates_progress_through_the_api(reporter, tasks, other_unit):
    client = token_client(reporter)
    mine = Task.objects.visible_to(reporter).first()
    response = client.post(
        "/api/v1/progress-reports/",
        {"task": mine.pk, "reported_on": TODAY.isoformat(), "text": "接口填报", "percent": 50},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["unit"]["name"] == "区编办" and response.json()["status"] == "submitted"
    bad = client.post(
        "/api/v1/progress-reports/",
        {"task": mine.pk, "reported_on": TODAY.isoformat(), "text": "x", "percent": 140},
        format="json",
    )
    assert bad.status_code == 400 and "percent" in error(bad)["details"]
    foreign = Task.objects.exclude(pk__in=Task.objects.visible_to(reporter)).first()
    response = client.post(
        "/api/v1/progress-reports/",
        {"task": foreign.pk, "reported_on": TODAY.isoformat(), "text": "x", "percent": 5},
        format="json",
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/progress-reports/",
        {"task": mine.pk, "unit": other_unit.pk, "reported_on": TODAY.isoformat(), "text": "x", "percent": 5},
        format="json",
    )
    assert response.status_code == 403
    future = client.post(
        "/api/v1/progress-reports/",
        {"task": mine.pk, "reported_on": "2999-01-01", "text": "x", "percent": 5},
        format="json",
    )
    assert future.status_code == 400 and error(future)["code"] == "future_date"
    assert ProgressReport.objects.count() == 1


def test_task_detail_carries_its_reports(legal_officer, reporter, tasks, unit):
    task = Task.objects.visible_to(reporter).first()
    for n in range(3):
        services.progress_report_create(
            task=task, unit=unit, by=reporter, reported_on=TODAY - dt.timedelta(days=n), text=f"进展{n}", percent=10 * n
        )
    body = token_client(legal_officer).get(f"/api/v1/tasks/{task.pk}/").json()
    assert [r["text"] for r in body["progress_reports"]] == ["进展0", "进展1", "进展2"]
    assert body["latest_progress"]["text"] == "进展0"


def test_list_and_detail_agree_on_the_latest_progress(legal_officer, reporter, tasks, unit):
    """The list takes the latest report from a subquery, the detail from the task's reports: the same rule
    either way (a reporter's own draft counts for it, nobody else's draft does)."""
    task = Task.objects.visible_to(reporter).order_by("id").first()
    services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY - dt.timedelta(days=2), text="已报送", percent=30
    )
    services.progress_report_create(
        task=task, unit=unit, by=reporter, reported_on=TODAY, text="草稿", percent=40, submit=False
    )
    for user, expected in ((reporter, "草稿"), (legal_officer, "已报送")):
        client = token_client(user)
        listed = next(t for t in client.get("/api/v1/tasks/").json()["results"] if t["id"] == task.pk)
        detail = client.get(f"/api/v1/tasks/{task.pk}/").json()
        assert listed["latest_progress"] == detail["latest_progress"]
        assert detail["latest_progress"]["text"] == expected


def test_ordering_by_due_date_pages_through_ties_once(api_client_user, district, unit):
    """Ten tasks with one deadline, paged one at a time: each comes exactly once, ties broken by id."""
    plan_factory(jurisdiction=district, tasks=10, lead=unit, due_on=TODAY)
    client = token_client(api_client_user)
    for ordering in ("due_on", "-due_on"):
        seen = []
        for page in range(1, 11):
            body = client.get("/api/v1/tasks/", {"ordering": ordering, "page_size": 1, "page": page}).json()
            seen += [t["id"] for t in body["results"]]
        assert seen == sorted(Task.objects.values_list("pk", flat=True)), ordering
    # Small tables come back in insertion order anyway: check the tie-breaker is in the query itself.
    for ordering, expected in (("due_on", ["due_on", "id"]), ("-due_on", ["-due_on", "id"]), ("-id", ["-id"])):
        filterset = TaskFilterSet({"ordering": ordering}, Task.objects.all())
        assert list(filterset.qs.query.order_by) == expected


def test_clauses_deadlines_and_targets_come_back_as_stored(legal_officer, tasks):
    """The parts of a task are read with plain SQL: dates, JSON rules, decimals and the order of clauses
    and units must be what the models hold, on SQLite and PostgreSQL alike."""
    task = Task.objects.order_by("id").first()
    Deadline.objects.create(task=task, text="2026年6月底前", due_on=dt.date(2026, 6, 30))
    Deadline.objects.create(task=task, text="每季度", recurrence={"rule": "quarterly", "day": 10})
    Target.objects.create(task=task, text="覆盖率达到95%", value=Decimal("95.50"), measure="%", period="年")
    Target.objects.create(task=task, text="逐步提高", value=None)
    client = token_client(legal_officer)
    detail = client.get(f"/api/v1/tasks/{task.pk}/").json()
    listed = next(t for t in client.get("/api/v1/tasks/").json()["results"] if t["id"] == task.pk)
    expected_deadlines = [
        {"text": "2026年6月底前", "due_on": "2026-06-30", "recurrence": None},
        {"text": "每季度", "due_on": None, "recurrence": {"rule": "quarterly", "day": 10}},
    ]
    assert detail["deadlines"] == listed["deadlines"] == expected_deadlines
    assert detail["targets"] == [
        {"text": "覆盖率达到95%", "value": 95.5, "measure": "%", "period": "年"},
        {"text": "逐步提高", "value": None, "measure": "", "period": ""},
    ]
    clauses = [
        {
            "position": c.position,
            "text": c.text,
            "units": [(a.unit.name, a.role) for a in c.assignments.order_by("position", "id")],
        }
        for c in task.clauses.order_by("position")
    ]
    assert [
        {"position": c["position"], "text": c["text"], "units": [(u["name"], u["role"]) for u in c["units"]]}
        for c in detail["clauses"]
    ] == clauses
    assert detail["clauses"] == listed["clauses"]


def test_the_detail_shows_each_role_exactly_the_reports_visible_to_it(
    legal_officer, leader, api_client_user, reporter, other_reporter, outsider_officer, tasks, unit, other_unit
):
    """Leaders and API clients get a task's reports through plain SQL, the others through the queryset:
    either way the list is ProgressReport.objects.visible_to(user), newest first. The list's latest
    progress (plain SQL for everyone but a reporter) is the newest of those that counts: any for a
    reporter, a submitted one for everyone else. Every role: the legal office, the two reporters, a
    leader, an API client, a city's leader and API client (who see the district through the city), and
    the legal office of another district (who sees nothing)."""
    task = Task.objects.filter(plan=tasks[0]).order_by("id").first()  # 区编办 leads, 区财政局 helps
    make = services.progress_report_create
    make(task=task, unit=unit, by=reporter, reported_on=TODAY - dt.timedelta(days=3), text="已报送", percent=20)
    make(task=task, unit=unit, by=reporter, reported_on=TODAY, text="编办草稿", percent=30, submit=False)
    make(task=task, unit=other_unit, by=other_reporter, reported_on=TODAY, text="财政草稿", percent=5, submit=False)
    gone = make(task=task, unit=unit, by=reporter, reported_on=TODAY - dt.timedelta(days=1), text="删掉的", percent=9)
    services.progress_report_delete(report=gone, by=legal_officer, reason="重复填报")
    city = task.plan.jurisdiction.parent
    city_leader = make_user("city_leader", Role.LEADER, jurisdiction=city)
    city_client = make_user("city_api", Role.API_CLIENT, jurisdiction=city)
    users = (
        legal_officer,
        leader,
        api_client_user,
        reporter,
        other_reporter,
        city_leader,
        city_client,
        outsider_officer,
    )
    counts = {}
    for user in users:
        client = token_client(user)
        expected = list(
            ProgressReport.objects.visible_to(user)
            .filter(task=task)
            .order_by("-reported_on", "-id")
            .values_list("pk", "status")
        )
        detail = client.get(f"/api/v1/tasks/{task.pk}/")
        listed = [t for t in client.get("/api/v1/tasks/", {"page_size": 500}).json()["results"] if t["id"] == task.pk]
        if user == outsider_officer:
            assert detail.status_code == 404 and listed == [] and expected == []
            counts[user.username] = 0
            continue
        shown = [r["id"] for r in detail.json()["progress_reports"]]
        counts[user.username] = len(shown)
        assert shown == [pk for pk, _ in expected], user.username
        latest = next((pk for pk, status in expected if user.role == Role.REPORTER or status != "draft"), None)
        assert [(t["latest_progress"] or {}).get("id") for t in listed] == [latest], user.username
        assert (detail.json()["latest_progress"] or {}).get("id") == latest, user.username
    # The office sees the drafts too; leaders and systems only the submitted report; nobody the deleted one.
    assert counts[legal_officer.username] == 3
    assert counts[leader.username] == counts[api_client_user.username] == 1
    assert counts[city_leader.username] == counts[city_client.username] == 1
    assert counts[reporter.username] == 2 and counts[other_reporter.username] == 1


def test_task_detail_query_count_is_flat(legal_officer, reporter, tasks, unit):
    """Four queries however many reports: token, task, its parts (clauses, deadlines, targets), reports."""
    task = Task.objects.visible_to(reporter).first()
    client = token_client(legal_officer)
    counts = []
    for n in (1, 12):
        for day in range(n):
            services.progress_report_create(
                task=task, unit=unit, by=reporter, reported_on=TODAY - dt.timedelta(days=day), text="进展", percent=5
            )
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"/api/v1/tasks/{task.pk}/").json()["progress_reports"]) in (1, 13)
        counts.append(len(ctx))
    assert counts == [4, 4]


def test_task_list_query_count_is_flat(api_client_user, district, unit, other_unit):
    """Four queries, for 3 tasks as for 60: the token with its user, the page with its total, the tasks'
    parts (clauses with units, deadlines), the latest reports."""
    client = token_client(api_client_user)
    plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)
    client.get("/api/v1/tasks/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/tasks/")
    plan_factory(jurisdiction=district, tasks=60, lead=unit, cooperating=other_unit)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/tasks/")
    assert response.json()["count"] == 63
    assert len(many) == len(few) == 4


def test_me_units_plans_sections(api_client_user, tasks, district):
    client = token_client(api_client_user)
    me = client.get("/api/v1/me/").json()
    assert me["role"] == "api_client" and me["jurisdiction"]["name"] == "番禺区" and me["unit"] is None
    assert {u["name"] for u in client.get("/api/v1/units/").json()["results"]} >= {"区编办", "区财政局"}
    plans = client.get("/api/v1/plans/").json()["results"]
    assert sorted(p["task_count"] for p in plans) == [2, 3]
    assert client.get("/api/v1/sections/", {"plan": plans[0]["id"]}).json()["count"] == 1


def test_export_csv_and_xlsx(api_client_user, tasks, unit):
    client = token_client(api_client_user)
    response = client.get("/api/v1/tasks/export/", {"format": "csv", "unit": unit.pk, "role": "lead"})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and text.count("\n") == 3 and "区编办" in text
    response = client.get("/api/v1/tasks/export/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 7 and rows[1][0] == "任务ID"  # below the title row
    assert client.get("/api/v1/tasks/export/", {"format": "pdf"}).status_code == 400


def test_throttling_per_client(api_client_user, tasks, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    from django.core.cache import cache

    cache.clear()
    client = token_client(api_client_user)
    codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert error(client.get("/api/v1/me/"))["code"] == "throttled"
    cache.clear()


def test_a_redis_that_is_down_does_not_take_the_api_down(api_client_user, tasks, settings, caplog):
    """Hardening issue: the throttle reads the cache on every call; with the cache on a Redis nobody listens
    on, API calls answered 500. The throttle now fails open and says so in the log."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = token_client(api_client_user)
    with caplog.at_level("WARNING", logger="lawgov.api.throttling"):
        assert client.get("/api/v1/me/").status_code == 200
        assert client.get("/api/v1/tasks/").status_code == 200
    assert "cache is unreachable" in caplog.text


def test_schema_and_docs_are_served_locally(client, legal_officer):
    client.force_login(legal_officer)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/tasks/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "https://" not in docs


def test_api_token_command(api_client_user):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", "api", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=api_client_user).key == key
    call_command("api_token", "api", "--revoke", stdout=StringIO())
    assert not Token.objects.filter(user=api_client_user).exists()


def test_legal_office_manages_tokens_in_the_ui(client, legal_officer, api_client_user, reporter):
    client.force_login(legal_officer)
    page = client.post("/api-clients/", {"action": "issue", "client": api_client_user.pk}).content.decode()
    key = Token.objects.get(user=api_client_user).key
    assert key in page
    client.post("/api-clients/", {"action": "revoke", "client": api_client_user.pk})
    assert not Token.objects.filter(user=api_client_user).exists()
    client.force_login(reporter)
    assert client.get("/api-clients/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units/?jurisdiction=-4.890607168104062e%2B139",  # found by schemathesis: was a 500
        "/api/v1/sections/?plan=1e400",
        "/api/v1/progress-reports/?task=99999999999999999999",
        "/api/v1/tasks/?plan=99999999999999999999",
    ],
)
def test_absurd_ids_are_400_not_500(api_client_user, url):
    response = token_client(api_client_user).get(url)
    assert response.status_code == 400 and error(response)["code"] == "invalid"


def test_the_token_lookup_loads_what_the_orm_would(reporter, api_client_user, unit):
    """lawgov.authentication reads token, user, jurisdiction and unit in one hand-built statement: every
    field must come back as the ORM gives it (SQLite dates made aware, JSON decoded)."""
    from lawgov.authentication import token_with_user
    from lawgov.models import Unit

    Unit.objects.filter(pk=unit.pk).update(aliases=["编办", "区委编办"])
    for user in (reporter, api_client_user):
        key = api_token_issue(user=user).key
        expected = Token.objects.select_related("user__jurisdiction", "user__unit").get(key=key)
        loaded = token_with_user(key)
        assert loaded.created == expected.created and timezone.is_aware(loaded.created)
        for field in type(user)._meta.concrete_fields:
            assert getattr(loaded.user, field.attname) == getattr(expected.user, field.attname), field.name
        for name in ("jurisdiction", "unit"):
            mine, theirs = getattr(loaded.user, name), getattr(expected.user, name)
            assert (mine is None) == (theirs is None)
            if theirs is not None:
                for field in Unit._meta.concrete_fields:
                    assert getattr(mine, field.attname) == getattr(theirs, field.attname), (name, field.name)
    assert loaded.user.unit is None and loaded.user.jurisdiction.name
    assert token_with_user(api_token_issue(user=reporter).key).user.unit.aliases == ["编办", "区委编办"]
    assert token_with_user("not-a-token") is None
