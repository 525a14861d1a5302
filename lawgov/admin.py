"""Back-office admin registrations; the site itself is lawgov.admin_site."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from simple_history.admin import SimpleHistoryAdmin

from lawgov.models import Heartbeat, Job, Unit, User


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "jurisdiction", "parent", "deleted_at")
    list_filter = ("kind", "jurisdiction")
    search_fields = ("name", "short_name")
    filter_horizontal = ("members",)


class InitialPasswordCreationForm(AdminUserCreationForm):
    """A new account's password was chosen by whoever created it: the person changes it at first login."""

    class Meta(AdminUserCreationForm.Meta):
        model = User

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.must_change_password = user.has_usable_password()
        if commit:
            user.save()
        return user


class PasswordResetByOfficeForm(AdminPasswordChangeForm):
    """A password reset for someone else is an initial password again: changed at the next login."""

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.must_change_password = user.has_usable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "unit", "jurisdiction", "is_active", "must_change_password")
    list_filter = ("role", "is_active", "jurisdiction")
    add_form = InitialPasswordCreationForm
    change_password_form = PasswordResetByOfficeForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("lawgov", {"fields": ("display_name", "phone", "role", "unit", "jurisdiction", "must_change_password")}),
    )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker", "seen_at", "beats")


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Every background job of every app, for operators: what ran, what failed and why."""

    list_display = ("kind", "subject", "status", "stage", "attempts", "created_at", "finished_at", "error")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
