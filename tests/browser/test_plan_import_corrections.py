"""The legal office fixes what the parser could not, in Chromium at tablet width: it uploads a county plan
whose tasks are (一) paragraphs with units on their own lines, sees the outline as a tree with the chosen
level and why, reads (三)'s 1. 2. items as tasks instead, confirms, then imports a revised version and
finds its correction kept (issue "Plan import reads what districts actually publish")."""

import pytest

from lawgov.services import demo_seed
from plans.models import Plan, PlanImportCorrection
from tests.browser.test_login import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = """青府办〔2024〕7号
青川县2024年法治政府建设工作要点
为深入推进法治政府建设,结合我县实际,制定本工作要点。
一、指导思想
以习近平新时代中国特色社会主义思想为指导,全面推进依法行政。
二、主要任务
(一)健全依法决策机制。严格落实重大行政决策程序规定,年底前公布年度重大行政决策事项目录。
牵头单位:县司法局
配合单位:县政府办、县发展改革局
(二)推进政务公开。全面推进决策、执行、管理、服务、结果公开。
牵头单位:县政府办
配合单位:县数据局
(三)深化行政执法体制改革。具体包括:
1.推进综合行政执法,整合执法队伍。
2.全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。
牵头单位:县司法局
配合单位:县市场监管局、县生态环境局
(四)加强行政复议工作。依法办理行政复议案件,提高案件办理质量。
牵头单位:县司法局
配合单位:县信访局
(五)强化法治宣传教育。落实“谁执法谁普法”普法责任制,每年开展法治讲座不少于4次。
牵头单位:县委宣传部
配合单位:县司法局、县教育局
三、工作要求
各单位要高度重视,于每年12月10日前报送工作总结。
青川县人民政府办公室
2024年3月1日
"""
REVISED = PLAN.replace("提高案件办理质量", "提高案件办理质量和效率,推行繁简分流")
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
