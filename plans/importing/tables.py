"""Task-division tables (任务分工表): a plan's tasks as rows of 序号 | 工作任务 | 具体内容 | 牵头单位 | 配合单位 |
完成时限, in any order, from a Word table, an Excel sheet, or text lines with | between the cells.

The header row is found by its words (after a title row and a preamble, if any); each data row becomes a
task with its units (split by units.py) and deadlines (deadlines.py); a row that spans the table with a
heading (一、依法全面履行政府职能) opens a section. The result is the parser's own ``ParsedDocument``: the
text parser reads the document's title, number, issuer and date from the paragraphs around the table, and
``table_document`` puts the table's sections and tasks in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .deadlines import Deadline, extract_deadlines
from .formats.base import SAME_AS_ABOVE, Read, Table
from .normalize import normalize_line
from .result import Clause, ParsedDocument, ParseWarning, Section, Task
from .targets import extract_targets
from .units import Role, UnitMention, parse_assignment, split_unit_names

NUMBER, NAME, CONTENT, LEAD, COOPERATING, RESPONSIBLE, DEADLINE = (
    "number",
    "name",
    "content",
    "lead",
    "cooperating",
    "responsible",
    "deadline",
)
UNIT_COLUMNS = (LEAD, COOPERATING, RESPONSIBLE)
_HEADER_SEARCH_ROWS = 15
_MIN_PIPE_ROWS = 3
_MIN_PIPE_CELLS = 3

# Header words → column kind; tried in order, the first that the cleaned header cell contains wins.
_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (NUMBER, ("序号", "编号", "序列", "排序")),
    (LEAD, ("牵头单位", "牵头部门", "主办单位", "主责单位", "牵头责任单位", "牵头")),
    (COOPERATING, ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位", "协作单位", "配合", "协办")),
    (RESPONSIBLE, ("责任单位", "责任部门", "负责单位", "实施单位", "责任主体", "承办单位", "落实单位", "主体单位")),
    (DEADLINE, ("完成时限", "时间节点", "完成时间", "时间要求", "完成期限", "时限", "进度安排", "时间安排", "期限")),
    (
        CONTENT,
        ("具体内容", "工作内容", "具体措施", "工作措施", "主要内容", "任务内容", "具体任务", "工作举措", "主要措施",
         "具体工作", "目标要求", "工作目标", "任务要求", "措施", "内容"),
    ),
    (NAME, ("工作任务", "重点任务", "主要任务", "任务名称", "任务事项", "工作事项", "改革事项", "工作项目", "任务",
            "事项", "项目")),
)  # fmt: skip
_HEADER_CLEAN_RE = re.compile(r"[\s\u3000::()()\[\]【】*]")
_SECTION_RE = re.compile(
    r"^(?:(?P<l1>[一二三四五六七八九十]{1,3})[、.]|\((?P<l2>[一二三四五六七八九十]{1,3})\)"
    r"|第(?P<part>[一二三四五六七八九十]{1,3})(?:部分|章|类))\s*(?P<title>.*)$"
)
_CHINESE_NUMERAL_RE = re.compile(r"^[一二三四五六七八九十]{1,3}$")
_NUMBER_CLEAN_RE = re.compile(r"[.、.。\s]+$")
_RULE_ROW_RE = re.compile(r"^:?-{3,}:?$")
_UNIT_HINT_RE = re.compile(r"牵头|配合|负责|协办|协助|参与|责任单位")
_TITLE_WORDS_RE = re.compile(r"(分工表|清单|台账|任务表|分解表|方案|要点|计划|安排)")
_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")
_HEADING_SPLIT_RE = re.compile(r"[。;!?]")


@dataclass
class Columns:
    """Which column holds what, found from the header row."""

    kinds: dict[str, int] = field(default_factory=dict)
    header_row: int = 0
    width: int = 0

    def cell(self, row: list[str], kind: str) -> str:
        index = self.kinds.get(kind)
        return row[index] if index is not None and index < len(row) else ""


def header_columns(row: list[str]) -> dict[str, int]:
    """Column kinds of a header row (first column of each kind wins), by the words in its cells."""
    kinds: dict[str, int] = {}
    for index, cell in enumerate(row):
        if cell == SAME_AS_ABOVE:
            continue
        cleaned = _HEADER_CLEAN_RE.sub("", normalize_line(cell))
        if not cleaned or len(cleaned) > 12:
            continue
        for kind, words in _HEADER_WORDS:
            if any(word in cleaned for word in words):
                if kind not in kinds:
                    kinds[kind] = index
                elif kind == NAME and CONTENT not in kinds:
                    kinds[CONTENT] = index  # 重点任务 | 工作任务: the second is the content
                break
    return kinds


def is_task_header(kinds: dict[str, int]) -> bool:
    """A task-division header: a task column, a unit column, and at least three known columns."""
    has_task = NAME in kinds or CONTENT in kinds
    has_unit = any(kind in kinds for kind in UNIT_COLUMNS)
    return has_task and has_unit and len(kinds) >= 3


def find_header(table: Table) -> Columns | None:
    """The header: one row, or two when a merged cell stands over the columns it divides (责任单位 over
    牵头单位 | 配合单位; 序号 and 工作任务 merged down through both rows). Then the data starts under the
    second row, and each column is named by its lower cell, or by the cell above it where the lower is
    part of a merge."""
    for index, row in enumerate(table[:_HEADER_SEARCH_ROWS]):
        upper_kinds = header_columns(row)
        if len(upper_kinds) >= 2 and index + 1 < len(table) and is_header_words_row(table[index + 1]):
            combined = _two_row_header(row, table[index + 1])
            kinds = header_columns(combined)
            if is_task_header(kinds):
                return Columns(kinds=kinds, header_row=index + 1, width=max(len(row), len(table[index + 1])))
        if is_task_header(upper_kinds):
            return Columns(kinds=upper_kinds, header_row=index, width=len(row))
    return None


def is_header_words_row(row: list[str]) -> bool:
    """A row whose every written cell is a column name (牵头单位 | 配合单位 under a merged 责任单位), at least
    two: the lower row of a two-row header, never a row of data."""
    written = [cell for cell in row if cell.strip() and cell != SAME_AS_ABOVE]
    return len(written) >= 2 and all(_is_column_name(cell) for cell in written)


def _is_column_name(cell: str) -> bool:
    """A cell that is a column's name (牵头单位, 配合单位(部门)), not data that holds a header word
    (区司法局牵头): the word with at most two characters around it."""
    cleaned = _HEADER_CLEAN_RE.sub("", normalize_line(cell))
    return any(word in cleaned and len(cleaned) - len(word) <= 2 for _, words in _HEADER_WORDS for word in words)


def _two_row_header(upper: list[str], lower: list[str]) -> list[str]:
    """One header row from two: the lower cell where it is written, else the upper cell, a blank upper cell
    (covered by a merge across columns) taking the written cell to its left."""
    combined: list[str] = []
    carried = ""
    for index in range(max(len(upper), len(lower))):
        top = upper[index] if index < len(upper) else ""
        if top.strip() and top != SAME_AS_ABOVE:
            carried = top
        bottom = lower[index] if index < len(lower) else ""
        combined.append(bottom if bottom.strip() and bottom != SAME_AS_ABOVE else carried)
    return combined


# --- text with | between cells --------------------------------------------------------------------------


def pipe_cells(line: str) -> list[str] | None:
    """The cells of a ``a|b|c`` or ``| a | b | c |`` line, or None when it is not one."""
    stripped = line.strip()
    if stripped.count("|") < _MIN_PIPE_CELLS - 1:
        return None
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        stripped = stripped[1:-1]
    return [cell.strip() for cell in stripped.split("|")]


def pipe_tables(text: str) -> list[tuple[int, int, Table]]:
    """Runs of | lines that hold a task-division header and at least three rows of its width, as
    (first line, end line, rows); a Markdown rule row (| --- |) is dropped."""
    lines = text.splitlines()
    found: list[tuple[int, int, Table]] = []
    index = 0
    while index < len(lines):
        if pipe_cells(lines[index]) is None:
            index += 1
            continue
        start = index
        rows: Table = []
        while index < len(lines) and (cells := pipe_cells(lines[index])) is not None:
            if not all(_RULE_ROW_RE.match(cell.replace(" ", "")) or not cell for cell in cells):
                rows.append(cells)
            index += 1
        header = find_header(rows)
        if header is not None:
            same_width = sum(1 for row in rows[header.header_row :] if len(row) == header.width)
            if same_width >= _MIN_PIPE_ROWS and header.width >= _MIN_PIPE_CELLS:
                found.append((start, index, rows))
    return found


# --- rows → sections and tasks ------------------------------------------------------------------------


@dataclass
class _Reader:
    plan_year: int | None
    reference: date | None
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    section: Section | None = None
    parent: Section | None = None
    count: int = 0

    def read(self, table: Table, columns: Columns) -> None:
        above: dict[int, str] = {}
        for row in table[columns.header_row + 1 :]:
            row = [*row, *[""] * (columns.width - len(row))]
            filled = []
            for index, cell in enumerate(row):
                value = above.get(index, "") if cell == SAME_AS_ABOVE else cell
                above[index] = value
                filled.append(value)
            if is_task_header(header_columns(row)) or is_header_words_row(row):
                continue  # the header (either of its rows) repeated at the top of every printed page
            self._row(filled, row, columns)

    def _row(self, row: list[str], raw: list[str], columns: Columns) -> None:
        texts = [_clean_text(cell) for cell in raw if cell != SAME_AS_ABOVE]
        distinct = list(dict.fromkeys(text for text in texts if text))
        if not distinct:
            return
        number = _NUMBER_CLEAN_RE.sub("", _clean_text(columns.cell(row, NUMBER)))
        has_units = any(_clean_text(columns.cell(raw, kind)) for kind in UNIT_COLUMNS)
        if len(distinct) == 1 and _SECTION_RE.match(distinct[0]):  # spans the row (merged, or repeated)
            self._open_section(distinct[0])
            return
        if _CHINESE_NUMERAL_RE.match(number) and not has_units:
            title = next((text for text in distinct if text != number), "")
            self._open_section(f"{number}、{title}")
            return
        if len(distinct) == 1 and not has_units and self.tasks and not number:
            return  # a note or a total (合计) row
        name = _clean_text(columns.cell(row, NAME))
        content = _clean_text(columns.cell(row, CONTENT))
        if not (name or content):
            return
        name_shared = NAME in columns.kinds and raw[columns.kinds[NAME]] == SAME_AS_ABOVE
        self.count += 1
        number = number or str(self.count)
        section_path = self.section.path if self.section else ""
        path = f"{section_path}/{number}" if section_path else number
        text = f"{name}:{content}" if name and content and not name_shared else (content or name)
        heading = _heading(content) if (name_shared or not name) else name
        units = self._units(row, columns)
        deadline_text = normalize_line(_clean_text(columns.cell(row, DEADLINE)))
        deadlines = self._deadlines(deadline_text) if deadline_text else self._deadlines(text, quiet=True)
        self.tasks.append(
            Task(
                path=path,
                number=number,
                section_path=section_path,
                heading=heading,
                text=text,
                clauses=[Clause(text=text, units=units)],
                deadlines=deadlines,
                targets=extract_targets(text),
            )
        )
        if self.section is not None:
            self.section.role = "tasks"
        if not units:
            self.warnings.append(ParseWarning("no_units", f"任务{path}未写明责任单位", path))

    def _open_section(self, text: str) -> None:
        text = normalize_line(text)
        match = _SECTION_RE.match(text)
        if match is None:
            return
        title = match.group("title").strip(" 。")
        if match.group("l2"):
            label = f"({match.group('l2')})"
            parent = self.parent
            path = f"{parent.path}/{label}" if parent else label
            section = Section(label=label, title=title, path=path, level=2 if parent else 1)
            (parent.children if parent else self.sections).append(section)
        else:
            label = match.group("l1") or f"第{match.group('part')}部分"
            section = Section(label=label, title=title, path=label, level=1)
            self.sections.append(section)
            self.parent = section
        self.section = section

    def _units(self, row: list[str], columns: Columns) -> list[UnitMention]:
        mentions: list[UnitMention] = []
        responsible = Role.LEAD if COOPERATING in columns.kinds else Role.RESPONSIBLE
        roles = {LEAD: Role.LEAD, COOPERATING: Role.COOPERATING, RESPONSIBLE: responsible}
        for kind in (LEAD, RESPONSIBLE, COOPERATING):  # who carries the task first, as the text parser lists
            cell = columns.cell(row, kind)
            if not cell.strip():
                continue
            names = "、".join(normalize_line(part) for part in re.split(r"[\r\n]+", cell) if part.strip())
            assigned = parse_assignment(names) if _UNIT_HINT_RE.search(names) else None
            if assigned:
                mentions.extend(assigned)
            else:
                mentions.extend(UnitMention(name, roles[kind]) for name in split_unit_names(names))
        unique: dict[tuple[str, Role], UnitMention] = {}
        for mention in mentions:
            if mention.name and mention.name not in ("无", "/", "-", "—"):
                unique.setdefault((mention.name, mention.role), mention)
        return list(unique.values())

    def _deadlines(self, text: str, *, quiet: bool = False) -> list[Deadline]:
        found, _ = extract_deadlines(text, plan_year=self.plan_year, reference=self.reference, clause=0)
        if not found and not quiet and text not in ("无", "/", "-", "—"):
            return [Deadline(text=text, clause=0)]  # 长期坚持, 持续推进: kept as printed, no date
        return found


def _clean_text(cell: str) -> str:
    """A cell's text on one line: lines inside a cell joined (no space between Chinese characters)."""
    if not cell or cell == SAME_AS_ABOVE:
        return ""
    parts = [part.strip() for part in re.split(r"[\r\n]+", cell) if part.strip()]
    return normalize_line("".join(parts))


