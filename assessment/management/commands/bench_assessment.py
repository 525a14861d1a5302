"""Score and rank a whole cycle (300 units × 30 items with their rules) and time the review queue and
ranking pages. Budget: scoring + ranking under 1 s; the pages' query counts do not grow with units.

The data are built inside a transaction that is rolled back at the end: the command can run against any
database, the demo one included, and leaves nothing behind.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from assessment import scoring, selectors, services
from assessment.benchdata import cycle_build
from assessment.models import Rule
from lawgov.models import SYSTEM, Role, User
from tasks.benchtiming import time_call, time_get

SCORING_BUDGET_MS = 1000


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "性能测试:生成300个单位×30个评分项的考核,测量整轮评分与排名耗时(应低于1秒)及审核队列、排名页的耗时与查询数。"

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=300)
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--smoke", action="store_true", help="冒烟模式:数据缩小到几十行,只检查命令能跑通(CI 使用)")

    def handle(self, *args, **opts):
        if opts.get("smoke"):  # a few rows: proves the command still runs, measures nothing
            opts["units"] = 12
            opts["runs"] = 2
        self.stdout.write(f"数据库:{connection.vendor} {connection.settings_dict.get('NAME')}")
        try:
            with transaction.atomic():
                self._run(opts)
                raise _Rollback
        except _Rollback:
            self.stdout.write("(基准数据已回滚,数据库未改变)")

    def _run(self, opts):
        built = cycle_build(units=opts["units"])
        cycle = built.cycle
        self.stdout.write(f"生成:{built.units} 个单位 × {built.items} 个评分项,用时 {built.seconds:.1f} 秒")
        rules = Rule.objects.filter(rubric_id__in=[cycle.department_rubric_id, cycle.township_rubric_id]).count()
        runs = opts["runs"]
        after = dt.date(cycle.year + 1, 1, 5)  # the window has closed: the drafts read as 未提交

        def batch_and_rank() -> None:
            """按未提交处理 for every unit that never submitted, then score and rank the cycle; rolled back."""
            point = transaction.savepoint()
            services.unsubmitted_batch_review(cycle=cycle, by=SYSTEM, today=after)
            selectors.rank_cycle(cycle=cycle)
            transaction.savepoint_rollback(point)

        pending = len(selectors.unsubmitted_unreviewed(cycle=cycle, today=after))
        results = [
            time_call("整轮评分与排名(读库+计算)", lambda: selectors.rank_cycle(cycle=cycle), runs=runs, warmup=1),
            time_call(f"按未提交处理{pending}个单位+整轮评分与排名", batch_and_rank, runs=runs, warmup=1),
        ]
        board = selectors.cycle_scoreboard(cycle=cycle)
        entries = [(e.submission_id, e.total.final if e.total else None) for e in board.values()]
        results.append(time_call("排名(纯计算)", lambda: scoring.rank(entries), runs=runs, warmup=1))
        officer = User.objects.create_user(
            username="bench_assessment_officer", role=Role.LEGAL_OFFICE, jurisdiction=cycle.jurisdiction
        )
        leader = User.objects.create_user(
            username="bench_assessment_leader", role=Role.LEADER, jurisdiction=cycle.jurisdiction
        )
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            as_officer, as_leader = Client(), Client()
            as_officer.force_login(officer)
            as_leader.force_login(leader)
            pages = [
                time_get("审核队列页(法制办)", as_officer, f"/assessment/cycles/{cycle.pk}/queue/", runs=runs),
                time_get("排名页(法制办)", as_officer, f"/assessment/cycles/{cycle.pk}/ranking/", runs=runs),
                time_get("排名页(领导)", as_leader, f"/assessment/cycles/{cycle.pk}/ranking/", runs=runs),
            ]
        started = time.perf_counter()
        batch_and_rank()
        once_ms = (time.perf_counter() - started) * 1000
        self.stdout.write("")
        self.stdout.write(f"评分规则 {rules} 条(两份细则),评分项得分 {built.units * built.items} 条")
        for timing in results:
            flag = "OK " if timing.median_ms < SCORING_BUDGET_MS else "SLOW"
            self.stdout.write(f"{flag} {timing.line()}")
        for timing in pages:
            self.stdout.write(f"    {timing.line()}")
        flag = "OK" if once_ms < SCORING_BUDGET_MS else "SLOW"
        self.stdout.write(
            f"{flag} {built.units}个单位按未提交处理+整轮评分+排名单次:{once_ms:.0f} ms(预算 < {SCORING_BUDGET_MS} ms);"
            f"审核队列页 {pages[0].queries} 次查询,排名页 {pages[1].queries} 次查询(与单位数无关)"
        )
