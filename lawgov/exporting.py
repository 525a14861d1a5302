"""Downloads, written one way (pretix's exporters): an exporter describes a sheet, one writer renders it.

An exporter builds a :class:`Sheet`: a tab name, a title line, its :class:`Column` s (header, kind, width) and
its rows, yielded as tuples. :func:`xlsx` renders sheets with ``openpyxl.Workbook(write_only=True)`` and the
office habits every download shares: the title row above the header, a bold frozen header, column widths,
borders, real dates with a date format, and a print setup (A4, landscape when wide, fit to one page wide,
the header row repeated on every page). :func:`csv_bytes` renders the header and rows as UTF-8 CSV with a
BOM, so that Excel opens it without mojibake.

Text is always text: a value that starts with ``=`` is stored as a string, never as a formula, and in CSV a
text that a spreadsheet would evaluate (``= + - @``, tab, CR) gets a leading apostrophe (OWASP's advice for
CSV injection). A formula is only ever an explicit :class:`Formula`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Wider than this (in Excel's character units) does not fit an A4 page upright at a readable size.
PORTRAIT_MAX_WIDTH = 100
# What Excel, LibreOffice and Sheets evaluate at the start of a typed or imported cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Kind(StrEnum):
    """What a column holds: it decides the cell's number format and alignment."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``shaded`` greys its body cells: data given by the system, not to be filled in."""

    header: str
    kind: Kind = Kind.TEXT
    width: float = 12
    shaded: bool = False


@dataclass(frozen=True)
class Formula:
    """A cell Excel computes, e.g. ``Formula("=SUM(D4:D9)")``: the only way a formula gets into a sheet.

    ``value`` is what CSV writes in its place (a CSV cell cannot carry a formula safely).
    """

    text: str
    value: Any = None

    def __post_init__(self):
        if not self.text.startswith("="):
            raise ValueError(f"A formula starts with '=': {self.text!r}")


@dataclass(frozen=True)
class Cell:
    """A value with layout: merged over ``across`` columns and ``down`` rows, bold if asked.

    The positions it covers must be left ``None`` in the rows the exporter yields.
    """

    value: Any
    across: int = 1
    down: int = 1
    bold: bool = False


class Row(tuple):
    """A row that needs its own height (points), e.g. a long merged note Excel will not grow by itself."""

    height: float | None

    def __new__(cls, values: Iterable[Any], *, height: float | None = None):
        row = super().__new__(cls, values)
        row.height = height
        return row


@dataclass
class Sheet:
    """What an exporter describes: the tab ``name``, a ``title`` line, ``preamble`` lines between the title and
    the header (who, which year, which status), the ``columns`` and the ``rows`` (any iterable of tuples,
    typically a generator). ``freeze_columns`` keeps that many columns in view when scrolling right."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    preamble: Sequence[Sequence[Any]] = field(default_factory=tuple)
    freeze_columns: int = 0

    @property
    def header_row(self) -> int:
        """The header's row number in the .xlsx (1-based): after the title and the preamble."""
        return 2 + len(self.preamble)


def title_line(*parts: Any) -> str:
    """A title row's text from its parts, skipping empty ones: ``title_line("番禺区", "任务进展", today)``."""
    return " ".join(f"{p:%Y-%m-%d}" if isinstance(p, dt.date) else str(p) for p in parts if p not in (None, ""))


def text_width(value: Any) -> int:
    """Width in Excel's character units: a Chinese character takes two."""
    text = _plain(value) if not isinstance(value, str) else value
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def columns_for(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: float = 60) -> list[Column]:
    """Columns for a table known only by its headers and rows (a dashboard chart): kind and width from the data."""
    columns = []
    for index, header in enumerate(headers):
        values = [row[index] for row in rows if index < len(row) and row[index] not in (None, "")]
        if values and all(isinstance(v, dt.date) for v in values):
            kind = Kind.DATE
        elif values and all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
            kind = Kind.NUMBER
        else:
            kind = Kind.TEXT
        widest = max([text_width(header), *(text_width(v) for v in values[:200])])
        columns.append(Column(header, kind=kind, width=min(max_width, max(8, widest + 2))))
    return columns


