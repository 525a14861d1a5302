"""Pages of the kernel: the unit directory and its editing by the legal office, unit page, health, error pages,
修改密码 and 使用说明."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authtoken.models import Token

from lawgov import login_throttle
from lawgov.errors import DomainError
from lawgov.forms import OwnPasswordChangeForm, UnitForm
from lawgov.health import health_checks, health_status
from lawgov.help import HELP_ROLES, SHOTS, help_role_for
from lawgov.models import Role, Unit, UnitKind, User
from lawgov.permissions import people_only, role_required
from lawgov.selectors import unit_directory, unit_page
from lawgov.services import (
    UnitError,
    api_client_create,
    api_token_issue,
    api_token_revoke,
    unit_merge_preview,
    unit_restore,
    unit_retire,
    unit_update,
)
from lawgov.services import unit_create as unit_create_service
from lawgov.services import unit_merge as unit_merge_service


@people_only
def units(request: HttpRequest) -> HttpResponse:
    """The unit directory: everyone signed in reads it; the legal office finds, creates and opens units to
    edit them (search by name, short name or alias; filter by kind; retired units listed apart)."""
    search = request.GET.get("q", "")[:60]
    kind = request.GET.get("kind", "")
    if kind not in UnitKind.values:
        kind = ""
    return render(
        request,
        "lawgov/units.html",
        {
            "directory": unit_directory(user=request.user, search=search, kind=kind),
            "search": search,
            "kind": kind,
            "kinds": UnitKind.choices,
            "can_edit": _can_edit_units(request.user),
        },
    )


def _can_edit_units(user: User) -> bool:
    return (user.is_superuser or user.role == Role.LEGAL_OFFICE) and user.home_jurisdiction() is not None


@people_only
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's page, the one place that shows its work: its entry, its tasks by role and status, overdue
    tasks, reports this year and the last one, its reporters. A reporter may open only its own: another
    unit of the directory is 403, a unit outside the user's jurisdictions is 404, so nothing beyond the
    directory is revealed. A unit merged into another sends its old links to the survivor."""
    unit = Unit.objects.in_directory_of(request.user).filter(pk=pk).first()
    if unit is None:
        merged = Unit.objects.filter(pk=pk, merged_into__isnull=False).values_list("merged_into", flat=True).first()
        survivor = Unit.objects.in_directory_of(request.user).filter(pk=merged).first() if merged else None
        if survivor is None:
            raise Http404("单位不存在。")
        messages.info(request, f"该单位已并入{survivor.name}。")
        return redirect("unit-detail", pk=survivor.pk)
    if not Unit.objects.visible_to(request.user).filter(pk=unit.pk).exists():
        raise PermissionDenied("您只能查看本单位的页面。")
    editable = Unit.objects.editable_by(request.user).filter(pk=unit.pk).exists()
    return render(
        request,
        "lawgov/unit_detail.html",
        {
            "unit": unit,
            "members": unit.expand() if unit.is_group else [],
            "editable": editable,
            **unit_page(unit=unit, user=request.user, today=timezone.localdate()),
        },
    )


def _editable_unit(request: HttpRequest, pk: int) -> Unit:
    """The unit the legal office may edit; a unit of another jurisdiction is 404 (never revealed)."""
    return get_object_or_404(Unit.objects.editable_by(request.user).select_related("jurisdiction"), pk=pk)


def _form_fields(form: UnitForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "short_name": data["short_name"],
        "parent": data["parent"],
        "aliases": data["aliases"],
        "contact_person": data["contact_person"],
        "contact_phone": data["contact_phone"],
    }


@role_required(Role.LEGAL_OFFICE)
def unit_create(request: HttpRequest) -> HttpResponse:
    jurisdiction = request.user.home_jurisdiction()
    if jurisdiction is None:
        raise PermissionDenied("您的账号未绑定辖区,不能新建单位。")
    form = UnitForm(request.POST or None, jurisdiction=jurisdiction)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                unit = unit_create_service(jurisdiction=jurisdiction, by=request.user, **_form_fields(form))
            except UnitError as exc:
                form.add_error("name" if exc.code.startswith("name") else exc.code, exc.message)
            else:
                messages.success(request, f"已新建单位{unit.name}。")
                return redirect("unit-detail", pk=unit.pk)
        status = 400
    return render(
        request, "lawgov/unit_form.html", {"form": form, "jurisdiction": jurisdiction, "unit": None}, status=status
    )


@role_required(Role.LEGAL_OFFICE)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _editable_unit(request, pk)
    form = UnitForm(request.POST or None, jurisdiction=unit.jurisdiction, unit=unit)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            old_name = unit.name
            try:
                unit = unit_update(unit=unit, by=request.user, **_form_fields(form))
            except UnitError as exc:
                form.add_error("name" if exc.code.startswith("name") else exc.code, exc.message)
            else:
                renamed = f",原名称“{old_name}”已保留为别名" if unit.name != old_name else ""
                messages.success(request, f"已保存{unit.name}{renamed}。")
                return redirect("unit-detail", pk=unit.pk)
        status = 400
    return render(
        request,
        "lawgov/unit_form.html",
        {"form": form, "jurisdiction": unit.jurisdiction, "unit": unit},
        status=status,
    )


