"""The leaders' dashboard (驾驶舱): every figure an aggregate query, a fixed number of queries in all.

It lives in reports, the top of the dependency chain, because it shows tasks, progress and (once a cycle
is approved) assessment results side by side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from assessment import selectors as assessment_selectors
from assessment.models import AssessmentCycle, Submission
from lawgov.models import Unit, UnitKind, User
from plans.models import Plan, Task
from reports.services.calendar import calendars_for
from tasks.models import ProgressReport, TaskProgress
from tasks.selectors import Rollup, completion_timeliness, rollup_by, rollup_by_unit, with_status
from tasks.status import TaskStatus, status_filter


@dataclass
class Chart:
    """One chart: its rows are the table behind it and the .xlsx download."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    # Behind each row: a task-list query string ("?status=overdue", the same filters as the task list), or
    # a path of its own ("/assessment/…") for the charts that are not about tasks.
    links: list[str]


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        months.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def dashboard(*, user: User, today: dt.date, plan: Plan | None = None) -> dict:
    """All the dashboard's figures for the user's jurisdictions (a city's leader sees every district)."""
    tasks = Task.objects.visible_to(user)
    jurisdictions = user.jurisdictions()
    charts: list[Chart] = []

    # Completion by plan.
    plans = list(
        Plan.objects.visible_to(user).select_related("jurisdiction").order_by("jurisdiction__name", "-issued_on")
    )
    by_plan = rollup_by(tasks, "plan_id", today=today)
    # The totals are the plans' sums: one aggregate pass over the tasks, not two.
    total = Rollup()
    for r in by_plan.values():
        total.add(r)
    rows, links = [], []
    for p in plans:
        r = by_plan.get(p.pk, Rollup())
        rows.append([p.title, r.total, r.done, r.rate, r.overdue, r.red, r.yellow, r.blue])
        links.append(f"?plan={p.pk}")
    charts.append(
        Chart(
            "plans",
            "各规划完成情况",
            ["规划", "任务数", "已完成", "完成率(%)", "逾期", "红色预警", "黄色预警", "蓝色预警"],
            rows,
            links,
        )
    )

    # By district, for a city.
    if len(jurisdictions) > 1:
        by_district = rollup_by(tasks, "plan__jurisdiction_id", today=today)
        names = {j.pk: j.name for j in jurisdictions}
        rows, links = [], []
        for jid, r in sorted(by_district.items(), key=lambda kv: names.get(kv[0], "")):
            rows.append([names.get(jid, str(jid)), r.total, r.done, r.rate, r.overdue, r.red, r.yellow, r.blue])
            links.append(f"?jurisdiction={jid}")
        charts.append(
            Chart(
                "districts",
                "各区完成情况",
                ["辖区", "任务数", "已完成", "完成率(%)", "逾期", "红色预警", "黄色预警", "蓝色预警"],
                rows,
                links,
            )
        )

    # By section of one plan.
    if plan is not None:
        by_section = rollup_by(tasks.filter(plan=plan), "section_id", today=today)
        rows, links = [], []
        for section in plan.sections.filter(pk__in=[k for k in by_section if k]).order_by("position"):
            r = by_section[section.pk]
            rows.append(
                [f"{section.label}{section.title}", r.total, r.done, r.rate, r.overdue, r.red, r.yellow, r.blue]
            )
            links.append(f"?plan={plan.pk}&section={section.pk}")
        charts.append(
            Chart(
                "sections",
                f"{plan.title}:各部分完成情况",
                ["部分", "任务数", "已完成", "完成率(%)", "逾期", "红色预警", "黄色预警", "蓝色预警"],
                rows,
                links,
            )
        )

    # Units ranked by overdue count, and by the warnings the daily sweep stored (the same one query).
    by_unit = rollup_by_unit(tasks, today=today)
    units = [(u, r) for u, r in by_unit if u.kind != UnitKind.GROUP and r.overdue][:15]
    warned = sorted(
        ((u, r) for u, r in by_unit if u.kind != UnitKind.GROUP and r.warned),
        key=lambda p: (-p[1].red, -p[1].yellow, -p[1].blue, p[0].name),
    )[:15]
    charts.append(
        Chart(
            "units_warning",
            "各单位预警情况",
            ["单位", "红色预警", "黄色预警", "蓝色预警"],
            [[u.name, r.red, r.yellow, r.blue] for u, r in warned],
            [f"?unit={u.pk}&warning=red&warning=yellow&warning=blue" for u, _ in warned],
        )
    )
    charts.append(
        Chart(
            "units_overdue",
            "逾期任务最多的单位",
            ["单位", "逾期", "任务数", "已完成"],
            [[u.name, r.overdue, r.total, r.done] for u, r in units],
            [f"?unit={u.pk}&status=overdue" for u, _ in units],
        )
    )

    # Reporting activity in the last 30 days (every unit's count: their sum is the 30-day total).
    since = today - dt.timedelta(days=30)
    activity = list(
        ProgressReport.objects.active()
        .filter(task__in=tasks, reported_on__gte=since)
        .exclude(status="draft")
        .values("unit_id", "unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit__name")
    )
    reports_30d = sum(a["n"] for a in activity)
    activity = activity[:15]
    charts.append(
        Chart(
            "units_activity",
            "近30天报送进展最多的单位",
            ["单位", "进展条数"],
            [[a["unit__name"], a["n"]] for a in activity],
            [f"?unit={a['unit_id']}" for a in activity],
        )
    )

    # Completion month by month (cumulative share of tasks done at each month's end): the 12 months up to
    # the latest completion, so an older plan (番禺 2016—2018) shows its own years, not a flat line. One
    # grouped query gives every month's completions; the running sum is over at most a few hundred months.
    per_month: dict[dt.date, int] = {}
    for row in (
        TaskProgress.objects.filter(task__in=tasks, completed_on__isnull=False)
        .annotate(month=TruncMonth("completed_on"))
        .values("month")
        .annotate(n=Count("task_id"))
    ):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        per_month[month] = row["n"]
    latest = max(per_month) if per_month else None
    months = _months_back(min(latest, today) if latest else today, 12)
    rows, running = [], sum(n for m, n in per_month.items() if m < months[0])
    for month in months:
        running += per_month.get(month, 0)
        rows.append([f"{month:%Y-%m}", running, round(100 * running / total.total, 1) if total.total else 0])
    charts.append(
        Chart("trend", "完成率月度趋势", ["月份", "累计完成", "完成率(%)"], rows, ["?status=done"] * len(rows))
    )

    # Overdue and at-risk tasks, and the next 30 days' deadlines.
    risky = list(
        with_status(tasks, today=today)
        .filter(status_filter(TaskStatus.OVERDUE, today=today) | Q(warning__level__in=["yellow", "blue"]))
        .select_related("plan")
        .prefetch_related("clauses__assignments__unit")
        .order_by("due_on")[:30]
    )
    upcoming = list(
        with_status(tasks, today=today)
        .filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=30))
        .exclude(status_filter(TaskStatus.DONE, today=today))
        .select_related("plan")
        .order_by("due_on")[:30]
    )
    for task in risky:
        task.days_late = (today - task.due_on).days if task.due_on and task.due_on < today else 0
        task.lead_units = sorted(
            {
                a.unit.name
                for c in task.clauses.all()
                for a in c.assignments.all()
                if a.role != "cooperating" and a.deleted_at is None
            }
        )
    charts += assessment_charts(user=user)
    # The annual report's statutory calendar: last year's reports not yet published, from a month before
    # they are due (two queries).
    deadlines = calendars_for(jurisdictions=list(jurisdictions), today=today)

    return {
        "total": total,
        "charts": charts,
        "risky": risky,
        "upcoming": upcoming,
        "plans": plans,
        "selected_plan": plan,
        "jurisdictions": jurisdictions,
        "unit_count": Unit.objects.active().filter(jurisdiction__in=jurisdictions).exclude(kind=UnitKind.GROUP).count(),
        "status_links": {
            "done": "?status=done",
            "overdue": "?status=overdue",
            "red": "?warning=red",
            "yellow": "?warning=yellow",
            "blue": "?warning=blue",
            "open": "?status=not_started&status=in_progress&status=overdue",
        },
        "counts": {"reports_30d": reports_30d},
        "report_deadlines": deadlines,
        # Done on time, after an approved extension, or late (issue 15): the 已完成 card's breakdown.
        "timeliness": completion_timeliness(tasks),
    }


