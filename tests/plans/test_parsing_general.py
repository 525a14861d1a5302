"""The plan importer on the shapes districts actually publish, not only the five seeds.

Issue: "Plan import reads what districts actually publish, not only our five seeds". Every document here
is small and invented (unit names included), one per rule: the outline read to any depth with the task
level chosen per document, units written every common way, and the document's kind. No database.
"""

from __future__ import annotations

import pytest

from plans.importing import DocumentError, Role, classify, ensure_importable, normalize_document, parse_bytes
from plans.importing import parse_document as parse

L, C, R = Role.LEAD, Role.COOPERATING, Role.RESPONSIBLE


def units_by_role(task) -> dict[Role, list[str]]:
    found: dict[Role, list[str]] = {}
    for unit in task.units:
        found.setdefault(unit.role, []).append(unit.name)
    return found


# --- the outline and the task level ---------------------------------------------------------------


def test_tasks_are_paragraphs_under_top_headings():
    """(一) paragraphs with no numbered children are the tasks; units stand on their own line below."""
    document = parse(
        """青石县2024年法治政府建设工作安排
一、依法履行政府职能
(一)深化行政审批改革。全面推行告知承诺制,压减办理时限。
责任单位:县审批服务局
(二)优化营商环境。清理妨碍公平竞争的政策措施,6月底前完成。
牵头单位:县市场监管局
配合单位:县发改局、县司法局
二、推进严格规范公正文明执法
(一)规范执法行为。全面落实行政执法三项制度(县司法局牵头,各执法部门配合)。
三、保障措施
(一)加强组织领导。各单位主要负责人履行第一责任人职责。
"""
    )
    assert document.kind == "plan"
    assert document.task_level == "(一)"
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)", "二/(一)"]
    assert units_by_role(document.tasks[0]) == {R: ["县审批服务局"]}
    assert units_by_role(document.tasks[1]) == {L: ["县市场监管局"], C: ["县发改局", "县司法局"]}
    assert units_by_role(document.tasks[2]) == {L: ["县司法局"], C: ["各执法部门"]}
    assert document.tasks[1].deadlines and document.tasks[1].deadlines[0].text == "6月底前"
    assert [requirement.title for requirement in document.requirements] == ["加强组织领导"]
    assert [section.role for section in document.sections] == ["tasks", "tasks", "requirements"]


def test_unit_lines_belong_to_the_task_above_and_are_never_tasks():
    document = parse(
        """某区法治政府建设工作要点
一、重点任务
1.健全规范性文件审核机制。
牵头单位:区司法局
配合单位:区政府办公室
2.推进政务公开标准化。
责任单位:区政务服务中心
"""
    )
    assert [task.number for task in document.tasks] == ["1", "2"]
    (clause,) = document.tasks[0].clauses
    assert clause.text == "健全规范性文件审核机制"
    assert units_by_role(document.tasks[0]) == {L: ["区司法局"], C: ["区政府办公室"]}
    assert units_by_role(document.tasks[1]) == {R: ["区政务服务中心"]}
    assert not [warning for warning in document.warnings if warning.code == "task_without_units"]


def test_four_levels_deep_tasks_at_parenthesised_numbers():
    """一、 / (一) / 1. headings / (1) items: the 1. lines are titles only, the (1) items carry the work."""
    document = parse(
        """某市法治政府建设实施方案(2021-2025年)
一、总体要求
到2025年,政府行为全面纳入法治轨道。
二、主要任务
(一)健全政府机构职能体系
1.推进政府机构职能优化
(1)规范行政权力运行。优化职能配置,严格机构编制管理(市委编办负责)。
(2)深化权责清单管理。健全职责争议解决机制(市委编办牵头,市司法局配合)。
2.深入推进放管服改革
(1)推行告知承诺制。2022年底前实现全覆盖(市政务服务局负责)。
(二)完善依法行政制度体系
1.加强重点领域立法
(1)制定年度立法计划(市司法局负责)。
三、组织保障
(一)加强领导。各级政府要把法治政府建设摆在全局工作的重要位置。
"""
    )
    assert document.task_level == "(1)"
    assert [task.path for task in document.tasks] == [
        "二/(一)/1/(1)",
        "二/(一)/1/(2)",
        "二/(一)/2/(1)",
        "二/(二)/1/(1)",
    ]
    two = document.sections[1]
    assert [child.label for child in two.children] == ["(一)", "(二)"]
    assert [grandchild.title for grandchild in two.children[0].children] == [
        "推进政府机构职能优化",
        "深入推进放管服改革",
    ]
    assert units_by_role(document.tasks[1]) == {L: ["市委编办"], C: ["市司法局"]}
    assert document.tasks[2].deadlines[0].due.isoformat() == "2022-12-31"
    assert [section.role for section in document.sections] == ["other", "tasks", "requirements"]


