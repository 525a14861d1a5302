"""Reading a filled 分工 sheet (任务分工表): pure functions over the workbook's cells, no database.

The sheet is the one ``plans.division.division_sheet_export`` writes: a title line, a note, then a header
with 任务ID and 分句ID (grey, written by lawgov, how a row finds its task even after the rows were sorted
or filtered), the printed 序号/章节/任务/条款 (grey, for people), and the white columns the office fills:
牵头单位, 配合单位, 责任单位 (names separated by 、), 完成时限. Columns are found by their header, so a sheet
whose columns were moved still reads; a role column that was deleted is left as it is in lawgov.

What a cell means is decided here (unit names split, a date that does not exist refused, a deadline
phrase read by ``plans.importing.deadlines``); what a name or an ID refers to is the database's question
(``plans.division``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from openpyxl import load_workbook

from plans.importing.archive import zip_check
from plans.importing.deadlines import Deadline, extract_deadlines
from plans.importing.errors import DocumentError

SHEET_TITLE = "任务分工表"
ID_HEADER = "任务ID"
CLAUSE_HEADER = "分句ID"
ROLE_HEADERS = {"lead": "牵头单位", "cooperating": "配合单位", "responsible": "责任单位"}
DEADLINE_HEADER = "完成时限"
# Headers the reader needs: the ID, and at least one column it can apply.
DATA_HEADERS = (*ROLE_HEADERS.values(), DEADLINE_HEADER)
# Printed by the export for people; the reader ignores them.
PRINTED_HEADERS = ("序号", "章节", "任务", "条款")
# The header is looked for in the first rows: the export puts a title and a note above it.
HEADER_SEARCH_ROWS = 6
MAX_ROWS = 5000
# An upload is a table of a few hundred rows; anything far larger is not a 分工 sheet.
MAX_SHEET_BYTES = 5 * 1024 * 1024
NAME_SEPARATORS = "、,,;;/\n"
# A deadline with no date, kept as its words: 长期坚持, 持续推进, 常态化开展.
ONGOING_RE = re.compile(r"^(长期|持续|常态|经常|适时|逐步)")
# Something written as a date: it must be one (2023-02-30 is refused, not skipped).
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
DEADLINE_SEPARATORS = re.compile(r"[;;\n]+")


class SheetError(Exception):
    """A file that is not a 分工 sheet at all (not an .xlsx, no header, too many rows): one message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DeadlineCellError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    """One filled row: what it points at (``task_id``, ``clause_id``) and what it asks for.

    ``units`` holds only the roles whose column the sheet has; ``deadline`` is None when the sheet has no
    完成时限 column, "" when the cell is empty.
    """

    row: int
    task_id: int | None
    clause_id: int | None
    units: dict[str, list[str]]
    deadline: str | dt.date | None
    raw_id: str = ""
    id_error: str = ""


@dataclass
class SheetRead:
    rows: list[SheetRow] = field(default_factory=list)
    roles: tuple[str, ...] = ()
    has_deadline: bool = False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _id(value) -> tuple[int | None, str]:
    """An ID cell: an int, or an error message; Excel may have turned 12 into 12.0 or "12"."""
    text = _text(value)
    if not text:
        return None, ""
    if isinstance(value, bool):
        return None, f"“{text}”不是编号"
    if isinstance(value, float) and not value.is_integer():
        return None, f"“{text}”不是编号"
    if text.isdigit():
        return int(text), ""
    return None, f"“{text}”不是编号"


def unit_names_split(cell) -> list[str]:
    """``区司法局、区财政局`` → both names; separators outside brackets only, so 区委办(区府办) stays whole.
    A name is never split at 和 (区人力资源和社会保障局); the same name twice counts once."""
    text = _text(cell)
    names: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char in "((〔【[":
            depth += 1
        elif char in "))〕】]":
            depth = max(0, depth - 1)
        if depth == 0 and char in NAME_SEPARATORS:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    cleaned = ("".join(name.split()) for name in names)
    return list(dict.fromkeys(name for name in cleaned if name))


