"""The legal office's corrections to a parse (plans.importing.corrections): each operation, their order,
applying them again to a revised document, and what is skipped when its target is gone.

Issue "Plan import reads what districts actually publish": the person fixes what the parser could not."""

from pathlib import Path

import pytest

from plans.importing import DocumentError, parse_bytes
from plans.importing import corrections as c
from tests.plans.conftest import SEEDS

# An invented county plan: tasks are (一) paragraphs with their units on lines of their own; (三) has
# 1. 2. sub-items, so the parser has two levels to choose from.
QINGCHUAN = """青府办〔2024〕7号
青川县2024年法治政府建设工作要点
为深入推进法治政府建设,结合我县实际,制定本工作要点。
一、指导思想
以习近平新时代中国特色社会主义思想为指导,全面推进依法行政。
二、主要任务
(一)健全依法决策机制。严格落实重大行政决策程序规定,年底前公布年度重大行政决策事项目录。
牵头单位:县司法局
配合单位:县政府办、县发展改革局
(二)推进政务公开。全面推进决策、执行、管理、服务、结果公开。
牵头单位:县政府办
配合单位:县数据局
(三)深化行政执法体制改革。具体包括:
1.推进综合行政执法,整合执法队伍。
2.全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。
牵头单位:县司法局
配合单位:县市场监管局、县生态环境局
(四)加强行政复议工作。依法办理行政复议案件,提高案件办理质量。
牵头单位:县司法局
配合单位:县信访局
(五)强化法治宣传教育。落实“谁执法谁普法”普法责任制,每年开展法治讲座不少于4次。
牵头单位:县委宣传部
配合单位:县司法局、县教育局
三、工作要求
各单位要高度重视,于每年12月10日前报送工作总结。
青川县人民政府办公室
2024年3月1日
"""
REVISED = QINGCHUAN.replace("提高案件办理质量", "提高案件办理质量和效率,推行繁简分流")


def parse(text: str = QINGCHUAN) -> dict:
    return parse_bytes(text.encode(), "plan.txt").to_dict()


def paths(parsed: dict) -> list[str]:
    return [task["path"] for task in parsed["tasks"]]


def units(parsed: dict, path: str) -> list[tuple[str, str]]:
    task = next(t for t in parsed["tasks"] if t["path"] == path)
    return [(u["name"], u["role"]) for clause in task["clauses"] for u in clause["units"]]


def test_the_parser_reads_the_paragraphs_as_tasks_and_says_why():
    parsed = parse()
    assert parsed["task_level"] == "(一)" and len(parsed["tasks"]) == 5
    line, reason = c.level_summary(parsed)
    assert line == "按“(一)”一级识别为任务(共5项)"
    assert "只有1项再分“1.”细项" in reason
    assert [(o.style, o.tasks) for o in c.task_levels(parsed)] == [("一、", 1), ("(一)", 5), ("1.", 6)]
    assert c.kind_name(parsed) == "工作规划"


def test_a_deeper_level_makes_the_sub_items_tasks_under_their_heading():
    parsed = parse()
    deeper = c.apply_correction(parsed, {"kind": "task_level", "target": "", "value": "1."})
    assert paths(deeper) == ["二/(一)", "二/(二)", "二/(三)/1", "二/(三)/2", "二/(四)", "二/(五)"]
    assert deeper["task_level"] == "1."
    heading = deeper["sections"][1]["children"][0]
    assert (heading["path"], heading["title"], heading["role"]) == ("二/(三)", "深化行政执法体制改革", "tasks")
    assert units(deeper, "二/(三)/1") == []  # the unit lines come after item 2, as printed
    assert ("县司法局", "lead") in units(deeper, "二/(三)/2")
    assert any(w["path"] == "二/(三)/1" and w["code"] == "task_without_units" for w in deeper["warnings"])
    # The untouched paragraphs are the parser's own dicts; the parse itself is not changed.
    assert deeper["tasks"][0] == parsed["tasks"][0]
    assert len(parsed["tasks"]) == 5
    assert c.level_summary(deeper)[0] == "按“1.”一级识别为任务(共6项)"


def test_back_to_the_parsers_level_gives_the_parse_again():
    parsed = parse()
    deeper = c.apply_correction(parsed, {"kind": "task_level", "value": "1."})
    back = c.apply_correction(deeper, {"kind": "task_level", "value": "(一)"})
    assert back["tasks"] == parsed["tasks"] and back["sections"] == parsed["sections"]


def test_a_level_the_document_does_not_have_is_refused():
    with pytest.raises(c.CorrectionError, match="没有“\\(1\\)”这一级编号"):
        c.apply_correction(parse(), {"kind": "task_level", "value": "(1)"})