def test_numbering_that_restarts_and_numbering_that_runs_through_give_unique_paths():
    restart = parse(
        "某区工作方案\n一、甲组\n1.甲一(区司法局负责)\n2.甲二(区司法局负责)\n二、乙组\n1.乙一(区财政局负责)\n"
    )
    through = parse(
        "某区工作方案\n一、甲组\n1.甲一(区司法局负责)\n2.甲二(区司法局负责)\n二、乙组\n3.乙一(区财政局负责)\n"
    )
    assert [task.path for task in restart.tasks] == ["一/1", "一/2", "二/1"]
    assert [task.path for task in through.tasks] == ["一/1", "一/2", "二/3"]
    for document in (restart, through):
        assert document.task_level == "1."
        assert not [warning for warning in document.warnings if warning.code == "numbering_gap"]


@pytest.mark.parametrize("marker", ["1.", "1、", "1.、"])
def test_item_punctuation_variants_are_one_level(marker):
    second = marker.replace("1", "2")
    document = parse(f"某区工作方案\n一、任务\n{marker}健全制度(区司法局负责)\n{second}公开清单(区政务办负责)\n")
    assert [task.number for task in document.tasks] == ["1", "2"]
    assert document.task_level == "1."


def test_full_width_numbering_is_read_as_half_width():
    document = parse(
        "某区工作方案\n一、主要任务\n（一）健全制度。建立审核机制（区司法局负责）。\n（二）公开清单。按季度更新（区政务办负责）。\n"
    )
    assert document.task_level == "(一)"
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]
    assert document.tasks[1].units[0].name == "区政务办"
    full_width_digits = parse(
        "某区工作方案\n一、主要任务\n１．健全制度（区司法局负责）\n２．公开清单（区政务办负责）\n"
    )
    assert [task.number for task in full_width_digits.tasks] == ["1", "2"]


def test_run_in_first_second_are_clauses_of_one_task_not_tasks():
    document = parse(
        "某区工作要点\n一、主要任务\n(一)提升执法水平。一是开展执法培训(区司法局负责);"
        "二是推行执法公示(区城管局负责);三是组织案卷评查。\n(二)推进政务公开(区政府办负责)。\n"
    )
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]
    first = document.tasks[0]
    assert [[unit.name for unit in clause.units] for clause in first.clauses] == [["区司法局"], ["区城管局"], []]
    assert first.clauses[1].text.startswith("二是推行执法公示")


def test_sub_points_introduced_by_a_colon_stay_inside_their_task():
    document = parse(
        "某区工作方案\n一、主要任务\n1.规范执法行为,重点做好:\n(1)执法公示;\n(2)全过程记录;\n(3)法制审核(区司法局负责)。\n"
        "2.完善复议制度:\n(1)畅通申请渠道;\n(2)加强应诉(区司法局负责)。\n"
    )
    assert document.task_level == "1."
    assert [task.path for task in document.tasks] == ["一/1", "一/2"]
    assert "(2)全过程记录;" in document.tasks[0].text


def test_a_fragment_from_the_middle_of_a_plan_still_yields_its_tasks():
    document = parse(
        "93.开展行政执法案卷评查(区司法局负责)。\n94.落实行政执法责任制(区司法局牵头,各执法部门配合)。\n"
        "95.推进行政复议体制改革,2025年底前完成(区司法局负责)。\n五、保障措施\n(一)加强组织领导。定期研究。\n"
    )
    assert document.kind == "plan"
    assert [task.path for task in document.tasks] == ["93", "94", "95"]
    assert document.task_level == "1."
    assert [requirement.title for requirement in document.requirements] == ["加强组织领导"]
    assert document.tasks[2].deadlines[0].due.isoformat() == "2025-12-31"


