"""Seed the national holidays and 调休 workdays of 2024–2026 (State Council notices; tasks.calendar)."""

import datetime as dt

from django.db import migrations

# Frozen here, not imported: a migration must not change when tasks.calendar grows a year.
HOLIDAYS = {
    "元旦": [("2024-01-01", "2024-01-01"), ("2025-01-01", "2025-01-01"), ("2026-01-01", "2026-01-03")],
    "春节": [("2024-02-10", "2024-02-17"), ("2025-01-28", "2025-02-04"), ("2026-02-15", "2026-02-23")],
    "清明节": [("2024-04-04", "2024-04-06"), ("2025-04-04", "2025-04-06"), ("2026-04-04", "2026-04-06")],
    "劳动节": [("2024-05-01", "2024-05-05"), ("2025-05-01", "2025-05-05"), ("2026-05-01", "2026-05-05")],
    "端午节": [("2024-06-10", "2024-06-10"), ("2025-05-31", "2025-06-02"), ("2026-06-19", "2026-06-21")],
    "中秋节": [("2024-09-15", "2024-09-17"), ("2026-09-25", "2026-09-27")],
    "国庆节": [("2024-10-01", "2024-10-07"), ("2026-10-01", "2026-10-07")],
    "国庆节、中秋节": [("2025-10-01", "2025-10-08")],
}
WORKDAYS = [
    ("2024-02-04", "春节调休"),
    ("2024-02-18", "春节调休"),
    ("2024-04-07", "清明节调休"),
    ("2024-04-28", "劳动节调休"),
    ("2024-05-11", "劳动节调休"),
    ("2024-09-14", "中秋节调休"),
    ("2024-09-29", "国庆节调休"),
    ("2024-10-12", "国庆节调休"),
    ("2025-01-26", "春节调休"),
    ("2025-02-08", "春节调休"),
    ("2025-04-27", "劳动节调休"),
    ("2025-09-28", "国庆节调休"),
    ("2025-10-11", "国庆节调休"),
    ("2026-01-04", "元旦调休"),
    ("2026-02-14", "春节调休"),
    ("2026-02-28", "春节调休"),
    ("2026-05-09", "劳动节调休"),
    ("2026-09-20", "国庆节调休"),
    ("2026-10-10", "国庆节调休"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("tasks", "CalendarDay")
    rows = []
    for name, periods in HOLIDAYS.items():
        for first, last in periods:
            day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            while day <= end:
                rows.append(CalendarDay(date=day, kind="holiday", name=name))
                day += dt.timedelta(days=1)
    rows += [CalendarDay(date=dt.date.fromisoformat(d), kind="workday", name=n) for d, n in WORKDAYS]
    existing = set(CalendarDay.objects.filter(jurisdiction=None).values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing])


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("tasks", "CalendarDay")
    CalendarDay.objects.filter(jurisdiction=None, date__year__in=[2024, 2025, 2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("tasks", "0004_calendar_warnings_sweep")]

    operations = [migrations.RunPython(seed, unseed)]
