"""Table-driven tests of the parsing rules: unit parentheses, deadlines, targets and document structure.
Pure functions; no database, no clock."""

from __future__ import annotations

from datetime import date

import pytest

from plans.importing import is_group_phrase, next_due, parse_document
from plans.importing.deadlines import extract_deadlines
from plans.importing.parser import split_clauses, task_heading
from plans.importing.targets import extract_targets
from plans.importing.units import GROUP_PHRASES, find_groups, parse_assignment, split_unit_names

L, C, R = "lead", "cooperating", "responsible"

# --- units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "牵头单位:区编办、区法制办,配合单位:区政府各部门和各镇、街",
            [("区编办", L), ("区法制办", L), ("区政府各部门", C), ("各镇街", C)],
        ),
        ("牵头单位:区编办", [("区编办", L)]),
        (
            "牵头单位:区司法局,配合单位:区政府有关部门和各镇、街配合",
            [("区司法局", L), ("区政府有关部门", C), ("各镇街", C)],
        ),
        ("牵头单位:区政府各部门和各镇、街", [("区政府各部门", L), ("各镇街", L)]),
        (
            "牵头单位:区司法局、区人力资源和社会保障局和区法制办",
            [("区司法局", L), ("区人力资源和社会保障局", L), ("区法制办", L)],
        ),
        ("牵头单位:行政决策起草和主办部门", [("行政决策起草和主办部门", L)]),
        ("区编办牵头,各有关部门配合", [("区编办", L), ("各有关部门", C)]),
        ("区民政和外事侨务局(民政)牵头,团区委配合", [("区民政和外事侨务局(民政)", L), ("团区委", C)]),
        ("区委办(区府办)牵头,区法制办配合", [("区委办(区府办)", L), ("区法制办", C)]),
        (
            "区法制办、政务监察和审计局(监察)负责,各有关部门配合",
            [("区法制办", R), ("政务监察和审计局(监察)", R), ("各有关部门", C)],
        ),
        (
            "区依法治区办牵头,信访局、法制办等有关部门配合",
            [("区依法治区办", L), ("信访局", C), ("法制办", C), ("有关部门", C)],
        ),
        ("责任单位:区级相关部门,各乡镇(街道)", [("区级相关部门", R), ("各乡镇(街道)", R)]),
        ("责任单位:区政府办、区委编办、区发改局", [("区政府办", R), ("区委编办", R), ("区发改局", R)]),
        ("区法制办负责", [("区法制办", R)]),
        ("区财政局及区审计局负责", [("区财政局", R), ("区审计局", R)]),
        ("区卫生和人口计划生育局(卫生)牵头", [("区卫生和人口计划生育局(卫生)", L)]),
    ],
)
def test_unit_parenthesis(content, expected):
    mentions = parse_assignment(content)
    assert [(mention.name, str(mention.role)) for mention in mentions] == expected


@pytest.mark.parametrize(
    "content",
    [
        "街道",
        "区府办",
        "2015—2020年",
        "办公会",
        "党组",
        "村",
        "以下简称“三项制度”",
        "各单位要认真研究,切实负起责任并抓好落实",
    ],
)
def test_not_a_unit_parenthesis(content):
    assert parse_assignment(content) is None


@pytest.mark.parametrize(
    ("segment", "names"),
    [
        ("区发展改革局、区科工商信局和区市场监管局", ["区发展改革局", "区科工商信局", "区市场监管局"]),
        ("区政府有关部门、各镇、街", ["区政府有关部门", "各镇街"]),
        ("区人力资源和社会保障局", ["区人力资源和社会保障局"]),
        ("国土城建和水务局(水务)、法制办", ["国土城建和水务局(水务)", "法制办"]),
        ("区委和区政府", ["区委", "区政府"]),
    ],
)
def test_split_unit_names(segment, names):
    assert split_unit_names(segment) == names


@pytest.mark.parametrize(
    ("name", "is_group"),
    [
        ("各镇街", True),
        ("区政府各部门", True),
        ("区政府有关部门", True),
        ("各有关部门", True),
        ("区级相关部门", True),
        ("各乡镇(街道)", True),
        ("各镇(街道)", True),
        ("有关部门", True),
        ("区级各部门", True),
        ("区编办", False),
        ("区人力资源和社会保障局", False),
        ("行政决策起草和主办部门", True),  # a role (whoever drafts the decision), not one department
        ("区政务中心", False),
    ],
)
def test_group_phrases(name, is_group):
    assert is_group_phrase(name) is is_group