def test_articles_are_tasks_when_they_are_the_only_numbering():
    document = parse(
        "某区2024年依法行政工作要点\n第一条 健全重大行政决策程序(区司法局负责)。\n第二条 推行政务公开(区政府办负责)。\n"
        "第三条 加强执法监督(区司法局牵头,区城管局配合)。\n"
    )
    assert document.task_level == "第一条"
    assert [task.number for task in document.tasks] == ["一", "二", "三"]
    assert units_by_role(document.tasks[2]) == {L: ["区司法局"], C: ["区城管局"]}


def test_circled_numbers_under_items():
    document = parse(
        "某区工作方案\n一、主要任务\n1.推进执法规范化\n①制定裁量基准(区司法局负责)\n②开展案卷评查(区司法局负责)\n"
        "2.推进政务公开\n①更新公开目录(区政府办负责)\n"
    )
    assert document.task_level == "①"
    assert [task.path for task in document.tasks] == ["一/1/①", "一/1/②", "一/2/①"]


def test_a_paragraph_without_children_beside_groups_of_items_is_itself_a_task():
    document = parse(
        "某区工作方案\n一、主要任务\n(一)完善制度\n1.清理规范性文件(区司法局负责)\n2.公开权责清单(区编办负责)\n"
        "(二)强化执法监督。开展执法检查,年底前形成报告(区司法局负责)。\n(三)推进政务公开\n1.公开预决算(区财政局负责)\n"
    )
    assert document.task_level == "1."
    assert [task.path for task in document.tasks] == ["一/(一)/1", "一/(一)/2", "一/(二)", "一/(三)/1"]


def test_preface_sections_hold_no_tasks_even_when_numbered():
    document = parse(
        "某区法治政府建设实施方案\n一、总体要求\n(一)指导思想。以法治思想为指导。\n(二)工作目标。到2025年基本建成法治政府。\n"
        "二、主要任务\n(一)健全制度。建立合法性审查机制(区司法局负责)。\n(二)规范执法。推行三项制度(区司法局负责)。\n"
        "三、工作要求\n(一)加强督查。年底前开展督查。\n"
    )
    assert [task.path for task in document.tasks] == ["二/(一)", "二/(二)"]
    assert [section.role for section in document.sections] == ["other", "tasks", "requirements"]


# --- units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ending", "expected"),
    [
        ("(区甲局牵头,区乙局配合)", {L: ["区甲局"], C: ["区乙局"]}),
        ("(牵头单位:区甲局;配合单位:区乙局、区丙办)", {L: ["区甲局"], C: ["区乙局", "区丙办"]}),
        ("(区甲局负责)", {R: ["区甲局"]}),
        ("(区甲局、区乙局牵头,各有关部门按职责分工负责)", {L: ["区甲局", "区乙局"], R: ["各有关部门"]}),
        ("〔责任单位:区甲局〕", {R: ["区甲局"]}),
        ("【牵头单位:区甲局,配合单位:区乙局】", {L: ["区甲局"], C: ["区乙局"]}),
        ("(市监察局等部门负责)", {R: ["市监察局"]}),
        ("(区甲局等5个部门按照各自职责分别负责)", {R: ["区甲局"]}),
    ],
)
def test_unit_parentheses_written_every_common_way(ending, expected):
    document = parse(f"某区工作方案\n一、主要任务\n1.推进某项工作{ending}。\n")
    assert units_by_role(document.tasks[0]) == expected


def test_units_run_in_after_the_task_sentence_and_marked_leads():
    document = parse(
        "某区工作要点\n一、主要任务\n1.健全审核机制。牵头单位:区甲局;配合单位:区乙局。\n"
        "2.推进公开。\n责任单位:区丙办(牵头)、区丁局\n"
    )
    assert units_by_role(document.tasks[0]) == {L: ["区甲局"], C: ["区乙局"]}
    assert document.tasks[0].clauses[0].text == "健全审核机制"
    assert units_by_role(document.tasks[1]) == {L: ["区丙办"], R: ["区丁局"]}


