"""Forms of the reports app: they check the shape of the input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from lawgov.models import Unit
from reports.models import Indicator, IndicatorKind, ReportSettings, ThemeList, WordingKey

PLAN_SECTIONS = ""  # the theme choice "the plan's own sections"


class GenerateForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=Unit.objects.none(), label="辖区", empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000)
    themes = forms.ChoiceField(label="报告结构", required=False)

    def __init__(self, *args, jurisdictions: list[Unit], theme_lists: list[ThemeList], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Unit.objects.filter(pk__in=[j.pk for j in jurisdictions])
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["themes"].choices = [(PLAN_SECTIONS, "按规划自身的章节")] + [
            (str(t.pk), t.name) for t in theme_lists
        ]
        self.theme_lists = {str(t.pk): t for t in theme_lists}

    def theme_list(self) -> ThemeList | None:
        return self.theme_lists.get(self.cleaned_data.get("themes") or "")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}(全辖区合计)" if obj.is_jurisdiction else obj.name


class StatisticForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label="指标")
    unit = UnitChoiceField(queryset=Unit.objects.none(), label="单位", empty_label=None)
    value = forms.CharField(label="数值", max_length=200)
    note = forms.CharField(label="说明(数据出处)", max_length=300, required=False)

    def __init__(self, *args, indicators, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["unit"].queryset = units


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标名称", max_length=60)
    measure = forms.CharField(label="计量单位", max_length=10, required=False)
    kind = forms.ChoiceField(label="类型", choices=IndicatorKind.choices)
    phrase = forms.CharField(label="报告中的表述", max_length=200, required=False)
    keywords = forms.CharField(label="关键词(逗号分隔)", max_length=200, required=False)
    additive = forms.BooleanField(label="辖区合计为各单位之和", required=False, initial=True)


class WordingForm(forms.Form):
    key = forms.ChoiceField(choices=WordingKey.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="模板")


class ThemeListForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    lines = forms.CharField(label="方面(每行一个:标题|关键词,关键词)", widget=forms.Textarea(attrs={"rows": 10}))


class ReportSettingsForm(forms.ModelForm):
    """报告设置: what the legal office may change (validated again by ``services.report_settings_save``)."""

    class Meta:
        model = ReportSettings
        fields = ["addressee", "signature", "date_style", "report_due", "publish_due"]
        labels = {"addressee": "报送对象(主送机关)"}
        widgets = {
            "report_due": forms.TextInput(attrs={"placeholder": "03-01", "inputmode": "numeric"}),
            "publish_due": forms.TextInput(attrs={"placeholder": "04-01", "inputmode": "numeric"}),
        }
