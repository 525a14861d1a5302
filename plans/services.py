"""Writes of the plans app: importing a parsed document, resolving its unit names, assigning units.

Parsing is pure (plans.importing); everything here touches the database, always inside one
transaction, so a failed import leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lawgov import background
from lawgov.errors import DomainError
from lawgov.limits import ParseTimeLimit, time_limited
from lawgov.models import ACTIVE_JOB_STATUSES, Unit, UnitKind, User
from lawgov.selectors import calendar_for
from lawgov.services import unit_ensure
from lawgov.unit_hooks import merge_reason
from plans import resolution
from plans.importing import DocumentError, ErrorCode, corrections, ensure_importable, parse_bytes
from plans.importing.deadlines import relative_due
from plans.importing.reader import SLOW_EXTENSIONS
from plans.importing.units import is_group_phrase
from plans.models import (
    IMPORT_STAGE_PERCENT,
    PLAN_IMPORT_JOB,
    ROLE_STRENGTH,
    Assignment,
    AssignmentRole,
    Clause,
    Deadline,
    ImportJobStage,
    Plan,
    PlanImport,
    PlanImportCorrection,
    PlanImportJob,
    PlanKind,
    PlanRequirement,
    ReferenceReport,
    Section,
    Target,
    Task,
)

NEW_UNIT = "new"
SKIP_UNIT = "skip"


class PlanImportError(DomainError):
    """A document that cannot be imported, or a preview that cannot be confirmed."""


@dataclass
class ImportOutcome:
    plan: Plan | None = None
    report: ReferenceReport | None = None
    created: bool = True
    changes: list[str] = field(default_factory=list)
    new_units: list[Unit] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Unit names


def unit_directory(jurisdiction: Unit) -> resolution.Directory:
    """The jurisdiction's active units as the resolver indexes them (one query, plus the parent's name)."""
    rows = (
        Unit.objects.active()
        .filter(jurisdiction=jurisdiction)
        .values_list("pk", "name", "kind", "short_name", "aliases")
    )
    units = [
        resolution.DirectoryUnit(pk, name, kind == UnitKind.GROUP, short_name or "", tuple(aliases or ()))
        for pk, name, kind, short_name, aliases in rows.order_by("kind", "id")
    ]
    parent = Unit.objects.filter(pk=jurisdiction.parent_id).values_list("name", flat=True).first() or ""
    return resolution.Directory(units, jurisdiction=jurisdiction.name, parent=parent)


def unit_decisions(*, jurisdiction: Unit, names: list[str]) -> list[resolution.Decision]:
    """The printed names of a document as the decisions the preview shows (plans.resolution)."""
    return unit_directory(jurisdiction).resolve(names)


def unit_kind_guess(name: str) -> str:
    """What a new unit probably is, from how its name ends; the legal office can correct it."""
    if is_group_phrase(name):
        return UnitKind.GROUP
    if name.endswith(("镇", "街道", "街", "街道办事处", "乡")):
        return UnitKind.TOWNSHIP
    if name.endswith(("法院", "检察院")):
        return UnitKind.COURT
    if name.startswith("区委") or name.endswith(("委员会办公室", "宣传部", "组织部", "政法委")):
        return UnitKind.PARTY
    return UnitKind.DEPARTMENT


def group_kinds_guess(name: str) -> list[str]:
    """What a new group phrase stands for: 各乡镇(街道) → every township; 区直各部门 → every department;
    区政府有关部门 → nobody yet (the legal office names them)."""
    if any(ch in name for ch in "镇街乡"):
        return [UnitKind.TOWNSHIP]
    if "各" in name and "有关" not in name and "相关" not in name and ("部门" in name or "委办局" in name):
        return [UnitKind.DEPARTMENT]
    return []


def parsed_unit_names(parsed: dict) -> list[str]:
    names: list[str] = []
    for task in parsed.get("tasks", []):
        for clause in task.get("clauses", []):
            for unit in clause.get("units", []):
                names.append(unit["name"])
    return list(dict.fromkeys(names))


def unit_names_resolve(*, jurisdiction: Unit, names: list[str]) -> dict[str, Unit | None]:
    """Printed name → the unit the resolver proposes for it, or None when it proposes 新建."""
    decisions = unit_decisions(jurisdiction=jurisdiction, names=names)
    units = Unit.objects.in_bulk([d.match.pk for d in decisions if d.match])
    return {name: units[d.match.pk] if d.match else None for d in decisions for name in d.printed}


def _new_unit_name(printed: list[str], jurisdiction: Unit) -> str:
    """The name a new unit gets from its printed variants: the one with the jurisdiction's level prefix
    (区环境运输和城市管理局(城管) rather than 环境运输和城市管理局(城管)), else the first printed."""
    level = jurisdiction.name[-1:]
    return next((name for name in printed if name.startswith(level)), printed[0])


def _apply_unit_choices(
    *, jurisdiction: Unit, names: list[str], choices: dict[str, str], by: User | None
) -> tuple[dict[str, Unit], list[Unit]]:
    """Resolve every printed name as the legal office chose, decision by decision (plans.resolution).

    A decision without a choice takes the resolver's proposal (the unit, or 新建). Every printed name
    resolved to an existing unit under another spelling becomes an alias of that unit, so the next document
    that prints it (区政府法制办 for 区法制办) resolves exactly, without asking again.
    """
    decisions = unit_decisions(jurisdiction=jurisdiction, names=names)
    allowed = {u.pk: u for u in Unit.objects.active().filter(jurisdiction=jurisdiction)}
    mapping: dict[str, Unit] = {}
    created: list[Unit] = []
    for decision in decisions:
        choice = next((choices[name] for name in decision.printed if name in choices), None)
        if choice is None:
            choice = str(decision.match.pk) if decision.match else NEW_UNIT
        if choice == SKIP_UNIT:
            continue
        if choice == NEW_UNIT:
            name = _new_unit_name(decision.printed, jurisdiction)
            kind = unit_kind_guess(name)
            group_kinds = group_kinds_guess(name) if kind == UnitKind.GROUP else []
            others = [n for n in decision.printed if n != name]
            unit = unit_ensure(jurisdiction=jurisdiction, name=name, kind=kind, aliases=others, group_kinds=group_kinds)
            if unit.pk not in allowed:  # 新建 chosen for a name the directory already holds: that unit, not a copy
                created.append(unit)
        else:
            try:
                unit = allowed[int(choice)]
            except (ValueError, KeyError):
                raise PlanImportError("unit_choice", f"“{decision.key}”选择的单位不存在或不属于本辖区。") from None
            learnt = [n for n in decision.printed if n not in unit.all_names()]
            if learnt:
                unit.aliases = [*unit.aliases, *learnt]
                if by is not None:
                    unit._history_user = by
                unit.save(update_fields=["aliases"])
        for name in decision.printed:
            mapping[name] = unit
    return mapping, created


# ---------------------------------------------------------------------------------------------------
# Import: preview, confirm, direct


def plan_import_preview(
    *, data: bytes, filename: str, jurisdiction: Unit, by: User, encoding: str | None = None
) -> PlanImport:
    """Parse an uploaded document and keep it, with its parse, for the legal office to check.

    Raises PlanImportError (nothing written) when the document cannot be read or holds no task.
    """
    try:
        with time_limited():
            parsed = ensure_importable(parse_bytes(data, filename, encoding=encoding)).to_dict()
    except DocumentError as exc:
        # not_a_plan carries the document's kind and the reason, for the page to show beside the message.
        raise PlanImportError(exc.code, exc.message, document_kind=exc.details.get("kind")) from exc
    except ParseTimeLimit as exc:
        raise PlanImportError(ErrorCode.TOO_LARGE, exc.message) from exc
    with transaction.atomic():
        return _plan_import_create(data=data, filename=filename, jurisdiction=jurisdiction, by=by, parsed=parsed)


def _plan_import_create(*, data: bytes, filename: str, jurisdiction: Unit, by: User, parsed: dict) -> PlanImport:
    sha = hashlib.sha256(data).hexdigest()
    plan_import = PlanImport(
        jurisdiction=jurisdiction, original_name=filename[:200], sha256=sha, parsed=parsed, created_by=by
    )
    plan_import.file.save(f"{sha[:16]}-{_safe_name(filename)}", ContentFile(data), save=False)
    plan_import.save()
    return plan_import


def plan_import_reads_slowly(filename: str) -> bool:
    """Whether an upload is read in the background (.pdf, .doc/.wps/.xls, scans): conversion and OCR take
    seconds to minutes, longer than a request should wait."""
    return PurePath(filename or "").suffix.lower() in SLOW_EXTENSIONS


def plan_import_request(
    *, data: bytes, filename: str, jurisdiction: Unit, by: User, encoding: str | None = None
) -> PlanImportJob:
    """Keep the upload and queue the job that reads it (``plans.jobs.plan_import_read``); the page polls the
    job and shows the preview when it is done. The same file uploaded twice while the first is still being
    read joins that job."""
    sha = hashlib.sha256(data).hexdigest()
    subject = PlanImportJob.subject_of(jurisdiction.pk, sha)
    active = PlanImportJob.objects.filter(subject=subject, status__in=ACTIVE_JOB_STATUSES).first()
    if active is not None:
        return background.job_check(active)
    try:
        with transaction.atomic():
            job = PlanImportJob(
                jurisdiction=jurisdiction,
                original_name=filename[:200],
                sha256=sha,
                encoding=(encoding or "")[:20],
            )
            job.file.save(f"{sha[:16]}-{_safe_name(filename)}", ContentFile(data), save=False)
            created = background.job_create(
                PlanImportJob,
                kind=PLAN_IMPORT_JOB,
                subject=subject,
                by=by,
                jurisdiction=jurisdiction,
                original_name=job.original_name,
                sha256=sha,
                encoding=job.encoding,
                file=job.file.name,
            )
    except IntegrityError:  # a second click that got here at the same moment
        return PlanImportJob.objects.get(subject=subject, status__in=ACTIVE_JOB_STATUSES)
    transaction.on_commit(lambda: background.job_enqueue(created.pk, kind=PLAN_IMPORT_JOB))
    return created


def plan_import_job_check(*, job: PlanImportJob) -> PlanImportJob:
    """What the page does when it polls: a stalled job is queued again, then failed (lawgov.background)."""
    return background.job_check(job)


def plan_import_job_run(*, job_id: int, celery_id: str = "") -> PlanImport | None:
    """Read and parse the job's file, reporting each stage, then keep the preview (one transaction).
    A file that cannot be read fails the job with the reader's Chinese message; nothing else is written."""
    job = background.job_claim(
        job_id=job_id,
        celery_id=celery_id,
        kind=PLAN_IMPORT_JOB,
        queryset=PlanImportJob.objects.select_related("jurisdiction", "requested_by"),
    )
    if job is None:
        return None

    def progress(stage: str, done: int = 0, total: int = 0) -> None:
        declared = PLAN_IMPORT_JOB.stage(stage)
        following = IMPORT_STAGE_PERCENT.get(_NEXT_STAGE.get(stage), declared.percent)
        percent = declared.percent + (following - declared.percent) * done // total if total else None
        background.job_stage(job, stage, progress=percent)

    failures = background.job_failures(
        job,
        expected={DocumentError: lambda exc: exc.message},
        unexpected=lambda exc: f"读取文件失败({type(exc).__name__})。请重新上传,或另存为.docx后上传。",
    )
    with failures:
        with job.file.open("rb") as stream:
            data = stream.read()
        document = parse_bytes(data, job.original_name, encoding=job.encoding or None, progress=progress)
        parsed = ensure_importable(document).to_dict()
        with transaction.atomic():
            background.job_holds(job)
            plan_import = _plan_import_create(
                data=data,
                filename=job.original_name,
                jurisdiction=job.jurisdiction,
                by=job.requested_by,
                parsed=parsed,
            )
            background.job_succeed(job)
            PlanImportJob.objects.filter(pk=job.pk).update(plan_import=plan_import)
        return plan_import
    return None


