"""The daily sweep at city scale (../shared/bench/CITY_DATASET.md): its wall time and peak memory.

Three runs over the same data: the first day (every assignment is new to 交办, every warning is computed for the
first time, every red task is due for its automatic 催办), the same day again with the day's lock removed (it must
send nothing: the sweep is idempotent), and the next day (a day like any other). Each prints its wall time, each
step's share, and the process's peak memory, with the budgets beside them: < 60 s, and memory that does not grow
with the data (the sweep reads in chunks).

The first run is measured from a clean slate: the sweep's own tables (交办, warnings, 催办, notifications and the
runs) are emptied before it. So it runs only on a database holding the benchmark's data set and nothing else.
"""

from __future__ import annotations

import datetime as dt
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from lawgov.models import Notification
from tasks.benchdata import Shape, city_in_database
from tasks.models import Reminder, SweepRun, TaskSignature, TaskWarning
from tasks.sweep import daily_sweep

BUDGET_SECONDS = 60
BUDGET_MB = 300
# What a second run on the same day may report as nonzero: it re-reads every open task, and changes nothing.
READ_ONLY_COUNTS = {"warnings_checked", "seconds"}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _sent(result: dict) -> dict:
    """The counts of things a run created or sent (the hooks' included), for the idempotence check."""
    counts: dict = {}
    for key, value in result.items():
        if key in READ_ONLY_COUNTS:
            continue
        if isinstance(value, dict):  # the hooks' counts, the weekly digests' {"reporters": n, "leaders": n}
            prefix = "hook" if key == "daily_hooks" else key
            counts.update({f"{prefix}:{k}": v for k, v in value.items()})
        else:
            counts[key] = value
    return counts


STEPS = ["deadlines", "assignments", "warnings", "auto_urge", "reminders", "digest", "hooks"]


def _step_order(item: tuple[str, float]) -> int:
    return STEPS.index(item[0]) if item[0] in STEPS else len(STEPS)


class Command(BaseCommand):
    help = "每日巡检性能测试:在全市规模数据(10万任务、约85万条进展、616个单位)上运行每日巡检,打印耗时和内存峰值。"

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=100_000)
        parser.add_argument("--smoke", action="store_true", help="冒烟模式:数据缩小到几百行,只检查命令能跑通(CI 使用)")

    def handle(self, *args, **opts):
        if opts.get("smoke"):  # a few rows: proves the command still runs, measures nothing
            opts["tasks"] = 600
        if connection.vendor != "postgresql":
            raise CommandError("bench_sweep 需要 PostgreSQL(设置 DATABASE_URL),见 make bench-sweep。")
        self.stdout.write(f"数据库:{connection.settings_dict['NAME']}")
        built = city_in_database(Shape(tasks=opts["tasks"]), log=lambda m: self.stdout.write("  " + m))
        if built:
            self.stdout.write(
                f"生成:{built.units} 个单位,{built.tasks} 项任务,{built.assignments} 条分工,"
                f"{built.reports} 条进展,用时 {built.seconds:.0f} 秒"
            )
        # A clean slate for the first day: the sweep's own tables, nothing of the data set.
        with connection.cursor() as cursor:
            tables = [m._meta.db_table for m in (SweepRun, Reminder, TaskSignature, TaskWarning, Notification)]
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        today = timezone.localdate()
        baseline = _peak_mb()
        self.stdout.write(f"进程内存(巡检前):{baseline:.0f} MB")
        slow = False
        runs = [
            ("第一天(首次交办、预警、自动催办)", today, False),
            ("同一天再运行(应什么也不发)", today, True),
            ("第二天", today + dt.timedelta(days=1), False),
        ]
        for name, day, again in runs:
            if again:
                SweepRun.objects.filter(day=day).delete()  # the day's lock, so that the work itself runs again
            started = time.perf_counter()
            with override_settings(DEBUG=False):  # as in production: DEBUG keeps every query's SQL text
                run = daily_sweep(today=day, trigger="bench")
            seconds = time.perf_counter() - started
            if run is None or run.error:
                raise CommandError(f"{name}:巡检没有完成:{run and run.error}")
            peak = _peak_mb()
            result = dict(run.result)
            steps = "、".join(f"{k} {v:.1f}s" for k, v in sorted(result.get("seconds", {}).items(), key=_step_order))
            counts = "、".join(f"{k}={v}" for k, v in _sent(result).items())
            ok = seconds < BUDGET_SECONDS and peak < BUDGET_MB
            slow |= not ok
            self.stdout.write(
                f"{'OK ' if ok else 'SLOW'} {name}:用时 {seconds:.1f} 秒(预算 {BUDGET_SECONDS} 秒),"
                f"进程内存峰值 {peak:.0f} MB(预算 {BUDGET_MB} MB)"
            )
            self.stdout.write(f"     各步:{steps}")
            self.stdout.write(f"     结果:{counts}")
            if again:
                repeated = {k: v for k, v in _sent(result).items() if v}
                if repeated:
                    raise CommandError(f"同一天第二次运行又发送或修改了:{repeated}(巡检应幂等)")
        self.stdout.write(
            f"通知 {Notification.objects.count()} 条,催办记录 {Reminder.objects.count()} 条,"
            f"交办 {TaskSignature.objects.count()} 条,预警 {TaskWarning.objects.count()} 条"
        )
        self.stdout.write(f"预算:每次巡检 < {BUDGET_SECONDS} 秒,进程内存峰值 < {BUDGET_MB} MB")
        if slow and not opts.get("smoke"):
            self.stdout.write("超出预算。")