def test_top_headings_are_the_tasks_of_a_short_list_of_key_points():
    document = parse(
        "某区2025年依法行政工作要点\n一、健全决策机制,落实合法性审查(区司法局负责)。\n"
        "二、深化政务公开,年底前更新目录(区政府办负责)。\n三、加强组织领导\n各单位每季度报送进展。\n"
    )
    assert document.task_level == "一、"
    assert [task.path for task in document.tasks] == ["一", "二"]
    assert [(requirement.path, requirement.text) for requirement in document.requirements] == [
        ("三/p1", "各单位每季度报送进展。")
    ]
    assert [section.role for section in document.sections] == ["requirements"]


def test_responsible_units_sharing_the_work_by_their_duties():
    document = parse(
        "某县工作安排\n一、主要任务\n(一)提供法治保障。加强备案审查。\n"
        "责任单位:县政府办公室、县司法局、各有关部门,乡镇人民政府按职责分工分别负责。\n"
    )
    assert units_by_role(document.tasks[0]) == {R: ["县政府办公室", "县司法局", "各有关部门", "乡镇人民政府"]}


def test_traditional_characters_and_wrapped_names_from_a_pdf_copy():
    document = parse(
        "某區法治政府建設工作方案\n一、主要任務\n1.健全行政決策機制(區司法局牽頭,區人力 資源社會保障局配合)。\n"
        "2.規範執法(區城管局負責)。\n3.推行公示(牵 头单位:区司法局)。\n"
    )
    assert units_by_role(document.tasks[0]) == {L: ["区司法局"], C: ["区人力资源社会保障局"]}
    assert units_by_role(document.tasks[1]) == {R: ["区城管局"]}
    assert units_by_role(document.tasks[2]) == {L: ["区司法局"]}


def test_role_phrases_are_kept_as_printed_and_are_groups_not_departments():
    from plans.importing import is_group_phrase

    document = parse("某区工作方案\n一、主要任务\n1.落实合法性审查(行政决策起草和主办部门负责,区司法局配合)。\n")
    assert units_by_role(document.tasks[0]) == {R: ["行政决策起草和主办部门"], C: ["区司法局"]}
    for phrase in ("行政决策起草和主办部门", "行政执法部门", "行业主管部门", "各有关部门", "各乡镇(街道)"):
        assert is_group_phrase(phrase), phrase
    for name in ("区司法局", "区人力资源和社会保障局", "区政务服务中心", "区委宣传部"):
        assert not is_group_phrase(name), name


# --- what the document is -------------------------------------------------------------------------

RUBRIC = """某区2023年度法治政府建设考核评分细则
考核项目
考核内容
分值
评分标准
一、依法决策(20分)
1.重大决策经合法性审查
10
未经审查的每件扣2分,扣完为止
2.决策公开征求意见
10
未征求意见扣5分
二、规范执法(30分)
3.落实三项制度
15
未落实的扣3分
得分
"""

REPORT = """某区2023年法治政府建设工作总结
2023年,我区坚持以法治思想为指导,法治政府建设取得了明显成效。
一、主要工作
(一)依法决策。一年来,全区审查重大决策事项12件,办理行政复议案件45件。
(二)规范执法。组织执法培训8场,培训执法人员600人次。
二、存在的问题
一是执法队伍专业化水平不高;二是基层法治力量薄弱。
三、2024年工作安排
一是健全制度(区司法局负责);二是加强培训;三是深化公开。
"""


def test_a_rubric_is_classified_and_refused_with_its_reason():
    document = parse(RUBRIC)
    assert document.kind == "rubric"
    assert document.tasks == []
    assert "考核评分细则" in document.kind_reason and "扣" in document.kind_reason
    with pytest.raises(DocumentError) as caught:
        ensure_importable(parse_bytes(RUBRIC.encode(), "细则.txt"))
    assert caught.value.code == "not_a_plan"
    assert caught.value.message.startswith("这份文件看起来是考核评分细则,不是工作规划:")
    assert caught.value.message.endswith("请到考核细则导入页上传。")
    assert caught.value.details == {"kind": "rubric", "reason": document.kind_reason}