_NEXT_STAGE = {
    ImportJobStage.EXTRACTING: ImportJobStage.RECOGNISING,
    ImportJobStage.RECOGNISING: ImportJobStage.PARSING,
}


def _safe_name(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isalnum() or ch in "._-")[-80:] or "document"


@transaction.atomic
def plan_import_confirm(*, plan_import: PlanImport, by: User, unit_choices: dict[str, str]) -> ImportOutcome:
    """Save a previewed import, with the legal office's corrections applied: all of it or, on any error,
    nothing. The corrections made on this preview join the plan, to be applied again next time."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if locked.status != PlanImport.Status.PREVIEW:
        raise PlanImportError("already_confirmed", "该文件已经导入过,请勿重复确认。")
    corrected = plan_import_corrected(plan_import=locked)
    outcome = document_save(
        parsed=corrected.parsed,
        jurisdiction=locked.jurisdiction,
        by=by,
        unit_choices=unit_choices,
        source_name=locked.original_name,
        sha256=locked.sha256,
    )
    if corrected.applied:
        outcome.changes.append(f"套用法制办的修改 {len(corrected.applied)} 项。")
    if corrected.skipped:
        outcome.changes.append(
            f"未能套用的修改 {len(corrected.skipped)} 项:"
            + ";".join(f"{corrections.describe(row.operation)}({reason})" for row, reason in corrected.skipped)
        )
    if outcome.plan is not None:
        locked.corrections.filter(plan__isnull=True).update(plan=outcome.plan)
    locked.status = PlanImport.Status.CONFIRMED
    locked.plan = outcome.plan
    locked.summary = outcome.changes
    locked.save(update_fields=["status", "plan", "summary"])
    return outcome


# ---------------------------------------------------------------------------------------------------
# Corrections by the legal office (plans.importing.corrections)


@dataclass
class CorrectedImport:
    """An import's parse with the corrections applied: those of the plan it updates (made on earlier
    imports) then its own, in the order they were made; ``skipped`` are those that no longer fit."""

    parsed: dict
    applied: list[PlanImportCorrection] = field(default_factory=list)
    skipped: list[tuple[PlanImportCorrection, str]] = field(default_factory=list)


def plan_match(*, jurisdiction: Unit, parsed: dict) -> Plan | None:
    """The plan a parsed document updates when imported again: same 文号, else same title, in the
    jurisdiction (what a re-import updates in place, and whose corrections it inherits)."""
    if parsed.get("kind") == "report":
        return None
    existing = Plan.objects.active().filter(jurisdiction=jurisdiction)
    doc_number = (parsed.get("doc_number") or "")[:80]
    title = (parsed.get("title") or "未命名规划")[:200]
    return (existing.filter(doc_number=doc_number).first() if doc_number else None) or existing.filter(
        title=title
    ).first()


@dataclass(frozen=True)
class ImportCheck:
    """Something the legal office should know before confirming an import: ``code`` for programs
    (``other_jurisdiction``, ``already_imported``), ``message`` in Chinese, ``plan`` the plan concerned."""

    code: str
    message: str
    plan: Plan | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "plan_id": self.plan.pk if self.plan else None}


def plan_import_checks(*, jurisdiction: Unit, parsed: dict, sha256: str = "") -> list[ImportCheck]:
    """Warnings shown on the preview, before anything is saved: a document whose issuer or title names
    another district or city than the chosen jurisdiction (a 大兴区委 document uploaded into 番禺区), and a
    plan this jurisdiction already holds (same 文号 or title, ``plan_match``), which confirming updates."""
    checks: list[ImportCheck] = []
    parent = Unit.objects.filter(pk=jurisdiction.parent_id).values_list("name", flat=True).first() or ""
    texts = [parsed.get("issuer") or "", (parsed.get("meta") or {}).get("issuer", ""), parsed.get("title") or ""]
    foreign = resolution.foreign_places(texts, jurisdiction=jurisdiction.name, parent=parent)
    if foreign:
        own = f"{jurisdiction.name}({parent})" if parent else jurisdiction.name
        said = "、".join(foreign)
        checks.append(
            ImportCheck(
                "other_jurisdiction",
                f"文件的发文机关或标题写的是“{said}”,而所选辖区是{own}:请确认没有上传错文件或选错辖区。",
            )
        )
    existing = plan_match(jurisdiction=jurisdiction, parsed=parsed)
    if existing is not None:
        how = "文号相同" if parsed.get("doc_number") and existing.doc_number == parsed.get("doc_number") else "标题相同"
        when = timezone.localtime(existing.imported_at).strftime("%Y-%m-%d") if existing.imported_at else ""
        same = "(同一文件)" if sha256 and existing.source_sha256 == sha256 else ""
        checks.append(
            ImportCheck(
                "already_imported",
                f"本辖区已导入过这份规划{same}({how}{',' + when + '导入' if when else ''}):"
                "确认后将就地更新已有规划并列出变化,不会重复创建。",
                plan=existing,
            )
        )
    return checks


def plan_import_resolution(*, jurisdiction: Unit, parsed: dict, sha256: str = "") -> dict:
    """What the preview would propose, as JSON (``import_plan --dry-run --json``, docs/import-json.md):
    the unit decisions, the group phrases apart, and the checks."""
    decisions = unit_decisions(jurisdiction=jurisdiction, names=parsed_unit_names(parsed))

    def row(decision: resolution.Decision) -> dict:
        data = decision.to_dict()
        data["new_kind"] = None if decision.match else unit_kind_guess(decision.key)
        return data

    return {
        "jurisdiction": jurisdiction.name,
        "units": [row(d) for d in decisions if not d.is_group],
        "groups": [row(d) for d in decisions if d.is_group],
        "checks": [c.to_dict() for c in plan_import_checks(jurisdiction=jurisdiction, parsed=parsed, sha256=sha256)],
    }


def plan_import_corrections(*, plan_import: PlanImport) -> list[PlanImportCorrection]:
    """The corrections that apply to an import, in order: the matched plan's, then the import's own."""
    plan = plan_import.plan or plan_match(jurisdiction=plan_import.jurisdiction, parsed=plan_import.parsed)
    rows = PlanImportCorrection.objects.active().select_related("created_by", "plan_import")
    own = Q(plan_import=plan_import, plan__isnull=True)
    return list(rows.filter(own | Q(plan=plan)) if plan is not None else rows.filter(own))


def plan_import_corrected(*, plan_import: PlanImport) -> CorrectedImport:
    rows = plan_import_corrections(plan_import=plan_import)
    if plan_import.parsed.get("kind") != "plan":
        return CorrectedImport(parsed=plan_import.parsed)
    parsed, skipped = corrections.apply_corrections(plan_import.parsed, [row.operation for row in rows])
    missed = {item.index: item.reason for item in skipped}
    return CorrectedImport(
        parsed=parsed,
        applied=[row for index, row in enumerate(rows) if index not in missed],
        skipped=[(rows[index], reason) for index, reason in missed.items()],
    )


@transaction.atomic
def plan_import_correct(
    *, plan_import: PlanImport, by: User, kind: str, target: str = "", value=None
) -> PlanImportCorrection:
    """Record one correction to a preview after checking it applies to the preview as it now reads;
    a correction that does not (a task that is not there, a level the document does not have) raises
    PlanImportError and nothing is saved."""
    locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    if locked.status != PlanImport.Status.PREVIEW:
        raise PlanImportError("already_confirmed", "该文件已经导入,不能再修改识别结果。")
    if kind not in PlanImportCorrection.Kind.values:
        raise PlanImportError("bad_correction", "不支持的修改。")
    if len(target) > 200:
        raise PlanImportError("bad_correction", "修改的对象过长。")
    operation = {"kind": kind, "target": target, "value": value}
    try:
        corrections.apply_correction(plan_import_corrected(plan_import=locked).parsed, operation)
    except corrections.CorrectionError as exc:
        raise PlanImportError("bad_correction", exc.message) from exc
    return PlanImportCorrection.objects.create(plan_import=locked, kind=kind, target=target, value=value, created_by=by)


@transaction.atomic
def plan_import_correction_undo(*, correction: PlanImportCorrection, by: User) -> None:
    """Undo a correction made on this preview (retired, not deleted: who did what stays on record).
    Corrections the plan carries from earlier imports are not undone from a preview."""
    locked = PlanImport.objects.select_for_update().get(pk=correction.plan_import_id)
    if locked.status != PlanImport.Status.PREVIEW or correction.plan_id is not None:
        raise PlanImportError("already_confirmed", "这项修改已随规划保存,不能在预览中撤销。")
    if correction.deleted_at is None:
        correction.deleted_at = timezone.now()
        correction.save(update_fields=["deleted_at"])


def plan_import_bytes(
    *, data: bytes, filename: str, jurisdiction: Unit, by: User | None, encoding: str | None = None
) -> ImportOutcome:
    """Parse and save in one go, unknown units created: the command line and the demo data."""
    try:
        parsed = ensure_importable(parse_bytes(data, filename, encoding=encoding)).to_dict()
    except DocumentError as exc:
        # not_a_plan carries the document's kind and the reason, for the page to show beside the message.
        raise PlanImportError(exc.code, exc.message, document_kind=exc.details.get("kind")) from exc
    with transaction.atomic():
        return document_save(
            parsed=parsed,
            jurisdiction=jurisdiction,
            by=by,
            unit_choices={},
            source_name=filename,
            sha256=hashlib.sha256(data).hexdigest(),
        )


def document_save(
    *,
    parsed: dict,
    jurisdiction: Unit,
    by: User | None,
    unit_choices: dict[str, str],
    source_name: str,
    sha256: str,
) -> ImportOutcome:
    """Save a parsed document: a plan (updated in place when imported before) or a reference report."""
    if parsed.get("kind") == "report":
        report, created = ReferenceReport.objects.update_or_create(
            jurisdiction=jurisdiction,
            title=parsed.get("title") or source_name,
            defaults={
                "year": (parsed.get("report") or {}).get("year"),
                "parsed": parsed,
                "text": parsed.get("text", ""),
                "source_sha256": sha256,
            },
        )
        return ImportOutcome(report=report, created=created, changes=["已作为参考报告保存(不拆分任务)。"])
    names = parsed_unit_names(parsed)
    unit_map, new_units = _apply_unit_choices(jurisdiction=jurisdiction, names=names, choices=unit_choices, by=by)
    outcome = _plan_save(parsed=parsed, jurisdiction=jurisdiction, by=by, unit_map=unit_map)
    plan = outcome.plan
    plan.source_name = source_name[:200]
    plan.source_sha256 = sha256
    plan.save(update_fields=["source_name", "source_sha256"])
    outcome.new_units = new_units
    if new_units:
        outcome.changes.append("新建单位 {} 个:{}".format(len(new_units), "、".join(u.name for u in new_units)))
    return outcome


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plan_kind(parsed: dict) -> str:
    kind = parsed.get("plan_kind")
    return kind if kind in PlanKind.values else PlanKind.SCHEME


def _plan_save(*, parsed: dict, jurisdiction: Unit, by: User | None, unit_map: dict[str, Unit]) -> ImportOutcome:
    title = (parsed.get("title") or "未命名规划")[:200]
    doc_number = (parsed.get("doc_number") or "")[:80]
    plan = plan_match(jurisdiction=jurisdiction, parsed=parsed)
    created = plan is None
    period = parsed.get("period") or {}
    fields = {
        "title": title,
        "kind": _plan_kind(parsed),
        "doc_number": doc_number,
        "issuer": (parsed.get("issuer") or "")[:120],
        "issued_on": _date(parsed.get("issued")),
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "import_warnings": parsed.get("warnings", []),
    }
    changes: list[str] = []
    if created:
        plan = Plan(jurisdiction=jurisdiction, **fields)
    else:
        changed = [k for k, v in fields.items() if k != "import_warnings" and getattr(plan, k) != v]
        for key, value in fields.items():
            setattr(plan, key, value)
        if changed:
            changes.append("规划信息更新:" + "、".join(str(Plan._meta.get_field(k).verbose_name) for k in changed))
    plan.imported_at = timezone.now()
    plan.imported_by = by
    if by is not None:
        plan._history_user = by
    plan.save()

    sections_by_path = _sections_sync(plan, parsed.get("sections", []))
    changes.extend(_tasks_sync(plan, parsed.get("tasks", []), sections_by_path, unit_map, by))
    plan.requirements.all().delete()
    PlanRequirement.objects.bulk_create(
        PlanRequirement(plan=plan, position=i, text=r.get("text", ""), deadlines=r.get("deadlines", []))
        for i, r in enumerate(parsed.get("requirements", []))
    )
    if created:
        changes.insert(0, f"新建规划“{plan.title}”:{plan.tasks.active().count()} 项任务。")
    elif not changes:
        changes.append("与上次导入的内容相同,没有变化。")
    return ImportOutcome(plan=plan, created=created, changes=changes)


def _sections_sync(plan: Plan, sections: list[dict]) -> dict[str, Section]:
    existing = {s.path: s for s in plan.sections.all()}
    seen: dict[str, Section] = {}
    position = 0

    def walk(items: list[dict], parent: Section | None) -> None:
        nonlocal position
        for item in items:
            path = item.get("path") or item.get("label", "")
            section = existing.get(path) or Section(plan=plan, path=path)
            section.parent = parent
            section.label = item.get("label", "")[:20]
            section.title = (item.get("title") or "")[:300]
            section.position = position
            position += 1
            section.save()
            seen[path] = section
            walk(item.get("children", []), section)

    walk(sections, None)
    for path, section in existing.items():
        if path not in seen:
            section.delete()
    return seen


def _tasks_sync(
    plan: Plan, tasks: list[dict], sections: dict[str, Section], unit_map: dict[str, Unit], by: User | None
) -> list[str]:
    existing = {t.path: t for t in plan.tasks.filter(deleted_at__isnull=True)}
    added, updated, assignment_changes = [], [], 0
    seen: set[str] = set()
    dating = _RelativeDating(plan)
    for position, item in enumerate(tasks):
        path = item["path"]
        seen.add(path)
        deadlines = [dating.dated(d) for d in item.get("deadlines", [])]
        one_off = sorted(d for d in (_date(x.get("due")) for x in deadlines if not x.get("recurrence")) if d)
        recurring = sorted(d for d in (_date(x.get("next_due")) for x in deadlines if x.get("recurrence")) if d)
        values = {
            "number": str(item.get("number", ""))[:20],
            "heading": (item.get("heading") or item.get("text", ""))[:300],
            "text": item.get("text", ""),
            "position": position,
            "section": sections.get(item.get("section_path") or ""),
            "due_on": (one_off or recurring or [None])[0],
        }
        task = existing.get(path)
        if task is None:
            task = Task(plan=plan, path=path, **values)
            added.append(task)
        else:
            if any(getattr(task, k) != v for k, v in values.items() if k not in ("position",)):
                updated.append(task)
            for key, value in values.items():
                setattr(task, key, value)
        if by is not None:
            task._history_user = by
        task.save()
        assignment_changes += _clauses_sync(task, item.get("clauses", []), unit_map, by)
        task.deadlines.all().delete()
        Deadline.objects.bulk_create(
            Deadline(
                task=task,
                text=d.get("text", "")[:120],
                due_on=_date(d.get("due")),
                recurrence=d.get("recurrence"),
            )
            for d in deadlines
        )
        task.targets.all().delete()
        Target.objects.bulk_create(
            Target(
                task=task,
                text=t.get("text", "")[:200],
                value=_decimal(t.get("value")),
                measure=(t.get("measure") or "")[:20],
                period=(t.get("period") or "")[:20],
                per=(t.get("per") or "")[:20],
                comparison=(t.get("comparison") or "")[:20],
            )
            for t in item.get("targets", [])
        )
    removed = [t for p, t in existing.items() if p not in seen]
    now = timezone.now()
    for task in removed:
        task.deleted_at = now
        if by is not None:
            task._history_user = by
        task.save(update_fields=["deleted_at"])
    changes = []
    if existing and added:
        changes.append(f"新增任务 {len(added)} 项:" + "、".join(t.number for t in added))
    if updated:
        changes.append(f"更新任务 {len(updated)} 项:" + "、".join(t.number for t in updated))
    if removed:
        changes.append(f"删除任务 {len(removed)} 项:" + "、".join(t.number for t in removed))
    if existing and assignment_changes:
        changes.append(f"责任分工变化 {assignment_changes} 处。")
    return changes


class _RelativeDating:
    """Dates the relative time limits of an import ("自印发之日起30个工作日内"): the parser gives the count and
    its start, the working days are counted here on the jurisdiction's working-day calendar (statutory
    holidays and 调休, lawgov.calendar), read once per import and only when a document has such a limit."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.start = plan.issued_on or (dt.date(plan.period_start, 1, 1) if plan.period_start else None)
        self._calendar = None

    def dated(self, deadline: dict) -> dict:
        relative = deadline.get("relative")
        if not relative or deadline.get("due"):
            return deadline
        if relative.get("working") and self._calendar is None:
            self._calendar = calendar_for(self.plan.jurisdiction_id)
        add = self._calendar.add_working_days if self._calendar is not None else None
        due = relative_due(relative, start=self.start, add_working_days=add)
        if due is None:
            return deadline
        return {**deadline, "due": due.isoformat(), "next_due": due.isoformat()}


