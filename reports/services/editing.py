"""Editing, versions and publication of the annual report.

Every draft, generated or edited, is a new ``ReportVersion``; an edit on a version that is no longer the
latest is refused (409), so nobody overwrites another's version silently. Publishing locks the report.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lawgov.models import ACTIVE_JOB_STATUSES, User
from reports import docx_render, generator
from reports.models import AnnualReport, ReportJob, ReportStatus, ReportVersion, VersionOrigin
from reports.services.access import ReportError, _require_draft, _require_office


def _paragraphs(body: dict) -> dict[str, dict]:
    return {p["key"]: p for s in body.get("sections", []) for p in s.get("paragraphs", [])}


def _overridden(previous: ReportVersion | None, body: dict) -> list[str]:
    """The paragraphs a person had written in ``previous`` that the new body does not keep as they were."""
    if previous is None or not previous.edited_keys:
        return []
    old, new = _paragraphs(previous.body), _paragraphs(body)
    out = []
    for key in previous.edited_keys:
        before = old.get(key)
        after = new.get(key)
        if before is None:
            continue
        if after is None or (after.get("text"), after.get("title")) != (before.get("text"), before.get("title")):
            out.append(key)
    return out


def _version_create(
    *,
    report: AnnualReport,
    previous: ReportVersion | None,
    origin: str,
    body: dict,
    by: User | None,
    edited_keys: list[str],
    overrode: list[str] | None = None,
    job: ReportJob | None = None,
    facts: dict | None = None,
    note: str = "",
) -> ReportVersion:
    number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    return ReportVersion.objects.create(
        report=report,
        number=number,
        origin=origin,
        title=(body.get("title") or report.title)[:200],
        body=body,
        edited_keys=sorted(set(edited_keys)),
        overrode=overrode or [],
        facts=facts if facts is not None else (previous.facts if previous else {}),
        note=note[:300],
        job=job,
        created_by=by,
    )


def _require_editable(report: AnnualReport, by: User) -> None:
    _require_office(by, report.jurisdiction, "修改年度报告")
    _require_draft(report)


def _latest_locked(report: AnnualReport) -> tuple[AnnualReport, ReportVersion]:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    latest = report.versions.order_by("-number").first()
    if latest is None:
        raise ReportError("no_draft", "还没有草稿,请先生成。", 409)
    return report, latest


@dataclass
class ParagraphInput:
    key: str
    title: str
    text: str


@transaction.atomic
def report_section_save(
    *,
    report: AnnualReport,
    section_key: str,
    base_number: int,
    paragraphs: list[ParagraphInput],
    by: User,
    title: str | None = None,
) -> ReportVersion:
    """Save a person's edit of one section as a new version. Refused (409) when the draft changed since the
    page was opened — nobody overwrites another's version silently. A paragraph left empty is removed; one
    with a new key is added; the sources of kept paragraphs stay."""
    _require_editable(report, by)
    report, latest = _latest_locked(report)
    if latest.number != base_number:
        raise ReportError(
            "stale_version",
            f"草稿已更新为第{latest.number}版(您打开的是第{base_number}版),请在最新版本上修改。",
            409,
        )
    body = copy.deepcopy(latest.body)
    section = next((s for s in body.get("sections", []) if s["key"] == section_key), None)
    if section is None:
        raise ReportError("no_section", "草稿中没有这一部分。", 404)
    old = {p["key"]: p for p in section.get("paragraphs", [])}
    changed: set[str] = set()
    new_paragraphs = []
    for item in paragraphs:
        text = item.text.replace("\r\n", "\n").strip()
        para_title = generator._clean(item.title) if item.title else ""
        before = old.get(item.key)
        if not text:
            if before is not None:
                changed.add(item.key)
            continue
        key = item.key if before is not None else f"manual-{uuid.uuid4().hex[:8]}"
        if before is None or before.get("text") != text or (before.get("title") or "") != para_title:
            changed.add(key)
        sources = before.get("sources") if before else generator._sources()
        new_paragraphs.append({"key": key, "title": para_title, "text": text, "sources": sources})
    removed = set(old) - {p.key for p in paragraphs}
    changed |= removed
    section["paragraphs"] = new_paragraphs
    if title is not None and section.get("title"):
        clean = generator._clean(title)
        if clean and clean != section.get("title"):
            section["title"] = clean
            changed.add(f"section:{section_key}")
    if not changed:
        raise ReportError("unchanged", "没有修改,未生成新版本。", 400)
    heading = section.get("title") or {
        "opening": "开头概述",
        "shortcomings": "存在的不足",
        "next-steps": "下一步工作",
    }.get(section_key, section_key)
    return _version_create(
        report=report,
        previous=latest,
        origin=VersionOrigin.EDITED,
        body=body,
        by=by,
        edited_keys=[*latest.edited_keys, *(k for k in changed if not k.startswith("section:"))],
        note=f"修改“{heading}”",
    )


@transaction.atomic
def report_edits_restore(*, report: AnnualReport, by: User) -> ReportVersion:
    """After a regeneration replaced paragraphs a person had written, bring those back into a new version
    (the generated figures elsewhere stay)."""
    _require_editable(report, by)
    report, latest = _latest_locked(report)
    if not latest.overrode:
        raise ReportError("nothing_to_restore", "最新版本没有被覆盖的人工修改。", 400)
    previous = report.versions.filter(number__lt=latest.number).order_by("-number").first()
    old = _paragraphs(previous.body) if previous else {}
    body = copy.deepcopy(latest.body)
    placed = set()
    for section in body.get("sections", []):
        for i, para in enumerate(section.get("paragraphs", [])):
            if para["key"] in latest.overrode and para["key"] in old:
                section["paragraphs"][i] = copy.deepcopy(old[para["key"]])
                placed.add(para["key"])
    # A hand-written paragraph the regeneration dropped goes back to the section it was in.
    for key in latest.overrode:
        if key in placed or key not in old:
            continue
        home = next(s["key"] for s in previous.body.get("sections", []) for p in s["paragraphs"] if p["key"] == key)
        target = next((s for s in body["sections"] if s["key"] == home), None)
        if target is not None:
            target["paragraphs"].append(copy.deepcopy(old[key]))
            placed.add(key)
    return _version_create(
        report=report,
        previous=latest,
        origin=VersionOrigin.RESTORED,
        body=body,
        by=by,
        edited_keys=[*latest.edited_keys, *placed],
        note=f"保留第{previous.number if previous else '?'}版的人工修改({len(placed)}段)",
    )


def version_docx(version: ReportVersion) -> bytes:
    """The version's .docx, rendered once and kept (a version never changes)."""
    if version.docx:
        try:
            with version.docx.open("rb") as f:
                return f.read()
        except FileNotFoundError:
            pass
    data = docx_render.render_docx(version.body, author=generator.government_name(version.report.jurisdiction))
    version.docx.save("report.docx", ContentFile(data), save=False)
    ReportVersion.objects.filter(pk=version.pk).update(docx=version.docx.name)
    return data


