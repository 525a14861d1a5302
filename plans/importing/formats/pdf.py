"""PDF: the text layer read character by character with pdfium (pypdfium2, which pdfplumber brings; pure-
Python pdfminer takes several times the 5 s a 30-page plan may take), lines put back into paragraphs; a PDF
whose pages carry no text (a scan) goes to OCR page by page."""

from __future__ import annotations

import io
import itertools
import re

from ..errors import DocumentError, ErrorCode
from . import ocr
from .base import EXTRACTING, SAME_AS_ABOVE, Block, Progress, Read, Table, no_progress
from .layout import PlacedLine, paragraphs

MAX_PDF_PAGES = 300
MAX_SCANNED_PAGES = 40  # OCR takes seconds a page: a longer scan is refused rather than run for an hour
_MIN_PAGE_CHARACTERS = 10  # fewer on a page: a scanned page (perhaps with a stamp or a page number)
_OCR_DPI = 300


def read_pdf(data: bytes, *, progress: Progress = no_progress) -> Read:
    """Text of a PDF; OCR for pages without a text layer. ``DocumentError`` for a damaged, protected,
    too long or (without tesseract) scanned PDF."""
    import pypdfium2

    document = _open(data)
    try:
        count = len(document)
        if count == 0:
            raise _damaged("没有页面")
        if count > MAX_PDF_PAGES:
            raise DocumentError(
                ErrorCode.TOO_MANY_PAGES,
                f"PDF共{count}页,超过{MAX_PDF_PAGES}页的上限。请只上传规划正文及任务分工表部分",
            )
        progress(EXTRACTING, 0, count)
        placed: list[PlacedLine] = []
        textless: list[int] = []
        for number in range(1, count + 1):
            try:
                page = document[number - 1]
                lines = _page_lines(page, number)
            except pypdfium2.PdfiumError as exc:
                raise _damaged(f"第{number}页无法读取") from exc
            if sum(len(line.text.strip()) for line in lines) < _MIN_PAGE_CHARACTERS:
                textless.append(number)
            placed.extend(lines)
            progress(EXTRACTING, number, count)

        doubts = []
        source = "pdf"
        if textless and len(textless) * 2 >= count:
            if count > MAX_SCANNED_PAGES:
                raise DocumentError(
                    ErrorCode.TOO_MANY_PAGES,
                    f"这是扫描件,共{count}页,超过文字识别{MAX_SCANNED_PAGES}页的上限。请上传可复制文字的版本,"
                    "或只上传任务所在的页",
                )
            ocr.require()
            images = [(number, _render(document[number - 1])) for number in textless]
            placed = [line for line in placed if line.page not in set(textless)]
            scanned, doubts = ocr.recognise_pages(images, progress=progress)
            placed = sorted([*placed, *scanned], key=lambda line: line.page)
            source = "pdf_scan"
    finally:
        document.close()
    blocks: list[Block] = list(paragraphs(placed))
    if source == "pdf":
        # A 任务分工表 printed as a ruled table: its rows as cells (the table reader's input), after the text.
        blocks.extend(_tables(data, _table_pages(placed)))
    text = "\n".join(block for block in blocks if isinstance(block, str))
    return Read(text=text, source_format=source, blocks=blocks, ocr_doubts=doubts, pages=count)


# A line that names three columns of a task-division table (序号 工作任务 牵头单位 配合单位 完成时限) marks a
# page worth reading for tables: pdfplumber's table finder is slow (pdfminer), so it reads only those pages.
_COLUMN_WORDS_RE = re.compile(r"序号|任务|措施|内容|牵头|配合|责任单位|责任部门|时限|时间节点|完成时间")
_MAX_TABLE_PAGES = 40


def _table_pages(placed: list[PlacedLine]) -> list[int]:
    pages: list[int] = []
    for line in placed:
        if line.page not in pages and len(line.text) <= 60 and len(set(_COLUMN_WORDS_RE.findall(line.text))) >= 3:
            pages.append(line.page)
    return pages[:_MAX_TABLE_PAGES]


