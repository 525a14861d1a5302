"""The progress story of issue 4, walked in Chromium on the demo data (番禺):
代填 from a phone call, a reporter's report with a file, return with a reason, fix and resubmit,
acceptance of a completion claim, the plan's bar moving, reminders sent once, the Excel round trip."""

import io

import pytest
from openpyxl import load_workbook

from lawgov.models import Notification
from plans.models import Task
from tasks import excel, jobs
from tasks.models import ProgressReport, TaskProgress
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    seed_demo()


def logout(page):
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/")


def test_progress_story(page, live_server, demo_data, tmp_path):
    task = Task.objects.get(plan__jurisdiction__name="番禺区", number="1")
    task_url = f"{live_server.url}/tasks/{task.pk}/"

    # 1. The legal office takes down a phone call from 区编办.
    login(page, live_server, "fzb_panyu", PASSWORD)
    plan_url = f"{live_server.url}/tasks/plans/{task.plan_id}/"
    page.goto(plan_url)
    rate_before = int(page.locator("[data-plan-rate]").get_attribute("data-plan-rate"))
    page.goto(task_url)
    page.select_option("[data-report-form] select[name=unit]", label="区编办")
    page.fill("textarea[name=text]", "电话报告:已梳理权责清单初稿。")
    page.fill("input[name=percent]", "30")
    page.click("[data-report-form] button[value=submit]")
    assert "代区编办填报" in page.locator(".messages").inner_text()
    assert "代填" in page.locator("[data-report]").first.inner_text()
    logout(page)

    # 2. The 区编办 reporter sees its unit's tasks and logs progress with a file, claiming completion.
    login(page, live_server, "reporter_panyu", PASSWORD)
    assert page.locator(f"[data-task='{task.pk}']").count() >= 1
    page.locator(f"[data-task='{task.pk}'] [data-log-progress]").first.click()
    evidence = tmp_path / "权责清单.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    page.fill("textarea[name=text]", "权责清单已公布。")
    page.fill("input[name=percent]", "100")
    page.set_input_files("input[name=files]", str(evidence))
    page.check("input[name=claims_completion]")
    page.click("[data-report-form] button[value=submit]")
    assert "已提交" in page.locator(".messages").inner_text()
    assert page.locator("[data-evidence]").first.inner_text() == "权责清单.pdf"
    # A percent of 140 is refused with a message and nothing is saved.
    page.fill("textarea[name=text]", "错误的比例")
    page.fill("input[name=percent]", "140")
    page.evaluate("document.querySelector('input[name=percent]').removeAttribute('max')")
    page.click("[data-report-form] button[value=submit]")
    assert "完成比例不能大于100" in page.locator("[role=alert]").first.inner_text()
    assert ProgressReport.objects.filter(task=task).count() == 2
    logout(page)

    # 3. The legal office returns it with a reason.
    report = ProgressReport.objects.get(task=task, on_behalf=False)
    login(page, live_server, "fzb_panyu", PASSWORD)
    assert page.locator("[data-waiting]").inner_text().count("区编办") >= 1
    page.goto(f"{task_url}#report-{report.pk}")
    page.fill(f"#report-{report.pk} input[name=reason]", "请附上公布网页截图。")
    page.click(f"#report-{report.pk} [data-return-form] button")
    assert "已退回" in page.locator(".messages").inner_text()
    logout(page)

    # 4. The reporter sees the returned report on top, fixes it and resubmits.
    login(page, live_server, "reporter_panyu", PASSWORD)
    assert "请附上公布网页截图" in page.locator("[data-returned]").inner_text()
    page.click("[data-returned] a")
    page.fill("textarea[name=text]", "权责清单已公布,附网页截图。")
    page.click("[data-edit-form] button[value=submit]")
    assert "重新提交" in page.locator(".messages").inner_text()
    logout(page)

    # 5. The legal office accepts the completion; the plan's bar moves.
    login(page, live_server, "fzb_panyu", PASSWORD)
    page.goto(f"{task_url}#report-{report.pk}")
    page.click(f"#report-{report.pk} [data-accept]")
    assert "任务已确认完成" in page.locator(".messages").inner_text()
    assert TaskProgress.objects.get(task=task).completed_on is not None
    page.goto(plan_url)
    rate_after = int(page.locator("[data-plan-rate]").get_attribute("data-plan-rate"))
    assert rate_after > rate_before

    # 6. Reminders go out once, however often the job runs.
    Notification.objects.all().delete()
    first = jobs.reminders_daily.delay().get()
    second = jobs.reminders_daily.delay().get()
    assert first["created"] == Notification.objects.count() and second["created"] == 0

    # 7. Excel round trip: export, fill one row, upload.
    with page.expect_download() as download:
        page.click("[data-export]")
    content = open(download.value.path(), "rb").read()
    ws_book = load_workbook(io.BytesIO(content))
    ws = ws_book.active
    headers = [c.value for c in ws[2]]  # row 1 is the title
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value != task.pk)
    other_task = Task.objects.get(pk=row[0].value)
    lead = other_task.clauses.first().assignments.filter(unit__kind="department").first().unit.name
    row[headers.index("填报单位")].value = lead
    row[headers.index("进展情况")].value = "纸质材料:已完成培训。"
    row[headers.index("完成比例(%)")].value = 60
    filled_path = tmp_path / "filled.xlsx"
    ws_book.save(filled_path)
    page.click("text=导入填好的进展表")
    page.set_input_files("input[name=file]", str(filled_path))
    page.click("button:has-text('上传并检查')")
    assert "纸质材料:已完成培训。" in page.locator("[data-import-preview]").inner_text()
    assert not ProgressReport.objects.filter(task=other_task, text="纸质材料:已完成培训。").exists()
    page.click("[data-import-confirm] button")
    assert "已导入 1 条进展" in page.locator(".messages").inner_text()
    assert "待审核" in page.locator(".messages").inner_text()
    assert ProgressReport.objects.filter(task=other_task, text="纸质材料:已完成培训。").exists()
    assert headers == excel.HEADERS
    logout(page)

    # The reporter's bell shows the unread notifications.
    login(page, live_server, "reporter_panyu", PASSWORD)
    page.wait_for_selector("[data-unread]")
    assert int(page.locator("[data-unread]").inner_text()) >= 1
    page.screenshot(path=str(tmp_path / "workbench.png"), full_page=True)
