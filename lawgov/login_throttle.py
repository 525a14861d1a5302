"""Login throttling: after ``LAWGOV_LOGIN_MAX_FAILURES`` wrong passwords for one account from one address
within ``LAWGOV_LOGIN_LOCKOUT_MINUTES``, further attempts answer 429 "登录失败次数过多,请稍后再试" — even
with the right password — until the window passes or the legal office unlocks the account. An address
that fails against many accounts (password spraying) is stopped after four times as many failures.

Counted in the cache (Redis in production, shared by every gunicorn worker), from Django's own
``user_login_failed`` signal, so the sign-in page and ``/admin/login/`` count the same way; every failure
is logged with the account and address. A cache that is down lets logins through (with a log line): a
dead Redis must not lock everybody out. The API takes tokens, not passwords, so it has no login to throttle.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

log = logging.getLogger(__name__)

THROTTLED_MESSAGE = "登录失败次数过多,请稍后再试。"
LOGIN_URL_NAMES = {"login", "admin:login"}
SPRAY_FACTOR = 4  # an address may fail this many times the per-account limit, over all accounts


def client_address(request: HttpRequest) -> str:
    """The client's address: behind our reverse proxy (``LAWGOV_BEHIND_PROXY``) the ``X-Real-IP`` it sets
    (it overwrites whatever the client sent, and nothing else can reach gunicorn); else the socket's."""
    if settings.LAWGOV_BEHIND_PROXY and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _account(username: str) -> str:
    # Usernames are case-insensitive for the throttle (Li and li are the same guess); hashed: any length.
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _generation(account: str) -> int:
    """Bumped by an unlock: counters of older generations are no longer read."""
    return int(cache.get(f"login:gen:{account}") or 0)


def _keys(username: str, address: str) -> tuple[str, str]:
    account = _account(username)
    return f"login:fail:{account}:{_generation(account)}:{address}", f"login:fail-address:{address}"


def _window() -> int:
    return int(settings.LAWGOV_LOGIN_LOCKOUT_MINUTES) * 60


def _fails_open(action: Callable[[], object], default: object) -> object:
    try:
        return action()
    except Exception as exc:  # the cache backend's own errors (redis.ConnectionError…): fail open
        log.warning("login throttle: cache unavailable (%s); logins are not throttled", exc)
        return default


def login_locked(username: str, address: str) -> bool:
    """Whether a login for ``username`` from ``address`` is refused without checking the password."""
    limit = int(settings.LAWGOV_LOGIN_MAX_FAILURES)
    if limit <= 0:
        return False

    def check() -> bool:
        pair, spray = _keys(username, address)
        counts = cache.get_many([pair, spray])
        return counts.get(pair, 0) >= limit or counts.get(spray, 0) >= limit * SPRAY_FACTOR

    return bool(_fails_open(check, False))


def login_failure_record(username: str, address: str) -> None:
    """Count one failed login (the account and the address), logged."""
    log.warning("failed login for account %r from %s", username[:150], address)

    def count() -> None:
        for key in _keys(username, address):
            if not cache.add(key, 1, _window()):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, _window())

    _fails_open(count, None)


def login_success_record(username: str, address: str) -> None:
    """A right password (not throttled) clears that account's count from that address."""
    _fails_open(lambda: cache.delete(_keys(username, address)[0]), None)


def login_unlock(username: str) -> None:
    """The legal office's reset: every address's count for the account starts again from zero."""
    account = _account(username)

    def bump() -> None:
        key = f"login:gen:{account}"
        if not cache.add(key, 1, None):
            cache.incr(key)

    _fails_open(bump, None)
    log.info("login throttle: account %r unlocked", username[:150])


def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """``user_login_failed`` receiver (connected in LawgovConfig.ready)."""
    if request is not None:
        login_failure_record(str(credentials.get("username", "")), client_address(request))


def on_logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a password login that worked clears its count."""
    if request is not None and request.method == "POST":
        login_success_record(user.get_username(), client_address(request))


class LoginThrottleMiddleware:
    """Answers a POST to a login page with 429 before the password is checked, while it is locked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and self._is_login(request.path_info):
            username = request.POST.get("username", "")
            if username and login_locked(username, client_address(request)):
                log.warning("login throttled for account %r from %s", username[:150], client_address(request))
                minutes = int(settings.LAWGOV_LOGIN_LOCKOUT_MINUTES)
                response = render(
                    request,
                    "registration/login_throttled.html",
                    {"message": THROTTLED_MESSAGE, "minutes": minutes},
                    status=429,
                )
                response["Retry-After"] = str(minutes * 60)
                return response
        return self.get_response(request)

    @staticmethod
    def _is_login(path: str) -> bool:
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.view_name in LOGIN_URL_NAMES
