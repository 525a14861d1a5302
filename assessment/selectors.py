"""Reads of the assessment app: the self-assessment and review sheets, facts the platform holds, the review
queue, ranking and distribution, a cycle's scoreboard, history.

Each function issues a fixed number of queries whatever the number of units or items; the points shown
are computed by ``assessment.scoring`` from the stored facts, never read from anywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from assessment import parsing, scoring
from assessment.models import (
    RANKED,
    AssessedKind,
    AssessmentCycle,
    Category,
    CycleStatus,
    Item,
    ItemEvidence,
    ItemScore,
    Rule,
    Submission,
    SubmissionStatus,
    WindowExtension,
)
from assessment.rules import RubricRules, facts_typed, number_items, source_fits
from lawgov.models import Role, Unit, User
from plans.models import Task
from tasks.models import Evidence, ProgressReport, ReportStatus
from tasks.status import TaskStatus, status_filter

SENT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED, ReportStatus.ACCEPTED)


# --- facts the platform holds --------------------------------------------------------------------------


@dataclass
class PlatformFacts:
    """What lawgov already knows about a unit's year, offered as the value of rules that ask for it."""

    reports_per_month: list[int]
    tasks_total: int
    tasks_done: int
    tasks_overdue: int
    has_summary: bool
    as_of: dt.date

    def value_for(self, source: str, rule: Rule) -> Any:
        if source == parsing.SOURCE_REPORTS_PER_MONTH and int(rule.params.get("periods", 0)) == 12:
            return list(self.reports_per_month)
        if source == parsing.SOURCE_SUMMARY_MISSING:
            return not self.has_summary
        if source == parsing.SOURCE_OVERDUE_TASKS:
            return self.tasks_overdue
        return None


