"""Reads of the reports app that span relations: the report list and page, version differences, the figures
table with the plans' quantitative targets checked against it. A fixed number of queries each."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lawgov.models import ACTIVE_JOB_STATUSES, JobStatus, Unit, UnitKind, User
from plans.models import Plan, Target, Task
from reports.docx_render import paragraph_labels
from reports.generator import check_targets, gather_figures  # the same rules the draft uses
from reports.models import (
    AnnualReport,
    Indicator,
    ReportJob,
    ReportVersion,
    Statistic,
)
from tasks.models import ProgressReport


def jurisdictions_for(user: User) -> list[Unit]:
    """The 市/区 the user works for (a city's legal office: the city and its districts)."""
    if user.is_superuser and not user.jurisdictions():
        return list(Unit.objects.active().filter(kind__in=[UnitKind.CITY, UnitKind.DISTRICT]).order_by("name"))
    return list(user.jurisdictions())


@dataclass
class ReportRow:
    report: AnnualReport
    versions: int
    active_job: ReportJob | None


def report_list(*, user: User) -> list[ReportRow]:
    reports = list(
        AnnualReport.objects.visible_to(user)
        .select_related("jurisdiction", "published_version")
        .annotate(version_count=Count("versions"))
        .order_by("-year", "jurisdiction__name")
    )
    active = {
        j.report_id: j
        for j in ReportJob.objects.filter(report__in=reports, status__in=ACTIVE_JOB_STATUSES).order_by("created_at")
    }
    return [ReportRow(r, r.version_count, active.get(r.pk)) for r in reports]


@dataclass
class ReportPage:
    report: AnnualReport
    version: ReportVersion | None  # the one shown
    latest: ReportVersion | None
    versions: list[ReportVersion]
    job: ReportJob | None  # the latest job (running, failed or done)
    sections: list[dict]  # paragraphs labelled (一、/(一)) and with their source links


def report_page(*, report: AnnualReport, number: int | None = None) -> ReportPage:
    versions = list(
        report.versions.select_related("created_by").order_by("-number").defer("body")
    )  # the list needs no bodies
    latest_number = versions[0].number if versions else None
    wanted = number or latest_number
    version = report.versions.select_related("created_by").filter(number=wanted).first() if wanted else None
    latest = version if version is not None and version.number == latest_number else None
    if latest is None and latest_number is not None:
        latest = report.versions.get(number=latest_number)
    job = report.jobs.select_related("requested_by").order_by("-created_at", "-id").first()
    sections = paragraph_labels(version.body) if version else []
    links = source_links(sections, report=report)
    for section in sections:
        for para in section["paragraphs"]:
            para["links"] = found = links.get(para["key"], {})
            counts = [
                (len(found.get("tasks", [])), "任务{}项"),
                (len(found.get("reports", [])), "进展{}条"),
                (len(found.get("statistics", [])), "数据{}项"),
                (len(found.get("plans", [])), "规划{}份"),
            ]
            found["summary"] = " · ".join(label.format(n) for n, label in counts if n)
    return ReportPage(
        report=report,
        version=version,
        latest=latest,
        versions=versions,
        job=job,
        sections=sections,
    )


def source_links(sections: list[dict], *, report: AnnualReport) -> dict:
    """Each paragraph's sources as links: its tasks, the progress reports on them, the figures it cites."""
    task_ids, report_ids = set(), set()
    for s in sections:
        for p in s["paragraphs"]:
            task_ids |= set(p.get("sources", {}).get("tasks", []))
            report_ids |= set(p.get("sources", {}).get("reports", []))
    tasks = {t["id"]: t for t in Task.objects.filter(pk__in=task_ids).values("id", "number", "heading")}
    report_tasks = dict(ProgressReport.objects.filter(pk__in=report_ids).values_list("id", "task_id"))
    figures_url = reverse("figures-year", args=[report.jurisdiction_id, report.year])
    out = {}
    for s in sections:
        for p in s["paragraphs"]:
            src = p.get("sources", {})
            out[p["key"]] = {
                "tasks": [
                    {
                        "url": reverse("tasks:detail", args=[i]),
                        "label": f"任务{tasks[i]['number']}",
                        "title": tasks[i]["heading"],
                    }
                    for i in src.get("tasks", [])
                    if i in tasks
                ],
                "reports": [
                    {"url": reverse("tasks:detail", args=[report_tasks[i]]) + f"#report-{i}", "label": f"进展#{i}"}
                    for i in src.get("reports", [])
                    if i in report_tasks
                ],
                "statistics": [
                    {"url": f"{figures_url}#stat-{i}", "label": f"数据#{i}"} for i in src.get("statistics", [])
                ],
                "plans": [{"url": reverse("plans:detail", args=[i]), "label": "规划"} for i in src.get("plans", [])],
            }
    return out


# --- differences between versions ------------------------------------------------------------------------------


def inline_diff(old: str, new: str) -> SafeString:
    """Character-level difference (Chinese has no words to split on) as <del>/<ins>, escaped."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(old[a0:a1]))
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[a0:a1])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[b0:b1])}</ins>")
    return mark_safe("".join(out))


@dataclass
class ParagraphDiff:
    key: str
    state: str  # same / changed / added / removed
    title: str
    html: SafeString
    edited: bool = False  # written by a person in the old version
    overridden: bool = False  # and replaced by this regeneration


@dataclass
class SectionDiff:
    key: str
    title: str
    state: str
    paragraphs: list[ParagraphDiff]

    @property
    def changed(self) -> bool:
        return self.state != "same"


def version_diff(old: ReportVersion, new: ReportVersion) -> list[SectionDiff]:
    """Section by section, paragraph by paragraph (matched by key), what changed from ``old`` to ``new``."""
    old_sections = {s["key"]: s for s in paragraph_labels(old.body)}
    out = []
    new_sections = paragraph_labels(new.body)
    seen = set()
    for section in new_sections:
        seen.add(section["key"])
        before = old_sections.get(section["key"])
        old_paras = {p["key"]: p for p in (before or {}).get("paragraphs", [])}
        paragraphs = []
        for p in section["paragraphs"]:
            prev = old_paras.pop(p["key"], None)
            title = p.get("title") or ""
            if prev is None:
                paragraphs.append(ParagraphDiff(p["key"], "added", title, inline_diff("", p["text"])))
                continue
            same = prev["text"] == p["text"] and (prev.get("title") or "") == title
            html = escape(p["text"]) if same else inline_diff(prev["text"], p["text"])
            if (prev.get("title") or "") != title:
                title = f"{prev.get('title') or ''} → {title}"
            paragraphs.append(
                ParagraphDiff(
                    p["key"],
                    "same" if same else "changed",
                    title,
                    mark_safe(html) if same else html,
                    edited=p["key"] in old.edited_keys,
                    overridden=p["key"] in new.overrode,
                )
            )
        for key, prev in old_paras.items():
            paragraphs.append(
                ParagraphDiff(
                    key,
                    "removed",
                    prev.get("title") or "",
                    inline_diff(prev["text"], ""),
                    edited=key in old.edited_keys,
                    overridden=key in new.overrode,
                )
            )
        title_text = f"{section['label']}{section.get('title', '')}"
        if before is None:
            state = "added"
        elif any(p.state != "same" for p in paragraphs) or before.get("title") != section.get("title"):
            state = "changed"
        else:
            state = "same"
        out.append(SectionDiff(section["key"], title_text or _SPECIAL.get(section["kind"], ""), state, paragraphs))
    for key, section in old_sections.items():
        if key in seen:
            continue
        out.append(
            SectionDiff(
                key,
                f"{section['label']}{section.get('title', '')}",
                "removed",
                [
                    ParagraphDiff(p["key"], "removed", p.get("title") or "", inline_diff(p["text"], ""))
                    for p in section["paragraphs"]
                ],
            )
        )
    return out


_SPECIAL = {"opening": "开头概述", "shortcomings": "存在的不足", "next_steps": "下一步工作"}


def section_label(section: dict) -> str:
    return f"{section.get('label', '')}{section.get('title', '')}" or _SPECIAL.get(section.get("kind"), "")


# --- figures ---------------------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    indicator: Indicator
    total: str  # the jurisdiction's figure as the report will cite it
    own: Statistic | None  # the jurisdiction's own row
    units: list[Statistic]
    mine: Statistic | None = None  # a reporter's own unit's row


@dataclass
class TargetRow:
    plan: str
    task_id: int
    task: str
    text: str
    figure: str
    met: bool | None


def figures_table(*, jurisdiction: Unit, year: int, user: User) -> tuple[list[FigureRow], list[TargetRow]]:
    """The indicators of the jurisdiction with this year's values (those the user may see), and the plans'
    quantitative targets checked against them by the draft's own rule."""
    indicators = list(Indicator.objects.for_jurisdiction(jurisdiction).order_by("position", "id"))
    stats = defaultdict(list)
    visible = Statistic.objects.visible_to(user).filter(jurisdiction=jurisdiction, year=year)
    for s in visible.select_related("unit", "indicator", "entered_by").order_by("unit__kind", "unit__name"):
        stats[s.indicator_id].append(s)
    figures = {f.indicator_id: f for f in gather_figures(jurisdiction=jurisdiction, year=year)}
    rows = []
    for ind in indicators:
        mine = stats.get(ind.pk, [])
        own = next((s for s in mine if s.unit_id == jurisdiction.pk), None)
        fig = figures.get(ind.pk)
        rows.append(
            FigureRow(
                indicator=ind,
                total=fig.display if fig is not None and fig.has_value else "",
                own=own,
                units=[s for s in mine if s.unit_id != jurisdiction.pk],
                mine=next((s for s in mine if s.unit_id == user.unit_id), None) if user.unit_id else None,
            )
        )
    targets = []
    year_plans = (
        Plan.objects.active()
        .filter(jurisdiction=jurisdiction)
        .filter(
            Q(period_start__lte=year, period_end__gte=year)
            | Q(period_start__isnull=True, issued_on__year__lte=year)
            | Q(period_start=year)
        )
    )
    task_rows = {
        t["id"]: t
        for t in Task.objects.active()
        .filter(plan__in=year_plans, pk__in=Target.objects.values("task_id"))
        .values("id", "number", "heading", "plan__title")
    }
    if task_rows:
        target_rows = list(
            Target.objects.filter(task_id__in=list(task_rows))
            .order_by("task_id", "id")
            .values("task_id", "text", "value", "measure", "comparison")
        )
        headings = {i: t["heading"] for i, t in task_rows.items()}
        for check in check_targets(target_rows, headings=headings, figures=list(figures.values())):
            t = task_rows[check.task_id]
            targets.append(
                TargetRow(
                    plan=t["plan__title"],
                    task_id=check.task_id,
                    task=f"{t['number']}. {t['heading']}",
                    text=check.text,
                    figure=f"{check.figure.name}:{check.figure.display}" if check.figure else "",
                    met=check.met,
                )
            )
    return rows, targets


def latest_years(*, jurisdiction: Unit) -> list[int]:
    """Years that have figures or a report, newest first (for the year picker)."""
    years = set(Statistic.objects.filter(jurisdiction=jurisdiction).values_list("year", flat=True).distinct())
    years |= set(AnnualReport.objects.filter(jurisdiction=jurisdiction).values_list("year", flat=True))
    return sorted(years, reverse=True)


def last_failure(report: AnnualReport) -> ReportJob | None:
    """The latest job, if it failed: the page shows its reason above the last good draft."""
    job = report.jobs.order_by("-created_at", "-id").first()
    return job if job is not None and job.status == JobStatus.FAILED else None
