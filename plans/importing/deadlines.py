"""Deadlines written into task text: one-off (到2016年底, 2017年6月底前, 12月20日前, 上半年) and recurring
(每年第一季度, 每年3月初, 每年年底前).

Pure functions: the reference date is always an argument, never the clock, so the tasks app can ask
"when is this due next" for any day and tests can move the day.

Conventions (documented in docs/import-json.md): 初/上旬 is the 10th, 中/中旬 the 20th, 底/末/下旬 and a bare
month the last day; a quarter is due on its last day; 上半年 on 06-30, 下半年 and 年底 on 12-31; "X月前"
(before month X) is the last day of the month before; 到2025年 and 2025年前 mean by 2025-12-31.

A deadline given only as a frequency is read phrase by phrase (issue 13). A short period names its own
due date, its end (what an office's 季报 and 月报 are chased by); a year, or no period at all, does not, and
then nothing is invented: the phrase stays in the task's text, no deadline is made, and the legal office
sets a date where it knows one.

| phrase as printed                            | read as                                                    |
| -------------------------------------------- | ---------------------------------------------------------- |
| 每季度, 每季度一次, 每个季度, 每季, 每季度末 | ``{"rule": "quarterly"}``: the quarter's last day           |
| 每半年, 每半年一次                           | ``{"rule": "half_yearly"}``: 06-30 and 12-31                |
| 每月, 每月一次, 每个月, 每月底               | ``{"rule": "monthly", "part": "end"}``: the month's last day |
| 每年 bare (每年开展一次, 每年至少组织一次)   | no deadline, kept as text                                  |
| 定期, 定期开展                               | no deadline, kept as text                                  |
| 每两年, 每三年                               | no deadline, kept as text                                  |

Why: a quarterly, half-yearly or monthly duty is done within its period, and the period's end is the only
date a reminder can use (at most months off). An annual duty's date varies (目录 at the start of the year,
报告 by 3月1日, 演练 any time), so 12-31 would be a guess; and in 每人每年不少于60学时 or 每年不超过一次, 每年
is a rate or a limit (a target), not a due date. 定期 names no period; a multi-year cycle has no start the
text gives. Dated forms keep their readings: 每年上半年 is ``yearly`` with ``half`` (once a year), 每月5日(前)
is ``monthly`` with ``day``, 每年3月底前 and 每年年底前 are ``yearly``. 每季度第…/每月第… (a day in words we
do not read) make no deadline rather than a wrong one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_CHINESE_SMALL = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PART_DAYS = {"初": 10, "上旬": 10, "中": 20, "中旬": 20}
_PART_NAMES = {
    "初": "early",
    "上旬": "early",
    "中": "mid",
    "中旬": "mid",
    "下旬": "end",
    "底": "end",
    "末": "end",
}


@dataclass
class Deadline:
    """A due date found in a task or a closing duty.

    ``due`` is set for one-off deadlines; ``recurrence`` for recurring ones (then ``due`` is None). For both,
    ``next_due`` is the first due date on or after the reference date (the plan's issue date unless the
    caller gives another), which is what reminders and status need.
    """

    text: str
    due: date | None = None
    recurrence: dict[str, Any] | None = None
    next_due: date | None = None
    clause: int | None = None
    # A time limit counted from a date (自印发之日起30个工作日内): {"days": 30, "working": True, "from": "2025-09-20"}.
    # Calendar days are dated here; working days need the working-day calendar (data, lawgov.calendar), so the
    # save step dates them (``relative_due``); "from" is None when the document gives no date of its own.
    relative: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "recurrence": dict(self.recurrence) if self.recurrence else None,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "clause": self.clause,
        }
        if self.relative:
            out["relative"] = dict(self.relative)
        return out


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_date(year: int, month: int, part: str | None, day: int | None = None) -> date:
    if day:
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))
    if part in ("early", "mid"):
        return date(year, month, 10 if part == "early" else 20)
    return _last_day(year, month)


def due_in_year(recurrence: dict[str, Any], year: int) -> date:
    """The due date a yearly, quarterly or monthly recurrence has in (or at the end of) a given year."""
    rule = recurrence.get("rule")
    if rule == "yearly":
        if "quarter" in recurrence:
            return _last_day(year, recurrence["quarter"] * 3)
        if "half" in recurrence:
            return _last_day(year, 6 if recurrence["half"] == 1 else 12)
        return _month_date(year, recurrence.get("month", 12), recurrence.get("part"), recurrence.get("day"))
    raise ValueError(f"not a yearly recurrence: {recurrence!r}")


def next_due(recurrence: dict[str, Any], on_or_after: date) -> date:
    """The first due date of a recurrence on or after a day (inclusive): THE rule of lawgov.

    The importer, ``plans.models.Deadline.next_due`` (status, the task page), the daily roll job and the
    reminders all ask this one function; it takes the day as an argument and reads no clock.
    A yearly rule with ``year_offset`` (次年3月初, next to 每年: last year's summary each March) falls due on
    the same calendar date every year, so the offset names whose work is due, not when: the next date is
    the rule's date on or after the day, as for any yearly rule.
    """
    rule = recurrence.get("rule")
    if rule == "yearly":
        candidate = due_in_year(recurrence, on_or_after.year)
        return candidate if candidate >= on_or_after else due_in_year(recurrence, on_or_after.year + 1)
    if rule == "quarterly":
        quarter_end_month = ((on_or_after.month - 1) // 3 + 1) * 3
        return _last_day(on_or_after.year, quarter_end_month)
    if rule == "half_yearly":
        return _last_day(on_or_after.year, 6 if on_or_after.month <= 6 else 12)
    if rule == "monthly":
        day = recurrence.get("day")
        candidate = _month_date(on_or_after.year, on_or_after.month, recurrence.get("part"), day)
        if candidate >= on_or_after:
            return candidate
        year, month = (
            (on_or_after.year + 1, 1) if on_or_after.month == 12 else (on_or_after.year, on_or_after.month + 1)
        )
        return _month_date(year, month, recurrence.get("part"), day)
    raise ValueError(f"unknown recurrence rule: {recurrence!r}")


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """30, 三十, 十五, 一百二十, 两 as a number (up to 999); None for anything else."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in "十百":
            total += (1 if digit is None else digit) * (10 if char == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0) if text else None


def relative_due(relative: dict[str, Any], *, start: date | None, add_working_days=None) -> date | None:
    """The date a relative time limit ends: ``days`` calendar days after its start, or ``days`` working days
    on the calendar whose ``add_working_days`` is passed (lawgov.calendar.WorkCalendar's). The start is the
    rule's own ("from": the document's date), else ``start`` (the plan's). None when neither is known, or
    working days are asked without a calendar."""
    base = date.fromisoformat(relative["from"]) if relative.get("from") else start
    if base is None:
        return None
    if not relative.get("working"):
        return base + timedelta(days=int(relative["days"]))
    if add_working_days is None:
        return None
    return add_working_days(base, int(relative["days"]))


_PART_LABELS = {"early": "初", "mid": "中", "end": "底"}
_QUARTER_LABELS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def describe(recurrence: dict[str, Any]) -> str:
    """The rule in the words an office uses (每年6月底前, 每季度末, 每月20日前), for pages and exports.

    Said from the rule, not copied from the document's phrase, so a person can check what lawgov will do.
    """
    rule = recurrence.get("rule")
    if rule == "quarterly":
        return "每季度末"
    if rule == "half_yearly":
        return "每半年末"
    if rule == "monthly":
        day = recurrence.get("day")
        return f"每月{day}日前" if day else f"每月{_PART_LABELS.get(recurrence.get('part'), '底')}"
    if rule != "yearly":
        return "周期时限"
    prefix = "每年次年" if recurrence.get("year_offset") else "每年"
    if "quarter" in recurrence:
        return f"{prefix}{_QUARTER_LABELS[int(recurrence['quarter'])]}末前"
    if "half" in recurrence:
        return f"{prefix}{'上' if recurrence['half'] == 1 else '下'}半年末前"
    month = recurrence.get("month", 12)
    if recurrence.get("day"):
        return f"{prefix}{month}月{recurrence['day']}日前"
    return f"{prefix}{month}月{_PART_LABELS.get(recurrence.get('part'), '底')}前"


_Y = r"(\d{4})年"
_M = r"(\d{1,2})月"
_D = r"(\d{1,2})[日号]"
_PART = r"(初|上旬|中旬|下旬|底|末|中)"
_BEFORE = r"(?:前|之前|以前)"
_Q = r"第?([一二三四1-4])季度"
_BY = r"(?:到|至|截至|截止|于|在)"
# Without a 前 after the date only these make it a deadline: 于2016年8月15日 is usually a past event.
_BY_STRICT = r"(?:到|截至|截止)"
# Punctuation a relative limit's "自…之日起" does not reach across (full-width and ASCII).
_STOPS = ",\uff0c\u3002;\uff1b\u3001"

# (kind, pattern). The scanner takes matches left to right, the longest first at one position, so
# 每年3月初 is never also read as 3月初, nor 2017年底前 as 年底前.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("yearly_quarter", rf"每年(?:的)?{_Q}(?:末|结束前|{_BEFORE})?"),
        ("yearly_half", r"每年(?:的)?(上|下)半年(?:末|前)?"),
        ("yearly_day", rf"每年(?:的)?{_M}{_D}{_BEFORE}?"),
        ("yearly_month", rf"每年(?:的)?{_M}{_PART}?(?:份)?{_BEFORE}?"),
        ("yearly_end", rf"每年(?:的)?(?:年底|年末|底){_BEFORE}?"),
        ("yearly_start", r"每年(?:的)?年初"),
        # A frequency alone (see the table above): 每季度(一次), 每半年(一次), 每月(一次); not 每季度第… nor
        # 每月第…, whose day the text goes on to give in words we do not read.
        ("quarterly", r"每(?:个)?季(?:度)?(?:末|结束前)?(?![度第\d])"),
        ("half_yearly", r"每半年(?:度)?(?:末|结束前)?(?![度第\d])"),
        ("monthly_day", rf"每(?:个)?月{_D}{_BEFORE}?"),
        ("monthly", rf"每(?:个)?月(?:(?:末|底|月末|月底){_BEFORE}?)?(?![第\d份])"),
        ("next_year_day", rf"次年{_M}{_D}{_BEFORE}?"),
        ("next_year_month", rf"次年{_M}{_PART}?{_BEFORE}?"),
        ("next_year_quarter", rf"次年{_Q}(?:末|{_BEFORE})?"),
        ("date", rf"{_BY}?{_Y}{_M}{_D}{_BEFORE}"),
        ("date", rf"{_BY_STRICT}{_Y}{_M}{_D}"),
        ("month_part", rf"{_BY}?{_Y}{_M}{_PART}{_BEFORE}?"),
        ("month_before", rf"{_BY}?{_Y}{_M}{_BEFORE}"),
        ("month_by", rf"{_BY_STRICT}{_Y}{_M}(?![\d底末初中上下])"),
        ("year_end", rf"{_BY}?(\d{{4}})年(?:年)?(?:底|末){_BEFORE}?"),
        ("year_half", rf"{_BY}?{_Y}(上|下)半年(?:末|{_BEFORE})?"),
        ("year_quarter", rf"{_BY}?{_Y}{_Q}(?:末|{_BEFORE})"),
        ("year_before", rf"{_BY}?{_Y}{_BEFORE}"),
        ("year_by", rf"{_BY_STRICT}{_Y}(?![\d底末度上下第前之以])"),
        ("bare_day", rf"(?<![\d年每月])(?<!每个月){_M}{_D}{_BEFORE}"),
        ("bare_month_part", rf"(?<![\d年每])(?<!每个){_M}{_PART}{_BEFORE}?"),
        (
            "bare_year_end",
            rf"(?:(?:今年|本年度|本年|当年)(?:年底|年末|底)|(?<![\d每年])(?:年底|年末)){_BEFORE}?",
        ),
        ("bare_half", rf"(?<![\d年每])(上|下)半年(?:末|{_BEFORE})?"),
        ("bare_quarter", rf"(?<![\d年每]){_Q}(?:末|{_BEFORE})"),
        # 自印发之日起30个工作日内, 收到通知后15日内, 10天内: counted from the document's date.
        (
            "relative",
            rf"(?:(?:自|从)[^{_STOPS}]{{0,12}}?(?:之日|后)起?|[^{_STOPS}\d]{{0,8}}?后)?"
            rf"(?<![\d月年每第])([0-9]{{1,3}}|[一二三四五六七八九十百两]{{1,5}})个?(工作日|自然日|日|天)(?:内|以内|之内)",
        ),
    )
)


