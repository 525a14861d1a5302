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
    assert list(rows[0]) == excel.HEADERS
    assert len(rows) == 4
    assert rows[1][3] == "任务1" and rows[1][4] == "区编办" and rows[1][5] == "区财政局"
    assert rows[1][10] == "区编办"  # the reporter's unit is filled in for it


def test_round_trip_saves_every_filled_row(plan, reporter):
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    data = filled(
        content,
        {
            2: {"进展日期": "2026-11-20", "进展情况": "召开了会议", "完成比例(%)": 50},
            3: {
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
            2: {"进展情况": "好的一行", "完成比例(%)": 30},
            3: {"进展情况": "比例错误", "完成比例(%)": 140},
            4: {"进展情况": "日期在将来", "完成比例(%)": 10, "进展日期": "2099-01-01"},
        },
    )
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    rows = {e.row: e.message for e in exc.value.errors}
    assert set(rows) == {3, 4}
    assert "0到100" in rows[3] and "不能晚于今天" in rows[4]
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
    data = filled(content, {2: {"填报单位": "区财政局", "进展情况": "代别人填", "完成比例(%)": 10}})
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    assert exc.value.errors[0].row == 2 and "只能为本单位" in exc.value.errors[0].message


def test_upload_page_reports_errors_with_400(client, plan, reporter):
    client.force_login(reporter)
    export = client.get(reverse("tasks:plan-export", args=[plan.pk]))
    assert export.status_code == 200
    data = filled(export.content, {2: {"进展情况": "x", "完成比例(%)": "很多"}})
    response = client.post(
        reverse("tasks:plan-import", args=[plan.pk]), {"file": SimpleUploadedFile("进展.xlsx", data)}
    )
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    response = client.post(reverse("tasks:plan-import", args=[plan.pk]), {"file": SimpleUploadedFile("a.xlsx", b"no")})
    assert response.status_code == 400 and "不是有效的 .xlsx" in response.content.decode()


def test_every_row_error_is_listed_in_one_upload(plan, reporter):
    """Regression (walkthrough): a malformed row used to hide the rule errors of the other rows."""
    content = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    data = filled(
        content,
        {
            2: {"进展情况": "比例过大", "完成比例(%)": 140},
            3: {"进展情况": "比例不是数字", "完成比例(%)": "abc"},
            4: {"进展情况": "日期在将来", "完成比例(%)": 10, "进展日期": "2099-01-01"},
        },
    )
    with pytest.raises(excel.SheetErrors) as exc:
        excel.progress_import(plan=plan, user=reporter, data=data, today=TODAY)
    assert [e.row for e in exc.value.errors] == [2, 3, 4]
    assert not ProgressReport.objects.exists()
