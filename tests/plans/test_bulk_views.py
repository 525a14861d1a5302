"""The plan tree's bulk panel, the unit picker's search, in-place edits and the bulk API (issue 14): who may,
what a refusal looks like, and query counts that do not grow with the tasks selected."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lawgov.models import Unit, UnitKind
from plans import unit_picker
from plans.models import Assignment, Task
from tests.api.test_api import token_client
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(district):
    return plan_factory(jurisdiction=district, tasks=4)


def ids(plan):
    return list(plan.tasks.order_by("position").values_list("pk", flat=True))


def bulk_url(plan):
    return reverse("plans:bulk", args=[plan.pk])


# --- the page ------------------------------------------------------------------------------------------


def test_the_legal_office_sees_checkboxes_and_the_panel_others_do_not(client, plan, legal_officer, leader, reporter):
    client.force_login(legal_officer)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'id="bulk-form"' in page and page.count("data-task-check") == 4 and "data-select-section" in page
    assert "lawgov/unit_picker.js" in page and "hx-get" in page
    for viewer in (leader,):
        client.force_login(viewer)
        page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
        assert "bulk-form" not in page and "data-task-check" not in page and "data-task-edit-open" not in page


def test_a_bulk_post_applies_and_returns_to_the_page_with_its_filters(client, plan, legal_officer, unit, other_unit):
    client.force_login(legal_officer)
    response = client.post(
        bulk_url(plan),
        {
            "tasks": ids(plan)[:2],
            "action": "apply",
            "lead": [unit.pk],
            "cooperating": [other_unit.pk],
            "deadline": "每年12月底前",
            "filters": "unassigned=1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk]) + "?unassigned=1"
    page = client.get(response["Location"]).content.decode()
    assert "已将区编办指定为 2 项任务的牵头单位。" in page
    assert page.count("data-task-check") == 2  # 只看待分配: the two given a lead are gone
    assert Assignment.objects.active().count() == 4
    assert Task.objects.filter(deadlines__text="每年12月底前").count() == 2


def test_a_foreign_redirect_in_filters_is_ignored(client, plan, legal_officer):
    client.force_login(legal_officer)
    response = client.post(
        bulk_url(plan), {"tasks": ids(plan), "deadline": "长期坚持", "filters": "next=https://evil.example/"}
    )
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])


def test_a_refused_bulk_post_shows_the_reason_and_keeps_the_choices(client, plan, legal_officer, unit, district):
    foreign_plan = plan_factory(jurisdiction=district, tasks=1)
    client.force_login(legal_officer)
    task_ids = ids(plan)
    response = client.post(
        bulk_url(plan),
        {"tasks": [*task_ids, *ids(foreign_plan)], "lead": [unit.pk], "deadline": "尽快", "filters": "unassigned=1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="unassigned" value="1" checked' in page and 'name="filters" value="unassigned=1"' in page
    assert "所选任务中有 1 项不属于规划" in page and "未做任何修改" in page
    assert page.count("checked") >= 4 and f'value="{unit.pk}" form="bulk-form"' in page and 'value="尽快"' in page
    assert not Assignment.objects.exists()
    response = client.post(bulk_url(plan), {"tasks": task_ids, "deadline": "尽快"})
    assert response.status_code == 400 and "无法识别时限“尽快”" in response.content.decode()


def test_a_conflict_is_409_with_each_place_listed(client, plan, legal_officer, unit, other_unit):
    client.force_login(legal_officer)
    task_ids = ids(plan)
    client.post(bulk_url(plan), {"tasks": task_ids[:2], "cooperating": [unit.pk]})
    response = client.post(bulk_url(plan), {"tasks": task_ids, "lead": [unit.pk, other_unit.pk]})
    assert response.status_code == 409
    page = response.content.decode()
    assert "有 2 处单位已有其他分工,未做任何修改" in page
    assert "区编办已是任务2.的配合单位" in page
    assert Assignment.objects.active().count() == 2


def test_only_the_legal_office_of_the_plan_may_post(client, plan, leader, reporter, outsider_officer, unit):
    for user, status in ((leader, 403), (reporter, 403), (outsider_officer, 404)):
        client.force_login(user)
        assert client.post(bulk_url(plan), {"tasks": ids(plan), "lead": [unit.pk]}).status_code == status
    client.logout()
    assert client.post(bulk_url(plan), {"tasks": ids(plan), "lead": [unit.pk]}).status_code == 302
    assert not Assignment.objects.exists()


def test_the_bulk_request_costs_the_same_queries_for_3_and_many_tasks(
    client, district, legal_officer, unit, other_unit
):
    """Session and user (2), the plan (1), the user's jurisdiction (1); in the transaction: the tasks, the
    units, the clauses, the live assignments of the units, the assignment counts, the insert and its
    history, the tasks' updated_at; the deadlines read, deleted and inserted, the tasks' due_on and their
    history; savepoints around it. The same number whatever the tasks: 100 on PostgreSQL; 20 on SQLite,
    whose 999 parameters per statement make Django split a bigger insert in batches (a limit of the
    database, not a query per task)."""
    group = make_unit(district, "各镇街", kind=UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    client.force_login(legal_officer)
    counts = []
    for n in (3, 100 if connection.vendor == "postgresql" else 20):
        plan = plan_factory(jurisdiction=district, tasks=n)
        data = {
            "tasks": ids(plan),
            "lead": [unit.pk],
            "cooperating": [other_unit.pk, group.pk],
            "deadline": "每年12月底前",
        }
        with CaptureQueriesContext(connection) as queries:
            assert client.post(bulk_url(plan), data).status_code == 302
        counts.append(len(queries))
        assert Assignment.objects.active().filter(clause__task__plan=plan).count() == 3 * n
    assert counts[0] == counts[1], counts
    assert counts[0] <= 24, counts


# --- the unit picker -----------------------------------------------------------------------------------


@pytest.fixture
def directory(district, other_district):
    make_unit(district, "区司法局", short_name="司法局", aliases=["区委依法治区办"])
    make_unit(district, "区市场监督管理局", short_name="市场监管局", aliases=["区市场监管局"])
    make_unit(district, "区卫生健康委员会", short_name="卫健委")
    make_unit(district, "各镇街", kind=UnitKind.GROUP, group_kinds=[UnitKind.TOWNSHIP])
    make_unit(district, "区司法鉴定中心")
    make_unit(district, "区旧司法办").soft_delete()
    make_unit(other_district, "区司法局")


def search(client, q, **params):
    response = client.get(reverse("plans:unit-search"), {"q": q, **params})
    assert response.status_code == 200
    return [(r["name"], r["reason"]) for r in response.json()["results"]]


@pytest.mark.parametrize(
    ("q", "first", "reason"),
    [
        ("sfj", "区司法局", "拼音 qsfj"),  # pinyin initials, without the 区
        ("qsfj", "区司法局", "拼音 qsfj"),
        ("SFJ", "区司法局", "拼音 qsfj"),
        ("司法局", "区司法局", ""),  # short name exact outranks a name that merely contains it
        ("依法治区办", "区司法局", "别名“区委依法治区办”"),
        ("市场监管", "区市场监督管理局", "简称“市场监管局”"),
        ("scjg", "区市场监督管理局", "拼音 scjgj"),
        ("wjw", "区卫生健康委员会", "拼音 wjw"),
        ("sifa", "区司法局", "拼音 qusifaju"),  # full pinyin
        ("各镇", "各镇街", ""),
    ],
)
def test_the_picker_finds_by_name_short_name_alias_and_pinyin(
    client, legal_officer, directory, district, q, first, reason
):
    client.force_login(legal_officer)
    found = search(client, q, jurisdiction=district.pk)
    assert found[0] == (first, reason), found


def test_the_picker_offers_groups_as_groups_and_hides_retired_and_foreign_units(
    client, legal_officer, directory, district
):
    client.force_login(legal_officer)
    response = client.get(reverse("plans:unit-search"), {"q": "gzj", "jurisdiction": district.pk}).json()["results"]
    assert response[0]["name"] == "各镇街" and response[0]["is_group"] and response[0]["kind"] == "group"
    names = [n for n, _ in search(client, "司法", jurisdiction=district.pk)]
    assert names == ["区司法局", "区司法鉴定中心"]  # not the retired 区旧司法办, not 南海区's 区司法局
    assert [n for n, _ in search(client, "zzz")] == []
    assert client.get(reverse("plans:unit-search"), {"q": "x", "jurisdiction": "1; drop"}).status_code == 400


def test_the_picker_is_for_the_legal_office(client, reporter, leader, directory):
    for user in (reporter, leader):
        client.force_login(user)
        assert client.get(reverse("plans:unit-search"), {"q": "sfj"}).status_code == 403


def test_a_city_legal_office_searches_its_districts(client, district, directory):
    city = district.parent
    officer = make_user("fzb_city", "legal_office", jurisdiction=city)
    client.force_login(officer)
    assert [n for n, _ in search(client, "sfj")] == ["区司法局", "区司法鉴定中心"]  # not 佛山 南海区's
    assert (
        len(unit_picker.unit_search(user=officer, query=""))
        == Unit.objects.active().filter(jurisdiction=district).count()
    )


# --- in place: heading and text ------------------------------------------------------------------------


def test_a_task_heading_is_edited_in_place(client, plan, legal_officer, leader, outsider_officer):
    task = plan.tasks.order_by("position").first()
    url = reverse("plans:task-edit", args=[task.pk])
    client.force_login(legal_officer)
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and 'name="heading"' in form.content.decode()
    saved = client.post(url, {"heading": "根据不同层级政府的事权和职能", "text": "新内容。"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "根据不同层级政府的事权和职能" in saved.content.decode()
    assert "已保存" in saved.content.decode()
    refused = client.post(url, {"heading": "", "text": "新内容。"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "任务标题不能为空。" in refused.content.decode()
    task.refresh_from_db()
    assert task.heading == "根据不同层级政府的事权和职能" and task.history.count() == 2
    assert client.get(reverse("plans:task-head", args=[task.pk])).status_code == 200
    for user, status in ((leader, 403), (outsider_officer, 404)):
        client.force_login(user)
        assert client.post(url, {"heading": "x", "text": "y"}).status_code == status
    task.refresh_from_db()
    assert task.heading == "根据不同层级政府的事权和职能"


# --- the API -------------------------------------------------------------------------------------------


def api_bulk(client, plan, body):
    return client.post(f"/api/v1/plans/{plan.pk}/bulk/", body, format="json")


def test_the_api_applies_a_bulk_request(plan, legal_officer, unit, other_unit):
    client = token_client(legal_officer)
    response = api_bulk(
        client, plan, {"tasks": ids(plan), "lead": [unit.pk], "cooperating": [other_unit.pk], "deadline": "每季度末"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["added"] == 8 and response.json()["deadlines"] == 4


def test_the_api_answers_refusals_as_structured_errors(plan, legal_officer, unit, other_district, leader):
    client = token_client(legal_officer)
    api_bulk(client, plan, {"tasks": ids(plan)[:1], "cooperating": [unit.pk]})
    conflict = api_bulk(client, plan, {"tasks": ids(plan), "lead": [unit.pk]})
    assert conflict.status_code == 409
    error = conflict.json()["error"]
    assert error["code"] == "assignment_conflict" and "未做任何修改" in error["message"]
    assert error["details"] == ["区编办已是任务1.的配合单位,不能再作为牵头单位;如需调整,请使用“改变分工”。"]
    bad = api_bulk(client, plan, {"tasks": ids(plan), "deadline": "2023-02-30"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "deadline_bad_date"
    invalid = api_bulk(client, plan, {"tasks": [], "lead": [unit.pk]})
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "invalid"
    foreign = plan_factory(jurisdiction=other_district, tasks=1)
    assert api_bulk(client, foreign, {"tasks": ids(foreign), "deadline": "长期坚持"}).status_code == 404
    assert api_bulk(token_client(leader), plan, {"tasks": ids(plan), "deadline": "长期坚持"}).status_code == 403
    assert Assignment.objects.active().count() == 1


def test_ids_that_are_not_ids_are_refused_not_crashed(client, plan, legal_officer, unit):
    client.force_login(legal_officer)
    for bad in ("99999999999999999999999", "²", "-3", "1e3"):
        response = client.post(bulk_url(plan), {"tasks": [*ids(plan), bad], "lead": [unit.pk, bad]})
        assert response.status_code == 400 and "编号" in response.content.decode(), bad
        response = client.post(bulk_url(plan), {"tasks": ids(plan), "lead": [bad]})
        assert response.status_code == 400, bad
    api = token_client(legal_officer)
    assert api_bulk(api, plan, {"tasks": [2**70], "lead": [unit.pk]}).status_code == 400
    assert api_bulk(api, plan, {"tasks": ids(plan), "lead": [2**70]}).status_code == 400
    assert not Assignment.objects.exists()
