"""Who may do what, for views and the API alike.

Row-level visibility is the models' ``visible_to`` querysets; this module only answers "may this role
use this page at all", so a view states its roles in one line.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS, BasePermission

from lawgov.models import Role

ViewFunc = Callable[..., HttpResponse]

ROLE_DENIED_MESSAGE = "您的角色({role})无权访问此页面。"


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Anonymous → 302 to the login page; signed in with another role → 403 with a Chinese message."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not (user.is_superuser or user.role in roles):
                raise PermissionDenied(ROLE_DENIED_MESSAGE.format(role=user.get_role_display()))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def people_only(view: ViewFunc) -> ViewFunc:
    """Pages for people (legal office, reporters, leaders); an API client account reads through the API
    and its docs, as its menu says, and gets 403 here."""
    return role_required(Role.LEGAL_OFFICE, Role.REPORTER, Role.LEADER)(view)


def writers_only(view: ViewFunc) -> ViewFunc:
    """Leaders and API clients read; any request that writes needs another role."""
    return role_required(Role.LEGAL_OFFICE, Role.REPORTER)(view)


class RoleWritePermission(BasePermission):
    """API: reads for every signed-in role, writes only for roles that write (not leader, not API client)."""

    message = "只读角色(领导、接口客户端)不能修改数据。"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user.is_superuser or not user.read_only
