"""One page per task (issue 14): structure, 分工, deadlines, progress and history on tasks:detail; the old
plans:task address redirects there; the 规划 page links the plan's other pages; queries stay flat."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import services as plan_services
from plans.models import Assignment, Clause, Deadline, Section
from tasks import services
from tests.conftest import make_unit
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(district, unit, other_unit):
    plan = plan_factory(jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit)
    parent = Section.objects.create(plan=plan, label="二、", title="主要任务", path="二", position=0)
    Section.objects.filter(plan=plan, path="二/(一)").update(parent=parent)
    task = plan.tasks.get()
    Deadline.objects.create(task=task, text="每年12月底前", recurrence={"rule": "yearly", "month": 12, "part": "end"})
    return task


def test_the_old_task_address_redirects_permanently(client, legal_officer, task):
    client.force_login(legal_officer)
    response = client.get(reverse("plans:task", args=[task.pk]))
    assert response.status_code == 301
    assert response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert client.get(f"/plans/tasks/{task.pk}/", follow=True).redirect_chain == [(f"/tasks/{task.pk}/", 301)]


def test_the_task_page_has_structure_division_deadlines_progress_and_history(client, legal_officer, task, unit):
    services.progress_report_create(
        task=task, unit=unit, by=legal_officer, reported_on=timezone.localdate(), text="已开会部署。", percent=20
    )
    client.force_login(legal_officer)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    # Structure: plan and both section levels in the breadcrumb, heading, text.
    assert f'href="{reverse("plans:detail", args=[task.plan_id])}"' in body
    assert "二、主要任务" in body and "(一)深化改革" in body
    assert "任务1" in body and "任务1的内容。" in body
    # 分工 with the forms to change it, the deadlines, progress, history.
    assert "牵头 · 区编办" in body and "配合 · 区财政局" in body
    assert body.count("data-assign-form") == 1
    assert reverse("plans:assignment-remove", args=[task.clauses.get().assignments.first().pk]) in body
    assert reverse("plans:clause-assign", args=[task.clauses.get().pk]) in body
    assert "每年12月底前(每年12月底前" in body
    assert "已开会部署。" in body and "填报进展" in body
    assert "变更记录" in body and "进展新增" in body
    assert reverse("plans:division-export", args=[task.plan_id]) in body


def test_a_reporter_sees_the_task_without_the_legal_offices_forms(client, reporter, task):
    client.force_login(reporter)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "牵头 · 区编办" in body and "data-assign-form" not in body and "division.xlsx" not in body


def test_assigning_on_the_task_page_comes_back_to_it(client, legal_officer, task, district):
    justice = make_unit(district, "区司法局")
    client.force_login(legal_officer)
    clause = task.clauses.get()
    response = client.post(reverse("plans:clause-assign", args=[clause.pk]), {"unit": justice.pk, "role": "lead"})
    assert response["Location"] == reverse("tasks:detail", args=[task.pk]) + "#division"
    assignment = Assignment.objects.active().get(clause=clause, unit=justice)
    response = client.post(reverse("plans:assignment-remove", args=[assignment.pk]))
    assert response["Location"] == reverse("tasks:detail", args=[task.pk]) + "#division"


@pytest.mark.parametrize("who", ["legal_officer", "reporter"])
def test_task_page_queries_do_not_grow_with_clauses_units_reports_and_history(
    request, client, district, unit, other_unit, task, who
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    today = timezone.localdate()
    services.progress_report_create(task=task, unit=unit, by=user, reported_on=today, text="x", percent=5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200
    units = [make_unit(district, f"区测试局{n}") for n in range(6)]
    officer = request.getfixturevalue("legal_officer")
    for position in range(1, 5):
        clause = Clause.objects.create(task=task, position=position, text=f"分句{position}。")
        for u in units[:3]:
            plan_services.assignment_add(clause=clause, unit=u, role="cooperating", by=officer)
    Deadline.objects.create(task=task, text="2026年底前", due_on=dt.date(2026, 12, 31))
    for n in range(5):
        services.progress_report_create(task=task, unit=unit, by=user, reported_on=today, text=f"第{n}次", percent=10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_plan_page_links_the_plans_other_pages(client, legal_officer, leader, task):
    plan_id = task.plan_id
    client.force_login(legal_officer)
    body = client.get(reverse("plans:detail", args=[plan_id])).content.decode()
    pages = ("tasks:plan", "tasks:plan-export", "tasks:plan-import", "plans:division-export", "plans:division-import")
    for name in pages:
        assert f'href="{reverse(name, args=[plan_id])}"' in body, name
    # A task in the tree opens the one task page.
    assert f'href="{reverse("tasks:detail", args=[task.pk])}"' in body
    client.force_login(leader)
    body = client.get(reverse("plans:detail", args=[plan_id])).content.decode()
    assert f'href="{reverse("tasks:plan", args=[plan_id])}"' in body
    assert reverse("plans:division-import", args=[plan_id]) not in body


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


def test_a_closed_task_shows_no_report_form_but_says_it_is_closed(client, district, unit, reporter, legal_officer):
    """销号: neither the reporter's 填报进展 nor the office's 代填 form (both would be refused with 409); one
    line says so and how to reopen; the office keeps its 重新打开. Reopened, the forms are back."""
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit).tasks.get()
    _complete(task, unit, reporter, legal_officer)
    url = f"/tasks/{task.pk}/"
    client.force_login(reporter)
    page = client.get(url).content.decode()
    assert "data-report-form" not in page and "data-closed-note" in page
    assert "办结销号" in page and "请联系法制办重新打开" in page
    client.force_login(legal_officer)
    page = client.get(url).content.decode()
    assert "data-report-form" not in page and "代填" not in page
    assert "data-closed-note" in page and "data-reopen" in page
    client.post(f"/tasks/{task.pk}/reopen/", {"reason": "需补充佐证材料"})
    page = client.get(url).content.decode()
    assert "data-report-form" in page and "代填" in page and "data-closed-note" not in page


def test_a_recurring_task_keeps_its_report_form_after_completion(client, task, unit, reporter, legal_officer):
    """长期坚持: completed for this period, never 销号; the unit reports the next period."""
    _complete(task, unit, reporter, legal_officer)
    client.force_login(reporter)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "data-report-form" in page and "data-closed-note" not in page
