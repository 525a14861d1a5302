"""Seed the national holidays and 调休 workdays from the ``chinese-calendar`` package (every year it knows).

The package, not hand-typed dates: the same source as ``manage.py calendar_seed``, which adds the years a newer
release of the package brings. Dates already in the table are left as they are (the office may have edited them).
"""

import chinese_calendar
from django.db import migrations

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("tasks", "CalendarDay")
    rows = [CalendarDay(date=d, kind="holiday", name=NAMES.get(n, n)) for d, n in chinese_calendar.holidays.items()]
    rows += [
        CalendarDay(date=d, kind="workday", name=f"{NAMES.get(n, n)}调休") for d, n in chinese_calendar.workdays.items()
    ]
    existing = set(CalendarDay.objects.filter(jurisdiction=None).values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for r in rows if r.date not in existing], batch_size=500)


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("tasks", "CalendarDay")
    CalendarDay.objects.filter(jurisdiction=None).delete()


class Migration(migrations.Migration):
    dependencies = [("tasks", "0004_calendar_warnings_sweep")]

    operations = [migrations.RunPython(seed, unseed)]
