"""The legal office fixes what the parser could not, in Chromium at tablet width: it uploads a county plan
whose tasks are (一) paragraphs with units on their own lines, sees the outline as a tree with the chosen
level and why, reads (三)'s 1. 2. items as tasks instead, confirms, then imports a revised version and
finds its correction kept (issue "Plan import reads what districts actually publish")."""

import pytest

from lawgov.services import demo_seed
from plans.models import Plan, PlanImportCorrection
from tests.browser.test_login import login
from tests.plans.test_corrections import QINGCHUAN
from tests.plans.test_corrections import REVISED as QINGCHUAN_REVISED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The same invented county plan as the correction rules are tested on.
PLAN, REVISED = QINGCHUAN, QINGCHUAN_REVISED
SCREENSHOT = "/tmp/preview.png"


@pytest.fixture
def demo_accounts():
    return demo_seed(password="demo-pass-1234")


def upload(page, path) -> None:
    page.click("nav [data-nav='plans:list']")
    page.click("text=导入规划文件")
    page.set_input_files("input[type=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-level-summary]")


def test_change_the_task_level_confirm_and_keep_it_on_a_revised_document(page, live_server, demo_accounts, tmp_path):
    login(page, live_server, "fzb_panyu", "demo-pass-1234")
    first = tmp_path / "qingchuan.txt"
    first.write_text(PLAN, encoding="utf-8")
    upload(page, first)

    # The tree, the level the parser chose and why, the document's class.
    assert "识别为" in page.locator(".facts").inner_text()
    assert "工作规划" in page.locator("[data-kind]").inner_text()
    summary = page.locator("[data-level-summary]").inner_text()
    assert "按“(一)”一级识别为任务(共5项)" in summary and "只有1项再分“1.”细项" in summary
    assert page.locator("[data-preview-section='二'] [data-preview-task]").count() == 5
    assert page.locator("[data-preview-section='一']").inner_text().startswith("一、 指导思想")

    # Read (三)'s 1. 2. items as tasks.
    page.select_option("#level-form select", "1.")
    page.click("#level-form button[type=submit]")
    page.wait_for_selector("[data-preview-task='二/(三)/1']")
    assert "按“1.”一级识别为任务(共6项)" in page.locator("[data-level-summary]").inner_text()
    assert page.locator("[data-preview-section='二/(三)'] [data-preview-task]").count() == 2
    assert "按“1.”一级识别任务" in page.locator("[data-corrections]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("[data-visible-tasks]")
    assert page.locator("[data-task-path]").count() == 6
    plan = Plan.objects.get()
    assert plan.tasks.filter(path="二/(三)/2").exists()

    # A revised version of the same plan: the correction applies again, (四)'s new text comes in.
    second = tmp_path / "qingchuan-revised.txt"
    second.write_text(REVISED, encoding="utf-8")
    upload(page, second)
    assert "按“1.”一级识别为任务(共6项)" in page.locator("[data-level-summary]").inner_text()
    assert "上次导入时所做,本次自动套用" in page.locator("[data-corrections]").inner_text()
    assert page.locator("[data-skipped]").count() == 0
    assert "繁简分流" not in page.locator("[data-preview-task='二/(四)']").inner_text()  # heading only
    page.screenshot(path=str(tmp_path / "revised.png"), full_page=True)
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("[data-visible-tasks]")
    assert page.locator("[data-task-path]").count() == 6
    assert Plan.objects.count() == 1
    assert "繁简分流" in plan.tasks.get(path="二/(四)").text
    assert PlanImportCorrection.objects.get().plan == plan
