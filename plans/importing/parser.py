"""Find the structure of a plan document: metadata, headings, numbered tasks with their clauses, units,
deadlines and targets, closing duties, annexes. Pure functions over text; no clock, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .deadlines import Deadline, extract_deadlines
from .errors import DocumentError, ErrorCode
from .formats.base import Progress, no_progress
from .normalize import normalize_document
from .reader import read_upload
from .result import (
    Annex,
    Clause,
    ParsedDocument,
    ParseWarning,
    Period,
    Phase,
    ReportInfo,
    Requirement,
    Section,
    Task,
)
from .tables import table_document
from .targets import extract_targets
from .units import find_groups, parse_assignment

PLAN = "plan"
REPORT = "report"

_L1_RE = re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$")
_L2_RE = re.compile(r"^\(([一二三四五六七八九十]{1,3})\)\s*(.*)$")
_ITEM_DOT_RE = re.compile(r"^(?!(?:19|20)\d\d[.、])(\d{1,4})[.、](?!\d)\s*(.+)$")
_ITEM_PAREN_RE = re.compile(r"^\((\d{1,3})\)\s*(.+)$")

_DATE_LINE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CHINESE_DATE_LINE_RE = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,15})[〔\[(](\d{4})[〕\])](\d{1,4})号?")
_DOC_NUMBER_LINE_RE = re.compile(r"^([\u4e00-\u9fff]{1,15})[〔\[(](\d{4})[〕\])](\d{1,4})号?$")
_ISSUER_RE = re.compile(r"(办公室|办公厅|人民政府|政府|委员会|领导小组|小组|法制办|司法局|办|局|委)$")
_TITLE_ISSUER_RE = re.compile(r"^(.+?(?:人民政府|办公室|办公厅|委员会))关于")
_TITLE_KEYWORDS_RE = re.compile(r"(方案|意见|规划|安排|要点|报告|计划|纲要|办法)")
_PUBLISHED_NAME_RES = (
    re.compile(r"关于印发《?(.+?)》?的通知"),
    re.compile(r"《(.+?)》"),
)
_PERIOD_RE = re.compile(r"((?:19|20)\d\d)\s*年?\s*[—\-–~至到]\s*((?:19|20)\d\d)")
_SINGLE_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")
_FIVE_YEAR_PLANS = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
}
_PLAN_KINDS = (
    ("工作要点", "key_points"),
    ("工作安排", "annual_arrangement"),
    ("工作计划", "annual_arrangement"),
    ("规划", "five_year_plan"),
    ("实施意见", "opinion"),
    ("意见", "opinion"),
    ("工作方案", "scheme"),
    ("实施方案", "scheme"),
    ("方案", "scheme"),
)
_REQUIREMENT_TITLE_RE = re.compile(
    r"工作要求|组织保障|保障措施|组织实施|实施步骤|工作步骤|落实措施|实施保障|组织领导|有关要求"
)

_ANNEX_HEAD_RE = re.compile(r"^附件\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[::]?\s*(.{0,80})$")
_ANNEX_LIST_RE = re.compile(r"^附件\s*[::]\s*(.*)$")
_ANNEX_BARE_RE = re.compile(r"^附件\s*[::]?$")
_ANNEX_ITEM_RE = re.compile(r"^(\d{1,2})[.、]\s*(.+)$")

_PHASE_RANGE_RE = re.compile(r"(\d{4})\s*年?\s*(?:至|到|—|-|~)\s*(\d{4})\s*年\s*为\s*([^,;。]{1,16}?阶段)")
_PHASE_SINGLE_RE = re.compile(r"(?<![至到—\-~\d])(\d{4})\s*年\s*为\s*([^,;。]{1,16}?阶段)")
_HEADING_SPLIT_RE = re.compile(r"[。;!?]")
_CLAUSE_STRIP = " 。,;、:\n"
_CHINESE_VALUES = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def parse_document(text: str, *, reference_date: date | None = None) -> ParsedDocument:
    """Parse a decoded document (raw or already normalized) into its structure.

    ``reference_date`` is the day from which recurring deadlines' ``next_due`` is counted; by default the
    plan's issue date, so the preview shows the first due date of the plan's life.
    """
    normalized = normalize_document(text)
    lines, meta = normalized.lines, normalized.meta
    # The body starts at the first 一、 heading; a short plan without any starts at its first numbered item.
    starts_body = _L1_RE.match if any(_L1_RE.match(line) for line in lines) else _ITEM_DOT_RE.match
    first_body_line = next((i for i, line in enumerate(lines) if starts_body(line)), 0)
    annex_start = _find_annex_start(lines, after=first_body_line)
    first_heading = next((i for i, line in enumerate(lines[:annex_start]) if starts_body(line)), annex_start)
    body_end = _signature_start(lines, first_heading, annex_start)

    warnings: list[ParseWarning] = []
    title_index, title = _find_title(lines[:first_heading], meta)
    if title is None:
        warnings.append(ParseWarning("no_title", "未找到文件标题"))
    front = lines[: title_index if title_index is not None else 0]
    body_start = title_index + 1 if title_index is not None else 0

    kind = REPORT if title and "报告" in title else PLAN
    plan_kind = _plan_kind(title) if kind == PLAN else None
    if kind == PLAN and plan_kind is None:
        warnings.append(
            ParseWarning("unknown_plan_kind", "无法从标题判断计划类型(工作方案/实施意见/规划/工作安排/工作要点)")
        )
    signature = lines[body_end:annex_start]
    issued, date_index = _find_issued(front, meta, signature)
    issuer = _find_issuer(front if date_index is None or date_index >= 0 else signature, date_index, meta, title)
    doc_number = _find_doc_number(front, meta)
    period = _find_period(title)
    if kind == PLAN:
        if doc_number is None:
            warnings.append(ParseWarning("no_doc_number", "未找到文号"))
        if issued is None:
            warnings.append(ParseWarning("no_issue_date", "未找到发文日期"))

    plan_year = issued.year if issued else (period.start if period else None)
    if plan_kind == "annual_arrangement" and period is not None:
        plan_year = period.start  # an annual plan's undated deadlines fall in its own year
    reference = reference_date or issued or (date(plan_year, 1, 1) if plan_year else None)

    walker = _Walker(kind=kind, plan_year=plan_year, reference=reference)
    walker.walk(lines[body_start:first_heading], lines[first_heading:body_end])
    warnings.extend(walker.warnings)

    document = ParsedDocument(
        title=title,
        kind=kind,
        plan_kind=plan_kind,
        doc_number=doc_number,
        issuer=issuer,
        issued=issued,
        period=period,
        preamble="\n".join(walker.preamble),
        sections=walker.sections,
        tasks=walker.tasks,
        requirements=walker.requirements,
        annexes=_parse_annexes(lines, annex_start),
        warnings=warnings,
        meta=meta,
    )
    if kind == REPORT:
        document.report = _report_info(title, walker.sections, lines[body_start:annex_start])
    return document


def parse_bytes(
    data: bytes,
    filename: str,
    encoding: str | None = None,
    *,
    reference_date: date | None = None,
    progress: Progress = no_progress,
) -> ParsedDocument:
    """Read, normalize and parse an upload; a plan in which no task can be found is refused.

    The refusal is here rather than in ``parse_document`` because only an upload has a person to tell:
    a report legitimately has no tasks, a plan without any is a wrong file or a format we do not read.
    ``progress`` hears the stages of slow formats (the plan-import job's progress bar).
    """
    read = read_upload(data, filename, encoding, progress=progress)  # any format → text and blocks (reader.py)
    document = parse_document(read.text, reference_date=reference_date)
    document = table_document(document, read, reference_date=reference_date)  # 任务分工表 rows (tables.py)
    if document.kind == PLAN and not document.tasks:
        raise DocumentError(
            ErrorCode.NO_TASKS,
            "没有找到可识别的任务:文件中没有“一、”标题下按“1.”“2.”编号的任务条目,请确认上传的是计划类文件",
        )
    return document


# --- metadata -----------------------------------------------------------------------------------------


def _title_key(text: str) -> str:
    return re.sub(r"[“”\"'‘’《》\s—\-–]", "", text)


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(char in chars for char in short)


def _find_title(front: list[str], meta: dict[str, str]) -> tuple[int | None, str | None]:
    """The document's own title line (the last title-like line before the first heading), completed from
    the name in the notice or page header when that is the same title with more of it (lost quotes, the
    district prefix, a lost 年)."""
    candidates: list[int] = []
    for index, line in enumerate(front):
        if (
            len(line) <= 80
            and not line.endswith(("。", ",", ":", ";"))
            and "印发" not in line
            and not line.endswith("通知")
            and "》" not in line
            and "《" not in line
            and not line.startswith("附件")
            and _TITLE_KEYWORDS_RE.search(line)
            and not _DATE_LINE_RE.match(line)
            and not _DOC_NUMBER_LINE_RE.match(line)
        ):
            candidates.append(index)
    if not candidates:
        return None, None
    index = candidates[-1]
    title = front[index]

    fuller: list[str] = [front[i] for i in candidates[:-1]]
    for source in [meta.get("name", "")] + [line for line in front[:index] if "印发" in line or "《" in line]:
        for pattern in _PUBLISHED_NAME_RES:
            fuller.extend(match.group(1) for match in pattern.finditer(source))
    key = _title_key(title)
    for name in fuller:
        name_key = _title_key(name)
        if name == title or len(name) < len(title):
            continue
        if name_key.endswith(key) or (_is_subsequence(key, name_key) and len(name_key) - len(key) <= 4):
            title = name
            break
    return index, title


def _plan_kind(title: str | None) -> str | None:
    if not title:
        return None
    for word, kind in _PLAN_KINDS:
        if word in title:
            return kind
    return None


def _date_from_match(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _chinese_number(text: str) -> int:
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CHINESE_VALUES.get(tens, 1) if tens else 1) * 10 + (_CHINESE_VALUES.get(units, 0) if units else 0)
    return int("".join(str(_CHINESE_VALUES[char]) for char in text))


def _line_date(line: str) -> date | None:
    match = _DATE_LINE_RE.match(line)
    if match:
        return _date_from_match(*match.groups())
    match = _CHINESE_DATE_LINE_RE.match(line)
    if match:
        year, month, day = (_chinese_number(part) for part in match.groups())
        return _date_from_match(str(year), str(month), str(day))
    return None


def _find_issued(front: list[str], meta: dict[str, str], signature: list[str]) -> tuple[date | None, int | None]:
    """The signature date of the notice; else the page header's 发文日期 / 发布时间; else the signature
    after the plan's own text. The index says where the date line was: in ``front`` (>= 0), in
    ``signature`` (negative, counted from its end), or nowhere (None)."""
    for index, line in enumerate(front):
        found = _line_date(line)
        if found:
            return found, index
    for key in ("issued", "published"):
        match = _ISO_DATE_RE.search(meta.get(key, ""))
        if match and (found := _date_from_match(*match.groups())):
            return found, None
    for index in range(len(signature) - 1, -1, -1):
        found = _line_date(signature[index])
        if found:
            return found, index - len(signature)
    return None, None


def _looks_like_issuer(line: str) -> bool:
    return len(line) <= 40 and bool(_ISSUER_RE.search(line)) and not line.endswith((":", "。", ","))


def _find_issuer(lines: list[str], date_index: int | None, meta: dict[str, str], title: str | None) -> str | None:
    """The line above the signature date when it names an organisation; else the page header; else the
    issuing body named in a title such as 广州市人民政府关于…的报告."""
    if date_index is not None:
        position = date_index if date_index >= 0 else len(lines) + date_index
        if position > 0 and _looks_like_issuer(lines[position - 1]):
            return lines[position - 1]
    if meta.get("issuer"):
        return meta["issuer"]
    if title and (match := _TITLE_ISSUER_RE.match(title)):
        return match.group(1)
    return None


def _signature_start(lines: list[str], start: int, end: int) -> int:
    """Where a trailing signature (issuing body, date) begins, so it is not read as part of the last task."""
    position = end
    if position - 1 > start and _line_date(lines[position - 1]):
        position -= 1
        if position - 1 > start and _looks_like_issuer(lines[position - 1]):
            position -= 1
    return position


def _canonical_doc_number(match: re.Match[str]) -> str:
    return f"{match.group(1)}〔{match.group(2)}〕{match.group(3)}号"


def _find_doc_number(front: list[str], meta: dict[str, str]) -> str | None:
    """文号 from the page header, else the notice's own line (号 may be lost), else the header's name."""
    if meta.get("doc_number") and (match := _DOC_NUMBER_RE.search(meta["doc_number"])):
        return _canonical_doc_number(match)
    for line in front:
        if match := _DOC_NUMBER_LINE_RE.match(line):
            return _canonical_doc_number(match)
    if match := re.search(r"\(([^()]*〔\d{4}〕\d+号)\)$", meta.get("name", "")):
        return match.group(1)
    return None


def _find_period(title: str | None) -> Period | None:
    """The years a plan covers, from its title: (2022-2025年), 十二五, or an annual plan's single year."""
    if not title:
        return None
    if match := _PERIOD_RE.search(title):
        start, end = int(match.group(1)), int(match.group(2))
        if start <= end:
            return Period(start, end)
    for name, (start, end) in _FIVE_YEAR_PLANS.items():
        if name in title:
            return Period(start, end)
    if match := _SINGLE_YEAR_RE.search(title):
        return Period(int(match.group(1)), int(match.group(1)))
    if match := re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", title):
        return Period(int(match.group(1)), int(match.group(1)))
    return None


# --- body ---------------------------------------------------------------------------------------------


def _split_heading(rest: str) -> tuple[str, str]:
    """``加强领导。我区…`` → (加强领导, 我区…), ``指导思想:以…`` → (指导思想, 以…); else all title."""
    match = re.search(r"[。:]", rest)
    if match and match.start() <= 40 and rest[match.end() :].strip():
        return rest[: match.start()], rest[match.end() :].strip()
    return rest.rstrip("。"), ""


def task_heading(text: str) -> str:
    """A short name for a task: its first sentence, or that sentence's first phrase when it is long."""
    plain = text
    for start, end, _ in reversed(find_groups(text)):
        if parse_assignment(text[start + 1 : end - 1]) is not None:
            plain = plain[:start] + plain[end:]
    first = _HEADING_SPLIT_RE.split(plain.strip(), maxsplit=1)[0].strip(_CLAUSE_STRIP)
    if len(first) > 30:
        phrase = re.split(r"[,:]", first, maxsplit=1)[0]
        if len(phrase) >= 4:
            first = phrase
    if len(first) > 40:
        first = first[:40] + "…"
    return first


def split_clauses(text: str) -> list[Clause]:
    """Cut a task's text after each unit parenthesis; text with no parenthesis is one clause without units."""
    clauses: list[Clause] = []
    position = 0
    for start, end, inner in find_groups(text):
        units = parse_assignment(inner)
        if units is None:
            continue
        clauses.append(Clause(text=text[position:start].strip(_CLAUSE_STRIP), units=units))
        position = end
    tail = text[position:].strip(_CLAUSE_STRIP)
    if len(re.findall(r"[\u4e00-\u9fff]", tail)) >= 2 or not clauses:
        clauses.append(Clause(text=tail, units=[]))
    return clauses


@dataclass
class _Item:
    """A numbered item while its lines are being collected."""

    number: str
    path: str
    container: Section
    lines: list[str] = field(default_factory=list)
    is_requirement: bool = False


class _Walker:
    """One pass over the body lines, building sections, tasks and closing duties as headings arrive."""

    def __init__(self, *, kind: str, plan_year: int | None, reference: date | None) -> None:
        self.kind = kind
        self.plan_year = plan_year
        self.reference = reference
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.requirements: list[Requirement] = []
        self.warnings: list[ParseWarning] = []
        self.preamble: list[str] = []
        self._bodies: dict[int, list[str]] = {}
        self._heading_text: dict[int, str] = {}
        self._items: list[_Item] = []
        self._paths: set[str] = set()

    def walk(self, preamble: list[str], lines: list[str]) -> None:
        self.preamble = list(preamble)
        root = Section(label="", title="", path="", level=0)  # holds tasks of a plan without headings
        l1: Section | None = None
        l2: Section | None = None
        item: _Item | None = None
        style: str | None = None
        for line in lines:
            if match := _L1_RE.match(line):
                title, body = _split_heading(match.group(2))
                l1 = Section(label=f"{match.group(1)}、", title=title, path=match.group(1), level=1)
                if self.kind == PLAN and _REQUIREMENT_TITLE_RE.search(title):
                    l1.role = "requirements"
                self.sections.append(l1)
                self._bodies[id(l1)] = [body] if body else []
                l2, item, style = None, None, None
                continue
            if match := _L2_RE.match(line):
                title, body = _split_heading(match.group(2))
                label = f"({match.group(1)})"
                l2 = Section(label=label, title=title, path=f"{l1.path}/{label}" if l1 else label, level=2)
                l2.role = l1.role if l1 else "other"
                (l1.children if l1 else self.sections).append(l2)
                self._bodies[id(l2)] = [body] if body else []
                self._heading_text[id(l2)] = match.group(2)
                item = None
                continue
            container = l2 or l1 or root
            if self.kind == PLAN:
                dot = _ITEM_DOT_RE.match(line)
                paren = None if dot else _ITEM_PAREN_RE.match(line)
                found = dot or paren
                found_style = "dot" if dot else "paren"
                if found and (style is None or style == found_style):
                    style = found_style
                    number = found.group(1)
                    prefix = f"{container.path}/" if container.path else ""
                    item = _Item(
                        number=number,
                        path=f"{prefix}{number}" if found_style == "dot" else f"{prefix}({number})",
                        container=container,
                        lines=[found.group(2)],
                        is_requirement=(l1 is not None and l1.role == "requirements"),
                    )
                    self._items.append(item)
                    continue
            if item is not None:
                item.lines.append(line)
            elif container is not root:
                self._bodies[id(container)].append(line)
            else:
                self.preamble.append(line)

        self._finish_sections(self.sections)
        self._build_items()

    def _finish_sections(self, sections: list[Section]) -> None:
        for section in sections:
            section.text = "\n".join(self._bodies.get(id(section), []))
            self._finish_sections(section.children)

    def _build_items(self) -> None:
        # A closing-duty title (加强组织领导) before any task is a plan whose tasks sit under such a title.
        seen_task = False
        for item in self._items:
            if item.is_requirement and not seen_task:
                item.is_requirement = False
                top = self._top_section(item.container)
                top.role = "other"
                for child in top.children:
                    child.role = "other"
            seen_task = seen_task or not item.is_requirement
        previous: _Item | None = None
        task_items = [item for item in self._items if not item.is_requirement]
        for item in task_items:
            self._check_numbering(previous, item)
            previous = item
            self.tasks.append(self._build_task(item))
        for section in self.sections:
            for child in [section, *section.children]:
                if any(task.section_path == child.path for task in self.tasks):
                    child.role = "tasks"
            if any(task.section_path.split("/")[0] == section.path for task in self.tasks):
                section.role = "tasks"
        self._build_requirements()
        numbers = [task.number for task in self.tasks]
        numbers_unique = len(set(numbers)) == len(numbers)
        for task in self.tasks:
            display = task.number if numbers_unique else task.path
            if not any(clause.units for clause in task.clauses):
                self.warnings.append(ParseWarning("task_without_units", f"任务 {display}:未找到责任单位", task.path))
            elif len(task.clauses) > 1:
                for index, clause in enumerate(task.clauses, start=1):
                    if not clause.units:
                        self.warnings.append(
                            ParseWarning(
                                "clause_without_units",
                                f"任务 {display} 第{index}句:未找到责任单位",
                                task.path,
                            )
                        )

    def _top_section(self, section: Section) -> Section:
        top = section.path.split("/")[0]
        return next((candidate for candidate in self.sections if candidate.path == top), section)

    def _check_numbering(self, previous: _Item | None, item: _Item) -> None:
        number = int(item.number)
        if previous is None:
            expected = {1}
        elif previous.container is item.container:
            expected = {int(previous.number) + 1}
        else:
            expected = {1, int(previous.number) + 1}
        if number not in expected:
            after = f"{previous.number} 之后是 {item.number}" if previous else f"第一个任务编号是 {item.number}"
            self.warnings.append(ParseWarning("numbering_gap", f"任务编号不连续:{after}", item.path))

    def _unique_path(self, path: str) -> str:
        if path not in self._paths:
            self._paths.add(path)
            return path
        suffix = 2
        while f"{path}#{suffix}" in self._paths:
            suffix += 1
        unique = f"{path}#{suffix}"
        self._paths.add(unique)
        self.warnings.append(ParseWarning("duplicate_task_number", f"任务编号 {path} 重复出现", unique))
        return unique

    def _build_task(self, item: _Item) -> Task:
        text = "\n".join(item.lines)
        clauses = split_clauses(text)
        deadlines: list[Deadline] = []
        targets = []
        path = self._unique_path(item.path)
        for index, clause in enumerate(clauses):
            found, yearless = extract_deadlines(
                clause.text, plan_year=self.plan_year, reference=self.reference, clause=index
            )
            deadlines.extend(found)
            for phrase in yearless:
                self.warnings.append(
                    ParseWarning(
                        "deadline_without_year",
                        f"任务 {item.number}:时限“{phrase}”没有年份,也无法从文件推断",
                        path,
                    )
                )
            targets.extend(extract_targets(clause.text, clause=index))
        return Task(
            path=path,
            number=item.number,
            section_path=item.container.path,
            heading=task_heading(clauses[0].text or text),
            text=text,
            clauses=clauses,
            deadlines=deadlines,
            targets=targets,
        )

    def _build_requirements(self) -> None:
        for section in self.sections:
            if section.role != "requirements":
                continue
            paragraphs = [line for line in self._bodies.get(id(section), []) if line]
            for number, paragraph in enumerate(paragraphs, start=1):
                self._add_requirement(f"{section.path}/p{number}", "", "", paragraph)
            for child in section.children:
                body = self._bodies.get(id(child), [])[1:] if child.text else []
                text = "\n".join([self._heading_text.get(id(child), child.title), *body])
                self._add_requirement(child.path, child.label, child.title, text)
            for item in self._items:
                if item.is_requirement and item.container in (section, *section.children):
                    text = "\n".join(item.lines)
                    self._add_requirement(item.path, f"{item.number}.", task_heading(text), text)

    def _add_requirement(self, path: str, label: str, title: str, text: str) -> None:
        deadlines, _ = extract_deadlines(text, plan_year=self.plan_year, reference=self.reference)
        phases = [
            Phase(match.group(3), int(match.group(1)), int(match.group(2))) for match in _PHASE_RANGE_RE.finditer(text)
        ]
        phases += [
            Phase(match.group(2), int(match.group(1)), int(match.group(1))) for match in _PHASE_SINGLE_RE.finditer(text)
        ]
        phases.sort(key=lambda phase: (phase.start, phase.end))
        self.requirements.append(
            Requirement(path=path, label=label, title=title, text=text, deadlines=deadlines, phases=phases)
        )


# --- annexes and reports ------------------------------------------------------------------------------


def _is_annex_marker(line: str) -> bool:
    if not line.startswith("附件") or line.endswith(("。", ";", ",")):
        return False
    return bool(_ANNEX_HEAD_RE.match(line) or _ANNEX_LIST_RE.match(line) or _ANNEX_BARE_RE.match(line))


def _find_annex_start(lines: list[str], *, after: int = 0) -> int:
    """Where the annexes begin (附件: list or 附件1): nothing from there on is a task.

    Only markers after the first heading count: a notice that sends the plan as its 附件 names it
    before the plan's own text."""
    for index in range(after, len(lines)):
        if _is_annex_marker(lines[index]):
            return index
    return len(lines)


def _annex_number(text: str) -> int:
    return int(text) if text.isdigit() else _chinese_number(text)


def _parse_annexes(lines: list[str], start: int) -> list[Annex]:
    """Annexes with their titles and lines. The 附件: list gives titles; each 附件N starts a body."""
    listed: dict[int, str] = {}
    annexes: list[Annex] = []
    index = start
    if index < len(lines) and (match := _ANNEX_LIST_RE.match(lines[index])) and not _ANNEX_HEAD_RE.match(lines[index]):
        last: int | None = None
        pending = [match.group(1)] if match.group(1) else []
        index += 1
        while True:
            for entry in pending:
                if item := _ANNEX_ITEM_RE.match(entry):
                    last = int(item.group(1))
                    listed[last] = item.group(2)
                elif last is not None:
                    listed[last] += entry
                elif entry:
                    last = 1
                    listed[last] = entry
            if index >= len(lines) or _ANNEX_HEAD_RE.match(lines[index]) or _ANNEX_BARE_RE.match(lines[index]):
                break
            pending = [lines[index]]
            index += 1

    current: Annex | None = None
    while index < len(lines):
        line = lines[index]
        head = _ANNEX_HEAD_RE.match(line)
        bare = _ANNEX_BARE_RE.match(line)
        if (head or bare) and _is_annex_marker(line):
            number = _annex_number(head.group(1)) if head else len(annexes) + 1
            title = head.group(2).strip() if head else ""
            current = Annex(number=number, title=title, start_line=index + 1, end_line=index + 1)
            annexes.append(current)
            if not title and index + 1 < len(lines) and not _ANNEX_HEAD_RE.match(lines[index + 1]):
                index += 1
                current.title = lines[index]
                current.end_line = index + 1
            current.title = current.title or listed.get(number, "")
        elif current is not None:
            current.lines.append(line)
            current.end_line = index + 1
        index += 1
    if not annexes:
        annexes = [Annex(number=number, title=title) for number, title in sorted(listed.items())]
    return annexes


def _report_info(title: str | None, sections: list[Section], body: list[str]) -> ReportInfo:
    year_match = re.search(r"((?:19|20)\d\d)", title or "")
    shortcomings = next((line for line in body if "差距" in line or ("不足" in line and "主要" in line)), None)
    next_steps = next((line for line in body if line.startswith("下一步")), None)
    return ReportInfo(
        year=int(year_match.group(1)) if year_match else None,
        section_titles=[section.title for section in sections],
        shortcomings=shortcomings,
        next_steps=next_steps,
    )
