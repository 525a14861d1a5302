"""``manage.py calendar_seed --year 2027``: add a year's national holidays from the ``chinese-calendar`` package.

After ``pip install -U chinese-calendar`` brings a new year (the State Council publishes it each November). For
a year the package does not know yet, the command says so and the legal office enters it in 节假日与调休.
"""

from django.core.management.base import BaseCommand, CommandError

from lawgov.calendar import CalendarYearUnknown
from tasks.services import calendar_seed


class Command(BaseCommand):
    help = "从 chinese-calendar 程序包导入全国节假日与调休(已有日期保留)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, action="append", required=True, help="年份,可重复")

    def handle(self, *args, **options) -> None:
        try:
            added = calendar_seed(years=options["year"])
        except CalendarYearUnknown as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已导入 {added} 个节假日/调休日期。")
