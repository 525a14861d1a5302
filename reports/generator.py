"""The annual report's generator: gather a jurisdiction-year's facts (reads only), then write a draft from them.

``gather`` issues a fixed number of queries whatever the size of the year (plans, sections, tasks,
assignments, targets, accepted reports, figures, assessment); ``write`` is pure Python over the gathered
facts and the wording templates. No sentence is made up here: each one is a wording template (editable by
the legal office, see ``wording``) filled with facts, and each paragraph carries the ids of the tasks,
progress reports and figures it came from.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template import Context, Engine, Template, TemplateSyntaxError

from lawgov.models import Unit, UnitKind
from plans.models import Assignment, Plan, Section, Target, Task
from reports.models import (
    Computed,
    Indicator,
    IndicatorKind,
    Statistic,
    ThemeList,
    WordingKey,
    WordingTemplate,
    format_number,
)
from tasks.models import ProgressReport, ReportStatus
from tasks.status import TaskStatus, task_status

log = logging.getLogger(__name__)

ORDINALS = "一二三四五六七八九十"
MAX_UNITS_PER_PARAGRAPH = 3
MAX_TEXTS_PER_UNIT = 3
MAX_NAMES = 3
MAX_NEXT_STEPS = 8
MAX_SOURCE_REPORTS = 50

# The 8 themes of 广州's 2018 report (seed 004), with the words that send a task to each; used for a
# jurisdiction-year without plans, and as the shared theme list the legal office can pick instead of the
# plan's own sections.
GUANGZHOU_THEMES: list[dict] = [
    {
        "title": "加强组织领导,全面推进法治政府建设",
        "keywords": ["组织领导", "领导", "责任", "示范", "学法", "培训", "宣传", "考核", "能力", "队伍", "经费"],
    },
    {
        "title": "优化营商环境,构建经济高质量发展体制机制",
        "keywords": ["营商环境", "市场", "公平竞争", "中介", "商事", "准入", "监管"],
    },
    {
        "title": "转变政府职能,提升为人民服务的能力水平",
        "keywords": ["职能", "权责清单", "审批", "服务", "下放", "热线", "窗口", "证明事项", "放管服", "体制改革"],
    },
    {
        "title": "完善制度建设,为全面深化改革提供制度保障",
        "keywords": ["规范性文件", "立法", "规章", "制度建设", "备案"],
    },
    {
        "title": "完善行政决策机制,提高科学民主决策水平",
        "keywords": ["决策", "合法性审查", "法律顾问", "听证", "风险评估", "议事", "公共法律服务"],
    },
    {
        "title": "深化体制改革,加强行政执法规范化建设",
        "keywords": ["执法", "综合执法", "行刑衔接", "刑事司法", "持证", "双随机", "法制员", "裁量"],
    },
    {
        "title": "强化权力制约监督,依法化解社会矛盾纠纷",
        "keywords": ["监督", "复议", "诉讼", "应诉", "审计", "监察", "人大", "政协", "矛盾", "纠纷", "制约", "问责"],
    },
    {
        "title": "大力推进政务公开,有效加强政务宣传工作",
        "keywords": ["公开", "政务公开", "信息公开", "新闻", "网站", "舆情", "舆论"],
    },
]
ASSESSMENT_KEYWORDS = ["考核", "考评", "组织领导", "领导", "责任", "能力"]
OTHER_THEME_TITLE = "其他工作"


# --- facts -------------------------------------------------------------------------------------------------


@dataclass
class ReportFact:
    id: int
    task_id: int
    unit_id: int
    unit_name: str
    unit_short: str
    reported_on: dt.date
    text: str


@dataclass
class TaskFact:
    id: int
    plan_id: int
    section_id: int | None
    section_title: str
    number: str
    heading: str
    text: str
    due_on: dt.date | None
    completed_on: dt.date | None
    status: str
    year_of_completion: bool = False
    leads: list[str] = field(default_factory=list)
    reports: list[ReportFact] = field(default_factory=list)
    theme_key: str = ""

    @property
    def active(self) -> bool:
        """Has something to tell for the year: accepted progress, or completion within the year."""
        return bool(self.reports) or self.year_of_completion


@dataclass
class Theme:
    key: str
    title: str
    keywords: list[str] = field(default_factory=list)
    tasks: list[TaskFact] = field(default_factory=list)


@dataclass
class Figure:
    indicator_id: int
    name: str
    measure: str
    kind: str
    phrase: str
    keywords: list[str]
    computed: str
    value: Decimal | None = None
    text: str = ""
    statistic_ids: list[int] = field(default_factory=list)
    parts: list[tuple[str, str]] = field(default_factory=list)  # (unit, value) when the total is their sum

    @property
    def display(self) -> str:
        if self.kind == IndicatorKind.TEXT:
            return self.text
        return f"{format_number(self.value)}{self.measure}"

    @property
    def sentence(self) -> str:
        phrase = self.phrase or (self.name + "{数值}{单位}")
        value = self.text if self.kind == IndicatorKind.TEXT else format_number(self.value)
        return phrase.replace("{数值}", value).replace("{单位}", self.measure)

    @property
    def has_value(self) -> bool:
        return bool(self.text) if self.kind == IndicatorKind.TEXT else self.value is not None

    def context(self) -> dict:
        return {
            "name": self.name,
            "value": self.display,
            "sentence": self.sentence,
            "parts": [{"unit": u, "value": v} for u, v in self.parts],
        }


@dataclass
class TargetCheck:
    task_id: int
    text: str
    value: Decimal | None
    measure: str
    comparison: str
    figure: Figure | None = None

    @property
    def met(self) -> bool | None:
        if self.figure is None or self.figure.value is None or self.value is None:
            return None
        if self.comparison == "at_most":
            return self.figure.value <= self.value
        return self.figure.value >= self.value

    @property
    def sentence(self) -> str:
        if self.met is None:
            return ""
        verdict = "已达到目标" if self.met else "未达到目标"
        return f"对照“{self.text}”的量化目标,全年实际为{self.figure.display},{verdict}。"


@dataclass
class AssessmentFacts:
    cycle_id: int
    title: str
    units: int
    average: str
    kinds: list[dict]
    weakest: list[dict]


@dataclass
class YearData:
    jurisdiction_id: int
    jurisdiction_name: str
    government: str
    self_ref: str
    year: int
    as_of: dt.date
    theme_mode: str  # "plan" or "list"
    plans: list[dict]
    themes: list[Theme]
    tasks: list[TaskFact]
    figures: list[Figure]
    targets: list[TargetCheck]
    assessment: AssessmentFacts | None
    next_plan: dict | None
    next_sections: list[str]
    computed: dict[str, Decimal]

    @property
    def has_data(self) -> bool:
        return bool(self.tasks or any(f.has_value and not f.computed for f in self.figures))


def government_name(jurisdiction: Unit) -> str:
    """广州市番禺区人民政府: a district's government is named with its city, as on its documents."""
    name = jurisdiction.name
    if jurisdiction.kind == UnitKind.DISTRICT and jurisdiction.parent_id:
        parent = jurisdiction.parent
        if parent.kind == UnitKind.CITY and not name.startswith(parent.name):
            name = parent.name + name
    return f"{name}人民政府"