def _yearly(recurrence: dict[str, Any]) -> dict[str, Any]:
    return {"rule": "yearly", **recurrence}


def _month_part(part: str | None) -> dict[str, Any]:
    return {"part": _PART_NAMES[part]} if part else {}


# One search over every pattern at once: most task texts hold no deadline at all, and for them this one
# scan replaces 28 (the parser's cost per task is dominated by this function on long plans).
_ANY_PATTERN = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _PATTERNS))


def extract_deadlines(
    text: str,
    *,
    plan_year: int | None,
    reference: date | None,
    clause: int | None = None,
    start: date | None = None,
) -> tuple[list[Deadline], list[str]]:
    """Deadlines in a text, and the phrases that need a year the document does not give.

    ``plan_year`` completes dates printed without a year (12月20日前, 年底); ``reference`` is the day
    ``next_due`` is counted from; ``start`` the day a relative limit (30个工作日内) is counted from, the
    document's date (by default ``reference``).
    """
    counted_from = start or reference
    # Every pattern prints 年 (每年, 次年, 2024年, 年底, 半年), 月 (每月, 6月), 季 (每季度, 第一季度), 日 or 天
    # (30个工作日内, 15天内): a text with none of these holds no deadline, which substring tests tell faster
    # than the union's scan.
    if not any(character in text for character in "年月季日天") or not _ANY_PATTERN.search(text):
        return [], []
    candidates: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            candidates.append((match.start(), -(match.end() - match.start()), kind, match))
    candidates.sort(key=lambda item: (item[0], item[1]))

    found: list[Deadline] = []
    yearless: list[str] = []
    covered_until = -1
    for start, _, kind, match in candidates:
        if start < covered_until:
            continue
        deadline = _relative(match, counted_from) if kind == "relative" else _build(kind, match, text, plan_year)
        if deadline is None:
            continue
        covered_until = match.end()
        if deadline is _NEEDS_YEAR:
            yearless.append(match.group(0))
            continue
        deadline.clause = clause
        if deadline.recurrence is not None and reference is not None:
            deadline.next_due = next_due(deadline.recurrence, reference)
        elif deadline.due is not None:
            deadline.next_due = deadline.due
        found.append(deadline)
    return _dedupe(found), yearless