def test_group_phrase_list_is_canonical():
    assert "各镇街" in GROUP_PHRASES
    assert all(is_group_phrase(phrase) for phrase in GROUP_PHRASES)


def test_find_groups_survives_stray_and_nested_brackets():
    text = "各镇道)资源配置(区发展规划和统计局(发改)牵头,区委办(区府办)配合)"
    assert [inner for _, _, inner in find_groups(text)] == ["区发展规划和统计局(发改)牵头,区委办(区府办)配合"]
    assert find_groups("未闭合(的括号") == []


# --- clauses --------------------------------------------------------------------------------------


def test_clauses_split_after_each_unit_parenthesis():
    text = "甲工作(牵头单位:区编办)。乙工作,镇(街)落实(区法制办负责)。"
    clauses = split_clauses(text)
    assert [(clause.text, [unit.name for unit in clause.units]) for clause in clauses] == [
        ("甲工作", ["区编办"]),
        ("乙工作,镇(街)落实", ["区法制办"]),
    ]


def test_text_without_units_is_one_clause_and_trailing_text_is_kept():
    assert [(clause.text, clause.units) for clause in split_clauses("加强学习。深入调研。")] == [
        ("加强学习。深入调研", [])
    ]
    clauses = split_clauses("甲工作(区编办负责)。乙工作另行安排。")
    assert [clause.text for clause in clauses] == ["甲工作", "乙工作另行安排"]
    assert clauses[1].units == []


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("健全完善政府机构职能。优化政府组织结构。", "健全完善政府机构职能"),
        (
            "依法全面履行政府职能,落实行政组织和行政程序法律制度,推进机构、职能法定化。",
            "依法全面履行政府职能",
        ),
        ("完善和规范本区行政执法行为(区法制办负责)", "完善和规范本区行政执法行为"),
    ],
)
def test_task_heading(text, heading):
    assert task_heading(text) == heading


# --- deadlines ------------------------------------------------------------------------------------

ISSUED = date(2017, 5, 31)


@pytest.mark.parametrize(
    ("text", "phrase", "due"),
    [
        ("到2016年底,基本完成权责清单的公布", "到2016年底", date(2016, 12, 31)),
        ("2017年底前完成清理工作", "2017年底前", date(2017, 12, 31)),
        ("2017年年底前完成", "2017年年底前", date(2017, 12, 31)),
        ("2017年6月底前出台", "2017年6月底前", date(2017, 6, 30)),
        ("2018年2月底前出台", "2018年2月底前", date(2018, 2, 28)),
        ("2017年12月20日前评选2个以上案例", "2017年12月20日前", date(2017, 12, 20)),
        ("12月20日前报送", "12月20日前", date(2017, 12, 20)),
        ("上半年完成试点", "上半年", date(2017, 6, 30)),
        ("2018年上半年完成", "2018年上半年", date(2018, 6, 30)),
        ("年底区政府成功创建", "年底", date(2017, 12, 31)),
        ("今年年底前完成", "今年年底前", date(2017, 12, 31)),
        ("9月初前部署", "9月初前", date(2017, 9, 10)),
        ("到2025年全面建成", "到2025年", date(2025, 12, 31)),
        ("2018年第三季度末前上线", "2018年第三季度末", date(2018, 9, 30)),
        ("截至2018年6月30日", "截至2018年6月30日", date(2018, 6, 30)),
    ],
)
def test_one_off_deadlines(text, phrase, due):
    (deadline,) = extract_deadlines(text, plan_year=2017, reference=ISSUED)[0]
    assert (deadline.text, deadline.due, deadline.recurrence, deadline.next_due) == (phrase, due, None, due)