def platform_facts(*, submission: Submission, today: dt.date) -> PlatformFacts:
    """Progress reports the unit sent per month of the cycle's year, and its tasks overdue at the year's end
    (or today, if earlier): three queries."""
    year = submission.cycle.year
    as_of = min(today, dt.date(year, 12, 31))
    months = [0] * 12
    rows = (
        ProgressReport.objects.active()
        .filter(unit_id=submission.unit_id, reported_on__year=year, status__in=SENT_STATUSES)
        .annotate(month=ExtractMonth("reported_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        months[row["month"] - 1] = row["n"]
    unit = submission.unit
    tasks = Task.objects.active().filter(plan__jurisdiction_id=submission.cycle.jurisdiction_id)
    tasks = tasks.with_unit(unit.covering_ids())
    counts = tasks.aggregate(
        total=Count("id"),
        done=Count("id", filter=status_filter(TaskStatus.DONE, today=as_of)),
        overdue=Count("id", filter=status_filter(TaskStatus.OVERDUE, today=as_of)),
    )
    return PlatformFacts(
        reports_per_month=months,
        tasks_total=counts["total"],
        tasks_done=counts["done"],
        tasks_overdue=counts["overdue"],
        has_summary=submission.has_summary,
        as_of=as_of,
    )


@dataclass
class SourceRow:
    """One rule of a cycle's rubrics that a platform fact can inform, for the cycle's settings page."""

    rule: Rule
    where: str  # 区级部门 三.2“报送法治政府信息”
    source: str  # the cycle's current mapping ("" for none)
    choices: list[tuple[str, str]]  # the sources that fit the rule: (value, label)


def fact_source_rows(*, cycle: AssessmentCycle) -> list[SourceRow]:
    """Every rule of the cycle's two rubrics that some platform fact could inform, with the cycle's current
    mapping: the office sees what is mapped and can change or clear it (two queries per rubric)."""
    out = []
    for rubric, kind in ((cycle.department_rubric, "区级部门"), (cycle.township_rubric, "乡镇(街道)")):
        rules = RubricRules.load(rubric.pk)
        for item in rules.items:
            for rule in rules.by_item.get(item.pk, []):
                choices = [(s, label) for s, label in parsing.SOURCE_LABELS.items() if source_fits(rule, s)]
                if choices:
                    where = f"{kind} {item.category.label}.{item.shown_number}“{item.name}”"
                    out.append(SourceRow(rule, where, cycle.source_of(rule), choices))
    return out


# --- the sheets ---------------------------------------------------------------------------------------


@dataclass
class RuleRow:
    rule: Rule
    value: Any  # what the form shows
    reason: str = ""
    platform: Any = None  # the platform's value, for rules with a source
    self_value: Any = None  # the unit's claim, shown beside the reviewer's input
    self_reason: str = ""
    locked: bool = False  # set by the platform, not typed by the unit (未报送工作总结)
    entered: Any = None  # what the person typed, re-shown as typed when the form comes back refused

    @property
    def from_platform(self) -> bool:
        return self.platform is not None and self.value == self.platform

    @property
    def input_value(self) -> Any:
        """What the input holds: the typed text on a refused form (an untouched box stays empty, 2.5 stays
        2.5), else the stored or typed value."""
        return self.entered if self.entered is not None else self.value

    @property
    def months(self) -> list[tuple[int, Any]]:
        shown = self.input_value
        values = shown if isinstance(shown, list) else []
        return [(m, "" if m - 1 >= len(values) or values[m - 1] is None else values[m - 1]) for m in self.rule.months]

    @property
    def platform_text(self) -> str:
        if self.platform is None:
            return ""
        if isinstance(self.platform, list):
            return "、".join(str(v) for v in self.platform)
        if isinstance(self.platform, bool):
            return "是" if self.platform else "否"
        return str(self.platform)

    @property
    def self_text(self) -> str:
        return _fact_text(self.rule, self.self_value)


def _fact_text(rule: Rule, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        quota = int(rule.params.get("quota", 0))
        missing = sum(max(0, quota - int(v or 0)) for v in value)
        return f"{'、'.join(str(v) for v in value)}(少{missing})"
    if rule.kind == scoring.RuleKind.DISCRETIONARY:
        return f"扣{value}分" if Decimal(value) else "不扣"
    return f"{value}次"


@dataclass
class ItemRow:
    item: Item
    score: ItemScore
    rules: list[RuleRow]
    result: scoring.ItemResult | None
    self_result: scoring.ItemResult | None = None
    overflow: Decimal | None = None
    explanation: str = ""
    comment: str = ""
    evidence: list[ItemEvidence] = field(default_factory=list)
    cited: list[Evidence] = field(default_factory=list)
    cited_ids: set[int] = field(default_factory=set)
    error: str = ""
    scored: bool = True  # False: a unit that never submitted, the item not (yet) scored by the legal office

    @property
    def has_platform(self) -> bool:
        """The cycle maps a platform fact to one of the item's rules (the review page offers to take it)."""
        return any(r.platform is not None for r in self.rules)

    @property
    def notes(self) -> list[str]:
        """扣分说明: every rule that took points, with the fact and the reason behind it; an item left
        unscored for a unit that never submitted says so; the floor when the rules take more than the item."""
        if self.error:
            return []
        if not self.scored:
            return [f"未提交自评,法制办未核定本项:计{self.result.score.normalize():f}分" if self.result else ""]
        out = []
        for rule_row in self.rules:
            line = scoring.line_text(rule_row.rule.spec(), rule_row.value, reason=rule_row.reason)
            if line:
                out.append(line)
        if self.result and self.result.note:
            out.append(self.result.note)
        if self.comment:
            out.append(f"核定依据:{self.comment}")
        return out


@dataclass
class CategoryBlock:
    category: Category
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return sum((r.result.score for r in self.rows if r.result), Decimal(0))

    @property
    def self_score(self) -> Decimal:
        return sum((r.self_result.score for r in self.rows if r.self_result), Decimal(0))


@dataclass
class Sheet:
    """A submission laid out as the annex: categories, items, rules with the values shown, scores."""

    submission: Submission
    mode: str  # self (the unit fills) · review (the legal office fills) · view
    blocks: list[CategoryBlock]
    adjustments: list[RuleRow]
    total: scoring.Total
    self_total: Decimal | None  # none for a unit that never submitted
    platform: PlatformFacts | None = None
    unsubmitted: bool = False  # the unit never submitted: scored on site by the legal office
    unsubmitted_deduction: Decimal = Decimal(0)  # what the cycle's rule takes off for not submitting
    evidence_options: list[Evidence] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[ItemRow]:
        return [row for block in self.blocks for row in block.rows]

    @property
    def platform_rows(self) -> list[tuple[ItemRow, RuleRow]]:
        """The facts on the page that came from the platform's own data, for the review page to list."""
        return [(row, r) for row in self.rows for r in row.rules if r.platform is not None]


def _shown(rules: list[Rule], stored: Mapping[str, Any] | None, raw: Mapping[str, Any] | None, max_points):
    """The facts to score: what was posted (when re-showing a refused form) or what is stored, typed; with
    the first refusal, and what was typed as it was typed (so a refused form does not come back with 0 in
    every box the person left empty)."""
    typed = facts_typed(rules, stored)
    if raw is None:
        return typed, None, {}
    error = None
    entered: dict[str, Any] = {}
    for rule in rules:
        value = raw.get(rule.key)
        if rule.kind not in (scoring.RuleKind.FIXED, scoring.RuleKind.ALL_OR_NOTHING):
            entered[rule.key] = list(value) if isinstance(value, list | tuple) else ("" if value is None else value)
        try:
            typed[rule.key] = scoring.fact_clean(rule.spec(), value, max_points=max_points, what=rule.condition)
        except scoring.FactError as exc:
            error = error or exc.message
            typed[rule.key] = value
    return typed, error, entered


def platform_inputs(*, submission: Submission, today: dt.date, item_ids: list[int] | None = None) -> dict:
    """采用平台数据: item id → {rule key: the platform's value} for the items whose rules the cycle maps to a
    platform fact (``item_ids`` limits it). Only ever put into a form for the legal office to check and save:
    nothing here is stored, and nothing is filled unless the office asks."""
    rules = RubricRules.load(submission.rubric_id)
    platform = platform_facts(submission=submission, today=today)
    sources = submission.cycle.fact_sources
    out: dict[int, dict[str, Any]] = {}
    for item in rules.items:
        if item_ids is not None and item.pk not in item_ids:
            continue
        for rule in rules.by_item.get(item.pk, []):
            value = platform.value_for(sources.get(rule.key, ""), rule)
            if value is not None:
                out.setdefault(item.pk, {})[rule.key] = value
    return out


def submission_sheet(
    *,
    submission: Submission,
    mode: str,
    today: dt.date,
    posted: Mapping[int, Any] | None = None,
    posted_adjust: Mapping[str, Any] | None = None,
    posted_grounds: Mapping[str, str] | None = None,
    summary_present: bool | None = None,
) -> Sheet:
    """The sheet a page renders. ``posted`` (item id → ItemInput/ReviewInput) re-shows a refused form or
    previews unsaved values; the score beside each item is ``scoring.item_score`` of what is shown."""
    rules = RubricRules.load(submission.rubric_id)
    scores = {
        s.item_id: s
        for s in ItemScore.objects.filter(submission=submission).prefetch_related(
            Prefetch("evidence", queryset=ItemEvidence.objects.active()),
            Prefetch("progress_evidence", queryset=Evidence.objects.select_related("report__task")),
        )
    }
    platform = platform_facts(submission=submission, today=today) if mode in ("self", "review") else None
    sources = submission.cycle.fact_sources  # which platform fact informs which rule: the cycle's data
    # A unit that never submitted declared nothing: its sheet starts empty and holds only what the legal
    # office finds (现场核定); the cycle's rule decides what an item it does not score is worth.
    unsubmitted = mode != "self" and submission.never_submitted
    policy = submission.cycle.unsubmitted()
    if summary_present is None:
        summary_present = submission.has_summary
    categories: dict[int, CategoryBlock] = {}
    for item in rules.items:
        block = categories.setdefault(item.category_id, CategoryBlock(category=item.category))
        score = scores.get(item.pk) or ItemScore(submission=submission, item=item)
        item_rules = rules.by_item.get(item.pk, [])
        entry = posted.get(item.pk) if posted else None
        raw = dict(entry.facts) if entry is not None else None
        if mode == "self":
            stored = score.self_facts if score.self_score is not None else None
        elif unsubmitted:
            stored = score.review_facts
        else:
            stored = score.review_facts if score.review_facts is not None else score.self_facts
        scored = (getattr(entry, "scored", True) if entry is not None else score.review_facts is not None) or (
            not unsubmitted
        )
        shown, error, entered = _shown(item_rules, stored, raw, item.max_points)
        if not scored and raw is None:
            # Empty, not full: no count, no tick, no month filled until the office finds something.
            for rule in item_rules:
                if rule.kind not in (scoring.RuleKind.FIXED, scoring.RuleKind.ALL_OR_NOTHING):
                    shown[rule.key] = None
        platform_values = {
            rule.key: platform.value_for(sources.get(rule.key, ""), rule) for rule in item_rules if platform
        }
        never_saved = score.self_score is None and score.review_facts is None
        if mode == "self" and raw is None and never_saved:
            # The unit's own sheet, before it saves anything, starts from what the platform knows of it
            # (marked as such; the unit corrects and submits it). The legal office's sheet never does: a
            # platform fact is shown beside the item and counts only when the office takes it.
            for key, value in platform_values.items():
                if value is not None:
                    shown[key] = value
        if mode == "self":
            for rule in item_rules:
                if sources.get(rule.key) == parsing.SOURCE_SUMMARY_MISSING:
                    shown[rule.key] = not summary_present
        reasons_src = score.self_reasons if mode == "self" else (score.review_reasons or {})
        if entry is not None:
            reasons_src = dict(entry.reasons)
        self_typed = facts_typed(item_rules, score.self_facts) if mode != "self" and not unsubmitted else None
        rule_rows = [
            RuleRow(
                rule=rule,
                value=shown.get(rule.key),
                reason=(reasons_src or {}).get(rule.key, ""),
                platform=(
                    None
                    if mode == "self" and sources.get(rule.key) == parsing.SOURCE_SUMMARY_MISSING
                    else platform_values.get(rule.key)
                ),
                self_value=self_typed.get(rule.key) if self_typed is not None else None,
                self_reason=(score.self_reasons or {}).get(rule.key, ""),
                locked=mode == "self" and sources.get(rule.key) == parsing.SOURCE_SUMMARY_MISSING,
                entered=entered.get(rule.key),
            )
            for rule in item_rules
        ]
        result = None
        specs = [r.spec() for r in item_rules]
        if unsubmitted and not scored:
            result = policy.unscored_item(item.max_points, specs)
        elif error is None:
            result = scoring.item_score(item.max_points, specs, shown)
            if unsubmitted:
                result = policy.scored_item(result)
        self_result = (
            scoring.item_score(item.max_points, [r.spec() for r in item_rules], self_typed)
            if self_typed is not None
            else None
        )
        cited = list(score.progress_evidence.all()) if score.pk else []
        row = ItemRow(
            item=item,
            score=score,
            rules=rule_rows,
            result=result,
            self_result=self_result,
            overflow=scoring.printed_overflow(item.max_points, [r.spec() for r in item_rules]),
            explanation=(
                entry.explanation if entry is not None and hasattr(entry, "explanation") else score.explanation
            ),
            comment=(entry.comment if entry is not None and hasattr(entry, "comment") else score.review_comment),
            evidence=list(score.evidence.all()) if score.pk else [],
            cited=cited,
            cited_ids={e.pk for e in cited},
            error=error or "",
            scored=scored,
        )
        if entry is not None and getattr(entry, "evidence_ids", None) is not None:
            row.cited_ids = {int(i) for i in entry.evidence_ids}
        block.rows.append(row)
    adjust_stored = submission.adjust_facts
    adjust_shown, adjust_error, adjust_entered = _shown(rules.adjustments, adjust_stored, posted_adjust, None)
    grounds = (posted_grounds if posted_adjust is not None else None) or submission.adjust_grounds or {}
    adjustments = [
        RuleRow(
            rule=rule,
            value=adjust_shown.get(rule.key),
            reason=grounds.get(rule.key, ""),
            entered=adjust_entered.get(rule.key),
        )
        for rule in rules.adjustments
    ]
    adjust = (
        scoring.adjustments([r.spec() for r in rules.adjustments], adjust_shown)
        if adjust_error is None
        else scoring.AdjustmentResult(bonus=Decimal(0), special=Decimal(0))
    )
    blocks = list(categories.values())
    items_scores = [row.result.score for block in blocks for row in block.rows if row.result]
    total = scoring.submission_total(items_scores, bonus=adjust.bonus, special=adjust.special)
    if mode == "self":
        total = scoring.submission_total(items_scores)
    elif unsubmitted:
        total = policy.total(items_scores, bonus=adjust.bonus, special=adjust.special)
    self_total = sum(
        (row.self_result.score if row.self_result else (row.result.score if row.result else Decimal(0)))
        for block in blocks
        for row in block.rows
    )
    evidence_options: list[Evidence] = []
    if mode == "self":
        evidence_options = list(
            Evidence.objects.filter(
                deleted_at=None,
                report__unit_id=submission.unit_id,
                report__deleted_at=None,
                report__reported_on__year=submission.cycle.year,
            )
            .select_related("report__task")
            .order_by("-report__reported_on", "id")[:200]
        )
    errors = [
        f"{row.item.category.label}.{row.item.shown_number}{row.item.name}:{row.error}"
        for b in blocks
        for row in b.rows
        if row.error
    ]
    if adjust_error:
        errors.append(f"特别加分和扣分:{adjust_error}")
    return Sheet(
        submission=submission,
        mode=mode,
        blocks=blocks,
        adjustments=adjustments,
        total=total,
        self_total=None if unsubmitted else scoring.q(self_total),
        unsubmitted=unsubmitted,
        unsubmitted_deduction=policy.deduction if unsubmitted else Decimal(0),
        platform=platform,
        evidence_options=evidence_options,
        errors=errors,
    )


# --- states: who submitted, who is reviewed ----------------------------------------------------------


def with_window(queryset):
    """Submissions with their unit's extended window end (``window_until``) in the same query."""
    extended = WindowExtension.objects.filter(cycle_id=OuterRef("cycle_id"), unit_id=OuterRef("unit_id"))
    return queryset.annotate(window_until=Subquery(extended.values("until")[:1]))


def states_of(submissions, *, cycle: AssessmentCycle, today: dt.date, ends: Mapping[int, dt.date] | None = None):
    """Sets ``shown_state`` and ``state_label`` on each submission (``Submission.state`` with its unit's
    window end: from ``ends``, else from the ``window_until`` of ``with_window``)."""
    for s in submissions:
        s.cycle = cycle
        until = ends.get(s.unit_id) if ends is not None else getattr(s, "window_until", None)
        s.shown_state = s.state(today=today, until=until)
        s.state_label = SubmissionStatus(s.shown_state).label
    return submissions


@dataclass
class Pending:
    submission: Submission
    label: str  # 未提交 · 已提交 · 已退回 …


def unreviewed(*, cycle: AssessmentCycle, today: dt.date) -> list[Pending]:
    """Units the legal office has not finished with (``reviewed_at`` empty), submitted or not: what stops
    approval. One query."""
    rows = list(
        with_window(Submission.objects.filter(cycle=cycle, reviewed_at__isnull=True))
        .select_related("unit")
        .order_by("unit__kind", "unit__name")
    )
    states_of(rows, cycle=cycle, today=today)
    return [Pending(s, s.state_label) for s in rows]


def unsubmitted_unreviewed(*, cycle: AssessmentCycle, today: dt.date) -> list[Submission]:
    """Units whose own window has closed without a submission and that the legal office has not scored yet:
    what 按未提交处理 treats. One query."""
    rows = list(
        with_window(Submission.objects.filter(cycle=cycle, status=SubmissionStatus.DRAFT, reviewed_at__isnull=True))
        .select_related("unit")
        .order_by("unit__kind", "unit__name")
    )
    states_of(rows, cycle=cycle, today=today)
    return [s for s in rows if s.shown_state == SubmissionStatus.NOT_SUBMITTED]


# --- review queue and ranking ------------------------------------------------------------------------

QUEUE_ORDER = {
    SubmissionStatus.SUBMITTED: 0,
    SubmissionStatus.RESUBMITTED: 0,
    SubmissionStatus.RETURNED: 1,
    SubmissionStatus.NOT_SUBMITTED: 2,
    SubmissionStatus.DRAFT: 3,
    SubmissionStatus.REVIEWED: 4,
}


@dataclass
class Queue:
    rows: list[Submission]
    counts: dict[str, int]
    extensions: dict[int, WindowExtension]
    status: str | None

    @property
    def waiting(self) -> int:
        return self.counts.get(SubmissionStatus.SUBMITTED, 0) + self.counts.get(SubmissionStatus.RESUBMITTED, 0)


def review_queue(*, cycle: AssessmentCycle, status: str | None = None, today: dt.date | None = None) -> Queue:
    """The legal office's queue: waiting first (oldest first), then returned, not submitted, drafts, reviewed.

    Two queries whatever the number of units: the submissions with their units, the window extensions.
    The status shown is computed (``Submission.state``): a draft past its unit's window is 未提交.
    """
    today = today or timezone.localdate()
    extensions = {e.unit_id: e for e in WindowExtension.objects.filter(cycle=cycle)}
    ends = {u: max(cycle.self_end, e.until) for u, e in extensions.items()}
    everyone = states_of(
        list(Submission.objects.filter(cycle=cycle).select_related("unit")), cycle=cycle, today=today, ends=ends
    )
    counts: dict[str, int] = defaultdict(int)
    for submission in everyone:
        counts[submission.shown_state] += 1
        counts["unreviewed"] += submission.reviewed_at is None
        submission.extension = extensions.get(submission.unit_id)
    if status == "waiting":
        rows = [s for s in everyone if s.shown_state in (SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED)]
    elif status == "unreviewed":
        rows = [s for s in everyone if s.reviewed_at is None]
    elif status in SubmissionStatus.values:
        rows = [s for s in everyone if s.shown_state == status]
    else:
        rows = everyone
    listed = sorted(
        rows,
        key=lambda s: (QUEUE_ORDER[s.shown_state], s.submitted_at or s.created_at, s.unit.kind, s.unit.name),
    )
    return Queue(rows=listed, counts=dict(counts), extensions=extensions, status=status)


@dataclass
class RankRow:
    submission: Submission
    rank: int | None
    converted: Decimal | None


@dataclass
class KindRanking:
    kind: str
    label: str
    rows: list[RankRow]
    bands: list[scoring.Band]
    reviewed: int
    total: int

    @property
    def max_band(self) -> int:
        return max((b.count for b in self.bands), default=0) or 1

    @property
    def average(self) -> Decimal | None:
        scores = [r.submission.final_total for r in self.rows if r.rank is not None]
        return scoring.q(sum(scores) / len(scores)) if scores else None


def ranking(*, cycle: AssessmentCycle, today: dt.date | None = None) -> list[KindRanking]:
    """Ranking within each unit kind by the stored final totals (written by the scoring function), ties
    sharing a rank, and the distribution by 10-point bands; each submission carries its shown state. One
    query."""
    today = today or timezone.localdate()
    submissions = list(
        with_window(Submission.objects.filter(cycle=cycle)).select_related("unit").order_by("unit__name", "pk")
    )
    states_of(submissions, cycle=cycle, today=today)
    out = []
    for kind, label in AssessedKind.choices:
        mine = [s for s in submissions if s.unit.kind == kind]
        # One rule (``Submission.ranked``): a unit has a place only once the office has finished with it.
        ranked = scoring.rank((s, s.final_total) for s in mine if s.ranked)
        rows = [
            RankRow(r.key, r.rank, scoring.converted(r.score, cycle.weight, capped=cycle.converted_capped))
            for r in ranked
        ]
        rows += [RankRow(s, None, None) for s in mine if not s.ranked]
        out.append(
            KindRanking(
                kind=kind,
                label=label,
                rows=rows,
                bands=scoring.distribution((s.pk, s.final_total) for s in mine if s.ranked),
                reviewed=sum(1 for s in mine if s.reviewed_at is not None),
                total=len(mine),
            )
        )
    return out


def review_shown(user: User, submission: Submission) -> bool:
    """Whether this user may see what the legal office decided on the submission (its scores, comments,
    totals and rank): always, except a unit's own reporters before the results are approved and published."""
    return user.role != Role.REPORTER or submission.cycle.approved


@dataclass
class UnitResult:
    rank: int
    of: int
    final: Decimal
    converted: Decimal | None


def unit_result(*, submission: Submission) -> UnitResult | None:
    """A unit's own result and rank within its kind, once the results are published (two queries)."""
    if not submission.cycle.approved or not submission.ranked:
        return None
    same_kind = Submission.objects.filter(RANKED, cycle_id=submission.cycle_id, unit__kind=submission.unit.kind)
    better = same_kind.filter(final_total__gt=submission.final_total).count()
    return UnitResult(
        rank=better + 1,
        of=same_kind.count(),
        final=submission.final_total,
        converted=submission.converted,
    )


# --- the whole cycle at once -------------------------------------------------------------------------


@dataclass
class BoardEntry:
    submission_id: int
    unit_id: int
    kind: str
    status: str
    self_total: Decimal | None
    total: scoring.Total | None  # None until the legal office has reviewed anything
    item_scores: dict[int, Decimal] = field(default_factory=dict)
    finished: bool = False  # reviewed_at is set: ranked (``Submission.ranked``)


def cycle_scoreboard(
    *, cycle: AssessmentCycle, with_items: bool = False, only: list[int] | None = None
) -> dict[int, BoardEntry]:
    """Every submission of a cycle scored from its stored facts by ``scoring``: four queries and pure Python
    (the benchmark times this with the ranking: 300 units × 30 items in well under a second). ``only``
    limits it to those submissions (the batch rescores the units it treated, not the whole cycle)."""
    rubric_ids = [cycle.department_rubric_id, cycle.township_rubric_id]
    items: dict[int, tuple[int, Decimal]] = {
        pk: (rubric_id, max_points)
        for pk, rubric_id, max_points in Item.objects.filter(rubric_id__in=rubric_ids).values_list(
            "pk", "rubric_id", "max_points"
        )
    }
    specs: dict[int, list[scoring.RuleSpec]] = defaultdict(list)
    adjust: dict[int, list[scoring.RuleSpec]] = defaultdict(list)
    for rule in Rule.objects.filter(rubric_id__in=rubric_ids).order_by("position"):
        (specs[rule.item_id] if rule.item_id else adjust[rule.rubric_id]).append(rule.spec())
    typer = _FactTyper()
    board: dict[int, BoardEntry] = {}
    adjust_facts: dict[int, tuple[int, dict]] = {}
    done: set[int] = set()
    policy = cycle.unsubmitted()
    submissions = Submission.objects.filter(cycle=cycle)
    rows = ItemScore.objects.filter(submission__cycle=cycle)
    if only is not None:
        submissions, rows = submissions.filter(pk__in=only), rows.filter(submission_id__in=only)
    for pk, unit_id, kind, rubric_id, status, self_total, facts, reviewed_at in submissions.values_list(
        "pk", "unit_id", "unit__kind", "rubric_id", "status", "self_total", "adjust_facts", "reviewed_at"
    ):
        board[pk] = BoardEntry(pk, unit_id, kind, status, self_total, None)
        adjust_facts[pk] = (rubric_id, facts or {})
        if reviewed_at is not None:
            done.add(pk)
            board[pk].finished = True
    self_sums: dict[int, Decimal] = defaultdict(Decimal)
    review_sums: dict[int, Decimal] = defaultdict(Decimal)
    reviewed: set[int] = set()
    rows = rows.values_list("submission_id", "item_id", "self_facts", "review_facts")
    for submission_id, item_id, self_facts, review_facts in rows.iterator(chunk_size=2000):
        max_points = items[item_id][1]
        item_specs = specs.get(item_id, [])
        if board[submission_id].status == SubmissionStatus.DRAFT:
            # Never submitted: nothing the unit typed counts; what the office found, else the cycle's rule.
            if review_facts is not None:
                reviewed.add(submission_id)
                found = scoring.item_score(max_points, item_specs, typer.typed(item_specs, review_facts))
                checked = policy.scored_item(found)
            else:
                checked = policy.unscored_item(max_points, item_specs)
            review_sums[submission_id] += checked.score
            if with_items:
                board[submission_id].item_scores[item_id] = checked.score
            continue
        own = scoring.item_score(max_points, item_specs, typer.typed(item_specs, self_facts))
        self_sums[submission_id] += own.score
        if review_facts is not None:
            reviewed.add(submission_id)
            checked = scoring.item_score(max_points, item_specs, typer.typed(item_specs, review_facts))
        else:
            checked = own
        review_sums[submission_id] += checked.score
        if with_items:
            board[submission_id].item_scores[item_id] = checked.score
    for pk, entry in board.items():
        never_submitted = entry.status == SubmissionStatus.DRAFT
        # A self-assessed total is what a unit declared by submitting: a draft has none.
        entry.self_total = None if never_submitted else scoring.q(self_sums[pk])
        if pk in reviewed or pk in done or entry.status == SubmissionStatus.REVIEWED:
            rubric_id, facts = adjust_facts[pk]
            rules = adjust.get(rubric_id, [])
            extra = scoring.adjustments(rules, typer.typed(rules, facts))
            if never_submitted:
                entry.total = policy.total([review_sums[pk]], bonus=extra.bonus, special=extra.special)
            else:
                entry.total = scoring.submission_total([review_sums[pk]], bonus=extra.bonus, special=extra.special)
    return board


class _FactTyper:
    """JSON facts → typed facts, as ``rules.facts_typed`` does, without re-checking what the services already
    checked when they stored them (this runs 9,000 times in a cycle)."""

    def typed(self, specs: list[scoring.RuleSpec], stored: Mapping[str, Any] | None) -> dict[str, Any]:
        stored = stored or {}
        out: dict[str, Any] = {}
        for spec in specs:
            value = stored.get(spec.key)
            if value is None:
                continue
            if spec.kind == scoring.RuleKind.DISCRETIONARY:
                out[spec.key] = Decimal(str(value))
            else:
                out[spec.key] = value
        return out


def rank_cycle(*, cycle: AssessmentCycle) -> dict[str, list[scoring.Ranked]]:
    """Score a whole cycle from its facts and rank each unit kind (what the benchmark times)."""
    board = cycle_scoreboard(cycle=cycle)
    out: dict[str, list[scoring.Ranked]] = {}
    for kind, _ in AssessedKind.choices:
        out[kind] = scoring.rank(
            (e.submission_id, e.total.final if e.total and e.finished else None)
            for e in board.values()
            if e.kind == kind
        )
    return out


# --- history -----------------------------------------------------------------------------------------

_HISTORY_LABELS = {"+": "新建", "~": "修改", "-": "删除"}


def _or_dash(value) -> str:
    return "—" if value is None else str(value)


def submission_history(*, submission: Submission, limit: int = 80, show_review: bool = True) -> list[dict]:
    """Who changed what on a submission, its item scores and the unit's window, newest first (3 queries).

    ``show_review=False`` (a unit before the results are published) leaves out the legal office's totals and
    scores, which the unit may not read yet."""
    entries = []
    for record in submission.history.select_related("history_user").order_by("-history_date")[:limit]:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"自评{_HISTORY_LABELS[record.history_type]}",
                "delta": f"{record.get_status_display()} · 自评{_or_dash(record.self_total)}"
                + (f" · 总分{_or_dash(record.final_total)}" if show_review else "")
                + (f" · 退回理由:{record.return_reason}" if record.status == SubmissionStatus.RETURNED else ""),
            }
        )
    items = {
        i.pk: i
        for i in number_items(
            list(Item.objects.filter(rubric_id=submission.rubric_id).select_related("category").order_by("position"))
        )
    }
    for record in (
        ItemScore.history.filter(submission_id=submission.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        item = items.get(record.item_id)
        label = f"{item.category.label}.{item.shown_number}{item.name}" if item else "评分项"
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": "评分项" + _HISTORY_LABELS[record.history_type],
                "delta": f"{label}:自评{record.self_score if record.self_score is not None else '—'}"
                + (
                    f" · 核定{record.reviewed_score if record.reviewed_score is not None else '—'}"
                    if show_review
                    else ""
                ),
            }
        )
    for record in WindowExtension.history.filter(
        cycle_id=submission.cycle_id, unit_id=submission.unit_id
    ).select_related("history_user"):
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": "延长自评时间",
                "delta": f"延长至{record.until:%Y-%m-%d}:{record.reason}",
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def cycle_history(*, cycle: AssessmentCycle, limit: int = 50) -> list[dict]:
    entries = []
    for record in cycle.history.select_related("history_user").order_by("-history_date")[:limit]:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"考核周期{_HISTORY_LABELS[record.history_type]}",
                "delta": f"自评{record.self_start:%Y-%m-%d}至{record.self_end:%Y-%m-%d} · 分值{record.weight}"
                f" · {record.get_status_display()}",
            }
        )
    for record in WindowExtension.history.filter(cycle_id=cycle.pk).select_related("history_user", "unit"):
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": "延长自评时间",
                "delta": f"{record.unit.name}:延长至{record.until:%Y-%m-%d}({record.reason})",
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def home_for(*, user: User) -> dict:
    """What the 考核 page shows each role: the legal office its cycles and rubrics; a leader the cycles;
    a reporter its unit's submissions (with result and rank once published)."""
    cycles = list(
        AssessmentCycle.objects.visible_to(user)
        .select_related("jurisdiction", "department_rubric", "township_rubric")
        .annotate(
            units=Count("submissions"),
            waiting=Count(
                "submissions",
                filter=Q(submissions__status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED]),
            ),
            reviewed=Count("submissions", filter=Q(submissions__reviewed_at__isnull=False)),
        )
        .order_by("-year", "pk")
    )
    context: dict[str, Any] = {"cycles": cycles}
    if user.role == "reporter" and user.unit_id:
        own = list(Submission.objects.visible_to(user).select_related("cycle", "unit").order_by("-cycle__year"))
        extended = {(e.cycle_id, e.unit_id): e.until for e in WindowExtension.objects.filter(unit_id=user.unit_id)}
        today = timezone.localdate()
        for s in own:
            s.shown_state = s.state(today=today, until=extended.get((s.cycle_id, s.unit_id)))
            s.state_label = SubmissionStatus(s.shown_state).label
        context["own"] = [(s, unit_result(submission=s)) for s in own]
    return context


