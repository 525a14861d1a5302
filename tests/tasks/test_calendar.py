"""The working-day calendar: real 2024–2026 holidays and 调休 Saturdays/Sundays from the ``chinese-calendar``
package (checked here against the State Council notices), and a 2027 year the legal office entered itself
(the package stops at 2026 and raises for later years)."""

import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command

from tasks.calendar import HOLIDAY, WORKDAY, CalendarYearUnknown, WorkCalendar, build_calendar, national_days
from tasks.models import CalendarDay
from tasks.selectors import calendar_for, calendars_for
from tasks.services import calendar_seed

D = dt.date.fromisoformat
NATIONAL = build_calendar(national_days())


@pytest.mark.parametrize(
    ("day", "working", "holiday"),
    [
        ("2026-02-13", True, ""),  # Friday before 春节
        ("2026-02-14", True, ""),  # Saturday, 调休上班
        ("2026-02-15", False, "春节"),  # Sunday inside the holiday
        ("2026-02-17", False, "春节"),  # Tuesday, 春节
        ("2026-02-23", False, "春节"),  # Monday, last day
        ("2026-02-24", True, ""),
        ("2026-02-28", True, ""),  # Saturday, 调休上班
        ("2026-03-01", False, ""),  # plain Sunday
        ("2026-01-04", True, ""),  # Sunday, 元旦调休
        ("2026-09-20", True, ""),  # Sunday, 国庆调休
        ("2026-10-01", False, "国庆节"),
        ("2026-10-07", False, "国庆节"),
        ("2026-10-08", True, ""),
        ("2026-10-10", True, ""),  # Saturday, 国庆调休
        ("2026-05-09", True, ""),  # Saturday, 劳动节调休
        ("2026-06-19", False, "端午节"),
        ("2025-01-26", True, ""),  # Sunday, 春节调休
        ("2025-01-29", False, "春节"),
        ("2025-10-08", False, "国庆节"),
        ("2025-10-06", False, "中秋节"),
        ("2025-10-11", True, ""),  # Saturday
        ("2024-02-04", True, ""),  # Sunday
        ("2024-02-18", True, ""),  # Sunday
        ("2024-05-11", True, ""),  # Saturday
        ("2024-09-16", False, "中秋节"),
        ("2024-09-14", True, ""),  # Saturday, 中秋调休
        ("2024-10-12", True, ""),  # Saturday, 国庆调休
        ("2024-02-12", False, "春节"),
        ("2025-02-08", True, ""),  # Saturday, 春节调休
        ("2025-04-27", True, ""),  # Sunday, 劳动节调休
        ("2025-05-31", False, "端午节"),  # a Saturday inside the holiday
    ],
)
def test_national_days(day, working, holiday):
    assert NATIONAL.is_working_day(D(day)) is working
    assert NATIONAL.holiday_name(D(day)) == holiday


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        ("2026-02-13", 1, "2026-02-14"),  # Friday + 1 = the 调休 Saturday
        ("2026-02-14", 1, "2026-02-24"),  # across the nine days of 春节
        ("2026-02-12", 5, "2026-02-26"),
        ("2026-09-30", 1, "2026-10-08"),  # across 国庆
        ("2026-09-30", 3, "2026-10-10"),  # the 调休 Saturday counts
        ("2026-09-18", 1, "2026-09-20"),  # Friday + 1 = the 调休 Sunday
        ("2026-11-20", 10, "2026-12-04"),  # an ordinary fortnight
        ("2026-10-01", 0, "2026-10-08"),  # day 0 on a holiday: the next working day
        ("2026-10-08", -1, "2026-09-30"),
    ],
)
def test_add_working_days(start, days, end):
    assert NATIONAL.add_working_days(D(start), days) == D(end)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2026-02-13", "2026-02-27", 5),  # 14 (Sat, worked) + 24..27
        ("2026-09-30", "2026-10-10", 3),  # 8, 9 and the 调休 Saturday 10
        ("2026-09-19", "2026-09-20", 1),  # the 调休 Sunday
        ("2026-11-22", "2026-11-22", 0),
        ("2026-10-10", "2026-09-30", -3),
        ("2024-02-09", "2024-02-19", 2),  # 2024 春节 (10–17): the 调休 Sunday 18, then Monday 19
    ],
)
def test_working_days_between(start, end, days):
    assert NATIONAL.working_days_between(D(start), D(end)) == days