@pytest.mark.parametrize(
    ("text", "recurrence", "next_due_on"),
    [
        ("每年第一季度向区政府报告", {"rule": "yearly", "quarter": 1}, date(2018, 3, 31)),
        ("每年3月初报送计划", {"rule": "yearly", "month": 3, "part": "early"}, date(2018, 3, 10)),
        ("每年年底前报送总结", {"rule": "yearly", "month": 12, "part": "end"}, date(2017, 12, 31)),
        ("每年6月底前报送", {"rule": "yearly", "month": 6, "part": "end"}, date(2017, 6, 30)),
        ("每年12月10日前提交", {"rule": "yearly", "month": 12, "day": 10}, date(2017, 12, 10)),
        ("每年上半年开展一次", {"rule": "yearly", "half": 1}, date(2017, 6, 30)),
        ("每季度末报送进度", {"rule": "quarterly"}, date(2017, 6, 30)),
        ("每月5日前报送信息", {"rule": "monthly", "day": 5}, date(2017, 6, 5)),
    ],
)
def test_recurring_deadlines(text, recurrence, next_due_on):
    (deadline,) = extract_deadlines(text, plan_year=2017, reference=ISSUED)[0]
    assert deadline.due is None
    assert deadline.recurrence == recurrence
    assert deadline.next_due == next_due_on


def test_next_year_is_recurring_beside_every_year_and_one_off_alone():
    (_, summaries_due), _ = extract_deadlines(
        "计划于每年3月初、总结于次年3月初前报送", plan_year=2016, reference=date(2016, 8, 15)
    )
    assert summaries_due.recurrence == {"rule": "yearly", "month": 3, "part": "early", "year_offset": 1}
    (alone,), _ = extract_deadlines("次年3月底前完成评估", plan_year=2016, reference=date(2016, 8, 15))
    assert alone.due == date(2017, 3, 31)


@pytest.mark.parametrize(
    "text",
    [
        "创建成2017年“三项制度”试点单位",
        "积极开展2017年度示范创建活动",
        "2016年8月15日印发",
        "每年主动向区人大常委会报告",
        "13月底前",
    ],
)
def test_not_deadlines(text):
    assert extract_deadlines(text, plan_year=2017, reference=ISSUED)[0] == []


def test_yearless_deadline_without_plan_year_is_reported():
    found, yearless = extract_deadlines("12月20日前报送", plan_year=None, reference=None)
    assert found == []
    assert yearless == ["12月20日前"]


@pytest.mark.parametrize(
    ("recurrence", "on_or_after", "expected"),
    [
        ({"rule": "yearly", "quarter": 1}, date(2017, 3, 31), date(2017, 3, 31)),  # inclusive
        ({"rule": "yearly", "quarter": 1}, date(2017, 4, 1), date(2018, 3, 31)),
        ({"rule": "yearly", "month": 2, "part": "end"}, date(2020, 2, 1), date(2020, 2, 29)),
        ({"rule": "yearly", "month": 3, "part": "mid"}, date(2017, 1, 1), date(2017, 3, 20)),
        ({"rule": "yearly", "half": 2}, date(2017, 7, 1), date(2017, 12, 31)),
        ({"rule": "monthly", "day": 5}, date(2017, 12, 6), date(2018, 1, 5)),
        ({"rule": "quarterly"}, date(2017, 11, 2), date(2017, 12, 31)),
    ],
)
def test_next_due(recurrence, on_or_after, expected):
    assert next_due(recurrence, on_or_after) == expected


# --- targets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "measure", "period", "per", "comparison"),
    [
        ("区政府每年安排常务会(办公会)会前学法不少于4次", 4, "次", "year", None, "at_least"),
        ("确保每人每年接受不少于60学时的业务知识培训", 60, "学时", "year", "person", "at_least"),
        ("向区政府法制办每月报送 2条以上法治政府信息", 2, "条", "month", None, "at_least"),
        ("保证有2名以上工作人员从事依法行政工作", 2, "名", None, None, "at_least"),
        ("办理时限不超过3个工作日", 3, "个工作日", None, None, "at_most"),
        ("每季度至少召开1次联席会议", 1, "次", "quarter", None, "at_least"),
        ("网上办理率达到90%", 90, "%", None, None, "at_least"),
        ("人均培训不少于1.5天", 1.5, "天", None, "person", "at_least"),
    ],
)
def test_targets(text, value, measure, period, per, comparison):
    (target,) = extract_targets(text)
    assert (target.value, target.measure, target.period, target.per, target.comparison) == (
        value,
        measure,
        period,
        per,
        comparison,
    )


@pytest.mark.parametrize("text", ["2017年度示范创建", "完成立法5件", "第15期", "扣2分"])
def test_not_targets(text):
    assert extract_targets(text) == []


# --- structure ------------------------------------------------------------------------------------

