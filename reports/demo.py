"""Demo data of the reports app: the shared indicator catalogue and theme list, the key figures of 广州's
2018 report (seed 004) as 广州市's 2018 values, and figures for 番禺区 2017 so its draft cites some.

The 广州 figures are the report's own; the 番禺 ones are made up for the demo and say so in their note.
Idempotent: a value that exists is left as it is.
"""

from collections.abc import Callable

from django.db import transaction

from lawgov.models import Unit, UnitKind
from reports import services
from reports.models import Indicator, Statistic, StatisticSource

# (indicator, value) for 广州市 2018, from 广州市人民政府关于我市2018年法治政府建设情况的报告.
GUANGZHOU_2018 = [
    ("依法行政考评结果", "优秀"),
    ("行政复议申请", "2945"),
    ("审结行政复议案件", "2735"),
    ("行政复议决定书网上公开", "1252"),
    ("行政应诉案件", "3905"),
    ("制发规范性文件", "44"),
    ("废止规范性文件", "29"),
    ("重大行政决策事项", "12"),
    ("合法性审查意见", "1500"),
    ("审查政府合同", "149"),
    ("法治培训", "100"),
    ("精简行政审批事项", "24"),
    ("行政许可事项", "238"),
    ("清理证明事项", "430"),
    ("公平竞争审查政策措施", "301"),
    ("政府信息公开申请", "293"),
    ("人大代表建议办理", "415"),
    ("政协提案办理", "501"),
    ("依法行政示范单位", "62"),
]
GUANGZHOU_NOTE = "摘自《广州市人民政府关于我市2018年法治政府建设情况的报告》"

# (indicator, unit name or None for the district itself, value) for 番禺区 2017: demo values.
PANYU_2017 = [
    ("行政复议申请", "区法制办", "186"),
    ("审结行政复议案件", "区法制办", "171"),
    ("行政应诉案件", None, "64"),
    ("行政诉讼败诉率", None, "4.7"),
    ("行政机关负责人出庭应诉率", None, "85"),
    ("制发规范性文件", None, "12"),
    ("废止规范性文件", None, "5"),
    ("规范性文件备案审查", "区法制办", "23"),
    ("重大行政决策事项", None, "6"),
    ("合法性审查意见", "区法制办", "230"),
    ("审查政府合同", "区法制办", "96"),
    ("法律顾问", "区法制办", "15"),
    ("政府常务会议会前学法", None, "4"),
    ("法治培训", "区法制办", "1200"),
    ("法治培训", "区人力资源和社会保障局", "350"),
    ("行政执法人员持证", None, "1350"),
    ("行政处罚案件", "区城管局", "2310"),
    ("行政处罚案件", "区市场监管局", "1820"),
    ("行政处罚案件", "区环保局", "460"),
    ("政府信息公开申请", "区政府办", "97"),
    ("主动公开政府信息", "区政府办", "5230"),
    ("精简行政审批事项", "区编办", "18"),
    ("清理证明事项", "区编办", "41"),
]
PANYU_NOTE = "演示数据(虚构),用于展示报告草稿"


def seed_app(*, log: Callable[[str], object]) -> None:
    created = services.catalogue_ensure()
    services.theme_list_guangzhou()
    if created:
        log(f"报告:通用统计指标 {created} 个")
    city = Unit.objects.filter(name="广州市", kind=UnitKind.CITY).first()
    if city is not None:
        n = _seed(city, 2018, [(name, None, value) for name, value in GUANGZHOU_2018], GUANGZHOU_NOTE)
        if n:
            log(f"报告:广州市2018年统计数据 {n} 项(摘自广州市2018年法治政府建设情况报告)")
    panyu = Unit.objects.filter(name="番禺区", kind=UnitKind.DISTRICT).first()
    if panyu is not None:
        n = _seed(panyu, 2017, PANYU_2017, PANYU_NOTE)
        if n:
            log(f"报告:番禺区2017年演示统计数据 {n} 项")


@transaction.atomic
def _seed(jurisdiction: Unit, year: int, rows: list[tuple[str, str | None, str]], note: str) -> int:
    indicators = {i.name: i for i in Indicator.objects.for_jurisdiction(jurisdiction)}
    count = 0
    for name, unit_name, raw in rows:
        indicator = indicators.get(name)
        unit = jurisdiction
        if unit_name is not None:
            unit = Unit.objects.active().filter(jurisdiction=jurisdiction, name=unit_name).first()
        if indicator is None or unit is None:
            continue
        value, text = services.parse_value(indicator, raw)
        _, created = Statistic.objects.get_or_create(
            indicator=indicator,
            unit=unit,
            year=year,
            defaults={
                "jurisdiction": jurisdiction,
                "value": value,
                "text": text,
                "note": note,
                "source": StatisticSource.ENTERED,
            },
        )
        count += created
    return count
