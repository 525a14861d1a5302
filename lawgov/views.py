"""Pages of the kernel: 工作台 shell, unit directory, unit page, health."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authtoken.models import Token

from lawgov import login_throttle
from lawgov.errors import DomainError
from lawgov.health import health_checks, health_status
from lawgov.models import Role, Unit, User
from lawgov.permissions import people_only, role_required
from lawgov.selectors import unit_directory
from lawgov.services import api_client_create, api_token_issue, api_token_revoke


@people_only
def units(request: HttpRequest) -> HttpResponse:
    return render(request, "lawgov/units.html", {"directory": unit_directory(user=request.user)})


@people_only
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's page. A reporter may open only its own: another unit of the directory is 403, a unit
    outside the user's jurisdictions is 404, so nothing beyond the directory is revealed."""
    unit = get_object_or_404(Unit.objects.in_directory_of(request.user), pk=pk)
    if not Unit.objects.visible_to(request.user).filter(pk=unit.pk).exists():
        raise PermissionDenied("您只能查看本单位的页面。")
    return render(request, "lawgov/unit_detail.html", {"unit": unit, "members": unit.expand() if unit.is_group else []})


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: each dependency the setup needs (lawgov.health). 503 when a required
    one is down; a schedule that stopped is reported as "warn" with 200 (the web still works)."""
    checks = health_checks()
    status = health_status(checks)
    return JsonResponse(
        {
            "status": status,
            "checks": {name: {"ok": c.ok, "detail": c.detail, "required": c.required} for name, c in checks.items()},
        },
        status=503 if status == "fail" else 200,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您无权访问此页面。"
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "permission_denied", "message": message, "details": None}}, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "未找到。", "details": None}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "server_error", "message": "服务器内部错误。", "details": None}}, status=500
        )
    return render(request, "500.html", status=500)


@role_required(Role.LEGAL_OFFICE)
def api_clients(request: HttpRequest) -> HttpResponse:
    """The legal office creates API clients of its jurisdiction and issues or revokes their tokens."""
    jurisdiction = request.user.home_jurisdiction()
    clients = User.objects.filter(role=Role.API_CLIENT, jurisdiction__in=request.user.jurisdictions()).order_by(
        "username"
    )
    shown_key = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            try:
                client = api_client_create(
                    username=request.POST.get("username", ""),
                    display_name=request.POST.get("display_name", ""),
                    jurisdiction=jurisdiction,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                shown_key = (client, api_token_issue(user=client).key)
                messages.success(request, f"已创建接口客户端 {client.username}。")
        else:
            client = get_object_or_404(clients, pk=request.POST.get("client") or 0)
            if action == "issue":
                api_token_revoke(user=client)
                shown_key = (client, api_token_issue(user=client).key)
                messages.success(request, f"已为 {client.username} 生成新令牌,旧令牌立即失效。")
            elif action == "revoke":
                api_token_revoke(user=client)
                messages.success(request, f"已撤销 {client.username} 的令牌。")
    tokens = set(Token.objects.filter(user__in=clients).values_list("user_id", flat=True))
    context = {"clients": clients, "tokens": tokens, "shown_key": shown_key}
    return render(request, "lawgov/api_clients.html", context, status=status)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <head> of ours (the API's JSON, a PDF): send them to
    the vendored icon, resolved per request so the static manifest is read only once it exists."""
    return HttpResponsePermanentRedirect(static("lawgov/favicon.svg"))


@role_required(Role.LEGAL_OFFICE)
def login_unlock(request: HttpRequest) -> HttpResponse:
    """The legal office unlocks an account of its jurisdictions that wrong passwords locked out
    (lawgov.login_throttle); an account elsewhere is "not found", so names outside are not revealed."""
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        account = User.objects.filter(username=username, jurisdiction__in=request.user.jurisdictions()).first()
        if account is None:
            messages.error(request, f"本辖区没有账号“{username[:50]}”。")
            status = 400
        else:
            login_throttle.login_unlock(account.username)
            messages.success(request, f"账号“{account.username}”已解锁,可以重新登录。")
    return render(request, "lawgov/login_unlock.html", status=status)


_swagger_ui = SpectacularSwaggerSplitView.as_view(url_name="api-schema")


def api_docs(request: HttpRequest) -> HttpResponse:
    """The Swagger UI of the API (its start-up script served as a file: the CSP runs no inline script).
    A visitor who is not signed in goes to the login page unless ``LAWGOV_API_DOCS_PUBLIC`` is on."""
    if not settings.LAWGOV_API_DOCS_PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _swagger_ui(request)
