"""Benchmark of the annual report: a district-year of 300 tasks, 6,000 accepted progress reports and 40
figures, then the whole job (gather, write, render the .docx, save the version) timed. Budget: under 5 s.
Then a city-year drafted from 11 such districts (the city's report draws on its districts' data). Budget:
under 20 s.

The data is built inside a transaction that is rolled back at the end (unless --keep), so the command can run
against any database, the demo one included.
"""

import datetime as dt
import tempfile
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import override_settings

from lawgov.models import Role, Unit, UnitKind, User
from plans.models import Assignment, Clause, Plan, PlanKind, Section, Target, Task
from reports import docx_render, generator, services
from reports.models import Indicator, IndicatorKind, Statistic
from tasks.models import ProgressReport, ReportStatus, TaskProgress

BUDGET_SECONDS = 5.0
CITY_BUDGET_SECONDS = 20.0
SECTIONS = [
    "依法全面履行政府职能",
    "完善依法行政制度体系",
    "推进行政决策科学化、民主化、法治化",
    "坚持严格规范公正文明执法",
    "强化对行政权力的制约和监督",
    "依法有效化解社会矛盾纠纷",
    "全面提高政府工作人员法治思维和依法行政能力",
    "加强法治政府建设的组织保障",
]
HEADINGS = [
    "推行权责清单制度",
    "深化行政审批制度改革",
    "加强规范性文件备案审查",
    "健全重大行政决策程序",
    "推行政府法律顾问制度",
    "深化行政执法体制改革",
    "推行行政执法公示制度",
    "完善行政复议体制",
    "做好行政应诉工作",
    "加强领导干部学法用法",
    "推进政务公开",
    "加强审计监督",
]
TEXTS = [
    "召开专题会议研究部署,制定了工作方案,明确责任分工和时间节点。",
    "完成阶段性工作,形成工作台账,相关制度已印发实施。",
    "组织开展业务培训,参训人员{n}人次,编印学习资料。",
    "开展专项检查{n}次,发现问题已督促整改到位。",
    "按要求公开相关信息{n}条,接受社会监督。",
]


