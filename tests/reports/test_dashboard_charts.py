"""The 驾驶舱's "各牵头单位预警情况" chart carries red, yellow and blue for each unit, coloured as the badges."""

import datetime as dt
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from tasks.selectors import calendars_for
from tasks.warnings import warnings_refresh
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _badge_colour(level: str) -> str:
    css = open(finders.find("lawgov/app.css"), encoding="utf-8").read()
    return re.search(rf"\.badge\.warning-{level} {{ background: (#[0-9a-f]+);", css).group(1)


def test_the_warning_chart_stacks_all_three_levels_per_unit(client, leader, district, unit, other_unit):
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=TODAY - dt.timedelta(days=10))  # red
    plan_factory(jurisdiction=district, tasks=2, lead=other_unit, due_on=TODAY + dt.timedelta(days=5))  # yellow
    warnings_refresh(today=TODAY, calendars=calendars_for([]))
    client.force_login(leader)
    html = client.get("/dashboard/").content.decode()
    # The JSON the page embeds for its charts (static/lawgov/dashboard.js draws from it).
    embedded = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    chart = {c["key"]: c for c in json.loads(embedded)}["units_warning"]
    levels = [(chart["columns"][s["column"]], s["name"], s["color"]) for s in chart["series"]]
    assert levels == [
        ("红色预警", "红色预警", _badge_colour("red")),
        ("黄色预警", "黄色预警", _badge_colour("yellow")),
        ("蓝色预警", "蓝色预警", _badge_colour("blue")),
    ]
    # Each unit's row holds a number for every level the chart stacks.
    assert chart["rows"] == [["区编办", 2, 0, 0], ["区财政局", 0, 2, 0]]
    assert all(len(row) == 1 + len(chart["series"]) for row in chart["rows"])
