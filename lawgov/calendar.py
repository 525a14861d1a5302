"""The working-day calendar: weekends, statutory holidays and 调休 make-up workdays.

Deadlines and warning thresholds count working days (工作日), and "N个工作日内" in a document means N days on
this calendar, not N calendar days. The State Council publishes each year's holidays in November, so the
calendar is data (``tasks.models.CalendarDay``): the national days are seeded from the ``chinese-calendar``
package (by a migration, and by ``manage.py calendar_seed`` after the package is upgraded), and the legal office
enters a year the package does not know yet, or a local holiday of its jurisdiction, in the same table.

``WorkCalendar`` is pure (no database): the sweep loads it once per jurisdiction and computes 100,000 tasks'
warnings from it. ``calendar_for`` is the one place that reads it from the database.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

from lawgov.errors import DomainError

HOLIDAY = "holiday"
WORKDAY = "workday"

# The national calendar comes from the ``chinese-calendar`` package (the State Council notices, 2004 to the
# last year its release knows): no hand-typed dates. Its names are English; the pages say them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class CalendarYearUnknown(DomainError):
    """The package has no holidays for this year yet (the State Council publishes each November)."""

    def __init__(self, year: int) -> None:
        first, last = package_years()
        super().__init__(
            "calendar_year_unknown",
            f"chinese-calendar 程序包只有 {first}–{last} 年的节假日安排,没有 {year} 年的"
            f"(国务院办公厅每年11月发布下一年的安排)。请在「节假日与调休」中录入 {year} 年的放假和调休日期,"
            "或升级 chinese-calendar 后再导入。",
        )
        self.year = year


def package_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese-calendar`` knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def _chinese(name: str) -> str:
    return HOLIDAY_NAMES.get(name, name)


def national_days(years: Iterable[int] | None = None) -> Iterable[tuple[dt.date, str, str]]:
    """The dated exceptions of the national calendar as (date, kind, name), read from ``chinese-calendar``:
    holidays (weekend days inside a holiday period too, so a deadline on them is reported as on the holiday)
    and the weekend days worked in exchange (调休上班, named "春节调休").

    ``years`` defaults to every year the package knows; a year it does not know raises
    ``CalendarYearUnknown`` rather than returning a calendar of weekends that would look complete.
    """
    first, last = package_years()
    wanted = set(range(first, last + 1)) if years is None else set(years)
    for year in sorted(wanted):
        if not first <= year <= last:
            raise CalendarYearUnknown(year)
    for day, name in sorted(chinese_calendar.holidays.items()):
        if day.year in wanted:
            yield day, HOLIDAY, _chinese(name)
    for day, name in sorted(chinese_calendar.workdays.items()):
        if day.year in wanted:
            yield day, WORKDAY, f"{_chinese(name)}调休"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: Monday to Friday, minus ``holidays``, plus the weekend ``workdays`` (调休).

    ``known_years`` are the years whose holidays were entered; for another year only weekends are known,
    and ``knows`` says so, so that a page can warn that the count may be off.
    """

    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        # Sorted exceptions that change a weekday count: holidays on weekdays, workdays on weekends.
        object.__setattr__(self, "_off", sorted(d for d in self.holidays if d.weekday() < 5))
        object.__setattr__(self, "_on", sorted(d for d in self.workdays if d.weekday() >= 5))

    def knows(self, year: int) -> bool:
        return year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: dt.date) -> str:
        """The holiday a date falls on ("春节"), or "" (a plain weekend is not a holiday)."""
        return self.holidays.get(day, "")

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (start itself not counted): "N个工作日内" from
        ``start`` ends on this date. ``days=0`` is ``start`` itself, or the next working day if it is off;
        a negative count goes back."""
        step = 1 if days >= 0 else -1
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            return day
        left = abs(days)
        while left:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier).

        Arithmetic, not a walk over the days: the sweep calls this for every open task.
        """
        if end < start:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_upto(end) - _weekdays_upto(start)
        off = bisect.bisect_right(self._off, end) - bisect.bisect_right(self._off, start)
        on = bisect.bisect_right(self._on, end) - bisect.bisect_right(self._on, start)
        return weekdays - off + on


def _weekdays_upto(day: dt.date) -> int:
    """Monday-to-Friday days from an epoch Monday up to and including ``day``."""
    ordinal = day.toordinal() - dt.date(1, 1, 1).toordinal()  # 0001-01-01 is a Monday
    weeks, rest = divmod(ordinal + 1, 7)
    return weeks * 5 + min(rest, 5)


def build_calendar(rows: Iterable[tuple[dt.date, str, str]]) -> WorkCalendar:
    """A calendar from (date, kind, name) rows; later rows override earlier ones (local over national)."""
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for day, kind, name in rows:
        holidays.pop(day, None)
        workdays.pop(day, None)
        (holidays if kind == HOLIDAY else workdays)[day] = name
    years = frozenset(d.year for d in holidays) | frozenset(d.year for d in workdays)
    return WorkCalendar(holidays=holidays, workdays=workdays, known_years=years)
