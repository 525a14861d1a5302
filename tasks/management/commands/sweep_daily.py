"""``manage.py sweep_daily``: run today's sweep now (``make run`` calls it at start-up; cron may too)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tasks.sweep import daily_sweep


class Command(BaseCommand):
    help = "运行每日巡检(逾期/预警/提醒/周报);当天已运行则跳过"

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        run = daily_sweep(today=today, trigger="command")
        if run is None:
            self.stdout.write(f"{today} 的每日巡检已运行过,跳过。")
            return
        parts = "、".join(f"{k}={v}" for k, v in run.result.items())
        self.stdout.write(f"{today} 每日巡检完成:{parts}")