def workbook_rows(data: bytes) -> list[tuple]:
    """The cells of the 分工 sheet (or the first sheet), after the zip-bomb guard; SheetError if unreadable."""
    try:
        zip_check(data, label="Excel表格")
    except DocumentError as exc:
        raise SheetError(exc.message + "。") from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, zipfile errors… for a wrong file
        raise SheetError("文件不是有效的 .xlsx 表格,请用导出的任务分工表填写后上传(WPS 请另存为 .xlsx)。") from exc
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.active
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise SheetError(f"表格超过 {MAX_ROWS} 行,不像一份规划的分工表。")
        return rows
    finally:
        workbook.close()


def division_sheet_read(rows: list[tuple]) -> SheetRead:
    """The filled rows of a 分工 sheet, with the columns it has; SheetError when there is no usable header."""
    header_at = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if ID_HEADER in [_text(c) for c in row]:
            header_at = index
            break
    if header_at is None:
        raise SheetError(f"表中找不到“{ID_HEADER}”列的表头。请使用导出的任务分工表,保留灰色的{ID_HEADER}列。")
    header = [_text(c) for c in rows[header_at]]
    col = {name: header.index(name) for name in (ID_HEADER, CLAUSE_HEADER, *DATA_HEADERS) if name in header}
    roles = tuple(role for role, name in ROLE_HEADERS.items() if name in col)
    if not roles and DEADLINE_HEADER not in col:
        raise SheetError("表头中没有“牵头单位”“配合单位”“责任单位”“完成时限”中的任何一列,无法导入。")
    read = SheetRead(roles=roles, has_deadline=DEADLINE_HEADER in col)

    def cell(row: tuple, name: str):
        index = col.get(name)
        return row[index] if index is not None and index < len(row) else None

    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(_text(c) for c in row):
            continue
        task_id, task_error = _id(cell(row, ID_HEADER))
        clause_id, clause_error = _id(cell(row, CLAUSE_HEADER))
        deadline = None
        if read.has_deadline:
            raw = cell(row, DEADLINE_HEADER)
            deadline = raw.date() if isinstance(raw, dt.datetime) else raw if isinstance(raw, dt.date) else _text(raw)
        read.rows.append(
            SheetRow(
                row=number,
                task_id=task_id,
                clause_id=clause_id,
                units={role: unit_names_split(cell(row, ROLE_HEADERS[role])) for role in roles},
                deadline=deadline,
                raw_id=_text(cell(row, ID_HEADER)),
                id_error=task_error or (f"分句ID{clause_error}" if clause_error else ""),
            )
        )
    return read


def deadline_cell_parse(value: str | dt.date, *, plan_year: int | None, today: dt.date) -> list[Deadline]:
    """A 完成时限 cell → deadlines: a date (an Excel date, 2026-06-30, 2026年6月30日), a phrase the importer
    reads in documents (2026年底前, 每年12月底前, 每季度末), or a standing duty kept as words (长期坚持).
    Several may be separated by ;. DeadlineCellError with the reason otherwise: a date that does not exist
    (2023-02-30) or words that name no time."""
    if isinstance(value, dt.date):
        return [Deadline(text=value.isoformat(), due=value, next_due=value)]
    found: list[Deadline] = []
    for part in (p.strip() for p in DEADLINE_SEPARATORS.split(value)):
        if not part:
            continue
        match = _DATE_RE.fullmatch(part) or _DATE_RE.search(part)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                due = dt.date(year, month, day)
            except ValueError:
                raise DeadlineCellError(f"“{part}”不是存在的日期({year}年{month}月没有{day}日)。") from None
            if match.group(0) == part or _DATE_RE.fullmatch(part.rstrip("前之以")):
                found.append(Deadline(text=part[:120], due=due, next_due=due))
                continue
        if ONGOING_RE.match(part):
            found.append(Deadline(text=part[:120]))
            continue
        deadlines, yearless = extract_deadlines(part, plan_year=plan_year, reference=today)
        if yearless:
            raise DeadlineCellError(f"“{part}”没有写年份,规划也没有确定的年份,请写明年份,如 2026年6月底前。")
        if not deadlines:
            raise DeadlineCellError(
                f"完成时限“{part}”无法识别。请写日期(2026-06-30)、时限(2026年底前、每年12月底前)或“长期坚持”。"
            )
        for deadline in deadlines:
            deadline.text = part[:120]
        found.extend(deadlines)
    return found
