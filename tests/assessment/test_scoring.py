"""The one scoring function, table-driven against the 昭化 rules (annex 3 and 4 as parsed from the seed)."""

from decimal import Decimal

import pytest

from assessment import scoring
from assessment.scoring import FactError, RuleKind, RuleScope, RuleSpec

D = Decimal


def specs(parsed_item) -> list[RuleSpec]:
    return [
        RuleSpec(
            key=str(n),
            kind=RuleKind(r.kind),
            points=r.points,
            scope=RuleScope(r.scope),
            quota=r.quota,
            periods=r.periods,
            group=r.group,
            label=r.condition,
        )
        for n, r in enumerate(parsed_item.rules)
    ]


def item(rubric, path: str):
    """``六.2`` → the second item of category 六 (numbers as printed are not unique: 六 has two 3.)."""
    label, position = path.split(".")
    category = next(c for c in rubric.categories if c.label == label)
    return category.items[int(position) - 1]


MONTHS_OK = [2] * 12

# (rubric, item, facts by rule position, score, floor held, zeroed)
CASES = [
    # 一.1 遵守行政决策程序 (10): 未建立健全相关制度机制,扣2分
    ("department", "一.1", {}, "10.0", False, False),
    ("department", "一.1", {"0": True}, "8.0", False, False),
    # 二.2 服务群众 (5): 通报批评 一次扣2分; 群众举报 一次扣2分
    ("department", "二.2", {"0": 1}, "3.0", False, False),
    ("department", "二.2", {"0": 1, "1": 1}, "1.0", False, False),
    ("department", "二.2", {"0": 2, "1": 1}, "0.0", True, False),  # 6 against 5: the floor holds
    # 三.2 报送法治政府建设信息 (5): 每月2条以上,每少1条扣0.2分
    ("department", "三.2", {"0": MONTHS_OK}, "5.0", False, False),
    ("department", "三.2", {"0": [1, 2, 2, 0, 2, 2, 3, 2, 2, 2, 2, 2]}, "4.4", False, False),  # 3 missing
    ("department", "三.2", {"0": [0] * 12}, "0.2", False, False),  # 24 missing: 4.8
    ("township", "二.2", {"0": [0] * 12}, "5.2", False, False),
    # 四.1 规范行政执法行为 (15): 1/次, 2, 2, 3, 2, 酌情
    ("department", "四.1", {"0": 3, "3": True}, "9.0", False, False),
    ("department", "四.1", {"0": 1, "1": True, "2": True, "3": True, "4": True, "5": D("2.5")}, "2.5", False, False),
    ("department", "四.1", {"0": 10, "1": True, "2": True, "3": True, "4": True}, "0.0", True, False),
    # 四.2 规范行权运行 (10): 未网上网下运行 扣10分 (all or nothing), 运行不好 酌情
    ("department", "四.2", {"1": D("1.5")}, "8.5", False, False),
    ("department", "四.2", {"0": True}, "0.0", False, True),
    ("department", "四.2", {"0": True, "1": D("3")}, "0.0", False, True),
    # 五.1 积极应诉 (5): 不出庭应诉的,扣5分 — department: all or nothing; township: 一次扣5分 against 10
    ("department", "五.1", {"0": True}, "0.0", False, True),
    ("township", "三.1", {"0": 1}, "5.0", False, False),
    ("township", "三.1", {"0": 3}, "0.0", True, False),
    # 五.2 复议/诉讼 (10): 出现一起扣2分 ×2; township 三.2 (15): 出现一起扣3分 ×2
    ("department", "五.2", {"0": 2, "1": 1}, "4.0", False, False),
    ("township", "三.2", {"0": 2, "1": 1}, "6.0", False, False),
    # 六.2 (6): three 3-point deductions — the printed rules can take 9 from 6: the floor holds at 0
    ("department", "六.2", {"0": True}, "3.0", False, False),
    ("department", "六.2", {"0": True, "1": True}, "0.0", False, False),
    ("department", "六.2", {"0": True, "1": True, "2": True}, "0.0", True, False),
    ("township", "四.2", {"0": True, "1": True}, "2.0", False, False),
    ("township", "四.2", {"0": True, "1": True, "2": True}, "0.0", True, False),
    # An item printed without rules: only a discretionary deduction (the implicit rule).
    ("department", "一.2", {}, "5.0", False, False),
    ("department", "一.2", {"0": D("0.5")}, "4.5", False, False),
    ("township", "四.1", {"0": D("10")}, "0.0", False, False),
]


@pytest.mark.parametrize(("kind", "path", "facts", "score", "floor_held", "zeroed"), CASES)
def test_item_score_against_zhaohua_rules(request, kind, path, facts, score, floor_held, zeroed):
    rubric = request.getfixturevalue(f"{kind}_parsed")
    parsed = item(rubric, path)
    result = scoring.item_score(parsed.max_points, specs(parsed), facts)
    assert (str(result.score), result.floor_held, result.zeroed) == (score, floor_held, zeroed)
    assert D(0) <= result.score <= parsed.max_points


def test_floor_is_said_in_words(department_parsed):
    parsed = item(department_parsed, "六.2")
    result = scoring.item_score(parsed.max_points, specs(parsed), {"0": True, "1": True, "2": True})
    assert result.note == "按细则应扣9.0分,超过本项分值6.0分,本项最低0分"
    assert scoring.printed_overflow(parsed.max_points, specs(parsed)) == D("9.0")
    assert scoring.printed_overflow(D(10), specs(item(department_parsed, "一.1"))) is None


