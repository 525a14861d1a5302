"""Rubrics and responsibility statements: imported from a plan document's annexes or a spreadsheet, checked
that every sum adds up, saved all or nothing; the same rubric imported again is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from assessment import excel, parsing, scoring
from assessment.models import ASSESSED_KINDS, Category, Item, ResponsibilityStatement, Rubric, Rule, StatementClause
from assessment.rules import rubric_signature
from assessment.services._common import AssessmentError, require_legal_office
from lawgov.limits import ParseTimeLimit, time_limited
from lawgov.models import SystemActor, Unit, User, recorded_user
from plans.importing import DocumentError


@dataclass
class ImportOutcome:
    rubrics: list[Rubric] = field(default_factory=list)
    statements: list[ResponsibilityStatement] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    window: tuple[dt.date, dt.date] | None = None


def rubric_import_document(
    *, data: bytes, filename: str, jurisdiction: Unit, by: User | SystemActor, encoding: str | None = None
) -> ImportOutcome:
    """Import the rubrics (考核评分细则) and responsibility statements (目标责任书) among a plan document's
    annexes, read with the plan importer's reader. All or nothing: one rubric that does not add up refuses
    the whole file."""
    require_legal_office(by, jurisdiction.pk, "导入考核评分细则")
    try:
        with time_limited():
            parsed = parsing.parse_document_annexes(data, filename, encoding)
    except DocumentError as exc:
        raise AssessmentError(str(exc.code), exc.message, 400) from exc
    except ParseTimeLimit as exc:
        raise AssessmentError("too_slow", exc.message, 400) from exc
    if not parsed.rubrics:
        _refuse_a_plan(data, filename, encoding)
        raise AssessmentError(
            "no_rubric", "文件中没有找到考核评分细则(标题含“评分细则”的附件),请确认上传的是带附件的工作安排。", 400
        )
    return annexes_save(parsed=parsed, jurisdiction=jurisdiction, by=by, source_name=filename)


def _refuse_a_plan(data: bytes, filename: str, encoding: str | None = None) -> None:
    """A plan sent to the rubric page is refused as a plan, with the classifier's reason, and the page offers
    the plan import (``document_kind``): "no rubric found" alone leaves the clerk guessing. The mirror of the
    plan importer offering the rubric import for a rubric."""
    reason = parsing.plan_reason(data, filename, encoding)
    if reason is not None:
        raise AssessmentError(
            "is_plan",
            f"这份文件看起来是工作规划,不是考核评分细则:{reason}。请到规划导入页上传。",
            400,
            document_kind="plan",
        )


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
    *, parsed: parsing.ParsedAnnexes, jurisdiction: Unit, by: User | SystemActor, source_name: str = ""
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
    *, parsed: parsing.ParsedStatement, jurisdiction: Unit, by: User | SystemActor, source_name: str = ""
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


def rubric_save(
    *,
    parsed: parsing.ParsedRubric,
    jurisdiction: Unit,
    by: User | SystemActor,
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
    by: User | SystemActor,
    year: int | None = None,
    unit_kind: str | None = None,
    title: str | None = None,
    filename: str = "",
) -> Rubric:
    """One rubric from a spreadsheet in the layout offices use (考核事项 / 考核内容 / 评分标准 / 分值)."""
    require_legal_office(by, jurisdiction.pk, "导入考核评分细则")
    try:
        parsed = excel.rubric_from_xlsx(data, title=title)
    except excel.SheetError as exc:
        _refuse_a_plan(data, filename or "sheet.xlsx")  # a 任务分工表 is a plan, not a rubric with bad columns
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
