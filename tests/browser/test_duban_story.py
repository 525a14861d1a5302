"""The 督办 story of issue 15, in Chromium at 1024 px on the demo data (番禺): the daily sweep has marked the
overdue tasks red; the legal office selects the red tasks and sends a 催办; the 区编办 reporter sees it,
signs a 交办, asks for an extension; the legal office approves it; the warning changes; a leader sees the
counts. The reporter's 工作台 is kept as a screenshot (test-artifacts/duban-workbench.png)."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from lawgov.models import Notification, User
from plans.models import Task
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
    daily_sweep(today=today, trigger="test")
    return near


def test_duban_story(page, live_server, demo_data):
    near = demo_data
    red = list(TaskWarning.objects.filter(level="red", task__plan__jurisdiction__name="番禺区"))
    assert red, "the demo's overdue 番禺 tasks are red after the sweep"

    # 1. The legal office filters the red tasks, selects them and sends a 催办 with its own text.
    login(page, live_server, "fzb_panyu", PASSWORD)
    page.goto(f"{live_server.url}/tasks/?warning=red")
    rows = page.locator("input[form=urge-form]")
    assert rows.count() == len(red)
    for i in range(rows.count()):
        rows.nth(i).check()
    page.fill("#urge-form textarea[name=urge_text]", "请于本周五前报送办理情况。")
    page.click("#urge-form [data-urge]")
    assert "已催办" in page.locator(".messages").inner_text()
    assert Reminder.objects.filter(sent_by__username="fzb_panyu").count() >= 1
    logout(page)

    # 2. The 区编办 reporter: the 催办 is in the bell; the 工作台 lists the tasks to sign, with warnings.
    login(page, live_server, "reporter_panyu", PASSWORD)
    assert Notification.objects.filter(user__username="reporter_panyu", kind="urged").exists()
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
