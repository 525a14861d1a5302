"""Issue 16: ``year`` on the task list's FilterSet (HTML, API, exports alike), by the one rule of tasks.years.

One table of tasks, each with the years it belongs to, run through the rule, the API and the HTML list."""

import datetime as dt

import pytest
import yaml

from lawgov.models import Unit
from plans.models import Assignment, Clause, Deadline, Plan, PlanKind, Task
from tasks.models import TaskProgress
from tasks.years import plans_covering, year_filter
from tests.api.test_api import error, token_client

pytestmark = pytest.mark.django_db
YEARS = range(2014, 2028)


def _task(plan: Plan, name: str, *, due_on=None, completed_on=None, recurring=None, one_off=None) -> Task:
    n = plan.tasks.count() + 1
    task = Task.objects.create(
        plan=plan, number=str(n), path=f"{n}", heading=name, text=name, position=n, due_on=due_on
    )
    clause = Clause.objects.create(task=task, position=0, text=name)
    Assignment.objects.create(clause=clause, unit=Unit.objects.get(name="区编办"), role="lead")
    if recurring:
        Deadline.objects.create(task=task, text="每年第一季度", recurrence={"rule": "yearly", "quarter": 1})
    if one_off:
        Deadline.objects.create(task=task, text=f"{one_off:%Y年%m月%d日}前", due_on=one_off)
    if completed_on:
        TaskProgress.objects.create(task=task, completed_on=completed_on, last_report_on=completed_on)
    return task


def _plan(district, title, *, start=None, end=None, issued_on=None) -> Plan:
    return Plan.objects.create(
        jurisdiction=district,
        title=title,
        kind=PlanKind.OPINION,
        period_start=start,
        period_end=end,
        issued_on=issued_on,
    )


# name → the years the task belongs to (see tasks/years.py).
EXPECTED = {
    # 2023—2025 opinion
    "due in 2024": {2024, 2025},  # open: carried into 2025, the plan still runs
    "due 2023, still open": {2023, 2024, 2025},  # carried over while the plan runs, not after it
    "due 2023, done 2023": {2023},
    "due 2023, done early 2024": {2023, 2024},
    "recurring only": {2023, 2024, 2025},  # due_on rolled to 2026: not a one-off deadline in 2026
    "no deadline, done 2024": {2023, 2024},
    "due end of 2025": {2025},  # not in 2023 or 2024: it counts in its own year
    "one-off 2024 and recurring": {2024, 2025},
    # a 2016 scheme that prints no period: issued 2016, last one-off deadline in 2017
    "scheme: due 2016, done": {2016},
    "scheme: due mid 2017, open": {2017},  # the plan ends with 2017: not carried into 2018
    "scheme: no deadline": {2016, 2017},
    # a plan for one year, printed as a start alone
    "annual: no deadline": {2017},
    "annual: due 2018": {2018},  # a deadline outside the plan's year still counts in its own year
}


@pytest.fixture
def table(district, unit):
    opinion = _plan(district, "实施意见", start=2023, end=2025, issued_on=dt.date(2023, 3, 1))
    _task(opinion, "due in 2024", due_on=dt.date(2024, 6, 30))
    _task(opinion, "due 2023, still open", due_on=dt.date(2023, 12, 31), one_off=dt.date(2023, 12, 31))
    _task(opinion, "due 2023, done 2023", due_on=dt.date(2023, 6, 30), completed_on=dt.date(2023, 11, 1))
    _task(opinion, "due 2023, done early 2024", due_on=dt.date(2023, 6, 30), completed_on=dt.date(2024, 2, 1))
    _task(opinion, "recurring only", due_on=dt.date(2026, 3, 31), recurring=True)
    _task(opinion, "no deadline, done 2024", completed_on=dt.date(2024, 5, 1))
    _task(opinion, "due end of 2025", due_on=dt.date(2025, 12, 31))
    _task(
        opinion, "one-off 2024 and recurring", due_on=dt.date(2024, 3, 31), one_off=dt.date(2024, 3, 31), recurring=True
    )
    scheme = _plan(district, "工作方案", issued_on=dt.date(2016, 8, 15))
    _task(scheme, "scheme: due 2016, done", due_on=dt.date(2016, 12, 31), completed_on=dt.date(2016, 12, 20))
    _task(scheme, "scheme: due mid 2017, open", due_on=dt.date(2017, 6, 30))
    _task(scheme, "scheme: no deadline")
    annual = _plan(district, "年度工作安排", start=2017, issued_on=dt.date(2017, 5, 31))
    _task(annual, "annual: no deadline")
    _task(annual, "annual: due 2018", due_on=dt.date(2018, 3, 1))
    return {"opinion": opinion, "scheme": scheme, "annual": annual}


