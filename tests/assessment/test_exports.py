"""Spreadsheets and documents: the rubric .xlsx round trip, its refusals, the score sheet and the summary
table laid out like the annexes, the responsibility statement .docx."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from assessment import excel, selectors, services
from assessment.documents import statement_docx
from assessment.excel import SheetError
from assessment.models import Rubric, Submission
from tests.assessment.helpers import adjust_facts, evaluated, review_all, review_inputs, self_inputs

D = Decimal


@pytest.mark.parametrize("kind", ["department", "township"])
def test_rubric_xlsx_round_trip(request, kind):
    parsed = request.getfixturevalue(f"{kind}_parsed")
    data = excel.rubric_to_xlsx(parsed)
    back = excel.rubric_from_xlsx(data)
    assert back.signature() == parsed.signature()
    assert (back.title, back.year, back.unit_kind) == (parsed.title, 2017, kind)
    assert back.notes == parsed.notes
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[2]] == ["考核事项", "考核内容", "评分标准", "分值"]
    assert ws["A3"].value == ("一、依法科学民主决策(15分)" if kind == "department" else "一、依法科学民主决策(25分)")
    assert ws["B3"].value == "1.遵守行政决策程序" and ws["D3"].value == (10 if kind == "department" else 15)


@pytest.mark.django_db
def test_stored_rubric_exports_what_was_imported(rubrics, department_parsed):
    back = excel.rubric_from_xlsx(excel.rubric_export(rubrics["department"]))
    assert back.signature() == department_parsed.signature()


def sheet_bytes(rows: list[list], title: str = "区级各部门2018年度法治政府建设考核评分细则") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


HEAD = ["考核事项", "考核内容", "评分标准", "分值"]
GOOD = [
    HEAD,
    ["一、依法决策(60分)", "1.遵守行政决策程序", "未建立健全相关制度机制,扣2分。", 40],
    [None, "2.规范性文件审查", "执行规范性文件合法性审查制度。", 20],  # merged category cell: empty here
    ["二、政务公开(40分)", "1.报送信息", "每月报送2条以上法治政府信息,每少报送1条信息的,扣0.2分。", 40],
    ["三、特别加分和扣分", "特别加分", "被确定为“市级依法行政示范单位”加3分。", None],
    [None, "特别扣分", "行政执法行为违法的,每起扣2分。", None],
]


def test_an_office_sheet_with_merged_cells_is_read():
    rubric = excel.rubric_from_xlsx(sheet_bytes(GOOD))
    assert rubric.sum_errors() == []
    assert [(c.label, c.max_points, len(c.items)) for c in rubric.categories] == [("一", 60, 2), ("二", 40, 1)]
    assert [r.kind for r in rubric.categories[1].items[0].rules] == ["per_shortfall"]
    assert [(r.scope, r.points) for r in rubric.adjustment_rules] == [("bonus", 3), ("special", 2)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["考核事项", "考核内容", "评分标准"], *[r[:3] for r in GOOD[1:]]], "缺少列:分值"),
        ([["考核内容", "分值"]], "没有找到表头行"),
        ([HEAD, ["一、依法决策(60分)", "1.遵守行政决策程序", "x", "十"]], "分值“十”不是数字"),
        ([HEAD, ["一、依法决策(60分)", "1.遵守行政决策程序", "x", -5]], "分值应大于0"),
        ([HEAD, ["依法决策", "1.遵守行政决策程序", "x", 5]], "应写作“一、类别名称(15分)”"),
        ([HEAD, ["一、依法决策(60分)", "1.遵守行政决策程序(10分)", "x", 5]], "考核内容中写10分,分值列却是5分"),
    ],
)
def test_bad_sheets_are_refused_by_row(rows, message):
    with pytest.raises(SheetError) as caught:
        excel.rubric_from_xlsx(sheet_bytes(rows))
    assert message in caught.value.message


def test_not_a_workbook():
    with pytest.raises(SheetError, match="不是有效的Excel"):
        excel.rubric_from_xlsx(b"%PDF-1.4")


@pytest.mark.django_db
def test_xlsx_import_refuses_sums_that_do_not_add_up_and_saves_nothing(district, legal_officer):
    rows = [list(r) for r in GOOD]
    rows[2][3] = 15  # 一: 40 + 15 ≠ 60; all: 60 + 40 = 100 still
    with pytest.raises(services.AssessmentError) as caught:
        services.rubric_import_xlsx(data=sheet_bytes(rows), jurisdiction=district, by=legal_officer)
    assert caught.value.status == 400
    assert "一、依法决策:各项合计40+15=55分,与类别分值60分不符" in caught.value.message
    assert not Rubric.objects.exists()


@pytest.mark.django_db
def test_xlsx_import_saves_a_rubric_and_refuses_it_twice(district, legal_officer):
    rubric = services.rubric_import_xlsx(data=sheet_bytes(GOOD), jurisdiction=district, by=legal_officer)
    assert (rubric.year, rubric.unit_kind, rubric.items.count(), rubric.rules.count()) == (2018, "department", 3, 5)
    with pytest.raises(services.AssessmentError) as caught:
        services.rubric_import_xlsx(data=sheet_bytes(GOOD), jurisdiction=district, by=legal_officer)
    assert caught.value.status == 409


@pytest.mark.django_db
def test_score_sheet_and_summary_are_right_to_a_tenth(cycle, submission, reporter, legal_officer):
    services.self_assessment_save(
        submission=submission,
        by=reporter,
        items=self_inputs(submission, {"三.2": {0: ["2"] * 9 + ["1", "1", "0"]}, "二.2": {0: "1"}}),
        summary_text="总结",
        today=dt.date(2017, 12, 5),
    )
    services.self_assessment_submit(submission=submission, by=reporter, today=dt.date(2017, 12, 5))
    facts, grounds = adjust_facts(submission, {1: "1"}, {1: "市级示范单位"})
    services.review_save(
        submission=submission,
        by=legal_officer,
        items=review_inputs(
            submission,
            {"三.2": {0: ["2"] * 9 + ["1", "1", "0"]}, "二.2": {0: "1"}, "一.2": {0: "0.5"}},
            reasons={"一.2": {0: "一件文件未报备"}},
        ),
        adjust_facts=facts,
        adjust_grounds=grounds,
        finish=True,
        today=dt.date(2017, 12, 5),
    )  # fmt: skip
    submission.refresh_from_db()
    assert (submission.self_total, submission.final_total) == (D("97.2"), D("99.7"))
    sheet = selectors.submission_sheet(submission=submission, mode="view", today=dt.date(2017, 12, 20))
    ws = load_workbook(io.BytesIO(excel.score_sheet_xlsx(sheet=sheet))).active
    assert [c.value for c in ws[3]] == excel.SHEET_HEADERS
    rows = {r[1].value: r for r in ws.iter_rows(min_row=4) if r[1].value}
    assert rows["2.报送法治政府建设信息"][4].value == pytest.approx(4.2)  # 自评得分
    assert rows["2.报送法治政府建设信息"][5].value == pytest.approx(4.2)  # 得分
    assert rows["2.规范性文件审查、报备"][5].value == pytest.approx(4.5)
    assert "一件文件未报备" in rows["2.规范性文件审查、报备"][6].value
    assert rows["特别加分"][5].value == 3 and "市级示范单位" in rows["特别加分"][6].value
    totals = {
        r[0].value: r
        for r in ws.iter_rows(min_row=4)
        if r[0].value and str(r[0].value).startswith(("合计", "总分", "折算"))
    }
    # The totals are formulas over the cells above them, and they add up to the engine's figures.
    assert all(str(r[5].value).startswith("=") for r in totals.values())
    assert evaluated(ws, totals["合计(基础分)"][4]) == pytest.approx(97.2)
    assert evaluated(ws, totals["合计(基础分)"][5]) == pytest.approx(96.7)
    assert evaluated(ws, totals["总分(含特别加分和扣分)"][5]) == pytest.approx(99.7)
    assert evaluated(ws, next(v for k, v in totals.items() if k.startswith("折算"))[5]) == pytest.approx(10.0)


@pytest.mark.django_db
def test_summary_table_lists_units_by_rank(client, cycle, legal_officer, unit, other_unit, township, other_township):
    for u, facts in (
        (unit, {"二.2": {0: "1"}}),
        (other_unit, {}),
        (township, {"三.1": {0: "1"}}),
        (other_township, {}),
    ):
        s = Submission.objects.get(cycle=cycle, unit=u)
        # None of them submitted: the legal office scores every item on site.
        services.review_save(
            submission=s, by=legal_officer, items=review_all(s, facts), finish=True, today=dt.date(2017, 12, 20)
        )
    client.force_login(legal_officer)
    response = client.get(f"/assessment/cycles/{cycle.pk}/summary.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == excel.CONTENT_TYPE
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["区级部门", "乡镇(街道)"]
    ws = wb["区级部门"]
    head = [c.value for c in ws[3]]
    assert head[:3] == ["名次", "单位", "自评得分"] and "二、加强政府职能转变(10分)" in head
    rows = [[evaluated(ws, c) for c in r] for r in ws.iter_rows(min_row=4)]
    assert [(r[0], r[1], r[head.index("总分")]) for r in rows] == [(1, "区财政局", 100), (2, "区编办", 98)]
    assert rows[1][head.index("二、加强政府职能转变(10分)")] == 8
    assert rows[1][head.index("折算得分(10分)")] == pytest.approx(9.8)


@pytest.mark.django_db
def test_statement_docx_is_ready_to_sign(rubrics, unit, cycle):
    content = statement_docx(statement=rubrics["department"].statement, unit=unit, cycle=cycle)
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "广元市昭化区2017年部门法治政府建设目标责任书"
    assert "责任单位:区编办" in text and "2017年12月1日至2017年12月10日" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "考核项目", "目标内容"]
    assert len(table.rows) == 11 and table.rows[9].cells[1].text == "依法接受监督"
    signatures = "\n".join(c.text for row in doc.tables[1].rows for c in row.cells)
    for label in ("单位(盖章)", "负责人签字", "日期"):
        assert label in signatures


@pytest.mark.django_db
def test_statement_docx_keeps_its_year_its_columns_its_title_line_and_its_signatures(rubrics, unit, cycle):
    from docx.oxml.ns import qn

    # The demo moves a 2017 cycle's window to today: the statement still quotes no date outside 2017.
    cycle.self_start, cycle.self_end = dt.date(2026, 11, 30), dt.date(2026, 12, 9)
    doc = Document(io.BytesIO(statement_docx(statement=rubrics["department"].statement, unit=unit, cycle=cycle)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026" not in text and "每年12月" in text
    # Columns as the annex prints them, in the grid every word processor reads, with a fixed layout.
    table = doc.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[0] < grid[1] < grid[2] and grid[2] > 2 * sum(grid[:2]) * 0.9
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    # The title on one line: its size times its length fits the text width (15.8 cm = 448 pt).
    title = doc.paragraphs[0]
    assert title.runs[0].font.size.pt * len(title.text) <= 448
    # The signature block on one page: rows that do not split, each kept with the next.
    rows = doc.tables[1].rows
    assert all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert all(p.paragraph_format.keep_with_next for r in rows[:-1] for c in r.cells for p in c.paragraphs)
