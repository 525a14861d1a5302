"""Weak spots found by running the importer over published plan pages (June 2026 sample of 法治政府建设
工作安排/实施方案/规划 excerpts). Each document here is invented, in the shape of what was found."""

from __future__ import annotations

from plans.importing import is_group_phrase
from plans.importing import parse_document as parse


def test_steps_section_before_the_tasks_is_no_task():
    """A 规划 that sets out its 实施步骤 (unnumbered phase paragraphs) between 总体要求 and 主要任务: the
    steps are a closing duty with phases, not a task, though no work has been seen yet."""
    document = parse(
        "石门市法治政府建设规划(2026—2030年)\n"
        "为推进依法行政,制定本规划。\n"
        "一、总体要求\n"
        "到2030年基本建成职能科学、权责法定的法治政府。\n"
        "二、实施步骤\n"
        "部署阶段(2026年)。制定配套方案,明确责任分工,开展宣传动员。\n"
        "全面实施阶段(2027—2029年)。逐项推进各项任务,2029年前完成中期评估。\n"
        "三、主要任务\n"
        "(一)依法全面履行政府职能\n"
        "1.厘清部门职责边界,动态调整权责清单。(牵头单位:市委编办;配合单位:市司法局)\n"
        "2.深化行政审批制度改革,压减审批环节。(市行政审批局负责)\n"
        "(二)完善依法行政制度体系\n"
        "3.加强行政规范性文件备案审查。(市司法局负责)\n"
    )
    assert [task.path for task in document.tasks] == ["三/(一)/1", "三/(一)/2", "三/(二)/3"]
    assert not any(task.path.startswith("二") for task in document.tasks)
    assert any(req.path.startswith("二") for req in document.requirements)


def test_steps_section_that_assigns_units_stays_work():
    """A 实施步骤 heading whose items name units is read as work, as before."""
    document = parse(
        "石门市法治政府建设工作方案\n"
        "一、实施步骤\n"
        "1.制定年度任务清单。(市司法局负责,2026年3月底前)\n"
        "2.开展中期督查。(市政府督查室负责)\n"
        "二、主要任务\n"
        "3.推进严格规范公正文明执法。(市司法局负责)\n"
    )
    assert len(document.tasks) == 3


def test_county_direct_departments_and_bare_tiers_are_groups():
    """县直各部门, 县属各单位 and a tier named without a place (乡镇人民政府, 街道办事处, 镇(街道)) stand for
    many units, as 各乡镇 does; a township's own name (城关镇人民政府) is one body."""
    document = parse(
        "青岚县2026年度法治政府建设工作安排\n"
        "一、依法全面履行政府职能\n"
        "(一)推进基层综合执法。统筹乡镇执法力量,规范执法程序。\n"
        "责任单位:县司法局、县直各部门,乡镇人民政府按职责分工分别负责。\n"
        "(二)落实权责清单。动态调整乡镇权责清单。\n"
        "牵头单位:县委编办\n"
        "配合单位:县属各单位、街道办事处、城关镇人民政府\n"
    )
    names = [unit.name for task in document.tasks for unit in task.units]
    for group in ("县直各部门", "乡镇人民政府", "县属各单位", "街道办事处"):
        assert group in names, group
        assert is_group_phrase(group), group
    for single in ("县司法局", "县委编办", "城关镇人民政府"):
        assert single in names, single
        assert not is_group_phrase(single), single
    for phrase in ("镇(街道)", "乡镇(街道)", "乡镇政府", "市属各部门", "县直各单位"):
        assert is_group_phrase(phrase), phrase


def test_page_header_copied_as_table_rows_and_spaced_field_names():
    """A site's document header pasted as table rows (发文字号 | X | 制发机构 | |) and spaced-out field
    names (索 引 号:) are header fields: the number is read and the rows are not document text."""
    document = parse(
        "索 引 号 | 000123/2026-00042 | 主题分类 | 政府文件 |\n"
        "发文字号 | 青政发〔2026〕7号 | 制发机构 | |\n"
        "有效性 | |||\n"
        "成文日期 | 2026-03-02 | 发布日期 | 2026-03-05 |\n"
        "状 态:有效\n"
        "青岚市人民政府关于印发《青岚市法治政府建设工作方案》的通知\n"
        "各县区人民政府,市政府各部门:\n"
        "现将《青岚市法治政府建设工作方案》印发给你们,请认真贯彻执行。\n"
        "青岚市人民政府\n"
        "2026年3月2日\n"
        "青岚市法治政府建设工作方案\n"
        "一、主要任务\n"
        "(一)规范行政执法。推行执法全过程记录。(市司法局负责)\n"
        "(二)加强合法性审查。(市司法局牵头,市政府办公室配合)\n"
    )
    assert document.doc_number == "青政发〔2026〕7号"
    assert document.title == "青岚市法治政府建设工作方案"
    assert len(document.tasks) == 2
    assert "|" not in document.preamble
    assert "状态" not in document.preamble and "状 态" not in document.preamble