def test_the_arithmetic_count_agrees_with_walking_the_days():
    rng = random.Random(15)
    for _ in range(300):
        a = D("2023-12-01") + dt.timedelta(days=rng.randrange(1200))
        b = a + dt.timedelta(days=rng.randrange(200))
        walked = sum(NATIONAL.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))
        assert NATIONAL.working_days_between(a, b) == walked
        if walked:
            assert NATIONAL.add_working_days(a, walked) <= b


def test_an_unknown_year_is_weekends_only_and_says_so():
    assert not NATIONAL.knows(2027) and NATIONAL.knows(2026)
    plain = WorkCalendar()
    assert plain.working_days_between(D("2027-02-05"), D("2027-02-12")) == 5


@pytest.mark.django_db
def test_the_migration_seeds_the_national_calendar():
    calendar = calendar_for(None)
    assert calendar.holiday_name(D("2026-02-17")) == "春节"
    assert calendar.is_working_day(D("2026-02-28"))
    assert calendar.working_days_between(D("2026-02-13"), D("2026-02-27")) == 5
    # The seed is the package's calendar, every year it knows (2004–2026 in chinese-calendar 1.11).
    assert CalendarDay.objects.filter(jurisdiction=None).count() == len(list(national_days()))
    assert CalendarDay.objects.get(date=D("2026-02-14")).name == "春节调休"
    assert calendar.knows(2016) and not calendar.knows(2027)


def test_a_year_the_package_does_not_know_raises_with_a_clear_message():
    with pytest.raises(CalendarYearUnknown) as caught:
        list(national_days([2026, 2027]))
    assert "没有 2027 年" in caught.value.message and "节假日与调休" in caught.value.message
    assert caught.value.code == "calendar_year_unknown"


@pytest.mark.django_db
def test_calendar_seed_adds_a_year_and_keeps_the_offices_edits(capsys):
    CalendarDay.objects.filter(jurisdiction=None, date__year=2025).delete()
    CalendarDay.objects.create(date=D("2025-10-08"), kind=WORKDAY, name="本地更正")
    assert calendar_seed(years=[2025]) == len(list(national_days([2025]))) - 1
    assert CalendarDay.objects.get(date=D("2025-10-08")).name == "本地更正"
    assert calendar_seed(years=[2025]) == 0
    with pytest.raises(CommandError, match="没有 2027 年"):
        call_command("calendar_seed", "--year", "2027")
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    call_command("calendar_seed", "--year", "2024")
    assert "已导入 0 个" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_year_the_office_entered_and_a_local_day(district):
    """2027 is not seeded (the State Council publishes it in November): the office enters it, nationally,
    and a local holiday of its own district; another district keeps the national calendar."""
    # Dates the test invents as the office's entry; the count is what matters.
    for day in ("2027-02-08", "2027-02-09", "2027-02-10"):
        CalendarDay.objects.create(date=D(day), kind=HOLIDAY, name="春节")
    CalendarDay.objects.create(date=D("2027-02-13"), kind=WORKDAY, name="春节调休")
    CalendarDay.objects.create(jurisdiction=district, date=D("2027-02-11"), kind=HOLIDAY, name="区内假日")
    calendars = calendars_for([district.pk, None])
    national, local = calendars[None], calendars[district.pk]
    assert national.knows(2027)
    # (2027-02-05 Fri, 2027-02-15 Mon]: Mon–Fri 8..12 minus 3 holidays = 2, plus Sat 13 = 3, plus Mon 15 = 4.
    assert national.working_days_between(D("2027-02-05"), D("2027-02-15")) == 4
    assert local.working_days_between(D("2027-02-05"), D("2027-02-15")) == 3
    assert local.holiday_name(D("2027-02-11")) == "区内假日"
    assert local.add_working_days(D("2027-02-05"), 2) == D("2027-02-13")
