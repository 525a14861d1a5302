"""Issue 16, "Everyone", in Chromium: a user changes the password (first login, then from the header), forms
show our messages beside the fields, the plan tree prints without navigation (print-to-PDF), the legal office's
menu fits one line at 1024 px and folds behind 菜单 on a phone."""

import io
import unicodedata

import pdfplumber
import pytest

from lawgov.models import User
from tests.browser.test_login import login
from tests.conftest import PASSWORD
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Qiang-mima-2026!"


def test_first_login_then_header_password_change(page, live_server, reporter):
    reporter.must_change_password = True
    reporter.save()
    login(page, live_server, reporter.username)
    page.wait_for_selector("text=初始密码")
    assert "/password/" in page.url
    page.wait_for_load_state("networkidle")
    assert page.locator("main").count() == 1  # the bell's request did not nest the page in the header
    # Our messages beside the fields, not the browser's tooltip: nothing is sent, the first field has focus.
    page.click("main button[type=submit]")
    errors = page.locator("main .field-error")
    assert errors.count() == 3
    assert errors.first.inner_text() == "请填写此项。"
    assert page.evaluate("document.activeElement.name") == "old_password"
    assert "/password/" in page.url
    # A password the validators refuse: the reasons in Chinese, the field they concern in focus.
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "12345")
    page.fill("input[name=new_password2]", "12345")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .errorlist")
    reasons = page.locator("main .errorlist").inner_text()
    assert "密码太短" in reasons and "只包含数字" in reasons and "This password" not in reasons
    assert page.evaluate("document.activeElement.name") == "new_password2"
    # Until it is changed, every page comes back here.
    page.goto(f"{live_server.url}/tasks/")
    assert "/password/" in page.url
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert page.url == f"{live_server.url}/tasks/"
    reporter.refresh_from_db()
    assert reporter.must_change_password is False

    # Later, from the header: 修改密码 for every user, in the menu under the role's name.
    page.click("header [data-user-menu]")
    page.click("header [data-password-link]")
    page.fill("input[name=old_password]", NEW_PASSWORD)
    page.fill("input[name=new_password1]", NEW_PASSWORD + "2")
    page.fill("input[name=new_password2]", NEW_PASSWORD + "2")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('密码已修改')")
    page.click("button:has-text('退出')")
    login(page, live_server, reporter.username, NEW_PASSWORD + "2")
    page.wait_for_selector("[data-password-link]", state="attached")
    assert "/login/" not in page.url and "/password/" not in page.url


def test_help_link_in_the_header_shows_the_roles_screenshots(page, live_server, leader):
    login(page, live_server, leader.username)
    page.click("header [data-help-link]")
    page.wait_for_selector("h1:has-text('使用说明')")
    assert "领导" in page.locator("main h1").inner_text()
    images = page.locator("main img")
    assert images.count() >= 2
    # Every screenshot loaded (a missing file has no natural width).
    assert all(page.locator("main img").evaluate_all("els => els.map(e => e.complete && e.naturalWidth > 0)"))


def test_plan_tree_prints_without_navigation(page, live_server, legal_officer, district, unit):
    plan = plan_factory(jurisdiction=district, tasks=3, lead=unit, title="印刷测试方案")
    login(page, live_server, legal_officer.username)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.wait_for_selector("main h1")
    pdf = page.pdf(format="A4")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        # NFKC: the PDF's font maps some characters to Kangxi radicals (⼯ for 工), which would make a
        # "not in" check pass for the wrong reason.
        text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() or "" for p in document.pages))
        width, height = document.pages[0].width, document.pages[0].height
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    assert plan.title in text  # the page's title, in the print header and the content
    assert "打印日期" in text and "工作方案" in text  # the normalisation works on the content
    for menu_item in ("工作台", "驾驶舱", "统计数据", "使用说明", "修改密码", "退出", "管理"):
        assert menu_item not in text, menu_item
    assert "应用到所选任务" not in text  # the bulk panel's button


def test_legal_office_menu_fits_one_line_at_tablet_width(page, live_server, legal_officer):
    # The longest menu: a superuser sees every role's pages and 后台管理 (make run's admin account).
    User.objects.filter(pk=legal_officer.pk).update(is_staff=True, is_superuser=True)
    login(page, live_server, legal_officer.username)
    page.wait_for_selector("header nav")
    header = page.locator("header.topbar").bounding_box()
    item = page.locator("header nav [data-nav='home']").bounding_box()
    assert header["height"] < item["height"] * 1.6, header  # one row of 44 px items, not two
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    # The admin pages sit under 管理.
    assert not page.locator("header [data-nav='login-unlock']").is_visible()
    page.click("header summary:has-text('管理')")
    page.click("header [data-nav='login-unlock']")
    page.wait_for_url("**/login-unlock/")


def test_phone_menu_folds_behind_a_button(browser, live_server, legal_officer):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, live_server, legal_officer.username)
        page.wait_for_selector("[data-menu-toggle]")
        assert page.locator("header.topbar").bounding_box()["height"] < 740 / 4
        assert not page.locator("header nav [data-nav='tasks:list']").is_visible()
        page.click("[data-menu-toggle]")
        assert page.locator("[data-menu-toggle]").get_attribute("aria-expanded") == "true"
        page.click("header nav [data-nav='tasks:list']")
        page.wait_for_url("**/tasks/")
        assert page.locator("header.topbar").bounding_box()["height"] < 740 / 4  # folded again on the new page
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
