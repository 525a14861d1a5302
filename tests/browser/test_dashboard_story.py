"""Issue 7's "done when", in Chromium on the demo data (番禺): a leader opens the 驾驶舱 on a tablet, clicks a
bar and lands on the tasks behind it; the table behind a chart leads to the same list; the .xlsx downloads."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from lawgov.models import Unit
from plans.models import Plan
from tasks.demo import seed_app as seed_progress
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login
from tests.factories import plan_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    seed_demo(seed_progress)


def test_a_leader_clicks_a_bar_through_to_its_tasks(page, live_server, demo_data):
    login(page, live_server, "leader_panyu", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#chart-units_overdue svg")
    charts = {c["key"]: c for c in json.loads(page.locator("#dashboard-data").inner_text())}
    overdue = charts["units_overdue"]
    unit, count = overdue["rows"][0][0], overdue["rows"][0][1]
    assert count > 0
    # Where ECharts drew the first bar: half-way along it, on its category line (once it has grown).
    page.locator("#chart-units_overdue").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    x, y = page.evaluate(
        """([value]) => {
            const chart = echarts.getInstanceByDom(document.getElementById("chart-units_overdue"));
            return chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
        }""",
        [count],
    )
    box = page.locator("#chart-units_overdue").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/tasks/?**")
    assert f"共 {count} 项" in page.content()
    assert "status=overdue" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024

    # The table behind the plans chart: its "任务数" cell leads to the same list.
    page.goto(f"{live_server.url}/dashboard/")
    card = page.locator("[data-chart=plans]")
    card.locator("summary").click()
    cell = card.locator("tbody tr").first.locator("td").nth(1)
    total = int(cell.inner_text())
    cell.locator("a").click()
    page.wait_for_url("**/tasks/?plan=*")
    assert f"共 {total} 项" in page.content()

    # And the same table as .xlsx.
    page.goto(f"{live_server.url}/dashboard/")
    with page.expect_download() as caught:
        page.click("[data-download=units_overdue]")
    rows = list(load_workbook(io.BytesIO(open(caught.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert rows[2][:2] == (unit, count)  # title, header, then the table


KPIS = ("total", "done", "overdue", "warning-red", "warning-yellow", "warning-blue")


def _cards(page) -> dict[str, tuple[int, str]]:
    """Each headline card's number and where it leads."""
    cards = {}
    for key in KPIS:
        card = page.locator(f"a.kpi[data-kpi='{key}']")
        cards[key] = (int(card.locator("strong").inner_text()), card.get_attribute("href"))
    return cards


def _listed(page, live_server, href: str) -> int:
    page.goto(f"{live_server.url}{href}")
    return int(re.search(r"共 (\d+) 项", page.content()).group(1))


def test_a_leader_filters_the_dashboard_by_plan_and_year(page, live_server, demo_data):
    """Issue 16: a leader lands on the 驾驶舱, narrows it to one plan and then one year; every headline number
    changes with the filters and is the task list's count behind its link; so is each lead unit's row."""
    panyu = Unit.objects.get(name="番禺区")
    scheme = Plan.objects.get(jurisdiction=panyu)
    # A second plan of another period beside the 2016 scheme, so that the filters have something to split.
    lead = Unit.objects.get(jurisdiction=panyu, name="区司法局")
    opinion = plan_factory(jurisdiction=panyu, tasks=6, lead=lead, title="番禺区法治政府建设实施意见")
    Plan.objects.filter(pk=opinion.pk).update(period_start=2022, period_end=2025)

    login(page, live_server, "leader_panyu", PASSWORD)
    page.wait_for_url("**/dashboard/")  # leaders land on the 驾驶舱, not a thin 工作台
    seen = []
    for choose in (None, ("plan", str(scheme.pk)), ("year", "2017")):
        if choose:
            name, value = choose
            with page.expect_navigation():
                page.select_option(f"#dashboard-scope select[name={name}]", value)
        url = page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        cards = _cards(page)
        charts = {c["key"]: c for c in json.loads(page.locator("#dashboard-data").inner_text())}
        lead_rows = charts["units_lead"]
        seen.append({k: n for k, (n, _) in cards.items()})
        # Each card, then the first lead unit's row, against the task list behind its link.
        for key, (number, href) in cards.items():
            if choose:
                assert f"{choose[0]}={choose[1]}" in href, (key, href)
            assert _listed(page, live_server, href) == number, (choose, key)
        assert _listed(page, live_server, "/tasks/" + lead_rows["links"][0]) == lead_rows["rows"][0][1]
        page.goto(url)
    everything, one_plan, one_year = seen
    assert everything["total"] == one_plan["total"] + 6 and one_plan["total"] == 38
    assert one_year["total"] < one_plan["total"]  # 2017: the 2016 deadlines, and what was done in 2016, drop out
    assert "plan=" in page.url and "year=2017" in page.url
    assert page.locator("#dashboard-scope select[name=plan]").input_value() == str(scheme.pk)
