"""Issue 18: the Content-Security-Policy in Chromium. The pages work under it — the dashboard's charts draw,
a data-confirm form asks before it posts (and does not post when dismissed), a data-autosubmit select
submits, the API docs render — and the browser reports no violation; an injected inline handler does not run."""

import pytest
from rest_framework.authtoken.models import Token

from tests.browser.test_login import login
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    return violations


def test_pages_work_under_the_policy_and_report_no_violation(page, live_server, legal_officer, district, unit):
    plan_factory(jurisdiction=district, tasks=3, lead=unit)
    violations = watch(page)
    login(page, live_server, legal_officer.username)
    page.wait_for_selector("[data-role]")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector(".chart svg, [id^=chart-] svg", timeout=15000)
    # data-autosubmit: choosing a plan reloads the dashboard with it.
    select = page.locator("select[name=plan][data-autosubmit]")
    value = select.locator("option").nth(1).get_attribute("value")
    with page.expect_navigation():
        select.select_option(value)
    assert f"plan={value}" in page.url
    # data-confirm: dismissed, nothing is posted; accepted, the form goes.
    page.goto(f"{live_server.url}/api-clients/")
    page.fill("input[name=username]", "dataviz")
    page.click("text=创建并生成令牌")
    page.wait_for_selector("[data-new-token]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button[value=revoke]")
    page.wait_for_timeout(500)
    assert Token.objects.filter(user__username="dataviz").exists()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("button[value=revoke]")
    assert not Token.objects.filter(user__username="dataviz").exists()
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert violations == []


def test_an_injected_inline_handler_does_not_run(page, live_server, legal_officer):
    violations = watch(page)
    login(page, live_server, legal_officer.username)
    page.wait_for_selector("[data-role]")
    ran = page.evaluate(
        """() => { window.pwned = false;
                   const img = document.createElement('div');
                   img.innerHTML = '<img src="data:," onerror="window.pwned = true">';
                   document.body.appendChild(img);
                   return new Promise(r => setTimeout(() => r(window.pwned), 500)); }"""
    )
    assert ran is False and violations
