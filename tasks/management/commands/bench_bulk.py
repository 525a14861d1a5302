"""Bulk work on the plan tree at city scale (issue 14): the server time of one bulk request that gives 3
units (a lead and two cooperating) and a deadline to 100 tasks, and of the unit picker's search over the
city's 616 units. Budgets: bulk request < 1 s, search < 100 ms (median), on PostgreSQL.

The data set is the city of ../shared/bench/CITY_DATASET.md (tasks.benchdata, which lives in the tasks app,
hence this command here), without progress reports: a bulk request never reads them. Each timed request
takes three units and 100 tasks of one plan where none of the three has a part yet, so every run really
writes 300 assignments, 300 history rows and 100 deadlines (nothing is "already there"), and the command
can be run again on the same database.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from lawgov.models import Role, Unit, UnitKind, User
from plans import unit_picker
from plans.models import Assignment, Plan, Task
from tasks.benchdata import Shape, city_in_database
from tasks.benchtiming import median_p95

BULK_BUDGET_MS = 1000
SEARCH_BUDGET_MS = 100
TASKS_PER_REQUEST = 100


class Command(BaseCommand):
    help = "性能测试:批量给100项任务指定3个单位和时限(应低于1秒),单位选择器搜索616个单位(应低于100毫秒)。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--districts", type=int, default=11)
        parser.add_argument("--tasks", type=int, default=100_000)
        parser.add_argument("--smoke", action="store_true", help="冒烟模式:数据缩小到几百行,只检查命令能跑通(CI 使用)")

    def handle(self, *args, **opts):
        if opts["smoke"]:
            opts.update(districts=2, tasks=1_200, runs=2)
        self.stdout.write(f"数据库:{connection.vendor} {connection.settings_dict.get('NAME')}")
        built = city_in_database(
            Shape(districts=opts["districts"], tasks=opts["tasks"], reports_per_task=0),
            log=lambda m: self.stdout.write("  " + m),
        )
        if built:
            self.stdout.write(
                f"生成:{built.units} 个单位,{built.tasks} 项任务,{built.assignments} 条分工,用时 {built.seconds:.1f} 秒"
            )
        officer = (
            User.objects.filter(role=Role.LEGAL_OFFICE, jurisdiction__kind=UnitKind.DISTRICT).order_by("id").first()
        )
        city = Unit.objects.get(kind=UnitKind.CITY)
        city_officer, _ = User.objects.get_or_create(
            username="fzb_city_bench", defaults={"role": Role.LEGAL_OFFICE, "jurisdiction": city}
        )
        plan = Plan.objects.filter(jurisdiction=officer.jurisdiction).order_by("id").first()
        units = list(Unit.objects.filter(jurisdiction=officer.jurisdiction).exclude(kind=UnitKind.GROUP).order_by("id"))
        runs = opts["runs"]
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            bulk = self._bench_bulk(officer, plan, units, runs)
            search = self._bench_search(city_officer, officer, runs)
        self.stdout.write("")
        for line in (*bulk, *search):
            self.stdout.write(line)
        self.stdout.write(f"预算:批量请求中位数 < {BULK_BUDGET_MS} ms;单位搜索中位数 < {SEARCH_BUDGET_MS} ms")

    def _bench_bulk(self, officer: User, plan: Plan, units: list[Unit], runs: int) -> list[str]:
        client = Client()
        client.force_login(officer)
        samples, queries = [], []
        for run in range(runs + 1):  # the first request warms the connection and the caches
            trio = [units[(run * 3 + k) % len(units)] for k in range(3)]
            busy = Assignment.objects.active().filter(unit__in=trio).values("clause__task_id")
            task_ids = list(
                Task.objects.active()
                .filter(plan=plan)
                .exclude(pk__in=busy)
                .order_by("position")
                .values_list("pk", flat=True)[:TASKS_PER_REQUEST]
            )
            if len(task_ids) < TASKS_PER_REQUEST and not run:
                self.stdout.write(f"  (规划只有 {len(task_ids)} 项可用任务)")
            data = {
                "tasks": task_ids,
                "lead": [trio[0].pk],
                "cooperating": [trio[1].pk, trio[2].pk],
                "deadline": "每年12月底前",
            }
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(f"/plans/{plan.pk}/bulk/", data)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                raise CommandError(f"批量请求失败:{response.status_code} {response.content[:300]!r}")
            added = Assignment.objects.active().filter(clause__task_id__in=task_ids, unit__in=trio).count()
            if added != 3 * len(task_ids):
                raise CommandError(f"批量请求只写入了 {added} 条分工(应为 {3 * len(task_ids)} 条)")
            if run:
                samples.append(elapsed)
                queries.append(len(captured))
        median, p95 = median_p95(samples)
        flag = "OK " if median < BULK_BUDGET_MS else "SLOW"
        return [
            f"{flag} 批量指定(3个单位×{TASKS_PER_REQUEST}项任务+时限)  median {median:7.1f} ms   p95 {p95:7.1f} ms   "
            f"{max(queries)} queries"
        ]

    def _bench_search(self, city_officer: User, officer: User, runs: int) -> list[str]:
        directory = unit_picker.picker_candidates(user=city_officer).count()
        everything = Unit.objects.active().count()
        lines = []
        unit_picker.pinyin_keys.cache_clear()
        client = Client()
        client.force_login(city_officer)
        started = time.perf_counter()
        client.get("/plans/units/search/", {"q": "sfj"})
        cold = (time.perf_counter() - started) * 1000
        for label, user, query in (
            (f"单位搜索(全市 {everything} 个单位,可选 {directory})", city_officer, "sfj"),
            ("单位搜索(全市,中文“司法”)", city_officer, "司法"),
            ("单位搜索(一个区)", officer, "sfj"),
        ):
            client.force_login(user)
            params = {"q": query}
            if user is officer:
                params["jurisdiction"] = officer.jurisdiction_id
            samples = []
            for _ in range(runs * 3):
                started = time.perf_counter()
                response = client.get("/plans/units/search/", params)
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200 or not response.json()["results"]:
                    raise CommandError(f"单位搜索没有结果:{response.status_code} {response.content[:200]!r}")
            median, p95 = median_p95(samples)
            flag = "OK " if median < SEARCH_BUDGET_MS else "SLOW"
            lines.append(f"{flag} {label:<28} median {median:7.1f} ms   p95 {p95:7.1f} ms")
        # Once per process (pypinyin's dictionaries load, every name is read once): shown, not budgeted.
        lines.append(f"--- 单位搜索(进程内首次:加载拼音词典)  {cold:7.1f} ms")
        return lines
