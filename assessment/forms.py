"""Forms of the assessment app. They turn text into types; the rules themselves live in services.

The self-assessment and review sheets have one input per rule, so they are read straight from the POST
(``item_inputs``) into the services' input types; the facts stay raw strings until the services type
and check them (so a bad value gets the same message from every page).
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from assessment import scoring
from assessment.models import AssessedKind, Rubric, UnsubmittedRule
from assessment.rules import RubricRules
from assessment.services import ItemInput, ReviewInput
from lawgov.models import Unit

DATE_ERRORS = {"invalid": "日期格式不正确,应为 2017-12-01 这样的格式。", "required": "请填写日期。"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )


class RubricChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Rubric) -> str:
        return f"{obj.title}({obj.year}年)"


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}({dict(AssessedKind.choices).get(obj.kind, '')})"


class CycleDatesMixin(forms.Form):
    title = forms.CharField(label="名称", max_length=200, required=False)
    self_start = _date("自查自评开始")
    self_end = _date("自查自评截止")
    review_end = _date("集中考核截止(可空)", required=False)
    approve_by = _date("报区政府审定(可空)", required=False)
    weight = forms.DecimalField(
        label="在年度综合目标考核中的分值",
        max_digits=5,
        decimal_places=1,
        min_value=0.1,
        max_value=100,
        error_messages={
            "invalid": "分值必须是数字。",
            "min_value": "分值必须大于0。",
            "max_value": "分值不能超过100。",
            "max_decimal_places": "分值最多保留一位小数。",
            "required": "请填写分值。",
        },
        help_text="考核得分(百分制)按此分值折算计入综合目标考核,例如10分:87.5分折算为8.8分。",
    )


class CycleRulesMixin(forms.Form):
    """The cycle's options, the same on the creation and the settings page."""

    unsubmitted_rule = forms.ChoiceField(
        label="未提交自评的单位(按评分细则)", choices=UnsubmittedRule.choices, required=False
    )  # absent: left as it is (creation: the default)
    unsubmitted_points = forms.DecimalField(
        label="未提交自评扣分(选“扣X分”时)",
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
        error_messages={
            "invalid": "扣分必须是数字。",
            "min_value": "扣分不能为负数。",
            "max_value": "扣分不能超过100。",
        },
    )
    converted_capped = forms.BooleanField(label="折算得分不超过分值(含特别加分时)", required=False)


class CycleCreateForm(CycleDatesMixin, CycleRulesMixin):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, error_messages={"invalid": "年度必须是数字。"}
    )
    department_rubric = RubricChoiceField(label="区级部门评分细则", queryset=Rubric.objects.none(), empty_label=None)
    township_rubric = RubricChoiceField(label="乡镇(街道)评分细则", queryset=Rubric.objects.none(), empty_label=None)
    units = UnitChoices(
        label="参加考核的单位",
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个参加考核的单位。"},
    )
    field_order = ["year", "title", "department_rubric", "township_rubric", "self_start", "self_end"]

    def __init__(self, *args, rubrics=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        rubrics = rubrics if rubrics is not None else Rubric.objects.none()
        self.fields["department_rubric"].queryset = rubrics.filter(unit_kind=AssessedKind.DEPARTMENT)
        self.fields["township_rubric"].queryset = rubrics.filter(unit_kind=AssessedKind.TOWNSHIP)
        if units is not None:
            self.fields["units"].queryset = units


class CycleEditForm(CycleDatesMixin, CycleRulesMixin):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExtensionForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), error_messages={"required": "请选择单位。"}
    )
    until = _date("延长至")
    reason = forms.CharField(label="理由", max_length=300, error_messages={"required": "延长自评时间须写明理由。"})

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "退回时请写明理由。"}
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="审定依据(必填,如区政府常务会议纪要)", max_length=300, required=False
    )  # required by the service, which says why beside the button


class RubricImportForm(forms.Form):
    file = forms.FileField(
        label="文件(.xlsx 评分细则表,或带附件的工作安排 .txt/.docx/.html)",
        error_messages={"required": "请选择要导入的文件。"},
    )
    year = forms.IntegerField(
        label="年度(.xlsx 必填,文件标题含年度时可空)", required=False, min_value=2000, max_value=2100
    )
    unit_kind = forms.ChoiceField(
        label="适用单位(.xlsx)", choices=[("", "按标题判断"), *AssessedKind.choices], required=False
    )
    title = forms.CharField(label="标题(.xlsx,可空:取表格第一行)", max_length=200, required=False)


# --- the sheets --------------------------------------------------------------------------------------


def _facts(post: QueryDict, rules, prefix: str = "f") -> tuple[dict, dict]:
    facts: dict = {}
    reasons: dict = {}
    for rule in rules:
        name = f"{prefix}-{rule.pk}"
        if rule.kind == scoring.RuleKind.PER_SHORTFALL:
            facts[rule.key] = [post.get(f"{name}-{m}", "") for m in rule.months]
        elif rule.kind in (scoring.RuleKind.FIXED, scoring.RuleKind.ALL_OR_NOTHING):
            facts[rule.key] = post.get(name, "")  # an unticked box is absent: 否
        else:
            facts[rule.key] = post.get(name, "")
        reason = post.get(f"{'g' if prefix == 'a' else 'r'}-{rule.pk}", "")
        if reason:
            reasons[rule.key] = reason
    return facts, reasons


def item_inputs(post: QueryDict, files: MultiValueDict | None, rules: RubricRules) -> dict[int, ItemInput]:
    """The unit's sheet: every item is on the page, so an absent checkbox means 否 and absent evidence
    ticks mean none cited."""
    out = {}
    for item in rules.items:
        facts, reasons = _facts(post, rules.by_item.get(item.pk, []))
        cited = None
        if post.get(f"pe-shown-{item.pk}"):
            cited = [int(v) for v in post.getlist(f"pe-{item.pk}") if str(v).isdigit()]
        out[item.pk] = ItemInput(
            facts=facts,
            reasons=reasons,
            explanation=post.get(f"e-{item.pk}", ""),
            evidence_ids=cited,
            files=[f for f in (files.getlist(f"files-{item.pk}") if files else []) if f],
        )
    return out


def review_inputs(post: QueryDict, rules: RubricRules, *, unsubmitted: bool = False) -> dict[int, ReviewInput]:
    """The review sheet. For a unit that never submitted an item counts only when its 核定本项 box is ticked
    (``s-<item>``): values the platform pre-filled never score by themselves."""
    out = {}
    for item in rules.items:
        facts, reasons = _facts(post, rules.by_item.get(item.pk, []))
        scored = bool(post.get(f"s-{item.pk}")) if unsubmitted else True
        out[item.pk] = ReviewInput(facts=facts, reasons=reasons, comment=post.get(f"c-{item.pk}", ""), scored=scored)
    return out


def fact_sources_input(post: QueryDict) -> dict[str, str] | None:
    """The settings page's mapping, one select per rule a platform fact could inform (``src-<rule id>``: a
    source, or empty for none); None when the page did not show the mapping (it is left as it is)."""
    if not post.get("src-shown"):
        return None
    return {key[4:]: value for key, value in post.items() if key.startswith("src-") and key != "src-shown"}


def adjust_inputs(post: QueryDict, rules: RubricRules) -> tuple[dict, dict]:
    return _facts(post, rules.adjustments, prefix="a")
