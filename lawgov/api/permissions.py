"""Who may read the API's schema and docs: anyone signed in or holding a token, or everyone when
``LAWGOV_API_DOCS_PUBLIC`` is on (read per request, so the setting needs no restart of the URL conf)."""

from django.conf import settings
from rest_framework.permissions import BasePermission


class ApiDocsReaders(BasePermission):
    """The schema lists every endpoint and field: not for anonymous visitors unless the setting says so."""

    def has_permission(self, request, view) -> bool:
        return bool(settings.LAWGOV_API_DOCS_PUBLIC or (request.user and request.user.is_authenticated))
