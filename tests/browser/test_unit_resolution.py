"""Issue 14 in Chromium: the 南海 preview shows each unit decision with its reason, groups apart; the legal office
changes one choice, confirms, and the printed name is learnt as the unit's alias; a 大兴 document is warned of."""

import pytest

from lawgov.models import Role, Unit, User
from lawgov.services import demo_seed
from plans.models import Assignment, Plan
from tests.browser.test_login import login
from tests.plans.conftest import DAXING, NANHAI, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nanhai_office():
    demo_seed(password="demo-pass-1234")
    nanhai = Unit.objects.get(name="南海区")
    return User.objects.create_user("fzb_nh", password="demo-pass-1234", role=Role.LEGAL_OFFICE, jurisdiction=nanhai)


def upload(page, live_server, name: str) -> None:
    page.goto(f"{live_server.url}/plans/import/")
    page.set_input_files("input[type=file]", str(SEEDS / name))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-preview-count]")


def test_preview_decisions_reasons_a_changed_choice_and_the_alias_learnt(page, live_server, nanhai_office):
    login(page, live_server, "fzb_nh", "demo-pass-1234")
    upload(page, live_server, NANHAI)
    units = page.locator("[data-unit-decisions]")
    groups = page.locator("[data-group-decisions]")
    exact = units.locator('[data-decision="区编办"] [data-reason]')
    assert exact.inner_text() == "名称相同"
    # 法制办 and 区法制办: one row, decided on the exact spelling.
    legal = units.locator('[data-decision="法制办"]')
    assert "区法制办" in legal.inner_text() and legal.locator("[data-reason]").inner_text() == "名称相同"
    assert groups.locator('[data-decision="各有关部门"]').count() == 1
    assert units.locator('[data-decision="各有关部门"]').count() == 0
    # 政务服务中心: nothing close enough to propose; 区行政服务中心 is offered with its similarity.
    centre = units.locator('[data-decision="政务服务中心"]')
    assert centre.locator("[data-reason]").inner_text() == "新建"
    assert "区行政服务中心(相似度 0.75)" in centre.locator("[data-candidates]").inner_text()
    target = Unit.objects.get(jurisdiction__name="南海区", name="区行政服务中心")
    centre.locator("select").select_option(str(target.pk))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("[data-visible-tasks]")
    target.refresh_from_db()
    assert "政务服务中心" in target.aliases
    assert Assignment.objects.filter(unit=target, printed_name="政务服务中心").exists()
    assert not Unit.objects.filter(name="政务服务中心").exists()
    assert Plan.objects.get().tasks.count() == 23


def test_a_document_of_another_district_is_warned_in_the_preview(page, live_server, nanhai_office):
    login(page, live_server, "fzb_nh", "demo-pass-1234")
    upload(page, live_server, DAXING)
    warning = page.locator('[data-check="other_jurisdiction"]')
    assert "大兴区" in warning.inner_text() and "南海区(佛山市)" in warning.inner_text()