def self_reference(jurisdiction: Unit) -> str:
    """我区 / 我市 / 我县: how the government calls itself in its report."""
    if jurisdiction.kind == UnitKind.CITY:
        return "我市"
    return "我县" if jurisdiction.name.endswith("县") else "我区"


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def ordinal(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return (ORDINALS[tens - 1] if tens > 1 else "") + "十" + (ORDINALS[ones - 1] if ones else "")


# --- gather ------------------------------------------------------------------------------------------------


def gather(*, jurisdiction: Unit, year: int, theme_list: ThemeList | None, today: dt.date) -> YearData:
    """Everything the draft may say about the jurisdiction's year, in a fixed number of queries."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    as_of = min(today, end)
    accepted_in_year = Q(
        progress_reports__status=ReportStatus.ACCEPTED,
        progress_reports__deleted_at__isnull=True,
        progress_reports__reported_on__range=(start, end),
    )
    tasks_here = Task.objects.active().filter(plan__jurisdiction=jurisdiction)
    worked = tasks_here.filter(accepted_in_year | Q(progress__completed_on__range=(start, end))).values("plan_id")
    due = tasks_here.filter(due_on__range=(start, end)).values("plan_id")
    # A plan counts for the year when its period covers it, when work on it was accepted or completed in it,
    # or — a plan that prints no period (番禺's scheme) — when its tasks fall due in it.
    covers = Q(period_start__lte=year, period_end__gte=year) | Q(period_start=year, period_end__isnull=True)
    plans = list(
        Plan.objects.active()
        .filter(jurisdiction=jurisdiction)
        .filter(covers | Q(pk__in=worked) | Q(period_start__isnull=True, pk__in=due))
        .exclude(period_start__gt=year)
        .order_by("issued_on", "id")
        .values("id", "title", "doc_number", "kind", "period_start", "period_end", "issued_on")
    )
    plan_ids = [p["id"] for p in plans]
    plan_order = {pk: n for n, pk in enumerate(plan_ids)}

    sections = {
        s["id"]: s
        for s in Section.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "position")
        .values("id", "plan_id", "label", "title", "position", "parent_id")
    }
    tasks: list[TaskFact] = []
    by_id: dict[int, TaskFact] = {}
    rows = (
        Task.objects.active()
        .filter(plan_id__in=plan_ids)
        .values(
            "id",
            "plan_id",
            "section_id",
            "number",
            "heading",
            "text",
            "due_on",
            "position",
            "progress__completed_on",
            "progress__last_report_on",
        )
    )
    for r in sorted(rows, key=lambda r: (plan_order[r["plan_id"]], r["position"], r["id"])):
        completed = r["progress__completed_on"]
        completed_by_then = completed if completed and completed <= as_of else None
        status = task_status(
            due_on=r["due_on"],
            completed_on=completed_by_then,
            last_report_on=r["progress__last_report_on"],
            today=as_of,
        )
        section = sections.get(r["section_id"]) if r["section_id"] else None
        fact = TaskFact(
            id=r["id"],
            plan_id=r["plan_id"],
            section_id=r["section_id"],
            section_title=section["title"] if section else "",
            number=r["number"],
            heading=task_title(r["heading"], r["text"]),
            text=r["text"],
            due_on=r["due_on"],
            completed_on=completed_by_then,
            status=status,
            year_of_completion=bool(completed_by_then and completed_by_then >= start),
        )
        tasks.append(fact)
        by_id[fact.id] = fact
    task_ids = list(by_id)

    for a in (
        Assignment.objects.active()
        .filter(clause__task_id__in=task_ids, role__in=["lead", "responsible"])
        .exclude(unit__kind=UnitKind.GROUP)
        .order_by("clause__position", "position", "id")
        .values("clause__task_id", "unit__name")
    ):
        leads = by_id[a["clause__task_id"]].leads
        if a["unit__name"] not in leads:
            leads.append(a["unit__name"])

    for r in (
        ProgressReport.objects.active()
        .filter(task_id__in=task_ids, status=ReportStatus.ACCEPTED, reported_on__range=(start, end))
        .order_by("reported_on", "id")
        .values("id", "task_id", "unit_id", "unit__name", "unit__short_name", "reported_on", "text")
    ):
        by_id[r["task_id"]].reports.append(
            ReportFact(
                id=r["id"],
                task_id=r["task_id"],
                unit_id=r["unit_id"],
                unit_name=r["unit__name"],
                unit_short=r["unit__short_name"],
                reported_on=r["reported_on"],
                text=r["text"],
            )
        )

    computed = _computed_values(tasks)
    assessment = assessment_facts(jurisdiction=jurisdiction, year=year)
    if assessment is not None:
        computed[Computed.ASSESSMENT_UNITS] = Decimal(assessment.units)
        if assessment.average:
            computed[Computed.ASSESSMENT_AVERAGE] = Decimal(assessment.average)
    figures = _figures(jurisdiction=jurisdiction, year=year, computed=computed)
    targets = _targets(task_ids=task_ids, tasks=by_id, figures=figures)

    theme_mode = "list" if theme_list is not None or not plan_ids else "plan"
    if theme_mode == "plan":
        themes = _plan_themes(tasks, sections)
    else:
        themes = _list_themes(tasks, theme_list.themes if theme_list is not None else GUANGZHOU_THEMES)

    next_plan, next_sections = _next_plan(jurisdiction=jurisdiction, year=year, this_year=set(plan_ids), tasks=tasks)
    return YearData(
        jurisdiction_id=jurisdiction.pk,
        jurisdiction_name=jurisdiction.name,
        government=government_name(jurisdiction),
        self_ref=self_reference(jurisdiction),
        year=year,
        as_of=as_of,
        theme_mode=theme_mode,
        plans=plans,
        themes=themes,
        tasks=tasks,
        figures=figures,
        targets=targets,
        assessment=assessment,
        next_plan=next_plan,
        next_sections=next_sections,
        computed=computed,
    )


def task_title(heading: str, text: str) -> str:
    """The paragraph title: the task's heading, or where the importer cut it short (…), the task text's
    first sentence when that is short enough to stand as a title."""
    heading = _clean(heading)
    if not heading.endswith(("…", "...")):
        return heading
    first = re.split(r"[。;;]", re.sub(r"\s+", "", text or ""), maxsplit=1)[0]
    first = re.sub(r"[((][^()()]*(?:牵头|配合|责任|负责)[^()()]*[))]", "", first)
    return _clean(first) if 0 < len(first) <= 60 else heading.rstrip("….")


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text or "").rstrip("。;;,,")  # noqa: B005 - a set of end marks


def _computed_values(tasks: list[TaskFact]) -> dict[str, Decimal]:
    units = {r.unit_id for t in tasks for r in t.reports}
    return {
        Computed.PLAN_TASKS: Decimal(len(tasks)),
        Computed.TASKS_COMPLETED: Decimal(sum(1 for t in tasks if t.year_of_completion)),
        Computed.TASKS_OVERDUE: Decimal(sum(1 for t in tasks if t.status == TaskStatus.OVERDUE)),
        Computed.REPORTS_ACCEPTED: Decimal(sum(len(t.reports) for t in tasks)),
        Computed.UNITS_REPORTING: Decimal(len(units)),
    }


def gather_figures(*, jurisdiction: Unit, year: int) -> list[Figure]:
    """The figures as the draft would cite them, computed ones as the last generation stored them."""
    return _figures(jurisdiction=jurisdiction, year=year, computed=None)


def _figures(*, jurisdiction: Unit, year: int, computed: dict[str, Decimal] | None) -> list[Figure]:
    """One figure per indicator with a value: the jurisdiction's own row, else the sum of its units' rows
    (for additive indicators); computed ones from ``computed`` (their rows are written by the job), or
    from the stored rows when ``computed`` is None."""
    indicators = list(Indicator.objects.for_jurisdiction(jurisdiction).order_by("position", "id"))
    rows = defaultdict(list)
    for s in (
        Statistic.objects.filter(jurisdiction=jurisdiction, year=year, indicator__in=indicators)
        .select_related("unit")
        .order_by("unit__kind", "unit__name")
    ):
        rows[s.indicator_id].append(s)
    figures = []
    for ind in indicators:
        fig = Figure(
            indicator_id=ind.pk,
            name=ind.name,
            measure=ind.measure,
            kind=ind.kind,
            phrase=ind.phrase,
            keywords=ind.keyword_list,
            computed=ind.computed,
        )
        mine = rows.get(ind.pk, [])
        if ind.computed:
            own = [s for s in mine if s.unit_id == jurisdiction.pk]
            if computed is None:
                fig.value = own[0].value if own else None
            elif ind.computed in computed:
                fig.value = computed[ind.computed]
            fig.statistic_ids = [s.pk for s in own]
        else:
            own = [s for s in mine if s.unit_id == jurisdiction.pk]
            parts = [s for s in mine if s.unit_id != jurisdiction.pk]
            if own:
                fig.value, fig.text = own[0].value, own[0].text
                fig.statistic_ids = [own[0].pk]
            elif parts and ind.kind == IndicatorKind.NUMBER and ind.additive:
                values = [s for s in parts if s.value is not None]
                if values:
                    fig.value = sum((s.value for s in values), Decimal(0))
                    fig.statistic_ids = [s.pk for s in values]
                    if len(values) > 1:
                        fig.parts = [(s.unit.name, s.display) for s in values]
            elif len(parts) == 1:
                # One unit's figure that does not add up (a rate, an honour): it is that unit's, say so.
                fig.value, fig.text = parts[0].value, parts[0].text
                fig.statistic_ids = [parts[0].pk]
        if fig.has_value or ind.computed:
            figures.append(fig)
    return figures


def _targets(*, task_ids: list[int], tasks: dict[int, TaskFact], figures: list[Figure]) -> list[TargetCheck]:
    rows = list(
        Target.objects.filter(task_id__in=task_ids)
        .order_by("task_id", "id")
        .values("task_id", "text", "value", "measure", "comparison")
    )
    return check_targets(rows, headings={i: t.heading for i, t in tasks.items()}, figures=figures)


def check_targets(rows: list[dict], *, headings: dict[int, str], figures: list[Figure]) -> list[TargetCheck]:
    """The plans' quantitative targets, each checked against the figure of the same measure whose keywords
    its text (or its task's heading) shares most (会前学法不少于4次 ↔ 政府常务会议会前学法 次)."""
    checks = []
    candidates = [f for f in figures if not f.computed and f.kind != IndicatorKind.TEXT and f.value is not None]
    for t in rows:
        check = TargetCheck(
            task_id=t["task_id"],
            text=_clean(t["text"]),
            value=t["value"],
            measure=t["measure"],
            comparison=t["comparison"] or "at_least",
        )
        words = t["text"] + headings.get(t["task_id"], "")
        best, best_hits = None, 0
        for f in candidates:
            if f.measure != t["measure"]:
                continue
            hits = sum(1 for k in f.keywords if k in words)
            if hits > best_hits:
                best, best_hits = f, hits
        check.figure = best
        checks.append(check)
    return checks


def _plan_themes(tasks: list[TaskFact], sections: dict[int, dict]) -> list[Theme]:
    """The plans' own sections that hold tasks, in the plans' order (番禺's (一)…(八), 昭化's 一…七)."""
    themes: dict[str, Theme] = {}
    for task in tasks:
        section = sections.get(task.section_id) if task.section_id else None
        key = f"section-{section['id']}" if section else "other"
        if key not in themes:
            themes[key] = Theme(key=key, title=_clean(section["title"]) if section else OTHER_THEME_TITLE)
        themes[key].tasks.append(task)
        task.theme_key = key
    ordered = [t for k, t in themes.items() if k != "other"]
    if "other" in themes:
        ordered.append(themes["other"])
    return ordered


def _list_themes(tasks: list[TaskFact], spec: list[dict]) -> list[Theme]:
    """A configured theme list: a task goes to the theme whose keywords its section title (×3), heading (×2)
    and text (×1) share most; ties to the earlier theme; none to 其他工作."""
    themes = [
        Theme(key=f"theme-{n}", title=_clean(t.get("title", "")), keywords=list(t.get("keywords") or []))
        for n, t in enumerate(spec, start=1)
        if t.get("title")
    ]
    other = Theme(key="other", title=OTHER_THEME_TITLE)
    for task in tasks:
        best, best_score = None, 0
        for theme in themes:
            score = sum(
                3 * (k in task.section_title) + 2 * (k in task.heading) + (k in task.text) for k in theme.keywords
            )
            if score > best_score:
                best, best_score = theme, score
        (best or other).tasks.append(task)
        task.theme_key = (best or other).key
    return themes + ([other] if other.tasks else [])


def _next_plan(
    *, jurisdiction: Unit, year: int, this_year: set[int], tasks: list[TaskFact]
) -> tuple[dict | None, list[str]]:
    """Next year's plan, where one exists: one made for that year first, then one issued in it, then a
    multi-year plan that covers it (then only its sections with work still open)."""
    nxt = year + 1
    candidates = list(
        Plan.objects.active()
        .filter(jurisdiction=jurisdiction)
        .filter(
            Q(period_start__lte=nxt, period_end__gte=nxt)
            | Q(period_start=nxt, period_end__isnull=True)
            | Q(issued_on__year=nxt)
        )
        .values("id", "title", "doc_number", "period_start", "period_end", "issued_on")
    )
    if not candidates:
        return None, []

    def rank(p: dict) -> tuple:
        made_for = p["period_start"] == nxt and (p["period_end"] in (None, nxt))
        issued = bool(p["issued_on"] and p["issued_on"].year == nxt)
        return (not made_for, not issued, p["id"] in this_year, -(p["id"]))

    plan = sorted(candidates, key=rank)[0]
    open_sections = None
    if plan["id"] in this_year:
        open_sections = {t.section_id for t in tasks if t.plan_id == plan["id"] and t.status != TaskStatus.DONE}
    with_tasks = set(Task.objects.active().filter(plan_id=plan["id"]).values_list("section_id", flat=True))
    titles = []
    for s in Section.objects.filter(plan_id=plan["id"], pk__in=with_tasks).order_by("position").values("id", "title"):
        if open_sections is not None and s["id"] not in open_sections:
            continue
        titles.append(_clean(s["title"]))
    return plan, titles[:MAX_NEXT_STEPS]


def assessment_facts(*, jurisdiction: Unit, year: int) -> AssessmentFacts | None:
    """The approved assessment cycle of the jurisdiction-year, if the assessment app has one: participants,
    average, the top units of each kind and the weakest categories. Any trouble reading it (the app is
    younger than this one) leaves the report without it rather than failing the job."""
    try:
        from assessment.models import AssessedKind, AssessmentCycle, CycleStatus, ItemScore, Submission
    except ImportError:  # pragma: no cover - the app is always installed in this project
        return None
    try:
        cycle = (
            AssessmentCycle.objects.filter(jurisdiction=jurisdiction, year=year, status=CycleStatus.APPROVED)
            .order_by("-approved_at", "-id")
            .first()
        )
        if cycle is None:
            return None
        rows = list(
            Submission.objects.filter(cycle=cycle, final_total__isnull=False)
            .order_by("-final_total", "unit__name")
            .values("unit__name", "unit__kind", "final_total")
        )
        labels = dict(AssessedKind.choices)
        kinds = []
        for kind, label in labels.items():
            mine = [r for r in rows if r["unit__kind"] == kind]
            if mine:
                kinds.append(
                    {
                        "label": label,
                        "count": len(mine),
                        "top": [{"name": r["unit__name"], "score": format_number(r["final_total"])} for r in mine[:3]],
                    }
                )
        average = ""
        if rows:
            average = format_number((sum(r["final_total"] for r in rows) / len(rows)).quantize(Decimal("0.1")))
        weakest = []
        from django.db.models import Sum
        from django.db.models.functions import Coalesce

        categories = (
            ItemScore.objects.filter(submission__cycle=cycle)
            .values("item__category__name")
            .annotate(score=Sum(Coalesce("reviewed_score", "self_score")), full=Sum("item__max_points"))
        )
        rates = []
        for c in categories:
            if c["full"] and c["score"] is not None:
                rates.append((c["score"] / c["full"] * 100, c["item__category__name"]))
        for rate, name in sorted(rates)[:2]:
            weakest.append({"name": name, "rate": format_number(Decimal(rate).quantize(Decimal("0.1")))})
        return AssessmentFacts(
            cycle_id=cycle.pk,
            title=cycle.title,
            units=len(rows),
            average=average,
            kinds=kinds,
            weakest=weakest,
        )
    except Exception:  # the assessment app may change under us; the report never fails for it
        log.exception("annual report: could not read the assessment results of %s %s", jurisdiction, year)
        return None


# --- wording -----------------------------------------------------------------------------------------------

WORDING_DIR = Path(settings.BASE_DIR) / "templates" / "reports" / "wording"
_ENGINE = Engine(autoescape=False, debug=False)


def default_wording(key: str) -> str:
    return (WORDING_DIR / f"{key}.txt").read_text(encoding="utf-8")


@cache
def _compiled(text: str) -> Template:
    return _ENGINE.from_string(text)


def compile_wording(text: str) -> Template:
    """A wording template, compiled; raises ``TemplateSyntaxError`` with Django's message."""
    return _compiled(text)


def wording_for(jurisdiction_id: int) -> dict[str, str]:
    """The jurisdiction's wording: its own templates where it has them, the default files elsewhere."""
    texts = {key: default_wording(key) for key in WordingKey.values}
    for key, text in WordingTemplate.objects.filter(jurisdiction_id=jurisdiction_id).values_list("key", "text"):
        texts[key] = text
    return texts


def render_wording(text: str, context: dict[str, Any]) -> str:
    """Fill a template; line breaks and the indentation around them vanish (Chinese needs no spaces)."""
    out = compile_wording(text).render(Context(context, autoescape=False))
    out = re.sub(r"\s*\n\s*", "", out)
    return out.strip()


class WordingError(Exception):
    def __init__(self, key: str, detail: str):
        super().__init__(detail)
        self.key = key
        self.detail = detail


# --- write -------------------------------------------------------------------------------------------------


def _sources(tasks=(), reports=(), statistics=(), plans=()) -> dict:
    return {
        "tasks": sorted(set(tasks)),
        "reports": sorted(set(reports))[:MAX_SOURCE_REPORTS],
        "statistics": sorted(set(statistics)),
        "plans": sorted(set(plans)),
    }


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", "", text or "")
    if text and text[-1] not in "。!?;;":
        text += "。"
    return text


def _unit_lines(task: TaskFact) -> list[dict]:
    """Per unit (leads first), what it did this year in its own words: its distinct accepted reports, the
    latest ``MAX_TEXTS_PER_UNIT`` of them in date order."""
    by_unit: dict[int, list[ReportFact]] = defaultdict(list)
    for r in task.reports:  # oldest first
        by_unit[r.unit_id].append(r)
    names = {rs[0].unit_id: rs[0].unit_name for rs in by_unit.values()}
    order = sorted(
        by_unit,
        key=lambda u: (task.leads.index(names[u]) if names[u] in task.leads else len(task.leads), -len(by_unit[u])),
    )
    lines, seen = [], set()
    for unit_id in order[:MAX_UNITS_PER_PARAGRAPH]:
        reports = by_unit[unit_id]
        texts = []
        for r in reports:
            text = _sentence(r.text)
            for name in (r.unit_name, r.unit_short):
                if name and text.startswith(name):
                    text = text[len(name) :]
                    break
            if text and text not in seen:
                seen.add(text)
                texts.append(text)
        texts = texts[-MAX_TEXTS_PER_UNIT:]
        if texts:
            lines.append({"name": names[unit_id], "text": "".join(texts), "date": cn_date(reports[-1].reported_on)})
    return lines


def _figure_places(data: YearData) -> tuple[dict[int, list[Figure]], dict[str, list[Figure]], list[Figure]]:
    """Where each entered figure goes: the active task that shares most of its keywords (heading ×2, section
    title and text ×1), unless a theme shares as much or more (its title ×2, keywords and task headings ×1;
    the figure then gets the theme's own data paragraph); else the opening. Honours go to the opening."""
    by_task: dict[int, list[Figure]] = defaultdict(list)
    by_theme: dict[str, list[Figure]] = defaultdict(list)
    opening: list[Figure] = []
    active = [t for t in data.tasks if t.active]
    for f in data.figures:
        if f.computed or not f.has_value or f.kind == IndicatorKind.TEXT:
            continue
        best, best_hits = None, 0
        for t in active:
            hits = sum(2 * (k in t.heading) + (k in t.section_title) + (k in t.text) for k in f.keywords)
            if hits > best_hits:
                best, best_hits = t, hits
        theme_best, theme_hits = None, 0
        for theme in data.themes:
            hits = sum(
                2 * (k in theme.title) + (k in theme.keywords) + any(k in t.heading for t in theme.tasks)
                for k in f.keywords
            )
            if hits > theme_hits:
                theme_best, theme_hits = theme, hits
        if best is not None and best_hits > theme_hits:
            by_task[best.id].append(f)
        elif theme_best is not None:
            by_theme[theme_best.key].append(f)
        else:
            opening.append(f)
    return by_task, by_theme, opening


def _assessment_theme(themes: list[Theme]) -> str | None:
    if not themes:
        return None
    scored = [
        (sum(k in t.title or k in t.keywords for k in ASSESSMENT_KEYWORDS), -n, t.key) for n, t in enumerate(themes)
    ]
    best = max(scored)
    return best[2] if best[0] else themes[0].key


def write(data: YearData, wording: dict[str, str]) -> dict:
    """The draft as a version body: title, opening, one section per theme, shortcomings, next steps."""

    def fill(key: str, context: dict) -> str:
        base = {
            "year": data.year,
            "next_year": data.year + 1,
            "self_ref": data.self_ref,
            "government": data.government,
            "jurisdiction": data.jurisdiction_name,
        }
        try:
            return render_wording(wording[key], {**base, **context})
        except TemplateSyntaxError as exc:
            raise WordingError(key, str(exc)) from exc
        except Exception as exc:  # a template that breaks at render time: say which one
            raise WordingError(key, f"{type(exc).__name__}: {exc}") from exc

    by_task, by_theme, opening_figures = _figure_places(data)
    targets_by_task: dict[int, list[TargetCheck]] = defaultdict(list)
    for check in data.targets:
        targets_by_task[check.task_id].append(check)
    stat_ids_of = {f.indicator_id: f.statistic_ids for f in data.figures}
    assessment_key = _assessment_theme(data.themes) if data.assessment else None
    assessment_ids = [i for f in data.figures if f.computed.startswith("assessment") for i in f.statistic_ids]

    sections: list[dict] = []
    counts = {
        "tasks": len(data.tasks),
        "done": int(data.computed.get(Computed.TASKS_COMPLETED, 0)),
        "overdue": int(data.computed.get(Computed.TASKS_OVERDUE, 0)),
        "reports": int(data.computed.get(Computed.REPORTS_ACCEPTED, 0)),
        "units": int(data.computed.get(Computed.UNITS_REPORTING, 0)),
        "active": sum(1 for t in data.tasks if t.active),
    }
    honours = [f for f in data.figures if f.kind == IndicatorKind.TEXT and f.has_value]
    assessment_ctx = _assessment_context(data.assessment)
    opening_text = fill(
        "opening",
        {
            "has_data": data.has_data,
            "plans": [{"title": p["title"], "doc_number": p["doc_number"]} for p in data.plans],
            "counts": counts,
            "honours": [f.context() for f in honours],
            "other_figures": [f.context() for f in opening_figures],
            "assessment": assessment_ctx,
        },
    )
    computed_ids = [i for f in data.figures if f.computed for i in f.statistic_ids]
    sections.append(
        {
            "key": "opening",
            "kind": "opening",
            "title": "",
            "paragraphs": [
                {
                    "key": "opening",
                    "title": "",
                    "text": opening_text,
                    "sources": _sources(
                        plans=[p["id"] for p in data.plans],
                        statistics=computed_ids + [i for f in honours + opening_figures for i in f.statistic_ids],
                    ),
                }
            ],
        }
    )

    for theme in data.themes:
        paragraphs = []
        for task in theme.tasks:
            if not task.active:
                continue
            figures = by_task.get(task.id, [])
            checks = [c for c in targets_by_task.get(task.id, []) if c.met is not None]
            context = {
                "task": {
                    "heading": task.heading,
                    "number": task.number,
                    "units": _unit_lines(task),
                    "completed_on": cn_date(task.completed_on) if task.year_of_completion else "",
                    "report_count": len(task.reports),
                    "unit_count": len({r.unit_id for r in task.reports}),
                    "leads": task.leads,
                    "figures": [f.context() for f in figures],
                    "targets": [{"sentence": c.sentence, "met": c.met} for c in checks],
                }
            }
            text = fill("paragraph", context)
            if not text:
                continue
            paragraphs.append(
                {
                    "key": f"task-{task.id}",
                    "title": task.heading,
                    "text": text,
                    "sources": _sources(
                        tasks=[task.id],
                        reports=[r.id for r in reversed(task.reports)],
                        statistics=[i for f in figures for i in f.statistic_ids]
                        + [i for c in checks for i in stat_ids_of.get(c.figure.indicator_id, [])],
                    ),
                }
            )
        theme_figures = by_theme.get(theme.key, [])
        if theme_figures:
            paragraphs.append(
                {
                    "key": f"figures-{theme.key}",
                    "title": "主要数据",
                    "text": fill("figures", {"figures": [f.context() for f in theme_figures], "theme": theme.title}),
                    "sources": _sources(statistics=[i for f in theme_figures for i in f.statistic_ids]),
                }
            )
        if assessment_ctx and theme.key == assessment_key:
            paragraphs.append(
                {
                    "key": "assessment",
                    "title": "开展年度法治政府建设考核",
                    "text": fill("assessment", {"assessment": assessment_ctx}),
                    "sources": _sources(statistics=assessment_ids),
                }
            )
        if not paragraphs:
            paragraphs.append(
                {
                    "key": f"empty-{theme.key}",
                    "title": "",
                    "text": fill(
                        "empty_theme",
                        {
                            "theme": {
                                "title": theme.title,
                                "task_count": len(theme.tasks),
                                "headings": [t.heading for t in theme.tasks[:MAX_NAMES]],
                            }
                        },
                    ),
                    "sources": _sources(tasks=[t.id for t in theme.tasks]),
                }
            )
        sections.append({"key": theme.key, "kind": "theme", "title": theme.title, "paragraphs": paragraphs})

    items, item_tasks = _shortcomings(data)
    sections.append(
        {
            "key": "shortcomings",
            "kind": "shortcomings",
            "title": "",
            "paragraphs": [
                {
                    "key": "shortcomings",
                    "title": "",
                    "text": fill("shortcomings", {"items": items}),
                    "sources": _sources(tasks=item_tasks),
                }
            ],
        }
    )
    steps, step_tasks = _next_steps(data)
    sections.append(
        {
            "key": "next-steps",
            "kind": "next_steps",
            "title": "",
            "paragraphs": [
                {
                    "key": "next-steps",
                    "title": "",
                    "text": fill(
                        "next_steps",
                        {
                            "items": steps,
                            "next_plan": (
                                {"title": data.next_plan["title"], "doc_number": data.next_plan["doc_number"]}
                                if data.next_plan
                                else None
                            ),
                        },
                    ),
                    "sources": _sources(tasks=step_tasks, plans=[data.next_plan["id"]] if data.next_plan else []),
                }
            ],
        }
    )
    title = fill("title", {})
    return {"title": title, "sections": sections}


def _assessment_context(a: AssessmentFacts | None) -> dict | None:
    if a is None:
        return None
    return {"title": a.title, "units": a.units, "average": a.average, "kinds": a.kinds, "weakest": a.weakest}


def _quoted(headings: list[str]) -> str:
    shown = headings[:MAX_NAMES]
    more = "等" if len(headings) > len(shown) else ""
    return "".join(f"“{h}”" for h in shown) + more


def _shortcomings(data: YearData) -> tuple[list[dict], list[int]]:
    """Weak areas, from the data only: overdue tasks, tasks with no accepted progress all year, targets not
    met, the assessment's weakest categories."""
    items: list[dict] = []
    tasks: list[int] = []
    overdue = [t for t in data.tasks if t.status == TaskStatus.OVERDUE]
    if overdue:
        leads = list(dict.fromkeys(u for t in overdue for u in t.leads))
        who = f"(牵头单位:{'、'.join(leads[:MAX_NAMES])}{'等' if len(leads) > MAX_NAMES else ''})" if leads else ""
        items.append({"text": f"{_quoted([t.heading for t in overdue])}{len(overdue)}项任务未在时限内完成{who}"})
        tasks += [t.id for t in overdue]
    silent = [t for t in data.tasks if not t.reports and t.status != TaskStatus.DONE and t.status != TaskStatus.OVERDUE]
    if silent:
        items.append({"text": f"{_quoted([t.heading for t in silent])}{len(silent)}项任务全年没有经审核采纳的工作进展"})
        tasks += [t.id for t in silent]
    unmet = [c for c in data.targets if c.met is False]
    for c in unmet[:MAX_NAMES]:
        items.append({"text": f"“{c.text}”的量化目标全年实际完成{c.figure.display},未达到要求"})
        tasks.append(c.task_id)
    if data.assessment and data.assessment.weakest:
        names = "、".join(f"“{w['name']}”(得分率{w['rate']}%)" for w in data.assessment.weakest)
        items.append({"text": f"年度考核中{names}得分率较低,相关工作有待加强"})
    for n, item in enumerate(items, start=1):
        item["ordinal"] = ordinal(n)
    return items, tasks


def _next_steps(data: YearData) -> tuple[list[dict], list[int]]:
    """From next year's plan where one exists (its themes), else the work left open at the end of the year."""
    items: list[dict] = []
    tasks: list[int] = []
    if data.next_sections:
        items = [{"text": title} for title in data.next_sections]
    else:
        open_by_theme = []
        for theme in data.themes:
            open_tasks = [t for t in theme.tasks if t.status != TaskStatus.DONE]
            if open_tasks:
                open_by_theme.append((theme, open_tasks))
        open_by_theme.sort(key=lambda p: -len(p[1]))
        for theme, open_tasks in open_by_theme[:5]:
            items.append(
                {
                    "text": f"围绕“{theme.title}”,继续推进{_quoted([t.heading for t in open_tasks])}"
                    f"{len(open_tasks)}项尚未完成的任务"
                }
            )
            tasks += [t.id for t in open_tasks]
    for n, item in enumerate(items, start=1):
        item["ordinal"] = ordinal(n)
    return items, tasks
