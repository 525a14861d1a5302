"""Review and approval: the legal office's scores beside the unit's, a return for correction, the approved
and published results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessment import scoring, selectors
from assessment.models import (
    RETURNABLE,
    WAITING_FOR_REVIEW,
    AssessmentCycle,
    CycleStatus,
    ItemScore,
    Submission,
    SubmissionStatus,
)
from assessment.rules import RubricRules, facts_clean, facts_typed, score_stored
from assessment.services._common import (
    AssessmentError,
    cycle_lock_open,
    cycle_writable_check,
    history_record,
    notify_reporters,
    submission_claim,
    today_or_local,
)
from assessment.services.cycles import cycle_rescore
from assessment.services.self_assessment import unit_window_end
from lawgov.models import Notification, SystemActor, User, recorded_user


@dataclass
class ReviewInput:
    """The legal office's findings on one item. ``scored=False`` (a unit that never submitted: the item's
    核定本项 box unticked) leaves the item unscored, clearing what was found before."""

    facts: Mapping[str, Any] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    comment: str = ""
    scored: bool = True


def _reviewer_check(submission: Submission, by: User | SystemActor, what: str = "审核自评") -> None:
    if by.read_only:
        raise AssessmentError("read_only", "只读角色(领导、接口客户端)不能审核。", 403)
    if not by.is_legal_office_of(submission.cycle.jurisdiction_id):
        raise AssessmentError("not_reviewer", f"只有本辖区法制办可以{what}。", 403)
    if submission.cycle.approved:
        raise AssessmentError("approved", "考核结果已审定发布,不能再修改。", 409)


def review_allowed_statuses(submission: Submission, *, today: dt.date) -> tuple[str, ...]:
    """Submitted and reviewed submissions are reviewed; a unit that let its window pass without submitting
    is scored on site all the same (its draft is reviewed as it stands)."""
    allowed: tuple[str, ...] = (*WAITING_FOR_REVIEW, SubmissionStatus.REVIEWED)
    if submission.status == SubmissionStatus.DRAFT and today > unit_window_end(submission):
        allowed = (*allowed, SubmissionStatus.DRAFT)
    return allowed


@transaction.atomic
def review_save(
    *,
    submission: Submission,
    by: User | SystemActor,
    items: Mapping[int, ReviewInput],
    adjust_facts: Mapping[str, Any] | None = None,
    adjust_grounds: Mapping[str, str] | None = None,
    expected_version: int | None = None,
    finish: bool = False,
    today: dt.date | None = None,
) -> Submission:
    """The legal office's scores beside the unit's: facts found on site, discretionary deductions with their
    reasons, the special bonus and deductions with their grounds. The unit's own facts and score are never
    touched. ``finish`` marks the review done (the submission then counts in the ranking)."""
    today = today_or_local(today)
    _reviewer_check(submission, by)
    allowed = review_allowed_statuses(submission, today=today)
    if submission.status not in allowed:
        if submission.status == SubmissionStatus.RETURNED:
            raise AssessmentError("returned", "该自评已退回单位修改,请等单位重新提交后再审核。", 409)
        raise AssessmentError("not_submitted", "该单位尚未提交自评(自评时间未截止),暂不能审核。", 409)
    rules = RubricRules.load(submission.rubric_id)
    known = {i.pk: i for i in rules.items}
    claimed = dict(ItemScore.objects.filter(submission=submission).values_list("item_id", "self_facts"))
    cleaned: dict[int, tuple[dict | None, dict, str]] = {}
    for item_id, entry in items.items():
        item = known.get(int(item_id))
        if item is None:
            raise AssessmentError("item", "提交的评分项不属于该单位的评分细则。", 400)
        if not entry.scored and submission.never_submitted:
            cleaned[item.pk] = (None, {}, (entry.comment or "").strip())
            continue
        item_rules = rules.by_item.get(item.pk, [])
        facts, reasons = facts_clean(item_rules, entry.facts, entry.reasons, item=item, need_reason=True)
        comment = (entry.comment or "").strip()
        if not comment and not reasons:
            _basis_check(submission, item, score_stored(item, item_rules, facts).score, claimed, item_rules)
        cleaned[item.pk] = (facts, reasons, comment)
    adjust = None
    if adjust_facts is not None:
        adjust = facts_clean(rules.adjustments, adjust_facts, adjust_grounds or {}, item=None, need_reason=True)
    changes: dict[str, Any] = {}
    if adjust is not None:
        changes.update(adjust_facts=adjust[0], adjust_grounds=adjust[1])
    submission_claim(submission, allowed=allowed, expected_version=expected_version, by=by, **changes)
    now = timezone.now()
    for score in ItemScore.objects.filter(submission=submission, item_id__in=list(cleaned)):
        facts, reasons, comment = cleaned[score.item_id]
        if facts is None:
            # Not scored on site: nothing found either way (the cycle's rule decides what it is worth).
            score.review_facts = None
            score.review_reasons = {}
            score.reviewed_score = None
            score.review_floor_held = False
            score.review_comment = comment
            score.reviewed_by = score.reviewed_at = None
        else:
            result = score_stored(known[score.item_id], rules.by_item[score.item_id], facts)
            score.review_facts = facts
            score.review_reasons = reasons
            score.reviewed_score = result.score
            score.review_floor_held = result.floor_held or result.zeroed
            score.review_comment = comment
            score.reviewed_by = recorded_user(by)
            score.reviewed_at = now
        score._history_user = recorded_user(by)
        # Only the review half: what the unit claimed stays as it submitted it.
        score.save(
            update_fields=[
                "review_facts",
                "review_reasons",
                "reviewed_score",
                "review_floor_held",
                "review_comment",
                "reviewed_by",
                "reviewed_at",
            ]
        )
    submission.refresh_from_db()
    totals = submission_totals(submission, rules)
    submission.reviewed_base, submission.bonus, submission.special, submission.final_total = (
        totals.base,
        totals.bonus,
        totals.special,
        totals.final,
    )
    if finish:
        # A unit that never submitted stays so (未提交, scored on site): only the marker says it is reviewed.
        if not submission.never_submitted:
            submission.status = SubmissionStatus.REVIEWED
        submission.reviewed_at = now
        submission.reviewed_by = recorded_user(by)
    submission._history_user = recorded_user(by)
    submission.save()
    return submission


def _basis_check(submission: Submission, item, found, claimed: Mapping[int, Any], item_rules) -> None:
    """审定依据: the legal office writes down what its score rests on wherever it decides something the unit
    did not declare: every item it scores on site for a unit that never submitted, and every item whose
    score it sets apart from the unit's own (a reason given for a discretionary deduction counts)."""
    where = f"{item.category.label}.{item.shown_number}“{item.name}”"
    if submission.never_submitted:
        raise AssessmentError(
            "basis", f"{where}:该单位未提交自评,现场核定须写明核定依据(查阅的材料、核实的情况)。", 400
        )
    own = score_stored(item, item_rules, claimed.get(item.pk)).score
    if found != own:
        raise AssessmentError("basis", f"{where}:核定得分{found}分与单位自评{own}分不同,须写明核定依据。", 400)


