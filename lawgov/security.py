"""Security headers Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy.

Scripts run only from our own static files or from an inline ``<script nonce="{{ request.csp_nonce }}">``
(a fresh nonce per response): an injected ``<script>`` or ``on*=`` attribute does not run. No page needs an
inline handler — confirmations and auto-submitting selects are ``data-confirm`` / ``data-autosubmit``,
wired by static/lawgov/app.js; tests/lawgov/test_security_headers.py scans the templates to keep it so.

Styles: ``<style>`` elements need the nonce too (no injected stylesheet, so no CSS selectors reading a
page's secrets out through attribute selectors). ``style=""`` *attributes* are allowed
(``style-src-attr 'unsafe-inline'``): an attribute styles one element and carries no selector, so it cannot
exfiltrate anything, and the vendored ECharts draws its SVG charts and tooltips with style attributes, as
do many of our templates' one-off layouts.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)


def content_security_policy(nonce: str) -> str:
    """The policy of one response; ``nonce`` is the one its templates print on inline script/style tags."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "style-src-elem": f"'self' 'nonce-{nonce}'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Gives every request a nonce (``request.csp_nonce``) and every response the two policies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(request.csp_nonce))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def safe_next(request: HttpRequest, wanted: str | None, default: str) -> str:
    """Where to send the person after a form: ``wanted`` (a ``next`` field) when it stays on this site, else
    ``default``. One rule for every view: a hand check such as ``startswith("/")`` lets "/\\\\evil.example"
    through, which browsers read as another host (an open redirect, hardening issue)."""
    safe = bool(wanted) and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else default