def test_a_work_summary_with_next_year_arrangements_is_a_report():
    document = parse(REPORT)
    assert document.kind == "report"
    assert document.tasks == []
    assert "总结" in document.kind_reason
    assert ensure_importable(parse_bytes(REPORT.encode(), "总结.txt")).kind == "report"  # kept as reference


def test_a_report_without_a_telling_title_is_known_by_its_body():
    untitled = REPORT.replace("某区2023年法治政府建设工作总结\n", "")
    kind, reason = classify(normalize_document(untitled))
    assert kind == "report"
    assert "一年来" in reason or "存在的问题" in reason


def test_a_rubric_without_a_title_is_known_by_its_scores():
    kind, reason = classify(normalize_document(RUBRIC.split("\n", 1)[1]))
    assert kind == "rubric"
    assert "扣" in reason


def test_a_plan_with_rubric_annexes_is_a_plan():
    text = "某区2024年度法治政府建设工作安排\n一、主要任务\n1.健全制度(区司法局负责)。\n附件1\n" + RUBRIC
    document = parse(text)
    assert document.kind == "plan"
    assert [task.path for task in document.tasks] == ["一/1"]
    assert "工作安排" in document.kind_reason


def test_other_text_is_refused_as_having_no_tasks():
    with pytest.raises(DocumentError) as caught:
        parse_bytes("关于召开座谈会的通知\n请各单位派员参加。".encode(), "通知.txt")
    assert caught.value.code == "no_tasks"
    assert caught.value.details["kind"] == "other"


def test_a_regulation_with_articles_is_other_and_refused():
    text = "某区行政规范性文件管理办法\n第一条 为规范管理,制定本办法。\n第二条 区司法局负责审核。\n"
    document = parse(text)
    assert document.kind == "other"
    assert "办法" in document.kind_reason
    with pytest.raises(DocumentError) as caught:
        ensure_importable(parse_bytes(text.encode(), "办法.txt"))
    assert caught.value.code == "not_a_plan"
    assert caught.value.message.startswith("这份文件看起来不是工作规划:标题以“办法”结尾")


def test_task_level_and_kind_are_in_the_json():
    data = parse("某区工作方案\n一、主要任务\n(一)健全制度(区司法局负责)。\n").to_dict()
    assert data["task_level"] == "(一)"
    assert data["kind"] == "plan"
    assert data["kind_reason"].startswith("标题含“")


# --- h-parser2: shapes from the corpus misses and documents 27–34 -----------------------------------


@pytest.mark.parametrize(
    "items",
    [
        # on their own lines, the units after the last one
        "1.深化改革。\n①推行告知承诺制;\n②清理中介服务;\n③推进证照分离。(县审批局牵头,县市场监管局配合)\n"
        "2.规范执法。\n①公示执法信息;\n②配备记录设备。(县司法局负责)\n",
        # run in
        "1.深化改革。①推行告知承诺制;②清理中介服务;③推进证照分离。(县审批局牵头,县市场监管局配合)\n"
        "2.规范执法。①公示执法信息;②配备记录设备。(县司法局负责)\n",
    ],
)
def test_circled_items_closed_by_one_unit_parenthesis_are_sub_points_of_their_task(items):
    document = parse("某县法治政府建设工作方案\n一、重点任务\n" + items + "二、保障措施\n①加强领导;②加强督导。\n")
    assert document.task_level == "1."
    assert [task.path for task in document.tasks] == ["一/1", "一/2"]
    assert units_by_role(document.tasks[0]) == {L: ["县审批局"], C: ["县市场监管局"]}
    assert "③推进证照分离" in document.tasks[0].text


def test_sub_points_without_units_of_their_own_under_a_parenthesised_level_are_not_tasks():
    """The same rule at (1): one unit parenthesis after the last sub-point belongs to the whole item."""
    document = parse(
        "某区工作方案\n一、主要任务\n1.推进公开\n(1)更新目录;\n(2)公开预决算。(区政府办牵头,区财政局配合)\n"
        "2.规范执法\n(1)公示信息;\n(2)全过程记录。(区司法局负责)\n"
    )
    assert [task.path for task in document.tasks] == ["一/1", "一/2"]