def unit_label(unit: Unit) -> str:
    return dict(AssessedKind.choices).get(unit.kind, unit.get_kind_display())


def workbench_items(*, user: User, today: dt.date) -> list[dict]:
    """What the 工作台 could show about the assessment (for the tasks app to include; two queries at most):
    a reporter's submissions to fill or correct, the legal office's submissions waiting for review."""
    items: list[dict] = []
    if user.role == "reporter" and user.unit_id:
        for s in Submission.objects.editable_by(user).select_related("cycle"):
            if s.status == SubmissionStatus.RETURNED:
                items.append({"submission": s, "title": f"{s.cycle.title}:自评被退回,请修改后重新提交", "urgent": True})
            elif s.cycle.self_start <= today <= s.cycle.self_end:
                items.append(
                    {"submission": s, "title": f"{s.cycle.title}:请于{s.cycle.self_end:%m月%d日}前完成自查自评"}
                )
    elif user.role == "legal_office":
        waiting = (
            Submission.objects.reviewable_by(user)
            .filter(status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED])
            .values("cycle_id", "cycle__title")
            .annotate(n=Count("id"))
            .order_by("cycle_id")
        )
        items = [{"cycle_id": w["cycle_id"], "title": f"{w['cycle__title']}:待审核自评{w['n']}份"} for w in waiting]
    return items


