"""Issue 7's "done when", in Chromium on the demo data (番禺): a leader opens the 驾驶舱 on a tablet, clicks a
bar and lands on the tasks behind it; the table behind a chart leads to the same list; the .xlsx downloads."""

import io
import json

import pytest
from openpyxl import load_workbook

from tasks.demo import seed_app as seed_progress
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login

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
