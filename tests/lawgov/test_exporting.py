"""lawgov.exporting: one writer for every download. Text never turns into a formula, a Formula does; dates are
dates; every .xlsx carries the title row, a bold frozen header and a print setup; CSV is UTF-8 with a BOM.
Then each of the six downloads, fetched as a user does, checked for the same habits."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from lawgov import exporting
from lawgov.exporting import Cell, Column, Formula, Kind, Row, Sheet
from lawgov.services import api_token_issue
from tests.factories import plan_factory

INJECTIONS = ["=1+1", '=HYPERLINK("http://evil.example","点此")', "+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def book(sheets):
    return load_workbook(io.BytesIO(exporting.xlsx(sheets)))


def sheet_xml(content: bytes, index: int = 1) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read(f"xl/worksheets/sheet{index}.xml").decode()


def simple(rows, columns=None, **extra) -> Sheet:
    return Sheet(
        name="任务进展",
        title="番禺区 任务进展 2026-11-30",
        columns=columns or [Column("任务", width=30), Column("分值", Kind.NUMBER), Column("时限", Kind.DATE)],
        rows=rows,
        **extra,
    )


# --- the writer ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_that_looks_like_a_formula_is_stored_as_text(text):
    content = exporting.xlsx(simple([(text, 1, None)]))
    cell = load_workbook(io.BytesIO(content)).active["A3"]
    assert cell.value == text and cell.data_type == "s"  # round-trips as the same string
    assert cell.quotePrefix  # and stays text when someone edits the cell in Excel
    assert "<f>" not in sheet_xml(content)  # no formula anywhere in the file


def test_a_formula_is_only_what_the_exporter_says_is_one():
    content = exporting.xlsx(simple([("甲", 2, None), ("乙", 3, None), ("合计", Formula("=SUM(B3:B4)"), None)]))
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["B5"].data_type == "f" and ws["B5"].value == "=SUM(B3:B4)"
    assert "<f>SUM(B3:B4)</f>" in sheet_xml(content)
    with pytest.raises(ValueError):
        Formula("SUM(B3:B4)")


def test_dates_are_dates_with_a_date_format():
    aware = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 30), timezone.get_fixed_timezone(0))
    columns = [Column("任务"), Column("时限", Kind.DATE), Column("填报时间", Kind.DATE)]
    ws = book(simple([("甲", dt.date(2026, 11, 30), aware)], columns=columns)).active
    assert ws["B3"].is_date and ws["B3"].value == dt.datetime(2026, 11, 30) and ws["B3"].number_format == "yyyy-mm-dd"
    local = timezone.localtime(aware).replace(tzinfo=None)
    assert ws["C3"].is_date and ws["C3"].value == local and ws["C3"].number_format == "yyyy-mm-dd hh:mm"


def test_a_date_column_refuses_text():
    with pytest.raises(TypeError, match="时限"):
        exporting.xlsx(simple([("甲", 1, "2026-11-30")]))


def test_title_row_then_a_bold_frozen_header():
    ws = book(simple([("甲", 1, None)])).active
    assert ws["A1"].value == "番禺区 任务进展 2026-11-30" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == ["任务", "分值", "时限"] and all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 30


def test_preamble_lines_and_frozen_columns_move_the_header():
    sheet = simple([("甲", 1, None)], preamble=[("被考核单位:区编办", None, "2017年度")], freeze_columns=2)
    ws = book(sheet).active
    assert ws["A2"].value == "被考核单位:区编办" and ws["C2"].value == "2017年度"
    assert [c.value for c in ws[3]] == ["任务", "分值", "时限"] and ws.freeze_panes == "C4"
    assert ws.print_title_rows == "$3:$3"


def test_print_setup_fits_the_width_and_turns_wide_sheets_sideways():
    narrow = book(simple([])).active
    assert narrow.page_setup.orientation == "portrait"
    assert narrow.sheet_properties.pageSetUpPr.fitToPage
    assert (narrow.page_setup.fitToWidth, narrow.page_setup.fitToHeight) == (1, 0)
    assert narrow.print_title_rows == "$2:$2"  # the header repeats on every printed page
    assert narrow.page_setup.paperSize == 9  # A4
    wide = book(simple([], columns=[Column("任务", width=60), Column("最新进展", width=50)])).active
    assert wide.page_setup.orientation == "landscape"


def test_cells_span_rows_and_columns_and_rows_can_be_tall():
    rows = [
        (Cell("一、依法决策(20分)", down=2), 10, None),
        (None, 10, None),
        Row([Cell("备注:很长的说明", across=3, bold=True)], height=90),
    ]
    ws = book(simple(iter(rows))).active
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A3:A4", "A5:C5"}
    assert ws["A5"].font.b and ws.row_dimensions[5].height == 90
    assert ws["B4"].border.left.style == "thin"  # the grid is whole, covered cells included


def test_a_row_wider_than_the_columns_is_a_bug():
    with pytest.raises(ValueError, match="4 values for 3 columns"):
        exporting.xlsx(simple([("甲", 1, None, "多余")]))


def test_control_characters_do_not_break_the_file():
    ws = book(simple([("从Word粘贴\x0b的文字", 1, None)])).active
    assert ws["A3"].value == "从Word粘贴的文字"


def test_several_sheets_and_names_excel_accepts():
    sheets = [simple([]), Sheet(name="区级部门/乡镇[2017]?" * 3, title="t", columns=[Column("a")], rows=[])]
    wb = book(sheets)
    assert wb.sheetnames[0] == "任务进展" and len(wb.sheetnames[1]) <= 31 and "/" not in wb.sheetnames[1]
    with pytest.raises(ValueError):
        exporting.xlsx([])


def test_csv_is_utf8_with_a_bom_header_and_rows_without_the_title():
    sheet = simple(
        [
            ("=1+1", -2, dt.date(2026, 11, 30)),
            ("@区编办", Decimal("4.50"), None),
            (Cell("合并", across=2), Formula("=SUM(B2:B3)", value=Decimal("2.5")), None),
        ]
    )
    content = exporting.csv_bytes(sheet)
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines() == [
        "任务,分值,时限",
        "'=1+1,-2,2026-11-30",  # text defused with an apostrophe; a negative number stays a number
        "'@区编办,4.5,",
        "合并,2.5,",  # a formula writes its value: CSV cannot hold one
    ]


def test_response_names_the_file_and_the_type():
    xlsx = exporting.response(simple([]), filename="任务清单.xlsx")
    assert xlsx["Content-Type"] == exporting.XLSX_CONTENT_TYPE and xlsx.content[:2] == b"PK"
    assert xlsx["Content-Disposition"] == "attachment; filename*=UTF-8''%E4%BB%BB%E5%8A%A1%E6%B8%85%E5%8D%95.xlsx"
    csv = exporting.response(simple([]), filename="任务清单.csv", fmt="csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8" and csv.content.startswith(b"\xef\xbb\xbf")


def test_columns_for_a_table_known_by_its_data():
    rows = [["番禺区法治政府建设实施方案", 3, dt.date(2026, 11, 1)]]
    columns = exporting.columns_for(["规划", "任务数", "月份"], rows)
    assert [c.kind for c in columns] == [Kind.TEXT, Kind.NUMBER, Kind.DATE]
    assert columns[0].width == 2 * len("番禺区法治政府建设实施方案") + 2 and columns[1].width == 8


def test_title_line_joins_its_parts():
    assert exporting.title_line("番禺区", "", "任务进展", dt.date(2026, 11, 30)) == "番禺区 任务进展 2026-11-30"


# --- the six downloads, as a user gets them -------------------------------------------------------------------


def office_sheet(response, *, header_row: int, title: str, filename: str):
    """The download opens with openpyxl and carries the title row and the frozen header; returns its sheets."""
    assert response.status_code == 200
    assert response["Content-Type"] == exporting.XLSX_CONTENT_TYPE
    assert filename in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    for ws in wb.worksheets:
        assert ws["A1"].font.b and ws["A1"].font.sz == 14
        assert ws.freeze_panes.endswith(str(header_row + 1))
        assert all(c.font.b for c in ws[header_row] if c.value)
        assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert wb.worksheets[0]["A1"].value.startswith(title) or title in wb.worksheets[0]["A1"].value
    return wb


@pytest.mark.django_db
def test_plan_progress_download(client, district, unit, other_unit, reporter):
    plan = plan_factory(jurisdiction=district, tasks=2, lead=unit, cooperating=other_unit)
    client.force_login(reporter)
    response = client.get(reverse("tasks:plan-export", args=[plan.pk]))
    today = timezone.localdate()
    wb = office_sheet(response, header_row=2, title="番禺区", filename="%E8%A1%A8.xlsx")  # …任务进展表.xlsx
    ws = wb["任务进展"]
    assert ws["A1"].value.endswith(f"任务进展 {today:%Y-%m-%d}")
    assert ws["A2"].value == "任务ID" and ws["D3"].value == "任务1" and ws.freeze_panes == "E3"


@pytest.mark.django_db
def test_api_task_list_download(api_client_user, district, unit):
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=dt.date(2026, 12, 31))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=api_client_user).key}")
    response = client.get("/api/v1/tasks/export/", {"format": "xlsx"})
    today = timezone.localdate()
    wb = office_sheet(response, header_row=2, title=f"番禺区 任务清单 {today:%Y-%m-%d}", filename=".xlsx")
    ws = wb["任务清单"]
    assert ws["A2"].value == "任务ID" and ws["I3"].value == dt.datetime(2026, 12, 31) and ws["I3"].is_date
    text = client.get("/api/v1/tasks/export/", {"format": "csv"}).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("任务ID,规划") and ",2026-12-31," in text


@pytest.mark.django_db
def test_dashboard_chart_download(client, district, unit, leader):
    plan_factory(jurisdiction=district, tasks=2, lead=unit)
    client.force_login(leader)
    response = client.get("/dashboard/", {"download": "plans"})
    ws = office_sheet(response, header_row=2, title="番禺区 各规划完成情况", filename=".xlsx").active
    assert ws["A2"].value == "规划" and ws["B3"].value == 2


@pytest.mark.django_db
def test_rubric_download(client, rubrics, legal_officer):
    client.force_login(legal_officer)
    rubric = rubrics["department"]
    response = client.get(reverse("assessment:rubric-export", args=[rubric.pk]))
    ws = office_sheet(response, header_row=2, title=rubric.title, filename=".xlsx")["考核评分细则"]
    assert ws["A1"].value == rubric.title and ws["A2"].value == "考核事项"


@pytest.mark.django_db
def test_score_sheet_download(client, submission, reporter):
    from assessment import services
    from tests.assessment.conftest import TODAY
    from tests.assessment.helpers import self_inputs

    services.self_assessment_save(
        submission=submission, by=reporter, items=self_inputs(submission, {}), summary_text="总结", today=TODAY
    )
    services.self_assessment_submit(submission=submission, by=reporter, today=TODAY)
    client.force_login(reporter)
    response = client.get(reverse("assessment:sheet", args=[submission.pk]))
    ws = office_sheet(response, header_row=3, title=submission.rubric.title, filename=".xlsx")["考核评分表"]
    assert ws["A2"].value == "被考核单位:区编办" and ws["A3"].value == "考核事项"
    totals = [r for r in ws.iter_rows(min_row=4) if r[0].value == "合计(基础分)"]
    assert totals and totals[0][5].font.b


@pytest.mark.django_db
def test_cycle_summary_download(client, cycle, legal_officer):
    client.force_login(legal_officer)
    response = client.get(reverse("assessment:summary", args=[cycle.pk]))
    wb = office_sheet(response, header_row=3, title=cycle.title, filename=".xlsx")
    assert wb.sheetnames == ["区级部门", "乡镇(街道)"]
    assert wb["区级部门"]["A3"].value == "名次" and wb["区级部门"].freeze_panes == "C4"