def test_a_heading_becomes_a_task_with_everything_under_it():
    parsed = c.apply_correction(parse(), {"kind": "task", "target": "二"})
    assert paths(parsed) == ["二"]
    assert parsed["tasks"][0]["heading"] == "主要任务"
    assert ("县教育局", "cooperating") in units(parsed, "二")


def test_a_task_becomes_a_heading_and_its_sub_items_tasks():
    parsed = c.apply_correction(parse(), {"kind": "not_task", "target": "二/(三)"})
    assert paths(parsed) == ["二/(一)", "二/(二)", "二/(三)/1", "二/(三)/2", "二/(四)", "二/(五)"]
    childless = c.apply_correction(parse(), {"kind": "not_task", "target": "二/(四)"})
    assert "二/(四)" not in paths(childless)
    section = childless["sections"][1]["children"][0]
    assert (section["path"], section["role"]) == ("二/(四)", "other")
    # A heading the office set is not turned back into a task by a later change of level.
    again = c.apply_correction(childless, {"kind": "task_level", "value": "(一)"})
    assert "二/(四)" not in paths(again)


def test_merge_two_adjacent_tasks():
    parsed = c.apply_correction(parse(), {"kind": "merge", "target": "二/(一)", "value": "二/(二)"})
    assert paths(parsed) == ["二/(一)", "二/(三)", "二/(四)", "二/(五)"]
    merged = parsed["tasks"][0]
    assert "(二)推进政务公开" in merged["text"] and merged["heading"] == "健全依法决策机制"
    assert len(merged["clauses"]) == 2 and ("县数据局", "cooperating") in units(parsed, "二/(一)")
    with pytest.raises(c.CorrectionError, match="相邻"):
        c.apply_correction(parse(), {"kind": "merge", "target": "二/(一)", "value": "二/(三)"})


def test_split_a_task_at_a_sentence():
    sentence = "严格落实重大行政决策程序规定,年底前公布年度重大行政决策事项目录。"
    assert c.split_points(parse()["tasks"][0]["text"]) == [sentence]
    parsed = c.apply_correction(parse(), {"kind": "split", "target": "二/(一)", "value": sentence})
    assert paths(parsed)[:3] == ["二/(一)", "二/(一)-2", "二/(二)"]
    first, second = parsed["tasks"][:2]
    assert first["text"] == "健全依法决策机制。" and not first["deadlines"]
    assert second["heading"] == "严格落实重大行政决策程序规定" and second["deadlines"][0]["due"] == "2024-12-31"
    assert ("县司法局", "lead") in units(parsed, "二/(一)-2")
    with pytest.raises(c.CorrectionError, match="找不到"):
        c.apply_correction(parse(), {"kind": "split", "target": "二/(一)", "value": "没有这句话。"})


def test_move_a_unit_between_lead_and_cooperating():
    op = {"kind": "unit_role", "target": "二/(一)", "value": {"unit": "县政府办", "role": "lead"}}
    parsed = c.apply_correction(parse(), op)
    assert units(parsed, "二/(一)") == [("县司法局", "lead"), ("县政府办", "lead"), ("县发展改革局", "cooperating")]
    # Moving it where it already is changes nothing; an absent unit or another role is refused.
    assert c.apply_correction(parsed, op)["tasks"] == parsed["tasks"]
    with pytest.raises(c.CorrectionError, match="没有牵头或配合单位"):
        c.apply_correction(parse(), {**op, "value": {"unit": "县财政局", "role": "lead"}})
    with pytest.raises(c.CorrectionError, match="牵头和配合"):
        c.apply_correction(parse(), {**op, "value": {"unit": "县政府办", "role": "responsible"}})


@pytest.mark.parametrize(
    "operation",
    [
        {"kind": "delete_everything"},
        {"kind": "not_task", "target": "九/(九)"},
        {"kind": "task", "target": "二/(一)"},  # a task, not a heading
        {"kind": "split", "target": "二/(一)", "value": None},
    ],
)
def test_bad_operations_are_refused_with_a_message(operation):
    with pytest.raises(c.CorrectionError) as raised:
        c.apply_correction(parse(), operation)
    assert raised.value.message


def test_order_matters_paths_are_those_of_the_moment():
    level = {"kind": "task_level", "value": "1."}
    merge = {"kind": "merge", "target": "二/(三)/1", "value": "二/(三)/2"}
    parsed, skipped = c.apply_corrections(parse(), [level, merge])
    assert not skipped and "二/(三)/1" in paths(parsed) and "二/(三)/2" not in paths(parsed)
    parsed, skipped = c.apply_corrections(parse(), [merge, level])
    assert [s.index for s in skipped] == [0] and "二/(三)/2" in paths(parsed)


