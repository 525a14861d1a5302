"""Find the structure of a plan document: metadata, headings, numbered tasks with their clauses, units,
deadlines and targets, closing duties, annexes. Pure functions over text; no clock, no database."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from .classify import KIND_NAMES, OTHER, PLAN, REPORT, RUBRIC, classify
from .deadlines import Deadline, extract_deadlines
from .errors import DocumentError, ErrorCode
from .formats.base import Progress, no_progress
from .normalize import normalize_document
from .outline import Node, build_outline, chinese_number, choose_task_style, match_marker
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
from .units import LABEL_PATTERN, UNIT_LABELS, ends_unit_name, find_groups, parse_assignment

_DATE_LINE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_CHINESE_DATE_LINE_RE = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_META_DATE_RE = re.compile(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})")  # 2024年04月06日, 2021/03/29
_DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,15})[〔\[(](\d{4})[〕\])](\d{1,4})号?")
_DOC_NUMBER_LINE_RE = re.compile(r"^([\u4e00-\u9fff]{1,15})[〔\[(](\d{4})[〕\])](\d{1,4})号?$")
_ISSUER_RE = re.compile(r"(办公室|办公厅|人民政府|政府|委员会|领导小组|小组|法制办|司法局|办|局|委)$")
_TITLE_ISSUER_RE = re.compile(r"^(.+?(?:人民政府|办公室|办公厅|委员会))关于")
_CHANNEL_PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}\s*[丨|｜]\s*")
_NOTICE_ISSUER_RE = re.compile(r"^(.+?(?:人民政府|办公室|办公厅|委员会))(?:关于)?(?:印发|转发)")
_TITLE_KEYWORDS_RE = re.compile(
    r"(方案|意见|规划|安排|要点|报告|计划|纲要|办法|细则|总结|情况|任务清单|工作清单|工作规则|规定|条例)"
)
# The plan a notice sends, named in its title or first sentence; bracketed by 《》 or quotes or bare
# (〈〉 and 「」 are folded into 《》 and “” by normalize). The name stops before the brackets.
_PUBLISHED_NAME_RES = (
    re.compile(r"印发《(.+?)》的通知"),
    re.compile(r"印发“([^“”]+?)”的通知"),
    re.compile(r"关于印发(?![《“])(.+?)的通知"),
    re.compile(r"《(.+?)》"),
    re.compile(r"将“([^“”]+?)”(?:印发|转发)"),
)
_TITLE_YEARS_LINE_RE = re.compile(r"^\((?:19|20)\d\d\s*年?(?:\s*[—\-–~至到]\s*(?:19|20)\d\d\s*年?)?\)$")
_TITLE_YEARS_END_RE = re.compile(r"\([^()]*\d{4}[^()]*\)$")
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
# A heading printed on its own line ends there; a run-in one ends with its first sentence.
_HEADING_SPLIT_RE = re.compile(r"[。;!?\n]")
_CLAUSE_STRIP = " 。,;、:\n"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a text is parsed, as Mercurial's ``util.nogc`` does
    while it builds large structures. A parse makes about a dozen lasting containers a task (nodes, tasks,
    clauses, warnings and their lists) and next to no garbage; the collector starts a pass every 700 new
    containers, and every so often a full one over every object of the process. For 30,000 tasks those
    passes were half of the parse's CPU time (issue 18). The collector runs again afterwards if it ran
    before, and then collects the few cycles a parse leaves (the outline's parent links). Only the text
    stage is covered: reading a Word or PDF file makes real garbage and stays collected."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def parse_document(text: str, *, reference_date: date | None = None) -> ParsedDocument:
    """Parse a decoded document (raw or already normalized) into its structure.

    ``reference_date`` is the day from which recurring deadlines' ``next_due`` is counted; by default the
    plan's issue date, so the preview shows the first due date of the plan's life.
    """
    normalized = normalize_document(text)
    lines, meta = normalized.lines, normalized.meta
    # The body starts at the first numbered line of any style: 一、 in a whole plan, (一) or 1. in a short
    # one, 93. in a fragment copied from page 4.
    first_body_line = _body_start(lines)
    annex_start = _find_annex_start(lines, after=first_body_line)
    first_heading = next((i for i in range(first_body_line, annex_start) if match_marker(lines[i])), annex_start)
    body_end = _signature_start(lines, first_heading, annex_start)

    warnings: list[ParseWarning] = []
    title_index, title = _find_title(lines[:first_heading], meta)
    if title is None:
        warnings.append(ParseWarning("no_title", "未找到文件标题"))
    front = lines[: title_index if title_index is not None else 0]
    body_start = title_index + 1 if title_index is not None else 0
    if title_index is not None and "印发" in lines[title_index]:
        # The title came from the notice (no title line of the plan's own): the notice's number, signature
        # and date follow its title, and its cover letter is the notice's, not the plan's preamble.
        front, body_start = lines[:first_heading], first_heading

    kind, kind_reason = classify(normalized, title)
    plan_kind = _plan_kind(title) if kind == PLAN else None
    if kind == PLAN and plan_kind is None:
        warnings.append(
            ParseWarning("unknown_plan_kind", "无法从标题判断计划类型(工作方案/实施意见/规划/工作安排/工作要点)")
        )
    signature = lines[body_end:annex_start]
    issued, date_index = _find_issued(front, meta, signature)
    issuer = _find_issuer(front if date_index is None or date_index >= 0 else signature, date_index, meta, title)
    doc_number = _find_doc_number(front, meta)
    if doc_number is None and title_index is not None:
        # Printed under the title (济政字〔2021〕30号 between the title and the addressees).
        doc_number = _find_doc_number(lines[title_index + 1 : min(first_heading, title_index + 4)], {})
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
        kind_reason=kind_reason,
        task_level=walker.task_level,
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
    A rubric or another document comes back parsed, with no tasks and its ``kind`` and ``kind_reason``;
    the upload service refuses it with ``ensure_importable``. ``progress`` hears the stages of slow formats
    (the plan-import job's progress bar).
    """
    read = read_upload(data, filename, encoding, progress=progress)  # any format → text and blocks (reader.py)
    document = parse_document(read.text, reference_date=reference_date)
    document = table_document(document, read, reference_date=reference_date)  # 任务分工表 rows (tables.py)
    if not document.tasks and (document.kind == PLAN or (document.kind == OTHER and not document.sections)):
        # Text with nothing numbered at all is "other" too; for the person it means the same as a plan
        # without tasks. Another document with an outline (a regulation) is refused by ensure_importable.
        raise DocumentError(
            ErrorCode.NO_TASKS,
            "没有找到可识别的任务:文件中没有按“一、”“(一)”“1.”“(1)”等编号的任务条目,请确认上传的是计划类文件",
            details={"kind": document.kind, "reason": document.kind_reason},
        )
    return document


