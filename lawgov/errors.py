"""The one domain error of lawgov, and the one way a page answers it.

Every app's refusal (``ProgressError``, ``AssessmentError``, ``ReportError``, ``PlanImportError``) subclasses
``DomainError``: a stable English ``code`` that programs and tests compare, a Chinese ``message`` shown to
people as is, and the HTTP ``status`` that fits (400 bad input, 403 not yours, 404 not found, 409 conflict).
The API's exception handler maps it once (``lawgov.api.exception_handler``); pages answer it with
``refused`` (a view decorated with ``refusals_go_back_to`` lets a refusal leave it), so no view translates
errors by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html

if TYPE_CHECKING:
    from django.http import HttpRequest


class DomainError(Exception):
    """A refused write or read, said once for people (``message``) and once for programs (``code``).

    ``details`` lists what a person must fix (the sums that do not add up, the units not yet reviewed).
    """

    default_status = 400

    def __init__(
        self, code: str, message: str, status: int | None = None, details: list[str] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.status = status if status is not None else self.default_status
        self.details = list(details or [])
        for name, value in extra.items():
            setattr(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body the API answers with (inside ``{"error": …}``)."""
        return {"code": self.code, "message": self.message, "details": self.details or None}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, status={self.status})"


def refused(request: HttpRequest, exc: DomainError, back: str) -> HttpResponse:
    """A page's answer to a refusal: nothing saved, the reason in Chinese, the status the service chose.

    An htmx request gets an escaped fragment to swap in, with the status (a whole 403 page swapped into a
    row would be worse than the sentence). Otherwise 403 and 404 become Django's own pages (so they look
    and log like every other 403/404), and a plain form post gets a page with the message, the details and
    a way back (``back``), never a 200 and never a silent redirect.
    """
    if getattr(request, "htmx", False):
        return HttpResponse(format_html('<p class="error" role="alert">{}</p>', exc.message), status=exc.status)
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    if exc.status == 404:
        raise Http404(exc.message)
    return render(
        request,
        "lawgov/refused.html",
        {"to": back, "message": exc.message, "details": exc.details},
        status=exc.status,
    )


def refused_with_message(request: HttpRequest, exc: DomainError, back: str) -> HttpResponse:
    """Like ``refused``, but a plain post goes back to ``back`` with the message on top (pages whose
    own form shows the state the person must fix, such as the annual report's)."""
    if exc.status in (403, 404) or getattr(request, "htmx", False):
        return refused(request, exc, back)
    messages.error(request, exc.message)
    return redirect(back)


def refusals_go_back_to(back: str | Callable[..., str]) -> Callable[[Callable[..., HttpResponse]], Callable]:
    """The one answer of these pages to a refusal that leaves the view: ``lawgov.errors.refused`` (403 and
    404 as Django's pages, htmx a fragment, otherwise the reason with the status the service chose and a
    link back). ``back`` is a URL name reversed with the view's own arguments, or a function of the request
    and those arguments."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                to = back(request, *args, **kwargs) if callable(back) else reverse(back, args=args, kwargs=kwargs)
                return refused(request, exc, to)

        return wrapper

    return decorate
