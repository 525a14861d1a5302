"""Every API endpoint's query count, pinned, and the same for a few rows as for many: an N+1 fails here.

Each test asks twice, before and after the data grows tenfold, inside ``django_assert_num_queries`` with the
same number; the comment above it lists the queries. Every call starts with the token lookup
(``lawgov.authentication.token_with_user``: token, user, jurisdiction and unit in one statement). A list
paged by DRF's paginator costs a COUNT and the page; the task list's paginator does both in one
(``lawgov.api.Pagination.paginate_counted``). The task list and detail are pinned in tests/api/test_api.py.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment import services as assessment_services
from assessment.models import Submission
from lawgov.models import Role, Unit, UnitKind
from plans.models import Section, Task
from reports.models import AnnualReport, ReportStatus, ReportVersion, VersionOrigin
from tasks import services
from tasks.models import ProgressReport
from tests.api.test_api import token_client
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def get(django_assert_num_queries):
    """``get(client, url, queries, **params)``: the JSON of a 200 answer that cost exactly ``queries``."""

    def get(client, url, queries, **params):
        with django_assert_num_queries(queries):
            response = client.get(url, params)
        assert response.status_code == 200, response.content[:500]
        return response

    return get


def grow_units(district, n):
    start = Unit.objects.count()
    return [make_unit(district, f"区测试局{start + i}") for i in range(n)]


def test_api_root_and_me(get, legal_officer, district):
    """Neither reads anything but the caller: 1 query (the token with its user, jurisdiction and unit)."""
    client = token_client(legal_officer)
    assert get(client, "/api/v1/", 1).json()["annual-reports"].endswith("/api/v1/annual-reports/")
    assert get(client, "/api/v1/me/", 1).json()["jurisdiction"]["name"] == "番禺区"


def test_units_list_and_detail(get, api_client_user, district, unit):
    client = token_client(api_client_user)
    grow_units(district, 2)
    for n in (4, 34):  # the district, 区编办 and 2, then 30 more
        # 3 queries: token; COUNT of the directory; the page of units.
        assert get(client, "/api/v1/units/", 3).json()["count"] == n
        # 2 queries: token; the unit within the directory.
        assert get(client, f"/api/v1/units/{unit.pk}/", 2).json()["name"] == "区编办"
        grow_units(district, 30)


def test_plans_list_and_detail(get, leader, district, unit, other_unit):
    client = token_client(leader)
    first = plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)
    for n in (1, 11):
        # 3 queries: token; COUNT of the visible plans; the page with jurisdiction joined and task_count
        # counted in the same statement (plans.selectors.plan_list).
        assert get(client, "/api/v1/plans/", 3).json()["count"] == n
        # 2 queries: token; the plan with its jurisdiction and task count.
        assert get(client, f"/api/v1/plans/{first.pk}/", 2).json()["task_count"] == 3
        for _ in range(10):
            plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)


def test_sections_list_and_detail(get, reporter, district, unit):
    client = token_client(reporter)
    plan_factory(jurisdiction=district, tasks=1, lead=unit)
    section = Section.objects.get()
    for n in (1, 31):
        # 4 queries: token; the group phrases covering the reporter's unit (Unit.covering_ids, for the plans
        # with its work); COUNT of the sections of those plans; the page.
        assert get(client, "/api/v1/sections/", 4).json()["count"] == n
        # 3 queries: token; the group phrases covering the unit; the section within a plan with its work.
        assert get(client, f"/api/v1/sections/{section.pk}/", 3).json()["plan"] == section.plan_id
        plan = section.plan
        for i in range(30 if n == 1 else 0):
            Section.objects.create(plan=plan, label=f"({i})", title="小节", path=f"二/({i})", position=i + 1)


def test_task_export(get, api_client_user, reporter, district, unit, other_unit):
    client = token_client(api_client_user)
    plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)
    for n in (3, 33):
        for task in Task.objects.all():
            services.progress_report_create(
                task=task, unit=unit, by=reporter, reported_on=TODAY, text="进展", percent=5
            )
        # 5 queries for up to 1,000 tasks: token; the filtered ids; the tasks' own fields (tasks.api.rows.
        # task_values); their clauses with units and deadlines (one UNION ALL); their latest reports.
        text = get(client, "/api/v1/tasks/export/", 5, format="csv").content.decode("utf-8-sig")
        assert text.count("\n") == n + 1 and "进展" in text
        plan_factory(jurisdiction=district, tasks=30, lead=unit, cooperating=other_unit)


def test_progress_reports_list_and_detail(get, legal_officer, reporter, district, unit, other_unit):
    client = token_client(legal_officer)
    plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)
    tasks = list(Task.objects.all())
    for n in (3, 33):
        while ProgressReport.objects.count() < n:
            task = tasks[ProgressReport.objects.count() % 3]
            services.progress_report_create(
                task=task, unit=unit, by=reporter, reported_on=TODAY, text="进展", percent=5
            )
        newest = ProgressReport.objects.latest("id")
        # 4 queries: token; COUNT of the visible reports; the page's ids; those reports with their units
        # (tasks.api.rows.REPORT_FIELDS).
        assert get(client, "/api/v1/progress-reports/", 4).json()["count"] == n
        # 2 queries: token; the report with its unit, within what the caller may see.
        assert get(client, f"/api/v1/progress-reports/{newest.pk}/", 2).json()["id"] == newest.pk


def test_progress_report_create(django_assert_num_queries, reporter, district, unit, other_unit):
    client = token_client(reporter)
    plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=other_unit)
    task = Task.objects.first()
    for before in (1, 31):
        while ProgressReport.objects.count() < before:
            services.progress_report_create(task=task, unit=unit, by=reporter, reported_on=TODAY, text="旧", percent=1)
        # 13 queries whatever the reports before it: token; the task among the visible ones; SAVEPOINT; the
        # plan (services.progress_report_create checks it is live); the group phrases covering the unit; the
        # unit's roles on the task; whether the task is closed (销号); INSERT the report; INSERT its history
        # row; the task's progress row; UPDATE the task's updated_at; RELEASE SAVEPOINT; the new report with
        # its unit.
        with django_assert_num_queries(13):
            response = client.post(
                "/api/v1/progress-reports/",
                {"task": task.pk, "reported_on": TODAY.isoformat(), "text": "接口填报", "percent": 30},
                format="json",
            )
        assert response.status_code == 201, response.json()


@pytest.fixture
def more_cycles(district, rubrics, legal_officer):
    """``more_cycles(years, units)``: cycles of further years, each with ``units`` new departments."""

    def more(years, units):
        for year in years:
            assessment_services.cycle_create(
                jurisdiction=district,
                year=year,
                title="",
                department_rubric=rubrics["department"],
                township_rubric=rubrics["township"],
                self_start=dt.date(year, 12, 1),
                self_end=dt.date(year, 12, 10),
                weight=Decimal("10"),
                units=grow_units(district, units) if units else [],
                by=legal_officer,
            )

    return more


def test_assessment_cycles_list_and_detail(get, cycle, leader, more_cycles):
    client = token_client(leader)
    for n in (1, 11):
        # 3 queries: token; COUNT of the visible cycles; the page with its jurisdiction and the counts of
        # submissions and reviewed ones as subqueries of the same statement.
        assert get(client, "/api/v1/assessment-cycles/", 3).json()["count"] == n
        # 2 queries: token; the cycle with its jurisdiction and counts.
        assert get(client, f"/api/v1/assessment-cycles/{cycle.pk}/", 2).json()["submissions"] == 4
        if n == 1:
            more_cycles(range(2018, 2028), units=1)


def test_submissions_list_and_detail(get, cycle, legal_officer, more_cycles, district):
    client = token_client(legal_officer)
    department = Submission.objects.get(cycle=cycle, unit__kind=UnitKind.DEPARTMENT, unit__name="区编办")
    town = Submission.objects.filter(cycle=cycle, unit__kind=UnitKind.TOWNSHIP).first()
    for n in (4, 34):
        # 3 queries: token; COUNT of the visible submissions; the page with cycle and unit joined and the
        # rank (units of the same kind with a higher total, and how many are ranked) as subqueries.
        assert get(client, "/api/v1/submissions/", 3).json()["count"] == n
        # 3 queries whatever the number of items: token; the submission as in the list; its item scores
        # with item and category joined (one prefetch).
        for submission in (department, town):
            body = get(client, f"/api/v1/submissions/{submission.pk}/", 3).json()
            assert len(body["item_scores"]) == submission.item_scores.count() >= 10
        if n == 4:
            more_cycles([2018], units=30)


@pytest.fixture
def annual_reports(district, legal_officer):
    """``annual_reports(years, versions)``: reports of those years, each with ``versions`` drafts and the
    first of them published."""

    def make(years, versions=2):
        body = {
            "title": "报告",
            "sections": [{"title": "一、工作情况", "paragraphs": [{"title": "", "text": "正文。"}]}],
        }
        made = []
        for year in years:
            report = AnnualReport.objects.create(jurisdiction=district, year=year, title=f"{year}年报告")
            for number in range(1, versions + 1):
                version = ReportVersion.objects.create(
                    report=report, number=number, origin=VersionOrigin.GENERATED, title=report.title, body=body
                )
                if number == 1:
                    first = version
            AnnualReport.objects.filter(pk=report.pk).update(
                status=ReportStatus.PUBLISHED, published_version=first, published_at=timezone.now()
            )
            made.append(report)
        return made

    return make


@pytest.mark.parametrize("role", [Role.LEGAL_OFFICE, Role.API_CLIENT])
def test_annual_reports_list_and_detail(get, annual_reports, district, role):
    client = token_client(make_user(f"user-{role}", role, jurisdiction=district))
    report = annual_reports([2020])[0]
    for n in (1, 11):
        # 3 queries: token; COUNT of the visible reports; the page with jurisdiction and published version
        # joined and the newest version number aggregated in the same statement.
        rows = get(client, "/api/v1/annual-reports/", 3).json()["results"]
        assert len(rows) == n and {r["published_version"] for r in rows} == {1}
        # 2 queries: token; the report as in the list, its published version (the text shown) joined.
        assert get(client, f"/api/v1/annual-reports/{report.pk}/", 2).json()["version"]["sections"]
        # 3 queries with ?version=: token; the report; the version asked for.
        assert get(client, f"/api/v1/annual-reports/{report.pk}/", 3, version=1).json()["version"]["number"] == 1
        if n == 1:
            annual_reports(range(2010, 2020), versions=10)


@pytest.mark.parametrize("role", [Role.REPORTER, Role.LEADER])
def test_tasks_list_and_detail_for_a_reporter_and_a_leader(get, role, reporter, district, unit, other_unit):
    """The two roles whose task rows take another road than the API client's and the legal office's pinned
    in test_api.py: a reporter's latest reports are picked by a subquery of ProgressReport.visible_to, a
    leader's detail reads the reports with plain SQL."""
    user = reporter if role == Role.REPORTER else make_user("leader", role, jurisdiction=district)
    client = token_client(user)
    for n in (3, 33):
        plan_factory(jurisdiction=district, tasks=3 if n == 3 else 30, lead=unit, cooperating=other_unit)
        for task in Task.objects.filter(progress_reports=None):
            services.progress_report_create(
                task=task, unit=unit, by=reporter, reported_on=TODAY, text="进展", percent=5
            )
        task = Task.objects.first()
        services.progress_report_create(task=task, unit=unit, by=reporter, reported_on=TODAY, text="又一条", percent=9)
        if role == Role.REPORTER:
            # 7 queries: token; the group phrases covering its unit, three times (Unit.covering_ids is not
            # cached: for Task.visible_to, for the FilterSet's plan choices, for ProgressReport.visible_to in
            # the latest-report subquery); the page with its total and each task's latest visible report id;
            # the tasks' clauses with units and deadlines; those reports.
            body = get(client, "/api/v1/tasks/", 7).json()
            # 6 queries: token; the group phrases covering its unit (for Task.visible_to); the task; its parts;
            # the group phrases again (for ProgressReport.visible_to); its visible reports.
            detail = get(client, f"/api/v1/tasks/{task.pk}/", 6).json()
        else:
            # 4 queries: token; the page with its total; the tasks' parts; their latest submitted reports.
            body = get(client, "/api/v1/tasks/", 4).json()
            # 4 queries: token; the task; its parts; its submitted reports (plain SQL).
            detail = get(client, f"/api/v1/tasks/{task.pk}/", 4).json()
        assert body["count"] == n and all(t["latest_progress"] for t in body["results"])
        assert len(detail["progress_reports"]) == (2 if n == 3 else 3)