def test_a_perfect_unit_scores_100(department_parsed, township_parsed):
    for rubric in (department_parsed, township_parsed):
        results = [scoring.item_score(i.max_points, specs(i), {}) for i in rubric.items]
        assert scoring.submission_total(r.score for r in results).final == D("100.0")


@pytest.mark.parametrize(
    ("facts", "bonus", "special"),
    [
        ({}, "0.0", "0.0"),
        ({"0": True}, "5.0", "0.0"),  # 省级依法行政示范单位
        ({"1": True}, "3.0", "0.0"),  # 市级
        ({"0": True, "1": True}, "5.0", "0.0"),  # alternatives: the highest counts
        ({"2": 2}, "0.0", "4.0"),  # 每起扣2分
        ({"1": True, "2": 1, "3": 1}, "3.0", "7.0"),  # 引起不良后果的每起扣5分
    ],
)
def test_bonus_and_special_deductions(department_parsed, facts, bonus, special):
    rules = [
        RuleSpec(key=str(n), kind=RuleKind(r.kind), points=r.points, scope=RuleScope(r.scope), group=r.group)
        for n, r in enumerate(department_parsed.adjustment_rules)
    ]
    result = scoring.adjustments(rules, facts)
    assert (str(result.bonus), str(result.special)) == (bonus, special)


@pytest.mark.parametrize(
    ("items", "bonus", "special", "final", "floor_held"),
    [
        (["10.0", "4.5", "5.0"], "3", "0", "22.5", False),
        (["96.4"], "3", "2", "97.4", False),
        (["100"], "5", "0", "105.0", False),  # bonus sits outside the 100
        (["3.0"], "0", "10", "0.0", True),
    ],
)
def test_submission_total(items, bonus, special, final, floor_held):
    total = scoring.submission_total([D(s) for s in items], bonus=D(bonus), special=D(special))
    assert (str(total.final), total.floor_held) == (final, floor_held)


@pytest.mark.parametrize(
    ("final", "weight", "converted"),
    [("87.5", "10", "8.8"), ("100", "10", "10.0"), ("96.4", "15", "14.5"), ("0", "10", "0.0"), (None, "10", None)],
)
def test_converted_score(final, weight, converted):
    got = scoring.converted(D(final) if final else None, D(weight))
    assert (str(got) if got is not None else None) == converted


def test_rank_shares_ties_and_leaves_unscored_out():
    ranked = scoring.rank([("a", D("90")), ("b", D("95.5")), ("c", D("90")), ("d", None), ("e", D("80"))])
    assert [(r.key, r.rank) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("e", 4)]


def test_distribution_by_bands():
    bands = scoring.distribution([(1, D("95")), (2, D("90")), (3, D("89.9")), (4, D("59")), (5, None)])
    assert [b.count for b in bands] == [2, 1, 0, 0, 1]


OCC_SPEC = RuleSpec(key="k", kind=RuleKind.PER_OCCURRENCE, points=D(2), label="受到群众举报的")
DISC_SPEC = RuleSpec(key="k", kind=RuleKind.DISCRETIONARY, points=D(5), label="运行情况不好的")
SHORT_SPEC = RuleSpec(key="k", kind=RuleKind.PER_SHORTFALL, points=D("0.2"), quota=2, periods=12, label="报送信息")
FIXED_SPEC = RuleSpec(key="k", kind=RuleKind.FIXED, points=D(2), label="未建立制度")


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        (OCC_SPEC, "-1", "受到群众举报的次数不能为负数(填写的是-1)"),
        (OCC_SPEC, "2.5", "受到群众举报的次数必须是整数(填写的是2.5)"),
        (OCC_SPEC, "两次", "必须是整数"),
        (DISC_SPEC, "6", "扣分不能超过本项分值5分(填写的是6)"),
        (DISC_SPEC, "-0.5", "扣分不能小于0"),
        (DISC_SPEC, "0.25", "最多保留一位小数"),
        (SHORT_SPEC, ["2"] * 11, "需要逐期填写12个数"),
        (SHORT_SPEC, ["2"] * 11 + ["1.5"], "报送信息(12月)的数量必须是整数"),
        (FIXED_SPEC, "也许", "只能填“是”或“否”"),
    ],
)
def test_bad_facts_are_refused_in_chinese(spec, raw, message):
    with pytest.raises(FactError) as caught:
        scoring.fact_clean(spec, raw)
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("spec", "raw", "value"),
    [
        (OCC_SPEC, "", 0),
        (OCC_SPEC, "3", 3),
        (OCC_SPEC, "3.0", 3),
        (DISC_SPEC, "1.5", D("1.5")),
        (FIXED_SPEC, "1", True),
        (FIXED_SPEC, "", False),
        (FIXED_SPEC, "否", False),
        (SHORT_SPEC, ["2"] * 12, [2] * 12),
    ],
)
def test_good_facts_are_typed(spec, raw, value):
    assert scoring.fact_clean(spec, raw) == value


def test_rounding_is_half_up_to_one_place():
    assert scoring.q(D("4.85")) == D("4.9") and scoring.q(D("4.849")) == D("4.8")