def _expected(year: int) -> set[str]:
    return {name for name, years in EXPECTED.items() if year in years}


def test_the_rule_selects_each_task_in_its_years(table):
    for year in YEARS:
        got = set(Task.objects.filter(year_filter(year)).values_list("heading", flat=True))
        assert got == _expected(year), year


def test_plan_periods(table):
    covering = {year: {p.title for p in plans_covering(year)} for year in YEARS}
    assert covering[2016] == {"工作方案"} and covering[2017] == {"工作方案", "年度工作安排"}
    assert covering[2018] == set() and covering[2024] == {"实施意见"} and covering[2026] == set()


def test_the_api_and_the_task_list_filter_by_year(client, table, api_client_user, legal_officer):
    api = token_client(api_client_user)
    client.force_login(legal_officer)
    for year in (2016, 2017, 2023, 2024, 2025):
        body = api.get("/api/v1/tasks/", {"year": year, "page_size": 500}).json()
        assert {t["heading"] for t in body["results"]} == _expected(year) and body["count"] == len(_expected(year))
        page = client.get("/tasks/", {"year": year}).content.decode()
        assert f"共 {len(_expected(year))} 项" in page
    # With the plan, as the 驾驶舱 links them.
    body = api.get("/api/v1/tasks/", {"year": 2017, "plan": table["scheme"].pk}).json()
    assert {t["heading"] for t in body["results"]} == {"scheme: due mid 2017, open", "scheme: no deadline"}


@pytest.mark.parametrize("year", ["abc", "2024.5", "1800", "99999", "-2024"])
def test_a_bad_year_is_a_clear_400(client, table, api_client_user, legal_officer, year):
    response = token_client(api_client_user).get("/api/v1/tasks/", {"year": year})
    assert response.status_code == 400
    assert error(response)["details"]["year"] == ["年度请填写 1990 至 2100 之间的四位年份,如 2025。"]
    client.force_login(legal_officer)
    page = client.get("/tasks/", {"year": year})
    assert page.status_code == 400 and "年度请填写 1990 至 2100 之间的四位年份" in page.content.decode()


def test_the_schema_documents_year_and_repeatable_role(client, api_client_user):
    schema = yaml.safe_load(token_client(api_client_user).get("/api/schema/").content)
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    assert params["year"]["schema"]["type"] == "integer" and params["year"]["schema"]["minimum"] == 1990
    assert "该年到期" in params["year"]["description"] and "1月1日前未办结" in params["year"]["description"]
    assert params["role"]["schema"]["type"] == "array" and params["role"]["explode"] is True


def test_role_is_repeatable(district, unit, other_unit, api_client_user):
    """The 驾驶舱 counts a unit's lead and responsible tasks: ``role=lead&role=responsible``."""
    plan = _plan(district, "年度工作安排", start=2026)
    _task(plan, "led")
    answered = _task(plan, "responsible")
    helped = _task(plan, "helped")
    Assignment.objects.filter(clause__task=answered).update(role="responsible")
    Assignment.objects.filter(clause__task=helped).update(role="cooperating")
    api = token_client(api_client_user)

    def headings(**query):
        body = api.get("/api/v1/tasks/", query).json()
        return {t["heading"] for t in body["results"]}

    assert headings(unit=unit.pk, role=["lead", "responsible"]) == {"led", "responsible"}
    assert headings(unit=unit.pk, role="lead") == {"led"}
    assert headings(role=["cooperating"]) == {"helped"}
    assert headings(unit=unit.pk) == {"led", "responsible", "helped"}
