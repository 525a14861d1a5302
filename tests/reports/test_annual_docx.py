"""Issue 6: the .docx in the official document format, and LibreOffice reading it: the converted text has the
title and the headings, and the PDF is set in CJK fonts (the free stand-ins of 仿宋, 楷体, 黑体), not tofu."""

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from reports import docx_render
from reports.generator.typography import fullwidth
from tests.conftest import service_missing
from tests.reports.test_annual_generator import YEAR, build_year, draft

PART_TITLES = (
    f"{YEAR}年法治政府建设的主要举措和成效",
    "存在的不足和原因",
    "党政主要负责人履行推进法治建设第一责任人职责情况",
    f"{YEAR + 1}年推进法治政府建设的主要安排",
    "其他需要报告的事项",
)


@pytest.fixture
def year_data(district, legal_officer):
    return build_year(district)


@pytest.fixture
def body(district, year_data):
    return draft(district)[1]


@pytest.fixture
def docx_bytes(body):
    return docx_render.render_docx(body, author="广州市番禺区人民政府")


def east_asia(run) -> str:
    return run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_page_layout_is_gb_t_9704(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    section = doc.sections[0]
    lengths = ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")
    mm = [round(getattr(section, name).mm) for name in lengths]
    assert mm == [210, 297, 37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch = int(grid.get(qn("w:linePitch")))
    assert pitch * 22 <= round(225 / 25.4 * 1440) < pitch * 23  # 22 lines in the 225 mm type area
    # 28 characters of 三号 in the 156 mm line: 16 pt condensed by a quarter point.
    assert 28 * (16 + docx_render.CHAR_CONDENSE_TWENTIETHS / 20) <= 156 / 25.4 * 72
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_fonts_of_title_headings_and_body(docx_bytes, year_data):
    doc = Document(io.BytesIO(docx_bytes))
    title = doc.paragraphs[0]
    # Two lines of 二号, broken between words (a line break inside the one title paragraph).
    assert title.text == f"广州市番禺区人民政府关于我区\n{YEAR}年法治政府建设情况的报告"
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    headings = [p for p in doc.paragraphs if re.match(r"^[一二三四五六七八九十]+、", p.text)]
    assert [h.text for h in headings] == [
        fullwidth(f"{ordinal}、{t}") for ordinal, t in zip("一二三四五", PART_TITLES, strict=True)
    ]
    assert all(east_asia(h.runs[0]) == "黑体" for h in headings)
    first = next(p for p in doc.paragraphs if p.text.startswith(fullwidth("(一)加强行政复议工作。")))
    assert east_asia(first.runs[0]) == "楷体_GB2312" and east_asia(first.runs[1]) == "仿宋_GB2312"
    assert first.paragraph_format.first_line_indent > Pt(30)


def test_page_numbers_on_the_outer_side(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in ((section.footer, "RIGHT"), (section.even_page_footer, "LEFT")):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment.name == align
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")


def test_fontconfig_maps_the_official_fonts_to_free_ones():
    xml = docx_render.fontconfig_xml()
    assert "<family>仿宋_GB2312</family><prefer><family>AR PL UMing CN</family>" in xml
    assert "<family>楷体_GB2312</family><prefer><family>AR PL UKai CN</family>" in xml
    assert "<family>黑体</family><prefer><family>Noto Sans CJK SC</family>" in xml


@pytest.fixture
def soffice():
    if docx_render.soffice_path() is None:
        service_missing("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


def test_libreoffice_reads_the_title_and_headings(soffice, docx_bytes, body):
    text = docx_render.convert(docx_bytes, "txt").decode("utf-8-sig")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "".join(lines[:2]) == body["title"]  # the title, broken in two between words
    for ordinal, title in zip("一二三四五", PART_TITLES, strict=True):
        assert f"{ordinal}\u3001{title}" in lines
    assert any(line.startswith(fullwidth("(一)加强行政复议工作。围绕加强行政复议工作,我区")) for line in lines)
    assert any(line.startswith(fullwidth(f"{YEAR}年,我区法治政府建设取得了一定成效")) for line in lines)
    assert any(line.startswith(fullwidth(f"{YEAR + 1}年,我区将")) for line in lines)
    assert lines[-2] == "广州市番禺区人民政府" and lines[-1].endswith("日")  # 落款, 成文日期


def test_libreoffice_sets_the_pdf_in_cjk_fonts(soffice, docx_bytes):
    pdf = docx_render.convert(docx_bytes, "pdf")
    assert pdf.startswith(b"%PDF")
    fonts = {f.split(b"+")[-1] for f in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_\-]+)", pdf)}
    names = b" ".join(fonts)
    assert b"UMing" in names  # 仿宋_GB2312 → AR PL UMing CN
    assert b"UKai" in names  # 楷体_GB2312 → AR PL UKai CN
    assert b"NotoSansCJK" in names  # 黑体 → Noto Sans CJK SC