def ensure_importable(document: ParsedDocument) -> ParsedDocument:
    """Refuse what the plan importer must not save: a rubric (it has its own import page) or another
    document. A report passes: the importer keeps it as a reference report, as it always has."""
    if document.kind in (PLAN, REPORT):
        return document
    if document.kind == RUBRIC:
        message = f"这份文件看起来是{KIND_NAMES[RUBRIC]},不是工作规划:{document.kind_reason}。请到考核细则导入页上传。"
    else:
        message = (
            f"这份文件看起来不是工作规划:{document.kind_reason}。"
            "请确认上传的是工作方案、实施意见、规划、工作安排或工作要点。"
        )
    raise DocumentError(ErrorCode.NOT_A_PLAN, message, details={"kind": document.kind, "reason": document.kind_reason})


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
        return _notice_title(front)
    index = candidates[-1]
    title = front[index]
    # The years printed on the line under the title (法治政府建设实施方案 / (2024—2025年)) are part of it.
    if index + 1 < len(front) and _TITLE_YEARS_LINE_RE.match(front[index + 1]) and "(" not in title:
        index += 1
        title += front[index]

    fuller: list[str] = [_CHANNEL_PREFIX_RE.sub("", front[i]) for i in candidates[:-1]]
    sources = [meta.get("name", "")] + [line for line in front[:index] if "印发" in line or "《" in line]
    # A page heading that repeats the title after the site's channel name (政务服务丨X, 政策文件|X).
    sources += [_CHANNEL_PREFIX_RE.sub("", line) for line in front[:index] if _CHANNEL_PREFIX_RE.match(line)]
    for source in sources:
        for pattern in _PUBLISHED_NAME_RES:
            fuller.extend(match.group(1) for match in pattern.finditer(source))
    key = _title_key(title)
    for name in fuller:
        name_key = _title_key(name)
        if name == title or len(name) < len(title):
            continue
        if "《" in name or "印发" in name:
            continue  # a notice title in its own brackets (《…印发〈X〉的通知》) cut at X's closing bracket
        if (
            name_key.endswith(key)
            or _TITLE_YEARS_END_RE.sub("", name_key).endswith(_TITLE_YEARS_END_RE.sub("", key))
            or (_is_subsequence(key, name_key) and len(name_key) - len(key) <= 4)
        ):
            title = name
            break
    return index, title


