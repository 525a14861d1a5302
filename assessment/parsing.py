"""Reading rubrics (考核评分细则) and responsibility statements (目标责任书) out of a plan's annexes.

Pure functions over the canonical lines that ``plans.importing`` produces (one table cell a line, as the
昭化 seed prints them); nothing here touches the database. The rule parser turns the 评分标准 text into typed
rules with their points; the same parser reads the 评分标准 column of an .xlsx rubric, so a rubric read from
the document and one read from a spreadsheet are scored alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessment.scoring import FULL_MARKS, RuleKind, RuleScope, q
from plans.importing import DocumentError, parse_bytes, parse_document, read_document

DEPARTMENT = "department"
TOWNSHIP = "township"
KIND_LABELS = {DEPARTMENT: "区级部门", TOWNSHIP: "乡镇(街道)"}

# Where a fact can come from the platform instead of the unit's typing.
SOURCE_REPORTS_PER_MONTH = "progress_reports_per_month"
SOURCE_SUMMARY_MISSING = "summary_missing"
SOURCE_OVERDUE_TASKS = "overdue_tasks"
SOURCE_LABELS = {
    SOURCE_REPORTS_PER_MONTH: "平台数据:本单位每月报送的进展信息条数",
    SOURCE_SUMMARY_MISSING: "平台数据:本自评是否附有工作总结",
    SOURCE_OVERDUE_TASKS: "平台数据:本单位逾期未完成的任务数",
}

_NUMBER = r"\d+(?:\.\d+)?"
_CN_NUMERALS = "一二三四五六七八九十"
CATEGORY_RE = re.compile(rf"^(?P<label>[{_CN_NUMERALS}]+)、\s*(?P<name>.+?)\s*(?:\((?P<pts>{_NUMBER})分?\))?$")
# 1.遵守行政决策程序(10分) · 2.制定年度工作安排考核方案,及时报送工作总结。(6分) · 2.报送法治政府建设信息10分)
ITEM_RE = re.compile(rf"^(?P<num>\d{{1,2}})\s*[.、]\s*(?P<name>.+?)\s*(?P<open>\()?(?P<pts>{_NUMBER})分\)$")
HEADER_CELLS = frozenset(
    {"考核事项", "考核内容", "评分标准", "得分", "分值", "自评得分", "序号", "考核项目", "目标内容"}
)
BONUS_HEAD = "特别加分"
SPECIAL_HEAD = "特别扣分"

_DEDUCT_RE = re.compile(
    rf"(?P<per>一次|每次|出现一起|每起|每例|每件|每项|每人次)?扣(?P<pts>{_NUMBER})分|(?P<disc>酌情扣分|酌情扣减)"
)
_SHORTFALL_RE = re.compile(
    rf"每(?P<period>月|季度|季|年)(?P<what>[^,;。]*?)(?P<quota>\d+)(?P<unit>条|次|篇|件|个)以上"
    rf"(?P<mid>[^。;]*?)每少(?P<verb>[^,;。\d]*?)(?P<per>\d+)(?P=unit)[^,;。]*?[,]?\s*扣(?P<pts>{_NUMBER})分"
)
_BONUS_RE = re.compile(rf"(?P<what>[^;。]*?)加(?P<pts>{_NUMBER})分")
_LEVEL_RE = re.compile(r"^(?:国家级|省级|市级|区级|县级)")
_PERIODS = {"月": 12, "季度": 4, "季": 4, "年": 1}
_PERIOD_LABELS = {"月": "月", "季度": "季度", "季": "季度", "年": "年"}


@dataclass
class ParsedRule:
    kind: str
    points: Decimal
    text: str  # the printed stretch this rule comes from
    condition: str  # what the fact is about: 未持证上岗的
    scope: str = RuleScope.ITEM
    quota: int = 0
    periods: int = 0
    period: str = ""
    group: str = ""
    source: str = ""
    implicit: bool = False  # added by the importer (an item printed without any rule)

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.kind == RuleKind.PER_SHORTFALL:
            params.update(quota=self.quota, periods=self.periods, period=self.period)
        if self.group:
            params["group"] = self.group
        if self.source:
            params["source"] = self.source
        if self.implicit:
            params["implicit"] = True
        return params

    def key(self) -> tuple:
        """What a round trip must keep: kind, points, scope and parameters."""
        return (self.kind, q(self.points), self.scope, tuple(sorted(self.params().items())))


@dataclass
class ParsedItem:
    number: str
    name: str
    max_points: Decimal
    standard: str = ""
    rules: list[ParsedRule] = field(default_factory=list)


@dataclass
class ParsedCategory:
    label: str
    name: str
    max_points: Decimal | None
    items: list[ParsedItem] = field(default_factory=list)

    @property
    def items_sum(self) -> Decimal:
        return sum((i.max_points for i in self.items), Decimal(0))


@dataclass
class ParsedRubric:
    title: str
    year: int | None = None
    unit_kind: str | None = None
    total_points: Decimal = FULL_MARKS
    categories: list[ParsedCategory] = field(default_factory=list)
    bonus_text: str = ""
    special_text: str = ""
    adjustment_rules: list[ParsedRule] = field(default_factory=list)
    notes: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[ParsedItem]:
        return [item for category in self.categories for item in category.items]

    @property
    def categories_sum(self) -> Decimal:
        return sum((c.max_points or Decimal(0) for c in self.categories), Decimal(0))

    def sum_errors(self) -> list[str]:
        """Every sum that does not add up, in words the legal office can check against the paper."""
        errors = []
        for c in self.categories:
            if c.max_points is None:
                errors.append(f"{c.label}、{c.name}:未标明分值")
            elif not c.items:
                errors.append(f"{c.label}、{c.name}:没有评分项")
            elif c.items_sum != c.max_points:
                parts = "+".join(f"{i.max_points.normalize():f}" for i in c.items)
                errors.append(
                    f"{c.label}、{c.name}:各项合计{parts}={c.items_sum.normalize():f}分,"
                    f"与类别分值{c.max_points.normalize():f}分不符"
                )
        if not self.categories:
            errors.append("没有找到任何考核类别(“一、……(15分)”)")
        elif self.categories_sum != self.total_points:
            parts = "+".join(f"{(c.max_points or 0).normalize():f}" for c in self.categories)
            errors.append(
                f"各类别合计{parts}={self.categories_sum.normalize():f}分,应为{self.total_points.normalize():f}分"
            )
        return errors

    def signature(self) -> tuple:
        """The structure a round trip must keep (for tests and the import's "unchanged" answer)."""
        return (
            q(self.total_points),
            tuple(
                (
                    c.label,
                    c.name,
                    q(c.max_points or 0),
                    tuple(
                        (i.number, i.name, q(i.max_points), i.standard, tuple(r.key() for r in i.rules))
                        for i in c.items
                    ),
                )
                for c in self.categories
            ),
            tuple(r.key() for r in self.adjustment_rules),
        )


@dataclass
class ParsedStatementClause:
    number: str
    heading: str
    text: str


@dataclass
class ParsedStatement:
    title: str
    year: int | None = None
    unit_kind: str | None = None
    clauses: list[ParsedStatementClause] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParsedAnnexes:
    rubrics: list[ParsedRubric] = field(default_factory=list)
    statements: list[ParsedStatement] = field(default_factory=list)
    window: tuple[dt.date, dt.date] | None = None
    notes: str = ""


# --- titles ------------------------------------------------------------------------------------------


def unit_kind_from_title(title: str) -> str | None:
    """区级各部门 / 部门 → department; 乡镇 / 街道 / 镇 → township (checked first: 乡镇(街道) mentions neither)."""
    if re.search(r"乡镇|街道|镇街|各镇", title):
        return TOWNSHIP
    if "部门" in title:
        return DEPARTMENT
    return None


def year_from_title(title: str) -> int | None:
    match = re.search(r"((?:19|20)\d\d)年", title)
    return int(match.group(1)) if match else None


def is_rubric_title(title: str) -> bool:
    return "评分细则" in title or "评分标准" in title or "考核细则" in title


def is_statement_title(title: str) -> bool:
    return "目标责任" in title


# --- rules -------------------------------------------------------------------------------------------

_PUNCT = " ,;。、:"


def _condition(text: str) -> str:
    """The last comma-separated stretch before a deduction: 严格…制度,未持证上岗的 → 未持证上岗的."""
    pieces = [p.strip(_PUNCT) for p in re.split(r"[,;。]", text)]
    pieces = [p for p in pieces if p]
    return pieces[-1] if pieces else text.strip(_PUNCT)


def _source_for(kind: str, text: str, period: str = "") -> str:
    if kind == RuleKind.PER_SHORTFALL and period == "月" and "报送" in text:
        return SOURCE_REPORTS_PER_MONTH
    if kind in (RuleKind.FIXED, RuleKind.ALL_OR_NOTHING) and "未报送工作总结" in text:
        return SOURCE_SUMMARY_MISSING
    if kind == RuleKind.PER_OCCURRENCE and re.search(r"逾期|未按时完成", text):
        return SOURCE_OVERDUE_TASKS
    return ""


def parse_rules(text: str, *, max_points: Decimal | None, scope: str = RuleScope.ITEM) -> list[ParsedRule]:
    """The typed rules printed in one 评分标准 cell, in the order printed.

    A fixed deduction as large as the item itself (职权未进行网上网下运行的,扣10分 on a 10-point item) is
    all-or-nothing; 酌情扣分 is capped at the item's points; 一次/每次/出现一起/每起 count occurrences;
    每月…N条以上,每少…1条扣X分 is a shortfall against a quota per period.
    """
    text = text.strip()
    if scope == RuleScope.BONUS:
        return _parse_bonus(text)
    rules: list[tuple[int, ParsedRule]] = []
    taken: list[tuple[int, int]] = []
    for match in _SHORTFALL_RE.finditer(text):
        period = match.group("period")
        per = int(match.group("per"))
        points = Decimal(match.group("pts")) / per
        fragment = match.group(0).strip(_PUNCT)
        rules.append(
            (
                match.start(),
                ParsedRule(
                    kind=RuleKind.PER_SHORTFALL,
                    points=points,
                    text=fragment,
                    condition=f"每{_PERIOD_LABELS[period]}{match.group('what')}{match.group('quota')}{match.group('unit')}以上",
                    scope=scope,
                    quota=int(match.group("quota")),
                    periods=_PERIODS[period],
                    period=_PERIOD_LABELS[period],
                    source=_source_for(RuleKind.PER_SHORTFALL, fragment, period),
                ),
            )
        )
        taken.append(match.span())
    boundary = 0
    for match in _DEDUCT_RE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            boundary = max(boundary, match.end())
            continue
        # The fragment starts after the previous rule or the previous sentence end, whichever is later.
        start = boundary
        for _, end_span in taken:
            if end_span <= match.start():
                start = max(start, end_span)
        # …and at the sentence the deduction is printed in (not the requirements before it).
        sentence_end = max(text.rfind("。", start, match.start()), text.rfind(";", start, match.start()))
        if sentence_end >= 0 and text[sentence_end + 1 : match.start()].strip(_PUNCT):
            start = sentence_end + 1
        fragment = text[start : match.end()].strip(_PUNCT)
        condition = _condition(text[start : match.start()])
        if condition[:1] in "并且" and "未" in condition:
            # 并向区政府法制办报送未报送的扣2分: a full stop was lost before 未报送的.
            condition = condition[condition.rfind("未") :]
        boundary = match.end()
        if match.group("disc"):
            kind = RuleKind.DISCRETIONARY
            points = Decimal(max_points or 0) if scope == RuleScope.ITEM else Decimal(0)
        else:
            points = Decimal(match.group("pts"))
            if match.group("per"):
                kind = RuleKind.PER_OCCURRENCE
            elif scope == RuleScope.ITEM and max_points is not None and points >= max_points:
                kind = RuleKind.ALL_OR_NOTHING
            else:
                kind = RuleKind.FIXED
        rules.append(
            (
                match.start(),
                ParsedRule(
                    kind=kind,
                    points=points,
                    text=fragment,
                    condition=condition,
                    scope=scope,
                    source=_source_for(kind, fragment),
                ),
            )
        )
    rules.sort(key=lambda pair: pair[0])
    return [rule for _, rule in rules]


def _parse_bonus(text: str) -> list[ParsedRule]:
    """被确定为“省级依法行政示范单位”加5分;“市级依法行政示范单位”加3分: two alternatives of one group."""
    rules = []
    for match in _BONUS_RE.finditer(text):
        raw = match.group("what")
        quoted = re.findall(r"“([^”]+)”", raw)
        what = quoted[-1] if quoted else _condition(raw)
        fragment = match.group(0).strip(_PUNCT)
        rules.append(
            ParsedRule(
                kind=RuleKind.FIXED,
                points=Decimal(match.group("pts")),
                text=fragment,
                condition=what,
                scope=RuleScope.BONUS,
                group=_LEVEL_RE.sub("", what),
            )
        )
    # A group of one is no group: an independent bonus adds up with the others.
    counts: dict[str, int] = {}
    for rule in rules:
        counts[rule.group] = counts.get(rule.group, 0) + 1
    for rule in rules:
        if counts[rule.group] < 2:
            rule.group = ""
    return rules


def implicit_rule(max_points: Decimal) -> ParsedRule:
    """An item printed with a standard but no deduction can only be scored by judgement: 酌情扣分."""
    return ParsedRule(
        kind=RuleKind.DISCRETIONARY,
        points=Decimal(max_points),
        text="未达到评分标准要求的,酌情扣分",
        condition="未达到评分标准要求的",
        implicit=True,
    )


def item_rules(standard: str, max_points: Decimal) -> list[ParsedRule]:
    rules = parse_rules(standard, max_points=max_points)
    return rules or [implicit_rule(max_points)]


# --- rubric annexes ----------------------------------------------------------------------------------


def parse_rubric_lines(lines: list[str], *, title: str) -> ParsedRubric:
    """A 考核评分细则 annex, flattened one cell a line: categories 一、…(15分), items 1.…(10分) followed by their
    评分标准, then 特别加分 / 特别扣分 and the closing 备注."""
    rubric = ParsedRubric(title=title.strip(), year=year_from_title(title), unit_kind=unit_kind_from_title(title))
    category: ParsedCategory | None = None
    item: ParsedItem | None = None
    mode = "items"  # items → adjustments (after 七、特别加分和扣分)
    adjust_target: str | None = None
    seen_numbers: dict[tuple[str, str], str] = {}
    for raw in lines:
        line = raw.strip()
        if not line or line in HEADER_CELLS:
            continue
        if line.startswith("备注"):
            rubric.notes = line.split(":", 1)[1].strip() if ":" in line else line
            continue
        head = CATEGORY_RE.match(line)
        if head and ("特别" in head.group("name") and ("加分" in head.group("name") or "扣分" in head.group("name"))):
            mode, item, category = "adjustments", None, None
            continue
        if mode == "adjustments":
            if line.startswith(BONUS_HEAD):
                adjust_target = RuleScope.BONUS
                rest = line[len(BONUS_HEAD) :].strip(_PUNCT)
                if rest:
                    rubric.bonus_text = (rubric.bonus_text + rest).strip()
            elif line.startswith(SPECIAL_HEAD):
                adjust_target = RuleScope.SPECIAL
                rest = line[len(SPECIAL_HEAD) :].strip(_PUNCT)
                if rest:
                    rubric.special_text = (rubric.special_text + rest).strip()
            elif adjust_target == RuleScope.BONUS:
                rubric.bonus_text = (rubric.bonus_text + line).strip()
            elif adjust_target == RuleScope.SPECIAL:
                rubric.special_text = (rubric.special_text + line).strip()
            else:
                rubric.warnings.append(f"未能识别的行:“{line[:40]}”")
            continue
        if head:
            points = Decimal(head.group("pts")) if head.group("pts") else None
            category = ParsedCategory(label=head.group("label"), name=head.group("name").strip(), max_points=points)
            rubric.categories.append(category)
            item = None
            continue
        entry = ITEM_RE.match(line)
        if entry and category is not None:
            name = entry.group("name").strip().rstrip("。")
            item = ParsedItem(number=entry.group("num"), name=name, max_points=Decimal(entry.group("pts")))
            category.items.append(item)
            if not entry.group("open"):
                rubric.warnings.append(
                    f"{category.label}.{item.number}“{name}”的分值缺少左括号(印作“{line[-6:]}”),"
                    f"按{item.max_points.normalize():f}分读取"
                )
            key = (category.label, item.number)
            if key in seen_numbers:
                rubric.warnings.append(
                    f"{category.label}、{category.name}中序号{item.number}重复"
                    f"(“{seen_numbers[key]}”和“{name}”),按印刷顺序保留两项"
                )
            seen_numbers[key] = name
            continue
        if item is not None:
            item.standard = (item.standard + line).strip()
        else:
            rubric.warnings.append(f"未能识别的行:“{line[:40]}”")
    for it in rubric.items:
        it.rules = item_rules(it.standard, it.max_points)
        if it.rules[0].implicit:
            rubric.warnings.append(
                f"“{it.name}”的评分标准未印扣分办法,按“酌情扣分”(最多{it.max_points.normalize():f}分)处理"
            )
    rubric.adjustment_rules = parse_rules(rubric.bonus_text, max_points=None, scope=RuleScope.BONUS) + parse_rules(
        rubric.special_text, max_points=None, scope=RuleScope.SPECIAL
    )
    return rubric


# --- responsibility statements -----------------------------------------------------------------------


def parse_statement_lines(lines: list[str], *, title: str) -> ParsedStatement:
    """A 目标责任书 table flattened one cell a line: 序号 / 考核项目 / 目标内容, where a heading may be split
    over two cells (依法接受 / 监督): the lines between a number and the content are the heading."""
    statement = ParsedStatement(title=title.strip(), year=year_from_title(title), unit_kind=unit_kind_from_title(title))
    if statement.title.endswith("目标责任"):
        statement.warnings.append(f"标题“{statement.title}”缺“书”字,已按“目标责任书”处理")
        statement.title += "书"
    rows: list[list[str]] = []
    for raw in lines:
        line = raw.strip()
        if not line or line in HEADER_CELLS:
            continue
        if re.fullmatch(r"\d{1,2}", line):
            rows.append([line])
        elif rows:
            rows[-1].append(line)
    for row in rows:
        number, cells = row[0], row[1:]
        if not cells:
            statement.warnings.append(f"第{number}项没有内容")
            continue
        heading = "".join(cells[:-1]) if len(cells) > 1 else ""
        statement.clauses.append(ParsedStatementClause(number=number, heading=heading, text=cells[-1]))
    return statement


# --- the whole document ------------------------------------------------------------------------------

_WINDOW_RE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日至(?:(\d{1,2})月)?(\d{1,2})日")


def parse_window(text: str) -> tuple[dt.date, dt.date] | None:
    """备注: 2017年12月1日至10日,各考核对象对照考核评分细则进行自查自评 → (2017-12-01, 2017-12-10)."""
    match = _WINDOW_RE.search(text or "")
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    end_month = int(match.group(4)) if match.group(4) else month
    try:
        return dt.date(year, month, day), dt.date(year, end_month, int(match.group(5)))
    except ValueError:
        return None


def parse_annexes(annexes: list[dict[str, Any]]) -> ParsedAnnexes:
    """The rubrics and statements among a document's annexes (``ParsedDocument.to_dict()["annexes"]``)."""
    result = ParsedAnnexes()
    for annex in annexes:
        title = annex.get("title") or ""
        lines = annex.get("lines") or []
        if is_rubric_title(title):
            rubric = parse_rubric_lines(lines, title=title)
            result.rubrics.append(rubric)
            if rubric.notes and not result.notes:
                result.notes = rubric.notes
        elif is_statement_title(title):
            result.statements.append(parse_statement_lines(lines, title=title))
    result.window = parse_window(result.notes)
    return result


def parse_document_annexes(data: bytes, filename: str, encoding: str | None = None) -> ParsedAnnexes:
    """Read a plan document with the plan importer's reader and take its rubric and statement annexes."""
    text = read_document(data, filename, encoding)
    document = parse_document(text)
    return parse_annexes(document.to_dict()["annexes"])


def plan_reason(data: bytes, filename: str, encoding: str | None = None) -> str | None:
    """Why an upload that holds no rubric is a plan (the plan importer's classifier and reason), or None.

    Clerks send the plan to the rubric page as often as the rubric to the plan page; the page then offers
    the plan import instead of saying only "no rubric found". A plan is a document the plan importer
    classifies as one (``plans.importing.classify``, the same rule both pages use) and in which it finds
    tasks (a 任务分工表 .xlsx as well as a text): a file it cannot read at all is no plan.
    """
    try:
        document = parse_bytes(data, filename, encoding)
    except DocumentError:
        return None
    return document.kind_reason if document.kind == "plan" and document.tasks else None
