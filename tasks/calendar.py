"""The working-day calendar moved to the kernel (``lawgov.calendar``, its model ``lawgov.models.CalendarDay``)
so that plans can count "N个工作日内" too; these names stay importable from here for the tasks app."""

from lawgov.calendar import (  # noqa: F401
    HOLIDAY,
    HOLIDAY_NAMES,
    WORKDAY,
    CalendarYearUnknown,
    WorkCalendar,
    build_calendar,
    national_days,
    package_years,
)