# A notice title as reposting sites print it: after its number (京政办发〔2016〕26号《…的通知》) and/or inside
# book-title brackets of its own.
_NUMBER_PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{1,15}[〔\[(]\d{4}[〕\])]\d{1,4}号\s*")


# A news site's repost of a plan, with no title line: 《X》主要内容如下 / 《X》全文如下 introduces the text.
_REPOST_LEAD_RE = re.compile(r"^《([^《》]{4,60})》(?:\(全文\))?(?:的)?(?:主要内容|全文|原文)如下")


def _bare_notice_title(line: str) -> str:
    line = _NUMBER_PREFIX_RE.sub("", line)
    if line.startswith("《") and line.endswith("》") and line[1:-1].endswith("通知"):
        line = line[1:-1]
    return line


def _notice_title(front: list[str]) -> tuple[int | None, str | None]:
    """A notice that prints no title line of its own for the plan it sends (关于印发《X》的通知, then the
    cover letter, then the plan's headings): the title is X from the notice title, without its brackets."""
    for index, line in enumerate(front):
        match = _REPOST_LEAD_RE.search(line)
        if match and _TITLE_KEYWORDS_RE.search(match.group(1)):
            return index, match.group(1).strip()
        line = _bare_notice_title(line)
        if len(line) > 120 or "印发" not in line or not line.endswith("通知"):
            continue
        for pattern in _PUBLISHED_NAME_RES[:3]:
            match = pattern.search(line)
            if match and _TITLE_KEYWORDS_RE.search(match.group(1)):
                return index, match.group(1).strip()
    return None, None


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
    return chinese_number(text)


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
        match = _ISO_DATE_RE.search(meta.get(key, "")) or _META_DATE_RE.search(meta.get(key, ""))
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
    # The notice's red header: the issuing body on its own line above 关于印发…, or at the head of the notice
    # title (青岚县人民政府办公室关于印发…的通知).
    for index, line in enumerate(lines):
        if "印发" not in line or len(line) > 120:
            continue
        if line.startswith("关于") and index > 0 and _looks_like_issuer(lines[index - 1]):
            return lines[index - 1]
        if match := _NOTICE_ISSUER_RE.match(_bare_notice_title(line)):
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


_HEADING_END_RE = re.compile(r"[。:]")
_PHRASE_END_RE = re.compile(r"[,:]")


def _split_heading(rest: str) -> tuple[str, str]:
    """``加强领导。我区…`` → (加强领导, 我区…), ``指导思想:以…`` → (指导思想, 以…); else all title."""
    match = _HEADING_END_RE.search(rest)
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
        phrase = _PHRASE_END_RE.split(first, maxsplit=1)[0]
        if len(phrase) >= 4:
            first = phrase
    if len(first) > 40:
        first = first[:40] + "…"
    return first


_UNIT_LINE_RE = re.compile(rf"(?:^|(?<=[。;!]))\s*(?:{LABEL_PATTERN})\s*:")