def _heading(text: str) -> str:
    first = _HEADING_SPLIT_RE.split(text, maxsplit=1)[0].strip(" 。,;:")
    if len(first) > 30:
        phrase = re.split(r"[,:]", first, maxsplit=1)[0]
        first = phrase if len(phrase) >= 4 else first
    return first[:40] + ("…" if len(first) > 40 else "")


# --- the document -------------------------------------------------------------------------------------


def task_tables(read: Read) -> list[tuple[Table, Columns]]:
    """The task-division tables of a read document: its own tables, or | runs in its text."""
    tables = read.tables or [rows for _, _, rows in pipe_tables(read.text)]
    found = []
    for table in tables:
        columns = find_header(table)
        if columns is not None:
            found.append((table, columns))
    return found


def table_document(document: ParsedDocument, read: Read, *, reference_date: date | None = None) -> ParsedDocument:
    """``document`` (the text parser's reading) with the tasks and sections of the task-division tables
    in ``read``, when there are any; the source format and OCR doubts recorded either way."""
    read.annotate(document)
    tables = task_tables(read)
    if not tables:
        return document
    plan_year = _plan_year(document, tables)
    reference = reference_date or document.issued or (date(plan_year, 1, 1) if plan_year else None)
    reader = _Reader(plan_year=plan_year, reference=reference)
    cells = {_clean_text(cell) for table, _ in tables for row in table for cell in row}
    for table, columns in tables:
        # The text parser reads cells as lines: a task cell ending in 计划 is no title of the document.
        if document.title is None or document.title in cells:
            document.title = _title_in_table(table, columns) or _title_before(read)
        reader.read(table, columns)
    if not reader.tasks:
        return document
    document.kind = "plan"
    if document.plan_kind is None and document.title:
        document.plan_kind = _plan_kind(document.title)
    document.sections = reader.sections
    document.tasks = reader.tasks
    header_words = {cell for table, columns in tables for cell in table[columns.header_row] if cell}
    document.annexes = [annex for annex in document.annexes if not header_words & set(annex.lines)]
    kept = {"no_title", "no_doc_number", "no_issue_date", "unknown_plan_kind"}
    document.warnings = [
        w for w in document.warnings if w.code in kept and not (w.code == "no_title" and document.title)
    ]
    if document.plan_kind is not None:
        document.warnings = [w for w in document.warnings if w.code != "unknown_plan_kind"]
    document.warnings.extend(reader.warnings)
    document.meta = {**document.meta, "table": "任务分工表"}
    return document


