"""A URLconf for the error-page tests: lawgov's own, plus a page that crashes (no view of ours should)."""

from django.urls import path

from lawgov.urls import handler400, handler403, handler404, handler500
from lawgov.urls import urlpatterns as lawgov_urlpatterns


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash, name="crash"), path("api/v1/crash/", crash), *lawgov_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
