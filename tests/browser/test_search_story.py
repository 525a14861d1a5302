"""Issue 16, search: a reporter types into the header's search box, at 1024 px, a word from a report and then
a unit's name, and sees only its own unit's reports (another unit's report with the same words, on a task
its unit has no part in, never shows); the legal office sees both. No CSP violation on the way."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tasks import services
from tests.browser.test_login import login
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search_from_header(page, words: str) -> None:
    box = page.locator("header form[role=search] input[name=q]")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")


def test_a_reporter_finds_only_its_own_units_reports(
    page, live_server, district, unit, other_unit, reporter, other_reporter, legal_officer
):
    today = dt.date.today()
    own_plan = plan_factory(jurisdiction=district, tasks=1, lead=unit, title="编制管理方案")
    their_plan = plan_factory(jurisdiction=district, tasks=1, lead=other_unit, title="预算管理方案")
    services.progress_report_create(
        task=own_plan.tasks.get(),
        unit=unit,
        by=reporter,
        reported_on=today,
        text="召开机构编制专题会议一次",
        percent=30,
    )
    services.progress_report_create(
        task=their_plan.tasks.get(),
        unit=other_unit,
        by=other_reporter,
        reported_on=today,
        text="召开预算绩效专题会议一次",
        percent=30,
    )
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.set_viewport_size({"width": 1024, "height": 768})

    login(page, live_server, reporter.username)
    page.wait_for_selector("[data-role]")
    # A word of both reports: only 区编办's comes back, and the page says how many.
    search_from_header(page, "专题会议")
    assert "/search/?q=" in page.url
    reports = page.locator("[data-group=reports] [data-hit=reports]")
    expect(reports).to_have_count(1)
    expect(reports.first).to_contain_text("区编办")
    expect(reports.first).to_contain_text("机构编制专题会议")
    expect(page.locator("[data-group-count=reports]")).to_have_text("进展 1")
    assert "预算绩效" not in page.content()
    # The other unit's words and name: nothing of it.
    search_from_header(page, "预算绩效")
    expect(page.locator("[data-hit]")).to_have_count(0)
    expect(page.locator("[data-search-empty]")).to_contain_text("没有找到")
    search_from_header(page, "财政局")
    expect(page.locator("[data-hit]")).to_have_count(0)
    # Its own unit's name: the unit and its report, and the report's link opens the task at the report.
    search_from_header(page, "编办")
    units = page.locator("[data-group=units] [data-hit=units]")
    expect(units).to_have_count(1)
    expect(units.first).to_contain_text("区编办")
    expect(reports).to_have_count(1)
    reports.first.locator("a").first.click()
    page.wait_for_selector("[data-report]")
    assert "#report-" in page.url

    # The legal office of the district finds both reports.
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/")
    login(page, live_server, legal_officer.username)
    page.wait_for_selector("[data-role]")
    search_from_header(page, "专题会议")
    expect(page.locator("[data-group=reports] [data-hit=reports]")).to_have_count(2)
    # Bad input: a long string of metacharacters is answered with a message, not an error.
    search_from_header(page, "%_\\'\".*" * 200)
    expect(page.locator("[data-search-note]").first).to_contain_text("搜索词过长")
    expect(page.locator("[data-hit]")).to_have_count(0)
    assert violations == []