def _tables(data: bytes, pages: list[int]) -> list[Table]:
    """The ruled tables on ``pages`` as rows of cell texts, a table continued over several pages joined.

    pdfplumber gives a cell covered by a merge as None: under a written cell (a lead unit merged down over
    three tasks) it reads ``SAME_AS_ABOVE``; in a row with one written cell (a section row spanning the
    table) or in the first row, blank.
    """
    if not pages:
        return []
    import pdfplumber

    tables: list[Table] = []
    last_page = 0
    try:
        with pdfplumber.open(io.BytesIO(data), pages=pages) as pdf:
            for page in pdf.pages:
                for position, found in enumerate(page.find_tables()):
                    rows = _table_rows([[_cell_text(page.chars, cell) for cell in row.cells] for row in found.rows])
                    if not rows:
                        continue
                    continued = position == 0 and last_page == page.page_number - 1
                    if tables and continued and len(rows[0]) == len(tables[-1][0]):
                        tables[-1].extend(rows)  # the same table, running on from the page before
                    else:
                        tables.append(rows)
                    last_page = page.page_number
    except Exception:  # pdfminer's errors have no common base: a table we cannot read leaves the text
        return []
    return tables


def _cell_text(chars: list[dict], box: tuple[float, float, float, float] | None) -> str | None:
    """The text of a cell (None for a cell covered by a merge): its characters by their centres, line by
    line; a line that reaches the cell's right edge was wrapped there and runs on without a break (县人力资源社
    / 会保障局), a shorter one ends where the writer ended it (one unit a line)."""
    if box is None:
        return None
    left, top, right, bottom = box
    inside = [
        char
        for char in chars
        if left <= (char["x0"] + char["x1"]) / 2 <= right and top <= (char["top"] + char["bottom"]) / 2 <= bottom
    ]
    lines: list[list[dict]] = []
    for char in sorted(inside, key=lambda char: (round(char["top"]), char["x0"])):
        if lines and abs(lines[-1][0]["top"] - char["top"]) <= char["size"] * 0.5:
            lines[-1].append(char)
        else:
            lines.append([char])
    text = ""
    for index, line in enumerate(lines):
        line.sort(key=lambda char: char["x0"])
        text += "".join(char["text"] for char in line)
        if index + 1 < len(lines):
            padding = max(line[0]["x0"] - left, 0.0)
            full = right - line[-1]["x1"] < line[-1]["size"] + padding
            text += "" if full else "\n"
    return text.strip()


def _table_rows(raw: list[list[str | None]]) -> Table:
    rows: Table = []
    for index, cells in enumerate(raw):
        written = [cell for cell in cells if cell is not None and cell.strip()]
        spanning = len([cell for cell in cells if cell is not None]) == 1
        row = [
            (cell or "").strip() if cell is not None else ("" if index == 0 or spanning else SAME_AS_ABOVE)
            for cell in cells
        ]
        if written or any(cell == SAME_AS_ABOVE for cell in row):
            rows.append(row)
    return rows


def _open(data: bytes):
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentError(
                ErrorCode.ENCRYPTED, "PDF设有打开密码,无法读取。请取消密码后重新导出PDF,或上传Word版本"
            ) from None
        raise _damaged("文件结构无法解析") from exc  # PDFium's own words are English and say no more


def _page_lines(page, number: int) -> list[PlacedLine]:
    """The page's characters grouped into lines by their vertical centre, each line read left to right."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        height = page.get_height()
        chars = []
        for index, char in enumerate(text[: textpage.count_chars()]):
            if not char.strip():
                continue
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            chars.append((left, right, (bottom + top) / 2, max(top - bottom, 1.0), char))
    finally:
        textpage.close()
    chars.sort(key=lambda char: -char[2])
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for char in chars:
        if rows and abs(rows[-1][0][2] - char[2]) <= rows[-1][0][3] * 0.45:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda char: char[0])
        size = sorted(char[3] for char in row)[len(row) // 2]
        parts = [row[0][4]]
        for previous, char in itertools.pairwise(row):
            if char[0] - previous[1] > size * 0.35:
                parts.append(" ")
            parts.append(char[4])
        top = height - row[0][2]
        lines.append(PlacedLine(number, row[0][0], max(char[1] for char in row), top, "".join(parts), size))
    return lines


def _damaged(detail: str) -> DocumentError:
    return DocumentError(
        ErrorCode.DAMAGED, f"PDF文件已损坏或不完整,无法读取({detail})。请重新导出或下载PDF,或上传Word版本"
    )


def _render(page) -> bytes:
    """A PNG image (300 dpi, grey) of a page, for OCR."""
    bitmap = page.render(scale=_OCR_DPI / 72, grayscale=True)
    buffer = io.BytesIO()
    bitmap.to_pil().save(buffer, format="PNG")
    return buffer.getvalue()
