"""The 督办 story of issue 15, in Chromium at 1024 px on the demo data (番禺): the daily sweep has marked the
overdue tasks red; the legal office selects the red tasks and sends a 催办; the 区编办 reporter sees it,
signs a 交办, asks for an extension; the legal office approves it; the warning changes; a leader sees the
counts. The reporter's 工作台 is kept as a screenshot (test-artifacts/duban-workbench.png)."""

import datetime as dt
import os

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from lawgov.models import Notification, Role, Unit, UnitKind, User
from plans.models import Assignment, AssignmentRole, Task
from tasks import services
from tasks.models import ExtensionRequest, Reminder, TaskSignature, TaskWarning
from tasks.sweep import daily_sweep
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login
from tests.browser.test_progress_story import logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "test-artifacts/duban-workbench.png"


@pytest.fixture
def demo_data():
    seed_demo()
    today = timezone.localdate()
    # One 区编办 task falls due in three days: the one the unit will ask to extend.
    near = Task.objects.filter(plan__jurisdiction__name="番禺区", due_on=None).order_by("plan_id", "position")
    near = near.filter(clauses__assignments__unit__name="区编办").first()
    Task.objects.filter(pk=near.pk).update(due_on=today + dt.timedelta(days=3))
    # …and was reported on this week (90%): its warning is the deadline (blue), not silence.
    reporter = User.objects.get(username="reporter_panyu")
    services.progress_report_create(
        task=near, unit=reporter.unit, by=reporter, reported_on=today, text="已完成初稿,正在征求意见。", percent=90
    )
    # A third unit's task is overdue too, so that choosing two units' red tasks leaves one red task out.
    overdue = Task.objects.filter(plan__jurisdiction__name="番禺区", due_on__lt=today)
    busy = set(
        Assignment.objects.filter(clause__task__in=overdue, role=AssignmentRole.LEAD).values_list("unit_id", flat=True)
    ) | {reporter.unit_id}
    leads = Assignment.objects.filter(clause__task=OuterRef("pk"), role=AssignmentRole.LEAD)
    extra = (
        Task.objects.filter(plan__jurisdiction__name="番禺区", due_on=None)
        .filter(Exists(leads))
        .exclude(Exists(leads.filter(unit_id__in=busy)))
        .order_by("plan_id", "position")
        .first()
    )
    Task.objects.filter(pk=extra.pk).update(due_on=today - dt.timedelta(days=10))
    daily_sweep(today=today, trigger="test")
    return near, extra


def test_duban_story(page, live_server, demo_data):
    near, extra = demo_data
    red = list(TaskWarning.objects.filter(level="red", task__plan__jurisdiction__name="番禺区"))
    assert red, "the demo's overdue 番禺 tasks are red after the sweep"

    # 1. The legal office filters the red tasks, selects those of two units (区编办 and one other unit with red
    # tasks) and sends a 催办 with its own text; the red tasks of the other units are left alone.
    login(page, live_server, "fzb_panyu", PASSWORD)
    page.goto(f"{live_server.url}/tasks/?warning=red")
    assert page.locator("input[form=urge-form]").count() == len(red)
    leads = {
        w.task_id: set(
            Assignment.objects.active()
            .filter(clause__task=w.task_id, role=AssignmentRole.LEAD)
            .exclude(unit__kind=UnitKind.GROUP)
            .values_list("unit__name", flat=True)
        )
        for w in red
    }
    other = sorted({u for pk, names in leads.items() if pk != extra.pk for u in names} - {"区编办"})[0]
    chosen_units = {"区编办", other}
    # The demo has one 番禺 reporter account (区编办); the other unit gets one, as an office would set up.
    other_unit = Unit.objects.get(name=other, jurisdiction__name="番禺区")
    User.objects.create_user(
        username="reporter_other",
        password=PASSWORD,
        role=Role.REPORTER,
        unit=other_unit,
        jurisdiction=other_unit.jurisdiction,
    )
    chosen = {pk for pk, names in leads.items() if names & chosen_units}
    assert extra.pk in leads and extra.pk not in chosen and len(chosen) >= 2
    for pk in chosen:
        page.locator(f"tr[data-task='{pk}'] input[form=urge-form]").check()
    page.fill("#urge-form textarea[name=urge_text]", "请于本周五前报送办理情况。")
    page.click("#urge-form [data-urge]")
    assert "已催办" in page.locator(".messages").inner_text()
    urged = Reminder.objects.filter(sent_by__username="fzb_panyu")
    assert set(urged.values_list("task_id", flat=True)) == chosen
    assert chosen_units <= set(urged.values_list("unit__name", flat=True))
    assert not urged.filter(task=extra).exists()
    assert Notification.objects.filter(user__username="reporter_other", kind="urged").exists()
    assert set(urged.values_list("text", flat=True)) == {"请于本周五前报送办理情况。"}
    logout(page)

    # 2. The 区编办 reporter: the 催办 is in the bell; the 工作台 lists the tasks to sign, with warnings.
    login(page, live_server, "reporter_panyu", PASSWORD)
    assert Notification.objects.filter(user__username="reporter_panyu", kind="urged").exists()
    page.goto(f"{live_server.url}/tasks/notifications/?kind=urged")
    assert "请于本周五前报送办理情况。" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/")
    assert page.locator("[data-unsigned]").count() == 1
    assert page.locator("[data-warning]").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True)
    row = page.locator(f"[data-sign-task='{near.pk}']")
    row.locator("[data-sign]").click()
    assert "已签收" in page.locator(".messages").inner_text()
    assert TaskSignature.objects.get(task=near, unit__name="区编办").signed_at is not None

    # 3. It asks for an extension of the task due in three days.
    page.goto(f"{live_server.url}/tasks/{near.pk}/")
    assert page.locator("h1 [data-warning='blue']").count() == 1  # three days to go
    new_date = timezone.localdate() + dt.timedelta(days=120)
    page.fill("[data-extension-form] input[name=new_due_on]", new_date.isoformat())
    page.fill("[data-extension-form] textarea[name=reason]", "需待市级配套文件出台后实施。")
    page.click("[data-extension-submit]")
    assert "等待法制办审批" in page.locator(".messages").inner_text()
    logout(page)

    # 4. The legal office approves it from its 工作台; the deadline and the warning change.
    before = TaskWarning.objects.get(task=near)
    login(page, live_server, "fzb_panyu", PASSWORD)
    page.goto(f"{live_server.url}/")
    assert page.locator("[data-unsigned-units] [data-unsigned-unit]").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path="test-artifacts/duban-office.png", full_page=True)
    page.locator("[data-extensions-waiting] a").first.click()
    page.click("[data-approve]")
    assert "已批准延期" in page.locator(".messages").inner_text()
    assert ExtensionRequest.objects.get().status == "approved"
    near.refresh_from_db()
    assert near.due_on == new_date
    after = TaskWarning.objects.get(task=near)
    assert before.level == "blue" and after.level == "none"
    logout(page)

    # 5. A leader sees the counts on the dashboard.
    login(page, live_server, "leader_panyu", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    red_count = int(page.locator("[data-kpi='warning-red'] strong").inner_text())
    assert red_count == TaskWarning.objects.filter(level="red", task__plan__jurisdiction__name="番禺区").count()
    assert page.locator("[data-chart='units_warning']").count() == 1
