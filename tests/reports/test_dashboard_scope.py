"""Issue 16: the 驾驶舱 under the plan and year filters. Every card and chart counts the chosen tasks, and each
number is the task list's (and the API's) count behind its link; completion and reporting are by the units
answering for a task (lead or responsible, never the cooperating ones); the silent units; a trend from the
plan's or the year's start to today; leaders land on it; its query count does not grow with the data."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawgov.models import Role, Unit, UnitKind
from plans.models import Assignment, Clause, Plan, Task
from reports.dashboard import unit_coverage
from tasks import services
from tasks.models import TaskProgress
from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.api.test_api import token_client
from tests.conftest import PASSWORD, make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_YEAR = TODAY.year - 1
CARD = re.compile(
    r'<a class="kpi card" href="([^"]*)" data-kpi="([\w-]+)"><span>[^<]*</span><strong[^>]*>([^<]*)</strong>'
)


def _plan(district, *, tasks, lead, due_on, start, end, cooperating=None, title="方案") -> Plan:
    plan = plan_factory(
        jurisdiction=district, tasks=tasks, lead=lead, cooperating=cooperating, due_on=due_on, title=title
    )
    Plan.objects.filter(pk=plan.pk).update(period_start=start, period_end=end, issued_on=dt.date(start, 3, 1))
    plan.refresh_from_db()
    return plan


def _add_tasks(plan, n, *, lead, due_on, cooperating=None) -> None:
    """More tasks in ``plan`` (the factory makes one plan at a time)."""
    start = plan.tasks.count()
    for i in range(start + 1, start + n + 1):
        task = Task.objects.create(
            plan=plan, number=str(i), path=f"x/{i}", heading=f"任务{i}", text="内容", position=i, due_on=due_on
        )
        clause = Clause.objects.create(task=task, position=0, text="内容")
        Assignment.objects.create(clause=clause, unit=lead, role="lead")
        if cooperating:
            Assignment.objects.create(clause=clause, unit=cooperating, role="cooperating")


def _report(task, unit, by, day, *, done=False, officer=None):
    report = services.progress_report_create(
        task=task,
        unit=unit,
        by=by,
        reported_on=day,
        text="按计划推进",
        percent=100 if done else 50,
        claims_completion=done,
    )
    if officer is not None:
        services.progress_report_accept(report=report, by=officer)
    return report


@pytest.fixture(params=["read once", "aggregated"])
def counted(request, monkeypatch):
    """Both ways the 驾驶舱 counts a scope (reports.dashboard.ScopeCounts): its rows read once, or (a scope larger
    than PINNED_MAX) aggregates in the database; the same numbers either way."""
    if request.param == "aggregated":
        monkeypatch.setattr("reports.dashboard.PINNED_MAX", 0)
    return request.param


@pytest.fixture
def data(district, unit, other_unit, reporter, other_reporter, legal_officer):
    """Two plans: a two-year opinion (last year and this) and this year's arrangement.

    opinion: 4 tasks led by 区编办 (helped by 区财政局), due last June: one completed last year; 3 tasks led by
    区财政局 due in 20 days. arrangement: 2 tasks led by 区财政局 (helped by 区编办), due 10 days ago.
    """
    opinion = _plan(
        district,
        tasks=4,
        lead=unit,
        cooperating=other_unit,
        due_on=dt.date(LAST_YEAR, 6, 30),
        start=LAST_YEAR,
        end=TODAY.year,
        title="实施意见",
    )
    _add_tasks(opinion, 3, lead=other_unit, due_on=TODAY + dt.timedelta(days=20))
    arrangement = _plan(
        district,
        tasks=2,
        lead=other_unit,
        cooperating=unit,
        due_on=TODAY - dt.timedelta(days=10),
        start=TODAY.year,
        end=TODAY.year,
        title="年度工作安排",
    )
    first, second, *_ = opinion.tasks.order_by("position")
    _report(first, unit, reporter, dt.date(LAST_YEAR, 6, 1), done=True, officer=legal_officer)
    # Reports this year: 区编办 on one of its opinion tasks; 区财政局 only as a helper (on 区编办's task).
    _report(second, unit, reporter, TODAY - dt.timedelta(days=3))
    _report(second, other_unit, other_reporter, TODAY - dt.timedelta(days=2))
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    return opinion, arrangement


def _cards(body: str) -> dict[str, tuple[str, str]]:
    return {key: (href.replace("&amp;", "&"), number) for href, key, number in CARD.findall(body)}


def _listed(client, href: str) -> int:
    page = client.get(href).content.decode()
    return int(re.search(r"共 (\d+) 项", page).group(1))


def test_every_card_is_the_task_lists_count_under_each_scope(client, leader, api_client_user, data, counted):
    opinion, arrangement = data
    client.force_login(leader)
    api = token_client(api_client_user)
    scopes = [
        {},
        {"plan": opinion.pk},
        {"plan": arrangement.pk},
        {"year": LAST_YEAR},
        {"year": TODAY.year},
        {"plan": opinion.pk, "year": LAST_YEAR},
        {"plan": opinion.pk, "year": TODAY.year},
    ]
    seen = []
    for scope in scopes:
        response = client.get("/dashboard/", scope)
        assert response.status_code == 200
        cards = _cards(response.content.decode())
        assert {"total", "done", "overdue", "warning-red", "warning-yellow", "warning-blue"} <= set(cards)
        for key in ("total", "done", "overdue", "warning-red", "warning-yellow", "warning-blue"):
            href, number = cards[key]
            # The card's link carries the scope, and the list behind it has the card's number of tasks.
            assert all(f"{name}={value}" in href for name, value in scope.items()), (scope, key, href)
            assert _listed(client, href) == int(number), (scope, key, href)
            assert api.get("/api/v1/tasks/" + href.removeprefix("/tasks/")).json()["count"] == int(number)
        charts = {c["key"]: c for c in response.context["charts_json"]}
        # The charts' rows: each count is the list behind the row's link.
        for key, column in (("plans", 1), ("units_lead", 1), ("units_overdue", 1)):
            for row, link in zip(charts[key]["rows"], charts[key]["links"], strict=True):
                assert _listed(client, "/tasks/" + link) == row[column], (scope, key, row, link)
        # The trend ends today with the 已完成 card.
        assert charts["trend"]["rows"][-1][0] == f"{TODAY:%Y-%m}"
        assert charts["trend"]["rows"][-1][1] == int(cards["done"][1])
        seen.append(tuple(int(cards[k][1]) for k in ("total", "done", "overdue", "warning-red", "warning-yellow")))
        # The list of overdue and warned tasks: the overdue ones (red) and the yellow and blue ones, by deadline.
        risky = response.context["risky"]
        assert len(risky) == sum(int(cards[k][1]) for k in ("overdue", "warning-yellow", "warning-blue"))
        assert [t.due_on for t in risky] == sorted(t.due_on for t in risky)
        soon = response.context["upcoming"]
        assert len(soon) == (3 if scope.get("plan") != arrangement.pk and scope.get("year") != LAST_YEAR else 0)
        assert all(TODAY <= t.due_on <= TODAY + dt.timedelta(days=30) and t.status != "done" for t in soon)
    # The numbers follow the scope: (total, done, overdue, red, yellow)
    assert seen == [
        (9, 1, 5, 5, 3),  # everything
        (7, 1, 3, 3, 3),  # the opinion
        (2, 0, 2, 2, 0),  # the arrangement
        (4, 1, 3, 3, 0),  # last year: the opinion's tasks due then
        (8, 0, 5, 5, 3),  # this year: the three still open carried over, the 3 due soon, the arrangement's 2
        (4, 1, 3, 3, 0),
        (6, 0, 3, 3, 3),
    ]


def test_completion_and_reporting_by_the_answering_units(
    client, leader, data, unit, other_unit, district, other_reporter, legal_officer, counted
):
    """区财政局 helps on 区编办's tasks and reported there: that is neither its completion nor its reporting.
    Nor are its reports on its own tasks that were returned or deleted."""
    _, arrangement = data
    own, other = arrangement.tasks.order_by("position")
    returned = _report(own, other_unit, other_reporter, TODAY - dt.timedelta(days=1))
    services.progress_report_return(report=returned, by=legal_officer, reason="材料不全")
    deleted = _report(other, other_unit, other_reporter, TODAY - dt.timedelta(days=1))
    services.progress_report_delete(report=deleted, by=legal_officer, reason="重复报送")
    silent = make_unit(district, "区司法局")
    plan_factory(jurisdiction=district, tasks=1, lead=silent, due_on=dt.date(TODAY.year, 12, 31))
    client.force_login(leader)
    charts = {c["key"]: c for c in client.get("/dashboard/", {"year": TODAY.year}).context["charts_json"]}
    lead = {r[0]: r[1:] for r in charts["units_lead"]["rows"]}
    # (tasks it answers for, done, rate, overdue): this year's scope holds 区编办's three carried-over tasks.
    assert lead == {"区编办": [3, 0, 0, 3], "区财政局": [5, 0, 0, 2], "区司法局": [1, 0, 0, 0]}
    reporting = {r[0]: r[1:] for r in charts["units_reporting"]["rows"]}
    # (due a report this year, reported, rate): 区财政局's helper report does not count for it.
    assert reporting == {"区编办": [3, 1, 33], "区财政局": [5, 0, 0], "区司法局": [1, 0, 0]}
    assert [r[0] for r in charts["units_silent"]["rows"]] == ["区财政局", "区司法局"]
    assert charts["units_silent"]["links"][0].endswith(f"&unit={other_unit.pk}&role=lead&role=responsible")
    page = client.get("/dashboard/", {"year": TODAY.year}).content.decode()
    assert 'data-kpi="silent">2</b>' in page
    # 1 of the 9 (unit, task) pairs due a report this year was reported on.
    assert re.search(r'data-kpi="reporting"><span>[^<]*</span><strong>11%</strong>', page)


def test_a_group_phrase_counts_for_the_units_it_stands_for(client, leader, district, unit, counted):
    """各镇街 leads a task: every township answers for it, as the task list's ``unit`` filter reads it."""
    towns = [make_unit(district, name, kind=UnitKind.TOWNSHIP) for name in ("大石街道", "南村镇")]
    group = make_unit(district, "各镇街", kind=UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    listed = make_unit(district, "有关部门", kind=UnitKind.GROUP)
    listed.members.add(unit)
    plan = plan_factory(jurisdiction=district, tasks=2, lead=group, due_on=TODAY - dt.timedelta(days=1))
    # One task names 大石街道 as well as 各镇街: it counts once for 大石街道.
    Assignment.objects.create(clause=plan.tasks.first().clauses.first(), unit=towns[0], role="lead")
    plan_factory(jurisdiction=district, tasks=1, lead=listed, due_on=TODAY + dt.timedelta(days=9))
    names, pairs = unit_coverage([district])
    for pk in names:
        assert sorted(g for u, g in pairs if u == pk) == sorted(Unit.objects.get(pk=pk).covering_ids()), names[pk]
    client.force_login(leader)
    charts = {c["key"]: c for c in client.get("/dashboard/").context["charts_json"]}
    lead = {r[0]: r[1] for r in charts["units_lead"]["rows"]}
    assert lead == {"大石街道": 2, "南村镇": 2, "区编办": 1}
    for row, link in zip(charts["units_lead"]["rows"], charts["units_lead"]["links"], strict=True):
        assert _listed(client, "/tasks/" + link) == row[1]


def test_the_trend_starts_at_the_plans_or_the_years_start(client, leader, data, counted):
    opinion, _ = data
    client.force_login(leader)

    def months(**scope):
        charts = {c["key"]: c for c in client.get("/dashboard/", scope).context["charts_json"]}
        return [r[0] for r in charts["trend"]["rows"]]

    this_month = f"{TODAY:%Y-%m}"
    assert months(plan=opinion.pk)[0] == f"{LAST_YEAR}-01" and months(plan=opinion.pk)[-1] == this_month
    assert months(year=TODAY.year)[0] == f"{TODAY.year}-01"
    assert months(plan=opinion.pk, year=TODAY.year)[0] == f"{TODAY.year}-01"
    assert months()[0] == f"{LAST_YEAR}-01"  # the earliest plan's start
    # The completion last June shows from June on, in the opinion's own trend.
    rows = {c["key"]: c for c in client.get("/dashboard/", {"plan": opinion.pk}).context["charts_json"]}["trend"]
    assert [r[1] for r in rows["rows"]][4:6] == [0, 1]


def test_the_filters_and_the_downloads_keep_the_scope(client, leader, data):
    opinion, _ = data
    client.force_login(leader)
    page = client.get("/dashboard/", {"plan": opinion.pk, "year": LAST_YEAR}).content.decode()
    assert f'<option value="{opinion.pk}" selected>' in page and f'<option value="{LAST_YEAR}" selected>' in page
    assert f'href="?plan={opinion.pk}&amp;year={LAST_YEAR}&amp;download=units_lead"' in page
    download = client.get("/dashboard/", {"plan": opinion.pk, "year": LAST_YEAR, "download": "plans"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "abc"}, "年度请填写 1990 至 2100 之间的四位年份"),
        ({"year": "20250"}, "年度请填写 1990 至 2100 之间的四位年份"),
        ({"plan": "999999"}, "没有这个规划,或它不在您的辖区"),
    ],
)
def test_bad_filters_say_so(client, leader, data, query, message):
    client.force_login(leader)
    response = client.get("/dashboard/", query)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'data-kpi="total"><span>任务总数</span><strong>9</strong>' in body


