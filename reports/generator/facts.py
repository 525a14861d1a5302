"""The facts a draft is written from (what ``gather`` returns and ``write`` reads), and the constants both use."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from lawgov.models import Unit, UnitKind
from plans.importing.outline import chinese_numeral
from reports.models import (
    IndicatorKind,
    format_number,
)

log = logging.getLogger(__name__)

MAX_UNITS_PER_PARAGRAPH = 3
MAX_TEXTS_PER_UNIT = 3
MAX_NAMES = 3
MAX_NEXT_STEPS = 8
MAX_SOURCE_REPORTS = 50

# The 8 themes of 广州's 2018 report (seed 004), with the words that send a task to each; used for a
# jurisdiction-year without plans, and as the shared theme list the legal office can pick instead of the
# plan's own sections.
GUANGZHOU_THEMES: list[dict] = [
    {
        "title": "加强组织领导,全面推进法治政府建设",
        "keywords": ["组织领导", "领导", "责任", "示范", "学法", "培训", "宣传", "考核", "能力", "队伍", "经费"],
    },
    {
        "title": "优化营商环境,构建经济高质量发展体制机制",
        "keywords": ["营商环境", "市场", "公平竞争", "中介", "商事", "准入", "监管"],
    },
    {
        "title": "转变政府职能,提升为人民服务的能力水平",
        "keywords": ["职能", "权责清单", "审批", "服务", "下放", "热线", "窗口", "证明事项", "放管服", "体制改革"],
    },
    {
        "title": "完善制度建设,为全面深化改革提供制度保障",
        "keywords": ["规范性文件", "立法", "规章", "制度建设", "备案"],
    },
    {
        "title": "完善行政决策机制,提高科学民主决策水平",
        "keywords": ["决策", "合法性审查", "法律顾问", "听证", "风险评估", "议事", "公共法律服务"],
    },
    {
        "title": "深化体制改革,加强行政执法规范化建设",
        "keywords": ["执法", "综合执法", "行刑衔接", "刑事司法", "持证", "双随机", "法制员", "裁量"],
    },
    {
        "title": "强化权力制约监督,依法化解社会矛盾纠纷",
        "keywords": ["监督", "复议", "诉讼", "应诉", "审计", "监察", "人大", "政协", "矛盾", "纠纷", "制约", "问责"],
    },
    {
        "title": "大力推进政务公开,有效加强政务宣传工作",
        "keywords": ["公开", "政务公开", "信息公开", "新闻", "网站", "舆情", "舆论"],
    },
]
ASSESSMENT_KEYWORDS = ["考核", "考评", "组织领导", "领导", "责任", "能力"]
OTHER_THEME_TITLE = "其他工作"


@dataclass
class ReportFact:
    id: int
    task_id: int
    unit_id: int
    unit_name: str
    unit_short: str
    reported_on: dt.date
    text: str


@dataclass
class TaskFact:
    id: int
    plan_id: int
    section_id: int | None
    section_title: str
    number: str
    heading: str
    text: str
    due_on: dt.date | None
    completed_on: dt.date | None
    status: str
    year_of_completion: bool = False
    leads: list[str] = field(default_factory=list)
    reports: list[ReportFact] = field(default_factory=list)
    theme_key: str = ""

    @property
    def active(self) -> bool:
        """Has something to tell for the year: accepted progress, or completion within the year."""
        return bool(self.reports) or self.year_of_completion


@dataclass
class Theme:
    key: str
    title: str
    keywords: list[str] = field(default_factory=list)
    tasks: list[TaskFact] = field(default_factory=list)


@dataclass
class Figure:
    indicator_id: int
    name: str
    measure: str
    kind: str
    phrase: str
    keywords: list[str]
    computed: str
    value: Decimal | None = None
    text: str = ""
    statistic_ids: list[int] = field(default_factory=list)
    parts: list[tuple[str, str]] = field(default_factory=list)  # (unit, value) when the total is their sum
    # A city's figure added up from its districts: (district, value) of each, named in the report.
    district_parts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def cited(self) -> str:
        """The sentence as the report prints it: a city's total says which districts it comes from
        (收到行政复议申请300件,其中番禺区120件、天河区180件)."""
        if len(self.district_parts) < 2:
            return self.sentence
        shown = self.district_parts[:MAX_NAMES]
        more = "等" if len(self.district_parts) > len(shown) else ""
        return self.sentence + "(其中" + "、".join(f"{d}{v}{self.measure}" for d, v in shown) + more + ")"

    @property
    def display(self) -> str:
        if self.kind == IndicatorKind.TEXT:
            return self.text
        return f"{format_number(self.value)}{self.measure}"

    @property
    def sentence(self) -> str:
        phrase = self.phrase or (self.name + "{数值}{单位}")
        value = self.text if self.kind == IndicatorKind.TEXT else format_number(self.value)
        return phrase.replace("{数值}", value).replace("{单位}", self.measure)

    @property
    def has_value(self) -> bool:
        return bool(self.text) if self.kind == IndicatorKind.TEXT else self.value is not None

    def context(self) -> dict:
        return {
            "name": self.name,
            "value": self.display,
            "sentence": self.sentence,
            "parts": [{"unit": u, "value": v} for u, v in self.parts],
        }


@dataclass
class TargetCheck:
    task_id: int
    text: str
    value: Decimal | None
    measure: str
    comparison: str
    figure: Figure | None = None

    @property
    def met(self) -> bool | None:
        if self.figure is None or self.figure.value is None or self.value is None:
            return None
        if self.comparison == "at_most":
            return self.figure.value <= self.value
        return self.figure.value >= self.value

    @property
    def sentence(self) -> str:
        if self.met is None:
            return ""
        verdict = "已达到目标" if self.met else "未达到目标"
        return f"对照“{self.text}”的量化目标,全年实际为{self.figure.display},{verdict}。"


@dataclass
class AssessmentFacts:
    cycle_id: int
    title: str
    units: int
    average: str
    kinds: list[dict]
    weakest: list[dict]


@dataclass
class YearData:
    jurisdiction_id: int
    jurisdiction_name: str
    government: str
    self_ref: str
    year: int
    as_of: dt.date
    theme_mode: str  # "plan" or "list"
    plans: list[dict]
    themes: list[Theme]
    tasks: list[TaskFact]
    figures: list[Figure]
    targets: list[TargetCheck]
    assessment: AssessmentFacts | None
    next_plan: dict | None
    next_sections: list[str]
    computed: dict[str, Decimal]
    # 公文 elements: 主送机关, 落款 and 成文日期 (as printed).
    addressee: str = ""
    signature: str = ""
    dated: str = ""
    # A city's report draws on its districts' data: the districts under it, and those with data in the year.
    districts: list[str] = field(default_factory=list)
    districts_with_data: list[str] = field(default_factory=list)

    @property
    def is_city(self) -> bool:
        return bool(self.districts)

    @property
    def has_data(self) -> bool:
        return bool(self.tasks or any(f.has_value and not f.computed for f in self.figures))


def government_name(jurisdiction: Unit) -> str:
    """广州市番禺区人民政府: a district's government is named with its city, as on its documents."""
    name = jurisdiction.name
    if jurisdiction.kind == UnitKind.DISTRICT and jurisdiction.parent_id:
        parent = jurisdiction.parent
        if parent.kind == UnitKind.CITY and not name.startswith(parent.name):
            name = parent.name + name
    return f"{name}人民政府"