@dataclass
class ReporterCard:
    """One cycle as the unit's 工作台 shows it."""

    submission: Submission
    state: str  # not_started · draft · submitted · resubmitted · returned · reviewed · not_submitted
    label: str
    window_end: dt.date
    days_left: int | None  # while the window is open (0: today is the last day)
    result: UnitResult | None = None  # once published: the unit's score and rank
    kind_label: str = ""

    @property
    def published(self) -> bool:
        return self.submission.cycle.approved


CARD_LABELS = {"not_started": "未开始"}


def reporter_cards(*, user: User, today: dt.date | None = None) -> list[ReporterCard]:
    """A reporter's open cycles, with the unit's state (未开始 / 草稿 / 已提交 / 已退回 / 未提交), its own
    deadline and the days left; and the latest published cycle with the unit's result (score, rank, a link to
    its sheet), so the card does not vanish at the moment the unit most wants to read it. Two queries, and
    two more for the published result."""
    today = today or timezone.localdate()
    mine = with_window(Submission.objects.visible_to(user).select_related("cycle", "unit"))
    rows = list(mine.filter(cycle__status=CycleStatus.OPEN).order_by("-cycle__year"))
    latest = mine.filter(cycle__status=CycleStatus.APPROVED).order_by("-cycle__year", "-cycle__approved_at").first()
    if latest is not None and all(s.cycle.year <= latest.cycle.year for s in rows):
        rows.append(latest)  # a newer open cycle takes the card's place once it opens
    cards = []
    for s in rows:
        end = max(s.cycle.self_end, s.window_until) if s.window_until else s.cycle.self_end
        state = s.state(today=today, until=s.window_until)
        if state == SubmissionStatus.DRAFT and (today < s.cycle.self_start or s.version == 1):
            state = "not_started"  # nothing saved yet (or the window has not opened)
        label = CARD_LABELS.get(state) or SubmissionStatus(state).label
        open_now = s.cycle.self_start <= today <= end and not s.cycle.approved
        card = ReporterCard(s, state, label, end, (end - today).days if open_now else None)
        if s.cycle.approved:
            card.result = unit_result(submission=s)
            card.kind_label = unit_label(s.unit)
        cards.append(card)
    return cards
