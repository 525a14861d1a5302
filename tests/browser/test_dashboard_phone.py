"""The 驾驶舱 on the demo data (番禺): the warnings chart stacks red, yellow and blue; on a phone (375 px) the
bars get the width (each unit's name above its bar, not a 260 px column beside it) and nothing scrolls sideways."""

import pytest
from django.utils import timezone

from tasks.demo import seed_app as seed_progress
from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.browser.helpers import PASSWORD, seed_demo
from tests.browser.test_login import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the value axis's far end is drawn, and the chart's width and series (names, stacks, colours).
GEOMETRY = """(key) => {
    const el = document.getElementById("chart-" + key);
    const chart = echarts.getInstanceByDom(el);
    const option = chart.getOption();
    const axis = chart.getModel().getComponent("xAxis", 0).axis;
    const [lo, hi] = axis.getExtent();
    return {width: el.clientWidth, bars: hi - lo,
            series: option.series.map(s => [s.name, s.stack || null, s.itemStyle.color])};
}"""


@pytest.fixture
def demo_data():
    seed_demo(seed_progress)
    warnings_refresh(today=timezone.localdate(), calendars=calendars_for([]))


@pytest.mark.parametrize("width", [375, 1024])
def test_the_charts_are_readable_on_a_phone_and_a_tablet(page, live_server, demo_data, width):
    page.set_viewport_size({"width": width, "height": 740})
    login(page, live_server, "leader_panyu", PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.wait_for_selector("#chart-units_warning svg")
    page.wait_for_selector("#chart-units_lead svg")
    for key in ("units_warning", "units_lead"):
        geometry = page.evaluate(GEOMETRY, key)
        # The bars have most of the chart's width (a 375 px phone once left them about 20 px).
        assert geometry["bars"] > 0.6 * geometry["width"], (key, geometry)
    warning = page.evaluate(GEOMETRY, "units_warning")
    assert warning["series"] == [
        ["红色预警", "total", "#c62828"],
        ["黄色预警", "total", "#ffe082"],
        ["蓝色预警", "total", "#1565c0"],
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("[data-chart=units_warning]").screenshot(path=f"test-artifacts/dashboard-warnings-{width}.png")
