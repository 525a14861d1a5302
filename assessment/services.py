"""Writes of the assessment app: rubric import, cycles and their windows, self-assessment, review, approval.

Every rule (whose submission, which window, which state may go where, what a fact may be) is checked here,
before anything is written, so a refused request leaves the database as it was. State changes are
conditional UPDATEs: two clicks on 提交, or two reviewers at once, cannot both win.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessment import parsing, scoring
from assessment.models import (
    ASSESSED_KINDS,
    EDITABLE_BY_UNIT,
    RETURNABLE,
    WAITING_FOR_REVIEW,
    AssessmentCycle,
    Category,
    CycleStatus,
    Item,
    ItemEvidence,
    ItemScore,
    ResponsibilityStatement,
    Rubric,
    Rule,
    StatementClause,
    Submission,
    SubmissionStatus,
    WindowExtension,
)
from lawgov.errors import DomainError
from lawgov.models import Notification, Role, SystemActor, Unit, UnitKind, User, recorded_user
from plans.importing import DocumentError
from tasks.models import Evidence
from tasks.services import ProgressError, evidence_check


class AssessmentError(DomainError):
    """A refused write of the assessment: rubric, cycle, self-assessment or review."""


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require_legal_office(user: User | SystemActor, jurisdiction_id: int, what: str) -> None:
    if user.read_only:
        raise AssessmentError("read_only", "只读角色(领导、接口客户端)不能修改考核数据。", 403)
    if not user.is_legal_office_of(jurisdiction_id):
        raise AssessmentError("not_legal_office", f"只有本辖区法制办可以{what}。", 403)


# =====================================================================================================
# Rubrics and responsibility statements


@dataclass
class ImportOutcome:
    rubrics: list[Rubric] = field(default_factory=list)
    statements: list[ResponsibilityStatement] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    window: tuple[dt.date, dt.date] | None = None


def rubric_import_document(
    *, data: bytes, filename: str, jurisdiction: Unit, by: User | None, encoding: str | None = None
) -> ImportOutcome:
    """Import the rubrics (考核评分细则) and responsibility statements (目标责任书) among a plan document's
    annexes, read with the plan importer's reader. All or nothing: one rubric that does not add up refuses
    the whole file."""
    _require_legal_office(by, jurisdiction.pk, "导入考核评分细则")
    try:
        parsed = parsing.parse_document_annexes(data, filename, encoding)
    except DocumentError as exc:
        raise AssessmentError(str(exc.code), exc.message, 400) from exc
    if not parsed.rubrics:
        raise AssessmentError(
            "no_rubric", "文件中没有找到考核评分细则(标题含“评分细则”的附件),请确认上传的是带附件的工作安排。", 400
        )
    return annexes_save(parsed=parsed, jurisdiction=jurisdiction, by=by, source_name=filename)


def _check_parsed(rubric: parsing.ParsedRubric, *, year: int | None = None, unit_kind: str | None = None) -> None:
    rubric.year = year or rubric.year
    rubric.unit_kind = unit_kind or rubric.unit_kind
    if not rubric.year:
        raise AssessmentError("no_year", f"“{rubric.title}”:无法从标题判断年度,请选择年度。", 400)
    if rubric.unit_kind not in ASSESSED_KINDS:
        raise AssessmentError("no_kind", f"“{rubric.title}”:无法判断适用于区级部门还是乡镇(街道),请选择。", 400)
    errors = rubric.sum_errors()
    if errors:
        raise AssessmentError(
            "sums", f"“{rubric.title}”的分值合计不符,未导入:" + ";".join(errors) + "。", 400, details=errors
        )


@transaction.atomic
def annexes_save(
    *, parsed: parsing.ParsedAnnexes, jurisdiction: Unit, by: User | None, source_name: str = ""
) -> ImportOutcome:
    outcome = ImportOutcome(window=parsed.window)
    for rubric in parsed.rubrics:
        _check_parsed(rubric)
    statements: dict[tuple[int, str], ResponsibilityStatement] = {}
    for parsed_statement in parsed.statements:
        if not parsed_statement.year or parsed_statement.unit_kind not in ASSESSED_KINDS:
            outcome.warnings.append(f"“{parsed_statement.title}”:无法判断年度或适用单位,未导入。")
            continue
        statement, created = statement_save(
            parsed=parsed_statement, jurisdiction=jurisdiction, by=by, source_name=source_name
        )
        statements[(statement.year, statement.unit_kind)] = statement
        (outcome.statements if created else outcome.unchanged).append(statement.title)
        outcome.warnings.extend(parsed_statement.warnings)
    for parsed_rubric in parsed.rubrics:
        statement = statements.get((parsed_rubric.year, parsed_rubric.unit_kind))
        rubric, created = rubric_save(
            parsed=parsed_rubric, jurisdiction=jurisdiction, by=by, source_name=source_name, statement=statement
        )
        if created:
            outcome.rubrics.append(rubric)
            outcome.warnings.extend(parsed_rubric.warnings)
        else:
            outcome.unchanged.append(rubric.title)
    return outcome


def statement_save(
    *, parsed: parsing.ParsedStatement, jurisdiction: Unit, by: User | None, source_name: str = ""
) -> tuple[ResponsibilityStatement, bool]:
    existing = ResponsibilityStatement.objects.filter(
        jurisdiction=jurisdiction, year=parsed.year, unit_kind=parsed.unit_kind, title=parsed.title
    ).first()
    if existing:
        return existing, False
    statement = ResponsibilityStatement.objects.create(
        jurisdiction=jurisdiction,
        year=parsed.year,
        unit_kind=parsed.unit_kind,
        title=parsed.title,
        source_name=source_name[:200],
        created_by=recorded_user(by),
    )
    StatementClause.objects.bulk_create(
        StatementClause(statement=statement, number=c.number, heading=c.heading, text=c.text, position=n)
        for n, c in enumerate(parsed.clauses)
    )
    return statement, True


def rubric_signature(rubric: Rubric) -> tuple:
    """The stored rubric in the shape of ``ParsedRubric.signature`` (to tell a re-import from a change)."""
    return rubric_to_parsed(rubric).signature()


def rubric_to_parsed(rubric: Rubric) -> parsing.ParsedRubric:
    """A stored rubric back as parsed data: the .xlsx export writes it, a round trip compares it."""
    rules = list(rubric.rules.order_by("position"))
    by_item: dict[int | None, list[Rule]] = {}
    for rule in rules:
        by_item.setdefault(rule.item_id, []).append(rule)

    def to_parsed(rule: Rule) -> parsing.ParsedRule:
        p = rule.params
        return parsing.ParsedRule(
            kind=rule.kind,
            points=rule.points,
            text=rule.text,
            condition=rule.condition,
            scope=rule.scope,
            quota=int(p.get("quota", 0)),
            periods=int(p.get("periods", 0)),
            period=p.get("period", ""),
            group=p.get("group", ""),
            source=p.get("source", ""),
            implicit=bool(p.get("implicit")),
        )

    out = parsing.ParsedRubric(
        title=rubric.title,
        year=rubric.year,
        unit_kind=rubric.unit_kind,
        total_points=rubric.total_points,
        bonus_text=rubric.bonus_text,
        special_text=rubric.special_text,
        notes=rubric.notes,
    )
    items = list(rubric.items.order_by("position"))
    for category in rubric.categories.order_by("position"):
        parsed_category = parsing.ParsedCategory(
            label=category.label, name=category.name, max_points=category.max_points
        )
        for item in items:
            if item.category_id == category.pk:
                parsed_category.items.append(
                    parsing.ParsedItem(
                        number=item.number,
                        name=item.name,
                        max_points=item.max_points,
                        standard=item.standard,
                        rules=[to_parsed(r) for r in by_item.get(item.pk, [])],
                    )
                )
        out.categories.append(parsed_category)
    out.adjustment_rules = [to_parsed(r) for r in by_item.get(None, [])]
    return out


def rubric_save(
    *,
    parsed: parsing.ParsedRubric,
    jurisdiction: Unit,
    by: User | None,
    source_name: str = "",
    statement: ResponsibilityStatement | None = None,
) -> tuple[Rubric, bool]:
    """Save a checked rubric. The same rubric imported again is left alone (returns created=False); a
    different one under the same title is refused, since cycles may already be scored against it."""
    _check_parsed(parsed)
    existing = Rubric.objects.active().filter(
        jurisdiction=jurisdiction, year=parsed.year, unit_kind=parsed.unit_kind, title=parsed.title
    )
    for rubric in existing:
        if rubric_signature(rubric) == parsed.signature():
            if statement and not rubric.statement_id:
                Rubric.objects.filter(pk=rubric.pk).update(statement=statement)
            return rubric, False
        raise AssessmentError(
            "exists",
            f"已有同名的评分细则“{parsed.title}”且内容不同;如需使用新版本,请修改标题(如加“修订版”)后再导入。",
            409,
        )
    with transaction.atomic():
        rubric = Rubric(
            jurisdiction=jurisdiction,
            year=parsed.year,
            unit_kind=parsed.unit_kind,
            title=parsed.title[:200],
            total_points=parsed.total_points,
            statement=statement,
            bonus_text=parsed.bonus_text,
            special_text=parsed.special_text,
            notes=parsed.notes,
            import_warnings=list(parsed.warnings),
            source_name=source_name[:200],
            created_by=recorded_user(by),
        )
        rubric._history_user = recorded_user(by)
        rubric.save()
        position = 0
        rules: list[Rule] = []
        for c_pos, parsed_category in enumerate(parsed.categories):
            category = Category.objects.create(
                rubric=rubric,
                label=parsed_category.label,
                name=parsed_category.name[:200],
                max_points=parsed_category.max_points,
                position=c_pos,
            )
            for parsed_item in parsed_category.items:
                position += 1
                item = Item.objects.create(
                    rubric=rubric,
                    category=category,
                    number=parsed_item.number,
                    name=parsed_item.name[:300],
                    max_points=parsed_item.max_points,
                    standard=parsed_item.standard,
                    position=position,
                )
                rules.extend(_rule_row(rubric, item, r) for r in parsed_item.rules)
        rules.extend(_rule_row(rubric, None, r) for r in parsed.adjustment_rules)
        for n, rule in enumerate(rules):
            rule.position = n
        Rule.objects.bulk_create(rules)
    return rubric, True


def _rule_row(rubric: Rubric, item: Item | None, rule: parsing.ParsedRule) -> Rule:
    return Rule(
        rubric=rubric,
        item=item,
        scope=rule.scope,
        kind=rule.kind,
        points=scoring.q(rule.points) if rule.kind != scoring.RuleKind.PER_SHORTFALL else rule.points,
        text=rule.text,
        condition=rule.condition[:300],
        params=rule.params(),
    )


def rubric_import_xlsx(
    *,
    data: bytes,
    jurisdiction: Unit,
    by: User | None,
    year: int | None = None,
    unit_kind: str | None = None,
    title: str | None = None,
    filename: str = "",
) -> Rubric:
    """One rubric from a spreadsheet in the layout offices use (考核事项 / 考核内容 / 评分标准 / 分值)."""
    from assessment import excel

    _require_legal_office(by, jurisdiction.pk, "导入考核评分细则")
    try:
        parsed = excel.rubric_from_xlsx(data, title=title)
    except excel.SheetError as exc:
        raise AssessmentError("sheet", exc.message, 400, details=exc.details) from exc
    _check_parsed(parsed, year=year, unit_kind=unit_kind)
    with transaction.atomic():
        statement = ResponsibilityStatement.objects.filter(
            jurisdiction=jurisdiction, year=parsed.year, unit_kind=parsed.unit_kind
        ).first()
        rubric, created = rubric_save(
            parsed=parsed, jurisdiction=jurisdiction, by=by, source_name=filename, statement=statement
        )
    if not created:
        raise AssessmentError("unchanged", f"评分细则“{rubric.title}”已导入过,内容相同,未重复导入。", 409)
    return rubric


# =====================================================================================================
# Cycles


def _check_cycle_fields(
    *,
    jurisdiction_id: int,
    year: int,
    department_rubric: Rubric,
    township_rubric: Rubric,
    self_start: dt.date,
    self_end: dt.date,
    review_end: dt.date | None,
    approve_by: dt.date | None,
    weight: Decimal,
) -> None:
    for rubric, kind, label in (
        (department_rubric, UnitKind.DEPARTMENT, "区级部门"),
        (township_rubric, UnitKind.TOWNSHIP, "乡镇(街道)"),
    ):
        if rubric.jurisdiction_id != jurisdiction_id or rubric.deleted_at:
            raise AssessmentError("rubric", f"{label}评分细则不属于本辖区。", 400)
        if rubric.unit_kind != kind:
            raise AssessmentError("rubric_kind", f"“{rubric.title}”不是{label}的评分细则。", 400)
    if not 2000 <= int(year) <= 2100:
        raise AssessmentError("year", f"年度不正确(填写的是{year})。", 400)
    if self_start > self_end:
        raise AssessmentError("window", "自查自评的开始日期不能晚于截止日期。", 400)
    if review_end and review_end < self_end:
        raise AssessmentError("review_end", "集中考核截止日期不能早于自查自评截止日期。", 400)
    if approve_by and approve_by < (review_end or self_end):
        raise AssessmentError("approve_by", "审定日期不能早于集中考核截止日期。", 400)
    try:
        weight = Decimal(weight)
    except (InvalidOperation, TypeError):
        raise AssessmentError("weight", "分值比例必须是数字。", 400) from None
    if not Decimal(0) < weight <= Decimal(100):
        raise AssessmentError("weight", f"综合目标考核中的分值应在0到100之间(填写的是{weight})。", 400)


def default_participants(jurisdiction: Unit, *, exclude: Unit | None = None) -> list[Unit]:
    """Every department and township of the jurisdiction, less the assessing office itself."""
    units = Unit.objects.active().filter(jurisdiction=jurisdiction, kind__in=ASSESSED_KINDS).order_by("kind", "name")
    return [u for u in units if exclude is None or u.pk != exclude.pk]


@transaction.atomic
def cycle_create(
    *,
    jurisdiction: Unit,
    year: int,
    title: str,
    department_rubric: Rubric,
    township_rubric: Rubric,
    self_start: dt.date,
    self_end: dt.date,
    weight: Decimal,
    units: Iterable[Unit],
    by: User | None,
    review_end: dt.date | None = None,
    approve_by: dt.date | None = None,
) -> AssessmentCycle:
    """Open a year's assessment: one submission per participating unit, scored against its kind's rubric."""
    _require_legal_office(by, jurisdiction.pk, "开启考核")
    _check_cycle_fields(
        jurisdiction_id=jurisdiction.pk,
        year=year,
        department_rubric=department_rubric,
        township_rubric=township_rubric,
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=weight,
    )
    units = list(units)
    if not units:
        raise AssessmentError("no_units", "请至少选择一个参加考核的单位。", 400)
    for unit in units:
        if unit.jurisdiction_id != jurisdiction.pk or unit.kind not in ASSESSED_KINDS or unit.deleted_at:
            raise AssessmentError("unit", f"“{unit}”不是本辖区的区级部门或乡镇(街道),不能参加考核。", 400)
    if AssessmentCycle.objects.filter(jurisdiction=jurisdiction, year=year).exists():
        raise AssessmentError("exists", f"{jurisdiction}{year}年度的考核已经开启,不能重复开启。", 409)
    cycle = AssessmentCycle(
        jurisdiction=jurisdiction,
        year=year,
        title=(title or f"{jurisdiction}{year}年度法治政府建设考核").strip()[:200],
        department_rubric=department_rubric,
        township_rubric=township_rubric,
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=Decimal(weight),
        created_by=recorded_user(by),
    )
    cycle._history_user = recorded_user(by)
    cycle.save()
    _participants_add(cycle, units)
    return cycle


def _participants_add(cycle: AssessmentCycle, units: list[Unit]) -> None:
    items = {
        rubric.pk: list(Item.objects.filter(rubric=rubric).values_list("pk", flat=True))
        for rubric in (cycle.department_rubric, cycle.township_rubric)
    }
    submissions = Submission.objects.bulk_create(
        Submission(cycle=cycle, unit=unit, rubric=cycle.rubric_for(unit.kind)) for unit in units
    )
    ItemScore.objects.bulk_create(
        (ItemScore(submission=s, item_id=item_id) for s in submissions for item_id in items[s.rubric_id]),
        batch_size=2000,
    )


def _cycle_writable(cycle: AssessmentCycle, by: User | None, what: str) -> None:
    _require_legal_office(by, cycle.jurisdiction_id, what)
    if cycle.approved:
        raise AssessmentError("approved", "考核结果已审定发布,不能再修改。", 409)


@transaction.atomic
def cycle_update(
    *,
    cycle: AssessmentCycle,
    by: User,
    expected_version: int | None,
    title: str,
    self_start: dt.date,
    self_end: dt.date,
    weight: Decimal,
    review_end: dt.date | None = None,
    approve_by: dt.date | None = None,
) -> AssessmentCycle:
    """Change a cycle's dates or weight (the rubrics stay: units are already scored against them)."""
    _cycle_writable(cycle, by, "修改考核周期")
    _check_cycle_fields(
        jurisdiction_id=cycle.jurisdiction_id,
        year=cycle.year,
        department_rubric=cycle.department_rubric,
        township_rubric=cycle.township_rubric,
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=weight,
    )
    match = {"pk": cycle.pk, "status": CycleStatus.OPEN}
    if expected_version is not None:
        match["version"] = expected_version
    done = AssessmentCycle.objects.filter(**match).update(
        title=(title or cycle.title).strip()[:200],
        self_start=self_start,
        self_end=self_end,
        review_end=review_end,
        approve_by=approve_by,
        weight=Decimal(weight),
        version=F("version") + 1,
    )
    if not done:
        raise AssessmentError("stale", "考核周期已被他人修改或已审定,您的修改未保存。请刷新后再改。", 409)
    cycle.refresh_from_db()
    cycle._history_user = recorded_user(by)
    cycle.save()
    return cycle


