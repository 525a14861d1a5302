"""Task-division tables (任务分工表) from | text, Word tables and Excel sheets, against the corpus gold. No database."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest

from plans.importing import parse_bytes
from plans.importing.corpus import load_gold, score_document
from plans.importing.tables import find_header, header_columns, pipe_tables

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
TABLE_DOCUMENTS = [
    "13_qinglan_district_table_pipes",
    "14_shiling_county_table_reordered",
    "15_jiangzhou_city_table",
    "16_donghu_district_table",
    # Issue 13: two-row headers (责任单位 merged over 牵头单位 | 配合单位) and a ruled table in a PDF.
    "36_songjiang_county_table_two_row_header",
    "37_qingshi_district_table_two_row_header",
    "38_baishi_county_table",
]


@pytest.mark.parametrize("name", TABLE_DOCUMENTS)
def test_corpus_tables_read_as_their_gold(name):
    score = score_document(load_gold(CORPUS / f"{name}.gold.json"))
    assert score.status == "ok"
    assert score.exact_count and score.matched == score.gold_tasks
    for role in ("lead", "cooperating", "groups"):
        assert score.units[role].fp == 0 and score.units[role].fn == 0, role
    assert score.deadlines.fn == 0


@pytest.mark.parametrize(
    "name",
    [
        "36_songjiang_county_table_two_row_header",
        "37_qingshi_district_table_two_row_header",
        "38_baishi_county_table",
    ],
)
def test_the_title_of_a_table_document_is_its_title_not_a_cell(name):
    gold = load_gold(CORPUS / f"{name}.gold.json")
    document = parse_bytes(gold.document.read_bytes(), gold.document.name)
    assert document.title == gold.title and document.meta["table"] == "任务分工表"


def test_a_two_row_header_names_columns_by_the_lower_row():
    """责任单位 spans 牵头单位 | 配合单位 below it; 序号/工作任务/完成时限 are merged down (read as blank in
    text with | between cells); the sub-header row is no task, nor when the header repeats on a new page."""
    text = "\n".join(
        [
            "某区2025年重点任务分工表",
            "|序号|工作任务|责任单位||完成时限|",
            "|||牵头单位|配合单位||",
            "|1|健全行政决策制度|区政府办公室|区司法局|2025年6月底前|",
            "|2|开展规范性文件清理|区司法局|区政府各部门|2025年底前|",
            "|序号|工作任务|责任单位||完成时限|",
            "|||牵头单位|配合单位||",
            "|3|推行柔性执法|区市场监管局|区司法局、区税务局|每季度|",
        ]
    )
    header = find_header([cells.split("|")[1:-1] for cells in text.splitlines()[1:]])
    assert header is not None and header.header_row == 1
    assert header.kinds == {"number": 0, "name": 1, "lead": 2, "cooperating": 3, "deadline": 4}
    document = parse_bytes(text.encode(), "分工表.txt")
    units = [[(u.name, str(u.role)) for u in task.units] for task in document.tasks]
    assert units == [
        [("区政府办公室", "lead"), ("区司法局", "cooperating")],
        [("区司法局", "lead"), ("区政府各部门", "cooperating")],
        [("区市场监管局", "lead"), ("区司法局", "cooperating"), ("区税务局", "cooperating")],
    ]


def test_a_data_row_holding_a_header_word_is_not_a_second_header_row():
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["", "", "区司法局牵头", "各部门配合"],
        ["1", "健全行政决策制度", "区政府办公室", "2025年6月底前"],
    ]
    assert find_header(rows).header_row == 0


def test_sections_and_paths_of_the_pipe_table():
    document = parse_bytes((CORPUS / "13_qinglan_district_table_pipes.txt").read_bytes(), "13.txt")
    assert [section.path for section in document.sections] == ["一", "二", "三"]
    assert [task.path for task in document.tasks][:3] == ["一/1", "一/2", "二/3"]
    assert document.title == "青岚区2024年法治政府建设重点任务分工表"
    assert document.source_format == "txt" and document.meta["table"] == "任务分工表"
    assert [deadline.text for deadline in document.tasks[2].deadlines] == ["每季度"]


def test_a_rubric_table_is_not_a_task_table():
    text = (CORPUS / "26_qinglan_district_rubric_table.txt").read_text(encoding="utf-8")
    assert pipe_tables(text) == []


def test_header_words_in_any_order_and_two_task_columns():
    kinds = header_columns(["完成时限", "配合单位", "重点任务", "序号", "工作任务", "牵头单位"])
    assert kinds == {"deadline": 0, "cooperating": 1, "name": 2, "number": 3, "content": 4, "lead": 5}
    assert find_header([["某区任务分工表"], ["说明文字"], ["序号", "任务", "责任单位"]]).header_row == 2
    assert find_header([["序号", "考核内容", "评分标准", "分值"]]) is None


def test_pipe_lines_need_three_rows_of_the_header_width():
    header = "序号|工作任务|牵头单位|完成时限"
    assert pipe_tables(f"{header}\n1|甲|区司法局|2024年底前") == []
    assert len(pipe_tables(f"{header}\n1|甲|区司法局|年底\n2|乙|区财政局|年底")) == 1


def docx_with_table(rows: list[list[str]], *, merge_down: tuple[int, int, int] | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("某区2025年法治政府建设工作要点任务分工")
    document.add_paragraph("为抓好落实,现将任务分工如下。")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if merge_down:
        column, first, last = merge_down
        table.cell(first, column).merge(table.cell(last, column))
        table.cell(first, column).text = rows[first][column]
    document.add_paragraph("某区人民政府办公室")
    document.add_paragraph("2025年3月1日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_table_with_a_section_row_a_merged_lead_and_a_repeated_header():
    header = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
    rows = [
        header,
        ["一、推进依法行政", "一、推进依法行政", "一、推进依法行政", "一、推进依法行政", "一、推进依法行政"],
        ["1", "健全规范性文件审查机制", "区司法局", "区政府办公室\n各镇街", "2025年6月底前"],
        ["2", "开展执法案卷评查", "", "区级各行政执法部门", "长期坚持"],
        header,
        ["3", "落实法律顾问制度", "区政府办公室", "", "每年3月底前"],
    ]
    document = parse_bytes(docx_with_table(rows, merge_down=(2, 2, 3)), "plan.docx")
    assert document.source_format == "docx"
    assert [task.path for task in document.tasks] == ["一/1", "一/2", "一/3"]
    first, second, third = document.tasks
    assert [(u.name, u.role.value) for u in first.units] == [
        ("区司法局", "lead"),
        ("区政府办公室", "cooperating"),
        ("各镇街", "cooperating"),
    ]
    assert [u.name for u in second.units if u.role.value == "lead"] == ["区司法局"]  # merged down
    assert [d.text for d in second.deadlines] == ["长期坚持"] and second.deadlines[0].due is None
    assert third.deadlines[0].recurrence["month"] == 3
    assert document.issued is not None and document.issued.year == 2025


def test_excel_sheet_with_title_row_and_units_written_with_roles():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["某市2025年法治政府建设重点任务清单"])
    sheet.merge_cells("A1:D1")
    sheet.append(["序号", "具体内容", "责任单位", "时间节点"])
    sheet.append([1, "推进行政复议规范化建设", "市司法局牵头,市信访局配合", "2025年10月底前"])
    sheet.append([2.0, "完成权责清单调整", "市委编办", "2025年6月"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    document = parse_bytes(buffer.getvalue(), "tasks.xlsx")
    assert document.source_format == "xlsx"
    assert document.title == "某市2025年法治政府建设重点任务清单"
    assert [task.number for task in document.tasks] == ["1", "2"]
    assert [(u.name, u.role.value) for u in document.tasks[0].units] == [
        ("市司法局", "lead"),
        ("市信访局", "cooperating"),
    ]
    assert [(u.name, u.role.value) for u in document.tasks[1].units] == [("市委编办", "responsible")]