def _clauses_sync(task: Task, clauses: list[dict], unit_map: dict[str, Unit], by: User | None) -> int:
    """Sync clauses by position and their imported assignments; manual assignments are kept.

    A unit holds one part per clause (``assignment_unique_live_unit``): a document that prints it twice
    (牵头 and 配合) gives it the stronger part, and a unit the legal office placed by hand keeps that part.
    """
    existing = {c.position: c for c in task.clauses.all()}
    changes = 0
    for position, item in enumerate(clauses):
        clause = existing.pop(position, None) or Clause(task=task, position=position)
        clause.text = item.get("text", "")
        clause.save()
        live = list(clause.assignments.active())
        manual_units = {a.unit_id for a in live if a.source == Assignment.Source.MANUAL}
        wanted: dict[int, tuple[str, str]] = {}
        for unit_item in item.get("units", []):
            unit = unit_map.get(unit_item["name"])
            role = unit_item.get("role")
            if unit is None or role not in AssignmentRole.values or unit.pk in manual_units:
                continue
            held = wanted.get(unit.pk)
            if held is None or ROLE_STRENGTH[role] > ROLE_STRENGTH[held[0]]:
                wanted[unit.pk] = (role, held[1] if held else unit_item["name"])
        current = {(a.unit_id, a.role): a for a in live if a.source == Assignment.Source.IMPORTED}
        keep = {(unit_id, role) for unit_id, (role, _) in wanted.items()}
        # Retire what the document no longer says first: a unit whose part changed gets its new row after.
        for key, assignment in list(current.items()):
            if key not in keep:
                _assignment_soft_delete(assignment, by)
                del current[key]
                changes += 1
        for order, (unit_id, (role, printed)) in enumerate(wanted.items()):
            assignment = current.get((unit_id, role))
            if assignment is None:
                assignment = Assignment(clause=clause, unit_id=unit_id, role=role, printed_name=printed[:120])
                changes += 1
            assignment.position = order
            if by is not None:
                assignment._history_user = by
            assignment.save()
    for clause in existing.values():
        # A clause the document no longer has: drop it unless the legal office assigned units to it.
        if clause.assignments.active().filter(source=Assignment.Source.MANUAL).exists():
            continue
        for assignment in clause.assignments.active():
            _assignment_soft_delete(assignment, by)
            changes += 1
        clause.delete()
    return changes


