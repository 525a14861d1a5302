"""The wording of the draft as sentence frames the legal office edits without code.

A frame is plain Chinese text with named blanks, 【年度】【辖区自称】【任务数】…, filled with the year's facts.
Everything that is a choice or a list stays in code (``writing.py``): which frame is used when a figure is zero
or the year has no data (``opening`` / ``opening_empty``…), how a list of units or figures is joined, the
一是…二是… of the measures. A blank that names a clause (【规划部署】, 【任务情况】) is empty when its facts are.

Before frames, the wording was Django template syntax. Rows saved then are kept as they are and marked
``advanced`` (高级): they render with the old template context, and only a superuser edits them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template

from reports.models import WordingTemplate

WORDING_DIR = Path(settings.BASE_DIR) / "templates" / "reports" / "wording"
_ENGINE = Engine(autoescape=False, debug=False)

OPEN, CLOSE = "\u3010", "\u3011"  # 【 】
BLANK_RE = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")


@dataclass(frozen=True)
class Blank:
    """A named blank of a frame: what it is filled with, and the sample fact the preview shows."""

    name: str
    help: str
    sample: str


COMMON_BLANKS = (
    Blank("年度", "报告的年度", "2017"),
    Blank("下一年度", "报告年度的下一年", "2018"),
    Blank("辖区自称", "我区、我市或我县", "我区"),
    Blank("人民政府", "本级人民政府的全称", "广州市番禺区人民政府"),
    Blank("辖区", "辖区名称", "番禺区"),
)


@dataclass(frozen=True)
class Frame:
    key: str
    label: str
    help: str
    blanks: tuple[Blank, ...]
    variant_of: str = ""  # a frame chosen in code instead of ``variant_of`` (e.g. when the year has no data)

    @property
    def all_blanks(self) -> tuple[Blank, ...]:
        return COMMON_BLANKS + self.blanks

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.all_blanks]

    def sample(self) -> dict[str, str]:
        return {b.name: b.sample for b in self.all_blanks}


FRAMES: dict[str, Frame] = {
    f.key: f
    for f in (
        Frame("title", "标题", "报告的标题。", ()),
        Frame(
            "opening",
            "开头概述",
            "第一部分之前的总体情况段落,以“现将有关情况报告如下。”结尾。",
            (
                Blank(
                    "规划部署",
                    "落实的工作方案,如“认真落实《…》的各项部署,”;本年度没有方案时为空",
                    "认真落实《番禺区法治政府建设实施方案》(番府办〔2017〕1号)的各项部署,",
                ),
                Blank(
                    "任务情况",
                    "任务完成情况的句子;没有任务时为空",
                    "全年部署法治政府建设重点任务38项,已完成30项,其余任务按计划持续推进。",
                ),
                Blank("任务数", "本年度部署的任务数", "38"),
                Blank("完成任务数", "本年度完成的任务数", "30"),
                Blank("全年数据", "没有归入任何方面的统计数据;没有时为空", "全年收到行政复议申请120件。"),
                Blank("荣誉", "获得的荣誉;没有时为空", "2017年,我区获评广东省法治政府建设示范区。"),
            ),
        ),
        Frame(
            "opening_empty",
            "开头概述(本年度没有数据时)",
            "本年度在平台上没有工作方案、进展和统计数据时的开头。",
            (),
            variant_of="opening",
        ),
        Frame(
            "city_districts",
            "市级报告:汇总各区数据",
            "市的报告写在开头概述之后,说明汇总了哪些区的数据;各区的做法在正文中以区名开头。",
            (
                Blank("有数据的区", "本年度有数据的区,如“番禺区、天河区等11个区”", "番禺区、天河区等11个区"),
                Blank("区数", "本年度有数据的区的个数", "11"),
            ),
        ),
        Frame(
            "city_no_districts",
            "市级报告:各区没有数据时",
            "市所辖各区本年度在平台上都没有数据时,写在开头概述之后。",
            (),
            variant_of="city_districts",
        ),
        Frame(
            "paragraph",
            "方面段落的主题句",
            "第一部分每个方面(一)(二)…段落的第一句,其后自动接“一是……二是……”。留空则不写主题句。",
            (
                Blank("方面", "方面的名称", "深化行政体制改革"),
                Blank("任务数", "该方面的任务数", "6"),
                Blank("完成任务数", "该方面年内完成的任务数", "2"),
                Blank("完成情况", "如“,年内完成2项”;没有完成的为空", ",年内完成2项"),
            ),
        ),
        Frame(
            "assessment",
            "考核段落",
            "写在考核所属方面段落的最后一项。",
            (
                Blank("考核名称", "考核的名称", "2017年度依法行政考评"),
                Blank("参加单位数", "参加考核的单位数", "32"),
                Blank("平均分", "平均得分", "91.5"),
                Blank(
                    "位居前列",
                    "各类单位得分靠前的单位;并列无法区分或超过三分之一时为空",
                    "政府部门中,区司法局(98分)得分位居前列。",
                ),
            ),
        ),
        Frame(
            "empty_theme",
            "没有已核实进展时",
            "本年度有任务、但全年没有经审核的工作进展时,第一部分写这一句。",
            (Blank("任务数", "本年度的任务数", "12"),),
        ),
        Frame(
            "empty_year",
            "没有任务和进展时",
            "本年度既没有任务也没有工作进展时,第一部分写这一句。",
            (),
            variant_of="empty_theme",
        ),
        Frame(
            "shortcomings",
            "存在的不足",
            "第二部分。各项不足由系统按方面归纳,写成“一是……;二是……”。",
            (
                Blank(
                    "不足各项",
                    "一是……;二是……",
                    "一是深化行政体制改革方面,部分工作推进滞后,1项任务未能在时限内完成;"
                    "二是年度考核中“政务公开”方面得分率相对较低,相关工作仍需加强",
                ),
            ),
        ),
        Frame(
            "shortcomings_none",
            "存在的不足(数据中没有发现不足时)",
            "有数据、但没有逾期任务、未达标目标和考核弱项时。",
            (),
            variant_of="shortcomings",
        ),
        Frame(
            "shortcomings_empty",
            "存在的不足(本年度没有数据时)",
            "本年度没有数据时的提示,请法制办据实填写。",
            (),
            variant_of="shortcomings",
        ),
        Frame(
            "leadership",
            "第一责任人履职情况",
            "第三部分。履职数据来自“统计数据”中常务会议学法、专题研究、出庭应诉、述法等指标。",
            (Blank("履职数据", "各项履职数据,以逗号相连", "政府常务会议会前学法12次,专题研究法治政府建设4次"),),
        ),
        Frame(
            "leadership_empty",
            "第一责任人履职情况(没有录入数据时)",
            "没有录入履职数据时的提示。",
            (),
            variant_of="leadership",
        ),
        Frame(
            "next_steps",
            "下一年度工作安排",
            "第四部分。各项安排由系统从下一年度方案或本年度的方面得出,写成“一是……。二是……。”。",
            (
                Blank(
                    "工作方案",
                    "如“按照《…》的部署,”;没有下一年度方案时为空",
                    "按照《番禺区2018年法治政府建设工作要点》的部署,",
                ),
                Blank("安排各项", "一是……。二是……。", "一是进一步深化行政体制改革。二是进一步加强行政执法规范化建设。"),
            ),
        ),
        Frame("other", "其他需要报告的事项", "第五部分。没有可写“无。”。", ()),
    )
}


@dataclass(frozen=True)
class Wording:
    """One piece's wording for a jurisdiction: a frame, or an old Django template kept as 高级 (advanced)."""

    text: str
    advanced: bool = False
    custom: bool = False