def attributed(district: str, unit: str) -> str:
    """A district's unit named in its city's report: 区司法局 of 番禺区 → 番禺区司法局; 大石街道 → 番禺区大石街道."""
    if not district or unit.startswith(district):
        return unit
    level = district[-1]  # 区 / 县
    return district + (unit[1:] if unit.startswith(level) and len(unit) > 2 else unit)


def attributed_text(district: str, unit: str, text: str) -> str:
    """A district unit's report as its city's report quotes it: the unit's own name (区司法局), the district
    as it calls itself (我区, 区政府) named with the district (番禺区司法局, 番禺区, 番禺区政府)."""
    if not district:
        return text
    named = attributed(district, unit)
    if named != unit:
        before = named[: -len(unit)] if named.endswith(unit) else ""
        guard = f"(?<!{re.escape(before)})" if before else ""
        text = re.sub(guard + re.escape(unit), named, text)
    level = district[-1]
    stem = re.escape(district[:-1])
    text = re.sub(f"[我本]{level}", district, text)
    return re.sub(f"(?<!{stem}){level}(政府|委|人大常委会)", lambda m: district + m.group(1), text)


def self_reference(jurisdiction: Unit) -> str:
    """我区 / 我市 / 我县: how the government calls itself in its report."""
    if jurisdiction.kind == UnitKind.CITY:
        return "我市"
    return "我县" if jurisdiction.name.endswith("县") else "我区"


def level_word(jurisdiction: Unit) -> str:
    """区 / 县 / 市: the level a government names itself by (区委, 县人大常委会)."""
    if jurisdiction.kind == UnitKind.CITY:
        return "市"
    return "县" if jurisdiction.name.endswith("县") else "区"


def default_addressee(jurisdiction: Unit) -> str:
    """The statutory recipients: the 同级党委 and 人大常委会, and the 上一级党委和政府 (2019 督察规定 art. 25)."""
    own = level_word(jurisdiction)
    upper = "省" if jurisdiction.kind == UnitKind.CITY else "市"
    return f"{own}委、{own}人大常委会\uff0c{upper}委、{upper}政府"


def document_date(day: dt.date, style: str) -> str:
    """成文日期: 2018年3月1日, or 二〇一八年三月一日 where the office writes dates in 汉字."""
    if style != "chinese":
        return cn_date(day)
    digits = "〇一二三四五六七八九"
    year = "".join(digits[int(d)] for d in str(day.year))
    return f"{year}年{chinese_numeral(day.month)}月{chinese_numeral(day.day)}日"


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def ordinal(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十, 100 → 一百, 110 → 一百一十: the parser's own writer of Chinese numerals."""
    return chinese_numeral(n)