def _assignment_soft_delete(assignment: Assignment, by: User | None) -> None:
    assignment.deleted_at = timezone.now()
    if by is not None:
        assignment._history_user = by
    assignment.save(update_fields=["deleted_at"])


# ---------------------------------------------------------------------------------------------------
# Assignments set by the legal office (大兴's tasks name no units)


class AssignmentConflict(PlanImportError):
    """A unit given a second part on a clause where it already has one (409: the data says otherwise)."""

    default_status = 409


def assignment_conflict_message(unit: Unit, held: str, asked: str, where: str) -> str:
    """The one sentence for a unit asked to take a second part on a clause, said the same on every page."""
    labels = dict(AssignmentRole.choices)
    return (
        f"{unit.name}已是{where}的{labels.get(held, held)}单位,不能再作为{labels.get(asked, asked)}单位;"
        "如需调整,请使用“改变分工”。"
    )


@transaction.atomic
def assignment_add(*, clause: Clause, unit: Unit, role: str, by: User) -> Assignment:
    """Assign a unit to a clause by hand; kept across re-imports and in the history.

    The same unit and part again is answered with the existing row (a double submit adds nothing); another
    part for a unit already on the clause is refused (AssignmentConflict), because a unit cannot both lead
    and help with one clause: changing its part is a deliberate step (``plans.bulk.bulk_role_change``).
    """
    if role not in AssignmentRole.values:
        raise PlanImportError("role", "分工角色无效。")
    if unit.jurisdiction_id != clause.task.plan.jurisdiction_id:
        raise PlanImportError("unit", "只能指定本辖区的单位。")
    held = clause.assignments.active().filter(unit=unit).first()
    if held is not None:
        if held.role == role:
            return held
        raise AssignmentConflict(
            "assignment_conflict", assignment_conflict_message(unit, held.role, role, "该分句"), unit=unit.pk
        )
    assignment = Assignment(
        clause=clause,
        unit=unit,
        role=role,
        printed_name=unit.name,
        source=Assignment.Source.MANUAL,
        position=clause.assignments.count(),
    )
    assignment._history_user = by
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:  # the same unit added at the same moment by a second submit
        held = clause.assignments.active().get(unit=unit)
        if held.role != role:
            raise AssignmentConflict(
                "assignment_conflict", assignment_conflict_message(unit, held.role, role, "该分句"), unit=unit.pk
            ) from None
        return held
    Task.objects.filter(pk=clause.task_id).update(updated_at=timezone.now())
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: User) -> None:
    """Soft delete: the history keeps who removed which unit when."""
    _assignment_soft_delete(assignment, by)
    Task.objects.filter(pk=assignment.clause.task_id).update(updated_at=timezone.now())


