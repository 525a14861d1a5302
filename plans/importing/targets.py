"""Quantitative targets in task text: 不少于4次, 每人每年不少于60学时, 每月报送2条以上, 不超过3个工作日.

A target is a number, a measure word, a direction (at least / at most) and, read from the same
sentence, the period it counts over (每年 → year) and who it counts per (每人 → person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Longest first so 个工作日 wins over 个, 人次 over 人.
_MEASURES = (
    "个工作日", "工作日", "学时", "课时", "小时", "人次", "次", "期", "天", "条", "件", "名", "个", "人",
    "场", "篇", "项", "家", "份", "批", "周", "%",
)  # fmt: skip
_MEASURE = "(" + "|".join(re.escape(measure) for measure in _MEASURES) + ")"
_NUMBER = r"(\d+(?:\.\d+)?)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("at_least", re.compile(rf"(?:不少于|不低于|不得少于|不小于)\s*{_NUMBER}\s*{_MEASURE}")),
    # 至少 often has its verb before the number: 至少召开1次.
    ("at_least", re.compile(rf"(?:至少|最少)[\u4e00-\u9fff]{{0,8}}?{_NUMBER}\s*{_MEASURE}")),
    ("at_least", re.compile(rf"(?:达到|达|提高到|提升到|提升至|提高至)\s*{_NUMBER}\s*(%)")),
    ("at_least", re.compile(rf"(?<![\d.]){_NUMBER}\s*{_MEASURE}(?:及)?以上")),
    ("at_most", re.compile(rf"(?:不超过|不多于|不高于|不得超过|最多|控制在)\s*{_NUMBER}\s*{_MEASURE}")),
    ("at_most", re.compile(rf"(?<![\d.]){_NUMBER}\s*{_MEASURE}(?:以内|以下)")),
)
_PERIODS = (
    ("每季度", "quarter"),
    ("每个季度", "quarter"),
    ("每月", "month"),
    ("每个月", "month"),
    ("每年", "year"),
    ("每一年", "year"),
    ("年度", "year"),
    ("全年", "year"),
)
_PER = (("每人", "person"), ("人均", "person"), ("每名", "person"), ("每个单位", "unit"), ("每单位", "unit"))
_DELIMITERS = ",;。!?:\n"
_SENTENCE_ENDS = "。;!?\n"


@dataclass
class Target:
    """A measurable commitment: ``value`` ``measure`` per ``period`` (and ``per``), at least or at most."""

    text: str
    value: int | float
    measure: str
    period: str | None = None
    per: str | None = None
    comparison: str = "at_least"
    clause: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": self.value,
            "measure": self.measure,
            "period": self.period,
            "per": self.per,
            "comparison": self.comparison,
            "clause": self.clause,
        }


# Every pattern above prints one of these characters (不少于, 至少, 最多, 达到, 提高到, 以上, 控制在): a text with
# none of them holds no target, and most task texts are such (issue 18: six scans a task on long plans).
_TARGET_CHARACTERS_RE = re.compile("[不至最达提以控]")


def extract_targets(text: str, *, clause: int | None = None) -> list[Target]:
    """Targets in a text, in reading order."""
    if not _TARGET_CHARACTERS_RE.search(text):
        return []
    matches: list[tuple[int, int, str, re.Match[str]]] = []
    for comparison, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            matches.append((match.start(), match.end(), comparison, match))
    matches.sort(key=lambda item: (item[0], -item[1]))

    targets: list[Target] = []
    covered_until = -1
    for start, end, comparison, match in matches:
        if start < covered_until:
            continue
        covered_until = end
        raw = match.group(1)
        value: int | float = float(raw) if "." in raw else int(raw)
        sentence_start = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
        context = text[sentence_start:start]
        fragment_start = max(text.rfind(mark, 0, start) for mark in _DELIMITERS) + 1
        fragment_ends = [index for index in (text.find(mark, end) for mark in _DELIMITERS) if index != -1]
        fragment = text[fragment_start : min(fragment_ends) if fragment_ends else len(text)].strip()
        targets.append(
            Target(
                text=fragment,
                value=value,
                measure=match.group(2),
                period=_closest(context, _PERIODS),
                per=_closest(context, _PER),
                comparison=comparison,
                clause=clause,
            )
        )
    return targets


def _closest(context: str, words: tuple[tuple[str, str], ...]) -> str | None:
    """The meaning of the keyword nearest before the number (每人每年 → year for the period)."""
    best: tuple[int, str] | None = None
    for word, meaning in words:
        position = context.rfind(word)
        if position != -1 and (best is None or position > best[0]):
            best = (position, meaning)
    return best[1] if best else None
