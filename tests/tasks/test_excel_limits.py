"""Issue 18: the progress sheet import refuses hostile and broken files with a message, never a 500 —
a decompression bomb in < 1 s with flat memory, more rows than the limit, a file over the size limit, a
truncated file, a sheet whose XML is broken half-way, a parse that runs over the time limit."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tasks import excel
from tasks.models import ProgressReport
from tests.lawgov.hostile import inflated
from tests.tasks.conftest import TODAY

pytestmark = pytest.mark.django_db


def refused(plan, user, data: bytes) -> str:
    with pytest.raises(excel.SheetErrors) as caught:
        excel.progress_import(plan=plan, user=user, data=data, today=TODAY)
    assert not ProgressReport.objects.exists()
    return caught.value.errors[0].message


def test_a_sheet_bomb_is_refused_at_once_with_flat_memory(client, plan, reporter):
    export = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    bomb = inflated(export, "xl/worksheets/sheet1.xml", megabytes=60)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    message = refused(plan, reporter, bomb)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "压缩比异常" in message
    assert elapsed < 1.0 and peak < 20 * 1024 * 1024, (elapsed, peak)
    # Through the page: a 400 with the message, not a 500.
    client.force_login(reporter)
    response = client.post(reverse("tasks:plan-import", args=[plan.pk]), {"file": SimpleUploadedFile("b.xlsx", bomb)})
    assert response.status_code == 400 and "压缩比异常" in response.content.decode()


def test_more_rows_than_the_limit_are_refused_while_streaming(plan, reporter, monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 50)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(excel.SHEET_TITLE)
    ws.append(excel.HEADERS)
    for i in range(200):
        ws.append([i, "", "", "x"])
    out = io.BytesIO()
    wb.save(out)
    assert "表格超过50行,请分批导入" in refused(plan, reporter, out.getvalue())


def test_the_default_row_limit_sits_above_a_large_plan():
    assert excel.MAX_SHEET_ROWS >= 5000


def test_a_file_over_the_size_limit_is_refused_before_reading(plan, reporter):
    assert "MB的上限" in refused(plan, reporter, b"PK" + b"\0" * (excel.MAX_SHEET_BYTES + 1))


def test_a_truncated_sheet_is_a_message(plan, reporter):
    export = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    assert "不是有效的 .xlsx" in refused(plan, reporter, export[: len(export) // 2])


def test_a_sheet_broken_half_way_is_a_message(plan, reporter):
    export = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    source = zipfile.ZipFile(io.BytesIO(export))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) * 2 // 3]  # the XML stops in the middle of a row
            target.writestr(info.filename, content)
    assert "不是有效的 .xlsx" in refused(plan, reporter, out.getvalue())


def test_a_parse_over_the_time_limit_is_a_message(plan, reporter, settings):
    settings.LAWGOV_PARSE_TIME_LIMIT = 0.001
    export = excel.plan_tasks_export(plan=plan, user=reporter, today=TODAY)
    assert "文件读取超过0.001秒仍未完成" in refused(plan, reporter, export)