@transaction.atomic
def window_extend(
    *, cycle: AssessmentCycle, unit: Unit, until: dt.date, reason: str, by: User, today: dt.date | None = None
) -> WindowExtension:
    """Let one unit self-assess until ``until`` (recorded with who and why); extending again replaces it."""
    _cycle_writable(cycle, by, "延长自评时间")
    if not Submission.objects.filter(cycle=cycle, unit=unit).exists():
        raise AssessmentError("not_participant", f"“{unit}”不在本次考核的单位中。", 400)
    if until < cycle.self_end:
        raise AssessmentError(
            "until", f"延长后的截止日期不能早于统一截止日期{cycle.self_end:%Y-%m-%d}(填写的是{until:%Y-%m-%d})。", 400
        )
    if not (reason or "").strip():
        raise AssessmentError("reason", "延长自评时间须写明理由。", 400)
    extension = WindowExtension.objects.filter(cycle=cycle, unit=unit).first() or WindowExtension(
        cycle=cycle, unit=unit
    )
    extension.until = until
    extension.reason = reason.strip()[:300]
    extension.granted_by = by
    extension._history_user = recorded_user(by)
    extension.save()
    return extension


# =====================================================================================================
# Self-assessment


@dataclass
class ItemInput:
    """What a unit typed for one item; facts are raw (strings from a form), the service types them."""

    facts: Mapping[str, Any] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    explanation: str = ""
    evidence_ids: list[int] | None = None  # progress evidence of the unit to cite; None leaves them as they are
    files: list[UploadedFile] = field(default_factory=list)