@role_required(Role.LEGAL_OFFICE)
@require_POST
def unit_retire_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 / 恢复启用, by the button on the unit's page."""
    unit = _editable_unit(request, pk)
    if request.POST.get("action") == "restore":
        unit_restore(unit=unit, by=request.user)
        messages.success(request, f"已恢复启用{unit.name}。")
    else:
        unit_retire(unit=unit, by=request.user)
        messages.success(request, f"已停用{unit.name}:保留其历史,不再出现在选择列表中。")
    return redirect("unit-detail", pk=unit.pk)


@role_required(Role.LEGAL_OFFICE)
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this unit into another: choose the survivor, read what moves (and why it cannot, if it cannot),
    confirm. Nothing changes before the confirmation, nor on a refusal."""
    source = _editable_unit(request, pk)
    candidates = (
        Unit.objects.editable_by(request.user)
        .filter(jurisdiction=source.jurisdiction_id)
        .exclude(pk=source.pk)
        .order_by("kind", "name")
    )
    into = request.POST.get("into") or request.GET.get("into") or ""
    context = {"source": source, "candidates": candidates, "preview": None, "into": into}
    if not into:
        return render(request, "lawgov/unit_merge.html", context)
    target = Unit.objects.editable_by(request.user).filter(pk=into).first() if into.isdigit() else None
    if target is None:
        context["error"] = "要并入的单位不存在或不属于您管辖的辖区。"
        return render(request, "lawgov/unit_merge.html", context, status=400)
    preview = unit_merge_preview(source=source, target=target)
    context["preview"] = preview
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            outcome = unit_merge_service(source=source, target=target, by=request.user)
        except UnitError as exc:
            context["error"] = exc.message
            context["preview"] = unit_merge_preview(source=source, target=target)
            return render(request, "lawgov/unit_merge.html", context, status=exc.status)
        moved = "、".join(f"{label} {n} 条" for label, n in outcome.moved if n)
        messages.success(request, f"已将{source.name}并入{target.name}" + (f":{moved}。" if moved else "。"))
        return redirect("unit-detail", pk=target.pk)
    return render(request, "lawgov/unit_merge.html", context, status=200 if preview.allowed else 409)


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own refusals before a view runs (a form body with more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    fields, a malformed multipart body): the API answers them with its error body too, as its schema says."""
    if request.path.startswith("/api/"):
        message = "请求无法处理:内容格式有误,或字段过多、内容过大(可改用 JSON 提交)。"
        return JsonResponse({"error": {"code": "bad_request", "message": message, "details": None}}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": "未找到。", "details": None}}, status=404)
    return render(request, "404.html", status=404)


def method_not_allowed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Ours in place of the empty 405 of an address that only takes a form's POST (someone pressed Enter in the
    address bar after a refused form): what happened, in Chinese, and the way back. The status and the
    ``Allow`` header stay."""
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    page = render(request, "405.html", {"back_url": referer if referer and safe else ""}, status=405)
    if response.has_header("Allow"):
        page["Allow"] = response["Allow"]
    return page


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


class PasswordChange(auth_views.PasswordChangeView):
    """修改密码, for every signed-in person; also the page a first login is kept on
    (lawgov.middleware.PasswordChangeRequiredMiddleware), which passes the page asked for as ``next``."""

    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self._next() or ""
        context["forced"] = self.request.user.must_change_password
        return context

    def _next(self) -> str | None:
        wanted = self.request.POST.get("next") or self.request.GET.get("next")
        safe = wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return wanted if safe else None

    def form_valid(self, form):
        response = super().form_valid(form)
        if self._next():  # back to the page asked for: say it here (the done page says it otherwise)
            messages.success(self.request, "密码已修改\uff0c下次登录请使用新密码。")
        return response

    def get_success_url(self) -> str:
        return self._next() or reverse("password_change_done")


@login_required
def help_page(request: HttpRequest, role: str | None = None) -> HttpResponse:
    """使用说明: a short page per role with screenshots; /help/ opens the reader's own role's page."""
    if role is None:
        return redirect("help-role", role=help_role_for(request.user))
    if role not in HELP_ROLES:
        raise Http404("没有这个角色的使用说明。")
    return render(
        request,
        f"help/{role}.html",
        {
            "help_role": role,
            "help_role_label": HELP_ROLES[role],
            "help_roles": HELP_ROLES.items(),
            "shots": {s.name: s for s in SHOTS[role]},
        },
    )
