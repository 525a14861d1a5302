"""The December assessment: rubrics as data, the yearly cycle, self-assessment, review and final rating.

A ``Rubric`` (考核评分细则) holds categories, items and typed rules; an ``AssessmentCycle`` puts one rubric per
unit kind to work for a jurisdiction's year; each participating unit has one ``Submission`` with one
``ItemScore`` per item, holding the facts the unit typed (self) beside the facts the legal office set
(review). Points are never typed: they come from ``assessment.scoring`` and are stored only so that
ranking is one indexed query.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from assessment import scoring
from lawgov.models import Role, ScopedQuerySet, SoftDeletable, StoredFile, Unit, UnitKind, User, stored_file_path

ASSESSED_KINDS = (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)


class AssessedKind(models.TextChoices):
    DEPARTMENT = UnitKind.DEPARTMENT.value, "区级部门"
    TOWNSHIP = UnitKind.TOWNSHIP.value, "乡镇(街道)"


def _points(verbose: str, **kw) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=6, decimal_places=1, **kw)


# --- rubrics -----------------------------------------------------------------------------------------


class ResponsibilityStatement(models.Model):
    """A 目标责任书 (annex 1 for departments, annex 2 for townships): what each unit of the kind signs."""

    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    unit_kind = models.CharField("适用单位", max_length=20, choices=AssessedKind.choices)
    title = models.CharField("标题", max_length=200)
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "目标责任书"
        verbose_name_plural = "目标责任书"
        ordering = ["-year", "unit_kind"]

    def __str__(self) -> str:
        return self.title


class StatementClause(models.Model):
    statement = models.ForeignKey(ResponsibilityStatement, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField("序号", max_length=10)
    heading = models.CharField("考核项目", max_length=200)
    text = models.TextField("目标内容")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "目标责任书条目"
        verbose_name_plural = "目标责任书条目"
        ordering = ["statement_id", "position"]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class RubricQuerySet(ScopedQuerySet):
    def _visible_by_role(self, user: User) -> RubricQuerySet:
        """A rubric is a public document of its jurisdiction: everyone of the jurisdiction may read it."""
        return self.active().in_jurisdictions(user)

    def editable_by(self, user: User) -> RubricQuerySet:
        return self.for_legal_office(user)


class Rubric(models.Model):
    """A 考核评分细则 for one unit kind and year: categories → items → rules, 100 points plus bonus and special
    deductions outside them. Never edited in place once imported: a new version is a new import."""

    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    unit_kind = models.CharField("适用单位", max_length=20, choices=AssessedKind.choices)
    title = models.CharField("标题", max_length=200)
    total_points = _points("满分", default=Decimal("100"))
    statement = models.ForeignKey(
        ResponsibilityStatement,
        verbose_name="目标责任书",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rubrics",
    )
    bonus_text = models.TextField("特别加分", blank=True)
    special_text = models.TextField("特别扣分", blank=True)
    notes = models.TextField("备注", blank=True)
    import_warnings = models.JSONField("导入提示", default=list, blank=True)
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = "考核评分细则"
        verbose_name_plural = "考核评分细则"
        ordering = ["-year", "unit_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year", "unit_kind", "title"],
                condition=Q(deleted_at__isnull=True),
                name="rubric_unique_title",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    """一、依法科学民主决策(15分)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="categories")
    label = models.CharField("序号", max_length=10)
    name = models.CharField("考核事项", max_length=200)
    max_points = _points("分值")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "考核类别"
        verbose_name_plural = "考核类别"
        ordering = ["rubric_id", "position"]

    def __str__(self) -> str:
        return f"{self.label}、{self.name}({self.max_points}分)"


class Item(models.Model):
    """1.遵守行政决策程序(10分) with its 评分标准 text; ``number`` is as printed (昭化 prints 3 twice in 六)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="items")
    number = models.CharField("序号", max_length=10)
    name = models.CharField("考核内容", max_length=300)
    max_points = _points("分值")
    standard = models.TextField("评分标准", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ["rubric_id", "position"]

    def __str__(self) -> str:
        return f"{self.number}.{self.name}"

    @property
    def shown_number(self) -> str:
        """The number the score sheets print: as printed, unless the rubric prints it twice in the category
        (昭化 六 has two 3.), then the item's place in its category (set by ``rules.number_items``), so
        that the sheet's 六.3 and 六.4 can be told apart."""
        return getattr(self, "_shown_number", None) or self.number


