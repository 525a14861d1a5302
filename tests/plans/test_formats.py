"""Every file a 政府办 sends: .docx/.xlsx (made here), .pdf/.doc/.wps/.xls (made by LibreOffice: slow), scans
(OCR by tesseract: slow), and every bad upload as a short Chinese ``DocumentError``; the slow-format job."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.urls import reverse

from lawgov.models import JobStatus
from plans import services
from plans.importing import DocumentError, parse_bytes
from plans.importing.archive import zip_check
from plans.importing.formats import convert, ocr
from plans.importing.formats.base import SAME_AS_ABOVE
from plans.importing.formats.layout import PlacedLine, paragraphs, tidy
from plans.importing.reader import read_upload
from plans.models import PlanImport, PlanImportJob
from tests.conftest import service_missing
from tests.plans.test_tables import docx_with_table

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
TABLE_ROWS = [
    ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
    ["1", "健全规范性文件审查机制", "区司法局", "区政府办公室", "2025年6月底前"],
    ["2", "开展行政执法案卷评查", "区司法局", "区级各行政执法部门", "2025年11月底前"],
    ["3", "落实政府法律顾问制度", "区政府办公室", "区司法局", "每年3月底前"],
]


def plan_docx(tasks: int = 3) -> bytes:
    document = docx.Document()
    for line in ["某区2025年法治政府建设工作要点", "一、主要任务"]:
        document.add_paragraph(line)
    for number in range(1, tasks + 1):
        document.add_paragraph(
            f"{number}.健全第{number}项制度,推进依法行政工作落实到位。(牵头单位:区司法局,配合单位:区财政局)"
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refused(data: bytes, filename: str) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_bytes(data, filename)
    assert len(caught.value.message) < 120 and "\n" not in caught.value.message
    return caught.value


def requires_soffice() -> None:
    if convert.soffice_path() is None:
        service_missing("LibreOffice (soffice) is not installed")


def requires_tesseract() -> None:
    if ocr.tesseract_path() is None:
        service_missing("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")


def image_of_text(lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 40)
    image = Image.new("L", (1800, 120 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((80, 60 + 70 * index), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_of_images(images: list[bytes]) -> bytes:
    from PIL import Image

    pages = [Image.open(io.BytesIO(image)).convert("RGB") for image in images]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=150)
    return buffer.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF with ``pages`` empty pages, written by hand (no tool needed)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


# --- bad input, fast -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "code", "words"),
    [
        (b"", "plan.pdf", "empty", "文件为空"),
        (b"", "tasks.xlsx", "empty", "文件为空"),
        (os.urandom(4096), "plan.pdf", "unsupported_type", ""),
        (b"\x13\x37" * 2048, "tasks.xlsx", "damaged", "Excel"),
        (b"\x13\x37" * 2048, "plan.docx", "bad_docx", "Word"),
        (b"%PDF-1.4\n" + os.urandom(2048), "plan.pdf", "damaged", "PDF文件已损坏"),
        (b"%PDF" + b"a" * (31 * 1024 * 1024), "scan.pdf", "too_large", "30 MB"),
        (b"PK\x03\x04garbage-zip", "tasks.xlsx", "damaged", "已损坏或不完整"),
    ],
    ids=["empty-pdf", "empty-xlsx", "garbage-pdf", "garbage-xlsx", "garbage-docx", "bad-pdf", "big-pdf", "bad-zip"],
)
def test_bad_input_is_a_short_chinese_error(data, filename, code, words):
    if code == "unsupported_type":  # random bytes with a .pdf name: no %PDF header, so not a PDF at all
        error = refused(data, filename)
        assert error.code in ("damaged", "binary", "unsupported_type") and "PDF" in error.message
        return
    error = refused(data, filename)
    assert error.code == code and words in error.message


def test_truncated_pdf_and_truncated_xlsx():
    scan = pdf_of_images([image_of_text(["某区工作方案"])])
    assert refused(scan[: len(scan) // 2], "scan.pdf").code in ("damaged", "no_ocr", "empty")
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "工作任务", "牵头单位"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused(buffer.getvalue()[:600], "tasks.xlsx").code == "damaged"


def test_a_pdf_over_the_page_cap_is_refused_before_reading():
    started = time.perf_counter()
    error = refused(many_pages_pdf(500), "long.pdf")
    assert error.code == "too_many_pages" and "500页" in error.message and "300页" in error.message
    assert time.perf_counter() - started < 5


def test_password_protected_office_file():
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    protected = header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2048
    for name in ("plan.docx", "tasks.xlsx"):
        error = refused(protected, name)
        assert error.code == "encrypted" and "密码" in error.message


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_decompression_bombs_are_refused_before_parsing():
    bomb = zip_of({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\x00" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    error = refused(bomb, "plan.docx")
    assert error.code == "too_large" and "压缩比异常" in error.message
    big = zip_of(
        {"xl/workbook.xml": os.urandom(26 * 1024 * 1024), "a": os.urandom(26 * 1024 * 1024)}, zipfile.ZIP_STORED
    )
    with pytest.raises(DocumentError) as caught:
        zip_check(big)
    assert caught.value.code == "too_large" and "50 MB" in caught.value.message


def test_a_conversion_that_hangs_is_killed_with_its_children(tmp_path, monkeypatch):
    pidfile = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}\nsleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setattr(convert, "SOFFICE_CANDIDATES", (str(fake),))
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT_SECONDS", 1)
    started = time.perf_counter()
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "plan.doc")
    assert error.code == "conversion" and "1秒仍未完成" in error.message
    assert time.perf_counter() - started < 10
    child = int(pidfile.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_without_libreoffice_an_old_word_file_says_what_to_do(monkeypatch):
    monkeypatch.setattr(convert, "SOFFICE_CANDIDATES", ("/nonexistent/soffice",))
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "plan.wps")
    assert error.code == "conversion" and "另存为.docx" in error.message


def test_without_tesseract_a_scan_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(ocr, "TESSERACT_CANDIDATES", ("/nonexistent/tesseract",))
    scan = pdf_of_images([image_of_text(["某区法治政府建设工作方案"])])
    for data, name in ((scan, "scan.pdf"), (image_of_text(["一、主要任务"]), "photo.jpg")):
        error = refused(data, name)
        assert error.code == "no_ocr"
        assert (
            error.message.startswith("这是扫描件,本机未安装文字识别(OCR)组件") and "可复制文字的版本" in error.message
        )


# --- layout repair and OCR output, fast ----------------------------------------------------------------


def test_wrapped_lines_join_page_numbers_go_and_spaces_inside_words_go():
    def line(page, x0, x1, top, text):
        return PlacedLine(page, x0, x1, top, text, 10)

    lines = [
        line(1, 120, 500, 10, "1.加强规范性文件管理,由县人力 资源社会保障局牵"),
        line(1, 100, 500, 22, "头,县司法局配合,年底前完成清理工作,并向社会"),
        line(1, 100, 300, 34, "公布清理结果。"),
        line(1, 100, 400, 46, "2.推进政务公开。(牵 头单位:县政府办)"),
        line(1, 280, 320, 80, "— 3 —"),
        line(2, 280, 300, 2, "4"),
        line(2, 120, 500, 10, "3.落实法律顾问制度,实现县政府部门法律顾问全覆盖,"),
        line(2, 100, 250, 22, "逐步推进。"),
    ]
    assert paragraphs(lines) == [
        "1.加强规范性文件管理,由县人力资源社会保障局牵头,县司法局配合,年底前完成清理工作,并向社会公布清理结果。",
        "2.推进政务公开。(牵头单位:县政府办)",
        "3.落实法律顾问制度,实现县政府部门法律顾问全覆盖,逐步推进。",
    ]
    assert tidy("第 3 页 区 司法局") == "第3页区司法局" and tidy("PDF text layer") == "PDF text layer"


def test_tesseract_tsv_becomes_lines_and_doubts():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t100\t50\t80\t40\t95.1\t一、主要",
        "5\t1\t1\t1\t1\t2\t185\t50\t80\t40\t91.0\t任务",
        "5\t1\t1\t1\t2\t1\t100\t110\t300\t40\t31.5\t区司沄局",
    ]
    lines = ocr.tsv_lines("\n".join([header, *rows]), page=2)
    assert [(line.text, round(confidence)) for line, confidence in lines] == [("一、主要任务", 93), ("区司沄局", 32)]


# --- formats that read here, fast ----------------------------------------------------------------------


def test_docx_keeps_tables_in_document_order():
    read = read_upload(docx_with_table(TABLE_ROWS), "plan.docx")
    assert read.source_format == "docx"
    assert [type(block).__name__ for block in read.blocks] == ["str", "str", "list", "str", "str"]
    assert read.blocks[2][1] == ["1", "健全规范性文件审查机制", "区司法局", "区政府办公室", "2025年6月底前"]
    assert "健全规范性文件审查机制" in read.text.splitlines()  # the text still has one cell a line


def test_command_reads_xlsx_as_json_and_refuses_bad_pdf_with_one_line(tmp_path):
    workbook = openpyxl.Workbook()
    for row in TABLE_ROWS:
        workbook.active.append(row)
    path = tmp_path / "分工表.xlsx"
    workbook.save(path)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(path), "--dry-run", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source_format"] == "xlsx" and data["ocr_doubts"] == [] and len(data["tasks"]) == 3
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(bad), "--dry-run", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "PDF文件已损坏" in result.stderr


# --- the background job on the upload page ---------------------------------------------------------------


def test_slow_upload_runs_as_a_job_and_shows_the_preview(
    client, panyu_officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "SLOW_EXTENSIONS", frozenset({".docx"}))  # the job path, without LibreOffice
    client.force_login(panyu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("plans:import"), {"file": _upload("plan.docx", docx_with_table(TABLE_ROWS)), "encoding": ""}
        )
    job = PlanImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:import-job", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"] == reverse("plans:import-preview", args=[job.plan_import_id])
    parsed = PlanImport.objects.get().parsed
    assert parsed["source_format"] == "docx" and len(parsed["tasks"]) == 3


def test_a_job_that_cannot_read_its_file_says_why(client, panyu_officer, django_capture_on_commit_callbacks):
    client.force_login(panyu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:import"), {"file": _upload("plan.pdf", b"%PDF-1.4\n" + b"\x00" * 64)})
    job = PlanImportJob.objects.get()
    assert job.status == JobStatus.FAILED and "PDF文件已损坏" in job.error
    page = client.get(response["Location"])
    assert page.status_code == 200 and "PDF文件已损坏" in page.content.decode()
    assert not PlanImport.objects.exists()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- LibreOffice and tesseract: slow --------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_doc_and_wps_from_libreoffice_read_as_their_docx():
    requires_soffice()
    source = plan_docx(tasks=12)
    expected = [(task.path, task.text) for task in parse_bytes(source, "plan.docx").tasks]
    pdf = convert.convert(source, source_suffix=".docx", target="pdf")
    word97 = convert.convert(source, source_suffix=".docx", target="doc")
    for data, name, source_format in (
        (pdf, "plan.pdf", "pdf"),
        (word97, "plan.doc", "doc"),
        (word97, "plan.wps", "wps"),
    ):
        document = parse_bytes(data, name)
        assert document.source_format == source_format
        assert [(task.path, task.text) for task in document.tasks] == expected, name


@pytest.mark.slow
def test_a_table_survives_doc_and_xls_conversion():
    requires_soffice()
    word97 = convert.convert(docx_with_table(TABLE_ROWS), source_suffix=".docx", target="doc")
    document = parse_bytes(word97, "分工.doc")
    assert [task.heading for task in document.tasks] == [row[1] for row in TABLE_ROWS[1:]]
    workbook = openpyxl.Workbook()
    for row in TABLE_ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    xls = convert.convert(buffer.getvalue(), source_suffix=".xlsx", target="xls")
    document = parse_bytes(xls, "分工.xls")
    assert document.source_format == "xls" and len(document.tasks) == 3


@pytest.mark.slow
def test_a_doc_is_read_through_odt_with_its_merged_header_and_cells():
    """Issue 13: a .doc is converted to .odt (fast) and read with the same blocks as its .docx: a two-row
    header (责任单位 spanning 牵头单位 | 配合单位, the others merged down) and a lead unit merged down."""
    requires_soffice()
    source = (CORPUS / "37_qingshi_district_table_two_row_header.docx").read_bytes()
    word97 = convert.convert(source, source_suffix=".docx", target="doc")
    expected = parse_bytes(source, "分解表.docx")
    read = read_upload(word97, "分解表.doc")
    assert read.source_format == "doc"
    assert read.tables[0][:2] == [
        ["序号", "工作任务", "责任单位", "", "完成时限"],
        [SAME_AS_ABOVE, SAME_AS_ABOVE, "牵头单位", "配合单位", SAME_AS_ABOVE],
    ]
    document = parse_bytes(word97, "分解表.doc")
    found = [(t.path, t.heading, [(u.name, u.role) for u in t.units]) for t in document.tasks]
    assert found == [(t.path, t.heading, [(u.name, u.role) for u in t.units]) for t in expected.tasks]
    assert document.title == expected.title


@pytest.mark.slow
def test_a_doc_numbered_by_word_lists_keeps_its_numbers():
    """Word's automatic numbering prints no text into .odt: such a .doc is read through .docx instead."""
    requires_soffice()
    document = docx.Document()
    document.add_paragraph("某区2025年法治政府建设工作要点")
    document.add_paragraph("一、重点任务")
    for text in ("健全依法决策机制(区司法局负责)。", "推进政务公开(区政府办公室负责)。"):
        document.add_paragraph(text, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    word97 = convert.convert(buffer.getvalue(), source_suffix=".docx", target="doc")
    read = read_upload(word97, "要点.doc")
    assert "1.健全依法决策机制(区司法局负责)。" in read.text.replace(" ", "").replace("\t", "")
    assert len(parse_bytes(word97, "要点.doc").tasks) == 2


@pytest.mark.slow
def test_password_protected_pdf():
    requires_soffice()
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"x1"}}'
    protected = convert.convert(plan_docx(), source_suffix=".docx", target=f"pdf:writer_pdf_Export:{options}")
    error = refused(protected, "plan.pdf")
    assert error.code == "encrypted" and "密码" in error.message


@pytest.mark.slow
def test_a_scan_is_read_by_ocr_with_its_doubts():
    requires_tesseract()
    lines = ["某区法治政府建设工作方案", "一、主要任务", "1.加强规范性文件管理。(牵头单位:区司法局)"]
    for data, name, source_format in (
        (pdf_of_images([image_of_text(lines)]), "scan.pdf", "pdf_scan"),
        (image_of_text(lines), "scan.png", "image"),
    ):
        read = read_upload(data, name)
        assert read.source_format == source_format
        assert "主要任务" in read.text and "区司法局" in read.text
        assert all(0 <= doubt.confidence < ocr.DOUBT_CONFIDENCE for doubt in read.ocr_doubts)
    document = parse_bytes(image_of_text(lines), "scan.png")
    assert [unit.name for unit in document.tasks[0].units] == ["区司法局"]
    assert isinstance(document.to_dict()["ocr_doubts"], list)
