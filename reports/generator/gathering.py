"""Gather a jurisdiction-year's facts: reads only, a fixed number of queries whatever the size of the year
(plans, sections, tasks, assignments, targets, accepted reports, figures, assessment)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessment.models import AssessedKind, AssessmentCycle, CycleStatus, ItemScore, Submission
from lawgov.models import Unit, UnitKind
from plans.models import Assignment, Plan, Section, Target, Task
from reports.generator.facts import (
    GUANGZHOU_THEMES,
    MAX_NEXT_STEPS,
    OTHER_THEME_TITLE,
    AssessmentFacts,
    Figure,
    ReportFact,
    TargetCheck,
    TaskFact,
    Theme,
    YearData,
    attributed,
    attributed_text,
    default_addressee,
    document_date,
    government_name,
    self_reference,
)
from reports.models import (
    Computed,
    DateStyle,
    Indicator,
    IndicatorKind,
    ReportSettings,
    Statistic,
    ThemeList,
    format_number,
)
from tasks.models import ProgressReport, ReportStatus
from tasks.status import TaskStatus, task_status

log = logging.getLogger(__name__)


def gather(*, jurisdiction: Unit, year: int, theme_list: ThemeList | None, today: dt.date) -> YearData:
    """Everything the draft may say about the jurisdiction's year, in a fixed number of queries."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    as_of = min(today, end)
    accepted_in_year = Q(
        progress_reports__status=ReportStatus.ACCEPTED,
        progress_reports__deleted_at__isnull=True,
        progress_reports__reported_on__range=(start, end),
    )
    # A city drafts from its own plans and its districts' (attributed to them); a district from its own.
    districts = districts_of(jurisdiction)
    district_names = {d.pk: d.name for d in districts}
    scope = [jurisdiction.pk, *district_names]
    tasks_here = Task.objects.active().filter(plan__jurisdiction__in=scope)
    worked = tasks_here.filter(accepted_in_year | Q(progress__completed_on__range=(start, end))).values("plan_id")
    due = tasks_here.filter(due_on__range=(start, end)).values("plan_id")
    # A plan counts for the year when its period covers it, when work on it was accepted or completed in it,
    # or — a plan that prints no period (番禺's scheme) — when its tasks fall due in it.
    covers = Q(period_start__lte=year, period_end__gte=year) | Q(period_start=year, period_end__isnull=True)
    plans = list(
        Plan.objects.active()
        .filter(jurisdiction__in=scope)
        .filter(covers | Q(pk__in=worked) | Q(period_start__isnull=True, pk__in=due))
        .exclude(period_start__gt=year)
        .order_by("issued_on", "id")
        .values("id", "title", "doc_number", "kind", "period_start", "period_end", "issued_on", "jurisdiction_id")
    )
    plan_ids = [p["id"] for p in plans]
    district_of_plan = {p["id"]: district_names.get(p["jurisdiction_id"], "") for p in plans}
    plans = [p for p in plans if p["jurisdiction_id"] == jurisdiction.pk]  # the opening cites its own plans
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
        district = district_of_plan[by_id[r["task_id"]].plan_id]
        by_id[r["task_id"]].reports.append(
            ReportFact(
                id=r["id"],
                task_id=r["task_id"],
                unit_id=r["unit_id"],
                unit_name=attributed(district, r["unit__name"]),
                unit_short=attributed(district, r["unit__short_name"]) if r["unit__short_name"] else "",
                reported_on=r["reported_on"],
                text=attributed_text(district, r["unit__name"], r["text"]),
            )
        )

    computed = _computed_values(tasks)
    assessment = assessment_facts(jurisdiction=jurisdiction, year=year)
    if assessment is not None:
        computed[Computed.ASSESSMENT_UNITS] = Decimal(assessment.units)
        if assessment.average:
            computed[Computed.ASSESSMENT_AVERAGE] = Decimal(assessment.average)
    figures = _figures(jurisdiction=jurisdiction, year=year, computed=computed, districts=districts)
    targets = _targets(task_ids=task_ids, tasks=by_id, figures=figures)

    # The districts' plans have sections of their own: a city's report is grouped by a theme list.
    with_data = sorted(
        {district_of_plan[t.plan_id] for t in tasks if t.active} - {""}
        | {name for f in figures for name, _ in f.district_parts}
    )
    theme_mode = "list" if theme_list is not None or not plan_ids or with_data else "plan"
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
        districts=[d.name for d in districts],
        districts_with_data=with_data,
        **_document_parts(jurisdiction),
    )


