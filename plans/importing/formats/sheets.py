"""Excel task sheets (.xlsx; .xls after LibreOffice converts it): every sheet a table of text cells."""

from __future__ import annotations

import datetime as dt
import io

from ..archive import zip_check
from ..errors import DocumentError, ErrorCode
from .base import SAME_AS_ABOVE, Block, Read, Table, blocks_text

MAX_SHEET_ROWS = 5000
MAX_SHEET_COLUMNS = 60


def read_xlsx(data: bytes, *, source_format: str = "xlsx") -> Read:
    """Rows of every visible sheet as a table block; the sheet's name is a paragraph before it."""
    zip_check(data, label="Excel文件").close()
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, lxml errors…
        raise DocumentError(
            ErrorCode.DAMAGED, f"Excel文件已损坏或不完整,无法读取({type(exc).__name__})。请重新保存为.xlsx后上传"
        ) from exc
    blocks: list[Block] = []
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            table = sheet_rows(sheet)
            if table:
                blocks.append(table)
    finally:
        workbook.close()
    return Read(text=blocks_text(blocks), source_format=source_format, blocks=blocks)


def sheet_rows(sheet) -> Table:
    """A sheet's non-empty rows as text cells; a cell under a vertical merge reads ``SAME_AS_ABOVE``."""
    if sheet.max_row > MAX_SHEET_ROWS:
        raise DocumentError(
            ErrorCode.TOO_LARGE, f"工作表“{sheet.title}”有{sheet.max_row}行,超过{MAX_SHEET_ROWS}行的上限"
        )
    covered: dict[tuple[int, int], str] = {}
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    below = row > merged.min_row and column == merged.min_col
                    covered[(row, column)] = SAME_AS_ABOVE if below else ""
    rows: Table = []
    width = min(sheet.max_column, MAX_SHEET_COLUMNS)
    for row_number, values in enumerate(
        sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width, values_only=True), start=1
    ):
        cells = [covered.get((row_number, column), cell_text(value)) for column, value in enumerate(values, start=1)]
        if any(cell.strip() and cell != SAME_AS_ABOVE for cell in cells):
            rows.append(cells)
    while rows and all(not row[-1].strip() for row in rows):
        rows = [row[:-1] for row in rows]
    return rows


def cell_text(value: object) -> str:
    """A cell as printed: 1.0 → 1, a date → 2024年6月30日."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()