def _unit_spans(text: str) -> list[tuple[int, int, list]]:
    """Where a text names its units, as (start, end, mentions), in order: unit parentheses (…牵头,…配合),
    〔责任单位:…〕, 【…】, and unit lines (牵头单位:… / 配合单位:… on their own lines or run in after a
    sentence), consecutive unit lines being one assignment."""
    spans: list[tuple[int, int, list]] = []
    offset = 0
    block: tuple[int, int, list[str]] | None = None
    # A unit line prints its label's colon: a text without one has none, and its lines need no scan.
    for line in text.split("\n") if ":" in text else ():
        line_end = offset + len(line)
        match = _UNIT_LINE_RE.search(line)
        if match and not _inside_group(line, match.start()):
            start = offset + match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            content = line[match.start() :].strip().rstrip("。;")
            if block is not None and not text[block[1] : start].strip():
                block = (block[0], line_end, [*block[2], content])
            else:
                if block is not None:
                    spans.append(block)
                block = (start, line_end, [content])
        offset = line_end + 1
    if block is not None:
        spans.append(block)
    found: list[tuple[int, int, list]] = []
    for start, end, contents in spans:
        units = parse_assignment(";".join(contents))
        if units:
            found.append((start, end, units))
    for start, end, inner in find_groups(text):
        if spans and any(s <= start < e for s, e, _ in found):
            continue
        units = parse_assignment(inner)
        if units is not None:
            found.append((start, end, units))
    found.sort(key=lambda span: span[0])
    return found


# The tail of a unit label that a PDF copy carried to the next line (牵 | 头单位:), with the heads it may
# have left behind: 头单位 → {牵}, 单位 → {牵头, 配合, 责任, …}.
_LABEL_TAILS: dict[str, set[str]] = {}
for _label in UNIT_LABELS:
    for _cut in range(1, len(_label)):
        _LABEL_TAILS.setdefault(_label[_cut:], set()).add(_label[:_cut])
_LABEL_TAIL_RE = re.compile("^(" + "|".join(sorted(_LABEL_TAILS, key=len, reverse=True)) + r")\s*:")
_MAX_UNIT_LINE_WRAPS = 8
_UNIT_LINE_START_RE = re.compile(rf"(?:^|[。;])\s*(?:{LABEL_PATTERN})\s*:(?!.*(?:{LABEL_PATTERN})\s*:)(.*)$")


def rejoin_wrapped_unit_lines(lines: list[str]) -> list[str]:
    """Undo the two page-width breaks of a PDF copy that hide units: inside a label (…完成。牵 | 头单位:X)
    and inside the list of a unit line (配合单位:县应急管理局、县生 | 态环境分局). Any other break stays: a
    task's continuation lines are its text either way."""
    out: list[str] = []
    joined = 0  # lines already joined to out[-1] as a wrapped unit list
    for line in lines:
        if out:
            previous = out[-1]
            tail = _LABEL_TAIL_RE.match(line)
            if tail and any(previous.endswith(head) for head in _LABEL_TAILS[tail.group(1)]):
                out[-1] = previous + line
                continue
            # A unit list wraps over a few printed lines, never dozens: the cap keeps a label followed by
            # thousands of unpunctuated lines (a hostile or broken file) linear instead of re-searching an
            # ever longer line.
            unit_line = (
                _UNIT_LINE_START_RE.search(previous) if ":" in previous and joined < _MAX_UNIT_LINE_WRAPS else None
            )
            if (
                unit_line
                and unit_line.group(1).strip()
                and not unit_line.group(1).endswith(("。", ";", ")", "】", "〕"))
                and not ends_unit_name(unit_line.group(1))
                and match_marker(line) is None
                and not _UNIT_LINE_RE.match(line)
            ):
                out[-1] = previous + line
                joined += 1
                continue
        out.append(line)
        joined = 0
    return out


def _inside_group(line: str, position: int) -> bool:
    return any(start < position < end for start, end, _ in find_groups(line))


def carries_units(text: str) -> bool:
    """Whether a text names units for itself (a unit parenthesis or a unit line)."""
    if not _UNIT_WORDS_RE.search(text):
        return False
    return bool(_unit_spans(text))


