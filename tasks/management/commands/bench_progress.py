"""A city's year (11 districts × 300 tasks × 20 reports, evidence rows) and the server time of the pages
people open every day: 工作台, plan page, task list. Budget: each under 150 ms median on PostgreSQL."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from lawgov.models import Role, User
from plans.models import Plan
from tasks.benchdata import Shape, city_in_database
from tasks.benchtiming import time_get

BUDGET_MS = 150


class Command(BaseCommand):
    help = "性能测试:生成一个市一年的进展数据,测量工作台、规划页和任务列表的服务器耗时(中位数应低于150毫秒)。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--districts", type=int, default=11)
        parser.add_argument("--tasks-per-district", type=int, default=300)
        parser.add_argument("--reports-per-task", type=int, default=20)
        parser.add_argument("--smoke", action="store_true", help="冒烟模式:数据缩小到几十行,只检查命令能跑通(CI 使用)")

    def handle(self, *args, **opts):
        if opts.get("smoke"):  # a few rows: proves the command still runs, measures nothing
            opts["districts"] = 2
            opts["tasks_per_district"] = 30
            opts["reports_per_task"] = 3
            opts["runs"] = 2
        self.stdout.write(f"数据库:{connection.vendor} {connection.settings_dict.get('NAME')}")
        tasks = opts["districts"] * opts["tasks_per_district"]
        built = city_in_database(
            Shape(
                districts=opts["districts"],
                tasks=tasks,
                reports_per_task=opts["reports_per_task"],
                evidence_every=4,
                year=2026,
            ),
            log=lambda m: self.stdout.write("  " + m),
        )
        if built:
            self.stdout.write(
                f"生成:{built.tasks} 项任务,{built.assignments} 条分工,{built.reports} 条进展,"
                f"{built.evidence} 个佐证材料,用时 {built.seconds:.1f} 秒"
            )
        officer = User.objects.filter(role=Role.LEGAL_OFFICE).order_by("id").first()
        reporter = User.objects.filter(role=Role.REPORTER, unit__assignments__role="lead").order_by("id").first()
        plan = Plan.objects.filter(jurisdiction=officer.jurisdiction).order_by("-period_start", "id").first()
        results = []
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            as_reporter, as_officer = Client(), Client()
            as_reporter.force_login(reporter)
            as_officer.force_login(officer)
            runs = opts["runs"]
            results.append(time_get("工作台(单位填报员)", as_reporter, "/", runs=runs))
            results.append(time_get("工作台(法制办)", as_officer, "/", runs=runs))
            results.append(time_get("规划页(法制办,含完成率)", as_officer, f"/tasks/plans/{plan.pk}/", runs=runs))
            results.append(time_get("任务列表(法制办,第1页)", as_officer, "/tasks/", runs=runs))
            results.append(time_get("任务列表(逾期筛选)", as_officer, "/tasks/?status=overdue", runs=runs))
        self.stdout.write("")
        for timing in results:
            flag = "OK " if timing.median_ms < BUDGET_MS else "SLOW"
            self.stdout.write(f"{flag} {timing.line()}")
        self.stdout.write(f"预算:每页中位数 < {BUDGET_MS} ms")
