"""Forms of the plans app; their error messages are what people read, in Chinese."""

from django import forms

from lawgov.models import Unit
from plans.importing.reader import MAX_DOCUMENT_BYTES
from plans.models import AssignmentRole

ENCODINGS = [("", "自动识别"), ("utf-8", "UTF-8"), ("gb18030", "GB18030 / GBK")]
ALLOWED_SUFFIXES = (".txt", ".html", ".htm", ".docx")


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="规划文件(.txt / .html / .docx,不超过10 MB)",
        error_messages={"empty": "文件为空,请选择有内容的规划文件。", "required": "请选择要上传的文件。"},
    )
    encoding = forms.ChoiceField(label="文字编码", choices=ENCODINGS, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                f"文件超过{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB的上限(实际{upload.size / 1024 / 1024:.1f} MB)。"
            )
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError("只接受 .txt、.html 或 .docx 文件。")
        return upload


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), empty_label="请选择单位")
    role = forms.ChoiceField(label="分工", choices=AssignmentRole.choices)

    def __init__(self, *args, jurisdiction: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().filter(jurisdiction=jurisdiction).order_by("kind", "name")