def submission_totals(submission: Submission, rules: RubricRules | None = None) -> scoring.Total:
    """Reviewed items (an item the legal office has not touched counts as the unit claimed it), plus the
    special bonus, less the special deductions. A unit that never submitted claimed nothing: its items
    are what the legal office found, and the cycle's rule decides the rest (``scoring.UnsubmittedPolicy``)."""
    rules = rules or RubricRules.load(submission.rubric_id)
    rows = ItemScore.objects.filter(submission=submission).only("item_id", "self_facts", "review_facts")
    adjust = scoring.adjustments(
        [r.spec() for r in rules.adjustments], facts_typed(rules.adjustments, submission.adjust_facts)
    )
    if submission.never_submitted:
        policy = submission.cycle.unsubmitted()
        found = {s.item_id: s.review_facts for s in rows}
        scores = []
        for item in rules.items:
            item_rules = rules.by_item.get(item.pk, [])
            if found.get(item.pk) is None:
                scores.append(policy.unscored_item(item.max_points, [r.spec() for r in item_rules]).score)
            else:
                scores.append(policy.scored_item(score_stored(item, item_rules, found[item.pk])).score)
        return policy.total(scores, bonus=adjust.bonus, special=adjust.special)
    stored = {s.item_id: s.review_facts if s.review_facts is not None else s.self_facts for s in rows}
    results = [score_stored(item, rules.by_item.get(item.pk, []), stored.get(item.pk)) for item in rules.items]
    return scoring.submission_total((r.score for r in results), bonus=adjust.bonus, special=adjust.special)


