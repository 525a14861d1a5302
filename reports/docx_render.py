"""The report as an official document (.docx) to GB/T 9704-2012, and its conversion by LibreOffice.

Layout: A4, margins 37/35/28/26 mm (top/bottom/left/right) so that the type area is 156 × 225 mm;
``LINES_PER_PAGE`` lines (a line grid) of ``CHARS_PER_LINE`` characters (the body slightly condensed);
title in 方正小标宋简体 二号 (22 pt) centred; body in 仿宋_GB2312 三号 (16 pt) with a two-character
first-line indent; first-level headings (一、) in 黑体 三号, second-level ones ((一)) in 楷体_GB2312 三号
run into their paragraph; page numbers "— 1 —" in 宋体 四号, odd pages on the right, even on the left.

Fonts: the .docx names the official fonts (what a government PC has). Where they are absent — a Linux
server, CI — ``FONT_FALLBACKS`` maps each to the free fonts Debian packages (fonts-noto-cjk,
fonts-arphic-uming, fonts-arphic-ukai); ``fontconfig_xml`` turns that map into fontconfig aliases, which
``convert`` hands to LibreOffice, and which docs/reports.md shows how to install system-wide.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.generator import ordinal
from reports.generator.typography import LPAREN, RPAREN, fullwidth, title_lines

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# Official font → free fonts, first available wins (Debian: fonts-noto-cjk, fonts-arphic-uming/-ukai).
FONT_FALLBACKS: dict[str, list[str]] = {
    "方正小标宋简体": ["Noto Serif CJK SC", "AR PL UMing CN"],
    "方正小标宋_GBK": ["Noto Serif CJK SC", "AR PL UMing CN"],
    "仿宋_GB2312": ["AR PL UMing CN", "Noto Serif CJK SC"],
    "仿宋": ["AR PL UMing CN", "Noto Serif CJK SC"],
    "黑体": ["Noto Sans CJK SC"],
    "楷体_GB2312": ["AR PL UKai CN"],
    "楷体": ["AR PL UKai CN"],
    "宋体": ["Noto Serif CJK SC", "AR PL UMing CN"],
}

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
_TYPE_AREA_H_TWIPS = round(225 / 25.4 * 1440)
_TYPE_AREA_W_PT = 156 / 25.4 * 72
LINE_PITCH_TWIPS = _TYPE_AREA_H_TWIPS // LINES_PER_PAGE  # 579 twips ≈ 28.95 pt
LINE_PITCH = Pt(LINE_PITCH_TWIPS / 20)
# 二号 (22 pt) title characters on a 156 mm line.
TITLE_CHARS = int(_TYPE_AREA_W_PT // 22)
# 28 characters of 三号 (16 pt) need 448 pt but the line is 442 pt: the body is condensed by a quarter
# point per character (in twentieths of a point). A character grid (docGrid linesAndChars) would do the
# same in Word, but LibreOffice snaps each 16 pt character to two 15.8 pt cells: so a line grid only.
CHAR_CONDENSE_TWENTIETHS = -round((16 - _TYPE_AREA_W_PT / CHARS_PER_LINE) * 20 + 0.5)


def _fonts(run_or_style, east_asia: str, size=None, latin: str = LATIN_FONT) -> None:
    """Set a run's (or style's) fonts: Latin letters and digits in ``latin``, Chinese in ``east_asia``."""
    font = run_or_style.font
    font.name = latin
    if size is not None:
        font.size = size
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _spacing(run_or_style, twentieths: int) -> None:
    rpr = run_or_style.element.get_or_add_rPr()
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.append(spacing)
    spacing.set(qn("w:val"), str(twentieths))


def _paragraph_format(paragraph, *, indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY) -> None:
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(2 * (16 + CHAR_CONDENSE_TWENTIETHS / 20)) if indent else Pt(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.alignment = align
    fmt.widow_control = False
    # Exact spacing, not the grid, sets the pitch: snapped to the grid, a line set in a font taller than
    # the pitch (黑体's fallback, Noto Sans CJK) takes two grid lines, the empty line inside a wrapped heading.
    ppr = paragraph._p.get_or_add_pPr()
    snap = ppr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        ppr.append(snap)
    snap.set(qn("w:val"), "0")


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    if grid.get(qn("w:charSpace")) is not None:
        del grid.attrib[qn("w:charSpace")]
    doc.settings.odd_and_even_pages_header_footer = True
    # The number itself is a field: LibreOffice sets a field's result in the paragraph style's font, so the
    # footer style carries 宋体 四号 too, not only the runs around it.
    footer_style = doc.styles["Footer"]
    _fonts(footer_style, PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align) -> None:
    """ "— 7 —" in 宋体 四号, one character in from the outer edge."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = SIZE_4
    else:
        fmt.left_indent = SIZE_4
    _fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)
    run = paragraph.add_run()
    _fonts(run, PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)


