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
    ordinal,
)
from reports.generator.prose import results, starts_with_unit, trim
from reports.generator.wording import FRAMES, Wording, WordingError, fill_frame, render_wording
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


def _figure_places(data: YearData) -> tuple[dict[int, list[Figure]], dict[str, list[Figure]], list[Figure]]:
    """Where each entered figure goes: the active task that shares most of its keywords (heading ×2, section
    title and text ×1), unless a theme shares as much or more (its title ×2, keywords and task headings ×1;
    the figure then gets the theme's own data paragraph); else the opening. Honours go to the opening."""
    by_task: dict[int, list[Figure]] = defaultdict(list)
    by_theme: dict[str, list[Figure]] = defaultdict(list)
    opening: list[Figure] = []
    active = [t for t in data.tasks if t.active]
    for f in data.figures:
        if f.computed or not f.has_value or f.kind == IndicatorKind.TEXT or _is_leadership(f):
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


def write(data: YearData, wording: dict[str, Wording]) -> dict:
    """The draft as a version body: title, opening, one section per theme, shortcomings, next steps."""

    base = {
        "year": data.year,
        "next_year": data.year + 1,
        "self_ref": data.self_ref,
        "government": data.government,
        "jurisdiction": data.jurisdiction_name,
    }
    common = {
        "年度": str(data.year),
        "下一年度": str(data.year + 1),
        "辖区自称": data.self_ref,
        "人民政府": data.government,
        "辖区": data.jurisdiction_name,
    }

    def fill(key: str, values: dict[str, str], context: dict) -> str:
        """The frame ``key`` filled with ``values``; where the office kept an advanced (Django) template for the
        piece this frame is a variant of, that template with the old ``context`` instead."""
        parent = FRAMES[key].variant_of or key
        try:
            if wording[parent].advanced:
                return render_wording(wording[parent].text, {**base, **context})
            return fill_frame(wording[key].text, {**common, **values})
        except TemplateSyntaxError as exc:
            raise WordingError(parent, str(exc)) from exc
        except KeyError as exc:
            raise WordingError(key, f"没有空位【{exc.args[0]}】") from exc
        except Exception as exc:  # a template that breaks at render time: say which one
            raise WordingError(parent, f"{type(exc).__name__}: {exc}") from exc

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
        "opening" if data.has_data else "opening_empty",
        _opening_values(data, counts, honours, opening_figures),
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

    if data.is_city:  # a city's report says whose data it holds, or that its districts have none
        shown = data.districts_with_data[:MAX_NAMES]
        named = "、".join(shown) + (
            f"等{len(data.districts_with_data)}个区" if len(data.districts_with_data) > len(shown) else ""
        )
        sections[0]["paragraphs"].append(
            {
                "key": "opening-districts",
                "title": "",
                "text": fill(
                    "city_districts" if data.districts_with_data else "city_no_districts",
                    {"有数据的区": named, "区数": str(len(data.districts_with_data))},
                    {"districts": data.districts_with_data},
                ),
                "sources": _sources(),
            }
        )

    measures_part: list[dict] = []
    for theme in data.themes:
        paragraph = _theme_paragraph(
            theme,
            fill=fill,
            figures_by_task=by_task,
            theme_figures=by_theme.get(theme.key, []),
            targets_by_task=targets_by_task,
            stat_ids_of=stat_ids_of,
            assessment=fill("assessment", _assessment_values(data.assessment), {"assessment": assessment_ctx})
            if assessment_ctx and theme.key == assessment_key
            else "",
            assessment_ids=assessment_ids,
        )
        if paragraph is not None:
            measures_part.append(paragraph)
    if not measures_part:
        measures_part.append(
            {
                "key": "measures-empty",
                "title": "",
                "text": fill(
                    "empty_theme" if data.tasks else "empty_year",
                    {"任务数": str(len(data.tasks))},
                    {"theme": {"title": "", "task_count": len(data.tasks), "headings": []}},
                ),
                "sources": _sources(tasks=[t.id for t in data.tasks]),
            }
        )
    sections.append(
        {
            "key": "measures",
            "kind": "measures",
            "title": f"{data.year}年法治政府建设的主要举措和成效",
            "paragraphs": measures_part,
        }
    )

    items, item_tasks = _shortcomings(data)
    sections.append(
        {
            "key": "shortcomings",
            "kind": "shortcomings",
            "title": "存在的不足和原因",
            "paragraphs": [
                {
                    "key": "shortcomings",
                    "title": "",
                    "text": fill(
                        "shortcomings" if items else "shortcomings_none" if data.has_data else "shortcomings_empty",
                        {"不足各项": ";".join(f"{i['ordinal']}是{i['text']}" for i in items)},
                        {"items": items, "has_data": data.has_data},
                    ),
                    "sources": _sources(tasks=item_tasks),
                }
            ],
        }
    )
    leading = [f for f in data.figures if f.has_value and not f.computed and _is_leadership(f)]
    sections.append(
        {
            "key": "leadership",
            "kind": "leadership",
            "title": "党政主要负责人履行推进法治建设第一责任人职责情况",
            "paragraphs": [
                {
                    "key": "leadership",
                    "title": "",
                    "text": fill(
                        "leadership" if leading else "leadership_empty",
                        {"履职数据": ",".join(f.sentence for f in leading)},
                        {"figures": [f.context() for f in leading]},
                    ),
                    "sources": _sources(statistics=[i for f in leading for i in f.statistic_ids]),
                }
            ],
        }
    )
    steps, step_tasks = _next_steps(data)
    sections.append(
        {
            "key": "next-steps",
            "kind": "next_steps",
            "title": f"{data.year + 1}年推进法治政府建设的主要安排",
            "paragraphs": [
                {
                    "key": "next-steps",
                    "title": "",
                    "text": fill(
                        "next_steps",
                        {
                            "工作方案": f"按照《{data.next_plan['title']}》的部署," if data.next_plan else "",
                            "安排各项": "".join(f"{s['ordinal']}是{s['text']}。" for s in steps),
                        },
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
    sections.append(
        {
            "key": "other",
            "kind": "other",
            "title": "其他需要报告的事项",
            "paragraphs": [{"key": "other", "title": "", "text": fill("other", {}, {}), "sources": _sources()}],
        }
    )
    title = fill("title", {}, {})
    return {
        "title": title,
        "addressee": data.addressee,
        "sections": sections,
        "signature": data.signature,
        "date": data.dated,
    }


# The 第一责任人 part draws on the figures an office records about its leaders (2019 督察规定 art. 25):
# an indicator belongs there by a keyword (第一责任人), or by its name.
LEADERSHIP_WORDS = ("第一责任人", "常务会议", "会前学法", "出庭应诉", "专题研究", "述法", "领导干部法治专题")
# A paragraph of the first part: about this many characters of measures after its topic sentence.
PARAGRAPH_TARGET = 260
WEAK_RATE = 80
MEASURE_LIMIT = 160
ORDINAL_RE = re.compile(r"^[一二三四五六七八九十]+是")


def _is_leadership(figure: Figure) -> bool:
    return any(w in figure.name for w in LEADERSHIP_WORDS) or "第一责任人" in figure.keywords


def _measure(task: TaskFact, *, seen: set[str], figures: list[Figure], checks: list[TargetCheck]) -> str:
    """One measure of a theme: what the task's units did, in the third person, facts first, then the task's
    figures and checked targets; empty where the units' notes hold nothing but plans and repeats."""
    by_unit: dict[int, list[ReportFact]] = defaultdict(list)
    for r in reversed(task.reports):  # newest first: the year's latest word on the task leads
        by_unit[r.unit_id].append(r)
    parts: list[str] = []
    for reports in list(by_unit.values())[:MAX_UNITS_PER_PARAGRAPH]:
        name = reports[0].unit_name
        found = results([r.text for r in reports[:MAX_TEXTS_PER_UNIT]], name, seen=seen)
        found = trim(found, limit=MEASURE_LIMIT // 2 if parts else MEASURE_LIMIT)
        if not found:
            continue
        if not starts_with_unit(found[0], [name, reports[0].unit_name]):
            found[0] = name + found[0]
        parts.append("".join(found))
    if figures:
        parts.append("全年" + ",".join(f.cited for f in figures) + "。")
    for check in checks:
        parts.append(_sentence(check.sentence))
    return "".join(parts)


def _theme_paragraph(
    theme: Theme,
    *,
    fill,
    figures_by_task: dict[int, list[Figure]],
    theme_figures: list[Figure],
    targets_by_task: dict[int, list[TargetCheck]],
    stat_ids_of: dict[int, list[int]],
    assessment: str,
    assessment_ids: list[int],
) -> dict | None:
    """One (一) paragraph of the first part: the theme as its title, a topic sentence from the wording, then
    the year's measures as 一是…二是…, built only from accepted reports, figures and the assessment, and cut
    at about ``PARAGRAPH_TARGET`` characters. None where the theme has nothing to tell."""
    seen: set[str] = set()
    measures: list[tuple[str, TaskFact | None]] = []
    tasks = sorted(
        (t for t in theme.tasks if t.active),
        key=lambda t: (not figures_by_task.get(t.id), -len(t.reports)),
    )
    for task in tasks:
        checks = [c for c in targets_by_task.get(task.id, []) if c.met is not None]
        text = _measure(task, seen=seen, figures=figures_by_task.get(task.id, []), checks=checks)
        if text:
            measures.append((text, task))
    if theme_figures:
        measures.append(("全年" + ",".join(f.cited for f in theme_figures) + "。", None))
    if assessment:
        measures.append((_sentence(assessment), None))
    if not measures:
        return None
    done = sum(1 for t in theme.tasks if t.year_of_completion)
    # A theme without tasks of its own (figures only) gets no topic sentence: the frame speaks of its tasks.
    legacy = {"theme": {"title": short_title(theme.title), "task_count": len(theme.tasks), "done": done}}
    values = {
        "方面": short_title(theme.title),
        "任务数": str(len(theme.tasks)),
        "完成任务数": str(done),
        "完成情况": f",年内完成{done}项" if done else "",
    }
    topic = fill("paragraph", values, legacy) if theme.tasks else ""
    kept, total = [], len(topic)
    for text, task in measures:
        if kept and total + len(text) > PARAGRAPH_TARGET + 40:
            continue
        kept.append((text, task))
        total += len(text) + 2
    many = len(kept) > 1
    body = "".join(f"{ordinal(n)}是{text}" if many else text for n, (text, _) in enumerate(kept, start=1))
    used = [t for _, t in kept if t is not None]
    return {
        "key": f"theme-{theme.key}",
        "title": theme.title,
        "text": _sentence(topic) + body if topic else body,
        "sources": _sources(
            tasks=[t.id for t in used],
            reports=[r.id for t in used for r in reversed(t.reports)],
            statistics=[i for t in used for f in figures_by_task.get(t.id, []) for i in f.statistic_ids]
            + [
                i
                for t in used
                for c in targets_by_task.get(t.id, [])
                if c.met is not None
                for i in stat_ids_of.get(c.figure.indicator_id, [])
            ]
            + [i for f in theme_figures for i in f.statistic_ids]
            + (assessment_ids if assessment else []),
        ),
    }


def _opening_values(data: YearData, counts: dict, honours: list[Figure], figures: list[Figure]) -> dict[str, str]:
    """The blanks of the opening: each optional clause empty when its facts are (a choice made here, not in
    the frame the office edits)."""
    plans = "、".join(f"《{p['title']}》" + (f"({p['doc_number']})" if p["doc_number"] else "") for p in data.plans)
    tasks, done = counts["tasks"], counts["done"]
    progress = ""
    if tasks:
        progress = f"全年部署法治政府建设重点任务{tasks}项"
        progress += f",已完成{done}项" if done else ""
        progress += ",其余任务按计划持续推进" if tasks > done else ""
        progress += "。"
    return {
        "规划部署": f"认真落实{plans}的各项部署," if plans else "",
        "任务情况": progress,
        "任务数": str(tasks),
        "完成任务数": str(done),
        "全年数据": "全年" + ",".join(f.cited for f in figures) + "。" if figures else "",
        "荣誉": "".join(f"{data.year}年,{data.self_ref}{h.sentence}。" for h in honours),
    }


def _assessment_values(a: AssessmentFacts | None) -> dict[str, str]:
    if a is None:
        return {}
    top = "".join(
        f"{k['label']}中," + "、".join(f"{t['name']}({t['score']}分)" for t in k["top"]) + "得分位居前列。"
        for k in a.kinds
        if k.get("top")
    )
    return {"考核名称": a.title, "参加单位数": str(a.units), "平均分": str(a.average), "位居前列": top}


def _assessment_context(a: AssessmentFacts | None) -> dict | None:
    if a is None:
        return None
    return {"title": a.title, "units": a.units, "average": a.average, "kinds": a.kinds, "weakest": a.weakest}


_VERBS = (
    "建立",
    "开展",
    "突出",
    "加强",
    "推进",
    "深化",
    "健全",
    "完善",
    "提高",
    "提升",
    "规范",
    "强化",
    "推动",
    "落实",
    "坚持",
    "严格",
    "全面",
    "深入",
    "持续",
    "加快",
    "优化",
    "创新",
    "依法",
)


def short_title(title: str) -> str:
    """A theme's title up to its first comma: 深化行政体制改革,加快转变政府职能 → 深化行政体制改革."""
    return re.split(r"[,\uff0c;\uff1b。]", title.strip())[0]


def _next_step(title: str) -> str:
    """A theme as next year's step: 进一步加强行政复议工作 / 扎实做好政务公开工作."""
    title = short_title(title)
    if title.startswith(_VERBS):
        return "进一步" + title if not title.startswith(("进一步", "持续", "全面", "深入")) else title
    return f"扎实做好{title}{'' if title.endswith('工作') else '工作'}"


def _shortcomings(data: YearData) -> tuple[list[dict], list[int]]:
    """Weak areas in the office's voice, grouped by theme, from the data only: tasks overdue, tasks whose
    progress was not reported all year, targets not met, the assessment's weakest categories. Units are not
    named (the office adds names where it chooses to)."""
    items: list[dict] = []
    tasks: list[int] = []
    for theme in data.themes:
        overdue = [t for t in theme.tasks if t.status == TaskStatus.OVERDUE]
        silent = [t for t in theme.tasks if not t.reports and t.status not in (TaskStatus.DONE, TaskStatus.OVERDUE)]
        if not (overdue or silent):
            continue
        parts = []
        if overdue:
            parts.append(f"{len(overdue)}项任务未能在时限内完成")
        if silent:
            parts.append(f"{len(silent)}项任务推进情况反映不够及时")
        items.append(
            {
                "text": f"{short_title(theme.title)}方面,部分工作推进滞后,{'、'.join(parts)}",
                "weight": len(overdue) * 2 + len(silent),
            }
        )
        tasks += [t.id for t in overdue + silent]
    items.sort(key=lambda i: -i["weight"])
    unmet = [c for c in data.targets if c.met is False]
    if unmet:
        shown = "、".join(f"“{c.text}”" for c in unmet[:2])
        items.append({"text": f"{shown}{'等' if len(unmet) > 2 else ''}量化目标尚未达到,与预期仍有差距"})
        tasks += [c.task_id for c in unmet]
    # A category is weak when it scored below WEAK_RATE % of its points across the units assessed.
    weak = [w for w in (data.assessment.weakest if data.assessment else []) if float(w["rate"]) < WEAK_RATE]
    if weak:
        names = "".join(f"“{w['name']}”" for w in weak)
        items.append({"text": f"年度考核中{names}{'等' if len(weak) > 1 else ''}方面得分率相对较低,相关工作仍需加强"})
    items = items[:5]
    for n, item in enumerate(items, start=1):
        item["ordinal"] = ordinal(n)
        item.pop("weight", None)
    return items, tasks


def _next_steps(data: YearData) -> tuple[list[dict], list[int]]:
    """Five or six steps: next year's plan's themes where one exists; else the themes with shortfalls first,
    then the others, each as a step (进一步加强…)."""
    items: list[dict] = []
    tasks: list[int] = []
    if data.next_sections:
        items = [{"text": _next_step(title)} for title in data.next_sections[:6]]
    else:

        def shortfall(theme: Theme) -> int:
            return sum(1 for t in theme.tasks if t.status != TaskStatus.DONE)

        ordered = sorted(data.themes, key=lambda th: -shortfall(th))
        for theme in ordered[:6]:
            items.append({"text": _next_step(theme.title)})
            tasks += [t.id for t in theme.tasks if t.status != TaskStatus.DONE]
    for n, item in enumerate(items, start=1):
        item["ordinal"] = ordinal(n)
    return items, tasks
