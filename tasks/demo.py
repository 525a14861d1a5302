"""Demo progress: a year of reports on the 番禺 and 昭化 plans, so pages, dashboards and report drafts
show real work. Deterministic (task number decides), added once: a plan that has reports is left alone."""

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from lawgov.models import Role, User
from plans.models import Assignment, Plan
from tasks import services
from tasks.models import ProgressReport

TEXTS = [
    "召开专题会议研究部署,制定了工作方案,明确责任分工和时间节点。",
    "完成阶段性工作,形成工作台账,相关制度已印发实施。",
    "组织开展业务培训,参训人员{n}人次,编印学习资料。",
    "开展专项检查{n}次,发现问题已督促整改到位。",
    "按要求公开相关信息{n}条,接受社会监督。",
]
PLANS = {
    "番禺区": (dt.date(2016, 9, 1), dt.date(2017, 12, 20)),
    "昭化区": (dt.date(2017, 6, 15), dt.date(2017, 11, 30)),
}


def seed_app(*, log: Callable[[str], object]) -> None:
    for district, (start, end) in PLANS.items():
        plan = Plan.objects.active().filter(jurisdiction__name=district).order_by("id").first()
        if plan is None or ProgressReport.objects.filter(task__plan=plan).exists():
            continue
        officer = User.objects.filter(
            role=Role.LEGAL_OFFICE, jurisdiction=plan.jurisdiction, is_superuser=False
        ).first()
        if officer is None:
            continue
        count = _seed_plan(plan=plan, officer=officer, start=start, end=end)
        log(f"{district}:演示进展 {count} 条")


@transaction.atomic
def _seed_plan(*, plan: Plan, officer: User, start: dt.date, end: dt.date) -> int:
    span = (end - start).days
    count = 0
    tasks = list(plan.tasks.active().order_by("position"))
    reporters = {u.unit_id: u for u in User.objects.filter(role=Role.REPORTER, unit__jurisdiction=plan.jurisdiction)}
    for n, task in enumerate(tasks, start=1):
        if n % 5 == 0:
            continue  # every fifth task has not been reported on: the dashboard shows them as not started
        leads = [
            a.unit
            for a in Assignment.objects.active()
            .filter(clause__task=task, role__in=["lead", "responsible"])
            .select_related("unit")
            if not a.unit.is_group
        ]
        if not leads:
            continue
        unit = leads[0]
        by = reporters.get(unit.pk, officer)
        reports = 1 + n % 3
        for k in range(reports):
            # Spread over the year: each task starts somewhere in its first half, later reports come later.
            day = min(end, start + dt.timedelta(days=(n * 37) % (span // 2) + k * (span // 6)))
            final = k == reports - 1
            claim = final and n % 3 == 0
            report = services.progress_report_create(
                task=task,
                unit=unit,
                by=by,
                reported_on=day,
                text=TEXTS[(n + k) % len(TEXTS)].format(n=n * 3 + k),
                percent=100 if claim else min(90, 30 * (k + 1)),
                claims_completion=claim,
                today=end,
            )
            services.progress_report_accept(report=report, by=officer)
            count += 1
    return count
