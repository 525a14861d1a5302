"""Write a draft from the gathered facts: pure Python over the facts and the wording templates. No sentence
is made up here: each one is a wording template filled with facts, and each paragraph carries the ids of the
tasks, progress reports and figures it came from."""

from __future__ import annotations

import re
from collections import defaultdict

from django.template import TemplateSyntaxError

from reports.generator.facts import (
    ASSESSMENT_KEYWORDS,
    MAX_NAMES,
    MAX_SOURCE_REPORTS,
    MAX_TEXTS_PER_UNIT,
    MAX_UNITS_PER_PARAGRAPH,
    AssessmentFacts,
    Figure,
    ReportFact,
    TargetCheck,
    TaskFact,
    Theme,
    YearData,
    cn_date,
    ordinal,
)
from reports.generator.wording import WordingError, render_wording
from reports.models import (
    Computed,
    IndicatorKind,
)
from tasks.status import TaskStatus


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
    return {
        "title": title,
        "addressee": data.addressee,
        "sections": sections,
        "signature": data.signature,
        "date": data.dated,
    }


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