@transaction.atomic
def submission_return(*, submission: Submission, by: User | SystemActor, reason: str) -> Submission:
    """Send a submission back to its unit for correction: it reopens for that unit only, whatever the date."""
    _reviewer_check(submission, by, "退回自评")
    if not (reason or "").strip():
        raise AssessmentError("reason", "退回时请写明理由。", 400)
    submission_claim(
        submission,
        allowed=RETURNABLE,
        expected_version=None,
        by=by,
        status=SubmissionStatus.RETURNED,
        reviewed_at=None,  # a returned unit is reviewed again once it resubmits
        reviewed_by=None,
        return_reason=reason.strip()[:1000],
        returned_at=timezone.now(),
        returned_by=recorded_user(by),
    )
    history_record(submission, by)
    notify_reporters(
        [submission],
        kind=Notification.Kind.ASSESSMENT_RETURNED,
        key=f"assessment_returned:{{submission}}:{submission.returned_at:%Y%m%d%H%M%S%f}",
        title=lambda s: f"{s.cycle.year}年度考核自评被退回,请修改后重新提交",
        body=f"退回理由:{submission.return_reason}",
    )
    return submission


@transaction.atomic
def cycle_approve(
    *, cycle: AssessmentCycle, by: User | SystemActor, note: str = "", today: dt.date | None = None
) -> AssessmentCycle:
    """The government has approved the results: every total is recomputed from the facts one last time,
    the cycle is locked and the results are published to the units. ``note`` (审定依据: the meeting or
    document that approved them) is required: a published ranking says on whose authority it stands."""
    cycle_writable_check(cycle, by, "审定考核结果")
    cycle_lock_open(cycle.pk)  # before rescoring touches the submissions: the same lock order as a save
    if cycle.approved:
        raise AssessmentError("approved", "考核结果已审定发布,不能重复审定。", 409)
    today = today_or_local(today)
    pending = selectors.unreviewed(cycle=cycle, today=today)
    if pending:
        # The units are named once, in ``details`` (the page shows them as links to their review).
        raise AssessmentError(
            "pending",
            f"还有{len(pending)}个单位未审核完毕,不能审定。请先审核以下单位(未提交自评的单位可“按未提交处理”):",
            409,
            details=[
                {
                    "text": f"{p.submission.unit.name}({p.label})",
                    "url": reverse("assessment:review", args=[p.submission.pk]),
                }
                for p in pending
            ],
        )
    if not (note or "").strip():
        raise AssessmentError(
            "note", "请填写审定依据:区政府审定考核结果的会议或文件(如“区政府第X次常务会议审定”)。", 400
        )
    cycle_rescore(cycle=cycle)
    done = AssessmentCycle.objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).update(
        status=CycleStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=recorded_user(by),
        approval_note=(note or "").strip()[:300],
        version=F("version") + 1,
    )
    if not done:
        raise AssessmentError("approved", "考核结果已审定发布。", 409)
    history_record(cycle, by)
    notify_reporters(
        Submission.objects.filter(cycle=cycle),
        kind=Notification.Kind.ASSESSMENT_PUBLISHED,
        key="assessment_published:{submission}",
        title=lambda s: f"{cycle.year}年度法治政府建设考核结果已发布:总分 {s.final_total} 分",
        body="请在考核页面查看本单位的得分、核定依据和名次。",
    )
    return cycle


@transaction.atomic
def unsubmitted_batch_review(
    *,
    cycle: AssessmentCycle,
    by: User | SystemActor,
    expected: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> list[Submission]:
    """按未提交处理: every unit whose window has closed without a submission and that the legal office has not
    yet scored is marked reviewed at once, scored by the cycle's rule on what the office has found (for most,
    nothing: empty, not full). One transaction; ``expected`` (the ids the confirmation page named) refuses
    the batch if the list has changed since (409), so nobody is treated as unsubmitted without being shown."""
    today = today_or_local(today)
    cycle_writable_check(cycle, by, "按未提交处理")
    cycle_lock_open(cycle.pk)
    targets = selectors.unsubmitted_unreviewed(cycle=cycle, today=today)
    ids = [s.pk for s in targets]
    if expected is not None and sorted(int(i) for i in expected) != sorted(ids):
        raise AssessmentError("stale", "未提交单位的名单已有变化,请刷新确认页后再处理。", 409)
    if not ids:
        raise AssessmentError("none", "没有需要按未提交处理的单位。", 409)
    now = timezone.now()
    done = Submission.objects.filter(pk__in=ids, status=SubmissionStatus.DRAFT, reviewed_at__isnull=True).update(
        reviewed_at=now, reviewed_by=recorded_user(by), version=F("version") + 1, updated_at=now
    )
    if done != len(ids):
        raise AssessmentError("stale", "有单位已被他人处理,请刷新后再试。", 409)
    cycle_rescore(cycle=cycle, only=ids)
    marked = list(Submission.objects.filter(pk__in=ids).select_related("unit").order_by("unit__kind", "unit__name"))
    Submission.history.bulk_history_create(marked, update=True, default_user=recorded_user(by))
    return marked