def render_docx(body: dict, *, author: str = "") -> bytes:
    """The version body as .docx bytes (see reports.models.ReportVersion.body)."""
    doc = Document()
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, SIZE_3)
    _spacing(normal, CHAR_CONDENSE_TWENTIETHS)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    _page_setup(doc)
    doc.core_properties.title = body.get("title", "")
    doc.core_properties.author = author
    doc.core_properties.language = "zh-CN"

    title = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    _paragraph_format(title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(35)
    keep = tuple(w for w in (author, body.get("signature", "")) if w)
    for n, line in enumerate(title_lines(body.get("title", ""), chars_per_line=TITLE_CHARS, keep_whole=keep)):
        run = title.add_run(line)
        _fonts(run, TITLE_FONT, SIZE_2)
        _spacing(run, 0)
        if n:
            run._r.insert(run._r.index(run._r.find(qn("w:t"))), OxmlElement("w:br"))
    _paragraph_format(doc.add_paragraph(), indent=False)  # one empty line under the title, as printed
    if body.get("addressee"):
        addressee = doc.add_paragraph()
        _paragraph_format(addressee, indent=False)
        _fonts(addressee.add_run(fullwidth(body["addressee"].rstrip(":\uff1a")) + "\uff1a"), BODY_FONT, SIZE_3)

    for label, section, para in labelled_paragraphs(body):
        if para is None:
            heading = doc.add_paragraph()
            _paragraph_format(heading)
            heading.paragraph_format.keep_with_next = True
            _fonts(heading.add_run(label + fullwidth(section.get("title", ""))), HEADING1_FONT, SIZE_3)
            continue
        p = doc.add_paragraph()
        _paragraph_format(p)
        if para.get("title"):
            _fonts(p.add_run(label + _run_in_title(para["title"])), HEADING2_FONT, SIZE_3)
        _fonts(p.add_run(fullwidth(para.get("text", ""))), BODY_FONT, SIZE_3)
    _signature(doc, body)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def labelled_paragraphs(body: dict):
    """Walk the body as printed: ``(label, section, None)`` for a theme's heading (一、), then
    ``(label, section, paragraph)`` for each paragraph ((一) where it has a title, else "")."""
    theme_no = 0
    for section in body.get("sections", []):
        if section.get("title"):
            theme_no += 1
            yield f"{ordinal(theme_no)}\u3001", section, None
        sub_no = 0
        for para in section.get("paragraphs", []):
            label = ""
            if para.get("title"):
                sub_no += 1
                label = f"{LPAREN}{ordinal(sub_no)}{RPAREN}"
            yield label, section, para


def _run_in_title(title: str) -> str:
    """A (一) title run into its paragraph ends with one full stop (or the title's own ?/!)."""
    title = fullwidth(title.strip())
    return title if title.endswith(("\u3002", "\uff1f", "\uff01")) else title + "\u3002"


def _signature(doc, body: dict) -> None:
    """落款 and 成文日期 (GB/T 9704 7.3.5.1): the date four characters in from the right, the signature
    centred over it, with room above for the seal (印章 is stamped on paper, so its place is left empty)."""
    signature, date = body.get("signature", ""), body.get("date", "")
    if not (signature or date):
        return
    char = 16 + CHAR_CONDENSE_TWENTIETHS / 20
    for _ in range(3):
        _paragraph_format(doc.add_paragraph(), indent=False)
    lines = [(signature, 4 + (len(date) - len(signature)) / 2 if date else 4), (date, 4)]
    for text, indent_chars in lines:
        if text:
            p = doc.add_paragraph()
            _paragraph_format(p, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(max(0.0, indent_chars) * char)
            _fonts(p.add_run(text), BODY_FONT, SIZE_3)


def paragraph_labels(body: dict) -> list[dict]:
    """The body with the labels the document prints (一、 and (一)), for the HTML preview and the diff."""
    out: list[dict] = []
    for label, section, para in labelled_paragraphs(body):
        if para is None or not out or out[-1]["key"] != section.get("key"):
            title = fullwidth(section.get("title", ""))
            out.append({**section, "title": title, "label": label if para is None else "", "paragraphs": []})
        if para is not None:
            shown = {"title": fullwidth(para.get("title", "")), "text": fullwidth(para.get("text", ""))}
            out[-1]["paragraphs"].append({**para, **shown, "label": label})
    return out


# --- LibreOffice -----------------------------------------------------------------------------------------


class ConversionError(Exception):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_xml(include_system: bool = True) -> str:
    """fontconfig aliases from ``FONT_FALLBACKS``: the official names resolve to the free fonts."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>"]
    if include_system:
        lines.append('  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>')
    for official, free in FONT_FALLBACKS.items():
        prefer = "".join(f"<family>{f}</family>" for f in free)
        lines.append(f'  <alias binding="same"><family>{official}</family><prefer>{prefer}</prefer></alias>')
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def convert(docx: bytes, fmt: str, *, timeout: int = 120, font_aliases: bool = True) -> bytes:
    """Convert .docx bytes with LibreOffice: ``fmt`` "pdf" or "txt" (UTF-8 text). Each call uses its own
    LibreOffice profile, so conversions may run side by side; the font aliases apply to this call only
    (``font_aliases=False`` converts as a plain LibreOffice would, with whatever fonts it finds)."""
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError("本机未安装 LibreOffice(soffice),无法转换格式。")
    target = {"pdf": "pdf:writer_pdf_Export", "txt": "txt:Text (encoded):UTF8"}[fmt]
    with tempfile.TemporaryDirectory(prefix="lawgov-report-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(docx)
        conf = folder / "fonts.conf"
        conf.write_text(fontconfig_xml(), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)} if font_aliases else dict(os.environ)
        cmd = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice 转换超时({timeout}秒)。") from exc
        result = folder / "out" / f"report.{fmt}"
        if not result.exists():
            detail = (done.stderr or done.stdout or b"").decode(errors="replace")[-500:]
            raise ConversionError(f"LibreOffice 转换失败:{detail}")
        return result.read_bytes()