_UNIT_WORDS = ("牵头", "配合", "负责", "责任", "协助", "协办", "参与", "主办", "主责", "实施单位")
_UNIT_WORDS_RE = re.compile("|".join(_UNIT_WORDS))  # one scan instead of ten substring tests
# Two Chinese characters anywhere in a text (what a clause needs to be more than punctuation).
_TWO_CHINESE_RE = re.compile(r"[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")


def split_clauses(text: str) -> list[Clause]:
    """Cut a task's text after each unit parenthesis or unit line; text with none is one clause without
    units. Units on their own lines after the task belong to the stretch before them."""
    clauses: list[Clause] = []
    position = 0
    for start, end, units in _unit_spans(text) if _UNIT_WORDS_RE.search(text) else []:
        clauses.append(Clause(text=text[position:start].strip(_CLAUSE_STRIP), units=units))
        position = end
    tail = text[position:].strip(_CLAUSE_STRIP)
    if not clauses or _TWO_CHINESE_RE.search(tail):
        clauses.append(Clause(text=tail, units=[]))
    return _merge_time_limit_lines(clauses)


# 完成时限:2024年6月底前 on its own line beside the unit lines: a field of the task, like the units, not a
# stretch of work that needs units of its own.
_TIME_LIMIT_LINE_RE = re.compile(r"^(?:完成时限|完成时间|时间节点|时限要求|办结时限|完成期限|时限)\s*:")


def _merge_time_limit_lines(clauses: list[Clause]) -> list[Clause]:
    merged: list[Clause] = []
    for clause in clauses:
        # Only a clause after another can join it, and only one whose lines all print the label's colon.
        if not merged or ":" not in clause.text:
            merged.append(clause)
            continue
        lines = [line for line in clause.text.split("\n") if line.strip(_CLAUSE_STRIP)]
        if lines and all(_TIME_LIMIT_LINE_RE.match(line.strip()) for line in lines):
            previous = merged[-1]
            units = previous.units + [unit for unit in clause.units if unit not in previous.units]
            merged[-1] = Clause(text=f"{previous.text}\n{clause.text}", units=units)
            continue
        merged.append(clause)
    return merged


# Sections whose titles say they hold no tasks: the frame of the plan, not its work. A title that also
# says 任务/措施/重点 (工作目标和主要任务) may hold tasks and is read like any other.
_PROSE_TITLE_RE = re.compile(
    r"^(?:[一-龥]{0,4}的)?(?:指导思想|总体要求|总体目标|工作目标|主要目标|目标要求|基本原则|工作原则|总体思路|基本要求|"
    r"重要意义|目的意义|编制依据|适用范围|发展基础|发展环境|面临形势|形势分析|现状|背景)"
)
_WORK_TITLE_RE = re.compile(r"任务|措施|重点|举措")


def _node_title(node: Node) -> str:
    return _split_heading(node.rest)[0]


# 充分认识加强法治政府建设的重要意义, 提高市县政府依法行政的重要性和紧迫性: why the plan matters, not work.
_WHY_TITLE_RE = re.compile(r"(?:重要意义|重大意义|现实意义|重要性和紧迫性|重要性|紧迫性)$")


def _is_prose(node: Node) -> bool:
    title = _node_title(node)
    if _WORK_TITLE_RE.search(title):
        return False
    if len(title) <= 40 and _WHY_TITLE_RE.search(title):
        return True
    return len(title) <= 20 and bool(_PROSE_TITLE_RE.match(title))


def _is_requirement_title(node: Node) -> bool:
    title = _node_title(node)
    return len(title) <= 20 and bool(_REQUIREMENT_TITLE_RE.search(title)) and not carries_units(node.own_text)


# The phases of carrying a plan out (实施步骤: 部署阶段, 全面实施阶段 …): a closing duty wherever it stands,
# even before the tasks (a 规划 may set out its steps between 总体要求 and 主要任务), unless it names units.
_STEPS_TITLE_RE = re.compile(r"^(?:实施步骤|工作步骤|步骤安排|实施阶段|进度安排|时间安排|时间步骤)")