def assessment_charts(*, user: User) -> list[Chart]:
    """The latest assessment with results (for a city, the latest of its districts', named in the title):
    ranking within departments and within townships, and the spread of scores in 10-point bands. Two
    queries (the cycle, then its ranking); without results, the latest cycle as an empty chart that says so."""
    scored = Submission.objects.filter(cycle=OuterRef("pk"), final_total__isnull=False)
    cycle = (
        AssessmentCycle.objects.visible_to(user)
        .filter(Exists(scored))
        .select_related("jurisdiction")
        .order_by("-year", "jurisdiction__name")
        .first()
    )
    if cycle is None:
        # A cycle under way with nothing reviewed yet: say so rather than leave the leader guessing.
        cycle = AssessmentCycle.objects.visible_to(user).order_by("-year", "jurisdiction__name").first()
        if cycle is None:
            return []
        return [Chart("assessment", f"{cycle.year}年度考核排名(尚无核定得分)", ["单位", "总分", "名次"], [], [])]
    link = reverse("assessment:ranking", args=[cycle.pk])
    state = "已审定" if cycle.approved else "审核中,未发布"
    # A city's leader sees several districts: say whose assessment this is.
    whose = cycle.jurisdiction.name if len(user.jurisdictions()) > 1 else ""
    charts = []
    bands: dict[str, list[int]] = {}
    kinds = assessment_selectors.ranking(cycle=cycle)
    for position, block in enumerate(kinds):
        rows = [
            [r.submission.unit.name, float(r.submission.final_total), r.rank] for r in block.rows if r.rank is not None
        ]
        charts.append(
            Chart(
                f"assessment-{block.kind}",
                f"{whose}{cycle.year}年度考核排名 · {block.label}({state})",
                ["单位", "总分", "名次"],
                rows,
                [link] * len(rows),
            )
        )
        for band in block.bands:
            bands.setdefault(band.label, [0] * len(kinds))[position] = band.count
    rows = [[label, sum(counts), *counts] for label, counts in bands.items()]
    charts.append(
        Chart(
            "assessment-bands",
            f"{whose}{cycle.year}年度考核得分分布({state})",
            ["分数段", "单位数", *(block.label for block in kinds)],
            rows,
            [link] * len(rows),
        )
    )
    return charts
