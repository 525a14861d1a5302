"""What kind of document an upload is: a plan to import, a scoring rubric, an annual report, or something
else. Clerks upload the wrong file (the rubric annex, last year's report) often enough that the importer
must say so instead of turning scoring rows or achievements into "tasks".

``classify`` weighs the title's head words and, when the title is silent or mixed (…工作总结及2022年工作安排),
the body's cues. Pure function over normalized lines; the reason is Chinese, shown to the person.
"""

from __future__ import annotations

import re

from .normalize import NormalizedDocument
from .outline import match_marker

PLAN = "plan"
RUBRIC = "rubric"
REPORT = "report"
OTHER = "other"

KIND_NAMES = {PLAN: "工作规划", RUBRIC: "考核评分细则", REPORT: "工作情况报告", OTHER: "其他文件"}

_RUBRIC_TITLE_RE = re.compile(
    r"(考核\S{0,6}(?:细则|办法|标准)|考评\S{0,4}(?:细则|办法|标准)|评分\S{0,2}(?:细则|标准|办法|表)|评分|考核表|指标体系)"
)
_REPORT_TITLE_RE = re.compile(r"(情况的?报告|工作报告|报告|工作总结|总结|情况通报|述职|情况$)")
_PLAN_TITLE_RE = re.compile(
    r"(实施方案|工作方案|方案|规划|实施意见|意见|工作要点|要点|工作安排|安排|工作计划|计划|纲要|任务清单|工作清单)"
)
# Rules and notices: 条例, 规定, 管理办法, 决定 name a legal text, not a plan (a 考核办法 is a rubric, above).
_OTHER_TITLE_RE = re.compile(r"(条例|规定|规则|办法|决定|公告|通告)(?:\([^()]*\))?$")

# Body cues, counted over the text.
_RUBRIC_CUE_RE = re.compile(
    r"分值|得分|扣\s*\d+(?:\.\d+)?\s*分|扣[一二三四五六七八九十半]分|加\s*\d+(?:\.\d+)?\s*分|每\S{0,6}扣|扣完为止|评分标准|\(\d+(?:\.\d+)?分\)"
)
_REPORT_CUE_RE = re.compile(
    r"一年来|过去一年|今年以来|\d{4}年以来|取得了?[^。;]{0,12}(?:成效|成绩|进展|成果)|存在的?(?:问题|不足)|问题和不足|"
    r"差距和不足|不足之处|下一步|下一年度?|明年|工作打算|\d{4}年(?:度)?工作(?:安排|计划|打算|思路)"
)
_PAST_RE = re.compile(
    r"(?:完成|办理|审查|出台|制定|开展|组织|培训|受理|印发|召开)了?[^。;,]{0,8}\d+(?:件|次|场|期|人次|份|个|项)"
)
_PLAN_CUE_RE = re.compile(
    r"(?:牵头|配合|责任|主办|协办)(?:单位|部门)\s*:|(?:牵头|负责|配合)[,;)〕】]|"
    r"(?:年底|月底|季度末?|年内)前|到\d{4}年|\d{4}年\d{1,2}月(?:底)?前"
)
# A title ends with its kind (…实施方案, …考核评分细则, …情况的报告), perhaps followed by its years.
_TITLE_END_RE = re.compile(
    "(?:"
    + "|".join((_PLAN_TITLE_RE.pattern, _REPORT_TITLE_RE.pattern, _RUBRIC_TITLE_RE.pattern))
    + r")(?:\([^()]*\))?$"
)


_BODY_SAMPLE = 30_000


def _guess_title(lines: list[str]) -> str | None:
    """A title-like line near the top: not a numbered heading (三、2024年工作安排), not a table cell (评分标准)."""
    for line in lines[:25]:
        if (
            8 <= len(line) <= 80
            and not line.endswith(("。", ",", ":", ";"))
            and match_marker(line) is None
            and _TITLE_END_RE.search(line)
        ):
            return line
    return None


# What a scoring cue is called in the reason, in the order a person expects to read them.
_RUBRIC_CUE_NAMES = ("分值", "扣分", "得分", "加分", "扣完为止", "评分标准")


