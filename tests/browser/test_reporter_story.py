"""The reporter's story of issue 16, walked in Chromium on the demo data (番禺, 区编办): a draft with two
files is edited, its files listed and one removed; the first submission says 已提交; the 工作台 shows the
task's reporting state; the report is withdrawn back to a draft; the Excel import is reached from the 工作台
and previewed before anything is saved."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from plans.models import Task
from tasks import excel
from tasks.models import Evidence, ProgressReport, ReportStatus
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    seed_demo()


def state_of(page, task) -> str:
    return page.locator(f"[data-task='{task.pk}'] [data-reporting-state]").first.inner_text()


def test_reporter_story(page, live_server, demo_data, tmp_path):
    task = Task.objects.get(plan__jurisdiction__name="番禺区", number="1")
    task_url = f"{live_server.url}/tasks/{task.pk}/"
    login(page, live_server, "reporter_panyu", PASSWORD)

    # 1. A draft with two files.
    page.goto(task_url)
    files = []
    for name in ("会议纪要.pdf", "通知.pdf"):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4\n% evidence\n")
        files.append(str(path))
    page.fill("[data-report-form] textarea[name=text]", "已起草权责清单。")
    page.fill("[data-report-form] input[name=percent]", "30")
    page.set_input_files("[data-report-form] input[name=files]", files)
    page.click("[data-report-form] button[value=draft]")
    assert "已保存草稿" in page.locator(".messages").inner_text()
    report = ProgressReport.objects.get(task=task, on_behalf=False)

    # 2. The 工作台 says so for the task.
    page.goto(f"{live_server.url}/")
    assert "草稿" in state_of(page, task)

    # 3. Editing the draft lists its files; one is removed, the other kept without uploading it again.
    page.goto(f"{live_server.url}/tasks/reports/{report.pk}/edit/")
    assert page.locator("[data-attached-file]").all_inner_texts()[0].startswith("会议纪要.pdf")
    assert page.locator("[data-attached-file]").count() == 2
    drop = Evidence.objects.get(report=report, original_name="通知.pdf")
    page.check(f"[data-attached-file='{drop.pk}'] [data-remove-evidence]")
    page.fill("textarea[name=text]", "已起草权责清单,送审中。")
    page.click("[data-edit-form] button[value=save]")
    assert "进展已保存" in page.locator(".messages").inner_text()
    assert page.locator(f"#report-{report.pk} [data-evidence]").all_inner_texts() == ["会议纪要.pdf"]
    page.goto(f"{live_server.url}/tasks/reports/{report.pk}/edit/")
    assert page.locator("[data-attached-file]").count() == 1

    # 4. The first submission of the draft is a submission, not a "resubmission".
    page.click("[data-edit-form] button[value=submit]")
    message = page.locator(".messages").inner_text()
    assert "已提交,等待法制办审核" in message and "重新提交" not in message

    # 5. The 工作台 now shows it waiting, reported this month, with the date.
    page.goto(f"{live_server.url}/")
    state = state_of(page, task)
    assert "待审核" in state and "本月已报" in state
    last = page.locator(f"[data-task='{task.pk}'] [data-last-report]").first.inner_text()
    assert last == f"{timezone.localdate():%Y-%m-%d}"

    # 6. 撤回: the report goes back to a draft before the legal office reviews it.
    page.goto(task_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#report-{report.pk} [data-withdraw] button")
    assert "已撤回" in page.locator(".messages").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    page.goto(f"{live_server.url}/")
    assert "草稿" in state_of(page, task) and "待审核" not in state_of(page, task)

    # 7. The Excel import, from the 工作台: rows previewed, then confirmed, then waiting for review.
    page.click(f"[data-excel-plan='{task.plan_id}'] [data-excel-import]")
    content = excel.plan_tasks_export(plan=task.plan, user=report.entered_by, today=timezone.localdate())
    book = load_workbook(io.BytesIO(content))
    ws = book.active
    headers = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == task.pk)
    row[headers.index("进展情况")].value = "Excel:权责清单已报送审核。"
    row[headers.index("完成比例(%)")].value = 50
    filled_path = tmp_path / "filled.xlsx"
    book.save(filled_path)
    page.set_input_files("input[name=file]", str(filled_path))
    page.click("button:has-text('上传并检查')")
    assert "Excel:权责清单已报送审核。" in page.locator("[data-import-preview]").inner_text()
    assert not ProgressReport.objects.filter(text="Excel:权责清单已报送审核。").exists()
    page.click("[data-import-confirm] button")
    assert "待审核" in page.locator(".messages").inner_text()
    assert ProgressReport.objects.get(text="Excel:权责清单已报送审核。").status == ReportStatus.SUBMITTED
    page.screenshot(path=str(tmp_path / "reporter.png"), full_page=True)