@transaction.atomic
def group_phrase_replace(*, assignment: Assignment, units: list[Unit], by: User) -> list[Assignment]:
    """Replace an unresolved phrase (区政府有关部门) in a clause by the concrete units it meant.

    A unit already on the clause keeps the part it has (one part per unit and clause).
    """
    present = set(assignment.clause.assignments.active().values_list("unit_id", flat=True))
    created = [
        assignment_add(clause=assignment.clause, unit=u, role=assignment.role, by=by)
        for u in units
        if u.pk not in present
    ]
    assignment_remove(assignment=assignment, by=by)
    return created


# ---------------------------------------------------------------------------------------------------
# A unit merged into another (lawgov.services.unit_merge runs this through lawgov.unit_hooks)

# Which part a merged unit keeps where both held one on a clause: the stronger (models.ROLE_STRENGTH).


def unit_assignment_count(unit: Unit) -> int:
    return Assignment.objects.filter(unit=unit).count()


def unit_assignments_move(source: Unit, target: Unit, by: User) -> int:
    """Move every assignment of ``source`` (live or removed) to ``target``, with history.

    Where the two end up on one clause, one live assignment stays: the stronger role (lead, then
    responsible, then cooperating; the survivor's own on a tie); the others are soft deleted, as a person
    removing them would, so the history shows both parts and which was kept.
    """
    moving = list(Assignment.objects.filter(unit=source).select_related("clause"))
    live_moving = [a for a in moving if a.deleted_at is None]
    clause_ids = {a.clause_id for a in live_moving}
    by_clause: dict[int, list[Assignment]] = {}
    for assignment in [*live_moving, *Assignment.objects.active().filter(unit=target, clause_id__in=clause_ids)]:
        by_clause.setdefault(assignment.clause_id, []).append(assignment)
    for parts in by_clause.values():
        if len(parts) < 2:
            continue
        keep = max(parts, key=lambda a: (ROLE_STRENGTH.get(a.role, 0), a.unit_id == target.pk, -a.pk))
        for assignment in parts:
            if assignment.pk != keep.pk:
                assignment._change_reason = merge_reason(source, target, ",保留较强分工")
                _assignment_soft_delete(assignment, by)
    touched_tasks = set()
    for assignment in moving:
        assignment.unit = target
        assignment._history_user = by
        assignment._change_reason = merge_reason(source, target)
        assignment.save()
        touched_tasks.add(assignment.clause.task_id)
    # A 督查 platform pulling ``updated_since`` sees the tasks whose units changed.
    Task.objects.filter(pk__in=touched_tasks).update(updated_at=timezone.now())
    return len(moving)