def _is_steps(node: Node) -> bool:
    if not _STEPS_TITLE_RE.match(_node_title(node)):
        return False
    return not any(carries_units(part.own_text) for part in node.walk())


def _carries_work(node: Node) -> bool:
    """A childless node above the task level is itself a task when it says what to do, not only a title:
    it names units, has a body after its title, or runs on past a short heading."""
    if node.lines or carries_units(node.own_text):
        return True
    title, body = _split_heading(node.rest)
    return bool(body) or len(title) > 30


def _closing_paragraphs(task_nodes: list[tuple[Node, str]]) -> list[str]:
    """Unnumbered paragraphs after the last task of a list of one-paragraph tasks (各责任单位要…于12月10日前
    报送): the plan's closing duty, not more of the last task. Taken out of the last task only when every
    other task is a single paragraph, the last one already named its units and the paragraphs name none."""
    if len(task_nodes) < 3:
        return []
    last = task_nodes[-1][0]
    if not last.lines or last.children or not carries_units(last.rest) or carries_units("\n".join(last.lines)):
        return []
    if any(node.lines or node.children for node, _ in task_nodes[:-1]):
        return []
    closing, last.lines = last.lines, []
    return closing


def _closing_children(node: Node) -> set[int]:
    """The closing duties at the end of a section that holds work: (八)保障措施 or (九)组织实施 after
    (一)…(七) inside 二、主要任务 are requirements, as a closing 一、 section is. Only the trailing run
    counts: a 加强组织领导 item between two tasks is a task."""
    closing: set[int] = set()
    for child in reversed(node.children):
        if not _is_requirement_title(child):
            break
        closing.add(id(child))
    if len(closing) == len(node.children):
        return set()  # nothing before them: a section of such titles is the plan's work, read as before
    return closing