class WordingError(Exception):
    def __init__(self, key: str, detail: str):
        super().__init__(detail)
        self.key = key
        self.detail = detail


class FrameError(ValueError):
    """A frame with a blank that does not exist (or a bracket left open); ``valid`` lists the blanks."""

    def __init__(self, message: str, unknown: list[str], valid: list[str]):
        super().__init__(message)
        self.unknown, self.valid = unknown, valid


def default_wording(key: str) -> str:
    return (WORDING_DIR / f"{key}.txt").read_text(encoding="utf-8")


def is_template_syntax(text: str) -> bool:
    """Django template syntax ({{ }}, {% %}, {# #}) rather than a frame."""
    return bool(re.search(r"\{[{%#]", text))


def frame_check(key: str, text: str) -> None:
    """Refuse a blank the frame does not have, naming the ones it has; refuse a bracket left open."""
    frame = FRAMES[key]
    valid = frame.names
    unknown = [n for n in BLANK_RE.findall(text) if n not in valid]
    chips = "、".join(f"{OPEN}{n}{CLOSE}" for n in valid)
    if unknown:
        shown = "、".join(f"{OPEN}{n}{CLOSE}" for n in dict.fromkeys(unknown))
        raise FrameError(f"“{frame.label}”中没有空位{shown}。可用的空位:{chips}。", unknown, valid)
    if BLANK_RE.sub("", text).count(OPEN) or BLANK_RE.sub("", text).count(CLOSE):
        raise FrameError(f"“{frame.label}”中有未配对的【】。可用的空位:{chips}。", [], valid)


