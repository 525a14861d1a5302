"""The admin site: reporters and leaders never reach it; a signed-in non-staff user gets 403."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied


class LawgovAdminSite(admin.AdminSite):
    site_header = "lawgov 后台管理"
    site_title = "lawgov 后台"
    index_title = "后台管理"

    def login(self, request, extra_context=None):
        # Django would show its login form again to a signed-in reporter; say plainly that it is not theirs.
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied("后台管理仅限系统管理员使用。")
        return super().login(request, extra_context)