class _Walker:
    """Turn the outline into sections, tasks and closing duties, with the task level chosen per document."""

    def __init__(self, *, kind: str, plan_year: int | None, reference: date | None) -> None:
        self.kind = kind
        self.plan_year = plan_year
        self.reference = reference
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.requirements: list[Requirement] = []
        self.warnings: list[ParseWarning] = []
        self.preamble: list[str] = []
        self.task_level = ""
        self._paths: set[str] = set()
        self._next_suffix: dict[str, int] = {}  # base path → the next "#n" to try (see _unique_path)
        self._requirement_sections: list[tuple[Section, Node]] = []
        self._task_sections: set[str] = set()

    def walk(self, preamble: list[str], lines: list[str]) -> None:
        outline_preamble, roots = build_outline(rejoin_wrapped_unit_lines(lines))
        self.preamble = [*preamble, *outline_preamble]
        if self.kind != PLAN:
            self.sections = [self._section(node, "", 1, "other") for node in roots]
            return

        roles = self._top_roles(roots)
        candidates = [node for node in roots if roles[id(node)] == "tasks"]
        style = choose_task_style(candidates, carries_units=carries_units)
        self.task_level = style or ""
        task_nodes: list[tuple[Node, str]] = []
        for node in roots:
            role = roles[id(node)]
            if role == "tasks" and node.style == style:
                task_nodes.append((node, ""))
            elif role == "tasks" and not node.children and _carries_work(node):
                task_nodes.append((node, ""))
            else:
                section = self._section(node, "", 1, role, style=style, task_nodes=task_nodes)
                self.sections.append(section)
                if role == "requirements":
                    self._requirement_sections.append((section, node))
        closing = _closing_paragraphs(task_nodes)
        self._build_tasks(task_nodes)
        for number, paragraph in enumerate(closing, start=1):
            section_path = task_nodes[-1][1]
            self._add_requirement(f"{section_path}/p{number}" if section_path else f"p{number}", "", "", paragraph)
        self._mark_roles(self.sections)
        for section, node in self._requirement_sections:
            self._build_requirements(section, node)

    def _top_roles(self, roots: list[Node]) -> dict[int, str]:
        """tasks / requirements / other for each top node. A closing-duty title (加强组织领导) counts as a
        closing duty only after a section that holds numbered work; before any, it holds the tasks."""
        roles: dict[int, str] = {}
        seen_work = False
        for node in roots:
            if _is_prose(node):
                roles[id(node)] = "other"
            elif _is_requirement_title(node) and (seen_work or _is_steps(node)):
                roles[id(node)] = "requirements"
            else:
                roles[id(node)] = "tasks"
                seen_work = seen_work or bool(node.children) or _carries_work(node)
        return roles

    def _section(
        self,
        node: Node,
        parent_path: str,
        level: int,
        role: str,
        *,
        style: str | None = None,
        task_nodes: list[tuple[Node, str]] | None = None,
    ) -> Section:
        path = f"{parent_path}/{node.path_part}" if parent_path else node.path_part
        title, body = _split_heading(node.rest)
        section = Section(label=node.label, title=title, path=path, level=level, role=role)
        section.text = "\n".join(([body] if body else []) + node.lines)
        if role == "requirements":
            section.children = [self._section(child, path, level + 1, "requirements") for child in node.children]
            return section
        closing = _closing_children(node) if role == "tasks" else set()
        for child in node.children:
            if id(child) in closing:
                child_section = self._section(child, path, level + 1, "requirements")
                section.children.append(child_section)
                self._requirement_sections.append((child_section, child))
                continue
            if task_nodes is not None and role == "tasks" and not _is_prose(child):
                if child.style == style or (not child.children and _carries_work(child)):
                    task_nodes.append((child, path))
                    continue
            child_role = "other" if role == "tasks" and _is_prose(child) else role
            section.children.append(
                self._section(child, path, level + 1, child_role, style=style, task_nodes=task_nodes)
            )
        return section

    def _mark_roles(self, sections: list[Section]) -> bool:
        """A section holds tasks when any task sits anywhere under it; others keep requirements or become
        prose (other)."""
        any_tasks = False
        for section in sections:
            below = self._mark_roles(section.children)
            has = below or section.path in self._task_sections
            if section.role != "requirements":
                section.role = "tasks" if has else "other"
            any_tasks = any_tasks or has
        return any_tasks

    def _build_tasks(self, task_nodes: list[tuple[Node, str]]) -> None:
        self._task_sections = {section_path for _, section_path in task_nodes}
        previous: tuple[Node, str] | None = None
        for node, section_path in task_nodes:
            self._check_numbering(previous, node, section_path)
            previous = (node, section_path)
            self.tasks.append(self._build_task(node, section_path))
        numbers = [task.number for task in self.tasks]
        numbers_unique = len(set(numbers)) == len(numbers)
        for task, (node, _) in zip(self.tasks, task_nodes, strict=True):
            display = _display_number(node) if numbers_unique else task.path
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

    def _check_numbering(self, previous: tuple[Node, str] | None, node: Node, section_path: str) -> None:
        if previous is not None and previous[0].style != node.style:
            return  # a (一) paragraph task beside 1. items: two counters, each checked on its own
        if previous is None:
            expected = {1}
        elif previous[1] == section_path:
            expected = {previous[0].value + 1}
        else:
            expected = {1, previous[0].value + 1}
        if node.value not in expected:
            shown = _display_number(node)
            after = f"{_display_number(previous[0])} 之后是 {shown}" if previous else f"第一个任务编号是 {shown}"
            path = f"{section_path}/{node.path_part}" if section_path else node.path_part
            self.warnings.append(ParseWarning("numbering_gap", f"任务编号不连续:{after}", path))

    def _unique_path(self, path: str) -> str:
        """``path``, or ``path#2``, ``path#3``… when the number was used before (with a warning each time).

        The next free suffix is remembered per base path: looking for it from 2 every time made a document
        with 30,000 items all numbered "1." cost 44 s (hardening issue); now each duplicate costs one step.
        """
        if path not in self._paths:
            self._paths.add(path)
            return path
        suffix = self._next_suffix.get(path, 2)
        while f"{path}#{suffix}" in self._paths:  # taken only if a document really numbers a task "1#2"
            suffix += 1
        self._next_suffix[path] = suffix + 1
        unique = f"{path}#{suffix}"
        self._paths.add(unique)
        self.warnings.append(ParseWarning("duplicate_task_number", f"任务编号 {path} 重复出现", unique))
        return unique

    def _build_task(self, node: Node, section_path: str) -> Task:
        text = "\n".join(node.printed_lines()).strip("\n")
        clauses = split_clauses(text)
        deadlines: list[Deadline] = []
        targets = []
        path = self._unique_path(f"{section_path}/{node.path_part}" if section_path else node.path_part)
        for index, clause in enumerate(clauses):
            found, yearless = extract_deadlines(
                clause.text, plan_year=self.plan_year, reference=self.reference, clause=index
            )
            deadlines.extend(found)
            for phrase in yearless:
                self.warnings.append(
                    ParseWarning(
                        "deadline_without_year",
                        f"任务 {_display_number(node)}:时限“{phrase}”没有年份,也无法从文件推断",
                        path,
                    )
                )
            targets.extend(extract_targets(clause.text, clause=index))
        return Task(
            path=path,
            number=node.number,
            section_path=section_path,
            heading=task_heading(clauses[0].text or text),
            text=text,
            clauses=clauses,
            deadlines=deadlines,
            targets=targets,
        )

    def _build_requirements(self, section: Section, node: Node) -> None:
        _, body = _split_heading(node.rest)
        paragraphs = [line for line in ([body] if body else []) + node.lines if line]
        for number, paragraph in enumerate(paragraphs, start=1):
            self._add_requirement(f"{section.path}/p{number}", "", "", paragraph)
        for child, child_section in zip(node.children, section.children, strict=True):
            self._add_requirement_node(child, child_section)

    def _add_requirement_node(self, node: Node, section: Section) -> None:
        text = "\n".join([node.rest, *node.lines])
        self._add_requirement(section.path, node.label, section.title, text)
        for child, child_section in zip(node.children, section.children, strict=True):
            self._add_requirement_node(child, child_section)

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


