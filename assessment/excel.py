"""The spreadsheets of the assessment, in the layout of the 昭化 annexes offices already use.

A rubric goes out and comes back as 考核事项 / 考核内容 / 评分标准 / 分值 (round-tripping: the rules are read
from the 评分标准 text by the same parser as the document import). A unit's score sheet adds 自评得分 and
得分; the cycle's summary table lists every unit by rank with its category subtotals.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment import parsing, scoring
from assessment.rules import rubric_to_parsed
from lawgov import exporting
from lawgov.exporting import Cell, Column, Formula, Kind, Row
from lawgov.limits import ParseTimeLimit, time_limited
from plans.importing.archive import zip_check
from plans.importing.errors import DocumentError, ErrorCode
from plans.importing.normalize import normalize_line

if TYPE_CHECKING:
    from assessment.models import AssessmentCycle, Rubric
    from assessment.selectors import KindRanking, Sheet

RUBRIC_HEADERS = ["考核事项", "考核内容", "评分标准", "分值"]
SHEET_HEADERS = [*RUBRIC_HEADERS, "自评得分", "得分", "扣分说明"]
ADJUST_CATEGORY = "特别加分和扣分"
CONTENT_TYPE = exporting.XLSX_CONTENT_TYPE
MAX_XLSX_BYTES = 5 * 1024 * 1024
# A rubric is a few dozen rows; openpyxl reads it whole (merged cells need the full mode), so the inflated
# size is capped low and the rows counted: a decompression bomb is refused before openpyxl sees it.
MAX_XLSX_INFLATED_BYTES = 10 * 1024 * 1024
MAX_RUBRIC_ROWS = 2000
_NOT_A_WORKBOOK = "不是有效的Excel(.xlsx)文件,请用Excel另存为.xlsx后再上传。"

_CN = "一二三四五六七八九十"


class SheetError(Exception):
    """A spreadsheet that cannot be read as a rubric; ``details`` lists the problems by row."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


def _points_text(value: Decimal | None) -> str:
    return f"{Decimal(value).normalize():f}" if value is not None else ""


