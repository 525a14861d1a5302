"""Words shared by the notices and messages the tasks app writes."""

from __future__ import annotations

import datetime as dt


def date_label(day: dt.date) -> str:
    """A date in a notice's words, with its year: "2016年9月15日" (a unit reads notices about reports and
    deadlines of other years, and the demo's history goes back years)."""
    return f"{day.year}年{day.month}月{day.day}日"