def test_unit_parentheses_labels_and_lists_wrapped_by_a_pdf_copy():
    document = parse(
        "某县工作方案\n一、主要任务\n1.加强培训。全年举办培训班不少于2期。(县委组\n织部、县司法局牵\n头,县委党校配合)\n"
        "2.推进公开。每月更新公开内容。牵\n头单位:县政府办公室\n配合单位:县应急管理局、县生\n态环境分局\n"
        "3.规范检查。推行综合查一次。\n— 2 —\n责任单位:县市场监管局\n"
    )
    assert units_by_role(document.tasks[0]) == {L: ["县委组织部", "县司法局"], C: ["县委党校"]}
    assert units_by_role(document.tasks[1]) == {L: ["县政府办公室"], C: ["县应急管理局", "县生态环境分局"]}
    assert units_by_role(document.tasks[2]) == {R: ["县市场监管局"]}


def test_a_site_footer_naming_its_owner_is_not_a_unit_line():
    document = parse(
        "某区2025年法治政府建设工作要点\n一、重点工作\n(一)推进执法规范化。落实三项制度。(区司法局负责)\n"
        "(二)推进政务公开。更新目录。(区政府办公室负责)\n二、保障措施\n各单位要于12月10日前报送总结。\n"
        "主办单位:某区人民政府办公室 网站标识码:4400000000 ICP备案号:粤ICP备00000000号\n版权所有:某区人民政府\n"
    )
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]
    assert [requirement.path for requirement in document.requirements] == ["二/p1"]


def test_a_closing_section_inside_the_task_section_is_a_closing_duty():
    document = parse(
        "某县法治政府建设实施方案\n一、主要任务\n(一)推进依法决策。健全决策程序。(县司法局牵头)\n"
        "(二)规范执法。推行三项制度。(县司法局负责)\n(三)加强组织领导。年底前报送工作总结。\n"
        "(四)保障措施。各单位要加强督导考核。\n"
    )
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]
    assert [requirement.path for requirement in document.requirements] == ["一/(三)/p1", "一/(四)/p1"]
    assert [child.role for child in document.sections[0].children] == ["requirements", "requirements"]


def test_a_closing_title_between_two_tasks_stays_a_task():
    document = parse(
        "某县工作方案\n一、主要任务\n(一)加强组织领导。成立领导小组。(县政府办公室负责)\n"
        "(二)规范执法。推行三项制度。(县司法局负责)\n"
    )
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]


@pytest.mark.parametrize(
    ("path", "label"),
    [("二/(一)", "(一)"), ("二/(一)/3", "3."), ("一/1/(2)", "(2)"), ("三", "三、"), ("第二章/第五条", "第五条"),
     ("一/1/①", "①"), ("93", "93."), ("二/(一)/3#2", "3."), ("", "")],
)  # fmt: skip
def test_a_task_number_is_shown_in_the_documents_own_style(path, label):
    from plans.importing.outline import task_label

    assert task_label(path) == label


def test_a_parenthesised_task_shows_its_parentheses_in_the_json():
    data = parse("某区工作方案\n一、主要任务\n(一)健全制度(区司法局负责)。\n").to_dict()
    assert data["tasks"][0]["number"] == "一"
    assert data["tasks"][0]["label"] == "(一)"


@pytest.mark.parametrize("name", ["各县区人民政府", "各开发区管委会", "各县(市、区)人民政府", "各决策承办单位"])
def test_a_name_beginning_with_each_is_a_group(name):
    from plans.importing import is_group_phrase

    assert is_group_phrase(name)


