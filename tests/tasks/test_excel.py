"""Excel round trip: export a plan's tasks, fill rows offline, import them all or none."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tasks import excel
from tasks.models import ProgressReport
from tests.tasks.conftest import TODAY

pytestmark = pytest.mark.django_db


def filled(content: bytes, rows: dict[int, dict]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    col = {h: i + 1 for i, h in enumerate(excel.HEADERS)}
    for row, values in rows.items():
        for header, value in values.items():
            ws.cell(row=row, column=col[header], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_export_has_the_offices_layout(plan, reporter):
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].endswith(f"任务进展 {TODAY:%Y-%m-%d}")  # the title row above the header
    assert list(rows[1]) == excel.HEADERS
    assert len(rows) == 5
    assert rows[2][3] == "任务1" and rows[2][4] == "区编办" and rows[2][5] == "区财政局"
    assert rows[2][10] == "区编办"  # the reporter's unit is filled in for it


def test_round_trip_saves_every_filled_row(plan, reporter):
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    data = filled(
        content,
        {
            3: {"进展日期": "2026-11-20", "进展情况": "召开了会议", "完成比例(%)": 50},
            4: {
                "进展日期": dt.datetime(2026, 11, 21),
                "进展情况": "完成了清单",
                "完成比例(%)": 100,
                "申请完成(是/否)": "是",
            },
        },
    )
    created = excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    assert len(created) == 2
    assert {r.percent for r in created} == {50, 100}
    assert any(r.claims_completion for r in created)


def test_errors_by_row_and_nothing_saved(plan, reporter):
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    data = filled(
        content,
        {
            3: {"进展情况": "好的一行", "完成比例(%)": 30},
            4: {"进展情况": "比例错误", "完成比例(%)": 140},
            5: {"进展情况": "日期在将来", "完成比例(%)": 10, "进展日期": "2099-01-01"},
        },
    )
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    rows = {e.row: e.message for e in exc.value.errors}
    assert set(rows) == {4, 5}
    assert "0到100" in rows[4] and "不能晚于今天" in rows[5]
    assert not ProgressReport.objects.exists()


def test_a_sheet_with_a_missing_column_is_refused(plan, reporter):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["任务ID", "任务", "进展情况"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=out.getvalue(), today=TODAY)
    assert "缺少列" in exc.value.errors[0].message


def test_reporter_cannot_fill_for_another_unit(plan, reporter):
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    data = filled(content, {3: {"填报单位": "区财政局", "进展情况": "代别人填", "完成比例(%)": 10}})
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    assert exc.value.errors[0].row == 3 and "只能为本单位" in exc.value.errors[0].message


def test_upload_page_reports_errors_with_400(client, plan, reporter):
    client.force_login(reporter)
    export = client.get(reverse("tasks:plan-export", args=[plan.pk]))
    assert export.status_code == 200
    data = filled(export.content, {3: {"进展情况": "x", "完成比例(%)": "很多"}})
    response = client.post(
        reverse("tasks:plan-import", args=[plan.pk]), {"file": SimpleUploadedFile("进展.xlsx", data)}
    )
    assert response.status_code == 400
    assert "第 3 行" in response.content.decode()
    response = client.post(reverse("tasks:plan-import", args=[plan.pk]), {"file": SimpleUploadedFile("a.xlsx", b"no")})
    assert response.status_code == 400 and "不是有效的 .xlsx" in response.content.decode()


def test_every_row_error_is_listed_in_one_upload(plan, reporter):
    """Regression (walkthrough): a malformed row used to hide the rule errors of the other rows."""
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    data = filled(
        content,
        {
            3: {"进展情况": "比例过大", "完成比例(%)": 140},
            4: {"进展情况": "比例不是数字", "完成比例(%)": "abc"},
            5: {"进展情况": "日期在将来", "完成比例(%)": 10, "进展日期": "2099-01-01"},
        },
    )
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    assert [e.row for e in exc.value.errors] == [3, 4, 5]
    assert not ProgressReport.objects.exists()


def test_a_sheet_saved_before_the_title_row_still_imports(plan, reporter):
    """Sheets exported before the title row was added have the header in row 1; offices still hold them."""
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    wb = load_workbook(io.BytesIO(content))
    wb.active.unmerge_cells("A1:O1")
    wb.active.delete_rows(1)  # the old layout: header first
    out = io.BytesIO()
    wb.save(out)
    data = filled(
        out.getvalue(), {2: {"进展情况": "旧表填报", "完成比例(%)": 20}, 3: {"进展情况": "x", "完成比例(%)": 140}}
    )
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    assert [e.row for e in exc.value.errors] == [3]  # rows numbered as the old sheet shows them
    data = filled(out.getvalue(), {2: {"进展情况": "旧表填报", "完成比例(%)": 20}})
    assert [r.text for r in excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)] == ["旧表填报"]


def test_export_dates_are_dates_and_the_header_is_frozen(plan, reporter):
    ws = load_workbook(io.BytesIO(excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY))).active
    due = ws.cell(row=3, column=excel.HEADERS.index("时限") + 1)
    assert due.value == dt.datetime.combine(TODAY + dt.timedelta(days=60), dt.time()) and due.is_date
    assert ws.freeze_panes == "E3"  # ID, 章节, 编号, 任务 and the header stay in view
    assert ws["A3"].fill.fgColor.rgb.endswith("EEEEEE") and ws["M3"].fill.fill_type is None