def test_notice_title_after_its_number_inside_brackets():
    """A reposted notice whose only title is its own, printed after its number and inside 《》
    (京政办发〔…〕…号《…关于印发〈X〉的通知》): the title is X and the number is read."""
    document = parse(
        "青政办发〔2026〕11号《青岚市人民政府办公厅关于印发〈青岚市2026年依法行政工作要点〉的通知》\n"
        "青政办发〔2026〕11号\n"
        "各县区人民政府,市政府各部门:\n"
        "《青岚市2026年依法行政工作要点》已经市政府同意,现印发给你们。\n"
        "青岚市人民政府办公厅\n"
        "2026年4月8日\n"
        "一、提升依法决策水平\n"
        "(一)落实重大行政决策程序。(市司法局负责)\n"
        "(二)推进政府法律顾问全覆盖。(市司法局牵头,各县区政府配合)\n"
    )
    assert document.title == "青岚市2026年依法行政工作要点"
    assert document.plan_kind == "key_points"
    assert document.doc_number == "青政办发〔2026〕11号"
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]


def test_news_repost_names_the_plan_in_its_lead():
    """A news site reposting a plan prints no title line, only 《X》主要内容如下 before the text."""
    document = parse(
        "近日,市委、市政府印发了《青岚市法治政府建设实施方案(2026—2030年)》,要求各地认真贯彻落实。\n"
        "《青岚市法治政府建设实施方案(2026—2030年)》主要内容如下。\n"
        "为持续推进依法行政,制定本方案。\n"
        "一、总体要求\n"
        "到2030年,政府行为全面纳入法治轨道。\n"
        "二、工作任务\n"
        "(一)规范行政决策。严格落实重大行政决策程序。(市司法局牵头)\n"
        "(二)深化政务公开。(市政府办公室负责)\n"
    )
    assert document.title == "青岚市法治政府建设实施方案(2026—2030年)"
    assert document.plan_kind == "scheme"
    assert document.period is not None and (document.period.start, document.period.end) == (2026, 2030)
    assert [task.path for task in document.tasks] == ["二/(一)", "二/(二)"]


def test_working_rules_are_no_plan():
    """A government's 工作规则 (chapters of numbered rules, no units) is a normative document, not a plan:
    its title is read though it names none of the plan words."""
    document = parse(
        "石门县人民政府工作规则\n"
        "第一章 总则\n"
        "一、为规范县政府工作,根据有关法律法规,制定本规则。\n"
        "二、县政府坚持依法行政,建设人民满意的法治政府。\n"
        "第二章 政府职能\n"
        "三、县政府依法履行经济调节、市场监管、社会管理和公共服务职能。\n"
        "四、县政府实行县长负责制。\n"
    )
    assert document.title == "石门县人民政府工作规则"
    assert document.kind == "other"
    assert document.tasks == []


def test_why_it_matters_section_holds_no_tasks():
    """一、充分认识…的重要意义 with numbered paragraphs is the plan's frame, not work; the tasks are in the
    sections that assign units."""
    document = parse(
        "石门区关于加强法治政府建设的实施意见\n"
        "一、充分认识加强法治政府建设的重要意义\n"
        "1.提高认识。建设法治政府对于推进治理现代化具有重要意义,各部门要统一思想。\n"
        "2.把握形势。当前依法行政工作仍有不少薄弱环节,必须高度重视。\n"
        "二、主要任务\n"
        "3.健全行政决策机制。(区司法局牵头,区政府办公室配合)\n"
        "4.规范行政执法行为。(区司法局负责)\n"
    )
    assert [task.path for task in document.tasks] == ["二/3", "二/4"]


def test_notice_title_in_its_own_brackets_does_not_swallow_the_plan_title():
    """《…办公厅印发〈X〉的通知》 above the plan's own title line X: the title is X, not the notice title cut
    at X's closing bracket."""
    document = parse(
        "《中共青岚市委办公室青岚市人民政府办公室印发〈关于加强镇街法治建设的实施意见〉的通知》\n"
        "青办发〔2026〕3号\n"
        "各县区党委和人民政府,市直各部门:\n"
        "《关于加强镇街法治建设的实施意见》已经市委、市政府同意,现印发给你们。\n"
        "关于加强镇街法治建设的实施意见\n"
        "一、主要任务\n"
        "(一)规范镇街执法。(市司法局牵头,各县区政府负责)\n"
    )
    assert document.title == "关于加强镇街法治建设的实施意见"
    assert document.doc_number == "青办发〔2026〕3号"
    assert len(document.tasks) == 1


def test_issuer_from_the_red_header_above_the_notice_title():
    """The notice's issuing body printed on its own line above 关于印发… (the red header) and a date with
    no signature line: the issuer is that body."""
    document = parse(
        "石政办〔2026〕9号\n"
        "石门县人民政府办公室\n"
        "关于印发石门县2026年度法治政府建设\n"
        "工作安排的通知\n"
        "各乡镇人民政府,县直有关单位:\n"
        "《石门县2026年度法治政府建设工作安排》已经县政府同意,现印发给你们。\n"
        "2026年3月9日\n"
        "石门县2026年度法治政府建设工作安排\n"
        "一、依法全面履行政府职能\n"
        "(一)推进简政放权。\n"
        "责任单位:县行政审批局\n"
    )
    assert document.issuer == "石门县人民政府办公室"
    assert document.title == "石门县2026年度法治政府建设工作安排"


