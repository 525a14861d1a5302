"""The rubric's rules applied to values: a stored fact typed against its rule, an item scored from its stored
facts, a posted fact checked, a stored rubric read back as parsed data.

Nothing here writes. It sits below the selectors and the services (both read facts the same way through
it) and above ``scoring`` and ``parsing``; it imports neither the selectors, nor the services, nor the
exports, so the assessment's modules depend on each other in one direction only (``tests/assessment/
test_structure.py`` holds them to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessment import parsing, scoring
from assessment.errors import AssessmentError
from assessment.models import Item, Rubric, Rule


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
        return cls(items=number_items(items), by_item=by_item, adjustments=adjustments)

    def specs(self, item_id: int) -> list[scoring.RuleSpec]:
        return [r.spec() for r in self.by_item.get(item_id, [])]


def number_items(items: list[Item]) -> list[Item]:
    """Give each item the number the sheets show (``Item.shown_number``): a category whose printed numbers
    repeat is numbered by place (1, 2, 3, 4 instead of 1, 2, 3, 3); one that prints them once keeps them.
    ``items`` in rubric order; returned for chaining."""
    by_category: dict[int, list[Item]] = {}
    for item in items:
        by_category.setdefault(item.category_id, []).append(item)
    for siblings in by_category.values():
        numbers = [i.number for i in siblings]
        if len(set(numbers)) != len(numbers):
            for place, item in enumerate(siblings, start=1):
                item._shown_number = str(place)
    return items


def item_label(item: Item) -> str:
    return f"{item.category.label}.{item.shown_number}“{item.name}”"


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


def facts_typed(rules: list[Rule], stored: Mapping[str, Any] | None) -> dict[str, Any]:
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
    return scoring.item_score(item.max_points, [r.spec() for r in rules], facts_typed(rules, stored))


def summary_rules(rules: RubricRules, sources: Mapping[str, str]) -> list[tuple[Item, Rule]]:
    """The rules whose fact is 未报送工作总结 in the cycle's mapping (``AssessmentCycle.fact_sources``): the
    platform sets it from the submission, not the unit."""
    return [
        (item, rule)
        for item in rules.items
        for rule in rules.by_item.get(item.pk, [])
        if sources.get(rule.key) == parsing.SOURCE_SUMMARY_MISSING
    ]


def source_fits(rule: Rule, source: str) -> bool:
    """Whether a platform fact can be the value of a rule at all: twelve monthly counts only for a rule
    counted month by month, a yes/no only for a fixed deduction, a count only for a per-occurrence one."""
    if rule.item_id is None:
        return False  # the special bonus and deductions are the office's finding, never the platform's
    if source == parsing.SOURCE_REPORTS_PER_MONTH:
        return rule.kind == scoring.RuleKind.PER_SHORTFALL and int(rule.params.get("periods", 0)) == 12
    if source == parsing.SOURCE_SUMMARY_MISSING:
        return rule.kind in (scoring.RuleKind.FIXED, scoring.RuleKind.ALL_OR_NOTHING)
    if source == parsing.SOURCE_OVERDUE_TASKS:
        return rule.kind == scoring.RuleKind.PER_OCCURRENCE
    return False


def fact_sources_clean(rubric_ids: list[int], raw: Mapping[str, str]) -> dict[str, str]:
    """A cycle's mapping (rule id → platform fact) as stored, or a 400 naming the rule: every rule of the
    cycle's rubrics, every source known, every pair one that ``source_fits``; an empty source clears."""
    wanted = {str(k): (v or "").strip() for k, v in raw.items()}
    ids = [int(k) for k in wanted if k.isdigit()]
    if len(ids) != len(wanted):
        raise AssessmentError("fact_sources", "平台数据对应关系中的评分规则编号不正确。", 400)
    rules = {str(r.pk): r for r in Rule.objects.filter(pk__in=ids, rubric_id__in=rubric_ids).select_related("item")}
    out: dict[str, str] = {}
    for key, source in wanted.items():
        rule = rules.get(key)
        if rule is None:
            raise AssessmentError("fact_sources", "平台数据只能对应本周期评分细则中的评分规则。", 400)
        if not source:
            continue
        if source not in parsing.SOURCE_LABELS:
            raise AssessmentError("fact_sources", f"未知的平台数据“{source}”。", 400)
        if not source_fits(rule, source):
            raise AssessmentError(
                "fact_sources",
                f"“{rule.condition}”不能引用{parsing.SOURCE_LABELS[source]}(数据的形式与规则不符)。",
                400,
            )
        out[key] = source
    return out


def fact_sources_recognised(rubric_ids: list[int]) -> dict[str, str]:
    """The mapping a new cycle starts with: what the rubric import recognised in the rules' text (每月报送
    法治政府信息 → the monthly progress reports), for the office to check and change."""
    rules = Rule.objects.filter(rubric_id__in=rubric_ids, item__isnull=False)
    return {r.key: r.source for r in rules if r.source and source_fits(r, r.source)}


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
