"""The responsibility statement (目标责任书) of one unit as a .docx ready to print and sign.

Title, the two parties, the statement's items as annex 1 or 2 prints them, how it is assessed, and the
signature blocks (单位(盖章) / 负责人签字 / 日期) for both sides.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

if TYPE_CHECKING:
    from assessment.models import AssessmentCycle, ResponsibilityStatement
    from lawgov.models import Unit

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"


TEXT_WIDTH_CM = 21.0 - 2 * 2.6  # A4 less the margins set below
COLUMNS_CM = (1.5, 3.8, 10.5)  # 序号 narrow, 考核项目, 目标内容 wide: as the annex prints them


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _title_size(title: str, *, largest: float = 20, smallest: float = 16) -> float:
    """The largest size (2 号 at most) at which the title fits on one line; a title too long even at 3 号 wraps
    (then Word, WPS and LibreOffice break it where they can)."""
    fits = TEXT_WIDTH_CM / 2.54 * 72 / max(len(title), 1)  # CJK glyphs are one em wide
    return max(smallest, min(largest, int(fits * 2) / 2))


def _window_of_year(cycle: AssessmentCycle | None, year: int) -> str:
    """The cycle's self-assessment window as the statement quotes it, only when it lies in the statement's
    own year (or the January after it): a 2017 statement never quotes the 2026 dates a demo window was moved
    to; otherwise the statement says 每年12月 as the annex does."""
    if cycle is None or not all(d.year in (year, year + 1) for d in (cycle.self_start, cycle.self_end)):
        return ""
    return (
        f"{_cn_date(cycle.self_start)}至{_cn_date(cycle.self_end)}进行自查自评,"
        "形成年度法治政府建设工作总结并报送自评得分和有关资料;"
    )


def _fixed_columns(table, widths_cm: tuple[float, ...]) -> None:
    """Column widths every word processor honours: a fixed layout and the grid's own widths (LibreOffice and
    WPS read ``w:tblGrid``, Word reads the cells' ``w:tcW``), not only the cells'."""
    table.autofit = False
    props = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    props.append(layout)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _keep_together(table) -> None:
    """No row split across pages, and each row kept with the next: the signature block prints on one page."""
    rows = list(table.rows)
    for index, row in enumerate(rows):
        cant_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant_split)
        if index < len(rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _font(run, name: str = FONT, size: float = 14, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # East Asian text takes the eastAsia font, not the Latin one.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str = "", *, size: float = 14, bold: bool = False, align=None, indent: bool = False):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.space_after = Pt(4)
    if text:
        _font(paragraph.add_run(text), size=size, bold=bold)
    return paragraph


def statement_docx(
    *, statement: ResponsibilityStatement, unit: Unit, cycle: AssessmentCycle | None = None, issuer: str = ""
) -> bytes:
    """One unit's copy of the statement; ``issuer`` is the government that assesses (昭化区人民政府)."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)

    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(title.add_run(statement.title), name=TITLE_FONT, size=_title_size(statement.title), bold=True)
    issuer = issuer or f"{statement.jurisdiction.name}人民政府"
    _paragraph(doc, f"责任单位:{unit.name}", size=14)
    _paragraph(doc, f"考核单位:{issuer}", size=14)
    _paragraph(
        doc,
        f"为全面落实{statement.year}年度法治政府建设各项工作任务,明确工作责任,{issuer}与{unit.name}签订本目标责任书。"
        f"{unit.name}对下列目标负责,年底接受考核。",
        indent=True,
    )

    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("序号", "考核项目", "目标内容"), strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), size=12, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for clause in statement.clauses.all():
        cells = table.add_row().cells
        for cell, text in zip(cells, (clause.number, clause.heading, clause.text), strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), size=12)
    _fixed_columns(table, COLUMNS_CM)

    rubric_titles = [r.title for r in statement.rubrics.filter(deleted_at__isnull=True)]
    how = f"按照《{rubric_titles[0]}》进行考核" if rubric_titles else "按照年度考核评分细则进行考核"
    window = _window_of_year(cycle, statement.year)
    _paragraph(
        doc,
        f"本责任书{how},满分100分,另设特别加分和特别扣分。责任单位于{window or '每年12月'}"
        f"法制机构组织集中考核,考核结果报区政府审定后纳入年度综合目标考核。",
        indent=True,
    )
    _paragraph(doc, "本责任书一式两份,双方各执一份,自签订之日起生效。", indent=True)
    _paragraph(doc).paragraph_format.keep_with_next = True

    signatures = doc.add_table(rows=3, cols=2)
    left = (f"责任单位(盖章):{unit.name}", "负责人签字:____________", "日期:______年____月____日")
    right = (f"考核单位(盖章):{issuer}", "负责人签字:____________", "日期:______年____月____日")
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        for cell, text in zip(signatures.rows[index].cells, (a, b), strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), size=14)
    _keep_together(signatures)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
