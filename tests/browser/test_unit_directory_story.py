"""Issue 14: the legal office renames a unit and merges it into another through the pages, in Chromium at
tablet width (1024 px), without /admin/; the survivor's page then shows the merged unit's work."""

import pytest

from lawgov.models import Unit
from plans.models import Assignment
from tests.browser.test_login import login
from tests.conftest import make_unit
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = "/tmp/unit_merge.png"


def test_rename_then_merge_through_the_pages(page, live_server, legal_officer, district, unit, other_unit):
    plan = plan_factory(jurisdiction=district, tasks=2, lead=unit)
    make_unit(district, "南村镇", kind="township")
    login(page, live_server, legal_officer.username)

    page.click("nav [data-nav='units']")
    page.fill("[data-unit-search] input[name=q]", "编办")
    page.click("[data-unit-search] button[type=submit]")
    assert page.locator("[data-unit]").count() == 1
    page.click("[data-unit='区编办'] a")
    page.click("[data-unit-edit]")
    page.fill("[data-unit-form] input[name=name]", "区委编办公室")
    page.fill("[data-unit-form] input[name=contact_phone]", "020-84600000")
    page.click("[data-unit-form] button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert "原名称“区编办”已保留为别名" in page.locator(".msg-success").inner_text()
    assert "区编办" in page.locator("[data-aliases]").inner_text()

    page.click("[data-unit-merge]")
    page.select_option("select[name=into]", label="区财政局(区级部门)")
    page.click("text=查看将转移的内容")
    page.wait_for_selector("[data-merge-moves]")
    assert "责任分工" in page.locator("[data-merge-moves]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path="/tmp/unit_merge_confirm.png", full_page=True)
    page.click("[data-merge-confirm]")
    page.wait_for_selector(".msg-success")
    assert "已将区委编办公室并入区财政局" in page.locator(".msg-success").inner_text()
    assert page.locator("h1").inner_text().startswith("区财政局")
    assert plan.title in page.locator("[data-role-group='lead']").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.screenshot(path=SCREENSHOT, full_page=True)

    survivor = Unit.objects.get(pk=other_unit.pk)
    assert survivor.aliases == ["区委编办公室", "区委编办", "区编办"]
    assert Assignment.objects.active().filter(unit=survivor, role="lead").count() == 2
    assert Unit.objects.get(pk=unit.pk).merged_into_id == survivor.pk