@dataclass
class ReviewInput:
    facts: Mapping[str, Any] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    comment: str = ""


@dataclass
class RubricRules:
    """A rubric's items and rules loaded once (two queries) for checking and scoring a submission."""

    items: list[Item]
    by_item: dict[int, list[Rule]]
    adjustments: list[Rule]

    @classmethod
    def load(cls, rubric_id: int) -> RubricRules:
        items = list(Item.objects.filter(rubric_id=rubric_id).select_related("category").order_by("position"))
        by_item: dict[int, list[Rule]] = {i.pk: [] for i in items}
        adjustments: list[Rule] = []
        for rule in Rule.objects.filter(rubric_id=rubric_id).order_by("position"):
            if rule.item_id is None:
                adjustments.append(rule)
            else:
                by_item.setdefault(rule.item_id, []).append(rule)
        return cls(items=items, by_item=by_item, adjustments=adjustments)

    def specs(self, item_id: int) -> list[scoring.RuleSpec]:
        return [r.spec() for r in self.by_item.get(item_id, [])]


def item_label(item: Item) -> str:
    return f"{item.category.label}.{item.number}“{item.name}”"


def facts_clean(
    rules: list[Rule], raw: Mapping[str, Any], reasons: Mapping[str, str], *, item: Item | None, need_reason: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed facts of one item (or of the bonus/special rules) or a 400 naming the item and the rule.

    A discretionary deduction or a special bonus/deduction without a written reason is refused when
    ``need_reason`` (always for the legal office; for a unit, its explanation is enough)."""
    facts: dict[str, Any] = {}
    clean_reasons: dict[str, str] = {}
    where = item_label(item) if item else "特别加分和扣分"
    for rule in rules:
        spec = rule.spec()
        try:
            value = scoring.fact_clean(
                spec, raw.get(rule.key), max_points=item.max_points if item else None, what=rule.condition
            )
        except scoring.FactError as exc:
            raise AssessmentError("fact", f"{where}:{exc.message}。", 400) from exc
        facts[rule.key] = scoring.fact_to_json(value)
        reason = (reasons.get(rule.key) or "").strip()
        applied = scoring.rule_amount(spec, value) > 0
        if reason:
            clean_reasons[rule.key] = reason[:500]
        if need_reason and applied and not reason:
            if rule.kind == scoring.RuleKind.DISCRETIONARY:
                raise AssessmentError("reason", f"{where}:酌情扣分须写明理由。", 400)
            if rule.item_id is None:
                raise AssessmentError("grounds", f"特别加分和扣分“{rule.condition}”须写明依据。", 400)
    return facts, clean_reasons


def _typed(rules: list[Rule], stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """Stored JSON facts back to typed values (Decimal amounts); rules added since are defaults."""
    stored = stored or {}
    out = {}
    for rule in rules:
        spec = rule.spec()
        if rule.key in stored:
            try:
                out[rule.key] = scoring.fact_clean(spec, stored[rule.key], max_points=Decimal("100000"))
            except scoring.FactError:
                out[rule.key] = scoring.default_fact(spec)
        else:
            out[rule.key] = scoring.default_fact(spec)
    return out


def score_stored(item: Item, rules: list[Rule], stored: Mapping[str, Any] | None) -> scoring.ItemResult:
    return scoring.item_score(item.max_points, [r.spec() for r in rules], _typed(rules, stored))


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


def _claim(submission: Submission, *, allowed: tuple[str, ...], expected_version: int | None, by: User, **changes):
    """The conditional UPDATE every write goes through: state and version as the page saw them, or 409."""
    match: dict[str, Any] = {"pk": submission.pk, "status__in": allowed, "cycle__status": CycleStatus.OPEN}
    if expected_version is not None:
        match["version"] = expected_version
    done = Submission.objects.filter(**match).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not done:
        submission.refresh_from_db()
        if expected_version is not None and submission.version != expected_version:
            raise AssessmentError("stale", "该自评已被他人修改,您的修改未保存。请刷新页面查看最新内容后再改。", 409)
        raise AssessmentError(
            "state", f"该自评当前为“{submission.get_status_display()}”,不能执行此操作(可能已被他人处理)。", 409
        )


def _record(obj, by: User | None, fields: list[str] | None = None) -> None:
    """Write the history row (who and when) for a change made by a conditional UPDATE."""
    obj.refresh_from_db()
    obj._history_user = recorded_user(by)
    obj.save(update_fields=fields) if fields else obj.save()


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
    today = _today(today)
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
    _claim(submission, allowed=EDITABLE_BY_UNIT, expected_version=expected_version, by=by, **changes)
    scores = {s.item_id: s for s in ItemScore.objects.filter(submission=submission)}
    for item_id, (facts, reasons, entry, evidence) in cleaned.items():
        score = scores.get(item_id) or ItemScore(submission=submission, item_id=item_id)
        result = scoring.item_score(
            known[item_id].max_points, rules.specs(item_id), _typed(rules.by_item[item_id], facts)
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


def summary_rules(rules: RubricRules) -> list[tuple[Item, Rule]]:
    return [
        (item, rule)
        for item in rules.items
        for rule in rules.by_item.get(item.pk, [])
        if rule.source == parsing.SOURCE_SUMMARY_MISSING
    ]


def _sync_summary_facts(submission: Submission, rules: RubricRules, by: User | None) -> None:
    """未报送工作总结 is not for the unit to claim: the platform knows whether a summary is attached, so the
    fact follows the submission (the legal office may still find otherwise in its review)."""
    missing = not submission.has_summary
    for item, rule in summary_rules(rules):
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
    today = _today(today)
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
    _claim(
        submission,
        allowed=EDITABLE_BY_UNIT,
        expected_version=None,
        by=by,
        status=new_status,
        submitted_at=timezone.now(),
        submitted_by=by,
        self_total=_self_total(submission, rules),
    )
    _record(submission, by)
    return submission


# =====================================================================================================
# Review


def _reviewer_check(submission: Submission, by: User, what: str = "审核自评") -> None:
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
    by: User,
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
    today = _today(today)
    _reviewer_check(submission, by)
    allowed = review_allowed_statuses(submission, today=today)
    if submission.status not in allowed:
        if submission.status == SubmissionStatus.RETURNED:
            raise AssessmentError("returned", "该自评已退回单位修改,请等单位重新提交后再审核。", 409)
        raise AssessmentError("not_submitted", "该单位尚未提交自评(自评时间未截止),暂不能审核。", 409)
    rules = RubricRules.load(submission.rubric_id)
    known = {i.pk: i for i in rules.items}
    cleaned: dict[int, tuple[dict, dict, str]] = {}
    for item_id, entry in items.items():
        item = known.get(int(item_id))
        if item is None:
            raise AssessmentError("item", "提交的评分项不属于该单位的评分细则。", 400)
        facts, reasons = facts_clean(
            rules.by_item.get(item.pk, []), entry.facts, entry.reasons, item=item, need_reason=True
        )
        cleaned[item.pk] = (facts, reasons, (entry.comment or "").strip())
    adjust = None
    if adjust_facts is not None:
        adjust = facts_clean(rules.adjustments, adjust_facts, adjust_grounds or {}, item=None, need_reason=True)
    changes: dict[str, Any] = {}
    if adjust is not None:
        changes.update(adjust_facts=adjust[0], adjust_grounds=adjust[1])
    _claim(submission, allowed=allowed, expected_version=expected_version, by=by, **changes)
    now = timezone.now()
    for score in ItemScore.objects.filter(submission=submission, item_id__in=list(cleaned)):
        facts, reasons, comment = cleaned[score.item_id]
        result = score_stored(known[score.item_id], rules.by_item[score.item_id], facts)
        score.review_facts = facts
        score.review_reasons = reasons
        score.reviewed_score = result.score
        score.review_floor_held = result.floor_held or result.zeroed
        score.review_comment = comment
        score.reviewed_by = by
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
        submission.status = SubmissionStatus.REVIEWED
        submission.reviewed_at = now
        submission.reviewed_by = by
    submission._history_user = recorded_user(by)
    submission.save()
    return submission


def submission_totals(submission: Submission, rules: RubricRules | None = None) -> scoring.Total:
    """Reviewed items (an item the legal office has not touched counts as the unit claimed it), plus the
    special bonus, less the special deductions."""
    rules = rules or RubricRules.load(submission.rubric_id)
    stored = {
        s.item_id: s.review_facts if s.review_facts is not None else s.self_facts
        for s in ItemScore.objects.filter(submission=submission).only("item_id", "self_facts", "review_facts")
    }
    results = [score_stored(item, rules.by_item.get(item.pk, []), stored.get(item.pk)) for item in rules.items]
    adjust = scoring.adjustments(
        [r.spec() for r in rules.adjustments], _typed(rules.adjustments, submission.adjust_facts)
    )
    return scoring.submission_total((r.score for r in results), bonus=adjust.bonus, special=adjust.special)


@transaction.atomic
def submission_return(*, submission: Submission, by: User, reason: str) -> Submission:
    """Send a submission back to its unit for correction: it reopens for that unit only, whatever the date."""
    _reviewer_check(submission, by, "退回自评")
    if not (reason or "").strip():
        raise AssessmentError("reason", "退回时请写明理由。", 400)
    _claim(
        submission,
        allowed=RETURNABLE,
        expected_version=None,
        by=by,
        status=SubmissionStatus.RETURNED,
        return_reason=reason.strip()[:1000],
        returned_at=timezone.now(),
        returned_by=by,
    )
    _record(submission, by)
    _notify_reporters(
        [submission],
        kind=Notification.Kind.ASSESSMENT_RETURNED,
        key=f"assessment_returned:{{submission}}:{submission.returned_at:%Y%m%d%H%M%S%f}",
        title=lambda s: f"{s.cycle.year}年度考核自评被退回,请修改后重新提交",
        body=f"退回理由:{submission.return_reason}",
    )
    return submission


def _notify_reporters(
    submissions: Iterable[Submission], *, kind: str, key: str, title: Callable[[Submission], str], body: str = ""
) -> int:
    """The units' reporters hear it in the bell, with a link to their self-assessment: nobody should learn
    of a return or a result by phone. One INSERT for a whole cycle, inside the caller's transaction (so
    nothing is announced that is then rolled back); no email from here: mail goes out from jobs, never
    from a request that holds a transaction open."""
    by_unit = {s.unit_id: s for s in submissions}
    notices = [
        Notification(
            user=user,
            kind=kind,
            key=key.format(submission=by_unit[user.unit_id].pk),
            title=title(by_unit[user.unit_id])[:200],
            body=body,
            url=reverse("assessment:submission", args=[by_unit[user.unit_id].pk]),
        )
        for user in User.objects.filter(role=Role.REPORTER, unit_id__in=list(by_unit), is_active=True)
    ]
    return len(Notification.objects.bulk_create(notices, ignore_conflicts=True))


@transaction.atomic
def cycle_approve(*, cycle: AssessmentCycle, by: User, note: str = "", today: dt.date | None = None) -> AssessmentCycle:
    """The government has approved the results: every total is recomputed from the facts one last time,
    the cycle is locked and the results are published to the units."""
    _cycle_writable(cycle, by, "审定考核结果")
    pending = list(
        Submission.objects.filter(cycle=cycle)
        .exclude(status=SubmissionStatus.REVIEWED)
        .select_related("unit")
        .order_by("unit__kind", "unit__name")
    )
    if pending:
        names = [f"{s.unit.name}({s.get_status_display()})" for s in pending]
        raise AssessmentError(
            "pending",
            f"还有{len(pending)}个单位未审核完毕,不能审定:"
            + "、".join(names[:10])
            + ("等" if len(names) > 10 else "")
            + "。",
            409,
            details=names,
        )
    cycle_rescore(cycle=cycle)
    done = AssessmentCycle.objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).update(
        status=CycleStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=by,
        approval_note=(note or "").strip()[:300],
        version=F("version") + 1,
    )
    if not done:
        raise AssessmentError("approved", "考核结果已审定发布。", 409)
    _record(cycle, by)
    _notify_reporters(
        Submission.objects.filter(cycle=cycle),
        kind=Notification.Kind.ASSESSMENT_PUBLISHED,
        key="assessment_published:{submission}",
        title=lambda s: f"{cycle.year}年度法治政府建设考核结果已发布:总分 {s.final_total} 分",
        body="请在考核页面查看本单位的得分、核定意见和名次。",
    )
    return cycle


def cycle_rescore(*, cycle: AssessmentCycle) -> int:
    """Recompute every stored total of a cycle from the facts (the scoring function is the only truth);
    returns how many submissions changed."""
    from assessment.selectors import cycle_scoreboard

    board = cycle_scoreboard(cycle=cycle)
    changed = []
    for submission in Submission.objects.filter(cycle=cycle):
        entry = board[submission.pk]
        if entry.total is None:
            new = (entry.self_total, None, Decimal(0), Decimal(0), None)
        else:
            new = (entry.self_total, entry.total.base, entry.total.bonus, entry.total.special, entry.total.final)
        old = (
            submission.self_total,
            submission.reviewed_base,
            submission.bonus,
            submission.special,
            submission.final_total,
        )
        if new != old:
            (
                submission.self_total,
                submission.reviewed_base,
                submission.bonus,
                submission.special,
                submission.final_total,
            ) = new
            changed.append(submission)
    Submission.objects.bulk_update(
        changed, ["self_total", "reviewed_base", "bonus", "special", "final_total"], batch_size=500
    )
    return len(changed)