class Command(BaseCommand):
    help = "性能测试:生成一个区一年(300项任务、6000条进展、40项统计数据)的年度报告草稿(含.docx),打印耗时(应低于5秒)。"

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=300)
        parser.add_argument("--reports", type=int, default=6000)
        parser.add_argument("--figures", type=int, default=40)
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--runs", type=int, default=3, help="生成几次,取中位数")
        parser.add_argument("--districts", type=int, default=11, help="市级报告汇总的区数(每区数据量同上;0:不测)")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据(默认回滚)")
        parser.add_argument("--smoke", action="store_true", help="冒烟模式:数据缩小到几十行,只检查命令能跑通(CI 使用)")

    def handle(self, *args, **opts):
        if opts.get("smoke"):  # a few rows: proves the command still runs, measures nothing
            opts["tasks"] = 30
            opts["reports"] = 120
            opts["figures"] = 6
            opts["runs"] = 1
            opts["districts"] = min(opts["districts"], 3)
        self.stdout.write(f"数据库:{connection.vendor} {connection.settings_dict.get('NAME')}")
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media), transaction.atomic():
            started = time.perf_counter()
            district, officer = self._build(opts)
            self.stdout.write(
                f"生成数据:{opts['tasks']} 项任务,{opts['reports']} 条进展,{opts['figures']} 项统计数据,"
                f"用时 {time.perf_counter() - started:.1f} 秒"
            )
            times = []
            for run in range(opts["runs"]):
                seconds, stages, version = self._generate(district, officer, opts["year"])
                times.append(seconds)
                detail = ",".join(f"{k} {v:.2f}" for k, v in stages.items())
                self.stdout.write(f"第{run + 1}次:{seconds:.2f} 秒(分阶段,不含保存:{detail})→ 第{version}版")
            median = sorted(times)[len(times) // 2]
            verdict = "通过" if median < BUDGET_SECONDS else "超出预算"
            self.stdout.write(f"年度报告生成(含.docx)中位数:{median:.2f} 秒;预算 {BUDGET_SECONDS:.0f} 秒:{verdict}")
            if opts["districts"]:
                self._bench_city(opts)
            if not opts["keep"]:
                transaction.set_rollback(True)
                self.stdout.write("数据已回滚。")

    def _bench_city(self, opts) -> None:
        """A city-year drafted from ``--districts`` districts of the same size as the district above."""
        started = time.perf_counter()
        city = Unit.objects.create(name=f"基准市{time.time_ns()}", kind=UnitKind.CITY)
        for n in range(1, opts["districts"] + 1):
            self._build(opts, city=city, name=f"基准{generator.ordinal(n)}区")
        officer = User.objects.create_user(
            username=f"bench_city_{time.time_ns()}", password=None, role=Role.LEGAL_OFFICE, jurisdiction=city
        )
        self.stdout.write(
            f"生成市级数据:{opts['districts']} 个区,每区 {opts['tasks']} 项任务、{opts['reports']} 条进展、"
            f"{opts['figures']} 项统计数据,用时 {time.perf_counter() - started:.1f} 秒"
        )
        times = []
        for run in range(opts["runs"]):
            seconds, stages, version = self._generate(city, officer, opts["year"])
            times.append(seconds)
            detail = ",".join(f"{k} {v:.2f}" for k, v in stages.items())
            self.stdout.write(f"市级第{run + 1}次:{seconds:.2f} 秒(分阶段,不含保存:{detail})→ 第{version}版")
        median = sorted(times)[len(times) // 2]
        verdict = "通过" if median < CITY_BUDGET_SECONDS else "超出预算"
        self.stdout.write(
            f"市级年度报告({opts['districts']}个区,含.docx)生成中位数:{median:.2f} 秒;"
            f"预算 {CITY_BUDGET_SECONDS:.0f} 秒:{verdict}"
        )

    def _generate(self, district: Unit, officer: User, year: int) -> tuple[float, dict, int]:
        today = dt.date(year + 1, 2, 1)
        # The stages alone, to show where the time goes…
        stages = {}
        t = time.perf_counter()
        data = generator.gather(jurisdiction=district, year=year, theme_list=None, today=today)
        stages["汇集"] = time.perf_counter() - t
        t = time.perf_counter()
        body = generator.write(data, generator.wording_for(district.pk))
        stages["撰写"] = time.perf_counter() - t
        t = time.perf_counter()
        docx_render.render_docx(body)
        stages[".docx"] = time.perf_counter() - t
        # …and the job as the worker runs it: request, claim, gather, write, render, save the version.
        t = time.perf_counter()
        with transaction.atomic():
            requested = services.report_generation_request(jurisdiction=district, year=year, by=officer, today=today)
        version = services.report_job_run(job_id=requested.job.pk, celery_id=f"bench-{requested.job.pk}", today=today)
        seconds = time.perf_counter() - t
        if version is None:
            raise RuntimeError(requested.job.__class__.objects.get(pk=requested.job.pk).error)
        return seconds, stages, version.number

    def _build(self, opts, *, city: Unit | None = None, name: str = "基准区") -> tuple[Unit, User]:
        year, n_tasks, n_reports, n_figures = opts["year"], opts["tasks"], opts["reports"], opts["figures"]
        city = city or Unit.objects.create(name=f"基准市{time.time_ns()}", kind=UnitKind.CITY)
        district = Unit.objects.create(name=name, kind=UnitKind.DISTRICT, parent=city)
        units = Unit.objects.bulk_create(
            [
                Unit(name=f"区{n:02d}局", kind=UnitKind.DEPARTMENT, parent=district, jurisdiction=district)
                for n in range(1, 36)
            ]
            + [
                Unit(name=f"第{n:02d}街道", kind=UnitKind.TOWNSHIP, parent=district, jurisdiction=district)
                for n in range(1, 21)
            ]
        )
        units = list(Unit.objects.filter(jurisdiction=district).order_by("id"))
        officer = User.objects.create_user(
            username=f"bench_fzb_{time.time_ns()}", password=None, role=Role.LEGAL_OFFICE, jurisdiction=district
        )
        plan = Plan.objects.create(
            jurisdiction=district,
            title=f"{name}{year}年法治政府建设工作要点",
            kind=PlanKind.KEY_POINTS,
            doc_number=f"基府办〔{year}〕1号",
            issued_on=dt.date(year, 3, 1),
            period_start=year,
            period_end=year,
        )
        sections = Section.objects.bulk_create(
            [
                Section(plan=plan, label=f"{generator.ordinal(n)}、", title=title, path=str(n), position=n)
                for n, title in enumerate(SECTIONS, start=1)
            ]
        )
        sections = list(Section.objects.filter(plan=plan).order_by("position"))
        tasks = Task.objects.bulk_create(
            [
                Task(
                    plan=plan,
                    section=sections[n % len(sections)],
                    number=str(n),
                    path=f"{n % len(sections)}/{n}",
                    heading=f"{HEADINGS[n % len(HEADINGS)]}({n})",
                    text=f"{HEADINGS[n % len(HEADINGS)]},每年不少于{n % 5 + 2}次。",
                    position=n,
                    due_on=dt.date(year, 1 + n % 12, 28) if n % 4 == 0 else None,
                )
                for n in range(1, n_tasks + 1)
            ]
        )
        tasks = list(Task.objects.filter(plan=plan).order_by("position"))
        clauses = Clause.objects.bulk_create([Clause(task=t, position=0, text=t.text) for t in tasks])
        clauses = list(Clause.objects.filter(task__plan=plan).order_by("task__position"))
        Assignment.objects.bulk_create(
            [
                Assignment(clause=c, unit=units[n % len(units)], role="lead", printed_name=units[n % len(units)].name)
                for n, c in enumerate(clauses)
            ]
            + [
                Assignment(clause=c, unit=units[(n + 7) % len(units)], role="cooperating")
                for n, c in enumerate(clauses)
            ]
        )
        Target.objects.bulk_create(
            [
                Target(task=t, text=f"每年不少于{n % 5 + 2}次", value=Decimal(n % 5 + 2), measure="次", period="year")
                for n, t in enumerate(tasks)
                if n % 10 == 0
            ]
        )
        span = 360
        reports = []
        for n in range(n_reports):
            task = tasks[n % len(tasks)]
            unit = units[(task.position + (n // len(tasks)) % 2 * 7) % len(units)]
            reports.append(
                ProgressReport(
                    task=task,
                    unit=unit,
                    reported_on=dt.date(year, 1, 1) + dt.timedelta(days=(n * 37) % span),
                    text=TEXTS[n % len(TEXTS)].format(n=n % 97 + 1),
                    percent=min(100, 10 + n % 90),
                    status=ReportStatus.ACCEPTED,
                    entered_by=officer,
                )
            )
        ProgressReport.objects.bulk_create(reports, batch_size=2000)
        TaskProgress.objects.bulk_create(
            [
                TaskProgress(
                    task=t,
                    last_report_on=dt.date(year, 12, 1),
                    completed_on=dt.date(year, 1 + n % 12, 15) if n % 3 == 0 else None,
                )
                for n, t in enumerate(tasks)
            ]
        )
        services.catalogue_ensure()
        entered = Indicator.objects.for_jurisdiction(district).filter(computed="")
        indicators = list(entered.exclude(kind=IndicatorKind.TEXT))
        while len(indicators) < n_figures:
            k = len(indicators)
            indicators.append(
                Indicator.objects.create(
                    jurisdiction=district, name=f"基准指标{k}", measure="件", phrase=f"基准指标{k}{{数值}}{{单位}}"
                )
            )
        Statistic.objects.bulk_create(
            [
                Statistic(
                    indicator=ind,
                    unit=district if n % 3 else units[n % len(units)],
                    jurisdiction=district,
                    year=year,
                    value=Decimal(n * 17 % 500 + 1) if ind.kind == IndicatorKind.NUMBER else Decimal(n % 90 + 5),
                )
                for n, ind in enumerate(indicators[:n_figures])
            ]
        )
        return district, officer
