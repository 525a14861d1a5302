"""The 昭化 annexes read into rubrics and statements: every category, item, maximum and rule pinned, for
both the department rubric (annex 3) and the township rubric (annex 4), and the sums checked."""

import datetime as dt
from decimal import Decimal

import pytest

from assessment import parsing
from assessment.scoring import RuleKind, RuleScope

D = Decimal
# Rule shorthand: (kind, points); "implicit" is the 酌情扣分 the importer adds to an item printed without rules.
FIX, OCC, SHORT, ALL, DISC, IMPL = (
    "fixed",
    "per_occurrence",
    "per_shortfall",
    "all_or_nothing",
    "discretionary",
    "implicit",
)

DEPARTMENT = [
    ("一", "依法科学民主决策", 15, [
        ("1", "遵守行政决策程序", 10, [(FIX, 2)]),
        ("2", "规范性文件审查、报备", 5, [(IMPL, 5)]),
    ]),
    ("二", "加强政府职能转变", 10, [
        ("1", "行政审批", 5, [(IMPL, 5)]),
        ("2", "服务群众", 5, [(OCC, 2), (OCC, 2)]),
    ]),
    ("三", "加强政务公开", 10, [
        ("1", "坚持政务信息公开", 5, [(IMPL, 5)]),
        ("2", "报送法治政府建设信息", 5, [(SHORT, D("0.2"))]),
    ]),
    ("四", "提升行政执法水平", 25, [
        ("1", "规范行政执法行为", 15, [(OCC, 1), (FIX, 2), (FIX, 2), (FIX, 3), (FIX, 2), (DISC, 15)]),
        ("2", "规范行权运行", 10, [(ALL, 10), (DISC, 10)]),
    ]),
    ("五", "有效化解行政争议", 15, [
        ("1", "积极应诉", 5, [(ALL, 5)]),
        ("2", "履行行政复议被申请人、行政诉讼被告职责", 10, [(OCC, 2), (OCC, 2)]),
    ]),
    ("六", "落实保障措施", 25, [
        ("1", "落实第一责任人责任", 8, [(IMPL, 8)]),
        ("2", "制定年度工作安排考核方案,及时报送工作总结", 6, [(FIX, 3), (FIX, 3), (FIX, 3)]),
        ("3", "开展依法行政知识培训", 6, [(IMPL, 6)]),
        ("3", "加强法制机构人员力量", 5, [(IMPL, 5)]),
    ]),
]  # fmt: skip

TOWNSHIP = [
    ("一", "依法科学民主决策", 25, [
        ("1", "遵守行政决策程序", 15, [(FIX, 2)]),
        ("2", "规范性文件审查、报备", 10, [(IMPL, 10)]),
    ]),
    ("二", "加强政务公开", 20, [
        ("1", "坚持政务信息公开", 10, [(IMPL, 10)]),
        ("2", "报送法治政府建设信息", 10, [(SHORT, D("0.2"))]),
    ]),
    ("三", "有效化解行政争议", 25, [
        ("1", "积极应诉", 10, [(OCC, 5)]),
        ("2", "履行行政复议被申请人、行政诉讼被告职责", 15, [(OCC, 3), (OCC, 3)]),
    ]),
    ("四", "落实保障措施", 30, [
        ("1", "落实第一责任人责任", 10, [(IMPL, 10)]),
        ("2", "制定年度工作安排考核方案,及时报送工作总结", 8, [(FIX, 3), (FIX, 3), (FIX, 3)]),
        ("3", "开展依法行政知识培训", 6, [(IMPL, 6)]),
        ("3", "加强法制机构人员力量", 6, [(IMPL, 6)]),
    ]),
]  # fmt: skip

ADJUSTMENTS = [
    (RuleScope.BONUS, FIX, 5, "省级依法行政示范单位"),
    (RuleScope.BONUS, FIX, 3, "市级依法行政示范单位"),
    (RuleScope.SPECIAL, OCC, 2, "本单位行政决策违法、规范性文件违法、行政执法行为违法或不依法履行法定职责的"),
    (RuleScope.SPECIAL, OCC, 5, "引起不良后果的"),
]