def _plan_year(document: ParsedDocument, tables: list[tuple[Table, Columns]]) -> int | None:
    if document.issued:
        return document.issued.year
    if document.period:
        return document.period.start
    for text in [document.title or "", *(cell for table, _ in tables for row in table[:3] for cell in row)]:
        match = _YEAR_RE.search(text or "")
        if match:
            return int(match.group(1))
    return None


def _title_in_table(table: Table, columns: Columns) -> str | None:
    for row in reversed(table[: columns.header_row]):
        texts = list(dict.fromkeys(_clean_text(cell) for cell in row if _clean_text(cell)))
        if len(texts) == 1 and _TITLE_WORDS_RE.search(texts[0]):
            return texts[0]
    return None


def _title_before(read: Read) -> str | None:
    candidates = []
    for block in read.blocks or [line for line in read.text.splitlines()]:
        if not isinstance(block, str):
            break
        if pipe_cells(block) is not None:
            break
        line = normalize_line(block)
        if _TITLE_WORDS_RE.search(line) and len(line) <= 60 and not line.endswith(("。", ";", ":", ",")):
            candidates.append(line)
    return candidates[-1] if candidates else None


_PLAN_KINDS = (
    ("工作要点", "key_points"),
    ("工作安排", "annual_arrangement"),
    ("工作计划", "annual_arrangement"),
    ("规划", "five_year_plan"),
    ("实施意见", "opinion"),
    ("意见", "opinion"),
    ("方案", "scheme"),
)


def _plan_kind(title: str) -> str | None:
    return next((kind for word, kind in _PLAN_KINDS if word in title), None)