# --- .xlsx ---------------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_GREY = PatternFill("solid", fgColor="EEEEEE")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_TITLE_ALIGN = Alignment(horizontal="center", vertical="center")
_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_PREAMBLE_ALIGN = Alignment(vertical="center")
_ALIGN = {
    Kind.TEXT: Alignment(vertical="center", wrap_text=True),
    Kind.NUMBER: Alignment(horizontal="right", vertical="center"),
    Kind.DATE: Alignment(horizontal="center", vertical="center"),
}
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def xlsx(sheets: Sheet | Iterable[Sheet]) -> bytes:
    """Render one sheet or several (one tab each) to .xlsx bytes."""
    sheets = [sheets] if isinstance(sheets, Sheet) else list(sheets)
    if not sheets:
        raise ValueError("A workbook needs at least one sheet.")
    wb = Workbook(write_only=True)
    try:
        for sheet in sheets:
            _write_sheet(wb, sheet)
    except Exception:
        # A row refused halfway leaves the streamed sheet open on a temporary file: finish it and throw it away.
        with contextlib.suppress(Exception):
            wb.save(io.BytesIO())
        raise
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_name(name: str) -> str:
    """A tab name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    return _SHEET_NAME_BAD.sub("_", name).strip("'")[:31] or "Sheet"


def _write_sheet(wb: Workbook, sheet: Sheet) -> None:
    ws = wb.create_sheet(sheet_name(sheet.name))
    columns = list(sheet.columns)
    width = len(columns)
    # Column widths and the print setup go before any row: a write-only sheet streams its rows out.
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = sheet.header_row
    _print_setup(ws, columns, header_row)
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{header_row + 1}"

    title = _cell(ws, Cell(sheet.title, across=width), None, 1, 1)
    title.font, title.alignment = _TITLE_FONT, _TITLE_ALIGN
    ws.row_dimensions[1].height = 28
    ws.append([title])

    for number, values in enumerate(sheet.preamble, start=2):
        cells = []
        for index, value in enumerate(values, start=1):
            cell = _cell(ws, value, None, number, index)
            cell.alignment = _PREAMBLE_ALIGN
            cells.append(cell)
        ws.append(cells)

    head = []
    for index, column in enumerate(columns, start=1):
        cell = _cell(ws, column.header, None, header_row, index)
        cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _GREY, _HEAD_ALIGN, _BORDER
        head.append(cell)
    ws.append(head)

    for number, values in enumerate(sheet.rows, start=header_row + 1):
        if len(values) > width:
            raise ValueError(f"Row {number} of {sheet.name!r} has {len(values)} values for {width} columns.")
        if isinstance(values, Row) and values.height:
            ws.row_dimensions[number].height = values.height
        cells = []
        for index, column in enumerate(columns, start=1):
            value = values[index - 1] if index <= len(values) else None
            cell = _cell(ws, value, column, number, index)
            cell.border = _BORDER
            cell.alignment = _ALIGN[column.kind]
            if column.shaded:
                cell.fill = _GREY
            cells.append(cell)
        ws.append(cells)


def _cell(ws, value: Any, column: Column | None, row: int, index: int) -> WriteOnlyCell:
    """One cell at (row, index); a :class:`Cell` also records its merge, written with the sheet's tail."""
    bold = False
    if isinstance(value, Cell):
        if value.across > 1 or value.down > 1:
            last = f"{get_column_letter(index + value.across - 1)}{row + value.down - 1}"
            ws.merged_cells.add(f"{get_column_letter(index)}{row}:{last}")
        bold = value.bold
        value = value.value
    cell = WriteOnlyCell(ws)
    if isinstance(value, Promise):
        value = str(value)  # a lazily translated label
    if isinstance(value, Formula):
        cell.value = value.text  # openpyxl stores a string starting with "=" as a formula: here, on purpose
    elif isinstance(value, str):
        cell.value = _text(value)
        # Never a formula, whatever it starts with; the quote prefix keeps it text when edited in Excel too.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, dt.datetime):
        cell.value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif value is None or isinstance(value, bool | int | float | Decimal):
        cell.value = value
    else:
        raise TypeError(f"Cannot write {type(value).__name__} to a sheet: {value!r}")
    if column is not None and column.kind == Kind.DATE and value is not None and not isinstance(value, dt.date):
        raise TypeError(f"Column {column.header!r} holds dates, got {value!r}: pass a date, not text.")
    if bold:
        cell.font = _BOLD
    return cell


def _text(value: str) -> str:
    # Control characters (a Word paste's \x0b) make openpyxl refuse the whole file: drop them.
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _print_setup(ws: Worksheet, columns: Sequence[Column], header_row: int) -> None:
    wide = sum(c.width for c in columns) > PORTRAIT_MAX_WIDTH
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{header_row}:{header_row}"


# --- CSV -----------------------------------------------------------------------------------------------------


def csv_bytes(sheet: Sheet) -> bytes:
    """The header and the rows as CSV, UTF-8 with a BOM (Excel's cue for UTF-8); no title: CSV is data."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_value(c.header) for c in sheet.columns])
    for values in sheet.rows:
        writer.writerow([_csv_value(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: Any) -> str:
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, Formula):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _csv_value(value: Any) -> str:
    raw = value.value if isinstance(value, Cell) else value
    text = _plain(value)
    # Only text is defused: a negative number is a number, not an injection.
    if isinstance(raw, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


# --- responses -----------------------------------------------------------------------------------------------


def response(sheets: Sheet | Sequence[Sheet], *, filename: str, fmt: str = "xlsx") -> HttpResponse:
    """A download: ``fmt`` is "xlsx" (every sheet) or "csv" (a single sheet); ``filename`` may be Chinese."""
    if fmt == "csv":
        sheet = sheets if isinstance(sheets, Sheet) else _only(sheets)
        content, content_type = csv_bytes(sheet), CSV_CONTENT_TYPE
    elif fmt == "xlsx":
        content, content_type = xlsx(sheets), XLSX_CONTENT_TYPE
    else:
        raise ValueError(f"Unknown format {fmt!r}")
    return attachment(content, filename=filename, content_type=content_type)


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes as a file download; the name is sent RFC 5987-encoded so Chinese names survive."""
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return result


def _only(sheets: Sequence[Sheet]) -> Sheet:
    if len(sheets) != 1:
        raise ValueError("A CSV file holds one sheet.")
    return sheets[0]
