"""Request-wide rules of the pages: a person whose password someone else chose changes it first, and the
error pages people see are ours (in Chinese) even with DEBUG on."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse

from lawgov.views import method_not_allowed, page_not_found, server_error

logger = logging.getLogger("django.request")


class PasswordChangeRequiredMiddleware:
    """A user with ``must_change_password`` (an account created, or a password reset, by the legal office or
    an administrator) is sent to 修改密码 until they choose their own password.

    Only the session's user is stopped: an API client signs in per request with its token (DRF authenticates
    inside the view, after this runs), so ``request.user`` is anonymous here and the API is unaffected. A
    person's own session calling the API gets the API's error body instead of a redirect.
    """

    # The pages a flagged person may still open: the change itself, leaving, help, and what pages load.
    ALLOWED_NAMES = ("password_change", "password_change_done", "logout", "help", "help-role")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password and not self._allowed(request):
            if request.path.startswith("/api/"):
                message = "请先在页面上修改初始密码。"
                body = {"error": {"code": "password_change_required", "message": message, "details": None}}
                return JsonResponse(body, status=403)
            if request.headers.get("HX-Request"):
                # A fragment the page loads by itself (the bell): nothing to swap in, or the change page
                # would be nested inside the header.
                return HttpResponse(status=204)
            return redirect(f"{reverse('password_change')}?next={request.get_full_path()}")
        return self.get_response(request)

    def _allowed(self, request: HttpRequest) -> bool:
        if request.path.startswith((settings.STATIC_URL, "/favicon.ico", "/health/")):
            return True
        try:
            return resolve(request.path_info).url_name in self.ALLOWED_NAMES
        except Resolver404:
            return False


class ChineseErrorPagesMiddleware:
    """With DEBUG on (``make run``) Django answers a missing page or a crash with its English debug page;
    people testing the demo should see ours. Developers who want the debug pages set
    ``LAWGOV_DEBUG_ERROR_PAGES=1``. Without DEBUG Django already uses our handlers (lawgov.urls).

    Placed inside CommonMiddleware so its APPEND_SLASH redirect still sees the 404 and adds the slash.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def _active(self, request: HttpRequest) -> bool:
        return (
            settings.DEBUG
            and not settings.LAWGOV_DEBUG_ERROR_PAGES
            and not request.path.startswith(settings.STATIC_URL)
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No view matched (the resolver's 404 never reaches process_exception): Django's debug 404 came back.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None and self._active(request):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active(request):
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, (PermissionDenied, SuspiciousOperation, BadRequest)):
            return None  # Django answers these with our 403 handler or a 400 of its own
        # Still in the developer's console, as Django would log it.
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)


class MethodNotAllowedPageMiddleware:
    """An address that only takes a form's POST (a task's 报送进展, 申请延期, a report's review, 退出…) answers
    a GET with Django's empty 405, which Chromium shows as its English "HTTP ERROR 405": the person pressed
    Enter in the address bar after a refused form, or followed an old link. Pages get ours
    (``templates/405.html``: what the address is for and the way back), in every setup, DEBUG or not; the API
    keeps its JSON error (DRF writes a body, and /api/ is left alone anyway).

    ``GET /logout/`` from someone already signed out (the usual case: the session ended and the tab was left on
    the address) goes to the login page instead; signed in, it is the same 405 page (退出 is a POST, from the
    menu under the role's name).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or getattr(response, "streaming", False)
            or response.content
            or request.path.startswith(("/api/", settings.STATIC_URL))
        ):
            return response
        user = getattr(request, "user", None)
        if request.path == reverse("logout") and not (user is not None and user.is_authenticated):
            return redirect(resolve_url(settings.LOGIN_URL))
        return method_not_allowed(request, response)
