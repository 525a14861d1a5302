"""The working-day calendar: weekends, statutory holidays and 调休 make-up workdays.

Deadlines and warning thresholds count working days (工作日), and "N个工作日内" in a document means N days on
this calendar, not N calendar days. The State Council publishes each year's holidays in November, so the
calendar is data (``tasks.models.CalendarDay``): the national days below are seeded by a migration, and the
legal office enters a year the seed does not know yet, or a local holiday of its jurisdiction.

``WorkCalendar`` is pure (no database): the sweep loads it once per jurisdiction and computes 100,000 tasks'
warnings from it. ``calendar_for`` is the one place that reads it from the database.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

HOLIDAY = "holiday"
WORKDAY = "workday"

# The national calendar, from the State Council notices (国务院办公厅关于20XX年部分节假日安排的通知):
# (first day, last day, name) of each holiday period, and the weekend days worked in exchange (调休上班).
# Weekend days inside a period are listed too: a deadline on them is reported as falling on the holiday.
NATIONAL_HOLIDAYS: dict[int, list[tuple[str, str, str]]] = {
    2024: [
        ("2024-01-01", "2024-01-01", "元旦"),
        ("2024-02-10", "2024-02-17", "春节"),
        ("2024-04-04", "2024-04-06", "清明节"),
        ("2024-05-01", "2024-05-05", "劳动节"),
        ("2024-06-10", "2024-06-10", "端午节"),
        ("2024-09-15", "2024-09-17", "中秋节"),
        ("2024-10-01", "2024-10-07", "国庆节"),
    ],
    2025: [
        ("2025-01-01", "2025-01-01", "元旦"),
        ("2025-01-28", "2025-02-04", "春节"),
        ("2025-04-04", "2025-04-06", "清明节"),
        ("2025-05-01", "2025-05-05", "劳动节"),
        ("2025-05-31", "2025-06-02", "端午节"),
        ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    ],
    2026: [
        ("2026-01-01", "2026-01-03", "元旦"),
        ("2026-02-15", "2026-02-23", "春节"),
        ("2026-04-04", "2026-04-06", "清明节"),
        ("2026-05-01", "2026-05-05", "劳动节"),
        ("2026-06-19", "2026-06-21", "端午节"),
        ("2026-09-25", "2026-09-27", "中秋节"),
        ("2026-10-01", "2026-10-07", "国庆节"),
    ],
}
NATIONAL_WORKDAYS: dict[int, list[tuple[str, str]]] = {
    2024: [
        ("2024-02-04", "春节调休"),
        ("2024-02-18", "春节调休"),
        ("2024-04-07", "清明节调休"),
        ("2024-04-28", "劳动节调休"),
        ("2024-05-11", "劳动节调休"),
        ("2024-09-14", "中秋节调休"),
        ("2024-09-29", "国庆节调休"),
        ("2024-10-12", "国庆节调休"),
    ],
    2025: [
        ("2025-01-26", "春节调休"),
        ("2025-02-08", "春节调休"),
        ("2025-04-27", "劳动节调休"),
        ("2025-09-28", "国庆节调休"),
        ("2025-10-11", "国庆节调休"),
    ],
    2026: [
        ("2026-01-04", "元旦调休"),
        ("2026-02-14", "春节调休"),
        ("2026-02-28", "春节调休"),
        ("2026-05-09", "劳动节调休"),
        ("2026-09-20", "国庆节调休"),
        ("2026-10-10", "国庆节调休"),
    ],
}


def national_days() -> Iterable[tuple[dt.date, str, str]]:
    """Every dated exception of the national calendar as (date, kind, name): what the seed migration stores."""
    for periods in NATIONAL_HOLIDAYS.values():
        for first, last, name in periods:
            day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            while day <= end:
                yield day, HOLIDAY, name
                day += dt.timedelta(days=1)
    for days in NATIONAL_WORKDAYS.values():
        for when, name in days:
            yield dt.date.fromisoformat(when), WORKDAY, name


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
