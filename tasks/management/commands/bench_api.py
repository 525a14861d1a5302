"""The API at city scale (../shared/bench/CITY_DATASET.md): lawgov's server time beside the floor.

For each of the dataset's three queries it prints lawgov's median and p95 server time (the request run
in-process through the whole middleware, token auth, filtering and serialisation) beside the floor: the
same rows fetched with hand-written SQL and encoded to JSON in the same process. The two are timed in
alternation, so that noise on the machine weighs on both alike. Then the dashboard's
time, and requests per second for the task list under 32 concurrent clients against gunicorn.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from lawgov.models import Role, User
from lawgov.services import api_token_issue
from plans.models import Assignment, Plan, Task
from tasks.benchdata import Shape, city_in_database
from tasks.benchtiming import get_call, time_get, time_pair
from tasks.models import ReportStatus, SweepRun
from tasks.sweep import daily_sweep

OPEN = "status=not_started&status=in_progress&status=overdue"


def _floor_rows(cursor, where: str, params: list, order_limit: str, *, one: bool = False) -> list[dict]:
    """Hand-written SQL for the same rows the API returns, as tightly as one would write it by hand: the
    tasks; their clauses with units, deadlines (and for one task its targets) in one UNION ALL; then the
    latest submitted report of each task, or for one task all its reports (the latest being the first)."""
    cursor.execute(
        f"""
        SELECT t.id, t.plan_id, p.title, t.section_id, s.label, s.title, s.path, t.number, t.path, t.heading,
               t.text, t.due_on, t.updated_at, tp.completed_on, tp.last_report_on, tw.level, tw.reason
        FROM plans_task t
        JOIN plans_plan p ON p.id = t.plan_id
        LEFT JOIN plans_section s ON s.id = t.section_id
        LEFT JOIN tasks_taskprogress tp ON tp.task_id = t.id
        LEFT JOIN tasks_taskwarning tw ON tw.task_id = t.id
        WHERE t.deleted_at IS NULL AND {where}
        {order_limit}
        """,
        params,
    )
    tasks = {}
    order = []
    for r in cursor.fetchall():
        order.append(r[0])
        tasks[r[0]] = {
            "id": r[0],
            "plan": {"id": r[1], "title": r[2]},
            "section": {"id": r[3], "label": r[4], "title": r[5], "path": r[6]} if r[3] else None,
            "number": r[7],
            "path": r[8],
            "heading": r[9],
            "text": r[10],
            "due_on": r[11].isoformat() if r[11] else None,
            "updated_at": r[12].isoformat(),
            "completed_on": r[13].isoformat() if r[13] else None,
            "warning": r[15] or "none",
            "warning_reason": r[16] or "",
            "clauses": {},
            "deadlines": [],
            "signatures": [],
            "extensions": [],
            "latest_progress": None,
        }
        if one:
            tasks[r[0]]["targets"] = []
    if not order:
        return []
    targets = (
        """UNION ALL SELECT 2, task_id, id, 0, 0, id, text, NULL, NULL, NULL, measure, NULL, NULL, value, period
        FROM plans_target WHERE task_id = ANY(%(ids)s)"""
        if one
        else ""
    )
    cursor.execute(
        f"""
        SELECT 0, c.task_id, c.position, a.position, a.id, c.id, c.text, a.unit_id, u.name, a.role, a.printed_name,
               NULL::date, NULL::jsonb, NULL::numeric, NULL::text
        FROM plans_clause c
        LEFT JOIN plans_assignment a ON a.clause_id = c.id AND a.deleted_at IS NULL
        LEFT JOIN lawgov_unit u ON u.id = a.unit_id
        WHERE c.task_id = ANY(%(ids)s)
        UNION ALL SELECT 1, task_id, id, 0, 0, id, text, NULL, NULL, NULL, NULL, due_on, recurrence, NULL, NULL
        FROM plans_deadline WHERE task_id = ANY(%(ids)s)
        UNION ALL SELECT 3, s.task_id, 0, 0, s.id, s.id, NULL, s.unit_id, u.name, NULL, NULL, NULL, NULL, NULL,
               s.assigned_at::text || '|' || COALESCE(s.signed_at::text, '')
        FROM tasks_tasksignature s JOIN lawgov_unit u ON u.id = s.unit_id
        WHERE s.task_id = ANY(%(ids)s) AND u.kind <> 'group'
        UNION ALL SELECT 4, e.task_id, 0, 0, e.id, e.id, e.reason, e.unit_id, u.name, e.status, e.comment,
               e.old_due_on, NULL, NULL, e.new_due_on::text
        FROM tasks_extensionrequest e JOIN lawgov_unit u ON u.id = e.unit_id WHERE e.task_id = ANY(%(ids)s)
        {targets}
        ORDER BY 1, 2, 3, 4, 5
        """,
        {"ids": order},
    )
    for (
        part,
        task_id,
        position,
        _,
        _,
        row_id,
        text,
        unit_id,
        name,
        role,
        label,
        due_on,
        rule,
        value,
        period,
    ) in cursor.fetchall():
        if part == 0:
            clause = tasks[task_id]["clauses"].setdefault(
                row_id, {"id": row_id, "position": position, "text": text, "units": []}
            )
            if unit_id:
                clause["units"].append({"id": unit_id, "name": name, "role": role, "printed_name": label})
        elif part == 3:
            assigned, signed = period.split("|")
            tasks[task_id]["signatures"].append(
                {"unit": {"id": unit_id, "name": name}, "assigned_at": assigned, "signed_at": signed or None}
            )
        elif part == 4:
            tasks[task_id]["extensions"].append(
                {
                    "unit": {"id": unit_id, "name": name},
                    "reason": text,
                    "old_due_on": due_on.isoformat(),
                    "new_due_on": period,
                    "status": role,
                    "comment": label,
                }
            )
        elif part == 1:
            tasks[task_id]["deadlines"].append(
                {"text": text, "due_on": due_on.isoformat() if due_on else None, "recurrence": rule}
            )
        else:
            tasks[task_id]["targets"].append(
                {"text": text, "value": float(value) if value is not None else None, "measure": label, "period": period}
            )
    if one:
        cursor.execute(
            "SELECT r.id, r.unit_id, u.name, r.reported_on, r.text, r.percent, r.status FROM "
            "tasks_progressreport r JOIN lawgov_unit u ON u.id = r.unit_id WHERE r.task_id = %s AND "
            "r.deleted_at IS NULL AND r.status <> 'draft' ORDER BY r.reported_on DESC, r.id DESC",
            [order[0]],
        )
        reports = [
            {
                "id": r[0],
                "unit": {"id": r[1], "name": r[2]},
                "reported_on": r[3].isoformat(),
                "text": r[4],
                "percent": r[5],
                "status": r[6],
            }
            for r in cursor.fetchall()
        ]
        tasks[order[0]]["progress_reports"] = reports
        tasks[order[0]]["latest_progress"] = reports[0] if reports else None
    else:
        cursor.execute(
            """
            SELECT DISTINCT ON (r.task_id) r.task_id, r.id, r.unit_id, u.name, r.reported_on, r.text, r.percent,
                   r.status
            FROM tasks_progressreport r JOIN lawgov_unit u ON u.id = r.unit_id
            WHERE r.task_id = ANY(%s) AND r.deleted_at IS NULL AND r.status <> 'draft'
            ORDER BY r.task_id, r.reported_on DESC, r.id DESC
            """,
            [order],
        )
        for task_id, rid, unit_id, name, day, text, percent, status in cursor.fetchall():
            tasks[task_id]["latest_progress"] = {
                "id": rid,
                "unit": {"id": unit_id, "name": name},
                "reported_on": day.isoformat(),
                "text": text,
                "percent": percent,
                "status": status,
            }
    result = []
    for task_id in order:
        task = tasks[task_id]
        task["clauses"] = list(task["clauses"].values())
        result.append(task)
    return result


def _same_rows(name: str, api_rows: list[dict], floor_rows: list[dict]) -> None:
    """The floor must fetch what the API returns, or the ratio means nothing: same tasks in the same order,
    same clauses and units, deadlines, targets, latest report and reports."""

    def shape(task: dict) -> tuple:
        return (
            task["id"],
            [(c["id"], [(u["id"], u["role"]) for u in c["units"]]) for c in task["clauses"]],
            task["deadlines"],
            task.get("targets"),
            task["warning"],
            [s["unit"]["id"] for s in task["signatures"]],
            [(e["unit"]["id"], e["status"]) for e in task["extensions"]],
            (task["latest_progress"] or {}).get("id"),
            [r["id"] for r in task.get("progress_reports", [])],
        )

    if [shape(t) for t in api_rows] != [shape(t) for t in floor_rows]:
        raise CommandError(f"查询 {name}:手写SQL与接口返回的数据不一致,比较无效。")


class Command(BaseCommand):
    help = "接口性能测试:生成全市规模数据(10万任务、约100万条进展),比较接口耗时与手写SQL下限,并测驾驶舱和并发吞吐。"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=40)
        parser.add_argument("--tasks", type=int, default=100_000)
        parser.add_argument("--skip-load", action="store_true", help="不做并发吞吐测试")
        parser.add_argument("--load-seconds", type=int, default=10)
        parser.add_argument("--smoke", action="store_true", help="冒烟模式:数据缩小到几十行,只检查命令能跑通(CI 使用)")

    def handle(self, *args, **opts):
        if opts.get("smoke"):  # a few rows: proves the command still runs, measures nothing
            opts["tasks"] = 600
            opts["runs"] = 2
            opts["skip_load"] = True
        if connection.vendor != "postgresql":
            raise CommandError("bench_api 需要 PostgreSQL(设置 DATABASE_URL),见 make bench-api。")
        self.stdout.write(f"数据库:{connection.settings_dict['NAME']}")
        built = city_in_database(Shape(tasks=opts["tasks"]), log=lambda m: self.stdout.write("  " + m))
        if built:
            self.stdout.write(
                f"生成:{built.districts} 个区,{built.units} 个单位,{built.plans} 个规划,{built.tasks} 项任务,"
                f"{built.assignments} 条分工,{built.reports} 条进展,用时 {built.seconds:.0f} 秒"
            )
        # The daily sweep over the whole data set (deadline rolls, 交办, warnings, automatic 催办, reminders, the
        # weekly digest), as beat runs it: timed once a day, with the process's peak memory (the warnings go in
        # chunks of 2,000 tasks, so it must not grow with the data). It also stores the warnings the filter reads.
        today = timezone.localdate()
        if not SweepRun.objects.filter(day=today).exists():
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            run = daily_sweep(today=today, trigger="bench")
            seconds = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            parts = "、".join(f"{k}={v}" for k, v in run.result.items())
            self.stdout.write(
                f"每日巡检:{Task.objects.count()} 项任务,用时 {seconds:.1f} 秒(预算 60 秒),"
                f"进程内存峰值 {rss / 1024:.0f} MB(巡检前 {rss_before / 1024:.0f} MB);{parts}"
            )
        else:
            self.stdout.write(f"每日巡检:{today} 已运行过(同一天只运行一次),未重复计时。")
        # The benchmark measures the server, not the throttle.
        UserRateThrottle.THROTTLE_RATES = AnonRateThrottle.THROTTLE_RATES = {"user": None, "anon": None}
        client_user = User.objects.filter(role=Role.API_CLIENT).order_by("id").first()
        token = api_token_issue(user=client_user).key
        district = client_user.jurisdiction
        plan = Plan.objects.filter(jurisdiction=district).order_by("id").first()
        # The unit leading most tasks of that plan: the dataset's "one plan + one lead unit" (≈27 rows).
        lead = (
            Assignment.objects.filter(role="lead", clause__task__plan=plan)
            .values("unit_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()["unit_id"]
        )
        # "One task with its progress reports (10 of them)": the first task of the plan with ten visible reports.
        shown = Q(progress_reports__deleted_at=None) & ~Q(progress_reports__status=ReportStatus.DRAFT)
        with_reports = Task.objects.filter(plan=plan).annotate(n=Count("progress_reports", filter=shown))
        # A smoke-sized plan may have no task with exactly ten: then the one with the most.
        task = with_reports.filter(n=10).order_by("id").first() or with_reports.order_by("-n", "id").first()
        auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
        api = Client()
        runs = opts["runs"]
        queries = [
            (
                "1 规划+牵头单位,未完成",
                f"/api/v1/tasks/?plan={plan.pk}&unit={lead}&role=lead&{OPEN}&page_size=100",
                "t.plan_id = %s AND p.jurisdiction_id = %s AND (tp.completed_on IS NULL) AND EXISTS (SELECT 1 FROM "
                "plans_assignment a JOIN plans_clause c ON c.id = a.clause_id WHERE c.task_id = t.id AND "
                "a.unit_id = %s AND a.role = 'lead' AND a.deleted_at IS NULL)",
                [plan.pk, district.pk, lead],
                "ORDER BY t.due_on, t.id LIMIT 100",
            ),
            (
                "2a 牵头单位,按时限排序,前100",
                f"/api/v1/tasks/?unit={lead}&role=lead&ordering=due_on&page_size=100",
                "p.jurisdiction_id = %s AND EXISTS (SELECT 1 FROM plans_assignment a JOIN plans_clause c ON "
                "c.id = a.clause_id WHERE c.task_id = t.id AND a.unit_id = %s AND a.role = 'lead' AND "
                "a.deleted_at IS NULL)",
                [district.pk, lead],
                "ORDER BY t.due_on, t.id LIMIT 100",
            ),
            (
                "2b 任一分工,按时限排序,前100",
                f"/api/v1/tasks/?unit={lead}&ordering=due_on&page_size=100",
                "p.jurisdiction_id = %s AND EXISTS (SELECT 1 FROM plans_assignment a JOIN plans_clause c ON "
                "c.id = a.clause_id WHERE c.task_id = t.id AND a.unit_id = %s AND a.deleted_at IS NULL)",
                [district.pk, lead],
                "ORDER BY t.due_on, t.id LIMIT 100",
            ),
            (
                "4 红黄预警,按时限排序,前100",
                "/api/v1/tasks/?warning=red&warning=yellow&ordering=due_on&page_size=100",
                "p.jurisdiction_id = %s AND tw.level IN ('red', 'yellow')",
                [district.pk],
                "ORDER BY t.due_on, t.id LIMIT 100",
            ),
        ]
        lines = []
        with override_settings(ALLOWED_HOSTS=["testserver", "127.0.0.1"], DEBUG=False):
            for name, url, where, params, order in queries:
                with connection.cursor() as cursor:
                    timing, floor = time_pair(
                        (name, get_call(api, url, **auth)),
                        (
                            "floor",
                            lambda w=where, p=params, o=order, c=cursor: json.dumps(
                                _floor_rows(c, w, p, o), ensure_ascii=False
                            ),
                        ),
                        runs=runs,
                    )
                body = api.get(url, **auth).json()
                with connection.cursor() as cursor:
                    _same_rows(name, body["results"], _floor_rows(cursor, where, params, order))
                lines.append((timing, floor, f"{body['count']} 行"))
            # 3: one task with its progress reports.
            url = f"/api/v1/tasks/{task.pk}/"

            def floor_task():
                with connection.cursor() as cursor:
                    rows = _floor_rows(cursor, "t.id = %s", [task.pk], "", one=True)
                    return json.dumps(rows[0], ensure_ascii=False)

            timing, floor = time_pair(
                ("3 单个任务及其进展", get_call(api, url, **auth)), ("floor", floor_task), runs=runs
            )
            body = api.get(url, **auth).json()
            with connection.cursor() as cursor:
                _same_rows("3", [body], _floor_rows(cursor, "t.id = %s", [task.pk], "", one=True))
            lines.append((timing, floor, f"{len(body['progress_reports'])} 条进展"))
            leader = User.objects.filter(role=Role.LEADER, jurisdiction=district).first()
            browser = Client()
            browser.force_login(leader)
            dashboard = time_get("驾驶舱(区领导)", browser, "/dashboard/", runs=max(10, runs // 2))
            # Issue 16: the 驾驶舱 as a leader filters it, a five-year plan in its last full year (the year's tasks
            # and the earlier ones still open, carried over).
            five_year = Plan.objects.filter(jurisdiction=district).order_by("-period_end", "period_start").first()
            scoped_url = f"/dashboard/?plan={five_year.pk}&year={(five_year.period_end or today.year) - 1}"
            scoped = time_get("驾驶舱(区领导,规划+年度)", browser, scoped_url, runs=max(10, runs // 2))
        self.stdout.write("")
        self.stdout.write(
            f"{'查询':<30}{'lawgov 中位数':>14}{'p95':>10}{'下限 中位数':>14}{'p95':>10}{'倍数':>8}  查询数"
        )
        for timing, floor, rows in lines:
            ratio = timing.median_ms / floor.median_ms if floor.median_ms else 0
            flag = "OK " if ratio <= 3 else "SLOW"
            self.stdout.write(
                f"{flag} {timing.name:<26}{timing.median_ms:11.1f} ms{timing.p95_ms:7.1f} ms"
                f"{floor.median_ms:11.1f} ms{floor.p95_ms:7.1f} ms{ratio:8.2f}  {timing.queries:3d}  {rows}"
            )
        for timing in (dashboard, scoped):
            flag = "OK " if timing.median_ms < 300 else "SLOW"
            self.stdout.write(f"{flag} {timing.line()}  (预算 300 ms)")
        self.stdout.write("预算:每个查询不超过下限的 3 倍")
        if not opts["skip_load"]:
            self._load(queries[1][1], token, opts["load_seconds"])

    def _load(self, path: str, token: str, seconds: int) -> None:
        """Requests per second for the task list with 32 concurrent clients against gunicorn (4 workers)."""
        wrk = shutil.which("wrk")
        if not wrk:
            self.stdout.write("(未安装 wrk,跳过并发测试:apt-get install wrk)")
            return
        with socket.socket() as probe:  # a free port, so a left-over server never answers instead
            probe.bind(("127.0.0.1", 0))
            port = str(probe.getsockname()[1])
        env = {
            **os.environ,
            "LAWGOV_ENV": "production",
            "LAWGOV_SECRET_KEY": "bench-" + "x" * 60,
            "LAWGOV_ALLOWED_HOSTS": "127.0.0.1",
            "LAWGOV_SSL_REDIRECT": "0",
            "LAWGOV_API_RATE": "1000000/min",
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        }
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "lawgov.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
        )
        try:
            time.sleep(4)
            result = subprocess.run(
                [
                    wrk,
                    "-t4",
                    "-c32",
                    f"-d{seconds}s",
                    "--latency",
                    "-H",
                    f"Authorization: Token {token}",
                    f"http://127.0.0.1:{port}{path}",
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
            )
            rps = next((line for line in result.stdout.splitlines() if "Requests/sec" in line), "?")
            p50 = next((line.strip() for line in result.stdout.splitlines() if line.strip().startswith("50%")), "")
            non2xx = next((line.strip() for line in result.stdout.splitlines() if "Non-2xx" in line), "")
            self.stdout.write(
                f"并发 32,gunicorn 4 进程,任务列表(前100):{rps.split(':')[-1].strip()} 请求/秒,"
                f"延迟中位数 {p50.split()[-1] if p50 else '?'} {non2xx}"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
