"""Issue 18: the rubric import (.xlsx sheet and .docx plan annexes) refuses a decompression bomb before
openpyxl or python-docx opens it (< 1 s, flat memory), caps the rows, and stops a parse that runs over the
time limit with a message; nothing is saved."""

import io
import os
import time
import tracemalloc
import zipfile

import pytest

from assessment import excel, services
from assessment.models import Rubric
from tests.assessment.test_exports import GOOD, sheet_bytes
from tests.lawgov.hostile import docx_bytes, inflated

pytestmark = pytest.mark.django_db


def refused(call) -> services.AssessmentError:
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(services.AssessmentError) as caught:
        call()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert caught.value.status == 400 and not Rubric.objects.exists()
    assert elapsed < 1.0 and peak < 20 * 1024 * 1024, (elapsed, peak)
    return caught.value


def test_a_rubric_sheet_bomb_is_refused_before_openpyxl(district, legal_officer):
    bomb = inflated(sheet_bytes(GOOD), "xl/worksheets/sheet1.xml", megabytes=60)
    assert len(bomb) < 1024 * 1024
    error = refused(lambda: services.rubric_import_xlsx(data=bomb, jurisdiction=district, by=legal_officer))
    assert "压缩比异常" in error.message


def test_a_rubric_sheet_inflating_past_its_cap_is_refused(district, legal_officer, monkeypatch):
    """Below the suspicious ratio but above what a rubric can be: openpyxl would hold it all in memory."""
    buffer = io.BytesIO(sheet_bytes(GOOD))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/image1.bin", os.urandom(600 * 1024))  # incompressible: ratio 1
    monkeypatch.setattr(excel, "MAX_XLSX_INFLATED_BYTES", 512 * 1024)
    data = buffer.getvalue()
    error = refused(lambda: services.rubric_import_xlsx(data=data, jurisdiction=district, by=legal_officer))
    assert "解压后超过" in error.message


def test_a_rubric_document_bomb_is_refused_before_python_docx(district, legal_officer):
    bomb = inflated(docx_bytes("考核评分细则"), "word/document.xml", megabytes=60)
    error = refused(
        lambda: services.rubric_import_document(data=bomb, filename="a.docx", jurisdiction=district, by=legal_officer)
    )
    assert "压缩比异常" in error.message


def test_a_rubric_with_too_many_rows_is_refused(district, legal_officer, monkeypatch):
    monkeypatch.setattr(excel, "MAX_RUBRIC_ROWS", 20)
    rows = [*GOOD, *[["", "", "", ""] for _ in range(10)], *[["x"] for _ in range(30)]]
    with pytest.raises(services.AssessmentError) as caught:
        services.rubric_import_xlsx(data=sheet_bytes(rows), jurisdiction=district, by=legal_officer)
    assert "超过评分细则的上限20行" in caught.value.message


def test_a_rubric_parse_over_the_time_limit_is_a_message(district, legal_officer, settings, seed_bytes):
    settings.LAWGOV_PARSE_TIME_LIMIT = 0.001
    with pytest.raises(services.AssessmentError) as caught:
        services.rubric_import_document(data=seed_bytes, filename="seed.txt", jurisdiction=district, by=legal_officer)
    assert caught.value.code == "too_slow" and "秒仍未完成" in caught.value.message
    with pytest.raises(services.AssessmentError) as caught:
        services.rubric_import_xlsx(data=sheet_bytes(GOOD), jurisdiction=district, by=legal_officer)
    assert "秒仍未完成" in caught.value.message
    assert not Rubric.objects.exists()