SMALL_PLAN = """某府办〔2020〕7号
某区人民政府办公室
二〇二〇年三月五日
某区2020年法治政府建设工作要点
一、主要任务
(一)完善制度
1.清理规范性文件(区司法局负责)
2.公开权责清单
3.推进执法公示(区司法局牵头,各镇街配合)。开展执法检查
5.编号跳过的任务(区政务办负责)
二、保障措施
(一)加强领导。各单位每年1月底前制定计划。
附件:1.任务分解表
2.考核细则
附件1
任务分解表
序号
任务
1
不是任务的一行
附件2
考核细则
"""


def test_small_plan_structure_and_warnings():
    document = parse_document(SMALL_PLAN)
    assert document.issued == date(2020, 3, 5)  # a date in Chinese numerals
    assert document.doc_number == "某府办〔2020〕7号"
    assert document.plan_kind == "key_points"
    assert (document.period.start, document.period.end) == (2020, 2020)
    assert [task.path for task in document.tasks] == ["一/(一)/1", "一/(一)/2", "一/(一)/3", "一/(一)/5"]
    codes = [(warning.code, warning.path) for warning in document.warnings]
    assert ("task_without_units", "一/(一)/2") in codes
    assert ("clause_without_units", "一/(一)/3") in codes
    assert ("numbering_gap", "一/(一)/5") in codes
    (requirement,) = document.requirements
    assert requirement.deadlines[0].recurrence == {"rule": "yearly", "month": 1, "part": "end"}
    assert [(annex.number, annex.title, annex.lines) for annex in document.annexes] == [
        (1, "任务分解表", ["序号", "任务", "1", "不是任务的一行"]),
        (2, "考核细则", []),
    ]


def test_parenthesised_numbers_are_tasks_when_there_are_no_dotted_ones():
    document = parse_document("某区工作方案\n一、主要任务\n(1)甲任务(区编办负责)\n(2)乙任务(区财政局负责)\n")
    assert [task.path for task in document.tasks] == ["一/(1)", "一/(2)"]
    assert [task.number for task in document.tasks] == ["1", "2"]


def test_parenthesised_numbers_inside_dotted_tasks_are_text():
    document = parse_document("某区工作方案\n一、主要任务\n1.甲任务,包括:\n(1)第一点;\n(2)第二点(区编办负责)\n")
    (task,) = document.tasks
    assert task.text == "甲任务,包括:\n(1)第一点;\n(2)第二点(区编办负责)"
    assert task.units[0].name == "区编办"


def test_duplicate_numbers_get_unique_paths():
    document = parse_document("某区工作方案\n一、主要任务\n1.甲(区编办负责)\n1.乙(区编办负责)\n")
    assert [task.path for task in document.tasks] == ["一/1", "一/1#2"]
    assert "duplicate_task_number" in [warning.code for warning in document.warnings]


def test_a_closing_title_before_any_task_still_holds_tasks():
    document = parse_document(
        "某区工作方案\n一、加强组织领导\n1.成立领导小组(区政府办负责)\n二、工作要求\n按时报送。\n"
    )
    assert [task.path for task in document.tasks] == ["一/1"]
    assert [section.role for section in document.sections] == ["tasks", "requirements"]


def test_a_notice_sending_the_plan_as_its_annex_and_a_trailing_signature():
    text = """关于印发某区法治政府建设实施方案的通知
各镇人民政府,区直各部门:
现将《某区法治政府建设实施方案》印发给你们,请认真贯彻执行。
附件:某区法治政府建设实施方案
某区法治政府建设实施方案
一、主要任务
1.健全制度(区司法局负责)。
附件1所列事项由各单位落实。
- 2 -
2.公开清单(区政务办负责)
(此件公开发布)
某区人民政府办公室
2021年3月1日
"""
    document = parse_document(text)
    assert document.title == "某区法治政府建设实施方案"
    assert [task.path for task in document.tasks] == ["一/1", "一/2"]
    assert document.tasks[0].text == "健全制度(区司法局负责)。\n附件1所列事项由各单位落实。"  # not an annex
    assert document.tasks[1].text == "公开清单(区政务办负责)"  # the signature is not part of the last task
    assert document.issued == date(2021, 3, 1)
    assert document.issuer == "某区人民政府办公室"
    assert document.annexes == []


def test_a_plan_without_headings_still_has_tasks():
    document = parse_document("某区2024年法治政府建设工作要点\n1.健全制度(区司法局负责)\n2.公开清单(区政务办负责)\n")
    assert [(task.path, task.section_path) for task in document.tasks] == [("1", ""), ("2", "")]
    assert document.sections == []
