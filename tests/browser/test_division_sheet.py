"""The 分工 sheet in Chromium at tablet width (issue 14): from the 规划 page the legal office downloads the
sheet, fills it (openpyxl stands in for WPS), uploads it, reads the preview (changes and a row error), fixes
the row, confirms, and finds the units on the task page."""

import io

import pytest
from openpyxl import load_workbook

from plans.importing import division as sheet
from plans.models import Assignment, DivisionImport
from tests.browser.test_login import login
from tests.conftest import make_unit
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/division-preview.png"


def fill(data: bytes, tasks, lead: str, bad_date_on=None) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[sheet.SHEET_TITLE]
    header = [c.value for c in ws[4]]
    col = {name: header.index(name) + 1 for name in header if name}
    for number in range(5, ws.max_row + 1):
        task_id = ws.cell(number, col[sheet.ID_HEADER]).value
        ws.cell(number, col["牵头单位"]).value = lead
        ws.cell(number, col["配合单位"]).value = "区财政局、区编办"
        ws.cell(number, col["完成时限"]).value = "2023-02-30" if task_id == bad_date_on else "2026年底前"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_fill_the_division_sheet_preview_fix_and_confirm(page, live_server, legal_officer, district, unit, other_unit):
    make_unit(district, "区司法局")
    plan = plan_factory(jurisdiction=district, tasks=6, title="大兴区法治政府建设实施意见")
    tasks = list(plan.tasks.order_by("position"))
    login(page, live_server, legal_officer.username)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    with page.expect_download() as download:
        page.click("[data-division-export]")
    data = open(download.value.path(), "rb").read()

    page.click("[data-division-import]")
    path = "/tmp/division-filled.xlsx"
    open(path, "wb").write(fill(data, tasks, "区司法局", bad_date_on=tasks[2].pk))
    page.set_input_files("input[type=file]", path)
    page.click("[data-division-upload] button[type=submit]")
    page.wait_for_selector("[data-division-errors]")
    errors = page.locator("[data-division-errors]").inner_text()
    assert "第 7 行" in errors and "“2023-02-30”不是存在的日期" in errors
    assert page.locator("[data-division-confirm]").count() == 0
    assert "+ 牵头 · 区司法局" in page.locator("[data-division-changes]").inner_text()
    # At 1024 px the change table fits the page: nothing sticks out to the right.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert not Assignment.objects.active().filter(clause__task__plan=plan).exists()

    # The office fixes the date and uploads again; the preview can now be confirmed.
    page.click("text=重新上传")
    open(path, "wb").write(fill(data, tasks, "区司法局"))
    page.set_input_files("input[type=file]", path)
    page.click("[data-division-upload] button[type=submit]")
    page.wait_for_selector("[data-division-counts]")
    assert "新增单位分工 18 个" in page.locator("[data-division-counts]").inner_text()
    page.click("[data-division-confirm]")
    page.wait_for_selector(".messages")
    assert "分工表已导入:新增 18 个单位分工" in page.locator(".messages").inner_text()
    assert DivisionImport.objects.filter(status="confirmed").count() == 1

    page.click(f"[data-task-path='{tasks[2].path}'] a")
    division = page.locator("[data-division]").inner_text()
    assert "牵头 · 区司法局" in division and "配合 · 区编办" in division and "2026年底前" in division
    assert "分工表导入:时限 无 → 2026年底前" in page.locator("[data-history]").inner_text()
    page.screenshot(path="/tmp/division-task.png", full_page=True)
