"""The one scoring function of the December assessment: rules and facts in, points out.

Pure Python, no database: the self-assessment page, the review page, the totals stored for ranking, the
exports and the benchmark all call these functions, so a score can never be computed two ways. Points are
``Decimal`` with one decimal place (the annexes print 0.2 分); an item never goes below 0 nor above its
maximum, and when the printed rules would take more than the item holds the result says so (``floor_held``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

ONE_PLACE = Decimal("0.1")
ZERO = Decimal("0")
FULL_MARKS = Decimal("100")


def q(value: Any) -> Decimal:
    """One decimal place, rounding half up as offices do by hand (4.85 → 4.9)."""
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


class RuleKind(StrEnum):
    FIXED = "fixed"  # 未建立健全相关制度机制,扣2分
    PER_OCCURRENCE = "per_occurrence"  # 一次扣2分, 出现一起扣3分
    PER_SHORTFALL = "per_shortfall"  # 每月报送2条以上,每少报送1条扣0.2分
    ALL_OR_NOTHING = "all_or_nothing"  # 职权未进行网上网下运行的,扣10分 (the whole item)
    DISCRETIONARY = "discretionary"  # 酌情扣分: an amount set by a person, with a written reason


KIND_LABELS = {
    RuleKind.FIXED: "固定扣分",
    RuleKind.PER_OCCURRENCE: "按次扣分",
    RuleKind.PER_SHORTFALL: "按缺额扣分",
    RuleKind.ALL_OR_NOTHING: "全项扣分",
    RuleKind.DISCRETIONARY: "酌情扣分",
}


class RuleScope(StrEnum):
    ITEM = "item"  # inside an item's points
    BONUS = "bonus"  # 特别加分, outside the 100
    SPECIAL = "special"  # 特别扣分, outside the 100


SCOPE_LABELS = {RuleScope.ITEM: "评分项", RuleScope.BONUS: "特别加分", RuleScope.SPECIAL: "特别扣分"}


class FactError(ValueError):
    """A fact that cannot be scored (2.5 occurrences, -1, a deduction above the item's points)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RuleSpec:
    """What the scoring needs of a rule; built from a ``Rule`` row or from a parsed rubric."""

    key: str
    kind: RuleKind
    points: Decimal  # per occurrence / per missing unit / the fixed amount; discretionary: its cap
    scope: RuleScope = RuleScope.ITEM
    quota: int = 0  # per shortfall: how many are required per period
    periods: int = 0  # per shortfall: how many periods (12 months)
    group: str = ""  # bonus rules of one group are alternatives: the highest one counts
    label: str = ""


@dataclass(frozen=True)
class RuleLine:
    key: str
    amount: Decimal  # deducted (item, special) or added (bonus), before any floor
    note: str = ""


@dataclass(frozen=True)
class ItemResult:
    max_points: Decimal
    score: Decimal
    deducted: Decimal  # what the rules take, before the floor
    floor_held: bool  # the rules would take more than the item holds: 0, not negative
    zeroed: bool  # an all-or-nothing rule applied
    lines: tuple[RuleLine, ...] = ()

    @property
    def note(self) -> str:
        if self.zeroed:
            return "全项扣分:本项得0分"
        if self.floor_held:
            return f"按细则应扣{self.deducted}分,超过本项分值{self.max_points}分,本项最低0分"
        return ""


@dataclass(frozen=True)
class AdjustmentResult:
    bonus: Decimal
    special: Decimal
    lines: tuple[RuleLine, ...] = ()


@dataclass(frozen=True)
class Total:
    base: Decimal  # the items, out of 100
    bonus: Decimal
    special: Decimal
    final: Decimal  # base + bonus − special, never below 0
    floor_held: bool = False


# --- facts ------------------------------------------------------------------------------------------

_TRUE = {"1", "true", "on", "yes", "是", "y"}
_FALSE = {"", "0", "false", "off", "no", "否", "n", "none"}


def default_fact(rule: RuleSpec) -> Any:
    if rule.kind in (RuleKind.FIXED, RuleKind.ALL_OR_NOTHING):
        return False
    if rule.kind == RuleKind.PER_SHORTFALL:
        return [rule.quota] * rule.periods  # nothing missing until someone says otherwise
    if rule.kind == RuleKind.DISCRETIONARY:
        return ZERO
    return 0


def _whole(raw: Any, what: str) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    if isinstance(raw, bool):
        raise FactError(f"{what}必须是整数")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise FactError(f"{what}必须是整数(填写的是“{raw}”)") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise FactError(f"{what}必须是整数(填写的是{raw})")
    if number < 0:
        raise FactError(f"{what}不能为负数(填写的是{raw})")
    if number > 100000:
        raise FactError(f"{what}过大(填写的是{raw})")
    return int(number)


def _of(what: str) -> str:
    """``what`` followed by 的 once: a rubric's conditions often end with it (未组织案卷评查的), and
    "…的的扣分" reads as a typo."""
    return what if what.endswith("的") else f"{what}的"


def fact_clean(rule: RuleSpec, raw: Any, *, max_points: Decimal | None = None, what: str = "") -> Any:
    """A typed fact from what a form or a JSON column holds; refuses what cannot be counted.

    ``what`` names the fact in the message ("未持证上岗的次数"); ``max_points`` caps a discretionary
    deduction at the item's points when the rule sets no cap of its own.
    """
    what = what or rule.label or "该项"
    if rule.kind in (RuleKind.FIXED, RuleKind.ALL_OR_NOTHING):
        if isinstance(raw, bool):
            return raw
        text = str(raw if raw is not None else "").strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise FactError(f"{what}只能填“是”或“否”(填写的是“{raw}”)")
    if rule.kind == RuleKind.PER_OCCURRENCE:
        return _whole(raw, f"{_of(what)}次数")
    if rule.kind == RuleKind.PER_SHORTFALL:
        values = list(raw) if isinstance(raw, list | tuple) else None
        if values is None or len(values) != rule.periods:
            raise FactError(f"{what}需要逐期填写{rule.periods}个数")
        period = "{}月" if rule.periods == 12 else "第{}期"
        return [_whole(v, f"{what}({period.format(i)})的数量") for i, v in enumerate(values, start=1)]
    if rule.kind == RuleKind.DISCRETIONARY:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return ZERO
        try:
            amount = Decimal(str(raw).strip())
        except InvalidOperation:
            raise FactError(f"{_of(what)}扣分必须是数字(填写的是“{raw}”)") from None
        if not amount.is_finite():
            raise FactError(f"{_of(what)}扣分必须是数字(填写的是“{raw}”)")
        cap = rule.points if rule.points > 0 else (max_points or ZERO)
        if amount < 0:
            raise FactError(f"{_of(what)}扣分不能小于0(填写的是{raw})")
        if amount > cap:
            raise FactError(f"{_of(what)}扣分不能超过本项分值{cap}分(填写的是{raw})")
        if amount != amount.quantize(ONE_PLACE):
            raise FactError(f"{_of(what)}扣分最多保留一位小数(填写的是{raw})")
        return q(amount)
    raise FactError(f"未知的规则类型:{rule.kind}")


def facts_clean(
    rules: Iterable[RuleSpec], raw: Mapping[str, Any], *, max_points: Decimal | None = None
) -> dict[str, Any]:
    """All facts of an item (or of the bonus and special rules), typed; the first bad one is refused."""
    return {rule.key: fact_clean(rule, raw.get(rule.key), max_points=max_points) for rule in rules}


def fact_to_json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# --- scoring -----------------------------------------------------------------------------------------


def rule_amount(rule: RuleSpec, fact: Any) -> Decimal:
    """What one rule takes (or adds, for a bonus) given its typed fact, before any floor."""
    return _rule_amount(rule, fact)[0]


def _rule_amount(rule: RuleSpec, fact: Any) -> tuple[Decimal, str]:
    if rule.kind in (RuleKind.FIXED, RuleKind.ALL_OR_NOTHING):
        return (rule.points, "是") if fact else (ZERO, "")
    if rule.kind == RuleKind.PER_OCCURRENCE:
        count = int(fact or 0)
        return rule.points * count, (f"{count}次" if count else "")
    if rule.kind == RuleKind.PER_SHORTFALL:
        missing = sum(max(0, rule.quota - int(v or 0)) for v in fact or [])
        return rule.points * missing, (f"少{missing}" if missing else "")
    if rule.kind == RuleKind.DISCRETIONARY:
        amount = Decimal(fact or 0)
        return amount, (f"酌情扣{q(amount)}分" if amount else "")
    raise ValueError(rule.kind)


def item_score(max_points: Decimal, rules: Sequence[RuleSpec], facts: Mapping[str, Any]) -> ItemResult:
    """An item's points: its maximum less what its rules take, within [0, maximum].

    ``facts`` are typed (``fact_clean``); a missing fact counts as nothing to deduct. An all-or-nothing
    rule that applies takes the whole item whatever the other rules say.
    """
    max_points = Decimal(max_points)
    deducted = ZERO
    zeroed = False
    lines = []
    for rule in rules:
        if rule.scope != RuleScope.ITEM:
            continue
        fact = facts.get(rule.key, default_fact(rule))
        amount, note = _rule_amount(rule, fact)
        if rule.kind == RuleKind.ALL_OR_NOTHING and amount:
            zeroed = True
        deducted += amount
        lines.append(RuleLine(rule.key, q(amount), note))
    score = ZERO if zeroed else max_points - deducted
    floor_held = deducted > max_points
    score = min(max(score, ZERO), max_points)
    return ItemResult(
        max_points=q(max_points),
        score=q(score),
        deducted=q(deducted),
        floor_held=floor_held and not zeroed,
        zeroed=zeroed,
        lines=tuple(lines),
    )


def adjustments(rules: Sequence[RuleSpec], facts: Mapping[str, Any]) -> AdjustmentResult:
    """特别加分 and 特别扣分, outside the 100. Bonus rules of one group are alternatives (省级 5 or 市级 3,
    not both): the highest that applies counts."""
    bonus_by_group: dict[str, Decimal] = {}
    bonus = special = ZERO
    lines = []
    for rule in rules:
        if rule.scope == RuleScope.ITEM:
            continue
        fact = facts.get(rule.key, default_fact(rule))
        amount, note = _rule_amount(rule, fact)
        lines.append(RuleLine(rule.key, q(amount), note))
        if rule.scope == RuleScope.BONUS:
            if rule.group:
                bonus_by_group[rule.group] = max(bonus_by_group.get(rule.group, ZERO), amount)
            else:
                bonus += amount
        else:
            special += amount
    bonus += sum(bonus_by_group.values(), ZERO)
    return AdjustmentResult(bonus=q(bonus), special=q(special), lines=tuple(lines))


def submission_total(item_scores: Iterable[Decimal], *, bonus: Decimal = ZERO, special: Decimal = ZERO) -> Total:
    """The unit's total: its items' points plus bonus less special deductions, never below 0."""
    base = sum((Decimal(s) for s in item_scores), ZERO)
    final = base + Decimal(bonus) - Decimal(special)
    return Total(
        base=q(base),
        bonus=q(bonus),
        special=q(special),
        final=q(max(final, ZERO)),
        floor_held=final < 0,
    )


def converted(
    final: Decimal | None, weight: Decimal, *, full: Decimal = FULL_MARKS, capped: bool = False
) -> Decimal | None:
    """A 100-point result as the points it is worth in the overall annual evaluation (weight 10 → 87.5 → 8.8).

    A total above 100 (special bonus) converts above the weight (103 → 10.3) unless the cycle caps it."""
    if final is None:
        return None
    value = q(Decimal(final) * Decimal(weight) / full)
    return min(value, q(weight)) if capped else value


# --- units that never submitted ----------------------------------------------------------------------


class UnsubmittedRule(StrEnum):
    ZERO = "zero"  # the items the legal office does not score on site get nothing
    DEDUCT = "deduct"  # 未按时报送自评材料的,扣X分: items not scored count as nothing found; X comes off the total
    NO_SCORE = "no_score"  # 未按时报送自评材料的,不得分: every item 0, no bonus


@dataclass(frozen=True)
class UnsubmittedPolicy:
    """A cycle's rule for a unit that never submitted: one place decides what its items and total are."""

    rule: UnsubmittedRule = UnsubmittedRule.ZERO
    points: Decimal = ZERO  # X of DEDUCT

    def text(self) -> str:
        """The rule as a clause that follows a heading naming the units (未提交自评的单位:…): it does not
        repeat "未提交自评" itself, which read "未提交自评的单位:未提交自评:…" on the pages."""
        if self.rule == UnsubmittedRule.DEDUCT:
            return f"扣{q(self.points).normalize():f}分,法制办未核定的评分项按无扣分计"
        if self.rule == UnsubmittedRule.NO_SCORE:
            return "不得分(总分为0)"
        return "法制办未核定的评分项不得分"

    def unscored_item(self, max_points: Decimal, rules: Sequence[RuleSpec]) -> ItemResult:
        """An item the legal office did not score for a unit that declared nothing."""
        if self.rule == UnsubmittedRule.DEDUCT:
            return item_score(max_points, rules, {})
        return ItemResult(max_points=q(max_points), score=ZERO, deducted=q(max_points), floor_held=False, zeroed=False)

    def scored_item(self, result: ItemResult) -> ItemResult:
        if self.rule == UnsubmittedRule.NO_SCORE:
            return ItemResult(
                max_points=result.max_points,
                score=ZERO,
                deducted=result.max_points,
                floor_held=False,
                zeroed=False,
                lines=result.lines,
            )
        return result

    def total(self, item_scores: Iterable[Decimal], *, bonus: Decimal = ZERO, special: Decimal = ZERO) -> Total:
        """The total of a unit that never submitted: X more special deduction (DEDUCT), or nothing at all."""
        if self.rule == UnsubmittedRule.NO_SCORE:
            return submission_total([ZERO])
        if self.rule == UnsubmittedRule.DEDUCT:
            special = Decimal(special) + q(self.points)
        return submission_total(item_scores, bonus=bonus, special=special)

    @property
    def deduction(self) -> Decimal:
        return q(self.points) if self.rule == UnsubmittedRule.DEDUCT else ZERO


def line_text(rule: RuleSpec, fact: Any, *, reason: str = "") -> str:
    """Why a rule took points, for 扣分说明: 未建立健全相关制度机制:是,扣2分 / 未持证上岗:2次,扣4分."""
    amount, note = _rule_amount(rule, fact)
    if not amount:
        return ""
    verb = "加" if rule.scope == RuleScope.BONUS else "扣"
    what = rule.label or "扣分情形"
    detail = note if rule.kind != RuleKind.DISCRETIONARY else "酌情"
    text = f"{what}:{detail},{verb}{q(amount).normalize():f}分"
    if reason:
        text += f"({reason})"
    return text


def printed_overflow(max_points: Decimal, rules: Iterable[RuleSpec]) -> Decimal | None:
    """What the printed fixed deductions of an item add up to when that is more than the item holds
    (昭化 department item 六.2: three 3-point deductions against 6 points → 9). None when they fit."""
    fixed = sum(
        (r.points for r in rules if r.scope == RuleScope.ITEM and r.kind == RuleKind.FIXED),
        ZERO,
    )
    return q(fixed) if fixed > Decimal(max_points) else None


# --- ranking -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    key: Any
    score: Decimal
    rank: int


def rank(entries: Iterable[tuple[Any, Decimal | None]]) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4), best first; entries without a score are left out.

    Ties keep the order they came in, so callers sort by name first when they want a stable list.
    """
    scored = [(key, Decimal(score)) for key, score in entries if score is not None]
    scored.sort(key=lambda pair: pair[1], reverse=True)
    out: list[Ranked] = []
    previous: Decimal | None = None
    position = 0
    for index, (key, score) in enumerate(scored, start=1):
        if score != previous:
            position = index
            previous = score
        out.append(Ranked(key=key, score=score, rank=position))
    return out


BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("90"), "90分及以上"),
    (Decimal("80"), "80–89.9分"),
    (Decimal("70"), "70–79.9分"),
    (Decimal("60"), "60–69.9分"),
    (Decimal("-1"), "60分以下"),
)


@dataclass
class Band:
    label: str
    count: int = 0
    keys: list[Any] = field(default_factory=list)


def distribution(entries: Iterable[tuple[Any, Decimal | None]]) -> list[Band]:
    """How many units fall in each 10-point band (leaders read it as a bar chart)."""
    bands = [Band(label) for _, label in BANDS]
    for key, score in entries:
        if score is None:
            continue
        for index, (floor, _) in enumerate(BANDS):
            if Decimal(score) >= floor:
                bands[index].count += 1
                bands[index].keys.append(key)
                break
    return bands