def test_corrections_apply_again_to_a_revised_document():
    operations = [
        {"kind": "task_level", "value": "1."},
        {"kind": "unit_role", "target": "二/(四)", "value": {"unit": "县信访局", "role": "lead"}},
    ]
    first, _ = c.apply_corrections(parse(), operations)
    again, skipped = c.apply_corrections(parse(REVISED), operations)
    assert not skipped
    assert paths(again) == paths(first)
    assert "繁简分流" in next(t for t in again["tasks"] if t["path"] == "二/(四)")["text"]
    assert ("县信访局", "lead") in units(again, "二/(四)")


def test_an_operation_whose_target_is_gone_is_skipped_and_the_rest_apply():
    shorter = QINGCHUAN.replace(
        "(五)强化法治宣传教育。落实“谁执法谁普法”普法责任制,每年开展法治讲座不少于4次。\n牵头单位:县委宣传部\n"
        "配合单位:县司法局、县教育局\n",
        "",
    )
    operations = [
        {"kind": "unit_role", "target": "二/(五)", "value": {"unit": "县司法局", "role": "lead"}},
        {"kind": "task_level", "value": "1."},
    ]
    parsed, skipped = c.apply_corrections(parse(shorter), operations)
    assert [(s.index, s.reason) for s in skipped] == [(0, "找不到任务“二/(五)”")]
    assert parsed["task_level"] == "1." and len(parsed["tasks"]) == 5


def test_describe_says_each_operation_in_chinese():
    assert c.describe({"kind": "task_level", "value": "1."}) == "按“1.”一级识别任务"
    assert c.describe({"kind": "unit_role", "target": "二/(一)", "value": {"unit": "县政府办", "role": "lead"}}) == (
        "任务 二/(一):县政府办改为牵头单位"
    )


CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
DOCUMENTS = sorted(SEEDS.glob("*.txt")) + sorted(p for p in CORPUS.glob("*") if p.suffix in (".txt", ".html"))


def _outline_plans() -> list[Path]:
    """The documents read as plans from their outline: reports and rubrics have no tasks to rebuild, and a
    任务分工表's rows are read by tables.py, not rebuilt from an outline."""
    found = []
    for path in DOCUMENTS:
        try:
            parsed = parse_bytes(path.read_bytes(), path.name).to_dict()
        except DocumentError:
            continue
        if parsed["kind"] == "plan" and not parsed["meta"].get("table"):
            found.append(path)
    return found


OUTLINE_PLANS = _outline_plans()


def test_the_rebuild_is_checked_on_most_of_the_corpus():
    assert len(OUTLINE_PLANS) >= 25 and len(OUTLINE_PLANS) >= len(DOCUMENTS) - 10


@pytest.mark.parametrize("path", OUTLINE_PLANS, ids=lambda p: p.name)
def test_rebuilding_from_the_json_agrees_with_the_parser(path):
    """build_task and the tree repeat the parser's rules (year of a yearless date, heading split): held to
    the parser's own output on every seed and corpus plan read from its outline."""
    parsed = parse_bytes(path.read_bytes(), path.name).to_dict()
    for task in parsed["tasks"]:
        rebuilt = c.build_task(
            path=task["path"],
            number=task["number"],
            section_path=task["section_path"],
            text=task["text"],
            context=parsed,
        )
        assert rebuilt == {**task, "heading": task["heading"].split("\n")[0]}
    same = c.apply_correction(parsed, {"kind": "task_level", "value": parsed["task_level"]})
    assert same["tasks"] == parsed["tasks"] and same["sections"] == parsed["sections"]
    assert parsed["task_level"] in [option.style for option in c.task_levels(parsed)]


def test_ocr_doubts_are_placed_in_the_task_they_were_read_in():
    """Issue 13: by the task's text, whatever OCR printed around it (traditional characters, full-width
    punctuation, the number, wrap spaces); a line in no task is placed nowhere."""
    parsed = {
        "kind": "plan",
        "tasks": [
            {"path": "一/(一)", "section_path": "一", "heading": "完善制度", "text": "完善制度。年底前出台办法。"},
            {"path": "一/(二)", "section_path": "一", "heading": "推进公开", "text": "推进公开。每季度通报办件情况。"},
        ],
        "ocr_doubts": [
            {"page": 1, "line": 9, "text": "(二)推進公開。每季度通報 辦件情況", "confidence": 40.0},
            {"page": 1, "line": 3, "text": "某区法治政府建设工作要点", "confidence": 45.0},
        ],
    }
    placed = c.task_ocr_doubts(parsed)
    assert list(placed) == ["一/(二)"] and placed["一/(二)"][0]["line"] == 9
    assert c.task_ocr_doubts({**parsed, "ocr_doubts": []}) == {}