def test_issuer_at_the_head_of_a_notice_title_without_guanyu():
    """《中共…委办公室…人民政府办公室印发〈X〉的通知》: the issuer precedes 印发 even without 关于."""
    document = parse(
        "《中共石门市委办公室石门市人民政府办公室印发〈石门市法治政府建设实施意见〉的通知》\n"
        "石办发〔2026〕5号\n"
        "石门市法治政府建设实施意见\n"
        "一、主要任务\n"
        "(一)规范执法。(市司法局负责)\n"
    )
    assert document.issuer == "中共石门市委办公室石门市人民政府办公室"


def test_each_inside_a_name_makes_it_a_group():
    """各 inside a name (全区经济运行各专班, 市各直属单位) stands for many units, as at its start."""
    for phrase in ("全区经济运行各专班", "市各直属单位", "县直各部门"):
        assert is_group_phrase(phrase), phrase
    for name in ("县司法局", "中共石门县委", "区发改局"):
        assert not is_group_phrase(name), name


def test_items_under_a_measures_label_are_the_tasks():
    """Sections that print 目标:… then a 措施: label line over numbered items: the items are the tasks (the
    label heads a list of work; it is not a sentence introducing sub-points of one task)."""
    document = parse(
        "石门市依法行政五年规划\n"
        "一、完善行政决策机制\n"
        "目标:重大行政决策全部经过法定程序。\n"
        "措施:\n"
        "1.落实重大行政决策程序规定。严格公众参与和合法性审查。\n"
        "2.建立决策后评估制度。\n"
        "二、规范行政执法\n"
        "目标:执法行为明显规范。\n"
        "主要措施:\n"
        "3.推行执法全过程记录。\n"
        "4.统一执法文书。\n"
    )
    assert [task.path for task in document.tasks] == ["一/1", "一/2", "二/3", "二/4"]


def test_a_sentence_ending_in_a_colon_still_introduces_sub_points():
    """…主要包括: over (1)(2) stays one task with its sub-points, as before."""
    document = parse(
        "石门市法治政府建设工作方案\n"
        "一、主要任务\n"
        "(一)加强执法监督,主要包括:\n"
        "1.开展执法案卷评查。\n"
        "2.开展执法人员培训。\n"
        "(市司法局负责)\n"
        "(二)推进政务公开,主要包括:\n"
        "1.公开权责清单。\n"
        "2.公开执法结果。\n"
        "(市政府办公室负责)\n"
    )
    assert [task.path for task in document.tasks] == ["一/(一)", "一/(二)"]


def test_number_under_the_title_and_a_channel_prefixed_page_heading():
    """The page heading repeats the title after the site's channel (政务公开丨…), the issuer stands above
    关于…的实施意见, the number is printed under the title, and 一、目标要求 is the frame, not a task."""
    document = parse(
        "政策文件丨石门市人民政府关于深化镇街综合执法改革的实施意见\n"
        "石门市人民政府\n"
        "关于深化镇街综合执法改革的实施意见\n"
        "石政字〔2026〕12号\n"
        "各县区人民政府,市政府各部门:\n"
        "为深化镇街综合执法改革,制定本意见。\n"
        "一、目标要求\n"
        "到2027年底,镇街综合执法体制基本完善。\n"
        "二、主要任务\n"
        "(一)下放执法事项。(市司法局牵头,各县区政府负责)\n"
        "(二)充实执法力量。(市委编办负责)\n"
    )
    assert document.title == "石门市人民政府关于深化镇街综合执法改革的实施意见"
    assert document.doc_number == "石政字〔2026〕12号"
    assert document.issuer == "石门市人民政府"
    assert [task.path for task in document.tasks] == ["二/(一)", "二/(二)"]


def test_header_as_a_bulleted_list_with_values_on_the_next_line():
    """A site header set out as a list: • 发文字号: with its value on the next line, an empty field
    (• 主题分类:) that must not swallow the line after it, and dates written 2026年03月02日 09:30."""
    document = parse(
        "  • 索引号:\n"
        "    000123/2026-00042\n"
        "  • 主题分类:\n"
        "  • 发文字号:\n"
        "    石政发〔2026〕8号\n"
        "  • 发文日期:\n"
        "    2026年03月02日 09:30\n"
        "  • 有效性:\n"
        "石门市2026年法治政府建设工作要点\n"
        "一、主要任务\n"
        "(一)规范行政执法。(市司法局负责)\n"
        "(二)深化政务公开。(市政府办公室负责)\n"
    )
    assert document.doc_number == "石政发〔2026〕8号"
    assert document.issued is not None and document.issued.isoformat() == "2026-03-02"
    assert document.title == "石门市2026年法治政府建设工作要点"
    assert document.meta.get("index_number") == "000123/2026-00042"
    assert len(document.tasks) == 2