def test_a_notice_with_numbered_cover_points_sending_the_plan_as_its_annex():
    document = parse(
        "某县人民政府办公室关于印发某县2024年法治政府建设工作要点的通知\n某政办〔2024〕9号\n各乡镇,县政府各部门:\n"
        "现将《某县2024年法治政府建设工作要点》印发给你们,并就有关事项通知如下:\n"
        "一、提高认识。各单位要亲自部署。\n二、按时报送。各单位于2024年6月20日前报送进展。\n请认真贯彻执行。\n"
        "附件:某县2024年法治政府建设工作要点\n某县人民政府办公室\n2024年2月26日\n附件\n"
        "某县2024年法治政府建设工作要点\n一、依法履职\n1.推行告知承诺制。(县政务服务中心牵头)\n"
        "2.清理规范性文件。(县司法局负责)\n"
    )
    assert document.title == "某县2024年法治政府建设工作要点"
    assert document.doc_number == "某政办〔2024〕9号"
    assert document.issued.isoformat() == "2024-02-26"
    assert [task.path for task in document.tasks] == ["一/1", "一/2"]
    assert document.annexes == []


def test_annexes_after_the_plan_are_still_cut_when_the_notice_names_the_plan():
    document = parse(
        "关于印发《某县工作安排》的通知\n某县工作安排\n一、主要任务\n(一)健全制度。(县司法局负责)\n"
        "(二)规范执法。(县司法局负责)\n附件:1.重点任务分工表\n2.联络员名单\n附件1\n重点任务分工表\n序号\n1\n"
        "附件2\n联络员名单\n1.县司法局:王某\n"
    )
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]
    assert [annex.title for annex in document.annexes] == ["重点任务分工表", "联络员名单"]


def test_time_limit_lines_under_a_task_are_part_of_its_clause():
    document = parse(
        "某区2024年依法行政工作任务清单\n一、制度建设\n1.公布决策事项目录\n责任单位:区政府办公室\n"
        "完成时限:2024年3月底前\n2.清理规范性文件\n完成时限:2024年6月底前\n责任单位:区司法局\n"
        "3.开展案卷评查\n责任单位:区司法局\n完成时限:每年1月15日前\n配合单位:区城管局\n"
    )
    assert document.title == "某区2024年依法行政工作任务清单"
    assert [len(task.clauses) for task in document.tasks] == [1, 1, 1]
    assert [deadline.text for deadline in document.tasks[0].deadlines] == ["2024年3月底前"]
    assert units_by_role(document.tasks[2]) == {R: ["区司法局"], C: ["区城管局"]}
    assert not [warning for warning in document.warnings if warning.code == "clause_without_units"]


def test_a_closing_paragraph_after_a_list_of_one_paragraph_tasks_is_not_part_of_the_last_task():
    document = parse(
        "某区2024年法治政府建设工作要点\n1.学习法治思想(责任单位:区委依法治区办)。\n"
        "2.公布权责清单(责任单位:区委编办)。\n3.开展示范创建(责任单位:区司法局)。\n"
        "各责任单位要于2024年12月10日前将落实情况报送区委依法治区办。\n"
    )
    assert [task.path for task in document.tasks] == ["1", "2", "3"]
    assert "报送" not in document.tasks[-1].text
    assert [requirement.path for requirement in document.requirements] == ["p1"]
    assert document.requirements[0].deadlines[0].due.isoformat() == "2024-12-10"


def test_a_last_task_with_a_second_paragraph_of_its_own_keeps_it():
    """Tasks that run over several paragraphs keep them all; only a list of one-line tasks has a closing
    paragraph."""
    document = parse(
        "某区工作方案\n一、主要任务\n1.学习法治思想。\n落实会前学法制度(区司法局负责)。\n2.公布权责清单。\n动态调整(区委编办负责)。\n"
        "3.开展示范创建。\n做好迎检准备(区司法局负责)。\n"
    )
    assert "做好迎检准备" in document.tasks[-1].text
    assert document.requirements == []


def test_a_heading_on_its_own_line_ends_at_the_line_break():
    """(二)深入推进“放管服”改革 printed alone, its work on the next line without a 。 between: the task's name is
    the printed heading, not the heading run into the first line of its text."""
    text = (
        "一、健全政府机构职能体系\n"
        "(一)推进政府机构职能优化\n"
        "继续优化政府组织结构,理顺各部门职责关系。\n"
        "(二)深入推进“放管服”改革\n"
        "持续推进行政审批制度改革,全面推行审批服务“马上办、网上办”。\n"
    )
    document = parse_bytes(text.encode(), "方案.txt")
    assert [task.heading for task in document.tasks] == ["推进政府机构职能优化", "深入推进“放管服”改革"]
