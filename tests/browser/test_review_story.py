"""The legal office's review story of issue 16, walked in Chromium on the demo data (番禺): five reports
reviewed in a row with 下一条待审核 (one of them returned), the queue showing the text and a resubmission,
then a batch accept of the rest; a deleted report shown on request and restored."""

import datetime as dt

import pytest
from django.utils import timezone

from lawgov.models import User
from plans.models import Task
from tasks import services
from tasks.models import ProgressReport, ReportStatus
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_content_security_policy import watch
from tests.browser.test_login import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting_reports():
    """Eight reports of 区编办 waiting for the 番禺 legal office, the last a resubmission after a return."""
    seed_demo()
    reporter = User.objects.get(username="reporter_panyu")
    officer = User.objects.get(username="fzb_panyu")
    tasks = list(
        Task.objects.filter(plan__jurisdiction__name="番禺区", clauses__assignments__unit=reporter.unit)
        .distinct()
        .order_by("plan_id", "position")[:4]
    )
    assert len(tasks) == 4
    today = timezone.localdate()
    reports = [
        services.progress_report_create(
            task=tasks[i % 4],
            unit=reporter.unit,
            by=reporter,
            reported_on=today - dt.timedelta(days=i),
            text=f"第{i + 1}份进展:已召开专题会议部署落实。" + ("会议明确了分工和时间表。" * 6 if i == 6 else ""),
            percent=10 * (i + 1),
        )
        for i in range(7)
    ]
    resubmitted = services.progress_report_create(
        task=tasks[0], unit=reporter.unit, by=reporter, reported_on=today, text="培训已完成", percent=50
    )
    services.progress_report_return(report=resubmitted, by=officer, reason="请附签到表")
    resubmitted.refresh_from_db()
    services.progress_report_update(
        report=resubmitted,
        by=reporter,
        expected_version=resubmitted.version,
        reported_on=today,
        text="培训已完成,附签到表",
        percent=60,
    )
    resubmitted.refresh_from_db()
    services.progress_report_submit(report=resubmitted, by=reporter)
    return reports, resubmitted


def test_review_five_in_a_row_then_batch_accept(page, live_server, waiting_reports, tmp_path):
    reports, resubmitted = waiting_reports
    violations = watch(page)
    login(page, live_server, "fzb_panyu", PASSWORD)
    page.wait_for_selector("[data-waiting]")
    assert "待审核的进展(8)" in page.locator("[data-waiting] h2").inner_text()

    # 1. From the 工作台 straight into the first report of the queue.
    page.click("[data-waiting] a:has-text('逐条审核')")
    reviewed = []
    for n in range(5):
        if n == 1:
            page.screenshot(path=str(tmp_path / "review-task-page.png"), full_page=True)
        current = page.locator("article.current-review")
        assert current.count() == 1
        pk = int(current.get_attribute("data-report"))
        assert pk == reports[n].pk  # the queue's order: oldest submission first
        if n == 2:
            current.locator("input[name=reason]").fill("请补充会议纪要。")
            current.locator("[data-return-form] button").click()
            assert "已退回" in page.locator(".messages").inner_text()
        else:
            current.locator("[data-accept]").click()
            assert "已采纳" in page.locator(".messages").inner_text()
        reviewed.append(pk)
        page.click("[data-review-next]")
    statuses = dict(ProgressReport.objects.filter(pk__in=reviewed).values_list("pk", "status"))
    assert [statuses[pk] for pk in reviewed] == ["accepted", "accepted", "returned", "accepted", "accepted"]

    # 2. The queue: the rest, with their text (a long one folded), the resubmission flagged with what changed.
    page.goto(f"{live_server.url}/tasks/review/")
    rows = page.locator("[data-queue-report]")
    assert rows.count() == 3
    assert "第6份进展" in page.locator(f"[data-queue-report='{reports[5].pk}']").inner_text()
    folded = page.locator(f"[data-queue-report='{reports[6].pk}'] details[data-full-text]")
    assert not folded.locator("p").is_visible()
    folded.locator("summary").click()
    assert "会议明确了分工和时间表" in folded.locator("p").inner_text()
    flagged = page.locator(f"[data-queue-report='{resubmitted.pk}']").inner_text()
    assert "重新提交" in flagged and "完成比例 50% → 60%" in flagged and "请附签到表" in flagged
    page.screenshot(path=str(tmp_path / "review-queue.png"), full_page=True)

    # 3. Batch accept the three.
    page.once("dialog", lambda dialog: dialog.accept())
    for r in (reports[5], reports[6], resubmitted):
        page.check(f"[data-queue-report='{r.pk}'] input[name=report]")
    page.click("[data-batch-accept]")
    assert "已批量采纳 3 条进展" in page.locator(".messages").inner_text()
    assert page.locator("[data-queue-empty]").count() == 1
    assert ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 7

    # 4. 下一条待审核 with nothing left goes back to the queue with a message.
    page.goto(f"{live_server.url}/tasks/review/next/")
    assert page.url.endswith("/tasks/review/")
    assert "已全部处理完毕" in page.locator(".messages").inner_text()

    # 5. An accepted report is deleted only through the confirmation page with a reason, then restored.
    target = reports[0]
    page.goto(f"{live_server.url}/tasks/{target.task_id}/#report-{target.pk}")
    page.click(f"#report-{target.pk} [data-delete]")
    assert page.locator("[data-accepted-warning]").count() == 1
    page.click("[data-delete-submit]")
    assert "删除时请写明理由" in page.locator("[data-delete-error]").inner_text()
    page.screenshot(path=str(tmp_path / "delete-confirm.png"), full_page=True)
    page.fill("textarea[name=reason]", "与第4份进展重复")
    page.click("[data-delete-submit]")
    assert "进展已删除" in page.locator(".messages").inner_text()
    assert page.locator(f"#report-{target.pk}").count() == 0
    page.click("[data-show-deleted]")
    assert "与第4份进展重复" in page.locator(f"#report-{target.pk}").inner_text()
    page.click(f"#report-{target.pk} [data-restore]")
    assert "进展已恢复" in page.locator(".messages").inner_text()
    assert ProgressReport.objects.get(pk=target.pk).deleted_at is None
    assert "进展恢复" in page.locator("[data-history]").inner_text()
    assert violations == []
