""" "N个工作日内" in a document (issue 15): the parser reads a time limit counted from the document's date, pure;
the save step dates working days on the working-day calendar (statutory holidays and 调休, lawgov.calendar),
calendar days ("15日内", "10天内") directly."""

import datetime as dt

import pytest

from lawgov.calendar import HOLIDAY, build_calendar, national_days
from lawgov.models import CalendarDay
from plans import services
from plans.importing.deadlines import chinese_number, extract_deadlines, relative_due

D = dt.date.fromisoformat
SIGNED = D("2025-09-20")  # a Saturday, before the National Day week


@pytest.mark.parametrize(
    ("text", "phrase", "relative", "due"),
    [
        ("自印发之日起30个工作日内完成整改。", "自印发之日起30个工作日内", {"days": 30, "working": True}, None),
        ("三十个工作日内完成", "三十个工作日内", {"days": 30, "working": True}, None),
        ("各单位收到通知后15日内报送台账", "各单位收到通知后15日内", {"days": 15, "working": False}, "2025-10-05"),
        ("请于10天内反馈意见", "10天内", {"days": 10, "working": False}, "2025-09-30"),
        (
            "自本方案印发之日起十五个自然日内",
            "自本方案印发之日起十五个自然日内",
            {"days": 15, "working": False},
            "2025-10-05",
        ),
    ],
)
def test_relative_limits_are_read_from_the_documents_date(text, phrase, relative, due):
    [found], yearless = extract_deadlines(text, plan_year=2025, reference=SIGNED)
    assert (found.text, found.relative, yearless) == (phrase, {**relative, "from": "2025-09-20"}, [])
    assert found.due == (D(due) if due else None)
    assert found.to_dict()["relative"] == found.relative


@pytest.mark.parametrize("text", ["3月15日内完成", "每月10日内报送", "第5天内", "自印发之日起三个月内", "在3日"])
def test_what_is_not_a_relative_limit(text):
    found, _ = extract_deadlines(text, plan_year=2025, reference=SIGNED)
    assert all(d.relative is None for d in found)


@pytest.mark.parametrize(("words", "number"), [("30", 30), ("三十", 30), ("十五", 15), ("两", 2), ("一百二十", 120)])
def test_chinese_numbers(words, number):
    assert chinese_number(words) == number


def test_working_days_count_the_national_day_week_and_its_swapped_workdays():
    calendar = build_calendar(national_days([2025]))
    rule = {"days": 30, "working": True, "from": "2025-09-20"}
    # 09-28 (a Sunday) and 10-11 (a Saturday) are worked; 10-01 to 10-08 are off: 11-06, not the 10-31 that
    # Monday-to-Friday counting gives.
    assert relative_due(rule, start=None, add_working_days=calendar.add_working_days) == D("2025-11-06")
    assert relative_due(rule, start=None, add_working_days=build_calendar([]).add_working_days) == D("2025-10-31")
    assert relative_due(rule, start=None) is None  # no calendar, no guess
    assert relative_due({"days": 5, "working": False, "from": None}, start=D("2026-01-01")) == D("2026-01-06")


DOCUMENT = (
    "番禺区2025年法治政府建设整改工作方案\n"
    "一、整改任务\n"
    "1.清理行政规范性文件,自印发之日起30个工作日内完成。(牵头单位:区司法局)\n"
    "2.报送整改台账,收到通知后15日内报送。(牵头单位:区政府办)\n"
    "\n番禺区人民政府办公室\n2025年9月20日\n"
)


@pytest.mark.django_db
def test_an_imported_document_gets_the_date_on_the_working_day_calendar(district):
    plan = services.plan_import_bytes(
        data=DOCUMENT.encode(), filename="整改方案.txt", jurisdiction=district, by=None
    ).plan
    first, second = plan.tasks.order_by("position")
    assert first.due_on == D("2025-11-06")
    assert list(first.deadlines.values_list("text", "due_on")) == [("自印发之日起30个工作日内", D("2025-11-06"))]
    assert second.due_on == D("2025-10-05")


@pytest.mark.django_db
def test_the_jurisdictions_own_calendar_counts(district):
    """A local holiday the legal office entered moves the date: the table is read, not the package."""
    CalendarDay.objects.create(jurisdiction=district, date=D("2025-11-03"), kind=HOLIDAY, name="区庆")
    plan = services.plan_import_bytes(
        data=DOCUMENT.encode(), filename="整改方案.txt", jurisdiction=district, by=None
    ).plan
    assert plan.tasks.order_by("position").first().due_on == D("2025-11-07")