class Rule(models.Model):
    """A typed rule with its points; ``item`` is empty for the rubric's bonus and special deductions."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="rules")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    scope = models.CharField(
        "范围", max_length=10, choices=[(s.value, scoring.SCOPE_LABELS[s]) for s in scoring.RuleScope]
    )
    kind = models.CharField(
        "类型", max_length=20, choices=[(k.value, scoring.KIND_LABELS[k]) for k in scoring.RuleKind]
    )
    points = _points("分值")
    text = models.TextField("原文")
    condition = models.CharField("情形", max_length=300)
    params = models.JSONField("参数", default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "评分规则"
        verbose_name_plural = "评分规则"
        ordering = ["rubric_id", "position"]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return str(self.pk)

    @property
    def source(self) -> str:
        return self.params.get("source", "")

    @property
    def implicit(self) -> bool:
        return bool(self.params.get("implicit"))

    @property
    def months(self) -> list[int]:
        return list(range(1, int(self.params.get("periods", 0)) + 1))

    def spec(self) -> scoring.RuleSpec:
        return scoring.RuleSpec(
            key=self.key,
            kind=scoring.RuleKind(self.kind),
            points=self.points,
            scope=scoring.RuleScope(self.scope),
            quota=int(self.params.get("quota", 0)),
            periods=int(self.params.get("periods", 0)),
            group=self.params.get("group", ""),
            label=self.condition,
        )

    def describe(self) -> str:
        """The rule in one line for the pages: 每次扣2分 / 扣10分(全项) / 每月少1条扣0.2分 / 酌情扣分(最多5分)."""
        points = f"{self.points.normalize():f}"
        if self.scope == scoring.RuleScope.BONUS:
            return f"加{points}分"
        if self.kind == scoring.RuleKind.PER_OCCURRENCE:
            return f"每次扣{points}分"
        if self.kind == scoring.RuleKind.PER_SHORTFALL:
            return f"每{self.params.get('period', '期')}{self.params.get('quota')}条以上,每少1条扣{points}分"
        if self.kind == scoring.RuleKind.ALL_OR_NOTHING:
            return f"扣{points}分(全项)"
        if self.kind == scoring.RuleKind.DISCRETIONARY:
            return f"酌情扣分(最多{points}分)"
        return f"扣{points}分"


# --- cycles ------------------------------------------------------------------------------------------


class CycleStatus(models.TextChoices):
    OPEN = "open", "进行中"
    APPROVED = "approved", "已审定发布"


class UnsubmittedRule(models.TextChoices):
    """What a unit that never submitted its self-assessment gets, as the cycle's rubric prints it: the legal
    office scores it on the evidence it has (现场核定), and the items it does not score are worth…"""

    ZERO = scoring.UnsubmittedRule.ZERO.value, "未核定的评分项不得分"
    DEDUCT = scoring.UnsubmittedRule.DEDUCT.value, "未按时报送自评材料的,扣X分(未核定的评分项按无扣分计)"
    NO_SCORE = scoring.UnsubmittedRule.NO_SCORE.value, "未按时报送自评材料的,不得分(总分为0)"


class AssessmentCycleQuerySet(ScopedQuerySet):
    soft_delete_field = None  # a cycle is never retired; once approved it is the record

    def _visible_by_role(self, user: User) -> AssessmentCycleQuerySet:
        """The legal office and leaders: their jurisdictions' cycles; a reporter: cycles its unit is in."""
        if user.role == Role.REPORTER:
            if not user.unit_id:
                return self.none()
            return self.filter(pk__in=Submission.objects.filter(unit_id=user.unit_id).values("cycle_id"))
        return self.in_jurisdictions(user)

    def editable_by(self, user: User) -> AssessmentCycleQuerySet:
        """The legal office of the jurisdiction, until the results are approved."""
        return self.for_legal_office(user).filter(status=CycleStatus.OPEN)