def shape(rubric: parsing.ParsedRubric) -> list:
    def kind(rule):
        return IMPL if rule.implicit else rule.kind

    return [
        (
            c.label,
            c.name,
            c.max_points,
            [(i.number, i.name, i.max_points, [(kind(r), r.points) for r in i.rules]) for i in c.items],
        )
        for c in rubric.categories
    ]


@pytest.mark.parametrize(
    ("kind", "expected", "title"),
    [
        ("department", DEPARTMENT, "区级各部门2017年度法治政府建设考核评分细则"),
        ("township", TOWNSHIP, "各乡镇(街道)2017年度法治政府建设考核评分细则"),
    ],
)
def test_zhaohua_rubrics_are_read_category_by_category(annexes, kind, expected, title):
    rubric = next(r for r in annexes.rubrics if r.unit_kind == kind)
    assert rubric.title == title
    assert rubric.year == 2017
    assert shape(rubric) == expected
    assert rubric.sum_errors() == []
    assert rubric.categories_sum == D(100)
    for category in rubric.categories:
        assert category.items_sum == category.max_points


@pytest.mark.parametrize("kind", ["department", "township"])
def test_bonus_and_special_deductions_sit_outside_the_100(annexes, kind):
    rubric = next(r for r in annexes.rubrics if r.unit_kind == kind)
    got = [(r.scope, r.kind, r.points, r.condition) for r in rubric.adjustment_rules]
    assert got == ADJUSTMENTS
    bonus = [r for r in rubric.adjustment_rules if r.scope == RuleScope.BONUS]
    # 省级 5 or 市级 3: alternatives of one group.
    assert {r.group for r in bonus} == {"依法行政示范单位"}
    assert "省级依法行政示范单位" in rubric.bonus_text


def test_shortfall_rule_parameters_and_platform_source(department_parsed):
    item = department_parsed.categories[2].items[1]
    (rule,) = item.rules
    assert (rule.kind, rule.quota, rule.periods, rule.period, rule.points) == (
        RuleKind.PER_SHORTFALL,
        2,
        12,
        "月",
        D("0.2"),
    )
    assert rule.source == parsing.SOURCE_REPORTS_PER_MONTH
    summary_rule = department_parsed.categories[5].items[1].rules[2]
    assert summary_rule.condition == "未报送工作总结的" and summary_rule.source == parsing.SOURCE_SUMMARY_MISSING


def test_rule_conditions_are_the_printed_situations(department_parsed):
    law_enforcement = department_parsed.categories[3].items[0]
    assert [r.condition for r in law_enforcement.rules] == [
        "未持证上岗的",
        "未建立健全相关制度机制的",
        "未组织案卷评查的",
        "发现实体或程序不规范的",
        "未报送的",  # 并向区政府法制办报送未报送的扣2分: the lost full stop before 未报送的
        "报送不符合要求的",
    ]
    assert law_enforcement.rules[2].text == "未组织案卷评查的,扣2分"
    service = department_parsed.categories[1].items[1]
    assert [r.condition for r in service.rules] == ["被行业主管部门通报批评的", "受到群众举报的"]


def test_warnings_name_the_quirks_of_the_printed_tables(annexes, department_parsed, township_parsed):
    assert any("缺少左括号" in w and "10分" in w for w in township_parsed.warnings)
    assert any("序号3重复" in w for w in department_parsed.warnings)
    assert sum("酌情扣分" in w for w in department_parsed.warnings) == 6


def test_the_closing_note_gives_the_window(annexes):
    assert annexes.window == (dt.date(2017, 12, 1), dt.date(2017, 12, 10))
    assert annexes.notes.startswith("考核内容主要包括")


