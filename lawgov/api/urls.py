"""The kernel's API urls, mounted under /api/v1/ by the root urls."""

from django.urls import path

from lawgov.api.routers import AppRouter
from lawgov.api.views import MeView, UnitViewSet

router = AppRouter()
router.register("units", UnitViewSet, basename="api-unit")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
