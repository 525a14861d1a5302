"""Forms of the kernel's pages: a unit's directory entry, a person's own password."""

import re

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from lawgov.models import Unit, UnitKind
from lawgov.services import EDITABLE_KINDS

# Aliases are typed one per line or separated as a person lists names (、,;).
ALIAS_SEPARATORS = re.compile(r"[\n\r、,,;;]+")


class UnitForm(forms.Form):
    """A unit's entry as the legal office edits it; the rules (unique name, parent in the jurisdiction) are
    the service's (lawgov.services.unit_create / unit_update), so the API and the page refuse alike."""

    name = forms.CharField(label="名称", max_length=120, error_messages={"required": "请填写单位名称。"})
    short_name = forms.CharField(label="简称", max_length=60, required=False)
    kind = forms.ChoiceField(label="类型", choices=[(k.value, k.label) for k in EDITABLE_KINDS])
    parent = forms.ModelChoiceField(label="上级", queryset=Unit.objects.none(), required=False, empty_label="(本辖区)")
    aliases = forms.CharField(
        label="别名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="文件中出现的其他写法,每行一个或用顿号分隔;更名时旧名称自动保留为别名。",
    )
    contact_person = forms.CharField(label="联系人", max_length=60, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args, jurisdiction: Unit, unit: Unit | None = None, **kwargs):
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "parent": unit.parent_id if unit.parent_id != jurisdiction.pk else None,
                "aliases": "\n".join(unit.aliases),
                "contact_person": unit.contact_person,
                "contact_phone": unit.contact_phone,
            }
        super().__init__(*args, **kwargs)
        parents = Unit.objects.offered().filter(jurisdiction=jurisdiction).exclude(kind=UnitKind.GROUP)
        if unit is not None:
            parents = parents.exclude(pk=unit.pk)
        self.fields["parent"].queryset = parents.order_by("kind", "name")

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in ALIAS_SEPARATORS.split(self.cleaned_data.get("aliases") or "") if a.strip()]


class OwnPasswordChangeForm(PasswordChangeForm):
    """修改密码: Django's form (its validators' reasons come in Chinese, LANGUAGE_CODE zh-hans), which also
    ends a first-login obligation (``must_change_password``) and refuses to keep the password it replaces."""

    # Django's zh-hans says 你 where the site says 您.
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "您输入的旧密码不正确\uff0c请重新输入。",
    }

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError("新密码不能与当前密码相同\uff0c请另设一个。", code="password_unchanged"),
            )
        return cleaned

    def save(self, commit: bool = True):
        self.user.must_change_password = False
        return super().save(commit=commit)
