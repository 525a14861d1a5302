"""Forms of the tasks app. They turn text into types; the rules themselves live in services."""

import uuid

from django import forms

from lawgov.models import Unit

PERCENT_ERRORS = {
    "invalid": "完成比例必须是0到100之间的整数。",
    "min_value": "完成比例不能小于0(填写的是负数)。",
    "max_value": "完成比例不能大于100。",
    "required": "请填写完成比例。",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; each is checked by tasks.services.evidence_check."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png,.zip"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressReportForm(forms.Form):
    # 代填: no unit is preselected (a phoned-in report filed under the first unit of the list went astray).
    unit = forms.ModelChoiceField(
        label="填报单位", queryset=Unit.objects.none(), required=False, empty_label="请选择填报单位"
    )
    reported_on = forms.DateField(
        label="进展日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "日期格式不正确,应为 2026-11-22 这样的格式。",
            "required": "请填写进展日期。",
        },
    )
    percent = forms.IntegerField(label="完成比例(%)", min_value=0, max_value=100, error_messages=PERCENT_ERRORS)
    text = forms.CharField(
        label="进展情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写进展情况。"},
    )
    claims_completion = forms.BooleanField(label="该任务已完成,申请确认完成", required=False)
    files = MultipleFileField(label="佐证材料(可多选)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # One token per blank form shown: a second POST of the same form (a double click, a resend after a slow
    # answer) finds the report the first one made instead of making another (tasks.services).
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("form_token"):
            self.initial["form_token"] = uuid.uuid4().hex
        if units is not None:
            self.fields["unit"].queryset = units
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = "请选择填报单位(代哪个单位填报)。"
            self.fields["unit"].error_messages["invalid_choice"] = "所选单位不是该任务的承办单位,请重新选择。"
        else:
            del self.fields["unit"]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "退回时请写明理由。"},
    )


class ProgressImportForm(forms.Form):
    file = forms.FileField(label="填好的任务进展表(.xlsx)")