def _leaders(rows: list[dict], n: int = 3) -> list[dict]:
    """The units "位居前列": the best ``n``, at most a third of those assessed, fewer where a tie straddles
    the cut, so that a unit is never named ahead of another with the same score (a nine-way tie names no
    one, and of two units neither is "among the first")."""
    top = rows[: min(n, len(rows) // 3)]
    while top and len(rows) > len(top) and rows[len(top)]["final_total"] == top[-1]["final_total"]:
        top = top[:-1]
    return top


def _document_parts(jurisdiction: Unit) -> dict:
    """主送机关, 落款 and 成文日期 from the jurisdiction's report settings (defaults where it has none)."""
    stored = ReportSettings.objects.filter(jurisdiction=jurisdiction).first()
    style = stored.date_style if stored else DateStyle.ARABIC
    return {
        "addressee": (stored.addressee if stored else "") or default_addressee(jurisdiction),
        "signature": (stored.signature if stored else "") or government_name(jurisdiction),
        "dated": document_date(timezone.localdate(), style),
    }


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


def districts_of(jurisdiction: Unit) -> list[Unit]:
    """The districts whose data a city's report draws on (none for a district)."""
    if jurisdiction.kind != UnitKind.CITY:
        return []
    return list(Unit.objects.active().filter(parent=jurisdiction, kind=UnitKind.DISTRICT).order_by("name"))


def gather_figures(*, jurisdiction: Unit, year: int) -> list[Figure]:
    """The figures as the draft would cite them, computed ones as the last generation stored them."""
    return _figures(jurisdiction=jurisdiction, year=year, computed=None, districts=districts_of(jurisdiction))


def _figures(
    *, jurisdiction: Unit, year: int, computed: dict[str, Decimal] | None, districts: list[Unit] = ()
) -> list[Figure]:
    """One figure per indicator with a value: the jurisdiction's own row, else the sum of its units' rows
    (for additive indicators); computed ones from ``computed`` (their rows are written by the job), or
    from the stored rows when ``computed`` is None. A city without its own row adds up its districts'
    figures (each district's own row, else the sum of its units'), naming each district (``district_parts``)."""
    indicators = list(Indicator.objects.for_jurisdiction(jurisdiction).order_by("position", "id"))
    rows = defaultdict(list)
    in_districts: dict[int, dict[int, list[Statistic]]] = defaultdict(lambda: defaultdict(list))
    for s in (
        Statistic.objects.filter(jurisdiction__in=[jurisdiction, *districts], year=year, indicator__in=indicators)
        .select_related("unit")
        .order_by("unit__kind", "unit__name")
    ):
        if s.jurisdiction_id == jurisdiction.pk:
            rows[s.indicator_id].append(s)
        else:
            in_districts[s.indicator_id][s.jurisdiction_id].append(s)
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
        if not ind.computed and not fig.has_value and ind.kind == IndicatorKind.NUMBER and ind.additive:
            _add_districts(fig, districts, in_districts.get(ind.pk, {}))
        if fig.has_value or ind.computed:
            figures.append(fig)
    return figures


def _add_districts(fig: Figure, districts: list[Unit], rows: dict[int, list[Statistic]]) -> None:
    """A city's figure as the sum of its districts' (their own total, else the sum of their units')."""
    parts = []
    for d in districts:
        mine = [s for s in rows.get(d.pk, []) if s.value is not None]
        own = [s for s in mine if s.unit_id == d.pk]
        used = own[:1] or mine
        if used:
            parts.append((d.name, sum((s.value for s in used), Decimal(0)), [s.pk for s in used]))
    if not parts:
        return
    fig.value = sum((v for _, v, _ in parts), Decimal(0))
    fig.statistic_ids = [i for _, _, ids in parts for i in ids]
    fig.district_parts = [(name, format_number(v)) for name, v, _ in parts]
    if len(parts) > 1:
        fig.parts = [(name, f"{format_number(v)}{fig.measure}") for name, v, _ in parts]


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
                        "top": [
                            {"name": r["unit__name"], "score": format_number(r["final_total"])} for r in _leaders(mine)
                        ],
                    }
                )
        average = ""
        if rows:
            average = format_number((sum(r["final_total"] for r in rows) / len(rows)).quantize(Decimal("0.1")))
        weakest = []
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
