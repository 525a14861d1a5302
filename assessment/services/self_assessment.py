"""Self-assessment: a unit fills its sheet inside its window (or once returned), then submits it once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from assessment import scoring
from assessment.models import EDITABLE_BY_UNIT, ItemEvidence, ItemScore, Submission, SubmissionStatus, WindowExtension
from assessment.rules import RubricRules, facts_clean, facts_typed, score_stored, summary_rules
from assessment.services._common import AssessmentError, history_record, submission_claim, today_or_local
from lawgov.models import Role, User, recorded_user
from tasks.models import Evidence
from tasks.services import ProgressError, evidence_check


@dataclass
class ItemInput:
    """What a unit typed for one item; facts are raw (strings from a form), the service types them."""

    facts: Mapping[str, Any] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    explanation: str = ""
    evidence_ids: list[int] | None = None  # progress evidence of the unit to cite; None leaves them as they are
    files: list[UploadedFile] = field(default_factory=list)


def self_assessment_check(submission: Submission, by: User) -> None:
    if by.read_only:
        raise AssessmentError("read_only", "只读角色(领导、接口客户端)不能填写自评。", 403)
    if by.role == Role.LEGAL_OFFICE and not by.is_superuser:
        raise AssessmentError("reviewer_not_unit", "法制办不能修改单位的自评得分,只能在审核页填写核定得分。", 403)
    if by.role != Role.REPORTER or by.unit_id != submission.unit_id:
        raise AssessmentError("not_your_unit", "只能填写本单位的自评。", 403)
    if submission.cycle.approved:
        raise AssessmentError("approved", "考核结果已审定发布,不能再修改。", 409)
    if submission.status not in EDITABLE_BY_UNIT:
        raise AssessmentError(
            "submitted",
            f"本单位的自评{submission.get_status_display()},不能再修改或重复提交"
            f"{'(如需更正,请联系法制办退回)' if submission.status != SubmissionStatus.REVIEWED else ''}。",
            409,
        )


def unit_window_end(submission: Submission) -> dt.date:
    extension = WindowExtension.objects.filter(cycle_id=submission.cycle_id, unit_id=submission.unit_id).first()
    return max(submission.cycle.self_end, extension.until) if extension else submission.cycle.self_end


def _window_check(submission: Submission, today: dt.date) -> None:
    """Self-assessment only inside the window (or the unit's extension); a returned submission was
    reopened by the legal office for this unit and may be corrected whatever the date."""
    if submission.status == SubmissionStatus.RETURNED:
        return
    cycle = submission.cycle
    end = unit_window_end(submission)
    if today < cycle.self_start:
        raise AssessmentError(
            "not_open",
            f"自查自评时间为{cycle.self_start:%Y-%m-%d}至{end:%Y-%m-%d},尚未开始,现在不能填写或提交。",
            409,
        )
    if today > end:
        raise AssessmentError(
            "closed",
            f"自查自评已于{end:%Y-%m-%d}截止,现在不能填写或提交;如确需补报,请联系法制办延长时间。",
            409,
        )


def _unit_evidence_ids(submission: Submission, ids: Iterable[int]) -> list[int]:
    ids = {int(i) for i in ids}
    if not ids:
        return []
    allowed = set(
        Evidence.objects.filter(
            pk__in=ids,
            deleted_at=None,
            report__unit_id=submission.unit_id,
            report__deleted_at=None,
        ).values_list("pk", flat=True)
    )
    if ids - allowed:
        raise AssessmentError("evidence", "只能引用本单位进展报告的佐证材料。", 400)
    return sorted(allowed)


def _check_files(files: Iterable[UploadedFile]) -> None:
    for upload in files:
        try:
            evidence_check(upload)
        except ProgressError as exc:
            raise AssessmentError(exc.code, exc.message, exc.status) from exc


@transaction.atomic
def self_assessment_save(
    *,
    submission: Submission,
    by: User,
    items: Mapping[int, ItemInput],
    summary_text: str | None = None,
    summary_file: UploadedFile | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Submission:
    """Save a unit's draft: its facts per item, explanations, evidence and the annual summary.

    Everything is checked before anything is written: one bad fact (2.5 occurrences, a deduction above the
    item's points) refuses the whole save. The item scores and the total come from ``scoring``.
    """
    today = today_or_local(today)
    self_assessment_check(submission, by)
    _window_check(submission, today)
    rules = RubricRules.load(submission.rubric_id)
    known = {i.pk: i for i in rules.items}
    cleaned: dict[int, tuple[dict, dict, ItemInput, list[int] | None]] = {}
    for item_id, entry in items.items():
        item = known.get(int(item_id))
        if item is None:
            raise AssessmentError("item", "提交的评分项不属于本单位的评分细则。", 400)
        facts, reasons = facts_clean(
            rules.by_item.get(item.pk, []), entry.facts, entry.reasons, item=item, need_reason=False
        )
        evidence = _unit_evidence_ids(submission, entry.evidence_ids) if entry.evidence_ids is not None else None
        _check_files(entry.files)
        cleaned[item.pk] = (facts, reasons, entry, evidence)
    if summary_file is not None:
        _check_files([summary_file])
    changes: dict[str, Any] = {}
    if summary_text is not None:
        changes["summary_text"] = summary_text.strip()
    submission_claim(submission, allowed=EDITABLE_BY_UNIT, expected_version=expected_version, by=by, **changes)
    scores = {s.item_id: s for s in ItemScore.objects.filter(submission=submission)}
    for item_id, (facts, reasons, entry, evidence) in cleaned.items():
        score = scores.get(item_id) or ItemScore(submission=submission, item_id=item_id)
        result = scoring.item_score(
            known[item_id].max_points, rules.specs(item_id), facts_typed(rules.by_item[item_id], facts)
        )
        score.self_facts = facts
        score.self_reasons = reasons
        score.self_score = result.score
        score.self_floor_held = result.floor_held or result.zeroed
        score.explanation = (entry.explanation or "").strip()
        score._history_user = recorded_user(by)
        score.save()
        if evidence is not None:
            score.progress_evidence.set(evidence)
        for upload in entry.files:
            ItemEvidence.objects.create(
                item_score=score,
                file=upload,
                original_name=(upload.name or "file")[:200],
                size=upload.size,
                uploaded_by=by,
            )
    submission.refresh_from_db()
    if summary_file is not None:
        submission.summary_file = summary_file
        submission.summary_name = (summary_file.name or "工作总结")[:200]
    _sync_summary_facts(submission, rules, by)
    submission.self_total = _self_total(submission, rules)
    submission._history_user = recorded_user(by)
    submission.save()
    return submission


def _sync_summary_facts(submission: Submission, rules: RubricRules, by: User) -> None:
    """未报送工作总结 is not for the unit to claim: the platform knows whether a summary is attached, so the
    fact follows the submission (the legal office may still find otherwise in its review)."""
    missing = not submission.has_summary
    for item, rule in summary_rules(rules, submission.cycle.fact_sources):
        score = ItemScore.objects.filter(submission=submission, item=item).first()
        if score is None or (score.self_score is not None and score.self_facts.get(rule.key) == missing):
            continue
        facts = {**(score.self_facts or {}), rule.key: missing}
        result = score_stored(item, rules.by_item[item.pk], facts)
        score.self_facts = facts
        score.self_score = result.score
        score.self_floor_held = result.floor_held or result.zeroed
        score._history_user = recorded_user(by)
        score.save()


def _self_total(submission: Submission, rules: RubricRules) -> Decimal:
    """Every item's self score from its stored facts (an item never saved scores as if nothing applied)."""
    stored = {
        s.item_id: s.self_facts for s in ItemScore.objects.filter(submission=submission).only("item_id", "self_facts")
    }
    results = [score_stored(item, rules.by_item.get(item.pk, []), stored.get(item.pk)) for item in rules.items]
    return scoring.submission_total(r.score for r in results).base


@transaction.atomic
def self_assessment_submit(*, submission: Submission, by: User, today: dt.date | None = None) -> Submission:
    """Submit once: the scores are locked for the unit until the legal office returns them."""
    today = today_or_local(today)
    self_assessment_check(submission, by)
    _window_check(submission, today)
    if not submission.has_summary:
        raise AssessmentError("summary", "提交前请填写或上传年度法治政府建设工作总结。", 400)
    rules = RubricRules.load(submission.rubric_id)
    _sync_summary_facts(submission, rules, by)
    # Items never opened still get their score written: what is submitted is what is locked.
    for score in ItemScore.objects.filter(submission=submission, self_score__isnull=True):
        item = next(i for i in rules.items if i.pk == score.item_id)
        result = score_stored(item, rules.by_item.get(item.pk, []), score.self_facts)
        ItemScore.objects.filter(pk=score.pk).update(self_score=result.score, self_floor_held=result.floor_held)
    new_status = (
        SubmissionStatus.RESUBMITTED if submission.status == SubmissionStatus.RETURNED else SubmissionStatus.SUBMITTED
    )
    submission_claim(
        submission,
        allowed=EDITABLE_BY_UNIT,
        expected_version=None,
        by=by,
        status=new_status,
        submitted_at=timezone.now(),
        submitted_by=by,
        reviewed_at=None,  # what the legal office scored before (an extended window) is reviewed again
        reviewed_by=None,
        self_total=_self_total(submission, rules),
    )
    history_record(submission, by)
    return submission