def _number(value: Decimal | None) -> Any:
    """Points as numbers Excel can add up: 10 stays 10, 4.8 stays 4.8."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def category_cell(label: str, name: str, max_points: Decimal | None) -> str:
    return f"{label}、{name}({_points_text(max_points)}分)"


# --- rubric export and import ------------------------------------------------------------------------


def rubric_to_xlsx(parsed: parsing.ParsedRubric) -> bytes:
    """A rubric as offices lay it out; the category cell spans its items, as in the annex."""
    return exporting.xlsx(
        exporting.Sheet(
            name="考核评分细则",
            title=parsed.title,  # read back as the rubric's title (and year, and unit kind) on import
            columns=[
                Column("考核事项", width=22),
                Column("考核内容", width=30),
                Column("评分标准", width=70),
                Column("分值", Kind.NUMBER, width=8),
            ],
            rows=_rubric_rows(parsed),
        )
    )


def _rubric_rows(parsed: parsing.ParsedRubric):
    for category in parsed.categories:
        head = Cell(category_cell(category.label, category.name, category.max_points), down=len(category.items))
        for index, item in enumerate(category.items):
            yield (head if index == 0 else None, f"{item.number}.{item.name}", item.standard, _number(item.max_points))
    adjustments = [
        (head, text)
        for head, text in ((parsing.BONUS_HEAD, parsed.bonus_text), (parsing.SPECIAL_HEAD, parsed.special_text))
        if text
    ]
    label = _CN[len(parsed.categories)] if len(parsed.categories) < len(_CN) else "十"
    for index, (head, text) in enumerate(adjustments):
        yield (Cell(f"{label}、{ADJUST_CATEGORY}", down=len(adjustments)) if index == 0 else None, head, text, None)
    if parsed.notes:
        yield Row([Cell(f"备注:{parsed.notes}", across=4)], height=90)


_CONTENT_RE = re.compile(r"^(?:(?P<num>\d{1,2})\s*[.、]\s*)?(?P<name>.+?)\s*(?:\(?(?P<pts>\d+(?:\.\d+)?)分\))?$")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_line(str(value))


def _header_map(cells: list[str]) -> dict[str, int]:
    found = {}
    for index, text in enumerate(cells):
        key = re.sub(r"\s", "", text)
        for header in RUBRIC_HEADERS:
            if key == header and header not in found:
                found[header] = index
    return found


@dataclass
class _Reader:
    rubric: parsing.ParsedRubric
    errors: list[str] = field(default_factory=list)


def rubric_from_xlsx(data: bytes, *, title: str | None = None) -> parsing.ParsedRubric:
    """Read a rubric sheet: every row checked, problems reported by row; merged category cells carry down."""
    if len(data) > MAX_XLSX_BYTES:
        raise SheetError(f"文件超过{MAX_XLSX_BYTES // 1024 // 1024} MB的上限。")
    try:
        zip_check(data, label="Excel文件", max_inflated=MAX_XLSX_INFLATED_BYTES).close()
    except DocumentError as exc:  # too large inflated, or not a zip at all (then: not a workbook)
        raise SheetError(exc.message if exc.code == ErrorCode.TOO_LARGE else _NOT_A_WORKBOOK) from exc
    try:
        with time_limited():
            wb = load_workbook(io.BytesIO(data), data_only=True)
            ws = wb.worksheets[0]
            if ws.max_row > MAX_RUBRIC_ROWS:
                raise SheetError(f"第一张工作表有{ws.max_row}行,超过评分细则的上限{MAX_RUBRIC_ROWS}行,请删去多余的行。")
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    except SheetError:
        raise
    except ParseTimeLimit as exc:
        raise SheetError(exc.message) from exc
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(_NOT_A_WORKBOOK) from exc
    header_row = next(
        (i for i, cells in enumerate(rows[:10]) if "考核事项" in [re.sub(r"\s", "", c) for c in cells]), None
    )
    if header_row is None:
        raise SheetError("没有找到表头行:第一张工作表的前10行中应有“考核事项 / 考核内容 / 评分标准 / 分值”。")
    columns = _header_map(rows[header_row])
    missing = [h for h in RUBRIC_HEADERS if h not in columns]
    if missing:
        raise SheetError(
            f"缺少列:{'、'.join(missing)}(表头应为 考核事项 / 考核内容 / 评分标准 / 分值)。", details=missing
        )
    sheet_title = title or next((c for cells in rows[:header_row] for c in cells if c), "") or ws.title
    reader = _Reader(
        parsing.ParsedRubric(
            title=sheet_title,
            year=parsing.year_from_title(sheet_title),
            unit_kind=parsing.unit_kind_from_title(sheet_title),
        )
    )
    category: parsing.ParsedCategory | None = None
    adjusting = False
    for offset, cells in enumerate(rows[header_row + 1 :], start=header_row + 2):
        cells = cells + [""] * (max(columns.values()) + 1 - len(cells))
        head, content, standard, points = (cells[columns[h]] for h in RUBRIC_HEADERS)
        if not any((head, content, standard, points)):
            continue
        if head.startswith("备注"):
            reader.rubric.notes = head.split(":", 1)[1].strip() if ":" in head else head
            continue
        if head:
            if ADJUST_CATEGORY in head or re.search(r"特别(加分|扣分)", head):
                adjusting, category = True, None
            else:
                adjusting = False
                match = parsing.CATEGORY_RE.match(head)
                if match is None:
                    reader.errors.append(f"第{offset}行:考核事项“{head[:30]}”应写作“一、类别名称(15分)”")
                    category = None
                    continue
                pts = Decimal(match.group("pts")) if match.group("pts") else None
                category = parsing.ParsedCategory(label=match.group("label"), name=match.group("name"), max_points=pts)
                reader.rubric.categories.append(category)
        if adjusting:
            if content.startswith(parsing.BONUS_HEAD):
                reader.rubric.bonus_text += standard
            elif content.startswith(parsing.SPECIAL_HEAD):
                reader.rubric.special_text += standard
            elif content or standard:
                reader.errors.append(f"第{offset}行:特别加分和扣分的考核内容应为“特别加分”或“特别扣分”")
            continue
        if category is None:
            if not head:
                reader.errors.append(f"第{offset}行:没有所属的考核事项")
            continue
        if not content:
            reader.errors.append(f"第{offset}行:考核内容为空")
            continue
        entry = _CONTENT_RE.match(content)
        name = entry.group("name").rstrip("。") if entry else content
        number = entry.group("num") if entry and entry.group("num") else str(len(category.items) + 1)
        try:
            value = Decimal(points)
        except InvalidOperation:
            reader.errors.append(f"第{offset}行:“{name[:20]}”的分值“{points}”不是数字")
            continue
        if not value.is_finite() or value <= 0 or value > 100:
            reader.errors.append(f"第{offset}行:“{name[:20]}”的分值应大于0且不超过100(填写的是{points})")
            continue
        printed = entry.group("pts") if entry else None
        if printed and Decimal(printed) != value:
            reader.errors.append(f"第{offset}行:“{name[:20]}”考核内容中写{printed}分,分值列却是{points}分")
            continue
        category.items.append(
            parsing.ParsedItem(
                number=number,
                name=name,
                max_points=value,
                standard=standard,
                rules=parsing.item_rules(standard, value),
            )
        )
    if reader.errors:
        raise SheetError("评分细则表有错误,未导入:" + ";".join(reader.errors[:10]) + "。", details=reader.errors)
    reader.rubric.adjustment_rules = parsing.parse_rules(
        reader.rubric.bonus_text, max_points=None, scope=scoring.RuleScope.BONUS
    ) + parsing.parse_rules(reader.rubric.special_text, max_points=None, scope=scoring.RuleScope.SPECIAL)
    return reader.rubric


# --- score sheet per unit ----------------------------------------------------------------------------


def score_sheet_xlsx(*, sheet: Sheet, rank_text: str = "") -> bytes:
    """One unit's score sheet laid out like the annex, with 自评得分 and 得分 filled, every deduction
    explained in 扣分说明, and the totals as formulas over the cells above them."""
    submission = sheet.submission
    state = "未提交(现场核定)" if sheet.unsubmitted else submission.get_status_display()
    status = f"状态:{state}" + (f" · {rank_text}" if rank_text else "")
    spec = exporting.Sheet(
        name="考核评分表",
        title=f"{submission.rubric.title}(得分表)",
        preamble=[(f"被考核单位:{submission.unit.name}", None, status, None, f"{submission.cycle.year}年度")],
        columns=[
            Column(header, kind, width=width)
            for header, kind, width in zip(
                SHEET_HEADERS,
                [Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.NUMBER, Kind.NUMBER, Kind.NUMBER, Kind.TEXT],
                [22, 28, 60, 8, 10, 10, 36],
                strict=True,
            )
        ],
        rows=[],
    )
    spec.rows = _score_sheet_rows(sheet, first_row=spec.header_row + 1)
    return exporting.xlsx(spec)


def _score_sheet_rows(sheet: Sheet, *, first_row: int):
    submission = sheet.submission
    cycle = submission.cycle
    dash = "—"
    row_number = first_row
    for block in sheet.blocks:
        category = block.category
        head = Cell(category_cell(category.label, category.name, category.max_points), down=len(block.rows))
        for index, item_row in enumerate(block.rows):
            item = item_row.item
            if sheet.unsubmitted:
                own = dash  # the unit declared nothing
            else:
                own = _number(item_row.self_result.score if item_row.self_result else item_row.score.self_score)
            yield (
                head if index == 0 else None,
                f"{item.shown_number}.{item.name}",
                item.standard,
                _number(item.max_points),
                own,
                _number(item_row.result.score if item_row.result else None),
                ";".join(n for n in item_row.notes if n),
            )
            row_number += 1
    last_item = row_number - 1
    label = _CN[len(sheet.blocks)] if len(sheet.blocks) < len(_CN) else "十"
    adjust_rows = {}
    for scope, head, amount in (
        (scoring.RuleScope.BONUS, parsing.BONUS_HEAD, sheet.total.bonus),
        (scoring.RuleScope.SPECIAL, parsing.SPECIAL_HEAD, sheet.total.special),
    ):
        applied = [r for r in sheet.adjustments if r.rule.scope == scope]
        grounds = [
            scoring.line_text(r.rule.spec(), r.value, reason=r.reason) for r in applied if not isinstance(r.value, str)
        ]
        if scope == scoring.RuleScope.SPECIAL and sheet.unsubmitted_deduction:
            grounds.append(f"未提交自评:{cycle.unsubmitted_text()}(本周期规则)")
        adjust_rows[scope] = row_number
        yield (
            Cell(f"{label}、{ADJUST_CATEGORY}", down=2) if scope == scoring.RuleScope.BONUS else None,
            head,
            ";".join(r.rule.text for r in applied),
            None,
            None,
            _number(amount if scope == scoring.RuleScope.BONUS else -amount),
            ";".join(g for g in grounds if g),
        )
        row_number += 1
    base_row, final_row = row_number, row_number + 1
    own_total = (
        dash if sheet.self_total is None else Formula(f"=SUM(E{first_row}:E{last_item})", _number(sheet.self_total))
    )
    base = Formula(f"=SUM(F{first_row}:F{last_item})", _number(sheet.total.base))
    bonus_row, special_row = adjust_rows[scoring.RuleScope.BONUS], adjust_rows[scoring.RuleScope.SPECIAL]
    final = Formula(f"=MAX(0,F{base_row}+F{bonus_row}+F{special_row})", _number(sheet.total.final))
    weight = _points_text(cycle.weight)
    converted_text = f"=ROUND(F{final_row}*{weight}/100,1)"
    if cycle.converted_capped:
        converted_text = f"=MIN({weight},ROUND(F{final_row}*{weight}/100,1))"
    converted_value = scoring.converted(sheet.total.final, cycle.weight, capped=cycle.converted_capped)
    above = sheet.total.final > scoring.FULL_MARKS
    final_label = "总分(含特别加分和扣分)" + ("(含特别加分,超过100分)" if above else "")
    converted_label = f"折算得分(按综合目标考核{weight}分折算" + (
        f",不超过{weight}分)" if cycle.converted_capped else ")"
    )
    totals = [
        ("合计(基础分)", submission.rubric.total_points, own_total, base, ""),
        (final_label, None, None, final, "基础分+特别加分−特别扣分,最低0分"),
        (converted_label, None, None, Formula(converted_text, _number(converted_value)), ""),
    ]
    for label_text, full, own, value, note in totals:
        yield (Cell(label_text, across=3), None, None, _number(full), own, Cell(value, bold=True), note)


# --- summary table of a cycle ------------------------------------------------------------------------


def cycle_summary_xlsx(
    *,
    cycle: AssessmentCycle,
    rankings: list[KindRanking],
    categories: dict[int, list[tuple[int, str]]],
    category_scores: dict[int, dict[int, Decimal]],
) -> bytes:
    """One sheet per unit kind: rank, unit, category subtotals (as the annex's 考核事项), totals, converted.

    ``categories``: rubric id → [(category id, header)]; ``category_scores``: submission id → category id →
    reviewed points.
    """
    sheets = []
    for ranking in rankings:
        rubric = cycle.rubric_for(ranking.kind)
        columns = categories.get(rubric.pk, [])
        headers = [
            Column("名次", Kind.NUMBER, width=6),
            Column("单位", width=18),
            Column("自评得分", Kind.NUMBER, width=10),
            *[Column(label, Kind.NUMBER, width=14) for _, label in columns],
            Column("基础得分", Kind.NUMBER, width=10),
            Column("特别加分", Kind.NUMBER, width=10),
            Column("特别扣分", Kind.NUMBER, width=10),
            Column("总分", Kind.NUMBER, width=10),
            Column(f"折算得分({_points_text(cycle.weight)}分)", Kind.NUMBER, width=12),
            Column("状态", width=10),
        ]
        status = (
            ("已审定发布" if cycle.approved else "初步结果(未审定)")
            + f" · 评分细则:{rubric.title} · 已审核{ranking.reviewed}/{ranking.total}个单位"
            + f" · 未提交自评的单位:{cycle.unsubmitted_text()},无自评得分(—)"
        )
        spec = exporting.Sheet(
            name=ranking.label,
            title=f"{cycle.title} · {ranking.label}考核结果汇总表",
            preamble=[(Cell(status, across=len(headers)),)],
            columns=headers,
            rows=[],
            freeze_columns=2,  # 名次 and 单位 stay in view
        )
        spec.rows = _summary_rows(ranking, columns, category_scores, first_row=spec.header_row + 1, cycle=cycle)
        sheets.append(spec)
    return exporting.xlsx(sheets)


def _summary_rows(
    ranking: KindRanking, columns: list[tuple[int, str]], category_scores: dict, *, first_row: int, cycle
):
    """Totals as formulas over the row's own cells (基础得分 = the categories, 总分 = base + bonus − special,
    折算 = 总分 × weight ÷ 100), each with the engine's value for CSV."""
    first_cat, last_cat = 4, 3 + len(columns)
    base_col, bonus_col, special_col, final_col = (get_column_letter(last_cat + n) for n in (1, 2, 3, 4))
    weight = _points_text(cycle.weight)
    capped = cycle.converted_capped
    for offset, entry in enumerate(ranking.rows):
        s = entry.submission
        n = first_row + offset
        scores = category_scores.get(s.pk, {})
        reviewed = s.final_total is not None
        if reviewed and columns:
            base = Formula(
                f"=SUM({get_column_letter(first_cat)}{n}:{get_column_letter(last_cat)}{n})", _number(s.reviewed_base)
            )
        else:
            base = _number(s.reviewed_base)
        final = Formula(f"=MAX(0,{base_col}{n}+{bonus_col}{n}-{special_col}{n})", _number(s.final_total))
        converted = f"ROUND({final_col}{n}*{weight}/100,1)"
        converted = Formula(f"=MIN({weight},{converted})" if capped else f"={converted}", _number(entry.converted))
        declared = s.declared_total
        yield (
            entry.rank,
            s.unit.name,
            "—" if declared is None else _number(declared),
            *[_number(scores.get(cid)) if reviewed else None for cid, _ in columns],
            base,
            _number(s.bonus) if reviewed else None,
            _number(s.special) if reviewed else None,
            final if reviewed else None,
            converted if reviewed else None,
            getattr(s, "state_label", None) or s.get_status_display(),
        )


def rubric_export(rubric: Rubric) -> bytes:
    return rubric_to_xlsx(rubric_to_parsed(rubric))