def version_pdf(version: ReportVersion) -> bytes:
    """The version as PDF through LibreOffice (where installed); ``docx_render.ConversionError`` otherwise."""
    if version.pdf:
        try:
            with version.pdf.open("rb") as f:
                return f.read()
        except FileNotFoundError:
            pass
    data = docx_render.convert(version_docx(version), "pdf")
    version.pdf.save("report.pdf", ContentFile(data), save=False)
    ReportVersion.objects.filter(pk=version.pk).update(pdf=version.pdf.name)
    return data


@transaction.atomic
def report_publish(
    *, report: AnnualReport, by: User, secrecy_checked: bool = False, number: int | None = None
) -> AnnualReport:
    """Publish a version (the latest by default) after the 保密审查 confirmation, which is stored with who
    and when: the report is locked from then on, its public page opens, and leaders download exactly this
    version. Publishing again is refused, saying when and which version was published."""
    _require_office(by, report.jurisdiction, "发布年度报告")
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)  # no join: PostgreSQL refuses FOR UPDATE on one
    if locked.status == ReportStatus.PUBLISHED:
        when = timezone.localtime(locked.published_at).strftime("%Y-%m-%d %H:%M") if locked.published_at else ""
        number_text = f"第{locked.published_version.number}版" if locked.published_version else "报告"
        raise ReportError("already_published", f"报告已于{when}发布({number_text}),不能重复发布。", 409)
    if not secrecy_checked:
        raise ReportError(
            "secrecy_required",
            "发布前须完成保密审查:请确认报告内容不涉及国家秘密、工作秘密和个人隐私,勾选“已完成保密审查”后再发布。",
        )
    report, latest = _latest_locked(locked)
    if report.jobs.filter(status__in=ACTIVE_JOB_STATUSES).exists():
        raise ReportError("job_running", "草稿正在生成,请等待完成后再发布。", 409)
    version = latest if number is None else report.versions.filter(number=number).first()
    if version is None:
        raise ReportError("no_version", "没有这个版本。", 404)
    version_docx(version)
    # The report row is locked (select_for_update above): no second publish can slip in between.
    now = timezone.now()
    report.status, report.published_version = ReportStatus.PUBLISHED, version
    report.published_at, report.published_by = now, by
    report.secrecy_checked_at, report.secrecy_checked_by = now, by
    report._history_user = by  # the history row says who published, and when
    report.save(
        update_fields=[
            "status",
            "published_version",
            "published_at",
            "published_by",
            "secrecy_checked_at",
            "secrecy_checked_by",
        ]
    )
    return report