def fill_frame(text: str, values: dict[str, str]) -> str:
    """A frame filled with the facts; line breaks and the spaces around them vanish. An unknown blank
    raises ``KeyError`` (checked on saving, so only a row changed behind the page's back reaches it)."""
    out = BLANK_RE.sub(lambda m: values[m.group(1)], text)
    return re.sub(r"\s*\n\s*", "", out).strip()


def frame_preview(key: str, text: str) -> str:
    """The frame filled with the sample facts (what the page shows beside the text box)."""
    frame = FRAMES[key]
    return fill_frame(text, frame.sample())


@cache
def _compiled(text: str) -> Template:
    return _ENGINE.from_string(text)


def compile_wording(text: str) -> Template:
    """An advanced (Django) template, compiled; raises ``TemplateSyntaxError`` with Django's message."""
    return _compiled(text)


def render_wording(text: str, context: dict[str, Any]) -> str:
    """Fill an advanced template; line breaks and the indentation around them vanish."""
    out = compile_wording(text).render(Context(context, autoescape=False))
    out = re.sub(r"\s*\n\s*", "", out)
    return out.strip()


def wording_for(jurisdiction_id: int) -> dict[str, Wording]:
    """The jurisdiction's wording: its own frames (or advanced templates) where it has them, else the default."""
    texts = {key: Wording(default_wording(key)) for key in FRAMES}
    rows = WordingTemplate.objects.filter(jurisdiction_id=jurisdiction_id, key__in=list(FRAMES))
    for key, text, advanced in rows.values_list("key", "text", "advanced"):
        texts[key] = Wording(text, advanced=advanced, custom=True)
    return texts


# How an old Django template becomes a frame: only plain variables, no tags. Anything else stays advanced.
DJANGO_TO_BLANK: dict[str, dict[str, str]] = {
    "": {
        "year": "年度",
        "next_year": "下一年度",
        "self_ref": "辖区自称",
        "government": "人民政府",
        "jurisdiction": "辖区",
    },
    "opening": {"counts.tasks": "任务数", "counts.done": "完成任务数"},
    "paragraph": {"theme.title": "方面", "theme.task_count": "任务数", "theme.done": "完成任务数"},
    "empty_theme": {"theme.task_count": "任务数"},
    "assessment": {"assessment.title": "考核名称", "assessment.units": "参加单位数", "assessment.average": "平均分"},
}


def frame_from_template(key: str, text: str) -> str | None:
    """The frame an old Django template amounts to, or None when it uses tags (if, for…) or other variables."""
    if key not in FRAMES:
        return None
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    if "{%" in text:
        return None
    names = {**DJANGO_TO_BLANK[""], **DJANGO_TO_BLANK.get(key, {})}
    failed = False

    def blank(m: re.Match) -> str:
        nonlocal failed
        name = names.get(m.group(1))
        if name is None:
            failed = True
            return ""
        return f"{OPEN}{name}{CLOSE}"

    out = re.sub(r"\{\{\s*([\w.]+)\s*\}\}", blank, text)
    if failed or "{{" in out:
        return None
    return out.strip() + "\n"
