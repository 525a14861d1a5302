"""全部签收 in Chromium at 1024 px: a plan of 12 tasks is delivered (交办) to 区编办; its reporter finds them all
ticked on the 工作台, checks that 全选 unticks and ticks them (static/lawgov/app.js), and signs them with one
click. The 工作台 is kept as a screenshot (test-artifacts/sign-all-workbench.png)."""

import datetime as dt
import os

import pytest

from tasks import supervision
from tasks.models import TaskSignature
from tests.browser.test_login import login
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reporter_signs_every_waiting_task_with_one_click(page, live_server, district, unit, other_unit, reporter):
    plan = plan_factory(
        jurisdiction=district, tasks=12, lead=unit, cooperating=other_unit, due_on=dt.date(2026, 12, 31)
    )
    supervision.assignments_deliver()
    login(page, live_server, "reporter")
    page.goto(f"{live_server.url}/")
    items = page.locator("[data-unsigned] input[data-select-item=unsigned]")
    assert items.count() == 12
    assert all(items.nth(i).is_checked() for i in range(12))
    select_all = page.locator("input[data-select-all=unsigned]")
    select_all.uncheck()
    assert not any(items.nth(i).is_checked() for i in range(12))
    select_all.check()
    assert all(items.nth(i).is_checked() for i in range(12))
    button = page.locator("[data-sign-all]")
    box = button.bounding_box()
    assert box and box["x"] + box["width"] <= 1024
    assert box["y"] + box["height"] <= 768  # above the list: reached without scrolling past the tasks
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path="test-artifacts/sign-all-workbench.png", full_page=True)

    button.click()
    assert "已签收 12 项任务" in page.locator(".messages").inner_text()
    assert page.locator("[data-unsigned]").count() == 0
    signed = TaskSignature.objects.filter(task__plan=plan, unit=unit)
    assert signed.count() == 12 and not signed.filter(signed_at=None).exists()
    assert not TaskSignature.objects.filter(task__plan=plan, unit=other_unit).exclude(signed_at=None).exists()