@pytest.mark.parametrize(
    ("kind", "title", "headings"),
    [
        (
            "department",
            "广元市昭化区2017年部门法治政府建设目标责任书",
            ["落实第一责任人责任", "坚持重大决策程序", "加强政府职能转变", "提升行政执法水平", "依法化解行政争议",
             "加强规范性文件监管", "强化政务信息公开", "提升依法行政的意识和能力", "依法接受监督", "落实保障措施"],
        ),
        (
            "township",
            "广元市昭化区2017年乡镇(街道)法治政府建设目标责任书",
            ["落实第一责任人责任", "坚持重大决策程序", "依法化解行政争议", "加强规范性文件监管", "强化政务信息公开",
             "提升依法行政的意识和能力", "依法接受监督", "落实保障措施"],
        ),
    ],
)  # fmt: skip
def test_responsibility_statements(annexes, kind, title, headings):
    statement = next(s for s in annexes.statements if s.unit_kind == kind)
    assert statement.title == title
    assert [c.heading for c in statement.clauses] == headings
    assert [c.number for c in statement.clauses] == [str(n) for n in range(1, len(headings) + 1)]
    assert statement.clauses[0].text.startswith("建立法治政府建设第一责任人职责清单")


@pytest.mark.parametrize(
    ("text", "max_points", "expected"),
    [
        ("未建立健全相关制度机制,扣2分。", 10, [(FIX, 2, "未建立健全相关制度机制")]),
        ("职权未进行网上网下运行的,扣10分;运行情况不好的,酌情扣分。", 10,
         [(ALL, 10, "职权未进行网上网下运行的"), (DISC, 10, "运行情况不好的")]),
        ("不出庭应诉的,一次扣5分。", 10, [(OCC, 5, "不出庭应诉的")]),
        ("出现一起扣3分", 15, [(OCC, 3, "")]),
        ("每季度报送1篇以上,每少报送1篇的,扣0.5分。", 2, [(SHORT, D("0.5"), "每季度报送1篇以上")]),
        ("未按时完成区政府年度工作任务的,一次扣1分。", 5, [(OCC, 1, "未按时完成区政府年度工作任务的")]),
        ("执行规范性文件合法性审查制度。", 5, []),
    ],
)  # fmt: skip
def test_rule_parser_table(text, max_points, expected):
    rules = parsing.parse_rules(text, max_points=D(max_points))
    assert [(r.kind, r.points, r.condition) for r in rules] == expected


def test_overdue_tasks_rule_takes_its_fact_from_the_platform():
    (rule,) = parsing.parse_rules("未按时完成区政府年度工作任务的,一次扣1分。", max_points=D(5))
    assert rule.source == parsing.SOURCE_OVERDUE_TASKS


def test_sums_that_do_not_add_up_are_named():
    lines = ["一、依法科学民主决策(15)", "1.遵守行政决策程序(10分)", "未建立健全相关制度机制,扣2分。",
             "2.规范性文件审查、报备(4分)", "执行规范性文件合法性审查制度。",
             "二、加强政府职能转变(80分)", "1.行政审批(80分)", "继续深化。"]  # fmt: skip
    rubric = parsing.parse_rubric_lines(lines, title="区级各部门2017年度法治政府建设考核评分细则")
    assert rubric.sum_errors() == [
        "一、依法科学民主决策:各项合计10+4=14分,与类别分值15分不符",
        "各类别合计15+80=95分,应为100分",
    ]


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("区级各部门2017年度法治政府建设考核评分细则", "department", 2017),
        ("各乡镇(街道)2017年度法治政府建设考核评分细则", "township", 2017),
        ("广元市昭化区2017年部门法治政府建设目标责任书", "department", 2017),
        ("考核评分细则", None, None),
    ],
)
def test_titles_tell_unit_kind_and_year(title, kind, year):
    assert parsing.unit_kind_from_title(title) == kind
    assert parsing.year_from_title(title) == year
