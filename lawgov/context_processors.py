"""Navigation by role: a page shows up in the menu only when it exists and the role may open it."""

from django.urls import NoReverseMatch, reverse

from lawgov.models import Role

STAFF_ROLES = (Role.LEGAL_OFFICE, Role.REPORTER, Role.LEADER)

# (label, url name, roles). Later apps add entries here; a url name that does not resolve is hidden,
# so the menu never carries a dead link.
NAV_ITEMS: list[tuple[str, str, tuple[str, ...]]] = [
    ("工作台", "home", (Role.LEGAL_OFFICE, Role.REPORTER, Role.API_CLIENT)),  # a leader's home is the 驾驶舱
    ("驾驶舱", "dashboard", (Role.LEGAL_OFFICE, Role.LEADER)),
    ("规划", "plans:list", STAFF_ROLES),
    ("任务", "tasks:list", STAFF_ROLES),
    ("考核", "assessment:home", STAFF_ROLES),
    ("报告", "annual-list", (Role.LEGAL_OFFICE, Role.LEADER)),
    ("统计数据", "figures-home", (Role.LEGAL_OFFICE, Role.REPORTER)),
    ("单位", "units", STAFF_ROLES),
    ("接口令牌", "api-clients", (Role.LEGAL_OFFICE,)),
    ("账号解锁", "login-unlock", (Role.LEGAL_OFFICE,)),
    ("接口文档", "api-docs", (Role.API_CLIENT,)),
]


# Items the header groups under 管理 (a dropdown), so the legal office's menu fits one line at 1024 px;
# 接口文档 too for a superuser who sees every role's pages (for an API client it is the menu's main item).
ADMIN_GROUP = {"api-clients", "login-unlock", "admin"}


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for label, name, roles in NAV_ITEMS:
        if not (user.is_superuser or user.role in roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        grouped = name in ADMIN_GROUP or (name == "api-docs" and user.role != Role.API_CLIENT)
        items.append({"label": label, "url": url, "name": name, "admin": grouped})
    if user.is_staff:
        items.append({"label": "后台管理", "url": reverse("admin:index"), "name": "admin", "admin": True})
    return items


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    items = navigation_for(user)
    return {
        "nav_items": items,
        "nav_main": [i for i in items if not i["admin"]],
        "nav_admin": [i for i in items if i["admin"]],
    }