def _display_number(node: Node) -> str:
    """How a task is named in a warning: 12 for 12., (三) for (三), ② for ②."""
    return node.number if node.style == "1." else node.label.rstrip("、.")


# --- annexes and reports ------------------------------------------------------------------------------


def _body_start(lines: list[str]) -> int:
    """The first numbered line of the plan: usually the first numbered line of all, but a notice whose
    cover letter numbers its own points (一、提高认识 二、按时报送) and then sends the plan it names as its
    附件 starts at the first numbered line after that plan's title."""
    first = next((i for i, line in enumerate(lines) if match_marker(line)), 0)
    wrapped = _annexed_plan_title(lines, first)
    if wrapped is None:
        return first
    return next((i for i in range(wrapped + 1, len(lines)) if match_marker(lines[i])), first)


def _annexed_plan_title(lines: list[str], after: int) -> int | None:
    """Where the plan a notice sends as its 附件 begins (its title line just after a 附件 marker), when
    the cover letter before it names that same plan (印发《X》, 附件:X); else None."""
    named: set[str] = set()
    for index, line in enumerate(lines):
        if (
            index > after
            and line.startswith("附件")  # what both patterns start with: most lines are spared them
            and (_ANNEX_BARE_RE.match(line) or _ANNEX_HEAD_RE.match(line))
            and _is_annex_marker(line)
        ):
            for position in (index + 1, index + 2):
                if (
                    position < len(lines)
                    and _title_key(lines[position]) in named
                    and any(match_marker(rest) for rest in lines[position + 1 : position + 40])
                ):
                    return position
        if "印发" in line or "《" in line or _ANNEX_LIST_RE.match(line):
            for pattern in _PUBLISHED_NAME_RES:
                named.update(_title_key(match.group(1)) for match in pattern.finditer(line))
            if match := _ANNEX_LIST_RE.match(line):
                named.add(_title_key(match.group(1)))
            named.discard("")
    return None


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
