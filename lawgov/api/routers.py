"""How the apps mount their API: each app's ``api/urls.py`` has its own router, the root urls one front page."""

from django.urls import path
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns


class AppRouter(DefaultRouter):
    """One app's API routes, with DefaultRouter's ``.json`` suffixes but no front page: the front page at
    /api/v1/ lists every app's lists (``api_root``), so no app's router may claim that URL."""

    include_root_view = False


def api_root(*routers: DefaultRouter) -> list:
    """The front page of /api/v1/: a link to each list of every router, as one shared DefaultRouter gave."""
    front = DefaultRouter()
    for router in routers:
        front.registry.extend(router.registry)
    return format_suffix_patterns([path("", front.get_api_root_view(), name=front.root_view_name)])