class AssessmentCycle(models.Model):
    """A jurisdiction's December assessment for one year: rubrics per unit kind, the dates of self-assessment,
    review and approval, and the weight at which the result counts in the overall annual evaluation."""

    jurisdiction = models.ForeignKey(Unit, verbose_name="辖区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    department_rubric = models.ForeignKey(
        Rubric, verbose_name="区级部门评分细则", on_delete=models.PROTECT, related_name="+"
    )
    township_rubric = models.ForeignKey(
        Rubric, verbose_name="乡镇(街道)评分细则", on_delete=models.PROTECT, related_name="+"
    )
    self_start = models.DateField("自查自评开始")
    self_end = models.DateField("自查自评截止")
    review_end = models.DateField("集中考核截止", null=True, blank=True)
    approve_by = models.DateField("审定日期", null=True, blank=True)
    weight = _points("综合目标考核中的分值", default=Decimal("10"))
    converted_capped = models.BooleanField(
        "折算得分不超过分值", default=False, help_text="含特别加分的总分超过100分时,折算得分是否以分值为上限。"
    )
    unsubmitted_rule = models.CharField(
        "未提交自评的单位",
        max_length=20,
        choices=UnsubmittedRule.choices,
        default=UnsubmittedRule.ZERO,
        help_text="按评分细则的规定:如“未按时报送自评材料的,扣X分”。",
    )
    unsubmitted_points = _points("未提交自评扣分", default=Decimal("0"))
    fact_sources = models.JSONField(
        "平台数据对应的评分规则",
        default=dict,
        blank=True,
        help_text="规则编号 → 平台数据(如每月报送的进展信息条数):哪条评分规则参考哪项平台数据,法制办可修改或取消。",
    )
    status = models.CharField("状态", max_length=20, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_note = models.CharField("审定依据", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = AssessmentCycleQuerySet.as_manager()

    class Meta:
        verbose_name = "考核周期"
        verbose_name_plural = "考核周期"
        ordering = ["-year", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="cycle_unique_year"),
            models.CheckConstraint(condition=Q(self_start__lte=models.F("self_end")), name="cycle_window_order"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="cycle_weight_range"),
            models.CheckConstraint(
                condition=Q(unsubmitted_points__gte=0) & Q(unsubmitted_points__lte=100), name="cycle_unsubmitted_points"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def approved(self) -> bool:
        return self.status == CycleStatus.APPROVED

    def unsubmitted(self) -> scoring.UnsubmittedPolicy:
        """The cycle's rule for units that never submitted, as the scoring function takes it."""
        return scoring.UnsubmittedPolicy(
            rule=scoring.UnsubmittedRule(self.unsubmitted_rule), points=Decimal(self.unsubmitted_points or 0)
        )

    def unsubmitted_text(self) -> str:
        """The rule in one line for the pages and the sheets."""
        return self.unsubmitted().text()

    def source_of(self, rule: Rule) -> str:
        """The platform fact that informs ``rule`` in this cycle ("" for none): the cycle's own mapping,
        which the legal office sees and changes on the settings page, never a guess made in code."""
        return self.fact_sources.get(str(rule.pk), "")

    def rubric_for(self, kind: str) -> Rubric:
        return self.department_rubric if kind == UnitKind.DEPARTMENT else self.township_rubric

    def window_state(self, *, today: dt.date, until: dt.date | None = None) -> str:
        """before / open / after, for a unit whose window may have been extended ``until`` a later day."""
        end = max(self.self_end, until) if until else self.self_end
        if today < self.self_start:
            return "before"
        if today > end:
            return "after"
        return "open"


class WindowExtension(models.Model):
    """The legal office lets one unit self-assess after the common window closes; kept with who and why."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    until = models.DateField("延长至")
    reason = models.CharField("理由", max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "自评延期"
        verbose_name_plural = "自评延期"
        ordering = ["cycle_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="extension_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.until}"


# --- submissions -------------------------------------------------------------------------------------


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    RESUBMITTED = "resubmitted", "已重新提交"
    REVIEWED = "reviewed", "已审核"
    # Never stored: a draft whose unit's window has closed reads as this (``Submission.state``), before and
    # after the legal office's review and approval; ``reviewed_at`` says whether it has been scored on site.
    NOT_SUBMITTED = "not_submitted", "未提交"


EDITABLE_BY_UNIT = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
# ``Submission.ranked`` as a filter, for counting a unit's place in SQL: the same two conditions.
RANKED = Q(reviewed_at__isnull=False, final_total__isnull=False)
WAITING_FOR_REVIEW = (SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED)
RETURNABLE = (SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED, SubmissionStatus.REVIEWED)


# A submission's jurisdiction is its cycle's.
SUBMISSION_JURISDICTION = "cycle__jurisdiction"


class SubmissionQuerySet(ScopedQuerySet):
    soft_delete_field = None  # a submission lives and dies with its cycle

    def _visible_by_role(self, user: User) -> SubmissionQuerySet:
        """A reporter: its own unit's submissions only, before and after publication (after it, with its
        result and rank). The legal office and leaders: every submission of their jurisdictions. An API
        client (a 督查 platform, a data screen): the results once approved and published, never drafts."""
        if user.role == Role.REPORTER:
            return self.filter(unit_id=user.unit_id) if user.unit_id else self.none()
        if user.role in (Role.LEGAL_OFFICE, Role.LEADER):
            return self.in_jurisdictions(user, SUBMISSION_JURISDICTION)
        if user.role == Role.API_CLIENT:
            return self.in_jurisdictions(user, SUBMISSION_JURISDICTION).filter(cycle__status=CycleStatus.APPROVED)
        return self.none()

    def editable_by(self, user: User) -> SubmissionQuerySet:
        """Who may change the self-assessment: the unit's own reporters, while it is a draft or returned and
        the cycle is not approved (the window is checked by the services, which know today's date)."""
        if not user.is_authenticated or user.read_only:
            return self.none()
        if user.role != Role.REPORTER or not user.unit_id:
            return self.none()
        return self.filter(unit_id=user.unit_id, status__in=EDITABLE_BY_UNIT, cycle__status=CycleStatus.OPEN)

    def reviewable_by(self, user: User) -> SubmissionQuerySet:
        """The legal office of the jurisdiction, until the cycle is approved."""
        return self.for_legal_office(user, SUBMISSION_JURISDICTION).filter(cycle__status=CycleStatus.OPEN)


def summary_path(instance: Submission, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"assessment/{dt.date.today():%Y}/{uuid.uuid4().hex}{suffix}"


class Submission(models.Model):
    """One unit's self-assessment in a cycle, its review and its result.

    The totals are written by the services from ``assessment.scoring`` every time facts change, so the
    ranking is a plain ORDER BY; ``version`` refuses a save based on a page that is out of date.
    """

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    summary_text = models.TextField("年度工作总结", blank=True)
    summary_file = models.FileField("工作总结文件", upload_to=summary_path, max_length=200, blank=True)
    summary_name = models.CharField("工作总结文件名", max_length=200, blank=True)
    self_total = _points("自评总分", null=True, blank=True)
    reviewed_base = _points("核定基础分", null=True, blank=True)
    bonus = _points("特别加分", default=Decimal("0"))
    special = _points("特别扣分", default=Decimal("0"))
    final_total = _points("总分", null=True, blank=True)
    adjust_facts = models.JSONField("加扣分情形", default=dict, blank=True)
    adjust_grounds = models.JSONField("加扣分依据", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField("退回理由", blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "考核自评"
        verbose_name_plural = "考核自评"
        ordering = ["cycle_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="submission_unique_unit")]
        indexes = [
            models.Index(fields=["cycle", "status"]),
            models.Index(fields=["cycle", "final_total"]),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.unit}"

    @property
    def editable_status(self) -> bool:
        return self.status in EDITABLE_BY_UNIT

    @property
    def never_submitted(self) -> bool:
        """The unit has never handed in its self-assessment (a returned one was handed in once)."""
        return self.status == SubmissionStatus.DRAFT

    def state(self, *, today: dt.date, until: dt.date | None = None) -> str:
        """The status people and programs read: a draft is ``not_submitted`` from the end of the unit's own
        window (the cycle's close, or ``until`` when the unit's window was extended), computed when read so
        it holds without any schedule, and kept once the legal office has scored it or the cycle is
        approved. Every other status is the stored one."""
        if self.status != SubmissionStatus.DRAFT:
            return self.status
        end = max(self.cycle.self_end, until) if until else self.cycle.self_end
        if self.reviewed_at is not None or self.cycle.approved or today > end:
            return SubmissionStatus.NOT_SUBMITTED
        return SubmissionStatus.DRAFT

    def state_display(self, *, today: dt.date, until: dt.date | None = None) -> str:
        return SubmissionStatus(self.state(today=today, until=until)).label

    @property
    def declared_total(self) -> Decimal | None:
        """The self-assessed total the unit declared by submitting; none for a unit that never submitted
        (what a draft adds up to is not a self-assessment)."""
        return None if self.never_submitted else self.self_total

    @property
    def reviewed(self) -> bool:
        """The legal office has finished with this unit (submitted and reviewed, or scored on site)."""
        return self.reviewed_at is not None

    @property
    def ranked(self) -> bool:
        """Whether the unit has a place in the ranking: only once the legal office has finished with it
        (``reviewed_at``: reviewed, or scored on site), never on a claim or a half-done review. The one rule
        the ranking page, the summary .xlsx, the unit's own rank and the API read (``RANKED`` in SQL)."""
        return self.reviewed_at is not None and self.final_total is not None

    @property
    def has_summary(self) -> bool:
        return bool(self.summary_text.strip() or self.summary_file)

    @property
    def converted(self) -> Decimal | None:
        return scoring.converted(self.final_total, self.cycle.weight, capped=self.cycle.converted_capped)


class ItemScore(models.Model):
    """A unit's facts and score for one item (self), beside the legal office's (review).

    The services write the self half only for the unit and the review half only for the legal office:
    a reviewer never changes what the unit claimed, it sets its own score beside it.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="item_scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    self_facts = models.JSONField("自评情形", default=dict, blank=True)
    self_reasons = models.JSONField("酌情扣分理由(自评)", default=dict, blank=True)
    self_score = _points("自评得分", null=True, blank=True)
    self_floor_held = models.BooleanField(default=False)
    explanation = models.TextField("自评说明", blank=True)
    review_facts = models.JSONField("核定情形", null=True, blank=True)
    review_reasons = models.JSONField("酌情扣分理由(核定)", default=dict, blank=True)
    reviewed_score = _points("核定得分", null=True, blank=True)
    review_floor_held = models.BooleanField(default=False)
    review_comment = models.TextField("核定依据", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    progress_evidence = models.ManyToManyField(
        "tasks.Evidence", verbose_name="引用的进展佐证材料", blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[progress_evidence])

    class Meta:
        verbose_name = "评分项得分"
        verbose_name_plural = "评分项得分"
        ordering = ["submission_id", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "item"], name="itemscore_unique_item"),
            models.CheckConstraint(condition=Q(self_score__gte=0) | Q(self_score__isnull=True), name="self_score_min0"),
            models.CheckConstraint(
                condition=Q(reviewed_score__gte=0) | Q(reviewed_score__isnull=True), name="reviewed_score_min0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.item_id}"


def item_evidence_path(instance: ItemEvidence, filename: str) -> str:
    """Named by the migrations as ``ItemEvidence.file``'s ``upload_to``; the rule is the kernel's."""
    return stored_file_path(instance, filename)


class ItemEvidence(SoftDeletable, StoredFile):
    """A file a unit attaches to an item of its self-assessment; served only through a checked view."""

    upload_dir = "assessment"

    item_score = models.ForeignKey(ItemScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=item_evidence_path, max_length=200)

    class Meta:
        verbose_name = "考核佐证材料"
        verbose_name_plural = "考核佐证材料"
        ordering = ["id"]


class NotificationKind(models.TextChoices):
    """The kinds of notification this app sends, registered with the kernel's registry in
    ``AssessmentConfig.ready``."""

    ASSESSMENT_RETURNED = "assessment_returned", "考核自评被退回"
    ASSESSMENT_PUBLISHED = "assessment_published", "考核结果已发布"
    ASSESSMENT_WINDOW = "assessment_window", "考核自评时间"