def _rubric_cue_name(cue: str) -> str:
    if cue.startswith("(") or cue == "分值":
        return "分值"
    if cue == "扣完为止":
        return cue
    if "扣" in cue:
        return "扣分"
    if cue.startswith("加"):
        return "加分"
    return cue


def _quote(words: list[str]) -> str:
    return "".join(f"“{word}”" for word in dict.fromkeys(words))


def classify(normalized: NormalizedDocument, title: str | None = None) -> tuple[str, str]:
    """(kind, reason): kind is plan / rubric / report / other; reason says why, in Chinese.

    ``title`` is the document title when the parser found one; otherwise a title-like line near the top
    is used. The annexes of a plan (昭化's rubrics) do not make it a rubric: the title decides first.
    """
    lines = normalized.lines
    title = title if title is not None else _guess_title(lines)
    title_text = title or ""
    # A document shows what it is well before 30,000 characters; a 1,000-task plan need not be read twice.
    text = "\n".join(lines)[:_BODY_SAMPLE]

    rubric_cues = _RUBRIC_CUE_RE.findall(text)
    report_cues = [match.group(0) for match in _REPORT_CUE_RE.finditer(text)]
    past_figures = len(_PAST_RE.findall(text))
    plan_cues = len(_PLAN_CUE_RE.findall(text))

    rubric_word = _RUBRIC_TITLE_RE.search(title_text)
    report_words = _REPORT_TITLE_RE.findall(title_text)
    plan_words = _PLAN_TITLE_RE.findall(title_text)

    def body(cues: list[str], limit: int = 3) -> str:
        shown = [cue.strip() for cue in cues if cue.strip()]
        return f"正文有{_quote(shown[:limit])}等{len(shown)}处" if shown else ""

    def reason(head: str, *parts: str) -> str:
        return ",".join(part for part in (head, *parts) if part)

    named = sorted({_rubric_cue_name(cue) for cue in rubric_cues}, key=_RUBRIC_CUE_NAMES.index)
    scoring = f"正文有{_quote(named[:3])}等评分用语{len(rubric_cues)}处" if rubric_cues else ""
    if rubric_word:
        return RUBRIC, reason(f"标题含“{rubric_word.group(1)}”", scoring)
    if not plan_words and not report_words and (other := _OTHER_TITLE_RE.search(title_text)):
        return OTHER, f"标题以“{other.group(1)}”结尾,是规范性文件,不是工作规划或报告"
    if report_words and not plan_words:
        return REPORT, reason(f"标题含“{report_words[-1]}”", body(report_cues))
    if plan_words and not report_words:
        return PLAN, reason(f"标题含“{plan_words[0]}”", f"正文有{plan_cues}处责任单位或时限" if plan_cues else "")
    if report_words and plan_words and re.search(r"(报告|总结)$", title_text):
        return REPORT, reason(f"标题以“{report_words[-1]}”结尾", body(report_cues))

    # The title is silent or names both (…工作总结和2022年工作计划): the body decides.
    head = (
        f"标题“{title_text}”同时含{_quote([*report_words, *plan_words])}"
        if title_text and (report_words or plan_words)
        else "未找到能判断类型的标题"
    )
    report_strength = len(report_cues) + past_figures // 3
    if len(rubric_cues) >= 5 and len(rubric_cues) > plan_cues:
        return RUBRIC, reason(head, scoring)
    if report_strength >= 2 and report_strength > plan_cues:
        return REPORT, reason(head, body(report_cues), f"{past_figures}处已完成的数字" if past_figures else "")
    if plan_cues:
        return PLAN, reason(head, f"正文有{plan_cues}处责任单位或时限")
    if any(re.match(r"^(?:\(?[一二三四五六七八九十\d]{1,3}[、.)])", line) for line in lines):
        return PLAN, reason(head, "正文有编号条目,未见评分或总结用语")
    return OTHER, reason(head, "正文没有编号条目、责任单位、评分或总结用语")