def test_another_districts_plan_is_refused(client, leader, other_district):
    foreign = plan_factory(jurisdiction=other_district, tasks=2)
    client.force_login(leader)
    response = client.get("/dashboard/", {"plan": foreign.pk})
    assert response.status_code == 400 and foreign.title not in response.content.decode()


def test_leaders_land_on_the_dashboard(client, leader, legal_officer, reporter, district):
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    for user in (legal_officer, reporter):
        client.force_login(user)
        assert client.get("/").status_code == 200  # their 工作台
    client.logout()
    response = client.post("/login/", {"username": "leader", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"


def test_query_count_is_pinned_and_flat_under_the_filters(client, leader, data, district, unit, counted):
    opinion, _ = data
    client.force_login(leader)
    scope = {"plan": opinion.pk, "year": TODAY.year}
    client.get("/dashboard/", scope)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dashboard/", scope).status_code == 200
    for n in range(3):
        _add_tasks(opinion, 20, lead=make_unit(district, f"区测试局{n}"), cooperating=unit, due_on=TODAY)
    towns = make_unit(district, "各镇街", kind=UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    make_unit(district, "石楼镇", kind=UnitKind.TOWNSHIP)
    plan_factory(jurisdiction=district, tasks=5, lead=towns, cooperating=unit, due_on=TODAY)
    TaskProgress.objects.filter(task__plan=opinion).update(last_report_on=TODAY)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dashboard/", scope).status_code == 200
    # 20 queries: session, user, the user's jurisdictions; the plan of the filter; the scope's tasks
    # (reports.dashboard.ScopeCounts: with their approved extensions, so the completions' timeliness is
    # counted from them), the visible plans; the sections; the units and group members of the coverage, the
    # answering units' tasks; reports in the period; the overdue and warned tasks with their clauses,
    # assignments and units; the next 30 days; the assessment cycle with results and the latest one; the
    # report calendar's settings and reports. Counted by the database (a scope over PINNED_MAX tasks), 4
    # more: by plan, by section, completions by month, the completions' timeliness.
    expected = 20 if counted == "read once" else 24
    assert len(many) == len(few) == expected, "\n".join(q["sql"][:150] for q in many)


def test_a_city_leader_sees_each_district_under_the_scope(client, data, district, other_district, counted):
    city = district.parent
    Unit.objects.filter(pk=other_district.pk).update(parent=city)
    nanhai = plan_factory(jurisdiction=other_district, tasks=2, lead=make_unit(other_district, "南海区司法局"))
    Plan.objects.filter(pk=nanhai.pk).update(period_start=LAST_YEAR, period_end=LAST_YEAR)
    city_leader = make_user("city_leader", Role.LEADER, jurisdiction=city)
    client.force_login(city_leader)
    charts = {c["key"]: c for c in client.get("/dashboard/", {"year": LAST_YEAR}).context["charts_json"]}
    assert {r[0]: r[1] for r in charts["districts"]["rows"]} == {"番禺区": 4, "南海区": 2}
    for row, link in zip(charts["districts"]["rows"], charts["districts"]["links"], strict=True):
        assert f"year={LAST_YEAR}" in link and _listed(client, "/tasks/" + link) == row[1]
