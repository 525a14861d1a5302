"""The shared indicator catalogue every jurisdiction starts with, and the indicators lawgov computes."""

from __future__ import annotations

from reports.models import (
    Computed,
    Indicator,
)

# (name, measure, kind, computed, additive, phrase, keywords). The shared catalogue every jurisdiction
# starts with; its legal office adds its own indicators beside them.
INDICATOR_CATALOGUE: list[tuple[str, str, str, str, bool, str, str]] = [
    ("年度计划任务", "项", "number", Computed.PLAN_TASKS, True, "列入年度工作计划的任务{数值}{单位}", ""),
    ("年内完成任务", "项", "number", Computed.TASKS_COMPLETED, True, "年内完成任务{数值}{单位}", ""),
    ("逾期未完成任务", "项", "number", Computed.TASKS_OVERDUE, True, "逾期未完成任务{数值}{单位}", ""),
    ("采纳的工作进展", "条", "number", Computed.REPORTS_ACCEPTED, True, "经审核采纳工作进展{数值}{单位}", ""),
    ("报送进展的单位", "个", "number", Computed.UNITS_REPORTING, True, "{数值}{单位}单位报送工作进展", ""),
    ("参加年度考核的单位", "个", "number", Computed.ASSESSMENT_UNITS, True, "{数值}{单位}单位参加年度考核", ""),
    ("年度考核平均分", "分", "number", Computed.ASSESSMENT_AVERAGE, False, "年度考核平均得分{数值}{单位}", ""),
    ("依法行政考评结果", "", "text", "", False, "在依法行政考评中获评{数值}", "考评"),
    ("行政复议申请", "件", "number", "", True, "收到行政复议申请{数值}{单位}", "行政复议,复议"),
    ("审结行政复议案件", "件", "number", "", True, "审结行政复议案件{数值}{单位}", "行政复议,复议"),
    ("行政复议决定书网上公开", "件", "number", "", True, "网上公开行政复议决定书{数值}{单位}", "复议"),
    ("行政应诉案件", "件", "number", "", True, "办理行政应诉案件{数值}{单位}", "应诉,行政诉讼,诉讼"),
    ("行政诉讼败诉率", "%", "percent", "", False, "行政诉讼败诉率为{数值}{单位}", "应诉,行政诉讼,诉讼"),
    ("行政机关负责人出庭应诉率", "%", "percent", "", False, "行政机关负责人出庭应诉率{数值}{单位}", "出庭,应诉"),
    ("制发规范性文件", "件", "number", "", True, "制发规范性文件{数值}{单位}", "规范性文件"),
    ("废止规范性文件", "件", "number", "", True, "废止规范性文件{数值}{单位}", "规范性文件,清理"),
    ("规范性文件备案审查", "件", "number", "", True, "备案审查规范性文件{数值}{单位}", "规范性文件,备案"),
    ("重大行政决策事项", "项", "number", "", True, "确定重大行政决策事项{数值}{单位}", "重大行政决策,决策目录"),
    ("合法性审查意见", "份", "number", "", True, "出具合法性审查意见{数值}{单位}", "合法性审查"),
    ("审查政府合同", "份", "number", "", True, "审查政府合同{数值}{单位}", "合同"),
    ("法律顾问", "名", "number", "", True, "聘请法律顾问{数值}{单位}", "法律顾问"),
    ("政府常务会议会前学法", "次", "number", "", False, "政府常务会议会前学法{数值}{单位}", "学法,第一责任人"),
    ("专题研究法治政府建设", "次", "number", "", False, "专题研究法治政府建设工作{数值}{单位}", "第一责任人"),
    ("主要负责人出庭应诉", "次", "number", "", False, "主要负责人出庭应诉{数值}{单位}", "出庭,第一责任人"),
    ("党政主要负责人述法", "人次", "number", "", False, "党政主要负责人述法{数值}{单位}", "述法,第一责任人"),
    ("领导干部法治专题讲座", "次", "number", "", True, "举办领导干部法治专题讲座{数值}{单位}", "讲座"),
    ("法治培训", "人次", "number", "", True, "组织法治培训{数值}{单位}", "培训"),
    ("人均法律知识培训", "学时", "number", "", False, "工作人员人均接受法律知识培训{数值}{单位}", "培训,学时"),
    ("行政执法人员持证", "人", "number", "", True, "持证行政执法人员{数值}{单位}", "持证,执法资格"),
    ("行政处罚案件", "件", "number", "", True, "办理行政处罚案件{数值}{单位}", "执法,处罚"),
    ("行政许可事项", "项", "number", "", False, "保留行政许可事项{数值}{单位}", "行政许可,审批"),
    ("精简行政审批事项", "项", "number", "", True, "精简行政审批事项{数值}{单位}", "审批,精简"),
    ("清理证明事项", "项", "number", "", True, "清理证明事项{数值}{单位}", "证明事项"),
    ("公平竞争审查政策措施", "件", "number", "", True, "对{数值}{单位}政策措施开展公平竞争审查", "公平竞争"),
    ("政府信息公开申请", "件", "number", "", True, "办理政府信息公开申请{数值}{单位}", "信息公开,政务公开"),
    ("主动公开政府信息", "条", "number", "", True, "主动公开政府信息{数值}{单位}", "公开"),
    ("人大代表建议办理", "件", "number", "", True, "办理人大代表建议{数值}{单位}", "人大"),
    ("政协提案办理", "件", "number", "", True, "办理政协提案{数值}{单位}", "政协"),
    ("调解矛盾纠纷", "件", "number", "", True, "调解矛盾纠纷{数值}{单位}", "矛盾,纠纷"),
    ("依法行政示范单位", "个", "number", "", True, "创建依法行政示范单位{数值}{单位}", "示范"),
]


def catalogue_ensure() -> int:
    """Create the shared indicators that are missing (by name); never changes what exists. Idempotent."""
    existing = set(Indicator.objects.active().filter(jurisdiction__isnull=True).values_list("name", flat=True))
    created = []
    for n, (name, measure, kind, computed, additive, phrase, keywords) in enumerate(INDICATOR_CATALOGUE):
        if name in existing:
            continue
        created.append(
            Indicator(
                jurisdiction=None,
                name=name,
                measure=measure,
                kind=kind,
                computed=computed,
                additive=additive,
                phrase=phrase,
                keywords=keywords,
                position=(n + 1) * 10,
            )
        )
    Indicator.objects.bulk_create(created)
    return len(created)


def _computed_indicators() -> dict[str, Indicator]:
    """The indicators lawgov computes, created from the catalogue if missing (two queries when present)."""
    found = {i.computed: i for i in Indicator.objects.active().filter(jurisdiction__isnull=True).exclude(computed="")}
    if len(found) < len(Computed.values):
        catalogue_ensure()
        found = {
            i.computed: i for i in Indicator.objects.active().filter(jurisdiction__isnull=True).exclude(computed="")
        }
    return found