_NEEDS_YEAR = Deadline(text="")


def _relative(match: re.Match[str], start: date | None) -> Deadline | None:
    days = chinese_number(match.group(1))
    if not days:
        return None
    relative = {"days": days, "working": match.group(2) == "工作日", "from": start.isoformat() if start else None}
    return Deadline(match.group(0), due=relative_due(relative, start=None), relative=relative)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in "。;!?\n")
    rights = [index for index in (text.find(mark, end) for mark in "。;!?\n") if index != -1]
    return text[left + 1 : min(rights) if rights else len(text)]


def _build(kind: str, match: re.Match[str], text: str, plan_year: int | None) -> Deadline | None:
    phrase = match.group(0)
    groups = match.groups()
    try:
        if kind == "yearly_quarter":
            return Deadline(phrase, recurrence=_yearly({"quarter": _CHINESE_SMALL[groups[0]]}))
        if kind == "yearly_half":
            return Deadline(phrase, recurrence=_yearly({"half": 1 if groups[0] == "上" else 2}))
        if kind == "yearly_day":
            month, day = int(groups[0]), int(groups[1])
            date(2000, month, day)  # validates
            return Deadline(phrase, recurrence=_yearly({"month": month, "day": day}))
        if kind == "yearly_month":
            month = int(groups[0])
            if not 1 <= month <= 12:
                return None
            return Deadline(phrase, recurrence=_yearly({"month": month, **_month_part(groups[1])}))
        if kind == "yearly_end":
            return Deadline(phrase, recurrence=_yearly({"month": 12, "part": "end"}))
        if kind == "yearly_start":
            return Deadline(phrase, recurrence=_yearly({"month": 1, "part": "early"}))
        if kind == "quarterly":
            return Deadline(phrase, recurrence={"rule": "quarterly"})
        if kind == "half_yearly":
            return Deadline(phrase, recurrence={"rule": "half_yearly"})
        if kind == "monthly":
            return Deadline(phrase, recurrence={"rule": "monthly", "part": "end"})
        if kind == "monthly_day":
            return Deadline(phrase, recurrence={"rule": "monthly", "day": int(groups[0])})
        if kind.startswith("next_year"):
            # 次年3月初前 next to 每年 is a yearly duty (last year's summary each March); alone it is the
            # year after the plan's.
            recurring = "每年" in _sentence_around(text, match.start(), match.end())
            if kind == "next_year_day":
                spec: dict[str, Any] = {"month": int(groups[0]), "day": int(groups[1])}
            elif kind == "next_year_month":
                spec = {"month": int(groups[0]), **_month_part(groups[1])}
            else:
                spec = {"quarter": _CHINESE_SMALL[groups[0]]}
            if recurring:
                return Deadline(phrase, recurrence=_yearly({**spec, "year_offset": 1}))
            if plan_year is None:
                return _NEEDS_YEAR
            return Deadline(phrase, due=due_in_year(_yearly(spec), plan_year + 1))
        if kind == "date":
            return Deadline(phrase, due=date(int(groups[0]), int(groups[1]), int(groups[2])))
        if kind == "month_part":
            part = _PART_NAMES[groups[2]]
            return Deadline(phrase, due=_month_date(int(groups[0]), int(groups[1]), part))
        if kind == "month_before":
            year, month = int(groups[0]), int(groups[1])
            return Deadline(phrase, due=_last_day(year - 1, 12) if month == 1 else _last_day(year, month - 1))
        if kind == "month_by":
            return Deadline(phrase, due=_last_day(int(groups[0]), int(groups[1])))
        if kind in ("year_end", "year_before", "year_by"):
            return Deadline(phrase, due=date(int(groups[0]), 12, 31))
        if kind == "year_half":
            return Deadline(phrase, due=_last_day(int(groups[0]), 6 if groups[1] == "上" else 12))
        if kind == "year_quarter":
            return Deadline(phrase, due=_last_day(int(groups[0]), _CHINESE_SMALL[groups[1]] * 3))
        # Printed without a year: the plan's year.
        if plan_year is None:
            return _NEEDS_YEAR
        if kind == "bare_day":
            return Deadline(phrase, due=date(plan_year, int(groups[0]), int(groups[1])))
        if kind == "bare_month_part":
            return Deadline(phrase, due=_month_date(plan_year, int(groups[0]), _PART_NAMES[groups[1]]))
        if kind == "bare_year_end":
            return Deadline(phrase, due=date(plan_year, 12, 31))
        if kind == "bare_half":
            return Deadline(phrase, due=_last_day(plan_year, 6 if groups[0] == "上" else 12))
        if kind == "bare_quarter":
            return Deadline(phrase, due=_last_day(plan_year, _CHINESE_SMALL[groups[0]] * 3))
    except ValueError:  # 13月, 2月30日: not a date, so not a deadline
        return None
    return None


def _dedupe(deadlines: list[Deadline]) -> list[Deadline]:
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for deadline in deadlines:
        key = (
            deadline.due,
            tuple(sorted((deadline.recurrence or {}).items())),
            tuple(sorted((deadline.relative or {}).items())),
            deadline.clause,
        )
        if key not in seen:
            seen.add(key)
            unique.append(deadline)
    return unique
