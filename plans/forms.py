"""Forms of the plans app; their error messages are what people read, in Chinese."""

from django import forms

from lawgov.models import Unit
from plans.importing import corrections
from plans.importing.division import MAX_SHEET_BYTES
from plans.importing.reader import (
    ACCEPTED_EXTENSIONS,
    IMAGE_EXTENSIONS,
    MAX_DOCUMENT_BYTES,
    MAX_SCAN_BYTES,
    PDF_EXTENSIONS,
)
from plans.models import AssignmentRole

ENCODINGS = [("", "自动识别"), ("utf-8", "UTF-8"), ("gb18030", "GB18030 / GBK")]
ALLOWED_SUFFIXES = tuple(sorted(ACCEPTED_EXTENSIONS))


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="规划文件(.docx / .doc / .wps / .pdf / .xlsx / .xls / .txt / .html / 扫描图片)",
        error_messages={"empty": "文件为空,请选择有内容的规划文件。", "required": "请选择要上传的文件。"},
    )
    encoding = forms.ChoiceField(label="文字编码", choices=ENCODINGS, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        scan = upload.name.lower().endswith(tuple(PDF_EXTENSIONS | IMAGE_EXTENSIONS))
        limit = MAX_SCAN_BYTES if scan else MAX_DOCUMENT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件超过{limit // (1024 * 1024)} MB的上限(实际{upload.size / 1024 / 1024:.1f} MB)。"
            )
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                "只接受 Word(.docx/.doc/.wps)、PDF、Excel(.xlsx/.xls)、文本(.txt)、网页(.html)或扫描图片(.png/.jpg)。"
            )
        return upload


class AssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), empty_label="请选择单位")
    role = forms.ChoiceField(label="分工", choices=AssignmentRole.choices)

    def __init__(self, *args, jurisdiction: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.offered().filter(jurisdiction=jurisdiction).order_by("kind", "name")


class ImportCorrectionForm(forms.Form):
    """One correction to an import preview; the page's buttons post it (plans.importing.corrections)."""

    kind = forms.ChoiceField(
        choices=list(corrections.KINDS.items()),
        error_messages={"required": "请选择要做的修改。", "invalid_choice": "不支持的修改。"},
    )
    target = forms.CharField(max_length=200, required=False, error_messages={"max_length": "修改的对象过长。"})
    value = forms.CharField(max_length=2000, required=False, error_messages={"max_length": "内容过长。"})
    unit = forms.CharField(max_length=120, required=False)
    role = forms.ChoiceField(
        choices=[("", "")] + [(r, AssignmentRole(r).label) for r in ("lead", "cooperating")],
        required=False,
        error_messages={"invalid_choice": "单位角色只能在牵头和配合之间调整。"},
    )

    def operation(self) -> dict:
        data = self.cleaned_data
        value = data["value"] or None
        if data["kind"] == "unit_role":
            value = {"unit": data["unit"], "role": data["role"]}
        return {"kind": data["kind"], "target": data["target"], "value": value}


class DivisionUploadForm(forms.Form):
    """The filled 任务分工表 (plans.division); its content is checked by the preview, its size and type here."""

    file = forms.FileField(
        label="填好的任务分工表(.xlsx)",
        error_messages={"empty": "文件为空,请选择填好的分工表。", "required": "请选择要上传的分工表。"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只接受 .xlsx 表格(WPS 或 Excel 中“另存为 .xlsx”)。")
        if upload.size > MAX_SHEET_BYTES:
            raise forms.ValidationError(
                f"文件超过 {MAX_SHEET_BYTES // (1024 * 1024)} MB 的上限(实际 {upload.size / 1024 / 1024:.1f} MB)。"
            )
        return upload
