"""Day-one browser test: each role logs in through Chromium and sees its own navigation."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED = {
    "legal_officer": ({"home", "units", "api-clients", "dashboard", "plans:list", "tasks:list"}, "法制办"),
    "reporter": ({"home", "units"}, "单位填报员"),
    "leader": ({"dashboard", "units"}, "领导"),
    "api_client_user": ({"home", "api-docs"}, "接口客户端"),
}


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.parametrize("fixture", list(EXPECTED))
def test_each_role_logs_in_and_sees_its_navigation(request, page, live_server, fixture):
    user = request.getfixturevalue(fixture)
    expected_nav, role_label = EXPECTED[fixture]
    login(page, live_server, user.username)
    if fixture == "leader":
        # Issue 16: a leader lands on the 驾驶舱, whose header names the role like every page's.
        page.wait_for_url("**/dashboard/")
        assert page.locator(".user-badge").inner_text() == role_label
    else:
        page.wait_for_selector("[data-role]")
        assert page.locator("[data-role]").inner_text() == role_label
    shown = set(page.locator("nav [data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)"))
    assert expected_nav <= shown
    assert "admin" not in shown
    if fixture == "leader":
        assert "home" not in shown  # the 驾驶舱 is a leader's home: no second item leading there
    # Every link in the menu leads somewhere that answers.
    for href in page.locator("nav [data-nav]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status < 400, href
    # Tablet width: the menu must not overflow the page horizontally.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024


def test_wrong_password_shows_chinese_message(page, live_server, reporter):
    login(page, live_server, "reporter", "wrong-password")
    assert "用户名或密码不正确" in page.locator("[role=alert]").inner_text()
    assert "/login/" in page.url
